<?cs include!"_head.cs" ?>
<section class="list-page">
<div class="list-head">
  <h1>Invoices</h1>
  <form class="search" method="get" action="/invoices" role="search">
    <?cs each:s = List.StatusKeys ?><input type="hidden" name="status" value="<?cs var:s ?>"><?cs /each ?>
    <?cs if:List.Customer ?><input type="hidden" name="customer" value="<?cs var:List.Customer ?>"><?cs /if ?>
    <?cs if:List.Currency ?><input type="hidden" name="currency" value="<?cs var:List.Currency ?>"><?cs /if ?>
    <?cs if:List.Cols ?><input type="hidden" name="cols" value="<?cs var:List.Cols ?>"><?cs /if ?>
    <input type="search" name="q" id="q" value="<?cs var:List.Q ?>" placeholder="Number, customer or keyword" aria-label="Search invoices" maxlength="100">
    <button type="submit">Search</button>
  </form>
</div>

<details class="filters" <?cs if:Filters.0.Label ?>open<?cs /if ?>>
  <summary>Filters</summary>
  <form method="get" action="/invoices" id="filter-form" class="filter-grid">
    <input type="hidden" name="q" value="<?cs var:List.Q ?>">
    <?cs if:List.Cols ?><input type="hidden" name="cols" value="<?cs var:List.Cols ?>"><?cs /if ?>
    <input type="hidden" name="sort" value="<?cs var:List.Sort ?>">
    <input type="hidden" name="dir" value="<?cs var:List.Dir ?>">
    <fieldset class="statuses"><legend>Status</legend>
      <?cs if:Can.Drafts ?><label><input type="checkbox" name="status" value="draft"<?cs if:List.Status.draft ?> checked<?cs /if ?>> Draft</label><?cs /if ?>
      <label><input type="checkbox" name="status" value="due"<?cs if:List.Status.due ?> checked<?cs /if ?>> Due</label>
      <label><input type="checkbox" name="status" value="partial"<?cs if:List.Status.partial ?> checked<?cs /if ?>> Partial</label>
      <label><input type="checkbox" name="status" value="overdue"<?cs if:List.Status.overdue ?> checked<?cs /if ?>> Overdue</label>
      <label><input type="checkbox" name="status" value="paid"<?cs if:List.Status.paid ?> checked<?cs /if ?>> Paid</label>
      <label><input type="checkbox" name="status" value="void"<?cs if:List.Status.void ?> checked<?cs /if ?>> Cancelled</label>
    </fieldset>
    <label>Customer id <input type="number" name="customer" min="1" value="<?cs var:List.Customer ?>"></label>
    <label>Currency <input type="text" name="currency" maxlength="3" size="4" pattern="[A-Z]{3}" value="<?cs var:List.Currency ?>"></label>
    <label>Dates
      <select name="date">
        <option value="invoice"<?cs if:List.DateField == "invoice" ?> selected<?cs /if ?>>Invoice date</option>
        <option value="due"<?cs if:List.DateField == "due" ?> selected<?cs /if ?>>Due date</option>
        <option value="period"<?cs if:List.DateField == "period" ?> selected<?cs /if ?>>Billing period</option>
      </select></label>
    <label>From <input type="date" name="from" value="<?cs var:List.From ?>"></label>
    <label>To <input type="date" name="to" value="<?cs var:List.To ?>"></label>
    <label>Total from <input type="text" inputmode="decimal" name="min" size="8" value="<?cs var:List.Min ?>"></label>
    <label>to <input type="text" inputmode="decimal" name="max" size="8" value="<?cs var:List.Max ?>"></label>
    <label>Rows <select name="per_page">
      <?cs each:n = PerPageChoices ?><option value="<?cs var:n ?>"<?cs if:n == List.PerPage ?> selected<?cs /if ?>><?cs var:n ?></option><?cs /each ?>
    </select></label>
    <button type="submit" class="primary">Apply</button>
  </form>
</details>

<?cs if:Filters.0.Label ?>
<ul class="chips" aria-label="Active filters">
  <?cs each:f = Filters ?><li class="chip"><?cs var:f.Label ?>: <strong><?cs var:f.Value ?></strong>
    <a href="<?cs var:f.ClearURL ?>" class="clear" aria-label="Remove filter <?cs var:f.Label ?>">×</a></li><?cs /each ?>
  <li><a href="<?cs var:ClearAllURL ?>" class="clear-all">Clear all</a></li>
</ul>
<?cs /if ?>

