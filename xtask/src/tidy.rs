//! `cargo xtask tidy`: ARCHITECTURE.md stays a true map. Every path and every backticked name
//! in it must exist in the tree, and the map stays within its word budget. And the files of
//! each crate import one way: no file uses a file that uses it back.

use std::collections::BTreeSet;
use std::path::Path;

use anyhow::{bail, Context, Result};

/// The most words ARCHITECTURE.md may have.
pub const MAX_WORDS: usize = 1500;

/// The extensions that make a backticked span a file path.
const FILE_EXTENSIONS: [&str; 9] = [".rs", ".md", ".py", ".toml", ".jsonl", ".model", ".txt", ".sh", ".tsv"];

pub fn run(root: &Path) -> Result<()> {
    let path = root.join("ARCHITECTURE.md");
    let text = std::fs::read_to_string(&path).with_context(|| format!("{}", path.display()))?;
    let tree = Tree::read(root)?;
    let missing = missing(&text, &tree);
    let words = text.split_whitespace().count();
    let mut problems: Vec<String> = missing.iter().map(|m| format!("`{m}` is not in the tree")).collect();
    if words > MAX_WORDS {
        problems.push(format!("{words} words, more than {MAX_WORDS}"));
    }
    if !problems.is_empty() {
        bail!("ARCHITECTURE.md is out of date:\n  {}", problems.join("\n  "));
    }
    println!("tidy: ARCHITECTURE.md: {words} words, every path and backticked name found");
    let mut files = 0;
    let mut cycles = Vec::new();
    for src in CRATE_SOURCES.iter().flat_map(|pattern| expand(root, pattern)) {
        let modules = Modules::read(&src)?;
        files += modules.files.len();
        cycles.extend(modules.mutual().into_iter().map(|(a, b)| format!("{a} and {b} use each other")));
    }
    if !cycles.is_empty() {
        bail!("files that import each other:\n  {}", cycles.join("\n  "));
    }
    println!("tidy: {files} Rust files, none importing a file that imports it back");
    Ok(())
}

/// The source folders of the workspace's crates (`*` is one folder level).
const CRATE_SOURCES: [&str; 4] = ["src", "crates/*/src", "python/src", "xtask/src"];

fn expand(root: &Path, pattern: &str) -> Vec<std::path::PathBuf> {
    match pattern.split_once("/*/") {
        None => vec![root.join(pattern)],
        Some((parent, rest)) => {
            let mut dirs: Vec<_> = std::fs::read_dir(root.join(parent))
                .into_iter()
                .flatten()
                .flatten()
                .map(|e| e.path().join(rest))
                .filter(|p| p.is_dir())
                .collect();
            dirs.sort();
            dirs
        }
    }
}

/// The files of one crate by module path (`report::html`), and the modules each one names.
pub struct Modules {
    /// Module path (`""` for the crate root) → the file, relative to the crate's folder.
    files: std::collections::BTreeMap<String, String>,
    uses: std::collections::BTreeMap<String, BTreeSet<String>>,
}

impl Modules {
    pub fn read(src: &Path) -> Result<Self> {
        let mut sources = Vec::new();
        for entry in ignore::WalkBuilder::new(src).hidden(true).build() {
            let entry = entry?;
            let path = entry.path();
            if path.extension().is_some_and(|e| e == "rs") {
                let relative = path.strip_prefix(src).unwrap_or(path).to_string_lossy().replace('\\', "/");
                let text = std::fs::read_to_string(path).with_context(|| format!("{}", path.display()))?;
                sources.push((relative, text));
            }
        }
        Ok(Self::from_sources(&sources))
    }

