-- 0001_schema.sql — the whole data model of DESIGN.md "Data (outline)".
--
-- Applied once by `invoicectl migrate` (which keeps schema_migrations itself).
-- Conventions:
--   * InnoDB, utf8mb4, utf8mb4_unicode_ci: names and search are case- and
--     accent-insensitive ('zoe' finds 'Zoë').
--   * Every table has `id BIGINT UNSIGNED AUTO_INCREMENT` as primary key.
--     Ids are never invoice numbers (Galera skips auto-increment values).
--   * Money: DECIMAL(19,3) holding the decimal amount in the currency
--     ("12.30" EUR, "1200" JPY, "1.250" KWD), lib/money.c converts to minor
--     units. Quantities and unit prices DECIMAL(20,6) (0.004500 per minute).
--     Tax rates DECIMAL(7,4) in percent (19.0000).
--   * Time stamps are DATETIME in UTC (db.c sets time_zone = '+00:00'),
--     DATE columns are calendar dates in the customer's time zone.
--   * Secondary indexes end in `id` where a list sorts on them: InnoDB keeps
--     the primary key in every secondary index anyway, so (k, id) costs
--     nothing extra and makes ORDER BY k, id (stable keyset paging) an index
--     scan, not a filesort.
--
-- Invoice list (lib/listq.c) sort key -> ORDER BY -> index:
--   number   number, id                -> ix_invoices_number_id
--   customer customer_name, id         -> ix_invoices_customer_name
--   date     invoice_date, id          -> ix_invoices_date   (default sort)
--   period   period_start, id          -> ix_invoices_period
--   due      due_date, id              -> ix_invoices_due
--   total    total, id                 -> ix_invoices_total
--   paid     paid_amount, id           -> ix_invoices_paid
--   balance  balance, id               -> ix_invoices_balance
--   paid_state paid_state, id          -> ix_invoices_paid_state
--   status   status, id                -> ix_invoices_status_date
-- Filters: customer -> ix_invoices_customer_* , status -> ix_invoices_status_*
-- (derived: due/partial/overdue are status = 'open' plus paid_amount and
-- due_date), currency -> ix_invoices_currency_date, date ranges -> the date,
-- due and period indexes, min/max -> ix_invoices_total.
-- Customer scope (customer_id = ? AND status <> 'draft', newest first) walks
-- ix_invoices_customer_date backwards and skips the few drafts, a customer's
-- open/overdue invoices (portal balance) come from ix_invoices_customer_status_due.
-- Search `q`: number prefix (uq_invoices_number), customer name (LIKE over
-- customers, then ix_invoices_customer_*), keywords (ft_invoice_lines_description).
-- Count and per-currency sums: the summary tables of 0002_list_totals.sql.
-- Later migrations widen and add list indexes: 0006 (a search with a status
-- or currency filter), 0008 (amounts with filters, status), 0009 (every sort
-- under a status or currency filter; lib/listq.c names them, index_hint).

-- ---------------------------------------------------------------- customers

