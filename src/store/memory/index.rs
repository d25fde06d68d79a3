//! The tantivy schema of the in-memory index, its analyzers, and how a stored
//! document becomes an index document.
//!
//! Only what search needs is indexed; only the fast columns of slots (and
//! ids, to order ties) are read back from tantivy, because hits are resolved
//! against the documents the store keeps in RAM.

use std::cmp::Reverse;
use std::collections::BinaryHeap;

use std::collections::HashMap;
use tantivy::collector::{Collector, Count, SegmentCollector, TopDocs};
use tantivy::columnar::{Column, StrColumn};

use tantivy::query::{Bm25StatisticsProvider, Query};
use tantivy::schema::{
    FAST, Field, INDEXED, IndexRecordOption, STRING, Schema, TantivyDocument, Term,
    TextFieldIndexing, TextOptions,
};
use tantivy::tokenizer::{
    AsciiFoldingFilter, LowerCaser, RawTokenizer, RemoveLongFilter, SimpleTokenizer, TextAnalyzer,
    Token, TokenFilter, TokenStream, Tokenizer,
};
use tantivy::{DocId, Index, Score, Searcher, SegmentOrdinal, SegmentReader};

use crate::analysis::EntityType;
use crate::search::ScoreStats;
use crate::store::StoredDocument;

/// The analyzer of titles and bodies: words, lower-cased, folded to ASCII and
/// stemmed, so that "Zürich" finds "Zurich" and "strikes" finds "strike".
pub(super) const TEXT_ANALYZER: &str = "docsift_text";
/// The analyzer of names (entities, speakers): like the text analyzer but
/// without stemming, because stemming a surname only hurts.
pub(super) const NAME_ANALYZER: &str = "docsift_name";
/// The analyzer of exact values (tags, sources, languages, entity names):
/// the whole value as one lower-cased token, so matching is case-insensitive.
pub(super) const KEYWORD_ANALYZER: &str = "docsift_keyword";

/// The separator between the parts of composite values (tenant and id,
/// attribute key and value); no id or key a client sends can contain it.
pub(super) const SEPARATOR: char = '\u{1f}';

/// The name of the slot field, whose fast column hits are read from.
const SLOT_FIELD: &str = "slot";

/// Tokens longer than this are dropped, as tantivy's own analyzers do, so one
/// pathological "word" cannot bloat the index.
const MAX_TOKEN_LEN: usize = 40;

/// The index fields.
#[derive(Debug, Clone, Copy)]
pub(super) struct Fields {
    /// The tenant, exact.
    pub tenant: Field,
    /// The tenant and id joined by [`SEPARATOR`]; the term that deletes a document.
    pub key: Field,
    /// The id, exact, with a fast column from which hits are read back.
    pub id: Field,
    /// The title, analysed, with positions.
    pub title: Field,
    /// The analysed text, with positions.
    pub body: Field,
    /// The title's words unstemmed, without positions: prefix queries
    /// (`negotiat*`) must see whole words, and a stem can be shorter than the
    /// prefix asked for ("negotiators" is indexed as "negoti").
    pub title_words: Field,
    /// The text's words unstemmed, without positions, for prefix queries.
    pub body_words: Field,
    /// The language code (keyword).
    pub language: Field,
    /// The tags (keyword, multi-valued).
    pub tag: Field,
    /// The source (keyword).
    pub source: Field,
    /// Canonical entity names of every type (keyword, multi-valued).
    pub entity_name: Field,
    /// The entity types present, upper-case names (keyword, multi-valued).
    pub entity_type: Field,
    /// "type:name" of every entity (keyword, multi-valued).
    pub entity: Field,
    /// Entity names of every type, as text (for `entity:`).
    pub entity_text: Field,
    /// Person names, as text (for `person:`).
    pub entity_person: Field,
    /// Organization names, as text (for `org:`).
    pub entity_org: Field,
    /// Location names, as text (for `place:`).
    pub entity_place: Field,
    /// Quote speakers, as text (for `speaker:`).
    pub speaker: Field,
    /// Key phrases (keyword, multi-valued).
    pub keyphrase: Field,
    /// Attributes as key, [`SEPARATOR`], value (exact, case-sensitive).
    pub attribute: Field,
    /// Publication time in microseconds since the epoch (i64, indexed and fast).
    pub published: Field,
    /// The store's number of this indexed version (the sequence number of
    /// its write), fast: hits are resolved through it to documents.
    pub slot: Field,
}

