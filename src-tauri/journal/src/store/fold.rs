//! The event log and the materialised state built from it.
//!
//! Every change to a record is an [`Event`]: the device that made it, that
//! device's sequence number, a hybrid logical clock stamp, the record, and
//! the fields it set — each with the clock of the value it replaced (its
//! *base*). A [`Batch`] folds events into `records` in the caller's
//! transaction and brings the search index ([`crate::store::search`]) up to date
//! in a transaction of its own, committed after the caller's.
//! Applying is order-independent: per field, the value
//! with the greatest (stamp, device) wins, so any set of events gives the same
//! state whatever order they arrive in and however often. Two writes that
//! replaced the same base from different devices are concurrent: the loser
//! stays in the log (and so in history) and the field is marked as a
//! conflict until someone writes over the winner.
//!
//! Erasure ("forget this person") is absorbing: it deletes the person's
//! records, the notes and acknowledgements pointing at them, every event
//! about them and the app's drafts that name them or change those records,
//! and any such event that arrives later is dropped. What
//! an erasure covers is worked out here, never taken from a list the event
//! carries.
//!
//! Folding knows nothing of who may write what, with one exception: a
//! batch told whose events it takes ([`Batch::only_from`], an import)
//! refuses an event that changes or erases a record of another journal's,
//! and notes records it made from a change that did not create them whole
//! ([`Batch::unfinished`]). The other rules (devices, kinds, roles) are the
//! callers' to check before they apply an event. A concern's `attention`
//! is the one column worked out from other records: it is cleared while an
//! acknowledgement points at the concern.
//!
//! Most records are written once. The event that created a record, while
//! it is still the record's only event, is not a row of `events`: the
//! record's row holds it. Its device and clock are the record's creation,
//! its sequence number and source are `lazy_seq` and `lazy_source`, and its
//! fields are exactly the record's data (every value set, none over a
//! base). The `event_log` view gives the whole log, these events included.
//! A record's row names the devices that made and last changed it by the
//! number `devices` gives each device, not by its id (smaller rows, and
//! quicker steps down `records_lazy_event`).
//! The first later event for the record writes the creating one out to
//! `events` in full before it is folded in, so the log never depends on
//! data that has changed since. A (device, seq) is unique across both.

use std::borrow::Cow;
use std::collections::btree_map::Entry;
use std::collections::{BTreeMap, HashMap};
use std::sync::mpsc::SyncSender;

use rusqlite::{params, Connection, OptionalExtension};
use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};

use crate::error::Refusal;
use crate::error::{Error, Result};
use crate::model::event::{Clock, Event, FieldChange, Op};
use crate::model::ids::{binding, Binding, IdOf};
use crate::model::kinds::{self, Fields, Kind};
use crate::store::log::{acknowledged, creation_fields, insert_event, is_erased, records_of_person, refresh_attention};
use crate::store::rows::{insert_new_row, load, update_row, FieldClock, LazyEvent, Row, RowValues};
use crate::store::search::{self, SearchIndex, SearchTx, Work};

/// What applying an event did, for import summaries.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Applied {
    /// The event was already in the log.
    Duplicate,
    /// A new record.
    Created,
    /// An existing record changed (or the event lost every field).
    Updated,
    /// The record had been erased; the event was dropped.
    Dropped,
    /// A person and their records were erased.
    Erased,
}

/// Events being applied in one transaction.
///
/// The search index is not written record by record but for many records at
/// once: every 10,000 records touched, and the rest by
/// [`Batch::finish`]. FTS5 writes out its pending words at every statement
/// savepoint, so indexing record by record inside a large transaction would
/// write (and then merge) one tiny segment per record: for an import of many
/// records that alone doubled the time. A batch that writes a full chunk is
/// a bulk load (an import, a rebuild): see [`search::Work::Bulk`].
///
/// The words go to the index itself ([`Batch::new`]) or to a thread that
/// writes them while this one writes the records ([`Batch::with_indexer`]).
pub struct Batch<'c, 's> {
    conn: &'c Connection,
    /// Where the search entries go.
    indexer: Indexer<'s>,
    /// Rolls back what this batch wrote to the index if it is dropped
    /// unfinished; handed to the caller by [`Batch::finish`].
    search_tx: SearchTx<'s>,
    /// Records whose search entry is to be rewritten (see [`search::Entries`]).
    reindex: search::Entries,
    /// How many records' entries this batch has rewritten so far.
    reindexed: usize,
    /// Whether the journal has erased any record (known once asked): when it
    /// has not, no event needs looking up among the erased.
    any_erased: Option<bool>,
    /// Records whose conflict mark changed in this batch: was it set before,
    /// is it set now, and their kind.
    conflicts: BTreeMap<String, (bool, bool, Kind)>,
    /// Whether the search index is set for a bulk load.
    bulk: bool,
    /// For each device asked about, a sequence number `events` holds
    /// nothing of that device above (see [`Batch::in_events`]).
    logged_up_to: HashMap<String, i64>,
    /// The number `devices` gives each device this batch has written a
    /// record of (see [`Batch::device_number`]).
    devices: HashMap<String, i64>,
    /// For an import: whose events these are. Every record they change or
    /// erase must be that journal's own.
    owners: Option<Owners>,
    /// How many records erasures in this batch removed.
    erased: u32,
    /// The people erased, read once a batch needs them: for each, None
    /// when they were held here when erased (everything about them is
    /// dropped), or the journal that erased them before any of them came
    /// here (what it sends of them is dropped). See [`Batch::erase`].
    erased_people: Option<HashMap<String, Option<Option<String>>>>,
    /// For an import: records this batch made from a change that did not
    /// create them whole (see [`Batch::unfinished`]).
    partial: Vec<String>,
    /// How many events came with the (device, seq) of a different event
    /// already held (see [`Batch::clashes`]).
    clashes: u64,
    /// For an import: the journal each person asked about belongs to (None:
    /// not held here), read once a batch.
    person_owners: HashMap<String, Option<Option<String>>>,
}

/// Whose records an import may change: only its sender's. Used to refuse,
/// in plain words, a change to anyone else's.
pub(crate) struct Owners {
    /// The sender's fingerprint.
    pub sender: String,
    /// The sender's name.
    pub sender_name: String,
    /// This journal's own fingerprint.
    pub own: String,
    /// The names on the cards of the roster, by fingerprint.
    pub names: HashMap<String, String>,
}

impl Owners {
    /// The refusal of an event that would `action` ("change", "erase") a
    /// record of `kind` owned by the journal `owner` (None: unknown).
    fn refuse(&self, action: &'static str, kind: Kind, owner: Option<&str>) -> Error {
        Refusal::NotTheirs { sender: self.sender_name.clone(), action, what: self.whose(kind, owner) }.into()
    }

    /// "a supervision note you wrote", "a contact of Kim's".
    fn whose(&self, kind: Kind, owner: Option<&str>) -> String {
        let label = kind.spec().label;
        match owner {
            Some(o) if o == self.own => format!("{} you wrote", kinds::a(label)),
            Some(o) => match self.names.get(o) {
                Some(name) => format!("{} of {name}'s", kinds::a(label)),
                None => format!("{} that is not theirs", kinds::a(label)),
            },
            None => format!("{} that is not theirs", kinds::a(label)),
        }
    }
}

/// Where a batch's search entries go.
enum Indexer<'s> {
    /// Written to the index on this thread.
    Here(&'s SearchIndex),
    /// Sent to the thread that writes the index.
    Thread(SyncSender<Work>),
}

