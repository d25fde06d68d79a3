//! Language identification with `whatlang`, a trusted hint, and ISO 639-1 codes.

use whatlang::Lang;

use super::Language;

/// Below this many letters a detection is never called reliable: trigram
/// statistics over a handful of letters are guesswork.
const MIN_RELIABLE_LETTERS: usize = 20;

/// ISO 639-3 (whatlang's code) to ISO 639-1 where one exists.
const ISO639_1: &[(&str, &str)] = &[
    ("epo", "eo"),
    ("eng", "en"),
    ("rus", "ru"),
    ("cmn", "zh"),
    ("spa", "es"),
    ("por", "pt"),
    ("ita", "it"),
    ("ben", "bn"),
    ("fra", "fr"),
    ("deu", "de"),
    ("ukr", "uk"),
    ("kat", "ka"),
    ("ara", "ar"),
    ("hin", "hi"),
    ("jpn", "ja"),
    ("heb", "he"),
    ("yid", "yi"),
    ("pol", "pl"),
    ("amh", "am"),
    ("jav", "jv"),
    ("kor", "ko"),
    ("nob", "nb"),
    ("dan", "da"),
    ("swe", "sv"),
    ("fin", "fi"),
    ("tur", "tr"),
    ("nld", "nl"),
    ("hun", "hu"),
    ("ces", "cs"),
    ("ell", "el"),
    ("bul", "bg"),
    ("bel", "be"),
    ("mar", "mr"),
    ("kan", "kn"),
    ("ron", "ro"),
    ("slv", "sl"),
    ("hrv", "hr"),
    ("srp", "sr"),
    ("mkd", "mk"),
    ("lit", "lt"),
    ("lav", "lv"),
    ("est", "et"),
    ("tam", "ta"),
    ("vie", "vi"),
    ("urd", "ur"),
    ("tha", "th"),
    ("guj", "gu"),
    ("uzb", "uz"),
    ("pan", "pa"),
    ("aze", "az"),
    ("ind", "id"),
    ("tel", "te"),
    ("pes", "fa"),
    ("mal", "ml"),
    ("ori", "or"),
    ("mya", "my"),
    ("nep", "ne"),
    ("sin", "si"),
    ("khm", "km"),
    ("tuk", "tk"),
    ("aka", "ak"),
    ("zul", "zu"),
    ("sna", "sn"),
    ("afr", "af"),
    ("lat", "la"),
    ("slk", "sk"),
    ("cat", "ca"),
    ("tgl", "tl"),
    ("hye", "hy"),
    ("cym", "cy"),
];

/// Extra two-letter codes a hint may use for a whatlang language.
const HINT_ALIASES: &[(&str, &str)] = &[
    ("no", "nob"),
    ("nn", "nob"),
    ("fil", "tgl"),
    ("zh", "cmn"),
    ("fa", "pes"),
    ("iw", "heb"),
    ("in", "ind"),
];

/// The ISO 639-1 code for a whatlang language, else its ISO 639-3 code.
pub(crate) fn iso_code(lang: Lang) -> &'static str {
    let three = lang.code();
    ISO639_1
        .iter()
        .find(|(t, _)| *t == three)
        .map_or(three, |(_, two)| two)
}

/// Parses a BCP-47 hint ("en-US", "fra", "zh-Hant") into a known language.
fn parse_hint(hint: &str) -> Option<Lang> {
    let primary = hint.trim().split(['-', '_']).next()?.to_ascii_lowercase();
    if let Some((_, three)) = HINT_ALIASES.iter().find(|(h, _)| *h == primary) {
        return Lang::from_code(*three);
    }
    match primary.len() {
        2 => ISO639_1
            .iter()
            .find(|(_, two)| *two == primary)
            .and_then(|(three, _)| Lang::from_code(*three)),
        3 => Lang::from_code(primary),
        _ => None,
    }
}

/// The "undetermined" answer for text with no letters to judge by.
fn undetermined() -> Language {
    Language {
        code: "und".into(),
        name: "Undetermined".into(),
        script: String::new(),
        confidence: 0.0,
        reliable: false,
    }
}

/// How much of a long text detection reads; the opening is representative
/// and this keeps detection cheap on very long documents.
const SAMPLE_BYTES: usize = 32 * 1024;

/// Identifies the language of the (masked) text, trusting a hint that names a
/// known language.
pub(crate) fn detect(text: &str, hint: Option<&str>) -> Language {
    let mut cut = text.len().min(SAMPLE_BYTES);
    while !text.is_char_boundary(cut) {
        cut -= 1;
    }
    let text = text.get(..cut).unwrap_or_default();
    // Only the answers without a whatlang detection name the script this way;
    // a detection carries its own.
    let script = || {
        whatlang::detect_script(text)
            .map(|s| s.name().to_string())
            .unwrap_or_default()
    };
    if let Some(lang) = hint.and_then(parse_hint) {
        return Language {
            code: iso_code(lang).into(),
            name: lang.eng_name().into(),
            script: script(),
            confidence: 1.0,
            reliable: true,
        };
    }
    let letters = text.chars().filter(|c| c.is_alphabetic()).count();
    if letters == 0 {
        return undetermined();
    }
    match whatlang::detect(text) {
        Some(info) => Language {
            code: iso_code(info.lang()).into(),
            name: info.lang().eng_name().into(),
            script: info.script().name().to_string(),
            confidence: info.confidence().clamp(0.0, 1.0) as f32,
            reliable: info.is_reliable() && letters >= MIN_RELIABLE_LETTERS,
        },
        None => Language {
            script: script(),
            ..undetermined()
        },
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
    fn letterless_text_is_undetermined() {
        for text in ["", "   ", "12345 😀 !!!"] {
            let l = detect(text, None);
            assert_eq!(
                (l.code.as_str(), l.name.as_str(), l.reliable),
                ("und", "Undetermined", false)
            );
        }
    }
}
