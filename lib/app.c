#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>
#include <fcgiapp.h>
#include <ClearSilver.h>
#include "memo.h"
#include "app.h"
#include "config.h"
#include "date.h"
#include "db.h"
#include "html.h"
#include "log.h"
#include "tmpl.h"

extern char **environ;

/* ---------- environment and parameters ---------- */

const char *app_env(const struct req *req, const char *name)
{
	size_t n = strlen(name);
	char **e;

	for (e = req->env; e && *e; e++)
		if (!strncmp(*e, name, n) && (*e)[n] == '=')
			return *e + n + 1;
	return NULL;
}

static const char *env_or(const struct req *req, const char *name, const char *def)
{
	const char *v = app_env(req, name);

	return v ? v : def;
}

/* Splits "k=v&k=v", decodes, checks limits and UTF-8, appends to req->params. */
static ierr parse_pairs(struct req *req, const char *src, size_t len, struct app_kv **arr, size_t *cap)
{
	const struct config *cfg = req->cfg;
	size_t i = 0;

	while (i < len) {
		size_t start = i, eq = (size_t)-1;
		char *key, *val;
		long klen, vlen;

		while (i < len && src[i] != '&') {
			if (src[i] == '=' && eq == (size_t)-1)
				eq = i;
			i++;
		}
		if (i == start) {
			i++;
			continue;
		}
		if (eq == (size_t)-1)
			eq = i;
		if (req->nparams >= cfg->limit_params)
			return app_fail(req, IE_INVALID, "Too many parameters.");
		if (eq - start > 64 || i - eq > cfg->limit_value * 3 + 1)
			return app_fail(req, IE_INVALID, "A parameter is too long.");
		key = arena_strndup(req->arena, src + start, eq - start);
		val = arena_strndup(req->arena, eq < i ? src + eq + 1 : "", eq < i ? i - eq - 1 : 0);
		if (!key || !val)
			return IE_NOMEM;
		klen = url_decode(key, strlen(key));
		vlen = url_decode(val, strlen(val));
		if (klen < 0 || vlen < 0)
			return app_fail(req, IE_INVALID, "Malformed percent-encoding in the request.");
		if (!utf8_valid(key, (size_t)klen) || !utf8_valid(val, (size_t)vlen))
			return app_fail(req, IE_INVALID, "The request is not valid UTF-8.");
		if ((size_t)vlen > cfg->limit_value)
			return app_fail(req, IE_INVALID, "A parameter is too long.");
		if (!(*arr = arena_grow(req->arena, *arr, req->nparams, cap, sizeof(**arr))))
			return IE_NOMEM;
		(*arr)[req->nparams].key = key;
		(*arr)[req->nparams].val = val;
		(*arr)[req->nparams].len = (size_t)vlen;
		req->nparams++;
		i++;
	}
	return IE_OK;
}

static ierr parse_cookies(struct req *req)
{
	const char *c = app_env(req, "HTTP_COOKIE");
	size_t cap = 0;

	if (!c)
		return IE_OK;
	while (*c) {
		const char *name, *eq, *end;

		while (*c == ' ' || *c == ';')
			c++;
		name = c;
		end = strchr(c, ';');
		if (!end)
			end = c + strlen(c);
		eq = memchr(name, '=', (size_t)(end - name));
		if (eq && eq > name && req->ncookies < 32) {
			if (!(req->cookies = arena_grow(req->arena, req->cookies, req->ncookies, &cap,
							sizeof(*req->cookies))))
				return IE_NOMEM;
			req->cookies[req->ncookies].key = arena_strndup(req->arena, name, (size_t)(eq - name));
			req->cookies[req->ncookies].val = arena_strndup(req->arena, eq + 1, (size_t)(end - eq - 1));
			req->cookies[req->ncookies].len = (size_t)(end - eq - 1);
			if (!req->cookies[req->ncookies].key || !req->cookies[req->ncookies].val)
				return IE_NOMEM;
			req->ncookies++;
		}
		c = end;
	}
	return IE_OK;
}

static ierr read_body(struct req *req, struct app_kv **arr, size_t *cap)
{
	const char *cl = app_env(req, "CONTENT_LENGTH");
	const char *ct = env_or(req, "CONTENT_TYPE", "");
	long long len = 0;
	size_t got = 0;
	char *body;

	if (!cl || !*cl)
		return IE_OK;
	if (str_to_i64(cl, 0, 1LL << 40, &len))
		return app_fail(req, IE_INVALID, "Bad Content-Length.");
	if (len == 0)
		return IE_OK;
	if ((unsigned long long)len > req->cfg->limit_body)
		return app_fail(req, IE_TOO_LARGE, "The request is too large.");
	if (strncasecmp(ct, "application/x-www-form-urlencoded", 33) || (ct[33] && ct[33] != ';'))
		return app_fail(req, IE_UNSUPPORTED, "Forms must be sent as application/x-www-form-urlencoded.");
	body = arena_alloc(req->arena, (size_t)len + 1);
	if (!body)
		return IE_NOMEM;
	while (got < (size_t)len) {
		long n = req->io.read ? req->io.read(req->io.ctx, body + got, (size_t)len - got) : 0;

		if (n <= 0)
			return app_fail(req, IE_INVALID, "The request body ended early.");
		got += (size_t)n;
	}
	return parse_pairs(req, body, got, arr, cap);
}

