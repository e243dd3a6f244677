//! A wake-up signal from the watcher and the dev channel to a game loop that is idle between frames.

use std::sync::{Condvar, Mutex};
use std::time::Instant;

/// Rung by background threads when they have something for the game loop; waited on by the
/// game loop while it sleeps until its next frame, so a save is compiled and swapped in during
/// that idle time instead of at the start of the next frame.
#[derive(Default)]
pub(crate) struct Doorbell {
    rung: Mutex<bool>,
    wake: Condvar,
}

impl Doorbell {
    pub(crate) fn ring(&self) {
        *self.rung.lock().unwrap_or_else(|p| p.into_inner()) = true;
        self.wake.notify_all();
    }

    /// Waits until rung or until `deadline`; returns whether it was rung (and clears it).
    pub(crate) fn wait_until(&self, deadline: Instant) -> bool {
        let mut rung = self.rung.lock().unwrap_or_else(|p| p.into_inner());
        loop {
            if *rung {
                *rung = false;
                return true;
            }
            let now = Instant::now();
            if now >= deadline {
                return false;
            }
            rung = match self.wake.wait_timeout(rung, deadline - now) {
                Ok((guard, _)) => guard,
                Err(poisoned) => poisoned.into_inner().0,
            };
        }
    }
}
