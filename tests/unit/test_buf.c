/*
 * test_buf.c — unit tests for lib/buf.c: growable buffers, the per-request
 * arena, str_copy, str_to_i64 and ierr_name.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "buf.h"

#define ARRAY_LEN(a) (sizeof(a) / sizeof((a)[0]))

/* ---- struct buf ---- */

static void test_buf_put_int(void **state)
{
	static const struct {
		long long v;
		const char *text;
	} cases[] = {
		{ 0, "0" }, { 7, "7" }, { -7, "-7" }, { 10, "10" }, { 1234567890123LL, "1234567890123" },
		{ LLONG_MAX, "9223372036854775807" }, { LLONG_MIN, "-9223372036854775808" },
	};
	size_t i;

	(void)state;
	for (i = 0; i < ARRAY_LEN(cases); i++) {
		struct buf b = BUF_INIT;

		assert_int_equal(buf_puts(&b, "x="), IE_OK);
		assert_int_equal(buf_put_int(&b, cases[i].v), IE_OK);
		assert_int_equal(b.len, 2 + strlen(cases[i].text));
		assert_string_equal(b.data + 2, cases[i].text);
		buf_free(&b);
	}
}

/* Formatting past the free space takes the second pass and loses nothing. */
static void test_buf_printf_grows(void **state)
{
	static char big[3000], want[8 * sizeof(big)];
	struct buf b = BUF_INIT;
	size_t i, w = 0;

	(void)state;
	memset(big, 'y', sizeof(big) - 1);
	for (i = 0; i < 5; i++) {
		assert_int_equal(buf_printf(&b, "%zu:%s;", i, i % 2 ? big : "s"), IE_OK);
		w += (size_t)snprintf(want + w, sizeof(want) - w, "%zu:%s;", i, i % 2 ? big : "s");
	}
	assert_int_equal(b.len, w);
	assert_string_equal(b.data, want);
	buf_free(&b);
}

static void test_buf_put_terminates(void **state)
{
	struct buf b = BUF_INIT;

	(void)state;
	assert_int_equal(buf_put(&b, "abc", 3), IE_OK);
	assert_int_equal(b.len, 3);
	assert_true(b.cap > b.len);
	assert_string_equal(b.data, "abc");
	assert_int_equal(buf_puts(&b, "de"), IE_OK);
	assert_int_equal(buf_putc(&b, 'f'), IE_OK);
	assert_int_equal(b.len, 6);
	assert_string_equal(b.data, "abcdef");
	/* an empty append still leaves a valid C string */
	assert_int_equal(buf_put(&b, "", 0), IE_OK);
	assert_int_equal(b.len, 6);
	assert_int_equal(b.data[6], '\0');
	buf_free(&b);
	assert_null(b.data);
	assert_int_equal(b.len, 0);
	assert_int_equal(b.cap, 0);
}

static void test_buf_empty_put_allocates(void **state)
{
	struct buf b = BUF_INIT;

	(void)state;
	/* "always keeps a NUL after its data", even after appending nothing */
	assert_int_equal(buf_put(&b, "", 0), IE_OK);
	assert_non_null(b.data);
	assert_string_equal(b.data, "");
	buf_free(&b);
}

static void test_buf_binary_and_growth(void **state)
{
	struct buf b = BUF_INIT;
	char chunk[1000];
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(chunk); i++)
		chunk[i] = (char)(i % 251);     /* includes NUL bytes */
	for (i = 0; i < 100; i++)
		assert_int_equal(buf_put(&b, chunk, sizeof(chunk)), IE_OK);
	assert_int_equal(b.len, 100 * sizeof(chunk));
	assert_true(b.cap >= b.len + 1);
	for (i = 0; i < 100; i++)
		assert_memory_equal(b.data + i * sizeof(chunk), chunk, sizeof(chunk));
	assert_int_equal(b.data[b.len], '\0');
	buf_free(&b);
}

static void test_buf_grow_overflow(void **state)
{
	struct buf b = BUF_INIT;

	(void)state;
	assert_int_equal(buf_puts(&b, "keep"), IE_OK);
	assert_int_equal(buf_grow(&b, SIZE_MAX), IE_NOMEM);
	assert_int_equal(buf_grow(&b, SIZE_MAX - 4), IE_NOMEM);
	assert_int_equal(buf_put(&b, "x", SIZE_MAX), IE_NOMEM);
	/* the buffer is unchanged by the refused requests */
	assert_int_equal(b.len, 4);
	assert_string_equal(b.data, "keep");
	/* growing reserves room for the data plus the NUL */
	assert_int_equal(buf_grow(&b, 5000), IE_OK);
	assert_true(b.cap >= 4 + 5000 + 1);
	assert_int_equal(b.len, 4);
	buf_free(&b);
}

