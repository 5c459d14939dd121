-- 0007_number_sort.sql — sorting by number, ties (drafts have none) by id, walks
-- this index; the unique index alone cannot serve ORDER BY number, id.
ALTER TABLE invoices ADD KEY ix_invoices_number_id (number, id);
