/*
 * test_app.c — unit tests for lib/app.c, with requests built in-process:
 * an environment array, a memory app_io, the default config, no database
 * (public routes and requests without a session never touch it) and the
 * shipped templates for error pages.
 *
 * Covered: parameter parsing and limits (400/413/415), nginx's empty vs
 * Apache's unset PATH_INFO, route captures, the login redirect of protected
 * routes, CSRF on POST, every validator, response headers, cookie flags,
 * and app_req_reset releasing everything (run under valgrind/ASan).
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "app.h"
#include "buf.h"
#include "config.h"
#include "tmpl.h"

#define ARRAY_LEN(a) (sizeof(a) / sizeof((a)[0]))

#define TOKEN_A "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef"
#define TOKEN_B "fedcba9876543210fedcba9876543210fedcba9876543210fedcba9876543210"

/* ---------- memory I/O ---------- */

struct memio {
	struct buf out;
	const char *body;
	size_t len, pos;
};

static ierr mem_write(void *ctx, const char *p, size_t n)
{
	struct memio *m = ctx;

	return buf_put(&m->out, p, n);
}

static long mem_read(void *ctx, char *p, size_t n)
{
	struct memio *m = ctx;
	size_t left = m->len - m->pos;

	if (n > left)
		n = left;
	memcpy(p, m->body + m->pos, n);
	m->pos += n;
	return (long)n;
}

/* ---------- process-wide state, like app_main's ---------- */

static struct config base_cfg;          /* defaults */
static struct config cfg;               /* per test: a copy the test may change */
static struct tmpl *tmpl;
static struct arena *req_arena;         /* the request's arena */
static struct arena *test_arena;        /* environments built by the tests */
static struct memio mio;
static struct req req;

/* what the handlers saw */
static int calls;
static long long seen_ids[APP_MAX_CAPTURES];
static char seen_word[600];

static ierr h_ok(struct req *r)
{
	calls++;
	return app_write(r, "ok", 2);
}

static ierr h_ids(struct req *r)
{
	calls++;
	memcpy(seen_ids, r->ids, sizeof(seen_ids));
	return app_write(r, "ids", 3);
}

static ierr h_tok(struct req *r)
{
	calls++;
	assert_non_null(r->words[0]);
	assert_int_equal(str_copy(seen_word, sizeof(seen_word), r->words[0]), IE_OK);
	return IE_OK;
}

static ierr h_fail(struct req *r)
{
	calls++;
	return app_fail(r, IE_CONFLICT, "Cannot do <script>alert(1)</script> & that.");
}

static ierr h_fields(struct req *r)
{
	static const struct app_field fields[] = {
		{ "customer", app_v_id, 1 },
		{ "from", app_v_date, 0 },
	};
	struct app_value v[2];
	ierr e;

	calls++;
	if ((e = app_fields(r, fields, 2, v)))
		return e;
	return app_write(r, "fields-ok", 9);
}

static ierr h_render(struct req *r)
{
	ierr e;

	calls++;
	if ((e = app_set_int(r, "Error.Status", 200)) || (e = app_set(r, "Error.Title", "Hello"))
	    || (e = app_set(r, "Error.Message", app_param(r, "msg"))))
		return e;
	return app_render(r, "error.cs");
}

static ierr h_cookie(struct req *r)
{
	calls++;
	return app_set_cookie(r, "pref", "v1", 60, 0, "Lax");
}

static const struct app_route routes[] = {
	{ APP_GET, "/x", ACT_PUBLIC, h_ok },
	{ APP_GET | APP_POST, "/form", ACT_PUBLIC, h_ok },
	{ APP_POST, "/post-only", ACT_PUBLIC, h_ok },
	{ APP_GET, "/invoices/{id}", ACT_PUBLIC, h_ids },
	{ APP_GET, "/invoices/{id}.pdf", ACT_PUBLIC, h_ids },
	{ APP_GET, "/customers/{id}/invoices/{id}", ACT_PUBLIC, h_ids },
	{ APP_GET, "/d/{tok}", ACT_PUBLIC, h_tok },
	{ APP_GET | APP_POST, "/private", ACT_INVOICE_READ, h_ok },
	{ APP_GET, "/admin/users", ACT_USER_ADMIN, h_ok },
	{ APP_GET, "/portal", ACT_PORTAL, h_ok },
	{ APP_GET, "/fail", ACT_PUBLIC, h_fail },
	{ APP_GET, "/fields", ACT_PUBLIC, h_fields },
	{ APP_GET, "/render", ACT_PUBLIC, h_render },
	{ APP_GET, "/cookie", ACT_PUBLIC, h_cookie },
};

static const struct app_def def = { "test_app", routes, ARRAY_LEN(routes), NULL };

/* ---------- helpers ---------- */

/* A NULL-terminated environment from "NAME=value" strings. */
static char **env_of(const char *first, ...)
{
	char **v = arena_alloc(test_arena, 41 * sizeof(*v));
	const char *s;
	size_t n = 0;
	va_list ap;

	assert_non_null(v);
	va_start(ap, first);
	for (s = first; s; s = va_arg(ap, const char *)) {
		assert_true(n < 40);
		v[n++] = (char *)s;
	}
	va_end(ap);
	v[n] = NULL;
	return v;
}

static const char *fmt(const char *f, ...) __attribute__((format(printf, 1, 2)));
static const char *fmt(const char *f, ...)
{
	struct buf b = BUF_INIT;
	char *s;
	va_list ap;

	va_start(ap, f);
	assert_int_equal(buf_vprintf(&b, f, ap), IE_OK);
	va_end(ap);
	s = arena_strndup(test_arena, b.data, b.len);
	buf_free(&b);
	assert_non_null(s);
	return s;
}

/* A string of n copies of c, for long values. */
static const char *repeat(char c, size_t n)
{
	char *s = arena_alloc(test_arena, n + 1);

	assert_non_null(s);
	memset(s, c, n);
	return s;
}

static ierr init_req(char **env, const char *body)
{
	struct app_io io = { mem_write, mem_read, &mio };

	mio.body = body ? body : "";
	mio.len = body ? strlen(body) : 0;
	mio.pos = 0;
	return app_req_init(&req, &def, &cfg, NULL, tmpl, req_arena, env, io);
}

static const char *resp_body(void)
{
	const char *p = mio.out.data ? strstr(mio.out.data, "\r\n\r\n") : NULL;

	assert_non_null(p);
	return p + 4;
}

static int resp_status(void)
{
	long long v = 0;
	char num[4];

	assert_non_null(mio.out.data);
	assert_true(!strncmp(mio.out.data, "Status: ", 8));
	memcpy(num, mio.out.data + 8, 3);
	num[3] = '\0';
	assert_int_equal(str_to_i64(num, 100, 599, &v), IE_OK);
	return (int)v;
}

