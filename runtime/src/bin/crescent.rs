//! The `crescent` command-line tool: run a project, check it, print the API, start a new one.
//!
//! `main` only parses the command line and dispatches; each command lives in its own module
//! under `crescent/` (named with `#[path]`: a crate root in `src/bin/` looks for modules beside
//! itself, where Cargo would take every file for a binary of its own).

// Code users reach must never panic on a value: errors are returned or reported.
#![cfg_attr(
    not(test),
    deny(clippy::unwrap_used, clippy::expect_used, clippy::panic)
)]

#[path = "crescent/api_cmd.rs"]
mod api_cmd;
#[path = "crescent/check.rs"]
mod check;
#[path = "crescent/console.rs"]
mod console;
#[path = "crescent/dap.rs"]
mod dap;
#[path = "crescent/diagnostic.rs"]
mod diagnostic;
#[path = "crescent/embedded.rs"]
mod embedded;
#[path = "crescent/new.rs"]
mod new;
#[path = "crescent/run.rs"]
mod run;

use clap::{Parser, Subcommand, ValueEnum};
use std::path::PathBuf;
use std::process::ExitCode;

/// Crescent: Lua 5.4 scripts on entities. Run a project, check it, or start a new one.
#[derive(Parser, Debug)]
#[command(name = "crescent", version, about, long_about = None)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand, Debug)]
enum Command {
    /// Run a project (without DIR: the built-in demo).
    Run(run::RunArgs),
    /// Validate the scene, compile every script under scripts/ and lint the project with the
    /// language server's rules, without running anything.
    Check {
        /// Project folder (the one holding scene.json).
        #[arg(default_value = ".")]
        dir: PathBuf,
        /// Fail on warnings too (a misspelt component, an unknown property, ...).
        #[arg(long)]
        deny_warnings: bool,
    },
    /// Print the scripting API description.
    Api {
        /// Output format.
        #[arg(long, value_enum, default_value_t = ApiFormat::Json)]
        format: ApiFormat,
        /// Write to this file instead of standard output.
        #[arg(long)]
        out: Option<PathBuf>,
    },
    /// Create a project or a script from a template.
    #[command(subcommand)]
    New(NewCommand),
    /// Serve the Debug Adapter Protocol on standard input and output (for VS Code, nvim-dap
    /// and other clients): `launch` or `attach` with `{"project": DIR}`.
    Dap,
}

#[derive(Subcommand, Debug)]
enum NewCommand {
    /// Create a project folder with a scene, a script and an assets folder.
    Project {
        /// The new project's folder: a name (letters, digits, `-` and `_`) or a path ending in
        /// one (`../games/mygame`); missing folders on the way are created.
        name: String,
        /// Where to create it.
        #[arg(long, default_value = ".")]
        dir: PathBuf,
    },
    /// Create scripts/NAME.lua in a project from a template (every lifecycle function unless
    /// --template names another).
    Script {
        /// Script name, optionally in subfolders (`enemy`, `enemies/boss`); a module's `require`
        /// name is the same with dots (`lib/util` is `require("lib.util")`).
        name: String,
        /// What the script starts as.
        #[arg(long, value_enum, default_value_t = new::Template::Lifecycle)]
        template: new::Template,
        /// Project folder, or a folder inside one (the project is the nearest folder at or
        /// above it with a scene.json).
        #[arg(long, default_value = ".")]
        dir: PathBuf,
    },
}

/// Formats `crescent api` can print.
#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum ApiFormat {
    /// The versioned JSON description (what the language server reads).
    Json,
    /// A LuaLS/EmmyLua `---@meta` definition file.
    Luals,
    /// The Markdown API reference.
    Markdown,
}

fn main() -> ExitCode {
    init_tracing();
    let cli = Cli::parse();
    let result = match cli.command {
        Command::Run(args) => run::run(args),
        Command::Check { dir, deny_warnings } => check::check(&dir, deny_warnings),
        Command::Api { format, out } => api_cmd::api(format, out.as_deref()),
        Command::New(NewCommand::Project { name, dir }) => new::project(&dir, &name),
        Command::New(NewCommand::Script {
            name,
            template,
            dir,
        }) => new::script(&dir, &name, template),
        Command::Dap => dap::dap(),
    };
    match result {
        Ok(code) => code,
        Err(e) => {
            eprintln!("error: {e:#}");
            ExitCode::FAILURE
        }
    }
}

/// Tool diagnostics go to standard error; `RUST_LOG` overrides the default `warn` level.
/// Script logs and errors, which the runtime also traces (target `crescent::script`) for hosts
/// that do not read its events, are left out: the console shows them once, from the events.
fn init_tracing() {
    use tracing_subscriber::EnvFilter;
    let filter = EnvFilter::try_from_default_env()
        .unwrap_or_else(|_| EnvFilter::new("warn,crescent::script=off"));
    let _ = tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_ansi(diagnostic::Style::stderr().color)
        .with_writer(std::io::stderr)
        .with_target(false)
        .without_time()
        .try_init();
}
