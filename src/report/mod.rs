//! `paratopic report`: one self-contained HTML page about a labeled run.
//!
//! Records come in one at a time ([`Builder::add`]), from a JSONL file (`paratopic report`),
//! from `classify --report` as the records are produced, or from the cross-validation of
//! `paratopic eval --report`. The builder keeps only what the page shows (counts, histograms,
//! the least confident paragraphs, the cells of the first documents' strips), so memory stays
//! small whatever the run; [`Builder::finish`] turns it into a [`Report`] that `html` renders.
//! The same records always give the same bytes: no clock, no hash-map order, fixed decimals.

mod escape;
mod gold;
mod html;
mod page;
mod svg;

use std::cmp::Ordering;
use std::collections::{BTreeMap, BinaryHeap, HashMap};
use std::io::{BufRead, Write};
use std::path::{Path, PathBuf};

use anyhow::{Context, Result};
use paratopic_classifier::metrics::Confusion;
use paratopic_classifier::Model;
use paratopic_ingest::Kind;

use serde::Deserialize;

use crate::destination::Destination;
use crate::tally::Tally;
use paratopic_record::round;

pub use gold::Gold;
pub use page::{
    cut, DocCounts, Evaluation, Least, Part, Report, Strip, StripCell, HIST_BINS, LEAST_CONFIDENT, MAX_CELLS,
    MAX_STRIPS, NO_TOPIC,
};

/// Indicative terms listed per label.
pub const TERMS: usize = 12;
/// Characters of text kept for a hover or a table row.
const TIP_CHARS: usize = 220;
const TABLE_CHARS: usize = 400;

/// What the report needs of one labeled paragraph.
#[derive(Debug, Clone)]
pub struct Row {
    pub doc: String,
    pub id: Option<String>,
    pub paragraph: usize,
    pub kind: Kind,
    pub section: Option<String>,
    /// The text, cut to what the page can show.
    pub text: String,
    pub label: Option<String>,
    pub confidence: Option<f64>,
    pub decision: String,
    /// Probability per label, as the record lists them.
    pub scores: Vec<(String, f64)>,
}

impl Row {
    /// The report's view of a record `classify` has just produced.
    pub fn from_record(r: &paratopic_record::Record<'_>) -> Self {
        Row {
            doc: r.doc.to_owned(),
            id: r.id.map(str::to_owned),
            paragraph: r.paragraph,
            kind: r.kind,
            section: r.section.map(|s| cut(s, TABLE_CHARS)),
            text: cut(r.text, TABLE_CHARS),
            label: r.label.map(str::to_owned),
            // Rounded as the records are, so that the page is the one `report` makes of them.
            confidence: r.confidence.map(round),
            decision: r.decision.as_str().to_owned(),
            scores: r
                .scores
                .as_ref()
                .map(|s| s.labels.iter().cloned().zip(s.values.iter().map(|&v| round(v))).collect())
                .unwrap_or_default(),
        }
    }
}

/// A record line as `classify` writes it; fields the report does not use are ignored.
#[derive(Deserialize)]
struct RecordLine {
    doc: String,
    #[serde(default)]
    id: Option<String>,
    paragraph: usize,
    kind: String,
    #[serde(default)]
    section: Option<String>,
    text: String,
    label: Option<String>,
    #[serde(default)]
    confidence: Option<f64>,
    #[serde(default)]
    decision: Option<String>,
    #[serde(default)]
    scores: Option<BTreeMap<String, f64>>,
}

impl RecordLine {
    fn into_row(self) -> Result<Row, String> {
        let kind = Kind::from_name(&self.kind).ok_or_else(|| {
            format!("unknown kind {:?} (expected heading, body, list_item, reference or footnote)", self.kind)
        })?;
        if let Some(c) = self.confidence.filter(|c| !(0.0..=1.0).contains(c)) {
            return Err(format!("confidence {c} is not a probability"));
        }
        Ok(Row {
            doc: self.doc,
            id: self.id,
            paragraph: self.paragraph,
            kind,
            section: self.section.map(|s| cut(&s, TABLE_CHARS)),
            text: cut(&self.text, TABLE_CHARS),
            label: self.label,
            confidence: self.confidence,
            decision: self.decision.unwrap_or_else(|| "model".to_owned()),
            scores: self.scores.map(|s| s.into_iter().collect()).unwrap_or_default(),
        })
    }
}

