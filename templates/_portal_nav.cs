<nav class="tabs portal-nav" aria-label="Your account">
  <ul>
    <li><a href="/portal"<?cs if:Portal.Section == "home" ?> aria-current="page"<?cs /if ?>>Overview</a></li>
    <li><a href="/invoices">Invoices</a></li>
    <li><a href="/portal/payments"<?cs if:Portal.Section == "payments" ?> aria-current="page"<?cs /if ?>>Payments</a></li>
    <li><a href="/portal/profile"<?cs if:Portal.Section == "profile" ?> aria-current="page"<?cs /if ?>>Profile</a></li>
  </ul>
</nav>
<?cs if:Flash ?><p class="flash" role="status"><?cs var:Flash ?></p><?cs /if ?>
