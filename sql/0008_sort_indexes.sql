-- Deep pages sorted by an amount over a status or currency filter skip the
-- rows before the page inside the page's amount bucket (0005). With status,
-- currency and the columns the derived statuses read (due date, paid amount)
-- in the amount indexes, that skip is answered from the index alone; before,
-- each skipped row was read from the table (page 5000 of paid EUR invoices by
-- paid amount: 210 ms). Sorting by status (ties by id) gets its own index: an
-- InnoDB secondary index ends with the primary key, so (status) orders as
-- (status, id); before, every page sorted a million rows.

ALTER TABLE invoices
  DROP INDEX ix_invoices_total,
  ADD INDEX ix_invoices_total (total, id, status, currency, due_date, paid_amount),
  DROP INDEX ix_invoices_paid,
  ADD INDEX ix_invoices_paid (paid_amount, id, status, currency, due_date),
  DROP INDEX ix_invoices_balance,
  ADD INDEX ix_invoices_balance (balance, id, status, currency, due_date, paid_amount),
  ADD INDEX ix_invoices_status (status);
