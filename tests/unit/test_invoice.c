/*
 * test_invoice.c — unit tests for the file copies of stored PDFs in
 * lib/invoice.c: names only from a positive id and a hex ETag, atomic writes
 * with the web server's mode, existence and removal.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include "invoice.h"

#define ARRAY_LEN(a) (sizeof(a) / sizeof((a)[0]))
#define ETAG "0123456789abcdef0123456789abcdef"

static void test_file_names(void **state)
{
	static const struct {
		long long id;
		const char *etag, *name;    /* name NULL: refused */
	} cases[] = {
		{ 1, "ab", "1-ab.pdf" },
		{ 42, ETAG, "42-" ETAG ".pdf" },
		{ 0, ETAG, NULL },                 /* ids start at 1 */
		{ -3, ETAG, NULL },
		{ 7, "", NULL },
		{ 7, NULL, NULL },
		{ 7, "ABCDEF", NULL },             /* lower-case hex only */
		{ 7, "../../etc/passwd", NULL },
		{ 7, "ab/cd", NULL },
		{ 7, "ab.pdf", NULL },
		{ 7, "ab\ncd", NULL },
		{ 7, ETAG ETAG "0", NULL },        /* over 64 characters */
	};
	char out[96];
	size_t k;

	(void)state;
	for (k = 0; k < ARRAY_LEN(cases); k++) {
		ierr e = inv_pdf_file_name(cases[k].id, cases[k].etag, out, sizeof(out));

		if (cases[k].name ? e != IE_OK || strcmp(out, cases[k].name) : e != IE_INVALID)
			fail_msg("case %zu (%lld, %s): %s", k, cases[k].id, cases[k].etag ? cases[k].etag : "NULL",
				 ierr_name(e));
	}
	/* a buffer too small is refused, not cut */
	assert_int_equal(inv_pdf_file_name(42, ETAG, out, 10), IE_INVALID);
}

static size_t entries(const char *dir)
{
	DIR *d = opendir(dir);
	struct dirent *de;
	size_t n = 0;

	assert_non_null(d);
	while ((de = readdir(d)))
		n += de->d_name[0] != '.';
	closedir(d);
	return n;
}

static void test_write_exists_remove(void **state)
{
	char dir[] = "/tmp/test_invoice.XXXXXX", path[256];
	struct buf pdf = BUF_INIT, other = BUF_INIT;
	struct stat sb;
	FILE *f;
	char back[64];
	mode_t old;

	(void)state;
	assert_non_null(mkdtemp(dir));
	assert_int_equal(buf_puts(&pdf, "%PDF-1.4 first"), IE_OK);
	assert_int_equal(buf_puts(&other, "%PDF-1.4 second, longer"), IE_OK);
	assert_false(inv_pdf_file_exists(dir, 9, ETAG));
	/* the mode nginx's group needs, whatever the umask */
	old = umask(077);
	assert_int_equal(inv_pdf_file_write(dir, 9, ETAG, &pdf), IE_OK);
	umask(old);
	assert_true(inv_pdf_file_exists(dir, 9, ETAG));
	snprintf(path, sizeof(path), "%s/9-%s.pdf", dir, ETAG);
	assert_int_equal(stat(path, &sb), 0);
	assert_int_equal(sb.st_mode & 0777, 0640);
	/* a second write replaces the whole file and leaves no temporary behind */
	assert_int_equal(inv_pdf_file_write(dir, 9, ETAG, &other), IE_OK);
	f = fopen(path, "rb");
	assert_non_null(f);
	assert_int_equal(fread(back, 1, sizeof(back), f), other.len);
	fclose(f);
	assert_memory_equal(back, other.data, other.len);
	assert_int_equal(entries(dir), 1);
	/* other ids and tags are other files */
	assert_false(inv_pdf_file_exists(dir, 9, "ab"));
	assert_false(inv_pdf_file_exists(dir, 10, ETAG));
	/* refused: a relative directory, a bad tag, nothing to write */
	assert_int_equal(inv_pdf_file_write("tmp", 9, ETAG, &pdf), IE_INVALID);
	assert_int_equal(inv_pdf_file_write(dir, 9, "../x", &pdf), IE_INVALID);
	buf_clear(&pdf);
	assert_int_equal(inv_pdf_file_write(dir, 11, ETAG, &pdf), IE_INVALID);
	assert_false(inv_pdf_file_exists("tmp", 9, ETAG));
	/* removal; a missing file is fine */
	assert_int_equal(inv_pdf_file_remove(dir, 9, ETAG), IE_OK);
	assert_false(inv_pdf_file_exists(dir, 9, ETAG));
	assert_int_equal(inv_pdf_file_remove(dir, 9, ETAG), IE_OK);
	assert_int_equal(inv_pdf_file_remove(dir, 9, "../../x"), IE_INVALID);
	assert_int_equal(entries(dir), 0);
	/* an empty file is not a stored PDF */
	f = fopen(path, "wb");
	assert_non_null(f);
	fclose(f);
	assert_false(inv_pdf_file_exists(dir, 9, ETAG));
	assert_int_equal(unlink(path), 0);
	/* a directory that is not there: an I/O error, nothing made */
	assert_int_equal(rmdir(dir), 0);
	assert_int_equal(inv_pdf_file_write(dir, 9, ETAG, &other), IE_IO);
	assert_false(inv_pdf_file_exists(dir, 9, ETAG));
	buf_free(&pdf);
	buf_free(&other);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_file_names),
		cmocka_unit_test(test_write_exists_remove),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
