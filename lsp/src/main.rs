//! The `crescent-lsp` binary: the language server over stdio.
//!
//! Command-line arguments are ignored (editors pass `--stdio`). Logs go to stderr, filtered by
//! `CRESCENT_LSP_LOG` (for example `CRESCENT_LSP_LOG=debug`).

// Code users reach must never panic on a value: errors are returned or reported.
#![cfg_attr(
    not(test),
    deny(clippy::unwrap_used, clippy::expect_used, clippy::panic)
)]

fn main() {
    tracing_subscriber::fmt()
        .with_writer(std::io::stderr)
        .with_env_filter(
            tracing_subscriber::EnvFilter::try_from_env("CRESCENT_LSP_LOG")
                .unwrap_or_else(|_| tracing_subscriber::EnvFilter::new("warn")),
        )
        .with_ansi(false)
        .init();
    let runtime = match tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
    {
        Ok(rt) => rt,
        Err(e) => {
            eprintln!("crescent-lsp: cannot start the async runtime: {e}");
            std::process::exit(1);
        }
    };
    runtime.block_on(async {
        let stdin = crescent_lsp::transport::filtered_stdin();
        let (service, socket) = crescent_lsp::server::service();
        tower_lsp::Server::new(stdin, tokio::io::stdout(), socket)
            .serve(service)
            .await;
    });
}
