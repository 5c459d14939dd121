/*
 * pdf.c — the invoice PDF (libharu 2.3.0). See pdf.h for what is drawn.
 *
 * Three steps, so that "Page x of y" is known before anything is drawn:
 *   1. layout: every piece of text is measured, wrapped and turned into a
 *      display list of ops (text, rule, box), grouped into blocks: page 1's
 *      header area, one block per table row, then the summary blocks;
 *   2. plan: pdf_plan_pages() assigns the blocks (or their lines) to pages;
 *   3. draw: pages are created and the ops drawn where the plan puts them.
 *
 * Cost (LIBRARY-NOTES.md): nearly all of it is libharu building and writing
 * the embedded fonts; drawing is cheap. So: one main font (bold = fill and
 * stroke), a subset font, graphics state changes only when they change;
 * fallback fonts (other scripts) only in documents whose text needs them,
 * ASCII strings measured and drawn without looking at them.
 * Floats are coordinates only; money is formatted from integers.
 */
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <hpdf.h>
#include "pdf.h"
#include "money.h"

#define EPS 0.001f

/* ---- formatting ---- */

/* Copies a plain decimal ("-1234567.5") with thousands separators. */
static ierr group_thousands(const char *num, char *out, size_t outsz)
{
	const char *p = num, *dot;
	size_t ndig, o = 0, i;

	if (!outsz)
		return IE_OVERFLOW;
	if (*p == '-') {
		if (o + 1 >= outsz)
			goto overflow;
		out[o++] = *p++;
	}
	dot = strchr(p, '.');
	ndig = dot ? (size_t)(dot - p) : strlen(p);
	for (i = 0; i < ndig; i++) {
		if (i && (ndig - i) % 3 == 0) {
			if (o + 1 >= outsz)
				goto overflow;
			out[o++] = ',';
		}
		if (o + 1 >= outsz)
			goto overflow;
		out[o++] = p[i];
	}
	for (p += ndig; *p; p++) {
		if (o + 1 >= outsz)
			goto overflow;
		out[o++] = *p;
	}
	out[o] = '\0';
	return IE_OK;
overflow:
	out[0] = '\0';
	return IE_OVERFLOW;
}

/* money_to_decimal with trailing zeros trimmed down to min_dec decimals. */
static ierr trimmed_decimal(int64_t v, int decimals, int min_dec, char *dec, size_t decsz)
{
	ierr e;
	size_t len;
	int keep = decimals;

	if ((e = money_to_decimal(v, decimals, dec, decsz)))
		return e;
	len = strlen(dec);
	while (keep > min_dec && dec[len - 1] == '0') {
		dec[--len] = '\0';
		keep--;
	}
	if (!keep && decimals)
		dec[--len] = '\0';	/* the point */
	return IE_OK;
}

ierr pdf_format_fixed6(int64_t v, int min_decimals, char *out, size_t outsz)
{
	char dec[64];
	ierr e;

	if (!out || !outsz)
		return IE_INVALID;
	out[0] = '\0';
	if (min_decimals < 0 || min_decimals > 6)
		return IE_INVALID;
	if ((e = trimmed_decimal(v, 6, min_decimals, dec, sizeof(dec))))
		return e;
	return group_thousands(dec, out, outsz);
}

ierr pdf_format_rate(int64_t rate, char *out, size_t outsz)
{
	char dec[64];
	ierr e;
	int n;

	if (!out || !outsz)
		return IE_INVALID;
	out[0] = '\0';
	if ((e = trimmed_decimal(rate, 4, 0, dec, sizeof(dec))))
		return e;
	n = snprintf(out, outsz, "%s%%", dec);
	if (n < 0 || (size_t)n >= outsz) {
		out[0] = '\0';
		return IE_OVERFLOW;
	}
	return IE_OK;
}

const char *pdf_watermark(const char *status)
{
	if (!status)
		return NULL;
	if (!strcmp(status, "draft"))
		return "DRAFT";
	if (!strcmp(status, "void"))
		return "CANCELLED";
	return NULL;
}

/* ---- UTF-8 ---- */

/* Length of the valid UTF-8 sequence at s (1-4), 0 when invalid; *cp gets
 * the code point. Overlongs, surrogates and > U+10FFFF are invalid. */
static size_t u8_decode(const unsigned char *s, uint32_t *cp)
{
	uint32_t c = s[0];
	size_t n, i;

	if (c < 0x80) {
		*cp = c;
		return 1;
	}
	if (c >= 0xc2 && c <= 0xdf) {
		n = 2;
		c &= 0x1f;
	} else if (c >= 0xe0 && c <= 0xef) {
		n = 3;
		c &= 0x0f;
	} else if (c >= 0xf0 && c <= 0xf4) {
		n = 4;
		c &= 0x07;
	} else {
		return 0;
	}
	for (i = 1; i < n; i++) {
		if ((s[i] & 0xc0) != 0x80)
			return 0;
		c = (c << 6) | (s[i] & 0x3f);
	}
	if ((n == 3 && c < 0x800) || (n == 4 && (c < 0x10000 || c > 0x10ffff)) ||
	    (c >= 0xd800 && c <= 0xdfff))
		return 0;
	*cp = c;
	return n;
}

/* Bytes of the code point at s, never past end; 1 for a stray byte. */
static size_t u8_step(const char *s, size_t avail)
{
	const unsigned char *u = (const unsigned char *)s;
	size_t n = 1;

	if (u[0] >= 0xf0)
		n = 4;
	else if (u[0] >= 0xe0)
		n = 3;
	else if (u[0] >= 0xc0)
		n = 2;
	if (n > avail)
		n = avail;
	while (n > 1 && (u[n - 1] & 0xc0) != 0x80)
		n--;
	return n ? n : 1;
}

/*
 * Text as it can be drawn: invalid UTF-8 and code points beyond the BMP
 * (libharu's UTF-8 encoder handles 16-bit code points only) become U+FFFD,
 * control characters a space; with multiline, "\r\n", '\r' and '\n' become
 * '\n', else a space. Trailing white space is dropped. Returns s itself
 * when it needs no change, NULL when out of memory; NULL s gives "".
 */
static const char *clean_text(struct arena *a, const char *s, int multiline)
{
	const unsigned char *p = (const unsigned char *)s;
	size_t len, i, o = 0;
	char *out;
	uint32_t cp;

	if (!s)
		return "";
	for (; *p; p++)
		if (*p < 0x20 || *p > 0x7e)
			break;
	len = strlen(s);
	if (!*p && (!len || s[len - 1] != ' '))
		return s;
	out = arena_alloc(a, len * 3 + 1);
	if (!out)
		return NULL;
	p = (const unsigned char *)s;
	for (i = 0; i < len;) {
		size_t n = u8_decode(p + i, &cp);

		if (!n || cp > 0xffff) {
			memcpy(out + o, "\xef\xbf\xbd", 3);	/* U+FFFD */
			o += 3;
			i += n ? n : 1;
			continue;
		}
		if (cp == '\r' || cp == '\n') {
			out[o++] = multiline ? '\n' : ' ';
			if (cp == '\r' && p[i + 1] == '\n')
				i++;
			i++;
			continue;
		}
		if (cp < 0x20 || (cp >= 0x7f && cp < 0xa0)) {
			out[o++] = ' ';
			i += n;
			continue;
		}
		memcpy(out + o, p + i, n);
		o += n;
		i += n;
	}
	while (o && (out[o - 1] == ' ' || out[o - 1] == '\n'))
		o--;
	out[o] = '\0';
	return out;
}

/* ---- wrapping ---- */

struct wrap_out {
	struct pdf_span *v;
	size_t cap, n;
};

static void wrap_emit(struct wrap_out *w, size_t off, size_t len)
{
	if (w->n < w->cap) {
		w->v[w->n].off = off;
		w->v[w->n].len = len;
	}
	w->n++;
}

/* One paragraph, text[p .. end), without '\n'. */
static void wrap_para(const char *t, size_t p, size_t end, float width, pdf_measure_fn m,
		      void *ctx, struct wrap_out *w)
{
	size_t ls = p, le = p, i = p, ws, we, c, cs, l;
	float lw = 0, ww, gap, cw, w1;
	int have = 0;

	while (i < end) {
		for (ws = i; ws < end && t[ws] == ' '; ws++)
			;
		if (ws >= end)
			break;
		for (we = ws; we < end && t[we] != ' '; we++)
			;
		ww = m(ctx, t + ws, we - ws);
		i = we;
		if (have) {
			gap = m(ctx, t + le, ws - le);
			if (lw + gap + ww <= width + EPS) {
				lw += gap + ww;
				le = we;
				continue;
			}
			wrap_emit(w, ls, le - ls);
			have = 0;
		}
		if (ww <= width + EPS) {
			ls = ws;
			le = we;
			lw = ww;
			have = 1;
			continue;
		}
		/* a word wider than a line: break it between code points */
		cs = ws;
		cw = 0;
		for (c = ws; c < we; c += l) {
			l = u8_step(t + c, we - c);
			w1 = m(ctx, t + c, l);
			if (c > cs && cw + w1 > width + EPS) {
				wrap_emit(w, cs, c - cs);
				cs = c;
				cw = 0;
			}
			cw += w1;
		}
		ls = cs;
		le = we;
		lw = cw;
		have = 1;
	}
	if (have)
		wrap_emit(w, ls, le - ls);
	else
		wrap_emit(w, p, 0);
}

static void wrap_run(const char *t, size_t len, float width, pdf_measure_fn m, void *ctx,
		     struct wrap_out *w)
{
	size_t p = 0, pend;

	for (;;) {
		for (pend = p; pend < len && t[pend] != '\n'; pend++)
			;
		wrap_para(t, p, pend, width, m, ctx, w);
		if (pend >= len)
			break;
		p = pend + 1;
	}
}

ierr pdf_wrap(struct arena *a, const char *text, float width, pdf_measure_fn measure,
	      void *ctx, struct pdf_span **lines, size_t *nlines)
{
	struct pdf_span small[16];
	struct wrap_out w = { small, 16, 0 };
	size_t len;

	if (!a || !measure || !lines || !nlines || !(width > 0))
		return IE_INVALID;
	if (!text)
		text = "";
	len = strlen(text);
	wrap_run(text, len, width, measure, ctx, &w);
	*lines = arena_alloc(a, w.n * sizeof(**lines));
	if (!*lines)
		return IE_NOMEM;
	if (w.n <= 16) {
		memcpy(*lines, small, w.n * sizeof(**lines));
	} else {
		w.v = *lines;
		w.cap = w.n;
		w.n = 0;
		wrap_run(text, len, width, measure, ctx, &w);
	}
	*nlines = w.n;
	return IE_OK;
}

/* ---- column widths ---- */

ierr pdf_columns(const float *natural, size_t n, size_t flex, float min_flex, float total,
		 float *widths, float *scale)
{
	float fixed = 0, s = 1, sum = 0;
	size_t i;

	if (!natural || !widths || !scale || !n || flex >= n || !(total > 0) ||
	    !(min_flex >= 0) || min_flex > total)
		return IE_INVALID;
	for (i = 0; i < n; i++) {
		if (!(natural[i] >= 0))
			return IE_INVALID;
		if (i != flex)
			fixed += natural[i];
	}
	if (total - fixed < min_flex && fixed > 0)
		s = (total - min_flex) / fixed;
	for (i = 0; i < n; i++) {
		if (i == flex)
			continue;
		widths[i] = natural[i] * s;
		sum += widths[i];
	}
	widths[flex] = total - sum;
	*scale = s;
	return IE_OK;
}

/* ---- page planning ---- */

static float block_h(const struct pdf_block *b)
{
	return b->pad + (float)b->nlines * b->line_h;
}

/* What of a block must go with the heading before it: its first line. */
static float block_min_h(const struct pdf_block *b)
{
	return b->pad + (b->nlines ? b->line_h : 0);
}

struct plan_state {
	unsigned page;
	float used, avail, next_h;
	int table_on;       /* the table header is on this page already */
};

static void plan_new_page(struct plan_state *st)
{
	st->page++;
	st->used = 0;
	st->avail = st->next_h;
	st->table_on = 0;
}

static void plan_put(struct plan_state *st, struct pdf_piece *out, size_t *np, size_t block,
		     size_t first, size_t nlines, float hdr, float h, int table)
{
	if (out) {
		struct pdf_piece *pc = &out[*np];

		pc->block = block;
		pc->first = first;
		pc->nlines = nlines;
		pc->page = st->page;
		pc->y = st->used + hdr;
		pc->header = hdr > 0;
	}
	(*np)++;
	st->used += hdr + h;
	if (table)
		st->table_on = 1;
}

