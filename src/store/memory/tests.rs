//! Tests of the in-memory store, with hand-made analyses (the pipeline is not
//! needed to exercise storage and search).

use std::time::{Duration, Instant};

use chrono::{DateTime, TimeZone, Utc};

use super::*;
use crate::analysis::{Entity, Fingerprint, KeyPhrase, Language, Quote, QuoteKind};
use crate::search::{Filter, QuerySyntax, WatchEventKind};
use tantivy::query::QueryParser;

/// A store that only commits when asked, so tests decide what is visible.
fn store() -> Arc<MemoryStore> {
    MemoryStore::try_new(MemoryStoreConfig {
        refresh_interval: Duration::from_secs(3600),
        ..MemoryStoreConfig::default()
    })
    .expect("a store")
}

/// A document under construction.
#[derive(Clone, Default)]
struct Doc {
    id: Option<String>,
    title: String,
    body: String,
    tags: Vec<String>,
    source: String,
    language: Option<String>,
    published: Option<DateTime<Utc>>,
    entities: Vec<(EntityType, String, f32)>,
    keyphrases: Vec<String>,
    speakers: Vec<String>,
    hash: Option<String>,
    attributes: Vec<(String, String)>,
}

fn doc(id: &str, title: &str, body: &str) -> Doc {
    Doc {
        id: Some(id.to_string()),
        title: title.to_string(),
        body: body.to_string(),
        ..Doc::default()
    }
}

impl Doc {
    fn tags(mut self, tags: &[&str]) -> Self {
        self.tags = tags.iter().map(|t| t.to_string()).collect();
        self
    }
    fn source(mut self, source: &str) -> Self {
        self.source = source.to_string();
        self
    }
    fn lang(mut self, code: &str) -> Self {
        self.language = Some(code.to_string());
        self
    }
    fn published(mut self, day: u32) -> Self {
        self.published = Utc.with_ymd_and_hms(2024, 5, day, 12, 0, 0).single();
        self
    }
    fn entity(mut self, entity_type: EntityType, name: &str, salience: f32) -> Self {
        self.entities
            .push((entity_type, name.to_string(), salience));
        self
    }
    fn keyphrase(mut self, text: &str) -> Self {
        self.keyphrases.push(text.to_string());
        self
    }
    fn speaker(mut self, name: &str) -> Self {
        self.speakers.push(name.to_string());
        self
    }
    fn hash(mut self, hash: &str) -> Self {
        self.hash = Some(hash.to_string());
        self
    }
    fn attribute(mut self, key: &str, value: &str) -> Self {
        self.attributes.push((key.to_string(), value.to_string()));
        self
    }

    fn build(self) -> (NewDocument, Analysis) {
        let document = NewDocument {
            id: self.id,
            content: self.body.into(),
            title: self.title,
            source: self.source,
            published_at: self.published,
            tags: self.tags,
            attributes: self.attributes.into_iter().collect(),
            ..NewDocument::default()
        };
        let analysis = Analysis {
            language: self.language.map(|code| Language {
                code,
                name: String::new(),
                script: "Latin".into(),
                confidence: 0.9,
                reliable: true,
            }),
            entities: self
                .entities
                .into_iter()
                .enumerate()
                .map(|(i, (entity_type, name, salience))| Entity {
                    id: format!("e{}", i + 1),
                    name,
                    entity_type,
                    salience,
                    mentions: Vec::new(),
                    metadata: Vec::new(),
                })
                .collect(),
            keyphrases: self
                .keyphrases
                .into_iter()
                .map(|text| KeyPhrase {
                    text,
                    score: 0.5,
                    count: 1,
                    spans: Vec::new(),
                })
                .collect(),
            quotes: self
                .speakers
                .into_iter()
                .map(|speaker| Quote {
                    span: Span::default(),
                    text: "words".into(),
                    speaker_entity_id: None,
                    speaker,
                    cue: "said".into(),
                    attribution_span: None,
                    kind: QuoteKind::Direct,
                })
                .collect(),
            fingerprint: self.hash.map(|content_hash| Fingerprint {
                content_hash,
                simhash: 0,
                words: 0,
            }),
            ..Analysis::default()
        };
        (document, analysis)
    }
}

use crate::analysis::Span;

fn put(store: &MemoryStore, tenant: &str, doc: Doc) -> WriteOutcome {
    let (document, analysis) = doc.build();
    store
        .put(tenant, document, Arc::new(analysis), PutOptions::default())
        .expect("put")
}

fn put_dedupe(store: &MemoryStore, tenant: &str, doc: Doc) -> WriteOutcome {
    let (document, analysis) = doc.build();
    store
        .put(
            tenant,
            document,
            Arc::new(analysis),
            PutOptions { dedupe: true },
        )
        .expect("put")
}

/// Puts documents into tenant "t" and waits until they are searchable.
async fn corpus(store: &MemoryStore, docs: Vec<Doc>) {
    let mut seq = 0;
    for doc in docs {
        seq = put(store, "t", doc).seq;
    }
    store.wait_visible(seq).await.expect("visible");
}

fn request(query: &str) -> SearchRequest {
    SearchRequest::first_page(query, 100)
}

fn ids_of(results: &SearchResults) -> Vec<String> {
    results
        .hits
        .iter()
        .map(|hit| hit.document.id.clone())
        .collect()
}

/// The ids matching a query in tenant "t", sorted.
fn find(store: &MemoryStore, query: &str) -> Vec<String> {
    let results = store.search("t", &request(query)).expect(query);
    let mut ids = ids_of(&results);
    ids.sort();
    ids
}

fn find_filtered(store: &MemoryStore, filter: Filter) -> Vec<String> {
    let mut req = request("");
    req.filter = filter;
    let mut ids = ids_of(&store.search("t", &req).expect("search"));
    ids.sort();
    ids
}

fn assert_invalid_query(result: Result<Arc<SearchResults>>, query: &str) {
    match result {
        Err(Error::InvalidArgument { field, description }) => {
            assert_eq!(field, "query", "{query:?}");
            assert!(!description.is_empty(), "{query:?}");
        }
        Err(other) => panic!("{query:?}: expected InvalidArgument, got {other:?}"),
        Ok(results) => panic!("{query:?}: expected an error, got {:?}", ids_of(&results)),
    }
}

// ---------------------------------------------------------------- storage

#[tokio::test]
async fn put_get_upsert_and_unchanged() {
    let store = store();
    let first = put(&store, "t", doc("a", "Title", "Body one"));
    assert_eq!(
        (first.id.as_str(), first.version, &first.result),
        ("a", 1, &PutResult::Created)
    );
    let stored = store.get("t", "a").expect("get");
    assert_eq!(stored.version, 1);
    assert_eq!(stored.document.id.as_deref(), Some("a"));
    assert_eq!(stored.created_at, stored.first_created_at);

    let again = put(&store, "t", doc("a", "Title", "Body one"));
    assert_eq!(again.result, PutResult::Unchanged);
    assert_eq!(again.version, 1);
    assert_eq!(again.seq, first.seq, "an unchanged put is no write");

    std::thread::sleep(Duration::from_millis(2));
    let second = put(&store, "t", doc("a", "Title", "Body two"));
    assert_eq!((second.version, &second.result), (2, &PutResult::Updated));
    assert!(second.seq > first.seq);
    let stored = store.get("t", "a").expect("get");
    assert_eq!(stored.version, 2);
    assert_eq!(stored.document.content, "Body two");
    assert!(stored.created_at > stored.first_created_at);

    store.wait_visible(second.seq).await.expect("visible");
    assert_eq!(find(&store, "two"), vec!["a"]);
    assert!(
        find(&store, "one").is_empty(),
        "the old version is gone from the index"
    );
}

/// A long body is kept compressed; Get, an unchanged re-put and highlight
/// offsets all see the text as it was given.
#[tokio::test]
async fn long_bodies_are_kept_packed_and_read_back_whole() {
    let store = store();
    let body = format!(
        "{} The reactor deal was signed in Vienna on Tuesday.",
        "Negotiators met again to discuss sanctions and inspections. ".repeat(40)
    );
    let first = put(&store, "t", doc("long", "Deal", &body));
    let stored = store.get("t", "long").expect("get");
    assert!(stored.document.content.is_packed());
    assert!(stored.document.content.held_bytes() < body.len() / 2);
    assert_eq!(stored.document.content, body.as_str());
    assert_eq!(stored.document.analyzed_len(), body.len());

    let again = put(&store, "t", doc("long", "Deal", &body));
    assert_eq!(
        again.result,
        PutResult::Unchanged,
        "packed equals the same text"
    );

    store.wait_visible(first.seq).await.expect("visible");
    let mut req = request("vienna");
    req.highlight_chars = Some(80);
    let results = store.search("t", &req).expect("search");
    assert_eq!(ids_of(&results), vec!["long"]);
    let body_highlight = results.hits[0]
        .highlights
        .iter()
        .find(|h| h.field == "body")
        .expect("a body highlight");
    let span = body_highlight.spans[0];
    assert_eq!(&body_highlight.fragment[span.start..span.end], "Vienna");
}

#[tokio::test]
async fn ids_are_generated_when_missing() {
    let store = store();
    let mut d = doc("x", "T", "B");
    d.id = None;
    let outcome = put(&store, "t", d.clone());
    assert_eq!(outcome.id.len(), 36);
    assert!(uuid::Uuid::parse_str(&outcome.id).is_ok());
    let other = put(&store, "t", d);
    assert_ne!(other.id, outcome.id, "no id means a new document each time");
    assert_eq!(
        store
            .get("t", &outcome.id)
            .expect("get")
            .document
            .id
            .as_deref(),
        Some(outcome.id.as_str())
    );
}

#[test]
fn bad_ids_are_invalid_arguments() {
    let store = store();
    for id in ["", "a\u{1f}b", "line\nbreak", &"x".repeat(600)] {
        let (document, analysis) = doc(id, "T", "B").build();
        match store.put("t", document, Arc::new(analysis), PutOptions::default()) {
            Err(Error::InvalidArgument { field, .. }) => assert_eq!(field, "document.id"),
            other => panic!("{id:?}: {other:?}"),
        }
    }
}

