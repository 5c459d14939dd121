/*
 * tmpl.h — ClearSilver rendering with HTML escaping on by default.
 *
 * Config.VarEscapeMode = html is set in the HDF before cs_init (0.10.5 reads
 * it only there), so every `var:` is HTML-escaped. The packaged 0.10.5 does
 * NOT escape `alt:` or `name:` and `uvar:` is raw: templates use
 * `alt:html_escape(x)`, never `uvar:` on data, and are never user-supplied.
 *
 * Each template is parsed once per process and reused for every request by
 * pointing the parse tree at the request's HDF. Shared layout pieces are
 * included by file name (`include:"_head.cs"`) from the templates directory.
 */
#ifndef INVOICE_TMPL_H
#define INVOICE_TMPL_H

#include "buf.h"

struct tmpl;

ierr tmpl_new(const char *dir, struct tmpl **out);
/* The same without escaping, for plain-text output only (the text part of a
 * mail, templates/mail_text.cs): never for HTML. */
ierr tmpl_new_text(const char *dir, struct tmpl **out);
void tmpl_free(struct tmpl *t);
/* Renders `name` (e.g. "login.cs") with data from `hdf` (HDF *), appending to out. */
ierr tmpl_render(struct tmpl *t, const char *name, void *hdf, struct buf *out);
/*
 * A slot is HTML the caller built itself, through the html.h escapers, for
 * output too large to go through HDF cheaply (the list's rows). The template
 * marks the place with the literal comment <!--slot:NAME-->, which escaped
 * data can never produce ('<' always leaves as &lt;); the first marker of each
 * slot is replaced, a slot without a marker is an error.
 */
struct tmpl_slot {
	const char *name;
	const struct buf *html;
};
ierr tmpl_render_slots(struct tmpl *t, const char *name, void *hdf, const struct tmpl_slot *slots,
		       size_t nslots, struct buf *out);
/* Parses every *.cs now (for --check and tests); reports the first failure. */
ierr tmpl_check_all(struct tmpl *t, char *errbuf, size_t errlen);

#endif