/* Runs the plan; counts pieces when out is NULL. */
static size_t plan_run(const struct pdf_block *bl, size_t n, float first_h, float next_h,
		       float header_h, struct pdf_piece *out, unsigned *npages)
{
	struct plan_state st = { 0, 0, first_h, next_h, 0 };
	size_t np = 0, i, first, k;
	float h, hdr, need, fresh, room;

	for (i = 0; i < n; i++) {
		const struct pdf_block *b = &bl[i];

		h = block_h(b);
		hdr = b->table && !st.table_on ? header_h : 0;
		need = h + hdr;
		fresh = h + (b->table ? header_h : 0);
		if (b->keep_next && i + 1 < n) {
			const struct pdf_block *nb = &bl[i + 1];

			need += block_min_h(nb) + (nb->table && !b->table && !st.table_on ? header_h : 0);
			fresh += block_min_h(nb) + (nb->table && !b->table ? header_h : 0);
		}
		/* what does not fit here starts the next page, unless it is too
		 * tall for any page: then it starts splitting right here */
		if (st.used + need > st.avail + EPS &&
		    ((st.used > EPS && (fresh <= next_h + EPS || !b->nlines)) ||
		     (st.page == 0 && fresh <= next_h + EPS)))
			plan_new_page(&st);
		hdr = b->table && !st.table_on ? header_h : 0;
		if (st.used + h + hdr <= st.avail + EPS || !b->nlines) {
			plan_put(&st, out, &np, i, 0, b->nlines, hdr, h, b->table);
			continue;
		}
		/* taller than what is left of a fresh page: split between lines */
		for (first = 0; first < b->nlines;) {
			hdr = b->table && !st.table_on ? header_h : 0;
			room = st.avail - st.used - hdr - b->pad;
			k = room > 0 ? (size_t)((room + EPS) / b->line_h) : 0;
			if (k > b->nlines - first)
				k = b->nlines - first;
			if (!k) {
				if (st.used > EPS || st.page == 0) {
					plan_new_page(&st);
					continue;
				}
				k = 1;	/* one line taller than a page: it overflows */
			}
			plan_put(&st, out, &np, i, first, k, hdr, b->pad + (float)k * b->line_h,
				 b->table);
			first += k;
			if (first < b->nlines)
				plan_new_page(&st);
		}
	}
	*npages = st.page + 1;
	return np;
}

ierr pdf_plan_pages(struct arena *a, const struct pdf_block *blocks, size_t n,
		    float first_h, float next_h, float header_h, struct pdf_plan *plan)
{
	size_t i, np;
	unsigned npages;

	if (!a || !plan || (n && !blocks) || !(first_h > 0) || !(next_h > 0) || !(header_h >= 0))
		return IE_INVALID;
	for (i = 0; i < n; i++)
		if (!(blocks[i].pad >= 0) || (blocks[i].nlines && !(blocks[i].line_h > 0)))
			return IE_INVALID;
	np = plan_run(blocks, n, first_h, next_h, header_h, NULL, &npages);
	plan->pieces = arena_alloc(a, (np ? np : 1) * sizeof(*plan->pieces));
	if (!plan->pieces)
		return IE_NOMEM;
	plan->npieces = plan_run(blocks, n, first_h, next_h, header_h, plan->pieces, &npages);
	plan->npages = npages;
	return IE_OK;
}

/* ---- the renderer: display list ---- */

enum op_kind { OP_TEXT, OP_RULE };

struct op {
	unsigned char kind, bold;
	float gray;        /* fill (text) or stroke (rule) grey level, 0 = black */
	float x, y;        /* x from the page's left; y down from the block's top (text: baseline) */
	float size;        /* text: font size; rule: line width */
	float w;           /* rule: length */
	size_t line;       /* the block line it belongs to (split blocks draw a line range) */
	const char *s;
};

/* A block of the flow, with its ops. */
struct rblock {
	struct pdf_block b;
	size_t op0, nops;
	int rule_below;    /* a hairline under each of its pieces (table rows) */
};

/* Layout metrics, in points. */
#define MARGIN_X        42.0f
#define MARGIN_TOP      40.0f
#define MARGIN_BOTTOM   52.0f
#define FOOTER_Y        30.0f   /* footer baseline, up from the page bottom */
#define CONT_HEADER_H   30.0f   /* pages 2+: the "continued" header */
#define BODY_SIZE       8.5f
#define SMALL_SIZE      7.0f
#define TABLE_SIZE      7.8f
#define HEAD_SIZE       7.2f    /* table header labels */
#define TITLE_SIZE      20.0f
#define LINE_K          1.3f    /* line height = size * LINE_K */
#define BASE_K          1.0f    /* baseline below a line's top = size * BASE_K */
#define CELL_PX         3.0f    /* cell padding, horizontal */
#define CELL_PY         3.2f    /* cell padding, vertical */
#define GRAY_TEXT2      0.38f   /* secondary text */
#define GRAY_RULE       0.80f
#define GRAY_HEAD_BG    0.92f
#define GRAY_WATERMARK  0.86f

enum { C_DESC, C_PERIOD, C_QTY, C_PRICE, C_TAXR, C_NET, C_TAX, C_GROSS, NCOLS };

struct hpdf_err {
	HPDF_STATUS no, detail;
};

/* One TrueType font of the document (see "fonts and text runs"). */
struct face {
	const char *path;
	const char *name;          /* libharu's name for it, once read */
	HPDF_FontDef def;          /* glyph coverage and widths, once read */
	HPDF_Font font;            /* the PDF font (embeds it), once it draws */
	int state;                 /* 0 not read yet, 1 read, -1 unreadable */
	unsigned char used[32];    /* bit per high byte of the code points drawn (ToUnicode) */
};

#define MAX_FACES (1 + PDF_MAX_FALLBACK)

struct r {
	struct arena *a;
	HPDF_Doc doc;
	HPDF_Font font;            /* faces[0]'s: the main font */
	struct face faces[MAX_FACES];
	size_t nfaces;
	/* one string's code points as drawn (shape(), bidi_order()) */
	uint32_t *sc_cp;
	signed char *sc_face;
	unsigned char *sc_type, *sc_level;
	size_t *sc_ord;
	char *sc_utf;
	size_t sc_cap;
	HPDF_Page page;
	struct hpdf_err herr;
	int oom;                   /* an allocation for text failed: IE_NOMEM at the end */
	const struct invoice *inv;
	const struct inv_seller *seller;
	const char *title;         /* "Invoice" | "Credit note" */
	const char *number;        /* "INV-..." | "Draft #12" */
	const char *cur;           /* currency code */
	int price_dec;             /* unit prices keep at least these decimals */

	float pw, ph, bw;          /* page size, body width */
	struct op *ops;
	size_t nops, capops;
	struct rblock *blocks;
	size_t nblocks, capblocks;
	struct rblock top;         /* page 1's header area */
	float top_h;

	float col_x[NCOLS], col_w[NCOLS];
	int col_on[NCOLS];
	float tsize;               /* table font size after column scaling */
	float head_h;              /* table header height */

	/* graphics state cache, per page */
	int in_text;
	float g_size, g_fill, g_stroke, g_lw;
	int g_bold, g_face;
};

static unsigned long last_hpdf_no, last_hpdf_detail;

unsigned long pdf_last_hpdf_error(unsigned long *detail)
{
	if (detail)
		*detail = last_hpdf_detail;
	return last_hpdf_no;
}

static void hpdf_on_error(HPDF_STATUS no, HPDF_STATUS detail, void *user)
{
	struct hpdf_err *h = user;

	if (!h->no) {
		h->no = no;
		h->detail = detail;
	}
}

static ierr hpdf_ierr(const struct r *r)
{
	switch (r->herr.no) {
	case 0:
		return IE_OK;
	case HPDF_FAILD_TO_ALLOC_MEM:
		return IE_NOMEM;
	case HPDF_FILE_OPEN_ERROR:
	case HPDF_FILE_IO_ERROR:
		return IE_IO;
	default:
		return IE_INTERNAL;
	}
}

/* ---- fonts and text runs ---- */

/*
 * A face is one TrueType font of the document: faces[0] the main font,
 * then the fallbacks. A fallback's definition is read the first time a
 * character the faces before it lack is measured or drawn, and its PDF font
 * (which embeds it) is made the first time it has such a character.
 */
static int face_load(struct r *r, size_t i)
{
	struct face *f = &r->faces[i];

	if (f->state)
		return f->state > 0;
	f->state = -1;
	f->name = HPDF_LoadTTFontFromFile(r->doc, f->path, HPDF_TRUE);
	if (!f->name) {
		if (!r->herr.no)
			r->herr.no = HPDF_FILE_OPEN_ERROR;
		return 0;
	}
	f->def = HPDF_GetFontDef(r->doc, f->name);
	if (!f->def)
		return 0;
	f->state = 1;
	return 1;
}

static HPDF_Font face_font(struct r *r, int i)
{
	struct face *f = &r->faces[i];

	if (!f->font && f->state > 0) {
		f->font = HPDF_GetFont(r->doc, f->name, "UTF-8");
		if (!f->font)
			f->state = -1;
	}
	return f->font;
}

/* The face that draws cp: the first with a glyph for it; -1 when none has. */
static int face_for(struct r *r, uint32_t cp)
{
	size_t i;

	if (cp < 0x80)
		return 0;
	for (i = 0; i < r->nfaces; i++) {
		if (!face_load(r, i))
			continue;
		if (HPDF_TTFontDef_GetGlyphid(r->faces[i].def, (HPDF_UINT16)cp))
			return (int)i;
	}
	return -1;
}

/* Arabic letters with presentation forms (isolated, final, initial,
 * medial from `first`; n of them: 1 non-joining, 2 right-joining, 4 dual). */
static const struct {
	uint16_t base, first;
	unsigned char n;
} ar_forms[] = {
	{ 0x0621, 0xfe80, 1 }, { 0x0622, 0xfe81, 2 }, { 0x0623, 0xfe83, 2 }, { 0x0624, 0xfe85, 2 },
	{ 0x0625, 0xfe87, 2 }, { 0x0626, 0xfe89, 4 }, { 0x0627, 0xfe8d, 2 }, { 0x0628, 0xfe8f, 4 },
	{ 0x0629, 0xfe93, 2 }, { 0x062a, 0xfe95, 4 }, { 0x062b, 0xfe99, 4 }, { 0x062c, 0xfe9d, 4 },
	{ 0x062d, 0xfea1, 4 }, { 0x062e, 0xfea5, 4 }, { 0x062f, 0xfea9, 2 }, { 0x0630, 0xfeab, 2 },
	{ 0x0631, 0xfead, 2 }, { 0x0632, 0xfeaf, 2 }, { 0x0633, 0xfeb1, 4 }, { 0x0634, 0xfeb5, 4 },
	{ 0x0635, 0xfeb9, 4 }, { 0x0636, 0xfebd, 4 }, { 0x0637, 0xfec1, 4 }, { 0x0638, 0xfec5, 4 },
	{ 0x0639, 0xfec9, 4 }, { 0x063a, 0xfecd, 4 }, { 0x0641, 0xfed1, 4 }, { 0x0642, 0xfed5, 4 },
	{ 0x0643, 0xfed9, 4 }, { 0x0644, 0xfedd, 4 }, { 0x0645, 0xfee1, 4 }, { 0x0646, 0xfee5, 4 },
	{ 0x0647, 0xfee9, 4 }, { 0x0648, 0xfeed, 2 }, { 0x0649, 0xfeef, 2 }, { 0x064a, 0xfef1, 4 },
	{ 0x067e, 0xfb56, 4 }, { 0x0686, 0xfb7a, 4 }, { 0x0698, 0xfb8a, 2 }, { 0x06a9, 0xfb8e, 4 },
	{ 0x06af, 0xfb92, 4 }, { 0x06cc, 0xfbfc, 4 },
};

/* Lam-alef ligatures: alef variant -> isolated form (final = +1). */
static const uint16_t lam_alef[][2] = {
	{ 0x0622, 0xfef5 }, { 0x0623, 0xfef7 }, { 0x0625, 0xfef9 }, { 0x0627, 0xfefb },
};

static int ar_index(uint32_t cp)
{
	size_t lo = 0, hi = sizeof(ar_forms) / sizeof(ar_forms[0]);

	if (cp < 0x0621 || cp > 0x06cc)
		return -1;
	while (lo < hi) {
		size_t mid = (lo + hi) / 2;

		if (ar_forms[mid].base == cp)
			return (int)mid;
		if (ar_forms[mid].base < cp)
			lo = mid + 1;
		else
			hi = mid;
	}
	return -1;
}

