/*
 * portal — the customer's account (customers only; staff 403, with the
 * Administration link in the header):
 *   GET  /portal            home: balance and overdue per currency, next due
 *                           invoice, latest invoices, recent payments, chart
 *   GET  /portal/payments   payment history
 *   GET  /portal/profile    contact e-mail, notification choices, password
 *   POST /portal/profile    save the contact settings (CSRF, one-time key, row version)
 *   POST /portal/password   change the own password with the current one
 * Invoices open in the shared list, view and PDF programs, which scope a
 * customer to their own issued documents. Figures come from lib/portal.h.
 */
#include <stdio.h>
#include <string.h>
#include "admin.h"
#include "app.h"
#include "auth.h"
#include "customer.h"
#include "dashboard.h"
#include "db.h"
#include "html.h"
#include "money.h"
#include "payment.h"
#include "portal.h"

#define PORTAL_LATEST 5
#define PORTAL_RECENT_PAYMENTS 5

struct pay_ctx {
	struct req *req;
	size_t n, max;
};

static ierr set_money(struct req *req, const char *prefix, size_t i, const char *field, money_t v, const char *cur)
{
	char t[64];
	ierr e = money_format(v, cur, t, sizeof(t));

	return e ? e : app_set_at(req, prefix, i, field, t);
}

static ierr payment_row(void *ctx, const struct payment_row *p)
{
	struct pay_ctx *x = ctx;
	size_t i = x->n++;
	ierr e;

	if ((e = app_set_at(x->req, "Payments", i, "Date", p->received_on))
	    || (e = set_money(x->req, "Payments", i, "Amount", p->amount, p->currency))
	    || (e = set_money(x->req, "Payments", i, "Allocated", p->allocated, p->currency))
	    || (e = app_set_at(x->req, "Payments", i, "Method", payment_method_label(p->method)))
	    || (e = app_set_at(x->req, "Payments", i, "Reference", p->reference)))
		return e;
	return IE_OK;
}

/* The customer's payments, newest first (lib/payment.h), at most pc->max. */
static ierr payments_hdf(struct req *req, long long customer_id, struct pay_ctx *pc)
{
	struct payment_filter f = { 0 };
	long long total;

	f.customer_id = customer_id;
	return payment_search(req->db, req->arena, &f, 0, (long long)pc->max, payment_row, pc, &total);
}

static ierr invoice_hdf(struct req *req, const char *prefix, size_t i, const struct portal_invoice *p)
{
	ierr e;

	if ((e = app_set_at_int(req, prefix, i, "Id", p->id)) || (e = app_set_at(req, prefix, i, "Number", p->number))
	    || (e = app_set_at(req, prefix, i, "Date", p->invoice_date)) || (e = app_set_at(req, prefix, i, "Due", p->due_date))
	    || (e = app_set_at(req, prefix, i, "Status", inv_shown_name(p->shown)))
	    || (e = app_set_at(req, prefix, i, "StatusClass", inv_shown_class(p->shown)))
	    || (e = set_money(req, prefix, i, "Total", strcmp(p->kind, "credit") ? p->total : -p->total, p->currency))
	    || (e = set_money(req, prefix, i, "Balance", p->balance, p->currency)))
		return e;
	return IE_OK;
}

/* The signed-in customer's account and today's date in their zone. */
static ierr account(struct req *req, struct portal_account *a, char today[11])
{
	ierr e = portal_account_get(req->db, req->session.user.customer_id, a);

	if (!e)
		e = inv_today(a->time_zone, req->now, today);
	if (!e)
		e = app_set(req, "Account.Name", a->name);
	return e;
}

