/* admin_catalog.c — /admin/packages and /admin/fields: list, create, edit
 * (row version), archive/restore. One set of handlers over a descriptor per
 * kind; the rules live in lib/catalog.c. */
#include <stdio.h>
#include <string.h>
#include "admin.h"
#include "catalog.h"
#include "db.h"
#include "form.h"
#include "once.h"

struct kind {
	const char *section, *list_title, *new_title, *base, *noun, *entity;
	const struct form_field *form;
	size_t n;
	void (*defaults)(struct form_value *v);
	ierr (*check)(struct form_value *v, struct arena *arena);
	ierr (*get)(struct db *, struct arena *, long long, int, struct catalog_row *);
	ierr (*create)(struct db *, const struct auth_user *, const char *, struct form_value *, struct arena *,
		       long long *);
	ierr (*update)(struct db *, const struct auth_user *, const char *, long long, long long, struct form_value *,
		       struct arena *);
	ierr (*set_active)(struct db *, const struct auth_user *, const char *, long long, int);
	ierr (*list)(struct db *, int, ierr (*)(void *, const struct db_res *), void *);
	const char *const *cols;          /* the list's column names, as HDF keys */
	const char *list_tmpl;
	const char *a_create, *a_update, *a_archive, *a_restore;   /* once_run actions */
};

static const char *const package_cols[] = { "Id", "Name", "Currency", "UnitPrice", "UnitCode", "TaxRate",
					    "VatCategory", "Active", "Kind", NULL };
static const char *const field_cols[] = { "Id", "Label", "Type", "Visible", "Print", "Position", "Active", "Key",
					  NULL };

static const struct kind packages = {
	"packages", "Packages", "New package", "/admin/packages", "package", "package",
	package_form, PF__COUNT, package_defaults, package_check, package_get, package_create, package_update,
	package_set_active, package_list, package_cols, "admin_packages.cs",
	"package.create", "package.update", "package.archive", "package.restore",
};

static const struct kind fields = {
	"fields", "Custom fields", "New custom field", "/admin/fields", "custom field", "custom_field",
	field_def_form, FF__COUNT, field_def_defaults, NULL, field_def_get, field_def_create, field_def_update,
	field_def_set_active, field_def_list, field_cols, "admin_fields.cs",
	"field.create", "field.update", "field.archive", "field.restore",
};

/* ---------- list ---------- */

struct list_ctx {
	struct req *req;
	const struct kind *k;
	size_t n;
};

static ierr list_row(void *ctx, const struct db_res *r)
{
	struct list_ctx *l = ctx;
	size_t i = l->n++;
	ierr e;

	for (unsigned c = 0; l->k->cols[c]; c++)
		if ((e = app_set_at(l->req, "Rows", i, l->k->cols[c], db_str(r, c) ? db_str(r, c) : "")))
			return e;
	return IE_OK;
}

static ierr list(struct req *req, const struct kind *k)
{
	const char *show = app_param(req, "show");
	struct list_ctx l = { req, k, 0 };
	int which = 0;
	ierr e;

	if (show && *show) {
		if (!strcmp(show, "archived"))
			which = 1;
		else if (!strcmp(show, "all"))
			which = 2;
		else if (strcmp(show, "active")) {
			req->error_param = "show";
			return app_fail(req, IE_INVALID, "Show must be active, archived or all.");
		}
	}
	if ((e = admin_layout(req, k->section, k->list_title)) || (e = k->list(req->db, which, list_row, &l))
	    || (e = app_set(req, "List.Show", which == 1 ? "archived" : which == 2 ? "all" : "active"))
	    || (e = app_set_int(req, "List.Total", (long long)l.n)))
		return e;
	return app_render(req, k->list_tmpl);
}

/* ---------- form ---------- */

static ierr show_form(struct req *req, const struct kind *k, int status, const struct catalog_row *row,
		      const struct form_value *v)
{
	char action[64];
	ierr e;

	if (row)
		snprintf(action, sizeof(action), "%s/%lld", k->base, row->id);
	else
		snprintf(action, sizeof(action), "%s", k->base);
	if ((e = form_hdf(req, "Form", k->form, k->n, v)) || (e = app_set(req, "Form.Action", action))
	    || (e = app_set(req, "Entity.Base", k->base)) || (e = app_set(req, "Entity.Noun", k->noun)))
		return e;
	if (row && ((e = app_set_int(req, "Entity.Id", row->id)) || (e = app_set_int(req, "Entity.Active", row->active))
		    || (e = app_set(req, "Entity.Name", row->text[0]))
		    || (e = app_set_int(req, "Entity.InUse", row->in_use))
		    || (row->key && (e = app_set(req, "Entity.Key", row->key)))
		    || (e = once_hdf(req, "Archive.Once"))))
		return e;
	return form_render(req, status, "admin_catalog_form.cs");
}

static ierr new_form(struct req *req, const struct kind *k)
{
	struct form_value v[CATALOG_MAX_FIELDS];
	ierr e;

	k->defaults(v);
	if ((e = admin_layout(req, k->section, k->new_title)) || (e = admin_form_keys(req, 0)))
		return e;
	return show_form(req, k, 200, NULL, v);
}

static ierr parse(struct req *req, const struct kind *k, struct form_value *v)
{
	ierr e = form_parse(req, k->form, k->n, NULL, v);

	if (e && e != IE_INVALID)
		return e;
	if (k->check && (e = k->check(v, req->arena)) == IE_NOMEM)
		return e;
	return form_errors(v, k->n) ? IE_INVALID : IE_OK;
}

