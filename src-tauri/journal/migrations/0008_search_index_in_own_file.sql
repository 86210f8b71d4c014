-- 0008: the search index moves out of the journal's database into a file
-- of its own, search.db (see src/search.rs), built from `records` at the
-- first unlock after this migration.
-- Shipped migrations are never edited; change the schema in a new file.

-- The words of every record go with the table; secure_delete zeroes the
-- pages they were on.
DROP TABLE records_fts;
