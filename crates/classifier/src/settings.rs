//! Every training setting once: its name, the form of its value, its help, its default (read
//! from [`TrainConfig::default()`]) and how a value written as text sets it. The CLI makes its
//! training flags from [`SETTINGS`] and the Python package its keyword arguments, so a setting
//! is added in one place. What a value may be (alpha positive, n-gram sizes in order) is
//! checked by [`TrainConfig::check`] when training starts, for every front end alike.
//!
//! The inputs of a training run that are data rather than settings (the lexicon file, its
//! weight, the label set) are the front ends' own.

use paratopic_ingest::{NumberPolicy, StemLanguage};

use crate::config::{TrainConfig, Variant};

/// The form of a setting's value, which tells a front end how to read it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Form {
    /// `true` or `false`.
    Bool,
    /// A number (`0.5`, `1`).
    Number,
    /// A whole number, 0 or more.
    Count,
    /// One of [`Setting::choices`].
    Choice,
    /// Items separated by commas (`de,en`; empty for none).
    List,
    /// `MIN-MAX`, or `N` for `N-N`; `0` is off.
    Range,
}

/// One training setting.
pub struct Setting {
    /// The CLI flag without its dashes (`min-df`); with underscores, the Python keyword.
    pub name: &'static str,
    /// The form of its value.
    pub form: Form,
    /// The values of a [`Form::Choice`].
    pub choices: &'static [&'static str],
    /// One sentence for `--help` and the Python docs.
    pub help: &'static str,
    /// The setting's value in a configuration, written as text.
    pub get: fn(&TrainConfig) -> String,
    /// Sets the setting from text; the error says what was expected.
    pub set: fn(&mut TrainConfig, &str) -> Result<(), String>,
}

impl Setting {
    /// The default value, as text.
    pub fn default_text(&self) -> String {
        (self.get)(&TrainConfig::default())
    }

    /// The name with underscores, as the Python package takes it.
    pub fn keyword(&self) -> String {
        self.name.replace('-', "_")
    }
}

/// The setting of this name (flag form or keyword form), if any.
pub fn setting(name: &str) -> Option<&'static Setting> {
    let name = name.replace('_', "-");
    SETTINGS.iter().find(|s| s.name == name)
}

fn boolean(text: &str) -> Result<bool, String> {
    match text {
        "true" => Ok(true),
        "false" => Ok(false),
        _ => Err(format!("expected true or false, got {text:?}")),
    }
}

fn number(text: &str) -> Result<f64, String> {
    text.trim().parse().map_err(|_| format!("expected a number, got {text:?}"))
}

fn count(text: &str) -> Result<usize, String> {
    text.trim().parse().map_err(|_| format!("expected a whole number, 0 or more, got {text:?}"))
}

fn choice(text: &str, choices: &[&str]) -> Result<usize, String> {
    let given = text.trim().to_ascii_lowercase().replace('_', "-");
    choices
        .iter()
        .position(|c| *c == given)
        .ok_or_else(|| format!("expected one of {}, got {text:?}", choices.join(", ")))
}

fn range(text: &str) -> Result<[usize; 2], String> {
    let (a, b) = text.split_once('-').unwrap_or((text, text));
    let parse = |x: &str| x.trim().parse::<usize>().map_err(|_| format!("expected MIN-MAX such as 4-5, got {text:?}"));
    Ok([parse(a)?, parse(b)?])
}

fn list(text: &str) -> Vec<String> {
    text.split(',').map(str::trim).filter(|x| !x.is_empty()).map(str::to_owned).collect()
}

const VARIANTS: &[&str] = &["multinomial", "complement", "complement-normalized"];
const STEMMERS: &[&str] = &["german", "english"];
const NUMBERS: &[&str] = &["drop", "placeholder", "keep"];

/// A boolean setting: its name, help and field.
macro_rules! flag {
    ($name:literal, $help:literal, $($field:ident).+) => {
        Setting {
            name: $name,
            form: Form::Bool,
            choices: &[],
            help: $help,
            get: |c| c.$($field).+.to_string(),
            set: |c, t| {
                c.$($field).+ = boolean(t)?;
                Ok(())
            },
        }
    };
}

