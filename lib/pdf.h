/*
 * pdf.h — the invoice PDF (libharu), and the pure layout maths behind it.
 *
 * pdf_invoice() draws one `struct invoice` (invoice.h) as an A4 or Letter
 * PDF into a buffer:
 *
 *   page 1   seller block (name, address, tax id, IBAN/BIC, contact) and
 *            "Bill to" buyer block (legal name / name, address, VAT id) on
 *            the left; title ("Invoice" / "Credit note"), number ("Draft #id"
 *            for drafts), the status (inv->shown, the list's label: Draft,
 *            Due, Partly paid, Overdue, Paid, Cancelled, Credit note) and the
 *            dates (invoice, due, billing period), currency, credited invoice,
 *            buyer reference and the payment means (inv_payment_label, as on
 *            the page; not on drafts, credit notes or cancelled ones) on the
 *            right;
 *   table    one row per line: description (wrapped, never cut), period,
 *            quantity + unit, unit price, tax (description or rate), net,
 *            tax, gross; it breaks across pages, its header repeated on
 *            each page it continues on;
 *   after    tax summary per rate (with exemption reasons) beside the
 *            totals (net, tax, total, paid, balance due; a cancelled invoice
 *            has no balance due); payment instructions only while shown Due,
 *            Partly paid or Overdue with a balance (a draft carries none, and
 *            no IBAN in its seller block or footer either); payment history
 *            (methods labelled by inv_payment_label); custom fields; notes;
 *   pages    "Page x of y" and the seller's name/IBAN in every footer, a
 *            short "continued" header from page 2 on, and a big light-grey
 *            diagonal "DRAFT" (status draft) or "CANCELLED" (status void)
 *            behind the content of every page.
 *
 * Amounts are shown with money_format (thousands separators, the currency's
 * exponent); table cells leave the code out (the header says the currency).
 * Quantities and unit prices (6-decimal fixed point) are shown trimmed:
 * 0.0045, 1,234.5; unit prices keep at least the currency's decimals (12.50).
 * No floating point touches money: floats are coordinates only.
 *
 * Text: UTF-8 throughout (names like "Zoë Müller", "Łódź", "Škoda"; € £ ¥)
 * in the main embedded font, the DejaVu Sans subset that tools/mkfont.sh
 * builds (Latin, Greek, Cyrillic, punctuation, currency symbols). Bold is
 * drawn by filling and stroking the same font, which keeps the font work —
 * nearly all of a PDF's cost — to one font. Per character, text the main
 * font has no glyph for is drawn in the first fallback font that has one
 * (o->fallback_fonts, in order: by default Hebrew/Arabic/more DejaVu, then
 * CJK); a fallback is read only when a document has such text and embedded
 * only when it draws something, so Latin documents never touch it. Each
 * string is split into runs of one font, measured (wrapping, alignment)
 * and drawn by the same runs. Right-to-left text (Hebrew, Arabic) is drawn
 * in visual order (a simplified Unicode bidi algorithm per drawn line:
 * paragraph direction from the first strong character, numbers stay left to
 * right, brackets mirrored), Arabic letters joined through their
 * presentation forms (isolated/initial/medial/final, lam-alef ligatures).
 * Each font's ToUnicode map gives text extraction the characters (Arabic
 * presentation forms map back to the letters), in the visual order drawn.
 * Characters no font has print as the main font's missing-glyph box; invalid
 * UTF-8 and code points beyond the BMP print as U+FFFD, control characters
 * as spaces.
 *
 * Determinism: the same input gives the same bytes. No clock is read:
 * CreationDate and ModDate come from inv->issued_at (else inv->invoice_date,
 * else none); the trailer /ID is a hash of the invoice's identity (first
 * half: id, kind, number) and state (second half: also status, paid,
 * balance, total), so a re-render after a payment or voiding keeps the
 * first half and changes the second, as PDF readers expect.
 * Metadata: Title "Invoice INV-2026-000001", Author the seller's name,
 * Subject with buyer, total and due date, Creator "invoice-manager".
 *
 * Budget (DESIGN.md): 20 lines under 5 ms, 500 lines under 30 ms in-process;
 * tests/bench/pdf_bench measures it.
 */
#ifndef INVOICE_PDF_H
#define INVOICE_PDF_H

#include <stddef.h>
#include <stdint.h>
#include "buf.h"
#include "err.h"
#include "invoice.h"

#define PDF_MAX_FALLBACK 4

struct pdf_opts {
	const char *paper;         /* "A4" | "Letter"; NULL means "A4" */
	const char *font_path;     /* the subset TTF (fonts/invoice-sans.ttf) */
	const char *title_prefix;  /* e.g. "Invoice"; NULL or "" means "Invoice".
				      Credit notes are titled "Credit note". */
	/* TrueType (glyf) fonts for characters font_path lacks, tried in order
	 * (fonts/invoice-sans-extra.ttf, fonts/invoice-cjk.ttf); NULL or ""
	 * entries are skipped. A fallback that a document needs but cannot be
	 * read fails the document (IE_IO), as the main font does. */
	const char *fallback_fonts[PDF_MAX_FALLBACK];
};