/* The nth (0-based) value of header `name` in the response, or NULL. */
static const char *resp_header_nth(const char *name, int nth)
{
	const char *p, *end;
	size_t nlen = strlen(name);

	assert_non_null(mio.out.data);
	end = strstr(mio.out.data, "\r\n\r\n");
	assert_non_null(end);
	for (p = mio.out.data; p && p < end; p = strstr(p, "\r\n"), p = p ? p + 2 : NULL) {
		if (!strncasecmp(p, name, nlen) && p[nlen] == ':' && p[nlen + 1] == ' ') {
			const char *v = p + nlen + 2, *e = strstr(v, "\r\n");

			if (nth-- == 0)
				return arena_strndup(test_arena, v, (size_t)(e - v));
		}
	}
	return NULL;
}

static const char *resp_header(const char *name)
{
	return resp_header_nth(name, 0);
}

static int request(char **env, const char *body)
{
	ierr e = init_req(env, body);

	app_dispatch(&req, e);
	return resp_status();
}

/* Every response: one Status line first, the security headers, and a
 * Content-Length equal to what follows the headers. */
static void check_common_headers(int head)
{
	const char *cl = resp_header("Content-Length");
	long long n = -1;

	assert_non_null(cl);
	assert_int_equal(str_to_i64(cl, 0, LLONG_MAX, &n), IE_OK);
	if (head)
		assert_int_equal(strlen(resp_body()), 0);
	else
		assert_true((size_t)n == mio.out.len - (size_t)(resp_body() - mio.out.data));
	assert_string_equal(resp_header("X-Content-Type-Options"), "nosniff");
	assert_non_null(resp_header("Content-Security-Policy"));
	assert_non_null(strstr(resp_header("Content-Security-Policy"), "default-src 'self'"));
	assert_non_null(strstr(resp_header("Content-Security-Policy"), "frame-ancestors 'none'"));
	assert_null(resp_header_nth("Status", 1));
}

static int group_setup(void **state)
{
	char err[300];

	(void)state;
	unsetenv("INVOICE_CONFIG");     /* built-in defaults */
	if (config_load(&base_cfg, NULL, err, sizeof(err))) {
		print_error("config_load: %s\n", err);
		return -1;
	}
	if (tmpl_new(SRCDIR "/templates", &tmpl))
		return -1;
	req_arena = arena_new();
	test_arena = arena_new();
	return req_arena && test_arena ? 0 : -1;
}

static int group_teardown(void **state)
{
	(void)state;
	tmpl_free(tmpl);
	arena_free(req_arena);
	arena_free(test_arena);
	config_free(&base_cfg);
	return 0;
}

/* Ends the current request (as the loop does) and starts from a fresh config. */
static void next_request(void)
{
	app_req_reset(&req);
	buf_free(&mio.out);
	memset(&mio, 0, sizeof(mio));
	cfg = base_cfg;
	cfg.hdf = NULL;                 /* the copy does not own the HDF */
	calls = 0;
	memset(seen_ids, 0, sizeof(seen_ids));
	seen_word[0] = '\0';
}

static int setup(void **state)
{
	(void)state;
	next_request();
	return 0;
}

static int teardown(void **state)
{
	(void)state;
	next_request();
	arena_reset(test_arena);
	return 0;
}

#define T(f) cmocka_unit_test_setup_teardown(f, setup, teardown)

/* ---------- parameters ---------- */

static void test_query_params(void **state)
{
	char *env[] = { "REQUEST_METHOD=GET", "SCRIPT_NAME=/x", "PATH_INFO=",
			"QUERY_STRING=a=1&b=%C3%A9", NULL };

	(void)state;
	assert_int_equal(init_req(env, NULL), IE_OK);
	assert_int_equal(req.method, APP_GET);
	assert_string_equal(req.path, "/x");
	assert_string_equal(req.query, "a=1&b=%C3%A9");
	assert_int_equal(req.nparams, 2);
	assert_string_equal(app_param(&req, "a"), "1");
	assert_string_equal(app_param(&req, "b"), "\xc3\xa9");
	assert_int_equal(req.params[1].len, 2);
	assert_null(app_param(&req, "c"));
	assert_null(app_param(&req, "A"));
	assert_int_equal(app_param_count(&req, "a"), 1);
	assert_int_equal(app_param_count(&req, "zz"), 0);
	assert_string_equal(app_env(&req, "SCRIPT_NAME"), "/x");
	assert_string_equal(app_env(&req, "PATH_INFO"), "");
	assert_null(app_env(&req, "PATH"));     /* a prefix of PATH_INFO is not a match */
	app_dispatch(&req, IE_OK);
	assert_int_equal(resp_status(), 200);
	assert_int_equal(calls, 1);
	assert_string_equal(resp_body(), "ok");
}

static void test_query_forms(void **state)
{
	char **env = env_of("REQUEST_METHOD=GET", "SCRIPT_NAME=/x",
			    "QUERY_STRING=q=a+b%2Bc&s=due&s=paid&&flag&empty=&k%3D=v%26w&s=void", NULL);

	(void)state;
	assert_int_equal(init_req(env, NULL), IE_OK);
	assert_string_equal(app_param(&req, "q"), "a b+c");
	assert_int_equal(app_param_count(&req, "s"), 3);
	assert_string_equal(app_param(&req, "s"), "due");       /* the first value */
	assert_string_equal(app_param(&req, "flag"), "");
	assert_string_equal(app_param(&req, "empty"), "");
	assert_string_equal(app_param(&req, "k="), "v&w");
	assert_int_equal(req.nparams, 7);
}

static void test_body_params(void **state)
{
	const char *body = "email=a%40example.com&note=x+y&a=2";
	char **env = env_of("REQUEST_METHOD=POST", "SCRIPT_NAME=/form", "QUERY_STRING=a=1",
			    "CONTENT_TYPE=application/x-www-form-urlencoded; charset=UTF-8",
			    fmt("CONTENT_LENGTH=%zu", strlen(body)), NULL);

	(void)state;
	assert_int_equal(init_req(env, body), IE_OK);
	assert_int_equal(req.method, APP_POST);
	assert_string_equal(app_param(&req, "email"), "a@example.com");
	assert_string_equal(app_param(&req, "note"), "x y");
	/* query first, then the body */
	assert_int_equal(app_param_count(&req, "a"), 2);
	assert_string_equal(app_param(&req, "a"), "1");
	assert_int_equal(mio.pos, strlen(body));
}

static void test_get_ignores_body(void **state)
{
	char **env = env_of("REQUEST_METHOD=GET", "SCRIPT_NAME=/x", "CONTENT_TYPE=application/json",
			    "CONTENT_LENGTH=9999999999", NULL);

	(void)state;
	assert_int_equal(init_req(env, "{}"), IE_OK);
	assert_int_equal(mio.pos, 0);
	assert_int_equal(req.nparams, 0);
}

static void test_cookies(void **state)
{
	char **env = env_of("SCRIPT_NAME=/x", "HTTP_COOKIE=a=1; sid=abc;b=x=y;  ;novalue; c=", NULL);

	(void)state;
	assert_int_equal(init_req(env, NULL), IE_OK);
	assert_string_equal(app_cookie(&req, "a"), "1");
	assert_string_equal(app_cookie(&req, "sid"), "abc");
	assert_string_equal(app_cookie(&req, "b"), "x=y");
	assert_string_equal(app_cookie(&req, "c"), "");
	assert_null(app_cookie(&req, "novalue"));
	assert_null(app_cookie(&req, "lcsrf"));
	/* GET is the default method */
	assert_int_equal(req.method, APP_GET);
}

