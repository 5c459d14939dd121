/* admin_users.c — /admin/users (admin only): the list, adding a user, and per
 * user: change role, disable / enable, password-set link. The rules and the
 * writes are lib/users.c's; every change runs through once_run (one-time form
 * key, the change and its audit event in one transaction). */
#include <stdio.h>
#include <string.h>
#include "admin.h"
#include "form.h"
#include "once.h"
#include "users.h"

#define CUSTOMER_PICKER_MAX 1000     /* more active customers: the form asks for the id */

static const char *const role_choices[] = { "admin", "billing", "support", "customer", NULL };
static const char *const role_labels[] = { "Admin", "Billing", "Support", "Customer", NULL };

static const struct form_field add_form[] = {
	{ "email", "Email", FORM_EMAIL, .required = 1, .maxlen = 254 },
	{ "name", "Name", FORM_TEXT, .maxlen = 800, .hint = "Shown in the page header; empty: the email." },
	{ "role", "Role", FORM_ENUM, .required = 1, .choices = role_choices, .choice_labels = role_labels },
	{ "customer", "Customer", FORM_ID, .hint = "Only for customer users, who see this customer's invoices." },
	{ "send_link", "Create a password-set link now (shown here and mailed)", FORM_CHECK, .required = 0 },
};
#define ADD_N (sizeof(add_form) / sizeof(add_form[0]))
enum { F_EMAIL, F_NAME, F_ROLE, F_CUSTOMER, F_SEND };

static const struct form_field role_form[] = {
	{ "role", "Role", FORM_ENUM, .required = 1, .choices = role_choices, .choice_labels = role_labels },
	{ "customer", "Customer", FORM_ID, .hint = "Only for customer users." },
};
#define ROLE_N (sizeof(role_form) / sizeof(role_form[0]))

static const struct form_field link_form[] = {
	{ "hours", "Valid for (hours)", FORM_INT, .required = 1, .min = 1, .max = USERS_LINK_MAX_HOURS,
	  .hint = "The link works once, until then." },
};
#define LINK_N (sizeof(link_form) / sizeof(link_form[0]))

/* ?done= of this area, after admin_layout's own */
static const struct {
	const char *key, *text;
} done_msgs[] = {
	{ "user_added", "User added." },
	{ "role", "Role changed." },
	{ "disabled", "User disabled; their sessions have ended." },
	{ "enabled", "User enabled." },
	{ "link", "A password link was created and queued for mail." },
	{ "unchanged", "Nothing to change." },
};

static ierr layout(struct req *req, const char *title)
{
	const char *done = req->method == APP_GET ? app_param(req, "done") : NULL;
	ierr e = admin_layout(req, "users", title);

	for (size_t i = 0; !e && done && i < sizeof(done_msgs) / sizeof(done_msgs[0]); i++)
		if (!strcmp(done, done_msgs[i].key))
			e = app_set(req, "Flash", done_msgs[i].text);
	return e;
}

/* ---------- list ---------- */

struct fill_ctx {
	struct req *req;
	size_t n;
};

static ierr fill_user(void *ctx, const struct users_row *u)
{
	struct fill_ctx *f = ctx;
	size_t i = f->n++;
	ierr e;

	if ((e = app_set_at_int(f->req, "Users", i, "Id", u->id))
	    || (e = app_set_at(f->req, "Users", i, "Email", u->email))
	    || (e = app_set_at(f->req, "Users", i, "Name", u->name))
	    || (e = app_set_at(f->req, "Users", i, "Role", auth_role_name(u->role)))
	    || (e = app_set_at_int(f->req, "Users", i, "Customer", u->customer_id))
	    || (e = app_set_at(f->req, "Users", i, "CustomerName", u->customer_name))
	    || (e = app_set_at_int(f->req, "Users", i, "Active", u->active))
	    || (e = app_set_at(f->req, "Users", i, "LastLogin", u->last_login)))
		return e;
	return IE_OK;
}

ierr admin_users_list(struct req *req)
{
	struct fill_ctx f = { req, 0 };
	ierr e;

	if ((e = layout(req, "Users")) || (e = users_list(req->db, fill_user, &f)))
		return e;
	return app_render(req, "admin_users.cs");
}

