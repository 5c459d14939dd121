#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <mysql.h>
#include <errmsg.h>
#include <mysqld_error.h>
#include "db.h"
#include "config.h"
#include "buf.h"

#define STMT_CACHE 256          /* power of two */
#define MAX_ARGS 320

struct stmt_slot {
	const char *sql;        /* the literal's address is the key */
	MYSQL_STMT *st;
};

#define DYN_CACHE 64

struct dyn_slot {
	char *text;             /* owned copy of the statement text */
	MYSQL_STMT *st;
};

struct db {
	const struct config *cfg;
	MYSQL *conn;
	size_t host;            /* index of the host we are (or were last) on */
	struct stmt_slot cache[STMT_CACHE];
	struct dyn_slot dyn[DYN_CACHE];
	size_t dyn_next;        /* round-robin eviction */
	int in_tx;
	int local_infile;
	unsigned stmt_limit_ms;     /* max_statement_time wanted (0: none) */
	unsigned stmt_limit_set;    /* what this connection has */
	unsigned reconnects;
	unsigned errnum;
	char err[256];
};

ierr db_new(const struct config *cfg, struct db **out)
{
	struct db *db = calloc(1, sizeof(*db));

	if (!db)
		return IE_NOMEM;
	db->cfg = cfg;
	*out = db;
	return IE_OK;
}

static void set_err(struct db *db, unsigned num, const char *msg)
{
	db->errnum = num;
	snprintf(db->err, sizeof(db->err), "%u: %s", num, msg ? msg : "");
}

static void drop_statements(struct db *db)
{
	size_t i;

	for (i = 0; i < STMT_CACHE; i++) {
		if (db->cache[i].st)
			mysql_stmt_close(db->cache[i].st);
		db->cache[i].st = NULL;
		db->cache[i].sql = NULL;
	}
	for (i = 0; i < DYN_CACHE; i++) {
		if (db->dyn[i].st)
			mysql_stmt_close(db->dyn[i].st);
		free(db->dyn[i].text);
		db->dyn[i].st = NULL;
		db->dyn[i].text = NULL;
	}
}

static void disconnect(struct db *db)
{
	drop_statements(db);
	if (db->conn)
		mysql_close(db->conn);
	db->conn = NULL;
	db->in_tx = 0;
	db->stmt_limit_set = 0;
}

void db_close(struct db *db)
{
	if (!db)
		return;
	disconnect(db);
	free(db);
}

const char *db_error(const struct db *db)
{
	return db->err;
}

unsigned db_errno(const struct db *db)
{
	return db->errnum;
}

unsigned db_reconnects(const struct db *db)
{
	return db->reconnects;
}

void db_allow_local_infile(struct db *db)
{
	db->local_infile = 1;
}

static int is_lost(unsigned num)
{
	return num == CR_SERVER_GONE_ERROR || num == CR_SERVER_LOST || num == CR_CONNECTION_ERROR
	    || num == CR_CONN_HOST_ERROR || num == ER_NEED_REPREPARE || num == ER_UNKNOWN_COM_ERROR
	    || num == CR_SERVER_LOST_EXTENDED;
}

static int is_retry(unsigned num)
{
	return num == ER_LOCK_DEADLOCK || num == ER_LOCK_WAIT_TIMEOUT;
}

static ierr classify(struct db *db, unsigned num, const char *msg)
{
	set_err(db, num, msg);
	if (is_lost(num))
		return IE_DB_LOST;
	if (is_retry(num))
		return IE_DB_RETRY;
	/* killed by max_statement_time: the same statement would run as long again */
	if (num == ER_STATEMENT_TIMEOUT)
		return IE_DB_TIMEOUT;
	if (num == ER_DUP_ENTRY)
		return IE_CONFLICT;
	return IE_DB;
}

static ierr session_setup(MYSQL *c)
{
	/* UTC on the wire; customer time zones are applied in lib/, not by the server. */
	static const char setup[] =
		"SET time_zone = '+00:00', "
		"sql_mode = 'STRICT_ALL_TABLES,NO_ZERO_DATE,NO_ZERO_IN_DATE,ERROR_FOR_DIVISION_BY_ZERO,NO_ENGINE_SUBSTITUTION'";

	return mysql_real_query(c, setup, sizeof(setup) - 1) ? IE_DB : IE_OK;
}