/* Limits and malformed input: the ierr of app_req_init, the status of the
 * page app_dispatch then renders, and a piece of its message. */
static void test_limits(void **state)
{
	struct lcase {
		const char *what;
		const char *method;
		const char *query;
		const char *ctype;      /* NULL: no CONTENT_TYPE */
		const char *clen;       /* NULL: strlen(body); "" : none */
		const char *body;
		ierr want;
		int status;
		const char *msg;
	};
	const char *form = "application/x-www-form-urlencoded";
	const struct lcase cases[] = {
		{ "5 params: at the limit", "GET", "a=1&a=2&a=3&a=4&a=5", NULL, "", NULL, IE_OK, 200, "ok" },
		{ "6 params", "GET", "a=1&a=2&a=3&a=4&a=5&a=6", NULL, "", NULL, IE_INVALID, 400, "Too many parameters" },
		{ "6 params without values", "GET", "a&b&c&d&e&f", NULL, "", NULL, IE_INVALID, 400, "Too many parameters" },
		{ "3 in the query + 3 in the body", "POST", "a=1&b=2&c=3", form, NULL, "d=4&e=5&f=6",
		  IE_INVALID, 400, "Too many parameters" },
		{ "value of 8 bytes: at the limit", "GET", "v=12345678", NULL, "", NULL, IE_OK, 200, "ok" },
		{ "value of 9 bytes", "GET", "v=123456789", NULL, "", NULL, IE_INVALID, 400, "too long" },
		{ "8 bytes percent-encoded", "GET", "v=%41%42%43%44%45%46%47%48", NULL, "", NULL, IE_OK, 200, "ok" },
		{ "9 bytes percent-encoded", "GET", "v=%41%42%43%44%45%46%47%48%49", NULL, "", NULL,
		  IE_INVALID, 400, "too long" },
		{ "value too long in the body", "POST", "", form, NULL, "v=1234567890", IE_INVALID, 400, "too long" },
		{ "key of 65 bytes", "GET", fmt("%s=1", repeat('k', 65)), NULL, "", NULL, IE_INVALID, 400, "too long" },
		{ "key of 64 bytes", "GET", fmt("%s=1", repeat('k', 64)), NULL, "", NULL, IE_OK, 200, "ok" },
		{ "invalid UTF-8 value", "GET", "q=%FF", NULL, "", NULL, IE_INVALID, 400, "UTF-8" },
		{ "overlong UTF-8", "GET", "q=%C0%AF", NULL, "", NULL, IE_INVALID, 400, "UTF-8" },
		{ "surrogate", "GET", "q=%ED%A0%80", NULL, "", NULL, IE_INVALID, 400, "UTF-8" },
		{ "truncated UTF-8", "GET", "q=%C3", NULL, "", NULL, IE_INVALID, 400, "UTF-8" },
		{ "raw invalid byte", "GET", "q=\xff", NULL, "", NULL, IE_INVALID, 400, "UTF-8" },
		{ "invalid UTF-8 key", "GET", "%FE=1", NULL, "", NULL, IE_INVALID, 400, "UTF-8" },
		{ "invalid UTF-8 in the body", "POST", "", form, NULL, "q=%E2%82", IE_INVALID, 400, "UTF-8" },
		{ "bad %xx", "GET", "q=%G1", NULL, "", NULL, IE_INVALID, 400, "percent-encoding" },
		{ "truncated %x", "GET", "q=1%2", NULL, "", NULL, IE_INVALID, 400, "percent-encoding" },
		{ "encoded NUL", "GET", "q=a%00b", NULL, "", NULL, IE_INVALID, 400, "percent-encoding" },
		{ "body of 100: at the limit", "POST", "", form, NULL,
		  fmt("%s=1&%s=2", repeat('k', 47), repeat('q', 48)), IE_OK, 200, "ok" },
		{ "body of 101", "POST", "", form, NULL,
		  fmt("%s=1&%s=2", repeat('k', 48), repeat('q', 48)), IE_TOO_LARGE, 413, "too large" },
		{ "huge Content-Length", "POST", "", form, "1099511627776", "", IE_TOO_LARGE, 413, "too large" },
		{ "JSON body", "POST", "", "application/json", NULL, "{\"csrf\":\"x\"}", IE_UNSUPPORTED, 415,
		  "application/x-www-form-urlencoded" },
		{ "multipart body", "POST", "", "multipart/form-data; boundary=xx", NULL, "--xx--",
		  IE_UNSUPPORTED, 415, "application/x-www-form-urlencoded" },
		{ "no content type", "POST", "", NULL, NULL, "a=1", IE_UNSUPPORTED, 415,
		  "application/x-www-form-urlencoded" },
		{ "lookalike content type", "POST", "", "application/x-www-form-urlencodedx", NULL, "a=1",
		  IE_UNSUPPORTED, 415, "application/x-www-form-urlencoded" },
		{ "bad Content-Length", "POST", "", form, "12a", "a=1", IE_INVALID, 400, "Content-Length" },
		{ "negative Content-Length", "POST", "", form, "-1", "a=1", IE_INVALID, 400, "Content-Length" },
		{ "body shorter than Content-Length", "POST", "", form, "50", "a=1", IE_INVALID, 400, "ended early" },
	};
	size_t i;

	(void)state;
	for (i = 0; i < ARRAY_LEN(cases); i++) {
		const struct lcase *c = &cases[i];
		const char *body = c->body ? c->body : "";
		char **env;
		ierr e;

		next_request();
		cfg.limit_params = 5;
		cfg.limit_value = 8;
		cfg.limit_body = 100;
		if (!strcmp(c->method, "POST") && c->want == IE_OK) {
			/* a good POST also carries its CSRF field, beyond the limits tested */
			body = fmt("%s&csrf=%s", body, TOKEN_A);
			cfg.limit_params++;
			cfg.limit_value = 64;
			cfg.limit_body += 6 + 64;
		}
		env = env_of(fmt("REQUEST_METHOD=%s", c->method), "SCRIPT_NAME=/form",
			     fmt("QUERY_STRING=%s", c->query),
			     c->ctype ? fmt("CONTENT_TYPE=%s", c->ctype) : "X_NONE=1",
			     c->clen && !*c->clen ? "X_NONE=2" :
			     fmt("CONTENT_LENGTH=%s", c->clen ? c->clen : fmt("%zu", strlen(body))),
			     "HTTP_COOKIE=lcsrf=" TOKEN_A, NULL);
		e = init_req(env, body);
		if (e != c->want)
			fail_msg("%s: app_req_init = %s, want %s", c->what, ierr_name(e), ierr_name(c->want));
		app_dispatch(&req, e);
		if (resp_status() != c->status)
			fail_msg("%s: status %d, want %d", c->what, resp_status(), c->status);
		if (!strstr(resp_body(), c->msg))
			fail_msg("%s: page does not say \"%s\":\n%s", c->what, c->msg, resp_body());
		assert_int_equal(calls, c->want == IE_OK);      /* the handler runs only for good requests */
		check_common_headers(0);
	}
}

