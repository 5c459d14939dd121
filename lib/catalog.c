/* catalog.c — packages and custom field definitions (catalog.h). */
#include <stdio.h>
#include <string.h>
#include "catalog.h"
#include "audit.h"
#include "auth.h"
#include "buf.h"
#include "db.h"
#include "money.h"
#include "record.h"

/* ---------- packages ---------- */

static const char *const kinds[] = { "recurring", "usage", "one_off", NULL };
static const char *const kind_labels[] = { "Recurring", "Usage (metered)", "One-off", NULL };
/* UN/ECE Recommendation 20 codes a service provider bills in */
static const char *const units[] = { "C62", "H87", "EA", "SEC", "MIN", "HUR", "DAY", "WEE", "MON", "ANN",
				     "4L", "E34", "E35", "KWH", "MTR", "KMT", "KGM", "LTR", "MTQ", NULL };
static const char *const unit_labels[] = { "C62 one (unit)", "H87 piece", "EA each", "SEC second", "MIN minute",
					   "HUR hour", "DAY day", "WEE week", "MON month", "ANN year",
					   "4L megabyte", "E34 gigabyte", "E35 terabyte", "KWH kilowatt hour",
					   "MTR metre", "KMT kilometre", "KGM kilogram", "LTR litre",
					   "MTQ cubic metre", NULL };
static const char *const vat_cats[] = { "S", "Z", "E", "AE", "K", "G", "O", NULL };
static const char *const vat_labels[] = { "S standard rate", "Z zero rated", "E exempt", "AE reverse charge",
					  "K intra-community supply", "G export outside the EU",
					  "O outside the scope of VAT", NULL };

const struct form_field package_form[PF__COUNT] = {
	[PF_NAME] = FORM_FIELD("name", "Name", FORM_TEXT, .required = 1, .maxlen = 200),
	[PF_DESCRIPTION] = FORM_FIELD("description", "Description", FORM_AREA, .maxlen = 2000),
	[PF_KIND] = FORM_FIELD("kind", "Kind", FORM_ENUM, .required = 1, .choices = kinds, .choice_labels = kind_labels),
	[PF_CURRENCY] = FORM_FIELD("currency", "Currency", FORM_TEXT, .required = 1, .maxlen = 3,
				   .hint = "ISO 4217 code, e.g. EUR: offered to customers billed in it."),
	[PF_UNIT_PRICE] = FORM_FIELD("unit_price", "Unit price", FORM_DEC6, .required = 1, .nonneg = 1,
				     .hint = "Up to 6 decimals, e.g. 0.004500 per minute."),
	[PF_UNIT_CODE] = FORM_FIELD("unit_code", "Unit", FORM_ENUM, .required = 1, .choices = units,
				    .choice_labels = unit_labels),
	[PF_DEFAULT_QTY] = FORM_FIELD("default_quantity", "Default quantity", FORM_DEC6, .required = 1, .nonneg = 1),
	[PF_TAX_RATE] = FORM_FIELD("tax_rate", "Tax rate (%)", FORM_RATE, .required = 1),
	[PF_VAT_CATEGORY] = FORM_FIELD("vat_category", "VAT category", FORM_ENUM, .required = 1, .choices = vat_cats,
				       .choice_labels = vat_labels),
	[PF_TAX_DESCRIPTION] = FORM_FIELD("tax_description", "Tax description", FORM_TEXT, .maxlen = 100,
					  .hint = "Printed beside the tax, e.g. VAT 19%."),
};

int package_rate_fits(const char *category, long long rate)
{
	if (!category)
		return 0;
	return !strcmp(category, "S") ? rate > 0 : rate == 0;
}

static void set_text(struct form_value *v, const char *s)
{
	v->s = s;
	v->len = strlen(s);
}

