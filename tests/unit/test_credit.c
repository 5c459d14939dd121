/*
 * test_credit.c — the credit note rule of lib/credit.c without a database:
 * what is still uncredited per line and per invoice, full credits (by
 * quantity, or by amount where earlier credits were by amount), picks by
 * quantity and by amount with every bound, and the refusals (draft, void,
 * credit note, credited in full, nothing chosen, a line twice, over the rest).
 * The locking transaction is exercised over HTTP (tests/http/credit_notes.test.mjs).
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>

#include "buf.h"
#include "credit.h"
#include "invoice_edit.h"

#define Q(x) ((int64_t)(x) * 1000000)       /* a whole quantity or unit price x 1e6 */
#define R(x) ((int64_t)(x) * 10000)         /* a tax rate in percent x 1e4 */

/* Line: quantity, unit price (whole EUR), rate %, net and tax in cents, credited quantity, net and tax. */
#define LINE_T(q, p, r, net, tax, cq, cn, ct) \
	{ 0, 0, 0, "line", "C62", "S", "VAT", "", "", Q(q), Q(p), R(r), (net), (tax), Q(cq), (cn), (ct) }
#define LINE(q, p, r, net, tax, cq, cn) LINE_T(q, p, r, net, tax, cq, cn, 0)

static struct crd_line two[] = {
	LINE(10, 10, 19, 10000, 1900, 0, 0),     /* 10 x 10.00 at 19%: 100.00 + 19.00 */
	LINE(2, 50, 7, 10000, 700, 0, 0),        /* 2 x 50.00 at 7%: 100.00 + 7.00 */
};

static struct crd_invoice invoice(const char *kind, const char *status, money_t credited, struct crd_line *lines,
				  size_t n)
{
	struct crd_invoice inv;

	memset(&inv, 0, sizeof(inv));
	inv.id = 1;
	inv.kind = kind;
	inv.status = status;
	inv.number = "INV-2026-000001";
	inv.currency = "EUR";
	inv.exponent = 2;
	inv.total = 22600;
	inv.credited = credited;
	inv.lines = lines;
	inv.nlines = n;
	return inv;
}

static void test_left(void **state)
{
	struct crd_line l = LINE(10, 10, 19, 10000, 1900, 4, 6000);
	struct crd_line over = LINE(1, 10, 0, 1000, 0, 2, 2000);
	struct crd_invoice inv = invoice("invoice", "open", 22000, two, 2);

	(void)state;
	assert_int_equal(crd_left_qty(&l), Q(6));
	assert_int_equal(crd_left_net(&l), 4000);
	assert_int_equal(crd_left_qty(&over), 0);       /* never negative */
	assert_int_equal(crd_left_net(&over), 0);
	assert_int_equal(crd_left_total(&inv), 600);
	inv.credited = 30000;
	assert_int_equal(crd_left_total(&inv), 0);
}

static void test_refusal(void **state)
{
	static const struct {
		const char *kind, *status;
		money_t credited;
		int refused;
	} t[] = {
		{ "invoice", "open", 0, 0 },
		{ "invoice", "paid", 0, 0 },             /* a paid invoice can be credited (the credit stays unallocated) */
		{ "invoice", "open", 22599, 0 },          /* one cent left */
		{ "invoice", "open", 22600, 1 },          /* credited in full */
		{ "invoice", "draft", 0, 1 },
		{ "invoice", "void", 0, 1 },
		{ "credit", "open", 0, 1 },
		{ "credit", "paid", 0, 1 },
		{ "invoice", "bogus", 0, 1 },
	};

	(void)state;
	for (size_t i = 0; i < sizeof(t) / sizeof(t[0]); i++) {
		struct crd_invoice inv = invoice(t[i].kind, t[i].status, t[i].credited, two, 2);
		const char *why = crd_refusal(&inv);

		if (t[i].refused != (why != NULL))
			fail_msg("case %zu: %s", i, why ? why : "allowed");
	}
}

