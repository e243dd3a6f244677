//! Helpers shared by the editor tests: running an editor process with a time limit.

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
