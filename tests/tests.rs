//! Integration tests: a real docsift server on 127.0.0.1:0, driven by tonic
//! clients over a real connection.

mod auth;
mod cli;
mod durable;
mod transport;
mod util;

use docsift::proto::pb;
use tonic::Code;
use util::{TestServer, bad_field, founding_article, seed, text_document, wait_for};

fn analysis_of(text: &str, unit: pb::OffsetUnit) -> pb::AnalyzeRequest {
    pb::AnalyzeRequest {
        document: Some(text_document("", text)),
        options: Some(pb::AnalyzeOptions {
            offset_unit: unit as i32,
            // Resolve "on Sunday" against the article's own date.
            reference_time: Some(prost_types::Timestamp {
                seconds: 1_447_632_000, // 2015-11-16T00:00:00Z
                nanos: 0,
            }),
            ..Default::default()
        }),
    }
}

fn entity<'a>(analysis: &'a pb::Analysis, name: &str) -> &'a pb::Entity {
    analysis
        .entities
        .iter()
        .find(|e| e.name == name)
        .unwrap_or_else(|| {
            let names: Vec<_> = analysis
                .entities
                .iter()
                .map(|e| format!("{} ({:?})", e.name, e.r#type()))
                .collect();
            panic!("no entity {name:?}; entities: {names:?}")
        })
}

#[tokio::test]
async fn founding_article_analysis() {
    let server = TestServer::start().await;
    let text = founding_article();
    let analysis = server
        .analyzer()
        .analyze(analysis_of(&text, pb::OffsetUnit::Utf8))
        .await
        .expect("analyze")
        .into_inner()
        .analysis
        .expect("analysis");

    let language = analysis.language.as_ref().expect("language");
    assert_eq!(language.code, "en");

    let rhodes = entity(&analysis, "Ben Rhodes");
    assert_eq!(rhodes.r#type(), pb::EntityType::Person);
    assert!(
        rhodes.mentions.iter().any(|m| m.text == "Rhodes"),
        "Rhodes is a mention of Ben Rhodes: {:?}",
        rhodes.mentions
    );
    for place in ["Syria", "Iraq", "France", "Paris", "Turkey"] {
        assert_eq!(
            entity(&analysis, place).r#type(),
            pb::EntityType::Location,
            "{place}"
        );
    }
    let isis = entity(&analysis, "Islamic State");
    assert_eq!(isis.r#type(), pb::EntityType::Organization);
    for alias in ["ISIL", "ISIS"] {
        assert!(
            isis.mentions.iter().any(|m| m.text == alias),
            "{alias} is a mention of Islamic State: {:?}",
            isis.mentions
        );
    }
    assert!(
        analysis.entities.iter().any(|e| e.name == "NBC"),
        "NBC is an entity"
    );
    assert!(
        analysis.entities.iter().any(|e| {
            matches!(
                e.r#type(),
                pb::EntityType::Quantity | pb::EntityType::Number
            ) && e.metadata.get("value").map(String::as_str) == Some("129")
        }),
        "129 (people) is a quantity"
    );
    for day in ["Sunday", "Friday"] {
        assert!(
            analysis
                .entities
                .iter()
                .any(|e| e.r#type() == pb::EntityType::Date
                    && e.mentions.iter().any(|m| m.text == day)),
            "{day} is a DATE mention"
        );
    }

    let by_rhodes: Vec<_> = analysis
        .quotes
        .iter()
        .filter(|q| q.speaker == "Ben Rhodes")
        .collect();
    assert!(
        by_rhodes.len() >= 3,
        "quotes by Rhodes: {:?}",
        analysis.quotes
    );
    let shortcode = analysis
        .cleanup
        .iter()
        .find(|c| c.kind() == pb::CleanupKind::Shortcode)
        .expect("the shortcode is listed in cleanup");
    let shortcode_span = shortcode.span.expect("span");
    assert!(
        by_rhodes.iter().any(|q| {
            let s = q.span.expect("quote span");
            s.begin >= shortcode_span.begin && s.end <= shortcode_span.end
        }),
        "one quote by Rhodes comes from the shortcode"
    );
    let duplicates: Vec<_> = analysis
        .cleanup
        .iter()
        .filter(|c| c.kind() == pb::CleanupKind::DuplicateLine)
        .collect();
    assert!(
        duplicates
            .iter()
            .any(|c| c.text.contains("Intensification of Our Efforts")),
        "the duplicated headline is listed: {duplicates:?}"
    );

    // Every span slices the text to exactly the mention.
    for e in &analysis.entities {
        for m in &e.mentions {
            let s = m.span.expect("span");
            assert_eq!(&text[s.begin as usize..s.end as usize], m.text);
        }
    }
    // No sentence ends at "U.S." before "Deputy".
    assert!(!analysis.sentences.iter().any(|s| {
        let s = s.span.expect("span");
        text[s.begin as usize..s.end as usize]
            .trim_end()
            .ends_with("U.S.")
    }));
    assert!(analysis.summary.is_some_and(|s| !s.text.is_empty()));
    assert!(analysis.sentiment.is_some());
    assert!(!analysis.keyphrases.is_empty());
    assert!(
        analysis
            .fingerprint
            .is_some_and(|f| f.content_hash.len() == 64)
    );
}

/// Converts a span of `text` counted in `unit` back to the substring.
fn slice_in_unit(text: &str, span: pb::Span, unit: pb::OffsetUnit) -> String {
    let (b, e) = (span.begin as usize, span.end as usize);
    match unit {
        pb::OffsetUnit::Utf16 => {
            let units: Vec<u16> = text.encode_utf16().collect();
            String::from_utf16(&units[b..e]).expect("span on a UTF-16 boundary")
        }
        pb::OffsetUnit::CodePoint => text.chars().skip(b).take(e - b).collect(),
        _ => text[b..e].to_string(),
    }
}

#[tokio::test]
async fn spans_in_every_offset_unit() {
    let server = TestServer::start().await;
    let text = "Café owner Zoë Müller 👩‍💻 met Ben Rhodes in Paris on Sunday. \
                東京で会議があった。 \"We are ready to help,\" Rhodes said. مرحبا بالعالم. e\u{301}lan in Berlin.";
    for unit in [
        pb::OffsetUnit::Utf8,
        pb::OffsetUnit::Utf16,
        pb::OffsetUnit::CodePoint,
    ] {
        let analysis = server
            .analyzer()
            .analyze(analysis_of(text, unit))
            .await
            .expect("analyze")
            .into_inner()
            .analysis
            .expect("analysis");
        assert_eq!(analysis.offset_unit(), unit);
        assert!(!analysis.entities.is_empty(), "entities in {unit:?}");
        for e in &analysis.entities {
            for m in &e.mentions {
                let span = m.span.expect("span");
                assert_eq!(slice_in_unit(text, span, unit), m.text, "{unit:?}");
            }
        }
        for q in &analysis.quotes {
            let span = q.span.expect("span");
            assert_eq!(slice_in_unit(text, span, unit), q.text, "{unit:?}");
        }
    }
}

/// A UTF-8 byte offset of `text` counted in `unit`, computed apart from the
/// server's conversion.
fn offset_in_unit(text: &str, byte: usize, unit: pb::OffsetUnit) -> u32 {
    let before = &text[..byte];
    let n = match unit {
        pb::OffsetUnit::Utf16 => before.encode_utf16().count(),
        pb::OffsetUnit::CodePoint => before.chars().count(),
        _ => before.len(),
    };
    u32::try_from(n).expect("offset fits u32")
}

const UNITS: [pb::OffsetUnit; 3] = [
    pb::OffsetUnit::Utf8,
    pb::OffsetUnit::Utf16,
    pb::OffsetUnit::CodePoint,
];

async fn analysis_in(server: &TestServer, text: &str, unit: pb::OffsetUnit) -> pb::Analysis {
    let analysis = server
        .analyzer()
        .analyze(analysis_of(text, unit))
        .await
        .expect("analyze")
        .into_inner()
        .analysis
        .expect("analysis");
    assert_eq!(analysis.offset_unit(), unit);
    analysis
}

/// The language stage over the wire: languages of the n-gram model and of
/// their own scripts, a hint in a legacy code, and short text marked
/// unreliable.
#[tokio::test]
async fn languages_over_the_wire() {
    let server = TestServer::start().await;
    for (text, code, name, script) in [
        (
            "Rais alisema serikali itaongeza bei ya mafuta mwezi ujao kwa sababu ya gharama.",
            "sw",
            "Swahili",
            "Latin",
        ),
        (
            "Hallitus kertoi maanantaina, että polttoaineen veroa korotetaan ensi vuonna.",
            "fi",
            "Finnish",
            "Latin",
        ),
        (
            "Η κυβέρνηση ανακοίνωσε τη Δευτέρα αύξηση των φόρων στα καύσιμα από τον Ιανουάριο.",
            "el",
            "Greek",
            "Greek",
        ),
        (
            "Правительство объявило в понедельник о повышении налогов на топливо со следующего года.",
            "ru",
            "Russian",
            "Cyrillic",
        ),
    ] {
        let language = analysis_in(&server, text, pb::OffsetUnit::Utf8)
            .await
            .language
            .expect("language");
        assert_eq!(
            (
                language.code.as_str(),
                language.name.as_str(),
                language.script.as_str()
            ),
            (code, name, script),
            "{text}"
        );
        assert!(language.reliable, "{text}");
        assert!(language.confidence > 0.9, "{text}: {}", language.confidence);
    }

    let short = analysis_in(&server, "Tagesschau", pb::OffsetUnit::Utf8)
        .await
        .language
        .expect("language");
    assert!(!short.reliable, "one word is never reliable: {short:?}");

    let mut hinted = analysis_of("Shalom.", pb::OffsetUnit::Utf8);
    hinted.document.as_mut().expect("document").language = "iw".into();
    let language = server
        .analyzer()
        .analyze(hinted)
        .await
        .expect("analyze")
        .into_inner()
        .analysis
        .and_then(|a| a.language)
        .expect("language");
    assert_eq!((language.code.as_str(), language.reliable), ("he", true));
}

/// Every quote's span and attribution span, and every entity mention's
/// span, slice the text to what they claim in `unit`, and equal the UTF-8
/// offsets of `utf8` converted independently.
fn check_spans(text: &str, analysis: &pb::Analysis, utf8: &pb::Analysis, unit: pb::OffsetUnit) {
    assert_eq!(analysis.quotes.len(), utf8.quotes.len(), "{unit:?}");
    for (q, q8) in analysis.quotes.iter().zip(&utf8.quotes) {
        let (s, s8) = (q.span.expect("span"), q8.span.expect("span"));
        assert_eq!(slice_in_unit(text, s, unit), q.text, "{unit:?}");
        assert_eq!(s.begin, offset_in_unit(text, s8.begin as usize, unit));
        assert_eq!(s.end, offset_in_unit(text, s8.end as usize, unit));
        match (q.attribution_span, q8.attribution_span) {
            (Some(a), Some(a8)) => {
                assert_eq!(
                    slice_in_unit(text, a, unit),
                    &text[a8.begin as usize..a8.end as usize],
                    "{unit:?}"
                );
                assert_eq!(a.begin, offset_in_unit(text, a8.begin as usize, unit));
            }
            (None, None) => {}
            other => panic!("attribution spans differ between units: {other:?}"),
        }
    }
    assert_eq!(analysis.entities.len(), utf8.entities.len(), "{unit:?}");
    for (e, e8) in analysis.entities.iter().zip(&utf8.entities) {
        for (m, m8) in e.mentions.iter().zip(&e8.mentions) {
            let (s, s8) = (m.span.expect("span"), m8.span.expect("span"));
            assert_eq!(slice_in_unit(text, s, unit), m.text, "{unit:?} {}", e.name);
            assert_eq!(s.begin, offset_in_unit(text, s8.begin as usize, unit));
            assert_eq!(s.end, offset_in_unit(text, s8.end as usize, unit));
        }
    }
}

/// The founding article with a non-ASCII line before it and curly
/// quotation marks for the straight ones outside the shortcode, so that the
/// three units differ.
fn founding_article_curly() -> String {
    let mut out = String::from("Édition spéciale 🇫🇷 — “Réaction” à Paris\n\n");
    for line in founding_article().split_inclusive('\n') {
        if line.starts_with('%') {
            out.push_str(line);
            continue;
        }
        let mut open = true;
        for c in line.chars() {
            if c == '"' {
                out.push(if open { '“' } else { '”' });
                open = !open;
            } else {
                out.push(c);
            }
        }
    }
    out
}

/// The founding article with its quotation marks typed as two apostrophes,
/// as the New York Times' archive writes them (`''…,'' Rhodes said`).
fn founding_article_typewriter() -> String {
    founding_article()
        .split_inclusive('\n')
        .map(|line| {
            if line.starts_with('%') {
                line.to_string()
            } else {
                line.replace('"', "''")
            }
        })
        .collect()
}

#[tokio::test]
async fn founding_article_quotes_in_every_offset_unit() {
    let server = TestServer::start().await;
    for (variant, text) in [
        ("straight", founding_article()),
        ("curly", founding_article_curly()),
        ("typewriter", founding_article_typewriter()),
    ] {
        let utf8 = analysis_in(&server, &text, pb::OffsetUnit::Utf8).await;
        let rhodes = entity(&utf8, "Ben Rhodes").id.clone();
        // (opening words, cue, kind, attribution as written)
        let expected: [(&str, &str, pb::QuoteKind, Option<&str>); 6] = [
            (
                "getting arms directly",
                "said",
                pb::QuoteKind::Indirect,
                Some("Rhodes said"),
            ),
            (
                "Clearly there's going to have to be",
                "said",
                pb::QuoteKind::Direct,
                Some("Rhodes said"),
            ),
            (
                "What we're doing here at the G20",
                "",
                pb::QuoteKind::Direct,
                Some("Ben Rhodes"),
            ),
            (
                "What we've made clear to the French",
                "said",
                pb::QuoteKind::Direct,
                Some("Rhodes said"),
            ),
            // The paragraph without attribution continues Rhodes's words.
            (
                "We're confident that in the coming days",
                "",
                pb::QuoteKind::Direct,
                None,
            ),
            (
                "Islamic State has the aspiration",
                "told reporters",
                pb::QuoteKind::Indirect,
                Some("Rhodes told reporters"),
            ),
        ];
        assert_eq!(
            utf8.quotes.len(),
            expected.len(),
            "{variant}: {:#?}",
            utf8.quotes
        );
        for (q, (start, cue, kind, attribution)) in utf8.quotes.iter().zip(expected) {
            assert!(
                q.text.starts_with(start),
                "{variant}: {:?} vs {start:?}",
                q.text
            );
            assert_eq!(q.speaker, "Ben Rhodes", "{variant}: {start}");
            assert_eq!(q.speaker_entity_id, rhodes, "{variant}: {start}");
            assert_eq!(q.cue, cue, "{variant}: {start}");
            assert_eq!(q.kind(), kind, "{variant}: {start}");
            let found = q
                .attribution_span
                .map(|a| &text[a.begin as usize..a.end as usize]);
            assert_eq!(found, attribution, "{variant}: {start}");
        }
        // The quote ends before the closing mark and its comma.
        assert!(utf8.quotes[1].text.ends_with("our efforts"));
        for unit in UNITS {
            let analysis = analysis_in(&server, &text, unit).await;
            check_spans(&text, &analysis, &utf8, unit);
        }
        if variant == "curly" {
            // The prefix moves UTF-16 and code point offsets off the bytes.
            let utf16 = analysis_in(&server, &text, pb::OffsetUnit::Utf16).await;
            let (b8, b16) = (
                utf8.quotes[1].span.expect("span").begin,
                utf16.quotes[1].span.expect("span").begin,
            );
            assert!(b16 < b8, "UTF-16 {b16} vs UTF-8 {b8}");
        }
    }
}

#[tokio::test]
async fn seed_quotes_and_entities_in_every_offset_unit() {
    let server = TestServer::start().await;
    // A French quote in guillemets, with accented text before it.
    let french = seed("french_article.txt");
    let utf8 = analysis_in(&server, &french, pb::OffsetUnit::Utf8).await;
    let q = utf8
        .quotes
        .iter()
        .find(|q| q.text.starts_with("Cette ligne change la vie"))
        .unwrap_or_else(|| panic!("the « » quote: {:#?}", utf8.quotes));
    assert_eq!(q.speaker, "Claire Fontaine");
    assert_eq!(q.cue, "a déclaré");
    assert_eq!(q.kind(), pb::QuoteKind::Direct);
    assert!(!q.speaker_entity_id.is_empty());
    // A quote split by its attribution: both pieces are Priya Raman's.
    let release = seed("press_release.txt");
    let release8 = analysis_in(&server, &release, pb::OffsetUnit::Utf8).await;
    let raman: Vec<_> = release8
        .quotes
        .iter()
        .filter(|q| q.speaker == "Priya Raman" && q.kind() == pb::QuoteKind::Direct)
        .collect();
    assert_eq!(raman.len(), 2, "{:#?}", release8.quotes);
    assert!(raman[0].text.starts_with("2025 was the year"));
    assert_eq!(raman[0].cue, "said");
    assert!(raman[1].text.starts_with("Bringing Helix Sensors"));
    assert_eq!(raman[0].speaker_entity_id, raman[1].speaker_entity_id);
    for (text, utf8) in [(&french, &utf8), (&release, &release8)] {
        for unit in UNITS {
            let analysis = analysis_in(&server, text, unit).await;
            check_spans(text, &analysis, utf8, unit);
        }
    }
    // Entity mentions past emoji, CJK, RTL and combining marks.
    let multi = seed("multiscript.txt");
    let multi8 = analysis_in(&server, &multi, pb::OffsetUnit::Utf8).await;
    for name in ["Maria Santos", "Anna Kowalski"] {
        entity(&multi8, name);
    }
    for unit in UNITS {
        let analysis = analysis_in(&server, &multi, unit).await;
        check_spans(&multi, &analysis, &multi8, unit);
    }
    let kowalski = |a: &pb::Analysis| {
        entity(a, "Anna Kowalski").mentions[0]
            .span
            .expect("span")
            .begin
    };
    let utf16 = analysis_in(&server, &multi, pb::OffsetUnit::Utf16).await;
    let points = analysis_in(&server, &multi, pb::OffsetUnit::CodePoint).await;
    assert!(kowalski(&points) < kowalski(&utf16) && kowalski(&utf16) < kowalski(&multi8));
}

#[tokio::test]
async fn ingest_then_search_with_highlights() {
    let server = TestServer::start().await;
    let mut documents = server.documents();
    let mut document = text_document("reuters-1", &founding_article());
    document.title = "US to work with France to intensify airstrikes in Syria, Iraq".into();
    document.source = "reuters".into();
    document.tags = vec!["world".into()];
    let ingested = documents
        .ingest(pb::IngestRequest {
            document: Some(document.clone()),
            options: wait_for(),
        })
        .await
        .expect("ingest")
        .into_inner();
    assert_eq!(ingested.id, "reuters-1");
    assert_eq!(ingested.version, 1);
    assert_eq!(ingested.result(), pb::IngestResult::Created);

    let response = server
        .search()
        .search(pb::SearchRequest {
            query: "airstrikes France".into(),
            facets: vec!["entity.PERSON".into(), "source".into()],
            ..Default::default()
        })
        .await
        .expect("search")
        .into_inner();
    assert_eq!(response.total_size, 1);
    let hit = &response.hits[0];
    assert_eq!(hit.id, "reuters-1");
    assert!(!hit.highlights.is_empty(), "highlights: {hit:?}");
    for h in &hit.highlights {
        assert!(!h.spans.is_empty());
        for s in &h.spans {
            let matched = h.fragment[s.begin as usize..s.end as usize].to_lowercase();
            assert!(
                matched.contains("airstrike") || matched.contains("franc"),
                "highlighted {matched:?}"
            );
        }
    }
    let people = response
        .facets
        .iter()
        .find(|f| f.field == "entity.PERSON")
        .expect("person facet");
    assert!(
        people
            .values
            .iter()
            .any(|v| v.value == "Ben Rhodes" && v.count == 1)
    );

    // Upsert with a change bumps the version; the same content again is unchanged.
    document.tags.push("syria".into());
    let updated = documents
        .ingest(pb::IngestRequest {
            document: Some(document.clone()),
            options: wait_for(),
        })
        .await
        .expect("upsert")
        .into_inner();
    assert_eq!(
        (updated.version, updated.result()),
        (2, pb::IngestResult::Updated)
    );
    let same = documents
        .ingest(pb::IngestRequest {
            document: Some(document),
            options: wait_for(),
        })
        .await
        .expect("same again")
        .into_inner();
    assert_eq!(
        (same.version, same.result()),
        (2, pb::IngestResult::Unchanged)
    );

    let stored = documents
        .get_document(pb::GetDocumentRequest {
            id: "reuters-1".into(),
            include_analysis: true,
            ..Default::default()
        })
        .await
        .expect("get")
        .into_inner();
    assert_eq!(stored.version, 2);
    assert!(stored.analysis.is_some_and(|a| !a.entities.is_empty()));

    documents
        .delete_document(pb::DeleteDocumentRequest {
            id: "reuters-1".into(),
            refresh: pb::Refresh::WaitFor as i32,
        })
        .await
        .expect("delete");
    let err = documents
        .get_document(pb::GetDocumentRequest {
            id: "reuters-1".into(),
            ..Default::default()
        })
        .await
        .expect_err("deleted");
    assert_eq!(err.code(), Code::NotFound);
    let after = server
        .search()
        .search(pb::SearchRequest {
            query: "airstrikes".into(),
            ..Default::default()
        })
        .await
        .expect("search")
        .into_inner();
    assert_eq!(after.total_size, 0);
}

#[tokio::test]
async fn list_and_search_paging() {
    let server = TestServer::start().await;
    let mut documents = server.documents();
    for i in 0..7 {
        documents
            .ingest(pb::IngestRequest {
                document: Some(text_document(
                    &format!("doc-{i}"),
                    &format!(
                        "Storm number {i} hit the coast of Portugal near Lisbon, officials said."
                    ),
                )),
                options: wait_for(),
            })
            .await
            .expect("ingest");
    }
    let mut seen = Vec::new();
    let mut token = String::new();
    loop {
        let page = documents
            .list_documents(pb::ListDocumentsRequest {
                page_size: 3,
                page_token: token.clone(),
                ..Default::default()
            })
            .await
            .expect("list")
            .into_inner();
        assert_eq!(page.total_size, 7);
        seen.extend(
            page.documents
                .iter()
                .map(|d| d.document.as_ref().unwrap().id.clone()),
        );
        if page.next_page_token.is_empty() {
            break;
        }
        token = page.next_page_token;
    }
    let expected: Vec<_> = (0..7).map(|i| format!("doc-{i}")).collect();
    assert_eq!(seen, expected);

    let mut search = server.search();
    let mut ids = Vec::new();
    let mut token = String::new();
    loop {
        let page = search
            .search(pb::SearchRequest {
                query: "storm".into(),
                page_size: 2,
                page_token: token.clone(),
                ..Default::default()
            })
            .await
            .expect("search")
            .into_inner();
        assert_eq!(page.total_size, 7);
        ids.extend(page.hits.iter().map(|h| h.id.clone()));
        if page.next_page_token.is_empty() {
            break;
        }
        token = page.next_page_token;
    }
    ids.sort();
    assert_eq!(ids, expected, "every hit exactly once across pages");

    // A token is bound to its query.
    let first = search
        .search(pb::SearchRequest {
            query: "storm".into(),
            page_size: 2,
            ..Default::default()
        })
        .await
        .expect("search")
        .into_inner();
    let err = search
        .search(pb::SearchRequest {
            query: "lisbon".into(),
            page_size: 2,
            page_token: first.next_page_token,
            ..Default::default()
        })
        .await
        .expect_err("token of another query");
    assert_eq!(err.code(), Code::InvalidArgument);
    assert_eq!(bad_field(&err).as_deref(), Some("page_token"));
}

#[tokio::test]
async fn bad_input_gets_a_clear_status() {
    let mut config = docsift::config::Config::default();
    config.limits.max_document_bytes = 10_000;
    config.limits.max_message_bytes = 100_000;
    let server = TestServer::start_with(config).await;
    let mut analyzer = server.analyzer();
    let mut documents = server.documents();
    let mut search = server.search();

    // (what, the status, its code, the field named)
    let mut cases: Vec<(&str, tonic::Status, Code, Option<&str>)> = Vec::new();
    cases.push((
        "no document",
        analyzer
            .analyze(pb::AnalyzeRequest::default())
            .await
            .expect_err("no document"),
        Code::InvalidArgument,
        Some("document"),
    ));
    cases.push((
        "empty text",
        analyzer
            .analyze(pb::AnalyzeRequest {
                document: Some(text_document("", "   ")),
                options: None,
            })
            .await
            .expect_err("empty"),
        Code::InvalidArgument,
        Some("document.text"),
    ));
    cases.push((
        "no content",
        documents
            .ingest(pb::IngestRequest {
                document: Some(pb::Document::default()),
                options: None,
            })
            .await
            .expect_err("no content"),
        Code::InvalidArgument,
        Some("document.text"),
    ));
    cases.push((
        "bad id",
        documents
            .ingest(pb::IngestRequest {
                document: Some(text_document("has space", "Some text here.")),
                options: None,
            })
            .await
            .expect_err("bad id"),
        Code::InvalidArgument,
        Some("document.id"),
    ));
    cases.push((
        "unknown id",
        documents
            .get_document(pb::GetDocumentRequest {
                id: "nope".into(),
                ..Default::default()
            })
            .await
            .expect_err("unknown"),
        Code::NotFound,
        None,
    ));
    cases.push((
        "unknown id on delete",
        documents
            .delete_document(pb::DeleteDocumentRequest {
                id: "nope".into(),
                ..Default::default()
            })
            .await
            .expect_err("unknown"),
        Code::NotFound,
        None,
    ));
    cases.push((
        "bad page token",
        search
            .search(pb::SearchRequest {
                query: "x".into(),
                page_token: "garbage".into(),
                ..Default::default()
            })
            .await
            .expect_err("token"),
        Code::InvalidArgument,
        Some("page_token"),
    ));
    cases.push((
        "bad list token",
        documents
            .list_documents(pb::ListDocumentsRequest {
                page_token: "AAAA".into(),
                ..Default::default()
            })
            .await
            .expect_err("token"),
        Code::InvalidArgument,
        Some("page_token"),
    ));
    cases.push((
        "invalid query",
        search
            .search(pb::SearchRequest {
                query: "title:(".into(),
                ..Default::default()
            })
            .await
            .expect_err("query"),
        Code::InvalidArgument,
        Some("query"),
    ));
    cases.push((
        "unknown facet",
        search
            .search(pb::SearchRequest {
                facets: vec!["colour".into()],
                ..Default::default()
            })
            .await
            .expect_err("facet"),
        Code::InvalidArgument,
        Some("facets[0]"),
    ));
    cases.push((
        "negative page size",
        search
            .search(pb::SearchRequest {
                page_size: -1,
                ..Default::default()
            })
            .await
            .expect_err("page size"),
        Code::InvalidArgument,
        Some("page_size"),
    ));
    cases.push((
        "bad language hint",
        analyzer
            .analyze(pb::AnalyzeRequest {
                document: Some(pb::Document {
                    language: "not a language!".into(),
                    ..text_document("", "Hello there, world.")
                }),
                options: None,
            })
            .await
            .expect_err("hint"),
        Code::InvalidArgument,
        Some("document.language"),
    ));
    cases.push((
        "unknown feature",
        analyzer
            .analyze(pb::AnalyzeRequest {
                document: Some(text_document("", "Hello there, world.")),
                options: Some(pb::AnalyzeOptions {
                    features: vec![99],
                    ..Default::default()
                }),
            })
            .await
            .expect_err("feature"),
        Code::InvalidArgument,
        Some("options.features[0]"),
    ));
    let oversize = "word ".repeat(3_000);
    let err = analyzer
        .analyze(pb::AnalyzeRequest {
            document: Some(text_document("", &oversize)),
            options: None,
        })
        .await
        .expect_err("oversize document");
    assert!(err.message().contains("max_document_bytes"), "{err:?}");
    cases.push(("oversize document", err, Code::ResourceExhausted, None));
    let huge = "word ".repeat(30_000);
    let err = analyzer
        .analyze(pb::AnalyzeRequest {
            document: Some(text_document("", &huge)),
            options: None,
        })
        .await
        .expect_err("oversize message");
    assert!(err.message().contains("100000"), "names the limit: {err:?}");
    cases.push(("oversize message", err, Code::ResourceExhausted, None));
    cases.push((
        "undecodable raw bytes",
        analyzer
            .analyze(pb::AnalyzeRequest {
                document: Some(pb::Document {
                    content: Some(pb::document::Content::Raw(b"abc".to_vec())),
                    charset: "no-such-charset".into(),
                    ..Default::default()
                }),
                options: None,
            })
            .await
            .expect_err("charset"),
        Code::InvalidArgument,
        Some("document.raw"),
    ));

    let mut binary: Vec<u8> = b"\x89PNG\r\n\x1a\n".to_vec();
    binary.extend((0..2_000u32).map(|i| (i.wrapping_mul(2_654_435_761) >> 24) as u8 & 0x0f));
    cases.push((
        "binary raw bytes, no charset",
        analyzer
            .analyze(pb::AnalyzeRequest {
                document: Some(pb::Document {
                    content: Some(pb::document::Content::Raw(binary)),
                    ..Default::default()
                }),
                options: None,
            })
            .await
            .expect_err("binary"),
        Code::InvalidArgument,
        Some("document.raw"),
    ));
    cases.push((
        "malformed bytes in the declared charset",
        analyzer
            .analyze(pb::AnalyzeRequest {
                document: Some(pb::Document {
                    content: Some(pb::document::Content::Raw(
                        b"caf\xc3 \xc3 \xc3 \xc3 \xc3 \xc3".to_vec(),
                    )),
                    charset: "utf-8".into(),
                    ..Default::default()
                }),
                options: None,
            })
            .await
            .expect_err("malformed"),
        Code::InvalidArgument,
        Some("document.raw"),
    ));

    for (what, status, code, field) in cases {
        assert_eq!(status.code(), code, "{what}: {status:?}");
        if let Some(field) = field {
            assert_eq!(
                bad_field(&status).as_deref(),
                Some(field),
                "{what}: {status:?}"
            );
        }
    }

    // The server is still healthy after all of that.
    let ok = analyzer
        .analyze(pb::AnalyzeRequest {
            document: Some(text_document("", "Angela Merkel visited Paris on Monday.")),
            options: None,
        })
        .await;
    assert!(ok.is_ok());
}

#[tokio::test]
async fn streams_answer_each_item_in_order() {
    let server = TestServer::start().await;
    let texts = [
        "Ben Rhodes spoke in Turkey.",
        "",
        "Angela Merkel met Emmanuel Macron in Berlin.",
        "The Federal Reserve raised rates by 0.25%.",
    ];
    let requests: Vec<_> = texts
        .iter()
        .enumerate()
        .map(|(i, t)| pb::IngestStreamRequest {
            document: Some(text_document(&format!("s-{i}"), t)),
            options: wait_for(),
        })
        .collect();
    let mut responses = server
        .documents()
        .ingest_stream(tokio_stream::iter(requests))
        .await
        .expect("stream")
        .into_inner();
    let mut got = Vec::new();
    while let Some(item) = responses.message().await.expect("item") {
        got.push(item);
    }
    assert_eq!(got.len(), texts.len());
    for (i, item) in got.iter().enumerate() {
        assert_eq!(item.index, i as u64);
        let code = item.status.as_ref().expect("status").code;
        if texts[i].is_empty() {
            assert_eq!(code, Code::InvalidArgument as i32, "item {i}");
            assert!(item.result.is_none());
        } else {
            assert_eq!(code, Code::Ok as i32, "item {i}");
            assert_eq!(item.result.as_ref().expect("result").id, format!("s-{i}"));
        }
    }

    let requests: Vec<_> = texts
        .iter()
        .map(|t| pb::AnalyzeStreamRequest {
            document: Some(text_document("", t)),
            options: None,
        })
        .collect();
    let mut responses = server
        .analyzer()
        .analyze_stream(tokio_stream::iter(requests))
        .await
        .expect("stream")
        .into_inner();
    let mut index = 0;
    while let Some(item) = responses.message().await.expect("item") {
        assert_eq!(item.index, index);
        assert_eq!(item.analysis.is_some(), !texts[index as usize].is_empty());
        index += 1;
    }
    assert_eq!(index, texts.len() as u64);
}

#[tokio::test]
async fn filters_facets_similar_and_watch() {
    let server = TestServer::start().await;
    let mut documents = server.documents();
    let mut watch = server
        .search()
        .watch(pb::WatchRequest {
            query: "election".into(),
            ..Default::default()
        })
        .await
        .expect("watch")
        .into_inner();

    let docs = [
        (
            "a",
            "en",
            "politics",
            "The election in France drew record turnout, Emmanuel Macron said on Sunday.",
        ),
        (
            "b",
            "en",
            "politics",
            "Voters in Germany went to the polls in a close election, Olaf Scholz said.",
        ),
        (
            "c",
            "en",
            "sport",
            "The football final in Madrid ended in a draw after extra time.",
        ),
        (
            "d",
            "fr",
            "politique",
            "Le président Emmanuel Macron a parlé à Paris de l'élection et de l'économie française.",
        ),
    ];
    for (id, lang, tag, text) in docs {
        let mut document = text_document(id, text);
        document.language = lang.into();
        document.tags = vec![tag.into()];
        documents
            .ingest(pb::IngestRequest {
                document: Some(document),
                options: wait_for(),
            })
            .await
            .expect("ingest");
    }

    let mut search = server.search();
    let response = search
        .search(pb::SearchRequest {
            filter: Some(pb::SearchFilter {
                languages: vec!["en".into()],
                tags: vec!["politics".into()],
                ..Default::default()
            }),
            facets: vec!["language".into(), "tags".into(), "entity.LOCATION".into()],
            ..Default::default()
        })
        .await
        .expect("search")
        .into_inner();
    let mut ids: Vec<_> = response.hits.iter().map(|h| h.id.as_str()).collect();
    ids.sort();
    assert_eq!(ids, ["a", "b"]);
    let facet = |name: &str| {
        response
            .facets
            .iter()
            .find(|f| f.field == name)
            .unwrap_or_else(|| panic!("facet {name}"))
            .values
            .clone()
    };
    assert_eq!(facet("language")[0].value, "en");
    assert_eq!(facet("language")[0].count, 2);
    assert!(facet("entity.LOCATION").iter().any(|v| v.value == "France"));

    let similar = search
        .similar_documents(pb::SimilarDocumentsRequest {
            like: Some(pb::similar_documents_request::Like::Id("a".into())),
            ..Default::default()
        })
        .await
        .expect("similar")
        .into_inner();
    assert!(similar.hits.iter().all(|h| h.id != "a"), "never itself");
    assert!(!similar.terms.is_empty());

    // The watch saw the two English election documents, each once, in order.
    let mut seen = Vec::new();
    while seen.len() < 2 {
        let next = tokio::time::timeout(std::time::Duration::from_secs(10), watch.message())
            .await
            .expect("watch event in time")
            .expect("watch item")
            .expect("stream open");
        seen.push(next.hit.expect("hit").id);
    }
    assert_eq!(seen, ["a", "b"]);
}

#[tokio::test]
async fn health_and_reflection() {
    let server = TestServer::start().await;
    let mut health = tonic_health::pb::health_client::HealthClient::new(server.channel.clone());
    for service in [
        "",
        "docsift.v1.Analyzer",
        "docsift.v1.Documents",
        "docsift.v1.Search",
    ] {
        let response = health
            .check(tonic_health::pb::HealthCheckRequest {
                service: service.into(),
            })
            .await
            .expect("health")
            .into_inner();
        assert_eq!(
            response.status(),
            tonic_health::pb::health_check_response::ServingStatus::Serving
        );
    }

    use tonic_reflection::pb::v1 as r1;
    use tonic_reflection::pb::v1alpha as r1a;
    let mut client =
        r1::server_reflection_client::ServerReflectionClient::new(server.channel.clone());
    let request = r1::ServerReflectionRequest {
        host: String::new(),
        message_request: Some(r1::server_reflection_request::MessageRequest::ListServices(
            String::new(),
        )),
    };
    let mut stream = client
        .server_reflection_info(tokio_stream::iter([request]))
        .await
        .expect("reflection v1")
        .into_inner();
    let response = stream
        .message()
        .await
        .expect("v1 answer")
        .expect("one message");
    let Some(r1::server_reflection_response::MessageResponse::ListServicesResponse(list)) =
        response.message_response
    else {
        panic!("not a list: {response:?}");
    };
    let names: Vec<_> = list.service.iter().map(|s| s.name.as_str()).collect();
    for expected in [
        "docsift.v1.Analyzer",
        "docsift.v1.Documents",
        "docsift.v1.Search",
        "grpc.health.v1.Health",
    ] {
        assert!(names.contains(&expected), "{expected} in {names:?}");
    }

    let mut client =
        r1a::server_reflection_client::ServerReflectionClient::new(server.channel.clone());
    let request = r1a::ServerReflectionRequest {
        host: String::new(),
        message_request: Some(
            r1a::server_reflection_request::MessageRequest::FileContainingSymbol(
                "docsift.v1.Search".into(),
            ),
        ),
    };
    let mut stream = client
        .server_reflection_info(tokio_stream::iter([request]))
        .await
        .expect("reflection v1alpha")
        .into_inner();
    let response = stream
        .message()
        .await
        .expect("v1alpha answer")
        .expect("one message");
    assert!(matches!(
        response.message_response,
        Some(r1a::server_reflection_response::MessageResponse::FileDescriptorResponse(_))
    ));
}

#[tokio::test]
async fn shutdown_drains_and_ends_watches() {
    let server = TestServer::start().await;
    let mut watch = server
        .search()
        .watch(pb::WatchRequest::default())
        .await
        .expect("watch")
        .into_inner();
    let stopped = tokio::time::timeout(std::time::Duration::from_secs(20), server.stop()).await;
    assert!(matches!(stopped, Ok(Ok(()))), "the server stopped cleanly");
    match watch.message().await {
        Err(status) => assert_eq!(status.code(), Code::Unavailable),
        Ok(None) => {}
        Ok(Some(item)) => panic!("unexpected watch item {item:?}"),
    }
}

#[test]
fn the_binary_serves_and_exits_cleanly_on_sigterm() {
    use std::io::{BufRead, BufReader};
    use std::process::{Command, Stdio};

    let mut child = Command::new(env!("CARGO_BIN_EXE_docsift"))
        .args(["serve", "--listen", "127.0.0.1:0", "--log-format", "json"])
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .expect("start docsift");
    let stdout = child.stdout.take().expect("stdout");
    let mut lines = BufReader::new(stdout).lines();
    let mut listening = false;
    for line in lines.by_ref() {
        let line = line.expect("log line");
        let entry: serde_json::Value = serde_json::from_str(&line).expect("json log line");
        if entry["fields"]["message"] == "docsift listening" {
            listening = true;
            break;
        }
    }
    assert!(listening, "the server logged its address");
    let status = Command::new("kill")
        .args(["-TERM", &child.id().to_string()])
        .status()
        .expect("kill");
    assert!(status.success());
    let exit = child.wait().expect("wait");
    assert!(exit.success(), "exit status {exit:?}");
    let rest: Vec<String> = lines.map_while(Result::ok).collect();
    assert!(
        rest.iter().any(|l| l.contains("docsift stopped")),
        "logged its stop: {rest:?}"
    );
}

#[tokio::test]
async fn ingest_without_analysis_is_still_searchable() {
    let server = TestServer::start().await;
    let stored = server
        .documents()
        .ingest(pb::IngestRequest {
            document: Some(text_document(
                "raw-1",
                "Ben Rhodes spoke about airstrikes in Syria.",
            )),
            options: Some(pb::IngestOptions {
                skip_analysis: true,
                refresh: pb::Refresh::WaitFor as i32,
                return_analysis: true,
                ..Default::default()
            }),
        })
        .await
        .expect("ingest")
        .into_inner();
    let analysis = stored.analysis.expect("analysis");
    assert!(analysis.entities.is_empty() && analysis.language.is_none());
    let hits = server
        .search()
        .search(pb::SearchRequest {
            query: "airstrikes".into(),
            ..Default::default()
        })
        .await
        .expect("search")
        .into_inner();
    assert_eq!(hits.total_size, 1);
    let err = server
        .documents()
        .ingest(pb::IngestRequest {
            document: Some(text_document("raw-2", "Some text.")),
            options: Some(pb::IngestOptions {
                skip_analysis: true,
                features: vec![pb::Feature::Entities as i32],
                ..Default::default()
            }),
        })
        .await
        .expect_err("contradictory options");
    assert_eq!(bad_field(&err).as_deref(), Some("options.features"));
}

#[tokio::test]
async fn dedupe_reports_a_syndicated_copy_as_a_duplicate_over_grpc() {
    let server = TestServer::start().await;
    let dedupe = || {
        Some(pb::IngestOptions {
            dedupe: true,
            ..Default::default()
        })
    };
    let original = server
        .documents()
        .ingest(pb::IngestRequest {
            document: Some(text_document("reuters-1", &founding_article())),
            options: dedupe(),
        })
        .await
        .expect("ingest")
        .into_inner();
    assert_eq!(original.result(), pb::IngestResult::Created);
    let copy = server
        .documents()
        .ingest(pb::IngestRequest {
            document: Some(text_document("wire-1", &seed("000_syndicated.txt"))),
            options: dedupe(),
        })
        .await
        .expect("ingest")
        .into_inner();
    assert_eq!(copy.result(), pb::IngestResult::Duplicate);
    assert_eq!(copy.duplicate_of, "reuters-1");
    let missing = server
        .documents()
        .get_document(pb::GetDocumentRequest {
            id: "wire-1".into(),
            ..Default::default()
        })
        .await
        .expect_err("a duplicate is not stored");
    assert_eq!(missing.code(), tonic::Code::NotFound);
    // Without dedupe, the copy is stored like any document.
    let stored = server
        .documents()
        .ingest(pb::IngestRequest {
            document: Some(text_document("wire-1", &seed("000_syndicated.txt"))),
            options: None,
        })
        .await
        .expect("ingest")
        .into_inner();
    assert_eq!(stored.result(), pb::IngestResult::Created);
}

/// The ids a query finds, sorted, or its error.
async fn search_ids(server: &TestServer, query: &str) -> Result<Vec<String>, tonic::Status> {
    let response = server
        .search()
        .search(pb::SearchRequest {
            query: query.into(),
            page_size: 100,
            ..Default::default()
        })
        .await?
        .into_inner();
    let mut ids: Vec<String> = response.hits.into_iter().map(|h| h.id).collect();
    ids.sort();
    Ok(ids)
}

async fn ingest_titled(server: &TestServer, id: &str, title: &str, text: &str) {
    let mut document = text_document(id, text);
    document.title = title.into();
    server
        .documents()
        .ingest(pb::IngestRequest {
            document: Some(document),
            options: wait_for(),
        })
        .await
        .expect("ingest");
}

#[tokio::test]
async fn query_language_phrase_highlights_and_syntax_errors_over_grpc() {
    let server = TestServer::start().await;
    let docs = [
        (
            "q1",
            "Peace talks resume",
            "Officials said the peace talks in Geneva resumed on Monday after a week of delays.",
        ),
        (
            "q2",
            "Summit on trade",
            "Talks about trade filled the summit. Peace, officials said, can wait for another day.",
        ),
        (
            "q3",
            "Merkel speaks",
            "\"We will not back down,\" Angela Merkel said in Berlin on Tuesday.",
        ),
        (
            "q4",
            "Process stalls",
            "The peace process and the talks have stalled again, diplomats said.",
        ),
    ];
    for (id, title, text) in docs {
        ingest_titled(&server, id, title, text).await;
    }
    // (query, the ids it finds)
    let cases: [(&str, &[&str]); 12] = [
        ("\"peace talks\"", &["q1"]),
        ("\"peace talks\"~1", &["q1"]),
        ("\"peace talks\"~5", &["q1", "q4"]),
        ("peace -geneva", &["q2", "q4"]),
        ("+peace +summit", &["q2"]),
        ("(geneva OR berlin) AND NOT merkel", &["q1"]),
        ("stall*", &["q4"]),
        ("title:peace", &["q1"]),
        ("body:geneva OR title:trade", &["q1", "q2"]),
        ("speaker:merkel", &["q3"]),
        ("person:\"angela merkel\"", &["q3"]),
        ("place:berlin", &["q3"]),
    ];
    for (query, expected) in cases {
        let ids = search_ids(&server, query).await.expect(query);
        assert_eq!(ids, expected, "{query:?}");
    }

    // A phrase query highlights the phrase, never its words elsewhere (q1's
    // body has "peace talks" once; "talks" or "peace" alone are not marked).
    let response = server
        .search()
        .search(pb::SearchRequest {
            query: "\"peace talks\" OR delays".into(),
            ..Default::default()
        })
        .await
        .expect("search")
        .into_inner();
    let hit = &response.hits[0];
    assert_eq!(hit.id, "q1");
    let mut marked = Vec::new();
    for h in &hit.highlights {
        for s in &h.spans {
            marked.push((
                h.field.clone(),
                h.fragment[s.begin as usize..s.end as usize].to_lowercase(),
            ));
        }
    }
    marked.sort();
    assert_eq!(
        marked,
        [
            ("body".to_string(), "delays".to_string()),
            ("body".to_string(), "peace talks".to_string()),
            ("title".to_string(), "peace talks".to_string()),
        ]
    );
    let response = server
        .search()
        .search(pb::SearchRequest {
            query: "\"peace talks\"~5".into(),
            ..Default::default()
        })
        .await
        .expect("search")
        .into_inner();
    let q4 = response.hits.iter().find(|h| h.id == "q4").expect("q4");
    let body = q4
        .highlights
        .iter()
        .find(|h| h.field == "body")
        .expect("body");
    let spans: Vec<&str> = body
        .spans
        .iter()
        .map(|s| &body.fragment[s.begin as usize..s.end as usize])
        .collect();
    assert_eq!(
        spans,
        ["peace process and the talks"],
        "the sloppy phrase as one span"
    );

    // Highlight spans in the offset unit asked for.
    ingest_titled(
        &server,
        "q5",
        "Café talks",
        "Café owners in Zürich 🇨🇭 said the ceasefire held.",
    )
    .await;
    for unit in [
        pb::OffsetUnit::Utf8,
        pb::OffsetUnit::Utf16,
        pb::OffsetUnit::CodePoint,
    ] {
        let response = server
            .search()
            .search(pb::SearchRequest {
                query: "ceasefire".into(),
                highlight: Some(pb::HighlightOptions {
                    offset_unit: unit as i32,
                    ..Default::default()
                }),
                ..Default::default()
            })
            .await
            .expect("search")
            .into_inner();
        let body = response.hits[0]
            .highlights
            .iter()
            .find(|h| h.field == "body")
            .expect("body highlight");
        let spans: Vec<String> = body
            .spans
            .iter()
            .map(|s| slice_in_unit(&body.fragment, *s, unit))
            .collect();
        assert_eq!(spans, ["ceasefire"], "{unit:?}");
    }

    // An empty query with facets: who is mentioned most in the corpus.
    let response = server
        .search()
        .search(pb::SearchRequest {
            facets: vec![
                "entity.PERSON".into(),
                "entity.LOCATION".into(),
                "speaker".into(),
                "keyphrase".into(),
            ],
            page_size: 1,
            ..Default::default()
        })
        .await
        .expect("facets")
        .into_inner();
    assert_eq!(response.total_size, 5, "counted over the whole corpus");
    assert_eq!(response.hits.len(), 1);
    let values = |field: &str| -> Vec<(String, u64)> {
        response
            .facets
            .iter()
            .find(|f| f.field == field)
            .expect("facet")
            .values
            .iter()
            .map(|v| (v.value.clone(), v.count))
            .collect()
    };
    assert!(values("entity.PERSON").contains(&("Angela Merkel".to_string(), 1)));
    assert!(values("entity.LOCATION").contains(&("Geneva".to_string(), 1)));
    assert!(values("speaker").contains(&("Angela Merkel".to_string(), 1)));
    assert!(!values("keyphrase").is_empty());

    // Malformed queries: INVALID_ARGUMENT on `query`, naming the position.
    for (query, at) in [
        ("title:(peace", "at byte 12"),
        ("\"unclosed", "at byte 9"),
        ("peace AND", "at byte 6"),
        ("a OR OR b", "at byte 2"),
        ("gaza)", "at byte 4"),
    ] {
        let err = search_ids(&server, query).await.expect_err(query);
        assert_eq!(err.code(), Code::InvalidArgument, "{query:?}");
        assert_eq!(bad_field(&err).as_deref(), Some("query"), "{query:?}");
        assert!(err.message().contains(at), "{query:?}: {}", err.message());
    }
}

#[tokio::test]
async fn pages_stay_complete_while_documents_are_ingested() {
    let server = TestServer::start().await;
    let mut documents = server.documents();
    let day = |d: i64| prost_types::Timestamp {
        seconds: 1_700_000_000 + d * 86_400,
        nanos: 0,
    };
    for i in 0..12i64 {
        let mut document = text_document(
            &format!("old-{i:02}"),
            &format!(
                "{} hit the coast near Lisbon, officials said on day {i}.",
                "Storm ".repeat(1 + (i as usize) % 3)
            ),
        );
        document.published_at = Some(day(i));
        documents
            .ingest(pb::IngestRequest {
                document: Some(document),
                options: wait_for(),
            })
            .await
            .expect("ingest");
    }
    for order in [pb::SearchOrder::Relevance, pb::SearchOrder::PublishedAtDesc] {
        let mut seen = Vec::new();
        let mut token = String::new();
        let mut round = 0;
        loop {
            let page = server
                .search()
                .search(pb::SearchRequest {
                    query: "storm".into(),
                    page_size: 3,
                    page_token: token.clone(),
                    order_by: order as i32,
                    ..Default::default()
                })
                .await
                .expect("page")
                .into_inner();
            seen.extend(page.hits.iter().map(|h| h.id.clone()));
            if page.next_page_token.is_empty() {
                break;
            }
            token = page.next_page_token;
            // Between pages: a document that ranks first (most storms, the
            // latest date) and one that ranks last.
            for (id, text, d) in [
                (
                    format!("new-top-{order:?}-{round}"),
                    "Storm storm storm storm storm storm.",
                    100,
                ),
                (
                    format!("new-low-{order:?}-{round}"),
                    "A storm, and a long story about the weather of the coast and the rain that kept falling on the hills all week.",
                    -100,
                ),
            ] {
                let mut document = text_document(&id, text);
                document.published_at = Some(day(d));
                documents
                    .ingest(pb::IngestRequest {
                        document: Some(document),
                        options: wait_for(),
                    })
                    .await
                    .expect("ingest between pages");
            }
            round += 1;
        }
        let old: Vec<&String> = seen.iter().filter(|id| id.starts_with("old-")).collect();
        let mut unique = old.clone();
        unique.sort();
        unique.dedup();
        assert_eq!(unique.len(), old.len(), "{order:?}: no repeats in {seen:?}");
        assert_eq!(old.len(), 12, "{order:?}: no omissions in {seen:?}");
    }

    // A token that was altered is refused, naming the field.
    let first = server
        .search()
        .search(pb::SearchRequest {
            query: "storm".into(),
            page_size: 2,
            ..Default::default()
        })
        .await
        .expect("search")
        .into_inner();
    let mut token = first.next_page_token.into_bytes();
    let at = token.len() / 2;
    token[at] = if token[at] == b'A' { b'B' } else { b'A' };
    let err = server
        .search()
        .search(pb::SearchRequest {
            query: "storm".into(),
            page_size: 2,
            page_token: String::from_utf8(token).expect("ascii"),
            ..Default::default()
        })
        .await
        .expect_err("tampered token");
    assert_eq!(err.code(), Code::InvalidArgument);
    assert_eq!(bad_field(&err).as_deref(), Some("page_token"));
}

#[tokio::test]
async fn two_watchers_each_get_every_match_exactly_once() {
    let config = docsift::config::Config {
        refresh_interval_ms: 20,
        ..Default::default()
    };
    let server = TestServer::start_with(config).await;
    let watch = |query: &str, tags: Vec<String>| {
        let mut client = server.search();
        let request = pb::WatchRequest {
            query: query.into(),
            filter: Some(pb::SearchFilter {
                tags,
                ..Default::default()
            }),
            ..Default::default()
        };
        async move { client.watch(request).await.expect("watch").into_inner() }
    };
    let mut storms = watch("storm", Vec::new()).await;
    let mut tagged = watch("storm OR flood", vec!["weather".into()]).await;

    // Ingested from two tasks at once, half without waiting for refresh.
    let texts: Vec<(String, String, bool)> = (0..10)
        .map(|i| {
            let text = match i % 3 {
                0 => format!("Storm number {i} hit the coast."),
                1 => format!("Flood number {i} closed the roads."),
                _ => format!("Calm day number {i} at the beach."),
            };
            (format!("w-{i}"), text, i % 2 == 0)
        })
        .collect();
    let mut tasks = Vec::new();
    for part in texts.chunks(5) {
        let part = part.to_vec();
        let mut documents = server.documents();
        tasks.push(tokio::spawn(async move {
            for (id, text, tagged) in part {
                let mut document = text_document(&id, &text);
                if tagged {
                    document.tags = vec!["weather".into()];
                }
                let options = if id.ends_with(['1', '3', '5', '7', '9']) {
                    wait_for()
                } else {
                    None
                };
                documents
                    .ingest(pb::IngestRequest {
                        document: Some(document),
                        options,
                    })
                    .await
                    .expect("ingest");
            }
        }));
    }
    for task in tasks {
        task.await.expect("ingest task");
    }
    let expect_storms: Vec<String> = texts
        .iter()
        .filter(|(_, t, _)| t.starts_with("Storm"))
        .map(|(id, _, _)| id.clone())
        .collect();
    let expect_tagged: Vec<String> = texts
        .iter()
        .filter(|(_, t, tagged)| *tagged && !t.starts_with("Calm"))
        .map(|(id, _, _)| id.clone())
        .collect();
    // An update is sent again, as UPDATED, to the watchers it matches.
    let mut documents = server.documents();
    documents
        .ingest(pb::IngestRequest {
            document: Some(text_document("w-0", "Storm number 0 hit the coast again.")),
            options: wait_for(),
        })
        .await
        .expect("update");

    // The update (untagged now) matches the first watcher only.
    for (stream, expected, updates) in [
        (&mut storms, expect_storms, vec!["w-0"]),
        (&mut tagged, expect_tagged, vec![]),
    ] {
        let mut created = Vec::new();
        let mut updated = Vec::new();
        // Every match and update; then nothing more.
        while created.len() + updated.len() < expected.len() + updates.len() {
            let item = tokio::time::timeout(std::time::Duration::from_secs(10), stream.message())
                .await
                .expect("a watch event in time")
                .expect("watch item")
                .expect("stream open");
            let id = item.hit.expect("hit").id;
            if item.event == pb::IngestEvent::Updated as i32 {
                updated.push(id);
            } else {
                created.push(id);
            }
        }
        created.sort();
        let mut expected = expected;
        expected.sort();
        assert_eq!(created, expected, "each match exactly once");
        assert_eq!(updated, updates);
        let extra =
            tokio::time::timeout(std::time::Duration::from_millis(300), stream.message()).await;
        assert!(extra.is_err(), "nothing more: {extra:?}");
    }
}

/// Analyzes raw bytes (optionally with a declared charset) and returns the analysis.
async fn analyze_raw(server: &TestServer, bytes: Vec<u8>, charset: &str) -> pb::Analysis {
    server
        .analyzer()
        .analyze(pb::AnalyzeRequest {
            document: Some(pb::Document {
                content: Some(pb::document::Content::Raw(bytes)),
                charset: charset.into(),
                ..Default::default()
            }),
            options: None,
        })
        .await
        .expect("analyze raw bytes")
        .into_inner()
        .analysis
        .expect("analysis")
}

#[tokio::test]
async fn raw_bytes_in_other_charsets_are_decoded_over_grpc() {
    let server = TestServer::start().await;
    let french = "Le président François Hollande a parlé à Paris après les attentats. \
                  « Nous sommes en guerre », a-t-il déclaré devant le Congrès à Versailles.";
    let japanese = "東京で記者会見が開かれた。安倍晋三首相は「テロと戦う」と述べた。";
    let (latin, _, _) = encoding_rs::WINDOWS_1252.encode(french);
    let (sjis, _, _) = encoding_rs::SHIFT_JIS.encode(japanese);
    let mut utf16 = vec![0xFF, 0xFE];
    utf16.extend(french.encode_utf16().flat_map(u16::to_le_bytes));
    for (what, bytes, charset, text, language) in [
        (
            "windows-1252, declared",
            latin.to_vec(),
            "windows-1252",
            french,
            "fr",
        ),
        ("windows-1252, detected", latin.to_vec(), "", french, "fr"),
        ("Shift_JIS, detected", sjis.to_vec(), "", japanese, "ja"),
        ("UTF-16LE with a BOM", utf16, "", french, "fr"),
    ] {
        let analysis = analyze_raw(&server, bytes, charset).await;
        // The decoded text comes back, and every span indexes it.
        assert_eq!(analysis.extracted_text, text, "{what}");
        assert_eq!(
            analysis.language.as_ref().map(|l| l.code.as_str()),
            Some(language),
            "{what}"
        );
        assert!(!analysis.sentences.is_empty(), "{what}");
        for s in &analysis.sentences {
            let span = s.span.expect("span");
            assert!(
                text.get(span.begin as usize..span.end as usize).is_some(),
                "{what}: {span:?}"
            );
        }
        for e in &analysis.entities {
            for m in &e.mentions {
                let span = m.span.expect("span");
                assert_eq!(
                    &text[span.begin as usize..span.end as usize],
                    m.text,
                    "{what}"
                );
            }
        }
    }
    // Plain UTF-8 text gives no extracted text: the spans index what was sent.
    let plain = analysis_in(&server, french, pb::OffsetUnit::Utf8).await;
    assert!(plain.extracted_text.is_empty());
}

#[tokio::test]
async fn a_line_repeated_anywhere_is_reported_as_a_duplicate_over_grpc() {
    let server = TestServer::start().await;
    let text = "Floods cut off three villages in the north\nReuters\n\nRescuers reached the villages by boat on Monday, officials said.\n\nReuters\n\nRoads reopened late in the day.\n\nFloods cut off three villages in the north\n\nMore rain is forecast for Wednesday.";
    let analysis = analysis_in(&server, text, pb::OffsetUnit::Utf8).await;
    let duplicates: Vec<(u32, &str)> = analysis
        .cleanup
        .iter()
        .filter(|c| c.kind() == pb::CleanupKind::DuplicateLine)
        .map(|c| {
            let span = c.span.expect("span");
            assert_eq!(&text[span.begin as usize..span.end as usize], c.text);
            (span.begin, c.text.as_str())
        })
        .collect();
    // The headline repeated lower down, not its first occurrence, and not
    // the short "Reuters" that stands twice apart.
    let second = text.rfind("Floods cut off").expect("second headline") as u32;
    assert_eq!(
        duplicates,
        [(second, "Floods cut off three villages in the north")]
    );
    // The repeated headline is not analysed twice.
    assert!(
        analysis.sentences.iter().all(|s| {
            let span = s.span.expect("span");
            span.begin < second || span.begin >= second + 42
        }),
        "{:?}",
        analysis.sentences
    );
}

#[tokio::test]
async fn html_pages_give_main_text_title_date_and_cleanup_over_grpc() {
    let server = TestServer::start().await;
    let page = r#"<!DOCTYPE html><html><head>
        <title>Strikes hit Raqqa again | Example News</title>
        <meta property="og:title" content="Strikes hit Raqqa again">
        <meta property="article:published_time" content="2015-11-15T10:00:00Z">
        <style>body { font-family: serif }</style>
        <script>window.tracker = "Raqqa tracking pixel";</script>
        </head><body>
        <nav><a href="/">Home</a> <a href="/world">World news menu</a></nav>
        <article>
        <h1>Strikes hit Raqqa again</h1>
        <p>French jets struck Islamic State targets in Raqqa on Sunday, the defence ministry said.</p>
        <p>Share this article</p>
        <p>The strikes destroyed a command post and a training camp, officials said.</p>
        <p>Watch more coverage below:</p>
        <p>President Francois Hollande said France would not relent after the Paris attacks.</p>
        <p>The strikes destroyed a command post and a training camp, officials said.</p>
        <p>Residents of Raqqa reported heavy explosions through the night.</p>
        <p>Subscribe to our newsletter</p>
        <script>trackRead()</script>
        </article>
        <footer>Copyright Example News</footer>
        </body></html>"#;
    let request = |summary_sentences: u32| pb::AnalyzeRequest {
        document: Some(pb::Document {
            content: Some(pb::document::Content::Text(page.to_string())),
            ..Default::default()
        }),
        options: Some(pb::AnalyzeOptions {
            summary_sentences,
            ..Default::default()
        }),
    };
    let analysis = server
        .analyzer()
        .analyze(request(0))
        .await
        .expect("analyze")
        .into_inner()
        .analysis
        .expect("analysis");
    let text = analysis.extracted_text.as_str();
    assert!(
        text.starts_with("Strikes hit Raqqa again\n\nFrench jets struck"),
        "{text}"
    );
    for dropped in [
        "tracker",
        "font-family",
        "World news menu",
        "trackRead",
        "Copyright",
    ] {
        assert!(!text.contains(dropped), "{dropped} in {text}");
    }
    assert_eq!(analysis.title, "Strikes hit Raqqa again");
    assert_eq!(
        analysis.published_at,
        Some(prost_types::Timestamp {
            seconds: 1_447_581_600, // 2015-11-15T10:00:00Z
            nanos: 0
        })
    );
    // The prompts are reported with their kind and span.
    let boilerplate: Vec<&str> = analysis
        .cleanup
        .iter()
        .filter(|c| c.kind() == pb::CleanupKind::Boilerplate)
        .map(|c| {
            let span = c.span.expect("span");
            let at = &text[span.begin as usize..span.end as usize];
            assert_eq!(at, c.text);
            at
        })
        .collect();
    assert_eq!(
        boilerplate,
        [
            "Share this article",
            "Watch more coverage below:",
            "Subscribe to our newsletter"
        ]
    );
    // The dropped markup, as MARKUP items where it stood: the head's
    // style and script and the nav before the article at the start, the
    // article's last script and the footer at the end.
    let markup: Vec<(u32, u32, &str)> = analysis
        .cleanup
        .iter()
        .filter(|c| c.kind() == pb::CleanupKind::Markup)
        .map(|c| {
            let span = c.span.expect("span");
            (span.begin, span.end, c.text.as_str())
        })
        .collect();
    let end = text.len() as u32;
    assert_eq!(
        markup,
        [
            (0, 0, "<style>"),
            (0, 0, "<script>"),
            (0, 0, "<nav>"),
            (end, end, "<script>"),
            (end, end, "<footer>")
        ]
    );
    // The paragraph repeated two paragraphs later is a duplicate line,
    // reported once, where it repeats.
    let repeated = "The strikes destroyed a command post and a training camp, officials said.";
    let duplicates: Vec<u32> = analysis
        .cleanup
        .iter()
        .filter(|c| c.kind() == pb::CleanupKind::DuplicateLine)
        .map(|c| {
            assert_eq!(c.text, repeated);
            c.span.expect("span").begin
        })
        .collect();
    assert_eq!(duplicates, [text.rfind(repeated).expect("repeated") as u32]);
    // The summary: never the headline, never a sentence twice, in
    // document order, as long as asked.
    let sentence_text = |a: &pb::Analysis, i: u32| {
        let span = a.sentences[i as usize].span.expect("span");
        text[span.begin as usize..span.end as usize]
            .trim()
            .to_string()
    };
    for wanted in [0u32, 1, 2, 4] {
        let analysis = if wanted == 0 {
            analysis.clone()
        } else {
            server
                .analyzer()
                .analyze(request(wanted))
                .await
                .expect("analyze")
                .into_inner()
                .analysis
                .expect("analysis")
        };
        let summary = analysis.summary.clone().expect("summary");
        let expected = if wanted == 0 { 3 } else { wanted as usize };
        assert_eq!(summary.sentence_indices.len(), expected, "{summary:?}");
        assert!(summary.sentence_indices.windows(2).all(|w| w[0] < w[1]));
        let chosen: Vec<String> = summary
            .sentence_indices
            .iter()
            .map(|&i| sentence_text(&analysis, i))
            .collect();
        assert!(
            chosen
                .iter()
                .all(|s| !s.contains("Strikes hit Raqqa again")),
            "the headline: {chosen:?}"
        );
        let mut distinct = chosen.clone();
        distinct.sort();
        distinct.dedup();
        assert_eq!(distinct.len(), chosen.len(), "a sentence twice: {chosen:?}");
        assert!(!summary.text.contains("Share this article"));
    }
}

#[tokio::test]
async fn plain_text_queries_take_any_text_and_rank_by_relevance() {
    let config = docsift::config::Config {
        refresh_interval_ms: 20,
        ..Default::default()
    };
    let server = TestServer::start_with(config).await;
    let mut documents = server.documents();
    let docs = [
        (
            "delta",
            "Wind tunnel tests of a delta wing showed the lift and drag of the wing at high angles.",
        ),
        (
            "swept",
            "A swept wing was tested in the tunnel at low speed.",
        ),
        (
            "boat",
            "The harbour closed after the storm, and the boats stayed in port.",
        ),
    ];
    for (id, text) in docs {
        documents
            .ingest(pb::IngestRequest {
                document: Some(text_document(id, text)),
                options: wait_for(),
            })
            .await
            .expect("ingest");
    }
    let mut search = server.search();
    // A question with characters the query language reads as syntax
    // ("wing:" names an unknown field, a lone quote, "-", parentheses).
    let text = "What is the lift/drag of a (delta) wing: \"swept -- or not? AND";
    let err = search
        .search(pb::SearchRequest {
            query: text.into(),
            ..Default::default()
        })
        .await
        .expect_err("the query language refuses it");
    assert_eq!(err.code(), Code::InvalidArgument);
    assert_eq!(bad_field(&err).as_deref(), Some("query"));

    let plain = |page_token: String| pb::SearchRequest {
        query: text.into(),
        query_syntax: pb::QuerySyntax::PlainText as i32,
        page_size: 1,
        page_token,
        ..Default::default()
    };
    let first = search
        .search(plain(String::new()))
        .await
        .expect("plain text never fails")
        .into_inner();
    assert_eq!(first.total_size, 2, "any word matches, none of the boat");
    assert_eq!(first.hits[0].id, "delta", "the most words, adjacent");
    assert!(
        first.hits[0]
            .highlights
            .iter()
            .any(|h| h.field == "body" && !h.spans.is_empty()),
        "the words are highlighted: {:?}",
        first.hits[0].highlights
    );
    assert!(!first.next_page_token.is_empty());
    let second = search
        .search(plain(first.next_page_token.clone()))
        .await
        .expect("second page")
        .into_inner();
    let ids: Vec<_> = second.hits.iter().map(|h| h.id.as_str()).collect();
    assert_eq!(ids, ["swept"]);
    assert!(second.next_page_token.is_empty());

    // A page token is bound to the syntax too.
    let err = search
        .search(pb::SearchRequest {
            query: text.into(),
            query_syntax: pb::QuerySyntax::QueryLanguage as i32,
            page_size: 1,
            page_token: first.next_page_token,
            ..Default::default()
        })
        .await
        .expect_err("a plain-text token for another syntax");
    assert_eq!(err.code(), Code::InvalidArgument);
    assert_eq!(bad_field(&err).as_deref(), Some("page_token"));

    // Words the query language takes for operators are words here (stop
    // words, kept when nothing else is left): "and" is in two documents.
    let operators = search
        .search(pb::SearchRequest {
            query: "AND OR NOT".into(),
            query_syntax: pb::QuerySyntax::PlainText as i32,
            ..Default::default()
        })
        .await
        .expect("operator words as plain text")
        .into_inner();
    let mut ids: Vec<_> = operators.hits.iter().map(|h| h.id.as_str()).collect();
    ids.sort();
    assert_eq!(ids, ["boat", "delta"]);
    // A text without a word matches everything, as an empty query does.
    let nothing = search
        .search(pb::SearchRequest {
            query: "?! -- ()".into(),
            query_syntax: pb::QuerySyntax::PlainText as i32,
            ..Default::default()
        })
        .await
        .expect("punctuation alone")
        .into_inner();
    assert_eq!(nothing.total_size, 3);

    let err = search
        .search(pb::SearchRequest {
            query: "wing".into(),
            query_syntax: 9,
            ..Default::default()
        })
        .await
        .expect_err("an unknown syntax");
    assert_eq!(err.code(), Code::InvalidArgument);
    assert_eq!(bad_field(&err).as_deref(), Some("query_syntax"));

    // A watch reads its query as plain text too.
    let mut watch = server
        .search()
        .watch(pb::WatchRequest {
            query: "harbour (storm)?".into(),
            query_syntax: pb::QuerySyntax::PlainText as i32,
            ..Default::default()
        })
        .await
        .expect("plain-text watch")
        .into_inner();
    for (id, text) in [
        ("calm", "A calm day in the tunnel."),
        ("gale", "A gale hit the harbour overnight."),
    ] {
        documents
            .ingest(pb::IngestRequest {
                document: Some(text_document(id, text)),
                options: wait_for(),
            })
            .await
            .expect("ingest");
    }
    let next = tokio::time::timeout(std::time::Duration::from_secs(10), watch.message())
        .await
        .expect("watch event in time")
        .expect("watch item")
        .expect("stream open");
    assert_eq!(next.hit.expect("hit").id, "gale");
}

#[tokio::test]
async fn similar_documents_from_a_text() {
    let server = TestServer::start().await;
    let mut documents = server.documents();
    let docs = [
        (
            "a",
            "politics",
            "The election in France drew record turnout, Emmanuel Macron said on Sunday.",
        ),
        (
            "b",
            "politics",
            "Voters in Germany went to the polls in a close election, Olaf Scholz said.",
        ),
        (
            "c",
            "sport",
            "The football final in Madrid ended in a draw after extra time.",
        ),
    ];
    for (id, tag, text) in docs {
        let mut document = text_document(id, text);
        document.tags = vec![tag.into()];
        documents
            .ingest(pb::IngestRequest {
                document: Some(document),
                options: wait_for(),
            })
            .await
            .expect("ingest");
    }
    let mut search = server.search();
    let like = |text: &str| Some(pb::similar_documents_request::Like::Text(text.into()));
    let text = "Emmanuel Macron won the election in France after a close election campaign.";
    let similar = search
        .similar_documents(pb::SimilarDocumentsRequest {
            like: like(text),
            ..Default::default()
        })
        .await
        .expect("similar to a text")
        .into_inner();
    let mut ids: Vec<_> = similar.hits.iter().map(|h| h.id.as_str()).collect();
    assert_eq!(ids.first(), Some(&"a"), "terms: {:?}", similar.terms);
    ids.sort();
    assert_eq!(ids, ["a", "b"], "never the football final");
    assert!(similar.hits.windows(2).all(|w| w[0].score >= w[1].score));
    assert!(
        similar.terms.iter().any(|t| t == "Emmanuel Macron"),
        "terms: {:?}",
        similar.terms
    );

    // The filter and the page size apply.
    let filtered = search
        .similar_documents(pb::SimilarDocumentsRequest {
            like: like(text),
            page_size: 1,
            filter: Some(pb::SearchFilter {
                tags: vec!["politics".into()],
                ..Default::default()
            }),
        })
        .await
        .expect("similar, filtered")
        .into_inner();
    let ids: Vec<_> = filtered.hits.iter().map(|h| h.id.as_str()).collect();
    assert_eq!(ids, ["a"]);
    let sport = search
        .similar_documents(pb::SimilarDocumentsRequest {
            like: like(text),
            filter: Some(pb::SearchFilter {
                tags: vec!["sport".into()],
                ..Default::default()
            }),
            ..Default::default()
        })
        .await
        .expect("similar, filtered to nothing")
        .into_inner();
    assert!(sport.hits.is_empty());

    // A text like nothing stored finds nothing, without an error; so does
    // one with no words at all.
    for text in ["Zyxwvut qwertz plonkish.", "?!", "1234"] {
        let none = search
            .similar_documents(pb::SimilarDocumentsRequest {
                like: like(text),
                ..Default::default()
            })
            .await
            .unwrap_or_else(|e| panic!("similar to {text:?}: {e}"))
            .into_inner();
        assert!(none.hits.is_empty(), "{text:?}: {:?}", none.hits);
    }

    // Mistakes name their field.
    for (request, field) in [
        (
            pb::SimilarDocumentsRequest {
                like: like("  \n "),
                ..Default::default()
            },
            "text",
        ),
        (pb::SimilarDocumentsRequest::default(), "id"),
        (
            pb::SimilarDocumentsRequest {
                like: like(text),
                page_size: -1,
                ..Default::default()
            },
            "page_size",
        ),
    ] {
        let err = search
            .similar_documents(request)
            .await
            .expect_err("a mistake");
        assert_eq!(err.code(), Code::InvalidArgument, "{err:?}");
        assert_eq!(bad_field(&err).as_deref(), Some(field));
    }
}

#[tokio::test]
async fn a_watcher_that_falls_behind_ends_with_resource_exhausted() {
    use tonic_types::StatusExt;

    const BUFFER: usize = 4;
    const DOCS: usize = 80;
    let config = docsift::config::Config {
        refresh_interval_ms: 20,
        watch_buffer: BUFFER,
        ..Default::default()
    };
    let server = TestServer::start_with(config).await;
    // The lagging client reads nothing while documents arrive, on a
    // connection of its own with HTTP/2's smallest default windows, and
    // asks for the full view so each message is large: the transport holds
    // only a few messages before the server's buffers fill.
    let lagging_channel =
        tonic::transport::Endpoint::from_shared(format!("http://{}", server.addr))
            .expect("uri")
            .initial_stream_window_size(65_535)
            .initial_connection_window_size(65_535)
            .connect()
            .await
            .expect("connect");
    let mut lagging = pb::search_client::SearchClient::new(lagging_channel)
        .watch(pb::WatchRequest {
            query: "storm".into(),
            view: pb::SearchView::Full as i32,
            ..Default::default()
        })
        .await
        .expect("lagging watch")
        .into_inner();
    // Another watcher of the same documents reads as they come.
    let mut keeping_up = server
        .search()
        .watch(pb::WatchRequest {
            query: "storm".into(),
            ..Default::default()
        })
        .await
        .expect("watch")
        .into_inner();
    let reader = tokio::spawn(async move {
        let mut ids = Vec::new();
        while ids.len() < DOCS {
            match keeping_up.message().await {
                Ok(Some(message)) => ids.push(message.hit.expect("hit").id),
                other => panic!("the reading watcher's stream ended: {other:?}"),
            }
        }
        ids
    });

    let sentence = "The storm flooded the harbour of Brest on Monday, officials said. ";
    let mut documents = server.documents();
    let ids: Vec<String> = (0..DOCS).map(|i| format!("storm-{i:03}")).collect();
    for (i, id) in ids.iter().enumerate() {
        let text = format!("Storm report {i}. {}", sentence.repeat(100));
        documents
            .ingest(pb::IngestRequest {
                document: Some(text_document(id, &text)),
                options: wait_for(),
            })
            .await
            .expect("ingest");
    }
    let read = tokio::time::timeout(std::time::Duration::from_secs(60), reader)
        .await
        .expect("the reading watcher got every document in time")
        .expect("reader task");
    assert_eq!(read, ids, "the other watcher is unaffected");

    // The lagging client now reads: the documents that fitted, in order,
    // then the status that says why the stream ends.
    let mut received = Vec::new();
    let status = loop {
        let next = tokio::time::timeout(std::time::Duration::from_secs(10), lagging.message())
            .await
            .expect("the lagging stream answers in time");
        match next {
            Ok(Some(message)) => received.push(message.hit.expect("hit").id),
            Ok(None) => panic!("the stream ended without a status after {received:?}"),
            Err(status) => break status,
        }
    };
    assert_eq!(status.code(), Code::ResourceExhausted, "{status:?}");
    assert!(status.message().contains("behind"), "{status:?}");
    let quota = status.get_details_quota_failure().expect("quota failure");
    assert_eq!(quota.violations[0].subject, "watch_buffer");
    assert!(received.len() >= BUFFER, "{} received", received.len());
    assert!(received.len() < DOCS, "{} received", received.len());
    assert_eq!(received, ids[..received.len()], "a prefix, in order");

    // The server serves on: a search, and a new watch that gets new documents.
    let mut search = server.search();
    let hits = search
        .search(pb::SearchRequest {
            query: "storm".into(),
            ..Default::default()
        })
        .await
        .expect("search after the lag")
        .into_inner();
    assert_eq!(hits.total_size, DOCS as u64);
    let mut fresh = search
        .watch(pb::WatchRequest {
            query: "storm".into(),
            ..Default::default()
        })
        .await
        .expect("a new watch")
        .into_inner();
    documents
        .ingest(pb::IngestRequest {
            document: Some(text_document("storm-last", "One more storm.")),
            options: wait_for(),
        })
        .await
        .expect("ingest");
    let next = tokio::time::timeout(std::time::Duration::from_secs(10), fresh.message())
        .await
        .expect("watch event in time")
        .expect("watch item")
        .expect("stream open");
    assert_eq!(next.hit.expect("hit").id, "storm-last");
}

/// Search on `server`, with its `took` taken out (it differs per call).
async fn search_untimed(
    search: &mut pb::search_client::SearchClient<tonic::transport::Channel>,
    request: pb::SearchRequest,
) -> pb::SearchResponse {
    let mut response = search.search(request).await.expect("search").into_inner();
    assert!(
        response.took.is_some(),
        "every answer says how long it took"
    );
    response.took = None;
    response
}

#[tokio::test]
async fn a_cached_page_is_answered_again_as_a_fresh_search_would_in_every_view() {
    use tonic::codec::CompressionEncoding;
    // One server with the result cache (and its encoded pages), one without.
    let cached = TestServer::start().await;
    let fresh = TestServer::start_with(docsift::config::Config {
        search_cache_mb: 0,
        ..docsift::config::Config::default()
    })
    .await;
    for server in [&cached, &fresh] {
        for i in 0..5 {
            ingest_titled(
                server,
                &format!("s-{i}"),
                &format!("Sturm {i} über Zürich"),
                &format!(
                    "Der Zürcher Föhn 🌬 brachte den Storm {i} nach Zürich, the storm hit hard."
                ),
            )
            .await;
        }
    }
    let request = |unit: pb::OffsetUnit, view: pb::SearchView, token: &str| pb::SearchRequest {
        query: "storm".into(),
        page_size: 2,
        page_token: token.into(),
        highlight: Some(pb::HighlightOptions {
            offset_unit: unit as i32,
            ..Default::default()
        }),
        view: view as i32,
        facets: vec!["language".into()],
        ..Default::default()
    };
    let mut on_cached = cached.search();
    let mut on_fresh = fresh.search();
    let units = [
        pb::OffsetUnit::Utf8,
        pb::OffsetUnit::Utf16,
        pb::OffsetUnit::CodePoint,
    ];
    for view in [pb::SearchView::Basic, pb::SearchView::Full] {
        for unit in units {
            let first = search_untimed(&mut on_cached, request(unit, view, "")).await;
            // Answered from the cache, encoded once (BASIC) or built again.
            let again = search_untimed(&mut on_cached, request(unit, view, "")).await;
            assert_eq!(first, again, "{view:?} {unit:?}");
            let expected = search_untimed(&mut on_fresh, request(unit, view, "")).await;
            let (mut a, mut b) = (again.clone(), expected.clone());
            a.next_page_token.clear();
            b.next_page_token.clear();
            assert_eq!(a, b, "{view:?} {unit:?}: as without the cache");
            assert_eq!(again.hits.len(), 2);
            assert!(!again.hits[0].highlights.is_empty());
            assert_eq!(
                again.hits[0].document.is_some(),
                view == pb::SearchView::Full
            );
            // The kept page's token leads on as a fresh one does.
            let next =
                search_untimed(&mut on_cached, request(unit, view, &again.next_page_token)).await;
            let expected_next = search_untimed(
                &mut on_fresh,
                request(unit, view, &expected.next_page_token),
            )
            .await;
            assert_eq!(next.hits, expected_next.hits, "{view:?} {unit:?}: page 2");
            assert_eq!(next.hits.len(), 2);
        }
    }
    // The offsets differ by unit (the text before a match is not ASCII), so
    // no unit was answered with another's page.
    let spans = |response: &pb::SearchResponse| response.hits[0].highlights[0].spans.clone();
    let mut seen = Vec::new();
    for unit in units {
        let response =
            search_untimed(&mut on_cached, request(unit, pb::SearchView::Basic, "")).await;
        seen.push(spans(&response));
    }
    assert_ne!(seen[0], seen[1]);
    assert_ne!(seen[1], seen[2]);

    // Compressed, the kept page reads the same.
    let mut gzip = pb::search_client::SearchClient::new(cached.new_connection().await)
        .accept_compressed(CompressionEncoding::Gzip);
    let plain = search_untimed(&mut on_cached, request(units[0], pb::SearchView::Basic, "")).await;
    let zipped = search_untimed(&mut gzip, request(units[0], pb::SearchView::Basic, "")).await;
    assert_eq!(plain, zipped);
}