/* ---------- paths and routes ---------- */

static void test_path_info_nginx_apache(void **state)
{
	/* nginx: whole path in SCRIPT_NAME, PATH_INFO empty; Apache: PATH_INFO unset
	 * or the part after the script; without both, the request URI */
	char **envs[] = {
		env_of("SCRIPT_NAME=/invoices/5", "PATH_INFO=", NULL),
		env_of("SCRIPT_NAME=/invoices/5", NULL),
		env_of("SCRIPT_NAME=/invoices", "PATH_INFO=/5", NULL),
		env_of("SCRIPT_NAME=", "PATH_INFO=/invoices/5", NULL),
		env_of("SCRIPT_NAME=", "PATH_INFO=", "DOCUMENT_URI=/invoices/5", "REQUEST_URI=/other", NULL),
		env_of("REQUEST_URI=/invoices/5?a=1", "QUERY_STRING=a=1", NULL),
	};
	size_t i;

	(void)state;
	for (i = 0; i < ARRAY_LEN(envs); i++) {
		next_request();
		assert_int_equal(request(envs[i], NULL), 200);
		assert_string_equal(req.path, "/invoices/5");
		assert_int_equal(calls, 1);
		assert_true(seen_ids[0] == 5);
	}
}

static void test_routes(void **state)
{
	static const struct {
		const char *path;
		int status;
		long long id0, id1;
		const char *word;
	} cases[] = {
		{ "/invoices/1", 200, 1, 0, NULL },
		{ "/invoices/42", 200, 42, 0, NULL },
		{ "/invoices/9007199254740992", 200, 9007199254740992LL, 0, NULL },     /* 2^53 */
		{ "/invoices/12.pdf", 200, 12, 0, NULL },
		{ "/customers/3/invoices/77", 200, 3, 77, NULL },
		{ "/d/abc-DEF_123", 200, 0, 0, "abc-DEF_123" },
		{ "/d/x", 200, 0, 0, "x" },
		{ "/invoices/0", 404, 0, 0, NULL },
		{ "/invoices/01", 404, 0, 0, NULL },            /* leading zero */
		{ "/invoices/007", 404, 0, 0, NULL },
		{ "/invoices/abc", 404, 0, 0, NULL },
		{ "/invoices/-1", 404, 0, 0, NULL },
		{ "/invoices/+1", 404, 0, 0, NULL },
		{ "/invoices/1a", 404, 0, 0, NULL },
		{ "/invoices/1.5", 404, 0, 0, NULL },
		{ "/invoices/", 404, 0, 0, NULL },
		{ "/invoices", 404, 0, 0, NULL },
		{ "/invoices/12/", 404, 0, 0, NULL },
		{ "/invoices/9007199254740993", 404, 0, 0, NULL },
		{ "/invoices/99999999999999999999", 404, 0, 0, NULL },
		{ "/invoices/\xef\xbc\x91", 404, 0, 0, NULL },    /* fullwidth digit one */
		{ "/invoices/12.csv", 404, 0, 0, NULL },
		{ "/customers/0/invoices/7", 404, 0, 0, NULL },
		{ "/d/", 404, 0, 0, NULL },
		{ "/d/a.b", 404, 0, 0, NULL },
		{ "/d/a/b", 404, 0, 0, NULL },
		{ "/d/a%2Fb", 404, 0, 0, NULL },
		{ "/x/", 404, 0, 0, NULL },
		{ "/X", 404, 0, 0, NULL },
		{ "/", 404, 0, 0, NULL },
		{ "/nope", 404, 0, 0, NULL },
	};
	size_t i;

	(void)state;
	for (i = 0; i < ARRAY_LEN(cases); i++) {
		int st;

		next_request();
		st = request(env_of("REQUEST_METHOD=GET", fmt("SCRIPT_NAME=%s", cases[i].path), "PATH_INFO=", NULL),
			     NULL);
		if (st != cases[i].status)
			fail_msg("%s: status %d, want %d", cases[i].path, st, cases[i].status);
		assert_int_equal(calls, st == 200);
		if (st == 200) {
			assert_true(seen_ids[0] == cases[i].id0);
			assert_true(seen_ids[1] == cases[i].id1);
			if (cases[i].word)
				assert_string_equal(seen_word, cases[i].word);
		} else {
			assert_non_null(strstr(resp_body(), "There is nothing at this address"));
		}
		check_common_headers(0);
	}
}

static void test_method_not_allowed(void **state)
{
	(void)state;
	/* a known path with a method it does not take: 405 with the methods it does take */
	assert_int_equal(request(env_of("REQUEST_METHOD=GET", "SCRIPT_NAME=/post-only", NULL), NULL), 405);
	assert_int_equal(calls, 0);
	assert_non_null(resp_header("Allow"));
	assert_non_null(strstr(resp_header("Allow"), "POST"));
	assert_null(strstr(resp_header("Allow"), "GET"));
	next_request();
	assert_int_equal(request(env_of("REQUEST_METHOD=POST", "SCRIPT_NAME=/x", "HTTP_COOKIE=lcsrf=" TOKEN_A,
					"CONTENT_TYPE=application/x-www-form-urlencoded",
					"CONTENT_LENGTH=69", NULL), "csrf=" TOKEN_A), 405);
	assert_int_equal(calls, 0);
	assert_non_null(strstr(resp_header("Allow"), "GET"));
	assert_null(strstr(resp_header("Allow"), "POST"));
	/* a method the application does not know at all */
	next_request();
	assert_int_equal(init_req(env_of("REQUEST_METHOD=DELETE", "SCRIPT_NAME=/x", NULL), NULL), IE_UNSUPPORTED);
	app_dispatch(&req, IE_UNSUPPORTED);
	assert_int_equal(resp_status(), 405);
	assert_int_equal(calls, 0);
	assert_non_null(resp_header("Allow"));
	assert_string_equal(resp_header("Allow"), "GET, HEAD");
	next_request();
	assert_int_equal(init_req(env_of("REQUEST_METHOD=PUT", "SCRIPT_NAME=/post-only", NULL), NULL), IE_UNSUPPORTED);
	app_dispatch(&req, IE_UNSUPPORTED);
	assert_int_equal(resp_status(), 405);
	assert_string_equal(resp_header("Allow"), "POST");
	/* ... at an address that does not exist: 404, as for any method */
	next_request();
	assert_int_equal(init_req(env_of("REQUEST_METHOD=DELETE", "SCRIPT_NAME=/nope", NULL), NULL), IE_UNSUPPORTED);
	app_dispatch(&req, IE_UNSUPPORTED);
	assert_int_equal(resp_status(), 404);
	assert_null(resp_header("Allow"));
	assert_int_equal(calls, 0);
	/* HEAD follows GET */
	next_request();
	assert_int_equal(request(env_of("REQUEST_METHOD=HEAD", "SCRIPT_NAME=/x", NULL), NULL), 200);
	assert_int_equal(calls, 1);
	assert_string_equal(resp_header("Content-Length"), "2");
	check_common_headers(1);
}

/* ---------- authentication without a database ---------- */

