/*
 * test_memo.c — unit tests for lib/memo.c: values come back only for the same
 * key at the same version, the least recently used entry makes room, and
 * limits are kept.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <string.h>
#include "memo.h"

struct sums {
	long long count;
	char currency[4];
};

static void test_same_key_same_version(void **state)
{
	struct memo *m;
	struct sums in = { 42, "EUR" }, out;

	(void)state;
	assert_int_equal(memo_new(&m), IE_OK);
	assert_int_equal(memo_get(m, "k", 1, 7, &out, sizeof(out)), IE_NOTFOUND);
	assert_int_equal(memo_put(m, "k", 1, 7, &in, sizeof(in)), IE_OK);
	memset(&out, 0, sizeof(out));
	assert_int_equal(memo_get(m, "k", 1, 7, &out, sizeof(out)), IE_OK);
	assert_int_equal(out.count, 42);
	assert_string_equal(out.currency, "EUR");
	memo_free(m);
}

/* Anything else than the exact key and version is a miss. */
static void test_misses(void **state)
{
	static const struct {
		const char *key;
		size_t len;
		long long version;
		size_t size;
	} cases[] = {
		{ "totals|a", 8, 8, sizeof(struct sums) },   /* the data moved on */
		{ "totals|a", 8, 6, sizeof(struct sums) },   /* an older version */
		{ "totals|b", 8, 7, sizeof(struct sums) },   /* another filter */
		{ "totals|", 7, 7, sizeof(struct sums) },    /* a prefix of the key */
		{ "totals|a\0", 9, 7, sizeof(struct sums) }, /* a longer key */
		{ "totals|a", 8, 7, sizeof(long long) },     /* another shape */
	};
	struct memo *m;
	struct sums in = { 1, "GBP" }, out = { 99, "XXX" };
	size_t i;

	(void)state;
	assert_int_equal(memo_new(&m), IE_OK);
	assert_int_equal(memo_put(m, "totals|a", 8, 7, &in, sizeof(in)), IE_OK);
	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		if (memo_get(m, cases[i].key, cases[i].len, cases[i].version, &out, cases[i].size) != IE_NOTFOUND)
			fail_msg("case %zu: a hit", i);
		assert_int_equal(out.count, 99);   /* a miss leaves out alone */
	}
	/* a newer value replaces the entry: the old version is gone */
	in.count = 2;
	assert_int_equal(memo_put(m, "totals|a", 8, 8, &in, sizeof(in)), IE_OK);
	assert_int_equal(memo_get(m, "totals|a", 8, 7, &out, sizeof(out)), IE_NOTFOUND);
	assert_int_equal(memo_get(m, "totals|a", 8, 8, &out, sizeof(out)), IE_OK);
	assert_int_equal(out.count, 2);
	memo_free(m);
}

static void test_least_recently_used_goes(void **state)
{
	struct memo *m;
	char key[16];
	long long v;
	int i;

	(void)state;
	assert_int_equal(memo_new(&m), IE_OK);
	for (i = 0; i < MEMO_ENTRIES; i++) {
		v = i;
		snprintf(key, sizeof(key), "k%d", i);
		assert_int_equal(memo_put(m, key, strlen(key), 1, &v, sizeof(v)), IE_OK);
	}
	/* k0 is used again, so k1 is now the oldest and makes room */
	assert_int_equal(memo_get(m, "k0", 2, 1, &v, sizeof(v)), IE_OK);
	v = 1000;
	assert_int_equal(memo_put(m, "new", 3, 1, &v, sizeof(v)), IE_OK);
	assert_int_equal(memo_get(m, "k1", 2, 1, &v, sizeof(v)), IE_NOTFOUND);
	assert_int_equal(memo_get(m, "k0", 2, 1, &v, sizeof(v)), IE_OK);
	assert_int_equal(v, 0);
	assert_int_equal(memo_get(m, "new", 3, 1, &v, sizeof(v)), IE_OK);
	assert_int_equal(v, 1000);
	for (i = 2; i < MEMO_ENTRIES; i++) {
		snprintf(key, sizeof(key), "k%d", i);
		assert_int_equal(memo_get(m, key, strlen(key), 1, &v, sizeof(v)), IE_OK);
		assert_int_equal(v, i);
	}
	memo_free(m);
}

static void test_limits(void **state)
{
	static char big[MEMO_MAX_VALUE + 1];
	struct memo *m;
	long long v = 5;

	(void)state;
	assert_int_equal(memo_new(&m), IE_OK);
	assert_int_equal(memo_put(m, big, MEMO_MAX_KEY + 1, 1, &v, sizeof(v)), IE_TOO_LARGE);
	assert_int_equal(memo_put(m, "k", 1, 1, big, sizeof(big)), IE_TOO_LARGE);
	assert_int_equal(memo_get(m, "k", 1, 1, big, sizeof(big)), IE_NOTFOUND);
	/* the largest allowed sizes are kept */
	assert_int_equal(memo_put(m, big, MEMO_MAX_KEY, 1, big, MEMO_MAX_VALUE), IE_OK);
	assert_int_equal(memo_get(m, big, MEMO_MAX_KEY, 1, big, MEMO_MAX_VALUE), IE_OK);
	memo_free(m);
	memo_free(NULL);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_same_key_same_version),
		cmocka_unit_test(test_misses),
		cmocka_unit_test(test_least_recently_used_goes),
		cmocka_unit_test(test_limits),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
