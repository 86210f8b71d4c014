//! The journal's keys: the data key, the key file that wraps it, and the
//! recovery key.
//!
//! The database is encrypted by SQLCipher with a random 256-bit *data key*
//! given as a raw key. The data key never touches the disk in the clear: the
//! key file beside the database holds it twice, each copy sealed with
//! XChaCha20-Poly1305 under a key derived with Argon2id — once from the
//! passphrase, once from the recovery key. Changing the passphrase re-seals
//! one copy; the database itself is never re-encrypted.
//!
//! Each sealed copy is bound (as associated data) to the journal's id, the
//! slot's name, its KDF parameters and the database's salt, so a slot cannot
//! be moved to another journal or have its parameters weakened unnoticed.
//! The key file also carries a checksum so that accidental damage is told
//! apart from a wrong passphrase.
//!
//! This module does no database work and knows nothing of records.

use std::fmt;
use std::fs;
use std::io::Write;
use std::path::Path;

use argon2::{Algorithm, Argon2, Params, Version};
use base64::engine::general_purpose::STANDARD as B64;
use base64::Engine as _;
use chacha20poly1305::aead::{Aead, KeyInit, Payload};
use chacha20poly1305::{XChaCha20Poly1305, XNonce};
use rand::rngs::OsRng;
use rand::RngCore;
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};
use ts_rs::TS;
use uuid::Uuid;
use zeroize::{Zeroize, ZeroizeOnDrop, Zeroizing};

use crate::error::{Error, Result};

/// The key file format this version writes and the newest it reads.
/// Version 2 names the database's [`DatabaseCipher`]; version 1 files,
/// which do not, are of journals using SQLCipher's defaults.
pub const KEY_FILE_VERSION: u32 = 2;
const KEY_FILE_FORMAT: &str = "peerjournal-key";

/// The weakest passphrase accepted, as zxcvbn scores it (0 to 4): 3,
/// "would take about ten thousand million guesses". With each guess costing
/// the key derivation's memory and time, that is out of reach.
pub const MIN_PASSPHRASE_SCORE: u8 = 3;
/// The longest passphrase accepted, in bytes (a guard against pasting a file).
pub const MAX_PASSPHRASE_BYTES: usize = 1024;

/// The random 256-bit key SQLCipher encrypts the database with.
#[derive(Clone, Zeroize, ZeroizeOnDrop)]
pub struct DataKey([u8; 32]);

impl DataKey {
    /// A fresh random data key.
    pub(crate) fn generate() -> Self {
        let mut k = [0u8; 32];
        OsRng.fill_bytes(&mut k);
        DataKey(k)
    }

    /// Whether `other` is this same key, compared in constant time.
    pub(crate) fn same_as(&self, other: &DataKey) -> bool {
        let differences = self.0.iter().zip(other.0.iter()).fold(0u8, |acc, (a, b)| acc | (a ^ b));
        std::hint::black_box(differences) == 0
    }

    /// The SQL that keys a SQLCipher connection with this raw key and the
    /// database's salt, and sets how its pages are encrypted. The returned
    /// string is wiped when dropped.
    pub(crate) fn sqlcipher_pragma(&self, salt: &DatabaseSalt, cipher: DatabaseCipher) -> Zeroizing<String> {
        let mut sql = Zeroizing::new(String::with_capacity(256));
        sql.push_str("PRAGMA key = \"x'");
        push_hex(&mut sql, &self.0);
        push_hex(&mut sql, &salt.0);
        sql.push_str("'\";");
        sql.push_str(cipher.pragmas());
        sql
    }

    /// The key and salt of the search index's file (see [`crate::store::search`]),
    /// derived from this key with HKDF-SHA256 under a label of their own: the
    /// index's pages are never encrypted or authenticated with the journal's
    /// own key, and neither file's pages can stand in for the other's.
    pub(crate) fn search_index_key(&self) -> (DataKey, DatabaseSalt) {
        let mut okm = Zeroizing::new([0u8; 48]);
        // 48 bytes is far below HKDF-SHA256's limit of 8,160: expand cannot fail.
        let _ = hkdf::Hkdf::<Sha256>::new(None, &self.0).expand(b"peerjournal search index v1", &mut okm[..]);
        let mut key = [0u8; 32];
        let mut salt = [0u8; 16];
        key.copy_from_slice(&okm[..32]);
        salt.copy_from_slice(&okm[32..]);
        let derived = DataKey(key);
        key.zeroize();
        (derived, DatabaseSalt(salt))
    }
}