static void test_buf_printf(void **state)
{
	struct buf b = BUF_INIT;
	char big[2000];

	(void)state;
	assert_int_equal(buf_printf(&b, "%d-%s-%zu", -12, "x", (size_t)7), IE_OK);
	assert_string_equal(b.data, "-12-x-7");
	assert_int_equal(b.len, 7);
	assert_int_equal(buf_printf(&b, "%s", ""), IE_OK);
	assert_int_equal(b.len, 7);
	/* longer than the first allocation: must grow and not truncate */
	memset(big, 'q', sizeof(big) - 1);
	big[sizeof(big) - 1] = '\0';
	assert_int_equal(buf_printf(&b, "[%s]%lld", big, 9007199254740993LL), IE_OK);
	assert_int_equal(b.len, 7 + 1 + sizeof(big) - 1 + 1 + 16);
	assert_memory_equal(b.data, "-12-x-7[qqq", 11);
	assert_string_equal(b.data + b.len - 17, "]9007199254740993");
	assert_int_equal(strlen(b.data), b.len);
	buf_free(&b);
}

static void test_buf_clear_keeps_memory(void **state)
{
	struct buf b = BUF_INIT;
	size_t cap;
	char *data;

	(void)state;
	buf_clear(&b);                   /* clearing an empty buffer is harmless */
	assert_null(b.data);
	assert_int_equal(buf_puts(&b, "hello world"), IE_OK);
	cap = b.cap;
	data = b.data;
	buf_clear(&b);
	assert_int_equal(b.len, 0);
	assert_int_equal(b.cap, cap);
	assert_ptr_equal(b.data, data);
	assert_string_equal(b.data, "");
	assert_int_equal(buf_puts(&b, "ab"), IE_OK);
	assert_string_equal(b.data, "ab");
	buf_free(&b);
}

static void test_buf_detach(void **state)
{
	struct buf b = BUF_INIT;
	char *p;

	(void)state;
	assert_int_equal(buf_puts(&b, "owned"), IE_OK);
	p = buf_detach(&b);
	assert_non_null(p);
	assert_string_equal(p, "owned");
	assert_null(b.data);
	assert_int_equal(b.len, 0);
	assert_int_equal(b.cap, 0);
	free(p);
	/* an empty buffer detaches as an empty string the caller can free */
	p = buf_detach(&b);
	assert_non_null(p);
	assert_string_equal(p, "");
	free(p);
	/* the buffer is usable again */
	assert_int_equal(buf_puts(&b, "again"), IE_OK);
	assert_string_equal(b.data, "again");
	buf_free(&b);
}

/* ---- arena ---- */

static void test_arena_alloc_zeroed_aligned(void **state)
{
	static const size_t sizes[] = { 1, 3, 7, 8, 15, 16, 17, 31, 100, 0, 255, 4096, 9 };
	const size_t align = _Alignof(max_align_t);
	struct arena *a = arena_new();
	unsigned char *p[ARRAY_LEN(sizes)];
	size_t i, k;

	(void)state;
	assert_non_null(a);
	assert_int_equal(arena_used(a), 0);
	for (i = 0; i < ARRAY_LEN(sizes); i++) {
		p[i] = arena_alloc(a, sizes[i]);
		assert_non_null(p[i]);
		assert_int_equal((uintptr_t)p[i] % align, 0);
		for (k = 0; k < sizes[i]; k++)
			assert_int_equal(p[i][k], 0);
		memset(p[i], (int)(i + 1), sizes[i]);
	}
	/* no allocation overlaps another: each still holds its own pattern */
	for (i = 0; i < ARRAY_LEN(sizes); i++)
		for (k = 0; k < sizes[i]; k++)
			assert_int_equal(p[i][k], i + 1);
	/* zero-byte allocations are distinct pointers too */
	assert_ptr_not_equal(arena_alloc(a, 0), arena_alloc(a, 0));
	assert_true(arena_used(a) > 0);
	arena_free(a);
}

static void test_arena_big_and_many_blocks(void **state)
{
	struct arena *a = arena_new();
	unsigned char *small1, *big, *small2, *p[200];
	size_t i, k;

	(void)state;
	assert_non_null(a);
	small1 = arena_alloc(a, 10);
	big = arena_alloc(a, 100000);           /* larger than a block */
	small2 = arena_alloc(a, 10);
	assert_non_null(small1);
	assert_non_null(big);
	assert_non_null(small2);
	memset(big, 0xAA, 100000);
	memset(small1, 1, 10);
	memset(small2, 2, 10);
	/* many allocations spill over several blocks */
	for (i = 0; i < ARRAY_LEN(p); i++) {
		p[i] = arena_alloc(a, 1000);
		assert_non_null(p[i]);
		for (k = 0; k < 1000; k++)
			assert_int_equal(p[i][k], 0);
		memset(p[i], (int)(i & 0x7f), 1000);
	}
	for (k = 0; k < 100000; k++)
		assert_int_equal(big[k], 0xAA);
	for (k = 0; k < 10; k++) {
		assert_int_equal(small1[k], 1);
		assert_int_equal(small2[k], 2);
	}
	for (i = 0; i < ARRAY_LEN(p); i++)
		for (k = 0; k < 1000; k++)
			assert_int_equal(p[i][k], i & 0x7f);
	assert_true(arena_used(a) >= 100000 + 200 * 1000 + 20);
	arena_free(a);
}