/* Every case plans against `two` (no earlier credits unless set). */
static void test_picks(void **state)
{
	static const struct {
		int full;
		struct crd_pick picks[3];
		size_t n;
		money_t credited_total;
		money_t want_total;           /* -1: refused */
		size_t want_bad;              /* the pick at fault when refused */
	} t[] = {
		/* full: both lines at their quantities */
		{ 1, { { 0 } }, 0, 0, 22600, 0 },
		/* by quantity: 3 of line 1 = 30.00 + 5.70 */
		{ 0, { { 0, 0, Q(3), 0 } }, 1, 0, 3570, 0 },
		/* the whole quantity of line 2 */
		{ 0, { { 1, 0, Q(2), 0 } }, 1, 0, 10700, 0 },
		/* a fractional quantity: 0.5 x 50.00 = 25.00 + 1.75 */
		{ 0, { { 1, 0, 500000, 0 } }, 1, 0, 2675, 0 },
		/* by amount: 12.34 net at 19% = 12.34 + 2.34 */
		{ 0, { { 0, 1, 0, 1234 } }, 1, 0, 1468, 0 },
		/* both lines, one by quantity, one by amount */
		{ 0, { { 0, 0, Q(10), 0 }, { 1, 1, 0, 5000 } }, 2, 0, 11900 + 5350, 0 },
		/* over the line's quantity */
		{ 0, { { 0, 0, Q(11), 0 } }, 1, 0, -1, 0 },
		/* over the line's net */
		{ 0, { { 0, 1, 0, 10001 } }, 1, 0, -1, 0 },
		/* zero and negative */
		{ 0, { { 0, 0, 0, 0 } }, 1, 0, -1, 0 },
		{ 0, { { 0, 1, 0, -5 } }, 1, 0, -1, 0 },
		/* the second pick is at fault */
		{ 0, { { 0, 0, Q(1), 0 }, { 1, 0, Q(3), 0 } }, 2, 0, -1, 1 },
		/* a line twice */
		{ 0, { { 0, 0, Q(1), 0 }, { 0, 0, Q(1), 0 } }, 2, 0, -1, 1 },
		/* no such line */
		{ 0, { { 7, 0, Q(1), 0 } }, 1, 0, -1, 0 },
		/* nothing chosen */
		{ 0, { { 0 } }, 0, 0, -1, (size_t)-1 },
		/* the invoice's rest is smaller than the lines' (credit notes without line links) */
		{ 0, { { 0, 0, Q(10), 0 } }, 1, 22600 - 11899, -1, (size_t)-1 },
		{ 0, { { 0, 0, Q(10), 0 } }, 1, 22600 - 11900, 11900, 0 },
	};

	(void)state;
	for (size_t i = 0; i < sizeof(t) / sizeof(t[0]); i++) {
		struct arena *a = arena_new();
		struct crd_invoice inv = invoice("invoice", "open", t[i].credited_total, two, 2);
		struct crd_plan p;
		const char *why = NULL;
		size_t bad = 0;
		ierr e = crd_plan(a, &inv, t[i].full, t[i].picks, t[i].n, &p, &why, &bad);

		if (t[i].want_total < 0) {
			if (e != IE_CONFLICT || !why || bad != t[i].want_bad)
				fail_msg("case %zu: want a refusal at %zu, got %d (%s) at %zu", i, t[i].want_bad, (int)e,
					 why ? why : "", bad);
		} else if (e != IE_OK || p.total != t[i].want_total) {
			fail_msg("case %zu: want total %lld, got %d (%s) total %lld", i, (long long)t[i].want_total, (int)e,
				 why ? why : "", (long long)p.total);
		}
		arena_free(a);
	}
}