impl<'c, 's> Batch<'c, 's> {
    /// Starts a batch in `conn`, which must be inside a transaction, writing
    /// search entries to `search` in a transaction of its own.
    pub(crate) fn new(conn: &'c Connection, search: &'s SearchIndex) -> Self {
        Self::start(conn, Indexer::Here(search), SearchTx::new(search))
    }

    /// Starts a batch whose search entries are sent to `indexer`, a thread
    /// writing them to the index ([`SearchIndex::apply_all`]).
    pub(crate) fn with_indexer(conn: &'c Connection, indexer: SyncSender<Work>) -> Self {
        Self::start(conn, Indexer::Thread(indexer), SearchTx::none())
    }

    fn start(conn: &'c Connection, indexer: Indexer<'s>, search_tx: SearchTx<'s>) -> Self {
        Batch {
            conn,
            indexer,
            search_tx,
            reindex: BTreeMap::new(),
            reindexed: 0,
            any_erased: None,
            conflicts: BTreeMap::new(),
            bulk: false,
            logged_up_to: HashMap::new(),
            devices: HashMap::new(),
            owners: None,
            erased: 0,
            erased_people: None,
            partial: Vec::new(),
            clashes: 0,
            person_owners: HashMap::new(),
        }
    }

    /// A record this import made from a change that did not create it
    /// whole, and that nothing later in the import completed, if there is
    /// one: its kind. An honest journal sends every record's creation with
    /// (or before) any change to it, so such a change is to a record it
    /// does not own, or this journal has lost the creation (restored from
    /// a backup): either way the import is refused.
    pub(crate) fn unfinished(&self) -> Result<Option<Kind>> {
        for id in &self.partial {
            if let Some(row) = load(self.conn, id)? {
                if !kinds::is_whole(row.kind, &row.data) {
                    return Ok(Some(row.kind));
                }
            }
        }
        Ok(None)
    }

    /// How many events this batch met whose (device, seq) was already held
    /// by a different event: one device's numbers used twice, which only
    /// a journal's folder used on two computers without a device of its
    /// own (or a hand-made bundle) does. The event held is kept; the other
    /// is not.
    pub(crate) fn clashes(&self) -> u64 {
        self.clashes
    }

    /// Counts a clash if the event held as `event`'s (device, seq) is
    /// another one (see [`Batch::clashes`]).
    fn note_clash(&mut self, event: &Event) -> Result<()> {
        let held: Option<(i64, String)> = self
            .conn
            .prepare_cached("SELECT hlc, record FROM event_log WHERE device = ?1 AND seq = ?2")?
            .query_row(params![event.device, event.seq], |r| Ok((r.get(0)?, r.get(1)?)))
            .optional()?;
        if held.is_some_and(|(hlc, record)| hlc != event.hlc || record != event.record) {
            self.clashes += 1;
        }
        Ok(())
    }

    /// How many records the erasures of this batch removed so far.
    pub(crate) fn erased(&self) -> u32 {
        self.erased
    }

    /// Takes only what `owners.sender` owns: a change to, or an erasure
    /// of, any other journal's record is refused (an import).
    pub(crate) fn only_from(&mut self, owners: Owners) {
        self.owners = Some(owners);
    }

    /// The connection (inside the caller's transaction).
    pub fn conn(&self) -> &'c Connection {
        self.conn
    }

    /// Writes `event` to the log and folds it into `records`. `source` is
    /// the fingerprint of the card whose bundle brought it (None for a
    /// change made here).
    pub fn apply(&mut self, event: &Event, source: Option<&str>) -> Result<Applied> {
        let changes = match event.op {
            Op::Put => event.changes()?,
            Op::Erase => Vec::new(),
        };
        self.apply_ready(&Ready::new(event.clone(), changes)?, source)
    }

    /// Applies an event made [`Ready`] (by whoever validated it), so that
    /// none of the work that needs no database is done here.
    pub(crate) fn apply_ready(&mut self, ready: &Ready, source: Option<&str>) -> Result<Applied> {
        let event = &ready.event;
        match (event.op, &ready.fresh) {
            (Op::Put, Some(fresh)) => self.apply_put(ready, fresh, source),
            (Op::Put, None) => Err(Error::CheckFailed("a change was applied unprepared".into())),
            (Op::Erase, _) => {
                let held: Option<Option<String>> = self
                    .conn
                    .prepare_cached(
                        "SELECT d.journal FROM records r JOIN devices d ON d.n = r.created_device
                         WHERE r.id = ?1 AND r.kind = 'person'",
                    )?
                    .query_row([&event.record], |r| r.get(0))
                    .optional()?;
                match (&self.owners, held) {
                    (Some(owners), Some(owner)) if owner.as_deref() != Some(owners.sender.as_str()) => {
                        Err(owners.refuse("erase", Kind::Person, owner.as_deref()))
                    }
                    (Some(owners), None) if ready.foreign_id => {
                        let what = kinds::a(Kind::Person.spec().label);
                        Err(Refusal::ForeignId { sender: owners.sender_name.clone(), what }.into())
                    }
                    (Some(owners), None) => {
                        // The person is not held here: only what their
                        // eraser holds of them here goes, and the erasure is
                        // noted as its (see `erase`). The event is not kept:
                        // it is no change to anything of this journal's.
                        let sender = owners.sender.clone();
                        let gone = self.erase_unheld(&event.record, &sender, event.hlc, &event.device)?;
                        Ok(if gone > 0 { Applied::Erased } else { Applied::Dropped })
                    }
                    _ => {
                        if !self.insert_event(event, &ready.fields_json()?, source)? {
                            self.note_clash(event)?;
                            return Ok(Applied::Duplicate);
                        }
                        self.erase(&event.record, event.hlc, &event.device)?;
                        Ok(Applied::Erased)
                    }
                }
            }
        }
    }

    fn may_be_erased(&mut self) -> Result<bool> {
        if let Some(known) = self.any_erased {
            return Ok(known);
        }
        let any = self.conn.query_row(
            "SELECT EXISTS (SELECT 1 FROM erased_records) OR EXISTS (SELECT 1 FROM erasures)",
            [],
            |r| r.get(0),
        )?;
        self.any_erased = Some(any);
        Ok(any)
    }

    /// The records whose conflict mark this batch set (they had none
    /// before), with their kinds.
    pub fn new_conflicts(&self) -> impl Iterator<Item = (&str, Kind)> {
        self.conflicts
            .iter()
            .filter(|(_, (before, now, _))| !before && *now)
            .map(|(id, (_, _, kind))| (id.as_str(), *kind))
    }

    /// Brings the search index up to date for every record the batch
    /// touched, and moves the journal's search generation on if it wrote
    /// any (see [`crate::store::search`]). Call before committing; commit the
    /// returned index transaction after the journal's.
    pub fn finish(mut self) -> Result<SearchTx<'s>> {
        if self.reindexed > 0 {
            self.write_search_entries()?;
            let from = search::journal_generation(self.conn)?;
            let to = search::new_generation();
            crate::store::set_meta(self.conn, "search_generation", &to.to_string())?;
            self.index(Work::Finish {
                bulk: self.bulk,
                // A bulk load leaves its words in large unmerged segments.
                tidy: self.bulk,
                advance: Some((from, to)),
            })?;
        }
        Ok(self.search_tx)
    }

    fn write_search_entries(&mut self) -> Result<()> {
        let entries = std::mem::take(&mut self.reindex);
        self.index(Work::Write(entries))
    }

    fn index(&self, work: Work) -> Result<()> {
        match &self.indexer {
            Indexer::Here(search) => search.apply(work),
            Indexer::Thread(indexer) => {
                indexer.send(work).map_err(|_| Error::CheckFailed("the search index stopped taking entries".into()))
            }
        }
    }

    /// Notes that the search entry of the record at `rowid` is to be
    /// rewritten with `body`. `existed`: the record was there before this
    /// event (so, unless this batch made it, may have an entry).
    fn reindex(&mut self, rowid: i64, existed: bool, body: Option<String>) -> Result<()> {
        let body = body.filter(|b| !b.is_empty());
        match self.reindex.entry(rowid) {
            Entry::Occupied(mut e) => e.get_mut().1 = body,
            Entry::Vacant(e) => {
                e.insert((existed, body));
                self.reindexed += 1;
            }
        }
        // Written in chunks, so memory stays flat however big the batch. A
        // record touched again after its chunk was written exists by then,
        // so its fresh entry removes the one written here first.
        if self.reindex.len() >= SEARCH_CHUNK {
            if !self.bulk {
                self.index(Work::Bulk)?;
                self.bulk = true;
            }
            self.write_search_entries()?;
        }
        Ok(())
    }
}

