/*
 * test_link.c — unit tests for lib/link.c: signed download links.
 *
 * The layout against golden tokens computed outside C (node's crypto), a
 * round trip over edge values, every single-character and single-bit change
 * refused, malformed tokens, other keys, expiry at the exact second, MACs
 * over ids the signer never issues, and the constant-time comparison: this
 * file defines sodium_memcmp itself (the executable's definition wins over
 * libsodium's for calls from lib/link.c), records what it compares and
 * fails if the MAC is compared any other way.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <limits.h>
#include <stdio.h>
#include <string.h>
#include <sodium.h>
#include "link.h"

#define ARRAY_LEN(a) (sizeof(a) / sizeof((a)[0]))
#define RAW_LEN 52
#define MAC_OFF 20

static const char B64URL[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";

/* ---- the constant-time compare, observed ---- */

static struct {
	int calls;
	size_t len;
	unsigned char a[64], b[64];
} ct;

/* Replaces libsodium's for lib/link.c: same contract (0 when equal, -1
 * otherwise), no early exit, and a record of what was compared. */
int sodium_memcmp(const void *const b1_, const void *const b2_, size_t len)
{
	const volatile unsigned char *b1 = b1_, *b2 = b2_;
	unsigned char d = 0;
	size_t i;

	ct.calls++;
	ct.len = len;
	if (len <= sizeof(ct.a)) {
		memcpy(ct.a, b1_, len);
		memcpy(ct.b, b2_, len);
	}
	for (i = 0; i < len; i++)
		d |= b1[i] ^ b2[i];
	return (1 & ((d - 1) >> 8)) - 1;
}

/* ---- helpers ---- */

static unsigned char key[32], key2[32];

static int setup(void **state)
{
	size_t i;

	(void)state;
	if (sodium_init() < 0)
		return -1;
	for (i = 0; i < sizeof(key); i++)
		key[i] = (unsigned char)i;
	memcpy(key2, key, sizeof(key2));
	key2[31] ^= 0x01;
	return 0;
}

static void sign(const struct link *l, char tok[LINK_TOKEN_LEN + 1])
{
	assert_int_equal(link_sign(key, l, tok, LINK_TOKEN_LEN + 1), IE_OK);
	assert_int_equal(strlen(tok), LINK_TOKEN_LEN);
}

static void decode(const char *tok, unsigned char raw[RAW_LEN])
{
	size_t len = 0;

	assert_int_equal(sodium_base642bin(raw, RAW_LEN, tok, strlen(tok), NULL, &len, NULL,
					   sodium_base64_VARIANT_URLSAFE_NO_PADDING), 0);
	assert_int_equal(len, RAW_LEN);
}

static void encode(const unsigned char raw[RAW_LEN], char tok[LINK_TOKEN_LEN + 1])
{
	sodium_bin2base64(tok, LINK_TOKEN_LEN + 1, raw, RAW_LEN, sodium_base64_VARIANT_URLSAFE_NO_PADDING);
}

static void put_be(unsigned char *p, unsigned long long v, int n)
{
	for (int i = n - 1; i >= 0; i--, v >>= 8)
		p[i] = (unsigned char)(v & 0xff);
}

/* A token with a valid MAC over any payload (what only the key holder can make). */
static void forge_with_key(unsigned long long id, unsigned long long expires, unsigned epoch,
			   char tok[LINK_TOKEN_LEN + 1])
{
	unsigned char raw[RAW_LEN];

	put_be(raw, id, 8);
	put_be(raw + 8, expires, 8);
	put_be(raw + 16, epoch, 4);
	crypto_auth_hmacsha256(raw + MAC_OFF, raw, MAC_OFF, key);
	encode(raw, tok);
}

static ierr verify(const char *tok, time_t now, struct link *out)
{
	return link_verify(key, tok, now, out);
}

/* ---- layout ---- */