/// Text options for a field analysed by `analyzer`.
fn text_options(analyzer: &str, record: IndexRecordOption) -> TextOptions {
    TextOptions::default().set_indexing_options(
        TextFieldIndexing::default()
            .set_tokenizer(analyzer)
            .set_index_option(record),
    )
}

/// Builds the schema and returns it with its fields.
pub(super) fn build_schema() -> (Schema, Fields) {
    let mut builder = Schema::builder();
    let positions = IndexRecordOption::WithFreqsAndPositions;
    let keyword = || text_options(KEYWORD_ANALYZER, IndexRecordOption::Basic);
    let fields = Fields {
        tenant: builder.add_text_field("tenant", STRING),
        key: builder.add_text_field("key", STRING),
        id: builder.add_text_field("id", STRING | FAST),
        title: builder.add_text_field("title", text_options(TEXT_ANALYZER, positions)),
        body: builder.add_text_field("body", text_options(TEXT_ANALYZER, positions)),
        title_words: builder.add_text_field(
            "title_words",
            text_options(NAME_ANALYZER, IndexRecordOption::Basic),
        ),
        body_words: builder.add_text_field(
            "body_words",
            text_options(NAME_ANALYZER, IndexRecordOption::Basic),
        ),
        language: builder.add_text_field("language", keyword()),
        tag: builder.add_text_field("tag", keyword()),
        source: builder.add_text_field("source", keyword()),
        entity_name: builder.add_text_field("entity_name", keyword()),
        entity_type: builder.add_text_field("entity_type", keyword()),
        entity: builder.add_text_field("entity", keyword()),
        entity_text: builder.add_text_field("entity_text", text_options(NAME_ANALYZER, positions)),
        entity_person: builder
            .add_text_field("entity_person", text_options(NAME_ANALYZER, positions)),
        entity_org: builder.add_text_field("entity_org", text_options(NAME_ANALYZER, positions)),
        entity_place: builder
            .add_text_field("entity_place", text_options(NAME_ANALYZER, positions)),
        speaker: builder.add_text_field("speaker", text_options(NAME_ANALYZER, positions)),
        keyphrase: builder.add_text_field("keyphrase", keyword()),
        attribute: builder.add_text_field("attribute", STRING),
        published: builder.add_i64_field("published", INDEXED | FAST),
        slot: builder.add_u64_field(SLOT_FIELD, FAST),
    };
    (builder.build(), fields)
}

/// The analyzer of titles and bodies.
pub(super) fn text_analyzer() -> TextAnalyzer {
    TextAnalyzer::builder(SimpleTokenizer::default())
        .filter(RemoveLongFilter::limit(MAX_TOKEN_LEN))
        .filter(LowerCaser)
        .filter(AsciiFoldingFilter)
        .filter(CachedEnglishStemmer)
        .build()
}

/// Words a thread keeps stemmed before it starts afresh: enough for the
/// words news repeats, small enough (well under a megabyte) that every
/// thread which indexes, parses queries or highlights can keep one.
const STEM_CACHE_WORDS: usize = 1 << 13;

thread_local! {
    /// The English stemmer and the stems this thread has computed. A stem
    /// is a pure function of the word, and news repeats its vocabulary:
    /// stemming every occurrence afresh was about a third of indexing.
    static ENGLISH_STEMS: (frostem::Stemmer, std::cell::RefCell<rustc_hash::FxHashMap<String, String>>) =
        (frostem::Stemmer::new(frostem::Algorithm::English), Default::default());
}

