<?cs set:Page.Title = Error.Title ?><?cs include!"_head.cs" ?>
<section class="error-page">
  <h1><?cs var:Error.Status ?> <?cs var:Error.Title ?></h1>
  <p class="alert error" role="alert"><?cs var:Error.Message ?></p>
  <?cs if:Error.Param ?><p>Parameter: <code class="param"><?cs var:Error.Param ?></code></p><?cs /if ?>
  <p><a href="/">Back to the start page</a></p>
</section>
<?cs include!"_foot.cs" ?>
