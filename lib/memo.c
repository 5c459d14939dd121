#include <stdlib.h>
#include <string.h>
#include "memo.h"

struct memo_entry {
	void *key;
	size_t keylen;
	long long version;
	void *value;
	size_t size;
	unsigned long long used;   /* tick of the last hit or store; 0: empty */
};

struct memo {
	struct memo_entry e[MEMO_ENTRIES];
	unsigned long long tick;
};

ierr memo_new(struct memo **out)
{
	*out = calloc(1, sizeof(**out));
	return *out ? IE_OK : IE_NOMEM;
}

static void clear(struct memo_entry *e)
{
	free(e->key);
	free(e->value);
	memset(e, 0, sizeof(*e));
}

void memo_free(struct memo *m)
{
	size_t i;

	if (!m)
		return;
	for (i = 0; i < MEMO_ENTRIES; i++)
		clear(&m->e[i]);
	free(m);
}

static struct memo_entry *find(struct memo *m, const void *key, size_t keylen)
{
	size_t i;

	for (i = 0; i < MEMO_ENTRIES; i++) {
		struct memo_entry *e = &m->e[i];

		if (e->used && e->keylen == keylen && !memcmp(e->key, key, keylen))
			return e;
	}
	return NULL;
}

ierr memo_get(struct memo *m, const void *key, size_t keylen, long long version, void *out, size_t outsz)
{
	struct memo_entry *e = find(m, key, keylen);

	if (!e || e->version != version || e->size != outsz)
		return IE_NOTFOUND;
	memcpy(out, e->value, outsz);
	e->used = ++m->tick;
	return IE_OK;
}

ierr memo_put(struct memo *m, const void *key, size_t keylen, long long version, const void *value,
	      size_t size)
{
	struct memo_entry *e = find(m, key, keylen);
	void *k, *v;
	size_t i;

	if (keylen > MEMO_MAX_KEY || size > MEMO_MAX_VALUE)
		return IE_TOO_LARGE;
	if (!e) {
		e = &m->e[0];
		for (i = 1; i < MEMO_ENTRIES && e->used; i++)
			if (m->e[i].used < e->used)
				e = &m->e[i];
	}
	k = malloc(keylen ? keylen : 1);
	v = malloc(size ? size : 1);
	if (!k || !v) {
		free(k);
		free(v);
		return IE_NOMEM;
	}
	memcpy(k, key, keylen);
	memcpy(v, value, size);
	clear(e);
	e->key = k;
	e->keylen = keylen;
	e->version = version;
	e->value = v;
	e->size = size;
	e->used = ++m->tick;
	return IE_OK;
}
