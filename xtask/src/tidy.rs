//! `cargo xtask tidy`: ARCHITECTURE.md stays a true map. Every path and every backticked name
//! in it must exist in the tree, and the map stays within its word budget.

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
    Ok(())
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
    fn the_committed_map_is_true() {
        run(&crate::project::root()).unwrap();
    }
}