static ierr chart(struct req *req, size_t idx, const char *cur, const struct customer_month *m, size_t nm,
		  const char *today, struct buf *out)
{
	struct dash_month months[DASH_MONTHS];
	char id[32], title[64];
	ierr e;

	snprintf(id, sizeof(id), "chart-%.3s", cur);
	snprintf(title, sizeof(title), "Billed and paid per month, %.3s", cur);
	if ((e = portal_chart(m, nm, cur, today, months)) || (e = buf_puts(out, "<figure class=\"chart\"><figcaption>"))
	    || (e = html_text(out, title, strlen(title))) || (e = buf_puts(out, "</figcaption>"))
	    || (e = dash_svg(out, id, title, cur, months, DASH_MONTHS)) || (e = buf_puts(out, "</figure>")))
		return e;
	if ((e = app_set_at(req, "Chart", idx, "Currency", cur)))
		return e;
	for (size_t k = 0; k < DASH_MONTHS; k++) {
		char p[32];

		snprintf(p, sizeof(p), "Chart.%zu.Months", idx);
		if ((e = app_set_at(req, p, k, "Month", months[k].month))
		    || (e = set_money(req, p, k, "Billed", months[k].billed, cur))
		    || (e = set_money(req, p, k, "Paid", months[k].paid, cur)))
			return e;
	}
	return IE_OK;
}

static ierr portal_home(struct req *req)
{
	struct portal_account a;
	struct customer_sum sums[CUSTOMER_MAX_SUMS];
	struct customer_month months[CUSTOMER_MONTHS * CUSTOMER_MAX_SUMS];
	struct portal_invoice latest[PORTAL_LATEST], next;
	struct pay_ctx pc = { req, 0, PORTAL_RECENT_PAYMENTS };
	struct buf charts = BUF_INIT;
	struct tmpl_slot slot = { "charts", &charts };
	size_t ns = 0, nm = 0, nl = 0;
	char today[11];
	ierr e;

	if ((e = account(req, &a, today)) || (e = app_set(req, "Page.Title", "Your account"))
	    || (e = app_set(req, "Portal.Today", today))
	    || (e = customer_sums(req->db, a.customer_id, today, sums, &ns))
	    || (e = customer_months(req->db, a.customer_id, today, months, sizeof(months) / sizeof(months[0]), &nm))
	    || (e = portal_latest(req->db, a.customer_id, today, latest, PORTAL_LATEST, &nl))
	    || (e = payments_hdf(req, a.customer_id, &pc)))
		goto out;
	for (size_t k = 0, i = 0; k < ns; k++) {
		const struct customer_sum *s = &sums[k];

		if (s->issued == 0 && s->voids == 0)
			continue;       /* drafts only: nothing the customer may see */
		if ((e = app_set_at(req, "Sums", i, "Currency", s->currency))
		    || (e = set_money(req, "Sums", i, "Balance", s->balance, s->currency))
		    || (e = set_money(req, "Sums", i, "Overdue", s->overdue, s->currency))
		    || (e = app_set_at_int(req, "Sums", i, "OverdueN", s->overdue_n))
		    || (e = app_set_at_int(req, "Sums", i, "Issued", s->issued))
		    || (e = chart(req, i, s->currency, months, nm, today, &charts)))
			goto out;
		i++;
	}
	for (size_t i = 0; i < nl; i++)
		if ((e = invoice_hdf(req, "Latest", i, &latest[i])))
			goto out;
	e = portal_next_due(req->db, a.customer_id, today, &next);
	if (e == IE_OK)
		e = invoice_hdf(req, "Next", 0, &next);
	else if (e == IE_NOTFOUND)
		e = IE_OK;
	if (!e)
		e = app_render_slots(req, "portal_home.cs", &slot, 1);
out:
	buf_free(&charts);
	return e;
}

static ierr portal_payments(struct req *req)
{
	struct portal_account a;
	struct pay_ctx pc = { req, 0, 200 };
	char today[11];
	ierr e;

	if ((e = account(req, &a, today)) || (e = app_set(req, "Page.Title", "Payments"))
	    || (e = payments_hdf(req, a.customer_id, &pc)))
		return e;
	return app_render(req, "portal_payments.cs");
}

static ierr profile_page(struct req *req, int status, const struct portal_account *shown, long long version,
			 const char *msg, const char *pw_msg)
{
	ierr e;

	req->status = status;
	if ((e = app_set(req, "Page.Title", "Your profile")) || (e = app_set(req, "Account.Name", shown->name))
	    || (e = app_set(req, "Profile.Email", shown->email))
	    || (e = app_set_int(req, "Profile.NotifyIssued", shown->notify_issued))
	    || (e = app_set_int(req, "Profile.NotifyPayment", shown->notify_payment))
	    || (e = app_set(req, "User.Email", req->session.user.email))
	    || (e = admin_form_keys(req, version)) || (msg && (e = app_set(req, "Profile.Error", msg)))
	    || (pw_msg && (e = app_set(req, "Password.Error", pw_msg))))
		return e;
	if (!msg && !pw_msg && app_param(req, "done") && !strcmp(app_param(req, "done"), "saved")
	    && (e = app_set(req, "Flash", "Your settings are saved.")))
		return e;
	return app_render(req, "portal_profile.cs");
}

