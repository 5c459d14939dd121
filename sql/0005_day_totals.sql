-- 0005_day_totals.sql — per-day sums that answer the list's count and
-- per-currency totals without counting a million rows on each request.
--
-- One row per (invoice date, due date, stored status, paid state, currency)
-- holding how many invoices and their total, paid and balance sums. Filters on
-- status (derived ones too: they only need status, paid state and due date vs.
-- today), currency and invoice/due date ranges sum these rows instead of the
-- invoices. Triggers keep it exact in the same transaction as every change;
-- a bulk load sets @invoice_day_totals_off = 1 and rebuilds it afterwards
-- (invoicectl demo does).
CREATE TABLE invoice_day_totals (
  id           BIGINT UNSIGNED NOT NULL AUTO_INCREMENT,
  invoice_date DATE NOT NULL,
  due_date     DATE NOT NULL,
  status       ENUM('draft','open','paid','void') NOT NULL,
  paid_state   TINYINT UNSIGNED NOT NULL,
  currency     CHAR(3) NOT NULL,
  n            BIGINT NOT NULL DEFAULT 0,
  total        DECIMAL(24,3) NOT NULL DEFAULT 0,
  paid         DECIMAL(24,3) NOT NULL DEFAULT 0,
  balance      DECIMAL(24,3) NOT NULL DEFAULT 0,
  PRIMARY KEY (id),
  UNIQUE KEY uq_day_totals (invoice_date, due_date, status, paid_state, currency),
  KEY ix_day_totals_status_due (status, due_date),
  KEY ix_day_totals_due (due_date)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;

CREATE TRIGGER invoices_day_totals_ins AFTER INSERT ON invoices FOR EACH ROW
BEGIN
  IF @invoice_day_totals_off IS NULL THEN
    INSERT INTO invoice_day_totals (invoice_date, due_date, status, paid_state, currency, n, total, paid, balance)
    VALUES (NEW.invoice_date, NEW.due_date, NEW.status,
            CASE WHEN NEW.status = 'paid' THEN 2 WHEN NEW.paid_amount > 0 AND NEW.status = 'open' THEN 1 ELSE 0 END,
            NEW.currency, 1, NEW.total, NEW.paid_amount,
            CASE WHEN NEW.status = 'void' THEN 0 ELSE NEW.total - NEW.paid_amount END)
    ON DUPLICATE KEY UPDATE n = n + 1, total = total + VALUES(total), paid = paid + VALUES(paid),
                            balance = balance + VALUES(balance);
  END IF;
END;

CREATE TRIGGER invoices_day_totals_del AFTER DELETE ON invoices FOR EACH ROW
BEGIN
  IF @invoice_day_totals_off IS NULL THEN
    UPDATE invoice_day_totals SET n = n - 1, total = total - OLD.total, paid = paid - OLD.paid_amount,
           balance = balance - CASE WHEN OLD.status = 'void' THEN 0 ELSE OLD.total - OLD.paid_amount END
     WHERE invoice_date = OLD.invoice_date AND due_date = OLD.due_date AND status = OLD.status
       AND paid_state = CASE WHEN OLD.status = 'paid' THEN 2 WHEN OLD.paid_amount > 0 AND OLD.status = 'open' THEN 1 ELSE 0 END
       AND currency = OLD.currency;
  END IF;
END;

CREATE TRIGGER invoices_day_totals_upd AFTER UPDATE ON invoices FOR EACH ROW
BEGIN
  IF @invoice_day_totals_off IS NULL AND (OLD.invoice_date <> NEW.invoice_date OR OLD.due_date <> NEW.due_date
      OR OLD.status <> NEW.status OR OLD.currency <> NEW.currency OR OLD.total <> NEW.total
      OR OLD.paid_amount <> NEW.paid_amount) THEN
    UPDATE invoice_day_totals SET n = n - 1, total = total - OLD.total, paid = paid - OLD.paid_amount,
           balance = balance - CASE WHEN OLD.status = 'void' THEN 0 ELSE OLD.total - OLD.paid_amount END
     WHERE invoice_date = OLD.invoice_date AND due_date = OLD.due_date AND status = OLD.status
       AND paid_state = CASE WHEN OLD.status = 'paid' THEN 2 WHEN OLD.paid_amount > 0 AND OLD.status = 'open' THEN 1 ELSE 0 END
       AND currency = OLD.currency;
    INSERT INTO invoice_day_totals (invoice_date, due_date, status, paid_state, currency, n, total, paid, balance)
    VALUES (NEW.invoice_date, NEW.due_date, NEW.status,
            CASE WHEN NEW.status = 'paid' THEN 2 WHEN NEW.paid_amount > 0 AND NEW.status = 'open' THEN 1 ELSE 0 END,
            NEW.currency, 1, NEW.total, NEW.paid_amount,
            CASE WHEN NEW.status = 'void' THEN 0 ELSE NEW.total - NEW.paid_amount END)
    ON DUPLICATE KEY UPDATE n = n + 1, total = total + VALUES(total), paid = paid + VALUES(paid),
                            balance = balance + VALUES(balance);
  END IF;
END;

-- whatever is already there (an upgrade of a filled database)
INSERT INTO invoice_day_totals (invoice_date, due_date, status, paid_state, currency, n, total, paid, balance)
SELECT invoice_date, due_date, status, paid_state, currency, COUNT(*), SUM(total), SUM(paid_amount), SUM(balance)
  FROM invoices GROUP BY invoice_date, due_date, status, paid_state, currency;