    /// From (file path relative to the crate's folder, source) pairs.
    pub fn from_sources(sources: &[(String, String)]) -> Self {
        let module_of = |file: &str| -> String {
            let file = file.trim_end_matches(".rs");
            let file = file.strip_suffix("/mod").unwrap_or(file);
            match file {
                "lib" | "main" => String::new(),
                other => other.replace('/', "::"),
            }
        };
        let files: std::collections::BTreeMap<String, String> =
            sources.iter().map(|(f, _)| (module_of(f), f.clone())).collect();
        // What the crate root re-exports (`pub use formats::{Format, read_as}`): a name used
        // through the root is a use of the module that defines it.
        let mut reexports = std::collections::BTreeMap::new();
        for (_, text) in sources.iter().filter(|(f, _)| module_of(f).is_empty()) {
            for line in text.lines().map(str::trim_start).filter(|l| l.starts_with("pub use ")) {
                for path in paths(line) {
                    if let (Some(first), Some(last)) = (path.first(), path.last()) {
                        if files.contains_key(*first) && path.len() > 1 {
                            reexports.insert((*last).to_owned(), (*first).to_owned());
                        }
                    }
                }
            }
        }
        let mut uses = std::collections::BTreeMap::new();
        for (file, text) in sources {
            let here = module_of(file);
            // The code before the tests: a test module's `super` is the file itself.
            let code = text.split("#[cfg(test)]\nmod ").next().unwrap_or_default();
            let mut named = BTreeSet::new();
            for line in code.lines().map(str::trim_start).filter(|l| !l.starts_with("//")) {
                for path in paths(line) {
                    let owned =
                        |segments: &[&str]| -> Vec<String> { segments.iter().map(|s| (*s).to_owned()).collect() };
                    let absolute: Vec<String> = match path.split_first() {
                        Some((&"crate", rest)) => owned(rest),
                        Some((&"super", rest)) => {
                            let mut parent: Vec<&str> = here.split("::").filter(|s| !s.is_empty()).collect();
                            parent.pop();
                            parent.extend(rest);
                            owned(&parent)
                        }
                        Some((first, _)) => {
                            // A child module named from its parent (`html::render`).
                            let child = if here.is_empty() { (*first).to_owned() } else { format!("{here}::{first}") };
                            if !files.contains_key(&child) {
                                continue;
                            }
                            child.split("::").map(str::to_owned).collect()
                        }
                        None => continue,
                    };
                    // The longest prefix that is a module with a file.
                    let target = (0..=absolute.len())
                        .rev()
                        .map(|n| absolute[..n].join("::"))
                        .find(|m| files.contains_key(m))
                        .unwrap_or_default();
                    let target = match absolute.first().and_then(|name| reexports.get(name)) {
                        Some(module) if target.is_empty() => module.clone(),
                        _ => target,
                    };
                    if target != here {
                        named.insert(target);
                    }
                }
            }
            uses.insert(here, named);
        }
        Self { files, uses }
    }

    /// The pairs of files that use each other.
    pub fn mutual(&self) -> Vec<(String, String)> {
        let mut pairs = Vec::new();
        for (a, named) in &self.uses {
            for b in named.iter().filter(|b| a < *b) {
                if self.uses.get(b).is_some_and(|back| back.contains(a)) {
                    pairs.push((self.files[a].clone(), self.files[b].clone()));
                }
            }
        }
        pairs
    }
}

/// The module paths a line names: `crate::a::b`, `super::x`, `child::f`, and each item of a
/// `{…}` group after one of them.
fn paths(line: &str) -> Vec<Vec<&str>> {
    let bytes = line.as_bytes();
    let ident = |i: usize| bytes.get(i).is_some_and(|b| b.is_ascii_alphanumeric() || *b == b'_');
    let mut out = Vec::new();
    let mut i = 0;
    while i < bytes.len() {
        if !ident(i) || (i > 0 && (ident(i - 1) || bytes[i - 1] == b':')) {
            i += 1;
            continue;
        }
        let mut segments = Vec::new();
        let mut j = i;
        loop {
            let start = j;
            while ident(j) {
                j += 1;
            }
            segments.push(&line[start..j]);
            if line[j..].starts_with("::") && ident(j + 2) {
                j += 2;
            } else {
                break;
            }
        }
        if line[j..].starts_with("::{") {
            let inner = &line[j + 3..];
            let inner = &inner[..inner.find('}').unwrap_or(inner.len())];
            for item in inner.split(',') {
                let first = item.trim().split("::").next().unwrap_or_default();
                if !first.is_empty() && first != "self" && first.chars().all(|c| c.is_ascii_alphanumeric() || c == '_')
                {
                    let mut path = segments.clone();
                    path.push(first);
                    out.push(path);
                }
            }
        } else if segments.len() > 1 || line[j..].starts_with("::") {
            out.push(segments);
        }
        i = j.max(i + 1);
    }
    out
}

/// What is in the tree: the relative path of every file and folder, and every word of its
/// source files.
pub struct Tree {
    paths: Vec<String>,
    words: BTreeSet<String>,
}

impl Tree {
    /// The files the repository keeps: a walk that skips what `.gitignore` names (build output,
    /// virtual environments) and hidden entries (`.git`), as `paratopic` walks a folder.
    pub fn read(root: &Path) -> Result<Self> {
        let mut tree = Tree { paths: Vec::new(), words: BTreeSet::new() };
        let walk = ignore::WalkBuilder::new(root).hidden(true).git_ignore(true).require_git(false).build();
        for entry in walk {
            let entry = entry?;
            let relative = entry.path().strip_prefix(root).unwrap_or(entry.path()).to_string_lossy().replace('\\', "/");
            if relative.is_empty() {
                continue;
            }
            if entry.file_type().is_some_and(|t| t.is_dir()) {
                tree.paths.push(relative + "/");
                continue;
            }
            // This file's test names what must not be found.
            let source_file = [".rs", ".py", ".pyi"].iter().any(|e| relative.ends_with(e));
            if source_file && relative != "xtask/src/tidy.rs" {
                let source = std::fs::read_to_string(entry.path()).with_context(|| relative.clone())?;
                tree.add_words(&source);
            }
            tree.paths.push(relative);
        }
        Ok(tree)
    }

