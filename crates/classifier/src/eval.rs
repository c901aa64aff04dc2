//! Cross-validation: training on all but one fold, scoring that fold ([`crate::folds`]).

use crate::config::{validate, Example, TrainConfig};
use crate::decide::Labeled;
use crate::error::ClassifierError;
use crate::folds::out_of_fold;
use crate::metrics::Confusion;
use crate::train::train;

/// Trains on every example whose fold is not `f` (examples with no fold are always trained
/// on and never scored) and scores fold `f`, for every fold; returns the summed confusion.
pub fn cross_validate(
    examples: &[Example],
    labels: &[String],
    config: &TrainConfig,
    folds: &[Option<usize>],
) -> Result<Confusion, ClassifierError> {
    let targets = validate(examples, labels)?;
    let predictions = cross_validate_predictions(examples, labels, config, folds)?;
    let mut total = Confusion::new(labels);
    for (labeled, &gold) in predictions.iter().zip(&targets) {
        if let Some(labeled) = labeled {
            total.add_labeled(gold, labeled.label);
        }
    }
    Ok(total)
}

/// The out-of-fold label of every example that has a fold (`None` for the others), as
/// [`cross_validate`] makes them: what `classify` gives the example's line with the model of
/// its fold, given the lines of that fold.
pub fn cross_validate_predictions(
    examples: &[Example],
    labels: &[String],
    config: &TrainConfig,
    folds: &[Option<usize>],
) -> Result<Vec<Option<Labeled>>, ClassifierError> {
    assert_eq!(examples.len(), folds.len(), "one fold entry per example");
    validate(examples, labels)?;
    out_of_fold(examples, folds, |set| train(set, labels, config))
}
