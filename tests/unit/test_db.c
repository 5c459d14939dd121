/*
 * test_db.c — tests for lib/db.c against a live, migrated MariaDB named by
 * INVOICE_CONFIG (tests/http/run provides one). Without INVOICE_CONFIG the
 * test fails: it is never silently skipped.
 *
 * Covered: results and NULLs, one-row queries, affected rows and insert ids,
 * the prepared-statement cache, reconnecting after a killed connection,
 * transactions (commit, rollback, whole retry on IE_DB_RETRY), host failover,
 * no host at all, and duplicate keys.
 *
 * Writes go to a table of its own, test_scratch (a real table: temporary
 * tables vanish on reconnect), created here and dropped at the end.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include "buf.h"
#include "config.h"
#include "db.h"

static struct config cfg;
static struct db *db;

/* Statements are cached by the address of their text: one array, one address. */
static const char sql_twice[] = "SELECT ? * 2 AS cached_twice";

/* ---------- helpers ---------- */

static long long scalar_count(const char *k)
{
	struct db_res r;
	long long n;

	assert_int_equal(db_query_row(db, &r, "SELECT COUNT(*) FROM test_scratch WHERE k = ?",
				      DB_ARGS(DB_S(k))), IE_OK);
	n = db_int(&r, 0);
	db_free(&r);
	return n;
}

/* Prepared statements this connection has made so far (server-side counter). */
static long long prepares(void)
{
	struct db_res r;
	long long n;

	assert_int_equal(db_query_row(db, &r, "SELECT VARIABLE_VALUE FROM information_schema.SESSION_STATUS "
				      "WHERE VARIABLE_NAME = 'COM_STMT_PREPARE'", DB_NOARGS), IE_OK);
	n = db_int(&r, 0);
	db_free(&r);
	return n;
}

static long long connection_id(void)
{
	struct db_res r;
	long long id;

	assert_int_equal(db_query_row(db, &r, "SELECT CONNECTION_ID()", DB_NOARGS), IE_OK);
	id = db_int(&r, 0);
	db_free(&r);
	return id;
}

/* Writes a config file: `hosts` (one "DB.Host.N = ..." line each) plus the
 * real credentials, and loads it. */
static void config_with_hosts(struct config *c, const char *const *hosts, size_t nhosts)
{
	char path[512], err[300] = "";
	const char *tmp = getenv("TMPDIR");
	struct buf b = BUF_INIT;
	FILE *f;
	size_t i;
	int fd;

	for (i = 0; i < nhosts; i++)
		assert_int_equal(buf_printf(&b, "DB.Host.%zu = %s\n", i, hosts[i]), IE_OK);
	assert_int_equal(buf_printf(&b, "DB.Name = %s\nDB.User = %s\nDB.Password = %s\nDB.ConnectTimeout = 2\n",
				    cfg.db_name, cfg.db_user, cfg.db_password), IE_OK);
	snprintf(path, sizeof(path), "%s/test_db.XXXXXX", tmp && *tmp ? tmp : "/tmp");
	fd = mkstemp(path);
	assert_true(fd >= 0);
	f = fdopen(fd, "w");
	assert_non_null(f);
	assert_int_equal(fwrite(b.data, 1, b.len, f), b.len);
	assert_int_equal(fclose(f), 0);
	buf_free(&b);
	if (config_load(c, path, err, sizeof(err)))
		fail_msg("config_load: %s", err);
	unlink(path);
}

/* The configured host as a DB.Host value. */
static const char *real_host(char *out, size_t outsz)
{
	const struct config_dbhost *h = &cfg.db_hosts[0];

	if (h->socket[0])
		snprintf(out, outsz, "unix:%s", h->socket);
	else
		snprintf(out, outsz, "%s:%u", h->host, h->port);
	return out;
}

/* ---------- setup ---------- */

