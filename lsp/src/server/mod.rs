//! The LSP server layer.