/* Marks that sit on the letter before them (joining-transparent, bidi NSM). */
static int is_mark(uint32_t c)
{
	return (c >= 0x0300 && c <= 0x036f) || (c >= 0x0591 && c <= 0x05bd) || c == 0x05bf ||
	       c == 0x05c1 || c == 0x05c2 || c == 0x05c4 || c == 0x05c5 || c == 0x05c7 ||
	       (c >= 0x0610 && c <= 0x061a) || (c >= 0x064b && c <= 0x065f) || c == 0x0670 ||
	       (c >= 0x06d6 && c <= 0x06dc) || (c >= 0x06df && c <= 0x06e4) || c == 0x06e7 ||
	       c == 0x06e8 || (c >= 0x06ea && c <= 0x06ed) || c == 0xfb1e ||
	       (c >= 0xfe20 && c <= 0xfe2f);
}

/* Joining: 'D' dual, 'R' right (to the letter before), 'C' causing
 * (tatweel), 'T' transparent, 'U' none. */
static char ar_join(uint32_t c)
{
	int i;

	if (c == 0x0640)
		return 'C';
	if (is_mark(c))
		return 'T';
	if ((i = ar_index(c)) < 0 || ar_forms[i].n == 1)
		return 'U';
	return ar_forms[i].n == 4 ? 'D' : 'R';
}

/*
 * The characters a presentation form stands for (ToUnicode): 0, 1 or 2 code
 * points in out. Text is drawn in visual order, so a lam-alef ligature
 * gives its letters as they sit in the glyph from left to right: alef, then
 * lam. Extractors that order characters by position in right-to-left text
 * (poppler) then read lam before alef, as written.
 */
static int pres_base(uint32_t cp, uint32_t out[2])
{
	size_t i;

	if (cp >= 0xfef5 && cp <= 0xfefc) {
		out[0] = lam_alef[(cp - 0xfef5) / 2][0];
		out[1] = 0x0644;
		return 2;
	}
	for (i = 0; i < sizeof(ar_forms) / sizeof(ar_forms[0]); i++)
		if (cp >= ar_forms[i].first && cp < (uint32_t)ar_forms[i].first + ar_forms[i].n) {
			out[0] = ar_forms[i].base;
			return 1;
		}
	return 0;
}

/* Scratch arrays for one string's code points, grown as needed. */
static int scratch_fit(struct r *r, size_t n)
{
	size_t cap;
	void *p;

	if (n <= r->sc_cap)
		return 1;
	cap = n < 256 ? 256 : n;
	if (!(p = realloc(r->sc_cp, cap * sizeof(*r->sc_cp))))
		goto oom;
	r->sc_cp = p;
	if (!(p = realloc(r->sc_face, cap)))
		goto oom;
	r->sc_face = p;
	if (!(p = realloc(r->sc_type, cap)))
		goto oom;
	r->sc_type = p;
	if (!(p = realloc(r->sc_level, cap)))
		goto oom;
	r->sc_level = p;
	if (!(p = realloc(r->sc_ord, cap * sizeof(*r->sc_ord))))
		goto oom;
	r->sc_ord = p;
	if (!(p = realloc(r->sc_utf, cap * 3 + 1)))
		goto oom;
	r->sc_utf = p;
	r->sc_cap = cap;
	return 1;
oom:
	r->oom = 1;
	return 0;
}

/*
 * Joins Arabic letters in cp[0..n) (logical order): each letter becomes its
 * isolated, initial, medial or final presentation form, lam + alef the
 * ligature, when has(ctx, form) says a font can draw it (else the letter
 * stays). jt is scratch (n bytes). Returns the new count (ligatures make it
 * shorter).
 */
static size_t ar_shape(uint32_t *cp, unsigned char *jt, size_t n,
		       int (*has)(void *ctx, uint32_t cp), void *ctx)
{
	size_t i, o, k;

	for (i = 0; i < n; i++)
		jt[i] = (unsigned char)ar_join(cp[i]);
	for (i = 0, o = 0; i < n; i++) {
		uint32_t c = cp[i], f;
		char j = (char)jt[i], jp = 'U', jn = 'U';
		int idx = ar_index(c), form, pj, nj;

		if (idx < 0 || ar_forms[idx].n == 1) {
			if (idx >= 0 && has(ctx, ar_forms[idx].first))
				c = ar_forms[idx].first;
			cp[o++] = c;
			continue;
		}
		for (k = i; k-- > 0;)
			if ((jp = (char)jt[k]) != 'T')
				break;
		if (i == 0)
			jp = 'U';
		for (k = i + 1; k < n; k++)
			if ((jn = (char)jt[k]) != 'T')
				break;
		if (k >= n)
			jn = 'U';
		pj = jp == 'D' || jp == 'C';
		nj = j == 'D' && (jn == 'D' || jn == 'R' || jn == 'C');
		if (c == 0x0644 && i + 1 < n) {
			size_t a;

			for (a = 0; a < sizeof(lam_alef) / sizeof(lam_alef[0]); a++)
				if (cp[i + 1] == lam_alef[a][0])
					break;
			f = a < sizeof(lam_alef) / sizeof(lam_alef[0])
				    ? (uint32_t)lam_alef[a][1] + (pj ? 1 : 0) : 0;
			if (f && has(ctx, f)) {
				cp[o++] = f;
				i++;
				continue;
			}
		}
		form = pj && nj ? 3 : pj ? 1 : nj ? 2 : 0;
		f = (uint32_t)ar_forms[idx].first + (uint32_t)form;
		cp[o++] = has(ctx, f) ? f : c;
	}
	return o;
}

static int face_has(void *ctx, uint32_t cp)
{
	return face_for(ctx, cp) >= 0;
}

/* Code points of clean UTF-8 s[0..len) into cp (len entries suffice);
 * invalid bytes and beyond the BMP as U+FFFD. Returns the count. */
static size_t u8_to_cps(const char *s, size_t len, uint32_t *cp)
{
	const unsigned char *u = (const unsigned char *)s;
	size_t n = 0, i, l;
	uint32_t c;

	for (i = 0; i < len; i += l) {
		l = u8_decode(u + i, &c);
		if (!l || c > 0xffff) {
			c = 0xfffd;
			l = l ? l : 1;
		}
		if (l > len - i)
			l = len - i;
		cp[n++] = c;
	}
	return n;
}

/*
 * s[0..len) (clean UTF-8) as drawn, in logical order: r->sc_cp[i] the code
 * point (Arabic letters in the joined form, when a face has it),
 * r->sc_face[i] its face (-1: none has a glyph; drawn with the main font).
 * Returns the count; 0 for an empty string or out of memory.
 */
static size_t shape(struct r *r, const char *s, size_t len)
{
	size_t n, i;

	if (!scratch_fit(r, len))
		return 0;
	n = u8_to_cps(s, len, r->sc_cp);
	for (i = 0; i < n; i++)
		if (r->sc_cp[i] >= 0x0600 && r->sc_cp[i] <= 0x06ff) {
			n = ar_shape(r->sc_cp, r->sc_type, n, face_has, r);
			break;
		}
	for (i = 0; i < n; i++)
		r->sc_face[i] = (signed char)face_for(r, r->sc_cp[i]);
	return n;
}

static int all_ascii(const char *s, size_t len)
{
	size_t i;

	for (i = 0; i < len; i++)
		if ((unsigned char)s[i] >= 0x80)
			return 0;
	return 1;
}

struct mctx {
	struct r *r;
	float size;
};

/* Width of s[0..len) as drawn: the same runs and forms as draw_text(). */
static float measure(void *ctx, const char *s, size_t len)
{
	const struct mctx *m = ctx;
	struct r *r = m->r;
	HPDF_TextWidth tw;
	long w = 0;
	size_t i, n;

	if (!len)
		return 0;
	if (all_ascii(s, len)) {
		tw = HPDF_Font_TextWidth(r->font, (const HPDF_BYTE *)s, (HPDF_UINT)len);
		return (float)tw.width * m->size / 1000.0f;
	}
	n = shape(r, s, len);
	for (i = 0; i < n; i++) {
		int f = r->sc_face[i] < 0 ? 0 : r->sc_face[i];

		w += HPDF_TTFontDef_GetCharWidth(r->faces[f].def, (HPDF_UINT16)r->sc_cp[i]);
	}
	return (float)w * m->size / 1000.0f;
}

static float text_w(struct r *r, const char *s, float size)
{
	struct mctx m = { r, size };

	return measure(&m, s, strlen(s));
}

/* ---- right-to-left text: bidi classes, levels, visual order ---- */

enum { BD_L, BD_R, BD_AL, BD_EN, BD_ES, BD_ET, BD_AN, BD_CS, BD_NSM, BD_WS, BD_ON };

static unsigned char bidi_class(uint32_t c)
{
	if (c < 0x80) {
		if (c >= '0' && c <= '9')
			return BD_EN;
		if ((c | 0x20) >= 'a' && (c | 0x20) <= 'z')
			return BD_L;
		if (c == '+' || c == '-')
			return BD_ES;
		if (c == '#' || c == '$' || c == '%')
			return BD_ET;
		if (c == ',' || c == '.' || c == ':' || c == '/')
			return BD_CS;
		if (c == ' ' || c == '\t')
			return BD_WS;
		return BD_ON;
	}
	if (is_mark(c))
		return BD_NSM;
	if (c < 0x100) {
		if (c == 0xa0)
			return BD_CS;
		if ((c >= 0xa2 && c <= 0xa5) || c == 0xb0 || c == 0xb1)
			return BD_ET;
		if (c == 0xaa || c == 0xb5 || c == 0xba || (c >= 0xc0 && c != 0xd7 && c != 0xf7))
			return BD_L;
		return BD_ON;
	}
	if (c >= 0x0590 && c <= 0x05ff)
		return BD_R;
	if (c >= 0x0600 && c <= 0x08ff) {
		if ((c >= 0x0660 && c <= 0x0669) || c == 0x066b || c == 0x066c)
			return BD_AN;
		if (c >= 0x06f0 && c <= 0x06f9)
			return BD_EN;
		if (c == 0x060c)
			return BD_CS;
		return BD_AL;
	}
	if (c >= 0xfb1d && c <= 0xfb4f)
		return BD_R;
	if ((c >= 0xfb50 && c <= 0xfdff) || (c >= 0xfe70 && c <= 0xfefe))
		return BD_AL;
	if (c >= 0x2000 && c <= 0x200a)
		return BD_WS;
	if (c == 0x200e)
		return BD_L;
	if (c == 0x200f)
		return BD_R;
	if ((c >= 0x2030 && c <= 0x2034) || (c >= 0x20a0 && c <= 0x20cf))
		return BD_ET;
	if ((c >= 0x2010 && c <= 0x2027) || (c >= 0x2035 && c <= 0x205e) ||
	    (c >= 0x2190 && c <= 0x2bff) || (c >= 0x3001 && c <= 0x3003) ||
	    (c >= 0x3008 && c <= 0x3011) || (c >= 0xfe30 && c <= 0xfe4f))
		return BD_ON;
	return BD_L;
}

static int has_rtl(const uint32_t *cp, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++) {
		uint32_t c = cp[i];

		if ((c >= 0x0590 && c <= 0x08ff) || (c >= 0xfb1d && c <= 0xfdff) ||
		    (c >= 0xfe70 && c <= 0xfefe) || c == 0x200f)
			return 1;
	}
	return 0;
}

static uint32_t mirror(uint32_t c)
{
	static const uint32_t pairs[][2] = {
		{ '(', ')' }, { '[', ']' }, { '{', '}' }, { '<', '>' }, { 0xab, 0xbb },
		{ 0x2039, 0x203a }, { 0x2264, 0x2265 },
	};
	size_t i;

	for (i = 0; i < sizeof(pairs) / sizeof(pairs[0]); i++) {
		if (c == pairs[i][0])
			return pairs[i][1];
		if (c == pairs[i][1])
			return pairs[i][0];
	}
	return c;
}

/* The strong type before position i (sor at the start): BD_L, BD_R or BD_AL. */
static unsigned char strong_before(const unsigned char *t, size_t i, unsigned char sor)
{
	while (i-- > 0)
		if (t[i] == BD_L || t[i] == BD_R || t[i] == BD_AL)
			return t[i];
	return sor;
}

/*
 * Visual order of the n shaped code points cp (one drawn line): ord[k] is
 * the logical index drawn k-th; mirrored brackets are swapped in cp; t and
 * lv are scratch (n bytes each). A simplified Unicode bidi algorithm (UAX #9 without explicit
 * embeddings): paragraph level from the first strong character, weak types
 * W1-W7, neutrals N1-N2, implicit levels I1-I2, reversal L2, mirroring L4;
 * marks stay after their letter (L3).
 */
