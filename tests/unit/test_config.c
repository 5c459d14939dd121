/*
 * test_config.c — unit tests for lib/config.c: built-in defaults, a real HDF
 * file, INVOICE_CONFIG, bad values refused with a message naming the key,
 * and config_parse_dbhost.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include "buf.h"
#include "config.h"

#define ARRAY_LEN(a) (sizeof(a) / sizeof((a)[0]))

#define SECRET_HEX "000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f"

/* Writes `text` to a new temporary file; the caller unlinks `path`. */
static void write_temp(char *path, size_t pathsz, const char *text)
{
	const char *dir = getenv("TMPDIR");
	FILE *f;
	int fd;

	assert_true(snprintf(path, pathsz, "%s/test_config.XXXXXX", dir && *dir ? dir : "/tmp") < (int)pathsz);
	fd = mkstemp(path);
	assert_true(fd >= 0);
	f = fdopen(fd, "w");
	assert_non_null(f);
	assert_int_equal(fputs(text, f) >= 0, 1);
	assert_int_equal(fclose(f), 0);
}

static int ends_with(const char *s, const char *suffix)
{
	size_t n = strlen(s), m = strlen(suffix);

	return n >= m && !strcmp(s + n - m, suffix);
}

static void test_defaults_without_file(void **state)
{
	struct config cfg;
	char err[256] = "";

	(void)state;
	assert_int_equal(unsetenv("INVOICE_CONFIG"), 0);
	memset(&cfg, 0x5a, sizeof(cfg));        /* config_load must set every field */
	assert_int_equal(config_load(&cfg, NULL, err, sizeof(err)), IE_OK);
	assert_int_equal(cfg.ndb_hosts, 1);
	assert_string_equal(cfg.db_hosts[0].socket, "/run/mysqld/mysqld.sock");
	assert_string_equal(cfg.db_hosts[0].host, "");
	assert_string_equal(cfg.db_name, "invoice");
	assert_string_equal(cfg.db_user, "invoice");
	assert_string_equal(cfg.db_password, "");
	assert_int_equal(cfg.db_connect_timeout, 2);
	assert_int_equal(cfg.db_tx_retries, 5);
	assert_true(ends_with(cfg.templates_dir, "/templates"));
	assert_true(ends_with(cfg.sql_dir, "/sql"));
	assert_true(ends_with(cfg.static_dir, "/templates/static"));
	assert_string_equal(cfg.site_name, "Invoice Manager");
	assert_true(cfg.base_url[0] != '\0');
	assert_int_equal(cfg.has_secret, 0);
	assert_int_equal(cfg.session_idle_min, 30);
	assert_int_equal(cfg.session_absolute_h, 12);
	assert_int_equal(cfg.login_account_failures, 5);
	assert_int_equal(cfg.login_address_failures, 20);
	assert_int_equal(cfg.login_window_min, 15);
	assert_int_equal(cfg.hk_form_key_days, 7);
	assert_int_equal(cfg.hk_password_link_days, 1);
	assert_int_equal(cfg.hk_batch_rows, 1000);
	assert_int_equal(cfg.pw_opslimit, 4);
	assert_int_equal(cfg.pw_memlimit_kib, 9216);
	assert_int_equal(cfg.limit_body, 1024 * 1024);
	assert_int_equal(cfg.limit_params, 400);
	assert_int_equal(cfg.limit_value, 16384);
	assert_string_equal(cfg.invoice_prefix, "INV");
	assert_int_equal(cfg.tax_per_document, 0);
	assert_string_equal(cfg.time_zone, "UTC");
	assert_int_equal(cfg.payment_days, 14);
	assert_string_equal(cfg.paper, "A4");
	assert_string_equal(cfg.pdf_files, "");     /* bytes from the program by default */
	assert_string_equal(cfg.pdf_accel, "");
	/* pass-through keys fall back to the caller's default */
	assert_string_equal(config_get(&cfg, "Seller.Name", "none"), "none");
	assert_null(config_get(&cfg, "Seller.IBAN", NULL));
	config_free(&cfg);
	assert_null(cfg.hdf);
	config_free(&cfg);                      /* twice is harmless */
}

