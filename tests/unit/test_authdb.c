/*
 * test_authdb.c — tests for the database side of lib/auth.c (users) against a
 * live, migrated MariaDB with demo data, named by INVOICE_CONFIG
 * (tests/http/run provides one). Without INVOICE_CONFIG the test fails.
 *
 * The users it adds have addresses unit-test-PID-...@example.test and are
 * deleted at the end.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include "auth.h"
#include "buf.h"
#include "config.h"
#include "db.h"

static struct config cfg;
static struct db *db;
static char prefix[64];         /* unit-test-PID- */

static void email_of(char *out, size_t outsz, const char *tag)
{
	assert_true(snprintf(out, outsz, "%s%s@example.test", prefix, tag) < (int)outsz);
}

static void lower(char *s)
{
	for (; *s; s++)
		*s = (char)tolower((unsigned char)*s);
}

static long long users_with_email(const char *email)
{
	struct db_res r;
	long long n;

	assert_int_equal(db_query_row(db, &r, "SELECT COUNT(*) FROM users WHERE email = ?", DB_ARGS(DB_S(email))),
			 IE_OK);
	n = db_int(&r, 0);
	db_free(&r);
	return n;
}

static long long users_total(void)
{
	struct db_res r;
	long long n;

	assert_int_equal(db_query_row(db, &r, "SELECT COUNT(*) FROM users", DB_NOARGS), IE_OK);
	n = db_int(&r, 0);
	db_free(&r);
	return n;
}

static long long some_customer_id(void)
{
	struct db_res r;
	long long id;

	assert_int_equal(db_query_row(db, &r, "SELECT MIN(id) FROM customers", DB_NOARGS), IE_OK);
	id = db_int(&r, 0);
	db_free(&r);
	assert_true(id > 0);
	return id;
}

static int group_setup(void **state)
{
	char err[300] = "";
	ierr e;

	(void)state;
	if (config_load(&cfg, getenv("INVOICE_CONFIG"), err, sizeof(err))) {
		print_error("test_authdb: INVOICE_CONFIG: %s\n", err);
		return -1;
	}
	/* cheap hashes: the code path is the same */
	cfg.pw_opslimit = 1;
	cfg.pw_memlimit_kib = 8192;
	snprintf(prefix, sizeof(prefix), "unit-test-%ld-", (long)getpid());
	if (db_new(&cfg, &db))
		return -1;
	if ((e = db_connect(db))) {
		print_error("test_authdb: cannot connect to the database of INVOICE_CONFIG: %s (%s)\n",
			    ierr_name(e), db_error(db));
		return -1;
	}
	return 0;
}

static int group_teardown(void **state)
{
	char like[80];
	ierr e;

	(void)state;
	snprintf(like, sizeof(like), "%s%%@example.test", prefix);
	e = db_exec(db, "DELETE FROM users WHERE email LIKE ?", DB_ARGS(DB_S(like)), NULL, NULL);
	if (e)
		print_error("test_authdb: cleanup: %s (%s)\n", ierr_name(e), db_error(db));
	db_close(db);
	config_free(&cfg);
	return e ? -1 : 0;
}

static void test_user_add_then_login_data(void **state)
{
	char email[128], stored[128];
	long long id = 0;
	struct db_res r;

	(void)state;
	email_of(email, sizeof(email), "Billing.Person");
	/* mixed case in, lower case stored */
	email[0] = 'U';
	assert_int_equal(auth_user_add(db, &cfg, email, "Unit Billing", ROLE_BILLING, 0, "correct pass", &id), IE_OK);
	assert_true(id > 0);
	assert_int_equal(str_copy(stored, sizeof(stored), email), IE_OK);
	lower(stored);
	assert_int_equal(db_query_row(db, &r, "SELECT id, email, name, role, customer_id, active, password_hash "
				      "FROM users WHERE email = ?", DB_ARGS(DB_S(stored))), IE_OK);
	assert_true(db_int(&r, 0) == id);
	assert_string_equal(db_str(&r, 1), stored);
	assert_string_equal(db_str(&r, 2), "Unit Billing");
	assert_string_equal(db_str(&r, 3), "billing");
	assert_int_equal(db_isnull(&r, 4), 1);
	assert_true(db_int(&r, 5) == 1);
	/* what a login checks: the stored hash verifies this password only */
	assert_true(!strncmp(db_str(&r, 6), "$argon2id$", 10));
	assert_int_equal(auth_password_verify(db_str(&r, 6), "correct pass"), 1);
	assert_int_equal(auth_password_verify(db_str(&r, 6), "wrong pass"), 0);
	assert_null(strstr(db_str(&r, 6), "correct pass"));
	db_free(&r);
	/* id_out is optional */
	email_of(email, sizeof(email), "support-no-id");
	assert_int_equal(auth_user_add(db, &cfg, email, "Unit Support", ROLE_SUPPORT, 0, "pw", NULL), IE_OK);
	assert_true(users_with_email(email) == 1);
}

