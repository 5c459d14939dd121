/*
 * einvoice.h — EN 16931 e-invoices of issued invoices and credit notes:
 * UBL 2.1 (Peppol BIS Billing 3.0 customization) and UN/CEFACT CII D16B
 * (the EN 16931 guideline), written from what invoice_load() loads plus the
 * few fields only e-invoices need (einv_load).
 *
 *   einv_load    invoice_load (the document as the customer gets it) + the
 *                seller (seller_snapshot, else config Seller.*), the buyer's
 *                electronic address, the VATEX codes of the VAT breakdown and
 *                the purchase order custom field (po_number)
 *   einv_write   the XML of one syntax, into a buffer; pure (no DB): the
 *                bench and the unit tests call it on documents built in memory
 *   einv_check   the fatal EN 16931 rules the model can break (seller VAT id
 *                for taxed categories, buyer country, category/rate pairs,
 *                ...), naming the rule and the field to fix; issue runs it
 *                (einv_issue_check) before a number is taken
 *
 * Amounts are the stored ones (money.h rounding, DESIGN.md): line nets sum to
 * the document net, the VAT breakdown's nets and taxes to the totals, so
 * BR-CO-10..15 hold exactly. No floating point: amounts are minor units,
 * quantities and prices 6-decimal fixed point, rates 4 decimals of a percent.
 * Every text goes through one escaper (einv_esc).
 *
 * Config keys read (besides Seller.Name Seller.Address Seller.TaxId
 * Seller.IBAN Seller.BIC Seller.Email, see invoice.h):
 *   Seller.LegalName  BT-27 (default Seller.Name)
 *   Seller.Street Seller.City Seller.PostCode   BT-35 BT-37 BT-38 (no street:
 *                     Seller.Address is written as the street line)
 *   Seller.Country    BT-40, ISO 3166-1 alpha-2 (default DE, as cli/demo.c)
 *   Seller.CompanyID  BT-30 legal registration (e.g. "HRB 12345")
 *   Seller.EndpointID Seller.EndpointScheme     BT-34 with its EAS scheme
 *   Seller.ContactName BT-41, with Seller.Phone (BT-42) and Seller.Email (BT-43):
 *                     Peppol's German rules (DE-R-002..007) want the contact
 */
#ifndef INVOICE_EINVOICE_H
#define INVOICE_EINVOICE_H

#include <stddef.h>
#include <stdint.h>
#include "buf.h"
#include "invoice.h"
#include "money.h"

struct db;
struct config;

/* EINV_UBL: Peppol BIS Billing 3.0; EINV_XRECHNUNG: the same UBL under the
 * German CIUS XRechnung 3.0 (its CustomizationID; BT-10 the Leitweg-ID). */
enum einv_syntax { EINV_UBL, EINV_CII, EINV_XRECHNUNG };
#define EINV_SYNTAXES 3

struct einv_party {
	const char *name, *legal_name, *street, *address_line2, *city, *post_code, *region, *country,
		   *vat_id, *company_id, *endpoint_id, *endpoint_scheme, *email, *contact, *phone;
};

struct einv_doc {
	const struct invoice *inv;
	struct einv_party seller, buyer;
	const char *iban, *bic;
	const char *order_reference;       /* BT-13 ("" none): the po_number custom field */
	const char **tax_exemption_code;   /* per inv->taxes: VATEX code or "" (NULL: none at all) */
	enum einv_syntax customer_syntax;  /* the customer's default (einv_load) */
};

/* One broken rule: its id ("BR-S-02") and the sentence for people, naming
 * the rule and the field to fix ("EN 16931 rule BR-S-02: the seller's VAT
 * identifier is missing (config Seller.TaxId): ..."); both static. */
struct einv_problem {
	const char *rule;
	const char *message;
};

/* The e-invoice of one issued invoice or credit note within scope: drafts
 * are IE_NOTFOUND for customers (scope) and IE_CONFLICT for staff, and so is
 * a cancelled (void) invoice for everyone (an e-invoice of it would read as
 * payable); p->rule "" and p->message saying why. A document that would
 * break a fatal EN 16931 rule (einv_check: issued before issue checked
 * them, or a 3-decimal currency's fils) is IE_CONFLICT too, with the rule in
 * *p. Strings live in `a`. */
ierr einv_load(struct db *db, struct arena *a, const struct config *cfg, const struct auth_scope *scope,
	       long long id, time_t now, struct einv_doc *d, struct einv_problem *p);

/* The XML (UTF-8, with declaration) appended to out. IE_INVALID when the
 * document lacks what the syntax cannot do without (no lines). */
ierr einv_write(const struct einv_doc *d, enum einv_syntax syntax, struct buf *out);