static int group_setup(void **state)
{
	char err[300] = "";
	ierr e;

	(void)state;
	if (config_load(&cfg, getenv("INVOICE_CONFIG"), err, sizeof(err))) {
		print_error("test_db: INVOICE_CONFIG: %s\n", err);
		return -1;
	}
	if (db_new(&cfg, &db))
		return -1;
	if ((e = db_connect(db))) {
		print_error("test_db: cannot connect to the database of INVOICE_CONFIG: %s (%s)\n",
			    ierr_name(e), db_error(db));
		return -1;
	}
	/* a real table: TEMPORARY tables would vanish on reconnect */
	e = db_exec(db, "CREATE TABLE IF NOT EXISTS test_scratch ("
		    " id BIGINT UNSIGNED NOT NULL AUTO_INCREMENT PRIMARY KEY,"
		    " k VARCHAR(64) NOT NULL, v BIGINT NULL, note VARCHAR(255) NULL,"
		    " UNIQUE KEY uq_test_scratch_k (k)) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4",
		    DB_NOARGS, NULL, NULL);
	if (!e)
		e = db_exec(db, "DELETE FROM test_scratch", DB_NOARGS, NULL, NULL);
	if (e) {
		print_error("test_db: cannot create test_scratch: %s (%s)\n", ierr_name(e), db_error(db));
		return -1;
	}
	return 0;
}

static int group_teardown(void **state)
{
	ierr e;

	(void)state;
	e = db_exec(db, "DROP TABLE IF EXISTS test_scratch", DB_NOARGS, NULL, NULL);
	if (e)
		print_error("test_db: DROP TABLE test_scratch: %s (%s)\n", ierr_name(e), db_error(db));
	db_close(db);
	config_free(&cfg);
	return e ? -1 : 0;
}

/* ---------- results ---------- */

static void test_query_values_and_nulls(void **state)
{
	struct db_res r;

	(void)state;
	assert_int_equal(db_query(db, &r, "SELECT 1, 'abc', NULL, -42, 9007199254740993, ?, ?, ?, CAST(12.50 AS DECIMAL(10,2))",
				  DB_ARGS(DB_S("O'Brien\"; DROP TABLE users; --"), DB_N, DB_S(NULL))), IE_OK);
	assert_int_equal(r.ncols, 9);
	assert_int_equal(r.nrows, 1);
	assert_int_equal(db_next(&r), IE_OK);
	assert_string_equal(db_str(&r, 0), "1");
	assert_true(db_int(&r, 0) == 1);
	assert_string_equal(db_str(&r, 1), "abc");
	assert_int_equal(db_isnull(&r, 1), 0);
	/* SQL NULL: no string, 0 as a number */
	assert_null(db_str(&r, 2));
	assert_int_equal(db_isnull(&r, 2), 1);
	assert_true(db_int(&r, 2) == 0);
	assert_true(db_int(&r, 3) == -42);
	assert_true(db_int(&r, 4) == 9007199254740993LL);
	/* a bound value comes back verbatim, never parsed as SQL */
	assert_string_equal(db_str(&r, 5), "O'Brien\"; DROP TABLE users; --");
	assert_null(db_str(&r, 6));                     /* DB_N */
	assert_null(db_str(&r, 7));                     /* DB_S(NULL) */
	assert_string_equal(db_str(&r, 8), "12.50");
	/* out of range columns */
	assert_null(db_str(&r, 9));
	assert_null(db_str(&r, 1000));
	assert_int_equal(db_isnull(&r, 9), 1);
	assert_int_equal(db_next(&r), IE_NOTFOUND);
	assert_int_equal(db_next(&r), IE_NOTFOUND);
	db_free(&r);
	db_free(&r);                                    /* twice is harmless */
}

/* Integer and date columns arrive binary and are written as text by db_next:
 * every width, sign and the edges come out as the server would print them. */
static void test_query_binary_columns_as_text(void **state)
{
	static const struct {
		const char *sql, *text;
	} cases[] = {
		{ "SELECT CAST(0 AS SIGNED)", "0" },
		{ "SELECT CAST(-1 AS SIGNED)", "-1" },
		{ "SELECT CAST(-9223372036854775808 AS SIGNED)", "-9223372036854775808" },
		{ "SELECT CAST(9223372036854775807 AS SIGNED)", "9223372036854775807" },
		{ "SELECT CAST(18446744073709551615 AS UNSIGNED)", "18446744073709551615" },
		{ "SELECT CAST(-128 AS INT)", "-128" },
		{ "SELECT id FROM (SELECT CAST(255 AS UNSIGNED) AS id) x", "255" },
		{ "SELECT DATE '2026-01-05'", "2026-01-05" },
		{ "SELECT DATE '0001-12-31'", "0001-12-31" },
		{ "SELECT DATE '9999-12-31'", "9999-12-31" },
		{ "SELECT CAST('2026-11-22' AS DATE) + INTERVAL 40 DAY", "2027-01-01" },
		{ "SELECT CAST(NULL AS DATE)", NULL },
		{ "SELECT CAST(NULL AS SIGNED)", NULL },
	};
	struct db_res r;
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		assert_int_equal(db_query(db, &r, cases[i].sql, NULL, 0), IE_OK);
		assert_int_equal(db_next(&r), IE_OK);
		if (!cases[i].text) {
			assert_null(db_str(&r, 0));
		} else {
			if (!db_str(&r, 0) || strcmp(db_str(&r, 0), cases[i].text))
				fail_msg("%s: got %s, want %s", cases[i].sql, db_str(&r, 0) ? db_str(&r, 0) : "NULL",
					 cases[i].text);
			assert_int_equal(r.collen[0], strlen(cases[i].text));
		}
		db_free(&r);
	}
}

