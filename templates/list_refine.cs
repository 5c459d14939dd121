<?cs include!"_head.cs" ?>
<section class="list-page refine-page">
<h1>Refine your search</h1>
<p class="alert error" role="alert">This <?cs if:Refine.Q ?>search<?cs else ?>list<?cs /if ?> took longer than <?cs var:Refine.Seconds ?> s and was stopped, so that other people's pages stay quick.
  Please make it narrower: add a word or a customer's name, choose a status, a currency or a date range, or search for an invoice number.</p>
<form class="search" method="get" action="/invoices" role="search">
  <?cs each:k = Refine.Keep ?><input type="hidden" name="<?cs var:k.Name ?>" value="<?cs var:k.Value ?>"><?cs /each ?>
  <input type="search" name="q" id="q" value="<?cs var:Refine.Q ?>" placeholder="Number, customer or keyword" aria-label="Search invoices" maxlength="100">
  <button type="submit">Search</button>
</form>
<p><?cs if:Refine.Q ?><a href="<?cs var:Refine.WithoutSearchURL ?>">Show the list without this search</a> · <?cs /if ?><a href="/invoices">All invoices</a></p>
</section>
<?cs include!"_foot.cs" ?>
