//! Loads a benchmark corpus: Reuters-21578 SGML, a folder of text files (the
//! BBC set), or JSON lines. Order is deterministic: sorted paths, then file
//! order.

use std::path::{Path, PathBuf};

/// One document of a corpus.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CorpusDoc {
    /// A stable id, unique within the corpus (`reuters-NEWID`, the file's
    /// relative path, or the JSON `id`).
    pub id: String,
    /// The title (may be empty).
    pub title: String,
    /// The body text.
    pub body: String,
}

/// Loads up to `limit` documents from `path`: a Reuters-21578 `.sgm` file, a
/// `.jsonl`/`.json` file of `{"id","title","text"|"body"}` lines, a plain text
/// file, or a folder (its `reut2-*.sgm` files when it has any, else every
/// `.txt` file below it, recursively).
pub fn load(path: &Path, limit: Option<usize>) -> Result<Vec<CorpusDoc>, String> {
    let limit = limit.unwrap_or(usize::MAX);
    let meta = std::fs::metadata(path)
        .map_err(|e| format!("cannot read corpus {}: {e}", path.display()))?;
    let mut docs = Vec::new();
    if meta.is_dir() {
        let mut files = Vec::new();
        walk(path, &|_| true, &mut files)?;
        files.sort();
        let sgml: Vec<&PathBuf> = files.iter().filter(|p| is_sgml(p)).collect();
        if !sgml.is_empty() {
            for file in sgml {
                if docs.len() >= limit {
                    break;
                }
                parse_sgml(&read_latin(file)?, limit, &mut docs);
            }
        } else {
            for file in files.iter().filter(|p| has_ext(p, "txt")) {
                if docs.len() >= limit {
                    break;
                }
                let id = file
                    .strip_prefix(path)
                    .unwrap_or(file)
                    .to_string_lossy()
                    .replace('\\', "/");
                if let Some(doc) = parse_txt(&id, &read_text(file)?) {
                    docs.push(doc);
                }
            }
        }
    } else if is_sgml(path) {
        parse_sgml(&read_latin(path)?, limit, &mut docs);
    } else if has_ext(path, "jsonl") || has_ext(path, "json") || has_ext(path, "ndjson") {
        parse_jsonl(&read_text(path)?, limit, &mut docs)
            .map_err(|e| format!("{}: {e}", path.display()))?;
    } else {
        let name = path
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_default();
        if let Some(doc) = parse_txt(&name, &read_text(path)?) {
            docs.push(doc);
        }
    }
    if docs.is_empty() {
        return Err(format!("corpus {} holds no documents", path.display()));
    }
    docs.truncate(limit);
    Ok(docs)
}

/// The corpus's raw text bytes: the UTF-8 length of every title and body.
pub fn raw_text_bytes(docs: &[CorpusDoc]) -> u64 {
    docs.iter()
        .map(|d| (d.title.len() + d.body.len()) as u64)
        .sum()
}

/// Every file under `dir` that `keep` accepts, recursively, into `out`;
/// hidden entries (a name starting with '.') are left out, folders too.
pub(crate) fn walk(
    dir: &Path,
    keep: &dyn Fn(&Path) -> bool,
    out: &mut Vec<PathBuf>,
) -> Result<(), String> {
    let entries =
        std::fs::read_dir(dir).map_err(|e| format!("cannot list {}: {e}", dir.display()))?;
    for entry in entries {
        let entry = entry.map_err(|e| format!("cannot list {}: {e}", dir.display()))?;
        let path = entry.path();
        if entry.file_name().to_string_lossy().starts_with('.') {
            continue;
        }
        let kind = entry
            .file_type()
            .map_err(|e| format!("cannot read {}: {e}", path.display()))?;
        if kind.is_dir() {
            walk(&path, keep, out)?;
        } else if kind.is_file() && keep(&path) {
            out.push(path);
        }
    }
    Ok(())
}

fn has_ext(path: &Path, ext: &str) -> bool {
    path.extension()
        .is_some_and(|e| e.eq_ignore_ascii_case(ext))
}

