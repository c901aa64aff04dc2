//! Bytes → text: UTF-8 (with or without BOM), UTF-16 LE/BE with BOM, and legacy single-byte
//! Latin encodings (Windows-1252, ISO-8859-x) detected with chardetng. Binary files and text in
//! no recognisable encoding are refused rather than guessed into mojibake.

/// `bytes` as a `String` when they are UTF-8, with the error of [`String::from_utf8`] when
/// not. The bytes are validated by simdutf8, which picks SIMD code for the CPU at run time
/// (several times the speed of the standard library on German text, whose umlauts keep the
/// standard library's ASCII shortcut from paying); the standard library runs only on failing
/// bytes, to find the error's position.
pub fn utf8_string(bytes: Vec<u8>) -> Result<String, std::string::FromUtf8Error> {
    if simdutf8::basic::from_utf8(&bytes).is_ok() {
        // SAFETY: simdutf8 has just validated `bytes` as UTF-8.
        return Ok(unsafe { String::from_utf8_unchecked(bytes) });
    }
    String::from_utf8(bytes)
}

/// `bytes` as a `&str` when they are UTF-8, else the error of [`std::str::from_utf8`]; as fast
/// as [`utf8_string`].
pub fn utf8_str(bytes: &[u8]) -> Result<&str, std::str::Utf8Error> {
    simdutf8::basic::from_utf8(bytes).or_else(|_| std::str::from_utf8(bytes))
}

/// How a document's bytes were decoded, and so how text offsets map back to file offsets.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Encoding {
    /// UTF-8; `bom` when the file starts with a byte order mark.
    Utf8 {
        /// A BOM (3 bytes) precedes the text.
        bom: bool,
    },
    /// UTF-16 with a byte order mark.
    Utf16 {
        /// Big-endian (otherwise little-endian).
        big_endian: bool,
    },
    /// A legacy single-byte encoding (one byte per character), detected.
    SingleByte(&'static encoding_rs::Encoding),
}

impl Encoding {
    /// A short description for `--verbose`.
    pub fn describe(&self) -> String {
        match self {
            Encoding::Utf8 { bom: false } => "UTF-8".into(),
            Encoding::Utf8 { bom: true } => "UTF-8 with BOM".into(),
            Encoding::Utf16 { big_endian: false } => "UTF-16LE (BOM)".into(),
            Encoding::Utf16 { big_endian: true } => "UTF-16BE (BOM)".into(),
            Encoding::SingleByte(e) => format!("{} (detected, not UTF-8)", e.name()),
        }
    }
}

/// Why bytes are not decoded.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Undecodable {
    /// A binary file: the signature of a known format, or NUL bytes.
    Binary(&'static str),
    /// Neither UTF-8, UTF-16 with BOM, nor plausible Latin single-byte text.
    UnknownEncoding,
}

/// Whether `needle` occurs in `haystack`.
pub(crate) fn contains(haystack: &[u8], needle: &[u8]) -> bool {
    haystack.windows(needle.len()).any(|w| w == needle)
}

/// Signatures of binary formats that turn up renamed as text.
const SIGNATURES: &[(&[u8], &str)] = &[
    (b"%PDF-", "a PDF file"),
    (b"\x89PNG\r\n\x1a\n", "a PNG image"),
    (b"\xff\xd8\xff", "a JPEG image"),
    (b"GIF8", "a GIF image"),
    (b"PK\x03\x04", "a ZIP archive (or DOCX/ODT)"),
    (b"\x1f\x8b", "a gzip archive"),
    (b"\xd0\xcf\x11\xe0", "an old Office document"),
    (b"\x7fELF", "an executable"),
];

/// What a file's first bytes show it to be when it is not text (UTF-16 with a byte order mark
/// can hold NUL bytes and is text): the signature of a binary format, or NUL bytes among the
/// first 8 KiB.
pub fn binary_signature(bytes: &[u8]) -> Option<&'static str> {
    if let Some((_, kind)) = SIGNATURES.iter().find(|(sig, _)| bytes.starts_with(sig)) {
        return Some(kind);
    }
    if encoding_rs::Encoding::for_bom(bytes).is_some() {
        return None;
    }
    bytes[..bytes.len().min(8192)].contains(&0).then_some("NUL bytes")
}

