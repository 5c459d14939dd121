/* invoice-list — GET /invoices: search, filters, sorting, paging, column chooser. */
#include <stdio.h>
#include <string.h>
#include "app.h"
#include "html.h"
#include "config.h"
#include "invoice.h"
#include "listq.h"
#include "log.h"
#include "db.h"

struct page {
	struct req *req;
	struct buf *rows;          /* the table body, escaped HTML */
	const struct listq *lq;
	const struct inv_zones *zones;   /* the customers' dates: the shown status */
	size_t n;
	int can_edit;
	int can_batch;             /* staff: a check box per row for the batch form (admin_batch.c) */
};

static ierr set_url(struct req *req, const char *key, const struct listq *lq)
{
	struct buf b = BUF_INIT;
	ierr e = listq_url(lq, "/invoices", &b);

	if (!e)
		e = app_set(req, key, b.data);
	buf_free(&b);
	return e;
}

static ierr set_url_at(struct req *req, const char *prefix, size_t i, const char *field,
		       const struct listq *lq)
{
	struct buf b = BUF_INIT;
	ierr e = listq_url(lq, "/invoices", &b);

	if (!e)
		e = app_set_at(req, prefix, i, field, b.data);
	buf_free(&b);
	return e;
}

/* The rows are built here, through the escapers, rather than as HDF: at 50
 * rows x 10 columns the HDF tree cost more than the rest of the page. */
static ierr put_cell(struct buf *b, const char *key, int numeric, const char *value, const char *link,
		     const char *badge)
{
	ierr e = buf_puts(b, "<td class=\"c-");

	if (!e)
		e = html_attr(b, key, strlen(key));
	if (!e)
		e = buf_puts(b, numeric ? " num\">" : "\">");
	if (!e && link) {
		e = buf_puts(b, "<a href=\"");
		if (!e)
			e = html_attr(b, link, strlen(link));
		if (!e)
			e = buf_puts(b, "\">");
	} else if (!e && badge) {
		e = buf_puts(b, "<span class=\"badge st-");
		if (!e)
			e = html_attr(b, badge, strlen(badge));
		if (!e)
			e = buf_puts(b, "\">");
	}
	if (!e)
		e = html_text(b, value, strlen(value));
	if (!e)
		e = buf_puts(b, link ? "</a></td>" : badge ? "</span></td>" : "</td>");
	return e;
}

/* prefix + id in out (64 bytes), without printf: this runs for every row. */
static const char *prefixed_id(char *out, const char *prefix, long long id)
{
	char tmp[24];
	const char *d = str_of_int(id, tmp);
	size_t n = strlen(prefix);

	memcpy(out, prefix, n);
	memcpy(out + n, d, strlen(d) + 1);
	return out;
}