ierr db_connect(struct db *db)
{
	const struct config *cfg = db->cfg;
	size_t i;

	if (db->conn)
		return IE_OK;
	for (i = 0; i < cfg->ndb_hosts; i++) {
		size_t h = (db->host + i) % cfg->ndb_hosts;
		const struct config_dbhost *dh = &cfg->db_hosts[h];
		unsigned timeout = cfg->db_connect_timeout ? cfg->db_connect_timeout : 2;
		/* Web workers give up on a stopped server after DB.ReadTimeout (the
		 * request answers 503; the connector does not retry a timed-out read).
		 * invoicectl (the only caller of db_allow_local_infile) runs
		 * migrations, bulk loads and their COMMITs, which may legitimately
		 * take many minutes. */
		unsigned r_timeout = db->local_infile ? 3600 : cfg->db_read_timeout ? cfg->db_read_timeout : 2;
		unsigned w_timeout = db->local_infile ? 3600 : cfg->db_write_timeout ? cfg->db_write_timeout : 2;
		my_bool off = 0;
		MYSQL *c = mysql_init(NULL);

		if (!c)
			return IE_NOMEM;
		mysql_optionsv(c, MYSQL_OPT_CONNECT_TIMEOUT, &timeout);
		mysql_optionsv(c, MYSQL_OPT_READ_TIMEOUT, &r_timeout);
		mysql_optionsv(c, MYSQL_OPT_WRITE_TIMEOUT, &w_timeout);
		mysql_optionsv(c, MYSQL_OPT_RECONNECT, &off);
		mysql_optionsv(c, MYSQL_SET_CHARSET_NAME, "utf8mb4");
		if (db->local_infile) {
			unsigned on = 1;

			mysql_optionsv(c, MYSQL_OPT_LOCAL_INFILE, &on);
		}
		if (!mysql_real_connect(c, dh->socket[0] ? NULL : dh->host, cfg->db_user,
					cfg->db_password, cfg->db_name, dh->port,
					dh->socket[0] ? dh->socket : NULL, 0)
		    || session_setup(c)) {
			set_err(db, mysql_errno(c), mysql_error(c));
			mysql_close(c);
			continue;
		}
		db->conn = c;
		if (h != db->host || db->reconnects || i)
			db->reconnects++;
		db->host = h;
		return IE_OK;
	}
	/* next attempt starts at the following host */
	db->host = (db->host + 1) % (cfg->ndb_hosts ? cfg->ndb_hosts : 1);
	return IE_UNAVAILABLE;
}

void db_test_kill_connection(struct db *db)
{
	if (db->conn)
		mysql_real_query(db->conn, "KILL CONNECTION_ID()", 20);
}

static void lost(struct db *db)
{
	disconnect(db);
	db->reconnects++;
}

static ierr prepare(struct db *db, const char *sql, MYSQL_STMT **out)
{
	size_t h = ((uintptr_t)sql >> 3) & (STMT_CACHE - 1), n;
	MYSQL_STMT *st;

	for (n = 0; n < STMT_CACHE; n++, h = (h + 1) & (STMT_CACHE - 1)) {
		if (db->cache[h].sql == sql) {
			*out = db->cache[h].st;
			return IE_OK;
		}
		if (!db->cache[h].sql)
			break;
	}
	st = mysql_stmt_init(db->conn);
	if (!st)
		return IE_NOMEM;
	if (mysql_stmt_prepare(st, sql, strlen(sql))) {
		ierr e = classify(db, mysql_stmt_errno(st), mysql_stmt_error(st));

		mysql_stmt_close(st);
		return e;
	}
	if (n < STMT_CACHE) {
		db->cache[h].sql = sql;
		db->cache[h].st = st;
	} else {
		/* cache full: should not happen with a fixed set of literals */
		mysql_stmt_close(st);
		set_err(db, 0, "statement cache full");
		return IE_INTERNAL;
	}
	*out = st;
	return IE_OK;
}