ierr app_req_init(struct req *req, const struct app_def *def, const struct config *cfg,
		  struct db *db, struct tmpl *tmpl, struct arena *arena, char **env,
		  struct app_io io)
{
	const char *m, *script, *info, *q, *https, *scheme;
	size_t cap = 0;
	char *path;
	ierr e;

	memset(req, 0, sizeof(*req));
	req->def = def;
	req->cfg = cfg;
	req->db = db;
	req->tmpl = tmpl;
	req->arena = arena;
	req->env = env;
	req->io = io;
	clock_gettime(CLOCK_MONOTONIC, &req->started);
	req->now = time(NULL);
	req->status = 200;

	m = env_or(req, "REQUEST_METHOD", "GET");
	if (!strcmp(m, "GET"))
		req->method = APP_GET;
	else if (!strcmp(m, "POST"))
		req->method = APP_POST;
	else if (!strcmp(m, "HEAD"))
		req->method = APP_HEAD;
	else
		req->status = 405;      /* IE_UNSUPPORTED for a method, not a media type: after the path */

	/* nginx sends an empty PATH_INFO where Apache leaves it unset */
	script = env_or(req, "SCRIPT_NAME", "");
	info = env_or(req, "PATH_INFO", "");
	path = arena_printf(arena, "%s%s", script, info);
	if (!path)
		return IE_NOMEM;
	if (!*path) {
		const char *uri = env_or(req, "DOCUMENT_URI", env_or(req, "REQUEST_URI", "/"));
		const char *qm = strchr(uri, '?');

		path = arena_strndup(arena, uri, qm ? (size_t)(qm - uri) : strlen(uri));
		if (!path)
			return IE_NOMEM;
	}
	req->path = path;
	if (!utf8_valid(path, strlen(path)))
		return app_fail(req, IE_INVALID, "The address is not valid UTF-8.");
	/* the path first: app_dispatch names the methods it takes (Allow) */
	if (req->status == 405)
		return app_fail(req, IE_UNSUPPORTED, "This address does not accept that method.");
	q = env_or(req, "QUERY_STRING", "");
	req->query = q;
	req->remote_addr = env_or(req, "REMOTE_ADDR", "");
	https = env_or(req, "HTTPS", "");
	scheme = env_or(req, "REQUEST_SCHEME", "");
	req->https = (*https && strcmp(https, "off")) || !strcmp(scheme, "https");

	if ((e = parse_cookies(req)))
		return e;
	/* straight into req: nparams always counts entries of req->params */
	if ((e = parse_pairs(req, q, strlen(q), &req->params, &cap)))
		return e;
	req->nquery = req->nparams;
	if (req->method == APP_POST && (e = read_body(req, &req->params, &cap)))
		return e;
	return IE_OK;
}

const char *app_param(const struct req *req, const char *name)
{
	size_t i;

	for (i = 0; i < req->nparams; i++)
		if (!strcmp(req->params[i].key, name))
			return req->params[i].val;
	return NULL;
}

const char *app_body_param(const struct req *req, const char *name)
{
	size_t i;

	for (i = req->nquery; i < req->nparams; i++)
		if (!strcmp(req->params[i].key, name))
			return req->params[i].val;
	return NULL;
}

size_t app_param_count(const struct req *req, const char *name)
{
	size_t i, n = 0;

	for (i = 0; i < req->nparams; i++)
		n += !strcmp(req->params[i].key, name);
	return n;
}

const char *app_cookie(const struct req *req, const char *name)
{
	size_t i;

	for (i = 0; i < req->ncookies; i++)
		if (!strcmp(req->cookies[i].key, name))
			return req->cookies[i].val;
	return NULL;
}

static ierr field_invalid(struct req *req, const char *name)
{
	req->error_param = name;
	req->error_msg = arena_printf(req->arena, "The parameter \"%s\" is missing or invalid.", name);
	return IE_INVALID;
}

ierr app_fields(struct req *req, const struct app_field *fields, size_t n, struct app_value *out)
{
	size_t i, k;

	for (i = 0; i < n; i++) {
		const struct app_kv *kv = NULL;

		memset(&out[i], 0, sizeof(out[i]));
		for (k = 0; k < req->nparams; k++) {
			if (!strcmp(req->params[k].key, fields[i].name)) {
				kv = &req->params[k];
				break;
			}
		}
		if (!kv || (kv->len == 0 && !fields[i].required)) {
			if (fields[i].required)
				return field_invalid(req, fields[i].name);
			continue;
		}
		if (fields[i].valid(req, kv->val, kv->len, &out[i]))
			return field_invalid(req, fields[i].name);
		out[i].present = 1;
	}
	return IE_OK;
}

