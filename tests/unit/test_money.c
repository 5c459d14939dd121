/*
 * test_money.c — unit tests for lib/money.c: parsing, formatting, rounding,
 * tax, per-rate totals, overflow and the golden cases of DESIGN.md "Money".
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <string.h>
#include "money.h"

#define ARRAY_LEN(a) (sizeof(a) / sizeof((a)[0]))
#define PCT(x) ((int64_t)(x) * MONEY_RATE_SCALE)	/* whole percent */
#define Q(x) ((int64_t)(x) * MONEY_SCALE)		/* whole units, 6 decimals */

/* ---- currencies ---- */

static void test_currency_table(void **state)
{
	static const struct {
		const char *code;
		int exponent;
	} cases[] = {
		{ "USD", 2 }, { "EUR", 2 }, { "GBP", 2 }, { "CHF", 2 }, { "JPY", 0 },
		{ "KRW", 0 }, { "CNY", 2 }, { "SEK", 2 }, { "NOK", 2 }, { "DKK", 2 },
		{ "PLN", 2 }, { "CZK", 2 }, { "HUF", 2 }, { "RON", 2 }, { "BGN", 2 },
		{ "CAD", 2 }, { "AUD", 2 }, { "NZD", 2 }, { "INR", 2 }, { "BRL", 2 },
		{ "MXN", 2 }, { "ZAR", 2 }, { "TRY", 2 }, { "AED", 2 }, { "SAR", 2 },
		{ "KWD", 3 }, { "BHD", 3 }, { "OMR", 3 }, { "JOD", 3 }, { "TND", 3 },
		{ "ISK", 0 }, { "CLP", 0 }, { "VND", 0 }, { "SGD", 2 }, { "HKD", 2 },
	};
	const struct money_currency *c;
	size_t i;

	(void)state;
	for (i = 0; i < ARRAY_LEN(cases); i++) {
		c = money_currency(cases[i].code);
		assert_non_null(c);
		assert_string_equal(c->code, cases[i].code);
		assert_int_equal(c->exponent, cases[i].exponent);
		assert_non_null(c->symbol);
		assert_true(c->symbol[0] != '\0');
		assert_int_equal(money_exponent(cases[i].code), cases[i].exponent);
	}
	assert_string_equal(money_currency("EUR")->symbol, "\xe2\x82\xac");	/* € */
	assert_string_equal(money_currency("GBP")->symbol, "\xc2\xa3");		/* £ */
	assert_string_equal(money_currency("JPY")->symbol, "\xc2\xa5");		/* ¥ */
}

static void test_currency_unknown(void **state)
{
	static const char *const bad[] = {
		"XXX", "eur", "Eur", "EU", "EURO", "", " EUR", "EUR ", "US$",
	};
	money_t v = 42;
	char out[32] = "untouched";
	size_t i;

	(void)state;
	for (i = 0; i < ARRAY_LEN(bad); i++) {
		assert_null(money_currency(bad[i]));
		assert_int_equal(money_exponent(bad[i]), -1);
		assert_int_equal(money_parse_amount("1.00", bad[i], &v), IE_INVALID);
		assert_int_equal(money_format(100, bad[i], out, sizeof(out)), IE_INVALID);
		assert_string_equal(out, "");
	}
	assert_null(money_currency(NULL));
	assert_int_equal(money_exponent(NULL), -1);
	assert_int_equal(v, 42);
}

/* ---- parsing ---- */

struct parse_case {
	const char *s;
	int decimals;
	ierr e;
	int64_t v;
};

