/* date.c — see date.h. */
#include <string.h>

#include "date.h"

int date_leap(int y)
{
	return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
}

int date_mdays(int y, int m)
{
	static const int md[12] = { 31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31 };

	if (m < 1 || m > 12)
		return 0;
	return m == 2 && date_leap(y) ? 29 : md[m - 1];
}

/* n decimal digits at s, or -1 */
static int date_digits(const char *s, int n)
{
	int v = 0;

	for (int i = 0; i < n; i++) {
		if (s[i] < '0' || s[i] > '9')
			return -1;
		v = v * 10 + (s[i] - '0');
	}
	return v;
}

ierr date_parse_n(const char *s, size_t len, struct date *out)
{
	struct date d;

	if (!s || len != DATE_LEN || s[4] != '-' || s[7] != '-')
		return IE_INVALID;
	d.y = date_digits(s, 4);
	d.m = date_digits(s + 5, 2);
	d.d = date_digits(s + 8, 2);
	if (d.y < 1 || d.d < 1 || d.d > date_mdays(d.y, d.m))
		return IE_INVALID;
	*out = d;
	return IE_OK;
}

ierr date_parse(const char *s, struct date *out)
{
	return s ? date_parse_n(s, strnlen(s, DATE_LEN + 1), out) : IE_INVALID;
}

long long date_days(int y, int m, int d)
{
	long long yy = m <= 2 ? (long long)y - 1 : y;
	long long era = (yy >= 0 ? yy : yy - 399) / 400;
	long long yoe = yy - era * 400;                                  /* 0..399 */
	long long doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;  /* from March 1 */
	long long doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;          /* 0..146096 */

	return era * 146097 + doe - 719468;
}

struct date date_civil(long long z)
{
	long long era, doe, yoe, doy, mp;
	struct date d;

	z += 719468;
	era = (z >= 0 ? z : z - 146096) / 146097;
	doe = z - era * 146097;
	yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
	doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
	mp = (5 * doy + 2) / 153;
	d.d = (int)(doy - (153 * mp + 2) / 5 + 1);
	d.m = (int)(mp < 10 ? mp + 3 : mp - 9);
	d.y = (int)(yoe + era * 400 + (d.m <= 2));
	return d;
}

ierr date_format(struct date dt, char out[DATE_SIZE])
{
	int v[3] = { dt.y, dt.m, dt.d }, w[3] = { 4, 2, 2 }, at = 0;

	if (dt.y < 1 || dt.y > 9999 || dt.d < 1 || dt.d > date_mdays(dt.y, dt.m))
		return IE_INVALID;
	for (int k = 0; k < 3; k++) {
		for (int i = w[k] - 1; i >= 0; i--, v[k] /= 10)
			out[at + i] = (char)('0' + v[k] % 10);
		at += w[k];
		out[at++] = k < 2 ? '-' : '\0';
	}
	return IE_OK;
}

ierr date_add(const char *s, long long n, char out[DATE_SIZE])
{
	struct date d;

	/* 1e7 days is past year 9999 from anywhere: no overflow below */
	if (date_parse(s, &d) || n < -10000000LL || n > 10000000LL)
		return IE_INVALID;
	return date_format(date_civil(date_days(d.y, d.m, d.d) + n), out);
}

ierr date_between(const char *a, const char *b, long long *days)
{
	struct date x, y;

	if (date_parse(a, &x) || date_parse(b, &y))
		return IE_INVALID;
	*days = date_days(y.y, y.m, y.d) - date_days(x.y, x.m, x.d);
	return IE_OK;
}