/// How SQLCipher encrypts and authenticates the database's pages: always
/// AES-256 with a random IV per page write and an HMAC over each page, with
/// the raw data key above (no key derivation inside SQLCipher). Chosen when
/// a journal is made, named in its key file and applied at every open: a
/// database opened with other settings does not decrypt.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum DatabaseCipher {
    /// SQLCipher 4's defaults: 4 KiB pages, HMAC-SHA512. Journals whose key
    /// file predates version 2.
    Sqlcipher4Defaults,
    /// 8 KiB pages, HMAC-SHA256: what new journals use. Half as many pages
    /// to encrypt, authenticate and index for the same records, and SHA-256
    /// runs in the processor's SHA extensions where SHA-512 cannot. An
    /// import of 100,000 records, which writes each page through the
    /// write-ahead log, took about a sixth less time.
    Pages8kHmacSha256,
}

impl DatabaseCipher {
    /// What a new journal uses.
    pub const NEW: DatabaseCipher = DatabaseCipher::Pages8kHmacSha256;

    /// The name the key file records.
    fn name(self) -> &'static str {
        match self {
            DatabaseCipher::Sqlcipher4Defaults => "sqlcipher4",
            DatabaseCipher::Pages8kHmacSha256 => "sqlcipher4-8k-hmac-sha256",
        }
    }

    fn from_name(name: &str) -> Option<Self> {
        [DatabaseCipher::Sqlcipher4Defaults, DatabaseCipher::Pages8kHmacSha256].into_iter().find(|c| c.name() == name)
    }

    /// The pragmas that select it, run right after the key.
    fn pragmas(self) -> &'static str {
        match self {
            DatabaseCipher::Sqlcipher4Defaults => "",
            DatabaseCipher::Pages8kHmacSha256 => {
                "PRAGMA cipher_page_size = 8192; PRAGMA cipher_hmac_algorithm = HMAC_SHA256;"
            }
        }
    }
}

impl fmt::Debug for DataKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("DataKey(..)")
    }
}

/// The 16-byte salt at the start of every SQLCipher database file. We choose
/// it ourselves and record it in the key file, so the two can be matched.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub struct DatabaseSalt(pub(crate) [u8; 16]);

impl DatabaseSalt {
    pub(crate) fn generate() -> Self {
        let mut s = [0u8; 16];
        OsRng.fill_bytes(&mut s);
        DatabaseSalt(s)
    }
}

/// Appends `bytes` in lower-case hex to `out`, in place (so a key written
/// into a zeroized string leaves no copy behind).
fn push_hex(out: &mut String, bytes: &[u8]) {
    data_encoding::HEXLOWER.encode_append(bytes, out);
}

/// Exactly `N` bytes written in hex (either case).
fn unhex<const N: usize>(s: &str) -> Option<[u8; N]> {
    data_encoding::HEXLOWER_PERMISSIVE.decode(s.as_bytes()).ok()?.try_into().ok()
}

/// Argon2id cost settings, stored with each slot so they can be raised later.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct KdfParams {
    /// Memory in KiB.
    pub memory_kib: u32,
    /// Passes over the memory.
    pub iterations: u32,
    /// Lanes.
    pub parallelism: u32,
}

impl KdfParams {
    /// The passphrase default: 256 MiB, two passes — about 0.7 s on a
    /// two-core laptop, and expensive to guess at scale (every guess needs
    /// 256 MiB of memory).
    pub const PASSPHRASE: KdfParams = KdfParams { memory_kib: 256 * 1024, iterations: 2, parallelism: 1 };

    /// The recovery key has 128 random bits, so guessing it is hopeless
    /// whatever the cost; a light setting keeps recovery quick.
    pub const RECOVERY: KdfParams = KdfParams { memory_kib: 16 * 1024, iterations: 1, parallelism: 1 };

    /// The least memory a passphrase may be derived with.
    pub const MIN_PASSPHRASE_MEMORY_MIB: u32 = 64;

    /// Passphrase settings with a chosen amount of memory (in MiB), for
    /// machines that cannot spare 256 MiB. Refuses less than 64 MiB.
    pub fn passphrase_with_memory_mib(mib: u32) -> Result<KdfParams> {
        if !(Self::MIN_PASSPHRASE_MEMORY_MIB..=4096).contains(&mib) {
            return Err(Error::invalid(format!(
                "key derivation memory must be between {} and 4096 MiB",
                Self::MIN_PASSPHRASE_MEMORY_MIB
            )));
        }
        Ok(KdfParams { memory_kib: mib * 1024, ..Self::PASSPHRASE })
    }

    fn argon2(&self) -> Result<Argon2<'static>> {
        let params = Params::new(self.memory_kib, self.iterations, self.parallelism, Some(32))
            .map_err(|_| Error::invalid("the key derivation settings are out of range"))?;
        Ok(Argon2::new(Algorithm::Argon2id, Version::V0x13, params))
    }

    fn derive(&self, secret: &[u8], salt: &[u8]) -> Result<Zeroizing<[u8; 32]>> {
        let mut out = Zeroizing::new([0u8; 32]);
        self.argon2()?
            .hash_password_into(secret, salt, out.as_mut())
            .map_err(|_| Error::invalid("the key derivation settings are out of range"))?;
        Ok(out)
    }

    /// Settings read from a key file must be sane before we spend memory on them.
    fn plausible(&self) -> bool {
        (8..=4 * 1024 * 1024).contains(&self.memory_kib)
            && (1..=64).contains(&self.iterations)
            && (1..=16).contains(&self.parallelism)
    }
}

