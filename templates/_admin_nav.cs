<?cs # the admin area's own navigation; included by every templates/admin_*.cs page
   (Admin.Section names the current one; Can.Users from the handler's admin_layout) ?>
<nav class="admin-nav" aria-label="Administration">
  <ul>
    <li><a href="/admin"<?cs if:Admin.Section == "dashboard" ?> aria-current="page"<?cs /if ?>>Dashboard</a></li>
    <li><a href="/invoices"<?cs if:Admin.Section == "invoices" ?> aria-current="page"<?cs /if ?>>Invoices</a></li>
    <li><a href="/admin/payments"<?cs if:Admin.Section == "payments" ?> aria-current="page"<?cs /if ?>>Payments</a></li>
    <li><a href="/admin/customers"<?cs if:Admin.Section == "customers" ?> aria-current="page"<?cs /if ?>>Customers</a></li>
    <li><a href="/admin/packages"<?cs if:Admin.Section == "packages" ?> aria-current="page"<?cs /if ?>>Packages</a></li>
    <li><a href="/admin/fields"<?cs if:Admin.Section == "fields" ?> aria-current="page"<?cs /if ?>>Custom fields</a></li>
    <?cs if:Can.Users ?><li><a href="/admin/users"<?cs if:Admin.Section == "users" ?> aria-current="page"<?cs /if ?>>Users</a></li><?cs /if ?>
  </ul>
</nav>
<?cs if:Flash ?><p class="flash" role="status"><?cs var:Flash ?></p><?cs /if ?>
