//! `cargo xtask report-check`: the HTML report as a reader gets it. Classifies the bundled
//! corpus, writes its report with `paratopic report`, renders the page in headless Chromium
//! (Debian's `chromium`) to a PNG, and fails when the page logged anything to the console
//! (an uncaught script error, a refused resource), drew nothing, or did not show a strip
//! cell's text in the hover box when the pointer moved over it. Prints the page's size and
//! the render time next to that of an empty page.

use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use anyhow::{bail, Context, Result};

/// A render that takes longer than this is a hang.
const RENDER_TIMEOUT: Duration = Duration::from_secs(180);

pub struct Options {
    /// Report on these records instead of classifying the corpus.
    pub records: Option<PathBuf>,
    /// Where the PNG goes (default: the check's folder under the target folder).
    pub png: Option<PathBuf>,
    /// The browser window, `WIDTH,HEIGHT`.
    pub window: String,
}

fn target_dir(root: &Path) -> PathBuf {
    std::env::var_os("CARGO_TARGET_DIR").map_or_else(|| root.join("target"), PathBuf::from)
}

pub fn run(root: &Path, opts: &Options) -> Result<()> {
    let browser = find_browser()?;
    let cargo = std::env::var_os("CARGO").unwrap_or_else(|| "cargo".into());
    let status = Command::new(cargo)
        .args(["build", "--release", "--quiet", "--bin", "paratopic"])
        .current_dir(root)
        .status()
        .context("cannot run cargo build")?;
    if !status.success() {
        bail!("cargo build failed");
    }
    let target = target_dir(root);
    let dir = target.join("report-check");
    std::fs::create_dir_all(&dir).with_context(|| format!("{}", dir.display()))?;
    // Absolute, since the report runs in the records' folder.
    let (target, dir) = (target.canonicalize()?, dir.canonicalize()?);
    let paratopic = target.join("release/paratopic");

    let records = match &opts.records {
        Some(r) => r.clone(),
        None => {
            let records = dir.join("labeled.jsonl");
            let corpus = root.join("corpus/documents");
            run_tool(Command::new(&paratopic).arg("classify").arg(&corpus).arg("-q").arg("-o").arg(&records))?;
            records
        }
    };
    // The check must be able to fail: a page with a script error has to be caught.
    let broken = dir.join("broken.html");
    std::fs::write(&broken, "<!DOCTYPE html><html lang=\"en\"><head><meta charset=\"utf-8\"><title>broken</title></head><body><p>x</p><script>undefinedFunction();</script></body></html>\n")?;
    let (_, log) = render(&browser, &broken, &dir.join("broken.png"), "400,300")?;
    if console_problems(&log).is_empty() {
        bail!(
            "the console check missed the script error of {}: Chromium's log format changed?\n{log}",
            broken.display()
        );
    }

    let page = dir.join("report.html");
    let started = Instant::now();
    // Run from the records' folder, so that the page names them without a local path.
    let records = records.canonicalize().with_context(|| format!("{}", records.display()))?;
    let (folder, name) = (records.parent().unwrap_or(Path::new(".")), records.file_name().unwrap_or_default());
    run_tool(Command::new(&paratopic).current_dir(folder).arg("report").arg(name).arg("-o").arg(&page))?;
    let write_time = started.elapsed();
    let png = opts.png.clone().unwrap_or_else(|| dir.join("report.png"));
    let (render_time, log) = render(&browser, &page, &png, &opts.window)?;
    let problems = console_problems(&log);
    if !problems.is_empty() {
        bail!("the page logged to the console:\n{}", problems.join("\n"));
    }
    let png_bytes = std::fs::metadata(&png).map(|m| m.len()).unwrap_or(0);
    if png_bytes < 10_000 {
        bail!("{}: the screenshot is {png_bytes} bytes: the page drew nothing", png.display());
    }
    let hover = hover_probe(&browser, &page, &dir)?;
    let empty = dir.join("empty.html");
    std::fs::write(&empty, "<!DOCTYPE html><html lang=\"en\"><head><meta charset=\"utf-8\"><title>empty</title></head><body></body></html>\n")?;
    let (baseline, _) = render(&browser, &empty, &dir.join("empty.png"), &opts.window)?;
    let lines = std::fs::read_to_string(&records).map(|t| t.lines().count()).unwrap_or(0);
    let size = std::fs::metadata(&page)?.len();
    println!(
        "report-check: {lines} records -> {} ({:.1} KB, written in {:.2} s)\n\
         report-check: rendered by {} in {:.2} s (an empty page: {:.2} s), no console messages\n\
         report-check: hovering a strip cell shows {hover:?}\n\
         report-check: screenshot {} ({:.0} KB)",
        page.display(),
        size as f64 / 1000.0,
        write_time.as_secs_f64(),
        browser.display(),
        render_time.as_secs_f64(),
        baseline.as_secs_f64(),
        png.display(),
        png_bytes as f64 / 1000.0
    );
    Ok(())
}

