/*
 * test_payment.c — the pure parts of lib/payment.c: the spread plan (oldest
 * open documents first, each filled before the next), the recording checks
 * and the list's filter checks. Recording and allocating against the
 * database run over HTTP (tests/http/payments.test.mjs).
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>

#include "payment.h"

static void test_spread(void **state)
{
	static const struct {
		money_t free;
		size_t n;
		money_t open[5], want[5], sum;
	} t[] = {
		{ 10000, 3, { 3000, 3000, 3000 }, { 3000, 3000, 3000 }, 9000 },    /* covers all, 10.00 left */
		{ 10000, 3, { 6000, 6000, 6000 }, { 6000, 4000, 0 }, 10000 },      /* the oldest full, then partly */
		{ 5000, 2, { 5000, 100 }, { 5000, 0 }, 5000 },                     /* exactly the first */
		{ 1, 3, { 500, 500, 500 }, { 1, 0, 0 }, 1 },                       /* one cent */
		{ 0, 2, { 500, 500 }, { 0, 0 }, 0 },                               /* nothing free */
		{ -700, 2, { 500, 500 }, { 0, 0 }, 0 },                            /* never negative */
		{ 900, 3, { 0, 400, 700 }, { 0, 400, 500 }, 900 },                 /* a settled one is skipped */
		{ 900, 0, { 0 }, { 0 }, 0 },                                       /* no documents */
		{ 1000000000000LL, 2, { 999999999999LL, 1 }, { 999999999999LL, 1 }, 1000000000000LL },
	};
	(void)state;
	for (size_t i = 0; i < sizeof(t) / sizeof(t[0]); i++) {
		money_t plan[5] = { -1, -1, -1, -1, -1 };

		assert_int_equal(payment_spread(t[i].free, t[i].open, t[i].n, plan), t[i].sum);
		for (size_t k = 0; k < t[i].n; k++)
			assert_int_equal(plan[k], t[i].want[k]);
		assert_int_equal(plan[t[i].n], -1);   /* nothing written past n */
	}
}

static void test_check(void **state)
{
	static const struct {
		struct payment_new p;
		int ok;
		const char *why;       /* a word of the message */
	} t[] = {
		{ { 7, 12300, "EUR", "2026-12-01", "transfer", "REF 1", "" }, 1, NULL },
		{ { 7, -500, "EUR", "2026-12-01", "card", "", "" }, 1, NULL },              /* a refund */
		{ { 7, 1, "JPY", "2026-12-01", "direct_debit", "", "" }, 1, NULL },
		{ { 0, 12300, "EUR", "2026-12-01", "transfer", "", "" }, 0, "customer" },
		{ { 7, 0, "EUR", "2026-12-01", "transfer", "", "" }, 0, "zero" },
		{ { 7, 100, "XXX", "2026-12-01", "transfer", "", "" }, 0, "currency" },
		{ { 7, 100, "EUR", "2026-1-01", "transfer", "", "" }, 0, "date" },
		{ { 7, 100, "EUR", "01.12.2026", "transfer", "", "" }, 0, "date" },
		{ { 7, 100, "EUR", "2026-12-01", "cheque", "", "" }, 0, "method" },
		{ { 7, 100, "EUR", "2026-12-01", NULL, "", "" }, 0, "method" },
	};
	(void)state;
	for (size_t i = 0; i < sizeof(t) / sizeof(t[0]); i++) {
		const char *why = "x";
		ierr e = payment_check(&t[i].p, &why);

		if (t[i].ok) {
			assert_int_equal(e, IE_OK);
			assert_null(why);
		} else {
			assert_int_equal(e, IE_INVALID);
			assert_non_null(why);
			assert_non_null(strstr(why, t[i].why));
		}
	}
}

static void test_long_reference(void **state)
{
	char ref[200];
	struct payment_new p = { 7, 100, "EUR", "2026-12-01", "cash", ref, "" };
	const char *why;

	(void)state;
	memset(ref, 'r', 140);
	ref[140] = '\0';
	assert_int_equal(payment_check(&p, &why), IE_OK);
	ref[140] = 'r';
	ref[141] = '\0';
	assert_int_equal(payment_check(&p, &why), IE_INVALID);
	assert_non_null(strstr(why, "140"));
}

static void test_filter(void **state)
{
	static const struct {
		struct payment_filter f;
		const char *bad;
	} t[] = {
		{ { 0, NULL, NULL, NULL, NULL, 0 }, NULL },
		{ { 3, "acme", "12.30", "2026-01-01", "2026-12-31", 1 }, NULL },
		{ { 0, "", "", "", "", 0 }, NULL },                 /* empty fields: not filtered */
		{ { 0, NULL, "12.3x", NULL, NULL, 0 }, "amount" },
		{ { 0, NULL, "-5", NULL, NULL, 0 }, "amount" },
		{ { 0, NULL, "0", NULL, NULL, 0 }, "amount" },
		{ { 0, NULL, "1.2345", NULL, NULL, 0 }, "amount" }, /* more decimals than any currency */
		{ { 0, NULL, NULL, "2026-13", NULL, 0 }, "from" },
		{ { 0, NULL, NULL, NULL, "tomorrow", 0 }, "to" },
		{ { 0, NULL, NULL, "2026-12-02", "2026-12-01", 0 }, "to" },
	};
	(void)state;
	for (size_t i = 0; i < sizeof(t) / sizeof(t[0]); i++) {
		const char *bad, *why;
		ierr e = payment_filter_check(&t[i].f, &bad, &why);

		if (!t[i].bad) {
			assert_int_equal(e, IE_OK);
		} else {
			assert_int_equal(e, IE_INVALID);
			assert_string_equal(bad, t[i].bad);
			assert_non_null(why);
		}
	}
}

static void test_method_labels(void **state)
{
	(void)state;
	assert_string_equal(payment_method_label("transfer"), "Bank transfer");
	assert_string_equal(payment_method_label("direct_debit"), "Direct debit");
	assert_string_equal(payment_method_label("odd"), "odd");
	for (size_t i = 0; payment_methods[i]; i++)
		assert_non_null(payment_method_labels[i]);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_spread), cmocka_unit_test(test_check), cmocka_unit_test(test_long_reference),
		cmocka_unit_test(test_filter), cmocka_unit_test(test_method_labels),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
