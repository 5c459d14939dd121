#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <ClearSilver.h>
#include <sodium.h>
#include "config.h"
#include "buf.h"

#ifndef INVOICE_DATADIR
#define INVOICE_DATADIR "/usr/local/share/invoice-manager"
#endif

static const char *get(HDF *hdf, const char *key, const char *def)
{
	return hdf ? hdf_get_value(hdf, key, def) : def;
}

static ierr get_uint(HDF *hdf, const char *key, long long def, long long max,
		     long long *out, char *errbuf, size_t errlen)
{
	const char *s = get(hdf, key, NULL);

	if (!s) {
		*out = def;
		return IE_OK;
	}
	if (str_to_i64(s, 0, max, out)) {
		snprintf(errbuf, errlen, "config key %s: not a number in 0..%lld", key, max);
		return IE_INVALID;
	}
	return IE_OK;
}

static ierr get_str(HDF *hdf, const char *key, const char *def, char *dst, size_t dstsz,
		    char *errbuf, size_t errlen)
{
	if (str_copy(dst, dstsz, get(hdf, key, def))) {
		snprintf(errbuf, errlen, "config key %s: value too long", key);
		return IE_INVALID;
	}
	return IE_OK;
}

/* "/x/": starts and ends with '/', only URI path characters, no "..". */
static int accel_prefix_ok(const char *s)
{
	size_t n = strlen(s);

	if (n < 2 || s[0] != '/' || s[n - 1] != '/' || strstr(s, "..") || strstr(s, "//"))
		return 0;
	return strspn(s, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789/_.-~") == n;
}

ierr config_parse_dbhost(const char *s, struct config_dbhost *h)
{
	const char *colon;
	long long port = 3306;
	char portbuf[8];

	memset(h, 0, sizeof(*h));
	if (!strncmp(s, "unix:", 5))
		return s[5] == '/' ? str_copy(h->socket, sizeof(h->socket), s + 5) : IE_INVALID;
	colon = strrchr(s, ':');
	if (colon) {
		if ((size_t)(colon - s) >= sizeof(h->host) || str_copy(portbuf, sizeof(portbuf), colon + 1)
		    || str_to_i64(portbuf, 1, 65535, &port))
			return IE_INVALID;
		memcpy(h->host, s, (size_t)(colon - s));
		h->host[colon - s] = '\0';
	} else if (str_copy(h->host, sizeof(h->host), s)) {
		return IE_INVALID;
	}
	if (!h->host[0])
		return IE_INVALID;
	h->port = (unsigned)port;
	return IE_OK;
}

#define UINT(key, def, max, field) do { \
	long long v_; \
	if ((e = get_uint(hdf, key, def, max, &v_, errbuf, errlen))) goto out; \
	cfg->field = v_; \
} while (0)

#define STR(key, def, field) do { \
	if ((e = get_str(hdf, key, def, cfg->field, sizeof(cfg->field), errbuf, errlen))) goto out; \
} while (0)

