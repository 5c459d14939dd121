/* users.c — users and roles administration; see users.h. */
#include <ctype.h>
#include <stdio.h>
#include <string.h>
#include <sodium.h>
#include "users.h"
#include "buf.h"
#include "config.h"
#include "db.h"
#include "audit.h"

/* ---------- rules ---------- */

int users_may(enum auth_role actor_role, enum users_op op)
{
	if ((unsigned)op >= USERS_OP__COUNT)
		return 0;
	/* every op on users is "users and roles" in DESIGN.md's table */
	return auth_allowed(actor_role, ACT_USER_ADMIN);
}

ierr users_rule_role_customer(enum auth_role role, long long customer_id, const char **why)
{
	if (role < ROLE_ADMIN || role > ROLE_CUSTOMER) {
		*why = "Choose a role: admin, billing, support or customer.";
		return IE_INVALID;
	}
	if (role == ROLE_CUSTOMER && customer_id <= 0) {
		*why = "A customer user needs a customer.";
		return IE_INVALID;
	}
	if (role != ROLE_CUSTOMER && customer_id != 0) {
		*why = "Only customer users belong to a customer.";
		return IE_INVALID;
	}
	return IE_OK;
}

ierr users_rule_change(const struct users_state *before, enum users_op op, enum auth_role new_role,
		       long long active_admins, const char **why)
{
	int last_admin = before->role == ROLE_ADMIN && before->active && active_admins <= 1;

	switch (op) {
	case USERS_OP_DISABLE:
		if (last_admin) {
			*why = "This is the last active admin: it cannot be disabled. Make another user admin first.";
			return IE_CONFLICT;
		}
		return IE_OK;
	case USERS_OP_ROLE:
		if (new_role < ROLE_ADMIN || new_role > ROLE_CUSTOMER) {
			*why = "Choose a role: admin, billing, support or customer.";
			return IE_INVALID;
		}
		if (last_admin && new_role != ROLE_ADMIN) {
			*why = "This is the last active admin: its role cannot change. Make another user admin first.";
			return IE_CONFLICT;
		}
		return IE_OK;
	case USERS_OP_LINK:
		if (!before->active) {
			*why = "This user is disabled. Enable the user before sending a password link.";
			return IE_CONFLICT;
		}
		return IE_OK;
	case USERS_OP_ENABLE:
		return IE_OK;
	case USERS_OP_ADD:
	case USERS_OP__COUNT:
		break;
	}
	*why = "Unknown change.";
	return IE_INVALID;
}

ierr users_rule_token(long long now, long long expires, long long used, const char **why)
{
	if (used > 0) {
		*why = "This password link has been used already. If you have just chosen your password, "
		       "sign in with it; otherwise ask an administrator for a new link.";
		return IE_GONE;
	}
	if (now >= expires) {
		*why = "This password link has expired. Ask an administrator for a new one.";
		return IE_GONE;
	}
	return IE_OK;
}

ierr users_rule_password(const char *password, const char *again, const char **why)
{
	size_t chars = 0;
	const char *p;

	for (p = password; *p; p++)
		chars += ((unsigned char)*p & 0xc0) != 0x80;
	if (chars < USERS_PASSWORD_MIN) {
		*why = "The password must have at least 10 characters.";
		return IE_INVALID;
	}
	if (strlen(password) > 1024) {
		*why = "The password is too long (at most 1024 bytes).";
		return IE_INVALID;
	}
	if (strcmp(password, again)) {
		*why = "The two passwords are not the same.";
		return IE_INVALID;
	}
	return IE_OK;
}

/* ---------- helpers ---------- */

static size_t utf8_chars(const char *s)
{
	size_t n = 0;

	for (; *s; s++)
		n += ((unsigned char)*s & 0xc0) != 0x80;
	return n;
}

static ierr check_email(const char *email, char *out, size_t outsz, const char **why)
{
	const char *at = strchr(email, '@');
	size_t i, n = strlen(email);

	*why = "Enter a valid email address.";
	if (!n || n > 254 || n >= outsz || !at || at == email || !at[1] || strchr(at + 1, '@'))
		return IE_INVALID;
	for (i = 0; i < n; i++) {
		unsigned char ch = (unsigned char)email[i];

		if (ch <= ' ' || ch == 0x7f)
			return IE_INVALID;
		out[i] = (char)tolower(ch);
	}
	out[n] = '\0';
	return IE_OK;
}

