-- A counter that moves whenever the list's sums change, in the same
-- transaction. The list reads it with its rows (one scalar subquery) and
-- reuses the sums it added up for the same filter at the same version, so the
-- page everyone opens needs no query for its totals while nothing changes.
-- invoice_totals_add and invoice_totals_rebuild touch invoice_status_totals on
-- every change to any of the three sums tables, so its triggers are enough.

CREATE TABLE invoice_totals_version (
  id TINYINT UNSIGNED NOT NULL,
  v  BIGINT UNSIGNED NOT NULL,
  PRIMARY KEY (id)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;

INSERT INTO invoice_totals_version (id, v) VALUES (1, 1);

CREATE TRIGGER invoice_status_totals_ins AFTER INSERT ON invoice_status_totals FOR EACH ROW
  UPDATE invoice_totals_version SET v = v + 1 WHERE id = 1;

CREATE TRIGGER invoice_status_totals_upd AFTER UPDATE ON invoice_status_totals FOR EACH ROW
  UPDATE invoice_totals_version SET v = v + 1 WHERE id = 1;

CREATE TRIGGER invoice_status_totals_del AFTER DELETE ON invoice_status_totals FOR EACH ROW
  UPDATE invoice_totals_version SET v = v + 1 WHERE id = 1;
