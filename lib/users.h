/*
 * users.h — users and roles administration (DESIGN.md Roles: admin only):
 * the rules, the changes, and password-set links.
 *
 * Rules (pure functions, table-tested in tests/unit/test_users.c):
 *  - a customer user has a customer, every other role has none (the users
 *    table's CHECK says the same);
 *  - the last active admin can be neither disabled nor given another role;
 *  - a password-set token works once, until it expires;
 *  - a new password has USERS_PASSWORD_MIN characters or more, typed twice.
 *
 * Changes run in one transaction each (db_tx) with their audit event
 * (entity 'user', before/after as JSON). The last-admin rule is checked
 * inside the transaction after a locking read of every active admin
 * (SELECT ... FOR UPDATE on ix_users_role_active), so two admins demoting
 * each other at the same moment cannot both succeed: the second waits for
 * the first and then counts one admin.
 *
 * Password-set links: /login/password/{token}, token = 32 random bytes in
 * hex; the table keeps only BLAKE2b(token) keyed with the configured Secret
 * (no Secret: IE_UNSUPPORTED). A new link is queued in the outbox for mail
 * and returned to the caller to show; using it sets the argon2id hash, marks
 * the token used and ends every session of the user.
 *
 * Errors: IE_INVALID (bad input; *why says what), IE_CONFLICT (a rule
 * forbids it; *why), IE_NOTFOUND (no such user / customer / token),
 * IE_GONE (token used or expired; *why), or a DB error.
 */
#ifndef INVOICE_USERS_H
#define INVOICE_USERS_H

#include <stddef.h>
#include "auth.h"
#include "err.h"

struct db;
struct config;

#define USERS_PASSWORD_MIN 10
#define USERS_LINK_HOURS 72          /* default lifetime of a password-set link */
#define USERS_LINK_MAX_HOURS 720
#define USERS_TOKEN_HEX 64

enum users_op {
	USERS_OP_ADD,
	USERS_OP_DISABLE,
	USERS_OP_ENABLE,
	USERS_OP_ROLE,
	USERS_OP_LINK,      /* create a password-set link */
	USERS_OP__COUNT
};

/* What the rules look at: a user as stored now. */
struct users_state {
	enum auth_role role;
	int active;
};

/* Who did it, for the audit event: the signed-in user (NULL: invoicectl)
 * and the client's address. */
struct users_by {
	const struct auth_user *user;
	const char *address;
};

/* A password-set link being made: users_link_prepare draws the token and
 * fills hash and url; the transaction stores the hash. */
struct users_link {
	unsigned hours;
	unsigned char hash[32];
	char url[512];              /* Site.BaseURL + /login/password/TOKEN */
};

struct users_row {
	long long id;
	char email[256];
	char name[201];
	enum auth_role role;
	long long customer_id;
	char customer_name[201];
	int active;
	char last_login[20];    /* "YYYY-MM-DD HH:MM" UTC, "" when never */
};

/* ---- rules ---- */

/* Whether a role may run op at all (users and roles: admin only). */
int users_may(enum auth_role actor_role, enum users_op op);
/* role customer needs customer_id > 0; the others need 0. */
ierr users_rule_role_customer(enum auth_role role, long long customer_id, const char **why);
/* op on a user in state `before` while `active_admins` active admins exist
 * (the target counted if it is one); new_role for USERS_OP_ROLE. */
ierr users_rule_change(const struct users_state *before, enum users_op op, enum auth_role new_role,
		       long long active_admins, const char **why);
/* A token created with expiry `expires` (epoch seconds), used at `used`
 * (0: never), at time `now`: IE_OK or IE_GONE. */
ierr users_rule_token(long long now, long long expires, long long used, const char **why);
ierr users_rule_password(const char *password, const char *again, const char **why);
/* A display name: at most 200 characters (empty: the email is used). */
ierr users_rule_name(const char *name, const char **why);

/* ---- reads ---- */

/* Every user (by email) with customer name and last sign-in. */
ierr users_list(struct db *db, ierr (*fn)(void *ctx, const struct users_row *u), void *ctx);
ierr users_get(struct db *db, long long id, struct users_row *out);
ierr users_find_email(struct db *db, const char *email, struct users_row *out);
/* Active customers by name, at most `max`; *more set when there are others. */
ierr users_customers(struct db *db, size_t max, ierr (*fn)(void *ctx, long long id, const char *name),
		     void *ctx, int *more);

/* ---- changes ----
 * Each runs inside the caller's transaction (db_tx or once_run) and writes
 * its audit event there; the users_* wrappers without _in run one db_tx
 * each (invoicectl, tests). Nothing is written when they fail. */

/* A user without a password (they set it through a link). The customer must
 * exist and be active. IE_CONFLICT when the email is taken. */
ierr users_add_in(struct db *db, const struct users_by *by, const char *email, const char *name,
		  enum auth_role role, long long customer_id, long long *id_out, const char **why);
/* Disabling also deletes every session of the user. Setting the state it
 * has already changes nothing and writes no event. */
ierr users_set_active_in(struct db *db, const struct users_by *by, long long id, int active,
			 const char **why);
/* customer_id: required for (only for) ROLE_CUSTOMER. */
ierr users_set_role_in(struct db *db, const struct users_by *by, long long id, enum auth_role role,
		       long long customer_id, const char **why);
/* hours: 1..USERS_LINK_MAX_HOURS. IE_UNSUPPORTED without a Secret. */
ierr users_link_prepare(const struct config *cfg, unsigned hours, struct users_link *link, const char **why);
/* Stores the link's hash and queues the mail (outbox kind 'password_set'). */
ierr users_link_in(struct db *db, const struct config *cfg, const struct users_by *by, long long id,
		   const struct users_link *link, const char **why);

ierr users_add(struct db *db, const struct users_by *by, const char *email, const char *name,
	       enum auth_role role, long long customer_id, long long *id_out, const char **why);
/* invoicectl user add: the same with a password (argon2id, hashed before the transaction). */
ierr users_add_with_password(struct db *db, const struct config *cfg, const struct users_by *by, const char *email,
			     const char *name, enum auth_role role, long long customer_id, const char *password,
			     long long *id_out, const char **why);
ierr users_set_active(struct db *db, const struct users_by *by, long long id, int active, const char **why);
ierr users_set_role(struct db *db, const struct users_by *by, long long id, enum auth_role role,
		    long long customer_id, const char **why);
/* prepare + one transaction; link->url is the URL to show. */
ierr users_password_link(struct db *db, const struct config *cfg, const struct users_by *by, long long id,
			 unsigned hours, struct users_link *link, const char **why);

/* GET side of the link: IE_OK with the user's email (for the form), or
 * IE_NOTFOUND (unknown/forged) / IE_GONE (used, expired, user disabled). */
ierr users_token_check(struct db *db, const struct config *cfg, const char *token_hex,
		       char *email, size_t emailsz, const char **why);
/* Sets the password, marks the token used, ends the user's sessions. */
ierr users_password_set(struct db *db, const struct config *cfg, const char *token_hex,
			const char *password, const char *address, const char **why);

/* Test seam: the stored hash of a token. */
void users_token_hash(const struct config *cfg, const unsigned char token[32], unsigned char out[32]);

#endif
