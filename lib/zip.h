/*
 * zip.h — a streaming ZIP writer for downloads of many files at once (the
 * list's batch "PDFs as one zip").
 *
 * Entries are stored (method 0: PDFs are compressed already), each followed by
 * a data descriptor (general purpose flag bit 3), so an entry's bytes go out as
 * they come and nothing is held whole: only the central directory (about 60
 * bytes per entry) stays in memory until zip_finish. CRC-32 comes from zlib.
 * No ZIP64: at most ZIP_MAX_ENTRIES entries and 4 GiB in all (IE_OVERFLOW past
 * either; batch downloads are capped far below).
 *
 *   struct zip z;
 *   zip_init(&z, write_fn, ctx, now);
 *   zip_begin(&z, "INV-2026-000001.pdf"); zip_data(&z, p, n); ... zip_end(&z);
 *   e = zip_finish(&z);     IE_INVALID when no entry was added
 *   zip_free(&z);
 *
 * Names are the caller's, checked: 1..ZIP_NAME_MAX bytes of [A-Za-z0-9._-],
 * not starting with '.', unique within the archive (IE_INVALID otherwise);
 * zip_safe_name makes such a name from any text.
 */
#ifndef INVOICE_ZIP_H
#define INVOICE_ZIP_H

#include <stddef.h>
#include <stdint.h>
#include <time.h>
#include "err.h"
#include "buf.h"

#define ZIP_MAX_ENTRIES 65535
#define ZIP_NAME_MAX 200

typedef ierr (*zip_write_fn)(void *ctx, const void *p, size_t n);

struct zip {
	zip_write_fn write;
	void *ctx;
	uint16_t dos_time, dos_date;
	uint64_t offset;           /* bytes written so far */
	struct buf cdir;           /* the central directory, built as entries end */
	size_t count;
	/* the open entry */
	int open;
	char name[ZIP_NAME_MAX + 1];
	uint32_t crc;
	uint64_t size, start;
	ierr failed;               /* a write failed: everything after answers it */
};

/* `now` (UTC) stamps every entry. */
void zip_init(struct zip *z, zip_write_fn write, void *ctx, time_t now);
ierr zip_begin(struct zip *z, const char *name);
ierr zip_data(struct zip *z, const void *p, size_t n);
ierr zip_end(struct zip *z);
/* zip_begin + zip_data + zip_end */
ierr zip_add(struct zip *z, const char *name, const void *p, size_t n);
/* The central directory and its end record. IE_INVALID for an empty archive
 * or an entry still open. */
ierr zip_finish(struct zip *z);
void zip_free(struct zip *z);

/* `text` + `ext` (e.g. ".pdf") as a safe entry name: characters other than
 * [A-Za-z0-9._-] become '_', a leading '.' too, cut to fit; "file" + ext for
 * an empty text. out must hold at least 16 bytes. */
void zip_safe_name(const char *text, const char *ext, char *out, size_t outsz);

#endif
