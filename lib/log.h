/*
 * log.h — the error log of the programs (stderr, which the service manager
 * or the web server keeps), with repeats held back.
 *
 * During an outage every request fails the same way; one line per request
 * would fill the disk (63 MB in 70 s under load). log_msg writes the first
 * line of a kind at once; more of the same kind (same `key`) within the
 * interval (Log.RepeatSeconds) are only counted, and the first one after it
 * is written with the count of those held back:
 *
 *   invoice-list: GET /invoices: db unavailable db: 2002: ... (+41 like this in the last 10 s)
 *
 * The clock and the output are seams for tests (log_set_clock, log_set_sink).
 */
#ifndef INVOICE_LOG_H
#define INVOICE_LOG_H

#include <stddef.h>
#include "err.h"

struct log;

typedef long long (*log_clock_fn)(void *ctx);                        /* milliseconds, monotonic */
typedef void (*log_sink_fn)(void *ctx, const char *line, size_t n);  /* one line, with its '\n' */

/* interval_s 0: every line is written. */
ierr log_new(unsigned interval_s, struct log **out);
/* Writes what is still held back ("+N like this") and frees. */
void log_free(struct log *lg);
void log_set_clock(struct log *lg, log_clock_fn fn, void *ctx);
void log_set_sink(struct log *lg, log_sink_fn fn, void *ctx);

/* One line (no '\n' needed). `key` names its kind: lines with the same key
 * are repeats of each other (say "program status ierr dberrno", not the path). */
void log_msg(struct log *lg, const char *key, const char *fmt, ...) __attribute__((format(printf, 3, 4)));

/* How many lines were held back so far, over all kinds (tests, stats). */
unsigned long long log_suppressed(const struct log *lg);

#endif