static ierr add_row(void *ctx, const struct listq_row *row)
{
	struct page *p = ctx;
	const struct listq *lq = p->lq;
	struct buf *b = p->rows;
	enum inv_shown shown = inv_shown_of(row->status, row->kind, row->paid, row->due_date,
					    inv_zone_today(p->zones, row->time_zone));
	int draft = shown == INV_DRAFT;
	char text[160], link[64];
	struct buf url = BUF_INIT;
	size_t k;
	ierr e;

	e = buf_puts(b, "<tr data-id=\"") ?: buf_put_int(b, row->id)
	    ?: buf_puts(b, draft ? "\" class=\"draft\">\n    " : "\">\n    ");
	if (!e && p->can_batch) {
		const char *sel = row->number ? row->number : prefixed_id(text, "Draft #", row->id);

		e = buf_puts(b, "<td class=\"sel\"><input type=\"checkbox\" name=\"id\" form=\"batch-form\" value=\"")
		    ?: buf_put_int(b, row->id) ?: buf_puts(b, "\" aria-label=\"Select ")
		    ?: html_attr(b, sel, strlen(sel)) ?: buf_puts(b, "\"></td>");
	}
	for (k = 0; !e && k < lq->ncols; k++) {
		enum listq_col c = lq->cols[k];
		const char *key = listq_column(c)->key, *v = text, *l = NULL, *bd = NULL;
		int num = 0;

		text[0] = '\0';
		switch (c) {
		case COL_NUMBER:
			v = row->number ? row->number : prefixed_id(text, "Draft #", row->id);
			l = prefixed_id(link, "/invoices/", row->id);
			break;
		case COL_CUSTOMER:
			v = row->customer ? row->customer : "";
			if (!lq->customer) {
				/* the name filters the list to that customer */
				struct listq f = *lq;

				f.customer = row->customer_id;
				f.page = 1;
				buf_clear(&url);
				e = listq_url(&f, "/invoices", &url);
				l = url.data;
			}
			break;
		case COL_DATE:
			v = row->invoice_date ? row->invoice_date : "";
			break;
		case COL_PERIOD:
			if (row->period_start && row->period_end)
				snprintf(text, sizeof(text), "%s – %s", row->period_start, row->period_end);
			break;
		case COL_DUE:
			v = row->due_date ? row->due_date : "";
			break;
		case COL_TOTAL:
			num = 1;
			e = money_format(row->total, row->currency, text, sizeof(text));
			break;
		case COL_PAID:
			num = 1;
			e = money_format(row->paid, row->currency, text, sizeof(text));
			break;
		case COL_BALANCE:
			num = 1;
			e = money_format(row->balance, row->currency, text, sizeof(text));
			break;
		case COL_PAID_STATE:
			v = inv_paid_state(row->status, row->kind, row->paid);
			bd = strcmp(v, "Paid") && strcmp(v, "Pending") && strcmp(v, "Unpaid") ? "none" : v;
			break;
		case COL_STATUS:
			v = inv_shown_name(shown);
			bd = inv_shown_class(shown);
			break;
		default:
			break;
		}
		if (!e)
			e = put_cell(b, key, num, v, l, bd);
	}
	if (!e)
		e = buf_puts(b, "\n    <td class=\"actions\"><a href=\"/invoices/") ?: buf_put_int(b, row->id)
		    ?: buf_puts(b, "\">View</a> <a href=\"/invoices/") ?: buf_put_int(b, row->id)
		    ?: buf_puts(b, ".pdf\">PDF</a>");
	/* issued documents, not cancelled ones: their e-invoice (UBL, Peppol BIS 3) */
	if (!e && (!strcmp(row->status, "open") || !strcmp(row->status, "paid")))
		e = buf_puts(b, " <a href=\"/invoices/") ?: buf_put_int(b, row->id)
		    ?: buf_puts(b, ".xml\" title=\"E-invoice (UBL, Peppol BIS 3.0)\">XML</a>");
	/* no Edit link for drafts until invoice-admin has the page */
	if (!e)
		e = buf_puts(b, "</td>\n  </tr>");
	buf_free(&url);
	p->n += !e;
	return e;
}

static ierr set_columns(struct req *req, const struct listq *lq)
{
	unsigned shown = 0;
	size_t i, k = 0;
	ierr e;

	for (i = 0; i < lq->ncols; i++) {
		const struct listq_colinfo *ci = listq_column(lq->cols[i]);
		struct listq s = *lq;

		shown |= 1u << lq->cols[i];
		s.sort = lq->cols[i];
		s.desc = lq->sort == lq->cols[i] ? !lq->desc : 0;
		s.page = 1;
		if ((e = app_set_at(req, "Cols", i, "Key", ci->key)) || (e = app_set_at(req, "Cols", i, "Label", ci->label))
		    || (e = app_set_at_int(req, "Cols", i, "Numeric", ci->numeric))
		    || (e = set_url_at(req, "Cols", i, "SortURL", &s)))
			return e;
		if (lq->sort == lq->cols[i] && (e = app_set_at(req, "Cols", i, "Sorted", lq->desc ? "desc" : "asc")))
			return e;
		/* amounts over several currencies sort by currency first (listq_currency_first) */
		if (listq_currency_first(&s) && (e = app_set_at(req, "Cols", i, "Title", "Sorted by currency, then amount")))
			return e;
	}
	/* the chooser: shown columns in their order, then the hidden ones */
	for (i = 0; i < lq->ncols; i++, k++) {
		const struct listq_colinfo *ci = listq_column(lq->cols[i]);

		if ((e = app_set_at(req, "Chooser", k, "Key", ci->key)) || (e = app_set_at(req, "Chooser", k, "Label", ci->label))
		    || (e = app_set_at_int(req, "Chooser", k, "Shown", 1)) || (e = app_set_at_int(req, "Chooser", k, "Pos", (long long)k + 1)))
			return e;
	}
	for (i = 0; i < COL__COUNT; i++, k++) {
		const struct listq_colinfo *ci = listq_column((enum listq_col)i);

		if (shown & (1u << i)) {
			k--;
			continue;
		}
		if ((e = app_set_at(req, "Chooser", k, "Key", ci->key)) || (e = app_set_at(req, "Chooser", k, "Label", ci->label))
		    || (e = app_set_at_int(req, "Chooser", k, "Shown", 0)) || (e = app_set_at_int(req, "Chooser", k, "Pos", (long long)k + 1)))
			return e;
	}
	return IE_OK;
}

