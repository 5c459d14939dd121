/*
 * test_form.c — lib/form.c: every field type at its edges (table-driven),
 * required/optional, trimming, the whole-form result, and the conflict diff's
 * typed comparison; lib/once.c's key format.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <string.h>
#include "buf.h"
#include "form.h"
#include "once.h"

static const char *const sched[] = { "none", "daily", "weekly", "monthly", NULL };

static const struct form_field F_TEXT = FORM_FIELD("name", "Name", FORM_TEXT, .required = 1, .maxlen = 5);
static const struct form_field F_TEXT_OPT = FORM_FIELD("street", "Street", FORM_TEXT);
static const struct form_field F_AREA = FORM_FIELD("desc", "Description", FORM_AREA, .maxlen = 10);
static const struct form_field F_EMAIL = FORM_FIELD("email", "Email", FORM_EMAIL);
static const struct form_field F_INT = FORM_FIELD("days", "Days", FORM_INT, .required = 1, .min = 0, .max = 365);
static const struct form_field F_INT_NN = FORM_FIELD("n", "N", FORM_INT, .nonneg = 1);
static const struct form_field F_AMOUNT = FORM_FIELD("amount", "Amount", FORM_AMOUNT, .nonneg = 1);
static const struct form_field F_DEC6 = FORM_FIELD("price", "Unit price", FORM_DEC6, .nonneg = 1);
static const struct form_field F_DEC6_NEG = FORM_FIELD("qty", "Quantity", FORM_DEC6);
static const struct form_field F_RATE = FORM_FIELD("rate", "Tax rate", FORM_RATE, .required = 1);
static const struct form_field F_DATE = FORM_FIELD("date", "Date", FORM_DATE);
static const struct form_field F_ENUM = FORM_FIELD("sched", "Schedule", FORM_ENUM, .required = 1, .choices = sched);
static const struct form_field F_CHECK = FORM_FIELD("notify", "Notify", FORM_CHECK);
static const struct form_field F_ID = FORM_FIELD("customer", "Customer", FORM_ID, .required = 1);

struct case_ {
	const struct form_field *f;
	const char *raw;             /* NULL: not posted */
	const char *currency;
	const char *error;           /* expected message, NULL: valid */
	int present;
	long long i;
	const char *s;               /* expected trimmed text, NULL: don't check */
};

