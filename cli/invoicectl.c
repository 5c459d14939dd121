/*
 * invoicectl — operators' and cron's tool (DESIGN.md, invoicectl).
 * Exit status 0 on success; otherwise one line on stderr and non-zero.
 */
#include <dirent.h>
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include "auth.h"
#include "buf.h"
#include "config.h"
#include "db.h"
#include "demo.h"
#include "einvoice.h"
#include "invoice.h"
#include "link.h"
#include "send_mail.h"
#include "users.h"

struct ctl {
	struct config cfg;
	struct db *db;
};

static int fail(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
static int fail(const char *fmt, ...)
{
	va_list ap;

	fputs("invoicectl: ", stderr);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
	return 1;
}

static int db_fail(struct ctl *c, const char *what, ierr e)
{
	fprintf(stderr, "invoicectl: %s: %s (%s)\n", what, ierr_name(e), db_error(c->db));
	return 1;
}

/* ---------- migrate ---------- */

static int sql_file_cmp(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

static int is_migration(const char *name, long long *version)
{
	size_t n = strlen(name);
	char num[5];

	if (n < 10 || strcmp(name + n - 4, ".sql") || name[4] != '_')
		return 0;
	memcpy(num, name, 4);
	num[4] = '\0';
	return str_to_i64(num, 1, 9999, version) == IE_OK;
}

static ierr read_file(const char *path, struct buf *out)
{
	FILE *f = fopen(path, "rb");
	char chunk[8192];
	size_t n;
	ierr e = IE_OK;

	if (!f)
		return IE_IO;
	while (!e && (n = fread(chunk, 1, sizeof(chunk), f)) > 0)
		e = buf_put(out, chunk, n);
	if (!e && ferror(f))
		e = IE_IO;
	fclose(f);
	return e;
}

static int cmd_migrate(struct ctl *c)
{
	DIR *d = opendir(c->cfg.sql_dir);
	char *names[1000];
	size_t n = 0, i, applied = 0;
	struct dirent *de;
	int rc = 1;
	ierr e;

	if (!d)
		return fail("cannot open migrations directory %s", c->cfg.sql_dir);
	while ((de = readdir(d)) && n < 1000) {
		long long v;

		if (is_migration(de->d_name, &v) && !(names[n] = strdup(de->d_name))) {
			closedir(d);
			return fail("out of memory");
		}
		if (is_migration(de->d_name, &v))
			n++;
	}
	closedir(d);
	qsort(names, n, sizeof(names[0]), sql_file_cmp);
	e = db_exec(c->db, "CREATE TABLE IF NOT EXISTS schema_migrations ("
		    "version INT UNSIGNED NOT NULL PRIMARY KEY, name VARCHAR(200) NOT NULL, "
		    "applied_at DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP) "
		    "ENGINE=InnoDB DEFAULT CHARSET=utf8mb4", DB_NOARGS, NULL, NULL);
	if (e) {
		rc = db_fail(c, "migrate", e);
		goto out;
	}
	for (i = 0; i < n; i++) {
		long long version = 0;
		struct db_res r;
		struct buf sql = BUF_INIT;
		char path[1024];

		is_migration(names[i], &version);
		e = db_query_row(c->db, &r, "SELECT name FROM schema_migrations WHERE version = ?",
				 DB_ARGS(DB_I(version)));
		db_free(&r);
		if (e == IE_OK)
			continue;
		if (e != IE_NOTFOUND) {
			rc = db_fail(c, "migrate", e);
			goto out;
		}
		snprintf(path, sizeof(path), "%s/%s", c->cfg.sql_dir, names[i]);
		if (read_file(path, &sql)) {
			buf_free(&sql);
			rc = fail("cannot read %s", path);
			goto out;
		}
		e = db_script(c->db, sql.data, sql.len);
		buf_free(&sql);
		if (e) {
			fprintf(stderr, "invoicectl: migration %s failed: %s\n", names[i], db_error(c->db));
			goto out;
		}
		e = db_exec(c->db, "INSERT INTO schema_migrations (version, name) VALUES (?, ?)",
			    DB_ARGS(DB_I(version), DB_S(names[i])), NULL, NULL);
		if (e) {
			rc = db_fail(c, "migrate", e);
			goto out;
		}
		printf("applied %s\n", names[i]);
		applied++;
	}
	if (!applied)
		printf("schema is up to date\n");
	rc = 0;
out:
	for (i = 0; i < n; i++)
		free(names[i]);
	return rc;
}

/* ---------- users ---------- */

static const struct users_by ctl_actor = { NULL, NULL };   /* audit actor "invoicectl" */

static int read_password(char *out, size_t outsz)
{
	size_t n;

	if (!fgets(out, (int)outsz, stdin))
		return -1;
	n = strlen(out);
	while (n && (out[n - 1] == '\n' || out[n - 1] == '\r'))
		out[--n] = '\0';
	return n ? 0 : -1;
}

static int cmd_user_add(struct ctl *c, int argc, char **argv)
{
	const char *email = NULL, *name = NULL;
	enum auth_role role = ROLE_NONE;
	long long customer = 0, id = 0;
	char password[1100];
	const char *why = NULL;
	int i;
	ierr e;

	for (i = 0; i < argc; i++) {
		if (!strcmp(argv[i], "--role") && i + 1 < argc) {
			if (auth_role_parse(argv[++i], &role))
				return fail("unknown role %s (admin, billing, support, customer)", argv[i]);
		} else if (!strcmp(argv[i], "--customer") && i + 1 < argc) {
			if (str_to_i64(argv[++i], 1, 1LL << 53, &customer))
				return fail("--customer takes a customer id, not %s", argv[i]);
		} else if (!strcmp(argv[i], "--name") && i + 1 < argc) {
			name = argv[++i];
		} else if (argv[i][0] != '-' && !email) {
			email = argv[i];
		} else {
			return fail("user add: unexpected argument %s", argv[i]);
		}
	}
	if (!email || role == ROLE_NONE)
		return fail("usage: invoicectl user add EMAIL --role ROLE [--customer ID] [--name NAME] (password on stdin)");
	if ((role == ROLE_CUSTOMER) != (customer > 0))
		return fail("%s", role == ROLE_CUSTOMER ? "a customer user needs --customer ID"
					    : "--customer is only for the customer role");
	if (read_password(password, sizeof(password)))
		return fail("no password on standard input");
	if (strlen(password) < 8)
		return fail("the password must have at least 8 characters");
	/* audited like /admin/users (actor invoicectl), the password set in the same transaction */
	e = users_add_with_password(c->db, &c->cfg, &ctl_actor, email, name ? name : email, role, customer, password,
				    &id, &why);
	memset(password, 0, sizeof(password));
	if (e == IE_CONFLICT)
		return fail("a user with the email %s exists already", email);
	if (e == IE_INVALID)
		return fail("invalid user %s: %s", email, why ? why : "invalid");
	if (e)
		return db_fail(c, "user add", e);
	printf("user %lld %s (%s)\n", id, email, auth_role_name(role));
	return 0;
}

static ierr print_user(void *ctx, const struct auth_user *u, int active)
{
	if (u->customer_id)
		printf("%lld\t%s\t%s\tcustomer %lld\t%s\t%s\n", u->id, u->email, auth_role_name(u->role),
		       u->customer_id, active ? "active" : "disabled", u->name);
	else
		printf("%lld\t%s\t%s\t-\t%s\t%s\n", u->id, u->email, auth_role_name(u->role),
		       active ? "active" : "disabled", u->name);
	return IE_OK;
}

static int cmd_user_list(struct ctl *c)
{
	ierr e = auth_user_list(c->db, print_user, NULL);

	return e ? db_fail(c, "user list", e) : 0;
}

/* The verbs of /admin/users, with the same rules (lib/users.c). */

static int user_by_email(struct ctl *c, const char *email, struct users_row *u)
{
	ierr e = users_find_email(c->db, email, u);

	if (e == IE_NOTFOUND)
		return fail("no user with the email %s", email);
	if (e)
		return db_fail(c, "user", e);
	return 0;
}

static int user_change_result(struct ctl *c, const char *what, ierr e, const char *why)
{
	if (e == IE_INVALID || e == IE_CONFLICT || e == IE_UNSUPPORTED)
		return fail("%s", why ? why : ierr_name(e));
	if (e)
		return db_fail(c, what, e);
	return 0;
}

static int cmd_user_active(struct ctl *c, int argc, char **argv, int active)
{
	struct users_row u;
	const char *why = NULL;
	int rc;
	ierr e;

	if (argc != 1)
		return fail("usage: invoicectl user %s EMAIL", active ? "enable" : "disable");
	if ((rc = user_by_email(c, argv[0], &u)))
		return rc;
	e = users_set_active(c->db, &ctl_actor, u.id, active, &why);
	rc = user_change_result(c, active ? "user enable" : "user disable", e, why);
	if (!rc)
		printf("user %lld %s %s\n", u.id, u.email, active ? "enabled" : "disabled (sessions ended)");
	return rc;
}

static int cmd_user_role(struct ctl *c, int argc, char **argv)
{
	enum auth_role role = ROLE_NONE;
	long long customer = 0;
	struct users_row u;
	const char *why = NULL;
	int i, rc;
	ierr e;

	if (argc < 2)
		return fail("usage: invoicectl user role EMAIL ROLE [--customer ID]");
	if (auth_role_parse(argv[1], &role))
		return fail("unknown role %s (admin, billing, support, customer)", argv[1]);
	for (i = 2; i < argc; i++) {
		if (!strcmp(argv[i], "--customer") && i + 1 < argc) {
			if (str_to_i64(argv[++i], 1, 1LL << 53, &customer))
				return fail("--customer takes a customer id, not %s", argv[i]);
		} else {
			return fail("user role: unexpected argument %s", argv[i]);
		}
	}
	if ((rc = user_by_email(c, argv[0], &u)))
		return rc;
	e = users_set_role(c->db, &ctl_actor, u.id, role, customer, &why);
	rc = user_change_result(c, "user role", e, why);
	if (!rc)
		printf("user %lld %s is now %s\n", u.id, u.email, auth_role_name(role));
	return rc;
}

static int cmd_user_link(struct ctl *c, int argc, char **argv)
{
	long long hours = USERS_LINK_HOURS;
	struct users_row u;
	const char *email = NULL, *why = NULL;
	struct users_link link;
	int i, rc;
	ierr e;

	for (i = 0; i < argc; i++) {
		if (!strcmp(argv[i], "--hours") && i + 1 < argc) {
			if (str_to_i64(argv[++i], 1, USERS_LINK_MAX_HOURS, &hours))
				return fail("--hours takes 1 to %d, not %s", USERS_LINK_MAX_HOURS, argv[i]);
		} else if (argv[i][0] != '-' && !email) {
			email = argv[i];
		} else {
			return fail("usage: invoicectl user set-password-link EMAIL [--hours N]");
		}
	}
	if (!email)
		return fail("usage: invoicectl user set-password-link EMAIL [--hours N]");
	if ((rc = user_by_email(c, email, &u)))
		return rc;
	e = users_password_link(c->db, &c->cfg, &ctl_actor, u.id, (unsigned)hours, &link, &why);
	rc = user_change_result(c, "user set-password-link", e, why);
	if (!rc)
		printf("%s\n", link.url);
	return rc;
}

/* ---------- demo ---------- */

static int cmd_demo(struct ctl *c, int argc, char **argv)
{
	struct demo_opts o = { 50, 600, 5000, 0, 42 };
	char err[300] = "";
	int i;
	ierr e;

	for (i = 0; i < argc; i++) {
		long long v;
		long *dst = NULL;

		if (!strcmp(argv[i], "--customers"))
			dst = &o.customers;
		else if (!strcmp(argv[i], "--invoices"))
			dst = &o.invoices;
		else if (!strcmp(argv[i], "--usage"))
			dst = &o.usage;
		else if (!strcmp(argv[i], "--seed") && i + 1 < argc) {
			if (str_to_i64(argv[++i], 0, 0xffffffffLL, &v))
				return fail("--seed takes a number");
			o.seed = (unsigned)v;
			continue;
		}
		if (!dst || i + 1 >= argc || str_to_i64(argv[++i], 0, 100000000, &v))
			return fail("usage: invoicectl demo [--customers N --invoices N --usage N]");
		*dst = (long)v;
	}
	if (o.customers < 2)
		return fail("--customers must be at least 2");
	o.progress = isatty(2);
	e = demo_run(c->db, &c->cfg, &o, err, sizeof(err));
	if (e)
		return fail("demo: %s", err[0] ? err : ierr_name(e));
	return 0;
}

/* ---------- signed links ---------- */

static int cmd_link(struct ctl *c, int argc, char **argv)
{
	static const struct auth_scope issued_only = { 0, 0 };
	long long id = 0, days = 30;
	struct inv_pdf_state st;
	struct link l;
	char token[LINK_TOKEN_LEN + 1];
	int i;
	ierr e;

	for (i = 0; i < argc; i++) {
		if (!strcmp(argv[i], "--days") && i + 1 < argc) {
			if (str_to_i64(argv[++i], 1, 3650, &days))
				return fail("--days takes 1 to 3650, not %s", argv[i]);
		} else if (!id && !str_to_i64(argv[i], 1, 1LL << 53, &id)) {
			continue;
		} else {
			return fail("usage: invoicectl link INVOICE_ID [--days N]");
		}
	}
	if (!id)
		return fail("usage: invoicectl link INVOICE_ID [--days N]");
	if (!c->cfg.has_secret)
		return fail("no Secret in the configuration: signed links are off");
	e = invoice_pdf_state(c->db, &issued_only, id, time(NULL), &st, NULL);
	if (e == IE_NOTFOUND)
		return fail("invoice %lld does not exist or is a draft (links are for issued invoices)", id);
	if (e)
		return db_fail(c, "link", e);
	l.invoice_id = id;
	l.expires = time(NULL) + (time_t)days * 86400;
	l.epoch = st.link_epoch;
	if (link_sign(c->cfg.secret, &l, token, sizeof(token)))
		return fail("cannot sign the link");
	printf("%s/d/%s\n", c->cfg.base_url, token);
	return 0;
}

static int cmd_revoke_links(struct ctl *c, int argc, char **argv)
{
	long long id;
	ierr e;

	if (argc != 1 || str_to_i64(argv[0], 1, 1LL << 53, &id))
		return fail("usage: invoicectl revoke-links INVOICE_ID");
	e = invoice_revoke_links(c->db, id, 0, "invoicectl");
	if (e == IE_NOTFOUND)
		return fail("invoice %lld does not exist", id);
	if (e)
		return db_fail(c, "revoke-links", e);
	printf("revoked every download link of invoice %lld\n", id);
	return 0;
}

/* ---------- e-invoices ---------- */

/* One e-invoice into dir, named after its number ("INV-2026-000001.xml",
 * ".cii.xml", ".xrechnung.xml"); the path is printed. syntax NULL: the
 * customer's default (customers.einvoice_syntax). */
static int export_one(struct ctl *c, struct arena *a, long long id, const enum einv_syntax *want, const char *dir)
{
	enum einv_syntax syntax;
	static const struct auth_scope everything = { 0, 1 };
	struct einv_doc d;
	struct einv_problem p;
	struct buf xml = BUF_INIT, path = BUF_INIT;
	FILE *f;
	int rc = 1;
	ierr e;

	e = einv_load(c->db, a, &c->cfg, &everything, id, time(NULL), &d, &p);
	syntax = want ? *want : d.customer_syntax;
	if (!e && syntax == EINV_UBL)
		e = einv_check(&d, EINV_PEPPOL, &p);
	if (e == IE_CONFLICT && *p.rule) {
		rc = fail("invoice %lld cannot be an EN 16931 e-invoice: %s", id, p.message);
		goto out;
	}
	if (e == IE_NOTFOUND || e == IE_CONFLICT) {
		rc = fail("invoice %lld: %s", id, e == IE_CONFLICT ? p.message : "no such invoice");
		goto out;
	}
	if (e) {
		rc = db_fail(c, "export-xml", e);
		goto out;
	}
	if ((e = einv_write(&d, syntax, &xml)) || (e = buf_puts(&path, dir)) || (e = buf_putc(&path, '/')))
		goto fail;
	for (const char *s = d.inv->number; *s; s++)
		if ((e = buf_putc(&path, strchr("/\\:*?\"<>| ", *s) ? '_' : *s)))
			goto fail;
	if ((e = buf_puts(&path, einv_suffix(syntax))))
		goto fail;
	if ((f = fopen(path.data, "w"))) {
		int bad = fwrite(xml.data, 1, xml.len, f) != xml.len;

		bad |= fclose(f) != 0;
		f = NULL;
		if (bad) {
			rc = fail("cannot write %s: %s", path.data, strerror(errno));
			goto out;
		}
	} else {
		rc = fail("cannot write %s: %s", path.data, strerror(errno));
		goto out;
	}
	printf("%s\n", path.data);
	rc = 0;
	goto out;
fail:
	rc = fail("invoice %lld: %s", id, ierr_name(e));
out:
	buf_free(&xml);
	buf_free(&path);
	return rc;
}

static int cmd_export_xml(struct ctl *c, int argc, char **argv)
{
	static const char use[] = "usage: invoicectl export-xml [--syntax customer|peppol|cii|xrechnung] [--dir DIR] "
				  "(--all | ID...)";
	enum einv_syntax syntax = EINV_UBL;
	int by_customer = 1;
	const char *dir = ".";
	struct arena *a = arena_new();
	long long *ids = NULL, id;
	size_t n = 0, cap = 0;
	int all = 0, rc = 0, i;
	ierr e;

	if (!a)
		return fail("out of memory");
	for (i = 0; i < argc; i++) {
		if (!strcmp(argv[i], "--syntax") && i + 1 < argc
		    && (!strcmp(argv[i + 1], "customer") || !einv_syntax_of(argv[i + 1], &syntax)))
			by_customer = !strcmp(argv[++i], "customer");
		else if (!strcmp(argv[i], "--dir") && i + 1 < argc)
			dir = argv[++i];
		else if (!strcmp(argv[i], "--all"))
			all = 1;
		else if (!str_to_i64(argv[i], 1, 1LL << 53, &id) && (ids = arena_grow(a, ids, n, &cap, sizeof(*ids))))
			ids[n++] = id;
		else {
			arena_free(a);
			return fail("%s", use);
		}
	}
	if (all == (n > 0)) {
		arena_free(a);
		return fail("%s", use);
	}
	if (all && (e = einv_issued_ids(c->db, a, &ids, &n))) {
		rc = db_fail(c, "export-xml", e);
		n = 0;
	}
	for (size_t k = 0; k < n; k++) {
		struct arena *doc = arena_new();

		if (!doc) {
			rc = fail("out of memory");
			break;
		}
		rc |= export_one(c, doc, ids[k], by_customer ? NULL : &syntax, dir);
		arena_free(doc);
	}
	arena_free(a);
	return rc;
}

/* For cron: sessions past their expiry, login failures past the window, old
 * form keys and old password links (auth_housekeeping). */
static int cmd_housekeeping(struct ctl *c)
{
	struct auth_housekeeping n;
	ierr e = auth_housekeeping(c->db, &c->cfg, &n);

	if (e)
		return db_fail(c, "housekeeping", e);
	printf("removed %llu expired sessions, %llu old login failures, %llu old form keys and %llu old password links\n",
	       n.sessions, n.failures, n.form_keys, n.password_links);
	return 0;
}

static void usage(void)
{
	fputs("usage: invoicectl [-c CONFIG] COMMAND\n"
	      "  migrate                                  apply pending sql/ migrations\n"
	      "  user add EMAIL --role ROLE [--customer ID] [--name NAME]   (password on stdin)\n"
	      "  user list\n"
	      "  user disable EMAIL | user enable EMAIL   disabling ends the user's sessions at once\n"
	      "  user role EMAIL ROLE [--customer ID]     change the role (never the last active admin's)\n"
	      "  user set-password-link EMAIL [--hours N] print a single-use password-set URL (default 72 h) and queue the mail\n"
	      "  demo [--customers N --invoices N --usage N]   load demo data into an empty database\n"
	      "  link INVOICE_ID [--days N]               print a signed PDF download URL (default 30 days)\n"
	      "  revoke-links INVOICE_ID                  invalidate every download link of an invoice\n"
	      "  export-xml [--syntax customer|peppol|cii|xrechnung] [--dir DIR] (--all | ID...)\n"
	      "                                           write the e-invoices of issued documents (default: each\n"
	      "                                           customer's format); one file per document, named by number\n"
	      "  send-mail [--dry-run]                    deliver queued customer mail through Mail.Sendmail (cron)\n"
	      "  housekeeping                             remove expired sessions, login failures, form keys, password links (cron)\n",
	      stderr);
}

int main(int argc, char **argv)
{
	const char *cfgpath = NULL;
	struct ctl c;
	char err[300];
	int i = 1, rc = 2;

	memset(&c, 0, sizeof(c));
	if (i + 1 < argc && !strcmp(argv[i], "-c")) {
		cfgpath = argv[i + 1];
		i += 2;
	}
	if (i >= argc) {
		usage();
		return 2;
	}
	if (config_load(&c.cfg, cfgpath, err, sizeof(err))) {
		fprintf(stderr, "invoicectl: %s\n", err);
		return 1;
	}
	if (db_new(&c.cfg, &c.db)) {
		fprintf(stderr, "invoicectl: out of memory\n");
		goto out;
	}
	db_allow_local_infile(c.db);
	if (!strcmp(argv[i], "migrate") && argc == i + 1) {
		rc = cmd_migrate(&c);
	} else if (!strcmp(argv[i], "user") && i + 1 < argc && !strcmp(argv[i + 1], "add")) {
		rc = cmd_user_add(&c, argc - i - 2, argv + i + 2);
	} else if (!strcmp(argv[i], "user") && i + 1 < argc && !strcmp(argv[i + 1], "list") && argc == i + 2) {
		rc = cmd_user_list(&c);
	} else if (!strcmp(argv[i], "user") && i + 1 < argc && !strcmp(argv[i + 1], "disable")) {
		rc = cmd_user_active(&c, argc - i - 2, argv + i + 2, 0);
	} else if (!strcmp(argv[i], "user") && i + 1 < argc && !strcmp(argv[i + 1], "enable")) {
		rc = cmd_user_active(&c, argc - i - 2, argv + i + 2, 1);
	} else if (!strcmp(argv[i], "user") && i + 1 < argc && !strcmp(argv[i + 1], "role")) {
		rc = cmd_user_role(&c, argc - i - 2, argv + i + 2);
	} else if (!strcmp(argv[i], "user") && i + 1 < argc && !strcmp(argv[i + 1], "set-password-link")) {
		rc = cmd_user_link(&c, argc - i - 2, argv + i + 2);
	} else if (!strcmp(argv[i], "link")) {
		rc = cmd_link(&c, argc - i - 1, argv + i + 1);
	} else if (!strcmp(argv[i], "revoke-links")) {
		rc = cmd_revoke_links(&c, argc - i - 1, argv + i + 1);
	} else if (!strcmp(argv[i], "send-mail")) {
		rc = ctl_send_mail(&c.cfg, c.db, argc - i - 1, argv + i + 1);
	} else if (!strcmp(argv[i], "housekeeping") && argc == i + 1) {
		rc = cmd_housekeeping(&c);
	} else if (!strcmp(argv[i], "export-xml")) {
		rc = cmd_export_xml(&c, argc - i - 1, argv + i + 1);
	} else if (!strcmp(argv[i], "demo")) {
		rc = cmd_demo(&c, argc - i - 1, argv + i + 1);
	} else {
		usage();
		rc = 2;
	}
out:
	db_close(c.db);
	config_free(&c.cfg);
	return rc;
}