static void bidi_reorder(uint32_t *cp, unsigned char *t, unsigned char *lv, size_t *ord, size_t n)
{
	unsigned char sor, maxl = 0, minodd = 255, e;
	size_t i, j, k;
	int pl = 0;

	for (i = 0; i < n; i++)
		t[i] = bidi_class(cp[i]);
	for (i = 0; i < n; i++)
		if (t[i] == BD_L || t[i] == BD_R || t[i] == BD_AL) {
			pl = t[i] != BD_L;
			break;
		}
	sor = pl ? BD_R : BD_L;
	for (i = 0; i < n; i++)	/* W1 */
		if (t[i] == BD_NSM)
			t[i] = i ? t[i - 1] : sor;
	for (i = 0; i < n; i++)	/* W2 */
		if (t[i] == BD_EN && strong_before(t, i, sor) == BD_AL)
			t[i] = BD_AN;
	for (i = 0; i < n; i++)	/* W3 */
		if (t[i] == BD_AL)
			t[i] = BD_R;
	for (i = 1; i + 1 < n; i++) {	/* W4 */
		if (t[i] == BD_ES && t[i - 1] == BD_EN && t[i + 1] == BD_EN)
			t[i] = BD_EN;
		else if (t[i] == BD_CS && t[i - 1] == t[i + 1] &&
			 (t[i - 1] == BD_EN || t[i - 1] == BD_AN))
			t[i] = t[i - 1];
	}
	for (i = 0; i < n; i = j) {	/* W5: European terminators next to numbers */
		for (j = i; j < n && t[j] == BD_ET; j++)
			;
		if (j == i) {
			j = i + 1;
			continue;
		}
		if ((i && t[i - 1] == BD_EN) || (j < n && t[j] == BD_EN))
			for (k = i; k < j; k++)
				t[k] = BD_EN;
	}
	for (i = 0; i < n; i++) {	/* W6, W7 */
		if (t[i] == BD_ES || t[i] == BD_ET || t[i] == BD_CS)
			t[i] = BD_ON;
		else if (t[i] == BD_EN && strong_before(t, i, sor) == BD_L)
			t[i] = BD_L;
	}
	for (i = 0; i < n; i = j) {	/* N1, N2 */
		unsigned char a, b;

		for (j = i; j < n && (t[j] == BD_ON || t[j] == BD_WS); j++)
			;
		if (j == i) {
			j = i + 1;
			continue;
		}
		a = i ? (t[i - 1] == BD_L ? BD_L : BD_R) : sor;
		b = j < n ? (t[j] == BD_L ? BD_L : BD_R) : sor;
		for (k = i; k < j; k++)
			t[k] = a == b ? a : (pl ? BD_R : BD_L);
	}
	for (i = 0; i < n; i++) {	/* I1, I2 */
		if (!pl)
			lv[i] = t[i] == BD_L ? 0 : t[i] == BD_R ? 1 : 2;
		else
			lv[i] = t[i] == BD_R ? 1 : 2;
		if (lv[i] > maxl)
			maxl = lv[i];
		if ((lv[i] & 1) && lv[i] < minodd)
			minodd = lv[i];
		ord[i] = i;
		if (lv[i] & 1)	/* L4 */
			cp[i] = mirror(cp[i]);
	}
	for (e = maxl; e >= minodd && e > 0; e--)	/* L2 */
		for (i = 0; i < n; i = j) {
			for (j = i; j < n && lv[ord[j]] >= e; j++)
				;
			if (j == i) {
				j = i + 1;
				continue;
			}
			for (k = 0; k < (j - i) / 2; k++) {
				size_t x = ord[i + k];

				ord[i + k] = ord[j - 1 - k];
				ord[j - 1 - k] = x;
			}
		}
	for (i = 0; i < n; i = j) {	/* L3: reversed marks back after their letter */
		for (j = i; j < n && is_mark(cp[ord[j]]) &&
			    (lv[ord[j]] & 1); j++)
			;
		if (j > i && j < n) {
			size_t base = ord[j];

			memmove(ord + i + 1, ord + i, (j - i) * sizeof(*ord));
			ord[i] = base;
			for (k = 0; k < (j - i) / 2; k++) {
				size_t x = ord[i + 1 + k];

				ord[i + 1 + k] = ord[j - k];
				ord[j - k] = x;
			}
			j++;
		} else if (j == i) {
			j = i + 1;
		}
	}
}

static int has_all(void *ctx, uint32_t cp)
{
	(void)ctx;
	(void)cp;
	return 1;
}

ierr pdf_visual(const char *s, char *out, size_t outsz)
{
	size_t len, n, i, o = 0;
	uint32_t *cp = NULL;
	unsigned char *t = NULL, *lv = NULL;
	size_t *ord = NULL;
	ierr e = IE_OK;

	if (!s || !out || !outsz)
		return IE_INVALID;
	out[0] = '\0';
	len = strlen(s);
	if (!len)
		return IE_OK;
	cp = malloc(len * sizeof(*cp));
	t = malloc(len);
	lv = malloc(len);
	ord = malloc(len * sizeof(*ord));
	if (!cp || !t || !lv || !ord) {
		e = IE_NOMEM;
		goto out;
	}
	n = u8_to_cps(s, len, cp);
	n = ar_shape(cp, t, n, has_all, NULL);
	for (i = 0; i < n; i++)
		ord[i] = i;
	if (has_rtl(cp, n))
		bidi_reorder(cp, t, lv, ord, n);
	for (i = 0; i < n; i++) {
		uint32_t c = cp[ord[i]];
		size_t need = c < 0x80 ? 1 : c < 0x800 ? 2 : 3;

		if (o + need >= outsz) {
			out[0] = '\0';
			e = IE_OVERFLOW;
			goto out;
		}
		if (need == 1) {
			out[o++] = (char)c;
		} else if (need == 2) {
			out[o++] = (char)(0xc0 | (c >> 6));
			out[o++] = (char)(0x80 | (c & 0x3f));
		} else {
			out[o++] = (char)(0xe0 | (c >> 12));
			out[o++] = (char)(0x80 | ((c >> 6) & 0x3f));
			out[o++] = (char)(0x80 | (c & 0x3f));
		}
	}
	out[o] = '\0';
out:
	free(cp);
	free(t);
	free(lv);
	free(ord);
	return e;
}

static ierr add_op(struct r *r, const struct op *op)
{
	struct op *v;
	size_t cap;

	if (r->nops == r->capops) {
		cap = r->capops ? r->capops * 2 : 1024;
		v = realloc(r->ops, cap * sizeof(*v));
		if (!v)
			return IE_NOMEM;
		r->ops = v;
		r->capops = cap;
	}
	r->ops[r->nops++] = *op;
	return IE_OK;
}

/* Text op; align > 0 puts the text's right edge at x. */
static ierr op_text(struct r *r, float x, float y, float size, int bold, float gray, int align,
		    const char *s, size_t line)
{
	struct op op = { OP_TEXT, (unsigned char)bold, gray, x, y, size, 0, line, s };

	if (!s || !*s)
		return IE_OK;
	if (align > 0)
		op.x = x - text_w(r, s, size);
	return add_op(r, &op);
}

static ierr op_rule(struct r *r, float x, float y, float w, float lw, float gray, size_t line)
{
	struct op op = { OP_RULE, 0, gray, x, y, lw, w, line, NULL };

	return add_op(r, &op);
}

/*
 * Wraps s (already clean) into width and adds one text op per line: line i
 * has its baseline at y0 + i * lh and belongs to block line line0 + i.
 * *n gets the number of lines (at least 1).
 */
static ierr op_wrapped(struct r *r, float x, float y0, float width, float size, int bold,
		       float gray, int align, const char *s, size_t line0, float lh, size_t *n)
{
	struct mctx m = { r, size };
	struct pdf_span *sp;
	size_t i, cnt;
	char *t;
	ierr e;

	if ((e = pdf_wrap(r->a, s, width > 1 ? width : 1, measure, &m, &sp, &cnt)))
		return e;
	for (i = 0; i < cnt; i++) {
		if (!sp[i].len)
			continue;
		if (sp[i].off == 0 && sp[i].len == strlen(s)) {
			t = (char *)s;
		} else if (!(t = arena_strndup(r->a, s + sp[i].off, sp[i].len))) {
			return IE_NOMEM;
		}
		if ((e = op_text(r, x, y0 + (float)i * lh, size, bold, gray, align, t, line0 + i)))
			return e;
	}
	if (n)
		*n = cnt;
	return IE_OK;
}

static ierr new_block(struct r *r, struct rblock **out)
{
	struct rblock *v;
	size_t cap;

	if (r->nblocks == r->capblocks) {
		cap = r->capblocks ? r->capblocks * 2 : 64;
		v = realloc(r->blocks, cap * sizeof(*v));
		if (!v)
			return IE_NOMEM;
		r->blocks = v;
		r->capblocks = cap;
	}
	*out = &r->blocks[r->nblocks++];
	memset(*out, 0, sizeof(**out));
	(*out)->op0 = r->nops;
	return IE_OK;
}

static void end_block(struct r *r, struct rblock *b)
{
	b->nops = r->nops - b->op0;
}

/* Closes the newest block, two wrapped columns of n1 and n2 lines: as tall
 * as the longer. */
static void end_columns_block(struct r *r, float line_h, size_t n1, size_t n2)
{
	struct rblock *blk = &r->blocks[r->nblocks - 1];

	blk->b.pad = 4;
	blk->b.line_h = line_h;
	blk->b.nlines = n1 > n2 ? n1 : n2;
	end_block(r, blk);
}

/* ---- text helpers ---- */

/* Formatted text from the arena; "" and r->oom set when memory runs out,
 * so callers need not check and pdf_invoice() still fails cleanly. */
static const char *fmt(struct r *r, const char *f, ...) __attribute__((format(printf, 2, 3)));
static const char *fmt(struct r *r, const char *f, ...)
{
	va_list ap, ap2;
	char *p;
	int n;

	va_start(ap, f);
	va_copy(ap2, ap);
	n = vsnprintf(NULL, 0, f, ap2);
	va_end(ap2);
	if (n < 0 || !(p = arena_alloc(r->a, (size_t)n + 1))) {
		va_end(ap);
		r->oom = 1;
		return "";
	}
	vsnprintf(p, (size_t)n + 1, f, ap);
	va_end(ap);
	return p;
}

static const char *clean(struct r *r, const char *s)
{
	return clean_text(r->a, s, 0);
}

static const char *clean_ml(struct r *r, const char *s)
{
	return clean_text(r->a, s, 1);
}

static int has(const char *s)
{
	return s && *s;
}

/* Equal, NULL counting as "". */
static int same(const char *a, const char *b)
{
	return !strcmp(a ? a : "", b ? b : "");
}

/* Amount with code ("1,190.00 EUR") or, for table cells, without. */
static ierr fmt_amount(struct r *r, money_t v, int with_code, const char **out)
{
	char b[96], *sp;
	ierr e;

	if ((e = money_format(v, r->cur, b, sizeof(b))))
		return e;
	if (!with_code && (sp = strrchr(b, ' ')))
		*sp = '\0';
	*out = arena_strdup(r->a, b);
	return *out ? IE_OK : IE_NOMEM;
}

/* "a – b", "a" when both are equal or one is missing, "" when none. */
static const char *period_text(struct r *r, const char *a, const char *b)
{
	if (!has(a) && !has(b))
		return "";
	if (!has(a) || !has(b) || !strcmp(a, b))
		return clean(r, has(a) ? a : b);
	return fmt(r, "%s \xe2\x80\x93 %s", a, b);	/* en dash */
}

static const char *tax_text(struct r *r, const struct inv_line *l)
{
	char rate[32];

	if (has(l->tax_description))
		return clean(r, l->tax_description);
	if (pdf_format_rate(l->tax_rate, rate, sizeof(rate)))
		return "";
	return arena_strdup(r->a, rate);
}

/* Strict "YYYY-MM-DD" or "YYYY-MM-DD HH:MM:SS". */
static int parse_datetime(const char *s, HPDF_Date *d)
{
	static const char dmask[] = "dddd-dd-dd", tmask[] = " dd:dd:dd";
	size_t len = strlen(s), i;
	int v[6] = { 0, 0, 0, 0, 0, 0 };
	static const int mdays[] = { 31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31 };

	if (len != 10 && len != 19)
		return -1;
	for (i = 0; i < len; i++) {
		char m = i < 10 ? dmask[i] : tmask[i - 10];

		if (m == 'd' ? (s[i] < '0' || s[i] > '9') : s[i] != m)
			return -1;
	}
	v[0] = (s[0] - '0') * 1000 + (s[1] - '0') * 100 + (s[2] - '0') * 10 + (s[3] - '0');
	v[1] = (s[5] - '0') * 10 + (s[6] - '0');
	v[2] = (s[8] - '0') * 10 + (s[9] - '0');
	if (len == 19) {
		v[3] = (s[11] - '0') * 10 + (s[12] - '0');
		v[4] = (s[14] - '0') * 10 + (s[15] - '0');
		v[5] = (s[17] - '0') * 10 + (s[18] - '0');
	}
	if (v[0] < 1 || v[1] < 1 || v[1] > 12 || v[2] < 1 || v[2] > mdays[v[1] - 1] ||
	    v[3] > 23 || v[4] > 59 || v[5] > 59)
		return -1;
	if (v[1] == 2 && v[2] == 29 && !((v[0] % 4 == 0 && v[0] % 100) || v[0] % 400 == 0))
		return -1;
	memset(d, 0, sizeof(*d));
	d->year = v[0];
	d->month = v[1];
	d->day = v[2];
	d->hour = v[3];
	d->minutes = v[4];
	d->seconds = v[5];
	d->ind = '+';	/* UTC as +00'00' ('Z' comes out malformed in 2.3.0) */
	return 0;
}