struct write_ctx {
	struct req *req;
	const struct kind *k;
	struct form_value *v;
	long long id, version;
	int active;
};

static ierr create_tx(struct db *db, void *ctx, char *result, size_t sz)
{
	struct write_ctx *w = ctx;
	long long id = 0;
	ierr e = w->k->create(db, &w->req->session.user, w->req->remote_addr, w->v, w->req->arena, &id);

	if (!e)
		snprintf(result, sz, "%s/%lld?done=created", w->k->base, id);
	return e;
}

static ierr create(struct req *req, const struct kind *k)
{
	struct form_value v[CATALOG_MAX_FIELDS];
	struct write_ctx w = { req, k, v, 0, 0, 0 };
	char where[256];
	int again;
	ierr e = parse(req, k, v);

	if (!e && !(e = admin_once(req, k->a_create, create_tx, &w, where, sizeof(where), &again)))
		return app_redirect(req, 303, where);
	/* a rule's message on a field (a package name taken): the form again */
	if (e != IE_INVALID || !form_errors(v, k->n))
		return admin_refused(req, e, NULL);
	if ((e = admin_layout(req, k->section, k->new_title)) || (e = admin_form_keys_again(req)))
		return e;
	return show_form(req, k, 422, NULL, v);
}

static ierr load(struct req *req, const struct kind *k, long long id, struct catalog_row *row)
{
	ierr e = k->get(req->db, req->arena, id, 0, row);

	if (e == IE_NOTFOUND)
		return app_fail(req, e, "There is nothing at this address.");
	return e;
}

static ierr edit(struct req *req, const struct kind *k)
{
	struct form_value v[CATALOG_MAX_FIELDS];
	struct catalog_row row;
	ierr e;

	if ((e = load(req, k, req->ids[0], &row)))
		return e;
	memset(v, 0, sizeof(v));
	for (size_t i = 0; i < k->n; i++)
		form_set_raw(&v[i], row.text[i]);
	if ((e = admin_layout(req, k->section, row.text[0])) || (e = admin_form_keys(req, row.row_version))
	    || (e = admin_history_hdf(req, k->entity, row.id)))
		return e;
	return show_form(req, k, 200, &row, v);
}

static ierr update_tx(struct db *db, void *ctx, char *result, size_t sz)
{
	struct write_ctx *w = ctx;
	ierr e = w->k->update(db, &w->req->session.user, w->req->remote_addr, w->id, w->version, w->v, w->req->arena);

	if (!e)
		snprintf(result, sz, "%s/%lld?done=saved", w->k->base, w->id);
	return e;
}

static ierr update(struct req *req, const struct kind *k)
{
	struct form_value v[CATALOG_MAX_FIELDS];
	struct write_ctx w = { req, k, v, req->ids[0], admin_posted_version(req), 0 };
	struct catalog_row row;
	char where[256];
	int again, status;
	ierr e = parse(req, k, v);

	if (e && e != IE_INVALID)
		return e;
	if (!w.version)
		return admin_refused(req, IE_INVALID, NULL);
	if (!e) {
		e = admin_once(req, k->a_update, update_tx, &w, where, sizeof(where), &again);
		if (!e)
			return app_redirect(req, 303, where);
		if (e == IE_NOTFOUND || (e == IE_INVALID && !form_errors(v, k->n)) || (e != IE_INVALID && e != IE_CONFLICT))
			return admin_refused(req, e, "There is nothing at this address.");
	}
	/* shown again: field messages (422), or someone saved in between (409) */
	if ((e = load(req, k, w.id, &row)) || (e = admin_layout(req, k->section, row.text[0]))
	    || (e = admin_form_keys_again(req))
	    || (e = admin_conflict_hdf(req, k->form, k->n, v, row.text, row.row_version, &status)))
		return e;
	return show_form(req, k, status, &row, v);
}

static ierr active_tx(struct db *db, void *ctx, char *result, size_t sz)
{
	struct write_ctx *w = ctx;
	ierr e = w->k->set_active(db, &w->req->session.user, w->req->remote_addr, w->id, w->active);

	if (!e)
		snprintf(result, sz, "%s/%lld?done=%s", w->k->base, w->id, w->active ? "restored" : "archived");
	return e;
}

static ierr archive(struct req *req, const struct kind *k)
{
	struct write_ctx w = { req, k, NULL, req->ids[0], 0, 0 };
	char where[256];
	int again;
	ierr e;

	if ((e = admin_active_param(req, &w.active)))
		return e;
	if ((e = admin_once(req, w.active ? k->a_restore : k->a_archive, active_tx, &w, where, sizeof(where), &again)))
		return admin_refused(req, e, "There is nothing at this address.");
	return app_redirect(req, 303, where);
}

/* ---------- the routes' entry points ---------- */

ierr admin_packages_list(struct req *req) { return list(req, &packages); }
ierr admin_package_new(struct req *req) { return new_form(req, &packages); }
ierr admin_package_create(struct req *req) { return create(req, &packages); }
ierr admin_package_edit(struct req *req) { return edit(req, &packages); }
ierr admin_package_update(struct req *req) { return update(req, &packages); }
ierr admin_package_archive(struct req *req) { return archive(req, &packages); }

ierr admin_fields_list(struct req *req) { return list(req, &fields); }
ierr admin_field_new(struct req *req) { return new_form(req, &fields); }
ierr admin_field_create(struct req *req) { return create(req, &fields); }
ierr admin_field_edit(struct req *req) { return edit(req, &fields); }
ierr admin_field_update(struct req *req) { return update(req, &fields); }
ierr admin_field_archive(struct req *req) { return archive(req, &fields); }
