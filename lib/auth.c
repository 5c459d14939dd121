#include <ctype.h>
#include <stdio.h>
#include <string.h>
#include <sodium.h>
#include "auth.h"
#include "app.h"
#include "config.h"
#include "db.h"

/* ---------- roles (DESIGN.md, Roles) ---------- */

static const unsigned char allowed[ACT__COUNT][5] = {
	/*                    none admin billing support customer */
	[ACT_PUBLIC]        = { 1, 1, 1, 1, 1 },
	[ACT_SIGNED_IN]     = { 0, 1, 1, 1, 1 },
	[ACT_INVOICE_READ]  = { 0, 1, 1, 1, 1 },
	[ACT_INVOICE_WRITE] = { 0, 1, 1, 0, 0 },
	[ACT_PAYMENT_WRITE] = { 0, 1, 1, 0, 0 },
	[ACT_MASTER_READ]   = { 0, 1, 1, 1, 0 },
	[ACT_MASTER_WRITE]  = { 0, 1, 1, 0, 0 },
	[ACT_USER_ADMIN]    = { 0, 1, 0, 0, 0 },
	[ACT_STAFF]         = { 0, 1, 1, 1, 0 },
	[ACT_PORTAL]        = { 0, 0, 0, 0, 1 },
};

int auth_allowed(enum auth_role role, enum auth_action act)
{
	if ((unsigned)role > ROLE_CUSTOMER || (unsigned)act >= ACT__COUNT)
		return 0;
	return allowed[act][role];
}

int auth_hidden(enum auth_role role, enum auth_action act)
{
	/* staff-only areas do not exist for customers: 404, not 403 (DESIGN.md Roles) */
	return role == ROLE_CUSTOMER && !auth_allowed(role, act) && act != ACT_PORTAL
	       && (auth_allowed(ROLE_ADMIN, act) || auth_allowed(ROLE_SUPPORT, act));
}

struct auth_scope auth_scope_of(const struct auth_user *u)
{
	struct auth_scope s = { 0, 1 };

	if (u->role != ROLE_ADMIN && u->role != ROLE_BILLING && u->role != ROLE_SUPPORT) {
		/* customers (and anything unknown) see one customer, never drafts;
		 * a customer without a customer id sees nothing (id -1 matches no row) */
		s.customer_id = u->role == ROLE_CUSTOMER && u->customer_id > 0 ? u->customer_id : -1;
		s.drafts = 0;
	}
	return s;
}

static const char *const role_names[] = { "", "admin", "billing", "support", "customer" };

const char *auth_role_name(enum auth_role role)
{
	return (unsigned)role <= ROLE_CUSTOMER ? role_names[role] : "";
}

ierr auth_role_parse(const char *s, enum auth_role *out)
{
	unsigned i;

	for (i = ROLE_ADMIN; i <= ROLE_CUSTOMER; i++) {
		if (!strcmp(s, role_names[i])) {
			*out = (enum auth_role)i;
			return IE_OK;
		}
	}
	return IE_INVALID;
}

const char *auth_home(enum auth_role role)
{
	return role == ROLE_CUSTOMER ? "/portal" : "/invoices";
}

/* ---------- passwords ---------- */

ierr auth_password_hash(const struct config *cfg, const char *password, char *out, size_t outsz)
{
	if (outsz < crypto_pwhash_STRBYTES || sodium_init() < 0)
		return IE_INTERNAL;
	if (crypto_pwhash_str_alg(out, password, strlen(password), cfg->pw_opslimit,
				  cfg->pw_memlimit_kib * 1024, crypto_pwhash_ALG_ARGON2ID13))
		return IE_NOMEM;
	return IE_OK;
}

int auth_password_verify(const char *hash, const char *password)
{
	return crypto_pwhash_str_verify(hash, password, strlen(password)) == 0;
}

static void lower_email(const char *in, char *out, size_t outsz)
{
	size_t i;

	for (i = 0; in[i] && i + 1 < outsz; i++)
		out[i] = (char)tolower((unsigned char)in[i]);
	out[i] = '\0';
}

ierr auth_user_add(struct db *db, const struct config *cfg, const char *email, const char *name,
		   enum auth_role role, long long customer_id, const char *password, long long *id_out)
{
	char hash[crypto_pwhash_STRBYTES], mail[256];
	unsigned long long id = 0;
	ierr e;

