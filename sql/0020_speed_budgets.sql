-- 0020_speed_budgets.sql — issue 10's speed budgets at a million invoices:
--   invoice_due_totals           the open documents per due date, for the
--                                dashboard's aging table (lib/dashboard.c);
--   invoice_month_status_totals  the documents per invoice month and status,
--                                for its chart;
--   @invoice_terms_later         a saved draft's search terms redone once,
--                                not once per line (at the end).
--
-- The aging buckets turn on today (days past the due date), so they cannot be
-- kept as such; they were grouped from invoice_day_totals' open rows, one per
-- (invoice date, due date, currency, kind, paid state): ~20,000 rows at a
-- million invoices, 30-60 ms per dashboard computed afresh. This table drops
-- the invoice date and holds only open documents, keyed by due date first
-- (the clustered key), so a due-date range is one short contiguous read. The
-- dashboard reads only the due dates of the last 90 days and later (the
-- current, 1-30, 31-60 and 61-90 buckets); "over 90 days" is every open
-- document (invoice_status_totals, a few rows) less those: ~2,000 rows at a
-- million invoices (about 14 per due date), however old the receivables are.
--
-- Both tables below are kept by invoice_totals_add (sql/0011) in the same
-- call that moves the other three sums, so they are exact in the same
-- transaction as every change; the amounts are stored as in the other sums
-- tables (unsigned by kind), and rows that fall to zero stay (the dashboard
-- skips them). The rebuild after a bulk load fills them from the day and
-- month totals, and so does this migration (a few seconds at a million).

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

-- The dashboard's chart: billed and paid per invoice month. invoice_month_totals
-- keeps each month per due month and paid state as well (~1,400 rows for a
-- year at a million invoices, read and grouped on every dashboard computed
-- afresh); this one keeps a month per status, kind and currency only, so a
-- year is one range of a few hundred rows, nothing to group.
CREATE TABLE invoice_month_status_totals (
  month      DATE NOT NULL,
  status     ENUM('draft','open','paid','void') NOT NULL,
  kind       ENUM('invoice','credit') NOT NULL,
  currency   CHAR(3) NOT NULL,
  n          BIGINT NOT NULL DEFAULT 0,
  total      DECIMAL(24,3) NOT NULL DEFAULT 0,
  paid       DECIMAL(24,3) NOT NULL DEFAULT 0,
  balance    DECIMAL(24,3) NOT NULL DEFAULT 0,
  PRIMARY KEY (month, status, kind, currency)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;

DROP PROCEDURE invoice_totals_add;
DROP PROCEDURE invoice_totals_rebuild;

-- As in 0011, and a document's figures also per invoice month and status,
-- and an open one's per due date.
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
  INSERT INTO invoice_month_status_totals (month, status, kind, currency, n, total, paid, balance)
  VALUES (p_date - INTERVAL DAYOFMONTH(p_date) - 1 DAY, p_status, p_kind, p_currency, p_sign, p_sign * p_total,
          p_sign * p_paid, p_sign * v_bal)
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

-- Recomputes all five from the invoices (after a bulk load).
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
  DELETE FROM invoice_month_status_totals;
  INSERT INTO invoice_month_status_totals (month, status, kind, currency, n, total, paid, balance)
  SELECT month, status, kind, currency, SUM(n), SUM(total), SUM(paid), SUM(balance)
    FROM invoice_month_totals GROUP BY month, status, kind, currency;
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

INSERT INTO invoice_month_status_totals (month, status, kind, currency, n, total, paid, balance)
SELECT month, status, kind, currency, SUM(n), SUM(total), SUM(paid), SUM(balance)
  FROM invoice_month_totals GROUP BY month, status, kind, currency;

-- Search terms (sql/0004, 0013) once per saved draft, not once per line: the
-- triggers redo an invoice's words for every line or custom field written,
-- and a line changed or deleted redoes all of them (invoice_terms_of), so a
-- 20-line draft re-saved with its lines moved parsed 20 x 20 descriptions
-- (40-140 ms). A transaction that rewrites one invoice's lines and fields
-- (lib/invoice_edit.c, ied_save) sets @invoice_terms_later = 1, writes them,
-- and CALLs invoice_terms_catch_up(id), which clears the variable and redoes
-- that invoice's words once, in the same transaction. Every other writer
-- leaves the variable unset and the triggers work as before.
CREATE PROCEDURE invoice_terms_catch_up(p_invoice BIGINT UNSIGNED)
BEGIN
  SET @invoice_terms_later = NULL;
  CALL invoice_terms_of(p_invoice);
END;

DROP TRIGGER invoice_lines_terms_ins;
CREATE TRIGGER invoice_lines_terms_ins AFTER INSERT ON invoice_lines FOR EACH ROW
BEGIN
  IF @invoice_totals_off IS NULL AND @invoice_terms_later IS NULL THEN
    INSERT IGNORE INTO invoice_terms (term, invoice_id)
    SELECT term, invoice_id FROM invoice_line_terms WHERE line_id = NEW.id;
  END IF;
END;

DROP TRIGGER invoice_lines_terms_upd;
CREATE TRIGGER invoice_lines_terms_upd AFTER UPDATE ON invoice_lines FOR EACH ROW
BEGIN
  IF @invoice_totals_off IS NULL AND @invoice_terms_later IS NULL
     AND (OLD.description <> NEW.description OR OLD.invoice_id <> NEW.invoice_id) THEN
    CALL invoice_terms_of(NEW.invoice_id);
    IF OLD.invoice_id <> NEW.invoice_id THEN
      CALL invoice_terms_of(OLD.invoice_id);
    END IF;
  END IF;
END;

DROP TRIGGER invoice_lines_terms_del;
CREATE TRIGGER invoice_lines_terms_del AFTER DELETE ON invoice_lines FOR EACH ROW
BEGIN
  IF @invoice_totals_off IS NULL AND @invoice_terms_later IS NULL THEN
    CALL invoice_terms_of(OLD.invoice_id);
  END IF;
END;

DROP TRIGGER invoice_fields_terms_ins;
CREATE TRIGGER invoice_fields_terms_ins AFTER INSERT ON invoice_custom_fields FOR EACH ROW
BEGIN
  IF @invoice_totals_off IS NULL AND @invoice_terms_later IS NULL THEN
    CALL invoice_terms_of(NEW.invoice_id);
  END IF;
END;

DROP TRIGGER invoice_fields_terms_upd;
CREATE TRIGGER invoice_fields_terms_upd AFTER UPDATE ON invoice_custom_fields FOR EACH ROW
BEGIN
  IF @invoice_totals_off IS NULL AND @invoice_terms_later IS NULL THEN
    CALL invoice_terms_of(NEW.invoice_id);
    IF OLD.invoice_id <> NEW.invoice_id THEN
      CALL invoice_terms_of(OLD.invoice_id);
    END IF;
  END IF;
END;

DROP TRIGGER invoice_fields_terms_del;
CREATE TRIGGER invoice_fields_terms_del AFTER DELETE ON invoice_custom_fields FOR EACH ROW
BEGIN
  IF @invoice_totals_off IS NULL AND @invoice_terms_later IS NULL THEN
    CALL invoice_terms_of(OLD.invoice_id);
  END IF;
END;
