/*
 * test_csv.c — unit tests for lib/csv.c: RFC 4180 cells (quoting, doubled
 * quotes, CRLF rows), the spreadsheet formula guard on text cells (and not
 * on numeric ones), and the detailed invoice CSV (a header row, one row per
 * line with the invoice's header fields repeated), read back with an
 * independent RFC 4180 parser.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "buf.h"
#include "csv.h"

#define ARRAY_LEN(a) (sizeof(a) / sizeof((a)[0]))
#define NCOLS 30

/* ---- an independent RFC 4180 reader ---- */

struct table {
	size_t nrows;
	size_t ncols[64];
	char *cell[64][NCOLS + 4];
};

static void table_free(struct table *t)
{
	for (size_t r = 0; r < t->nrows; r++)
		for (size_t c = 0; c < t->ncols[r]; c++)
			free(t->cell[r][c]);
	memset(t, 0, sizeof(*t));
}

/* Strict: quoted fields start at the field's first byte, a quote inside is
 * doubled, every record ends in CRLF, no bare CR or LF outside quotes. */
static void parse(const char *s, size_t len, struct table *t)
{
	size_t i = 0;

	memset(t, 0, sizeof(*t));
	while (i < len) {
		size_t r = t->nrows++, c = 0;

		assert_true(r < ARRAY_LEN(t->cell));
		for (;;) {
			struct buf f = BUF_INIT;

			assert_true(c < ARRAY_LEN(t->cell[0]));
			if (i < len && s[i] == '"') {
				for (i++;; i++) {
					assert_true(i < len);          /* closing quote present */
					if (s[i] == '"') {
						if (i + 1 < len && s[i + 1] == '"') {
							assert_int_equal(buf_putc(&f, '"'), IE_OK);
							i++;
						} else {
							i++;
							break;
						}
					} else {
						assert_int_equal(buf_putc(&f, s[i]), IE_OK);
					}
				}
			} else {
				for (; i < len && s[i] != ',' && s[i] != '\r' && s[i] != '\n'; i++) {
					assert_true(s[i] != '"');      /* a quote only in a quoted field */
					assert_int_equal(buf_putc(&f, s[i]), IE_OK);
				}
			}
			assert_int_equal(buf_putc(&f, '\0'), IE_OK);
			t->cell[r][c++] = buf_detach(&f);
			assert_true(i < len);                  /* the last record ends in CRLF too */
			if (s[i] == ',') {
				i++;
				continue;
			}
			assert_int_equal(s[i], '\r');
			assert_true(i + 1 < len);
			assert_int_equal(s[i + 1], '\n');
			i += 2;
			break;
		}
		t->ncols[r] = c;
	}
}

/* ---- cells ---- */

static char *one_cell(int number, int first, const char *in)
{
	struct buf b = BUF_INIT;

	assert_int_equal((number ? csv_number : csv_text)(&b, first, in), IE_OK);
	assert_int_equal(buf_putc(&b, '\0'), IE_OK);
	return buf_detach(&b);
}

