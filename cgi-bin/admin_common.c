/* admin_common.c — layout and form keys shared by the admin areas (admin.h). */
#include <stdio.h>
#include <string.h>
#include "admin.h"
#include "audit.h"
#include "invoice.h"
#include "once.h"
#include "pdf.h"

static const struct {
	const char *key, *text;
} done_msgs[] = {
	{ "created", "Created." }, { "saved", "Saved." }, { "archived", "Archived." },
	{ "restored", "Restored." }, { "deleted", "Deleted." },
};

ierr admin_layout(struct req *req, const char *section, const char *title)
{
	const struct auth_user *u = &req->session.user;
	const char *done = req->method == APP_GET ? app_param(req, "done") : NULL;
	ierr e;

	if ((e = app_set(req, "Page.Title", title)) || (e = app_set(req, "Admin.Section", section))
	    || (e = app_set_int(req, "Can.Write", auth_allowed(u->role, ACT_MASTER_WRITE)))
	    || (e = app_set_int(req, "Can.Users", auth_allowed(u->role, ACT_USER_ADMIN))))
		return e;
	for (size_t i = 0; done && i < sizeof(done_msgs) / sizeof(done_msgs[0]); i++)
		if (!strcmp(done, done_msgs[i].key))
			return app_set(req, "Flash", done_msgs[i].text);
	return IE_OK;
}

ierr admin_form_keys(struct req *req, long long row_version)
{
	ierr e = once_hdf(req, "Form.Once");

	if (!e && row_version > 0)
		e = app_set_int(req, "Form.RowVersion", row_version);
	return e;
}

long long admin_posted_version(struct req *req)
{
	const char *s = app_body_param(req, "row_version");
	long long v;

	if (!s || str_to_i64(s, 1, 4294967295LL, &v))
		return 0;
	return v;
}

ierr admin_form_keys_again(struct req *req)
{
	const char *k = app_body_param(req, "once");
	long long v = admin_posted_version(req);
	ierr e = once_valid(k) ? app_set(req, "Form.Once", k) : once_hdf(req, "Form.Once");

	if (!e && v > 0)
		e = app_set_int(req, "Form.RowVersion", v);
	return e;
}

ierr admin_page_param(struct req *req, long long *page)
{
	const char *s = app_param(req, "page");

	*page = 1;
	if (!s || !*s)
		return IE_OK;
	if (str_to_i64(s, 1, 1000000, page)) {
		req->error_param = "page";
		return app_fail(req, IE_INVALID, "The page number is not valid.");
	}
	return IE_OK;
}

ierr admin_once(struct req *req, const char *action, once_fn fn, void *ctx, char *where, size_t wheresz,
		int *repeated)
{
	return once_run(req->db, app_body_param(req, "once"), req->session.user.id, action, fn, ctx, where, wheresz,
			repeated);
}

ierr admin_refused(struct req *req, ierr e, const char *missing)
{
	if (e == IE_NOTFOUND && missing)
		return app_fail(req, e, missing);
	if (e == IE_INVALID)
		return app_fail(req, e, "This form is out of date or lacks its one-time key. "
				"Please reload the page and try again.");
	if (e == IE_CONFLICT)
		return app_fail(req, e, "This form was already used for something else. Please reload the page.");
	return e;
}

ierr admin_active_param(struct req *req, int *active)
{
	const char *a = app_body_param(req, "active");

	if (!a || (strcmp(a, "0") && strcmp(a, "1"))) {
		req->error_param = "active";
		return app_fail(req, IE_INVALID, "Say whether to archive (0) or restore (1).");
	}
	*active = a[0] == '1';
	return IE_OK;
}

ierr admin_conflict_hdf(struct req *req, const struct form_field *f, size_t n, const struct form_value *v,
			const char *const *theirs, long long version, int *status)
{
	size_t changed = 0;
	ierr e;

	*status = 422;
	if (version == admin_posted_version(req))
		return IE_OK;
	*status = 409;
	if ((e = form_conflict_hdf(req, "Conflict", f, n, v, theirs, &changed))
	    || (e = app_set_int(req, "Form.RowVersion", version)) || (e = app_set_int(req, "Form.Conflict", 1)))
		return e;
	return app_set_int(req, "Form.Changed", (long long)changed);
}

struct hist_ctx {
	struct req *req;
	size_t n, k;
	char prefix[48];
};

static ierr history_change(void *ctx, const struct audit_change *c)
{
	struct hist_ctx *h = ctx;
	size_t k = h->k++;
	ierr e;

	if ((e = app_set_at(h->req, h->prefix, k, "Field", c->field))
	    || (e = app_set_at(h->req, h->prefix, k, "Old", !c->in_before ? "" : c->old && *c->old ? c->old : "(empty)"))
	    || (e = app_set_at(h->req, h->prefix, k, "New", c->value && *c->value ? c->value : "(empty)")))
		return e;
	return IE_OK;
}

static ierr history_row(void *ctx, const struct audit_row *row)
{
	struct hist_ctx *h = ctx;
	size_t i = h->n++;
	ierr e;

	if ((e = app_set_at(h->req, "History", i, "When", row->occurred_at))
	    || (e = app_set_at(h->req, "History", i, "Who", row->actor))
	    || (e = app_set_at(h->req, "History", i, "Action", row->action)))
		return e;
	h->k = 0;
	snprintf(h->prefix, sizeof(h->prefix), "History.%zu.Changes", i);
	/* JSON other writers made that this reader cannot list: the event still shows */
	e = audit_changes(row->before_json, row->after_json, h->req->arena, history_change, h);
	return e == IE_INVALID || e == IE_OVERFLOW ? IE_OK : e;
}

ierr admin_history_hdf(struct req *req, const char *entity, long long id)
{
	struct hist_ctx h = { req, 0, 0, "" };

	return audit_history(req->db, entity, id, 200, history_row, &h);
}

ierr admin_line_hdf(struct req *req, const char *prefix, size_t i, const struct admin_line *l)
{
	char num[64];
	ierr e;

	if ((e = app_set_at_int(req, prefix, i, "Pos", l->position))
	    || (e = app_set_at(req, prefix, i, "Desc", l->description))
	    || (e = pdf_format_fixed6(l->quantity, 0, num, sizeof(num)))
	    || (e = app_set_at(req, prefix, i, "Qty", num))
	    || (e = app_set_at(req, prefix, i, "Unit", inv_unit_label(l->unit_code)))
	    || (e = pdf_format_fixed6(l->unit_price, l->exponent, num, sizeof(num)))
	    || (e = app_set_at(req, prefix, i, "Price", num))
	    || (e = pdf_format_rate(l->tax_rate, num, sizeof(num))))
		return e;
	return app_set_at(req, prefix, i, "Rate", num);
}

ierr admin_once_answer(struct req *req, ierr e, const char *where)
{
	if (e == IE_INVALID && !req->error_param) {
		req->error_param = "once";
		return app_fail(req, IE_INVALID, "The form's one-time key is missing or malformed; open the page again.");
	}
	return e ? e : app_redirect(req, 303, where);
}
