/*
 * invoice.h — the invoice domain: a loaded invoice (header, lines, tax
 * breakdown, payments, custom fields), shown status, scoping.
 *
 * Everything an invoice_load() allocates comes from the caller's arena.
 * Amounts are minor units of inv->currency (money.h); quantities and unit
 * prices 6-decimal fixed point; tax rates 4 decimals of a percent.
 */
#ifndef INVOICE_INVOICE_H
#define INVOICE_INVOICE_H

#include <stddef.h>
#include <time.h>
#include "auth.h"
#include "buf.h"
#include "money.h"

struct db;
struct config;

/*
 * The scope clause for single-invoice queries (view, PDF, CSV): everything, or
 * one customer without drafts. Used as literal SQL text with its three bound
 * values from INV_SCOPE_ARGS, so scope lives in one place; lib/listq.c builds
 * the same rule for lists (listq_scope_sql).
 */
#define INV_SCOPE_SQL "(? = 0 OR i.customer_id = ?) AND (? = 1 OR i.status <> 'draft')"
#define INV_SCOPE_ARGS(sc) DB_I((sc)->customer_id), DB_I((sc)->customer_id), DB_I((sc)->drafts)

/*
 * Shown status (DESIGN.md, Invoice status and List figures). One rule, one
 * table (inv_status_rules in invoice.c): the C function inv_shown_of() and
 * every SQL form of a status condition (inv_status_sql: the list's rows, the
 * daily and the monthly totals) are derived from it, so they cannot drift.
 *
 *   stored  kind     paid  due date vs today   shown
 *   draft   any      any   any                 Draft
 *   void    any      any   any                 Cancelled
 *   open    credit   any   any                 Credit note
 *   paid    credit   any   any                 Credit note
 *   paid    invoice  any   any                 Paid
 *   open    invoice  any   before today        Overdue (wins over partly paid)
 *   open    invoice  > 0   today or later      Partly paid
 *   open    invoice  0     today or later      Due
 *
 * "today" is the customer's date (customers.time_zone, DST included):
 * inv_today(customer's zone). A credit note is never Paid, Due or Overdue.
 * URL values (status=) stay draft due partial overdue paid void: an issued
 * credit note has no status= value, so a status filter never lists it (only
 * a draft or a cancelled credit note, under draft and void); the unfiltered
 * list shows it with its own label.
 */
enum inv_shown { INV_DRAFT, INV_DUE, INV_PARTIAL, INV_OVERDUE, INV_PAID, INV_CANCEL, INV_CREDIT };
#define INV_SHOWN_COUNT (INV_CREDIT + 1)

struct inv_line {
	int position;
	const char *description;
	int64_t quantity;            /* x 1e6 */
	const char *unit_code;       /* UN/ECE Rec 20, e.g. "C62", "MIN" */
	int64_t unit_price;          /* x 1e6 */
	int64_t tax_rate;            /* x 1e4 per percent: 19% == 190000 */
	const char *vat_category;    /* "S", "Z", "E", "AE", "K", "G", "O" */
	const char *tax_description; /* "VAT 19%" */
	const char *period_start;    /* "YYYY-MM-DD" or "" */
	const char *period_end;
	money_t net, tax, gross;
};

struct inv_tax_total {
	const char *vat_category;
	int64_t rate;
	const char *exemption_reason;
	money_t net, tax;
};

struct inv_payment {
	const char *date;            /* received_on */
	const char *method;
	const char *reference;
	money_t amount;              /* allocated to this invoice */
};

struct inv_field {
	const char *label;
	const char *value;
};

struct inv_party {
	const char *name, *legal_name, *email, *street, *address_line2, *city, *post_code,
		   *region, *country, *vat_id;
};

struct invoice {
	long long id;
	const char *kind;            /* "invoice" | "credit" */
	int type_code;               /* 380 | 381 */
	const char *number;          /* "" for drafts */
	long long customer_id;
	const char *status;          /* stored: draft open paid void */
	enum inv_shown shown;
	const char *time_zone;       /* the customer's (IANA) */
	const char *today;           /* the customer's date "YYYY-MM-DD" the shown status was derived at */
	const char *currency;
	int exponent;
	const char *invoice_date, *due_date, *period_start, *period_end;   /* "" when unset */
	const char *issued_at;       /* "YYYY-MM-DD HH:MM:SS" UTC, "" for drafts */
	const char *voided_at;       /* "" unless void */
	money_t net_total, tax_total, total, paid, balance;
	const char *notes, *payment_means, *buyer_reference;
	const char *credited_number; /* credit notes: the invoice they credit */
	long long credited_id;       /* and its id (0 for invoices) */
	struct inv_party buyer;      /* issued: from buyer_snapshot (see invoice_load) */
	struct inv_line *lines;
	size_t nlines;
	struct inv_tax_total *taxes;
	size_t ntaxes;
	struct inv_payment *payments;
	size_t npayments;
	struct inv_field *fields;    /* custom fields (customers: visible ones only) */
	size_t nfields;
	int link_epoch;
};