/* ---------- shared pieces of the forms ---------- */

static ierr fill_customer(void *ctx, long long id, const char *name)
{
	struct fill_ctx *f = ctx;
	size_t i = f->n++;
	ierr e;

	if ((e = app_set_at_int(f->req, "Customers", i, "Id", id)))
		return e;
	return app_set_at(f->req, "Customers", i, "Name", name);
}

/* The picker's options (active customers by name), or Customers.More = 1. */
static ierr customers_hdf(struct req *req)
{
	struct fill_ctx f = { req, 0 };
	int more = 0;
	ierr e = users_customers(req->db, CUSTOMER_PICKER_MAX, fill_customer, &f, &more);

	if (!e && more)
		e = app_set_int(req, "Customers.More", 1);
	return e;
}

/* The role/customer rule, as messages on the fields; 1 when one was set. */
static int role_customer_errors(struct form_value *role, struct form_value *customer, enum auth_role *r)
{
	if (!role->present || auth_role_parse(role->s, r))
		return 0;      /* form_parse has its message already */
	if (customer->error)
		return 1;
	if (*r == ROLE_CUSTOMER && !customer->present) {
		form_set_error(customer, "is required for a customer user.");
		return 1;
	}
	if (*r != ROLE_CUSTOMER && customer->present) {
		form_set_error(customer, "must be empty: only customer users belong to a customer.");
		return 1;
	}
	return 0;
}

/* once_run's work for every change of this area. */
struct op {
	struct req *req;
	enum users_op op;
	long long id;
	const char *email, *name;
	enum auth_role role;
	long long customer;
	int send_link;
	struct users_link link;
	const char *why;
	int changed;
};

static ierr op_fn(struct db *db, void *ctx, char *result, size_t resultsz)
{
	struct op *o = ctx;
	struct users_by by = { &o->req->session.user, o->req->remote_addr };
	const char *done = "unchanged";
	ierr e = IE_INTERNAL;
	int n;

	o->why = NULL;
	switch (o->op) {
	case USERS_OP_ADD:
		e = users_add_in(db, &by, o->email, o->name, o->role, o->customer, &o->id, &o->why);
		if (!e && o->send_link)
			e = users_link_in(db, o->req->cfg, &by, o->id, &o->link, &o->why);
		done = "user_added";
		break;
	case USERS_OP_ROLE:
		e = users_set_role_in(db, &by, o->id, o->role, o->customer, &o->why);
		done = "role";
		break;
	case USERS_OP_DISABLE:
	case USERS_OP_ENABLE:
		e = users_set_active_in(db, &by, o->id, o->op == USERS_OP_ENABLE, &o->why);
		done = o->op == USERS_OP_ENABLE ? "enabled" : "disabled";
		break;
	case USERS_OP_LINK:
		e = users_link_in(db, o->req->cfg, &by, o->id, &o->link, &o->why);
		done = "link";
		break;
	case USERS_OP__COUNT:
		break;
	}
	if (e)
		return e;
	/* the result a repeated post of the same form is sent to; never the link itself */
	n = snprintf(result, resultsz, "/admin/users/%lld?done=%s", o->id, done);
	return n < 0 || (size_t)n >= resultsz ? IE_OVERFLOW : IE_OK;
}

static const char *const op_actions[USERS_OP__COUNT] = {
	[USERS_OP_ADD] = "user.create", [USERS_OP_DISABLE] = "user.disable", [USERS_OP_ENABLE] = "user.enable",
	[USERS_OP_ROLE] = "user.role", [USERS_OP_LINK] = "user.link",
};

static void op_init(struct op *o, struct req *req, enum users_op op, long long id)
{
	memset(o, 0, sizeof(*o));
	o->req = req;
	o->op = op;
	o->id = id;
}

static ierr run_op(struct req *req, struct op *o, char *where, size_t wheresz, int *repeated)
{
	ierr e = admin_once(req, op_actions[o->op], op_fn, o, where, wheresz, repeated);

	/* once_run's own refusals (no rule of ours said why) */
	if ((e == IE_INVALID || e == IE_CONFLICT) && !o->why)
		return admin_refused(req, e, NULL);
	return e;
}