ierr app_field_each(struct req *req, const char *name, app_validator valid,
		    ierr (*fn)(struct req *, const struct app_value *, void *), void *ctx)
{
	size_t k;
	ierr e;

	for (k = 0; k < req->nparams; k++) {
		struct app_value v;

		if (strcmp(req->params[k].key, name))
			continue;
		memset(&v, 0, sizeof(v));
		if (valid(req, req->params[k].val, req->params[k].len, &v))
			return field_invalid(req, name);
		v.present = 1;
		if ((e = fn(req, &v, ctx)))
			return e;
	}
	return IE_OK;
}

/* ---------- validators ---------- */

static ierr v_number(const char *raw, size_t len, long long min, struct app_value *out)
{
	long long v;

	if (len == 0 || len > 16 || (len > 1 && raw[0] == '0'))
		return IE_INVALID;
	for (size_t i = 0; i < len; i++)
		if (raw[i] < '0' || raw[i] > '9')
			return IE_INVALID;
	if (str_to_i64(raw, min, 1LL << 53, &v))
		return IE_INVALID;
	out->i = v;
	out->s = raw;
	out->len = len;
	return IE_OK;
}

ierr app_v_id(struct req *req, const char *raw, size_t len, struct app_value *out)
{
	return v_number(raw, len, 1, out);
}

ierr app_v_uint(struct req *req, const char *raw, size_t len, struct app_value *out)
{
	return v_number(raw, len, 0, out);
}

static int has_controls(const char *s, size_t len, int allow_newlines)
{
	for (size_t i = 0; i < len; i++) {
		unsigned char c = (unsigned char)s[i];

		if (c == 0x7f || (c < 0x20 && !(allow_newlines && (c == '\n' || c == '\r' || c == '\t'))))
			return 1;
	}
	return 0;
}

ierr app_v_line(struct req *req, const char *raw, size_t len, struct app_value *out)
{
	if (len > 255 || has_controls(raw, len, 0))
		return IE_INVALID;
	out->s = raw;
	out->len = len;
	return IE_OK;
}

ierr app_v_text(struct req *req, const char *raw, size_t len, struct app_value *out)
{
	if (len > 8000 || has_controls(raw, len, 1))
		return IE_INVALID;
	out->s = raw;
	out->len = len;
	return IE_OK;
}

ierr app_v_email(struct req *req, const char *raw, size_t len, struct app_value *out)
{
	const char *at = memchr(raw, '@', len);

	if (len < 3 || len > 254 || !at || at == raw || at == raw + len - 1 || memchr(at + 1, '@', (size_t)(raw + len - at - 1))
	    || has_controls(raw, len, 0) || memchr(raw, ' ', len))
		return IE_INVALID;
	out->s = raw;
	out->len = len;
	return IE_OK;
}

ierr app_v_password(struct req *req, const char *raw, size_t len, struct app_value *out)
{
	if (len < 1 || len > 1024)
		return IE_INVALID;
	out->s = raw;
	out->len = len;
	return IE_OK;
}

ierr app_v_token(struct req *req, const char *raw, size_t len, struct app_value *out)
{
	if (len != 64)
		return IE_INVALID;
	for (size_t i = 0; i < len; i++)
		if (!((raw[i] >= '0' && raw[i] <= '9') || (raw[i] >= 'a' && raw[i] <= 'f')))
			return IE_INVALID;
	out->s = raw;
	out->len = len;
	return IE_OK;
}

ierr app_v_date(struct req *req, const char *raw, size_t len, struct app_value *out)
{
	struct date d;

	if (date_parse_n(raw, len, &d) || d.y < 1900 || d.y > 2999)
		return IE_INVALID;
	out->i = date_days(d.y, d.m, d.d);
	out->s = raw;
	out->len = len;
	return IE_OK;
}

ierr app_v_localpath(struct req *req, const char *raw, size_t len, struct app_value *out)
{
	if (len < 1 || len > 1000 || raw[0] != '/' || (len > 1 && (raw[1] == '/' || raw[1] == '\\'))
	    || has_controls(raw, len, 0) || memchr(raw, '\\', len))
		return IE_INVALID;
	out->s = raw;
	out->len = len;
	return IE_OK;
}

/* ---------- responses ---------- */

