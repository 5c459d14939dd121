/*
 * test_pdf.c — unit tests for lib/pdf.c: number formatting, the layout
 * maths (wrapping, column widths, page-break planning), and real renders
 * checked with qpdf --check, pdfinfo and pdftotext (poppler-utils, qpdf:
 * installed by the test harness; these checks never skip).
 *
 * The font is $INVOICE_TEST_FONT, else PDF_TEST_FONT from the Makefile
 * (the build's fonts/invoice-sans.ttf), else fonts/invoice-sans.ttf.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>
#include "buf.h"
#include "pdf.h"

#define ARRAY_LEN(a) (sizeof(a) / sizeof((a)[0]))

static char tmpdir[64];

static const char *font_path(void)
{
	const char *p = getenv("INVOICE_TEST_FONT");

	if (p && *p)
		return p;
#ifdef PDF_TEST_FONT
	return PDF_TEST_FONT;
#else
	return "fonts/invoice-sans.ttf";
#endif
}

/* The fallback fonts: $INVOICE_TEST_FONT_EXTRA / _CJK, else the build's. */
static const char *font_extra(void)
{
	const char *p = getenv("INVOICE_TEST_FONT_EXTRA");

	if (p && *p)
		return p;
#ifdef PDF_TEST_FONT_EXTRA
	return PDF_TEST_FONT_EXTRA;
#else
	return "fonts/invoice-sans-extra.ttf";
#endif
}

static const char *font_cjk(void)
{
	const char *p = getenv("INVOICE_TEST_FONT_CJK");

	if (p && *p)
		return p;
#ifdef PDF_TEST_FONT_CJK
	return PDF_TEST_FONT_CJK;
#else
	return "fonts/invoice-cjk.ttf";
#endif
}

/* ---- helpers: external tools ---- */

