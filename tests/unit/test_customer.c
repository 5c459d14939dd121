/*
 * test_customer.c — lib/customer.c's rules without a database: country and
 * time zone whitelists, the cross-field check (normalising country, currency
 * and VAT id; the electronic address pair), LIKE escaping. The writes and the
 * figures are tested over HTTP against MariaDB (tests/http/admin_customers.test.mjs).
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <string.h>
#include "buf.h"
#include "customer.h"

static void test_country(void **state)
{
	static const struct { const char *cc; int ok; } t[] = {
		{ "DE", 1 }, { "AD", 1 }, { "ZW", 1 }, { "GB", 1 }, { "US", 1 }, { "XK", 0 }, { "UK", 0 }, { "EU", 0 },
		{ "de", 0 }, { "D", 0 }, { "DEU", 0 }, { "", 0 }, { "A1", 0 },
	};

	(void)state;
	for (size_t i = 0; i < sizeof(t) / sizeof(t[0]); i++)
		if (customer_country_valid(t[i].cc) != t[i].ok)
			fail_msg("country %s: want %d", t[i].cc, t[i].ok);
	assert_false(customer_country_valid(NULL));
}

static void test_time_zone(void **state)
{
	static const struct { const char *tz; int ok; } t[] = {
		{ "UTC", 1 }, { "Europe/Berlin", 1 }, { "America/Argentina/Buenos_Aires", 1 }, { "Etc/GMT+5", 1 },
		{ "Mars/Olympus", 0 }, { "Europe", 0 },                  /* a directory, not a zone */
		{ "../../etc/passwd", 0 }, { "/etc/localtime", 0 }, { "Europe//Berlin", 0 }, { "Europe/Berlin/", 0 },
		{ "Europe/Ber lin", 0 }, { "", 0 },
	};

	(void)state;
	for (size_t i = 0; i < sizeof(t) / sizeof(t[0]); i++)
		if (customer_time_zone_valid(t[i].tz) != t[i].ok)
			fail_msg("zone %s: want %d", t[i].tz, t[i].ok);
}

/* A valid form's values, then one change, then the check. */
static void fill(struct form_value v[CF__COUNT], struct arena *a, const char *name, const char *value)
{
	struct form_value tmp;

	for (size_t i = 0; i < CF__COUNT; i++) {
		const char *raw = NULL;

		switch (i) {
		case CF_NAME: raw = "Acme"; break;
		case CF_COUNTRY: raw = "de"; break;
		case CF_CURRENCY: raw = "eur"; break;
		case CF_TIME_ZONE: raw = "Europe/Berlin"; break;
		case CF_PAYMENT_DAYS: raw = "14"; break;
		case CF_SCHEDULE: raw = "none"; break;
		case CF_GROUPING: raw = "none"; break;
		default: break;
		}
		if (name && !strcmp(customer_form[i].name, name))
			raw = value;
		assert_int_equal(form_parse_one(&customer_form[i], raw, NULL, a, &tmp), IE_OK);
		v[i] = tmp;
	}
}

static void test_check(void **state)
{
	static const struct { const char *field, *value, *err_field, *err, *norm; } t[] = {
		{ NULL, NULL, NULL, NULL, NULL },
		{ "vat_id", "de 123.456-789", NULL, NULL, "DE123456789" },
		{ "vat_id", "EL123456789", NULL, NULL, "EL123456789" },
		{ "vat_id", "XI123456789", NULL, NULL, "XI123456789" },
		{ "vat_id", "123456789", "vat_id", "must start with a country code, e.g. DE123456789", NULL },
		{ "vat_id", "QQ123456789", "vat_id", "must start with a country code, e.g. DE123456789", NULL },
		{ "vat_id", "DE1", "vat_id", "must start with a country code, e.g. DE123456789", NULL },
		{ "vat_id", "DE12345678901234", "vat_id", "must start with a country code, e.g. DE123456789", NULL },
		{ "vat_id", "DE12_456", "vat_id", "may hold only letters and digits after the country code", NULL },
		{ "country", "XX", "country", "must be an ISO 3166 country code like DE", NULL },
		{ "currency", "ABC", "currency", "must be an ISO 4217 currency code like EUR", NULL },
		{ "time_zone", "Nowhere/City", "time_zone", "must be a time zone like Europe/Berlin", NULL },
		{ "endpoint_id", "4000001123452", "endpoint_scheme", "is needed with an electronic address", NULL },
		{ "endpoint_scheme", "0088", "endpoint_id", "is needed with a scheme", NULL },
	};
	struct arena *a = arena_new();

	(void)state;
	for (size_t k = 0; k < sizeof(t) / sizeof(t[0]); k++) {
		struct form_value v[CF__COUNT];
		ierr e;

		fill(v, a, t[k].field, t[k].value);
		e = customer_check(v, a);
		assert_string_equal(v[CF_COUNTRY].s, t[k].field && !strcmp(t[k].field, "country") ? "XX" : "DE");
		if (!t[k].err) {
			if (e != IE_OK)
				fail_msg("case %zu: refused", k);
			if (t[k].norm)
				assert_string_equal(v[CF_VAT_ID].s, t[k].norm);
			assert_string_equal(v[CF_CURRENCY].s, "EUR");
			continue;
		}
		assert_int_equal(e, IE_INVALID);
		for (size_t i = 0; i < CF__COUNT; i++) {
			int want = !strcmp(customer_form[i].name, t[k].err_field);

			if (want && (!v[i].error || strcmp(v[i].error, t[k].err)))
				fail_msg("case %zu: %s: want \"%s\", got \"%s\"", k, customer_form[i].name, t[k].err,
					 v[i].error ? v[i].error : "(none)");
			if (!want && v[i].error)
				fail_msg("case %zu: unexpected %s: %s", k, customer_form[i].name, v[i].error);
		}
	}
	arena_free(a);
}

static void test_like_escape(void **state)
{
	char out[16];

	(void)state;
	assert_int_equal(customer_like_escape("a%b_c\\", out, sizeof(out)), IE_OK);
	assert_string_equal(out, "a\\%b\\_c\\\\");
	assert_int_equal(customer_like_escape("", out, sizeof(out)), IE_OK);
	assert_string_equal(out, "");
	assert_int_equal(customer_like_escape("%%%%%%%%", out, sizeof(out)), IE_INVALID);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_country),
		cmocka_unit_test(test_time_zone),
		cmocka_unit_test(test_check),
		cmocka_unit_test(test_like_escape),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
