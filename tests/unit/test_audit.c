/*
 * test_audit.c — lib/audit.c's JSON: the string escaper (table of inputs and
 * exact outputs), objects built member by member, and audit_json_flat reading
 * them back (round trip, refusals). Events themselves are written by the
 * HTTP tests against MariaDB (tests/http/admin_customers.test.mjs).
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <string.h>
#include "audit.h"
#include "buf.h"

static const struct { const char *in, *out; } esc[] = {
	{ "", "\"\"" },
	{ "plain", "\"plain\"" },
	{ "a\"b", "\"a\\\"b\"" },
	{ "back\\slash", "\"back\\\\slash\"" },
	{ "line\nbreak\r\ttab", "\"line\\nbreak\\r\\ttab\"" },
	{ "\x01\x1f\x7f", "\"\\u0001\\u001f\\u007f\"" },
	{ "Zoë €", "\"Zoë €\"" },                      /* UTF-8 passes through */
	{ "</script>", "\"</script>\"" },              /* JSON, not HTML: pages escape it themselves */
	{ "'; DROP TABLE x; --", "\"'; DROP TABLE x; --\"" },
};

static void test_escape(void **state)
{
	(void)state;
	for (size_t i = 0; i < sizeof(esc) / sizeof(esc[0]); i++) {
		struct buf b = BUF_INIT;

		assert_int_equal(audit_json_escape(&b, esc[i].in, strlen(esc[i].in)), IE_OK);
		assert_string_equal(b.data, esc[i].out);
		buf_free(&b);
	}
}

static void test_object(void **state)
{
	struct audit_json j = AUDIT_JSON_INIT;

	(void)state;
	assert_int_equal(audit_json_end(&j), IE_OK);
	assert_string_equal(j.b.data, "{}");
	audit_json_free(&j);

	assert_int_equal(audit_json_str(&j, "name", "Acme \"Ltd\""), IE_OK);
	assert_int_equal(audit_json_int(&j, "payment_days", -30), IE_OK);
	assert_int_equal(audit_json_bool(&j, "active", 1), IE_OK);
	assert_int_equal(audit_json_str(&j, "notes", NULL), IE_OK);
	assert_int_equal(audit_json_strn(&j, "cur", "EURO", 3), IE_OK);
	assert_int_equal(audit_json_end(&j), IE_OK);
	assert_string_equal(j.b.data, "{\"name\": \"Acme \\\"Ltd\\\"\", \"payment_days\": -30, "
			    "\"active\": true, \"notes\": null, \"cur\": \"EUR\"}");
	/* closed: no more members */
	assert_int_equal(audit_json_int(&j, "late", 1), IE_INTERNAL);
	audit_json_free(&j);
}

struct seen {
	int n;
	const char *k[8], *v[8];
};

static ierr collect(void *ctx, const char *key, const char *value)
{
	struct seen *s = ctx;

	if (s->n == 8)
		return IE_OVERFLOW;
	s->k[s->n] = key;
	s->v[s->n++] = value;
	return IE_OK;
}

static void test_flat_round_trip(void **state)
{
	struct audit_json j = AUDIT_JSON_INIT;
	struct arena *a = arena_new();
	struct seen s = { 0 };

	(void)state;
	audit_json_str(&j, "name", "Zoë \"Q\"\n\\ \x01");
	audit_json_int(&j, "days", 14);
	audit_json_bool(&j, "on", 0);
	audit_json_str(&j, "gone", NULL);
	audit_json_str(&j, "empty", "");
	audit_json_end(&j);
	assert_int_equal(audit_json_flat(j.b.data, a, collect, &s), IE_OK);
	assert_int_equal(s.n, 5);
	assert_string_equal(s.k[0], "name");
	assert_string_equal(s.v[0], "Zoë \"Q\"\n\\ \x01");
	assert_string_equal(s.v[1], "14");
	assert_string_equal(s.v[2], "false");
	assert_null(s.v[3]);
	assert_string_equal(s.v[4], "");
	audit_json_free(&j);

	/* as MariaDB may hand it back: other spacing, \/ and \u escapes */
	memset(&s, 0, sizeof(s));
	assert_int_equal(audit_json_flat(" {\"a\":\"x\\/y\\u00e9\" ,\"b\":-1.5}\n", a, collect, &s), IE_OK);
	assert_int_equal(s.n, 2);
	assert_string_equal(s.v[0], "x/yé");
	assert_string_equal(s.v[1], "-1.5");
	memset(&s, 0, sizeof(s));
	assert_int_equal(audit_json_flat("{}", a, collect, &s), IE_OK);
	assert_int_equal(s.n, 0);
	arena_free(a);
}