	if (strlen(email) > 254 || !strchr(email, '@') || role == ROLE_NONE
	    || (role == ROLE_CUSTOMER) != (customer_id > 0) || !*password)
		return IE_INVALID;
	lower_email(email, mail, sizeof(mail));
	if ((e = auth_password_hash(cfg, password, hash, sizeof(hash))))
		return e;
	e = db_exec(db, "INSERT INTO users (email, name, password_hash, role, customer_id) "
		    "VALUES (?, ?, ?, ?, ?)",
		    DB_ARGS(DB_S(mail), DB_S(name), DB_S(hash), DB_S(auth_role_name(role)),
			    customer_id > 0 ? DB_I(customer_id) : DB_N),
		    NULL, &id);
	sodium_memzero(hash, sizeof(hash));
	if (!e && id_out)
		*id_out = (long long)id;
	return e;
}

ierr auth_user_list(struct db *db, ierr (*fn)(void *ctx, const struct auth_user *u, int active), void *ctx)
{
	struct db_res r;
	ierr e;

	e = db_query(db, &r, "SELECT id, email, name, role, customer_id, active FROM users ORDER BY email, id",
		     DB_NOARGS);
	while (!e && (e = db_next(&r)) == IE_OK) {
		struct auth_user u;

		memset(&u, 0, sizeof(u));
		u.id = db_int(&r, 0);
		str_copy(u.email, sizeof(u.email), db_str(&r, 1));
		str_copy(u.name, sizeof(u.name), db_str(&r, 2));
		if (auth_role_parse(db_str(&r, 3) ? db_str(&r, 3) : "", &u.role))
			u.role = ROLE_NONE;
		u.customer_id = db_int(&r, 4);
		e = fn(ctx, &u, (int)db_int(&r, 5));
	}
	if (e == IE_NOTFOUND)
		e = IE_OK;
	db_free(&r);
	return e;
}

/* ---------- tokens ---------- */

void auth_token_hash(const unsigned char token[32], unsigned char out[32])
{
	crypto_generichash(out, 32, token, 32, NULL, 0);
}

int auth_token_equal(const char *a, const char *b, size_t n)
{
	return sodium_memcmp(a, b, n) == 0;
}

static int parse_token(const char *hex, unsigned char out[32])
{
	size_t binlen = 0;

	if (!hex || strlen(hex) != 64)
		return 0;
	return sodium_hex2bin(out, 32, hex, 64, NULL, &binlen, NULL) == 0 && binlen == 32;
}

static void new_token(unsigned char raw[32], char hex[65])
{
	randombytes_buf(raw, 32);
	sodium_bin2hex(hex, 65, raw, 32);
}

/* ---------- sessions ---------- */

ierr auth_session_load(struct req *req)
{
	const struct config *cfg = req->cfg;
	const char *pref = req->def && req->def->pref ? req->def->pref : "";
	struct auth_session *s = &req->session;
	unsigned char raw[32], hash[32];
	struct db_res r;
	const char *role;
	ierr e;

	memset(s, 0, sizeof(*s));
	if (!parse_token(app_cookie(req, "sid"), raw))
		return IE_OK;
	auth_token_hash(raw, hash);
	/* the program's saved preference comes along (a unique-key lookup: a
	 * join to every preference would make this query several times dearer) */
	e = db_query_row(req->db, &r,
			 "SELECT s.id, s.csrf, TIMESTAMPDIFF(SECOND, s.last_seen_at, UTC_TIMESTAMP()), "
			 "u.id, u.email, u.name, u.role, u.customer_id, "
			 "(SELECT p.value FROM user_prefs p WHERE p.user_id = u.id AND p.pref = ?) "
			 "FROM sessions s JOIN users u ON u.id = s.user_id "
			 "WHERE s.token_hash = ? AND s.expires_at > UTC_TIMESTAMP() "
			 "AND s.last_seen_at > UTC_TIMESTAMP() - INTERVAL ? MINUTE AND u.active = 1",
			 DB_ARGS(DB_S(pref), DB_B(hash, 32), DB_I(cfg->session_idle_min)));
	if (e == IE_NOTFOUND) {
		e = IE_OK;
		goto out;
	}
	role = db_str(&r, 6);
	if (e || auth_role_parse(role ? role : "", &s->user.role))
		goto out;
	s->id = db_int(&r, 0);
	str_copy(s->csrf, sizeof(s->csrf), db_str(&r, 1));
	s->user.id = db_int(&r, 3);
	str_copy(s->user.email, sizeof(s->user.email), db_str(&r, 4));
	str_copy(s->user.name, sizeof(s->user.name), db_str(&r, 5));
	s->user.customer_id = db_int(&r, 7);
	if (db_str(&r, 8)) {
		s->pref_name = pref;
		if (!(s->pref_value = arena_strdup(req->arena, db_str(&r, 8)))) {
			e = IE_NOMEM;
			goto out;
		}
	}
	/* idle expiry: refresh at most once a minute, not on every request */
	if (db_int(&r, 2) >= 60) {
		db_free(&r);
		return db_exec(req->db, "UPDATE sessions SET last_seen_at = UTC_TIMESTAMP() WHERE id = ?",
			       DB_ARGS(DB_I(s->id)), NULL, NULL);
	}
out:
	db_free(&r);
	if (e)
		memset(s, 0, sizeof(*s));
	return e;
}