static void test_duplicate_email_conflict(void **state)
{
	char email[128], upper[128];
	long long before;
	size_t i;

	(void)state;
	email_of(email, sizeof(email), "dup");
	assert_int_equal(auth_user_add(db, &cfg, email, "First", ROLE_ADMIN, 0, "pw-1", NULL), IE_OK);
	before = users_total();
	assert_int_equal(auth_user_add(db, &cfg, email, "Second", ROLE_SUPPORT, 0, "pw-2", NULL), IE_CONFLICT);
	/* the same address in other case is the same user */
	for (i = 0; email[i]; i++)
		upper[i] = (char)toupper((unsigned char)email[i]);
	upper[i] = '\0';
	assert_int_equal(auth_user_add(db, &cfg, upper, "Third", ROLE_SUPPORT, 0, "pw-3", NULL), IE_CONFLICT);
	assert_true(users_total() == before);
	assert_true(users_with_email(email) == 1);
	/* the demo admin cannot be added twice either */
	assert_int_equal(auth_user_add(db, &cfg, "admin@example.com", "Again", ROLE_ADMIN, 0, "pw", NULL), IE_CONFLICT);
}

static void test_user_add_invalid(void **state)
{
	char email[128], long_email[300];
	long long before, cust;
	size_t i;

	(void)state;
	cust = some_customer_id();
	email_of(email, sizeof(email), "invalid");
	memset(long_email, 'a', 250);
	memcpy(long_email + 250, "@x.io", 6);           /* 255 bytes */
	before = users_total();
	{
		const struct {
			const char *what, *email;
			enum auth_role role;
			long long customer;
			const char *password;
		} cases[] = {
			{ "customer without customer id", email, ROLE_CUSTOMER, 0, "pw" },
			{ "customer with a negative id", email, ROLE_CUSTOMER, -3, "pw" },
			{ "staff with a customer id", email, ROLE_BILLING, cust, "pw" },
			{ "admin with a customer id", email, ROLE_ADMIN, cust, "pw" },
			{ "no role", email, ROLE_NONE, 0, "pw" },
			{ "empty password", email, ROLE_SUPPORT, 0, "" },
			{ "no @ in the email", "unit-test-no-at.example.test", ROLE_SUPPORT, 0, "pw" },
			{ "email over 254 bytes", long_email, ROLE_SUPPORT, 0, "pw" },
		};

		for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
			ierr e = auth_user_add(db, &cfg, cases[i].email, "Invalid", cases[i].role, cases[i].customer,
					       cases[i].password, NULL);

			if (e != IE_INVALID)
				fail_msg("%s: %s, want invalid", cases[i].what, ierr_name(e));
		}
	}
	assert_true(users_total() == before);           /* nothing written */
	/* a customer id that does not exist is refused by the database */
	assert_int_not_equal(auth_user_add(db, &cfg, email, "Ghost", ROLE_CUSTOMER, 999999999999LL, "pw", NULL), IE_OK);
	assert_true(users_with_email(email) == 0);
}

