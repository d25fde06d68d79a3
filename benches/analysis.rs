//! Criterion benches of the analysis pipeline (issue 4, part 2).
//!
//! - `stage/*`: each stage on its own, on the founding article, through the
//!   public API (`analyze` with `Features::none()` and one part switched on).
//! - `pipeline/founding`: the whole default pipeline on the founding article.
//! - `pipeline_long/*`: the whole pipeline on documents of about 100 KB and
//!   1 MB, built from the seeds and generated, varied news-like text, so the
//!   bytes/s figures show whether cost grows linearly with length.
//! - `stage_long/<stage>/<size>`: each stage on its own on the same
//!   100 KB and 1 MB documents; equal bytes/s at both sizes is what shows a
//!   stage is linear.
//! - `extract/html_to_text`: HTML extraction of `seeds/html_page.html`.
//! - `extract_long/*`: HTML extraction of the long documents as `<p>`
//!   paragraphs, and charset detection and decoding of them as undeclared
//!   windows-1252 bytes, at 100 KB and 1 MB.
//! - `entities_tokens/*`: the entity stage (patterns, gazetteer, the learned
//!   tagger, linking) on the founding article and the ~100 KB document,
//!   reported in tokens (`Throughput::Elements`, the pipeline's own tokens),
//!   for issue 5's target of 200,000 tokens/s on one core.
//!
//! Every other group reports `Throughput::Bytes`. Run with
//! `cargo bench --bench analysis -- --warm-up-time 1 --measurement-time 3`.

use std::hint::black_box;
use std::path::Path;

use chrono::NaiveDate;
use criterion::{Criterion, Throughput, criterion_group, criterion_main};
use docsift::analysis::extract::{decode_raw, html_to_text};
use docsift::analysis::{Features, Input, analyze};

/// Reads a file of `seeds/`, panicking with its path if it is missing.
fn seed(name: &str) -> String {
    let path = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("seeds")
        .join(name);
    std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

/// The input every bench analyses: default-less, with a fixed reference date.
fn input<'a>(text: &'a str, title: Option<&'a str>, features: Features) -> Input<'a> {
    Input {
        text,
        title,
        language_hint: None,
        reference_date: NaiveDate::from_ymd_opt(2015, 11, 15).expect("valid date"),
        features,
        summary_sentences: 0,
    }
}

/// A tiny deterministic generator (xorshift64*), so the long documents are the
/// same on every run without pulling a seeded RNG into the bench.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_F491_4F6C_DD1D)
    }

    fn pick<'a>(&mut self, items: &[&'a str]) -> &'a str {
        items[(self.next() % items.len() as u64) as usize]
    }

    fn below(&mut self, n: u64) -> u64 {
        self.next() % n
    }
}

const FIRST: &[&str] = &[
    "Maria", "John", "Aiko", "Pedro", "Fatima", "Lars", "Chen", "Olga", "Kwame", "Sofia", "Rahul",
    "Emma", "Tomasz", "Leila", "Diego", "Hannah",
];
const LAST: &[&str] = &[
    "Santos",
    "Whitfield",
    "Tanaka",
    "Alvarez",
    "Haddad",
    "Nilsson",
    "Wei",
    "Petrova",
    "Mensah",
    "Rossi",
    "Kapoor",
    "Brennan",
    "Kowalski",
    "Farah",
    "Moreno",
    "Schulz",
];
const ORGS: &[&str] = &[
    "the European Central Bank",
    "Northwind Energy Corp",
    "the World Health Organization",
    "Atlas Shipping Ltd",
    "the Federal Reserve",
    "Helios Pharmaceuticals Inc",
    "the United Nations",
    "Granite Mining Group",
    "the Ministry of Finance",
    "Blue Harbor Capital",
];
const PLACES: &[&str] = &[
    "Geneva",
    "Nairobi",
    "Sao Paulo",
    "Osaka",
    "Rotterdam",
    "Chicago",
    "Warsaw",
    "Mumbai",
    "Melbourne",
    "Istanbul",
    "Lima",
    "Toronto",
];
const TOPICS: &[&str] = &[
    "interest rates",
    "crude oil output",
    "vaccine supplies",
    "port congestion",
    "copper exports",
    "wage negotiations",
    "housing starts",
    "renewable power capacity",
    "grain harvests",
    "bond yields",
    "consumer confidence",
    "steel tariffs",
];
const VERBS: &[&str] = &[
    "rose",
    "fell",
    "climbed",
    "slipped",
    "jumped",
    "eased",
    "held steady",
    "dropped",
];
const MOODS: &[&str] = &[
    "a welcome and encouraging sign",
    "a serious and worrying setback",
    "broadly in line with expectations",
    "a disappointing result for investors",
    "an excellent outcome for workers",
    "a risky gamble that could fail badly",
];
const DAYS: &[&str] = &[
    "on Monday",
    "on Tuesday",
    "on Wednesday",
    "on Thursday",
    "on Friday",
    "last week",
    "on March 3",
    "in the fourth quarter",
];
const MONTHS: &[&str] = &[
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
];

