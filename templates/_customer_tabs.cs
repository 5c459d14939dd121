<?cs # the customer page's heading and tabs (admin_customer.cs, admin_customer_form.cs) ?>
<div class="page-head">
  <h1><?cs var:Customer.Name ?><?cs if:!Customer.Active ?> <span class="badge archived">Archived</span><?cs /if ?></h1>
</div>
<nav class="tabs" aria-label="Customer">
  <ul>
    <li><a href="/admin/customers/<?cs var:Customer.Id ?>"<?cs if:Customer.Tab == "summary" ?> aria-current="page"<?cs /if ?>>Summary</a></li>
    <li><a href="/admin/customers/<?cs var:Customer.Id ?>?tab=invoices"<?cs if:Customer.Tab == "invoices" ?> aria-current="page"<?cs /if ?>>Invoices</a></li>
    <li><a href="/admin/customers/<?cs var:Customer.Id ?>?tab=payments"<?cs if:Customer.Tab == "payments" ?> aria-current="page"<?cs /if ?>>Payments</a></li>
    <li><a href="/admin/customers/<?cs var:Customer.Id ?>?tab=users"<?cs if:Customer.Tab == "users" ?> aria-current="page"<?cs /if ?>>Users</a></li>
    <li><a href="/admin/customers/<?cs var:Customer.Id ?>?tab=history"<?cs if:Customer.Tab == "history" ?> aria-current="page"<?cs /if ?>>History</a></li>
    <li><a href="/admin/customers/<?cs var:Customer.Id ?>/edit"<?cs if:Customer.Tab == "settings" ?> aria-current="page"<?cs /if ?>>Settings</a></li>
  </ul>
</nav>