/* A bound amount ("1234.500") as people read it: "1,234.50" (a third
 * decimal only when it is not 0). */
static const char *amount_text(const char *dec, char *out, size_t outsz)
{
	int64_t v;
	char tmp[64];
	size_t n;

	if (money_parse(dec, 3, &v) || money_format(v, "KWD", tmp, sizeof(tmp)))
		return dec;
	n = strlen(tmp) - 4;             /* " KWD" */
	tmp[n] = '\0';
	if (tmp[n - 1] == '0')
		tmp[n - 1] = '\0';
	return str_copy(out, outsz, tmp) ? dec : out;
}

/* Active filters as removable chips. */
static ierr set_filters(struct req *req, const struct listq *lq, const char *customer_name)
{
	static const char *const date_label[] = { "Invoice date", "Due date", "Billing period" };
	size_t n = 0;
	struct listq f;
	char text[128];
	ierr e = IE_OK;

#define CHIP(label, value, clear) do { \
		f = *lq; f.page = 1; clear; \
		if ((e = app_set_at(req, "Filters", n, "Label", label)) || (e = app_set_at(req, "Filters", n, "Value", value)) \
		    || (e = set_url_at(req, "Filters", n, "ClearURL", &f))) \
			return e; \
		n++; \
	} while (0)

	if (lq->q[0])
		CHIP("Search", lq->q, f.q[0] = '\0');
	for (unsigned s = INV_DRAFT; s <= INV_CANCEL; s++)
		if (lq->status & LISTQ_STATUS_BIT(s))
			CHIP("Status", inv_shown_name((enum inv_shown)s), f.status &= ~LISTQ_STATUS_BIT(s));
	if (lq->customer) {
		if (customer_name && *customer_name) {
			CHIP("Customer", customer_name, (f.customer = 0, f.customer_name[0] = '\0'));
		} else {
			snprintf(text, sizeof(text), "#%lld", lq->customer);
			CHIP("Customer", text, (f.customer = 0, f.customer_name[0] = '\0'));
		}
	}
	if (lq->currency[0])
		CHIP("Currency", lq->currency, f.currency[0] = '\0');
	if (lq->from[0]) {
		snprintf(text, sizeof(text), "%s from", date_label[lq->date]);
		CHIP(text, lq->from, f.from[0] = '\0');
	}
	if (lq->to[0]) {
		snprintf(text, sizeof(text), "%s to", date_label[lq->date]);
		CHIP(text, lq->to, f.to[0] = '\0');
	}
	if (lq->min[0])
		CHIP("Total at least", amount_text(lq->min, text, sizeof(text)), f.min[0] = '\0');
	if (lq->max[0])
		CHIP("Total at most", amount_text(lq->max, text, sizeof(text)), f.max[0] = '\0');
#undef CHIP
	if (n) {
		listq_defaults(&f);
		f.sort = lq->sort;
		f.desc = lq->desc;
		f.per_page = lq->per_page;
		f.cols_given = lq->cols_given;
		memcpy(f.cols, lq->cols, sizeof(f.cols));
		f.ncols = lq->ncols;
		e = set_url(req, "ClearAllURL", &f);
	}
	return e;
}

