//! What the tasks share about the project: where it is, the default model's files and
//! settings, the corpus, and writing several files at once.

use std::io::Write as _;
use std::path::{Path, PathBuf};

use anyhow::{Context, Result};
use paratopic_classifier::{Lexicon, TrainConfig};
use paratopic_corpus::Corpus;
use paratopic_staged::StagedFile;

pub const MODEL_FILE: &str = "models/default.model";
pub const CARD_FILE: &str = "models/default.md";

/// The repository root (xtask lives one level below it).
pub fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).parent().expect("xtask is inside the repository").to_path_buf()
}

/// The topic lexicon of the corpus (`lexicon.toml`), with the default weight.
pub fn corpus_lexicon(corpus_dir: &Path) -> Result<Lexicon> {
    let path = corpus_dir.join("lexicon.toml");
    Ok(Lexicon { weight: Lexicon::DEFAULT_WEIGHT, terms: paratopic_classifier::data::read_lexicon(&path)? })
}

/// The settings of the default model: the library defaults (chosen by measurement, see
/// `docs/measurements.md`) and the corpus lexicon.
pub fn default_config(corpus_dir: &Path) -> Result<TrainConfig> {
    let lexicon = corpus_lexicon(corpus_dir)?;
    Ok(TrainConfig {
        lexicon: if lexicon.weight > 0.0 { lexicon } else { Lexicon::default() },
        ..TrainConfig::default()
    })
}

/// Loads the corpus, refusing it with the list of problems when labels are misaligned.
pub fn load_corpus(corpus_dir: &Path) -> Result<Corpus> {
    Corpus::load(corpus_dir).with_context(|| format!("cannot use {}", corpus_dir.display()))
}

/// Writes every file to a temporary file first and renames them only when all are written,
/// so models/ never holds a model and a card from different runs.
pub fn write_together(files: &[(&Path, &[u8])]) -> Result<()> {
    let mut staged = Vec::new();
    for (path, bytes) in files {
        let file = StagedFile::create(path).with_context(|| format!("{}", path.display()))?;
        file.file().write_all(bytes).with_context(|| format!("{}", path.display()))?;
        staged.push(file);
    }
    for file in staged {
        let path = file.path().to_path_buf();
        file.commit().with_context(|| format!("{}", path.display()))?;
    }
    Ok(())
}
