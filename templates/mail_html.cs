<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8"><title><?cs var:Mail.Number ?></title></head>
<body style="font-family: sans-serif; line-height: 1.5; color: #222;">
<p>Dear <?cs var:Mail.Customer ?>,</p>
<?cs if:Mail.Kind == "invoice_voided" ?>
<p><?cs if:Mail.Credit ?>Credit note<?cs else ?>Invoice<?cs /if ?> <strong><?cs var:Mail.Number ?></strong> of <?cs var:Mail.InvoiceDate ?> over <strong><?cs var:Mail.Total ?></strong> has been cancelled. There is nothing to pay for it.</p>
<?cs elif:Mail.Kind == "payment_received" ?>
<p>Thank you: we have received a payment for invoice <strong><?cs var:Mail.Number ?></strong>.</p>
<table><tr><th scope="row" style="text-align:left">Paid so far</th><td><?cs var:Mail.Paid ?> of <?cs var:Mail.Total ?></td></tr>
<tr><th scope="row" style="text-align:left">Still open</th><td><?cs var:Mail.Balance ?></td></tr></table>
<?cs elif:Mail.Kind == "overdue_reminder" ?>
<p>Invoice <strong><?cs var:Mail.Number ?></strong> of <?cs var:Mail.InvoiceDate ?> was due on <strong><?cs var:Mail.DueDate ?></strong> and <strong><?cs var:Mail.Balance ?></strong> of it is still open. If you have paid it meanwhile, thank you, and please disregard this message.</p>
<?cs elif:Mail.Credit ?>
<p>Credit note <strong><?cs var:Mail.Number ?></strong> of <?cs var:Mail.InvoiceDate ?> over <strong><?cs var:Mail.Total ?></strong> has been issued to you.</p>
<?cs else ?>
<p>Invoice <strong><?cs var:Mail.Number ?></strong> of <?cs var:Mail.InvoiceDate ?> over <strong><?cs var:Mail.Total ?></strong> has been issued, due on <strong><?cs var:Mail.DueDate ?></strong>.</p>
<?cs /if ?>
<?cs if:Mail.PdfURL ?><p><a href="<?cs var:Mail.PdfURL ?>">Download the PDF</a> (no sign-in needed, valid for <?cs var:Mail.LinkDays ?> days).</p><?cs /if ?>
<p>All your invoices and payments: <a href="<?cs var:Mail.PortalURL ?>"><?cs var:Mail.PortalURL ?></a></p>
<p>Kind regards,<br><?cs var:Mail.FromName ?></p>
</body></html>
