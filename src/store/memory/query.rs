//! The query-string language of search and watch, filters, and the terms to
//! highlight.
//!
//! The string is parsed by tantivy's query grammar into a user AST, which is
//! rewritten here before tantivy's `QueryParser` turns it into a query: the
//! field prefixes users write (`person:`, `tag:`, ...) are mapped to index
//! fields, unknown prefixes (including internal fields such as `tenant`) are
//! refused, and `term*` becomes a real prefix query. Working on the AST rather
//! than on the string avoids any quoting pitfalls.

use std::ops::Bound;

use tantivy::query::{
    AllQuery, BooleanQuery, BoostQuery, ConstScoreQuery, Occur, PhraseQuery, Query, QueryParser,
    QueryParserError, RangeQuery, TermQuery, TermSetQuery,
};
use tantivy::query_grammar::{self, Delimiter, UserInputAst, UserInputLeaf, UserInputLiteral};
use tantivy::schema::{Field, IndexRecordOption, Term};
use tantivy::tokenizer::TextAnalyzer;
use tantivy::{Index, Score, Searcher};

use super::highlight::{Highlighter, Matcher};
use super::index::{self, Fields};
use crate::error::{Error, Result};
use crate::search::{Filter, QuerySyntax, plain_text_words};

/// The longest query string accepted, in bytes; longer strings are refused
/// before parsing so a single request cannot make the parser work for long.
pub(super) const MAX_QUERY_BYTES: usize = 8 * 1024;
/// The deepest nesting of parentheses accepted: the grammar is recursive, and
/// thousands of open parentheses would exhaust the stack.
const MAX_NESTING: usize = 32;
/// The most `NOT` operators accepted: the grammar recurses on each of a run
/// of them, and a few thousand exhaust the stack.
const MAX_NOTS: usize = 32;
/// The largest phrase slop honoured; larger values are clamped.
const MAX_SLOP: u32 = 64;
/// The largest boost honoured; larger values are clamped.
const MAX_BOOST: f64 = 1000.0;

/// The weight of a match in a title against one in a body.
const TITLE_BOOST: f32 = 1.0;

/// The slop of the phrase of each pair of adjacent words of a plain-text
/// query (stop words already left out). Tuned on Cranfield's odd-numbered
/// queries with the boost below (README, "Quality, measured").
const PAIR_SLOP: u32 = 5;
/// The weight of the phrase of each pair of adjacent words of a plain-text
/// query, against 1 for each word.
const PAIR_BOOST: f32 = 0.25;

/// How many of a plain-text search's best hits its feedback terms come from
/// (this and the two below tuned on Cranfield's odd-numbered queries).
pub(super) const FEEDBACK_DOCS: usize = 10;
/// How much of each of those hits' text feedback reads, in bytes (a
/// document may hold megabytes; its start is what its score mostly rests on).
pub(super) const FEEDBACK_TEXT_BYTES: usize = 16 * 1024;
/// How many feedback terms a plain-text search adds.
pub(super) const FEEDBACK_TERMS: usize = 10;
/// The weight of each feedback term, against 1 for each word of the text.
/// All weigh the same: the BM25 score of a term already carries its IDF
/// and its frequency in the document, and weighting terms by how they were
/// chosen as well (0.5 for the first, the others in proportion, before
/// 2026-12-03) counted their IDF twice and left the later terms next to
/// nothing (README, "Quality, measured").
pub(super) const FEEDBACK_WEIGHT: f32 = 0.4;

/// The fields users can name in a query, as they write them.
const USER_FIELDS: &str =
    "title, body, entity, person, org, place, speaker, tag, lang, source, keyphrase";

/// How a user field's values are analysed, which decides how a prefix is matched.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Kind {
    /// Analysed and stemmed text (title, body).
    Text,
    /// Analysed names without stemming.
    Name,
    /// Whole values, lower-cased.
    Keyword,
}

/// Where a literal of the query applies.
#[derive(Debug, Clone, Copy)]
enum Target {
    /// No prefix: the default fields, title and body.
    Default,
    /// One index field.
    Field(Field, Kind),
}

/// Terms to highlight, per field.
#[derive(Debug, Default, Clone)]
pub(super) struct HighlightTerms {
    /// Matchers for the title.
    pub title: Vec<Matcher>,
    /// Matchers for the body.
    pub body: Vec<Matcher>,
}

/// A parsed query string.
pub(super) struct ParsedQuery {
    /// The query, without tenant or filter.
    pub query: Box<dyn Query>,
    /// What to highlight in titles and bodies.
    pub highlight: HighlightTerms,
    /// Whether the query is built of terms and phrases alone (no prefix,
    /// no set, no match-all), so that the postings of the terms it names,
    /// as [`postings_bound`] counts them, bound what running it costs.
    pub simple: bool,
}

/// Turns query strings and filters into tantivy queries.
#[derive(Clone)]
pub(super) struct QueryBuilder {
    parser: QueryParser,
    fields: Fields,
    text: TextAnalyzer,
    name: TextAnalyzer,
    keyword: TextAnalyzer,
}

