#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <ClearSilver.h>
#include "tmpl.h"

#define TMPL_MAX 64
#define TMPL_MAX_SLOTS 4

struct tmpl_entry {
	char name[64];
	CSPARSE *cs;
};

struct tmpl {
	char dir[512];
	HDF *config;              /* holds Config.VarEscapeMode and hdf.loadpaths */
	struct tmpl_entry cache[TMPL_MAX];
	size_t n;
};

static void log_nerr(const char *what, NEOERR *err)
{
	STRING s;

	string_init(&s);
	nerr_error_string(err, &s);
	fprintf(stderr, "tmpl: %s: %s\n", what, s.buf ? s.buf : "error");
	string_clear(&s);
	nerr_ignore(&err);
}

static ierr tmpl_new_mode(const char *dir, const char *mode, struct tmpl **out)
{
	struct tmpl *t = calloc(1, sizeof(*t));
	NEOERR *err;
	ierr e = IE_INTERNAL;

	if (!t)
		return IE_NOMEM;
	if (str_copy(t->dir, sizeof(t->dir), dir))
		goto out;
	err = hdf_init(&t->config);
	if (!err)
		err = hdf_set_value(t->config, "Config.VarEscapeMode", mode);
	if (!err)
		err = hdf_set_value(t->config, "hdf.loadpaths.0", t->dir);
	if (err) {
		log_nerr("init", err);
		goto out;
	}
	*out = t;
	return IE_OK;
out:
	tmpl_free(t);
	return e;
}

ierr tmpl_new(const char *dir, struct tmpl **out)
{
	return tmpl_new_mode(dir, "html", out);
}

ierr tmpl_new_text(const char *dir, struct tmpl **out)
{
	return tmpl_new_mode(dir, "none", out);
}

void tmpl_free(struct tmpl *t)
{
	size_t i;

	if (!t)
		return;
	for (i = 0; i < t->n; i++) {
		/* the tree's hdf is ours (t->config) at rest */
		t->cache[i].cs->hdf = t->config;
		cs_destroy(&t->cache[i].cs);
	}
	if (t->config)
		hdf_destroy(&t->config);
	free(t);
}

static int valid_name(const char *name)
{
	size_t i, n = strlen(name);

	if (n < 4 || n >= 64 || strcmp(name + n - 3, ".cs"))
		return 0;
	for (i = 0; i < n; i++) {
		char c = name[i];

		if (!((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_' || c == '-' || c == '.'))
			return 0;
	}
	return name[0] != '.';
}

static ierr load(struct tmpl *t, const char *name, CSPARSE **out)
{
	char path[600];
	CSPARSE *cs = NULL;
	NEOERR *err;
	size_t i;

	for (i = 0; i < t->n; i++) {
		if (!strcmp(t->cache[i].name, name)) {
			*out = t->cache[i].cs;
			return IE_OK;
		}
	}
	if (!valid_name(name) || t->n == TMPL_MAX)
		return IE_INTERNAL;
	if (snprintf(path, sizeof(path), "%s/%s", t->dir, name) >= (int)sizeof(path))
		return IE_INTERNAL;
	/* escaping mode is read from this HDF here, once */
	err = cs_init(&cs, t->config);
	if (!err)
		err = cgi_register_strfuncs(cs);
	if (!err)
		err = cs_parse_file(cs, path);
	if (err) {
		log_nerr(name, err);
		if (cs)
			cs_destroy(&cs);
		return IE_INTERNAL;
	}
	str_copy(t->cache[t->n].name, sizeof(t->cache[t->n].name), name);
	t->cache[t->n].cs = cs;
	t->n++;
	*out = cs;
	return IE_OK;
}

static NEOERR *emit(void *ctx, char *s)
{
	if (buf_puts(ctx, s))
		return nerr_raise(NERR_NOMEM, "out of memory");
	return STATUS_OK;
}

ierr tmpl_render(struct tmpl *t, const char *name, void *hdf, struct buf *out)
{
	CSPARSE *cs;
	NEOERR *err;
	ierr e;

	if ((e = load(t, name, &cs)))
		return e;
	cs->hdf = hdf;
	cs->global_hdf = t->config;
	err = cs_render(cs, out, emit);
	cs->hdf = t->config;
	cs->global_hdf = NULL;
	if (err) {
		log_nerr(name, err);
		return IE_INTERNAL;
	}
	return IE_OK;
}

ierr tmpl_render_slots(struct tmpl *t, const char *name, void *hdf, const struct tmpl_slot *slots,
		       size_t nslots, struct buf *out)
{
	struct buf page = BUF_INIT;
	const char *at[TMPL_MAX_SLOTS];
	size_t order[TMPL_MAX_SLOTS], mlen[TMPL_MAX_SLOTS], i, j;
	const char *from;
	ierr e;

	if (nslots > TMPL_MAX_SLOTS)
		return IE_INTERNAL;
	if ((e = tmpl_render(t, name, hdf, &page)))
		goto out;
	for (i = 0; i < nslots; i++) {
		char marker[80];

		if (snprintf(marker, sizeof(marker), "<!--slot:%s-->", slots[i].name) >= (int)sizeof(marker)
		    || !(at[i] = strstr(page.data ? page.data : "", marker))) {
			e = IE_INTERNAL;
			goto out;
		}
		mlen[i] = strlen(marker);
		/* splice in page order */
		for (j = i; j > 0 && at[order[j - 1]] > at[i]; j--)
			order[j] = order[j - 1];
		order[j] = i;
	}
	from = page.data;
	for (i = 0; i < nslots && !e; i++) {
		size_t k = order[i];

		e = buf_put(out, from, (size_t)(at[k] - from));
		if (!e)
			e = buf_put(out, slots[k].html->data, slots[k].html->len);
		from = at[k] + mlen[k];
	}
	if (!e)
		e = buf_put(out, from, page.len - (size_t)(from - page.data));
out:
	buf_free(&page);
	return e;
}

ierr tmpl_check_all(struct tmpl *t, char *errbuf, size_t errlen)
{
	DIR *d = opendir(t->dir);
	struct dirent *de;
	ierr e = IE_OK;

	if (!d) {
		snprintf(errbuf, errlen, "cannot open template directory %s", t->dir);
		return IE_IO;
	}
	while ((de = readdir(d))) {
		CSPARSE *cs;

		if (de->d_name[0] == '_' || !valid_name(de->d_name))
			continue;
		if (load(t, de->d_name, &cs)) {
			snprintf(errbuf, errlen, "template %s does not parse", de->d_name);
			e = IE_INTERNAL;
			break;
		}
	}
	closedir(d);
	return e;
}
