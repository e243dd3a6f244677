//! Watches a project directory and reports each finished save of a script or of `scene.json`.
//!
//! There is no debounce timer: a timer adds its whole timeout to every reload. Instead the
//! watcher reacts to the events that mark a *finished* save and ignores the rest:
//!
//! - in place (truncate + write): `Access(Close(Write))` on the file;
//! - atomic (write a temporary file, rename it over the original): `Modify(Name(To))`;
//! - backup-then-write (rename the original away, write a new file): the rename away starts a
//!   short grace period, the new file's `Close(Write)` reports the change, and the file is
//!   reported as removed only if it is still missing when the grace period ends;
//! - delete: `Remove`, with the same grace period.
//!
//! Editor temporaries never reach the game: only `.lua` files under `scripts/` and the root
//! `scene.json` are considered, and hidden files, `~` backups, `.swp`/`.swx`, `.tmp`, `#...#`
//! autosaves and numeric probes (vim's `4913`) are skipped by name. A save that leaves the
//! bytes as they were is not reported (the watcher keeps a content hash per file), so an
//! editor that writes the same file twice, or touches it, causes no reload.
//!
//! The whole project directory is watched recursively. A watch on a single file would die
//! after the first atomic save, since the rename replaces the inode it was attached to.

use std::collections::hash_map::DefaultHasher;
use std::collections::HashMap;
use std::hash::Hasher;
use std::io;
use std::path::{Component, Path, PathBuf};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::mpsc::{self, Receiver, RecvTimeoutError, Sender};
use std::sync::Arc;
use std::thread::JoinHandle;
use std::time::{Duration, Instant};

use super::doorbell::Doorbell;
use notify::event::{AccessKind, AccessMode, CreateKind, ModifyKind, RemoveKind, RenameMode};
use notify::{EventKind, RecommendedWatcher, RecursiveMode, Watcher};

/// How long a file may be missing during a save before it is reported as removed.
///
/// Backup-then-write editors rename the original away and write a new file a few hundred
/// microseconds later; 50 ms covers a slow disk without delaying a real delete noticeably.
pub const REMOVAL_GRACE: Duration = Duration::from_millis(50);

/// What happened to a watched file.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ChangeKind {
    /// A file the watcher knew now has different bytes.
    Changed,
    /// A file appeared that the watcher did not know (new, or back after being removed).
    Created,
    /// The file is gone and did not come back within [`REMOVAL_GRACE`].
    Removed,
}

/// One finished save (or removal) of a project file that matters to the runtime.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct FileChange {
    /// Path relative to the project root, with `/` separators (`scripts/player.lua`).
    pub path: String,
    /// What happened to the file.
    pub kind: ChangeKind,
    /// When the watcher received the file system event that completed the save.
    pub seen: Instant,
    /// The bytes the watcher read and hashed for this change, when they are UTF-8 (`None` for
    /// a removal). Applying these rather than re-reading the file means a version that was on
    /// disk for a moment is still the version that gets compiled, even if the file changed
    /// again before the game loop got to it.
    pub source: Option<String>,
}

/// A recursive watch of a project directory that turns editor saves into [`FileChange`]s.
///
/// Changes are computed on a background thread; the game loop takes them without blocking
/// through [`ProjectWatcher::try_recv`] or [`ProjectWatcher::drain`].
///
/// # Example
/// ```no_run
/// let watcher = crescent_runtime::ProjectWatcher::start("my-game")?;
/// loop {
///     for change in watcher.drain() {
///         println!("{} {:?}", change.path, change.kind);
///     }
///     # break;
///     // ... run a frame ...
/// }
/// # Ok::<(), std::io::Error>(())
/// ```
pub struct ProjectWatcher {
    root: PathBuf,
    watcher: Option<RecommendedWatcher>,
    changes: Receiver<FileChange>,
    stop: Arc<AtomicBool>,
    worker: Option<JoinHandle<()>>,
}

impl ProjectWatcher {
    /// Starts watching `root` recursively.
    ///
    /// The current content of every script and of `scene.json` is hashed before this returns,
    /// so a save made after `start` is reported and a save that does not change the bytes is
    /// not. Start the watcher before loading the scene so that no save falls in between.
    ///
    /// # Errors
    /// The root does not exist or is not a directory, or the operating system refuses the
    /// watch (for example the inotify watch limit is reached).
    pub fn start(root: impl AsRef<Path>) -> io::Result<ProjectWatcher> {
        Self::start_with_doorbell(root, Arc::new(Doorbell::default()))
    }

