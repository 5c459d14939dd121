<?cs include!"_head.cs" ?>
<?cs include!"_admin_nav.cs" ?>
<?cs include!"form_macros.cs" ?>
<?cs include!"_user_customer.cs" ?>
<section class="user-page" data-user="<?cs var:Target.Id ?>">
  <h1><?cs var:Target.Email ?></h1>
  <?cs if:Problem ?><p class="alert error" role="alert" id="problem"><?cs var:Problem ?></p><?cs /if ?>
  <?cs if:NewLink.Url ?>
  <div class="new-link" role="status">
    <p>Password-set link for <?cs var:Target.Email ?> (works once, for <?cs var:NewLink.Hours ?> hours; it is also queued for mail). Copy it now: it is not shown again.</p>
    <p><label for="new-link">Link</label> <input id="new-link" type="text" readonly size="60" value="<?cs var:NewLink.Url ?>"></p>
  </div>
  <?cs /if ?>
  <dl class="facts">
    <dt>Name</dt><dd class="name"><?cs var:Target.Name ?></dd>
    <dt>Role</dt><dd class="role"><span class="badge role-<?cs var:Target.Role ?>"><?cs var:Target.Role ?></span></dd>
    <?cs if:Target.Customer > 0 ?><dt>Customer</dt><dd><a href="/admin/customers/<?cs var:Target.Customer ?>"><?cs var:Target.CustomerName ?></a> (<?cs var:Target.Customer ?>)</dd><?cs /if ?>
    <dt>Status</dt><dd class="active"><?cs if:Target.Active ?>active<?cs else ?>disabled<?cs /if ?></dd>
    <dt>Last sign-in (UTC)</dt><dd><?cs if:Target.LastLogin ?><?cs var:Target.LastLogin ?><?cs else ?>never<?cs /if ?></dd>
  </dl>

  <h2>Role</h2>
  <form method="post" action="/admin/users/<?cs var:Target.Id ?>/role" class="stacked" id="user-role" novalidate>
    <input type="hidden" name="csrf" value="<?cs var:CSRF ?>">
    <input type="hidden" name="once" value="<?cs var:Keys.Role ?>">
    <?cs call:form_errors(RoleForm) ?>
    <?cs call:field(RoleForm.role) ?>
    <?cs call:customer_field(RoleForm.customer) ?>
    <button type="submit">Change role</button>
  </form>

  <h2>Access</h2>
  <?cs if:Target.Active ?>
  <form method="post" action="/admin/users/<?cs var:Target.Id ?>/disable" id="user-disable">
    <input type="hidden" name="csrf" value="<?cs var:CSRF ?>">
    <input type="hidden" name="once" value="<?cs var:Keys.Active ?>">
    <p>Disabling ends the user's sessions at once; they cannot sign in until enabled again.<?cs if:Target.Self ?> This is your own account.<?cs /if ?></p>
    <button type="submit" class="danger">Disable user</button>
  </form>
  <?cs else ?>
  <form method="post" action="/admin/users/<?cs var:Target.Id ?>/enable" id="user-enable">
    <input type="hidden" name="csrf" value="<?cs var:CSRF ?>">
    <input type="hidden" name="once" value="<?cs var:Keys.Active ?>">
    <button type="submit">Enable user</button>
  </form>
  <?cs /if ?>

  <h2>Password</h2>
  <?cs if:Target.Active ?>
  <form method="post" action="/admin/users/<?cs var:Target.Id ?>/password-link" class="stacked" id="user-link" novalidate>
    <input type="hidden" name="csrf" value="<?cs var:CSRF ?>">
    <input type="hidden" name="once" value="<?cs var:Keys.Link ?>">
    <p>Nobody types another person's password: send a link with which the user chooses it.</p>
    <?cs call:form_errors(LinkForm) ?>
    <?cs call:field(LinkForm.hours) ?>
    <button type="submit">Create password link</button>
  </form>
  <?cs else ?>
  <p>Enable the user to send a password link.</p>
  <?cs /if ?>

  <h2>History</h2>
  <?cs include!"_history.cs" ?>
  <p><a href="/admin/users">All users</a></p>
</section>
<?cs include!"_foot.cs" ?>
