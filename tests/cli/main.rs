//! End-to-end tests: the real `paratopic` binary on real text. One test binary (built and
//! linked once), a module per concern, the shared helpers in `util`.

mod commands;
mod parquet;
mod report;
mod robustness;
mod streams;
mod util;