#[tokio::test]
async fn dedupe_by_content_hash() {
    let store = store();
    put(&store, "t", doc("a", "A", "same text").hash("h1"));
    let dup = put_dedupe(&store, "t", doc("b", "B", "same text").hash("h1"));
    assert_eq!(dup.result, PutResult::Duplicate { of: "a".into() });
    assert_eq!((dup.id.as_str(), dup.version), ("b", 0));
    assert!(matches!(store.get("t", "b"), Err(Error::NotFound { .. })));

    let mut anonymous = doc("x", "X", "same text").hash("h1");
    anonymous.id = None;
    let dup = put_dedupe(&store, "t", anonymous);
    assert_eq!(dup.result, PutResult::Duplicate { of: "a".into() });
    assert_eq!((dup.id.as_str(), dup.version), ("a", 1));

    // The same id with the same hash is an update, not a duplicate.
    let update = put_dedupe(&store, "t", doc("a", "A2", "same text").hash("h1"));
    assert_eq!(update.result, PutResult::Updated);

    // Another tenant has its own hashes.
    let other = put_dedupe(&store, "u", doc("b", "B", "same text").hash("h1"));
    assert_eq!(other.result, PutResult::Created);

    // Without dedupe, duplicates are stored.
    assert_eq!(
        put(&store, "t", doc("c", "C", "same text").hash("h1")).result,
        PutResult::Created
    );
    // Moving a and c to other content frees the hash.
    put(&store, "t", doc("a", "A", "new text").hash("h2"));
    store.delete("t", "c").expect("delete");
    let fresh = put_dedupe(&store, "t", doc("d", "D", "same text").hash("h1"));
    assert_eq!(fresh.result, PutResult::Created);
    let dup = put_dedupe(&store, "t", doc("e", "E", "new text").hash("h2"));
    assert_eq!(dup.result, PutResult::Duplicate { of: "a".into() });
}

#[test]
fn list_pages_by_id() {
    let store = store();
    for i in 0..25 {
        put(&store, "t", doc(&format!("doc{i:02}"), "T", "B"));
    }
    put(&store, "other", doc("zzz", "T", "B"));
    let mut seen = Vec::new();
    let mut after: Option<String> = None;
    let mut pages = 0;
    loop {
        let page = store.list("t", after.as_deref(), 10).expect("list");
        assert_eq!(page.total, 25);
        pages += 1;
        seen.extend(page.documents.iter().map(|d| d.id.clone()));
        after = page.documents.last().map(|d| d.id.clone());
        if !page.has_more {
            assert_eq!(page.documents.len(), 5);
            break;
        }
        assert_eq!(page.documents.len(), 10);
    }
    assert_eq!(pages, 3);
    let expected: Vec<String> = (0..25).map(|i| format!("doc{i:02}")).collect();
    assert_eq!(seen, expected);
    let empty = store.list("nobody", None, 10).expect("list");
    assert_eq!(
        (empty.documents.len(), empty.has_more, empty.total),
        (0, false, 0)
    );
    let after_last = store.list("t", Some("doc24"), 10).expect("list");
    assert!(after_last.documents.is_empty() && !after_last.has_more);
}

#[tokio::test]
async fn delete_removes_from_map_and_index() {
    let store = store();
    let put_outcome = put(&store, "t", doc("a", "Gaza", "ceasefire"));
    store.wait_visible(put_outcome.seq).await.expect("visible");
    assert_eq!(find(&store, "ceasefire"), vec!["a"]);
    assert!(matches!(
        store.delete("u", "a"),
        Err(Error::NotFound { .. })
    ));
    assert!(matches!(
        store.delete("t", "nope"),
        Err(Error::NotFound { .. })
    ));
    let deleted = store.delete("t", "a").expect("delete");
    assert_eq!(deleted.version, 1);
    assert!(deleted.seq > put_outcome.seq);
    assert!(matches!(store.get("t", "a"), Err(Error::NotFound { id }) if id == "a"));
    // Even before the commit, search does not return the deleted document.
    assert!(find(&store, "ceasefire").is_empty());
    store.wait_visible(deleted.seq).await.expect("visible");
    assert!(find(&store, "ceasefire").is_empty());
    assert!(matches!(
        store.delete("t", "a"),
        Err(Error::NotFound { .. })
    ));
    // A new version after a delete starts again from 1.
    assert_eq!(put(&store, "t", doc("a", "G", "x")).version, 1);
}

#[tokio::test]
async fn a_repeated_search_is_cached_until_a_write_or_commit() {
    let store = store();
    corpus(
        &store,
        vec![
            doc("a", "Gaza talks", "ceasefire talks resume"),
            doc("b", "Oil", "ceasefire hopes lift oil"),
        ],
    )
    .await;
    let first = store.search("t", &request("ceasefire")).expect("search");
    assert_eq!(store.inner.results.len(), 1, "the first page is kept");
    let again = store.search("t", &request("ceasefire")).expect("search");
    assert_eq!(ids_of(&again), ids_of(&first));
    assert_eq!(again.total, first.total);
    let scores = |r: &SearchResults| r.hits.iter().map(|h| h.score).collect::<Vec<_>>();
    assert_eq!(scores(&again), scores(&first));
    // Another tenant with the same query sees its own (empty) corpus.
    assert!(ids_of(&store.search("u", &request("ceasefire")).expect("u")).is_empty());

    // A write empties the cache, and the next search sees it before the
    // commit: the new version of "a", the deleted "b" gone.
    let updated = put(
        &store,
        "t",
        doc("a", "Gaza talks collapse", "ceasefire talks resume"),
    );
    assert_eq!(store.inner.results.len(), 0);
    let results = store.search("t", &request("ceasefire")).expect("search");
    assert_eq!(ids_of(&results), vec!["a", "b"]);
    assert_eq!(
        results.hits[0].document.document.title,
        "Gaza talks collapse"
    );
    let deleted = store.delete("t", "b").expect("delete");
    assert_eq!(
        ids_of(&store.search("t", &request("ceasefire")).expect("search")),
        vec!["a"]
    );
    // The commit empties it again; the page after it is computed afresh.
    store
        .wait_visible(deleted.seq.max(updated.seq))
        .await
        .expect("visible");
    assert_eq!(store.inner.results.len(), 0);
    let results = store.search("t", &request("ceasefire")).expect("search");
    assert_eq!(ids_of(&results), vec!["a"]);
    assert_eq!(results.total, 1);
}

#[tokio::test]
async fn searches_answer_the_same_with_the_cache_off() {
    let off = MemoryStore::try_new(MemoryStoreConfig {
        refresh_interval: Duration::from_secs(3600),
        search_cache_bytes: 0,
        ..MemoryStoreConfig::default()
    })
    .expect("a store");
    let on = store();
    for store in [&off, &on] {
        corpus(store, news()).await;
    }
    for query in ["ceasefire", "oil OR gaza", "\"peace talks\"", ""] {
        for _ in 0..2 {
            let a = off.search("t", &request(query)).expect(query);
            let b = on.search("t", &request(query)).expect(query);
            assert_eq!(ids_of(&a), ids_of(&b), "{query}");
            assert_eq!(a.total, b.total, "{query}");
        }
    }
    assert_eq!(off.inner.results.len(), 0);
    assert_eq!(on.inner.results.len(), 4);
}

#[tokio::test]
async fn tenants_are_isolated() {
    let store = store();
    let seq = put(
        &store,
        "A",
        doc("a", "Secret", "ceasefire talks").tags(&["x"]),
    )
    .seq;
    put(&store, "B", doc("b", "Other", "weather"));
    store.wait_visible(seq + 1).await.expect("visible");
    assert!(matches!(store.get("B", "a"), Err(Error::NotFound { .. })));
    let mut req = request("ceasefire");
    req.facets = vec![("tags".into(), FacetField::Tags)];
    let results = store.search("B", &req).expect("search");
    assert_eq!(results.total, 0);
    assert_eq!(results.facets, vec![("tags".to_string(), Vec::new())]);
    let all = store.search("B", &request("")).expect("search");
    assert_eq!(ids_of(&all), vec!["b"]);
    // Naming internal fields is refused rather than leaking other tenants.
    for query in ["tenant:A", "key:x", "id:a", "entity_person:x"] {
        assert_invalid_query(store.search("B", &request(query)), query);
    }
    assert_eq!(
        store.search("A", &request("ceasefire")).expect("s").total,
        1
    );
}

// ------------------------------------------------------------- visibility

#[tokio::test]
async fn wait_visible_commits_early() {
    let store = store(); // refresh interval: one hour
    let outcome = put(&store, "t", doc("a", "T", "ceasefire"));
    assert!(find(&store, "ceasefire").is_empty(), "not committed yet");
    let started = Instant::now();
    store.wait_visible(outcome.seq).await.expect("visible");
    assert!(started.elapsed() < Duration::from_secs(5));
    assert_eq!(find(&store, "ceasefire"), vec!["a"]);
    // Already visible, or never handed out: returns at once.
    store.wait_visible(outcome.seq).await.expect("visible");
    store.wait_visible(u64::MAX).await.expect("visible");
}