/// One generated news paragraph: a dateline-like lead with an organisation,
/// a place, a figure and a percentage, an attributed quote, and a closing
/// sentence with a date. Every call differs.
fn paragraph(rng: &mut Rng) -> String {
    let person = format!("{} {}", rng.pick(FIRST), rng.pick(LAST));
    let surname = person.rsplit(' ').next().unwrap_or_default().to_string();
    let org = rng.pick(ORGS);
    let place = rng.pick(PLACES);
    let topic = rng.pick(TOPICS);
    let verb = rng.pick(VERBS);
    let mood = rng.pick(MOODS);
    let day = rng.pick(DAYS);
    let pct = format!("{}.{}", rng.below(40), rng.below(10));
    let money = 1 + rng.below(900);
    let month = rng.pick(MONTHS);
    let date = 1 + rng.below(28);
    let year = 2010 + rng.below(16);
    format!(
        "{place_upper} - {topic_cap} {verb} {pct} percent {day}, according to figures released by \
         {org} in {place}, which put the cost at ${money} million.\n\n\
         \"This is {mood},\" {person}, a senior analyst who follows {topic}, said in an interview. \
         {surname} added that talks with {org2} would resume in {place2}.\n\n\
         The next report is due on {month} {date}, {year}, and {surname} expects {topic2} to \
         remain volatile until then.\n\n",
        place_upper = place.to_uppercase(),
        topic_cap = capitalise(topic),
        org2 = rng.pick(ORGS),
        place2 = rng.pick(PLACES),
        topic2 = rng.pick(TOPICS),
    )
}

fn capitalise(s: &str) -> String {
    let mut chars = s.chars();
    match chars.next() {
        Some(c) => c.to_uppercase().chain(chars).collect(),
        None => String::new(),
    }
}

/// A document of at least `target` bytes: the English seeds, then generated
/// paragraphs, with a seed again every 20 paragraphs, cut at a paragraph end.
fn long_document(target: usize) -> String {
    let seeds = [
        seed("000_3db58b10b3ad52bf.txt"),
        seed("000_syndicated.txt"),
        seed("press_release.txt"),
        seed("note.txt"),
    ];
    let mut rng = Rng(0x9E37_79B9_7F4A_7C15 ^ target as u64);
    let mut doc = String::with_capacity(target + 4096);
    let mut n = 0usize;
    while doc.len() < target {
        if n.is_multiple_of(20) {
            doc.push_str(&seeds[(n / 20) % seeds.len()]);
            doc.push_str("\n\n");
        } else {
            doc.push_str(&paragraph(&mut rng));
        }
        n += 1;
    }
    doc
}

/// The stages, named as in `Features`, each with only itself switched on.
fn stages() -> Vec<(&'static str, Features)> {
    let one = |set: fn(&mut Features)| {
        let mut f = Features::none();
        set(&mut f);
        f
    };
    vec![
        ("none", Features::none()),
        ("language", one(|f| f.language = true)),
        ("stats", one(|f| f.stats = true)),
        ("sentences", one(|f| f.sentences = true)),
        ("tokens", one(|f| f.tokens = true)),
        ("entities", one(|f| f.entities = true)),
        ("keyphrases", one(|f| f.keyphrases = true)),
        ("sentiment", one(|f| f.sentiment = true)),
        ("summary", one(|f| f.summary = true)),
        ("quotes", one(|f| f.quotes = true)),
        ("cleanup", one(|f| f.cleanup = true)),
        ("fingerprint", one(|f| f.fingerprint = true)),
    ]
}

/// The founding article's title is its first line.
fn title_of(text: &str) -> Option<&str> {
    text.lines().next().map(str::trim).filter(|t| !t.is_empty())
}

