//! Hot reload and the dev channel: the project watcher, the TCP channel to tools, and the
//! host that joins them to the game loop.
//!
//! Invariant: nothing here runs Lua or touches the world from a background thread. The
//! watcher and the channel only produce [`DevEvent`]s; the game loop takes them with
//! [`DevHost::poll`] between frames and applies them there, so a reload never lands in the
//! middle of a frame.

mod apply;
mod channel;
mod doorbell;
mod inspect;
mod session;
mod watch;

use std::io;
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::Instant;

use doorbell::Doorbell;

use serde_json::Value;

use crate::{Event, Runtime};

pub use apply::{apply_reloads, event_json};
pub use channel::{DevChannel, DevRequest, DEFAULT_CLIENT_QUEUE};
pub use session::{SessionInfo, PROTOCOL_VERSION};
pub use watch::{is_watched_path, ChangeKind, FileChange, ProjectWatcher, REMOVAL_GRACE};

/// Shortest time between two live `stats` samples ([`DevHost::send_stats`]).
pub const STATS_PERIOD: std::time::Duration = std::time::Duration::from_millis(100);

/// What a [`DevHost`] runs.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct DevOptions {
    /// Watch the project and report saved scripts and scene changes.
    pub watch: bool,
    /// Listen for tools on the dev channel and write `.crescent/session.json`.
    pub channel: bool,
}

impl Default for DevOptions {
    fn default() -> Self {
        DevOptions {
            watch: true,
            channel: true,
        }
    }
}

/// Something the game loop should act on between two frames.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum DevEvent {
    /// A project file was saved, created or removed.
    FileChanged(FileChange),
    /// A tool asked for a script to be reloaded.
    ReloadRequested {
        /// Project-relative script path.
        path: String,
        /// When the request arrived.
        seen: Instant,
    },
}

/// The watcher and the dev channel of one running project, seen by the game loop as one
/// non-blocking source of [`DevEvent`]s and one sink of events for tools.
///
/// # Example
/// ```no_run
/// use crescent_runtime::{DevHost, DevOptions};
/// let api = serde_json::to_value(crescent_runtime::api::builtin()).unwrap();
/// let host = DevHost::start("my-game", api, DevOptions::default())?;
/// loop {
///     for event in host.poll() {
///         println!("{event:?}");
///     }
///     # break;
///     // ... run a frame ...
/// }
/// # Ok::<(), std::io::Error>(())
/// ```
pub struct DevHost {
    root: PathBuf,
    bell: Arc<Doorbell>,
    // Field order is drop order: stop watching before closing the channel.
    watcher: Option<ProjectWatcher>,
    channel: Option<DevChannel>,
    /// When the last live sample went out ([`DevHost::send_stats`]).
    last_stats: std::cell::Cell<Option<Instant>>,
    /// A trace a tool asked for, being recorded.
    recording: std::cell::RefCell<Option<Recording>>,
}

/// A `record_trace` under way.
struct Recording {
    client: u64,
    id: u64,
    frames: u32,
    left: u32,
    trace: crate::TraceWriter,
}

impl DevHost {
    /// Starts what `options` asks for on the project at `root`. Start it before loading the
    /// scene, so that no save falls between loading a script and watching it.
    ///
    /// # Errors
    /// The watch or the socket cannot be set up, or the session file cannot be written.
    pub fn start(root: impl AsRef<Path>, api: Value, options: DevOptions) -> io::Result<DevHost> {
        let root = root.as_ref().canonicalize()?;
        let bell = Arc::new(Doorbell::default());
        let watcher = if options.watch {
            Some(ProjectWatcher::start_with_doorbell(&root, bell.clone())?)
        } else {
            None
        };
        let channel = if options.channel {
            Some(DevChannel::start_inner(
                &root,
                api,
                DEFAULT_CLIENT_QUEUE,
                bell.clone(),
            )?)
        } else {
            None
        };
        Ok(DevHost {
            root,
            bell,
            watcher,
            channel,
            last_stats: std::cell::Cell::new(None),
            recording: std::cell::RefCell::new(None),
        })
    }

    /// Everything that happened since the last call, file changes first; never blocks.
    pub fn poll(&self) -> Vec<DevEvent> {
        let mut events: Vec<DevEvent> = self
            .watcher
            .iter()
            .flat_map(|w| w.drain())
            .map(DevEvent::FileChanged)
            .collect();
        if let Some(channel) = &self.channel {
            events.extend(
                channel
                    .poll_requests()
                    .into_iter()
                    .map(|request| match request {
                        DevRequest::Reload { path, seen, .. } => {
                            DevEvent::ReloadRequested { path, seen }
                        }
                    }),
            );
        }
        events
    }

    /// Polls, serves the debugger's and the world inspector's requests, applies what arrived to
    /// `runtime` (see [`apply_reloads`]) and returns the events
    /// that produced, without publishing them. Call it between frames.
    pub fn apply(&self, runtime: &mut Runtime) -> Vec<Event> {
        runtime.debug_service();
        if let Some(channel) = &self.channel {
            channel.serve_inspect(|request| runtime.inspect(request));
            for (client, id, frames) in channel.poll_trace_requests() {
                self.start_recording(runtime, channel, client, id, frames);
            }
        }
        let events = self.poll();
        if events.is_empty() {
            return Vec::new();
        }
        apply_reloads(runtime, &self.root, events)
    }