/// tantivy's English `Stemmer` filter (the same frostem algorithm and
/// version, so the same terms), through a per-thread cache of stems.
#[derive(Clone, Copy, Default)]
pub(super) struct CachedEnglishStemmer;

impl TokenFilter for CachedEnglishStemmer {
    type Tokenizer<T: Tokenizer> = CachedStemmerFilter<T>;

    fn transform<T: Tokenizer>(self, tokenizer: T) -> CachedStemmerFilter<T> {
        CachedStemmerFilter { inner: tokenizer }
    }
}

#[derive(Clone)]
pub(super) struct CachedStemmerFilter<T> {
    inner: T,
}

impl<T: Tokenizer> Tokenizer for CachedStemmerFilter<T> {
    type TokenStream<'a> = CachedStemmerStream<T::TokenStream<'a>>;

    fn token_stream<'a>(&'a mut self, text: &'a str) -> Self::TokenStream<'a> {
        CachedStemmerStream {
            tail: self.inner.token_stream(text),
        }
    }
}

pub(super) struct CachedStemmerStream<T> {
    tail: T,
}

impl<T: TokenStream> TokenStream for CachedStemmerStream<T> {
    fn advance(&mut self) -> bool {
        if !self.tail.advance() {
            return false;
        }
        let token = self.tail.token_mut();
        ENGLISH_STEMS.with(|(stemmer, cache)| {
            let mut cache = cache.borrow_mut();
            if let Some(stem) = cache.get(token.text.as_str()) {
                token.text.clear();
                token.text.push_str(stem);
                return;
            }
            let stem = stemmer.stem(&token.text).into_owned();
            if cache.len() >= STEM_CACHE_WORDS {
                cache.clear();
            }
            cache.insert(std::mem::replace(&mut token.text, stem.clone()), stem);
        });
        true
    }

    fn token(&self) -> &Token {
        self.tail.token()
    }

    fn token_mut(&mut self) -> &mut Token {
        self.tail.token_mut()
    }
}

/// The analyzer of names.
pub(super) fn name_analyzer() -> TextAnalyzer {
    TextAnalyzer::builder(SimpleTokenizer::default())
        .filter(RemoveLongFilter::limit(MAX_TOKEN_LEN))
        .filter(LowerCaser)
        .filter(AsciiFoldingFilter)
        .build()
}

/// The words of titles and bodies as they stand, split as the two analyzers
/// above split them, before case folding; the highlighter analyses only the
/// words that could match further.
pub(super) fn raw_word_analyzer() -> TextAnalyzer {
    TextAnalyzer::builder(SimpleTokenizer::default())
        .filter(RemoveLongFilter::limit(MAX_TOKEN_LEN))
        .build()
}

/// The analyzer of exact values.
pub(super) fn keyword_analyzer() -> TextAnalyzer {
    TextAnalyzer::builder(RawTokenizer::default())
        .filter(LowerCaser)
        .build()
}

/// Registers the store's analyzers on an index; the schema names them.
pub(super) fn register_analyzers(index: &Index) {
    let tokenizers = index.tokenizers();
    tokenizers.register(TEXT_ANALYZER, text_analyzer());
    tokenizers.register(NAME_ANALYZER, name_analyzer());
    tokenizers.register(KEYWORD_ANALYZER, keyword_analyzer());
}

/// The delete key of a document.
pub(super) fn doc_key(tenant: &str, id: &str) -> String {
    let mut key = String::with_capacity(tenant.len() + id.len() + 1);
    key.push_str(tenant);
    key.push(SEPARATOR);
    key.push_str(id);
    key
}

/// The indexed value of an attribute pair.
pub(super) fn attribute_value(key: &str, value: &str) -> String {
    doc_key(key, value)
}

