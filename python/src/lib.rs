//! The `paratopic` Python package's native module, `paratopic._paratopic`: the library crates
//! (`paratopic-ingest`, `paratopic-classifier`) wrapped with PyO3, and nothing of its own.
//!
//! Paragraphs are labeled by [`Model::label_all`], the CLI's path, with the CLI's [`Rules`]
//! (languages identified over a batch as the CLI does over a JSONL file or a document), and
//! documents read by a [`DocumentStream`]. Batches run with the GIL released;
//! errors become Python exceptions in `error.rs`. The Python layer (`paratopic/__init__.py`)
//! adds NumPy label arrays and `classes_` on top.

mod error;
mod settings;

use std::path::PathBuf;

use numpy::ndarray::Array2;
use numpy::{IntoPyArray, PyArray1, PyArray2};
use paratopic_classifier::{Decision, Example, Labeled, Model, Rules};
use paratopic_ingest::{identify_in_context, Batch, DocumentStream, Format, InContext, Kind, Paragraph};
use paratopic_record::{Part, Record, Scores, Value, FIELDS};
use pyo3::exceptions::{PyTypeError, PyValueError};
use pyo3::prelude::*;
use pyo3::pybacked::PyBackedStr;
use pyo3::types::{PyBytes, PyDict, PyList, PyString};
use pyo3::IntoPyObjectExt;

use crate::error::{Error, ModelError};

/// The model built into the package, the same bytes as the CLI's default model.
static DEFAULT_MODEL: &[u8] = include_bytes!("../../models/default.model");

/// A trained paratopic model (the native half of `paratopic.Model`).
#[pyclass(frozen, name = "NativeModel", module = "paratopic._paratopic")]
struct NativeModel {
    model: Model,
}

/// The texts argument: a sequence of str (a list, a tuple, a NumPy array of str…), never one
/// str. Each text is kept as Python's own UTF-8 bytes, so the GIL can be released while they
/// are read.
fn texts_arg(texts: &Bound<'_, PyAny>) -> PyResult<Vec<PyBackedStr>> {
    if texts.is_instance_of::<PyString>() {
        return Err(PyTypeError::new_err("texts must be a sequence of str, not a str (wrap one text in a list)"));
    }
    let n = texts.len().map_err(|_| PyTypeError::new_err("texts must be a sequence of str"))?;
    let mut out = Vec::with_capacity(n);
    for (i, item) in texts.try_iter()?.enumerate() {
        let item = item?;
        let text = item.extract::<PyBackedStr>().map_err(|_| {
            let found = item.get_type().name().map(|n| n.to_string()).unwrap_or_else(|_| "?".to_owned());
            PyTypeError::new_err(format!("texts[{i}] must be a str, got {found}"))
        })?;
        out.push(text);
    }
    Ok(out)
}

/// The rules of `classify`, checked by the classifier as `--min-confidence` is.
fn rules(min_confidence: Option<f64>, any_language: bool) -> PyResult<Rules> {
    Rules::checked(min_confidence, any_language).map_err(|e| PyValueError::new_err(e.to_string()))
}

/// The rules of `predict` and `predict_proba`: every text scored by the model of its
/// language and none refused for it, so that every text has a label and a row of scores.
const SCORE_EVERY_TEXT: Rules = Rules { min_confidence: None, any_language: true };

/// Every text labeled as a unit of its own batch: the paragraphs of `classify`.
fn label_texts(model: &Model, texts: &[PyBackedStr], rules: &Rules) -> Vec<(InContext, Labeled)> {
    let paragraphs: Vec<(&str, Option<&str>)> = texts.iter().map(|t| (&**t, None)).collect();
    model.label_all(&paragraphs, rules)
}