int app_status_for(ierr e)
{
	switch (e) {
	case IE_OK: return 200;
	case IE_INVALID: return 400;
	case IE_UNAUTH: return 401;
	case IE_DENIED: return 403;
	case IE_NOTFOUND: return 404;
	case IE_UNSUPPORTED: return 415;
	case IE_CONFLICT: return 409;
	case IE_GONE: return 410;
	case IE_TOO_LARGE: return 413;
	case IE_THROTTLED: return 429;
	case IE_UNAVAILABLE: case IE_DB_LOST: case IE_DB_RETRY: case IE_DB_TIMEOUT: return 503;
	default: return 500;
	}
}

static const char *reason(int status)
{
	switch (status) {
	case 200: return "OK";
	case 302: return "Found";
	case 303: return "See Other";
	case 304: return "Not Modified";
	case 400: return "Bad Request";
	case 401: return "Unauthorized";
	case 403: return "Forbidden";
	case 404: return "Not Found";
	case 405: return "Method Not Allowed";
	case 409: return "Conflict";
	case 422: return "Unprocessable Content";
	case 410: return "Gone";
	case 413: return "Payload Too Large";
	case 415: return "Unsupported Media Type";
	case 429: return "Too Many Requests";
	case 503: return "Service Unavailable";
	default: return "Internal Server Error";
	}
}

ierr app_fail(struct req *req, ierr e, const char *msg)
{
	if (!req->error_msg)
		req->error_msg = msg;
	return e;
}

static int header_safe(const char *s)
{
	for (; *s; s++)
		if ((unsigned char)*s < 0x20 || *s == 0x7f)
			return 0;
	return 1;
}

ierr app_header(struct req *req, const char *name, const char *value)
{
	if (req->streaming || !header_safe(name) || !header_safe(value))
		return IE_INTERNAL;
	if (!strcasecmp(name, "Content-Type"))
		req->content_type_set = 1;
	if (!strcasecmp(name, "Cache-Control"))
		req->cache_control_set = 1;
	return buf_printf(&req->headers, "%s: %s\r\n", name, value);
}

ierr app_set_cookie(struct req *req, const char *name, const char *value, long max_age,
		    int http_only, const char *same_site)
{
	struct buf b = BUF_INIT;
	ierr e;

	e = buf_printf(&b, "%s=%s; Path=/; Max-Age=%ld; SameSite=%s%s%s", name, value, max_age,
		       same_site, http_only ? "; HttpOnly" : "", req->https ? "; Secure" : "");
	if (!e)
		e = app_header(req, "Set-Cookie", b.data);
	buf_free(&b);
	return e;
}

ierr app_redirect(struct req *req, int status, const char *location)
{
	req->status = status;
	return app_header(req, "Location", location);
}

static ierr io_write(struct req *req, const char *p, size_t n)
{
	return req->io.write ? req->io.write(req->io.ctx, p, n) : IE_IO;
}

static ierr send_headers(struct req *req)
{
	struct buf h = BUF_INIT;
	struct timespec now;
	long long us;
	ierr e;

	clock_gettime(CLOCK_MONOTONIC, &now);
	us = (now.tv_sec - req->started.tv_sec) * 1000000LL + (now.tv_nsec - req->started.tv_nsec) / 1000;
	/* server-side time, for tests/bench and the browser's devtools */
	e = buf_printf(&h, "Status: %d %s\r\nServer-Timing: app;dur=%lld.%03lld\r\n", req->status,
		       reason(req->status), us / 1000, us % 1000);
	if (!e && !req->content_type_set && req->status != 304 && (req->status < 300 || req->status >= 400))
		e = buf_puts(&h, "Content-Type: text/html; charset=utf-8\r\n");
	if (!e)
		e = buf_puts(&h, "X-Content-Type-Options: nosniff\r\n"
			     "X-Frame-Options: DENY\r\n"
			     "Referrer-Policy: same-origin\r\n"
			     "Content-Security-Policy: default-src 'self'; img-src 'self' data:; "
			     "style-src 'self'; script-src 'self'; frame-ancestors 'none'; form-action 'self'\r\n");
	if (!e && req->session.id && !req->cache_control_set)
		e = buf_puts(&h, "Cache-Control: private, no-store\r\n");
	if (!e && !req->streaming)
		e = buf_printf(&h, "Content-Length: %zu\r\n", req->body.len);
	if (!e)
		e = buf_put(&h, req->headers.data ? req->headers.data : "", req->headers.len);
	if (!e)
		e = buf_puts(&h, "\r\n");
	if (!e)
		e = io_write(req, h.data, h.len);
	buf_free(&h);
	return e;
}

ierr app_write(struct req *req, const char *p, size_t n)
{
	if (req->streaming)
		return req->method == APP_HEAD ? IE_OK : io_write(req, p, n);
	return buf_put(&req->body, p, n);
}

ierr app_stream(struct req *req)
{
	ierr e;

	if (req->streaming)
		return IE_OK;
	req->streaming = 1;
	if ((e = send_headers(req)))
		return e;
	if (req->body.len && req->method != APP_HEAD)
		e = io_write(req, req->body.data, req->body.len);
	buf_clear(&req->body);
	return e;
}