ierr package_check(struct form_value v[PF__COUNT], struct arena *arena)
{
	if (v[PF_CURRENCY].present) {
		char *s = arena_strdup(arena, v[PF_CURRENCY].s);

		if (!s)
			return IE_NOMEM;
		for (char *p = s; *p; p++)
			if (*p >= 'a' && *p <= 'z')
				*p = (char)(*p - 'a' + 'A');
		set_text(&v[PF_CURRENCY], s);
		if (!money_currency(s))
			form_set_error(&v[PF_CURRENCY], "must be an ISO 4217 currency code like EUR");
	}
	if (v[PF_TAX_RATE].present && v[PF_VAT_CATEGORY].present
	    && !package_rate_fits(v[PF_VAT_CATEGORY].s, v[PF_TAX_RATE].i))
		form_set_error(&v[PF_TAX_RATE], !strcmp(v[PF_VAT_CATEGORY].s, "S")
			       ? "must be above 0 for the standard rate category"
			       : "must be 0 for this VAT category");
	return form_errors(v, PF__COUNT) ? IE_INVALID : IE_OK;
}

void package_defaults(struct form_value v[PF__COUNT])
{
	memset(v, 0, sizeof(*v) * PF__COUNT);
	for (size_t i = 0; i < PF__COUNT; i++)
		v[i].raw = "";
	v[PF_KIND].raw = "recurring";
	v[PF_CURRENCY].raw = "EUR";
	v[PF_UNIT_CODE].raw = "C62";
	v[PF_DEFAULT_QTY].raw = "1";
	v[PF_VAT_CATEGORY].raw = "S";
}

ierr package_get(struct db *db, struct arena *arena, long long id, int lock, struct catalog_row *out)
{
	struct db_res r = { 0 };
	ierr e;

	memset(out, 0, sizeof(*out));
	if (lock)
		e = db_query_row(db, &r, "SELECT name, description, kind, currency, unit_price, unit_code, "
				 "default_quantity, tax_rate, vat_category, tax_description, id, active, row_version, "
				 "EXISTS (SELECT 1 FROM invoice_lines WHERE package_id = p.id) "
				 "FROM packages p WHERE id = ? FOR UPDATE", DB_ARGS(DB_I(id)));
	else
		e = db_query_row(db, &r, "SELECT name, description, kind, currency, unit_price, unit_code, "
				 "default_quantity, tax_rate, vat_category, tax_description, id, active, row_version, "
				 "EXISTS (SELECT 1 FROM invoice_lines WHERE package_id = p.id) "
				 "FROM packages p WHERE id = ?", DB_ARGS(DB_I(id)));
	if (!e)
		e = record_read(&r, arena, PF__COUNT, out->text, &out->id, &out->active, &out->row_version, &out->in_use);
	db_free(&r);
	return e;
}

/* The canonical decimal text of a fixed-point value, for binding. */
static const char *dec(struct arena *a, long long v, int decimals)
{
	char buf[48];

	if (money_to_decimal(v, decimals, buf, sizeof(buf)))
		return NULL;
	return arena_strdup(a, buf);
}

/* The texts of valid form values as they are stored (decimals canonical). */
static ierr package_texts(struct form_value v[PF__COUNT], struct arena *a, const char *text[PF__COUNT])
{
	for (size_t i = 0; i < PF__COUNT; i++)
		text[i] = v[i].s ? v[i].s : "";
	if (!(text[PF_UNIT_PRICE] = dec(a, v[PF_UNIT_PRICE].i, 6))
	    || !(text[PF_DEFAULT_QTY] = dec(a, v[PF_DEFAULT_QTY].i, 6))
	    || !(text[PF_TAX_RATE] = dec(a, v[PF_TAX_RATE].i, 4)))
		return IE_NOMEM;
	return IE_OK;
}

static ierr package_name_taken(struct db *db, const char *name, const char *currency, long long not_id, int *taken)
{
	struct db_res r = { 0 };
	ierr e = db_query_row(db, &r, "SELECT COUNT(*) FROM packages WHERE name = ? AND currency = ? AND id <> ?",
			      DB_ARGS(DB_S(name), DB_S(currency), DB_I(not_id)));

	*taken = !e && db_int(&r, 0) > 0;
	db_free(&r);
	return e;
}

ierr package_create(struct db *db, const struct auth_user *user, const char *address,
		    struct form_value v[PF__COUNT], struct arena *arena, long long *id_out)
{
	struct audit_json after = AUDIT_JSON_INIT;
	const char *text[PF__COUNT];
	unsigned long long id = 0;
	int taken;
	ierr e;

