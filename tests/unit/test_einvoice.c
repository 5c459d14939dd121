/*
 * test_einvoice.c — unit tests for lib/einvoice.c: the pure parts (amount,
 * quantity and rate text, the XML escaper, CII dates, VAT category rules,
 * exemption reasons, payment means), the EN 16931 check (one mutation of a
 * valid document per rule) and the writers (UBL invoice and credit note,
 * CII, a 0-decimal currency whose rounded line net needs a base quantity,
 * a document not subject to VAT without VAT ids).
 * Conformance to the official rules is tests/einvoice/run's job.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <string.h>
#include "buf.h"
#include "einvoice.h"

#define ARRAY_LEN(a) (sizeof(a) / sizeof((a)[0]))

static void test_amount(void **state)
{
	static const struct { money_t v; int exp; const char *want; } cases[] = {
		{ 1230, 2, "12.30" }, { -5, 2, "-0.05" }, { 0, 2, "0.00" }, { 119000, 2, "1190.00" },
		{ 1250, 3, "1.25" }, { 1255, 3, "1.255" }, { 1000, 3, "1.00" }, { -1, 3, "-0.001" },
		{ 1200, 0, "1200" }, { -7, 0, "-7" }, { 0, 0, "0" }, { 123, 1, "12.3" },
	};
	char out[48];

	(void)state;
	for (size_t i = 0; i < ARRAY_LEN(cases); i++) {
		assert_int_equal(einv_amount(cases[i].v, cases[i].exp, out, sizeof(out)), IE_OK);
		assert_string_equal(out, cases[i].want);
	}
	assert_int_equal(einv_amount(1, 4, out, sizeof(out)), IE_INVALID);
	assert_int_not_equal(einv_amount(123456789, 2, out, 4), IE_OK);
}

static void test_decimal6_percent(void **state)
{
	static const struct { int64_t v; const char *want; } q[] = {
		{ 3000000, "3" }, { 1500000, "1.5" }, { 4500, "0.0045" }, { -2500000, "-2.5" }, { 0, "0" },
		{ 1234567890, "1234.56789" }, { 1, "0.000001" }, { -1000000, "-1" },
	};
	static const struct { int64_t v; const char *want; } r[] = {
		{ 190000, "19" }, { 77000, "7.7" }, { 0, "0" }, { 55000, "5.5" }, { 125, "0.0125" }, { 250000, "25" },
	};
	char out[48];

	(void)state;
	for (size_t i = 0; i < ARRAY_LEN(q); i++) {
		assert_int_equal(einv_decimal6(q[i].v, out, sizeof(out)), IE_OK);
		assert_string_equal(out, q[i].want);
	}
	for (size_t i = 0; i < ARRAY_LEN(r); i++) {
		assert_int_equal(einv_percent(r[i].v, out, sizeof(out)), IE_OK);
		assert_string_equal(out, r[i].want);
	}
}

static void test_escape(void **state)
{
	static const struct { const char *in, *want; } cases[] = {
		{ "", "" }, { "plain", "plain" }, { "a&b", "a&amp;b" },
		{ "<x y='1'>\"", "&lt;x y=&apos;1&apos;&gt;&quot;" },
		{ "Zoë Müller — Łódź 東京", "Zoë Müller — Łódź 東京" },
		{ "a\x01" "b\tc\nd\re\x1f", "ab\tc\nd\re" }, { "&amp;", "&amp;amp;" },
	};

	(void)state;
	for (size_t i = 0; i < ARRAY_LEN(cases); i++) {
		struct buf b = BUF_INIT;

		assert_int_equal(einv_esc(&b, cases[i].in, strlen(cases[i].in)), IE_OK);
		assert_string_equal(b.len ? b.data : "", cases[i].want);
		buf_free(&b);
	}
}

static void test_date102(void **state)
{
	static const char *const bad[] = { "", "2026-1-01", "2026/01/01", "2026-01-0x", "20260101", NULL };
	char out[9];

	(void)state;
	assert_int_equal(einv_date102("2026-12-03", out), IE_OK);
	assert_string_equal(out, "20261203");
	for (size_t i = 0; i < ARRAY_LEN(bad); i++)
		assert_int_equal(einv_date102(bad[i], out), IE_INVALID);
}

static void test_categories(void **state)
{
	static const struct { const char *code; int rated, percent, exempt, seller_vat, buyer_vat; const char *vatex; } cases[] = {
		{ "S", 1, 1, 0, 1, 0, "" }, { "Z", 0, 1, 0, 1, 0, "" }, { "E", 0, 1, 1, 1, 0, "" },
		{ "AE", 0, 1, 1, 1, 1, "VATEX-EU-AE" }, { "K", 0, 1, 1, 1, 1, "VATEX-EU-IC" },
		{ "G", 0, 1, 1, 1, 0, "VATEX-EU-G" }, { "O", 0, 0, 1, 0, 0, "VATEX-EU-O" },
	};
	const char *code, *reason;

	(void)state;
	for (size_t i = 0; i < ARRAY_LEN(cases); i++) {
		const struct einv_category *c = einv_category(cases[i].code);

		assert_non_null(c);
		assert_int_equal(c->rated, cases[i].rated);
		assert_int_equal(c->percent, cases[i].percent);
		assert_int_equal(c->exempt, cases[i].exempt);
		assert_int_equal(c->seller_vat, cases[i].seller_vat);
		assert_int_equal(c->buyer_vat, cases[i].buyer_vat);
		assert_string_equal(c->vatex, cases[i].vatex);
	}
	assert_null(einv_category("X"));
	assert_null(einv_category(""));
	assert_null(einv_category(NULL));
	/* S and Z never carry a reason (BR-S-10, BR-Z-10), even a stored one */
	einv_exemption(einv_category("S"), "VATEX-EU-O", "stale", &code, &reason);
	assert_string_equal(code, "");
	assert_string_equal(reason, "");
	/* exempt categories: the stored reason, else the default */
	einv_exemption(einv_category("E"), "", "", &code, &reason);
	assert_string_equal(code, "");
	assert_string_equal(reason, "Exempt from VAT");
	einv_exemption(einv_category("E"), "VATEX-EU-132-1A", "Postal services", &code, &reason);
	assert_string_equal(code, "VATEX-EU-132-1A");
	assert_string_equal(reason, "Postal services");
	einv_exemption(einv_category("K"), NULL, NULL, &code, &reason);
	assert_string_equal(code, "VATEX-EU-IC");
	assert_string_equal(reason, "Intra-Community supply");
}