/// An event made ready to apply, with everything that needs no database
/// done: its changes read, its log entry written out, and the row its
/// record would have if this event creates it (most imported events do).
/// An import prepares events on one thread while another applies them.
pub(crate) struct Ready {
    event: Event,
    /// The changes of a put its record's row cannot hold (see `lazy`), and
    /// their form in the log. A put the row can hold, the usual case in a
    /// bulk import, carries neither: both are in its row's data, and are
    /// read back from it only if the record turns out to exist already.
    /// Prepared events wait between the threads, so this halves the memory
    /// they take.
    changes: Vec<(String, FieldChange)>,
    fields_json: Option<String>,
    /// For a put: the row of a record this event creates.
    fresh: Option<RowValues>,
    /// Whether, if it creates its record, the event can be left for the
    /// record's row to hold: every value set, none over a base.
    lazy: bool,
    /// Whether the record's id is bound to another journal than the
    /// event's sender (see `model::ids`): worked out by whoever prepared it.
    foreign_id: bool,
}

impl Ready {
    /// Prepares `event`, whose fields read as `changes` (none for an erasure).
    pub(crate) fn new(mut event: Event, changes: Vec<(String, FieldChange)>) -> Result<Self> {
        if event.op == Op::Erase {
            let json = serde_json::to_string(&event.fields).map_err(|e| Error::invalid(e.to_string()))?;
            return Ok(Ready { event, changes, fields_json: Some(json), fresh: None, lazy: false, foreign_id: false });
        }
        // A put is applied from its changes; its fields as read are not
        // needed again (an erasure's list of ids is).
        event.fields = Map::new();
        let lazy = changes.iter().all(|(_, c)| c.base.is_none() && !c.value.is_null());
        if lazy {
            // Every value set over nothing: the values are the row's data,
            // moved there, and every field's clock is the creation's.
            let data: Fields = changes.into_iter().map(|(name, change)| (name, change.value)).collect();
            let created = Clock(event.hlc, event.device.clone());
            let fresh =
                RowValues::new(&event.record, event.kind, &data, String::from("{}"), created.clone(), created, false)?;
            return Ok(Ready {
                event,
                changes: Vec::new(),
                fields_json: None,
                fresh: Some(fresh),
                lazy,
                foreign_id: false,
            });
        }
        let fresh = RowValues::of(&event.record, event.kind, &Row::created_by(&event, &changes))?;
        let json = changes_json(&changes)?;
        Ok(Ready { event, changes, fields_json: Some(json), fresh: Some(fresh), lazy, foreign_id: false })
    }

    /// Notes whether the record's id is bound to another journal than the
    /// one whose key is `key` (the sender's).
    pub(crate) fn check_id(&mut self, key: &[u8; 32]) {
        self.foreign_id = binding(IdOf::Record, &self.event.record, key) == Binding::Other;
    }

    /// The event (for a put, without its fields: they are in its changes).
    pub(crate) fn event(&self) -> &Event {
        &self.event
    }

    /// The changes of a put.
    fn changes(&self) -> Result<Cow<'_, [(String, FieldChange)]>> {
        match (&self.fresh, self.lazy) {
            (Some(fresh), true) => Ok(Cow::Owned(
                fresh.data()?.into_iter().map(|(name, value)| (name, FieldChange { base: None, value })).collect(),
            )),
            _ => Ok(Cow::Borrowed(&self.changes)),
        }
    }

    /// The event's fields as the log stores them: for a put, its changes
    /// (so what is stored is what was checked, in one form).
    fn fields_json(&self) -> Result<Cow<'_, str>> {
        match (&self.fields_json, &self.fresh) {
            (Some(json), _) => Ok(Cow::Borrowed(json)),
            (None, Some(fresh)) => Ok(Cow::Owned(creation_fields(&fresh.data()?)?)),
            (None, None) => Err(Error::CheckFailed("an event was applied unprepared".into())),
        }
    }
}

/// A put's changes as a JSON object of fields, in the form `Event::fields`
/// has in a bundle.
fn changes_json(changes: &[(String, FieldChange)]) -> Result<String> {
    struct AsMap<'a>(&'a [(String, FieldChange)]);
    impl Serialize for AsMap<'_> {
        fn serialize<S: serde::Serializer>(&self, s: S) -> std::result::Result<S::Ok, S::Error> {
            s.collect_map(self.0.iter().map(|(name, change)| (name, change)))
        }
    }
    serde_json::to_string(&AsMap(changes)).map_err(|e| Error::invalid(e.to_string()))
}

