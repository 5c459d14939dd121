/*
 * send_mail.c — `invoicectl send-mail [--dry-run]` (cron): delivers the due
 * outbox messages through Mail.Sendmail, each claimed, handed over and
 * recorded as lib/outbox.h describes, so overlapping or killed runs never
 * send one twice. --dry-run prints every message that would go out and
 * changes nothing.
 */
#include <stdio.h>
#include <string.h>
#include <time.h>
#include "config.h"
#include "db.h"
#include "mail.h"
#include "outbox.h"
#include "send_mail.h"
#include "tmpl.h"

struct run {
	const struct config *cfg;
	struct db *db;
	struct outbox_cfg oc;
	struct tmpl *text, *html;
	unsigned long sent, retried, failed, skipped, interrupted;
};

static ierr print_one(void *ctx, struct outbox_row *row)
{
	struct run *r = ctx;
	struct buf msg = BUF_INIT;
	ierr e = outbox_message(r->db, r->cfg, &r->oc, r->text, r->html, row, time(NULL), &msg);

	if (e == IE_OK) {
		printf("=== outbox %lld (%s, attempt %u) via %s\n%s\n", row->id, row->kind, row->attempts + 1,
		       r->oc.sendmail, msg.data);
		r->sent++;
	} else {
		printf("=== outbox %lld (%s): cannot be made: %s\n", row->id, row->kind, ierr_name(e));
		r->skipped++;
	}
	buf_free(&msg);
	return IE_OK;
}

/* One claimed row: render, hand over, record. A DB error ends the run. */
static ierr deliver(struct run *r, struct outbox_row *row)
{
	struct buf msg = BUF_INIT;
	char why[400] = "";
	ierr e = outbox_message(r->db, r->cfg, &r->oc, r->text, r->html, row, time(NULL), &msg);

	if (e) {
		snprintf(why, sizeof(why), "cannot make the message: %s", ierr_name(e));
	} else {
		e = outbox_handed(r->db, row);
		if (e == IE_CONFLICT) {          /* our lease ran out and another run has it */
			r->skipped++;
			e = IE_OK;
			goto out;
		}
		if (e)
			goto out;
		e = mail_sendmail(r->oc.sendmail, &msg, (unsigned)r->oc.timeout_s, why, sizeof(why));
		if (e && !why[0])
			snprintf(why, sizeof(why), "sendmail: %s", ierr_name(e));
	}
	if (why[0]) {
		fprintf(stderr, "invoicectl: send-mail: outbox %lld to %s: %s\n", row->id, row->to, why);
		if ((long)row->attempts >= r->oc.max_attempts)
			r->failed++;
		else
			r->retried++;
	} else {
		r->sent++;
	}
	e = outbox_done(r->db, &r->oc, row, why[0] ? why : NULL);
out:
	buf_free(&msg);
	return e;
}

int ctl_send_mail(const struct config *cfg, struct db *db, int argc, char **argv)
{
	struct run r = { cfg, db, { 0 }, NULL, NULL, 0, 0, 0, 0, 0 };
	struct outbox_row row = { 0 };
	int dry = 0, rc = 1, i;
	ierr e;

	for (i = 0; i < argc; i++) {
		if (!strcmp(argv[i], "--dry-run")) {
			dry = 1;
		} else {
			fprintf(stderr, "invoicectl: usage: invoicectl send-mail [--dry-run]\n");
			return 2;
		}
	}
	if (outbox_cfg_load(cfg, &r.oc)) {
		fprintf(stderr, "invoicectl: send-mail: a Mail.* setting is out of range, or Mail.From is not an address\n");
		return 1;
	}
	if (tmpl_new_text(cfg->templates_dir, &r.text) || tmpl_new(cfg->templates_dir, &r.html)) {
		fprintf(stderr, "invoicectl: send-mail: cannot load the templates from %s\n", cfg->templates_dir);
		goto out;
	}
	if (dry) {
		e = outbox_peek(db, r.oc.batch, print_one, &r);
	} else {
		e = IE_OK;
		while (!e && (long)(r.sent + r.retried + r.failed + r.skipped) < r.oc.batch) {
			unsigned interrupted = 0;

			e = outbox_claim(db, &r.oc, &row, &interrupted);
			r.interrupted += interrupted;
			if (!e)
				e = deliver(&r, &row);
		}
		if (e == IE_NOTFOUND)
			e = IE_OK;
	}
	if (e) {
		fprintf(stderr, "invoicectl: send-mail: %s (%s)\n", ierr_name(e), db_error(db));
		goto out;
	}
	if (dry)
		printf("%lu would be sent, %lu cannot be made (dry run: nothing changed)\n", r.sent, r.skipped);
	else
		printf("sent %lu, to retry %lu, failed %lu, interrupted %lu, skipped %lu\n", r.sent, r.retried,
		       r.failed, r.interrupted, r.skipped);
	rc = 0;
out:
	outbox_row_free(&row);
	tmpl_free(r.text);
	tmpl_free(r.html);
	return rc;
}
