/* admin_customers.c — /admin/customers: list, create, page with tabs, edit,
 * archive/restore, delete. Rules live in lib/customer.c. */
#include <stdio.h>
#include <string.h>
#include "admin.h"
#include "config.h"
#include "customer.h"
#include "db.h"
#include "form.h"
#include "invoice.h"
#include "money.h"
#include "once.h"

#define PER_PAGE 50

static const char *const tabs[] = { "summary", "invoices", "payments", "users", "history", NULL };

/* ---------- list ---------- */

/* rows into the HDF (the list, the page's payments and users) */
struct list_ctx {
	struct req *req;
	size_t n;
};

static ierr list_row(void *ctx, const struct db_res *r)
{
	struct list_ctx *l = ctx;
	struct req *req = l->req;
	size_t i = l->n++;
	ierr e;

	if ((e = app_set_at_int(req, "Customers", i, "Id", db_int(r, 0)))
	    || (e = app_set_at(req, "Customers", i, "Name", db_str(r, 1)))
	    || (e = app_set_at(req, "Customers", i, "Email", db_str(r, 2)))
	    || (e = app_set_at(req, "Customers", i, "City", db_str(r, 3)))
	    || (e = app_set_at(req, "Customers", i, "Country", db_str(r, 4)))
	    || (e = app_set_at(req, "Customers", i, "Currency", db_str(r, 5)))
	    || (e = app_set_at_int(req, "Customers", i, "Active", db_int(r, 6))))
		return e;
	return IE_OK;
}

ierr admin_customers_list(struct req *req)
{
	const char *q = app_param(req, "q"), *show = app_param(req, "show");
	struct list_ctx l = { req, 0 };
	long long page, total = 0;
	int which = 0;
	ierr e;

	if ((e = admin_page_param(req, &page)))
		return e;
	if (!q)
		q = "";
	if (strlen(q) > 200) {
		req->error_param = "q";
		return app_fail(req, IE_INVALID, "The search is too long.");
	}
	if (show && *show) {
		if (!strcmp(show, "archived"))
			which = 1;
		else if (!strcmp(show, "all"))
			which = 2;
		else if (strcmp(show, "active")) {
			req->error_param = "show";
			return app_fail(req, IE_INVALID, "Show must be active, archived or all.");
		}
	}
	if ((e = admin_layout(req, "customers", "Customers"))
	    || (e = customer_search(req->db, q, which, (page - 1) * PER_PAGE, PER_PAGE, list_row, &l, &total))
	    || (e = app_set(req, "List.Q", q))
	    || (e = app_set(req, "List.Show", which == 1 ? "archived" : which == 2 ? "all" : "active"))
	    || (e = app_set_int(req, "List.Total", total)) || (e = app_set_int(req, "List.Page", page))
	    || (e = app_set_int(req, "List.Pages", (total + PER_PAGE - 1) / PER_PAGE))
	    || (page > 1 && (e = app_set_int(req, "List.Prev", page - 1)))
	    || (page * PER_PAGE < total && (e = app_set_int(req, "List.Next", page + 1))))
		return e;
	return app_render(req, "admin_customers.cs");
}

/* ---------- the form ---------- */

static ierr show_form(struct req *req, int status, long long id, const struct form_value *v)
{
	char action[64];
	ierr e;

	if (id)
		snprintf(action, sizeof(action), "/admin/customers/%lld", id);
	else
		snprintf(action, sizeof(action), "/admin/customers");
	if ((e = form_hdf(req, "Form", customer_form, CF__COUNT, v)) || (e = app_set(req, "Form.Action", action)))
		return e;
	return form_render(req, status, "admin_customer_form.cs");
}

ierr admin_customer_new(struct req *req)
{
	struct form_value v[CF__COUNT];
	char days[16];
	ierr e;

	snprintf(days, sizeof(days), "%u", req->cfg->payment_days);
	customer_defaults(v, "EUR", req->cfg->time_zone, days);
	if ((e = admin_layout(req, "customers", "New customer")) || (e = admin_form_keys(req, 0)))
		return e;
	return show_form(req, 200, 0, v);
}

struct write_ctx {
	struct req *req;
	struct form_value *v;
	long long id, version;
	int active;
	const char *why;
};