static ierr portal_profile(struct req *req)
{
	struct portal_account a;
	char today[11];
	ierr e = account(req, &a, today);

	return e ? e : profile_page(req, 200, &a, a.row_version, NULL, NULL);
}

struct save_ctx {
	struct req *req;
	struct portal_account want;
	const char *why;
};

static ierr save_tx(struct db *db, void *ctx, char *result, size_t resultsz)
{
	struct save_ctx *s = ctx;
	ierr e = portal_settings_save_in(db, &s->req->session.user, s->req->remote_addr, &s->want, &s->why);

	return e ? e : str_copy(result, resultsz, "/portal/profile?done=saved");
}

static int checkbox(struct req *req, const char *name)
{
	const char *v = app_body_param(req, name);

	return v && !strcmp(v, "1");
}

static ierr portal_profile_save(struct req *req)
{
	struct save_ctx s = { req, { 0 }, NULL };
	const char *email = app_body_param(req, "email");
	char where[256], today[11];
	int again;
	ierr e;

	if ((e = account(req, &s.want, today)))
		return e;
	s.want.row_version = admin_posted_version(req);
	if (!email || str_copy(s.want.email, sizeof(s.want.email), email)) {
		req->error_param = "email";
		return app_fail(req, IE_INVALID, "The e-mail address is missing or too long.");
	}
	s.want.notify_issued = checkbox(req, "notify_issued");
	s.want.notify_payment = checkbox(req, "notify_payment");
	e = admin_once(req, "portal.settings", save_tx, &s, where, sizeof(where), &again);
	if ((e == IE_INVALID || e == IE_CONFLICT) && s.why) {
		struct portal_account now;

		if ((e = admin_form_keys_again(req)) || (e = account(req, &now, today)))
			return e;
		/* a version conflict shows what is stored now, with its version */
		if (s.want.row_version != now.row_version)
			return profile_page(req, 409, &now, now.row_version, s.why, NULL);
		return profile_page(req, 422, &s.want, now.row_version, s.why, NULL);
	}
	if (e)
		return admin_refused(req, e, NULL);
	return app_redirect(req, 303, where);
}

static ierr portal_password(struct req *req)
{
	const char *cur = app_body_param(req, "current"), *pw = app_body_param(req, "password"),
		   *again = app_body_param(req, "again"), *why = NULL;
	struct portal_account a;
	char today[11];
	ierr e;

	/* a wrong current password counts as a failed sign-in (throttled alike) */
	if ((e = auth_attempt_begin(req, req->session.user.email)))
		return e;
	e = portal_password_change(req->db, req->cfg, &req->session.user, req->remote_addr, cur ? cur : "",
				   pw ? pw : "", again ? again : "", &why);
	if (e != IE_DENIED && e != IE_NOTFOUND) {
		ierr e2 = auth_attempt_ok(req, req->session.user.email);

		if (!e)
			e = e2;
	}
	if (e == IE_OK)
		return app_redirect(req, 303, "/login");
	if ((e == IE_DENIED || e == IE_INVALID || e == IE_CONFLICT) && why) {
		if ((e = account(req, &a, today)))
			return e;
		return profile_page(req, 422, &a, a.row_version, NULL, why);
	}
	return e;
}

static const struct app_route routes[] = {
	{ APP_GET, "/portal", ACT_PORTAL, portal_home },
	{ APP_GET, "/portal/payments", ACT_PORTAL, portal_payments },
	{ APP_GET, "/portal/profile", ACT_PORTAL, portal_profile },
	{ APP_POST, "/portal/profile", ACT_PORTAL, portal_profile_save },
	{ APP_POST, "/portal/password", ACT_PORTAL, portal_password },
};

static const struct app_def def = { "portal", routes, sizeof(routes) / sizeof(routes[0]), NULL };

int main(int argc, char **argv)
{
	return app_main(argc, argv, &def);
}
