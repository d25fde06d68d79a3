//! The data model of an analysis: every type the stages produce.

use serde::{Deserialize, Serialize};

/// A half-open range of UTF-8 byte offsets into the analysed text.
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Default, Serialize, Deserialize,
)]
pub struct Span {
    /// The first byte of the range.
    pub start: usize,
    /// One past the last byte of the range.
    pub end: usize,
}

impl Span {
    /// Builds a span from its two ends.
    pub fn new(start: usize, end: usize) -> Self {
        Span { start, end }
    }

    /// The length of the span in bytes.
    pub fn len(&self) -> usize {
        self.end.saturating_sub(self.start)
    }

    /// Whether the span covers no byte.
    pub fn is_empty(&self) -> bool {
        self.end <= self.start
    }
}

/// Which parts of the analysis to compute.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct Features {
    /// Language identification.
    pub language: bool,
    /// Statistics and readability.
    pub stats: bool,
    /// Sentence spans with sentiment.
    pub sentences: bool,
    /// Tokens (off by default).
    pub tokens: bool,
    /// Entities.
    pub entities: bool,
    /// Key phrases.
    pub keyphrases: bool,
    /// Document sentiment.
    pub sentiment: bool,
    /// Summary.
    pub summary: bool,
    /// Quotes.
    pub quotes: bool,
    /// Cleanup report.
    pub cleanup: bool,
    /// Fingerprints.
    pub fingerprint: bool,
}

impl Default for Features {
    /// Everything but tokens, as the API's default.
    fn default() -> Self {
        Features {
            language: true,
            stats: true,
            sentences: true,
            tokens: false,
            entities: true,
            keyphrases: true,
            sentiment: true,
            summary: true,
            quotes: true,
            cleanup: true,
            fingerprint: true,
        }
    }
}

impl Features {
    /// No part at all; switch parts on one by one.
    pub fn none() -> Self {
        Features {
            language: false,
            stats: false,
            sentences: false,
            tokens: false,
            entities: false,
            keyphrases: false,
            sentiment: false,
            summary: false,
            quotes: false,
            cleanup: false,
            fingerprint: false,
        }
    }
}

/// What the pipeline is given besides the text.
#[derive(Debug, Clone)]
pub struct Input<'a> {
    /// The text to analyse (already extracted from HTML or raw bytes).
    pub text: &'a str,
    /// The document's title, if any; it counts for salience.
    pub title: Option<&'a str>,
    /// A BCP-47 language hint, trusted over detection when it names a known language.
    pub language_hint: Option<&'a str>,
    /// The date against which relative dates ("on Sunday") are resolved.
    pub reference_date: chrono::NaiveDate,
    /// The parts to compute.
    pub features: Features,
    /// How many sentences the summary holds (0 means 3).
    pub summary_sentences: usize,
}

/// The detected language of a text.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Language {
    /// ISO 639-1 code where one exists, else ISO 639-3.
    pub code: String,
    /// English name of the language.
    pub name: String,
    /// Script name, for example "Latin".
    pub script: String,
    /// Confidence 0..1.
    pub confidence: f32,
    /// Whether the detection is reliable.
    pub reliable: bool,
}

/// Text statistics and readability.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
pub struct Stats {
    /// Code points.
    pub characters: u32,
    /// Words.
    pub words: u32,
    /// Sentences.
    pub sentences: u32,
    /// Paragraphs.
    pub paragraphs: u32,
    /// Reading time in seconds at 230 words a minute.
    pub reading_time_seconds: u32,
    /// Flesch reading ease.
    pub flesch_reading_ease: f32,
    /// Flesch-Kincaid grade.
    pub flesch_kincaid_grade: f32,
}

/// The label of a sentiment.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum SentimentLabel {
    /// Clearly negative.
    Negative,
    /// Neither.
    Neutral,
    /// Clearly positive.
    Positive,
    /// Strong positive and negative parts.
    Mixed,
}

/// A sentiment score.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct Sentiment {
    /// -1..1.
    pub score: f32,
    /// 0 upwards.
    pub magnitude: f32,
    /// The label.
    pub label: SentimentLabel,
}

