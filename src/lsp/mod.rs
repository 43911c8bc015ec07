//! `errlint lsp`: a language server over standard input and output (`lsp-server` and
//! `lsp-types`, as rust-analyzer). It lints each open OpenAPI document from its unsaved buffer,
//! with every other open buffer standing in for its file (a `$ref`'d file being edited counts
//! as edited), and publishes the findings of every file they reach. A change to a file re-lints
//! the open documents that read it; a saved `errlint.yaml` re-lints them all, since each lint
//! discovers its config as the CLI does. Hover on a rule id shows its documentation; code
//! actions offer the findings' fixes and "ignore here".
//!
//! Messages that arrive together are handled together: a burst of keystrokes is one lint.
//!
//! Nothing a client or a file sends can stop the server: frames are capped ([`transport`]),
//! a handler that panics becomes an error response and a log line, ranges and edits come from
//! the exact text that was linted (a file changed on disk since is linted again first), and
//! only open buffers and regular files inside the workspace are read.

mod convert;
mod handlers;
mod session;
mod transport;

pub use session::{run_stdio, serve};

type Error = Box<dyn std::error::Error + Send + Sync>;
