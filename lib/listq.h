/*
 * listq.h — the invoice list's query: typed parameters in, SQL + bound
 * values out. Shared by the HTML list and its exports.
 *
 * Parameters (DESIGN.md, URL contract): q, status (repeatable: draft due
 * partial overdue paid void), customer, currency, from/to with
 * date=invoice|due|period, min/max (total), sort, dir, page, per_page (10..500),
 * cols. listq_parse() refuses anything else that is malformed with
 * IE_INVALID and req->error_param naming the parameter; nothing the user sent
 * ever reaches SQL text: columns and sort keys come from the table in
 * listq.c, values are bound.
 *
 * Form input and hand-made URLs: the list's own forms carry a hidden
 * `f=1`. With it, listq_parse forgives what people type and never fails on
 * a field: amounts as money_parse_loose reads them ("100,50", "1,234.50"),
 * a currency in any case ("eur"), from/to in either order (swapped; so are
 * min/max), and a value that is still wrong is left out of the filter and
 * listed in lq->errs (parameter, message, what was typed) for the page to
 * show beside its field, every other filter kept. Without f=1 (a link or a
 * URL typed by hand) a malformed value is a 400 naming the parameter, as
 * before; the forgiving readings (case, separators, order) apply there too.
 * `customer_name` (the staff form's name field) is kept in lq->customer_name
 * for the page to resolve against the customers table.
 *
 * Scope (auth_scope) is always part of the WHERE clause, built in one place
 * (listq_scope_sql) so view, PDF and list share it.
 */
#ifndef INVOICE_LISTQ_H
#define INVOICE_LISTQ_H

#include <stddef.h>
#include "auth.h"
#include "buf.h"
#include "db.h"
#include "money.h"

struct req;

enum listq_col {
	COL_NUMBER, COL_CUSTOMER, COL_DATE, COL_PERIOD, COL_DUE, COL_TOTAL,
	COL_PAID, COL_BALANCE, COL_PAID_STATE, COL_STATUS, COL__COUNT
};

enum listq_datefield { DATE_INVOICE, DATE_DUE, DATE_PERIOD };

/* Bits of listq.status: shown statuses (invoice.h enum inv_shown). */
#define LISTQ_STATUS_BIT(s) (1u << (s))

/* A word search: at most this many keywords, each a LIKE pattern this long. */
#define LISTQ_MAX_WORDS 4
#define LISTQ_WORD_PAT 132   /* 32 characters of up to 4 bytes, '%' */
/* A word search lists at most this many customers matched by name (listq_search_plan). */
#define LISTQ_NAME_IDS 1000
#define LISTQ_NAMES_SIZE (LISTQ_NAME_IDS * 21 + 3)

/* One field the list's form sent that could not be used (see f=1 above). */
#define LISTQ_MAX_ERRS 8
struct listq_err {
	const char *param;            /* "min" */
	const char *msg;              /* "Use an amount such as 1250.00 or 1.250,00." */
	const char *value;            /* what was typed (request storage) */
};

struct listq {
	char q[401];                  /* trimmed search text (<= 100 characters), "" for none */
	int form;                     /* f=1: sent by the list's own form */
	struct listq_err errs[LISTQ_MAX_ERRS];
	size_t nerrs;
	char customer_name[201];      /* customer_name=, trimmed (<= 100 characters), "" for none */
	unsigned status;              /* 0: every status */
	long long customer;           /* 0: any */
	char currency[4];             /* "" : any */
	enum listq_datefield date;
	char from[11], to[11];        /* "" when unset */
	char min[24], max[24];        /* validated decimal text, "" when unset */
	enum listq_col sort;
	int desc;
	long long page, per_page;
	enum listq_col cols[COL__COUNT];
	size_t ncols;
	int cols_given;               /* cols= was in the URL */
	long long count_cap;          /* count at most this many rows when not summable (List.CountCap) */
	long long deep_offset;        /* deep pages start at this row offset (List.DeepOffset) */
	int q_number;                 /* q looks like an invoice number: search numbers only */
	int q_scan;                   /* a word search with many matches (listq_search_plan) */
	int q_common;                 /* ... and its rarest keyword alone has many */
	int q_numbers_many;           /* ... and so has the number prefix ("INV") */
	int q_dense;                  /* the rarest keyword is common and in 1 of LISTQ_SEARCH_DENSE invoices or more */
	size_t q_rarest;              /* which keyword is the rarest (it drives the search) */
	unsigned q_exact;             /* bit k: keyword k's prefix has one term only, q_term[k] */
	char q_term[LISTQ_MAX_WORDS][LISTQ_WORD_PAT];
	/* the customers whose name matches q, as a JSON array of ids in the
	 * caller's storage (listq_search_plan), when at most LISTQ_NAME_IDS do;
	 * NULL: the name is matched in each statement */
	const char *q_names;
	char num_prefix[2][17];       /* the invoice and credit note prefixes (config), for a bare number */
	int q_token_only;             /* ... and is a term: its words are not searched apart */
	int q_token_many;             /* the whole search text as a term prefix matches more than
	                               * LISTQ_SEARCH_NUMBERS times the scan threshold: probed per row */
	long long search_scan;        /* "many" (List.SearchScan) */
	long long search_count_cap;   /* a word search counts up to this (List.SearchCountCap) */
	long long search_names;       /* lists at most this many customers by name (List.SearchNames) */
	long long name_seek_from;     /* see LISTQ_NAME_SEEK_FROM (List.NameSeekFrom) */
};