fn bench_stages(c: &mut Criterion) {
    let text = seed("000_3db58b10b3ad52bf.txt");
    let title = title_of(&text);
    let mut group = c.benchmark_group("stage");
    group.throughput(Throughput::Bytes(text.len() as u64));
    for (name, features) in stages() {
        group.bench_function(name, |b| {
            b.iter(|| analyze(black_box(&input(&text, title, features))))
        });
    }
    group.finish();
}

fn bench_pipeline(c: &mut Criterion) {
    let text = seed("000_3db58b10b3ad52bf.txt");
    let title = title_of(&text);
    let mut group = c.benchmark_group("pipeline");
    group.throughput(Throughput::Bytes(text.len() as u64));
    group.bench_function("founding", |b| {
        b.iter(|| analyze(black_box(&input(&text, title, Features::default()))))
    });
    group.finish();

    let mut group = c.benchmark_group("pipeline_long");
    // A 1 MB analysis takes a good fraction of a second: 10 samples suffice.
    group.sample_size(10);
    for (name, size) in [("100KB", 100 * 1024), ("1MB", 1024 * 1024)] {
        let doc = long_document(size);
        let title = title_of(&doc);
        group.throughput(Throughput::Bytes(doc.len() as u64));
        group.bench_function(name, |b| {
            b.iter(|| analyze(black_box(&input(&doc, title, Features::default()))))
        });
    }
    group.finish();
}

/// The two long sizes, named as the benches report them.
const LONG: [(&str, usize); 2] = [("100KB", 100 * 1024), ("1MB", 1024 * 1024)];

fn bench_stages_long(c: &mut Criterion) {
    let mut group = c.benchmark_group("stage_long");
    group.sample_size(10);
    for (size_name, size) in LONG {
        let doc = long_document(size);
        let title = title_of(&doc);
        group.throughput(Throughput::Bytes(doc.len() as u64));
        for (name, features) in stages() {
            group.bench_function(format!("{name}/{size_name}"), |b| {
                b.iter(|| analyze(black_box(&input(&doc, title, features))))
            });
        }
    }
    group.finish();
}

fn bench_extract(c: &mut Criterion) {
    let html = seed("html_page.html");
    let mut group = c.benchmark_group("extract");
    group.throughput(Throughput::Bytes(html.len() as u64));
    group.bench_function("html_to_text", |b| {
        b.iter(|| html_to_text(black_box(&html)))
    });
    group.finish();

    let mut group = c.benchmark_group("extract_long");
    group.sample_size(10);
    for (size_name, size) in LONG {
        let doc = long_document(size);
        let mut html =
            String::from("<!DOCTYPE html><html><head><title>Long</title></head><body><article>");
        for para in doc.split("\n\n") {
            html.push_str("<p>");
            for c in para.chars() {
                match c {
                    '<' => html.push_str("&lt;"),
                    '&' => html.push_str("&amp;"),
                    _ => html.push(c),
                }
            }
            html.push_str("</p>\n");
        }
        html.push_str("</article></body></html>");
        group.throughput(Throughput::Bytes(html.len() as u64));
        group.bench_function(format!("html_to_text/{size_name}"), |b| {
            b.iter(|| html_to_text(black_box(&html)))
        });
        let (latin, _, _) = encoding_rs::WINDOWS_1252.encode(&doc);
        group.throughput(Throughput::Bytes(latin.len() as u64));
        group.bench_function(format!("decode_raw/{size_name}"), |b| {
            b.iter(|| decode_raw(black_box(&latin), None))
        });
    }
    group.finish();
}

fn bench_entity_tokens(c: &mut Criterion) {
    let founding = seed("000_3db58b10b3ad52bf.txt");
    let long = long_document(100 * 1024);
    let mut tokens_only = Features::none();
    tokens_only.tokens = true;
    let mut entities_only = Features::none();
    entities_only.entities = true;
    let mut group = c.benchmark_group("entities_tokens");
    for (name, text) in [("founding", founding.as_str()), ("100KB", long.as_str())] {
        let title = title_of(text);
        let tokens = analyze(&input(text, title, tokens_only)).tokens.len();
        group.throughput(Throughput::Elements(tokens as u64));
        group.bench_function(name, |b| {
            b.iter(|| analyze(black_box(&input(text, title, entities_only))))
        });
    }
    group.finish();
}

criterion_group!(
    benches,
    bench_stages,
    bench_stages_long,
    bench_pipeline,
    bench_extract,
    bench_entity_tokens
);
criterion_main!(benches);
