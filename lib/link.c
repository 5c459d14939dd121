#include <string.h>
#include <sodium.h>
#include "link.h"

#define PAYLOAD 20
#define RAW (PAYLOAD + crypto_auth_hmacsha256_BYTES)

static void put_be(unsigned char *p, unsigned long long v, int n)
{
	for (int i = n - 1; i >= 0; i--, v >>= 8)
		p[i] = (unsigned char)(v & 0xff);
}

static unsigned long long get_be(const unsigned char *p, int n)
{
	unsigned long long v = 0;

	for (int i = 0; i < n; i++)
		v = (v << 8) | p[i];
	return v;
}

ierr link_sign(const unsigned char key[32], const struct link *l, char *out, size_t outsz)
{
	unsigned char raw[RAW];

	if (outsz < LINK_TOKEN_LEN + 1 || l->invoice_id <= 0 || l->expires <= 0 || l->epoch < 0
	    || sodium_init() < 0)
		return IE_INVALID;
	put_be(raw, (unsigned long long)l->invoice_id, 8);
	put_be(raw + 8, (unsigned long long)l->expires, 8);
	put_be(raw + 16, (unsigned long long)l->epoch, 4);
	crypto_auth_hmacsha256(raw + PAYLOAD, raw, PAYLOAD, key);
	sodium_bin2base64(out, outsz, raw, RAW, sodium_base64_VARIANT_URLSAFE_NO_PADDING);
	return IE_OK;
}

ierr link_verify(const unsigned char key[32], const char *token, time_t now, struct link *l)
{
	unsigned char raw[RAW], mac[crypto_auth_hmacsha256_BYTES];
	char canon[LINK_TOKEN_LEN + 1];
	size_t len = 0;
	const char *end = NULL;

	if (!token || strlen(token) != LINK_TOKEN_LEN || sodium_init() < 0)
		return IE_INVALID;
	if (sodium_base642bin(raw, sizeof(raw), token, LINK_TOKEN_LEN, NULL, &len, &end,
			      sodium_base64_VARIANT_URLSAFE_NO_PADDING) || len != RAW || *end)
		return IE_INVALID;
	/* one token per link: a changed unused bit of the last character is a different token */
	sodium_bin2base64(canon, sizeof(canon), raw, RAW, sodium_base64_VARIANT_URLSAFE_NO_PADDING);
	if (strcmp(canon, token))
		return IE_INVALID;
	crypto_auth_hmacsha256(mac, raw, PAYLOAD, key);
	/* constant time: no early exit on the first differing byte */
	if (sodium_memcmp(mac, raw + PAYLOAD, sizeof(mac)))
		return IE_INVALID;
	l->invoice_id = (long long)get_be(raw, 8);
	l->expires = (time_t)get_be(raw + 8, 8);
	l->epoch = (int)get_be(raw + 16, 4);
	if (l->invoice_id <= 0)
		return IE_INVALID;
	return now >= l->expires ? IE_GONE : IE_OK;
}