/* ---- layout: page 1's header area ---- */

struct col {
	struct r *r;
	float x, w, y;     /* y: top of the next line, down from the area's top */
};

static ierr col_text(struct col *c, const char *s, float size, int bold, float gray, int align,
		     int multiline)
{
	float lh = size * LINE_K;
	const char *t = multiline ? clean_ml(c->r, s) : clean(c->r, s);
	size_t n = 0;
	ierr e;

	if (!t)
		return IE_NOMEM;
	if (!*t)
		return IE_OK;
	if ((e = op_wrapped(c->r, align > 0 ? c->x + c->w : c->x, c->y + size * BASE_K, c->w,
			    size, bold, gray, align, t, 0, lh, &n)))
		return e;
	c->y += (float)n * lh;
	return IE_OK;
}

/* Label on the left, value right-aligned; the value wraps under itself. */
static ierr col_pair(struct col *c, const char *label, const char *value)
{
	const float size = BODY_SIZE, lh = size * LINE_K;
	float lw;
	const char *v;
	size_t n = 0;
	ierr e;

	if (!has(value))
		return IE_OK;
	if (!(v = clean(c->r, value)))
		return IE_NOMEM;
	if ((e = op_text(c->r, c->x, c->y + size * BASE_K, size, 0, GRAY_TEXT2, 0, label, 0)))
		return e;
	lw = text_w(c->r, label, size) + 8;
	if ((e = op_wrapped(c->r, c->x + c->w, c->y + size * BASE_K, c->w - lw, size, 0, 0, 1, v,
			    0, lh, &n)))
		return e;
	c->y += (float)n * lh;
	return IE_OK;
}

static ierr layout_top(struct r *r)
{
	const struct invoice *inv = r->inv;
	const struct inv_seller *s = r->seller;
	const struct inv_party *b = &inv->buyer;
	const struct money_currency *mc = money_currency(inv->currency);
	struct col L = { r, MARGIN_X, r->bw * 0.54f, 0 };
	struct col R = { r, MARGIN_X + r->bw * 0.58f, r->bw * 0.42f, 0 };
	const char *name, *t;
	ierr e;

	r->top.op0 = r->nops;
	/* seller */
	if ((e = col_text(&L, s->name, 12.5f, 1, 0, 0, 0)))
		return e;
	L.y += 2;
	if ((e = col_text(&L, s->address, BODY_SIZE, 0, 0, 0, 1)))
		return e;
	if (has(s->tax_id) && (e = col_text(&L, fmt(r, "Tax ID: %s", s->tax_id),
					     BODY_SIZE, 0, 0, 0, 0)))
		return e;
	/* a draft carries no payment instructions: no bank account either */
	if (has(s->iban) && inv->shown != INV_DRAFT) {
		if (!(t = inv_iban_grouped(r->a, s->iban)))
			return IE_NOMEM;
		t = has(s->bic) ? fmt(r, "IBAN %s \xc2\xb7 BIC %s", t, s->bic)
				: fmt(r, "IBAN %s", t);
		if ((e = col_text(&L, t, BODY_SIZE, 0, 0, 0, 0)))
			return e;
	}
	t = fmt(r, "%s%s%s%s%s", has(s->email) ? s->email : "",
			 has(s->email) && (has(s->phone) || has(s->website)) ? " \xc2\xb7 " : "",
			 has(s->phone) ? s->phone : "",
			 has(s->phone) && has(s->website) ? " \xc2\xb7 " : "",
			 has(s->website) ? s->website : "");
	if ((e = col_text(&L, t, SMALL_SIZE, 0, GRAY_TEXT2, 0, 0)))
		return e;

	/* buyer */
	L.y += 16;
	if ((e = col_text(&L, inv->kind && !strcmp(inv->kind, "credit") ? "Credit to" : "Bill to",
			  SMALL_SIZE, 1, GRAY_TEXT2, 0, 0)))
		return e;
	L.y += 1;
	name = has(b->legal_name) ? b->legal_name : b->name;
	if ((e = col_text(&L, name, 10.5f, 1, 0, 0, 0)))
		return e;
	if (has(b->legal_name) && has(b->name) && strcmp(b->legal_name, b->name) &&
	    (e = col_text(&L, b->name, BODY_SIZE, 0, 0, 0, 0)))
		return e;
	if ((e = col_text(&L, b->street, BODY_SIZE, 0, 0, 0, 1)) ||
	    (e = col_text(&L, b->address_line2, BODY_SIZE, 0, 0, 0, 1)))
		return e;
	t = fmt(r, "%s%s%s", has(b->post_code) ? b->post_code : "",
			 has(b->post_code) && has(b->city) ? " " : "", has(b->city) ? b->city : "");
	if ((e = col_text(&L, t, BODY_SIZE, 0, 0, 0, 0)))
		return e;
	t = fmt(r, "%s%s%s", has(b->region) ? b->region : "",
			 has(b->region) && has(b->country) ? ", " : "",
			 has(b->country) ? b->country : "");
	if ((e = col_text(&L, t, BODY_SIZE, 0, 0, 0, 0)))
		return e;
	if (has(b->vat_id) && (e = col_text(&L, fmt(r, "VAT ID: %s", b->vat_id),
					     BODY_SIZE, 0, 0, 0, 0)))
		return e;
	if ((e = col_text(&L, b->email, SMALL_SIZE, 0, GRAY_TEXT2, 0, 0)))
		return e;

	/* title, number, dates */
	if ((e = col_text(&R, r->title, TITLE_SIZE, 1, 0, 1, 0)))
		return e;
	if ((e = col_text(&R, r->number, 11.5f, 0, 0, 1, 0)))
		return e;
	R.y += 10;
	/* the status as the page shows it (one label set, lib/invoice.c) */
	if ((e = col_pair(&R, "Status", inv_shown_name(inv->shown))))
		return e;
	if ((e = col_pair(&R, inv->kind && !strcmp(inv->kind, "credit") ? "Date" : "Invoice date",
			  inv->invoice_date)) ||
	    (e = col_pair(&R, "Due date", inv->due_date)) ||
	    (e = col_pair(&R, "Billing period", period_text(r, inv->period_start, inv->period_end))))
		return e;
	t = mc && strcmp(mc->symbol, mc->code) ? fmt(r, "%s (%s)", mc->code, mc->symbol)
					       : inv->currency;
	if ((e = col_pair(&R, "Currency", t)) ||
	    (e = col_pair(&R, "Credits invoice", inv->credited_number)) ||
	    (e = col_pair(&R, "Your reference", inv->buyer_reference)))
		return e;
	/* how to pay, labelled as on the page; a draft is not to be paid */
	if (inv->shown != INV_DRAFT && inv->shown != INV_CREDIT && inv->shown != INV_CANCEL &&
	    (e = col_pair(&R, "Payment means", inv_payment_label(inv->payment_means))))
		return e;

	r->top.nops = r->nops - r->top.op0;
	r->top_h = (L.y > R.y ? L.y : R.y) + 18;
	return IE_OK;
}

/* ---- layout: the line table ---- */

static const char *const col_head[NCOLS] = {
	"Description", "Period", "Quantity", "Unit price", "Tax rate", "Net", "Tax", "Gross",
};

struct row_cells {
	const char *c[NCOLS];
};

static ierr row_cells(struct r *r, const struct inv_line *l, struct row_cells *rc)
{
	char num[64];
	const char *u;
	ierr e;

	/* a line billed for the invoice's own period needs no period of its own */
	if (same(l->period_start, r->inv->period_start) && same(l->period_end, r->inv->period_end))
		rc->c[C_PERIOD] = "";
	else
		rc->c[C_PERIOD] = period_text(r, l->period_start, l->period_end);
	if (!(rc->c[C_DESC] = clean_ml(r, l->description)) || !rc->c[C_PERIOD] ||
	    !(rc->c[C_TAXR] = tax_text(r, l)))
		return IE_NOMEM;
	if ((e = pdf_format_fixed6(l->quantity, 0, num, sizeof(num))))
		return e;
	u = inv_unit_label(l->unit_code);
	rc->c[C_QTY] = *u ? fmt(r, "%s %s", num, u) : arena_strdup(r->a, num);
	if ((e = pdf_format_fixed6(l->unit_price, r->price_dec, num, sizeof(num))))
		return e;
	rc->c[C_PRICE] = arena_strdup(r->a, num);
	if ((e = fmt_amount(r, l->net, 0, &rc->c[C_NET])) ||
	    (e = fmt_amount(r, l->tax, 0, &rc->c[C_TAX])) ||
	    (e = fmt_amount(r, l->gross, 0, &rc->c[C_GROSS])))
		return e;
	if (!rc->c[C_QTY] || !rc->c[C_PRICE])
		return IE_NOMEM;
	return IE_OK;
}

/* The period on one line, or as "start –" over "end" when one line would
 * take more than cap. */
static float period_natural(struct r *r, const char *text, const struct inv_line *l, float size,
			    float cap)
{
	float a = text_w(r, text, size), b;
	const char *t;

	if (a <= cap)
		return a;
	t = fmt(r, "%s \xe2\x80\x93", l->period_start ? l->period_start : "");
	a = t ? text_w(r, t, size) : 0;
	b = text_w(r, l->period_end ? l->period_end : "", size);
	return a > b ? a : b;
}

static ierr layout_table(struct r *r)
{
	const struct invoice *inv = r->inv;
	struct row_cells *cells = NULL;
	float natural[NCOLS], w, scale, x, lh, tax_cap = r->bw * 0.14f;
	size_t i, c, nl;
	struct rblock *blk;
	ierr e;

	memset(natural, 0, sizeof(natural));
	if (inv->nlines && !(cells = arena_alloc(r->a, inv->nlines * sizeof(*cells))))
		return IE_NOMEM;
	r->col_on[C_PERIOD] = 0;
	for (i = 0; i < inv->nlines; i++) {
		if ((e = row_cells(r, &inv->lines[i], &cells[i])))
			return e;
		if (*cells[i].c[C_PERIOD])
			r->col_on[C_PERIOD] = 1;
		for (c = 0; c < NCOLS; c++) {
			if (c == C_DESC)
				continue;
			if (c == C_PERIOD)
				w = period_natural(r, cells[i].c[c], &inv->lines[i], TABLE_SIZE,
						   r->bw * 0.21f);
			else
				w = text_w(r, cells[i].c[c], TABLE_SIZE);
			if (c == C_TAXR && w > tax_cap)
				w = tax_cap;
			if (w > natural[c])
				natural[c] = w;
		}
	}
	for (c = 0; c < NCOLS; c++) {
		r->col_on[c] = c != C_PERIOD || r->col_on[C_PERIOD];
		if (!r->col_on[c]) {
			natural[c] = 0;
			continue;
		}
		w = text_w(r, col_head[c], HEAD_SIZE);
		if (w > natural[c])
			natural[c] = w;
		natural[c] += 2 * CELL_PX;
	}
	if ((e = pdf_columns(natural, NCOLS, C_DESC, r->bw * 0.26f, r->bw, r->col_w, &scale)))
		return e;
	r->tsize = TABLE_SIZE * scale;
	for (x = MARGIN_X, c = 0; c < NCOLS; c++) {
		r->col_x[c] = x;
		x += r->col_w[c];
	}
	r->head_h = HEAD_SIZE * scale * LINE_K + 2 * CELL_PY;
	lh = r->tsize * LINE_K;

	for (i = 0; i < inv->nlines; i++) {
		size_t rows = 1;

		if ((e = new_block(r, &blk)))
			return e;
		for (c = 0; c < NCOLS; c++) {
			const int right = c == C_QTY || c == C_PRICE || c >= C_NET;
			const float cx = right ? r->col_x[c] + r->col_w[c] - CELL_PX : r->col_x[c] + CELL_PX;

			if (!r->col_on[c])
				continue;
			if (right) {
				e = op_text(r, cx, CELL_PY + r->tsize * BASE_K, r->tsize, 0, 0, 1,
					    cells[i].c[c], 0);
				nl = 1;
			} else {
				e = op_wrapped(r, cx, CELL_PY + r->tsize * BASE_K,
					       r->col_w[c] - 2 * CELL_PX, r->tsize, 0,
					       c == C_DESC ? 0 : GRAY_TEXT2, 0, cells[i].c[c], 0, lh,
					       &nl);
			}
			if (e)
				return e;
			if (nl > rows)
				rows = nl;
		}
		blk = &r->blocks[r->nblocks - 1];
		blk->b.pad = 2 * CELL_PY;
		blk->b.line_h = lh;
		blk->b.nlines = rows;
		blk->b.table = 1;
		blk->rule_below = 1;
		end_block(r, blk);
	}
	return IE_OK;
}