impl QueryBuilder {
    /// Builds the query builder of an index whose analyzers are registered.
    pub(super) fn new(index: &Index, fields: Fields) -> QueryBuilder {
        let mut parser = QueryParser::for_index(index, vec![fields.title, fields.body]);
        // Titles and bodies weigh alike: the title is a field of its own,
        // so a word of the title already adds a score of its own (short
        // fields score high) to the body's. A boost of 2 on top of that
        // ranked worse on Cranfield (nDCG@10 0.361 against 0.374 with
        // both at 1, README).
        parser.set_field_boost(fields.title, TITLE_BOOST);
        parser.set_field_boost(fields.title_words, TITLE_BOOST);
        // Regexes are only ever built by this module (for `term*`); user
        // regexes are refused while rewriting the AST.
        parser.allow_regexes();
        QueryBuilder {
            parser,
            fields,
            text: index::text_analyzer(),
            name: index::name_analyzer(),
            keyword: index::keyword_analyzer(),
        }
    }

    /// Maps a field name as users write it to its index field.
    fn user_field(&self, name: &str) -> Option<(Field, Kind)> {
        let f = &self.fields;
        let field = match name.to_lowercase().as_str() {
            "title" => (f.title, Kind::Text),
            "body" | "text" => (f.body, Kind::Text),
            "entity" | "entities" => (f.entity_text, Kind::Name),
            "person" | "people" => (f.entity_person, Kind::Name),
            "org" | "organization" | "organisation" => (f.entity_org, Kind::Name),
            "place" | "location" | "loc" => (f.entity_place, Kind::Name),
            "speaker" => (f.speaker, Kind::Name),
            "tag" | "tags" => (f.tag, Kind::Keyword),
            "lang" | "language" => (f.language, Kind::Keyword),
            "source" => (f.source, Kind::Keyword),
            "keyphrase" | "keyphrases" => (f.keyphrase, Kind::Keyword),
            _ => return None,
        };
        Some(field)
    }

    /// Parses a query string read as `syntax`.
    pub(super) fn parse_as(&self, query: &str, syntax: QuerySyntax) -> Result<ParsedQuery> {
        match syntax {
            QuerySyntax::QueryLanguage => self.parse(query),
            QuerySyntax::PlainText => self.parse_plain(query),
        }
    }

    /// Builds the query of a natural-language text ([`QuerySyntax::PlainText`]):
    /// each distinct word of it ([`plain_text_words`]) in titles and bodies,
    /// and each pair of adjacent words as a phrase of slop [`PAIR_SLOP`]
    /// weighted [`PAIR_BOOST`], all optional, so any word matches and
    /// documents holding the words of the text near each other rank first.
    /// (Relevance order then adds feedback terms: [`QueryBuilder::with_feedback`].)
    /// Only terms and phrases: the query is [`ParsedQuery::simple`]. A text
    /// without a word matches everything, as an empty query string does.
    fn parse_plain(&self, text: &str) -> Result<ParsedQuery> {
        if text.len() > MAX_QUERY_BYTES {
            return Err(Error::invalid(
                "query",
                format!(
                    "the query is {} bytes long; at most {MAX_QUERY_BYTES} are allowed",
                    text.len()
                ),
            ));
        }
        let words = plain_text_words(text);
        if words.is_empty() {
            return self.parse("");
        }
        let literal = |phrase: String, delimiter: Delimiter, slop: u32| {
            UserInputAst::Leaf(Box::new(UserInputLeaf::Literal(UserInputLiteral {
                field_name: None,
                phrase,
                delimiter,
                slop,
                prefix: false,
            })))
        };
        let should = Some(query_grammar::Occur::Should);
        let mut clauses: Vec<(Option<query_grammar::Occur>, UserInputAst)> = Vec::new();
        for word in &words {
            let leaf = literal(word.clone(), Delimiter::None, 0);
            if !clauses.iter().any(|(_, clause)| *clause == leaf) {
                clauses.push((should, leaf));
            }
        }
        let mut pairs = Vec::new();
        for pair in words.windows(2) {
            if pair[0] == pair[1] || pairs.contains(&pair) {
                continue;
            }
            pairs.push(pair);
            let phrase = literal(pair.join(" "), Delimiter::DoubleQuotes, PAIR_SLOP);
            clauses.push((
                should,
                UserInputAst::Boost(Box::new(phrase), f64::from(PAIR_BOOST).into()),
            ));
        }
        let mut highlight = HighlightTerms::default();
        let ast = self.rewrite(UserInputAst::Clause(clauses), false, &mut highlight)?;
        let query = self
            .parser
            .build_query_from_user_input_ast(ast)
            .map_err(parser_error)?;
        Ok(ParsedQuery {
            query: flatten_unions(query),
            highlight,
            simple: true,
        })
    }

