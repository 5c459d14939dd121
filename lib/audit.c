/* audit.c — audit events and their small JSON (see audit.h). */
#include <string.h>
#include "audit.h"
#include "auth.h"
#include "db.h"

ierr audit_json_escape(struct buf *out, const char *s, size_t n)
{
	static const char hex[] = "0123456789abcdef";
	ierr e = buf_putc(out, '"');

	for (size_t i = 0; i < n && !e; i++) {
		unsigned char c = (unsigned char)s[i];

		switch (c) {
		case '"': e = buf_puts(out, "\\\""); break;
		case '\\': e = buf_puts(out, "\\\\"); break;
		case '\n': e = buf_puts(out, "\\n"); break;
		case '\r': e = buf_puts(out, "\\r"); break;
		case '\t': e = buf_puts(out, "\\t"); break;
		default:
			if (c < 0x20 || c == 0x7f) {
				char u[7] = { '\\', 'u', '0', '0', hex[c >> 4], hex[c & 15], 0 };

				e = buf_puts(out, u);
			} else {
				e = buf_putc(out, (char)c);
			}
		}
	}
	return e ? e : buf_putc(out, '"');
}

static ierr member(struct audit_json *j, const char *key)
{
	ierr e;

	if (j->closed)
		return IE_INTERNAL;
	if ((e = buf_puts(&j->b, j->n++ ? ", " : "{")))
		return e;
	if ((e = audit_json_escape(&j->b, key, strlen(key))))
		return e;
	return buf_puts(&j->b, ": ");
}

ierr audit_json_strn(struct audit_json *j, const char *key, const char *value, size_t len)
{
	ierr e = member(j, key);

	if (e)
		return e;
	return value ? audit_json_escape(&j->b, value, len) : buf_puts(&j->b, "null");
}

ierr audit_json_str(struct audit_json *j, const char *key, const char *value)
{
	return audit_json_strn(j, key, value, value ? strlen(value) : 0);
}

ierr audit_json_int(struct audit_json *j, const char *key, long long value)
{
	ierr e = member(j, key);

	return e ? e : buf_put_int(&j->b, value);
}

ierr audit_json_bool(struct audit_json *j, const char *key, int value)
{
	ierr e = member(j, key);

	return e ? e : buf_puts(&j->b, value ? "true" : "false");
}

ierr audit_json_end(struct audit_json *j)
{
	ierr e;

	if (j->closed)
		return IE_OK;
	if ((e = buf_puts(&j->b, j->n ? "}" : "{}")))
		return e;
	j->closed = 1;
	return IE_OK;
}

void audit_json_free(struct audit_json *j)
{
	buf_free(&j->b);
	j->n = 0;
	j->closed = 0;
}

ierr audit_event(struct db *db, const struct auth_user *user, const char *address, const char *entity,
		 long long entity_id, const char *action, const char *before_json, const char *after_json)
{
	if (!entity || !action || strlen(entity) > 32 || strlen(action) > 32 || entity_id < 0)
		return IE_INTERNAL;
	return db_exec(db, "INSERT INTO audit_events (occurred_at, user_id, actor, address, entity, "
		       "entity_id, action, before_json, after_json) "
		       "VALUES (UTC_TIMESTAMP(), ?, ?, ?, ?, ?, ?, ?, ?)",
		       DB_ARGS(user && user->id > 0 ? DB_I(user->id) : DB_N,
			       DB_S(user ? user->email : "invoicectl"), DB_S(address ? address : ""),
			       DB_S(entity), DB_I(entity_id), DB_S(action), DB_S(before_json),
			       DB_S(after_json)), NULL, NULL);
}

ierr audit_events_json(struct db *db, const struct auth_user *user, const char *address, const char *rows_json)
{
	return db_exec(db, "INSERT INTO audit_events (occurred_at, user_id, actor, address, entity, entity_id, action, "
		       "before_json, after_json) "
		       "SELECT UTC_TIMESTAMP(), ?, ?, ?, t.e, t.i, t.a, t.b, t.f FROM JSON_TABLE(?, '$[*]' COLUMNS ("
		       "pos FOR ORDINALITY, e VARCHAR(32) PATH '$.e', i BIGINT UNSIGNED PATH '$.i', "
		       "a VARCHAR(32) PATH '$.a', b LONGTEXT PATH '$.b', f LONGTEXT PATH '$.f')) t ORDER BY t.pos",
		       DB_ARGS(user && user->id > 0 ? DB_I(user->id) : DB_N, DB_S(user ? user->email : "invoicectl"),
			       DB_S(address ? address : ""), DB_S(rows_json)), NULL, NULL);
}