/* ---- layout: after the table ---- */

/* Tax summary (left) beside the totals (right): one block that never splits. */
static ierr layout_summary(struct r *r)
{
	const struct invoice *inv = r->inv;
	const float size = BODY_SIZE, lh = size * LINE_K, top = 14, tsz = 9.5f;
	const float lw = r->bw * 0.52f, rx = MARGIN_X + r->bw * 0.58f, rw = r->bw * 0.42f;
	float y = top, ry = top, wnet, wtax, xcat, xnet, xtax, w;
	const char **net = NULL, **tax = NULL, *t, *cat;
	struct rblock *blk;
	char rate[32];
	size_t i, n;
	ierr e;
	struct {
		const char *label;
		money_t v;
		int bold;
	} tot[] = {
		{ "Net total", inv->net_total, 0 },
		{ "Tax", inv->tax_total, 0 },
		{ "Total", inv->total, 1 },
		{ "Paid", inv->paid, 0 },
		{ "Balance due", inv->balance, 1 },
	};

	if ((e = new_block(r, &blk)))
		return e;
	if (inv->ntaxes) {
		/* rate | category (wraps) | net | tax: the amount columns as wide as they need */
		net = arena_alloc(r->a, inv->ntaxes * sizeof(*net));
		tax = arena_alloc(r->a, inv->ntaxes * sizeof(*tax));
		if (!net || !tax)
			return IE_NOMEM;
		wnet = text_w(r, "Net", SMALL_SIZE);
		wtax = text_w(r, "Tax", SMALL_SIZE);
		for (i = 0; i < inv->ntaxes; i++) {
			if ((e = fmt_amount(r, inv->taxes[i].net, 0, &net[i])) ||
			    (e = fmt_amount(r, inv->taxes[i].tax, 0, &tax[i])))
				return e;
			if ((w = text_w(r, net[i], size)) > wnet)
				wnet = w;
			if ((w = text_w(r, tax[i], size)) > wtax)
				wtax = w;
		}
		xtax = MARGIN_X + lw;
		xnet = xtax - wtax - 12;
		xcat = MARGIN_X + text_w(r, "100.0000%", size) + 8;
		w = xnet - wnet - 10 - xcat;
		if ((e = op_text(r, MARGIN_X, y + SMALL_SIZE, SMALL_SIZE, 1, GRAY_TEXT2, 0, "Tax summary", 0)) ||
		    (e = op_text(r, xnet, y + SMALL_SIZE, SMALL_SIZE, 1, GRAY_TEXT2, 1, "Net", 0)) ||
		    (e = op_text(r, xtax, y + SMALL_SIZE, SMALL_SIZE, 1, GRAY_TEXT2, 1, "Tax", 0)))
			return e;
		y += SMALL_SIZE * LINE_K + 2;
		if ((e = op_rule(r, MARGIN_X, y, lw, 0.5f, GRAY_RULE, 0)))
			return e;
		y += 3;
		for (i = 0; i < inv->ntaxes; i++) {
			const struct inv_tax_total *tx = &inv->taxes[i];

			if ((e = pdf_format_rate(tx->rate, rate, sizeof(rate))))
				return e;
			if (!(t = arena_strdup(r->a, rate)))
				return IE_NOMEM;
			if ((e = op_text(r, MARGIN_X, y + size * BASE_K, size, 0, 0, 0, t, 0)) ||
			    (e = op_text(r, xnet, y + size * BASE_K, size, 0, 0, 1, net[i], 0)) ||
			    (e = op_text(r, xtax, y + size * BASE_K, size, 0, 0, 1, tax[i], 0)))
				return e;
			cat = inv_vat_category_name(tx->vat_category);
			if (has(tx->exemption_reason))
				cat = fmt(r, "%s: %s", cat, tx->exemption_reason);
			if (!cat || !(t = clean(r, cat)))
				return IE_NOMEM;
			if ((e = op_wrapped(r, xcat, y + size * BASE_K, w, size, 0, GRAY_TEXT2, 0, t, 0,
					    lh, &n)))
				return e;
			y += (float)n * lh + 2;
		}
	}
	/* a cancelled invoice owes nothing: no "Balance due" line (as on the page) */
	for (i = 0; i < (inv->shown == INV_CANCEL ? 4 : sizeof(tot) / sizeof(tot[0])); i++) {
		if (i == 2 || i == 4) {
			if ((e = op_rule(r, rx, ry + 1, rw, tot[i].bold ? 0.8f : 0.5f, 0.2f, 0)))
				return e;
			ry += 4;
		}
		if ((e = op_text(r, rx, ry + tsz * BASE_K, tsz, tot[i].bold,
				 tot[i].bold ? 0 : GRAY_TEXT2, 0, tot[i].label, 0)) ||
		    (e = fmt_amount(r, tot[i].v, 1, &t)) ||
		    (e = op_text(r, rx + rw, ry + tsz * BASE_K, tsz, tot[i].bold, 0, 1, t, 0)))
			return e;
		ry += tsz * LINE_K + 1;
	}
	blk = &r->blocks[r->nblocks - 1];
	blk->b.pad = (y > ry ? y : ry) + 6;
	end_block(r, blk);
	return IE_OK;
}

/* A heading that stays with what follows it. */
static ierr layout_heading(struct r *r, const char *text)
{
	struct rblock *blk;
	ierr e;

	if ((e = new_block(r, &blk)))
		return e;
	if ((e = op_text(r, MARGIN_X, 14 + 9.5f * BASE_K, 9.5f, 1, 0, 0, text, 0)) ||
	    (e = op_rule(r, MARGIN_X, 14 + 9.5f * LINE_K + 2, r->bw, 0.5f, GRAY_RULE, 0)))
		return e;
	blk = &r->blocks[r->nblocks - 1];
	blk->b.pad = 14 + 9.5f * LINE_K + 5;
	blk->b.keep_next = 1;
	end_block(r, blk);
	return IE_OK;
}

/* Paragraph text, split between lines when it must. */
static ierr layout_paragraph(struct r *r, const char *text, float size, float gray)
{
	const float lh = size * LINE_K;
	struct rblock *blk;
	size_t n;
	ierr e;

	if ((e = new_block(r, &blk)))
		return e;
	if ((e = op_wrapped(r, MARGIN_X, size * BASE_K + 2, r->bw, size, 0, gray, 0, text, 0, lh, &n)))
		return e;
	blk = &r->blocks[r->nblocks - 1];
	blk->b.pad = 4;
	blk->b.line_h = lh;
	blk->b.nlines = n;
	end_block(r, blk);
	return IE_OK;
}

/* "Label   value" rows: the label column and the value wrap independently. */
static ierr layout_pair_row(struct r *r, const char *label, const char *value, float label_w)
{
	const float size = BODY_SIZE, lh = size * LINE_K;
	struct rblock *blk;
	size_t n1, n2;
	ierr e;

	if ((e = new_block(r, &blk)))
		return e;
	if ((e = op_wrapped(r, MARGIN_X, size * BASE_K + 2, label_w - 8, size, 0, GRAY_TEXT2, 0,
			    label, 0, lh, &n1)) ||
	    (e = op_wrapped(r, MARGIN_X + label_w, size * BASE_K + 2, r->bw - label_w, size, 0, 0, 0,
			    value, 0, lh, &n2)))
		return e;
	end_columns_block(r, lh, n1, n2);
	return IE_OK;
}

static ierr layout_payments(struct r *r)
{
	const struct invoice *inv = r->inv;
	const float size = BODY_SIZE, lh = size * LINE_K;
	const float xm = MARGIN_X + 70, xr = MARGIN_X + 190, xa = MARGIN_X + r->bw;
	struct rblock *blk;
	const char *t;
	size_t i, n1, n2;
	ierr e;

	if (!inv->npayments)
		return IE_OK;
	if ((e = layout_heading(r, "Payments received")))
		return e;
	for (i = 0; i < inv->npayments; i++) {
		const struct inv_payment *p = &inv->payments[i];

		if ((e = new_block(r, &blk)))
			return e;
		if (!(t = clean(r, p->date)) ||
		    (e = op_text(r, MARGIN_X, size * BASE_K + 2, size, 0, 0, 0, t, 0)))
			return t ? e : IE_NOMEM;
		if (!(t = clean(r, inv_payment_label(p->method))))
			return IE_NOMEM;
		if ((e = op_wrapped(r, xm, size * BASE_K + 2, xr - xm - 8, size, 0, GRAY_TEXT2, 0, t, 0,
				    lh, &n1)))
			return e;
		if (!(t = clean(r, p->reference)))
			return IE_NOMEM;
		if ((e = op_wrapped(r, xr, size * BASE_K + 2, xa - 100 - xr, size, 0, 0, 0, t, 0, lh,
				    &n2)))
			return e;
		if ((e = fmt_amount(r, p->amount, 1, &t)) ||
		    (e = op_text(r, xa, size * BASE_K + 2, size, 0, 0, 1, t, 0)))
			return e;
		end_columns_block(r, lh, n1, n2);
	}
	return IE_OK;
}

static ierr layout_after(struct r *r)
{
	const struct invoice *inv = r->inv;
	const int credit = inv->kind && !strcmp(inv->kind, "credit");
	const char *t, *bal, *iban;
	size_t i;
	ierr e;

	if ((e = layout_summary(r)))
		return e;
	/* payment instructions while something is to be paid */
	(void)credit;
	if ((inv->shown == INV_DUE || inv->shown == INV_PARTIAL || inv->shown == INV_OVERDUE) && inv->balance > 0) {
		if ((e = fmt_amount(r, inv->balance, 1, &bal)))
			return e;
		iban = has(r->seller->iban) ? inv_iban_grouped(r->a, r->seller->iban) : NULL;
		t = fmt(r, "Please pay %s%s%s%s%s%s%s%s%s.", bal,
				 has(inv->due_date) ? " by " : "", has(inv->due_date) ? inv->due_date : "",
				 iban ? " to IBAN " : "", iban ? iban : "",
				 iban && has(r->seller->bic) ? " (BIC " : "",
				 iban && has(r->seller->bic) ? r->seller->bic : "",
				 iban && has(r->seller->bic) ? ")" : "",
				 has(inv->number) ? fmt(r, ", quoting %s", inv->number) : "");
		if (!t || !(t = clean(r, t)))
			return IE_NOMEM;
		if ((e = layout_paragraph(r, t, BODY_SIZE, 0)))
			return e;
	}
	if ((e = layout_payments(r)))
		return e;
	if (inv->nfields) {
		if ((e = layout_heading(r, "Additional information")))
			return e;
		for (i = 0; i < inv->nfields; i++) {
			const char *l = clean(r, inv->fields[i].label), *v = clean_ml(r, inv->fields[i].value);

			if (!l || !v)
				return IE_NOMEM;
			if ((e = layout_pair_row(r, l, v, r->bw * 0.3f)))
				return e;
		}
	}
	if (has(inv->notes)) {
		if (!(t = clean_ml(r, inv->notes)))
			return IE_NOMEM;
		if (*t && ((e = layout_heading(r, "Notes")) ||
			   (e = layout_paragraph(r, t, BODY_SIZE, 0))))
			return e;
	}
	return IE_OK;
}

/* ---- drawing ---- */

static void g_reset(struct r *r)
{
	r->in_text = 0;
	r->g_size = -1;
	r->g_fill = -1;
	r->g_stroke = -1;
	r->g_lw = -1;
	r->g_bold = -1;
	r->g_face = -1;
}

static void t_end(struct r *r)
{
	if (r->in_text) {
		HPDF_Page_EndText(r->page);
		r->in_text = 0;
	}
}

static void set_fill(struct r *r, float g)
{
	if (r->g_fill != g) {
		HPDF_Page_SetGrayFill(r->page, g);
		r->g_fill = g;
	}
}

static void set_stroke(struct r *r, float g, float lw)
{
	if (r->g_stroke != g) {
		HPDF_Page_SetGrayStroke(r->page, g);
		r->g_stroke = g;
	}
	if (r->g_lw != lw) {
		HPDF_Page_SetLineWidth(r->page, lw);
		r->g_lw = lw;
	}
}

