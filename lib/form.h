/*
 * form.h — declarative forms for the admin pages: one table of fields, parsed
 * from the POST body into typed values with a message per field, and put
 * back into the HDF so the same form is shown again with what was typed.
 *
 * A form is a static table:
 *
 *   static const char *const schedules[] = { "none", "daily", "weekly", "monthly", NULL };
 *   static const struct form_field customer_form[] = {
 *       FORM_FIELD("name",  "Name",  FORM_TEXT,  .required = 1, .maxlen = 200),
 *       FORM_FIELD("email", "Email", FORM_EMAIL, .maxlen = 254),
 *       FORM_FIELD("payment_days", "Payment terms (days)", FORM_INT, .required = 1, .min = 0, .max = 365),
 *       FORM_FIELD("invoice_schedule", "Invoice schedule", FORM_ENUM, .choices = schedules),
 *       FORM_FIELD("notify_issued", "Email when an invoice is issued", FORM_CHECK),
 *   };
 * (FORM_FIELD names every member, so -Wmissing-field-initializers stays quiet.)
 *   #define NF (sizeof(customer_form) / sizeof(customer_form[0]))
 *
 * and a handler does:
 *
 *   struct form_value v[NF];
 *   e = form_parse(req, customer_form, NF, currency, v);   (IE_INVALID: some field is wrong)
 *   if (e == IE_INVALID) {                                  (nothing is written)
 *       form_hdf(req, "Form", customer_form, NF, v);        (typed values + messages)
 *       return form_render(req, 422, "admin_customer_form.cs");
 *   }
 *   ... v[i].i / v[i].s are the typed values ...
 *
 * Types and their typed value (struct form_value):
 *   FORM_TEXT     one line (no control characters), s = trimmed text, len <= maxlen (bytes; default 200)
 *   FORM_AREA     several lines (newlines allowed), s = trimmed text, len <= maxlen (default 2000)
 *   FORM_EMAIL    local@domain without spaces, s (<= 254)
 *   FORM_INT      decimal integer, i, within [min, max] when min < max
 *   FORM_AMOUNT   an amount in the currency passed to form_parse, i in minor units
 *                 ("12.30" EUR -> 1230; "12.345" EUR -> "at most 2 decimals")
 *   FORM_DEC6     6-decimal fixed point (quantities, unit prices), i = value x 1,000,000
 *   FORM_RATE     tax rate in percent with up to 4 decimals, i = percent x 10,000 (money.h),
 *                 0 <= rate < 100
 *   FORM_DATE     YYYY-MM-DD, i = days since 1970-01-01, s = the date text
 *   FORM_ENUM     one of `choices` (NULL-terminated whitelist), i = its index, s = the choice
 *   FORM_CHECK    checkbox: i = 1 when the field is present with value "1", else 0; never an error
 *   FORM_ID       positive integer id (1..2^53), i
 * For FORM_AMOUNT / FORM_DEC6 / FORM_RATE, [min, max] (when min < max) is in
 * the same fixed-point units as i; `nonneg` refuses negatives ("must not be
 * negative"). No floating point anywhere: money.c parses the decimals.
 *
 * An optional field left empty is not present (present = 0, i = 0, s = "").
 * Messages are short English sentences meant to be shown next to the field
 * ("is required", "must be a date YYYY-MM-DD", "at most 6 decimals").
 *
 * HDF written by form_hdf(req, "Form", ...), for templates/form_macros.cs:
 *   Form.<name>.Name / .Label / .Type ("text", "area", "email", "int", "amount",
 *   "dec6", "rate", "date", "enum", "check", "id") / .Value (what was typed, or
 *   what form_set_raw put there) / .Error / .Required / .MaxLen / .Hint
 *   Form.<name>.Choices.N.Value / .Label       (enums; labels from choice_labels or the value)
 *   Form.Errors                                 number of fields with a message
 * Templates call `<?cs call:field(Form.name) ?>` for each field (labels are tied
 * to their inputs, aria-invalid and aria-describedby mark a field's message).
 *
 * Concurrency and double submits ride along in the same form (see once.h):
 * a hidden `once` key and, on edit forms, a hidden `row_version`.
 */
