-- 0025_einvoice_syntax.sql — issue 12: the e-invoice syntax a customer's
-- documents default to (invoicectl export-xml, the invoice page's first
-- e-invoice link, later the mail attachment):
--   peppol     UBL 2.1, Peppol BIS Billing 3.0 (GET /invoices/{id}.xml)
--   cii        UN/CEFACT CII D16B, EN 16931 (GET /invoices/{id}.cii.xml)
--   xrechnung  UBL 2.1 under the German CIUS XRechnung 3.0, the customer's
--              buyer_reference being the Leitweg-ID (BT-10)
--              (GET /invoices/{id}.xrechnung.xml)
-- customers is small (10,000 rows in the bench set) and ADD COLUMN with a
-- default is instant in MariaDB 10.11: nothing touches the invoices.
ALTER TABLE customers
  ADD COLUMN einvoice_syntax ENUM('peppol','cii','xrechnung') NOT NULL DEFAULT 'peppol' AFTER endpoint_scheme;