    /// [`ProjectWatcher::start`], ringing `bell` whenever a change is ready.
    pub(crate) fn start_with_doorbell(
        root: impl AsRef<Path>,
        bell: Arc<Doorbell>,
    ) -> io::Result<ProjectWatcher> {
        let root = root.as_ref().canonicalize()?;
        if !root.is_dir() {
            return Err(io::Error::new(
                io::ErrorKind::NotADirectory,
                format!("{} is not a directory", root.display()),
            ));
        }
        let (raw_tx, raw_rx) = mpsc::channel::<RawEvent>();
        let mut watcher = notify::recommended_watcher(move |event| {
            // The receiving side only goes away when the watcher is being dropped.
            let _ = raw_tx.send((Instant::now(), event));
        })
        .map_err(notify_to_io)?;
        watcher
            .watch(&root, RecursiveMode::Recursive)
            .map_err(notify_to_io)?;

        let (tx, changes) = mpsc::channel();
        let mut tracker = Tracker {
            root: root.clone(),
            known: HashMap::new(),
            unread: HashMap::new(),
            reading: None,
            written_during_read: false,
            empty_rechecks: Vec::new(),
            pending_removals: Vec::new(),
            out: tx,
            bell,
        };
        tracker.scan_all(Instant::now(), false);

        let stop = Arc::new(AtomicBool::new(false));
        let worker_stop = stop.clone();
        let worker = std::thread::Builder::new()
            .name("crescent-watch".into())
            .spawn(move || tracker.run(raw_rx, &worker_stop))?;
        Ok(ProjectWatcher {
            root,
            watcher: Some(watcher),
            changes,
            stop,
            worker: Some(worker),
        })
    }

    /// The watched directory, canonicalized.
    pub fn root(&self) -> &Path {
        &self.root
    }

    /// The next change, if one is ready; never blocks.
    pub fn try_recv(&self) -> Option<FileChange> {
        self.changes.try_recv().ok()
    }

    /// Every change ready now, oldest first; never blocks.
    pub fn drain(&self) -> Vec<FileChange> {
        self.changes.try_iter().collect()
    }

    /// Waits up to `timeout` for the next change (for tools and tests; a game loop uses
    /// [`ProjectWatcher::drain`]).
    pub fn recv_timeout(&self, timeout: Duration) -> Option<FileChange> {
        self.changes.recv_timeout(timeout).ok()
    }
}

impl Drop for ProjectWatcher {
    fn drop(&mut self) {
        self.stop.store(true, Ordering::Relaxed);
        // Dropping the notify watcher stops its thread, which drops the raw sender and wakes
        // the worker; the stop flag covers the case where that takes a while.
        drop(self.watcher.take());
        if let Some(worker) = self.worker.take() {
            let _ = worker.join();
        }
    }
}

fn notify_to_io(error: notify::Error) -> io::Error {
    match error.kind {
        notify::ErrorKind::Io(e) => e,
        notify::ErrorKind::PathNotFound => {
            io::Error::new(io::ErrorKind::NotFound, "watched path not found")
        }
        notify::ErrorKind::MaxFilesWatch => io::Error::other(
            "the operating system's limit on watched directories is reached \
             (raise fs.inotify.max_user_watches)",
        ),
        other => io::Error::other(format!("{other:?}")),
    }
}

/// Whether a project-relative path is a file the runtime cares about.
///
/// Only `.lua` files under `scripts/` and the root `scene.json` qualify; hidden files and
/// folders (`.git/`, `.crescent/`, `.#x.lua` lock files, `.x.lua.swp`) and editor temporaries
/// never do.
pub fn is_watched_path(rel: &str) -> bool {
    let mut parts = rel.split('/');
    let Some(first) = parts.next() else {
        return false;
    };
    if rel.split('/').any(|p| p.is_empty() || p.starts_with('.')) {
        return false;
    }
    let name = rel.rsplit('/').next().unwrap_or(rel);
    if is_editor_temporary(name) {
        return false;
    }
    if rel == "scene.json" {
        return true;
    }
    first == "scripts" && parts.next().is_some() && name.ends_with(".lua") && name != ".lua"
}

