<?cs include!"_head.cs" ?>
<?cs include!"_admin_nav.cs" ?>
<section class="admin">
  <div class="page-head">
    <h1>Customers</h1>
    <?cs if:Can.Write ?><a class="button primary" href="/admin/customers/new">New customer</a><?cs /if ?>
  </div>
  <form method="get" action="/admin/customers" class="search" role="search">
    <label for="cq">Search name or email</label>
    <input type="search" id="cq" name="q" value="<?cs var:List.Q ?>">
    <label for="cshow">Show</label>
    <select id="cshow" name="show">
      <option value="active"<?cs if:List.Show == "active" ?> selected<?cs /if ?>>Active</option>
      <option value="archived"<?cs if:List.Show == "archived" ?> selected<?cs /if ?>>Archived</option>
      <option value="all"<?cs if:List.Show == "all" ?> selected<?cs /if ?>>All</option>
    </select>
    <button type="submit">Search</button>
  </form>
  <p class="count" id="customer-count"><?cs var:List.Total ?> customer<?cs if:List.Total != 1 ?>s<?cs /if ?></p>
  <table class="grid" id="customers">
    <thead><tr><th scope="col">Name</th><th scope="col">Email</th><th scope="col">City</th><th scope="col">Country</th><th scope="col">Currency</th></tr></thead>
    <tbody>
    <?cs each:c = Customers ?>
      <tr data-id="<?cs var:c.Id ?>"><td><a href="/admin/customers/<?cs var:c.Id ?>"><?cs var:c.Name ?></a><?cs if:!c.Active ?> <span class="badge archived">Archived</span><?cs /if ?></td>
        <td><?cs var:c.Email ?></td><td><?cs var:c.City ?></td><td><?cs var:c.Country ?></td><td><?cs var:c.Currency ?></td></tr>
    <?cs /each ?>
    </tbody>
  </table>
  <?cs if:List.Pages > 1 ?>
  <nav class="pager" aria-label="Pages">
    <?cs if:List.Prev ?><a rel="prev" href="/admin/customers?q=<?cs var:url_escape(List.Q) ?>&amp;show=<?cs var:List.Show ?>&amp;page=<?cs var:List.Prev ?>">Previous</a><?cs /if ?>
    <span>Page <?cs var:List.Page ?> of <?cs var:List.Pages ?></span>
    <?cs if:List.Next ?><a rel="next" href="/admin/customers?q=<?cs var:url_escape(List.Q) ?>&amp;show=<?cs var:List.Show ?>&amp;page=<?cs var:List.Next ?>">Next</a><?cs /if ?>
  </nav>
  <?cs /if ?>
</section>
<?cs include!"_foot.cs" ?>
