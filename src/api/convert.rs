//! Conversions between generated protobuf types and domain types, with the
//! field-by-field validation of requests. Every error names the request field.

use std::collections::BTreeMap;

use chrono::{DateTime, Utc};
use prost_types::Timestamp;

use crate::analysis::offsets::{OffsetMap, OffsetUnit};
use crate::analysis::{self, Analysis, EntityType, Features};
use crate::config::Limits;
use crate::engine::{AnalyzeOptions, Content, DocumentInput};
use crate::error::{Error, Result};
use crate::proto::pb;
use crate::search::{Filter, Highlight, Hit};
use crate::store::{ContentType, NewDocument, StoredDocument};

/// The longest id a client may choose.
const MAX_ID_BYTES: usize = 256;
/// The most tags one document may carry.
const MAX_TAGS: usize = 64;
/// The most attributes one document may carry.
const MAX_ATTRIBUTES: usize = 64;
/// The longest tag, attribute key or attribute value.
const MAX_LABEL_BYTES: usize = 256;
/// The longest title, URL or source.
const MAX_META_BYTES: usize = 4096;

/// Checks a document id chosen by a client.
pub fn validate_id(field: &str, id: &str) -> Result<()> {
    if id.is_empty() {
        return Err(Error::invalid(field, "must not be empty"));
    }
    if id.len() > MAX_ID_BYTES {
        return Err(Error::invalid(
            field,
            format!(
                "is {} bytes; ids are at most {MAX_ID_BYTES} bytes",
                id.len()
            ),
        ));
    }
    if let Some(bad) = id
        .chars()
        .find(|c| !(c.is_ascii_alphanumeric() || matches!(c, '.' | '_' | ':' | '/' | '-')))
    {
        return Err(Error::invalid(
            field,
            format!("contains {bad:?}; ids may hold only A-Z a-z 0-9 . _ : / -"),
        ));
    }
    Ok(())
}

