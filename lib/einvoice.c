/*
 * einvoice.c — EN 16931 UBL (Peppol BIS 3.0) and CII D16B documents; see einvoice.h.
 */
#include <string.h>
#include "config.h"
#include "db.h"
#include "einvoice.h"

#define PEPPOL_CUSTOMIZATION "urn:cen.eu:en16931:2017#compliant#urn:fdc:peppol.eu:2017:poacc:billing:3.0"
#define PEPPOL_PROFILE "urn:fdc:peppol.eu:2017:poacc:billing:01:1.0"
#define CII_GUIDELINE "urn:cen.eu:en16931:2017"
#define XRECHNUNG_CUSTOMIZATION "urn:cen.eu:en16931:2017#compliant#urn:xeinkauf.de:kosit:xrechnung_3.0"

static int has(const char *s)
{
	return s && *s;
}

/* ------------------------------------------------------------ pure parts */

ierr einv_esc(struct buf *out, const char *s, size_t n)
{
	size_t i, run = 0;
	ierr e = IE_OK;

	for (i = 0; i < n && !e; i++) {
		unsigned char c = (unsigned char)s[i];
		const char *ent = NULL;

		switch (c) {
		case '&': ent = "&amp;"; break;
		case '<': ent = "&lt;"; break;
		case '>': ent = "&gt;"; break;
		case '"': ent = "&quot;"; break;
		case '\'': ent = "&apos;"; break;
		default:
			if (c >= 0x20 || c == '\t' || c == '\n' || c == '\r')
				continue;
			ent = "";      /* not allowed in XML 1.0: dropped */
		}
		if (i > run)
			e = buf_put(out, s + run, i - run);
		if (!e)
			e = buf_puts(out, ent);
		run = i + 1;
	}
	if (!e && n > run)
		e = buf_put(out, s + run, n - run);
	return e;
}

/* v with `decimals` digits after the point, keeping at least `keep` of them
 * (trailing zeros beyond those dropped). */
static ierr fixed_text(int64_t v, int decimals, int keep, char *out, size_t outsz)
{
	char tmp[48];
	size_t len;
	char *dot;
	ierr e;

	if ((e = money_to_decimal(v, decimals, tmp, sizeof(tmp))))
		return e;
	len = strlen(tmp);
	if ((dot = strchr(tmp, '.'))) {
		size_t min = (size_t)(dot - tmp) + 1 + (size_t)keep;

		while (len > min && tmp[len - 1] == '0')
			len--;
		if (keep == 0 && len == (size_t)(dot - tmp) + 1)
			len--;           /* no digits left: no point either */
		tmp[len] = '\0';
	}
	return str_copy(out, outsz, tmp);
}

ierr einv_amount(money_t v, int exponent, char *out, size_t outsz)
{
	if (exponent < 0 || exponent > 3)
		return IE_INVALID;
	return fixed_text(v, exponent, exponent < 2 ? exponent : 2, out, outsz);
}

ierr einv_decimal6(int64_t v, char *out, size_t outsz)
{
	return fixed_text(v, 6, 0, out, outsz);
}

ierr einv_percent(int64_t rate, char *out, size_t outsz)
{
	return fixed_text(rate, 4, 0, out, outsz);
}

ierr einv_date102(const char *date, char out[9])
{
	static const int digit_at[8] = { 0, 1, 2, 3, 5, 6, 8, 9 };

	if (!date || strlen(date) != 10 || date[4] != '-' || date[7] != '-')
		return IE_INVALID;
	for (int i = 0; i < 8; i++) {
		char c = date[digit_at[i]];

		if (c < '0' || c > '9')
			return IE_INVALID;
		out[i] = c;
	}
	out[8] = '\0';
	return IE_OK;
}

/* EN 16931's VAT categories (UNCL 5305 subset) and the rules of each group. */
static const struct einv_category categories[] = {
	/* code rated percent exempt seller_vat buyer_vat vatex reason rule */
	{ "S", 1, 1, 0, 1, 0, "", "", "BR-S" },
	{ "Z", 0, 1, 0, 1, 0, "", "", "BR-Z" },
	{ "E", 0, 1, 1, 1, 0, "", "Exempt from VAT", "BR-E" },
	{ "AE", 0, 1, 1, 1, 1, "VATEX-EU-AE", "Reverse charge", "BR-AE" },
	{ "K", 0, 1, 1, 1, 1, "VATEX-EU-IC", "Intra-Community supply", "BR-IC" },
	{ "G", 0, 1, 1, 1, 0, "VATEX-EU-G", "Export outside the EU", "BR-G" },
	{ "O", 0, 0, 1, 0, 0, "VATEX-EU-O", "Not subject to VAT", "BR-O" },
	{ "L", 1, 1, 0, 1, 0, "", "", "BR-IG" },
	{ "M", 1, 1, 0, 1, 0, "", "", "BR-IP" },
};

const struct einv_category *einv_category(const char *code)
{
	for (size_t i = 0; code && i < sizeof(categories) / sizeof(categories[0]); i++)
		if (!strcmp(categories[i].code, code))
			return &categories[i];
	return NULL;
}

void einv_exemption(const struct einv_category *cat, const char *code, const char *reason,
		    const char **code_out, const char **reason_out)
{
	if (!cat || !cat->exempt) {
		*code_out = *reason_out = "";
		return;
	}
	*code_out = has(code) ? code : cat->vatex;
	*reason_out = has(reason) ? reason : cat->reason;
}

const char *einv_means(const char *stored, int *account)
{
	static const char *const known[] = { "58", "30", "49", "48", "59", "31", "42", "10", "1" };
	const char *code = "30";

	for (size_t i = 0; stored && i < sizeof(known) / sizeof(known[0]); i++)
		if (!strcmp(stored, known[i]))
			code = known[i];
	*account = !strcmp(code, "30") || !strcmp(code, "58") || !strcmp(code, "31") || !strcmp(code, "42");
	return code;
}

static const char *const syntax_names[EINV_SYNTAXES] = { "peppol", "cii", "xrechnung" };
static const char *const syntax_suffixes[EINV_SYNTAXES] = { ".xml", ".cii.xml", ".xrechnung.xml" };

const char *einv_suffix(enum einv_syntax syntax)
{
	return (unsigned)syntax < EINV_SYNTAXES ? syntax_suffixes[syntax] : ".xml";
}

ierr einv_syntax_of(const char *name, enum einv_syntax *out)
{
	for (unsigned i = 0; name && i < EINV_SYNTAXES; i++)
		if (!strcmp(name, syntax_names[i])) {
			*out = (enum einv_syntax)i;
			return IE_OK;
		}
	return IE_INVALID;
}