/*
 * Renders inv into out (the PDF bytes are appended). Same input => same bytes.
 *
 * Returns IE_OK; IE_INVALID for a missing argument, an unknown paper size or
 * currency, or a malformed date; IE_IO when the font (or a fallback font the
 * text needs) cannot be read;
 * IE_NOMEM when memory runs out; IE_INTERNAL for any other libharu error
 * (libharu reports through an error handler; nothing here can crash or
 * exit on its errors). On error out holds what it held before the call.
 */
ierr pdf_invoice(const struct invoice *inv, const struct inv_seller *seller,
		 const struct pdf_opts *o, struct buf *out);

/* libharu's code (hpdf_error.h) and detail of the last failed pdf_invoice()
 * in this process, for logs; 0 when libharu reported nothing. */
unsigned long pdf_last_hpdf_error(unsigned long *detail);

/* ---- formatting (pure) ---- */

/* 6-decimal fixed point, trimmed to at least min_decimals (0..6), with
 * thousands separators: 1234500000 -> "1,234.5", 4500 -> "0.0045",
 * (12500000, 2) -> "12.50". IE_OVERFLOW when out is too small. */
ierr pdf_format_fixed6(int64_t v, int min_decimals, char *out, size_t outsz);
/* Tax rate (4 decimals of a percent) as "19%", "7.7%", "0%". */
ierr pdf_format_rate(int64_t rate, char *out, size_t outsz);
/* The watermark a stored status calls for: "DRAFT" (draft), "CANCELLED"
 * (void), NULL otherwise. */
const char *pdf_watermark(const char *status);

/*
 * Text as the renderer draws one line of it (pure; for tests): Arabic
 * letters joined (presentation forms, lam-alef ligatures; here as if every
 * form had a glyph), then in visual order, left to right (simplified Unicode
 * bidi: paragraph direction from the first strong character, numbers left
 * to right, brackets mirrored in right-to-left runs, marks after their
 * letter). s is clean UTF-8 (BMP). IE_OVERFLOW when out is too small.
 */
ierr pdf_visual(const char *s, char *out, size_t outsz);

/* ---- layout maths (pure; the renderer and the unit tests use them) ---- */

struct arena;

/* Width in points of s[0..len) as it will be drawn. */
typedef float (*pdf_measure_fn)(void *ctx, const char *s, size_t len);

/* One wrapped line: text[off .. off+len). */
struct pdf_span {
	size_t off, len;
};

/*
 * Wraps UTF-8 text into lines no wider than width (> 0) points. Lines break
 * at spaces; '\n' always breaks; a word wider than a whole line is broken
 * between characters (code points), so nothing is ever cut off. The spaces
 * at a break and at the start of a paragraph are dropped; every other byte
 * ends up in exactly one line, in order. An empty text (or NULL) is one empty
 * line. *lines comes from the arena. Returns IE_OK, IE_INVALID (width <= 0,
 * no measure), IE_NOMEM.
 */
ierr pdf_wrap(struct arena *a, const char *text, float width, pdf_measure_fn measure,
	      void *ctx, struct pdf_span **lines, size_t *nlines);

/*
 * Column widths for a table `total` points wide: every column but `flex`
 * gets its natural width (widest cell plus padding); column `flex` (the
 * description) gets what is left. When that is less than min_flex, all the
 * other columns shrink by one factor so that flex gets exactly min_flex; the
 * factor is returned in *scale (1 when nothing shrank) and the caller draws
 * the table's text that much smaller, so every cell still fits. The widths
 * always add up to total. IE_INVALID when n == 0, flex >= n, a natural width
 * is negative or min_flex > total.
 */
ierr pdf_columns(const float *natural, size_t n, size_t flex, float min_flex, float total,
		 float *widths, float *scale);

/*
 * Page-break planning. The flow after page 1's header area is a sequence of
 * blocks; a block is pad + nlines * line_h points tall. Blocks go onto pages
 * in order; one that does not fit the rest of a page starts the next page;
 * one taller than a whole page is split between its lines (never inside a
 * line; nlines == 0 marks a block that never splits). A block with `table`
 * set is a row of the line table: the table header (header_h tall) is drawn
 * above the first table piece of every page. `keep_next` keeps a block (a
 * heading) on the same page as the block after it.
 */
struct pdf_block {
	float pad;          /* fixed part of the height (padding, rules) */
	float line_h;       /* height of one line */
	size_t nlines;      /* lines; 0: atomic block of height pad */
	int table;          /* a row of the line table */
	int keep_next;      /* never the last block on a page */
};

/* Where a block (or part of a split block) goes. */
struct pdf_piece {
	size_t block;
	size_t first, nlines;  /* the block's lines in this piece */
	unsigned page;         /* from 0 */
	float y;               /* top of the piece, down from the top of the page's flow area */
	int header;            /* the table header goes right above it (at y - header_h) */
};

struct pdf_plan {
	struct pdf_piece *pieces;  /* in flow order, from the arena */
	size_t npieces;
	unsigned npages;           /* at least 1: page 1 exists even with no blocks */
};

/* first_h: flow height on page 1 (below its header area); next_h: on every
 * later page. IE_INVALID for heights <= 0 or a block with nlines > 0 and
 * line_h <= 0; IE_NOMEM. */
ierr pdf_plan_pages(struct arena *a, const struct pdf_block *blocks, size_t n,
		    float first_h, float next_h, float header_h, struct pdf_plan *plan);

#endif
