/*
 * test_alloc.c — the allocation rule of lib/alloc.c without a database:
 * every pair (payment, refund, credit note -> invoice, credit note), every
 * state, customer and currency mismatch, and the bounds on both sides.
 * The locking transactions are exercised over HTTP (tests/http/payments.test.mjs).
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include "alloc.h"

/* payments: is_document 0; documents: kind, status */
#define PAY(amount, used)             { 0, 0, "", 7, "EUR", (amount), (used) }
#define PAY_IN(cust, cur, amount)     { 0, 0, "", (cust), (cur), (amount), 0 }
#define INV(status, total, paid)      { 1, 0, (status), 7, "EUR", (total), (paid) }
#define INV_OF(cust, cur, total)      { 1, 0, "open", (cust), (cur), (total), 0 }
#define CN(status, total, spent)      { 1, 1, (status), 7, "EUR", (total), (spent) }

static void test_rule(void **state)
{
	static const struct {
		struct alloc_side src, dst;
		money_t amount;
		enum alloc_refusal want;
	} t[] = {
		/* payment -> invoice */
		{ PAY(10000, 0), INV("open", 5000, 0), 5000, ALLOC_OK },          /* full */
		{ PAY(10000, 0), INV("open", 5000, 0), 1, ALLOC_OK },             /* partial */
		{ PAY(10000, 9000), INV("open", 5000, 0), 1000, ALLOC_OK },       /* the payment's last 10.00 */
		{ PAY(10000, 9000), INV("open", 5000, 0), 1001, ALLOC_OVER_SOURCE },
		{ PAY(10000, 0), INV("open", 5000, 4000), 1000, ALLOC_OK },       /* the invoice's last 10.00 */
		{ PAY(10000, 0), INV("open", 5000, 4000), 1001, ALLOC_OVER_TARGET },
		{ PAY(10000, 0), INV("open", 5000, 0), 0, ALLOC_AMOUNT },
		{ PAY(10000, 0), INV("open", 5000, 0), -5, ALLOC_AMOUNT },
		{ PAY(10000, 10000), INV("open", 5000, 0), 1, ALLOC_OVER_SOURCE },/* fully allocated */
		{ PAY(10000, 0), INV("paid", 5000, 5000), 1, ALLOC_TARGET_STATE },/* settled */
		{ PAY(10000, 0), INV("draft", 5000, 0), 1, ALLOC_TARGET_STATE },
		{ PAY(10000, 0), INV("void", 5000, 0), 1, ALLOC_TARGET_STATE },
		{ PAY_IN(8, "EUR", 10000), INV_OF(7, "EUR", 5000), 1, ALLOC_CUSTOMER },
		{ PAY_IN(7, "USD", 10000), INV_OF(7, "EUR", 5000), 1, ALLOC_CURRENCY },
		{ PAY(10000, 0), CN("open", 5000, 0), 1, ALLOC_KIND },            /* money in never settles a credit */
		/* refund -> credit note */
		{ PAY(-3000, 0), CN("open", 5000, 0), 3000, ALLOC_OK },
		{ PAY(-3000, 0), CN("open", 5000, 0), 3001, ALLOC_OVER_SOURCE },
		{ PAY(-9000, 0), CN("open", 5000, 2500), 2500, ALLOC_OK },         /* the unspent credit */
		{ PAY(-9000, 0), CN("open", 5000, 2500), 2501, ALLOC_OVER_TARGET },
		{ PAY(-9000, 0), CN("paid", 5000, 5000), 1, ALLOC_TARGET_STATE },  /* all credit spent */
		{ PAY(-9000, 0), CN("void", 5000, 0), 1, ALLOC_TARGET_STATE },
		{ PAY(-9000, 0), INV("open", 5000, 0), 1, ALLOC_KIND },            /* a refund never settles an invoice */
		/* credit note -> invoice */
		{ CN("open", 5000, 0), INV("open", 8000, 0), 5000, ALLOC_OK },
		{ CN("open", 5000, 1000), INV("open", 8000, 0), 4001, ALLOC_OVER_SOURCE },
		{ CN("open", 5000, 0), INV("open", 3000, 0), 3001, ALLOC_OVER_TARGET },
		{ CN("draft", 5000, 0), INV("open", 8000, 0), 1, ALLOC_SOURCE_STATE },
		{ CN("void", 5000, 0), INV("open", 8000, 0), 1, ALLOC_SOURCE_STATE },
		{ CN("open", 5000, 0), CN("open", 5000, 0), 1, ALLOC_KIND },        /* credit against credit */
		{ INV("open", 5000, 0), INV("open", 5000, 0), 1, ALLOC_KIND },      /* an invoice is no source */
	};
	const char *why;

	(void)state;
	for (size_t i = 0; i < sizeof(t) / sizeof(t[0]); i++) {
		enum alloc_refusal r = alloc_check(&t[i].src, &t[i].dst, t[i].amount, &why);

		if (r != t[i].want)
			fail_msg("case %zu: refusal %d, want %d", i, r, t[i].want);
		assert_non_null(why);
		assert_true((r == ALLOC_OK) == (why[0] == '\0'));
	}
}

static void test_open_and_status(void **state)
{
	struct alloc_side refund = PAY(-3000, 1000), pay = PAY(3000, 3500), cn = CN("open", 5000, 2000);

	(void)state;
	assert_int_equal(alloc_open(&refund), 2000);
	assert_int_equal(alloc_open(&pay), 0);        /* never negative */
	assert_int_equal(alloc_open(&cn), 3000);
	assert_string_equal(alloc_status_of(5000, 0), "open");
	assert_string_equal(alloc_status_of(5000, 4999), "open");
	assert_string_equal(alloc_status_of(5000, 5000), "paid");
	assert_string_equal(alloc_status_of(0, 0), "paid");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_rule),
		cmocka_unit_test(test_open_and_status),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
