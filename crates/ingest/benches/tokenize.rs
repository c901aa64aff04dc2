//! Micro-benchmarks of segmentation and tokenization on the seed documents
//! (`cargo bench -p paratopic-ingest`).

use std::path::Path;

use criterion::{criterion_group, criterion_main, Criterion, Throughput};
use paratopic_ingest::{segment, Document, Tokenizer, TokenizerConfig};

fn seeds() -> Vec<Document> {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../corpus/documents");
    let mut files: Vec<_> = std::fs::read_dir(dir).unwrap().map(|e| e.unwrap().path()).collect();
    files.sort();
    files.iter().map(|p| Document::read(p.display().to_string(), p).unwrap()).collect()
}

fn benches(c: &mut Criterion) {
    let docs = seeds();
    let bytes: usize = docs.iter().map(|d| d.text.len()).sum();
    let mut group = c.benchmark_group("ingest");
    group.throughput(Throughput::Bytes(bytes as u64));
    group.bench_function("segment seeds", |b| b.iter(|| docs.iter().map(|d| segment(d).len()).sum::<usize>()));
    let paragraphs: Vec<String> = docs.iter().flat_map(|d| segment(d).into_iter().map(|p| p.text)).collect();
    for (name, config) in [
        (
            "tokenize seeds (default: stop words, no stemming)",
            TokenizerConfig { stemming: false, ..TokenizerConfig::default() },
        ),
        ("tokenize seeds (with stemming)", TokenizerConfig::default()),
    ] {
        let tokenizer = Tokenizer::new(config);
        group.bench_function(name, |b| {
            b.iter(|| {
                let mut n = 0;
                for p in &paragraphs {
                    tokenizer.for_each_token(p, |_| n += 1);
                }
                n
            })
        });
    }
    group.finish();
}

criterion_group!(ingest, benches);
criterion_main!(ingest);
