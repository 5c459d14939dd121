<?cs include!"_head.cs" ?>
<?cs set:Portal.Section = "profile" ?>
<section class="portal">
  <h1>Your profile</h1>
  <?cs include!"_portal_nav.cs" ?>
  <h2 id="contact-h">Contact and notifications</h2>
  <p>Mail about <?cs var:Account.Name ?>'s invoices goes to this address, for every user of the account.</p>
  <?cs if:Profile.Error ?><p class="alert error" role="alert" id="profile-error"><?cs var:Profile.Error ?></p><?cs /if ?>
  <form method="post" action="/portal/profile" id="profile-form" aria-labelledby="contact-h">
    <input type="hidden" name="csrf" value="<?cs var:CSRF ?>">
    <input type="hidden" name="once" value="<?cs var:Form.Once ?>">
    <input type="hidden" name="row_version" value="<?cs var:Form.RowVersion ?>">
    <p class="field"><label for="email">Contact e-mail</label>
      <input type="email" id="email" name="email" value="<?cs var:Profile.Email ?>" autocomplete="email" maxlength="254"<?cs if:Profile.Error ?> aria-invalid="true" aria-describedby="profile-error"<?cs /if ?>></p>
    <p class="field field-check"><input type="checkbox" id="notify_issued" name="notify_issued" value="1"<?cs if:Profile.NotifyIssued == "1" ?> checked<?cs /if ?>>
      <label for="notify_issued">E-mail me about new and cancelled invoices and credit notes</label></p>
    <p class="field field-check"><input type="checkbox" id="notify_payment" name="notify_payment" value="1"<?cs if:Profile.NotifyPayment == "1" ?> checked<?cs /if ?>>
      <label for="notify_payment">E-mail me when a payment is received</label></p>
    <p><button type="submit" class="primary">Save</button></p>
  </form>

  <h2 id="password-h">Change your password</h2>
  <p>For <?cs var:User.Email ?>. You will be signed out everywhere and sign in again with the new password.</p>
  <?cs if:Password.Error ?><p class="alert error" role="alert" id="password-error"><?cs var:Password.Error ?></p><?cs /if ?>
  <form method="post" action="/portal/password" id="password-form" aria-labelledby="password-h">
    <input type="hidden" name="csrf" value="<?cs var:CSRF ?>">
    <input type="hidden" name="username" value="<?cs var:User.Email ?>" autocomplete="username">
    <p class="field"><label for="current">Current password</label>
      <input type="password" id="current" name="current" autocomplete="current-password" required></p>
    <p class="field"><label for="password">New password</label>
      <input type="password" id="password" name="password" autocomplete="new-password" required></p>
    <p class="field"><label for="again">New password again</label>
      <input type="password" id="again" name="again" autocomplete="new-password" required></p>
    <p><button type="submit">Change password</button></p>
  </form>
</section>
<?cs include!"_foot.cs" ?>