/* Tokens computed with node: HMAC-SHA256(key 00..1f, id|expires|epoch BE), base64url. */
static void test_golden_tokens(void **state)
{
	static const struct {
		long long id;
		time_t expires;
		int epoch;
		const char *token;
	} cases[] = {
		{ 42, 1767225600, 3, "AAAAAAAAACoAAAAAaVW5AAAAAAMTpzL-5yvNkDyTgGvDzZJnLUB9e8cGZ2h_F6ip4IFEsg" },
		{ 9007199254740993LL, 4102444800, INT_MAX,
		  "ACAAAAAAAAEAAAAA9IZXAH____9DpLtt_lRiRyXQeQ5BLWRIRlM8gZ1KgC53hiF2S8OOMA" },
	};
	char tok[LINK_TOKEN_LEN + 1];
	struct link got;
	size_t i;

	(void)state;
	for (i = 0; i < ARRAY_LEN(cases); i++) {
		struct link l = { cases[i].id, cases[i].expires, cases[i].epoch };

		sign(&l, tok);
		assert_string_equal(tok, cases[i].token);
		memset(&got, 0, sizeof(got));
		assert_int_equal(verify(cases[i].token, cases[i].expires - 1, &got), IE_OK);
		assert_int_equal(got.invoice_id, cases[i].id);
		assert_int_equal(got.expires, cases[i].expires);
		assert_int_equal(got.epoch, cases[i].epoch);
	}
}

static void test_round_trip(void **state)
{
	static const struct link cases[] = {
		{ 1, 1, 0 }, { 1, 1767225600, 0 }, { 7, 1767225600, 1 }, { 123456, 2000000000, 99 },
		{ 1LL << 53, 4102444800, INT_MAX }, { LLONG_MAX, (time_t)1 << 40, 5 },
	};
	char tok[LINK_TOKEN_LEN + 1], other[LINK_TOKEN_LEN + 1];
	unsigned char raw[RAW_LEN];
	struct link got;
	size_t i, k;

	(void)state;
	for (i = 0; i < ARRAY_LEN(cases); i++) {
		sign(&cases[i], tok);
		for (k = 0; k < LINK_TOKEN_LEN; k++)
			assert_non_null(strchr(B64URL, tok[k]));
		/* the payload is readable as documented in link.h */
		decode(tok, raw);
		for (k = 0; k < 8; k++) {
			assert_int_equal(raw[k], (unsigned char)((unsigned long long)cases[i].invoice_id >> (56 - 8 * k)));
			assert_int_equal(raw[8 + k], (unsigned char)((unsigned long long)cases[i].expires >> (56 - 8 * k)));
		}
		for (k = 0; k < 4; k++)
			assert_int_equal(raw[16 + k], (unsigned char)((unsigned)cases[i].epoch >> (24 - 8 * k)));
		memset(&got, 0xaa, sizeof(got));
		assert_int_equal(verify(tok, cases[i].expires - 1, &got), IE_OK);
		assert_int_equal(got.invoice_id, cases[i].invoice_id);
		assert_int_equal(got.expires, cases[i].expires);
		assert_int_equal(got.epoch, cases[i].epoch);
		/* deterministic: the same link gives the same token */
		sign(&cases[i], other);
		assert_string_equal(tok, other);
	}
	/* each field and the key are covered: changing any one changes the token */
	{
		static const struct link base = { 7, 1767225600, 1 }, changed[] = {
			{ 8, 1767225600, 1 }, { 7, 1767225601, 1 }, { 7, 1767225600, 2 },
		};
		char t0[LINK_TOKEN_LEN + 1];

		sign(&base, t0);
		for (i = 0; i < ARRAY_LEN(changed); i++) {
			sign(&changed[i], tok);
			assert_string_not_equal(t0, tok);
		}
		assert_int_equal(link_sign(key2, &base, tok, sizeof(tok)), IE_OK);
		assert_string_not_equal(t0, tok);
	}
}

