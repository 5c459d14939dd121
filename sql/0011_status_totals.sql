-- 0011_status_totals.sql — all-time sums per (status, paid state, currency):
-- the default list and views filtered only by status (not the date-derived
-- due/partial/overdue) or currency read a few dozen rows instead of the
-- monthly table. The triggers now keep all three tables.
CREATE TABLE invoice_status_totals (
  id         BIGINT UNSIGNED NOT NULL AUTO_INCREMENT,
  status     ENUM('draft','open','paid','void') NOT NULL,
  paid_state TINYINT UNSIGNED NOT NULL,
  currency   CHAR(3) NOT NULL,
  n          BIGINT NOT NULL DEFAULT 0,
  total      DECIMAL(24,3) NOT NULL DEFAULT 0,
  paid       DECIMAL(24,3) NOT NULL DEFAULT 0,
  balance    DECIMAL(24,3) NOT NULL DEFAULT 0,
  PRIMARY KEY (id),
  UNIQUE KEY uq_status_totals (status, paid_state, currency)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;

DROP TRIGGER invoices_totals_ins;
DROP TRIGGER invoices_totals_del;
DROP TRIGGER invoices_totals_upd;

CREATE TRIGGER invoices_totals3_ins AFTER INSERT ON invoices FOR EACH ROW
BEGIN
  DECLARE v_ps, v_ops TINYINT UNSIGNED;
  DECLARE v_bal, v_obal DECIMAL(19,3);
  IF @invoice_day_totals_off IS NULL THEN
    SET v_ps = CASE WHEN NEW.status = 'paid' THEN 2 WHEN NEW.paid_amount > 0 AND NEW.status = 'open' THEN 1 ELSE 0 END,
        v_bal = CASE WHEN NEW.status = 'void' THEN 0 ELSE NEW.total - NEW.paid_amount END;
    INSERT INTO invoice_day_totals (invoice_date, due_date, status, paid_state, currency, n, total, paid, balance)
    VALUES (NEW.invoice_date, NEW.due_date, NEW.status, v_ps, NEW.currency, 1, NEW.total, NEW.paid_amount, v_bal)
    ON DUPLICATE KEY UPDATE n = n + 1, total = total + VALUES(total), paid = paid + VALUES(paid),
                            balance = balance + VALUES(balance);
    INSERT INTO invoice_month_totals (month, due_month, status, paid_state, currency, n, total, paid, balance)
    VALUES (NEW.invoice_date - INTERVAL DAYOFMONTH(NEW.invoice_date) - 1 DAY,
            NEW.due_date - INTERVAL DAYOFMONTH(NEW.due_date) - 1 DAY,
            NEW.status, v_ps, NEW.currency, 1, NEW.total, NEW.paid_amount, v_bal)
    ON DUPLICATE KEY UPDATE n = n + 1, total = total + VALUES(total), paid = paid + VALUES(paid),
                            balance = balance + VALUES(balance);
    INSERT INTO invoice_status_totals (status, paid_state, currency, n, total, paid, balance)
    VALUES (NEW.status, v_ps, NEW.currency, 1, NEW.total, NEW.paid_amount, v_bal)
    ON DUPLICATE KEY UPDATE n = n + 1, total = total + VALUES(total), paid = paid + VALUES(paid),
                            balance = balance + VALUES(balance);
  END IF;
END;

CREATE TRIGGER invoices_totals3_del AFTER DELETE ON invoices FOR EACH ROW
BEGIN
  DECLARE v_ps, v_ops TINYINT UNSIGNED;
  DECLARE v_bal, v_obal DECIMAL(19,3);
  IF @invoice_day_totals_off IS NULL THEN
    SET v_ops = CASE WHEN OLD.status = 'paid' THEN 2 WHEN OLD.paid_amount > 0 AND OLD.status = 'open' THEN 1 ELSE 0 END,
        v_obal = CASE WHEN OLD.status = 'void' THEN 0 ELSE OLD.total - OLD.paid_amount END;
    UPDATE invoice_day_totals SET n = n - 1, total = total - OLD.total, paid = paid - OLD.paid_amount,
           balance = balance - v_obal
     WHERE invoice_date = OLD.invoice_date AND due_date = OLD.due_date AND status = OLD.status
       AND paid_state = v_ops AND currency = OLD.currency;
    UPDATE invoice_month_totals SET n = n - 1, total = total - OLD.total, paid = paid - OLD.paid_amount,
           balance = balance - v_obal
     WHERE month = OLD.invoice_date - INTERVAL DAYOFMONTH(OLD.invoice_date) - 1 DAY
       AND due_month = OLD.due_date - INTERVAL DAYOFMONTH(OLD.due_date) - 1 DAY
       AND status = OLD.status AND paid_state = v_ops AND currency = OLD.currency;
    UPDATE invoice_status_totals SET n = n - 1, total = total - OLD.total, paid = paid - OLD.paid_amount,
           balance = balance - v_obal
     WHERE status = OLD.status AND paid_state = v_ops AND currency = OLD.currency;
  END IF;
END;

CREATE TRIGGER invoices_totals3_upd AFTER UPDATE ON invoices FOR EACH ROW
BEGIN
  DECLARE v_ps, v_ops TINYINT UNSIGNED;
  DECLARE v_bal, v_obal DECIMAL(19,3);
  IF @invoice_day_totals_off IS NULL AND (OLD.invoice_date <> NEW.invoice_date OR OLD.due_date <> NEW.due_date
      OR OLD.status <> NEW.status OR OLD.currency <> NEW.currency OR OLD.total <> NEW.total
      OR OLD.paid_amount <> NEW.paid_amount) THEN
    SET v_ops = CASE WHEN OLD.status = 'paid' THEN 2 WHEN OLD.paid_amount > 0 AND OLD.status = 'open' THEN 1 ELSE 0 END,
        v_obal = CASE WHEN OLD.status = 'void' THEN 0 ELSE OLD.total - OLD.paid_amount END;
    UPDATE invoice_day_totals SET n = n - 1, total = total - OLD.total, paid = paid - OLD.paid_amount,
           balance = balance - v_obal
     WHERE invoice_date = OLD.invoice_date AND due_date = OLD.due_date AND status = OLD.status
       AND paid_state = v_ops AND currency = OLD.currency;
    UPDATE invoice_month_totals SET n = n - 1, total = total - OLD.total, paid = paid - OLD.paid_amount,
           balance = balance - v_obal
     WHERE month = OLD.invoice_date - INTERVAL DAYOFMONTH(OLD.invoice_date) - 1 DAY
       AND due_month = OLD.due_date - INTERVAL DAYOFMONTH(OLD.due_date) - 1 DAY
       AND status = OLD.status AND paid_state = v_ops AND currency = OLD.currency;
    UPDATE invoice_status_totals SET n = n - 1, total = total - OLD.total, paid = paid - OLD.paid_amount,
           balance = balance - v_obal
     WHERE status = OLD.status AND paid_state = v_ops AND currency = OLD.currency;
    SET v_ps = CASE WHEN NEW.status = 'paid' THEN 2 WHEN NEW.paid_amount > 0 AND NEW.status = 'open' THEN 1 ELSE 0 END,
        v_bal = CASE WHEN NEW.status = 'void' THEN 0 ELSE NEW.total - NEW.paid_amount END;
    INSERT INTO invoice_day_totals (invoice_date, due_date, status, paid_state, currency, n, total, paid, balance)
    VALUES (NEW.invoice_date, NEW.due_date, NEW.status, v_ps, NEW.currency, 1, NEW.total, NEW.paid_amount, v_bal)
    ON DUPLICATE KEY UPDATE n = n + 1, total = total + VALUES(total), paid = paid + VALUES(paid),
                            balance = balance + VALUES(balance);
    INSERT INTO invoice_month_totals (month, due_month, status, paid_state, currency, n, total, paid, balance)
    VALUES (NEW.invoice_date - INTERVAL DAYOFMONTH(NEW.invoice_date) - 1 DAY,
            NEW.due_date - INTERVAL DAYOFMONTH(NEW.due_date) - 1 DAY,
            NEW.status, v_ps, NEW.currency, 1, NEW.total, NEW.paid_amount, v_bal)
    ON DUPLICATE KEY UPDATE n = n + 1, total = total + VALUES(total), paid = paid + VALUES(paid),
                            balance = balance + VALUES(balance);
    INSERT INTO invoice_status_totals (status, paid_state, currency, n, total, paid, balance)
    VALUES (NEW.status, v_ps, NEW.currency, 1, NEW.total, NEW.paid_amount, v_bal)
    ON DUPLICATE KEY UPDATE n = n + 1, total = total + VALUES(total), paid = paid + VALUES(paid),
                            balance = balance + VALUES(balance);
  END IF;
END;

INSERT INTO invoice_status_totals (status, paid_state, currency, n, total, paid, balance)
SELECT status, paid_state, currency, SUM(n), SUM(total), SUM(paid), SUM(balance)
  FROM invoice_month_totals GROUP BY status, paid_state, currency;
