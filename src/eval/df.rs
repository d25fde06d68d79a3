//! `docsift train df`: the key phrase stage's background model of English
//! news (`models/news_df.bin`, see `analysis/background.rs`): in how many
//! documents each stem occurs, hashed, counted over the Reuters-21578 bodies
//! (`reut2-*.sgm`) and the BBC News articles (`bbc/*/*.txt`) of a corpus
//! directory. Stems come from the pipeline's own tokenizer (English), usable
//! words only (no stopwords, holding a letter). Files are read in name
//! order, so the output is deterministic.

use std::path::{Path, PathBuf};

use regex::Regex;

use crate::analysis::{background, segment};

/// The buckets of the model written.
pub const BUCKETS: u32 = 1 << 17;

/// Undoes the SGML entities of Reuters-21578 that matter for words.
fn unescape(s: &str) -> String {
    s.replace("&lt;", "<")
        .replace("&gt;", ">")
        .replace("&quot;", "\"")
        .replace("&amp;", "&")
}

/// The files of `dir` whose names satisfy `keep`, sorted.
fn files(dir: &Path, keep: impl Fn(&str) -> bool) -> std::io::Result<Vec<PathBuf>> {
    let mut out: Vec<PathBuf> = std::fs::read_dir(dir)?
        .filter_map(|e| e.ok())
        .map(|e| e.path())
        .filter(|p| p.file_name().and_then(|n| n.to_str()).is_some_and(&keep))
        .collect();
    out.sort();
    Ok(out)
}

/// Decodes latin-1 bytes (every byte is the code point of the same value).
fn latin1(bytes: &[u8]) -> String {
    bytes.iter().map(|&b| char::from(b)).collect()
}

/// The texts of the corpus directory: Reuters-21578 bodies, then BBC News.
pub fn texts(corpus: &Path) -> std::io::Result<Vec<String>> {
    let mut out = Vec::new();
    let body = Regex::new(r"(?s)<BODY>(.*?)</BODY>").map_err(std::io::Error::other)?;
    let reuters = corpus.join("reuters21578");
    if reuters.is_dir() {
        for f in files(&reuters, |n| n.starts_with("reut2-") && n.ends_with(".sgm"))? {
            let text = latin1(&std::fs::read(&f)?);
            for c in body.captures_iter(&text) {
                if let Some(m) = c.get(1) {
                    out.push(unescape(m.as_str()));
                }
            }
        }
    }
    let bbc = corpus.join("bbc");
    if bbc.is_dir() {
        let mut topics: Vec<PathBuf> = std::fs::read_dir(&bbc)?
            .filter_map(|e| e.ok())
            .map(|e| e.path())
            .filter(|p| p.is_dir())
            .collect();
        topics.sort();
        for t in topics {
            for f in files(&t, |n| n.ends_with(".txt"))? {
                out.push(latin1(&std::fs::read(&f)?));
            }
        }
    }
    Ok(out)
}

/// The usable stems of a text, as the key phrase stage sees them.
pub fn stems(text: &str) -> Vec<String> {
    let sentences = segment::sentences(text);
    segment::tokens(text, &sentences, "en")
        .into_iter()
        .filter(|t| !t.stop && t.alpha)
        .map(|t| t.stem.to_string())
        .collect()
}

/// Builds the model's bytes from the corpus directory.
pub fn build(corpus: &Path) -> std::io::Result<(usize, Vec<u8>)> {
    let texts = texts(corpus)?;
    let per_doc: Vec<Vec<String>> = texts.iter().map(|t| stems(t)).collect();
    let bytes = background::build(
        per_doc.iter().map(|d| d.iter().map(String::as_str)),
        BUCKETS,
    );
    Ok((texts.len(), bytes))
}