impl Batch<'_, '_> {
    /// Folds a put into its record. `fresh` is the row the record has if
    /// this event creates it, which is tried first: for a new record that is
    /// one insert, with no look-up before it.
    fn apply_put(&mut self, ready: &Ready, fresh: &RowValues, source: Option<&str>) -> Result<Applied> {
        let conn = self.conn;
        let event = &ready.event;
        if self.about_the_erased(fresh, &event.device)? {
            return Ok(Applied::Dropped);
        }
        self.check_person(fresh, event.kind)?;
        if let Some(owners) = &self.owners {
            // A record whose id is bound to another journal's key is that
            // journal's: nobody else makes it, held here yet or not. (Held,
            // it is refused below as another journal's, by name.)
            if ready.foreign_id && !self.holds(&event.record)? {
                let what = kinds::a(event.kind.spec().label);
                return Err(Refusal::ForeignId { sender: owners.sender_name.clone(), what }.into());
            }
        }
        let lazy = ready.lazy.then_some(LazyEvent { seq: event.seq, source });
        let devices = self.device_numbers(fresh)?;
        let open = fresh.kind != Kind::Concern.as_str() || !acknowledged(conn, &fresh.id)?;
        if let Some(rowid) = insert_new_row(conn, fresh, devices, lazy.as_ref(), open)? {
            let logged = match lazy {
                Some(_) => !self.in_events(&event.device, event.seq)?,
                None => self.insert_event(event, &ready.fields_json()?, source)?,
            };
            if !logged {
                // Only a hand-made bundle could reuse a (device, seq) for a
                // new record: the event is the one already held, so the row
                // just made goes again.
                conn.prepare_cached("DELETE FROM records WHERE rowid = ?1")?.execute([rowid])?;
                self.note_clash(event)?;
                return Ok(Applied::Duplicate);
            }
            if event.kind == Kind::Acknowledgement {
                refresh_attention(conn, fresh.about.as_deref())?;
            }
            if self.owners.is_some() && !fresh.whole {
                self.partial.push(event.record.clone());
            }
            if event.kind == Kind::Person && self.may_be_erased()? {
                // An erasure of this person noted before they arrived, by a
                // journal other than theirs, no longer means anything.
                let moot = conn
                    .prepare_cached(
                        "DELETE FROM erasures WHERE person = ?1 AND device NOT IN (
                             SELECT id FROM devices WHERE journal = (SELECT journal FROM devices WHERE id = ?2))",
                    )?
                    .execute(params![event.record, event.device])?;
                if moot > 0 {
                    self.erased_people = None;
                }
            }
            self.reindex(rowid, false, fresh.body.clone())?;
            return Ok(Applied::Created);
        }
        // Here the record exists, or a hand-made bundle gave a new record
        // the (device, seq) of an event held in another record's row.
        let loaded = load(conn, &event.record)?;
        if let (Some(owners), Some(row)) = (&self.owners, &loaded) {
            if row.owner.as_deref() != Some(owners.sender.as_str()) {
                return Err(owners.refuse("change", row.kind, row.owner.as_deref()));
            }
        }
        if !self.insert_event(event, &ready.fields_json()?, source)? {
            self.note_clash(event)?;
            return Ok(Applied::Duplicate);
        }
        let Some(mut row) = loaded else {
            return Err(Error::CheckFailed("a record is neither new nor stored".into()));
        };
        // The record's row may hold its creating event, whose fields are the
        // data about to change: write it out to the log first. (The row's
        // update below clears `lazy_seq`.)
        let written_out = conn
            .prepare_cached(
                "INSERT INTO events (device, seq, hlc, record, kind, op, fields, source)
                 SELECT d.id, r.lazy_seq, r.created_hlc, r.id, r.kind, 'put', creation_fields(r.data), r.lazy_source
                 FROM records r JOIN devices d ON d.n = r.created_device WHERE r.id = ?1 AND r.lazy_seq IS NOT NULL",
            )?
            .execute([&event.record])?;
        if written_out > 0 {
            // Some device's event, read back from the row: known again
            // when next asked.
            self.logged_up_to.clear();
        }
        if row.kind != event.kind {
            // Only a hand-made bundle could do this: its fields were checked
            // against the wrong kind.
            let why = "a change names another kind than its record's".to_string();
            return Err(Refusal::InvalidRecord(why).into());
        }
        let was_conflict = row.conflict;
        let about_before = row.data.get("about").and_then(Value::as_str).map(str::to_string);
        // The record's creation is its earliest event, whichever arrives first.
        let this = Clock(event.hlc, event.device.clone());
        if this < row.created {
            row.created = this.clone();
        }
        for (name, change) in ready.changes()?.iter() {
            let current = row.clocks.remove(name);
            let wins = current.as_ref().is_none_or(|c| (event.hlc, event.device.as_str()) > (c.h, c.d.as_str()));
            let mut winner = match (wins, current) {
                (true, _) | (false, None) => {
                    FieldClock { h: event.hlc, d: event.device.clone(), b: change.base.clone(), c: false }
                }
                (false, Some(c)) => c,
            };
            if wins {
                if change.value.is_null() {
                    row.data.remove(name);
                } else {
                    row.data.insert(name.clone(), change.value.clone());
                }
            }
            winner.c = has_concurrent_sibling(conn, &event.record, name, &winner)?;
            row.clocks.insert(name.clone(), winner);
        }
        row.conflict = row.clocks.values().any(|c| c.c);
        let mut values = RowValues::of(&event.record, event.kind, &row)?;
        if self.about_the_erased(&values, &event.device)? {
            // Its person or the record it is about was erased before this,
            // its first event to say so, arrived: it goes the same way.
            self.erase_records(std::slice::from_ref(&event.record))?;
            return Ok(Applied::Dropped);
        }
        self.check_person(&values, event.kind)?;
        if was_conflict || row.conflict {
            self.conflicts.entry(event.record.clone()).or_insert((was_conflict, false, event.kind)).1 = row.conflict;
        }
        if event.kind == Kind::Concern && values.attention {
            values.attention = !acknowledged(conn, &event.record)?;
        }
        let rowid = update_row(conn, &values, self.device_numbers(&values)?)?;
        if event.kind == Kind::Acknowledgement {
            refresh_attention(conn, values.about.as_deref())?;
            if about_before != values.about {
                refresh_attention(conn, about_before.as_deref())?;
            }
        }
        self.reindex(rowid, true, values.body)?;
        Ok(Applied::Updated)
    }

    /// Whether the record `id` is held here.
    fn holds(&self, id: &str) -> Result<bool> {
        Ok(self
            .conn
            .prepare_cached("SELECT 1 FROM records WHERE id = ?1")?
            .query_row([id], |_| Ok(()))
            .optional()?
            .is_some())
    }

    /// For an import: a volunteer's record (a contact, a concern…) is about
    /// one of its own journal's people. One of the sender's that names a
    /// person of another journal's, held here, is refused. (A person not
    /// held yet cannot be told about; what points at someone is worked out
    /// again when they are erased.)
    fn check_person(&mut self, values: &RowValues, kind: Kind) -> Result<()> {
        let Some(owners) = &self.owners else { return Ok(()) };
        if kind == Kind::Person || !kind.written_by(kinds::Role::Volunteer) {
            return Ok(());
        }
        let Some(person) = values.person.as_deref() else { return Ok(()) };
        if !self.person_owners.contains_key(person) {
            let owner: Option<Option<String>> = self
                .conn
                .prepare_cached(
                    "SELECT d.journal FROM records r JOIN devices d ON d.n = r.created_device
                     WHERE r.id = ?1 AND r.kind = 'person'",
                )?
                .query_row([person], |r| r.get(0))
                .optional()?;
            self.person_owners.insert(person.to_string(), owner);
        }
        match self.person_owners.get(person) {
            Some(Some(owner)) if owner.as_deref() != Some(owners.sender.as_str()) => {
                let what =
                    format!("{} to {}", kinds::a(kind.spec().label), owners.whose(Kind::Person, owner.as_deref()));
                Err(Refusal::NotTheirs { sender: owners.sender_name.clone(), action: "attach", what }.into())
            }
            _ => Ok(()),
        }
    }

    /// Whether the record `values` stands for was erased, or is about a
    /// person or a record that was: a change to it, arriving later, is
    /// dropped. A person erased by a journal before any of them reached
    /// this one is noted only as that journal's (see [`Batch::erase`]):
    /// what that journal sends about them is dropped, and nothing else.
    fn about_the_erased(&mut self, values: &RowValues, device: &str) -> Result<bool> {
        if !self.may_be_erased()? {
            return Ok(false);
        }
        for id in [Some(values.id.as_str()), values.about.as_deref()].into_iter().flatten() {
            if is_erased(self.conn, id)? {
                return Ok(true);
            }
        }
        let Some(person) = values.person.as_deref() else { return Ok(false) };
        if self.erased_people.is_none() {
            let mut stmt = self.conn.prepare(
                "SELECT e.person, d.journal, EXISTS (SELECT 1 FROM erased_records r WHERE r.id = e.person)
                 FROM erasures e LEFT JOIN devices d ON d.id = e.device",
            )?;
            let rows = stmt.query_map([], |r| {
                let held: bool = r.get(2)?;
                Ok((r.get::<_, String>(0)?, if held { None } else { Some(r.get::<_, Option<String>>(1)?) }))
            })?;
            self.erased_people = Some(rows.collect::<rusqlite::Result<_>>()?);
        }
        let Some(erased) = self.erased_people.as_ref().and_then(|people| people.get(person)) else {
            return Ok(false);
        };
        match erased {
            None => Ok(true),
            Some(eraser) => {
                let journal: Option<String> = self
                    .conn
                    .prepare_cached("SELECT journal FROM devices WHERE id = ?1")?
                    .query_row([device], |r| r.get(0))
                    .optional()?
                    .flatten();
                Ok(journal.is_some() && journal == *eraser)
            }
        }
    }

    /// Erases `person` and everything about them, as this journal reckons
    /// it: the person, every record whose person they are, and every note
    /// or acknowledgement pointing at any of those, whoever wrote it; never
    /// a list of ids someone else supplies. Notes that they were erased
    /// (`erasures`, `erased_records`: ids, no content) stay, so that
    /// anything about them that arrives later is dropped. Returns how many
    /// records went.
    pub(crate) fn erase(&mut self, person: &str, hlc: i64, device: &str) -> Result<u32> {
        let mut ids = records_of_person(self.conn, person)?;
        ids.push(person.to_string());
        self.erase_with_pointing(ids, person, hlc, device)
    }

    /// An erasure, sent by the journal `eraser`, of a person not held here:
    /// what that journal holds of them here goes (its own records about
    /// them, and what points at those), nothing of anyone else's, and the
    /// erasure is noted as `eraser`'s only: should that journal's record of
    /// the person arrive later (a file imported out of order), it is
    /// dropped; anyone else's is not. Returns how many records went.
    fn erase_unheld(&mut self, person: &str, eraser: &str, hlc: i64, device: &str) -> Result<u32> {
        let mut stmt = self.conn.prepare_cached(
            "SELECT r.id FROM records r JOIN devices d ON d.n = r.created_device
             WHERE r.person_key = person_key(?1) AND r.person = ?1 AND d.journal = ?2",
        )?;
        let ids = stmt.query_map(params![person, eraser], |r| r.get(0))?.collect::<rusqlite::Result<Vec<String>>>()?;
        self.erase_with_pointing(ids, person, hlc, device)
    }

    /// Erases `ids` and every note or acknowledgement pointing at them, and
    /// the drafts naming `person`, and notes `person` erased by `device` at
    /// `hlc`.
    fn erase_with_pointing(&mut self, mut ids: Vec<String>, person: &str, hlc: i64, device: &str) -> Result<u32> {
        let conn = self.conn;
        let mut about = conn.prepare_cached("SELECT id FROM records INDEXED BY records_about WHERE about = ?1")?;
        let mut pointing = Vec::new();
        for id in &ids {
            for row in about.query_map([id], |r| r.get::<_, String>(0))? {
                pointing.push(row?);
            }
        }
        ids.extend(pointing);
        ids.sort();
        ids.dedup();
        let erased = self.erase_records(&ids)?;
        // The app's drafts that name them (migration 0015).
        conn.prepare_cached("DELETE FROM drafts WHERE person = ?1")?.execute([person])?;
        conn.execute(
            "INSERT INTO erasures (person, hlc, device) VALUES (?1, ?2, ?3)
             ON CONFLICT(person) DO UPDATE SET hlc = min(hlc, excluded.hlc)",
            params![person, hlc, device],
        )?;
        self.any_erased = Some(true);
        self.erased_people = None;
        Ok(erased)
    }

    /// Removes each of `ids` (records, their events, their words and the
    /// drafts of changes to them) and notes it erased. Returns how many records there were.
    fn erase_records(&mut self, ids: &[String]) -> Result<u32> {
        let conn = self.conn;
        let mut erased = 0;
        let mut concerns = Vec::new();
        for id in ids {
            let gone = conn
                .prepare_cached("DELETE FROM records WHERE id = ?1 RETURNING rowid, kind, about")?
                .query_row([id], |r| Ok((r.get::<_, i64>(0)?, r.get::<_, String>(1)?, r.get::<_, Option<String>>(2)?)))
                .optional()?;
            if let Some((rowid, kind, about)) = gone {
                erased += 1;
                self.erased += 1;
                self.reindex(rowid, true, None)?;
                if kind == Kind::Acknowledgement.as_str() {
                    concerns.extend(about);
                }
            }
            self.conflicts.remove(id);
            conn.prepare_cached("DELETE FROM events WHERE record = ?1 AND op = 'put'")?.execute([id])?;
            conn.prepare_cached("DELETE FROM read_marks WHERE record = ?1")?.execute([id])?;
            conn.prepare_cached("DELETE FROM drafts WHERE record = ?1")?.execute([id])?;
            conn.prepare_cached("INSERT OR IGNORE INTO erased_records (id) VALUES (?1)")?.execute([id])?;
            self.any_erased = Some(true);
        }
        // A concern left open again by an acknowledgement erased here.
        for concern in concerns {
            refresh_attention(conn, Some(&concern))?;
        }
        Ok(erased)
    }
}

