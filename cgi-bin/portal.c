/* portal — the customer's home: GET /portal. */
#include "app.h"

static ierr portal_home(struct req *req)
{
	ierr e;

	if ((e = app_set(req, "Page.Title", "Your account")))
		return e;
	return app_render(req, "home.cs");
}

static const struct app_route routes[] = {
	{ APP_GET, "/portal", ACT_PORTAL, portal_home },
};

static const struct app_def def = { "portal", routes, sizeof(routes) / sizeof(routes[0]), NULL };

int main(int argc, char **argv)
{
	return app_main(argc, argv, &def);
}
