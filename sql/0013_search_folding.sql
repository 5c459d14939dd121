-- Search finds what clerks type (lib/listq.c, search_sql):
--
-- Letters utf8mb4_unicode_ci does not fold the way clerks expect: "lodz" must
-- find Łódź, "oresund" Øresund, "strasse" Straße, "aerospace" Ærospace. The
-- collation still folds case and the other accents (ó = o); invoice_fold()
-- spells out the rest, the same mapping as listq_fold() in C, which folds the
-- search text: ł→l ø→o ß→ss æ→ae đ→d ð→d œ→oe þ→th ı→i ħ→h (either case).
-- The two views below spell the same REPLACE chain out rather than call the
-- function: a stored function costs about 13 us a call against 1.5 us
-- inline, which a rebuild of every term (tens of millions of words) feels.
-- Keep the three in step with listq_fold().
-- Stored search terms and customer names are kept folded, so every search
-- stays on the indexes it used: invoice_terms (0004) and a folded copy of the
-- name beside the name (customers.name_fold, kept by triggers).
--
-- Custom-field values (PO number, contract...) of fields shown to customers
-- become terms too: each word of 3+ characters (numbers included: "33093"),
-- and the whole value ("po-2025-33093"), so a search for the value, its start
-- or one of its words finds the invoice. Internal fields (visible_to_customer
-- = 0) stay out: the terms serve every role's search.
--
-- The customer's email is searched with the name; the names' version (0007)
-- now also moves when an email changes.

CREATE FUNCTION invoice_fold(s VARCHAR(2000)) RETURNS VARCHAR(4000)
  DETERMINISTIC NO SQL
  RETURN REPLACE(REPLACE(REPLACE(REPLACE(REPLACE(REPLACE(REPLACE(REPLACE(REPLACE(REPLACE(
           LOWER(s) COLLATE utf8mb4_bin,
           'ł', 'l'), 'ø', 'o'), 'ß', 'ss'), 'æ', 'ae'), 'đ', 'd'), 'ð', 'd'),
           'œ', 'oe'), 'þ', 'th'), 'ı', 'i'), 'ħ', 'h');

-- customers: the folded name, searched by the list in place of the name
ALTER TABLE customers ADD COLUMN name_fold VARCHAR(400) NOT NULL DEFAULT '' AFTER name,
  ADD KEY ix_customers_name_fold (name_fold, email, id);

CREATE TRIGGER customers_fold_ins BEFORE INSERT ON customers FOR EACH ROW
  SET NEW.name_fold = invoice_fold(NEW.name);

CREATE TRIGGER customers_fold_upd BEFORE UPDATE ON customers FOR EACH ROW
  SET NEW.name_fold = invoice_fold(NEW.name);

UPDATE customers SET name_fold = invoice_fold(name);

DROP TRIGGER customers_names_upd;
CREATE TRIGGER customers_names_upd AFTER UPDATE ON customers FOR EACH ROW
  UPDATE customer_names_version SET v = v + (BINARY NEW.name <> BINARY OLD.name OR NEW.id <> OLD.id
                                             OR BINARY NEW.email <> BINARY OLD.email) WHERE id = 1;

-- the words of the lines, folded (the one definition, as in 0004)
CREATE OR REPLACE VIEW invoice_line_terms AS
  SELECT l.id AS line_id, l.invoice_id, LEFT(REPLACE(REPLACE(REPLACE(REPLACE(REPLACE(REPLACE(REPLACE(REPLACE(REPLACE(REPLACE(
           LOWER(j.w) COLLATE utf8mb4_bin,
           'ł', 'l'), 'ø', 'o'), 'ß', 'ss'), 'æ', 'ae'), 'đ', 'd'), 'ð', 'd'),
           'œ', 'oe'), 'þ', 'th'), 'ı', 'i'), 'ħ', 'h'), 32) AS term
    FROM invoice_lines l,
         JSON_TABLE(CONCAT('["', REGEXP_REPLACE(l.description, '[^\\p{L}\\p{N}]+', '","'), '"]'),
                    '$[*]' COLUMNS (w VARCHAR(2000) PATH '$')) j
   WHERE CHAR_LENGTH(j.w) >= 3 AND j.w NOT REGEXP '^[0-9]+$';