static void test_cells(void **state)
{
	static const struct {
		int number;
		const char *in, *want;
	} cases[] = {
		{ 0, "plain", "plain" },
		{ 0, "", "" },
		{ 0, NULL, "" },
		{ 0, "with space", "with space" },
		{ 0, "a,b", "\"a,b\"" },
		{ 0, "say \"hi\"", "\"say \"\"hi\"\"\"" },
		{ 0, "\"", "\"\"\"\"" },
		{ 0, "\"\"", "\"\"\"\"\"\"" },
		{ 0, "two\r\nlines", "\"two\r\nlines\"" },
		{ 0, "lf\nonly", "\"lf\nonly\"" },
		{ 0, "cr\ronly", "\"cr\ronly\"" },
		{ 0, "a, \"b\"\r\nc", "\"a, \"\"b\"\"\r\nc\"" },
		{ 0, "Zo\xc3\xab M\xc3\xbcller", "Zo\xc3\xab M\xc3\xbcller" },      /* UTF-8 untouched */
		{ 0, "\xe2\x82\xac \xc2\xa3 \xc2\xa5", "\xe2\x82\xac \xc2\xa3 \xc2\xa5" },
		{ 0, "semi;colon", "semi;colon" },
		{ 0, "tab\tinside", "tab\tinside" },
		{ 0, "it's", "it's" },
		/* formula guard: text starting with = + - @ tab CR gets an apostrophe */
		{ 0, "=SUM(A1:A9)", "'=SUM(A1:A9)" },
		{ 0, "=1+2", "'=1+2" },
		{ 0, "+44 20 7946 0000", "'+44 20 7946 0000" },
		{ 0, "-5", "'-5" },
		{ 0, "@SUM(1)", "'@SUM(1)" },
		{ 0, "\tcmd", "'\tcmd" },
		{ 0, "\rcmd", "\"'\rcmd\"" },
		{ 0, "=HYPERLINK(\"http://x\",\"y\")", "\"'=HYPERLINK(\"\"http://x\"\",\"\"y\"\")\"" },
		{ 0, "-a,b", "\"'-a,b\"" },
		{ 0, "=", "'=" },
		{ 0, "a=b", "a=b" },
		{ 0, " =1", " =1" },
		{ 0, "'=1", "'=1" },
		/* numeric cells stay numbers */
		{ 1, "-12.50", "-12.50" },
		{ 1, "1190.00", "1190.00" },
		{ 1, "+1", "+1" },
		{ 1, "", "" },
		{ 1, NULL, "" },
		{ 1, "1,5", "\"1,5\"" },
	};
	size_t i;

	(void)state;
	for (i = 0; i < ARRAY_LEN(cases); i++) {
		char *got = one_cell(cases[i].number, 1, cases[i].in), *sep;
		size_t n = strlen(cases[i].want);

		assert_string_equal(got, cases[i].want);
		free(got);
		/* not the first cell: a comma before, nothing else different */
		sep = one_cell(cases[i].number, 0, cases[i].in);
		assert_int_equal(strlen(sep), n + 1);
		assert_int_equal(sep[0], ',');
		assert_memory_equal(sep + 1, cases[i].want, n);
		free(sep);
	}
}

/* A row of every case read back by the parser gives the text (with the
 * apostrophe for guarded cells) and ends in CRLF. */
static void test_row_reads_back(void **state)
{
	static const char *const in[] = {
		"plain", "a,b", "say \"hi\"", "two\r\nlines", "lf\nonly", "", "=1+2", "\r=x", "Zo\xc3\xab",
	};
	static const char *const want[] = {
		"plain", "a,b", "say \"hi\"", "two\r\nlines", "lf\nonly", "", "'=1+2", "'\r=x", "Zo\xc3\xab",
	};
	struct buf b = BUF_INIT;
	struct table t;
	size_t i;

	(void)state;
	for (int rep = 0; rep < 2; rep++) {
		for (i = 0; i < ARRAY_LEN(in); i++)
			assert_int_equal(csv_text(&b, i == 0, in[i]), IE_OK);
		assert_int_equal(csv_end(&b), IE_OK);
	}
	assert_true(b.len > 2);
	assert_memory_equal(b.data + b.len - 2, "\r\n", 2);
	parse(b.data, b.len, &t);
	assert_int_equal(t.nrows, 2);
	for (int r = 0; r < 2; r++) {
		assert_int_equal(t.ncols[r], ARRAY_LEN(in));
		for (i = 0; i < ARRAY_LEN(in); i++)
			assert_string_equal(t.cell[r][i], want[i]);
	}
	table_free(&t);
	buf_free(&b);
	/* csv_end is exactly CRLF */
	assert_int_equal(csv_end(&b), IE_OK);
	assert_int_equal(b.len, 2);
	assert_memory_equal(b.data, "\r\n", 2);
	buf_free(&b);
}

/* ---- the detailed invoice CSV ---- */