/* The file name suffix of a syntax: ".xml", ".cii.xml", ".xrechnung.xml". */
const char *einv_suffix(enum einv_syntax syntax);
/* A customer's setting (customers.einvoice_syntax: "peppol", "cii",
 * "xrechnung") as a syntax; IE_INVALID for anything else. */
ierr einv_syntax_of(const char *name, enum einv_syntax *out);
/* The syntax a customer's documents default to (sql/0025). */
ierr einv_customer_syntax(struct db *db, long long customer_id, enum einv_syntax *out);

/* The first fatal EN 16931 rule the document breaks (IE_CONFLICT, *p set),
 * or IE_OK. EINV_ANY_DECIMALS leaves out the BR-DEC rules (amounts with
 * a third decimal, which only 3-decimal currencies such as KWD have): such
 * an invoice is a good invoice, it just cannot be an EN 16931 e-invoice, so
 * issue lets it pass and the e-invoice routes refuse it. */
#define EINV_ANY_DECIMALS 1u
/* EINV_PEPPOL adds what Peppol BIS 3.0 wants beyond EN 16931 of every
 * Peppol document (UBL route): both electronic addresses (PEPPOL-EN16931-R020
 * seller, R010 buyer). */
#define EINV_PEPPOL 2u
ierr einv_check(const struct einv_doc *d, unsigned flags, struct einv_problem *p);

/* The same check (but EINV_ANY_DECIMALS) for a draft about to be issued, read in the issuing
 * transaction: the draft's lines and VAT breakdown, the customer row (what
 * the buyer snapshot will freeze) and the seller from seller_json (the
 * snapshot the issue writes; keys as admin_invoices.c's seller_json).
 * IE_CONFLICT with *p set when issuing would break a fatal rule. */
ierr einv_issue_check(struct db *db, long long id, const char *seller_json, struct einv_problem *p);

/* The ids of every issued invoice and credit note (not drafts, not void), ascending,
 * for `invoicectl export-xml --all`; *ids in `a`. */
ierr einv_issued_ids(struct db *db, struct arena *a, long long **ids, size_t *n);

/* ---- the pure parts, exposed for the unit tests ---- */

/* Appends s (n bytes, valid UTF-8) escaped for XML text and attribute
 * values: & < > " ' as entities; characters XML 1.0 does not allow (C0
 * controls other than tab, LF, CR) are dropped. */
ierr einv_esc(struct buf *out, const char *s, size_t n);
/* An amount of `exponent` minor digits as EN 16931 writes it: a point and
 * two decimals (none for exponent 0); a third decimal only when it is not
 * zero (BR-DEC allows two: einv_check refuses those). "12.30", "1.25" for
 * 1250 KWD fils, "1.255", "-0.05", "1200" for JPY. */
ierr einv_amount(money_t v, int exponent, char *out, size_t outsz);
/* A 6-decimal fixed-point value (quantity, unit price) without trailing
 * zeros: "3", "1.5", "0.0045", "-2.5". */
ierr einv_decimal6(int64_t v, char *out, size_t outsz);
/* A tax rate (4 decimals of a percent) without trailing zeros: "19", "7.7", "0". */
ierr einv_percent(int64_t rate, char *out, size_t outsz);
/* "YYYY-MM-DD" -> "YYYYMMDD" (CII format 102); IE_INVALID otherwise. */
ierr einv_date102(const char *date, char out[9]);

/* VAT category rules of EN 16931 for one category code (S Z E AE K G O L M):
 * NULL for an unknown code. */
struct einv_category {
	const char *code;
	int rated;            /* 1: the rate is > 0 (S, L, M); 0: the rate is 0 */
	int percent;          /* 1: the rate is written (all but O) */
	int exempt;           /* 1: the breakdown carries an exemption reason (E AE K G O) */
	int seller_vat;       /* 1: the seller's VAT id is required (all but O); O forbids it */
	int buyer_vat;        /* 1: the buyer's VAT id is required (AE, K) */
	const char *vatex;    /* default VATEX code when exempt ("" none) */
	const char *reason;   /* default exemption text when exempt */
	const char *rule;     /* the rule group: "BR-S", "BR-AE", "BR-IC", ... */
};
const struct einv_category *einv_category(const char *code);
/* The exemption code and text written for a breakdown of category cat: the
 * stored ones, else the category's defaults; both "" where the category has
 * none (S, Z: an exemption reason there breaks BR-S-10 / BR-Z-10). */
void einv_exemption(const struct einv_category *cat, const char *code, const char *reason,
		    const char **code_out, const char **reason_out);
/* UNTDID 4461 payment means code as stored ("58", "30", "49", "48"); codes
 * outside the list read as "30"; *account: 1 when the seller's account
 * (BT-84) is written (credit transfers). */
const char *einv_means(const char *stored, int *account);

#endif