static ierr create_tx(struct db *db, void *ctx, char *result, size_t sz)
{
	struct write_ctx *w = ctx;
	long long id = 0;
	ierr e = customer_create(db, &w->req->session.user, w->req->remote_addr, w->v, &id);

	if (!e)
		snprintf(result, sz, "/admin/customers/%lld?done=created", id);
	return e;
}

/* Parses and checks the posted form; IE_INVALID when a field has a message. */
static ierr parse(struct req *req, struct form_value *v)
{
	ierr e = form_parse(req, customer_form, CF__COUNT, NULL, v);

	if (e && e != IE_INVALID)
		return e;
	if ((e = customer_check(v, req->arena)) == IE_NOMEM)
		return e;
	return form_errors(v, CF__COUNT) ? IE_INVALID : IE_OK;
}

ierr admin_customer_create(struct req *req)
{
	struct form_value v[CF__COUNT];
	struct write_ctx w = { req, v, 0, 0, 0, NULL };
	char where[256];
	int again;
	ierr e = parse(req, v);

	if (e == IE_INVALID) {
		if ((e = admin_layout(req, "customers", "New customer")) || (e = admin_form_keys_again(req)))
			return e;
		return show_form(req, 422, 0, v);
	}
	if (e)
		return e;
	if ((e = admin_once(req, "customer.create", create_tx, &w, where, sizeof(where), &again)))
		return admin_refused(req, e, NULL);
	return app_redirect(req, 303, where);
}

/* ---------- edit ---------- */

static ierr load(struct req *req, long long id, struct customer_row *c)
{
	ierr e = customer_get(req->db, req->arena, id, 0, c);

	if (e == IE_NOTFOUND)
		return app_fail(req, e, "There is no such customer.");
	return e;
}

static ierr customer_hdf(struct req *req, const struct customer_row *c)
{
	ierr e;

	if ((e = app_set_int(req, "Customer.Id", c->id)) || (e = app_set(req, "Customer.Name", c->text[CF_NAME]))
	    || (e = app_set_int(req, "Customer.Active", c->active))
	    || (e = app_set_int(req, "Customer.HasInvoices", c->has_invoices))
	    || (e = app_set(req, "Customer.Currency", c->text[CF_CURRENCY]))
	    || (e = app_set(req, "Customer.Email", c->text[CF_EMAIL])))
		return e;
	return IE_OK;
}

ierr admin_customer_edit(struct req *req)
{
	struct customer_row c;
	struct form_value v[CF__COUNT];
	ierr e;

	if ((e = load(req, req->ids[0], &c)))
		return e;
	memset(v, 0, sizeof(v));
	for (size_t i = 0; i < CF__COUNT; i++)
		form_set_raw(&v[i], c.text[i]);
	if ((e = admin_layout(req, "customers", c.text[CF_NAME])) || (e = customer_hdf(req, &c))
	    || (e = app_set(req, "Customer.Tab", "settings")) || (e = admin_form_keys(req, c.row_version)))
		return e;
	return show_form(req, 200, c.id, v);
}

static ierr update_tx(struct db *db, void *ctx, char *result, size_t sz)
{
	struct write_ctx *w = ctx;
	ierr e = customer_update(db, &w->req->session.user, w->req->remote_addr, w->id, w->version, w->v,
				 w->req->arena);

	if (!e)
		snprintf(result, sz, "/admin/customers/%lld?done=saved", w->id);
	return e;
}

ierr admin_customer_update(struct req *req)
{
	struct form_value v[CF__COUNT];
	struct write_ctx w = { req, v, req->ids[0], admin_posted_version(req), 0, NULL };
	struct customer_row c;
	char where[256];
	int again, status;
	ierr e = parse(req, v);

	if (e && e != IE_INVALID)
		return e;
	if (!w.version)
		return admin_refused(req, IE_INVALID, NULL);
	if (!e) {
		e = admin_once(req, "customer.update", update_tx, &w, where, sizeof(where), &again);
		if (!e)
			return app_redirect(req, 303, where);
		if (e == IE_NOTFOUND || (e == IE_INVALID && !form_errors(v, CF__COUNT)) || (e != IE_INVALID && e != IE_CONFLICT))
			return admin_refused(req, e, "There is no such customer.");
	}
	/* shown again: field messages (422), or someone saved in between (409) */
	if ((e = load(req, w.id, &c)) || (e = admin_layout(req, "customers", c.text[CF_NAME]))
	    || (e = customer_hdf(req, &c)) || (e = app_set(req, "Customer.Tab", "settings"))
	    || (e = admin_form_keys_again(req))
	    || (e = admin_conflict_hdf(req, customer_form, CF__COUNT, v, c.text, c.row_version, &status)))
		return e;
	return show_form(req, status, c.id, v);
}