static void test_sign_rejects(void **state)
{
	static const struct {
		struct link l;
		size_t outsz;
	} cases[] = {
		{ { 0, 1767225600, 0 }, LINK_TOKEN_LEN + 1 },
		{ { -1, 1767225600, 0 }, LINK_TOKEN_LEN + 1 },
		{ { LLONG_MIN, 1767225600, 0 }, LINK_TOKEN_LEN + 1 },
		{ { 7, 0, 0 }, LINK_TOKEN_LEN + 1 },
		{ { 7, -1, 0 }, LINK_TOKEN_LEN + 1 },
		{ { 7, 1767225600, -1 }, LINK_TOKEN_LEN + 1 },
		{ { 7, 1767225600, INT_MIN }, LINK_TOKEN_LEN + 1 },
		{ { 7, 1767225600, 0 }, LINK_TOKEN_LEN },
		{ { 7, 1767225600, 0 }, 0 },
	};
	char tok[LINK_TOKEN_LEN + 8];
	size_t i;

	(void)state;
	for (i = 0; i < ARRAY_LEN(cases); i++) {
		memset(tok, 'Z', sizeof(tok));
		assert_int_equal(link_sign(key, &cases[i].l, tok, cases[i].outsz), IE_INVALID);
		/* refused before anything is written */
		for (size_t k = 0; k < sizeof(tok); k++)
			assert_int_equal(tok[k], 'Z');
	}
	/* a larger buffer is fine */
	{
		struct link ok = { 7, 1767225600, 0 };

		assert_int_equal(link_sign(key, &ok, tok, sizeof(tok)), IE_OK);
		assert_int_equal(strlen(tok), LINK_TOKEN_LEN);
	}
}

/* ---- tampering ---- */

/* Every position, every other alphabet character: refused, never "expired". */
static void test_tamper_every_character(void **state)
{
	const struct link l = { 4711, 1767225600, 2 };
	char tok[LINK_TOKEN_LEN + 1], bad[LINK_TOKEN_LEN + 1];
	struct link got;
	size_t pos, c, tried = 0;

	(void)state;
	sign(&l, tok);
	assert_int_equal(verify(tok, 1767225599, &got), IE_OK);
	for (pos = 0; pos < LINK_TOKEN_LEN; pos++) {
		for (c = 0; c < 64; c++) {
			if (B64URL[c] == tok[pos])
				continue;
			memcpy(bad, tok, sizeof(bad));
			bad[pos] = B64URL[c];
			/* valid or expired time: a changed token is refused the same way */
			assert_int_equal(verify(bad, 1767225599, &got), IE_INVALID);
			assert_int_equal(verify(bad, 1767225600 + 86400, &got), IE_INVALID);
			tried++;
		}
	}
	assert_int_equal(tried, LINK_TOKEN_LEN * 63);
}

/* Every bit of every decoded byte, re-encoded canonically: refused. */
static void test_tamper_every_bit(void **state)
{
	const struct link l = { 4711, 1767225600, 2 };
	char tok[LINK_TOKEN_LEN + 1], bad[LINK_TOKEN_LEN + 1];
	unsigned char raw[RAW_LEN], mod[RAW_LEN];
	struct link got;
	int byte, bit;

	(void)state;
	sign(&l, tok);
	decode(tok, raw);
	for (byte = 0; byte < RAW_LEN; byte++) {
		for (bit = 0; bit < 8; bit++) {
			memcpy(mod, raw, sizeof(mod));
			mod[byte] ^= (unsigned char)(1u << bit);
			encode(mod, bad);
			assert_string_not_equal(bad, tok);
			assert_int_equal(verify(bad, 1767225599, &got), IE_INVALID);
		}
	}
}

