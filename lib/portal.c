/* portal.c — the customer portal's reads and changes (see portal.h). */
#include <stdio.h>
#include <string.h>
#include <sodium.h>
#include "audit.h"
#include "auth.h"
#include "customer.h"
#include "date.h"
#include "db.h"
#include "mail.h"
#include "portal.h"
#include "users.h"

ierr portal_account_get(struct db *db, long long customer_id, struct portal_account *a)
{
	struct db_res r;
	ierr e = db_query_row(db, &r, "SELECT id, row_version, name, email, time_zone, currency, notify_issued, "
			      "notify_payment FROM customers WHERE id = ?", DB_ARGS(DB_I(customer_id)));

	if (!e) {
		memset(a, 0, sizeof(*a));
		a->customer_id = db_int(&r, 0);
		a->row_version = db_int(&r, 1);
		if (str_copy(a->name, sizeof(a->name), db_str(&r, 2)) || str_copy(a->email, sizeof(a->email), db_str(&r, 3))
		    || str_copy(a->time_zone, sizeof(a->time_zone), db_str(&r, 4))
		    || str_copy(a->currency, sizeof(a->currency), db_str(&r, 5)))
			e = IE_INTERNAL;
		a->notify_issued = (int)db_int(&r, 6);
		a->notify_payment = (int)db_int(&r, 7);
	}
	db_free(&r);
	return e;
}

#define PORTAL_INVOICE_COLS "id, number, invoice_date, due_date, currency, kind, status, total, paid_amount, balance"

static ierr invoice_row(const struct db_res *r, const char *today, struct portal_invoice *p)
{
	int exp = money_exponent(db_str(r, 4));

	memset(p, 0, sizeof(*p));
	p->id = db_int(r, 0);
	if (exp < 0 || str_copy(p->number, sizeof(p->number), db_str(r, 1))
	    || str_copy(p->invoice_date, sizeof(p->invoice_date), db_str(r, 2))
	    || str_copy(p->due_date, sizeof(p->due_date), db_str(r, 3)) || str_copy(p->currency, sizeof(p->currency), db_str(r, 4))
	    || str_copy(p->kind, sizeof(p->kind), db_str(r, 5)) || money_from_db(db_str(r, 7), exp, &p->total)
	    || money_from_db(db_str(r, 8), exp, &p->paid) || money_from_db(db_str(r, 9), exp, &p->balance))
		return IE_INTERNAL;
	p->shown = inv_shown_of(db_str(r, 6), p->kind, p->paid, p->due_date, today);
	return IE_OK;
}

ierr portal_next_due(struct db *db, long long customer_id, const char *today, struct portal_invoice *out)
{
	struct db_res r;
	ierr e = db_query_row(db, &r, "SELECT " PORTAL_INVOICE_COLS " FROM invoices "
			      "WHERE customer_id = ? AND status = 'open' AND kind = 'invoice' AND due_date >= ? "
			      "ORDER BY due_date, id LIMIT 1", DB_ARGS(DB_I(customer_id), DB_S(today)));

	if (!e)
		e = invoice_row(&r, today, out);
	db_free(&r);
	return e;
}

ierr portal_latest(struct db *db, long long customer_id, const char *today, struct portal_invoice *out,
		   size_t max, size_t *n)
{
	struct db_res r;
	ierr e;

	*n = 0;
	e = db_query(db, &r, "SELECT " PORTAL_INVOICE_COLS " FROM invoices "
		     "WHERE customer_id = ? AND status <> 'draft' ORDER BY invoice_date DESC, id DESC LIMIT ?",
		     DB_ARGS(DB_I(customer_id), DB_I((long long)max)));
	while (!e && (e = db_next(&r)) == IE_OK && *n < max)
		if (!(e = invoice_row(&r, today, &out[*n])))
			(*n)++;
	if (e == IE_NOTFOUND)
		e = IE_OK;
	db_free(&r);
	return e;
}

ierr portal_chart(const struct customer_month *m, size_t n, const char *currency, const char *today,
		  struct dash_month out[DASH_MONTHS])
{
	struct date d;
	int y, mo;
	ierr e;

	if ((e = date_parse(today, &d)))
		return e;
	y = d.y;
	mo = d.m - (DASH_MONTHS - 1);
	while (mo < 1) {
		mo += 12;
		y--;
	}
	for (size_t i = 0; i < DASH_MONTHS; i++) {
		memset(&out[i], 0, sizeof(out[i]));
		snprintf(out[i].month, sizeof(out[i].month), "%04u-%02u", (unsigned)y % 10000u, (unsigned)mo % 100u);
		for (size_t k = 0; k < n; k++) {
			if (!strcmp(m[k].month, out[i].month) && !strcmp(m[k].currency, currency)) {
				out[i].billed = m[k].billed;
				out[i].paid = m[k].paid;
			}
		}
		if (++mo > 12) {
			mo = 1;
			y++;
		}
	}
	return IE_OK;
}

