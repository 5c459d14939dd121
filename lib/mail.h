/*
 * mail.h — composing an e-mail (RFC 5322 + MIME) and handing it to a
 * sendmail-compatible command. No database here: lib/outbox.h queues,
 * claims and records; this module only builds bytes and runs the command.
 *
 * A message is multipart/alternative with a text/plain and a text/html part,
 * both UTF-8 and quoted-printable (RFC 2045: lines of at most 76 characters,
 * soft breaks "=\n", "=XX" for '=' and bytes outside printable ASCII, trailing
 * blanks encoded). Header values with non-ASCII bytes become RFC 2047
 * encoded-words ("=?UTF-8?B?...?=", each at most 75 characters, split only
 * between UTF-8 characters). Lines end in "\n": `sendmail -t -i` turns them
 * into CRLF on the wire. Addresses are checked before they reach a header: no
 * control characters, no spaces, commas, angle brackets or quotes, exactly one
 * '@' (a header can never be injected through them).
 *
 * Delivery runs the configured command (Mail.Sendmail, default
 * "/usr/sbin/sendmail -t -i") split on spaces, with fork/execv (no shell),
 * writes the message to its standard input and waits at most `timeout_s`
 * seconds (then kills it): exit status 0 is delivered, anything else a
 * failure described in `err`.
 */
#ifndef INVOICE_MAIL_H
#define INVOICE_MAIL_H

#include <stddef.h>
#include <time.h>
#include "buf.h"

/* 1 when `addr` is a plain local@domain address safe for a header. */
int mail_address_ok(const char *addr);

/* Appends `value` as a header value: as is when printable ASCII, else as
 * RFC 2047 B encoded-words separated by "\n " (folded). `used` is how many
 * characters the line already holds ("Subject: " = 9). Control characters
 * (CR, LF, ...) are refused with IE_INVALID. */
ierr mail_header_value(struct buf *out, const char *value, size_t used);

/* Appends s[0..n) quoted-printable encoded (text: "\n" stays a hard break). */
ierr mail_qp(struct buf *out, const char *s, size_t n);

/* RFC 5322 date of t in UTC: "Thu, 03 Dec 2026 19:23:16 +0000". */
ierr mail_date(time_t t, char *out, size_t outsz);

struct mail_msg {
	const char *from_name;       /* display name ("" none) */
	const char *from;            /* address */
	const char *to;              /* address */
	const char *subject;         /* UTF-8 */
	const char *message_id;      /* without the angle brackets: "outbox-12.1700000000@example.com" */
	time_t date;
	const char *boundary;        /* [A-Za-z0-9=_-], not in either body */
	const char *text;            /* UTF-8, "\n" line ends */
	const char *html;            /* NULL or "": a text/plain message only */
};

/* The whole message. IE_INVALID for an unsafe address or header value. */
ierr mail_compose(const struct mail_msg *m, struct buf *out);

/* Runs `command` (words split on spaces; the first an absolute path), feeds
 * it `msg`, waits up to timeout_s. IE_OK when it exits 0; otherwise IE_IO
 * with a one-line reason in err ("exit status 75", "killed after 60 s",
 * "cannot run /usr/sbin/sendmail: No such file or directory"). */
ierr mail_sendmail(const char *command, const struct buf *msg, unsigned timeout_s, char *err, size_t errsz);

#endif
