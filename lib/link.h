/*
 * link.h — signed download links: /d/{token} opens one issued invoice's PDF
 * without a login, until it expires or the invoice's links are revoked.
 *
 * token = base64url( id (8 bytes BE) | expires (8 bytes BE, unix time) |
 *                    epoch (4 bytes BE) | HMAC-SHA256(Secret, those 20 bytes) )
 * The epoch is invoices.link_epoch at signing time; revoking bumps it, which
 * turns every earlier link of that invoice away. The MAC is compared in
 * constant time. A link names one invoice and grants nothing else.
 */
#ifndef INVOICE_LINK_H
#define INVOICE_LINK_H

#include <stddef.h>
#include <time.h>
#include "err.h"

#define LINK_TOKEN_LEN 70          /* base64url of 52 bytes, no padding */

struct link {
	long long invoice_id;
	time_t expires;
	int epoch;
};

/* Writes a NUL-terminated token into out (at least LINK_TOKEN_LEN + 1 bytes). */
ierr link_sign(const unsigned char key[32], const struct link *l, char *out, size_t outsz);
/* IE_OK and *l filled; IE_INVALID for a malformed or forged token (any byte
 * changed); IE_GONE when it has expired at `now`. Revocation is the caller's
 * check (the epoch against the invoice's). */
ierr link_verify(const unsigned char key[32], const char *token, time_t now, struct link *l);

#endif
