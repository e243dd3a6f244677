//! The Crescent language server.

pub mod transport;