static const struct case_ cases[] = {
	/* text: trimmed, required, max length in bytes, one line */
	{ &F_TEXT, "  Acme ", NULL, NULL, 1, 0, "Acme" },
	{ &F_TEXT, "", NULL, "is required", 0, 0, "" },
	{ &F_TEXT, "   ", NULL, "is required", 0, 0, NULL },
	{ &F_TEXT, NULL, NULL, "is required", 0, 0, NULL },
	{ &F_TEXT, "abcde", NULL, NULL, 1, 0, "abcde" },
	{ &F_TEXT, "abcdef", NULL, "at most 5 characters", 0, 0, NULL },
	{ &F_TEXT, "a\nb", NULL, "must be one line of text", 0, 0, NULL },
	{ &F_TEXT, "a\x01" "b", NULL, "must be one line of text", 0, 0, NULL },
	{ &F_TEXT_OPT, "", NULL, NULL, 0, 0, "" },
	{ &F_TEXT_OPT, NULL, NULL, NULL, 0, 0, "" },
	/* area: newlines fine, other controls not */
	{ &F_AREA, "a\r\nb", NULL, NULL, 1, 0, "a\r\nb" },
	{ &F_AREA, "a\x07", NULL, "contains control characters", 0, 0, NULL },
	{ &F_AREA, "01234567890", NULL, "at most 10 characters", 0, 0, NULL },
	/* email */
	{ &F_EMAIL, "ap@example.com", NULL, NULL, 1, 0, "ap@example.com" },
	{ &F_EMAIL, "ap@localhost", NULL, "must be an email address like name@example.com", 0, 0, NULL },
	{ &F_EMAIL, "a p@example.com", NULL, "must be an email address like name@example.com", 0, 0, NULL },
	{ &F_EMAIL, "@example.com", NULL, "must be an email address like name@example.com", 0, 0, NULL },
	{ &F_EMAIL, "a@b@example.com", NULL, "must be an email address like name@example.com", 0, 0, NULL },
	/* integer with a range */
	{ &F_INT, "0", NULL, NULL, 1, 0, NULL },
	{ &F_INT, "365", NULL, NULL, 1, 365, NULL },
	{ &F_INT, "366", NULL, "must be between 0 and 365", 0, 0, NULL },
	{ &F_INT, "-1", NULL, "must be between 0 and 365", 0, 0, NULL },
	{ &F_INT, "1.5", NULL, "must be a whole number", 0, 0, NULL },
	{ &F_INT, "12a", NULL, "must be a whole number", 0, 0, NULL },
	{ &F_INT, "-", NULL, "must be a whole number", 0, 0, NULL },
	{ &F_INT, "99999999999999999999", NULL, "must be a whole number", 0, 0, NULL },
	{ &F_INT_NN, "-3", NULL, "must not be negative", 0, 0, NULL },
	{ &F_INT_NN, "42", NULL, NULL, 1, 42, NULL },
	/* amounts in the currency's minor unit */
	{ &F_AMOUNT, "12.30", "EUR", NULL, 1, 1230, NULL },
	{ &F_AMOUNT, "12.3", "EUR", NULL, 1, 1230, NULL },
	{ &F_AMOUNT, "12", "EUR", NULL, 1, 1200, NULL },
	{ &F_AMOUNT, "12.345", "EUR", "at most 2 decimals", 0, 0, NULL },
	{ &F_AMOUNT, "1200", "JPY", NULL, 1, 1200, NULL },
	{ &F_AMOUNT, "12.5", "JPY", "must be a whole number", 0, 0, NULL },
	{ &F_AMOUNT, "1.250", "KWD", NULL, 1, 1250, NULL },
	{ &F_AMOUNT, "-1.00", "EUR", "must not be negative", 0, 0, NULL },
	{ &F_AMOUNT, "1,00", "EUR", "must be a number like 12.50", 0, 0, NULL },
	{ &F_AMOUNT, "1e3", "EUR", "must be a number like 12.50", 0, 0, NULL },
	{ &F_AMOUNT, "1.00", NULL, "needs a currency first", 0, 0, NULL },
	{ &F_AMOUNT, "1.00", "XXQ", "needs a currency first", 0, 0, NULL },
	{ &F_AMOUNT, "99999999999999999999.99", "EUR", "is too large", 0, 0, NULL },
	/* 6-decimal fixed point */
	{ &F_DEC6, "0.004500", NULL, NULL, 1, 4500, NULL },
	{ &F_DEC6, "0.0045", NULL, NULL, 1, 4500, NULL },
	{ &F_DEC6, ".5", NULL, NULL, 1, 500000, NULL },
	{ &F_DEC6, "2.", NULL, NULL, 1, 2000000, NULL },
	{ &F_DEC6, "-.5", NULL, "must not be negative", 0, 0, NULL },
	{ &F_DEC6, "0.0000001", NULL, "at most 6 decimals", 0, 0, NULL },
	{ &F_DEC6, "-0.000001", NULL, "must not be negative", 0, 0, NULL },
	{ &F_DEC6, "1.2.3", NULL, "must be a number like 12.50", 0, 0, NULL },
	{ &F_DEC6, ".", NULL, "must be a number like 12.50", 0, 0, NULL },
	{ &F_DEC6_NEG, "-2.5", NULL, NULL, 1, -2500000, NULL },
	{ &F_DEC6_NEG, "+2", NULL, NULL, 1, 2000000, NULL },
	/* tax rate: percent with 4 decimals, 0 <= rate < 100 */
	{ &F_RATE, "19", NULL, NULL, 1, 190000, NULL },
	{ &F_RATE, "7.7", NULL, NULL, 1, 77000, NULL },
	{ &F_RATE, "0", NULL, NULL, 1, 0, NULL },
	{ &F_RATE, "99.9999", NULL, NULL, 1, 999999, NULL },
	{ &F_RATE, "100", NULL, "must be below 100%", 0, 0, NULL },
	{ &F_RATE, "5.12345", NULL, "at most 4 decimals", 0, 0, NULL },
	{ &F_RATE, "-1", NULL, "must not be negative", 0, 0, NULL },
	{ &F_RATE, "", NULL, "is required", 0, 0, NULL },
	/* dates */
	{ &F_DATE, "2024-02-29", NULL, NULL, 1, 19782, "2024-02-29" },
	{ &F_DATE, "1970-01-01", NULL, NULL, 1, 0, NULL },
	{ &F_DATE, "2023-02-29", NULL, "must be a date YYYY-MM-DD", 0, 0, NULL },
	{ &F_DATE, "2024-13-01", NULL, "must be a date YYYY-MM-DD", 0, 0, NULL },
	{ &F_DATE, "24-01-01", NULL, "must be a date YYYY-MM-DD", 0, 0, NULL },
	{ &F_DATE, "01/02/2024", NULL, "must be a date YYYY-MM-DD", 0, 0, NULL },
	{ &F_DATE, "", NULL, NULL, 0, 0, NULL },
	/* enums from a whitelist */
	{ &F_ENUM, "weekly", NULL, NULL, 1, 2, "weekly" },
	{ &F_ENUM, "Weekly", NULL, "must be one of the choices", 0, 0, NULL },
	{ &F_ENUM, "yearly", NULL, "must be one of the choices", 0, 0, NULL },
	{ &F_ENUM, "", NULL, "is required", 0, 0, NULL },
	/* checkbox: "1" or nothing, never an error */
	{ &F_CHECK, "1", NULL, NULL, 1, 1, "1" },
	{ &F_CHECK, NULL, NULL, NULL, 1, 0, "0" },
	{ &F_CHECK, "on", NULL, NULL, 1, 0, "0" },
	/* ids */
	{ &F_ID, "17", NULL, NULL, 1, 17, NULL },
	{ &F_ID, "0", NULL, "must be a valid choice", 0, 0, NULL },
	{ &F_ID, "-5", NULL, "must be a valid choice", 0, 0, NULL },
	{ &F_ID, "9007199254740993", NULL, "must be a valid choice", 0, 0, NULL },
};

