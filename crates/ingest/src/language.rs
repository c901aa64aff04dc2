//! Which language a paragraph is written in, by `whatlang` (trigram profiles of 69 languages;
//! small and fast), named by its ISO 639-1 code.

use rayon::prelude::*;

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
    let text = &text[..floor_boundary(text, IDENTIFY_BYTES)];
    if let Some(code) = by_function_words(text) {
        return Some(Language { code, reliable: true });
    }
    let info = whatlang::detect(text)?;
    let code = iso639_1(info.lang().code());
    let long_enough = text.chars().filter(|c| c.is_alphabetic()).count() >= MIN_RELIABLE_CHARS;
    Some(Language { code, reliable: info.is_reliable() && long_enough })
}

/// Function words that make up a good share of running German text and are rare in English
/// and French (`in`, `es` and `am` are left out; `die`, `der` and `den` are frequent in Dutch
/// or Danish too, but far from the share German text has). Sorted, for the reader; capitalized forms are found by
/// lowercasing ASCII letters, so the capitals of umlauts are listed.
const GERMAN_WORDS: &[&str] = &[
    "als",
    "auch",
    "auf",
    "aus",
    "bei",
    "bereits",
    "bis",
    "dabei",
    "darüber",
    "das",
    "dass",
    "dem",
    "den",
    "denen",
    "der",
    "deren",
    "des",
    "die",
    "diese",
    "dieser",
    "durch",
    "ein",
    "eine",
    "einem",
    "einen",
    "einer",
    "eines",
    "für",
    "gegen",
    "haben",
    "hat",
    "ihre",
    "ihrer",
    "im",
    "insbesondere",
    "ist",
    "jedoch",
    "kann",
    "können",
    "mehr",
    "mit",
    "nach",
    "nicht",
    "noch",
    "nur",
    "oder",
    "ohne",
    "sein",
    "seine",
    "sich",
    "sie",
    "sind",
    "sollen",
    "sollte",
    "sondern",
    "sowie",
    "sowohl",
    "und",
    "unter",
    "vom",
    "von",
    "vor",
    "waren",
    "wenn",
    "werden",
    "wie",
    "wird",
    "wurde",
    "wurden",
    "zu",
    "zudem",
    "zum",
    "zur",
    "zwischen",
    "Über",
    "über",
];

/// The same for English (`in` and `an` are left out: German has them; `is`, `to` and `on` are
/// frequent in Dutch, Polish or Czech too, but far from the share English text has).
const ENGLISH_WORDS: &[&str] = &[
    "a", "after", "all", "also", "and", "any", "are", "as", "at", "be", "been", "between", "by", "can", "for", "from",
    "had", "has", "have", "into", "is", "it", "its", "may", "more", "not", "of", "on", "only", "or", "our", "should",
    "such", "than", "that", "the", "their", "them", "these", "they", "this", "to", "under", "was", "were", "which",
    "while", "who", "will", "with", "would",
];

/// German or English, told by their function words (see [`GERMAN_WORDS`]) when these make up
/// a fair share of the words, one language clearly leads and the text is long enough to be
/// sure; `None` leaves the text to whatlang. whatlang compares every text with the trigram
/// profiles of dozens of languages (about 70 µs a paragraph, whatever its length), while the
/// paragraphs paratopic meets are nearly all German or English. Reads the first
/// [`IDENTIFY_BYTES`] of `text`.
fn by_function_words(text: &str) -> Option<&'static str> {
    let text = &text[..floor_boundary(text, IDENTIFY_BYTES)];
    let bytes = text.as_bytes();
    // Words are the runs of alphabetic characters. A bit per byte marks the bytes of the
    // alphabetic characters: the ASCII letters 16 bytes at a time, the characters of several
    // bytes decoded one by one where they start. The bits after the text stay clear.
    let mut alphabetic = [0u64; IDENTIFY_BYTES / 64 + 1];
    let (mut ascii_letters, mut wide_letters) = (0, 0);
    let mut wide = |at: usize, alphabetic: &mut [u64]| {
        let c = text[at..].chars().next().expect("a character starts here");
        if is_alphabetic(c) {
            wide_letters += 1;
            for i in at..at + c.len_utf8() {
                alphabetic[i / 64] |= 1 << (i % 64);
            }
        }
    };
    let mut at = 0;
    while let Some(block) = bytes.get(at..at + 16) {
        let (letters, mut leads) = paratopic_scan::letters_and_leads(block.try_into().expect("16 bytes"));
        // `at` is a multiple of 16: the block's bits lie in one integer.
        alphabetic[at / 64] |= u64::from(letters) << (at % 64);
        ascii_letters += letters.count_ones() as usize;
        while leads != 0 {
            wide(at + leads.trailing_zeros() as usize, &mut alphabetic);
            leads &= leads - 1;
        }
        at += 16;
    }
    for (i, &b) in bytes.iter().enumerate().skip(at) {
        if b.is_ascii_alphabetic() {
            alphabetic[i / 64] |= 1 << (i % 64);
            ascii_letters += 1;
        } else if b >= 0xc0 {
            wide(i, &mut alphabetic);
        }
    }
    let (mut words, mut german, mut english) = (0usize, 0usize, 0usize);
    let mut from = 0;
    while let Some(start) = next_bit(&alphabetic, from, true) {
        let end = next_bit(&alphabetic, start, false).expect("clear bits after the text");
        words += 1;
        match word_key_fast(bytes, start, end).map_or(NOT_LISTED, function_word) {
            GERMAN => german += 1,
            ENGLISH => english += 1,
            _ => {}
        }
        from = end;
    }
    let letters = ascii_letters + wide_letters;
    let (lead, code, other) = if german >= english { (german, "de", english) } else { (english, "en", german) };
    let clear = lead >= 3 && lead * 100 >= words * 15 && other * 5 <= lead && letters >= MIN_RELIABLE_CHARS;
    clear.then_some(code)
}

