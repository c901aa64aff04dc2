//! Hex digests: the one place that turns hash bytes into text (model file header, training
//! digest, the corpus's paragraph keys, the model card).

use sha2::{Digest, Sha256};

use crate::config::Example;

/// Lowercase hex of `bytes`, two digits a byte.
pub fn hex(bytes: &[u8]) -> String {
    use std::fmt::Write as _;
    let mut out = String::with_capacity(bytes.len() * 2);
    for b in bytes {
        let _ = write!(out, "{b:02x}");
    }
    out
}

/// SHA-256 over the label set and every example (label, text), in order.
pub(crate) fn training_digest(examples: &[Example], labels: &[String]) -> String {
    let mut hasher = Sha256::new();
    for label in labels {
        hasher.update(label.as_bytes());
        hasher.update([0x1f]);
    }
    for e in examples {
        hasher.update([0x1e]);
        hasher.update(e.label.as_bytes());
        hasher.update([0x1f]);
        hasher.update(e.text.as_bytes());
    }
    hex(&hasher.finalize())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hex_is_two_lowercase_digits_a_byte() {
        assert_eq!(hex(&[]), "");
        assert_eq!(hex(&[0x00, 0x0f, 0xa0, 0xff]), "000fa0ff");
    }
}