/// A text cut to what the page shows of it.
pub fn page_text(s: &str) -> String {
    cut(s, TABLE_CHARS)
}

/// What the page shows besides the records.
pub struct Settings<'a> {
    /// What the page is about (the input file, "classify …", "cross-validation of …").
    pub source: String,
    /// The model whose label order and indicative terms the page uses.
    pub model: Option<&'a Model>,
    /// What the page calls that model ("the built-in model", its file).
    pub model_name: String,
    /// A note on the evaluation section (how the predictions were made).
    pub evaluation_title: String,
}

/// `classify --report FILE`: the page of the run, built as the records are produced.
pub struct RunReport {
    pub path: PathBuf,
    /// The model file (none: the built-in model).
    pub model: Option<PathBuf>,
}

impl RunReport {
    /// Writes the page of `classify INPUTS`.
    pub fn write(&self, model: &Model, inputs: &[PathBuf], builder: Builder) -> Result<()> {
        let names: Vec<String> = inputs.iter().map(|p| p.display().to_string()).collect();
        let settings = Settings {
            source: format!("paratopic classify {}", names.join(" ")),
            model: Some(model),
            model_name: model_name(self.model.as_deref()),
            evaluation_title: String::new(),
        };
        write(&self.path, &builder.finish(&settings))
    }
}

/// One strip cell before binning: a paragraph.
#[derive(Debug, Clone)]
struct Cell {
    paragraph: usize,
    label: Option<usize>,
    confidence: Option<f32>,
    kind: Kind,
    /// The hover text, kept while the document is short enough for a cell per paragraph.
    tip: Option<Box<str>>,
    /// The heading text of a heading (for bins).
    heading: Option<Box<str>>,
}

/// Counts of one document, and the cells of its strip when it has one.
#[derive(Debug)]
struct DocAgg {
    name: String,
    tally: Tally,
    cells: Vec<Cell>,
    has_strip: bool,
}

/// Whether the page draws a strip per document.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Strips {
    /// Documents of a run.
    Draw,
    /// Cross-validation: the "document" is the training file, whose order means nothing.
    Skip,
}

/// Collects records into what the page shows.
pub struct Builder {
    labels: Vec<String>,
    model_labels: usize,
    docs: Vec<DocAgg>,
    /// Document name → index (lookups only; the page follows `docs`).
    doc_index: HashMap<String, usize>,
    records: usize,
    /// Content paragraphs labeled by the model, per label: confidence histogram.
    hist: Vec<[usize; HIST_BINS]>,
    /// Content paragraphs with a label but no confidence (no evidence, low confidence).
    unscored: usize,
    least: BinaryHeap<Least>,
    gold: Option<Gold>,
    /// (gold label, predicted label or none) → paragraphs.
    pairs: BTreeMap<(usize, Option<usize>), usize>,
    strips: Strips,
}

impl Builder {
    /// A builder over the model's labels (in its order).
    pub fn new(model_labels: &[String], strips: Strips) -> Self {
        Builder {
            labels: model_labels.to_vec(),
            model_labels: model_labels.len(),
            docs: Vec::new(),
            doc_index: HashMap::new(),
            records: 0,
            hist: vec![[0; HIST_BINS]; model_labels.len()],
            unscored: 0,
            least: BinaryHeap::new(),
            gold: None,
            pairs: BTreeMap::new(),
            strips,
        }
    }

    /// Compares every record with these gold labels.
    pub fn with_gold(mut self, gold: Gold) -> Self {
        self.gold = Some(gold);
        self
    }

    /// The index of a label, appended when the model does not have it.
    fn label_index(&mut self, label: &str) -> usize {
        match self.labels.iter().position(|l| l == label) {
            Some(i) => i,
            None => {
                self.labels.push(label.to_owned());
                self.hist.push([0; HIST_BINS]);
                self.labels.len() - 1
            }
        }
    }

    /// Adds one record; its gold label comes from the gold file, if one was given.
    pub fn add(&mut self, row: Row) {
        let gold = self.gold.as_mut().and_then(|g| g.take(row.id.as_deref(), &row.doc, row.paragraph));
        self.add_with_gold(row, gold.as_deref());
    }