/// The language a document is filed under: the detected language, else the
/// primary subtag of the client's hint, lower-cased; `None` when neither exists.
pub(super) fn language_of(doc: &StoredDocument) -> Option<String> {
    let detected = doc
        .analysis
        .language
        .as_ref()
        .map(|language| language.code.trim())
        .filter(|code| !code.is_empty());
    let code = match detected {
        Some(code) => code,
        None => doc
            .document
            .language_hint
            .split(['-', '_'])
            .next()
            .map(str::trim)
            .filter(|code| !code.is_empty())?,
    };
    Some(code.to_lowercase())
}

/// Microseconds since the epoch, the unit of the `published` field.
pub(super) fn micros(time: &chrono::DateTime<chrono::Utc>) -> i64 {
    time.timestamp_micros()
}

/// Builds the index document of a stored document, but for its slot, which
/// is known only once the write is ordered.
pub(super) fn index_document(fields: &Fields, doc: &StoredDocument) -> TantivyDocument {
    let mut out = TantivyDocument::default();
    out.add_text(fields.tenant, &doc.tenant);
    out.add_text(fields.key, doc_key(&doc.tenant, &doc.id));
    out.add_text(fields.id, &doc.id);
    if !doc.document.title.is_empty() {
        out.add_text(fields.title, &doc.document.title);
        out.add_text(fields.title_words, &doc.document.title);
    }
    let body = doc.document.analyzed_text();
    out.add_text(fields.body, &*body);
    out.add_text(fields.body_words, &*body);
    if let Some(language) = language_of(doc) {
        out.add_text(fields.language, language);
    }
    for tag in &doc.document.tags {
        out.add_text(fields.tag, tag);
    }
    if !doc.document.source.is_empty() {
        out.add_text(fields.source, &doc.document.source);
    }
    let mut types: Vec<EntityType> = Vec::new();
    for entity in &doc.analysis.entities {
        if !types.contains(&entity.entity_type) {
            types.push(entity.entity_type);
        }
        out.add_text(fields.entity_name, &entity.name);
        out.add_text(
            fields.entity,
            format!("{}:{}", entity.entity_type.as_str(), entity.name),
        );
        out.add_text(fields.entity_text, &entity.name);
        let typed = match entity.entity_type {
            EntityType::Person => Some(fields.entity_person),
            EntityType::Organization => Some(fields.entity_org),
            EntityType::Location => Some(fields.entity_place),
            _ => None,
        };
        if let Some(field) = typed {
            out.add_text(field, &entity.name);
        }
    }
    for entity_type in types {
        out.add_text(fields.entity_type, entity_type.as_str());
    }
    for quote in &doc.analysis.quotes {
        if !quote.speaker.is_empty() {
            out.add_text(fields.speaker, &quote.speaker);
        }
    }
    for phrase in &doc.analysis.keyphrases {
        out.add_text(fields.keyphrase, &phrase.text);
    }
    for (key, value) in &doc.document.attributes {
        out.add_text(fields.attribute, attribute_value(key, value));
    }
    if let Some(published) = &doc.document.published_at {
        out.add_i64(fields.published, micros(published));
    }
    out
}

/// The slot of a match, read from the slot's fast column; `None` for a
/// document without one (every index document has one).
fn slot_of(slots: &Column<u64>, doc: DocId) -> Option<u64> {
    slots.first(doc)
}

/// The slot column of a segment.
fn slot_column(segment: &SegmentReader) -> tantivy::Result<Column<u64>> {
    segment.fast_fields().u64(SLOT_FIELD)
}

/// A collector of every match: its slot and, when asked, its score.
/// Facets and date orders need all matches, for the total, the counts and
/// an order that is stable across pages.
pub(super) struct AllMatches {
    /// Whether scores are computed (relevance order) or left at zero.
    pub scored: bool,
}

