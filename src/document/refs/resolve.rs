//! The scan that resolves every `$ref` reachable from the root: each file's references planned
//! on all threads, the files they name read ahead, then registered in one walk in order.

use super::chains::{RefTable, Target};
use super::load_options::Loaded;
use super::reference_text::{RefFailure, file_part, fragment_tokens, lookup};
use super::set::{DocumentSet, FileId, NodeRef, ProblemKind};
use crate::document::tree::{NodeId, Tree};
use rustc_hash::FxHashMap as HashMap;
use std::ffi::OsString;
use std::path::PathBuf;

/// A file's Reference Objects with their distinct texts, planned on all threads
/// ([`DocumentSet::plan_refs`]) for the scan that registers them.
#[derive(Debug, Default)]
pub(super) struct FileRefs {
    /// `(mapping, $ref value, index into texts)`, in node order.
    pub(super) objects: Vec<(NodeId, NodeId, u32)>,
    pub(super) texts: Vec<RefPlan>,
}

impl FileRefs {
    /// The file parts of the texts that name another file, each once.
    pub(super) fn locations(&self) -> impl Iterator<Item = &str> {
        self.texts.iter().filter_map(|plan| match plan {
            RefPlan::Elsewhere { location, .. } => Some(location.as_str()),
            RefPlan::Resolved(_) => None,
        })
    }
}

/// Distinct reference texts, numbered in the order they first appear.
#[derive(Default)]
struct Texts<'a> {
    ids: HashMap<&'a str, u32>,
    in_order: Vec<&'a str>,
}

impl<'a> Texts<'a> {
    /// The number of `text`, given when it is first seen.
    fn id(&mut self, text: &'a str) -> u32 {
        *self.ids.entry(text).or_insert_with(|| {
            self.in_order.push(text);
            self.in_order.len() as u32 - 1
        })
    }
}

/// One reference text of a file, as far as the file alone takes it.
#[derive(Debug)]
pub(super) enum RefPlan {
    /// A fragment alone, looked up in the file itself; a text that fails on its own; or,
    /// once the scan has met it, a text that names another file.
    Resolved(Result<NodeRef, RefFailure>),
    /// Another file, by its path as written (after the file's base URI), and the tokens
    /// of the fragment to look up in it.
    Elsewhere {
        location: String,
        tokens: Result<Vec<String>, RefFailure>,
    },
}

impl DocumentSet {
    /// Resolves every reference reachable from `root`, loading referenced files as it goes.
    pub(super) fn resolve_all(&mut self, root: FileId) {
        let mut raw = RefTable::default();
        let mut queue = vec![root];
        let mut scanned = 0;
        // Files are scanned breadth first. Before each generation is scanned, the files it
        // references are read and parsed on all threads; the scan itself (ids, problems,
        // order) is the same one-by-one walk either way.
        let mut generation = Vec::new().into_iter();
        let mut generation_end = 0;
        while scanned < queue.len() {
            if scanned == generation_end {
                generation_end = queue.len();
                let plans: Vec<FileRefs> = {
                    use rayon::prelude::*;
                    let this = &*self;
                    queue[scanned..]
                        .par_iter()
                        .map(|&file| this.plan_refs(file))
                        .collect()
                };
                self.prefetch(&queue[scanned..], &plans);
                generation = plans.into_iter();
            }
            let file = queue[scanned];
            scanned += 1;
            let FileRefs { objects, mut texts } = generation.next().unwrap_or_default();
            for (ref_node, value, text) in objects {
                let plan = &mut texts[text as usize];
                if let RefPlan::Elsewhere { location, tokens } = plan {
                    let resolved =
                        self.resolve_elsewhere(file, value, location, tokens, &mut queue);
                    *plan = RefPlan::Resolved(resolved);
                }
                let target = match plan {
                    RefPlan::Resolved(Ok(node)) => Target::Node(*node),
                    RefPlan::Resolved(Err(failure)) => {
                        let (kind, message) = (failure.kind, failure.message.clone());
                        self.problem(kind, file, value, message, failure.help.clone());
                        Target::Unknown
                    }
                    // Resolved just above.
                    RefPlan::Elsewhere { .. } => Target::Unknown,
                };
                raw.entries.push((
                    NodeRef {
                        file,
                        node: ref_node,
                    },
                    target,
                ));
            }
        }
        // Files are scanned in the order of their ids and each file in node order, so the
        // table is sorted already; sorting again costs one pass and guards the invariant.
        raw.entries.sort_by_key(|(at, _)| *at);
        self.refs = self.follow_chains(raw);
    }