static const char *const HEADER[NCOLS] = {
	"invoice_number", "invoice_id", "kind", "status", "invoice_date", "due_date",
	"period_start", "period_end", "currency", "customer_id", "customer_name", "customer_vat_id",
	"line", "description", "line_period_start", "line_period_end", "quantity", "unit_code",
	"unit_price", "tax_rate", "vat_category", "tax_description", "line_net", "line_tax",
	"line_gross", "invoice_net", "invoice_tax", "invoice_total", "invoice_paid", "invoice_balance",
};
enum {
	C_NUMBER, C_ID, C_KIND, C_STATUS, C_DATE, C_DUE, C_PS, C_PE, C_CUR, C_CUST, C_NAME, C_VAT,
	C_LINE, C_DESC, C_LPS, C_LPE, C_QTY, C_UNIT, C_PRICE, C_RATE, C_CAT, C_TAXDESC, C_NET, C_TAX,
	C_GROSS, C_INET, C_ITAX, C_ITOTAL, C_IPAID, C_IBAL,
};

static struct inv_line lines3[3];

/* Issued, partially paid, three lines in EUR: one plain, one with every
 * character that needs quoting, one that looks like a formula. */
static void fixture(struct invoice *inv)
{
	memset(inv, 0, sizeof(*inv));
	lines3[0] = (struct inv_line){ 1, "Hosting package M", 1000000, "C62", 79900000, 190000, "S", "VAT 19%",
				       "2026-01-01", "2026-01-31", 7990, 1518, 9508 };
	lines3[1] = (struct inv_line){ 2, "Calls, \"premium\"\r\nto \xe2\x82\xac zone", 1234500000LL, "MIN", 4500,
				       190000, "S", "VAT 19%", "", "", 556, 106, 662 };
	lines3[2] = (struct inv_line){ 3, "=cmd|' /C calc'!A0", 2000000, "C62", -2500000, 0, "AE", "Reverse charge",
				       "2026-01-10", "2026-01-20", -500, 0, -500 };
	inv->id = 4711;
	inv->kind = "invoice";
	inv->type_code = 380;
	inv->number = "INV-2026-000042";
	inv->customer_id = 17;
	inv->status = "open";
	inv->shown = INV_PARTIAL;
	inv->currency = "EUR";
	inv->exponent = 2;
	inv->invoice_date = "2026-01-31";
	inv->due_date = "2026-02-14";
	inv->period_start = "2026-01-01";
	inv->period_end = "2026-01-31";
	inv->net_total = 8046;
	inv->tax_total = 1624;
	inv->total = 9670;
	inv->paid = 1000;
	inv->balance = 8670;
	inv->buyer = (struct inv_party){ "Zo\xc3\xab", "Zo\xc3\xab M\xc3\xbcller, \"Telekom\" GmbH", "", "", "", "",
					 "", "", "DE", "DE123456789" };
	inv->lines = lines3;
	inv->nlines = 3;
}

static void render(const struct invoice *inv, struct buf *b, struct table *t)
{
	b->len = 0;
	assert_int_equal(csv_invoice(inv, b), IE_OK);
	assert_true(b->len > 0);
	/* rows end in CRLF, the file too; no LF without its CR */
	assert_memory_equal(b->data + b->len - 2, "\r\n", 2);
	parse(b->data, b->len, t);
	assert_true(t->nrows >= 2);
	assert_int_equal(t->ncols[0], NCOLS);
	for (size_t c = 0; c < NCOLS; c++)
		assert_string_equal(t->cell[0][c], HEADER[c]);
	for (size_t r = 0; r < t->nrows; r++)
		assert_int_equal(t->ncols[r], NCOLS);
}