    fn add_words(&mut self, source: &str) {
        let words = source.split(|c: char| !(c.is_alphanumeric() || c == '_')).filter(|w| !w.is_empty());
        self.words.extend(words.map(str::to_owned));
    }

    /// Whether `path` (relative to the root, or the tail of a path in the tree; a `*` stands
    /// for any name) exists.
    fn has_path(&self, path: &str) -> bool {
        let path = path.trim_end_matches('/');
        // A glob is checked by the folder it is in.
        let path = match path.find('*') {
            Some(at) => path[..at].trim_end_matches('/'),
            None => path,
        };
        self.paths.iter().any(|p| {
            let p = p.trim_end_matches('/');
            p == path || p.ends_with(&format!("/{path}"))
        })
    }
}

/// The backticked spans of `text` (outside fenced blocks) that name a path or an identifier
/// the tree does not hold.
pub fn missing(text: &str, tree: &Tree) -> Vec<String> {
    let mut missing = Vec::new();
    let mut fenced = false;
    for line in text.lines() {
        if line.trim_start().starts_with("```") {
            fenced = !fenced;
            continue;
        }
        if fenced {
            continue;
        }
        for span in line.split('`').skip(1).step_by(2) {
            let found = if is_path(span) {
                tree.has_path(span)
            } else if let Some(parts) = identifier(span) {
                parts.iter().all(|p| tree.words.contains(*p))
            } else {
                true
            };
            if !found {
                missing.push(span.to_owned());
            }
        }
    }
    missing
}

fn is_path(span: &str) -> bool {
    !span.contains(char::is_whitespace)
        && !span.starts_with('-')
        && (span.contains('/') || FILE_EXTENSIONS.iter().any(|e| span.ends_with(e)))
}

/// The segments of a Rust or Python name (`Model::label_all`, `read_document`, `dbg!`), or
/// `None` for anything else (commands, flags, values).
fn identifier(span: &str) -> Option<Vec<&str>> {
    let name = span.trim_end_matches("()").trim_end_matches('!');
    let parts: Vec<&str> = name.split("::").collect();
    let ok = parts.iter().all(|p| {
        let mut chars = p.chars();
        chars.next().is_some_and(|c| c.is_ascii_alphabetic() || c == '_')
            && chars.all(|c| c.is_ascii_alphanumeric() || c == '_')
    });
    ok.then_some(parts)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_and_paths_that_are_gone_are_reported() {
        let tree = Tree::read(&crate::project::root()).unwrap();
        let text = "`Model::label_all` in `crates/classifier/src/decide.rs` (`decide.rs`), `labels/*.jsonl`,\n\
                    `Model::predict_old` and `crates/classifier/src/staged.rs`, `cargo xtask eval --check`\n\
                    ```\nNotInAFence\n```\n`NoSuchType`";
        assert_eq!(missing(text, &tree), ["Model::predict_old", "crates/classifier/src/staged.rs", "NoSuchType"]);
    }

    #[test]
    fn files_that_use_each_other_are_found() {
        let source = |f: &str, t: &str| (f.to_owned(), t.to_owned());
        let modules = Modules::from_sources(&[
            source(
                "main.rs",
                "mod report;\nmod output;\npub use output::Chunk;\nfn main() { report::run(); output::go(); }",
            ),
            source("input.rs", "use crate::Chunk;"),
            source("output.rs", "use crate::record::Record;\nuse crate::parquet::batch;\nuse crate::input::read;"),
            source("parquet.rs", "use crate::output::{Chunk, Format};"),
            source("record.rs", "pub struct Record;\n#[cfg(test)]\nmod tests { use crate::output::x; }"),
            source("report/mod.rs", "mod html;\npub fn run() { html::render() }"),
            source("report/html.rs", "use super::{page::Report, MAX};"),
        ]);
        assert_eq!(
            modules.mutual(),
            [
                ("input.rs".to_owned(), "output.rs".to_owned()),
                ("output.rs".to_owned(), "parquet.rs".to_owned()),
                ("report/mod.rs".to_owned(), "report/html.rs".to_owned())
            ]
        );
    }

    #[test]
    fn the_committed_map_is_true() {
        run(&crate::project::root()).unwrap();
    }
}
