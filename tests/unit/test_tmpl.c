/*
 * test_tmpl.c — unit tests for lib/tmpl.c: rendering from a temporary template
 * directory, HTML escaping of var: by default, parse-once reuse across HDFs,
 * include: of layout pieces, and errors for missing or broken templates.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <ClearSilver.h>
#include "buf.h"
#include "tmpl.h"

struct fixture {
	char dir[512];
	struct tmpl *t;
};

static void put_file(const char *dir, const char *name, const char *text)
{
	char path[700];
	FILE *f;

	assert_true(snprintf(path, sizeof(path), "%s/%s", dir, name) < (int)sizeof(path));
	f = fopen(path, "w");
	assert_non_null(f);
	assert_true(fputs(text, f) >= 0);
	assert_int_equal(fclose(f), 0);
}

static void remove_file(const char *dir, const char *name)
{
	char path[700];

	assert_true(snprintf(path, sizeof(path), "%s/%s", dir, name) < (int)sizeof(path));
	unlink(path);
}

static const char *const files[] = {
	"page.cs", "_x.cs", "alt.cs", "raw.cs", "loop.cs", "broken.cs", "slots.cs",
};

static int setup(void **state)
{
	struct fixture *fx = calloc(1, sizeof(*fx));
	const char *tmp = getenv("TMPDIR");

	if (!fx)
		return -1;
	snprintf(fx->dir, sizeof(fx->dir), "%s/test_tmpl.XXXXXX", tmp && *tmp ? tmp : "/tmp");
	if (!mkdtemp(fx->dir))
		return -1;
	put_file(fx->dir, "page.cs",
		 "<p class=\"t\"><?cs var:Title ?></p>\n"
		 "<?cs include:\"_x.cs\" ?>\n"
		 "<a href=\"/x?q=<?cs var:Title ?>\">v1</a>\n");
	put_file(fx->dir, "_x.cs", "<i><?cs var:Name ?></i>");
	put_file(fx->dir, "alt.cs", "[<?cs alt:html_escape(Title) ?>fallback<?cs /alt ?>]");
	put_file(fx->dir, "raw.cs", "[<?cs var:Count ?>]");
	put_file(fx->dir, "slots.cs", "<h1><?cs var:Title ?></h1><!--slot:b--><hr><!--slot:a-->|<!--slot:a-->");
	put_file(fx->dir, "loop.cs", "<?cs each:row = Rows ?>(<?cs var:row.name ?>)<?cs /each ?>");
	if (tmpl_new(fx->dir, &fx->t))
		return -1;
	*state = fx;
	return 0;
}

static int teardown(void **state)
{
	struct fixture *fx = *state;
	size_t i;

	tmpl_free(fx->t);
	for (i = 0; i < sizeof(files) / sizeof(files[0]); i++)
		remove_file(fx->dir, files[i]);
	rmdir(fx->dir);
	free(fx);
	return 0;
}

static HDF *new_hdf(void)
{
	HDF *hdf = NULL;
	NEOERR *err = hdf_init(&hdf);

	assert_null(err);
	return hdf;
}

static void set(HDF *hdf, const char *key, const char *value)
{
	NEOERR *err = hdf_set_value(hdf, key, value);

	assert_null(err);
}

static void test_var_is_html_escaped(void **state)
{
	struct fixture *fx = *state;
	struct buf out = BUF_INIT;
	HDF *hdf = new_hdf();

	set(hdf, "Title", "<script>alert(\"x\")</script> & 'q'");
	set(hdf, "Name", "<b>bold</b>");
	assert_int_equal(tmpl_render(fx->t, "page.cs", hdf, &out), IE_OK);
	assert_non_null(out.data);
	/* no raw markup from data anywhere in the page */
	assert_null(strstr(out.data, "<script>"));
	assert_null(strstr(out.data, "<b>"));
	assert_null(strstr(out.data, "\"x\""));
	assert_non_null(strstr(out.data, "<p class=\"t\">&lt;script&gt;alert("));
	assert_non_null(strstr(out.data, "&lt;/script&gt; &amp; "));
	/* quotes are escaped too, so var: is safe inside an attribute */
	assert_null(strstr(out.data, "href=\"/x?q=<"));
	assert_non_null(strstr(out.data, "&quot;"));
	/* the template's own markup is untouched */
	assert_non_null(strstr(out.data, "<p class=\"t\">"));
	/* the included piece escapes as well */
	assert_non_null(strstr(out.data, "<i>&lt;b&gt;bold&lt;/b&gt;</i>"));
	hdf_destroy(&hdf);
	buf_free(&out);
}

/* Slots: HTML built by the caller replaces the first marker of each, in page
 * order whatever the order given; data cannot forge a marker. */