static void test_customer_user(void **state)
{
	char email[128];
	long long id = 0, cust = some_customer_id();
	struct db_res r;

	(void)state;
	email_of(email, sizeof(email), "customer");
	assert_int_equal(auth_user_add(db, &cfg, email, "Unit Customer", ROLE_CUSTOMER, cust, "pw", &id), IE_OK);
	assert_int_equal(db_query_row(db, &r, "SELECT role, customer_id FROM users WHERE id = ?", DB_ARGS(DB_I(id))),
			 IE_OK);
	assert_string_equal(db_str(&r, 0), "customer");
	assert_true(db_int(&r, 1) == cust);
	db_free(&r);
}

/* ---- auth_user_list ---- */

struct seen_user {
	char email[256];
	enum auth_role role;
	long long customer_id;
	int active;
	int pos;
};

struct list_ctx {
	int n;
	struct seen_user want[6];
	size_t nwant;
	int stop_after;         /* 0: never */
};

static ierr collect(void *p, const struct auth_user *u, int active)
{
	struct list_ctx *c = p;
	size_t i;

	c->n++;
	assert_true(u->id > 0);
	assert_non_null(strchr(u->email, '@'));
	for (i = 0; i < c->nwant; i++) {
		if (!strcmp(c->want[i].email, u->email)) {
			assert_int_equal(c->want[i].pos, 0);     /* once */
			c->want[i].pos = c->n;
			c->want[i].role = u->role;
			c->want[i].customer_id = u->customer_id;
			c->want[i].active = active;
		}
	}
	if (c->stop_after && c->n == c->stop_after)
		return IE_INTERNAL;
	return IE_OK;
}

static void test_user_list_demo_users(void **state)
{
	static const struct {
		const char *email;
		enum auth_role role;
	} demo[] = {
		{ "admin@example.com", ROLE_ADMIN },
		{ "billing@example.com", ROLE_BILLING },
		{ "customer1@example.com", ROLE_CUSTOMER },
		{ "support@example.com", ROLE_SUPPORT },
	};
	struct list_ctx c;
	size_t i;

	(void)state;
	memset(&c, 0, sizeof(c));
	for (i = 0; i < sizeof(demo) / sizeof(demo[0]); i++)
		assert_int_equal(str_copy(c.want[i].email, sizeof(c.want[i].email), demo[i].email), IE_OK);
	c.nwant = i;
	assert_int_equal(auth_user_list(db, collect, &c), IE_OK);
	assert_true(c.n == users_total());
	for (i = 0; i < c.nwant; i++) {
		if (!c.want[i].pos)
			fail_msg("auth_user_list did not return the demo user %s", demo[i].email);
		assert_int_equal(c.want[i].role, demo[i].role);
		assert_int_equal(c.want[i].active, 1);
		if (demo[i].role == ROLE_CUSTOMER)
			assert_true(c.want[i].customer_id > 0);
		else
			assert_true(c.want[i].customer_id == 0);
		/* ordered by email */
		if (i)
			assert_true(c.want[i].pos > c.want[i - 1].pos);
	}
}

static void test_user_list_stops_on_error(void **state)
{
	struct list_ctx c;

	(void)state;
	memset(&c, 0, sizeof(c));
	c.stop_after = 2;
	assert_int_equal(auth_user_list(db, collect, &c), IE_INTERNAL);
	assert_int_equal(c.n, 2);
}

static void test_config_missing(void **state)
{
	(void)state;
	fail_msg("INVOICE_CONFIG is not set: test_authdb needs a live, migrated MariaDB with demo data "
		 "(tests/http/run provides one; or scripts/dev stack-start DIR, invoicectl demo, "
		 "then INVOICE_CONFIG=DIR/invoice.hdf)");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_user_add_then_login_data),
		cmocka_unit_test(test_duplicate_email_conflict),
		cmocka_unit_test(test_user_add_invalid),
		cmocka_unit_test(test_customer_user),
		cmocka_unit_test(test_user_list_demo_users),
		cmocka_unit_test(test_user_list_stops_on_error),
	};
	const struct CMUnitTest missing[] = {
		cmocka_unit_test(test_config_missing),
	};
	const char *path = getenv("INVOICE_CONFIG");

	if (!path || !*path)
		return cmocka_run_group_tests_name("test_authdb", missing, NULL, NULL);
	return cmocka_run_group_tests(tests, group_setup, group_teardown);
}
