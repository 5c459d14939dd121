-- 0023_credit_note_lines.sql — which invoice line each credit note line credits (issue 11).
--
-- A credit note (invoices.kind = 'credit', credited_invoice_id set) made from
-- an invoice's lines (lib/credit.h) keeps, per credit note line, the invoice
-- line it credits and, when it credits a quantity (not an amount), that
-- quantity; so "what is still uncredited" per line is the line's quantity
-- and net less what issued, non-void credit notes took. A new table, so the
-- migration is instant on a large set; credit notes made before it (demo
-- data) have no rows here and count against the invoice's total only.
CREATE TABLE credit_note_lines (
  line_id          BIGINT UNSIGNED NOT NULL,             -- the credit note's line
  credited_line_id BIGINT UNSIGNED NOT NULL,             -- the invoice line it credits
  quantity         DECIMAL(20,6) NOT NULL DEFAULT 0,     -- credited quantity; 0 for an amount credit
  PRIMARY KEY (line_id),
  KEY ix_credit_note_lines_credited (credited_line_id),
  CONSTRAINT fk_credit_note_lines_line FOREIGN KEY (line_id) REFERENCES invoice_lines (id) ON DELETE CASCADE,
  CONSTRAINT fk_credit_note_lines_credited FOREIGN KEY (credited_line_id) REFERENCES invoice_lines (id),
  CONSTRAINT ck_credit_note_lines_quantity CHECK (quantity >= 0)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;
