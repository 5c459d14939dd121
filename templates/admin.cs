<?cs include!"_head.cs" ?>
<?cs include!"_admin_nav.cs" ?>
<section>
  <h1>Administration</h1>
  <p class="whoami">Signed in as <strong class="who"><?cs var:User.Name ?></strong>, role <strong class="role"><?cs var:User.Role ?></strong><?cs if:!Can.Write ?> (read only)<?cs /if ?>.</p>
  <ul class="tiles">
    <li><a href="/invoices">Invoices</a></li>
    <?cs if:Can.Users ?><li><a href="/admin/users">Users and roles</a></li><?cs /if ?>
  </ul>
</section>
<?cs include!"_foot.cs" ?>
