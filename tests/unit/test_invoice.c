/*
 * test_invoice.c — unit tests for lib/invoice.c: the shown-status rule (one
 * table: the C function, its labels, the paid state and every SQL form of a
 * status condition), the zones' dates, the payment labels; and the file
 * copies of stored PDFs: names only from a positive id and a hex ETag, atomic
 * writes with the web server's mode, existence and removal.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include "invoice.h"

#define ARRAY_LEN(a) (sizeof(a) / sizeof((a)[0]))
#define ETAG "0123456789abcdef0123456789abcdef"

static void test_file_names(void **state)
{
	static const struct {
		long long id;
		const char *etag, *name;    /* name NULL: refused */
	} cases[] = {
		{ 1, "ab", "1-ab.pdf" },
		{ 42, ETAG, "42-" ETAG ".pdf" },
		{ 0, ETAG, NULL },                 /* ids start at 1 */
		{ -3, ETAG, NULL },
		{ 7, "", NULL },
		{ 7, NULL, NULL },
		{ 7, "ABCDEF", NULL },             /* lower-case hex only */
		{ 7, "../../etc/passwd", NULL },
		{ 7, "ab/cd", NULL },
		{ 7, "ab.pdf", NULL },
		{ 7, "ab\ncd", NULL },
		{ 7, ETAG ETAG "0", NULL },        /* over 64 characters */
	};
	char out[96];
	size_t k;

	(void)state;
	for (k = 0; k < ARRAY_LEN(cases); k++) {
		ierr e = inv_pdf_file_name(cases[k].id, cases[k].etag, out, sizeof(out));

		if (cases[k].name ? e != IE_OK || strcmp(out, cases[k].name) : e != IE_INVALID)
			fail_msg("case %zu (%lld, %s): %s", k, cases[k].id, cases[k].etag ? cases[k].etag : "NULL",
				 ierr_name(e));
	}
	/* a buffer too small is refused, not cut */
	assert_int_equal(inv_pdf_file_name(42, ETAG, out, 10), IE_INVALID);
}

static size_t entries(const char *dir)
{
	DIR *d = opendir(dir);
	struct dirent *de;
	size_t n = 0;

	assert_non_null(d);
	while ((de = readdir(d)))
		n += de->d_name[0] != '.';
	closedir(d);
	return n;
}

static void test_write_exists_remove(void **state)
{
	char dir[] = "/tmp/test_invoice.XXXXXX", path[256];
	struct buf pdf = BUF_INIT, other = BUF_INIT;
	struct stat sb;
	FILE *f;
	char back[64];
	mode_t old;

	(void)state;
	assert_non_null(mkdtemp(dir));
	assert_int_equal(buf_puts(&pdf, "%PDF-1.4 first"), IE_OK);
	assert_int_equal(buf_puts(&other, "%PDF-1.4 second, longer"), IE_OK);
	assert_false(inv_pdf_file_exists(dir, 9, ETAG));
	/* the mode nginx's group needs, whatever the umask */
	old = umask(077);
	assert_int_equal(inv_pdf_file_write(dir, 9, ETAG, &pdf), IE_OK);
	umask(old);
	assert_true(inv_pdf_file_exists(dir, 9, ETAG));
	snprintf(path, sizeof(path), "%s/9-%s.pdf", dir, ETAG);
	assert_int_equal(stat(path, &sb), 0);
	assert_int_equal(sb.st_mode & 0777, 0640);
	/* a second write replaces the whole file and leaves no temporary behind */
	assert_int_equal(inv_pdf_file_write(dir, 9, ETAG, &other), IE_OK);
	f = fopen(path, "rb");
	assert_non_null(f);
	assert_int_equal(fread(back, 1, sizeof(back), f), other.len);
	fclose(f);
	assert_memory_equal(back, other.data, other.len);
	assert_int_equal(entries(dir), 1);
	/* other ids and tags are other files */
	assert_false(inv_pdf_file_exists(dir, 9, "ab"));
	assert_false(inv_pdf_file_exists(dir, 10, ETAG));
	/* refused: a relative directory, a bad tag, nothing to write */
	assert_int_equal(inv_pdf_file_write("tmp", 9, ETAG, &pdf), IE_INVALID);
	assert_int_equal(inv_pdf_file_write(dir, 9, "../x", &pdf), IE_INVALID);
	buf_clear(&pdf);
	assert_int_equal(inv_pdf_file_write(dir, 11, ETAG, &pdf), IE_INVALID);
	assert_false(inv_pdf_file_exists("tmp", 9, ETAG));
	/* removal; a missing file is fine */
	assert_int_equal(inv_pdf_file_remove(dir, 9, ETAG), IE_OK);
	assert_false(inv_pdf_file_exists(dir, 9, ETAG));
	assert_int_equal(inv_pdf_file_remove(dir, 9, ETAG), IE_OK);
	assert_int_equal(inv_pdf_file_remove(dir, 9, "../../x"), IE_INVALID);
	assert_int_equal(entries(dir), 0);
	/* an empty file is not a stored PDF */
	f = fopen(path, "wb");
	assert_non_null(f);
	fclose(f);
	assert_false(inv_pdf_file_exists(dir, 9, ETAG));
	assert_int_equal(unlink(path), 0);
	/* a directory that is not there: an I/O error, nothing made */
	assert_int_equal(rmdir(dir), 0);
	assert_int_equal(inv_pdf_file_write(dir, 9, ETAG, &other), IE_IO);
	assert_false(inv_pdf_file_exists(dir, 9, ETAG));
	buf_free(&pdf);
	buf_free(&other);
}

