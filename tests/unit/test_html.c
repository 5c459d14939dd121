/*
 * test_html.c — unit tests for lib/html.c: one escaper per output context,
 * UTF-8 validation (overlongs, surrogates, > U+10FFFF, truncated sequences)
 * and form percent-decoding.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <string.h>
#include "html.h"

#define ARRAY_LEN(a) (sizeof(a) / sizeof((a)[0]))

struct esc_case {
	const char *in;
	size_t n;               /* 0: strlen(in) */
	const char *want;
};

typedef ierr (*escaper)(struct buf *, const char *, size_t);

static void run_escapes(escaper fn, const struct esc_case *cases, size_t ncases)
{
	size_t i;

	for (i = 0; i < ncases; i++) {
		struct buf b = BUF_INIT;
		size_t n = cases[i].n ? cases[i].n : strlen(cases[i].in);

		/* escapers append: what was in the buffer stays */
		assert_int_equal(buf_puts(&b, "|"), IE_OK);
		assert_int_equal(fn(&b, cases[i].in, n), IE_OK);
		if (strcmp(b.data + 1, cases[i].want))
			fail_msg("case %zu: got \"%s\", want \"%s\"", i, b.data + 1, cases[i].want);
		assert_int_equal(b.data[0], '|');
		assert_int_equal(b.len, 1 + strlen(cases[i].want));
		buf_free(&b);
	}
}

/* element content and quoted attribute values share the markup set */
static const struct esc_case markup_cases[] = {
	{ "", 0, "" },
	{ "plain text 123", 0, "plain text 123" },
	{ "<script>alert(1)</script>", 0, "&lt;script&gt;alert(1)&lt;/script&gt;" },
	{ "a & b", 0, "a &amp; b" },
	{ "&amp;", 0, "&amp;amp;" },                    /* escaped once more, not left alone */
	{ "\"quoted\"", 0, "&quot;quoted&quot;" },
	{ "it's", 0, "it&#39;s" },
	{ "\" onmouseover=\"x", 0, "&quot; onmouseover=&quot;x" },
	{ "' autofocus onfocus='x", 0, "&#39; autofocus onfocus=&#39;x" },
	{ "<>&\"'", 0, "&lt;&gt;&amp;&quot;&#39;" },
	{ "caf\xc3\xa9 \xe2\x82\xac", 0, "caf\xc3\xa9 \xe2\x82\xac" },   /* UTF-8 passes */
	{ "a<b", 2, "a&lt;" },                          /* only n bytes */
	{ "x<y>z", 1, "x" },
};

static void test_html_text(void **state)
{
	(void)state;
	run_escapes(html_text, markup_cases, ARRAY_LEN(markup_cases));
}

static void test_html_attr(void **state)
{
	(void)state;
	run_escapes(html_attr, markup_cases, ARRAY_LEN(markup_cases));
}

static void test_html_url(void **state)
{
	static const struct esc_case cases[] = {
		{ "", 0, "" },
		{ "AZaz09-_.~", 0, "AZaz09-_.~" },              /* RFC 3986 unreserved kept */
		{ "a b", 0, "a%20b" },
		{ "a+b", 0, "a%2Bb" },
		{ "k=v&x=y", 0, "k%3Dv%26x%3Dy" },
		{ "/path/?q#f", 0, "%2Fpath%2F%3Fq%23f" },
		{ "%41", 0, "%2541" },
		{ "caf\xc3\xa9", 0, "caf%C3%A9" },
		{ "\"<>'", 0, "%22%3C%3E%27" },
		{ "\r\n", 0, "%0D%0A" },
		{ "\xff", 0, "%FF" },
		{ "a\0b", 3, "a%00b" },
		{ "javascript:alert(1)", 0, "javascript%3Aalert%281%29" },
	};

	(void)state;
	run_escapes(html_url, cases, ARRAY_LEN(cases));
}

static void test_html_js(void **state)
{
	static const struct esc_case cases[] = {
		{ "", 0, "" },
		{ "plain 123", 0, "plain 123" },
		{ "</script><script>x()</script>", 0,
		  "\\u003c/script\\u003e\\u003cscript\\u003ex()\\u003c/script\\u003e" },
		{ "\"", 0, "\\u0022" },
		{ "'", 0, "\\u0027" },
		{ "\\", 0, "\\u005c" },
		{ "&", 0, "\\u0026" },
		{ "a\nb\rc\td", 0, "a\\u000ab\\u000dc\\u0009d" },
		{ "\x01\x1f", 0, "\\u0001\\u001f" },
		{ "a\0b", 3, "a\\u0000b" },
		{ "\"; alert(1); //", 0, "\\u0022; alert(1); //" },
		{ "caf\xc3\xa9", 0, "caf\xc3\xa9" },
	};

	(void)state;
	run_escapes(html_js, cases, ARRAY_LEN(cases));
}

/* ---- UTF-8 ---- */