ierr config_load(struct config *cfg, const char *path, char *errbuf, size_t errlen)
{
	HDF *hdf = NULL, *node;
	NEOERR *nerr;
	const char *s;
	ierr e = IE_OK;

	memset(cfg, 0, sizeof(*cfg));
	if (!path)
		path = getenv("INVOICE_CONFIG");
	nerr = hdf_init(&hdf);
	if (nerr) {
		nerr_ignore(&nerr);
		snprintf(errbuf, errlen, "out of memory");
		return IE_NOMEM;
	}
	if (path && *path) {
		nerr = hdf_read_file(hdf, path);
		if (nerr) {
			STRING str;

			string_init(&str);
			nerr_error_string(nerr, &str);
			snprintf(errbuf, errlen, "cannot read config %s: %.200s", path,
				 str.buf ? str.buf : "error");
			string_clear(&str);
			nerr_ignore(&nerr);
			e = IE_IO;
			goto out;
		}
	}
	cfg->hdf = hdf;

	node = hdf_get_obj(hdf, "DB.Host");
	for (node = node ? hdf_obj_child(node) : NULL; node; node = hdf_obj_next(node)) {
		s = hdf_obj_value(node);
		if (!s || !*s)
			continue;
		if (cfg->ndb_hosts == CONFIG_MAX_DB_HOSTS) {
			snprintf(errbuf, errlen, "config: more than %d DB.Host entries", CONFIG_MAX_DB_HOSTS);
			e = IE_INVALID;
			goto out;
		}
		if (config_parse_dbhost(s, &cfg->db_hosts[cfg->ndb_hosts])) {
			snprintf(errbuf, errlen, "config key DB.Host: cannot parse %.100s", s);
			e = IE_INVALID;
			goto out;
		}
		cfg->ndb_hosts++;
	}
	if (cfg->ndb_hosts == 0) {
		config_parse_dbhost("unix:/run/mysqld/mysqld.sock", &cfg->db_hosts[0]);
		cfg->ndb_hosts = 1;
	}
	STR("DB.Name", "invoice", db_name);
	STR("DB.User", "invoice", db_user);
	STR("DB.Password", "", db_password);
	UINT("DB.ConnectTimeout", 2, 60, db_connect_timeout);
	UINT("DB.TxRetries", 5, 100, db_tx_retries);
	/* a stopped (not dead) server: the request answers 503 after about this long */
	UINT("DB.ReadTimeout", 2, 3600, db_read_timeout);
	UINT("DB.WriteTimeout", 2, 3600, db_write_timeout);
	UINT("List.MaxStatementSeconds", 1, 3600, list_max_statement_s);
	UINT("Log.RepeatSeconds", 10, 86400, log_repeat_s);

	STR("Paths.Templates", INVOICE_DATADIR "/templates", templates_dir);
	STR("Paths.Sql", INVOICE_DATADIR "/sql", sql_dir);
	STR("Paths.Static", INVOICE_DATADIR "/templates/static", static_dir);
	STR("Site.Name", "Invoice Manager", site_name);
	STR("Site.BaseURL", "http://127.0.0.1:8080", base_url);
	s = get(hdf, "Secret", NULL);
	if (s) {
		size_t binlen = 0;

		if (strlen(s) != 64 || sodium_hex2bin(cfg->secret, sizeof(cfg->secret), s, 64,
						     NULL, &binlen, NULL) || binlen != 32) {
			snprintf(errbuf, errlen, "config key Secret: must be 64 hex characters");
			e = IE_INVALID;
			goto out;
		}
		cfg->has_secret = 1;
	}

	UINT("Session.IdleMinutes", 30, 60 * 24 * 30, session_idle_min);
	UINT("Session.AbsoluteHours", 12, 24 * 90, session_absolute_h);
	UINT("Login.AccountFailures", 5, 1000, login_account_failures);
	UINT("Login.AddressFailures", 20, 100000, login_address_failures);
	UINT("Login.WindowMinutes", 15, 60 * 24, login_window_min);
	UINT("Housekeeping.FormKeyDays", 7, 3650, hk_form_key_days);
	UINT("Housekeeping.PasswordLinkDays", 1, 3650, hk_password_link_days);
	UINT("Housekeeping.BatchRows", 1000, 1000000, hk_batch_rows);
	if (!cfg->hk_batch_rows) {
		snprintf(errbuf, errlen, "config key Housekeeping.BatchRows: at least 1");
		e = IE_INVALID;
		goto out;
	}
	/* OWASP's argon2id floor m=9 MiB t=4: keeps a login worker under 16 MB RSS. */
	UINT("Password.OpsLimit", 4, 64, pw_opslimit);
	UINT("Password.MemLimitKiB", 9216, 4 * 1024 * 1024, pw_memlimit_kib);
	UINT("Limits.Body", 1024 * 1024, 64 * 1024 * 1024, limit_body);
	UINT("Limits.Params", 400, 100000, limit_params);
	UINT("Limits.ValueLength", 16384, 1024 * 1024, limit_value);

	STR("Invoice.Prefix", "INV", invoice_prefix);
	s = get(hdf, "Invoice.TaxRounding", "line");
	if (strcmp(s, "line") && strcmp(s, "document")) {
		snprintf(errbuf, errlen, "config key Invoice.TaxRounding: line or document");
		e = IE_INVALID;
		goto out;
	}
	cfg->tax_per_document = !strcmp(s, "document");
	STR("Invoice.TimeZone", "UTC", time_zone);
	UINT("Invoice.PaymentDays", 14, 365, payment_days);
	UINT("List.CountCap", 2000, 10000000, list_count_cap);
	UINT("List.DeepOffset", 1000, 10000000, list_deep_offset);
	UINT("List.SearchScan", 2000, 10000000, list_search_scan);
	UINT("List.SearchCountCap", 500, 10000000, list_search_count_cap);
	UINT("List.SearchNames", 1000, 1000, list_search_names);   /* LISTQ_NAME_IDS */
	UINT("List.NameSeekFrom", 50000, 10000000, list_name_seek_from);   /* LISTQ_NAME_SEEK_FROM */
	if (cfg->list_count_cap < 10) {
		snprintf(errbuf, errlen, "config key List.CountCap: at least 10");
		e = IE_INVALID;
		goto out;
	}
	STR("PDF.Paper", "A4", paper);
	if (strcmp(cfg->paper, "A4") && strcmp(cfg->paper, "Letter")) {
		snprintf(errbuf, errlen, "config key PDF.Paper: A4 or Letter");
		e = IE_INVALID;
		goto out;
	}
	/* the workers' cwd is arbitrary and nginx aliases the same directory */
	STR("PDF.Files", "", pdf_files);
	if (cfg->pdf_files[0] && cfg->pdf_files[0] != '/') {
		snprintf(errbuf, errlen, "config key PDF.Files: an absolute directory");
		e = IE_INVALID;
		goto out;
	}
	/* goes into a header: a path prefix, nothing else */
	STR("PDF.AccelRedirect", "", pdf_accel);
	if (cfg->pdf_accel[0] && !accel_prefix_ok(cfg->pdf_accel)) {
		snprintf(errbuf, errlen, "config key PDF.AccelRedirect: a URI prefix such as /_stored-pdf/");
		e = IE_INVALID;
		goto out;
	}
	hdf = NULL;
out:
	if (e) {
		cfg->hdf = NULL;
	}
	if (hdf)
		hdf_destroy(&hdf);
	return e;
}

void config_free(struct config *cfg)
{
	HDF *hdf = cfg->hdf;

	if (hdf)
		hdf_destroy(&hdf);
	cfg->hdf = NULL;
}

const char *config_get(const struct config *cfg, const char *key, const char *def)
{
	return get(cfg->hdf, key, def);
}
