//! The Crescent language server.