struct utf8_case {
	const char *s;
	size_t n;               /* 0: strlen(s) */
	int valid;
	const char *what;
};

static void test_utf8_valid(void **state)
{
	static const struct utf8_case cases[] = {
		{ "", 0, 1, "empty" },
		{ "plain ASCII ~\x7f", 0, 1, "ASCII incl. DEL" },
		{ "\xc2\x80", 0, 1, "U+0080, smallest 2-byte" },
		{ "\xc3\xa9", 0, 1, "U+00E9" },
		{ "\xdf\xbf", 0, 1, "U+07FF, largest 2-byte" },
		{ "\xe0\xa0\x80", 0, 1, "U+0800, smallest 3-byte" },
		{ "\xe2\x82\xac", 0, 1, "U+20AC euro" },
		{ "\xed\x9f\xbf", 0, 1, "U+D7FF, just below the surrogates" },
		{ "\xee\x80\x80", 0, 1, "U+E000, just above the surrogates" },
		{ "\xef\xbf\xbf", 0, 1, "U+FFFF" },
		{ "\xf0\x90\x80\x80", 0, 1, "U+10000, smallest 4-byte" },
		{ "\xf0\x9f\x98\x80", 0, 1, "U+1F600 emoji" },
		{ "\xf4\x8f\xbf\xbf", 0, 1, "U+10FFFF, the last code point" },
		{ "a\0b", 3, 1, "U+0000 is well-formed" },
		{ "ab\xff", 2, 1, "only n bytes are looked at" },
		{ "x\xc3\xa9y\xe2\x82\xacz\xf0\x9f\x98\x80", 0, 1, "mixed" },

		/* overlongs */
		{ "\xc0\x80", 0, 0, "overlong NUL (C0 80)" },
		{ "\xc0\xaf", 0, 0, "overlong '/' (C0 AF)" },
		{ "\xc1\xbf", 0, 0, "overlong U+007F (C1 BF)" },
		{ "\xe0\x80\x80", 0, 0, "overlong 3-byte NUL" },
		{ "\xe0\x80\xaf", 0, 0, "overlong 3-byte '/'" },
		{ "\xe0\x9f\xbf", 0, 0, "overlong U+07FF in 3 bytes" },
		{ "\xf0\x80\x80\x80", 0, 0, "overlong 4-byte NUL" },
		{ "\xf0\x8f\xbf\xbf", 0, 0, "overlong U+FFFF in 4 bytes" },
		{ "\xf8\x88\x80\x80\x80", 0, 0, "5-byte form" },
		{ "\xfc\x84\x80\x80\x80\x80", 0, 0, "6-byte form" },

		/* surrogates */
		{ "\xed\xa0\x80", 0, 0, "U+D800" },
		{ "\xed\xaf\xbf", 0, 0, "U+DBFF" },
		{ "\xed\xb0\x80", 0, 0, "U+DC00" },
		{ "\xed\xbf\xbf", 0, 0, "U+DFFF" },
		{ "\xed\xa0\xbd\xed\xb8\x80", 0, 0, "CESU-8 surrogate pair" },

		/* beyond U+10FFFF */
		{ "\xf4\x90\x80\x80", 0, 0, "U+110000" },
		{ "\xf4\xbf\xbf\xbf", 0, 0, "U+13FFFF" },
		{ "\xf5\x80\x80\x80", 0, 0, "F5 lead" },
		{ "\xf7\xbf\xbf\xbf", 0, 0, "U+1FFFFF" },
		{ "\xfe", 0, 0, "FE" },
		{ "\xff", 0, 0, "FF" },

		/* truncated sequences */
		{ "\xc3", 0, 0, "2-byte, lead only" },
		{ "\xe2\x82", 0, 0, "3-byte, one continuation missing" },
		{ "\xe2", 0, 0, "3-byte, lead only" },
		{ "\xf0\x9f\x98", 0, 0, "4-byte, one continuation missing" },
		{ "\xf0\x9f", 0, 0, "4-byte, two missing" },
		{ "abc\xc3", 0, 0, "truncated at the end of text" },
		{ "\xc3\xa9", 1, 0, "cut by n" },
		{ "\xf0\x9f\x98\x80", 3, 0, "4-byte cut by n" },

		/* broken continuation */
		{ "\x80", 0, 0, "lone continuation 80" },
		{ "\xbf", 0, 0, "lone continuation BF" },
		{ "a\x80z", 0, 0, "continuation in ASCII" },
		{ "\xc3\x28", 0, 0, "2-byte, bad continuation" },
		{ "\xc3\xc3\xa9", 0, 0, "lead where a continuation belongs" },
		{ "\xe2\x28\xa1", 0, 0, "3-byte, bad 2nd byte" },
		{ "\xe2\x82\x28", 0, 0, "3-byte, bad 3rd byte" },
		{ "\xf0\x28\x8c\xbc", 0, 0, "4-byte, bad 2nd byte" },
		{ "\xf0\x90\x8c\x28", 0, 0, "4-byte, bad 4th byte" },
	};
	size_t i;

	(void)state;
	for (i = 0; i < ARRAY_LEN(cases); i++) {
		size_t n = cases[i].n ? cases[i].n : strlen(cases[i].s);

		if (utf8_valid(cases[i].s, n) != cases[i].valid)
			fail_msg("utf8_valid: %s: want %d", cases[i].what, cases[i].valid);
	}
}