static void test_flat_refuses(void **state)
{
	static const char *const bad[] = {
		"", "[]", "{", "{\"a\"}", "{\"a\": }", "{\"a\": {\"b\": 1}}", "{\"a\": [1]}",
		"{\"a\": \"x\\q\"}", "{\"a\": \"unterminated}", "{\"a\": 1} trailing", "{\"a\": 1,}",
		"{\"a\": \"\\ud800\"}", "{a: 1}",
	};
	struct arena *a = arena_new();

	(void)state;
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		struct seen s = { 0 };

		if (audit_json_flat(bad[i], a, collect, &s) != IE_INVALID)
			fail_msg("accepted: %s", bad[i]);
	}
	arena_free(a);
}

struct changes {
	int n;
	char line[8][96];
};

static ierr on_change(void *ctx, const struct audit_change *c)
{
	struct changes *ch = ctx;

	if (ch->n == 8)
		return IE_OVERFLOW;
	snprintf(ch->line[ch->n++], sizeof(ch->line[0]), "%s:%s%s>%s%s", c->field, c->in_before ? "" : "!",
		 c->old ? c->old : "(null)", c->in_after ? "" : "!", c->value ? c->value : "(null)");
	return IE_OK;
}

static void test_changes(void **state)
{
	static const struct {
		const char *before, *after;
		int n;
		const char *lines[4];
	} t[] = {
		/* an update: only what differs, in after's order */
		{ "{\"name\": \"A\", \"city\": \"\", \"days\": \"14\"}", "{\"name\": \"B\", \"city\": \"Paris\", \"days\": \"14\"}",
		  2, { "name:A>B", "city:>Paris" } },
		/* a create: every field with a value, empty ones skipped */
		{ NULL, "{\"name\": \"A\", \"email\": \"\", \"notes\": null, \"active\": true}", 2,
		  { "name:!(null)>A", "active:!(null)>true" } },
		/* a delete: what had a value */
		{ "{\"name\": \"A\", \"email\": \"\"}", NULL, 1, { "name:A>!(null)" } },
		/* null to a value and back */
		{ "{\"x\": null}", "{\"x\": \"1\"}", 1, { "x:(null)>1" } },
		{ "{\"x\": \"1\"}", "{\"x\": null}", 1, { "x:1>(null)" } },
		{ "{\"active\": false}", "{\"active\": true}", 1, { "active:false>true" } },
		{ "{}", "{}", 0, { NULL } },
	};
	struct arena *a = arena_new();

	(void)state;
	for (size_t k = 0; k < sizeof(t) / sizeof(t[0]); k++) {
		struct changes ch = { 0 };

		assert_int_equal(audit_changes(t[k].before, t[k].after, a, on_change, &ch), IE_OK);
		if (ch.n != t[k].n)
			fail_msg("case %zu: %d changes, want %d (first: %s)", k, ch.n, t[k].n, ch.n ? ch.line[0] : "-");
		for (int i = 0; i < ch.n; i++)
			assert_string_equal(ch.line[i], t[k].lines[i]);
	}
	{
		struct changes ch = { 0 };

		assert_int_equal(audit_changes("{\"a\": [1]}", "{}", a, on_change, &ch), IE_INVALID);
	}
	arena_free(a);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_escape),
		cmocka_unit_test(test_object),
		cmocka_unit_test(test_flat_round_trip),
		cmocka_unit_test(test_flat_refuses),
		cmocka_unit_test(test_changes),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