fn is_sgml(path: &Path) -> bool {
    has_ext(path, "sgm") || has_ext(path, "sgml")
}

fn read_bytes(path: &Path) -> Result<Vec<u8>, String> {
    std::fs::read(path).map_err(|e| format!("cannot read {}: {e}", path.display()))
}

/// Reads a latin-1/ASCII file as windows-1252 (never assumes UTF-8).
fn read_latin(path: &Path) -> Result<String, String> {
    let bytes = read_bytes(path)?;
    Ok(encoding_rs::WINDOWS_1252
        .decode_without_bom_handling(&bytes)
        .0
        .into_owned())
}

/// Reads a file as UTF-8, or as windows-1252 when it is not valid UTF-8.
fn read_text(path: &Path) -> Result<String, String> {
    let bytes = read_bytes(path)?;
    Ok(match String::from_utf8(bytes) {
        Ok(text) => text
            .strip_prefix('\u{feff}')
            .map(str::to_owned)
            .unwrap_or(text),
        Err(err) => encoding_rs::WINDOWS_1252
            .decode_without_bom_handling(err.as_bytes())
            .0
            .into_owned(),
    })
}

/// A text file: the first non-empty line is the title, the rest the body.
fn parse_txt(id: &str, text: &str) -> Option<CorpusDoc> {
    let text = text.replace("\r\n", "\n");
    let trimmed = text.trim_start();
    let (title, body) = trimmed.split_once('\n').unwrap_or((trimmed, ""));
    let body = body.trim();
    if body.is_empty() {
        return None;
    }
    Some(CorpusDoc {
        id: id.to_string(),
        title: title.trim().to_string(),
        body: body.to_string(),
    })
}

/// Parses the `<REUTERS>` records of one SGML file, skipping those without a
/// `<BODY>`.
fn parse_sgml(text: &str, limit: usize, out: &mut Vec<CorpusDoc>) {
    let mut rest = text;
    while out.len() < limit {
        let Some(start) = rest.find("<REUTERS") else {
            break;
        };
        rest = &rest[start..];
        let end = rest.find("</REUTERS>").unwrap_or(rest.len());
        let record = &rest[..end];
        rest = &rest[(end + "</REUTERS>".len()).min(rest.len())..];
        let header_end = record.find('>').unwrap_or(record.len());
        let header = &record[..header_end];
        let Some(body) = element(record, "BODY") else {
            continue;
        };
        let body = decode_entities(body);
        let body = body.trim();
        if body.is_empty() {
            continue;
        }
        let id = attribute(header, "NEWID")
            .map(|n| format!("reuters-{n}"))
            .unwrap_or_else(|| format!("reuters-{}", out.len() + 1));
        let title = element(record, "TITLE")
            .map(|t| decode_entities(t).trim().to_string())
            .unwrap_or_default();
        out.push(CorpusDoc {
            id,
            title,
            body: body.to_string(),
        });
    }
}

/// The content of the first `<NAME>...</NAME>` (tag may carry attributes).
fn element<'a>(record: &'a str, name: &str) -> Option<&'a str> {
    let open = format!("<{name}");
    let close = format!("</{name}>");
    let mut from = 0;
    while let Some(found) = record[from..].find(&open) {
        let at = from + found;
        let after = &record[at + open.len()..];
        // `<TITLE>` must not match `<TITLES>`.
        if after.starts_with('>') || after.starts_with(' ') {
            let content_start = at + open.len() + after.find('>')? + 1;
            let content_end = content_start + record[content_start..].find(&close)?;
            return Some(&record[content_start..content_end]);
        }
        from = at + open.len();
    }
    None
}

/// The value of `NAME="value"` in a start tag.
fn attribute<'a>(header: &'a str, name: &str) -> Option<&'a str> {
    let key = format!(" {name}=\"");
    let start = header.find(&key)? + key.len();
    let len = header[start..].find('"')?;
    Some(&header[start..start + len])
}

