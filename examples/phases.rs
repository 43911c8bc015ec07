use std::time::Instant;
fn main() {
    let path = std::env::args().nth(1).unwrap();
    for _ in 0..3 {
        let t = Instant::now();
        let bytes = std::fs::read(&path).unwrap();
        let t1 = t.elapsed();
        let (text, start) = errlint::document::decode(bytes);
        let t2 = t.elapsed();
        let (tree, _) =
            errlint::document::parse(text, start.unwrap(), &Default::default()).unwrap();
        let t3 = t.elapsed();
        let _ = tree.get(errlint::document::NodeId::ROOT, "components");
        let comps = tree
            .get(errlint::document::NodeId::ROOT, "components")
            .unwrap();
        let _ = tree.get(comps, "schemas").and_then(|s| tree.get(s, "zzz"));
        let t4 = t.elapsed();
        let set = errlint::document::DocumentSet::load_path(
            std::path::Path::new(&path),
            "x".into(),
            Default::default(),
        );
        let t5 = t.elapsed();
        println!(
            "read {:?} decode {:?} parse {:?} index {:?} | load_path {:?}",
            t1,
            t2 - t1,
            t3 - t2,
            t4 - t3,
            t5 - t4
        );
        drop(set);
    }
}