/* Search text folded as the stored terms and names are (sql/0013,
 * invoice_fold): ł→l ø→o ß/ẞ→ss æ→ae đ/ð→d œ→oe þ→th ı→i ħ→h, either case;
 * the collation folds the rest. `out` needs strlen(in) + 1 bytes (folding
 * never lengthens UTF-8 text); the result is cut at a character. */
void listq_fold(const char *in, char *out, size_t outsz);
/* 1 when q is a bare invoice sequence number ("547", "000547"): 1-6 digits.
 * Such a search matches PREFIX-YYYY-NNNNNN for every series and year, and
 * custom-field terms starting with the digits; not customers' names or
 * emails (listq_search_plan lists none). */
int listq_bare_number(const char *q);

struct listq_colinfo {
	const char *key;              /* "number" */
	const char *label;            /* "Number" */
	int numeric;                  /* right-aligned money/number */
};

const struct listq_colinfo *listq_column(enum listq_col c);
/* Parses a comma-separated column list; IE_INVALID on an unknown or repeated key. */
ierr listq_parse_cols(const char *s, enum listq_col *cols, size_t *n);
/* The default view: newest first, 50 a page, the default columns. */
void listq_defaults(struct listq *lq);
/* Reads and validates the list parameters of the request. */
ierr listq_parse(struct req *req, struct listq *lq);

#define LISTQ_MAX_ARGS 48
/* A seek key (a date or an amount) as text, and the amount above any. */
#define LISTQ_KEY 804   /* a customer name: 200 characters of up to 4 bytes */
#define LISTQ_AMOUNT_MAX "99999999999999999999.999"
/* Pages by customer nearer than this (lq->name_seek_from) to either end of
 * the list use OFFSET from that end rather than the counts per name (a walk
 * of thousands, about as long as an OFFSET of 50,000). */
#define LISTQ_NAME_SEEK_FROM 50000
/* A seek that leaves more rows than this to skip gives way to OFFSET. */
#define LISTQ_SEEK_SKIP_MAX 50000
/* More matches than this (lq->search_scan, for the first 50 rows; more for
 * deeper or longer pages, see listq_search_plan): rows in sort order, tested
 * one by one. */
#define LISTQ_SEARCH_SCAN 2000
/* A keyword with more matches than that, which one invoice in
 * LISTQ_SEARCH_COMMON has (or more), is tested on each row walked rather than
 * read into a set first (so is a number prefix with LISTQ_SEARCH_NUMBERS
 * times more matches: numbers are not in id order); one in
 * LISTQ_SEARCH_DENSE is counted by probing the filter's invoices for it,
 * rather than from its own. */
#define LISTQ_SEARCH_COMMON 50
#define LISTQ_SEARCH_NUMBERS 5
#define LISTQ_SEARCH_DENSE 10
/* A word search counts exactly up to this many invoices (lq->search_count_cap). */
#define LISTQ_SEARCH_COUNT_CAP 500

struct memo;

/* How a deep page finds its place: by the monthly then daily counts, by
 * amount buckets (sql/0005), or by the counts per customer name (0010). */