impl Batch<'_, '_> {
    /// The numbers of the devices that made and last changed the record
    /// `row` is of (see [`Batch::device_number`]).
    fn device_numbers(&mut self, row: &RowValues) -> Result<(i64, i64)> {
        let created = self.device_number(&row.created.1)?;
        let updated = if row.updated.1 == row.created.1 { created } else { self.device_number(&row.updated.1)? };
        Ok((created, updated))
    }

    /// The number `devices` gives `device`, which a record's row holds in
    /// place of its id; a device seen for the first time is numbered here
    /// (even if its event then turns out to change nothing: a number no
    /// record uses is harmless). Asked of the database once per device in a
    /// batch.
    fn device_number(&mut self, device: &str) -> Result<i64> {
        if let Some(n) = self.devices.get(device) {
            return Ok(*n);
        }
        // Looked up first: a save, a batch of its own, writes nothing more
        // for a device already numbered.
        let known = self
            .conn
            .prepare_cached("SELECT n FROM devices WHERE id = ?1")?
            .query_row([device], |r| r.get(0))
            .optional()?;
        let n = match known {
            Some(n) => n,
            None => {
                self.conn.prepare_cached("INSERT INTO devices (id) VALUES (?1)")?.execute([device])?;
                self.conn.last_insert_rowid()
            }
        };
        self.devices.insert(device.to_string(), n);
        Ok(n)
    }

    /// Whether `events` holds the event (device, seq). Each device's
    /// highest number there is read once per batch, and kept up to date as
    /// the batch writes events: an import brings events above it, and the
    /// look-up for each of them is skipped (a tenth of a second at 100,000).
    fn in_events(&mut self, device: &str, seq: i64) -> Result<bool> {
        let up_to = match self.logged_up_to.get(device) {
            Some(up_to) => *up_to,
            None => {
                let up_to: i64 = self.conn.query_row(
                    "SELECT coalesce(max(seq), 0) FROM events WHERE device = ?1",
                    [device],
                    |r| r.get(0),
                )?;
                self.logged_up_to.insert(device.to_string(), up_to);
                up_to
            }
        };
        if seq > up_to {
            return Ok(false);
        }
        Ok(self
            .conn
            .prepare_cached("SELECT 1 FROM events WHERE device = ?1 AND seq = ?2")?
            .query_row(params![device, seq], |_| Ok(()))
            .optional()?
            .is_some())
    }