/// Converts and validates a submitted document. `field` is the document's
/// path in the request (for example `document`).
pub fn document_from_pb(
    field: &str,
    document: Option<pb::Document>,
    limits: &Limits,
) -> Result<DocumentInput> {
    let document = document.ok_or_else(|| Error::invalid(field, "is required"))?;
    let id = if document.id.is_empty() {
        None
    } else {
        validate_id(&format!("{field}.id"), &document.id)?;
        Some(document.id)
    };
    let (content, content_field, size) = match document.content {
        None => {
            return Err(Error::invalid(
                format!("{field}.text"),
                "the document has no content: set text (UTF-8) or raw (bytes)",
            ));
        }
        Some(pb::document::Content::Text(text)) => {
            let size = text.len();
            (Content::Text(text), "text", size)
        }
        Some(pb::document::Content::Raw(raw)) => {
            let size = raw.len();
            (Content::Raw(raw), "raw", size)
        }
    };
    let content_field = format!("{field}.{content_field}");
    if size > limits.max_document_bytes {
        return Err(Error::limit(
            "max_document_bytes",
            format!(
                "{content_field} is {size} bytes; the limit max_document_bytes is {} bytes",
                limits.max_document_bytes
            ),
        ));
    }
    let blank = match &content {
        Content::Text(text) => text.trim().is_empty(),
        Content::Raw(raw) => raw.iter().all(|b| b.is_ascii_whitespace()),
    };
    if blank {
        return Err(Error::invalid(content_field, "must not be empty"));
    }
    let content_type = match pb::ContentType::try_from(document.content_type) {
        Ok(pb::ContentType::Unspecified) => None,
        Ok(pb::ContentType::TextPlain) => Some(ContentType::Plain),
        Ok(pb::ContentType::TextHtml) => Some(ContentType::Html),
        Ok(pb::ContentType::TextMarkdown) => Some(ContentType::Markdown),
        Err(_) => {
            return Err(Error::invalid(
                format!("{field}.content_type"),
                format!("unknown content type {}", document.content_type),
            ));
        }
    };
    for (name, value) in [
        ("title", &document.title),
        ("url", &document.url),
        ("source", &document.source),
    ] {
        if value.len() > MAX_META_BYTES {
            return Err(Error::invalid(
                format!("{field}.{name}"),
                format!("is {} bytes; at most {MAX_META_BYTES}", value.len()),
            ));
        }
    }
    let language_hint = document.language.trim().to_string();
    if !language_hint.is_empty() && !is_language_tag(&language_hint) {
        return Err(Error::invalid(
            format!("{field}.language"),
            format!("{language_hint:?} is not a BCP-47 language tag such as \"en\" or \"pt-BR\""),
        ));
    }
    let published_at = match document.published_at {
        None => None,
        Some(ts) => Some(timestamp_to_chrono(&format!("{field}.published_at"), &ts)?),
    };
    if document.tags.len() > MAX_TAGS {
        return Err(Error::invalid(
            format!("{field}.tags"),
            format!("has {} tags; at most {MAX_TAGS}", document.tags.len()),
        ));
    }
    let mut tags = Vec::with_capacity(document.tags.len());
    for (i, tag) in document.tags.into_iter().enumerate() {
        let tag = tag.trim().to_string();
        if tag.is_empty() || tag.len() > MAX_LABEL_BYTES {
            return Err(Error::invalid(
                format!("{field}.tags[{i}]"),
                format!("tags must be 1 to {MAX_LABEL_BYTES} bytes of non-blank text"),
            ));
        }
        if !tags.contains(&tag) {
            tags.push(tag);
        }
    }
    if document.attributes.len() > MAX_ATTRIBUTES {
        return Err(Error::invalid(
            format!("{field}.attributes"),
            format!(
                "has {} entries; at most {MAX_ATTRIBUTES}",
                document.attributes.len()
            ),
        ));
    }
    let mut attributes = BTreeMap::new();
    for (key, value) in document.attributes {
        if key.trim().is_empty() || key.len() > MAX_LABEL_BYTES || value.len() > MAX_LABEL_BYTES {
            return Err(Error::invalid(
                format!("{field}.attributes[{key:?}]"),
                format!("keys must be non-blank; keys and values at most {MAX_LABEL_BYTES} bytes"),
            ));
        }
        attributes.insert(key, value);
    }
    let charset = document.charset.trim();
    let charset = (!charset.is_empty()).then(|| charset.to_string());
    Ok(DocumentInput {
        id,
        content,
        content_type,
        charset,
        title: document.title,
        url: document.url,
        source: document.source,
        published_at,
        language_hint,
        tags,
        attributes,
    })
}

/// Whether a string has the shape of a BCP-47 tag (language, then subtags).
fn is_language_tag(tag: &str) -> bool {
    let mut parts = tag.split(['-', '_']);
    let first_ok = parts
        .next()
        .is_some_and(|p| (2..=3).contains(&p.len()) && p.chars().all(|c| c.is_ascii_alphabetic()));
    first_ok
        && parts.all(|p| (1..=8).contains(&p.len()) && p.chars().all(|c| c.is_ascii_alphanumeric()))
}

/// Converts a protobuf timestamp, refusing values out of range.
pub fn timestamp_to_chrono(field: &str, ts: &Timestamp) -> Result<DateTime<Utc>> {
    if !(0..1_000_000_000).contains(&ts.nanos) {
        return Err(Error::invalid(field, "nanos must be in 0..999999999"));
    }
    DateTime::from_timestamp(ts.seconds, ts.nanos as u32)
        .ok_or_else(|| Error::invalid(field, "the time is out of range"))
}

/// Converts a time to a protobuf timestamp.
pub fn chrono_to_timestamp(time: &DateTime<Utc>) -> Timestamp {
    Timestamp {
        seconds: time.timestamp(),
        nanos: time.timestamp_subsec_nanos() as i32,
    }
}