static void row_of(struct db_res *r, struct users_row *u)
{
	memset(u, 0, sizeof(*u));
	u->id = db_int(r, 0);
	str_copy(u->email, sizeof(u->email), db_str(r, 1) ? db_str(r, 1) : "");
	str_copy(u->name, sizeof(u->name), db_str(r, 2) ? db_str(r, 2) : "");
	if (auth_role_parse(db_str(r, 3) ? db_str(r, 3) : "", &u->role))
		u->role = ROLE_NONE;
	u->customer_id = db_int(r, 4);
	str_copy(u->customer_name, sizeof(u->customer_name), db_str(r, 5) ? db_str(r, 5) : "");
	u->active = (int)db_int(r, 6);
	str_copy(u->last_login, sizeof(u->last_login), db_str(r, 7) ? db_str(r, 7) : "");
}

/* ---------- reads ---------- */

ierr users_list(struct db *db, ierr (*fn)(void *ctx, const struct users_row *u), void *ctx)
{
	struct db_res r;
	ierr e;

	e = db_query(db, &r, "SELECT u.id, u.email, u.name, u.role, u.customer_id, c.name, u.active, "
		     "DATE_FORMAT(u.last_login_at, '%Y-%m-%d %H:%i') "
		     "FROM users u LEFT JOIN customers c ON c.id = u.customer_id ORDER BY u.email, u.id",
		     DB_NOARGS);
	while (!e && (e = db_next(&r)) == IE_OK) {
		struct users_row u;

		row_of(&r, &u);
		e = fn(ctx, &u);
	}
	if (e == IE_NOTFOUND)
		e = IE_OK;
	db_free(&r);
	return e;
}

ierr users_get(struct db *db, long long id, struct users_row *out)
{
	struct db_res r;
	ierr e;

	e = db_query_row(db, &r, "SELECT u.id, u.email, u.name, u.role, u.customer_id, c.name, u.active, "
			 "DATE_FORMAT(u.last_login_at, '%Y-%m-%d %H:%i') "
			 "FROM users u LEFT JOIN customers c ON c.id = u.customer_id WHERE u.id = ?",
			 DB_ARGS(DB_I(id)));
	if (!e)
		row_of(&r, out);
	db_free(&r);
	return e;
}

ierr users_find_email(struct db *db, const char *email, struct users_row *out)
{
	char mail[256];
	const char *why;
	struct db_res r;
	ierr e;

	if (check_email(email, mail, sizeof(mail), &why))
		return IE_NOTFOUND;
	e = db_query_row(db, &r, "SELECT u.id, u.email, u.name, u.role, u.customer_id, c.name, u.active, "
			 "DATE_FORMAT(u.last_login_at, '%Y-%m-%d %H:%i') "
			 "FROM users u LEFT JOIN customers c ON c.id = u.customer_id WHERE u.email = ?",
			 DB_ARGS(DB_S(mail)));
	if (!e)
		row_of(&r, out);
	db_free(&r);
	return e;
}

ierr users_customers(struct db *db, size_t max, ierr (*fn)(void *ctx, long long id, const char *name),
		     void *ctx, int *more)
{
	struct db_res r;
	size_t n = 0;
	ierr e;

	*more = 0;
	e = db_query(db, &r, "SELECT id, name FROM customers WHERE active = 1 ORDER BY name, id LIMIT ?",
		     DB_ARGS(DB_I((long long)max + 1)));
	while (!e && (e = db_next(&r)) == IE_OK) {
		if (n++ == max) {
			*more = 1;
			break;
		}
		e = fn(ctx, db_int(&r, 0), db_str(&r, 1) ? db_str(&r, 1) : "");
	}
	if (e == IE_NOTFOUND)
		e = IE_OK;
	db_free(&r);
	return e;
}

/* ---------- changes ---------- */

