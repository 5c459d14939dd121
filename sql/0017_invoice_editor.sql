-- 0017_invoice_editor.sql — what the draft editor and the lifecycle (issue 10) need.
--
-- seller_snapshot: the seller block (config Seller.*) as it was when the
-- invoice was issued, as a flat JSON object with the keys name, address,
-- tax_id, iban, bic, email, phone, website; the documents print from it (and
-- from buyer_snapshot, keys as cli/demo.c writes them: name, legal_name,
-- vat_id, street, post_code, city, country, buyer_reference), so a later
-- change of the config or the customer does not change an issued invoice.
-- NULL for drafts and for invoices issued before this migration.
ALTER TABLE invoices
  ADD COLUMN seller_snapshot JSON NULL AFTER buyer_snapshot;

-- The PDF prints the custom fields marked print_on_pdf (sql/0015) that are
-- also visible to the customer; until now it printed every visible one, so
-- those keep being printed.
UPDATE custom_field_defs SET print_on_pdf = 1 WHERE visible_to_customer = 1;