CREATE TABLE customers (
  id               BIGINT UNSIGNED NOT NULL AUTO_INCREMENT,
  name             VARCHAR(200) NOT NULL,               -- display name
  legal_name       VARCHAR(200) NOT NULL DEFAULT '',    -- EN 16931 BT-44 (empty: name)
  email            VARCHAR(254) NOT NULL DEFAULT '',    -- invoice and notification mail
  phone            VARCHAR(40)  NOT NULL DEFAULT '',
  currency         CHAR(3)      NOT NULL,               -- ISO 4217, every invoice of the customer
  time_zone        VARCHAR(64)  NOT NULL,               -- IANA name: periods, due dates, overdue
  locale           VARCHAR(16)  NOT NULL DEFAULT 'en',  -- language of mails and PDFs
  payment_days     INT          NOT NULL DEFAULT 14,    -- payment terms: due = invoice date + days
  invoice_schedule ENUM('none','daily','weekly','monthly') NOT NULL DEFAULT 'none',
  line_grouping    ENUM('none','destination','day') NOT NULL DEFAULT 'none',
  billed_until     DATE         NULL,                   -- end of the last generated period
  vat_id           VARCHAR(32)  NOT NULL DEFAULT '',    -- with ISO country prefix (BT-48)
  street           VARCHAR(200) NOT NULL DEFAULT '',
  address_line2    VARCHAR(200) NOT NULL DEFAULT '',
  city             VARCHAR(100) NOT NULL DEFAULT '',
  post_code        VARCHAR(16)  NOT NULL DEFAULT '',
  region           VARCHAR(64)  NOT NULL DEFAULT '',    -- country subdivision (BT-54)
  country          CHAR(2)      NOT NULL,               -- ISO 3166-1 alpha-2
  buyer_reference  VARCHAR(100) NOT NULL DEFAULT '',    -- BT-10 (Leitweg-ID, PO contact)
  notify_issued    TINYINT(1)   NOT NULL DEFAULT 1,     -- portal notification settings
  notify_overdue   TINYINT(1)   NOT NULL DEFAULT 1,
  notify_payment   TINYINT(1)   NOT NULL DEFAULT 0,
  notes            TEXT         NULL,                   -- internal, staff only
  active           TINYINT(1)   NOT NULL DEFAULT 1,
  created_at       DATETIME     NOT NULL DEFAULT CURRENT_TIMESTAMP,
  updated_at       DATETIME     NOT NULL DEFAULT CURRENT_TIMESTAMP ON UPDATE CURRENT_TIMESTAMP,
  PRIMARY KEY (id),
  KEY ix_customers_name (name, id),
  KEY ix_customers_email (email),
  KEY ix_customers_schedule (invoice_schedule, billed_until, id),
  KEY ix_customers_currency (currency, id),
  FULLTEXT KEY ft_customers_name (name),
  CONSTRAINT ck_customers_payment_days CHECK (payment_days BETWEEN 0 AND 365),
  CONSTRAINT ck_customers_currency CHECK (currency REGEXP '^[A-Z]{3}$'),
  CONSTRAINT ck_customers_country CHECK (country REGEXP '^[A-Z]{2}$')
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;

-- ------------------------------------------------------- users and sessions

CREATE TABLE users (
  id            BIGINT UNSIGNED NOT NULL AUTO_INCREMENT,
  email         VARCHAR(254) NOT NULL,
  name          VARCHAR(200) NOT NULL,
  password_hash VARCHAR(255) NOT NULL,
  role          ENUM('admin','billing','support','customer') NOT NULL,
  customer_id   BIGINT UNSIGNED NULL,
  active        TINYINT(1) NOT NULL DEFAULT 1,
  created_at    DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,
  PRIMARY KEY (id),
  UNIQUE KEY uq_users_email (email),
  KEY ix_users_customer (customer_id),
  CONSTRAINT fk_users_customer FOREIGN KEY (customer_id) REFERENCES customers (id),
  CONSTRAINT ck_users_customer CHECK ((role = 'customer') = (customer_id IS NOT NULL))
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;

CREATE TABLE sessions (
  id           BIGINT UNSIGNED NOT NULL AUTO_INCREMENT,
  token_hash   BINARY(32) NOT NULL,
  user_id      BIGINT UNSIGNED NOT NULL,
  csrf         CHAR(64) NOT NULL,
  address      VARCHAR(45) NOT NULL DEFAULT '',
  created_at   DATETIME NOT NULL,
  last_seen_at DATETIME NOT NULL,
  expires_at   DATETIME NOT NULL,
  PRIMARY KEY (id),
  UNIQUE KEY uq_sessions_token (token_hash),
  KEY ix_sessions_user (user_id),
  KEY ix_sessions_expires (expires_at),
  CONSTRAINT fk_sessions_user FOREIGN KEY (user_id) REFERENCES users (id) ON DELETE CASCADE
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;

CREATE TABLE login_failures (
  id        BIGINT UNSIGNED NOT NULL AUTO_INCREMENT,
  email     VARCHAR(254) NOT NULL,
  address   VARCHAR(45) NOT NULL,
  failed_at DATETIME NOT NULL,
  PRIMARY KEY (id),
  KEY ix_login_failures_email (email, failed_at),
  KEY ix_login_failures_address (address, failed_at)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;

-- Column choice and other per-user settings ('invoices.cols' -> 'number,customer,...').
CREATE TABLE user_prefs (
  id         BIGINT UNSIGNED NOT NULL AUTO_INCREMENT,
  user_id    BIGINT UNSIGNED NOT NULL,
  pref       VARCHAR(64) NOT NULL,
  value      VARCHAR(2000) NOT NULL,
  updated_at DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP ON UPDATE CURRENT_TIMESTAMP,
  PRIMARY KEY (id),
  UNIQUE KEY uq_user_prefs (user_id, pref),
  CONSTRAINT fk_user_prefs_user FOREIGN KEY (user_id) REFERENCES users (id) ON DELETE CASCADE
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;

-- Writes that a retry could repeat (a COMMIT can succeed while the client sees
-- a lost connection) carry a unique key, the first run stores its result here.
CREATE TABLE idempotency_keys (
  id         BIGINT UNSIGNED NOT NULL AUTO_INCREMENT,
  idem_key   VARCHAR(64) NOT NULL,
  user_id    BIGINT UNSIGNED NULL,
  action     VARCHAR(64) NOT NULL DEFAULT '',
  result     VARCHAR(2000) NOT NULL DEFAULT '',   -- e.g. the created invoice id or redirect target
  created_at DATETIME NOT NULL,
  PRIMARY KEY (id),
  UNIQUE KEY uq_idempotency_key (idem_key),
  KEY ix_idempotency_created (created_at),
  KEY ix_idempotency_user (user_id),
  CONSTRAINT fk_idempotency_user FOREIGN KEY (user_id) REFERENCES users (id) ON DELETE CASCADE
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;

-- ------------------------------------------------------ packages and plans

CREATE TABLE packages (
  id               BIGINT UNSIGNED NOT NULL AUTO_INCREMENT,
  name             VARCHAR(200) NOT NULL,
  description      VARCHAR(2000) NOT NULL DEFAULT '',
  kind             ENUM('recurring','usage','one_off') NOT NULL DEFAULT 'recurring',
  currency         CHAR(3) NOT NULL,
  unit_price       DECIMAL(20,6) NOT NULL,
  unit_code        VARCHAR(3) NOT NULL DEFAULT 'C62',   -- UN/ECE Rec 20: C62 MIN HUR MON E34 ...
  default_quantity DECIMAL(20,6) NOT NULL DEFAULT 1,
  tax_rate         DECIMAL(7,4) NOT NULL,               -- percent, for domestic customers
  vat_category     ENUM('S','Z','E','AE','K','G','O') NOT NULL DEFAULT 'S',
  tax_description  VARCHAR(100) NOT NULL DEFAULT '',
  usage_service    VARCHAR(32) NULL,                    -- usage packages: service rated
  usage_destination VARCHAR(100) NULL,                  -- usage packages: destination rated
  active           TINYINT(1) NOT NULL DEFAULT 1,
  created_at       DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,
  updated_at       DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP ON UPDATE CURRENT_TIMESTAMP,
  PRIMARY KEY (id),
  UNIQUE KEY uq_packages_name (name, currency),
  KEY ix_packages_currency (currency, kind, active),
  CONSTRAINT ck_packages_price CHECK (unit_price >= 0),
  CONSTRAINT ck_packages_rate CHECK (tax_rate >= 0 AND tax_rate < 100)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;

-- A customer's recurring packages, generation bills them per schedule period.
CREATE TABLE customer_packages (
  id          BIGINT UNSIGNED NOT NULL AUTO_INCREMENT,
  customer_id BIGINT UNSIGNED NOT NULL,
  package_id  BIGINT UNSIGNED NOT NULL,
  quantity    DECIMAL(20,6) NOT NULL DEFAULT 1,
  unit_price  DECIMAL(20,6) NULL,                      -- NULL: the package's price
  description VARCHAR(2000) NULL,                      -- NULL: the package's name
  start_date  DATE NOT NULL,
  end_date    DATE NULL,                               -- NULL: open-ended
  created_at  DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,
  PRIMARY KEY (id),
  KEY ix_customer_packages_customer (customer_id, start_date, id),
  KEY ix_customer_packages_package (package_id),
  CONSTRAINT fk_customer_packages_customer FOREIGN KEY (customer_id) REFERENCES customers (id),
  CONSTRAINT fk_customer_packages_package FOREIGN KEY (package_id) REFERENCES packages (id),
  CONSTRAINT ck_customer_packages_dates CHECK (end_date IS NULL OR end_date >= start_date)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;

-- ----------------------------------------------------------------- invoices

-- Invoices and credit notes (kind 'credit', type code 381, credited_invoice_id
-- set). Totals are denormalized from the lines by lib/invoice.c in the same
-- transaction that changes the lines, balance = total - paid_amount, where
-- paid_amount is the sum of payment_allocations (payments and credit notes).
-- customer_name is a copy of customers.name (kept current while draft) so the
-- list can sort and search by it without a join, buyer_snapshot freezes the
-- buyer party (legal name, address, VAT id) at issue for PDF and e-invoice.
CREATE TABLE invoices (
  id                  BIGINT UNSIGNED NOT NULL AUTO_INCREMENT,
  kind                ENUM('invoice','credit') NOT NULL DEFAULT 'invoice',
  type_code           SMALLINT UNSIGNED NOT NULL DEFAULT 380,   -- UNTDID 1001: 380, 381
  credited_invoice_id BIGINT UNSIGNED NULL,
  number              VARCHAR(32) NULL,                         -- NULL while draft
  customer_id         BIGINT UNSIGNED NOT NULL,
  customer_name       VARCHAR(200) NOT NULL,
  status              ENUM('draft','open','paid','void') NOT NULL DEFAULT 'draft',
  currency            CHAR(3) NOT NULL,
  invoice_date        DATE NOT NULL,
  due_date            DATE NOT NULL,
  period_start        DATE NULL,
  period_end          DATE NULL,
  tax_rounding        ENUM('line','document') NOT NULL DEFAULT 'line',
  net_total           DECIMAL(19,3) NOT NULL DEFAULT 0,
  tax_total           DECIMAL(19,3) NOT NULL DEFAULT 0,
  total               DECIMAL(19,3) NOT NULL DEFAULT 0,
  paid_amount         DECIMAL(19,3) NOT NULL DEFAULT 0,
  -- a voided invoice owes nothing, so lists and their sums never count it
  balance             DECIMAL(19,3) AS (CASE WHEN status = 'void' THEN 0 ELSE total - paid_amount END) STORED,
  -- orders the customer-facing Paid column: 0 Unpaid, 1 Pending (partly paid), 2 Paid
  paid_state          TINYINT UNSIGNED AS (CASE WHEN status = 'paid' THEN 2
                                                WHEN paid_amount > 0 AND status = 'open' THEN 1
                                                ELSE 0 END) STORED,
  payment_means       VARCHAR(4) NOT NULL DEFAULT '58',         -- UNTDID 4461: 58 SEPA transfer, 30, 49, 48
  buyer_reference     VARCHAR(100) NOT NULL DEFAULT '',         -- BT-10, copied from the customer
  buyer_snapshot      JSON NULL,                                -- set at issue
  notes               TEXT NULL,                                -- printed on the invoice
  issued_at           DATETIME NULL,
  voided_at           DATETIME NULL,
  void_reason         VARCHAR(500) NULL,
  created_at          DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,
  updated_at          DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP ON UPDATE CURRENT_TIMESTAMP,
  row_version         INT UNSIGNED NOT NULL DEFAULT 1,          -- optimistic locking of draft edits
  -- Stored PDF: issued invoices are immutable, so the PDF is rendered once per
  -- state and kept, pdf_state names the state `pdf` was rendered for ('none':
  -- nothing stored, 'issued' stale once the invoice is void -> render again).
  pdf_state           ENUM('none','issued','void') NOT NULL DEFAULT 'none',
  pdf                 MEDIUMBLOB NULL,                          -- off-page (DYNAMIC rows)
  pdf_etag            CHAR(64) CHARACTER SET ascii NULL,        -- hex SHA-256 of pdf
  pdf_paid            DECIMAL(19,3) NULL,                       -- paid_amount the stored PDF shows
  pdf_rendered_at     DATETIME NULL,
  link_epoch          INT NOT NULL DEFAULT 0,                   -- bumped to revoke signed links
  PRIMARY KEY (id),
  UNIQUE KEY uq_invoices_number (number),
  KEY ix_invoices_customer_date (customer_id, invoice_date, id),
  KEY ix_invoices_customer_status_due (customer_id, status, due_date, id),
  -- due date (and paid) ride along: "overdue" is decided inside the index
  KEY ix_invoices_status_date (status, invoice_date, id, due_date, paid_amount),
  KEY ix_invoices_status_due (status, due_date, id),
  KEY ix_invoices_status_total (status, total, id, due_date, currency, paid_amount),
  KEY ix_invoices_date (invoice_date, id),
  -- newest first with a billing-period filter: the period is checked inside the index
  KEY ix_invoices_date_period (invoice_date, id, period_start, period_end),
  -- the unique index alone cannot serve ORDER BY number, id (drafts have no number)
  KEY ix_invoices_number_id (number, id),
  KEY ix_invoices_paid_state (paid_state, id),
  KEY ix_invoices_due (due_date, id),
  KEY ix_invoices_period (period_start, id),
  KEY ix_invoices_total (total, id),
  KEY ix_invoices_paid (paid_amount, id),
  KEY ix_invoices_balance (balance, id),
  KEY ix_invoices_currency_date (currency, invoice_date, id),
  KEY ix_invoices_customer_name (customer_name, id),
  KEY ix_invoices_credited (credited_invoice_id),
  CONSTRAINT fk_invoices_customer FOREIGN KEY (customer_id) REFERENCES customers (id),
  CONSTRAINT fk_invoices_credited FOREIGN KEY (credited_invoice_id) REFERENCES invoices (id),
  CONSTRAINT ck_invoices_kind CHECK ((kind = 'credit') = (credited_invoice_id IS NOT NULL)
                                     AND (kind = 'credit') = (type_code = 381)),
  CONSTRAINT ck_invoices_type CHECK (type_code IN (380, 381, 384, 389)),
  CONSTRAINT ck_invoices_number CHECK ((status = 'draft') = (number IS NULL)),
  CONSTRAINT ck_invoices_dates CHECK (due_date >= invoice_date),
  CONSTRAINT ck_invoices_period CHECK (period_end IS NULL OR period_start IS NULL OR period_end >= period_start),
  CONSTRAINT ck_invoices_paid CHECK (paid_amount >= 0),
  CONSTRAINT ck_invoices_issued CHECK (status = 'draft' OR issued_at IS NOT NULL),
  CONSTRAINT ck_invoices_void CHECK ((status = 'void') = (voided_at IS NOT NULL))
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;

CREATE TABLE invoice_lines (
  id               BIGINT UNSIGNED NOT NULL AUTO_INCREMENT,
  invoice_id       BIGINT UNSIGNED NOT NULL,
  position         SMALLINT UNSIGNED NOT NULL,          -- 1.. in print order
  package_id       BIGINT UNSIGNED NULL,
  source           ENUM('manual','package','usage') NOT NULL DEFAULT 'manual',
  description      VARCHAR(2000) NOT NULL,
  quantity         DECIMAL(20,6) NOT NULL,
  unit_code        VARCHAR(3) NOT NULL DEFAULT 'C62',   -- UN/ECE Rec 20 (BT-130)
  unit_price       DECIMAL(20,6) NOT NULL,
  tax_rate         DECIMAL(7,4) NOT NULL,               -- percent
  vat_category     ENUM('S','Z','E','AE','K','G','O') NOT NULL DEFAULT 'S',
  exemption_code   VARCHAR(30) NOT NULL DEFAULT '',     -- VATEX code (BT-121)
  exemption_reason VARCHAR(200) NOT NULL DEFAULT '',    -- BT-120
  tax_description  VARCHAR(100) NOT NULL DEFAULT '',    -- "VAT 19%"
  period_start     DATE NULL,
  period_end       DATE NULL,
  net_amount       DECIMAL(19,3) NOT NULL,              -- round(quantity x unit_price)
  tax_amount       DECIMAL(19,3) NOT NULL,              -- the line's tax rounded per line
  PRIMARY KEY (id),
  UNIQUE KEY uq_invoice_lines_position (invoice_id, position),
  KEY ix_invoice_lines_package (package_id),
  FULLTEXT KEY ft_invoice_lines_description (description),
  CONSTRAINT fk_invoice_lines_invoice FOREIGN KEY (invoice_id) REFERENCES invoices (id) ON DELETE CASCADE,
  CONSTRAINT fk_invoice_lines_package FOREIGN KEY (package_id) REFERENCES packages (id),
  CONSTRAINT ck_invoice_lines_rate CHECK (tax_rate >= 0 AND tax_rate < 100),
  CONSTRAINT ck_invoice_lines_period CHECK (period_end IS NULL OR period_start IS NULL OR period_end >= period_start)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;

-- VAT breakdown (EN 16931 BG-23): one row per category and rate, the sums of
-- net_amount and tax_amount equal invoices.net_total and tax_total.
CREATE TABLE invoice_tax_totals (
  id               BIGINT UNSIGNED NOT NULL AUTO_INCREMENT,
  invoice_id       BIGINT UNSIGNED NOT NULL,
  vat_category     ENUM('S','Z','E','AE','K','G','O') NOT NULL,
  tax_rate         DECIMAL(7,4) NOT NULL,
  exemption_code   VARCHAR(30) NOT NULL DEFAULT '',
  exemption_reason VARCHAR(200) NOT NULL DEFAULT '',
  net_amount       DECIMAL(19,3) NOT NULL,
  tax_amount       DECIMAL(19,3) NOT NULL,
  PRIMARY KEY (id),
  UNIQUE KEY uq_invoice_tax_totals (invoice_id, vat_category, tax_rate),
  CONSTRAINT fk_invoice_tax_totals_invoice FOREIGN KEY (invoice_id) REFERENCES invoices (id) ON DELETE CASCADE
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;

-- ------------------------------------------------------------ custom fields

CREATE TABLE custom_field_defs (
  id                  BIGINT UNSIGNED NOT NULL AUTO_INCREMENT,
  field_key           VARCHAR(64) NOT NULL,             -- stable key: 'po_number'
  label               VARCHAR(200) NOT NULL,
  field_type          ENUM('text','number','date') NOT NULL DEFAULT 'text',
  visible_to_customer TINYINT(1) NOT NULL DEFAULT 0,    -- shown in the portal and on the PDF
  position            SMALLINT UNSIGNED NOT NULL DEFAULT 0,
  active              TINYINT(1) NOT NULL DEFAULT 1,
  created_at          DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,
  PRIMARY KEY (id),
  UNIQUE KEY uq_custom_field_defs_key (field_key)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;

CREATE TABLE invoice_custom_fields (
  id         BIGINT UNSIGNED NOT NULL AUTO_INCREMENT,
  invoice_id BIGINT UNSIGNED NOT NULL,
  field_id   BIGINT UNSIGNED NOT NULL,
  value      VARCHAR(1000) NOT NULL,
  PRIMARY KEY (id),
  UNIQUE KEY uq_invoice_custom_fields (invoice_id, field_id),
  KEY ix_invoice_custom_fields_field (field_id),
  CONSTRAINT fk_invoice_custom_fields_invoice FOREIGN KEY (invoice_id) REFERENCES invoices (id) ON DELETE CASCADE,
  CONSTRAINT fk_invoice_custom_fields_field FOREIGN KEY (field_id) REFERENCES custom_field_defs (id)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;

-- ------------------------------------------------------ payments and credit

CREATE TABLE payments (
  id               BIGINT UNSIGNED NOT NULL AUTO_INCREMENT,
  customer_id      BIGINT UNSIGNED NOT NULL,
  currency         CHAR(3) NOT NULL,
  amount           DECIMAL(19,3) NOT NULL,
  allocated_amount DECIMAL(19,3) NOT NULL DEFAULT 0,  -- sum of its allocations
  received_on      DATE NOT NULL,
  method           ENUM('transfer','direct_debit','card','cash','other') NOT NULL DEFAULT 'transfer',
  reference        VARCHAR(140) NOT NULL DEFAULT '',   -- bank remittance text
  notes            VARCHAR(2000) NOT NULL DEFAULT '',
  created_by       BIGINT UNSIGNED NULL,
  created_at       DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,
  PRIMARY KEY (id),
  KEY ix_payments_customer (customer_id, received_on, id),
  KEY ix_payments_received (received_on, id),
  KEY ix_payments_created_by (created_by),
  CONSTRAINT fk_payments_customer FOREIGN KEY (customer_id) REFERENCES customers (id),
  CONSTRAINT fk_payments_created_by FOREIGN KEY (created_by) REFERENCES users (id) ON DELETE SET NULL,
  CONSTRAINT ck_payments_amount CHECK (amount > 0 AND allocated_amount >= 0 AND allocated_amount <= amount)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;

-- Applies a payment, or a credit note, to an invoice. invoices.paid_amount is
-- the sum of the rows of that invoice (credit notes reduce the balance),
-- a credit note's own paid_amount is the sum of the rows that spend it.
CREATE TABLE payment_allocations (
  id             BIGINT UNSIGNED NOT NULL AUTO_INCREMENT,
  invoice_id     BIGINT UNSIGNED NOT NULL,
  payment_id     BIGINT UNSIGNED NULL,
  credit_note_id BIGINT UNSIGNED NULL,
  amount         DECIMAL(19,3) NOT NULL,
  created_by     BIGINT UNSIGNED NULL,
  created_at     DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,
  PRIMARY KEY (id),
  KEY ix_payment_allocations_invoice (invoice_id, id),
  KEY ix_payment_allocations_payment (payment_id),
  KEY ix_payment_allocations_credit (credit_note_id),
  KEY ix_payment_allocations_created_by (created_by),
  CONSTRAINT fk_payment_allocations_invoice FOREIGN KEY (invoice_id) REFERENCES invoices (id),
  CONSTRAINT fk_payment_allocations_payment FOREIGN KEY (payment_id) REFERENCES payments (id),
  CONSTRAINT fk_payment_allocations_credit FOREIGN KEY (credit_note_id) REFERENCES invoices (id),
  CONSTRAINT fk_payment_allocations_created_by FOREIGN KEY (created_by) REFERENCES users (id) ON DELETE SET NULL,
  CONSTRAINT ck_payment_allocations_source CHECK ((payment_id IS NULL) <> (credit_note_id IS NULL)),
  CONSTRAINT ck_payment_allocations_amount CHECK (amount > 0)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;

-- ------------------------------------------------------------------- numbers

-- Gap-free numbering: the issuing transaction locks (series, year) with
-- SELECT ... FOR UPDATE, uses next_value and increments it.
CREATE TABLE number_sequences (
  id         BIGINT UNSIGNED NOT NULL AUTO_INCREMENT,
  series     VARCHAR(16) NOT NULL,                   -- 'invoice', 'credit'
  year       SMALLINT UNSIGNED NOT NULL,
  next_value BIGINT UNSIGNED NOT NULL DEFAULT 1,
  PRIMARY KEY (id),
  UNIQUE KEY uq_number_sequences (series, year)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;

-- -------------------------------------------------------------------- usage

-- Metered usage (CDRs, hours, GB). amount is the rated value in the customer's
-- currency with 6 decimals, not rounded: the invoice line rounds once,
-- round(sum of quantities x rate). invoice_id/invoice_line_id are set when a
-- draft takes the record and cleared (ON DELETE SET NULL) when that draft is
-- discarded. source_ref makes imports idempotent (CDR id).
CREATE TABLE usage_records (
  id              BIGINT UNSIGNED NOT NULL AUTO_INCREMENT,
  customer_id     BIGINT UNSIGNED NOT NULL,
  started_at      DATETIME NOT NULL,                  -- UTC
  service         VARCHAR(32) NOT NULL DEFAULT 'voice',
  destination     VARCHAR(100) NOT NULL DEFAULT '',
  quantity        DECIMAL(20,6) NOT NULL,
  unit_code       VARCHAR(3) NOT NULL DEFAULT 'MIN',
  amount          DECIMAL(20,6) NOT NULL,
  package_id      BIGINT UNSIGNED NULL,               -- the rate applied
  invoice_id      BIGINT UNSIGNED NULL,
  invoice_line_id BIGINT UNSIGNED NULL,
  source_ref      VARCHAR(64) NULL,
  PRIMARY KEY (id),
  KEY ix_usage_customer_time (customer_id, started_at),
  KEY ix_usage_invoice (invoice_id),
  KEY ix_usage_invoice_line (invoice_line_id),
  UNIQUE KEY uq_usage_source_ref (customer_id, source_ref),
  CONSTRAINT fk_usage_customer FOREIGN KEY (customer_id) REFERENCES customers (id),
  CONSTRAINT fk_usage_package FOREIGN KEY (package_id) REFERENCES packages (id),
  CONSTRAINT fk_usage_invoice FOREIGN KEY (invoice_id) REFERENCES invoices (id) ON DELETE SET NULL,
  CONSTRAINT fk_usage_invoice_line FOREIGN KEY (invoice_line_id) REFERENCES invoice_lines (id) ON DELETE SET NULL
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;

-- ----------------------------------------------------------- audit and mail

-- Every change of a business object, written in the transaction that makes
-- it. No foreign key on entity_id: discarded drafts keep their history.
CREATE TABLE audit_events (
  id          BIGINT UNSIGNED NOT NULL AUTO_INCREMENT,
  occurred_at DATETIME NOT NULL,
  user_id     BIGINT UNSIGNED NULL,
  actor       VARCHAR(254) NOT NULL DEFAULT '',       -- email at the time, or 'invoicectl'
  address     VARCHAR(45) NOT NULL DEFAULT '',
  entity      VARCHAR(32) NOT NULL,                   -- 'invoice', 'payment', 'customer', ...
  entity_id   BIGINT UNSIGNED NOT NULL,
  action      VARCHAR(32) NOT NULL,                   -- 'create', 'issue', 'void', 'allocate', ...
  before_json JSON NULL,
  after_json  JSON NULL,
  PRIMARY KEY (id),
  KEY ix_audit_entity (entity, entity_id, id),
  KEY ix_audit_time (occurred_at, id),
  KEY ix_audit_user (user_id, occurred_at),
  CONSTRAINT fk_audit_user FOREIGN KEY (user_id) REFERENCES users (id) ON DELETE SET NULL
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;

-- Queued e-mails, delivered by `invoicectl send-mail`. dedupe_key stops a
-- retried transaction or a repeated cron run from queueing the same mail twice.
CREATE TABLE outbox (
  id              BIGINT UNSIGNED NOT NULL AUTO_INCREMENT,
  kind            VARCHAR(32) NOT NULL,               -- 'invoice_issued', 'payment_received', 'overdue_reminder'
  dedupe_key      VARCHAR(100) NULL,
  customer_id     BIGINT UNSIGNED NULL,
  invoice_id      BIGINT UNSIGNED NULL,
  to_address      VARCHAR(254) NOT NULL,
  subject         VARCHAR(255) NOT NULL,
  body            MEDIUMTEXT NOT NULL,
  status          ENUM('queued','sending','sent','failed') NOT NULL DEFAULT 'queued',
  attempts        INT UNSIGNED NOT NULL DEFAULT 0,
  next_attempt_at DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,
  last_error      VARCHAR(500) NOT NULL DEFAULT '',
  created_at      DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,
  sent_at         DATETIME NULL,
  PRIMARY KEY (id),
  UNIQUE KEY uq_outbox_dedupe (dedupe_key),
  KEY ix_outbox_due (status, next_attempt_at, id),
  KEY ix_outbox_customer (customer_id, id),
  KEY ix_outbox_invoice (invoice_id),
  CONSTRAINT fk_outbox_customer FOREIGN KEY (customer_id) REFERENCES customers (id),
  CONSTRAINT fk_outbox_invoice FOREIGN KEY (invoice_id) REFERENCES invoices (id) ON DELETE SET NULL
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;
