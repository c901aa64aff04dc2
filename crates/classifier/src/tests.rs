//! Tests on the real seed documents.

use std::path::Path;

use linfa_bayes::NaiveBayes;
use ndarray::Array2;
use paratopic_ingest::{segment, Document};

use linfa::traits::Fit;
use linfa::DatasetBase;
use linfa_bayes::MultinomialNb;
use ndarray::Array1;

use crate::*;

/// Every paragraph of the three seed documents, labeled with the document it comes from: real
/// text with a label set that needs no annotation.
fn seed_examples() -> Vec<Example> {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../corpus/documents");
    let mut files: Vec<_> = std::fs::read_dir(&dir).unwrap().map(|e| e.unwrap().path()).collect();
    files.sort();
    let mut examples = Vec::new();
    for path in files {
        let name = path.file_name().unwrap().to_string_lossy().into_owned();
        let doc = Document::read(name.clone(), &path).unwrap();
        for p in segment(&doc) {
            examples.push(Example::new(p.text, name.clone()));
        }
    }
    assert!(examples.len() > 200, "seed documents missing?");
    examples
}

fn multinomial() -> TrainConfig {
    TrainConfig { variant: Variant::Multinomial, ..TrainConfig::default() }
}

#[test]
fn scorer_agrees_with_linfa_bayes_on_real_paragraphs() {
    let examples = seed_examples();
    let labels = sorted_labels(&examples);
    let config = multinomial();
    let model = train(&examples, &labels, &config).unwrap();

    // Fit linfa-bayes the plain way, on every paragraph as a dense row, and compare the
    // scorer with it on every paragraph.
    let targets = validate(&examples, &labels).unwrap();
    let vectors: Vec<_> = examples.iter().map(|e| model.vectorize(&e.text, None)).collect();
    let n = model.vocabulary().len();
    let mut dense = Array2::<f64>::zeros((vectors.len(), n));
    for (mut row, v) in dense.rows_mut().into_iter().zip(&vectors) {
        v.scatter_into(row.as_slice_mut().unwrap());
    }
    let dataset = DatasetBase::new(dense.clone(), Array1::from(targets.clone()));
    let linfa = {
        let _quiet = gag::Gag::stderr().ok();
        MultinomialNb::params().alpha(config.alpha).fit(&dataset).unwrap()
    };
    let jll = linfa.joint_log_likelihood(dense.view());
    let mut agree = 0;
    for (i, v) in vectors.iter().enumerate() {
        let ours = model.score(v);
        for (c, &l) in ours.log_likelihood.iter().enumerate() {
            let theirs = jll[&c][i];
            assert!((l - theirs).abs() <= 1e-9 * theirs.abs().max(1.0), "paragraph {i} label {c}: {l} vs {theirs}");
        }
        let best = (0..labels.len()).max_by(|&a, &b| jll[&a][i].total_cmp(&jll[&b][i])).unwrap();
        agree += usize::from(best == ours.label);
    }
    assert_eq!(agree, vectors.len());
}

#[test]
fn long_paragraphs_keep_finite_probabilities() {
    let examples = seed_examples();
    let labels = sorted_labels(&examples);
    let model = train(&examples, &labels, &multinomial()).unwrap();
    let whole_report: String =
        examples.iter().filter(|e| e.label.starts_with("ig-")).map(|e| e.text.as_str()).collect::<Vec<_>>().join(" ");
    let p = scores(&model, &whole_report, None);
    assert!(p.probabilities.iter().all(|x| x.is_finite()));
    assert!((p.probabilities.iter().sum::<f64>() - 1.0).abs() < 1e-9);
    assert_eq!(labels[p.label], "ig-report-2025-q4-de.txt");
    // The naive exp-then-normalize of linfa-bayes 0.8.1 loses this paragraph entirely.
    assert!(p.log_likelihood.iter().all(|l| *l < -800.0));
    let naive: f64 = p.log_likelihood.iter().map(|l| l.exp()).sum();
    assert_eq!(naive, 0.0);
}

#[test]
fn training_is_deterministic_to_the_byte() {
    let examples = seed_examples();
    let labels = sorted_labels(&examples);
    let a = train(&examples, &labels, &TrainConfig::default()).unwrap().to_bytes();
    let b = train(&examples, &labels, &TrainConfig::default()).unwrap().to_bytes();
    assert_eq!(a, b);
}