/* Every code point U+0000..U+10FFFF encodes to something utf8_valid accepts
 * exactly when it is not a surrogate. */
static void test_utf8_all_code_points(void **state)
{
	unsigned long cp;

	(void)state;
	for (cp = 0; cp <= 0x10FFFF; cp++) {
		char s[4];
		size_t n;

		if (cp < 0x80) {
			s[0] = (char)cp; n = 1;
		} else if (cp < 0x800) {
			s[0] = (char)(0xC0 | (cp >> 6)); s[1] = (char)(0x80 | (cp & 0x3F)); n = 2;
		} else if (cp < 0x10000) {
			s[0] = (char)(0xE0 | (cp >> 12)); s[1] = (char)(0x80 | ((cp >> 6) & 0x3F));
			s[2] = (char)(0x80 | (cp & 0x3F)); n = 3;
		} else {
			s[0] = (char)(0xF0 | (cp >> 18)); s[1] = (char)(0x80 | ((cp >> 12) & 0x3F));
			s[2] = (char)(0x80 | ((cp >> 6) & 0x3F)); s[3] = (char)(0x80 | (cp & 0x3F)); n = 4;
		}
		if (utf8_valid(s, n) != !(cp >= 0xD800 && cp <= 0xDFFF))
			fail_msg("utf8_valid wrong for U+%04lX", cp);
	}
}

/* ---- url_decode ---- */

static void test_url_decode(void **state)
{
	static const struct {
		const char *in;
		long want;              /* length, or -1 */
		const char *out;
	} cases[] = {
		{ "", 0, "" },
		{ "abc", 3, "abc" },
		{ "a+b", 3, "a b" },
		{ "+++", 3, "   " },
		{ "%20", 1, " " },
		{ "%2B", 1, "+" },                      /* an encoded plus stays a plus */
		{ "%2b", 1, "+" },
		{ "%41%42c", 3, "ABc" },
		{ "%C3%A9", 2, "\xc3\xa9" },
		{ "%e2%82%ac", 3, "\xe2\x82\xac" },     /* lower-case hex */
		{ "%25", 1, "%" },
		{ "%2541", 3, "%41" },                  /* decoded once only */
		{ "a%3Db%26c", 5, "a=b&c" },
		{ "%FF", 1, "\xff" },                   /* bytes; UTF-8 is checked separately */
		{ "%0A", 1, "\n" },

		/* bad %xx */
		{ "%", -1, NULL },
		{ "100%", -1, NULL },
		{ "%4", -1, NULL },
		{ "a%2", -1, NULL },
		{ "%G1", -1, NULL },
		{ "%1G", -1, NULL },
		{ "%%41", -1, NULL },
		{ "%-1", -1, NULL },
		{ "% 1", -1, NULL },
		{ "%+1", -1, NULL },

		/* an encoded NUL is refused: it would cut C strings */
		{ "%00", -1, NULL },
		{ "abc%00def", -1, NULL },
	};
	size_t i;

	(void)state;
	for (i = 0; i < ARRAY_LEN(cases); i++) {
		char s[64];
		long got;

		assert_int_equal(str_copy(s, sizeof(s), cases[i].in), IE_OK);
		got = url_decode(s, strlen(s));
		if (got != cases[i].want)
			fail_msg("url_decode(\"%s\") = %ld, want %ld", cases[i].in, got, cases[i].want);
		if (got >= 0) {
			assert_memory_equal(s, cases[i].out, (size_t)got);
			assert_int_equal(s[got], '\0');        /* shortened output is terminated */
		}
	}
}

static void test_url_decode_raw_nul_and_n(void **state)
{
	char raw_nul[] = { 'a', '\0', 'b' };
	char partial[] = "a+b%41";
	char cut[] = "ab%41";

	(void)state;
	/* a raw NUL inside the n bytes is refused as well */
	assert_int_equal(url_decode(raw_nul, sizeof(raw_nul)), -1);
	/* only the first n bytes are decoded; the rest is left alone */
	assert_int_equal(url_decode(partial, 3), 3);
	assert_memory_equal(partial, "a b%41", 7);
	/* a %xx cut by n is malformed */
	assert_int_equal(url_decode(cut, 4), -1);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_html_text),
		cmocka_unit_test(test_html_attr),
		cmocka_unit_test(test_html_url),
		cmocka_unit_test(test_html_js),
		cmocka_unit_test(test_utf8_valid),
		cmocka_unit_test(test_utf8_all_code_points),
		cmocka_unit_test(test_url_decode),
		cmocka_unit_test(test_url_decode_raw_nul_and_n),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