static void test_protected_redirects_to_login(void **state)
{
	static const struct {
		const char *script, *query, *cookie, *location;
	} cases[] = {
		{ "/private", "", NULL, "/login?next=%2Fprivate" },
		{ "/private", "a=1&b=%C3%A9", NULL, "/login?next=%2Fprivate%3Fa%3D1%26b%3D%25C3%25A9" },
		{ "/admin/users", "", NULL, "/login?next=%2Fadmin%2Fusers" },
		{ "/portal", "", NULL, "/login?next=%2Fportal" },
		/* a sid cookie that is not a token is no session, and no DB lookup */
		{ "/private", "", "sid=abc", "/login?next=%2Fprivate" },
		{ "/private", "", "sid=" TOKEN_A "0", "/login?next=%2Fprivate" },
		{ "/private", "", "sid=0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdeg",
		  "/login?next=%2Fprivate" },
		{ "/private", "", "sid=", "/login?next=%2Fprivate" },
		{ "/private", "", "other=" TOKEN_A, "/login?next=%2Fprivate" },
	};
	size_t i;

	(void)state;
	for (i = 0; i < ARRAY_LEN(cases); i++) {
		next_request();
		assert_int_equal(request(env_of("REQUEST_METHOD=GET", fmt("SCRIPT_NAME=%s", cases[i].script),
						fmt("QUERY_STRING=%s", cases[i].query),
						cases[i].cookie ? fmt("HTTP_COOKIE=%s", cases[i].cookie) : "X=1",
						NULL), NULL), 303);
		assert_int_equal(calls, 0);
		assert_int_equal(req.session.id, 0);
		assert_string_equal(resp_header("Location"), cases[i].location);
		assert_string_equal(resp_header("Content-Length"), "0");
		assert_string_equal(resp_body(), "");
	}
}

static void test_session_load_without_cookie(void **state)
{
	(void)state;
	/* returns early, never touching the (NULL) database */
	assert_int_equal(init_req(env_of("SCRIPT_NAME=/x", "HTTP_COOKIE=sid=nothex", NULL), NULL), IE_OK);
	req.session.id = 5;             /* stale state is cleared */
	assert_int_equal(auth_session_load(&req), IE_OK);
	assert_int_equal(req.session.id, 0);
	assert_int_equal(req.session.user.id, 0);
	app_req_reset(&req);
	assert_int_equal(init_req(env_of("SCRIPT_NAME=/x", NULL), NULL), IE_OK);
	assert_int_equal(auth_session_load(&req), IE_OK);
	assert_int_equal(req.session.id, 0);
}

static void test_post_csrf(void **state)
{
	static const struct {
		const char *what, *cookie, *body, *path;
		int status;
	} cases[] = {
		{ "no csrf at all", NULL, "a=1", "/form", 403 },
		{ "cookie, no field", "lcsrf=" TOKEN_A, "a=1", "/form", 403 },
		{ "field, no cookie", NULL, "csrf=" TOKEN_A, "/form", 403 },
		{ "mismatch", "lcsrf=" TOKEN_A, "csrf=" TOKEN_B, "/form", 403 },
		{ "empty field", "lcsrf=" TOKEN_A, "csrf=", "/form", 403 },
		{ "short pair", "lcsrf=0123", "csrf=0123", "/form", 403 },
		{ "matching pair", "lcsrf=" TOKEN_A, "a=1&csrf=" TOKEN_A, "/form", 200 },
		/* a protected POST without a session, CSRF fine: back to the login page */
		{ "protected, no session", "lcsrf=" TOKEN_A, "csrf=" TOKEN_A, "/private", 303 },
		/* CSRF is checked before the session: no login redirect for a forged post */
		{ "protected, no csrf", NULL, "a=1", "/private", 403 },
	};
	size_t i;

	(void)state;
	for (i = 0; i < ARRAY_LEN(cases); i++) {
		int st;

		next_request();
		st = request(env_of("REQUEST_METHOD=POST", fmt("SCRIPT_NAME=%s", cases[i].path),
				    "CONTENT_TYPE=application/x-www-form-urlencoded",
				    fmt("CONTENT_LENGTH=%zu", strlen(cases[i].body)),
				    cases[i].cookie ? fmt("HTTP_COOKIE=%s", cases[i].cookie) : "X=1", NULL),
			     cases[i].body);
		if (st != cases[i].status)
			fail_msg("%s: status %d, want %d", cases[i].what, st, cases[i].status);
		assert_int_equal(calls, st == 200);
		if (st == 403)
			assert_non_null(strstr(resp_body(), "did not come from this site"));
		if (st == 303)
			assert_string_equal(resp_header("Location"), "/login?next=%2Fprivate");
	}
}

/* The token counts only from the form body: in the query string it is
 * ignored (403 and no handler), whatever the body holds besides. */
static void test_post_csrf_not_from_query(void **state)
{
	static const struct {
		const char *what, *query, *body;
		int status;
	} cases[] = {
		{ "query only", "csrf=" TOKEN_A, "a=1", 403 },
		{ "query right, body wrong", "csrf=" TOKEN_A, "csrf=" TOKEN_B, 403 },
		{ "query right, body empty", "csrf=" TOKEN_A, "csrf=", 403 },
		{ "query wrong, body right", "csrf=" TOKEN_B, "csrf=" TOKEN_A, 200 },
		{ "other query, body right", "x=1", "a=1&csrf=" TOKEN_A, 200 },
	};
	size_t i;

	(void)state;
	for (i = 0; i < ARRAY_LEN(cases); i++) {
		int st;

		next_request();
		st = request(env_of("REQUEST_METHOD=POST", "SCRIPT_NAME=/form", fmt("QUERY_STRING=%s", cases[i].query),
				    "CONTENT_TYPE=application/x-www-form-urlencoded",
				    fmt("CONTENT_LENGTH=%zu", strlen(cases[i].body)),
				    "HTTP_COOKIE=lcsrf=" TOKEN_A, NULL),
			     cases[i].body);
		if (st != cases[i].status)
			fail_msg("%s: status %d, want %d", cases[i].what, st, cases[i].status);
		assert_int_equal(calls, st == 200);
	}
}

/* ---------- validators ---------- */

#define NO_I LLONG_MIN