static ierr set_form(struct req *req, const struct listq *lq, const char *customer_name)
{
	static const char *const date_key[] = { "invoice", "due", "period" };
	ierr e;

	if ((e = app_set(req, "List.Q", lq->q)) || (e = app_set(req, "List.Currency", lq->currency))
	    || (e = app_set(req, "List.DateField", date_key[lq->date])) || (e = app_set(req, "List.From", lq->from))
	    || (e = app_set(req, "List.To", lq->to)) || (e = app_set(req, "List.Min", lq->min))
	    || (e = app_set(req, "List.Max", lq->max)) || (e = app_set_int(req, "List.PerPage", lq->per_page))
	    || (e = app_set(req, "List.Sort", listq_column(lq->sort)->key))
	    || (e = app_set(req, "List.Dir", lq->desc ? "desc" : "asc")))
		return e;
	if (lq->customer && (e = app_set_int(req, "List.Customer", lq->customer)))
		return e;
	if ((e = app_set(req, "List.CustomerName", customer_name && *customer_name ? customer_name : lq->customer_name)))
		return e;
	/* what a form sent that could not be used, beside its field, as typed */
	for (size_t i = 0; i < lq->nerrs; i++) {
		char key[64];

		snprintf(key, sizeof(key), "List.Err.%s", lq->errs[i].param);
		if ((e = app_set(req, key, lq->errs[i].msg)))
			return e;
		snprintf(key, sizeof(key), "List.Raw.%s", lq->errs[i].param);
		if ((e = app_set(req, key, lq->errs[i].value)))
			return e;
	}
	if (lq->nerrs && (e = app_set_int(req, "List.Errors", (long long)lq->nerrs)))
		return e;
	for (unsigned s = INV_DRAFT, n = 0; s <= INV_CANCEL; s++) {
		char key[40];

		if (!(lq->status & LISTQ_STATUS_BIT(s)))
			continue;
		snprintf(key, sizeof(key), "List.Status.%s", listq_status_key((enum inv_shown)s));
		if ((e = app_set(req, key, "1"))
		    || (e = app_set_at(req, "List.StatusKeys", n++, NULL, listq_status_key((enum inv_shown)s))))
			return e;
	}
	if (lq->cols_given) {
		struct buf c = BUF_INIT;

		for (size_t i = 0; !e && i < lq->ncols; i++)
			e = buf_puts(&c, i ? "," : "") ?: buf_puts(&c, listq_column(lq->cols[i])->key);
		if (!e)
			e = app_set(req, "List.Cols", c.data);
		buf_free(&c);
	}
	return e;
}

static ierr set_paging(struct req *req, const struct listq *lq, const struct listq_result *res, size_t shown)
{
	long long count = res->count;
	long long pages = count ? (count + lq->per_page - 1) / lq->per_page : 1;
	struct listq f = *lq;
	ierr e;

	if ((e = app_set_int(req, "List.Count", count)) || (e = app_set_int(req, "List.Page", lq->page))
	    || (e = app_set_int(req, "List.First", shown ? (lq->page - 1) * lq->per_page + 1 : 0))
	    || (e = app_set_int(req, "List.Last", (lq->page - 1) * lq->per_page + (long long)shown)))
		return e;
	if (res->capped) {
		/* more than LISTQ_COUNT_CAP rows: the last page is unknown, so no "of N" and no Last */
		if ((e = app_set_int(req, "List.Capped", res->cap)))
			return e;
		pages = (long long)shown == lq->per_page ? lq->page + 1 : lq->page;
	} else if ((e = app_set_int(req, "List.Pages", pages))) {
		return e;
	}
	if (lq->page > pages || (res->capped && !shown && lq->page > 1)) {
		f.page = res->capped ? 1 : pages;
		if ((e = app_set(req, "List.PastEnd", "1")) || (e = set_url(req, "Pager.LastURL", &f)))
			return e;
		return IE_OK;
	}
	if (lq->page > 1) {
		f.page = lq->page - 1;
		if ((e = set_url(req, "Pager.PrevURL", &f)))
			return e;
		f.page = 1;
		if ((e = set_url(req, "Pager.FirstURL", &f)))
			return e;
	}
	if (lq->page < pages) {
		f.page = lq->page + 1;
		if ((e = set_url(req, "Pager.NextURL", &f)))
			return e;
		f.page = pages;
		if (!res->capped && (e = set_url(req, "Pager.LastURL", &f)))
			return e;
	}
	return IE_OK;
}

/* Per currency (listq.h, List figures): the issued documents' billed, paid
 * and balance, and the drafts and void ones on lines of their own. */
