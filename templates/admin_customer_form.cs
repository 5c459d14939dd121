<?cs include!"_head.cs" ?>
<?cs include!"_admin_nav.cs" ?>
<?cs include!"form_macros.cs" ?>
<section class="admin">
  <?cs if:Customer.Id ?><?cs include!"_customer_tabs.cs" ?><?cs else ?><h1>New customer</h1><?cs /if ?>
  <?cs if:Form.Conflict ?>
  <div class="alert error conflict-box" role="alert" id="conflict">
    <p>Someone else saved this customer while you were editing it. Nothing was saved.
    <?cs if:Form.Changed > 0 ?>These fields differ between the saved version and yours:<?cs else ?>Their change does not touch the fields you see.<?cs /if ?></p>
    <?cs if:Form.Changed > 0 ?><?cs call:conflict_table(Conflict) ?><?cs /if ?>
    <p>The form below still holds your values: save again to replace theirs, or <a href="/admin/customers/<?cs var:Customer.Id ?>/edit">open the saved version</a>.</p>
  </div>
  <?cs /if ?>
  <?cs call:form_errors(Form) ?>
  <form method="post" action="<?cs var:Form.Action ?>" class="admin-form" id="customer-form" novalidate>
    <?cs call:form_keys() ?>
    <fieldset<?cs if:!Can.Write ?> disabled<?cs /if ?>>
      <legend>Customer</legend>
      <?cs call:field(Form.name) ?>
      <?cs call:field(Form.legal_name) ?>
      <?cs call:field(Form.email) ?>
      <?cs call:field(Form.phone) ?>
    </fieldset>
    <fieldset<?cs if:!Can.Write ?> disabled<?cs /if ?>>
      <legend>Address</legend>
      <?cs call:field(Form.street) ?>
      <?cs call:field(Form.address_line2) ?>
      <?cs call:field(Form.city) ?>
      <?cs call:field(Form.post_code) ?>
      <?cs call:field(Form.region) ?>
      <?cs call:field(Form.country) ?>
    </fieldset>
    <fieldset<?cs if:!Can.Write ?> disabled<?cs /if ?>>
      <legend>Billing</legend>
      <?cs call:field(Form.vat_id) ?>
      <?cs call:field(Form.currency) ?>
      <?cs call:field(Form.time_zone) ?>
      <?cs call:field(Form.payment_days) ?>
      <?cs call:field(Form.invoice_schedule) ?>
      <?cs call:field(Form.line_grouping) ?>
      <?cs call:field(Form.notify_issued) ?>
    </fieldset>
    <fieldset<?cs if:!Can.Write ?> disabled<?cs /if ?>>
      <legend>E-invoicing</legend>
      <?cs call:field(Form.buyer_reference) ?>
      <?cs call:field(Form.endpoint_id) ?>
      <?cs call:field(Form.endpoint_scheme) ?>
      <?cs call:field(Form.einvoice_syntax) ?>
    </fieldset>
    <fieldset<?cs if:!Can.Write ?> disabled<?cs /if ?>>
      <legend>Internal</legend>
      <?cs call:field(Form.notes) ?>
    </fieldset>
    <?cs if:Can.Write ?>
    <p class="actions"><button type="submit" class="primary"><?cs if:Customer.Id ?>Save<?cs else ?>Create customer<?cs /if ?></button>
      <a href="<?cs if:Customer.Id ?>/admin/customers/<?cs var:Customer.Id ?><?cs else ?>/admin/customers<?cs /if ?>">Cancel</a></p>
    <?cs /if ?>
  </form>
</section>
<?cs include!"_foot.cs" ?>
