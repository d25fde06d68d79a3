//! Language identification: a trusted hint, then the script, then the
//! character n-gram model of [`super::langid`] (75 languages) for scripts
//! that several languages share.
//!
//! A script that only one language of ours writes (Greek, Hangul, Thai, the
//! Indic scripts but Devanagari, ...) names the language outright; kana
//! names Japanese and Han without kana Chinese. Latin, Cyrillic, Arabic and
//! Devanagari text is scored by the n-gram model, reading at most
//! [`MAX_MODEL_CHARS`] word characters: the answer is settled long before
//! that on real text, and the cost stays fixed on long documents.

use whatlang::Script;

use super::Language;
use super::langid::{MODEL, Model};

/// Below this many letters a detection is never called reliable: character
/// statistics over a handful of letters are guesswork.
const MIN_RELIABLE_LETTERS: usize = 20;

/// How many word characters the n-gram model reads at most.
pub(crate) const MAX_MODEL_CHARS: usize = 1_000;

/// A detection is reliable when the best language's log-likelihood beats
/// the second's by at least this many nats (and the text is long enough).
const RELIABLE_MARGIN_NATS: f32 = 6.0;

/// Confidence is `1 - exp(-margin / CONFIDENCE_SCALE_NATS)`.
const CONFIDENCE_SCALE_NATS: f32 = 4.0;

/// How much of a long text the script count reads.
const SAMPLE_BYTES: usize = 2 * 1024;

/// Languages named by a script of their own, beyond the n-gram model's:
/// (script, ISO 639-1, ISO 639-3, name).
const SCRIPT_LANGUAGES: &[(Script, &str, &str, &str)] = &[
    (Script::Greek, "el", "ell", "Greek"),
    (Script::Armenian, "hy", "hye", "Armenian"),
    (Script::Georgian, "ka", "kat", "Georgian"),
    (Script::Hangul, "ko", "kor", "Korean"),
    (Script::Hebrew, "he", "heb", "Hebrew"),
    (Script::Thai, "th", "tha", "Thai"),
    (Script::Bengali, "bn", "ben", "Bengali"),
    (Script::Gujarati, "gu", "guj", "Gujarati"),
    (Script::Gurmukhi, "pa", "pan", "Punjabi"),
    (Script::Tamil, "ta", "tam", "Tamil"),
    (Script::Telugu, "te", "tel", "Telugu"),
    (Script::Ethiopic, "am", "amh", "Amharic"),
    (Script::Kannada, "kn", "kan", "Kannada"),
    (Script::Malayalam, "ml", "mal", "Malayalam"),
    (Script::Oriya, "or", "ori", "Odia"),
    (Script::Myanmar, "my", "mya", "Burmese"),
    (Script::Sinhala, "si", "sin", "Sinhala"),
    (Script::Khmer, "km", "khm", "Khmer"),
];

/// Japanese and Chinese, told apart by kana.
const JAPANESE: (&str, &str, &str) = ("ja", "jpn", "Japanese");
const CHINESE: (&str, &str, &str) = ("zh", "zho", "Chinese");

/// Other codes a hint may use: legacy ISO 639-1, ISO 639-2/B, macrolanguage
/// members, and BCP-47 forms.
const HINT_ALIASES: &[(&str, &str)] = &[
    ("no", "nb"),
    ("nor", "nb"),
    ("iw", "he"),
    ("in", "id"),
    ("fil", "tl"),
    ("cmn", "zh"),
    ("chi", "zh"),
    ("pes", "fa"),
    ("per", "fa"),
    ("zsm", "ms"),
    ("may", "ms"),
    ("fre", "fr"),
    ("ger", "de"),
    ("dut", "nl"),
    ("cze", "cs"),
    ("gre", "el"),
    ("rum", "ro"),
    ("slo", "sk"),
    ("alb", "sq"),
    ("arm", "hy"),
    ("baq", "eu"),
    ("geo", "ka"),
    ("ice", "is"),
    ("mac", "mk"),
    ("mao", "mi"),
    ("wel", "cy"),
    ("bur", "my"),
];

/// Every language the stage can answer: (ISO 639-1, ISO 639-3, name).
fn known_languages<'m>(model: &'m Model<'_>) -> impl Iterator<Item = (&'m str, &'m str, &'m str)> {
    model
        .languages()
        .iter()
        .map(|l| (l.code.as_str(), l.code3.as_str(), l.name.as_str()))
        .chain(SCRIPT_LANGUAGES.iter().map(|&(_, c, c3, n)| (c, c3, n)))
        .chain([JAPANESE, CHINESE])
}

