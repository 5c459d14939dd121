<?cs include!"_head.cs" ?>
<?cs include!"_admin_nav.cs" ?>
<section>
  <h1>Users</h1>
  <table class="grid" id="users">
    <thead><tr><th>Email</th><th>Name</th><th>Role</th><th>Customer</th><th>Active</th></tr></thead>
    <tbody>
    <?cs each:u = Users ?>
      <tr><td><?cs var:u.Email ?></td><td><?cs var:u.Name ?></td><td><?cs var:u.Role ?></td>
          <td><?cs if:u.Customer > 0 ?><?cs var:u.Customer ?><?cs /if ?></td>
          <td><?cs if:u.Active ?>yes<?cs else ?>no<?cs /if ?></td></tr>
    <?cs /each ?>
    </tbody>
  </table>
</section>
<?cs include!"_foot.cs" ?>
