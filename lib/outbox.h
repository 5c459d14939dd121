/*
 * outbox.h — customer notifications: queued in the `outbox` table inside the
 * transaction of the change they report, delivered later by
 * `invoicectl send-mail` (cron) through lib/mail.h.
 *
 * Queueing (inside the caller's db_tx / once_run callback):
 *
 *   outbox_queue(db, OUTBOX_INVOICE_ISSUED,   invoice_id, 0, &n)   ied_issue_tx, "notify" chosen
 *   outbox_queue(db, OUTBOX_CREDIT_NOTE,      credit_note_id, 0, &n)   ied_issue_tx of a credit note, "notify"
 *   outbox_queue(db, OUTBOX_INVOICE_VOIDED,   invoice_id, 0, &n)   ied_void_tx
 *   outbox_queue(db, OUTBOX_PAYMENT_RECEIVED, invoice_id, allocation_id, &n)   an allocation
 *
 * A message goes to the customer's e-mail address (customers.email; none when
 * it is empty), only for issued documents, and only when the customer wants
 * it: invoice_issued and credit_note are queued by the issuer's "notify"
 * choice (the caller only calls when it was chosen); invoice_voided when
 * customers.notify_issued is on; payment_received when
 * customers.notify_payment is on. Each event has a dedupe key
 * ("invoice_issued:ID", "credit_note:ID", "invoice_voided:ID",
 * "payment_received:ALLOCATION:ID") under the outbox's unique index, and the
 * row is written with INSERT IGNORE: a retried transaction or the same event
 * reported again queues nothing more (*queued says 1 or 0).
 *
 * The stored row holds the subject and an empty body; the message itself
 * (text + HTML, templates/mail_text.cs and mail_html.cs) is made when it is
 * sent, with a signed link to the PDF (lib/link.h, Mail.LinkDays, current link
 * epoch: a revoked link is never mailed) and never a password. Rows without an
 * invoice (kind password_set, lib/users.c) carry their text in `body` and go
 * out as text/plain.
 *
 * Delivery, at most once per row even with overlapping or killed runs:
 *   1. claim — a short transaction takes the oldest due row with
 *      SELECT ... FOR UPDATE SKIP LOCKED (another run skips it), sets status
 *      'sending', attempts + 1 and a lease (next_attempt_at = now +
 *      Mail.LeaseSeconds), handed_at NULL;
 *   2. handed — just before the message goes to sendmail, handed_at = now,
 *      only while this run's lease holds (same attempts, still 'sending');
 *   3. done — 'sent' with sent_at, or back to 'queued' with last_error and
 *      next_attempt_at = now + outbox_backoff(attempts), or 'failed' after
 *      Mail.MaxAttempts.
 * A row found 'sending' past its lease was left by a run that died: with
 * handed_at NULL it never reached sendmail and is claimed again; with
 * handed_at set it may have gone out, so it becomes 'failed' ("interrupted
 * ... not sent again") for staff to re-send by hand rather than risk a double.
 */
#ifndef INVOICE_OUTBOX_H
#define INVOICE_OUTBOX_H

#include <stddef.h>
#include <time.h>
#include "buf.h"
#include "err.h"

struct db;
struct config;
struct tmpl;
struct db_res;

enum outbox_kind {
	OUTBOX_INVOICE_ISSUED,
	OUTBOX_INVOICE_VOIDED,
	OUTBOX_CREDIT_NOTE,
	OUTBOX_PAYMENT_RECEIVED,
	OUTBOX__KINDS
};

/* "invoice_issued" "invoice_voided" "credit_note" "payment_received" */
const char *outbox_kind_name(enum outbox_kind k);

/* The dedupe key of an event; IE_INVALID for ids < 1 (ref_id is used by
 * payment_received only and must be >= 1 there). */
ierr outbox_dedupe_key(enum outbox_kind k, long long invoice_id, long long ref_id, char *out, size_t outsz);

/* Queues the event's message in the caller's transaction (see above).
 * queued may be NULL. */
ierr outbox_queue(struct db *db, enum outbox_kind k, long long invoice_id, long long ref_id, int *queued);

/* Seconds before attempt `attempts` + 1 after a failure: base x 2^(attempts-1),
 * at most 6 hours (attempts >= 1). */
long outbox_backoff(unsigned attempts, long base_s);

/* Mail.* settings with their defaults. */
struct outbox_cfg {
	const char *sendmail;        /* Mail.Sendmail "/usr/sbin/sendmail -t -i" */
	const char *from;            /* Mail.From, else Seller.Email, else "invoices@localhost" */
	const char *from_name;       /* Mail.FromName, else Seller.Name / Site.Name */
	long timeout_s;              /* Mail.TimeoutSeconds 60: sendmail killed after */
	long lease_s;                /* Mail.LeaseSeconds 600 (> timeout) */
	long retry_s;                /* Mail.RetrySeconds 60: first backoff */
	long max_attempts;           /* Mail.MaxAttempts 8 */
	long link_days;              /* Mail.LinkDays 30 */
	long batch;                  /* Mail.Batch 200: most messages one run sends */
};
ierr outbox_cfg_load(const struct config *cfg, struct outbox_cfg *oc);

/* One claimed (or, for --dry-run, peeked) row. Strings are owned by the row. */
struct outbox_row {
	long long id, invoice_id, customer_id;
	unsigned attempts;           /* after the claim */
	time_t created;
	char kind[33], to[255], subject[256];
	struct buf body;
};
void outbox_row_free(struct outbox_row *r);

/* Claims the next due row (step 1). IE_NOTFOUND when nothing is due.
 * *interrupted counts rows found handed and expired (made 'failed'). */
ierr outbox_claim(struct db *db, const struct outbox_cfg *oc, struct outbox_row *row, unsigned *interrupted);
/* The due rows in claim order, without claiming (dry run); fn per row. */
ierr outbox_peek(struct db *db, long limit, ierr (*fn)(void *ctx, struct outbox_row *row), void *ctx);
/* Step 2: IE_CONFLICT when the lease was lost (another run took the row). */
ierr outbox_handed(struct db *db, const struct outbox_row *row);
/* Step 3: err NULL when sent; else the failure, retried with backoff. */
ierr outbox_done(struct db *db, const struct outbox_cfg *oc, const struct outbox_row *row, const char *err);

/* The whole message of a row, ready for sendmail: rendered with the text
 * and HTML template sets (tmpl_new_text / tmpl_new) at `now`. IE_NOTFOUND
 * when its invoice is gone or a draft again (never sent). */
ierr outbox_message(struct db *db, const struct config *cfg, const struct outbox_cfg *oc, struct tmpl *text,
		    struct tmpl *html, const struct outbox_row *row, time_t now, struct buf *out);

/* ---- staff: an invoice's notifications ---- */

/* Newest first, at most 50 rows: 0 id, 1 kind, 2 to_address, 3 status
 * (queued sending sent failed), 4 attempts, 5 last_error, 6 created_at,
 * 7 sent_at ("" when not sent), 8 subject. */
ierr outbox_history(struct db *db, long long invoice_id, ierr (*fn)(void *ctx, const struct db_res *r), void *ctx);

struct auth_user;
/* Queues message `outbox_id` of invoice `invoice_id` again, as a new row
 * (no dedupe key: the caller's one-time key makes the form act once), to the
 * customer's current address, with an audit event on the invoice; inside the
 * caller's transaction. IE_NOTFOUND when the row is not the invoice's,
 * IE_CONFLICT when the customer has no address now. */
ierr outbox_resend_in(struct db *db, const struct auth_user *user, const char *address, long long invoice_id,
		      long long outbox_id, long long *new_id);

#endif