/* ---------- shown status ---------- */

static void test_shown_status(void **state)
{
	static const struct {
		const char *status, *kind;
		money_t paid;
		const char *due, *today;
		enum inv_shown want;
		const char *label, *paid_state;
	} cases[] = {
		{ "draft", "invoice", 0, "2026-01-01", "2026-03-01", INV_DRAFT, "Draft", "\xe2\x80\x94" },
		{ "draft", "credit", 0, "2026-01-01", "2026-03-01", INV_DRAFT, "Draft", "\xe2\x80\x94" },
		{ "open", "invoice", 0, "2026-03-01", "2026-03-01", INV_DUE, "Due", "Unpaid" },     /* due today */
		{ "open", "invoice", 0, "2026-02-28", "2026-03-01", INV_OVERDUE, "Overdue", "Unpaid" },
		{ "open", "invoice", 5, "2026-03-02", "2026-03-01", INV_PARTIAL, "Partly paid", "Pending" },
		{ "open", "invoice", 5, "2026-02-28", "2026-03-01", INV_OVERDUE, "Overdue", "Pending" },   /* overdue wins */
		{ "open", "invoice", 0, "", "2026-03-01", INV_DUE, "Due", "Unpaid" },               /* no due date */
		{ "open", "invoice", 0, "2026-02-28", NULL, INV_DUE, "Due", "Unpaid" },             /* no today */
		{ "paid", "invoice", 100, "2026-01-01", "2026-03-01", INV_PAID, "Paid", "Paid" },
		{ "void", "invoice", 0, "2026-01-01", "2026-03-01", INV_CANCEL, "Cancelled", "\xe2\x80\x94" },
		{ "void", "credit", 0, "2026-01-01", "2026-03-01", INV_CANCEL, "Cancelled", "\xe2\x80\x94" },
		/* a credit note is never Paid, Due or Overdue, and has no paid state */
		{ "paid", "credit", 100, "2026-01-01", "2026-03-01", INV_CREDIT, "Credit note", "\xe2\x80\x94" },
		{ "open", "credit", 100, "2026-01-01", "2026-03-01", INV_CREDIT, "Credit note", "\xe2\x80\x94" },
		{ "open", "credit", 0, "2026-09-01", "2026-03-01", INV_CREDIT, "Credit note", "\xe2\x80\x94" },
	};
	size_t k;

	(void)state;
	for (k = 0; k < ARRAY_LEN(cases); k++) {
		enum inv_shown got = inv_shown_of(cases[k].status, cases[k].kind, cases[k].paid, cases[k].due,
						  cases[k].today);

		if (got != cases[k].want || strcmp(inv_shown_name(got), cases[k].label)
		    || strcmp(inv_paid_state(cases[k].status, cases[k].kind, cases[k].paid), cases[k].paid_state))
			fail_msg("case %zu (%s %s): %d %s %s", k, cases[k].status, cases[k].kind, got,
				 inv_shown_name(got), inv_paid_state(cases[k].status, cases[k].kind, cases[k].paid));
	}
	assert_string_equal(inv_shown_name((enum inv_shown)INV_SHOWN_COUNT), "");
	assert_string_equal(inv_shown_class(INV_CREDIT), "credit");
	assert_string_equal(inv_shown_class(INV_CANCEL), "void");
}

/* Every combination of the rule's inputs has exactly one label, and the
 * labels are seven distinct ones (DESIGN.md, List figures). */