/// How many languages the stage can answer, without duplicates.
pub(crate) fn language_count() -> usize {
    let mut codes: Vec<&str> = known_languages(&MODEL).map(|(c, _, _)| c).collect();
    codes.sort_unstable();
    codes.dedup();
    codes.len()
}

/// Parses a BCP-47 hint ("en-US", "fra", "zh-Hant") into a known language.
fn parse_hint<'m>(model: &'m Model<'_>, hint: &str) -> Option<(&'m str, &'m str)> {
    let primary = hint.trim().split(['-', '_']).next()?.to_ascii_lowercase();
    let primary = HINT_ALIASES
        .iter()
        .find(|(alias, _)| *alias == primary)
        .map_or(primary.as_str(), |(_, code)| code);
    known_languages(model)
        .find(|(code, code3, _)| *code == primary || *code3 == primary)
        .map(|(code, _, name)| (code, name))
}

/// The "undetermined" answer for text with no letters to judge by.
fn undetermined(script: String) -> Language {
    Language {
        code: "und".into(),
        name: "Undetermined".into(),
        script,
        confidence: 0.0,
        reliable: false,
    }
}

/// Identifies the language of the (masked) text, trusting a hint that names a
/// known language.
pub(crate) fn detect(text: &str, hint: Option<&str>) -> Language {
    detect_with(&MODEL, text, hint)
}

/// `whatlang::detect_script`, without its walk over every char when the
/// text is ASCII. There its counts come down to this: ASCII letters are
/// Latin, and every other ASCII char is either one it skips (punctuation,
/// digits, whitespace) or DEL, which no script claims; so the script is
/// Latin when there is a letter and none otherwise.
fn script_of(sample: &str) -> Option<whatlang::Script> {
    if sample.is_ascii() {
        return sample
            .bytes()
            .any(|b| b.is_ascii_alphabetic())
            .then_some(whatlang::Script::Latin);
    }
    whatlang::detect_script(sample)
}