/* After earlier credits: full takes the rest, by quantity where it is whole, by amount otherwise. */
static void test_full_rest(void **state)
{
	struct crd_line lines[] = {
		LINE_T(10, 10, 19, 10000, 1900, 4, 4000, 760),  /* 4 credited by quantity: 6 left = 60.00 */
		LINE_T(2, 50, 7, 10000, 700, 0, 3000, 210),     /* 30.00 credited by amount: 70.00 left */
		LINE(1, 5, 0, 500, 0, 1, 500),                  /* credited in full: skipped */
	};
	struct crd_invoice inv = invoice("invoice", "open", 4760 + 3210, lines, 3);
	struct arena *a = arena_new();
	struct crd_plan p;
	const char *why;
	size_t bad;

	(void)state;
	inv.total = 22600 + 500;
	assert_int_equal(crd_plan(a, &inv, 1, NULL, 0, &p, &why, &bad), IE_OK);
	assert_int_equal(p.nlines, 2);
	assert_int_equal(p.src[0].line, 0);
	assert_int_equal(p.src[0].quantity, Q(6));
	assert_int_equal(p.lines[0].quantity, Q(6));
	assert_int_equal(p.lines[0].unit_price, Q(10));
	assert_int_equal(p.src[1].line, 1);
	assert_int_equal(p.src[1].quantity, 0);                  /* by amount */
	assert_int_equal(p.lines[1].quantity, Q(1));
	assert_int_equal(p.lines[1].unit_price, 70 * 1000000LL);  /* 70.00 as a unit price */
	assert_string_equal(p.lines[1].unit_code, "C62");
	assert_int_equal(p.net, 13000);
	assert_int_equal(p.tax, 1140 + 490);
	assert_int_equal(p.total, 14630);
	/* 4760 + 3210 + 14630 = 22600: the rest of the invoice but the skipped line's 5.00 */
	arena_free(a);
}

/* Per-document rounding: the credit note rounds like its invoice. */
static void test_per_document(void **state)
{
	struct crd_line lines[] = {
		{ 0, 0, 0, "a", "C62", "S", "VAT", "", "", Q(1), 55550000, R(23), 5555, 1278, 0, 0, 0 },
		{ 0, 0, 0, "b", "C62", "S", "VAT", "", "", Q(1), 11110000, R(23), 1111, 256, 0, 0, 0 },
	};
	struct crd_invoice inv = invoice("invoice", "open", 0, lines, 2);
	struct arena *a = arena_new();
	struct crd_plan p;
	const char *why;
	size_t bad;

	(void)state;
	inv.total = 6666 + 1533;
	inv.per_document = 1;
	assert_int_equal(crd_plan(a, &inv, 1, NULL, 0, &p, &why, &bad), IE_OK);
	assert_int_equal(p.tax, 1533);           /* DESIGN.md golden case: 15.33 per document */
	inv.per_document = 0;
	inv.total = 6666 + 1534;
	assert_int_equal(crd_plan(a, &inv, 1, NULL, 0, &p, &why, &bad), IE_OK);
	assert_int_equal(p.tax, 1534);           /* and 15.34 per line */
	arena_free(a);
}

/* Per-line rounding: a line credited in parts is credited to the cent. 100.00 at 7%
 * (tax 7.00): 12.50 took 0.88 (0.875 rounded up), so the rest 87.50 takes 6.12, not 6.13. */
