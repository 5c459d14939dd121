/*
 * einv_bench.c — in-process cost of one e-invoice (issue 12: the XML of a
 * 20-line invoice under 2 ms).
 *
 *   einv_bench [RUNS]
 *   einv_bench --write DIR   writes the 20-line documents (bench-ubl.xml,
 *                            bench-cii.xml) for a look with the validators
 *
 * Builds a 20-line and a 500-line invoice in memory (per-minute usage lines,
 * monthly lines with their own period, two VAT rates and an exempt line,
 * non-ASCII and XML-special characters in names and descriptions), writes
 * each as UBL and as CII RUNS times (default 2000) after a warm-up, and
 * prints the median, p90 and minimum microseconds per document and its size.
 * Exit status: 0 when the 20-line documents are within 2 ms, 2 over (the
 * machine is shared and noisy: re-run before believing it), 1 on failure.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include "buf.h"
#include "einvoice.h"

static const char *const descs[] = {
	"Voice, Germany mobile — per minute, billed per second",
	"Business Fibre 500 <Zoë's office & lab>",
	"Postage and handling",
	"Dedicated Server DS-64, rack H3-17, Frankfurt am Main (Łódź backup site)",
};

static int cmp_ll(const void *a, const void *b)
{
	long long x = *(const long long *)a, y = *(const long long *)b;

	return x < y ? -1 : x > y;
}

static long long now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (long long)ts.tv_sec * 1000000000LL + ts.tv_nsec;
}

/* n lines: every fourth exempt (E), the rest at 19% (S); usage lines in MIN */
static int build(size_t n, struct invoice *inv, struct einv_doc *d, struct inv_tax_total taxes[2],
		 const char *codes[2])
{
	struct inv_line *lines = calloc(n, sizeof(*lines));
	money_t net_s = 0, tax_s = 0, net_e = 0;

	if (!lines)
		return -1;
	memset(inv, 0, sizeof(*inv));
	memset(d, 0, sizeof(*d));
	for (size_t i = 0; i < n; i++) {
		struct inv_line *l = &lines[i];
		int usage = i % 4 == 0, exempt = i % 4 == 2;

		l->position = (int)i + 1;
		l->description = descs[i % 4];
		l->quantity = usage ? 1234500000LL + (int64_t)i * 1000000 : 1000000;
		l->unit_code = usage ? "MIN" : exempt ? "C62" : "MON";
		l->unit_price = usage ? 129000 : exempt ? 3500000 : 79900000;
		l->tax_rate = exempt ? 0 : 190000;
		l->vat_category = exempt ? "E" : "S";
		l->period_start = usage ? "2026-11-01" : "";
		l->period_end = usage ? "2026-11-30" : "";
		if (money_line_net(l->quantity, l->unit_price, 2, &l->net) || money_tax(l->net, l->tax_rate, &l->tax))
			return -1;
		l->gross = l->net + l->tax;
		if (exempt) {
			net_e += l->net;
		} else {
			net_s += l->net;
			tax_s += l->tax;
		}
	}
	taxes[0] = (struct inv_tax_total){ "S", 190000, "", net_s, tax_s };
	taxes[1] = (struct inv_tax_total){ "E", 0, "Postal services", net_e, 0 };
	codes[0] = "";
	codes[1] = "VATEX-EU-132-1A";
	inv->id = 1;
	inv->kind = "invoice";
	inv->type_code = 380;
	inv->number = "INV-2026-000001";
	inv->customer_id = 1;
	inv->status = "open";
	inv->currency = "EUR";
	inv->exponent = 2;
	inv->invoice_date = "2026-11-30";
	inv->due_date = "2026-12-14";
	inv->period_start = "2026-11-01";
	inv->period_end = "2026-11-30";
	inv->payment_means = "58";
	inv->buyer_reference = "PO-CONTACT-123456";
	inv->credited_number = "";
	inv->notes = "Thank you for your business.";
	inv->lines = lines;
	inv->nlines = n;
	inv->taxes = taxes;
	inv->ntaxes = 2;
	inv->net_total = net_s + net_e;
	inv->tax_total = tax_s;
	inv->total = inv->net_total + inv->tax_total;
	d->inv = inv;
	d->seller = (struct einv_party){ "Example Networks", "Example Networks Ltd", "1 Fibre Street", "", "Berlin",
					 "10115", "", "DE", "DE123456789", "HRB 1", "DE123456789", "9930",
					 "billing@example.net", "Accounts receivable", "+49 30 1234567" };
	d->buyer = (struct einv_party){ "Müller & Söhne", "Müller & Söhne GmbH", "Hauptstraße 5", "", "München",
					"80331", "Bayern", "DE", "DE987654321", "", "DE987654321", "9930",
					"billing@mueller.example", "", "" };
	d->iban = "DE89370400440532013000";
	d->bic = "COBADEFFXXX";
	d->order_reference = "";
	d->tax_exemption_code = codes;
	return 0;
}

static int write_files(const char *dir)
{
	struct invoice inv;
	struct einv_doc d;
	struct inv_tax_total taxes[2];
	const char *codes[2];

	if (build(20, &inv, &d, taxes, codes))
		return 1;
	for (int syn = 0; syn < 2; syn++) {
		struct buf b = BUF_INIT;
		char path[4096];
		FILE *f;

		snprintf(path, sizeof(path), "%s/bench-%s.xml", dir, syn ? "cii" : "ubl");
		if (einv_write(&d, syn ? EINV_CII : EINV_UBL, &b) || !(f = fopen(path, "w")))
			return 1;
		fwrite(b.data, 1, b.len, f);
		buf_free(&b);
		if (fclose(f))
			return 1;
	}
	free(inv.lines);
	return 0;
}

int main(int argc, char **argv)
{
	static const size_t sizes[] = { 20, 500 };
	static const char *const names[] = { "UBL", "CII" };
	long runs = argc > 1 ? strtol(argv[1], NULL, 10) : 2000;
	int over = 0;

	if (argc == 3 && !strcmp(argv[1], "--write"))
		return write_files(argv[2]);

	if (runs < 10)
		runs = 10;
	for (size_t s = 0; s < sizeof(sizes) / sizeof(sizes[0]); s++) {
		struct invoice inv;
		struct einv_doc d;
		struct inv_tax_total taxes[2];
		const char *codes[2];

		if (build(sizes[s], &inv, &d, taxes, codes)) {
			fprintf(stderr, "einv_bench: cannot build the invoice\n");
			return 1;
		}
		for (int syn = 0; syn < 2; syn++) {
			long long *t = calloc((size_t)runs, sizeof(*t));
			struct buf b = BUF_INIT;
			size_t size = 0;

			if (!t)
				return 1;
			for (long i = -runs / 10; i < runs; i++) {
				long long t0 = now_ns();

				buf_clear(&b);
				if (einv_write(&d, syn ? EINV_CII : EINV_UBL, &b)) {
					fprintf(stderr, "einv_bench: write failed\n");
					return 1;
				}
				if (i >= 0)
					t[i] = now_ns() - t0;
				size = b.len;
			}
			qsort(t, (size_t)runs, sizeof(*t), cmp_ll);
			printf("%s %3zu lines: median %7.1f us  p90 %7.1f us  min %7.1f us  (%zu bytes, %ld runs)\n",
			       names[syn], sizes[s], t[runs / 2] / 1e3, t[runs * 9 / 10] / 1e3, t[0] / 1e3, size, runs);
			if (sizes[s] == 20 && t[runs / 2] > 2000000)
				over = 1;
			free(t);
			buf_free(&b);
		}
		free(inv.lines);
	}
	return over ? 2 : 0;
}