static void test_malformed(void **state)
{
	const struct link l = { 4711, 1767225600, 2 };
	char tok[LINK_TOKEN_LEN + 1], bad[LINK_TOKEN_LEN + 8];
	struct link got;
	size_t i;

	(void)state;
	sign(&l, tok);
	/* characters outside base64url, at the first, a middle and the last position */
	{
		static const char outside[] = "+/=. %\x01\x7f\xc3*";
		static const size_t at[] = { 0, 35, LINK_TOKEN_LEN - 1 };

		for (i = 0; i < sizeof(outside) - 1; i++) {
			for (size_t k = 0; k < ARRAY_LEN(at); k++) {
				memcpy(bad, tok, LINK_TOKEN_LEN + 1);
				bad[at[k]] = outside[i];
				assert_int_equal(verify(bad, 1767225599, &got), IE_INVALID);
			}
		}
	}
	/* lengths: shorter, longer, padded, standard base64 of the same bytes */
	{
		unsigned char raw[RAW_LEN];

		for (i = 0; i < LINK_TOKEN_LEN; i++) {
			memcpy(bad, tok, i);
			bad[i] = '\0';
			assert_int_equal(verify(bad, 1767225599, &got), IE_INVALID);
		}
		snprintf(bad, sizeof(bad), "%sA", tok);
		assert_int_equal(verify(bad, 1767225599, &got), IE_INVALID);
		snprintf(bad, sizeof(bad), "%s=", tok);
		assert_int_equal(verify(bad, 1767225599, &got), IE_INVALID);
		snprintf(bad, sizeof(bad), "%s==", tok);
		assert_int_equal(verify(bad, 1767225599, &got), IE_INVALID);
		snprintf(bad, sizeof(bad), "%s/", tok);
		assert_int_equal(verify(bad, 1767225599, &got), IE_INVALID);
		decode(tok, raw);
		sodium_bin2base64(bad, sizeof(bad), raw, RAW_LEN, sodium_base64_VARIANT_ORIGINAL);
		assert_int_equal(verify(bad, 1767225599, &got), IE_INVALID);
	}
	assert_int_equal(verify(NULL, 1767225599, &got), IE_INVALID);
	assert_int_equal(verify("", 1767225599, &got), IE_INVALID);
}

/* Signed with another key: refused. */
static void test_other_key(void **state)
{
	const struct link l = { 4711, 1767225600, 2 };
	char tok[LINK_TOKEN_LEN + 1];
	unsigned char zero[32] = { 0 };
	struct link got;

	(void)state;
	assert_int_equal(link_sign(key2, &l, tok, sizeof(tok)), IE_OK);
	assert_int_equal(verify(tok, 1767225599, &got), IE_INVALID);
	assert_int_equal(link_verify(key2, tok, 1767225599, &got), IE_OK);
	assert_int_equal(link_verify(zero, tok, 1767225599, &got), IE_INVALID);
}

/* ---- expiry ---- */

static void test_expiry(void **state)
{
	static const struct {
		time_t expires, now;
		ierr want;
	} cases[] = {
		{ 1767225600, 0, IE_OK },
		{ 1767225600, 1767225600 - 86400, IE_OK },
		{ 1767225600, 1767225599, IE_OK },
		{ 1767225600, 1767225600, IE_GONE },     /* expires is the first refused second */
		{ 1767225600, 1767225601, IE_GONE },
		{ 1767225600, 1767225600 + 30 * 86400, IE_GONE },
		{ 1, 1, IE_GONE },
		{ 1, 0, IE_OK },
		{ 4102444800, 1767225600, IE_OK },
	};
	char tok[LINK_TOKEN_LEN + 1];
	struct link got;
	size_t i;

	(void)state;
	for (i = 0; i < ARRAY_LEN(cases); i++) {
		struct link l = { 99, cases[i].expires, 4 };

		sign(&l, tok);
		memset(&got, 0, sizeof(got));
		assert_int_equal(verify(tok, cases[i].now, &got), cases[i].want);
		if (cases[i].want == IE_OK) {
			assert_int_equal(got.invoice_id, 99);
			assert_int_equal(got.expires, cases[i].expires);
			assert_int_equal(got.epoch, 4);
		}
	}
}

/* Payloads the signer never makes are refused even with a valid MAC; an
 * expiry beyond time_t's positive range is simply "expired" or refused,
 * never a link that lasts forever. */
