/* auth — GET/POST /login, POST /logout, GET/POST /login/password/{token} (password-set links). */
#include <string.h>
#include "app.h"
#include "users.h"

static ierr show_form(struct req *req, int status, const char *message)
{
	const char *next = app_param(req, "next");
	const char *email = app_param(req, "email");
	struct app_value v;
	ierr e;

	req->status = status;
	if (next && !app_v_localpath(req, next, strlen(next), &v) && (e = app_set(req, "Login.Next", next)))
		return e;
	if (email && strlen(email) <= 254 && (e = app_set(req, "Login.Email", email)))
		return e;
	if (message && (e = app_set(req, "Login.Error", message)))
		return e;
	return app_render(req, "login.cs");
}

static ierr login_get(struct req *req)
{
	if (req->session.id)
		return app_redirect(req, 303, auth_home(req->session.user.role));
	return show_form(req, 200, NULL);
}

static ierr login_post(struct req *req)
{
	static const struct app_field fields[] = {
		{ "email", app_v_email, 1 },
		{ "password", app_v_password, 1 },
		{ "next", app_v_localpath, 0 },
	};
	struct app_value v[3];
	ierr e;

	if ((e = app_fields(req, fields, 3, v)))
		return show_form(req, 400, !strcmp(req->error_param, "email")
				 ? "Please enter a valid email address."
				 : !strcmp(req->error_param, "password") ? "Please enter your password."
				 : "The page to return to is not valid.");
	e = auth_login(req, v[0].s, v[1].s);
	if (e == IE_DENIED || e == IE_THROTTLED)
		return show_form(req, e == IE_THROTTLED ? 429 : 401, req->error_msg);
	if (e)
		return e;
	return app_redirect(req, 303, v[2].present ? v[2].s : auth_home(req->session.user.role));
}

static ierr logout_post(struct req *req)
{
	ierr e = auth_logout(req);

	if (e)
		return e;
	return app_redirect(req, 303, "/login");
}

/* The password-set page of a link from /admin/users or invoicectl: a form
 * (new password twice) while the token is good; an unknown or forged token
 * is a 404 page, a used or expired one a 410 page; nothing is changed then. */
static ierr password_form(struct req *req, int status, const char *email, const char *message)
{
	ierr e;

	req->status = status;
	if ((e = app_set(req, "Page.Title", "Choose your password"))
	    || (e = app_set(req, "Password.Token", req->words[0]))
	    || (e = app_set(req, "Password.Email", email))
	    || (e = app_set_int(req, "Password.Min", USERS_PASSWORD_MIN))
	    || (message && (e = app_set(req, "Password.Error", message))))
		return e;
	return app_render(req, "login_password.cs");
}

static ierr password_get(struct req *req)
{
	char email[256];
	const char *why = NULL;
	ierr e = users_token_check(req->db, req->cfg, req->words[0], email, sizeof(email), &why);

	if (e == IE_NOTFOUND || e == IE_GONE)
		return app_fail(req, e, why);
	if (e)
		return e;
	return password_form(req, 200, email, NULL);
}

static ierr password_post(struct req *req)
{
	const char *pw = app_body_param(req, "password");
	const char *again = app_body_param(req, "password2");
	char email[256];
	const char *why = NULL;
	ierr e = users_token_check(req->db, req->cfg, req->words[0], email, sizeof(email), &why);

	if (e == IE_NOTFOUND || e == IE_GONE)
		return app_fail(req, e, why);
	if (e)
		return e;
	if ((e = users_rule_password(pw ? pw : "", again ? again : "", &why)))
		return password_form(req, 400, email, why);
	e = users_password_set(req->db, req->cfg, req->words[0], pw, req->remote_addr, &why);
	if (e == IE_NOTFOUND || e == IE_GONE)
		return app_fail(req, e, why);   /* used by a parallel request in between */
	if (e == IE_INVALID)
		return password_form(req, 400, email, why);
	if (e)
		return e;
	if ((e = app_set(req, "Page.Title", "Password set")) || (e = app_set(req, "Password.Done", "1"))
	    || (e = app_set(req, "Password.Email", email)))
		return e;
	return app_render(req, "login_password.cs");
}

static const struct app_route routes[] = {
	{ APP_GET, "/login", ACT_PUBLIC, login_get },
	{ APP_POST, "/login", ACT_PUBLIC, login_post },
	{ APP_POST, "/logout", ACT_PUBLIC, logout_post },
	{ APP_GET, "/login/password/{tok}", ACT_PUBLIC, password_get },
	{ APP_POST, "/login/password/{tok}", ACT_PUBLIC, password_post },
};

static const struct app_def def = { "auth", routes, sizeof(routes) / sizeof(routes[0]), NULL };

int main(int argc, char **argv)
{
	return app_main(argc, argv, &def);
}
