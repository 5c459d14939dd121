/* invoice-admin — /admin: the dispatch table; each area's handlers live in
 * their own cgi-bin/admin_*.c file (admin.h). */
#include "admin.h"

static ierr dashboard(struct req *req)
{
	ierr e;

	if ((e = admin_layout(req, "dashboard", "Administration")))
		return e;
	return app_render(req, "admin.cs");
}

static const struct app_route routes[] = {
	{ APP_GET, "/admin", ACT_STAFF, dashboard },
	{ APP_GET, "/admin/users", ACT_USER_ADMIN, admin_users_list },
	{ APP_GET, "/admin/users/new", ACT_USER_ADMIN, admin_user_new },
	{ APP_POST, "/admin/users/new", ACT_USER_ADMIN, admin_user_create },
	{ APP_GET, "/admin/users/{id}", ACT_USER_ADMIN, admin_user_page },
	{ APP_POST, "/admin/users/{id}/role", ACT_USER_ADMIN, admin_user_role },
	{ APP_POST, "/admin/users/{id}/disable", ACT_USER_ADMIN, admin_user_disable },
	{ APP_POST, "/admin/users/{id}/enable", ACT_USER_ADMIN, admin_user_enable },
	{ APP_POST, "/admin/users/{id}/password-link", ACT_USER_ADMIN, admin_user_link },
};

static const struct app_def def = { "invoice-admin", routes, sizeof(routes) / sizeof(routes[0]), NULL };

int main(int argc, char **argv)
{
	return app_main(argc, argv, &def);
}