/// Converts the requested features; empty means the default set.
pub fn features_from_pb(field: &str, features: &[i32]) -> Result<Features> {
    if features.is_empty() {
        return Ok(Features::default());
    }
    let mut out = Features::none();
    for (i, &value) in features.iter().enumerate() {
        match pb::Feature::try_from(value) {
            Ok(pb::Feature::Unspecified) => {}
            Ok(pb::Feature::Language) => out.language = true,
            Ok(pb::Feature::Stats) => out.stats = true,
            Ok(pb::Feature::Sentences) => out.sentences = true,
            Ok(pb::Feature::Tokens) => out.tokens = true,
            Ok(pb::Feature::Entities) => out.entities = true,
            Ok(pb::Feature::Keyphrases) => out.keyphrases = true,
            Ok(pb::Feature::Sentiment) => out.sentiment = true,
            Ok(pb::Feature::Summary) => out.summary = true,
            Ok(pb::Feature::Quotes) => out.quotes = true,
            Ok(pb::Feature::Cleanup) => out.cleanup = true,
            Ok(pb::Feature::Fingerprint) => out.fingerprint = true,
            Err(_) => {
                return Err(Error::invalid(
                    format!("{field}[{i}]"),
                    format!("unknown feature {value}"),
                ));
            }
        }
    }
    Ok(out)
}

/// Converts the requested offset unit.
pub fn offset_unit_from_pb(field: &str, value: i32) -> Result<OffsetUnit> {
    match pb::OffsetUnit::try_from(value) {
        Ok(pb::OffsetUnit::Unspecified | pb::OffsetUnit::Utf8) => Ok(OffsetUnit::Utf8),
        Ok(pb::OffsetUnit::Utf16) => Ok(OffsetUnit::Utf16),
        Ok(pb::OffsetUnit::CodePoint) => Ok(OffsetUnit::CodePoint),
        Err(_) => Err(Error::invalid(
            field,
            format!("unknown offset unit {value}"),
        )),
    }
}

fn offset_unit_to_pb(unit: OffsetUnit) -> pb::OffsetUnit {
    match unit {
        OffsetUnit::Utf8 => pb::OffsetUnit::Utf8,
        OffsetUnit::Utf16 => pb::OffsetUnit::Utf16,
        OffsetUnit::CodePoint => pb::OffsetUnit::CodePoint,
    }
}

/// Converts analyze options; `field` is the options' path (for example `options`).
pub fn analyze_options_from_pb(
    field: &str,
    options: Option<pb::AnalyzeOptions>,
) -> Result<(AnalyzeOptions, OffsetUnit)> {
    let options = options.unwrap_or_default();
    let features = features_from_pb(&format!("{field}.features"), &options.features)?;
    let unit = offset_unit_from_pb(&format!("{field}.offset_unit"), options.offset_unit)?;
    let reference_time = options
        .reference_time
        .map(|ts| timestamp_to_chrono(&format!("{field}.reference_time"), &ts))
        .transpose()?;
    if options.summary_sentences > 100 {
        return Err(Error::invalid(
            format!("{field}.summary_sentences"),
            "at most 100",
        ));
    }
    Ok((
        AnalyzeOptions {
            features,
            reference_time,
            summary_sentences: options.summary_sentences as usize,
        },
        unit,
    ))
}

