-- A counter that moves with every change to the customers' names, in the same
-- transaction. A word search lists the customers its text matches by name
-- (lib/listq.c, list_names): each program keeps that list in its memo under
-- this version, so a search repeated, paged or re-sorted skips the scan of
-- every name while no name changed.

CREATE TABLE customer_names_version (
  id TINYINT UNSIGNED NOT NULL,
  v  BIGINT UNSIGNED NOT NULL,
  PRIMARY KEY (id)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;

INSERT INTO customer_names_version (id, v) VALUES (1, 1);

CREATE TRIGGER customers_names_ins AFTER INSERT ON customers FOR EACH ROW
  UPDATE customer_names_version SET v = v + 1 WHERE id = 1;

CREATE TRIGGER customers_names_upd AFTER UPDATE ON customers FOR EACH ROW
  UPDATE customer_names_version SET v = v + (NEW.name <> OLD.name OR NEW.id <> OLD.id) WHERE id = 1;

CREATE TRIGGER customers_names_del AFTER DELETE ON customers FOR EACH ROW
  UPDATE customer_names_version SET v = v + 1 WHERE id = 1;
