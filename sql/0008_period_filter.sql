-- 0008_period_filter.sql — the default order (newest first) with a billing-period
-- filter: the period travels in the date index, so rows that miss the period
-- are skipped inside the index instead of being read one by one.
ALTER TABLE invoices ADD KEY ix_invoices_date_period (invoice_date, id, period_start, period_end);