/// Decodes a file's bytes. UTF-8 (the common case) becomes the text without a copy.
pub fn decode(bytes: impl Into<Vec<u8>>) -> Result<(String, Encoding), Undecodable> {
    let mut bytes = bytes.into();
    if let Some(kind) = binary_signature(&bytes) {
        return Err(Undecodable::Binary(kind));
    }
    if let Some((encoding, bom_len)) = encoding_rs::Encoding::for_bom(&bytes) {
        if encoding == encoding_rs::UTF_8 {
            bytes.drain(..bom_len);
            return utf8_string(bytes)
                .map(|text| (text, Encoding::Utf8 { bom: true }))
                .map_err(|_| Undecodable::UnknownEncoding);
        }
        let body = &bytes[bom_len..];
        // UTF-16: malformed sequences become U+FFFD, one code unit each, so offsets still map.
        let (text, _) = encoding.decode_without_bom_handling(body);
        return Ok((text.into_owned(), Encoding::Utf16 { big_endian: encoding == encoding_rs::UTF_16BE }));
    }
    let bytes = match utf8_string(bytes) {
        Ok(text) => return Ok((text, Encoding::Utf8 { bom: false })),
        Err(e) => e.into_bytes(),
    };
    let mut detector = chardetng::EncodingDetector::new();
    detector.feed(&bytes, true);
    let (guess, confident) = detector.guess_assess(Some(b"de"), false);
    if !guess.is_single_byte() {
        return Err(Undecodable::UnknownEncoding);
    }
    let (text, malformed) = guess.decode_without_bom_handling(&bytes);
    if malformed || !(confident || guess == encoding_rs::WINDOWS_1252) || !plausible_text(&text) {
        return Err(Undecodable::UnknownEncoding);
    }
    Ok((text.into_owned(), Encoding::SingleByte(guess)))
}

/// Latin text, not noise: no control characters but whitespace (C0 or C1), every letter in
/// the Latin script, and mostly letters, digits, spaces and ordinary punctuation.
fn plausible_text(text: &str) -> bool {
    let mut total = 0usize;
    let mut ordinary = 0usize;
    for c in text.chars() {
        total += 1;
        if c.is_control() && !matches!(c, '\n' | '\r' | '\t' | '\u{c}') {
            return false;
        }
        let latin = matches!(c, '\0'..='\u{24f}' | '\u{1e00}'..='\u{1eff}');
        if c.is_alphabetic() && !latin {
            return false;
        }
        if c.is_alphanumeric() || c.is_whitespace() || ".,;:!?-–()\"'„“”‚‘’/%&§".contains(c) {
            ordinary += 1;
        }
    }
    total == 0 || ordinary * 100 >= total * 95
}

/// Maps byte offsets in decoded text to byte offsets in the original file.
pub(crate) struct OffsetMap<'a> {
    text: &'a str,
    encoding: Encoding,
    /// File offset of the first character (after a byte order mark).
    first: usize,
    /// Length of the file: no offset maps past it. (A lone last byte of a UTF-16 file
    /// decodes to a whole U+FFFD, which would otherwise count as two bytes.)
    file_len: usize,
    /// Last mapped (text offset, file offset), to walk forward from.
    at: (usize, usize),
}

impl<'a> OffsetMap<'a> {
    pub(crate) fn new(text: &'a str, encoding: Encoding, file_len: usize) -> Self {
        let first = match encoding {
            Encoding::Utf8 { bom } => usize::from(bom) * 3,
            Encoding::Utf16 { .. } => 2,
            Encoding::SingleByte(_) => 0,
        };
        Self { text, encoding, first, file_len, at: (0, first) }
    }