ierr audit_history(struct db *db, const char *entity, long long entity_id, unsigned limit,
		   ierr (*fn)(void *ctx, const struct audit_row *row), void *ctx)
{
	struct db_res r = { 0 };
	ierr e;

	if (limit < 1 || limit > 500)
		limit = 500;
	e = db_query(db, &r, "SELECT id, DATE_FORMAT(occurred_at, '%Y-%m-%d %H:%i:%s'), actor, action, "
		     "before_json, after_json FROM audit_events "
		     "WHERE entity = ? AND entity_id = ? ORDER BY id DESC LIMIT ?",
		     DB_ARGS(DB_S(entity), DB_I(entity_id), DB_I(limit)));
	if (e)
		goto out;
	while ((e = db_next(&r)) == IE_OK) {
		struct audit_row row = { db_int(&r, 0), db_str(&r, 1), db_str(&r, 2), db_str(&r, 3),
					 db_str(&r, 4), db_str(&r, 5) };

		if ((e = fn(ctx, &row)))
			goto out;
	}
	if (e == IE_NOTFOUND)
		e = IE_OK;
out:
	db_free(&r);
	return e;
}

/* ---------- reading flat objects back ---------- */

static const char *skip_ws(const char *p)
{
	while (*p == ' ' || *p == '\t' || *p == '\n' || *p == '\r')
		p++;
	return p;
}

