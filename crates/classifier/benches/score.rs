//! Micro-benchmark of the default model on the seed paragraphs: vectorize (with the word
//! cache) and score (`cargo bench -p paratopic-classifier`).

use std::path::Path;

use criterion::{criterion_group, criterion_main, Criterion, Throughput};
use paratopic_classifier::Model;
use paratopic_ingest::{segment, Document};

fn benches(c: &mut Criterion) {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("../..");
    let model = Model::load(&root.join("models/default.model")).unwrap();
    let mut files: Vec<_> =
        std::fs::read_dir(root.join("corpus/documents")).unwrap().map(|e| e.unwrap().path()).collect();
    files.sort();
    let paragraphs: Vec<String> =
        files.iter().flat_map(|p| segment(&Document::read("d", p).unwrap()).into_iter().map(|p| p.text)).collect();
    let bytes: usize = paragraphs.iter().map(String::len).sum();
    let vectors: Vec<_> = paragraphs.iter().map(|p| model.vectorize(p, None)).collect();
    let mut group = c.benchmark_group("classifier");
    group.throughput(Throughput::Bytes(bytes as u64));
    group.bench_function("vectorize seed paragraphs", |b| {
        b.iter(|| paragraphs.iter().map(|p| model.vectorize(p, None).nnz()).sum::<usize>())
    });
    group.bench_function("score seed vectors", |b| {
        b.iter(|| vectors.iter().map(|v| model.score(v).label).sum::<usize>())
    });
    group.finish();
}

criterion_group!(classifier, benches);
criterion_main!(classifier);