/* ------------------------------------------------------------ the check */

static int country_ok(const char *c)
{
	return c && strlen(c) == 2 && c[0] >= 'A' && c[0] <= 'Z' && c[1] >= 'A' && c[1] <= 'Z';
}

/* BR-CO-09: a VAT identifier starts with a two-letter country prefix (ISO
 * 3166, EL for Greece); the rule's list of codes is the validator's job. */
static int vat_prefix_ok(const char *v)
{
	return v && v[0] >= 'A' && v[0] <= 'Z' && v[1] >= 'A' && v[1] <= 'Z';
}

/* An amount EN 16931 can carry: two decimals at most (BR-DEC). */
static int dec_ok(money_t v, int exponent)
{
	return exponent <= 2 || v % 10 == 0;
}

/* What a document's VAT categories ask of it. */
struct einv_cats {
	int any_seller_vat, any_buyer_vat, any_o, any_k, other_than_o;
	const struct einv_category *seller_vat_cat, *buyer_vat_cat;
};

static void cats_of(const struct invoice *inv, struct einv_cats *c)
{
	memset(c, 0, sizeof(*c));
	for (size_t i = 0; i < inv->nlines; i++) {
		const struct einv_category *cat = einv_category(inv->lines[i].vat_category);

		if (!cat)
			continue;
		if (cat->seller_vat && !c->seller_vat_cat)
			c->seller_vat_cat = cat;
		if (cat->buyer_vat && !c->buyer_vat_cat)
			c->buyer_vat_cat = cat;
		c->any_seller_vat |= cat->seller_vat;
		c->any_buyer_vat |= cat->buyer_vat;
		c->any_o |= !strcmp(cat->code, "O");
		c->any_k |= !strcmp(cat->code, "K");
		c->other_than_o |= strcmp(cat->code, "O") != 0;
	}
}

/* The sentence for each rule: "EN 16931 rule BR-S-02: ...", static. */
#define RULE(id, text) { id, "EN 16931 rule " id ": " text }
#define SELLER_VAT "the seller's VAT identifier is missing (config Seller.TaxId): a taxed, exempt, " \
	"zero-rated or export line needs it."
#define BUYER_VAT "the customer's VAT identifier is missing: reverse-charge and intra-Community supplies " \
	"need it. Set it on the customer."
#define RATED "a standard-rated line has a VAT rate of zero: set the rate or the line's VAT category."
#define UNRATED "a zero-rated, exempt, reverse-charge, intra-Community, export or not-subject line has a " \
	"VAT rate above zero: set the rate to 0 or change the line's VAT category."
#define CAT_RULES(g, rate) { RULE(g "-02", SELLER_VAT), RULE(g "-02", BUYER_VAT), RULE(g "-05", rate) }
/* per category (categories[] order): seller VAT id, buyer VAT id, rate */
static const struct einv_problem cat_rules[][3] = {
	CAT_RULES("BR-S", RATED), CAT_RULES("BR-Z", UNRATED), CAT_RULES("BR-E", UNRATED),
	CAT_RULES("BR-AE", UNRATED), CAT_RULES("BR-IC", UNRATED), CAT_RULES("BR-G", UNRATED),
	CAT_RULES("BR-O", UNRATED), CAT_RULES("BR-IG", RATED), CAT_RULES("BR-IP", RATED),
};
static const struct einv_problem peppol_seller = {
	"PEPPOL-EN16931-R020", "Peppol rule PEPPOL-EN16931-R020: the seller's electronic address is missing "
	"(config Seller.EndpointID and Seller.EndpointScheme); the CII e-invoice does not need it." };
static const struct einv_problem peppol_buyer = {
	"PEPPOL-EN16931-R010", "Peppol rule PEPPOL-EN16931-R010: the customer's electronic address (Peppol "
	"endpoint) is missing: set it on the customer; the CII e-invoice does not need it." };
static const struct einv_problem rules[] = {
#define R_LINES 0
	RULE("BR-16", "the document needs at least one line."),
#define R_SELLER_NAME 1
	RULE("BR-06", "the seller's name is missing (config Seller.Name)."),
#define R_SELLER_COUNTRY 2
	RULE("BR-09", "the seller's country code is missing or not an ISO 3166 code (config Seller.Country)."),
#define R_BUYER_NAME 3
	RULE("BR-07", "the customer's name is missing."),
#define R_BUYER_COUNTRY 4
	RULE("BR-11", "the customer's country is missing: set it on the customer."),
#define R_CATEGORY 5
	RULE("BR-CO-04", "a line has no known VAT category."),
#define R_DEC_LINE 6
	RULE("BR-DEC-23", "a line amount has a third decimal: EN 16931 amounts have at most two."),
#define R_O_MIXED 7
	RULE("BR-O-11", "lines not subject to VAT (category O) cannot share a document with other VAT categories."),
#define R_SELLER_PREFIX 8
	RULE("BR-CO-09", "the seller's VAT identifier must start with its country prefix (config Seller.TaxId)."),
#define R_BUYER_PREFIX 9
	RULE("BR-CO-09", "the customer's VAT identifier must start with its country prefix."),
#define R_O_REGISTRATION 10
	RULE("BR-CO-26", "a document not subject to VAT carries no VAT identifier, so it needs the seller's "
	     "legal registration identifier (config Seller.CompanyID)."),
#define R_DEC_BREAKDOWN 11
	RULE("BR-DEC-19", "a VAT breakdown amount has a third decimal: EN 16931 amounts have at most two."),
#define R_DEC_TOTAL 12
	RULE("BR-DEC-09", "a document total has a third decimal: EN 16931 amounts have at most two."),
#define R_ACCOUNT 13
	RULE("BR-61", "payment by credit transfer needs the seller's account (config Seller.IBAN)."),
};
/* not rules: documents that have no e-invoice at all (einv_load) */
static const struct einv_problem no_draft = { "", "A draft has no e-invoice yet: issue it first." };
static const struct einv_problem no_void = { "", "This invoice was cancelled: it has no e-invoice (one would "
					     "read as payable)." };

static ierr problem(struct einv_problem *p, const struct einv_problem *rule)
{
	*p = *rule;
	return IE_CONFLICT;
}

static const struct einv_problem *cat_rule(const struct einv_category *cat, int which)
{
	return &cat_rules[cat - categories][which];
}

