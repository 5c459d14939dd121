/*
 * money.c — fixed-point money: parsing, formatting, rounding, tax, totals.
 *
 * No floating point: amounts are int64 minor units, quantities and unit
 * prices int64 with 6 decimals, tax rates int64 with 4 decimals of a percent.
 * Products are taken in __int128 and rounded half away from zero back to
 * int64; anything that does not fit is refused with IE_OVERFLOW.
 */
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include "money.h"

/* 10^0 .. 10^18: every power of ten that fits an int64. */
static const int64_t pow10_tab[] = {
	1LL, 10LL, 100LL, 1000LL, 10000LL, 100000LL, 1000000LL, 10000000LL,
	100000000LL, 1000000000LL, 10000000000LL, 100000000000LL,
	1000000000000LL, 10000000000000LL, 100000000000000LL,
	1000000000000000LL, 10000000000000000LL, 100000000000000000LL,
	1000000000000000000LL,
};

#define MONEY_MAX_DECIMALS 18
/* quantity (6 decimals) x unit price (6 decimals) */
#define MONEY_PRODUCT_DECIMALS 12

/*
 * ISO 4217 codes with their minor-unit exponents. Symbols follow common
 * English usage (CLDR "en"); where a symbol would be ambiguous (kr, $ of
 * other countries, ...) the code itself or a prefixed form is used.
 */
static const struct money_currency currencies[] = {
	{ "AED", 2, "AED" },
	{ "AUD", 2, "A$" },
	{ "BGN", 2, "BGN" },
	{ "BHD", 3, "BHD" },
	{ "BRL", 2, "R$" },
	{ "CAD", 2, "CA$" },
	{ "CHF", 2, "CHF" },
	{ "CLP", 0, "CLP" },
	{ "CNY", 2, "CN\u00a5" },	/* CN¥ */
	{ "CZK", 2, "K\u010d" },	/* Kč */
	{ "DKK", 2, "DKK" },
	{ "EUR", 2, "\u20ac" },		/* € */
	{ "GBP", 2, "\u00a3" },		/* £ */
	{ "HKD", 2, "HK$" },
	{ "HUF", 2, "Ft" },
	{ "INR", 2, "\u20b9" },		/* ₹ */
	{ "ISK", 0, "ISK" },
	{ "JOD", 3, "JOD" },
	{ "JPY", 0, "\u00a5" },		/* ¥ */
	{ "KRW", 0, "\u20a9" },		/* ₩ */
	{ "KWD", 3, "KWD" },
	{ "MXN", 2, "MX$" },
	{ "NOK", 2, "NOK" },
	{ "NZD", 2, "NZ$" },
	{ "OMR", 3, "OMR" },
	{ "PLN", 2, "z\u0142" },	/* zł */
	{ "RON", 2, "RON" },
	{ "SAR", 2, "SAR" },
	{ "SEK", 2, "SEK" },
	{ "SGD", 2, "SGD" },
	{ "TND", 3, "TND" },
	{ "TRY", 2, "\u20ba" },		/* ₺ */
	{ "USD", 2, "$" },
	{ "VND", 0, "\u20ab" },		/* ₫ */
	{ "ZAR", 2, "R" },
};

const struct money_currency *money_currency(const char *code)
{
	size_t i;

	if (!code || strlen(code) != 3)
		return NULL;
	for (i = 0; i < sizeof(currencies) / sizeof(currencies[0]); i++)
		if (!memcmp(currencies[i].code, code, 3))
			return &currencies[i];
	return NULL;
}

const struct money_currency *money_currency_at(size_t i)
{
	return i < sizeof(currencies) / sizeof(currencies[0]) ? &currencies[i] : NULL;
}

int money_exponent(const char *code)
{
	const struct money_currency *c = money_currency(code);

	return c ? c->exponent : -1;
}

/* ---- parsing ---- */