/* ---------- archive, restore, delete ---------- */

static ierr active_tx(struct db *db, void *ctx, char *result, size_t sz)
{
	struct write_ctx *w = ctx;
	ierr e = customer_set_active(db, &w->req->session.user, w->req->remote_addr, w->id, w->active);

	if (!e)
		snprintf(result, sz, "/admin/customers/%lld?done=%s", w->id, w->active ? "restored" : "archived");
	return e;
}

ierr admin_customer_archive(struct req *req)
{
	struct write_ctx w = { req, NULL, req->ids[0], 0, 0, NULL };
	char where[256];
	int again;
	ierr e;

	if ((e = admin_active_param(req, &w.active)))
		return e;
	if ((e = admin_once(req, w.active ? "customer.restore" : "customer.archive", active_tx, &w, where, sizeof(where),
			    &again)))
		return admin_refused(req, e, "There is no such customer.");
	return app_redirect(req, 303, where);
}

ierr admin_customer_delete_confirm(struct req *req)
{
	struct customer_row c;
	ierr e;

	if ((e = load(req, req->ids[0], &c)) || (e = admin_layout(req, "customers", "Delete customer"))
	    || (e = customer_hdf(req, &c)) || (e = admin_form_keys(req, 0)))
		return e;
	return app_render(req, "admin_customer_delete.cs");
}

static ierr delete_tx(struct db *db, void *ctx, char *result, size_t sz)
{
	struct write_ctx *w = ctx;
	ierr e = customer_delete(db, &w->req->session.user, w->req->remote_addr, w->id, &w->why);

	if (!e)
		snprintf(result, sz, "/admin/customers?done=deleted");
	return e;
}

ierr admin_customer_delete(struct req *req)
{
	struct write_ctx w = { req, NULL, req->ids[0], 0, 0, NULL };
	char where[256];
	int again;
	ierr e = admin_once(req, "customer.delete", delete_tx, &w, where, sizeof(where), &again);

	if (e == IE_CONFLICT && w.why)
		return app_fail(req, e, w.why);
	if (e)
		return admin_refused(req, e, "There is no such customer.");
	return app_redirect(req, 303, where);
}

/* ---------- the customer page ---------- */

static ierr money_text(money_t v, const char *cur, char *out, size_t sz)
{
	return money_format(v, cur, out, sz);
}

static ierr summary_tab(struct req *req, const struct customer_row *c)
{
	struct customer_sum sums[CUSTOMER_MAX_SUMS];
	struct customer_month months[CUSTOMER_MONTHS * CUSTOMER_MAX_SUMS];
	size_t ns = 0, nm = 0;
	char today[11], t[64];
	ierr e;

	if ((e = inv_today(c->text[CF_TIME_ZONE], req->now, today))
	    || (e = customer_sums(req->db, c->id, today, sums, &ns))
	    || (e = customer_months(req->db, c->id, today, months, sizeof(months) / sizeof(months[0]), &nm))
	    || (e = app_set(req, "Summary.Today", today)))
		return e;
	for (size_t i = 0; i < ns; i++) {
		const struct customer_sum *s = &sums[i];

		if ((e = app_set_at(req, "Sums", i, "Currency", s->currency)))
			return e;
		if ((e = money_text(s->billed, s->currency, t, sizeof(t))) || (e = app_set_at(req, "Sums", i, "Billed", t))
		    || (e = money_text(s->paid, s->currency, t, sizeof(t))) || (e = app_set_at(req, "Sums", i, "Paid", t))
		    || (e = money_text(s->balance, s->currency, t, sizeof(t)))
		    || (e = app_set_at(req, "Sums", i, "Balance", t))
		    || (e = money_text(s->overdue, s->currency, t, sizeof(t)))
		    || (e = app_set_at(req, "Sums", i, "Overdue", t))
		    || (e = app_set_at_int(req, "Sums", i, "Issued", s->issued))
		    || (e = app_set_at_int(req, "Sums", i, "OverdueN", s->overdue_n))
		    || (e = app_set_at_int(req, "Sums", i, "Drafts", s->drafts))
		    || (e = app_set_at_int(req, "Sums", i, "Voids", s->voids)))
			return e;
	}
	for (size_t i = 0; i < nm; i++) {
		const struct customer_month *m = &months[i];

		if ((e = app_set_at(req, "Months", i, "Month", m->month))
		    || (e = app_set_at(req, "Months", i, "Currency", m->currency))
		    || (e = money_text(m->billed, m->currency, t, sizeof(t)))
		    || (e = app_set_at(req, "Months", i, "Billed", t))
		    || (e = money_text(m->paid, m->currency, t, sizeof(t)))
		    || (e = app_set_at(req, "Months", i, "Paid", t)))
			return e;
	}
	return IE_OK;
}

