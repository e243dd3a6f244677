//! The Crescent language server.

pub mod live;
