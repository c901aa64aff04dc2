//! What a damaged PDF needs before `pdf-extract` may read it: a cross-reference table built
//! anew from the objects in the file when the file's own is broken (a wrong `startxref`,
//! malformed entries, padding after `%%EOF`), as poppler and qpdf rebuild it; and the check
//! that no form draws itself: that would recurse until the stack overflows, a crash no
//! `catch_unwind` can stop.

use std::collections::{BTreeMap, HashMap, HashSet};

use pdf_extract::{Dictionary, Document, Object, ObjectId};

/// The largest object number a PDF may use (ISO 32000-1, annex C); higher ones are damage.
const MAX_OBJECT_NUMBER: u32 = 8_388_607;

/// The file with a new cross-reference table and trailer appended, made from every
/// `N G obj` header in it (a later object of the same number wins, as in an incremental
/// update), or `None` when no catalog can be found.
pub(super) fn rebuild_xref(bytes: &[u8]) -> Option<Vec<u8>> {
    let mut offsets: BTreeMap<u32, (u16, usize)> = BTreeMap::new();
    let mut at = 0;
    while let Some(found) = find(&bytes[at..], b"obj").map(|i| i + at) {
        at = found + 3;
        if let Some((number, generation, start)) = object_header(bytes, found) {
            if number <= MAX_OBJECT_NUMBER {
                offsets.insert(number, (generation, start));
            }
        }
    }
    let root = last_reference(bytes, b"/Root").or_else(|| catalog(bytes, &offsets))?;
    let size = offsets.keys().next_back().map_or(1, |n| n + 1);
    let mut out = bytes.to_vec();
    while out.last().is_some_and(|b| *b == 0) {
        out.pop();
    }
    out.extend_from_slice(b"\n");
    let xref = out.len();
    // One subsection per run of consecutive object numbers: the table is as long as the
    // objects found, whatever their numbers.
    out.extend_from_slice(b"xref\n0 1\n0000000000 65535 f\r\n");
    let numbers: Vec<u32> = offsets.keys().copied().filter(|n| *n > 0).collect();
    for run in numbers.chunk_by(|a, b| b - a == 1) {
        out.extend_from_slice(format!("{} {}\n", run[0], run.len()).as_bytes());
        for number in run {
            let (generation, start) = offsets[number];
            out.extend_from_slice(format!("{start:010} {generation:05} n\r\n").as_bytes());
        }
    }
    let mut trailer = format!("trailer\n<< /Size {size} /Root {} {} R", root.0, root.1);
    for key in [&b"/Info"[..], b"/Encrypt"] {
        if let Some((n, g)) = last_reference(bytes, key) {
            trailer.push_str(&format!(" {} {n} {g} R", String::from_utf8_lossy(key)));
        }
    }
    if let Some(id) = last_id(bytes) {
        trailer.push_str(&format!(" /ID {id}"));
    }
    trailer.push_str(&format!(" >>\nstartxref\n{xref}\n%%EOF\n"));
    out.extend_from_slice(trailer.as_bytes());
    Some(out)
}

fn find(haystack: &[u8], needle: &[u8]) -> Option<usize> {
    haystack.windows(needle.len()).position(|w| w == needle)
}

/// `12 0 obj` ending at `obj_at`, at the start of a line: its number, generation and offset.
fn object_header(bytes: &[u8], obj_at: usize) -> Option<(u32, u16, usize)> {
    let before = &bytes[..obj_at];
    let mut i = before.len();
    let mut fields = Vec::new();
    for _ in 0..2 {
        while i > 0 && before[i - 1].is_ascii_whitespace() {
            i -= 1;
        }
        let end = i;
        while i > 0 && before[i - 1].is_ascii_digit() {
            i -= 1;
        }
        if i == end || end - i > 10 {
            return None;
        }
        fields.push(std::str::from_utf8(&before[i..end]).ok()?);
    }
    if i > 0 && !matches!(before[i - 1], b'\n' | b'\r' | b' ' | b'>') {
        return None;
    }
    Some((fields[1].parse().ok()?, fields[0].parse().ok()?, i))
}

/// The last `KEY N G R` in the file.
fn last_reference(bytes: &[u8], key: &[u8]) -> Option<(u32, u16)> {
    let mut found = None;
    let mut at = 0;
    while let Some(i) = find(&bytes[at..], key).map(|i| i + at) {
        at = i + key.len();
        let rest = &bytes[at..bytes.len().min(at + 32)];
        let text = String::from_utf8_lossy(rest);
        let mut words = text.split_whitespace();
        if let (Some(n), Some(g), Some(r)) = (words.next(), words.next(), words.next()) {
            if let (Ok(n), Ok(g), true) = (n.parse(), g.parse(), r.starts_with('R')) {
                found = Some((n, g));
            }
        }
    }
    found
}

/// The object that says it is the catalog, when no trailer names it.
fn catalog(bytes: &[u8], offsets: &BTreeMap<u32, (u16, usize)>) -> Option<(u32, u16)> {
    offsets.iter().find_map(|(number, (generation, start))| {
        let body = &bytes[*start..bytes.len().min(start + 512)];
        let end = find(body, b"endobj").unwrap_or(body.len());
        let body = &body[..end];
        (find(body, b"/Type/Catalog").is_some() || find(body, b"/Type /Catalog").is_some())
            .then_some((*number, *generation))
    })
}