/// Moves the pointer over the first strip cell (in a copy of the page with a probe script at
/// its end) and reads what the hover box shows from the DOM Chromium dumps; fails when the box
/// stays hidden or does not show the cell's text.
fn hover_probe(browser: &Path, page: &Path, dir: &Path) -> Result<String> {
    const PROBE: &str = r##"<script>
(function () {
  var cell = document.querySelector("#strips [data-tip]") || document.querySelector("[data-tip]");
  var box = cell.getBoundingClientRect();
  cell.dispatchEvent(new MouseEvent("mousemove", { bubbles: true, clientX: box.left + 1, clientY: box.top + 1 }));
  document.body.setAttribute("data-probe", cell.getAttribute("data-tip") === document.getElementById("tip").textContent ? "same" : "different");
})();
</script>
</body>"##;
    let html = std::fs::read_to_string(page).with_context(|| format!("{}", page.display()))?;
    let Some(end) = html.rfind("</body>") else { bail!("{}: no </body>", page.display()) };
    let probe = dir.join("hover-probe.html");
    std::fs::write(&probe, format!("{}{PROBE}{}", &html[..end], &html[end + "</body>".len()..]))?;
    let profile = dir.join("hover-probe.profile");
    let _ = std::fs::remove_dir_all(&profile);
    let out = Command::new(browser)
        .args(["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking"])
        .args(["--disable-component-update", "--no-first-run", "--dump-dom", "--window-size=1280,2400"])
        .arg(format!("--user-data-dir={}", profile.display()))
        .arg(format!("file://{}", probe.canonicalize()?.display()))
        .output()
        .with_context(|| format!("cannot start {}", browser.display()))?;
    let _ = std::fs::remove_dir_all(&profile);
    let dom = String::from_utf8_lossy(&out.stdout);
    if !dom.contains("data-probe=\"same\"") {
        bail!("hovering a strip cell did not show its text in the hover box ({})", probe.display());
    }
    let tip = dom.find("<div id=\"tip\"").map(|i| &dom[i..]).unwrap_or_default();
    let opening = &tip[..tip.find('>').unwrap_or(0)];
    if tip.is_empty() || opening.contains("hidden") {
        bail!("the hover box stayed hidden ({})", probe.display());
    }
    let text = tip[opening.len() + 1..].split("</div>").next().unwrap_or_default();
    Ok(text.chars().take(60).collect::<String>() + "…")
}

/// The lines of a browser log that report something the page did: a console message, an
/// uncaught error, a refused or failed resource.
fn console_problems(log: &str) -> Vec<&str> {
    log.lines().filter(|l| l.contains("CONSOLE") || l.contains("Uncaught") || l.contains("ERR_")).collect()
}

fn run_tool(cmd: &mut Command) -> Result<()> {
    let out = cmd.output().with_context(|| format!("cannot run {cmd:?}"))?;
    if !out.status.success() {
        bail!("{cmd:?} failed: {}", String::from_utf8_lossy(&out.stderr).trim());
    }
    Ok(())
}

fn find_browser() -> Result<PathBuf> {
    for name in ["chromium", "chromium-browser", "google-chrome"] {
        if let Ok(out) = Command::new("which").arg(name).output() {
            let path = String::from_utf8_lossy(&out.stdout).trim().to_owned();
            if out.status.success() && !path.is_empty() {
                return Ok(PathBuf::from(path));
            }
        }
    }
    bail!("no Chromium found: install Debian's `chromium` package (apt-get install chromium)")
}

/// Renders `page` to `png` in a fresh profile; the time and the browser's log.
fn render(browser: &Path, page: &Path, png: &Path, window: &str) -> Result<(Duration, String)> {
    // A fresh profile each time, so that nothing cached makes a render faster.
    let profile = png.with_extension("profile");
    let _ = std::fs::remove_dir_all(&profile);
    let page = page.canonicalize().with_context(|| format!("{}", page.display()))?;
    let _ = std::fs::remove_file(png);
    let started = Instant::now();
    let mut child = Command::new(browser)
        .args([
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            "--disable-background-networking",
            "--disable-component-update",
            "--no-first-run",
            "--hide-scrollbars",
            "--enable-logging=stderr",
            "--v=0",
        ])
        .arg(format!("--user-data-dir={}", profile.display()))
        .arg(format!("--screenshot={}", png.display()))
        .arg(format!("--window-size={window}"))
        .arg(format!("file://{}", page.display()))
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .with_context(|| format!("cannot start {}", browser.display()))?;
    let stderr = child.stderr.take().expect("piped");
    let reader = std::thread::spawn(move || std::io::read_to_string(stderr).unwrap_or_default());
    loop {
        if child.try_wait()?.is_some() {
            break;
        }
        if started.elapsed() > RENDER_TIMEOUT {
            let _ = child.kill();
            let _ = child.wait();
            bail!("{} did not finish rendering {} in {RENDER_TIMEOUT:?}", browser.display(), page.display());
        }
        std::thread::sleep(Duration::from_millis(20));
    }
    let elapsed = started.elapsed();
    let log = reader.join().unwrap_or_default();
    let _ = std::fs::remove_dir_all(&profile);
    if !png.exists() {
        bail!("{} wrote no screenshot of {}:\n{log}", browser.display(), page.display());
    }
    Ok((elapsed, log))
}
