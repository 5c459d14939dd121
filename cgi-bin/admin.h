/*
 * admin.h — the invoice-admin program's shared pieces. The routes table stays
 * in invoice-admin.c; each area's handlers live in their own file
 * (admin_customers.c, admin_packages.c, admin_fields.c, ...) and are declared
 * here, one section per area (add yours at the end).
 *
 * Every admin page:
 *   admin_layout(req, "customers", "Customers")   title, nav section, Can.Write / Can.Users
 * Every form that changes something (see lib/form.h, lib/once.h):
 *   GET renders the form with admin_form_keys(req, row_version) (a fresh one-time key,
 *   plus the row's version on edit forms); the POST parses with form_parse, answers 422
 *   with the form again (admin_form_keys_again keeps the posted key) when a field is
 *   wrong, runs its change through once_run (one transaction: key, change, audit event),
 *   answers 409 with the fields that changed when the row's version moved on, and
 *   redirects 303 to the result page with ?done=<what> (admin_layout shows it as Flash).
 */
#ifndef INVOICE_ADMIN_H
#define INVOICE_ADMIN_H

#include <stdint.h>
#include "app.h"
#include "form.h"
#include "once.h"

/* Page.Title, Admin.Section, Can.Write, Can.Users, and Flash from a whitelisted ?done= */
ierr admin_layout(struct req *req, const char *section, const char *title);
/* Form.Once (new key) and Form.RowVersion (when > 0). */
ierr admin_form_keys(struct req *req, long long row_version);
/* After a refused POST: the posted once key (when well-formed) and row_version again. */
ierr admin_form_keys_again(struct req *req);
/* The posted row_version (1..), or 0 when missing/malformed. */
long long admin_posted_version(struct req *req);
/* An entity's audit events (newest first, at most 200) as History.N.When / .Who /
 * .Action / .Changes.K.Field / .Old / .New for templates/_history.cs. */
ierr admin_history_hdf(struct req *req, const char *entity, long long id);
/* One document line as the invoice page shows it: <prefix>.<i>.Pos / .Desc / .Qty /
 * .Unit / .Price / .Rate (quantities and prices trimmed, the unit's label). */
struct admin_line {
	int position;
	const char *description, *unit_code;
	int64_t quantity, unit_price, tax_rate;   /* x 1e6, x 1e6, x 1e4 */
	int exponent;                             /* of the currency (the price's least decimals) */
};
ierr admin_line_hdf(struct req *req, const char *prefix, size_t i, const struct admin_line *l);
/* The answer to a form's once_run: 303 to `where`, a 400 naming "once" for a
 * malformed key, or the error. */
ierr admin_once_answer(struct req *req, ierr e, const char *where);
/* Page number from ?page= (1 when absent); IE_INVALID for junk. */
ierr admin_page_param(struct req *req, long long *page);

/* once_run (once.h) with the posted one-time key, for the signed-in user. */
ierr admin_once(struct req *req, const char *action, once_fn fn, void *ctx, char *where, size_t wheresz,
		int *repeated);
/* The page of a change refused before any rule of the area spoke: IE_NOTFOUND
 * 404 with `missing` (NULL: e comes back as it is), IE_INVALID 400 (the form's
 * one-time key missing or malformed, or the form out of date), IE_CONFLICT 409
 * (the key was used for another action). Anything else comes back as it is. */
ierr admin_refused(struct req *req, ierr e, const char *missing);
/* The archive/restore forms' active=0 (archive) or 1 (restore); a 400 page otherwise. */
ierr admin_active_param(struct req *req, int *active);
/* An edit form refused on save, shown again: when the stored row is past
 * the posted version, the fields that changed (form_conflict_hdf under
 * "Conflict"), Form.RowVersion = the stored version (the one a next save
 * must name), Form.Conflict and Form.Changed, and *status 409; otherwise
 * *status 422 (field messages). After admin_form_keys_again. */
ierr admin_conflict_hdf(struct req *req, const struct form_field *f, size_t n, const struct form_value *v,
			const char *const *theirs, long long version, int *status);