ierr money_parse(const char *s, int decimals, int64_t *out)
{
	uint64_t mag = 0, limit;
	int neg = 0, ndigits = 0, nfrac = 0, in_frac = 0, overflow = 0;
	unsigned d;

	if (!s || !out || decimals < 0 || decimals > MONEY_MAX_DECIMALS)
		return IE_INVALID;
	if (*s == '-' || *s == '+')
		neg = *s++ == '-';
	limit = neg ? (uint64_t)INT64_MAX + 1 : (uint64_t)INT64_MAX;

	/* One pass; syntax errors win over overflow, so junk is IE_INVALID. */
	for (; *s; s++) {
		if (*s == '.') {
			/* one point, with a digit on each side */
			if (in_frac || !ndigits || !s[1])
				return IE_INVALID;
			in_frac = 1;
			continue;
		}
		if (*s < '0' || *s > '9')
			return IE_INVALID;
		if (in_frac && ++nfrac > decimals)
			return IE_INVALID;
		ndigits++;
		d = (unsigned)(*s - '0');
		if (overflow || mag > (limit - d) / 10)
			overflow = 1;
		else
			mag = mag * 10 + d;
	}
	if (!ndigits)
		return IE_INVALID;
	for (; !overflow && nfrac < decimals; nfrac++) {
		if (mag > limit / 10)
			overflow = 1;
		else
			mag *= 10;
	}
	if (overflow)
		return IE_OVERFLOW;
	/* mag <= 2^63 when negative; 0 - mag converts to INT64_MIN (GCC/Clang wrap) */
	*out = neg ? (int64_t)(0 - mag) : (int64_t)mag;
	return IE_OK;
}

/* One character of a typed amount: a digit, '.', ',', a group separator
 * ('g': space, apostrophe, U+00A0, U+202F), or 0 for anything else; *len is
 * its length in bytes. */
static char loose_kind(const char *s, size_t *len)
{
	unsigned char c = (unsigned char)s[0];

	*len = 1;
	if ((c >= '0' && c <= '9') || c == '.' || c == ',')
		return (char)c;
	if (c == ' ' || c == '\'')
		return 'g';
	if (c == 0xC2 && (unsigned char)s[1] == 0xA0) {
		*len = 2;
		return 'g';
	}
	if (c == 0xE2 && (unsigned char)s[1] == 0x80 && (unsigned char)s[2] == 0xAF) {
		*len = 3;
		return 'g';
	}
	return 0;
}

#define LOOSE_PARTS 12

ierr money_parse_loose(const char *s, int decimals, int64_t *out)
{
	const char *part[LOOSE_PARTS];
	size_t plen[LOOSE_PARTS], np = 0, len, i, o = 0;
	char sep[LOOSE_PARTS], text[128];   /* longer input is IE_INVALID */
	int commas = 0, dots = 0, dec = -1;
	char k;

	if (!s || !out)
		return IE_INVALID;
	while (loose_kind(s, &len) == 'g' && *s)
		s += len;
	if (*s == '-' || *s == '+')
		text[o++] = *s++;
	/* digit runs and the single separators between them */
	while (*s) {
		k = loose_kind(s, &len);
		if (k >= '0' && k <= '9') {
			if (np == LOOSE_PARTS)
				return IE_INVALID;
			part[np] = s;
			plen[np] = 0;
			while (*s >= '0' && *s <= '9')
				s++, plen[np]++;
			np++;
			continue;
		}
		if (!k || !np)
			return IE_INVALID;   /* junk, or a separator first */
		s += len;
		if (k == 'g') {
			/* trailing spaces end it */
			const char *t = s;

			while (*t && loose_kind(t, &len) == 'g')
				t += len;
			if (!*t)
				break;
		}
		if (!(*s >= '0' && *s <= '9'))
			return IE_INVALID;   /* a separator needs a digit after it */
		sep[np - 1] = k;
		commas += k == ',';
		dots += k == '.';
	}
	if (!np)
		return IE_INVALID;
	sep[np - 1] = 0;
	/* which separator, if any, is the decimal mark */
	if (np > 1) {
		char last = sep[np - 2];

		if (commas && dots) {
			if (last == 'g' || (last == ',' ? commas : dots) != 1)
				return IE_INVALID;
			dec = (int)np - 2;
		} else if (dots == 1 || (commas == 1 && !(np == 2 && plen[1] == 3 && plen[0] <= 3))) {
			if (last == 'g')
				return IE_INVALID;
			dec = (int)np - 2;
		}
	}
	/* grouped digits: a first group of 1-3, then threes */
	for (i = 0; i + 1 < np; i++) {
		if ((int)i == dec)
			break;
		if ((i == 0 && plen[0] > 3) || plen[i + 1] != 3)
			return IE_INVALID;
	}
	for (i = 0; i < np; i++) {
		if (o + plen[i] + 2 >= sizeof(text))
			return IE_INVALID;
		if ((int)i == dec + 1 && dec >= 0)
			text[o++] = '.';
		memcpy(text + o, part[i], plen[i]);
		o += plen[i];
	}
	text[o] = '\0';
	return money_parse(text, decimals, out);
}

