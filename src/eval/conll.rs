//! A reader of CoNLL-style NER files: one token a line with its tag in the
//! last column, a blank line after each sentence, `-DOCSTART-` lines between
//! documents. Both IOB2 (every entity opens with `B-`) and IOB1 (`B-` only
//! where two entities of one type touch, as in wikigold) are read: a chunk
//! starts at `B-X`, or at `I-X` when the token before is not of type X.

use std::ops::Range;

/// A token and its gold tag as written in the file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TaggedToken {
    /// The token's text.
    pub text: String,
    /// The tag as written: `O`, `B-PER`, `I-LOC`...
    pub tag: String,
}

/// A document: its sentences of tagged tokens.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Document {
    /// Sentences in order, none empty.
    pub sentences: Vec<Vec<TaggedToken>>,
    /// In a copy whose lines in capitals were rewritten in Title Case (see
    /// [`Document::with_title_case_headlines`]), the indices of those
    /// sentences; empty in a document as read. Such a copy is a wire story
    /// still, though it no longer has a line in capitals.
    pub rewritten_headlines: Vec<usize>,
}

/// A gold or predicted entity: a range of token indices in the document
/// (counted over all its sentences) and a type (`PER`, `ORG`, `LOC`, `MISC`).
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Chunk {
    /// Token indices, half-open.
    pub tokens: Range<usize>,
    /// The entity type.
    pub label: String,
}

/// Parses the text of a CoNLL file into documents. Lines with a single
/// column are read as an untagged token (`O`). A file without `-DOCSTART-`
/// lines is one document.
pub fn parse(text: &str) -> Vec<Document> {
    let mut docs = Vec::new();
    let mut doc = Document::default();
    let mut sentence: Vec<TaggedToken> = Vec::new();
    for line in text.lines() {
        let line = line.trim_end_matches('\r');
        let mut cols = line.split_whitespace();
        let Some(first) = cols.next() else {
            if !sentence.is_empty() {
                doc.sentences.push(std::mem::take(&mut sentence));
            }
            continue;
        };
        if first == "-DOCSTART-" {
            if !sentence.is_empty() {
                doc.sentences.push(std::mem::take(&mut sentence));
            }
            if !doc.sentences.is_empty() {
                docs.push(std::mem::take(&mut doc));
            }
            continue;
        }
        let tag = cols.last().unwrap_or("O");
        sentence.push(TaggedToken {
            text: first.to_string(),
            tag: tag.to_string(),
        });
    }
    if !sentence.is_empty() {
        doc.sentences.push(sentence);
    }
    if !doc.sentences.is_empty() {
        docs.push(doc);
    }
    docs
}

/// The words a Title Case headline writes in lower case after its first
/// word (articles, conjunctions and short prepositions).
const HEADLINE_LOWER: [&str; 22] = [
    "a", "an", "the", "and", "or", "nor", "but", "of", "to", "in", "on", "at", "for", "by", "with",
    "from", "as", "into", "via", "vs", "up", "off",
];

/// Splits a tag into its prefix (`B`, `I` or `O`) and type.
fn split_tag(tag: &str) -> (char, &str) {
    match tag.split_once('-') {
        Some((p, t)) if p == "B" || p == "I" || p == "E" || p == "S" => {
            (p.chars().next().unwrap_or('O'), t)
        }
        _ => ('O', ""),
    }
}

/// The entity chunks of a tag sequence (IOB1 or IOB2), with token indices
/// offset by `base`.
pub fn chunks<'a>(tags: impl IntoIterator<Item = &'a str>, base: usize) -> Vec<Chunk> {
    let mut out: Vec<Chunk> = Vec::new();
    let mut open: Option<(usize, &str)> = None;
    let mut i = 0;
    for tag in tags {
        let (prefix, label) = split_tag(tag);
        let continues = prefix == 'I' && open.is_some_and(|(_, l)| l == label);
        if !continues {
            if let Some((start, l)) = open.take() {
                out.push(Chunk {
                    tokens: base + start..base + i,
                    label: l.to_string(),
                });
            }
            if prefix != 'O' {
                open = Some((i, label));
            }
        }
        i += 1;
    }
    if let Some((start, l)) = open {
        out.push(Chunk {
            tokens: base + start..base + i,
            label: l.to_string(),
        });
    }
    out
}

impl Document {
    /// The gold chunks, with token indices over the whole document. Chunks
    /// never cross a sentence end.
    pub fn gold_chunks(&self) -> Vec<Chunk> {
        let mut out = Vec::new();
        let mut base = 0;
        for s in &self.sentences {
            out.extend(chunks(s.iter().map(|t| t.tag.as_str()), base));
            base += s.len();
        }
        out
    }

