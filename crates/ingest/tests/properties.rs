//! Properties of segmentation on arbitrary text: no panic, and spans that a consumer can trust.

use paratopic_ingest::{segment, Document, Tokenizer, TokenizerConfig};
use proptest::prelude::*;

/// Text that looks like documents: words, German letters, markup, footnote marks, rules,
/// hyphens at line ends, all kinds of line breaks and indentation; mixed with any Unicode.
fn documentish() -> impl Strategy<Value = String> {
    let piece = prop_oneof![
        "[A-Za-zÄÖÜäöüß]{1,12}",
        Just(" ".to_owned()),
        Just("  ".to_owned()),
        Just("\n".to_owned()),
        Just("\n\n".to_owned()),
        Just("\r\n".to_owned()),
        Just("\r".to_owned()),
        Just("-\n".to_owned()),
        Just("\n ".to_owned()),
        Just("- ".to_owned()),
        Just("a) ".to_owned()),
        Just("# ".to_owned()),
        Just("*".to_owned()),
        Just("¹".to_owned()),
        Just("[12]".to_owned()),
        Just("[x](#)".to_owned()),
        Just("\n_______________\n".to_owned()),
        Just("1 A/65/201.".to_owned()),
        Just(". ".to_owned()),
        Just(",".to_owned()),
        Just("\u{feff}".to_owned()),
        Just("\u{301}".to_owned()),
        Just("👍🏽".to_owned()),
        Just("مرحبا".to_owned()),
        Just("\u{7}".to_owned()),
        any::<String>(),
    ];
    prop::collection::vec(piece, 0..80).prop_map(|v| v.concat())
}

fn check(text: &str) {
    let doc = Document::from_text("p", text.to_owned());
    let original = text;
    let paragraphs = segment(&doc);
    let mut previous_end = 0;
    for (i, p) in paragraphs.iter().enumerate() {
        assert_eq!(p.index, i);
        assert!(p.start < p.end && p.end <= original.len(), "span {}..{} of {}", p.start, p.end, original.len());
        assert!(original.is_char_boundary(p.start) && original.is_char_boundary(p.end));
        assert!(p.start >= previous_end, "overlap at paragraph {i}");
        previous_end = p.end;
        assert!(p.text.chars().any(char::is_alphanumeric));
        assert_eq!(p.text, p.text.trim());
        assert!(!p.text.contains("  ") && !p.text.contains('\n'));
    }
    // Every non-blank line lies in some paragraph span (when there is any paragraph).
    if !paragraphs.is_empty() {
        let mut offset = 0;
        for line in original.split_inclusive(['\n', '\r']) {
            let mut content = line.trim_end_matches(['\n', '\r']);
            let mut lead = 0;
            if offset == 0 && content.starts_with('\u{feff}') {
                // The byte order mark belongs to the file, not to a paragraph.
                content = &content[3..];
                lead = 3;
            }
            lead += content.len() - content.trim_start().len();
            if !content.trim().is_empty() {
                let at = offset + lead;
                assert!(
                    paragraphs.iter().any(|p| p.start <= at && at < p.end),
                    "line at {at} is in no paragraph: {content:?}"
                );
            }
            offset += line.len();
        }
    }
    let tokenizer = Tokenizer::new(TokenizerConfig::default());
    for p in &paragraphs {
        assert!(tokenizer.tokenize(&p.text).iter().all(|t| !t.is_empty()));
    }
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 2000, ..ProptestConfig::default() })]

    #[test]
    fn segmentation_never_panics_and_spans_hold(text in documentish()) {
        check(&text);
    }

    #[test]
    fn arbitrary_unicode(text in any::<String>()) {
        check(&text);
    }
}