static void test_syntaxes(void **state)
{
	static const struct { const char *name; enum einv_syntax syn; const char *suffix; } ok[] = {
		{ "peppol", EINV_UBL, ".xml" }, { "cii", EINV_CII, ".cii.xml" },
		{ "xrechnung", EINV_XRECHNUNG, ".xrechnung.xml" },
	};
	static const char *const bad[] = { "", "ubl", "PEPPOL", "xrechnung ", NULL };
	enum einv_syntax syn;

	(void)state;
	for (size_t i = 0; i < ARRAY_LEN(ok); i++) {
		assert_int_equal(einv_syntax_of(ok[i].name, &syn), IE_OK);
		assert_int_equal(syn, ok[i].syn);
		assert_string_equal(einv_suffix(syn), ok[i].suffix);
	}
	for (size_t i = 0; i < ARRAY_LEN(bad); i++)
		assert_int_equal(einv_syntax_of(bad[i], &syn), IE_INVALID);
}

static void test_means(void **state)
{
	static const struct { const char *in, *want; int account; } cases[] = {
		{ "58", "58", 1 }, { "30", "30", 1 }, { "49", "49", 0 }, { "48", "48", 0 }, { "zz", "30", 1 },
		{ NULL, "30", 1 }, { "", "30", 1 },
	};

	(void)state;
	for (size_t i = 0; i < ARRAY_LEN(cases); i++) {
		int account = -1;

		assert_string_equal(einv_means(cases[i].in, &account), cases[i].want);
		assert_int_equal(account, cases[i].account);
	}
}

