<?cs include!"_head.cs" ?>
<?cs include!"form_macros.cs" ?>
<?cs include!"_admin_nav.cs" ?>
<section class="batch-confirm">
  <h1><?cs var:Page.Title ?></h1>
  <p id="batch-summary"><?cs var:Batch.Count ?> invoice<?cs if:Batch.Count != 1 ?>s<?cs /if ?> selected; <strong id="batch-drafts"><?cs var:Batch.Drafts ?></strong> draft<?cs if:Batch.Drafts != 1 ?>s<?cs /if ?> will be issued.</p>
  <div class="what" id="what-happens">
    <p>Each draft is issued on its own: it gets the next number of its year's series (taken when you confirm), its lines and totals are frozen, and the seller and buyer details are kept as they are now. It cannot be undone: an issued invoice can only be voided. Invoices that cannot be issued are left as they are and listed on the next page with the reason.</p>
  </div>
  <form method="post" action="<?cs var:Batch.IssueURL ?>">
    <?cs call:form_keys() ?>
    <input type="hidden" name="ids" value="<?cs var:Batch.Ids ?>">
    <input type="hidden" name="vers" value="<?cs var:Batch.Versions ?>">
    <table class="grid" id="batch-items">
      <caption>Selected invoices</caption>
      <thead><tr><th scope="col">Invoice</th><th scope="col">Customer</th><th scope="col">Invoice date</th><th scope="col">Note</th></tr></thead>
      <tbody>
      <?cs each:it = Batch.Items ?><tr data-id="<?cs var:it.Id ?>">
        <td><?cs var:it.Label ?></td>
        <td><?cs var:it.Customer ?></td><td><?cs var:it.Date ?></td><td><?cs var:it.Note ?></td>
      </tr><?cs /each ?>
      </tbody>
    </table>
    <div class="field field-check">
      <input type="checkbox" id="f-notify" name="notify" value="1" checked>
      <label for="f-notify">Notify each customer by e-mail</label>
    </div>
    <div class="form-actions">
      <button type="submit" class="primary" id="confirm"<?cs if:Batch.Drafts == 0 ?> disabled<?cs /if ?>>Issue <?cs var:Batch.Drafts ?> invoice<?cs if:Batch.Drafts != 1 ?>s<?cs /if ?></button>
      <a href="<?cs var:Batch.BackURL ?>">Cancel</a>
    </div>
  </form>
</section>
<?cs include!"_foot.cs" ?>
