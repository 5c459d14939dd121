/*
 * html.h — escapers, one per output context, for anything that does not go
 * through a template (templates escape by default, see tmpl.h).
 *
 *   html_text  element content: & < > " ' escaped
 *   html_attr  a quoted attribute value: same set, plus nothing raw
 *   html_url   a URL component (query value, path segment): RFC 3986 unreserved kept
 *   html_js    a string inside a JSON/JS literal
 *
 * Also UTF-8 validation and percent-decoding for the request parser.
 */
#ifndef INVOICE_HTML_H
#define INVOICE_HTML_H

#include <stddef.h>
#include "buf.h"

ierr html_text(struct buf *out, const char *s, size_t n);
ierr html_attr(struct buf *out, const char *s, size_t n);
ierr html_url(struct buf *out, const char *s, size_t n);
ierr html_js(struct buf *out, const char *s, size_t n);

/* 1 when s[0..n) is well-formed UTF-8 (no overlongs, no surrogates, <= U+10FFFF). */
int utf8_valid(const char *s, size_t n);

/* Decodes application/x-www-form-urlencoded (+ is space) in place.
 * Returns the new length, or -1 on a bad %xx or an encoded NUL. */
long url_decode(char *s, size_t n);

#endif