void *app_hdf(struct req *req)
{
	HDF *hdf = req->hdf;

	if (!hdf) {
		NEOERR *err = hdf_init(&hdf);

		if (err) {
			nerr_ignore(&err);
			return NULL;
		}
		req->hdf = hdf;
	}
	return hdf;
}

ierr app_set(struct req *req, const char *key, const char *value)
{
	HDF *hdf = app_hdf(req);
	NEOERR *err;

	if (!hdf)
		return IE_NOMEM;
	err = hdf_set_value(hdf, key, value ? value : "");
	if (err) {
		nerr_ignore(&err);
		return IE_NOMEM;
	}
	return IE_OK;
}

ierr app_setf(struct req *req, const char *key, const char *fmt, ...)
{
	struct buf b = BUF_INIT;
	va_list ap;
	ierr e;

	va_start(ap, fmt);
	e = buf_vprintf(&b, fmt, ap);
	va_end(ap);
	if (!e)
		e = app_set(req, key, b.data);
	buf_free(&b);
	return e;
}

ierr app_set_int(struct req *req, const char *key, long long v)
{
	char tmp[24];

	return app_set(req, key, str_of_int(v, tmp));
}

ierr app_set_at(struct req *req, const char *prefix, size_t idx, const char *field, const char *value)
{
	char key[128], tmp[24];
	const char *num = str_of_int((long long)idx, tmp);
	size_t lp = strlen(prefix), ln = strlen(num), lf = field ? strlen(field) : 0;

	/* prefix.idx[.field] */
	if (lp + 1 + ln + (field ? 1 + lf : 0) >= sizeof(key))
		return IE_INTERNAL;
	memcpy(key, prefix, lp);
	key[lp] = '.';
	memcpy(key + lp + 1, num, ln + 1);
	if (field) {
		key[lp + 1 + ln] = '.';
		memcpy(key + lp + 2 + ln, field, lf + 1);
	}
	return app_set(req, key, value);
}

ierr app_set_at_int(struct req *req, const char *prefix, size_t idx, const char *field, long long v)
{
	char tmp[24];

	return app_set_at(req, prefix, idx, field, str_of_int(v, tmp));
}

/* What every page's layout needs: site, user, role flags, CSRF token. */
static ierr fill_layout(struct req *req)
{
	const struct auth_user *u = &req->session.user;
	const char *csrf = auth_csrf_token(req);
	ierr e = IE_OK;

	if (!csrf)
		return IE_NOMEM;
	if ((e = app_set(req, "Site.Name", req->cfg->site_name)) || (e = app_set(req, "CSRF", csrf))
	    || (e = app_set(req, "Request.Path", req->path)))
		return e;
	if (req->session.id) {
		if ((e = app_set(req, "User.Name", u->name)) || (e = app_set(req, "User.Email", u->email))
		    || (e = app_set(req, "User.Role", auth_role_name(u->role)))
		    || (e = app_set_int(req, "Nav.Invoices", auth_allowed(u->role, ACT_INVOICE_READ)))
		    || (e = app_set_int(req, "Nav.Admin", auth_allowed(u->role, ACT_STAFF)))
		    || (e = app_set_int(req, "Nav.Users", auth_allowed(u->role, ACT_USER_ADMIN)))
		    || (e = app_set_int(req, "Nav.Portal", auth_allowed(u->role, ACT_PORTAL))))
			return e;
	}
	return e;
}

ierr app_render(struct req *req, const char *name)
{
	return app_render_slots(req, name, NULL, 0);
}

ierr app_render_slots(struct req *req, const char *name, const struct tmpl_slot *slots, size_t nslots)
{
	ierr e;

	if (!app_hdf(req))
		return IE_NOMEM;
	if ((e = fill_layout(req)))
		return e;
	if (!nslots)
		return tmpl_render(req->tmpl, name, req->hdf, &req->body);
	return tmpl_render_slots(req->tmpl, name, req->hdf, slots, nslots, &req->body);
}

/* ---------- dispatch ---------- */

