//! Composes the stages: cleanup and masking first, then segmentation and
//! language, then the parts the caller asked for, computing internal
//! prerequisites (sentences, tokens, entities) even when their own output is
//! not asked for.

use rustc_hash::FxHashSet;

use super::{Analysis, CorpusFrequencies, EntityType, Features, Input, Sentence, Span, Token};
use super::{
    cleanup, entities, fingerprint, keyphrases, language, quotes, segment, sentiment, stats,
    summary,
};

/// The language code used for stemming and stopwords when detection fails.
const FALLBACK_LANGUAGE: &str = "en";

/// Runs every asked-for stage over the input; key phrases are scored with
/// the corpus's document frequencies when there is a corpus.
pub(crate) fn run(input: &Input<'_>, corpus: Option<&dyn CorpusFrequencies>) -> Analysis {
    let f = input.features;
    let text = input.text;
    let mut out = Analysis::default();
    if nothing_asked(&f) {
        return out;
    }

    // Cleanup always runs: every later stage reads the masked copy.
    let cleaned = cleanup::clean(text);
    let masked = cleaned.masked.as_str();
    if f.cleanup {
        out.cleanup = cleaned.items.clone();
    }
    if f.fingerprint {
        out.fingerprint = Some(fingerprint::compute(masked));
    }

    let needs_text_model = f.language
        || f.stats
        || f.sentences
        || f.tokens
        || f.entities
        || f.keyphrases
        || f.sentiment
        || f.summary
        || f.quotes;
    if !needs_text_model {
        return out;
    }
    let lang = language::detect(masked, input.language_hint);
    let lang_code = if lang.code == "und" {
        FALLBACK_LANGUAGE.to_string()
    } else {
        lang.code.clone()
    };
    if f.language {
        out.language = Some(lang);
    }

    let sentence_spans = segment::sentences(masked);
    let tokens = segment::tokens(masked, &sentence_spans, &lang_code);
    let shapes = segment::shapes(masked, &sentence_spans, &tokens);

    if f.stats {
        out.stats = Some(stats::compute(text, masked, &sentence_spans, &tokens));
    }
    if f.tokens {
        out.tokens = tokens
            .iter()
            .map(|t| Token {
                span: t.span,
                normalized: t.norm.to_string(),
                stem: t.stem.to_string(),
                is_stopword: t.stop,
            })
            .collect();
    }
    if f.sentences || f.sentiment {
        let raws = sentence_raws(masked, &sentence_spans, &tokens);
        if f.sentences {
            out.sentences = sentence_spans
                .iter()
                .zip(&raws)
                .map(|(span, raw)| Sentence {
                    span: *span,
                    sentiment: sentiment::sentence(*raw),
                })
                .collect();
        }
        if f.sentiment {
            out.sentiment = Some(sentiment::document(&raws));
        }
    }
    if f.keyphrases {
        let (phrases, stems) = keyphrases::extract(masked, &tokens, sentence_spans.len(), corpus);
        out.keyphrases = phrases;
        out.stems = stems;
    }
    // Summary indices point into the pipeline's sentence list, which is the
    // one `Analysis::sentences` holds when sentences are asked for too.
    if f.summary {
        out.summary = Some(summary::summarize(
            masked,
            &sentence_spans,
            &shapes,
            &tokens,
            input.title,
            input.summary_sentences,
        ));
    }
    if f.entities || f.quotes {
        let ctx = entities::Context {
            text: masked,
            sentences: &sentence_spans,
            shapes: &shapes,
            tokens: &tokens,
            title: input.title,
            reference_date: input.reference_date,
            language: &lang_code,
            gazetteer: Default::default(),
            title_lines: Default::default(),
        };
        let mut found = entities::extract(&ctx);
        // A name read across a cleaned region (`W%A%𑎀`, masked `W   𑎀`)
        // is no name the text writes: such a mention goes, and an entity
        // left without one. A name over a line break the cleanup unwrapped
        // ("BP North America⏎Inc") stays, with the text's own words.
        found.retain_mut(|e| {
            e.mentions.retain_mut(|m| {
                let Some(written) = text.get(m.span.start..m.span.end) else {
                    return false;
                };
                if written == m.text {
                    return true;
                }
                let unwrapped = written.len() == m.text.len()
                    && written
                        .bytes()
                        .zip(m.text.bytes())
                        .all(|(w, r)| w == r || (matches!(w, b'\n' | b'\r') && r == b' '));
                if unwrapped {
                    m.text = written.to_string();
                }
                unwrapped
            });
            !e.mentions.is_empty()
        });
        if f.quotes {
            out.quotes = quotes::extract(
                text,
                masked,
                &sentence_spans,
                &found,
                &cleaned.shortcodes,
                &tokens,
            );
            // Whoever the quotes name as a speaker is a person, when the
            // recogniser could not tell; ids and salience stay as they are.
            let speakers: FxHashSet<&str> = out
                .quotes
                .iter()
                .filter_map(|q| q.speaker_entity_id.as_deref())
                .collect();
            for e in &mut found {
                if e.entity_type == EntityType::Other && speakers.contains(e.id.as_str()) {
                    e.entity_type = EntityType::Person;
                }
            }
        }
        if f.entities {
            out.entities = found;
        }
    }
    out
}