/// A paragraph's record: where it stands in its document (`None` for a bare text), its
/// language, and its label (`None` when it is only read). The fields a function returns no
/// value for are left out of its dicts by their [`Part`].
fn record<'a>(
    labels: &'a [String],
    place: Option<(&'a str, Format, &'a Paragraph)>,
    text: &'a str,
    lang: Option<&'static str>,
    labeled: Option<Labeled>,
) -> Record<'a> {
    let (doc, format, p) = match place {
        Some((doc, format, p)) => (doc, Some(format), Some(p)),
        None => ("", None, None),
    };
    let labeled = labeled.as_ref();
    Record {
        doc,
        id: None,
        paragraph: p.map_or(0, |p| p.index),
        start: p.map_or(0, |p| p.start),
        end: p.map_or(text.len(), |p| p.end),
        kind: p.map_or(Kind::Body, |p| p.kind),
        format,
        page: p.and_then(|p| p.page),
        section: p.and_then(|p| p.section.as_deref()),
        text,
        lang,
        label: labeled.and_then(|l| l.label).map(|l| labels[l].as_str()),
        confidence: labeled.and_then(Labeled::confidence),
        decision: labeled.map_or(Decision::Model, |l| l.decision),
        evidence: labeled.and_then(Labeled::evidence),
        scores: labeled
            .and_then(|l| l.scored.as_ref())
            .map(|(p, _)| Scores { labels, values: p.probabilities.clone() }),
        explain: None,
    }
}

/// The fields of `parts` of a record as a dict, from the record's field table: the columns of
/// the CLI's CSV and Parquet output (no `explain`, which the package does not compute), with
/// probabilities as computed (the CLI's files round them to six decimals).
fn record_dict<'py>(py: Python<'py>, record: &Record<'_>, parts: &[Part]) -> PyResult<Bound<'py, PyDict>> {
    let dict = PyDict::new(py);
    for field in FIELDS.iter().filter(|f| f.written(false) && parts.contains(&f.part)) {
        let value = match (field.get)(record) {
            Value::Null => py.None().into_bound(py),
            Value::Str(s) => s.into_bound_py_any(py)?,
            Value::Count(n) => n.into_bound_py_any(py)?,
            Value::Probability(p) => p.into_bound_py_any(py)?,
            Value::Scores(scores) => {
                let dict = PyDict::new(py);
                for (label, value) in scores.labels.iter().zip(&scores.values) {
                    dict.set_item(label, value)?;
                }
                dict.into_any()
            }
            Value::Explain(pairs) => pairs.to_vec().into_bound_py_any(py)?,
        };
        dict.set_item(PyString::intern(py, field.name), value)?;
    }
    Ok(dict)
}

/// A document given to `read` or `classify_document`: a path, or the bytes of a file.
#[derive(FromPyObject)]
enum Source {
    /// The bytes of a document (a PDF, a web page… as read from a file or a Spark
    /// `binaryFile` row).
    Bytes(Vec<u8>),
    /// A path (str or os.PathLike).
    Path(PathBuf),
}

/// Reads a document of any supported format. Its id is `name` when given, else the file
/// name (as when a file is named to `paratopic classify`), else `-` for bytes; for bytes, the
/// format is told by the extension of `name`, else by the first bytes.
fn read_source(source: Source, name: Option<String>) -> Result<(String, Batch), Error> {
    let (source, path) = match source {
        Source::Path(path) => (paratopic_ingest::Source::Path(path.clone()), path),
        Source::Bytes(bytes) => {
            let path = PathBuf::from(name.as_deref().unwrap_or("-"));
            (paratopic_ingest::Source::Bytes { name: path.clone(), bytes }, path)
        }
    };
    let id = name.unwrap_or_else(|| {
        path.file_name().map_or_else(|| path.display().to_string(), |n| n.to_string_lossy().into_owned())
    });
    let batch = DocumentStream::open(id.as_str(), source)?.read_all()?;
    Ok((id, batch))
}

#[pymethods]
impl NativeModel {
    /// The model built into the package (the CLI's default model).
    #[staticmethod]
    fn default() -> PyResult<Self> {
        let model =
            Model::from_bytes(DEFAULT_MODEL).map_err(|error| Error::Format { origin: "the built-in model", error })?;
        Ok(Self { model })
    }

    /// Loads a model file written by `paratopic train` or `save`.
    #[staticmethod]
    fn load(py: Python<'_>, path: PathBuf) -> PyResult<Self> {
        let model = py.detach(|| Model::load(&path)).map_err(Error::from)?;
        Ok(Self { model })
    }

