//! `docsift eval search`: search relevance on the Cranfield collection
//! (`cran.all.1400`, `cran.qry`, `cranqrel`), scored with nDCG@10 and MAP.
//!
//! **What runs.** Every document is ingested through [`Engine::ingest`]
//! into a [`MemoryStore`], exactly as the Ingest RPC does it (the full
//! analysis, the `.T` field as the title, the `.W` field as the text). The
//! two documents with neither (471 and 995; only 995 is judged, grade 3
//! for query 125) are left out, as the service refuses a document without
//! text; a peer's rankings leave them out too. Every query then runs through
//! [`Engine::search`], the call the Search RPC makes, in relevance order.
//! A Cranfield query is a natural-language question with punctuation and
//! words the query language reads as syntax (`-`, `(`, `/destalling/`), so
//! is searched as plain text ([`QuerySyntax::PlainText`], the API's
//! `QUERY_SYNTAX_PLAIN_TEXT`): its words alone, as the index splits them,
//! without English stop words, adjacent words also as sloppy phrases.
//!
//! **Gold.** `cranqrel` lines are `query document grade`; queries are
//! numbered 1, 2, ... in the order of `cran.qry` (whose `.I` numbers skip).
//! The grades are Cleverdon's (`cranqrel.readme`): 1 a complete answer, 2
//! high relevance, 3 useful background, 4 minimum interest, and -1 (one per
//! query) no interest. Gains for nDCG: **grade 1 → 4, 2 → 3, 3 → 2, 4 → 1,
//! -1 → 0**; for MAP a document of grade 1 to 4 is relevant.
//!
//! **Metrics.** nDCG@10 with linear gains and a `log2(rank + 1)` discount
//! (as trec_eval's `ndcg_cut_10`), the ideal ranking built from every judged
//! document of the query; MAP over the first [`DEPTH`] hits (trec_eval's
//! default depth), a relevant document not retrieved counting as precision
//! 0. Both are averaged over the queries with at least one relevant
//! document. Another tool's rankings can be read from a JSON-lines file
//! (`{"query": 1, "docs": ["184", "29", ...]}`, best first) and are then
//! scored by this same code.
//!
//! **Halves.** The figures are given for the odd-numbered queries, the
//! even-numbered ones and all of them. Ranking is tuned on the odd half
//! only; the even half checks that a change helps queries it was not
//! tuned on.

use std::collections::{BTreeMap, HashMap};
use std::path::Path;
use std::time::{Duration, Instant};

use serde::{Deserialize, Serialize};

use crate::engine::{AnalyzeOptions, DocumentInput, Engine, IngestOptions};
use crate::search::page_token::PageTokens;
use crate::search::{QuerySyntax, SearchRequest};
use crate::store::DEFAULT_TENANT;
use crate::store::memory::{MemoryStore, MemoryStoreConfig};

/// How many hits of each query are ranked (and scored by MAP).
pub const DEPTH: usize = 1000;
/// The cut-off of nDCG.
pub const NDCG_AT: usize = 10;

/// One Cranfield document.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CranDoc {
    /// The `.I` number, as a string (the document id).
    pub id: String,
    /// The `.T` field.
    pub title: String,
    /// The `.W` field.
    pub body: String,
}

impl CranDoc {
    /// Whether the document has neither title nor text.
    pub fn is_empty(&self) -> bool {
        self.title.is_empty() && self.body.is_empty()
    }
}

/// Splits a SMART-format file (`cran.all.1400`, `cran.qry`) into records:
/// each `.I` line starts one, each `.X` line starts field `X`; the fields'
/// lines are joined by spaces.
fn records(text: &str) -> Vec<(String, HashMap<char, String>)> {
    let mut out: Vec<(String, HashMap<char, String>)> = Vec::new();
    let mut field = None;
    for line in text.lines() {
        if let Some(id) = line.strip_prefix(".I") {
            out.push((id.trim().to_string(), HashMap::new()));
            field = None;
            continue;
        }
        let mut chars = line.chars();
        if line.len() == 2
            && chars.next() == Some('.')
            && let Some(name) = chars.next().filter(char::is_ascii_uppercase)
        {
            field = Some(name);
            continue;
        }
        if let (Some(name), Some((_, fields))) = (field, out.last_mut()) {
            let value = fields.entry(name).or_default();
            if !value.is_empty() {
                value.push(' ');
            }
            value.push_str(line.trim());
        }
    }
    out
}

/// Parses `cran.all.1400`.
pub fn parse_documents(text: &str) -> Vec<CranDoc> {
    records(text)
        .into_iter()
        .map(|(id, mut fields)| CranDoc {
            id: id.trim_start_matches('0').to_string(),
            title: fields.remove(&'T').unwrap_or_default().trim().to_string(),
            body: fields.remove(&'W').unwrap_or_default().trim().to_string(),
        })
        .collect()
}

