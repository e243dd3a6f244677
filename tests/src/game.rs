//! A game running in real time with its dev channel open (`crescent run DIR --watch`), for
//! tests and benchmarks that need the live link.

use crate::crescent_bin;
use std::path::Path;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

/// A running `crescent run DIR --watch`; killed when dropped. Its log is `DIR/game.log`.
pub struct RunningGame(Child);

impl RunningGame {
    /// Starts the game on `root` and waits (up to 20 s) for its `.crescent/session.json`.
    pub fn start(root: &Path) -> RunningGame {
        let session = root.join(".crescent/session.json");
        let _ = std::fs::remove_file(&session);
        let log = std::fs::File::create(root.join("game.log")).expect("game log");
        let child = Command::new(crescent_bin())
            .args(["run", &root.to_string_lossy(), "--watch"])
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(log)
            .spawn()
            .expect("start crescent run --watch");
        let game = RunningGame(child);
        let deadline = Instant::now() + Duration::from_secs(20);
        while !session.exists() {
            assert!(Instant::now() < deadline, "the game wrote no session.json");
            std::thread::sleep(Duration::from_millis(20));
        }
        game
    }
}

impl Drop for RunningGame {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}
