// The app's commands, each declared once: its name, its arguments and what
// it returns. Everything else follows from this list:
//
// - build.rs declares the names to Tauri, which makes one permission per
//   command (nothing is callable from the window unless
//   capabilities/main.json grants it; a test checks that it grants exactly
//   these);
// - src/commands.rs makes one `#[tauri::command]` per line, calling the
//   `Session` method of the same name with the same arguments, and the
//   handler that registers them all;
// - the TypeScript `Commands` type in ui/src/bindings/Commands.ts, which
//   ui/src/api.ts calls through, is written from it with the bindings.
//
// Every command returns `Result<T, UiError>`; the list gives `T`.
// Arguments are snake_case here and camelCase in TypeScript, as Tauri
// passes them.
app_commands! {
    /// Which screen to show: is there a journal, and is it open.
    app_state() -> AppState;
    /// First-run set-up: makes the journal and opens it.
    create_journal(request: CreateJournalRequest) -> Created;
    /// Opens the journal with its passphrase.
    unlock(passphrase: String) -> AppState;
    /// Opens the journal with its recovery key and sets a new passphrase.
    unlock_with_recovery(recovery_key: String, new_passphrase: String) -> AppState;
    /// Closes the journal.
    lock() -> AppState;
    /// The person is using the app: restarts the idle timer.
    touch() -> ();
    /// How many minutes without use before the journal locks itself.
    set_idle_lock_minutes(minutes: u32) -> AppState;
    /// How hard a new passphrase would be to guess, asked as it is typed;
    /// `name` is the keeper's (when the journal is open, its own is used).
    passphrase_strength(passphrase: String, name: Option<String>) -> PassphraseStrength;
    /// Changes the passphrase, given the current one (the recovery key
    /// keeps working).
    change_passphrase(current_passphrase: String, new_passphrase: String) -> ();
    /// Shows people by their initials only, or not.
    set_discreet_mode(on: bool) -> AppState;
    /// How many months after an ending records are kept (1 to 120).
    set_retention_months(months: u32) -> AppState;
    /// Erases now the relationships that ended longer ago than that.
    purge_now() -> PurgeReport;

    /// Adds a record of `kind`; the journal checks the fields and fills in
    /// what is left out (now, for when).
    add_record(kind: Kind, fields: FieldValues) -> JournalRecord;
    /// Changes some fields of a record (null clears one).
    update_record(id: RecordId, fields: FieldValues) -> JournalRecord;
    /// Deletes a record (a person is forgotten instead).
    delete_record(id: RecordId) -> ();
    /// One record.
    get_record(id: RecordId) -> JournalRecord;
    /// Records of one kind, newest first, or only one person's.
    list_records(kind: Kind, person: Option<PersonId>, page: Page) -> Vec<JournalRecord>;
    /// Everything about a person, newest first.
    person_timeline(person: PersonId, page: Page) -> Vec<JournalRecord>;
    /// Records with these words, newest first.
    search_records(query: String, page: Page) -> Vec<SearchHit>;
    /// What is due today or before: planned contacts, reminders, reviews.
    due_records(page: Page) -> Vec<JournalRecord>;
    /// Records of a kind that need attention (open concerns, contacts and
    /// issues flagged for supervision, referrals with no outcome yet).
    needing_attention(kind: Kind, page: Page) -> Vec<JournalRecord>;
    /// Supervision notes and acknowledgements not yet read here.
    unread_records(page: Page) -> Vec<JournalRecord>;
    /// Notes that a supervision note or acknowledgement has been read.
    mark_read(id: RecordId) -> ();
    /// A record's changes, oldest first.
    record_history(id: RecordId) -> Vec<HistoryEntry>;
    /// Records two devices changed at once, with the values to choose from.
    list_conflicts(page: Page) -> Vec<Conflict>;
    /// Settles a conflict on one field by choosing its value.
    resolve_conflict(id: RecordId, field: String, value: FieldValue) -> JournalRecord;
    /// Erases a person and everything about them; says how many records
    /// went with them.
    forget_person(person: PersonId) -> u32;
    /// How many records of each kind the journal holds.
    record_counts() -> RecordCounts;
    /// The services to choose from for a new signpost: the directory
    /// without those no longer taking referrals, newest first.
    offered_services(page: Page) -> Vec<JournalRecord>;
    /// Marks a service as no longer taking referrals: it stays on the
    /// signposts that name it, and is offered for no new one.
    retire_service(id: RecordId) -> JournalRecord;
    /// Offers a service no longer taking referrals for new signposts again.
    unretire_service(id: RecordId) -> JournalRecord;

    /// Keeps a form's fields as typed, under its key (`contact:new`,
    /// `contact:<record id>`).
    save_draft(key: String, kind: Kind, fields: FieldValues) -> Draft;
    /// Every draft kept, the latest first.
    list_drafts() -> Vec<Draft>;
    /// Throws a draft away (once its record is saved, or on second thoughts).
    discard_draft(key: String) -> ();

    /// Opens the demo journal of made-up people (making it the first time),
    /// closing the person's own journal first.
    open_demo() -> AppState;
    /// Closes the demo and goes back to the person's own journal.
    leave_demo() -> AppState;
    /// Writes a backup of the journal into the files folder.
    back_up_journal() -> BackupWritten;
    /// The backups in the files folder and on removable drives, newest first.
    find_backups() -> Vec<FoundFile>;
    /// Restores a backup on this computer, where there is no journal yet:
    /// opened with its recovery key, with a new passphrase, as a new device
    /// of the same journal.
    restore_backup(path: String, recovery_key: String, new_passphrase: String) -> AppState;
    /// Writes everything held about a person (subject access) into the
    /// files folder, as a JSON file and a printable page.
    export_person(person: PersonId) -> SubjectAccessWritten;

    // ---- Exchanging files (see src/exchange.rs) ----
    /// The exchange folder, this journal's card, and each trusted card with
    /// what its receipts say.
    exchange_overview() -> ExchangeOverview;
    /// Chooses the exchange folder ("" for the app's own).
    set_exchange_folder(folder: String) -> ExchangeOverview;
    /// Saves this journal's card into the exchange folder.
    save_my_card() -> SavedFile;
    /// The files in the exchange folder, and those dropped on the window,
    /// that this journal can do something with.
    exchange_files() -> Vec<ExchangeFile>;
    /// Opens the file chooser; returns the files chosen that this journal
    /// can do something with.
    choose_files() -> Vec<ExchangeFile>;
    /// Trusts the card in a file, once the person has checked its
    /// fingerprint (the one they checked is given).
    trust_card(file: FileToken, fingerprint: Fingerprint) -> RosterEntry;
    /// Stops trusting a card.
    revoke_card(fingerprint: Fingerprint) -> RosterEntry;
    /// Writes what a card has not yet received (everything, with `full`)
    /// into the exchange folder, with progress ("job-progress" events).
    export_to(to: Fingerprint, full: bool) -> ExportDone;
    /// Brings in one file, with progress; all of it or none of it.
    import_file(file: FileToken) -> ImportSummary;
    /// Stops the import or export running; it changes nothing.
    stop_job() -> ();

    // ---- A supervisor's screens ----
    /// Every volunteer's card, with when their last file came and what of
    /// theirs needs a look.
    volunteers() -> Vec<VolunteerSummary>;
    /// What needs a look before supervision, list by list: each as long
    /// as `limits` says (Show more asks again with more of one), and which
    /// have more.
    review(options: ReviewOptions, limits: ReviewLimits) -> Review;
    /// The de-identified summary of a period, of everything or of one
    /// volunteer's records (days YYYY-MM-DD, either end open).
    report(since: Option<String>, until: Option<String>, volunteer: Option<Fingerprint>) -> Report;
    /// The funder report of a period, naming no one and with every count
    /// under 5 held back: the page to print.
    funder_report(since: Option<String>, until: Option<String>) -> SharedReport;
    /// Writes the funder report of a period into the files folder (a
    /// printable page and a CSV table), naming no one.
    save_report(since: Option<String>, until: Option<String>) -> SavedFile;
    /// Adds the services of a spreadsheet's CSV text; rows that cannot be
    /// taken are reported with their line and why.
    import_directory(text: String) -> DirectoryImport;
    /// Writes a CSV file to start a service directory from into the files folder.
    save_directory_template() -> SavedFile;
}