    /// Parses a query string; "" (or only spaces) matches everything.
    pub(super) fn parse(&self, query: &str) -> Result<ParsedQuery> {
        if query.len() > MAX_QUERY_BYTES {
            return Err(Error::invalid(
                "query",
                format!(
                    "the query is {} bytes long; at most {MAX_QUERY_BYTES} are allowed",
                    query.len()
                ),
            ));
        }
        if query.trim().is_empty() {
            return Ok(ParsedQuery {
                query: Box::new(AllQuery),
                highlight: HighlightTerms::default(),
                simple: false,
            });
        }
        let ast = match plain_words(query) {
            Some(ast) => ast,
            None => grammar_ast(query)?,
        };
        let simple = is_simple(&ast);
        let mut highlight = HighlightTerms::default();
        let ast = self.rewrite(ast, false, &mut highlight)?;
        let query = self
            .parser
            .build_query_from_user_input_ast(ast)
            .map_err(parser_error)?;
        let query = flatten_unions(query);
        Ok(ParsedQuery {
            query,
            highlight,
            simple,
        })
    }

    /// Rewrites the user AST: maps fields, builds prefix queries, clamps
    /// slops and boosts, and gathers the terms to highlight from every part
    /// that is not negated.
    fn rewrite(
        &self,
        ast: UserInputAst,
        negated: bool,
        highlight: &mut HighlightTerms,
    ) -> Result<UserInputAst> {
        match ast {
            UserInputAst::Clause(children) => {
                let mut out = Vec::with_capacity(children.len());
                for (occur, child) in children {
                    let child_negated = negated ^ (occur == Some(query_grammar::Occur::MustNot));
                    out.push((occur, self.rewrite(child, child_negated, highlight)?));
                }
                // "-storm" alone means everything but storms, as in the
                // search engines users know, and so does the "NOT storm" of
                // "flood AND NOT storm", which the grammar makes a clause
                // of its own; tantivy matches nothing with a purely
                // negative clause.
                if !out.is_empty()
                    && out
                        .iter()
                        .all(|(occur, _)| *occur == Some(query_grammar::Occur::MustNot))
                {
                    out.push((
                        Some(query_grammar::Occur::Should),
                        UserInputAst::Leaf(Box::new(UserInputLeaf::All)),
                    ));
                }
                Ok(UserInputAst::Clause(out))
            }
            UserInputAst::Boost(inner, boost) => {
                let value = boost.into_inner();
                let value = if value.is_finite() {
                    value.clamp(0.0, MAX_BOOST)
                } else {
                    1.0
                };
                let inner = self.rewrite(*inner, negated, highlight)?;
                Ok(UserInputAst::Boost(Box::new(inner), value.into()))
            }
            UserInputAst::Leaf(leaf) => self.rewrite_leaf(*leaf, negated, highlight),
        }
    }

    /// The target of a field name written by the user, or an error naming
    /// the fields that exist.
    fn target(&self, field_name: Option<&str>) -> Result<Target> {
        match field_name {
            None => Ok(Target::Default),
            Some(name) => match self.user_field(name) {
                Some((field, kind)) => Ok(Target::Field(field, kind)),
                None => Err(Error::invalid(
                    "query",
                    format!(
                        "unknown field {name:?}; the fields are {USER_FIELDS} (quote the \
                         text to search for a colon)"
                    ),
                )),
            },
        }
    }

    /// The index field name of a target field, as the query parser knows it.
    fn field_name(&self, field: Field) -> String {
        let f = &self.fields;
        let pairs = [
            (f.title, "title"),
            (f.body, "body"),
            (f.title_words, "title_words"),
            (f.body_words, "body_words"),
            (f.entity_text, "entity_text"),
            (f.entity_person, "entity_person"),
            (f.entity_org, "entity_org"),
            (f.entity_place, "entity_place"),
            (f.speaker, "speaker"),
            (f.tag, "tag"),
            (f.language, "language"),
            (f.source, "source"),
            (f.keyphrase, "keyphrase"),
        ];
        pairs
            .iter()
            .find(|(candidate, _)| *candidate == field)
            .map(|(_, name)| (*name).to_string())
            .unwrap_or_default()
    }

    fn rewrite_leaf(
        &self,
        leaf: UserInputLeaf,
        negated: bool,
        highlight: &mut HighlightTerms,
    ) -> Result<UserInputAst> {
        let leaf = match leaf {
            UserInputLeaf::Literal(literal) => {
                return self.rewrite_literal(literal, negated, highlight);
            }
            UserInputLeaf::All => UserInputLeaf::All,
            UserInputLeaf::Set { field, elements } => {
                let field = match self.target(field.as_deref())? {
                    Target::Default => None,
                    Target::Field(field, _) => Some(self.field_name(field)),
                };
                UserInputLeaf::Set { field, elements }
            }
            UserInputLeaf::Range { field, .. } => {
                return Err(Error::invalid(
                    "query",
                    format!(
                        "range queries are not supported{}; use the published_at filter",
                        field.map(|f| format!(" (on {f:?})")).unwrap_or_default()
                    ),
                ));
            }
            UserInputLeaf::Exists { field } => {
                return Err(Error::invalid(
                    "query",
                    format!("\"{field}:*\" (field exists) is not supported"),
                ));
            }
            UserInputLeaf::Regex { .. } => {
                return Err(Error::invalid(
                    "query",
                    "regular expressions are not supported; use term* for a prefix",
                ));
            }
        };
        Ok(UserInputAst::Leaf(Box::new(leaf)))
    }

