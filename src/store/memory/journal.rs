//! The data directory: every acknowledged write of a [`super::MemoryStore`]
//! kept in a redb database, so the corpus survives a restart or a crash.
//!
//! The store applies a write in RAM and hands it to the journal under the
//! same lock, so the journal sees writes in sequence order. One writer
//! thread drains what has queued up and writes it in one redb transaction,
//! committed with [`redb::Durability::Immediate`] (fsync'd) and quick
//! repair (two-phase commit, the allocator state saved with each commit,
//! so opening after a crash does not walk the whole file); then it
//! publishes the last sequence number committed, and the writes up to it
//! are acknowledged ([`Journal::wait_durable`]). Writers that arrive while
//! a transaction is being committed share the next one (group commit).
//!
//! The database holds one table of documents, keyed by (tenant, id), each
//! value the current version as a zstd frame of its JSON encoding
//! (document, analysis, versions and times), and a table of metadata with
//! the format version. JSON rather than a compact binary serde format:
//! `Analysis` grows fields as the pipeline does, and a self-describing
//! encoding reads older records (a new field with `#[serde(default)]`) or
//! fails loudly, where a positional one (postcard, bincode) could misread
//! them silently; zstd takes most of JSON's size back (BENCHMARKS.md). A redb transaction is atomic: after a crash the
//! file holds every committed transaction and nothing of a later one.
//!
//! When a commit fails (a full or failing disk), the store stops: the
//! writes of the failed transaction are not acknowledged, and every later
//! call is refused as unavailable until a restart, so the server never
//! answers with a write that its data directory lacks (the RAM copy may
//! hold writes of the failed transaction). A restart serves what the disk
//! holds.

use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};

use parking_lot::{Condvar, Mutex};
use redb::{Database, ReadableTable, ReadableTableMetadata, TableDefinition};
use tokio::sync::watch as tokio_watch;

use crate::error::{Error, Result};
use crate::store::StoredDocument;

/// The documents: (tenant, id) → a zstd frame of the JSON encoding of the
/// current [`StoredDocument`].
const DOCUMENTS: TableDefinition<(&str, &str), &[u8]> = TableDefinition::new("documents");
/// Metadata: `format` → [`FORMAT`].
const META: TableDefinition<&str, u64> = TableDefinition::new("meta");
/// The version of the value encoding; a data directory written in another
/// one is refused rather than misread.
const FORMAT: u64 = 1;
/// The database file inside the data directory.
const FILE: &str = "documents.redb";
/// redb's page cache. The store reads the database only at start-up (RAM
/// holds every document), so a small cache is enough.
const CACHE_BYTES: usize = 32 * 1024 * 1024;
/// The zstd level of stored values (level 1: fast, and news text
/// compresses about as well as at level 3).
const LEVEL: i32 = 1;
/// How many documents start-up decodes per batch (spread over the cores).
const LOAD_BATCH: usize = 2048;

/// One write, in the store's sequence order.
pub(super) enum Record {
    /// A new version of a document (replaces the stored one).
    Put {
        /// The write's sequence number.
        seq: u64,
        /// The version written.
        document: Arc<StoredDocument>,
    },
    /// A deletion.
    Delete {
        /// The write's sequence number.
        seq: u64,
        /// The tenant.
        tenant: String,
        /// The id.
        id: String,
    },
}

impl Record {
    fn seq(&self) -> u64 {
        match self {
            Record::Put { seq, .. } | Record::Delete { seq, .. } => *seq,
        }
    }
}

/// What has been made durable, as published after each transaction.
#[derive(Debug, Clone, Default)]
pub(super) struct Durable {
    /// Every write up to this sequence number is on disk.
    pub seq: u64,
    /// Why a commit failed; the journal takes no more writes.
    pub failed: Option<String>,
    /// The writer thread has stopped.
    pub closed: bool,
}

#[derive(Default)]
struct Queue {
    records: Vec<Record>,
    shutdown: bool,
}

/// The data directory's database and its group-commit queue.
pub(super) struct Journal {
    path: PathBuf,
    db: Database,
    queue: Mutex<Queue>,
    wake: Condvar,
    durable: tokio_watch::Sender<Durable>,
    failed: AtomicBool,
}

