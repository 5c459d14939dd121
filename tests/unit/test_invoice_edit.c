/*
 * test_invoice_edit.c — unit tests for lib/invoice_edit.c: totals from lines
 * (DESIGN.md golden cases, per line and per document, per (category, rate)
 * subtotals, overflow), every (status, action) transition, numbering format
 * and year rollover, date arithmetic for due dates.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <string.h>
#include "invoice_edit.h"

#define ARRAY_LEN(a) (sizeof(a) / sizeof((a)[0]))
#define Q(x) ((int64_t)(x) * MONEY_SCALE)           /* whole quantities / prices */
#define R(p) ((int64_t)(p) * MONEY_RATE_SCALE)      /* whole percent */

static struct ied_line line(int64_t qty, int64_t price, int64_t rate, const char *cat)
{
	struct ied_line l;

	memset(&l, 0, sizeof(l));
	l.quantity = qty;
	l.unit_price = price;
	l.tax_rate = rate;
	l.vat_category = cat;
	return l;
}

static void test_totals_table(void **state)
{
	static const struct {
		const char *name;
		int n;
		int64_t qty[3], price[3], rate[3];
		const char *cat[3];
		int exponent, per_document;
		money_t net, tax, gross;
		size_t nrates;
		money_t line_net0, line_tax0;
	} cases[] = {
		/* DESIGN.md: net 1,000.00 at 19% gives 1,190.00 */
		{ "golden 19%", 1, { Q(1) }, { Q(1000) }, { R(19) }, { "S" }, 2, 0, 100000, 19000, 119000, 1, 100000, 19000 },
		{ "golden 19% per document", 1, { Q(1) }, { Q(1000) }, { R(19) }, { "S" }, 2, 1, 100000, 19000, 119000, 1,
		  100000, 19000 },
		/* DESIGN.md: 55.55 and 11.11 at 23%: tax 15.34 per line, 15.33 per document */
		{ "golden 23% per line", 2, { Q(1), Q(1) }, { 55550000, 11110000 }, { R(23), R(23) }, { "S", "S" }, 2, 0,
		  6666, 1534, 8200, 1, 5555, 1278 },
		{ "golden 23% per document", 2, { Q(1), Q(1) }, { 55550000, 11110000 }, { R(23), R(23) }, { "S", "S" }, 2,
		  1, 6666, 1533, 8199, 1, 5555, 1278 },
		/* per-minute rate: 1234.5 min x 0.0045 = 5.55525 -> 5.56 (half away from zero) */
		{ "6-decimal rate", 1, { 1234500000 }, { 4500 }, { R(19) }, { "S" }, 2, 0, 556, 106, 662, 1, 556, 106 },
		/* 0.5 JPY rounds away from zero */
		{ "JPY half", 1, { 500000 }, { Q(1) }, { 0 }, { "Z" }, 0, 0, 1, 0, 1, 1, 1, 0 },
		/* KWD: 3 decimals */
		{ "KWD", 1, { Q(3) }, { 1234567 }, { R(5) }, { "S" }, 3, 0, 3704, 185, 3889, 1, 3704, 185 },
		/* two rates, and the same 0% rate in two categories stays two subtotals */
		{ "rates and categories", 3, { Q(1), Q(2), Q(1) }, { Q(100), Q(10), Q(5) }, { R(19), 0, 0 },
		  { "S", "Z", "E" }, 2, 0, 12500, 1900, 14400, 3, 10000, 1900 },
		/* a line without a category gets S (rate) */
		{ "default category", 2, { Q(1), Q(1) }, { Q(10), Q(10) }, { R(7), R(7) }, { NULL, "S" }, 2, 0, 2000, 140,
		  2140, 1, 1000, 70 },
		{ "no lines", 0, { 0 }, { 0 }, { 0 }, { NULL }, 2, 0, 0, 0, 0, 0, 0, 0 },
		/* a credit-like negative price: -0.005 EUR rounds to -0.01 */
		{ "negative half", 1, { Q(1) }, { -5000 }, { 0 }, { "Z" }, 2, 0, -1, 0, -1, 1, -1, 0 },
	};

	(void)state;
	for (size_t i = 0; i < ARRAY_LEN(cases); i++) {
		struct ied_line lines[3];
		struct ied_totals t;

		for (int k = 0; k < cases[i].n; k++)
			lines[k] = line(cases[i].qty[k], cases[i].price[k], cases[i].rate[k], cases[i].cat[k]);
		assert_int_equal(ied_totals(lines, (size_t)cases[i].n, cases[i].exponent, cases[i].per_document, &t),
				 IE_OK);
		if (t.net != cases[i].net || t.tax != cases[i].tax || t.gross != cases[i].gross
		    || t.nrates != cases[i].nrates)
			fail_msg("%s: net %lld tax %lld gross %lld rates %zu", cases[i].name, (long long)t.net,
				 (long long)t.tax, (long long)t.gross, t.nrates);
		if (cases[i].n && (lines[0].net != cases[i].line_net0 || lines[0].tax != cases[i].line_tax0))
			fail_msg("%s: line 1 net %lld tax %lld", cases[i].name, (long long)lines[0].net,
				 (long long)lines[0].tax);
		/* the subtotals add up to the totals (BR-CO-10..15) */
		{
			money_t n = 0, x = 0;

			for (size_t k = 0; k < t.nrates; k++) {
				n += t.rates[k].net;
				x += t.rates[k].tax;
			}
			assert_int_equal(n, t.net);
			assert_int_equal(x, t.tax);
		}
	}
}

