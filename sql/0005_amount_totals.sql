-- Deep pages sorted by an amount (total, paid, balance) find their place the
-- way date-sorted ones do: invoice_amount_totals counts the invoices per
-- amount bucket, status and currency, and the list walks those counts to the
-- bucket where a page starts, then skips only that bucket's earlier rows.
-- A bucket is the amount cut to two significant digits (1234.56 -> 1200,
-- 87.30 -> 87, 0.456 -> 0.45; zero alone; below zero whole units), so it is
-- its own lower edge and at most a few hundred exist per column. Kept by
-- triggers in the same transaction as every change to an invoice; a bulk load
-- sets @invoice_totals_off = 1 and CALLs invoice_amount_totals_rebuild().

CREATE TABLE invoice_amount_totals (
  col      ENUM('total','paid','balance') NOT NULL,
  bucket   DECIMAL(24,3) NOT NULL,
  status   ENUM('draft','open','paid','void') NOT NULL,
  currency CHAR(3) NOT NULL,
  n        BIGINT NOT NULL DEFAULT 0,
  PRIMARY KEY (col, bucket, status, currency)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;

CREATE FUNCTION invoice_amount_bucket(v DECIMAL(24,3)) RETURNS DECIMAL(24,3) DETERMINISTIC
  RETURN CASE WHEN v = 0 THEN 0 WHEN v < 0 THEN FLOOR(v)
              ELSE TRUNCATE(v, 1 - FLOOR(LOG10(GREATEST(v, 0.001)))) END;   -- LOG10(0) is an error here, even unused

-- Adds (p_sign 1) or takes away (p_sign -1) one invoice in all three columns.
CREATE PROCEDURE invoice_amount_totals_add(p_sign INT, p_total DECIMAL(19,3), p_paid DECIMAL(19,3),
                                           p_balance DECIMAL(19,3), p_status VARCHAR(8), p_currency CHAR(3))
BEGIN
  INSERT INTO invoice_amount_totals (col, bucket, status, currency, n)
  VALUES ('total', invoice_amount_bucket(p_total), p_status, p_currency, p_sign),
         ('paid', invoice_amount_bucket(p_paid), p_status, p_currency, p_sign),
         ('balance', invoice_amount_bucket(p_balance), p_status, p_currency, p_sign)
  ON DUPLICATE KEY UPDATE n = n + VALUES(n);
END;

CREATE PROCEDURE invoice_amount_totals_rebuild()
BEGIN
  DELETE FROM invoice_amount_totals;
  INSERT INTO invoice_amount_totals (col, bucket, status, currency, n)
  SELECT 'total', invoice_amount_bucket(total), status, currency, COUNT(*) FROM invoices GROUP BY 2, 3, 4
  UNION ALL
  SELECT 'paid', invoice_amount_bucket(paid_amount), status, currency, COUNT(*) FROM invoices GROUP BY 2, 3, 4
  UNION ALL
  SELECT 'balance', invoice_amount_bucket(balance), status, currency, COUNT(*) FROM invoices GROUP BY 2, 3, 4;
END;

CREATE TRIGGER invoices_amounts_ins AFTER INSERT ON invoices FOR EACH ROW
BEGIN
  IF @invoice_totals_off IS NULL THEN
    CALL invoice_amount_totals_add(1, NEW.total, NEW.paid_amount, NEW.balance, NEW.status, NEW.currency);
  END IF;
END;

CREATE TRIGGER invoices_amounts_del AFTER DELETE ON invoices FOR EACH ROW
BEGIN
  IF @invoice_totals_off IS NULL THEN
    CALL invoice_amount_totals_add(-1, OLD.total, OLD.paid_amount, OLD.balance, OLD.status, OLD.currency);
  END IF;
END;

CREATE TRIGGER invoices_amounts_upd AFTER UPDATE ON invoices FOR EACH ROW
BEGIN
  IF @invoice_totals_off IS NULL AND (OLD.total <> NEW.total OR OLD.paid_amount <> NEW.paid_amount
      OR OLD.balance <> NEW.balance OR OLD.status <> NEW.status OR OLD.currency <> NEW.currency) THEN
    CALL invoice_amount_totals_add(-1, OLD.total, OLD.paid_amount, OLD.balance, OLD.status, OLD.currency);
    CALL invoice_amount_totals_add(1, NEW.total, NEW.paid_amount, NEW.balance, NEW.status, NEW.currency);
  END IF;
END;

CALL invoice_amount_totals_rebuild();
