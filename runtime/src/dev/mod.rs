//! Hot reload and the dev channel: the project watcher, the TCP channel to tools, and the
//! host that joins them to the game loop.

mod watch;

pub use watch::{is_watched_path, ChangeKind, FileChange, ProjectWatcher, REMOVAL_GRACE};
