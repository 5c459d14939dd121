-- 0015_admin_master_data.sql — what the admin pages (issue 10) need on the
-- master data: row versions for concurrent edits, the customer's electronic
-- address, and the custom field definitions' PDF flag.
--
-- Row versions: every edit form carries the row's row_version; the save runs
--   UPDATE ... SET ..., row_version = row_version + 1 WHERE id = ? AND row_version = ?
-- and a save that matches no row (someone saved in between) is answered 409
-- with what changed, writing nothing. invoices.row_version exists since 0001.

ALTER TABLE customers
  ADD COLUMN row_version     INT UNSIGNED NOT NULL DEFAULT 1,
  -- Peppol / EN 16931 BT-49: the buyer's electronic address and its scheme
  -- (EAS code list: '0088' GLN, '0192' NO org. number, '9930' DE VAT, ...);
  -- both empty, or both set
  ADD COLUMN endpoint_id     VARCHAR(100) NOT NULL DEFAULT '',
  ADD COLUMN endpoint_scheme VARCHAR(4)   NOT NULL DEFAULT '',
  ADD CONSTRAINT ck_customers_endpoint CHECK ((endpoint_id = '') = (endpoint_scheme = '')),
  -- the admin list's e-mail search and the active-first pickers
  ADD KEY ix_customers_active_name (active, name, id);

ALTER TABLE packages
  ADD COLUMN row_version INT UNSIGNED NOT NULL DEFAULT 1;

-- custom_field_defs, as the admin pages keep it (the invoice editor stores the
-- values in invoice_custom_fields, one row per invoice and field):
--   field_key           stable key made from the label at creation ('po_number'), never changes
--   label               shown next to the value (staff pages, portal, PDF)
--   field_type          'text' (<= 1000 chars), 'number' (decimal, up to 6 decimals, stored as
--                       text like '12.5'), 'date' (YYYY-MM-DD)
--   visible_to_customer 1: shown to customers (portal and the customer's invoice page)
--   print_on_pdf        1: printed on the invoice PDF (new)
--   position            order on forms and documents (ascending, then id)
--   active              0: archived: no longer offered for new values; existing values stay
--   row_version         optimistic locking of the definition's edit form (new)
ALTER TABLE custom_field_defs
  ADD COLUMN print_on_pdf TINYINT(1)   NOT NULL DEFAULT 0 AFTER visible_to_customer,
  ADD COLUMN row_version  INT UNSIGNED NOT NULL DEFAULT 1,
  ADD COLUMN updated_at   DATETIME     NOT NULL DEFAULT CURRENT_TIMESTAMP ON UPDATE CURRENT_TIMESTAMP;