/// Parses `cran.qry`: the texts in file order (query 1 first).
pub fn parse_queries(text: &str) -> Vec<String> {
    records(text)
        .into_iter()
        .map(|(_, mut fields)| fields.remove(&'W').unwrap_or_default().trim().to_string())
        .collect()
}

/// Parses `cranqrel` into query number → document id → grade; lines that
/// do not parse are skipped.
pub fn parse_qrels(text: &str) -> BTreeMap<usize, HashMap<String, i32>> {
    let mut out: BTreeMap<usize, HashMap<String, i32>> = BTreeMap::new();
    for line in text.lines() {
        let mut parts = line.split_whitespace();
        let (Some(query), Some(doc), Some(grade)) = (parts.next(), parts.next(), parts.next())
        else {
            continue;
        };
        let (Ok(query), Ok(grade)) = (query.parse::<usize>(), grade.parse::<i32>()) else {
            continue;
        };
        out.entry(query).or_default().insert(doc.to_string(), grade);
    }
    out
}

/// The nDCG gain of a Cleverdon grade (see the module doc).
pub fn gain(grade: i32) -> f64 {
    match grade {
        1..=4 => f64::from(5 - grade),
        _ => 0.0,
    }
}

/// nDCG@`k` of a ranking against one query's judgements; 0 when the query
/// has no document of positive gain.
pub fn ndcg(ranking: &[String], judged: &HashMap<String, i32>, k: usize) -> f64 {
    let discount = |rank: usize| 1.0 / ((rank + 2) as f64).log2();
    let dcg: f64 = ranking
        .iter()
        .take(k)
        .enumerate()
        .map(|(rank, doc)| judged.get(doc).map_or(0.0, |g| gain(*g)) * discount(rank))
        .sum();
    let mut ideal: Vec<f64> = judged.values().map(|g| gain(*g)).collect();
    ideal.sort_by(|a, b| b.total_cmp(a));
    let idcg: f64 = ideal
        .iter()
        .take(k)
        .enumerate()
        .map(|(rank, g)| g * discount(rank))
        .sum();
    if idcg == 0.0 { 0.0 } else { dcg / idcg }
}

/// Average precision of the first `depth` documents of a ranking; 0 when
/// the query has no relevant document.
pub fn average_precision(ranking: &[String], judged: &HashMap<String, i32>, depth: usize) -> f64 {
    let relevant = judged.values().filter(|g| gain(**g) > 0.0).count();
    if relevant == 0 {
        return 0.0;
    }
    let mut hits = 0usize;
    let mut sum = 0.0;
    for (rank, doc) in ranking.iter().take(depth).enumerate() {
        if judged.get(doc).is_some_and(|g| gain(*g) > 0.0) {
            hits += 1;
            sum += hits as f64 / (rank + 1) as f64;
        }
    }
    sum / relevant as f64
}

/// One line of a predictions file.
#[derive(Debug, Deserialize)]
struct PredictionLine {
    query: usize,
    docs: Vec<String>,
}

/// The result of a run.
#[derive(Debug, Clone, Serialize)]
pub struct Report {
    /// The data directory.
    pub dir: String,
    /// Whose rankings: "docsift" or the predictions file.
    pub system: String,
    /// Documents in the collection with a title or text (the ones ingested).
    pub documents: usize,
    /// Queries scored (with at least one relevant document).
    pub queries: usize,
    /// Mean nDCG@10.
    pub ndcg_at_10: f64,
    /// Mean average precision over the first [`DEPTH`] hits.
    pub map: f64,
    /// The depth of the rankings.
    pub depth: usize,
    /// The gains of the grades, as used.
    pub gains: String,
    /// Documents ingested per second (analysis and indexing, docsift's
    /// own run only).
    pub ingest_docs_per_s: Option<f64>,
    /// Queries answered per second, one at a time, each ranking [`DEPTH`]
    /// hits (docsift's own run only).
    pub queries_per_s: Option<f64>,
    /// The odd-numbered queries alone (the half ranking is tuned on).
    pub odd: Part,
    /// The even-numbered queries alone (the half never tuned on).
    pub even: Part,
    /// Per query nDCG@10 (query number → nDCG), for `--json`.
    pub per_query: BTreeMap<usize, f64>,
}

/// The figures of a part of the queries.
#[derive(Debug, Clone, Copy, Default, Serialize)]
pub struct Part {
    /// Queries scored.
    pub queries: usize,
    /// Mean nDCG@10.
    pub ndcg_at_10: f64,
    /// Mean average precision.
    pub map: f64,
}

