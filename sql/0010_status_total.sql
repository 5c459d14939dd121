-- 0010_status_total.sql — a status filter sorted by total (the "largest overdue"
-- view): currency and due date ride in the index, so the walk by total filters
-- inside the index instead of reading every open invoice.
ALTER TABLE invoices DROP KEY ix_invoices_status_total,
  ADD KEY ix_invoices_status_total (status, total, id, due_date, currency, paid_amount);