static void test_query_rows_and_binding(void **state)
{
	struct db_res r;
	static const char blob[] = { 'a', '\0', 'b', '\xff' };
	long long expect = 1;

	(void)state;
	assert_int_equal(db_query(db, &r, "SELECT n, CONCAT('row-', n) FROM (SELECT 3 AS n UNION ALL SELECT 1 "
				  "UNION ALL SELECT 5 UNION ALL SELECT 2 UNION ALL SELECT 4 UNION ALL SELECT 0) t "
				  "WHERE n >= ? ORDER BY n", DB_ARGS(DB_I(1))), IE_OK);
	assert_int_equal(r.nrows, 5);
	while (db_next(&r) == IE_OK) {
		char want[32];

		snprintf(want, sizeof(want), "row-%lld", expect);
		assert_true(db_int(&r, 0) == expect);
		assert_string_equal(db_str(&r, 1), want);
		expect++;
	}
	assert_true(expect == 6);
	db_free(&r);

	/* blobs keep embedded NULs, UTF-8 survives the round trip, ints bind as ints */
	assert_int_equal(db_query_row(db, &r, "SELECT LENGTH(?), HEX(?), CHAR_LENGTH(?), ? + 1",
				      DB_ARGS(DB_B(blob, sizeof(blob)), DB_B(blob, sizeof(blob)),
					      DB_S("\xc3\xa9\xe2\x82\xac"), DB_I(-9007199254740993LL))), IE_OK);
	assert_true(db_int(&r, 0) == 4);
	assert_string_equal(db_str(&r, 1), "610062FF");
	assert_true(db_int(&r, 2) == 2);
	assert_true(db_int(&r, 3) == -9007199254740992LL);
	db_free(&r);

	/* a long value is buffered whole */
	assert_int_equal(db_query_row(db, &r, "SELECT REPEAT('x', 100000), 'end'", DB_NOARGS), IE_OK);
	assert_int_equal(strlen(db_str(&r, 0)), 100000);
	assert_int_equal(r.collen[0], 100000);
	assert_string_equal(db_str(&r, 1), "end");
	db_free(&r);
}

/* db_each: every row in order, then IE_OK; a callback's error stops it at once */
struct each_ctx {
	long long sum;
	int rows, stop_at;
};

static ierr each_row(void *ctx, const struct db_res *r)
{
	struct each_ctx *c = ctx;

	c->rows++;
	c->sum = c->sum * 10 + db_int(r, 0);
	return c->rows == c->stop_at ? IE_CONFLICT : IE_OK;
}

static void test_each(void **state)
{
	static const struct { int stop_at; ierr want; int rows; long long sum; } t[] = {
		{ 0, IE_OK, 4, 1234 }, { 2, IE_CONFLICT, 2, 12 }, { 4, IE_CONFLICT, 4, 1234 },
	};
	struct db_res r;

	(void)state;
	for (size_t i = 0; i < sizeof(t) / sizeof(t[0]); i++) {
		struct each_ctx c = { 0, 0, t[i].stop_at };

		assert_int_equal(db_query(db, &r, "SELECT n FROM (SELECT 3 AS n UNION ALL SELECT 1 UNION ALL SELECT 4 "
					  "UNION ALL SELECT 2) t ORDER BY n", DB_NOARGS), IE_OK);
		assert_int_equal(db_each(&r, each_row, &c), t[i].want);
		assert_int_equal(c.rows, t[i].rows);
		assert_true(c.sum == t[i].sum);
		db_free(&r);
	}
	/* no rows: fn never runs */
	{
		struct each_ctx c = { 0, 0, 0 };

		assert_int_equal(db_query(db, &r, "SELECT 1 FROM users WHERE 1 = 0", DB_NOARGS), IE_OK);
		assert_int_equal(db_each(&r, each_row, &c), IE_OK);
		assert_int_equal(c.rows, 0);
		db_free(&r);
	}
}