    /// The document with each line in capitals written as today's
    /// headlines are, in Title Case ("EU REJECTS GERMAN CALL TO BOYCOTT
    /// BRITISH LAMB ." becomes "EU Rejects German Call to Boycott British
    /// Lamb ."), or `None` when it has no such line. A word the rest of the
    /// document writes capitalised inside a sentence keeps that form
    /// ("EU", "McDonald"); a short function word after the first is lower
    /// case; any other word has its first letter, and that of each part
    /// after a hyphen, in capitals and the rest in lower case. The tags are
    /// unchanged, and a closing full stop tagged O is dropped (today's
    /// headlines have none). `docsift eval ner --title-case-headlines`
    /// scores such copies; `docsift train ner --title-case-copies` trains
    /// on them too.
    pub fn with_title_case_headlines(&self) -> Option<Document> {
        let caps = |s: &[TaggedToken]| {
            s.iter()
                .filter(|t| t.text.chars().any(char::is_alphabetic))
                .count()
                >= 2
                && !s.iter().any(|t| t.text.chars().any(char::is_lowercase))
        };
        if !self.sentences.iter().any(|s| caps(s)) {
            return None;
        }
        // How the other sentences write a word capitalised, after their
        // first word: the first form seen.
        let mut written: std::collections::HashMap<String, &str> = std::collections::HashMap::new();
        for s in self.sentences.iter().filter(|s| !caps(s)) {
            for t in s.iter().skip(1) {
                if t.text.chars().next().is_some_and(char::is_uppercase) {
                    written.entry(t.text.to_lowercase()).or_insert(&t.text);
                }
            }
        }
        let rewritten_headlines = (0..self.sentences.len())
            .filter(|&k| caps(&self.sentences[k]))
            .collect();
        let sentences = self
            .sentences
            .iter()
            .map(|s| {
                if !caps(s) {
                    return s.clone();
                }
                let keep = if s.last().is_some_and(|t| t.text == "." && t.tag == "O") {
                    s.len() - 1
                } else {
                    s.len()
                };
                s[..keep]
                    .iter()
                    .enumerate()
                    .map(|(k, t)| {
                        let lower = t.text.to_lowercase();
                        let text = if !t.text.chars().any(char::is_alphabetic) {
                            t.text.clone()
                        } else if let Some(form) = written.get(&lower) {
                            (*form).to_string()
                        } else if k > 0 && HEADLINE_LOWER.contains(&lower.as_str()) {
                            lower
                        } else {
                            lower
                                .split('-')
                                .map(|part| {
                                    let mut cs = part.chars();
                                    cs.next().map_or(String::new(), |c| {
                                        c.to_uppercase().chain(cs).collect()
                                    })
                                })
                                .collect::<Vec<_>>()
                                .join("-")
                        };
                        TaggedToken {
                            text,
                            tag: t.tag.clone(),
                        }
                    })
                    .collect()
            })
            .collect();
        Some(Document {
            sentences,
            rewritten_headlines,
        })
    }

    /// The number of tokens.
    pub fn token_count(&self) -> usize {
        self.sentences.iter().map(Vec::len).sum()
    }

    /// The document's text (tokens joined by one space, but a possessive
    /// "'s" joined to the word before it; one sentence a line, and a blank
    /// line after a headline rewritten in Title Case) and the byte
    /// range of each token in it.
    pub fn text(&self) -> (String, Vec<Range<usize>>) {
        let mut text = String::new();
        let mut spans = Vec::with_capacity(self.token_count());
        for (si, s) in self.sentences.iter().enumerate() {
            if si > 0 {
                text.push('\n');
                // A headline rewritten in Title Case stands as a paragraph
                // of its own, as headlines do.
                if self.rewritten_headlines.contains(&(si - 1)) {
                    text.push('\n');
                }
            }
            for (ti, t) in s.iter().enumerate() {
                // "Japan 's" is written "Japan's", as running text has it.
                let possessive = matches!(t.text.as_str(), "'s" | "'S")
                    && text.chars().last().is_some_and(char::is_alphanumeric);
                if ti > 0 && !possessive {
                    text.push(' ');
                }
                let start = text.len();
                text.push_str(&t.text);
                spans.push(start..text.len());
            }
        }
        (text, spans)
    }
}

/// The tokens a byte range covers: from the token holding its first byte to
/// the one holding its last (a partial overlap counts), or `None` when it
/// touches no token. `spans` are sorted and disjoint.
pub fn tokens_of(spans: &[Range<usize>], start: usize, end: usize) -> Option<Range<usize>> {
    if end <= start {
        return None;
    }
    let first = spans.partition_point(|s| s.end <= start);
    let last = spans.partition_point(|s| s.start < end);
    (first < last).then_some(first..last)
}

#[cfg(test)]
mod tests {
    use super::*;

