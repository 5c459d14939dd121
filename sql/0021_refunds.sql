-- Refunds: a payment may be negative (money paid back to the customer). It is
-- allocated against a credit note's unspent credit (lib/alloc.h), so its
-- allocated part is counted as a positive amount up to |amount|.
ALTER TABLE payments DROP CONSTRAINT ck_payments_amount,
  ADD CONSTRAINT ck_payments_amount CHECK (amount <> 0 AND allocated_amount >= 0
                                           AND allocated_amount <= ABS(amount));