static const char full_hdf[] =
	"DB.Host.0 = unix:/var/run/db/one.sock\n"
	"DB.Host.1 = db2.example.com:3307\n"
	"DB.Host.2 = db3.example.com\n"
	"DB.Name = billing\n"
	"DB.User = biller\n"
	"DB.Password = s3cr3t pass\n"
	"DB.ConnectTimeout = 7\n"
	"DB.TxRetries = 9\n"
	"Paths {\n"
	"  Templates = /srv/tpl\n"
	"  Sql = /srv/sql\n"
	"  Static = /srv/static\n"
	"}\n"
	"Site.Name = Example Networks\n"
	"Site.BaseURL = https://billing.example.com\n"
	"Secret = " SECRET_HEX "\n"
	"Session.IdleMinutes = 45\n"
	"Session.AbsoluteHours = 8\n"
	"Login.AccountFailures = 3\n"
	"Login.AddressFailures = 30\n"
	"Login.WindowMinutes = 10\n"
	"Housekeeping.FormKeyDays = 30\n"
	"Housekeeping.PasswordLinkDays = 0\n"
	"Housekeeping.BatchRows = 50\n"
	"Password.OpsLimit = 1\n"
	"Password.MemLimitKiB = 8192\n"
	"Limits.Body = 4096\n"
	"Limits.Params = 50\n"
	"Limits.ValueLength = 300\n"
	"Invoice.Prefix = ENX\n"
	"Invoice.TaxRounding = document\n"
	"Invoice.TimeZone = Europe/Berlin\n"
	"Invoice.PaymentDays = 30\n"
	"PDF.Paper = Letter\n"
	"PDF.Files = /var/lib/invoice-manager/pdf-files\n"
	"PDF.AccelRedirect = /_stored-pdf/\n"
	"Seller.Name = Example Networks Ltd\n"
	"Seller.IBAN = DE89370400440532013000\n";

static void check_full(const struct config *cfg)
{
	unsigned i;

	assert_int_equal(cfg->ndb_hosts, 3);
	assert_string_equal(cfg->db_hosts[0].socket, "/var/run/db/one.sock");
	assert_string_equal(cfg->db_hosts[0].host, "");
	assert_string_equal(cfg->db_hosts[1].host, "db2.example.com");
	assert_int_equal(cfg->db_hosts[1].port, 3307);
	assert_string_equal(cfg->db_hosts[1].socket, "");
	assert_string_equal(cfg->db_hosts[2].host, "db3.example.com");
	assert_int_equal(cfg->db_hosts[2].port, 3306);
	assert_string_equal(cfg->db_name, "billing");
	assert_string_equal(cfg->db_user, "biller");
	assert_string_equal(cfg->db_password, "s3cr3t pass");
	assert_int_equal(cfg->db_connect_timeout, 7);
	assert_int_equal(cfg->db_tx_retries, 9);
	assert_string_equal(cfg->templates_dir, "/srv/tpl");
	assert_string_equal(cfg->sql_dir, "/srv/sql");
	assert_string_equal(cfg->static_dir, "/srv/static");
	assert_string_equal(cfg->site_name, "Example Networks");
	assert_string_equal(cfg->base_url, "https://billing.example.com");
	assert_int_equal(cfg->has_secret, 1);
	for (i = 0; i < 32; i++)
		assert_int_equal(cfg->secret[i], i);
	assert_int_equal(cfg->session_idle_min, 45);
	assert_int_equal(cfg->session_absolute_h, 8);
	assert_int_equal(cfg->login_account_failures, 3);
	assert_int_equal(cfg->login_address_failures, 30);
	assert_int_equal(cfg->login_window_min, 10);
	assert_int_equal(cfg->hk_form_key_days, 30);
	assert_int_equal(cfg->hk_password_link_days, 0);
	assert_int_equal(cfg->hk_batch_rows, 50);
	assert_int_equal(cfg->pw_opslimit, 1);
	assert_int_equal(cfg->pw_memlimit_kib, 8192);
	assert_int_equal(cfg->limit_body, 4096);
	assert_int_equal(cfg->limit_params, 50);
	assert_int_equal(cfg->limit_value, 300);
	assert_string_equal(cfg->invoice_prefix, "ENX");
	assert_int_equal(cfg->tax_per_document, 1);
	assert_string_equal(cfg->time_zone, "Europe/Berlin");
	assert_int_equal(cfg->payment_days, 30);
	assert_string_equal(cfg->paper, "Letter");
	assert_string_equal(cfg->pdf_files, "/var/lib/invoice-manager/pdf-files");
	assert_string_equal(cfg->pdf_accel, "/_stored-pdf/");
	assert_string_equal(config_get(cfg, "Seller.Name", "none"), "Example Networks Ltd");
	assert_string_equal(config_get(cfg, "Seller.IBAN", NULL), "DE89370400440532013000");
	assert_string_equal(config_get(cfg, "Seller.BIC", "dflt"), "dflt");
	assert_string_equal(config_get(cfg, "DB.Host.1", NULL), "db2.example.com:3307");
}

