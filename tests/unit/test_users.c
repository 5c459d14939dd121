/*
 * test_users.c — the users-and-roles rules of lib/users.c, table by table:
 * who may do what, role/customer consistency, the last active admin,
 * password-set token expiry and single use, new-password checks, and the
 * token hash (keyed by the Secret).
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <string.h>
#include "config.h"
#include "users.h"

#define ARRAY_LEN(a) (sizeof(a) / sizeof((a)[0]))

/* Users and roles: admin only, for every operation (DESIGN.md Roles). */
static void test_who_may(void **state)
{
	static const struct {
		enum auth_role role;
		int may;
	} rows[] = {
		{ ROLE_NONE, 0 }, { ROLE_ADMIN, 1 }, { ROLE_BILLING, 0 }, { ROLE_SUPPORT, 0 }, { ROLE_CUSTOMER, 0 },
	};
	size_t i;
	int op;

	(void)state;
	for (i = 0; i < ARRAY_LEN(rows); i++)
		for (op = 0; op < USERS_OP__COUNT; op++)
			assert_int_equal(users_may(rows[i].role, (enum users_op)op), rows[i].may);
	assert_int_equal(users_may(ROLE_ADMIN, USERS_OP__COUNT), 0);
	assert_int_equal(users_may((enum auth_role)9, USERS_OP_ADD), 0);
}

static void test_role_customer(void **state)
{
	static const struct {
		enum auth_role role;
		long long customer;
		ierr want;
	} rows[] = {
		{ ROLE_ADMIN, 0, IE_OK },
		{ ROLE_BILLING, 0, IE_OK },
		{ ROLE_SUPPORT, 0, IE_OK },
		{ ROLE_CUSTOMER, 7, IE_OK },
		{ ROLE_CUSTOMER, 0, IE_INVALID },     /* a customer user needs a customer */
		{ ROLE_CUSTOMER, -1, IE_INVALID },
		{ ROLE_ADMIN, 7, IE_INVALID },        /* staff belong to no customer */
		{ ROLE_BILLING, 7, IE_INVALID },
		{ ROLE_SUPPORT, 1, IE_INVALID },
		{ ROLE_NONE, 0, IE_INVALID },
		{ (enum auth_role)9, 0, IE_INVALID },
	};
	size_t i;

	(void)state;
	for (i = 0; i < ARRAY_LEN(rows); i++) {
		const char *why = NULL;

		assert_int_equal(users_rule_role_customer(rows[i].role, rows[i].customer, &why), rows[i].want);
		if (rows[i].want)
			assert_non_null(why);
	}
}

static void test_last_admin(void **state)
{
	static const struct {
		enum auth_role role;
		int active;
		enum users_op op;
		enum auth_role new_role;
		long long admins;
		ierr want;
	} rows[] = {
		/* the last active admin: neither disabled nor demoted */
		{ ROLE_ADMIN, 1, USERS_OP_DISABLE, ROLE_NONE, 1, IE_CONFLICT },
		{ ROLE_ADMIN, 1, USERS_OP_ROLE, ROLE_BILLING, 1, IE_CONFLICT },
		{ ROLE_ADMIN, 1, USERS_OP_ROLE, ROLE_SUPPORT, 1, IE_CONFLICT },
		{ ROLE_ADMIN, 1, USERS_OP_ROLE, ROLE_CUSTOMER, 1, IE_CONFLICT },
		{ ROLE_ADMIN, 1, USERS_OP_ROLE, ROLE_ADMIN, 1, IE_OK },         /* stays admin */
		{ ROLE_ADMIN, 1, USERS_OP_ENABLE, ROLE_NONE, 1, IE_OK },
		{ ROLE_ADMIN, 1, USERS_OP_LINK, ROLE_NONE, 1, IE_OK },
		/* with another active admin, both are fine */
		{ ROLE_ADMIN, 1, USERS_OP_DISABLE, ROLE_NONE, 2, IE_OK },
		{ ROLE_ADMIN, 1, USERS_OP_ROLE, ROLE_BILLING, 2, IE_OK },
		/* a disabled admin is not the last active one */
		{ ROLE_ADMIN, 0, USERS_OP_ROLE, ROLE_SUPPORT, 1, IE_OK },
		{ ROLE_ADMIN, 0, USERS_OP_DISABLE, ROLE_NONE, 1, IE_OK },
		/* other roles are never the last admin */
		{ ROLE_BILLING, 1, USERS_OP_DISABLE, ROLE_NONE, 1, IE_OK },
		{ ROLE_SUPPORT, 1, USERS_OP_ROLE, ROLE_ADMIN, 1, IE_OK },
		{ ROLE_CUSTOMER, 1, USERS_OP_DISABLE, ROLE_NONE, 1, IE_OK },
		/* bad new role */
		{ ROLE_BILLING, 1, USERS_OP_ROLE, ROLE_NONE, 2, IE_INVALID },
		/* links only for active users */
		{ ROLE_BILLING, 0, USERS_OP_LINK, ROLE_NONE, 2, IE_CONFLICT },
		{ ROLE_CUSTOMER, 1, USERS_OP_LINK, ROLE_NONE, 2, IE_OK },
		/* add is not a change of an existing user */
		{ ROLE_BILLING, 1, USERS_OP_ADD, ROLE_NONE, 2, IE_INVALID },
	};
	size_t i;

	(void)state;
	for (i = 0; i < ARRAY_LEN(rows); i++) {
		struct users_state st = { rows[i].role, rows[i].active };
		const char *why = NULL;
		ierr e = users_rule_change(&st, rows[i].op, rows[i].new_role, rows[i].admins, &why);

		if (e != rows[i].want)
			fail_msg("row %zu: got %d want %d", i, (int)e, (int)rows[i].want);
		if (e == IE_CONFLICT && rows[i].role == ROLE_ADMIN)
			assert_non_null(strstr(why, "last active admin"));
	}
}