#[test]
fn ties_go_to_the_first_label() {
    let ex = |t: &str, l: &str| Example::new(t, l);
    let labels = ["b".to_owned(), "a".to_owned()];
    let model = train(&[ex("Haushalt", "a"), ex("Angriff", "b")], &labels, &TrainConfig::default()).unwrap();
    let p = scores(&model, "Haushalt Angriff", None);
    assert_eq!(p.probabilities[0], p.probabilities[1]);
    assert_eq!(p.label, 0);
}

#[test]
fn model_file_round_trip_and_faults() {
    let examples = seed_examples();
    let labels = sorted_labels(&examples);
    let model = train(&examples, &labels, &TrainConfig::default()).unwrap();
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("m.model");
    model.save(&path).unwrap();
    let loaded = Model::load(&path).unwrap();
    assert_eq!(loaded.to_bytes(), model.to_bytes());
    assert_eq!(scores(&loaded, &examples[5].text, None), scores(&model, &examples[5].text, None));

    let bytes = model.to_bytes();
    let fault = |b: &[u8]| Model::from_bytes(b).unwrap_err().to_string();
    assert!(fault(&bytes[..bytes.len() - 10]).contains("truncated"));
    let mut flipped = bytes.clone();
    let last = flipped.len() - 2;
    flipped[last] ^= 0x01;
    assert!(fault(&flipped).contains("checksum"));
    assert!(fault(b"PNG\x89 binary").contains("not a paratopic model"));
    let v2 = String::from_utf8_lossy(&bytes).replacen("paratopic-model 1 ", "paratopic-model 99 ", 1);
    assert!(fault(v2.as_bytes()).contains("version 99 is not supported (expected version 1)"));
    let err = Model::load(&dir.path().join("missing.model")).unwrap_err().to_string();
    assert!(err.contains("missing.model"), "{err}");
}

#[test]
fn bad_training_data_is_rejected_before_work() {
    let ex = |t: &str, l: &str| Example::new(t, l);
    let two = ["a".to_owned(), "b".to_owned()];
    let err = |examples: &[Example], labels: &[String]| {
        train(examples, labels, &TrainConfig::default()).unwrap_err().to_string()
    };
    assert_eq!(err(&[ex("x", "a")], &["a".to_owned()]), "training needs at least two labels, got 1");
    assert_eq!(err(&[ex("x", "a"), ex("y", "c")], &two), "example 1: unknown label \"c\" (known labels: a, b)");
    assert_eq!(err(&[ex("xx", "a")], &two), "label \"b\" has no training examples");
    assert!(err(&[ex("xx", "a")], &["a".to_owned(), " ".to_owned()]).contains("empty label"));
    let bad_alpha = TrainConfig { alpha: 0.0, ..TrainConfig::default() };
    assert!(train(&[ex("xx", "a"), ex("yy", "b")], &two, &bad_alpha).unwrap_err().to_string().contains("alpha"));
    for sizes in [[5, 2], [0, 3]] {
        let bad_ngrams = TrainConfig { char_ngrams: sizes, ..TrainConfig::default() };
        let err = train(&[ex("xx", "a"), ex("yy", "b")], &two, &bad_ngrams).unwrap_err().to_string();
        assert!(err.contains("char_ngrams must be MIN-MAX"), "{err}");
    }
}

#[test]
fn complement_nb_follows_rennie() {
    // Two labels, three terms: the complement of a label is the other label's counts.
    let ex = |t: &str, l: &str| Example::new(t, l);
    let config = TrainConfig {
        tokenizer: paratopic_ingest::TokenizerConfig { stopwords: false, stemming: false, ..Default::default() },
        ..TrainConfig::default()
    };
    assert_eq!(config.variant, Variant::Complement);
    let labels = ["a".to_owned(), "b".to_owned()];
    let model = train(&[ex("xx xx yy", "a"), ex("zz", "b")], &labels, &config).unwrap();
    // Complement counts of a: b's counts (xx 0, yy 0, zz 1) + alpha 1 → 1, 1, 2 of 4.
    let id = |t: &str| model.vocabulary().id(t).unwrap();
    assert!((model.term_weights(id("xx"))[0] - -(0.25f64.ln())).abs() < 1e-12);
    assert!((model.term_weights(id("zz"))[0] - -(0.5f64.ln())).abs() < 1e-12);
    // Complement counts of b: a's counts (2, 1, 0) + 1 → 3, 2, 1 of 6.
    assert!((model.term_weights(id("xx"))[1] - -(0.5f64.ln())).abs() < 1e-12);
    assert_eq!(model.labels()[scores(&model, "xx", None).label], "a");
    assert_eq!(model.labels()[scores(&model, "zz", None).label], "b");
}

