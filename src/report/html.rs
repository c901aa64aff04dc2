//! The report page: sections, tables, the style sheet and the hover script, all inline (no
//! network, no framework). Without the script the page still reads; it only adds the hover
//! box with each cell's text and scores.

use std::fmt::Write as _;

use super::escape::esc;
use super::page::{cut, DocCounts, Report, LEAST_CONFIDENT, MAX_CELLS, MAX_STRIPS, NO_TOPIC};
use super::svg::{self, class};
use crate::tally::Tally;

/// Above this many documents, the topic-mix rows and the strips scroll in a box of their own.
const SCROLL_ROWS: usize = 30;

/// A share in percent with one decimal (`–` for an empty total).
fn share(n: usize, total: usize) -> String {
    if total == 0 {
        "–".to_owned()
    } else {
        format!("{:.1}%", 100.0 * n as f64 / total as f64)
    }
}

fn plural(n: usize, one: &str, many: &str) -> String {
    format!("{n} {}", if n == 1 { one } else { many })
}

const STYLE: &str = r#"
body{font:14px/1.45 system-ui,-apple-system,"Segoe UI",Roboto,"Helvetica Neue",Arial,sans-serif;color:#222;background:#fff;margin:0 auto;max-width:1180px;padding:12px 24px 40px}
h1{font-size:22px;margin:10px 0 2px}
h2{font-size:17px;margin:30px 0 8px;padding-bottom:3px;border-bottom:1px solid #ddd}
p{margin:6px 0;max-width:900px}
.meta,.note,small{color:#555}
.note{font-size:13px}
table{border-collapse:collapse;margin:6px 0}
th,td{padding:3px 7px;text-align:left;vertical-align:top;border-bottom:1px solid #eee}
th{font-weight:600;border-bottom:1px solid #ccc;white-space:nowrap}
.n{text-align:right;font-variant-numeric:tabular-nums;white-space:nowrap}
td.n small{display:block;font-size:11px}
tr.all td{font-weight:600;background:#f6f6f6}
.doc{min-width:150px;max-width:260px;overflow-wrap:break-word}
.wide{overflow-x:auto}
table.many th,table.many td{font-size:12px;padding:3px 4px}
.sw{display:inline-block;width:11px;height:11px;border-radius:2px;vertical-align:-1px;margin-right:5px}
.legend{margin:8px 0;display:flex;flex-wrap:wrap;gap:4px 18px;font-size:13px}
.legend span{white-space:nowrap}
.key{display:flex;flex-wrap:wrap;gap:4px 18px;font-size:12px;color:#444;margin:4px 0 12px}
.key svg{vertical-align:middle;margin-right:4px}
.strips{overflow-x:auto}
.scroll{max-height:520px;overflow-y:auto;border:1px solid #e4e4e4;padding:0 4px}
.scroll.tall{max-height:760px}
.scroll thead th{position:sticky;top:0;background:#fff;z-index:1}
.st{margin:0 0 8px}
.st .name{font-size:13px;overflow-wrap:anywhere}
.st .name small{margin-left:8px}
svg{display:block;overflow:visible}
svg.bar{display:inline-block;vertical-align:middle}
.hd{fill:#222}
.ax{font-size:10px;fill:#555}
.hists{display:flex;flex-wrap:wrap;gap:14px 26px}
.hists figure{margin:0}
.hists figcaption{font-size:13px;margin-bottom:2px}
table.least td{font-size:13px}
table.least td.text{max-width:560px}
table.least td.sec{max-width:180px;font-size:12px;color:#555}
table.least td.lab{white-space:nowrap}
table.terms td{font-size:13px;white-space:nowrap}
table.heat td.n{min-width:54px;text-align:center}
table.heat td.diag{outline:2px solid #222;outline-offset:-2px}
table.heat td.miss{font-weight:700}
nav{font-size:13px;margin:4px 0}
nav a{color:#2a5d9f}
#tip{position:fixed;left:0;top:0;max-width:440px;background:#fff;border:1px solid #888;border-radius:3px;box-shadow:0 2px 8px rgba(0,0,0,.25);padding:6px 9px;font-size:12px;line-height:1.4;white-space:pre-line;pointer-events:none;z-index:10}
"#;

/// Shows the `data-tip` of the element under the pointer in one floating box.
const SCRIPT: &str = r#"
(function () {
  var tip = document.getElementById("tip");
  var shown = null;
  document.addEventListener("mousemove", function (e) {
    var t = e.target.closest ? e.target.closest("[data-tip]") : null;
    if (!t) { tip.hidden = true; shown = null; return; }
    if (t !== shown) { tip.textContent = t.getAttribute("data-tip"); shown = t; }
    tip.hidden = false;
    var x = e.clientX + 14, y = e.clientY + 14;
    if (x + tip.offsetWidth > window.innerWidth - 8) { x = Math.max(8, e.clientX - tip.offsetWidth - 14); }
    if (y + tip.offsetHeight > window.innerHeight - 8) { y = Math.max(8, e.clientY - tip.offsetHeight - 14); }
    tip.style.left = x + "px";
    tip.style.top = y + "px";
  });
  document.addEventListener("mouseleave", function () { tip.hidden = true; shown = null; });
})();
"#;

/// The whole page.
pub fn render(r: &Report) -> String {
    let mut page = String::with_capacity(64 * 1024 + r.strips.len() * MAX_CELLS * 200);
    let _ = write!(
        page,
        "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n\
         <meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n\
         <title>paratopic report: {}</title>\n<style>{STYLE}{}</style>\n</head>\n<body>\n",
        esc(&r.source),
        svg::palette_css(r.labels.len())
    );
    header(&mut page, r);
    mix(&mut page, r);
    // With gold labels, how good the labels are is the first question.
    if r.evaluation.is_some() {
        evaluation(&mut page, r);
    }
    if !r.strips.is_empty() {
        strips(&mut page, r);
    }
    histograms(&mut page, r);
    least(&mut page, r);
    terms(&mut page, r);
    let _ = write!(page, "<div id=\"tip\" hidden></div>\n<script>{SCRIPT}</script>\n</body>\n</html>\n");
    page
}

fn swatch(label: Option<usize>) -> String {
    format!(r#"<span class="sw {}"></span>"#, class(label))
}

fn label_name(r: &Report, label: Option<usize>) -> &str {
    label.map_or(NO_TOPIC, |i| r.labels[i].as_str())
}

fn header(page: &mut String, r: &Report) {
    let content: usize = r.docs.iter().map(|d| d.tally.content()).sum();
    let _ = write!(
        page,
        "<header>\n<h1>Topic report</h1>\n<p class=\"meta\">{} · {} ({} content: body text and list items) in {} · labels from {}</p>\n",
        esc(&r.source),
        plural(r.records, "paragraph", "paragraphs"),
        content,
        plural(r.docs.len(), "document", "documents"),
        esc(&r.model_name),
    );
    page.push_str("<nav>");
    let mut parts = vec![("mix", "topic mix")];
    if r.evaluation.is_some() {
        parts.push(("evaluation", "evaluation"));
    }
    if !r.strips.is_empty() {
        parts.push(("strips", "documents"));
    }
    parts.extend([("confidence", "confidence"), ("review", "to review"), ("terms", "terms")]);
    let links: Vec<String> = parts.iter().map(|(id, name)| format!("<a href=\"#{id}\">{name}</a>")).collect();
    page.push_str(&links.join(" · "));
    page.push_str("</nav>\n<div class=\"legend\" id=\"legend\">");
    for (i, l) in r.labels.iter().enumerate() {
        let _ = write!(page, "<span data-label=\"{}\">{}{}</span>", esc(l), swatch(Some(i)), esc(l));
    }
    let _ = writeln!(page, "<span data-label=\"{NO_TOPIC}\">{}{NO_TOPIC}</span></div>", swatch(None));
    let extra = r.labels.len() - r.model_labels;
    if extra > 0 {
        let _ = writeln!(
            page,
            "<p class=\"note\">{} not in the model's label set (found in the records or gold labels): {}.</p>",
            plural(extra, "label is", "labels are"),
            esc(&r.labels[r.model_labels..].join(", "))
        );
    }
    if svg::palette_repeats(r.labels.len()) {
        page.push_str(
            "<p class=\"note\">More labels than distinct colours: colours repeat after the 11th label.</p>\n",
        );
    }
    page.push_str("</header>\n");
}

/// Counts per label and no topic: one table row.
fn mix_row(page: &mut String, r: &Report, row_class: &str, name: &str, tally: &Tally) {
    let content = tally.content();
    let mut segments: Vec<(Option<usize>, usize, String)> = (0..r.labels.len())
        .map(|i| {
            let n = tally.labels.get(i).copied().unwrap_or(0);
            (Some(i), n, format!("{name}\n{}: {n} ({})", r.labels[i], share(n, content)))
        })
        .collect();
    let no_topic = tally.no_topic;
    segments.push((None, no_topic, format!("{name}\n{NO_TOPIC}: {no_topic} ({})", share(no_topic, content))));
    let _ = write!(
        page,
        "<tr{row_class}><td class=\"doc\">{}</td><td>{}</td>",
        esc(name),
        svg::stacked_bar(&segments, if r.labels.len() > 6 { 140.0 } else { 220.0 }, 14.0)
    );
    for (label, n, _) in &segments {
        let _ = write!(
            page,
            "<td class=\"n\" data-label=\"{}\">{n}<small>{}</small></td>",
            esc(label_name(r, *label)),
            share(*n, content)
        );
    }
    let other = tally.other_kinds;
    let _ = writeln!(page, "<td class=\"n content\">{content}</td><td class=\"n other\">{other}</td></tr>");
}

fn mix(page: &mut String, r: &Report) {
    page.push_str("<section id=\"mix\">\n<h2>Topic mix</h2>\n");
    page.push_str(
        "<p class=\"note\">Content paragraphs (body text and list items) per topic, with their share; headings, references \
         and footnotes are counted apart. Hover a bar for its numbers.</p>\n",
    );
    // Many documents scroll inside a box, so that the sections below stay near.
    // A wide label set makes a wide table: it scrolls sideways rather than losing columns.
    let boxed = r.docs.len() > SCROLL_ROWS;
    page.push_str(if boxed { "<div class=\"scroll\">" } else { "<div class=\"wide\">" });
    let many = if r.labels.len() > 6 { " many" } else { "" };
    let _ = write!(page, "<table class=\"mix{many}\" id=\"mix-table\">\n<thead><tr><th>document</th><th>mix</th>");
    for (i, l) in r.labels.iter().enumerate() {
        let _ = write!(page, "<th class=\"n\">{}{}</th>", swatch(Some(i)), esc(l));
    }
    let _ = write!(
        page,
        "<th class=\"n\">{}{NO_TOPIC}</th><th class=\"n\">content</th><th class=\"n\" data-tip=\"headings, references and footnotes\">headings etc.</th></tr></thead>\n<tbody>\n",
        swatch(None)
    );
    let sum = |docs: &[DocCounts]| {
        let mut all = Tally::new(r.labels.len());
        docs.iter().for_each(|d| all.merge(&d.tally));
        all
    };
    let all = if r.docs.len() == 1 { "all (1 document)".to_owned() } else { format!("all {} documents", r.docs.len()) };
    mix_row(page, r, " class=\"all\"", &all, &sum(&r.docs));
    let shown = r.docs.len().min(MAX_STRIPS);
    if r.docs.len() > 1 {
        for d in &r.docs[..shown] {
            mix_row(page, r, " class=\"d\"", &d.name, &d.tally);
        }
    }
    if r.docs.len() > shown {
        let name = format!("the other {} documents", r.docs.len() - shown);
        mix_row(page, r, " class=\"rest\"", &name, &sum(&r.docs[shown..]));
    }
    page.push_str("</tbody></table>\n</div>\n");
    if r.docs.len() > shown {
        let _ = writeln!(
            page,
            "<p class=\"note\">A row each for the first {shown} of {} documents (in input order); the rest are summed in the last row.</p>",
            r.docs.len()
        );
    }
    page.push_str("</section>\n");
}

/// A strip cell for the key (the geometry of `svg::strip`).
fn key_cell(label: Option<usize>, opacity: f64, heading: bool, short: bool) -> String {
    let (y, h) = if short { (20, 10) } else { (8, 22) };
    let mark = if heading { r#"<path class="hd" d="M0 0h6l-3 6z"/>"# } else { "" };
    format!(
        r#"<svg width="6" height="30" viewBox="0 0 6 30" style="display:inline-block">{mark}<rect y="{y}" width="6" height="{h}" class="{}" fill-opacity="{opacity:.2}"/></svg>"#,
        class(label)
    )
}

fn strips(page: &mut String, r: &Report) {
    page.push_str("<section id=\"strips\">\n<h2>Documents, paragraph by paragraph</h2>\n");
    page.push_str(
        "<p class=\"note\">Each cell is a paragraph, in document order, coloured by its topic and pale when the model is \
         unsure; hover a cell for its text and scores.</p>\n<div class=\"key\">",
    );
    let _ = writeln!(
        page,
        "<span>{}sure</span><span>{}unsure (or no evidence)</span><span>{}{NO_TOPIC}</span>\
         <span>{}section heading</span><span>{}reference or footnote</span></div>",
        key_cell(Some(0), 1.0, false, false),
        key_cell(Some(0), 0.25, false, false),
        key_cell(None, 1.0, false, false),
        key_cell(Some(0), 1.0, true, true),
        key_cell(Some(0), 1.0, false, true),
    );
    if r.strips.iter().any(|s| s.per_cell > 1) {
        let _ = writeln!(
            page,
            "<p class=\"note\">A document of more than {MAX_CELLS} paragraphs is drawn in {MAX_CELLS} cells or fewer, each \
             a run of paragraphs whose column is split by the topics of its content paragraphs; hover shows the counts.</p>"
        );
    }
    if r.docs.len() > r.strips.len() {
        let _ = writeln!(
            page,
            "<p class=\"note\">Strips for the first {} of {} documents (in input order); the topic mix above counts them all.</p>",
            r.strips.len(),
            r.docs.len()
        );
    }
    let boxed = if r.strips.len() > SCROLL_ROWS { " scroll tall" } else { "" };
    let _ = writeln!(page, "<div class=\"strips{boxed}\">");
    for s in &r.strips {
        let scale = if s.per_cell > 1 { format!(" · 1 cell = {} paragraphs", s.per_cell) } else { String::new() };
        let _ = writeln!(
            page,
            "<div class=\"st\" data-doc=\"{}\"><div class=\"name\">{}<small>{}{scale}</small></div>{}</div>",
            esc(&s.doc),
            esc(&s.doc),
            plural(s.paragraphs, "paragraph", "paragraphs"),
            svg::strip(s)
        );
    }
    page.push_str("</div>\n</section>\n");
}

fn histograms(page: &mut String, r: &Report) {
    page.push_str("<section id=\"confidence\">\n<h2>Confidence per topic</h2>\n");
    page.push_str(
        "<p class=\"note\">How sure the model was of the content paragraphs it gave each topic (calibrated probability \
         of the label). A topic whose mass sits to the left deserves a look.</p>\n<div class=\"hists\">\n",
    );
    for (i, l) in r.labels.iter().enumerate() {
        let n: usize = r.hist[i].iter().sum();
        let _ = writeln!(
            page,
            "<figure data-label=\"{}\"><figcaption>{}{} <small>{}</small></figcaption>{}</figure>",
            esc(l),
            swatch(Some(i)),
            esc(l),
            plural(n, "paragraph", "paragraphs"),
            svg::histogram(i, l, &r.hist[i])
        );
    }
    page.push_str("</div>\n");
    if r.unscored > 0 {
        let _ = writeln!(
            page,
            "<p class=\"note\">Not in the histograms: {} labeled without a confidence (no evidence, or below --min-confidence).</p>",
            plural(r.unscored, "content paragraph", "content paragraphs")
        );
    }
    page.push_str("</section>\n");
}

fn least(page: &mut String, r: &Report) {
    let _ =
        write!(page, "<section id=\"review\">\n<h2>The {LEAST_CONFIDENT} least confident content paragraphs</h2>\n");
    page.push_str(
        "<p class=\"note\">The paragraphs to review first: lowest confidence of the label the model chose, with the \
         runner-up.</p>\n",
    );
    if r.least.is_empty() {
        page.push_str("<p>No content paragraph was labeled with a confidence.</p>\n</section>\n");
        return;
    }
    page.push_str(
        "<table class=\"least\" id=\"least\">\n<thead><tr><th class=\"n\">#</th><th class=\"n\">confidence</th>\
         <th>label</th><th>runner-up</th><th>document</th><th>section</th><th>text</th></tr></thead>\n<tbody>\n",
    );
    for (i, l) in r.least.iter().enumerate() {
        let idx = r.labels.iter().position(|x| *x == l.label);
        let second = match &l.second {
            Some((s, p)) => {
                let si = r.labels.iter().position(|x| x == s);
                format!("{}{} <small>{p:.2}</small>", swatch(si), esc(s))
            }
            None => String::new(),
        };
        let _ = writeln!(
            page,
            "<tr><td class=\"n\">{}</td><td class=\"n conf\">{:.3}</td><td class=\"lab\" data-label=\"{}\">{}{}</td><td class=\"lab\">{second}</td>\
             <td class=\"doc\">{} <small>¶{}</small></td><td class=\"sec\">{}</td><td class=\"text\">{}</td></tr>",
            i + 1,
            l.confidence,
            esc(&l.label),
            swatch(idx),
            esc(&l.label),
            esc(&l.doc),
            l.paragraph,
            esc(&cut(l.section.as_deref().unwrap_or(""), 60)),
            esc(&l.text)
        );
    }
    page.push_str("</tbody></table>\n</section>\n");
}

fn terms(page: &mut String, r: &Report) {
    page.push_str("<section id=\"terms\">\n<h2>Most indicative terms per topic</h2>\n");
    if r.terms.iter().all(Option::is_none) {
        page.push_str(
            "<p class=\"note\">No model to explain: cross-validation trains one model per fold.</p>\n</section>\n",
        );
        return;
    }
    page.push_str(
        "<p class=\"note\">The model's terms with the largest margin for a topic over the strongest other topic (as \
         <code>paratopic explain --label</code> lists them); stemmed and lower-cased as the model sees them.</p>\n",
    );
    page.push_str("<table class=\"terms\" id=\"terms-table\">\n<thead><tr>");
    for (i, l) in r.labels.iter().enumerate() {
        let _ = write!(page, "<th data-label=\"{}\">{}{}</th>", esc(l), swatch(Some(i)), esc(l));
    }
    page.push_str("</tr></thead>\n<tbody>\n");
    let rows = r.terms.iter().flatten().map(Vec::len).max().unwrap_or(0);
    for row in 0..rows.max(1) {
        page.push_str("<tr>");
        for t in &r.terms {
            match t {
                None if row == 0 => page.push_str("<td><small>not in the model</small></td>"),
                Some(t) if row < t.len() => {
                    let (term, w) = &t[row];
                    let _ = write!(page, "<td>{} <small>{w:.2}</small></td>", esc(term));
                }
                _ => page.push_str("<td></td>"),
            }
        }
        page.push_str("</tr>\n");
    }
    page.push_str("</tbody></table>\n</section>\n");
}

fn evaluation(page: &mut String, r: &Report) {
    let Some(e) = &r.evaluation else { return };
    let c = &e.confusion;
    let _ = write!(
        page,
        "<section id=\"evaluation\">\n<h2>Evaluation</h2>\n<p class=\"meta\">{}: {} · accuracy <b id=\"accuracy\">{:.3}</b> · \
         macro-F1 <b id=\"macro-f1\">{:.3}</b> (over the labels with gold paragraphs)</p>\n",
        esc(&e.title),
        plural(c.total(), "paragraph with a gold label", "paragraphs with a gold label"),
        c.accuracy(),
        c.macro_f1()
    );
    if e.unmatched_gold > 0 {
        let _ = writeln!(
            page,
            "<p class=\"note\">{} matched no record (another segmentation, or documents not in this run).</p>",
            plural(e.unmatched_gold, "gold label", "gold labels")
        );
    }
    page.push_str(
        "<table class=\"prf\" id=\"prf\">\n<thead><tr><th>label</th><th class=\"n\">precision</th><th class=\"n\">recall</th>\
         <th class=\"n\">F1</th><th class=\"n\">support</th><th class=\"n\">predicted</th></tr></thead>\n<tbody>\n",
    );
    let counts = c.counts();
    for (i, s) in c.per_label().iter().enumerate() {
        let predicted: usize = counts.iter().map(|row| row[i]).sum();
        let idx = (i < r.labels.len()).then_some(i);
        let _ = writeln!(
            page,
            "<tr data-label=\"{}\"><td>{}{}</td><td class=\"n p\">{:.3}</td><td class=\"n r\">{:.3}</td><td class=\"n f1\">{:.3}</td>\
             <td class=\"n s\">{}</td><td class=\"n\">{predicted}</td></tr>",
            esc(&s.label),
            swatch(idx),
            esc(&s.label),
            s.precision,
            s.recall,
            s.f1,
            s.support
        );
    }
    page.push_str("</tbody></table>\n");
    page.push_str(
        "<p class=\"note\">Confusion matrix: rows are gold labels, columns predicted ones; the shade grows with the share \
         of the row (its square root, so that rare errors show), the diagonal (right) is outlined.</p>\n<table class=\"heat\" id=\"confusion\">\n<thead><tr><th>gold \\ predicted</th>",
    );
    for (i, l) in c.labels().iter().enumerate() {
        let idx = (i < r.labels.len()).then_some(i);
        let _ = write!(page, "<th class=\"n\">{}{}</th>", swatch(idx), esc(l));
    }
    page.push_str("<th class=\"n\">total</th></tr></thead>\n<tbody>\n");
    for (g, row) in counts.iter().enumerate() {
        let total: usize = row.iter().sum();
        let _ = write!(page, "<tr data-label=\"{}\"><th>{}</th>", esc(&c.labels()[g]), esc(&c.labels()[g]));
        for (p, &n) in row.iter().enumerate() {
            // The square root of the row share, so that a rare error still shows (1 in 100 is a
            // 0.1 shade), and bold counts off the diagonal.
            let part = if total == 0 { 0.0 } else { (n as f64 / total as f64).sqrt() };
            let ink = if part > 0.55 { "#fff" } else { "#222" };
            let diag = if g == p {
                " diag"
            } else if n > 0 {
                " miss"
            } else {
                ""
            };
            let _ = write!(
                page,
                "<td class=\"n{diag}\" style=\"background:rgba(68,119,170,{part:.2});color:{ink}\" data-tip=\"{}\">{n}</td>",
                esc(&format!("gold {} → predicted {}: {n} ({})", c.labels()[g], c.labels()[p], share(n, total)))
            );
        }
        let _ = writeln!(page, "<td class=\"n\">{total}</td></tr>");
    }
    page.push_str("</tbody></table>\n</section>\n");
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escapes_markup_and_quotes() {
        assert_eq!(esc("a<b>&\"c'\nd"), "a&lt;b&gt;&amp;&quot;c&#39;&#10;d");
    }

    #[test]
    fn shares_have_one_decimal() {
        assert_eq!(share(1, 3), "33.3%");
        assert_eq!(share(0, 0), "–");
    }
}
