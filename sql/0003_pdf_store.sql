-- 0003_pdf_store.sql — the stored PDF also depends on the paid amount (it prints
-- paid, balance and the payment history), so it is re-rendered when that changes.
ALTER TABLE invoices ADD COLUMN pdf_paid DECIMAL(19,3) NULL AFTER pdf_etag;
