/*
 * money.h — fixed-point money. No floating point anywhere money flows.
 *
 * Amounts: int64 in the currency's minor unit (ISO 4217 exponent: USD 2,
 * JPY 0, KWD 3), type `money_t`.
 * Quantities and unit prices: int64 fixed point with 6 decimals
 * (MONEY_SCALE = 1000000; 0.004500 per minute == 4500).
 * Tax rates: int64 fixed point with 4 decimals of a percent
 * (19% == 190000, 7.7% == 77000), MONEY_RATE_SCALE = 10000 per percent.
 * Rounding is half away from zero, everywhere.
 * Every operation that could overflow int64 reports IE_OVERFLOW instead.
 * DB columns are DECIMAL; money_parse/money_format convert their text.
 */
#ifndef INVOICE_MONEY_H
#define INVOICE_MONEY_H

#include <stddef.h>
#include <stdint.h>
#include "err.h"

typedef int64_t money_t;

#define MONEY_SCALE 1000000LL            /* quantities, unit prices */
#define MONEY_RATE_SCALE 10000LL         /* tax rate: 1% == 10000 */

struct money_currency {
	char code[4];       /* "EUR" */
	int exponent;       /* minor unit digits: 0, 2 or 3 */
	const char *symbol; /* "€", may equal code */
};

/* ISO 4217 lookup (upper-case code). NULL when unknown. */
const struct money_currency *money_currency(const char *code);
int money_exponent(const char *code);              /* -1 when unknown */
/* The i-th supported currency (the table money_currency looks up), NULL past the last. */
const struct money_currency *money_currency_at(size_t i);

/* Parses a decimal string ("-1234.5", "0.004500") into a fixed-point integer
 * with `decimals` digits after the point. More digits than `decimals`,
 * junk, empty input or overflow -> IE_INVALID / IE_OVERFLOW. Accepts an
 * optional leading '-' or '+'; no thousands separators. */
ierr money_parse(const char *s, int decimals, int64_t *out);
/* Parses an amount as people type it into a form, never through floating
 * point: the same result as money_parse on the normalized text.
 *   - spaces (also no-break spaces) around it are ignored; an optional sign;
 *   - '.' and ',' both serve as the decimal mark: "100.50" == "100,50";
 *   - when both appear, the last one is the decimal mark and the other groups
 *     thousands: "1,234.50" == "1.234,50" == 1234.50;
 *   - a mark that appears more than once groups thousands: "1,234,567";
 *     so do spaces, no-break spaces and apostrophes: "1 234,50", "1'234.50";
 *   - a lone ',' followed by exactly three digits, after one to three digits
 *     and with nothing else, groups thousands: "1,234" == 1234 (a lone '.'
 *     is always the decimal mark: "1.234" == 1.234);
 *   - grouped digits come in threes after a first group of one to three.
 * Anything else (letters, "1,2,3", "1.234.5", ".5") is IE_INVALID. */
ierr money_parse_loose(const char *s, int decimals, int64_t *out);
/* Parses an amount in a currency's minor units ("12.30" EUR -> 1230). */
ierr money_parse_amount(const char *s, const char *currency, money_t *out);

/* Reads a DB amount column (DECIMAL(19,3): "1190.000") into minor units of a
 * currency with `exponent` digits; the digits beyond it must be zeros. */
ierr money_from_db(const char *s, int exponent, money_t *out);

/* Plain decimal text with exactly `decimals` digits: 1230,2 -> "12.30",
 * -5,2 -> "-0.05"; the form DB DECIMAL columns and CSV use. */
ierr money_to_decimal(int64_t v, int decimals, char *out, size_t outsz);
/* Human form with thousands separators and the code: "1,190.00 EUR",
 * "-12 JPY", "1.250 KWD". */
ierr money_format(money_t v, const char *currency, char *out, size_t outsz);

/* Checked arithmetic. */
ierr money_add(money_t a, money_t b, money_t *out);
ierr money_sub(money_t a, money_t b, money_t *out);

/* Divides a 128-bit value by a power of ten, half away from zero. */
ierr money_round_div(__int128 num, int64_t den, int64_t *out);

/* line net = round(quantity x unit_price) in minor units of `exponent`. */
ierr money_line_net(int64_t quantity, int64_t unit_price, int exponent, money_t *out);
/* tax = round(net x rate). */
ierr money_tax(money_t net, int64_t rate, money_t *out);

/* Per-invoice totals with per-rate subtotals (EN 16931 BR-CO-10..15).
 * Lines in, totals out; tax per line (each line's tax rounded, then summed)
 * or per document (per rate: tax of the sum of that rate's nets). */
#define MONEY_MAX_RATES 16
struct money_line {
	int64_t quantity, unit_price, rate;
	money_t net, tax;               /* filled by money_totals */
};
struct money_rate_total {
	int64_t rate;
	money_t net, tax;
};
struct money_totals {
	money_t net, tax, gross;
	struct money_rate_total rates[MONEY_MAX_RATES];
	size_t nrates;                  /* in order of first appearance */
};
ierr money_totals(struct money_line *lines, size_t n, int exponent, int per_document,
		  struct money_totals *out);

#endif
