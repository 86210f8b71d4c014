-- 0016: a contact flagged "talk about this in supervision" now needs
-- attention, as a flagged boundary issue always has. `attention` is worked
-- out when a record is written; this marks contacts written before the
-- rule. Shipped migrations are never edited; change the schema in a new file.
UPDATE records SET attention = 1
    WHERE kind = 'contact' AND deleted = 0 AND attention = 0
      AND json_extract(data, '$.flag') = 1;