/* ---- a document in memory: 1,000.00 EUR at 19% and 55.55 + 11.11 at 0% E ---- */

struct fx {
	struct invoice inv;
	struct inv_line lines[3];
	struct inv_tax_total taxes[2];
	const char *codes[2];
	struct einv_doc d;
};

static void fx_init(struct fx *f)
{
	memset(f, 0, sizeof(*f));
	f->inv.id = 7;
	f->inv.kind = "invoice";
	f->inv.type_code = 380;
	f->inv.number = "INV-2026-000007";
	f->inv.customer_id = 42;
	f->inv.status = "open";
	f->inv.currency = "EUR";
	f->inv.exponent = 2;
	f->inv.invoice_date = "2026-11-30";
	f->inv.due_date = "2026-12-14";
	f->inv.period_start = "2026-11-01";
	f->inv.period_end = "2026-11-30";
	f->inv.payment_means = "58";
	f->inv.buyer_reference = "";
	f->inv.credited_number = "";
	f->inv.notes = "Thank you & see you <soon>";
	f->lines[0] = (struct inv_line){ 1, "Business Fibre 500 — Zoë's office", 1000000, "MON", 1000000000, 190000, "S",
					 "VAT 19%", "2026-11-01", "2026-11-30", 100000, 19000, 119000 };
	f->lines[1] = (struct inv_line){ 2, "Postage", 1000000, "C62", 55550000, 0, "E", "VAT exempt", "", "",
					 5555, 0, 5555 };
	f->lines[2] = (struct inv_line){ 3, "Postage, return", 1000000, "C62", 11110000, 0, "E", "VAT exempt", "", "",
					 1111, 0, 1111 };
	f->taxes[0] = (struct inv_tax_total){ "S", 190000, "", 100000, 19000 };
	f->taxes[1] = (struct inv_tax_total){ "E", 0, "Postal services", 6666, 0 };
	f->codes[0] = "";
	f->codes[1] = "VATEX-EU-132-1A";
	f->inv.lines = f->lines;
	f->inv.nlines = 3;
	f->inv.taxes = f->taxes;
	f->inv.ntaxes = 2;
	f->inv.net_total = 106666;
	f->inv.tax_total = 19000;
	f->inv.total = 125666;
	f->inv.buyer = (struct inv_party){ "Müller & Söhne", "Müller & Söhne GmbH", "billing@mueller.example",
					   "Hauptstraße 5", "", "München", "80331", "", "DE", "DE987654321" };
	f->d.inv = &f->inv;
	f->d.seller = (struct einv_party){ "Example Networks", "Example Networks Ltd", "1 Fibre Street", "", "Berlin",
					   "10115", "", "DE", "DE123456789", "HRB 1", "DE123456789", "9930",
					   "billing@example.net", "Accounts receivable", "+49 30 1234567" };
	f->d.buyer = (struct einv_party){ "Müller & Söhne", "Müller & Söhne GmbH", "Hauptstraße 5", "", "München",
					  "80331", "", "DE", "DE987654321", "", "DE987654321", "9930",
					  "billing@mueller.example", "", "" };
	f->d.iban = "DE89370400440532013000";
	f->d.bic = "";
	f->d.order_reference = "";
	f->d.tax_exemption_code = f->codes;
}

static char *write_doc(const struct fx *f, enum einv_syntax s, struct buf *b)
{
	buf_clear(b);
	assert_int_equal(einv_write(&f->d, s, b), IE_OK);
	return b->data;
}

