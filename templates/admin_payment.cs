<?cs include!"_head.cs" ?>
<?cs include!"_admin_nav.cs" ?>
<?cs include!"form_macros.cs" ?>
<section class="admin payment-page">
  <div class="page-head">
    <h1><?cs if:Payment.Refund ?>Refund<?cs else ?>Payment<?cs /if ?> <?cs var:Payment.Id ?></h1>
  </div>
  <dl class="facts" id="payment-facts">
    <dt>Customer</dt><dd><a href="/admin/customers/<?cs var:Payment.CustomerId ?>?tab=payments"><?cs var:Payment.Customer ?></a></dd>
    <dt>Received</dt><dd><?cs var:Payment.Date ?></dd>
    <dt>Method</dt><dd><?cs var:Payment.Method ?></dd>
    <dt>Reference</dt><dd><?cs var:Payment.Reference ?></dd>
    <?cs if:Payment.Notes ?><dt>Note</dt><dd><?cs var:Payment.Notes ?></dd><?cs /if ?>
    <dt>Amount</dt><dd class="amount"><?cs var:Payment.Amount ?></dd>
    <dt>Allocated</dt><dd class="allocated"><?cs var:Payment.Allocated ?></dd>
    <dt>Unallocated</dt><dd class="free"><?cs var:Payment.Free ?></dd>
  </dl>

  <h2 id="alloc-h">Allocations</h2>
  <?cs include!"_allocs.cs" ?>

  <?cs if:Spread.Free ?>
  <h2 id="spread-h">Allocate <?cs var:Payment.Free ?></h2>
  <?cs include!"_spread.cs" ?>
  <?cs /if ?>

  <?cs include!"_history_box.cs" ?>
</section>
<?cs include!"_foot.cs" ?>