ierr money_parse_amount(const char *s, const char *currency, money_t *out)
{
	int exp = money_exponent(currency);

	if (exp < 0)
		return IE_INVALID;
	return money_parse(s, exp, out);
}

/* ---- formatting ---- */

static uint64_t magnitude(int64_t v)
{
	return v < 0 ? (uint64_t)0 - (uint64_t)v : (uint64_t)v;
}

/* "num" or "num code"; on failure an empty string, never a truncated amount. */
static ierr put_text(char *out, size_t outsz, const char *num, const char *code)
{
	size_t n = strlen(num), c = code ? strlen(code) : 0;

	if (!out || !outsz)
		return IE_OVERFLOW;
	if (n + (code ? 1 + c : 0) >= outsz) {
		out[0] = '\0';
		return IE_OVERFLOW;
	}
	memcpy(out, num, n);
	if (code) {
		out[n++] = ' ';
		memcpy(out + n, code, c);
		n += c;
	}
	out[n] = '\0';
	return IE_OK;
}

/*
 * Renders v with `decimals` fraction digits into the tail of buf and returns
 * where the text starts. `sep` is the thousands separator, 0 for none.
 * buf must hold 64 bytes: 20 digits + 6 separators + point + 18 digits +
 * sign + NUL.
 */
#define NUMBUF 64
static char *render(int64_t v, int decimals, char sep, char buf[NUMBUF])
{
	uint64_t mag = magnitude(v), ip, fp;
	char *p = buf + NUMBUF;
	int i;

	ip = mag / (uint64_t)pow10_tab[decimals];
	fp = mag % (uint64_t)pow10_tab[decimals];
	*--p = '\0';
	for (i = 0; i < decimals; i++) {
		*--p = (char)('0' + fp % 10);
		fp /= 10;
	}
	if (decimals)
		*--p = '.';
	i = 0;
	do {
		if (sep && i && i % 3 == 0)
			*--p = sep;
		*--p = (char)('0' + ip % 10);
		ip /= 10;
		i++;
	} while (ip);
	if (v < 0)
		*--p = '-';
	return p;
}

ierr money_to_decimal(int64_t v, int decimals, char *out, size_t outsz)
{
	char buf[NUMBUF];

	if (decimals < 0 || decimals > MONEY_MAX_DECIMALS) {
		if (out && outsz)
			out[0] = '\0';
		return IE_INVALID;
	}
	return put_text(out, outsz, render(v, decimals, 0, buf), NULL);
}

ierr money_format(money_t v, const char *currency, char *out, size_t outsz)
{
	const struct money_currency *c = money_currency(currency);
	char buf[NUMBUF];

	if (!c) {
		if (out && outsz)
			out[0] = '\0';
		return IE_INVALID;
	}
	return put_text(out, outsz, render(v, c->exponent, ',', buf), c->code);
}

/* ---- arithmetic ---- */

ierr money_add(money_t a, money_t b, money_t *out)
{
	money_t r;

	if (__builtin_add_overflow(a, b, &r))
		return IE_OVERFLOW;
	*out = r;
	return IE_OK;
}

ierr money_sub(money_t a, money_t b, money_t *out)
{
	money_t r;

	if (__builtin_sub_overflow(a, b, &r))
		return IE_OVERFLOW;
	*out = r;
	return IE_OK;
}

/*
 * Half away from zero: C division truncates toward zero, so the remainder
 * has the sign of num; bump the quotient away from zero when |r| >= den/2.
 * Works for any den > 0, not only powers of ten.
 */