/* A user's row as the rules and the audit event see it. */
struct locked {
	struct users_state st;
	long long customer_id;
	char email[256];
	char name[201];
};

/* The user's row, locked until the transaction ends. */
static ierr lock_user(struct db *db, long long id, struct locked *u)
{
	struct db_res r;
	ierr e;

	memset(u, 0, sizeof(*u));
	e = db_query_row(db, &r, "SELECT role, active, customer_id, email, name FROM users WHERE id = ? FOR UPDATE",
			 DB_ARGS(DB_I(id)));
	if (!e) {
		if (auth_role_parse(db_str(&r, 0) ? db_str(&r, 0) : "", &u->st.role))
			u->st.role = ROLE_NONE;
		u->st.active = (int)db_int(&r, 1);
		u->customer_id = db_int(&r, 2);
		str_copy(u->email, sizeof(u->email), db_str(&r, 3) ? db_str(&r, 3) : "");
		str_copy(u->name, sizeof(u->name), db_str(&r, 4) ? db_str(&r, 4) : "");
	}
	db_free(&r);
	return e;
}

/* {"email": .., "name": .., "role": .., "customer_id": n|null, "active": true|false} */
static ierr snap(const struct locked *u, struct audit_json *j)
{
	ierr e;

	if ((e = audit_json_str(j, "email", u->email)) || (e = audit_json_str(j, "name", u->name))
	    || (e = audit_json_str(j, "role", auth_role_name(u->st.role))))
		return e;
	e = u->customer_id > 0 ? audit_json_int(j, "customer_id", u->customer_id)
			       : audit_json_str(j, "customer_id", NULL);
	if (!e)
		e = audit_json_bool(j, "active", u->st.active);
	return e ? e : audit_json_end(j);
}

/* Locks every active admin's index entry; the count decides the last-admin rule. */
static ierr lock_admins(struct db *db, long long *n)
{
	struct db_res r;
	ierr e;

	e = db_query(db, &r, "SELECT id FROM users WHERE role = 'admin' AND active = 1 ORDER BY id FOR UPDATE",
		     DB_NOARGS);
	if (!e)
		*n = (long long)r.nrows;
	db_free(&r);
	return e;
}

static ierr check_customer(struct db *db, long long customer_id, const char **why)
{
	struct db_res r;
	ierr e;

	if (customer_id <= 0)
		return IE_OK;
	e = db_query_row(db, &r, "SELECT active FROM customers WHERE id = ? LOCK IN SHARE MODE",
			 DB_ARGS(DB_I(customer_id)));
	if (!e && !db_int(&r, 0))
		e = IE_NOTFOUND;
	db_free(&r);
	if (e == IE_NOTFOUND) {
		*why = "Choose an active customer.";
		return IE_INVALID;
	}
	return e;
}

/* The one place this module writes events (entity 'user'). */
static ierr audit(struct db *db, const struct users_by *by, long long id, const char *action,
		  const char *before, const char *after)
{
	return audit_event(db, by ? by->user : NULL, by ? by->address : NULL, "user", id, action, before, after);
}

ierr users_rule_name(const char *name, const char **why)
{
	if (utf8_chars(name) > 200) {
		*why = "The name is too long (at most 200 characters).";
		return IE_INVALID;
	}
	return IE_OK;
}

ierr users_add_in(struct db *db, const struct users_by *by, const char *email, const char *name,
		  enum auth_role role, long long customer_id, long long *id_out, const char **why)
{
	struct audit_json after = AUDIT_JSON_INIT;
	struct locked u;
	unsigned long long id = 0;
	ierr e;

