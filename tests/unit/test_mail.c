/*
 * test_mail.c — unit tests for lib/mail.c (MIME pieces, sendmail delivery)
 * and the pure parts of lib/outbox.c (dedupe keys, backoff).
 *
 * Header values: ASCII passes as is, anything else becomes encoded-words of
 * at most 75 characters that decode back to the input and never split a
 * UTF-8 character; control characters (header injection) are refused.
 * Quoted-printable: no line over 76 characters, '=' and 8-bit bytes encoded,
 * trailing blanks encoded, and decoding gives the input back. Delivery runs
 * real commands: exit 0, exit 1, a missing program, a hung one killed.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sodium.h>
#include "mail.h"
#include "outbox.h"

#define ARRAY_LEN(a) (sizeof(a) / sizeof((a)[0]))

static void test_address(void **state)
{
	static const struct { const char *a; int ok; } cases[] = {
		{ "a@example.com", 1 }, { "first.last+tag@sub.example.org", 1 },
		{ "", 0 }, { "@example.com", 0 }, { "a@", 0 }, { "a@@b", 0 }, { "a@b@c", 0 },
		{ "a b@example.com", 0 }, { "a@example.com\nBcc: x@y", 0 }, { "a@example.com\r", 0 },
		{ "<a@example.com>", 0 }, { "a@example.com, b@example.com", 0 }, { "\"a\"@b", 0 },
		{ "\xc3\xa9@example.com", 0 },
	};
	(void)state;
	for (size_t i = 0; i < ARRAY_LEN(cases); i++)
		assert_int_equal(mail_address_ok(cases[i].a), cases[i].ok);
}

/* Decodes "=?UTF-8?B?...?=" words separated by "\n " back to the value. */
static void decode_words(const char *s, char *out, size_t outsz)
{
	size_t o = 0;

	while (*s) {
		const char *end;
		unsigned char bin[100];
		size_t bl = 0;

		assert_int_equal(strncmp(s, "=?UTF-8?B?", 10), 0);
		end = strstr(s + 10, "?=");
		assert_non_null(end);
		assert_true(end + 2 - s <= 75);
		assert_int_equal(sodium_base642bin(bin, sizeof(bin), s + 10, (size_t)(end - s - 10), NULL, &bl, NULL,
						   sodium_base64_VARIANT_ORIGINAL), 0);
		/* each word holds whole characters: it starts on a lead byte */
		assert_true(bl == 0 || (bin[0] & 0xc0) != 0x80);
		assert_true(o + bl < outsz);
		memcpy(out + o, bin, bl);
		o += bl;
		s = end + 2;
		if (*s) {
			assert_int_equal(strncmp(s, "\n ", 2), 0);
			s += 2;
		}
	}
	out[o] = '\0';
}

static void test_header_value(void **state)
{
	static const char *const encoded[] = {
		"Rechnung für Müller",
		"Счёт INV-2026-000001 выставлен, оплатить до 2026-12-31, спасибо за сотрудничество",
		"請求書 INV-2026-000001 が発行されました。お支払い期限は二〇二六年十二月三十一日です。",
		"😀😀😀😀😀😀😀😀😀😀😀😀😀😀😀😀😀😀😀😀",
	};
	char back[600];
	(void)state;

	{
		struct buf b = BUF_INIT;

		assert_int_equal(mail_header_value(&b, "Invoice INV-2026-000001", 9), IE_OK);
		assert_string_equal(b.data, "Invoice INV-2026-000001");
		buf_free(&b);
	}
	for (size_t i = 0; i < ARRAY_LEN(encoded); i++) {
		struct buf b = BUF_INIT;

		assert_int_equal(mail_header_value(&b, encoded[i], 9), IE_OK);
		decode_words(b.data, back, sizeof(back));
		assert_string_equal(back, encoded[i]);
		buf_free(&b);
	}
	{
		static const char *const bad[] = { "a\r\nBcc: x@y", "a\nb", "tab\there", "\xff\xfe" };

		for (size_t i = 0; i < ARRAY_LEN(bad); i++) {
			struct buf b = BUF_INIT;

			assert_int_equal(mail_header_value(&b, bad[i], 9), IE_INVALID);
			buf_free(&b);
		}
	}
}

static int hexval(char c)
{
	return c >= '0' && c <= '9' ? c - '0' : c >= 'A' && c <= 'F' ? c - 'A' + 10 : -1;
}