/// Whether a file name is an editor's temporary, backup or probe file.
fn is_editor_temporary(name: &str) -> bool {
    name.ends_with('~')
        || name.ends_with(".swp")
        || name.ends_with(".swx")
        || name.ends_with(".tmp")
        || (name.starts_with('#') && name.ends_with('#'))
        || name.bytes().all(|b| b.is_ascii_digit())
}

/// An event from notify with the moment it reached the watcher.
type RawEvent = (Instant, notify::Result<notify::Event>);

fn content_hash(bytes: &[u8]) -> u64 {
    // SipHash with fixed keys: the same bytes give the same hash in every run.
    let mut hasher = DefaultHasher::new();
    hasher.write(bytes);
    hasher.write_usize(bytes.len());
    hasher.finish()
}

/// A finished write of a file that has not been read yet.
struct Unread {
    last_was_close: bool,
    /// When the close that finished the write was seen.
    seen: Instant,
}

/// The background state: what each watched file contained when last reported.
struct Tracker {
    root: PathBuf,
    known: HashMap<String, u64>,
    /// Files with a finished write not read yet, and whether the last event on each was a
    /// close (when it was not, a new write is in progress and reading would catch it half
    /// done; its own close will come).
    unread: HashMap<String, Unread>,
    /// The file being read, and whether a write to it was seen during the read.
    reading: Option<String>,
    written_during_read: bool,
    /// Files read empty although they had content: (path, look-again deadline, seen).
    empty_rechecks: Vec<(String, Instant, Instant)>,
    /// Files that went missing: (path, report-after deadline, when first seen missing).
    pending_removals: Vec<(String, Instant, Instant)>,
    out: Sender<FileChange>,
    bell: Arc<Doorbell>,
}

impl Tracker {
    fn run(&mut self, raw: Receiver<RawEvent>, stop: &AtomicBool) {
        while !stop.load(Ordering::Relaxed) {
            let now = Instant::now();
            let timeout = self
                .pending_removals
                .iter()
                .chain(&self.empty_rechecks)
                .map(|(_, deadline, _)| deadline.saturating_duration_since(now))
                .min()
                .unwrap_or(Duration::from_millis(100))
                .min(Duration::from_millis(100));
            let alive = match raw.recv_timeout(timeout) {
                Ok((seen, event)) => {
                    self.handle(seen, event);
                    // Take whatever else already arrived before reading any file, so that a
                    // write that started after the last close is known before it is read.
                    for (seen, event) in raw.try_iter() {
                        self.handle(seen, event);
                    }
                    true
                }
                Err(RecvTimeoutError::Timeout) => true,
                Err(RecvTimeoutError::Disconnected) => false,
            };
            self.read_finished_writes(&raw);
            self.settle_empty(Instant::now());
            if !self.settle_removals(Instant::now()) || !alive {
                break;
            }
        }
    }

    fn relative(&self, path: &Path) -> Option<String> {
        let rel = path.strip_prefix(&self.root).ok()?;
        let mut parts = Vec::new();
        for component in rel.components() {
            match component {
                Component::Normal(part) => parts.push(part.to_str()?),
                _ => return None,
            }
        }
        Some(parts.join("/"))
    }

    fn handle(&mut self, seen: Instant, event: notify::Result<notify::Event>) {
        let event = match event {
            Ok(event) => event,
            Err(error) => {
                tracing::warn!("file watcher: {error}");
                return;
            }
        };
        if event.need_rescan() {
            // The kernel queue overflowed: events were lost, so compare everything.
            self.scan_all(seen, true);
            return;
        }
        match event.kind {
            EventKind::Access(AccessKind::Close(mode)) => {
                for path in &event.paths {
                    let Some(rel) = self.relative(path) else {
                        continue;
                    };
                    if mode == AccessMode::Write && is_watched_path(&rel) {
                        self.unread.insert(
                            rel,
                            Unread {
                                last_was_close: true,
                                seen,
                            },
                        );
                    } else if let Some(unread) = self.unread.get_mut(&rel) {
                        unread.last_was_close = true;
                    }
                }
            }
            EventKind::Access(AccessKind::Open(_)) | EventKind::Modify(ModifyKind::Data(_)) => {
                let writing = matches!(event.kind, EventKind::Modify(_));
                for path in &event.paths {
                    if let Some(rel) = self.relative(path) {
                        if writing && self.reading.as_deref() == Some(rel.as_str()) {
                            self.written_during_read = true;
                        }
                        if let Some(unread) = self.unread.get_mut(&rel) {
                            unread.last_was_close = false;
                        }
                    }
                }
            }
            EventKind::Modify(ModifyKind::Name(RenameMode::To)) => {
                for path in &event.paths {
                    if path.is_dir() {
                        // A folder renamed into the project: its files were never seen.
                        self.scan_dir(path, seen, true);
                    } else if let Some(rel) = self.relative(path) {
                        self.saved(rel, seen);
                    }
                }
            }
            EventKind::Create(CreateKind::Folder) => {
                // Files written into a new folder before its watch was added raise no event.
                for path in &event.paths {
                    self.scan_dir(path, seen, true);
                }
            }
            EventKind::Remove(_) | EventKind::Modify(ModifyKind::Name(RenameMode::From)) => {
                let folder = matches!(event.kind, EventKind::Remove(RemoveKind::Folder));
                for path in &event.paths {
                    let Some(rel) = self.relative(path) else {
                        continue;
                    };
                    self.missing(&rel, seen, folder);
                }
            }
            _ => {}
        }
    }

