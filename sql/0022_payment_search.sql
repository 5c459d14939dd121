-- 0022_payment_search.sql — the payments list (lib/payment.c payment_search)
-- finds a payment by its amount: an index on the amount (a refund is found by
-- the same figure, the list asks for amount IN (x, -x)). One secondary index
-- on payments, built online.
ALTER TABLE payments ADD INDEX ix_payments_amount (amount, received_on, id), ALGORITHM=INPLACE, LOCK=NONE;
