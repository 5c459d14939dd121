<?cs include!"_head.cs" ?>
<section class="login-card">
<?cs if:Password.Done ?>
  <h1>Password set</h1>
  <p class="alert ok" role="status">The password of <strong><?cs var:Password.Email ?></strong> is set. Every earlier session of this account has ended.</p>
  <p><a class="button primary" href="/login">Sign in</a></p>
<?cs else ?>
  <h1>Choose your password</h1>
  <p>For <strong class="email"><?cs var:Password.Email ?></strong>. At least <?cs var:Password.Min ?> characters.</p>
  <?cs if:Password.Error ?><p class="alert error" role="alert" id="password-error"><?cs var:Password.Error ?></p><?cs /if ?>
  <form method="post" action="/login/password/<?cs var:Password.Token ?>" class="stacked">
    <input type="hidden" name="csrf" value="<?cs var:CSRF ?>">
    <label for="password">New password</label>
    <input id="password" name="password" type="password" autocomplete="new-password" required minlength="<?cs var:Password.Min ?>"<?cs if:Password.Error ?> aria-describedby="password-error" aria-invalid="true"<?cs /if ?>>
    <label for="password2">New password again</label>
    <input id="password2" name="password2" type="password" autocomplete="new-password" required minlength="<?cs var:Password.Min ?>">
    <button type="submit" class="primary">Set password</button>
  </form>
<?cs /if ?>
</section>
<?cs include!"_foot.cs" ?>