static const struct parse_case parse_cases[] = {
	/* valid */
	{ "0", 2, IE_OK, 0 },
	{ "12.30", 2, IE_OK, 1230 },
	{ "12.3", 2, IE_OK, 1230 },
	{ "12", 2, IE_OK, 1200 },
	{ "-1234.5", 2, IE_OK, -123450 },
	{ "+7.01", 2, IE_OK, 701 },
	{ "-0.05", 2, IE_OK, -5 },
	{ "-0", 2, IE_OK, 0 },
	{ "0.004500", 6, IE_OK, 4500 },
	{ "0.0045", 6, IE_OK, 4500 },
	{ "1234.5", 6, IE_OK, 1234500000 },
	{ "1250", 0, IE_OK, 1250 },
	{ "1.250", 3, IE_OK, 1250 },
	{ "007.50", 2, IE_OK, 750 },
	{ "0000000000000000000000000001", 0, IE_OK, 1 },
	{ "9223372036854775807", 0, IE_OK, INT64_MAX },
	{ "-9223372036854775808", 0, IE_OK, INT64_MIN },
	{ "92233720368547758.07", 2, IE_OK, INT64_MAX },
	{ "-92233720368547758.08", 2, IE_OK, INT64_MIN },
	{ "92233720368547758", 2, IE_OK, 9223372036854775800LL },
	{ "9.223372036854775807", 18, IE_OK, INT64_MAX },
	/* syntax */
	{ "", 2, IE_INVALID, 0 },
	{ "-", 2, IE_INVALID, 0 },
	{ "+", 2, IE_INVALID, 0 },
	{ ".", 2, IE_INVALID, 0 },
	{ "1.2.3", 2, IE_INVALID, 0 },
	{ "abc", 2, IE_INVALID, 0 },
	{ "12a", 2, IE_INVALID, 0 },
	{ "1e5", 2, IE_INVALID, 0 },
	{ "1E5", 0, IE_INVALID, 0 },
	{ " 1", 2, IE_INVALID, 0 },
	{ "1 ", 2, IE_INVALID, 0 },
	{ "1\n", 2, IE_INVALID, 0 },
	{ "--1", 2, IE_INVALID, 0 },
	{ "+-1", 2, IE_INVALID, 0 },
	{ "1-", 2, IE_INVALID, 0 },
	{ "1,000.00", 2, IE_INVALID, 0 },
	{ "1,5", 2, IE_INVALID, 0 },
	{ "1.", 2, IE_INVALID, 0 },
	{ ".5", 2, IE_INVALID, 0 },
	{ "-.5", 2, IE_INVALID, 0 },
	{ "0x10", 2, IE_INVALID, 0 },
	{ "inf", 2, IE_INVALID, 0 },
	{ "nan", 2, IE_INVALID, 0 },
	/* too many decimals for the target: refused, never rounded */
	{ "1.234", 2, IE_INVALID, 0 },
	{ "1.230", 2, IE_INVALID, 0 },
	{ "1.5", 0, IE_INVALID, 0 },
	{ "0.0045001", 6, IE_INVALID, 0 },
	{ "1.2345", 3, IE_INVALID, 0 },
	/* junk wins over overflow */
	{ "99999999999999999999x", 0, IE_INVALID, 0 },
	/* out of range for decimals */
	{ "1", -1, IE_INVALID, 0 },
	{ "1", 19, IE_INVALID, 0 },
	/* overflow */
	{ "9223372036854775808", 0, IE_OVERFLOW, 0 },
	{ "-9223372036854775809", 0, IE_OVERFLOW, 0 },
	{ "99999999999999999999999", 0, IE_OVERFLOW, 0 },
	{ "92233720368547758.08", 2, IE_OVERFLOW, 0 },
	{ "-92233720368547758.09", 2, IE_OVERFLOW, 0 },
	{ "92233720368547759", 2, IE_OVERFLOW, 0 },
	{ "10", 18, IE_OVERFLOW, 0 },
	{ "10000000000000", 6, IE_OVERFLOW, 0 },
};

static void test_parse_table(void **state)
{
	const int64_t sentinel = 0x5a5a5a5a;
	int64_t v;
	size_t i;
	ierr e;

	(void)state;
	for (i = 0; i < ARRAY_LEN(parse_cases); i++) {
		const struct parse_case *c = &parse_cases[i];

		v = sentinel;
		e = money_parse(c->s, c->decimals, &v);
		if (e != c->e || (e == IE_OK && v != c->v) || (e != IE_OK && v != sentinel))
			fail_msg("money_parse(\"%s\", %d): got %d/%lld, want %d/%lld", c->s,
				 c->decimals, (int)e, (long long)v, (int)c->e, (long long)c->v);
	}
	assert_int_equal(money_parse(NULL, 2, &v), IE_INVALID);
	assert_int_equal(money_parse("1", 2, NULL), IE_INVALID);
}

/* money_parse_loose: what people type into the list's amount fields */
static const struct parse_case loose_cases[] = {
	{ "100.50", 2, IE_OK, 10050 },
	{ "100,50", 2, IE_OK, 10050 },
	{ " 100,5 ", 2, IE_OK, 10050 },
	{ "1,234.50", 2, IE_OK, 123450 },
	{ "1.234,50", 2, IE_OK, 123450 },
	{ "1 234,50", 2, IE_OK, 123450 },
	{ "1\xc2\xa0" "234,50", 2, IE_OK, 123450 },          /* no-break space */
	{ "1\xe2\x80\xaf" "234.50", 2, IE_OK, 123450 },      /* narrow no-break space */
	{ "1'234.50", 2, IE_OK, 123450 },
	{ "1,234", 2, IE_OK, 123400 },             /* a lone comma before three digits groups */
	{ "1.234", 3, IE_OK, 1234 },               /* a lone point is the decimal mark */
	{ "1234,567", 3, IE_OK, 1234567 },         /* four digits before: a decimal comma */
	{ "0,5", 2, IE_OK, 50 },
	{ "12,345,678", 2, IE_OK, 1234567800 },
	{ "1.234.567,89", 2, IE_OK, 123456789 },
	{ "-1.234,5", 2, IE_OK, -123450 },
	{ "+7", 2, IE_OK, 700 },
	{ "250", 2, IE_OK, 25000 },
	{ "1,2,3", 2, IE_INVALID, 0 },
	{ "1.234.5", 2, IE_INVALID, 0 },
	{ "1,23.456", 2, IE_INVALID, 0 },          /* groups come in threes */
	{ "1234,567.5", 2, IE_INVALID, 0 },        /* first group longer than three */
	{ "1.234,5,6", 2, IE_INVALID, 0 },
	{ ".5", 2, IE_INVALID, 0 },
	{ "5.", 2, IE_INVALID, 0 },
	{ "1,,5", 2, IE_INVALID, 0 },
	{ "12x", 2, IE_INVALID, 0 },
	{ "EUR 5", 2, IE_INVALID, 0 },
	{ "", 2, IE_INVALID, 0 },
	{ "   ", 2, IE_INVALID, 0 },
	{ "1 5", 2, IE_INVALID, 0 },
	{ "100,505", 2, IE_OK, 10050500 },         /* a lone comma before three digits groups... */
	{ "1,5055", 2, IE_INVALID, 0 },            /* ...but a decimal comma with 4 digits is too many for 2 */
};