    /// Adds one record with its gold label (cross-validation knows it directly).
    pub fn add_with_gold(&mut self, row: Row, gold: Option<&str>) {
        let seq = self.records;
        self.records += 1;
        let label = row.label.as_deref().map(|l| self.label_index(l));
        for (name, _) in &row.scores {
            self.label_index(name);
        }
        if let Some(g) = gold {
            let g = self.label_index(g);
            *self.pairs.entry((g, label)).or_default() += 1;
        }
        let d = match self.doc_index.get(&row.doc) {
            Some(&d) => d,
            None => {
                let has_strip = self.strips == Strips::Draw && self.docs.len() < MAX_STRIPS;
                self.docs.push(DocAgg { name: row.doc.clone(), tally: Tally::default(), cells: Vec::new(), has_strip });
                self.doc_index.insert(row.doc.clone(), self.docs.len() - 1);
                self.docs.len() - 1
            }
        };
        let content = row.kind.is_content();
        self.docs[d].tally.add(row.kind, label);
        if let (true, Some(l)) = (content, label) {
            match row.confidence {
                Some(c) => self.hist[l][((c * HIST_BINS as f64) as usize).min(HIST_BINS - 1)] += 1,
                None => self.unscored += 1,
            }
        }
        if let (true, Some(l), Some(c)) = (content, label, row.confidence) {
            self.consider_for_review(&row, l, c, seq);
        }
        if self.docs[d].has_strip {
            let keep_tip = self.docs[d].cells.len() < MAX_CELLS;
            let tip = keep_tip.then(|| self.tip(&row).into_boxed_str());
            let doc = &mut self.docs[d];
            if doc.cells.len() == MAX_CELLS {
                // Too long for a cell per paragraph: the strip will show bins, without texts
                // (dropped once, when the document outgrows the cells).
                doc.cells.iter_mut().for_each(|c| c.tip = None);
            }
            doc.cells.push(Cell {
                paragraph: row.paragraph,
                label,
                confidence: row.confidence.map(|c| c as f32),
                kind: row.kind,
                tip,
                heading: (row.kind == Kind::Heading).then(|| cut(&row.text, 80).into_boxed_str()),
            });
        }
    }

    fn consider_for_review(&mut self, row: &Row, label: usize, confidence: f64, seq: usize) {
        if self.least.len() >= LEAST_CONFIDENT
            && self.least.peek().is_some_and(|top| top.confidence.total_cmp(&confidence) != Ordering::Greater)
        {
            return;
        }
        let mut others: Vec<&(String, f64)> = row.scores.iter().filter(|(l, _)| *l != self.labels[label]).collect();
        others.sort_by(|a, b| b.1.total_cmp(&a.1).then(a.0.cmp(&b.0)));
        self.least.push(Least {
            confidence,
            seq,
            label: self.labels[label].clone(),
            second: others.first().map(|(l, p)| (l.clone(), *p)),
            doc: row.doc.clone(),
            paragraph: row.paragraph,
            section: row.section.clone(),
            text: row.text.clone(),
        });
        if self.least.len() > LEAST_CONFIDENT {
            self.least.pop();
        }
    }

    /// The hover text of a paragraph cell.
    fn tip(&self, row: &Row) -> String {
        let mut tip = format!("{} ¶{} · {}", row.doc, row.paragraph, row.kind.as_str());
        if let Some(s) = &row.section {
            tip.push_str(&format!("\nsection: {}", cut(s, 80)));
        }
        match (&row.label, row.confidence) {
            (Some(l), Some(c)) => tip.push_str(&format!("\n{l} · confidence {c:.2}")),
            (Some(l), None) => tip.push_str(&format!("\n{l} ({})", row.decision.replace('_', " "))),
            (None, _) => tip.push_str(&format!("\nno topic ({})", row.decision.replace('_', " "))),
        }
        if !row.scores.is_empty() {
            let mut scores: Vec<&(String, f64)> = row.scores.iter().collect();
            scores.sort_by(|a, b| b.1.total_cmp(&a.1).then(a.0.cmp(&b.0)));
            let top: Vec<String> = scores.iter().take(3).map(|(l, p)| format!("{l} {p:.2}")).collect();
            tip.push_str(&format!("\nscores: {}", top.join(" · ")));
        }
        tip.push('\n');
        tip.push_str(&cut(&row.text, TIP_CHARS));
        tip
    }