/* Selects face f at size (once per change); 0 when it has no PDF font. */
static int set_face(struct r *r, int f, float size)
{
	HPDF_Font font = face_font(r, f);

	if (!font)
		return 0;
	if (r->g_face != f || r->g_size != size) {
		HPDF_Page_SetFontAndSize(r->page, font, size);
		r->g_face = f;
		r->g_size = size;
	}
	return 1;
}

static void mark_used(struct r *r, int f, uint32_t cp)
{
	r->faces[f].used[cp >> 11] |= (unsigned char)(1u << ((cp >> 8) & 7));
}

/*
 * Shows s from the current point: one run per face, in visual order. The
 * first run starts at (x, y); each next one where the last ended.
 */
static void show_runs(struct r *r, float x, float y, float size, const char *s)
{
	size_t len = strlen(s), n, i, j, o;
	int first = 1;

	if (all_ascii(s, len)) {
		if (set_face(r, 0, size)) {
			r->faces[0].used[0] |= 1;
			HPDF_Page_TextOut(r->page, x, y, s);
		}
		return;
	}
	if (!(n = shape(r, s, len)))
		return;
	if (has_rtl(r->sc_cp, n)) {
		bidi_reorder(r->sc_cp, r->sc_type, r->sc_level, r->sc_ord, n);
	} else {
		for (i = 0; i < n; i++)
			r->sc_ord[i] = i;
	}
	for (i = 0; i < n; i = j) {
		int f = r->sc_face[r->sc_ord[i]] < 0 ? 0 : r->sc_face[r->sc_ord[i]];

		for (j = i, o = 0; j < n; j++) {
			size_t k = r->sc_ord[j];
			uint32_t c = r->sc_cp[k];

			if ((r->sc_face[k] < 0 ? 0 : r->sc_face[k]) != f)
				break;
			mark_used(r, f, c);
			if (c < 0x80) {
				r->sc_utf[o++] = (char)c;
			} else if (c < 0x800) {
				r->sc_utf[o++] = (char)(0xc0 | (c >> 6));
				r->sc_utf[o++] = (char)(0x80 | (c & 0x3f));
			} else {
				r->sc_utf[o++] = (char)(0xe0 | (c >> 12));
				r->sc_utf[o++] = (char)(0x80 | ((c >> 6) & 0x3f));
				r->sc_utf[o++] = (char)(0x80 | (c & 0x3f));
			}
		}
		r->sc_utf[o] = '\0';
		if (!set_face(r, f, size))
			continue;
		if (first)
			HPDF_Page_TextOut(r->page, x, y, r->sc_utf);
		else
			HPDF_Page_ShowText(r->page, r->sc_utf);
		first = 0;
	}
}

/* y: baseline, up from the page bottom. */
static void draw_text(struct r *r, float x, float y, float size, int bold, float gray, const char *s)
{
	if (!r->in_text) {
		HPDF_Page_BeginText(r->page);
		r->in_text = 1;
	}
	set_fill(r, gray);
	if (bold) {
		set_stroke(r, gray, size * 0.035f);	/* bold: fill + a thin outline */
	}
	if (r->g_bold != bold) {
		HPDF_Page_SetTextRenderingMode(r->page, bold ? HPDF_FILL_THEN_STROKE : HPDF_FILL);
		r->g_bold = bold;
	}
	show_runs(r, x, y, size, s);
}

static void draw_rule(struct r *r, float x, float y, float w, float lw, float gray)
{
	t_end(r);
	set_stroke(r, gray, lw);
	HPDF_Page_MoveTo(r->page, x, y);
	HPDF_Page_LineTo(r->page, x + w, y);
	HPDF_Page_Stroke(r->page);
}

static void draw_box(struct r *r, float x, float y, float w, float h, float gray)
{
	t_end(r);
	set_fill(r, gray);
	HPDF_Page_Rectangle(r->page, x, y, w, h);
	HPDF_Page_Fill(r->page);
}

/* Ops [op0, op0+n) with lines [first, first+nlines) (all when nlines is 0);
 * top: the block's top in page coordinates, shifted so line `first` is on top. */
static void draw_ops(struct r *r, size_t op0, size_t n, size_t first, size_t nlines, float top,
		     float line_h)
{
	size_t i;
	float base = top + (float)first * line_h;

	for (i = op0; i < op0 + n; i++) {
		const struct op *op = &r->ops[i];

		if (nlines && (op->line < first || op->line >= first + nlines))
			continue;
		switch (op->kind) {
		case OP_TEXT:
			draw_text(r, op->x, base - op->y, op->size, op->bold, op->gray, op->s);
			break;
		case OP_RULE:
			draw_rule(r, op->x, base - op->y, op->w, op->size, op->gray);
			break;
		}
	}
}

static void draw_watermark(struct r *r, const char *word)
{
	const float cx = r->pw / 2, cy = r->ph / 2, a = 0.7071068f;	/* 45 degrees */
	float w1 = text_w(r, word, 1), size, tw, cap;

	size = r->ph * 0.8f / w1;
	if (size > 140)
		size = 140;
	tw = w1 * size;
	cap = size * 0.72f;
	t_end(r);
	set_fill(r, GRAY_WATERMARK);
	HPDF_Page_BeginText(r->page);
	HPDF_Page_SetFontAndSize(r->page, r->font, size);
	r->g_size = size;
	r->g_face = 0;
	r->faces[0].used[0] |= 1;	/* the words are ASCII */
	if (r->g_bold != 0) {
		HPDF_Page_SetTextRenderingMode(r->page, HPDF_FILL);
		r->g_bold = 0;
	}
	/* centre of the text's box on the page's centre */
	HPDF_Page_SetTextMatrix(r->page, a, a, -a, a, cx - a * (tw / 2) + a * (cap / 2),
				cy - a * (tw / 2) - a * (cap / 2));
	HPDF_Page_ShowText(r->page, word);
	HPDF_Page_EndText(r->page);
}

static void draw_table_header(struct r *r, float top)
{
	const float size = HEAD_SIZE * (r->tsize / TABLE_SIZE);
	size_t c;

	draw_box(r, MARGIN_X, top - r->head_h, r->bw, r->head_h, GRAY_HEAD_BG);
	for (c = 0; c < NCOLS; c++) {
		const int right = c == C_QTY || c == C_PRICE || c >= C_NET;
		float x = r->col_x[c] + CELL_PX;

		if (!r->col_on[c])
			continue;
		if (right)
			x = r->col_x[c] + r->col_w[c] - CELL_PX - text_w(r, col_head[c], size);
		draw_text(r, x, top - CELL_PY - size * BASE_K, size, 1, 0.15f, col_head[c]);
	}
}

static ierr start_page(struct r *r, unsigned pageno, unsigned npages, const char *paper)
{
	const char *wm = pdf_watermark(r->inv->status);
	const char *t;
	char buf[64];

	t_end(r);
	r->page = HPDF_AddPage(r->doc);
	if (!r->page)
		return hpdf_ierr(r) ? hpdf_ierr(r) : IE_INTERNAL;
	HPDF_Page_SetSize(r->page, !strcmp(paper, "Letter") ? HPDF_PAGE_SIZE_LETTER : HPDF_PAGE_SIZE_A4,
			  HPDF_PAGE_PORTRAIT);
	g_reset(r);
	if (wm)
		draw_watermark(r, wm);
	if (pageno == 0) {
		draw_ops(r, r->top.op0, r->top.nops, 0, 0, r->ph - MARGIN_TOP, 0);
	} else {
		t = fmt(r, "%s %s", r->title, r->number);
		if (t)
			draw_text(r, MARGIN_X, r->ph - MARGIN_TOP - 9, 9, 1, 0, t);
		t = clean(r, r->seller->name);
		if (t && *t)
			draw_text(r, MARGIN_X + r->bw - text_w(r, t, SMALL_SIZE), r->ph - MARGIN_TOP - 9,
				  SMALL_SIZE, 0, GRAY_TEXT2, t);
		draw_rule(r, MARGIN_X, r->ph - MARGIN_TOP - 15, r->bw, 0.5f, GRAY_RULE);
	}
	/* footer */
	draw_rule(r, MARGIN_X, FOOTER_Y + 11, r->bw, 0.5f, GRAY_RULE);
	t = has(r->seller->iban) && r->inv->shown != INV_DRAFT ? inv_iban_grouped(r->a, r->seller->iban) : NULL;
	t = t ? fmt(r, "%s \xc2\xb7 %s \xc2\xb7 IBAN %s",
			     has(r->seller->name) ? r->seller->name : "", r->number, t)
	      : fmt(r, "%s \xc2\xb7 %s",
			     has(r->seller->name) ? r->seller->name : "", r->number);
	if (t && (t = clean(r, t)))
		draw_text(r, MARGIN_X, FOOTER_Y, SMALL_SIZE, 0, GRAY_TEXT2, t);
	snprintf(buf, sizeof(buf), "Page %u of %u", pageno + 1, npages);
	draw_text(r, MARGIN_X + r->bw - text_w(r, buf, SMALL_SIZE), FOOTER_Y, SMALL_SIZE, 0,
		  GRAY_TEXT2, buf);
	return IE_OK;
}

static ierr draw_all(struct r *r, const struct pdf_plan *plan, const char *paper)
{
	float flow_top;
	unsigned page = 0;
	size_t i;
	ierr e;

	if ((e = start_page(r, 0, plan->npages, paper)))
		return e;
	flow_top = r->ph - MARGIN_TOP - r->top_h;
	for (i = 0; i < plan->npieces; i++) {
		const struct pdf_piece *pc = &plan->pieces[i];
		const struct rblock *b = &r->blocks[pc->block];
		float top;

		while (page < pc->page) {
			if ((e = start_page(r, ++page, plan->npages, paper)))
				return e;
			flow_top = r->ph - MARGIN_TOP - CONT_HEADER_H;
		}
		top = flow_top - pc->y;
		if (pc->header)
			draw_table_header(r, top + r->head_h);
		draw_ops(r, b->op0, b->nops, pc->first, b->b.nlines ? pc->nlines : 0, top, b->b.line_h);
		if (b->rule_below)
			draw_rule(r, MARGIN_X,
				  top - b->b.pad - (float)pc->nlines * b->b.line_h, r->bw, 0.3f,
				  GRAY_RULE);
	}
	while (page + 1 < plan->npages)
		if ((e = start_page(r, ++page, plan->npages, paper)))
			return e;
	t_end(r);
	return IE_OK;
}

/* ---- document ---- */

static uint64_t fnv1a(uint64_t h, const char *s)
{
	for (; s && *s; s++) {
		h ^= (unsigned char)*s;
		h *= 0x100000001b3ULL;
	}
	h ^= 0xff;	/* field separator */
	h *= 0x100000001b3ULL;
	return h;
}

static void id_bytes(uint64_t a, uint64_t b, HPDF_BYTE out[16])
{
	int i;

	for (i = 0; i < 8; i++) {
		out[i] = (HPDF_BYTE)(a >> (56 - 8 * i));
		out[8 + i] = (HPDF_BYTE)(b >> (56 - 8 * i));
	}
}

/* Trailer /ID [identity state]: no clock, no randomness. */
static void set_doc_id(struct r *r)
{
	const struct invoice *inv = r->inv;
	char num[96];
	HPDF_BYTE id0[16], id1[16];
	uint64_t h1, h2;
	HPDF_Array arr;

	snprintf(num, sizeof(num), "%lld", inv->id);
	h1 = fnv1a(fnv1a(fnv1a(0xcbf29ce484222325ULL, num), inv->kind), inv->number);
	h2 = fnv1a(fnv1a(fnv1a(0x84222325cbf29ce4ULL, num), inv->kind), inv->number);
	id_bytes(h1, h2, id0);
	snprintf(num, sizeof(num), "%s/%lld/%lld/%lld", inv->status ? inv->status : "",
		 (long long)inv->paid, (long long)inv->balance, (long long)inv->total);
	id_bytes(fnv1a(h1, num), fnv1a(h2, num), id1);
	arr = HPDF_Array_New(r->doc->mmgr);
	if (!arr)
		return;
	if (HPDF_Dict_Add(r->doc->trailer, "ID", arr) != HPDF_OK)
		return;
	HPDF_Array_Add(arr, HPDF_Binary_New(r->doc->mmgr, id0, 16));
	HPDF_Array_Add(arr, HPDF_Binary_New(r->doc->mmgr, id1, 16));
}