static void test_check(void **state)
{
	static const struct {
		const char *name, *rule;
		int which;
	} cases[] = {
		{ "valid", "", 0 },
		{ "no seller VAT id with S lines", "BR-S-02", 1 },
		{ "no buyer country", "BR-11", 2 },
		{ "seller country not ISO", "BR-09", 3 },
		{ "S line at 0%", "BR-S-05", 4 },
		{ "E line at 7%", "BR-E-05", 5 },
		{ "AE without buyer VAT id", "BR-AE-02", 6 },
		{ "O beside S", "BR-O-11", 7 },
		{ "O alone without registration id", "BR-CO-26", 8 },
		{ "KWD fils", "BR-DEC-23", 9 },
		{ "transfer without IBAN", "BR-61", 10 },
		{ "no lines", "BR-16", 11 },
		{ "unknown category", "BR-CO-04", 12 },
		{ "no buyer name", "BR-07", 13 },
		{ "K with buyer VAT id", "", 14 },
		{ "direct debit without IBAN", "", 15 },
		{ "Peppol: no buyer endpoint", "PEPPOL-EN16931-R010", 16 },
		{ "Peppol: no seller endpoint", "PEPPOL-EN16931-R020", 17 },
	};

	(void)state;
	for (size_t i = 0; i < ARRAY_LEN(cases); i++) {
		struct fx f;
		struct einv_problem p;
		ierr e;

		fx_init(&f);
		switch (cases[i].which) {
		case 1: f.d.seller.vat_id = ""; break;
		case 2: f.d.buyer.country = ""; break;
		case 3: f.d.seller.country = "Germany"; break;
		case 4: f.lines[0].tax_rate = 0; break;
		case 5: f.lines[1].tax_rate = 70000; break;
		case 6: f.lines[1].vat_category = "AE"; f.d.buyer.vat_id = ""; break;
		case 7: f.lines[1].vat_category = "O"; break;
		case 8:
			f.inv.nlines = 1;
			f.lines[0] = f.lines[1];
			f.lines[0].vat_category = "O";
			f.d.seller.company_id = "";
			break;
		case 9: f.inv.currency = "KWD"; f.inv.exponent = 3; f.lines[0].net = 1255; break;
		case 10: f.d.iban = ""; break;
		case 11: f.inv.nlines = 0; break;
		case 12: f.lines[2].vat_category = "Q"; break;
		case 13: f.d.buyer.name = ""; f.d.buyer.legal_name = ""; break;
		case 14: f.lines[1].vat_category = "K"; break;
		case 15: f.d.iban = ""; f.inv.payment_means = "49"; break;
		case 16: f.d.buyer.endpoint_id = ""; break;
		case 17: f.d.seller.endpoint_scheme = ""; break;
		}
		/* the endpoints are Peppol's own rules: EN 16931 alone does without them */
		if (cases[i].which >= 16) {
			assert_int_equal(einv_check(&f.d, 0, &p), IE_OK);
			assert_int_equal(einv_check(&f.d, EINV_PEPPOL, &p), IE_CONFLICT);
			assert_string_equal(p.rule, cases[i].rule);
			continue;
		}
		e = einv_check(&f.d, 0, &p);
		/* issue lets 3-decimal amounts pass (EINV_ANY_DECIMALS); nothing else */
		assert_int_equal(einv_check(&f.d, EINV_ANY_DECIMALS, &p) == IE_OK,
				 !*cases[i].rule || !strncmp(cases[i].rule, "BR-DEC", 6));
		e = einv_check(&f.d, 0, &p);
		if (!*cases[i].rule) {
			assert_int_equal(e, IE_OK);
		} else {
			if (e != IE_CONFLICT || strcmp(p.rule, cases[i].rule))
				fail_msg("%s: want %s, got %d %s", cases[i].name, cases[i].rule, e, e ? p.rule : "");
			assert_true(strlen(p.message) > 10);
		}
	}
}

