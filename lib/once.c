/* once.c — one-time form keys over idempotency_keys (see once.h). */
#include <string.h>
#include <sodium.h>
#include "once.h"
#include "app.h"
#include "buf.h"
#include "db.h"

void once_new(char *out)
{
	unsigned char raw[32];

	randombytes_buf(raw, sizeof(raw));
	sodium_bin2hex(out, ONCE_KEY_LEN + 1, raw, sizeof(raw));
}

ierr once_hdf(struct req *req, const char *key)
{
	char k[ONCE_KEY_LEN + 1];

	once_new(k);
	return app_set(req, key, k);
}

int once_valid(const char *s)
{
	size_t i;

	if (!s)
		return 0;
	for (i = 0; i < ONCE_KEY_LEN; i++)
		if (!((s[i] >= '0' && s[i] <= '9') || (s[i] >= 'a' && s[i] <= 'f')))
			return 0;
	return s[i] == '\0';
}

ierr once_lookup(struct db *db, const char *key, long long user_id, const char *action, char *result,
		 size_t resultsz)
{
	struct db_res r = { 0 };
	ierr e;

	if (!once_valid(key))
		return IE_INVALID;
	e = db_query_row(db, &r, "SELECT COALESCE(user_id, 0), action, result FROM idempotency_keys "
			 "WHERE idem_key = ?", DB_ARGS(DB_S(key)));
	if (e)
		goto out;
	if (db_int(&r, 0) != user_id || strcmp(db_str(&r, 1), action)) {
		e = IE_CONFLICT;
		goto out;
	}
	e = str_copy(result, resultsz, db_str(&r, 2));
out:
	db_free(&r);
	return e;
}

struct once_tx {
	const char *key, *action;
	long long user_id;
	once_fn fn;
	void *ctx;
	char *result;
	size_t resultsz;
};

static ierr once_tx(struct db *db, void *ctx)
{
	struct once_tx *t = ctx;
	ierr e;

	t->result[0] = '\0';
	/* claim first: a parallel request with the same key waits here */
	if ((e = db_exec(db, "INSERT INTO idempotency_keys (idem_key, user_id, action, result, created_at) "
			 "VALUES (?, ?, ?, '', UTC_TIMESTAMP())",
			 DB_ARGS(DB_S(t->key), t->user_id > 0 ? DB_I(t->user_id) : DB_N, DB_S(t->action)),
			 NULL, NULL)))
		return e;
	if ((e = t->fn(db, t->ctx, t->result, t->resultsz)))
		return e;
	return db_exec(db, "UPDATE idempotency_keys SET result = ? WHERE idem_key = ?",
		       DB_ARGS(DB_S(t->result), DB_S(t->key)), NULL, NULL);
}

ierr once_run(struct db *db, const char *key, long long user_id, const char *action, once_fn fn,
	      void *ctx, char *result, size_t resultsz, int *repeated)
{
	struct once_tx t = { key, action, user_id, fn, ctx, result, resultsz };
	ierr e;

	*repeated = 0;
	if (!resultsz)
		return IE_INTERNAL;
	result[0] = '\0';
	if (!once_valid(key))
		return IE_INVALID;
	e = once_lookup(db, key, user_id, action, result, resultsz);
	if (e != IE_NOTFOUND) {
		if (!e)
			*repeated = 1;
		return e;
	}
	e = db_tx(db, once_tx, &t);
	if (e == IE_CONFLICT || e == IE_UNAVAILABLE) {
		/* the key was claimed meanwhile (duplicate entry), or the COMMIT's
		 * answer was lost: the stored result says whether the work is done */
		ierr le = once_lookup(db, key, user_id, action, result, resultsz);

		if (le == IE_OK) {
			*repeated = 1;
			return IE_OK;
		}
		if (le != IE_NOTFOUND)
			return le;
	}
	return e;
}
