/*
 * buf.h — growable byte buffers and the per-request arena.
 *
 * A `struct buf` always keeps a NUL after its data, so `b.data` can be used
 * as a C string when no NUL was appended inside it.
 *
 * A `struct arena` hands out memory that lives until arena_reset()/arena_free():
 * everything a request allocates comes from its arena, so one call at the end
 * of a FastCGI loop pass releases it all.
 */
#ifndef INVOICE_BUF_H
#define INVOICE_BUF_H

#include <stddef.h>
#include <stdarg.h>
#include "err.h"

struct buf {
	char  *data;
	size_t len;
	size_t cap;
};

#define BUF_INIT { NULL, 0, 0 }

ierr buf_grow(struct buf *b, size_t extra);
ierr buf_put(struct buf *b, const void *p, size_t n);
ierr buf_puts(struct buf *b, const char *s);
ierr buf_putc(struct buf *b, char c);
/* Decimal digits of v, without printf (hot paths). */
ierr buf_put_int(struct buf *b, long long v);
/* The same into out (24 bytes); returns where the text starts within it. */
const char *str_of_int(long long v, char out[24]);
/* snprintf-style append; the only formatted-print entry point. */
ierr buf_printf(struct buf *b, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
ierr buf_vprintf(struct buf *b, const char *fmt, va_list ap) __attribute__((format(printf, 2, 0)));
void buf_clear(struct buf *b);         /* len = 0, keeps memory */
void buf_free(struct buf *b);          /* releases memory */
/* Hands the data to the caller (to free()); the buffer is left empty. */
char *buf_detach(struct buf *b);

struct arena;

struct arena *arena_new(void);
void *arena_alloc(struct arena *a, size_t n);          /* zeroed, aligned */
/* Room for element n of an arena-backed array of `size`-byte elements with
 * capacity *cap: returns arr, or a doubled copy; NULL when out of memory. */
void *arena_grow(struct arena *a, void *arr, size_t n, size_t *cap, size_t size);
char *arena_strdup(struct arena *a, const char *s);
char *arena_strndup(struct arena *a, const char *s, size_t n);
char *arena_printf(struct arena *a, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* Keeps the first block for the next request, frees the rest. */
void arena_reset(struct arena *a);
void arena_free(struct arena *a);
size_t arena_used(const struct arena *a);

/* Bounded string copy that always terminates; returns IE_OVERFLOW if cut. */
ierr str_copy(char *dst, size_t dstsz, const char *src);
/* Strict decimal parse: the whole string must be an integer in [min, max]. */
ierr str_to_i64(const char *s, long long min, long long max, long long *out);

#endif