	memset(&u, 0, sizeof(u));
	if ((e = check_email(email, u.email, sizeof(u.email), why)))
		return e;
	if ((e = users_rule_name(name && *name ? name : "", why)))
		return e;
	str_copy(u.name, sizeof(u.name), name && *name ? name : u.email);
	if ((e = users_rule_role_customer(role, customer_id, why)) || (e = check_customer(db, customer_id, why)))
		return e;
	u.st.role = role;
	u.st.active = 1;
	u.customer_id = customer_id;
	/* no password: the user sets one through a link (an empty hash never verifies) */
	e = db_exec(db, "INSERT INTO users (email, name, password_hash, role, customer_id) VALUES (?, ?, '', ?, ?)",
		    DB_ARGS(DB_S(u.email), DB_S(u.name), DB_S(auth_role_name(role)),
			    customer_id > 0 ? DB_I(customer_id) : DB_N), NULL, &id);
	if (e == IE_CONFLICT)
		*why = "A user with this email address exists already.";
	if (!e)
		e = snap(&u, &after);
	if (!e)
		e = audit(db, by, (long long)id, "create", NULL, after.b.data);
	audit_json_free(&after);
	if (!e && id_out)
		*id_out = (long long)id;
	return e;
}

static ierr change_in(struct db *db, const struct users_by *by, long long id, enum users_op op,
		      enum auth_role role, long long customer_id, const char **why)
{
	struct audit_json before = AUDIT_JSON_INIT, after = AUDIT_JSON_INIT;
	struct locked u, now;
	long long admins = 0;
	const char *action;
	ierr e;

	/* admins first, then the user: every change takes the locks in this order */
	if ((e = lock_admins(db, &admins)) || (e = lock_user(db, id, &u)))
		goto out;
	if ((e = users_rule_change(&u.st, op, role, admins, why)))
		goto out;
	now = u;
	if (op == USERS_OP_ROLE) {
		if (u.st.role == role && u.customer_id == customer_id)
			goto out;       /* nothing changes, nothing to record */
		if ((e = users_rule_role_customer(role, customer_id, why)) || (e = check_customer(db, customer_id, why)))
			goto out;
		e = db_exec(db, "UPDATE users SET role = ?, customer_id = ? WHERE id = ?",
			    DB_ARGS(DB_S(auth_role_name(role)), customer_id > 0 ? DB_I(customer_id) : DB_N,
				    DB_I(id)), NULL, NULL);
		now.st.role = role;
		now.customer_id = customer_id;
		action = "role";
	} else {
		int active = op == USERS_OP_ENABLE;

		if (u.st.active == active)
			goto out;
		e = db_exec(db, "UPDATE users SET active = ? WHERE id = ?", DB_ARGS(DB_I(active), DB_I(id)),
			    NULL, NULL);
		/* a disabled user's sessions end now (auth_session_load checks active too) */
		if (!e && !active)
			e = db_exec(db, "DELETE FROM sessions WHERE user_id = ?", DB_ARGS(DB_I(id)), NULL, NULL);
		now.st.active = active;
		action = active ? "enable" : "disable";
	}
	if (!e && !(e = snap(&u, &before)) && !(e = snap(&now, &after)))
		e = audit(db, by, id, action, before.b.data, after.b.data);
out:
	audit_json_free(&before);
	audit_json_free(&after);
	return e;
}

ierr users_set_active_in(struct db *db, const struct users_by *by, long long id, int active,
			 const char **why)
{
	return change_in(db, by, id, active ? USERS_OP_ENABLE : USERS_OP_DISABLE, ROLE_NONE, 0, why);
}

ierr users_set_role_in(struct db *db, const struct users_by *by, long long id, enum auth_role role,
		       long long customer_id, const char **why)
{
	ierr e;

	if ((e = users_rule_role_customer(role, customer_id, why)))
		return e;
	return change_in(db, by, id, USERS_OP_ROLE, role, customer_id, why);
}

/* ---------- password-set links ---------- */

void users_token_hash(const struct config *cfg, const unsigned char token[32], unsigned char out[32])
{
	crypto_generichash(out, 32, token, 32, cfg->secret, sizeof(cfg->secret));
}

static int token_parse(const char *hex, unsigned char out[32])
{
	size_t binlen = 0, i;

	if (!hex || strlen(hex) != USERS_TOKEN_HEX)
		return 0;
	for (i = 0; i < USERS_TOKEN_HEX; i++)
		if (!isxdigit((unsigned char)hex[i]) || isupper((unsigned char)hex[i]))
			return 0;
	return sodium_hex2bin(out, 32, hex, USERS_TOKEN_HEX, NULL, &binlen, NULL) == 0 && binlen == 32;
}