static void test_shown_labels_distinct(void **state)
{
	static const char *const want[INV_SHOWN_COUNT] = {
		[INV_DRAFT] = "Draft", [INV_DUE] = "Due", [INV_PARTIAL] = "Partly paid", [INV_OVERDUE] = "Overdue",
		[INV_PAID] = "Paid", [INV_CANCEL] = "Cancelled", [INV_CREDIT] = "Credit note",
	};
	static const char *const stored[] = { "draft", "open", "paid", "void" };
	unsigned seen = 0;
	int s, k, p, d;

	(void)state;
	for (s = 0; s < INV_SHOWN_COUNT; s++)
		assert_string_equal(inv_shown_name((enum inv_shown)s), want[s]);
	for (s = 0; s < 4; s++)
		for (k = 0; k < 2; k++)
			for (p = 0; p < 2; p++)
				for (d = 0; d < 2; d++) {
					enum inv_shown x = inv_shown_of(stored[s], k ? "credit" : "invoice", p,
									d ? "2026-01-01" : "2026-12-31", "2026-06-01");

					assert_true(inv_shown_stored(x) & (1u << s));
					seen |= 1u << x;
				}
	assert_int_equal(seen, (1u << INV_SHOWN_COUNT) - 1);
}

/* The SQL forms come from the same table: conditions, and the values each '?' takes. */
static void test_status_sql(void **state)
{
	static const struct {
		enum inv_shown s;
		enum inv_sql_form form;
		const char *sql;           /* NULL: not there until the totals carry the kind */
		size_t nargs;
	} cases[] = {
		{ INV_DRAFT, INV_SQL_ROWS, "i.status = 'draft'", 0 },
		{ INV_DRAFT, INV_SQL_MONTHS, "m.status = 'draft'", 0 },
		{ INV_CANCEL, INV_SQL_DAYS, "t.status = 'void'", 0 },
		{ INV_PAID, INV_SQL_ROWS, "(i.status = 'paid' AND i.kind = 'invoice')", 0 },
		{ INV_CREDIT, INV_SQL_ROWS, "(i.status IN ('open', 'paid') AND i.kind = 'credit')", 0 },
		{ INV_OVERDUE, INV_SQL_ROWS, "(i.status = 'open' AND i.kind = 'invoice' AND i.due_date < ? AND "
		  "(i.due_date < ? OR i.due_date < COALESCE((SELECT JSON_VALUE(?, CONCAT('$.\"', c.time_zone, '\"')) "
		  "FROM customers c WHERE c.id = i.customer_id), ?)))", 4 },
		{ INV_DUE, INV_SQL_ROWS, "(i.status = 'open' AND i.kind = 'invoice' AND i.paid_amount = 0 AND "
		  "i.due_date >= ? AND (i.due_date >= ? OR i.due_date >= COALESCE((SELECT JSON_VALUE(?, CONCAT('$.\"', "
		  "c.time_zone, '\"')) FROM customers c WHERE c.id = i.customer_id), ?)))", 4 },
		{ INV_PAID, INV_SQL_MONTHS, INV_TOTALS_KIND ? "(m.status = 'paid' AND m.kind = 'invoice')" : NULL, 0 },
		{ INV_OVERDUE, INV_SQL_MONTHS,
		  INV_TOTALS_KIND ? "(m.status = 'open' AND m.kind = 'invoice' AND m.due_month < ?)" : NULL, 1 },
		{ INV_DUE, INV_SQL_MONTHS, INV_TOTALS_KIND ? "(m.status = 'open' AND m.kind = 'invoice' AND "
		  "m.paid_state = 0 AND m.due_month > ?)" : NULL, 1 },
		{ INV_PARTIAL, INV_SQL_DAYS, INV_TOTALS_KIND ? "(t.status = 'open' AND t.kind = 'invoice' AND "
		  "t.paid_state = 1 AND t.due_date >= ? AND (t.due_date >= ? OR (? IS NOT NULL AND t.due_date >= ?)))"
		  : NULL, 4 },
		{ INV_CREDIT, INV_SQL_DAYS, INV_TOTALS_KIND ? "(t.status IN ('open', 'paid') AND t.kind = 'credit')" : NULL,
		  0 },
	};
	enum inv_sql_arg args[INV_SQL_MAX_ARGS], dargs[INV_SQL_MAX_ARGS];
	size_t k, n, dn;

	(void)state;
	for (k = 0; k < ARRAY_LEN(cases); k++) {
		struct buf b = BUF_INIT;
		ierr e = inv_status_sql(&b, cases[k].s, cases[k].form, args, &n);

		if (!cases[k].sql ? e != IE_UNSUPPORTED
		    : e != IE_OK || strcmp(b.data, cases[k].sql) || n != cases[k].nargs)
			fail_msg("case %zu: %s %s (%zu values)", k, ierr_name(e), b.data ? b.data : "", n);
		buf_free(&b);
	}
	/* rows and days take the same values in the same order (the list binds them once) */
	for (k = 0; k < INV_SHOWN_COUNT; k++) {
		struct buf b = BUF_INIT;
		ierr e;

		assert_int_equal(inv_status_sql(&b, (enum inv_shown)k, INV_SQL_ROWS, args, &n), IE_OK);
		e = inv_status_sql(&b, (enum inv_shown)k, INV_SQL_DAYS, dargs, &dn);
		if (e == IE_UNSUPPORTED && !INV_TOTALS_KIND && !inv_shown_stored_only((enum inv_shown)k)) {
			buf_free(&b);
			continue;
		}
		assert_int_equal(e, IE_OK);
		assert_int_equal(n, dn);
		assert_memory_equal(args, dargs, n * sizeof(args[0]));
		buf_free(&b);
	}
	/* overdue: below the latest date, and below the earliest or the customer's own */
	{
		struct buf b = BUF_INIT;

		assert_int_equal(inv_status_sql(&b, INV_OVERDUE, INV_SQL_ROWS, args, &n), IE_OK);
		assert_int_equal(args[0], INV_ARG_LATEST);
		assert_int_equal(args[1], INV_ARG_EARLIEST);
		assert_int_equal(args[2], INV_ARG_ZONES);
		assert_int_equal(args[3], INV_ARG_TODAY);
		buf_free(&b);
	}
	assert_int_equal(inv_status_sql(&(struct buf)BUF_INIT, (enum inv_shown)99, INV_SQL_ROWS, args, &n), IE_INVALID);
	assert_true(inv_shown_stored_only(INV_DRAFT) && inv_shown_stored_only(INV_CANCEL));
	assert_false(inv_shown_stored_only(INV_PAID) || inv_shown_stored_only(INV_OVERDUE));
}

