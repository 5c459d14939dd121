/*
 * test_auth.c — unit tests for lib/auth.c without a database: the roles table
 * of DESIGN.md cell by cell, scopes, role names, landing pages, password
 * hashing and the token seams.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <string.h>
#include <sodium.h>
#include "auth.h"
#include "config.h"

#define ARRAY_LEN(a) (sizeof(a) / sizeof((a)[0]))

/* ---- roles ---- */

/* DESIGN.md "Roles", one row per action; columns: none admin billing support customer.
 * Written out independently of lib/auth.c so a change there shows up here. */
static const struct {
	enum auth_action act;
	const char *name;
	int allowed[5];
} roles_table[] = {
	/* anyone, no session needed */
	{ ACT_PUBLIC,        "public",        { 1, 1, 1, 1, 1 } },
	/* any role, signed in */
	{ ACT_SIGNED_IN,     "signed in",     { 0, 1, 1, 1, 1 } },
	/* list/view/PDF: all staff; customers their own (scoped) */
	{ ACT_INVOICE_READ,  "invoice read",  { 0, 1, 1, 1, 1 } },
	/* create/edit drafts, issue, void, discard drafts: admin, billing */
	{ ACT_INVOICE_WRITE, "invoice write", { 0, 1, 1, 0, 0 } },
	/* record and allocate payments: admin, billing */
	{ ACT_PAYMENT_WRITE, "payment write", { 0, 1, 1, 0, 0 } },
	/* customers, packages, custom fields, schedules: support reads */
	{ ACT_MASTER_READ,   "master read",   { 0, 1, 1, 1, 0 } },
	{ ACT_MASTER_WRITE,  "master write",  { 0, 1, 1, 0, 0 } },
	/* users and roles: admin only */
	{ ACT_USER_ADMIN,    "user admin",    { 0, 1, 0, 0, 0 } },
	/* the admin area's dashboard: staff */
	{ ACT_STAFF,         "staff",         { 0, 1, 1, 1, 0 } },
	/* the customer portal: customers */
	{ ACT_PORTAL,        "portal",        { 0, 0, 0, 0, 1 } },
};

static const enum auth_role all_roles[5] = {
	ROLE_NONE, ROLE_ADMIN, ROLE_BILLING, ROLE_SUPPORT, ROLE_CUSTOMER,
};

static void test_roles_table(void **state)
{
	size_t a, r;

	(void)state;
	/* every action is in the table above */
	assert_int_equal(ARRAY_LEN(roles_table), ACT__COUNT);
	for (a = 0; a < ARRAY_LEN(roles_table); a++) {
		for (r = 0; r < ARRAY_LEN(all_roles); r++) {
			int got = auth_allowed(all_roles[r], roles_table[a].act);

			if (got != roles_table[a].allowed[r])
				fail_msg("auth_allowed(%s, %s) = %d, DESIGN.md says %d",
					 r ? auth_role_name(all_roles[r]) : "none", roles_table[a].name,
					 got, roles_table[a].allowed[r]);
		}
	}
}

/* A refusal that must not confirm the address exists (404, not 403): customers
 * asking for a staff-only area. Staff refused an action (support writing, billing
 * on users) get 403; nobody is "hidden" from what they may do. */
static void test_hidden(void **state)
{
	static const struct { enum auth_action act; int hidden[5]; } t[] = {
		/*                     none admin billing support customer */
		{ ACT_PUBLIC,        { 0, 0, 0, 0, 0 } },
		{ ACT_INVOICE_READ,  { 0, 0, 0, 0, 0 } },
		{ ACT_INVOICE_WRITE, { 0, 0, 0, 0, 1 } },
		{ ACT_PAYMENT_WRITE, { 0, 0, 0, 0, 1 } },
		{ ACT_MASTER_READ,   { 0, 0, 0, 0, 1 } },
		{ ACT_MASTER_WRITE,  { 0, 0, 0, 0, 1 } },
		{ ACT_USER_ADMIN,    { 0, 0, 0, 0, 1 } },
		{ ACT_STAFF,         { 0, 0, 0, 0, 1 } },
		{ ACT_PORTAL,        { 0, 0, 0, 0, 0 } },
	};

	(void)state;
	for (size_t a = 0; a < ARRAY_LEN(t); a++)
		for (size_t r = 0; r < ARRAY_LEN(all_roles); r++)
			if (auth_hidden(all_roles[r], t[a].act) != t[a].hidden[r])
				fail_msg("auth_hidden(%zu, %d) != %d", r, (int)t[a].act, t[a].hidden[r]);
}