    fn rewrite_literal(
        &self,
        mut literal: UserInputLiteral,
        negated: bool,
        highlight: &mut HighlightTerms,
    ) -> Result<UserInputAst> {
        let target = self.target(literal.field_name.as_deref())?;
        literal.slop = literal.slop.min(MAX_SLOP);
        let is_prefix = literal.delimiter == Delimiter::None
            && literal.phrase.len() > 1
            && literal.phrase.ends_with('*')
            && !literal.phrase[..literal.phrase.len() - 1].contains('*');
        if is_prefix {
            let stem = literal.phrase.trim_end_matches('*').to_string();
            return Ok(self.prefix(target, &stem, negated, highlight));
        }
        if !negated {
            self.gather(target, &literal.phrase, literal.slop, highlight);
        }
        literal.field_name = match target {
            Target::Default => None,
            Target::Field(field, _) => Some(self.field_name(field)),
        };
        Ok(UserInputAst::Leaf(Box::new(UserInputLeaf::Literal(
            literal,
        ))))
    }

    /// Adds what a literal matches in titles and bodies to the highlights.
    fn gather(&self, target: Target, phrase: &str, slop: u32, highlight: &mut HighlightTerms) {
        let (title, body) = match target {
            Target::Default => (true, true),
            Target::Field(field, _) => (field == self.fields.title, field == self.fields.body),
        };
        if !title && !body {
            return;
        }
        let terms = tokens(&self.text, phrase);
        let matcher = match terms.len() {
            0 => return,
            1 => Matcher::Term(terms.into_iter().next().unwrap_or_default()),
            _ => Matcher::Phrase { terms, slop },
        };
        if title {
            highlight.title.push(matcher.clone());
        }
        if body {
            highlight.body.push(matcher);
        }
    }

    /// Builds the AST of `stem*` on a target.
    fn prefix(
        &self,
        target: Target,
        stem: &str,
        negated: bool,
        highlight: &mut HighlightTerms,
    ) -> UserInputAst {
        match target {
            Target::Default => {
                let clauses = [
                    (self.fields.title, Kind::Text),
                    (self.fields.body, Kind::Text),
                ]
                .into_iter()
                .map(|(field, kind)| {
                    let ast = self.prefix(Target::Field(field, kind), stem, negated, highlight);
                    (Some(query_grammar::Occur::Should), ast)
                })
                .collect();
                UserInputAst::Clause(clauses)
            }
            Target::Field(field, kind) => {
                let field_name = Some(self.field_name(field));
                let words = match kind {
                    Kind::Keyword => tokens(&self.keyword, stem),
                    Kind::Text | Kind::Name => tokens(&self.name, stem),
                };
                if words.len() > 1 {
                    // Several words: a phrase whose last word is a prefix,
                    // which tantivy supports natively.
                    if !negated {
                        self.gather(target, &words.join(" "), 0, highlight);
                    }
                    return UserInputAst::Leaf(Box::new(UserInputLeaf::Literal(
                        UserInputLiteral {
                            field_name,
                            phrase: words.join(" "),
                            delimiter: Delimiter::DoubleQuotes,
                            slop: 0,
                            prefix: true,
                        },
                    )));
                }
                let Some(word) = words.into_iter().next() else {
                    // Nothing searchable before the star: an empty clause,
                    // which the query parser drops.
                    return UserInputAst::Clause(Vec::new());
                };
                // Stemmed fields are searched through their unstemmed copies,
                // where whole words stand.
                let regex_field = if field == self.fields.title {
                    self.fields.title_words
                } else if field == self.fields.body {
                    self.fields.body_words
                } else {
                    field
                };
                if !negated && kind == Kind::Text {
                    let matcher = Matcher::Prefix(word.clone());
                    if field == self.fields.title {
                        highlight.title.push(matcher);
                    } else if field == self.fields.body {
                        highlight.body.push(matcher);
                    }
                }
                UserInputAst::Leaf(Box::new(UserInputLeaf::Regex {
                    field: Some(self.field_name(regex_field)),
                    pattern: format!("{}.*", regex_escape(&word)),
                }))
            }
        }
    }