ierr einv_check(const struct einv_doc *d, unsigned flags, struct einv_problem *p)
{
	int decimals = !(flags & EINV_ANY_DECIMALS);
	const struct invoice *inv = d->inv;
	struct einv_cats c;
	int account;

	p->rule = p->message = "";
	if (!inv->nlines)
		return problem(p, &rules[R_LINES]);
	if (!has(d->seller.legal_name) && !has(d->seller.name))
		return problem(p, &rules[R_SELLER_NAME]);
	if (!country_ok(d->seller.country))
		return problem(p, &rules[R_SELLER_COUNTRY]);
	if (!has(d->buyer.legal_name) && !has(d->buyer.name))
		return problem(p, &rules[R_BUYER_NAME]);
	if (!country_ok(d->buyer.country))
		return problem(p, &rules[R_BUYER_COUNTRY]);
	for (size_t i = 0; i < inv->nlines; i++) {
		const struct inv_line *l = &inv->lines[i];
		const struct einv_category *cat = einv_category(l->vat_category);

		if (!cat)
			return problem(p, &rules[R_CATEGORY]);
		if (cat->rated ? l->tax_rate <= 0 : l->tax_rate != 0)
			return problem(p, cat_rule(cat, 2));
		if (decimals && !dec_ok(l->net, inv->exponent))
			return problem(p, &rules[R_DEC_LINE]);
	}
	cats_of(inv, &c);
	if (c.any_o && c.other_than_o)
		return problem(p, &rules[R_O_MIXED]);
	if (c.any_seller_vat && !has(d->seller.vat_id))
		return problem(p, cat_rule(c.seller_vat_cat, 0));
	if (c.any_seller_vat && !vat_prefix_ok(d->seller.vat_id))
		return problem(p, &rules[R_SELLER_PREFIX]);
	if (c.any_buyer_vat && !has(d->buyer.vat_id))
		return problem(p, cat_rule(c.buyer_vat_cat, 1));
	if (c.any_buyer_vat && !vat_prefix_ok(d->buyer.vat_id))
		return problem(p, &rules[R_BUYER_PREFIX]);
	if (c.any_o && !has(d->seller.company_id))
		return problem(p, &rules[R_O_REGISTRATION]);
	for (size_t i = 0; decimals && i < inv->ntaxes; i++)
		if (!dec_ok(inv->taxes[i].net, inv->exponent) || !dec_ok(inv->taxes[i].tax, inv->exponent))
			return problem(p, &rules[R_DEC_BREAKDOWN]);
	if (decimals && (!dec_ok(inv->net_total, inv->exponent) || !dec_ok(inv->tax_total, inv->exponent)
			 || !dec_ok(inv->total, inv->exponent)))
		return problem(p, &rules[R_DEC_TOTAL]);
	einv_means(inv->payment_means, &account);
	if (account && !has(d->iban))
		return problem(p, &rules[R_ACCOUNT]);
	if ((flags & EINV_PEPPOL) && (!has(d->seller.endpoint_id) || !has(d->seller.endpoint_scheme)))
		return problem(p, &peppol_seller);
	if ((flags & EINV_PEPPOL) && (!has(d->buyer.endpoint_id) || !has(d->buyer.endpoint_scheme)))
		return problem(p, &peppol_buyer);
	return IE_OK;
}

/* ------------------------------------------------------------ the writer */

struct w {
	struct buf *b;
	const struct einv_doc *d;
	const char *cur;
	int exp;
	struct einv_cats cats;
	int xrechnung;
	ierr e;
};

static void put(struct w *w, const char *s)
{
	if (!w->e)
		w->e = buf_puts(w->b, s);
}

static void esc(struct w *w, const char *s)
{
	if (!w->e && s)
		w->e = einv_esc(w->b, s, strlen(s));
}

/* <tag>text</tag> when text is not empty (Peppol R008: no empty elements) */
static void el(struct w *w, const char *tag, const char *text)
{
	if (!has(text))
		return;
	put(w, "<");
	put(w, tag);
	put(w, ">");
	esc(w, text);
	put(w, "</");
	put(w, tag);
	put(w, ">\n");
}

/* <tag attr="value">text</tag> */
static void el_attr(struct w *w, const char *tag, const char *attr, const char *value, const char *text)
{
	if (!has(text))
		return;
	if (!has(value)) {
		el(w, tag, text);
		return;
	}
	put(w, "<");
	put(w, tag);
	put(w, " ");
	put(w, attr);
	put(w, "=\"");
	esc(w, value);
	put(w, "\">");
	esc(w, text);
	put(w, "</");
	put(w, tag);
	put(w, ">\n");
}

/* <outer><tag>text</tag></outer>, nothing when text is empty */
static void el_in(struct w *w, const char *outer, const char *tag, const char *text)
{
	if (!has(text))
		return;
	put(w, "<");
	put(w, outer);
	put(w, ">\n");
	el(w, tag, text);
	put(w, "</");
	put(w, outer);
	put(w, ">\n");
}

static void amount(struct w *w, const char *tag, money_t v, int with_currency)
{
	char t[48];

	if (!w->e)
		w->e = einv_amount(v, w->exp, t, sizeof(t));
	if (!w->e)
		el_attr(w, tag, "currencyID", with_currency ? w->cur : NULL, t);
}

static void fixed6(struct w *w, const char *tag, const char *attr, const char *value, int64_t v)
{
	char t[48];

	if (!w->e)
		w->e = einv_decimal6(v, t, sizeof(t));
	if (!w->e)
		el_attr(w, tag, attr, value, t);
}

static void percent(struct w *w, const char *tag, int64_t rate)
{
	char t[32];

	if (!w->e)
		w->e = einv_percent(rate, t, sizeof(t));
	el(w, tag, t);
}

/* Which VAT ids a document carries: none at all when it is not subject to
 * VAT (BR-O-02), else the seller's and the buyer's when set. */
static int with_vat_ids(const struct w *w)
{
	return !w->cats.any_o;
}

/* BT-10: the buyer reference; without one the customer's account number
 * with us (Peppol R003 wants it or an order reference, its German rules
 * DE-R-015 always want it). */
static const char *buyer_ref(const struct einv_doc *d, char *tmp, size_t tmpsz)
{
	char n[24];

	if (has(d->inv->buyer_reference) || tmpsz < 2)
		return d->inv->buyer_reference;
	tmp[0] = 'C';
	return str_copy(tmp + 1, tmpsz - 1, str_of_int(d->inv->customer_id, n)) ? "" : tmp;
}

/* The price that makes quantity x price equal the stored net (Peppol R120
 * allows 0.02): the unit price, unless rounding to the currency moved the net
 * further (0-decimal currencies); then the net is the price of the whole
 * quantity (BT-149 base quantity = |quantity|, BT-146 = |net|). */
