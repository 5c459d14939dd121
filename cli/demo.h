/*
 * demo.h — `invoicectl demo`: loads a realistic, deterministic data set
 * (customers, packages, invoices in every status, credit notes, payments,
 * usage, audit events, mail, users) into an empty database, in bulk.
 */
#ifndef INVOICE_DEMO_H
#define INVOICE_DEMO_H

#include "db.h"
#include "config.h"
struct demo_opts { long customers, invoices, usage; int progress; unsigned seed; };
/* Loads demo data into an empty database (refuses with IE_CONFLICT if customers exist). */
ierr demo_run(struct db *db, const struct config *cfg, const struct demo_opts *o, char *errbuf, size_t errlen);

#endif