#ifndef INVOICE_FORM_H
#define INVOICE_FORM_H

#include <stddef.h>
#include "err.h"

struct req;

enum form_type {
	FORM_TEXT, FORM_AREA, FORM_EMAIL, FORM_INT, FORM_AMOUNT, FORM_DEC6, FORM_RATE,
	FORM_DATE, FORM_ENUM, FORM_CHECK, FORM_ID
};

struct form_field {
	const char *name;                 /* the input's name, also its HDF key */
	const char *label;
	enum form_type type;
	int required;
	size_t maxlen;                    /* text types, bytes; 0: the type's default */
	long long min, max;               /* numbers, in the typed value's units; checked when min < max */
	int nonneg;                       /* numbers: "must not be negative" */
	const char *const *choices;       /* FORM_ENUM: NULL-terminated whitelist */
	const char *const *choice_labels; /* FORM_ENUM: labels in the same order, or NULL */
	const char *hint;                 /* shown under the input, or NULL */
};

#define FORM_FIELD(n, l, t, ...) { .name = (n), .label = (l), .type = (t), __VA_ARGS__ }

struct form_value {
	int present;                      /* non-empty and valid */
	long long i;                      /* the typed number (see the table above) */
	const char *s;                    /* the trimmed text ("" when absent) */
	size_t len;
	const char *raw;                  /* exactly what was posted, for re-display ("" when absent) */
	const char *error;                /* NULL, or the message for this field */
};

/* Returns the posted value of `name` or NULL (the lookup form_parse_with uses). */
typedef const char *(*form_get_fn)(void *ctx, const char *name);

/*
 * Parses every field of the table from the POST body (never the query
 * string). Returns IE_OK when every field is valid, IE_INVALID when at least
 * one has a message (all fields are still parsed, so every message shows at
 * once), IE_NOMEM. `currency` is the ISO code FORM_AMOUNT fields are in (may
 * be NULL when the table has none). Strings are allocated in req->arena.
 */
ierr form_parse(struct req *req, const struct form_field *f, size_t n, const char *currency,
		struct form_value *out);
/* The same over any lookup (unit tests, other sources); strings in `arena`. */
struct arena;
ierr form_parse_with(form_get_fn get, void *ctx, struct arena *arena, const struct form_field *f,
		     size_t n, const char *currency, struct form_value *out);
/* One value: fills *out (error set on a bad value). Returns IE_NOMEM or IE_OK. */
ierr form_parse_one(const struct form_field *f, const char *raw, const char *currency,
		    struct arena *arena, struct form_value *out);

/* Index of the field named `name` in the table, or -1. */
int form_index(const struct form_field *f, size_t n, const char *name);

/* Sets a field's shown value (edit forms filled from the database, defaults). */
void form_set_raw(struct form_value *v, const char *raw);
/* Marks one field wrong after parsing (a rule across fields, a unique name taken). */
void form_set_error(struct form_value *v, const char *msg);
/* Number of fields with a message. */
size_t form_errors(const struct form_value *v, size_t n);

/* Writes <prefix>.<name>.* for every field (see above). v may be NULL: an empty form. */
ierr form_hdf(struct req *req, const char *prefix, const struct form_field *f, size_t n,
	      const struct form_value *v);

/*
 * Version conflicts: the edit was made on row_version `yours`, the database
 * has moved on. Writes <prefix>.N.Label / .Theirs / .Yours for every field
 * whose current value (theirs[i], text as the edit form shows it; NULL
 * skips the field) differs from what was posted (v[i].raw), so the 409 page
 * can say what changed. Returns the count through *changed when not NULL.
 */
ierr form_conflict_hdf(struct req *req, const char *prefix, const struct form_field *f, size_t n,
		       const struct form_value *v, const char *const *theirs, size_t *changed);

/* Answers with `status` (200, 409, 422) and renders the template. */
ierr form_render(struct req *req, int status, const char *tmpl_name);

#endif