	if ((e = package_texts(v, arena, text)) || (e = package_name_taken(db, text[PF_NAME], text[PF_CURRENCY], 0, &taken)))
		goto out;
	if (taken) {
		form_set_error(&v[PF_NAME], "is taken by another package in this currency");
		e = IE_INVALID;
		goto out;
	}
	if ((e = db_exec(db, "INSERT INTO packages (name, description, kind, currency, unit_price, unit_code, "
			 "default_quantity, tax_rate, vat_category, tax_description) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
			 DB_ARGS(DB_S(text[PF_NAME]), DB_S(text[PF_DESCRIPTION]), DB_S(text[PF_KIND]),
				 DB_S(text[PF_CURRENCY]), DB_S(text[PF_UNIT_PRICE]), DB_S(text[PF_UNIT_CODE]),
				 DB_S(text[PF_DEFAULT_QTY]), DB_S(text[PF_TAX_RATE]), DB_S(text[PF_VAT_CATEGORY]),
				 DB_S(text[PF_TAX_DESCRIPTION])), NULL, &id)))
		goto out;
	if ((e = record_json(&after, package_form, PF__COUNT, text, 1)))
		goto out;
	e = audit_event(db, user, address, "package", (long long)id, "create", NULL, after.b.data);
	*id_out = (long long)id;
out:
	audit_json_free(&after);
	return e;
}

/* The checks and writes of package_update and field_def_update (record_update). */
struct cat_write {
	struct form_value *v;
	const char *const *text;
	long long id, version;
};

/* a name once per currency */
static ierr package_check_name(struct db *db, void *ctx)
{
	const struct cat_write *w = ctx;
	int taken;
	ierr e = package_name_taken(db, w->text[PF_NAME], w->text[PF_CURRENCY], w->id, &taken);

	if (!e && taken) {
		form_set_error(&w->v[PF_NAME], "is taken by another package in this currency");
		e = IE_INVALID;
	}
	return e;
}

static ierr package_write(struct db *db, void *ctx, const char *const *text, unsigned long long *n)
{
	const struct cat_write *w = ctx;

	return db_exec(db, "UPDATE packages SET name = ?, description = ?, kind = ?, currency = ?, unit_price = ?, "
		       "unit_code = ?, default_quantity = ?, tax_rate = ?, vat_category = ?, tax_description = ?, "
		       "row_version = row_version + 1 WHERE id = ? AND row_version = ?",
		       DB_ARGS(DB_S(text[PF_NAME]), DB_S(text[PF_DESCRIPTION]), DB_S(text[PF_KIND]),
			       DB_S(text[PF_CURRENCY]), DB_S(text[PF_UNIT_PRICE]), DB_S(text[PF_UNIT_CODE]),
			       DB_S(text[PF_DEFAULT_QTY]), DB_S(text[PF_TAX_RATE]), DB_S(text[PF_VAT_CATEGORY]),
			       DB_S(text[PF_TAX_DESCRIPTION]), DB_I(w->id), DB_I(w->version)), n, NULL);
}

ierr package_update(struct db *db, const struct auth_user *user, const char *address, long long id,
		    long long row_version, struct form_value v[PF__COUNT], struct arena *arena)
{
	struct catalog_row cur;
	const char *text[PF__COUNT];
	struct cat_write w = { v, text, id, row_version };
	const struct record_update u = { "package", package_form, PF__COUNT, id, row_version, v, -1, NULL,
					 package_check_name, package_write, &w };
	ierr e;

	if ((e = package_get(db, arena, id, 1, &cur)) || (e = package_texts(v, arena, text)))
		return e;
	return record_update(db, user, address, &u, &(const struct record_row){ cur.row_version, cur.in_use, cur.text },
			     text);
}

ierr package_set_active(struct db *db, const struct auth_user *user, const char *address, long long id, int active)
{
	return record_set_active(db, user, address, RECORD_PACKAGES, "package", id, active);
}

