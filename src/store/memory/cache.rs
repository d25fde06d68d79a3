//! A cache of first pages of search results, as Solr's query result cache
//! or Elasticsearch's request cache: the same search asked again, with
//! nothing written meanwhile, is answered without running it.
//!
//! An entry is stamped with what it was computed on: the generation of the
//! searcher (a new one after every commit and merge) and the sequence number
//! of the last write (an ingest or delete changes what a hit resolves to
//! even before it is committed). A lookup only finds an entry of the current
//! stamp, and stamps only grow, so a cached page is never older than the
//! one the search would compute. Every write also empties the cache, so no
//! entry keeps a replaced or deleted document alive.
//!
//! Only first pages are cached: later pages carry the first page's
//! statistics and position in their token. The cache is bounded by an
//! estimate of its entries' bytes (hits, highlights, facets, statistics);
//! the documents the hits point to are the store's own.

use std::hash::{Hash, Hasher};
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};

use quick_cache::Weighter;
use quick_cache::sync::Cache;
use rustc_hash::FxHasher;

use crate::search::{SearchRequest, SearchResults};

/// What a page of results was computed on.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub(super) struct Stamp {
    /// The searcher's generation.
    pub generation: u64,
    /// The sequence number of the last write.
    pub seq: u64,
}

/// An entry's key: the request's hash and the stamp. Two requests with the
/// same hash are told apart by the entry's own copy of the request.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
struct Key {
    request: u64,
    stamp: Stamp,
}

struct Entry {
    tenant: Box<str>,
    request: SearchRequest,
    results: Arc<SearchResults>,
    /// The estimate of the entry's size the cache is bounded by.
    bytes: u64,
}

#[derive(Clone)]
struct ByBytes;

impl Weighter<Key, Arc<Entry>> for ByBytes {
    fn weight(&self, _key: &Key, entry: &Arc<Entry>) -> u64 {
        entry.bytes
    }
}

/// The result cache; with a capacity of 0 it holds nothing.
pub(super) struct ResultCache {
    cache: Option<Cache<Key, Arc<Entry>, ByBytes>>,
    /// Whether an entry may have been added since the last clear, so a
    /// write to a store nobody searches does not lock every shard.
    filled: AtomicBool,
}

impl std::fmt::Debug for ResultCache {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ResultCache")
            .field("enabled", &self.cache.is_some())
            .finish_non_exhaustive()
    }
}

/// A rough size of an entry with no hits, for the bound.
const ENTRY_BYTES: u64 = 256;
/// A rough size of a hit without its highlights.
const HIT_BYTES: u64 = 48;
/// A rough size of an encoded next page token.
const PAGE_TOKEN_BYTES: u64 = 128;

impl ResultCache {
    /// A cache of at most about `max_bytes` of results; 0 turns it off.
    pub fn new(max_bytes: u64) -> Self {
        let cache = (max_bytes > 0).then(|| {
            // A guess of the entries it will hold, for its initial tables.
            let items = (max_bytes / 4096).clamp(16, 65_536) as usize;
            Cache::with_weighter(items, max_bytes, ByBytes)
        });
        ResultCache {
            cache,
            filled: AtomicBool::new(false),
        }
    }

    /// Whether this search's results would be kept: the cache is on and
    /// the search asks for a first page.
    pub fn keeps(&self, request: &SearchRequest) -> bool {
        self.cache.is_some() && cacheable(request)
    }

    /// The stored results of this search, if computed on `stamp`.
    pub fn get(
        &self,
        tenant: &str,
        request: &SearchRequest,
        stamp: Stamp,
    ) -> Option<Arc<SearchResults>> {
        let cache = self.cache.as_ref()?;
        if !cacheable(request) {
            return None;
        }
        let key = Key {
            request: hash_of(tenant, request),
            stamp,
        };
        let entry = cache.get(&key)?;
        (&*entry.tenant == tenant && entry.request == *request).then(|| Arc::clone(&entry.results))
    }

    /// Keeps the results of a search computed on `stamp` (or later).
    pub fn insert(
        &self,
        tenant: &str,
        request: &SearchRequest,
        stamp: Stamp,
        results: &Arc<SearchResults>,
    ) {
        let Some(cache) = &self.cache else {
            return;
        };
        if !cacheable(request) {
            return;
        }
        let key = Key {
            request: hash_of(tenant, request),
            stamp,
        };
        let bytes = weight(tenant, request, results);
        self.filled.store(true, Ordering::Release);
        cache.insert(
            key,
            Arc::new(Entry {
                tenant: tenant.into(),
                request: request.clone(),
                results: Arc::clone(results),
                bytes,
            }),
        );
    }

    /// Drops every entry (after a write).
    pub fn clear(&self) {
        if let Some(cache) = &self.cache
            && self.filled.swap(false, Ordering::AcqRel)
        {
            cache.clear();
        }
    }

    /// The number of entries held.
    #[cfg(test)]
    pub fn len(&self) -> usize {
        self.cache.as_ref().map_or(0, Cache::len)
    }
}

/// Whether a search's page is kept: first pages only.
fn cacheable(request: &SearchRequest) -> bool {
    request.after.is_none() && request.stats.is_none()
}