-- the words and the whole value of the custom fields shown to customers, folded
CREATE VIEW invoice_field_terms AS
  SELECT x.invoice_id, LEFT(REPLACE(REPLACE(REPLACE(REPLACE(REPLACE(REPLACE(REPLACE(REPLACE(REPLACE(REPLACE(
           LOWER(x.w) COLLATE utf8mb4_bin,
           'ł', 'l'), 'ø', 'o'), 'ß', 'ss'), 'æ', 'ae'), 'đ', 'd'), 'ð', 'd'),
           'œ', 'oe'), 'þ', 'th'), 'ı', 'i'), 'ħ', 'h'), 32) AS term
    FROM (SELECT f.invoice_id, j.w
            FROM invoice_custom_fields f
            JOIN custom_field_defs d ON d.id = f.field_id AND d.visible_to_customer = 1,
                 JSON_TABLE(CONCAT('["', REGEXP_REPLACE(f.value, '[^\\p{L}\\p{N}]+', '","'), '"]'),
                            '$[*]' COLUMNS (w VARCHAR(2000) PATH '$')) j
           WHERE CHAR_LENGTH(j.w) >= 3
          UNION ALL
          SELECT f.invoice_id, TRIM(f.value) AS w
            FROM invoice_custom_fields f
            JOIN custom_field_defs d ON d.id = f.field_id AND d.visible_to_customer = 1
           WHERE CHAR_LENGTH(TRIM(f.value)) >= 3) x;

DROP PROCEDURE invoice_terms_of;
CREATE PROCEDURE invoice_terms_of(p_invoice BIGINT UNSIGNED)
BEGIN
  DELETE FROM invoice_terms WHERE invoice_id = p_invoice;
  INSERT IGNORE INTO invoice_terms (term, invoice_id)
  SELECT term, invoice_id FROM invoice_line_terms WHERE invoice_id = p_invoice;
  INSERT IGNORE INTO invoice_terms (term, invoice_id)
  SELECT term, invoice_id FROM invoice_field_terms WHERE invoice_id = p_invoice;
END;

DROP PROCEDURE invoice_terms_rebuild;
CREATE PROCEDURE invoice_terms_rebuild()
BEGIN
  DELETE FROM invoice_terms;
  INSERT IGNORE INTO invoice_terms (term, invoice_id) SELECT term, invoice_id FROM invoice_line_terms;
  INSERT IGNORE INTO invoice_terms (term, invoice_id) SELECT term, invoice_id FROM invoice_field_terms;
END;

CREATE TRIGGER invoice_fields_terms_ins AFTER INSERT ON invoice_custom_fields FOR EACH ROW
BEGIN
  IF @invoice_totals_off IS NULL THEN
    CALL invoice_terms_of(NEW.invoice_id);
  END IF;
END;

CREATE TRIGGER invoice_fields_terms_upd AFTER UPDATE ON invoice_custom_fields FOR EACH ROW
BEGIN
  IF @invoice_totals_off IS NULL THEN
    CALL invoice_terms_of(NEW.invoice_id);
    IF OLD.invoice_id <> NEW.invoice_id THEN
      CALL invoice_terms_of(OLD.invoice_id);
    END IF;
  END IF;
END;

CREATE TRIGGER invoice_fields_terms_del AFTER DELETE ON invoice_custom_fields FOR EACH ROW
BEGIN
  IF @invoice_totals_off IS NULL THEN
    CALL invoice_terms_of(OLD.invoice_id);
  END IF;
END;

-- a field shown to customers or hidden again: its invoices' terms follow
CREATE TRIGGER custom_field_defs_terms_upd AFTER UPDATE ON custom_field_defs FOR EACH ROW
BEGIN
  IF @invoice_totals_off IS NULL AND NEW.visible_to_customer <> OLD.visible_to_customer THEN
    DELETE t FROM invoice_terms t JOIN invoice_custom_fields f ON f.invoice_id = t.invoice_id
     WHERE f.field_id = NEW.id;
    INSERT IGNORE INTO invoice_terms (term, invoice_id)
    SELECT lt.term, lt.invoice_id FROM invoice_line_terms lt
     WHERE lt.invoice_id IN (SELECT f.invoice_id FROM invoice_custom_fields f WHERE f.field_id = NEW.id);
    INSERT IGNORE INTO invoice_terms (term, invoice_id)
    SELECT ft.term, ft.invoice_id FROM invoice_field_terms ft
     WHERE ft.invoice_id IN (SELECT f.invoice_id FROM invoice_custom_fields f WHERE f.field_id = NEW.id);
  END IF;
END;

CALL invoice_terms_rebuild();