/// A sentence.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Sentence {
    /// Where it stands.
    pub span: Span,
    /// Its sentiment.
    pub sentiment: Sentiment,
}

/// A token.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Token {
    /// Where it stands.
    pub span: Span,
    /// Lower-cased normalized form.
    pub normalized: String,
    /// Stem of the normalized form.
    pub stem: String,
    /// Whether it is a stopword.
    pub is_stopword: bool,
}

/// The type of an entity.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
pub enum EntityType {
    /// A person.
    Person,
    /// An organization.
    Organization,
    /// A place.
    Location,
    /// A nationality, religious or political group.
    Group,
    /// A named event.
    Event,
    /// A date.
    Date,
    /// A time.
    Time,
    /// A number.
    Number,
    /// A number with a unit.
    Quantity,
    /// Money.
    Money,
    /// A percentage.
    Percent,
    /// An email address.
    Email,
    /// A URL.
    Url,
    /// A phone number.
    Phone,
    /// Any other named thing.
    Other,
}

impl EntityType {
    /// Every type, in declaration order.
    pub const ALL: [EntityType; 15] = [
        EntityType::Person,
        EntityType::Organization,
        EntityType::Location,
        EntityType::Group,
        EntityType::Event,
        EntityType::Date,
        EntityType::Time,
        EntityType::Number,
        EntityType::Quantity,
        EntityType::Money,
        EntityType::Percent,
        EntityType::Email,
        EntityType::Url,
        EntityType::Phone,
        EntityType::Other,
    ];

    /// The upper-case name used in facets and filters ("PERSON").
    pub fn as_str(self) -> &'static str {
        match self {
            EntityType::Person => "PERSON",
            EntityType::Organization => "ORGANIZATION",
            EntityType::Location => "LOCATION",
            EntityType::Group => "GROUP",
            EntityType::Event => "EVENT",
            EntityType::Date => "DATE",
            EntityType::Time => "TIME",
            EntityType::Number => "NUMBER",
            EntityType::Quantity => "QUANTITY",
            EntityType::Money => "MONEY",
            EntityType::Percent => "PERCENT",
            EntityType::Email => "EMAIL",
            EntityType::Url => "URL",
            EntityType::Phone => "PHONE",
            EntityType::Other => "OTHER",
        }
    }

    /// Parses the upper-case name (case-insensitive); also accepts ORG, LOC, PER, NORP, GPE.
    pub fn parse(name: &str) -> Option<EntityType> {
        let upper = name.trim().to_ascii_uppercase();
        match upper.as_str() {
            "PER" => return Some(EntityType::Person),
            "ORG" => return Some(EntityType::Organization),
            "LOC" | "GPE" | "PLACE" => return Some(EntityType::Location),
            "NORP" => return Some(EntityType::Group),
            _ => {}
        }
        EntityType::ALL.into_iter().find(|t| t.as_str() == upper)
    }
}

/// How a mention names its entity.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum MentionKind {
    /// The full name.
    Name,
    /// Another name (acronym, alias).
    Alias,
    /// A shortened name (surname).
    ShortName,
}

/// One mention of an entity.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Mention {
    /// Where it stands.
    pub span: Span,
    /// The text exactly as it stands.
    pub text: String,
    /// How it names the entity.
    pub kind: MentionKind,
}

/// One real-world thing and its mentions.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Entity {
    /// Unique within the analysis ("e1", "e2", ...).
    pub id: String,
    /// Canonical name.
    pub name: String,
    /// Type.
    pub entity_type: EntityType,
    /// 0..1.
    pub salience: f32,
    /// Mentions in document order.
    pub mentions: Vec<Mention>,
    /// Typed facts (date, value, unit, currency, country_code), sorted by key.
    pub metadata: Vec<(String, String)>,
}

/// A key phrase.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct KeyPhrase {
    /// The phrase as it first appears.
    pub text: String,
    /// 0..1.
    pub score: f32,
    /// Occurrences.
    pub count: u32,
    /// Where it occurs.
    pub spans: Vec<Span>,
}

