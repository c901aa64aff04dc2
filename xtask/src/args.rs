//! The arguments of `cargo xtask` tasks: flags with values, numbers, and refusing unknown options.

use std::path::PathBuf;

/// The value after `name` in the arguments.
pub fn flag(args: &[String], name: &str) -> Option<PathBuf> {
    args.iter().position(|a| a == name).and_then(|i| args.get(i + 1)).map(PathBuf::from)
}

/// The number after `name`, if given.
pub fn number(args: &[String], name: &str) -> anyhow::Result<Option<u64>> {
    match args.iter().position(|a| a == name).map(|i| args.get(i + 1)) {
        None => Ok(None),
        Some(Some(v)) => v.parse().map(Some).map_err(|_| anyhow::anyhow!("{name} takes a whole number, got {v:?}")),
        Some(None) => anyhow::bail!("{name} takes a value"),
    }
}

/// Refuses what a task does not know: a typo such as `--chek` must not run the task
/// differently (`eval` without `--check` rewrites the card).
pub fn known_options(args: &[String], switches: &[&str], with_value: &[&str]) -> anyhow::Result<()> {
    let mut rest = args.iter().skip(1);
    while let Some(arg) = rest.next() {
        if with_value.contains(&arg.as_str()) {
            if rest.next().is_none() {
                anyhow::bail!("{arg} takes a value");
            }
        } else if !switches.contains(&arg.as_str()) {
            anyhow::bail!("unknown option {arg:?} for `cargo xtask {}` (see `cargo xtask help`)", args[0]);
        }
    }
    Ok(())
}