static void test_validators(void **state)
{
	static const struct {
		app_validator fn;
		const char *fn_name;
		const char *in;
		int ok;
		long long i;            /* expected value, NO_I: not checked */
	} cases[] = {
		{ app_v_id, "id", "1", 1, 1 },
		{ app_v_id, "id", "42", 1, 42 },
		{ app_v_id, "id", "9007199254740992", 1, 9007199254740992LL },
		{ app_v_id, "id", "9007199254740993", 0, NO_I },
		{ app_v_id, "id", "99999999999999999", 0, NO_I },
		{ app_v_id, "id", "0", 0, NO_I },
		{ app_v_id, "id", "01", 0, NO_I },
		{ app_v_id, "id", "-1", 0, NO_I },
		{ app_v_id, "id", "+1", 0, NO_I },
		{ app_v_id, "id", " 1", 0, NO_I },
		{ app_v_id, "id", "1 ", 0, NO_I },
		{ app_v_id, "id", "1.0", 0, NO_I },
		{ app_v_id, "id", "1e3", 0, NO_I },
		{ app_v_id, "id", "0x1", 0, NO_I },
		{ app_v_id, "id", "abc", 0, NO_I },
		{ app_v_id, "id", "", 0, NO_I },
		{ app_v_uint, "uint", "0", 1, 0 },
		{ app_v_uint, "uint", "7", 1, 7 },
		{ app_v_uint, "uint", "9007199254740992", 1, 9007199254740992LL },
		{ app_v_uint, "uint", "00", 0, NO_I },
		{ app_v_uint, "uint", "-0", 0, NO_I },
		{ app_v_uint, "uint", "", 0, NO_I },

		{ app_v_date, "date", "1970-01-01", 1, 0 },
		{ app_v_date, "date", "1969-12-31", 1, -1 },
		{ app_v_date, "date", "2023-12-31", 1, 19722 },
		{ app_v_date, "date", "2024-02-29", 1, 19782 },         /* leap year */
		{ app_v_date, "date", "2024-03-01", 1, 19783 },
		{ app_v_date, "date", "2024-12-31", 1, 20088 },
		{ app_v_date, "date", "2000-02-29", 1, 11016 },         /* divisible by 400 */
		{ app_v_date, "date", "2400-02-29", 1, 157113 },
		{ app_v_date, "date", "1904-02-29", 1, -24048 },
		{ app_v_date, "date", "1900-01-01", 1, -25567 },
		{ app_v_date, "date", "2999-12-31", 1, 376199 },
		{ app_v_date, "date", "2023-02-29", 0, NO_I },          /* not a leap year */
		{ app_v_date, "date", "1900-02-29", 0, NO_I },          /* divisible by 100 */
		{ app_v_date, "date", "2100-02-29", 0, NO_I },
		{ app_v_date, "date", "2024-02-30", 0, NO_I },
		{ app_v_date, "date", "2024-04-31", 0, NO_I },
		{ app_v_date, "date", "2024-06-31", 0, NO_I },
		{ app_v_date, "date", "2024-09-31", 0, NO_I },
		{ app_v_date, "date", "2024-11-31", 0, NO_I },
		{ app_v_date, "date", "2024-01-32", 0, NO_I },
		{ app_v_date, "date", "2024-13-01", 0, NO_I },
		{ app_v_date, "date", "2024-00-10", 0, NO_I },
		{ app_v_date, "date", "2024-01-00", 0, NO_I },
		{ app_v_date, "date", "1899-12-31", 0, NO_I },
		{ app_v_date, "date", "3000-01-01", 0, NO_I },
		{ app_v_date, "date", "2024-1-01", 0, NO_I },
		{ app_v_date, "date", "2024/01/01", 0, NO_I },
		{ app_v_date, "date", "20240101", 0, NO_I },
		{ app_v_date, "date", "2024-01-01T00:00", 0, NO_I },
		{ app_v_date, "date", " 2024-01-01", 0, NO_I },
		{ app_v_date, "date", "2024-0a-01", 0, NO_I },
		{ app_v_date, "date", "+024-01-01", 0, NO_I },
		{ app_v_date, "date", "-024-01-01", 0, NO_I },
		{ app_v_date, "date", "", 0, NO_I },

		{ app_v_email, "email", "a@b", 1, NO_I },
		{ app_v_email, "email", "admin@example.com", 1, NO_I },
		{ app_v_email, "email", "first.last+tag@sub.example.co.uk", 1, NO_I },
		{ app_v_email, "email", "", 0, NO_I },
		{ app_v_email, "email", "ab", 0, NO_I },
		{ app_v_email, "email", "not-an-email", 0, NO_I },
		{ app_v_email, "email", "@example.com", 0, NO_I },
		{ app_v_email, "email", "user@", 0, NO_I },
		{ app_v_email, "email", "a@b@c", 0, NO_I },
		{ app_v_email, "email", "a b@example.com", 0, NO_I },
		{ app_v_email, "email", "a@example.com\r\nBcc: x@y", 0, NO_I },
		{ app_v_email, "email", "a\t@example.com", 0, NO_I },

		{ app_v_localpath, "localpath", "/", 1, NO_I },
		{ app_v_localpath, "localpath", "/invoices", 1, NO_I },
		{ app_v_localpath, "localpath", "/invoices?status=due&page=2", 1, NO_I },
		{ app_v_localpath, "localpath", "/a/b//c", 1, NO_I },
		{ app_v_localpath, "localpath", "//evil", 0, NO_I },
		{ app_v_localpath, "localpath", "//evil.example/x", 0, NO_I },
		{ app_v_localpath, "localpath", "/\\evil", 0, NO_I },
		{ app_v_localpath, "localpath", "\\\\evil", 0, NO_I },
		{ app_v_localpath, "localpath", "\\evil", 0, NO_I },
		{ app_v_localpath, "localpath", "/a\\b", 0, NO_I },
		{ app_v_localpath, "localpath", "http://evil", 0, NO_I },
		{ app_v_localpath, "localpath", "https:evil", 0, NO_I },
		{ app_v_localpath, "localpath", "javascript:alert(1)", 0, NO_I },
		{ app_v_localpath, "localpath", "evil", 0, NO_I },
		{ app_v_localpath, "localpath", " /x", 0, NO_I },
		{ app_v_localpath, "localpath", "/\t/evil", 0, NO_I },
		{ app_v_localpath, "localpath", "/a\r\nSet-Cookie: x=1", 0, NO_I },
		{ app_v_localpath, "localpath", "", 0, NO_I },

		{ app_v_token, "token", TOKEN_A, 1, NO_I },
		{ app_v_token, "token", TOKEN_B, 1, NO_I },
		{ app_v_token, "token", "0123456789ABCDEF0123456789abcdef0123456789abcdef0123456789abcdef", 0, NO_I },
		{ app_v_token, "token", "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdeg", 0, NO_I },
		{ app_v_token, "token", "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcde", 0, NO_I },
		{ app_v_token, "token", TOKEN_A "0", 0, NO_I },
		{ app_v_token, "token", "", 0, NO_I },

		{ app_v_line, "line", "", 1, NO_I },
		{ app_v_line, "line", "Caf\xc3\xa9 & <b>", 1, NO_I },
		{ app_v_line, "line", "two\nlines", 0, NO_I },
		{ app_v_line, "line", "tab\there", 0, NO_I },
		{ app_v_line, "line", "del\x7f", 0, NO_I },
		{ app_v_text, "text", "two\r\nlines\tand tab", 1, NO_I },
		{ app_v_text, "text", "bell\x07", 0, NO_I },
		{ app_v_password, "password", "x", 1, NO_I },
		{ app_v_password, "password", "", 0, NO_I },
	};
	size_t i;

	(void)state;
	for (i = 0; i < ARRAY_LEN(cases); i++) {
		struct app_value v;
		size_t len = strlen(cases[i].in);
		ierr e;

		memset(&v, 0, sizeof(v));
		v.i = 777;
		e = cases[i].fn(&req, cases[i].in, len, &v);
		if ((e == IE_OK) != cases[i].ok)
			fail_msg("app_v_%s(\"%s\") = %s", cases[i].fn_name, cases[i].in, ierr_name(e));
		if (e != IE_OK) {
			assert_int_equal(e, IE_INVALID);
			continue;
		}
		assert_ptr_equal(v.s, cases[i].in);
		assert_int_equal(v.len, len);
		if (cases[i].i != NO_I && v.i != cases[i].i)
			fail_msg("app_v_%s(\"%s\"): i = %lld, want %lld", cases[i].fn_name, cases[i].in, v.i, cases[i].i);
	}
}

