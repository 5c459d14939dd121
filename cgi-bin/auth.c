/* auth — GET/POST /login, POST /logout. */
#include <string.h>
#include "app.h"

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

static const struct app_route routes[] = {
	{ APP_GET, "/login", ACT_PUBLIC, login_get },
	{ APP_POST, "/login", ACT_PUBLIC, login_post },
	{ APP_POST, "/logout", ACT_PUBLIC, logout_post },
};

static const struct app_def def = { "auth", routes, sizeof(routes) / sizeof(routes[0]), NULL };

int main(int argc, char **argv)
{
	return app_main(argc, argv, &def);
}