/// Converts an entity type from the API.
pub fn entity_type_from_pb(field: &str, value: i32) -> Result<EntityType> {
    let t = match pb::EntityType::try_from(value) {
        Ok(pb::EntityType::Person) => EntityType::Person,
        Ok(pb::EntityType::Organization) => EntityType::Organization,
        Ok(pb::EntityType::Location) => EntityType::Location,
        Ok(pb::EntityType::Group) => EntityType::Group,
        Ok(pb::EntityType::Event) => EntityType::Event,
        Ok(pb::EntityType::Date) => EntityType::Date,
        Ok(pb::EntityType::Time) => EntityType::Time,
        Ok(pb::EntityType::Number) => EntityType::Number,
        Ok(pb::EntityType::Quantity) => EntityType::Quantity,
        Ok(pb::EntityType::Money) => EntityType::Money,
        Ok(pb::EntityType::Percent) => EntityType::Percent,
        Ok(pb::EntityType::Email) => EntityType::Email,
        Ok(pb::EntityType::Url) => EntityType::Url,
        Ok(pb::EntityType::Phone) => EntityType::Phone,
        Ok(pb::EntityType::Other) => EntityType::Other,
        Ok(pb::EntityType::Unspecified) | Err(_) => {
            return Err(Error::invalid(
                field,
                format!("{value} is not an entity type"),
            ));
        }
    };
    Ok(t)
}

fn entity_type_to_pb(t: EntityType) -> pb::EntityType {
    match t {
        EntityType::Person => pb::EntityType::Person,
        EntityType::Organization => pb::EntityType::Organization,
        EntityType::Location => pb::EntityType::Location,
        EntityType::Group => pb::EntityType::Group,
        EntityType::Event => pb::EntityType::Event,
        EntityType::Date => pb::EntityType::Date,
        EntityType::Time => pb::EntityType::Time,
        EntityType::Number => pb::EntityType::Number,
        EntityType::Quantity => pb::EntityType::Quantity,
        EntityType::Money => pb::EntityType::Money,
        EntityType::Percent => pb::EntityType::Percent,
        EntityType::Email => pb::EntityType::Email,
        EntityType::Url => pb::EntityType::Url,
        EntityType::Phone => pb::EntityType::Phone,
        EntityType::Other => pb::EntityType::Other,
    }
}

/// Converts a search filter; `field` is its path (for example `filter`).
pub fn filter_from_pb(field: &str, filter: Option<pb::SearchFilter>) -> Result<Filter> {
    let Some(filter) = filter else {
        return Ok(Filter::default());
    };
    let entity_types = filter
        .entity_types
        .iter()
        .enumerate()
        .map(|(i, &t)| entity_type_from_pb(&format!("{field}.entity_types[{i}]"), t))
        .collect::<Result<Vec<_>>>()?;
    let published_after = filter
        .published_after
        .map(|ts| timestamp_to_chrono(&format!("{field}.published_after"), &ts))
        .transpose()?;
    let published_before = filter
        .published_before
        .map(|ts| timestamp_to_chrono(&format!("{field}.published_before"), &ts))
        .transpose()?;
    if let (Some(after), Some(before)) = (published_after, published_before)
        && after >= before
    {
        return Err(Error::invalid(
            format!("{field}.published_before"),
            "must be later than published_after",
        ));
    }
    let clean = |name: &str, values: Vec<String>| -> Result<Vec<String>> {
        values
            .into_iter()
            .enumerate()
            .map(|(i, v)| {
                let v = v.trim().to_string();
                if v.is_empty() {
                    Err(Error::invalid(
                        format!("{field}.{name}[{i}]"),
                        "must not be empty",
                    ))
                } else {
                    Ok(v)
                }
            })
            .collect()
    };
    let mut attributes: Vec<(String, String)> = filter.attributes.into_iter().collect();
    attributes.sort();
    Ok(Filter {
        languages: clean("languages", filter.languages)?
            .into_iter()
            .map(|l| l.to_ascii_lowercase())
            .collect(),
        tags: clean("tags", filter.tags)?,
        sources: clean("sources", filter.sources)?,
        entities: clean("entities", filter.entities)?,
        entity_types,
        attributes,
        published_after,
        published_before,
    })
}

