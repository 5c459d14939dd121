<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title><?cs if:Page.Title ?><?cs var:Page.Title ?> · <?cs /if ?><?cs var:Site.Name ?></title>
<link rel="stylesheet" href="/static/app.css">
</head>
<body>
<header class="topbar">
  <a class="brand" href="/"><?cs var:Site.Name ?></a>
  <?cs if:User.Name ?>
  <nav class="main-nav" aria-label="Main">
    <?cs if:Nav.Portal ?><a href="/portal">My account</a><?cs /if ?>
    <?cs if:Nav.Invoices ?><a href="/invoices">Invoices</a><?cs /if ?>
    <?cs if:Nav.Admin ?><a href="/admin">Administration</a><?cs /if ?>
    <?cs if:Nav.Users ?><a href="/admin/users">Users</a><?cs /if ?>
  </nav>
  <div class="user-menu">
    <span class="user-name" data-role="<?cs var:User.Role ?>"><?cs var:User.Name ?></span>
    <span class="badge role-<?cs var:User.Role ?>"><?cs var:User.Role ?></span>
    <form method="post" action="/logout" class="inline">
      <input type="hidden" name="csrf" value="<?cs var:CSRF ?>">
      <button type="submit" class="link">Sign out</button>
    </form>
  </div>
  <?cs /if ?>
</header>
<main>