static void test_invoice_rows(void **state)
{
	static const char *const want_line[3][13] = {
		{ "1", "Hosting package M", "2026-01-01", "2026-01-31", "1", "C62", "79.900000",
		  "19.0000", "S", "VAT 19%", "79.90", "15.18", "95.08" },
		{ "2", "Calls, \"premium\"\r\nto \xe2\x82\xac zone", "", "", "1234.5", "MIN", "0.004500",
		  "19.0000", "S", "VAT 19%", "5.56", "1.06", "6.62" },
		{ "3", "'=cmd|' /C calc'!A0", "2026-01-10", "2026-01-20", "2", "C62", "-2.500000",
		  "0.0000", "AE", "Reverse charge", "-5.00", "0.00", "-5.00" },
	};
	static const char *const want_head[] = {
		"INV-2026-000042", "4711", "invoice", "Partly paid", "2026-01-31", "2026-02-14", "2026-01-01",
		"2026-01-31", "EUR", "17", "Zo\xc3\xab M\xc3\xbcller, \"Telekom\" GmbH", "DE123456789",
	};
	static const char *const want_tot[] = { "80.46", "16.24", "96.70", "10.00", "86.70" };
	struct invoice inv;
	struct buf b = BUF_INIT;
	struct table t;
	size_t r, c;

	(void)state;
	fixture(&inv);
	render(&inv, &b, &t);
	assert_int_equal(t.nrows, 1 + 3);
	for (r = 1; r < t.nrows; r++) {
		/* the invoice's header fields and totals on every row */
		for (c = 0; c < ARRAY_LEN(want_head); c++)
			assert_string_equal(t.cell[r][c], want_head[c]);
		for (c = 0; c < 13; c++)
			assert_string_equal(t.cell[r][C_LINE + c], want_line[r - 1][c]);
		for (c = 0; c < ARRAY_LEN(want_tot); c++)
			assert_string_equal(t.cell[r][C_INET + c], want_tot[c]);
	}
	/* negative amounts are numbers, not guarded text */
	assert_non_null(strstr(b.data, ",-5.00,0.00,-5.00,"));
	assert_non_null(strstr(b.data, ",-2.500000,"));
	/* the quoted description, byte for byte */
	assert_non_null(strstr(b.data, ",\"Calls, \"\"premium\"\"\r\nto \xe2\x82\xac zone\","));
	assert_non_null(strstr(b.data, ",\"Zo\xc3\xab M\xc3\xbcller, \"\"Telekom\"\" GmbH\","));
	table_free(&t);
	buf_free(&b);
}

/* The status column is the shown status; drafts are named "Draft #id"; the
 * legal name wins over the display name; exponents 0 and 3. */
static void test_invoice_variants(void **state)
{
	static const struct {
		enum inv_shown shown;
		const char *status, *number, *currency;
		int exponent;
		const char *legal, *name;
		const char *want_number, *want_status, *want_name, *want_total, *want_net1;
	} cases[] = {
		{ INV_DRAFT, "draft", "", "EUR", 2, "", "Acme", "Draft #4711", "Draft", "Acme", "96.70", "79.90" },
		{ INV_DUE, "open", "INV-2026-000001", "EUR", 2, "Acme GmbH", "Acme", "INV-2026-000001", "Due",
		  "Acme GmbH", "96.70", "79.90" },
		{ INV_OVERDUE, "open", "INV-2026-000002", "JPY", 0, "", "\xe6\x9d\xb1\xe4\xba\xac", "INV-2026-000002",
		  "Overdue", "\xe6\x9d\xb1\xe4\xba\xac", "9670", "7990" },
		{ INV_PAID, "paid", "INV-2026-000003", "KWD", 3, "", "Al-Mutawa", "INV-2026-000003", "Paid",
		  "Al-Mutawa", "9.670", "7.990" },
		{ INV_CANCEL, "void", "INV-2026-000004", "EUR", 2, "", "-Minus & Co", "INV-2026-000004", "Cancelled",
		  "'-Minus & Co", "96.70", "79.90" },
		{ INV_DUE, "open", "=2+2", "EUR", 2, "", "@home", "'=2+2", "Due", "'@home", "96.70", "79.90" },
	};
	struct invoice inv;
	struct buf b = BUF_INIT;
	struct table t;
	size_t i;

	(void)state;
	for (i = 0; i < ARRAY_LEN(cases); i++) {
		fixture(&inv);
		inv.shown = cases[i].shown;
		inv.status = cases[i].status;
		inv.number = cases[i].number;
		inv.currency = cases[i].currency;
		inv.exponent = cases[i].exponent;
		inv.buyer.legal_name = cases[i].legal;
		inv.buyer.name = cases[i].name;
		render(&inv, &b, &t);
		assert_int_equal(t.nrows, 4);
		for (size_t r = 1; r < 4; r++) {
			assert_string_equal(t.cell[r][C_NUMBER], cases[i].want_number);
			assert_string_equal(t.cell[r][C_STATUS], cases[i].want_status);
			assert_string_equal(t.cell[r][C_NAME], cases[i].want_name);
			assert_string_equal(t.cell[r][C_CUR], cases[i].currency);
			assert_string_equal(t.cell[r][C_ITOTAL], cases[i].want_total);
		}
		assert_string_equal(t.cell[1][C_NET], cases[i].want_net1);
		table_free(&t);
	}
	buf_free(&b);
}