static ierr set_info(struct r *r)
{
	const struct invoice *inv = r->inv;
	const char *date = has(inv->issued_at) ? inv->issued_at : inv->invoice_date;
	const char *buyer = has(inv->buyer.legal_name) ? inv->buyer.legal_name : inv->buyer.name;
	const char *t, *total;
	HPDF_Date d;
	ierr e;

	if (!(t = fmt(r, "%s %s", r->title, r->number)))
		return IE_NOMEM;
	HPDF_SetInfoAttr(r->doc, HPDF_INFO_TITLE, t);
	if (has(r->seller->name) && (t = clean(r, r->seller->name)))
		HPDF_SetInfoAttr(r->doc, HPDF_INFO_AUTHOR, t);
	if ((e = fmt_amount(r, inv->total, 1, &total)))
		return e;
	t = fmt(r, "%s %s%s%s, %s%s%s", r->title, r->number, has(buyer) ? " to " : "",
			 has(buyer) ? buyer : "", total, has(inv->due_date) ? ", due " : "",
			 has(inv->due_date) ? inv->due_date : "");
	if (!t || !(t = clean(r, t)))
		return IE_NOMEM;
	HPDF_SetInfoAttr(r->doc, HPDF_INFO_SUBJECT, t);
	HPDF_SetInfoAttr(r->doc, HPDF_INFO_CREATOR, "invoice-manager");
	if (has(date)) {
		if (parse_datetime(date, &d))
			return IE_INVALID;
		HPDF_SetInfoDateAttr(r->doc, HPDF_INFO_CREATION_DATE, d);
		HPDF_SetInfoDateAttr(r->doc, HPDF_INFO_MOD_DATE, d);
	}
	set_doc_id(r);
	return IE_OK;
}

/* ToUnicode entries, written in blocks of at most 100 as CMaps require. */
struct cmapw {
	HPDF_Stream st;
	const char *kind;          /* "bfrange" | "bfchar" */
	char buf[100 * 32];
	size_t len;
	unsigned n;
	HPDF_STATUS ret;
};

static void cmapw_flush(struct cmapw *w)
{
	char line[32];

	if (!w->n)
		return;
	snprintf(line, sizeof(line), "%u begin%s\n", w->n, w->kind);
	w->ret |= HPDF_Stream_WriteStr(w->st, line);
	w->ret |= HPDF_Stream_Write(w->st, (const HPDF_BYTE *)w->buf, (HPDF_UINT)w->len);
	snprintf(line, sizeof(line), "end%s\n", w->kind);
	w->ret |= HPDF_Stream_WriteStr(w->st, line);
	w->n = 0;
	w->len = 0;
}

static void cmapw_add(struct cmapw *w, const char *line)
{
	size_t l = strlen(line);

	memcpy(w->buf + w->len, line, l);
	w->len += l;
	if (++w->n == 100)
		cmapw_flush(w);
}

/*
 * libharu 2.3.0 gives a UTF-8 font as ToUnicode its encoding CMap, whose
 * "begincidrange" is no ToUnicode operator (poppler: "Invalid
 * 'begincidrange' operator in ToUnicode CMap"). This writes a proper one
 * into the same stream: codes are Unicode (CID = code point), so each block
 * of 256 code points the face drew maps to itself by one bfrange, except
 * the Arabic presentation forms, which map back to their letters (bfchar;
 * lam-alef to both).
 */
static ierr write_tounicode(struct r *r, struct face *f)
{
	static const char head[] =
		"/CIDInit /ProcSet findresource begin\n12 dict begin\nbegincmap\n"
		"/CIDSystemInfo << /Registry (Adobe) /Ordering (UCS) /Supplement 0 >> def\n"
		"/CMapName /Adobe-Identity-UCS def\n/CMapType 2 def\n"
		"1 begincodespacerange\n<0000> <FFFF>\nendcodespacerange\n";
	static const char tail[] =
		"endcmap\nCMapName currentdict /CMap defineresource pop\nend\nend\n";
	struct cmapw rg = { 0 }, ch = { 0 };
	HPDF_Dict tu;
	HPDF_Stream st;
	char line[32];
	unsigned hi, c, from;
	uint32_t b[2];
	int nb;

	tu = HPDF_Dict_GetItem(f->font, "ToUnicode", HPDF_OCLASS_DICT);
	if (!tu) {
		if (r->herr.no)
			return hpdf_ierr(r);
		if (!(tu = HPDF_DictStream_New(r->doc->mmgr, r->doc->xref)) ||
		    HPDF_Dict_Add(f->font, "ToUnicode", tu) != HPDF_OK)
			return r->herr.no ? hpdf_ierr(r) : IE_INTERNAL;
	}
	if (!(st = HPDF_MemStream_New(r->doc->mmgr, 4096)))
		return IE_NOMEM;
	if (tu->stream)
		HPDF_Stream_Free(tu->stream);
	tu->stream = st;
	tu->filter = HPDF_STREAM_FILTER_FLATE_DECODE;
	rg.st = ch.st = st;
	rg.kind = "bfrange";
	ch.kind = "bfchar";
	rg.ret = HPDF_Stream_WriteStr(st, head);
	for (hi = 0; hi < 256; hi++) {
		if (!(f->used[hi >> 3] & (1u << (hi & 7))) || (hi >= 0xd8 && hi <= 0xdf))
			continue;
		if (hi < 0xfb || hi > 0xfe) {
			snprintf(line, sizeof(line), "<%02X00> <%02XFF> <%02X00>\n", hi, hi, hi);
			cmapw_add(&rg, line);
			continue;
		}
		for (c = hi << 8, from = c; c <= (hi << 8 | 0xff); c++) {
			if (!(nb = pres_base(c, b)))
				continue;
			if (from < c) {
				snprintf(line, sizeof(line), "<%04X> <%04X> <%04X>\n", from, c - 1, from);
				cmapw_add(&rg, line);
			}
			if (nb == 1)
				snprintf(line, sizeof(line), "<%04X> <%04X>\n", c, (unsigned)b[0]);
			else
				snprintf(line, sizeof(line), "<%04X> <%04X%04X>\n", c, (unsigned)b[0],
					 (unsigned)b[1]);
			cmapw_add(&ch, line);
			from = c + 1;
		}
		if (from <= (hi << 8 | 0xff)) {
			snprintf(line, sizeof(line), "<%04X> <%04X> <%04X>\n", from, hi << 8 | 0xff, from);
			cmapw_add(&rg, line);
		}
	}
	cmapw_flush(&rg);
	cmapw_flush(&ch);
	rg.ret |= rg.ret | ch.ret | HPDF_Stream_WriteStr(st, tail);
	if (rg.ret != HPDF_OK || r->herr.no)
		return r->herr.no ? hpdf_ierr(r) : IE_INTERNAL;
	return IE_OK;
}

/* Every face that drew something gets its proper ToUnicode map. */
static ierr fix_tounicode(struct r *r)
{
	size_t i;
	ierr e;

	for (i = 0; i < r->nfaces; i++)
		if (r->faces[i].font && (e = write_tounicode(r, &r->faces[i])))
			return e;
	return IE_OK;
}

static ierr open_doc(struct r *r, const char *font_path)
{
	const char *name;

	r->doc = HPDF_New(hpdf_on_error, &r->herr);
	if (!r->doc)
		return IE_NOMEM;
	HPDF_SetCompressionMode(r->doc, HPDF_COMP_ALL);
	HPDF_UseUTFEncodings(r->doc);
	HPDF_SetCurrentEncoder(r->doc, "UTF-8");
	if (r->herr.no)
		return hpdf_ierr(r);
	name = HPDF_LoadTTFontFromFile(r->doc, font_path, HPDF_TRUE);
	if (!name)
		return r->herr.no ? hpdf_ierr(r) : IE_IO;
	r->font = HPDF_GetFont(r->doc, name, "UTF-8");
	if (!r->font)
		return r->herr.no ? hpdf_ierr(r) : IE_INTERNAL;
	r->faces[0].path = font_path;
	r->faces[0].name = name;
	r->faces[0].def = HPDF_GetFontDef(r->doc, name);
	r->faces[0].font = r->font;
	r->faces[0].state = 1;
	if (!r->faces[0].def)
		return r->herr.no ? hpdf_ierr(r) : IE_INTERNAL;
	return hpdf_ierr(r);
}

static ierr save_doc(struct r *r, struct buf *out)
{
	HPDF_UINT32 size;
	HPDF_UINT n;
	ierr e;

	if (HPDF_SaveToStream(r->doc) != HPDF_OK || r->herr.no)
		return r->herr.no ? hpdf_ierr(r) : IE_INTERNAL;
	size = HPDF_GetStreamSize(r->doc);
	if (!size)
		return IE_INTERNAL;
	if ((e = buf_grow(out, size)))
		return e;
	n = size;
	if (HPDF_ReadFromStream(r->doc, (HPDF_BYTE *)out->data + out->len, &n) != HPDF_OK &&
	    n != size)
		return r->herr.no ? hpdf_ierr(r) : IE_INTERNAL;
	if (n != size)
		return IE_INTERNAL;
	out->len += n;
	out->data[out->len] = '\0';
	return IE_OK;
}

ierr pdf_invoice(const struct invoice *inv, const struct inv_seller *seller,
		 const struct pdf_opts *o, struct buf *out)
{
	struct r r;
	struct pdf_plan plan;
	struct pdf_block *bl = NULL;
	const char *paper;
	const struct money_currency *mc;
	size_t i, old_len = out ? out->len : 0;
	ierr e;

	memset(&r, 0, sizeof(r));
	if (!inv || !seller || !o || !out || !has(o->font_path) || !inv->status ||
	    (inv->nlines && !inv->lines) || (inv->ntaxes && !inv->taxes) ||
	    (inv->npayments && !inv->payments) || (inv->nfields && !inv->fields)) {
		e = IE_INVALID;
		goto out;
	}
	paper = o->paper ? o->paper : "A4";
	if (strcmp(paper, "A4") && strcmp(paper, "Letter")) {
		e = IE_INVALID;
		goto out;
	}
	if (!(mc = money_currency(inv->currency))) {
		e = IE_INVALID;
		goto out;
	}
	r.inv = inv;
	r.seller = seller;
	r.cur = mc->code;
	r.price_dec = mc->exponent;
	r.pw = !strcmp(paper, "Letter") ? 612.0f : 595.276f;
	r.ph = !strcmp(paper, "Letter") ? 792.0f : 841.89f;
	r.bw = r.pw - 2 * MARGIN_X;
	if (!(r.a = arena_new())) {
		e = IE_NOMEM;
		goto out;
	}
	if (inv->kind && !strcmp(inv->kind, "credit"))
		r.title = "Credit note";
	else if (has(o->title_prefix))
		r.title = clean(&r, o->title_prefix);
	else
		r.title = "Invoice";
	if (!strcmp(inv->status, "draft") || !has(inv->number))
		r.number = fmt(&r, "Draft #%lld", inv->id);
	else
		r.number = clean(&r, inv->number);
	if (!r.title || !r.number) {
		e = IE_NOMEM;
		goto out;
	}

	r.nfaces = 1;
	for (i = 0; i < PDF_MAX_FALLBACK; i++)
		if (has(o->fallback_fonts[i]))
			r.faces[r.nfaces++].path = o->fallback_fonts[i];
	if ((e = open_doc(&r, o->font_path)))
		goto out;
	if ((e = set_info(&r)))
		goto out;
	if ((e = layout_top(&r)) || (e = layout_table(&r)) || (e = layout_after(&r)))
		goto out;

	if (r.nblocks && !(bl = malloc(r.nblocks * sizeof(*bl)))) {
		e = IE_NOMEM;
		goto out;
	}
	for (i = 0; i < r.nblocks; i++)
		bl[i] = r.blocks[i].b;
	{
		float first_h = r.ph - MARGIN_TOP - r.top_h - MARGIN_BOTTOM;
		float next_h = r.ph - MARGIN_TOP - CONT_HEADER_H - MARGIN_BOTTOM;

		if (first_h < 1)
			first_h = 1;
		if ((e = pdf_plan_pages(r.a, bl, r.nblocks, first_h, next_h, r.head_h, &plan)))
			goto out;
	}
	if ((e = draw_all(&r, &plan, paper)))
		goto out;
	if (r.oom) {
		e = IE_NOMEM;
		goto out;
	}
	if (r.herr.no) {
		e = hpdf_ierr(&r);
		goto out;
	}
	if ((e = fix_tounicode(&r)))
		goto out;
	e = save_doc(&r, out);
out:
	if (e) {
		last_hpdf_no = r.herr.no;
		last_hpdf_detail = r.herr.detail;
		if (out)
			out->len = old_len;
		if (out && out->data)
			out->data[out->len] = '\0';
	}
	if (r.doc)
		HPDF_Free(r.doc);
	free(bl);
	free(r.ops);
	free(r.blocks);
	free(r.sc_cp);
	free(r.sc_face);
	free(r.sc_type);
	free(r.sc_level);
	free(r.sc_ord);
	free(r.sc_utf);
	if (r.a)
		arena_free(r.a);
	return e;
}
