/* link_views.c — signed-link downloads recorded and rate-limited (see link_views.h). */
#include "buf.h"
#include "config.h"
#include "db.h"
#include "link_views.h"

static long long setting(const struct config *cfg, const char *key, long long def, long long max)
{
	const char *s = config_get(cfg, key, NULL);
	long long v;

	return s && *s && !str_to_i64(s, 1, max, &v) ? v : def;
}

ierr linkview_note(struct db *db, const struct config *cfg, long long invoice_id, const char *address)
{
	long long window = setting(cfg, "Link.RateWindowMinutes", 10, 1440);
	long long per_addr = setting(cfg, "Link.RatePerAddress", 60, 1000000);
	long long per_inv = setting(cfg, "Link.RatePerInvoice", 200, 1000000);
	const char *addr = address ? address : "";
	struct db_res r;
	ierr e;

	e = db_query_row(db, &r, "SELECT (SELECT COUNT(*) FROM link_views WHERE address = ? "
			 "AND viewed_at > NOW() - INTERVAL ? MINUTE), (SELECT COUNT(*) FROM link_views "
			 "WHERE invoice_id = ? AND viewed_at > NOW() - INTERVAL ? MINUTE)",
			 DB_ARGS(DB_S(addr), DB_I(window), DB_I(invoice_id), DB_I(window)));
	if (!e && (db_int(&r, 0) >= per_addr || db_int(&r, 1) >= per_inv))
		e = IE_THROTTLED;
	db_free(&r);
	if (e)
		return e;
	/* only an issued invoice's: a link to a draft or a missing id stays a plain 404 */
	return db_exec(db, "INSERT INTO link_views (invoice_id, address) SELECT id, LEFT(?, 45) FROM invoices "
		       "WHERE id = ? AND status <> 'draft'", DB_ARGS(DB_S(addr), DB_I(invoice_id)), NULL, NULL);
}

ierr linkview_each(struct db *db, long long invoice_id, long long limit,
		   ierr (*fn)(void *ctx, const struct db_res *r), void *ctx, long long *total)
{
	struct db_res r;
	ierr e = db_query_row(db, &r, "SELECT COUNT(*) FROM link_views WHERE invoice_id = ?", DB_ARGS(DB_I(invoice_id)));

	*total = e ? 0 : db_int(&r, 0);
	db_free(&r);
	if (e)
		return e;
	e = db_query(db, &r, "SELECT DATE_FORMAT(viewed_at, '%Y-%m-%d %H:%i:%s'), address FROM link_views "
		     "WHERE invoice_id = ? ORDER BY viewed_at DESC, id DESC LIMIT ?", DB_ARGS(DB_I(invoice_id), DB_I(limit)));
	if (!e)
		e = db_each(&r, fn, ctx);
	db_free(&r);
	return e;
}
