#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <errno.h>
#include "buf.h"

const char *ierr_name(ierr e)
{
	static const char *const names[] = {
		"ok", "invalid", "unauthenticated", "denied", "not found", "gone",
		"conflict", "throttled", "too large", "unsupported", "db retry",
		"db connection lost", "db unavailable", "db error", "out of memory",
		"i/o error", "internal error", "overflow", "db statement timeout",
	};
	if ((unsigned)e >= sizeof(names) / sizeof(names[0]))
		return "unknown";
	return names[e];
}

ierr buf_grow(struct buf *b, size_t extra)
{
	size_t need, cap;
	char *p;

	if (extra > SIZE_MAX - b->len - 1)
		return IE_NOMEM;
	need = b->len + extra + 1;
	if (need <= b->cap)
		return IE_OK;
	cap = b->cap ? b->cap : 256;
	while (cap < need)
		cap = cap > SIZE_MAX / 2 ? need : cap * 2;
	p = realloc(b->data, cap);
	if (!p)
		return IE_NOMEM;
	b->data = p;
	b->cap = cap;
	return IE_OK;
}

ierr buf_put(struct buf *b, const void *p, size_t n)
{
	ierr e = buf_grow(b, n);

	if (e)
		return e;
	if (n)
		memcpy(b->data + b->len, p, n);
	b->len += n;
	b->data[b->len] = '\0';
	return IE_OK;
}

ierr buf_puts(struct buf *b, const char *s)
{
	return buf_put(b, s, strlen(s));
}

ierr buf_putc(struct buf *b, char c)
{
	return buf_put(b, &c, 1);
}

ierr buf_vprintf(struct buf *b, const char *fmt, va_list ap)
{
	va_list ap2;
	size_t room;
	int n;
	ierr e;

	/* format once into the free space; again only when it did not fit */
	if ((e = buf_grow(b, 64)))
		return e;
	room = b->cap - b->len;
	va_copy(ap2, ap);
	n = vsnprintf(b->data + b->len, room, fmt, ap2);
	va_end(ap2);
	if (n < 0) {
		b->data[b->len] = '\0';
		return IE_INTERNAL;
	}
	if ((size_t)n >= room) {
		if ((e = buf_grow(b, (size_t)n))) {
			b->data[b->len] = '\0';
			return e;
		}
		vsnprintf(b->data + b->len, (size_t)n + 1, fmt, ap);
	}
	b->len += (size_t)n;
	return IE_OK;
}

const char *str_of_int(long long v, char out[24])
{
	char *p = out + 23;
	unsigned long long m = v < 0 ? 0ULL - (unsigned long long)v : (unsigned long long)v;

	*p = '\0';
	do {
		*--p = (char)('0' + m % 10);
		m /= 10;
	} while (m);
	if (v < 0)
		*--p = '-';
	return p;
}

ierr buf_put_int(struct buf *b, long long v)
{
	char tmp[24];

	return buf_puts(b, str_of_int(v, tmp));
}

ierr buf_printf(struct buf *b, const char *fmt, ...)
{
	va_list ap;
	ierr e;

	va_start(ap, fmt);
	e = buf_vprintf(b, fmt, ap);
	va_end(ap);
	return e;
}

void buf_clear(struct buf *b)
{
	b->len = 0;
	if (b->data)
		b->data[0] = '\0';
}

void buf_free(struct buf *b)
{
	free(b->data);
	b->data = NULL;
	b->len = b->cap = 0;
}

char *buf_detach(struct buf *b)
{
	char *p = b->data;

	if (!p)
		p = calloc(1, 1);
	b->data = NULL;
	b->len = b->cap = 0;
	return p;
}

/* ---- arena ---- */

struct arena_block {
	struct arena_block *next;
	size_t size, used;
	max_align_t data[];
};

/* `first` is kept across resets; `cur` is where small allocations go. */
struct arena {
	struct arena_block *first, *cur;
	size_t total;
};

#define ARENA_BLOCK 16384