/// [`detect`] with a given n-gram model (the evaluation can try others).
pub(crate) fn detect_with(model: &Model<'_>, text: &str, hint: Option<&str>) -> Language {
    let mut cut = text.len().min(SAMPLE_BYTES);
    while !text.is_char_boundary(cut) {
        cut -= 1;
    }
    let sample = text.get(..cut).unwrap_or_default();
    let script = script_of(sample);
    let script_name = script.map(|s| s.name().to_string()).unwrap_or_default();
    if let Some((code, name)) = hint.and_then(|h| parse_hint(model, h)) {
        return Language {
            code: code.into(),
            name: name.into(),
            script: script_name,
            confidence: 1.0,
            reliable: true,
        };
    }
    let letters = sample
        .chars()
        .filter(|c| c.is_alphabetic())
        .take(MIN_RELIABLE_LETTERS)
        .count();
    let Some(script) = script.filter(|_| letters > 0) else {
        return undetermined(script_name);
    };
    let long_enough = letters >= MIN_RELIABLE_LETTERS;
    let by_script = |(code, _, name): (&str, &str, &str)| Language {
        code: code.into(),
        name: name.into(),
        script: script_name.clone(),
        confidence: 1.0,
        reliable: long_enough,
    };
    match script {
        Script::Mandarin | Script::Hiragana | Script::Katakana => {
            let kana = sample.chars().any(|c| {
                ('\u{3040}'..='\u{30ff}').contains(&c) || ('\u{31f0}'..='\u{31ff}').contains(&c)
            });
            return by_script(if kana { JAPANESE } else { CHINESE });
        }
        _ => {}
    }
    if let Some(&(_, code, code3, name)) = SCRIPT_LANGUAGES.iter().find(|(s, ..)| *s == script) {
        return by_script((code, code3, name));
    }
    let scores = model.score(text, MAX_MODEL_CHARS);
    match scores.top2() {
        Some(((best, top), second)) => {
            let margin = (top - second) as f32 * model.step();
            let lang = &model.languages()[best];
            Language {
                code: lang.code.clone(),
                name: lang.name.clone(),
                script: script_name,
                confidence: 1.0 - (-margin / CONFIDENCE_SCALE_NATS).exp(),
                reliable: long_enough && margin >= RELIABLE_MARGIN_NATS,
            }
        }
        None => undetermined(script_name),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn detects_and_maps_codes() {
        let en = detect(
            "The United States will work with France to intensify air strikes against the group.",
            None,
        );
        assert_eq!(
            (en.code.as_str(), en.name.as_str(), en.script.as_str()),
            ("en", "English", "Latin")
        );
        assert!(en.reliable);
        let ru = detect(
            "Соединённые Штаты будут работать с Францией, чтобы усилить авиаудары по группировке.",
            None,
        );
        assert_eq!(ru.code, "ru");
        assert_eq!(ru.script, "Cyrillic");
    }

    #[test]
    fn hint_wins_and_short_text_is_unreliable() {
        let fr = detect("Bonjour", Some("fr-FR"));
        assert_eq!(
            (fr.code.as_str(), fr.confidence, fr.reliable),
            ("fr", 1.0, true)
        );
        let short = detect("Hola amigo", Some("xx-bogus"));
        assert!(!short.reliable);
        assert_eq!(detect("Grüße", Some("deu")).code, "de");
    }

    #[test]
    fn scripts_of_one_language_and_the_model_cover_over_seventy() {
        assert!(language_count() >= 80, "{}", language_count());
        for (text, code) in [
            (
                "Η κυβέρνηση ανακοίνωσε τη Δευτέρα αύξηση των φόρων στα καύσιμα.",
                "el",
            ),
            ("政府は月曜日、燃料税を引き上げると発表した。", "ja"),
            ("政府星期一宣布提高燃油税。", "zh"),
            ("정부는 월요일에 연료세 인상을 발표했다.", "ko"),
            ("सरकार ने सोमवार को ईंधन पर कर बढ़ाने की घोषणा की।", "hi"),
            ("सरकारने सोमवारी इंधनावरील कर वाढवण्याची घोषणा केली आहे.", "mr"),
            ("ሰላም ለሁላችሁ ይሁን፤ መንግሥት ዛሬ አዲስ ሕግ አወጣ።", "am"),
            (
                "Uhuru Kenyatta alisema serikali itaongeza kodi ya mafuta mwaka huu.",
                "sw",
            ),
            (
                "Hallituksen mukaan polttoaineveroa korotetaan ensi vuonna.",
                "fi",
            ),
        ] {
            assert_eq!(detect(text, None).code, code, "{text}");
        }
    }

    #[test]
    fn hints_take_legacy_and_three_letter_codes() {
        for (hint, code) in [
            ("iw", "he"),
            ("no-NO", "nb"),
            ("zh-Hant", "zh"),
            ("fil", "tl"),
            ("ger", "de"),
            ("swe", "sv"),
            ("km", "km"),
        ] {
            assert_eq!(detect("text", Some(hint)).code, code, "{hint}");
        }
        // A hint the stage doesn't know is ignored, not trusted.
        assert_eq!(
            detect(
                "Le gouvernement a annoncé une hausse des impôts.",
                Some("tlh")
            )
            .code,
            "fr"
        );
    }

    #[test]
    fn confidence_grows_with_evidence() {
        let short = detect("taxes", None);
        let long = detect(
            "The government said on Monday that it would raise taxes on fuel next year.",
            None,
        );
        assert!(!short.reliable);
        assert!(long.reliable);
        assert!(short.confidence < long.confidence);
        assert!((0.0..=1.0).contains(&long.confidence));
    }

    #[test]
    fn letterless_text_is_undetermined() {
        for text in ["", "   ", "12345 😀 !!!"] {
            let l = detect(text, None);
            assert_eq!(
                (l.code.as_str(), l.name.as_str(), l.reliable),
                ("und", "Undetermined", false)
            );
        }
    }

    #[test]
    fn ascii_script_is_whatlangs() {
        let mut texts: Vec<String> = [
            "",
            "   ",
            "12345 !!!",
            "\u{7f}",
            "\u{7f}\u{7f} 1",
            "a",
            "Z",
            "The government said on Monday.",
            "@[`{~ 0123456789",
        ]
        .iter()
        .map(|t| t.to_string())
        .collect();
        // Every ASCII char alone and after a letter.
        for b in 0u8..128 {
            texts.push(char::from(b).to_string());
            texts.push(format!("x{}", char::from(b)));
            texts.push(format!("{}9", char::from(b)));
        }
        for t in &texts {
            assert_eq!(script_of(t), whatlang::detect_script(t), "{t:?}");
        }
    }
}
