/* customer.c — customers: form rules, writes with audit, page reads (customer.h). */
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include "customer.h"
#include "audit.h"
#include "auth.h"
#include "buf.h"
#include "db.h"
#include "record.h"

static const char *const schedules[] = { "none", "daily", "weekly", "monthly", NULL };
static const char *const schedule_labels[] = { "None", "Daily", "Weekly", "Monthly", NULL };
static const char *const groupings[] = { "none", "destination", "day", NULL };
static const char *const grouping_labels[] = { "None", "By destination", "By day", NULL };

/* Electronic address schemes (CEF EAS code list, the ones seen in Peppol). */
static const char *const eas[] = {
	"0002", "0007", "0009", "0037", "0060", "0088", "0096", "0097", "0106", "0130", "0135", "0142",
	"0151", "0183", "0184", "0188", "0190", "0191", "0192", "0193", "0195", "0196", "0198", "0199",
	"0200", "0201", "0202", "0204", "0208", "0209", "0210", "0211", "0212", "0213", "9901", "9910",
	"9913", "9914", "9915", "9918", "9919", "9920", "9922", "9923", "9924", "9925", "9926", "9927",
	"9928", "9929", "9930", "9931", "9932", "9933", "9934", "9935", "9936", "9937", "9938", "9939",
	"9940", "9941", "9942", "9943", "9944", "9945", "9946", "9947", "9948", "9949", "9950", "9951",
	"9952", "9953", "9957", "9959", "EM", NULL
};

/* The syntax the customer's e-invoices default to (sql/0025, einvoice.h). */
static const char *const syntaxes[] = { "peppol", "cii", "xrechnung", NULL };
static const char *const syntax_labels[] = { "Peppol BIS 3.0 (UBL)", "CII (UN/CEFACT, EN 16931)",
	"XRechnung (UBL, Leitweg-ID as buyer reference)", NULL };

const struct form_field customer_form[CF__COUNT] = {
	[CF_NAME] = FORM_FIELD("name", "Name", FORM_TEXT, .required = 1, .maxlen = 200),
	[CF_LEGAL_NAME] = FORM_FIELD("legal_name", "Legal name", FORM_TEXT, .maxlen = 200,
				     .hint = "As registered; printed on invoices when set."),
	[CF_EMAIL] = FORM_FIELD("email", "Email", FORM_EMAIL, .maxlen = 254),
	[CF_PHONE] = FORM_FIELD("phone", "Phone", FORM_TEXT, .maxlen = 40),
	[CF_STREET] = FORM_FIELD("street", "Street", FORM_TEXT, .maxlen = 200),
	[CF_LINE2] = FORM_FIELD("address_line2", "Address line 2", FORM_TEXT, .maxlen = 200),
	[CF_CITY] = FORM_FIELD("city", "City", FORM_TEXT, .maxlen = 100),
	[CF_POST_CODE] = FORM_FIELD("post_code", "Post code", FORM_TEXT, .maxlen = 16),
	[CF_REGION] = FORM_FIELD("region", "Region", FORM_TEXT, .maxlen = 64),
	[CF_COUNTRY] = FORM_FIELD("country", "Country (ISO code)", FORM_TEXT, .required = 1, .maxlen = 2,
				  .hint = "Two letters, e.g. DE, FR, US."),
	[CF_VAT_ID] = FORM_FIELD("vat_id", "VAT id", FORM_TEXT, .maxlen = 32,
				 .hint = "With the country prefix, e.g. DE123456789."),
	[CF_CURRENCY] = FORM_FIELD("currency", "Currency", FORM_TEXT, .required = 1, .maxlen = 3,
				   .hint = "ISO 4217 code, e.g. EUR. Every invoice of the customer is in it."),
	[CF_TIME_ZONE] = FORM_FIELD("time_zone", "Time zone", FORM_TEXT, .required = 1, .maxlen = 64,
				    .hint = "IANA name, e.g. Europe/Berlin."),
	[CF_PAYMENT_DAYS] = FORM_FIELD("payment_days", "Payment terms (days)", FORM_INT, .required = 1,
				       .min = 0, .max = 365),
	[CF_SCHEDULE] = FORM_FIELD("invoice_schedule", "Invoice schedule", FORM_ENUM, .required = 1,
				   .choices = schedules, .choice_labels = schedule_labels),
	[CF_GROUPING] = FORM_FIELD("line_grouping", "Line grouping", FORM_ENUM, .required = 1,
				   .choices = groupings, .choice_labels = grouping_labels),
	[CF_NOTIFY_ISSUED] = FORM_FIELD("notify_issued", "Email the customer when an invoice is issued", FORM_CHECK),
	[CF_BUYER_REF] = FORM_FIELD("buyer_reference", "Buyer reference", FORM_TEXT, .maxlen = 100,
				    .hint = "E.g. a Leitweg-ID or purchase contact; printed on invoices."),
	[CF_ENDPOINT_ID] = FORM_FIELD("endpoint_id", "Electronic address", FORM_TEXT, .maxlen = 100,
				      .hint = "The Peppol endpoint id, e.g. 4000001123452."),
	[CF_ENDPOINT_SCHEME] = FORM_FIELD("endpoint_scheme", "Electronic address scheme", FORM_ENUM,
					  .choices = eas, .hint = "EAS code, e.g. 0088 (GLN), 9930 (DE VAT)."),
	[CF_EINVOICE] = FORM_FIELD("einvoice_syntax", "E-invoice format", FORM_ENUM, .choices = syntaxes,
				   .choice_labels = syntax_labels,
				   .hint = "What the customer's e-invoices default to; XRechnung needs the Leitweg-ID as buyer reference."),
	[CF_NOTES] = FORM_FIELD("notes", "Internal notes", FORM_AREA, .maxlen = 2000),
};