static void test_parse_loose(void **state)
{
	int64_t v;
	size_t i;
	ierr e;

	(void)state;
	for (i = 0; i < ARRAY_LEN(loose_cases); i++) {
		const struct parse_case *c = &loose_cases[i];

		v = 0;
		e = money_parse_loose(c->s, c->decimals, &v);
		if (e != c->e || (e == IE_OK && v != c->v))
			fail_msg("money_parse_loose(\"%s\", %d): got %d/%lld, want %d/%lld", c->s,
				 c->decimals, (int)e, (long long)v, (int)c->e, (long long)c->v);
	}
	assert_int_equal(money_parse_loose(NULL, 2, &v), IE_INVALID);
	assert_int_equal(money_parse_loose("1", 2, NULL), IE_INVALID);
}

static void test_parse_amount(void **state)
{
	money_t v = 0;

	(void)state;
	assert_int_equal(money_parse_amount("12.30", "EUR", &v), IE_OK);
	assert_int_equal(v, 1230);
	assert_int_equal(money_parse_amount("1250", "JPY", &v), IE_OK);
	assert_int_equal(v, 1250);
	assert_int_equal(money_parse_amount("1.250", "KWD", &v), IE_OK);
	assert_int_equal(v, 1250);
	assert_int_equal(money_parse_amount("1.25", "KWD", &v), IE_OK);
	assert_int_equal(v, 1250);
	assert_int_equal(money_parse_amount("-1190.00", "USD", &v), IE_OK);
	assert_int_equal(v, -119000);
	v = 7;
	assert_int_equal(money_parse_amount("12.5", "JPY", &v), IE_INVALID);
	assert_int_equal(money_parse_amount("1.2345", "KWD", &v), IE_INVALID);
	assert_int_equal(money_parse_amount("1.234", "EUR", &v), IE_INVALID);
	assert_int_equal(money_parse_amount("92233720368547758.08", "EUR", &v), IE_OVERFLOW);
	assert_int_equal(v, 7);
}

/* ---- formatting ---- */

static void test_to_decimal_table(void **state)
{
	static const struct {
		int64_t v;
		int decimals;
		const char *want;
	} cases[] = {
		{ 1230, 2, "12.30" },
		{ -5, 2, "-0.05" },
		{ 5, 2, "0.05" },
		{ 0, 2, "0.00" },
		{ -100, 2, "-1.00" },
		{ 119000, 2, "1190.00" },
		{ -123456789, 2, "-1234567.89" },
		{ 5, 0, "5" },
		{ -12, 0, "-12" },
		{ 0, 0, "0" },
		{ -1, 3, "-0.001" },
		{ 1250, 3, "1.250" },
		{ 4500, 6, "0.004500" },
		{ 1234500000, 6, "1234.500000" },
		{ INT64_MAX, 0, "9223372036854775807" },
		{ INT64_MIN, 0, "-9223372036854775808" },
		{ INT64_MAX, 2, "92233720368547758.07" },
		{ INT64_MIN, 2, "-92233720368547758.08" },
		{ INT64_MIN, 18, "-9.223372036854775808" },
		{ INT64_MIN + 1, 18, "-9.223372036854775807" },
		{ 1, 18, "0.000000000000000001" },
	};
	char out[64];
	int64_t back;
	size_t i;

	(void)state;
	for (i = 0; i < ARRAY_LEN(cases); i++) {
		assert_int_equal(money_to_decimal(cases[i].v, cases[i].decimals, out, sizeof(out)),
				 IE_OK);
		assert_string_equal(out, cases[i].want);
		/* what we write, we read back exactly */
		assert_int_equal(money_parse(out, cases[i].decimals, &back), IE_OK);
		assert_int_equal(back, cases[i].v);
	}
}