impl Part {
    /// The means of (nDCG@10, AP) pairs.
    fn of(scores: &[(f64, f64)]) -> Part {
        let n = scores.len();
        let mean = |sum: f64| if n == 0 { 0.0 } else { sum / n as f64 };
        Part {
            queries: n,
            ndcg_at_10: mean(scores.iter().map(|s| s.0).sum()),
            map: mean(scores.iter().map(|s| s.1).sum()),
        }
    }
}

impl Report {
    /// The report as a table.
    pub fn table(&self) -> String {
        let mut speed = String::new();
        if let Some(d) = self.ingest_docs_per_s {
            speed.push_str(&format!("ingest: {d:.0} docs/s\n"));
        }
        if let Some(q) = self.queries_per_s {
            speed.push_str(&format!(
                "search: {q:.0} queries/s (one at a time, {} hits each)\n",
                self.depth
            ));
        }
        format!(
            "{} documents, {} queries from {}, rankings of {}\n\
             gains: {}\n\n\
             nDCG@{NDCG_AT} {:.4}  MAP@{} {:.4}  all {} queries\n\
             nDCG@{NDCG_AT} {:.4}  MAP@{} {:.4}  odd-numbered {} (tuned on)\n\
             nDCG@{NDCG_AT} {:.4}  MAP@{} {:.4}  even-numbered {} (never tuned on)\n{speed}",
            self.documents,
            self.queries,
            self.dir,
            self.system,
            self.gains,
            self.ndcg_at_10,
            self.depth,
            self.map,
            self.queries,
            self.odd.ndcg_at_10,
            self.depth,
            self.odd.map,
            self.odd.queries,
            self.even.ndcg_at_10,
            self.depth,
            self.even.map,
            self.even.queries,
        )
    }
}

/// docsift's rankings of the queries: every document ingested through the
/// engine, every query searched through it. Returns the rankings (query
/// number → ids, best first), documents/s and queries/s.
fn rank_with_docsift(
    docs: &[CranDoc],
    queries: &[String],
) -> std::io::Result<(BTreeMap<usize, Vec<String>>, f64, f64)> {
    let failed = |e: crate::error::Error| std::io::Error::other(e.to_string());
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()?;
    let store = MemoryStore::try_new(MemoryStoreConfig::default()).map_err(failed)?;
    let engine = Engine::new(store, PageTokens::random());
    Engine::warm_up();
    runtime.block_on(async {
        let start = Instant::now();
        let docs: Vec<&CranDoc> = docs.iter().filter(|d| !d.is_empty()).collect();
        for doc in &docs {
            let text = if doc.body.is_empty() {
                doc.title.clone()
            } else {
                doc.body.clone()
            };
            // Plain text, as the collection is: detection would take a
            // formula with '<' for markup.
            let input = DocumentInput::plain_text(Some(doc.id.clone()), doc.title.clone(), text);
            let last = docs.last().map(|d| &d.id) == Some(&doc.id);
            let options = IngestOptions {
                analyze: AnalyzeOptions::default(),
                wait_for_refresh: last,
                dedupe: false,
            };
            engine
                .ingest(DEFAULT_TENANT, input, options)
                .await
                .map_err(failed)?;
        }
        let ingest = start.elapsed();
        let mut rankings = BTreeMap::new();
        let mut spent = Duration::ZERO;
        for (i, text) in queries.iter().enumerate() {
            let request = SearchRequest {
                syntax: QuerySyntax::PlainText,
                ..SearchRequest::first_page(text.clone(), DEPTH)
            };
            let start = Instant::now();
            let results = engine
                .search(DEFAULT_TENANT, &request)
                .await
                .map_err(failed)?;
            spent += start.elapsed();
            let ids = results
                .hits
                .iter()
                .map(|hit| hit.document.id.clone())
                .collect();
            rankings.insert(i + 1, ids);
        }
        Ok((
            rankings,
            docs.len() as f64 / ingest.as_secs_f64().max(1e-9),
            queries.len() as f64 / spent.as_secs_f64().max(1e-9),
        ))
    })
}