static void test_cases(void **state)
{
	struct arena *a = arena_new();

	(void)state;
	for (size_t k = 0; k < sizeof(cases) / sizeof(cases[0]); k++) {
		const struct case_ *c = &cases[k];
		struct form_value v;

		assert_int_equal(form_parse_one(c->f, c->raw, c->currency, a, &v), IE_OK);
		if (c->error) {
			if (!v.error || strcmp(v.error, c->error))
				fail_msg("case %zu (%s=%s): want \"%s\", got \"%s\"", k, c->f->name,
					 c->raw ? c->raw : "(none)", c->error, v.error ? v.error : "(valid)");
			assert_int_equal(v.present, 0);
		} else if (v.error) {
			fail_msg("case %zu (%s=%s): unexpected \"%s\"", k, c->f->name, c->raw ? c->raw : "(none)", v.error);
		}
		if (v.present != c->present || v.i != c->i)
			fail_msg("case %zu (%s=%s): present %d i %lld, want %d %lld", k, c->f->name,
				 c->raw ? c->raw : "(none)", v.present, v.i, c->present, c->i);
		if (c->s)
			assert_string_equal(v.s, c->s);
		/* what was typed comes back for re-display (checkboxes as 0/1) */
		if (c->f->type != FORM_CHECK)
			assert_string_equal(v.raw, c->raw ? c->raw : "");
	}
	arena_free(a);
}

/* a whole form: every field parsed, one result, every message at once */
static const struct form_field form[] = {
	FORM_FIELD("name", "Name", FORM_TEXT, .required = 1),
	FORM_FIELD("days", "Days", FORM_INT, .required = 1, .min = 0, .max = 365),
	FORM_FIELD("price", "Price", FORM_DEC6, .nonneg = 1),
	FORM_FIELD("notify", "Notify", FORM_CHECK),
};

struct kv { const char *k, *v; };

static const char *kv_get(void *ctx, const char *name)
{
	for (const struct kv *p = ctx; p->k; p++)
		if (!strcmp(p->k, name))
			return p->v;
	return NULL;
}

static void test_whole_form(void **state)
{
	struct arena *a = arena_new();
	struct form_value v[4];
	struct kv good[] = { { "name", "Acme" }, { "days", "30" }, { "price", "0.5" }, { "notify", "1" }, { NULL, NULL } };
	struct kv bad[] = { { "name", "" }, { "days", "x" }, { "price", "-1" }, { NULL, NULL } };

	(void)state;
	assert_int_equal(form_parse_with(kv_get, good, a, form, 4, NULL, v), IE_OK);
	assert_int_equal(form_errors(v, 4), 0);
	assert_int_equal(v[1].i, 30);
	assert_int_equal(v[2].i, 500000);
	assert_int_equal(v[3].i, 1);

	assert_int_equal(form_parse_with(kv_get, bad, a, form, 4, NULL, v), IE_INVALID);
	assert_int_equal(form_errors(v, 4), 3);
	assert_string_equal(v[0].error, "is required");
	assert_string_equal(v[1].error, "must be a whole number");
	assert_string_equal(v[2].error, "must not be negative");
	assert_null(v[3].error);
	assert_int_equal(v[3].i, 0);
	assert_string_equal(v[1].raw, "x");

	assert_int_equal(form_index(form, 4, "price"), 2);
	assert_int_equal(form_index(form, 4, "nope"), -1);
	form_set_error(&v[3], "taken");
	assert_int_equal(form_errors(v, 4), 4);
	arena_free(a);
}

static void test_once_keys(void **state)
{
	char a[ONCE_KEY_LEN + 1], b[ONCE_KEY_LEN + 1];

	(void)state;
	once_new(a);
	once_new(b);
	assert_int_equal(strlen(a), ONCE_KEY_LEN);
	assert_true(once_valid(a));
	assert_string_not_equal(a, b);
	assert_false(once_valid(NULL));
	assert_false(once_valid(""));
	assert_false(once_valid("abc"));
	a[10] = 'G';
	assert_false(once_valid(a));
	b[10] = 'A';                        /* upper-case hex is not what once_new makes */
	assert_false(once_valid(b));
	once_new(a);
	a[ONCE_KEY_LEN - 1] = '\0';
	assert_false(once_valid(a));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_cases),
		cmocka_unit_test(test_whole_form),
		cmocka_unit_test(test_once_keys),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
