//! The `crescent` command-line tool.
fn main() {}