/// The per-segment half of [`AllMatches`].
pub(super) struct SegmentMatches {
    slots: Column<u64>,
    matches: Vec<(u64, Score)>,
}

impl Collector for AllMatches {
    type Fruit = Vec<(u64, Score)>;
    type Child = SegmentMatches;

    fn for_segment(
        &self,
        _segment_local_id: SegmentOrdinal,
        segment: &SegmentReader,
    ) -> tantivy::Result<SegmentMatches> {
        Ok(SegmentMatches {
            slots: slot_column(segment)?,
            matches: Vec::new(),
        })
    }

    fn requires_scoring(&self) -> bool {
        self.scored
    }

    fn merge_fruits(&self, fruits: Vec<Vec<(u64, Score)>>) -> tantivy::Result<Self::Fruit> {
        Ok(fruits.into_iter().flatten().collect())
    }
}

impl SegmentCollector for SegmentMatches {
    type Fruit = Vec<(u64, Score)>;

    fn collect(&mut self, doc: DocId, score: Score) {
        if let Some(slot) = slot_of(&self.slots, doc) {
            self.matches.push((slot, score));
        }
    }

    fn harvest(self) -> Self::Fruit {
        self.matches
    }
}

/// The best `limit` matches by score, as slots, and the number of all
/// matches, without walking every match with its score: the count is taken
/// without scoring and the top documents with tantivy's pruning top-k
/// collector. The order of equal scores is tantivy's, not yet by id.
pub(super) fn top_by_score(
    searcher: &Searcher,
    stats: &dyn Bm25StatisticsProvider,
    query: &dyn Query,
    limit: usize,
) -> tantivy::Result<(Vec<(u64, Score)>, u64)> {
    if limit == 0 {
        return Ok((Vec::new(), searcher.search(query, &Count)? as u64));
    }
    let (total, top) = searcher.search_with_statistics_provider(
        query,
        &(Count, TopDocs::with_limit(limit).order_by_score()),
        stats,
    )?;
    let total = total as u64;
    let mut columns: Vec<(SegmentOrdinal, Column<u64>)> = Vec::new();
    let mut out = Vec::with_capacity(top.len());
    for (score, address) in top {
        let at = match columns
            .iter()
            .position(|(segment, _)| *segment == address.segment_ord)
        {
            Some(at) => at,
            None => {
                let column = slot_column(searcher.segment_reader(address.segment_ord))?;
                columns.push((address.segment_ord, column));
                columns.len() - 1
            }
        };
        if let Some(slot) = slot_of(&columns[at].1, address.doc_id) {
            out.push((slot, score));
        }
    }
    Ok((out, total))
}

/// A collector of the best `limit` matches by score, ties by id, exactly:
/// every match is scored, and each segment keeps its best `limit` by score
/// and id ordinal (a segment's id ordinals sort as its ids do). With
/// `after`, only matches that come after that (score, id) in this order
/// count: the next page of a keyset-paged search. The fruit holds each
/// segment's best, as slots, for the caller to order by score and id and
/// cut to `limit`.
pub(super) struct TopByScoreThenId {
    /// How many matches to keep.
    pub limit: usize,
    /// Keep only matches after this score and id.
    pub after: Option<(Score, String)>,
}

/// A candidate of [`TopByScoreThenId`] in a segment: better is greater.
#[derive(Debug, Clone, Copy)]
struct Candidate {
    score: Score,
    ord: u64,
    doc: DocId,
}

impl PartialEq for Candidate {
    fn eq(&self, other: &Self) -> bool {
        self.cmp(other) == std::cmp::Ordering::Equal
    }
}

impl Eq for Candidate {}

impl PartialOrd for Candidate {
    fn partial_cmp(&self, other: &Self) -> Option<std::cmp::Ordering> {
        Some(self.cmp(other))
    }
}