static ierr set_sums(struct req *req, const struct listq_result *res)
{
	char text[64];
	size_t i;
	ierr e;

#define MONEY(field, v) ((e = money_format(v, s->currency, text, sizeof(text))) \
			 || (e = app_set_at(req, "Sums", i, field, text)))
	for (i = 0; i < res->nsums; i++) {
		const struct listq_sum *s = &res->sums[i];

		if ((e = app_set_at(req, "Sums", i, "Currency", s->currency))
		    || (e = app_set_at_int(req, "Sums", i, "Count", s->count))
		    || (e = app_set_at_int(req, "Sums", i, "Issued", s->issued))
		    || MONEY("Billed", s->billed) || MONEY("Paid", s->paid) || MONEY("Balance", s->balance)
		    || (e = app_set_at_int(req, "Sums", i, "Drafts", s->drafts)) || MONEY("DraftsTotal", s->drafts_total)
		    || (e = app_set_at_int(req, "Sums", i, "Voids", s->voids)) || MONEY("VoidsTotal", s->voids_total))
			return e;
	}
#undef MONEY
	return IE_OK;
}

#define PICK_MAX 20

/* The customer filter by name (listq_customer_filter); several matches are
 * listed to pick from (List.Pick: links that filter to each). */
static ierr customer_filter(struct req *req, struct listq *lq, const struct auth_scope *scope, char *name,
			    size_t namesz)
{
	struct listq_customer pick[PICK_MAX];
	size_t n = 0, i;
	ierr e = listq_customer_filter(req->db, lq, auth_allowed(req->session.user.role, ACT_MASTER_READ),
				       scope->customer_id, app_param(req, "customer_name") != NULL, name, namesz,
				       pick, PICK_MAX, &n);

	for (i = 0; !e && i < n && i < PICK_MAX; i++) {
		struct listq f = *lq;
		struct buf b = BUF_INIT;

		f.customer = pick[i].id;
		f.page = 1;
		e = listq_url(&f, "/invoices", &b) ?: app_set_at(req, "List.Pick", i, "URL", b.data)
		    ?: app_set_at(req, "List.Pick", i, "Name", pick[i].name);
		buf_free(&b);
	}
	if (!e && n > PICK_MAX)
		e = app_set_int(req, "List.PickMore", 1);
	if (!e && n > 1)
		e = app_set_int(req, "List.PickCount", (long long)(n > PICK_MAX ? PICK_MAX : n));
	return e;
}

/* GET /invoices/customers?q=TEXT (staff): the picker's suggestions as JSON,
 * {"customers":[{"id":1,"name":"..."}],"more":false}. */
static ierr customers_json(struct req *req)
{
	static const struct app_field fields[] = { { "q", app_v_line, 0 } };
	struct listq_customer pick[PICK_MAX];
	struct app_value v;
	struct buf b = BUF_INIT;
	char text[201] = "";
	size_t n = 0, i;
	int exact;
	ierr e;

	if (app_fields(req, fields, 1, &v))
		return app_fail(req, IE_INVALID, "The parameter \"q\" is too long or has control characters.");
	if (v.present && v.len < sizeof(text))
		memcpy(text, v.s, v.len + 1);
	if (text[0] && (e = listq_customers_named(req->db, text, pick, PICK_MAX, &n, &exact)))
		return e;
	e = buf_puts(&b, "{\"customers\":[");
	for (i = 0; !e && i < n && i < PICK_MAX; i++)
		e = buf_puts(&b, i ? ",{\"id\":" : "{\"id\":") ?: buf_put_int(&b, pick[i].id) ?: buf_puts(&b, ",\"name\":\"")
		    ?: html_js(&b, pick[i].name, strlen(pick[i].name)) ?: buf_puts(&b, "\"}");
	if (!e)
		e = buf_puts(&b, n > PICK_MAX ? "],\"more\":true}" : "],\"more\":false}");
	if (!e)
		e = app_header(req, "Content-Type", "application/json; charset=utf-8") ?: app_write(req, b.data, b.len);
	buf_free(&b);
	return e;
}

static const int per_page_choices[] = { 10, 25, 50, 100, 200, 500 };

/* The batch form (staff): posts the ticked rows, or every match of this
 * filter, to invoice-admin with the filter in its query string. */
static ierr set_batch(struct req *req, const struct listq *lq)
{
	struct buf b = BUF_INIT;
	ierr e = listq_url(lq, "/admin/invoices/batch", &b) ?: app_set(req, "Batch.URL", b.data)
		 ?: app_set_int(req, "Can.Batch", 1);

	buf_free(&b);
	return e;
}

