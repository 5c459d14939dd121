#include <stdio.h>
#include <string.h>
#include "csv.h"

static ierr cell(struct buf *b, int first, const char *s, int guard)
{
	int quote = strpbrk(s, ",\"\r\n") != NULL;
	ierr e = first ? IE_OK : buf_putc(b, ',');

	if (!e && quote)
		e = buf_putc(b, '"');
	/* =, +, -, @, tab, CR start a formula in spreadsheets: neutralise as text */
	if (!e && guard && strchr("=+-@\t\r", s[0]) && s[0])
		e = buf_putc(b, '\'');
	for (; !e && *s; s++)
		e = *s == '"' ? buf_puts(b, "\"\"") : buf_putc(b, *s);
	if (!e && quote)
		e = buf_putc(b, '"');
	return e;
}

ierr csv_text(struct buf *b, int first, const char *s)
{
	return cell(b, first, s ? s : "", 1);
}

ierr csv_number(struct buf *b, int first, const char *s)
{
	return cell(b, first, s ? s : "", 0);
}

ierr csv_end(struct buf *b)
{
	return buf_puts(b, "\r\n");
}

static const char *const header[] = {
	"invoice_number", "invoice_id", "kind", "status", "invoice_date", "due_date",
	"period_start", "period_end", "currency", "customer_id", "customer_name", "customer_vat_id",
	"line", "description", "line_period_start", "line_period_end", "quantity", "unit_code",
	"unit_price", "tax_rate", "vat_category", "tax_description", "line_net", "line_tax",
	"line_gross", "invoice_net", "invoice_tax", "invoice_total", "invoice_paid", "invoice_balance",
};

static ierr amount(struct buf *b, money_t v, int exponent)
{
	char text[40];
	ierr e = money_to_decimal(v, exponent, text, sizeof(text));

	return e ? e : csv_number(b, 0, text);
}

static ierr fixed(struct buf *b, int64_t v, int decimals)
{
	char text[40];
	ierr e = money_to_decimal(v, decimals, text, sizeof(text));

	return e ? e : csv_number(b, 0, text);
}

/* A quantity as stored, without the trailing zeros of its 6 decimals
 * ("19.950002", "19.95", "3"), as the page and the PDF show it. */
static ierr quantity(struct buf *b, int64_t v)
{
	char text[40];
	ierr e = money_to_decimal(v, 6, text, sizeof(text));
	size_t n;

	if (e)
		return e;
	n = strlen(text);
	while (n && text[n - 1] == '0')
		n--;
	if (n && text[n - 1] == '.')
		n--;
	text[n] = '\0';
	return csv_number(b, 0, text);
}

static ierr row(struct buf *b, const struct invoice *inv, const struct inv_line *l)
{
	char num[32];
	ierr e;

	if (inv->number[0])
		e = csv_text(b, 1, inv->number);
	else {
		snprintf(num, sizeof(num), "Draft #%lld", inv->id);
		e = csv_text(b, 1, num);
	}
	snprintf(num, sizeof(num), "%lld", inv->id);
	if (e || (e = csv_number(b, 0, num)) || (e = csv_text(b, 0, inv->kind))
	    || (e = csv_text(b, 0, inv_shown_name(inv->shown))) || (e = csv_text(b, 0, inv->invoice_date))
	    || (e = csv_text(b, 0, inv->due_date)) || (e = csv_text(b, 0, inv->period_start))
	    || (e = csv_text(b, 0, inv->period_end)) || (e = csv_text(b, 0, inv->currency)))
		return e;
	snprintf(num, sizeof(num), "%lld", inv->customer_id);
	if ((e = csv_number(b, 0, num))
	    || (e = csv_text(b, 0, inv->buyer.legal_name[0] ? inv->buyer.legal_name : inv->buyer.name))
	    || (e = csv_text(b, 0, inv->buyer.vat_id)))
		return e;
	if (l) {
		snprintf(num, sizeof(num), "%d", l->position);
		if ((e = csv_number(b, 0, num)) || (e = csv_text(b, 0, l->description))
		    || (e = csv_text(b, 0, l->period_start)) || (e = csv_text(b, 0, l->period_end))
		    || (e = quantity(b, l->quantity)) || (e = csv_text(b, 0, l->unit_code))
		    || (e = fixed(b, l->unit_price, 6)) || (e = fixed(b, l->tax_rate, 4))
		    || (e = csv_text(b, 0, l->vat_category)) || (e = csv_text(b, 0, l->tax_description))
		    || (e = amount(b, l->net, inv->exponent)) || (e = amount(b, l->tax, inv->exponent))
		    || (e = amount(b, l->gross, inv->exponent)))
			return e;
	} else {
		for (int i = 0; i < 13; i++)
			if ((e = csv_text(b, 0, "")))
				return e;
	}
	if ((e = amount(b, inv->net_total, inv->exponent)) || (e = amount(b, inv->tax_total, inv->exponent))
	    || (e = amount(b, inv->total, inv->exponent)) || (e = amount(b, inv->paid, inv->exponent))
	    || (e = amount(b, inv->balance, inv->exponent)))
		return e;
	return csv_end(b);
}

ierr csv_invoice(const struct invoice *inv, struct buf *out)
{
	size_t i;
	ierr e = IE_OK;

	for (i = 0; !e && i < sizeof(header) / sizeof(header[0]); i++)
		e = csv_text(out, i == 0, header[i]);
	if (!e)
		e = csv_end(out);
	if (!e && inv->nlines == 0)
		e = row(out, inv, NULL);
	for (i = 0; !e && i < inv->nlines; i++)
		e = row(out, inv, &inv->lines[i]);
	return e;
}