    /// [`insert_event`], noting the number written.
    fn insert_event(&mut self, event: &Event, fields: &str, source: Option<&str>) -> Result<bool> {
        let inserted = insert_event(self.conn, event, fields, source)?;
        if let Some(up_to) = self.logged_up_to.get_mut(&event.device) {
            *up_to = (*up_to).max(event.seq);
        }
        Ok(inserted)
    }
}

/// True when another device wrote `field` over the same base as the winner:
/// the two writes were made without seeing each other.
fn has_concurrent_sibling(conn: &Connection, record: &str, field: &str, winner: &FieldClock) -> Result<bool> {
    let mut stmt = conn.prepare_cached("SELECT device, fields FROM event_log WHERE record = ?1 AND op = 'put'")?;
    let mut rows = stmt.query([record])?;
    while let Some(r) = rows.next()? {
        let device: String = r.get(0)?;
        if device == winner.d {
            continue; // one device's writes are never concurrent with each other
        }
        let fields: String = r.get(1)?;
        let Ok(map) = serde_json::from_str::<Map<String, Value>>(&fields) else { continue };
        let Some(change) = map.get(field).and_then(|v| FieldChange::deserialize(v).ok()) else {
            continue;
        };
        if change.base == winner.b {
            return Ok(true);
        }
    }
    Ok(false)
}

/// How many search entries a batch holds before writing them. Tiny under
/// test, so that every test crosses chunk boundaries.
const SEARCH_CHUNK: usize = if cfg!(test) { 3 } else { 10_000 };