static void test_query_row_notfound(void **state)
{
	struct db_res r;

	(void)state;
	assert_int_equal(db_query_row(db, &r, "SELECT id FROM users WHERE id = ?", DB_ARGS(DB_I(-1))), IE_NOTFOUND);
	db_free(&r);
	assert_int_equal(db_query_row(db, &r, "SELECT id, email FROM users ORDER BY id LIMIT 1", DB_NOARGS), IE_OK);
	assert_true(db_int(&r, 0) > 0);
	assert_non_null(strchr(db_str(&r, 1), '@'));
	db_free(&r);
	/* an empty result with db_query */
	assert_int_equal(db_query(db, &r, "SELECT id FROM users WHERE 1 = 0", DB_NOARGS), IE_OK);
	assert_int_equal(r.nrows, 0);
	assert_int_equal(db_next(&r), IE_NOTFOUND);
	db_free(&r);
}

static void test_bad_statements(void **state)
{
	struct db_res r;

	(void)state;
	/* placeholders and arguments must agree */
	assert_int_not_equal(db_query(db, &r, "SELECT ? + ?", DB_ARGS(DB_I(1))), IE_OK);
	db_free(&r);
	/* a syntax error is a database error, not a lost connection */
	assert_int_equal(db_query(db, &r, "SELEC 1", DB_NOARGS), IE_DB);
	assert_true(db_errno(db) != 0);
	assert_true(db_error(db)[0] != '\0');
	db_free(&r);
	/* the connection is still fine */
	assert_int_equal(db_query_row(db, &r, "SELECT 7", DB_NOARGS), IE_OK);
	assert_true(db_int(&r, 0) == 7);
	db_free(&r);
}

/* ---------- writes ---------- */

static void test_exec_affected_and_insert_id(void **state)
{
	unsigned long long affected = 99, id1 = 0, id2 = 0;

	(void)state;
	assert_int_equal(db_exec(db, "INSERT INTO test_scratch (k, v) VALUES (?, ?)",
				 DB_ARGS(DB_S("exec-1"), DB_I(10)), &affected, &id1), IE_OK);
	assert_int_equal(affected, 1);
	assert_true(id1 > 0);
	assert_int_equal(db_exec(db, "INSERT INTO test_scratch (k, v) VALUES (?, ?)",
				 DB_ARGS(DB_S("exec-2"), DB_I(20)), &affected, &id2), IE_OK);
	assert_true(id2 > id1);
	/* NULL out-parameters are fine */
	assert_int_equal(db_exec(db, "INSERT INTO test_scratch (k, v) VALUES (?, ?)",
				 DB_ARGS(DB_S("exec-3"), DB_N), NULL, NULL), IE_OK);
	/* the insert id is the row's id */
	{
		struct db_res r;

		assert_int_equal(db_query_row(db, &r, "SELECT k, v FROM test_scratch WHERE id = ?",
					      DB_ARGS(DB_I(id2))), IE_OK);
		assert_string_equal(db_str(&r, 0), "exec-2");
		assert_true(db_int(&r, 1) == 20);
		db_free(&r);
	}
	assert_int_equal(db_exec(db, "UPDATE test_scratch SET v = v + 1 WHERE k LIKE 'exec-%' AND v IS NOT NULL",
				 DB_NOARGS, &affected, NULL), IE_OK);
	assert_int_equal(affected, 2);
	/* a matching update that changes nothing affects no row */
	assert_int_equal(db_exec(db, "UPDATE test_scratch SET v = ? WHERE k = ?",
				 DB_ARGS(DB_I(11), DB_S("exec-1")), &affected, NULL), IE_OK);
	assert_int_equal(affected, 0);
	assert_int_equal(db_exec(db, "DELETE FROM test_scratch WHERE k LIKE 'exec-%'", DB_NOARGS, &affected, NULL), IE_OK);
	assert_int_equal(affected, 3);
	assert_true(scalar_count("exec-1") == 0);
}

