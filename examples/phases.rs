use std::time::Instant;
fn main() {
    for n in [10000, 100000] {
        let path = format!("target/bench-data/generated-{n}.yaml");
        let text = std::sync::Arc::new(std::fs::read_to_string(&path).unwrap());
        let t = Instant::now();
        let mut p = saphyr_parser::Parser::new_from_str(&text);
        while let Some(Ok(_)) = p.next_event() {}
        let t0 = t.elapsed();
        let t = Instant::now();
        let _tree = errlint::document::parse(text.clone(), 0, &Default::default()).unwrap();
        let t1 = t.elapsed();
        let t = Instant::now();
        let set = errlint::document::DocumentSet::load_path(
            std::path::Path::new(&path),
            "x".into(),
            Default::default(),
        );
        let t2 = t.elapsed();
        let mut o = errlint::Options::default();
        o.config.no_discovery = true;
        let t = Instant::now();
        let out = errlint::lint_path(std::path::Path::new(&path), &o);
        let t3 = t.elapsed();
        let t = Instant::now();
        drop(out);
        let t4 = t.elapsed();
        drop(set);
        println!(
            "{n}: saphyr {:?} parse {:?} load {:?} lint {:?} drop {:?} per-op saphyr {:.2}us parse {:.2}us lint {:.2}us",
            t0,
            t1,
            t2,
            t3,
            t4,
            t0.as_secs_f64() * 1e6 / n as f64,
            t1.as_secs_f64() * 1e6 / n as f64,
            t3.as_secs_f64() * 1e6 / n as f64
        );
    }
}
