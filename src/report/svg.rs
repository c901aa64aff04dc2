//! The drawings of the report as inline SVG: the palette, stacked bars, document strips and
//! confidence histograms. Coordinates have one decimal, so the same report gives the same
//! bytes.

use std::fmt::Write as _;

use super::escape::esc;
use super::page::{Part, Strip, HIST_BINS};

/// Paul Tol's colour-blind-safe schemes: "bright" for up to 6 labels, "muted" for up to 9, and
/// beyond that bright with the muted colours that no bright one resembles. A label's colour
/// is its place in the label order, the same in every part of the page.
const BRIGHT: [&str; 6] = ["#4477AA", "#EE6677", "#228833", "#CCBB44", "#66CCEE", "#AA3377"];
const MUTED: [&str; 9] =
    ["#CC6677", "#332288", "#DDCC77", "#117733", "#88CCEE", "#882255", "#44AA99", "#999933", "#AA4499"];
const EXTENDED: [&str; 11] = [
    "#4477AA", "#EE6677", "#228833", "#CCBB44", "#66CCEE", "#AA3377", "#332288", "#DDCC77", "#882255", "#999933",
    "#44AA99",
];
/// Paragraphs without a topic: Tol's neutral grey.
pub const GREY: &str = "#BBBBBB";

/// The palette for `labels` labels.
fn palette(labels: usize) -> &'static [&'static str] {
    match labels {
        0..=6 => &BRIGHT,
        7..=9 => &MUTED,
        _ => &EXTENDED,
    }
}

/// Whether the label set is larger than the palette, so that colours repeat (the page says so).
pub fn palette_repeats(labels: usize) -> bool {
    labels > EXTENDED.len()
}

/// The class of a label's colour (`None`: no topic); CSS gives it as fill and background.
pub fn class(label: Option<usize>) -> String {
    match label {
        Some(i) => format!("c{i}"),
        None => "cn".to_owned(),
    }
}

/// The colour classes of `n` labels and no topic.
pub fn palette_css(n: usize) -> String {
    let mut css = String::new();
    let colours = palette(n);
    for i in 0..n {
        let _ = write!(css, ".c{i}{{fill:{0};background:{0}}}", colours[i % colours.len()]);
    }
    let _ = write!(css, ".cn{{fill:{GREY};background:{GREY}}}");
    css
}