static void test_totals_overflow(void **state)
{
	struct ied_line l[2] = { line(INT64_MAX / 2, INT64_MAX / 2, R(19), "S"), line(Q(1), Q(1), 0, "Z") };
	struct ied_line many[IED_MAX_RATES + 1];
	struct ied_totals t;

	(void)state;
	assert_int_equal(ied_totals(l, 2, 2, 0, &t), IE_OVERFLOW);
	for (int i = 0; i < IED_MAX_RATES + 1; i++)
		many[i] = line(Q(1), Q(1), i * 1000, "S");
	assert_int_equal(ied_totals(many, IED_MAX_RATES, 2, 0, &t), IE_OK);
	assert_int_equal(t.nrates, IED_MAX_RATES);
	assert_int_equal(ied_totals(many, IED_MAX_RATES + 1, 2, 0, &t), IE_INVALID);
}

static void test_transitions_table(void **state)
{
	/* every (stored status, action) pair: the status after it, or NULL: refused (409) */
	static const struct {
		const char *from;
		enum ied_action a;
		const char *to;
	} cases[] = {
		{ "draft", IED_EDIT, "draft" },  { "draft", IED_ISSUE, "open" },
		{ "draft", IED_VOID, NULL },     { "draft", IED_DISCARD, "" },
		{ "open", IED_EDIT, NULL },      { "open", IED_ISSUE, NULL },
		{ "open", IED_VOID, "void" },    { "open", IED_DISCARD, NULL },
		{ "paid", IED_EDIT, NULL },      { "paid", IED_ISSUE, NULL },
		{ "paid", IED_VOID, NULL },      { "paid", IED_DISCARD, NULL },
		{ "void", IED_EDIT, NULL },      { "void", IED_ISSUE, NULL },
		{ "void", IED_VOID, NULL },      { "void", IED_DISCARD, NULL },
	};
	const char *to, *why;

	(void)state;
	assert_int_equal(ARRAY_LEN(cases), 4 * IED__ACTIONS);
	for (size_t i = 0; i < ARRAY_LEN(cases); i++) {
		ierr e = ied_transition(cases[i].from, cases[i].a, &to, &why);

		if (cases[i].to) {
			if (e != IE_OK || strcmp(to, cases[i].to))
				fail_msg("%s + %s: expected %s", cases[i].from, ied_action_name(cases[i].a), cases[i].to);
			assert_null(why);
		} else {
			if (e != IE_CONFLICT)
				fail_msg("%s + %s: expected a refusal, got %d", cases[i].from,
					 ied_action_name(cases[i].a), e);
			assert_non_null(why);
			assert_null(to);
		}
	}
	/* nothing ever goes back to draft */
	for (size_t i = 0; i < ARRAY_LEN(cases); i++)
		if (strcmp(cases[i].from, "draft") && cases[i].to)
			assert_string_not_equal(cases[i].to, "draft");
	assert_int_equal(ied_transition("deleted", IED_EDIT, &to, &why), IE_INVALID);
	assert_int_equal(ied_transition(NULL, IED_EDIT, &to, &why), IE_INVALID);
	assert_int_equal(ied_transition("draft", IED__ACTIONS, &to, &why), IE_INVALID);
	assert_int_equal(ied_transition("open", IED_EDIT, &to, &why), IE_CONFLICT);
	assert_non_null(strstr(why, "Issued invoices cannot be changed"));
}