/* ISO 3166-1 alpha-2, officially assigned codes. */
static const char countries[] =
	"AD AE AF AG AI AL AM AO AQ AR AS AT AU AW AX AZ BA BB BD BE BF BG BH BI BJ BL BM BN BO BQ BR BS "
	"BT BV BW BY BZ CA CC CD CF CG CH CI CK CL CM CN CO CR CU CV CW CX CY CZ DE DJ DK DM DO DZ EC EE "
	"EG EH ER ES ET FI FJ FK FM FO FR GA GB GD GE GF GG GH GI GL GM GN GP GQ GR GS GT GU GW GY HK HM "
	"HN HR HT HU ID IE IL IM IN IO IQ IR IS IT JE JM JO JP KE KG KH KI KM KN KP KR KW KY KZ LA LB LC "
	"LI LK LR LS LT LU LV LY MA MC MD ME MF MG MH MK ML MM MN MO MP MQ MR MS MT MU MV MW MX MY MZ NA "
	"NC NE NF NG NI NL NO NP NR NU NZ OM PA PE PF PG PH PK PL PM PN PR PS PT PW PY QA RE RO RS RU RW "
	"SA SB SC SD SE SG SH SI SJ SK SL SM SN SO SR SS ST SV SX SY SZ TC TD TF TG TH TJ TK TL TM TN TO "
	"TR TT TV TW TZ UA UG UM US UY UZ VA VC VE VG VI VN VU WF WS YE YT ZA ZM ZW";

int customer_country_valid(const char *cc)
{
	if (!cc || strlen(cc) != 2 || cc[0] < 'A' || cc[0] > 'Z' || cc[1] < 'A' || cc[1] > 'Z')
		return 0;
	for (const char *p = countries; *p; p += p[2] ? 3 : 2)
		if (p[0] == cc[0] && p[1] == cc[1])
			return 1;
	return 0;
}