/* Statements assembled from whitelisted fragments (lib/listq.c): cached by text. */
static ierr prepare_dyn(struct db *db, const char *sql, MYSQL_STMT **out)
{
	struct dyn_slot *slot;
	MYSQL_STMT *st;
	size_t i;

	for (i = 0; i < DYN_CACHE; i++) {
		if (db->dyn[i].text && !strcmp(db->dyn[i].text, sql)) {
			*out = db->dyn[i].st;
			return IE_OK;
		}
	}
	st = mysql_stmt_init(db->conn);
	if (!st)
		return IE_NOMEM;
	if (mysql_stmt_prepare(st, sql, strlen(sql))) {
		ierr e = classify(db, mysql_stmt_errno(st), mysql_stmt_error(st));

		mysql_stmt_close(st);
		return e;
	}
	slot = &db->dyn[db->dyn_next];
	db->dyn_next = (db->dyn_next + 1) % DYN_CACHE;
	if (slot->st)
		mysql_stmt_close(slot->st);
	free(slot->text);
	slot->text = strdup(sql);
	slot->st = slot->text ? st : NULL;
	if (!slot->text) {
		mysql_stmt_close(st);
		return IE_NOMEM;
	}
	*out = st;
	return IE_OK;
}

static ierr bind_args(struct db *db, MYSQL_STMT *st, const struct db_arg *args, size_t nargs,
		      MYSQL_BIND *bind, unsigned long *lens, my_bool *nulls)
{
	size_t i;

	if (nargs != mysql_stmt_param_count(st)) {
		set_err(db, 0, "parameter count does not match placeholders");
		return IE_INTERNAL;
	}
	if (nargs > MAX_ARGS) {
		set_err(db, 0, "too many parameters");
		return IE_INTERNAL;
	}
	memset(bind, 0, sizeof(*bind) * nargs);
	for (i = 0; i < nargs; i++) {
		const struct db_arg *a = &args[i];

		nulls[i] = 0;
		bind[i].is_null = &nulls[i];
		switch (a->type) {
		case DB_T_INT:
			bind[i].buffer_type = MYSQL_TYPE_LONGLONG;
			bind[i].buffer = (void *)&a->i;
			break;
		case DB_T_STR:
		case DB_T_BLOB:
			if (!a->s) {
				bind[i].buffer_type = MYSQL_TYPE_NULL;
				nulls[i] = 1;
				break;
			}
			bind[i].buffer_type = a->type == DB_T_STR ? MYSQL_TYPE_STRING : MYSQL_TYPE_BLOB;
			bind[i].buffer = (void *)a->s;
			lens[i] = a->len == (size_t)-1 ? strlen(a->s) : a->len;
			bind[i].buffer_length = lens[i];
			bind[i].length = &lens[i];
			break;
		case DB_T_NULL:
		default:
			bind[i].buffer_type = MYSQL_TYPE_NULL;
			nulls[i] = 1;
			break;
		}
	}
	if (nargs && mysql_stmt_bind_param(st, bind))
		return classify(db, mysql_stmt_errno(st), mysql_stmt_error(st));
	return IE_OK;
}

void db_set_statement_limit(struct db *db, unsigned ms)
{
	db->stmt_limit_ms = ms;
}

/* Sets the session's max_statement_time (milliseconds bound as a number):
 * once per connection, again after a reconnect or a change. */
static ierr apply_limit(struct db *db)
{
	static const char sql[] = "SET SESSION max_statement_time = ? / 1000";
	const struct db_arg arg = DB_I(db->stmt_limit_ms);
	MYSQL_BIND bind[1];
	unsigned long lens[1];
	my_bool nulls[1];
	MYSQL_STMT *st = NULL;
	ierr e;

	if ((e = prepare(db, sql, &st)) || (e = bind_args(db, st, &arg, 1, bind, lens, nulls)))
		return e;
	if (mysql_stmt_execute(st))
		return classify(db, mysql_stmt_errno(st), mysql_stmt_error(st));
	db->stmt_limit_set = db->stmt_limit_ms;
	return IE_OK;
}

/* Prepares (from cache), binds and executes once. */
static ierr execute_once(struct db *db, const char *sql, const struct db_arg *args, size_t nargs,
			 MYSQL_STMT **out, int dynamic)
{
	MYSQL_BIND bind[MAX_ARGS];
	unsigned long lens[MAX_ARGS];
	my_bool nulls[MAX_ARGS];
	MYSQL_STMT *st = NULL;
	ierr e;

	if ((e = db_connect(db)))
		return e;
	if (db->stmt_limit_ms != db->stmt_limit_set && (e = apply_limit(db)))
		return e;
	if ((e = dynamic ? prepare_dyn(db, sql, &st) : prepare(db, sql, &st)))
		return e;
	if ((e = bind_args(db, st, args, nargs, bind, lens, nulls)))
		return e;
	if (mysql_stmt_execute(st))
		return classify(db, mysql_stmt_errno(st), mysql_stmt_error(st));
	*out = st;
	return IE_OK;
}