static void test_arena_reset_reuses(void **state)
{
	struct arena *a = arena_new();
	char *s;
	int round;

	(void)state;
	assert_non_null(a);
	for (round = 0; round < 5; round++) {
		size_t i;

		for (i = 0; i < 50; i++)
			assert_non_null(arena_alloc(a, 3000));
		assert_non_null(arena_alloc(a, 1 << 20));
		assert_true(arena_used(a) >= 50 * 3000 + (1 << 20));
		arena_reset(a);
		assert_int_equal(arena_used(a), 0);
		/* memory after a reset is zeroed again */
		s = arena_alloc(a, 64);
		assert_non_null(s);
		for (i = 0; i < 64; i++)
			assert_int_equal(s[i], 0);
		memset(s, 'x', 64);
		arena_reset(a);
	}
	arena_free(a);
	arena_free(NULL);               /* like free(NULL) */
}

static void test_arena_refuses_huge(void **state)
{
	struct arena *a = arena_new();

	(void)state;
	assert_non_null(a);
	assert_null(arena_alloc(a, SIZE_MAX));
	assert_null(arena_alloc(a, SIZE_MAX / 2 + 1));
	assert_int_equal(arena_used(a), 0);
	assert_non_null(arena_alloc(a, 1));
	arena_free(a);
}

static void test_arena_strings(void **state)
{
	struct arena *a = arena_new();
	char long_s[40000];
	char *s;

	(void)state;
	assert_non_null(a);
	s = arena_strdup(a, "hello");
	assert_string_equal(s, "hello");
	s = arena_strdup(a, "");
	assert_string_equal(s, "");
	s = arena_strndup(a, "hello world", 5);
	assert_string_equal(s, "hello");
	/* strndup copies exactly n bytes, even past an embedded NUL */
	s = arena_strndup(a, "ab\0cd", 5);
	assert_memory_equal(s, "ab\0cd", 6);
	s = arena_printf(a, "%s=%d;%05.1f", "k", 42, 2.5);
	assert_string_equal(s, "k=42;002.5");
	memset(long_s, 'z', sizeof(long_s) - 1);
	long_s[sizeof(long_s) - 1] = '\0';
	s = arena_printf(a, "<%s>", long_s);
	assert_non_null(s);
	assert_int_equal(strlen(s), sizeof(long_s) + 1);
	assert_int_equal(s[0], '<');
	assert_int_equal(s[sizeof(long_s)], '>');
	s = arena_strdup(a, long_s);
	assert_string_equal(s, long_s);
	arena_free(a);
}

/* ---- str_copy ---- */

static void test_str_copy(void **state)
{
	static const struct {
		const char *src;
		size_t dstsz;
		ierr want;
		const char *out;
	} cases[] = {
		{ "abc", 8, IE_OK, "abc" },
		{ "abc", 4, IE_OK, "abc" },            /* exactly fits with its NUL */
		{ "abcd", 4, IE_OVERFLOW, "abc" },     /* cut, still terminated */
		{ "abcdefgh", 4, IE_OVERFLOW, "abc" },
		{ "a", 1, IE_OVERFLOW, "" },
		{ "", 1, IE_OK, "" },
		{ "", 8, IE_OK, "" },
	};
	size_t i, k;

	(void)state;
	for (i = 0; i < ARRAY_LEN(cases); i++) {
		char dst[16];

		memset(dst, '#', sizeof(dst));
		assert_int_equal(str_copy(dst, cases[i].dstsz, cases[i].src), cases[i].want);
		assert_string_equal(dst, cases[i].out);
		/* nothing written past dstsz */
		for (k = cases[i].dstsz; k < sizeof(dst); k++)
			assert_int_equal(dst[k], '#');
	}
	{
		char dst[4] = "zzz";

		assert_int_equal(str_copy(dst, 0, "abc"), IE_OVERFLOW);
		assert_string_equal(dst, "zzz");        /* size 0: nothing touched */
	}
}

/* ---- str_to_i64 ---- */

