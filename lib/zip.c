/* zip.c — streaming ZIP writer (stored entries, data descriptors); see zip.h. */
#include "zip.h"

#include <string.h>
#include <zlib.h>

#define ZIP_LOCAL_SIG 0x04034b50u
#define ZIP_DESC_SIG 0x08074b50u
#define ZIP_CDIR_SIG 0x02014b50u
#define ZIP_END_SIG 0x06054b50u
#define ZIP_FLAGS 0x0008u          /* bit 3: sizes and CRC in the data descriptor */
#define ZIP_VERSION 20u
#define ZIP_LIMIT 0xffffffffull

static void zip_le16(unsigned char *p, uint32_t v)
{
	p[0] = (unsigned char)(v & 0xff);
	p[1] = (unsigned char)((v >> 8) & 0xff);
}

static void zip_le32(unsigned char *p, uint32_t v)
{
	zip_le16(p, v & 0xffff);
	zip_le16(p + 2, v >> 16);
}

static ierr zip_out(struct zip *z, const void *p, size_t n)
{
	ierr e;

	if (z->failed)
		return z->failed;
	if (z->offset + n > ZIP_LIMIT)
		return z->failed = IE_OVERFLOW;
	if ((e = z->write(z->ctx, p, n)))
		return z->failed = e;
	z->offset += n;
	return IE_OK;
}

void zip_init(struct zip *z, zip_write_fn write, void *ctx, time_t now)
{
	struct tm tm;

	memset(z, 0, sizeof(*z));
	z->write = write;
	z->ctx = ctx;
	gmtime_r(&now, &tm);
	if (tm.tm_year < 80) {           /* DOS dates start in 1980 */
		tm.tm_year = 80;
		tm.tm_mon = 0;
		tm.tm_mday = 1;
	}
	z->dos_time = (uint16_t)((tm.tm_hour << 11) | (tm.tm_min << 5) | (tm.tm_sec / 2));
	z->dos_date = (uint16_t)(((tm.tm_year - 80) << 9) | ((tm.tm_mon + 1) << 5) | tm.tm_mday);
}

static int zip_name_ok(const char *s)
{
	size_t n = strlen(s);

	if (n == 0 || n > ZIP_NAME_MAX || s[0] == '.')
		return 0;
	for (size_t i = 0; i < n; i++) {
		char c = s[i];

		if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '.'
		      || c == '_' || c == '-'))
			return 0;
	}
	return 1;
}

/* 1 when the central directory already names `name`. */
static int zip_has(const struct zip *z, const char *name)
{
	size_t at = 0, n = strlen(name);
	const unsigned char *d = (const unsigned char *)z->cdir.data;

	while (at + 46 <= z->cdir.len) {
		size_t len = (size_t)d[at + 28] | ((size_t)d[at + 29] << 8);

		if (len == n && !memcmp(d + at + 46, name, n))
			return 1;
		at += 46 + len;
	}
	return 0;
}

ierr zip_begin(struct zip *z, const char *name)
{
	unsigned char h[30];
	size_t n;
	ierr e;

	if (z->failed)
		return z->failed;
	if (z->open || !zip_name_ok(name) || zip_has(z, name))
		return IE_INVALID;
	if (z->count >= ZIP_MAX_ENTRIES)
		return IE_OVERFLOW;
	n = strlen(name);
	memcpy(z->name, name, n + 1);
	z->crc = (uint32_t)crc32(0L, Z_NULL, 0);
	z->size = 0;
	z->start = z->offset;
	memset(h, 0, sizeof(h));
	zip_le32(h, ZIP_LOCAL_SIG);
	zip_le16(h + 4, ZIP_VERSION);
	zip_le16(h + 6, ZIP_FLAGS);
	zip_le16(h + 8, 0);              /* stored */
	zip_le16(h + 10, z->dos_time);
	zip_le16(h + 12, z->dos_date);
	/* CRC and sizes (14..25) stay 0: they follow in the data descriptor */
	zip_le16(h + 26, (uint32_t)n);
	if ((e = zip_out(z, h, sizeof(h))) || (e = zip_out(z, name, n)))
		return e;
	z->open = 1;
	return IE_OK;
}