static void test_duplicate_key_conflict(void **state)
{
	(void)state;
	assert_int_equal(db_exec(db, "INSERT INTO test_scratch (k) VALUES (?)", DB_ARGS(DB_S("dup")), NULL, NULL), IE_OK);
	assert_int_equal(db_exec(db, "INSERT INTO test_scratch (k) VALUES (?)", DB_ARGS(DB_S("dup")), NULL, NULL),
			 IE_CONFLICT);
	assert_int_equal(db_errno(db), 1062);
	assert_true(scalar_count("dup") == 1);
	assert_int_equal(db_exec(db, "DELETE FROM test_scratch WHERE k = ?", DB_ARGS(DB_S("dup")), NULL, NULL), IE_OK);
}

/* ---------- the statement cache ---------- */

static void test_statement_cache_reuse(void **state)
{
	long long p0, p1, p2;
	int i;

	(void)state;
	p0 = prepares();
	for (i = 0; i < 5; i++) {
		struct db_res r;

		assert_int_equal(db_query_row(db, &r, sql_twice, DB_ARGS(DB_I(i))), IE_OK);
		assert_true(db_int(&r, 0) == i * 2);
		db_free(&r);
	}
	p1 = prepares();
	/* one prepare for the new statement, none for repeats (the counter query is cached too) */
	assert_true(p1 - p0 == 1);
	for (i = 0; i < 5; i++) {
		struct db_res r;

		assert_int_equal(db_query_row(db, &r, sql_twice, DB_ARGS(DB_I(i))), IE_OK);
		db_free(&r);
		assert_int_equal(db_exec(db, "UPDATE test_scratch SET v = v WHERE k = ?", DB_ARGS(DB_S("none")),
					 NULL, NULL), IE_OK);
	}
	p2 = prepares();
	assert_true(p2 - p1 == 1);      /* only the UPDATE was new */
}

/* ---------- lost connections ---------- */

static void test_reconnect_after_kill(void **state)
{
	unsigned before = db_reconnects(db);
	long long conn1, conn2;
	struct db_res r;

	(void)state;
	conn1 = connection_id();
	/* a cached statement, prepared on the old connection */
	assert_int_equal(db_query_row(db, &r, sql_twice, DB_ARGS(DB_I(21))), IE_OK);
	db_free(&r);
	db_test_kill_connection(db);
	/* the next idempotent read reconnects, re-prepares and succeeds */
	assert_int_equal(db_query_row(db, &r, sql_twice, DB_ARGS(DB_I(21))), IE_OK);
	assert_true(db_int(&r, 0) == 42);
	db_free(&r);
	assert_true(db_reconnects(db) > before);
	conn2 = connection_id();
	assert_true(conn2 != conn1);
	/* test_scratch is a real table: still there on the new connection */
	assert_true(scalar_count("none") == 0);
}

static void test_write_not_retried_after_kill(void **state)
{
	unsigned before;
	ierr e;

	(void)state;
	before = db_reconnects(db);
	db_test_kill_connection(db);
	/* a write outside a transaction is not repeated blindly */
	e = db_exec(db, "INSERT INTO test_scratch (k) VALUES (?)", DB_ARGS(DB_S("after-kill")), NULL, NULL);
	assert_int_not_equal(e, IE_OK);
	assert_true(e == IE_DB_LOST || e == IE_UNAVAILABLE);
	/* the next call works again, and the write did not happen behind our back */
	assert_true(scalar_count("after-kill") == 0);
	assert_true(db_reconnects(db) > before);
}

/* ---------- statement time limit (max_statement_time) ---------- */

static long long elapsed_ms(const struct timespec *t0)
{
	struct timespec t1;

	clock_gettime(CLOCK_MONOTONIC, &t1);
	return (t1.tv_sec - t0->tv_sec) * 1000LL + (t1.tv_nsec - t0->tv_nsec) / 1000000;
}

static ierr tx_sleep(struct db *d, void *p)
{
	struct db_res r;
	ierr e;

	++*(int *)p;
	e = db_query_row(d, &r, "SELECT SLEEP(3)", DB_NOARGS);
	db_free(&r);
	return e;
}

/* A statement stopped by the limit is IE_DB_TIMEOUT (MariaDB 1969), answered
 * at the limit, never retried (same connection, one run inside db_tx). */