ierr portal_settings_save_in(struct db *db, const struct auth_user *user, const char *address,
			     const struct portal_account *want, const char **why)
{
	struct portal_account before;
	struct audit_json b = AUDIT_JSON_INIT, a = AUDIT_JSON_INIT;
	struct db_res r;
	ierr e;

	*why = NULL;
	if (want->email[0] && !mail_address_ok(want->email)) {
		*why = "Enter one e-mail address, such as accounts@example.com.";
		return IE_INVALID;
	}
	e = db_query_row(db, &r, "SELECT id FROM customers WHERE id = ? FOR UPDATE", DB_ARGS(DB_I(want->customer_id)));
	db_free(&r);
	if (e || (e = portal_account_get(db, want->customer_id, &before)))
		return e;
	if (before.row_version != want->row_version) {
		*why = "Someone else changed these settings meanwhile. Here they are as they are now.";
		return IE_CONFLICT;
	}
	if ((e = db_exec(db, "UPDATE customers SET email = ?, notify_issued = ?, notify_payment = ?, "
			 "row_version = row_version + 1 WHERE id = ?",
			 DB_ARGS(DB_S(want->email), DB_I(want->notify_issued != 0), DB_I(want->notify_payment != 0),
				 DB_I(want->customer_id)), NULL, NULL)))
		goto out;
	if ((e = audit_json_str(&b, "email", before.email)) || (e = audit_json_bool(&b, "notify_issued", before.notify_issued))
	    || (e = audit_json_bool(&b, "notify_payment", before.notify_payment)) || (e = audit_json_end(&b))
	    || (e = audit_json_str(&a, "email", want->email)) || (e = audit_json_bool(&a, "notify_issued", want->notify_issued))
	    || (e = audit_json_bool(&a, "notify_payment", want->notify_payment)) || (e = audit_json_end(&a)))
		goto out;
	e = audit_event(db, user, address, "customer", want->customer_id, "portal_settings", b.b.data, a.b.data);
out:
	audit_json_free(&b);
	audit_json_free(&a);
	return e;
}

struct pw_ctx {
	const struct auth_user *user;
	const char *address, *old_hash, *new_hash;
};

static ierr pw_tx(struct db *db, void *ctx)
{
	struct pw_ctx *c = ctx;
	unsigned long long n = 0;
	ierr e;

	/* only over the hash that was checked: a change in between refuses */
	if ((e = db_exec(db, "UPDATE users SET password_hash = ? WHERE id = ? AND password_hash = ? AND active = 1",
			 DB_ARGS(DB_S(c->new_hash), DB_I(c->user->id), DB_S(c->old_hash)), &n, NULL)))
		return e;
	if (n == 0)
		return IE_CONFLICT;
	if ((e = db_exec(db, "DELETE FROM sessions WHERE user_id = ?", DB_ARGS(DB_I(c->user->id)), NULL, NULL)))
		return e;
	return audit_event(db, c->user, c->address, "user", c->user->id, "password_change", NULL,
			   "{\"password\": \"changed\"}");
}

ierr portal_password_change(struct db *db, const struct config *cfg, const struct auth_user *user,
			    const char *address, const char *current, const char *password, const char *again,
			    const char **why)
{
	char old_hash[crypto_pwhash_STRBYTES], new_hash[crypto_pwhash_STRBYTES];
	struct pw_ctx c = { user, address, old_hash, new_hash };
	struct db_res r;
	ierr e;

	*why = NULL;
	e = db_query_row(db, &r, "SELECT password_hash FROM users WHERE id = ? AND active = 1", DB_ARGS(DB_I(user->id)));
	if (!e && str_copy(old_hash, sizeof(old_hash), db_str(&r, 0)))
		e = IE_INTERNAL;
	db_free(&r);
	if (e)
		return e;
	if (!old_hash[0] || !auth_password_verify(old_hash, current)) {
		*why = "The current password is not right.";
		return IE_DENIED;
	}
	if ((e = users_rule_password(password, again, why)))
		return e;
	if ((e = auth_password_hash(cfg, password, new_hash, sizeof(new_hash))))
		return e;
	e = db_tx(db, pw_tx, &c);
	if (e == IE_CONFLICT)
		*why = "The password was changed meanwhile. Please sign in again.";
	sodium_memzero(new_hash, sizeof(new_hash));
	return e;
}