static void test_token(void **state)
{
	static const struct {
		long long now, expires, used;
		ierr want;
		const char *says;
	} rows[] = {
		{ 1000, 1001, 0, IE_OK, NULL },
		{ 1000, 1000 + 72 * 3600, 0, IE_OK, NULL },
		{ 1000, 1000, 0, IE_GONE, "expired" },            /* expiry is exclusive */
		{ 1000, 999, 0, IE_GONE, "expired" },
		{ 1000, 2000, 900, IE_GONE, "used already" },     /* single use */
		{ 1000, 999, 900, IE_GONE, "used already" },
	};
	size_t i;

	(void)state;
	for (i = 0; i < ARRAY_LEN(rows); i++) {
		const char *why = NULL;

		assert_int_equal(users_rule_token(rows[i].now, rows[i].expires, rows[i].used, &why), rows[i].want);
		if (rows[i].says)
			assert_non_null(strstr(why, rows[i].says));
	}
}

static void test_password(void **state)
{
	static char longpw[1100];
	static const struct {
		const char *pw, *again;
		ierr want;
	} rows[] = {
		{ "0123456789", "0123456789", IE_OK },
		{ "012345678", "012345678", IE_INVALID },               /* 9: too short */
		{ "", "", IE_INVALID },
		{ "0123456789", "0123456788", IE_INVALID },            /* not the same */
		{ "äöüäöüäöüä", "äöüäöüäöüä", IE_OK },                 /* 10 characters, 20 bytes */
		{ "äöüäöüäöü", "äöüäöüäöü", IE_INVALID },              /* 9 characters, 18 bytes */
	};
	const char *why;
	size_t i;

	(void)state;
	for (i = 0; i < ARRAY_LEN(rows); i++)
		assert_int_equal(users_rule_password(rows[i].pw, rows[i].again, &why), rows[i].want);
	memset(longpw, 'x', 1025);
	assert_int_equal(users_rule_password(longpw, longpw, &why), IE_INVALID);
	longpw[1024] = '\0';
	assert_int_equal(users_rule_password(longpw, longpw, &why), IE_OK);
}

static void test_name(void **state)
{
	char name[1000];
	const char *why;
	size_t i;

	(void)state;
	for (i = 0; i < 200; i++)
		memcpy(name + 2 * i, "\xc3\xa9", 2);       /* 200 x "é": 400 bytes, 200 characters */
	name[400] = '\0';
	assert_int_equal(users_rule_name(name, &why), IE_OK);
	memcpy(name + 400, "x", 2);                        /* 201 characters */
	assert_int_equal(users_rule_name(name, &why), IE_INVALID);
	assert_int_equal(users_rule_name("", &why), IE_OK);
}

/* The stored hash depends on the Secret: another key, another hash. */
static void test_token_hash(void **state)
{
	static struct config a, b;
	unsigned char tok[32], h1[32], h2[32], h3[32];

	(void)state;
	memset(tok, 7, sizeof(tok));
	memset(a.secret, 1, sizeof(a.secret));
	memset(b.secret, 2, sizeof(b.secret));
	users_token_hash(&a, tok, h1);
	users_token_hash(&a, tok, h2);
	users_token_hash(&b, tok, h3);
	assert_memory_equal(h1, h2, 32);
	assert_memory_not_equal(h1, h3, 32);
	assert_memory_not_equal(h1, tok, 32);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_who_may),
		cmocka_unit_test(test_role_customer),
		cmocka_unit_test(test_last_admin),
		cmocka_unit_test(test_token),
		cmocka_unit_test(test_password),
		cmocka_unit_test(test_name),
		cmocka_unit_test(test_token_hash),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
