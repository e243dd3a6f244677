//! Helpers shared by the tests that drive other programs: deciding whether the program is there
//! to test with, and running it with a time limit.

// Each test binary compiles this module and uses only some of it.
#![allow(dead_code)]

use std::process::{Command, Output, Stdio};
use std::time::Duration;

/// Runs a command to completion with its output captured, killing it if it takes longer than
/// `limit`. `what` names the program in failure messages.
pub fn run_with_timeout(mut command: Command, limit: Duration, what: &str) -> Output {
    command.stdout(Stdio::piped()).stderr(Stdio::piped());
    let child = command
        .spawn()
        .unwrap_or_else(|e| panic!("cannot start {what}: {e}"));
    let id = child.id();
    let (tx, rx) = std::sync::mpsc::channel();
    std::thread::spawn(move || {
        let _ = tx.send(child.wait_with_output());
    });
    match rx.recv_timeout(limit) {
        Ok(output) => output.unwrap_or_else(|e| panic!("waiting for {what} failed: {e}")),
        Err(_) => {
            // Kill exactly the process this test started.
            let _ = Command::new("kill").arg("-9").arg(id.to_string()).status();
            panic!("{what} did not finish within {limit:?}");
        }
    }
}

/// Whether a test must stop because a program it drives (an editor, `luac5.4`) is not
/// installed: prints why and returns true on a developer's machine; fails the test under
/// `CI=true`, where `.ci/run` installs them all, so a missing one is never a silent pass.
pub fn tool_missing(available: bool, test: &str, why: &str) -> bool {
    if available {
        return false;
    }
    println!("SKIPPED {test}: {why}");
    assert!(std::env::var("CI").as_deref() != Ok("true"), "{why}");
    true
}
