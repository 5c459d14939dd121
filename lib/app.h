/*
 * app.h — the request context, the FastCGI loop, parameters, responses.
 *
 * Every executable declares a dispatch table and calls app_main():
 *
 *   static const struct app_route routes[] = {
 *       { APP_GET,  "/invoices/{id}", ACT_INVOICE_READ, view_invoice },
 *   };
 *   int main(int argc, char **argv) { return app_main(argc, argv, &def); }
 *
 * Before a handler runs, app has parsed the query and the form body (limits
 * and UTF-8 checked), loaded the session, checked the CSRF token of a POST and
 * the route's required action (auth_allowed). A handler reads typed values
 * through app_fields() and answers with app_render()/app_redirect(), or returns
 * an ierr, which app turns into the matching error page (never internals).
 *
 * Everything a request allocates lives in req->arena or is released by
 * app_req_reset(), called once at the end of every loop pass.
 *
 * Modes: `--listen PATH|HOST:PORT` (own socket, mode 0660 for a path),
 * listening socket on fd 0 (spawn-fcgi, mod_fcgid, systemd), or plain CGI
 * (one request from the environment, then exit). `--workers N` forks N
 * accept loops on the same socket and restarts any that dies.
 */
#ifndef INVOICE_APP_H
#define INVOICE_APP_H

#include <stddef.h>
#include <time.h>
#include "err.h"
#include "buf.h"
#include "auth.h"
#include "tmpl.h"

struct config;
struct db;
struct tmpl;
struct req;

enum app_method { APP_GET = 1, APP_POST = 2, APP_HEAD = 4 };

struct app_kv {
	const char *key;
	const char *val;        /* decoded, valid UTF-8, NUL-terminated */
	size_t len;
};

/* A typed parameter value, filled by a validator. */
struct app_value {
	int present;
	long long i;            /* ids, integers, amounts in minor units, days since epoch */
	const char *s;          /* the (validated) text */
	size_t len;
};

/* Returns IE_OK and fills `out`, or IE_INVALID. */
typedef ierr (*app_validator)(struct req *req, const char *raw, size_t len, struct app_value *out);

struct app_field {
	const char *name;
	app_validator valid;
	int required;
};

/* The stock validators. */
ierr app_v_id(struct req *, const char *, size_t, struct app_value *);        /* 1..2^53 */
ierr app_v_uint(struct req *, const char *, size_t, struct app_value *);      /* 0..2^53 */
ierr app_v_line(struct req *, const char *, size_t, struct app_value *);      /* one line, <= 255 bytes, no control chars */
ierr app_v_text(struct req *, const char *, size_t, struct app_value *);      /* <= 8000 bytes, newlines allowed */
ierr app_v_email(struct req *, const char *, size_t, struct app_value *);     /* local@domain, <= 254 */
ierr app_v_password(struct req *, const char *, size_t, struct app_value *);  /* 1..1024 bytes */
ierr app_v_token(struct req *, const char *, size_t, struct app_value *);     /* 64 lowercase hex */
ierr app_v_date(struct req *, const char *, size_t, struct app_value *);      /* YYYY-MM-DD; i = days since 1970-01-01 */
ierr app_v_localpath(struct req *, const char *, size_t, struct app_value *); /* "/..." on this site, not "//" */

typedef ierr (*app_handler)(struct req *req);

struct app_route {
	unsigned methods;       /* APP_GET | APP_POST; HEAD follows GET */
	const char *pattern;    /* literal text with {id} (positive integer) and {tok} ([A-Za-z0-9_-]+) */
	enum auth_action need;  /* ACT_PUBLIC: no session required */
	app_handler fn;
};

struct app_def {
	const char *name;
	const struct app_route *routes;
	size_t nroutes;
	const char *pref;          /* the user preference its pages read (auth_pref), or NULL */
};

/* Where the response goes: FastCGI stream, stdout (CGI) or memory (tests). */
struct app_io {
	ierr (*write)(void *ctx, const char *p, size_t n);
	long (*read)(void *ctx, char *p, size_t n);
	void *ctx;
};

#define APP_MAX_CAPTURES 4

struct req {
	/* process-wide, borrowed */
	const struct app_def *def;
	const struct config *cfg;
	struct db *db;
	struct tmpl *tmpl;
	struct memo *memo;         /* values stamped with a data version (memo.h); may be NULL */
	struct log *log;           /* the error log, repeats held back (log.h); NULL: plain stderr */