/// How hard a passphrase would be to guess, as zxcvbn estimates it, with
/// what would make it harder, in plain words. The one estimator: the app
/// asks it as the person types, and new passphrases are held to it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub struct PassphraseStrength {
    /// From 0 (guessed at once) to 4 (beyond any reasonable guessing).
    pub score: u8,
    /// Whether it is strong enough to be accepted
    /// ([`MIN_PASSPHRASE_SCORE`] or more).
    pub acceptable: bool,
    /// What makes it easy to guess, if anything stands out.
    pub warning: Option<String>,
    /// What would make it harder to guess.
    pub suggestions: Vec<String>,
}

/// How strong `passphrase` is. `about_you` are words a guesser would try
/// first for this journal (the keeper's name): a passphrase made of them
/// scores lower.
pub fn passphrase_strength(passphrase: &str, about_you: &[&str]) -> PassphraseStrength {
    if passphrase.is_empty() {
        return PassphraseStrength { score: 0, acceptable: false, warning: None, suggestions: Vec::new() };
    }
    // zxcvbn's cost grows with the length; past this much, only the start
    // is judged (a passphrase this long is strong on length alone).
    let judged: Zeroizing<String> = Zeroizing::new(passphrase.chars().take(100).collect());
    // zxcvbn matches these as it matches its dictionaries: in lower case,
    // word by word.
    let words: Vec<String> = about_you.iter().flat_map(|w| w.split_whitespace()).map(str::to_lowercase).collect();
    let words: Vec<&str> = words.iter().map(String::as_str).collect();
    let estimate = zxcvbn::zxcvbn(&judged, &words);
    let score = u8::from(estimate.score());
    let (warning, mut suggestions) = match estimate.feedback() {
        Some(f) => (f.warning().map(|w| w.to_string()), f.suggestions().iter().map(|s| s.to_string()).collect()),
        None => (None, Vec::new()),
    };
    if score < MIN_PASSPHRASE_SCORE && suggestions.is_empty() {
        suggestions.push("Add another word or two. Uncommon words are better.".to_string());
    }
    PassphraseStrength { score, acceptable: score >= MIN_PASSPHRASE_SCORE, warning, suggestions }
}

/// Checks a new passphrase: strong enough ([`passphrase_strength`]), and
/// not so long it must be a pasted file. The refusal says what would make
/// it stronger.
pub fn validate_new_passphrase(passphrase: &str, about_you: &[&str]) -> Result<()> {
    if passphrase.len() > MAX_PASSPHRASE_BYTES {
        return Err(Error::invalid("that passphrase is too long (at most 1024 bytes)"));
    }
    let strength = passphrase_strength(passphrase, about_you);
    if !strength.acceptable {
        let mut why = String::from("that passphrase would be too easy to guess");
        if let Some(w) = &strength.warning {
            why.push_str(": ");
            why.push_str(&lower_first(w));
        } else {
            why.push('.');
        }
        for s in &strength.suggestions {
            why.push(' ');
            why.push_str(s);
        }
        why.push_str(" A few unrelated words that mean something only to you make a strong one.");
        return Err(Error::invalid(why));
    }
    Ok(())
}

/// `s` with its first letter in lower case, to follow a colon.
fn lower_first(s: &str) -> String {
    let mut chars = s.chars();
    chars.next().map(|c| c.to_lowercase().chain(chars).collect()).unwrap_or_default()
}

// ---------------------------------------------------------------------------
// Recovery key

/// Crockford's base32 alphabet: no I, L, O or U, so it reads and copies well.
const CROCKFORD: &[u8; 32] = b"0123456789ABCDEFGHJKMNPQRSTVWXYZ";
const RECOVERY_SECRET_BYTES: usize = 16;
const RECOVERY_CHECK_BYTES: usize = 4;
const RECOVERY_CHARS: usize = 32; // (16 + 4) bytes * 8 / 5

/// The printable recovery key shown once at set-up: 128 random bits and 32
/// bits of check digits, as 8 groups of 4 characters.
#[derive(Clone, Zeroize, ZeroizeOnDrop)]
pub struct RecoveryKey {
    secret: [u8; RECOVERY_SECRET_BYTES],
}

impl RecoveryKey {
    pub(crate) fn generate() -> Self {
        let mut secret = [0u8; RECOVERY_SECRET_BYTES];
        OsRng.fill_bytes(&mut secret);
        RecoveryKey { secret }
    }

