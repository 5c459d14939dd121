/* invoice-admin — /admin: the dispatch table; each area's handlers live in
 * their own cgi-bin/admin_*.c file (admin.h). */
#include "admin.h"

struct fill_ctx {
	struct req *req;
	int n;
};

static ierr add_user(void *ctx, const struct auth_user *u, int active)
{
	struct fill_ctx *f = ctx;
	size_t i = (size_t)f->n++;
	ierr e;

	if ((e = app_set_at_int(f->req, "Users", i, "Id", u->id))
	    || (e = app_set_at(f->req, "Users", i, "Email", u->email))
	    || (e = app_set_at(f->req, "Users", i, "Name", u->name))
	    || (e = app_set_at(f->req, "Users", i, "Role", auth_role_name(u->role)))
	    || (e = app_set_at_int(f->req, "Users", i, "Customer", u->customer_id))
	    || (e = app_set_at_int(f->req, "Users", i, "Active", active)))
		return e;
	return IE_OK;
}

static ierr users(struct req *req)
{
	struct fill_ctx f = { req, 0 };
	ierr e;

	if ((e = admin_layout(req, "users", "Users")) || (e = auth_user_list(req->db, add_user, &f)))
		return e;
	return app_render(req, "admin_users.cs");
}

static const struct app_route routes[] = {
	{ APP_GET, "/admin", ACT_STAFF, admin_dashboard },   /* admin_dashboard.c */
	{ APP_GET, "/admin/users", ACT_USER_ADMIN, users },
	/* customers (admin_customers.c) */
	{ APP_GET, "/admin/customers", ACT_MASTER_READ, admin_customers_list },
	{ APP_POST, "/admin/customers", ACT_MASTER_WRITE, admin_customer_create },
	{ APP_GET, "/admin/customers/new", ACT_MASTER_WRITE, admin_customer_new },
	{ APP_GET, "/admin/customers/{id}", ACT_MASTER_READ, admin_customer_page },
	{ APP_POST, "/admin/customers/{id}", ACT_MASTER_WRITE, admin_customer_update },
	{ APP_GET, "/admin/customers/{id}/edit", ACT_MASTER_READ, admin_customer_edit },
	{ APP_POST, "/admin/customers/{id}/archive", ACT_MASTER_WRITE, admin_customer_archive },
	{ APP_GET, "/admin/customers/{id}/delete", ACT_MASTER_WRITE, admin_customer_delete_confirm },
	{ APP_POST, "/admin/customers/{id}/delete", ACT_MASTER_WRITE, admin_customer_delete },
	/* packages and custom field definitions (admin_catalog.c) */
	{ APP_GET, "/admin/packages", ACT_MASTER_READ, admin_packages_list },
	{ APP_POST, "/admin/packages", ACT_MASTER_WRITE, admin_package_create },
	{ APP_GET, "/admin/packages/new", ACT_MASTER_WRITE, admin_package_new },
	{ APP_GET, "/admin/packages/{id}", ACT_MASTER_READ, admin_package_edit },
	{ APP_POST, "/admin/packages/{id}", ACT_MASTER_WRITE, admin_package_update },
	{ APP_POST, "/admin/packages/{id}/archive", ACT_MASTER_WRITE, admin_package_archive },
	{ APP_GET, "/admin/fields", ACT_MASTER_READ, admin_fields_list },
	{ APP_POST, "/admin/fields", ACT_MASTER_WRITE, admin_field_create },
	{ APP_GET, "/admin/fields/new", ACT_MASTER_WRITE, admin_field_new },
	{ APP_GET, "/admin/fields/{id}", ACT_MASTER_READ, admin_field_edit },
	{ APP_POST, "/admin/fields/{id}", ACT_MASTER_WRITE, admin_field_update },
	{ APP_POST, "/admin/fields/{id}/archive", ACT_MASTER_WRITE, admin_field_archive },
};

static const struct app_def def = { "invoice-admin", routes, sizeof(routes) / sizeof(routes[0]), NULL };

int main(int argc, char **argv)
{
	return app_main(argc, argv, &def);
}
