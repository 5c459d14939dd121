<?cs # an entity's history in a box of its own (invoice page, payment pages) ?>
<section class="history-box" aria-labelledby="history-h">
  <h2 id="history-h">History</h2>
  <?cs include!"_history.cs" ?>
</section>