static int price_for_base(const struct inv_line *l, int exponent)
{
	__int128 exact = (__int128)l->quantity * l->unit_price;   /* x 1e12 */
	__int128 net = (__int128)l->net;
	__int128 diff;

	for (int i = exponent; i < 12; i++)
		net *= 10;
	diff = exact - net;
	if (diff < 0)
		diff = -diff;
	/* 0.01 in 1e12 units: well inside the 0.02 slack */
	return diff > (__int128)10000000000LL && l->quantity != 0;
}

static money_t abs64(money_t v)
{
	return v < 0 ? -v : v;
}

/* ---- UBL ---- */

static void ubl_address(struct w *w, const struct einv_party *p, const char *tag)
{
	put(w, "<cac:");
	put(w, tag);
	put(w, ">\n");
	el(w, "cbc:StreetName", p->street);
	el(w, "cbc:AdditionalStreetName", p->address_line2);
	el(w, "cbc:CityName", p->city);
	el(w, "cbc:PostalZone", p->post_code);
	el(w, "cbc:CountrySubentity", p->region);
	put(w, "<cac:Country>\n");
	el(w, "cbc:IdentificationCode", p->country);
	put(w, "</cac:Country>\n</cac:");
	put(w, tag);
	put(w, ">\n");
}

static void ubl_party(struct w *w, const struct einv_party *p, int seller)
{
	put(w, seller ? "<cac:AccountingSupplierParty>\n<cac:Party>\n" : "<cac:AccountingCustomerParty>\n<cac:Party>\n");
	if (has(p->endpoint_id))
		el_attr(w, "cbc:EndpointID", "schemeID", p->endpoint_scheme, p->endpoint_id);
	el_in(w, "cac:PartyName", "cbc:Name", p->name);
	ubl_address(w, p, "PostalAddress");
	if (has(p->vat_id) && with_vat_ids(w)) {
		put(w, "<cac:PartyTaxScheme>\n");
		el(w, "cbc:CompanyID", p->vat_id);
		put(w, "<cac:TaxScheme>\n<cbc:ID>VAT</cbc:ID>\n</cac:TaxScheme>\n</cac:PartyTaxScheme>\n");
	}
	put(w, "<cac:PartyLegalEntity>\n");
	el(w, "cbc:RegistrationName", has(p->legal_name) ? p->legal_name : p->name);
	el(w, "cbc:CompanyID", p->company_id);
	put(w, "</cac:PartyLegalEntity>\n");
	if (has(p->email) || has(p->contact) || has(p->phone)) {
		put(w, "<cac:Contact>\n");
		el(w, "cbc:Name", p->contact);
		el(w, "cbc:Telephone", p->phone);
		el(w, "cbc:ElectronicMail", p->email);
		put(w, "</cac:Contact>\n");
	}
	put(w, seller ? "</cac:Party>\n</cac:AccountingSupplierParty>\n" : "</cac:Party>\n</cac:AccountingCustomerParty>\n");
}

/* A period (BG-14, BG-26) in either syntax: its element, its two date
 * elements and how a date is written (UBL: text, CII: format 102). */
struct period_syntax {
	const char *outer, *start, *end;
	void (*date)(struct w *w, const char *tag, const char *date);
};

static void period(struct w *w, const struct period_syntax *ps, const char *start, const char *end)
{
	if (!has(start) && !has(end))
		return;
	put(w, "<");
	put(w, ps->outer);
	put(w, ">\n");
	ps->date(w, ps->start, start);
	ps->date(w, ps->end, end);
	put(w, "</");
	put(w, ps->outer);
	put(w, ">\n");
}

static void ubl_period(struct w *w, const char *start, const char *end)
{
	static const struct period_syntax ubl = { "cac:InvoicePeriod", "cbc:StartDate", "cbc:EndDate", el };

	period(w, &ubl, start, end);
}

static void ubl_tax_category(struct w *w, const char *tag, const struct einv_category *cat, const char *code,
			     int64_t rate, const char *ex_code, const char *ex_reason)
{
	put(w, "<cac:");
	put(w, tag);
	put(w, ">\n");
	el(w, "cbc:ID", code);
	if (!cat || cat->percent)
		percent(w, "cbc:Percent", rate);
	el(w, "cbc:TaxExemptionReasonCode", ex_code);
	el(w, "cbc:TaxExemptionReason", ex_reason);
	put(w, "<cac:TaxScheme>\n<cbc:ID>VAT</cbc:ID>\n</cac:TaxScheme>\n</cac:");
	put(w, tag);
	put(w, ">\n");
}

/* K (intra-Community supply) needs the deliver-to country and a delivery
 * date or period (BR-IC-11, BR-IC-12): the buyer's address. */
static void ubl_delivery(struct w *w)
{
	const struct invoice *inv = w->d->inv;

	if (!w->cats.any_k)
		return;
	put(w, "<cac:Delivery>\n");
	if (!has(inv->period_start) && !has(inv->period_end))
		el(w, "cbc:ActualDeliveryDate", inv->invoice_date);
	put(w, "<cac:DeliveryLocation>\n");
	ubl_address(w, &w->d->buyer, "Address");
	put(w, "</cac:DeliveryLocation>\n</cac:Delivery>\n");
}

static void ubl_payment(struct w *w, int credit)
{
	const struct einv_doc *d = w->d;
	int account;
	const char *means = einv_means(d->inv->payment_means, &account);

	put(w, "<cac:PaymentMeans>\n");
	el(w, "cbc:PaymentMeansCode", means);
	if (credit)
		el(w, "cbc:PaymentDueDate", d->inv->due_date);
	el(w, "cbc:PaymentID", d->inv->number);
	if (account && has(d->iban)) {
		put(w, "<cac:PayeeFinancialAccount>\n");
		el(w, "cbc:ID", d->iban);
		el_in(w, "cac:FinancialInstitutionBranch", "cbc:ID", d->bic);
		put(w, "</cac:PayeeFinancialAccount>\n");
	}
	put(w, "</cac:PaymentMeans>\n");
}

static void ubl_taxes(struct w *w)
{
	const struct invoice *inv = w->d->inv;

	put(w, "<cac:TaxTotal>\n");
	amount(w, "cbc:TaxAmount", inv->tax_total, 1);
	for (size_t i = 0; i < inv->ntaxes; i++) {
		const struct inv_tax_total *t = &inv->taxes[i];
		const struct einv_category *cat = einv_category(t->vat_category);
		const char *code, *reason;

		einv_exemption(cat, w->d->tax_exemption_code ? w->d->tax_exemption_code[i] : "", t->exemption_reason,
			       &code, &reason);
		put(w, "<cac:TaxSubtotal>\n");
		amount(w, "cbc:TaxableAmount", t->net, 1);
		amount(w, "cbc:TaxAmount", t->tax, 1);
		ubl_tax_category(w, "TaxCategory", cat, t->vat_category, t->rate, code, reason);
		put(w, "</cac:TaxSubtotal>\n");
	}
	put(w, "</cac:TaxTotal>\n");
}