static void test_to_decimal_errors(void **state)
{
	char out[8];

	(void)state;
	memcpy(out, "xxxxxxx", 8);
	assert_int_equal(money_to_decimal(1, -1, out, sizeof(out)), IE_INVALID);
	assert_string_equal(out, "");
	assert_int_equal(money_to_decimal(1, 19, out, sizeof(out)), IE_INVALID);
	/* "-1234.56" needs 9 bytes: refused, and no truncated amount left behind */
	memcpy(out, "xxxxxxx", 8);
	assert_int_equal(money_to_decimal(-123456, 2, out, 8), IE_OVERFLOW);
	assert_string_equal(out, "");
	assert_int_equal(money_to_decimal(-12345, 2, out, 8), IE_OK);
	assert_string_equal(out, "-123.45");
	assert_int_equal(money_to_decimal(1, 2, out, 0), IE_OVERFLOW);
	assert_int_equal(money_to_decimal(1, 2, NULL, 0), IE_OVERFLOW);
}

static void test_format_table(void **state)
{
	static const struct {
		money_t v;
		const char *cur, *want;
	} cases[] = {
		{ 119000, "EUR", "1,190.00 EUR" },
		{ -123456789, "USD", "-1,234,567.89 USD" },
		{ 1250, "JPY", "1,250 JPY" },
		{ 1250, "KWD", "1.250 KWD" },
		{ -12, "JPY", "-12 JPY" },
		{ 0, "EUR", "0.00 EUR" },
		{ -5, "EUR", "-0.05 EUR" },
		{ 99999, "EUR", "999.99 EUR" },
		{ 100000, "EUR", "1,000.00 EUR" },
		{ -100000, "EUR", "-1,000.00 EUR" },
		{ 999, "JPY", "999 JPY" },
		{ 1000, "JPY", "1,000 JPY" },
		{ -1000000, "KRW", "-1,000,000 KRW" },
		{ 123456789, "KWD", "123,456.789 KWD" },
		{ -1, "BHD", "-0.001 BHD" },
		{ 100000000, "CHF", "1,000,000.00 CHF" },
		{ INT64_MAX, "JPY", "9,223,372,036,854,775,807 JPY" },
		{ INT64_MIN, "JPY", "-9,223,372,036,854,775,808 JPY" },
		{ INT64_MAX, "EUR", "92,233,720,368,547,758.07 EUR" },
		{ INT64_MIN, "EUR", "-92,233,720,368,547,758.08 EUR" },
		{ INT64_MIN, "KWD", "-9,223,372,036,854,775.808 KWD" },
		{ INT64_MIN + 1, "KWD", "-9,223,372,036,854,775.807 KWD" },
	};
	char out[64];
	size_t i;

	(void)state;
	for (i = 0; i < ARRAY_LEN(cases); i++) {
		assert_int_equal(money_format(cases[i].v, cases[i].cur, out, sizeof(out)), IE_OK);
		assert_string_equal(out, cases[i].want);
	}
}

static void test_format_small_buffer(void **state)
{
	char out[13];

	(void)state;
	/* "1,190.00 EUR" is 12 chars: fits in 13, not in 12 */
	assert_int_equal(money_format(119000, "EUR", out, 13), IE_OK);
	assert_string_equal(out, "1,190.00 EUR");
	assert_int_equal(money_format(119000, "EUR", out, 12), IE_OVERFLOW);
	assert_string_equal(out, "");
	assert_int_equal(money_format(INT64_MIN, "EUR", out, sizeof(out)), IE_OVERFLOW);
	assert_string_equal(out, "");
	assert_int_equal(money_format(1, "EUR", out, 0), IE_OVERFLOW);
}

/* ---- arithmetic ---- */

static void test_add_sub(void **state)
{
	money_t r = 99;

	(void)state;
	assert_int_equal(money_add(119000, -119000, &r), IE_OK);
	assert_int_equal(r, 0);
	assert_int_equal(money_add(-5, -7, &r), IE_OK);
	assert_int_equal(r, -12);
	assert_int_equal(money_add(INT64_MAX - 1, 1, &r), IE_OK);
	assert_int_equal(r, INT64_MAX);
	assert_int_equal(money_add(INT64_MIN, INT64_MAX, &r), IE_OK);
	assert_int_equal(r, -1);
	assert_int_equal(money_sub(100, 250, &r), IE_OK);
	assert_int_equal(r, -150);
	assert_int_equal(money_sub(INT64_MIN + 1, 1, &r), IE_OK);
	assert_int_equal(r, INT64_MIN);

	r = 99;
	assert_int_equal(money_add(INT64_MAX, 1, &r), IE_OVERFLOW);
	assert_int_equal(money_add(INT64_MIN, -1, &r), IE_OVERFLOW);
	assert_int_equal(money_add(INT64_MAX / 2 + 1, INT64_MAX / 2 + 1, &r), IE_OVERFLOW);
	assert_int_equal(money_sub(INT64_MIN, 1, &r), IE_OVERFLOW);
	assert_int_equal(money_sub(0, INT64_MIN, &r), IE_OVERFLOW);
	assert_int_equal(money_sub(INT64_MAX, -1, &r), IE_OVERFLOW);
	assert_int_equal(r, 99);	/* untouched on error */
}

