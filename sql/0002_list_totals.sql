-- 0002_list_totals.sql — sums that answer the invoice list's count and
-- per-currency totals without counting a million invoices per request.
--
-- Three grains of the same sums (how many invoices, total, paid, balance):
--   invoice_status_totals  per (status, paid state, currency), all time: the
--                          default list and views filtered by stored status
--                          or currency (a few dozen rows);
--   invoice_month_totals   per invoice month and due month as well: whole
--                          months of a date range, and the date-derived
--                          statuses (due/partial/overdue) away from this month;
--   invoice_day_totals     per invoice date and due date: the partial months at
--                          the edges of a range, and this month's due dates,
--                          where "overdue" turns on today.
-- lib/listq.c combines them. One procedure applies an invoice to all three;
-- the triggers call it in the same transaction as every change. A bulk load
-- sets @invoice_totals_off = 1 and then CALLs invoice_totals_rebuild().

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

-- month and due_month are the first day of the invoice date's and the due date's month
CREATE TABLE invoice_month_totals (
  id         BIGINT UNSIGNED NOT NULL AUTO_INCREMENT,
  month      DATE NOT NULL,
  due_month  DATE NOT NULL,
  status     ENUM('draft','open','paid','void') NOT NULL,
  paid_state TINYINT UNSIGNED NOT NULL,
  currency   CHAR(3) NOT NULL,
  n          BIGINT NOT NULL DEFAULT 0,
  total      DECIMAL(24,3) NOT NULL DEFAULT 0,
  paid       DECIMAL(24,3) NOT NULL DEFAULT 0,
  balance    DECIMAL(24,3) NOT NULL DEFAULT 0,
  PRIMARY KEY (id),
  UNIQUE KEY uq_month_totals (month, due_month, status, paid_state, currency),
  KEY ix_month_totals_due (due_month)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;

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

-- Adds (p_sign 1) or takes away (p_sign -1) one invoice's figures. Paid state
-- and balance follow the invoices columns of the same names.
CREATE PROCEDURE invoice_totals_add(p_sign INT, p_date DATE, p_due DATE, p_status VARCHAR(8),
                                    p_paid DECIMAL(19,3), p_currency CHAR(3), p_total DECIMAL(19,3))
BEGIN
  DECLARE v_ps TINYINT UNSIGNED DEFAULT CASE WHEN p_status = 'paid' THEN 2
                                             WHEN p_paid > 0 AND p_status = 'open' THEN 1 ELSE 0 END;
  DECLARE v_bal DECIMAL(19,3) DEFAULT CASE WHEN p_status = 'void' THEN 0 ELSE p_total - p_paid END;

  INSERT INTO invoice_day_totals (invoice_date, due_date, status, paid_state, currency, n, total, paid, balance)
  VALUES (p_date, p_due, p_status, v_ps, p_currency, p_sign, p_sign * p_total, p_sign * p_paid, p_sign * v_bal)
  ON DUPLICATE KEY UPDATE n = n + VALUES(n), total = total + VALUES(total), paid = paid + VALUES(paid),
                          balance = balance + VALUES(balance);
  INSERT INTO invoice_month_totals (month, due_month, status, paid_state, currency, n, total, paid, balance)
  VALUES (p_date - INTERVAL DAYOFMONTH(p_date) - 1 DAY, p_due - INTERVAL DAYOFMONTH(p_due) - 1 DAY,
          p_status, v_ps, p_currency, p_sign, p_sign * p_total, p_sign * p_paid, p_sign * v_bal)
  ON DUPLICATE KEY UPDATE n = n + VALUES(n), total = total + VALUES(total), paid = paid + VALUES(paid),
                          balance = balance + VALUES(balance);
  INSERT INTO invoice_status_totals (status, paid_state, currency, n, total, paid, balance)
  VALUES (p_status, v_ps, p_currency, p_sign, p_sign * p_total, p_sign * p_paid, p_sign * v_bal)
  ON DUPLICATE KEY UPDATE n = n + VALUES(n), total = total + VALUES(total), paid = paid + VALUES(paid),
                          balance = balance + VALUES(balance);
END;

-- Recomputes all three from the invoices (after a bulk load).
CREATE PROCEDURE invoice_totals_rebuild()
BEGIN
  DELETE FROM invoice_day_totals;
  INSERT INTO invoice_day_totals (invoice_date, due_date, status, paid_state, currency, n, total, paid, balance)
  SELECT invoice_date, due_date, status, paid_state, currency, COUNT(*), SUM(total), SUM(paid_amount), SUM(balance)
    FROM invoices GROUP BY invoice_date, due_date, status, paid_state, currency;
  DELETE FROM invoice_month_totals;
  INSERT INTO invoice_month_totals (month, due_month, status, paid_state, currency, n, total, paid, balance)
  SELECT invoice_date - INTERVAL DAYOFMONTH(invoice_date) - 1 DAY, due_date - INTERVAL DAYOFMONTH(due_date) - 1 DAY,
         status, paid_state, currency, SUM(n), SUM(total), SUM(paid), SUM(balance)
    FROM invoice_day_totals GROUP BY 1, 2, status, paid_state, currency;
  DELETE FROM invoice_status_totals;
  INSERT INTO invoice_status_totals (status, paid_state, currency, n, total, paid, balance)
  SELECT status, paid_state, currency, SUM(n), SUM(total), SUM(paid), SUM(balance)
    FROM invoice_month_totals GROUP BY status, paid_state, currency;
END;

CREATE TRIGGER invoices_totals_ins AFTER INSERT ON invoices FOR EACH ROW
BEGIN
  IF @invoice_totals_off IS NULL THEN
    CALL invoice_totals_add(1, NEW.invoice_date, NEW.due_date, NEW.status, NEW.paid_amount, NEW.currency, NEW.total);
  END IF;
END;

CREATE TRIGGER invoices_totals_del AFTER DELETE ON invoices FOR EACH ROW
BEGIN
  IF @invoice_totals_off IS NULL THEN
    CALL invoice_totals_add(-1, OLD.invoice_date, OLD.due_date, OLD.status, OLD.paid_amount, OLD.currency, OLD.total);
  END IF;
END;

CREATE TRIGGER invoices_totals_upd AFTER UPDATE ON invoices FOR EACH ROW
BEGIN
  IF @invoice_totals_off IS NULL AND (OLD.invoice_date <> NEW.invoice_date OR OLD.due_date <> NEW.due_date
      OR OLD.status <> NEW.status OR OLD.currency <> NEW.currency OR OLD.total <> NEW.total
      OR OLD.paid_amount <> NEW.paid_amount) THEN
    CALL invoice_totals_add(-1, OLD.invoice_date, OLD.due_date, OLD.status, OLD.paid_amount, OLD.currency, OLD.total);
    CALL invoice_totals_add(1, NEW.invoice_date, NEW.due_date, NEW.status, NEW.paid_amount, NEW.currency, NEW.total);
  END IF;
END;

CALL invoice_totals_rebuild();