    /// Builds the queries of a filter, each to be a required clause.
    pub(super) fn filter(&self, filter: &Filter) -> Vec<Box<dyn Query>> {
        let f = &self.fields;
        let mut out: Vec<Box<dyn Query>> = Vec::new();
        let keyword_term =
            |field: Field, value: &str| Term::from_field_text(field, &value.to_lowercase());
        if !filter.languages.is_empty() {
            let terms = filter
                .languages
                .iter()
                .map(|v| keyword_term(f.language, v.trim()));
            out.push(Box::new(TermSetQuery::new(terms)));
        }
        for tag in &filter.tags {
            out.push(term_query(keyword_term(f.tag, tag)));
        }
        if !filter.sources.is_empty() {
            let terms = filter.sources.iter().map(|v| keyword_term(f.source, v));
            out.push(Box::new(TermSetQuery::new(terms)));
        }
        for entity in &filter.entities {
            out.push(term_query(keyword_term(f.entity_name, entity)));
        }
        if !filter.entity_types.is_empty() {
            let terms = filter
                .entity_types
                .iter()
                .map(|t| keyword_term(f.entity_type, t.as_str()));
            out.push(Box::new(TermSetQuery::new(terms)));
        }
        for (key, value) in &filter.attributes {
            let term = Term::from_field_text(f.attribute, &index::attribute_value(key, value));
            out.push(term_query(term));
        }
        let lower = filter
            .published_after
            .map(|t| Bound::Included(Term::from_field_i64(f.published, index::micros(&t))));
        let upper = filter
            .published_before
            .map(|t| Bound::Excluded(Term::from_field_i64(f.published, index::micros(&t))));
        if lower.is_some() || upper.is_some() {
            out.push(Box::new(RangeQuery::new(
                lower.unwrap_or(Bound::Unbounded),
                upper.unwrap_or(Bound::Unbounded),
            )));
        }
        out
    }

    /// The query of a tenant's documents.
    pub(super) fn tenant(&self, tenant: &str) -> Box<dyn Query> {
        term_query(Term::from_field_text(self.fields.tenant, tenant))
    }

    /// Combines a scored query with the tenant and the filter, which must all
    /// hold but add nothing to the score. For a query that outlives one
    /// searcher (a watch); a search uses [`QueryBuilder::restrict_in`].
    pub(super) fn restrict(
        &self,
        tenant: &str,
        scored: Box<dyn Query>,
        filter: &Filter,
    ) -> Box<dyn Query> {
        self.restrict_with(Some(tenant), scored, filter)
    }

    /// [`QueryBuilder::restrict`] for one search on `searcher`: when every
    /// document in the searcher's segments is the tenant's, the tenant
    /// clause would match everything and is left out. Intersecting every
    /// match with a posting list as long as the corpus was 22% of the
    /// count and top-k instructions on Reuters (BENCHMARKS.md).
    pub(super) fn restrict_in(
        &self,
        searcher: &Searcher,
        tenant: &str,
        scored: Box<dyn Query>,
        filter: &Filter,
    ) -> Box<dyn Query> {
        let needed = !self.tenant_owns_all(searcher, tenant);
        self.restrict_with(needed.then_some(tenant), scored, filter)
    }

    fn restrict_with(
        &self,
        tenant: Option<&str>,
        scored: Box<dyn Query>,
        filter: &Filter,
    ) -> Box<dyn Query> {
        let mut clauses: Vec<(Occur, Box<dyn Query>)> = Vec::new();
        if let Some(tenant) = tenant {
            clauses.push((Occur::Must, unscored(self.tenant(tenant))));
        }
        for query in self.filter(filter) {
            clauses.push((Occur::Must, unscored(query)));
        }
        if clauses.is_empty() {
            return scored;
        }
        clauses.insert(0, (Occur::Must, scored));
        Box::new(BooleanQuery::new(clauses))
    }

    /// Whether every document of the searcher's segments, deleted ones
    /// included, belongs to `tenant`: each segment holds the tenant's term
    /// in as many documents as it has. A segment whose term dictionary
    /// cannot be read counts as not owned, which keeps the clause.
    pub(super) fn tenant_owns_all(&self, searcher: &Searcher, tenant: &str) -> bool {
        let term = Term::from_field_text(self.fields.tenant, tenant);
        searcher.segment_readers().iter().all(|segment| {
            segment
                .inverted_index(self.fields.tenant)
                .ok()
                .and_then(|index| index.doc_freq(&term).ok())
                .is_some_and(|count| count == segment.max_doc())
        })
    }

    /// A query matching any of the words of `text` in titles and bodies, as a
    /// phrase when it has several words; `None` when it has no word.
    pub(super) fn phrase_query(&self, text: &str, boost: Score) -> Option<Box<dyn Query>> {
        let words = tokens(&self.text, text);
        if words.is_empty() {
            return None;
        }
        let mut clauses: Vec<(Occur, Box<dyn Query>)> = Vec::new();
        for (field, weight) in [(self.fields.title, 2.0), (self.fields.body, 1.0)] {
            let query: Box<dyn Query> = if words.len() == 1 {
                term_query(Term::from_field_text(field, &words[0]))
            } else {
                let terms = words
                    .iter()
                    .map(|w| Term::from_field_text(field, w))
                    .collect();
                Box::new(PhraseQuery::new(terms))
            };
            clauses.push((
                Occur::Should,
                Box::new(tantivy::query::BoostQuery::new(query, weight * boost)),
            ));
        }
        Some(Box::new(BooleanQuery::new(clauses)))
    }