#[tokio::test]
async fn documents_become_searchable_within_the_refresh_interval() {
    let store = MemoryStore::new(MemoryStoreConfig {
        refresh_interval: Duration::from_millis(50),
        ..MemoryStoreConfig::default()
    });
    put(&store, "t", doc("a", "T", "ceasefire"));
    let started = Instant::now();
    while find(&store, "ceasefire").is_empty() {
        assert!(
            started.elapsed() < Duration::from_secs(5),
            "never became visible"
        );
        tokio::time::sleep(Duration::from_millis(10)).await;
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn concurrent_puts_share_commits() {
    let store = store();
    let mut tasks = Vec::new();
    for task in 0..8 {
        let store = Arc::clone(&store);
        tasks.push(tokio::spawn(async move {
            for i in 0..25 {
                let id = format!("t{task}-{i}");
                let (document, analysis) = doc(&id, "Title", "shared words").build();
                let outcome = store
                    .put("t", document, Arc::new(analysis), PutOptions::default())
                    .expect("put");
                store.wait_visible(outcome.seq).await.expect("visible");
                assert!(store.get("t", &id).is_ok());
            }
        }));
    }
    for task in tasks {
        task.await.expect("task");
    }
    let results = store.search("t", &request("shared")).expect("search");
    assert_eq!(results.total, 200);
    assert_eq!(store.last_seq(), 200);
}

#[test]
fn stores_shut_down_cleanly() {
    for _ in 0..5 {
        let store = store();
        put(&store, "t", doc("a", "T", "B"));
        store.shutdown();
        store.shutdown();
        drop(store);
    }
}

// ---------------------------------------------------------------- queries

fn news() -> Vec<Doc> {
    vec![
        doc(
            "strikes",
            "Air strikes hit Gaza",
            "Israeli air strikes hit Gaza overnight, officials said. The strikes continued.",
        )
        .entity(EntityType::Location, "Gaza", 0.9)
        .entity(EntityType::Person, "Ben Rhodes", 0.3)
        .speaker("Ben Rhodes")
        .tags(&["Middle East", "conflict"])
        .lang("en")
        .source("Reuters")
        .keyphrase("air strikes")
        .published(3),
        doc(
            "talks",
            "Ceasefire talks in Cairo",
            "Negotiators met in Cairo for ceasefire talks. Air travel was disrupted; strikes by unions too.",
        )
        .entity(EntityType::Location, "Cairo", 0.8)
        .entity(EntityType::Organization, "Hamas", 0.5)
        .entity(EntityType::Person, "Antony Blinken", 0.6)
        .speaker("Antony Blinken")
        .tags(&["Middle East", "diplomacy"])
        .lang("en")
        .source("AP")
        .keyphrase("ceasefire talks")
        .published(5),
        doc(
            "paris",
            "Grève à Paris",
            "Les grévistes ont manifesté à Paris contre la réforme.",
        )
        .entity(EntityType::Location, "Paris", 0.9)
        .tags(&["France"])
        .lang("fr")
        .source("AFP")
        .keyphrase("réforme"),
        doc(
            "weather",
            "Storm warning",
            "A storm is expected in Paris and London; airports warn of delays.",
        )
        .entity(EntityType::Location, "Paris", 0.4)
        .entity(EntityType::Location, "London", 0.4)
        .tags(&["weather"])
        .lang("en")
        .source("Reuters")
        .published(4)
        .attribute("desk", "science"),
    ]
}

#[tokio::test]
async fn relevance_is_bm25_with_title_boost_and_id_ties() {
    let store = store();
    corpus(
        &store,
        vec![
            doc(
                "once",
                "Nothing",
                "ceasefire and other words filling the body up",
            ),
            doc(
                "thrice",
                "Nothing",
                "ceasefire ceasefire ceasefire and other words",
            ),
            doc(
                "title",
                "Ceasefire",
                "other words filling the body up here now",
            ),
            doc("b-tie", "Same", "tie"),
            doc("a-tie", "Same", "tie"),
        ],
    )
    .await;
    let results = store.search("t", &request("ceasefire")).expect("search");
    assert_eq!(ids_of(&results), vec!["title", "thrice", "once"]);
    assert!(results.hits[0].score > results.hits[1].score);
    assert!(results.hits[1].score > results.hits[2].score);
    let ties = store.search("t", &request("tie")).expect("search");
    assert_eq!(ids_of(&ties), vec!["a-tie", "b-tie"]);
}

#[tokio::test]
async fn query_syntax() {
    let store = store();
    corpus(&store, news()).await;
    let cases: &[(&str, &[&str])] = &[
        ("", &["paris", "strikes", "talks", "weather"]),
        ("gaza", &["strikes"]),
        ("GAZA", &["strikes"]),
        ("strike", &["strikes", "talks"]),
        ("\"air strikes\"", &["strikes"]),
        ("\"air strikes\"~1", &["strikes"]),
        ("\"hit overnight\"", &[]),
        ("\"strikes gaza\"~1", &["strikes"]),
        ("\"strikes gaza\"", &[]),
        ("air travel", &["strikes", "talks"]),
        ("+air +travel", &["talks"]),
        ("air -travel", &["strikes"]),
        ("air AND travel", &["talks"]),
        ("gaza OR cairo", &["strikes", "talks"]),
        ("air NOT travel", &["strikes"]),
        ("air AND NOT travel", &["strikes"]),
        ("(gaza OR cairo) AND NOT ceasefire", &["strikes"]),
        ("(gaza OR cairo) AND (NOT ceasefire)", &["strikes"]),
        ("(gaza OR cairo) AND ceasefire", &["talks"]),
        ("ceasef*", &["talks"]),
        ("negotiat*", &["talks"]),
        ("airp*", &["weather"]),
        ("strikes*", &["strikes", "talks"]),
        ("\"ceasefire ta\"*", &["talks"]),
        ("title:cairo", &["talks"]),
        ("body:cairo", &["talks"]),
        ("title:paris", &["paris"]),
        ("body:paris", &["paris", "weather"]),
        ("person:rhodes", &["strikes"]),
        ("person:\"ben rhodes\"", &["strikes"]),
        ("person:\"rhodes ben\"", &[]),
        ("person:blink*", &["talks"]),
        ("org:hamas", &["talks"]),
        ("place:paris", &["paris", "weather"]),
        ("place:cairo", &["talks"]),
        ("entity:hamas", &["talks"]),
        ("entity:\"ben rhodes\"", &["strikes"]),
        ("speaker:blinken", &["talks"]),
        ("speaker:rhodes", &["strikes"]),
        ("tag:diplomacy", &["talks"]),
        ("tag:\"middle east\"", &["strikes", "talks"]),
        ("tag:Middle*", &["strikes", "talks"]),
        ("lang:fr", &["paris"]),
        ("lang:en -tag:weather", &["strikes", "talks"]),
        ("source:reuters", &["strikes", "weather"]),
        ("keyphrase:\"air strikes\"", &["strikes"]),
        ("Title:Cairo", &["talks"]),
        ("zurich", &[]),
        ("greve", &["paris"]),
        ("grévistes", &["paris"]),
        ("-gaza", &["paris", "talks", "weather"]),
        ("*", &["paris", "strikes", "talks", "weather"]),
        ("storm^3 OR paris", &["paris", "weather"]),
    ];
    for (query, expected) in cases {
        assert_eq!(find(&store, query), *expected, "query {query:?}");
    }
}

#[tokio::test]
async fn syntax_errors_are_invalid_arguments() {
    let store = store();
    corpus(&store, news()).await;
    for query in [
        "title:(",
        "\"unclosed",
        "AND",
        "a AND",
        "(gaza",
        "gaza)",
        "foo:bar",
        "http://example.com",
        "title:/re.*/",
        "\"one\"*",
        "published:[2024 TO 2025]",
        "title:*",
        &"(".repeat(100),
        &"x ".repeat(5000),
    ] {
        assert_invalid_query(store.search("t", &request(query)), query);
    }
    // A syntax error names where it is.
    for (query, at) in [
        ("title:(peace", "at byte 12"),
        ("\"unclosed", "at byte 9"),
        ("gaza)", "at byte 4"),
        ("peace AND", "at byte 6"),
        ("a OR OR b", "at byte 2"),
        ("(a OR) b", "at byte 3"),
    ] {
        match store.search("t", &request(query)) {
            Err(Error::InvalidArgument { field, description }) => {
                assert_eq!(field, "query");
                assert!(description.contains(at), "{query:?}: {description}");
            }
            other => panic!("{query:?}: {:?}", other.map(|r| ids_of(&r))),
        }
    }
}

mod fuzz {
    use proptest::prelude::*;

    use super::*;

    fn shared() -> &'static Arc<MemoryStore> {
        static STORE: std::sync::OnceLock<Arc<MemoryStore>> = std::sync::OnceLock::new();
        STORE.get_or_init(|| {
            let store = store();
            for d in news() {
                put(&store, "t", d);
            }
            store.inner.request_commit();
            store
        })
    }

    fn check(query: &str) {
        let mut req = request(query);
        req.highlight_chars = Some(40);
        req.facets = vec![("tags".into(), FacetField::Tags)];
        match shared().search("t", &req) {
            Ok(results) => {
                for hit in &results.hits {
                    for h in &hit.highlights {
                        for span in &h.spans {
                            assert!(h.fragment.get(span.start..span.end).is_some());
                        }
                    }
                }
            }
            Err(Error::InvalidArgument { field, .. }) => assert_eq!(field, "query"),
            Err(other) => panic!("{query:?}: {other:?}"),
        }
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(400))]

        #[test]
        fn any_string_is_ok_or_invalid(query in "\\PC{0,40}") {
            check(&query);
        }

        #[test]
        fn query_like_strings_are_ok_or_invalid(
            query in "([a-zé🚀]{1,6}|[\"():*~^+\\-\\[\\]{}/\\\\!]|AND|OR|NOT|IN|TO|title:|person:|tag:|lang:|foo:| |[0-9]{1,12}|\\^-?[0-9.]{1,4}){0,14}"
        ) {
            check(&query);
        }
    }
}

// ---------------------------------------------------------------- filters