static void test_str_to_i64_valid(void **state)
{
	static const struct {
		const char *s;
		long long min, max, want;
	} cases[] = {
		{ "0", 0, 10, 0 },
		{ "-0", -1, 1, 0 },
		{ "42", 0, 100, 42 },
		{ "-42", -100, 0, -42 },
		{ "007", 0, 10, 7 },
		{ "10", 0, 10, 10 },                    /* both bounds inclusive */
		{ "-10", -10, 0, -10 },
		{ "9223372036854775807", LLONG_MIN, LLONG_MAX, LLONG_MAX },
		{ "-9223372036854775808", LLONG_MIN, LLONG_MAX, LLONG_MIN },
		{ "9007199254740992", 1, 1LL << 53, 1LL << 53 },
	};
	size_t i;

	(void)state;
	for (i = 0; i < ARRAY_LEN(cases); i++) {
		long long v = 12345;

		assert_int_equal(str_to_i64(cases[i].s, cases[i].min, cases[i].max, &v), IE_OK);
		assert_true(v == cases[i].want);
	}
}

static void test_str_to_i64_invalid(void **state)
{
	static const struct {
		const char *s;
		long long min, max;
	} cases[] = {
		{ "", 0, 10 },
		{ " 1", 0, 10 },
		{ "1 ", 0, 10 },
		{ "+1", 0, 10 },
		{ "1a", 0, 10 },
		{ "a1", 0, 10 },
		{ "0x10", 0, 100 },
		{ "1e3", 0, 10000 },
		{ "1.0", 0, 10 },
		{ "--1", -10, 10 },
		{ "-", -10, 10 },
		{ "- 1", -10, 10 },
		{ "\t1", 0, 10 },
		{ "11", 0, 10 },                        /* above max */
		{ "-1", 0, 10 },                        /* below min */
		{ "0", 1, 10 },
		{ "9007199254740993", 1, 1LL << 53 },
		{ "9223372036854775808", LLONG_MIN, LLONG_MAX },   /* overflows long long */
		{ "-9223372036854775809", LLONG_MIN, LLONG_MAX },
		{ "99999999999999999999999", LLONG_MIN, LLONG_MAX },
	};
	size_t i;

	(void)state;
	for (i = 0; i < ARRAY_LEN(cases); i++) {
		long long v = 12345;

		if (str_to_i64(cases[i].s, cases[i].min, cases[i].max, &v) != IE_INVALID)
			fail_msg("str_to_i64(\"%s\", %lld, %lld) accepted", cases[i].s, cases[i].min, cases[i].max);
		assert_true(v == 12345);       /* out untouched on failure */
	}
	{
		long long v = 5;

		assert_int_equal(str_to_i64(NULL, 0, 10, &v), IE_INVALID);
		assert_true(v == 5);
	}
}

/* ---- ierr_name ---- */

static void test_ierr_name(void **state)
{
	int i, k;

	(void)state;
	assert_string_equal(ierr_name(IE_OK), "ok");
	assert_string_equal(ierr_name(IE_NOTFOUND), "not found");
	assert_string_equal(ierr_name(IE_OVERFLOW), "overflow");
	assert_string_equal(ierr_name(IE_DB_TIMEOUT), "db statement timeout");
	assert_string_equal(ierr_name((ierr)(IE_DB_TIMEOUT + 1)), "unknown");
	assert_string_equal(ierr_name((ierr)-1), "unknown");
	/* every code has its own name, so the table is not out of step with the enum */
	for (i = IE_OK; i <= IE_DB_TIMEOUT; i++) {
		assert_true(ierr_name((ierr)i)[0] != '\0');
		assert_string_not_equal(ierr_name((ierr)i), "unknown");
		for (k = 0; k < i; k++)
			assert_string_not_equal(ierr_name((ierr)i), ierr_name((ierr)k));
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_buf_put_int),
		cmocka_unit_test(test_buf_printf_grows),
		cmocka_unit_test(test_buf_put_terminates),
		cmocka_unit_test(test_buf_empty_put_allocates),
		cmocka_unit_test(test_buf_binary_and_growth),
		cmocka_unit_test(test_buf_grow_overflow),
		cmocka_unit_test(test_buf_printf),
		cmocka_unit_test(test_buf_clear_keeps_memory),
		cmocka_unit_test(test_buf_detach),
		cmocka_unit_test(test_arena_alloc_zeroed_aligned),
		cmocka_unit_test(test_arena_big_and_many_blocks),
		cmocka_unit_test(test_arena_reset_reuses),
		cmocka_unit_test(test_arena_refuses_huge),
		cmocka_unit_test(test_arena_strings),
		cmocka_unit_test(test_str_copy),
		cmocka_unit_test(test_str_to_i64_valid),
		cmocka_unit_test(test_str_to_i64_invalid),
		cmocka_unit_test(test_ierr_name),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
