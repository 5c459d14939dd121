<?cs include!"_head.cs" ?>
<?cs include!"_admin_nav.cs" ?>
<?cs include!"form_macros.cs" ?>
<section class="admin payment-new">
  <h1>Record a payment</h1>
  <?cs if:!Customer.Id ?>
  <form method="get" action="/admin/payments/new" class="search" role="search" id="customer-pick">
    <label for="pick-q">Customer who paid (name or email)</label>
    <input type="search" id="pick-q" name="q" value="<?cs var:Pick.Q ?>">
    <button type="submit">Find</button>
  </form>
  <?cs if:Pick.Q ?>
  <ul class="pick" id="pick-results">
    <?cs each:c = Pick ?><?cs if:c.Id ?><li><a href="/admin/payments/new?customer=<?cs var:c.Id ?>"><?cs var:c.Name ?></a> (<?cs var:c.Currency ?>)</li><?cs /if ?><?cs /each ?>
    <?cs if:Pick.Total == 0 ?><li>No customer matches.</li><?cs /if ?>
  </ul>
  <?cs /if ?>
  <?cs else ?>
  <?cs call:form_errors(Form) ?>
  <form method="post" action="/admin/payments" class="admin-form" id="payment-form" novalidate>
    <?cs call:form_keys() ?>
    <input type="hidden" name="customer" value="<?cs var:Customer.Id ?>">
    <fieldset>
      <legend>Payment from <a href="/admin/customers/<?cs var:Customer.Id ?>"><?cs var:Customer.Name ?></a> in <?cs var:Customer.Currency ?></legend>
      <?cs call:field(Form.amount) ?>
      <?cs call:field(Form.received_on) ?>
      <?cs call:field(Form.method) ?>
      <?cs call:field(Form.reference) ?>
      <?cs call:field(Form.notes) ?>
    </fieldset>
    <p><button type="submit" class="primary">Record payment</button> <a href="/admin/payments/new">Another customer</a></p>
  </form>
  <?cs /if ?>
</section>
<?cs include!"_foot.cs" ?>