ierr zip_data(struct zip *z, const void *p, size_t n)
{
	const unsigned char *s = p;
	size_t left = n;
	ierr e;

	if (!z->open)
		return IE_INVALID;
	while (left) {                   /* crc32 takes a uInt length */
		uInt k = left > 0x40000000u ? 0x40000000u : (uInt)left;

		z->crc = (uint32_t)crc32(z->crc, s, k);
		s += k;
		left -= k;
	}
	if ((e = zip_out(z, p, n)))
		return e;
	z->size += n;
	return IE_OK;
}

ierr zip_end(struct zip *z)
{
	unsigned char d[16], c[46];
	size_t n = strlen(z->name);
	ierr e;

	if (!z->open)
		return IE_INVALID;
	zip_le32(d, ZIP_DESC_SIG);
	zip_le32(d + 4, z->crc);
	zip_le32(d + 8, (uint32_t)z->size);
	zip_le32(d + 12, (uint32_t)z->size);
	if ((e = zip_out(z, d, sizeof(d))))
		return e;
	memset(c, 0, sizeof(c));
	zip_le32(c, ZIP_CDIR_SIG);
	zip_le16(c + 4, ZIP_VERSION | (3u << 8));   /* made by: Unix */
	zip_le16(c + 6, ZIP_VERSION);
	zip_le16(c + 8, ZIP_FLAGS);
	zip_le16(c + 10, 0);
	zip_le16(c + 12, z->dos_time);
	zip_le16(c + 14, z->dos_date);
	zip_le32(c + 16, z->crc);
	zip_le32(c + 20, (uint32_t)z->size);
	zip_le32(c + 24, (uint32_t)z->size);
	zip_le16(c + 28, (uint32_t)n);
	zip_le32(c + 38, 0100644u << 16);           /* external attributes: a regular file, rw-r--r-- */
	zip_le32(c + 42, (uint32_t)z->start);
	if ((e = buf_put(&z->cdir, c, sizeof(c))) || (e = buf_put(&z->cdir, z->name, n)))
		return e;
	z->open = 0;
	z->count++;
	return IE_OK;
}

ierr zip_add(struct zip *z, const char *name, const void *p, size_t n)
{
	ierr e;

	if ((e = zip_begin(z, name)) || (e = zip_data(z, p, n)))
		return e;
	return zip_end(z);
}

ierr zip_finish(struct zip *z)
{
	unsigned char end[22];
	uint64_t at = z->offset;
	ierr e;

	if (z->failed)
		return z->failed;
	if (z->open || z->count == 0)
		return IE_INVALID;
	if ((e = zip_out(z, z->cdir.data, z->cdir.len)))
		return e;
	memset(end, 0, sizeof(end));
	zip_le32(end, ZIP_END_SIG);
	zip_le16(end + 8, (uint32_t)z->count);
	zip_le16(end + 10, (uint32_t)z->count);
	zip_le32(end + 12, (uint32_t)z->cdir.len);
	zip_le32(end + 16, (uint32_t)at);
	return zip_out(z, end, sizeof(end));
}

void zip_free(struct zip *z)
{
	buf_free(&z->cdir);
}

void zip_safe_name(const char *text, const char *ext, char *out, size_t outsz)
{
	size_t el = strlen(ext), i = 0, room;

	if (outsz < 16 || el >= outsz / 2) {
		if (outsz)
			out[0] = '\0';
		return;
	}
	room = outsz - 1 - el;
	if (room > ZIP_NAME_MAX - el)
		room = ZIP_NAME_MAX - el;
	for (; text && text[i] && i < room; i++) {
		char c = text[i];
		int ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_'
			 || c == '-' || (c == '.' && i > 0);

		out[i] = ok ? c : '_';
	}
	if (i == 0) {
		memcpy(out, "file", 4);
		i = 4;
	}
	memcpy(out + i, ext, el + 1);
}