    /// Reads every file whose last write is finished and no new write has started since.
    ///
    /// Events arrive with a delay (more on a loaded machine), so a new write may already have
    /// begun when the close of the previous one is handled. After each read, the events that
    /// arrived meanwhile are handled: a `Modify(Data)` of the file means the bytes read may be
    /// half of the new version, and the read is dropped in favour of that write's own close.
    fn read_finished_writes(&mut self, raw: &Receiver<RawEvent>) {
        for _ in 0..8 {
            let ready: Vec<(String, Instant)> = self
                .unread
                .iter()
                .filter(|(_, unread)| unread.last_was_close)
                .map(|(rel, unread)| (rel.clone(), unread.seen))
                .collect();
            if ready.is_empty() {
                return;
            }
            for (rel, seen) in ready {
                self.unread.remove(&rel);
                self.reading = Some(rel.clone());
                self.written_during_read = false;
                let bytes = self.read(&rel, seen);
                for (later, event) in raw.try_iter() {
                    self.handle(later, event);
                }
                self.reading = None;
                let Some(bytes) = bytes else {
                    continue;
                };
                if self.written_during_read {
                    self.unread.entry(rel).or_insert(Unread {
                        last_was_close: false,
                        seen,
                    });
                    continue;
                }
                if bytes.is_empty()
                    && self
                        .known
                        .get(&rel)
                        .is_some_and(|h| *h != content_hash(&[]))
                {
                    // Truncated and not written yet, or really emptied: look again after the
                    // grace period (the write's own close reports it if it comes first).
                    self.empty_rechecks.push((rel, seen + REMOVAL_GRACE, seen));
                    continue;
                }
                self.report(rel, seen, bytes);
            }
        }
    }

    /// Reads a watched file; a missing one starts the removal grace period.
    fn read(&mut self, rel: &str, seen: Instant) -> Option<Vec<u8>> {
        match std::fs::read(self.root.join(rel)) {
            Ok(bytes) => Some(bytes),
            Err(error) if error.kind() == io::ErrorKind::NotFound => {
                // Renamed away right after the write: let the grace period decide.
                self.missing(rel, seen, false);
                None
            }
            Err(error) => {
                tracing::warn!("file watcher: cannot read {rel}: {error}");
                None
            }
        }
    }

    /// A save of `rel` finished: report it if the bytes differ from the last report.
    fn saved(&mut self, rel: String, seen: Instant) {
        if !is_watched_path(&rel) {
            return;
        }
        if let Some(bytes) = self.read(&rel, seen) {
            self.report(rel, seen, bytes);
        }
    }

    /// Reports `bytes` as the content of `rel` unless they are what was last reported.
    fn report(&mut self, rel: String, seen: Instant, bytes: Vec<u8>) {
        self.pending_removals.retain(|(path, _, _)| *path != rel);
        self.empty_rechecks.retain(|(path, _, _)| *path != rel);
        let hash = content_hash(&bytes);
        let kind = match self.known.insert(rel.clone(), hash) {
            Some(old) if old == hash => return,
            Some(_) => ChangeKind::Changed,
            None => ChangeKind::Created,
        };
        let _ = self.out.send(FileChange {
            path: rel,
            kind,
            seen,
            source: String::from_utf8(bytes).ok(),
        });
        self.bell.ring();
    }