    /// The report, with the indicative terms of `settings.model`.
    pub fn finish(self, settings: &Settings<'_>) -> Report {
        let labels = self.labels;
        let mut docs = Vec::with_capacity(self.docs.len());
        let mut strips = Vec::new();
        for mut d in self.docs {
            d.tally.labels.resize(labels.len(), 0);
            if d.has_strip {
                d.cells.sort_by_key(|c| c.paragraph);
                strips.push(strip(&d.name, &d.cells, &labels));
            }
            docs.push(DocCounts { name: d.name, tally: d.tally });
        }
        let terms = labels
            .iter()
            .enumerate()
            .map(|(i, _)| match settings.model {
                Some(m) if i < m.labels().len() => Some(m.indicative_terms(i, TERMS)),
                _ => None,
            })
            .collect();
        let evaluation =
            self.gold.as_ref().map(|g| g.unmatched()).or(if self.pairs.is_empty() { None } else { Some(0) });
        let evaluation = evaluation.map(|unmatched| {
            let mut eval_labels = labels.clone();
            let no_prediction = self.pairs.keys().any(|(_, p)| p.is_none());
            if no_prediction {
                eval_labels.push(NO_TOPIC.to_owned());
            }
            let mut confusion = Confusion::new(&eval_labels);
            for (&(g, p), &n) in &self.pairs {
                for _ in 0..n {
                    confusion.add(g, p.unwrap_or(labels.len()));
                }
            }
            Evaluation { title: settings.evaluation_title.clone(), confusion, unmatched_gold: unmatched }
        });
        Report {
            source: settings.source.clone(),
            model_name: settings.model_name.clone(),
            model_labels: self.model_labels,
            records: self.records,
            docs,
            strips,
            hist: self.hist,
            unscored: self.unscored,
            least: self.least.into_sorted_vec(),
            terms,
            evaluation,
            labels,
        }
    }
}

/// How strongly a confidence is drawn: the chance level of `k` labels is pale, 1 is full.
fn strength(confidence: Option<f32>, k: usize) -> f64 {
    match confidence {
        None => 0.0,
        Some(c) => {
            let floor = 1.0 / k.max(2) as f64;
            ((c as f64 - floor) / (1.0 - floor)).clamp(0.0, 1.0)
        }
    }
}

fn strip(doc: &str, cells: &[Cell], labels: &[String]) -> Strip {
    let k = labels.len();
    let per_cell = cells.len().div_ceil(MAX_CELLS).max(1);
    let drawn = cells
        .chunks(per_cell)
        .map(|bin| {
            if let [c] = bin {
                return StripCell {
                    parts: vec![Part { label: c.label, share: 1.0, strength: strength(c.confidence, k) }],
                    heading: c.kind == Kind::Heading,
                    minor: !c.kind.is_content(),
                    tip: c.tip.as_deref().unwrap_or_default().to_owned(),
                };
            }
            // A run of paragraphs: its column is split by the topics of its content paragraphs
            // (of all its paragraphs when it has none), in label order, no topic last.
            let content: Vec<&Cell> = bin.iter().filter(|c| c.kind.is_content()).collect();
            let members: Vec<&Cell> = if content.is_empty() { bin.iter().collect() } else { content };
            let mut tally: BTreeMap<usize, (usize, f64)> = BTreeMap::new();
            for c in &members {
                let entry = tally.entry(c.label.unwrap_or(usize::MAX)).or_default();
                entry.0 += 1;
                entry.1 += strength(c.confidence, k);
            }
            let parts = tally
                .iter()
                .map(|(&l, &(n, sum))| Part {
                    label: (l != usize::MAX).then_some(l),
                    share: n as f64 / members.len() as f64,
                    strength: sum / n as f64,
                })
                .collect();
            let mix: Vec<String> = tally
                .iter()
                .map(|(&l, (n, _))| format!("{} {n}", labels.get(l).map_or(NO_TOPIC, String::as_str)))
                .collect();
            let first = bin.first().map_or(0, |c| c.paragraph);
            let last = bin.last().map_or(0, |c| c.paragraph);
            let mut tip = format!(
                "{doc} ¶{first}–{last} ({} paragraphs, {} content)\n{}",
                bin.len(),
                bin.iter().filter(|c| c.kind.is_content()).count(),
                mix.join(" · ")
            );
            let headings: Vec<&str> = bin.iter().filter_map(|c| c.heading.as_deref()).collect();
            if let Some(h) = headings.first() {
                tip.push_str(&format!("\nheading: {h}"));
                if headings.len() > 1 {
                    tip.push_str(&format!(" (+{} more)", headings.len() - 1));
                }
            }
            StripCell { parts, heading: !headings.is_empty(), minor: !bin.iter().any(|c| c.kind.is_content()), tip }
        })
        .collect();
    Strip { doc: doc.to_owned(), paragraphs: cells.len(), per_cell, cells: drawn }
}

