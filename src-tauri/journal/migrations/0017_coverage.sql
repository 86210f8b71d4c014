-- 0017: what of each other journal's devices' numbers is accounted for, so
-- that a volunteer's file gone missing shows on the supervisor's roster.
-- Shipped migrations are never edited; change the schema in a new file.
--
-- `coverage` holds runs of a device's numbers that arrived, or that its
-- journal said it never sends (private reflections); `declared` how far
-- each device had written, as its last file said (bundle version 3). The
-- numbers not covered up to that are the missing ones. Runs of what is
-- held already are noted here, as the files that brought them would have.
CREATE TABLE coverage (
    device  TEXT    NOT NULL,
    first   INTEGER NOT NULL,
    last    INTEGER NOT NULL,
    PRIMARY KEY (device, first, last)
) STRICT;
CREATE TABLE declared (
    device  TEXT    PRIMARY KEY NOT NULL,
    upto    INTEGER NOT NULL
) STRICT;
INSERT INTO coverage (device, first, last)
    SELECT device, min(seq), max(seq) FROM (
        SELECT device, seq, seq - row_number() OVER (PARTITION BY device ORDER BY seq) AS run FROM (
            SELECT device, seq FROM events
            UNION
            SELECT d.id, r.lazy_seq FROM records r JOIN devices d ON d.n = r.created_device
            WHERE r.lazy_seq IS NOT NULL))
    WHERE device NOT IN (SELECT id FROM devices WHERE journal = (SELECT fingerprint FROM identity))
    GROUP BY device, run;