impl Journal {
    /// Opens (creating when needed) the data directory `dir`. Fails with a
    /// message naming the directory when it cannot be created, is held by
    /// another process, or was written in another format.
    pub fn open(dir: &Path) -> Result<Journal> {
        let fail = |what: String| {
            Error::Internal(format!(
                "cannot open the data directory {}: {what}",
                dir.display()
            ))
        };
        std::fs::create_dir_all(dir).map_err(|e| fail(e.to_string()))?;
        let path = dir.join(FILE);
        let db = redb::Builder::new()
            .set_cache_size(CACHE_BYTES)
            .set_repair_callback(|session| {
                tracing::info!(
                    progress = session.progress(),
                    "repairing the data directory after an unclean stop"
                );
            })
            .create(&path)
            .map_err(|e| match e {
                redb::DatabaseError::DatabaseAlreadyOpen => {
                    fail("it is in use by another docsift process".into())
                }
                other => fail(other.to_string()),
            })?;
        // Check (or, in a new directory, write) the format, and make sure the
        // documents table exists for the readers.
        let txn = db.begin_write().map_err(|e| fail(e.to_string()))?;
        {
            let mut meta = txn.open_table(META).map_err(|e| fail(e.to_string()))?;
            let format = meta
                .get("format")
                .map_err(|e| fail(e.to_string()))?
                .map(|v| v.value());
            match format {
                Some(FORMAT) => {}
                Some(other) => {
                    return Err(fail(format!(
                        "it was written in format {other}; this docsift reads format {FORMAT}"
                    )));
                }
                None => {
                    meta.insert("format", FORMAT)
                        .map_err(|e| fail(e.to_string()))?;
                }
            }
            txn.open_table(DOCUMENTS).map_err(|e| fail(e.to_string()))?;
        }
        txn.commit().map_err(|e| fail(e.to_string()))?;
        let (durable, _) = tokio_watch::channel(Durable::default());
        Ok(Journal {
            path,
            db,
            queue: Mutex::new(Queue::default()),
            wake: Condvar::new(),
            durable,
            failed: AtomicBool::new(false),
        })
    }

    /// Reads every stored document, in batches (decoded on all cores), and
    /// hands each batch to `apply` in key order.
    pub fn load(&self, mut apply: impl FnMut(Vec<StoredDocument>) -> Result<()>) -> Result<u64> {
        let fail = |e: &dyn std::fmt::Display| {
            Error::Internal(format!("cannot read {}: {e}", self.path.display()))
        };
        let txn = self.db.begin_read().map_err(|e| fail(&e))?;
        let table = txn.open_table(DOCUMENTS).map_err(|e| fail(&e))?;
        let total = table.len().map_err(|e| fail(&e))?;
        let threads = std::thread::available_parallelism().map_or(1, |n| n.get());
        let mut raw: Vec<(String, Vec<u8>)> = Vec::with_capacity(LOAD_BATCH);
        let mut flush = |raw: &mut Vec<(String, Vec<u8>)>| -> Result<()> {
            let chunk = raw.len().div_ceil(threads).max(1);
            let decoded: Vec<Result<Vec<StoredDocument>>> = std::thread::scope(|scope| {
                let workers: Vec<_> = raw
                    .chunks(chunk)
                    .map(|part| {
                        scope.spawn(move || {
                            part.iter()
                                .map(|(key, value)| {
                                    decode(value).map_err(|e| {
                                        Error::Internal(format!("document {key}: {e}"))
                                    })
                                })
                                .collect()
                        })
                    })
                    .collect();
                workers
                    .into_iter()
                    .map(|worker| {
                        worker.join().unwrap_or_else(|_| {
                            Err(Error::internal("decoding a document panicked"))
                        })
                    })
                    .collect()
            });
            raw.clear();
            let mut batch = Vec::with_capacity(LOAD_BATCH);
            for part in decoded {
                batch.extend(part.map_err(|e| fail(&e))?);
            }
            apply(batch)
        };
        for entry in table.iter().map_err(|e| fail(&e))? {
            let (key, value) = entry.map_err(|e| fail(&e))?;
            let (tenant, id) = key.value();
            raw.push((format!("{tenant}/{id}"), value.value().to_vec()));
            if raw.len() == LOAD_BATCH {
                flush(&mut raw)?;
            }
        }
        if !raw.is_empty() {
            flush(&mut raw)?;
        }
        Ok(total)
    }

    /// Marks every write up to `seq` as durable (the writes start-up read
    /// back from the database).
    pub fn start_at(&self, seq: u64) {
        self.durable.send_modify(|d| d.seq = seq);
    }

    /// Queues a write; the caller holds the store's state lock, so writes
    /// queue in sequence order.
    pub fn push(&self, record: Record) {
        self.queue.lock().records.push(record);
        self.wake.notify_one();
    }

    /// Whether a commit failed (the store then serves nothing).
    pub fn has_failed(&self) -> bool {
        self.failed.load(Ordering::Acquire)
    }

    /// Refuses a call once a commit failed.
    pub fn check(&self) -> Result<()> {
        if self.has_failed() {
            let reason = self.durable.borrow().failed.clone().unwrap_or_default();
            return Err(Error::Unavailable(format!(
                "the data directory failed ({reason}); the server must be restarted"
            )));
        }
        Ok(())
    }

    /// Resolves once the write with sequence number `seq` (and every one
    /// before it) is on disk; fails if its transaction failed.
    pub async fn wait_durable(&self, seq: u64) -> Result<()> {
        let mut durable = self.durable.subscribe();
        let state = durable
            .wait_for(|d| d.seq >= seq || d.failed.is_some() || d.closed)
            .await
            .map_err(|_| Error::Unavailable("the store is shutting down".into()))?;
        if state.seq >= seq {
            return Ok(());
        }
        match &state.failed {
            Some(reason) => Err(Error::Internal(format!(
                "the write was not stored: the data directory failed: {reason}"
            ))),
            None => Err(Error::Unavailable(
                "the store shut down before the write was stored".into(),
            )),
        }
    }