<p class="summary" id="summary"><?cs if:List.Capped ?>More than <span id="count-cap"><?cs var:List.Capped ?></span> invoices match<?cs if:List.Last > 0 ?>, showing <?cs var:List.First ?>–<?cs var:List.Last ?><?cs /if ?>. Narrow the filter to see the exact count and totals.
<?cs else ?><span id="count"><?cs var:List.Count ?></span> invoice<?cs if:List.Count != 1 ?>s<?cs /if ?><?cs if:List.Last > 0 ?>, showing <?cs var:List.First ?>–<?cs var:List.Last ?><?cs /if ?>.
<?cs each:s = Sums ?><?cs if:s.Issued > 0 ?><span class="sum" data-currency="<?cs var:s.Currency ?>" data-kind="issued"><?cs var:s.Currency ?>: <span class="n"><?cs var:s.Issued ?></span> issued · <abbr title="Issued invoices minus credit notes">billed</abbr> <span class="billed"><?cs var:s.Billed ?></span> · <abbr title="Received: allocations to these invoices, less what credit notes covered">paid</abbr> <span class="paid"><?cs var:s.Paid ?></span> · <abbr title="Still owed: billed minus paid">balance</abbr> <span class="balance"><?cs var:s.Balance ?></span></span> <?cs /if ?><?cs
 if:s.Drafts > 0 ?><span class="sum" data-currency="<?cs var:s.Currency ?>" data-kind="drafts"><span class="n"><?cs var:s.Drafts ?></span> draft<?cs if:s.Drafts != 1 ?>s<?cs /if ?>, <span class="total"><?cs var:s.DraftsTotal ?></span></span> <?cs /if ?><?cs
 if:s.Voids > 0 ?><span class="sum" data-currency="<?cs var:s.Currency ?>" data-kind="void"><span class="n"><?cs var:s.Voids ?></span> cancelled, <span class="total"><?cs var:s.VoidsTotal ?></span></span> <?cs /if ?><?cs /each ?><?cs /if ?></p>

<table class="grid invoices" id="invoices">
  <thead><tr>
    <?cs each:c = Cols ?><th class="c-<?cs var:c.Key ?><?cs if:c.Numeric ?> num<?cs /if ?>"<?cs if:c.Sorted ?> aria-sort="<?cs if:c.Sorted == "asc" ?>ascending<?cs else ?>descending<?cs /if ?>"<?cs /if ?>><a href="<?cs var:c.SortURL ?>" data-col="<?cs var:c.Key ?>"<?cs if:c.Title ?> title="<?cs var:c.Title ?>"<?cs /if ?>><?cs var:c.Label ?><?cs if:c.Sorted == "asc" ?> ▲<?cs elif:c.Sorted == "desc" ?> ▼<?cs /if ?></a></th><?cs /each ?>
    <th class="actions">Actions</th>
  </tr></thead>
  <tbody>
  <!--slot:rows-->
  </tbody>
</table>
<?cs if:List.PastEnd ?><p class="alert" id="past-end">This page is past the end of the list. <a href="<?cs var:Pager.LastURL ?>"><?cs if:List.Pages ?>Go to the last page (<?cs var:List.Pages ?>)<?cs else ?>Go to the first page<?cs /if ?></a>.</p>
<?cs elif:List.Count == 0 ?><p class="empty">No invoices match.</p><?cs /if ?>

<nav class="pager" aria-label="Pages">
  <?cs if:Pager.FirstURL ?><a href="<?cs var:Pager.FirstURL ?>" rel="first">« First</a> <a href="<?cs var:Pager.PrevURL ?>" rel="prev">‹ Previous</a><?cs /if ?>
  <span>Page <?cs var:List.Page ?><?cs if:List.Pages ?> of <?cs var:List.Pages ?><?cs /if ?></span>
  <?cs if:Pager.NextURL ?><a href="<?cs var:Pager.NextURL ?>" rel="next">Next ›</a><?cs if:Pager.LastURL ?> <a href="<?cs var:Pager.LastURL ?>" rel="last">Last »</a><?cs /if ?><?cs /if ?>
</nav>

<details class="chooser" id="chooser">
  <summary>Columns</summary>
  <form method="post" action="/invoices/columns" id="chooser-form">
    <input type="hidden" name="csrf" value="<?cs var:CSRF ?>">
    <input type="hidden" name="back" value="<?cs var:BackURL ?>">
    <ol class="col-list">
    <?cs each:c = Chooser ?><li draggable="true" data-key="<?cs var:c.Key ?>">
      <label><input type="checkbox" name="show_<?cs var:c.Key ?>" value="1"<?cs if:c.Shown ?> checked<?cs /if ?>> <?cs var:c.Label ?></label>
      <label class="pos">position <input type="number" name="pos_<?cs var:c.Key ?>" min="0" max="99" value="<?cs var:c.Pos ?>"></label>
    </li><?cs /each ?>
    </ol>
    <button type="submit" class="primary">Save columns</button>
  </form>
</details>
</section>
<script src="/static/list.js" defer></script>
<?cs include!"_foot.cs" ?>
