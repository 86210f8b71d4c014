#!/usr/bin/env bash
# How the golden files beside this script were made, once (2026-12-03).
# They are not to be made again: every later version must import or refuse
# these very files as README.md says (tests/golden.rs checks it).
#
#   OLD  the `peerjournal` of bundle format 1 (commit 709ebc4), which made
#        the two journals and the format-1 bundle;
#   NEW  the `peerjournal` of bundle format 2, which made the rest from
#        upgraded copies of those journals.
set -euo pipefail
OLD=${OLD:?the format-1 peerjournal}
NEW=${NEW:?the format-2 peerjournal}
here=$(cd "$(dirname "$0")" && pwd)
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
export PEERJOURNAL_PASSPHRASE='golden files passphrase'
# The first value of a member in JSON output.
first() { grep -o "\"$1\": *\"[^\"]*\"" | head -1 | sed 's/.*: *"\(.*\)"/\1/'; }
id() { first id; }

# Two journals, by the old version: Alex volunteers, Kim supervises; a
# third, Sam, only to address a bundle to someone else.
for who in alex:volunteer kim:supervisor sam:volunteer; do
  name=${who%%:*}
  "$OLD" --journal "$work/$name" init --name "${name^}" --role "${who##*:}" --kdf-memory-mib 64 >/dev/null
  "$OLD" --journal "$work/$name" card export --out "$work/$name.card" >/dev/null
done
"$OLD" --journal "$work/alex" card import --yes "$work/kim.card" >/dev/null
"$OLD" --journal "$work/alex" card import --yes "$work/sam.card" >/dev/null
"$OLD" --journal "$work/kim" card import --yes "$work/alex.card" >/dev/null
kim=$("$OLD" --journal "$work/kim" --json status | first fingerprint)
alex=$("$OLD" --journal "$work/alex" --json status | first fingerprint)
sam=$("$OLD" --journal "$work/sam" --json status | first fingerprint)

# A record of every kind a volunteer writes, in awkward words.
a() { "$OLD" --journal "$work/alex" --json "$@"; }
p=$(a person add --alias 'Zoë «R.M.» Ó Súilleabháin' --consent | id)
a contact add --person "$p" --kind home-visit --minutes 60 --at 2026-11-20T10:00 \
  --notes $'talked about the allotment 🌱, and her son\'s "new" job\nsecond line' >/dev/null
a boundary add --person "$p" --rules 'no visits after 6pm; texts only — never calls' --agreed-on 2026-11-01 >/dev/null
concern=$(a concern add --person "$p" --kind wellbeing --urgency low --notes 'seemed low; 日本語 too' | id)
a reflection add --text 'shared: a hard visit to bring to supervision' --person "$p" --shared >/dev/null
a reflection add --text 'private: never leaves this journal' >/dev/null
"$OLD" --journal "$work/alex" export --to "$kim" --out "$work/v1-alex-to-kim.bundle" >/dev/null
cp "$work/v1-alex-to-kim.bundle" "$here/v1-alex-to-kim.bundle"

# Kim takes it in (format 1), writes a service, a note and an
# acknowledgement of the concern (as format 1 did it: on Alex's record).
"$OLD" --journal "$work/kim" import "$work/v1-alex-to-kim.bundle" >/dev/null
k() { "$OLD" --journal "$work/kim" --json "$@"; }
k service add --name 'Café «Blåbær»' --category food >/dev/null
k note add --for "$alex" --about "$concern" --text 'well handled — talk on Tuesday' >/dev/null
k concern ack "$concern" --by Kim >/dev/null

# The journals as the old version left them, made back into one file each
# (the old version folds its log away when a command ends).
for name in alex kim; do
  mkdir -p "$here/$name"
  cp "$work/$name/journal.key" "$work/$name/journal.db" "$here/$name/"
done

# Format 2, from upgraded copies: what each now sends the other.
cp -r "$work/alex" "$work/alex2"; cp -r "$work/kim" "$work/kim2"
"$NEW" --journal "$work/alex2" status >/dev/null
"$NEW" --journal "$work/kim2" status >/dev/null
"$NEW" --journal "$work/alex2" --json contact add --person "$p" --kind phone --minutes 15 \
  --at 2026-12-01T09:30 --notes 'after the upgrade: a short call' >/dev/null
"$NEW" --journal "$work/alex2" export --to "$kim" --out "$here/v2-alex-to-kim.bundle" >/dev/null
# Kim takes Alex's in first: Alex's card in it names Alex's device, so
# Kim's journal now knows whose concern its acknowledgement is about.
"$NEW" --journal "$work/kim2" import "$here/v2-alex-to-kim.bundle" >/dev/null
"$NEW" --journal "$work/kim2" export --to "$alex" --out "$here/v2-kim-to-alex.bundle" >/dev/null
"$NEW" --journal "$work/alex2" export --to "$sam" --out "$here/fail-for-sam.bundle" >/dev/null

# What must be refused, made from those.
bundle="$here/v2-alex-to-kim.bundle"
size=$(stat -c %s "$bundle")
head -c $((size / 2)) "$bundle" > "$here/fail-cut-short.bundle"
python3 -c 'import sys; b = bytearray(open(sys.argv[1], "rb").read()); b[len(b) // 2] ^= 1; open(sys.argv[2], "wb").write(b)' \
  "$bundle" "$here/fail-changed-byte.bundle"
cp "$work/kim.card" "$here/fail-a-card.bundle"
echo "made in $here"