/// The first position from `from` on whose bit in `bits` is set (`set`) or clear (`!set`).
#[inline]
fn next_bit(bits: &[u64], from: usize, set: bool) -> Option<usize> {
    let flip = if set { 0 } else { u64::MAX };
    let mut w = from / 64;
    let mut x = (bits.get(w)? ^ flip) & (u64::MAX << (from % 64));
    while x == 0 {
        w += 1;
        x = bits.get(w)? ^ flip;
    }
    Some(w * 64 + x.trailing_zeros() as usize)
}

/// [`char::is_alphabetic`], answered at once for the Latin-1 letters (umlauts, `ß`, accents),
/// which the standard library looks up in its general tables.
#[inline]
fn is_alphabetic(c: char) -> bool {
    matches!(c, 'À'..='Ö' | 'Ø'..='ö' | 'ø'..='ÿ') || c.is_alphabetic()
}

/// A word of at most 8 bytes, ASCII letters lowercased, as an integer: its bytes big-endian,
/// zero-padded (no word holds a zero byte, so 0 is no word's key).
const fn word_key(word: &[u8]) -> Option<u64> {
    if word.len() > 8 {
        return None;
    }
    let mut key = 0u64;
    let mut i = 0;
    while i < 8 {
        let b = if i < word.len() { word[i].to_ascii_lowercase() } else { 0 };
        key = key << 8 | b as u64;
        i += 1;
    }
    Some(key)
}

/// [`word_key`] of the word `text[start..end]` as it is read from the text: its bytes in one
/// 8-byte load masked to its length where the text has 8 bytes from its start (else
/// [`paratopic_scan::load_le`]: at most three loads), and the ASCII capitals lowered all at once,
/// instead of a loop over eight bytes.
#[inline]
fn word_key_fast(text: &[u8], start: usize, end: usize) -> Option<u64> {
    const LOW: u64 = 0x7f7f_7f7f_7f7f_7f7f;
    const HIGH: u64 = 0x8080_8080_8080_8080;
    const ONES: u64 = 0x0101_0101_0101_0101;
    // The bytes little-endian, the first in the lowest byte, zeros after the last.
    let n = end - start;
    let bytes = match text.get(start..start + 8) {
        Some(eight) if n <= 8 => {
            u64::from_le_bytes(eight.try_into().expect("8 bytes"))
                & u64::MAX.checked_shr(8 * (8 - n as u32)).unwrap_or(0)
        }
        _ => paratopic_scan::load_le(&text[start..end])?,
    };
    // A byte below 0x80 is a capital when it is at least `A` and below `[`: set its 0x20 bit.
    let low = bytes & LOW;
    let capitals = (low + ONES * (0x80 - b'A' as u64)) & !(low + ONES * (0x80 - b'[' as u64)) & !bytes & HIGH;
    Some((bytes | capitals >> 2).swap_bytes())
}

/// What [`function_word`] says of a word.
const NOT_LISTED: u8 = 0;
const GERMAN: u8 = 1;
const ENGLISH: u8 = 2;

/// The function-word keys of both languages in one open-addressing table (linear probing,
/// a quarter full), built at compile time: a slot holds a key and its language. A word on
/// both lists counts as German, as the German list is asked first.
const FUNCTION_WORD_BITS: u32 = 9;
const FUNCTION_WORDS: [(u64, u8); 1 << FUNCTION_WORD_BITS] = {
    let mut table = [(0u64, NOT_LISTED); 1 << FUNCTION_WORD_BITS];
    insert_function_words(&mut table, GERMAN_WORDS, GERMAN);
    insert_function_words(&mut table, ENGLISH_WORDS, ENGLISH);
    table
};