const char *auth_pref(const struct req *req, const char *pref)
{
	const struct auth_session *s = &req->session;

	return s->pref_name && !strcmp(s->pref_name, pref) ? s->pref_value : NULL;
}

const char *auth_csrf_token(struct req *req)
{
	const char *c;
	unsigned char raw[32];

	/* a session's own token, or the one this anonymous request already chose */
	if (req->session.csrf[0])
		return req->session.csrf;
	c = app_cookie(req, "lcsrf");
	if (parse_token(c, raw)) {
		str_copy(req->session.csrf, sizeof(req->session.csrf), c);
		return req->session.csrf;
	}
	new_token(raw, req->session.csrf);
	if (app_set_cookie(req, "lcsrf", req->session.csrf, 7200, 1, "Strict"))
		return NULL;
	return req->session.csrf;
}

ierr auth_csrf_check(struct req *req)
{
	/* from the form body only: a token in the address would leak (logs,
	 * Referer, history) and lets a link carry it */
	const char *sent = app_body_param(req, "csrf");
	const char *want = req->session.id ? req->session.csrf : app_cookie(req, "lcsrf");

	if (!sent || !want || strlen(sent) != 64 || strlen(want) != 64
	    || !auth_token_equal(sent, want, 64))
		return app_fail(req, IE_DENIED,
				"The form has expired or did not come from this site. Please reload the page and try again.");
	return IE_OK;
}

/* One purge of housekeeping: deletes at most `batch` rows of one table older
 * than `age` (its unit per table), one short transaction per batch, so a
 * large backlog never holds its row locks for long; the purge ends with the
 * first batch that comes back short. */
enum hk_table { HK_SESSIONS, HK_FAILURES, HK_FORM_KEYS, HK_PASSWORD_LINKS, HK__COUNT };

struct hk_purge {
	enum hk_table table;
	long long age, batch;
	unsigned long long last, n;
};

static ierr hk_batch_tx(struct db *db, void *ctx)
{
	struct hk_purge *p = ctx;

	p->last = 0;
	switch (p->table) {
	case HK_SESSIONS:       /* past the absolute expiry or idle for `age` minutes */
		return db_exec(db, "DELETE FROM sessions WHERE expires_at <= UTC_TIMESTAMP() "
			       "OR last_seen_at <= UTC_TIMESTAMP() - INTERVAL ? MINUTE LIMIT ?",
			       DB_ARGS(DB_I(p->age), DB_I(p->batch)), &p->last, NULL);
	case HK_FAILURES:       /* past the throttling window of `age` minutes */
		return db_exec(db, "DELETE FROM login_failures WHERE failed_at <= UTC_TIMESTAMP() - INTERVAL ? MINUTE "
			       "LIMIT ?", DB_ARGS(DB_I(p->age), DB_I(p->batch)), &p->last, NULL);
	case HK_FORM_KEYS:      /* one-time keys used `age` days ago */
		return db_exec(db, "DELETE FROM idempotency_keys WHERE created_at <= UTC_TIMESTAMP() - INTERVAL ? DAY "
			       "LIMIT ?", DB_ARGS(DB_I(p->age), DB_I(p->batch)), &p->last, NULL);
	case HK_PASSWORD_LINKS: /* used or expired `age` days ago */
		return db_exec(db, "DELETE FROM password_tokens WHERE used_at <= UTC_TIMESTAMP() - INTERVAL ? DAY "
			       "OR expires_at <= UTC_TIMESTAMP() - INTERVAL ? DAY LIMIT ?",
			       DB_ARGS(DB_I(p->age), DB_I(p->age), DB_I(p->batch)), &p->last, NULL);
	default:
		return IE_INTERNAL;
	}
}