/* ---------- add ---------- */

static ierr add_page(struct req *req, int status, const struct form_value *v)
{
	ierr e;

	if ((e = layout(req, "Add a user")) || (e = customers_hdf(req))
	    || (e = form_hdf(req, "Form", add_form, ADD_N, v)))
		return e;
	e = status == 200 ? admin_form_keys(req, 0) : admin_form_keys_again(req);
	return e ? e : form_render(req, status, "admin_user_new.cs");
}

ierr admin_user_new(struct req *req)
{
	struct form_value v[ADD_N];

	memset(v, 0, sizeof(v));
	form_set_raw(&v[F_ROLE], "billing");
	form_set_raw(&v[F_SEND], "1");
	return add_page(req, 200, v);
}

static ierr user_page(struct req *req, long long id, int status, const struct form_value *role_v,
		      const struct form_value *link_v, const char *message, const struct users_link *link);

ierr admin_user_create(struct req *req)
{
	struct form_value v[ADD_N];
	struct op o;
	char where[256];
	int repeated = 0;
	ierr e;

	op_init(&o, req, USERS_OP_ADD, 0);
	e = form_parse(req, add_form, ADD_N, NULL, v);
	if (e && e != IE_INVALID)
		return e;
	if (v[F_NAME].present && users_rule_name(v[F_NAME].s, &o.why))
		form_set_error(&v[F_NAME], "is too long (at most 200 characters).");
	role_customer_errors(&v[F_ROLE], &v[F_CUSTOMER], &o.role);
	if (form_errors(v, ADD_N))
		return add_page(req, 422, v);
	o.email = v[F_EMAIL].s;
	o.name = v[F_NAME].s;
	o.customer = v[F_CUSTOMER].present ? v[F_CUSTOMER].i : 0;
	o.send_link = (int)v[F_SEND].i;
	if (o.send_link && (e = users_link_prepare(req->cfg, USERS_LINK_HOURS, &o.link, &o.why)))
		return e == IE_UNSUPPORTED ? app_fail(req, IE_CONFLICT, o.why) : e;
	e = run_op(req, &o, where, sizeof(where), &repeated);
	if (e == IE_CONFLICT && o.why) {
		form_set_error(&v[F_EMAIL], "is used by another user already.");
		return add_page(req, 422, v);
	}
	if (e == IE_INVALID && o.why) {
		form_set_error(&v[F_CUSTOMER], "must be an active customer.");
		return add_page(req, 422, v);
	}
	if (e)
		return e;
	if (repeated || !o.send_link)
		return app_redirect(req, 303, where);
	/* the link is shown once, here, to copy; the outbox has it for the mail */
	return user_page(req, o.id, 200, NULL, NULL, "User added.", &o.link);
}

/* ---------- one user ---------- */

/* The user's page: details, the role form, disable/enable, the link form and
 * the history. Each form has its own one-time key. role_v / link_v: what was
 * posted (a refused form shown again), or NULL for the stored values. */
static ierr user_page(struct req *req, long long id, int status, const struct form_value *role_v,
		      const struct form_value *link_v, const char *message, const struct users_link *link)
{
	struct form_value rv[ROLE_N], lv[LINK_N];
	struct users_row u;
	char num[24];
	ierr e;

	if ((e = users_get(req->db, id, &u)))
		return e;
	if (!role_v) {
		memset(rv, 0, sizeof(rv));
		form_set_raw(&rv[0], auth_role_name(u.role));
		form_set_raw(&rv[1], u.customer_id > 0 ? arena_strdup(req->arena, str_of_int(u.customer_id, num)) : "");
		role_v = rv;
	}
	if (!link_v) {
		memset(lv, 0, sizeof(lv));
		form_set_raw(&lv[0], "72");
		link_v = lv;
	}
	if ((e = layout(req, u.email))
	    || (e = app_set_int(req, "Target.Id", u.id)) || (e = app_set(req, "Target.Email", u.email))
	    || (e = app_set(req, "Target.Name", u.name))
	    || (e = app_set(req, "Target.Role", auth_role_name(u.role)))
	    || (e = app_set_int(req, "Target.Customer", u.customer_id))
	    || (e = app_set(req, "Target.CustomerName", u.customer_name))
	    || (e = app_set_int(req, "Target.Active", u.active))
	    || (e = app_set(req, "Target.LastLogin", u.last_login))
	    || (e = app_set_int(req, "Target.Self", u.id == req->session.user.id))
	    || (e = customers_hdf(req))
	    || (e = form_hdf(req, "RoleForm", role_form, ROLE_N, role_v))
	    || (e = form_hdf(req, "LinkForm", link_form, LINK_N, link_v))
	    || (e = once_hdf(req, "Keys.Role")) || (e = once_hdf(req, "Keys.Active"))
	    || (e = once_hdf(req, "Keys.Link"))
	    || (message && (e = app_set(req, status < 300 ? "Flash" : "Problem", message)))
	    || (link && (e = app_set(req, "NewLink.Url", link->url)))
	    || (link && (e = app_set_int(req, "NewLink.Hours", link->hours)))
	    || (e = admin_history_hdf(req, "user", id)))
		return e;
	return form_render(req, status, "admin_user.cs");
}