    /// A model from the bytes of a model file.
    #[staticmethod]
    fn from_bytes(py: Python<'_>, data: &[u8]) -> PyResult<Self> {
        let model =
            py.detach(|| Model::from_bytes(data)).map_err(|error| Error::Format { origin: "model bytes", error })?;
        Ok(Self { model })
    }

    /// The bytes of the model file.
    fn to_bytes<'py>(&self, py: Python<'py>) -> Bound<'py, PyBytes> {
        let bytes = py.detach(|| self.model.to_bytes());
        PyBytes::new(py, &bytes)
    }

    /// Writes the model file atomically (a temporary file renamed into place).
    fn save(&self, py: Python<'_>, path: PathBuf) -> PyResult<()> {
        Ok(py.detach(|| self.model.save(&path)).map_err(Error::from)?)
    }

    /// The labels, in score order.
    #[getter]
    fn labels(&self) -> Vec<String> {
        self.model.labels().to_vec()
    }

    /// The languages the model was trained on (ISO 639-1); empty when not known.
    #[getter]
    fn languages(&self) -> Vec<String> {
        self.model.languages().to_vec()
    }

    /// One dict per text: lang, label, confidence, decision, evidence, scores.
    #[pyo3(signature = (texts, min_confidence, any_language))]
    fn classify<'py>(
        &self,
        py: Python<'py>,
        texts: &Bound<'py, PyAny>,
        min_confidence: Option<f64>,
        any_language: bool,
    ) -> PyResult<Bound<'py, PyList>> {
        let rules = rules(min_confidence, any_language)?;
        let texts = texts_arg(texts)?;
        let labeled = py.detach(|| label_texts(&self.model, &texts, &rules));
        let out = PyList::empty(py);
        for (text, (lang, labeled)) in texts.iter().zip(labeled) {
            let record = record(self.model.labels(), None, text, lang.lang, Some(labeled));
            out.append(record_dict(py, &record, &[Part::Language, Part::Label])?)?;
        }
        Ok(out)
    }

    /// The index in `labels` of each text's label as `classify` gives it with
    /// [`SCORE_EVERY_TEXT`], as an int64 array; -1 for a text given no label.
    fn predict_indices<'py>(&self, py: Python<'py>, texts: &Bound<'py, PyAny>) -> PyResult<Bound<'py, PyArray1<i64>>> {
        let texts = texts_arg(texts)?;
        let indices: Vec<i64> = py.detach(|| {
            let labeled = label_texts(&self.model, &texts, &SCORE_EVERY_TEXT);
            labeled.into_iter().map(|(_, l)| l.label.map_or(-1, |label| label as i64)).collect()
        });
        Ok(indices.into_pyarray(py))
    }

    /// The probability of every label for every text: a float64 array (texts × labels), the
    /// `scores` of `classify` with [`SCORE_EVERY_TEXT`].
    fn predict_proba<'py>(&self, py: Python<'py>, texts: &Bound<'py, PyAny>) -> PyResult<Bound<'py, PyArray2<f64>>> {
        let texts = texts_arg(texts)?;
        let n_labels = self.model.labels().len();
        let table = py.detach(|| -> Result<Array2<f64>, Error> {
            let mut flat = Vec::with_capacity(texts.len() * n_labels);
            for (_, labeled) in label_texts(&self.model, &texts, &SCORE_EVERY_TEXT) {
                let (prediction, _) = labeled.scored.ok_or(Error::Internal("a text was not scored"))?;
                flat.extend(prediction.probabilities);
            }
            Array2::from_shape_vec((texts.len(), n_labels), flat)
                .map_err(|_| Error::Internal("a score row of the wrong length"))
        })?;
        Ok(table.into_pyarray(py))
    }

    /// The records of every paragraph of a document, labeled: the fields of the CLI's JSONL
    /// records.
    #[pyo3(signature = (source, name, min_confidence, any_language))]
    fn classify_document<'py>(
        &self,
        py: Python<'py>,
        source: Source,
        name: Option<String>,
        min_confidence: Option<f64>,
        any_language: bool,
    ) -> PyResult<Bound<'py, PyList>> {
        let rules = rules(min_confidence, any_language)?;
        let (doc, extracted, labeled) = py.detach(|| -> Result<_, Error> {
            let (doc, extracted) = read_source(source, name)?;
            let paragraphs: Vec<(&str, Option<&str>)> =
                extracted.paragraphs.iter().map(|p| (p.text.as_str(), p.section.as_deref())).collect();
            let labeled = self.model.label_all(&paragraphs, &rules);
            Ok((doc, extracted, labeled))
        })?;
        let out = PyList::empty(py);
        for (p, (lang, labeled)) in extracted.paragraphs.iter().zip(labeled) {
            let record =
                record(self.model.labels(), Some((&doc, extracted.format, p)), &p.text, lang.lang, Some(labeled));
            out.append(record_dict(py, &record, &[Part::Paragraph, Part::Language, Part::Label])?)?;
        }
        Ok(out)
    }
}

