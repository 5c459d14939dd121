/*
 * audit.h — the audit trail: who changed what, when, before and after.
 *
 * Every change to customers, packages, invoices, lines and custom fields
 * writes one event with audit_event() INSIDE the transaction that makes the
 * change (a db_tx callback), so the event exists exactly when the change does.
 * Values are bound, never spliced into SQL; before/after are small JSON
 * objects built with struct audit_json (strings escaped by audit_json_str).
 *
 *   struct audit_json after = AUDIT_JSON_INIT;
 *   audit_json_str(&after, "name", name);
 *   audit_json_int(&after, "payment_days", days);
 *   e = audit_json_end(&after);                         (closes the object)
 *   if (!e) e = audit_event(db, &req->session.user, req->remote_addr,
 *                           "customer", id, "create", NULL, after.b.data);
 *   audit_json_free(&after);
 *
 * Entities in use: "customer", "package", "custom_field", "invoice",
 * "invoice_line", "user". Actions: "create", "update", "archive", "restore",
 * "delete", "issue", "void", ... (at most 32 bytes).
 *
 * Reading: audit_history() calls fn for the events of one entity, newest
 * first; the JSON comes back as stored (MariaDB normalises spacing).
 * audit_json_flat() reads back the flat objects this module writes, for
 * pages that show "field: old -> new".
 */
#ifndef INVOICE_AUDIT_H
#define INVOICE_AUDIT_H

#include <stddef.h>
#include "err.h"
#include "buf.h"

struct db;
struct auth_user;
struct arena;

/* A flat JSON object under construction: {"k": "v", "n": 12, "x": null}. */
struct audit_json {
	struct buf b;
	int n;                  /* members so far */
	int closed;
};
#define AUDIT_JSON_INIT { BUF_INIT, 0, 0 }

ierr audit_json_str(struct audit_json *j, const char *key, const char *value);   /* NULL value: null */
ierr audit_json_strn(struct audit_json *j, const char *key, const char *value, size_t len);
ierr audit_json_int(struct audit_json *j, const char *key, long long value);
ierr audit_json_bool(struct audit_json *j, const char *key, int value);
ierr audit_json_end(struct audit_json *j);     /* appends '}' (an empty object is "{}") */
void audit_json_free(struct audit_json *j);

/* Appends s[0..n) as a JSON string literal with quotes: " \ and control
 * characters escaped (\n \t \uXXXX ...); the text must be valid UTF-8. */
ierr audit_json_escape(struct buf *out, const char *s, size_t n);

/* One event, in the caller's transaction. user NULL: written by invoicectl.
 * address: the client's address (req->remote_addr) or NULL. before/after:
 * complete JSON texts or NULL. */
ierr audit_event(struct db *db, const struct auth_user *user, const char *address, const char *entity,
		 long long entity_id, const char *action, const char *before_json, const char *after_json);

/* Many events in one statement (a spread of one payment over 100 invoices):
 * rows_json is a JSON array of {"e": entity, "i": entity_id, "a": action,
 * "b": before JSON text or null, "f": after JSON text}, written in order. */
ierr audit_events_json(struct db *db, const struct auth_user *user, const char *address, const char *rows_json);

struct audit_row {
	long long id;
	const char *occurred_at;    /* "YYYY-MM-DD HH:MM:SS" UTC */
	const char *actor;          /* email at the time, or "invoicectl" */
	const char *action;
	const char *before_json;    /* NULL when none */
	const char *after_json;
};

/* Events of one entity, newest first, at most `limit` (1..500). */
ierr audit_history(struct db *db, const char *entity, long long entity_id, unsigned limit,
		   ierr (*fn)(void *ctx, const struct audit_row *row), void *ctx);

/* Reads a flat object ({"k": "v", "n": 1, "b": true, "x": null}) written by
 * this module; fn gets every member with its value as text (numbers and
 * true/false as written, null as NULL). Strings are unescaped into arena.
 * IE_INVALID for anything else (nested values, bad escapes). */
ierr audit_json_flat(const char *json, struct arena *arena,
		     ierr (*fn)(void *ctx, const char *key, const char *value), void *ctx);

/*
 * What an event changed, for history pages: calls fn for every member of
 * `after` whose value differs from the same member of `before` (both flat
 * objects as written here; either may be NULL). `old` is NULL when before has
 * no such member (a create; members with empty values are then skipped),
 * `value` NULL for JSON null. Members only in `before` (a delete) are reported
 * when they had a value, with value NULL and in_after 0. Strings in arena.
 */
struct audit_change {
	const char *field;
	const char *old;        /* NULL: not in before */
	const char *value;      /* NULL: null or not in after */
	int in_before, in_after;
};
ierr audit_changes(const char *before_json, const char *after_json, struct arena *arena,
		   ierr (*fn)(void *ctx, const struct audit_change *c), void *ctx);

#endif
