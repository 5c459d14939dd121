-- 0027_paid_many.sql — many documents' paid amounts and statuses in one
-- statement, the sums tables moved set-based (issue 11: a payment spread over
-- a customer's 100 oldest open invoices under 100 ms at a million invoices).
--
-- The row triggers on invoices (0005 amounts, 0010 customers, 0011/0020
-- invoice_totals_add) cost 2 x 7 upserts per changed row: 64-275 ms of the
-- spread's UPDATE of 100 rows, 17-31 ms without them. invoice_paid_many takes
-- the new figures as JSON [{"id":..,"p":"paid_amount","s":"status"}, ...]
-- (rows the caller has locked), and does in a fixed number of statements
-- exactly what the triggers do for each changed row: take the old row's
-- figures away from every sums table and add the new row's:
--   1. the rows' old key columns and figures into a temporary table (sign -1);
--   2. the one UPDATE (paid_amount, status, row_version + 1) with
--      @invoice_totals_off = 1, so no row trigger runs;
--   3. the rows' new key columns and figures (sign +1);
--   4. per sums table one INSERT ... SELECT ... GROUP BY ... ON DUPLICATE KEY
--      UPDATE of the summed signs and figures; groups where old and new cancel
--      out (a part payment's status, total bucket and customer count) are left
--      alone, as the triggers' "changed" conditions skip a row that did not
--      change (such a group always has its row already: the old row is in it).
-- Paid state, balance and the month and amount-bucket keys are computed as in
-- invoice_totals_add and invoice_amount_totals_add (the stored generated
-- columns give the first two). invoice_status_totals' own triggers (0003)
-- move invoice_totals_version as before. Rows that fall to n = 0 stay, as
-- with the triggers.
--
-- @invoice_totals_off is restored to what it was on every way out (an error
-- or warning included: the handlers restore it before RESIGNAL; a warning is
-- passed on as an error, SQLSTATE 22000), so a pooled connection
-- never keeps it; a caller that had it set (a bulk load, which rebuilds the
-- sums afterwards) gets the UPDATE alone.

CREATE PROCEDURE invoice_paid_many(p_rows LONGTEXT)
BEGIN
  DECLARE v_off VARCHAR(20) DEFAULT @invoice_totals_off;
  DECLARE EXIT HANDLER FOR SQLEXCEPTION
  BEGIN
    SET @invoice_totals_off = v_off;
    DROP TEMPORARY TABLE IF EXISTS invoice_paid_moves;
    RESIGNAL;
  END;
  -- strict mode's data errors keep a warning's SQLSTATE (01000: 1265 data
  -- truncated) and reach no SQLEXCEPTION handler; any warning here means the
  -- figures are not what the caller meant, so it ends the call as an error
  DECLARE EXIT HANDLER FOR SQLWARNING
  BEGIN
    SET @invoice_totals_off = v_off;
    DROP TEMPORARY TABLE IF EXISTS invoice_paid_moves;
    RESIGNAL SQLSTATE '22000';
  END;

  IF v_off IS NOT NULL THEN
    UPDATE invoices i
      JOIN JSON_TABLE(p_rows, '$[*]' COLUMNS (id BIGINT UNSIGNED PATH '$.id', p DECIMAL(19,3) PATH '$.p',
                                              s VARCHAR(8) PATH '$.s')) t ON t.id = i.id
       SET i.paid_amount = t.p, i.status = t.s, i.row_version = i.row_version + 1;
  ELSE
    DROP TEMPORARY TABLE IF EXISTS invoice_paid_moves;
    CREATE TEMPORARY TABLE invoice_paid_moves (
      sgn           TINYINT NOT NULL,
      invoice_date  DATE NOT NULL,
      due_date      DATE NOT NULL,
      status        VARCHAR(8) NOT NULL,
      kind          VARCHAR(8) NOT NULL,
      paid_state    TINYINT UNSIGNED NOT NULL,
      currency      CHAR(3) NOT NULL,
      customer_name VARCHAR(200) NOT NULL,
      total         DECIMAL(19,3) NOT NULL,
      paid          DECIMAL(19,3) NOT NULL,
      balance       DECIMAL(19,3) NOT NULL
    ) ENGINE=MEMORY DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;

    INSERT INTO invoice_paid_moves
    SELECT -1, invoice_date, due_date, status, kind, paid_state, currency, customer_name, total, paid_amount, balance
      FROM invoices WHERE id IN (SELECT t.id FROM JSON_TABLE(p_rows, '$[*]' COLUMNS (id BIGINT UNSIGNED PATH '$.id')) t);

    SET @invoice_totals_off = 1;
    UPDATE invoices i
      JOIN JSON_TABLE(p_rows, '$[*]' COLUMNS (id BIGINT UNSIGNED PATH '$.id', p DECIMAL(19,3) PATH '$.p',
                                              s VARCHAR(8) PATH '$.s')) t ON t.id = i.id
       SET i.paid_amount = t.p, i.status = t.s, i.row_version = i.row_version + 1;
    SET @invoice_totals_off = v_off;

    INSERT INTO invoice_paid_moves
    SELECT 1, invoice_date, due_date, status, kind, paid_state, currency, customer_name, total, paid_amount, balance
      FROM invoices WHERE id IN (SELECT t.id FROM JSON_TABLE(p_rows, '$[*]' COLUMNS (id BIGINT UNSIGNED PATH '$.id')) t);

    -- invoice_totals_add's five tables, in its order
    INSERT INTO invoice_day_totals (invoice_date, due_date, status, kind, paid_state, currency, n, total, paid, balance)
    SELECT invoice_date, due_date, status, kind, paid_state, currency, SUM(sgn), SUM(sgn * total), SUM(sgn * paid),
           SUM(sgn * balance)
      FROM invoice_paid_moves GROUP BY invoice_date, due_date, status, kind, paid_state, currency
      HAVING SUM(sgn) <> 0 OR SUM(sgn * total) <> 0 OR SUM(sgn * paid) <> 0 OR SUM(sgn * balance) <> 0
    ON DUPLICATE KEY UPDATE n = n + VALUES(n), total = total + VALUES(total), paid = paid + VALUES(paid),
                            balance = balance + VALUES(balance);
    INSERT INTO invoice_month_totals (month, due_month, status, kind, paid_state, currency, n, total, paid, balance)
    SELECT invoice_date - INTERVAL DAYOFMONTH(invoice_date) - 1 DAY, due_date - INTERVAL DAYOFMONTH(due_date) - 1 DAY,
           status, kind, paid_state, currency, SUM(sgn), SUM(sgn * total), SUM(sgn * paid), SUM(sgn * balance)
      FROM invoice_paid_moves GROUP BY 1, 2, status, kind, paid_state, currency
      HAVING SUM(sgn) <> 0 OR SUM(sgn * total) <> 0 OR SUM(sgn * paid) <> 0 OR SUM(sgn * balance) <> 0
    ON DUPLICATE KEY UPDATE n = n + VALUES(n), total = total + VALUES(total), paid = paid + VALUES(paid),
                            balance = balance + VALUES(balance);
    INSERT INTO invoice_month_status_totals (month, status, kind, currency, n, total, paid, balance)
    SELECT invoice_date - INTERVAL DAYOFMONTH(invoice_date) - 1 DAY, status, kind, currency, SUM(sgn),
           SUM(sgn * total), SUM(sgn * paid), SUM(sgn * balance)
      FROM invoice_paid_moves GROUP BY 1, status, kind, currency
      HAVING SUM(sgn) <> 0 OR SUM(sgn * total) <> 0 OR SUM(sgn * paid) <> 0 OR SUM(sgn * balance) <> 0
    ON DUPLICATE KEY UPDATE n = n + VALUES(n), total = total + VALUES(total), paid = paid + VALUES(paid),
                            balance = balance + VALUES(balance);
    INSERT INTO invoice_due_totals (due_date, currency, kind, paid_state, n, total, paid, balance)
    SELECT due_date, currency, kind, paid_state, SUM(sgn), SUM(sgn * total), SUM(sgn * paid), SUM(sgn * balance)
      FROM invoice_paid_moves WHERE status = 'open' GROUP BY due_date, currency, kind, paid_state
      HAVING SUM(sgn) <> 0 OR SUM(sgn * total) <> 0 OR SUM(sgn * paid) <> 0 OR SUM(sgn * balance) <> 0
    ON DUPLICATE KEY UPDATE n = n + VALUES(n), total = total + VALUES(total), paid = paid + VALUES(paid),
                            balance = balance + VALUES(balance);
    INSERT INTO invoice_status_totals (status, kind, paid_state, currency, n, total, paid, balance)
    SELECT status, kind, paid_state, currency, SUM(sgn), SUM(sgn * total), SUM(sgn * paid), SUM(sgn * balance)
      FROM invoice_paid_moves GROUP BY status, kind, paid_state, currency
      HAVING SUM(sgn) <> 0 OR SUM(sgn * total) <> 0 OR SUM(sgn * paid) <> 0 OR SUM(sgn * balance) <> 0
    ON DUPLICATE KEY UPDATE n = n + VALUES(n), total = total + VALUES(total), paid = paid + VALUES(paid),
                            balance = balance + VALUES(balance);
    -- invoice_amount_totals_add's three columns (one read of the moves:
    -- a temporary table is not opened twice in one statement)
    INSERT INTO invoice_amount_totals (col, bucket, status, currency, n)
    SELECT c.col, invoice_amount_bucket(CASE c.col WHEN 'total' THEN m.total WHEN 'paid' THEN m.paid
                                                   ELSE m.balance END),
           m.status, m.currency, SUM(m.sgn)
      FROM invoice_paid_moves m
      JOIN (SELECT 'total' AS col UNION ALL SELECT 'paid' UNION ALL SELECT 'balance') c
     GROUP BY 1, 2, 3, 4 HAVING SUM(m.sgn) <> 0
    ON DUPLICATE KEY UPDATE n = n + VALUES(n);
    -- invoice_customer_totals_add
    INSERT INTO invoice_customer_totals (customer_name, status, currency, n)
    SELECT customer_name, status, currency, SUM(sgn)
      FROM invoice_paid_moves GROUP BY customer_name, status, currency HAVING SUM(sgn) <> 0
    ON DUPLICATE KEY UPDATE n = n + VALUES(n);

    DROP TEMPORARY TABLE invoice_paid_moves;
  END IF;
END;
