<?cs # plain text part of a customer notification (rendered by tmpl_new_text: no escaping, never HTML) ?>Dear <?cs var:Mail.Customer ?>,

<?cs if:Mail.Kind == "invoice_voided" ?><?cs if:Mail.Credit ?>Credit note<?cs else ?>Invoice<?cs /if ?> <?cs var:Mail.Number ?> of <?cs var:Mail.InvoiceDate ?> over <?cs var:Mail.Total ?> has been cancelled. There is nothing to pay for it.
<?cs elif:Mail.Kind == "payment_received" ?>Thank you: we have received a payment for invoice <?cs var:Mail.Number ?>.
Paid so far: <?cs var:Mail.Paid ?> of <?cs var:Mail.Total ?>. Still open: <?cs var:Mail.Balance ?>.
<?cs elif:Mail.Kind == "overdue_reminder" ?>Invoice <?cs var:Mail.Number ?> of <?cs var:Mail.InvoiceDate ?> was due on <?cs var:Mail.DueDate ?> and <?cs var:Mail.Balance ?> of it is still open. If you have paid it meanwhile, thank you, and please disregard this message.
<?cs elif:Mail.Credit ?>Credit note <?cs var:Mail.Number ?> of <?cs var:Mail.InvoiceDate ?> over <?cs var:Mail.Total ?> has been issued to you.
<?cs else ?>Invoice <?cs var:Mail.Number ?> of <?cs var:Mail.InvoiceDate ?> over <?cs var:Mail.Total ?> has been issued, due on <?cs var:Mail.DueDate ?>.
<?cs /if ?>
<?cs if:Mail.PdfURL ?>Download the PDF (no sign-in needed, valid for <?cs var:Mail.LinkDays ?> days):
<?cs var:Mail.PdfURL ?>

<?cs /if ?>All your invoices and payments: <?cs var:Mail.PortalURL ?>

Kind regards,
<?cs var:Mail.FromName ?>