    /// The file offset of text offset `offset`; cheap when offsets increase.
    pub(crate) fn map(&mut self, offset: usize) -> usize {
        let mapped = match self.encoding {
            Encoding::Utf8 { .. } => self.first + offset,
            _ => {
                if offset < self.at.0 {
                    self.at = (0, self.first);
                }
                let (from, base) = self.at;
                let segment = &self.text[from..offset];
                let bytes = match self.encoding {
                    Encoding::Utf16 { .. } => segment.chars().map(|c| 2 * c.len_utf16()).sum::<usize>(),
                    _ => segment.chars().count(),
                };
                self.at = (offset, base + bytes);
                self.at.1
            }
        };
        mapped.min(self.file_len)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn decoded(bytes: &[u8]) -> (String, String) {
        let (text, enc) = decode(bytes).unwrap();
        (text, enc.describe())
    }

    #[test]
    fn encodings_are_recognised() {
        assert_eq!(decoded("Förderung".as_bytes()), ("Förderung".into(), "UTF-8".into()));
        assert_eq!(decoded(b"\xef\xbb\xbfF\xc3\xb6rderung"), ("Förderung".into(), "UTF-8 with BOM".into()));
        let le: Vec<u8> =
            [0xff, 0xfe].into_iter().chain("Förderung".encode_utf16().flat_map(u16::to_le_bytes)).collect();
        assert_eq!(decoded(&le), ("Förderung".into(), "UTF-16LE (BOM)".into()));
        let be: Vec<u8> =
            [0xfe, 0xff].into_iter().chain("Förderung".encode_utf16().flat_map(u16::to_be_bytes)).collect();
        assert_eq!(decoded(&be), ("Förderung".into(), "UTF-16BE (BOM)".into()));
        let latin = b"Die F\xf6rderung der Zusammenarbeit f\xfcr gr\xf6\xdfere Sicherheit im Cyberraum.";
        assert_eq!(decoded(latin).0, "Die Förderung der Zusammenarbeit für größere Sicherheit im Cyberraum.");
        assert!(decoded(latin).1.starts_with("windows-1252"));
    }

    #[test]
    fn binary_and_unknown_are_refused() {
        assert_eq!(decode(b"%PDF-1.7\n..."), Err(Undecodable::Binary("a PDF file")));
        assert_eq!(decode(b"\x89PNG\r\n\x1a\n\0\0"), Err(Undecodable::Binary("a PNG image")));
        assert_eq!(decode(b"Text\0mit NUL"), Err(Undecodable::Binary("NUL bytes")));
        assert_eq!(decode(b"\x81\x8d\x8f\x90\x9d\x81\x8d"), Err(Undecodable::UnknownEncoding));
    }

    /// Found by fuzzing (decode_segment): a UTF-16 BOM, then an odd number of bytes.
    #[test]
    fn odd_utf16_tail_keeps_spans_in_the_file() {
        let bytes = b"\xff\xfeA\x00B";
        let doc = crate::Document::from_bytes("f", bytes, std::path::Path::new("f")).unwrap();
        let paragraphs = crate::segment(&doc);
        assert_eq!((paragraphs[0].start, paragraphs[0].end), (2, 5));
    }

    use proptest::prelude::Strategy as _;

    proptest::proptest! {
        #![proptest_config(proptest::prelude::ProptestConfig { cases: 3000, ..Default::default() })]

        /// The SIMD validation takes and refuses what the standard library does, with its error.
        /// The bytes are mostly ASCII and German letters, with stray bytes among them, and long
        /// enough to cross the 64-byte blocks of the SIMD code.
        #[test]
        fn simd_validation_is_the_standard_one(
            parts in proptest::collection::vec(proptest::prop_oneof![
                8 => proptest::string::string_regex("[a-zäöüß €,.]{1,40}").unwrap().prop_map(String::into_bytes),
                1 => proptest::collection::vec(proptest::prelude::any::<u8>(), 1..4),
            ], 0..20)
        ) {
            let bytes: Vec<u8> = parts.concat();
            proptest::prop_assert_eq!(utf8_str(&bytes), std::str::from_utf8(&bytes));
            let ours = utf8_string(bytes.clone()).map_err(|e| (e.utf8_error(), e.into_bytes()));
            let std = String::from_utf8(bytes).map_err(|e| (e.utf8_error(), e.into_bytes()));
            proptest::prop_assert_eq!(ours, std);
        }
    }

    #[test]
    fn offsets_map_back_to_the_file() {
        let text = "aö€b";
        let mut utf16 = OffsetMap::new(text, Encoding::Utf16 { big_endian: false }, 2 + 2 * 4);
        // a(1) ö(2) €(3) in UTF-8; 2 bytes each in UTF-16 after a 2-byte BOM.
        assert_eq!([utf16.map(0), utf16.map(1), utf16.map(3), utf16.map(6)], [2, 4, 6, 8]);
        let mut latin = OffsetMap::new("Föx", Encoding::SingleByte(encoding_rs::WINDOWS_1252), 3);
        assert_eq!([latin.map(0), latin.map(3), latin.map(4)], [0, 2, 3]);
        let mut bom = OffsetMap::new("x", Encoding::Utf8 { bom: true }, 4);
        assert_eq!(bom.map(1), 4);
    }
}