/* The seller block, from config (Seller.*). The address parts, legal
 * registration and electronic address serve the e-invoices (einvoice.h). */
struct inv_seller {
	const char *name, *address, *tax_id, *iban, *bic, *email, *phone, *website;
	const char *legal_name, *street, *city, *post_code, *country, *company_id, *endpoint_id,
		   *endpoint_scheme, *contact;
};

/* The one label set (DESIGN.md, List figures): "Draft" "Due" "Partly paid"
 * "Overdue" "Paid" "Cancelled" "Credit note"; "" out of range. */
const char *inv_shown_name(enum inv_shown s);
/* The badge's CSS class suffix (st-<class>): the status= key, "credit" for credit notes. */
const char *inv_shown_class(enum inv_shown s);
/* Derives the shown status from stored status, kind ("invoice"/"credit"),
 * paid amount and due date vs today (the customer's date, "YYYY-MM-DD"). */
enum inv_shown inv_shown_of(const char *status, const char *kind, money_t paid, const char *due_date,
			    const char *today);

/* Which SQL a status condition is written for: the invoices (alias i), the
 * daily totals (t, sql/0002) or the monthly totals (m, due_month). */
enum inv_sql_form { INV_SQL_ROWS, INV_SQL_DAYS, INV_SQL_MONTHS };
/* What each '?' of a condition binds, in order. */
enum inv_sql_arg {
	INV_ARG_MONTH,       /* MONTHS: the first day of the earliest date's month */
	INV_ARG_EARLIEST,    /* ROWS, DAYS: the earliest date anywhere on earth now (UTC-12) */
	INV_ARG_LATEST,      /* ROWS, DAYS: the latest (UTC+14) */
	INV_ARG_ZONES,       /* ROWS, DAYS: JSON {"zone": "YYYY-MM-DD", ...} of the customers' zones */
	INV_ARG_TODAY,       /* ROWS, DAYS: the date in the configured zone (Invoice.TimeZone) */
};
/* 1 once the totals tables carry the kind (i9-sums' sql/0011): their status
 * conditions then tell credit notes from invoices like the rows', and the
 * status filters due, partial, overdue and paid are summed from them again;
 * 0: those filters are counted from the invoices (exact, up to the cap). */
#ifndef INV_TOTALS_KIND
#define INV_TOTALS_KIND 1
#endif
#define INV_SQL_MAX_ARGS 8
/* Appends the condition for shown status s in the given form (parenthesized,
 * literal SQL only) and writes the kinds of its '?' to args (*nargs of them).
 * ROWS decides "before today" per customer: due dates before the earliest
 * date on earth are overdue, from the latest on not, and in between (a day
 * or two) the customer's zone is looked up in the INV_ARG_ZONES map (a zone
 * missing from it reads as INV_ARG_TODAY). DAYS and MONTHS (the totals
 * tables) have no customer: they decide by INV_ARG_TODAY, the configured
 * zone's date (DAYS takes the same values as ROWS, so one list of values
 * serves both), which is exact for the customers in that zone; for the
 * others their sums of a date-derived status differ by the invoices due in
 * the band whose customer's date differs from it. A status that needs the kind (credit notes are never Due,
 * Overdue or Paid) is IE_UNSUPPORTED there until the totals tables carry it
 * (INV_TOTALS_KIND): such a filter is then counted from the invoices. */
ierr inv_status_sql(struct buf *out, enum inv_shown s, enum inv_sql_form form, enum inv_sql_arg *args,
		    size_t *nargs);
/* The stored statuses (bit 0 draft, 1 open, 2 paid, 3 void) a shown status
 * can have: for choosing indexes. */
unsigned inv_shown_stored(enum inv_shown s);
/* 1 when the stored status alone decides s (draft, void): the totals tables,
 * which have no kind and no customer, count it exactly. */
int inv_shown_stored_only(enum inv_shown s);

/* The Paid column (DESIGN.md): "Paid" / "Pending" (partly paid) / "Unpaid"
 * for issued invoices; "—" for drafts, cancelled invoices and credit notes. */
const char *inv_paid_state(const char *status, const char *kind, money_t paid);
/* A payment means (UNTDID 4461 code of invoices.payment_means: "58", "30",
 * "49", "48") or a payments.method ("transfer", "direct_debit", "card",
 * "credit note") as people read it, the same on page and PDF: "SEPA credit
 * transfer", "Credit transfer", "Direct debit", "Card", "Credit note";
 * unknown values are returned as they are. */
const char *inv_payment_label(const char *means_or_method);
/* UN/ECE Rec 20 unit code as people read it ("min", "GB"; "" for pieces). */
const char *inv_unit_label(const char *code);
/* VAT category code (S, Z, E, AE, K, G, O, L, M) in words. */
const char *inv_vat_category_name(const char *code);
/* An IBAN in groups of four for reading: "DE89 3704 0044 0532 0130 00" (NULL: no memory). */
const char *inv_iban_grouped(struct arena *a, const char *iban);
/* Today's date ("YYYY-MM-DD") in time zone tz (IANA name; DST included). */
ierr inv_today(const char *tz, time_t now, char out[11]);

