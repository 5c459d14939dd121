/*
 * test_log.c — unit tests for lib/log.c with an injected clock and sink:
 * the first line of a kind goes out at once, repeats within the interval are
 * held back and counted on the next line after it, kinds are independent,
 * a full table hands its oldest kind's count out before reusing the slot,
 * and nothing is lost at the end.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <string.h>
#include "buf.h"
#include "log.h"

struct fake {
	long long now;          /* ms */
	struct buf out;         /* every line written */
	unsigned lines;
};

static long long fake_clock(void *ctx)
{
	return ((struct fake *)ctx)->now;
}

static void fake_sink(void *ctx, const char *line, size_t n)
{
	struct fake *f = ctx;

	assert_true(n > 0 && line[n - 1] == '\n');
	assert_int_equal(buf_put(&f->out, line, n), IE_OK);
	f->lines++;
}

static struct log *fake_log(struct fake *f, unsigned interval_s)
{
	struct log *lg;

	memset(f, 0, sizeof(*f));
	f->now = 1000000;
	assert_int_equal(log_new(interval_s, &lg), IE_OK);
	log_set_clock(lg, fake_clock, f);
	log_set_sink(lg, fake_sink, f);
	return lg;
}

/* An outage: one request every 10 ms for 25 s gives 3 lines, not 2500. */
static void test_repeats_held_back_and_counted(void **state)
{
	struct fake f;
	struct log *lg = fake_log(&f, 10);
	int i;

	(void)state;
	for (i = 0; i < 2500; i++) {
		log_msg(lg, "invoice-list 12 2002", "invoice-list: GET /invoices?page=%d: db unavailable", i);
		f.now += 10;
	}
	assert_int_equal(f.lines, 3);
	/* t=0 the first at once; t=10 s the next, with the 999 held back between */
	assert_non_null(strstr(f.out.data, "invoice-list: GET /invoices?page=0: db unavailable\n"));
	assert_non_null(strstr(f.out.data, "GET /invoices?page=1000: db unavailable (+999 like this in the last 10 s)\n"));
	assert_non_null(strstr(f.out.data, "GET /invoices?page=2000: db unavailable (+999 like this in the last 10 s)\n"));
	assert_int_equal(log_suppressed(lg), 2500 - 3);
	/* the last 499 are written when the log closes */
	log_free(lg);
	assert_int_equal(f.lines, 4);
	assert_non_null(strstr(f.out.data, "(+499 like this in the last 5 s: invoice-list 12 2002)\n"));
	buf_free(&f.out);
}

static void test_kinds_are_independent(void **state)
{
	struct fake f;
	struct log *lg = fake_log(&f, 10);

	(void)state;
	log_msg(lg, "a", "first a");
	log_msg(lg, "b", "first b");
	log_msg(lg, "a", "second a");
	log_msg(lg, "b", "second b");
	assert_int_equal(f.lines, 2);
	assert_string_equal(f.out.data, "first a\nfirst b\n");
	f.now += 9999;
	log_msg(lg, "a", "third a");
	assert_int_equal(f.lines, 2);
	f.now += 1;
	log_msg(lg, "a", "fourth a");
	assert_int_equal(f.lines, 3);
	assert_string_equal(f.out.data, "first a\nfirst b\nfourth a (+2 like this in the last 10 s)\n");
	/* a quiet kind's next line is written at once, with no count */
	f.now += 60000;
	log_msg(lg, "a", "later a");
	assert_non_null(strstr(f.out.data, "\nlater a\n"));
	log_free(lg);
	/* b's one held-back line is not lost */
	assert_non_null(strstr(f.out.data, "(+1 like this in the last 70 s: b)\n"));
	buf_free(&f.out);
}

/* More kinds than slots: the one quiet the longest gives its slot up, and
 * its count is written first. */
static void test_full_table_evicts_oldest(void **state)
{
	struct fake f;
	struct log *lg = fake_log(&f, 10);
	char key[16];
	int i;

	(void)state;
	log_msg(lg, "old", "old 1");
	log_msg(lg, "old", "old 2");
	for (i = 0; i < 40; i++) {
		f.now += 1;
		snprintf(key, sizeof(key), "k%d", i);
		log_msg(lg, key, "line %d", i);
	}
	assert_int_equal(f.lines, 1 + 40 + 1);
	assert_non_null(strstr(f.out.data, "(+1 like this in the last 1 s: old)\n"));
	log_free(lg);
	buf_free(&f.out);
}

/* Interval 0 writes every line; a NULL log writes to stderr and does not crash. */
static void test_no_interval(void **state)
{
	struct fake f;
	struct log *lg = fake_log(&f, 0);
	int i;

	(void)state;
	for (i = 0; i < 5; i++)
		log_msg(lg, "same", "line %d", i);
	assert_int_equal(f.lines, 5);
	assert_int_equal(log_suppressed(lg), 0);
	log_free(lg);
	log_msg(NULL, "x", "test_log: a line on stderr (expected)");
	buf_free(&f.out);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_repeats_held_back_and_counted),
		cmocka_unit_test(test_kinds_are_independent),
		cmocka_unit_test(test_full_table_evicts_oldest),
		cmocka_unit_test(test_no_interval),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