/// Converts a stored or submitted document back to the API's form.
pub fn document_to_pb(document: &NewDocument, id: &str) -> pb::Document {
    pb::Document {
        id: id.to_string(),
        content: Some(pb::document::Content::Text(document.content.to_string())),
        content_type: match document.content_type {
            ContentType::Plain => pb::ContentType::TextPlain,
            ContentType::Html => pb::ContentType::TextHtml,
            ContentType::Markdown => pb::ContentType::TextMarkdown,
        } as i32,
        title: document.title.clone(),
        url: document.url.clone(),
        source: document.source.clone(),
        published_at: document.published_at.as_ref().map(chrono_to_timestamp),
        language: document.language_hint.clone(),
        tags: document.tags.clone(),
        attributes: document
            .attributes
            .iter()
            .map(|(k, v)| (k.clone(), v.clone()))
            .collect(),
        charset: String::new(),
    }
}

/// Converts a stored document, with its analysis when asked.
pub fn stored_to_pb(
    stored: &StoredDocument,
    include_content: bool,
    analysis_unit: Option<OffsetUnit>,
) -> pb::StoredDocument {
    let mut document = document_to_pb(&stored.document, &stored.id);
    if !include_content {
        document.content = None;
    }
    pb::StoredDocument {
        document: Some(document),
        version: stored.version,
        created_at: Some(chrono_to_timestamp(&stored.created_at)),
        first_created_at: Some(chrono_to_timestamp(&stored.first_created_at)),
        analysis: analysis_unit
            .map(|unit| analysis_to_pb(&stored.analysis, &stored.document, unit)),
        tenant: stored.tenant.clone(),
    }
}

fn sentiment_to_pb(s: &analysis::Sentiment) -> pb::Sentiment {
    pb::Sentiment {
        score: s.score,
        magnitude: s.magnitude,
        label: match s.label {
            analysis::SentimentLabel::Negative => pb::SentimentLabel::Negative,
            analysis::SentimentLabel::Neutral => pb::SentimentLabel::Neutral,
            analysis::SentimentLabel::Positive => pb::SentimentLabel::Positive,
            analysis::SentimentLabel::Mixed => pb::SentimentLabel::Mixed,
        } as i32,
    }
}

