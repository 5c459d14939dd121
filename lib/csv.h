/*
 * csv.h — RFC 4180 CSV: fields quoted when they hold a comma, quote, CR or LF
 * (quotes doubled), rows end in CRLF. Text cells that a spreadsheet would
 * read as a formula (starting with = + - @, tab or CR) get a leading
 * apostrophe; numeric cells (amounts, quantities we format ourselves) are
 * written as they are so spreadsheets keep them numbers.
 */
#ifndef INVOICE_CSV_H
#define INVOICE_CSV_H

#include "buf.h"
#include "invoice.h"

ierr csv_text(struct buf *b, int first, const char *s);     /* a text cell, formula-guarded */
ierr csv_number(struct buf *b, int first, const char *s);   /* a numeric cell */
ierr csv_end(struct buf *b);                                /* CRLF */

/* The detailed invoice CSV: a header row, then one row per line with the
 * invoice's header fields repeated (an invoice without lines gives one row). */
ierr csv_invoice(const struct invoice *inv, struct buf *out);

#endif