static void test_roles_out_of_range(void **state)
{
	(void)state;
	/* unknown roles and actions are never allowed, not even public ones */
	assert_int_equal(auth_allowed((enum auth_role)5, ACT_PUBLIC), 0);
	assert_int_equal(auth_allowed((enum auth_role)-1, ACT_INVOICE_READ), 0);
	assert_int_equal(auth_allowed((enum auth_role)1000, ACT_USER_ADMIN), 0);
	assert_int_equal(auth_allowed(ROLE_ADMIN, ACT__COUNT), 0);
	assert_int_equal(auth_allowed(ROLE_ADMIN, (enum auth_action)-1), 0);
	assert_int_equal(auth_allowed(ROLE_ADMIN, (enum auth_action)1000), 0);
}

/* ---- scope ---- */

static void test_scope_of(void **state)
{
	static const struct {
		enum auth_role role;
		long long customer_id;
		int everything;         /* customer_id 0, drafts visible */
		long long want_customer;
	} cases[] = {
		{ ROLE_ADMIN, 0, 1, 0 },
		{ ROLE_BILLING, 0, 1, 0 },
		{ ROLE_SUPPORT, 0, 1, 0 },
		{ ROLE_ADMIN, 42, 1, 0 },          /* staff ignore a stray customer id */
		{ ROLE_CUSTOMER, 7, 0, 7 },
		{ ROLE_CUSTOMER, 123456789012LL, 0, 123456789012LL },
		{ ROLE_CUSTOMER, 0, 0, -1 },       /* no customer id: sees nothing */
		{ ROLE_CUSTOMER, -5, 0, -1 },
		{ ROLE_NONE, 0, 0, -1 },
		{ ROLE_NONE, 7, 0, -1 },           /* not a customer: not customer 7 either */
	};
	size_t i;

	(void)state;
	for (i = 0; i < ARRAY_LEN(cases); i++) {
		struct auth_user u;
		struct auth_scope s;

		memset(&u, 0, sizeof(u));
		u.id = 99;
		u.role = cases[i].role;
		u.customer_id = cases[i].customer_id;
		s = auth_scope_of(&u);
		if (cases[i].everything) {
			assert_true(s.customer_id == 0);
			assert_int_equal(s.drafts, 1);
		} else if (cases[i].want_customer > 0) {
			assert_true(s.customer_id == cases[i].want_customer);
			assert_int_equal(s.drafts, 0);
		} else {
			/* nothing: not "everything" (0), and no real customer (ids are >= 1) */
			if (s.customer_id == 0 || s.customer_id > 0)
				fail_msg("case %zu: a scope for customer %lld would show data", i, s.customer_id);
			assert_int_equal(s.drafts, 0);
		}
	}
}

/* ---- role names ---- */