    /// Commits the queued writes, group by group, until [`Journal::stop`];
    /// then commits what is left and returns (the caller then calls
    /// [`Journal::close`]).
    pub fn run(&self) {
        loop {
            let (records, shutdown) = {
                let mut queue = self.queue.lock();
                while queue.records.is_empty() && !queue.shutdown {
                    self.wake.wait(&mut queue);
                }
                (std::mem::take(&mut queue.records), queue.shutdown)
            };
            if let Some(last) = records.last().map(Record::seq)
                && !self.has_failed()
            {
                match self.commit(&records) {
                    Ok(()) => self.durable.send_modify(|d| d.seq = d.seq.max(last)),
                    Err(error) => self.fail(&error.to_string()),
                }
            }
            if shutdown && self.queue.lock().records.is_empty() {
                return;
            }
        }
    }

    /// Stops the journal for good after a failed commit: the writes not yet
    /// on disk fail, and so does every later call ([`Journal::check`]).
    pub fn fail(&self, reason: &str) {
        tracing::error!(
            error = reason,
            path = %self.path.display(),
            "writing to the data directory failed; the store stops serving"
        );
        self.failed.store(true, Ordering::Release);
        self.durable
            .send_modify(|d| d.failed = Some(reason.to_string()));
    }

    /// Ends the waiters of [`Journal::wait_durable`] once the writer
    /// thread is gone (stopped; or panicked, which counts as a failure).
    pub fn close(&self, panicked: bool) {
        if panicked {
            self.fail("the data directory's writer thread panicked");
        }
        self.durable.send_modify(|d| d.closed = true);
    }

    /// Asks [`Journal::run`] to commit what is queued and return.
    pub fn stop(&self) {
        self.queue.lock().shutdown = true;
        self.wake.notify_all();
    }

    /// Writes a group of records in one durable transaction.
    fn commit(&self, records: &[Record]) -> Result<()> {
        let mut txn = self.db.begin_write().map_err(Error::internal)?;
        txn.set_durability(redb::Durability::Immediate);
        txn.set_quick_repair(true);
        {
            let mut table = txn.open_table(DOCUMENTS).map_err(Error::internal)?;
            for record in records {
                match record {
                    Record::Put { document, .. } => {
                        let value = encode(document)?;
                        table
                            .insert((document.tenant.as_str(), document.id.as_str()), &*value)
                            .map_err(Error::internal)?;
                    }
                    Record::Delete { tenant, id, .. } => {
                        table
                            .remove((tenant.as_str(), id.as_str()))
                            .map_err(Error::internal)?;
                    }
                }
            }
        }
        txn.commit().map_err(Error::internal)
    }
}

/// A stored value: a zstd frame of the document's JSON encoding.
fn encode(document: &StoredDocument) -> Result<Vec<u8>> {
    let bytes = serde_json::to_vec(document).map_err(Error::internal)?;
    zstd::bulk::compress(&bytes, LEVEL).map_err(Error::internal)
}

/// Reads a stored value back.
fn decode(value: &[u8]) -> Result<StoredDocument> {
    let bytes = zstd::stream::decode_all(value).map_err(Error::internal)?;
    serde_json::from_slice(&bytes).map_err(Error::internal)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_second_open_of_a_held_directory_is_refused_with_its_name() {
        let dir = std::env::temp_dir().join(format!("docsift-journal-{}", uuid::Uuid::new_v4()));
        let first = Journal::open(&dir).unwrap();
        let message = match Journal::open(&dir) {
            Ok(_) => panic!("the directory is held"),
            Err(error) => error.to_string(),
        };
        assert!(
            message.contains("in use by another docsift process"),
            "{message}"
        );
        assert!(message.contains(&dir.display().to_string()), "{message}");
        drop(first);
        Journal::open(&dir).expect("free again once closed");
        std::fs::remove_dir_all(&dir).unwrap();
    }

    #[test]
    fn a_directory_of_another_format_or_a_damaged_file_is_refused_not_misread() {
        let dir = std::env::temp_dir().join(format!("docsift-journal-{}", uuid::Uuid::new_v4()));
        drop(Journal::open(&dir).unwrap());
        {
            let db = Database::create(dir.join(FILE)).unwrap();
            let txn = db.begin_write().unwrap();
            txn.open_table(META)
                .unwrap()
                .insert("format", FORMAT + 1)
                .unwrap();
            txn.commit().unwrap();
        }
        let message = match Journal::open(&dir) {
            Ok(_) => panic!("another format is refused"),
            Err(error) => error.to_string(),
        };
        assert!(
            message.contains(&format!("format {}", FORMAT + 1)),
            "{message}"
        );

        std::fs::write(
            dir.join(FILE),
            b"not a database, but long enough to look at",
        )
        .unwrap();
        let message = match Journal::open(&dir) {
            Ok(_) => panic!("a damaged file is refused"),
            Err(error) => error.to_string(),
        };
        assert!(
            message.contains("cannot open the data directory"),
            "{message}"
        );
        std::fs::remove_dir_all(&dir).unwrap();
    }
}
