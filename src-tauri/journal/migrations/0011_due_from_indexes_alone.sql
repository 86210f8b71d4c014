-- 0011: what is due is chosen from indexes alone; only the page shown is
-- read from the records. Shipped migrations are never edited; change the
-- schema in a new file.
--
-- `records_due` also holds each referral's or review's person and kind,
-- and `records_endings` (a few entries: one per ending) says whose support
-- has ended, so that neither has to read a record's row to answer; the
-- retention check at unlock reads its endings from it too. With the
-- records' rows read for each of 10,000 open referrals and reviews, the
-- list took 0.1 s in a journal of 100,000 records.
DROP INDEX records_due;
CREATE INDEX records_due ON records (due_key, person, kind) WHERE deleted = 0 AND due_key IS NOT NULL AND kind != 'contact';
CREATE INDEX records_endings ON records (person, at) WHERE deleted = 0 AND kind = 'ending';