ierr admin_user_page(struct req *req)
{
	return user_page(req, req->ids[0], 200, NULL, NULL, NULL, NULL);
}

/* IE_CONFLICT with a reason (last admin, disabled user): 409, the page again */
static ierr refused(struct req *req, struct op *o, ierr e, const struct form_value *rv, const struct form_value *lv)
{
	if ((e == IE_CONFLICT || e == IE_INVALID) && o->why)
		return user_page(req, o->id, e == IE_CONFLICT ? 409 : 422, rv, lv, o->why, NULL);
	return e;
}

ierr admin_user_role(struct req *req)
{
	struct form_value v[ROLE_N];
	struct op o;
	char where[256];
	int repeated = 0;
	ierr e;

	op_init(&o, req, USERS_OP_ROLE, req->ids[0]);
	e = form_parse(req, role_form, ROLE_N, NULL, v);
	if (e && e != IE_INVALID)
		return e;
	role_customer_errors(&v[0], &v[1], &o.role);
	if (form_errors(v, ROLE_N))
		return user_page(req, o.id, 422, v, NULL, "The role was not changed: see the form.", NULL);
	o.customer = v[1].present ? v[1].i : 0;
	e = run_op(req, &o, where, sizeof(where), &repeated);
	if (e == IE_INVALID && o.why) {
		form_set_error(&v[1], "must be an active customer.");
		return user_page(req, o.id, 422, v, NULL, "The role was not changed: see the form.", NULL);
	}
	if (e)
		return refused(req, &o, e, v, NULL);
	return app_redirect(req, 303, where);
}

static ierr set_active(struct req *req, int active)
{
	struct op o;
	char where[256];
	int repeated = 0;
	ierr e;

	op_init(&o, req, active ? USERS_OP_ENABLE : USERS_OP_DISABLE, req->ids[0]);
	e = run_op(req, &o, where, sizeof(where), &repeated);
	if (e)
		return refused(req, &o, e, NULL, NULL);
	return app_redirect(req, 303, where);
}

ierr admin_user_disable(struct req *req)
{
	return set_active(req, 0);
}

ierr admin_user_enable(struct req *req)
{
	return set_active(req, 1);
}

ierr admin_user_link(struct req *req)
{
	struct form_value v[LINK_N];
	struct op o;
	char where[256];
	int repeated = 0;
	ierr e;

	op_init(&o, req, USERS_OP_LINK, req->ids[0]);
	e = form_parse(req, link_form, LINK_N, NULL, v);
	if (e == IE_INVALID)
		return user_page(req, o.id, 422, NULL, v, "No link was created: see the form.", NULL);
	if (e)
		return e;
	if ((e = users_link_prepare(req->cfg, (unsigned)v[0].i, &o.link, &o.why)))
		return e == IE_UNSUPPORTED ? app_fail(req, IE_CONFLICT, o.why) : e;
	e = run_op(req, &o, where, sizeof(where), &repeated);
	if (e)
		return refused(req, &o, e, NULL, v);
	if (repeated)
		return app_redirect(req, 303, where);
	return user_page(req, o.id, 200, NULL, NULL, "Password link created and queued for mail.", &o.link);
}