static void test_statement_timeout(void **state)
{
	struct timespec t0;
	struct db_res r;
	unsigned before;
	long long conn;
	int calls = 0;
	ierr e;

	(void)state;
	db_set_statement_limit(db, 200);
	conn = connection_id();
	before = db_reconnects(db);
	clock_gettime(CLOCK_MONOTONIC, &t0);
	e = db_query_row(db, &r, "SELECT SLEEP(3)", DB_NOARGS);
	db_free(&r);
	assert_int_equal(e, IE_DB_TIMEOUT);
	assert_int_equal(db_errno(db), 1969);
	assert_true(elapsed_ms(&t0) < 1500);
	assert_int_equal(db_reconnects(db), before);
	assert_true(connection_id() == conn);
	assert_string_equal(ierr_name(IE_DB_TIMEOUT), "db statement timeout");

	clock_gettime(CLOCK_MONOTONIC, &t0);
	/* the stopped statement runs again on the same connection (it was reset) */
	assert_int_equal(db_tx(db, tx_sleep, &calls), IE_DB_TIMEOUT);
	assert_int_equal(calls, 1);
	assert_int_equal(db_reconnects(db), before);
	assert_true(elapsed_ms(&t0) < 1500);

	/* kept across a reconnect */
	db_test_kill_connection(db);
	assert_int_equal(db_query_row(db, &r, "SELECT CAST(@@max_statement_time * 1000 AS SIGNED)", DB_NOARGS), IE_OK);
	assert_true(db_int(&r, 0) == 200);
	db_free(&r);
	assert_true(connection_id() != conn);

	/* and lifted */
	db_set_statement_limit(db, 0);
	assert_int_equal(db_query_row(db, &r, "SELECT SLEEP(0.3)", DB_NOARGS), IE_OK);
	assert_true(db_int(&r, 0) == 0);
	db_free(&r);
}

/* ---------- transactions ---------- */

struct tx_ctx {
	const char *k;
	int calls;
	int fail_first_with_retry;
	ierr fail_with;
};

static ierr tx_insert(struct db *d, void *p)
{
	struct tx_ctx *c = p;
	ierr e;

	c->calls++;
	e = db_exec(d, "INSERT INTO test_scratch (k, v) VALUES (?, ?)", DB_ARGS(DB_S(c->k), DB_I(c->calls)),
		    NULL, NULL);
	if (e)
		return e;
	if (c->fail_first_with_retry && c->calls == 1)
		return IE_DB_RETRY;
	return c->fail_with;
}

static void test_tx_commit(void **state)
{
	struct tx_ctx c = { "tx-commit", 0, 0, IE_OK };
	struct db_res r;

	(void)state;
	assert_int_equal(db_tx(db, tx_insert, &c), IE_OK);
	assert_int_equal(c.calls, 1);
	/* visible after commit, from a statement outside the transaction */
	assert_true(scalar_count("tx-commit") == 1);
	/* and to another connection */
	{
		struct db *other = NULL;

		assert_int_equal(db_new(&cfg, &other), IE_OK);
		assert_int_equal(db_query_row(other, &r, "SELECT COUNT(*) FROM test_scratch WHERE k = ?",
					      DB_ARGS(DB_S("tx-commit"))), IE_OK);
		assert_true(db_int(&r, 0) == 1);
		db_free(&r);
		db_close(other);
	}
}

static void test_tx_rollback_on_error(void **state)
{
	struct tx_ctx c = { "tx-rollback", 0, 0, IE_CONFLICT };

	(void)state;
	assert_int_equal(db_tx(db, tx_insert, &c), IE_CONFLICT);
	assert_int_equal(c.calls, 1);                   /* not retried */
	assert_true(scalar_count("tx-rollback") == 0);  /* rolled back */
	/* the connection is usable and not stuck in a transaction */
	c.fail_with = IE_OK;
	c.calls = 0;
	assert_int_equal(db_tx(db, tx_insert, &c), IE_OK);
	assert_true(scalar_count("tx-rollback") == 1);
}

static void test_tx_retry(void **state)
{
	struct tx_ctx c = { "tx-retry", 0, 1, IE_OK };
	struct db_res r;

	(void)state;
	/* the first run inserts then asks for a retry: its insert must be rolled
	 * back (or the second run would hit the unique key) */
	assert_int_equal(db_tx(db, tx_insert, &c), IE_OK);
	assert_int_equal(c.calls, 2);
	assert_true(scalar_count("tx-retry") == 1);
	assert_int_equal(db_query_row(db, &r, "SELECT v FROM test_scratch WHERE k = ?", DB_ARGS(DB_S("tx-retry"))), IE_OK);
	assert_true(db_int(&r, 0) == 2);                /* written by the second run */
	db_free(&r);
}

