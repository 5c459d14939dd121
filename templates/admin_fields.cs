<?cs include!"_head.cs" ?>
<?cs include!"_admin_nav.cs" ?>
<section class="admin">
  <div class="page-head">
    <h1>Custom fields</h1>
    <?cs if:Can.Write ?><a class="button primary" href="/admin/fields/new">New custom field</a><?cs /if ?>
  </div>
  <form method="get" action="/admin/fields" class="search">
    <label for="fshow">Show</label>
    <select id="fshow" name="show">
      <option value="active"<?cs if:List.Show == "active" ?> selected<?cs /if ?>>Active</option>
      <option value="archived"<?cs if:List.Show == "archived" ?> selected<?cs /if ?>>Archived</option>
      <option value="all"<?cs if:List.Show == "all" ?> selected<?cs /if ?>>All</option>
    </select>
    <button type="submit">Show</button>
  </form>
  <table class="grid" id="fields">
    <thead><tr><th scope="col">Label</th><th scope="col">Key</th><th scope="col">Type</th><th scope="col">Customer sees it</th><th scope="col">On the PDF</th><th scope="col" class="num">Position</th></tr></thead>
    <tbody>
    <?cs each:f = Rows ?>
      <tr data-id="<?cs var:f.Id ?>"><td><a href="/admin/fields/<?cs var:f.Id ?>"><?cs var:f.Label ?></a><?cs if:f.Active == "0" ?> <span class="badge archived">Archived</span><?cs /if ?></td>
        <td><code><?cs var:f.Key ?></code></td><td><?cs var:f.Type ?></td><td><?cs if:f.Visible == "1" ?>yes<?cs else ?>no<?cs /if ?></td><td><?cs if:f.Print == "1" ?>yes<?cs else ?>no<?cs /if ?></td><td class="num"><?cs var:f.Position ?></td></tr>
    <?cs /each ?>
    <?cs if:!subcount(Rows) ?><tr><td colspan="6">No custom fields.</td></tr><?cs /if ?>
    </tbody>
  </table>
</section>
<?cs include!"_foot.cs" ?>
