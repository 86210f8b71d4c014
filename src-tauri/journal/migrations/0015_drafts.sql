-- 0015: drafts of the app's forms, kept as they are typed so that nothing
-- is lost to a lock, a crash or a closed window. Shipped migrations are
-- never edited; change the schema in a new file.
--
-- Local: a draft is never an event, never sent in a bundle and never in
-- the search index. `person` and `record` say whom and what it is about
-- (the person its fields name, the record it changes), so that erasing
-- either erases the draft too.
CREATE TABLE drafts (
    key         TEXT PRIMARY KEY NOT NULL,  -- "contact:new", "contact:<record id>"
    kind        TEXT NOT NULL,
    record      TEXT,
    person      TEXT,
    fields      TEXT NOT NULL,              -- a JSON object, as typed
    updated_at  TEXT NOT NULL
) STRICT;
CREATE INDEX drafts_by_person ON drafts (person) WHERE person IS NOT NULL;
CREATE INDEX drafts_by_record ON drafts (record) WHERE record IS NOT NULL;