static int run(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
static int run(const char *fmt, ...)
{
	char cmd[1024];
	va_list ap;
	int n, rc;

	va_start(ap, fmt);
	n = vsnprintf(cmd, sizeof(cmd), fmt, ap);
	va_end(ap);
	assert_true(n > 0 && (size_t)n < sizeof(cmd));
	rc = system(cmd);
	assert_true(rc != -1);
	return WIFEXITED(rc) ? WEXITSTATUS(rc) : 128;
}

static char *slurp(const char *path)
{
	FILE *f = fopen(path, "rb");
	struct buf b = BUF_INIT;
	char chunk[4096];
	size_t n;

	assert_non_null(f);
	while ((n = fread(chunk, 1, sizeof(chunk), f)) > 0)
		assert_int_equal(buf_put(&b, chunk, n), IE_OK);
	fclose(f);
	return buf_detach(&b);
}

static void write_file(const char *path, const struct buf *b)
{
	FILE *f = fopen(path, "wb");

	assert_non_null(f);
	assert_int_equal(fwrite(b->data, 1, b->len, f), b->len);
	assert_int_equal(fclose(f), 0);
}

/* pdftotext of one page (0: all), NUL-terminated, to free(). */
static char *pdf_text(const char *pdf, int page)
{
	char txt[128];

	snprintf(txt, sizeof(txt), "%s/out.txt", tmpdir);
	if (page)
		assert_int_equal(run("pdftotext -layout -f %d -l %d '%s' '%s' 2>/dev/null", page, page,
				     pdf, txt), 0);
	else
		assert_int_equal(run("pdftotext -layout '%s' '%s' 2>/dev/null", pdf, txt), 0);
	return slurp(txt);
}

/* Page count, as pdfinfo sees it. */
static int pdf_pages(const char *pdf)
{
	char txt[128], *s, *p;
	int n = -1;

	snprintf(txt, sizeof(txt), "%s/info.txt", tmpdir);
	assert_int_equal(run("pdfinfo '%s' >'%s' 2>/dev/null", pdf, txt), 0);
	s = slurp(txt);
	p = strstr(s, "\nPages:");
	assert_non_null(p);
	n = (int)strtol(p + 7, NULL, 10);
	free(s);
	return n;
}

static char *pdf_info(const char *pdf)
{
	char txt[128];

	snprintf(txt, sizeof(txt), "%s/info.txt", tmpdir);
	assert_int_equal(run("pdfinfo '%s' >'%s' 2>/dev/null", pdf, txt), 0);
	return slurp(txt);
}

/* pdfinfo's value for key ("Title"), compared whole. */
static void assert_info(const char *info, const char *key, const char *want)
{
	char k[64];
	const char *p, *e;

	snprintf(k, sizeof(k), "\n%s:", key);
	p = strstr(info, k);
	if (!p && !strncmp(info, k + 1, strlen(k + 1)))
		p = info - 1;
	assert_non_null(p);
	p += strlen(k);
	while (*p == ' ')
		p++;
	e = strchr(p, '\n');
	assert_non_null(e);
	assert_int_equal((size_t)(e - p), strlen(want));
	assert_memory_equal(p, want, strlen(want));
}

/* The document with every stream uncompressed (qpdf --qdf), to free(). */
static char *pdf_qdf(const char *pdf)
{
	char q[128];

	snprintf(q, sizeof(q), "%s/qdf.pdf", tmpdir);
	assert_int_equal(run("qpdf --qdf --object-streams=disable '%s' '%s' 2>/dev/null", pdf, q), 0);
	return slurp(q);
}

static void check_qpdf(const char *pdf)
{
	assert_int_equal(run("qpdf --check '%s' >/dev/null 2>&1", pdf), 0);
}

static size_t count(const char *hay, const char *needle)
{
	size_t n = 0, len = strlen(needle);

	while ((hay = strstr(hay, needle))) {
		n++;
		hay += len;
	}
	return n;
}

/* "<0044...>": how libharu's UTF-8 Type0 font writes ASCII text (CID = code point). */
static void cid_hex(const char *ascii, char *out, size_t outsz)
{
	size_t o = 0;

	out[o++] = '<';
	for (; *ascii && o + 6 < outsz; ascii++)
		o += (size_t)snprintf(out + o, outsz - o, "%04x", (unsigned char)*ascii);
	out[o++] = '>';
	out[o] = '\0';
}

/* ---- a test invoice ---- */

struct fx {
	struct invoice inv;
	struct inv_seller seller;
	struct inv_line *lines;
	char (*desc)[96];
	struct inv_tax_total taxes[2];
	struct inv_payment pays[2];
	struct inv_field fields[2];
};

/* n one-line rows at 10.00 + 19% in EUR, issued (or `status`). */
static struct fx *fx_new(size_t n, const char *status)
{
	struct fx *f = calloc(1, sizeof(*f));
	size_t i;

	assert_non_null(f);
	f->lines = calloc(n ? n : 1, sizeof(*f->lines));
	f->desc = calloc(n ? n : 1, sizeof(*f->desc));
	assert_non_null(f->lines);
	assert_non_null(f->desc);
	for (i = 0; i < n; i++) {
		struct inv_line *l = &f->lines[i];

		snprintf(f->desc[i], sizeof(f->desc[i]), "Item %zu hosting package", i + 1);
		l->position = (int)i + 1;
		l->description = f->desc[i];
		l->quantity = 1000000;
		l->unit_code = "C62";
		l->unit_price = 10000000;
		l->tax_rate = 190000;
		l->vat_category = "S";
		l->tax_description = "VAT 19%";
		l->period_start = "2026-01-01";
		l->period_end = "2026-01-31";
		l->net = 1000;
		l->tax = 190;
		l->gross = 1190;
	}
	f->taxes[0] = (struct inv_tax_total){ "S", 190000, "", 1000 * (money_t)n, 190 * (money_t)n };
	f->seller = (struct inv_seller){ "Example Networks Ltd", "1 High Street\nLondon EC1A 1AA",
					 "GB123456789", "GB29NWBK60161331926819", "NWBKGB2L",
					 "billing@example.net", "+44 20 7946 0000", "example.net", "Example Networks Ltd",
					 "1 High Street", "London", "EC1A 1AA", "GB", "", "", "", "" };
	f->inv.id = 7;
	f->inv.kind = "invoice";
	f->inv.type_code = 380;
	f->inv.status = status;
	f->inv.shown = inv_shown_of(status, "invoice", 0, "2026-02-14", "2026-02-01");
	f->inv.number = strcmp(status, "draft") ? "INV-2026-000001" : "";
	f->inv.currency = "EUR";
	f->inv.exponent = 2;
	f->inv.invoice_date = "2026-01-31";
	f->inv.due_date = "2026-02-14";
	f->inv.period_start = "2026-01-01";
	f->inv.period_end = "2026-01-31";
	f->inv.issued_at = strcmp(status, "draft") ? "2026-01-31 09:30:00" : "";
	f->inv.net_total = 1000 * (money_t)n;
	f->inv.tax_total = 190 * (money_t)n;
	f->inv.total = 1190 * (money_t)n;
	f->inv.balance = f->inv.total;
	f->inv.notes = "";
	f->inv.buyer = (struct inv_party){ "Acme", "Acme GmbH", "ap@acme.example", "Hauptstr. 1", "",
					   "Berlin", "10115", "", "DE", "DE123456789" };
	f->inv.lines = f->lines;
	f->inv.nlines = n;
	f->inv.taxes = f->taxes;
	f->inv.ntaxes = 1;
	return f;
}

static void fx_free(struct fx *f)
{
	free(f->lines);
	free(f->desc);
	free(f);
}

static struct pdf_opts opts_a4(void)
{
	struct pdf_opts o = { "A4", font_path(), "Invoice", { NULL } };

	return o;
}

/* A4 with the fallback fonts (extra, then CJK). */
static struct pdf_opts opts_all(void)
{
	struct pdf_opts o = opts_a4();

	o.fallback_fonts[0] = font_extra();
	o.fallback_fonts[1] = font_cjk();
	return o;
}

/* Renders to tmpdir/name; returns the path (static). */
static const char *render(const struct fx *f, const struct pdf_opts *o, const char *name,
			  struct buf *out)
{
	static char path[128];

	out->len = 0;
	assert_int_equal(pdf_invoice(&f->inv, &f->seller, o, out), IE_OK);
	assert_true(out->len > 1000);
	assert_memory_equal(out->data, "%PDF-1.", 7);
	snprintf(path, sizeof(path), "%s/%s", tmpdir, name);
	write_file(path, out);
	return path;
}

/* ---- formatting ---- */

static void test_format_fixed6(void **state)
{
	static const struct {
		int64_t v;
		int min;
		const char *want;
	} cases[] = {
		{ 4500, 0, "0.0045" },
		{ 1234500000LL, 0, "1,234.5" },
		{ 1000000, 0, "1" },
		{ 0, 0, "0" },
		{ 12500000, 2, "12.50" },
		{ 4500, 2, "0.0045" },
		{ 1, 0, "0.000001" },
		{ -1234567890000LL, 0, "-1,234,567.89" },
		{ 999000000, 0, "999" },
		{ 1000000000, 3, "1,000.000" },
		{ 123456789012345678LL, 0, "123,456,789,012.345678" },
		{ INT64_MIN, 0, "-9,223,372,036,854.775808" },
	};
	char out[64];
	size_t i;

	(void)state;
	for (i = 0; i < ARRAY_LEN(cases); i++) {
		assert_int_equal(pdf_format_fixed6(cases[i].v, cases[i].min, out, sizeof(out)), IE_OK);
		assert_string_equal(out, cases[i].want);
	}
	assert_int_equal(pdf_format_fixed6(1234500000LL, 0, out, 5), IE_OVERFLOW);
	assert_string_equal(out, "");
	assert_int_equal(pdf_format_fixed6(1, 7, out, sizeof(out)), IE_INVALID);
	assert_int_equal(pdf_format_fixed6(1, -1, out, sizeof(out)), IE_INVALID);
}

static void test_format_rate(void **state)
{
	char out[32];

	(void)state;
	assert_int_equal(pdf_format_rate(190000, out, sizeof(out)), IE_OK);
	assert_string_equal(out, "19%");
	assert_int_equal(pdf_format_rate(77000, out, sizeof(out)), IE_OK);
	assert_string_equal(out, "7.7%");
	assert_int_equal(pdf_format_rate(0, out, sizeof(out)), IE_OK);
	assert_string_equal(out, "0%");
	assert_int_equal(pdf_format_rate(55, out, sizeof(out)), IE_OK);
	assert_string_equal(out, "0.0055%");
	assert_int_equal(pdf_format_rate(190000, out, 3), IE_OVERFLOW);
}

static void test_watermark_choice(void **state)
{
	(void)state;
	assert_string_equal(pdf_watermark("draft"), "DRAFT");
	assert_string_equal(pdf_watermark("void"), "CANCELLED");
	assert_null(pdf_watermark("open"));
	assert_null(pdf_watermark("paid"));
	assert_null(pdf_watermark(NULL));
}

/* ---- wrapping ---- */

/* Every code point is 1 point wide. */
static float mono(void *ctx, const char *s, size_t len)
{
	float w = 0;
	size_t i;

	(void)ctx;
	for (i = 0; i < len; i++)
		if (((unsigned char)s[i] & 0xc0) != 0x80)
			w += 1;
	return w;
}

static char *line_of(const char *text, const struct pdf_span *sp)
{
	static char b[512];

	assert_true(sp->len < sizeof(b));
	memcpy(b, text + sp->off, sp->len);
	b[sp->len] = '\0';
	return b;
}

static void test_wrap_basic(void **state)
{
	const char *t = "the quick brown fox jumps over the lazy dog";
	static const char *const want[] = { "the quick", "brown fox", "jumps over", "the lazy", "dog" };
	struct arena *a = arena_new();
	struct pdf_span *sp;
	size_t n, i;

	(void)state;
	assert_int_equal(pdf_wrap(a, t, 10, mono, NULL, &sp, &n), IE_OK);
	assert_int_equal(n, ARRAY_LEN(want));
	for (i = 0; i < n; i++)
		assert_string_equal(line_of(t, &sp[i]), want[i]);
	/* wide enough: one line, the text itself */
	assert_int_equal(pdf_wrap(a, t, 100, mono, NULL, &sp, &n), IE_OK);
	assert_int_equal(n, 1);
	assert_string_equal(line_of(t, &sp[0]), t);
	arena_free(a);
}

static void test_wrap_breaks_long_words(void **state)
{
	const char *t = "aaaaaaaaaaaaaaaaaaaaaaaaa b";
	const char *u = "\xc5\x81\xc3\xb3\xc5\xba\xc5\xba\xc5\x81\xc3\xb3\xc5\xba";	/* ŁóźźŁóź */
	struct arena *a = arena_new();
	struct pdf_span *sp;
	size_t n;

	(void)state;
	assert_int_equal(pdf_wrap(a, t, 10, mono, NULL, &sp, &n), IE_OK);
	assert_int_equal(n, 3);
	assert_string_equal(line_of(t, &sp[0]), "aaaaaaaaaa");
	assert_string_equal(line_of(t, &sp[1]), "aaaaaaaaaa");
	assert_string_equal(line_of(t, &sp[2]), "aaaaa b");
	/* multi-byte: broken between code points, never inside one */
	assert_int_equal(pdf_wrap(a, u, 3, mono, NULL, &sp, &n), IE_OK);
	assert_int_equal(n, 3);
	assert_string_equal(line_of(u, &sp[0]), "\xc5\x81\xc3\xb3\xc5\xba");
	assert_string_equal(line_of(u, &sp[1]), "\xc5\xba\xc5\x81\xc3\xb3");
	assert_string_equal(line_of(u, &sp[2]), "\xc5\xba");
	/* narrower than one character: one character per line, still progress */
	assert_int_equal(pdf_wrap(a, "abc", 0.5f, mono, NULL, &sp, &n), IE_OK);
	assert_int_equal(n, 3);
	arena_free(a);
}

static void test_wrap_newlines_and_empty(void **state)
{
	struct arena *a = arena_new();
	struct pdf_span *sp;
	size_t n;

	(void)state;
	assert_int_equal(pdf_wrap(a, "a\n\nb c", 10, mono, NULL, &sp, &n), IE_OK);
	assert_int_equal(n, 3);
	assert_string_equal(line_of("a\n\nb c", &sp[0]), "a");
	assert_int_equal(sp[1].len, 0);
	assert_string_equal(line_of("a\n\nb c", &sp[2]), "b c");
	assert_int_equal(pdf_wrap(a, "", 10, mono, NULL, &sp, &n), IE_OK);
	assert_int_equal(n, 1);
	assert_int_equal(sp[0].len, 0);
	assert_int_equal(pdf_wrap(a, NULL, 10, mono, NULL, &sp, &n), IE_OK);
	assert_int_equal(n, 1);
	/* leading spaces of a paragraph and the spaces at a break are dropped */
	assert_int_equal(pdf_wrap(a, "   ab    cd", 4, mono, NULL, &sp, &n), IE_OK);
	assert_int_equal(n, 2);
	assert_string_equal(line_of("   ab    cd", &sp[0]), "ab");
	assert_string_equal(line_of("   ab    cd", &sp[1]), "cd");
	assert_int_equal(pdf_wrap(a, "x", 0, mono, NULL, &sp, &n), IE_INVALID);
	assert_int_equal(pdf_wrap(a, "x", -1, mono, NULL, &sp, &n), IE_INVALID);
	assert_int_equal(pdf_wrap(a, "x", 10, NULL, NULL, &sp, &n), IE_INVALID);
	arena_free(a);
}

/* A long description: whatever the width, the lines hold every word, in
 * order, and no line is wider than allowed unless it is one character. */
static void test_wrap_loses_no_word(void **state)
{
	struct arena *a = arena_new();
	struct buf text = BUF_INIT, joined = BUF_INIT, words = BUF_INIT;
	static const char *const vocab[] = {
		"SIP", "trunk", "Łódź", "Zürich", "Москва", "€0.0045/min", "—",
		"interconnect", "Škoda", "supercalifragilisticexpialidocious-route-group", "a", "¥",
	};
	static const float widths[] = { 1, 3, 7, 12, 20, 33, 80, 1000 };
	struct pdf_span *sp;
	size_t i, n, w, k;
	unsigned seed = 12345;

	(void)state;
	for (i = 0; i < 400; i++) {
		seed = seed * 1103515245u + 12345u;
		if (i)
			assert_int_equal(buf_puts(&text, (seed >> 20) % 13 ? " " : "  "), IE_OK);
		assert_int_equal(buf_puts(&text, vocab[(seed >> 16) % ARRAY_LEN(vocab)]), IE_OK);
	}
	/* the words, single-spaced */
	for (i = 0; i < text.len; i++)
		if (text.data[i] != ' ' || (words.len && words.data[words.len - 1] != ' '))
			assert_int_equal(buf_putc(&words, text.data[i]), IE_OK);
	for (w = 0; w < ARRAY_LEN(widths); w++) {
		assert_int_equal(pdf_wrap(a, text.data, widths[w], mono, NULL, &sp, &n), IE_OK);
		assert_true(n >= 1);
		buf_clear(&joined);
		for (k = 0; k < n; k++) {
			float lw = mono(NULL, text.data + sp[k].off, sp[k].len);

			assert_true(sp[k].len > 0);
			assert_true(lw <= widths[w] || lw == 1);
			assert_true(k == 0 || sp[k].off >= sp[k - 1].off + sp[k - 1].len);
			/* a line starts and ends with a non-space */
			assert_true(text.data[sp[k].off] != ' ');
			assert_true(text.data[sp[k].off + sp[k].len - 1] != ' ');
			for (i = 0; i < sp[k].len; i++) {
				char c = text.data[sp[k].off + i];

				if (c != ' ' || joined.data[joined.len - 1] != ' ')
					assert_int_equal(buf_putc(&joined, c), IE_OK);
			}
			/* a word broken between lines joins without a space */
			if (k + 1 < n && text.data[sp[k].off + sp[k].len] == ' ')
				assert_int_equal(buf_putc(&joined, ' '), IE_OK);
		}
		assert_int_equal(joined.len, words.len);
		assert_memory_equal(joined.data, words.data, words.len);
	}
	buf_free(&text);
	buf_free(&joined);
	buf_free(&words);
	arena_free(a);
}

/* ---- column widths ---- */

static void test_columns_fit(void **state)
{
	const float natural[] = { 60, 40, 50, 45, 40, 50, 40, 50 };
	float w[8], scale, sum;
	size_t i;

	(void)state;
	assert_int_equal(pdf_columns(natural, 8, 0, 120, 511, w, &scale), IE_OK);
	assert_float_equal(scale, 1, 1e-6);
	for (sum = 0, i = 0; i < 8; i++) {
		sum += w[i];
		if (i)
			assert_float_equal(w[i], natural[i], 1e-4);
	}
	assert_float_equal(sum, 511, 1e-3);
	assert_float_equal(w[0], 511 - 315, 1e-3);
}

static void test_columns_shrink(void **state)
{
	/* huge amounts: the fixed columns need more than the page leaves */
	const float natural[] = { 10, 100, 120, 90, 60, 120, 110, 120 };
	float w[8], scale, sum;
	size_t i;

	(void)state;
	assert_int_equal(pdf_columns(natural, 8, 0, 130, 511, w, &scale), IE_OK);
	assert_true(scale < 1 && scale > 0);
	assert_float_equal(w[0], 130, 1e-3);
	for (sum = 0, i = 0; i < 8; i++) {
		sum += w[i];
		if (i)
			assert_float_equal(w[i], natural[i] * scale, 1e-3);
	}
	assert_float_equal(sum, 511, 1e-3);
	/* the flexible column in the middle works the same */
	assert_int_equal(pdf_columns(natural, 8, 3, 100, 511, w, &scale), IE_OK);
	for (sum = 0, i = 0; i < 8; i++)
		sum += w[i];
	assert_float_equal(sum, 511, 1e-3);
	assert_float_equal(w[3], 100, 1e-3);
	/* errors */
	assert_int_equal(pdf_columns(natural, 0, 0, 10, 511, w, &scale), IE_INVALID);
	assert_int_equal(pdf_columns(natural, 8, 8, 10, 511, w, &scale), IE_INVALID);
	assert_int_equal(pdf_columns(natural, 8, 0, 600, 511, w, &scale), IE_INVALID);
	assert_int_equal(pdf_columns(natural, 8, 0, 10, 0, w, &scale), IE_INVALID);
}

/* ---- page planning ---- */

static void plan_rows(struct pdf_block *b, size_t n, float h)
{
	size_t i;

	for (i = 0; i < n; i++) {
		memset(&b[i], 0, sizeof(b[i]));
		b[i].pad = 4;
		b[i].line_h = h - 4;
		b[i].nlines = 1;
		b[i].table = 1;
	}
}

/* Rows of 10 pt under a 10 pt header: page 1 has room for 100 pt
 * (header + 9 rows), later pages for 200 pt (header + 19 rows). */
static void test_plan_rows_to_pages(void **state)
{
	static const struct {
		size_t rows;
		unsigned pages;
	} cases[] = {
		{ 0, 1 }, { 1, 1 }, { 9, 1 }, { 10, 2 }, { 28, 2 }, { 29, 3 }, { 47, 3 }, { 48, 4 },
		{ 9 + 19 * 26, 27 }, { 500, 27 }, { 9 + 19 * 26 + 1, 28 },
	};
	struct arena *a = arena_new();
	struct pdf_block b[600];
	struct pdf_plan p;
	size_t i, k;

	(void)state;
	for (i = 0; i < ARRAY_LEN(cases); i++) {
		plan_rows(b, cases[i].rows, 10);
		assert_int_equal(pdf_plan_pages(a, b, cases[i].rows, 100, 200, 10, &p), IE_OK);
		assert_int_equal(p.npages, cases[i].pages);
		assert_int_equal(p.npieces, cases[i].rows);
		for (k = 0; k < p.npieces; k++) {
			const struct pdf_piece *pc = &p.pieces[k];
			int first_on_page = k == 0 || p.pieces[k - 1].page != pc->page;

			assert_int_equal(pc->block, k);
			assert_int_equal(pc->nlines, 1);
			/* the header is repeated exactly on top of every page's first row */
			assert_int_equal(pc->header, first_on_page);
			assert_float_equal(pc->y, first_on_page ? 10 : p.pieces[k - 1].y + 10, 1e-3);
			assert_true(pc->y + 10 <= (pc->page ? 200 : 100) + 1e-3);
			assert_int_equal(pc->page, k < 9 ? 0 : 1 + (unsigned)((k - 9) / 19));
		}
	}
	arena_free(a);
}

/* A block taller than a page is split between its lines, in order, and
 * nothing is lost; the table header comes back on each page. */
static void test_plan_splits_tall_block(void **state)
{
	struct arena *a = arena_new();
	struct pdf_block b[3];
	struct pdf_plan p;
	size_t k, next = 0;

	(void)state;
	plan_rows(b, 3, 10);
	b[1].pad = 4;
	b[1].line_h = 10;
	b[1].nlines = 100;	/* 1004 pt */
	assert_int_equal(pdf_plan_pages(a, b, 3, 100, 200, 10, &p), IE_OK);
	/* row 0 on page 0 (10 header + 10); the tall row starts right below it
	 * and fills the rest of page 0 (7 lines: 80 pt - 4 pad), then 18 lines
	 * per page (200 - 10 header - 4 pad); row 2 follows the last 3 lines */
	assert_int_equal(p.pieces[0].block, 0);
	for (k = 1; k < p.npieces && p.pieces[k].block == 1; k++) {
		assert_int_equal(p.pieces[k].first, next);
		next += p.pieces[k].nlines;
		assert_int_equal(p.pieces[k].header, k > 1);
		assert_true(p.pieces[k].y + 4 + 10 * (float)p.pieces[k].nlines <=
			    (p.pieces[k].page ? 200 : 100) + 1e-3);
	}
	assert_int_equal(next, 100);
	assert_int_equal(p.pieces[1].nlines, 7);
	assert_int_equal(p.pieces[2].nlines, 18);
	assert_int_equal(p.pieces[k].block, 2);
	assert_int_equal(k + 1, p.npieces);
	assert_int_equal(p.npages, 1 + 6);	/* 7 + 5 x 18 = 97, + 3 */
	arena_free(a);
}

static void test_plan_keep_next_and_atomic(void **state)
{
	struct arena *a = arena_new();
	struct pdf_block b[4];
	struct pdf_plan p;

	(void)state;
	memset(b, 0, sizeof(b));
	b[0].pad = 80;			/* atomic, leaves 20 pt */
	b[1].pad = 15;			/* a heading: fits, but its paragraph would not */
	b[1].keep_next = 1;
	b[2].pad = 2;
	b[2].line_h = 10;
	b[2].nlines = 3;
	b[3].pad = 500;			/* atomic and taller than any page */
	assert_int_equal(pdf_plan_pages(a, b, 4, 100, 200, 10, &p), IE_OK);
	assert_int_equal(p.npieces, 4);
	assert_int_equal(p.pieces[0].page, 0);
	assert_int_equal(p.pieces[1].page, 1);	/* moved with what follows */
	assert_int_equal(p.pieces[2].page, 1);
	assert_float_equal(p.pieces[2].y, 15, 1e-3);
	assert_int_equal(p.pieces[3].page, 2);	/* alone on a fresh page, never split */
	assert_float_equal(p.pieces[3].y, 0, 1e-3);
	assert_int_equal(p.npages, 3);
	/* page 1 leaves no room at all: the first row starts on page 2 */
	plan_rows(b, 2, 10);
	assert_int_equal(pdf_plan_pages(a, b, 2, 5, 200, 10, &p), IE_OK);
	assert_int_equal(p.pieces[0].page, 1);
	assert_int_equal(p.pieces[0].header, 1);
	assert_int_equal(p.npages, 2);
	/* errors */
	assert_int_equal(pdf_plan_pages(a, b, 2, 0, 200, 10, &p), IE_INVALID);
	b[0].line_h = 0;
	assert_int_equal(pdf_plan_pages(a, b, 2, 100, 200, 10, &p), IE_INVALID);
	arena_free(a);
}

/* ---- rendering ---- */

static void test_render_deterministic(void **state)
{
	struct fx *f = fx_new(20, "open");
	struct pdf_opts o = opts_a4();
	struct buf a = BUF_INIT, b = BUF_INIT;
	char *q;

	(void)state;
	assert_int_equal(pdf_invoice(&f->inv, &f->seller, &o, &a), IE_OK);
	assert_int_equal(pdf_invoice(&f->inv, &f->seller, &o, &b), IE_OK);
	assert_int_equal(a.len, b.len);
	assert_memory_equal(a.data, b.data, a.len);
	/* output is appended */
	assert_int_equal(pdf_invoice(&f->inv, &f->seller, &o, &a), IE_OK);
	assert_int_equal(a.len, 2 * b.len);
	assert_memory_equal(a.data + b.len, b.data, b.len);
	/* no clock: the dates are the invoice's; the ID is fixed and in the trailer */
	assert_non_null(memmem(b.data, b.len, "/CreationDate (D:20260131093000+00'00')", 39));
	assert_non_null(memmem(b.data, b.len, "/ModDate (D:20260131093000+00'00')", 34));
	assert_non_null(memmem(b.data, b.len, "/ID [", 5));
	/* a payment changes the second half of the ID, not the first */
	buf_clear(&a);
	f->inv.paid = 100;
	f->inv.balance -= 100;
	assert_int_equal(pdf_invoice(&f->inv, &f->seller, &o, &a), IE_OK);
	q = memmem(a.data, a.len, "/ID [", 5);
	assert_non_null(q);
	assert_non_null(memmem(b.data, b.len, q, 5 + 34));
	assert_null(memmem(b.data, b.len, q, 5 + 34 + 34));
	buf_free(&a);
	buf_free(&b);
	fx_free(f);
}

static void test_render_metadata_and_checks(void **state)
{
	struct fx *f = fx_new(20, "open");
	struct pdf_opts o = opts_a4();
	struct buf b = BUF_INIT;
	const char *path;
	char *info, *text;

	(void)state;
	path = render(f, &o, "twenty.pdf", &b);
	check_qpdf(path);
	info = pdf_info(path);
	assert_info(info, "Title", "Invoice INV-2026-000001");
	assert_info(info, "Author", "Example Networks Ltd");
	assert_info(info, "Subject", "Invoice INV-2026-000001 to Acme GmbH, 238.00 EUR, due 2026-02-14");
	assert_info(info, "Creator", "invoice-manager");
	assert_info(info, "Pages", "1");
	assert_info(info, "Page size", "595.276 x 841.89 pts (A4)");
	free(info);
	text = pdf_text(path, 0);
	assert_non_null(strstr(text, "Invoice"));
	assert_non_null(strstr(text, "INV-2026-000001"));
	assert_non_null(strstr(text, "Example Networks Ltd"));
	assert_non_null(strstr(text, "GB29 NWBK 6016 1331 9268 19"));
	assert_non_null(strstr(text, "Acme GmbH"));
	assert_non_null(strstr(text, "DE123456789"));
	assert_non_null(strstr(text, "2026-02-14"));
	assert_non_null(strstr(text, "2026-01-01 \xe2\x80\x93 2026-01-31"));
	assert_non_null(strstr(text, "238.00 EUR"));	/* total */
	assert_non_null(strstr(text, "38.00 EUR"));	/* tax */
	assert_non_null(strstr(text, "Page 1 of 1"));
	assert_int_equal(count(text, "hosting package"), 20);
	assert_non_null(strstr(text, "Item 20 hosting package"));
	assert_null(strstr(text, "Period"));	/* every line bills the invoice's period */
	free(text);
	/* Letter */
	o.paper = "Letter";
	path = render(f, &o, "letter.pdf", &b);
	check_qpdf(path);
	info = pdf_info(path);
	assert_info(info, "Page size", "612 x 792 pts (letter)");
	free(info);
	buf_free(&b);
	fx_free(f);
}

static void test_render_non_ascii(void **state)
{
	struct fx *f = fx_new(3, "open");
	struct pdf_opts o = opts_a4();
	struct buf b = BUF_INIT;
	const char *path;
	char *text, *info;

	(void)state;
	f->seller.name = "\xc5\xa0koda Telecom s.r.o.";			/* Škoda */
	f->inv.buyer.legal_name = "\xc5\x81\xc3\xb3\x64\xc5\xba Sp. z o.o.";	/* Łódź */
	f->inv.buyer.name = "Zo\xc3\xab M\xc3\xbcller";				/* Zoë Müller */
	f->lines[0].description = "Roaming \xe2\x82\xac \xc2\xa3 \xc2\xa5 \xd0\x9c\xd0\xbe\xd1\x81\xd0\xba\xd0\xb2\xd0\xb0 \xce\x91\xce\xb8\xce\xae\xce\xbd\xce\xb1";
	f->lines[1].description = "bad \xff\xfe utf-8 and a\ttab";
	f->inv.currency = "GBP";
	f->inv.notes = "Paid in \xc2\xa3, thanks \xe2\x80\x94 Zo\xc3\xab";
	path = render(f, &o, "utf8.pdf", &b);
	check_qpdf(path);
	text = pdf_text(path, 0);
	assert_non_null(strstr(text, "\xc5\xa0koda Telecom s.r.o."));
	assert_non_null(strstr(text, "\xc5\x81\xc3\xb3\x64\xc5\xba Sp. z o.o."));
	assert_non_null(strstr(text, "Zo\xc3\xab M\xc3\xbcller"));
	assert_non_null(strstr(text, "Roaming \xe2\x82\xac \xc2\xa3 \xc2\xa5 \xd0\x9c\xd0\xbe\xd1\x81\xd0\xba\xd0\xb2\xd0\xb0 \xce\x91\xce\xb8\xce\xae\xce\xbd\xce\xb1"));
	assert_non_null(strstr(text, "bad \xef\xbf\xbd\xef\xbf\xbd utf-8 and a tab"));
	assert_non_null(strstr(text, "GBP (\xc2\xa3)"));
	assert_non_null(strstr(text, "35.70 GBP"));
	assert_non_null(strstr(text, "Paid in \xc2\xa3, thanks \xe2\x80\x94 Zo\xc3\xab"));
	free(text);
	info = pdf_info(path);
	assert_info(info, "Author", "\xc5\xa0koda Telecom s.r.o.");
	assert_non_null(strstr(info, "to \xc5\x81\xc3\xb3\x64\xc5\xba Sp. z o.o., 35.70 GBP"));
	free(info);
	/* yen: no decimals */
	f->inv.currency = "JPY";
	f->inv.total = 1190;
	path = render(f, &o, "jpy.pdf", &b);
	text = pdf_text(path, 0);
	assert_non_null(strstr(text, "JPY (\xc2\xa5)"));
	assert_non_null(strstr(text, "1,190 JPY"));
	free(text);
	buf_free(&b);
	fx_free(f);
}

static void test_render_watermarks(void **state)
{
	static const struct {
		const char *status, *mark;
	} cases[] = {
		{ "draft", "DRAFT" }, { "void", "CANCELLED" }, { "open", NULL }, { "paid", NULL },
	};
	struct fx *f = fx_new(60, "open");
	struct pdf_opts o = opts_a4();
	struct buf b = BUF_INIT;
	char hex_draft[64], hex_cancel[64], *q, *text;
	const char *path;
	size_t i;
	int pages;

	(void)state;
	cid_hex("DRAFT", hex_draft, sizeof(hex_draft));
	cid_hex("CANCELLED", hex_cancel, sizeof(hex_cancel));
	for (i = 0; i < ARRAY_LEN(cases); i++) {
		f->inv.status = cases[i].status;
		f->inv.shown = inv_shown_of(cases[i].status, "invoice", 0, "2026-02-14", "2026-02-01");
		f->inv.number = strcmp(cases[i].status, "draft") ? "INV-2026-000001" : "";
		path = render(f, &o, "mark.pdf", &b);
		check_qpdf(path);
		pages = pdf_pages(path);
		assert_true(pages >= 2);
		q = pdf_qdf(path);
		/* on every page, rotated 45 degrees */
		assert_int_equal(count(q, hex_draft), cases[i].mark && !strcmp(cases[i].mark, "DRAFT") ? (size_t)pages : 0);
		assert_int_equal(count(q, hex_cancel), cases[i].mark && !strcmp(cases[i].mark, "CANCELLED") ? (size_t)pages : 0);
		assert_int_equal(count(q, "0.70711 0.70711 -0.70711 0.70711"), cases[i].mark ? (size_t)pages : 0);
		free(q);
		text = pdf_text(path, 1);
		if (!strcmp(cases[i].status, "draft"))
			assert_non_null(strstr(text, "Draft #7"));
		else
			assert_non_null(strstr(text, "INV-2026-000001"));
		free(text);
	}
	buf_free(&b);
	fx_free(f);
}

/* 500 rows: the golden page count; every row exactly once; the table
 * header and "Page x of y" on every page. A4, one-line rows of 16.54 pt
 * (7.8 pt text): page 1 has 32 rows below its header area, pages 2-12 have
 * 42 each (720 pt less the 15.76 pt table header), page 13 the last 6 rows
 * and the totals. */
static void test_render_500_lines(void **state)
{
	enum { ROWS = 500, PAGES = 13 };
	struct fx *f = fx_new(ROWS, "open");
	struct pdf_opts o = opts_a4();
	struct buf b = BUF_INIT;
	const char *path;
	char *text, want[64], copy[256];
	int p;
	size_t i;

	(void)state;
	path = render(f, &o, "five-hundred.pdf", &b);
	snprintf(copy, sizeof(copy), "%s", path);
	check_qpdf(copy);
	assert_int_equal(pdf_pages(copy), PAGES);
	text = pdf_text(copy, 0);
	assert_int_equal(count(text, "hosting package"), ROWS);
	for (i = 1; i <= ROWS; i++) {
		snprintf(want, sizeof(want), "Item %zu hosting package", i);
		assert_int_equal(count(text, want), 1);
	}
	free(text);
	for (p = 1; p <= PAGES; p++) {
		text = pdf_text(copy, p);
		assert_int_equal(count(text, "hosting package"), p == 1 ? 32 : p < PAGES ? 42 : 6);
		snprintf(want, sizeof(want), "Page %d of %d", p, PAGES);
		assert_int_equal(count(text, want), 1);
		/* the table header on every page that has rows (the last may hold only the totals) */
		if (p < PAGES)
			assert_int_equal(count(text, "Description"), 1);
		else
			assert_true(count(text, "Description") <= 1);
		if (p > 1)
			assert_non_null(strstr(text, "Invoice INV-2026-000001"));
		free(text);
	}
	buf_free(&b);
	fx_free(f);
}

/* Several invoices in one document: each keeps its own pages ("Page k of m"
 * restarts), the page count is the sum of the single renderings', qpdf is
 * happy, every number is in the text; one invoice is pdf_invoice's bytes. */
static void test_render_many(void **state)
{
	struct fx *f[3] = { fx_new(1, "open"), fx_new(60, "open"), fx_new(3, "draft") };
	const struct invoice *invs[3];
	struct pdf_opts o = opts_a4();
	struct buf b = BUF_INIT, one = BUF_INIT;
	char path[160], copy[160], *text;
	int pages = 0;

	(void)state;
	f[1]->inv.number = "INV-2026-000002";
	f[1]->inv.id = 8;
	f[2]->inv.id = 9;
	for (int i = 0; i < 3; i++) {
		snprintf(copy, sizeof(copy), "%s", render(f[i], &o, "many-one.pdf", &b));
		pages += pdf_pages(copy);
		invs[i] = &f[i]->inv;
	}
	assert_int_equal(pages, 1 + 2 + 1);
	b.len = 0;
	assert_int_equal(pdf_invoices(invs, 3, &f[0]->seller, &o, &b), IE_OK);
	snprintf(path, sizeof(path), "%s/many.pdf", tmpdir);
	write_file(path, &b);
	check_qpdf(path);
	assert_int_equal(pdf_pages(path), pages);
	text = pdf_text(path, 0);
	assert_non_null(strstr(text, "INV-2026-000001"));
	assert_non_null(strstr(text, "INV-2026-000002"));
	assert_non_null(strstr(text, "Draft #9"));
	assert_int_equal(count(text, "Page 1 of 1"), 2);
	assert_int_equal(count(text, "Page 2 of 2"), 1);
	free(text);
	text = pdf_text(path, 4);           /* the last page is the draft's */
	assert_non_null(strstr(text, "Draft #9"));
	free(text);
	/* one invoice: the same bytes as pdf_invoice */
	b.len = 0;
	assert_int_equal(pdf_invoices(invs, 1, &f[0]->seller, &o, &b), IE_OK);
	assert_int_equal(pdf_invoice(invs[0], &f[0]->seller, &o, &one), IE_OK);
	assert_int_equal(b.len, one.len);
	assert_memory_equal(b.data, one.data, b.len);
	/* none, or a bad one among them: refused, out unchanged */
	b.len = 0;
	assert_int_equal(pdf_invoices(invs, 0, &f[0]->seller, &o, &b), IE_INVALID);
	f[1]->inv.currency = "XXZ";
	assert_int_equal(pdf_invoices(invs, 3, &f[0]->seller, &o, &b), IE_INVALID);
	assert_int_equal(b.len, 0);
	buf_free(&b);
	buf_free(&one);
	for (int i = 0; i < 3; i++)
		fx_free(f[i]);
}

/* A description of hundreds of words wraps to many lines, every word printed. */
static void test_render_long_description(void **state)
{
	struct fx *f = fx_new(2, "open");
	struct pdf_opts o = opts_a4();
	struct buf b = BUF_INIT, d = BUF_INIT;
	const char *path;
	char *text, *p, word[32];
	size_t i;

	(void)state;
	for (i = 0; i < 600; i++)
		assert_int_equal(buf_printf(&d, "%sw%zu", i ? " " : "", i), IE_OK);
	f->lines[0].description = d.data;
	path = render(f, &o, "long.pdf", &b);
	check_qpdf(path);
	assert_true(pdf_pages(path) >= 2);
	text = pdf_text(path, 0);
	/* every word, in order */
	for (p = text, i = 0; i < 600; i++) {
		snprintf(word, sizeof(word), "w%zu ", i);
		if (i == 599 || !(p = strstr(p, word))) {
			snprintf(word, sizeof(word), "w%zu", i);
			p = strstr(p ? p : text, word);
		}
		assert_non_null(p);
		p += strlen(word);
	}
	assert_non_null(strstr(text, "Item 2 hosting package"));
	free(text);
	buf_free(&d);
	buf_free(&b);
	fx_free(f);
}

/* The document agrees with the page: the status line carries the one label
 * set; only an open balance gets payment instructions (and a draft shows no
 * bank account at all); a cancelled invoice shows no balance due. */
static void test_render_status_blocks(void **state)
{
	static const struct {
		const char *status, *kind;
		money_t paid;
		const char *due, *label;
		int pay, iban, balance_due;
	} cases[] = {
		{ "draft", "invoice", 0, "2026-02-14", "Draft", 0, 0, 1 },
		{ "open", "invoice", 0, "2026-02-14", "Due", 1, 1, 1 },
		{ "open", "invoice", 100, "2026-02-14", "Partly paid", 1, 1, 1 },
		{ "open", "invoice", 100, "2026-01-31", "Overdue", 1, 1, 1 },
		{ "paid", "invoice", 1190, "2026-01-31", "Paid", 0, 1, 1 },
		{ "void", "invoice", 0, "2026-01-31", "Cancelled", 0, 1, 0 },
		{ "paid", "credit", 1190, "2026-01-31", "Credit note", 0, 1, 1 },
	};
	struct pdf_opts o = opts_a4();
	struct buf b = BUF_INIT;
	char want[64];
	size_t i;

	(void)state;
	for (i = 0; i < ARRAY_LEN(cases); i++) {
		struct fx *f = fx_new(1, cases[i].status);
		const char *path;
		char *text;

		f->inv.kind = cases[i].kind;
		f->inv.paid = cases[i].paid;
		f->inv.balance = strcmp(cases[i].status, "void") ? 1190 - cases[i].paid : 0;
		f->inv.due_date = cases[i].due;
		f->inv.payment_means = "58";
		f->inv.shown = inv_shown_of(cases[i].status, cases[i].kind, cases[i].paid, cases[i].due, "2026-02-01");
		assert_string_equal(inv_shown_name(f->inv.shown), cases[i].label);
		buf_clear(&b);
		path = render(f, &o, "status.pdf", &b);
		text = pdf_text(path, 0);
		/* "Status", then (in layout mode) spaces, then the label */
		{
			const char *st = strstr(text, "Status ");

			snprintf(want, sizeof(want), "%s\n", cases[i].label);
			if (!st || strncmp(st + 7 + strspn(st + 7, " "), want, strlen(want)))
				fail_msg("%s: no status line in %s", cases[i].label, text);
		}
		if (!strstr(text, "Please pay") != !cases[i].pay)
			fail_msg("%s: payment instructions %d", cases[i].label, cases[i].pay);
		if (!strstr(text, "GB29 NWBK") != !cases[i].iban)
			fail_msg("%s: IBAN %d", cases[i].label, cases[i].iban);
		if (!strstr(text, "Balance due") != !cases[i].balance_due)
			fail_msg("%s: balance due %d", cases[i].label, cases[i].balance_due);
		/* the payment means as the page labels it, on documents to be paid */
		if (!strstr(text, "SEPA credit transfer") != !(cases[i].pay || !strcmp(cases[i].label, "Paid")))
			fail_msg("%s: payment means", cases[i].label);
		free(text);
		fx_free(f);
	}
	buf_free(&b);
}

static void test_render_credit_note_and_extras(void **state)
{
	struct fx *f = fx_new(4, "paid");
	struct pdf_opts o = opts_a4();
	struct buf b = BUF_INIT;
	const char *path;
	char *text;

	(void)state;
	f->inv.kind = "credit";
	f->inv.shown = INV_CREDIT;
	f->inv.type_code = 381;
	f->inv.number = "CN-2026-000003";
	f->inv.credited_number = "INV-2026-000001";
	f->lines[2].period_start = "2026-01-10";
	f->lines[2].period_end = "2026-01-20";
	f->lines[3].quantity = 1234500000LL;
	f->lines[3].unit_code = "MIN";
	f->lines[3].unit_price = 4500;
	f->taxes[1] = (struct inv_tax_total){ "AE", 0, "Reverse charge", 500, 0 };
	f->inv.ntaxes = 2;
	f->pays[0] = (struct inv_payment){ "2026-02-01", "Bank transfer", "REF-1", 4760 };
	f->inv.payments = f->pays;
	f->inv.npayments = 1;
	f->inv.paid = 4760;
	f->inv.balance = 0;
	f->fields[0] = (struct inv_field){ "Contract", "C-17" };
	f->fields[1] = (struct inv_field){ "Cost centre", "Network\nOperations" };
	f->inv.fields = f->fields;
	f->inv.nfields = 2;
	f->inv.notes = "First line of the notes.\nSecond line.";
	f->inv.buyer_reference = "PO-7781";
	path = render(f, &o, "credit.pdf", &b);
	check_qpdf(path);
	text = pdf_text(path, 0);
	assert_non_null(strstr(text, "Credit note"));
	assert_non_null(strstr(text, "CN-2026-000003"));
	assert_non_null(strstr(text, "Credits invoice"));
	assert_non_null(strstr(text, "PO-7781"));
	assert_non_null(strstr(text, "Period"));
	assert_non_null(strstr(text, "2026-01-10 \xe2\x80\x93 2026-01-20"));
	assert_non_null(strstr(text, "1,234.5 min"));
	assert_non_null(strstr(text, "0.0045"));
	assert_non_null(strstr(text, "10.00"));
	assert_non_null(strstr(text, "Reverse charge"));
	assert_non_null(strstr(text, "Payments received"));
	assert_non_null(strstr(text, "REF-1"));
	assert_non_null(strstr(text, "47.60 EUR"));
	assert_non_null(strstr(text, "Cost centre"));
	assert_non_null(strstr(text, "Operations"));
	assert_non_null(strstr(text, "Second line."));
	assert_null(strstr(text, "Please pay"));
	free(text);
	/* an open invoice with a balance says how to pay */
	f->inv.kind = "invoice";
	f->inv.status = "open";
	f->inv.shown = INV_DUE;
	f->inv.balance = 100;
	path = render(f, &o, "open.pdf", &b);
	text = pdf_text(path, 0);
	assert_non_null(strstr(text, "Please pay 1.00 EUR by 2026-02-14 to IBAN GB29 NWBK 6016 1331 9268 19"));
	free(text);
	buf_free(&b);
	fx_free(f);
}

/* Largest xMax of any word (pdftotext -bbox), in points. */
static float max_word_right(const char *pdf)
{
	char txt[128], *s, *p;
	float max = 0, x;

	snprintf(txt, sizeof(txt), "%s/bbox.html", tmpdir);
	assert_int_equal(run("pdftotext -bbox '%s' '%s' 2>/dev/null", pdf, txt), 0);
	s = slurp(txt);
	for (p = s; (p = strstr(p, "xMax=\"")); p += 6) {
		x = strtof(p + 6, NULL);
		if (x > max)
			max = x;
	}
	free(s);
	return max;
}

/* Amounts too wide for the normal columns: the table's text shrinks and
 * every cell still ends inside the right margin. */
static void test_render_huge_amounts_fit(void **state)
{
	struct fx *f = fx_new(5, "open");
	struct pdf_opts o = opts_a4();
	struct buf b = BUF_INIT;
	const char *path;
	char *text;
	size_t i;

	(void)state;
	for (i = 0; i < 5; i++) {
		f->lines[i].quantity = 123456789012345678LL;
		f->lines[i].unit_code = "ZZZ-LONG-UNIT";
		f->lines[i].unit_price = 987654321012345678LL;
		f->lines[i].net = 9000000000000000000LL;
		f->lines[i].tax = 1710000000000000000LL;
		f->lines[i].gross = -9000000000000000000LL;
		f->lines[i].tax_description = "VAT 19% standard rate, domestic supply of services";
		f->lines[i].period_start = "2025-12-01";
	}
	path = render(f, &o, "huge.pdf", &b);
	check_qpdf(path);
	assert_true(max_word_right(path) <= 595.276f - 42 + 0.5f);
	text = pdf_text(path, 0);
	assert_non_null(strstr(text, "90,000,000,000,000,000.00"));
	assert_non_null(strstr(text, "-90,000,000,000,000,000.00"));
	assert_non_null(strstr(text, "123,456,789,012.345678 ZZZ-LONG-UNIT"));
	assert_non_null(strstr(text, "987,654,321,012.345678"));
	free(text);
	/* and the ordinary invoice too */
	fx_free(f);
	f = fx_new(20, "open");
	path = render(f, &o, "ordinary.pdf", &b);
	assert_true(max_word_right(path) <= 595.276f - 42 + 0.5f);
	o.paper = "Letter";
	path = render(f, &o, "ordinary-letter.pdf", &b);
	assert_true(max_word_right(path) <= 612 - 42 + 0.5f);
	buf_free(&b);
	fx_free(f);
}

static void test_render_errors(void **state)
{
	struct fx *f = fx_new(2, "open");
	struct pdf_opts o = opts_a4();
	static const char junk_bytes[] = "\0\1\0\0 this is not a TrueType font";
	struct buf b = BUF_INIT, jb = BUF_INIT;
	unsigned long detail;
	char junk[128];

	(void)state;
	assert_int_equal(buf_puts(&b, "keep"), IE_OK);
	assert_int_equal(pdf_invoice(NULL, &f->seller, &o, &b), IE_INVALID);
	assert_int_equal(pdf_invoice(&f->inv, NULL, &o, &b), IE_INVALID);
	assert_int_equal(pdf_invoice(&f->inv, &f->seller, NULL, &b), IE_INVALID);
	assert_int_equal(pdf_invoice(&f->inv, &f->seller, &o, NULL), IE_INVALID);
	o.paper = "A5";
	assert_int_equal(pdf_invoice(&f->inv, &f->seller, &o, &b), IE_INVALID);
	o = opts_a4();
	o.font_path = "/nonexistent/font.ttf";
	assert_int_equal(pdf_invoice(&f->inv, &f->seller, &o, &b), IE_IO);
	assert_int_not_equal(pdf_last_hpdf_error(&detail), 0);
	snprintf(junk, sizeof(junk), "%s/junk.ttf", tmpdir);	/* not a font */
	jb.data = (char *)junk_bytes;
	jb.len = sizeof(junk_bytes) - 1;
	write_file(junk, &jb);
	o.font_path = junk;
	assert_int_equal(pdf_invoice(&f->inv, &f->seller, &o, &b), IE_INTERNAL);
	o = opts_a4();
	f->inv.currency = "XXX";
	assert_int_equal(pdf_invoice(&f->inv, &f->seller, &o, &b), IE_INVALID);
	f->inv.currency = "EUR";
	f->inv.issued_at = "2026-02-30 10:00:00";
	assert_int_equal(pdf_invoice(&f->inv, &f->seller, &o, &b), IE_INVALID);
	f->inv.issued_at = "yesterday";
	assert_int_equal(pdf_invoice(&f->inv, &f->seller, &o, &b), IE_INVALID);
	/* nothing was appended by any failure */
	assert_int_equal(b.len, 4);
	assert_string_equal(b.data, "keep");
	/* no dates at all is fine (a draft without an invoice date) */
	f->inv.issued_at = "";
	f->inv.invoice_date = "";
	f->inv.status = "draft";
	f->inv.shown = INV_DRAFT;
	assert_int_equal(pdf_invoice(&f->inv, &f->seller, &o, &b), IE_OK);
	assert_null(memmem(b.data, b.len, "/CreationDate", 13));
	/* an empty seller and buyer, no lines: still a valid page */
	buf_clear(&b);
	memset(&f->seller, 0, sizeof(f->seller));
	memset(&f->inv.buyer, 0, sizeof(f->inv.buyer));
	f->inv.nlines = 0;
	f->inv.ntaxes = 0;
	assert_int_equal(pdf_invoice(&f->inv, &f->seller, &o, &b), IE_OK);
	buf_free(&b);
	fx_free(f);
}

/* ---- every script ---- */

/* What a line looks like drawn: Arabic joined, right-to-left runs reversed. */
static void test_visual_order(void **state)
{
	static const struct {
		const char *in, *want;
	} cases[] = {
		{ "", "" },
		{ "Invoice 12", "Invoice 12" },
		{ "Łódź — Москва", "Łódź — Москва" },
		/* Hebrew: reversed */
		{ "שלום", "םולש" },
		/* LTR paragraph: only the Hebrew run turns */
		{ "Invoice שלום 12", "Invoice 12 םולש" },	/* the number follows the Hebrew */
		{ "Invoice 12 שלום", "Invoice 12 םולש" },
		/* RTL paragraph: numbers stay left to right, runs in reverse */
		{ "שלום 12", "12 םולש" },
		/* brackets mirrored in a right-to-left run */
		{ "(שלום)", "(םולש)" },
		/* a point stays after its letter */
		{ "אָב", "בא\u05b8" },
		/* Arabic: meem initial, hah medial, meem medial, dal final, reversed */
		{ "محمد", "\ufeaa\ufee4\ufea4\ufee3" },
		/* lam-alef ligature (isolated) */
		{ "لا", "\ufefb" },
		/* seen initial, lam-alef final, meem isolated (alef does not join on) */
		{ "سلام", "\ufee1\ufefc\ufeb3" },
		/* reh isolated (never joins forward), qaf initial, meem final; digits after
		 * Arabic letters are Arabic numbers: left to right, before the word */
		{ "رقم 123", "123 \ufee2\ufed7\ufead" },
		/* two words keep their order right to left; dal, alef, reh join no letter after */
		{ "دار سلام", "\ufee1\ufefc\ufeb3 \ufead\ufe8d\ufea9" },
	};
	char out[256];
	size_t i;

	(void)state;
	for (i = 0; i < ARRAY_LEN(cases); i++) {
		assert_int_equal(pdf_visual(cases[i].in, out, sizeof(out)), IE_OK);
		if (strcmp(out, cases[i].want))
			fail_msg("case %zu \"%s\": got \"%s\", want \"%s\"", i, cases[i].in, out,
				 cases[i].want);
	}
	assert_int_equal(pdf_visual("שלום", out, 4), IE_OVERFLOW);
	assert_string_equal(out, "");
	assert_int_equal(pdf_visual(NULL, out, sizeof(out)), IE_INVALID);
}

/* Runs a tool on pdf (then `tail`); its stdout (to free()) and whether
 * stderr was empty. */
static char *tool_out(const char *cmd, const char *pdf, const char *tail, int *quiet)
{
	char o[128], e[128], *err;

	snprintf(o, sizeof(o), "%s/tool.out", tmpdir);
	snprintf(e, sizeof(e), "%s/tool.err", tmpdir);
	assert_int_equal(run("%s '%s' %s >'%s' 2>'%s'", cmd, pdf, tail, o, e), 0);
	err = slurp(e);
	*quiet = !*err;
	if (*err)
		fprintf(stderr, "%s: %s", cmd, err);
	free(err);
	return slurp(o);
}

/* The pdffonts line of a font whose name contains `name`, or NULL. */
static const char *font_line(const char *fonts, const char *name, char *line, size_t linesz)
{
	const char *p = strstr(fonts, name), *s, *e;

	if (!p)
		return NULL;
	for (s = p; s > fonts && s[-1] != '\n'; s--)
		;
	e = strchr(p, '\n');
	if (!e)
		e = p + strlen(p);
	snprintf(line, linesz, "%.*s", (int)(e - s), s);
	return line;
}

static void test_render_scripts(void **state)
{
	struct fx *f = fx_new(3, "open");
	struct pdf_opts o = opts_all();
	struct buf b = BUF_INIT;
	const char *path;
	char *fonts, *text, *qdf, line[256];
	int quiet;

	(void)state;
	/* a Latin document: the main font alone, no poppler warning (ToUnicode) */
	path = render(f, &o, "latin.pdf", &b);
	fonts = tool_out("pdffonts", path, "", &quiet);
	assert_true(quiet);
	assert_int_equal(count(fonts, " yes yes yes "), 1);
	assert_non_null(font_line(fonts, "+DejaVuSans,", line, sizeof(line)));
	free(fonts);
	text = tool_out("pdftotext -enc UTF-8", path, "-", &quiet);
	assert_true(quiet);	/* was: Syntax Warning: Invalid 'begincidrange' operator */
	assert_non_null(strstr(text, "Acme GmbH"));
	free(text);

	/* every script in the buyer block and a line */
	f->inv.buyer.legal_name = "株式会社山田商事";
	f->inv.buyer.name = "Ελένη Παπαδοπούλου";
	f->inv.buyer.street = "ул. Тверская 7";
	f->inv.buyer.address_line2 = "רחוב הרצל 5";
	f->inv.buyer.city = "القاهرة";
	f->inv.buyer.region = "서울";
	f->lines[0].description = "دار السلام — 東京 — Ηράκλειο";
	path = render(f, &o, "scripts.pdf", &b);
	assert_true(b.len < 300 * 1024);
	check_qpdf(path);
	fonts = tool_out("pdffonts", path, "", &quiet);
	assert_true(quiet);
	assert_int_equal(count(fonts, " yes yes yes "), 3);	/* each embedded, subset, ToUnicode */
	assert_non_null(font_line(fonts, "+DejaVuSans,", line, sizeof(line)));
	assert_non_null(strstr(line, "CID TrueType"));
	assert_non_null(font_line(fonts, "+DejaVuSansExtra", line, sizeof(line)));
	assert_non_null(strstr(line, " yes yes yes "));
	assert_non_null(font_line(fonts, "+DroidSansFallback", line, sizeof(line)));
	assert_non_null(strstr(line, " yes yes yes "));
	free(fonts);
	text = tool_out("pdftotext -enc UTF-8", path, "-", &quiet);
	assert_true(quiet);
	assert_non_null(strstr(text, "株式会社山田商事"));
	assert_non_null(strstr(text, "Ελένη Παπαδοπούλου"));
	assert_non_null(strstr(text, "ул. Тверская 7"));
	assert_non_null(strstr(text, "서울"));
	assert_non_null(strstr(text, "東京"));
	/* right-to-left words come back in writing order (poppler reorders the
	 * visual runs; presentation forms map back to the letters) */
	assert_non_null(strstr(text, "הרצל"));
	assert_non_null(strstr(text, "רחוב"));
	assert_non_null(strstr(text, "القاهرة"));
	assert_non_null(strstr(text, "السلام"));
	assert_non_null(strstr(text, "دار"));
	free(text);
	/* drawn shaped, in visual order: "القاهرة" from the left: teh marbuta isolated,
	 * reh final, heh initial, alef final, qaf medial, lam initial, alef */
	qdf = pdf_qdf(path);
	assert_non_null(strstr(qdf, "<fe93feaefeebfe8efed8fedffe8d> Tj"));
	free(qdf);

	/* a fallback is read only when needed: unreadable is fine for Latin text, IE_IO otherwise */
	o.fallback_fonts[1] = "/nonexistent/cjk.ttf";
	f->lines[0].description = "Plain";
	memset(&f->inv.buyer, 0, sizeof(f->inv.buyer));
	f->inv.buyer.name = "Zoë Łódź";
	assert_int_equal(pdf_invoice(&f->inv, &f->seller, &o, &b), IE_OK);
	f->inv.buyer.name = "山田";
	assert_int_equal(pdf_invoice(&f->inv, &f->seller, &o, &b), IE_IO);
	buf_free(&b);
	fx_free(f);
}

/* ---- main ---- */

static int group_setup(void **state)
{
	(void)state;
	snprintf(tmpdir, sizeof(tmpdir), "/tmp/test_pdf.XXXXXX");
	if (!mkdtemp(tmpdir))
		return -1;
	if (access(font_path(), R_OK)) {
		fprintf(stderr, "test_pdf: font %s not readable (set INVOICE_TEST_FONT)\n", font_path());
		return -1;
	}
	return 0;
}

static int group_teardown(void **state)
{
	char cmd[128];

	(void)state;
	if (getenv("TEST_PDF_KEEP")) {
		fprintf(stderr, "test_pdf: PDFs kept in %s\n", tmpdir);
		return 0;
	}
	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", tmpdir);
	return system(cmd) == 0 ? 0 : -1;
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_format_fixed6),
		cmocka_unit_test(test_format_rate),
		cmocka_unit_test(test_watermark_choice),
		cmocka_unit_test(test_wrap_basic),
		cmocka_unit_test(test_wrap_breaks_long_words),
		cmocka_unit_test(test_wrap_newlines_and_empty),
		cmocka_unit_test(test_wrap_loses_no_word),
		cmocka_unit_test(test_columns_fit),
		cmocka_unit_test(test_columns_shrink),
		cmocka_unit_test(test_plan_rows_to_pages),
		cmocka_unit_test(test_plan_splits_tall_block),
		cmocka_unit_test(test_plan_keep_next_and_atomic),
		cmocka_unit_test(test_render_deterministic),
		cmocka_unit_test(test_render_metadata_and_checks),
		cmocka_unit_test(test_render_non_ascii),
		cmocka_unit_test(test_render_watermarks),
		cmocka_unit_test(test_render_500_lines),
		cmocka_unit_test(test_render_long_description),
		cmocka_unit_test(test_render_credit_note_and_extras),
		cmocka_unit_test(test_render_status_blocks),
		cmocka_unit_test(test_render_huge_amounts_fit),
		cmocka_unit_test(test_render_errors),
		cmocka_unit_test(test_render_many),
		cmocka_unit_test(test_visual_order),
		cmocka_unit_test(test_render_scripts),
	};

	return cmocka_run_group_tests(tests, group_setup, group_teardown);
}