static void test_slots(void **state)
{
	struct fixture *fx = *state;
	struct buf out = BUF_INIT, a = BUF_INIT, b = BUF_INIT;
	struct tmpl_slot slots[] = { { "a", &a }, { "b", &b } };
	HDF *hdf = new_hdf();

	assert_int_equal(buf_puts(&a, "<tr>A</tr>"), IE_OK);
	assert_int_equal(buf_puts(&b, "<p>B</p>"), IE_OK);
	set(hdf, "Title", "<!--slot:a-->");
	assert_int_equal(buf_puts(&out, "before;"), IE_OK);
	assert_int_equal(tmpl_render_slots(fx->t, "slots.cs", hdf, slots, 2, &out), IE_OK);
	assert_string_equal(out.data, "before;<h1>&lt;!--slot:a--&gt;</h1><p>B</p><hr><tr>A</tr>|<!--slot:a-->");
	/* a slot the template does not mark is an error, and adds nothing */
	buf_clear(&out);
	slots[1].name = "missing";
	assert_int_equal(tmpl_render_slots(fx->t, "slots.cs", hdf, slots, 2, &out), IE_INTERNAL);
	assert_int_equal(out.len, 0);
	/* no slots: the plain page */
	assert_int_equal(tmpl_render_slots(fx->t, "slots.cs", hdf, NULL, 0, &out), IE_OK);
	assert_non_null(strstr(out.data, "<hr><!--slot:a-->|"));
	hdf_destroy(&hdf);
	buf_free(&out);
	buf_free(&a);
	buf_free(&b);
}

static void test_reuse_with_second_hdf(void **state)
{
	struct fixture *fx = *state;
	struct buf out1 = BUF_INIT, out2 = BUF_INIT;
	HDF *h1 = new_hdf(), *h2 = new_hdf();

	set(h1, "Title", "first-title");
	set(h1, "Name", "first-name");
	set(h2, "Title", "second-title");
	set(h2, "Name", "second-name");
	assert_int_equal(tmpl_render(fx->t, "page.cs", h1, &out1), IE_OK);
	/* the file changes on disk: a parsed template is kept, not re-read */
	put_file(fx->dir, "page.cs", "CHANGED <?cs var:Title ?>");
	assert_int_equal(tmpl_render(fx->t, "page.cs", h2, &out2), IE_OK);
	assert_non_null(strstr(out1.data, "first-title"));
	assert_non_null(strstr(out1.data, "<i>first-name</i>"));
	assert_non_null(strstr(out2.data, "<p class=\"t\">second-title</p>"));
	assert_non_null(strstr(out2.data, "<i>second-name</i>"));
	assert_null(strstr(out2.data, "first"));
	assert_null(strstr(out2.data, "CHANGED"));
	/* the first HDF is no longer referenced: destroying it does not affect rendering */
	hdf_destroy(&h1);
	buf_clear(&out2);
	assert_int_equal(tmpl_render(fx->t, "page.cs", h2, &out2), IE_OK);
	assert_non_null(strstr(out2.data, "second-title"));
	/* a fresh tmpl on the same directory does read the new file */
	{
		struct tmpl *t2 = NULL;
		struct buf out3 = BUF_INIT;

		assert_int_equal(tmpl_new(fx->dir, &t2), IE_OK);
		assert_int_equal(tmpl_render(t2, "page.cs", h2, &out3), IE_OK);
		assert_string_equal(out3.data, "CHANGED second-title");
		tmpl_free(t2);
		buf_free(&out3);
	}
	hdf_destroy(&h2);
	buf_free(&out1);
	buf_free(&out2);
}

static void test_render_appends(void **state)
{
	struct fixture *fx = *state;
	struct buf out = BUF_INIT;
	HDF *hdf = new_hdf();

	set(hdf, "Count", "7");
	assert_int_equal(buf_puts(&out, "head:"), IE_OK);
	assert_int_equal(tmpl_render(fx->t, "raw.cs", hdf, &out), IE_OK);
	assert_int_equal(tmpl_render(fx->t, "raw.cs", hdf, &out), IE_OK);
	assert_string_equal(out.data, "head:[7][7]");
	hdf_destroy(&hdf);
	buf_free(&out);
}

static void test_include(void **state)
{
	struct fixture *fx = *state;
	struct buf out = BUF_INIT;
	HDF *hdf = new_hdf();

	set(hdf, "Title", "T");
	set(hdf, "Name", "included-value");
	assert_int_equal(tmpl_render(fx->t, "page.cs", hdf, &out), IE_OK);
	assert_string_equal(out.data,
			    "<p class=\"t\">T</p>\n<i>included-value</i>\n<a href=\"/x?q=T\">v1</a>\n");
	hdf_destroy(&hdf);
	buf_free(&out);
}

