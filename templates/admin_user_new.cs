<?cs include!"_head.cs" ?>
<?cs include!"_admin_nav.cs" ?>
<?cs include!"form_macros.cs" ?>
<?cs include!"_user_customer.cs" ?>
<section>
  <h1>Add a user</h1>
  <p>The new user has no password: they choose one through a password-set link.</p>
  <form method="post" action="/admin/users/new" class="stacked" id="user-new" novalidate>
    <?cs call:form_keys() ?>
    <?cs call:form_errors(Form) ?>
    <?cs call:field(Form.email) ?>
    <?cs call:field(Form.name) ?>
    <?cs call:field(Form.role) ?>
    <?cs call:customer_field(Form.customer) ?>
    <?cs call:field(Form.send_link) ?>
    <button type="submit" class="primary">Add user</button>
    <a href="/admin/users">Cancel</a>
  </form>
</section>
<?cs include!"_foot.cs" ?>
