//! Training and applying the Naive Bayes topic model, and measuring it.
//!
//! [`train`] checks the settings ([`TrainConfig`]), tokenizes the examples, builds a sorted
//! vocabulary, fits linfa-bayes `MultinomialNb` on the per-label term counts and derives the
//! weights from that fit into a [`Model`]: a sparse scorer with a fixed label order, ties
//! broken by that order, and probabilities computed with log-sum-exp. Models are saved as a checksummed file
//! ([`Model::save`], [`Model::load`]); [`metrics`] has the confusion matrix and F1 scores.
//!
//! ```
//! use paratopic_classifier::{train, Example, TrainConfig};
//!
//! let ex = |text: &str, label: &str| Example::new(text, label);
//! let examples = [
//!     ex("Ransomware legt Krankenhäuser lahm", "cybersecurity"),
//!     ex("Das Internet Governance Forum tagt in Genf", "wsis"),
//! ];
//! let labels = ["cybersecurity".to_owned(), "wsis".to_owned()];
//! let model = train(&examples, &labels, &TrainConfig::default()).unwrap();
//! let labeled = model.label_one("Ein Angriff mit Ransomware", None);
//! assert_eq!(labeled.label.map(|l| model.labels()[l].as_str()), Some("cybersecurity"));
//! ```
#![deny(missing_docs)]

mod audit;
mod calibration;
mod compound;
mod config;
pub mod data;
mod decide;
mod digest;
mod error;
mod eval;
mod featurize;
mod fit;
mod folds;
mod hint;
pub mod metrics;
mod model;
pub mod settings;
mod suggest;
mod train;

pub use audit::{label_issues, thresholds, LabelIssue};
pub use calibration::{confidence_cuts, cuts_table, Bin, CutFigures, Reliability};
pub use config::{sorted_labels, validate, Example, Lexicon, TrainConfig, Variant};
pub use decide::{Decision, Labeled, Rules, DEFAULT_MIN_CONFIDENCE, MIN_EVIDENCE};
pub use error::{ClassifierError, ModelFormatError, SettingError};
pub use eval::{cross_validate, cross_validate_predictions};
pub use folds::stratified_folds;
pub use model::{Model, Prediction, TrainingSummary};
pub use paratopic_features::Weighting;
pub use suggest::{most_uncertain, Suggestion};
pub use train::train;

#[cfg(test)]
mod tests;
