<?cs include!"_head.cs" ?>
<?cs include!"form_macros.cs" ?>
<link rel="stylesheet" href="/static/invoice_edit.css">
<?cs include!"_admin_nav.cs" ?>
<?cs # one input of a line row: name l<N>_<field>, id l<N>-<field> (admin_invoices.c) ?>
<?cs def:lfield(f, n) ?>
  <div class="lf lf-<?cs var:f.Name ?><?cs if:f.Error ?> invalid<?cs /if ?>">
    <label for="l<?cs var:n ?>-<?cs var:f.Name ?>"><?cs var:f.Label ?></label>
    <input id="l<?cs var:n ?>-<?cs var:f.Name ?>" name="l<?cs var:n ?>_<?cs var:f.Name ?>" value="<?cs var:f.Value ?>"<?cs
      if:f.Type == "date" ?> type="date"<?cs elif:f.Type == "dec6" || f.Type == "rate" ?> type="text" inputmode="decimal"<?cs
      else ?> type="text"<?cs /if ?><?cs if:f.MaxLen ?> maxlength="<?cs var:f.MaxLen ?>"<?cs /if ?><?cs
      if:f.Error ?> aria-invalid="true" aria-describedby="le<?cs var:n ?>-<?cs var:f.Name ?>"<?cs /if ?>>
    <?cs if:f.Error ?><p class="field-error" id="le<?cs var:n ?>-<?cs var:f.Name ?>"><?cs var:f.Label ?> <?cs var:f.Error ?></p><?cs /if ?>
  </div>