static void test_file_with_keys(void **state)
{
	struct config cfg;
	char path[512], err[256] = "";

	(void)state;
	write_temp(path, sizeof(path), full_hdf);
	assert_int_equal(config_load(&cfg, path, err, sizeof(err)), IE_OK);
	unlink(path);
	check_full(&cfg);
	config_free(&cfg);
}

static void test_invoice_config_env(void **state)
{
	struct config cfg;
	char path[512], err[256] = "";

	(void)state;
	write_temp(path, sizeof(path), full_hdf);
	assert_int_equal(setenv("INVOICE_CONFIG", path, 1), 0);
	assert_int_equal(config_load(&cfg, NULL, err, sizeof(err)), IE_OK);
	unlink(path);
	assert_int_equal(unsetenv("INVOICE_CONFIG"), 0);
	check_full(&cfg);
	config_free(&cfg);
	/* an explicit path wins over the environment */
	{
		char other[512];

		write_temp(other, sizeof(other), "DB.Name = other\n");
		assert_int_equal(setenv("INVOICE_CONFIG", "/nonexistent/env.hdf", 1), 0);
		assert_int_equal(config_load(&cfg, other, err, sizeof(err)), IE_OK);
		unlink(other);
		assert_int_equal(unsetenv("INVOICE_CONFIG"), 0);
		assert_string_equal(cfg.db_name, "other");
		assert_int_equal(cfg.tax_per_document, 0);
		config_free(&cfg);
	}
}

static void test_partial_file_keeps_defaults(void **state)
{
	struct config cfg;
	char path[512], err[256] = "";

	(void)state;
	write_temp(path, sizeof(path), "DB.Host.0 = 10.0.0.5\nLimits.Params = 7\n");
	assert_int_equal(config_load(&cfg, path, err, sizeof(err)), IE_OK);
	unlink(path);
	assert_int_equal(cfg.ndb_hosts, 1);
	assert_string_equal(cfg.db_hosts[0].host, "10.0.0.5");
	assert_int_equal(cfg.db_hosts[0].port, 3306);
	assert_int_equal(cfg.limit_params, 7);
	assert_int_equal(cfg.limit_value, 16384);
	assert_string_equal(cfg.db_name, "invoice");
	assert_string_equal(cfg.paper, "A4");
	config_free(&cfg);
}

static void test_missing_file(void **state)
{
	struct config cfg;
	char err[256] = "";

	(void)state;
	assert_int_not_equal(config_load(&cfg, "/nonexistent/dir/invoice.hdf", err, sizeof(err)), IE_OK);
	assert_non_null(strstr(err, "/nonexistent/dir/invoice.hdf"));
	assert_null(cfg.hdf);
	config_free(&cfg);
}

