/*
 * test_portal.c — unit tests for the pure part of lib/portal.c: the 12
 * months of the portal's chart, padded around the months that have figures,
 * across a year's end, for one currency of several, and bad dates refused.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <string.h>
#include "customer.h"
#include "portal.h"

static void test_chart_months(void **state)
{
	static const struct customer_month m[] = {
		{ "2025-04", "EUR", 100, 0 },      /* the first month shown */
		{ "2025-03", "EUR", 999, 999 },    /* before the 12 months: left out */
		{ "2025-12", "EUR", 5000, 2500 },
		{ "2025-12", "USD", 7000, 7000 },  /* another currency */
		{ "2026-03", "EUR", -300, 50 },    /* credit notes outweigh: negative */
	};
	struct dash_month out[DASH_MONTHS];
	(void)state;

	assert_int_equal(portal_chart(m, sizeof(m) / sizeof(m[0]), "EUR", "2026-03-15", out), IE_OK);
	assert_string_equal(out[0].month, "2025-04");
	assert_string_equal(out[8].month, "2025-12");
	assert_string_equal(out[9].month, "2026-01");
	assert_string_equal(out[11].month, "2026-03");
	assert_int_equal(out[0].billed, 100);
	assert_int_equal(out[8].billed, 5000);
	assert_int_equal(out[8].paid, 2500);
	assert_int_equal(out[11].billed, -300);
	assert_int_equal(out[11].paid, 50);
	for (int i = 1; i < 8; i++) {
		assert_int_equal(out[i].billed, 0);
		assert_int_equal(out[i].paid, 0);
	}
	assert_int_equal(portal_chart(m, sizeof(m) / sizeof(m[0]), "USD", "2026-03-01", out), IE_OK);
	assert_int_equal(out[8].billed, 7000);
	assert_int_equal(out[11].billed, 0);
	/* December: the 12 months are one calendar year */
	assert_int_equal(portal_chart(m, 0, "EUR", "2026-12-31", out), IE_OK);
	assert_string_equal(out[0].month, "2026-01");
	assert_string_equal(out[11].month, "2026-12");
	/* January: back to February of the year before */
	assert_int_equal(portal_chart(m, 0, "EUR", "2027-01-01", out), IE_OK);
	assert_string_equal(out[0].month, "2026-02");
	assert_string_equal(out[11].month, "2027-01");
	assert_int_not_equal(portal_chart(m, 0, "EUR", "2026-02-30", out), IE_OK);
	assert_int_not_equal(portal_chart(m, 0, "EUR", "yesterday", out), IE_OK);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_chart_months),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