#[tokio::test]
async fn filters() {
    let store = store();
    corpus(&store, news()).await;
    let by = |f: fn(&mut Filter)| {
        let mut filter = Filter::default();
        f(&mut filter);
        find_filtered(&store, filter)
    };
    assert_eq!(by(|f| f.languages = vec!["fr".into()]), vec!["paris"]);
    assert_eq!(
        by(|f| f.languages = vec!["FR".into(), "de".into()]),
        vec!["paris"]
    );
    assert_eq!(
        by(|f| f.tags = vec!["middle east".into()]),
        vec!["strikes", "talks"]
    );
    assert_eq!(
        by(|f| f.tags = vec!["Middle East".into(), "diplomacy".into()]),
        vec!["talks"]
    );
    assert_eq!(
        by(|f| f.sources = vec!["AP".into(), "AFP".into()]),
        vec!["paris", "talks"]
    );
    assert_eq!(
        by(|f| f.entities = vec!["paris".into()]),
        vec!["paris", "weather"]
    );
    assert_eq!(
        by(|f| f.entities = vec!["Paris".into(), "LONDON".into()]),
        vec!["weather"]
    );
    assert_eq!(
        by(|f| f.entity_types = vec![EntityType::Organization, EntityType::Event]),
        vec!["talks"]
    );
    assert_eq!(
        by(|f| f.entity_types = vec![EntityType::Person]),
        vec!["strikes", "talks"]
    );
    assert_eq!(
        by(|f| f.attributes = vec![("desk".into(), "science".into())]),
        vec!["weather"]
    );
    assert!(by(|f| f.attributes = vec![("desk".into(), "Science".into())]).is_empty());
    assert_eq!(
        by(|f| f.published_after = Utc.with_ymd_and_hms(2024, 5, 4, 12, 0, 0).single()),
        vec!["talks", "weather"]
    );
    assert_eq!(
        by(|f| f.published_before = Utc.with_ymd_and_hms(2024, 5, 4, 12, 0, 0).single()),
        vec!["strikes"]
    );
    assert_eq!(
        by(|f| {
            f.published_after = Utc.with_ymd_and_hms(2024, 5, 1, 0, 0, 0).single();
            f.published_before = Utc.with_ymd_and_hms(2024, 5, 5, 0, 0, 0).single();
        }),
        vec!["strikes", "weather"]
    );
    // Filters combine with the query and with each other.
    let mut req = request("air");
    req.filter.sources = vec!["reuters".into()];
    assert_eq!(
        ids_of(&store.search("t", &req).expect("search")),
        vec!["strikes"]
    );
}

// ----------------------------------------------------- facets, order, pages

#[tokio::test]
async fn facets_count_the_whole_result_set() {
    let store = store();
    corpus(&store, news()).await;
    let mut req = request("");
    req.limit = 1;
    req.facets = vec![
        ("language".into(), FacetField::Language),
        ("tags".into(), FacetField::Tags),
        ("source".into(), FacetField::Source),
        (
            "entity.LOCATION".into(),
            FacetField::Entity(EntityType::Location),
        ),
        ("keyphrase".into(), FacetField::KeyPhrase),
        ("speaker".into(), FacetField::Speaker),
    ];
    let results = store.search("t", &req).expect("search");
    assert_eq!(results.hits.len(), 1);
    assert_eq!(results.total, 4);
    let facet = |name: &str| -> Vec<(String, u64)> {
        results
            .facets
            .iter()
            .find(|(n, _)| n == name)
            .map(|(_, values)| values.clone())
            .expect(name)
    };
    let pairs = |values: &[(&str, u64)]| -> Vec<(String, u64)> {
        values.iter().map(|(v, c)| (v.to_string(), *c)).collect()
    };
    assert_eq!(facet("language"), pairs(&[("en", 3), ("fr", 1)]));
    assert_eq!(
        facet("tags"),
        pairs(&[
            ("Middle East", 2),
            ("France", 1),
            ("conflict", 1),
            ("diplomacy", 1),
            ("weather", 1)
        ])
    );
    assert_eq!(
        facet("source"),
        pairs(&[("Reuters", 2), ("AFP", 1), ("AP", 1)])
    );
    assert_eq!(
        facet("entity.LOCATION"),
        pairs(&[("Paris", 2), ("Cairo", 1), ("Gaza", 1), ("London", 1)])
    );
    assert_eq!(
        facet("keyphrase"),
        pairs(&[("air strikes", 1), ("ceasefire talks", 1), ("réforme", 1)])
    );
    assert_eq!(
        facet("speaker"),
        pairs(&[("Antony Blinken", 1), ("Ben Rhodes", 1)])
    );
    // The names come back in the order asked.
    let names: Vec<&str> = results.facets.iter().map(|(n, _)| n.as_str()).collect();
    assert_eq!(
        names,
        [
            "language",
            "tags",
            "source",
            "entity.LOCATION",
            "keyphrase",
            "speaker"
        ]
    );
}

#[tokio::test]
async fn facets_keep_the_top_twenty() {
    let store = store();
    let docs = (0..30)
        .map(|i| {
            let tags: Vec<String> = (0..=i).map(|t| format!("tag{t:02}")).collect();
            let refs: Vec<&str> = tags.iter().map(String::as_str).collect();
            doc(&format!("d{i}"), "T", "B").tags(&refs)
        })
        .collect();
    corpus(&store, docs).await;
    let mut req = request("");
    req.facets = vec![("tags".into(), FacetField::Tags)];
    let results = store.search("t", &req).expect("search");
    let values = &results.facets[0].1;
    assert_eq!(values.len(), 20);
    assert_eq!(values[0], ("tag00".to_string(), 30));
    assert_eq!(values[19], ("tag19".to_string(), 11));
}

#[tokio::test]
async fn order_by_published_puts_undated_last() {
    let store = store();
    corpus(&store, news()).await;
    let mut req = request("");
    req.order = Order::PublishedDesc;
    assert_eq!(
        ids_of(&store.search("t", &req).expect("s")),
        vec!["talks", "weather", "strikes", "paris"]
    );
    req.order = Order::PublishedAsc;
    assert_eq!(
        ids_of(&store.search("t", &req).expect("s")),
        vec!["strikes", "weather", "talks", "paris"]
    );
    // Pages of one continue after the last hit's date and id, undated too.
    for order in [Order::PublishedDesc, Order::PublishedAsc] {
        req.order = order;
        let full = ids_of(&store.search("t", &req).expect("s"));
        let mut one = req.clone();
        one.limit = 1;
        assert_eq!(all_pages(&store, one), (full, 4), "{order:?}");
    }
}

#[tokio::test]
async fn pages_are_stable_and_complete() {
    let store = store();
    let docs = (0..23)
        .map(|i| doc(&format!("d{i:02}"), "T", &"peace ".repeat(1 + i % 4)))
        .collect();
    corpus(&store, docs).await;
    let full = ids_of(&store.search("t", &request("peace")).expect("s"));
    assert_eq!(full.len(), 23);
    let mut first = request("peace");
    first.limit = 5;
    let (paged, pages) = all_pages(&store, first.clone());
    assert_eq!(paged, full);
    assert_eq!(pages, 5, "the last page says no page follows");
    // Documents ingested between pages, some scoring above every earlier
    // hit, some below, neither repeat nor push out a document of the
    // corpus the first page saw: pages continue after the last hit, scored
    // with the first page's statistics.
    let mut seen = Vec::new();
    let mut req = first;
    let mut round = 0;
    loop {
        let results = store.search("t", &req).expect("s");
        seen.extend(ids_of(&results));
        let Some(next) = next_page(&req, &results) else {
            break;
        };
        req = next;
        let body = if round % 2 == 0 {
            "peace ".repeat(9)
        } else {
            "peace and war ".repeat(30)
        };
        let seq = put(&store, "t", doc(&format!("new{round}"), "T", &body)).seq;
        store.wait_visible(seq).await.expect("visible");
        round += 1;
    }
    let old: Vec<&String> = seen.iter().filter(|id| id.starts_with('d')).collect();
    let mut unique = old.clone();
    unique.sort();
    unique.dedup();
    assert_eq!(unique.len(), old.len(), "no repeats: {seen:?}");
    assert_eq!(old.len(), 23, "no omissions: {seen:?}");
    let mut none = request("peace");
    none.limit = 0;
    let results = store.search("t", &none).expect("s");
    assert!(results.hits.is_empty());
    assert_eq!(
        results.total,
        23 + round as u64,
        "the new documents count too"
    );
}

// ------------------------------------------------------------- highlights

#[tokio::test]
async fn highlights_are_byte_spans_into_the_fragment() {
    let store = store();
    corpus(
        &store,
        vec![doc(
            "z",
            "Café Zürich airstrikes 🚀",
            "Im Café Zürich 🚀 sprach man über airstrikes. Später: air strikes in Zürich.",
        )],
    )
    .await;
    let mut req = request("airstrikes zurich");
    req.highlight_chars = Some(200);
    let results = store.search("t", &req).expect("search");
    let hit = &results.hits[0];
    let title = hit
        .highlights
        .iter()
        .find(|h| h.field == "title")
        .expect("title");
    assert_eq!(title.fragment, "Café Zürich airstrikes 🚀");
    let words: Vec<&str> = title
        .spans
        .iter()
        .map(|s| &title.fragment[s.start..s.end])
        .collect();
    assert_eq!(words, ["Zürich", "airstrikes"]);
    let body = hit
        .highlights
        .iter()
        .find(|h| h.field == "body")
        .expect("body");
    let words: Vec<&str> = body
        .spans
        .iter()
        .map(|s| &body.fragment[s.start..s.end])
        .collect();
    assert_eq!(words, ["Zürich", "airstrikes", "Zürich"]);

    // Phrases are highlighted as phrases; negated terms are not highlighted.
    let mut req = request("\"air strikes\" -storm");
    req.highlight_chars = Some(30);
    let results = store.search("t", &req).expect("search");
    let body = &results.hits[0].highlights[0];
    assert_eq!(body.field, "body");
    assert!(body.fragment.chars().count() <= 30, "{:?}", body.fragment);
    let words: Vec<&str> = body
        .spans
        .iter()
        .map(|s| &body.fragment[s.start..s.end])
        .collect();
    assert_eq!(words, ["air strikes"]);

    // No highlights unless asked; none for fields that did not match.
    let plain = store.search("t", &request("airstrikes")).expect("search");
    assert!(plain.hits[0].highlights.is_empty());
    let mut req = request("person:nobody OR sprach");
    req.highlight_chars = Some(50);
    let results = store.search("t", &req).expect("search");
    let fields: Vec<&str> = results.hits[0]
        .highlights
        .iter()
        .map(|h| h.field.as_str())
        .collect();
    assert_eq!(fields, ["body"]);
}

// ---------------------------------------------------------------- similar

