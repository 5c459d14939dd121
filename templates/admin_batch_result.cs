<?cs include!"_head.cs" ?>
<?cs include!"_admin_nav.cs" ?>
<section class="batch-result">
  <h1><?cs var:Page.Title ?></h1>
  <p id="batch-summary"><strong id="issued-count"><?cs var:Batch.IssuedCount ?></strong> issued, <strong id="refused-count"><?cs var:Batch.RefusedCount ?></strong> refused.</p>
  <?cs if:Batch.IssuedCount > 0 ?>
  <table class="grid" id="batch-issued">
    <caption>Issued</caption>
    <thead><tr><th scope="col">Number</th><th scope="col">Invoice</th></tr></thead>
    <tbody>
    <?cs each:it = Batch.Issued ?><tr data-id="<?cs var:it.Id ?>"><td class="number"><a href="/invoices/<?cs var:it.Id ?>"><?cs var:it.Number ?></a></td><td>#<?cs var:it.Id ?></td></tr><?cs /each ?>
    </tbody>
  </table>
  <?cs /if ?>
  <?cs if:Batch.RefusedCount > 0 ?>
  <table class="grid" id="batch-refused">
    <caption>Refused</caption>
    <thead><tr><th scope="col">Invoice</th><th scope="col">Why</th></tr></thead>
    <tbody>
    <?cs each:it = Batch.Refused ?><tr data-id="<?cs var:it.Id ?>"><td><a href="/invoices/<?cs var:it.Id ?>">#<?cs var:it.Id ?></a></td><td class="reason"><?cs var:it.Reason ?></td></tr><?cs /each ?>
    </tbody>
  </table>
  <?cs /if ?>
  <p><a href="<?cs var:Batch.BackURL ?>" id="back">Back to the list</a></p>
</section>
<?cs include!"_foot.cs" ?>