ierr users_link_prepare(const struct config *cfg, unsigned hours, struct users_link *link, const char **why)
{
	unsigned char raw[32];
	char hex[USERS_TOKEN_HEX + 1];
	int n;

	memset(link, 0, sizeof(*link));
	if (hours < 1 || hours > USERS_LINK_MAX_HOURS) {
		*why = "A password link lasts 1 to 720 hours.";
		return IE_INVALID;
	}
	if (!cfg->has_secret) {
		*why = "No Secret in the configuration: password links are off.";
		return IE_UNSUPPORTED;
	}
	if (sodium_init() < 0)
		return IE_INTERNAL;
	link->hours = hours;
	randombytes_buf(raw, sizeof(raw));
	sodium_bin2hex(hex, sizeof(hex), raw, sizeof(raw));
	users_token_hash(cfg, raw, link->hash);
	sodium_memzero(raw, sizeof(raw));
	n = snprintf(link->url, sizeof(link->url), "%s/login/password/%s", cfg->base_url, hex);
	sodium_memzero(hex, sizeof(hex));
	if (n < 0 || (size_t)n >= sizeof(link->url))
		return IE_OVERFLOW;
	return IE_OK;
}

ierr users_link_in(struct db *db, const struct config *cfg, const struct users_by *by, long long id,
		   const struct users_link *link, const char **why)
{
	const struct auth_user *u = by ? by->user : NULL;
	struct locked t;
	struct buf body = BUF_INIT;
	struct audit_json after = AUDIT_JSON_INIT;
	unsigned long long tid = 0;
	ierr e;

	if ((e = lock_user(db, id, &t)))
		goto out;
	if ((e = users_rule_change(&t.st, USERS_OP_LINK, ROLE_NONE, 0, why)))
		goto out;
	if ((e = db_exec(db, "INSERT INTO password_tokens (token_hash, user_id, created_by, created_at, expires_at) "
			 "VALUES (?, ?, ?, UTC_TIMESTAMP(), UTC_TIMESTAMP() + INTERVAL ? HOUR)",
			 DB_ARGS(DB_B(link->hash, 32), DB_I(id), u && u->id > 0 ? DB_I(u->id) : DB_N,
				 DB_I(link->hours)), NULL, &tid)))
		goto out;
	if ((e = buf_printf(&body, "Hello,\n\nan account has been set up for you at %s.\n"
			    "Choose your password here (the link works once, for %u hours):\n\n%s\n",
			    cfg->site_name[0] ? cfg->site_name : "the invoice manager", link->hours, link->url)))
		goto out;
	if ((e = db_exec(db, "INSERT INTO outbox (kind, customer_id, to_address, subject, body) "
			 "VALUES ('password_set', ?, ?, 'Set your password', ?)",
			 DB_ARGS(t.customer_id > 0 ? DB_I(t.customer_id) : DB_N, DB_S(t.email), DB_S(body.data)),
			 NULL, NULL)))
		goto out;
	/* which link (its row, never the token) and for how long */
	if ((e = audit_json_int(&after, "password_link", (long long)tid))
	    || (e = audit_json_int(&after, "hours", link->hours)) || (e = audit_json_end(&after)))
		goto out;
	e = audit(db, by, id, "password_link", NULL, after.b.data);
out:
	buf_free(&body);
	audit_json_free(&after);
	return e;
}

/* ---------- one transaction each (invoicectl, tests) ---------- */

struct one_tx {
	enum users_op op;
	const struct config *cfg;
	const struct users_by *by;
	const char *email, *name;
	enum auth_role role;
	long long id, customer_id;
	int active;
	const struct users_link *link;
	const char **why;
};

static ierr one_tx_run(struct db *db, void *ctx)
{
	struct one_tx *t = ctx;

	switch (t->op) {
	case USERS_OP_ADD:
		return users_add_in(db, t->by, t->email, t->name, t->role, t->customer_id, &t->id, t->why);
	case USERS_OP_DISABLE:
	case USERS_OP_ENABLE:
		return users_set_active_in(db, t->by, t->id, t->op == USERS_OP_ENABLE, t->why);
	case USERS_OP_ROLE:
		return users_set_role_in(db, t->by, t->id, t->role, t->customer_id, t->why);
	case USERS_OP_LINK:
		return users_link_in(db, t->cfg, t->by, t->id, t->link, t->why);
	case USERS_OP__COUNT:
		break;
	}
	return IE_INTERNAL;
}