static ierr hk_purge(struct db *db, struct hk_purge *p)
{
	ierr e;

	do {
		if ((e = db_tx(db, hk_batch_tx, p)))
			return e;
		p->n += p->last;
	} while (p->last >= (unsigned long long)p->batch);
	return IE_OK;
}

/* Counts this attempt BEFORE any password is checked: the attempt's row goes
 * in first (committed), then the window's rows are counted. Every row
 * committed before ours is in our count, so an attempt's count is at least
 * its place in line, and with N parallel attempts at most the limit of them
 * reach a password check. The row stays as the failure if the password is
 * wrong, goes with the others when it is right, and is taken out again when
 * the attempt is refused (a refusal does not move the window). */
static ierr attempt_begin(struct req *req, const char *email, unsigned long long *attempt)
{
	const struct config *cfg = req->cfg;
	struct db_res r;
	long long by_account = 0, by_address = 0;
	ierr e;

	*attempt = 0;
	if ((e = db_exec(req->db, "INSERT INTO login_failures (email, address, failed_at) "
			 "VALUES (?, ?, UTC_TIMESTAMP())",
			 DB_ARGS(DB_S(email), DB_S(req->remote_addr)), NULL, attempt)))
		return e;
	e = db_query_row(req->db, &r,
			 "SELECT (SELECT COUNT(*) FROM login_failures WHERE email = ? "
			 "          AND failed_at > UTC_TIMESTAMP() - INTERVAL ? MINUTE), "
			 "       (SELECT COUNT(*) FROM login_failures WHERE address = ? "
			 "          AND failed_at > UTC_TIMESTAMP() - INTERVAL ? MINUTE)",
			 DB_ARGS(DB_S(email), DB_I(cfg->login_window_min), DB_S(req->remote_addr),
				 DB_I(cfg->login_window_min)));
	if (!e) {
		by_account = db_int(&r, 0);
		by_address = db_int(&r, 1);
	}
	db_free(&r);
	if (e)
		return e;
	/* the counts include this attempt */
	if (by_account > cfg->login_account_failures || by_address > cfg->login_address_failures) {
		if ((e = db_exec(req->db, "DELETE FROM login_failures WHERE id = ?", DB_ARGS(DB_I(*attempt)),
				 NULL, NULL)))
			return e;
		req->error_msg = arena_printf(req->arena,
			"Too many failed sign-in attempts. Please wait %u minutes and try again.",
			cfg->login_window_min);
		return IE_THROTTLED;
	}
	return IE_OK;
}

ierr auth_housekeeping(struct db *db, const struct config *cfg, struct auth_housekeeping *out)
{
	/* sessions auth_session_load no longer accepts; login failures past the
	 * throttling window; form keys past Housekeeping.FormKeyDays (once.h);
	 * password links used or expired more than Housekeeping.PasswordLinkDays
	 * ago (until then opening one again says "used" or "expired", not
	 * "not valid": users.c token_load) */
	const long long age[HK__COUNT] = { cfg->session_idle_min, cfg->login_window_min, cfg->hk_form_key_days,
					   cfg->hk_password_link_days };
	unsigned long long *n[HK__COUNT] = { &out->sessions, &out->failures, &out->form_keys, &out->password_links };
	ierr e = IE_OK;

	memset(out, 0, sizeof(*out));
	for (int t = 0; t < HK__COUNT && !e; t++) {
		struct hk_purge p = { (enum hk_table)t, age[t], cfg->hk_batch_rows, 0, 0 };

		e = hk_purge(db, &p);
		*n[t] = p.n;
	}
	return e;
}