/// Every training setting, in the order `paratopic train --help` lists them.
pub static SETTINGS: &[Setting] = &[
    Setting {
        name: "variant",
        form: Form::Choice,
        choices: VARIANTS,
        help: "Naive Bayes variant: multinomial, complement or complement-normalized (Rennie et al. 2003, \
               with weight normalization)",
        get: |c| {
            match c.variant {
                Variant::Multinomial => VARIANTS[0],
                Variant::Complement => VARIANTS[1],
                Variant::ComplementNormalized => VARIANTS[2],
            }
            .to_owned()
        },
        set: |c, t| {
            c.variant =
                [Variant::Multinomial, Variant::Complement, Variant::ComplementNormalized][choice(t, VARIANTS)?];
            Ok(())
        },
    },
    Setting {
        name: "alpha",
        form: Form::Number,
        choices: &[],
        help: "Additive smoothing of the term counts",
        get: |c| c.alpha.to_string(),
        set: |c, t| {
            c.alpha = number(t)?;
            Ok(())
        },
    },
    Setting {
        name: "min-df",
        form: Form::Count,
        choices: &[],
        help: "Keep only terms that occur in at least this many training paragraphs",
        get: |c| c.min_df.to_string(),
        set: |c, t| {
            c.min_df = count(t)?;
            Ok(())
        },
    },
    flag!(
        "stopwords",
        "Remove German and English function words (der, und, the, and, …) before stemming",
        tokenizer.stopwords
    ),
    flag!("stemming", "Reduce words to their Snowball stem, with the stemmer of --stem-language", tokenizer.stemming),
    Setting {
        name: "stem-language",
        form: Form::Choice,
        choices: STEMMERS,
        help: "The Snowball stemmer --stemming uses (with --per-language, the models of --stemmed-languages \
               use their own)",
        get: |c| {
            match c.tokenizer.stem_language {
                StemLanguage::German => STEMMERS[0],
                StemLanguage::English => STEMMERS[1],
            }
            .to_owned()
        },
        set: |c, t| {
            c.tokenizer.stem_language = [StemLanguage::German, StemLanguage::English][choice(t, STEMMERS)?];
            Ok(())
        },
    },
    Setting {
        name: "numbers",
        form: Form::Choice,
        choices: NUMBERS,
        help: "What to do with numbers and dates: drop them, count one placeholder, or keep them",
        get: |c| {
            match c.tokenizer.numbers {
                NumberPolicy::Drop => NUMBERS[0],
                NumberPolicy::Placeholder => NUMBERS[1],
                NumberPolicy::Keep => NUMBERS[2],
            }
            .to_owned()
        },
        set: |c, t| {
            c.tokenizer.numbers =
                [NumberPolicy::Drop, NumberPolicy::Placeholder, NumberPolicy::Keep][choice(t, NUMBERS)?];
            Ok(())
        },
    },
    flag!("binary", "Count each term once per paragraph (presence, not frequency)", weighting.binary),
    flag!("sublinear-tf", "Use 1 + ln(count) instead of the raw count", weighting.sublinear_tf),
    flag!("idf", "Multiply term values by their inverse document frequency", weighting.idf),
    flag!("l2-norm", "Scale every paragraph's vector to unit length", weighting.l2_norm),
    flag!("bigrams", "Add word bigrams to the single words", bigrams),
    Setting {
        name: "char-ngrams",
        form: Form::Range,
        choices: &[],
        help: "Add character n-grams of every word, e.g. 4-5 (0 = off); they share features between German \
               compounds and their parts",
        get: |c| match c.char_ngrams {
            [0, 0] => "0".to_owned(),
            [a, b] => format!("{a}-{b}"),
        },
        set: |c, t| {
            c.char_ngrams = range(t)?;
            Ok(())
        },
    },
    flag!(
        "decompound",
        "Also count the parts of German compounds (Cybersicherheitsstrategie → cybersicherheit, strategie); \
         the parts are learned from the training words",
        decompound
    ),
    flag!(
        "calibrate",
        "Calibrate the probabilities: fit a temperature and a map of the top confidence on out-of-fold \
         predictions of a 5-fold cross-validation inside the training data (about six times the training time)",
        calibrate
    ),
    flag!(
        "per-language",
        "With training text in several languages, also train a model per language and label each paragraph \
         with the model of its language",
        per_language
    ),
    Setting {
        name: "stemmed-languages",
        form: Form::List,
        choices: &[],
        help: "With --per-language: the languages whose model stems its words with the language's Snowball \
               stemmer (ISO 639-1, comma-separated; de and en have one; \"\" for none)",
        get: |c| c.stemmed_languages.join(","),
        set: |c, t| {
            c.stemmed_languages = list(t);
            Ok(())
        },
    },
    flag!(
        "section-features",
        "Add the words of the section heading as extra features (from JSONL data: the optional \"section\" \
         field of each line)",
        section_features
    ),
];

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_default_reads_back_and_a_changed_value_changes_the_config() {
        let default = TrainConfig::default();
        let mut names = std::collections::BTreeSet::new();
        for s in SETTINGS {
            assert!(names.insert(s.name), "{} twice", s.name);
            let mut c = TrainConfig::default();
            (s.set)(&mut c, &s.default_text()).unwrap();
            assert_eq!(c, default, "{}: its default text does not give the default", s.name);
            let other = match s.form {
                Form::Bool => (!boolean(&s.default_text()).unwrap()).to_string(),
                Form::Number => "0.25".to_owned(),
                Form::Count => "7".to_owned(),
                Form::Choice => s.choices.iter().find(|c| **c != s.default_text()).unwrap().to_string(),
                Form::List => "de,fr".to_owned(),
                Form::Range => "3-6".to_owned(),
            };
            (s.set)(&mut c, &other).unwrap();
            assert_ne!(c, default, "{}: {other:?} changes nothing", s.name);
            assert_eq!((s.get)(&c), other, "{}", s.name);
            assert!((s.set)(&mut c, "nonsense").is_err() || s.form == Form::List, "{}", s.name);
        }
        assert_eq!(setting("min_df").map(|s| s.name), Some("min-df"));
    }
}