/* Reads may be retried on a fresh connection; inside a transaction the
 * whole transaction must be retried instead, which db_tx does. */
static ierr execute(struct db *db, const char *sql, const struct db_arg *args, size_t nargs,
		    MYSQL_STMT **out, int idempotent, int dynamic)
{
	struct timespec t0, t1;
	ierr e;

	clock_gettime(CLOCK_MONOTONIC, &t0);
	e = execute_once(db, sql, args, nargs, out, dynamic);
	if (e == IE_DB_LOST || (e == IE_UNAVAILABLE && db->errnum == 0)) {
		int was_tx = db->in_tx;
		unsigned rt = db->cfg->db_read_timeout ? db->cfg->db_read_timeout : 2;

		clock_gettime(CLOCK_MONOTONIC, &t1);
		lost(db);
		if (was_tx || !idempotent)
			return IE_DB_LOST;
		/* a read that timed out: the server is hung, not restarted; asking
		 * it again would double the wait. Another host may answer. */
		if (!db->local_infile && (t1.tv_sec - t0.tv_sec) * 1000LL + (t1.tv_nsec - t0.tv_nsec) / 1000000
					 >= (long long)rt * 1000 - 100) {
			if (db->cfg->ndb_hosts < 2)
				return IE_UNAVAILABLE;
			db->host = (db->host + 1) % db->cfg->ndb_hosts;
		}
		e = execute_once(db, sql, args, nargs, out, dynamic);
		if (e == IE_DB_LOST)
			lost(db);
	}
	if (e == IE_DB_LOST && !db->in_tx)
		return IE_UNAVAILABLE;
	return e;
}

static int is_text_type(enum enum_field_types t)
{
	switch (t) {
	case MYSQL_TYPE_STRING: case MYSQL_TYPE_VAR_STRING: case MYSQL_TYPE_VARCHAR:
	case MYSQL_TYPE_BLOB: case MYSQL_TYPE_TINY_BLOB: case MYSQL_TYPE_MEDIUM_BLOB:
	case MYSQL_TYPE_LONG_BLOB: case MYSQL_TYPE_JSON: case MYSQL_TYPE_ENUM:
	case MYSQL_TYPE_SET: case MYSQL_TYPE_NEWDECIMAL: case MYSQL_TYPE_DECIMAL:
		return 1;
	default:
		return 0;
	}
}

enum { KIND_TEXT, KIND_INT, KIND_UINT, KIND_DATE };

static unsigned char kind_of(const MYSQL_FIELD *f)
{
	switch (f->type) {
	case MYSQL_TYPE_TINY: case MYSQL_TYPE_SHORT: case MYSQL_TYPE_INT24:
	case MYSQL_TYPE_LONG: case MYSQL_TYPE_LONGLONG:
		return (f->flags & UNSIGNED_FLAG) ? KIND_UINT : KIND_INT;
	case MYSQL_TYPE_DATE: case MYSQL_TYPE_NEWDATE:
		return KIND_DATE;
	default:
		return KIND_TEXT;
	}
}

/* Right-aligned decimal digits of v into the `width` bytes before *end. */
static char *digits(char *end, unsigned long long v, int width)
{
	do {
		*--end = (char)('0' + v % 10);
		v /= 10;
	} while (--width > 0 || v);
	return end;
}

/* The text libmariadb would have produced for a binary column. */
static void binary_to_text(struct db_res *r, unsigned i)
{
	char tmp[24], *end = tmp + sizeof(tmp), *p;

	if (r->kind[i] == KIND_DATE) {
		const MYSQL_TIME *t = (const MYSQL_TIME *)r->times + i;

		p = digits(end, t->day, 2);
		*--p = '-';
		p = digits(p, t->month, 2);
		*--p = '-';
		p = digits(p, t->year, 4);
	} else if (r->kind[i] == KIND_UINT || r->num[i] >= 0) {
		p = digits(end, (unsigned long long)r->num[i], 1);
	} else {
		p = digits(end, 0ULL - (unsigned long long)r->num[i], 1);
		*--p = '-';
	}
	r->collen[i] = (unsigned long)(end - p);
	memcpy(r->col[i], p, r->collen[i]);
}

