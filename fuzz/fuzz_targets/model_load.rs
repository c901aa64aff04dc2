//! Any bytes as a model file never panic the loader. When the first byte is odd, the rest is
//! wrapped in a valid header and checksum, so the payload parser and its validation are
//! fuzzed too, not only the checksum.
#![no_main]

use libfuzzer_sys::fuzz_target;
use paratopic_classifier::Model;
use sha2::{Digest, Sha256};

fuzz_target!(|bytes: &[u8]| {
    let Some((&mode, rest)) = bytes.split_first() else { return };
    let model = if mode % 2 == 1 {
        let digest: String = Sha256::digest(rest).iter().map(|b| format!("{b:02x}")).collect();
        let mut file = format!("paratopic-model 1 sha256={digest} bytes={}\n", rest.len()).into_bytes();
        file.extend_from_slice(rest);
        Model::from_bytes(&file)
    } else {
        Model::from_bytes(rest)
    };
    if let Ok(model) = model {
        let p = model.predict("Die Staaten verurteilen Cyberangriffe.", None);
        assert!(p.probabilities.iter().all(|x| x.is_finite()));
    }
});