<?cs /def ?>
<section class="invoice-editor">
  <h1><?cs var:Page.Title ?></h1>
  <?cs if:Conflict ?>
  <div class="alert error" role="alert" id="conflict">
    <p><?cs var:Conflict ?> Nothing was saved. Your changes are still in the form below;
    <a href="/admin/invoices/<?cs var:Editor.Id ?>/edit">open the current version</a> to see what changed.</p>
  </div>
  <?cs /if ?>
  <form method="post" id="invoice-form" action="<?cs if:Editor.Id ?>/admin/invoices/<?cs var:Editor.Id ?>/edit<?cs else ?>/admin/invoices/new<?cs /if ?>" novalidate>
    <?cs call:form_keys() ?>
    <?cs call:form_errors(Form) ?>
    <input type="hidden" name="rows" value="<?cs var:Rows ?>">
    <fieldset class="head">
      <legend>Invoice</legend>
      <div class="field customer-filter" hidden>
        <label for="customer-filter">Find a customer</label>
        <input type="search" id="customer-filter" autocomplete="off">
      </div>
      <div class="field field-id<?cs if:Form.customer.Error ?> invalid<?cs /if ?>">
        <label for="f-customer">Customer <span class="req" aria-hidden="true">*</span></label>
        <select id="f-customer" name="customer" required aria-required="true"<?cs if:Form.customer.Error ?> aria-invalid="true" aria-describedby="e-customer"<?cs /if ?>>
          <option value="">— choose —</option>
          <?cs each:c = Customers ?><option value="<?cs var:c.Id ?>"<?cs if:c.Id == Form.customer.Value ?> selected<?cs /if ?>><?cs var:c.Name ?> (<?cs var:c.Currency ?>)</option><?cs /each ?>
        </select>
        <?cs if:Form.customer.Error ?><p class="field-error" id="e-customer">Customer <?cs var:Form.customer.Error ?></p><?cs /if ?>
      </div>
      <?cs call:field(Form.invoice_date) ?>
      <?cs call:field(Form.due_date) ?>
      <?cs call:field(Form.tax_rounding) ?>
      <?cs call:field(Form.notes) ?>
      <?cs each:cf = Fields ?>
      <div class="field field-cf<?cs if:cf.Error ?> invalid<?cs /if ?>">
        <label for="cf-<?cs var:cf.Id ?>"><?cs var:cf.Label ?></label>
        <input id="cf-<?cs var:cf.Id ?>" name="cf_<?cs var:cf.Id ?>" value="<?cs var:cf.Value ?>"<?cs
          if:cf.Type == "date" ?> type="date"<?cs elif:cf.Type == "number" ?> type="text" inputmode="decimal"<?cs else ?> type="text" maxlength="1000"<?cs /if ?><?cs
          if:cf.Error ?> aria-invalid="true" aria-describedby="ecf-<?cs var:cf.Id ?>"<?cs /if ?>>
        <?cs if:cf.Error ?><p class="field-error" id="ecf-<?cs var:cf.Id ?>"><?cs var:cf.Label ?> <?cs var:cf.Error ?></p><?cs /if ?>
      </div>
      <?cs /each ?>
    </fieldset>
    <h2>Lines</h2>
    <p class="hint">Choosing a package fills quantity, unit price, tax rate and tax description when they are left empty; each can be changed. An empty row is not saved.</p>
    <ol class="lines">
    <?cs each:l = Lines ?>
      <li class="line<?cs if:l.New ?> new-line<?cs /if ?>" id="line-<?cs var:l.N ?>">
        <fieldset>
          <legend><?cs if:l.New ?>New line<?cs else ?>Line <?cs var:l.N ?><?cs /if ?></legend>
          <div class="lf lf-package<?cs if:l.package.Error ?> invalid<?cs /if ?>">
            <label for="l<?cs var:l.N ?>-package">Package</label>
            <select class="pkg" id="l<?cs var:l.N ?>-package" name="l<?cs var:l.N ?>_package"<?cs if:l.package.Error ?> aria-invalid="true" aria-describedby="le<?cs var:l.N ?>-package"<?cs /if ?>>
              <option value="">— none (manual line) —</option>
              <?cs each:p = Packages ?><option value="<?cs var:p.Id ?>" data-qty="<?cs var:p.Qty ?>" data-price="<?cs var:p.Price ?>" data-rate="<?cs var:p.Rate ?>" data-taxdesc="<?cs var:p.TaxDesc ?>" data-unit="<?cs var:p.Unit ?>" data-name="<?cs var:p.Name ?>"<?cs if:p.Id == l.package.Value ?> selected<?cs /if ?>><?cs var:p.Name ?> (<?cs var:p.Currency ?> <?cs var:p.Price ?>)</option><?cs /each ?>
            </select>
            <?cs if:l.package.Error ?><p class="field-error" id="le<?cs var:l.N ?>-package">Package <?cs var:l.package.Error ?></p><?cs /if ?>
          </div>
          <?cs call:lfield(l.description, l.N) ?>
          <?cs call:lfield(l.quantity, l.N) ?>
          <?cs call:lfield(l.unit_code, l.N) ?>
          <?cs call:lfield(l.unit_price, l.N) ?>
          <?cs call:lfield(l.tax_rate, l.N) ?>
          <?cs call:lfield(l.tax_description, l.N) ?>
          <?cs call:lfield(l.period_start, l.N) ?>
          <?cs call:lfield(l.period_end, l.N) ?>
          <?cs if:!l.New ?>
          <div class="line-actions">
            <button type="submit" class="btn" name="move" value="up:<?cs var:l.N ?>" aria-label="Move line <?cs var:l.N ?> up">Up</button>
            <button type="submit" class="btn" name="move" value="down:<?cs var:l.N ?>" aria-label="Move line <?cs var:l.N ?> down">Down</button>
            <button type="submit" class="btn danger" name="move" value="remove:<?cs var:l.N ?>" aria-label="Remove line <?cs var:l.N ?>">Remove</button>
          </div>
          <?cs /if ?>
        </fieldset>
      </li>
    <?cs /each ?>
    </ol>
    <div class="form-actions">
      <button type="submit" class="btn" name="add" value="1">Save and add another line</button>
      <button type="submit" class="primary" id="save">Save draft</button>
      <?cs if:Editor.Id ?><a href="/invoices/<?cs var:Editor.Id ?>">Cancel</a><?cs else ?><a href="/invoices">Cancel</a><?cs /if ?>
    </div>
  </form>
</section>
<script src="/static/invoice_edit.js" defer></script>
<?cs include!"_foot.cs" ?>
