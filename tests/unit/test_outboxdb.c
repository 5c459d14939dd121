/*
 * test_outboxdb.c — lib/outbox.c against a live, migrated MariaDB
 * (INVOICE_CONFIG, provided by tests/http/run): which events queue a message
 * under which customer settings (every kind, the payment and credit-note
 * calls the other modules make included), the dedupe key holding across
 * repeated events, drafts never; and the claim: a row another connection has
 * locked is skipped (FOR UPDATE SKIP LOCKED), a claimed row is leased, a lost
 * lease refuses the hand-over. The demo's own due mail is parked meanwhile;
 * everything is put back at the end.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "config.h"
#include "db.h"
#include "outbox.h"

static struct config cfg;
static struct db *db, *db2;
static long long inv, draft, cust, out0;
static char saved_email[255];
static long long saved_issued, saved_payment;

static int group_setup(void **state)
{
	char err[300] = "";
	struct db_res r = { 0 };

	(void)state;
	if (config_load(&cfg, getenv("INVOICE_CONFIG"), err, sizeof(err))) {
		print_error("test_outboxdb: INVOICE_CONFIG: %s\n", err);
		return -1;
	}
	if (db_new(&cfg, &db) || db_connect(db) || db_new(&cfg, &db2) || db_connect(db2))
		return -1;
	if (db_query_row(db, &r, "SELECT i.id, i.customer_id, c.email, c.notify_issued, c.notify_payment FROM invoices i "
			 "JOIN customers c ON c.id = i.customer_id WHERE i.status = 'open' "
			 "AND NOT EXISTS (SELECT 1 FROM outbox o WHERE o.invoice_id = i.id) ORDER BY i.id LIMIT 1", DB_NOARGS))
		return -1;
	inv = db_int(&r, 0);
	cust = db_int(&r, 1);
	str_copy(saved_email, sizeof(saved_email), db_str(&r, 2));
	saved_issued = db_int(&r, 3);
	saved_payment = db_int(&r, 4);
	db_free(&r);
	if (db_query_row(db, &r, "SELECT COALESCE((SELECT id FROM invoices WHERE status = 'draft' AND customer_id = ? "
			 "LIMIT 1), 0), (SELECT COALESCE(MAX(id), 0) FROM outbox)", DB_ARGS(DB_I(cust))))
		return -1;
	draft = db_int(&r, 0);
	out0 = db_int(&r, 1);
	db_free(&r);
	/* the demo's due mail waits until the end */
	if (db_exec(db, "UPDATE outbox SET next_attempt_at = next_attempt_at + INTERVAL 100 YEAR "
		    "WHERE status IN ('queued', 'sending')", DB_NOARGS, NULL, NULL))
		return -1;
	return 0;
}

static int group_teardown(void **state)
{
	(void)state;
	db_exec(db, "DELETE FROM outbox WHERE id > ?", DB_ARGS(DB_I(out0)), NULL, NULL);
	db_exec(db, "UPDATE outbox SET next_attempt_at = next_attempt_at - INTERVAL 100 YEAR "
		"WHERE status IN ('queued', 'sending') AND next_attempt_at > NOW() + INTERVAL 50 YEAR", DB_NOARGS, NULL, NULL);
	db_exec(db, "UPDATE customers SET email = ?, notify_issued = ?, notify_payment = ? WHERE id = ?",
		DB_ARGS(DB_S(saved_email), DB_I(saved_issued), DB_I(saved_payment), DB_I(cust)), NULL, NULL);
	db_close(db);
	db_close(db2);
	config_free(&cfg);
	return 0;
}

struct q {
	enum outbox_kind kind;
	long long invoice, ref;
	int queued;
};

static ierr queue_tx(struct db *d, void *ctx)
{
	struct q *q = ctx;

	return outbox_queue(d, q->kind, q->invoice, q->ref, &q->queued);
}

static long long rows_of(const char *key)
{
	struct db_res r = { 0 };
	long long n;

	assert_int_equal(db_query_row(db, &r, "SELECT COUNT(*) FROM outbox WHERE dedupe_key = ?", DB_ARGS(DB_S(key))), IE_OK);
	n = db_int(&r, 0);
	db_free(&r);
	return n;
}

