-- 0002_list.sql — what the invoice list sorts and filters by.
-- paid_state orders the customer-facing Paid column: 0 Unpaid, 1 Pending (partly paid), 2 Paid.
ALTER TABLE invoices
  ADD COLUMN paid_state TINYINT UNSIGNED AS (CASE WHEN status = 'paid' THEN 2
                                                  WHEN paid_amount > 0 AND status = 'open' THEN 1
                                                  ELSE 0 END) STORED,
  ADD KEY ix_invoices_paid_state (paid_state, id);