    const IOB2: &str = "-DOCSTART- -X- -X- O\n\nEU NNP B-NP B-ORG\nrejects VBZ B-VP O\nGerman JJ B-NP B-MISC\ncall NN I-NP O\n.\n\nPeter NNP B-NP B-PER\nBlackburn NNP I-NP I-PER\n\n-DOCSTART- -X- -X- O\n\nBRUSSELS NNP B-NP B-LOC\n";

    #[test]
    fn reads_documents_sentences_and_tags() {
        let docs = parse(IOB2);
        assert_eq!(docs.len(), 2);
        assert_eq!(docs[0].sentences.len(), 2);
        assert_eq!(docs[0].sentences[0].len(), 5);
        assert_eq!(docs[0].sentences[0][2].tag, "B-MISC");
        // A one-column line is an untagged token.
        assert_eq!(docs[0].sentences[0][4].tag, "O");
        assert_eq!(docs[1].sentences[0][0].text, "BRUSSELS");
        let (text, spans) = docs[0].text();
        assert_eq!(text, "EU rejects German call .\nPeter Blackburn");
        assert_eq!(&text[spans[5].clone()], "Peter");
    }

    #[test]
    fn a_possessive_is_written_joined_to_its_word() {
        let docs =
            parse("Japan NNP B-NP B-LOC\n's POS B-NP O\nNippon NNP I-NP B-ORG\n\n's POS B-NP O\n");
        let (text, spans) = docs[0].text();
        assert_eq!(text, "Japan's Nippon\n's");
        assert_eq!(&text[spans[1].clone()], "'s");
        assert_eq!(&text[spans[2].clone()], "Nippon");
    }

    #[test]
    fn lines_in_capitals_are_written_as_title_case_headlines() {
        let docs = parse(
            "-DOCSTART- O\n\nEU B-ORG\nREJECTS O\nGERMAN B-MISC\nCALL O\nTO O\nBOYCOTT O\nMCDONALD B-ORG\n'S O\nANTI-EU O\nLAMB O\n.\n\nBRUSSELS B-LOC\n1996-08-22 O\n\nThe O\nEU B-ORG\nand O\nMcDonald B-ORG\nsaid O\n.\n",
        );
        let tc = docs[0]
            .with_title_case_headlines()
            .expect("a line in capitals");
        let words: Vec<&str> = tc.sentences[0].iter().map(|t| t.text.as_str()).collect();
        assert_eq!(
            words,
            [
                "EU", "Rejects", "German", "Call", "to", "Boycott", "McDonald", "'s", "Anti-Eu",
                "Lamb"
            ]
        );
        // The tags, and the other sentences (a one-word dateline is no
        // headline), are unchanged; the closing full stop is dropped.
        let tags = |s: &[TaggedToken]| s.iter().map(|t| t.tag.clone()).collect::<Vec<_>>();
        let headline = &docs[0].sentences[0];
        assert_eq!(
            tags(&tc.sentences[0]),
            tags(&headline[..headline.len() - 1])
        );
        assert_eq!(tc.rewritten_headlines, [0]);
        assert_eq!(tc.sentences[1..], docs[0].sentences[1..]);
        assert_eq!(
            tc.with_title_case_headlines(),
            None,
            "no line in capitals left"
        );
    }

    #[test]
    fn chunks_in_iob2_and_iob1() {
        let docs = parse(IOB2);
        let gold = docs[0].gold_chunks();
        let labels: Vec<(Range<usize>, &str)> = gold
            .iter()
            .map(|c| (c.tokens.clone(), c.label.as_str()))
            .collect();
        assert_eq!(labels, vec![(0..1, "ORG"), (2..3, "MISC"), (5..7, "PER")]);
        // IOB1: I- opens a chunk; B- splits two touching chunks of one type;
        // a change of type ends one.
        let iob1 = ["I-PER", "I-PER", "B-PER", "O", "I-LOC", "I-ORG", "I-ORG"];
        let got: Vec<(Range<usize>, String)> = chunks(iob1, 10)
            .into_iter()
            .map(|c| (c.tokens, c.label))
            .collect();
        assert_eq!(
            got,
            vec![
                (10..12, "PER".to_string()),
                (12..13, "PER".to_string()),
                (14..15, "LOC".to_string()),
                (15..17, "ORG".to_string()),
            ]
        );
    }

    #[test]
    fn byte_ranges_map_to_tokens() {
        let spans = vec![0..2, 3..10, 11..17];
        assert_eq!(tokens_of(&spans, 0, 2), Some(0..1));
        assert_eq!(tokens_of(&spans, 3, 17), Some(1..3));
        // A mention without the token's last character still maps to it.
        assert_eq!(tokens_of(&spans, 11, 16), Some(2..3));
        assert_eq!(tokens_of(&spans, 2, 3), None);
        assert_eq!(tokens_of(&spans, 5, 5), None);
    }
}
