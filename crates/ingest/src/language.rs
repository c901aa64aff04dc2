//! Which language a paragraph is written in, by `whatlang` (trigram profiles of 69 languages;
//! small and fast), named by its ISO 639-1 code.

/// The language of a text as identified.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Language {
    /// ISO 639-1 code (`de`, `en`, `fr`, …).
    pub code: &'static str,
    /// Whether the identification is sure: the text is long enough and one language clearly
    /// wins. Unsure identifications should defer to the document's main language.
    pub reliable: bool,
}

/// Texts shorter than this many characters are never identified reliably (a heading, a
/// signature line, a reference).
const MIN_RELIABLE_CHARS: usize = 40;

/// How much of a paragraph is looked at.
const IDENTIFY_BYTES: usize = 1024;

/// Identifies the language of `text`; `None` when it has no letters to go by.
pub fn identify(text: &str) -> Option<Language> {
    // The first kilobyte tells the language as well as the whole of a long paragraph would.
    let mut end = text.len().min(IDENTIFY_BYTES);
    while !text.is_char_boundary(end) {
        end -= 1;
    }
    let text = &text[..end];
    let info = whatlang::detect(text)?;
    let code = iso639_1(info.lang().code());
    let long_enough = text.chars().filter(|c| c.is_alphabetic()).count() >= MIN_RELIABLE_CHARS;
    Some(Language { code, reliable: info.is_reliable() && long_enough })
}

/// The language a paragraph is taken to be in, among the paragraphs of its document.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct InContext {
    /// Its own language when identified reliably, else the document's main language, else the
    /// unsure guess (`None`: no letters).
    pub lang: Option<&'static str>,
    /// Whether `lang` is sure: identified reliably, or the document's main language.
    pub sure: bool,
}

/// The language of each paragraph of one document: unsure identifications (short text) follow
/// the document's main language, the language most reliably identified paragraphs are in (ties:
/// the first met).
pub fn identify_in_context(texts: &[&str]) -> Vec<InContext> {
    let found: Vec<Option<Language>> = texts.iter().map(|t| identify(t)).collect();
    let mut counts: Vec<(&'static str, usize)> = Vec::new();
    for l in found.iter().flatten().filter(|l| l.reliable) {
        match counts.iter_mut().find(|(c, _)| *c == l.code) {
            Some((_, n)) => *n += 1,
            None => counts.push((l.code, 1)),
        }
    }
    let mut main: Option<(&'static str, usize)> = None;
    for (code, n) in counts {
        if main.is_none_or(|(_, m)| n > m) {
            main = Some((code, n));
        }
    }
    let main = main.map(|(code, _)| code);
    found
        .iter()
        .map(|l| match l {
            Some(l) if l.reliable => InContext { lang: Some(l.code), sure: true },
            _ => InContext { lang: main.or(l.map(|l| l.code)), sure: main.is_some() },
        })
        .collect()
}

/// The ISO 639-1 code of a whatlang (ISO 639-3) code; codes without one stay as they are.
fn iso639_1(code3: &'static str) -> &'static str {
    const TABLE: &[(&str, &str)] = &[
        ("afr", "af"),
        ("aka", "ak"),
        ("amh", "am"),
        ("ara", "ar"),
        ("aze", "az"),
        ("bel", "be"),
        ("ben", "bn"),
        ("bul", "bg"),
        ("cat", "ca"),
        ("ces", "cs"),
        ("cmn", "zh"),
        ("dan", "da"),
        ("deu", "de"),
        ("ell", "el"),
        ("eng", "en"),
        ("epo", "eo"),
        ("est", "et"),
        ("fin", "fi"),
        ("fra", "fr"),
        ("guj", "gu"),
        ("heb", "he"),
        ("hin", "hi"),
        ("hrv", "hr"),
        ("hun", "hu"),
        ("hye", "hy"),
        ("ind", "id"),
        ("ita", "it"),
        ("jav", "jv"),
        ("jpn", "ja"),
        ("kan", "kn"),
        ("kat", "ka"),
        ("khm", "km"),
        ("kor", "ko"),
        ("lat", "la"),
        ("lav", "lv"),
        ("lit", "lt"),
        ("mal", "ml"),
        ("mar", "mr"),
        ("mkd", "mk"),
        ("mya", "my"),
        ("nep", "ne"),
        ("nld", "nl"),
        ("nob", "nb"),
        ("ori", "or"),
        ("pan", "pa"),
        ("pes", "fa"),
        ("pol", "pl"),
        ("por", "pt"),
        ("ron", "ro"),
        ("rus", "ru"),
        ("sin", "si"),
        ("slk", "sk"),
        ("slv", "sl"),
        ("sna", "sn"),
        ("spa", "es"),
        ("srp", "sr"),
        ("swe", "sv"),
        ("tam", "ta"),
        ("tel", "te"),
        ("tgl", "tl"),
        ("tha", "th"),
        ("tuk", "tk"),
        ("tur", "tr"),
        ("ukr", "uk"),
        ("urd", "ur"),
        ("uzb", "uz"),
        ("vie", "vi"),
        ("yid", "yi"),
        ("zul", "zu"),
    ];
    TABLE.iter().find(|(three, _)| *three == code3).map_or(code3, |(_, two)| two)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn languages_of_policy_text() {
        let de = identify("Die Generalversammlung fordert die Mitgliedstaaten auf, die Sicherheit der Informations- und Kommunikationstechnologien zu stärken.").unwrap();
        assert_eq!(de, Language { code: "de", reliable: true });
        let en = identify("The General Assembly calls upon Member States to strengthen the security of information and communications technologies.").unwrap();
        assert_eq!(en, Language { code: "en", reliable: true });
        let fr = identify("L'Assemblée générale demande aux États Membres de renforcer la sécurité des technologies de l'information et des communications.").unwrap();
        assert_eq!(fr.code, "fr");
        assert!(!identify("Tagesordnungspunkt 94").unwrap().reliable);
        assert_eq!(identify("1 2 3 ..."), None);
    }

    #[test]
    fn short_paragraphs_follow_the_document() {
        let texts = [
            "Die Generalversammlung,",
            "unter Hinweis auf ihre Resolutionen über die Sicherheit der Informations- und Kommunikationstechnologien,",
            "1 2 3",
        ];
        let got = identify_in_context(&texts);
        assert_eq!(got[0], InContext { lang: Some("de"), sure: true });
        assert_eq!(got[1], InContext { lang: Some("de"), sure: true });
        assert_eq!(got[2], InContext { lang: Some("de"), sure: true });
        assert!(!identify_in_context(&["Tagesordnungspunkt 94"])[0].sure);
    }
}
