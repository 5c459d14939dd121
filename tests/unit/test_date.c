/*
 * test_date.c — lib/date.c: parsing (every way a date can be wrong), days
 * in month, day numbers against fixed points (the epoch, leap days, century
 * years, year 1 and 9999), adding and subtracting days across month, year
 * and century ends, and a round trip over every day of 1600..2400.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <string.h>
#include "date.h"

static void test_parse(void **state)
{
	static const struct { const char *s; ierr e; int y, m, d; } t[] = {
		{ "2024-02-29", IE_OK, 2024, 2, 29 },      /* leap year */
		{ "2000-02-29", IE_OK, 2000, 2, 29 },      /* divisible by 400 */
		{ "1970-01-01", IE_OK, 1970, 1, 1 },
		{ "0001-01-01", IE_OK, 1, 1, 1 },
		{ "9999-12-31", IE_OK, 9999, 12, 31 },
		{ "2026-04-30", IE_OK, 2026, 4, 30 },
		{ "2023-02-29", IE_INVALID, 0, 0, 0 },              /* not a leap year */
		{ "1900-02-29", IE_INVALID, 0, 0, 0 },              /* century, not by 400 */
		{ "2026-04-31", IE_INVALID, 0, 0, 0 },
		{ "2026-13-01", IE_INVALID, 0, 0, 0 },
		{ "2026-00-10", IE_INVALID, 0, 0, 0 },
		{ "2026-01-00", IE_INVALID, 0, 0, 0 },
		{ "2026-01-32", IE_INVALID, 0, 0, 0 },
		{ "0000-01-01", IE_INVALID, 0, 0, 0 },              /* year 0 */
		{ "2026-1-01", IE_INVALID, 0, 0, 0 },
		{ "2026-01-1", IE_INVALID, 0, 0, 0 },
		{ "2026-01-011", IE_INVALID, 0, 0, 0 },
		{ "2026/01/01", IE_INVALID, 0, 0, 0 },
		{ "2026-0a-01", IE_INVALID, 0, 0, 0 },
		{ "+026-01-01", IE_INVALID, 0, 0, 0 },
		{ " 2026-01-01", IE_INVALID, 0, 0, 0 },
		{ "", IE_INVALID, 0, 0, 0 },
		{ "junk", IE_INVALID, 0, 0, 0 },
		{ NULL, IE_INVALID, 0, 0, 0 },
	};
	struct date d;

	(void)state;
	for (size_t i = 0; i < sizeof(t) / sizeof(t[0]); i++) {
		memset(&d, 0, sizeof(d));
		if (date_parse(t[i].s, &d) != t[i].e)
			fail_msg("date_parse(%s): want %d", t[i].s ? t[i].s : "NULL", t[i].e);
		if (t[i].e == IE_OK && (d.y != t[i].y || d.m != t[i].m || d.d != t[i].d))
			fail_msg("date_parse(%s): %d-%d-%d", t[i].s, d.y, d.m, d.d);
	}
	/* date_parse_n takes the length: a longer buffer's first 10 bytes */
	assert_int_equal(date_parse_n("2026-01-01T00:00", 10, &d), IE_OK);
	assert_int_equal(d.d, 1);
	assert_int_equal(date_parse_n("2026-01-01", 9, &d), IE_INVALID);
}

static void test_mdays(void **state)
{
	static const struct { int y, m, n; } t[] = {
		{ 2026, 1, 31 }, { 2026, 2, 28 }, { 2024, 2, 29 }, { 1900, 2, 28 }, { 2000, 2, 29 },
		{ 2100, 2, 28 }, { 2026, 4, 30 }, { 2026, 6, 30 }, { 2026, 9, 30 }, { 2026, 11, 30 },
		{ 2026, 12, 31 }, { 2026, 0, 0 }, { 2026, 13, 0 }, { 2026, -1, 0 },
	};

	(void)state;
	for (size_t i = 0; i < sizeof(t) / sizeof(t[0]); i++)
		if (date_mdays(t[i].y, t[i].m) != t[i].n)
			fail_msg("date_mdays(%d, %d) = %d, want %d", t[i].y, t[i].m, date_mdays(t[i].y, t[i].m), t[i].n);
	assert_true(date_leap(2024) && date_leap(2000) && date_leap(1600));
	assert_false(date_leap(2023) || date_leap(1900) || date_leap(2100));
}