/// Decodes SGML/HTML entities (`&lt;`, `&amp;`, `&#N;`, `&#xN;`, ...) and
/// drops control characters other than newlines and tabs.
fn decode_entities(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    while let Some(at) = rest.find('&') {
        out.push_str(&rest[..at]);
        rest = &rest[at..];
        let decoded = rest[1..]
            .find(';')
            .filter(|&len| len > 0 && len <= 10)
            .and_then(|len| entity(&rest[1..1 + len]).map(|c| (c, len + 2)));
        match decoded {
            Some((c, consumed)) => {
                out.push(c);
                rest = &rest[consumed..];
            }
            None => {
                out.push('&');
                rest = &rest[1..];
            }
        }
    }
    out.push_str(rest);
    out.retain(|c| !c.is_control() || c == '\n' || c == '\t');
    out
}

fn entity(name: &str) -> Option<char> {
    if let Some(number) = name.strip_prefix('#') {
        let code = match number.strip_prefix(['x', 'X']) {
            Some(hex) => u32::from_str_radix(hex, 16).ok()?,
            None => number.parse().ok()?,
        };
        return char::from_u32(code);
    }
    Some(match name {
        "lt" => '<',
        "gt" => '>',
        "amp" => '&',
        "quot" => '"',
        "apos" => '\'',
        "nbsp" => '\u{a0}',
        _ => return None,
    })
}

