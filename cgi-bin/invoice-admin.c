/* invoice-admin — /admin: the dispatch table; each area's handlers live in
 * their own cgi-bin/admin_*.c file (admin.h). */
#include "admin.h"

static const struct app_route routes[] = {
	{ APP_GET, "/admin", ACT_STAFF, admin_dashboard },   /* admin_dashboard.c */
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
	/* users and roles, admin only (admin_users.c) */
	{ APP_GET, "/admin/users", ACT_USER_ADMIN, admin_users_list },
	{ APP_GET, "/admin/users/new", ACT_USER_ADMIN, admin_user_new },
	{ APP_POST, "/admin/users/new", ACT_USER_ADMIN, admin_user_create },
	{ APP_GET, "/admin/users/{id}", ACT_USER_ADMIN, admin_user_page },
	{ APP_POST, "/admin/users/{id}/role", ACT_USER_ADMIN, admin_user_role },
	{ APP_POST, "/admin/users/{id}/disable", ACT_USER_ADMIN, admin_user_disable },
	{ APP_POST, "/admin/users/{id}/enable", ACT_USER_ADMIN, admin_user_enable },
	{ APP_POST, "/admin/users/{id}/password-link", ACT_USER_ADMIN, admin_user_link },
	/* draft invoices and their lifecycle (admin_invoices.c) */
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
	{ APP_POST, "/admin/invoices/{id}/resend", ACT_INVOICE_WRITE, admin_invoice_resend },   /* admin_mail.c */
	{ APP_POST, "/admin/invoices/{id}/revoke-links", ACT_INVOICE_WRITE, admin_invoice_revoke_links },
	/* credit notes (admin_credit.c) */
	{ APP_GET, "/admin/invoices/{id}/credit", ACT_INVOICE_WRITE, admin_credit_form },
	{ APP_POST, "/admin/invoices/{id}/credit", ACT_INVOICE_WRITE, admin_credit_create },
	/* the list's batch actions (admin_batch.c) */
	{ APP_POST, "/admin/invoices/batch", ACT_STAFF, admin_batch },
	{ APP_POST, "/admin/invoices/batch/issue", ACT_INVOICE_WRITE, admin_batch_issue },
	/* payments and allocations (admin_payments.c) */
	{ APP_GET, "/admin/payments", ACT_STAFF, admin_payments_list },
	{ APP_POST, "/admin/payments", ACT_PAYMENT_WRITE, admin_payment_create },
	{ APP_GET, "/admin/payments/new", ACT_PAYMENT_WRITE, admin_payment_new },
	{ APP_GET, "/admin/payments/{id}", ACT_STAFF, admin_payment_page },
	{ APP_POST, "/admin/payments/{id}/allocate", ACT_PAYMENT_WRITE, admin_payment_allocate },
	{ APP_POST, "/admin/payments/{id}/unallocate", ACT_PAYMENT_WRITE, admin_payment_unallocate },
	{ APP_GET, "/admin/invoices/{id}/payments", ACT_STAFF, admin_invoice_payments },
	{ APP_POST, "/admin/invoices/{id}/payments/record", ACT_PAYMENT_WRITE, admin_invoice_record },
	{ APP_POST, "/admin/invoices/{id}/payments/add", ACT_PAYMENT_WRITE, admin_invoice_allocate },
	{ APP_POST, "/admin/invoices/{id}/payments/remove", ACT_PAYMENT_WRITE, admin_invoice_unallocate },
	{ APP_POST, "/admin/invoices/{id}/payments/apply", ACT_PAYMENT_WRITE, admin_invoice_apply },
};

static const struct app_def def = { "invoice-admin", routes, sizeof(routes) / sizeof(routes[0]), NULL };

int main(int argc, char **argv)
{
	return app_main(argc, argv, &def);
}
