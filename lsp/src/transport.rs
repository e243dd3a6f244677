//! Standard input for the server (a plain pass-through until the filtering transport lands).

/// The server's input stream.
pub fn filtered_stdin() -> tokio::io::Stdin {
    tokio::io::stdin()
}