#[tokio::test]
async fn similar_documents() {
    let store = store();
    let mut docs = news();
    docs.push(
        doc(
            "more-strikes",
            "New air strikes",
            "More air strikes were reported near Gaza city.",
        )
        .entity(EntityType::Location, "Gaza", 0.9)
        .keyphrase("air strikes")
        .source("AP"),
    );
    corpus(&store, docs).await;
    let req = SimilarRequest {
        like: Like::Id("strikes".into()),
        limit: 10,
        filter: Filter::default(),
    };
    let results = store.similar("t", &req).expect("similar");
    let ids: Vec<String> = results.hits.iter().map(|h| h.document.id.clone()).collect();
    assert_eq!(ids.first().map(String::as_str), Some("more-strikes"));
    assert!(
        !ids.contains(&"strikes".to_string()),
        "never the source itself"
    );
    assert!(!ids.contains(&"paris".to_string()));
    assert!(results.terms.contains(&"air strikes".to_string()));
    assert!(results.terms.contains(&"Gaza".to_string()));

    let mut filtered = req.clone();
    filtered.filter.sources = vec!["AP".into()];
    let results = store.similar("t", &filtered).expect("similar");
    let ids: Vec<&str> = results
        .hits
        .iter()
        .map(|h| h.document.id.as_str())
        .collect();
    assert_eq!(ids, ["more-strikes"]);

    let (_, analysis) = doc("x", "", "")
        .entity(EntityType::Location, "Paris", 1.0)
        .build();
    let by_text = SimilarRequest {
        like: Like::Text {
            text: "Paris".into(),
            analysis: Box::new(analysis),
        },
        limit: 10,
        filter: Filter::default(),
    };
    let results = store.similar("t", &by_text).expect("similar");
    let mut ids: Vec<&str> = results
        .hits
        .iter()
        .map(|h| h.document.id.as_str())
        .collect();
    ids.sort();
    assert_eq!(ids, ["paris", "weather"]);

    let missing = SimilarRequest {
        like: Like::Id("nope".into()),
        ..req.clone()
    };
    assert!(matches!(
        store.similar("t", &missing),
        Err(Error::NotFound { .. })
    ));
    assert!(matches!(
        store.similar("u", &req),
        Err(Error::NotFound { .. })
    ));
}

// ------------------------------------------------------------------ watch

async fn next_event(receiver: &mut WatchReceiver) -> Result<crate::search::WatchEvent> {
    tokio::time::timeout(Duration::from_secs(10), receiver.recv())
        .await
        .expect("an event in time")
        .expect("an open stream")
}

#[tokio::test]
async fn watch_sends_matching_documents_once() {
    let store = store();
    let before = put(&store, "t", doc("before", "Gaza", "ceasefire before"));
    let spec = WatchSpec {
        query: "ceasefire".into(),
        syntax: QuerySyntax::QueryLanguage,
        filter: Filter {
            languages: vec!["en".into()],
            ..Filter::default()
        },
    };
    let mut receiver = store.watch("t", spec).expect("watch");
    assert_eq!(store.watcher_count(), 1);
    put(&store, "t", doc("other", "Weather", "storm").lang("en"));
    put(&store, "t", doc("french", "Gaza", "ceasefire").lang("fr"));
    put(&store, "u", doc("tenant", "Gaza", "ceasefire").lang("en"));
    put(
        &store,
        "t",
        doc("first", "Gaza", "ceasefire one").lang("en"),
    );
    let second = put(
        &store,
        "t",
        doc("second", "Cairo", "ceasefire two").lang("en"),
    );
    assert!(second.seq > before.seq);
    store.wait_visible(second.seq).await.expect("visible");

    let event = next_event(&mut receiver).await.expect("event");
    assert_eq!(event.document.id, "first");
    assert_eq!(event.kind, WatchEventKind::Created);
    let event = next_event(&mut receiver).await.expect("event");
    assert_eq!(event.document.id, "second");

    // An update that still matches is sent again, as an update; one that no
    // longer matches is not; a write that is unchanged is nothing.
    put(
        &store,
        "t",
        doc("first", "Gaza", "ceasefire one").lang("en"),
    );
    let updated = put(
        &store,
        "t",
        doc("first", "Gaza", "ceasefire updated").lang("en"),
    );
    store.wait_visible(updated.seq).await.expect("visible");
    let event = next_event(&mut receiver).await.expect("event");
    assert_eq!(
        (event.document.id.as_str(), event.kind),
        ("first", WatchEventKind::Updated)
    );
    assert_eq!(event.document.version, 2);
    let gone = put(&store, "t", doc("second", "Cairo", "talks").lang("en"));
    store.wait_visible(gone.seq).await.expect("visible");
    // The "before" document was committed along with the first batch but
    // written before the watch: never sent.
    let marker = put(
        &store,
        "t",
        doc("marker", "M", "ceasefire marker").lang("en"),
    );
    store.wait_visible(marker.seq).await.expect("visible");
    let event = next_event(&mut receiver).await.expect("event");
    assert_eq!(event.document.id, "marker");
    assert!(receiver.try_recv().is_err(), "nothing else was sent");
}

#[tokio::test]
async fn watch_rejects_bad_queries() {
    let store = store();
    for query in ["title:(", "\"open", "tenant:x"] {
        let spec = WatchSpec {
            query: query.into(),
            syntax: QuerySyntax::QueryLanguage,
            filter: Filter::default(),
        };
        match store.watch("t", spec) {
            Err(Error::InvalidArgument { field, .. }) => assert_eq!(field, "query"),
            other => panic!("{query:?}: {:?}", other.map(|_| ())),
        }
    }
    assert_eq!(store.watcher_count(), 0);
}

#[tokio::test]
async fn lagging_watchers_get_an_error_and_end() {
    let store = MemoryStore::new(MemoryStoreConfig {
        refresh_interval: Duration::from_secs(3600),
        watch_buffer: 3,
        ..MemoryStoreConfig::default()
    });
    let mut receiver = store
        .watch(
            "t",
            WatchSpec {
                query: String::new(),
                syntax: QuerySyntax::QueryLanguage,
                filter: Filter::default(),
            },
        )
        .expect("watch");
    let mut last = 0;
    for i in 0..10 {
        last = put(&store, "t", doc(&format!("d{i}"), "T", "B")).seq;
    }
    store.wait_visible(last).await.expect("visible");
    for i in 0..3 {
        let event = next_event(&mut receiver).await.expect("event");
        assert_eq!(event.document.id, format!("d{i}"));
    }
    match next_event(&mut receiver).await {
        Err(Error::LimitExceeded { limit, description }) => {
            assert_eq!(limit, "watch_buffer");
            assert!(description.contains("3 documents behind"), "{description}");
        }
        other => panic!("expected LimitExceeded, got {other:?}"),
    }
    assert!(
        receiver.recv().await.is_none(),
        "the stream ends after the error"
    );
    assert_eq!(store.watcher_count(), 0);
}

#[tokio::test]
async fn dropped_watchers_are_unregistered() {
    let store = store();
    let spec = WatchSpec {
        query: "x".into(),
        syntax: QuerySyntax::QueryLanguage,
        filter: Filter::default(),
    };
    let kept = store.watch("t", spec.clone()).expect("watch");
    for _ in 0..5 {
        drop(store.watch("t", spec.clone()).expect("watch"));
    }
    drop(store.watch("u", spec.clone()).expect("watch"));
    let seq = put(&store, "t", doc("a", "x", "x")).seq;
    store.wait_visible(seq).await.expect("visible");
    assert_eq!(store.watcher_count(), 1);
    drop(kept);
    let seq = put(&store, "t", doc("b", "x", "x")).seq;
    store.wait_visible(seq).await.expect("visible");
    assert_eq!(store.watcher_count(), 0);
}

#[test]
fn pathological_queries_do_not_crash() {
    let store = store();
    put(&store, "t", doc("a", "T", "B"));
    let long = [
        "NOT ".repeat(2000),
        "-".repeat(8000),
        "+-".repeat(4000),
        "\"".repeat(8000),
        "a^".repeat(4000),
        "title:".repeat(1300),
        "a OR ".repeat(1600),
        "[".repeat(8000),
        "{".repeat(8000),
        "a AND (b OR ".repeat(30) + &")".repeat(30),
        "x*".repeat(4000),
        "\"a b\"~".repeat(1000),
        "AND ".repeat(2000),
        "OR ".repeat(2000),
        "- ".repeat(4000),
        "+ ".repeat(4000),
        "a NOT ".repeat(1300),
        "-NOT ".repeat(1600),
        "NOT(".repeat(1600),
        "title:(".repeat(1000),
        "'".repeat(8000),
        "NOT ".repeat(32) + "a",
        "a ".to_string() + &"NOT ".repeat(32) + "b",
        "\\".repeat(8000),
    ];
    for query in long {
        match store.search("t", &request(&query)) {
            Ok(_) | Err(Error::InvalidArgument { .. }) => {}
            Err(other) => panic!("{:?}: {other:?}", &query[..20]),
        }
    }
}

/// The request of the page after `results`, or `None` when none follows.
fn next_page(request: &SearchRequest, results: &SearchResults) -> Option<SearchRequest> {
    let last = results.hits.last().filter(|_| results.has_more)?;
    let mut next = request.clone();
    next.after = Some(crate::search::SearchAfter::of(last, request.order));
    next.stats = results.stats.clone();
    Some(next)
}

/// Every page of a search, in order, and how many pages it took.
fn all_pages(store: &MemoryStore, mut request: SearchRequest) -> (Vec<String>, usize) {
    let mut ids = Vec::new();
    let mut pages = 0;
    loop {
        let results = store.search("t", &request).expect("search");
        pages += 1;
        ids.extend(ids_of(&results));
        match next_page(&request, &results) {
            Some(next) => request = next,
            None => return (ids, pages),
        }
    }
}

/// The page of a request the way every match is walked (asking for a facet
/// forces that path), for comparing with the top-k path.
fn walked(store: &MemoryStore, request: &SearchRequest) -> (Vec<String>, u64) {
    let mut walk = request.clone();
    walk.facets = vec![("tags".to_string(), FacetField::Tags)];
    let results = store.search("t", &walk).expect("search");
    (ids_of(&results), results.total)
}

