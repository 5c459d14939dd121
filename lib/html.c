#include <string.h>
#include "html.h"

static ierr escape_markup(struct buf *out, const char *s, size_t n)
{
	size_t i, start = 0;
	const char *rep;
	ierr e;

	for (i = 0; i < n; i++) {
		switch (s[i]) {
		case '&': rep = "&amp;"; break;
		case '<': rep = "&lt;"; break;
		case '>': rep = "&gt;"; break;
		case '"': rep = "&quot;"; break;
		case '\'': rep = "&#39;"; break;
		default: continue;
		}
		if ((e = buf_put(out, s + start, i - start)) || (e = buf_puts(out, rep)))
			return e;
		start = i + 1;
	}
	return buf_put(out, s + start, n - start);
}

ierr html_text(struct buf *out, const char *s, size_t n)
{
	return escape_markup(out, s, n);
}

ierr html_attr(struct buf *out, const char *s, size_t n)
{
	return escape_markup(out, s, n);
}

static int url_unreserved(unsigned char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '-' || c == '_'
	       || c == '.' || c == '~';
}

ierr html_url(struct buf *out, const char *s, size_t n)
{
	static const char hex[] = "0123456789ABCDEF";
	size_t i = 0, run;
	ierr e;

	while (i < n) {
		for (run = i; run < n && url_unreserved((unsigned char)s[run]); run++)
			;
		if (run > i && (e = buf_put(out, s + i, run - i)))
			return e;
		if (run < n) {
			unsigned char c = (unsigned char)s[run];
			char enc[3] = { '%', hex[c >> 4], hex[c & 15] };

			if ((e = buf_put(out, enc, 3)))
				return e;
			run++;
		}
		i = run;
	}
	return IE_OK;
}

ierr html_js(struct buf *out, const char *s, size_t n)
{
	static const char hex[] = "0123456789abcdef";
	size_t i;
	ierr e;

	for (i = 0; i < n; i++) {
		unsigned char c = (unsigned char)s[i];

		if (c < 0x20 || c == '"' || c == '\\' || c == '<' || c == '>' || c == '&' || c == '\'') {
			char enc[6] = { '\\', 'u', '0', '0', hex[c >> 4], hex[c & 15] };

			e = buf_put(out, enc, 6);
		} else {
			e = buf_putc(out, (char)c);
		}
		if (e)
			return e;
	}
	return IE_OK;
}

int utf8_valid(const char *str, size_t n)
{
	const unsigned char *s = (const unsigned char *)str;
	size_t i = 0;

	while (i < n) {
		unsigned char c = s[i];
		size_t need;
		unsigned long cp;

		if (c < 0x80) {
			i++;
			continue;
		} else if (c >= 0xC2 && c <= 0xDF) {
			need = 1; cp = c & 0x1F;
		} else if (c >= 0xE0 && c <= 0xEF) {
			need = 2; cp = c & 0x0F;
		} else if (c >= 0xF0 && c <= 0xF4) {
			need = 3; cp = c & 0x07;
		} else {
			return 0;
		}
		if (n - i <= need)
			return 0;
		for (size_t k = 1; k <= need; k++) {
			if ((s[i + k] & 0xC0) != 0x80)
				return 0;
			cp = (cp << 6) | (s[i + k] & 0x3F);
		}
		if ((need == 2 && cp < 0x800) || (need == 3 && cp < 0x10000) || cp > 0x10FFFF
		    || (cp >= 0xD800 && cp <= 0xDFFF))
			return 0;
		i += need + 1;
	}
	return 1;
}

static int hexval(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

long url_decode(char *s, size_t n)
{
	size_t i, o = 0;

	for (i = 0; i < n; i++) {
		char c = s[i];

		if (c == '+') {
			c = ' ';
		} else if (c == '%') {
			int hi, lo;

			if (i + 2 >= n)
				return -1;
			hi = hexval(s[i + 1]);
			lo = hexval(s[i + 2]);
			if (hi < 0 || lo < 0)
				return -1;
			c = (char)(hi * 16 + lo);
			if (c == '\0')
				return -1;
			i += 2;
		} else if (c == '\0') {
			return -1;
		}
		s[o++] = c;
	}
	if (o < n)
		s[o] = '\0';
	return (long)o;
}