static ierr list_page(struct req *req)
{
	const struct auth_user *u = &req->session.user;
	struct auth_scope scope = auth_scope_of(u);
	struct listq lq;
	struct listq_sql sql;
	struct listq_result res;
	struct buf rows = BUF_INIT;
	struct page p = { req, &rows, &lq, NULL, 0, auth_allowed(u->role, ACT_INVOICE_WRITE),
			  auth_allowed(u->role, ACT_STAFF) };
	struct tmpl_slot slot = { "rows", &rows };
	char names[LISTQ_NAMES_SIZE];   /* a search's customers by name, for lq */
	char cname[sizeof(((struct listq_customer *)0)->name)] = "";
	struct inv_zones zones;
	int built = 0;
	ierr e;

	if ((e = listq_parse(req, &lq)) || (e = customer_filter(req, &lq, &scope, cname, sizeof(cname))))
		return e;
	lq.count_cap = req->cfg->list_count_cap;
	lq.deep_offset = req->cfg->list_deep_offset;
	lq.search_scan = req->cfg->list_search_scan;
	lq.search_count_cap = req->cfg->list_search_count_cap;
	lq.search_names = req->cfg->list_search_names;
	lq.name_seek_from = req->cfg->list_name_seek_from;
	if (!lq.cols_given)
		listq_saved_cols(auth_pref(req, LISTQ_COLS_PREF), &lq);
	if ((e = inv_zones_load(req->db, req->arena, scope.customer_id, req->cfg->time_zone, req->now, &zones))
	    || (e = listq_search_plan(req->db, req->memo, &lq, names)))
		return e;
	p.zones = &zones;
	if ((e = listq_build_zones(&lq, &scope, &zones, &sql)))
		return e;
	built = 1;
	/* A scoped user never has drafts: the draft bit stays in the SQL (so
	 * status=draft alone matches nothing, not everything) and is dropped
	 * only from what the page shows (chips, form, links). */
	if (!scope.drafts)
		lq.status &= ~LISTQ_STATUS_BIT(INV_DRAFT);
	/* the rows bring the sums' version, so the sums may come from the memo;
	 * a deep page needs the count first, to read from the nearer end */
	if (listq_deep(&lq))
		e = listq_totals(req->db, NULL, &sql, &res) ?: listq_rows(req->db, &sql, &lq, add_row, &p);
	else
		e = listq_rows(req->db, &sql, &lq, add_row, &p) ?: listq_totals(req->db, req->memo, &sql, &res);
	if (e)
		goto out;
	if ((e = (cname[0] ? app_setf(req, "Page.Title", "Invoices \xc2\xb7 %s", cname) : app_set(req, "Page.Title", "Invoices")))
	    || (cname[0] && (e = app_set(req, "List.Heading", cname)))
	    || (e = set_columns(req, &lq)) || (e = set_filters(req, &lq, cname))
	    || (e = set_form(req, &lq, cname)) || (e = set_paging(req, &lq, &res, p.n)) || (!res.capped && (e = set_sums(req, &res)))
	    || (e = app_set_int(req, "Can.Drafts", scope.drafts)) || (e = app_set_int(req, "Can.Edit", p.can_edit))
	    || (e = app_set_int(req, "Can.Pick", auth_allowed(u->role, ACT_MASTER_READ)))
	    || (e = set_url(req, "BackURL", &lq)) || (p.can_batch && (e = set_batch(req, &lq))))
		goto out;
	for (size_t i = 0; i < sizeof(per_page_choices) / sizeof(per_page_choices[0]); i++)
		if ((e = app_set_at_int(req, "PerPageChoices", i, NULL, per_page_choices[i])))
			goto out;
	e = app_render_slots(req, "invoice_list.cs", &slot, 1);
out:
	buf_free(&rows);
	if (built)
		listq_sql_free(&sql);
	return e;
}

/* A list statement stopped by List.MaxStatementSeconds (a search of common
 * words that rarely meet, on a big data set): instead of holding the worker,
 * a 503 page that asks for a narrower search, with the search box and every
 * other filter of the request kept (the page goes back to 1). 503, not 4xx:
 * the input is valid and the same search may pass on a quieter server. */
