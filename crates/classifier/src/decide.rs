//! From a paragraph to its label: the one path every user of a model takes (`classify`,
//! `suggest`, cross-validation and the calibration fitted on it, `cargo xtask eval`, the Python
//! package), so that a paragraph gets the same label wherever it is labeled and what `eval`
//! measures is what `classify` does.
//!
//! [`Model::label_all`] labels the paragraphs of one unit (a document, a piece of one, a JSONL
//! file, a data set): their languages identified among them
//! ([`paratopic_ingest::identify_in_context`]), then each labeled by `Model::label`: the model
//! of its language scores it and the [`Rules`] decide.

use paratopic_features::SparseVector;
use paratopic_ingest::{identify_in_context, InContext};
use rayon::prelude::*;
use serde::Serialize;

use crate::error::SettingError;
use crate::model::{Model, Prediction};

/// The fewest paragraphs [`Model::label_all`] hands to one thread.
const PARALLEL_MIN: usize = 1024;

/// A paragraph with fewer known terms than this gets no topic from the model: it is labeled
/// `other` (or nothing, for a label set without `other`) with [`Decision::NoEvidence`].
pub const MIN_EVIDENCE: usize = 1;

/// The minimum confidence `classify` (and the Python package's `classify`) applies unless
/// told otherwise: a paragraph whose top probability is below it is labeled `other`, with
/// [`Decision::LowConfidence`]. Chosen on the real dev documents of `corpus/real/`
/// (`cargo xtask eval` prints every cut; `docs/measurements.md`): real text is mostly about
/// something else, and an unsure topic is more often wrong than right there.
pub const DEFAULT_MIN_CONFIDENCE: f64 = 0.7;

/// How a paragraph's label was decided.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Decision {
    /// The model's top label.
    Model,
    /// Fewer known terms than [`MIN_EVIDENCE`]: `other` (or no label), whatever the scores.
    NoEvidence,
    /// The top probability is below the minimum confidence: `other` (or no label).
    LowConfidence,
    /// A language the model was not trained on: no label.
    UnsupportedLanguage,
}

impl Decision {
    /// The name records carry.
    pub fn as_str(self) -> &'static str {
        match self {
            Decision::Model => "model",
            Decision::NoEvidence => "no_evidence",
            Decision::LowConfidence => "low_confidence",
            Decision::UnsupportedLanguage => "unsupported_language",
        }
    }
}

/// The rules on top of the scores.
#[derive(Debug, Clone, Copy, Default, PartialEq)]
pub struct Rules {
    /// Paragraphs whose top probability is below this go to `other` (or get no label).
    pub min_confidence: Option<f64>,
    /// Label paragraphs of every language, not only those the model was trained on.
    pub any_language: bool,
}

impl Rules {
    /// The rules `classify` applies by default: [`DEFAULT_MIN_CONFIDENCE`], the languages the
    /// model was trained on.
    pub const CLASSIFY: Rules = Rules { min_confidence: Some(DEFAULT_MIN_CONFIDENCE), any_language: false };

    /// The rules, with `min_confidence` checked to be a probability.
    pub fn checked(min_confidence: Option<f64>, any_language: bool) -> Result<Self, SettingError> {
        match min_confidence {
            Some(p) if !(0.0..=1.0).contains(&p) => Err(SettingError::MinConfidence(p)),
            _ => Ok(Self { min_confidence, any_language }),
        }
    }
}

/// The label of one paragraph and how it was decided.
#[derive(Debug, Clone)]
pub struct Labeled {
    /// Index of the label in [`Model::labels`], or `None` (no label).
    pub label: Option<usize>,
    /// How the label was decided.
    pub decision: Decision,
    /// The scores, and the feature vector they came from; `None` when the paragraph was not
    /// scored (a language the model does not read).
    pub scored: Option<(Prediction, SparseVector)>,
}

impl Labeled {
    /// The probability of the label when the model chose it.
    pub fn confidence(&self) -> Option<f64> {
        match (&self.scored, self.decision) {
            (Some((p, _)), Decision::Model) => Some(p.confidence()),
            _ => None,
        }
    }

    /// How many distinct terms of the paragraph the model knows, when it was scored.
    pub fn evidence(&self) -> Option<usize> {
        self.scored.as_ref().map(|(p, _)| p.evidence)
    }
}

impl Model {
    /// Whether the model reads a paragraph of this language: it was trained on it, or the
    /// language is not known surely, or the model does not record its languages.
    pub fn reads(&self, lang: InContext) -> bool {
        self.languages().is_empty()
            || !lang.sure
            || lang.lang.is_none_or(|code| self.languages().iter().any(|m| m == code))
    }

    /// Labels the paragraphs (text, section heading) of one unit: their languages identified
    /// among them, then each labeled by `Model::label`; in input order. Large units (a data
    /// set, a Python batch) are labeled in parallel; a document's batch of a few hundred
    /// paragraphs stays on the calling thread, which the CLI already runs in parallel.
    pub fn label_all(&self, paragraphs: &[(&str, Option<&str>)], rules: &Rules) -> Vec<(InContext, Labeled)> {
        let texts: Vec<&str> = paragraphs.iter().map(|&(text, _)| text).collect();
        let languages = identify_in_context(&texts);
        paragraphs
            .par_iter()
            .with_min_len(PARALLEL_MIN)
            .zip(languages)
            .map(|(&(text, section), lang)| (lang, self.label(text, section, lang, rules)))
            .collect()
    }