ierr package_list(struct db *db, int which, ierr (*fn)(void *ctx, const struct db_res *r), void *ctx)
{
	struct db_res r = { 0 };
	ierr e = db_query(db, &r, "SELECT id, name, currency, unit_price, unit_code, tax_rate, vat_category, active, kind "
			  "FROM packages WHERE (? = 2 OR active = 1 - ?) ORDER BY name, currency, id LIMIT 1000",
			  DB_ARGS(DB_I(which), DB_I(which)));

	if (!e)
		e = db_each(&r, fn, ctx);
	db_free(&r);
	return e;
}

/* ---------- custom field definitions ---------- */

static const char *const field_types[] = { "text", "date", "number", NULL };
static const char *const field_type_labels[] = { "Text", "Date", "Number", NULL };

const struct form_field field_def_form[FF__COUNT] = {
	[FF_LABEL] = FORM_FIELD("label", "Label", FORM_TEXT, .required = 1, .maxlen = 200),
	[FF_TYPE] = FORM_FIELD("field_type", "Type", FORM_ENUM, .required = 1, .choices = field_types,
			       .choice_labels = field_type_labels),
	[FF_VISIBLE] = FORM_FIELD("visible_to_customer", "Visible to the customer", FORM_CHECK),
	[FF_PRINT] = FORM_FIELD("print_on_pdf", "Printed on the PDF", FORM_CHECK),
	[FF_POSITION] = FORM_FIELD("position", "Position", FORM_INT, .min = 0, .max = 1000,
				   .hint = "Order on forms and documents, smallest first."),
};

