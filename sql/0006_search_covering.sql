-- A word search with many matches reads the list in sort order and tests each
-- row (lib/listq.c, search_sql): the number and the keywords by the invoice's
-- id, the names by its customer_id. With customer_id in the date, status and
-- currency indexes, a search newest first, or combined with those filters, is
-- answered from the index alone while it walks the rows it skips; before,
-- every skipped row was read from the table (an overdue filter with "Cloud":
-- 8 ms, now 2.5 ms on a million invoices; page 100 of "Cloud": 48 -> 37 ms).

ALTER TABLE invoices
  DROP INDEX ix_invoices_date,
  ADD INDEX ix_invoices_date (invoice_date, id, customer_id),
  DROP INDEX ix_invoices_status_date,
  ADD INDEX ix_invoices_status_date (status, invoice_date, id, due_date, paid_amount, customer_id),
  DROP INDEX ix_invoices_currency_date,
  ADD INDEX ix_invoices_currency_date (currency, invoice_date, id, customer_id);
