-- 0012_customer_time_zones.sql — the list derives "overdue" from each
-- customer's date (DESIGN.md: due dates and overdue in the customer's time
-- zone). Every list request reads the zones in use (lib/invoice.c,
-- inv_zones_load: SELECT DISTINCT time_zone), which this index answers with
-- one read per zone rather than a scan of every customer.

ALTER TABLE customers ADD INDEX ix_customers_time_zone (time_zone);