/// The home slot of a key in [`FUNCTION_WORDS`] (Fibonacci hashing).
const fn function_word_slot(key: u64) -> usize {
    (key.wrapping_mul(0x9E37_79B9_7F4A_7C15) >> (64 - FUNCTION_WORD_BITS)) as usize
}

/// Puts the keys of `words` (those of at most 8 bytes; longer words are never looked up) into
/// the table, except keys already there (the first language stays).
const fn insert_function_words(table: &mut [(u64, u8); 1 << FUNCTION_WORD_BITS], words: &[&str], lang: u8) {
    let mut w = 0;
    while w < words.len() {
        if let Some(key) = word_key(words[w].as_bytes()) {
            let mut i = function_word_slot(key);
            while table[i].0 != 0 && table[i].0 != key {
                i = (i + 1) % table.len();
            }
            if table[i].0 == 0 {
                table[i] = (key, lang);
            }
        }
        w += 1;
    }
}

/// The language whose function word a word key is, or [`NOT_LISTED`].
#[inline]
fn function_word(key: u64) -> u8 {
    let mut i = function_word_slot(key);
    loop {
        let (k, lang) = FUNCTION_WORDS[i];
        if k == key {
            return lang;
        }
        if k == 0 {
            return NOT_LISTED;
        }
        i = (i + 1) % FUNCTION_WORDS.len();
    }
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

/// From this many texts on, [`identify_in_context`] identifies them on rayon's threads.
const PARALLEL_TEXTS: usize = 256;

/// The language of each paragraph of one document: unsure identifications (short text) follow
/// the document's main language, the language most reliably identified paragraphs are in (ties:
/// the first met).
pub fn identify_in_context(texts: &[&str]) -> Vec<InContext> {
    // A text too short to be identified reliably only needs whatlang's guess when the document
    // has no main language: it is identified after the others, and only then.
    let short = |t: &str| t.chars().filter(|c| c.is_alphabetic()).take(MIN_RELIABLE_CHARS).count() < MIN_RELIABLE_CHARS;
    let each = |t: &&str| (!short(&t[..floor_boundary(t, IDENTIFY_BYTES)])).then(|| identify(t));
    // Each text is identified on its own, so a long batch (a Python call, a JSONL file read
    // whole) is identified in parallel; the result does not depend on the thread count.
    let found: Vec<Option<Option<Language>>> = if texts.len() >= PARALLEL_TEXTS {
        texts.par_iter().map(each).collect()
    } else {
        texts.iter().map(each).collect()
    };
    let mut counts: Vec<(&'static str, usize)> = Vec::new();
    for l in found.iter().flatten().flatten().filter(|l| l.reliable) {
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
        .zip(texts)
        .map(|(l, text)| match l {
            Some(Some(l)) if l.reliable => InContext { lang: Some(l.code), sure: true },
            _ if main.is_some() => InContext { lang: main, sure: true },
            Some(l) => InContext { lang: l.map(|l| l.code), sure: false },
            None => InContext { lang: identify(text).map(|l| l.code), sure: false },
        })
        .collect()
}

/// The largest character boundary of `text` at or below `max`.
fn floor_boundary(text: &str, max: usize) -> usize {
    let mut end = text.len().min(max);
    while !text.is_char_boundary(end) {
        end -= 1;
    }
    end
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
        // Neighbours that share some function words with German or English stay themselves.
        let nl = "De Algemene Vergadering verzoekt de lidstaten om de veiligheid van informatie- en communicatietechnologie te versterken, die van groot belang is.";
        assert_eq!(identify(nl).unwrap().code, "nl");
        let da = "Generalforsamlingen opfordrer medlemsstaterne til at styrke sikkerheden for informations- og kommunikationsteknologier, der er af stor betydning for den.";
        assert_eq!(identify(da).unwrap().code, "da");
        let es = "La Asamblea General exhorta a los Estados Miembros a fortalecer la seguridad de las tecnologías de la información y las comunicaciones.";
        assert_eq!(identify(es).unwrap().code, "es");
        // Mixed text: neither language leads clearly by its function words, whatlang decides.
        assert_eq!(
            by_function_words("Die Resolution über the security of information and the role of Staaten und der Welt."),
            None
        );
        assert_eq!(by_function_words(&de_text()), Some("de"));
        assert_eq!(identify("1 2 3 ..."), None);
    }

    fn de_text() -> String {
        "Die Generalversammlung fordert die Mitgliedstaaten auf, die Sicherheit der Informations- und Kommunikationstechnologien zu stärken.".to_owned()
    }

    /// The plain form of [`by_function_words`]: `str::split` and a binary search over the
    /// word lists.
    fn by_function_words_reference(text: &str) -> Option<&'static str> {
        let (mut words, mut german, mut english, mut letters) = (0usize, 0usize, 0usize, 0usize);
        let mut buf = [0u8; 8];
        for word in text.split(|c: char| !c.is_alphabetic()).filter(|w| !w.is_empty()) {
            words += 1;
            letters += word.chars().count();
            if word.len() > buf.len() {
                continue;
            }
            let lower = &mut buf[..word.len()];
            lower.copy_from_slice(word.as_bytes());
            lower.make_ascii_lowercase();
            let find = |list: &[&str]| list.iter().any(|w| w.as_bytes() == &*lower);
            if find(GERMAN_WORDS) {
                german += 1;
            } else if find(ENGLISH_WORDS) {
                english += 1;
            }
        }
        let (lead, code, other) = if german >= english { (german, "de", english) } else { (english, "en", german) };
        let clear = lead >= 3 && lead * 100 >= words * 15 && other * 5 <= lead && letters >= MIN_RELIABLE_CHARS;
        clear.then_some(code)
    }

    proptest::proptest! {
        #![proptest_config(proptest::prelude::ProptestConfig { cases: 4000, ..Default::default() })]

        /// The word key read from the text is the one of the byte loop, for every length and
        /// wherever the word lies (near the end of the text too).
        #[test]
        fn word_key_fast_is_word_key(
            text in paratopic_scan::mostly_of(b"aAzZmM\xc3\x84\xa4@[`{", 0..24),
            from in 0usize..24,
            len in 0usize..11,
        ) {
            let start = from.min(text.len());
            let end = (start + len).min(text.len());
            proptest::prop_assert_eq!(word_key_fast(&text, start, end), word_key(&text[start..end]));
        }
    }

    #[test]
    fn latin_1_letters_are_alphabetic_as_the_standard_library_says() {
        for c in '\u{80}'..='\u{24f}' {
            assert_eq!(is_alphabetic(c), c.is_alphabetic(), "{c:?}");
        }
    }

    proptest::proptest! {
        #![proptest_config(proptest::prelude::ProptestConfig { cases: 2000, ..Default::default() })]

        /// The bit scan with integer keys decides as the plain form does on the first kilobyte
        /// (texts run to about two).
        #[test]
        fn function_words_fast_path_is_the_plain_one(
            words in proptest::collection::vec(
                proptest::prop_oneof![
                    proptest::strategy::Strategy::prop_map(proptest::sample::select(GERMAN_WORDS), str::to_owned),
                    proptest::strategy::Strategy::prop_map(proptest::sample::select(ENGLISH_WORDS), str::to_owned),
                    "[a-zA-ZäöüÄÖÜßéΩЖ]{1,12}",
                    "[ .,;0-9\\-–„“\u{a0}\u{308}]{1,3}",
                ],
                0..60,
            ),
            upper in proptest::prelude::any::<bool>(),
        ) {
            let text: String = words.join(if upper { " " } else { "" });
            let text = if upper { text.to_uppercase() } else { text };
            let head = &text[..floor_boundary(&text, IDENTIFY_BYTES)];
            proptest::prop_assert_eq!(by_function_words(&text), by_function_words_reference(head));
        }
    }

    /// On the articles of the benchmark file, the bit scan decides as the plain form does on
    /// their first kilobyte (and almost all are German by their function words).
    #[test]
    fn function_words_decide_as_the_plain_form_on_the_bench_articles() {
        let Some(articles) = crate::bench_articles() else { return };
        let mut german = 0;
        for text in &articles {
            let head = &text[..floor_boundary(text, IDENTIFY_BYTES)];
            let decided = by_function_words(text);
            assert_eq!(decided, by_function_words_reference(head), "{head:?}");
            german += usize::from(decided == Some("de"));
        }
        assert!(german * 100 > articles.len() * 95, "{german} of {} German", articles.len());
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

    #[test]
    fn a_long_batch_gets_the_same_languages_on_any_number_of_threads() {
        let paragraphs = [
            "Die Generalversammlung verurteilt Cyberangriffe auf kritische Infrastrukturen der Staaten.",
            "The General Assembly stresses the importance of capacity-building in the use of ICTs.",
            "L'Assemblée générale souligne l'importance du renforcement des capacités numériques.",
            "Kurz.",
        ];
        let texts: Vec<&str> = (0..3 * PARALLEL_TEXTS).map(|i| paragraphs[i % paragraphs.len()]).collect();
        let on = |threads: usize| {
            let pool = rayon::ThreadPoolBuilder::new().num_threads(threads).build().unwrap();
            pool.install(|| identify_in_context(&texts))
        };
        let one = on(1);
        assert_eq!(one, on(4));
        assert_eq!(
            one[..4].iter().map(|l| l.lang).collect::<Vec<_>>(),
            [Some("de"), Some("en"), Some("fr"), Some("de")]
        );
    }
}