static void test_alt_html_escape_and_each(void **state)
{
	struct fixture *fx = *state;
	struct buf out = BUF_INIT;
	HDF *hdf = new_hdf();

	set(hdf, "Title", "<i>x</i>");
	set(hdf, "Rows.0.name", "a<");
	set(hdf, "Rows.1.name", "b&");
	assert_int_equal(tmpl_render(fx->t, "alt.cs", hdf, &out), IE_OK);
	assert_string_equal(out.data, "[&lt;i&gt;x&lt;/i&gt;]");
	buf_clear(&out);
	assert_int_equal(tmpl_render(fx->t, "loop.cs", hdf, &out), IE_OK);
	assert_string_equal(out.data, "(a&lt;)(b&amp;)");
	hdf_destroy(&hdf);
	/* without the value, alt: falls back */
	hdf = new_hdf();
	buf_clear(&out);
	assert_int_equal(tmpl_render(fx->t, "alt.cs", hdf, &out), IE_OK);
	assert_string_equal(out.data, "[fallback]");
	hdf_destroy(&hdf);
	buf_free(&out);
}

static void test_missing_template(void **state)
{
	struct fixture *fx = *state;
	struct buf out = BUF_INIT;
	HDF *hdf = new_hdf();

	assert_int_not_equal(tmpl_render(fx->t, "nope.cs", hdf, &out), IE_OK);
	assert_int_equal(out.len, 0);
	/* a missing template is still an error the second time */
	assert_int_not_equal(tmpl_render(fx->t, "nope.cs", hdf, &out), IE_OK);
	/* a required include (include!) of a missing file fails the page;
	 * ClearSilver's plain include: skips a missing file silently */
	put_file(fx->dir, "broken.cs", "a<?cs include!\"_missing.cs\" ?>b");
	assert_int_not_equal(tmpl_render(fx->t, "broken.cs", hdf, &out), IE_OK);
	/* names outside the directory or without .cs are refused */
	assert_int_not_equal(tmpl_render(fx->t, "../page.cs", hdf, &out), IE_OK);
	assert_int_not_equal(tmpl_render(fx->t, "/etc/passwd", hdf, &out), IE_OK);
	assert_int_not_equal(tmpl_render(fx->t, "page", hdf, &out), IE_OK);
	assert_int_not_equal(tmpl_render(fx->t, "", hdf, &out), IE_OK);
	assert_int_equal(out.len, 0);
	/* the good template still renders after all that */
	assert_int_equal(tmpl_render(fx->t, "raw.cs", hdf, &out), IE_OK);
	assert_string_equal(out.data, "[]");
	hdf_destroy(&hdf);
	buf_free(&out);
}

static void test_check_all(void **state)
{
	struct fixture *fx = *state;
	struct tmpl *t = NULL;
	char err[300] = "";

	/* a directory with a syntax error is reported by name (an unknown command:
	 * ClearSilver 0.10.5 leaks 32 bytes on a non-terminated if:) */
	put_file(fx->dir, "broken.cs", "<p><?cs bogus:Title ?></p>");
	assert_int_equal(tmpl_new(fx->dir, &t), IE_OK);
	assert_int_not_equal(tmpl_check_all(t, err, sizeof(err)), IE_OK);
	assert_non_null(strstr(err, "broken.cs"));
	tmpl_free(t);
	remove_file(fx->dir, "broken.cs");
	t = NULL;
	assert_int_equal(tmpl_new(fx->dir, &t), IE_OK);
	assert_int_equal(tmpl_check_all(t, err, sizeof(err)), IE_OK);
	tmpl_free(t);
	/* a missing directory is an error too */
	t = NULL;
	assert_int_equal(tmpl_new("/nonexistent/templates", &t), IE_OK);
	assert_int_not_equal(tmpl_check_all(t, err, sizeof(err)), IE_OK);
	assert_non_null(strstr(err, "/nonexistent/templates"));
	tmpl_free(t);
}

/* The shipped templates all parse. */
static void test_shipped_templates_parse(void **state)
{
	struct tmpl *t = NULL;
	char err[300] = "";

	(void)state;
	assert_int_equal(tmpl_new(SRCDIR "/templates", &t), IE_OK);
	if (tmpl_check_all(t, err, sizeof(err)))
		fail_msg("%s", err);
	tmpl_free(t);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_var_is_html_escaped, setup, teardown),
		cmocka_unit_test_setup_teardown(test_slots, setup, teardown),
		cmocka_unit_test_setup_teardown(test_reuse_with_second_hdf, setup, teardown),
		cmocka_unit_test_setup_teardown(test_render_appends, setup, teardown),
		cmocka_unit_test_setup_teardown(test_include, setup, teardown),
		cmocka_unit_test_setup_teardown(test_alt_html_escape_and_each, setup, teardown),
		cmocka_unit_test_setup_teardown(test_missing_template, setup, teardown),
		cmocka_unit_test_setup_teardown(test_check_all, setup, teardown),
		cmocka_unit_test(test_shipped_templates_parse),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