/* Matches `path` against a pattern; captures go to req->ids / req->words. */
static int route_match(struct req *req, const char *pat, const char *path)
{
	size_t nid = 0, nword = 0;

	while (*pat) {
		if (!strncmp(pat, "{id}", 4)) {
			const char *s = path;
			long long v;

			if (*s < '1' || *s > '9')
				return 0;
			while (*s >= '0' && *s <= '9')
				s++;
			/* 1..2^53 like app_v_id: up to 16 digits */
			if (s - path > 16 || nid == APP_MAX_CAPTURES)
				return 0;
			{
				char tmp[17];

				memcpy(tmp, path, (size_t)(s - path));
				tmp[s - path] = '\0';
				if (str_to_i64(tmp, 1, 1LL << 53, &v))
					return 0;
			}
			req->ids[nid++] = v;
			path = s;
			pat += 4;
		} else if (!strncmp(pat, "{tok}", 5)) {
			const char *s = path;

			while ((*s >= 'a' && *s <= 'z') || (*s >= 'A' && *s <= 'Z') || (*s >= '0' && *s <= '9')
			       || *s == '-' || *s == '_')
				s++;
			if (s == path || s - path > 512 || nword == APP_MAX_CAPTURES)
				return 0;
			req->words[nword] = arena_strndup(req->arena, path, (size_t)(s - path));
			if (!req->words[nword])
				return 0;
			nword++;
			path = s;
			pat += 5;
		} else {
			if (*pat != *path)
				return 0;
			pat++;
			path++;
		}
	}
	return *path == '\0';
}

static ierr render_error(struct req *req, ierr e)
{
	/* IE_UNSUPPORTED is 415 (media type) unless a wrong method already set 405 */
	int status = e == IE_UNSUPPORTED && req->status == 405 ? 405 : app_status_for(e);
	const char *msg = req->error_msg;

	if (!msg) {
		switch (status) {
		case 400: msg = "The request was not understood."; break;
		case 403: msg = "You do not have access to this page."; break;
		case 404: msg = "There is nothing at this address."; break;
		case 503: msg = "The service is temporarily unavailable. Please try again shortly."; break;
		default: msg = "Something went wrong on our side. Please try again."; break;
		}
	}
	req->status = status;
	buf_clear(&req->body);
	/* what the handler meant for its own answer (Content-Type, Location...) goes; cookies stay */
	{
		struct buf keep = BUF_INIT;
		const char *p = req->headers.data, *end = p + req->headers.len;

		while (p && p < end) {
			const char *nl = memchr(p, '\n', (size_t)(end - p));
			size_t n = nl ? (size_t)(nl - p) + 1 : (size_t)(end - p);

			if (!strncasecmp(p, "Set-Cookie:", 11) || !strncasecmp(p, "Allow:", 6))
				buf_put(&keep, p, n);
			p += n;
		}
		buf_free(&req->headers);
		req->headers = keep;
		req->content_type_set = 0;
		req->cache_control_set = 0;
	}
	if (req->hdf)
		hdf_destroy((HDF **)&req->hdf);
	if (status == 503)
		app_header(req, "Retry-After", "5");
	if (app_set_int(req, "Error.Status", status) || app_set(req, "Error.Title", reason(status))
	    || app_set(req, "Error.Message", msg)
	    || (req->error_param && app_set(req, "Error.Param", req->error_param))
	    || app_render(req, "error.cs")) {
		struct buf b = BUF_INIT;

		/* template trouble: a plain page, still escaped */
		buf_clear(&req->body);
		buf_printf(&b, "<!doctype html><title>%d %s</title><h1>%d %s</h1><p>", status,
			   reason(status), status, reason(status));
		html_text(&b, msg, strlen(msg));
		buf_puts(&b, "</p>");
		buf_put(&req->body, b.data, b.len);
		buf_free(&b);
	}
	return IE_OK;
}

/* 5xx only, through the one log: during an outage every request fails the
 * same way, so repeats of a kind (program, error, DB error number) are
 * counted rather than written (Log.RepeatSeconds). */
static void log_error(struct req *req, ierr e)
{
	char key[96];
	const char *name = req->def ? req->def->name : "app";

	if (app_status_for(e) < 500)
		return;
	snprintf(key, sizeof(key), "%s %d %u", name, (int)e, req->db ? db_errno(req->db) : 0);
	log_msg(req->log, key, "%s: %s %s: %s%s%s", name, req->method == APP_POST ? "POST" : "GET",
		req->path ? req->path : "?", ierr_name(e), req->db ? " db: " : "",
		req->db ? db_error(req->db) : "");
}

static ierr to_login(struct req *req)
{
	struct buf b = BUF_INIT;
	ierr e = buf_puts(&b, "/login?next=");

	if (!e)
		e = html_url(&b, req->path, strlen(req->path));
	if (!e && req->query && *req->query) {
		e = html_url(&b, "?", 1);
		if (!e)
			e = html_url(&b, req->query, strlen(req->query));
	}
	if (!e)
		e = app_redirect(req, 303, b.data);
	buf_free(&b);
	return e;
}