    fn check_digits(secret: &[u8; RECOVERY_SECRET_BYTES]) -> [u8; RECOVERY_CHECK_BYTES] {
        let digest = Sha256::new_with_prefix(b"peerjournal recovery key check").chain_update(secret).finalize();
        let mut c = [0u8; RECOVERY_CHECK_BYTES];
        c.copy_from_slice(&digest[..RECOVERY_CHECK_BYTES]);
        c
    }

    /// The key as people write it down: `XXXX-XXXX-…` (8 groups). The string
    /// is wiped when dropped.
    pub fn display(&self) -> Zeroizing<String> {
        let mut bytes = Zeroizing::new([0u8; RECOVERY_SECRET_BYTES + RECOVERY_CHECK_BYTES]);
        bytes[..RECOVERY_SECRET_BYTES].copy_from_slice(&self.secret);
        bytes[RECOVERY_SECRET_BYTES..].copy_from_slice(&Self::check_digits(&self.secret));
        let chars = Zeroizing::new(base32(bytes.as_ref()));
        let mut out = Zeroizing::new(String::with_capacity(RECOVERY_CHARS + 7));
        for (i, c) in chars.chars().enumerate() {
            if i > 0 && i % 4 == 0 {
                out.push('-');
            }
            out.push(c);
        }
        out
    }

    /// Reads a recovery key as typed: any case, with or without dashes or
    /// spaces, and forgiving the look-alikes I/L (for 1) and O (for 0).
    pub fn parse(typed: &str) -> Result<Self> {
        let mut chars = Zeroizing::new(Vec::with_capacity(RECOVERY_CHARS));
        for c in typed.chars() {
            let c = match c.to_ascii_uppercase() {
                '-' | ' ' | '\t' | '\n' | '\r' => continue,
                'I' | 'L' => b'1',
                'O' => b'0',
                other if other.is_ascii() && CROCKFORD.contains(&(other as u8)) => other as u8,
                _ => return Err(Error::MistypedRecoveryKey("it has a character that is never used in recovery keys")),
            };
            chars.push(c);
        }
        if chars.len() != RECOVERY_CHARS {
            return Err(Error::MistypedRecoveryKey(if chars.len() < RECOVERY_CHARS {
                "it is too short"
            } else {
                "it is too long"
            }));
        }
        let bytes = Zeroizing::new(unbase32(&chars));
        if bytes.len() != RECOVERY_SECRET_BYTES + RECOVERY_CHECK_BYTES {
            return Err(Error::MistypedRecoveryKey("its check digits do not match"));
        }
        let mut secret = [0u8; RECOVERY_SECRET_BYTES];
        secret.copy_from_slice(&bytes[..RECOVERY_SECRET_BYTES]);
        let key = RecoveryKey { secret };
        if bytes[RECOVERY_SECRET_BYTES..] != Self::check_digits(&key.secret) {
            return Err(Error::MistypedRecoveryKey("its check digits do not match"));
        }
        Ok(key)
    }
}

impl fmt::Debug for RecoveryKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("RecoveryKey(..)")
    }
}

/// Crockford's base32, as the recovery key and fingerprints are written:
/// bits read from the most significant, no padding.
fn crockford() -> &'static data_encoding::Encoding {
    static ENCODING: std::sync::LazyLock<data_encoding::Encoding> = std::sync::LazyLock::new(|| {
        let mut spec = data_encoding::Specification::new();
        spec.symbols.push_str(std::str::from_utf8(CROCKFORD).unwrap_or_default());
        // The specification is a constant, checked by the tests: the
        // fallback is never taken.
        spec.encoding().unwrap_or_else(|_| data_encoding::BASE32_NOPAD.clone())
    });
    &ENCODING
}

/// Crockford base32 of `bytes`.
pub(crate) fn base32(bytes: &[u8]) -> String {
    crockford().encode(bytes)
}

/// The bytes of Crockford base32 text (upper case); empty if it is not.
fn unbase32(text: &[u8]) -> Vec<u8> {
    crockford().decode(text).unwrap_or_default()
}

// ---------------------------------------------------------------------------
// Key file

/// One sealed copy of the data key.
#[derive(Clone, Debug, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
struct Slot {
    kdf: String,
    params: KdfParams,
    salt: String,
    nonce: String,
    sealed: String,
}

/// The key file as stored (JSON). Do not reorder or rename fields: the
/// checksum is computed over this exact serialisation.
#[derive(Clone, Debug, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
struct StoredKeyFile {
    format: String,
    version: u32,
    journal_id: Uuid,
    database_salt: String,
    /// From version 2: the [`DatabaseCipher`]'s name.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    database_cipher: Option<String>,
    passphrase: Slot,
    recovery: Slot,
    checksum: String,
}

/// Which secret a slot is sealed under.
#[derive(Clone, Copy, Debug)]
enum SlotName {
    Passphrase,
    Recovery,
}

