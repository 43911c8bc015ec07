//! The integration tests, linked once.
//!
//! Each file beside this one is a module of this binary rather than a test binary of its own:
//! every binary links all of errlint and its dependencies, and twenty-two of them took most of
//! a CI run's disk and link time. A file's tests still read as before, and `cargo test cli::`
//! runs one file's.

mod action;
mod cli;
mod composition;
mod contract;
mod corpus;
mod diff;
mod diff_changes;
mod docs;
mod external;
mod fix;
mod formats;
mod hostile;
mod hostile_traffic;
mod house;
mod library;
mod links;
mod lsp;
mod npm;
mod packaging;
mod pre_commit;
mod precedence;
mod producers;
mod properties;
mod registry;
mod rule_pages;
mod shared_uses;
mod spans;
mod surface;
mod traffic;
mod trust;
mod writes;
mod yaml_fast;
