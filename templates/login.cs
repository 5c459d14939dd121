<?cs set:Page.Title = "Sign in" ?><?cs include!"_head.cs" ?>
<section class="login-card">
  <h1>Sign in</h1>
  <?cs if:Login.Error ?><p class="alert error" role="alert"><?cs var:Login.Error ?></p><?cs /if ?>
  <form method="post" action="/login" class="stacked">
    <input type="hidden" name="csrf" value="<?cs var:CSRF ?>">
    <?cs if:Login.Next ?><input type="hidden" name="next" value="<?cs var:Login.Next ?>"><?cs /if ?>
    <label for="email">Email</label>
    <input id="email" name="email" type="email" autocomplete="username" required autofocus value="<?cs var:Login.Email ?>">
    <label for="password">Password</label>
    <input id="password" name="password" type="password" autocomplete="current-password" required>
    <button type="submit" class="primary">Sign in</button>
  </form>
</section>
<?cs include!"_foot.cs" ?>