/* ---- customers (admin_customers.c) ---- */
ierr admin_customers_list(struct req *req);
ierr admin_customer_new(struct req *req);
ierr admin_customer_create(struct req *req);
ierr admin_customer_page(struct req *req);        /* tabs: ?tab=summary|invoices|payments|users|history */
ierr admin_customer_edit(struct req *req);        /* the settings tab: the edit form (read-only for support) */
ierr admin_customer_update(struct req *req);
ierr admin_customer_archive(struct req *req);     /* POST active=0 archives, active=1 restores */
ierr admin_customer_delete_confirm(struct req *req);
ierr admin_customer_delete(struct req *req);

/* ---- packages (admin_catalog.c) ---- */
ierr admin_packages_list(struct req *req);
ierr admin_package_new(struct req *req);
ierr admin_package_create(struct req *req);
ierr admin_package_edit(struct req *req);
ierr admin_package_update(struct req *req);
ierr admin_package_archive(struct req *req);

/* ---- custom field definitions (admin_catalog.c) ---- */
ierr admin_fields_list(struct req *req);
ierr admin_field_new(struct req *req);
ierr admin_field_create(struct req *req);
ierr admin_field_edit(struct req *req);
ierr admin_field_update(struct req *req);
ierr admin_field_archive(struct req *req);

/* ---- users and roles, admin only (admin_users.c) ---- */
ierr admin_users_list(struct req *req);
ierr admin_user_new(struct req *req);
ierr admin_user_create(struct req *req);
ierr admin_user_page(struct req *req);
ierr admin_user_role(struct req *req);
ierr admin_user_disable(struct req *req);
ierr admin_user_enable(struct req *req);
ierr admin_user_link(struct req *req);

/* ---- draft invoices and their lifecycle (admin_invoices.c) ---- */
ierr admin_invoice_new(struct req *req);
ierr admin_invoice_create(struct req *req);
ierr admin_invoice_edit(struct req *req);
ierr admin_invoice_update(struct req *req);
ierr admin_invoice_confirm(struct req *req);        /* GET .../issue, .../void, .../discard */
ierr admin_invoice_change(struct req *req);         /* POST the same */
ierr admin_invoice_revoke_links(struct req *req);
/* The seller snapshot (a JSON object) an issue stores. */
ierr admin_seller_json(struct req *req, const char **out);

/* ---- the list's batch actions (admin_batch.c) ---- */
ierr admin_batch(struct req *req);                  /* POST: action=issue (confirmation), zip, pdf */
ierr admin_batch_issue(struct req *req);            /* POST: issue each in its own transaction, result page */

/* ---- dashboard (admin_dashboard.c) ---- */
ierr admin_dashboard(struct req *req);

/* ---- notifications (admin_mail.c) ---- */
ierr admin_invoice_resend(struct req *req);         /* POST /admin/invoices/{id}/resend */

/* ---- credit notes from an issued invoice (admin_credit.c) ---- */
ierr admin_credit_form(struct req *req);            /* GET /admin/invoices/{id}/credit */
ierr admin_credit_create(struct req *req);          /* POST: review (no write), then confirm=1 */

/* ---- payments and allocations (admin_payments.c) ---- */
ierr admin_payments_list(struct req *req);          /* ?q customer amount from to open page */
/* A customer's newest payments as Payments.N.Id / .Date / .Amount / .Allocated / .Free / .Method /
 * .Reference / .Refund (the customer page's Payments tab). */
ierr admin_payment_rows(struct req *req, long long customer_id, long long limit);
ierr admin_payment_new(struct req *req);            /* ?customer=ID; without it the customer picker */
ierr admin_payment_create(struct req *req);
ierr admin_payment_page(struct req *req);           /* allocations, the spread form */
ierr admin_payment_allocate(struct req *req);       /* POST target=ID&amount=X repeated: one transaction */
ierr admin_payment_unallocate(struct req *req);     /* POST allocation=ID */
ierr admin_invoice_payments(struct req *req);       /* an invoice's allocations, add, record */
ierr admin_invoice_record(struct req *req);         /* POST: record a payment allocated to the invoice */
ierr admin_invoice_allocate(struct req *req);       /* POST source=p<id>|c<id>&amount=X */
ierr admin_invoice_unallocate(struct req *req);     /* POST allocation=ID */
ierr admin_invoice_apply(struct req *req);          /* POST (credit notes) target=ID&amount=X repeated */

#endif
