/*
 * libFuzzer target: the request parser (query string, form body, cookies,
 * path) and the invoice list's parameter parser, on arbitrary bytes.
 * Input layout: QUERY \0 COOKIE \0 BODY.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "app.h"
#include "config.h"
#include "listq.h"

static struct config cfg;
static struct arena *arena;

struct mem { const char *p; size_t n, off; };

static ierr sink(void *ctx, const char *p, size_t n) { (void)ctx; (void)p; (void)n; return IE_OK; }
static long source(void *ctx, char *p, size_t n)
{
	struct mem *m = ctx;
	size_t left = m->n - m->off;

	if (!left)
		return 0;
	if (n > left)
		n = left;
	memcpy(p, m->p + m->off, n);
	m->off += n;
	return (long)n;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const struct app_def def = { "fuzz", NULL, 0, NULL };
	char *copy = malloc(size + 3), *parts[3], clen[32], *env[8];
	struct mem body;
	struct app_io io;
	struct req req;
	struct listq lq;
	size_t i, k = 0;

	if (!copy)
		return 0;
	if (!arena) {
		char err[200];

		config_load(&cfg, "/nonexistent-so-defaults", err, sizeof(err));
		config_load(&cfg, NULL, err, sizeof(err));
		arena = arena_new();
	}
	memcpy(copy, data, size);
	copy[size] = copy[size + 1] = copy[size + 2] = '\0';
	parts[0] = copy;
	for (i = 0; i < size && k < 2; i++)
		if (!copy[i])
			parts[++k] = copy + i + 1;
	while (k < 2) {
		k++;
		parts[k] = copy + size + 1 + (k > 1);
	}
	body.p = parts[2];
	body.n = strlen(parts[2]);
	body.off = 0;
	snprintf(clen, sizeof(clen), "CONTENT_LENGTH=%zu", body.n);
	env[0] = "REQUEST_METHOD=POST";
	env[1] = "SCRIPT_NAME=/invoices";
	env[2] = "CONTENT_TYPE=application/x-www-form-urlencoded";
	env[3] = clen;
	env[4] = malloc(strlen(parts[0]) + 14);
	env[5] = malloc(strlen(parts[1]) + 13);
	env[6] = NULL;
	if (env[4] && env[5]) {
		memcpy(env[4], "QUERY_STRING=", 13);
		memcpy(env[4] + 13, parts[0], strlen(parts[0]) + 1);
		memcpy(env[5], "HTTP_COOKIE=", 12);
		memcpy(env[5] + 12, parts[1], strlen(parts[1]) + 1);
		io.write = sink;
		io.read = source;
		io.ctx = &body;
		if (app_req_init(&req, &def, &cfg, NULL, NULL, arena, env, io) == IE_OK)
			listq_parse(&req, &lq);
		req.arena = arena;
		app_req_reset(&req);
	}
	free(env[4]);
	free(env[5]);
	free(copy);
	return 0;
}
