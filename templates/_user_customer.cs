<?cs # the customer of a user form: a picker of the active customers, or the id when
   there are too many to list (Customers.More); f is Form.customer / RoleForm.customer ?>
<?cs def:customer_field(f) ?>
  <div class="field field-customer<?cs if:f.Error ?> invalid<?cs /if ?>">
    <label for="f-customer"><?cs var:f.Label ?></label>
    <?cs if:Customers.More ?>
    <input id="f-customer" name="customer" type="text" inputmode="numeric" value="<?cs var:f.Value ?>"<?cs call:field_describe(f) ?>>
    <?cs else ?>
    <select id="f-customer" name="customer"<?cs call:field_describe(f) ?>>
      <option value="">— none (staff roles) —</option>
      <?cs each:c = Customers ?><option value="<?cs var:c.Id ?>"<?cs if:c.Id == f.Value ?> selected<?cs /if ?>><?cs var:c.Name ?> (<?cs var:c.Id ?>)</option><?cs /each ?>
    </select>
    <?cs /if ?>
    <?cs if:f.Hint ?><p class="hint" id="h-<?cs var:f.Name ?>"><?cs var:f.Hint ?></p><?cs /if ?>
    <?cs if:f.Error ?><p class="field-error" id="e-<?cs var:f.Name ?>"><?cs var:f.Label ?> <?cs var:f.Error ?></p><?cs /if ?>
  </div>
<?cs /def ?>