impl Ord for Candidate {
    /// Higher scores first, then lower ordinals (earlier ids).
    fn cmp(&self, other: &Self) -> std::cmp::Ordering {
        self.score
            .total_cmp(&other.score)
            .then_with(|| other.ord.cmp(&self.ord))
    }
}

/// The per-segment half of [`TopByScoreThenId`].
pub(super) struct SegmentTop {
    ids: Option<StrColumn>,
    slots: Column<u64>,
    limit: usize,
    after: Option<(Score, String)>,
    /// A buffer for reading ids back (only on a tie with `after`).
    id: String,
    /// The best candidates so far, the worst on top.
    heap: BinaryHeap<Reverse<Candidate>>,
}

impl Collector for TopByScoreThenId {
    type Fruit = Vec<(u64, Score)>;
    type Child = SegmentTop;

    fn for_segment(
        &self,
        _segment_local_id: SegmentOrdinal,
        segment: &SegmentReader,
    ) -> tantivy::Result<SegmentTop> {
        Ok(SegmentTop {
            ids: segment.fast_fields().str("id")?,
            slots: slot_column(segment)?,
            limit: self.limit,
            after: self.after.clone(),
            id: String::new(),
            heap: BinaryHeap::with_capacity(self.limit.min(1024) + 1),
        })
    }

    fn requires_scoring(&self) -> bool {
        true
    }

    fn merge_fruits(&self, fruits: Vec<Vec<(u64, Score)>>) -> tantivy::Result<Self::Fruit> {
        Ok(fruits.into_iter().flatten().collect())
    }
}

impl SegmentCollector for SegmentTop {
    type Fruit = Vec<(u64, Score)>;

    fn collect(&mut self, doc: DocId, score: Score) {
        if self.limit == 0 {
            return;
        }
        let Some(ids) = self.ids.as_ref() else {
            return;
        };
        let Some(ord) = ids.term_ords(doc).next() else {
            return;
        };
        if let Some((after_score, after_id)) = &self.after {
            match score.total_cmp(after_score) {
                std::cmp::Ordering::Greater => return,
                std::cmp::Ordering::Equal => {
                    // A tie with the last hit of the previous page: the id decides.
                    if !matches!(ids.ord_to_str(ord, &mut self.id), Ok(true))
                        || self.id.as_str() <= after_id.as_str()
                    {
                        return;
                    }
                }
                std::cmp::Ordering::Less => {}
            }
        }
        let candidate = Candidate { score, ord, doc };
        if self.heap.len() < self.limit {
            self.heap.push(Reverse(candidate));
        } else if let Some(mut worst) = self.heap.peek_mut()
            && candidate > worst.0
        {
            *worst = Reverse(candidate);
        }
    }

    fn harvest(self) -> Self::Fruit {
        self.heap
            .into_iter()
            .filter_map(|Reverse(candidate)| {
                slot_of(&self.slots, candidate.doc).map(|slot| (slot, candidate.score))
            })
            .collect()
    }
}

/// The statistics BM25 scores a query with, frozen: what [`ScoreStats`]
/// holds is answered from it, anything else (a term or field it does not
/// hold) from the live searcher.
pub(super) struct FrozenStats<'a> {
    live: &'a Searcher,
    docs: u64,
    tokens: HashMap<Field, u64>,
    doc_freqs: HashMap<Term, u64>,
}

/// The terms a query names and the fields it scores, in the query's order.
fn query_terms(query: &dyn Query) -> (Vec<Term>, Vec<Field>) {
    let mut terms: Vec<Term> = Vec::new();
    let mut fields: Vec<Field> = Vec::new();
    query.query_terms(&mut |term, _| {
        if !fields.contains(&term.field()) {
            fields.push(term.field());
        }
        terms.push(term.clone());
    });
    (terms, fields)
}