fn nothing_asked(f: &Features) -> bool {
    *f == Features::none()
}

/// The sentiment inputs of each sentence.
fn sentence_raws(text: &str, sentences: &[Span], tokens: &[segment::Tok]) -> Vec<sentiment::Raw> {
    // Tokens come in text order, so each sentence's tokens are one run of
    // them (sentence indices never decrease): slices of one vector, not a
    // vector per sentence.
    let mut refs: Vec<&segment::Tok> = Vec::with_capacity(tokens.len());
    let mut ends = vec![0usize; sentences.len()];
    for t in tokens {
        if t.sentence < sentences.len() {
            refs.push(t);
        }
    }
    let mut at = 0;
    for (k, end) in ends.iter_mut().enumerate() {
        while refs.get(at).is_some_and(|t| t.sentence == k) {
            at += 1;
        }
        *end = at;
    }
    let mut start = 0;
    ends.iter()
        .zip(sentences)
        .map(|(&end, span)| {
            let raw = sentiment::score_tokens(text, *span, refs.get(start..end).unwrap_or(&[]));
            start = end;
            raw
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::analysis::{CleanupKind, EntityType, MentionKind, QuoteKind};
    use chrono::NaiveDate;
    use proptest::strategy::Strategy;

    const SEED: &str = include_str!("../../seeds/000_3db58b10b3ad52bf.txt");

    fn input(text: &str, features: Features) -> Input<'_> {
        Input {
            text,
            title: None,
            language_hint: None,
            reference_date: NaiveDate::from_ymd_opt(2015, 11, 16).unwrap_or_default(),
            features,
            summary_sentences: 0,
        }
    }

    fn entity<'a>(a: &'a Analysis, name: &str, t: EntityType) -> &'a super::super::Entity {
        a.entities
            .iter()
            .find(|e| e.name == name && e.entity_type == t)
            .unwrap_or_else(|| {
                panic!(
                    "no {t:?} {name}: {:#?}",
                    a.entities
                        .iter()
                        .map(|e| (&e.name, e.entity_type))
                        .collect::<Vec<_>>()
                )
            })
    }

    fn meta<'a>(e: &'a super::super::Entity, key: &str) -> Option<&'a str> {
        e.metadata
            .iter()
            .find(|(k, _)| k == key)
            .map(|(_, v)| v.as_str())
    }

    #[test]
    fn founding_article() {
        let a = run(&input(SEED, Features::default()), None);
        let lang = a.language.as_ref().expect("language");
        assert_eq!(lang.code, "en");

        let rhodes = entity(&a, "Ben Rhodes", EntityType::Person);
        assert!(
            rhodes
                .mentions
                .iter()
                .any(|m| m.text == "Rhodes" && m.kind == MentionKind::ShortName)
        );
        for (place, cc) in [
            ("Syria", "SY"),
            ("Iraq", "IQ"),
            ("France", "FR"),
            ("Paris", "FR"),
            ("Turkey", "TR"),
            ("United States", "US"),
        ] {
            assert_eq!(
                meta(entity(&a, place, EntityType::Location), "country_code"),
                Some(cc),
                "{place}"
            );
        }
        let us = entity(&a, "United States", EntityType::Location);
        assert!(
            us.mentions
                .iter()
                .any(|m| m.text == "U.S." && m.kind == MentionKind::Alias)
        );
        let is = entity(&a, "Islamic State", EntityType::Organization);
        for alias in ["ISIL", "ISIS"] {
            assert!(
                is.mentions
                    .iter()
                    .any(|m| m.text == alias && m.kind == MentionKind::Alias),
                "{alias}"
            );
        }
        entity(&a, "NBC", EntityType::Organization);
        entity(&a, "Reuters", EntityType::Organization);
        entity(&a, "G20", EntityType::Organization);
        assert_eq!(entity(&a, "French", EntityType::Group).mentions.len(), 2);
        let people = entity(&a, "129 people", EntityType::Quantity);
        assert_eq!(meta(people, "value"), Some("129"));
        assert_eq!(meta(people, "unit"), Some("people"));
        assert_eq!(people.mentions.len(), 2);
        assert_eq!(
            meta(entity(&a, "Sunday", EntityType::Date), "date"),
            Some("2015-11-15")
        );
        assert_eq!(
            meta(entity(&a, "Friday", EntityType::Date), "date"),
            Some("2015-11-13")
        );
        assert_eq!(
            meta(entity(&a, "September", EntityType::Date), "date"),
            Some("2015-09")
        );
        // No title-case noise from the headlines.
        assert!(
            a.entities
                .iter()
                .all(|e| !e.name.contains("Intensification") && !e.name.contains("Dilemma"))
        );
        // Ids follow salience order.
        for (i, e) in a.entities.iter().enumerate() {
            assert_eq!(e.id, format!("e{}", i + 1));
        }
        assert!(
            a.entities
                .windows(2)
                .all(|w| w[0].salience >= w[1].salience)
        );

        let by_rhodes: Vec<&super::super::Quote> = a
            .quotes
            .iter()
            .filter(|q| q.speaker == "Ben Rhodes" && q.kind == QuoteKind::Direct)
            .collect();
        assert!(by_rhodes.len() >= 3, "{:#?}", a.quotes);
        assert!(
            by_rhodes
                .iter()
                .all(|q| q.speaker_entity_id.as_deref() == Some(rhodes.id.as_str()))
        );
        assert!(
            by_rhodes
                .iter()
                .any(|q| q.text.starts_with("What we're doing here at the G20"))
        );
        assert!(
            by_rhodes
                .iter()
                .any(|q| q.text.starts_with("We're confident that"))
        );
        assert!(
            by_rhodes
                .iter()
                .any(|q| q.text.starts_with("Clearly there's going to have to be"))
        );

        let kinds = |k: CleanupKind| {
            a.cleanup
                .iter()
                .filter(move |c| c.kind == k)
                .map(|c| c.text.as_str())
                .collect::<Vec<_>>()
        };
        assert_eq!(
            kinds(CleanupKind::DuplicateLine),
            vec![
                "White House Advisor: 'Intensification of Our Efforts' Against ISIS",
                "The President's Dilemma: How to Defeat ISIS?"
            ]
        );
        assert_eq!(
            kinds(CleanupKind::Boilerplate),
            vec!["Watch more coverage below:"]
        );
        assert_eq!(kinds(CleanupKind::Shortcode).len(), 1);

        // "U.S. Deputy National security adviser Ben Rhodes" stays in one sentence.
        let at = SEED.find("U.S. Deputy").expect("in the seed");
        let sentence = a
            .sentences
            .iter()
            .find(|s| s.span.start <= at && at < s.span.end)
            .expect("a sentence");
        assert!(SEED[sentence.span.start..sentence.span.end].contains("Ben Rhodes said on Sunday"));

        let summary = a.summary.as_ref().expect("summary");
        assert_eq!(summary.sentence_indices.len(), 3);
        assert!(!summary.text.contains("Watch more"));
        assert!(a.sentiment.is_some_and(|s| s.score < 0.0));
        assert!(a.keyphrases.iter().any(|k| k.text == "Islamic State"));
        assert_eq!(
            a.fingerprint.as_ref().map(|f| f.content_hash.len()),
            Some(64)
        );
        assert_eq!(a, run(&input(SEED, Features::default()), None));
    }

    #[test]
    fn features_are_independent() {
        let only_quotes = run(
            &input(
                SEED,
                Features {
                    quotes: true,
                    ..Features::none()
                },
            ),
            None,
        );
        assert!(only_quotes.entities.is_empty() && only_quotes.sentences.is_empty());
        assert!(only_quotes.quotes.iter().any(|q| q.speaker == "Ben Rhodes"));
        assert_eq!(
            run(&input(SEED, Features::none()), None),
            Analysis::default()
        );
        let tokens = run(
            &input(
                "Grüße aus Zürich!",
                Features {
                    tokens: true,
                    ..Features::none()
                },
            ),
            None,
        );
        assert_eq!(tokens.tokens.len(), 3);
    }

    #[test]
    fn names_run_on_over_the_line_breaks_of_a_hard_wrapped_text() {
        // Reuters-21578 (story 337), wrapped at 65 characters.
        let text = "The U.S. economy continued to expand in\n\
            February, but at a slower pace than in January which saw a\n\
            spurt of activity, the National Association of Purchasing\n\
            Management (NAPM) said in a report.\n    \
            Robert Bretz, chairman of the NAPM's business survey\n\
            committee and director of materials management at Pitney Bowes\n\
            Inc <PBI> said the economy continued to expand in February,\n\
            but at a more subdued rate than in January.\n";
        let a = run(&input(text, Features::default()), None);
        for (name, written) in [
            (
                "National Association of Purchasing Management",
                "National Association of Purchasing\nManagement",
            ),
            ("Pitney Bowes Inc", "Pitney Bowes\nInc"),
        ] {
            let e = entity(&a, name, EntityType::Organization);
            // The mention is the text's own words, line break and all.
            let m = e
                .mentions
                .iter()
                .find(|m| m.kind == MentionKind::Name)
                .unwrap_or_else(|| panic!("{name} has no name mention"));
            assert_eq!(m.text, written);
            assert_eq!(text.get(m.span.start..m.span.end), Some(written));
        }
        assert!(
            !a.entities.iter().any(|e| e.name == "Inc"),
            "{:?}",
            a.entities
        );
        // Each paragraph is one sentence, run on over its line breaks.
        assert_eq!(a.sentences.len(), 2);
    }

    #[test]
    fn quoted_speakers_become_persons() {
        // "a déclaré" is a quote cue but not one the recogniser knows, so the
        // name is OTHER until the quote names it as the speaker.
        let text = "« Nous allons gagner cette bataille », a déclaré Zorblax Quint. Zorblax Quint est parti.";
        let a = run(&input(text, Features::default()), None);
        let zq = entity(&a, "Zorblax Quint", EntityType::Person);
        let q = a.quotes.first().expect("a quote");
        assert_eq!(q.speaker_entity_id.as_deref(), Some(zq.id.as_str()));
        assert_eq!(zq.mentions.len(), 2);
        for (i, e) in a.entities.iter().enumerate() {
            assert_eq!(e.id, format!("e{}", i + 1));
        }
    }

    /// Every span of the analysis lies on char boundaries inside the text.
    fn check_spans(text: &str, a: &Analysis) -> Result<(), String> {
        let ok = |s: Span| {
            s.start <= s.end
                && s.end <= text.len()
                && text.is_char_boundary(s.start)
                && text.is_char_boundary(s.end)
        };
        let mut spans: Vec<(Span, &str)> = Vec::new();
        spans.extend(a.sentences.iter().map(|s| (s.span, "sentence")));
        spans.extend(a.tokens.iter().map(|t| (t.span, "token")));
        for e in &a.entities {
            spans.extend(e.mentions.iter().map(|m| (m.span, "mention")));
        }
        for k in &a.keyphrases {
            spans.extend(k.spans.iter().map(|s| (*s, "keyphrase")));
        }
        for q in &a.quotes {
            spans.push((q.span, "quote"));
            spans.extend(q.attribution_span.map(|s| (s, "attribution")));
        }
        spans.extend(a.cleanup.iter().map(|c| (c.span, "cleanup")));
        for (s, what) in spans {
            if !ok(s) {
                return Err(format!("{what} span {s:?} is off the text"));
            }
        }
        for e in &a.entities {
            for m in &e.mentions {
                if text[m.span.start..m.span.end] != m.text {
                    return Err(format!("mention {m:?}"));
                }
            }
        }
        let mut mentions: Vec<Span> = a
            .entities
            .iter()
            .flat_map(|e| e.mentions.iter().map(|m| m.span))
            .collect();
        mentions.sort();
        if mentions.windows(2).any(|w| w[0].end > w[1].start) {
            return Err("overlapping mentions".into());
        }
        for t in &a.tokens {
            if super::segment::normalize(&text[t.span.start..t.span.end]) != t.normalized {
                return Err(format!("token {t:?}"));
            }
        }
        for q in &a.quotes {
            if text[q.span.start..q.span.end] != q.text {
                return Err(format!("quote {q:?}"));
            }
        }
        for c in &a.cleanup {
            // The cleanup text is the span's text cut to 200 characters.
            if !text[c.span.start..c.span.end].starts_with(&c.text) || c.text.chars().count() > 200
            {
                return Err(format!("cleanup {c:?}"));
            }
        }
        if let Some(s) = &a.summary
            && s.sentence_indices
                .iter()
                .any(|&i| i as usize >= a.sentences.len())
        {
            return Err("summary index out of range".into());
        }
        Ok(())
    }

    #[test]
    fn found_by_proptest() {
        // Spaces then a combining mark form one UAX #29 segment; a name
        // is not read across a cleaned region (the last).
        for text in ["%A%\u{113c5}", " \u{301}x", "\u{301}", "êT;B 0🌀W%A%𑎀!ਪ;h"] {
            let a = run(
                &input(
                    text,
                    Features {
                        tokens: true,
                        ..Features::default()
                    },
                ),
                None,
            );
            assert_eq!(check_spans(text, &a), Ok(()), "{text:?}");
        }
    }

    proptest::proptest! {
        // No failure files: the tree outside `analysis/` is not ours to write,
        // and found cases become unit tests instead.
        #![proptest_config(proptest::prelude::ProptestConfig {
            cases: 192,
            failure_persistence: None,
            ..proptest::prelude::ProptestConfig::default()
        })]
        #[test]
        fn any_text_is_safe_and_deterministic(parts in proptest::collection::vec(proptest::prop_oneof![
            proptest::string::string_regex("[a-z]{1,8}").expect("regex"),
            proptest::string::string_regex("[A-Z][a-z]{1,8}").expect("regex"),
            proptest::string::string_regex("[A-Z]{2,5}").expect("regex"),
            proptest::string::string_regex("[0-9]{1,4}([.,][0-9]{1,3})?").expect("regex"),
            proptest::sample::select(vec![
                " ", " ", " ", "\n", "\n\n", ".", ". ", ",", "\"", "“", "”", "«", "»", "„", "'", "’s", "?", "!", "...",
                "%", "%shareLinks-quote=\"", "\" author=\"", "\" type=\"quote\"%", "[caption id=\"x\"]", "{{", "}}",
                "😀", "👩‍👩‍👧", "東京", "。", "مرحبا", "שלום", "e\u{301}", "\u{200d}", "$", "€", "%", "U.S.", "Mr.", "said",
                "Rhodes", "Ben Rhodes", "Islamic State (ISIL)", "on Sunday", "September", "129 people", "he said", ":",
                "(", ")", "-", "--", "\t", "\r\n", "Watch more coverage below:", "http://x.y/z", "a@b.co",
                " is a ", " was the ", "the band ", "the town of ", " founded", "(born 1983)", "―", " — ",
                ", a company", " album", "Kestrel Mab",
            ]).prop_map(str::to_string),
        ], 0..60)) {
            let text: String = parts.concat();
            let features = Features { tokens: true, ..Features::default() };
            let a = run(&input(&text, features), None);
            if let Err(e) = check_spans(&text, &a) {
                return Err(proptest::test_runner::TestCaseError::fail(format!("{e} in {text:?}")));
            }
            proptest::prop_assert_eq!(&a, &run(&input(&text, features), None));
        }

        #[test]
        fn arbitrary_unicode_never_panics(text in "\\PC{0,200}") {
            let features = Features { tokens: true, ..Features::default() };
            let a = run(&input(&text, features), None);
            if let Err(e) = check_spans(&text, &a) {
                return Err(proptest::test_runner::TestCaseError::fail(format!("{e} in {text:?}")));
            }
        }
    }

    /// A document of at least `target` bytes: the seed every 40 paragraphs,
    /// otherwise generated news-like paragraphs (a fixed generator), with
    /// some non-ASCII words, quotes and shortcodes among them.
    fn long_document(target: usize) -> String {
        const WORDS: &[&str] = &[
            "officials",
            "Raqqa",
            "strikes",
            "ministry",
            "Zürich",
            "said",
            "reported",
            "government",
            "Ben",
            "Rhodes",
            "talks",
            "économie",
            "market",
            "shares",
            "fell",
            "rose",
            "police",
            "Paris",
            "on",
            "the",
            "of",
            "in",
            "and",
            "a",
            "to",
            "東京",
            "Monday",
            "percent",
            "$4.5",
            "billion",
            "killed",
            "attacks",
            "peace",
            "deal",
        ];
        let mut state: u64 = 0x2545_f491_4f6c_dd1d;
        let mut next = move |n: usize| {
            state ^= state << 13;
            state ^= state >> 7;
            state ^= state << 17;
            (state % n as u64) as usize
        };
        let mut doc = String::with_capacity(target + SEED.len());
        let mut paragraph = 0usize;
        while doc.len() < target {
            if paragraph.is_multiple_of(40) {
                doc.push_str(SEED);
            } else {
                for sentence in 0..1 + next(6) {
                    let mut words: Vec<&str> = (0..4 + next(20))
                        .map(|_| WORDS[next(WORDS.len())])
                        .collect();
                    if sentence % 3 == 2 {
                        words.insert(0, "\u{201c}We will");
                        words.push("today,\u{201d} Rhodes said");
                    }
                    let mut s = words.join(" ");
                    if let Some(first) = s.get(..1) {
                        s.replace_range(..1, &first.to_uppercase());
                    }
                    doc.push_str(&s);
                    doc.push_str(". ");
                }
                if paragraph.is_multiple_of(17) {
                    doc.push_str("[caption id=\"x\"]Photo[/caption]");
                }
            }
            doc.push_str("\n\n");
            paragraph += 1;
        }
        doc
    }

    #[test]
    fn a_document_of_several_megabytes_is_analysed_whole() {
        let text = long_document(2 * 1024 * 1024);
        let a = run(
            &input(
                &text,
                Features {
                    tokens: true,
                    ..Features::default()
                },
            ),
            None,
        );
        assert_eq!(check_spans(&text, &a), Ok(()));
        // Every stage answered, over the whole text.
        let last = a.sentences.last().map(|s| s.span.end).unwrap_or_default();
        assert!(
            last + 1000 > text.len(),
            "sentences end at {last} of {}",
            text.len()
        );
        assert!(a.tokens.len() > 200_000, "{} tokens", a.tokens.len());
        assert!(!a.entities.is_empty() && !a.keyphrases.is_empty() && !a.quotes.is_empty());
        assert!(a.cleanup.iter().any(|c| c.kind == CleanupKind::Shortcode));
        let summary = a.summary.as_ref().map(|s| s.sentence_indices.len());
        assert_eq!(summary, Some(3));
        assert!(a.sentiment.is_some() && a.fingerprint.is_some() && a.stats.is_some());
    }
}