ierr catalog_field_key(const char *label, char *out, size_t outsz)
{
	size_t k = 0, max = outsz - 1 < 40 ? outsz - 1 : 40;
	int gap = 0;

	if (outsz < 6)
		return IE_INTERNAL;
	for (const unsigned char *p = (const unsigned char *)label; *p && k < max; p++) {
		char c = (char)*p;

		if (c >= 'A' && c <= 'Z')
			c = (char)(c - 'A' + 'a');
		if ((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9')) {
			if (gap && k)
				out[k++] = '_';
			if (k < max)
				out[k++] = c;
			gap = 0;
		} else {
			gap = 1;
		}
	}
	out[k] = '\0';
	if (!k)
		return str_copy(out, outsz, "field");
	return IE_OK;
}

void field_def_defaults(struct form_value v[FF__COUNT])
{
	memset(v, 0, sizeof(*v) * FF__COUNT);
	for (size_t i = 0; i < FF__COUNT; i++)
		v[i].raw = "";
	v[FF_TYPE].raw = "text";
	v[FF_POSITION].raw = "0";
}

ierr field_def_get(struct db *db, struct arena *arena, long long id, int lock, struct catalog_row *out)
{
	struct db_res r = { 0 };
	ierr e;

	memset(out, 0, sizeof(*out));
	if (lock)
		e = db_query_row(db, &r, "SELECT label, field_type, visible_to_customer, print_on_pdf, position, id, "
				 "active, row_version, EXISTS (SELECT 1 FROM invoice_custom_fields WHERE field_id = d.id), "
				 "field_key FROM custom_field_defs d WHERE id = ? FOR UPDATE", DB_ARGS(DB_I(id)));
	else
		e = db_query_row(db, &r, "SELECT label, field_type, visible_to_customer, print_on_pdf, position, id, "
				 "active, row_version, EXISTS (SELECT 1 FROM invoice_custom_fields WHERE field_id = d.id), "
				 "field_key FROM custom_field_defs d WHERE id = ?", DB_ARGS(DB_I(id)));
	if (!e && !(e = record_read(&r, arena, FF__COUNT, out->text, &out->id, &out->active, &out->row_version,
				    &out->in_use))
	    && !(out->key = arena_strdup(arena, db_str(&r, FF__COUNT + 4))))
		e = IE_NOMEM;
	db_free(&r);
	return e;
}

static void field_texts(const struct form_value v[FF__COUNT], const char *text[FF__COUNT])
{
	for (size_t i = 0; i < FF__COUNT; i++)
		text[i] = v[i].s ? v[i].s : "";
	if (!v[FF_POSITION].present)
		text[FF_POSITION] = "0";
}

ierr field_def_create(struct db *db, const struct auth_user *user, const char *address,
		      struct form_value v[FF__COUNT], struct arena *arena, long long *id_out)
{
	struct audit_json after = AUDIT_JSON_INIT;
	const char *text[FF__COUNT];
	char base[48], key[64];
	unsigned long long id = 0;
	ierr e;

	(void)arena;
	if ((e = catalog_field_key(v[FF_LABEL].s, base, sizeof(base))))
		return e;
	/* the first free key: po_number, po_number_2, ... */
	for (int n = 1;; n++) {
		struct db_res r = { 0 };
		long long used;

		if (n == 1)
			e = str_copy(key, sizeof(key), base);
		else if ((size_t)snprintf(key, sizeof(key), "%s_%d", base, n) >= sizeof(key))
			e = IE_INTERNAL;
		if (e)
			return e;
		e = db_query_row(db, &r, "SELECT COUNT(*) FROM custom_field_defs WHERE field_key = ?", DB_ARGS(DB_S(key)));
		used = db_int(&r, 0);
		db_free(&r);
		if (e)
			return e;
		if (!used)
			break;
		if (n > 1000)
			return IE_CONFLICT;
	}
	field_texts(v, text);
	if ((e = db_exec(db, "INSERT INTO custom_field_defs (field_key, label, field_type, visible_to_customer, "
			 "print_on_pdf, position) VALUES (?, ?, ?, ?, ?, ?)",
			 DB_ARGS(DB_S(key), DB_S(text[FF_LABEL]), DB_S(text[FF_TYPE]), DB_I(v[FF_VISIBLE].i),
				 DB_I(v[FF_PRINT].i), DB_I(v[FF_POSITION].i)), NULL, &id)))
		goto out;
	if ((e = audit_json_str(&after, "field_key", key)) || (e = record_json(&after, field_def_form, FF__COUNT, text, 1)))
		goto out;
	e = audit_event(db, user, address, "custom_field", (long long)id, "create", NULL, after.b.data);
	*id_out = (long long)id;
out:
	audit_json_free(&after);
	return e;
}

static ierr field_write(struct db *db, void *ctx, const char *const *text, unsigned long long *n)
{
	const struct cat_write *w = ctx;
	const struct form_value *v = w->v;

	return db_exec(db, "UPDATE custom_field_defs SET label = ?, field_type = ?, visible_to_customer = ?, "
		       "print_on_pdf = ?, position = ?, row_version = row_version + 1 WHERE id = ? AND row_version = ?",
		       DB_ARGS(DB_S(text[FF_LABEL]), DB_S(text[FF_TYPE]), DB_I(v[FF_VISIBLE].i), DB_I(v[FF_PRINT].i),
			       DB_I(v[FF_POSITION].i), DB_I(w->id), DB_I(w->version)), n, NULL);
}

ierr field_def_update(struct db *db, const struct auth_user *user, const char *address, long long id,
		      long long row_version, struct form_value v[FF__COUNT], struct arena *arena)
{
	struct catalog_row cur;
	const char *text[FF__COUNT];
	struct cat_write w = { v, text, id, row_version };
	const struct record_update u = { "custom_field", field_def_form, FF__COUNT, id, row_version, v, FF_TYPE,
					 "cannot change: invoices hold values of this field", NULL, field_write, &w };
	ierr e = field_def_get(db, arena, id, 1, &cur);

	if (e)
		return e;
	field_texts(v, text);
	return record_update(db, user, address, &u, &(const struct record_row){ cur.row_version, cur.in_use, cur.text },
			     text);
}

ierr field_def_set_active(struct db *db, const struct auth_user *user, const char *address, long long id, int active)
{
	return record_set_active(db, user, address, RECORD_FIELDS, "custom_field", id, active);
}

ierr field_def_list(struct db *db, int which, ierr (*fn)(void *ctx, const struct db_res *r), void *ctx)
{
	struct db_res r = { 0 };
	ierr e = db_query(db, &r, "SELECT id, label, field_type, visible_to_customer, print_on_pdf, position, active, "
			  "field_key FROM custom_field_defs WHERE (? = 2 OR active = 1 - ?) ORDER BY position, id LIMIT 1000",
			  DB_ARGS(DB_I(which), DB_I(which)));

	if (!e)
		e = db_each(&r, fn, ctx);
	db_free(&r);
	return e;
}