/// Scores docsift's rankings of the collection in `dir`, or those of a
/// predictions file (a query missing from it ranks nothing).
pub fn evaluate(dir: &Path, predictions: Option<&Path>) -> std::io::Result<Report> {
    let docs = parse_documents(&std::fs::read_to_string(dir.join("cran.all.1400"))?);
    let queries = parse_queries(&std::fs::read_to_string(dir.join("cran.qry"))?);
    let qrels = parse_qrels(&std::fs::read_to_string(dir.join("cranqrel"))?);
    let (rankings, ingest, search) = match predictions {
        Some(path) => {
            let lines: Vec<PredictionLine> = super::read_json_lines(path)?;
            let rankings = lines.into_iter().map(|p| (p.query, p.docs)).collect();
            (rankings, None, None)
        }
        None => {
            let (rankings, ingest, search) = rank_with_docsift(&docs, &queries)?;
            (rankings, Some(ingest), Some(search))
        }
    };
    let empty = Vec::new();
    let mut scores: BTreeMap<usize, (f64, f64)> = BTreeMap::new();
    for (query, judged) in &qrels {
        if !judged.values().any(|g| gain(*g) > 0.0) {
            continue;
        }
        let ranking = rankings.get(query).unwrap_or(&empty);
        scores.insert(
            *query,
            (
                ndcg(ranking, judged, NDCG_AT),
                average_precision(ranking, judged, DEPTH),
            ),
        );
    }
    let part = |keep: fn(usize) -> bool| {
        let kept: Vec<(f64, f64)> = scores
            .iter()
            .filter(|(query, _)| keep(**query))
            .map(|(_, s)| *s)
            .collect();
        Part::of(&kept)
    };
    let all = part(|_| true);
    let per_query = scores.iter().map(|(q, s)| (*q, s.0)).collect();
    Ok(Report {
        dir: dir.display().to_string(),
        system: predictions.map_or_else(|| "docsift".to_string(), |p| p.display().to_string()),
        documents: docs.iter().filter(|d| !d.is_empty()).count(),
        queries: all.queries,
        ndcg_at_10: all.ndcg_at_10,
        map: all.map,
        depth: DEPTH,
        gains: "grade 1 -> 4, 2 -> 3, 3 -> 2, 4 -> 1, -1 -> 0".to_string(),
        ingest_docs_per_s: ingest,
        queries_per_s: search,
        odd: part(|q| q % 2 == 1),
        even: part(|q| q % 2 == 0),
        per_query,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn judged(pairs: &[(&str, i32)]) -> HashMap<String, i32> {
        pairs.iter().map(|(d, g)| (d.to_string(), *g)).collect()
    }

    fn ids(v: &[&str]) -> Vec<String> {
        v.iter().map(|s| s.to_string()).collect()
    }

    #[test]
    fn smart_records_parse_with_skipping_numbers_and_empty_fields() {
        let docs = parse_documents(
            ".I 1\n.T\nexperimental wing\nin a slipstream .\n.A\nbrenckman,m.\n.B\nj. ae. 25\n\
             .W\nexperimental wing .\n  a study was made .\n.I 2\n.T\nempty body\n.W\n",
        );
        assert_eq!(
            docs,
            vec![
                CranDoc {
                    id: "1".into(),
                    title: "experimental wing in a slipstream .".into(),
                    body: "experimental wing . a study was made .".into(),
                },
                CranDoc {
                    id: "2".into(),
                    title: "empty body".into(),
                    body: String::new(),
                },
            ]
        );
        let queries = parse_queries(".I 001\n.W\nwhat similarity\nlaws .\n.I 004\n.W\nheat .\n");
        assert_eq!(queries, ["what similarity laws .", "heat ."]);
        let qrels = parse_qrels("1 184 2 \n1 486 -1\nbad line\n2 12 4\n");
        assert_eq!(qrels[&1], judged(&[("184", 2), ("486", -1)]));
        assert_eq!(qrels[&2], judged(&[("12", 4)]));
    }

    #[test]
    fn ndcg_uses_graded_gains_and_the_ideal_order() {
        let j = judged(&[("a", 1), ("b", 3), ("c", -1)]);
        // Ideal: a (gain 4) then b (gain 2).
        assert!((ndcg(&ids(&["a", "b"]), &j, 10) - 1.0).abs() < 1e-12);
        let swapped = ndcg(&ids(&["b", "a"]), &j, 10);
        let expected = (2.0 + 4.0 / 3f64.log2()) / (4.0 + 2.0 / 3f64.log2());
        assert!((swapped - expected).abs() < 1e-12);
        // A "no interest" document gains nothing; beyond the cut-off counts nothing.
        assert_eq!(ndcg(&ids(&["c"]), &j, 10), 0.0);
        assert_eq!(ndcg(&ids(&["x", "a"]), &j, 1), 0.0);
        assert_eq!(ndcg(&ids(&["a"]), &judged(&[("c", -1)]), 10), 0.0);
    }

    #[test]
    fn average_precision_counts_missing_relevant_documents() {
        let j = judged(&[("a", 1), ("b", 4), ("c", -1)]);
        assert!((average_precision(&ids(&["a", "b"]), &j, 10) - 1.0).abs() < 1e-12);
        // a at rank 2, b not retrieved: (1/2) / 2.
        let ap = average_precision(&ids(&["c", "a"]), &j, 10);
        assert!((ap - 0.25).abs() < 1e-12);
        // b at rank 3, beyond a depth of 2.
        let ap = average_precision(&ids(&["a", "x", "b"]), &j, 2);
        assert!((ap - 0.5).abs() < 1e-12);
    }
}