    /// Reads and parses, on all threads, the not yet loaded files that `files` reference
    /// (their references planned in `plans`), for the scan to take.
    fn prefetch(&mut self, files: &[FileId], plans: &[FileRefs]) {
        use rayon::prelude::*;
        self.locate_ahead(files, plans);
        let mut wanted: Vec<(PathBuf, PathBuf)> = Vec::new();
        let mut seen: rustc_hash::FxHashSet<OsString> = Default::default();
        for (&file, refs) in files.iter().zip(plans) {
            for location in refs.locations() {
                if let Ok(found) = self.locate(file, location) {
                    let known = found.id.get().is_some()
                        || self.by_path.contains_key(found.real.as_os_str());
                    if !known && seen.insert(found.real.as_os_str().to_owned()) {
                        wanted.push((found.path.clone(), found.real.clone()));
                    }
                }
            }
        }
        // One file is read where it is needed; threads pay from two on.
        if wanted.len() < 2 {
            return;
        }
        let options = &self.options;
        let loaded: Vec<Loaded> = wanted
            .par_iter()
            .map(|(path, real)| Loaded::read(path, real, options))
            .collect();
        for ((_, real), loaded) in wanted.into_iter().zip(loaded) {
            self.prefetched.insert(real.into(), loaded);
        }
    }

    /// Reference Objects of a file: `(mapping, $ref value)`. Extensions (`x-…`) and literal
    /// `example` values are data, not OpenAPI, so references inside them are not followed.
    fn reference_objects(&self, file: FileId) -> Vec<(NodeId, NodeId)> {
        let Some(tree) = self.tree(file) else {
            return Vec::new();
        };
        // Flags find the candidates without touching any text; only they walk up to see
        // whether an extension or an example holds them. A large file's nodes are looked
        // at on all threads (Stripe's 400,000 are one file), in order.
        use rayon::prelude::*;
        (0..tree.len() as u32)
            .into_par_iter()
            .with_min_len(1 << 14)
            .map(NodeId)
            .filter(|&id| {
                tree.has_ref(id)
                    && !self
                        .options
                        .opaque_key
                        .is_some_and(|opaque| inside_opaque_value(tree, id, opaque))
            })
            .filter_map(|id| tree.get(id, "$ref").map(|value| (id, value)))
            .collect()
    }

    /// A file's Reference Objects, and each distinct reference text taken as far as the
    /// file alone takes it: its file part found (not yet located), its fragment parsed, a
    /// fragment alone looked up. Runs on all threads, so the scan that follows only
    /// registers files and looks up what other files hold.
    fn plan_refs(&self, file: FileId) -> FileRefs {
        use rayon::prelude::*;
        let Some(tree) = self.tree(file) else {
            return FileRefs::default();
        };
        let objects = self.reference_objects(file);
        // The same reference text from the same file always means the same thing; large
        // documents repeat a few hundred targets thousands of times. A large file's
        // references (Stripe's 50,000 are in one file) are indexed in stretches on all
        // threads; the stretches' texts then join in order, so each text keeps the index
        // of its first appearance.
        let stretches: Vec<(Texts, Vec<u32>)> = objects
            .par_chunks(1 << 12)
            .map(|stretch| {
                let mut texts = Texts::default();
                let ids = stretch
                    .iter()
                    .map(|&(_, value)| texts.id(tree.str(value).unwrap_or_default()))
                    .collect();
                (texts, ids)
            })
            .collect();
        let mut texts = Texts::default();
        let mut planned = Vec::with_capacity(objects.len());
        let mut objects = objects.into_iter();
        for (stretch_texts, ids) in stretches {
            let joined: Vec<u32> = stretch_texts
                .in_order
                .into_iter()
                .map(|text| texts.id(text))
                .collect();
            for (id, (ref_node, value)) in ids.into_iter().zip(objects.by_ref()) {
                planned.push((ref_node, value, joined[id as usize]));
            }
        }
        let base = self.base_uri(file);
        let plan = |reference: &str| match file_part(base.as_deref(), reference) {
            Err(failure) => RefPlan::Resolved(Err(failure)),
            Ok(None) => RefPlan::Resolved(
                fragment_tokens(reference)
                    .and_then(|tokens| lookup(tree, file, || reference, &tokens)),
            ),
            Ok(Some(location)) => RefPlan::Elsewhere {
                location,
                tokens: fragment_tokens(reference),
            },
        };
        FileRefs {
            objects: planned,
            texts: texts
                .in_order
                .par_iter()
                .with_min_len(64)
                .map(|&reference| plan(reference))
                .collect(),
        }
    }