static void ubl_line(struct w *w, const struct inv_line *l, int credit)
{
	const struct einv_category *cat = einv_category(l->vat_category);
	int base = price_for_base(l, w->exp);
	char id[24];

	put(w, credit ? "<cac:CreditNoteLine>\n" : "<cac:InvoiceLine>\n");
	el(w, "cbc:ID", str_of_int(l->position, id));
	fixed6(w, credit ? "cbc:CreditedQuantity" : "cbc:InvoicedQuantity", "unitCode", l->unit_code, l->quantity);
	amount(w, "cbc:LineExtensionAmount", l->net, 1);
	ubl_period(w, l->period_start, l->period_end);
	put(w, "<cac:Item>\n");
	el(w, "cbc:Name", l->description);
	ubl_tax_category(w, "ClassifiedTaxCategory", cat, l->vat_category, l->tax_rate, NULL, NULL);
	put(w, "</cac:Item>\n<cac:Price>\n");
	if (base) {
		amount(w, "cbc:PriceAmount", abs64(l->net), 1);
		fixed6(w, "cbc:BaseQuantity", "unitCode", l->unit_code, l->quantity < 0 ? -l->quantity : l->quantity);
	} else {
		fixed6(w, "cbc:PriceAmount", "currencyID", w->cur, l->unit_price);
	}
	put(w, "</cac:Price>\n");
	put(w, credit ? "</cac:CreditNoteLine>\n" : "</cac:InvoiceLine>\n");
}

static void ubl(struct w *w)
{
	const struct einv_doc *d = w->d;
	const struct invoice *inv = d->inv;
	int credit = inv->type_code == 381;
	const char *root = credit ? "CreditNote" : "Invoice";
	char tc[24], ref[40];
	const char *bref = buyer_ref(d, ref, sizeof(ref));

	put(w, "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<");
	put(w, root);
	put(w, " xmlns=\"urn:oasis:names:specification:ubl:schema:xsd:");
	put(w, root);
	put(w, "-2\" xmlns:cac=\"urn:oasis:names:specification:ubl:schema:xsd:CommonAggregateComponents-2\" "
	       "xmlns:cbc=\"urn:oasis:names:specification:ubl:schema:xsd:CommonBasicComponents-2\">\n");
	el(w, "cbc:CustomizationID", w->xrechnung ? XRECHNUNG_CUSTOMIZATION : PEPPOL_CUSTOMIZATION);
	el(w, "cbc:ProfileID", PEPPOL_PROFILE);
	el(w, "cbc:ID", inv->number);
	el(w, "cbc:IssueDate", inv->invoice_date);
	if (!credit)
		el(w, "cbc:DueDate", inv->due_date);
	el(w, credit ? "cbc:CreditNoteTypeCode" : "cbc:InvoiceTypeCode", str_of_int(inv->type_code, tc));
	el(w, "cbc:Note", inv->notes);
	el(w, "cbc:DocumentCurrencyCode", inv->currency);
	el(w, "cbc:BuyerReference", bref);
	ubl_period(w, inv->period_start, inv->period_end);
	el_in(w, "cac:OrderReference", "cbc:ID", d->order_reference);
	if (has(inv->credited_number)) {
		put(w, "<cac:BillingReference>\n<cac:InvoiceDocumentReference>\n");
		el(w, "cbc:ID", inv->credited_number);
		put(w, "</cac:InvoiceDocumentReference>\n</cac:BillingReference>\n");
	}
	ubl_party(w, &d->seller, 1);
	ubl_party(w, &d->buyer, 0);
	ubl_delivery(w);
	ubl_payment(w, credit);
	ubl_taxes(w);
	put(w, "<cac:LegalMonetaryTotal>\n");
	amount(w, "cbc:LineExtensionAmount", inv->net_total, 1);
	amount(w, "cbc:TaxExclusiveAmount", inv->net_total, 1);
	amount(w, "cbc:TaxInclusiveAmount", inv->total, 1);
	amount(w, "cbc:PayableAmount", inv->total, 1);
	put(w, "</cac:LegalMonetaryTotal>\n");
	for (size_t i = 0; i < inv->nlines; i++)
		ubl_line(w, &inv->lines[i], credit);
	put(w, "</");
	put(w, root);
	put(w, ">\n");
}

/* ---- CII ---- */

static void cii_date(struct w *w, const char *tag, const char *date)
{
	char d8[9];

	if (!has(date))
		return;
	if (!w->e)
		w->e = einv_date102(date, d8);
	put(w, "<");
	put(w, tag);
	put(w, ">\n<udt:DateTimeString format=\"102\">");
	put(w, w->e ? "" : d8);
	put(w, "</udt:DateTimeString>\n</");
	put(w, tag);
	put(w, ">\n");
}

static void cii_period(struct w *w, const char *start, const char *end)
{
	static const struct period_syntax cii = { "ram:BillingSpecifiedPeriod", "ram:StartDateTime", "ram:EndDateTime",
						  cii_date };

	period(w, &cii, start, end);
}

static void cii_address(struct w *w, const struct einv_party *p)
{
	put(w, "<ram:PostalTradeAddress>\n");
	el(w, "ram:PostcodeCode", p->post_code);
	el(w, "ram:LineOne", p->street);
	el(w, "ram:LineTwo", p->address_line2);
	el(w, "ram:CityName", p->city);
	el(w, "ram:CountryID", p->country);
	el(w, "ram:CountrySubDivisionName", p->region);
	put(w, "</ram:PostalTradeAddress>\n");
}