static void test_days(void **state)
{
	static const struct { int y, m, d; long long n; } t[] = {
		{ 1970, 1, 1, 0 },
		{ 1970, 1, 2, 1 },
		{ 1969, 12, 31, -1 },
		{ 2000, 3, 1, 11017 },
		{ 2024, 2, 29, 19782 },
		{ 2026, 12, 3, 20790 },
		{ 1900, 1, 1, -25567 },
		{ 2999, 12, 31, 376199 },
		{ 1, 1, 1, -719162 },
		{ 9999, 12, 31, 2932896 },
	};

	(void)state;
	for (size_t i = 0; i < sizeof(t) / sizeof(t[0]); i++) {
		struct date c = date_civil(t[i].n);

		if (date_days(t[i].y, t[i].m, t[i].d) != t[i].n)
			fail_msg("date_days(%d-%d-%d) = %lld, want %lld", t[i].y, t[i].m, t[i].d,
				 date_days(t[i].y, t[i].m, t[i].d), t[i].n);
		if (c.y != t[i].y || c.m != t[i].m || c.d != t[i].d)
			fail_msg("date_civil(%lld) = %d-%d-%d", t[i].n, c.y, c.m, c.d);
	}
}

/* every day of 1600-01-01 .. 2400-12-31 forth and back, consecutive */
static void test_round_trip(void **state)
{
	long long first = date_days(1600, 1, 1), last = date_days(2400, 12, 31);
	struct date prev = { 1599, 12, 31 };

	(void)state;
	for (long long n = first; n <= last; n++) {
		struct date c = date_civil(n);
		int next = (c.y == prev.y && c.m == prev.m && c.d == prev.d + 1)
			   || (c.y == prev.y && c.m == prev.m + 1 && c.d == 1 && prev.d == date_mdays(prev.y, prev.m))
			   || (c.y == prev.y + 1 && c.m == 1 && c.d == 1 && prev.m == 12 && prev.d == 31);

		if (!next || date_days(c.y, c.m, c.d) != n)
			fail_msg("day %lld: %d-%d-%d after %d-%d-%d", n, c.y, c.m, c.d, prev.y, prev.m, prev.d);
		prev = c;
	}
}

static void test_add(void **state)
{
	static const struct { const char *s; long long n; ierr e; const char *want; } t[] = {
		{ "2026-12-01", 14, IE_OK, "2026-12-15" },
		{ "2027-02-15", 14, IE_OK, "2027-03-01" },
		{ "2000-03-01", -1, IE_OK, "2000-02-29" },
		{ "1970-01-01", 365, IE_OK, "1971-01-01" },
		{ "2026-12-20", 14, IE_OK, "2027-01-03" },    /* over new year */
		{ "2026-01-31", 30, IE_OK, "2026-03-02" },
		{ "2028-02-15", 14, IE_OK, "2028-02-29" },    /* leap day */
		{ "2024-02-28", 2, IE_OK, "2024-03-01" },
		{ "2100-02-28", 1, IE_OK, "2100-03-01" },     /* not a leap year */
		{ "2000-02-28", 1, IE_OK, "2000-02-29" },     /* a leap year */
		{ "2026-03-31", 0, IE_OK, "2026-03-31" },
		{ "2026-03-01", -1, IE_OK, "2026-02-28" },
		{ "2026-01-01", -1, IE_OK, "2025-12-31" },
		{ "2026-03-31", -91, IE_OK, "2025-12-30" },
		{ "2026-06-15", 365, IE_OK, "2027-06-15" },
		{ "2024-06-15", -366, IE_OK, "2023-06-15" },
		{ "1970-01-01", 2932896, IE_OK, "9999-12-31" },
		{ "9999-12-31", 1, IE_INVALID, NULL },              /* past year 9999 */
		{ "0001-01-01", -1, IE_INVALID, NULL },             /* before year 1 */
		{ "2026-01-01", 10000001, IE_INVALID, NULL },
		{ "2026-02-30", 1, IE_INVALID, NULL },
		{ "junk", 1, IE_INVALID, NULL },
		{ NULL, 1, IE_INVALID, NULL },
	};
	char out[DATE_SIZE];

	(void)state;
	for (size_t i = 0; i < sizeof(t) / sizeof(t[0]); i++) {
		ierr e = date_add(t[i].s, t[i].n, out);

		if (e != t[i].e)
			fail_msg("date_add(%s, %lld): %d, want %d", t[i].s ? t[i].s : "NULL", t[i].n, e, t[i].e);
		if (e == IE_OK && strcmp(out, t[i].want))
			fail_msg("date_add(%s, %lld) = %s, want %s", t[i].s, t[i].n, out, t[i].want);
	}
}