impl SlotName {
    fn as_str(self) -> &'static str {
        match self {
            SlotName::Passphrase => "passphrase",
            SlotName::Recovery => "recovery",
        }
    }
}

/// A parsed, checksum-verified key file.
#[derive(Clone, Debug)]
pub struct KeyFile {
    inner: StoredKeyFile,
    salt: DatabaseSalt,
    cipher: DatabaseCipher,
}

impl KeyFile {
    /// Seals a new data key under a passphrase and a recovery key.
    pub(crate) fn create(
        journal_id: Uuid,
        salt: DatabaseSalt,
        cipher: DatabaseCipher,
        key: &DataKey,
        passphrase: &str,
        passphrase_kdf: KdfParams,
        recovery: &RecoveryKey,
    ) -> Result<Self> {
        let placeholder = Slot {
            kdf: String::new(),
            params: passphrase_kdf,
            salt: String::new(),
            nonce: String::new(),
            sealed: String::new(),
        };
        // A journal using SQLCipher's defaults gets the version 1 form, so
        // that its key file is exactly what older versions wrote.
        let (version, database_cipher) = match cipher {
            DatabaseCipher::Sqlcipher4Defaults => (1, None),
            other => (KEY_FILE_VERSION, Some(other.name().to_string())),
        };
        let mut inner = StoredKeyFile {
            format: KEY_FILE_FORMAT.into(),
            version,
            journal_id,
            database_salt: data_encoding::HEXLOWER.encode(&salt.0),
            database_cipher,
            passphrase: placeholder.clone(),
            recovery: placeholder,
            checksum: String::new(),
        };
        inner.passphrase = seal(&inner, SlotName::Passphrase, passphrase.as_bytes(), passphrase_kdf, key)?;
        inner.recovery = seal(&inner, SlotName::Recovery, &recovery.secret, KdfParams::RECOVERY, key)?;
        let mut file = KeyFile { inner, salt, cipher };
        file.inner.checksum = file.compute_checksum()?;
        Ok(file)
    }

    /// The journal this key file belongs to.
    pub fn journal_id(&self) -> Uuid {
        self.inner.journal_id
    }

    /// The salt the database file must start with.
    pub fn database_salt(&self) -> DatabaseSalt {
        self.salt
    }

    /// How the database's pages are encrypted.
    pub fn database_cipher(&self) -> DatabaseCipher {
        self.cipher
    }

    /// The Argon2id settings of the passphrase slot.
    pub fn passphrase_kdf(&self) -> KdfParams {
        self.inner.passphrase.params
    }

    /// Opens the passphrase slot.
    pub(crate) fn unseal_with_passphrase(&self, passphrase: &str) -> Result<DataKey> {
        unseal(&self.inner, SlotName::Passphrase, &self.inner.passphrase, passphrase.as_bytes())
            .ok_or(Error::WrongPassphrase)
    }

    /// Opens the recovery slot.
    pub(crate) fn unseal_with_recovery(&self, recovery: &RecoveryKey) -> Result<DataKey> {
        unseal(&self.inner, SlotName::Recovery, &self.inner.recovery, &recovery.secret).ok_or(Error::WrongRecoveryKey)
    }

    /// A copy with the passphrase slot sealed afresh under a new passphrase
    /// (same data key, new salt and nonce). The recovery slot is unchanged.
    pub(crate) fn with_new_passphrase(&self, key: &DataKey, passphrase: &str, kdf: KdfParams) -> Result<Self> {
        let mut next = self.clone();
        next.inner.passphrase = seal(&next.inner, SlotName::Passphrase, passphrase.as_bytes(), kdf, key)?;
        next.inner.checksum = next.compute_checksum()?;
        Ok(next)
    }

    fn compute_checksum(&self) -> Result<String> {
        let mut unsummed = self.inner.clone();
        unsummed.checksum = String::new();
        let bytes = serde_json::to_vec(&unsummed).map_err(|e| Error::invalid(e.to_string()))?;
        Ok(data_encoding::HEXLOWER.encode(&Sha256::digest(&bytes)[..16]))
    }

    /// Reads and verifies a key file.
    pub fn read(path: &Path) -> Result<Self> {
        let bytes = fs::read(path).map_err(|e| match e.kind() {
            std::io::ErrorKind::NotFound => {
                Error::NotAJournal(path.parent().unwrap_or(path).to_path_buf(), "its key file journal.key is missing")
            }
            _ => Error::io("read", path, e),
        })?;
        Self::parse(path, &bytes)
    }

