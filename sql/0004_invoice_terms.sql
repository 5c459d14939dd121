-- Keyword search over line descriptions, per invoice. The FULLTEXT index on
-- invoice_lines answered a common word ("Cloud", in a quarter of the lines)
-- only after collecting every line that has it (1.6 s at a million
-- invoices); invoice_terms holds each invoice's words once, so the list can
-- start from a rare word's invoices or test each row of the page for a
-- common one (lib/listq.c, listq_search_plan).
--
-- A word is a run of letters and digits (any script) of 3+ characters that is
-- not a bare number, cut at 32 characters; the collation makes matching case-
-- and accent-insensitive. invoice_line_terms is the one definition of that:
-- the triggers and the rebuild all read it. A bulk load sets
-- @invoice_totals_off = 1 (as for the sums) and CALLs invoice_terms_rebuild().

ALTER TABLE invoice_lines DROP INDEX ft_invoice_lines_description;

CREATE TABLE invoice_terms (
  term       VARCHAR(32) NOT NULL,
  invoice_id BIGINT UNSIGNED NOT NULL,
  PRIMARY KEY (term, invoice_id),
  KEY ix_invoice_terms_invoice (invoice_id, term)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;

CREATE VIEW invoice_line_terms AS
  SELECT l.id AS line_id, l.invoice_id, LEFT(j.w, 32) AS term
    FROM invoice_lines l,
         JSON_TABLE(CONCAT('["', REGEXP_REPLACE(l.description, '[^\\p{L}\\p{N}]+', '","'), '"]'),
                    '$[*]' COLUMNS (w VARCHAR(2000) PATH '$')) j
   WHERE CHAR_LENGTH(j.w) >= 3 AND j.w NOT REGEXP '^[0-9]+$';

-- One invoice's words again (a line changed or went: another line may share a word).
CREATE PROCEDURE invoice_terms_of(p_invoice BIGINT UNSIGNED)
BEGIN
  DELETE FROM invoice_terms WHERE invoice_id = p_invoice;
  INSERT IGNORE INTO invoice_terms (term, invoice_id)
  SELECT term, invoice_id FROM invoice_line_terms WHERE invoice_id = p_invoice;
END;

CREATE PROCEDURE invoice_terms_rebuild()
BEGIN
  DELETE FROM invoice_terms;
  INSERT IGNORE INTO invoice_terms (term, invoice_id) SELECT term, invoice_id FROM invoice_line_terms;
END;

CREATE TRIGGER invoice_lines_terms_ins AFTER INSERT ON invoice_lines FOR EACH ROW
BEGIN
  IF @invoice_totals_off IS NULL THEN
    INSERT IGNORE INTO invoice_terms (term, invoice_id)
    SELECT term, invoice_id FROM invoice_line_terms WHERE line_id = NEW.id;
  END IF;
END;

CREATE TRIGGER invoice_lines_terms_upd AFTER UPDATE ON invoice_lines FOR EACH ROW
BEGIN
  IF @invoice_totals_off IS NULL AND (OLD.description <> NEW.description OR OLD.invoice_id <> NEW.invoice_id) THEN
    CALL invoice_terms_of(NEW.invoice_id);
    IF OLD.invoice_id <> NEW.invoice_id THEN
      CALL invoice_terms_of(OLD.invoice_id);
    END IF;
  END IF;
END;

CREATE TRIGGER invoice_lines_terms_del AFTER DELETE ON invoice_lines FOR EACH ROW
BEGIN
  IF @invoice_totals_off IS NULL THEN
    CALL invoice_terms_of(OLD.invoice_id);
  END IF;
END;

CALL invoice_terms_rebuild();
