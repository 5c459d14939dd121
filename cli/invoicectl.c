/*
 * invoicectl — operators' and cron's tool (DESIGN.md, invoicectl).
 * Exit status 0 on success; otherwise one line on stderr and non-zero.
 */
#include <dirent.h>
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