static void test_round_div_half_away(void **state)
{
	static const struct {
		int64_t num, den, want;
	} cases[] = {
		{ 5, 10, 1 }, { -5, 10, -1 },		/* .5 goes away from zero */
		{ 15, 10, 2 }, { -15, 10, -2 },
		{ 25, 10, 3 }, { -25, 10, -3 },		/* not banker's rounding */
		{ 4, 10, 0 }, { -4, 10, 0 },
		{ 14, 10, 1 }, { -14, 10, -1 },
		{ 16, 10, 2 }, { -16, 10, -2 },
		{ 49999, 100000, 0 }, { 50000, 100000, 1 },
		{ -49999, 100000, 0 }, { -50000, 100000, -1 },
		{ 0, 10, 0 }, { 7, 1, 7 }, { -7, 1, -7 },
		{ 3, 2, 2 }, { -3, 2, -2 }, { 1, 3, 0 }, { 2, 3, 1 }, { -2, 3, -1 },
	};
	int64_t r;
	size_t i;

	(void)state;
	for (i = 0; i < ARRAY_LEN(cases); i++) {
		r = 12345;
		assert_int_equal(money_round_div(cases[i].num, cases[i].den, &r), IE_OK);
		if (r != cases[i].want)
			fail_msg("round_div(%lld, %lld) = %lld, want %lld",
				 (long long)cases[i].num, (long long)cases[i].den,
				 (long long)r, (long long)cases[i].want);
	}
	assert_int_equal(money_round_div(1, 0, &r), IE_INVALID);
	assert_int_equal(money_round_div(1, -10, &r), IE_INVALID);
}

static void test_round_div_range(void **state)
{
	const __int128 max10 = (__int128)INT64_MAX * 10, min10 = (__int128)INT64_MIN * 10;
	int64_t r = 0;

	(void)state;
	assert_int_equal(money_round_div(max10 + 4, 10, &r), IE_OK);
	assert_int_equal(r, INT64_MAX);
	assert_int_equal(money_round_div(min10 - 4, 10, &r), IE_OK);
	assert_int_equal(r, INT64_MIN);
	r = 1;
	assert_int_equal(money_round_div(max10 + 5, 10, &r), IE_OVERFLOW);
	assert_int_equal(money_round_div(min10 - 5, 10, &r), IE_OVERFLOW);
	assert_int_equal(money_round_div((__int128)INT64_MAX + 1, 1, &r), IE_OVERFLOW);
	assert_int_equal(money_round_div((__int128)INT64_MAX * INT64_MAX, 1000000, &r),
			 IE_OVERFLOW);
	assert_int_equal(r, 1);
}

struct net_case {
	int64_t qty, price;
	int exponent;
	money_t want;
};

static void test_line_net(void **state)
{
	static const struct net_case cases[] = {
		/* 1 x 1,000.00 */
		{ Q(1), Q(1000), 2, 100000 },
		/* per-minute telecom rate: 1234.5 min x 0.004500 = 5.55525 */
		{ 1234500000, 4500, 2, 556 },
		{ 1234500000, 4500, 3, 5555 },
		{ 1234500000, 4500, 0, 6 },
		{ -1234500000, 4500, 2, -556 },		/* credit note */
		{ 1234500000, -4500, 2, -556 },
		/* 3 min x 0.001500 = 0.0045 -> 0.00; 4 min = 0.006 -> 0.01 */
		{ Q(3), 1500, 2, 0 },
		{ Q(4), 1500, 2, 1 },
		/* exactly half a cent, both signs */
		{ Q(1), 5000, 2, 1 },
		{ Q(-1), 5000, 2, -1 },
		{ Q(1), 4999, 2, 0 },
		{ Q(-1), 4999, 2, 0 },
		/* half a yen, half a fils */
		{ Q(1), 500000, 0, 1 },
		{ Q(-1), 500000, 0, -1 },
		{ Q(1), 500, 3, 1 },
		{ Q(-1), 500, 3, -1 },
		/* 2.5 x 0.33 = 0.825 -> 0.83 */
		{ 2500000, 330000, 2, 83 },
		{ 0, Q(1000), 2, 0 },
		/* big but in range: 5e12 units x 10,000.00 */
		{ 5000000000000000000LL, 10000000000LL, 2, 5000000000000000000LL },
	};
	money_t r;
	size_t i;

	(void)state;
	for (i = 0; i < ARRAY_LEN(cases); i++) {
		r = 12345;
		assert_int_equal(money_line_net(cases[i].qty, cases[i].price,
						cases[i].exponent, &r), IE_OK);
		if (r != cases[i].want)
			fail_msg("line_net case %zu = %lld, want %lld", i, (long long)r,
				 (long long)cases[i].want);
	}
	r = 1;
	assert_int_equal(money_line_net(INT64_MAX, INT64_MAX, 2, &r), IE_OVERFLOW);
	assert_int_equal(money_line_net(INT64_MIN, INT64_MAX, 2, &r), IE_OVERFLOW);
	assert_int_equal(money_line_net(INT64_MIN, INT64_MIN, 0, &r), IE_OVERFLOW);
	/* 1e12 units x 1,000,000.00 = 1e20 cents */
	assert_int_equal(money_line_net(Q(1000000000000LL), Q(1000000), 2, &r), IE_OVERFLOW);
	assert_int_equal(money_line_net(Q(1), Q(1), -1, &r), IE_INVALID);
	assert_int_equal(money_line_net(Q(1), Q(1), 13, &r), IE_INVALID);
	assert_int_equal(r, 1);
}