static ierr query(struct db *db, struct db_res *r, const char *sql,
		  const struct db_arg *args, size_t nargs, int dynamic)
{
	MYSQL_BIND bind[DB_MAX_COLS];
	MYSQL_RES *meta = NULL;
	MYSQL_FIELD *f;
	MYSQL_STMT *st;
	size_t offs[DB_MAX_COLS], total = 0;
	my_bool on = 1;
	unsigned i;
	ierr e;

	memset(r, 0, sizeof(*r));
	r->db = db;
	if ((e = execute(db, sql, args, nargs, &st, 1, dynamic)))
		return e;
	r->stmt = st;
	mysql_stmt_attr_set(st, STMT_ATTR_UPDATE_MAX_LENGTH, &on);
	if (mysql_stmt_store_result(st)) {
		e = classify(db, mysql_stmt_errno(st), mysql_stmt_error(st));
		/* stopped while sending rows (max_statement_time): the statement
		 * must be reset, or its next execution reads a closed stream (2006) */
		if (e == IE_DB_TIMEOUT)
			mysql_stmt_reset(st);
		goto out;
	}
	meta = mysql_stmt_result_metadata(st);
	if (!meta) {
		set_err(db, 0, "statement returns no result set");
		e = IE_INTERNAL;
		goto out;
	}
	r->ncols = mysql_num_fields(meta);
	if (r->ncols > DB_MAX_COLS) {
		set_err(db, 0, "too many columns");
		e = IE_INTERNAL;
		goto out;
	}
	f = mysql_fetch_fields(meta);
	/* the MYSQL_TIME slots first (aligned), then the text buffers */
	total = sizeof(MYSQL_TIME) * r->ncols;
	for (i = 0; i < r->ncols; i++) {
		size_t sz = f[i].max_length;

		r->kind[i] = kind_of(&f[i]);
		if (!is_text_type(f[i].type) && sz < 64)
			sz = 64;
		offs[i] = total;
		total += sz + 1;
	}
	r->bufs = malloc(total);
	if (!r->bufs) {
		e = IE_NOMEM;
		goto out;
	}
	r->times = r->bufs;
	memset(bind, 0, sizeof(bind[0]) * r->ncols);
	for (i = 0; i < r->ncols; i++) {
		r->col[i] = r->bufs + offs[i];
		bind[i].is_null = (my_bool *)&r->isnull[i];
		if (r->kind[i] == KIND_DATE) {
			bind[i].buffer_type = MYSQL_TYPE_DATE;
			bind[i].buffer = (MYSQL_TIME *)r->times + i;
			bind[i].buffer_length = sizeof(MYSQL_TIME);
		} else if (r->kind[i] != KIND_TEXT) {
			bind[i].buffer_type = MYSQL_TYPE_LONGLONG;
			bind[i].buffer = &r->num[i];
			bind[i].buffer_length = sizeof(r->num[i]);
			bind[i].is_unsigned = r->kind[i] == KIND_UINT;
		} else {
			bind[i].buffer_type = MYSQL_TYPE_STRING;
			bind[i].buffer = r->col[i];
			bind[i].buffer_length = (i + 1 < r->ncols ? offs[i + 1] : total) - offs[i] - 1;
			bind[i].length = &r->collen[i];
		}
	}
	if (mysql_stmt_bind_result(st, bind)) {
		e = classify(db, mysql_stmt_errno(st), mysql_stmt_error(st));
		goto out;
	}
	r->nrows = mysql_stmt_num_rows(st);
out:
	if (meta)
		mysql_free_result(meta);
	return e;
}

ierr db_query(struct db *db, struct db_res *r, const char *sql,
	      const struct db_arg *args, size_t nargs)
{
	return query(db, r, sql, args, nargs, 0);
}

ierr db_query_built(struct db *db, struct db_res *r, const struct buf *sql,
		    const struct db_arg *args, size_t nargs)
{
	return query(db, r, sql->data, args, nargs, 1);
}