static void test_role_names(void **state)
{
	static const struct {
		enum auth_role role;
		const char *name;
	} cases[] = {
		{ ROLE_ADMIN, "admin" },
		{ ROLE_BILLING, "billing" },
		{ ROLE_SUPPORT, "support" },
		{ ROLE_CUSTOMER, "customer" },
	};
	static const char *const bad[] = {
		"", "none", "Admin", "ADMIN", "admin ", " admin", "admins", "adm", "root", "customer\n",
	};
	size_t i;

	(void)state;
	for (i = 0; i < ARRAY_LEN(cases); i++) {
		enum auth_role r = ROLE_NONE;

		assert_string_equal(auth_role_name(cases[i].role), cases[i].name);
		assert_int_equal(auth_role_parse(cases[i].name, &r), IE_OK);
		assert_int_equal(r, cases[i].role);
		/* and the round trip from the name */
		assert_string_equal(auth_role_name(r), cases[i].name);
	}
	assert_string_equal(auth_role_name(ROLE_NONE), "");
	assert_string_equal(auth_role_name((enum auth_role)17), "");
	assert_string_equal(auth_role_name((enum auth_role)-1), "");
	for (i = 0; i < ARRAY_LEN(bad); i++) {
		enum auth_role r = ROLE_SUPPORT;

		if (auth_role_parse(bad[i], &r) != IE_INVALID)
			fail_msg("auth_role_parse accepted \"%s\"", bad[i]);
		assert_int_equal(r, ROLE_SUPPORT);      /* untouched */
	}
}

static void test_home(void **state)
{
	(void)state;
	assert_string_equal(auth_home(ROLE_ADMIN), "/invoices");
	assert_string_equal(auth_home(ROLE_BILLING), "/invoices");
	assert_string_equal(auth_home(ROLE_SUPPORT), "/invoices");
	assert_string_equal(auth_home(ROLE_CUSTOMER), "/portal");
	/* the landing page is one the role may open */
	assert_true(auth_allowed(ROLE_CUSTOMER, ACT_PORTAL));
	assert_true(auth_allowed(ROLE_SUPPORT, ACT_INVOICE_READ));
}

/* ---- passwords ---- */

static void fast_config(struct config *cfg)
{
	memset(cfg, 0, sizeof(*cfg));
	cfg->pw_opslimit = 1;
	cfg->pw_memlimit_kib = 8192;
}

static void test_password_hash_verify(void **state)
{
	static const char *const passwords[] = {
		"correct horse battery staple",
		"p\xc3\xa4ssw\xc3\xb6rd \xe2\x82\xac",          /* UTF-8 */
		"x",
	};
	struct config cfg;
	char hash[crypto_pwhash_STRBYTES], hash2[crypto_pwhash_STRBYTES];
	size_t i;

	(void)state;
	fast_config(&cfg);
	for (i = 0; i < ARRAY_LEN(passwords); i++) {
		assert_int_equal(auth_password_hash(&cfg, passwords[i], hash, sizeof(hash)), IE_OK);
		/* argon2id with the configured cost */
		assert_true(!strncmp(hash, "$argon2id$", 10));
		assert_non_null(strstr(hash, "m=8192,t=1,"));
		if (strlen(passwords[i]) > 8)           /* short ones may occur in base64 by chance */
			assert_null(strstr(hash, passwords[i]));
		assert_int_equal(auth_password_verify(hash, passwords[i]), 1);
	}
	assert_int_equal(auth_password_hash(&cfg, "secret-one", hash, sizeof(hash)), IE_OK);
	assert_int_equal(auth_password_verify(hash, "secret-one"), 1);
	assert_int_equal(auth_password_verify(hash, "secret-two"), 0);
	assert_int_equal(auth_password_verify(hash, "secret-on"), 0);
	assert_int_equal(auth_password_verify(hash, "secret-one "), 0);
	assert_int_equal(auth_password_verify(hash, "Secret-one"), 0);
	assert_int_equal(auth_password_verify(hash, ""), 0);
	/* salted: the same password hashes differently each time, both verify */
	assert_int_equal(auth_password_hash(&cfg, "secret-one", hash2, sizeof(hash2)), IE_OK);
	assert_string_not_equal(hash, hash2);
	assert_int_equal(auth_password_verify(hash2, "secret-one"), 1);
	/* garbage instead of a hash never verifies */
	assert_int_equal(auth_password_verify("", "secret-one"), 0);
	assert_int_equal(auth_password_verify("$argon2id$v=19$m=8192,t=1,p=1$bad", "secret-one"), 0);
	assert_int_equal(auth_password_verify("secret-one", "secret-one"), 0);
}