/* Each bad value is refused; the message names the key. */
static void test_bad_values(void **state)
{
	static char long_name[200];
	static const struct {
		const char *text;
		const char *key;
	} cases[] = {
		{ "Limits.Body = abc\n", "Limits.Body" },
		{ "Limits.Body = -1\n", "Limits.Body" },
		{ "Limits.Body = 1e6\n", "Limits.Body" },
		{ "Limits.Body = 99999999999\n", "Limits.Body" },
		{ "Limits.Params = 10x\n", "Limits.Params" },
		{ "Limits.ValueLength = \n", "Limits.ValueLength" },
		{ "DB.TxRetries = 101\n", "DB.TxRetries" },
		{ "DB.ConnectTimeout = 61\n", "DB.ConnectTimeout" },
		{ "DB.ConnectTimeout = +5\n", "DB.ConnectTimeout" },
		{ "Session.IdleMinutes = 0x10\n", "Session.IdleMinutes" },
		{ "Session.AbsoluteHours = 1.5\n", "Session.AbsoluteHours" },
		{ "Login.AccountFailures = many\n", "Login.AccountFailures" },
		{ "Housekeeping.BatchRows = 0\n", "Housekeeping.BatchRows" },
		{ "Housekeeping.FormKeyDays = -1\n", "Housekeeping.FormKeyDays" },
		{ "Password.OpsLimit = 65\n", "Password.OpsLimit" },
		{ "Password.MemLimitKiB = 12x\n", "Password.MemLimitKiB" },
		{ "Invoice.PaymentDays = 366\n", "Invoice.PaymentDays" },
		{ "Invoice.TaxRounding = sometimes\n", "Invoice.TaxRounding" },
		{ "Invoice.TaxRounding = Line\n", "Invoice.TaxRounding" },
		{ "PDF.Paper = A5\n", "PDF.Paper" },
		{ "PDF.Paper = a4\n", "PDF.Paper" },
		{ "PDF.Files = pdf-files\n", "PDF.Files" },
		{ "PDF.AccelRedirect = _stored-pdf/\n", "PDF.AccelRedirect" },
		{ "PDF.AccelRedirect = /_stored-pdf\n", "PDF.AccelRedirect" },
		{ "PDF.AccelRedirect = /\n", "PDF.AccelRedirect" },
		{ "PDF.AccelRedirect = /a/../b/\n", "PDF.AccelRedirect" },
		{ "PDF.AccelRedirect = /a b/\n", "PDF.AccelRedirect" },
		{ "PDF.AccelRedirect = http://x/\n", "PDF.AccelRedirect" },
		{ "Secret = abc\n", "Secret" },
		{ "Secret = " SECRET_HEX "00\n", "Secret" },
		{ "Secret = zz0102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f\n", "Secret" },
		{ "DB.Host.0 = db:99999\n", "DB.Host" },
		{ "DB.Host.0 = unix:relative.sock\n", "DB.Host" },
		{ "DB.Host.0 = :3306\n", "DB.Host" },
		{ "DB.Host.0 = good\nDB.Host.1 = bad:port\n", "DB.Host" },
		{ "DB.Host.0 = a\nDB.Host.1 = b\nDB.Host.2 = c\nDB.Host.3 = d\nDB.Host.4 = e\n"
		  "DB.Host.5 = f\nDB.Host.6 = g\nDB.Host.7 = h\nDB.Host.8 = i\n", "DB.Host" },
		{ long_name, "DB.Name" },
	};
	size_t i;

	(void)state;
	/* a value longer than its field (db_name has 64 bytes) */
	assert_true(snprintf(long_name, sizeof(long_name), "DB.Name = %070d\n", 1) < (int)sizeof(long_name));
	for (i = 0; i < ARRAY_LEN(cases); i++) {
		struct config cfg;
		char path[512], err[256] = "";
		ierr e;

		write_temp(path, sizeof(path), cases[i].text);
		e = config_load(&cfg, path, err, sizeof(err));
		unlink(path);
		if (e == IE_OK)
			fail_msg("accepted: %s", cases[i].text);
		if (!strstr(err, cases[i].key))
			fail_msg("message \"%s\" does not name %s", err, cases[i].key);
		assert_null(cfg.hdf);           /* nothing kept from a refused file */
		config_free(&cfg);
	}
}

/* Exactly eight hosts are fine, and the maxima of numeric keys are accepted. */
static void test_limits_inclusive(void **state)
{
	struct config cfg;
	char path[512], err[256] = "";

	(void)state;
	write_temp(path, sizeof(path),
		   "DB.Host.0 = a\nDB.Host.1 = b\nDB.Host.2 = c\nDB.Host.3 = d\nDB.Host.4 = e\n"
		   "DB.Host.5 = f\nDB.Host.6 = g\nDB.Host.7 = h:1\n"
		   "DB.TxRetries = 100\nDB.ConnectTimeout = 0\nInvoice.PaymentDays = 365\n");
	assert_int_equal(config_load(&cfg, path, err, sizeof(err)), IE_OK);
	unlink(path);
	assert_int_equal(cfg.ndb_hosts, 8);
	assert_string_equal(cfg.db_hosts[7].host, "h");
	assert_int_equal(cfg.db_hosts[7].port, 1);
	assert_int_equal(cfg.db_tx_retries, 100);
	assert_int_equal(cfg.db_connect_timeout, 0);
	assert_int_equal(cfg.payment_days, 365);
	config_free(&cfg);
}

