/*
 * err.h — the one error convention of libinvoice.
 *
 * Every lib function that can fail returns an `ierr`; IE_OK (0) is success.
 * Callers check every result and leave through one `out:` label.
 * app.c maps the codes to HTTP statuses; invoicectl maps them to exit codes.
 */
#ifndef INVOICE_ERR_H
#define INVOICE_ERR_H

typedef enum ierr {
	IE_OK = 0,
	IE_INVALID,       /* bad input from outside: 400 */
	IE_UNAUTH,        /* no valid session: redirect to /login */
	IE_DENIED,        /* role may not do this: 403 */
	IE_NOTFOUND,      /* no such thing, or outside the caller's scope: 404 */
	IE_GONE,          /* existed but expired or revoked: 410 */
	IE_CONFLICT,      /* state forbids it (e.g. issue a void invoice): 409 */
	IE_THROTTLED,     /* too many attempts: 429 */
	IE_TOO_LARGE,     /* request body over the limit: 413 */
	IE_UNSUPPORTED,   /* media type or method not handled: 415/405 */
	IE_DB_RETRY,      /* deadlock/certification failure: retry the transaction */
	IE_DB_LOST,       /* connection lost; reconnect and retry if idempotent */
	IE_UNAVAILABLE,   /* no database answers: 503 */
	IE_DB,            /* other database error: 500 */
	IE_NOMEM,
	IE_IO,
	IE_INTERNAL,
	IE_OVERFLOW,      /* arithmetic result out of range */
	IE_DB_TIMEOUT     /* a statement ran past its time limit (MariaDB 1969): 503, never retried */
} ierr;

/* Short English name of a code, for logs (never for pages). */
const char *ierr_name(ierr e);

#endif