    fn parse(path: &Path, bytes: &[u8]) -> Result<Self> {
        let damaged = |why: &str| Error::KeyFileDamaged(path.to_path_buf(), why.to_string());
        if bytes.len() > 64 * 1024 {
            return Err(damaged("it is far too large to be a key file"));
        }
        // Read the envelope first, so a newer version is reported as such
        // rather than as damage.
        #[derive(Deserialize)]
        struct Envelope {
            format: String,
            version: u32,
        }
        let envelope: Envelope = serde_json::from_slice(bytes).map_err(|_| damaged("it is not a readable key file"))?;
        if envelope.format != KEY_FILE_FORMAT {
            return Err(damaged("it is not a Peer Journal key file"));
        }
        if envelope.version > KEY_FILE_VERSION {
            return Err(Error::KeyFileTooNew(envelope.version));
        }
        let inner: StoredKeyFile =
            serde_json::from_slice(bytes).map_err(|_| damaged("some of its fields are missing or wrong"))?;
        let salt = unhex::<16>(&inner.database_salt).ok_or_else(|| damaged("its database salt is unreadable"))?;
        let cipher = match (inner.version, inner.database_cipher.as_deref()) {
            (1, None) => DatabaseCipher::Sqlcipher4Defaults,
            (2.., Some(name)) => DatabaseCipher::from_name(name)
                .ok_or_else(|| damaged("its database encryption is not one Peer Journal uses"))?,
            _ => return Err(damaged("some of its fields are missing or wrong")),
        };
        let file = KeyFile { inner, salt: DatabaseSalt(salt), cipher };
        if file.compute_checksum()? != file.inner.checksum {
            return Err(damaged("its checksum does not match its contents"));
        }
        for slot in [&file.inner.passphrase, &file.inner.recovery] {
            if slot.kdf != "argon2id" || !slot.params.plausible() {
                return Err(damaged("its key derivation settings are not ones Peer Journal writes"));
            }
        }
        Ok(file)
    }

    /// Writes the key file atomically: a temporary file in the same folder,
    /// flushed to disk, then renamed over the old one. A crash leaves either
    /// the old key file or the new one, never a half-written one.
    pub(crate) fn write(&self, path: &Path) -> Result<()> {
        let json = serde_json::to_vec_pretty(&self.inner).map_err(|e| Error::invalid(e.to_string()))?;
        let tmp = path.with_extension("key.tmp");
        let result = (|| {
            let mut options = fs::OpenOptions::new();
            options.write(true).create(true).truncate(true);
            #[cfg(unix)]
            {
                use std::os::unix::fs::OpenOptionsExt;
                options.mode(0o600);
            }
            let mut f = options.open(&tmp).map_err(|e| Error::io("write", &tmp, e))?;
            f.write_all(&json).map_err(|e| Error::io("write", &tmp, e))?;
            f.write_all(b"\n").map_err(|e| Error::io("write", &tmp, e))?;
            f.sync_all().map_err(|e| Error::io("write", &tmp, e))?;
            drop(f);
            fs::rename(&tmp, path).map_err(|e| Error::io("replace", path, e))?;
            sync_dir(path);
            Ok(())
        })();
        if result.is_err() {
            let _ = fs::remove_file(&tmp);
        }
        result
    }
}

/// Flushes a folder's entry list so a rename survives a power cut. Best
/// effort: not every platform can open a folder for this.
pub(crate) fn sync_dir(path: &Path) {
    #[cfg(unix)]
    if let Some(dir) = path.parent() {
        if let Ok(d) = fs::File::open(dir) {
            let _ = d.sync_all();
        }
    }
    #[cfg(not(unix))]
    let _ = path;
}

fn associated_data(file: &StoredKeyFile, slot: SlotName, params: &KdfParams) -> Vec<u8> {
    let mut ad = format!(
        "{KEY_FILE_FORMAT} v{} journal={} slot={} db-salt={} argon2id m={} t={} p={}",
        file.version,
        file.journal_id,
        slot.as_str(),
        file.database_salt,
        params.memory_kib,
        params.iterations,
        params.parallelism
    );
    if let Some(cipher) = &file.database_cipher {
        ad.push_str(" db-cipher=");
        ad.push_str(cipher);
    }
    ad.into_bytes()
}

fn seal(file: &StoredKeyFile, slot: SlotName, secret: &[u8], params: KdfParams, key: &DataKey) -> Result<Slot> {
    let mut salt = [0u8; 16];
    OsRng.fill_bytes(&mut salt);
    let mut nonce = [0u8; 24];
    OsRng.fill_bytes(&mut nonce);
    let kek = params.derive(secret, &salt)?;
    let cipher = XChaCha20Poly1305::new(kek.as_ref().into());
    let aad = associated_data(file, slot, &params);
    let sealed = cipher
        .encrypt(XNonce::from_slice(&nonce), Payload { msg: &key.0, aad: &aad })
        .map_err(|_| Error::invalid("could not seal the data key"))?;
    Ok(Slot {
        kdf: "argon2id".into(),
        params,
        salt: B64.encode(salt),
        nonce: B64.encode(nonce),
        sealed: B64.encode(sealed),
    })
}

