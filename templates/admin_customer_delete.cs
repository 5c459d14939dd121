<?cs include!"_head.cs" ?>
<?cs include!"_admin_nav.cs" ?>
<?cs include!"form_macros.cs" ?>
<section class="admin">
  <h1>Delete <?cs var:Customer.Name ?>?</h1>
  <?cs if:Customer.HasInvoices ?>
  <p class="alert error" role="alert">This customer has invoices and cannot be deleted. Archive it instead: it stays in the books and disappears from pickers.</p>
  <p><a href="/admin/customers/<?cs var:Customer.Id ?>">Back to the customer</a></p>
  <?cs else ?>
  <p>The customer <strong><?cs var:Customer.Name ?></strong> will be deleted for good. This cannot be undone.</p>
  <form method="post" action="/admin/customers/<?cs var:Customer.Id ?>/delete" class="inline">
    <?cs call:form_keys() ?>
    <button type="submit" class="danger">Delete customer</button>
    <a href="/admin/customers/<?cs var:Customer.Id ?>">Cancel</a>
  </form>
  <?cs /if ?>
</section>
<?cs include!"_foot.cs" ?>