ierr db_next(struct db_res *r)
{
	MYSQL_STMT *st = r->stmt;
	int rc;
	unsigned i;

	if (!st)
		return IE_NOTFOUND;
	rc = mysql_stmt_fetch(st);
	if (rc == MYSQL_NO_DATA)
		return IE_NOTFOUND;
	if (rc == 1)
		return classify(r->db, mysql_stmt_errno(st), mysql_stmt_error(st));
	/* MYSQL_DATA_TRUNCATED cannot happen: buffers are sized from max_length */
	for (i = 0; i < r->ncols; i++) {
		if (r->isnull[i])
			continue;
		if (r->kind[i] != KIND_TEXT)
			binary_to_text(r, i);
		r->col[i][r->collen[i]] = '\0';
	}
	return IE_OK;
}

ierr db_each(struct db_res *r, ierr (*fn)(void *ctx, const struct db_res *r), void *ctx)
{
	ierr e;

	while ((e = db_next(r)) == IE_OK)
		if ((e = fn(ctx, r)))
			return e;
	return e == IE_NOTFOUND ? IE_OK : e;
}

ierr db_seek(struct db_res *r, unsigned long long n)
{
	if (!r->stmt || n >= r->nrows)
		return IE_NOTFOUND;
	mysql_stmt_data_seek(r->stmt, n);
	return IE_OK;
}

const char *db_str(const struct db_res *r, unsigned col)
{
	if (col >= r->ncols || r->isnull[col])
		return NULL;
	return r->col[col];
}

int db_isnull(const struct db_res *r, unsigned col)
{
	return db_str(r, col) == NULL;
}

long long db_int(const struct db_res *r, unsigned col)
{
	const char *s = db_str(r, col);
	long long v = 0;

	if (s && str_to_i64(s, -9223372036854775807LL - 1, 9223372036854775807LL, &v))
		v = 0;
	return v;
}

void db_free(struct db_res *r)
{
	if (r->stmt)
		mysql_stmt_free_result(r->stmt);
	free(r->bufs);
	memset(r, 0, sizeof(*r));
}

ierr db_query_row(struct db *db, struct db_res *r, const char *sql,
		  const struct db_arg *args, size_t nargs)
{
	ierr e = db_query(db, r, sql, args, nargs);

	if (e)
		return e;
	return db_next(r);
}

static ierr exec(struct db *db, const char *sql, const struct db_arg *args, size_t nargs,
		unsigned long long *affected, unsigned long long *insert_id, int dynamic)
{
	MYSQL_STMT *st;
	ierr e = execute(db, sql, args, nargs, &st, 0, dynamic);

	if (e)
		return e;
	if (affected)
		*affected = mysql_stmt_affected_rows(st);
	if (insert_id)
		*insert_id = mysql_stmt_insert_id(st);
	return IE_OK;
}

ierr db_exec(struct db *db, const char *sql, const struct db_arg *args, size_t nargs,
	     unsigned long long *affected, unsigned long long *insert_id)
{
	return exec(db, sql, args, nargs, affected, insert_id, 0);
}

ierr db_exec_built(struct db *db, const struct buf *sql, const struct db_arg *args, size_t nargs,
		   unsigned long long *affected, unsigned long long *insert_id)
{
	return exec(db, sql->data, args, nargs, affected, insert_id, 1);
}

static ierr text(struct db *db, const char *sql)
{
	if (mysql_real_query(db->conn, sql, strlen(sql)))
		return classify(db, mysql_errno(db->conn), mysql_error(db->conn));
	return IE_OK;
}

static void backoff(unsigned attempt)
{
	struct timespec ts;
	unsigned ms = (5u << (attempt < 6 ? attempt : 6)) + (unsigned)(rand() % 7);

	ts.tv_sec = ms / 1000;
	ts.tv_nsec = (long)(ms % 1000) * 1000000L;
	nanosleep(&ts, NULL);
}