static void cii_party(struct w *w, const struct einv_party *p, const char *tag)
{
	const char *legal = has(p->legal_name) ? p->legal_name : p->name;

	put(w, "<ram:");
	put(w, tag);
	put(w, ">\n");
	el(w, "ram:Name", legal);
	if (has(p->company_id) || (has(p->name) && strcmp(p->name, legal))) {
		put(w, "<ram:SpecifiedLegalOrganization>\n");
		el(w, "ram:ID", p->company_id);
		if (strcmp(p->name, legal))
			el(w, "ram:TradingBusinessName", p->name);
		put(w, "</ram:SpecifiedLegalOrganization>\n");
	}
	if (has(p->email) || has(p->contact) || has(p->phone)) {
		put(w, "<ram:DefinedTradeContact>\n");
		el(w, "ram:PersonName", p->contact);
		el_in(w, "ram:TelephoneUniversalCommunication", "ram:CompleteNumber", p->phone);
		el_in(w, "ram:EmailURIUniversalCommunication", "ram:URIID", p->email);
		put(w, "</ram:DefinedTradeContact>\n");
	}
	cii_address(w, p);
	if (has(p->endpoint_id)) {
		put(w, "<ram:URIUniversalCommunication>\n");
		el_attr(w, "ram:URIID", "schemeID", p->endpoint_scheme, p->endpoint_id);
		put(w, "</ram:URIUniversalCommunication>\n");
	}
	if (has(p->vat_id) && with_vat_ids(w)) {
		put(w, "<ram:SpecifiedTaxRegistration>\n");
		el_attr(w, "ram:ID", "schemeID", "VA", p->vat_id);
		put(w, "</ram:SpecifiedTaxRegistration>\n");
	}
	put(w, "</ram:");
	put(w, tag);
	put(w, ">\n");
}

/* line (net NULL) or breakdown ApplicableTradeTax, in D16B's element order */
static void cii_tax(struct w *w, const char *code, int64_t rate, const money_t *tax, const money_t *net,
		    const char *ex_code, const char *ex_reason)
{
	const struct einv_category *cat = einv_category(code);

	put(w, "<ram:ApplicableTradeTax>\n");
	if (tax)
		amount(w, "ram:CalculatedAmount", *tax, 0);
	put(w, "<ram:TypeCode>VAT</ram:TypeCode>\n");
	el(w, "ram:ExemptionReason", ex_reason);
	if (net)
		amount(w, "ram:BasisAmount", *net, 0);
	el(w, "ram:CategoryCode", code);
	el(w, "ram:ExemptionReasonCode", ex_code);
	if (!cat || cat->percent)
		percent(w, "ram:RateApplicablePercent", rate);
	put(w, "</ram:ApplicableTradeTax>\n");
}

static void cii_line(struct w *w, const struct inv_line *l)
{
	int base = price_for_base(l, w->exp);
	char id[24];

	put(w, "<ram:IncludedSupplyChainTradeLineItem>\n<ram:AssociatedDocumentLineDocument>\n");
	el(w, "ram:LineID", str_of_int(l->position, id));
	put(w, "</ram:AssociatedDocumentLineDocument>\n<ram:SpecifiedTradeProduct>\n");
	el(w, "ram:Name", l->description);
	put(w, "</ram:SpecifiedTradeProduct>\n<ram:SpecifiedLineTradeAgreement>\n<ram:NetPriceProductTradePrice>\n");
	if (base) {
		amount(w, "ram:ChargeAmount", abs64(l->net), 0);
		fixed6(w, "ram:BasisQuantity", "unitCode", l->unit_code, l->quantity < 0 ? -l->quantity : l->quantity);
	} else {
		fixed6(w, "ram:ChargeAmount", NULL, NULL, l->unit_price);
	}
	put(w, "</ram:NetPriceProductTradePrice>\n</ram:SpecifiedLineTradeAgreement>\n<ram:SpecifiedLineTradeDelivery>\n");
	fixed6(w, "ram:BilledQuantity", "unitCode", l->unit_code, l->quantity);
	put(w, "</ram:SpecifiedLineTradeDelivery>\n<ram:SpecifiedLineTradeSettlement>\n");
	cii_tax(w, l->vat_category, l->tax_rate, NULL, NULL, NULL, NULL);
	cii_period(w, l->period_start, l->period_end);
	put(w, "<ram:SpecifiedTradeSettlementLineMonetarySummation>\n");
	amount(w, "ram:LineTotalAmount", l->net, 0);
	put(w, "</ram:SpecifiedTradeSettlementLineMonetarySummation>\n</ram:SpecifiedLineTradeSettlement>\n"
	       "</ram:IncludedSupplyChainTradeLineItem>\n");
}

static void cii(struct w *w)
{
	const struct einv_doc *d = w->d;
	const struct invoice *inv = d->inv;
	char tc[24], ref[40];
	const char *bref = buyer_ref(d, ref, sizeof(ref));
	int account;
	const char *means = einv_means(inv->payment_means, &account);

	put(w, "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
	       "<rsm:CrossIndustryInvoice xmlns:rsm=\"urn:un:unece:uncefact:data:standard:CrossIndustryInvoice:100\" "
	       "xmlns:ram=\"urn:un:unece:uncefact:data:standard:ReusableAggregateBusinessInformationEntity:100\" "
	       "xmlns:qdt=\"urn:un:unece:uncefact:data:standard:QualifiedDataType:100\" "
	       "xmlns:udt=\"urn:un:unece:uncefact:data:standard:UnqualifiedDataType:100\">\n"
	       "<rsm:ExchangedDocumentContext>\n<ram:GuidelineSpecifiedDocumentContextParameter>\n");
	el(w, "ram:ID", CII_GUIDELINE);
	put(w, "</ram:GuidelineSpecifiedDocumentContextParameter>\n</rsm:ExchangedDocumentContext>\n"
	       "<rsm:ExchangedDocument>\n");
	el(w, "ram:ID", inv->number);
	el(w, "ram:TypeCode", str_of_int(inv->type_code, tc));
	cii_date(w, "ram:IssueDateTime", inv->invoice_date);
	el_in(w, "ram:IncludedNote", "ram:Content", inv->notes);
	put(w, "</rsm:ExchangedDocument>\n<rsm:SupplyChainTradeTransaction>\n");
	for (size_t i = 0; i < inv->nlines; i++)
		cii_line(w, &inv->lines[i]);
	put(w, "<ram:ApplicableHeaderTradeAgreement>\n");
	el(w, "ram:BuyerReference", bref);
	cii_party(w, &d->seller, "SellerTradeParty");
	cii_party(w, &d->buyer, "BuyerTradeParty");
	el_in(w, "ram:BuyerOrderReferencedDocument", "ram:IssuerAssignedID", d->order_reference);
	put(w, "</ram:ApplicableHeaderTradeAgreement>\n<ram:ApplicableHeaderTradeDelivery>\n");
	if (w->cats.any_k) {
		put(w, "<ram:ShipToTradeParty>\n");
		cii_address(w, &d->buyer);
		put(w, "</ram:ShipToTradeParty>\n");
		if (!has(inv->period_start) && !has(inv->period_end)) {
			put(w, "<ram:ActualDeliverySupplyChainEvent>\n");
			cii_date(w, "ram:OccurrenceDateTime", inv->invoice_date);
			put(w, "</ram:ActualDeliverySupplyChainEvent>\n");
		}
	}
	put(w, "</ram:ApplicableHeaderTradeDelivery>\n<ram:ApplicableHeaderTradeSettlement>\n");
	el(w, "ram:PaymentReference", inv->number);
	el(w, "ram:InvoiceCurrencyCode", inv->currency);
	put(w, "<ram:SpecifiedTradeSettlementPaymentMeans>\n");
	el(w, "ram:TypeCode", means);
	if (account && has(d->iban)) {
		put(w, "<ram:PayeePartyCreditorFinancialAccount>\n");
		el(w, "ram:IBANID", d->iban);
		put(w, "</ram:PayeePartyCreditorFinancialAccount>\n");
		el_in(w, "ram:PayeeSpecifiedCreditorFinancialInstitution", "ram:BICID", d->bic);
	}
	put(w, "</ram:SpecifiedTradeSettlementPaymentMeans>\n");
	for (size_t i = 0; i < inv->ntaxes; i++) {
		const struct inv_tax_total *t = &inv->taxes[i];
		const char *code, *reason;

		einv_exemption(einv_category(t->vat_category), d->tax_exemption_code ? d->tax_exemption_code[i] : "",
			       t->exemption_reason, &code, &reason);
		cii_tax(w, t->vat_category, t->rate, &t->tax, &t->net, code, reason);
	}
	cii_period(w, inv->period_start, inv->period_end);
	put(w, "<ram:SpecifiedTradePaymentTerms>\n");
	cii_date(w, "ram:DueDateDateTime", inv->due_date);
	put(w, "</ram:SpecifiedTradePaymentTerms>\n<ram:SpecifiedTradeSettlementHeaderMonetarySummation>\n");
	amount(w, "ram:LineTotalAmount", inv->net_total, 0);
	amount(w, "ram:TaxBasisTotalAmount", inv->net_total, 0);
	amount(w, "ram:TaxTotalAmount", inv->tax_total, 1);
	amount(w, "ram:GrandTotalAmount", inv->total, 0);
	amount(w, "ram:DuePayableAmount", inv->total, 0);
	put(w, "</ram:SpecifiedTradeSettlementHeaderMonetarySummation>\n");
	el_in(w, "ram:InvoiceReferencedDocument", "ram:IssuerAssignedID", inv->credited_number);
	put(w, "</ram:ApplicableHeaderTradeSettlement>\n</rsm:SupplyChainTradeTransaction>\n</rsm:CrossIndustryInvoice>\n");
}

