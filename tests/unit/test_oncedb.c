/*
 * test_oncedb.c — lib/once.c and lib/audit.c against a live, migrated MariaDB
 * (INVOICE_CONFIG, provided by tests/http/run): a key runs its work once and
 * answers the stored result after; work that fails leaves the key unused and
 * writes nothing; a key of another user or action is refused; the audit event
 * written inside the work commits and rolls back with it; audit_history reads
 * the events newest first. Rows it writes use entity "unit_test" and are
 * deleted at the end.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include "audit.h"
#include "auth.h"
#include "config.h"
#include "db.h"
#include "once.h"

static struct config cfg;
static struct db *db;
static long long entity_id;
static struct auth_user who;

static int group_setup(void **state)
{
	char err[300] = "";
	struct db_res r = { 0 };

	(void)state;
	if (config_load(&cfg, getenv("INVOICE_CONFIG"), err, sizeof(err))) {
		print_error("test_oncedb: INVOICE_CONFIG: %s\n", err);
		return -1;
	}
	if (db_new(&cfg, &db) || db_connect(db))
		return -1;
	if (db_query_row(db, &r, "SELECT id, email FROM users WHERE role = 'admin' ORDER BY id LIMIT 1", DB_NOARGS))
		return -1;
	who.id = db_int(&r, 0);
	str_copy(who.email, sizeof(who.email), db_str(&r, 1));
	who.role = ROLE_ADMIN;
	db_free(&r);
	entity_id = (long long)getpid();
	return 0;
}

static int group_teardown(void **state)
{
	(void)state;
	db_exec(db, "DELETE FROM audit_events WHERE entity = 'unit_test'", DB_NOARGS, NULL, NULL);
	db_exec(db, "DELETE FROM idempotency_keys WHERE action LIKE 'unit_test.%'", DB_NOARGS, NULL, NULL);
	db_close(db);
	config_free(&cfg);
	return 0;
}

static long long events(void)
{
	struct db_res r = { 0 };
	long long n;

	assert_int_equal(db_query_row(db, &r, "SELECT COUNT(*) FROM audit_events WHERE entity = 'unit_test' AND entity_id = ?",
				      DB_ARGS(DB_I(entity_id))), IE_OK);
	n = db_int(&r, 0);
	db_free(&r);
	return n;
}

struct work {
	int runs;
	ierr fail;             /* what the work returns after writing its event */
	const char *action;
};

static ierr work(struct db *d, void *ctx, char *result, size_t sz)
{
	struct work *w = ctx;
	struct audit_json after = AUDIT_JSON_INIT;
	ierr e;

	w->runs++;
	audit_json_str(&after, "note", "it's \"quoted\"\n");
	audit_json_int(&after, "run", w->runs);
	audit_json_end(&after);
	e = audit_event(d, &who, "127.0.0.1", "unit_test", entity_id, w->action, NULL, after.b.data);
	audit_json_free(&after);
	if (e)
		return e;
	snprintf(result, sz, "/done/%d", w->runs);
	return w->fail;
}

static void test_once_runs_once(void **state)
{
	char key[ONCE_KEY_LEN + 1], res[64];
	struct work w = { 0, IE_OK, "create" };
	int again = -1;

	(void)state;
	once_new(key);
	assert_int_equal(once_lookup(db, key, who.id, "unit_test.a", res, sizeof(res)), IE_NOTFOUND);
	assert_int_equal(once_run(db, key, who.id, "unit_test.a", work, &w, res, sizeof(res), &again), IE_OK);
	assert_int_equal(again, 0);
	assert_string_equal(res, "/done/1");
	assert_int_equal(events(), 1);
	/* the same key again: no work, the stored answer */
	res[0] = '\0';
	assert_int_equal(once_run(db, key, who.id, "unit_test.a", work, &w, res, sizeof(res), &again), IE_OK);
	assert_int_equal(again, 1);
	assert_string_equal(res, "/done/1");
	assert_int_equal(w.runs, 1);
	assert_int_equal(events(), 1);
	/* another user's or another action's use of the key is refused */
	assert_int_equal(once_run(db, key, who.id + 1000000, "unit_test.a", work, &w, res, sizeof(res), &again), IE_CONFLICT);
	assert_int_equal(once_run(db, key, who.id, "unit_test.b", work, &w, res, sizeof(res), &again), IE_CONFLICT);
	assert_int_equal(w.runs, 1);
	/* malformed keys never reach the database */
	assert_int_equal(once_run(db, "abc", who.id, "unit_test.a", work, &w, res, sizeof(res), &again), IE_INVALID);
	assert_int_equal(once_run(db, NULL, who.id, "unit_test.a", work, &w, res, sizeof(res), &again), IE_INVALID);
	assert_int_equal(w.runs, 1);
}

static void test_failed_work_leaves_the_key_unused(void **state)
{
	char key[ONCE_KEY_LEN + 1], res[64];
	struct work w = { 0, IE_CONFLICT, "update" };
	long long before = events();
	int again;

	(void)state;
	once_new(key);
	assert_int_equal(once_run(db, key, who.id, "unit_test.a", work, &w, res, sizeof(res), &again), IE_CONFLICT);
	assert_int_equal(events(), before);                       /* the event rolled back with the work */
	assert_int_equal(once_lookup(db, key, who.id, "unit_test.a", res, sizeof(res)), IE_NOTFOUND);
	/* the same form sent again once the problem is gone */
	w.fail = IE_OK;
	assert_int_equal(once_run(db, key, who.id, "unit_test.a", work, &w, res, sizeof(res), &again), IE_OK);
	assert_int_equal(again, 0);
	assert_string_equal(res, "/done/2");
	assert_int_equal(events(), before + 1);
}

struct seen {
	int n;
	char actions[4][33];
	char first_after[200];
};

static ierr on_event(void *ctx, const struct audit_row *row)
{
	struct seen *s = ctx;

	if (s->n < 4)
		str_copy(s->actions[s->n], sizeof(s->actions[0]), row->action);
	if (!s->n && row->after_json)
		str_copy(s->first_after, sizeof(s->first_after), row->after_json);
	assert_string_equal(row->actor, who.email);
	s->n++;
	return IE_OK;
}

static ierr note_of(void *ctx, const char *key, const char *value)
{
	if (!strcmp(key, "note"))
		str_copy(ctx, 64, value);
	return IE_OK;
}

static void test_history_reads_back(void **state)
{
	struct seen s = { 0 };
	struct arena *a = arena_new();
	char note[64] = "";

	(void)state;
	assert_int_equal(audit_history(db, "unit_test", entity_id, 10, on_event, &s), IE_OK);
	assert_int_equal(s.n, 2);
	assert_string_equal(s.actions[0], "update");             /* newest first */
	assert_string_equal(s.actions[1], "create");
	/* the JSON survived the database: the escaped string reads back as written */
	assert_int_equal(audit_json_flat(s.first_after, a, note_of, note), IE_OK);
	assert_string_equal(note, "it's \"quoted\"\n");
	arena_free(a);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_once_runs_once),
		cmocka_unit_test(test_failed_work_leaves_the_key_unused),
		cmocka_unit_test(test_history_reads_back),
	};

	return cmocka_run_group_tests(tests, group_setup, group_teardown);
}
