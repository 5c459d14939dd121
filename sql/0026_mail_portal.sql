-- issue 13: mail delivery state and signed-link views.
--
-- outbox.handed_at: set just before a claimed message goes to sendmail
-- (lib/outbox.h). A row left 'sending' past its lease with handed_at set may
-- have gone out, so it is never sent again automatically. Instant on MariaDB
-- 10.11 (a nullable column at the end).
ALTER TABLE outbox ADD COLUMN handed_at DATETIME NULL, ALGORITHM=INSTANT;

-- One row per download through a signed link (/d/{token}): shown to staff on
-- the invoice, and counted per address and per invoice for the rate limit.
CREATE TABLE link_views (
  id          BIGINT UNSIGNED NOT NULL AUTO_INCREMENT,
  invoice_id  BIGINT UNSIGNED NOT NULL,
  viewed_at   DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,
  address     VARCHAR(45) NOT NULL DEFAULT '',
  PRIMARY KEY (id),
  KEY ix_link_views_invoice (invoice_id, viewed_at),
  KEY ix_link_views_address (address, viewed_at),
  CONSTRAINT fk_link_views_invoice FOREIGN KEY (invoice_id) REFERENCES invoices (id) ON DELETE CASCADE
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;
