/* form.c — declarative forms: parse, messages, re-display (see form.h). */
#include <stdio.h>
#include <string.h>
#include "form.h"
#include "app.h"
#include "buf.h"
#include "money.h"

static const char *const type_names[] = {
	[FORM_TEXT] = "text", [FORM_AREA] = "area", [FORM_EMAIL] = "email", [FORM_INT] = "int",
	[FORM_AMOUNT] = "amount", [FORM_DEC6] = "dec6", [FORM_RATE] = "rate", [FORM_DATE] = "date",
	[FORM_ENUM] = "enum", [FORM_CHECK] = "check", [FORM_ID] = "id",
};

static int is_space(char c)
{
	return c == ' ' || c == '\t' || c == '\n' || c == '\r';
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

/* Digits after the decimal point of a plain decimal ("12.345" -> 3), -1 when not a number. */
static int decimals_of(const char *s)
{
	const char *p = s, *dot;
	int digits = 0;

	if (*p == '-' || *p == '+')
		p++;
	if (!*p)
		return -1;
	for (dot = NULL; *p; p++) {
		if (*p == '.') {
			if (dot)
				return -1;
			dot = p;
		} else if (*p >= '0' && *p <= '9') {
			digits++;
		} else {
			return -1;
		}
	}
	if (!digits)
		return -1;
	return dot ? (int)(p - dot - 1) : 0;
}

static const char *decimals_msg(int decimals)
{
	switch (decimals) {
	case 0: return "must be a whole number";
	case 1: return "at most 1 decimal";
	case 2: return "at most 2 decimals";
	case 3: return "at most 3 decimals";
	case 4: return "at most 4 decimals";
	default: return "at most 6 decimals";
	}
}

/* A fixed-point number with `decimals` digits, range checked. */
static void parse_fixed(const struct form_field *f, const char *s, int decimals, struct form_value *out)
{
	int64_t v;
	int d = decimals_of(s);
	ierr e;

	if (d < 0) {
		out->error = decimals ? "must be a number like 12.50" : "must be a whole number";
		return;
	}
	if (d > decimals) {
		out->error = decimals_msg(decimals);
		return;
	}
	{
		/* ".5" and "5." are numbers people type: money_parse wants "0.5" and "5" */
		char tmp[64];
		size_t n = strlen(s), k = 0;

		if (n + 2 > sizeof(tmp)) {
			out->error = "is too large";
			return;
		}
		if (*s == '-' || *s == '+')
			tmp[k++] = *s++;
		if (*s == '.')
			tmp[k++] = '0';
		memcpy(tmp + k, s, strlen(s) + 1);
		n = strlen(tmp);
		if (n && tmp[n - 1] == '.')
			tmp[n - 1] = '\0';
		e = money_parse(tmp, decimals, &v);
	}
	if (e) {
		out->error = e == IE_OVERFLOW ? "is too large" : "must be a number";
		return;
	}
	if (f->nonneg && v < 0) {
		out->error = "must not be negative";
		return;
	}
	if (f->min < f->max && (v < f->min || v > f->max)) {
		out->error = v < f->min ? "is too small" : "is too large";
		return;
	}
	out->i = v;
	out->present = 1;
}

ierr form_parse_one(const struct form_field *f, const char *raw, const char *currency,
		    struct arena *arena, struct form_value *out)
{
	const char *p, *end;
	size_t len, maxlen;
	char *s;

	memset(out, 0, sizeof(*out));
	out->raw = raw ? raw : "";
	out->s = "";
	if (f->type == FORM_CHECK) {
		out->i = raw && !strcmp(raw, "1");
		out->present = 1;
		out->s = out->i ? "1" : "0";
		out->len = 1;
		out->raw = out->s;
		return IE_OK;
	}
	p = out->raw;
	end = p + strlen(p);
	while (p < end && is_space(*p))
		p++;
	while (end > p && is_space(end[-1]))
		end--;
	len = (size_t)(end - p);
	if (!len) {
		if (f->required)
			out->error = "is required";
		return IE_OK;
	}
	if (!(s = arena_strndup(arena, p, len)))
		return IE_NOMEM;
	out->s = s;
	out->len = len;
	switch (f->type) {
	case FORM_TEXT:
	case FORM_AREA:
		maxlen = f->maxlen ? f->maxlen : f->type == FORM_TEXT ? 200 : 2000;
		if (has_controls(s, len, f->type == FORM_AREA))
			out->error = f->type == FORM_TEXT ? "must be one line of text" : "contains control characters";
		else if (len > maxlen)
			out->error = arena_printf(arena, "at most %zu characters", maxlen);
		else
			out->present = 1;
		break;
	case FORM_EMAIL: {
		struct app_value av = { 0 };

		maxlen = f->maxlen && f->maxlen < 254 ? f->maxlen : 254;
		if (len > maxlen)
			out->error = arena_printf(arena, "at most %zu characters", maxlen);
		else if (app_v_email(NULL, s, len, &av) || !strchr(strchr(s, '@'), '.'))
			out->error = "must be an email address like name@example.com";
		else
			out->present = 1;
		break;
	}
	case FORM_INT:
	case FORM_ID: {
		long long v;
		int ok = 1;

		for (size_t i = 0; i < len; i++)
			if (!((s[i] >= '0' && s[i] <= '9') || (i == 0 && s[i] == '-' && f->type == FORM_INT && len > 1)))
				ok = 0;
		if (!ok || len > 17 || str_to_i64(s, f->type == FORM_ID ? 1 : -(1LL << 53), 1LL << 53, &v)) {
			out->error = f->type == FORM_ID ? "must be a valid choice" : "must be a whole number";
			break;
		}
		if (f->nonneg && v < 0) {
			out->error = "must not be negative";
			break;
		}
		if (f->min < f->max && (v < f->min || v > f->max)) {
			out->error = arena_printf(arena, "must be between %lld and %lld", f->min, f->max);
			break;
		}
		out->i = v;
		out->present = 1;
		break;
	}
	case FORM_AMOUNT: {
		int exp = currency ? money_exponent(currency) : -1;

		if (exp < 0) {
			out->error = "needs a currency first";
			break;
		}
		parse_fixed(f, s, exp, out);
		break;
	}
	case FORM_DEC6:
		parse_fixed(f, s, 6, out);
		break;
	case FORM_RATE: {
		struct form_field g = *f;

		/* percent with 4 decimals, 0 <= rate < 100 unless the table narrows it */
		g.nonneg = 1;
		if (!(g.min < g.max)) {
			g.min = 0;
			g.max = 100 * MONEY_RATE_SCALE - 1;
		}
		parse_fixed(&g, s, 4, out);
		if (out->error && !strcmp(out->error, "is too large"))
			out->error = "must be below 100%";
		break;
	}
	case FORM_DATE: {
		struct app_value av = { 0 };

		if (app_v_date(NULL, s, len, &av)) {
			out->error = "must be a date YYYY-MM-DD";
			break;
		}
		out->i = av.i;
		out->present = 1;
		break;
	}
	case FORM_ENUM:
		out->error = "must be one of the choices";
		for (size_t i = 0; f->choices && f->choices[i]; i++)
			if (!strcmp(f->choices[i], s)) {
				out->i = (long long)i;
				out->s = f->choices[i];
				out->error = NULL;
				out->present = 1;
				break;
			}
		break;
	case FORM_CHECK:
		break;
	}
	if (out->error) {
		out->present = 0;
		out->i = 0;
	}
	return IE_OK;
}

ierr form_parse_with(form_get_fn get, void *ctx, struct arena *arena, const struct form_field *f,
		     size_t n, const char *currency, struct form_value *out)
{
	size_t bad = 0;
	ierr e;

	for (size_t i = 0; i < n; i++) {
		if ((e = form_parse_one(&f[i], get(ctx, f[i].name), currency, arena, &out[i])))
			return e;
		bad += out[i].error != NULL;
	}
	return bad ? IE_INVALID : IE_OK;
}

static const char *body_get(void *ctx, const char *name)
{
	return app_body_param(ctx, name);
}

ierr form_parse(struct req *req, const struct form_field *f, size_t n, const char *currency,
		struct form_value *out)
{
	return form_parse_with(body_get, req, req->arena, f, n, currency, out);
}

int form_index(const struct form_field *f, size_t n, const char *name)
{
	for (size_t i = 0; i < n; i++)
		if (!strcmp(f[i].name, name))
			return (int)i;
	return -1;
}

void form_set_raw(struct form_value *v, const char *raw)
{
	v->raw = raw ? raw : "";
}

void form_set_error(struct form_value *v, const char *msg)
{
	v->error = msg;
	v->present = 0;
}

size_t form_errors(const struct form_value *v, size_t n)
{
	size_t bad = 0;

	for (size_t i = 0; i < n; i++)
		bad += v[i].error != NULL;
	return bad;
}

static ierr set_key(struct req *req, const char *prefix, const char *name, const char *field, const char *value)
{
	char key[160];

	if ((size_t)snprintf(key, sizeof(key), "%s.%s.%s", prefix, name, field) >= sizeof(key))
		return IE_INTERNAL;
	return app_set(req, key, value);
}

ierr form_hdf(struct req *req, const char *prefix, const struct form_field *f, size_t n,
	      const struct form_value *v)
{
	char key[160];
	size_t bad = 0;
	ierr e = IE_OK;

	for (size_t i = 0; i < n && !e; i++) {
		const char *value = v && v[i].raw ? v[i].raw : "";
		char num[24];

		if ((e = set_key(req, prefix, f[i].name, "Name", f[i].name))
		    || (e = set_key(req, prefix, f[i].name, "Label", f[i].label))
		    || (e = set_key(req, prefix, f[i].name, "Type", type_names[f[i].type]))
		    || (e = set_key(req, prefix, f[i].name, "Value", value))
		    || (e = set_key(req, prefix, f[i].name, "Required", f[i].required ? "1" : "0")))
			break;
		if (f[i].hint && (e = set_key(req, prefix, f[i].name, "Hint", f[i].hint)))
			break;
		if (f[i].maxlen) {
			snprintf(num, sizeof(num), "%zu", f[i].maxlen);
			if ((e = set_key(req, prefix, f[i].name, "MaxLen", num)))
				break;
		}
		if (v && v[i].error) {
			bad++;
			if ((e = set_key(req, prefix, f[i].name, "Error", v[i].error)))
				break;
		}
		for (size_t c = 0; f[i].type == FORM_ENUM && f[i].choices && f[i].choices[c] && !e; c++) {
			const char *label = f[i].choice_labels ? f[i].choice_labels[c] : f[i].choices[c];

			if ((size_t)snprintf(key, sizeof(key), "%s.%s.Choices.%zu.Value", prefix, f[i].name, c) >= sizeof(key))
				return IE_INTERNAL;
			if ((e = app_set(req, key, f[i].choices[c])))
				break;
			snprintf(key, sizeof(key), "%s.%s.Choices.%zu.Label", prefix, f[i].name, c);
			e = app_set(req, key, label);
		}
	}
	if (!e) {
		snprintf(key, sizeof(key), "%s.Errors", prefix);
		e = app_set_int(req, key, (long long)bad);
	}
	return e;
}

ierr form_conflict_hdf(struct req *req, const char *prefix, const struct form_field *f, size_t n,
		       const struct form_value *v, const char *const *theirs, size_t *changed)
{
	size_t k = 0;
	ierr e = IE_OK;

	for (size_t i = 0; i < n && !e; i++) {
		const char *yours = v[i].raw ? v[i].raw : "";
		const char *t = theirs[i];

		if (!t)
			continue;
		/* compare what each side means: typed values where the type has one */
		if (v[i].present && f[i].type != FORM_TEXT && f[i].type != FORM_AREA && f[i].type != FORM_EMAIL
		    && f[i].type != FORM_ENUM) {
			struct form_value tv;
			struct form_field g = f[i];

			g.min = g.max = 0;
			g.nonneg = 0;
			if (form_parse_one(&g, t, NULL, req->arena, &tv) == IE_OK && tv.present && tv.i == v[i].i)
				continue;
			if (f[i].type == FORM_AMOUNT && !strcmp(t, v[i].s))
				continue;
		} else {
			const char *ys = v[i].s ? v[i].s : "";

			if (f[i].type == FORM_CHECK ? !strcmp(t, yours) : !strcmp(t, ys))
				continue;
		}
		if ((e = app_set_at(req, prefix, k, "Label", f[i].label))
		    || (e = app_set_at(req, prefix, k, "Name", f[i].name))
		    || (e = app_set_at(req, prefix, k, "Theirs", t))
		    || (e = app_set_at(req, prefix, k, "Yours", yours)))
			break;
		k++;
	}
	if (changed)
		*changed = k;
	return e;
}

ierr form_render(struct req *req, int status, const char *tmpl_name)
{
	req->status = status;
	return app_render(req, tmpl_name);
}