impl Report {
    /// The page.
    pub fn to_html(&self) -> String {
        html::render(self)
    }
}

/// Writes the page: atomically to a regular file, directly to a pipe or device
/// ([`Destination`]).
pub fn write(path: &Path, report: &Report) -> Result<()> {
    let html = report.to_html();
    let file = Destination::create(path)?;
    let mut out = std::io::BufWriter::new(file.writer()?);
    out.write_all(html.as_bytes()).with_context(|| format!("{}", path.display()))?;
    out.flush().with_context(|| format!("{}", path.display()))?;
    drop(out);
    file.commit()
}

/// `paratopic report` options.
pub struct ReportOptions<'a> {
    pub input: &'a Path,
    pub output: &'a Path,
    pub gold: &'a [PathBuf],
    /// The model file (none: the built-in model).
    pub model: Option<&'a Path>,
}

/// `paratopic report`: reads the records (`-`: standard input), builds and writes the page.
pub fn run(model: &Model, opts: &ReportOptions<'_>) -> Result<()> {
    let mut builder = Builder::new(model.labels(), Strips::Draw);
    if !opts.gold.is_empty() {
        builder = builder.with_gold(Gold::read(opts.gold)?);
    }
    let name = opts.input.display().to_string();
    if let (Ok(a), Ok(b)) = (opts.input.canonicalize(), opts.output.canonicalize()) {
        if a == b {
            anyhow::bail!("{}: refusing to overwrite the records with the report", opts.output.display());
        }
    }
    let reader: Box<dyn BufRead> = if opts.input == Path::new("-") {
        Box::new(std::io::stdin().lock())
    } else {
        let file = std::fs::File::open(opts.input).with_context(|| name.clone())?;
        Box::new(std::io::BufReader::with_capacity(1 << 20, file))
    };
    read_records(reader, &name, &mut builder)?;
    if builder.records == 0 {
        anyhow::bail!("{name}: no records to report on");
    }
    let gold_note = if opts.gold.is_empty() {
        String::new()
    } else {
        opts.gold.iter().map(|p| p.display().to_string()).collect::<Vec<_>>().join(", ")
    };
    let settings = Settings {
        source: name.clone(),
        model: Some(model),
        model_name: model_name(opts.model),
        evaluation_title: format!("against the gold labels of {gold_note}"),
    };
    write(opts.output, &builder.finish(&settings))
}

/// What the page calls a model: its file, or the built-in one.
pub fn model_name(path: Option<&Path>) -> String {
    path.map_or_else(|| "the built-in model".to_owned(), |p| format!("the model {}", p.display()))
}