ierr einv_write(const struct einv_doc *d, enum einv_syntax syntax, struct buf *out)
{
	struct w w;

	if (!d || !d->inv || !out || !d->inv->nlines || !d->inv->currency)
		return IE_INVALID;
	memset(&w, 0, sizeof(w));
	w.b = out;
	w.d = d;
	w.cur = d->inv->currency;
	w.exp = d->inv->exponent;
	cats_of(d->inv, &w.cats);
	w.xrechnung = syntax == EINV_XRECHNUNG;
	if (syntax == EINV_CII)
		cii(&w);
	else
		ubl(&w);
	return w.e;
}

/* ------------------------------------------------------------ loading */

static const char *dup_col(struct arena *a, const struct db_res *r, unsigned col)
{
	const char *s = db_str(r, col);

	return s ? arena_strdup(a, s) : NULL;
}

/* One row of the VAT breakdown's VATEX codes onto d->tax_exemption_code. */
struct code_ctx {
	struct arena *a;
	struct einv_doc *d;
};

static ierr tax_code_row(void *ctx, const struct db_res *r)
{
	struct code_ctx *cc = ctx;
	const struct invoice *inv = cc->d->inv;
	int64_t rate;
	ierr e = money_parse(db_str(r, 1), 4, &rate);

	for (size_t i = 0; !e && i < inv->ntaxes; i++)
		if (inv->taxes[i].rate == rate && !strcmp(inv->taxes[i].vat_category, db_str(r, 0))
		    && !(cc->d->tax_exemption_code[i] = dup_col(cc->a, r, 2)))
			cc->d->tax_exemption_code[i] = "";
	return e;
}

/* The seller's keys in the snapshot, in struct inv_seller's order below. */
#define SELLER_KEY(k) "JSON_VALUE(COALESCE(?, i.seller_snapshot), '$." k "'), "

/* The extras of one invoice: seller (seller_json, else the stored snapshot,
 * else config), buyer endpoint, po_number, VATEX codes of the breakdown. */
static ierr load_extras(struct db *db, struct arena *a, const struct config *cfg, const char *seller_json,
			struct einv_doc *d)
{
	struct inv_seller cs;
	const char **slots[] = {
		&d->seller.name, &d->seller.legal_name, &d->seller.street, &d->seller.city, &d->seller.post_code,
		&d->seller.country, &d->seller.vat_id, &d->seller.company_id, &d->seller.endpoint_id,
		&d->seller.endpoint_scheme, &d->seller.email, &d->iban, &d->bic, &d->seller.address_line2,
		&d->seller.contact, &d->seller.phone,
	};
	const char *fallback[sizeof(slots) / sizeof(slots[0])];
	const struct invoice *inv = d->inv;
	struct db_res r;
	size_t i;
	ierr e;