    /// Labels a paragraph that is a unit of its own (a news article, a text given alone), with
    /// the default rules.
    pub fn label_one(&self, text: &str, section: Option<&str>) -> Labeled {
        let (_, labeled) =
            self.label_all(&[(text, section)], &Rules::default()).pop().expect("one label for one paragraph");
        labeled
    }

    /// Labels one paragraph whose language is `lang` (from
    /// [`paratopic_ingest::identify_in_context`] over its unit), with the model of that
    /// language when this one holds one.
    fn label(&self, text: &str, section: Option<&str>, lang: InContext, rules: &Rules) -> Labeled {
        if !rules.any_language && !self.reads(lang) {
            return Labeled { label: None, decision: Decision::UnsupportedLanguage, scored: None };
        }
        let model = self.route(lang.lang);
        let vector = model.vectorize(text, section);
        let prediction = model.score(&vector);
        let other = self.labels().iter().position(|l| l == "other");
        let (label, decision) = if prediction.evidence < MIN_EVIDENCE {
            (other, Decision::NoEvidence)
        } else if rules.min_confidence.is_some_and(|min| prediction.confidence() < min) {
            (other, Decision::LowConfidence)
        } else {
            (Some(prediction.label), Decision::Model)
        };
        Labeled { label, decision, scored: Some((prediction, vector)) }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::{train, Example, TrainConfig};

    fn model() -> Model {
        let ex = |text: &str, label: &str| Example::new(text, label);
        let examples = [
            ex("Ransomware legt Krankenhäuser lahm und verschlüsselt Daten", "cybersecurity"),
            ex("Angriffe auf kritische Infrastruktur durch Schadsoftware", "cybersecurity"),
            ex("Die Generalversammlung beschließt die Tagesordnung der Tagung", "other"),
            ex("Der Sicherheitsrat verlängert das Mandat der Mission", "other"),
        ];
        let labels = ["cybersecurity".to_owned(), "other".to_owned()];
        train(&examples, &labels, &TrainConfig::default()).unwrap()
    }

    const GERMAN: InContext = InContext { lang: Some("de"), sure: true };

    #[test]
    fn a_minimum_confidence_is_a_probability() {
        assert_eq!(Rules::checked(Some(0.7), false), Ok(Rules { min_confidence: Some(0.7), any_language: false }));
        for p in [-0.1, 1.5, f64::NAN] {
            let err = Rules::checked(Some(p), false).unwrap_err();
            assert!(err.to_string().starts_with("min_confidence must be a probability from 0 to 1"), "{err}");
        }
    }

    #[test]
    fn no_known_term_is_other_whatever_the_scores() {
        let m = model();
        let l = m.label("Xylophon Quokka", None, GERMAN, &Rules::default());
        assert_eq!(l.decision, Decision::NoEvidence);
        assert_eq!(l.label.map(|i| m.labels()[i].as_str()), Some("other"));
        assert_eq!((l.evidence(), l.confidence()), (Some(0), None));
    }

    #[test]
    fn a_cut_routes_unsure_paragraphs_to_other_and_keeps_sure_ones() {
        let m = model();
        let text = "Ransomware verschlüsselt Daten";
        let sure = m.label(text, None, GERMAN, &Rules::default());
        assert_eq!(sure.decision, Decision::Model);
        assert_eq!(m.labels()[sure.label.unwrap()], "cybersecurity");
        let confidence = sure.confidence().unwrap();
        let above = Rules { min_confidence: Some(confidence + 1e-9), ..Rules::default() };
        let cut = m.label(text, None, GERMAN, &above);
        assert_eq!((cut.decision, cut.label.map(|i| m.labels()[i].as_str())), (Decision::LowConfidence, Some("other")));
        let below = Rules { min_confidence: Some(confidence), ..Rules::default() };
        assert_eq!(m.label(text, None, GERMAN, &below).decision, Decision::Model);
    }

    #[test]
    fn a_language_the_model_was_not_trained_on_gets_no_label_unless_asked() {
        let m = model();
        assert_eq!(m.languages(), ["de"]);
        let french = InContext { lang: Some("fr"), sure: true };
        let l = m.label("Les attaques informatiques", None, french, &Rules::default());
        assert_eq!((l.label, l.decision, l.evidence()), (None, Decision::UnsupportedLanguage, None));
        let any = Rules { any_language: true, ..Rules::default() };
        assert_ne!(m.label("Les attaques informatiques", None, french, &any).decision, Decision::UnsupportedLanguage);
        let unsure = InContext { lang: Some("fr"), sure: false };
        assert_ne!(m.label("Ransomware", None, unsure, &Rules::default()).decision, Decision::UnsupportedLanguage);
    }
}