/* Length limits of the validators, at and just over each limit. */
static void test_validator_lengths(void **state)
{
	static const struct {
		app_validator fn;
		const char *fn_name;
		size_t ok_len;
	} cases[] = {
		{ app_v_line, "line", 255 },
		{ app_v_text, "text", 8000 },
		{ app_v_password, "password", 1024 },
		{ app_v_email, "email", 254 },
		{ app_v_localpath, "localpath", 1000 },
	};
	size_t i;

	(void)state;
	for (i = 0; i < ARRAY_LEN(cases); i++) {
		size_t n;

		for (n = cases[i].ok_len; n <= cases[i].ok_len + 1; n++) {
			char *s = arena_alloc(test_arena, n + 1);
			struct app_value v;
			ierr e;

			assert_non_null(s);
			memset(s, 'a', n);
			if (cases[i].fn == app_v_email)
				s[n / 2] = '@';
			if (cases[i].fn == app_v_localpath)
				s[0] = '/';
			memset(&v, 0, sizeof(v));
			e = cases[i].fn(&req, s, n, &v);
			if ((e == IE_OK) != (n == cases[i].ok_len))
				fail_msg("app_v_%s with %zu bytes: %s", cases[i].fn_name, n, ierr_name(e));
		}
	}
}

static void test_app_fields(void **state)
{
	static const struct app_field fields[] = {
		{ "customer", app_v_id, 1 },
		{ "from", app_v_date, 0 },
		{ "note", app_v_line, 0 },
	};
	struct app_value v[3];

	(void)state;
	assert_int_equal(init_req(env_of("SCRIPT_NAME=/fields",
					 "QUERY_STRING=customer=12&from=2024-02-29&customer=13", NULL), NULL), IE_OK);
	assert_int_equal(app_fields(&req, fields, 3, v), IE_OK);
	assert_int_equal(v[0].present, 1);
	assert_true(v[0].i == 12);                      /* the first value */
	assert_int_equal(v[1].present, 1);
	assert_true(v[1].i == 19782);
	assert_int_equal(v[2].present, 0);
	assert_null(req.error_param);
	app_req_reset(&req);

	/* an optional empty value is absent, a required one must be given */
	assert_int_equal(init_req(env_of("SCRIPT_NAME=/fields", "QUERY_STRING=customer=5&from=", NULL), NULL), IE_OK);
	assert_int_equal(app_fields(&req, fields, 3, v), IE_OK);
	assert_int_equal(v[1].present, 0);
	app_req_reset(&req);
	assert_int_equal(init_req(env_of("SCRIPT_NAME=/fields", "QUERY_STRING=from=2024-01-01", NULL), NULL), IE_OK);
	assert_int_equal(app_fields(&req, fields, 3, v), IE_INVALID);
	assert_string_equal(req.error_param, "customer");
	app_req_reset(&req);
	assert_int_equal(init_req(env_of("SCRIPT_NAME=/fields", "QUERY_STRING=customer=", NULL), NULL), IE_OK);
	assert_int_equal(app_fields(&req, fields, 3, v), IE_INVALID);
	assert_string_equal(req.error_param, "customer");
	app_req_reset(&req);
	assert_int_equal(init_req(env_of("SCRIPT_NAME=/fields", "QUERY_STRING=customer=1&from=2023-02-29", NULL),
				  NULL), IE_OK);
	assert_int_equal(app_fields(&req, fields, 3, v), IE_INVALID);
	assert_string_equal(req.error_param, "from");
	assert_non_null(strstr(req.error_msg, "from"));
	app_req_reset(&req);

	/* through dispatch: a 400 page that names the parameter */
	assert_int_equal(request(env_of("SCRIPT_NAME=/fields", "QUERY_STRING=customer=abc", NULL), NULL), 400);
	assert_non_null(strstr(resp_body(), "customer"));
	assert_null(strstr(resp_body(), "fields-ok"));
	app_req_reset(&req);
	buf_clear(&mio.out);
	assert_int_equal(request(env_of("SCRIPT_NAME=/fields", "QUERY_STRING=customer=9", NULL), NULL), 200);
	assert_string_equal(resp_body(), "fields-ok");
}

struct each_ctx {
	long long sum;
	int n;
};

static ierr add_each(struct req *r, const struct app_value *v, void *ctx)
{
	struct each_ctx *c = ctx;

	(void)r;
	assert_int_equal(v->present, 1);
	c->sum += v->i;
	c->n++;
	return IE_OK;
}

static void test_app_field_each(void **state)
{
	struct each_ctx c = { 0, 0 };

	(void)state;
	assert_int_equal(init_req(env_of("SCRIPT_NAME=/x", "QUERY_STRING=id=1&x=9&id=20&id=300", NULL), NULL), IE_OK);
	assert_int_equal(app_field_each(&req, "id", app_v_id, add_each, &c), IE_OK);
	assert_int_equal(c.n, 3);
	assert_true(c.sum == 321);
	app_req_reset(&req);
	memset(&c, 0, sizeof(c));
	assert_int_equal(init_req(env_of("SCRIPT_NAME=/x", "QUERY_STRING=id=1&id=0", NULL), NULL), IE_OK);
	assert_int_equal(app_field_each(&req, "id", app_v_id, add_each, &c), IE_INVALID);
	assert_string_equal(req.error_param, "id");
}

/* ---------- responses ---------- */

static void test_response_headers(void **state)
{
	(void)state;
	assert_int_equal(request(env_of("REQUEST_METHOD=GET", "SCRIPT_NAME=/x", NULL), NULL), 200);
	assert_true(!strncmp(mio.out.data, "Status: 200 OK\r\n", 16));
	assert_string_equal(resp_header("Content-Type"), "text/html; charset=utf-8");
	assert_string_equal(resp_header("Content-Length"), "2");
	assert_string_equal(resp_header("X-Frame-Options"), "DENY");
	assert_non_null(resp_header("Referrer-Policy"));
	/* no session, no private cache header */
	assert_null(resp_header("Cache-Control"));
	assert_string_equal(resp_body(), "ok");
	check_common_headers(0);

	/* an error page: its own status line and a matching length */
	next_request();
	assert_int_equal(request(env_of("SCRIPT_NAME=/nope", NULL), NULL), 404);
	assert_true(!strncmp(mio.out.data, "Status: 404 Not Found\r\n", 23));
	assert_true(strlen(resp_body()) > 100);
	check_common_headers(0);

	/* a handler's error: 409 page, its message escaped */
	next_request();
	assert_int_equal(request(env_of("SCRIPT_NAME=/fail", NULL), NULL), 409);
	assert_true(!strncmp(mio.out.data, "Status: 409 Conflict\r\n", 22));
	assert_non_null(strstr(resp_body(), "Cannot do &lt;script&gt;alert(1)&lt;/script&gt; &amp; that."));
	assert_null(strstr(resp_body(), "<script>"));
	check_common_headers(0);

	/* app_render: the request's HDF into a template, escaped */
	next_request();
	assert_int_equal(request(env_of("SCRIPT_NAME=/render", "QUERY_STRING=msg=%3Cimg+src%3Dx%3E", NULL), NULL), 200);
	assert_non_null(strstr(resp_body(), "&lt;img src=x&gt;"));
	assert_null(strstr(resp_body(), "<img src=x>"));
	check_common_headers(0);
}