static void qp_decode(const char *s, struct buf *out)
{
	for (; *s; s++) {
		if (*s == '=' && s[1] == '\n') {
			s++;
		} else if (*s == '=') {
			assert_true(hexval(s[1]) >= 0 && hexval(s[2]) >= 0);
			buf_putc(out, (char)(hexval(s[1]) * 16 + hexval(s[2])));
			s += 2;
		} else {
			buf_putc(out, *s);
		}
	}
}

static void test_qp(void **state)
{
	static const char *const cases[] = {
		"plain text\nsecond line\n",
		"a=b and 100% sure\n",
		"trailing blanks   \nand a tab\t\nend ",
		"Grüße aus Łódź — €1.190,00\n",
		"https://invoices.example.com/d/AAAAAAAAAAEAAAAAaZ2Ax0AAAAB7z8i0cxqN1bRbH9pY1Ndq7Rc8b5dq8W0c3x9Pf5A and more text after it\n",
		"",
		"<p>Dear <strong>Müller &amp; Söhne</strong>,</p>\n<a href=\"https://x/d/abc\">PDF</a>",
	};
	(void)state;
	for (size_t i = 0; i < ARRAY_LEN(cases); i++) {
		struct buf enc = BUF_INIT, dec = BUF_INIT;
		const char *line;

		assert_int_equal(mail_qp(&enc, cases[i], strlen(cases[i])), IE_OK);
		for (line = enc.data ? enc.data : ""; *line;) {
			const char *nl = strchr(line, '\n');
			size_t len = nl ? (size_t)(nl - line) : strlen(line);

			assert_true(len <= 76);
			assert_true(len == 0 || (line[len - 1] != ' ' && line[len - 1] != '\t'));
			for (size_t k = 0; k < len; k++)
				assert_true((unsigned char)line[k] >= 32 && (unsigned char)line[k] < 127);
			line += len + (nl ? 1 : 0);
		}
		qp_decode(enc.data ? enc.data : "", &dec);
		assert_string_equal(dec.data ? dec.data : "", cases[i]);
		buf_free(&enc);
		buf_free(&dec);
	}
}

static void test_date(void **state)
{
	char d[40];
	(void)state;
	assert_int_equal(mail_date(0, d, sizeof(d)), IE_OK);
	assert_string_equal(d, "Thu, 01 Jan 1970 00:00:00 +0000");
	assert_int_equal(mail_date(1796325796, d, sizeof(d)), IE_OK);
	assert_string_equal(d, "Thu, 03 Dec 2026 19:23:16 +0000");
	assert_int_equal(mail_date(0, d, 10), IE_OVERFLOW);
}

static struct mail_msg msg(void)
{
	struct mail_msg m = { "Acme Billing GmbH & Co", "billing@acme.example", "customer@example.com",
			      "Rechnung INV-2026-000007", "outbox-7.1796325796@acme.example", 1796325796,
			      "=_inv_abc", "Hello\n", "<p>Hello</p>\n" };
	return m;
}

static void test_compose(void **state)
{
	struct buf b = BUF_INIT;
	struct mail_msg m = msg();
	(void)state;

	assert_int_equal(mail_compose(&m, &b), IE_OK);
	assert_non_null(strstr(b.data, "From: Acme Billing GmbH & Co <billing@acme.example>\n"));
	assert_non_null(strstr(b.data, "To: customer@example.com\n"));
	assert_non_null(strstr(b.data, "Subject: Rechnung INV-2026-000007\n"));
	assert_non_null(strstr(b.data, "Date: Thu, 03 Dec 2026 19:23:16 +0000\n"));
	assert_non_null(strstr(b.data, "Message-ID: <outbox-7.1796325796@acme.example>\n"));
	assert_non_null(strstr(b.data, "MIME-Version: 1.0\n"));
	assert_non_null(strstr(b.data, "Content-Type: multipart/alternative; boundary=\"=_inv_abc\"\n"));
	assert_non_null(strstr(b.data, "\n--=_inv_abc\nContent-Type: text/plain; charset=UTF-8\n"));
	assert_non_null(strstr(b.data, "\n--=_inv_abc\nContent-Type: text/html; charset=UTF-8\n"));
	assert_non_null(strstr(b.data, "\n--=_inv_abc--\n"));
	buf_free(&b);

	/* text only */
	m.html = NULL;
	assert_int_equal(mail_compose(&m, &b), IE_OK);
	assert_null(strstr(b.data, "multipart"));
	assert_non_null(strstr(b.data, "Content-Type: text/plain; charset=UTF-8\nContent-Transfer-Encoding: quoted-printable\n\nHello\n"));
	buf_free(&b);

	/* refused: injected headers through any field, a boundary inside a body */
	{
		struct mail_msg bad[6];

		for (size_t i = 0; i < ARRAY_LEN(bad); i++)
			bad[i] = msg();
		bad[0].to = "a@example.com\nBcc: all@example.com";
		bad[1].from = "x";
		bad[2].subject = "Hi\r\nBcc: all@example.com";
		bad[3].message_id = "a>\nBcc: x@y";
		bad[4].text = "contains =_inv_abc here";
		bad[5].from_name = "Evil\nBcc: x@y";
		for (size_t i = 0; i < ARRAY_LEN(bad); i++) {
			assert_int_equal(mail_compose(&bad[i], &b), IE_INVALID);
			buf_free(&b);
		}
	}
}

