/*
 * memo.h — a small per-process cache of computed values, each stamped with
 * the data version it was computed at.
 *
 * A value is returned only for the same key at the same version, so nothing
 * is ever served stale: the caller reads the current version from the
 * database in a query it runs anyway (the list reads invoice_totals_version
 * with its rows) and recomputes on a miss. The least recently used entry
 * makes room. One memo per process, owned by the loop (struct req borrows
 * it like the db handle); not thread-safe, like everything here.
 */
#ifndef INVOICE_MEMO_H
#define INVOICE_MEMO_H

#include <stddef.h>
#include "err.h"

#define MEMO_ENTRIES 64
#define MEMO_MAX_KEY 8192
#define MEMO_MAX_VALUE 32768

struct memo;

ierr memo_new(struct memo **out);
void memo_free(struct memo *m);

/* Copies the value stored under key at `version` into out (outsz bytes, which
 * must equal the stored size). IE_NOTFOUND on a miss. */
ierr memo_get(struct memo *m, const void *key, size_t keylen, long long version, void *out, size_t outsz);
/* Stores a copy; keys or values over the limits are not stored (IE_TOO_LARGE). */
ierr memo_put(struct memo *m, const void *key, size_t keylen, long long version, const void *value,
	      size_t size);

#endif
