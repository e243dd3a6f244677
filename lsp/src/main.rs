//! The `crescent-lsp` binary.
fn main() {}
