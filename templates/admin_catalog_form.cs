<?cs include!"_head.cs" ?>
<?cs include!"_admin_nav.cs" ?>
<?cs include!"form_macros.cs" ?>
<section class="admin">
  <div class="page-head">
    <h1><?cs var:Page.Title ?><?cs if:Entity.Id && !Entity.Active ?> <span class="badge archived">Archived</span><?cs /if ?></h1>
    <?cs if:Entity.Id && Can.Write ?>
    <form method="post" action="<?cs var:Entity.Base ?>/<?cs var:Entity.Id ?>/archive" class="inline" id="archive-form">
      <input type="hidden" name="csrf" value="<?cs var:CSRF ?>">
      <input type="hidden" name="once" value="<?cs var:Archive.Once ?>">
      <?cs if:Entity.Active ?><input type="hidden" name="active" value="0"><button type="submit">Archive</button>
      <?cs else ?><input type="hidden" name="active" value="1"><button type="submit">Restore</button><?cs /if ?>
    </form>
    <?cs /if ?>
  </div>
  <?cs if:Entity.Key ?><p class="hint">Key: <code><?cs var:Entity.Key ?></code><?cs if:Entity.InUse ?> · invoices hold values of this field<?cs /if ?></p><?cs /if ?>
  <?cs if:Form.Conflict ?>
  <div class="alert error conflict-box" role="alert" id="conflict">
    <p>Someone else saved this <?cs var:Entity.Noun ?> while you were editing it. Nothing was saved.
    <?cs if:Form.Changed > 0 ?>These fields differ between the saved version and yours:<?cs else ?>Their change does not touch the fields you see.<?cs /if ?></p>
    <?cs if:Form.Changed > 0 ?><?cs call:conflict_table(Conflict) ?><?cs /if ?>
    <p>The form below still holds your values: save again to replace theirs, or <a href="<?cs var:Entity.Base ?>/<?cs var:Entity.Id ?>">open the saved version</a>.</p>
  </div>
  <?cs /if ?>
  <?cs call:form_errors(Form) ?>
  <form method="post" action="<?cs var:Form.Action ?>" class="admin-form" id="entity-form" novalidate>
    <?cs call:form_keys() ?>
    <fieldset<?cs if:!Can.Write ?> disabled<?cs /if ?>>
      <legend><?cs if:Entity.Id ?>Edit<?cs else ?>New<?cs /if ?> <?cs var:Entity.Noun ?></legend>
      <?cs each:f = Form ?><?cs if:f.Name ?><?cs call:field(f) ?><?cs /if ?><?cs /each ?>
    </fieldset>
    <?cs if:Can.Write ?>
    <p class="actions"><button type="submit" class="primary"><?cs if:Entity.Id ?>Save<?cs else ?>Create <?cs var:Entity.Noun ?><?cs /if ?></button>
      <a href="<?cs var:Entity.Base ?>">Cancel</a></p>
    <?cs /if ?>
  </form>
  <?cs if:subcount(History) ?>
  <h2>History</h2>
  <?cs include!"_history.cs" ?>
  <?cs /if ?>
</section>
<?cs include!"_foot.cs" ?>