/// The last `/ID [<…><…>]` of the file, which decryption needs.
fn last_id(bytes: &[u8]) -> Option<String> {
    let mut found = None;
    let mut at = 0;
    while let Some(i) = find(&bytes[at..], b"/ID").map(|i| i + at) {
        at = i + 3;
        let rest = &bytes[at..bytes.len().min(at + 200)];
        let open = rest.iter().position(|b| !b.is_ascii_whitespace())?;
        if rest[open] != b'[' {
            continue;
        }
        let close = rest.iter().position(|b| *b == b']')?;
        found = Some(String::from_utf8_lossy(&rest[open..=close]).into_owned());
    }
    found
}

/// Makes sure no form XObject draws itself, directly or through other forms: each `/Name Do`
/// that closes such a loop is taken out of its form's content (the form keeps the rest of its
/// text). A form's `/Name Do` is looked up in its own resources, or, when it has none, in those
/// of the pages and forms around it (any of them, to be safe). Returns how many were taken out.
pub(super) fn break_form_loops(doc: &mut Document) -> usize {
    let forms: Vec<ObjectId> = doc
        .objects
        .iter()
        .filter(|(_, object)| {
            matches!(object, Object::Stream(s)
                if s.dict.get(b"Subtype").and_then(Object::as_name).is_ok_and(|n| n == b"Form"))
        })
        .map(|(id, _)| *id)
        .collect();
    if forms.is_empty() {
        return 0;
    }
    // Every name → form binding of any XObject resource dictionary in the file.
    let mut anywhere: HashMap<Vec<u8>, HashSet<ObjectId>> = HashMap::new();
    for object in doc.objects.values() {
        let dict = match object {
            Object::Dictionary(d) => d,
            Object::Stream(s) => &s.dict,
            _ => continue,
        };
        // A resource dictionary of its own, or the one a page or form names.
        let named = dict.get(b"Resources").ok().and_then(|r| resolve_dict(doc, r));
        for resources in std::iter::once(dict).chain(named) {
            for (name, id) in xobjects(doc, resources).unwrap_or_default() {
                anywhere.entry(name).or_default().insert(id);
            }
        }
    }
    let form_ids: HashSet<ObjectId> = forms.iter().copied().collect();
    // Per form: the forms each name it draws may stand for.
    let mut draws: HashMap<ObjectId, Vec<(Vec<u8>, ObjectId)>> = HashMap::new();
    for id in &forms {
        let Ok(Object::Stream(stream)) = doc.get_object(*id) else { continue };
        let content = stream.decompressed_content().unwrap_or_else(|_| stream.content.clone());
        if find(&content, b"Do").is_none() {
            continue;
        }
        let own = stream.dict.get(b"Resources").ok().and_then(|r| resolve_dict(doc, r)).and_then(|r| xobjects(doc, r));
        let targets = draws.entry(*id).or_default();
        for name in drawn_names(&content) {
            let bound: Vec<ObjectId> = match &own {
                Some(names) => names.iter().filter(|(n, _)| *n == name).map(|(_, id)| *id).collect(),
                None => anywhere.get(&name).map(|s| s.iter().copied().collect()).unwrap_or_default(),
            };
            targets.extend(bound.into_iter().filter(|t| form_ids.contains(t)).map(|t| (name.clone(), t)));
        }
    }
    // A depth-first search; an edge to a form on the current path closes a loop.
    let mut closing: HashMap<ObjectId, HashSet<Vec<u8>>> = HashMap::new();
    let mut state: HashMap<ObjectId, u8> = HashMap::new(); // 1 on the path, 2 done
    let mut starts: Vec<ObjectId> = draws.keys().copied().collect();
    starts.sort_unstable();
    for start in starts {
        if state.contains_key(&start) {
            continue;
        }
        let mut stack: Vec<(ObjectId, usize)> = vec![(start, 0)];
        state.insert(start, 1);
        while let Some((node, next)) = stack.pop() {
            let Some((name, target)) = draws.get(&node).and_then(|t| t.get(next)).cloned() else {
                state.insert(node, 2);
                continue;
            };
            stack.push((node, next + 1));
            match state.get(&target) {
                Some(1) => {
                    closing.entry(node).or_default().insert(name);
                }
                None => {
                    state.insert(target, 1);
                    stack.push((target, 0));
                }
                _ => {}
            }
        }
    }
    let mut removed = 0;
    for (id, names) in closing {
        let Ok(Object::Stream(stream)) = doc.get_object_mut(id) else { continue };
        let content = stream.decompressed_content().unwrap_or_else(|_| stream.content.clone());
        let Ok(mut ops) = pdf_extract::content::Content::decode(&content) else {
            stream.set_plain_content(Vec::new());
            removed += 1;
            continue;
        };
        let before = ops.operations.len();
        ops.operations.retain(|op| {
            op.operator != "Do"
                || !op.operands.first().and_then(|o| o.as_name().ok()).is_some_and(|n| names.contains(n))
        });
        removed += before - ops.operations.len();
        stream.set_plain_content(ops.encode().unwrap_or_default());
    }
    removed
}