static void test_write_ubl(void **state)
{
	struct buf b = BUF_INIT;
	struct fx f;
	const char *x;

	(void)state;
	fx_init(&f);
	x = write_doc(&f, EINV_UBL, &b);
	assert_non_null(strstr(x, "<Invoice xmlns=\"urn:oasis:names:specification:ubl:schema:xsd:Invoice-2\""));
	assert_non_null(strstr(x, "<cbc:CustomizationID>urn:cen.eu:en16931:2017#compliant#urn:fdc:peppol.eu:2017:poacc:billing:3.0</cbc:CustomizationID>"));
	assert_non_null(strstr(x, "<cbc:ID>INV-2026-000007</cbc:ID>"));
	assert_non_null(strstr(x, "<cbc:InvoiceTypeCode>380</cbc:InvoiceTypeCode>"));
	assert_non_null(strstr(x, "<cbc:DueDate>2026-12-14</cbc:DueDate>"));
	assert_non_null(strstr(x, "<cbc:Note>Thank you &amp; see you &lt;soon&gt;</cbc:Note>"));
	assert_non_null(strstr(x, "<cbc:BuyerReference>C42</cbc:BuyerReference>"));
	assert_non_null(strstr(x, "<cbc:EndpointID schemeID=\"9930\">DE123456789</cbc:EndpointID>"));
	assert_non_null(strstr(x, "<cbc:RegistrationName>Müller &amp; Söhne GmbH</cbc:RegistrationName>"));
	/* golden case: 1,000.00 at 19% is 190.00 */
	assert_non_null(strstr(x, "<cbc:TaxableAmount currencyID=\"EUR\">1000.00</cbc:TaxableAmount>\n"
			       "<cbc:TaxAmount currencyID=\"EUR\">190.00</cbc:TaxAmount>"));
	assert_non_null(strstr(x, "<cbc:TaxExemptionReasonCode>VATEX-EU-132-1A</cbc:TaxExemptionReasonCode>\n"
			       "<cbc:TaxExemptionReason>Postal services</cbc:TaxExemptionReason>"));
	assert_non_null(strstr(x, "<cbc:PayableAmount currencyID=\"EUR\">1256.66</cbc:PayableAmount>"));
	assert_non_null(strstr(x, "<cbc:InvoicedQuantity unitCode=\"MON\">1</cbc:InvoicedQuantity>"));
	assert_non_null(strstr(x, "<cbc:PriceAmount currencyID=\"EUR\">1000</cbc:PriceAmount>"));
	assert_non_null(strstr(x, "<cbc:PaymentMeansCode>58</cbc:PaymentMeansCode>"));
	assert_non_null(strstr(x, "<cbc:ID>DE89370400440532013000</cbc:ID>"));
	assert_null(strstr(x, "<cac:Delivery>"));          /* no K line */
	assert_null(strstr(x, "></cbc:"));                  /* no empty elements (Peppol R008) */
	assert_null(strstr(x, "BillingReference"));

	/* a credit note: its own root, line element and the invoice it credits (BT-25) */
	f.inv.kind = "credit";
	f.inv.type_code = 381;
	f.inv.credited_number = "INV-2026-000003";
	x = write_doc(&f, EINV_UBL, &b);
	assert_non_null(strstr(x, "<CreditNote xmlns=\"urn:oasis:names:specification:ubl:schema:xsd:CreditNote-2\""));
	assert_non_null(strstr(x, "<cbc:CreditNoteTypeCode>381</cbc:CreditNoteTypeCode>"));
	assert_non_null(strstr(x, "<cac:BillingReference>\n<cac:InvoiceDocumentReference>\n<cbc:ID>INV-2026-000003</cbc:ID>"));
	assert_non_null(strstr(x, "<cbc:CreditedQuantity unitCode=\"MON\">1</cbc:CreditedQuantity>"));
	assert_non_null(strstr(x, "<cbc:PaymentDueDate>2026-12-14</cbc:PaymentDueDate>"));
	assert_null(strstr(x, "<cbc:DueDate>"));
	assert_null(strstr(x, "InvoiceLine"));

	/* XRechnung: the same UBL under the German CIUS, BT-10 the Leitweg-ID */
	f.inv.buyer_reference = "04011000-12345-34";
	x = write_doc(&f, EINV_XRECHNUNG, &b);
	assert_non_null(strstr(x, "<cbc:CustomizationID>urn:cen.eu:en16931:2017#compliant#urn:xeinkauf.de:kosit:xrechnung_3.0</cbc:CustomizationID>"));
	assert_non_null(strstr(x, "<cbc:ProfileID>urn:fdc:peppol.eu:2017:poacc:billing:01:1.0</cbc:ProfileID>"));
	assert_non_null(strstr(x, "<cbc:BuyerReference>04011000-12345-34</cbc:BuyerReference>"));
	assert_null(strstr(x, "peppol.eu:2017:poacc:billing:3.0"));
	buf_free(&b);
}

