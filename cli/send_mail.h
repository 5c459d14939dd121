/* send_mail.h — `invoicectl send-mail [--dry-run]` (cli/send_mail.c). */
#ifndef INVOICE_SEND_MAIL_H
#define INVOICE_SEND_MAIL_H

struct config;
struct db;

/* Exit status: 0 done (failures to deliver are retried later, not errors), 1 error, 2 usage. */
int ctl_send_mail(const struct config *cfg, struct db *db, int argc, char **argv);

#endif