/// The names of the XObjects a content stream draws (`/Fm0 Do`).
fn drawn_names(content: &[u8]) -> Vec<Vec<u8>> {
    let Ok(ops) = pdf_extract::content::Content::decode(content) else { return Vec::new() };
    ops.operations
        .into_iter()
        .filter(|op| op.operator == "Do")
        .filter_map(|op| op.operands.first().and_then(|o| o.as_name().ok()).map(<[u8]>::to_vec))
        .collect()
}

fn resolve_dict<'a>(doc: &'a Document, object: &'a Object) -> Option<&'a Dictionary> {
    match object {
        Object::Dictionary(d) => Some(d),
        Object::Reference(id) => doc.get_dictionary(*id).ok(),
        _ => None,
    }
}

/// The name → object bindings of a resource dictionary's `/XObject` entry.
fn xobjects(doc: &Document, resources: &Dictionary) -> Option<Vec<(Vec<u8>, ObjectId)>> {
    let map = resolve_dict(doc, resources.get(b"XObject").ok()?)?;
    Some(map.iter().filter_map(|(name, value)| value.as_reference().ok().map(|id| (name.clone(), id))).collect())
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A one-page PDF whose cross-reference offsets are all wrong and which ends in padding.
    fn broken_pdf() -> Vec<u8> {
        let mut pdf = b"%PDF-1.4\n".to_vec();
        let objects = [
            "1 0 obj\n<< /Type /Catalog /Pages 2 0 R >>\nendobj\n",
            "2 0 obj\n<< /Type /Pages /Kids [3 0 R] /Count 1 >>\nendobj\n",
            "3 0 obj\n<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Contents 4 0 R /Resources << /Font << /F1 5 0 R >> >> >>\nendobj\n",
            "4 0 obj\n<< /Length 60 >>\nstream\nBT /F1 12 Tf 72 700 Td (Die Generalversammlung tagt) Tj ET\nendstream\nendobj\n",
            "5 0 obj\n<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>\nendobj\n",
        ];
        for o in objects {
            pdf.extend_from_slice(o.as_bytes());
        }
        pdf.extend_from_slice(b"xref\n0 6\n0000000000 65535 f\n0000000001 00000 n\n0000000002 00000 n\n");
        pdf.extend_from_slice(b"trailer\n<< /Size 6 /Root 1 0 R >>\nstartxref\n99999\n%%EOF\n\0\0\0");
        pdf
    }

    #[test]
    fn a_broken_cross_reference_table_is_rebuilt() {
        let pdf = broken_pdf();
        let fixed = rebuild_xref(&pdf).expect("a catalog is there");
        let doc = Document::load_mem(&fixed).expect("loads after the rebuild");
        assert_eq!(doc.get_pages().len(), 1);
    }

    /// pdf.js's `bug1980958.pdf`: an object numbered 2³¹ − 1 once made the rebuilt table
    /// gigabytes long.
    #[test]
    fn an_absurd_object_number_makes_no_absurd_table() {
        let pdf = b"%PDF-1.7\n1 0 obj <</Type /Catalog /Pages 2 0 R>>\nendobj\n2 0 obj <</Type /Pages /Kids [3 0 R] /Count 1>>\nendobj\n\
                    3 0 obj <</Type /Page /Parent 2 0 R /MediaBox [0 0 10 10]>>\nendobj\n\n2147483647 0 obj <</Root 1 0 R>>\nendobj\n";
        let fixed = rebuild_xref(pdf).expect("a catalog is there");
        assert!(fixed.len() < pdf.len() + 200, "{} bytes", fixed.len());
        assert_eq!(Document::load_mem(&fixed).expect("loads").get_pages().len(), 1);
    }

    #[test]
    fn a_form_that_draws_itself_draws_itself_no_more() {
        let mut pdf = b"%PDF-1.4\n".to_vec();
        for o in [
            "1 0 obj\n<< /Type /Catalog /Pages 2 0 R >>\nendobj\n",
            "2 0 obj\n<< /Type /Pages /Kids [3 0 R] /Count 1 >>\nendobj\n",
            "3 0 obj\n<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Contents 4 0 R /Resources << /XObject << /Fm0 5 0 R >> >> >>\nendobj\n",
            "4 0 obj\n<< /Length 8 >>\nstream\n/Fm0 Do\nendstream\nendobj\n",
            "5 0 obj\n<< /Type /XObject /Subtype /Form /BBox [0 0 10 10] /Length 8 >>\nstream\n/Fm0 Do\nendstream\nendobj\n",
        ] {
            pdf.extend_from_slice(o.as_bytes());
        }
        pdf.extend_from_slice(b"trailer\n<< /Size 6 /Root 1 0 R >>\n%%EOF\n");
        let mut doc = Document::load_mem(&rebuild_xref(&pdf).unwrap()).unwrap();
        assert_eq!(break_form_loops(&mut doc), 1);
        assert_eq!(break_form_loops(&mut doc), 0);
    }
}