static struct arena_block *block_new(size_t size)
{
	struct arena_block *bl = malloc(sizeof(*bl) + size);

	if (!bl)
		return NULL;
	bl->next = NULL;
	bl->size = size;
	bl->used = 0;
	return bl;
}

struct arena *arena_new(void)
{
	struct arena *a = calloc(1, sizeof(*a));

	if (!a)
		return NULL;
	a->first = a->cur = block_new(ARENA_BLOCK);
	if (!a->first) {
		free(a);
		return NULL;
	}
	return a;
}

void *arena_alloc(struct arena *a, size_t n)
{
	const size_t align = sizeof(max_align_t);
	struct arena_block *bl = a->cur;
	void *p;

	if (n > SIZE_MAX / 2)
		return NULL;
	n = n ? (n + align - 1) / align * align : align;
	if (bl->size - bl->used < n) {
		bl = block_new(n > ARENA_BLOCK ? n : ARENA_BLOCK);
		if (!bl)
			return NULL;
		/* a big one-off block goes behind cur, so cur keeps its free space */
		bl->next = a->cur->next;
		a->cur->next = bl;
		if (n <= ARENA_BLOCK)
			a->cur = bl;
	}
	p = (char *)bl->data + bl->used;
	bl->used += n;
	a->total += n;
	memset(p, 0, n);
	return p;
}

void *arena_grow(struct arena *a, void *arr, size_t n, size_t *cap, size_t size)
{
	size_t ncap;
	void *na;

	if (n < *cap)
		return arr;
	ncap = *cap ? *cap * 2 : 16;
	if (ncap > SIZE_MAX / size)
		return NULL;
	na = arena_alloc(a, ncap * size);
	if (!na)
		return NULL;
	if (n)
		memcpy(na, arr, n * size);
	*cap = ncap;
	return na;
}

char *arena_strndup(struct arena *a, const char *s, size_t n)
{
	char *p = arena_alloc(a, n + 1);

	if (!p)
		return NULL;
	memcpy(p, s, n);
	p[n] = '\0';
	return p;
}

char *arena_strdup(struct arena *a, const char *s)
{
	return arena_strndup(a, s, strlen(s));
}

char *arena_printf(struct arena *a, const char *fmt, ...)
{
	va_list ap, ap2;
	char *p;
	int n;

	va_start(ap, fmt);
	va_copy(ap2, ap);
	n = vsnprintf(NULL, 0, fmt, ap2);
	va_end(ap2);
	if (n < 0) {
		va_end(ap);
		return NULL;
	}
	p = arena_alloc(a, (size_t)n + 1);
	if (p)
		vsnprintf(p, (size_t)n + 1, fmt, ap);
	va_end(ap);
	return p;
}

void arena_reset(struct arena *a)
{
	struct arena_block *bl = a->first->next, *next;

	for (; bl; bl = next) {
		next = bl->next;
		free(bl);
	}
	a->first->next = NULL;
	a->first->used = 0;
	a->cur = a->first;
	a->total = 0;
}

void arena_free(struct arena *a)
{
	if (!a)
		return;
	arena_reset(a);
	free(a->first);
	free(a);
}

size_t arena_used(const struct arena *a)
{
	return a->total;
}

ierr str_copy(char *dst, size_t dstsz, const char *src)
{
	size_t n = strlen(src);

	if (dstsz == 0)
		return IE_OVERFLOW;
	if (n >= dstsz) {
		memcpy(dst, src, dstsz - 1);
		dst[dstsz - 1] = '\0';
		return IE_OVERFLOW;
	}
	memcpy(dst, src, n + 1);
	return IE_OK;
}

ierr str_to_i64(const char *s, long long min, long long max, long long *out)
{
	char *end;
	long long v;

	if (!s || !*s || (*s != '-' && (*s < '0' || *s > '9')))
		return IE_INVALID;
	errno = 0;
	v = strtoll(s, &end, 10);
	if (errno || *end || v < min || v > max)
		return IE_INVALID;
	*out = v;
	return IE_OK;
}
