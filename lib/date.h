/*
 * date.h — civil dates of the proleptic Gregorian calendar: "YYYY-MM-DD"
 * text, day numbers (days since 1970-01-01, negative before it) and back.
 *
 * The one place for calendar arithmetic: the request validators (app.c
 * app_v_date), the dashboard's aging buckets and months, the editor's
 * default due date, the list's period sums (listq.c) and the demo data all
 * call it. Day numbers use H. Hinnant's days_from_civil / civil_from_days
 * (exact for every year, no tables, no time zones: "today" in a zone comes
 * from inv_today in invoice.h). Pure functions; years 1..9999 as text.
 *
 *   struct date d;
 *   char due[DATE_SIZE];
 *   if (!date_parse("2024-02-28", &d))          d = { 2024, 2, 28 }
 *   date_add("2024-02-28", 2, due);              "2024-03-01"
 *   date_between("2024-01-01", "2024-03-01", &n) n = 60
 */
#ifndef INVOICE_DATE_H
#define INVOICE_DATE_H

#include <stddef.h>
#include "err.h"

#define DATE_LEN 10                   /* "YYYY-MM-DD" */
#define DATE_SIZE (DATE_LEN + 1)

struct date {
	int y, m, d;
};

/* 1 for a leap year (divisible by 4, not by 100 unless by 400). */
int date_leap(int y);
/* Days in month m (1..12) of year y; 0 for a month outside 1..12. */
int date_mdays(int y, int m);

/* Strict "YYYY-MM-DD": exactly len == 10 characters, digits and dashes, a
 * day that exists (no 2023-02-29), year 1..9999. IE_INVALID otherwise. */
ierr date_parse_n(const char *s, size_t len, struct date *out);
/* The same for a NUL-terminated string; NULL is IE_INVALID. */
ierr date_parse(const char *s, struct date *out);

/* Days since 1970-01-01 of y-m-d (m 1..12, d 1..31; not checked). */
long long date_days(int y, int m, int d);
/* The civil date of a day number (any, also outside years 1..9999). */
struct date date_civil(long long days);

/* "YYYY-MM-DD" into out (DATE_SIZE bytes); IE_INVALID for a year outside
 * 1..9999 or a month/day that does not exist. */
ierr date_format(struct date dt, char out[DATE_SIZE]);
/* s plus n days (n may be negative) into out; IE_INVALID for a bad s or a
 * result outside years 1..9999. */
ierr date_add(const char *s, long long n, char out[DATE_SIZE]);
/* *days = b - a in whole days; IE_INVALID when either is not a date. */
ierr date_between(const char *a, const char *b, long long *days);

#endif