/* Today's date in every customer time zone in use, for the list's status
 * conditions (inv_status_sql, INV_SQL_ROWS) and its rows' badges: one
 * derivation for both. earliest/latest: the dates in UTC-12 and UTC+14;
 * today: in the configured zone (Invoice.TimeZone). */
struct inv_zones {
	char earliest[11], latest[11], today[11];
	size_t n;
	const char **zone, **date;   /* n each, in the arena */
	const char *json;            /* {"Europe/Berlin":"2026-12-03",...} */
};
/* The zones of the customers in scope (every customer, or one); zone: the
 * configured one (Invoice.TimeZone). */
ierr inv_zones_load(struct db *db, struct arena *a, long long customer_id, const char *zone, time_t now,
		    struct inv_zones *z);
/* Builds z from a list of zones (names outside [A-Za-z0-9/_+-] are left out). */
ierr inv_zones_of(struct arena *a, const char *const *zones, size_t n, const char *zone, time_t now,
		  struct inv_zones *z);
/* A zone's date from z; a zone not in z reads as z->today (as in SQL). */
const char *inv_zone_today(const struct inv_zones *z, const char *zone);

/* Loads one invoice within scope (IE_NOTFOUND outside it: another customer's
 * invoice or, for customers, a draft look the same as a missing id).
 * `now` derives the shown status, at the customer's date in the customer's
 * time zone (inv->today). The buyer of an issued invoice comes from its
 * buyer_snapshot (frozen at issue), never from the live customer row; drafts
 * and issued rows without a snapshot (older data) show the customer row.
 * customer_copy (or a
 * customer scope) leaves out the custom fields not visible to the customer;
 * customer_copy also leaves out those not marked print_on_pdf: the document
 * as sent, e.g. a PDF that anyone with access may download.
 * Strings live in `a`. */
ierr invoice_load(struct db *db, struct arena *a, const struct auth_scope *scope, long long id,
		  time_t now, int customer_copy, struct invoice *inv);
/* The seller block from config (Seller.*). */
void invoice_seller(const struct config *cfg, struct inv_seller *s);

/* Stored PDFs: an issued invoice's PDF is rendered once per state (issued,
 * void) and paid amount, kept in invoices.pdf, and served from there. */
struct inv_pdf_state {
	long long id;
	char status[8], number[33], paid[32];      /* current */
	char pdf_state[8], pdf_paid[32], etag[65]; /* what is stored */
	int link_epoch;
	int overdue;                               /* shown Overdue at `now` (customer's date) */
};
/* The state at `now`; with pdf non-NULL also the stored file when it is current. */
ierr invoice_pdf_state(struct db *db, const struct auth_scope *scope, long long id, time_t now,
		       struct inv_pdf_state *st, struct buf *pdf);
/* "issued", "overdue" (its status line says Overdue), "void"; NULL for drafts */
const char *inv_pdf_want(const struct inv_pdf_state *st);
int inv_pdf_fresh(const struct inv_pdf_state *st);          /* the stored PDF is current */
ierr invoice_pdf_fetch(struct db *db, long long id, struct buf *out);
ierr invoice_pdf_store(struct db *db, const struct inv_pdf_state *st, const struct buf *pdf,
		       const char *etag);

/* File copies of stored PDFs, for the web server to send (config PDF.Files,
 * PDF.AccelRedirect; nginx: X-Accel-Redirect to an `internal` location that
 * aliases the directory). One file per rendering, named "<id>-<etag>.pdf": a
 * name never changes content, so a file is either complete and right or
 * absent. invoices.pdf stays the source: a missing file is written again from
 * it on the next download, and losing the directory loses nothing.
 * Drafts never get files. */
/* "<id>-<etag>.pdf"; IE_INVALID unless id > 0 and etag is 1..64 lowercase hex
 * (so the name holds no '/' and no "..", and is safe in a header). */
ierr inv_pdf_file_name(long long id, const char *etag, char *out, size_t outsz);
/* 1 when dir holds the (regular, non-empty) file for id and etag. */
int inv_pdf_file_exists(const char *dir, long long id, const char *etag);
/* Writes the file atomically: a new temporary name (O_CREAT|O_EXCL, mode 0640),
 * all bytes, fsync, rename over the final name. IE_IO on failure (errno set;
 * nothing is left behind). */
ierr inv_pdf_file_write(const char *dir, long long id, const char *etag, const struct buf *pdf);
/* Removes the file for id and etag; IE_OK when it is not there. */
ierr inv_pdf_file_remove(const char *dir, long long id, const char *etag);

/* One audit event (who, when, what, before/after JSON), in the caller's transaction. */
ierr inv_audit(struct db *db, long long user_id, const char *actor, const char *address,
	       const char *entity, long long entity_id, const char *action,
	       const char *before_json, const char *after_json);
/* Revokes every signed link of an invoice (bumps link_epoch), audited, in one transaction. */
ierr invoice_revoke_links(struct db *db, long long id, long long user_id, const char *actor);

#endif