/// The paragraph records of a document of any supported format (text, PDF, HTML, Word,
/// OpenDocument): doc, paragraph, start, end, kind, format, page, section, text, lang.
#[pyfunction]
#[pyo3(signature = (source, name))]
fn read<'py>(py: Python<'py>, source: Source, name: Option<String>) -> PyResult<Bound<'py, PyList>> {
    let (doc, extracted, languages) = py.detach(|| -> Result<_, Error> {
        let (doc, extracted) = read_source(source, name)?;
        let texts: Vec<&str> = extracted.paragraphs.iter().map(|p| p.text.as_str()).collect();
        let languages = identify_in_context(&texts);
        Ok((doc, extracted, languages))
    })?;
    let out = PyList::empty(py);
    for (p, lang) in extracted.paragraphs.iter().zip(languages) {
        let record = record(&[], Some((&doc, extracted.format, p)), &p.text, lang.lang, None);
        out.append(record_dict(py, &record, &[Part::Paragraph, Part::Language])?)?;
    }
    Ok(out)
}

/// Trains a model on texts and their labels; `sections` (the heading above each text, or
/// None) feed `section_features`; `settings` are the CLI's training flags.
#[pyfunction]
#[pyo3(signature = (texts, labels, sections, settings))]
fn train(
    py: Python<'_>,
    texts: &Bound<'_, PyAny>,
    labels: &Bound<'_, PyAny>,
    sections: Option<&Bound<'_, PyAny>>,
    settings: Option<&Bound<'_, PyDict>>,
) -> PyResult<NativeModel> {
    let settings = settings::parse(settings)?;
    let texts = texts_arg(texts)?;
    let gold: Vec<String> = texts_arg(labels)
        .map_err(|e| PyTypeError::new_err(format!("labels: {}", e.value(py))))?
        .iter()
        .map(|l| l.to_string())
        .collect();
    if gold.len() != texts.len() {
        return Err(PyValueError::new_err(format!("got {} texts but {} labels", texts.len(), gold.len())));
    }
    let sections: Vec<Option<String>> = match sections {
        None => vec![None; texts.len()],
        Some(s) => s.extract().map_err(|_| PyTypeError::new_err("sections must be a sequence of str or None"))?,
    };
    if sections.len() != texts.len() {
        return Err(PyValueError::new_err(format!("got {} texts but {} sections", texts.len(), sections.len())));
    }
    let model = py.detach(move || {
        let examples: Vec<Example> = texts
            .iter()
            .zip(gold)
            .zip(sections)
            .map(|((text, label), section)| Example { text: text.to_string(), label, section })
            .collect();
        let labels = settings.labels.unwrap_or_else(|| paratopic_classifier::sorted_labels(&examples));
        paratopic_classifier::train(&examples, &labels, &settings.config)
    });
    Ok(NativeModel { model: model.map_err(Error::from)? })
}

/// The native module.
#[pymodule]
fn _paratopic(m: &Bound<'_, PyModule>) -> PyResult<()> {
    m.add_class::<NativeModel>()?;
    m.add_function(wrap_pyfunction!(read, m)?)?;
    m.add_function(wrap_pyfunction!(train, m)?)?;
    m.add("ModelError", m.py().get_type::<ModelError>())?;
    m.add("SETTINGS", settings::names().into_py_any(m.py())?)?;
    m.add("DEFAULT_MIN_CONFIDENCE", paratopic_classifier::DEFAULT_MIN_CONFIDENCE)?;
    Ok(())
}
