fn main() {
    let path = std::env::args().nth(1).unwrap();
    let bytes = std::fs::read(&path).unwrap();
    let (text, start) = errlint::document::decode(bytes);
    let (tree, _) = errlint::document::parse(text, start.unwrap(), &Default::default()).unwrap();
    println!(
        "nodes {} text {} arena {}",
        tree.len(),
        tree.text().len(),
        tree.arena_len()
    );
}
