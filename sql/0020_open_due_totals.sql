-- 0020_open_due_totals.sql — the open documents per due date, for the
-- dashboard's aging table (lib/dashboard.c).
--
-- The aging buckets turn on today (days past the due date), so they cannot be
-- kept as such; they were grouped from invoice_day_totals' open rows, one per
-- (invoice date, due date, currency, kind, paid state): ~20,000 rows at a
-- million invoices, 30-60 ms per dashboard computed afresh. This table drops
-- the invoice date and holds only open documents, keyed by due date first
-- (the clustered key), so a due-date range is one short contiguous read. The
-- dashboard reads only the due dates of the last 90 days and later (the
-- current, 1-30, 31-60 and 61-90 buckets); "over 90 days" is every open
-- document (invoice_status_totals, a few rows) less those: a few hundred rows
-- per request however old the receivables are.
--
-- Kept by invoice_totals_add (sql/0011) in the same call that moves the other
-- three sums, so it is exact in the same transaction as every change; the
-- amounts are stored as in the other sums tables (unsigned by kind), and
-- rows that fall to zero stay (the dashboard skips them). The rebuild after a
-- bulk load fills it from invoice_day_totals.

CREATE TABLE invoice_due_totals (
  due_date   DATE NOT NULL,
  currency   CHAR(3) NOT NULL,
  kind       ENUM('invoice','credit') NOT NULL,
  paid_state TINYINT UNSIGNED NOT NULL,
  n          BIGINT NOT NULL DEFAULT 0,
  total      DECIMAL(24,3) NOT NULL DEFAULT 0,
  paid       DECIMAL(24,3) NOT NULL DEFAULT 0,
  balance    DECIMAL(24,3) NOT NULL DEFAULT 0,
  PRIMARY KEY (due_date, currency, kind, paid_state)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;

DROP PROCEDURE invoice_totals_add;
DROP PROCEDURE invoice_totals_rebuild;

-- As in 0011, and an open document's figures also per due date.
CREATE PROCEDURE invoice_totals_add(p_sign INT, p_date DATE, p_due DATE, p_status VARCHAR(8),
                                    p_paid DECIMAL(19,3), p_currency CHAR(3), p_total DECIMAL(19,3),
                                    p_kind VARCHAR(8))
BEGIN
  DECLARE v_ps TINYINT UNSIGNED DEFAULT CASE WHEN p_status = 'paid' THEN 2
                                             WHEN p_paid > 0 AND p_status = 'open' THEN 1 ELSE 0 END;
  DECLARE v_bal DECIMAL(19,3) DEFAULT CASE WHEN p_status = 'void' THEN 0 ELSE p_total - p_paid END;

  INSERT INTO invoice_day_totals (invoice_date, due_date, status, kind, paid_state, currency, n, total, paid, balance)
  VALUES (p_date, p_due, p_status, p_kind, v_ps, p_currency, p_sign, p_sign * p_total, p_sign * p_paid, p_sign * v_bal)
  ON DUPLICATE KEY UPDATE n = n + VALUES(n), total = total + VALUES(total), paid = paid + VALUES(paid),
                          balance = balance + VALUES(balance);
  INSERT INTO invoice_month_totals (month, due_month, status, kind, paid_state, currency, n, total, paid, balance)
  VALUES (p_date - INTERVAL DAYOFMONTH(p_date) - 1 DAY, p_due - INTERVAL DAYOFMONTH(p_due) - 1 DAY,
          p_status, p_kind, v_ps, p_currency, p_sign, p_sign * p_total, p_sign * p_paid, p_sign * v_bal)
  ON DUPLICATE KEY UPDATE n = n + VALUES(n), total = total + VALUES(total), paid = paid + VALUES(paid),
                          balance = balance + VALUES(balance);
  IF p_status = 'open' THEN
    INSERT INTO invoice_due_totals (due_date, currency, kind, paid_state, n, total, paid, balance)
    VALUES (p_due, p_currency, p_kind, v_ps, p_sign, p_sign * p_total, p_sign * p_paid, p_sign * v_bal)
    ON DUPLICATE KEY UPDATE n = n + VALUES(n), total = total + VALUES(total), paid = paid + VALUES(paid),
                            balance = balance + VALUES(balance);
  END IF;
  INSERT INTO invoice_status_totals (status, kind, paid_state, currency, n, total, paid, balance)
  VALUES (p_status, p_kind, v_ps, p_currency, p_sign, p_sign * p_total, p_sign * p_paid, p_sign * v_bal)
  ON DUPLICATE KEY UPDATE n = n + VALUES(n), total = total + VALUES(total), paid = paid + VALUES(paid),
                          balance = balance + VALUES(balance);
END;

-- Recomputes all four from the invoices (after a bulk load).
CREATE PROCEDURE invoice_totals_rebuild()
BEGIN
  DELETE FROM invoice_day_totals;
  INSERT INTO invoice_day_totals (invoice_date, due_date, status, kind, paid_state, currency, n, total, paid, balance)
  SELECT invoice_date, due_date, status, kind, paid_state, currency, COUNT(*), SUM(total), SUM(paid_amount), SUM(balance)
    FROM invoices GROUP BY invoice_date, due_date, status, kind, paid_state, currency;
  DELETE FROM invoice_month_totals;
  INSERT INTO invoice_month_totals (month, due_month, status, kind, paid_state, currency, n, total, paid, balance)
  SELECT invoice_date - INTERVAL DAYOFMONTH(invoice_date) - 1 DAY, due_date - INTERVAL DAYOFMONTH(due_date) - 1 DAY,
         status, kind, paid_state, currency, SUM(n), SUM(total), SUM(paid), SUM(balance)
    FROM invoice_day_totals GROUP BY 1, 2, status, kind, paid_state, currency;
  DELETE FROM invoice_due_totals;
  INSERT INTO invoice_due_totals (due_date, currency, kind, paid_state, n, total, paid, balance)
  SELECT due_date, currency, kind, paid_state, SUM(n), SUM(total), SUM(paid), SUM(balance)
    FROM invoice_day_totals WHERE status = 'open' GROUP BY due_date, currency, kind, paid_state;
  DELETE FROM invoice_status_totals;
  INSERT INTO invoice_status_totals (status, kind, paid_state, currency, n, total, paid, balance)
  SELECT status, kind, paid_state, currency, SUM(n), SUM(total), SUM(paid), SUM(balance)
    FROM invoice_month_totals GROUP BY status, kind, paid_state, currency;
END;

INSERT INTO invoice_due_totals (due_date, currency, kind, paid_state, n, total, paid, balance)
SELECT due_date, currency, kind, paid_state, SUM(n), SUM(total), SUM(paid), SUM(balance)
  FROM invoice_day_totals WHERE status = 'open' GROUP BY due_date, currency, kind, paid_state;