static void test_tax(void **state)
{
	static const struct {
		money_t net;
		int64_t rate;
		money_t want;
	} cases[] = {
		{ 100000, PCT(19), 19000 },		/* 1,000.00 at 19% */
		{ -100000, PCT(19), -19000 },
		{ 5555, PCT(23), 1278 },		/* 12.7765 */
		{ 1111, PCT(23), 256 },			/* 2.5553 */
		{ 6666, PCT(23), 1533 },		/* 15.3318 */
		{ 50, PCT(1), 1 },			/* 0.005 -> 0.01 */
		{ -50, PCT(1), -1 },
		{ 49, PCT(1), 0 },
		{ -49, PCT(1), 0 },
		{ 1000, 77000, 77 },			/* 7.7% */
		{ 1000, 25, 0 },			/* 0.0025% */
		{ 100000, 0, 0 },
		{ 123, PCT(100), 123 },
	};
	money_t r;
	size_t i;

	(void)state;
	for (i = 0; i < ARRAY_LEN(cases); i++) {
		assert_int_equal(money_tax(cases[i].net, cases[i].rate, &r), IE_OK);
		assert_int_equal(r, cases[i].want);
	}
	r = 5;
	assert_int_equal(money_tax(INT64_MAX, PCT(200), &r), IE_OVERFLOW);
	assert_int_equal(money_tax(INT64_MIN, PCT(101), &r), IE_OVERFLOW);
	assert_int_equal(money_tax(100, -1, &r), IE_INVALID);
	assert_int_equal(r, 5);
}

/* ---- totals ---- */

/* The invariants every result must satisfy (EN 16931 BR-CO-10..15). */
static void check_sums(const struct money_totals *t)
{
	money_t net = 0, tax = 0;
	size_t i;

	for (i = 0; i < t->nrates; i++) {
		net += t->rates[i].net;
		tax += t->rates[i].tax;
	}
	assert_int_equal(t->net, net);
	assert_int_equal(t->tax, tax);
	assert_int_equal(t->gross, t->net + t->tax);
}

static void test_totals_golden_19(void **state)
{
	struct money_line l[] = { { Q(1), Q(1000), PCT(19), 0, 0 } };
	struct money_totals t;
	char out[32];
	int mode;

	(void)state;
	for (mode = 0; mode <= 1; mode++) {
		assert_int_equal(money_totals(l, 1, 2, mode, &t), IE_OK);
		assert_int_equal(l[0].net, 100000);
		assert_int_equal(l[0].tax, 19000);
		assert_int_equal(t.net, 100000);
		assert_int_equal(t.tax, 19000);
		assert_int_equal(t.gross, 119000);
		assert_int_equal(t.nrates, 1);
		assert_int_equal(t.rates[0].rate, PCT(19));
		check_sums(&t);
		assert_int_equal(money_format(t.gross, "EUR", out, sizeof(out)), IE_OK);
		assert_string_equal(out, "1,190.00 EUR");
	}
}

static void test_totals_golden_23(void **state)
{
	struct money_line l[] = {
		{ Q(1), 55550000, PCT(23), 0, 0 },	/* 55.55 */
		{ Q(1), 11110000, PCT(23), 0, 0 },	/* 11.11 */
	};
	struct money_totals t;

	(void)state;
	/* per document: 66.66 x 23% = 15.3318 -> 15.33 */
	assert_int_equal(money_totals(l, 2, 2, 1, &t), IE_OK);
	assert_int_equal(t.net, 6666);
	assert_int_equal(t.tax, 1533);
	assert_int_equal(t.gross, 8199);
	assert_int_equal(t.nrates, 1);
	assert_int_equal(t.rates[0].net, 6666);
	assert_int_equal(t.rates[0].tax, 1533);
	/* lines still carry their own rounded tax, for display */
	assert_int_equal(l[0].net, 5555);
	assert_int_equal(l[0].tax, 1278);
	assert_int_equal(l[1].net, 1111);
	assert_int_equal(l[1].tax, 256);
	check_sums(&t);

	/* per line: 12.78 + 2.56 = 15.34 */
	assert_int_equal(money_totals(l, 2, 2, 0, &t), IE_OK);
	assert_int_equal(t.net, 6666);
	assert_int_equal(t.tax, 1534);
	assert_int_equal(t.gross, 8200);
	assert_int_equal(t.rates[0].tax, 1534);
	assert_int_equal(l[0].tax + l[1].tax, t.tax);
	check_sums(&t);
}