static void test_last_part_tax(void **state)
{
	struct crd_line lines[] = { LINE_T(2, 50, 7, 10000, 700, 0, 1250, 88) };
	struct crd_invoice inv = invoice("invoice", "open", 1250 + 88, lines, 1);
	struct crd_pick part = { 0, 1, 0, 5000 }, rest = { 0, 1, 0, 8750 };
	struct crd_rate rate = { "S", R(7), 700, 88 };
	struct arena *a = arena_new();
	struct crd_plan p;
	const char *why;
	size_t bad;

	(void)state;
	inv.total = 10700;
	assert_int_equal(crd_plan(a, &inv, 0, &part, 1, &p, &why, &bad), IE_OK);
	assert_int_equal(p.tax, 350);                /* a part: its own rounding */
	assert_int_equal(crd_plan(a, &inv, 0, &rest, 1, &p, &why, &bad), IE_OK);
	assert_int_equal(p.tax, 612);
	assert_int_equal(p.total, 10700 - 1338);     /* exactly the rest */
	assert_int_equal(crd_plan(a, &inv, 1, NULL, 0, &p, &why, &bad), IE_OK);
	assert_int_equal(p.total, 10700 - 1338);
	/* per document: the rate's rest of tax too (7.00 - 0.88), not the tax of the rest's net (6.13) */
	inv.per_document = 1;
	inv.rates = &rate;
	inv.nrates = 1;
	assert_int_equal(crd_plan(a, &inv, 1, NULL, 0, &p, &why, &bad), IE_OK);
	assert_int_equal(p.tax, 612);
	assert_int_equal(p.total, 10700 - 1338);
	/* a part of the rate rounds on its own */
	assert_int_equal(crd_plan(a, &inv, 0, &part, 1, &p, &why, &bad), IE_OK);
	assert_int_equal(p.tax, 350);
	/* without the breakdown (not read): the tax of the net, a cent over the rest, refused */
	inv.nrates = 0;
	assert_int_equal(crd_plan(a, &inv, 1, NULL, 0, &p, &why, &bad), IE_CONFLICT);
	arena_free(a);
}

/* Tax per document over two lines of one rate: 55.55 + 11.11 at 23% (tax 15.33 on 66.66);
 * 55.55 credited before with 12.78, so the rest (11.11) takes 2.55, not round(2.5553) = 2.56. */
static void test_rate_rest_two_lines(void **state)
{
	struct crd_line lines[] = {
		{ 0, 0, 0, "a", "C62", "S", "VAT", "", "", Q(1), 55550000, R(23), 5555, 1278, Q(1), 5555, 1278 },
		{ 0, 0, 0, "b", "C62", "S", "VAT", "", "", Q(1), 11110000, R(23), 1111, 256, 0, 0, 0 },
	};
	struct crd_rate rate = { "S", R(23), 1533, 1278 };
	struct crd_invoice inv = invoice("invoice", "open", 5555 + 1278, lines, 2);
	struct arena *a = arena_new();
	struct crd_plan p;
	const char *why;
	size_t bad;

	(void)state;
	inv.total = 6666 + 1533;
	inv.per_document = 1;
	inv.rates = &rate;
	inv.nrates = 1;
	assert_int_equal(crd_plan(a, &inv, 1, NULL, 0, &p, &why, &bad), IE_OK);
	assert_int_equal(p.nlines, 1);
	assert_int_equal(p.tax, 255);
	assert_int_equal(p.total, 1111 + 255);
	arena_free(a);
}

/* A zero-exponent currency: an amount credit becomes a unit price x 1e6. */
static void test_jpy(void **state)
{
	struct crd_line lines[] = { LINE(3, 1000, 10, 3000, 300, 0, 0) };
	struct crd_invoice inv = invoice("invoice", "open", 0, lines, 1);
	struct crd_pick pick = { 0, 1, 0, 1500 };
	struct arena *a = arena_new();
	struct crd_plan p;
	const char *why;
	size_t bad;

	(void)state;
	inv.currency = "JPY";
	inv.exponent = 0;
	inv.total = 3300;
	assert_int_equal(crd_plan(a, &inv, 0, &pick, 1, &p, &why, &bad), IE_OK);
	assert_int_equal(p.lines[0].unit_price, 1500 * 1000000LL);
	assert_int_equal(p.total, 1650);
	arena_free(a);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_left),         cmocka_unit_test(test_refusal),
		cmocka_unit_test(test_picks),        cmocka_unit_test(test_full_rest),
		cmocka_unit_test(test_per_document), cmocka_unit_test(test_jpy),
		cmocka_unit_test(test_last_part_tax),  cmocka_unit_test(test_rate_rest_two_lines),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