enum listq_seek { SEEK_DATES, SEEK_AMOUNTS, SEEK_NAMES };

struct listq_sql {
	struct buf join;              /* " JOIN (...) sq ON sq.id = i.id" for a search, its values first */
	struct buf where;             /* " WHERE ..." with ? placeholders */
	struct buf sumwhere;          /* the same over invoice_day_totals, when summable */
	int summable;                 /* totals come from invoice_day_totals */
	struct buf rows;              /* the page's SELECT */
	struct buf rows_rev;          /* deep pages: the same read from the end */
	/* deep pages by invoice or due date over the sums tables' filters: the
	 * page's first day from the monthly and daily counts, then a short OFFSET */
	struct buf seek_coarse, seek_fine, rows_seek;
	enum listq_seek seek_mode;    /* amounts and names: seek_coarse alone */
	struct db_arg sargs[2];       /* amounts: the column's name; then the currency, when filtered */
	size_t nsargs;
	char seek_lo[11], seek_hi[11];
	char seek_from[LISTQ_KEY], seek_to[LISTQ_KEY];   /* the rows query's bounds */
	int seek_pairs;               /* amounts by currency first: the bounds are "EUR1200.000" keys */
	char seek_cur_from[4], seek_cur_to[4];            /* their currencies, bound apart */
	struct buf totals;            /* per-currency count and sums */
	struct db_arg args[LISTQ_MAX_ARGS];
	size_t nargs;                 /* for where; rows adds LIMIT/OFFSET */
	struct db_arg targs[LISTQ_MAX_ARGS * 2];
	size_t ntargs;                /* the totals statement's own, when summable */
	char cm[11], nm[11], lo[11], hi[11];   /* month bounds the bound args point into */
	char prefix_q[810], like_q[810];  /* storage the bound args point into */
	char word_q[LISTQ_MAX_WORDS][LISTQ_WORD_PAT];
	char token_q[LISTQ_WORD_PAT];   /* the whole search text as a term prefix; "" when not searched */
	char digits_q[8];             /* a bare number, 0-padded to 6 digits; "" when not one */
	const char *num_prefix[2];
	int word_exact[LISTQ_MAX_WORDS];   /* word_q[k] is a whole term (lq->q_exact) */
	const char *names_q;          /* lq->q_names */
	const char *hint;             /* " FORCE INDEX (...)" for the page's ids, or NULL */
	size_t nwords;
	int search_count;             /* a word search: its count statement has its own values (targs) */
	int common_words;             /* its keywords are common: the scan probes each row for them */
	int dense_words;              /* ... and dense: the count probes the filter's invoices for them */
	int one_customer;             /* filtered to one customer: so does it, there are few */
	int currency_first;           /* listq_currency_first */
	char today[11];               /* the configured zone's date: the sums tables' "today" */
	char earliest[11], latest[11];   /* the dates in UTC-12 and UTC+14: see inv_status_sql */
	const char *zones;            /* JSON map zone -> date (inv_zones), the caller's storage */
	long long cap;
	long long version;            /* invoice_totals_version as listq_rows read it; 0: unknown */
	long long known_count;        /* the exact count once listq_totals ran; -1: unknown or capped */
};

/* The scope clause (everything, or one customer without drafts), appended to
 * s->where with its values; the only place scope becomes SQL. */
ierr listq_scope_sql(struct listq_sql *s, const struct auth_scope *scope);

/* Builds both statements. `today` is "YYYY-MM-DD" (derived statuses), the
 * same date for every customer. */
ierr listq_build(const struct listq *lq, const struct auth_scope *scope, const char *today,
		 struct listq_sql *out);
/* The same with each customer's own date (DESIGN.md: "overdue" in the
 * customer's time zone): z from inv_zones_load, which must outlive out.
 * Status conditions (status=) come from the one rule in invoice.c
 * (inv_status_sql); an issued credit note matches no status= value (its
 * label, Credit note, has no URL value), drafts and cancelled ones match
 * draft and void. The sums tables decide the date-derived statuses by the
 * configured zone's date (z->today; they have no customer), and tell credit
 * notes apart once they carry the kind (INV_TOTALS_KIND). */
