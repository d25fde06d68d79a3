//! Watchers: registered queries that are sent every matching document as it
//! becomes searchable.
//!
//! After each commit the committer hands the writes it made visible to
//! [`Watchers::publish`], which runs each watcher's query against the fresh
//! searcher, restricted to those documents, and sends the matches in write
//! order. A watcher's channel holds its buffer plus one slot that is kept for
//! the final "fell behind" error, so that error always fits.

use std::collections::{HashMap, HashSet};
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};

use parking_lot::Mutex;
use tantivy::Searcher;
use tantivy::query::{BooleanQuery, Occur, Query};
use tokio::sync::mpsc;

use super::index::AllMatches;
use super::query::QueryBuilder;
use crate::error::Error;
use crate::search::{WatchEvent, WatchEventKind};
use crate::store::StoredDocument;

/// One registered watch.
pub(super) struct Watcher {
    /// The watch's query, already restricted to its tenant and filter.
    pub query: Box<dyn Query>,
    /// Where matches go.
    pub sender: mpsc::Sender<Result<WatchEvent, Error>>,
    /// Writes up to this sequence number happened before the watch was
    /// registered and are never sent.
    pub after_seq: u64,
    /// How many events the watcher may fall behind.
    pub buffer: usize,
    /// Set once the watcher was sent its final error; it is dropped at the
    /// next prune, which ends its stream.
    pub finished: AtomicBool,
}

/// A write made visible by a commit.
#[derive(Debug, Clone)]
pub(super) enum Visible {
    /// A new version.
    Put {
        /// The write's sequence number.
        seq: u64,
        /// The version written.
        document: Arc<StoredDocument>,
    },
    /// A deletion.
    Delete {
        /// The tenant.
        tenant: String,
        /// The id deleted.
        id: String,
    },
}

impl Visible {
    fn tenant(&self) -> &str {
        match self {
            Visible::Put { document, .. } => &document.tenant,
            Visible::Delete { tenant, .. } => tenant,
        }
    }

    fn id(&self) -> &str {
        match self {
            Visible::Put { document, .. } => &document.id,
            Visible::Delete { id, .. } => id,
        }
    }
}

/// The registered watchers, by tenant.
#[derive(Default)]
pub(super) struct Watchers {
    by_tenant: Mutex<HashMap<String, Vec<Arc<Watcher>>>>,
}

impl Watchers {
    /// Registers a watcher.
    pub(super) fn register(&self, tenant: &str, watcher: Watcher) {
        let mut by_tenant = self.by_tenant.lock();
        prune(&mut by_tenant);
        by_tenant
            .entry(tenant.to_string())
            .or_default()
            .push(Arc::new(watcher));
    }

    /// How many watchers are registered (closed ones included until the next
    /// prune, which every commit and every registration does).
    pub(super) fn len(&self) -> usize {
        self.by_tenant.lock().values().map(Vec::len).sum()
    }

    /// Drops watchers whose receiver is gone.
    pub(super) fn prune(&self) {
        prune(&mut self.by_tenant.lock());
    }

    /// A snapshot of the watchers of every tenant, taken while no write is in
    /// flight, so each watcher sees exactly the writes after its registration.
    pub(super) fn snapshot(&self) -> HashMap<String, Vec<Arc<Watcher>>> {
        self.by_tenant.lock().clone()
    }

    /// Sends the newly visible writes to the watchers of the snapshot.
    pub(super) fn publish(
        &self,
        snapshot: &HashMap<String, Vec<Arc<Watcher>>>,
        visible: Vec<Visible>,
        searcher: &Searcher,
        builder: &QueryBuilder,
    ) {
        if snapshot.is_empty() || visible.is_empty() {
            self.prune();
            return;
        }
        // Only the last write of each document in the batch became visible:
        // earlier versions were never searchable, and a document deleted in
        // the batch was never searchable at all.
        let mut last: HashMap<(&str, &str), usize> = HashMap::new();
        for (index, write) in visible.iter().enumerate() {
            last.insert((write.tenant(), write.id()), index);
        }
        let mut by_tenant: HashMap<&str, Vec<(u64, &Arc<StoredDocument>)>> = HashMap::new();
        for (index, write) in visible.iter().enumerate() {
            if let Visible::Put { seq, document } = write
                && last.get(&(write.tenant(), write.id())) == Some(&index)
                && snapshot.contains_key(&document.tenant)
            {
                by_tenant
                    .entry(&document.tenant)
                    .or_default()
                    .push((*seq, document));
            }
        }
        let mut dead = false;
        for (tenant, mut documents) in by_tenant {
            documents.sort_by_key(|(seq, _)| *seq);
            let Some(watchers) = snapshot.get(tenant) else {
                continue;
            };
            for watcher in watchers {
                dead |= !send_matches(watcher, &documents, searcher, builder);
            }
        }
        if dead || snapshot.values().flatten().any(|w| w.sender.is_closed()) {
            self.prune();
        }
    }
}

/// Sends a watcher the documents it matches; returns whether it lives on.
fn send_matches(
    watcher: &Watcher,
    documents: &[(u64, &Arc<StoredDocument>)],
    searcher: &Searcher,
    builder: &QueryBuilder,
) -> bool {
    if watcher.sender.is_closed() {
        return false;
    }
    let candidates: Vec<&(u64, &Arc<StoredDocument>)> = documents
        .iter()
        .filter(|(seq, _)| *seq > watcher.after_seq)
        .collect();
    if candidates.is_empty() {
        return true;
    }
    let keys: Vec<String> = candidates
        .iter()
        .map(|(_, doc)| super::index::doc_key(&doc.tenant, &doc.id))
        .collect();
    let query = BooleanQuery::new(vec![
        (Occur::Must, watcher.query.box_clone()),
        (Occur::Must, builder.keys(keys.iter().map(String::as_str))),
    ]);
    // A write's slot is its sequence number.
    let matched: HashSet<u64> = match searcher.search(&query, &AllMatches { scored: false }) {
        Ok(matches) => matches.into_iter().map(|(slot, _)| slot).collect(),
        Err(error) => {
            tracing::error!(%error, "watch query failed; the watcher misses this commit");
            return true;
        }
    };
    for (seq, document) in candidates {
        if !matched.contains(seq) {
            continue;
        }
        // One slot is kept for the error: when only it is left, the watcher
        // has fallen `buffer` events behind.
        if watcher.sender.capacity() <= 1 {
            let error = Error::limit(
                "watch_buffer",
                format!(
                    "the watcher fell more than {} documents behind; reconnect",
                    watcher.buffer
                ),
            );
            let _ = watcher.sender.try_send(Err(error));
            watcher.finished.store(true, Ordering::Relaxed);
            return false;
        }
        let kind = if document.version <= 1 {
            WatchEventKind::Created
        } else {
            WatchEventKind::Updated
        };
        let event = WatchEvent {
            document: Arc::clone(document),
            kind,
        };
        if watcher.sender.try_send(Ok(event)).is_err() {
            // Closed since the check above (full cannot happen: this thread
            // is the only sender and checked the capacity).
            return false;
        }
    }
    true
}

fn prune(by_tenant: &mut HashMap<String, Vec<Arc<Watcher>>>) {
    by_tenant.retain(|_, watchers| {
        watchers.retain(|watcher| {
            !watcher.sender.is_closed() && !watcher.finished.load(Ordering::Relaxed)
        });
        !watchers.is_empty()
    });
}
