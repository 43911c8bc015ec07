//! `cargo bench`: errlint's phases against the floors that matter, as ratios measured in one
//! run (the machines are shared and noisy; absolute times move, ratios much less).
//! Each figure is the best of several runs. Needs ../shared/corpus beside the repository.

use errlint::document::{self, DocumentSet, LoadOptions};
use errlint::report::{self, Format, RenderOptions};
use errlint::{Options, lint_path};
use std::path::Path;
use std::sync::Arc;
use std::time::{Duration, Instant};

fn best_of<T>(runs: usize, mut f: impl FnMut() -> T) -> Duration {
    let mut best = Duration::MAX;
    for _ in 0..runs {
        let start = Instant::now();
        std::hint::black_box(f());
        best = best.min(start.elapsed());
    }
    best
}

fn ms(d: Duration) -> String {
    format!("{:8.1} ms", d.as_secs_f64() * 1000.0)
}

fn main() {
    let corpus = Path::new(env!("CARGO_MANIFEST_DIR")).join("../shared/corpus");
    if !corpus.is_dir() {
        eprintln!("skipped: {} is absent", corpus.display());
        return;
    }
    let documents = [
        "github-api.github.com.3.0.json",
        "stripe-spec3-2023-09-12.3.0.yaml",
        "mailchimp.com.3.0.json",
        "box.com.3.0.json",
    ];
    let runs: usize = std::env::var("ERRLINT_BENCH_RUNS")
        .ok()
        .and_then(|r| r.parse().ok())
        .unwrap_or(7);
    println!("best of {runs} runs; ratios are against the floor named in the first column\n");
    for name in documents {
        let path = corpus.join(name);
        let bytes = std::fs::read(&path).expect("corpus file");
        let text: Arc<String> = Arc::new(String::from_utf8(bytes.clone()).expect("UTF-8"));
        let floor_label;
        let floor = if name.ends_with(".json") {
            floor_label = "serde_json::Value";
            best_of(runs, || {
                serde_json::from_slice::<serde_json::Value>(&bytes).map(|_| ())
            })
        } else {
            floor_label = "saphyr events";
            best_of(runs, || {
                let mut parser = saphyr_parser::Parser::new_from_str(&text);
                let mut n = 0usize;
                while let Some(Ok(_)) = parser.next_event() {
                    n += 1;
                }
                n
            })
        };
        let parse = best_of(runs, || {
            document::parse(text.clone(), 0, &document::Limits::default()).map(|_| ())
        });
        let load = best_of(runs, || {
            DocumentSet::load_path(&path, name.to_string(), LoadOptions::default())
        });
        let options = Options::default();
        let lint = best_of(runs, || lint_path(&path, &options));
        let outcome = lint_path(&path, &options);
        let render = best_of(runs, || {
            report::render(&outcome, &RenderOptions::plain(Format::Json))
        });
        let ratio = |d: Duration| d.as_secs_f64() / floor.as_secs_f64();
        println!(
            "{name} ({:.1} MB, {} findings)",
            bytes.len() as f64 / 1e6,
            outcome.findings.len()
        );
        println!("  {floor_label:<28}{}   1.00x", ms(floor));
        println!(
            "  {:<28}{}   {:.2}x",
            "errlint parse (span tape)",
            ms(parse),
            ratio(parse)
        );
        println!(
            "  {:<28}{}   {:.2}x",
            "errlint load (+ $refs)",
            ms(load),
            ratio(load)
        );
        println!(
            "  {:<28}{}   {:.2}x",
            "errlint full lint",
            ms(lint),
            ratio(lint)
        );
        println!(
            "  {:<28}{}   {:.2}x   (+{:.0}% on the lint)",
            "render JSON report",
            ms(render),
            ratio(render),
            100.0 * render.as_secs_f64() / lint.as_secs_f64()
        );
        println!();
    }
}