/* ---- config_parse_dbhost ---- */

static void test_parse_dbhost(void **state)
{
	static char host255[300], host256[300], sock255[300], sock256[300];
	static const struct {
		const char *in;
		int ok;
		const char *host;
		unsigned port;
		const char *socket;
	} cases[] = {
		{ "unix:/run/mysqld/mysqld.sock", 1, "", 0, "/run/mysqld/mysqld.sock" },
		{ "unix:/tmp/a:b.sock", 1, "", 0, "/tmp/a:b.sock" },      /* colons in a path */
		{ "db.example.com", 1, "db.example.com", 3306, "" },
		{ "db.example.com:3307", 1, "db.example.com", 3307, "" },
		{ "127.0.0.1:1", 1, "127.0.0.1", 1, "" },
		{ "10.1.2.3", 1, "10.1.2.3", 3306, "" },
		{ "h:65535", 1, "h", 65535, "" },
		{ host255, 1, NULL, 3306, "" },
		{ sock255, 1, "", 0, NULL },
		{ "", 0, NULL, 0, NULL },
		{ ":3306", 0, NULL, 0, NULL },
		{ "h:", 0, NULL, 0, NULL },
		{ "h:0", 0, NULL, 0, NULL },
		{ "h:65536", 0, NULL, 0, NULL },
		{ "h:99999999", 0, NULL, 0, NULL },
		{ "h:-1", 0, NULL, 0, NULL },
		{ "h:+1", 0, NULL, 0, NULL },
		{ "h: 1", 0, NULL, 0, NULL },
		{ "h:33a", 0, NULL, 0, NULL },
		{ "h:0x10", 0, NULL, 0, NULL },
		{ "unix:", 0, NULL, 0, NULL },
		{ "unix:relative/path.sock", 0, NULL, 0, NULL },
		{ host256, 0, NULL, 0, NULL },
		{ sock256, 0, NULL, 0, NULL },
	};
	size_t i;

	(void)state;
	memset(host255, 'h', 255);
	host255[255] = '\0';
	memset(host256, 'h', 256);
	host256[256] = '\0';
	memcpy(sock255, "unix:/", 6);
	memset(sock255 + 6, 's', 254);        /* path "/sss..." of 255 bytes */
	sock255[260] = '\0';
	memcpy(sock256, "unix:/", 6);
	memset(sock256 + 6, 's', 255);        /* 256 bytes: does not fit */
	sock256[261] = '\0';
	for (i = 0; i < ARRAY_LEN(cases); i++) {
		struct config_dbhost h;
		ierr e;

		memset(&h, 0x5a, sizeof(h));
		e = config_parse_dbhost(cases[i].in, &h);
		if ((e == IE_OK) != cases[i].ok)
			fail_msg("config_parse_dbhost(\"%.40s\") = %s", cases[i].in, ierr_name(e));
		if (!cases[i].ok)
			continue;
		if (cases[i].host)
			assert_string_equal(h.host, cases[i].host);
		else
			assert_string_equal(h.host, host255);
		assert_int_equal(h.port, cases[i].port);
		if (cases[i].socket)
			assert_string_equal(h.socket, cases[i].socket);
		else
			assert_string_equal(h.socket, sock255 + 5);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_defaults_without_file),
		cmocka_unit_test(test_file_with_keys),
		cmocka_unit_test(test_invoice_config_env),
		cmocka_unit_test(test_partial_file_keeps_defaults),
		cmocka_unit_test(test_missing_file),
		cmocka_unit_test(test_bad_values),
		cmocka_unit_test(test_limits_inclusive),
		cmocka_unit_test(test_parse_dbhost),
	};

	/* the tests choose the environment themselves */
	unsetenv("INVOICE_CONFIG");
	return cmocka_run_group_tests(tests, NULL, NULL);
}