    /// The feedback terms of a plain-text search: the stemmed words that
    /// weigh most in its best hits, `(document title, document text, score)`
    /// best first. A word weighs, as in a relevance model (RM3), the sum over
    /// the hits of its share of the hit's words times the hit's share of the
    /// scores, and then, as the index has no stop list, times its BM25 IDF
    /// (from the searcher), so that words every document has do not lead.
    /// The best [`FEEDBACK_TERMS`] are returned, each weighted
    /// [`FEEDBACK_WEIGHT`]: their order chose them, their BM25 scores in
    /// the second pass weigh them.
    pub(super) fn feedback_terms(
        &self,
        searcher: &Searcher,
        hits: &[(&str, &str, Score)],
    ) -> Vec<(String, f32)> {
        let total: f64 = hits.iter().map(|(_, _, score)| f64::from(*score)).sum();
        if total.is_nan() || total <= 0.0 {
            return Vec::new();
        }
        let mut weights: std::collections::HashMap<String, f64> = Default::default();
        for (title, body, score) in hits {
            let mut counts: std::collections::HashMap<String, f64> = Default::default();
            let mut words = 0usize;
            for text in [title, body] {
                for word in tokens(&self.text, text) {
                    *counts.entry(word).or_default() += 1.0;
                    words += 1;
                }
            }
            let share = f64::from(*score) / total / words.max(1) as f64;
            for (word, count) in counts {
                *weights.entry(word).or_default() += share * count;
            }
        }
        let docs = searcher.num_docs() as f64;
        let mut scored: Vec<(String, f64)> = weights
            .into_iter()
            .map(|(word, weight)| {
                let term = Term::from_field_text(self.fields.body, &word);
                let df = searcher.doc_freq(&term).unwrap_or(0) as f64;
                let idf = (1.0 + (docs - df + 0.5) / (df + 0.5)).ln();
                (word, weight * idf)
            })
            .filter(|(_, weight)| *weight > 0.0)
            .collect();
        scored.sort_by(|a, b| b.1.total_cmp(&a.1).then_with(|| a.0.cmp(&b.0)));
        scored.truncate(FEEDBACK_TERMS);
        scored
            .into_iter()
            .map(|(word, _)| (word, FEEDBACK_WEIGHT))
            .collect()
    }

    /// A plain-text query ranked again with feedback terms: the query must
    /// match, and each feedback term in a title or body adds its BM25 score
    /// times its weight, so the matches stay those of the query.
    pub(super) fn with_feedback(
        &self,
        parsed: ParsedQuery,
        terms: &[(String, f32)],
    ) -> ParsedQuery {
        if terms.is_empty() {
            return parsed;
        }
        let mut feedback: Vec<(Occur, Box<dyn Query>)> = Vec::new();
        for (word, weight) in terms {
            for field in [self.fields.title, self.fields.body] {
                let term = TermQuery::new(
                    Term::from_field_text(field, word),
                    IndexRecordOption::WithFreqs,
                );
                feedback.push((
                    Occur::Should,
                    Box::new(BoostQuery::new(Box::new(term), *weight)),
                ));
            }
        }
        ParsedQuery {
            query: Box::new(BooleanQuery::new(vec![
                (Occur::Must, parsed.query),
                (Occur::Should, Box::new(BooleanQuery::new(feedback))),
            ])),
            highlight: parsed.highlight,
            simple: parsed.simple,
        }
    }

    /// A query for documents naming an entity, by canonical name.
    pub(super) fn entity_query(&self, name: &str, boost: Score) -> Box<dyn Query> {
        let term = Term::from_field_text(self.fields.entity_name, &name.to_lowercase());
        Box::new(tantivy::query::BoostQuery::new(term_query(term), boost))
    }

    /// A query for some documents by key.
    pub(super) fn keys<'a>(&self, keys: impl IntoIterator<Item = &'a str>) -> Box<dyn Query> {
        let terms = keys
            .into_iter()
            .map(|key| Term::from_field_text(self.fields.key, key));
        Box::new(TermSetQuery::new(terms))
    }

    /// A query for one document by key.
    pub(super) fn key(&self, key: &str) -> Box<dyn Query> {
        term_query(Term::from_field_text(self.fields.key, key))
    }

    /// A highlighter analysing text as titles and bodies are indexed.
    pub(super) fn highlighter(&self) -> Highlighter {
        Highlighter::new()
    }
}

/// A term query without frequencies (exact-value fields).
fn term_query(term: Term) -> Box<dyn Query> {
    Box::new(TermQuery::new(term, IndexRecordOption::Basic))
}

/// Lifts the clauses of a disjunction nested in a disjunction into it:
/// `(title:a^2 OR body:a) OR (title:b^2 OR body:b)`, as the parser builds
/// a query of two words over two fields, becomes one union of four
/// clauses. Both match the same documents with the same sum of scores
/// (tantivy's boolean query sums the scores of the matching clauses), but
/// every union costs a buffer of a few thousand scores to set up in each
/// segment (28% of the count and top-k instructions on Reuters before
/// flattening, BENCHMARKS.md).
pub(super) fn flatten_unions(query: Box<dyn Query>) -> Box<dyn Query> {
    let Some(boolean) = query.downcast_ref::<BooleanQuery>() else {
        return query;
    };
    if !is_plain_union(boolean) {
        return query;
    }
    let mut clauses: Vec<(Occur, Box<dyn Query>)> = Vec::new();
    let mut lifted = false;
    for (_, clause) in boolean.clauses() {
        let clause = flatten_unions(clause.box_clone());
        match clause.downcast_ref::<BooleanQuery>() {
            Some(inner) if is_plain_union(inner) => {
                clauses.extend(inner.clauses().iter().map(|(o, q)| (*o, q.box_clone())));
                lifted = true;
            }
            _ => clauses.push((Occur::Should, clause)),
        }
    }
    if lifted {
        Box::new(BooleanQuery::new(clauses))
    } else {
        query
    }
}