static void test_totals_credit_note(void **state)
{
	struct money_line l[] = {
		{ Q(-1), Q(1000), PCT(19), 0, 0 },
		{ Q(-1), 55550000, PCT(23), 0, 0 },
		{ Q(-1), 11110000, PCT(23), 0, 0 },
	};
	struct money_totals t;
	char out[32];

	(void)state;
	assert_int_equal(money_totals(l, 3, 2, 0, &t), IE_OK);
	assert_int_equal(t.net, -106666);
	assert_int_equal(t.tax, -(19000 + 1534));
	assert_int_equal(t.gross, -106666 - 20534);
	check_sums(&t);
	assert_int_equal(money_totals(l, 3, 2, 1, &t), IE_OK);
	assert_int_equal(t.tax, -(19000 + 1533));
	assert_int_equal(t.rates[1].tax, -1533);
	check_sums(&t);

	assert_int_equal(money_totals(l, 1, 2, 1, &t), IE_OK);
	assert_int_equal(money_format(t.gross, "EUR", out, sizeof(out)), IE_OK);
	assert_string_equal(out, "-1,190.00 EUR");
}

static void test_totals_rates_order(void **state)
{
	struct money_line l[] = {
		{ Q(2), Q(10), PCT(19), 0, 0 },
		{ Q(1), Q(5), PCT(7), 0, 0 },
		{ Q(3), Q(1), PCT(19), 0, 0 },
		{ Q(1), Q(100), 0, 0, 0 },
		{ Q(1), Q(1), PCT(7), 0, 0 },
	};
	struct money_totals t;

	(void)state;
	assert_int_equal(money_totals(l, ARRAY_LEN(l), 2, 0, &t), IE_OK);
	assert_int_equal(t.nrates, 3);
	assert_int_equal(t.rates[0].rate, PCT(19));
	assert_int_equal(t.rates[0].net, 2300);
	assert_int_equal(t.rates[0].tax, 380 + 57);
	assert_int_equal(t.rates[1].rate, PCT(7));
	assert_int_equal(t.rates[1].net, 600);
	assert_int_equal(t.rates[1].tax, 35 + 7);
	assert_int_equal(t.rates[2].rate, 0);
	assert_int_equal(t.rates[2].net, 10000);
	assert_int_equal(t.rates[2].tax, 0);
	assert_int_equal(t.net, 12900);
	assert_int_equal(t.tax, 479);
	assert_int_equal(t.gross, 13379);
	check_sums(&t);
}

static void test_totals_telecom(void **state)
{
	/* 1234.5 minutes at 0.004500 in three currencies, 20% */
	struct money_line l[] = { { 1234500000, 4500, PCT(20), 0, 0 } };
	struct money_totals t;

	(void)state;
	assert_int_equal(money_totals(l, 1, 2, 0, &t), IE_OK);
	assert_int_equal(t.net, 556);
	assert_int_equal(t.tax, 111);		/* 1.112 */
	assert_int_equal(t.gross, 667);
	assert_int_equal(money_totals(l, 1, 3, 0, &t), IE_OK);	/* KWD */
	assert_int_equal(t.net, 5555);
	assert_int_equal(t.tax, 1111);
	assert_int_equal(money_totals(l, 1, 0, 0, &t), IE_OK);	/* JPY */
	assert_int_equal(t.net, 6);
	assert_int_equal(t.tax, 1);		/* 1.2 */
	assert_int_equal(t.gross, 7);
}

static void test_totals_empty(void **state)
{
	struct money_totals t;

	(void)state;
	memset(&t, 0x5a, sizeof(t));
	assert_int_equal(money_totals(NULL, 0, 2, 0, &t), IE_OK);
	assert_int_equal(t.net, 0);
	assert_int_equal(t.tax, 0);
	assert_int_equal(t.gross, 0);
	assert_int_equal(t.nrates, 0);
	assert_int_equal(money_totals(NULL, 1, 2, 0, &t), IE_INVALID);
}

static void test_totals_max_rates(void **state)
{
	struct money_line l[MONEY_MAX_RATES + 1];
	struct money_totals t;
	size_t i;

	(void)state;
	memset(l, 0, sizeof(l));
	for (i = 0; i < ARRAY_LEN(l); i++) {
		l[i].quantity = Q(1);
		l[i].unit_price = Q(1);
		l[i].rate = (int64_t)i * 10000;
	}
	assert_int_equal(money_totals(l, MONEY_MAX_RATES, 2, 0, &t), IE_OK);
	assert_int_equal(t.nrates, MONEY_MAX_RATES);
	for (i = 0; i < MONEY_MAX_RATES; i++)
		assert_int_equal(t.rates[i].rate, (int64_t)i * 10000);
	memset(&t, 0x5a, sizeof(t));
	assert_int_equal(money_totals(l, MONEY_MAX_RATES + 1, 2, 0, &t), IE_INVALID);
	assert_int_equal(t.nrates, (size_t)0x5a5a5a5a5a5a5a5aULL);	/* untouched */
	/* a 17th line with an already seen rate is fine */
	l[MONEY_MAX_RATES].rate = l[3].rate;
	assert_int_equal(money_totals(l, MONEY_MAX_RATES + 1, 2, 0, &t), IE_OK);
	assert_int_equal(t.nrates, MONEY_MAX_RATES);
	assert_int_equal(t.rates[3].net, 200);
}

