-- 0012_customer_time_zones.sql — the list derives "overdue" from each
-- customer's date (DESIGN.md: due dates and overdue in the customer's time
-- zone). Every list request reads the zones in use (lib/invoice.c,
-- inv_zones_load: SELECT DISTINCT time_zone), which this index answers with
-- one read per zone rather than a scan of every customer.

ALTER TABLE customers ADD INDEX ix_customers_time_zone (time_zone);

-- A stored PDF shows the invoice's status (lib/pdf.c): an open invoice's
-- rendering says Due or Partly paid until its due date has passed in the
-- customer's zone, then Overdue, a state of its own (lib/invoice.c,
-- inv_pdf_want). A value added at the end of an ENUM changes no row.
ALTER TABLE invoices MODIFY pdf_state ENUM('none','issued','void','overdue') NOT NULL DEFAULT 'none';