/* Each zone's date at an instant, DST included. */
static void test_zones(void **state)
{
	/* 2026-03-29 01:30 UTC: Berlin 03:30 CEST (just switched), Auckland 14:30
	 * NZDT, both on the 29th; Los Angeles 18:30 PDT, still the 28th */
	static const char *const zones[] = { "Europe/Berlin", "Pacific/Auckland", "America/Los_Angeles",
					     "bad\"zone", "UTC" };
	time_t t = 1774747800;
	struct arena *a = arena_new();
	struct inv_zones z;
	char today[11];

	(void)state;
	assert_non_null(a);
	assert_int_equal(inv_zones_of(a, zones, ARRAY_LEN(zones), "America/Los_Angeles", t, &z), IE_OK);
	assert_string_equal(z.earliest, "2026-03-28");   /* UTC-12 */
	assert_string_equal(z.latest, "2026-03-29");     /* UTC+14 */
	assert_string_equal(z.today, "2026-03-28");      /* the configured zone */
	assert_int_equal(z.n, 4);                        /* the bad name is left out */
	assert_string_equal(inv_zone_today(&z, "Europe/Berlin"), "2026-03-29");
	assert_string_equal(inv_zone_today(&z, "Pacific/Auckland"), "2026-03-29");
	assert_string_equal(inv_zone_today(&z, "America/Los_Angeles"), "2026-03-28");
	assert_string_equal(inv_zone_today(&z, "UTC"), "2026-03-29");
	assert_string_equal(inv_zone_today(&z, "Asia/Tokyo"), "2026-03-28");   /* missing: the configured zone's */
	assert_string_equal(z.json, "{\"Europe/Berlin\":\"2026-03-29\",\"Pacific/Auckland\":\"2026-03-29\","
			    "\"America/Los_Angeles\":\"2026-03-28\",\"UTC\":\"2026-03-29\"}");
	/* another configured zone: the date a missing zone reads as */
	assert_int_equal(inv_zones_of(a, zones, 1, "Pacific/Kiritimati", t, &z), IE_OK);
	assert_string_equal(inv_zone_today(&z, "Asia/Tokyo"), "2026-03-29");
	/* 22:30 UTC is 23:30 in Berlin in winter (the 28th) and 00:30 in summer (the 30th) */
	assert_int_equal(inv_today("Europe/Berlin", 1774737000, today), IE_OK);
	assert_string_equal(today, "2026-03-28");
	assert_int_equal(inv_today("Europe/Berlin", 1774823400, today), IE_OK);
	assert_string_equal(today, "2026-03-30");
	arena_free(a);
}

static void test_payment_labels(void **state)
{
	static const struct {
		const char *in, *out;
	} cases[] = {
		{ "58", "SEPA credit transfer" }, { "30", "Credit transfer" }, { "49", "Direct debit" },
		{ "48", "Bank card" }, { "transfer", "Credit transfer" }, { "direct_debit", "Direct debit" },
		{ "card", "Bank card" }, { "credit note", "Credit note" }, { "barter", "barter" }, { NULL, "" },
	};
	size_t k;

	(void)state;
	for (k = 0; k < ARRAY_LEN(cases); k++)
		assert_string_equal(inv_payment_label(cases[k].in), cases[k].out);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_shown_status),
		cmocka_unit_test(test_shown_labels_distinct),
		cmocka_unit_test(test_status_sql),
		cmocka_unit_test(test_zones),
		cmocka_unit_test(test_payment_labels),
		cmocka_unit_test(test_file_names),
		cmocka_unit_test(test_write_exists_remove),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