/// Feeds every JSONL record line to the builder; an invalid line is an error naming it.
fn read_records(reader: impl BufRead, name: &str, builder: &mut Builder) -> Result<()> {
    for line in paratopic_ingest::jsonl::read_lines(reader) {
        let (number, text) = line.with_context(|| name.to_owned())?;
        let record: RecordLine =
            serde_json::from_str(&text).map_err(|e| anyhow::anyhow!("{name}:{number}: not a paratopic record: {e}"))?;
        let row = record.into_row().map_err(|e| anyhow::anyhow!("{name}:{number}: {e}"))?;
        builder.add(row);
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn row(doc: &str, paragraph: usize, kind: Kind, label: Option<&str>, confidence: Option<f64>) -> Row {
        Row {
            doc: doc.to_owned(),
            id: None,
            paragraph,
            kind,
            section: None,
            text: format!("text {paragraph}"),
            label: label.map(str::to_owned),
            confidence,
            decision: "model".to_owned(),
            scores: Vec::new(),
        }
    }

    fn labels() -> Vec<String> {
        vec!["a".to_owned(), "b".to_owned()]
    }

    #[test]
    fn counts_content_per_document_and_appends_unknown_labels() {
        let mut b = Builder::new(&labels(), Strips::Draw);
        b.add(row("d1", 0, Kind::Heading, Some("a"), Some(0.9)));
        b.add(row("d1", 1, Kind::Body, Some("b"), Some(0.6)));
        b.add(row("d2", 0, Kind::ListItem, Some("z"), Some(0.7)));
        b.add(row("d2", 1, Kind::Body, None, None));
        let r = b.finish(&Settings {
            source: "t".into(),
            model: None,
            model_name: String::new(),
            evaluation_title: String::new(),
        });
        assert_eq!(r.labels, ["a", "b", "z"]);
        assert_eq!(r.docs[0].tally.labels, [0, 1, 0]);
        assert_eq!((r.docs[0].tally.other_kinds, r.docs[0].tally.no_topic), (1, 0));
        assert_eq!(r.docs[1].tally.labels, [0, 0, 1]);
        assert_eq!(r.docs[1].tally.no_topic, 1);
        assert_eq!(r.hist[1][12], 1);
        assert_eq!(r.least.iter().map(|l| l.confidence).collect::<Vec<_>>(), [0.6, 0.7]);
        assert!(r.evaluation.is_none());
    }

    #[test]
    fn keeps_the_least_confident_content_paragraphs_in_order() {
        let mut b = Builder::new(&labels(), Strips::Skip);
        for i in 0..100 {
            let c = ((i * 37) % 100) as f64 / 100.0;
            b.add(row("d", i, Kind::Body, Some("a"), Some(c)));
            b.add(row("d", 1000 + i, Kind::Footnote, Some("a"), Some(0.0)));
        }
        let r = b.finish(&Settings {
            source: "t".into(),
            model: None,
            model_name: String::new(),
            evaluation_title: String::new(),
        });
        let got: Vec<f64> = r.least.iter().map(|l| l.confidence).collect();
        let want: Vec<f64> = (0..LEAST_CONFIDENT).map(|i| i as f64 / 100.0).collect();
        assert_eq!(got, want);
        assert!(r.strips.is_empty());
    }

    #[test]
    fn long_documents_are_binned() {
        let mut b = Builder::new(&labels(), Strips::Draw);
        for i in 0..(MAX_CELLS * 3 + 1) {
            let label = if i < 242 { "a" } else { "b" };
            b.add(row("d", i, if i % 50 == 0 { Kind::Heading } else { Kind::Body }, Some(label), Some(0.9)));
        }
        let r = b.finish(&Settings {
            source: "t".into(),
            model: None,
            model_name: String::new(),
            evaluation_title: String::new(),
        });
        let s = &r.strips[0];
        assert_eq!(s.per_cell, 4);
        assert_eq!(s.cells.len(), (MAX_CELLS * 3 + 1).div_ceil(4));
        let labels = |c: &StripCell| c.parts.iter().map(|p| (p.label, p.share)).collect::<Vec<_>>();
        assert_eq!(labels(&s.cells[0]), [(Some(0), 1.0)], "the heading is not content");
        assert_eq!(labels(s.cells.last().unwrap()), [(Some(1), 1.0)]);
        // The run across the change of topic: ¶240-241 (a), ¶242-243 (b).
        assert_eq!(labels(&s.cells[60]), [(Some(0), 0.5), (Some(1), 0.5)]);
        assert!(s.cells[0].heading && !s.cells[1].heading);
        assert!(s.cells[0].tip.contains("¶0–3 (4 paragraphs, 3 content)"), "{}", s.cells[0].tip);
    }

    #[test]
    fn gold_pairs_make_a_confusion_with_no_topic() {
        let mut b = Builder::new(&labels(), Strips::Skip);
        b.add_with_gold(row("d", 0, Kind::Body, Some("a"), Some(0.9)), Some("a"));
        b.add_with_gold(row("d", 1, Kind::Body, None, None), Some("b"));
        let r = b.finish(&Settings {
            source: "t".into(),
            model: None,
            model_name: String::new(),
            evaluation_title: String::new(),
        });
        let e = r.evaluation.unwrap();
        assert_eq!(e.confusion.labels(), ["a", "b", NO_TOPIC]);
        assert_eq!(e.confusion.counts()[1][2], 1);
        assert_eq!(e.confusion.per_label()[0].f1, 1.0);
    }

    #[test]
    fn cut_counts_characters() {
        assert_eq!(cut("Überblick", 4), "Über…");
        assert_eq!(cut("abc", 3), "abc");
    }
}