    /// Sleeps until `deadline` (the next frame), waking early whenever a save or a request
    /// arrives to apply it right away, between frames, so the next frame already runs the new
    /// code. Returns the events produced, unpublished.
    ///
    /// A game loop that sleeps between frames calls this instead of `thread::sleep`; one that
    /// does not sleep calls [`DevHost::apply`] between frames.
    pub fn idle_until(&self, runtime: &mut Runtime, deadline: Instant) -> Vec<Event> {
        let mut events = self.apply(runtime);
        while self.wait_until(deadline) {
            events.extend(self.apply(runtime));
        }
        events
    }

    /// Blocks until a save or a request may be ready (true) or until `deadline` (false).
    pub fn wait_until(&self, deadline: Instant) -> bool {
        self.bell.wait_until(deadline)
    }

    /// Sends one runtime event to every connected tool; never blocks.
    pub fn publish(&self, event: &Event) {
        if let Some(channel) = &self.channel {
            channel.publish(&event_json(event));
        }
    }

    /// Sends one event object to every connected tool; never blocks.
    pub fn publish_json(&self, event: &Value) {
        if let Some(channel) = &self.channel {
            channel.publish(event);
        }
    }

    /// Whether a tool subscribed to the live `stats` stream.
    pub fn wants_stats(&self) -> bool {
        self.channel.as_ref().is_some_and(DevChannel::wants_stats)
    }

    fn start_recording(
        &self,
        runtime: &mut Runtime,
        channel: &DevChannel,
        client: u64,
        id: u64,
        frames: u32,
    ) {
        use crescent_api::dev::FromGame;
        let refuse = |message: &str| {
            channel.send_message_to(
                client,
                &FromGame::Error {
                    message: format!("record_trace: {message}"),
                    id: Some(id),
                },
            )
        };
        let mut recording = self.recording.borrow_mut();
        if recording.is_some() {
            return refuse("a trace is being recorded already");
        }
        if runtime.is_tracing() {
            return refuse("the game is writing a trace already (crescent run --trace)");
        }
        runtime.set_tracing(true);
        *recording = Some(Recording {
            client,
            id,
            frames,
            left: frames,
            trace: crate::TraceWriter::default(),
        });
    }

    /// After each frame, with the events it produced: sends a live sample when one is due
    /// ([`DevHost::send_stats`]) and adds the frame to a trace a tool is recording, writing
    /// and announcing the file once it has all its frames.
    pub fn after_frame(&self, runtime: &mut Runtime, events: &[Event]) {
        self.send_stats(runtime);
        let mut slot = self.recording.borrow_mut();
        let Some(rec) = slot.as_mut() else { return };
        rec.trace
            .add(runtime.take_trace(), events, runtime.lua().used_memory());
        rec.left = rec.left.saturating_sub(1);
        if rec.left > 0 {
            return;
        }
        let Some(rec) = slot.take() else { return };
        runtime.set_tracing(false);
        let Some(channel) = &self.channel else { return };
        let path = self
            .root
            .join(".crescent/traces")
            .join(format!("trace-{}.json", runtime.stats().frames));
        let message = match rec.trace.write(&path) {
            Ok(()) => crescent_api::dev::FromGame::TraceRecorded {
                id: rec.id,
                path: path.to_string_lossy().into_owned(),
                frames: rec.frames,
                events: rec.trace.len(),
            },
            Err(e) => crescent_api::dev::FromGame::Error {
                message: format!("record_trace: cannot write {}: {e}", path.display()),
                id: Some(rec.id),
            },
        };
        channel.send_message_to(rec.client, &message);
    }

    /// Sends a live sample ([`Runtime::live_stats`]) to the tools that subscribed, at most
    /// every [`STATS_PERIOD`] (sooner calls do nothing); call it after each frame. Takes no
    /// sample while nobody subscribed.
    pub fn send_stats(&self, runtime: &mut Runtime) {
        let due = self
            .last_stats
            .get()
            .is_none_or(|t| t.elapsed() >= STATS_PERIOD);
        if due && self.wants_stats() {
            self.publish_stats(&runtime.live_stats());
            self.last_stats.set(Some(Instant::now()));
        }
    }

    /// Sends a live sample ([`Runtime::live_stats`]) to the tools that subscribed.
    pub fn publish_stats(&self, stats: &crescent_api::dev::GameStats) {
        if let Some(channel) = &self.channel {
            let message = crescent_api::dev::FromGame::Stats(stats.clone());
            if let Ok(value) = serde_json::to_value(&message) {
                channel.publish_stats(&value);
            }
        }
    }

    /// The canonical project root.
    pub fn root(&self) -> &Path {
        &self.root
    }

    /// The dev channel, when one was started.
    pub fn channel(&self) -> Option<&DevChannel> {
        self.channel.as_ref()
    }

    /// The project watcher, when one was started.
    pub fn watcher(&self) -> Option<&ProjectWatcher> {
        self.watcher.as_ref()
    }
}