impl<'a> FrozenStats<'a> {
    /// The current statistics of the terms and fields of `query`.
    pub(super) fn capture(searcher: &Searcher, query: &dyn Query) -> tantivy::Result<ScoreStats> {
        let (terms, fields) = query_terms(query);
        let mut tokens = Vec::with_capacity(fields.len());
        for field in fields {
            tokens.push((field.field_id(), searcher.total_num_tokens(field)?));
        }
        let mut doc_freqs = Vec::with_capacity(terms.len());
        for term in &terms {
            doc_freqs.push(searcher.doc_freq(term)?);
        }
        Ok(ScoreStats {
            expansion: Vec::new(),
            docs: searcher.total_num_docs()?,
            tokens,
            doc_freqs,
        })
    }

    /// A provider answering from `stats`, captured for the same `query`.
    pub(super) fn new(live: &'a Searcher, stats: &ScoreStats, query: &dyn Query) -> Self {
        let (terms, _) = query_terms(query);
        FrozenStats {
            live,
            docs: stats.docs,
            tokens: stats
                .tokens
                .iter()
                .map(|(field, count)| (Field::from_field_id(*field), *count))
                .collect(),
            doc_freqs: terms
                .into_iter()
                .zip(stats.doc_freqs.iter().copied())
                .collect(),
        }
    }
}

impl Bm25StatisticsProvider for FrozenStats<'_> {
    fn total_num_tokens(&self, field: Field) -> tantivy::Result<u64> {
        match self.tokens.get(&field) {
            Some(count) if self.docs > 0 => Ok(*count),
            _ => self.live.total_num_tokens(field),
        }
    }

    fn total_num_docs(&self) -> tantivy::Result<u64> {
        if self.docs > 0 {
            Ok(self.docs)
        } else {
            self.live.total_num_docs()
        }
    }

    fn doc_freq(&self, term: &Term) -> tantivy::Result<u64> {
        let count = match self.doc_freqs.get(term) {
            Some(count) if self.docs > 0 => *count,
            _ => self.live.doc_freq(term)?,
        };
        // tantivy asserts that no term is in more documents than the index
        // holds; a frozen count and a live one must not break that.
        Ok(count.min(self.total_num_docs()?))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use tantivy::tokenizer::{Language, Stemmer};

    fn terms(analyzer: &mut TextAnalyzer, text: &str) -> Vec<(String, usize, usize, usize)> {
        let mut stream = analyzer.token_stream(text);
        let mut out = Vec::new();
        while stream.advance() {
            let t = stream.token();
            out.push((t.text.clone(), t.position, t.offset_from, t.offset_to));
        }
        out
    }

    #[test]
    fn cached_stemming_gives_tantivys_terms() {
        let mut reference = TextAnalyzer::builder(SimpleTokenizer::default())
            .filter(RemoveLongFilter::limit(MAX_TOKEN_LEN))
            .filter(LowerCaser)
            .filter(AsciiFoldingFilter)
            .filter(Stemmer::new(Language::English))
            .build();
        let mut ours = text_analyzer();
        let seed = include_str!("../../../seeds/000_3db58b10b3ad52bf.txt");
        let mut texts = vec![
            seed.to_string(),
            "Strikes striking struck; generously generous GENERATION Zürich's naïve café".into(),
            "running runs ran runner's agreed agreement agreeing".repeat(3),
            String::new(),
        ];
        // Many distinct words, each twice (a miss, then a hit).
        let syllables = [
            "ab", "ing", "tion", "ed", "ly", "ness", "er", "ies", "s", "al",
        ];
        let words: Vec<String> = (0..2000)
            .map(|i| {
                let a = syllables[i % 10];
                let b = syllables[(i / 10) % 10];
                let c = syllables[(i / 100) % 10];
                format!("w{a}{b}{c}")
            })
            .collect();
        texts.push(words.join(" "));
        texts.push(words.join(" "));
        for text in &texts {
            assert_eq!(terms(&mut ours, text), terms(&mut reference, text));
        }
    }
}
