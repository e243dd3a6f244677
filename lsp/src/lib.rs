//! Crescent's language server: engine-aware Lua 5.4 analysis over LSP.
//!
//! Two layers with one rule between them: [`analysis`] is plain Rust over text and byte
//! offsets and never imports the LSP crates; [`server`] is the only code that knows tower-lsp,
//! and each of its handlers converts the request, runs the analysis and converts the answer.
//! [`transport`] adapts the process's stdin for real clients; [`live`] joins a running game
//! through its dev channel.
#![warn(missing_docs)]
// Code users reach must never panic on a value: errors are returned or reported.
#![cfg_attr(
    not(test),
    deny(clippy::unwrap_used, clippy::expect_used, clippy::panic)
)]

/// The analysis, from its own crate (`crescent check` uses it too).
pub use crescent_analysis as analysis;
pub mod live;
pub mod server;
pub mod transport;