    /// Resolves a reference (at `value` in `file`) into another file, loading that file if
    /// it is new.
    fn resolve_elsewhere(
        &mut self,
        file: FileId,
        value: NodeId,
        location: &str,
        tokens: &Result<Vec<String>, RefFailure>,
        queue: &mut Vec<FileId>,
    ) -> Result<NodeRef, RefFailure> {
        let target_file = self.referenced_file(file, location, queue)?;
        // The text is read again only for a message.
        let reference = || {
            self.tree(file)
                .and_then(|t| t.str(value))
                .unwrap_or_default()
        };
        let Some(target_tree) = self.tree(target_file) else {
            // The file's own problem is reported where it is.
            let reference = reference();
            let written = reference.split('#').next().unwrap_or("");
            return Err(RefFailure::new(
                ProblemKind::UnresolvedRef,
                format!("`{written}` could not be parsed, so `{reference}` does not resolve"),
                None,
            ));
        };
        let tokens = tokens.as_ref().map_err(Clone::clone)?;
        lookup(target_tree, target_file, reference, tokens)
    }

    /// A file's own base URI (`$self`), when its root declares one.
    fn base_uri(&self, file: FileId) -> Option<String> {
        let key = self.options.base_uri_key?;
        let tree = self.tree(file)?;
        tree.str(tree.get(NodeId::ROOT, key)?).map(str::to_string)
    }

    /// The file `location` names from `from`, loaded (or taken from those loaded before).
    fn referenced_file(
        &mut self,
        from: FileId,
        location: &str,
        queue: &mut Vec<FileId>,
    ) -> Result<FileId, RefFailure> {
        let found = self.locate(from, location)?;
        if let Some(&id) = found.id.get() {
            return Ok(id);
        }
        let (path, real) = (&found.path, &found.real);
        if let Some(&id) = self.by_path.get(real.as_os_str()) {
            let _ = found.id.set(id);
            return Ok(id);
        }
        if !found.is_file {
            return Err(RefFailure::new(
                ProblemKind::UnresolvedRef,
                format!("cannot read `{location}`: it is not a file"),
                None,
            ));
        }
        let name = match &found.name {
            Some(name) => name.clone(),
            None => self.name_of(path),
        };
        let id = self.read_file(path, real.clone(), name);
        let _ = found.id.set(id);
        queue.push(id);
        Ok(id)
    }
}

/// True when a node lies under a key whose value is opaque data.
fn inside_opaque_value(tree: &Tree, node: NodeId, opaque: fn(&Tree, NodeId) -> bool) -> bool {
    let mut at = node;
    while let Some(parent) = tree.parent(at) {
        if tree.is_mapping(parent) && tree.key_of(at).is_some_and(|k| opaque(tree, k)) {
            return true;
        }
        at = parent;
    }
    false
}

#[cfg(test)]
mod tests {
    use super::super::test_support::{load, scratch};
    use super::super::{DocumentSet, FileId, LoadOptions, NodeRef, ProblemKind};
    use super::RefPlan;
    use crate::document::tree::{NodeId, Tree};

    #[test]
    fn references_under_opaque_keys_are_data() {
        let text = "x-samples: {$ref: 'missing.sh'}\nexample: {$ref: '#/nowhere'}\n";
        let opaque: fn(&Tree, NodeId) -> bool = |tree, key| {
            tree.scalar(key)
                .is_some_and(|k| k.starts_with("x-") || k == "example")
        };
        let options = LoadOptions {
            opaque_key: Some(opaque),
            ..LoadOptions::default()
        };
        let set = DocumentSet::load_text("t.yaml".into(), text, None, options);
        assert!(set.problems.is_empty(), "{:?}", set.problems);
        // Without the caller's word, every reference is followed.
        assert_eq!(load(text).problems.len(), 2);
    }

    #[test]
    fn self_is_the_base_of_a_documents_references_and_never_fetched() {
        let dir = scratch("self");
        std::fs::create_dir_all(dir.join("shared")).unwrap();
        std::fs::write(dir.join("e.yaml"), "E: {type: object}\n").unwrap();
        std::fs::write(dir.join("shared/e.yaml"), "E: {type: string}\n").unwrap();
        let options = || LoadOptions {
            base_uri_key: Some("$self"),
            ..LoadOptions::default()
        };
        let load_doc = |text: &str| {
            std::fs::write(dir.join("openapi.yaml"), text).unwrap();
            DocumentSet::load_path(&dir.join("openapi.yaml"), "openapi.yaml".into(), options())
        };
        let kind_of = |set: &DocumentSet| {
            let tree = set.tree(FileId(0)).unwrap();
            let at = tree.lookup(["a"]).unwrap();
            let target = set.deref(NodeRef {
                file: FileId(0),
                node: at,
            })?;
            let tree = set.tree(target.file).unwrap();
            tree.get(target.node, "type")
                .and_then(|t| tree.str(t))
                .map(str::to_string)
        };
        // An absolute `$self`: references in its folder are the document's neighbours.
        let set =
            load_doc("$self: https://api.example.com/v2/openapi.yaml\na: {$ref: 'e.yaml#/E'}\n");
        assert!(set.problems.is_empty(), "{:?}", set.problems);
        assert_eq!(kind_of(&set).as_deref(), Some("object"));
        // Above its folder is elsewhere on the network: reported, not fetched.
        let set = load_doc(
            "$self: https://api.example.com/v2/openapi.yaml\na: {$ref: '../v1/e.yaml#/E'}\n",
        );
        assert_eq!(set.problems.len(), 1);
        assert_eq!(set.problems[0].kind, ProblemKind::RemoteRef);
        assert!(
            set.problems[0]
                .message
                .contains("https://api.example.com/v1/e.yaml")
        );
        // A relative `$self` moves the base within the tree.
        let set = load_doc("$self: shared/openapi.yaml\na: {$ref: 'e.yaml#/E'}\n");
        assert!(set.problems.is_empty(), "{:?}", set.problems);
        assert_eq!(kind_of(&set).as_deref(), Some("string"));
        // Without `$self`, the document's own folder.
        let set = load_doc("a: {$ref: 'e.yaml#/E'}\n");
        assert_eq!(kind_of(&set).as_deref(), Some("object"));
        let _ = std::fs::remove_dir_all(&dir);
    }