ierr users_add(struct db *db, const struct users_by *by, const char *email, const char *name,
	       enum auth_role role, long long customer_id, long long *id_out, const char **why)
{
	struct one_tx t = { USERS_OP_ADD, NULL, by, email, name, role, 0, customer_id, 0, NULL, why };
	ierr e = db_tx(db, one_tx_run, &t);

	if (!e && id_out)
		*id_out = t.id;
	return e;
}

struct add_pw {
	struct one_tx t;
	const char *hash;
};

static ierr add_pw_tx(struct db *db, void *ctx)
{
	struct add_pw *a = ctx;
	ierr e = one_tx_run(db, &a->t);

	if (!e)
		e = db_exec(db, "UPDATE users SET password_hash = ? WHERE id = ?",
			    DB_ARGS(DB_S(a->hash), DB_I(a->t.id)), NULL, NULL);
	return e;
}

ierr users_add_with_password(struct db *db, const struct config *cfg, const struct users_by *by, const char *email,
			     const char *name, enum auth_role role, long long customer_id, const char *password,
			     long long *id_out, const char **why)
{
	char hash[crypto_pwhash_STRBYTES];
	struct add_pw a = { { USERS_OP_ADD, NULL, by, email, name, role, 0, customer_id, 0, NULL, why }, hash };
	ierr e;

	if (!*password) {
		*why = "The password is empty.";
		return IE_INVALID;
	}
	if ((e = auth_password_hash(cfg, password, hash, sizeof(hash))))
		return e;
	e = db_tx(db, add_pw_tx, &a);
	sodium_memzero(hash, sizeof(hash));
	if (!e && id_out)
		*id_out = a.t.id;
	return e;
}

ierr users_set_active(struct db *db, const struct users_by *by, long long id, int active, const char **why)
{
	struct one_tx t = { active ? USERS_OP_ENABLE : USERS_OP_DISABLE, NULL, by, NULL, NULL, ROLE_NONE, id, 0,
			    active, NULL, why };

	return db_tx(db, one_tx_run, &t);
}

ierr users_set_role(struct db *db, const struct users_by *by, long long id, enum auth_role role,
		    long long customer_id, const char **why)
{
	struct one_tx t = { USERS_OP_ROLE, NULL, by, NULL, NULL, role, id, customer_id, 0, NULL, why };

	return db_tx(db, one_tx_run, &t);
}

ierr users_password_link(struct db *db, const struct config *cfg, const struct users_by *by, long long id,
			 unsigned hours, struct users_link *link, const char **why)
{
	struct one_tx t = { USERS_OP_LINK, cfg, by, NULL, NULL, ROLE_NONE, id, 0, 0, link, why };
	ierr e;

	if ((e = users_link_prepare(cfg, hours, link, why)))
		return e;
	e = db_tx(db, one_tx_run, &t);
	if (e)
		memset(link, 0, sizeof(*link));
	return e;
}

struct token_row {
	long long id, user_id;
	int active;
	char email[256];
};

