-- 0004_void_balance.sql — a voided invoice owes nothing: its balance is 0, so
-- lists and their per-currency sums never count it as outstanding.
ALTER TABLE invoices MODIFY COLUMN balance DECIMAL(19,3)
  AS (CASE WHEN status = 'void' THEN 0 ELSE total - paid_amount END) STORED;
