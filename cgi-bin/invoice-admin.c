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
	{ APP_GET, "/admin", ACT_STAFF, dashboard },
	{ APP_GET, "/admin/users", ACT_USER_ADMIN, users },
	{ APP_GET, "/admin/invoices/new", ACT_INVOICE_WRITE, admin_invoice_new },
	{ APP_POST, "/admin/invoices/new", ACT_INVOICE_WRITE, admin_invoice_create },
	{ APP_GET, "/admin/invoices/{id}/edit", ACT_INVOICE_WRITE, admin_invoice_edit },
	{ APP_POST, "/admin/invoices/{id}/edit", ACT_INVOICE_WRITE, admin_invoice_update },
	{ APP_GET, "/admin/invoices/{id}/issue", ACT_INVOICE_WRITE, admin_invoice_confirm },
	{ APP_POST, "/admin/invoices/{id}/issue", ACT_INVOICE_WRITE, admin_invoice_change },
	{ APP_GET, "/admin/invoices/{id}/void", ACT_INVOICE_WRITE, admin_invoice_confirm },
	{ APP_POST, "/admin/invoices/{id}/void", ACT_INVOICE_WRITE, admin_invoice_change },
	{ APP_GET, "/admin/invoices/{id}/discard", ACT_INVOICE_WRITE, admin_invoice_confirm },
	{ APP_POST, "/admin/invoices/{id}/discard", ACT_INVOICE_WRITE, admin_invoice_change },
	{ APP_POST, "/admin/invoices/{id}/revoke-links", ACT_INVOICE_WRITE, admin_invoice_revoke_links },
};

static const struct app_def def = { "invoice-admin", routes, sizeof(routes) / sizeof(routes[0]), NULL };

int main(int argc, char **argv)
{
	return app_main(argc, argv, &def);
}