static ierr tx_always_retry(struct db *d, void *p)
{
	int *calls = p;

	(void)d;
	(*calls)++;
	return IE_DB_RETRY;
}

static void test_tx_retries_bounded(void **state)
{
	int calls = 0;

	(void)state;
	assert_int_equal(db_tx(db, tx_always_retry, &calls), IE_DB_RETRY);
	/* the first run plus DB.TxRetries more */
	assert_int_equal(calls, (int)(cfg.db_tx_retries ? cfg.db_tx_retries : 5) + 1);
}

/* ---------- hosts ---------- */

static void test_failover_to_next_host(void **state)
{
	char host[300];
	const char *hosts[] = { "unix:/nonexistent/sock", real_host(host, sizeof(host)) };
	struct config c2;
	struct db *d = NULL;
	struct db_res r;

	(void)state;
	config_with_hosts(&c2, hosts, 2);
	assert_int_equal(c2.ndb_hosts, 2);
	assert_int_equal(db_new(&c2, &d), IE_OK);
	assert_int_equal(db_query_row(d, &r, "SELECT COUNT(*) FROM users", DB_NOARGS), IE_OK);
	assert_true(db_int(&r, 0) > 0);
	db_free(&r);
	db_close(d);
	/* db_connect directly as well */
	d = NULL;
	assert_int_equal(db_new(&c2, &d), IE_OK);
	assert_int_equal(db_connect(d), IE_OK);
	db_close(d);
	config_free(&c2);
}

static void test_only_dead_hosts(void **state)
{
	const char *hosts[] = { "unix:/nonexistent/sock", "unix:/nonexistent/other.sock", "127.0.0.1:1" };
	struct config c2;
	struct db *d = NULL;
	struct db_res r;

	(void)state;
	config_with_hosts(&c2, hosts, 3);
	assert_int_equal(db_new(&c2, &d), IE_OK);
	assert_int_equal(db_connect(d), IE_UNAVAILABLE);
	assert_true(db_error(d)[0] != '\0');
	/* a query says the same, and its result can be freed */
	assert_int_equal(db_query(d, &r, "SELECT 1", DB_NOARGS), IE_UNAVAILABLE);
	db_free(&r);
	assert_int_equal(db_exec(d, "DELETE FROM test_scratch WHERE k = ?", DB_ARGS(DB_S("x")), NULL, NULL),
			 IE_UNAVAILABLE);
	db_close(d);
	config_free(&c2);
}

static void test_config_missing(void **state)
{
	(void)state;
	fail_msg("INVOICE_CONFIG is not set: test_db needs a live, migrated MariaDB with demo data "
		 "(tests/http/run provides one; or scripts/dev stack-start DIR, then INVOICE_CONFIG=DIR/invoice.hdf)");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_query_values_and_nulls),
		cmocka_unit_test(test_query_binary_columns_as_text),
		cmocka_unit_test(test_query_rows_and_binding),
		cmocka_unit_test(test_each),
		cmocka_unit_test(test_query_row_notfound),
		cmocka_unit_test(test_bad_statements),
		cmocka_unit_test(test_exec_affected_and_insert_id),
		cmocka_unit_test(test_duplicate_key_conflict),
		cmocka_unit_test(test_statement_cache_reuse),
		cmocka_unit_test(test_reconnect_after_kill),
		cmocka_unit_test(test_write_not_retried_after_kill),
		cmocka_unit_test(test_statement_timeout),
		cmocka_unit_test(test_tx_commit),
		cmocka_unit_test(test_tx_rollback_on_error),
		cmocka_unit_test(test_tx_retry),
		cmocka_unit_test(test_tx_retries_bounded),
		cmocka_unit_test(test_failover_to_next_host),
		cmocka_unit_test(test_only_dead_hosts),
	};
	const struct CMUnitTest missing[] = {
		cmocka_unit_test(test_config_missing),
	};
	const char *path = getenv("INVOICE_CONFIG");

	if (!path || !*path)
		return cmocka_run_group_tests_name("test_db", missing, NULL, NULL);
	return cmocka_run_group_tests(tests, group_setup, group_teardown);
}