static void test_write_cii(void **state)
{
	struct buf b = BUF_INIT;
	struct fx f;
	const char *x;

	(void)state;
	fx_init(&f);
	f.inv.kind = "credit";
	f.inv.type_code = 381;
	f.inv.credited_number = "INV-2026-000003";
	f.inv.buyer_reference = "PO-CONTACT-1";
	x = write_doc(&f, EINV_CII, &b);
	assert_non_null(strstr(x, "<ram:ID>urn:cen.eu:en16931:2017</ram:ID>"));
	assert_non_null(strstr(x, "<ram:TypeCode>381</ram:TypeCode>"));
	assert_non_null(strstr(x, "<udt:DateTimeString format=\"102\">20261130</udt:DateTimeString>"));
	assert_non_null(strstr(x, "<ram:BuyerReference>PO-CONTACT-1</ram:BuyerReference>"));
	assert_non_null(strstr(x, "<ram:ID schemeID=\"VA\">DE123456789</ram:ID>"));
	assert_non_null(strstr(x, "<ram:URIID schemeID=\"9930\">DE987654321</ram:URIID>"));
	assert_non_null(strstr(x, "<ram:CalculatedAmount>190.00</ram:CalculatedAmount>"));
	assert_non_null(strstr(x, "<ram:TaxTotalAmount currencyID=\"EUR\">190.00</ram:TaxTotalAmount>"));
	assert_non_null(strstr(x, "<ram:GrandTotalAmount>1256.66</ram:GrandTotalAmount>"));
	assert_non_null(strstr(x, "<ram:InvoiceReferencedDocument>\n<ram:IssuerAssignedID>INV-2026-000003</ram:IssuerAssignedID>"));
	assert_non_null(strstr(x, "<ram:ExemptionReasonCode>VATEX-EU-132-1A</ram:ExemptionReasonCode>"));
	assert_null(strstr(x, "></ram:"));
	buf_free(&b);
}