#[tokio::test]
async fn top_k_pages_equal_walking_every_match_even_with_tied_scores() {
    let store = store();
    // Forty documents in four groups of equal text: scores tie within each
    // group, so most page boundaries fall inside a run of equal scores.
    let mut docs = Vec::new();
    for i in 0..40 {
        let body = match i % 4 {
            0 => "ceasefire talks resume",
            1 => "ceasefire ceasefire talks collapse in the night",
            2 => "talks about the weather",
            _ => "ceasefire",
        };
        docs.push(doc(&format!("d{:02}", (i * 7) % 40), "Same title", body));
    }
    corpus(&store, docs).await;
    for query in [
        "ceasefire",
        "talks",
        "ceasefire OR talks",
        "\"ceasefire talks\"",
    ] {
        let all = store.search("t", &request(query)).expect("search");
        for limit in [1, 3, 7, 10, 20] {
            // Every page, by the top-k path and by walking every match,
            // is the same; consecutive pages cover every match once, in
            // the order of one big page.
            let mut page = request(query);
            page.limit = limit;
            let mut by_pages = Vec::new();
            loop {
                let results = store.search("t", &page).expect("search");
                let (ids, total) = walked(&store, &page);
                assert_eq!(ids_of(&results), ids, "{query:?} limit {limit}");
                assert_eq!(results.total, total, "{query:?}");
                by_pages.extend(ids_of(&results));
                match next_page(&page, &results) {
                    Some(next) => page = next,
                    None => break,
                }
            }
            assert_eq!(by_pages, ids_of(&all), "{query:?} limit {limit}");
        }
    }
}

#[tokio::test]
async fn hits_before_a_commit_resolve_to_the_current_version() {
    let store = store();
    corpus(
        &store,
        vec![
            doc("kept", "Kept", "ceasefire holds"),
            doc("changed", "Changed", "ceasefire broken"),
            doc("gone", "Gone", "ceasefire ends"),
        ],
    )
    .await;
    // Neither write is committed: the index still holds the old versions.
    put(
        &store,
        "t",
        doc("changed", "Changed again", "ceasefire restored"),
    );
    store.delete("t", "gone").expect("delete");
    let results = store.search("t", &request("ceasefire")).expect("search");
    let mut ids = ids_of(&results);
    ids.sort();
    assert_eq!(ids, vec!["changed", "kept"]);
    let changed = results
        .hits
        .iter()
        .find(|hit| hit.document.id == "changed")
        .expect("changed");
    assert_eq!(changed.document.version, 2);
    assert_eq!(changed.document.document.title, "Changed again");
    // After the commit the retired versions are gone from the slots, and
    // search finds the new text.
    store.wait_visible(store.last_seq()).await.expect("visible");
    assert_eq!(store.inner.state.read().slots.len(), 2);
    assert_eq!(find(&store, "restored"), vec!["changed"]);
    assert!(find(&store, "broken").is_empty());
    assert!(find(&store, "ends").is_empty());
}

// ------------------------------------------------------ search fast paths

#[tokio::test]
async fn the_tenant_clause_is_left_out_only_while_one_tenant_owns_every_document() {
    let store = store();
    corpus(&store, news()).await;
    let builder = &store.inner.builder;
    let owns = |tenant: &str| builder.tenant_owns_all(&store.inner.reader.searcher(), tenant);
    assert!(owns("t"));
    assert!(!owns("u"));
    let before = store.search("t", &request("ceasefire")).expect("search");
    assert!(before.total > 0);

    // Another tenant's document, with the same words: "t" no longer owns
    // everything, the clause is back, and neither tenant sees the other's.
    put(&store, "u", doc("intruder", "Ceasefire", "ceasefire talks"));
    let seq = put(&store, "t", doc("zz-later", "Later", "nothing about it")).seq;
    store.wait_visible(seq).await.expect("visible");
    assert!(!owns("t"));
    assert!(!owns("u"));
    let after = store.search("t", &request("ceasefire")).expect("search");
    assert_eq!(ids_of(&after), ids_of(&before));
    assert_eq!(after.total, before.total);
    assert_eq!(
        ids_of(&store.search("u", &request("ceasefire")).expect("search")),
        vec!["intruder"]
    );
    let quick = store
        .search_quick("t", &request("ceasefire"))
        .expect("quick")
        .expect("search");
    assert_eq!(ids_of(&quick), ids_of(&before));

    // Deleted, its document still sits in a segment beside a live one of
    // "t": still not owned (a segment of deleted documents only is dropped
    // at the commit, and then "t" owns everything again).
    let seq = store.delete("u", "intruder").expect("delete").seq;
    store.wait_visible(seq).await.expect("visible");
    assert!(!owns("t"));
    assert_eq!(
        ids_of(&store.search("t", &request("ceasefire")).expect("search")),
        ids_of(&before)
    );
}

#[tokio::test]
async fn flattened_unions_match_and_score_as_the_nested_ones() {
    let store = store();
    corpus(&store, news()).await;
    let builder = &store.inner.builder;
    let searcher = store.inner.reader.searcher();
    // tantivy's parser as the builder sets it up, without the flattening.
    let fields = store.inner.fields;
    let mut parser = QueryParser::for_index(searcher.index(), vec![fields.title, fields.body]);
    parser.set_field_boost(fields.title, 2.0);
    for text in [
        "ceasefire talks",
        "ceasefire talks paris weather",
        "ceasefire OR (talks OR (paris storm))",
        "title:ceasefire body:talks",
        "\"ceasefire talks\" paris",
        "ceasefire -weather",
        "+ceasefire talks",
        "(ceasefire talks)^3 paris",
    ] {
        let nested = parser
            .parse_query(text)
            .unwrap_or_else(|e| panic!("{text:?}: {e}"));
        let flat = query::flatten_unions(nested.box_clone());
        let run = |query: &dyn Query| {
            let mut all = searcher
                .search(query, &index::AllMatches { scored: true })
                .expect("search");
            all.sort_by_key(|(slot, _)| *slot);
            all
        };
        let (a, b) = (run(&*nested), run(&*flat));
        assert!(!a.is_empty(), "{text:?} matches nothing");
        assert_eq!(a.len(), b.len(), "{text:?}");
        for ((slot_a, score_a), (slot_b, score_b)) in a.iter().zip(&b) {
            assert_eq!(slot_a, slot_b, "{text:?}");
            assert!(
                (score_a - score_b).abs() <= 1e-5 * score_a.abs().max(1.0),
                "{text:?}: {score_a} vs {score_b}"
            );
        }
    }
    // Two words over two fields: one union of four clauses, not three.
    let parsed = builder.parse("ceasefire talks").expect("parse");
    let union = parsed
        .query
        .downcast_ref::<BooleanQuery>()
        .expect("a boolean query");
    assert_eq!(union.clauses().len(), 4);
    assert!(
        union
            .clauses()
            .iter()
            .all(|(_, q)| q.downcast_ref::<BooleanQuery>().is_none())
    );
}

#[tokio::test]
async fn quick_searches_are_the_small_ones_and_answer_as_search_does() {
    let store = store();
    corpus(&store, news()).await;
    let same = |req: &SearchRequest| {
        let quick = store
            .search_quick("t", req)
            .unwrap_or_else(|| panic!("{:?} is not quick", req.query))
            .expect("search");
        let full = store.search("t", req).expect("search");
        assert_eq!(ids_of(&quick), ids_of(&full), "{:?}", req.query);
        assert_eq!(quick.total, full.total, "{:?}", req.query);
        assert_eq!(
            quick
                .hits
                .iter()
                .map(|h| h.highlights.clone())
                .collect::<Vec<_>>(),
            full.hits
                .iter()
                .map(|h| h.highlights.clone())
                .collect::<Vec<_>>()
        );
    };
    for query in [
        "ceasefire",
        "ceasefire talks",
        "\"ceasefire talks\"",
        "ceasefire -storm",
    ] {
        let mut req = request(query);
        req.limit = 10;
        same(&req);
        req.highlight_chars = Some(60);
        same(&req);
    }
    // Not bounded: prefixes, everything, purely negative queries, facets,
    // filters, date orders and deep pages go to the blocking pool.
    let declined = |req: SearchRequest| {
        assert!(
            store.search_quick("t", &req).is_none(),
            "{:?} should not be quick",
            req.query
        )
    };
    for query in ["cease*", "", "-storm", "title:{a TO b}"] {
        if query.contains('{') {
            // A refused query is refused on the quick path too.
            assert!(matches!(
                store.search_quick("t", &request(query)),
                Some(Err(Error::InvalidArgument { .. }))
            ));
            continue;
        }
        declined(request(query));
    }
    let mut req = request("ceasefire");
    req.facets = vec![("tags".into(), FacetField::Tags)];
    declined(req);
    let mut req = request("ceasefire");
    req.filter.tags = vec!["x".into()];
    declined(req);
    let mut req = request("ceasefire");
    req.order = Order::PublishedDesc;
    declined(req);
    let mut req = request("ceasefire");
    req.limit = 101;
    declined(req);
    // A page whose texts are too long to highlight here.
    let long = "ceasefire ".repeat(2_000);
    let seq = put(&store, "t", doc("long", "Long", &long)).seq;
    store.wait_visible(seq).await.expect("visible");
    let mut req = request("ceasefire");
    req.limit = 10;
    assert!(store.search_quick("t", &req).is_some());
    req.highlight_chars = Some(60);
    declined(req);
}

#[tokio::test]
async fn the_postings_bound_sums_the_document_frequencies_of_the_terms() {
    let store = store();
    corpus(
        &store,
        vec![
            doc("a", "Ceasefire", "ceasefire talks"),
            doc("b", "Talks", "talks only"),
            doc("c", "Weather", "rain and ceasefire"),
        ],
    )
    .await;
    let searcher = store.inner.reader.searcher();
    let bound = |text: &str| {
        let parsed = store.inner.builder.parse(text).expect("parse");
        assert!(parsed.simple, "{text:?}");
        query::postings_bound(&searcher, &*parsed.query)
    };
    // ceasefire: titles 1, bodies 2; talks: titles 1, bodies 2.
    assert_eq!(bound("ceasefire"), 3);
    assert_eq!(bound("ceasefire talks"), 6);
    assert_eq!(bound("\"ceasefire talks\""), 6);
    assert_eq!(bound("nowhere"), 0);
    for text in ["cease*", "", "-talks"] {
        assert!(
            !store.inner.builder.parse(text).expect("parse").simple,
            "{text:?}"
        );
    }
}

