//! Builds docsift's language-identification model, `models/langid.bin`.
//!
//! The source is lingua's per-language n-gram tables (Apache-2.0, from
//! crates.io): for each of its 75 languages, every character 1- to 5-gram
//! seen in its training text with ln P(last char | the ones before), as an
//! `fst` map. This keeps, for each language and each length, the n-grams
//! that are most frequent in the language (their joint probability, the
//! product of the conditionals along the n-gram), quantizes each kept
//! conditional log-probability above a floor into a byte, and writes one
//! hash table that docsift reads in place (format in
//! `src/analysis/langid.rs` of docsift).
//!
//! Usage (from the repository root):
//!
//! ```sh
//! cargo run --release --manifest-path tools/langid-model/Cargo.toml -- --out models/langid.bin
//! ```
//!
//! Options: `--top K1,K2,K3,K4,K5` (n-grams kept per language and length,
//! 0 = all), `--floor F` (the log-probability an absent n-gram counts as),
//! `--step S` (nats per quantization unit). The output is deterministic.

use std::collections::{BTreeMap, HashMap};
use std::io::Write;

use fst::Streamer;
use include_dir::Dir;

/// ISO 639-1, ISO 639-3, English name, lingua's model folder.
const LANGUAGES: &[(&str, &str, &str, &Dir<'static>)] = &[
    (
        "af",
        "afr",
        "Afrikaans",
        &lingua_afrikaans_language_model::AFRIKAANS_MODELS_DIRECTORY,
    ),
    (
        "sq",
        "sqi",
        "Albanian",
        &lingua_albanian_language_model::ALBANIAN_MODELS_DIRECTORY,
    ),
    (
        "ar",
        "ara",
        "Arabic",
        &lingua_arabic_language_model::ARABIC_MODELS_DIRECTORY,
    ),
    (
        "hy",
        "hye",
        "Armenian",
        &lingua_armenian_language_model::ARMENIAN_MODELS_DIRECTORY,
    ),
    (
        "az",
        "aze",
        "Azerbaijani",
        &lingua_azerbaijani_language_model::AZERBAIJANI_MODELS_DIRECTORY,
    ),
    (
        "eu",
        "eus",
        "Basque",
        &lingua_basque_language_model::BASQUE_MODELS_DIRECTORY,
    ),
    (
        "be",
        "bel",
        "Belarusian",
        &lingua_belarusian_language_model::BELARUSIAN_MODELS_DIRECTORY,
    ),
    (
        "bn",
        "ben",
        "Bengali",
        &lingua_bengali_language_model::BENGALI_MODELS_DIRECTORY,
    ),
    (
        "nb",
        "nob",
        "Norwegian Bokmål",
        &lingua_bokmal_language_model::BOKMAL_MODELS_DIRECTORY,
    ),
    (
        "bs",
        "bos",
        "Bosnian",
        &lingua_bosnian_language_model::BOSNIAN_MODELS_DIRECTORY,
    ),
    (
        "bg",
        "bul",
        "Bulgarian",
        &lingua_bulgarian_language_model::BULGARIAN_MODELS_DIRECTORY,
    ),
    (
        "ca",
        "cat",
        "Catalan",
        &lingua_catalan_language_model::CATALAN_MODELS_DIRECTORY,
    ),
    (
        "zh",
        "zho",
        "Chinese",
        &lingua_chinese_language_model::CHINESE_MODELS_DIRECTORY,
    ),
    (
        "hr",
        "hrv",
        "Croatian",
        &lingua_croatian_language_model::CROATIAN_MODELS_DIRECTORY,
    ),
    (
        "cs",
        "ces",
        "Czech",
        &lingua_czech_language_model::CZECH_MODELS_DIRECTORY,
    ),
    (
        "da",
        "dan",
        "Danish",
        &lingua_danish_language_model::DANISH_MODELS_DIRECTORY,
    ),
    (
        "nl",
        "nld",
        "Dutch",
        &lingua_dutch_language_model::DUTCH_MODELS_DIRECTORY,
    ),
    (
        "en",
        "eng",
        "English",
        &lingua_english_language_model::ENGLISH_MODELS_DIRECTORY,
    ),
    (
        "eo",
        "epo",
        "Esperanto",
        &lingua_esperanto_language_model::ESPERANTO_MODELS_DIRECTORY,
    ),
    (
        "et",
        "est",
        "Estonian",
        &lingua_estonian_language_model::ESTONIAN_MODELS_DIRECTORY,
    ),
    (
        "fi",
        "fin",
        "Finnish",
        &lingua_finnish_language_model::FINNISH_MODELS_DIRECTORY,
    ),
    (
        "fr",
        "fra",
        "French",
        &lingua_french_language_model::FRENCH_MODELS_DIRECTORY,
    ),
    (
        "lg",
        "lug",
        "Ganda",
        &lingua_ganda_language_model::GANDA_MODELS_DIRECTORY,
    ),
    (
        "ka",
        "kat",
        "Georgian",
        &lingua_georgian_language_model::GEORGIAN_MODELS_DIRECTORY,
    ),
    (
        "de",
        "deu",
        "German",
        &lingua_german_language_model::GERMAN_MODELS_DIRECTORY,
    ),
    (
        "el",
        "ell",
        "Greek",
        &lingua_greek_language_model::GREEK_MODELS_DIRECTORY,
    ),
    (
        "gu",
        "guj",
        "Gujarati",
        &lingua_gujarati_language_model::GUJARATI_MODELS_DIRECTORY,
    ),
    (
        "he",
        "heb",
        "Hebrew",
        &lingua_hebrew_language_model::HEBREW_MODELS_DIRECTORY,
    ),
    (
        "hi",
        "hin",
        "Hindi",
        &lingua_hindi_language_model::HINDI_MODELS_DIRECTORY,
    ),
    (
        "hu",
        "hun",
        "Hungarian",
        &lingua_hungarian_language_model::HUNGARIAN_MODELS_DIRECTORY,
    ),
    (
        "is",
        "isl",
        "Icelandic",
        &lingua_icelandic_language_model::ICELANDIC_MODELS_DIRECTORY,
    ),
    (
        "id",
        "ind",
        "Indonesian",
        &lingua_indonesian_language_model::INDONESIAN_MODELS_DIRECTORY,
    ),
    (
        "ga",
        "gle",
        "Irish",
        &lingua_irish_language_model::IRISH_MODELS_DIRECTORY,
    ),
    (
        "it",
        "ita",
        "Italian",
        &lingua_italian_language_model::ITALIAN_MODELS_DIRECTORY,
    ),
    (
        "ja",
        "jpn",
        "Japanese",
        &lingua_japanese_language_model::JAPANESE_MODELS_DIRECTORY,
    ),
    (
        "kk",
        "kaz",
        "Kazakh",
        &lingua_kazakh_language_model::KAZAKH_MODELS_DIRECTORY,
    ),
    (
        "ko",
        "kor",
        "Korean",
        &lingua_korean_language_model::KOREAN_MODELS_DIRECTORY,
    ),
    (
        "la",
        "lat",
        "Latin",
        &lingua_latin_language_model::LATIN_MODELS_DIRECTORY,
    ),
    (
        "lv",
        "lav",
        "Latvian",
        &lingua_latvian_language_model::LATVIAN_MODELS_DIRECTORY,
    ),
    (
        "lt",
        "lit",
        "Lithuanian",
        &lingua_lithuanian_language_model::LITHUANIAN_MODELS_DIRECTORY,
    ),
    (
        "mk",
        "mkd",
        "Macedonian",
        &lingua_macedonian_language_model::MACEDONIAN_MODELS_DIRECTORY,
    ),
    (
        "ms",
        "msa",
        "Malay",
        &lingua_malay_language_model::MALAY_MODELS_DIRECTORY,
    ),
    (
        "mi",
        "mri",
        "Maori",
        &lingua_maori_language_model::MAORI_MODELS_DIRECTORY,
    ),
    (
        "mr",
        "mar",
        "Marathi",
        &lingua_marathi_language_model::MARATHI_MODELS_DIRECTORY,
    ),
    (
        "mn",
        "mon",
        "Mongolian",
        &lingua_mongolian_language_model::MONGOLIAN_MODELS_DIRECTORY,
    ),
    (
        "nn",
        "nno",
        "Norwegian Nynorsk",
        &lingua_nynorsk_language_model::NYNORSK_MODELS_DIRECTORY,
    ),
    (
        "fa",
        "fas",
        "Persian",
        &lingua_persian_language_model::PERSIAN_MODELS_DIRECTORY,
    ),
    (
        "pl",
        "pol",
        "Polish",
        &lingua_polish_language_model::POLISH_MODELS_DIRECTORY,
    ),
    (
        "pt",
        "por",
        "Portuguese",
        &lingua_portuguese_language_model::PORTUGUESE_MODELS_DIRECTORY,
    ),
    (
        "pa",
        "pan",
        "Punjabi",
        &lingua_punjabi_language_model::PUNJABI_MODELS_DIRECTORY,
    ),
    (
        "ro",
        "ron",
        "Romanian",
        &lingua_romanian_language_model::ROMANIAN_MODELS_DIRECTORY,
    ),
    (
        "ru",
        "rus",
        "Russian",
        &lingua_russian_language_model::RUSSIAN_MODELS_DIRECTORY,
    ),
    (
        "sr",
        "srp",
        "Serbian",
        &lingua_serbian_language_model::SERBIAN_MODELS_DIRECTORY,
    ),
    (
        "sn",
        "sna",
        "Shona",
        &lingua_shona_language_model::SHONA_MODELS_DIRECTORY,
    ),
    (
        "sk",
        "slk",
        "Slovak",
        &lingua_slovak_language_model::SLOVAK_MODELS_DIRECTORY,
    ),
    (
        "sl",
        "slv",
        "Slovenian",
        &lingua_slovene_language_model::SLOVENE_MODELS_DIRECTORY,
    ),
    (
        "so",
        "som",
        "Somali",
        &lingua_somali_language_model::SOMALI_MODELS_DIRECTORY,
    ),
    (
        "st",
        "sot",
        "Southern Sotho",
        &lingua_sotho_language_model::SOTHO_MODELS_DIRECTORY,
    ),
    (
        "es",
        "spa",
        "Spanish",
        &lingua_spanish_language_model::SPANISH_MODELS_DIRECTORY,
    ),
    (
        "sw",
        "swa",
        "Swahili",
        &lingua_swahili_language_model::SWAHILI_MODELS_DIRECTORY,
    ),
    (
        "sv",
        "swe",
        "Swedish",
        &lingua_swedish_language_model::SWEDISH_MODELS_DIRECTORY,
    ),
    (
        "tl",
        "tgl",
        "Tagalog",
        &lingua_tagalog_language_model::TAGALOG_MODELS_DIRECTORY,
    ),
    (
        "ta",
        "tam",
        "Tamil",
        &lingua_tamil_language_model::TAMIL_MODELS_DIRECTORY,
    ),
    (
        "te",
        "tel",
        "Telugu",
        &lingua_telugu_language_model::TELUGU_MODELS_DIRECTORY,
    ),
    (
        "th",
        "tha",
        "Thai",
        &lingua_thai_language_model::THAI_MODELS_DIRECTORY,
    ),
    (
        "ts",
        "tso",
        "Tsonga",
        &lingua_tsonga_language_model::TSONGA_MODELS_DIRECTORY,
    ),
    (
        "tn",
        "tsn",
        "Tswana",
        &lingua_tswana_language_model::TSWANA_MODELS_DIRECTORY,
    ),
    (
        "tr",
        "tur",
        "Turkish",
        &lingua_turkish_language_model::TURKISH_MODELS_DIRECTORY,
    ),
    (
        "uk",
        "ukr",
        "Ukrainian",
        &lingua_ukrainian_language_model::UKRAINIAN_MODELS_DIRECTORY,
    ),
    (
        "ur",
        "urd",
        "Urdu",
        &lingua_urdu_language_model::URDU_MODELS_DIRECTORY,
    ),
    (
        "vi",
        "vie",
        "Vietnamese",
        &lingua_vietnamese_language_model::VIETNAMESE_MODELS_DIRECTORY,
    ),
    (
        "cy",
        "cym",
        "Welsh",
        &lingua_welsh_language_model::WELSH_MODELS_DIRECTORY,
    ),
    (
        "xh",
        "xho",
        "Xhosa",
        &lingua_xhosa_language_model::XHOSA_MODELS_DIRECTORY,
    ),
    (
        "yo",
        "yor",
        "Yoruba",
        &lingua_yoruba_language_model::YORUBA_MODELS_DIRECTORY,
    ),
    (
        "zu",
        "zul",
        "Zulu",
        &lingua_zulu_language_model::ZULU_MODELS_DIRECTORY,
    ),
];

/// The file's first bytes.
const MAGIC: &[u8; 8] = b"DSLANG01";
/// Keys are spread over 2^BUCKET_BITS buckets by their hash's top bits.
const BUCKET_BITS: u32 = 17;

/// 64-bit FNV-1a, the hash docsift computes over each n-gram's UTF-8 bytes.
fn fnv1a(bytes: &[u8]) -> u64 {
    let mut h: u64 = 0xcbf2_9ce4_8422_2325;
    for &b in bytes {
        h ^= u64::from(b);
        h = h.wrapping_mul(0x0100_0000_01b3);
    }
    h
}

struct Args {
    out: String,
    top: [usize; 5],
    floor: f64,
    step: f64,
}

fn parse_args() -> Args {
    let mut args = Args {
        out: "models/langid.bin".into(),
        top: [0, 3000, 8000, 12000, 12000],
        floor: -9.0,
        step: 0.05,
    };
    let mut it = std::env::args().skip(1);
    while let Some(flag) = it.next() {
        let value = it.next().unwrap_or_else(|| panic!("{flag} needs a value"));
        match flag.as_str() {
            "--out" => args.out = value,
            "--top" => {
                let v: Vec<usize> = value
                    .split(',')
                    .map(|s| s.parse().expect("--top: numbers"))
                    .collect();
                assert_eq!(v.len(), 5, "--top takes five numbers");
                args.top.copy_from_slice(&v);
            }
            "--floor" => args.floor = value.parse().expect("--floor: a number"),
            "--step" => args.step = value.parse().expect("--step: a number"),
            _ => panic!("unknown option {flag}"),
        }
    }
    args
}

/// One language's kept n-grams: (n-gram, ln P(last char | the ones before)).
fn kept_ngrams(dir: &Dir<'static>, top: &[usize; 5]) -> Vec<(String, f64)> {
    let bytes = dir
        .get_file("ngrams.fst")
        .expect("lingua model folder without ngrams.fst")
        .contents();
    let map = fst::Map::new(bytes).expect("a valid fst map");
    let mut cond: HashMap<String, f64> = HashMap::new();
    let mut stream = map.stream();
    while let Some((k, v)) = stream.next() {
        let key = String::from_utf8(k.to_vec()).expect("UTF-8 n-gram");
        cond.insert(key, f64::from_bits(v));
    }
    let mut by_len: [Vec<(f64, String, f64)>; 5] = Default::default();
    for (key, &lp) in &cond {
        let chars: Vec<char> = key.chars().collect();
        let n = chars.len();
        if n == 0 || n > 5 {
            continue;
        }
        // Joint log-probability: the conditionals of every prefix.
        let mut joint = 0.0;
        let mut complete = true;
        for k in 1..=n {
            let prefix: String = chars[..k].iter().collect();
            match cond.get(&prefix) {
                Some(p) => joint += p,
                None => {
                    complete = false;
                    break;
                }
            }
        }
        if complete {
            by_len[n - 1].push((joint, key.clone(), lp));
        }
    }
    let mut kept = Vec::new();
    for (i, mut v) in by_len.into_iter().enumerate() {
        v.sort_by(|a, b| b.0.total_cmp(&a.0).then_with(|| a.1.cmp(&b.1)));
        if top[i] > 0 {
            v.truncate(top[i]);
        }
        kept.extend(v.into_iter().map(|(_, key, lp)| (key, lp)));
    }
    kept
}

fn main() {
    let args = parse_args();
    assert!(LANGUAGES.len() < 256);
    // n-gram -> (language index, quantized weight)
    let mut table: BTreeMap<String, Vec<(u8, u8)>> = BTreeMap::new();
    for (li, (code, _, _, dir)) in LANGUAGES.iter().enumerate() {
        let kept = kept_ngrams(dir, &args.top);
        let mut n_kept = 0usize;
        for (key, lp) in kept {
            let w = ((lp - args.floor) / args.step).round();
            if w < 1.0 {
                continue;
            }
            let w = w.min(255.0) as u8;
            table.entry(key).or_default().push((li as u8, w));
            n_kept += 1;
        }
        eprintln!("{code}: {n_kept} n-grams");
    }

    // Order by (bucket, fingerprint); a rare fingerprint clash keeps the first.
    let mut entries: Vec<(u64, &Vec<(u8, u8)>)> = table
        .iter()
        .map(|(k, v)| (fnv1a(k.as_bytes()), v))
        .collect();
    entries.sort_by_key(|(h, _)| (h >> (64 - BUCKET_BITS), *h as u32));
    let before = entries.len();
    entries.dedup_by_key(|(h, _)| (*h >> (64 - BUCKET_BITS), *h as u32));
    eprintln!(
        "{} keys ({} fingerprint clashes dropped), {} postings",
        entries.len(),
        before - entries.len(),
        entries.iter().map(|(_, v)| v.len()).sum::<usize>()
    );

    let mut header = String::new();
    for (code, code3, name, _) in LANGUAGES {
        header.push_str(&format!("{code}\t{code3}\t{name}\n"));
    }
    let mut out = Vec::new();
    out.extend_from_slice(MAGIC);
    out.extend_from_slice(&(header.len() as u32).to_le_bytes());
    out.extend_from_slice(header.as_bytes());
    out.extend_from_slice(&(args.step as f32).to_le_bytes());
    out.extend_from_slice(&BUCKET_BITS.to_le_bytes());
    out.extend_from_slice(&(entries.len() as u32).to_le_bytes());
    let postings: usize = entries.iter().map(|(_, v)| v.len()).sum();
    out.extend_from_slice(&(postings as u32).to_le_bytes());
    // Bucket starts: 2^bits + 1 offsets into the keys.
    let mut start = 0usize;
    for b in 0..=(1u64 << BUCKET_BITS) {
        while start < entries.len() && (entries[start].0 >> (64 - BUCKET_BITS)) < b {
            start += 1;
        }
        out.extend_from_slice(&(start as u32).to_le_bytes());
    }
    // Keys: (fingerprint, first posting), then a last entry whose first
    // posting is the end of the postings, so a key's postings end where the
    // next entry's begin.
    let mut at = 0u32;
    for (h, v) in &entries {
        out.extend_from_slice(&(*h as u32).to_le_bytes());
        out.extend_from_slice(&at.to_le_bytes());
        at += v.len() as u32;
    }
    out.extend_from_slice(&u32::MAX.to_le_bytes());
    out.extend_from_slice(&at.to_le_bytes());
    for (_, v) in &entries {
        for &(lang, w) in v.iter() {
            out.push(lang);
            out.push(w);
        }
    }
    let mut f = std::fs::File::create(&args.out).expect("create the output file");
    f.write_all(&out).expect("write the model");
    eprintln!("wrote {} ({} bytes)", args.out, out.len());
}