static void test_header_injection_refused(void **state)
{
	(void)state;
	assert_int_equal(init_req(env_of("SCRIPT_NAME=/x", NULL), NULL), IE_OK);
	assert_int_not_equal(app_header(&req, "X-Test", "a\r\nSet-Cookie: sid=evil"), IE_OK);
	assert_int_not_equal(app_header(&req, "X-Test\r\nX-Other", "a"), IE_OK);
	assert_int_not_equal(app_header(&req, "X-Test", "a\nb"), IE_OK);
	assert_int_not_equal(app_set_cookie(&req, "pref", "v\r\nLocation: //evil", 60, 1, "Lax"), IE_OK);
	assert_int_not_equal(app_redirect(&req, 303, "/x\r\nSet-Cookie: a=b"), IE_OK);
	assert_true(req.headers.len == 0);
	assert_int_equal(app_header(&req, "X-Test", "fine"), IE_OK);
	assert_string_equal(req.headers.data, "X-Test: fine\r\n");
}

static void test_cookie_secure_flag(void **state)
{
	static const struct {
		const char *env1, *env2;
		int secure;
	} cases[] = {
		{ "HTTPS=on", "X=1", 1 },
		{ "HTTPS=ON", "X=1", 1 },
		{ "HTTPS=1", "X=1", 1 },
		{ "REQUEST_SCHEME=https", "X=1", 1 },
		{ "HTTPS=off", "X=1", 0 },
		{ "HTTPS=", "X=1", 0 },
		{ "REQUEST_SCHEME=http", "X=1", 0 },
		{ "X=1", "X=2", 0 },
	};
	size_t i;

	(void)state;
	for (i = 0; i < ARRAY_LEN(cases); i++) {
		const char *c;

		next_request();
		assert_int_equal(init_req(env_of("SCRIPT_NAME=/x", cases[i].env1, cases[i].env2, NULL), NULL), IE_OK);
		assert_int_equal(req.https, cases[i].secure);
		assert_int_equal(app_set_cookie(&req, "sid", TOKEN_A, 3600, 1, "Lax"), IE_OK);
		c = req.headers.data;
		assert_non_null(c);
		assert_non_null(strstr(c, "Set-Cookie: sid=" TOKEN_A ";"));
		assert_non_null(strstr(c, "; Path=/"));
		assert_non_null(strstr(c, "; Max-Age=3600"));
		assert_non_null(strstr(c, "; SameSite=Lax"));
		assert_non_null(strstr(c, "; HttpOnly"));
		if (cases[i].secure)
			assert_non_null(strstr(c, "; Secure"));
		else
			assert_null(strstr(c, "Secure"));
	}
	/* without HttpOnly when asked, and through a full response */
	next_request();
	assert_int_equal(request(env_of("SCRIPT_NAME=/cookie", "HTTPS=on", NULL), NULL), 200);
	assert_string_equal(resp_header("Set-Cookie"), "pref=v1; Path=/; Max-Age=60; SameSite=Lax; Secure");
	/* the pre-login CSRF cookie of a page follows the same rule */
	next_request();
	assert_int_equal(request(env_of("SCRIPT_NAME=/nope", "HTTPS=on", NULL), NULL), 404);
	assert_non_null(resp_header("Set-Cookie"));
	assert_true(!strncmp(resp_header("Set-Cookie"), "lcsrf=", 6));
	assert_non_null(strstr(resp_header("Set-Cookie"), "; HttpOnly; Secure"));
	next_request();
	assert_int_equal(request(env_of("SCRIPT_NAME=/nope", NULL), NULL), 404);
	assert_non_null(resp_header("Set-Cookie"));
	assert_null(strstr(resp_header("Set-Cookie"), "Secure"));
}

/* ---------- reset ---------- */

static void test_reset_releases_everything(void **state)
{
	int round;

	(void)state;
	/* a request that fills everything: params, cookies, HDF, headers, body */
	assert_int_equal(request(env_of("SCRIPT_NAME=/render", "QUERY_STRING=msg=hello&x=1",
					"HTTP_COOKIE=a=b; lcsrf=" TOKEN_A, NULL), NULL), 200);
	assert_non_null(req.hdf);
	assert_true(req.body.len > 0);
	assert_true(arena_used(req_arena) > 0);
	app_req_reset(&req);
	assert_null(req.hdf);
	assert_null(req.body.data);
	assert_null(req.headers.data);
	assert_null(req.params);
	assert_int_equal(req.nparams, 0);
	assert_int_equal(req.ncookies, 0);
	assert_null(req.path);
	assert_null(req.error_msg);
	assert_int_equal(req.status, 0);
	assert_int_equal(arena_used(req_arena), 0);

	/* many loop passes on the same arena: nothing accumulates */
	for (round = 0; round < 50; round++) {
		buf_clear(&mio.out);
		assert_int_equal(request(env_of(round % 2 ? "SCRIPT_NAME=/nope" : "SCRIPT_NAME=/render",
						"QUERY_STRING=msg=m&a=%C3%A9", NULL), NULL), round % 2 ? 404 : 200);
		app_req_reset(&req);
		assert_int_equal(arena_used(req_arena), 0);
		assert_null(req.hdf);
	}
	/* a request refused part way keeps what it parsed consistent, and resets */
	assert_int_equal(init_req(env_of("SCRIPT_NAME=/x", "QUERY_STRING=a=1&q=%FF", NULL), NULL), IE_INVALID);
	assert_int_equal(req.nparams, 1);
	assert_string_equal(app_param(&req, "a"), "1");
	assert_null(app_param(&req, "q"));
	app_req_reset(&req);
	assert_int_equal(arena_used(req_arena), 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		T(test_query_params),
		T(test_query_forms),
		T(test_body_params),
		T(test_get_ignores_body),
		T(test_cookies),
		T(test_limits),
		T(test_path_info_nginx_apache),
		T(test_routes),
		T(test_method_not_allowed),
		T(test_protected_redirects_to_login),
		T(test_session_load_without_cookie),
		T(test_post_csrf),
		T(test_post_csrf_not_from_query),
		T(test_validators),
		T(test_validator_lengths),
		T(test_app_fields),
		T(test_app_field_each),
		T(test_response_headers),
		T(test_header_injection_refused),
		T(test_cookie_secure_flag),
		T(test_reset_releases_everything),
	};

	return cmocka_run_group_tests(tests, group_setup, group_teardown);
}