fn hash_of(tenant: &str, request: &SearchRequest) -> u64 {
    let mut hasher = FxHasher::default();
    tenant.hash(&mut hasher);
    request.query.hash(&mut hasher);
    request.syntax.hash(&mut hasher);
    request.filter.hash(&mut hasher);
    request.limit.hash(&mut hasher);
    request.order.hash(&mut hasher);
    request.facets.hash(&mut hasher);
    request.highlight_chars.hash(&mut hasher);
    hasher.finish()
}

/// An estimate of an entry's bytes, with the page the API encodes once
/// and keeps with it (`SearchResults::encoded`: ids, titles and highlights
/// again, for a BASIC view).
fn weight(tenant: &str, request: &SearchRequest, results: &SearchResults) -> u64 {
    let hits: u64 = results
        .hits
        .iter()
        .map(|hit| {
            let encoded = hit.document.id.len() + hit.document.document.title.len() + 32;
            HIT_BYTES
                + encoded as u64
                + hit
                    .highlights
                    .iter()
                    .map(|h| {
                        (2 * (h.field.len() + h.fragment.len()) + h.spans.len() * 24 + 72) as u64
                    })
                    .sum::<u64>()
        })
        .sum();
    let facets: u64 = results
        .facets
        .iter()
        .map(|(field, values)| {
            (field.len() + 32) as u64
                + values
                    .iter()
                    .map(|(value, _)| (value.len() + 32) as u64)
                    .sum::<u64>()
        })
        .sum();
    let stats = results.stats.as_ref().map_or(0, |stats| {
        (stats.tokens.len() * 16 + stats.doc_freqs.len() * 8) as u64
            + stats
                .expansion
                .iter()
                .map(|(word, _)| (word.len() + 28) as u64)
                .sum::<u64>()
    });
    // The facets twice (kept and encoded), and a next page token.
    ENTRY_BYTES
        + PAGE_TOKEN_BYTES
        + (tenant.len() + request.query.len()) as u64
        + hits
        + 2 * facets
        + stats
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::search::{SearchAfter, SortKey};

    fn request(query: &str) -> SearchRequest {
        SearchRequest::first_page(query, 10)
    }

    fn results(total: u64) -> Arc<SearchResults> {
        Arc::new(SearchResults {
            hits: Vec::new(),
            total,
            has_more: false,
            stats: None,
            facets: vec![("tags".to_string(), vec![("oil".to_string(), total)])],
            encoded: std::sync::OnceLock::new(),
        })
    }

    const STAMP: Stamp = Stamp {
        generation: 3,
        seq: 7,
    };

    #[test]
    fn a_page_is_found_only_for_the_same_tenant_request_and_stamp() {
        let cache = ResultCache::new(1 << 20);
        cache.insert("t", &request("oil"), STAMP, &results(42));
        let found = cache.get("t", &request("oil"), STAMP).expect("cached");
        assert_eq!(found.total, 42);
        assert_eq!(found.facets, results(42).facets);
        assert!(cache.get("u", &request("oil"), STAMP).is_none(), "tenant");
        assert!(cache.get("t", &request("gas"), STAMP).is_none(), "query");
        let mut other = request("oil");
        other.limit = 20;
        assert!(cache.get("t", &other, STAMP).is_none(), "page size");
        let mut other = request("oil");
        other.filter.tags = vec!["energy".into()];
        assert!(cache.get("t", &other, STAMP).is_none(), "filter");
        let mut other = request("oil");
        other.highlight_chars = Some(160);
        assert!(cache.get("t", &other, STAMP).is_none(), "highlights");
        for stamp in [
            Stamp {
                generation: 4,
                ..STAMP
            },
            Stamp { seq: 8, ..STAMP },
        ] {
            assert!(
                cache.get("t", &request("oil"), stamp).is_none(),
                "{stamp:?}"
            );
        }
    }

    #[test]
    fn later_pages_are_not_kept() {
        let cache = ResultCache::new(1 << 20);
        let mut later = request("oil");
        later.after = Some(SearchAfter {
            key: SortKey::Score(1.5f32.to_bits()),
            id: "a".into(),
        });
        assert!(!cache.keeps(&later));
        assert!(cache.keeps(&request("oil")));
        assert!(!ResultCache::new(0).keeps(&request("oil")));
        cache.insert("t", &later, STAMP, &results(1));
        assert!(cache.get("t", &later, STAMP).is_none());
        assert_eq!(cache.len(), 0);
    }

    #[test]
    fn clear_empties_it_and_zero_bytes_turns_it_off() {
        let cache = ResultCache::new(1 << 20);
        cache.insert("t", &request("oil"), STAMP, &results(1));
        assert_eq!(cache.len(), 1);
        cache.clear();
        assert_eq!(cache.len(), 0);
        assert!(cache.get("t", &request("oil"), STAMP).is_none());

        let off = ResultCache::new(0);
        off.insert("t", &request("oil"), STAMP, &results(1));
        assert!(off.get("t", &request("oil"), STAMP).is_none());
        assert_eq!(off.len(), 0);
    }

    #[test]
    fn its_size_stays_within_the_bound() {
        let cache = ResultCache::new(16 * 1024);
        for i in 0..1000 {
            cache.insert("t", &request(&format!("query {i}")), STAMP, &results(i));
        }
        let per_entry = weight("t", &request("query 999"), &results(999));
        assert!(cache.len() > 0);
        assert!(
            cache.len() as u64 * per_entry <= 16 * 1024 + per_entry,
            "{} entries of ~{per_entry} bytes",
            cache.len()
        );
    }
}