#[test]
fn lexicon_adds_pseudo_counts() {
    let ex = |t: &str, l: &str| Example::new(t, l);
    let mut config = multinomial();
    config.tokenizer = paratopic_ingest::TokenizerConfig { stopwords: false, stemming: false, ..Default::default() };
    let labels = ["a".to_owned(), "b".to_owned()];
    let data = [ex("xx", "a"), ex("yy", "b")];
    let plain = train(&data, &labels, &config).unwrap();
    config.lexicon = Lexicon { weight: 2.0, terms: [("b".to_owned(), vec!["Neu".to_owned()])].into_iter().collect() };
    let with_lexicon = train(&data, &labels, &config).unwrap();
    assert_eq!(plain.vocabulary().id("neu"), None);
    // "neu" joins the vocabulary with count 2 for b: (2 + 1) / (1 + 2 + 3 · 1).
    let w = with_lexicon.term_weights(with_lexicon.vocabulary().id("neu").unwrap());
    assert!((w[1] - (3.0f64 / 6.0).ln()).abs() < 1e-12);
    assert_eq!(with_lexicon.labels()[scores(&with_lexicon, "neu", None).label], "b");
    config.lexicon.terms.insert("c".to_owned(), vec!["x".to_owned()]);
    assert!(train(&data, &labels, &config).unwrap_err().to_string().contains("lexicon label \"c\""));
}

#[test]
fn token_path_and_word_cache_path_give_the_same_vectors() {
    // The default settings (decompounding, an English model that stems) score through the
    // word cache; training counts the token path. Every seed paragraph (and every article of
    // the benchmark file) must get the same counts both ways, in the model of all the text and
    // in each language's model.
    let examples = seed_examples();
    let labels = sorted_labels(&examples);
    let model = train(&examples, &labels, &TrainConfig::default()).unwrap();
    let data = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../../shared/data/gnad-test.jsonl");
    let bench_articles: Vec<String> = if data.exists() {
        crate::data::read_examples(&data).unwrap().into_iter().map(|e| e.text).collect()
    } else {
        eprintln!("bench articles skipped: {} is not there", data.display());
        Vec::new()
    };
    let mut models = vec![&model];
    models.extend(model.routed_languages().into_iter().map(|lang| model.route(Some(lang))));
    assert!(models.len() > 1, "the seed paragraphs are in two languages");
    for m in models {
        let featurizer = m.featurizer();
        assert!(featurizer.words_only(), "the default settings take the word-cache path");
        for e in &examples {
            let cached = featurizer.counts(m.vocabulary(), &e.text, None);
            let tokens = m.vocabulary().vectorize(featurizer.tokens(&e.text, None));
            assert_eq!(cached, tokens, "{:?}", e.text);
        }
        // Twice: the second time every word comes from the cache.
        for e in &examples {
            assert_eq!(
                featurizer.counts(m.vocabulary(), &e.text, None),
                m.vocabulary().vectorize(featurizer.tokens(&e.text, None))
            );
        }
        // Text that turns out not to be Latin after some words were queued, words longer than
        // the packed keys, and fewer and more words than the lookahead.
        let long = examples.iter().map(|e| e.text.as_str()).max_by_key(|t| t.len()).unwrap();
        for text in [
            format!("{long} Кибербезопасность"),
            "Cybersicherheitsstrategie Informationssicherheitsmanagement".to_owned(),
            "Cyberangriffe".to_owned(),
            long.replace(' ', "  "),
        ] {
            assert_eq!(
                featurizer.counts(m.vocabulary(), &text, None),
                m.vocabulary().vectorize(featurizer.tokens(&text, None)),
                "{text:?}"
            );
        }
        // The news articles the benchmark file is made of, where `../shared/data` is there.
        for text in &bench_articles {
            assert_eq!(
                featurizer.counts(m.vocabulary(), text, None),
                m.vocabulary().vectorize(featurizer.tokens(text, None)),
                "{text:?}"
            );
        }
    }
}

/// The scores of a text labeled on its own (every label path goes through `Model::label_all`).
fn scores(model: &Model, text: &str, section: Option<&str>) -> crate::Prediction {
    model.label_one(text, section).scored.expect("a scored paragraph").0
}