void app_dispatch(struct req *req, ierr e)
{
	const struct app_route *r = NULL;
	unsigned allow = 0;             /* methods of the routes whose path matched */
	size_t i;

	if (e == IE_UNSUPPORTED && req->status == 405 && req->path) {
		/* a method the application does not know: 405 with the ones the
		 * address takes (Allow is required), or 404 for no such address */
		for (i = 0; i < req->def->nroutes; i++)
			if (route_match(req, req->def->routes[i].pattern, req->path))
				allow |= req->def->routes[i].methods;
		memset(req->ids, 0, sizeof(req->ids));
		if (!allow) {
			req->status = 200;
			req->error_msg = NULL;
			e = IE_NOTFOUND;
		} else {
			app_header(req, "Allow", !(allow & APP_GET) ? "POST"
				   : allow & APP_POST ? "GET, HEAD, POST" : "GET, HEAD");
		}
	}
	if (e)
		goto out;
	for (i = 0; i < req->def->nroutes; i++) {
		const struct app_route *cand = &req->def->routes[i];
		unsigned m = req->method == APP_HEAD ? APP_GET : req->method;

		memset(req->ids, 0, sizeof(req->ids));
		if (!route_match(req, cand->pattern, req->path))
			continue;
		allow |= cand->methods;
		if (cand->methods & m) {
			r = cand;
			break;
		}
	}
	if (!r) {
		e = IE_NOTFOUND;
		if (allow) {
			req->status = 405;
			app_header(req, "Allow", !(allow & APP_GET) ? "POST"
				   : allow & APP_POST ? "GET, HEAD, POST" : "GET, HEAD");
			e = app_fail(req, IE_UNSUPPORTED, "This address does not accept that method.");
		}
		goto out;
	}
	req->route = r;
	if ((e = auth_session_load(req)))
		goto out;
	if (req->method == APP_POST && (e = auth_csrf_check(req)))
		goto out;
	if (r->need != ACT_PUBLIC) {
		if (!req->session.id) {
			if (req->method == APP_POST) {
				e = app_fail(req, IE_UNAUTH, "Your session has expired. Please sign in again.");
				goto out;
			}
			e = to_login(req);
			goto out;
		}
		if (!auth_allowed(req->session.user.role, r->need)) {
			e = auth_hidden(req->session.user.role, r->need) ? IE_NOTFOUND : IE_DENIED;
			goto out;
		}
	}
	e = r->fn(req);
out:
	if (e == IE_UNAUTH && req->method == APP_POST && !req->streaming) {
		/* an expired session on a form post: back to the login page */
		req->error_msg = NULL;
		e = to_login(req);
	}
	if (e) {
		log_error(req, e);
		if (!req->streaming)
			render_error(req, e);
	}
	if (!req->streaming) {
		if (send_headers(req) == IE_OK && req->method != APP_HEAD && req->body.len)
			io_write(req, req->body.data, req->body.len);
	}
}

void app_req_reset(struct req *req)
{
	if (req->hdf)
		hdf_destroy((HDF **)&req->hdf);
	buf_free(&req->headers);
	buf_free(&req->body);
	if (req->arena)
		arena_reset(req->arena);
	memset(req, 0, sizeof(*req));
}

/* ---------- the loop ---------- */

static ierr fcgx_write(void *ctx, const char *p, size_t n)
{
	FCGX_Request *fr = ctx;

	while (n) {
		int chunk = n > (1u << 30) ? (1 << 30) : (int)n;

		if (FCGX_PutStr(p, chunk, fr->out) != chunk)
			return IE_IO;
		p += chunk;
		n -= (size_t)chunk;
	}
	return IE_OK;
}

static long fcgx_read(void *ctx, char *p, size_t n)
{
	FCGX_Request *fr = ctx;

	return FCGX_GetStr(p, n > (1u << 30) ? (1 << 30) : (int)n, fr->in);
}

static ierr stdout_write(void *ctx, const char *p, size_t n)
{
	return fwrite(p, 1, n, stdout) == n ? IE_OK : IE_IO;
}

static long stdin_read(void *ctx, char *p, size_t n)
{
	size_t got = fread(p, 1, n, stdin);

	return got ? (long)got : -1;
}

struct app_proc {
	const struct app_def *def;
	struct config cfg;
	struct db *db;
	struct tmpl *tmpl;
	struct arena *arena;
	struct memo *memo;
	struct log *log;
};

static void handle_one(struct app_proc *p, char **env, struct app_io io)
{
	struct req req;
	ierr e = app_req_init(&req, p->def, &p->cfg, p->db, p->tmpl, p->arena, env, io);

	req.memo = p->memo;
	req.log = p->log;
	app_dispatch(&req, e);
	app_req_reset(&req);
}

static int serve(struct app_proc *p, int fd)
{
	FCGX_Request fr;

	if (FCGX_InitRequest(&fr, fd, 0))
		return 1;
	while (FCGX_Accept_r(&fr) >= 0) {
		struct app_io io = { fcgx_write, fcgx_read, &fr };

		handle_one(p, fr.envp, io);
		FCGX_Finish_r(&fr);
	}
	FCGX_Free(&fr, 1);
	return 0;
}

static volatile sig_atomic_t stopping;

static void on_term(int sig)
{
	stopping = 1;
}