/* An invoice without lines: the header row and one row with the invoice's
 * fields and empty line cells. */
static void test_invoice_without_lines(void **state)
{
	struct invoice inv;
	struct buf b = BUF_INIT;
	struct table t;
	size_t c;

	(void)state;
	fixture(&inv);
	inv.nlines = 0;
	inv.lines = NULL;
	render(&inv, &b, &t);
	assert_int_equal(t.nrows, 2);
	assert_string_equal(t.cell[1][C_NUMBER], "INV-2026-000042");
	assert_string_equal(t.cell[1][C_ID], "4711");
	for (c = C_LINE; c <= C_GROSS; c++)
		assert_string_equal(t.cell[1][c], "");
	assert_string_equal(t.cell[1][C_ITOTAL], "96.70");
	assert_string_equal(t.cell[1][C_IBAL], "86.70");
	table_free(&t);
	buf_free(&b);
}

/* Many lines: one row each, in order, appended to what the buffer holds. */
static void test_invoice_many_lines(void **state)
{
	enum { N = 60 };
	static struct inv_line many[N];
	static char desc[N][32];
	struct invoice inv;
	struct buf b = BUF_INIT;
	struct table t;
	size_t i;

	(void)state;
	fixture(&inv);
	for (i = 0; i < N; i++) {
		many[i] = lines3[0];
		many[i].position = (int)i + 1;
		snprintf(desc[i], sizeof(desc[i]), "Item %zu, \"x\"", i + 1);
		many[i].description = desc[i];
	}
	inv.lines = many;
	inv.nlines = N;
	/* csv_invoice appends (the handler writes a BOM first) */
	assert_int_equal(buf_puts(&b, "\xEF\xBB\xBF"), IE_OK);
	assert_int_equal(csv_invoice(&inv, &b), IE_OK);
	assert_memory_equal(b.data, "\xEF\xBB\xBFinvoice_number,", 18);
	parse(b.data + 3, b.len - 3, &t);
	assert_int_equal(t.nrows, 1 + N);
	for (i = 0; i < N; i++) {
		char want[32];

		assert_int_equal(t.ncols[i + 1], NCOLS);
		snprintf(want, sizeof(want), "%zu", i + 1);
		assert_string_equal(t.cell[i + 1][C_LINE], want);
		snprintf(want, sizeof(want), "Item %zu, \"x\"", i + 1);
		assert_string_equal(t.cell[i + 1][C_DESC], want);
	}
	table_free(&t);
	buf_free(&b);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_cells),
		cmocka_unit_test(test_row_reads_back),
		cmocka_unit_test(test_invoice_rows),
		cmocka_unit_test(test_invoice_variants),
		cmocka_unit_test(test_invoice_without_lines),
		cmocka_unit_test(test_invoice_many_lines),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