#[test]
fn merge_plan_merges_all_when_sizes_are_close_and_spares_a_large_segment() {
    // Nothing to merge.
    assert_eq!(merge_plan::<u8>(&[]), None);
    assert_eq!(merge_plan(&[(1, 5_000)]), None);
    // Commits of an ingest burst: all of them into one.
    let burst = [(1, 5_000), (2, 6_000), (3, 4_000), (4, 4_043)];
    let mut all = merge_plan(&burst).expect("a plan");
    all.sort();
    assert_eq!(all, vec![1, 2, 3, 4]);
    // A large segment and one small one: left as they are.
    assert_eq!(merge_plan(&[(1, 100_000), (2, 10)]), None);
    // A large segment and a trickle of small ones: only the small ones.
    let mut small = merge_plan(&[(1, 10), (2, 100_000), (3, 20)]).expect("a plan");
    small.sort();
    assert_eq!(small, vec![1, 3]);
    // The small ones together reach an eighth of the large one: everything.
    let mut grown = merge_plan(&[(1, 80_000), (2, 6_000), (3, 4_000)]).expect("a plan");
    grown.sort();
    assert_eq!(grown, vec![1, 2, 3]);
    // Empty segments (every document deleted) count as small ones.
    assert_eq!(merge_plan(&[(1, 0), (2, 0)]), Some(vec![1, 2]));
}

#[tokio::test]
async fn segments_are_merged_once_writes_pause_and_search_is_unchanged() {
    let store = MemoryStore::new(MemoryStoreConfig {
        refresh_interval: Duration::from_millis(20),
        ..MemoryStoreConfig::default()
    });
    // Each visible write is its own commit, so its own segment.
    for i in 0..6 {
        let body = if i % 2 == 0 {
            "ceasefire talks"
        } else {
            "talks"
        };
        let outcome = put(&store, "t", doc(&format!("d{i}"), "Title", body));
        store.wait_visible(outcome.seq).await.expect("visible");
    }
    // One replaced and one deleted: the merge must drop both old versions.
    let outcome = put(&store, "t", doc("d1", "Title", "ceasefire"));
    store.wait_visible(outcome.seq).await.expect("visible");
    let outcome = store.delete("t", "d2").expect("delete");
    store.wait_visible(outcome.seq).await.expect("visible");
    let before = (find(&store, "ceasefire"), find(&store, "talks"));
    assert_eq!(before.0, vec!["d0", "d1", "d4"]);
    let started = Instant::now();
    while store.segment_count() > 1 {
        assert!(
            started.elapsed() < Duration::from_secs(30),
            "still {} segments",
            store.segment_count()
        );
        tokio::time::sleep(Duration::from_millis(10)).await;
    }
    assert_eq!((find(&store, "ceasefire"), find(&store, "talks")), before);
    let results = store.search("t", &request("talks")).expect("search");
    assert_eq!(results.total, 4);
}

/// A put with dedupe on of a text, fingerprinted as the pipeline does.
fn put_text_dedupe(store: &MemoryStore, id: &str, text: &str) -> WriteOutcome {
    let (document, mut analysis) = doc(id, "", text).build();
    analysis.fingerprint = Some(crate::analysis::fingerprint::compute(text));
    store
        .put(
            "t",
            document,
            Arc::new(analysis),
            PutOptions { dedupe: true },
        )
        .expect("put")
}

const FOUNDING: &str = include_str!("../../../seeds/000_3db58b10b3ad52bf.txt");
const SYNDICATED: &str = include_str!("../../../seeds/000_syndicated.txt");
/// Another article on the founding article's story, written for this test.
const SAME_STORY: &str = "Washington and Paris agreed on Sunday to step up their \
bombing campaign against Islamic State after the attacks that killed 129 people in \
the French capital. Speaking on the sidelines of the summit in Turkey, the deputy \
national security adviser said the two allies would share more intelligence and \
coordinate targets in Syria and Iraq. Officials in both capitals said French jets \
had already struck a command centre and a training camp in Raqqa, and that more \
raids would follow in the coming days as the coalition presses the group.";

#[test]
fn dedupe_catches_an_edited_copy_but_not_another_article_on_the_story() {
    let store = store();
    let first = put_text_dedupe(&store, "reuters", FOUNDING);
    assert_eq!(first.result, PutResult::Created);
    let copy = put_text_dedupe(&store, "copy", SYNDICATED);
    assert_eq!(
        copy.result,
        PutResult::Duplicate {
            of: "reuters".to_string()
        }
    );
    assert!(store.get("t", "copy").is_err(), "a duplicate is not stored");
    let other = put_text_dedupe(&store, "other", SAME_STORY);
    assert_eq!(other.result, PutResult::Created);
    // The copy is near, not equal: the fingerprints say so.
    let (a, b) = (
        crate::analysis::fingerprint::compute(FOUNDING),
        crate::analysis::fingerprint::compute(SYNDICATED),
    );
    assert_ne!(a.content_hash, b.content_hash);
    assert!((a.simhash ^ b.simhash).count_ones() <= NEAR_DUPLICATE_BITS);
    // Once the original is deleted, the copy is new again.
    store.delete("t", "reuters").expect("delete");
    let copy = put_text_dedupe(&store, "copy", SYNDICATED);
    assert_eq!(copy.result, PutResult::Created);
}

#[test]
fn near_duplicates_need_length_and_close_bits() {
    assert!(similar_length(100, 125));
    assert!(!similar_length(100, 140));
    assert!(similar_length(0, 0));
    let mut docs = TenantDocs::default();
    docs.simhashes.insert("a".into(), (0b1111, 100));
    docs.simhashes.insert("b".into(), (u64::MAX, 100));
    let probe = |simhash: u64, words: u32| Fingerprint {
        content_hash: "x".into(),
        simhash,
        words,
    };
    // 4 bits from "a".
    assert_eq!(
        docs.near_duplicate("new", &probe(0, 100)),
        Some(&"a".to_string())
    );
    // Itself is never its own duplicate.
    assert_eq!(docs.near_duplicate("a", &probe(0, 100)), None);
    // Too short to judge, or of another length.
    assert_eq!(docs.near_duplicate("new", &probe(0, 20)), None);
    assert_eq!(docs.near_duplicate("new", &probe(0, 200)), None);
    // Seven bits off is too far.
    assert_eq!(
        docs.near_duplicate("new", &probe(0b111_1111_1111, 100)),
        None
    );
}

#[test]
fn stem_frequencies_follow_every_write_per_tenant() {
    let store = store();
    let with_stems = |id: &str, body: &str, stems: &[u32]| {
        let (document, mut analysis) = doc(id, "", body).build();
        analysis.stems = stems.to_vec();
        (document, Arc::new(analysis))
    };
    let write = |tenant: &str, (document, analysis): (NewDocument, Arc<Analysis>)| {
        store
            .put(tenant, document, analysis, PutOptions::default())
            .expect("put")
    };
    let counts = |tenant: &str| {
        let mut out = Vec::new();
        let documents = store.stem_frequencies(tenant, &[1, 2, 3, 9], &mut out);
        (documents, out)
    };
    write("a", with_stems("d1", "one", &[1, 2]));
    write("a", with_stems("d2", "two", &[2, 3]));
    write("b", with_stems("d1", "other", &[9]));
    // A document analysed without key phrases has no stems and is not counted.
    write("a", with_stems("d3", "three", &[]));
    assert_eq!(counts("a"), (2, vec![1, 2, 1, 0]));
    assert_eq!(counts("b"), (1, vec![0, 0, 0, 1]));
    assert_eq!(counts("nobody"), (0, vec![0, 0, 0, 0]));
    // An update counts the new version instead of the old one.
    write("a", with_stems("d1", "one, edited", &[3]));
    assert_eq!(counts("a"), (2, vec![0, 1, 2, 0]));
    // Re-sending the same document changes nothing.
    write("a", with_stems("d1", "one, edited", &[3]));
    assert_eq!(counts("a"), (2, vec![0, 1, 2, 0]));
    store.delete("a", "d2").expect("delete");
    assert_eq!(counts("a"), (1, vec![0, 0, 1, 0]));
    store.delete("a", "d1").expect("delete");
    assert_eq!(counts("a"), (0, vec![0, 0, 0, 0]));
    assert_eq!(counts("b"), (1, vec![0, 0, 0, 1]));
}

#[tokio::test]
async fn first_page_statistics_sum_to_the_postings_bound() {
    let store = store();
    corpus(&store, news()).await;
    let inner = &store.inner;
    let searcher = inner.reader.searcher();
    for query in [
        "strikes",
        "air strikes cairo",
        "\"air strikes\" gaza",
        "title:ceasefire body:talks",
    ] {
        let parsed = inner.builder.parse(query).expect("parses");
        let stats = index::FrozenStats::capture(&searcher, &*parsed.query).expect("stats");
        let sum: u64 = stats.doc_freqs.iter().sum();
        assert!(sum > 0, "{query:?} names indexed terms");
        assert_eq!(
            sum,
            query::postings_bound(&searcher, &*parsed.query),
            "{query:?}"
        );
    }
}

