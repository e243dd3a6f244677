//! `crescent run` without `--frames`: real time until Ctrl-C, then the report.
#![cfg(unix)]

use crescent_e2e::*;
use std::io::{BufRead, BufReader, Read};
use std::process::{Command, Stdio};
use std::sync::mpsc;
use std::time::{Duration, Instant};

#[test]
fn runs_in_real_time_until_interrupted_then_reports() {
    let mut child = Command::new(crescent_bin())
        .args(["run", arg(&fixture("faulty")), "--report", "json"])
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("crescent starts");
    let stderr = child.stderr.take().expect("piped stderr");
    let (tx, rx) = mpsc::channel();
    let reader = std::thread::spawn(move || {
        let mut all = String::new();
        for line in BufReader::new(stderr).lines() {
            let Ok(line) = line else { break };
            let _ = tx.send(line.clone());
            all.push_str(&line);
            all.push('\n');
        }
        all
    });
    // Wait for the loop to start and for a few logs (one every 10 frames), then press Ctrl-C.
    let started = Instant::now();
    let mut logs = 0;
    while logs < 3 {
        let line = rx
            .recv_timeout(Duration::from_secs(20))
            .expect("the game logs while it runs");
        if line.contains("steady at") {
            logs += 1;
        }
    }
    let elapsed = started.elapsed();
    let status = Command::new("kill")
        .args(["-INT", &child.id().to_string()])
        .status()
        .expect("kill runs");
    assert!(status.success());
    let deadline = Instant::now() + Duration::from_secs(20);
    let code = loop {
        if let Some(code) = child.try_wait().expect("wait") {
            break code;
        }
        if Instant::now() > deadline {
            let _ = child.kill();
            panic!("crescent did not stop on Ctrl-C");
        }
        std::thread::sleep(Duration::from_millis(20));
    };
    let mut stdout = String::new();
    child
        .stdout
        .take()
        .expect("piped stdout")
        .read_to_string(&mut stdout)
        .expect("read stdout");
    let stderr = reader.join().expect("reader thread");
    assert_eq!(code.code(), Some(0), "{stderr}");
    assert!(stderr.contains("press Ctrl-C to stop"), "{stderr}");
    assert!(stderr.contains("done: "), "{stderr}");

    let report: serde_json::Value = serde_json::from_str(&stdout).expect("a JSON report");
    let frames = report["frames"].as_u64().expect("frames");
    // Real time: 30 frames take half a second, not a few milliseconds.
    assert!(frames >= 30, "{frames} frames");
    assert!(
        elapsed >= Duration::from_millis(400),
        "three logs 10 frames apart came after {elapsed:?}: not real time"
    );
}
