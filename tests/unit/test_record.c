/*
 * test_record.c — lib/record.c without a database: the audit images of a
 * form's fields, and the steps of a versioned update before anything is
 * recorded (stale version, the field frozen while in use, the module's own
 * check, a write that changed no row). Each refusal must come before the
 * write, and the write must see the new texts. The writes and their audit
 * events are tested over HTTP (admin_customers, admin_catalog).
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdlib.h>
#include <string.h>
#include "audit.h"
#include "form.h"
#include "record.h"

static const char *const kinds[] = { "a", "b", NULL };
static const struct form_field form[] = {
	FORM_FIELD("name", "Name", FORM_TEXT, .required = 1),
	FORM_FIELD("kind", "Kind", FORM_ENUM, .choices = kinds),
	FORM_FIELD("note", "Note", FORM_AREA),
};
#define NF (sizeof(form) / sizeof(form[0]))

static void test_json(void **state)
{
	static const struct { const char *text[NF]; int active; const char *want; } t[] = {
		{ { "Fibre", "a", "" }, -1, "{\"name\":\"Fibre\",\"kind\":\"a\",\"note\":\"\"}" },
		{ { "Fibre", "a", NULL }, 1, "{\"name\":\"Fibre\",\"kind\":\"a\",\"note\":\"\",\"active\":true}" },
		{ { "\"Q\" & <b>", "b", "two\nlines" }, 0,
		  "{\"name\":\"\\\"Q\\\" & <b>\",\"kind\":\"b\",\"note\":\"two\\nlines\",\"active\":false}" },
	};

	(void)state;
	for (size_t i = 0; i < sizeof(t) / sizeof(t[0]); i++) {
		struct audit_json j = AUDIT_JSON_INIT;
		char *flat;

		assert_int_equal(record_json(&j, form, NF, t[i].text, t[i].active), IE_OK);
		/* compare without the writer's spacing */
		flat = strdup(j.b.data);
		assert_non_null(flat);
		for (char *p = flat, *q = flat, in = 0;; p++) {
			if (*p == '"' && (p == flat || p[-1] != '\\'))
				in = !in;
			if (in || (*p != ' '))
				*q++ = *p;
			if (!*p)
				break;
		}
		if (strcmp(flat, t[i].want))
			fail_msg("case %zu: %s, want %s", i, flat, t[i].want);
		free(flat);
		audit_json_free(&j);
	}
	/* a key made at creation stays first */
	{
		struct audit_json j = AUDIT_JSON_INIT;
		const char *text[NF] = { "PO", "a", "" };

		assert_int_equal(audit_json_str(&j, "field_key", "po"), IE_OK);
		assert_int_equal(record_json(&j, form, NF, text, 1), IE_OK);
		assert_true(strstr(j.b.data, "field_key") < strstr(j.b.data, "\"name\""));
		audit_json_free(&j);
	}
}

/* the fake module: counts the calls and what the write saw */
struct fake {
	ierr check_e;
	unsigned long long changed;
	int checks, writes;
	const char *wrote_name;
};

static ierr fake_check(struct db *db, void *ctx)
{
	struct fake *f = ctx;

	(void)db;
	f->checks++;
	return f->check_e;
}

static ierr fake_write(struct db *db, void *ctx, const char *const *after, unsigned long long *changed)
{
	struct fake *f = ctx;

	(void)db;
	f->writes++;
	f->wrote_name = after[0];
	*changed = f->changed;
	return IE_OK;
}

static void test_update_refusals(void **state)
{
	static const char *const stored[NF] = { "Old", "a", "" };
	static const struct {
		long long posted, stored;
		int in_use, frozen;
		const char *kind;                    /* the new kind */
		ierr check_e;
		unsigned long long changed;
		ierr want;
		int checks, writes, kind_error;
	} t[] = {
		/* stale version: nothing else runs */
		{ 3, 4, 0, -1, "a", IE_OK, 1, IE_CONFLICT, 0, 0, 0 },
		{ 5, 4, 0, -1, "a", IE_OK, 1, IE_CONFLICT, 0, 0, 0 },
		/* the frozen field changes on a row in use: a message on it, no write */
		{ 4, 4, 1, 1, "b", IE_OK, 1, IE_INVALID, 0, 0, 1 },
		/* ... unchanged, or the row not in use: on to the check and the write */
		{ 4, 4, 1, 1, "a", IE_OK, 0, IE_CONFLICT, 1, 1, 0 },
		{ 4, 4, 0, 1, "b", IE_OK, 0, IE_CONFLICT, 1, 1, 0 },
		/* the module's check refuses: no write */
		{ 4, 4, 0, -1, "a", IE_INVALID, 1, IE_INVALID, 1, 0, 0 },
		/* the UPDATE matched no row (or two): a conflict, nothing recorded */
		{ 4, 4, 0, -1, "a", IE_OK, 0, IE_CONFLICT, 1, 1, 0 },
		{ 4, 4, 0, -1, "a", IE_OK, 2, IE_CONFLICT, 1, 1, 0 },
	};

	(void)state;
	for (size_t i = 0; i < sizeof(t) / sizeof(t[0]); i++) {
		struct form_value v[NF];
		struct fake f = { t[i].check_e, t[i].changed, 0, 0, NULL };
		const char *after[NF] = { "New", t[i].kind, "" };
		const struct record_update u = { "thing", form, NF, 7, t[i].posted, v, t[i].frozen, "cannot change now",
						 fake_check, fake_write, &f };
		const struct record_row cur = { t[i].stored, t[i].in_use, stored };
		ierr e;

		memset(v, 0, sizeof(v));
		e = record_update(NULL, NULL, NULL, &u, &cur, after);
		if (e != t[i].want || f.checks != t[i].checks || f.writes != t[i].writes)
			fail_msg("case %zu: %d (want %d), checks %d writes %d", i, e, t[i].want, f.checks, f.writes);
		if (t[i].kind_error != (v[1].error != NULL))
			fail_msg("case %zu: message on the frozen field: %s", i, v[1].error ? v[1].error : "none");
		if (t[i].kind_error)
			assert_string_equal(v[1].error, "cannot change now");
		if (f.writes)
			assert_string_equal(f.wrote_name, "New");
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_json),
		cmocka_unit_test(test_update_refusals),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