	memset(&cs, 0, sizeof(cs));
	if (cfg)
		invoice_seller(cfg, &cs);
	fallback[0] = cs.name;
	fallback[1] = cs.legal_name;
	fallback[2] = has(cs.street) ? cs.street : cs.address;   /* one line: the street line */
	fallback[3] = cs.city;
	fallback[4] = cs.post_code;
	fallback[5] = cs.country;
	fallback[6] = cs.tax_id;
	fallback[7] = cs.company_id;
	fallback[8] = cs.endpoint_id;
	fallback[9] = cs.endpoint_scheme;
	fallback[10] = cs.email;
	fallback[11] = cs.iban;
	fallback[12] = cs.bic;
	fallback[13] = "";
	fallback[14] = cs.contact;
	fallback[15] = cs.phone;
	e = db_query_row(db, &r, "SELECT " SELLER_KEY("name") SELLER_KEY("legal_name") SELLER_KEY("street")
			 SELLER_KEY("city") SELLER_KEY("post_code") SELLER_KEY("country") SELLER_KEY("tax_id")
			 SELLER_KEY("company_id") SELLER_KEY("endpoint_id") SELLER_KEY("endpoint_scheme")
			 SELLER_KEY("email") SELLER_KEY("iban") SELLER_KEY("bic")
			 "JSON_VALUE(COALESCE(?, i.seller_snapshot), '$.address'), "
			 SELLER_KEY("contact") SELLER_KEY("phone")
			 "IF(i.status <> 'draft' AND i.buyer_snapshot IS NOT NULL, "
			 "COALESCE(JSON_VALUE(i.buyer_snapshot, '$.endpoint_id'), c.endpoint_id), c.endpoint_id), "
			 "IF(i.status <> 'draft' AND i.buyer_snapshot IS NOT NULL, "
			 "COALESCE(JSON_VALUE(i.buyer_snapshot, '$.endpoint_scheme'), c.endpoint_scheme), c.endpoint_scheme), "
			 "(SELECT f.value FROM invoice_custom_fields f JOIN custom_field_defs fd ON fd.id = f.field_id "
			 "WHERE f.invoice_id = i.id AND fd.field_key = 'po_number' LIMIT 1), c.einvoice_syntax "
			 "FROM invoices i JOIN customers c ON c.id = i.customer_id WHERE i.id = ?",
			 DB_ARGS(DB_S(seller_json), DB_S(seller_json), DB_S(seller_json), DB_S(seller_json),
				 DB_S(seller_json), DB_S(seller_json), DB_S(seller_json), DB_S(seller_json),
				 DB_S(seller_json), DB_S(seller_json), DB_S(seller_json), DB_S(seller_json),
				 DB_S(seller_json), DB_S(seller_json), DB_S(seller_json), DB_S(seller_json),
				 DB_I(inv->id)));
	if (e)
		goto out;
	for (i = 0; i < sizeof(slots) / sizeof(slots[0]); i++) {
		const char *v = i == 13 ? NULL : dup_col(a, &r, (unsigned)i);

		/* a snapshot without the street keeps the one-line address there */
		if (i == 2 && !v)
			v = dup_col(a, &r, 13);
		*slots[i] = v ? v : fallback[i] ? fallback[i] : "";
	}
	d->buyer.endpoint_id = dup_col(a, &r, 16);
	d->buyer.endpoint_scheme = dup_col(a, &r, 17);
	d->order_reference = dup_col(a, &r, 18);
	if (!d->order_reference)
		d->order_reference = "";
	if (einv_syntax_of(db_str(&r, 19), &d->customer_syntax))
		d->customer_syntax = EINV_UBL;
	db_free(&r);

	d->tax_exemption_code = arena_alloc(a, (inv->ntaxes + 1) * sizeof(*d->tax_exemption_code));
	if (!d->tax_exemption_code) {
		e = IE_NOMEM;
		goto out;
	}
	for (i = 0; i < inv->ntaxes; i++)
		d->tax_exemption_code[i] = "";
	e = db_query(db, &r, "SELECT vat_category, tax_rate, exemption_code FROM invoice_tax_totals WHERE invoice_id = ?",
		     DB_ARGS(DB_I(inv->id)));
	if (!e) {
		struct code_ctx cc = { a, d };

		e = db_each(&r, tax_code_row, &cc);
	}
out:
	db_free(&r);
	return e;
}

static void buyer_of(const struct invoice *inv, struct einv_party *b)
{
	b->name = inv->buyer.name;
	b->legal_name = inv->buyer.legal_name;
	b->street = inv->buyer.street;
	b->address_line2 = inv->buyer.address_line2;
	b->city = inv->buyer.city;
	b->post_code = inv->buyer.post_code;
	b->region = inv->buyer.region;
	b->country = inv->buyer.country;
	b->vat_id = inv->buyer.vat_id;
	b->email = inv->buyer.email;
	b->company_id = "";
}

ierr einv_load(struct db *db, struct arena *a, const struct config *cfg, const struct auth_scope *scope,
	       long long id, time_t now, struct einv_doc *d, struct einv_problem *p)
{
	struct invoice *inv = arena_alloc(a, sizeof(*inv));
	ierr e;

	memset(d, 0, sizeof(*d));
	p->rule = p->message = "";
	if (!inv)
		return IE_NOMEM;
	if ((e = invoice_load(db, a, scope, id, now, 1, inv)))
		return e;
	if (!strcmp(inv->status, "draft"))
		return problem(p, &no_draft);
	if (!strcmp(inv->status, "void"))
		return problem(p, &no_void);
	d->inv = inv;
	buyer_of(inv, &d->buyer);
	if ((e = load_extras(db, a, cfg, NULL, d)))
		return e;
	return einv_check(d, 0, p);
}

ierr einv_issue_check(struct db *db, long long id, const char *seller_json, struct einv_problem *p)
{
	static const struct auth_scope everything = { 0, 1 };
	struct arena *a = arena_new();
	struct invoice *inv = a ? arena_alloc(a, sizeof(*inv)) : NULL;
	struct einv_doc d;
	ierr e;

	memset(&d, 0, sizeof(d));
	p->rule = p->message = "";
	if (!inv) {
		e = IE_NOMEM;
		goto out;
	}
	if ((e = invoice_load(db, a, &everything, id, 0, 0, inv)))
		goto out;
	d.inv = inv;
	buyer_of(inv, &d.buyer);
	if ((e = load_extras(db, a, NULL, seller_json ? seller_json : "{}", &d)))
		goto out;
	e = einv_check(&d, EINV_ANY_DECIMALS, p);   /* p points at static text only */
out:
	arena_free(a);
	return e;
}

struct ids_ctx {
	struct arena *a;
	long long **ids;
	size_t *n, *cap;
};

static ierr id_row(void *ctx, const struct db_res *r)
{
	struct ids_ctx *ic = ctx;

	if (!(*ic->ids = arena_grow(ic->a, *ic->ids, *ic->n, ic->cap, sizeof(**ic->ids))))
		return IE_NOMEM;
	(*ic->ids)[(*ic->n)++] = db_int(r, 0);
	return IE_OK;
}

ierr einv_issued_ids(struct db *db, struct arena *a, long long **ids, size_t *n)
{
	struct db_res r;
	size_t cap = 0;
	ierr e;

	*ids = NULL;
	*n = 0;
	e = db_query(db, &r, "SELECT id FROM invoices WHERE status IN ('open', 'paid') ORDER BY id", DB_NOARGS);
	if (!e) {
		struct ids_ctx ic = { a, ids, n, &cap };

		e = db_each(&r, id_row, &ic);
	}
	db_free(&r);
	return e;
}

ierr einv_customer_syntax(struct db *db, long long customer_id, enum einv_syntax *out)
{
	struct db_res r;
	ierr e = db_query_row(db, &r, "SELECT einvoice_syntax FROM customers WHERE id = ?", DB_ARGS(DB_I(customer_id)));

	*out = EINV_UBL;
	if (!e && einv_syntax_of(db_str(&r, 0), out))
		*out = EINV_UBL;
	db_free(&r);
	return e;
}