static void test_between(void **state)
{
	static const struct { const char *a, *b; ierr e; long long n; } t[] = {
		{ "2026-03-31", "2026-03-31", IE_OK, 0 },
		{ "2026-03-30", "2026-03-31", IE_OK, 1 },
		{ "2026-03-31", "2026-03-30", IE_OK, -1 },
		{ "2026-03-01", "2026-03-31", IE_OK, 30 },
		{ "2026-02-28", "2026-03-31", IE_OK, 31 },
		{ "2024-02-29", "2024-03-30", IE_OK, 30 },
		{ "2025-12-31", "2026-01-30", IE_OK, 30 },
		{ "2024-01-01", "2025-01-01", IE_OK, 366 },
		{ "2025-01-01", "2026-01-01", IE_OK, 365 },
		{ "1900-01-01", "2000-01-01", IE_OK, 36524 },
		{ "2000-01-01", "2100-01-01", IE_OK, 36525 },
		{ "2026-02-30", "2026-03-31", IE_INVALID, 0 },
		{ "2026-03-01", "", IE_INVALID, 0 },
	};
	long long n;

	(void)state;
	for (size_t i = 0; i < sizeof(t) / sizeof(t[0]); i++) {
		n = -12345;
		if (date_between(t[i].a, t[i].b, &n) != t[i].e)
			fail_msg("date_between(%s, %s): want %d", t[i].a, t[i].b, t[i].e);
		if (t[i].e == IE_OK && n != t[i].n)
			fail_msg("date_between(%s, %s) = %lld, want %lld", t[i].a, t[i].b, n, t[i].n);
	}
}

static void test_format(void **state)
{
	static const struct { struct date d; ierr e; const char *want; } t[] = {
		{ { 2026, 12, 3 }, IE_OK, "2026-12-03" },
		{ { 1, 1, 1 }, IE_OK, "0001-01-01" },
		{ { 9999, 12, 31 }, IE_OK, "9999-12-31" },
		{ { 2024, 2, 29 }, IE_OK, "2024-02-29" },
		{ { 2023, 2, 29 }, IE_INVALID, NULL },
		{ { 10000, 1, 1 }, IE_INVALID, NULL },
		{ { 0, 12, 31 }, IE_INVALID, NULL },
		{ { 2026, 13, 1 }, IE_INVALID, NULL },
		{ { 2026, 1, 0 }, IE_INVALID, NULL },
	};
	char out[DATE_SIZE];

	(void)state;
	for (size_t i = 0; i < sizeof(t) / sizeof(t[0]); i++) {
		ierr e = date_format(t[i].d, out);

		if (e != t[i].e)
			fail_msg("date_format(%d-%d-%d): %d, want %d", t[i].d.y, t[i].d.m, t[i].d.d, e, t[i].e);
		if (e == IE_OK && strcmp(out, t[i].want))
			fail_msg("date_format(%d-%d-%d) = %s", t[i].d.y, t[i].d.m, t[i].d.d, out);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_parse), cmocka_unit_test(test_mdays),  cmocka_unit_test(test_days),
		cmocka_unit_test(test_round_trip), cmocka_unit_test(test_add), cmocka_unit_test(test_between),
		cmocka_unit_test(test_format),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
