//! Project tasks: `cargo xtask retrain | help`.

mod retrain;

use std::path::{Path, PathBuf};
use std::process::ExitCode;

const HELP: &str = "\
usage: cargo xtask <task>

tasks:
  retrain [--corpus DIR] [--out DIR]
            train the default model on corpus/ and rewrite models/default.model and
            models/default.md (model card); the same corpus gives identical bytes.
            --corpus reads another corpus folder, --out writes DIR/models/ instead
";

/// The repository root (xtask lives one level below it).
fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).parent().expect("xtask is inside the repository").to_path_buf()
}

/// The value after `name` in the arguments.
fn flag(args: &[String], name: &str) -> Option<PathBuf> {
    args.iter().position(|a| a == name).and_then(|i| args.get(i + 1)).map(PathBuf::from)
}

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let result = match args.first().map(String::as_str) {
        Some("retrain") => {
            let corpus = flag(&args, "--corpus").unwrap_or_else(|| root().join("corpus"));
            let out = flag(&args, "--out").unwrap_or_else(root);
            retrain::run(&corpus, &out)
        }
        Some("help" | "--help" | "-h") => {
            print!("{HELP}");
            return ExitCode::SUCCESS;
        }
        other => {
            if let Some(task) = other {
                eprintln!("unknown task {task:?}\n");
            }
            eprint!("{HELP}");
            return ExitCode::from(1);
        }
    };
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("xtask: error: {e:#}");
            ExitCode::from(2)
        }
    }
}
