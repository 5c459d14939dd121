/*
 * db.h — the MariaDB layer: one lazy connection per process, prepared
 * statements only, cached, transactions retried whole.
 *
 * SQL is always a string literal with `?` placeholders; values travel as
 * bound parameters (struct db_arg, built with DB_I/DB_S/DB_N/DB_B), never in
 * the text. Statements are cached by the literal's address, so the literal
 * must be static storage (tools/codecheck enforces literals).
 *
 *   struct db_res r;
 *   if ((e = db_query(db, &r, "SELECT name FROM users WHERE id = ?", DB_ARGS(DB_I(id)))))
 *       goto out;
 *   while ((e = db_next(&r)) == IE_OK) use(db_str(&r, 0));
 *   if (e == IE_NOTFOUND) e = IE_OK;      (IE_NOTFOUND marks the end of rows)
 *   db_free(&r);
 *
 * Lost connections (2006, 2013, 1243) close every cached statement,
 * reconnect (next configured host first) and re-prepare; db_query/db_exec
 * retry a read once, never a write outside db_tx. Deadlocks and Galera
 * certification failures (1213) and lock wait timeouts (1205) surface as
 * IE_DB_RETRY, which db_tx answers by running the whole transaction again.
 * A server that stops answering (hung, not down) costs DB.ReadTimeout at
 * most: a read that timed out is not retried on the same host.
 * No MYSQL_OPT_RECONNECT: it would silently drop prepared statements.
 */
#ifndef INVOICE_DB_H
#define INVOICE_DB_H

#include <stddef.h>
#include <stdint.h>
#include "err.h"

struct config;
struct db;

enum db_argtype { DB_T_NULL, DB_T_INT, DB_T_STR, DB_T_BLOB };

struct db_arg {
	enum db_argtype type;
	long long i;
	const char *s;
	size_t len;
};

#define DB_I(x)    ((struct db_arg){ DB_T_INT, (long long)(x), NULL, 0 })
#define DB_S(x)    ((struct db_arg){ DB_T_STR, 0, (x), (size_t)-1 })  /* NULL s binds SQL NULL */
#define DB_B(p, n) ((struct db_arg){ DB_T_BLOB, 0, (const char *)(p), (n) })
#define DB_N       ((struct db_arg){ DB_T_NULL, 0, NULL, 0 })
#define DB_ARGS(...) (const struct db_arg[]){ __VA_ARGS__ }, \
	sizeof((const struct db_arg[]){ __VA_ARGS__ }) / sizeof(struct db_arg)
#define DB_NOARGS NULL, 0

#define DB_MAX_COLS 64

/* A result set, fully buffered on the client (mysql_stmt_store_result). */
struct db_res {
	struct db *db;
	void *stmt;                 /* MYSQL_STMT *, owned by the cache */
	unsigned ncols;
	char *col[DB_MAX_COLS];     /* bound buffers, NUL-terminated after each fetch */
	unsigned long collen[DB_MAX_COLS];
	char isnull[DB_MAX_COLS];   /* my_bool flags of the current row */
	char *bufs;                 /* one allocation behind col[] */
	/* integer and date columns arrive binary and are written into col[] by
	 * db_next itself (libmariadb would sprintf each one) */
	unsigned char kind[DB_MAX_COLS];
	long long num[DB_MAX_COLS];
	void *times;                /* MYSQL_TIME per date column, in bufs */
	unsigned long long nrows;
};

/* Creates the handle; connects on first use. */
ierr db_new(const struct config *cfg, struct db **out);
void db_close(struct db *db);

/* Connects now (or reports IE_UNAVAILABLE with the reason in db_error). */
ierr db_connect(struct db *db);
const char *db_error(const struct db *db);        /* last error, for logs only */
unsigned db_errno(const struct db *db);

/* SELECT: runs and buffers the rows. Free with db_free even on error. */
ierr db_query(struct db *db, struct db_res *r, const char *sql,
	      const struct db_arg *args, size_t nargs);
/* A SELECT assembled from whitelisted literal fragments (lib/listq.c),
 * values still bound; cached by its text (a few dozen texts per process). */
struct buf;
ierr db_query_built(struct db *db, struct db_res *r, const struct buf *sql,
		    const struct db_arg *args, size_t nargs);

/* Next row: IE_OK with a row, IE_NOTFOUND at the end. */
ierr db_next(struct db_res *r);
/* Calls fn for every remaining row; IE_OK at the end, else fn's or db_next's error. */
ierr db_each(struct db_res *r, ierr (*fn)(void *ctx, const struct db_res *r), void *ctx);
/* Makes row n (from 0) of the buffered result the next one db_next returns. */
ierr db_seek(struct db_res *r, unsigned long long n);
const char *db_str(const struct db_res *r, unsigned col);     /* NULL for SQL NULL */
long long db_int(const struct db_res *r, unsigned col);       /* 0 for NULL */
int db_isnull(const struct db_res *r, unsigned col);
void db_free(struct db_res *r);

/* One row expected: IE_NOTFOUND when none. Leaves r positioned on it. */
ierr db_query_row(struct db *db, struct db_res *r, const char *sql,
		  const struct db_arg *args, size_t nargs);

/* INSERT/UPDATE/DELETE/DDL. affected and insert_id may be NULL. */
ierr db_exec(struct db *db, const char *sql, const struct db_arg *args, size_t nargs,
	     unsigned long long *affected, unsigned long long *insert_id);

/* The same for a multi-row INSERT/DELETE assembled from literal fragments
 * (one "(?, ?, ...)" group per row, lib/invoice_edit.c): at most 320 values. */
ierr db_exec_built(struct db *db, const struct buf *sql, const struct db_arg *args, size_t nargs,
		   unsigned long long *affected, unsigned long long *insert_id);

/* Runs fn inside START TRANSACTION ... COMMIT, rolling back when fn fails.
 * On IE_DB_RETRY (1213/1205) or a lost connection before COMMIT was sent,
 * the whole of fn runs again, at most DB.TxRetries times with a short backoff.
 * fn must therefore only change its own state through what it returns. */
typedef ierr (*db_tx_fn)(struct db *db, void *ctx);
ierr db_tx(struct db *db, db_tx_fn fn, void *ctx);

/* Text statements outside the prepared-statement protocol, for migrations
 * (files from sql/, never data): runs a multi-statement script. */
ierr db_script(struct db *db, const char *sql, size_t len);

/* Bulk load through LOAD DATA LOCAL INFILE: `sql` names a dummy file and
 * `fill` produces the tab-separated rows (return bytes written, 0 at end, -1 error). */
typedef long (*db_infile_fn)(void *ctx, char *buf, unsigned size);
ierr db_load(struct db *db, const char *sql, db_infile_fn fill, void *ctx,
	     unsigned long long *affected);

/* invoicectl only: allow LOAD DATA LOCAL (must be called before the first use). */
void db_allow_local_infile(struct db *db);

/* A time limit for every later statement of this handle (MariaDB's
 * max_statement_time, kept across reconnects; 0: none). A statement stopped
 * by it fails with IE_DB_TIMEOUT, which nothing retries. The list program
 * sets List.MaxStatementSeconds, so no request holds its worker long. */
void db_set_statement_limit(struct db *db, unsigned ms);

/* Test seam: counts reconnects, and lets a test drop the connection. */
unsigned db_reconnects(const struct db *db);
void db_test_kill_connection(struct db *db);

#endif
