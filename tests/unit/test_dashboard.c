/*
 * test_dashboard.c — lib/dashboard.c without a database: aging bucket
 * boundaries (table-driven, DST days included), each bucket's list link range,
 * and the SVG chart builder (escaping, scale, empty data, negative months).
 * The figures themselves are checked against SQL over HTTP
 * (tests/http/dashboard.test.mjs).
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <string.h>
#include <time.h>
#include "buf.h"
#include "dashboard.h"
#include "date.h"
#include "invoice.h"

static void test_buckets(void **state)
{
	static const struct { const char *due, *today; enum dash_bucket b; } t[] = {
		{ "2026-04-01", "2026-03-31", DASH_CURRENT },   /* due tomorrow */
		{ "2026-03-31", "2026-03-31", DASH_CURRENT },   /* due today: not overdue */
		{ "2026-03-30", "2026-03-31", DASH_1_30 },      /* 1 day */
		{ "2026-03-01", "2026-03-31", DASH_1_30 },      /* 30 */
		{ "2026-02-28", "2026-03-31", DASH_31_60 },     /* 31 */
		{ "2026-01-30", "2026-03-31", DASH_31_60 },     /* 60 */
		{ "2026-01-29", "2026-03-31", DASH_61_90 },     /* 61 */
		{ "2025-12-31", "2026-03-31", DASH_61_90 },     /* 90 */
		{ "2025-12-30", "2026-03-31", DASH_OVER_90 },   /* 91 */
		{ "2019-01-01", "2026-03-31", DASH_OVER_90 },
		{ "2024-02-29", "2024-03-30", DASH_1_30 },      /* leap day: 30 */
		{ "2024-02-29", "2024-03-31", DASH_31_60 },     /* 31 */
		{ "2025-12-31", "2026-01-30", DASH_1_30 },      /* over new year: 30 */
		{ "2025-12-31", "2026-01-31", DASH_31_60 },
	};
	enum dash_bucket b;

	(void)state;
	for (size_t i = 0; i < sizeof(t) / sizeof(t[0]); i++) {
		assert_int_equal(dash_bucket_of(t[i].due, t[i].today, &b), IE_OK);
		if (b != t[i].b)
			fail_msg("due %s today %s: bucket %d, want %d", t[i].due, t[i].today, b, t[i].b);
	}
	assert_int_equal(dash_bucket_of("2026-02-30", "2026-03-31", &b), IE_INVALID);
	assert_int_equal(dash_bucket_of("2026-3-01", "2026-03-31", &b), IE_INVALID);
	assert_int_equal(dash_bucket_of("2026-03-01", "", &b), IE_INVALID);
}

/* Days past due in the customer's zone across the DST changes: the date is
 * the zone's calendar date, so a 23- or 25-hour day is still one day. */
static void test_dst(void **state)
{
	static const struct { time_t now; const char *tz, *today, *due; enum dash_bucket b; } t[] = {
		/* Berlin, spring forward 2026-03-29 01:00 UTC */
		{ 1774744200, "Europe/Berlin", "2026-03-29", "2026-03-28", DASH_1_30 },   /* 00:30 UTC, 01:30 CET */
		{ 1774822200, "Europe/Berlin", "2026-03-30", "2026-03-30", DASH_CURRENT }, /* 22:10 UTC, 00:10 CEST */
		{ 1774821000, "Europe/Berlin", "2026-03-29", "2026-02-27", DASH_1_30 },   /* 21:50 UTC, 23:50 CEST: 30 days */
		{ 1774822200, "Europe/Berlin", "2026-03-30", "2026-02-27", DASH_31_60 },  /* 20 min later: 31 days */
		/* Berlin, fall back 2026-10-25 01:00 UTC: the 25-hour day */
		{ 1792969140, "Europe/Berlin", "2026-10-25", "2026-07-27", DASH_61_90 },  /* 22:59 UTC, 23:59 CET: 90 days */
		{ 1792971000, "Europe/Berlin", "2026-10-26", "2026-07-27", DASH_OVER_90 }, /* 23:30 UTC, 00:30 CET: 91 */
		/* New York, spring forward 2026-03-08 */
		{ 1773027000, "America/New_York", "2026-03-08", "2025-12-08", DASH_61_90 },  /* 23:30 EDT: 90 days */
		{ 1773030600, "America/New_York", "2026-03-09", "2025-12-08", DASH_OVER_90 }, /* 00:30 EDT: 91 */
	};
	char today[11];
	enum dash_bucket b;

	(void)state;
	for (size_t i = 0; i < sizeof(t) / sizeof(t[0]); i++) {
		assert_int_equal(inv_today(t[i].tz, t[i].now, today), IE_OK);
		if (strcmp(today, t[i].today))
			fail_msg("case %zu: today %s, want %s", i, today, t[i].today);
		assert_int_equal(dash_bucket_of(t[i].due, today, &b), IE_OK);
		if (b != t[i].b)
			fail_msg("case %zu: due %s today %s: bucket %d, want %d", i, t[i].due, today, b, t[i].b);
	}
}

