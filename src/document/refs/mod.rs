//! A root document and every file it reaches through `$ref`, with each reference resolved once.
//! Remote references are reported and never fetched; cycles are found and never looped on.

mod chains;
mod load_options;
mod path_cache;
mod reference_text;
mod resolve;
mod set;
#[cfg(test)]
mod test_support;

pub use load_options::{LoadHints, LoadOptions, Overlay};
pub use set::{DocumentSet, FileId, Hop, NodeRef, Problem, ProblemKind};