static void test_queue_rules(void **state)
{
	static const struct {
		enum outbox_kind kind;
		const char *email;
		int notify_issued, notify_payment;
		int queued;
	} cases[] = {
		{ OUTBOX_INVOICE_ISSUED, "a@example.com", 0, 0, 1 },    /* the issuer chose "notify" */
		{ OUTBOX_CREDIT_NOTE, "a@example.com", 0, 0, 1 },       /* likewise */
		{ OUTBOX_INVOICE_VOIDED, "a@example.com", 1, 0, 1 },
		{ OUTBOX_INVOICE_VOIDED, "a@example.com", 0, 1, 0 },    /* the customer said no */
		{ OUTBOX_PAYMENT_RECEIVED, "a@example.com", 0, 1, 1 },
		{ OUTBOX_PAYMENT_RECEIVED, "a@example.com", 1, 0, 0 },
		{ OUTBOX_INVOICE_ISSUED, "", 1, 1, 0 },                 /* no address */
		{ OUTBOX_PAYMENT_RECEIVED, "", 1, 1, 0 },
	};
	(void)state;
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		struct q q = { cases[i].kind, inv, 7000 + (long long)i, -1 };
		char key[100];

		assert_int_equal(db_exec(db, "UPDATE customers SET email = ?, notify_issued = ?, notify_payment = ? WHERE id = ?",
					 DB_ARGS(DB_S(cases[i].email), DB_I(cases[i].notify_issued),
						 DB_I(cases[i].notify_payment), DB_I(cust)), NULL, NULL), IE_OK);
		assert_int_equal(outbox_dedupe_key(q.kind, q.invoice, q.ref, key, sizeof(key)), IE_OK);
		db_exec(db, "DELETE FROM outbox WHERE dedupe_key = ?", DB_ARGS(DB_S(key)), NULL, NULL);
		assert_int_equal(db_tx(db, queue_tx, &q), IE_OK);
		assert_int_equal(q.queued, cases[i].queued);
		assert_int_equal(rows_of(key), cases[i].queued);
		/* the same event again (a retried transaction, a repeated call): nothing more */
		assert_int_equal(db_tx(db, queue_tx, &q), IE_OK);
		assert_int_equal(q.queued, 0);
		assert_int_equal(rows_of(key), cases[i].queued);
		db_exec(db, "DELETE FROM outbox WHERE dedupe_key = ?", DB_ARGS(DB_S(key)), NULL, NULL);
	}
	/* a draft never, whatever the settings; a payment needs its allocation id */
	if (draft) {
		struct q d = { OUTBOX_INVOICE_ISSUED, draft, 0, -1 };

		assert_int_equal(db_tx(db, queue_tx, &d), IE_OK);
		assert_int_equal(d.queued, 0);
	}
	{
		struct q p = { OUTBOX_PAYMENT_RECEIVED, inv, 0, -1 };

		assert_int_equal(db_tx(db, queue_tx, &p), IE_INVALID);
	}
}

struct lock_ctx {
	long long locked;
	struct outbox_cfg oc;
	struct outbox_row row;
	ierr claimed;
};

/* While this transaction holds the oldest due row, the other connection claims. */
static ierr lock_tx(struct db *d, void *ctx)
{
	struct lock_ctx *c = ctx;
	struct db_res r = { 0 };
	ierr e = db_query_row(d, &r, "SELECT id FROM outbox WHERE status = 'queued' AND next_attempt_at <= NOW() "
			      "ORDER BY next_attempt_at, id LIMIT 1 FOR UPDATE", DB_NOARGS);

	c->locked = e ? 0 : db_int(&r, 0);
	db_free(&r);
	if (e)
		return e;
	c->claimed = outbox_claim(db2, &c->oc, &c->row, NULL);
	return IE_OK;
}

static void test_claim_skips_locked_rows(void **state)
{
	struct lock_ctx c = { 0 };
	struct q a = { OUTBOX_INVOICE_ISSUED, inv, 0, -1 }, b = { OUTBOX_PAYMENT_RECEIVED, inv, 9001, -1 };
	struct outbox_row again = { 0 };
	struct db_res r = { 0 };
	(void)state;

	assert_int_equal(db_exec(db, "UPDATE customers SET email = 'claim@example.com', notify_payment = 1 WHERE id = ?",
				 DB_ARGS(DB_I(cust)), NULL, NULL), IE_OK);
	db_exec(db, "DELETE FROM outbox WHERE invoice_id = ? AND id > ?", DB_ARGS(DB_I(inv), DB_I(out0)), NULL, NULL);
	assert_int_equal(db_tx(db, queue_tx, &a), IE_OK);
	assert_int_equal(db_tx(db, queue_tx, &b), IE_OK);
	assert_int_equal(a.queued + b.queued, 2);
	assert_int_equal(outbox_cfg_load(&cfg, &c.oc), IE_OK);
	assert_int_equal(db_tx(db, lock_tx, &c), IE_OK);
	assert_int_equal(c.claimed, IE_OK);
	assert_true(c.locked > 0);
	assert_int_not_equal(c.row.id, c.locked);          /* the locked one was skipped */
	assert_int_equal(c.row.attempts, 1);
	/* the claimed row is leased: status sending, due again only after the lease */
	assert_int_equal(db_query_row(db, &r, "SELECT status, next_attempt_at > NOW() + INTERVAL 60 SECOND, handed_at IS NULL "
				      "FROM outbox WHERE id = ?", DB_ARGS(DB_I(c.row.id))), IE_OK);
	assert_string_equal(db_str(&r, 0), "sending");
	assert_int_equal(db_int(&r, 1), 1);
	assert_int_equal(db_int(&r, 2), 1);
	db_free(&r);
	/* the next claim takes the other one; then nothing is due */
	assert_int_equal(outbox_claim(db, &c.oc, &again, NULL), IE_OK);
	assert_int_equal(again.id, c.locked);
	assert_int_equal(outbox_claim(db, &c.oc, &again, NULL), IE_NOTFOUND);
	/* a run whose lease was taken over may not hand the row to sendmail */
	assert_int_equal(outbox_handed(db, &c.row), IE_OK);
	c.row.attempts = 99;
	assert_int_equal(outbox_handed(db, &c.row), IE_CONFLICT);
	outbox_row_free(&c.row);
	outbox_row_free(&again);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_queue_rules),
		cmocka_unit_test(test_claim_skips_locked_rows),
	};
	return cmocka_run_group_tests(tests, group_setup, group_teardown);
}