ierr money_round_div(__int128 num, int64_t den, int64_t *out)
{
	__int128 q, r;

	if (den <= 0)
		return IE_INVALID;
	q = num / den;
	r = num % den;
	if (r < 0)
		r = -r;
	if (2 * r >= den)
		q += num < 0 ? -1 : 1;
	if (q > INT64_MAX || q < INT64_MIN)
		return IE_OVERFLOW;
	*out = (int64_t)q;
	return IE_OK;
}

ierr money_line_net(int64_t quantity, int64_t unit_price, int exponent, money_t *out)
{
	if (exponent < 0 || exponent > MONEY_PRODUCT_DECIMALS)
		return IE_INVALID;
	/* |q x p| < 2^126: no overflow in __int128 */
	return money_round_div((__int128)quantity * unit_price,
			       pow10_tab[MONEY_PRODUCT_DECIMALS - exponent], out);
}

/* rate has 4 decimals of a percent: net x rate / (100 x 10000) */
ierr money_tax(money_t net, int64_t rate, money_t *out)
{
	if (rate < 0)
		return IE_INVALID;
	return money_round_div((__int128)net * rate, 100 * MONEY_RATE_SCALE, out);
}

/* ---- totals ---- */

static ierr rate_slot(struct money_totals *t, int64_t rate, struct money_rate_total **slot)
{
	size_t i;

	for (i = 0; i < t->nrates; i++) {
		if (t->rates[i].rate == rate) {
			*slot = &t->rates[i];
			return IE_OK;
		}
	}
	if (t->nrates == MONEY_MAX_RATES)
		return IE_INVALID;
	*slot = &t->rates[t->nrates++];
	(*slot)->rate = rate;
	return IE_OK;
}

/*
 * Each line gets its net and its own rounded tax. Per rate, net is the sum of
 * the line nets; tax is the sum of the line taxes (per line) or the tax of the
 * rate's net (per document). In per-document mode a line's `tax` is still its
 * own rounded tax, for display only: the lines' taxes need not add up to the
 * rate's tax, and the invoice's tax is the sum of the per-rate taxes, never of
 * the lines'. Totals: net = sum of rate nets, tax = sum of rate taxes,
 * gross = net + tax, so BR-CO-10..15 hold by construction.
 *
 * On error *out is untouched; the lines' net/tax fields may be partly filled.
 */
ierr money_totals(struct money_line *lines, size_t n, int exponent, int per_document,
		  struct money_totals *out)
{
	struct money_totals t;
	struct money_rate_total *rt;
	size_t i;
	ierr e;

	memset(&t, 0, sizeof(t));
	if ((n && !lines) || !out) {
		e = IE_INVALID;
		goto out;
	}
	for (i = 0; i < n; i++) {
		struct money_line *l = &lines[i];

		if ((e = money_line_net(l->quantity, l->unit_price, exponent, &l->net)))
			goto out;
		if ((e = money_tax(l->net, l->rate, &l->tax)))
			goto out;
		if ((e = rate_slot(&t, l->rate, &rt)))
			goto out;
		if ((e = money_add(rt->net, l->net, &rt->net)))
			goto out;
		if (!per_document && (e = money_add(rt->tax, l->tax, &rt->tax)))
			goto out;
	}
	for (i = 0; i < t.nrates; i++) {
		rt = &t.rates[i];
		if (per_document && (e = money_tax(rt->net, rt->rate, &rt->tax)))
			goto out;
		if ((e = money_add(t.net, rt->net, &t.net)))
			goto out;
		if ((e = money_add(t.tax, rt->tax, &t.tax)))
			goto out;
	}
	if ((e = money_add(t.net, t.tax, &t.gross)))
		goto out;
	*out = t;
	e = IE_OK;
out:
	return e;
}

ierr money_from_db(const char *s, int exponent, money_t *out)
{
	int64_t v, div = 1;
	int i;
	ierr e;

	if (!s || exponent < 0 || exponent > 3)
		return IE_INVALID;
	if ((e = money_parse(s, 3, &v)))
		return e;
	for (i = exponent; i < 3; i++)
		div *= 10;
	/* the column keeps 3 decimals for every currency; the extra ones must be zero */
	if (v % div)
		return IE_INVALID;
	*out = v / div;
	return IE_OK;
}
