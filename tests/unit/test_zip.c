/*
 * test_zip.c — unit tests for lib/zip.c: an archive of three entries written
 * through a chunked writer passes `unzip -t` and Python's zipfile (names,
 * sizes, CRC-32 against zlib's, the data-descriptor flag on every entry,
 * contents byte for byte); an empty archive, an entry left open, bad and
 * duplicate names are refused; a failing writer stops everything after it;
 * zip_safe_name sanitizes invoice numbers.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>
#include <zlib.h>
#include "buf.h"
#include "zip.h"

static int run(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
static int run(const char *fmt, ...)
{
	char cmd[1024];
	va_list ap;
	int n, rc;

	va_start(ap, fmt);
	n = vsnprintf(cmd, sizeof(cmd), fmt, ap);
	va_end(ap);
	assert_true(n > 0 && (size_t)n < sizeof(cmd));
	rc = system(cmd);
	assert_true(rc != -1);
	return WIFEXITED(rc) ? WEXITSTATUS(rc) : 128;
}

struct sink {
	struct buf b;
	size_t calls;
	size_t fail_after;          /* 0: never */
};

static ierr sink_write(void *ctx, const void *p, size_t n)
{
	struct sink *s = ctx;

	s->calls++;
	if (s->fail_after && s->calls > s->fail_after)
		return IE_IO;
	return buf_put(&s->b, p, n);
}

static uint32_t rd16(const unsigned char *p) { return (uint32_t)p[0] | ((uint32_t)p[1] << 8); }
static uint32_t rd32(const unsigned char *p) { return rd16(p) | (rd16(p + 2) << 16); }

static void test_archive_reads_back(void **state)
{
	static const char *names[] = { "INV-2026-000001.pdf", "INV-2026-000002.pdf", "draft-17.pdf" };
	char *data[3];
	size_t len[3] = { 0, 70000, 1 };
	char dir[] = "/tmp/test_zip_XXXXXX", path[128];
	struct sink s = { BUF_INIT, 0, 0 };
	struct zip z;
	FILE *f;

	(void)state;
	data[0] = strdup("");
	data[1] = malloc(len[1]);
	data[2] = strdup("x");
	for (size_t i = 0; i < len[1]; i++)
		data[1][i] = (char)(i * 7 + 3);
	zip_init(&z, sink_write, &s, 1764780000);   /* 2025-12-03 16:40 UTC */
	assert_int_equal(zip_add(&z, names[0], data[0], len[0]), IE_OK);
	/* the second in pieces, as a stream comes */
	assert_int_equal(zip_begin(&z, names[1]), IE_OK);
	for (size_t at = 0; at < len[1]; at += 4096)
		assert_int_equal(zip_data(&z, data[1] + at, len[1] - at < 4096 ? len[1] - at : 4096), IE_OK);
	assert_int_equal(zip_end(&z), IE_OK);
	assert_int_equal(zip_add(&z, names[2], data[2], len[2]), IE_OK);
	assert_int_equal(zip_finish(&z), IE_OK);
	assert_int_equal(z.count, 3);

	/* every local header: the data-descriptor flag, CRC and sizes left 0, stored */
	{
		const unsigned char *p = (const unsigned char *)s.b.data;
		size_t at = 0;

		for (int i = 0; i < 3; i++) {
			uint32_t crc = (uint32_t)crc32(crc32(0L, Z_NULL, 0), (const Bytef *)data[i], (uInt)len[i]);
			size_t nl;

			assert_int_equal(rd32(p + at), 0x04034b50u);
			assert_int_equal(rd16(p + at + 6) & 8, 8);
			assert_int_equal(rd16(p + at + 8), 0);
			assert_int_equal(rd32(p + at + 14), 0);
			nl = rd16(p + at + 26);
			assert_int_equal(nl, strlen(names[i]));
			assert_memory_equal(p + at + 30, names[i], nl);
			at += 30 + nl;
			assert_memory_equal(p + at, data[i], len[i]);
			at += len[i];
			assert_int_equal(rd32(p + at), 0x08074b50u);
			assert_int_equal(rd32(p + at + 4), crc);
			assert_int_equal(rd32(p + at + 8), len[i]);
			assert_int_equal(rd32(p + at + 12), len[i]);
			at += 16;
		}
		assert_int_equal(rd32(p + at), 0x02014b50u);   /* the central directory follows */
		assert_int_equal(rd32(p + s.b.len - 22), 0x06054b50u);
		assert_int_equal(rd16(p + s.b.len - 22 + 10), 3);
	}

	assert_non_null(mkdtemp(dir));
	snprintf(path, sizeof(path), "%s/a.zip", dir);
	f = fopen(path, "wb");
	assert_non_null(f);
	assert_int_equal(fwrite(s.b.data, 1, s.b.len, f), s.b.len);
	fclose(f);
	assert_int_equal(run("unzip -tq %s >/dev/null", path), 0);
	assert_int_equal(run("unzip -Z1 %s | tr '\\n' ' ' | grep -qx '%s %s %s '", path, names[0], names[1], names[2]), 0);
	/* an independent reader: names, sizes, CRCs, flag bit 3, contents */
	assert_int_equal(run("python3 -c \"import zipfile,sys,zlib\n"
			     "z=zipfile.ZipFile(sys.argv[1]); assert z.testzip() is None\n"
			     "i=z.infolist(); assert [x.filename for x in i]==['%s','%s','%s'], i\n"
			     "assert all(x.flag_bits & 8 and x.compress_type==0 for x in i)\n"
			     "b=z.read('%s'); assert len(b)==70000 and all(b[k]==(k*7+3)&255 for k in range(70000))\n"
			     "assert z.read('%s')==b'x' and i[2].CRC==zlib.crc32(b'x') and i[0].file_size==0\n"
			     "assert i[0].date_time==(2025,12,3,16,40,0), i[0].date_time\" %s",
			     names[0], names[1], names[2], names[1], names[2], path),
			 0);
	run("rm -rf %s", dir);
	for (int i = 0; i < 3; i++)
		free(data[i]);
	zip_free(&z);
	buf_free(&s.b);
}

