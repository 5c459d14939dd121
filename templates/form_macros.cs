<?cs # form_macros.cs: the one way admin forms render their fields (lib/form.h).
   Include it once per page; inside the form call form_keys() first (csrf, the
   one-time key and, on edit forms, row_version), form_errors(Form) for the
   summary when Form.Errors > 0, then field(Form.NAME) per field: label, input,
   hint and message. Labels are tied to inputs (for/id); a field with a message
   has aria-invalid="true" and aria-describedby pointing at the message. ?>
<?cs def:form_keys() ?>
  <input type="hidden" name="csrf" value="<?cs var:CSRF ?>">
  <?cs if:Form.Once ?><input type="hidden" name="once" value="<?cs var:Form.Once ?>"><?cs /if ?>
  <?cs if:Form.RowVersion ?><input type="hidden" name="row_version" value="<?cs var:Form.RowVersion ?>"><?cs /if ?>
<?cs /def ?>
<?cs def:form_errors(frm) ?>
  <?cs if:frm.Errors > 0 ?>
  <div class="form-errors" role="alert" id="form-errors">
    <p><?cs if:frm.Errors == 1 ?>One field needs<?cs else ?><?cs var:frm.Errors ?> fields need<?cs /if ?> correcting; nothing was saved.</p>
  </div>
  <?cs /if ?>
<?cs /def ?>
<?cs def:field_describe(f) ?><?cs if:f.Error || f.Hint ?> aria-describedby="<?cs if:f.Error ?>e-<?cs var:f.Name ?><?cs /if ?><?cs if:f.Error && f.Hint ?> <?cs /if ?><?cs if:f.Hint ?>h-<?cs var:f.Name ?><?cs /if ?>"<?cs /if ?><?cs if:f.Error ?> aria-invalid="true"<?cs /if ?><?cs if:f.Required == "1" ?> required aria-required="true"<?cs /if ?><?cs /def ?>
<?cs def:field(f) ?>
  <div class="field field-<?cs var:f.Type ?><?cs if:f.Error ?> invalid<?cs /if ?>">
  <?cs if:f.Type == "check" ?>
    <input type="checkbox" id="f-<?cs var:f.Name ?>" name="<?cs var:f.Name ?>" value="1"<?cs if:f.Value == "1" ?> checked<?cs /if ?><?cs call:field_describe(f) ?>>
    <label for="f-<?cs var:f.Name ?>"><?cs var:f.Label ?></label>
  <?cs else ?>
    <label for="f-<?cs var:f.Name ?>"><?cs var:f.Label ?><?cs if:f.Required == "1" ?> <span class="req" aria-hidden="true">*</span><?cs /if ?></label>
    <?cs if:f.Type == "enum" ?>
    <select id="f-<?cs var:f.Name ?>" name="<?cs var:f.Name ?>"<?cs call:field_describe(f) ?>>
      <?cs if:f.Required != "1" ?><option value="">—</option><?cs /if ?>
      <?cs each:c = f.Choices ?><option value="<?cs var:c.Value ?>"<?cs if:c.Value == f.Value ?> selected<?cs /if ?>><?cs var:c.Label ?></option><?cs /each ?>
    </select>
    <?cs elif:f.Type == "area" ?>
    <textarea id="f-<?cs var:f.Name ?>" name="<?cs var:f.Name ?>" rows="3"<?cs if:f.MaxLen ?> maxlength="<?cs var:f.MaxLen ?>"<?cs /if ?><?cs call:field_describe(f) ?>><?cs var:f.Value ?></textarea>
    <?cs else ?>
    <input id="f-<?cs var:f.Name ?>" name="<?cs var:f.Name ?>" value="<?cs var:f.Value ?>"<?cs
      if:f.Type == "email" ?> type="email" autocomplete="off"<?cs
      elif:f.Type == "date" ?> type="date"<?cs
      elif:f.Type == "int" || f.Type == "id" ?> type="text" inputmode="numeric"<?cs
      elif:f.Type == "amount" || f.Type == "dec6" || f.Type == "rate" ?> type="text" inputmode="decimal"<?cs
      else ?> type="text"<?cs /if ?><?cs if:f.MaxLen ?> maxlength="<?cs var:f.MaxLen ?>"<?cs /if ?><?cs call:field_describe(f) ?>>
    <?cs /if ?>
  <?cs /if ?>
  <?cs if:f.Hint ?><p class="hint" id="h-<?cs var:f.Name ?>"><?cs var:f.Hint ?></p><?cs /if ?>
  <?cs if:f.Error ?><p class="field-error" id="e-<?cs var:f.Name ?>"><?cs var:f.Label ?> <?cs var:f.Error ?></p><?cs /if ?>
  </div>
<?cs /def ?>
<?cs # the 409 page's table of what changed: Conflict.N.Label/Theirs/Yours (form_conflict_hdf) ?>
<?cs def:conflict_table(c) ?>
  <table class="grid conflict">
    <caption>Fields changed since you opened the form</caption>
    <thead><tr><th scope="col">Field</th><th scope="col">Saved meanwhile</th><th scope="col">Yours (not saved)</th></tr></thead>
    <tbody>
    <?cs each:x = c ?><tr><th scope="row"><?cs var:x.Label ?></th><td class="theirs"><?cs var:x.Theirs ?></td><td class="yours"><?cs var:x.Yours ?></td></tr><?cs /each ?>
    </tbody>
  </table>
<?cs /def ?>