/// Parses JSON lines of `{"id", "title", "text" | "body"}`; blank lines are
/// skipped, a line that is not such an object is an error naming its number.
fn parse_jsonl(text: &str, limit: usize, out: &mut Vec<CorpusDoc>) -> Result<(), String> {
    #[derive(serde::Deserialize)]
    struct Line {
        #[serde(default)]
        id: Option<serde_json::Value>,
        #[serde(default)]
        title: Option<String>,
        #[serde(default)]
        text: Option<String>,
        #[serde(default)]
        body: Option<String>,
    }
    for (number, line) in text.lines().enumerate() {
        if out.len() >= limit {
            break;
        }
        let line = line.trim();
        if line.is_empty() {
            continue;
        }
        let parsed: Line = serde_json::from_str(line)
            .map_err(|e| format!("line {}: not a JSON document object: {e}", number + 1))?;
        let body = parsed.text.or(parsed.body).unwrap_or_default();
        if body.trim().is_empty() {
            continue;
        }
        let id = match parsed.id {
            Some(serde_json::Value::String(s)) if !s.is_empty() => s,
            Some(serde_json::Value::Number(n)) => n.to_string(),
            _ => format!("line-{}", number + 1),
        };
        out.push(CorpusDoc {
            id,
            title: parsed.title.unwrap_or_default(),
            body,
        });
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    const SGML: &[u8] = b"<!DOCTYPE lewis SYSTEM \"lewis.dtd\">\n\
<REUTERS TOPICS=\"YES\" OLDID=\"5544\" NEWID=\"1\">\n<DATE>26-FEB-1987</DATE>\n\
<TOPICS><D>cocoa</D></TOPICS>\n<TEXT>&#2;\n<TITLE>BAHIA &lt;COCOA&gt; REVIEW</TITLE>\n\
<DATELINE>SALVADOR, Feb 26 - </DATELINE><BODY>Showers continued in Bahia &amp; S\xe3o Paulo.\n\
Reuter\n&#3;</BODY></TEXT>\n</REUTERS>\n\
<REUTERS TOPICS=\"NO\" NEWID=\"2\">\n<TEXT TYPE=\"BRIEF\">&#2;\n<TITLE>NO BODY HERE</TITLE>\n&#3;</TEXT>\n</REUTERS>\n\
<REUTERS NEWID=\"3\">\n<TEXT>\n<BODY>Second body, \x93quoted\x94.</BODY></TEXT>\n</REUTERS>\n";

    fn temp_dir(name: &str) -> PathBuf {
        let dir = std::env::temp_dir().join(format!(
            "docsift-corpus-{name}-{}-{}",
            std::process::id(),
            rand::random::<u32>()
        ));
        std::fs::create_dir_all(&dir).expect("create a temp dir");
        dir
    }

    #[test]
    fn reuters_sgml_is_parsed_and_decoded() {
        let dir = temp_dir("sgml");
        std::fs::write(dir.join("reut2-000.sgm"), SGML).expect("write");
        std::fs::write(dir.join("README.txt"), "not a document\nignored").expect("write");
        let docs = load(&dir, None).expect("load");
        assert_eq!(docs.len(), 2, "{docs:?}");
        assert_eq!(docs[0].id, "reuters-1");
        assert_eq!(docs[0].title, "BAHIA <COCOA> REVIEW");
        assert_eq!(
            docs[0].body,
            "Showers continued in Bahia & São Paulo.\nReuter"
        );
        assert_eq!(docs[1].id, "reuters-3");
        assert_eq!(docs[1].title, "");
        assert_eq!(docs[1].body, "Second body, \u{201c}quoted\u{201d}.");
        let one = load(&dir.join("reut2-000.sgm"), Some(1)).expect("load one");
        assert_eq!(one.len(), 1);
        assert_eq!(raw_text_bytes(&one), (20 + one[0].body.len()) as u64);
        std::fs::remove_dir_all(dir).ok();
    }

    #[test]
    fn text_folder_is_read_recursively_in_sorted_order() {
        let dir = temp_dir("txt");
        std::fs::create_dir_all(dir.join("tech")).expect("mkdir");
        std::fs::create_dir_all(dir.join("business")).expect("mkdir");
        std::fs::write(dir.join("tech/001.txt"), "Chips rise\n\nIntel said so.").expect("write");
        std::fs::write(
            dir.join("business/002.txt"),
            b"Profit \xa3 up\n\nCaf\xe9 sales.\n",
        )
        .expect("write");
        std::fs::write(dir.join("business/001.txt"), "Only a title\n").expect("write");
        std::fs::write(dir.join("business/notes.md"), "# ignored\nbody").expect("write");
        let docs = load(&dir, None).expect("load");
        assert_eq!(docs.len(), 2, "{docs:?}");
        assert_eq!(docs[0].id, "business/002.txt");
        assert_eq!(docs[0].title, "Profit £ up");
        assert_eq!(docs[0].body, "Café sales.");
        assert_eq!(docs[1].id, "tech/001.txt");
        assert_eq!(docs[1].title, "Chips rise");
        assert_eq!(docs[1].body, "Intel said so.");
        std::fs::remove_dir_all(dir).ok();
    }

    #[test]
    fn json_lines_take_text_or_body() {
        let dir = temp_dir("jsonl");
        let file = dir.join("docs.jsonl");
        std::fs::write(
            &file,
            "{\"id\":\"a\",\"title\":\"T\",\"text\":\"First – text\"}\n\n\
             {\"id\":7,\"body\":\"Second\"}\n{\"title\":\"empty\"}\n{\"text\":\"Third\"}\n",
        )
        .expect("write");
        let docs = load(&file, None).expect("load");
        let ids: Vec<&str> = docs.iter().map(|d| d.id.as_str()).collect();
        assert_eq!(ids, ["a", "7", "line-5"]);
        assert_eq!(docs[0].body, "First – text");
        assert_eq!(load(&file, Some(2)).expect("load").len(), 2);
        std::fs::write(&file, "{\"text\":\"ok\"}\nnot json\n").expect("write");
        let err = load(&file, None).expect_err("a bad line");
        assert!(err.contains("line 2"), "{err}");
        std::fs::remove_dir_all(dir).ok();
    }

    #[test]
    fn bad_paths_are_clear_errors() {
        let err = load(Path::new("/nonexistent/docsift-corpus"), None).expect_err("missing");
        assert!(err.contains("cannot read corpus"), "{err}");
        let dir = temp_dir("empty");
        let err = load(&dir, None).expect_err("empty");
        assert!(err.contains("no documents"), "{err}");
        std::fs::remove_dir_all(dir).ok();
    }

    #[test]
    fn entities_decode_and_unknown_ones_stay() {
        assert_eq!(
            decode_entities("a &amp; b &#65;&#x42; &foo; & c&#5;"),
            "a & b AB &foo; & c"
        );
        assert_eq!(decode_entities("&#99999999999;"), "&#99999999999;");
    }
}