/// An extractive summary.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
pub struct Summary {
    /// Indices into `Analysis::sentences`, ascending.
    pub sentence_indices: Vec<u32>,
    /// The chosen sentences joined by spaces.
    pub text: String,
}

/// Direct or indirect speech.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum QuoteKind {
    /// Verbatim in quotation marks.
    Direct,
    /// Reported speech.
    Indirect,
    /// A few of the speaker's words in quotation marks inside the writer's
    /// own sentence (`Rhodes called the deal "a historic step"`).
    Partial,
}

/// A quote and its speaker.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Quote {
    /// The quoted words, without quotation marks.
    pub span: Span,
    /// The quoted words.
    pub text: String,
    /// The id of the speaker's entity, when known.
    pub speaker_entity_id: Option<String>,
    /// The speaker's (canonical) name; empty when unknown.
    pub speaker: String,
    /// The cue verb ("said"); empty when none (for example a shortcode).
    pub cue: String,
    /// Where the attribution stands ("Rhodes said"), when there is one.
    pub attribution_span: Option<Span>,
    /// Direct or indirect.
    pub kind: QuoteKind,
}

/// Why a part of the text was set aside.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum CleanupKind {
    /// Markup.
    Markup,
    /// A CMS shortcode.
    Shortcode,
    /// A line repeating the one before.
    DuplicateLine,
    /// A boilerplate line.
    Boilerplate,
}

/// A part of the text set aside.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct CleanupItem {
    /// Why.
    pub kind: CleanupKind,
    /// Where.
    pub span: Span,
    /// The text (at most 200 characters).
    pub text: String,
}

/// Fingerprints of the normalized text.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Fingerprint {
    /// SHA-256 of the normalized text, lower-case hex.
    pub content_hash: String,
    /// 64-bit SimHash of word shingles.
    pub simhash: u64,
    /// Words in the normalized text (how much the SimHash rests on).
    #[serde(default)]
    pub words: u32,
}

/// The whole analysis of one text. Parts that were not asked for are empty/None.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
pub struct Analysis {
    /// Language.
    pub language: Option<Language>,
    /// Statistics.
    pub stats: Option<Stats>,
    /// Sentences in order.
    pub sentences: Vec<Sentence>,
    /// Tokens in order.
    pub tokens: Vec<Token>,
    /// Entities, most salient first.
    pub entities: Vec<Entity>,
    /// Key phrases, best first.
    pub keyphrases: Vec<KeyPhrase>,
    /// Document sentiment.
    pub sentiment: Option<Sentiment>,
    /// Summary.
    pub summary: Option<Summary>,
    /// Quotes in document order.
    pub quotes: Vec<Quote>,
    /// Cleanup report in document order.
    pub cleanup: Vec<CleanupItem>,
    /// Fingerprints.
    pub fingerprint: Option<Fingerprint>,
    /// The distinct stems of the words key phrases are made of, each as its
    /// [`stem_key`], ascending; computed with key phrases. Not part of the
    /// wire analysis: a store counts them into its corpus document
    /// frequencies ([`CorpusFrequencies`]).
    #[serde(default)]
    pub stems: Vec<u32>,
}

/// Document frequencies of a corpus, which the key phrase stage blends with
/// its background model of English news (see `keyphrases.rs`). The store
/// implements it for a tenant's documents; stateless analysis passes none.
pub trait CorpusFrequencies: Sync + std::fmt::Debug {
    /// Fills `out` with, for each of `stems` (as [`stem_key`]s), the number
    /// of corpus documents that hold it, and returns the number of
    /// documents in the corpus.
    fn frequencies(&self, stems: &[u32], out: &mut Vec<u32>) -> u32;
}

/// The key a stem is counted under in [`Analysis::stems`] and
/// [`CorpusFrequencies`]: the low 32 bits of its 64-bit FNV-1a hash. Two
/// stems share a key about once in four billion pairs, which at worst
/// merges the counts of two rare words.
pub fn stem_key(stem: &str) -> u32 {
    // Truncation is the point: the low half of the hash.
    (super::background::hash(stem) & u64::from(u32::MAX)) as u32
}
