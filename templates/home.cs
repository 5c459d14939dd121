<?cs include!"_head.cs" ?>
<section>
  <h1><?cs var:Page.Title ?></h1>
  <p class="whoami">Signed in as <strong class="who"><?cs var:User.Name ?></strong>
     (<span class="email"><?cs var:User.Email ?></span>), role <strong class="role"><?cs var:User.Role ?></strong>.</p>
</section>
<?cs include!"_foot.cs" ?>
