-- 0009_status_date.sql — a status filter in the default order (newest first):
-- the due date rides in the status index, so "overdue" (open and due before
-- today) is decided inside the index while walking the open invoices by date.
ALTER TABLE invoices DROP KEY ix_invoices_status_date,
  ADD KEY ix_invoices_status_date (status, invoice_date, id, due_date, paid_amount);
