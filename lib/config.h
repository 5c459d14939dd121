/*
 * config.h — the configuration file (ClearSilver HDF), typed.
 *
 * The file is named by INVOICE_CONFIG (or `-c FILE`); every key has a default
 * so a missing key never crashes a worker. Keys (HDF paths):
 *
 *   DB.Host.0, DB.Host.1 ...   "unix:/path/mysqld.sock" or "host[:port]"; tried in order
 *   DB.Name DB.User DB.Password DB.ConnectTimeout (s) DB.TxRetries
 *   DB.ReadTimeout DB.WriteTimeout (s)  a web worker gives up on a server that stops
 *                  answering after this long (invoicectl waits up to an hour)
 *   Paths.Templates Paths.Sql Paths.Static   directories
 *   Site.Name Site.BaseURL                   BaseURL builds absolute links (emails, /d/ links)
 *   Secret                                   64 hex chars: HMAC key for signed links
 *   Session.IdleMinutes Session.AbsoluteHours
 *   Login.AccountFailures Login.AddressFailures Login.WindowMinutes
 *   Password.OpsLimit Password.MemLimitKiB   argon2id cost for new hashes
 *   Limits.Body Limits.Params Limits.ValueLength
 *   Invoice.Prefix Invoice.TaxRounding (line|document) Invoice.TimeZone Invoice.PaymentDays
 *   PDF.Paper (A4|Letter) PDF.Font (the TTF subset)
 *   PDF.FallbackFont.0 .. .3  fonts for characters PDF.Font lacks, in order (read by invoice-pdf)
 *   PDF.Files PDF.AccelRedirect   serving stored PDFs through the web server: Files is a
 *                  directory (absolute) for copies of stored PDFs, AccelRedirect the URI
 *                  prefix ("/_stored-pdf/") of an nginx `internal` location aliasing it.
 *                  Both set: downloads answer with X-Accel-Redirect; otherwise (the
 *                  default, and for Apache) the program sends the bytes itself.
 *   List.CountCap   exact counts up to this many rows for filters the per-day totals cannot answer
 *   List.SearchScan a word search with more matches than this (times the square root of
 *                   (rows up to the page's end) / 50) reads the page in sort order
 *   List.SearchCountCap a word search counts exactly up to this many invoices
 *   List.SearchNames a word search lists the customers its name matches, when at most this
 *                   many (LISTQ_NAME_IDS at most); more, or 0, and each statement matches names
 *   List.NameSeekFrom deep pages by customer this far from both ends of the list find their
 *                   place from the counts per name (else OFFSET from the nearer end)
 *   List.MaxStatementSeconds  the list program's statements are stopped by MariaDB after this
 *                   long (max_statement_time; 0: no limit) and the page asks to refine the search
 *   List.DeepOffset from this row offset on, pages come from an index-only subquery, read from
 *                   the nearer end of the list
 *   Log.RepeatSeconds  the same error (program, kind, DB error number) is logged once per
 *                   this many seconds, with the count of the repeats held back (0: every time)
 *   Batch.Max       the most invoices a list batch action takes (1..500, read by invoice-admin)
 *   Mail.Sendmail Mail.From Mail.FromName Mail.TimeoutSeconds Mail.LeaseSeconds Mail.RetrySeconds
 *   Mail.MaxAttempts Mail.LinkDays Mail.Batch   customer mail (read by lib/outbox.c: outbox_cfg_load)
 *   Link.RatePerAddress Link.RatePerInvoice Link.RateWindowMinutes   signed-link downloads (lib/link_views.c)
 *   Seller.Name Seller.Address Seller.TaxId Seller.IBAN Seller.BIC Seller.Email Seller.Country
 */
#ifndef INVOICE_CONFIG_H
#define INVOICE_CONFIG_H

#include <stddef.h>
#include "err.h"

#define CONFIG_MAX_DB_HOSTS 8

struct config_dbhost {
	char host[256];     /* empty when socket is set */
	unsigned port;
	char socket[256];
};

struct config {
	struct config_dbhost db_hosts[CONFIG_MAX_DB_HOSTS];
	size_t ndb_hosts;
	char db_name[64], db_user[64], db_password[128];
	unsigned db_connect_timeout;
	unsigned db_tx_retries;
	unsigned db_read_timeout, db_write_timeout;
	unsigned list_max_statement_s;
	unsigned log_repeat_s;

	char templates_dir[512], sql_dir[512], static_dir[512];
	char site_name[128], base_url[256];
	unsigned char secret[32];
	int has_secret;

	unsigned session_idle_min, session_absolute_h;
	unsigned login_account_failures, login_address_failures, login_window_min;
	unsigned hk_form_key_days, hk_password_link_days, hk_batch_rows;   /* Housekeeping.* */
	unsigned long long pw_opslimit;
	size_t pw_memlimit_kib;

	size_t limit_body, limit_params, limit_value;

	char invoice_prefix[16];
	int tax_per_document;       /* 0 = per line (default) */
	char time_zone[64];
	unsigned payment_days;
	char paper[8];
	char pdf_files[512];        /* "" = no file copies of stored PDFs */
	char pdf_accel[256];        /* X-Accel-Redirect prefix, "" = off */
	long long list_count_cap;
	long long list_deep_offset;
	long long list_search_scan;
	long long list_search_count_cap;
	long long list_search_names;
	long long list_name_seek_from;

	void *hdf;                  /* the parsed HDF (HDF *), for pass-through keys */
};

/* Loads `path` (NULL: INVOICE_CONFIG, else built-in defaults only).
 * On failure writes a one-line reason to errbuf. */
ierr config_load(struct config *cfg, const char *path, char *errbuf, size_t errlen);
void config_free(struct config *cfg);
/* A raw string value, or `def` when unset. */
const char *config_get(const struct config *cfg, const char *key, const char *def);
/* Parses "unix:/p", "host", "host:port" into h. */
ierr config_parse_dbhost(const char *s, struct config_dbhost *h);

#endif
