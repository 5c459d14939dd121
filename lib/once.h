/*
 * once.h — one-time form keys: a form posted twice (double click, reload,
 * a retry after a lost connection) changes things once and answers the same.
 *
 * Every form that changes something carries a hidden `once` field made when
 * the form is rendered (once_new; templates/form_macros.cs `form_keys()`
 * prints it with the CSRF token). The POST handler runs its change through
 * once_run, which:
 *   1. refuses a malformed key (IE_INVALID: 400, nothing written);
 *   2. when the key was used already (by this user), copies the stored result
 *      (e.g. the redirect target) into `result` and sets *repeated = 1 without
 *      running anything;
 *   3. otherwise runs one transaction (db_tx, retried whole) that first
 *      records the key in idempotency_keys (claiming it: a second request with
 *      the same key waits on the unique index and then finds it used), then
 *      runs fn, then stores the result fn wrote, and commits all of it at once.
 * If fn fails, the transaction rolls back and the key stays unused, so the
 * same form (validation errors re-shown, a version conflict) can be posted
 * again with the same key.
 *
 *   char where[256];
 *   int again;
 *   e = once_run(req->db, app_body_param(req, "once"), req->session.user.id,
 *                "customer.create", create_tx, &ctx, where, sizeof(where), &again);
 *   if (!e) e = app_redirect(req, 303, where);
 *
 * A key used by another user, or for another action, answers IE_CONFLICT
 * (409; keys are 256-bit random, so this is a forged or mixed-up form).
 * `invoicectl housekeeping` deletes keys older than Housekeeping.FormKeyDays
 * (7 by default): a form posted again after that runs again.
 */
#ifndef INVOICE_ONCE_H
#define INVOICE_ONCE_H

#include <stddef.h>
#include "err.h"

struct db;
struct req;

#define ONCE_KEY_LEN 64               /* lowercase hex of 32 random bytes */

/* A new key, NUL-terminated, out must hold ONCE_KEY_LEN + 1. */
void once_new(char *out);
/* Makes a key and puts it in the HDF at `key` (e.g. "Form.Once"): for rendering. */
ierr once_hdf(struct req *req, const char *key);
/* 1 when s is a well-formed key. */
int once_valid(const char *s);

/* fn writes its result (a redirect target, an id) into result (NUL-terminated). */
typedef ierr (*once_fn)(struct db *db, void *ctx, char *result, size_t resultsz);

ierr once_run(struct db *db, const char *key, long long user_id, const char *action, once_fn fn,
	      void *ctx, char *result, size_t resultsz, int *repeated);

/* The stored result of a used key: IE_OK and result, IE_NOTFOUND when unused. */
ierr once_lookup(struct db *db, const char *key, long long user_id, const char *action, char *result,
		 size_t resultsz);

#endif