/// A horizontal bar of `width` × `height` px split by `segments` (label, count, hover text).
pub fn stacked_bar(segments: &[(Option<usize>, usize, String)], width: f64, height: f64) -> String {
    let total: usize = segments.iter().map(|s| s.1).sum();
    let mut svg = format!(
        r#"<svg class="bar" width="{width:.0}" height="{height:.0}" viewBox="0 0 {width:.0} {height:.0}" role="img">"#
    );
    if total == 0 {
        let _ = write!(svg, r##"<rect width="{width:.0}" height="{height:.0}" fill="none" stroke="#ccc"/>"##);
    }
    let mut x = 0.0;
    for (label, n, tip) in segments {
        if *n == 0 {
            continue;
        }
        let w = width * *n as f64 / total as f64;
        let _ = write!(
            svg,
            r#"<rect x="{x:.1}" width="{w:.1}" height="{height:.0}" class="{}" data-tip="{}"/>"#,
            class(*label),
            esc(tip)
        );
        x += w;
    }
    svg.push_str("</svg>");
    svg
}

/// Width of one strip cell and the gap after it.
const PITCH: f64 = 7.0;
const CELL: f64 = 6.0;
/// Heights: the heading mark above, the cells, a short cell (no content paragraph).
const MARK: f64 = 6.0;
const TALL: f64 = 22.0;
const SHORT: f64 = 10.0;

/// A document's strip: a cell per paragraph (or per bin) in document order, coloured by
/// topic, pale when unsure, short for headings, references and footnotes, headings marked
/// with a triangle above.
pub fn strip(s: &Strip) -> String {
    let width = (s.cells.len() as f64 * PITCH).max(PITCH);
    let height = MARK + 2.0 + TALL;
    let mut svg = format!(
        r#"<svg class="strip" width="{width:.0}" height="{height:.0}" viewBox="0 0 {width:.0} {height:.0}" role="img">"#
    );
    for (i, c) in s.cells.iter().enumerate() {
        let x = i as f64 * PITCH;
        if c.heading {
            let _ = write!(svg, r#"<path class="hd" d="M{x:.1} 0h{CELL:.0}l-{:.0} {MARK:.0}z"/>"#, CELL / 2.0);
        }
        let (y, h) = if c.minor { (MARK + 2.0 + TALL - SHORT, SHORT) } else { (MARK + 2.0, TALL) };
        let opacity = |p: &Part| if p.label.is_some() { 0.25 + 0.75 * p.strength } else { 1.0 };
        if let [p] = c.parts.as_slice() {
            let _ = write!(
                svg,
                r#"<rect x="{x:.1}" y="{y:.0}" width="{CELL:.0}" height="{h:.0}" class="{}" fill-opacity="{:.2}" data-tip="{}"/>"#,
                class(p.label),
                opacity(p),
                esc(&c.tip)
            );
            continue;
        }
        // A run of paragraphs: its topics stacked from the bottom, in label order.
        let _ = write!(svg, r#"<g data-tip="{}">"#, esc(&c.tip));
        let mut bottom = y + h;
        for p in &c.parts {
            let part_h = h * p.share;
            bottom -= part_h;
            let _ = write!(
                svg,
                r#"<rect x="{x:.1}" y="{bottom:.1}" width="{CELL:.0}" height="{part_h:.1}" class="{}" fill-opacity="{:.2}"/>"#,
                class(p.label),
                opacity(p)
            );
        }
        svg.push_str("</g>");
    }
    svg.push_str("</svg>");
    svg
}

/// Histogram geometry.
const H_WIDTH: f64 = 200.0;
const H_HEIGHT: f64 = 96.0;
const H_LEFT: f64 = 28.0;
const H_TOP: f64 = 6.0;
const H_PLOT: f64 = 64.0;

/// The confidence histogram of one label: bars over 0–1 in [`HIST_BINS`] bins.
pub fn histogram(label: usize, name: &str, counts: &[usize; HIST_BINS]) -> String {
    let max = counts.iter().copied().max().unwrap_or(0).max(1);
    let plot_w = H_WIDTH - H_LEFT - 4.0;
    let bin_w = plot_w / HIST_BINS as f64;
    let base = H_TOP + H_PLOT;
    let mut svg = format!(
        r#"<svg class="hist" width="{H_WIDTH:.0}" height="{H_HEIGHT:.0}" viewBox="0 0 {H_WIDTH:.0} {H_HEIGHT:.0}" role="img">"#
    );
    // Axes and their numbers: the largest bin on the left, 0, 0.5 and 1 below.
    let _ = write!(
        svg,
        r##"<path d="M{H_LEFT:.0} {H_TOP:.0}V{base:.0}H{:.0}" fill="none" stroke="#999"/><text x="{:.0}" y="{:.0}" class="ax" text-anchor="end">{max}</text><text x="{:.0}" y="{:.0}" class="ax" text-anchor="end">0</text>"##,
        H_WIDTH - 4.0,
        H_LEFT - 3.0,
        H_TOP + 8.0,
        H_LEFT - 3.0,
        base,
    );
    for (v, anchor) in [(0.0, "start"), (0.5, "middle"), (1.0, "end")] {
        let x = H_LEFT + v * plot_w;
        let _ = write!(svg, r#"<text x="{x:.1}" y="{:.0}" class="ax" text-anchor="{anchor}">{v}</text>"#, base + 13.0);
    }
    let _ = write!(
        svg,
        r#"<text x="{:.1}" y="{:.0}" class="ax" text-anchor="middle">confidence</text>"#,
        H_LEFT + plot_w / 2.0,
        base + 25.0
    );
    for (i, &n) in counts.iter().enumerate() {
        if n == 0 {
            continue;
        }
        let h = (H_PLOT * n as f64 / max as f64).max(1.0);
        let lo = i as f64 / HIST_BINS as f64;
        let hi = (i + 1) as f64 / HIST_BINS as f64;
        let _ = write!(
            svg,
            r#"<rect x="{:.1}" y="{:.1}" width="{:.1}" height="{h:.1}" class="{}" data-tip="{}"/>"#,
            H_LEFT + i as f64 * bin_w + 0.5,
            base - h,
            bin_w - 1.0,
            class(Some(label)),
            esc(&format!("{name}: confidence {lo:.2}–{hi:.2}: {n} paragraph{}", if n == 1 { "" } else { "s" }))
        );
    }
    svg.push_str("</svg>");
    svg
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::report::page::StripCell;

    #[test]
    fn strip_draws_a_cell_per_entry_and_marks_headings() {
        let cell = |label, heading, minor| StripCell {
            parts: vec![Part { label, share: 1.0, strength: 1.0 }],
            heading,
            minor,
            tip: "t<".to_owned(),
        };
        let s = Strip {
            doc: "d".to_owned(),
            paragraphs: 3,
            per_cell: 1,
            cells: vec![cell(Some(0), true, true), cell(Some(1), false, false), cell(None, false, false)],
        };
        let svg = strip(&s);
        assert_eq!(svg.matches("<rect").count(), 3);
        assert_eq!(svg.matches(r#"class="hd""#).count(), 1);
        assert!(svg.contains(r#"class="cn""#) && svg.contains("t&lt;"));
        assert!(svg.contains(r#"x="0.0" y="20" width="6" height="10""#), "the heading is short: {svg}");
        assert!(svg.contains(r#"x="7.0" y="8" width="6" height="22""#), "body text is tall: {svg}");
        let run = Strip {
            doc: "d".to_owned(),
            paragraphs: 4,
            per_cell: 4,
            cells: vec![StripCell {
                parts: vec![
                    Part { label: Some(0), share: 0.75, strength: 1.0 },
                    Part { label: None, share: 0.25, strength: 0.0 },
                ],
                heading: false,
                minor: false,
                tip: "run".to_owned(),
            }],
        };
        let svg = strip(&run);
        assert!(
            svg.contains(r#"<g data-tip="run"><rect x="0.0" y="13.5" width="6" height="16.5" class="c0""#),
            "{svg}"
        );
        assert!(svg.contains(r#"y="8.0" width="6" height="5.5" class="cn""#), "{svg}");
    }

    #[test]
    fn every_label_of_a_set_gets_its_own_colour() {
        for n in [1, 5, 6, 7, 9, 10, 11] {
            let css = palette_css(n);
            let mut colours: Vec<&str> = css.split("fill:").skip(1).map(|c| &c[..7]).collect();
            colours.pop(); // no topic
            assert_eq!(colours.len(), n);
            colours.sort_unstable();
            colours.dedup();
            assert_eq!(colours.len(), n, "{css}");
            assert!(!colours.contains(&GREY));
        }
        assert!(palette_css(5).starts_with(".c0{fill:#4477AA"));
        assert!(!palette_repeats(11) && palette_repeats(12));
    }

    #[test]
    fn bar_segments_are_proportional() {
        let svg = stacked_bar(&[(Some(0), 1, "a".into()), (None, 3, "n".into())], 100.0, 10.0);
        assert!(svg.contains(r#"x="0.0" width="25.0""#) && svg.contains(r#"x="25.0" width="75.0""#), "{svg}");
    }
}