static void test_password_hash_small_buffer(void **state)
{
	struct config cfg;
	char small[crypto_pwhash_STRBYTES - 1];

	(void)state;
	fast_config(&cfg);
	assert_int_not_equal(auth_password_hash(&cfg, "pw", small, sizeof(small)), IE_OK);
}

/* ---- tokens ---- */

static void test_token_equal(void **state)
{
	static const char a[] = "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef";
	char b[sizeof(a)];

	(void)state;
	memcpy(b, a, sizeof(a));
	assert_int_equal(auth_token_equal(a, b, 64), 1);
	b[0] = '1';
	assert_int_equal(auth_token_equal(a, b, 64), 0);        /* first byte differs */
	b[0] = a[0];
	b[63] = 'e';
	assert_int_equal(auth_token_equal(a, b, 64), 0);        /* last byte differs */
	/* only n bytes are compared */
	assert_int_equal(auth_token_equal(a, b, 63), 1);
	b[63] = a[63];
	b[31] ^= 0x20;
	assert_int_equal(auth_token_equal(a, b, 64), 0);        /* case differs */
}

static void test_token_hash(void **state)
{
	/* BLAKE2b-256 of 32 zero bytes and of 00 01 .. 1f (independent reference values) */
	static const unsigned char want_zero[32] = {
		0x89, 0xeb, 0x0d, 0x6a, 0x8a, 0x69, 0x1d, 0xae, 0x2c, 0xd1, 0x5e, 0xd0, 0x36, 0x99, 0x31, 0xce,
		0x0a, 0x94, 0x9e, 0xca, 0xfa, 0x5c, 0x3f, 0x93, 0xf8, 0x12, 0x18, 0x33, 0x64, 0x6e, 0x15, 0xc3,
	};
	static const unsigned char want_seq[32] = {
		0xcb, 0x2f, 0x51, 0x60, 0xfc, 0x1f, 0x7e, 0x05, 0xa5, 0x5e, 0xf4, 0x9d, 0x34, 0x0b, 0x48, 0xda,
		0x2e, 0x5a, 0x78, 0x09, 0x9d, 0x53, 0x39, 0x33, 0x51, 0xcd, 0x57, 0x9d, 0xd4, 0x25, 0x03, 0xd6,
	};
	unsigned char tok[32], tok2[32], h1[32], h2[32], h3[32];
	size_t i;

	(void)state;
	memset(tok, 0, sizeof(tok));
	auth_token_hash(tok, h1);
	assert_memory_equal(h1, want_zero, 32);
	for (i = 0; i < 32; i++)
		tok[i] = (unsigned char)i;
	/* deterministic */
	auth_token_hash(tok, h1);
	auth_token_hash(tok, h2);
	assert_memory_equal(h1, h2, 32);
	assert_memory_equal(h1, want_seq, 32);
	assert_memory_not_equal(h1, tok, 32);
	/* one flipped bit, first or last byte, changes the hash */
	memcpy(tok2, tok, 32);
	tok2[31] ^= 1;
	auth_token_hash(tok2, h3);
	assert_memory_not_equal(h1, h3, 32);
	memcpy(tok2, tok, 32);
	tok2[0] ^= 0x80;
	auth_token_hash(tok2, h3);
	assert_memory_not_equal(h1, h3, 32);
	/* random tokens give distinct hashes */
	randombytes_buf(tok, sizeof(tok));
	randombytes_buf(tok2, sizeof(tok2));
	auth_token_hash(tok, h1);
	auth_token_hash(tok2, h2);
	assert_memory_not_equal(h1, h2, 32);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_roles_table),
		cmocka_unit_test(test_roles_out_of_range),
		cmocka_unit_test(test_hidden),
		cmocka_unit_test(test_scope_of),
		cmocka_unit_test(test_role_names),
		cmocka_unit_test(test_home),
		cmocka_unit_test(test_password_hash_verify),
		cmocka_unit_test(test_password_hash_small_buffer),
		cmocka_unit_test(test_token_equal),
		cmocka_unit_test(test_token_hash),
	};

	if (sodium_init() < 0)
		return 1;
	return cmocka_run_group_tests(tests, NULL, NULL);
}