static int hexval(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

/* Reads a string literal at *pp into b (NUL-terminated); *pp moves past it. */
static ierr read_string(const char **pp, struct buf *b)
{
	const char *p = *pp;
	ierr e = IE_OK;

	buf_clear(b);
	if (*p++ != '"')
		return IE_INVALID;
	while (*p && *p != '"' && !e) {
		if (*p != '\\') {
			e = buf_putc(b, *p++);
			continue;
		}
		p++;
		switch (*p) {
		case '"': case '\\': case '/': e = buf_putc(b, *p); break;
		case 'n': e = buf_putc(b, '\n'); break;
		case 'r': e = buf_putc(b, '\r'); break;
		case 't': e = buf_putc(b, '\t'); break;
		case 'b': e = buf_putc(b, '\b'); break;
		case 'f': e = buf_putc(b, '\f'); break;
		case 'u': {
			unsigned v = 0;

			for (int k = 1; k <= 4; k++) {
				int h = hexval(p[k]);

				if (h < 0)
					return IE_INVALID;
				v = v * 16 + (unsigned)h;
			}
			p += 4;
			/* UTF-8 of a BMP code point (surrogates are not written by this module) */
			if (v >= 0xd800 && v <= 0xdfff)
				return IE_INVALID;
			if (v < 0x80) {
				e = buf_putc(b, (char)v);
			} else if (v < 0x800) {
				char u[2] = { (char)(0xc0 | (v >> 6)), (char)(0x80 | (v & 0x3f)) };

				e = buf_put(b, u, 2);
			} else {
				char u[3] = { (char)(0xe0 | (v >> 12)), (char)(0x80 | ((v >> 6) & 0x3f)),
					      (char)(0x80 | (v & 0x3f)) };

				e = buf_put(b, u, 3);
			}
			break;
		}
		default:
			return IE_INVALID;
		}
		p++;
	}
	if (e)
		return e;
	if (*p != '"')
		return IE_INVALID;
	*pp = p + 1;
	return buf_putc(b, '\0');
}

ierr audit_json_flat(const char *json, struct arena *arena,
		     ierr (*fn)(void *ctx, const char *key, const char *value), void *ctx)
{
	struct buf kb = BUF_INIT, vb = BUF_INIT;
	const char *p = skip_ws(json ? json : "");
	ierr e = IE_OK;

	if (*p++ != '{') {
		e = IE_INVALID;
		goto out;
	}
	p = skip_ws(p);
	if (*p == '}') {
		p = skip_ws(p + 1);
		e = *p ? IE_INVALID : IE_OK;
		goto out;
	}
	for (;;) {
		const char *value;
		char *k, *v = NULL;

		if ((e = read_string(&p, &kb)))
			goto out;
		p = skip_ws(p);
		if (*p++ != ':') {
			e = IE_INVALID;
			goto out;
		}
		p = skip_ws(p);
		if (*p == '"') {
			if ((e = read_string(&p, &vb)))
				goto out;
			value = vb.data;
		} else {
			const char *s = p;

			while (*p && *p != ',' && *p != '}' && *p != ' ' && *p != '\n' && *p != '\t' && *p != '\r')
				p++;
			if (p == s || *s == '{' || *s == '[') {
				e = IE_INVALID;
				goto out;
			}
			if ((size_t)(p - s) == 4 && !strncmp(s, "null", 4)) {
				value = NULL;
			} else {
				for (const char *q = s; q < p; q++)
					if (!((*q >= '0' && *q <= '9') || *q == '-' || *q == '.' || *q == 'e'
					      || *q == 'E' || *q == '+' || (*q >= 'a' && *q <= 'z'))) {
						e = IE_INVALID;
						goto out;
					}
				if (!(v = arena_strndup(arena, s, (size_t)(p - s)))) {
					e = IE_NOMEM;
					goto out;
				}
				value = v;
			}
		}
		if (!(k = arena_strdup(arena, kb.data))) {
			e = IE_NOMEM;
			goto out;
		}
		if (value && value == vb.data && !(value = arena_strdup(arena, vb.data))) {
			e = IE_NOMEM;
			goto out;
		}
		if ((e = fn(ctx, k, value)))
			goto out;
		p = skip_ws(p);
		if (*p == ',') {
			p = skip_ws(p + 1);
			continue;
		}
		if (*p++ != '}') {
			e = IE_INVALID;
			goto out;
		}
		p = skip_ws(p);
		e = *p ? IE_INVALID : IE_OK;
		goto out;
	}
out:
	buf_free(&kb);
	buf_free(&vb);
	return e;
}

/* ---------- what changed ---------- */

#define AUDIT_MAX_MEMBERS 128

struct members {
	size_t n;
	const char *key[AUDIT_MAX_MEMBERS], *value[AUDIT_MAX_MEMBERS];
};

static ierr add_member(void *ctx, const char *key, const char *value)
{
	struct members *m = ctx;

	if (m->n == AUDIT_MAX_MEMBERS)
		return IE_OVERFLOW;
	m->key[m->n] = key;
	m->value[m->n++] = value;
	return IE_OK;
}

static int same(const char *a, const char *b)
{
	return (!a && !b) || (a && b && !strcmp(a, b));
}

ierr audit_changes(const char *before_json, const char *after_json, struct arena *arena,
		   ierr (*fn)(void *ctx, const struct audit_change *c), void *ctx)
{
	struct members *b = arena_alloc(arena, sizeof(*b)), *a = arena_alloc(arena, sizeof(*a));
	ierr e;

	if (!a || !b)
		return IE_NOMEM;
	if ((before_json && (e = audit_json_flat(before_json, arena, add_member, b)))
	    || (after_json && (e = audit_json_flat(after_json, arena, add_member, a))))
		return e;
	for (size_t i = 0; i < a->n; i++) {
		struct audit_change c = { a->key[i], NULL, a->value[i], 0, 1 };

		for (size_t k = 0; k < b->n; k++)
			if (!strcmp(b->key[k], a->key[i])) {
				c.old = b->value[k];
				c.in_before = 1;
				break;
			}
		/* unchanged, or an empty field of a create */
		if (c.in_before ? same(c.old, c.value) : !c.value || !*c.value)
			continue;
		if ((e = fn(ctx, &c)))
			return e;
	}
	for (size_t k = 0; k < b->n; k++) {
		struct audit_change c = { b->key[k], b->value[k], NULL, 1, 0 };
		int found = 0;

		for (size_t i = 0; i < a->n && !found; i++)
			found = !strcmp(a->key[i], b->key[k]);
		/* gone in after (a delete): the fields that had a value */
		if (!found && c.old && *c.old && (e = fn(ctx, &c)))
			return e;
	}
	return IE_OK;
}