/* Each bucket's link range holds exactly the due dates of that bucket. */
static void test_ranges(void **state)
{
	static const char *const todays[] = { "2026-03-31", "2026-03-01", "2024-03-01", "2026-01-01" };
	char from[11], to[11], d[11];
	enum dash_bucket b;

	(void)state;
	assert_int_equal(dash_bucket_range(DASH_1_30, "2026-03-31", from, to), IE_OK);
	assert_string_equal(from, "2026-03-01");
	assert_string_equal(to, "2026-03-30");
	assert_int_equal(dash_bucket_range(DASH_OVER_90, "2026-03-31", from, to), IE_OK);
	assert_string_equal(from, "");
	assert_string_equal(to, "2025-12-30");
	assert_int_equal(dash_bucket_range(DASH_CURRENT, "2026-03-31", from, to), IE_OK);
	assert_string_equal(from, "2026-03-31");
	assert_string_equal(to, "");
	for (size_t t = 0; t < sizeof(todays) / sizeof(todays[0]); t++)
		for (long k = -5; k < 200; k++) {
			enum dash_bucket want;

			assert_int_equal(date_add(todays[t], -k, d), IE_OK);
			assert_int_equal(dash_bucket_of(d, todays[t], &want), IE_OK);
			for (b = DASH_CURRENT; b < DASH_NBUCKETS; b++) {
				int in;

				assert_int_equal(dash_bucket_range(b, todays[t], from, to), IE_OK);
				in = (!from[0] || strcmp(d, from) >= 0) && (!to[0] || strcmp(d, to) <= 0);
				if (in != (b == want))
					fail_msg("today %s due %s bucket %d: in range %d", todays[t], d, b, in);
			}
		}
}

static void test_svg_escaping(void **state)
{
	struct dash_month m[2] = { { "2026-01", 100000, 50000 }, { "2026-02", 0, 0 } };
	struct buf b = BUF_INIT;

	(void)state;
	assert_int_equal(dash_svg(&b, "c-eur", "<b>Billed & \"paid\"</b>", "EUR", m, 2), IE_OK);
	assert_null(strstr(b.data, "<b>"));
	assert_non_null(strstr(b.data, "<title id=\"c-eur-t\">&lt;b&gt;Billed &amp; &quot;paid&quot;&lt;/b&gt;</title>"));
	assert_non_null(strstr(b.data, "aria-labelledby=\"c-eur-t c-eur-d\""));
	assert_non_null(strstr(b.data, "<desc id=\"c-eur-d\">"));
	assert_non_null(strstr(b.data, "1,000.00"));   /* the top label in EUR */
	assert_non_null(strstr(b.data, ">Billed</text>"));
	assert_non_null(strstr(b.data, ">Paid</text>"));
	assert_non_null(strstr(b.data, ">2026-02</text>"));
	assert_true(b.len > 0 && !strncmp(b.data, "<svg", 4) && !strcmp(b.data + b.len - 6, "</svg>"));
	buf_free(&b);
}

static void test_svg_scale(void **state)
{
	struct dash_month m[2] = { { "2026-01", 100000, 50000 }, { "2026-02", 25000, 0 } };
	struct buf b = BUF_INIT;

	(void)state;
	assert_int_equal(dash_svg(&b, "c", "t", "EUR", m, 2), IE_OK);
	/* the largest bar spans the plot (180 px from y 16), half of it 90 px, the zero line at 196 */
	assert_non_null(strstr(b.data, "y=\"16\" width=\"104\" height=\"180\""));
	assert_non_null(strstr(b.data, "y=\"106\" width=\"104\" height=\"90\""));
	assert_non_null(strstr(b.data, "y=\"151\" width=\"104\" height=\"45\""));
	assert_non_null(strstr(b.data, "class=\"axis\" x1=\"100\" y1=\"196\""));
	buf_free(&b);
}

static void test_svg_negative(void **state)
{
	/* a month where credit notes outweigh invoices: the bar hangs below zero */
	struct dash_month m[2] = { { "2026-01", 100000, 0 }, { "2026-02", -100000, 0 } };
	struct buf b = BUF_INIT;

	(void)state;
	assert_int_equal(dash_svg(&b, "c", "t", "EUR", m, 2), IE_OK);
	assert_non_null(strstr(b.data, "class=\"axis\" x1=\"100\" y1=\"106\""));      /* zero in the middle */
	assert_non_null(strstr(b.data, "y=\"16\" width=\"104\" height=\"90\""));      /* +1000 up from it */
	assert_non_null(strstr(b.data, "y=\"106\" width=\"104\" height=\"90\"><title>2026-02 billed -1,000.00"));
	buf_free(&b);
}

static void test_svg_empty(void **state)
{
	struct buf b = BUF_INIT;

	(void)state;
	assert_int_equal(dash_svg(&b, "c", "t", "JPY", NULL, 0), IE_OK);
	assert_non_null(strstr(b.data, "No data"));
	assert_null(strstr(b.data, "<rect class=\"billed\" x=\"1"));   /* no bars, only the legend's */
	assert_true(!strcmp(b.data + b.len - 6, "</svg>"));
	buf_free(&b);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_buckets),     cmocka_unit_test(test_dst),        cmocka_unit_test(test_ranges),
		cmocka_unit_test(test_svg_escaping), cmocka_unit_test(test_svg_scale), cmocka_unit_test(test_svg_negative),
		cmocka_unit_test(test_svg_empty),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