/* Runs `n` accept loops as children and keeps them running. */
static int supervise(struct app_proc *p, int fd, long n)
{
	pid_t *kids = calloc((size_t)n, sizeof(*kids));
	struct sigaction sa;
	long i;

	if (!kids)
		return 1;
	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_term;
	sigaction(SIGTERM, &sa, NULL);
	sigaction(SIGINT, &sa, NULL);
	while (!stopping) {
		for (i = 0; i < n && !stopping; i++) {
			if (kids[i] > 0)
				continue;
			kids[i] = fork();
			if (kids[i] == 0) {
				signal(SIGTERM, SIG_DFL);
				signal(SIGINT, SIG_DFL);
				_exit(serve(p, fd));
			}
		}
		{
			int status;
			pid_t dead = wait(&status);

			if (dead < 0 && errno != EINTR)
				break;
			for (i = 0; i < n; i++)
				if (kids[i] == dead)
					kids[i] = 0;
			if (dead > 0 && !stopping) {
				struct timespec ts = { 0, 100000000L };

				nanosleep(&ts, NULL);   /* no tight loop if a worker keeps dying */
			}
		}
	}
	for (i = 0; i < n; i++)
		if (kids[i] > 0)
			kill(kids[i], SIGTERM);
	for (i = 0; i < n; i++)
		if (kids[i] > 0)
			waitpid(kids[i], NULL, 0);
	free(kids);
	return 0;
}

static void usage(const char *name)
{
	fprintf(stderr, "usage: %s [-c CONFIG] [--listen PATH|HOST:PORT] [--workers N] [--check]\n"
		"  no --listen: the FastCGI socket is fd 0 (spawn-fcgi, mod_fcgid, systemd),\n"
		"  or, when run as CGI, one request from the environment\n", name);
}

int app_main(int argc, char **argv, const struct app_def *def)
{
	const char *cfgpath = NULL, *listen_on = NULL;
	long long workers = 1;
	int check = 0, fd = 0, rc = 1, i;
	struct app_proc p;
	char err[300];

	memset(&p, 0, sizeof(p));
	p.def = def;
	for (i = 1; i < argc; i++) {
		if (!strcmp(argv[i], "-c") && i + 1 < argc) {
			cfgpath = argv[++i];
		} else if (!strcmp(argv[i], "--listen") && i + 1 < argc) {
			listen_on = argv[++i];
		} else if (!strcmp(argv[i], "--workers") && i + 1 < argc) {
			if (str_to_i64(argv[++i], 1, 256, &workers)) {
				usage(argv[0]);
				return 2;
			}
		} else if (!strcmp(argv[i], "--check")) {
			check = 1;
		} else {
			usage(argv[0]);
			return 2;
		}
	}
	if (config_load(&p.cfg, cfgpath, err, sizeof(err))) {
		fprintf(stderr, "%s: %s\n", def->name, err);
		return 1;
	}
	/* dates ("today", overdue) are computed in the configured zone: set once */
	if (setenv("TZ", p.cfg.time_zone[0] ? p.cfg.time_zone : "UTC", 1)) {
		fprintf(stderr, "%s: cannot set the time zone\n", def->name);
		goto out;
	}
	tzset();
	if (db_new(&p.cfg, &p.db) || tmpl_new(p.cfg.templates_dir, &p.tmpl) || !(p.arena = arena_new())
	    || memo_new(&p.memo) || log_new(p.cfg.log_repeat_s, &p.log)) {
		fprintf(stderr, "%s: out of memory\n", def->name);
		goto out;
	}
	if (check) {
		if (tmpl_check_all(p.tmpl, err, sizeof(err))) {
			fprintf(stderr, "%s: %s\n", def->name, err);
			goto out;
		}
		rc = 0;
		goto out;
	}
	if (FCGX_Init()) {
		fprintf(stderr, "%s: FCGX_Init failed\n", def->name);
		goto out;
	}
	if (listen_on) {
		fd = FCGX_OpenSocket(listen_on, 128);
		if (fd < 0) {
			fprintf(stderr, "%s: cannot listen on %s\n", def->name, listen_on);
			goto out;
		}
		/* unix sockets only for the web server's group: libfcgi must not face the network */
		if (listen_on[0] == '/' && chmod(listen_on, 0660)) {
			fprintf(stderr, "%s: chmod %s: %s\n", def->name, listen_on, strerror(errno));
			goto out;
		}
	} else if (FCGX_IsCGI()) {
		struct app_io io = { stdout_write, stdin_read, NULL };

		handle_one(&p, environ, io);
		fflush(stdout);
		rc = 0;
		goto out;
	}
	rc = workers > 1 ? supervise(&p, fd, workers) : serve(&p, fd);
out:
	tmpl_free(p.tmpl);
	db_close(p.db);
	arena_free(p.arena);
	memo_free(p.memo);
	log_free(p.log);
	config_free(&p.cfg);
	return rc;
}
