<?cs # an entity's audit trail, filled by admin_history_hdf (cgi-bin/admin.h) ?>
<ol class="history" id="history">
<?cs each:h = History ?>
  <li><span class="when"><?cs var:h.When ?> UTC</span> <span class="who"><?cs var:h.Who ?></span> <strong class="action"><?cs var:h.Action ?></strong>
    <?cs if:subcount(h.Changes) ?>
    <ul class="changes">
    <?cs each:c = h.Changes ?><li><span class="field"><?cs var:c.Field ?></span>: <?cs if:c.Old ?><del><?cs var:c.Old ?></del> → <?cs /if ?><ins><?cs var:c.New ?></ins></li><?cs /each ?>
    </ul>
    <?cs /if ?>
  </li>
<?cs /each ?>
<?cs if:!subcount(History) ?><li>No recorded changes.</li><?cs /if ?>
</ol>