/// Opens a slot; `None` for any failure, so that callers cannot learn which
/// part was wrong.
fn unseal(file: &StoredKeyFile, slot_name: SlotName, slot: &Slot, secret: &[u8]) -> Option<DataKey> {
    let salt = B64.decode(&slot.salt).ok()?;
    let nonce = B64.decode(&slot.nonce).ok()?;
    let sealed = B64.decode(&slot.sealed).ok()?;
    if nonce.len() != 24 || salt.len() < 8 {
        return None;
    }
    let kek = slot.params.derive(secret, &salt).ok()?;
    let cipher = XChaCha20Poly1305::new(kek.as_ref().into());
    let aad = associated_data(file, slot_name, &slot.params);
    let plain = Zeroizing::new(cipher.decrypt(XNonce::from_slice(&nonce), Payload { msg: &sealed, aad: &aad }).ok()?);
    let bytes: [u8; 32] = plain.as_slice().try_into().ok()?;
    Some(DataKey(bytes))
}

#[cfg(test)]
mod tests {
    use super::*;

    const FAST: KdfParams = KdfParams { memory_kib: 1024, iterations: 1, parallelism: 1 };

    fn sample() -> (KeyFile, DataKey, RecoveryKey) {
        let key = DataKey::generate();
        let recovery = RecoveryKey::generate();
        let file = KeyFile::create(
            Uuid::now_v7(),
            DatabaseSalt::generate(),
            DatabaseCipher::NEW,
            &key,
            "a good passphrase",
            FAST,
            &recovery,
        )
        .unwrap();
        (file, key, recovery)
    }

    #[test]
    fn passphrase_and_recovery_key_both_unseal_the_same_data_key() {
        let (file, key, recovery) = sample();
        assert_eq!(file.unseal_with_passphrase("a good passphrase").unwrap().0, key.0);
        assert_eq!(file.unseal_with_recovery(&recovery).unwrap().0, key.0);
        assert!(matches!(file.unseal_with_passphrase("a good passphrasE"), Err(Error::WrongPassphrase)));
        assert!(matches!(file.unseal_with_recovery(&RecoveryKey::generate()), Err(Error::WrongRecoveryKey)));
    }

    #[test]
    fn recovery_key_reads_back_from_its_printed_form_with_typing_slack() {
        let r = RecoveryKey::generate();
        let shown = r.display();
        assert_eq!(shown.len(), 39);
        assert_eq!(shown.split('-').count(), 8);
        let sloppy = shown.to_lowercase().replace('-', " ").replace('1', "l").replace('0', "o");
        assert_eq!(RecoveryKey::parse(&sloppy).unwrap().secret, r.secret);
    }

    #[test]
    fn recovery_key_typo_is_caught_by_check_digits() {
        let shown = RecoveryKey::generate().display();
        let mut chars: Vec<char> = shown.chars().collect();
        chars[0] = if chars[0] == '2' { '3' } else { '2' };
        let typo: String = chars.into_iter().collect();
        assert!(matches!(RecoveryKey::parse(&typo), Err(Error::MistypedRecoveryKey(_))));
        assert!(matches!(RecoveryKey::parse("ABCD-EFGH"), Err(Error::MistypedRecoveryKey("it is too short"))));
        assert!(matches!(RecoveryKey::parse(&format!("{}U", &shown[..38])), Err(Error::MistypedRecoveryKey(_))));
    }

    #[test]
    fn key_file_round_trips_and_detects_any_edit() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("journal.key");
        let (file, key, _) = sample();
        file.write(&path).unwrap();
        let back = KeyFile::read(&path).unwrap();
        assert_eq!(back.unseal_with_passphrase("a good passphrase").unwrap().0, key.0);

