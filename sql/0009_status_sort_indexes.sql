-- A status filter sorted by any column. Open invoices (due, partial,
-- overdue) are the newest, paid ones the oldest: walking a sort column's own
-- index in search of either could pass most of a million rows first (due
-- invoices by number: 690 ms), and reading the status's rows to sort them
-- costs a row each (overdue by balance: 118 ms). With the stored status
-- first, every sort column has an index that yields one status's invoices in
-- order; due date, paid amount and currency after it decide the derived
-- statuses and a currency filter inside the index. A currency filter sorted
-- by an amount or by customer gets the same: the largest amounts are in the
-- currencies with the smallest units, and each customer bills in one
-- currency, so walking all amounts or names can pass most of them first (EUR
-- by total: 16 ms, by customer: 26 ms). Several statuses at once (overdue and
-- paid) walk the sort column's own index, which now holds the same columns
-- (by number: 25 ms before, 2.4 ms after). A customer's invoices carry the
-- same, the total and the balance: a customer's own list counts from the
-- index alone, and so does a search's customers-by-name branch under status,
-- currency and amount filters ("Cloud" with a total range: 43 ms before,
-- 13 ms after).

ALTER TABLE invoices
  ADD INDEX ix_invoices_status_number (status, number, id, due_date, paid_amount, currency),
  ADD INDEX ix_invoices_status_customer (status, customer_name, id, due_date, paid_amount, currency),
  ADD INDEX ix_invoices_status_period (status, period_start, id, due_date, paid_amount, currency),
  ADD INDEX ix_invoices_status_paid (status, paid_amount, id, due_date, currency),
  ADD INDEX ix_invoices_status_balance (status, balance, id, due_date, paid_amount, currency),
  ADD INDEX ix_invoices_status_paid_state (status, paid_state, id, due_date, paid_amount, currency),
  DROP INDEX ix_invoices_status_due,
  ADD INDEX ix_invoices_status_due (status, due_date, id, paid_amount, currency),
  DROP INDEX ix_invoices_status,
  ADD INDEX ix_invoices_status (status, id, due_date, paid_amount, currency),
  ADD INDEX ix_invoices_currency_total (currency, total, id, status, due_date, paid_amount),
  ADD INDEX ix_invoices_currency_paid (currency, paid_amount, id, status, due_date),
  ADD INDEX ix_invoices_currency_balance (currency, balance, id, status, due_date, paid_amount),
  ADD INDEX ix_invoices_currency_customer (currency, customer_name, id, status, due_date, paid_amount),
  DROP INDEX ix_invoices_number_id,
  ADD INDEX ix_invoices_number_id (number, id, status, due_date, paid_amount, currency),
  DROP INDEX ix_invoices_customer_name,
  ADD INDEX ix_invoices_customer_name (customer_name, id, status, due_date, paid_amount, currency),
  DROP INDEX ix_invoices_period,
  ADD INDEX ix_invoices_period (period_start, id, status, due_date, paid_amount, currency),
  DROP INDEX ix_invoices_due,
  ADD INDEX ix_invoices_due (due_date, id, status, paid_amount, currency),
  DROP INDEX ix_invoices_paid_state,
  ADD INDEX ix_invoices_paid_state (paid_state, id, status, due_date, paid_amount, currency),
  DROP INDEX ix_invoices_customer_date,
  ADD INDEX ix_invoices_customer_date (customer_id, invoice_date, id, status, due_date, paid_amount, currency, total, balance);
