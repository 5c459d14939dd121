/* invoice-list — GET /invoices (and its exports). */
#include "app.h"

static ierr list_page(struct req *req)
{
	ierr e;

	if ((e = app_set(req, "Page.Title", "Invoices")))
		return e;
	return app_render(req, "home.cs");
}

static const struct app_route routes[] = {
	{ APP_GET, "/invoices", ACT_INVOICE_READ, list_page },
};

static const struct app_def def = { "invoice-list", routes, sizeof(routes) / sizeof(routes[0]) };

int main(int argc, char **argv)
{
	return app_main(argc, argv, &def);
}
