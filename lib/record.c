/* record.c — versioned updates, archive / restore and audit images of the admin tables (record.h). */
#include <string.h>
#include "record.h"
#include "audit.h"
#include "buf.h"
#include "db.h"

ierr record_json(struct audit_json *j, const struct form_field *form, size_t n, const char *const *text,
		 int active)
{
	ierr e = IE_OK;

	for (size_t i = 0; i < n && !e; i++)
		e = audit_json_str(j, form[i].name, text[i] ? text[i] : "");
	if (!e && active >= 0)
		e = audit_json_bool(j, "active", active);
	return e ? e : audit_json_end(j);
}

ierr record_read(const struct db_res *r, struct arena *arena, size_t n, const char **text, long long *id,
		 int *active, long long *row_version, int *in_use)
{
	for (unsigned i = 0; i < n; i++)
		if (!(text[i] = arena_strdup(arena, db_str(r, i) ? db_str(r, i) : "")))
			return IE_NOMEM;
	*id = db_int(r, (unsigned)n);
	*active = (int)db_int(r, (unsigned)n + 1);
	*row_version = db_int(r, (unsigned)n + 2);
	*in_use = (int)db_int(r, (unsigned)n + 3);
	return IE_OK;
}

ierr record_update(struct db *db, const struct auth_user *user, const char *address,
		   const struct record_update *u, const struct record_row *cur, const char *const *after)
{
	struct audit_json before = AUDIT_JSON_INIT, image = AUDIT_JSON_INIT;
	unsigned long long changed = 0;
	ierr e;

	if (cur->version != u->version)
		return IE_CONFLICT;
	if (u->frozen >= 0 && (size_t)u->frozen < u->n && cur->in_use
	    && strcmp(cur->text[u->frozen] ? cur->text[u->frozen] : "", after[u->frozen] ? after[u->frozen] : "")) {
		form_set_error(&u->v[u->frozen], u->frozen_why);
		return IE_INVALID;
	}
	if ((u->check && (e = u->check(db, u->ctx))) || (e = u->write(db, u->ctx, after, &changed)))
		goto out;
	if (changed != 1) {
		e = IE_CONFLICT;
		goto out;
	}
	if ((e = record_json(&before, u->form, u->n, cur->text, -1)) || (e = record_json(&image, u->form, u->n, after, -1)))
		goto out;
	e = audit_event(db, user, address, u->entity, u->id, "update", before.b.data, image.b.data);
out:
	audit_json_free(&before);
	audit_json_free(&image);
	return e;
}

static ierr lock_active(struct db *db, enum record_table t, long long id, int *active)
{
	struct db_res r = { 0 };
	ierr e;

	switch (t) {
	case RECORD_CUSTOMERS:
		e = db_query_row(db, &r, "SELECT active FROM customers WHERE id = ? FOR UPDATE", DB_ARGS(DB_I(id)));
		break;
	case RECORD_PACKAGES:
		e = db_query_row(db, &r, "SELECT active FROM packages WHERE id = ? FOR UPDATE", DB_ARGS(DB_I(id)));
		break;
	case RECORD_FIELDS:
		e = db_query_row(db, &r, "SELECT active FROM custom_field_defs WHERE id = ? FOR UPDATE",
				 DB_ARGS(DB_I(id)));
		break;
	default:
		return IE_INTERNAL;
	}
	if (!e)
		*active = (int)db_int(&r, 0);
	db_free(&r);
	return e;
}

static ierr write_active(struct db *db, enum record_table t, long long id, int active)
{
	switch (t) {
	case RECORD_CUSTOMERS:
		return db_exec(db, "UPDATE customers SET active = ?, row_version = row_version + 1 WHERE id = ?",
			       DB_ARGS(DB_I(active), DB_I(id)), NULL, NULL);
	case RECORD_PACKAGES:
		return db_exec(db, "UPDATE packages SET active = ?, row_version = row_version + 1 WHERE id = ?",
			       DB_ARGS(DB_I(active), DB_I(id)), NULL, NULL);
	case RECORD_FIELDS:
		return db_exec(db, "UPDATE custom_field_defs SET active = ?, row_version = row_version + 1 WHERE id = ?",
			       DB_ARGS(DB_I(active), DB_I(id)), NULL, NULL);
	default:
		return IE_INTERNAL;
	}
}

ierr record_set_active(struct db *db, const struct auth_user *user, const char *address, enum record_table t,
		       const char *entity, long long id, int active)
{
	struct audit_json before = AUDIT_JSON_INIT, after = AUDIT_JSON_INIT;
	int now = 0;
	ierr e;

	active = !!active;
	if ((e = lock_active(db, t, id, &now)) || now == active)   /* already so: nothing to record */
		goto out;
	if ((e = write_active(db, t, id, active)))
		goto out;
	if ((e = audit_json_bool(&before, "active", !active)) || (e = audit_json_end(&before))
	    || (e = audit_json_bool(&after, "active", active)) || (e = audit_json_end(&after)))
		goto out;
	e = audit_event(db, user, address, entity, id, active ? "restore" : "archive", before.b.data, after.b.data);
out:
	audit_json_free(&before);
	audit_json_free(&after);
	return e;
}