struct inv_zones;
ierr listq_build_zones(const struct listq *lq, const struct auth_scope *scope, const struct inv_zones *z,
		       struct listq_sql *out);
void listq_sql_free(struct listq_sql *s);

/* One row of the page, as read by listq_fetch. */
struct listq_row {
	long long id;
	const char *number;           /* NULL for drafts */
	long long customer_id;
	const char *customer;
	const char *invoice_date, *period_start, *period_end, *due_date;
	const char *currency;
	money_t total, paid, balance; /* signed: a credit note's are negative (listq_sign) */
	const char *status;           /* stored */
	const char *kind;
	const char *time_zone;        /* the customer's: its date derives the shown status */
};

/*
 * List figures (DESIGN.md "List figures"): the one rule for every sum of
 * invoices per currency (this list, its exports, the dashboard, the portal).
 *
 * A credit note (kind 'credit') is stored like an invoice: positive amounts,
 * status open or paid, its paid_amount the part of it allocated to invoices.
 * An invoice's paid_amount counts every allocation to it, payments and
 * credit notes alike. Every figure of a credit note counts NEGATIVE
 * (listq_sign): it lists with a negative total, paid and balance, and adds
 * to the sums that way. Per document, by stored status:
 *
 *   open, paid (issued; shown Due, Partly paid, Overdue, Paid, Credit note):
 *     issued  += 1
 *     billed  += sign * total            invoices' totals minus credit notes'
 *     paid    += sign * paid_amount      allocations to invoices, minus the
 *                                        credit notes' allocated part
 *     balance += sign * (total - paid_amount)
 *   draft:  drafts += 1, drafts_total += sign * total   (never billed or owed)
 *   void:   voids  += 1, voids_total  += sign * total   (never billed or owed)
 *
 * So the credit is subtracted once: a credit note of 50 allocated to an
 * invoice of 200 (paid_amount 50 + 150 paid in money) sums to billed 150,
 * paid 150 (the money: +200 allocated, -50 of the credit note's), balance 0.
 * Balance = billed - paid on every row and every sum; it is the invoices'
 * open balances minus the credit not yet allocated (DESIGN's "billed - paid
 * - credited" with billed before credit notes, paid all allocations and
 * credited what credit notes have not allocated yet). A filter that holds
 * an invoice but not its credit note (a date range) shows the invoice as
 * paid by the credit.
 *
 * listq_sum_add applies the rule to one group of documents of the same
 * status and kind (n of them, stored amounts summed); every path that sums
 * (the trigger-kept tables, the counted filters, a search's count) reads
 * groups by currency, status and kind and calls it.
 */
struct listq_sum {
	char currency[4];
	long long count;              /* every document summed, drafts and void ones too */
	long long issued;             /* issued invoices and credit notes */
	money_t billed, paid, balance;
	long long drafts, voids;
	money_t drafts_total, voids_total;
};

/* -1 for a credit note ("credit"), else 1. */
int listq_sign(const char *kind);
/* Adds n documents of one stored status and kind, with their stored
 * (unsigned) total, paid amount and balance summed, to sum; IE_INVALID on an
 * unknown status, IE_OVERFLOW past the range of money_t. */
ierr listq_sum_add(struct listq_sum *sum, const char *status, const char *kind, long long n,
		   money_t total, money_t paid, money_t balance);

#define LISTQ_MAX_CURRENCIES 64

/* Filters the per-day totals cannot answer are counted up to lq->count_cap
 * rows (default LISTQ_COUNT_CAP); past it the page says "more than 2000"
 * and shows no sums. */
#define LISTQ_COUNT_CAP 2000

/* From this row offset on (lq->deep_offset), a page's ids come from an
 * index-only subquery, and past the middle the page is read from the end. */
#define LISTQ_DEEP_OFFSET 1000

struct listq_result {
	long long count;              /* all rows matching, every currency */
	int capped;                   /* more than cap rows: count and sums are partial */
	long long cap;                /* the cap that applied (List.CountCap, or List.SearchCountCap) */
	struct listq_sum sums[LISTQ_MAX_CURRENCIES];
	size_t nsums;
};