#[tokio::test]
async fn plain_text_feedback_reranks_without_adding_matches_and_pages_agree() {
    let store = store();
    let mut docs = Vec::new();
    for i in 0..30 {
        let body = match i % 3 {
            // Match the text's words; share "turbulence" among the best.
            0 => format!("boundary layer transition and turbulence on a flat plate, run {i}"),
            // Hold "turbulence" but no word of the text: never a match.
            1 => format!("turbulence in the wake of a cylinder, run {i}"),
            // Match one word of the text only.
            _ => format!("heat transfer across the boundary of a cone, run {i}"),
        };
        docs.push(doc(&format!("d{i:02}"), "", &body));
    }
    corpus(&store, docs).await;
    let text = "What causes (boundary-layer) transition?";
    let mut plain = request(text);
    plain.syntax = QuerySyntax::PlainText;
    let all = store.search("t", &plain).expect("plain text");
    let stats = all.stats.clone().expect("relevance statistics");
    assert!(
        stats.expansion.iter().any(|(word, _)| word == "turbul"),
        "feedback from the best hits: {:?}",
        stats.expansion
    );
    // Only documents holding a word of the text match, feedback or not.
    assert_eq!(all.total, 20);
    assert!(
        ids_of(&all)
            .iter()
            .all(|id| id[1..].parse::<usize>().unwrap() % 3 != 1)
    );
    // The transition documents first: they hold every word.
    let first: Vec<String> = ids_of(&all).into_iter().take(10).collect();
    assert!(
        first
            .iter()
            .all(|id| id[1..].parse::<usize>().unwrap() % 3 == 0),
        "{first:?}"
    );
    // Pages of one hit, each scored with the first page's statistics and
    // feedback terms, give the order of one page of all.
    let mut paged = plain.clone();
    paged.limit = 1;
    let (ids, pages) = all_pages(&store, paged);
    assert_eq!(ids, ids_of(&all));
    assert_eq!(pages, 20);
    // Date order: the same matches, no feedback in the statistics.
    let mut dated = plain.clone();
    dated.order = Order::PublishedDesc;
    let by_date = store.search("t", &dated).expect("date order");
    assert_eq!(by_date.total, 20);
    assert!(by_date.stats.is_none());
}

#[tokio::test]
async fn plain_text_feedback_terms_weigh_alike_best_chosen_first() {
    let store = store();
    let mut docs = Vec::new();
    for i in 0..12 {
        // Every best hit holds "shock" three times and "nozzle" twice, so
        // "shock" is chosen first and "nozzle" second; more words than
        // there are feedback terms are shared by all of them, once each.
        let body = "supersonic inlet shock shock shock nozzle nozzle diffuser \
                    compressor spillage bleed throat ramp cowl lip drag";
        docs.push(doc(&format!("d{i:02}"), "", body));
    }
    docs.push(doc("other", "", "a supersonic wing at low speed"));
    corpus(&store, docs).await;
    let mut plain = request("supersonic inlet");
    plain.syntax = QuerySyntax::PlainText;
    let results = store.search("t", &plain).expect("plain text");
    let expansion = &results
        .stats
        .as_ref()
        .expect("relevance statistics")
        .expansion;
    assert_eq!(expansion.len(), query::FEEDBACK_TERMS, "{expansion:?}");
    let words: Vec<&str> = expansion.iter().map(|(word, _)| word.as_str()).collect();
    assert_eq!(words[..2], ["shock", "nozzl"], "the most frequent first");
    // Chosen in order, weighed alike: the order does not scale the weights
    // (their BM25 scores already hold their IDF and frequencies).
    for (word, bits) in expansion {
        assert_eq!(
            f32::from_bits(*bits),
            query::FEEDBACK_WEIGHT,
            "{word}: {expansion:?}"
        );
    }
}

// --------------------------------------------------------- data directory

/// A fresh data directory under the system's temporary directory.
fn data_dir() -> std::path::PathBuf {
    std::env::temp_dir().join(format!("docsift-store-{}", uuid::Uuid::new_v4()))
}

/// A store over a data directory that commits only when asked.
fn durable_store(dir: &std::path::Path) -> Arc<MemoryStore> {
    MemoryStore::try_new(MemoryStoreConfig {
        refresh_interval: Duration::from_secs(3600),
        data_dir: Some(dir.to_path_buf()),
        ..MemoryStoreConfig::default()
    })
    .expect("a store over the data directory")
}

#[tokio::test]
async fn a_data_directory_keeps_puts_updates_and_deletes_across_a_restart() {
    let dir = data_dir();
    let store = durable_store(&dir);
    put(
        &store,
        "t",
        doc("a", "Oil prices", "Crude oil rose in Asia")
            .keyphrase("crude oil")
            .hash("h-a"),
    );
    put(
        &store,
        "t",
        doc("b", "Rain", "Heavy rain in Lagos")
            .published(3)
            .tags(&["weather"]),
    );
    put(&store, "t", doc("c", "Gone", "This one is deleted"));
    put(
        &store,
        "u",
        doc("a", "Other tenant", "Same id, another tenant"),
    );
    let updated = put(
        &store,
        "t",
        doc("b", "Rain again", "Heavy rain in Lagos and Accra").published(3),
    );
    assert_eq!(updated.version, 2);
    let deleted = store.delete("t", "c").expect("delete");
    store.wait_durable(deleted.seq).await.expect("durable");
    let before: Vec<Arc<StoredDocument>> = ["a", "b"].map(|id| store.get("t", id).unwrap()).into();
    let mut stems = Vec::new();
    let counted = store.stem_frequencies("t", &[1, 2], &mut stems);
    store.shutdown();
    drop(store);

    let store = durable_store(&dir);
    for doc in &before {
        let after = store.get("t", &doc.id).expect("kept");
        assert_eq!(**doc, *after, "{} comes back as it was stored", doc.id);
    }
    assert_eq!(store.get("t", "b").unwrap().version, 2);
    assert_eq!(store.get("t", "b").unwrap().document.title, "Rain again");
    assert!(matches!(store.get("t", "c"), Err(Error::NotFound { .. })));
    assert_eq!(store.get("u", "a").unwrap().document.title, "Other tenant");
    // Searchable at once, without waiting for a refresh.
    assert_eq!(find(&store, "rain"), vec!["b"]);
    assert_eq!(find(&store, "crude"), vec!["a"]);
    assert!(find(&store, "deleted").is_empty());
    let mut again = Vec::new();
    assert_eq!(store.stem_frequencies("t", &[1, 2], &mut again), counted);
    assert_eq!(again, stems);
    // The dedupe hashes are rebuilt too.
    let duplicate = put_dedupe(
        &store,
        "t",
        doc("z", "Copy", "Crude oil rose in Asia").hash("h-a"),
    );
    assert_eq!(duplicate.result, PutResult::Duplicate { of: "a".into() });
    // Writes after a restart carry on from the stored versions.
    let third = put(&store, "t", doc("b", "Rain, third", "More rain"));
    assert_eq!(third.version, 3);
    store.wait_durable(third.seq).await.expect("durable");
    drop(store);
    let store = durable_store(&dir);
    assert_eq!(store.get("t", "b").unwrap().version, 3);
    assert_eq!(store.list("t", None, 10).unwrap().total, 2);
    drop(store);
    std::fs::remove_dir_all(&dir).unwrap();
}

#[tokio::test]
async fn an_acknowledged_write_is_on_disk_before_the_store_stops() {
    let dir = data_dir();
    let store = durable_store(&dir);
    let mut last = 0;
    for i in 0..50 {
        last = put(
            &store,
            "t",
            doc(&format!("d{i}"), "Title", &format!("Body number {i}")),
        )
        .seq;
    }
    store.wait_durable(last).await.expect("durable");
    // A second store cannot open the directory while this one holds it...
    let held = MemoryStore::try_new(MemoryStoreConfig {
        data_dir: Some(dir.clone()),
        ..MemoryStoreConfig::default()
    });
    let message = held.expect_err("the directory is held").to_string();
    assert!(
        message.contains("in use by another docsift process"),
        "{message}"
    );
    // ...and reads every acknowledged write once it is free. (The journal's
    // file is read directly here, so nothing of the first store's RAM is
    // involved.)
    drop(store);
    let journal = Journal::open(&dir).expect("free");
    let mut ids = Vec::new();
    let total = journal
        .load(|batch| {
            ids.extend(batch.into_iter().map(|d| d.id));
            Ok(())
        })
        .expect("load");
    assert_eq!(total, 50);
    ids.sort();
    let mut expected: Vec<String> = (0..50).map(|i| format!("d{i}")).collect();
    expected.sort();
    assert_eq!(ids, expected);
    drop(journal);
    std::fs::remove_dir_all(&dir).unwrap();
}

#[tokio::test]
async fn without_a_data_directory_writes_are_durable_at_once() {
    let store = store();
    let outcome = put(&store, "t", doc("a", "Title", "Body"));
    store
        .wait_durable(outcome.seq)
        .await
        .expect("nothing to wait for");
}

#[tokio::test]
async fn after_a_failed_commit_the_store_refuses_every_call_until_restarted() {
    let dir = data_dir();
    let store = durable_store(&dir);
    let kept = put(
        &store,
        "t",
        doc("kept", "Kept", "Written before the failure"),
    );
    store.wait_durable(kept.seq).await.expect("durable");
    let journal = Arc::clone(store.inner.journal.as_ref().expect("a journal"));
    // What the writer thread does when a commit fails (a full disk, say).
    journal.fail("No space left on device");
    let message = |result: Result<()>| match result {
        Err(Error::Unavailable(message)) => message,
        other => panic!("expected UNAVAILABLE, got {other:?}"),
    };
    let (document, analysis) = doc("new", "New", "After the failure").build();
    let refused = store
        .put("t", document, Arc::new(analysis), PutOptions::default())
        .map(|_| ());
    assert!(message(refused).contains("No space left on device"));
    message(store.get("t", "kept").map(|_| ()));
    message(store.list("t", None, 10).map(|_| ()));
    message(store.search("t", &request("written")).map(|_| ()));
    message(store.delete("t", "kept").map(|_| ()));
    // A write not yet on disk when the commit failed is not acknowledged.
    assert!(matches!(
        journal.wait_durable(kept.seq + 1).await,
        Err(Error::Internal(message)) if message.contains("No space left on device")
    ));
    drop(store);
    drop(journal);
    // A restart serves what the disk holds.
    let store = durable_store(&dir);
    assert_eq!(store.get("t", "kept").unwrap().document.title, "Kept");
    drop(store);
    std::fs::remove_dir_all(&dir).unwrap();
}
