//! Duplicate JSONL ids, told in flat memory whatever the number of lines.
//!
//! Ids are remembered as 64-bit hashes with the line of each. The last [`WINDOW`] of them are
//! held in memory, so a duplicate within that many lines of its first occurrence is told at
//! once (the job stops on it, or `--skip-invalid` leaves its line out). Each full window is
//! sorted and spilled to an anonymous temporary file as a run of 16-byte pairs, and at the
//! end of the input the runs are merged, with a small buffer each, to find the duplicates
//! that lie further apart: they are reported then, by line numbers (the ids themselves are not
//! kept). The check holds about 8 MB for any number of lines; the disk 16 bytes a line.
//!
//! Why this way: a duplicate id almost always comes from a file read twice or a partition
//! written twice, which the merge finds exactly; an exact check of every line against every
//! earlier one at once would need memory that grows with the input (490 MB for 10 million
//! lines, before), and a probabilistic filter would miss or invent duplicates.

use std::collections::{BinaryHeap, HashMap};
use std::fs::File;
use std::io::{self, Write};
use std::os::unix::fs::FileExt;

/// Ids held in memory and checked at once: as many as a hash table of 2^18 slots holds
/// (4 MB).
pub const WINDOW: usize = (1 << 18) / 8 * 7;

/// Memory for the read buffers of the merge, shared by the runs.
const MERGE_BUFFERS: usize = 4 << 20;

/// The ids of one JSONL input.
#[derive(Default)]
pub struct Ids {
    recent: HashMap<u64, usize>,
    /// The spilled runs: the file, and the first pair and the length of each run.
    spilled: Option<File>,
    runs: Vec<(u64, u64)>,
    pairs: u64,
}

/// Two lines with the same id, the later of which was already written when it was told.
#[derive(Debug, PartialEq, Eq)]
pub struct LateDuplicate {
    pub first: usize,
    pub line: usize,
}

impl Ids {
    /// Remembers the id on `line`; the line it was first seen on, when that is within
    /// [`WINDOW`] ids before.
    pub fn insert(&mut self, id: &str, line: usize) -> io::Result<Option<usize>> {
        let hash = id_hash(id);
        if let Some(&first) = self.recent.get(&hash) {
            return Ok(Some(first));
        }
        if self.recent.len() == WINDOW {
            self.spill()?;
        }
        if self.recent.capacity() == 0 {
            self.recent.reserve(WINDOW);
        }
        self.recent.insert(hash, line);
        Ok(None)
    }

    /// The duplicates further apart than the window, in the order of their later line.
    pub fn finish(mut self) -> io::Result<Vec<LateDuplicate>> {
        if self.runs.is_empty() {
            return Ok(Vec::new());
        }
        self.spill()?;
        let file = self.spilled.take().expect("runs are spilled to a file");
        let buffer = (MERGE_BUFFERS / self.runs.len()).clamp(4 << 10, 1 << 20) / 16 * 16;
        let mut runs: Vec<Run<'_>> = self
            .runs
            .iter()
            .map(|&(start, len)| Run {
                file: &file,
                next: start,
                end: start + len,
                buffer: Vec::new(),
                at: 0,
                size: buffer,
            })
            .collect();
        let mut heap = BinaryHeap::new();
        for (i, run) in runs.iter_mut().enumerate() {
            if let Some((hash, line)) = run.pop()? {
                heap.push(std::cmp::Reverse((hash, line, i)));
            }
        }
        let mut late = Vec::new();
        let mut last: Option<(u64, usize)> = None;
        while let Some(std::cmp::Reverse((hash, line, i))) = heap.pop() {
            match last {
                Some((h, first)) if h == hash => late.push(LateDuplicate { first, line }),
                _ => last = Some((hash, line)),
            }
            if let Some((hash, line)) = runs[i].pop()? {
                heap.push(std::cmp::Reverse((hash, line, i)));
            }
        }
        late.sort_by_key(|d| d.line);
        Ok(late)
    }

    /// Writes the ids in memory to the file as one sorted run (by hash, then line).
    fn spill(&mut self) -> io::Result<()> {
        let mut pairs: Vec<(u64, usize)> = self.recent.drain().collect();
        if pairs.is_empty() {
            return Ok(());
        }
        pairs.sort_unstable();
        let file = match &mut self.spilled {
            Some(file) => file,
            None => self.spilled.insert(tempfile::tempfile()?),
        };
        let mut out = io::BufWriter::with_capacity(1 << 20, file);
        for (hash, line) in &pairs {
            out.write_all(&hash.to_le_bytes())?;
            out.write_all(&(*line as u64).to_le_bytes())?;
        }
        out.flush()?;
        self.runs.push((self.pairs, pairs.len() as u64));
        self.pairs += pairs.len() as u64;
        Ok(())
    }
}

/// One sorted run being read back.
struct Run<'f> {
    file: &'f File,
    /// The next pair to read from the file, and the end of the run (in pairs).
    next: u64,
    end: u64,
    buffer: Vec<u8>,
    at: usize,
    size: usize,
}

impl Run<'_> {
    fn pop(&mut self) -> io::Result<Option<(u64, usize)>> {
        if self.at == self.buffer.len() {
            let want = ((self.end - self.next) as usize * 16).min(self.size);
            if want == 0 {
                return Ok(None);
            }
            self.buffer.resize(want, 0);
            self.file.read_exact_at(&mut self.buffer, self.next * 16)?;
            self.next += want as u64 / 16;
            self.at = 0;
        }
        let pair = &self.buffer[self.at..self.at + 16];
        self.at += 16;
        let hash = u64::from_le_bytes(pair[..8].try_into().expect("8 bytes"));
        let line = u64::from_le_bytes(pair[8..].try_into().expect("8 bytes"));
        Ok(Some((hash, line as usize)))
    }
}

/// The hash under which a JSONL id is remembered.
fn id_hash(id: &str) -> u64 {
    use std::hash::{Hash, Hasher};
    // SipHash with fixed keys: well mixed, and the same in every run.
    let mut hasher = std::hash::DefaultHasher::new();
    id.hash(&mut hasher);
    hasher.finish()
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Near duplicates are told at once, far ones at the end, each exactly once, across
    /// several spilled runs.
    #[test]
    fn duplicates_near_and_far_are_all_found() {
        let mut ids = Ids::default();
        let total = 3 * WINDOW + 100;
        let mut near = Vec::new();
        for line in 1..=total {
            // Line 7 again right after it, and line 10 again after more than two windows.
            let id = match line {
                8 => "7".to_owned(),
                l if l == 2 * WINDOW + 50 => "10".to_owned(),
                l => l.to_string(),
            };
            if let Some(first) = ids.insert(&id, line).unwrap() {
                near.push((first, line));
            }
        }
        assert_eq!(near, [(7, 8)]);
        assert_eq!(ids.runs.len(), 3);
        assert_eq!(ids.finish().unwrap(), [LateDuplicate { first: 10, line: 2 * WINDOW + 50 }]);
    }

    #[test]
    fn a_short_input_needs_no_file() {
        let mut ids = Ids::default();
        for line in 1..1000 {
            assert_eq!(ids.insert(&format!("a{line}"), line).unwrap(), None);
        }
        assert!(ids.spilled.is_none());
        assert_eq!(ids.finish().unwrap(), []);
    }
}