/* For a word search: lists the customers whose name matches (once, for
 * every statement after), then counts each branch's matches (number, name,
 * each keyword, each up to what the decisions need) and decides:
 *   q_scan: more matches than the scan threshold (lq->search_scan, scaled
 *     for the page): the page is read in sort order and each row tested,
 *     rather than built from all the matches;
 *   q_common, q_numbers_many: the rarest keyword, or the number prefix, has
 *     more than LISTQ_SEARCH_SET times lq->search_scan: tested per row
 *     rather than read into a set;
 *   q_rarest, q_exact/q_term: which keyword drives, and which are one term.
 * The name list is written to `names` (lq points to it: lq and its copies
 * need it while they are used) and kept in memo (may be NULL) under
 * customer_names_version.
 * Call before listq_build; lq must outlive the statements built from it. */
ierr listq_search_plan(struct db *db, struct memo *memo, struct listq *lq, char names[LISTQ_NAMES_SIZE]);

/* 1 when the rows are ordered by currency before the amount lq sorts by:
 * an amount sort (total, paid, balance) without a currency filter, so that
 * 117,948 JPY never ranks above 900 EUR by face value. The currencies come
 * in code order, reversed with the amounts when descending (one index walk:
 * ix_invoices_currency_total, _paid, _balance, sql/0009). Column headers
 * say so ("Sorted by currency, then amount"). */
int listq_currency_first(const struct listq *lq);

/* 1 when lq's page starts at or past its deep offset. */
int listq_deep(const struct listq *lq);

/* Count and sums. Sums from the totals tables are kept in memo (may be NULL)
 * under the statement, its values and s->version, and reused while the
 * version stays: run listq_rows first, which reads the version. */
ierr listq_totals(struct db *db, struct memo *memo, struct listq_sql *s, struct listq_result *out);
/* Runs the page query and calls fn per row (values valid during the call);
 * sets s->version. A deep page (LISTQ_DEEP_OFFSET) past the middle of an
 * exactly counted list is read from the end: call listq_totals first there. */
ierr listq_rows(struct db *db, struct listq_sql *s, const struct listq *lq,
		ierr (*fn)(void *ctx, const struct listq_row *row), void *ctx);

/* path + "?..." reproducing every parameter of lq (defaults left out). */
ierr listq_url(const struct listq *lq, const char *path, struct buf *out);

/* The user's saved column choice (user_prefs LISTQ_COLS_PREF, see
 * auth_pref); a missing or stale one leaves lq's columns alone. */
#define LISTQ_COLS_PREF "invoices.cols"
void listq_saved_cols(const char *saved, struct listq *lq);
ierr listq_save_cols(struct db *db, long long user_id, const enum listq_col *cols, size_t n);

/* The customer picker (staff: the caller checks the role). Customers whose
 * folded name or email contains `text`, by name, at most `max` of them into
 * out; *n is how many matched up to max + 1 (more than max: *n == max + 1).
 * *exact is the index in out of the one customer whose whole name is the
 * text (folded, any case), or -1. */
struct listq_customer {
	long long id;
	char name[801];
};
ierr listq_customers_named(struct db *db, const char *text, struct listq_customer *out, size_t max,
			   size_t *n, int *exact);
/* The list's customer filter by name, for the page (the rule, in one place):
 *   - customers (staff 0) never filter by name: customer_name is dropped, and
 *     `name` gets their own customer's name when lq->customer is theirs;
 *   - staff: a form sends the chosen id with its name; the same name keeps
 *     the id, an emptied field (name_sent, f=1) drops it, another name is
 *     looked up: one customer whose name or email contains it, or whose whole
 *     name it is, becomes lq->customer; several are left in pick (at most
 *     max, *npick up to max + 1) with no customer filter; none adds a
 *     message for customer_name to lq->errs.
 * `name` gets the chosen customer's name ("" when none), for the chip and
 * the heading. */
ierr listq_customer_filter(struct db *db, struct listq *lq, int staff, long long own_customer, int name_sent,
			   char *name, size_t namesz, struct listq_customer *pick, size_t max, size_t *npick);
/* One customer's name; IE_NOTFOUND when there is none. The caller makes
 * sure the user may see it (staff, or their own customer). */
ierr listq_customer_name(struct db *db, long long id, char *out, size_t outsz);

/* The status= key of a shown status ("overdue" for INV_OVERDUE). */
enum inv_shown;
const char *listq_status_key(enum inv_shown s);

#endif