static void test_numbers(void **state)
{
	static const struct {
		const char *prefix;
		int year;
		long long seq;
		const char *out;         /* NULL: refused */
	} cases[] = {
		{ "INV", 2026, 1, "INV-2026-000001" },
		{ "INV", 2026, 999999, "INV-2026-999999" },
		{ "INV", 2026, 1000000, "INV-2026-1000000" },   /* the series outgrows six digits, never wraps */
		{ "CN", 2027, 42, "CN-2027-000042" },
		{ "INV", 2026, 0, NULL },
		{ "INV", 2026, -1, NULL },
		{ "", 2026, 1, NULL },
		{ "INV", 1899, 1, NULL },
		{ "ABCDEFGHIJKLMNOP", 2026, 1, NULL },
	};
	char out[40];

	(void)state;
	for (size_t i = 0; i < ARRAY_LEN(cases); i++) {
		ierr e = ied_number(cases[i].prefix, cases[i].year, cases[i].seq, out, sizeof(out));

		if (cases[i].out) {
			assert_int_equal(e, IE_OK);
			assert_string_equal(out, cases[i].out);
		} else {
			assert_int_not_equal(e, IE_OK);
		}
	}
	assert_int_equal(ied_number("INV", 2026, 1, out, 10), IE_OVERFLOW);
	/* year rollover: the series is per year of the invoice date */
	assert_int_equal(ied_year_of("2026-12-31"), 2026);
	assert_int_equal(ied_year_of("2027-01-01"), 2027);
	assert_int_equal(ied_year_of("2027-02-29"), -1);
	assert_int_equal(ied_year_of("2027-1-01"), -1);
	assert_int_equal(ied_year_of(NULL), -1);
	assert_int_equal(ied_year_of("1900-01-01"), 1900);   /* the editor's years */
	assert_int_equal(ied_year_of("2999-12-31"), 2999);
	assert_int_equal(ied_year_of("1899-12-31"), -1);
	assert_int_equal(ied_year_of("3000-01-01"), -1);
}

static void test_fill_from_package(void **state)
{
	static const struct ied_package pkg = { 7, "Fibre 100", "EUR", "MON", "S", "VAT 19%", 39900000, 1000000,
						190000, 1 };
	/* each row: what was typed; the rest must come from the package */
	static const struct ied_given cases[] = {
		{ 0, 0, 0, 0, 0, 0 }, { 1, 0, 0, 0, 0, 0 }, { 0, 1, 0, 0, 0, 0 }, { 0, 0, 1, 0, 0, 0 },
		{ 0, 0, 0, 1, 0, 0 }, { 0, 0, 0, 0, 1, 0 }, { 0, 0, 0, 0, 0, 1 }, { 1, 1, 1, 1, 1, 1 },
	};

	(void)state;
	for (size_t i = 0; i < ARRAY_LEN(cases); i++) {
		const struct ied_given *g = &cases[i];
		struct ied_line l = line(2500000, 1234, 70000, "Z");

		l.description = "typed";
		l.tax_description = "typed tax";
		l.unit_code = "HUR";
		ied_fill_from_package(&l, g, &pkg);
		assert_int_equal(l.package_id, 7);
		assert_string_equal(l.vat_category, "S");
		assert_string_equal(l.description, g->description ? "typed" : "Fibre 100");
		assert_int_equal(l.quantity, g->quantity ? 2500000 : 1000000);
		assert_int_equal(l.unit_price, g->unit_price ? 1234 : 39900000);
		assert_int_equal(l.tax_rate, g->tax_rate ? 70000 : 190000);
		assert_string_equal(l.tax_description, g->tax_description ? "typed tax" : "VAT 19%");
		assert_string_equal(l.unit_code, g->unit_code ? "HUR" : "MON");
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_totals_table),
		cmocka_unit_test(test_totals_overflow),
		cmocka_unit_test(test_transitions_table),
		cmocka_unit_test(test_numbers),
		cmocka_unit_test(test_fill_from_package),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