static void test_refusals(void **state)
{
	struct sink s = { BUF_INIT, 0, 0 };
	struct zip z;

	(void)state;
	zip_init(&z, sink_write, &s, 0);
	assert_int_equal(zip_finish(&z), IE_INVALID);          /* an empty selection */
	assert_int_equal(s.b.len, 0);                          /* and nothing written */
	assert_int_equal(zip_data(&z, "x", 1), IE_INVALID);    /* no entry open */
	assert_int_equal(zip_end(&z), IE_INVALID);
	assert_int_equal(zip_begin(&z, ""), IE_INVALID);
	assert_int_equal(zip_begin(&z, "../etc/passwd"), IE_INVALID);
	assert_int_equal(zip_begin(&z, "a/b.pdf"), IE_INVALID);
	assert_int_equal(zip_begin(&z, ".hidden"), IE_INVALID);
	assert_int_equal(zip_begin(&z, "a b.pdf"), IE_INVALID);
	assert_int_equal(s.b.len, 0);
	assert_int_equal(zip_add(&z, "a.pdf", "1", 1), IE_OK);
	assert_int_equal(zip_add(&z, "a.pdf", "2", 1), IE_INVALID);   /* duplicate */
	assert_int_equal(zip_begin(&z, "b.pdf"), IE_OK);
	assert_int_equal(zip_begin(&z, "c.pdf"), IE_INVALID);        /* b still open */
	assert_int_equal(zip_finish(&z), IE_INVALID);
	assert_int_equal(zip_end(&z), IE_OK);
	assert_int_equal(zip_finish(&z), IE_OK);
	zip_free(&z);
	buf_free(&s.b);
}

static void test_failing_writer(void **state)
{
	struct sink s = { BUF_INIT, 0, 4 };
	struct zip z;

	(void)state;
	zip_init(&z, sink_write, &s, 0);
	assert_int_equal(zip_add(&z, "a.pdf", "1", 1), IE_OK);   /* header, name, data, descriptor: 4 writes */
	assert_int_equal(zip_end(&z), IE_INVALID);
	assert_int_equal(zip_add(&z, "b.pdf", "2", 1), IE_IO);
	assert_int_equal(zip_finish(&z), IE_IO);
	zip_free(&z);
	buf_free(&s.b);
}

static void test_safe_name(void **state)
{
	static const struct {
		const char *in, *want;
	} cases[] = {
		{ "INV-2026-000001", "INV-2026-000001.pdf" },
		{ "CN/2026 7", "CN_2026_7.pdf" },
		{ "../../x", "_._.._x.pdf" },
		{ ".env", "_env.pdf" },
		{ "", "file.pdf" },
		{ NULL, "file.pdf" },
		{ "Fakt\xc3\xbara", "Fakt__ra.pdf" },
	};
	char out[64], small[16];

	(void)state;
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		zip_safe_name(cases[i].in, ".pdf", out, sizeof(out));
		assert_string_equal(out, cases[i].want);
	}
	zip_safe_name("ABCDEFGHIJKLMNOPQRSTUVWXYZ", ".pdf", small, sizeof(small));
	assert_string_equal(small, "ABCDEFGHIJK.pdf");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_archive_reads_back),
		cmocka_unit_test(test_refusals),
		cmocka_unit_test(test_failing_writer),
		cmocka_unit_test(test_safe_name),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
