-- Deep pages sorted by customer find their place the way date- and
-- amount-sorted ones do: invoice_customer_totals counts the invoices per
-- customer name (as the list sorts it: invoices.customer_name, under the same
-- collation), status and currency; the list walks those counts to the name
-- where a page starts and reads the page between its first and last name,
-- skipping only that first name's earlier rows (a middle page of a million
-- invoices by customer: 60 ms by OFFSET). Kept by triggers in the same
-- transaction as every change to an invoice; a bulk load sets
-- @invoice_totals_off = 1 and CALLs invoice_customer_totals_rebuild().

CREATE TABLE invoice_customer_totals (
  customer_name VARCHAR(200) NOT NULL,
  status        ENUM('draft','open','paid','void') NOT NULL,
  currency      CHAR(3) NOT NULL,
  n             BIGINT NOT NULL DEFAULT 0,
  PRIMARY KEY (customer_name, status, currency)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;

-- Adds (p_sign 1) or takes away (p_sign -1) one invoice.
CREATE PROCEDURE invoice_customer_totals_add(p_sign INT, p_name VARCHAR(200), p_status VARCHAR(8), p_currency CHAR(3))
BEGIN
  INSERT INTO invoice_customer_totals (customer_name, status, currency, n)
  VALUES (p_name, p_status, p_currency, p_sign)
  ON DUPLICATE KEY UPDATE n = n + VALUES(n);
END;

CREATE PROCEDURE invoice_customer_totals_rebuild()
BEGIN
  DELETE FROM invoice_customer_totals;
  INSERT INTO invoice_customer_totals (customer_name, status, currency, n)
  SELECT customer_name, status, currency, COUNT(*) FROM invoices GROUP BY customer_name, status, currency;
END;

CREATE TRIGGER invoices_customers_ins AFTER INSERT ON invoices FOR EACH ROW
BEGIN
  IF @invoice_totals_off IS NULL THEN
    CALL invoice_customer_totals_add(1, NEW.customer_name, NEW.status, NEW.currency);
  END IF;
END;

CREATE TRIGGER invoices_customers_del AFTER DELETE ON invoices FOR EACH ROW
BEGIN
  IF @invoice_totals_off IS NULL THEN
    CALL invoice_customer_totals_add(-1, OLD.customer_name, OLD.status, OLD.currency);
  END IF;
END;

-- BINARY: a name whose case or accents change is another key under the
-- collation only sometimes; moving the count is right either way
CREATE TRIGGER invoices_customers_upd AFTER UPDATE ON invoices FOR EACH ROW
BEGIN
  IF @invoice_totals_off IS NULL AND (BINARY OLD.customer_name <> BINARY NEW.customer_name
      OR OLD.status <> NEW.status OR OLD.currency <> NEW.currency) THEN
    CALL invoice_customer_totals_add(-1, OLD.customer_name, OLD.status, OLD.currency);
    CALL invoice_customer_totals_add(1, NEW.customer_name, NEW.status, NEW.currency);
  END IF;
END;

CALL invoice_customer_totals_rebuild();
