//! Helpers shared by the end-to-end tests: locating the built binaries and making temporary projects.
//!
//! The tests drive the real `crescent` (and `crescent-lsp`) executables, the way a user or CI
//! does. The binaries live beside the test executable's folder
//! (`target/<profile>/deps/<test>` → `target/<profile>/crescent`); the first use builds them
//! with the same profile, so a stale binary is never tested (set `CRESCENT_E2E_NO_BUILD=1` to
//! skip that step when the binaries were built some other way).

pub mod dap_client;
pub mod fuzz;
pub mod game;
pub mod lsp_client;

use std::path::{Path, PathBuf};
use std::process::{Command, Output};
use std::sync::OnceLock;

/// The repository root (the workspace folder).
pub fn repo_root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .map(Path::to_path_buf)
        .unwrap_or_else(|| PathBuf::from(".."))
}

/// `target/<profile>`, from the running test executable's location.
pub fn profile_dir() -> PathBuf {
    let exe = std::env::current_exe().expect("the test executable has a path");
    let mut dir = exe
        .parent()
        .expect("the test executable is in a folder")
        .to_path_buf();
    if dir.ends_with("deps") {
        dir.pop();
    }
    dir
}

/// The path of a workspace binary, built on first use (see the module docs).
pub fn binary(name: &str) -> PathBuf {
    ensure_built();
    let path = profile_dir().join(format!("{name}{}", std::env::consts::EXE_SUFFIX));
    assert!(
        path.is_file(),
        "{} does not exist; build it with `cargo build --bin {name}`",
        path.display()
    );
    path
}

/// The `crescent` executable.
pub fn crescent_bin() -> PathBuf {
    binary("crescent")
}

/// The `crescent-lsp` executable.
pub fn lsp_bin() -> PathBuf {
    binary("crescent-lsp")
}

fn ensure_built() {
    static BUILT: OnceLock<()> = OnceLock::new();
    BUILT.get_or_init(|| {
        if std::env::var_os("CRESCENT_E2E_NO_BUILD").is_some() {
            return;
        }
        let cargo = std::env::var_os("CARGO").unwrap_or_else(|| "cargo".into());
        let profile = profile_dir();
        let mut cmd = Command::new(cargo);
        cmd.current_dir(repo_root()).args([
            "build",
            "--quiet",
            "--bin",
            "crescent",
            "--bin",
            "crescent-lsp",
            "--bin",
            "crescent-window",
        ]);
        if profile.file_name().is_some_and(|n| n == "release") {
            cmd.arg("--release");
        }
        if let Some(target) = profile.parent() {
            cmd.env("CARGO_TARGET_DIR", target);
        }
        let status = cmd.status().expect("cargo runs");
        assert!(status.success(), "building the binaries failed");
    });
}

/// The `embed` example program of the runtime crate.
pub fn embed_example() -> PathBuf {
    runtime_example("embed")
}

/// An example program of the runtime crate (built by `cargo test --workspace`).
pub fn runtime_example(name: &str) -> PathBuf {
    ensure_built();
    let path = profile_dir()
        .join("examples")
        .join(format!("{name}{}", std::env::consts::EXE_SUFFIX));
    assert!(
        path.is_file(),
        "{} does not exist; build it with `cargo build -p crescent-runtime --example {name}`",
        path.display()
    );
    path
}

/// A finished `crescent` run: exit status and both outputs as text.
#[derive(Debug)]
pub struct Run {
    /// Exit code (`-1` when killed by a signal).
    pub code: i32,
    /// Standard output.
    pub stdout: String,
    /// Standard error.
    pub stderr: String,
}

impl From<Output> for Run {
    fn from(out: Output) -> Run {
        Run {
            code: out.status.code().unwrap_or(-1),
            stdout: String::from_utf8_lossy(&out.stdout).into_owned(),
            stderr: String::from_utf8_lossy(&out.stderr).into_owned(),
        }
    }
}

impl Run {
    /// Standard output parsed as one JSON value.
    pub fn json(&self) -> serde_json::Value {
        serde_json::from_str(&self.stdout)
            .unwrap_or_else(|e| panic!("stdout is not JSON ({e}):\n{}", self.stdout))
    }

    /// Panics with both outputs unless the exit code is `code`.
    pub fn expect_code(self, code: i32) -> Run {
        assert_eq!(
            self.code, code,
            "exit code\n--- stdout\n{}\n--- stderr\n{}",
            self.stdout, self.stderr
        );
        self
    }
}

/// Runs `crescent` with `args` in `cwd` and waits for it.
pub fn crescent_in(cwd: &Path, args: &[&str]) -> Run {
    Command::new(crescent_bin())
        .current_dir(cwd)
        .args(args)
        .env_remove("RUST_LOG")
        .output()
        .expect("crescent starts")
        .into()
}

/// Runs `crescent` with `args` from the repository root.
pub fn crescent(args: &[&str]) -> Run {
    crescent_in(&repo_root(), args)
}

/// A fixture project folder under `tests/projects/`.
pub fn fixture(name: &str) -> PathBuf {
    repo_root().join("tests/projects").join(name)
}

/// A temporary copy of a folder (a fixture or an example), to run or edit freely.
pub fn copy_project(from: &Path) -> tempfile::TempDir {
    let dir = tempfile::tempdir().expect("temporary folder");
    copy_dir(from, dir.path());
    dir
}

fn copy_dir(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).expect("create folder");
    for entry in std::fs::read_dir(from).expect("read folder").flatten() {
        let path = entry.path();
        if entry.file_name() == ".crescent" {
            continue;
        }
        let target = to.join(entry.file_name());
        if path.is_dir() {
            copy_dir(&path, &target);
        } else {
            std::fs::copy(&path, &target).expect("copy file");
        }
    }
}

/// A temporary project made of `(relative path, contents)` files.
pub fn project(files: &[(&str, &str)]) -> tempfile::TempDir {
    let dir = tempfile::tempdir().expect("temporary folder");
    for (rel, text) in files {
        let path = dir.path().join(rel);
        if let Some(parent) = path.parent() {
            std::fs::create_dir_all(parent).expect("create folder");
        }
        std::fs::write(&path, text).expect("write file");
    }
    dir
}

/// A path as an argument.
pub fn arg(path: &Path) -> &str {
    path.to_str().expect("temporary paths are UTF-8")
}