static void test_totals_errors(void **state)
{
	/* each line nets 5e18 cents: one fits, two do not */
	struct money_line big[] = {
		{ 5000000000000000000LL, 10000000000LL, 0, 0, 0 },
		{ 5000000000000000000LL, 10000000000LL, 0, 0, 0 },
	};
	struct money_line huge[] = { { INT64_MAX, INT64_MAX, PCT(19), 0, 0 } };
	struct money_line negrate[] = { { Q(1), Q(1), -PCT(1), 0, 0 } };
	struct money_totals t;
	int mode;

	(void)state;
	for (mode = 0; mode <= 1; mode++) {
		/* net sum overflows within one rate */
		assert_int_equal(money_totals(big, 2, 2, mode, &t), IE_OVERFLOW);
		/* ... and across rates */
		big[1].rate = PCT(1);
		assert_int_equal(money_totals(big, 2, 2, mode, &t), IE_OVERFLOW);
		big[1].rate = 0;
		/* net 5e18 fits; gross fits at 80% tax, not at 90% */
		big[0].rate = PCT(80);
		assert_int_equal(money_totals(big, 1, 2, mode, &t), IE_OK);
		assert_int_equal(t.tax, 4000000000000000000LL);
		assert_int_equal(t.gross, 9000000000000000000LL);
		big[0].rate = PCT(90);
		assert_int_equal(money_totals(big, 1, 2, mode, &t), IE_OVERFLOW);
		/* tax itself overflows */
		big[0].rate = PCT(200);
		assert_int_equal(money_totals(big, 1, 2, mode, &t), IE_OVERFLOW);
		big[0].rate = 0;
		/* line net overflows */
		assert_int_equal(money_totals(huge, 1, 2, mode, &t), IE_OVERFLOW);
		assert_int_equal(money_totals(negrate, 1, 2, mode, &t), IE_INVALID);
		assert_int_equal(money_totals(negrate, 1, -1, mode, &t), IE_INVALID);
	}
	/*
	 * Per document, the rate's tax comes from its net alone: at 200% the
	 * line taxes 6e18 + 6e18 - 6e18 - 6e18 overflow on the way (refused per
	 * line), while the net (and so the document tax) sums to 0.
	 */
	{
		struct money_line l[] = {
			{ 3000000000000000000LL, 10000000000LL, PCT(200), 0, 0 },
			{ 3000000000000000000LL, 10000000000LL, PCT(200), 0, 0 },
			{ -3000000000000000000LL, 10000000000LL, PCT(200), 0, 0 },
			{ -3000000000000000000LL, 10000000000LL, PCT(200), 0, 0 },
		};

		assert_int_equal(money_totals(l, 4, 2, 0, &t), IE_OVERFLOW);
		assert_int_equal(money_totals(l, 4, 2, 1, &t), IE_OK);
		assert_int_equal(t.net, 0);
		assert_int_equal(t.tax, 0);
		assert_int_equal(l[0].tax, 6000000000000000000LL);
	}
	/* exactly fits: one big line alone */
	assert_int_equal(money_totals(big, 1, 2, 0, &t), IE_OK);
	assert_int_equal(t.gross, 5000000000000000000LL);
}

/* money_currency_at walks the same table money_currency looks up, in code order. */
static void test_currency_at(void **state)
{
	const struct money_currency *c;
	size_t i;
	char prev[4] = "";

	(void)state;
	for (i = 0; (c = money_currency_at(i)); i++) {
		assert_ptr_equal(money_currency(c->code), c);
		assert_true(strcmp(prev, c->code) < 0);
		memcpy(prev, c->code, 4);
	}
	assert_true(i >= 30);
	assert_null(money_currency_at(i));
	assert_null(money_currency_at((size_t)-1));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_currency_table),
		cmocka_unit_test(test_currency_unknown),
		cmocka_unit_test(test_parse_table),
		cmocka_unit_test(test_parse_amount),
		cmocka_unit_test(test_to_decimal_table),
		cmocka_unit_test(test_to_decimal_errors),
		cmocka_unit_test(test_format_table),
		cmocka_unit_test(test_format_small_buffer),
		cmocka_unit_test(test_add_sub),
		cmocka_unit_test(test_round_div_half_away),
		cmocka_unit_test(test_round_div_range),
		cmocka_unit_test(test_line_net),
		cmocka_unit_test(test_tax),
		cmocka_unit_test(test_totals_golden_19),
		cmocka_unit_test(test_totals_golden_23),
		cmocka_unit_test(test_totals_credit_note),
		cmocka_unit_test(test_totals_rates_order),
		cmocka_unit_test(test_totals_telecom),
		cmocka_unit_test(test_totals_empty),
		cmocka_unit_test(test_totals_max_rates),
		cmocka_unit_test(test_totals_errors),
		cmocka_unit_test(test_parse_loose),
		cmocka_unit_test(test_currency_at),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
