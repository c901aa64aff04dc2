//! The training digest: what a model was trained on, as the SHA-256 of its examples.

use sha2::{Digest, Sha256};

use crate::config::Example;

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
    format!("{:x}", hasher.finalize())
}