/// Whether a boolean query is a plain disjunction: every clause `Should`,
/// at least one, and no minimum number of them beyond one.
fn is_plain_union(query: &BooleanQuery) -> bool {
    !query.clauses().is_empty()
        && query.get_minimum_number_should_match() <= 1
        && query
            .clauses()
            .iter()
            .all(|(occur, _)| *occur == Occur::Should)
}

/// Parses a query string with tantivy's grammars: the lenient one, which
/// says where a mistake is, and the strict one, which refuses some mistakes
/// the lenient one recovers from without reporting them.
fn grammar_ast(query: &str) -> Result<UserInputAst> {
    check_nesting(query)?;
    let (ast, errors) = query_grammar::parse_query_lenient(query);
    if let Some(error) = errors.first() {
        return Err(Error::invalid(
            "query",
            format!("{} at byte {}", error.message, error.pos),
        ));
    }
    if query_grammar::parse_query(query).is_err() {
        return Err(Error::invalid("query", dangling_operator(query)));
    }
    Ok(ast)
}

/// The AST of a query of plain words alone (letters and digits separated by
/// spaces, no operator word), built without the grammars: the AST both of
/// them give such a string: the word alone, or a clause of each distinct
/// word once (tests compare the two). Most queries people and programs send are like this,
/// and the two grammars were ~14% of a bare top-10 search's instructions.
fn plain_words(query: &str) -> Option<UserInputAst> {
    if !query.chars().all(|c| c.is_alphanumeric() || c == ' ') {
        return None;
    }
    let mut clauses: Vec<(Option<query_grammar::Occur>, UserInputAst)> = Vec::new();
    let mut words = 0;
    for word in query.split(' ').filter(|w| !w.is_empty()) {
        words += 1;
        if matches!(word, "AND" | "OR" | "NOT" | "IN" | "TO") {
            return None;
        }
        let leaf = UserInputAst::Leaf(Box::new(UserInputLeaf::Literal(UserInputLiteral {
            field_name: None,
            phrase: word.to_string(),
            delimiter: Delimiter::None,
            slop: 0,
            prefix: false,
        })));
        if !clauses.iter().any(|(_, clause)| *clause == leaf) {
            clauses.push((None, leaf));
        }
    }
    match words {
        0 => None,
        // One word is a leaf; several are a clause even when they repeat
        // one word.
        1 => clauses.pop().map(|(_, leaf)| leaf),
        _ => Some(UserInputAst::Clause(clauses)),
    }
}

/// Whether a user AST holds only plain terms and phrases (see
/// [`ParsedQuery::simple`]). A purely negative query gets a match-all
/// clause added later, so it is not simple.
fn is_simple(ast: &UserInputAst) -> bool {
    match ast {
        UserInputAst::Clause(children) => {
            !children.is_empty()
                && children
                    .iter()
                    .any(|(occur, _)| *occur != Some(query_grammar::Occur::MustNot))
                && children.iter().all(|(_, child)| is_simple(child))
        }
        UserInputAst::Boost(inner, _) => is_simple(inner),
        UserInputAst::Leaf(leaf) => match leaf.as_ref() {
            UserInputLeaf::Literal(literal) => !literal.phrase.contains('*'),
            _ => false,
        },
    }
}

/// An upper bound of the postings a query walks: the sum of the document
/// frequencies of every term it names. Exact as a bound only for a
/// [`ParsedQuery::simple`] query (other queries name no terms for what
/// they expand to) and the unscored clauses of [`QueryBuilder::restrict_in`],
/// which an intersection only seeks into.
pub(super) fn postings_bound(searcher: &Searcher, query: &dyn Query) -> u64 {
    let mut total = 0u64;
    query.query_terms(&mut |term, _| {
        total = total.saturating_add(searcher.doc_freq(term).unwrap_or(u64::MAX));
    });
    total
}

/// A query that must match but adds nothing to the score.
fn unscored(query: Box<dyn Query>) -> Box<dyn Query> {
    Box::new(ConstScoreQuery::new(query, 0.0))
}

/// The tokens of a text under an analyzer.
pub(super) fn tokens(analyzer: &TextAnalyzer, text: &str) -> Vec<String> {
    let mut analyzer = analyzer.clone();
    let mut stream = analyzer.token_stream(text);
    let mut out = Vec::new();
    stream.process(&mut |token| out.push(token.text.clone()));
    out
}

