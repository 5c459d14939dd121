#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include "log.h"
#include "buf.h"

#define LOG_KINDS 32
#define LOG_KEY 96

struct log_kind {
	char key[LOG_KEY];          /* "" = free slot */
	long long since;            /* when its last written line went out (ms) */
	unsigned long long held;    /* repeats since then, not written */
};

struct log {
	unsigned long long interval_ms;
	log_clock_fn clock;
	void *clock_ctx;
	log_sink_fn sink;
	void *sink_ctx;
	unsigned long long suppressed;
	struct log_kind kinds[LOG_KINDS];
};

static long long mono_ms(void *ctx)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1000LL + ts.tv_nsec / 1000000;
}

static void to_stderr(void *ctx, const char *line, size_t n)
{
	fwrite(line, 1, n, stderr);
	fflush(stderr);
}

ierr log_new(unsigned interval_s, struct log **out)
{
	struct log *lg = calloc(1, sizeof(*lg));

	if (!lg)
		return IE_NOMEM;
	lg->interval_ms = (unsigned long long)interval_s * 1000;
	lg->clock = mono_ms;
	lg->sink = to_stderr;
	*out = lg;
	return IE_OK;
}

void log_set_clock(struct log *lg, log_clock_fn fn, void *ctx)
{
	lg->clock = fn ? fn : mono_ms;
	lg->clock_ctx = ctx;
}

void log_set_sink(struct log *lg, log_sink_fn fn, void *ctx)
{
	lg->sink = fn ? fn : to_stderr;
	lg->sink_ctx = ctx;
}

unsigned long long log_suppressed(const struct log *lg)
{
	return lg ? lg->suppressed : 0;
}

/* text, then " (+N like this in the last S s)" when repeats were held back */
static void emit(struct log *lg, const char *text, size_t n, unsigned long long held, long long span_ms)
{
	struct buf b = BUF_INIT;
	ierr e = buf_put(&b, text, n);

	if (!e && held)
		e = buf_printf(&b, " (+%llu like this in the last %lld s)", held, (span_ms + 999) / 1000);
	if (!e)
		e = buf_puts(&b, "\n");
	if (!e)
		lg->sink(lg->sink_ctx, b.data, b.len);
	else
		lg->sink(lg->sink_ctx, "log: out of memory\n", 19);
	buf_free(&b);
}

/* A held-back count with no later line to carry it (eviction, exit). */
static void emit_held(struct log *lg, struct log_kind *k, long long now)
{
	struct buf b = BUF_INIT;

	if (!k->held)
		return;
	if (!buf_printf(&b, "(+%llu like this in the last %lld s: %s)", k->held, (now - k->since + 999) / 1000,
			k->key))
		emit(lg, b.data, b.len, 0, 0);
	buf_free(&b);
	k->held = 0;
}

void log_msg(struct log *lg, const char *key, const char *fmt, ...)
{
	struct buf text = BUF_INIT;
	struct log_kind *k = NULL, *oldest = NULL;
	long long now;
	va_list ap;
	size_t i;

	if (!key || !*key)
		key = "-";
	va_start(ap, fmt);
	if (buf_vprintf(&text, fmt, ap)) {
		va_end(ap);
		buf_free(&text);
		return;
	}
	va_end(ap);
	if (!lg) {
		to_stderr(NULL, text.data, text.len);
		to_stderr(NULL, "\n", 1);
		buf_free(&text);
		return;
	}
	now = lg->clock(lg->clock_ctx);
	if (!lg->interval_ms) {
		emit(lg, text.data, text.len, 0, 0);
		buf_free(&text);
		return;
	}
	for (i = 0; i < LOG_KINDS; i++) {
		struct log_kind *c = &lg->kinds[i];

		if (c->key[0] && !strncmp(c->key, key, LOG_KEY - 1)) {
			k = c;
			break;
		}
		if (!oldest || !c->key[0] || (oldest->key[0] && c->since < oldest->since))
			oldest = c;
	}
	if (k && (unsigned long long)(now - k->since) < lg->interval_ms) {
		k->held++;
		lg->suppressed++;
	} else if (k) {
		emit(lg, text.data, text.len, k->held, now - k->since);
		k->held = 0;
		k->since = now;
	} else {
		/* a new kind takes a free slot, or the one quiet the longest */
		if (oldest->key[0])
			emit_held(lg, oldest, now);
		str_copy(oldest->key, sizeof(oldest->key), key);
		oldest->since = now;
		oldest->held = 0;
		emit(lg, text.data, text.len, 0, 0);
	}
	buf_free(&text);
}

void log_free(struct log *lg)
{
	size_t i;

	if (!lg)
		return;
	for (i = 0; i < LOG_KINDS; i++)
		if (lg->kinds[i].key[0])
			emit_held(lg, &lg->kinds[i], lg->clock(lg->clock_ctx));
	free(lg);
}