int customer_time_zone_valid(const char *tz)
{
	char path[128];
	struct stat st;
	size_t n = tz ? strlen(tz) : 0;

	if (!n || n > 64)
		return 0;
	if (!strcmp(tz, "UTC"))
		return 1;
	/* a name, never a path: letters, digits, _ + - and single slashes between parts */
	if (tz[0] == '/' || tz[0] == '.' || strstr(tz, "..") || strstr(tz, "//") || tz[n - 1] == '/')
		return 0;
	for (size_t i = 0; i < n; i++) {
		char c = tz[i];

		if (!((c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_'
		      || c == '+' || c == '-' || c == '/'))
			return 0;
	}
	if ((size_t)snprintf(path, sizeof(path), "/usr/share/zoneinfo/%s", tz) >= sizeof(path))
		return 0;
	return stat(path, &st) == 0 && S_ISREG(st.st_mode);
}

static char *upper_dup(struct arena *a, const char *s, int drop_spaces)
{
	size_t n = strlen(s), k = 0;
	char *d = arena_alloc(a, n + 1);

	if (!d)
		return NULL;
	for (size_t i = 0; i < n; i++) {
		char c = s[i];

		if (drop_spaces && (c == ' ' || c == '-' || c == '.'))
			continue;
		d[k++] = c >= 'a' && c <= 'z' ? (char)(c - 'a' + 'A') : c;
	}
	d[k] = '\0';
	return d;
}

static void set_text(struct form_value *v, const char *s)
{
	v->s = s;
	v->len = strlen(s);
}

ierr customer_check(struct form_value v[CF__COUNT], struct arena *arena)
{
	char *s;

	if (v[CF_COUNTRY].present) {
		if (!(s = upper_dup(arena, v[CF_COUNTRY].s, 0)))
			return IE_NOMEM;
		set_text(&v[CF_COUNTRY], s);
		if (!customer_country_valid(s))
			form_set_error(&v[CF_COUNTRY], "must be an ISO 3166 country code like DE");
	}
	if (v[CF_CURRENCY].present) {
		if (!(s = upper_dup(arena, v[CF_CURRENCY].s, 0)))
			return IE_NOMEM;
		set_text(&v[CF_CURRENCY], s);
		if (!money_currency(s))
			form_set_error(&v[CF_CURRENCY], "must be an ISO 4217 currency code like EUR");
	}
	if (v[CF_TIME_ZONE].present && !customer_time_zone_valid(v[CF_TIME_ZONE].s))
		form_set_error(&v[CF_TIME_ZONE], "must be a time zone like Europe/Berlin");
	if (v[CF_VAT_ID].present) {
		size_t n;
		char cc[3];

		if (!(s = upper_dup(arena, v[CF_VAT_ID].s, 1)))
			return IE_NOMEM;
		set_text(&v[CF_VAT_ID], s);
		n = strlen(s);
		memcpy(cc, s, 2);
		cc[2] = '\0';
		if (n < 4 || n > 14 || !(customer_country_valid(cc) || !strcmp(cc, "EL") || !strcmp(cc, "XI"))) {
			form_set_error(&v[CF_VAT_ID], "must start with a country code, e.g. DE123456789");
		} else {
			for (size_t i = 2; i < n; i++)
				if (!((s[i] >= 'A' && s[i] <= 'Z') || (s[i] >= '0' && s[i] <= '9'))) {
					form_set_error(&v[CF_VAT_ID], "may hold only letters and digits after the country code");
					break;
				}
		}
	}
	if (v[CF_ENDPOINT_ID].present != v[CF_ENDPOINT_SCHEME].present
	    && !v[CF_ENDPOINT_ID].error && !v[CF_ENDPOINT_SCHEME].error) {
		if (v[CF_ENDPOINT_ID].present)
			form_set_error(&v[CF_ENDPOINT_SCHEME], "is needed with an electronic address");
		else
			form_set_error(&v[CF_ENDPOINT_ID], "is needed with a scheme");
	}
	if (v[CF_EINVOICE].present && !strcmp(v[CF_EINVOICE].s, "xrechnung") && !v[CF_BUYER_REF].present
	    && !v[CF_BUYER_REF].error && !v[CF_EINVOICE].error)
		form_set_error(&v[CF_BUYER_REF], "is needed for XRechnung: the customer's Leitweg-ID");
	return form_errors(v, CF__COUNT) ? IE_INVALID : IE_OK;
}

void customer_defaults(struct form_value v[CF__COUNT], const char *currency, const char *time_zone,
		       const char *days)
{
	memset(v, 0, sizeof(*v) * CF__COUNT);
	for (size_t i = 0; i < CF__COUNT; i++)
		v[i].raw = "";
	v[CF_CURRENCY].raw = currency ? currency : "";
	v[CF_TIME_ZONE].raw = time_zone && *time_zone ? time_zone : "UTC";
	v[CF_PAYMENT_DAYS].raw = days;
	v[CF_SCHEDULE].raw = "none";
	v[CF_GROUPING].raw = "none";
	v[CF_NOTIFY_ISSUED].raw = "1";
	v[CF_EINVOICE].raw = "peppol";
}

/* ---------- reads ---------- */

ierr customer_get(struct db *db, struct arena *arena, long long id, int lock, struct customer_row *out)
{
	struct db_res r = { 0 };
	ierr e;

	memset(out, 0, sizeof(*out));
	if (lock)
		e = db_query_row(db, &r, "SELECT name, legal_name, email, phone, street, address_line2, city, "
				 "post_code, region, country, vat_id, currency, time_zone, payment_days, "
				 "invoice_schedule, line_grouping, notify_issued, buyer_reference, endpoint_id, "
				 "endpoint_scheme, einvoice_syntax, COALESCE(notes, ''), id, active, row_version, "
				 "EXISTS (SELECT 1 FROM invoices WHERE customer_id = c.id) "
				 "FROM customers c WHERE id = ? FOR UPDATE", DB_ARGS(DB_I(id)));
	else
		e = db_query_row(db, &r, "SELECT name, legal_name, email, phone, street, address_line2, city, "
				 "post_code, region, country, vat_id, currency, time_zone, payment_days, "
				 "invoice_schedule, line_grouping, notify_issued, buyer_reference, endpoint_id, "
				 "endpoint_scheme, einvoice_syntax, COALESCE(notes, ''), id, active, row_version, "
				 "EXISTS (SELECT 1 FROM invoices WHERE customer_id = c.id) "
				 "FROM customers c WHERE id = ?", DB_ARGS(DB_I(id)));
	if (!e)
		e = record_read(&r, arena, CF__COUNT, out->text, &out->id, &out->active, &out->row_version,
				&out->has_invoices);
	db_free(&r);
	return e;
}

/* ---------- audit images (record.h: record_json) ---------- */

static void texts_of(const struct form_value v[CF__COUNT], const char *text[CF__COUNT])
{
	for (size_t i = 0; i < CF__COUNT; i++)
		text[i] = v[i].s ? v[i].s : "";
}

/* ---------- writes ---------- */

#define OPT(k) (v[k].present ? DB_S(v[k].s) : DB_S(""))
/* a form without the field (older clients) keeps the default syntax */
#define SYNTAX(v) (v[CF_EINVOICE].present ? DB_S(v[CF_EINVOICE].s) : DB_S("peppol"))

ierr customer_create(struct db *db, const struct auth_user *user, const char *address,
		     const struct form_value v[CF__COUNT], long long *id_out)
{
	struct audit_json after = AUDIT_JSON_INIT;
	const char *text[CF__COUNT];
	unsigned long long id = 0;
	ierr e;

	e = db_exec(db, "INSERT INTO customers (name, legal_name, email, phone, street, address_line2, city, "
		    "post_code, region, country, vat_id, currency, time_zone, payment_days, invoice_schedule, "
		    "line_grouping, notify_issued, buyer_reference, endpoint_id, endpoint_scheme, einvoice_syntax, notes) "
		    "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
		    DB_ARGS(DB_S(v[CF_NAME].s), OPT(CF_LEGAL_NAME), OPT(CF_EMAIL), OPT(CF_PHONE), OPT(CF_STREET),
			    OPT(CF_LINE2), OPT(CF_CITY), OPT(CF_POST_CODE), OPT(CF_REGION), DB_S(v[CF_COUNTRY].s),
			    OPT(CF_VAT_ID), DB_S(v[CF_CURRENCY].s), DB_S(v[CF_TIME_ZONE].s),
			    DB_I(v[CF_PAYMENT_DAYS].i), DB_S(v[CF_SCHEDULE].s), DB_S(v[CF_GROUPING].s),
			    DB_I(v[CF_NOTIFY_ISSUED].i), OPT(CF_BUYER_REF), OPT(CF_ENDPOINT_ID),
			    OPT(CF_ENDPOINT_SCHEME), SYNTAX(v), v[CF_NOTES].present ? DB_S(v[CF_NOTES].s) : DB_N),
		    NULL, &id);
	if (e)
		goto out;
	texts_of(v, text);
	if ((e = record_json(&after, customer_form, CF__COUNT, text, 1)))
		goto out;
	e = audit_event(db, user, address, "customer", (long long)id, "create", NULL, after.b.data);
	*id_out = (long long)id;
out:
	audit_json_free(&after);
	return e;
}

/* customer_update's write (record_update) */
struct cust_write {
	const struct form_value *v;
	long long id, version;
	const char *old_name;
};

static ierr cust_write(struct db *db, void *ctx, const char *const *after, unsigned long long *n)
{
	const struct cust_write *w = ctx;
	const struct form_value *v = w->v;
	ierr e;

	(void)after;
	e = db_exec(db, "UPDATE customers SET name = ?, legal_name = ?, email = ?, phone = ?, street = ?, "
		    "address_line2 = ?, city = ?, post_code = ?, region = ?, country = ?, vat_id = ?, currency = ?, "
		    "time_zone = ?, payment_days = ?, invoice_schedule = ?, line_grouping = ?, notify_issued = ?, "
		    "buyer_reference = ?, endpoint_id = ?, endpoint_scheme = ?, einvoice_syntax = ?, notes = ?, "
		    "row_version = row_version + 1 WHERE id = ? AND row_version = ?",
		    DB_ARGS(DB_S(v[CF_NAME].s), OPT(CF_LEGAL_NAME), OPT(CF_EMAIL), OPT(CF_PHONE), OPT(CF_STREET),
			    OPT(CF_LINE2), OPT(CF_CITY), OPT(CF_POST_CODE), OPT(CF_REGION), DB_S(v[CF_COUNTRY].s),
			    OPT(CF_VAT_ID), DB_S(v[CF_CURRENCY].s), DB_S(v[CF_TIME_ZONE].s),
			    DB_I(v[CF_PAYMENT_DAYS].i), DB_S(v[CF_SCHEDULE].s), DB_S(v[CF_GROUPING].s),
			    DB_I(v[CF_NOTIFY_ISSUED].i), OPT(CF_BUYER_REF), OPT(CF_ENDPOINT_ID),
			    OPT(CF_ENDPOINT_SCHEME), SYNTAX(v), v[CF_NOTES].present ? DB_S(v[CF_NOTES].s) : DB_N,
			    DB_I(w->id), DB_I(w->version)),
		    n, NULL);
	/* drafts carry the customer's current name (sql/0001, invoices.customer_name) */
	if (!e && *n == 1 && strcmp(w->old_name, v[CF_NAME].s))
		e = db_exec(db, "UPDATE invoices SET customer_name = ? WHERE customer_id = ? AND status = 'draft'",
			    DB_ARGS(DB_S(v[CF_NAME].s), DB_I(w->id)), NULL, NULL);
	return e;
}

ierr customer_update(struct db *db, const struct auth_user *user, const char *address, long long id,
		     long long row_version, struct form_value v[CF__COUNT], struct arena *arena)
{
	struct customer_row cur;
	const char *text[CF__COUNT];
	struct cust_write w = { v, id, row_version, NULL };
	const struct record_update u = { "customer", customer_form, CF__COUNT, id, row_version, v, CF_CURRENCY,
					 "cannot change: the customer has invoices in its currency", NULL,
					 cust_write, &w };
	ierr e = customer_get(db, arena, id, 1, &cur);

	if (e)
		return e;
	w.old_name = cur.text[CF_NAME];
	texts_of(v, text);
	return record_update(db, user, address, &u,
			     &(const struct record_row){ cur.row_version, cur.has_invoices, cur.text }, text);
}

ierr customer_set_active(struct db *db, const struct auth_user *user, const char *address, long long id,
			 int active)
{
	return record_set_active(db, user, address, RECORD_CUSTOMERS, "customer", id, active);
}

ierr customer_delete(struct db *db, const struct auth_user *user, const char *address, long long id,
		     const char **why)
{
	struct audit_json before = AUDIT_JSON_INIT;
	struct customer_row cur;
	struct db_res r = { 0 };
	struct arena *a = arena_new();
	ierr e;

	*why = NULL;
	if (!a)
		return IE_NOMEM;
	if ((e = customer_get(db, a, id, 1, &cur)))
		goto out;
	if (cur.has_invoices) {
		*why = "The customer has invoices: archive it instead.";
		e = IE_CONFLICT;
		goto out;
	}
	if ((e = db_query_row(db, &r, "SELECT EXISTS (SELECT 1 FROM payments WHERE customer_id = ?), "
			      "EXISTS (SELECT 1 FROM users WHERE customer_id = ?), "
			      "EXISTS (SELECT 1 FROM usage_records WHERE customer_id = ?), "
			      "EXISTS (SELECT 1 FROM customer_packages WHERE customer_id = ?), "
			      "EXISTS (SELECT 1 FROM outbox WHERE customer_id = ?)",
			      DB_ARGS(DB_I(id), DB_I(id), DB_I(id), DB_I(id), DB_I(id)))))
		goto out;
	*why = db_int(&r, 0) ? "The customer has payments: archive it instead."
	     : db_int(&r, 1) ? "The customer has users: remove them or archive the customer instead."
	     : db_int(&r, 2) ? "The customer has usage records: archive it instead."
	     : db_int(&r, 3) ? "The customer has recurring packages: archive it instead."
	     : db_int(&r, 4) ? "The customer has mail in the outbox: archive it instead." : NULL;
	if (*why) {
		e = IE_CONFLICT;
		goto out;
	}
	if ((e = db_exec(db, "DELETE FROM customers WHERE id = ?", DB_ARGS(DB_I(id)), NULL, NULL)))
		goto out;
	if ((e = record_json(&before, customer_form, CF__COUNT, cur.text, cur.active)))
		goto out;
	e = audit_event(db, user, address, "customer", id, "delete", before.b.data, NULL);
out:
	db_free(&r);
	audit_json_free(&before);
	arena_free(a);
	return e;
}

/* ---------- list and page figures ---------- */

ierr customer_like_escape(const char *q, char *out, size_t outsz)
{
	size_t k = 0;

	for (; *q; q++) {
		if (k + 3 > outsz)
			return IE_INVALID;
		if (*q == '%' || *q == '_' || *q == '\\')
			out[k++] = '\\';
		out[k++] = *q;
	}
	if (k + 1 > outsz)
		return IE_INVALID;
	out[k] = '\0';
	return IE_OK;
}

ierr customer_search(struct db *db, const char *q, int which, long long offset, long long limit,
		     ierr (*fn)(void *ctx, const struct db_res *r), void *ctx, long long *total)
{
	struct db_res r = { 0 };
	char like[512];
	ierr e;

	if ((e = customer_like_escape(q ? q : "", like, sizeof(like))))
		return e;
	e = db_query_row(db, &r, "SELECT COUNT(*) FROM customers WHERE (? = '' OR name LIKE CONCAT('%', ?, '%') "
			 "OR email LIKE CONCAT('%', ?, '%')) AND (? = 2 OR active = 1 - ?)",
			 DB_ARGS(DB_S(like), DB_S(like), DB_S(like), DB_I(which), DB_I(which)));
	if (e)
		goto out;
	*total = db_int(&r, 0);
	db_free(&r);
	e = db_query(db, &r, "SELECT id, name, email, city, country, currency, active FROM customers "
		     "WHERE (? = '' OR name LIKE CONCAT('%', ?, '%') OR email LIKE CONCAT('%', ?, '%')) "
		     "AND (? = 2 OR active = 1 - ?) ORDER BY name, id LIMIT ? OFFSET ?",
		     DB_ARGS(DB_S(like), DB_S(like), DB_S(like), DB_I(which), DB_I(which), DB_I(limit),
			     DB_I(offset)));
	if (!e)
		e = db_each(&r, fn, ctx);
out:
	db_free(&r);
	return e;
}

static ierr amount_of(const struct db_res *r, unsigned col, int exp, money_t *out)
{
	const char *s = db_str(r, col);

	return money_from_db(s ? s : "0", exp, out);
}

ierr customer_sums(struct db *db, long long id, const char *today, struct customer_sum *sums, size_t *n)
{
	struct db_res r = { 0 };
	ierr e;

	*n = 0;
	/* DESIGN.md "List figures": issued (open, paid) documents count, credit
	 * notes negative; drafts and void ones are counted apart, never owed */
	e = db_query(db, &r, "SELECT currency, "
		     "SUM(IF(status IN ('open', 'paid'), IF(kind = 'credit', -1, 1) * total, 0)), "
		     "SUM(IF(status IN ('open', 'paid'), IF(kind = 'credit', -1, 1) * paid_amount, 0)), "
		     "SUM(IF(status IN ('open', 'paid'), IF(kind = 'credit', -1, 1) * (total - paid_amount), 0)), "
		     "SUM(IF(status = 'open' AND kind = 'invoice' AND due_date < ?, total - paid_amount, 0)), "
		     "SUM(status IN ('open', 'paid')), "
		     "SUM(status = 'open' AND kind = 'invoice' AND due_date < ?), "
		     "SUM(status = 'draft'), SUM(status = 'void') "
		     "FROM invoices WHERE customer_id = ? GROUP BY currency ORDER BY currency",
		     DB_ARGS(DB_S(today), DB_S(today), DB_I(id)));
	if (e)
		goto out;
	while ((e = db_next(&r)) == IE_OK && *n < CUSTOMER_MAX_SUMS) {
		struct customer_sum *s = &sums[*n];
		int exp = money_exponent(db_str(&r, 0));

		memset(s, 0, sizeof(*s));
		if (exp < 0 || str_copy(s->currency, sizeof(s->currency), db_str(&r, 0))) {
			e = IE_INTERNAL;
			goto out;
		}
		if ((e = amount_of(&r, 1, exp, &s->billed)) || (e = amount_of(&r, 2, exp, &s->paid))
		    || (e = amount_of(&r, 3, exp, &s->balance)) || (e = amount_of(&r, 4, exp, &s->overdue)))
			goto out;
		s->issued = db_int(&r, 5);
		s->overdue_n = db_int(&r, 6);
		s->drafts = db_int(&r, 7);
		s->voids = db_int(&r, 8);
		(*n)++;
	}
	if (e == IE_NOTFOUND || e == IE_OK)
		e = IE_OK;
out:
	db_free(&r);
	return e;
}

ierr customer_months(struct db *db, long long id, const char *today, struct customer_month *m, size_t max,
		     size_t *n)
{
	struct db_res r = { 0 };
	ierr e;

	*n = 0;
	/* billed by invoice date (credit notes negative), paid by the day the money
	 * came (allocations from payments), the 12 calendar months up to today's */
	e = db_query(db, &r, "SELECT ym, currency, SUM(billed), SUM(paid) FROM ("
		     " SELECT DATE_FORMAT(invoice_date, '%Y-%m') AS ym, currency, "
		     "  IF(kind = 'credit', -1, 1) * total AS billed, 0 AS paid FROM invoices "
		     "  WHERE customer_id = ? AND status IN ('open', 'paid') "
		     "  AND invoice_date >= DATE_SUB(DATE_FORMAT(?, '%Y-%m-01'), INTERVAL 11 MONTH) AND invoice_date <= ? "
		     " UNION ALL "
		     " SELECT DATE_FORMAT(p.received_on, '%Y-%m'), p.currency, 0, a.amount "
		     "  FROM payments p JOIN payment_allocations a ON a.payment_id = p.id "
		     "  WHERE p.customer_id = ? "
		     "  AND p.received_on >= DATE_SUB(DATE_FORMAT(?, '%Y-%m-01'), INTERVAL 11 MONTH) AND p.received_on <= ?"
		     ") t GROUP BY ym, currency ORDER BY ym, currency",
		     DB_ARGS(DB_I(id), DB_S(today), DB_S(today), DB_I(id), DB_S(today), DB_S(today)));
	if (e)
		goto out;
	while ((e = db_next(&r)) == IE_OK && *n < max) {
		struct customer_month *x = &m[*n];
		int exp = money_exponent(db_str(&r, 1));

		memset(x, 0, sizeof(*x));
		if (exp < 0 || str_copy(x->month, sizeof(x->month), db_str(&r, 0))
		    || str_copy(x->currency, sizeof(x->currency), db_str(&r, 1))) {
			e = IE_INTERNAL;
			goto out;
		}
		if ((e = amount_of(&r, 2, exp, &x->billed)) || (e = amount_of(&r, 3, exp, &x->paid)))
			goto out;
		(*n)++;
	}
	if (e == IE_NOTFOUND || e == IE_OK)
		e = IE_OK;
out:
	db_free(&r);
	return e;
}

ierr customer_users(struct db *db, long long id, ierr (*fn)(void *ctx, const struct db_res *r), void *ctx)
{
	struct db_res r = { 0 };
	ierr e = db_query(db, &r, "SELECT id, email, name, active FROM users WHERE customer_id = ? ORDER BY email",
			  DB_ARGS(DB_I(id)));

	if (!e)
		e = db_each(&r, fn, ctx);
	db_free(&r);
	return e;
}
