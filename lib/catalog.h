/*
 * catalog.h — the catalogue of packages and the custom field definitions, as
 * the admin pages keep them: each with its form table (form.h), its rules
 * across fields, create / update (row version) / archive / restore, each
 * audited in the caller's transaction (a once_run callback, once.h), and a list.
 *
 * Both kinds share struct catalog_row: text[i] is field i of the entity's form
 * table as the edit form shows it (decimals as stored: "0.004500", "19.0000").
 *
 * Packages (entity "package"): unit price and default quantity are 6-decimal
 * fixed point, the tax rate percent with 4 decimals (money.h); the VAT
 * category decides the rate (EN 16931): S (standard) needs a rate above 0,
 * Z E AE K G O need 0. Name and currency are unique together.
 * Pickers (the invoice editor) offer only active packages of the customer's
 * currency: SELECT ... FROM packages WHERE currency = ? AND active = 1.
 *
 * Custom field definitions (entity "custom_field"): label, type text / date /
 * number, visible to the customer, printed on the PDF, position. The stable
 * field_key is made from the label at creation (catalog_field_key) and never
 * changes; the type cannot change once invoices hold values of the field.
 * Columns: see sql/0015_admin_master_data.sql.
 */
#ifndef INVOICE_CATALOG_H
#define INVOICE_CATALOG_H

#include <stddef.h>
#include "err.h"
#include "form.h"

struct db;
struct db_res;
struct arena;
struct auth_user;

enum package_field {
	PF_NAME, PF_DESCRIPTION, PF_KIND, PF_CURRENCY, PF_UNIT_PRICE, PF_UNIT_CODE, PF_DEFAULT_QTY,
	PF_TAX_RATE, PF_VAT_CATEGORY, PF_TAX_DESCRIPTION, PF__COUNT
};
extern const struct form_field package_form[PF__COUNT];

enum field_def_field { FF_LABEL, FF_TYPE, FF_VISIBLE, FF_PRINT, FF_POSITION, FF__COUNT };
extern const struct form_field field_def_form[FF__COUNT];

#define CATALOG_MAX_FIELDS 16

struct catalog_row {
	long long id;
	int active;
	long long row_version;
	int in_use;                       /* packages: on invoice lines; fields: values on invoices */
	const char *key;                  /* custom fields: field_key */
	const char *text[CATALOG_MAX_FIELDS];
};

/* Rules across fields after form_parse (currency upper-cased and known;
 * VAT category vs rate); messages on the fields, IE_INVALID when one fails. */
ierr package_check(struct form_value v[PF__COUNT], struct arena *arena);
/* The EN 16931 rule alone: 1 when `rate` (x 10,000 per percent) suits `category`. */
int package_rate_fits(const char *category, long long rate);
/* Defaults of a new package's form. */
void package_defaults(struct form_value v[PF__COUNT]);

ierr package_get(struct db *db, struct arena *arena, long long id, int lock, struct catalog_row *out);
/* IE_INVALID with a message on the name when name + currency exist already. */
ierr package_create(struct db *db, const struct auth_user *user, const char *address,
		    struct form_value v[PF__COUNT], struct arena *arena, long long *id_out);
/* IE_CONFLICT when the row moved past row_version (nothing written), IE_NOTFOUND. */
ierr package_update(struct db *db, const struct auth_user *user, const char *address, long long id,
		    long long row_version, struct form_value v[PF__COUNT], struct arena *arena);
ierr package_set_active(struct db *db, const struct auth_user *user, const char *address, long long id,
			int active);
/* which: 0 active, 1 archived, 2 all; ordered by name, currency, id. Columns:
 * 0 id, 1 name, 2 currency, 3 unit_price, 4 unit_code, 5 tax_rate, 6 vat_category, 7 active, 8 kind */
ierr package_list(struct db *db, int which, ierr (*fn)(void *ctx, const struct db_res *r), void *ctx);

/* Makes a key from a label: lower-case ASCII letters and digits, runs of
 * anything else as one '_', at most 40 bytes, "field" when nothing is left
 * ("PO number" -> "po_number", "Kostenstelle (Nr.)" -> "kostenstelle_nr"). */
ierr catalog_field_key(const char *label, char *out, size_t outsz);
void field_def_defaults(struct form_value v[FF__COUNT]);
ierr field_def_get(struct db *db, struct arena *arena, long long id, int lock, struct catalog_row *out);
ierr field_def_create(struct db *db, const struct auth_user *user, const char *address,
		      struct form_value v[FF__COUNT], struct arena *arena, long long *id_out);
/* IE_INVALID with a message on the type when values exist and the type changes. */
ierr field_def_update(struct db *db, const struct auth_user *user, const char *address, long long id,
		      long long row_version, struct form_value v[FF__COUNT], struct arena *arena);
ierr field_def_set_active(struct db *db, const struct auth_user *user, const char *address, long long id,
			  int active);
/* Ordered by position, id. Columns: 0 id, 1 label, 2 field_type, 3 visible_to_customer,
 * 4 print_on_pdf, 5 position, 6 active, 7 field_key */
ierr field_def_list(struct db *db, int which, ierr (*fn)(void *ctx, const struct db_res *r), void *ctx);

#endif