	/* per request */
	struct arena *arena;
	char **env;
	struct app_io io;
	time_t now;
	struct timespec started;   /* for the Server-Timing header */
	enum app_method method;
	const char *path;          /* SCRIPT_NAME + PATH_INFO (nginx's empty PATH_INFO == unset) */
	const char *query;         /* raw QUERY_STRING */
	const char *remote_addr;
	int https;
	struct app_kv *params;     /* query first, then form body */
	size_t nparams;
	size_t nquery;             /* params[0..nquery) came from the query string */
	struct app_kv *cookies;
	size_t ncookies;
	long long ids[APP_MAX_CAPTURES];
	const char *words[APP_MAX_CAPTURES];
	const struct app_route *route;

	struct auth_session session;   /* session.user.id == 0: anonymous */

	void *hdf;                 /* HDF *, created on first use, freed at reset */

	/* response */
	int status;
	struct buf headers;
	struct buf body;
	int streaming;             /* headers sent, body written through */
	int content_type_set;
	int cache_control_set;
	const char *error_msg;     /* user-facing reason for an error page */
	const char *error_param;   /* which parameter was wrong */
};

/* Process entry point: parses argv, loads config, runs the loop. */
int app_main(int argc, char **argv, const struct app_def *def);

/* Builds a request from an environment and body (used by the loop, CGI mode
 * and unit tests). Returns an ierr for malformed requests; the caller then
 * still calls app_dispatch, which renders the matching error page. */
ierr app_req_init(struct req *req, const struct app_def *def, const struct config *cfg,
		  struct db *db, struct tmpl *tmpl, struct arena *arena, char **env,
		  struct app_io io);
/* Parses, authenticates, routes, runs the handler, writes the response. */
void app_dispatch(struct req *req, ierr parse_err);
/* Releases everything the request holds (HDF, buffers, arena contents). */
void app_req_reset(struct req *req);

/* Environment / parameters */
const char *app_env(const struct req *req, const char *name);
const char *app_param(const struct req *req, const char *name);    /* first value or NULL */
size_t app_param_count(const struct req *req, const char *name);
/* First value of a POST body field, never from the query string (CSRF tokens). */
const char *app_body_param(const struct req *req, const char *name);
const char *app_cookie(const struct req *req, const char *name);
/* Validates fields into out[] (same order). On failure sets error_param. */
ierr app_fields(struct req *req, const struct app_field *fields, size_t n, struct app_value *out);
/* Calls fn for every value of a repeated parameter, validated. */
ierr app_field_each(struct req *req, const char *name, app_validator valid,
		    ierr (*fn)(struct req *, const struct app_value *, void *), void *ctx);

/* Response */
ierr app_header(struct req *req, const char *name, const char *value);
ierr app_set_cookie(struct req *req, const char *name, const char *value, long max_age,
		    int http_only, const char *same_site);
ierr app_redirect(struct req *req, int status, const char *location);
ierr app_write(struct req *req, const char *p, size_t n);
/* Sends headers now; later app_write goes straight out (exports). */
ierr app_stream(struct req *req);
/* Renders templates/<name> with req's HDF into the body (text/html). */
ierr app_render(struct req *req, const char *name);
/* The same, with HTML the handler built through html.h's escapers put in
 * place of the template's <!--slot:NAME--> markers (see tmpl.h). */
ierr app_render_slots(struct req *req, const char *name, const struct tmpl_slot *slots, size_t nslots);
/* Sets an error for the error page and returns e (for `return app_fail(...)`). */
ierr app_fail(struct req *req, ierr e, const char *msg);

/* HDF helpers: the handler's only way to pass data to templates. */
void *app_hdf(struct req *req);
ierr app_set(struct req *req, const char *key, const char *value);
ierr app_setf(struct req *req, const char *key, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
ierr app_set_int(struct req *req, const char *key, long long v);
/* Sets "<prefix>.<idx>.<field>" (field may be NULL: "<prefix>.<idx>"). */
ierr app_set_at(struct req *req, const char *prefix, size_t idx, const char *field, const char *value);
ierr app_set_at_int(struct req *req, const char *prefix, size_t idx, const char *field, long long v);

/* Status for an ierr (400, 403, 404, ...). */
int app_status_for(ierr e);

#endif