static void test_sendmail(void **state)
{
	struct buf m = BUF_INIT;
	char err[300];
	(void)state;

	for (int i = 0; i < 20000; i++)      /* more than a pipe holds */
		buf_puts(&m, "line of the message body\n");
	assert_int_equal(mail_sendmail("/bin/sh -c cat>/dev/null", &m, 10, err, sizeof(err)), IE_OK);
	assert_int_equal(mail_sendmail("/bin/true", &m, 10, err, sizeof(err)), IE_OK);   /* reads nothing */
	assert_int_equal(mail_sendmail("/bin/false", &m, 10, err, sizeof(err)), IE_IO);
	assert_string_equal(err, "exit status 1");
	assert_int_equal(mail_sendmail("/nonexistent/sendmail -t -i", &m, 10, err, sizeof(err)), IE_IO);
	assert_non_null(strstr(err, "exit status 127: cannot run /nonexistent/sendmail"));
	assert_int_equal(mail_sendmail("/bin/sleep 30", &m, 1, err, sizeof(err)), IE_IO);
	assert_string_equal(err, "killed after 1 s");
	assert_int_equal(mail_sendmail("sendmail -t", &m, 1, err, sizeof(err)), IE_INVALID);
	assert_int_equal(mail_sendmail("", &m, 1, err, sizeof(err)), IE_INVALID);
	buf_free(&m);
}

static void test_outbox_pure(void **state)
{
	char k[100];
	static const struct { unsigned attempts; long s; } backoff[] = {
		{ 1, 60 }, { 2, 120 }, { 3, 240 }, { 8, 7680 }, { 9, 15360 }, { 10, 21600 }, { 50, 21600 },
	};
	(void)state;

	assert_int_equal(outbox_dedupe_key(OUTBOX_INVOICE_ISSUED, 42, 0, k, sizeof(k)), IE_OK);
	assert_string_equal(k, "invoice_issued:42");
	assert_int_equal(outbox_dedupe_key(OUTBOX_INVOICE_VOIDED, 42, 0, k, sizeof(k)), IE_OK);
	assert_string_equal(k, "invoice_voided:42");
	assert_int_equal(outbox_dedupe_key(OUTBOX_CREDIT_NOTE, 43, 0, k, sizeof(k)), IE_OK);
	assert_string_equal(k, "credit_note:43");
	assert_int_equal(outbox_dedupe_key(OUTBOX_PAYMENT_RECEIVED, 42, 7, k, sizeof(k)), IE_OK);
	assert_string_equal(k, "payment_received:7:42");
	assert_int_equal(outbox_dedupe_key(OUTBOX_PAYMENT_RECEIVED, 42, 0, k, sizeof(k)), IE_INVALID);
	assert_int_equal(outbox_dedupe_key(OUTBOX_INVOICE_ISSUED, 0, 0, k, sizeof(k)), IE_INVALID);
	assert_int_equal(outbox_dedupe_key(OUTBOX__KINDS, 1, 0, k, sizeof(k)), IE_INVALID);
	assert_int_equal(outbox_dedupe_key(OUTBOX_INVOICE_ISSUED, 42, 0, k, 5), IE_OVERFLOW);
	for (size_t i = 0; i < ARRAY_LEN(backoff); i++)
		assert_int_equal(outbox_backoff(backoff[i].attempts, 60), backoff[i].s);
	assert_string_equal(outbox_kind_name(OUTBOX_PAYMENT_RECEIVED), "payment_received");
	assert_string_equal(outbox_kind_name(OUTBOX__KINDS), "");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_address),
		cmocka_unit_test(test_header_value),
		cmocka_unit_test(test_qp),
		cmocka_unit_test(test_date),
		cmocka_unit_test(test_compose),
		cmocka_unit_test(test_sendmail),
		cmocka_unit_test(test_outbox_pure),
	};
	if (sodium_init() < 0)
		return 1;
	return cmocka_run_group_tests(tests, NULL, NULL);
}