static ierr payment_row(void *ctx, const struct db_res *r)
{
	struct list_ctx *x = ctx;
	struct req *req = x->req;
	size_t i = x->n++;
	int exp = money_exponent(db_str(r, 3));
	money_t amount, alloc;
	char t[64];
	ierr e;

	if (exp < 0 || money_from_db(db_str(r, 2), exp, &amount) || money_from_db(db_str(r, 4), exp, &alloc))
		return IE_INTERNAL;
	if ((e = app_set_at_int(req, "Payments", i, "Id", db_int(r, 0)))
	    || (e = app_set_at(req, "Payments", i, "Date", db_str(r, 1)))
	    || (e = money_format(amount, db_str(r, 3), t, sizeof(t))) || (e = app_set_at(req, "Payments", i, "Amount", t))
	    || (e = money_format(alloc, db_str(r, 3), t, sizeof(t)))
	    || (e = app_set_at(req, "Payments", i, "Allocated", t))
	    || (e = app_set_at(req, "Payments", i, "Method", db_str(r, 5)))
	    || (e = app_set_at(req, "Payments", i, "Reference", db_str(r, 6))))
		return e;
	return IE_OK;
}

static ierr user_row(void *ctx, const struct db_res *r)
{
	struct list_ctx *x = ctx;
	size_t i = x->n++;
	ierr e;

	if ((e = app_set_at_int(x->req, "Users", i, "Id", db_int(r, 0)))
	    || (e = app_set_at(x->req, "Users", i, "Email", db_str(r, 1)))
	    || (e = app_set_at(x->req, "Users", i, "Name", db_str(r, 2)))
	    || (e = app_set_at_int(x->req, "Users", i, "Active", db_int(r, 3))))
		return e;
	return IE_OK;
}

ierr admin_customer_page(struct req *req)
{
	const char *tab = app_param(req, "tab");
	struct customer_row c;
	struct list_ctx rc = { req, 0 };
	size_t t;
	ierr e;

	if (!tab || !*tab)
		tab = "summary";
	for (t = 0; tabs[t] && strcmp(tabs[t], tab); t++)
		;
	if (!tabs[t]) {
		req->error_param = "tab";
		return app_fail(req, IE_INVALID, "There is no such tab.");
	}
	if ((e = load(req, req->ids[0], &c)) || (e = admin_layout(req, "customers", c.text[CF_NAME]))
	    || (e = customer_hdf(req, &c)) || (e = app_set(req, "Customer.Tab", tabs[t]))
	    || (e = app_set_int(req, "Can.Invoice", auth_allowed(req->session.user.role, ACT_INVOICE_WRITE))))
		return e;
	for (size_t i = 0; i < CF__COUNT; i++) {
		char k[64];

		snprintf(k, sizeof(k), "Customer.Field.%s", customer_form[i].name);
		if ((e = app_set(req, k, c.text[i])))
			return e;
	}
	if (auth_allowed(req->session.user.role, ACT_MASTER_WRITE) && (e = admin_form_keys(req, 0)))
		return e;
	switch (t) {
	case 0: e = summary_tab(req, &c); break;
	case 2: e = customer_payments(req->db, c.id, payment_row, &rc); break;
	case 3: e = customer_users(req->db, c.id, user_row, &rc); break;
	case 4: e = admin_history_hdf(req, "customer", c.id); break;
	default: break;
	}
	if (e)
		return e;
	return app_render(req, "admin_customer.cs");
}