static ierr refine_page(struct req *req)
{
	struct buf url = BUF_INIT;
	size_t i, n = 0;
	ierr e = buf_puts(&url, "/invoices");

	req->status = 503;
	for (i = 0; !e && i < req->nparams; i++) {
		const struct app_kv *kv = &req->params[i];

		if (!strcmp(kv->key, "q")) {
			e = app_set(req, "Refine.Q", kv->val);
			continue;
		}
		if (!strcmp(kv->key, "page"))
			continue;
		if ((e = app_set_at(req, "Refine.Keep", n, "Name", kv->key))
		    || (e = app_set_at(req, "Refine.Keep", n, "Value", kv->val)))
			break;
		e = buf_puts(&url, n++ ? "&" : "?") ?: html_url(&url, kv->key, strlen(kv->key))
		    ?: buf_puts(&url, "=") ?: html_url(&url, kv->val, kv->len);
	}
	if (!e)
		e = app_set(req, "Page.Title", "Refine your search") ?: app_set(req, "Refine.WithoutSearchURL", url.data)
		    ?: app_set_int(req, "Refine.Seconds", req->cfg->list_max_statement_s);
	if (!e)
		e = app_render(req, "list_refine.cs");
	buf_free(&url);
	return e;
}

/* GET /invoices with its statements under List.MaxStatementSeconds. */
static ierr list_limited(struct req *req)
{
	ierr e;

	db_set_statement_limit(req->db, req->cfg->list_max_statement_s * 1000);
	e = list_page(req);
	if (e != IE_DB_TIMEOUT)
		return e;
	log_msg(req->log, "invoice-list statement timeout",
		"invoice-list: GET /invoices?%s: stopped after List.MaxStatementSeconds (%u s); asked to refine",
		req->query ? req->query : "", req->cfg->list_max_statement_s);
	return refine_page(req);
}

/* POST /invoices/columns: the chooser's plain form (checkbox + position per column). */
static ierr save_columns(struct req *req)
{
	enum listq_col cols[COL__COUNT];
	long long pos[COL__COUNT];
	size_t n = 0, i, j;
	const char *back = app_param(req, "back");
	struct app_value v;
	ierr e;

	for (i = 0; i < COL__COUNT; i++) {
		const struct listq_colinfo *ci = listq_column((enum listq_col)i);
		char key[40];
		const char *on, *ps;

		snprintf(key, sizeof(key), "show_%s", ci->key);
		on = app_param(req, key);
		snprintf(key, sizeof(key), "pos_%s", ci->key);
		ps = app_param(req, key);
		if (!on)
			continue;
		if (strcmp(on, "1"))
			return app_fail(req, IE_INVALID, "A column choice is malformed.");
		pos[n] = 100 + (long long)i;
		if (ps && *ps) {
			if (app_v_uint(req, ps, strlen(ps), &v) || v.i > 99) {
				req->error_param = arena_strdup(req->arena, key);
				return app_fail(req, IE_INVALID, "Column positions are numbers from 0 to 99.");
			}
			pos[n] = v.i * 100 + (long long)i;
		}
		cols[n++] = (enum listq_col)i;
	}
	if (!n) {
		/* nothing ticked: the default columns */
		struct listq d;

		listq_defaults(&d);
		memcpy(cols, d.cols, d.ncols * sizeof(cols[0]));
		n = d.ncols;
		for (i = 0; i < n; i++)
			pos[i] = (long long)i;
	}
	/* order by position (ties: table order); n is at most 10 */
	for (i = 1; i < n; i++)
		for (j = i; j > 0 && pos[j - 1] > pos[j]; j--) {
			long long tp = pos[j];
			enum listq_col tc = cols[j];

			pos[j] = pos[j - 1];
			cols[j] = cols[j - 1];
			pos[j - 1] = tp;
			cols[j - 1] = tc;
		}
	if ((e = listq_save_cols(req->db, req->session.user.id, cols, n)))
		return e;
	if (back && !app_v_localpath(req, back, strlen(back), &v) && !strncmp(back, "/invoices", 9))
		return app_redirect(req, 303, back);
	return app_redirect(req, 303, "/invoices");
}

static const struct app_route routes[] = {
	{ APP_GET, "/invoices", ACT_INVOICE_READ, list_limited },
	{ APP_POST, "/invoices/columns", ACT_INVOICE_READ, save_columns },
	{ APP_GET, "/invoices/customers", ACT_MASTER_READ, customers_json },
};

static const struct app_def def = { "invoice-list", routes, sizeof(routes) / sizeof(routes[0]), LISTQ_COLS_PREF };

int main(int argc, char **argv)
{
	return app_main(argc, argv, &def);
}