/// Converts an analysis of `document`, with every span in `unit`.
pub fn analysis_to_pb(
    analysis: &Analysis,
    document: &NewDocument,
    unit: OffsetUnit,
) -> pb::Analysis {
    let text = document.analyzed_text();
    let map = OffsetMap::new(&text, unit);
    let span = |s: &analysis::Span| {
        let (begin, end) = map.convert_span(*s);
        pb::Span { begin, end }
    };
    pb::Analysis {
        extracted_text: if document.extracted_text.is_some() || document.decoded {
            text.to_string()
        } else {
            String::new()
        },
        offset_unit: offset_unit_to_pb(unit) as i32,
        language: analysis.language.as_ref().map(|l| pb::Language {
            code: l.code.clone(),
            name: l.name.clone(),
            script: l.script.clone(),
            confidence: l.confidence,
            reliable: l.reliable,
        }),
        stats: analysis.stats.as_ref().map(|s| pb::Stats {
            characters: s.characters,
            words: s.words,
            sentences: s.sentences,
            paragraphs: s.paragraphs,
            reading_time_seconds: s.reading_time_seconds,
            flesch_reading_ease: s.flesch_reading_ease,
            flesch_kincaid_grade: s.flesch_kincaid_grade,
        }),
        sentences: analysis
            .sentences
            .iter()
            .map(|s| pb::Sentence {
                span: Some(span(&s.span)),
                sentiment: Some(sentiment_to_pb(&s.sentiment)),
            })
            .collect(),
        tokens: analysis
            .tokens
            .iter()
            .map(|t| pb::Token {
                span: Some(span(&t.span)),
                normalized: t.normalized.clone(),
                stem: t.stem.clone(),
                is_stopword: t.is_stopword,
            })
            .collect(),
        entities: analysis
            .entities
            .iter()
            .map(|e| pb::Entity {
                id: e.id.clone(),
                name: e.name.clone(),
                r#type: entity_type_to_pb(e.entity_type) as i32,
                salience: e.salience,
                mentions: e
                    .mentions
                    .iter()
                    .map(|m| pb::EntityMention {
                        span: Some(span(&m.span)),
                        text: m.text.clone(),
                        kind: match m.kind {
                            analysis::MentionKind::Name => pb::MentionKind::Name,
                            analysis::MentionKind::Alias => pb::MentionKind::Alias,
                            analysis::MentionKind::ShortName => pb::MentionKind::ShortName,
                        } as i32,
                    })
                    .collect(),
                metadata: e.metadata.iter().cloned().collect(),
            })
            .collect(),
        keyphrases: analysis
            .keyphrases
            .iter()
            .map(|k| pb::KeyPhrase {
                text: k.text.clone(),
                score: k.score,
                count: k.count,
                spans: k.spans.iter().map(span).collect(),
            })
            .collect(),
        sentiment: analysis.sentiment.as_ref().map(sentiment_to_pb),
        summary: analysis.summary.as_ref().map(|s| pb::Summary {
            sentence_indices: s.sentence_indices.clone(),
            text: s.text.clone(),
        }),
        quotes: analysis
            .quotes
            .iter()
            .map(|q| pb::Quote {
                span: Some(span(&q.span)),
                text: q.text.clone(),
                speaker_entity_id: q.speaker_entity_id.clone().unwrap_or_default(),
                speaker: q.speaker.clone(),
                cue: q.cue.clone(),
                attribution_span: q.attribution_span.as_ref().map(span),
                kind: match q.kind {
                    analysis::QuoteKind::Direct => pb::QuoteKind::Direct,
                    analysis::QuoteKind::Indirect => pb::QuoteKind::Indirect,
                    analysis::QuoteKind::Partial => pb::QuoteKind::Partial,
                } as i32,
            })
            .collect(),
        cleanup: analysis
            .cleanup
            .iter()
            .map(|c| pb::CleanupItem {
                kind: match c.kind {
                    analysis::CleanupKind::Markup => pb::CleanupKind::Markup,
                    analysis::CleanupKind::Shortcode => pb::CleanupKind::Shortcode,
                    analysis::CleanupKind::DuplicateLine => pb::CleanupKind::DuplicateLine,
                    analysis::CleanupKind::Boilerplate => pb::CleanupKind::Boilerplate,
                } as i32,
                span: Some(span(&c.span)),
                text: c.text.clone(),
            })
            .collect(),
        fingerprint: analysis.fingerprint.as_ref().map(|f| pb::Fingerprint {
            content_hash: f.content_hash.clone(),
            simhash: f.simhash,
        }),
        title: document.title.clone(),
        published_at: document.published_at.as_ref().map(chrono_to_timestamp),
    }
}

/// Converts a search hit; `full` adds the stored document and its analysis.
/// Highlight spans and analysis spans count in `unit`.
pub fn hit_to_pb(hit: &Hit, full: bool, unit: OffsetUnit) -> pb::SearchHit {
    let stored = &hit.document;
    pb::SearchHit {
        id: stored.id.clone(),
        score: hit.score,
        title: stored.document.title.clone(),
        highlights: hit
            .highlights
            .iter()
            .map(|h| highlight_to_pb(h, unit))
            .collect(),
        document: full.then(|| {
            Box::new(pb::StoredDocumentView {
                document: Some(document_to_pb(&stored.document, &stored.id)),
                version: stored.version,
                analysis: Some(analysis_to_pb(&stored.analysis, &stored.document, unit)),
            })
        }),
        published_at: stored
            .document
            .published_at
            .as_ref()
            .map(chrono_to_timestamp),
    }
}