        let text = fs::read_to_string(&path).unwrap();
        let weakened = text.replacen("\"iterations\": 1", "\"iterations\": 2", 1);
        assert_ne!(weakened, text);
        assert!(matches!(KeyFile::parse(&path, weakened.as_bytes()), Err(Error::KeyFileDamaged(..))));
        assert!(matches!(KeyFile::parse(&path, &text.as_bytes()[..40]), Err(Error::KeyFileDamaged(..))));
        let newer = text.replacen("\"version\": 2", "\"version\": 9", 1);
        assert_ne!(newer, text);
        assert!(matches!(KeyFile::parse(&path, newer.as_bytes()), Err(Error::KeyFileTooNew(9))));
        let cipher = text.replacen("sqlcipher4-8k-hmac-sha256", "sqlcipher4", 1);
        assert_ne!(cipher, text);
        assert!(matches!(KeyFile::parse(&path, cipher.as_bytes()), Err(Error::KeyFileDamaged(..))));
    }

    /// A journal made before key files named the database's encryption
    /// keeps its version 1 key file, read as SQLCipher's defaults.
    #[test]
    fn a_version_1_key_file_means_sqlcipher_defaults() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("journal.key");
        let (key, recovery) = (DataKey::generate(), RecoveryKey::generate());
        let salt = DatabaseSalt::generate();
        let old = DatabaseCipher::Sqlcipher4Defaults;
        let file = KeyFile::create(Uuid::now_v7(), salt, old, &key, "a good passphrase", FAST, &recovery).unwrap();
        file.write(&path).unwrap();
        let text = fs::read_to_string(&path).unwrap();
        assert!(text.contains("\"version\": 1") && !text.contains("database_cipher"), "{text}");
        let back = KeyFile::read(&path).unwrap();
        assert_eq!(back.database_cipher(), old);
        assert_eq!(back.unseal_with_passphrase("a good passphrase").unwrap().0, key.0);
        let (new, _, _) = sample();
        assert_eq!(new.database_cipher(), DatabaseCipher::NEW);
        assert_eq!(new.inner.version, KEY_FILE_VERSION);
    }

    #[test]
    fn a_slot_moved_between_journals_does_not_open() {
        let (a, key, _) = sample();
        let (mut b, _, _) = sample();
        b.inner.passphrase = a.inner.passphrase.clone();
        assert!(b.unseal_with_passphrase("a good passphrase").is_err());
        assert!(a.unseal_with_passphrase("a good passphrase").is_ok());
        drop(key);
    }

    #[test]
    fn new_passphrase_keeps_data_key_and_recovery_slot() {
        let (file, key, recovery) = sample();
        let next = file.with_new_passphrase(&key, "another passphrase", FAST).unwrap();
        assert!(next.unseal_with_passphrase("a good passphrase").is_err());
        assert_eq!(next.unseal_with_passphrase("another passphrase").unwrap().0, key.0);
        assert_eq!(next.unseal_with_recovery(&recovery).unwrap().0, key.0);
    }

    #[test]
    fn base32_round_trips() {
        for len in [5usize, 10, 20] {
            let bytes: Vec<u8> = (0..len as u8).map(|b| b.wrapping_mul(37).wrapping_add(11)).collect();
            let s = base32(&bytes);
            assert!(s.bytes().all(|c| CROCKFORD.contains(&c)));
            assert_eq!(unbase32(s.as_bytes()), bytes);
        }
    }

    /// Written before the encoding came from a library: recovery keys and
    /// fingerprints must come out byte for byte as they always have, or no
    /// one's written-down key or read-aloud fingerprint would match.
    #[test]
    fn encodings_are_what_they_always_were() {
        assert_eq!(base32(&[0xff, 0x00, 0x10, 0x20, 0x30]), "ZW01081G");
        let key = RecoveryKey { secret: [0x5a; 16] };
        assert_eq!(key.display().as_str(), "B9D5-MPJT-B9D5-MPJT-B9D5-MPJT-B9JK-Z0MW");
        let key = RecoveryKey { secret: core::array::from_fn(|i| (i * 17 + 3) as u8) };
        assert_eq!(key.display().as_str(), "0CA2-ADJ7-B1MQ-N2WW-NPZC-ZR7H-0AJ8-4H6X");
        let typed = "0ca2 adj7 b1mq n2ww npzc zr7h oaj8 4h6x";
        assert_eq!(RecoveryKey::parse(typed).unwrap().display().as_str(), key.display().as_str());
        let age = "age1qyqszqgpqyqszqgpqyqszqgpqyqszqgpqyqszqgpqyqszqgpqyqs3290gq";
        assert_eq!(crate::store::identity::fingerprint(age, &[7u8; 32]), "T9T1-3R9Y-GGCE-CRSC");
    }

    #[test]
    fn passphrase_strength_is_zxcvbns_with_plain_advice() {
        let weak = passphrase_strength("password1", &[]);
        assert!(!weak.acceptable && weak.score < MIN_PASSPHRASE_SCORE);
        assert!(weak.warning.as_deref().is_some_and(|w| w.contains("common")), "{weak:?}");
        assert!(!weak.suggestions.is_empty());
        assert!(passphrase_strength("rhubarb lantern quietly orbits", &[]).acceptable);
        // The keeper's own name is no secret.
        assert!(passphrase_strength("fotheringayzebediah", &[]).acceptable);
        assert!(!passphrase_strength("fotheringayzebediah", &["Zebediah Fotheringay"]).acceptable);
        assert_eq!(passphrase_strength("", &[]).score, 0);
        let e = validate_new_passphrase("password1", &[]).unwrap_err().to_string();
        assert!(e.starts_with("that passphrase would be too easy to guess: this is a very common password."), "{e}");
        assert!(validate_new_passphrase(&"long enough words ".repeat(100), &[]).is_err(), "over 1024 bytes");
    }
}