ierr db_tx(struct db *db, db_tx_fn fn, void *ctx)
{
	unsigned attempt, retries = db->cfg->db_tx_retries ? db->cfg->db_tx_retries : 5;
	ierr e = IE_INTERNAL;

	for (attempt = 0; attempt <= retries; attempt++) {
		if (attempt)
			backoff(attempt);
		if ((e = db_connect(db)))
			return e;
		if ((e = text(db, "START TRANSACTION"))) {
			if (e == IE_DB_LOST) {
				lost(db);
				continue;
			}
			return e;
		}
		db->in_tx = 1;
		e = fn(db, ctx);
		if (e == IE_OK) {
			e = text(db, "COMMIT");
			db->in_tx = 0;
			if (e == IE_OK)
				return IE_OK;
			if (e == IE_DB_LOST) {
				/* the COMMIT may have landed: not ours to repeat (idempotency keys are) */
				lost(db);
				return IE_UNAVAILABLE;
			}
		}
		db->in_tx = 0;
		if (db->conn) {
			ierr re = text(db, "ROLLBACK");

			if (re == IE_DB_LOST)
				lost(db);
		}
		if (e == IE_DB_LOST && !db->conn)
			continue;
		if (e == IE_DB_LOST) {
			lost(db);
			continue;
		}
		if (e != IE_DB_RETRY)
			return e;
	}
	return e == IE_DB_LOST ? IE_UNAVAILABLE : e;
}

ierr db_script(struct db *db, const char *sql, size_t len)
{
	ierr e;
	int status;

	if ((e = db_connect(db)))
		return e;
	drop_statements(db);
	if (mysql_set_server_option(db->conn, MYSQL_OPTION_MULTI_STATEMENTS_ON))
		return classify(db, mysql_errno(db->conn), mysql_error(db->conn));
	if (mysql_real_query(db->conn, sql, len)) {
		e = classify(db, mysql_errno(db->conn), mysql_error(db->conn));
		goto out;
	}
	do {
		MYSQL_RES *res = mysql_store_result(db->conn);

		if (res)
			mysql_free_result(res);
		status = mysql_next_result(db->conn);
		if (status > 0) {
			e = classify(db, mysql_errno(db->conn), mysql_error(db->conn));
			goto out;
		}
	} while (status == 0);
out:
	if (db->conn)
		mysql_set_server_option(db->conn, MYSQL_OPTION_MULTI_STATEMENTS_OFF);
	return e;
}

struct infile {
	db_infile_fn fill;
	void *ctx;
};

static int infile_init(void **ptr, const char *filename, void *userdata)
{
	*ptr = userdata;
	return 0;
}

static int infile_read(void *ptr, char *buf, unsigned int len)
{
	struct infile *in = ptr;
	long n = in->fill(in->ctx, buf, len);

	return n < 0 ? -1 : (int)n;
}

static void infile_end(void *ptr)
{
}

static int infile_error(void *ptr, char *msg, unsigned int len)
{
	snprintf(msg, len, "row generator failed");
	return CR_UNKNOWN_ERROR;
}

/* LOAD DATA LOCAL behaves as if IGNORE were given: duplicate keys and bad
 * values (truncated text, junk in a number) are only warnings, even in strict
 * mode. A load must not silently store mangled rows: the first warning is an
 * error (the caller's transaction rolls back). */
static ierr load_warnings(struct db *db)
{
	MYSQL_RES *res;
	MYSQL_ROW row;
	unsigned count = mysql_warning_count(db->conn);

	if (!count)
		return IE_OK;
	set_err(db, 0, "LOAD DATA produced warnings");
	if (mysql_real_query(db->conn, "SHOW WARNINGS LIMIT 1", 21) == 0
	    && (res = mysql_store_result(db->conn)) != NULL) {
		row = mysql_fetch_row(res);
		if (row && row[1] && row[2]) {
			char msg[200];
			long long code = 0;

			snprintf(msg, sizeof(msg), "%s (%u warnings)", row[2], count);
			str_to_i64(row[1], 0, 65535, &code);
			set_err(db, (unsigned)code, msg);
		}
		mysql_free_result(res);
	}
	return IE_DB;
}

ierr db_load(struct db *db, const char *sql, db_infile_fn fill, void *ctx,
	     unsigned long long *affected)
{
	struct infile in = { fill, ctx };
	ierr e;

	if ((e = db_connect(db)))
		return e;
	mysql_set_local_infile_handler(db->conn, infile_init, infile_read, infile_end,
				       infile_error, &in);
	e = text(db, sql);
	if (db->conn) {
		if (!e && affected)
			*affected = mysql_affected_rows(db->conn);
		if (!e)
			e = load_warnings(db);
		mysql_set_local_infile_default(db->conn);
	}
	return e;
}
