/*
 * test_catalog.c — lib/catalog.c's rules without a database: the VAT category
 * against the rate (EN 16931), the package check (currency upper-cased and
 * known), and field keys made from labels. Writes are tested over HTTP
 * (tests/http/admin_catalog.test.mjs).
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <string.h>
#include "buf.h"
#include "catalog.h"

static void test_rate_fits(void **state)
{
	static const struct { const char *cat; long long rate; int ok; } t[] = {
		{ "S", 190000, 1 }, { "S", 1, 1 }, { "S", 0, 0 },
		{ "Z", 0, 1 }, { "Z", 70000, 0 }, { "E", 0, 1 }, { "E", 1, 0 }, { "AE", 0, 1 }, { "AE", 190000, 0 },
		{ "K", 0, 1 }, { "G", 0, 1 }, { "O", 0, 1 }, { "O", 50000, 0 }, { NULL, 0, 0 },
	};

	(void)state;
	for (size_t i = 0; i < sizeof(t) / sizeof(t[0]); i++)
		if (package_rate_fits(t[i].cat, t[i].rate) != t[i].ok)
			fail_msg("%s %lld: want %d", t[i].cat ? t[i].cat : "(null)", t[i].rate, t[i].ok);
}

static void check_one(struct arena *a, const char *cur, const char *cat, const char *rate, int want_field,
		      const char *want_msg)
{
	struct form_value v[PF__COUNT];
	const char *raw[PF__COUNT] = { "Fibre", "", "recurring", cur, "49.90", "MON", "1", rate, cat, "" };
	ierr e;

	for (size_t i = 0; i < PF__COUNT; i++)
		assert_int_equal(form_parse_one(&package_form[i], raw[i], NULL, a, &v[i]), IE_OK);
	e = package_check(v, a);
	if (want_field < 0) {
		assert_int_equal(e, IE_OK);
		return;
	}
	assert_int_equal(e, IE_INVALID);
	assert_non_null(v[want_field].error);
	assert_string_equal(v[want_field].error, want_msg);
}

static void test_package_check(void **state)
{
	struct arena *a = arena_new();
	struct form_value v[PF__COUNT];

	(void)state;
	check_one(a, "eur", "S", "19", -1, NULL);
	check_one(a, "EUR", "Z", "0", -1, NULL);
	check_one(a, "XYZ", "S", "19", PF_CURRENCY, "must be an ISO 4217 currency code like EUR");
	check_one(a, "EUR", "S", "0", PF_TAX_RATE, "must be above 0 for the standard rate category");
	check_one(a, "EUR", "AE", "19", PF_TAX_RATE, "must be 0 for this VAT category");
	/* the currency comes back upper-cased */
	{
		const char *raw[PF__COUNT] = { "x", "", "usage", "jpy", "0.004500", "MIN", "60", "10", "S", "" };

		for (size_t i = 0; i < PF__COUNT; i++)
			form_parse_one(&package_form[i], raw[i], NULL, a, &v[i]);
		assert_int_equal(package_check(v, a), IE_OK);
		assert_string_equal(v[PF_CURRENCY].s, "JPY");
		assert_int_equal(v[PF_UNIT_PRICE].i, 4500);
		assert_int_equal(v[PF_DEFAULT_QTY].i, 60000000);
		assert_int_equal(v[PF_TAX_RATE].i, 100000);
	}
	arena_free(a);
}

static void test_field_key(void **state)
{
	static const struct { const char *label, *key; } t[] = {
		{ "PO number", "po_number" }, { "Kostenstelle (Nr.)", "kostenstelle_nr" }, { "  Cost--centre  ", "cost_centre" },
		{ "Zoë's ref", "zo_s_ref" }, { "???", "field" }, { "", "field" }, { "A1 b2", "a1_b2" },
		{ "abcdefghijklmnopqrstuvwxyzabcdefghijklmnopqrstuvwxyz", "abcdefghijklmnopqrstuvwxyzabcdefghijklmn" },
	};
	char out[64];

	(void)state;
	for (size_t i = 0; i < sizeof(t) / sizeof(t[0]); i++) {
		assert_int_equal(catalog_field_key(t[i].label, out, sizeof(out)), IE_OK);
		assert_string_equal(out, t[i].key);
	}
	assert_int_equal(catalog_field_key("x", out, 3), IE_INTERNAL);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_rate_fits),
		cmocka_unit_test(test_package_check),
		cmocka_unit_test(test_field_key),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