/// Rebuilds `records` and the search index from the event log, as a check
/// that the materialised state is exactly what the log says. Returns the
/// index's transaction, to commit after `conn`'s. What was erased stays
/// erased: the notes of it (`erasures`, `erased_records`) are kept, since an
/// erasure made here without an event (a supervisor forgetting a
/// volunteer's person) is in no log.
pub(crate) fn rebuild<'s>(conn: &Connection, search: &'s SearchIndex) -> Result<SearchTx<'s>> {
    conn.execute_batch(
        "CREATE TEMP TABLE replay AS SELECT device, seq, hlc, record, kind, op, fields, source FROM event_log;
         DELETE FROM records; DELETE FROM events;",
    )?;
    let result = (|| {
        let mut stmt = conn.prepare(
            "SELECT device, seq, hlc, record, kind, op, fields, source FROM replay ORDER BY hlc, device, seq",
        )?;
        let events = stmt
            .query_map([], |r| {
                Ok((
                    r.get::<_, String>(0)?,
                    r.get::<_, i64>(1)?,
                    r.get::<_, i64>(2)?,
                    r.get::<_, String>(3)?,
                    r.get::<_, String>(4)?,
                    r.get::<_, String>(5)?,
                    r.get::<_, String>(6)?,
                    r.get::<_, Option<String>>(7)?,
                ))
            })?
            .collect::<rusqlite::Result<Vec<_>>>()?;
        // The batch's own guard rolls the index back if anything fails.
        let mut batch = Batch::new(conn, search);
        search.apply(Work::Clear)?;
        for (device, seq, hlc, record, kind, op, fields, source) in events {
            let event = Event {
                device,
                seq,
                hlc,
                record,
                kind: Kind::parse(&kind)?,
                op: if op == "erase" { Op::Erase } else { Op::Put },
                fields: serde_json::from_str(&fields)
                    .map_err(|_| Error::CheckFailed("an event is unreadable".into()))?,
            };
            batch.apply(&event, source.as_deref())?;
        }
        batch.finish()
    })();
    conn.execute_batch("DROP TABLE temp.replay;")?;
    result
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::journal::{Journal, NewJournal, Role};
    use crate::keys::KdfParams;
    use crate::store::log::register_functions;
    use crate::store::rows::FieldClocks;
    use serde_json::json;

    fn journal() -> (tempfile::TempDir, Journal) {
        let dir = tempfile::tempdir().unwrap();
        let kdf = KdfParams { memory_kib: 1024, iterations: 1, parallelism: 1 };
        let (j, _) = Journal::create(
            dir.path(),
            &NewJournal { name: "T", role: Role::Volunteer, passphrase: "a passphrase", kdf },
        )
        .unwrap();
        (dir, j)
    }

    /// A plain database at schema version `version`, as an older build
    /// left it, in `dir`.
    fn database_at_version(dir: &tempfile::TempDir, version: usize) -> Connection {
        let conn = Connection::open(dir.path().join("old.db")).unwrap();
        register_functions(&conn).unwrap();
        for sql in &crate::store::MIGRATIONS[..version] {
            conn.execute_batch(sql).unwrap();
        }
        conn.execute_batch(&format!("PRAGMA user_version = {version}")).unwrap();
        conn
    }

    /// Every row `sql` returns, read by `row`.
    fn rows<T>(conn: &Connection, sql: &str, row: impl FnMut(&rusqlite::Row<'_>) -> rusqlite::Result<T>) -> Vec<T> {
        conn.prepare(sql).unwrap().query_map([], row).unwrap().map(Result::unwrap).collect()
    }

    fn event(device: &str, hlc: i64, fields: Value) -> Event {
        Event {
            device: device.into(),
            seq: 1,
            hlc,
            record: "01900000-0000-7000-8000-000000000001".into(),
            kind: Kind::Service,
            op: Op::Put,
            fields: fields.as_object().cloned().unwrap(),
        }
    }

    fn row(j: &Journal) -> Vec<String> {
        j.conn
            .query_row(
                "SELECT data, clocks, created_hlc, c.id, updated_hlc, u.id, conflict
                 FROM records JOIN devices c ON c.n = created_device JOIN devices u ON u.n = updated_device",
                [],
                |r| (0..7).map(|i| r.get::<_, rusqlite::types::Value>(i).map(|v| format!("{v:?}"))).collect(),
            )
            .unwrap()
    }

    fn in_batch(j: &Journal, events: &[&Event]) -> Vec<Applied> {
        let tx = j.conn.unchecked_transaction().unwrap();
        let mut batch = Batch::new(&tx, &j.search);
        let applied = events.iter().map(|e| batch.apply(e, Some("peer")).unwrap()).collect();
        let search_tx = batch.finish().unwrap();
        tx.commit().unwrap();
        search_tx.commit().unwrap();
        applied
    }

    /// The log keeps a put's fields as the changes that were checked, in the
    /// one form this program writes: a field's members it does not know are
    /// not kept, and the form it writes itself is kept byte for byte.
    #[test]
    fn the_log_keeps_a_puts_fields_as_the_changes_that_were_checked() {
        let a = "01900000-0000-7000-8000-00000000000a";
        let person = "01900000-0000-7000-8000-000000000101".to_string();
        let made =
            Event { record: person.clone(), kind: Kind::Person, ..event(a, 10, json!({"alias": {"value": "R"}})) };
        let odd = json!({"alias": {"base": [10, a], "value": "S", "unknown": true}});
        let changed = Event { seq: 2, record: person.clone(), kind: Kind::Person, ..event(a, 20, odd) };
        let (_d, j) = journal();
        assert_eq!(in_batch(&j, &[&made, &changed]), [Applied::Created, Applied::Updated]);
        let logged = rows(&j.conn, "SELECT fields FROM event_log ORDER BY seq", |r| r.get::<_, String>(0));
        let expected = format!(r#"{{"alias":{{"base":[10,"{a}"],"value":"S"}}}}"#);
        assert_eq!(logged, [r#"{"alias":{"value":"R"}}"#.to_string(), expected]);

        let ours =
            |value: Value, base: Option<(i64, String)>| serde_json::to_value(FieldChange { value, base }).unwrap();
        let fields = json!({"alias": ours(json!("T"), Some((20, a.into()))), "notes": ours(json!("ü\n\"x\""), None)});
        let written_here = Event { seq: 3, record: person, kind: Kind::Person, ..event(a, 30, fields) };
        let stored = changes_json(&written_here.changes().unwrap()).unwrap();
        assert_eq!(stored, serde_json::to_string(&written_here.fields).unwrap());
    }

    /// An erasure is absorbing: a change to an erased record is dropped in
    /// the batch that erased it and in any later one.
    #[test]
    fn changes_to_erased_records_are_dropped_in_any_later_batch() {
        let a = "01900000-0000-7000-8000-00000000000a";
        let person = "01900000-0000-7000-8000-000000000101".to_string();
        let made =
            Event { record: person.clone(), kind: Kind::Person, ..event(a, 10, json!({"alias": {"value": "R"}})) };
        let erase = Event {
            seq: 2,
            record: person.clone(),
            kind: Kind::Person,
            op: Op::Erase,
            ..event(a, 30, json!({"records": [person]}))
        };
        let late = Event {
            seq: 3,
            record: person.clone(),
            kind: Kind::Person,
            ..event(a, 20, json!({"alias": {"value": "S"}}))
        };
        let (_d, j) = journal();
        assert_eq!(in_batch(&j, &[&made, &erase]), [Applied::Created, Applied::Erased]);
        assert_eq!(in_batch(&j, &[&late]), [Applied::Dropped]);
        let left: i64 = j.conn.query_row("SELECT count(*) FROM records", [], |r| r.get(0)).unwrap();
        assert_eq!(left, 0);
    }

    /// A batch big enough to write its search entries in chunks sets the
    /// index for a bulk load, and leaves FTS5's settings as they were: the
    /// index holds every record's words and passes its own check.
    #[test]
    fn a_bulk_load_leaves_the_search_index_as_it_found_it() {
        let (_d, j) = journal();
        let settings = |j: &Journal| -> Vec<(String, i64)> {
            let sql =
                "SELECT k, v FROM records_fts_config WHERE k IN ('automerge', 'crisismerge', 'hashsize') ORDER BY k";
            rows(j.search.conn(), sql, |r| Ok((r.get(0)?, r.get(1)?)))
        };
        let before: Vec<(String, i64)> = search::SETTINGS.iter().map(|(k, v)| (k.to_string(), *v)).collect();
        assert_eq!(settings(&j), before);
        let tx = j.conn.unchecked_transaction().unwrap();
        let mut batch = Batch::new(&tx, &j.search);
        for i in 0..(3 * SEARCH_CHUNK + 1) as u32 {
            let made = Event {
                seq: i64::from(i) + 1,
                record: format!("01900000-0000-7000-8000-{i:012}"),
                ..event("01900000-0000-7000-8000-00000000000a", 10, json!({"name": {"value": format!("Hub {i}")}}))
            };
            batch.apply(&made, Some("peer")).unwrap();
        }
        assert!(batch.bulk);
        let mut during = before.clone();
        for (k, v) in search::BULK_SETTINGS {
            during.iter_mut().filter(|(name, _)| name == k).for_each(|(_, value)| *value = v);
        }
        assert_ne!(during, before);
        assert_eq!(settings(&j), during);
        let search_tx = batch.finish().unwrap();
        tx.commit().unwrap();
        search_tx.commit().unwrap();
        assert_eq!(settings(&j), before);
        j.search.conn().execute_batch("INSERT INTO records_fts (records_fts) VALUES ('integrity-check')").unwrap();
        let found: i64 = j
            .search
            .conn()
            .query_row("SELECT count(*) FROM records_fts WHERE records_fts MATCH 'hub'", [], |r| r.get(0))
            .unwrap();
        assert_eq!(found, (3 * SEARCH_CHUNK + 1) as i64);
    }

    /// The fields a creating event leaves to its record read back exactly as
    /// the event would have written them.
    #[test]
    fn creation_fields_are_the_event_fields_they_stand_for() {
        let made = event(
            "01900000-0000-7000-8000-00000000000a",
            10,
            json!({
                "name": {"value": "Café \"מרכז\" 👩🏽‍🦱\n"}, "area": {"value": "North"}, "notes": {"value": ""}
            }),
        );
        let changes = made.changes().unwrap();
        let data: Fields = changes.iter().map(|(k, c)| (k.clone(), c.value.clone())).collect();
        assert_eq!(creation_fields(&data).unwrap(), serde_json::to_string(&made.fields).unwrap());
    }

    /// A hand-made bundle could give a new record the (device, seq) of an
    /// event already held, in `events` or in a record's row, or give a
    /// change to one record the (device, seq) held by another. The event
    /// held is the one kept: no new record appears, nothing changes.
    #[test]
    fn a_reused_event_number_makes_no_record() {
        let a = "01900000-0000-7000-8000-00000000000a";
        let id = |n: u32| format!("01900000-0000-7000-8000-{n:012}");
        let made = event(a, 10, json!({"name": {"value": "Food bank"}}));
        let forged_new = |seq: i64, n: u32| Event { seq, record: id(n), ..made.clone() };
        let changed = Event { seq: 2, ..event(a, 20, json!({"name": {"value": "Food bank (Tue)", "base": [10, a]}})) };
        let other = Event { seq: 3, record: id(4), ..event(a, 30, json!({"name": {"value": "Library"}})) };
        let forged_change =
            Event { seq: 3, ..event(a, 40, json!({"name": {"value": "Not the library", "base": [20, a]}})) };
        let (_d, j) = journal();
        assert_eq!(in_batch(&j, &[&made, &forged_new(1, 2)]), [Applied::Created, Applied::Duplicate], "held by a row");
        assert_eq!(in_batch(&j, &[&changed, &forged_new(2, 3)]), [Applied::Updated, Applied::Duplicate], "in events");
        assert_eq!(in_batch(&j, &[&other, &forged_change]), [Applied::Created, Applied::Duplicate], "held by another");
        let names: Vec<(String, String)> =
            rows(&j.conn, "SELECT id, json_extract(data, '$.name') FROM records ORDER BY id", |r| {
                Ok((r.get(0)?, r.get(1)?))
            });
        assert_eq!(names, [(made.record.clone(), "Food bank (Tue)".into()), (id(4), "Library".into())]);
        let search: i64 = j.search.conn().query_row("SELECT count(*) FROM records_fts", [], |r| r.get(0)).unwrap();
        assert_eq!(search, 2);
        let log: Vec<(i64, String)> =
            rows(&j.conn, "SELECT seq, record FROM event_log ORDER BY seq", |r| Ok((r.get(0)?, r.get(1)?)));
        assert_eq!(log, [(1, made.record.clone()), (2, made.record.clone()), (3, id(4))]);
    }

    /// A batch skips looking up events numbered above what `events` holds
    /// for their device; that bound must follow every event the batch
    /// writes there, or a reused number would make a second record.
    #[test]
    fn a_reused_event_number_is_caught_after_the_batch_wrote_the_first() {
        let (d, e) = ("01900000-0000-7000-8000-00000000000d", "01900000-0000-7000-8000-00000000000e");
        let id = |n: u32| format!("01900000-0000-7000-8000-{n:012}");
        let new =
            |device: &str, seq: i64, n: u32, fields: Value| Event { seq, record: id(n), ..event(device, 10, fields) };
        let (_d, j) = journal();
        // Written to `events` in the batch (a value cleared: not held by its
        // row), after the bound for `d` was read.
        let first = new(d, 1, 1, json!({"name": {"value": "Food bank"}}));
        let logged = new(d, 2, 2, json!({"name": {"value": "Library"}, "notes": {"value": null}}));
        let reused = new(d, 2, 3, json!({"name": {"value": "Not the library"}}));
        assert_eq!(in_batch(&j, &[&first, &logged, &reused]), [Applied::Created, Applied::Created, Applied::Duplicate]);
        // Written out of its record's row by a later change, in a batch that
        // had already read the bound for `d` below it.
        let held = new(d, 9, 4, json!({"name": {"value": "Surgery"}}));
        assert_eq!(in_batch(&j, &[&held]), [Applied::Created]);
        let early = new(d, 3, 5, json!({"name": {"value": "Pharmacy"}}));
        let change = Event { hlc: 20, ..new(e, 1, 4, json!({"name": {"value": "Surgery (Mon)", "base": [10, d]}})) };
        let reused = new(d, 9, 6, json!({"name": {"value": "Not the surgery"}}));
        assert_eq!(in_batch(&j, &[&early, &change, &reused]), [Applied::Created, Applied::Updated, Applied::Duplicate]);
        let records: i64 = j.conn.query_row("SELECT count(*) FROM records", [], |r| r.get(0)).unwrap();
        assert_eq!(records, 4);
    }

    /// Every event of a version-5 journal reads the same through
    /// `event_log` after migration 0006 moved the creating events into
    /// their records' rows; one that was not its record's only event stays
    /// in `events`, written out.
    #[test]
    fn creating_events_move_into_their_records_whole() {
        let dir = tempfile::tempdir().unwrap();
        let conn = database_at_version(&dir, 5);
        let record = |id: &str, data: &str, created: i64| {
            conn.execute(
                "INSERT INTO records (id, kind, data, clocks, created_hlc, created_device, updated_hlc, updated_device)
                 VALUES (?1, 'service', ?2, '{}', ?3, 'd', ?3, 'd')",
                params![id, data, created],
            )
            .unwrap();
        };
        let event = |seq: i64, hlc: i64, id: &str, fields: Option<&str>, source: Option<&str>| {
            conn.execute(
                "INSERT INTO events (device, seq, hlc, record, kind, op, fields, source)
                 VALUES ('d', ?1, ?2, ?3, 'service', 'put', ?4, ?5)",
                params![seq, hlc, id, fields, source],
            )
            .unwrap();
        };
        // Written once, fields left to the record.
        record("once", r#"{"name":"Food bank"}"#, 10);
        event(1, 10, "once", None, Some("peer"));
        // Changed since: both events whole.
        record("twice", r#"{"name":"Library (Mon)"}"#, 20);
        event(2, 20, "twice", Some(r#"{"name":{"value":"Library"}}"#), None);
        event(3, 30, "twice", Some(r#"{"name":{"base":[20,"d"],"value":"Library (Mon)"}}"#), None);
        // Fields left to a record it did not create alone: written out.
        record("odd", r#"{"name":"Café"}"#, 40);
        event(4, 40, "odd", None, None);
        event(5, 50, "odd", Some(r#"{"area":{"value":null}}"#), None);
        let log = |conn: &Connection| -> Vec<Vec<String>> {
            let sql = "SELECT device, seq, hlc, record, kind, op, fields, source FROM event_log ORDER BY seq";
            rows(conn, sql, |r| {
                (0..8).map(|i| r.get::<_, rusqlite::types::Value>(i).map(|v| format!("{v:?}"))).collect()
            })
        };
        let before = log(&conn);
        crate::store::migrate(&conn).unwrap();
        assert_eq!(log(&conn), before);
        let held: Vec<(String, Option<i64>, Option<String>)> =
            rows(&conn, "SELECT id, lazy_seq, lazy_source FROM records ORDER BY id", |r| {
                Ok((r.get(0)?, r.get(1)?, r.get(2)?))
            });
        assert_eq!(
            held,
            [("odd".into(), None, None), ("once".into(), Some(1), Some("peer".into())), ("twice".into(), None, None)]
        );
        let in_events: Vec<i64> = rows(&conn, "SELECT seq FROM events ORDER BY seq", |r| r.get(0));
        assert_eq!(in_events, [2, 3, 4, 5]);
    }

    /// Journals made before the creating event's fields were left to the
    /// record keep every event whole through the migration, and read the
    /// same through `event_log` after it.
    #[test]
    fn the_migration_keeps_every_event_whole() {
        let dir = tempfile::tempdir().unwrap();
        let conn = database_at_version(&dir, 4);
        let fields = r#"{"name":{"value":"Food bank"}}"#;
        conn.execute(
            "INSERT INTO events (device, seq, hlc, record, kind, op, fields) VALUES ('d', 1, 10, 'r', 'service', 'put', ?1)",
            [fields],
        )
        .unwrap();
        crate::store::migrate(&conn).unwrap();
        let version: i64 = conn.query_row("PRAGMA user_version", [], |r| r.get(0)).unwrap();
        assert_eq!(version, crate::store::SCHEMA_VERSION);
        let (stored, read): (Option<String>, String) = conn
            .query_row("SELECT e.fields, l.fields FROM events e JOIN event_log l USING (device, seq)", [], |r| {
                Ok((r.get(0)?, r.get(1)?))
            })
            .unwrap();
        assert_eq!(stored.as_deref(), Some(fields));
        assert_eq!(read, fields);
    }

    /// Clocks equal to the record's creation are left implicit; when an
    /// earlier event turns up later and the creation moves, the fields the
    /// old creation wrote must keep their own clocks.
    #[test]
    fn implicit_clocks_survive_the_creation_moving_earlier() {
        let a = "01900000-0000-7000-8000-00000000000a";
        let b = "01900000-0000-7000-8000-00000000000b";
        let made = event(a, 10, json!({"name": {"value": "Food bank"}, "area": {"value": "North"}}));
        let edit =
            event(b, 20, json!({"name": {"value": "Food bank (Tue)", "base": [10, a]}, "phone": {"value": "0123"}}));
        let (_d1, j1) = journal();
        let (_d2, j2) = journal();
        for (j, order) in [(&j1, [&made, &edit]), (&j2, [&edit, &made])] {
            let tx = j.conn.unchecked_transaction().unwrap();
            let mut batch = Batch::new(&tx, &j.search);
            for e in order {
                batch.apply(e, Some("peer")).unwrap();
            }
            let search_tx = batch.finish().unwrap();
            tx.commit().unwrap();
            search_tx.commit().unwrap();
        }
        assert_eq!(row(&j1), row(&j2));
        let (clocks, created): (String, i64) =
            j1.conn.query_row("SELECT clocks, created_hlc FROM records", [], |r| Ok((r.get(0)?, r.get(1)?))).unwrap();
        assert_eq!(created, 10);
        let stored: FieldClocks = serde_json::from_str(&clocks).unwrap();
        assert_eq!(stored.keys().collect::<Vec<_>>(), ["name", "phone"], "area's clock is the creation's");
    }
}