    /// A file with more references than one stretch: every object keeps its own text, and
    /// the texts are numbered in the order they first appear, as one pass would.
    #[test]
    fn a_large_files_references_are_planned_in_stretches_as_in_one() {
        let count = 3 * (1 << 12) + 5;
        let mut text = String::from("t:\n");
        for j in 0..200 {
            text.push_str(&format!("  n{j}: {j}\n"));
        }
        text.push_str("r:\n");
        for i in 0..count {
            // New texts keep appearing in later stretches; old ones come back.
            let j = if i % 3 == 0 { i / 64 } else { (i * 7) % 50 };
            text.push_str(&format!("  - {{$ref: '#/t/n{j}'}}\n"));
        }
        let set = load(&text);
        let refs = set.plan_refs(FileId(0));
        assert_eq!(refs.objects.len(), count);
        let tree = set.tree(FileId(0)).unwrap();
        let mut first_of: Vec<&str> = Vec::new();
        for &(_, value, id) in &refs.objects {
            let written = tree.str(value).unwrap();
            match first_of.get(id as usize) {
                Some(&known) => assert_eq!(known, written),
                None => {
                    assert_eq!(id as usize, first_of.len(), "numbered out of order");
                    first_of.push(written);
                }
            }
        }
        assert_eq!(first_of.len(), refs.texts.len());
        for (written, plan) in first_of.iter().zip(&refs.texts) {
            let RefPlan::Resolved(Ok(target)) = plan else {
                panic!("{written} did not resolve: {plan:?}");
            };
            assert_eq!(format!("#{}", tree.pointer(target.node)), *written);
        }
    }

    /// Each reference text is worked out once, ahead of the scan; the problems still come
    /// in the order one walk meets them: a file's problems where it is first reached.
    #[test]
    fn problems_come_in_the_order_one_scan_meets_them() {
        let dir = scratch("order");
        std::fs::write(
            dir.join("openapi.yaml"),
            "a: {$ref: '#/missing'}\nb: {$ref: 'broken.yaml#/x'}\nc: {$ref: '#/a/~2'}\nd: {$ref: 'good.yaml#/nope'}\ne: {$ref: '#/missing'}\n",
        )
        .unwrap();
        std::fs::write(dir.join("broken.yaml"), "x: [1\n").unwrap();
        std::fs::write(dir.join("good.yaml"), "x: 1\n").unwrap();
        let set = DocumentSet::load_path(
            &dir.join("openapi.yaml"),
            "openapi.yaml".into(),
            LoadOptions::default(),
        );
        let problems: Vec<(u32, &str)> = set
            .problems
            .iter()
            .map(|p| (p.file.0, p.message.as_str()))
            .collect();
        assert_eq!(
            problems,
            [
                (
                    0,
                    "`#/missing` does not resolve: the document root has no key `missing`"
                ),
                (
                    1,
                    "invalid YAML: while parsing a flow sequence, expected ',' or ']'"
                ),
                (
                    0,
                    "`broken.yaml` could not be parsed, so `broken.yaml#/x` does not resolve"
                ),
                (
                    0,
                    "bad reference `#/a/~2`: `~2` has a `~` that is not `~0` or `~1` (RFC 6901)"
                ),
                (
                    0,
                    "`good.yaml#/nope` does not resolve: the document root has no key `nope`"
                ),
                (
                    0,
                    "`#/missing` does not resolve: the document root has no key `missing`"
                ),
            ]
        );
        let _ = std::fs::remove_dir_all(&dir);
    }
}
