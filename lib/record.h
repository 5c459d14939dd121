/*
 * record.h — the write path the admin tables kept through edit forms share
 * (customers, packages, custom field definitions): a versioned update with
 * its audit event, archive / restore, and the audit images of a form's
 * fields. Everything runs inside the caller's transaction (a once_run
 * callback, once.h), so the change and its event commit together.
 *
 * A versioned update (record_update) goes:
 *   1. read     the module reads its row with SELECT ... FOR UPDATE (its
 *               _get with lock = 1) and hands over the stored version, the
 *               texts of its form's fields and whether the row is in use;
 *   2. version  a version other than the one the form was made from:
 *               IE_CONFLICT, nothing written (the page shows what changed);
 *   3. rules    a field that cannot change while the row is in use (a
 *               customer's currency once it has invoices, a custom field's
 *               type once invoices hold values) gets its message, and the
 *               module's own check runs (a package name taken): IE_INVALID;
 *   4. write    the module's UPDATE ... row_version = row_version + 1
 *               WHERE id = ? AND row_version = ? (and what goes with it);
 *               any count of changed rows but 1 is IE_CONFLICT;
 *   5. audit    the event "update" with the before and after images
 *               {"<field name>": "<text>", ...} of the form's fields.
 * The SQL stays in the module (literals; codecheck), the sequence here.
 *
 *   struct record_update u = { "package", package_form, PF__COUNT, id, version, v, -1, NULL,
 *                              name_check, package_write, &ctx };
 *   struct record_row cur = { row.row_version, row.in_use, row.text };
 *   e = record_update(db, user, address, &u, &cur, new_texts);
 */
#ifndef INVOICE_RECORD_H
#define INVOICE_RECORD_H

#include <stddef.h>
#include "err.h"
#include "form.h"

struct db;
struct db_res;
struct arena;
struct auth_user;
struct audit_json;

/* A stored row as an update sees it. */
struct record_row {
	long long version;
	int in_use;                          /* referred to: the frozen field may not change */
	const char *const *text;             /* its form's fields as stored */
};

struct record_update {
	const char *entity;                  /* audit entity: "customer", "package", "custom_field" */
	const struct form_field *form;       /* the form table: its names key the audit images */
	size_t n;                            /* fields */
	long long id;
	long long version;                   /* the version the form was made from */
	struct form_value *v;                /* the posted values: messages go on them */
	int frozen;                          /* the field that may not change while in use, or -1 */
	const char *frozen_why;              /* its message */
	ierr (*check)(struct db *db, void *ctx);   /* more rules (IE_INVALID + message), or NULL */
	ierr (*write)(struct db *db, void *ctx, const char *const *after, unsigned long long *changed);
	void *ctx;                           /* the module's, for check and write */
};

/* Runs steps 2 to 5 over the row `cur` the caller read locked, with the new
 * texts `after` (n, as stored); IE_CONFLICT for a stale version, IE_INVALID
 * for a rule, else the write's and the audit's errors. */
ierr record_update(struct db *db, const struct auth_user *user, const char *address,
		   const struct record_update *u, const struct record_row *cur, const char *const *after);

/* The tables with an active flag (archive / restore), whitelisted. */
enum record_table { RECORD_CUSTOMERS, RECORD_PACKAGES, RECORD_FIELDS };

/* Archives (active 0) or restores (1) one row of t: reads its flag locked,
 * does nothing when it is so already, otherwise sets it, moves the row
 * version on and writes the audit event "archive" / "restore" of `entity`
 * with {"active": before} and {"active": after}. IE_NOTFOUND. */
ierr record_set_active(struct db *db, const struct auth_user *user, const char *address, enum record_table t,
		       const char *entity, long long id, int active);

/* The row of an edit form as a module's _get reads it (one statement with
 * and one without FOR UPDATE): the form's texts in columns 0 .. n-1 (NULL as
 * "", copied into arena), then id, active, row_version and "in use" (an
 * EXISTS) in columns n .. n+3. IE_NOMEM. */
ierr record_read(const struct db_res *r, struct arena *arena, size_t n, const char **text, long long *id,
		 int *active, long long *row_version, int *in_use);

/* Appends the form's fields to j as "name": text (n texts, NULL as ""),
 * then "active" when active >= 0, and closes the object (audit_json_end).
 * Members already in j (a key made at creation) stay first. */
ierr record_json(struct audit_json *j, const struct form_field *form, size_t n, const char *const *text,
		 int active);

#endif
