/*
 * auth.h — users, passwords, sessions, CSRF, login throttling, roles, scope.
 *
 * Roles and what they may do are one table (auth_allowed), the single place
 * every executable asks. Query code never reads the session: it takes the
 * `struct auth_scope` that auth_scope_of() computes from the user.
 *
 * Sessions: a random 256-bit token in the `sid` cookie (HttpOnly,
 * SameSite=Lax, Path=/, Secure over https), stored as a BLAKE2b hash, with
 * idle (Session.IdleMinutes) and absolute (Session.AbsoluteHours) expiry,
 * rotated at every login. Each session has its own CSRF token; before login
 * the form's token is a double-submit cookie (`lcsrf`).
 */
#ifndef INVOICE_AUTH_H
#define INVOICE_AUTH_H

#include <stddef.h>
#include "err.h"

struct req;
struct db;
struct config;

enum auth_role { ROLE_NONE = 0, ROLE_ADMIN, ROLE_BILLING, ROLE_SUPPORT, ROLE_CUSTOMER };

enum auth_action {
	ACT_PUBLIC = 0,      /* anyone, no session needed */
	ACT_SIGNED_IN,       /* any role */
	ACT_INVOICE_READ,    /* list/view/PDF (customers: scoped) */
	ACT_INVOICE_WRITE,   /* create/edit drafts, issue, void, discard */
	ACT_PAYMENT_WRITE,   /* record and allocate payments */
	ACT_MASTER_READ,     /* customers, packages, custom fields, schedules: read */
	ACT_MASTER_WRITE,
	ACT_USER_ADMIN,      /* users and roles */
	ACT_STAFF,           /* the admin area's dashboard: any staff role */
	ACT_PORTAL,          /* the customer portal */
	ACT__COUNT
};

struct auth_user {
	long long id;
	char email[256];
	char name[201];
	enum auth_role role;
	long long customer_id;      /* customers only */
};

struct auth_session {
	long long id;               /* 0: anonymous */
	struct auth_user user;
	char csrf[65];              /* the session's token; anonymous: the lcsrf cookie's, or a new one */
	const char *pref_name;      /* the program's saved preference (app_def.pref), if the user has it */
	const char *pref_value;     /* its value (arena) */
};

/* Everything (customer_id 0, drafts visible) or one customer without drafts. */
struct auth_scope {
	long long customer_id;
	int drafts;
};

int auth_allowed(enum auth_role role, enum auth_action act);
/* 1 when a refusal of `act` must not even confirm that the address exists
 * (404 instead of 403): customers asking for a staff-only area (/admin...). */
int auth_hidden(enum auth_role role, enum auth_action act);
struct auth_scope auth_scope_of(const struct auth_user *u);
const char *auth_role_name(enum auth_role role);       /* "admin", ... ; "" for none */
ierr auth_role_parse(const char *s, enum auth_role *out);
/* Where a user lands after login: /invoices for staff, /portal for customers. */
const char *auth_home(enum auth_role role);

/* argon2id (libsodium crypto_pwhash_str) with the configured cost. */
ierr auth_password_hash(const struct config *cfg, const char *password, char *out, size_t outsz);
int auth_password_verify(const char *hash, const char *password);    /* 1 when it matches */

/* Users (invoicectl, demo, admin). Email is stored lower-cased. */
ierr auth_user_add(struct db *db, const struct config *cfg, const char *email, const char *name,
		   enum auth_role role, long long customer_id, const char *password, long long *id_out);

/* Every user, ordered by email; fn is called once per user. */
ierr auth_user_list(struct db *db, ierr (*fn)(void *ctx, const struct auth_user *u, int active), void *ctx);

/* Request side (used by app.c and the auth executable). */
ierr auth_session_load(struct req *req);      /* from the sid cookie; anonymous when none/expired */
ierr auth_csrf_check(struct req *req);        /* the POST body's csrf field (never the query) against the session/lcsrf */
const char *auth_csrf_token(struct req *req); /* for forms; may set the lcsrf cookie */
/* The signed-in user's saved preference `pref`, when it is the one the
 * program names in its app_def (loaded with the session, so the page needs
 * no query of its own); NULL when unset or not loaded. Arena memory. */
const char *auth_pref(const struct req *req, const char *pref);
/* Throttle, verify, rotate: creates the session and sets the cookie.
 * IE_THROTTLED (req->error_msg says how long), IE_DENIED for a wrong email or password.
 * The attempt is counted before the password is checked, so parallel attempts
 * get at most Login.AccountFailures checks per window. */
ierr auth_login(struct req *req, const char *email, const char *password);
/* The login throttle for a password checked outside the sign-in form (the
 * portal's password change): the attempt counts as a failure of the account
 * and address until auth_attempt_ok clears the account's failures;
 * IE_THROTTLED (with req->error_msg) past Login.AccountFailures or
 * Login.AddressFailures in Login.WindowMinutes. */
ierr auth_attempt_begin(struct req *req, const char *email);
ierr auth_attempt_ok(struct req *req, const char *email);
ierr auth_logout(struct req *req);

/* invoicectl housekeeping (cron): deletes sessions past their idle or
 * absolute expiry, login failures older than Login.WindowMinutes, one-time
 * form keys older than Housekeeping.FormKeyDays and password-set links used
 * or expired more than Housekeeping.PasswordLinkDays ago. Each table goes in
 * batches of Housekeeping.BatchRows rows, each batch its own transaction (a
 * large backlog holds no lock for long; a failure keeps what went before);
 * reports how many rows of each went, also on failure. */
struct auth_housekeeping {
	unsigned long long sessions, failures, form_keys, password_links;
};
ierr auth_housekeeping(struct db *db, const struct config *cfg, struct auth_housekeeping *out);

/* Test seams: token hashing and constant-time compare. */
void auth_token_hash(const unsigned char token[32], unsigned char out[32]);
int auth_token_equal(const char *a, const char *b, size_t n);

#endif