static void test_write_variants(void **state)
{
	struct buf b = BUF_INIT;
	struct fx f;
	const char *x;

	(void)state;
	/* JPY: 1,234.5 minutes at 0.45 is 555.525, stored as 556: the price of
	 * the whole quantity keeps Peppol R120 (0.02) true */
	fx_init(&f);
	f.inv.currency = "JPY";
	f.inv.exponent = 0;
	f.lines[0] = (struct inv_line){ 1, "Voice, Japan mobile", 1234500000, "MIN", 450000, 190000, "S", "", "", "",
					556, 106, 662 };
	f.inv.nlines = 1;
	f.taxes[0] = (struct inv_tax_total){ "S", 190000, "", 556, 106 };
	f.inv.ntaxes = 1;
	f.inv.net_total = 556;
	f.inv.tax_total = 106;
	f.inv.total = 662;
	x = write_doc(&f, EINV_UBL, &b);
	assert_non_null(strstr(x, "<cbc:InvoicedQuantity unitCode=\"MIN\">1234.5</cbc:InvoicedQuantity>"));
	assert_non_null(strstr(x, "<cbc:PriceAmount currencyID=\"JPY\">556</cbc:PriceAmount>\n"
			       "<cbc:BaseQuantity unitCode=\"MIN\">1234.5</cbc:BaseQuantity>"));
	assert_non_null(strstr(x, "<cbc:PayableAmount currencyID=\"JPY\">662</cbc:PayableAmount>"));
	x = write_doc(&f, EINV_CII, &b);
	assert_non_null(strstr(x, "<ram:ChargeAmount>556</ram:ChargeAmount>\n<ram:BasisQuantity unitCode=\"MIN\">1234.5</ram:BasisQuantity>"));

	/* the same quantity in EUR needs no base quantity */
	f.inv.currency = "EUR";
	f.inv.exponent = 2;
	f.lines[0].net = 55553;   /* 555.525 rounds half away from zero */
	x = write_doc(&f, EINV_UBL, &b);
	assert_non_null(strstr(x, "<cbc:PriceAmount currencyID=\"EUR\">0.45</cbc:PriceAmount>"));
	assert_null(strstr(x, "BaseQuantity"));

	/* not subject to VAT: no VAT ids anywhere (BR-O-02), no rate (BR-O-05), the reason */
	fx_init(&f);
	f.lines[0] = f.lines[1];
	f.lines[0].vat_category = "O";
	f.inv.nlines = 1;
	f.taxes[0] = (struct inv_tax_total){ "O", 0, "", 5555, 0 };
	f.inv.ntaxes = 1;
	f.codes[0] = "";
	x = write_doc(&f, EINV_UBL, &b);
	assert_null(strstr(x, "PartyTaxScheme"));
	assert_null(strstr(x, "<cbc:Percent>"));
	assert_non_null(strstr(x, "<cbc:TaxExemptionReasonCode>VATEX-EU-O</cbc:TaxExemptionReasonCode>"));
	assert_non_null(strstr(x, "<cbc:CompanyID>HRB 1</cbc:CompanyID>"));
	x = write_doc(&f, EINV_CII, &b);
	assert_null(strstr(x, "SpecifiedTaxRegistration"));
	assert_null(strstr(x, "RateApplicablePercent"));

	/* intra-Community supply: the deliver-to country (BR-IC-12) */
	fx_init(&f);
	f.lines[1].vat_category = "K";
	f.taxes[1].vat_category = "K";
	f.inv.period_start = f.inv.period_end = "";
	x = write_doc(&f, EINV_UBL, &b);
	assert_non_null(strstr(x, "<cac:Delivery>\n<cbc:ActualDeliveryDate>2026-11-30</cbc:ActualDeliveryDate>"));
	x = write_doc(&f, EINV_CII, &b);
	assert_non_null(strstr(x, "<ram:ShipToTradeParty>"));

	/* an order reference beside the fallback buyer reference (DE-R-015 wants BT-10) */
	fx_init(&f);
	f.d.order_reference = "PO 4711";
	x = write_doc(&f, EINV_UBL, &b);
	assert_non_null(strstr(x, "<cac:OrderReference>\n<cbc:ID>PO 4711</cbc:ID>"));
	assert_non_null(strstr(x, "<cbc:BuyerReference>C42</cbc:BuyerReference>"));

	/* nothing to write without lines */
	f.inv.nlines = 0;
	buf_clear(&b);
	assert_int_equal(einv_write(&f.d, EINV_UBL, &b), IE_INVALID);
	buf_free(&b);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_amount),
		cmocka_unit_test(test_decimal6_percent),
		cmocka_unit_test(test_escape),
		cmocka_unit_test(test_date102),
		cmocka_unit_test(test_categories),
		cmocka_unit_test(test_means),
		cmocka_unit_test(test_syntaxes),
		cmocka_unit_test(test_check),
		cmocka_unit_test(test_write_ubl),
		cmocka_unit_test(test_write_cii),
		cmocka_unit_test(test_write_variants),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
