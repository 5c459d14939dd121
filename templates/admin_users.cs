<?cs include!"_head.cs" ?>
<?cs include!"_admin_nav.cs" ?>
<section>
  <h1>Users</h1>
  <p><a class="button primary" href="/admin/users/new">Add a user</a></p>
  <table class="grid" id="users">
    <caption>Everyone who can sign in, by email</caption>
    <thead><tr><th scope="col">Email</th><th scope="col">Name</th><th scope="col">Role</th><th scope="col">Customer</th><th scope="col">Active</th><th scope="col">Last sign-in (UTC)</th></tr></thead>
    <tbody>
    <?cs each:u = Users ?>
      <tr data-user="<?cs var:u.Id ?>"<?cs if:!u.Active ?> class="disabled"<?cs /if ?>>
          <td><a href="/admin/users/<?cs var:u.Id ?>"><?cs var:u.Email ?></a></td><td><?cs var:u.Name ?></td>
          <td><span class="badge role-<?cs var:u.Role ?>"><?cs var:u.Role ?></span></td>
          <td><?cs if:u.Customer > 0 ?><a href="/admin/customers/<?cs var:u.Customer ?>"><?cs var:u.CustomerName ?></a> (<?cs var:u.Customer ?>)<?cs /if ?></td>
          <td class="active"><?cs if:u.Active ?>yes<?cs else ?>no (disabled)<?cs /if ?></td>
          <td><?cs if:u.LastLogin ?><?cs var:u.LastLogin ?><?cs else ?>never<?cs /if ?></td></tr>
    <?cs /each ?>
    </tbody>
  </table>
</section>
<?cs include!"_foot.cs" ?>