/* Spends the same argon2 time when the account does not exist. */
static void dummy_verify(const struct config *cfg, const char *password)
{
	static char dummy[crypto_pwhash_STRBYTES];

	if (!dummy[0] && auth_password_hash(cfg, "not-a-real-password", dummy, sizeof(dummy)))
		return;
	auth_password_verify(dummy, password);
}

ierr auth_attempt_begin(struct req *req, const char *email)
{
	unsigned long long attempt;

	return attempt_begin(req, email, &attempt);
}

ierr auth_attempt_ok(struct req *req, const char *email)
{
	return db_exec(req->db, "DELETE FROM login_failures WHERE email = ?", DB_ARGS(DB_S(email)), NULL, NULL);
}

ierr auth_login(struct req *req, const char *email_in, const char *password)
{
	unsigned char raw[32], hash[32];
	char email[256], token[65], csrf[65], *cookie;
	long long uid = 0, old = req->session.id;
	unsigned long long attempt = 0;
	enum auth_role role = ROLE_NONE;
	struct db_res r;
	int ok = 0;
	ierr e;

	lower_email(email_in, email, sizeof(email));
	if ((e = attempt_begin(req, email, &attempt)))
		return e;
	e = db_query_row(req->db, &r,
			 "SELECT id, password_hash, role FROM users WHERE email = ? AND active = 1",
			 DB_ARGS(DB_S(email)));
	if (e == IE_OK) {
		uid = db_int(&r, 0);
		ok = auth_password_verify(db_str(&r, 1) ? db_str(&r, 1) : "", password)
		     && !auth_role_parse(db_str(&r, 2) ? db_str(&r, 2) : "", &role);
	} else if (e == IE_NOTFOUND) {
		dummy_verify(req->cfg, password);
	}
	db_free(&r);
	if (e && e != IE_NOTFOUND)
		return e;
	/* a wrong password: this attempt's row (attempt_begin) is the failure */
	if (!ok)
		return app_fail(req, IE_DENIED, "The email address or password is not correct.");
	/* rotate: the pre-login session (if any) ends here */
	if (old && (e = db_exec(req->db, "DELETE FROM sessions WHERE id = ?", DB_ARGS(DB_I(old)), NULL, NULL)))
		return e;
	new_token(raw, token);
	new_token(hash, csrf);        /* csrf is an independent random value */
	auth_token_hash(raw, hash);
	e = db_exec(req->db, "INSERT INTO sessions (token_hash, user_id, csrf, address, created_at, "
		    "last_seen_at, expires_at) VALUES (?, ?, ?, ?, UTC_TIMESTAMP(), UTC_TIMESTAMP(), "
		    "UTC_TIMESTAMP() + INTERVAL ? HOUR)",
		    DB_ARGS(DB_B(hash, 32), DB_I(uid), DB_S(csrf), DB_S(req->remote_addr),
			    DB_I(req->cfg->session_absolute_h)),
		    NULL, NULL);
	if (e)
		return e;
	if ((e = db_exec(req->db, "DELETE FROM login_failures WHERE email = ?", DB_ARGS(DB_S(email)), NULL, NULL)))
		return e;
	/* shown on /admin/users */
	if ((e = db_exec(req->db, "UPDATE users SET last_login_at = UTC_TIMESTAMP() WHERE id = ?",
			 DB_ARGS(DB_I(uid)), NULL, NULL)))
		return e;
	/* browsers drop the cookie at the absolute expiry; the server enforces both */
	cookie = arena_strdup(req->arena, token);
	if (!cookie)
		return IE_NOMEM;
	if ((e = app_set_cookie(req, "sid", cookie, (long)req->cfg->session_absolute_h * 3600, 1, "Lax")))
		return e;
	e = app_set_cookie(req, "lcsrf", "", 0, 1, "Strict");
	sodium_memzero(raw, sizeof(raw));
	req->session.user.id = uid;
	req->session.user.role = role;
	return e;
}

ierr auth_logout(struct req *req)
{
	ierr e = IE_OK;

	if (req->session.id)
		e = db_exec(req->db, "DELETE FROM sessions WHERE id = ?", DB_ARGS(DB_I(req->session.id)),
			    NULL, NULL);
	if (!e)
		e = app_set_cookie(req, "sid", "", 0, 1, "Lax");
	memset(&req->session, 0, sizeof(req->session));
	return e;
}