    /// Reports the files still empty when their recheck is due.
    fn settle_empty(&mut self, now: Instant) {
        let mut index = 0;
        while index < self.empty_rechecks.len() {
            if self.empty_rechecks[index].1 > now {
                index += 1;
                continue;
            }
            let (rel, _, seen) = self.empty_rechecks.swap_remove(index);
            if let Some(bytes) = self.read(&rel, seen) {
                if bytes.is_empty() {
                    self.report(rel, seen, bytes);
                }
            }
        }
    }

    /// `rel` (a file, or a folder when unsure or `folder`) disappeared: start the grace period
    /// for every known file at or under it.
    fn missing(&mut self, rel: &str, seen: Instant, folder: bool) {
        let prefix = format!("{rel}/");
        let affected: Vec<String> = self
            .known
            .keys()
            .filter(|path| (!folder && path.as_str() == rel) || path.starts_with(&prefix))
            .cloned()
            .collect();
        for path in affected {
            if !self.pending_removals.iter().any(|(p, _, _)| *p == path) {
                self.pending_removals
                    .push((path, seen + REMOVAL_GRACE, seen));
            }
        }
    }

    /// Reports the files whose grace period ended while they are still missing. A file that
    /// came back is left to the event of the save that brought it back (reading it here could
    /// catch it half-written). Returns false when nobody listens any more.
    fn settle_removals(&mut self, now: Instant) -> bool {
        let mut alive = true;
        let mut index = 0;
        while index < self.pending_removals.len() {
            if self.pending_removals[index].1 > now {
                index += 1;
                continue;
            }
            let (rel, _, seen) = self.pending_removals.swap_remove(index);
            if self.root.join(&rel).exists() {
                continue;
            }
            self.known.remove(&rel);
            alive &= self
                .out
                .send(FileChange {
                    path: rel,
                    kind: ChangeKind::Removed,
                    seen,
                    source: None,
                })
                .is_ok();
            self.bell.ring();
        }
        alive
    }

    /// Hashes every watched file; with `report`, reports the differences from what is known.
    fn scan_all(&mut self, seen: Instant, report: bool) {
        let scripts = self.root.join("scripts");
        if scripts.is_dir() {
            self.scan_dir(&scripts, seen, report);
        }
        if self.root.join("scene.json").is_file() {
            self.scan_file("scene.json".to_string(), seen, report);
        }
        if report {
            let gone: Vec<String> = self
                .known
                .keys()
                .filter(|rel| !self.root.join(rel.as_str()).exists())
                .cloned()
                .collect();
            for rel in gone {
                self.missing(&rel, seen, false);
            }
        }
    }

    fn scan_dir(&mut self, dir: &Path, seen: Instant, report: bool) {
        let Ok(entries) = std::fs::read_dir(dir) else {
            return;
        };
        for entry in entries.flatten() {
            let path = entry.path();
            let Ok(file_type) = entry.file_type() else {
                continue;
            };
            if file_type.is_dir() {
                if !entry.file_name().to_string_lossy().starts_with('.') {
                    self.scan_dir(&path, seen, report);
                }
            } else if let Some(rel) = self.relative(&path) {
                self.scan_file(rel, seen, report);
            }
        }
    }

    fn scan_file(&mut self, rel: String, seen: Instant, report: bool) {
        if !is_watched_path(&rel) {
            return;
        }
        if report {
            self.saved(rel, seen);
        } else if let Ok(bytes) = std::fs::read(self.root.join(&rel)) {
            self.known.insert(rel, content_hash(&bytes));
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn watched_paths() {
        for rel in [
            "scene.json",
            "scripts/player.lua",
            "scripts/lib/math.lua",
            "scripts/4913x.lua",
        ] {
            assert!(is_watched_path(rel), "{rel} should be watched");
        }
        for rel in [
            "scripts/player.lua~",
            "scripts/.player.lua.swp",
            "scripts/player.lua.swp",
            "scripts/player.lua.swx",
            "scripts/4913",
            "scripts/player.lua.tmp",
            "scripts/#player.lua#",
            "scripts/.#player.lua",
            ".crescent/session.json",
            ".git/scripts/a.lua",
            "scripts/.hidden/a.lua",
            "assets/scene.json",
            "sub/scene.json",
            "main.lua",
            "scripts/readme.md",
            "scripts",
            "scripts/.lua",
            "",
        ] {
            assert!(!is_watched_path(rel), "{rel:?} should not be watched");
        }
    }
}
