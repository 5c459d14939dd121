<?cs include!"_head.cs" ?>
<?cs include!"_admin_nav.cs" ?>
<section class="admin">
  <div class="page-head">
    <h1>Packages</h1>
    <?cs if:Can.Write ?><a class="button primary" href="/admin/packages/new">New package</a><?cs /if ?>
  </div>
  <form method="get" action="/admin/packages" class="search">
    <label for="pshow">Show</label>
    <select id="pshow" name="show">
      <option value="active"<?cs if:List.Show == "active" ?> selected<?cs /if ?>>Active</option>
      <option value="archived"<?cs if:List.Show == "archived" ?> selected<?cs /if ?>>Archived</option>
      <option value="all"<?cs if:List.Show == "all" ?> selected<?cs /if ?>>All</option>
    </select>
    <button type="submit">Show</button>
  </form>
  <table class="grid" id="packages">
    <thead><tr><th scope="col">Name</th><th scope="col">Kind</th><th scope="col" class="num">Unit price</th><th scope="col">Currency</th><th scope="col">Unit</th><th scope="col" class="num">Tax rate</th><th scope="col">VAT category</th></tr></thead>
    <tbody>
    <?cs each:p = Rows ?>
      <tr data-id="<?cs var:p.Id ?>"><td><a href="/admin/packages/<?cs var:p.Id ?>"><?cs var:p.Name ?></a><?cs if:p.Active == "0" ?> <span class="badge archived">Archived</span><?cs /if ?></td>
        <td><?cs var:p.Kind ?></td><td class="num"><?cs var:p.UnitPrice ?></td><td><?cs var:p.Currency ?></td><td><?cs var:p.UnitCode ?></td><td class="num"><?cs var:p.TaxRate ?>%</td><td><?cs var:p.VatCategory ?></td></tr>
    <?cs /each ?>
    <?cs if:!subcount(Rows) ?><tr><td colspan="7">No packages.</td></tr><?cs /if ?>
    </tbody>
  </table>
</section>
<?cs include!"_foot.cs" ?>