/// Escapes a literal for tantivy's regex syntax: letters and digits stand for
/// themselves, anything else is written as a hex escape, which is valid for
/// every char.
fn regex_escape(literal: &str) -> String {
    let mut out = String::with_capacity(literal.len());
    for c in literal.chars() {
        if c.is_alphanumeric() {
            out.push(c);
        } else {
            out.push_str(&format!("\\x{{{:x}}}", u32::from(c)));
        }
    }
    out
}

/// Describes, with its byte position, the mistake of a query that the
/// strict grammar refuses but the lenient one recovers from silently: an
/// operator without a term on one side ("peace AND", "a OR OR b").
fn dangling_operator(query: &str) -> String {
    // The words outside quotes, with their byte positions.
    let mut words: Vec<(usize, &str)> = Vec::new();
    let mut quoted = false;
    let mut start = None;
    for (pos, c) in query
        .char_indices()
        .chain(std::iter::once((query.len(), ' ')))
    {
        if c == '"' {
            quoted = !quoted;
        }
        let boundary = c.is_whitespace() || c == '(' || c == ')';
        match (start, boundary && !quoted) {
            (None, false) => start = Some(pos),
            (Some(from), true) => {
                words.push((from, &query[from..pos]));
                start = None;
            }
            _ => {}
        }
        if !quoted && (c == '(' || c == ')') && pos < query.len() {
            words.push((pos, &query[pos..pos + 1]));
        }
    }
    let operator = |word: &str| matches!(word, "AND" | "OR" | "NOT");
    for (i, (pos, word)) in words.iter().enumerate() {
        if !operator(word) {
            continue;
        }
        let before = i.checked_sub(1).map(|j| words[j].1);
        let after = words.get(i + 1).map(|(_, w)| *w);
        let nothing_after = after.is_none_or(|w| operator(w) || w == ")");
        let nothing_before = *word != "NOT" && before.is_none_or(|w| operator(w) || w == "(");
        if nothing_after || nothing_before {
            let side = if nothing_after { "after" } else { "before" };
            return format!("syntax error at byte {pos}: {word} has no term {side} it");
        }
    }
    format!(
        "syntax error at byte {}: the query does not parse as a whole",
        query.len()
    )
}

/// Refuses queries that nest deeper than the parser can take: parentheses
/// and runs of `NOT`.
fn check_nesting(query: &str) -> Result<()> {
    let nots = query
        .split(|c: char| c.is_whitespace() || c == '(' || c == ')')
        .filter(|word| *word == "NOT")
        .count();
    if nots > MAX_NOTS {
        return Err(Error::invalid(
            "query",
            format!("the query uses NOT {nots} times; at most {MAX_NOTS} are allowed"),
        ));
    }
    let mut depth = 0usize;
    for (pos, c) in query.char_indices() {
        match c {
            '(' => {
                depth += 1;
                if depth > MAX_NESTING {
                    return Err(Error::invalid(
                        "query",
                        format!("parentheses nest deeper than {MAX_NESTING} levels at byte {pos}"),
                    ));
                }
            }
            ')' => depth = depth.saturating_sub(1),
            _ => {}
        }
    }
    Ok(())
}

/// Maps an error of tantivy's query parser: every one of them is about the
/// query the user wrote, but for an unknown analyzer, which is a bug here.
fn parser_error(error: QueryParserError) -> Error {
    match error {
        QueryParserError::UnknownTokenizer { .. } => Error::internal(error),
        QueryParserError::FieldDoesNotExist(ref name) => Error::invalid(
            "query",
            format!("unknown field {name:?}; the fields are {USER_FIELDS}"),
        ),
        QueryParserError::PhrasePrefixRequiresAtLeastTwoTerms { ref phrase, .. } => Error::invalid(
            "query",
            format!("\"{phrase}\"* needs at least two words; write {phrase}* for one word"),
        ),
        other => Error::invalid("query", other.to_string()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn plain_words_give_the_grammars_ast() {
        for query in [
            "cocoa",
            "bahia cocoa",
            "  standard   oil ",
            "oil oil prices oil",
            "1987 profit",
            "Société Générale",
            "東京 株価",
            "and or not",
            "Cocoa COCOA",
        ] {
            let ours = plain_words(query).expect("plain words");
            let (lenient, errors) = query_grammar::parse_query_lenient(query);
            assert!(errors.is_empty(), "{query:?}");
            assert!(ours == lenient, "{query:?}: {ours:?} vs {lenient:?}");
            let strict = query_grammar::parse_query(query).expect("strict parse");
            assert!(ours == strict, "{query:?}: {ours:?} vs {strict:?}");
        }
    }

    #[test]
    fn anything_but_plain_words_goes_to_the_grammars() {
        for query in [
            "",
            "   ",
            "cocoa AND sugar",
            "cocoa OR sugar",
            "NOT cocoa",
            "title:cocoa",
            "\"bahia cocoa\"",
            "cocoa*",
            "+cocoa -sugar",
            "u.s. trade",
            "cocoa\tsugar",
            "(cocoa)",
            "a/b",
        ] {
            assert!(plain_words(query).is_none(), "{query:?}");
        }
    }
}