fn highlight_to_pb(h: &Highlight, unit: OffsetUnit) -> pb::Highlight {
    let map = OffsetMap::new(&h.fragment, unit);
    pb::Highlight {
        field: h.field.clone(),
        fragment: h.fragment.clone(),
        spans: h
            .spans
            .iter()
            .map(|s| {
                let (begin, end) = map.convert_span(*s);
                pb::Span { begin, end }
            })
            .collect(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::engine::Engine;
    use proptest::prelude::*;

    /// Slices `text` by a span counted in `unit`.
    fn slice(text: &str, span: &pb::Span, unit: OffsetUnit) -> Option<String> {
        let (b, e) = (span.begin as usize, span.end as usize);
        match unit {
            OffsetUnit::Utf8 => text.get(b..e).map(str::to_string),
            OffsetUnit::Utf16 => {
                let units: Vec<u16> = text.encode_utf16().collect();
                String::from_utf16(units.get(b..e)?).ok()
            }
            OffsetUnit::CodePoint => {
                let chars: Vec<char> = text.chars().collect();
                Some(chars.get(b..e)?.iter().collect())
            }
        }
    }

    fn document(text: String) -> NewDocument {
        NewDocument {
            content: text.into(),
            ..NewDocument::default()
        }
    }

    fn pieces() -> impl Strategy<Value = String> {
        prop::collection::vec(
            prop_oneof![
                Just("Ben Rhodes said".to_string()),
                Just("\u{201c}We are here,\u{201d} Rhodes said.".to_string()),
                Just("\"Yes we can,\" said Angela Merkel in Paris on Sunday.".to_string()),
                Just("129 people, $4.5 billion, 30 percent.".to_string()),
                Just("👩‍💻🇯🇵".to_string()),
                Just("東京で会議。".to_string()),
                Just("مرحبا بالعالم".to_string()),
                Just("e\u{301}lan Zu\u{308}rich".to_string()),
                Just("\n\n".to_string()),
                "\\PC{0,12}",
            ],
            0..12,
        )
        .prop_map(|parts| parts.join(" "))
    }

    proptest! {
        #![proptest_config(ProptestConfig { cases: 64, failure_persistence: None, ..ProptestConfig::default() })]

        /// Every span of the API's analysis slices the text, in every unit,
        /// to exactly the text it reports.
        #[test]
        fn spans_slice_to_their_text_in_every_unit(text in pieces()) {
            let document = document(text);
            let options = AnalyzeOptions {
                features: Features { tokens: true, ..Features::default() },
                ..AnalyzeOptions::default()
            };
            let analysis = Engine::analyze_prepared(&document, &options);
            for unit in [OffsetUnit::Utf8, OffsetUnit::Utf16, OffsetUnit::CodePoint] {
                let out = analysis_to_pb(&analysis, &document, unit);
                let text = &*document.content.as_str();
                for e in &out.entities {
                    for m in &e.mentions {
                        prop_assert_eq!(slice(text, m.span.as_ref().unwrap(), unit), Some(m.text.clone()));
                    }
                }
                for q in &out.quotes {
                    prop_assert_eq!(slice(text, q.span.as_ref().unwrap(), unit), Some(q.text.clone()));
                }
                for t in &out.tokens {
                    prop_assert!(slice(text, t.span.as_ref().unwrap(), unit).is_some());
                }
                for s in &out.sentences {
                    prop_assert!(slice(text, s.span.as_ref().unwrap(), unit).is_some());
                }
                for k in &out.keyphrases {
                    for s in &k.spans {
                        prop_assert!(slice(text, s, unit).is_some());
                    }
                }
            }
        }
    }

    #[test]
    fn ids_and_language_tags() {
        for (id, ok) in [
            ("reuters-1", true),
            ("a/b:c.d_e", true),
            ("", false),
            ("has space", false),
            ("é", false),
        ] {
            assert_eq!(validate_id("id", id).is_ok(), ok, "{id:?}");
        }
        for (tag, ok) in [
            ("en", true),
            ("pt-BR", true),
            ("zh-Hant-TW", true),
            ("english", false),
            ("e", false),
            ("en--US", false),
        ] {
            assert_eq!(is_language_tag(tag), ok, "{tag:?}");
        }
    }
}
