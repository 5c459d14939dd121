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

/* Shown status (DESIGN.md, Invoice status). */
enum inv_shown { INV_DRAFT, INV_DUE, INV_PARTIAL, INV_OVERDUE, INV_PAID, INV_CANCEL };

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
	const char *currency;
	int exponent;
	const char *invoice_date, *due_date, *period_start, *period_end;   /* "" when unset */
	const char *issued_at;       /* "YYYY-MM-DD HH:MM:SS" UTC, "" for drafts */
	const char *voided_at;       /* "" unless void */
	money_t net_total, tax_total, total, paid, balance;
	const char *notes, *payment_means, *buyer_reference;
	const char *credited_number; /* credit notes: the invoice they credit */
	struct inv_party buyer;
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

/* The seller block, from config (Seller.*). */
struct inv_seller {
	const char *name, *address, *tax_id, *iban, *bic, *email, *phone, *website;
};

const char *inv_shown_name(enum inv_shown s);   /* "DRAFT" "DUE" "PARTIAL" "OVER_DUE" "PAID" "CANCEL" */
/* Derives the shown status from stored status, paid amount and due date vs today. */
enum inv_shown inv_shown_of(const char *status, money_t paid, const char *due_date, const char *today);

/* "Paid" / "Pending" (partially paid) / "Unpaid": the customer's Paid column. */
const char *inv_paid_state(const char *status, money_t paid);
/* UN/ECE Rec 20 unit code as people read it ("min", "GB"; "" for pieces). */
const char *inv_unit_label(const char *code);
/* VAT category code (S, Z, E, AE, K, G, O, L, M) in words. */
const char *inv_vat_category_name(const char *code);
/* An IBAN in groups of four for reading: "DE89 3704 0044 0532 0130 00" (NULL: no memory). */
const char *inv_iban_grouped(struct arena *a, const char *iban);
/* Today's date ("YYYY-MM-DD") in time zone tz (IANA name; DST included). */
ierr inv_today(const char *tz, time_t now, char out[11]);

/* Loads one invoice within scope (IE_NOTFOUND outside it: another customer's
 * invoice or, for customers, a draft look the same as a missing id).
 * `today` ("YYYY-MM-DD") derives the shown status. customer_copy (or a
 * customer scope) leaves out the custom fields not visible to the customer;
 * customer_copy also leaves out those not marked print_on_pdf: the document
 * as sent, e.g. a PDF that anyone with access may download.
 * Strings live in `a`. */
ierr invoice_load(struct db *db, struct arena *a, const struct auth_scope *scope, long long id,
		  const char *today, int customer_copy, struct invoice *inv);
/* The seller block from config (Seller.*). */
void invoice_seller(const struct config *cfg, struct inv_seller *s);

/* Stored PDFs: an issued invoice's PDF is rendered once per state (issued,
 * void) and paid amount, kept in invoices.pdf, and served from there. */
struct inv_pdf_state {
	long long id;
	char status[8], number[33], paid[32];      /* current */
	char pdf_state[8], pdf_paid[32], etag[65]; /* what is stored */
	int link_epoch;
};
/* The state; with pdf non-NULL also the stored file when it is current. */
ierr invoice_pdf_state(struct db *db, const struct auth_scope *scope, long long id,
		       struct inv_pdf_state *st, struct buf *pdf);
const char *inv_pdf_want(const struct inv_pdf_state *st);   /* "issued", "void", NULL for drafts */
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