/* The token's row (locked when `lock`), checked against the rules. */
static ierr token_load(struct db *db, const unsigned char hash[32], int lock, struct token_row *t,
		       const char **why)
{
	struct db_res r;
	ierr e;

	if (lock)
		e = db_query_row(db, &r, "SELECT t.id, t.user_id, UNIX_TIMESTAMP(t.expires_at), "
				 "COALESCE(UNIX_TIMESTAMP(t.used_at), 0), UNIX_TIMESTAMP(), u.active, u.email "
				 "FROM password_tokens t JOIN users u ON u.id = t.user_id "
				 "WHERE t.token_hash = ? FOR UPDATE", DB_ARGS(DB_B(hash, 32)));
	else
		e = db_query_row(db, &r, "SELECT t.id, t.user_id, UNIX_TIMESTAMP(t.expires_at), "
				 "COALESCE(UNIX_TIMESTAMP(t.used_at), 0), UNIX_TIMESTAMP(), u.active, u.email "
				 "FROM password_tokens t JOIN users u ON u.id = t.user_id "
				 "WHERE t.token_hash = ?", DB_ARGS(DB_B(hash, 32)));
	if (!e) {
		t->id = db_int(&r, 0);
		t->user_id = db_int(&r, 1);
		t->active = (int)db_int(&r, 5);
		str_copy(t->email, sizeof(t->email), db_str(&r, 6) ? db_str(&r, 6) : "");
		e = users_rule_token(db_int(&r, 4), db_int(&r, 2), db_int(&r, 3), why);
		if (!e && !t->active) {
			*why = "This account is disabled.";
			e = IE_GONE;
		}
	} else if (e == IE_NOTFOUND) {
		*why = "This password link is not valid. Check that it was copied completely.";
	}
	db_free(&r);
	return e;
}

ierr users_token_check(struct db *db, const struct config *cfg, const char *token_hex,
		       char *email, size_t emailsz, const char **why)
{
	unsigned char raw[32], hash[32];
	struct token_row t;
	ierr e;

	*why = "This password link is not valid. Check that it was copied completely.";
	if (!cfg->has_secret || !token_parse(token_hex, raw))
		return IE_NOTFOUND;
	users_token_hash(cfg, raw, hash);
	e = token_load(db, hash, 0, &t, why);
	if (!e)
		str_copy(email, emailsz, t.email);
	return e;
}

struct set_ctx {
	const unsigned char *hash;
	const char *pwhash, *address;
	const char **why;
};

static ierr set_tx(struct db *db, void *ctx)
{
	struct set_ctx *c = ctx;
	struct auth_user self;
	struct users_by by = { &self, c->address };
	struct token_row t;
	struct audit_json after = AUDIT_JSON_INIT;
	ierr e;

	if ((e = token_load(db, c->hash, 1, &t, c->why)))
		return e;
	/* the event's actor is the user who set the password */
	memset(&self, 0, sizeof(self));
	self.id = t.user_id;
	str_copy(self.email, sizeof(self.email), t.email);
	if ((e = db_exec(db, "UPDATE users SET password_hash = ? WHERE id = ?",
			 DB_ARGS(DB_S(c->pwhash), DB_I(t.user_id)), NULL, NULL)))
		return e;
	/* this link and every other open one of the user stop working */
	if ((e = db_exec(db, "UPDATE password_tokens SET used_at = UTC_TIMESTAMP() "
			 "WHERE user_id = ? AND used_at IS NULL", DB_ARGS(DB_I(t.user_id)), NULL, NULL)))
		return e;
	if ((e = db_exec(db, "DELETE FROM sessions WHERE user_id = ?", DB_ARGS(DB_I(t.user_id)), NULL, NULL)))
		return e;
	if (!(e = audit_json_int(&after, "password_link", t.id)) && !(e = audit_json_end(&after)))
		e = audit(db, &by, t.user_id, "password_set", NULL, after.b.data);
	audit_json_free(&after);
	return e;
}

ierr users_password_set(struct db *db, const struct config *cfg, const char *token_hex,
			const char *password, const char *address, const char **why)
{
	unsigned char raw[32], hash[32];
	char pwhash[crypto_pwhash_STRBYTES];
	struct set_ctx c = { hash, pwhash, address, why };
	ierr e;

	*why = "This password link is not valid. Check that it was copied completely.";
	if (!cfg->has_secret || !token_parse(token_hex, raw))
		return IE_NOTFOUND;
	users_token_hash(cfg, raw, hash);
	if ((e = users_rule_password(password, password, why)))
		return e;
	/* argon2 outside the transaction: no lock is held while it runs */
	if ((e = auth_password_hash(cfg, password, pwhash, sizeof(pwhash))))
		return e;
	e = db_tx(db, set_tx, &c);
	sodium_memzero(pwhash, sizeof(pwhash));
	return e;
}
