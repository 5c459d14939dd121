/* invoice-admin — /admin: dashboard and users (more areas land with their issues). */
#include <stdio.h>
#include "app.h"

static ierr dashboard(struct req *req)
{
	const struct auth_user *u = &req->session.user;
	ierr e;

	if ((e = app_set(req, "Page.Title", "Administration"))
	    || (e = app_set_int(req, "Can.Write", auth_allowed(u->role, ACT_MASTER_WRITE)))
	    || (e = app_set_int(req, "Can.Users", auth_allowed(u->role, ACT_USER_ADMIN))))
		return e;
	return app_render(req, "admin.cs");
}

struct fill_ctx {
	struct req *req;
	int n;
};

static ierr add_user(void *ctx, const struct auth_user *u, int active)
{
	struct fill_ctx *f = ctx;
	char key[64];
	ierr e;

	snprintf(key, sizeof(key), "Users.%d", f->n++);
	if ((e = app_setf(f->req, key, "%lld", u->id)))
		return e;
	{
		char k2[96];

		snprintf(k2, sizeof(k2), "%s.Email", key);
		if ((e = app_set(f->req, k2, u->email)))
			return e;
		snprintf(k2, sizeof(k2), "%s.Name", key);
		if ((e = app_set(f->req, k2, u->name)))
			return e;
		snprintf(k2, sizeof(k2), "%s.Role", key);
		if ((e = app_set(f->req, k2, auth_role_name(u->role))))
			return e;
		snprintf(k2, sizeof(k2), "%s.Customer", key);
		if ((e = app_set_int(f->req, k2, u->customer_id)))
			return e;
		snprintf(k2, sizeof(k2), "%s.Active", key);
		if ((e = app_set_int(f->req, k2, active)))
			return e;
	}
	return IE_OK;
}

static ierr users(struct req *req)
{
	struct fill_ctx f = { req, 0 };
	ierr e;

	if ((e = app_set(req, "Page.Title", "Users")) || (e = auth_user_list(req->db, add_user, &f)))
		return e;
	return app_render(req, "admin_users.cs");
}

static const struct app_route routes[] = {
	{ APP_GET, "/admin", ACT_STAFF, dashboard },
	{ APP_GET, "/admin/users", ACT_USER_ADMIN, users },
};

static const struct app_def def = { "invoice-admin", routes, sizeof(routes) / sizeof(routes[0]) };

int main(int argc, char **argv)
{
	return app_main(argc, argv, &def);
}
