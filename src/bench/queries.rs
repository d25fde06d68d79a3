//! Search queries for benchmarks: read from a file, or derived from a corpus
//! deterministically (significant title words and entity-like names).

use std::collections::HashSet;
use std::path::Path;

use super::corpus::CorpusDoc;

/// Words too common to make a query on their own.
const STOPWORDS: &[&str] = &[
    "about", "after", "again", "against", "also", "among", "and", "before", "between", "could",
    "from", "have", "into", "more", "over", "says", "said", "than", "that", "their", "there",
    "these", "they", "this", "through", "under", "until", "upon", "were", "what", "when", "where",
    "which", "while", "will", "with", "would", "year", "says", "sees", "set", "the", "for", "not",
    "new", "may", "its", "has", "was", "are", "but", "week", "month", "first", "rise", "rises",
    "fall", "falls", "up", "down", "reuter", "reuters", "told", "today",
];

/// Capitalised words that start sentences or name no entity.
const NOT_ENTITIES: &[&str] = &[
    "The",
    "A",
    "An",
    "It",
    "In",
    "On",
    "At",
    "He",
    "She",
    "They",
    "We",
    "I",
    "But",
    "And",
    "This",
    "That",
    "These",
    "Those",
    "For",
    "As",
    "If",
    "Its",
    "Mr",
    "Mrs",
    "Ms",
    "Reuter",
    "Reuters",
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
    "Monday",
    "Tuesday",
    "Wednesday",
    "Thursday",
    "Friday",
    "Saturday",
    "Sunday",
    "There",
    "Their",
    "When",
    "While",
    "After",
    "Before",
    "His",
    "Her",
];

/// Reads one query a line, skipping blank lines and `#` comments.
pub fn load_file(path: &Path) -> Result<Vec<String>, String> {
    let text = std::fs::read_to_string(path)
        .map_err(|e| format!("cannot read queries {}: {e}", path.display()))?;
    let queries: Vec<String> = text
        .lines()
        .map(str::trim)
        .filter(|l| !l.is_empty() && !l.starts_with('#'))
        .map(str::to_owned)
        .collect();
    if queries.is_empty() {
        return Err(format!("queries file {} holds no queries", path.display()));
    }
    Ok(queries)
}

/// Derives up to `n` distinct queries from a corpus, the same every time:
/// for each document in order, one query of its title's first two
/// significant words (lower-cased) and one quoted entity-like name from its
/// body (a run of two or three capitalised words), then `n` of them picked at
/// an even stride over the whole list so the queries cover the corpus.
pub fn derive(docs: &[CorpusDoc], n: usize) -> Vec<String> {
    let mut seen = HashSet::new();
    let mut all = Vec::new();
    for doc in docs {
        for query in [title_query(&doc.title), entity_query(&doc.body)]
            .into_iter()
            .flatten()
        {
            if seen.insert(query.clone()) {
                all.push(query);
            }
        }
    }
    if all.len() <= n {
        return all;
    }
    (0..n).map(|i| all[i * all.len() / n].clone()).collect()
}

fn title_query(title: &str) -> Option<String> {
    let words: Vec<String> = title
        .split(|c: char| !c.is_alphanumeric())
        .filter(|w| w.chars().count() >= 3 && w.chars().all(char::is_alphabetic))
        .map(str::to_lowercase)
        .filter(|w| !STOPWORDS.contains(&w.as_str()))
        .take(2)
        .collect();
    (!words.is_empty()).then(|| words.join(" "))
}

fn entity_query(body: &str) -> Option<String> {
    let mut run: Vec<&str> = Vec::new();
    for token in body.split(|c: char| c.is_whitespace()) {
        let word = token.trim_end_matches([',', '.', ';', ':', ')', '\'', '"']);
        let ends_clause = word.len() != token.len();
        let capitalised = word.chars().count() >= 2
            && word.chars().next().is_some_and(char::is_uppercase)
            && word.chars().skip(1).all(char::is_lowercase)
            && !NOT_ENTITIES.contains(&word);
        if capitalised {
            run.push(word);
        } else {
            if run.len() >= 2 {
                break;
            }
            run.clear();
        }
        if ends_clause {
            if run.len() >= 2 {
                break;
            }
            run.clear();
        }
    }
    (run.len() >= 2).then(|| format!("\"{}\"", run[..run.len().min(3)].join(" ")))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn doc(title: &str, body: &str) -> CorpusDoc {
        CorpusDoc {
            id: title.into(),
            title: title.into(),
            body: body.into(),
        }
    }

    #[test]
    fn queries_come_from_titles_and_names() {
        let docs = [
            doc(
                "BAHIA COCOA REVIEW",
                "Showers continued, Comissaria Smith said in its weekly review.",
            ),
            doc(
                "U.S. SAYS TRADE GAP WIDENS",
                "The Federal Reserve Board met.",
            ),
            doc(
                "Café – Zürich talks",
                "Talks in Zürich. Angela Merkel spoke.",
            ),
        ];
        let queries = derive(&docs, 100);
        assert_eq!(
            queries,
            [
                "bahia cocoa",
                "\"Comissaria Smith\"",
                "trade gap",
                "\"Federal Reserve Board\"",
                "café zürich",
                "\"Angela Merkel\"",
            ]
        );
        assert_eq!(
            derive(&docs, 3),
            ["bahia cocoa", "trade gap", "café zürich"]
        );
        assert_eq!(derive(&docs, 3), derive(&docs, 3));
    }

    #[test]
    fn query_file_skips_blanks_and_comments() {
        let path = std::env::temp_dir().join(format!("docsift-queries-{}", std::process::id()));
        std::fs::write(&path, "# comment\noil prices\n\n  \"Bank of Japan\"  \n").expect("write");
        assert_eq!(
            load_file(&path).expect("load"),
            ["oil prices", "\"Bank of Japan\""]
        );
        std::fs::write(&path, "\n# only\n").expect("write");
        assert!(load_file(&path).is_err());
        std::fs::remove_file(path).ok();
        assert!(load_file(Path::new("/nonexistent/q.txt")).is_err());
    }
}