static void test_valid_mac_bad_payload(void **state)
{
	static const struct {
		unsigned long long id, expires;
		unsigned epoch;
		ierr want;
	} cases[] = {
		{ 0, 1767225600, 0, IE_INVALID },
		{ 1ULL << 63, 1767225600, 0, IE_INVALID },           /* negative as long long */
		{ ~0ULL, 1767225600, 0, IE_INVALID },
		{ 5, 1767225600, 0, IE_OK },                          /* control */
		{ 5, 1ULL << 63, 0, IE_GONE },                        /* negative time_t: long past */
		{ 5, 0, 0, IE_GONE },
	};
	char tok[LINK_TOKEN_LEN + 1];
	struct link got;
	size_t i;

	(void)state;
	for (i = 0; i < ARRAY_LEN(cases); i++) {
		forge_with_key(cases[i].id, cases[i].expires, cases[i].epoch, tok);
		assert_int_equal(verify(tok, 1767225599, &got), cases[i].want);
	}
}

/* ---- constant time ---- */

/* The MAC is compared with sodium_memcmp over all 32 bytes, wherever the
 * first difference is, and a mismatch is decided by it alone. */
static void test_mac_compared_in_constant_time(void **state)
{
	const struct link l = { 4711, 1767225600, 2 };
	char tok[LINK_TOKEN_LEN + 1], bad[LINK_TOKEN_LEN + 1];
	unsigned char raw[RAW_LEN], mod[RAW_LEN];
	struct link got;
	static const int flip[] = { MAC_OFF, MAC_OFF + 1, MAC_OFF + 16, RAW_LEN - 2, RAW_LEN - 1 };
	size_t i;

	(void)state;
	sign(&l, tok);
	decode(tok, raw);
	memset(&ct, 0, sizeof(ct));
	assert_int_equal(verify(tok, 1767225599, &got), IE_OK);
	assert_int_equal(ct.calls, 1);
	assert_int_equal(ct.len, crypto_auth_hmacsha256_BYTES);
	assert_true(!memcmp(ct.a, raw + MAC_OFF, ct.len) || !memcmp(ct.b, raw + MAC_OFF, ct.len));
	for (i = 0; i < ARRAY_LEN(flip); i++) {
		memcpy(mod, raw, sizeof(mod));
		mod[flip[i]] ^= 0x80;
		encode(mod, bad);
		memset(&ct, 0, sizeof(ct));
		assert_int_equal(verify(bad, 1767225599, &got), IE_INVALID);
		/* decided by the constant-time compare, over the whole MAC */
		assert_int_equal(ct.calls, 1);
		assert_int_equal(ct.len, crypto_auth_hmacsha256_BYTES);
		/* the two sides: the expected MAC and the token's (changed) one */
		assert_true((!memcmp(ct.a, raw + MAC_OFF, ct.len) && !memcmp(ct.b, mod + MAC_OFF, ct.len))
			    || (!memcmp(ct.b, raw + MAC_OFF, ct.len) && !memcmp(ct.a, mod + MAC_OFF, ct.len)));
	}
	/* a changed payload: the token's MAC against the one for the new payload */
	memcpy(mod, raw, sizeof(mod));
	mod[0] ^= 0x01;
	encode(mod, bad);
	memset(&ct, 0, sizeof(ct));
	assert_int_equal(verify(bad, 1767225599, &got), IE_INVALID);
	assert_int_equal(ct.calls, 1);
	assert_int_equal(ct.len, crypto_auth_hmacsha256_BYTES);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_golden_tokens),
		cmocka_unit_test(test_round_trip),
		cmocka_unit_test(test_sign_rejects),
		cmocka_unit_test(test_tamper_every_character),
		cmocka_unit_test(test_tamper_every_bit),
		cmocka_unit_test(test_malformed),
		cmocka_unit_test(test_other_key),
		cmocka_unit_test(test_expiry),
		cmocka_unit_test(test_valid_mac_bad_payload),
		cmocka_unit_test(test_mac_compared_in_constant_time),
	};

	return cmocka_run_group_tests(tests, setup, NULL);
}
