//! The dev channel server: loopback TCP, one JSON object per line, events out, requests in.
//!
//! Threads: one accepts connections, and each client has a reader (handshake, requests, `ping`)
//! and a writer (drains the client's queue onto the socket). The game loop only ever calls
//! [`DevChannel::publish`] and [`DevChannel::poll_requests`], which take a lock for the time of
//! a queue push and never touch a socket: a slow or stuck client fills its own bounded queue,
//! then loses events (and is told how many with `{"type":"dropped","count":N}`), and never
//! slows a frame.

use std::collections::VecDeque;
use std::io::{self, BufRead, BufReader, Read, Write};
use std::net::{Ipv4Addr, Shutdown, SocketAddr, TcpListener, TcpStream};
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::mpsc::{self, Receiver, Sender};
use std::sync::{Arc, Condvar, Mutex, MutexGuard};
use std::thread::JoinHandle;
use std::time::{Duration, Instant};

use serde_json::Value;

use super::doorbell::Doorbell;
use super::session::{same_token, SessionFile, SessionInfo, PROTOCOL_VERSION};
use crate::debug::{DebugIncoming, DebugLink};
use crescent_api::dev::{FromGame, InspectRequest, InspectResult, ToGame};

/// Events buffered per client before the oldest unsent ones start being dropped.
pub const DEFAULT_CLIENT_QUEUE: usize = 1024;
/// Longest accepted request line, in bytes; a longer one closes the connection.
const MAX_LINE: usize = 1 << 20;
/// Clients connected at once; more are told so and closed.
const MAX_CLIENTS: usize = 64;
/// Extra room for answers to a client's own requests (`pong`, `error`), so a client that
/// stopped reading events still gets them, while one that floods requests cannot grow its
/// queue without bound.
const REPLY_HEADROOM: usize = 64;
/// How long a new connection may take to send its `hello`.
const HELLO_TIMEOUT: Duration = Duration::from_secs(10);

/// A request from a tool that the game loop acts on.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum DevRequest {
    /// Reload a script now, whether or not its file changed.
    Reload {
        /// Project-relative script path, normalized (`scripts/player.lua`).
        path: String,
        /// The connection that asked (for [`DevChannel::send_to`]).
        client: u64,
        /// When the request was read from the socket.
        seen: Instant,
    },
}

/// The running dev channel: a listening socket on `127.0.0.1` and the session file that names it.
///
/// Dropping it closes every connection and removes `.crescent/session.json`.
///
/// # Example
/// ```no_run
/// let api = serde_json::to_value(crescent_runtime::api::builtin()).unwrap();
/// let channel = crescent_runtime::DevChannel::start("my-game", api)?;
/// channel.publish(&serde_json::json!({"type": "log", "level": "info",
///     "message": "hello", "path": "", "line": 0}));
/// for request in channel.poll_requests() {
///     println!("{request:?}");
/// }
/// # Ok::<(), std::io::Error>(())
/// ```
pub struct DevChannel {
    shared: Arc<Shared>,
    requests: Receiver<DevRequest>,
    /// World inspector requests: (client, id, request), served by the game loop.
    inspect: Receiver<(u64, u64, InspectRequest)>,
    /// Trace recordings asked for: (client, id, frames).
    traces: Receiver<(u64, u64, u32)>,
    /// The debugger's requests, until [`DevChannel::debug_link`] takes them.
    debug: Mutex<Option<Receiver<DebugIncoming>>>,
    port: u16,
    accept: Option<JoinHandle<()>>,
    session: SessionFile,
}

struct Shared {
    root: PathBuf,
    token: String,
    welcome: Arc<str>,
    capacity: usize,
    clients: Mutex<Vec<Arc<Client>>>,
    stop: AtomicBool,
    next_id: AtomicU64,
    bell: Arc<Doorbell>,
    /// Where `debug` requests and closed connections go.
    debug: Mutex<Sender<DebugIncoming>>,
    /// Where `inspect` requests go.
    inspect: Mutex<Sender<(u64, u64, InspectRequest)>>,
    /// Where `record_trace` requests go.
    traces: Mutex<Sender<(u64, u64, u32)>>,
}

struct Client {
    id: u64,
    /// Subscribed to `stats`.
    stats: AtomicBool,
    stream: TcpStream,
    queue: Mutex<Queue>,
    wake: Condvar,
}

#[derive(Default)]
struct Queue {
    lines: VecDeque<Arc<str>>,
    /// Events dropped since the last line that made it into the queue.
    dropped: u64,
    /// Set once the `hello` was accepted: only then does the client get events.
    authenticated: bool,
    /// Write what is queued, then close.
    closing: bool,
    /// The connection is gone; write nothing more.
    closed: bool,
}

impl DevChannel {
    /// Listens on `127.0.0.1` (a port the OS picks) and writes `root/.crescent/session.json`.
    ///
    /// `api` is the API description sent in every `welcome` (the JSON value of
    /// [`crate::api::Api`]).
    ///
    /// # Errors
    /// The socket cannot be bound, or the session file cannot be written.
    pub fn start(root: impl AsRef<Path>, api: Value) -> io::Result<DevChannel> {
        Self::start_with_queue(root, api, DEFAULT_CLIENT_QUEUE)
    }

    /// [`DevChannel::start`] with `capacity` events buffered per client instead of
    /// [`DEFAULT_CLIENT_QUEUE`].
    ///
    /// # Errors
    /// As [`DevChannel::start`].
    pub fn start_with_queue(
        root: impl AsRef<Path>,
        api: Value,
        capacity: usize,
    ) -> io::Result<DevChannel> {
        Self::start_inner(root, api, capacity, Arc::new(Doorbell::default()))
    }

    /// [`DevChannel::start_with_queue`], ringing `bell` whenever a request is ready.
    pub(crate) fn start_inner(
        root: impl AsRef<Path>,
        api: Value,
        capacity: usize,
        bell: Arc<Doorbell>,
    ) -> io::Result<DevChannel> {
        let root = root.as_ref().canonicalize()?;
        let (debug_tx, debug_rx) = mpsc::channel();
        let (inspect_tx, inspect) = mpsc::channel();
        let (traces_tx, traces) = mpsc::channel();
        let listener = TcpListener::bind((Ipv4Addr::LOCALHOST, 0))?;
        let port = listener.local_addr()?.port();
        let session = SessionFile::write(&root, port)?;
        let welcome = wire(&FromGame::Welcome {
            version: PROTOCOL_VERSION,
            project: root.to_string_lossy().into_owned(),
            api: serde_json::from_value(api).ok().map(Box::new),
        });
        let shared = Arc::new(Shared {
            token: session.info().token.clone(),
            welcome: line_of(&welcome),
            root,
            capacity: capacity.max(1),
            clients: Mutex::new(Vec::new()),
            stop: AtomicBool::new(false),
            next_id: AtomicU64::new(1),
            bell,
            debug: Mutex::new(debug_tx),
            inspect: Mutex::new(inspect_tx),
            traces: Mutex::new(traces_tx),
        });
        let (requests_tx, requests) = mpsc::channel();
        let accept_shared = shared.clone();
        let accept = std::thread::Builder::new()
            .name("crescent-dev-accept".into())
            .spawn(move || accept_loop(listener, accept_shared, requests_tx))?;
        Ok(DevChannel {
            shared,
            requests,
            debug: Mutex::new(Some(debug_rx)),
            inspect,
            traces,
            port,
            accept: Some(accept),
            session,
        })
    }

    /// The TCP port on `127.0.0.1`.
    pub fn port(&self) -> u16 {
        self.port
    }

    /// What `.crescent/session.json` says (port, token, pid, version).
    pub fn session(&self) -> &SessionInfo {
        self.session.info()
    }

    /// Number of connected clients that passed the handshake.
    pub fn client_count(&self) -> usize {
        lock(&self.shared.clients)
            .iter()
            .filter(|c| {
                let q = lock(&c.queue);
                q.authenticated && !q.closed
            })
            .count()
    }

    /// Queues `event` (one JSON object) for every connected client; never blocks on a socket.
    pub fn publish(&self, event: &Value) {
        let mut clients = lock(&self.shared.clients);
        clients.retain(|c| !lock(&c.queue).closed);
        if clients.is_empty() {
            return;
        }
        let line = line_of(event);
        for client in clients.iter() {
            client.push(line.clone(), self.shared.capacity);
        }
    }

    /// Serves the world inspector requests that arrived with `serve` (between frames) and
    /// sends each answer to the connection that asked.
    pub fn serve_inspect(&self, mut serve: impl FnMut(InspectRequest) -> InspectResult) {
        for (client, id, request) in self.inspect.try_iter() {
            let result = serve(request);
            self.send_to(client, &wire(&FromGame::InspectReply { id, result }));
        }
    }

    /// The `record_trace` requests that arrived: (client, id, frames).
    pub fn poll_trace_requests(&self) -> Vec<(u64, u64, u32)> {
        self.traces.try_iter().collect()
    }

    /// Sends a game message to one connection (an answer to its request).
    pub fn send_message_to(&self, client: u64, message: &FromGame) {
        self.send_to(client, &wire(message));
    }

    /// Whether a connected client subscribed to `stats`.
    pub fn wants_stats(&self) -> bool {
        lock(&self.shared.clients)
            .iter()
            .any(|c| c.stats.load(Ordering::Relaxed) && !lock(&c.queue).closed)
    }

    /// Queues a `stats` sample for the clients that subscribed; never blocks on a socket (a
    /// slow client loses samples as it loses events).
    pub fn publish_stats(&self, stats: &Value) {
        let clients = lock(&self.shared.clients);
        let mut line = None;
        for client in clients.iter().filter(|c| c.stats.load(Ordering::Relaxed)) {
            let line = line.get_or_insert_with(|| line_of(stats)).clone();
            client.push(line, self.shared.capacity);
        }
    }

    /// Queues `message` for one client (an answer to its request); never blocks on a socket.
    pub fn send_to(&self, client: u64, message: &Value) {
        let clients = lock(&self.shared.clients);
        if let Some(c) = clients.iter().find(|c| c.id == client) {
            c.reply(line_of(message), self.shared.capacity);
        }
    }

    /// Every request received since the last call, oldest first; never blocks.
    pub fn poll_requests(&self) -> Vec<DevRequest> {
        self.requests.try_iter().collect()
    }

    /// The debugger's side of the channel, for [`crate::Runtime::attach_debugger`]: `debug`
    /// requests and closed connections in, answers and stops out to the connection they are
    /// for. There is one; later calls return `None`.
    pub fn debug_link(&self) -> Option<DebugLink> {
        let incoming = lock(&self.debug).take()?;
        let shared = self.shared.clone();
        Some(DebugLink::new(
            incoming,
            move |client, message: &FromGame| {
                let clients = lock(&shared.clients);
                if let Some(c) = clients.iter().find(|c| c.id == client) {
                    c.reply(line_of(&wire(message)), shared.capacity);
                }
            },
        ))
    }
}

impl Drop for DevChannel {
    fn drop(&mut self) {
        self.shared.stop.store(true, Ordering::SeqCst);
        // Wake the accept thread, which is blocked in accept().
        let _ = TcpStream::connect_timeout(
            &SocketAddr::from((Ipv4Addr::LOCALHOST, self.port)),
            Duration::from_secs(1),
        );
        if let Some(accept) = self.accept.take() {
            let _ = accept.join();
        }
        for client in lock(&self.shared.clients).drain(..) {
            client.close();
        }
        // `session` is dropped after this and removes the session file.
    }
}

/// A poisoned lock only means another thread panicked while holding it; the data (queues of
/// finished lines) is still consistent, so keep going.
fn lock<T>(mutex: &Mutex<T>) -> MutexGuard<'_, T> {
    mutex
        .lock()
        .unwrap_or_else(|poisoned| poisoned.into_inner())
}

fn line_of(message: &Value) -> Arc<str> {
    let mut text = message.to_string();
    text.push('\n');
    text.into()
}

fn error_message(message: impl Into<String>) -> Value {
    wire(&FromGame::Error {
        message: message.into(),
        id: None,
    })
}

/// An `error` answering the request `id`.
fn error_answer(id: u64, message: impl Into<String>) -> Value {
    wire(&FromGame::Error {
        message: message.into(),
        id: Some(id),
    })
}

/// A message as it goes on the wire.
fn wire(message: &FromGame) -> Value {
    serde_json::to_value(message).unwrap_or(Value::Null)
}

impl Client {
    /// Queues an event unless the queue is full, in which case it is counted as dropped.
    fn push(&self, line: Arc<str>, capacity: usize) {
        self.push_bounded(line, capacity);
    }

    /// Queues an answer to this client's own request, with [`REPLY_HEADROOM`] beyond the
    /// event capacity.
    fn reply(&self, line: Arc<str>, capacity: usize) {
        self.push_bounded(line, capacity + REPLY_HEADROOM);
    }

    fn push_bounded(&self, line: Arc<str>, limit: usize) {
        let mut queue = lock(&self.queue);
        if !queue.authenticated || queue.closed || queue.closing {
            return;
        }
        if queue.lines.len() >= limit {
            queue.dropped += 1;
            return;
        }
        if queue.dropped > 0 {
            // Tell the client where the gap is, before the first line after it.
            let notice = line_of(&wire(&FromGame::Dropped {
                count: queue.dropped,
            }));
            queue.lines.push_back(notice);
            queue.dropped = 0;
        }
        queue.lines.push_back(line);
        drop(queue);
        self.wake.notify_one();
    }

    /// Queues a line that must not be dropped (the handshake answer), then optionally closes.
    fn push_control(&self, line: Arc<str>, close_after: bool) {
        let mut queue = lock(&self.queue);
        queue.lines.push_back(line);
        queue.closing |= close_after;
        drop(queue);
        self.wake.notify_one();
    }

    fn close(&self) {
        lock(&self.queue).closed = true;
        self.wake.notify_all();
        let _ = self.stream.shutdown(Shutdown::Both);
    }
}

fn accept_loop(listener: TcpListener, shared: Arc<Shared>, requests: Sender<DevRequest>) {
    for stream in listener.incoming() {
        if shared.stop.load(Ordering::SeqCst) {
            break;
        }
        let Ok(stream) = stream else {
            continue;
        };
        if let Err(error) = start_client(stream, &shared, &requests) {
            tracing::warn!("dev channel: cannot serve a new connection: {error}");
        }
    }
}

fn start_client(
    stream: TcpStream,
    shared: &Arc<Shared>,
    requests: &Sender<DevRequest>,
) -> io::Result<()> {
    stream.set_nodelay(true)?;
    let client = Arc::new(Client {
        id: shared.next_id.fetch_add(1, Ordering::Relaxed),
        stats: AtomicBool::new(false),
        stream: stream.try_clone()?,
        queue: Mutex::new(Queue::default()),
        wake: Condvar::new(),
    });
    {
        let mut clients = lock(&shared.clients);
        clients.retain(|c| !lock(&c.queue).closed);
        if clients.len() >= MAX_CLIENTS {
            let mut stream = stream;
            let _ = stream.write_all(line_of(&error_message("too many clients")).as_bytes());
            let _ = stream.shutdown(Shutdown::Both);
            return Ok(());
        }
        clients.push(client.clone());
    }
    let writer_client = client.clone();
    let writer_stream = stream.try_clone()?;
    std::thread::Builder::new()
        .name("crescent-dev-writer".into())
        .spawn(move || write_loop(&writer_client, writer_stream))?;
    let reader_shared = shared.clone();
    let reader_requests = requests.clone();
    std::thread::Builder::new()
        .name("crescent-dev-reader".into())
        .spawn(move || {
            read_loop(&client, stream, &reader_shared, &reader_requests);
            // A debugger that goes away releases a stopped game.
            let gone = DebugIncoming::Gone { client: client.id };
            if lock(&reader_shared.debug).send(gone).is_ok() {
                reader_shared.bell.ring();
            }
        })?;
    Ok(())
}

fn write_loop(client: &Client, mut stream: TcpStream) {
    loop {
        let (batch, close) = {
            let mut queue = lock(&client.queue);
            while queue.lines.is_empty() && queue.dropped == 0 && !queue.closing && !queue.closed {
                queue = client
                    .wake
                    .wait(queue)
                    .unwrap_or_else(|poisoned| poisoned.into_inner());
            }
            if queue.closed {
                return;
            }
            let mut batch: Vec<Arc<str>> = queue.lines.drain(..).collect();
            if queue.dropped > 0 {
                // Caught up after a gap at the end: say so now rather than at the next event.
                batch.push(line_of(&wire(&FromGame::Dropped {
                    count: queue.dropped,
                })));
                queue.dropped = 0;
            }
            (batch, queue.closing)
        };
        let mut bytes = Vec::with_capacity(batch.iter().map(|l| l.len()).sum());
        for line in &batch {
            bytes.extend_from_slice(line.as_bytes());
        }
        if stream
            .write_all(&bytes)
            .and_then(|()| stream.flush())
            .is_err()
            || close
        {
            client.close();
            return;
        }
    }
}

fn read_loop(client: &Client, stream: TcpStream, shared: &Shared, requests: &Sender<DevRequest>) {
    let _ = stream.set_read_timeout(Some(HELLO_TIMEOUT));
    let mut reader = BufReader::new(stream);
    let mut line = Vec::new();
    let mut authenticated = false;
    loop {
        line.clear();
        let read = (&mut reader)
            .take(MAX_LINE as u64 + 1)
            .read_until(b'\n', &mut line);
        match read {
            Ok(0) | Err(_) => {
                if !authenticated {
                    client.push_control(
                        line_of(&error_message("expected a hello with the session token")),
                        true,
                    );
                } else {
                    client.close();
                }
                return;
            }
            Ok(_) => {}
        }
        if line.len() > MAX_LINE {
            client.push_control(
                line_of(&error_message(format!(
                    "line longer than {MAX_LINE} bytes; closing"
                ))),
                true,
            );
            return;
        }
        if line.iter().all(u8::is_ascii_whitespace) {
            continue;
        }
        let message = std::str::from_utf8(&line)
            .map_err(|_| "a line is not valid UTF-8".to_string())
            .and_then(|text| {
                serde_json::from_str::<Value>(text).map_err(|e| format!("invalid JSON: {e}"))
            });
        if !authenticated {
            match hello_verdict(&message, &shared.token) {
                Ok(()) => {
                    authenticated = true;
                    let _ = reader.get_ref().set_read_timeout(None);
                    let mut queue = lock(&client.queue);
                    queue.lines.push_back(shared.welcome.clone());
                    queue.authenticated = true;
                    drop(queue);
                    client.wake.notify_one();
                }
                Err(reason) => {
                    client.push_control(line_of(&error_message(reason)), true);
                    return;
                }
            }
            continue;
        }
        let answer = match message {
            Err(reason) => Some(error_message(reason)),
            Ok(message) => handle_request(&message, client.id, shared, requests),
        };
        if let Some(answer) = answer {
            client.reply(line_of(&answer), shared.capacity);
        }
    }
}

fn hello_verdict(message: &Result<Value, String>, token: &str) -> Result<(), String> {
    let message = message.as_ref().map_err(|e| e.clone())?;
    if message.get("type").and_then(Value::as_str) != Some("hello") {
        return Err("the first message must be a hello with the session token".into());
    }
    match message.get("token").and_then(Value::as_str) {
        None => Err("hello without a token".into()),
        Some(given) if same_token(given, token) => Ok(()),
        Some(_) => Err("wrong token".into()),
    }
}

/// Answers a request directly or hands it to the game loop; returns the answer, if any.
fn handle_request(
    message: &Value,
    client: u64,
    shared: &Shared,
    requests: &Sender<DevRequest>,
) -> Option<Value> {
    let Some(kind) = message.get("type").and_then(Value::as_str) else {
        return Some(error_message("a message needs a string \"type\""));
    };
    match kind {
        "ping" => Some(wire(&FromGame::Pong)),
        "subscribe" => match serde_json::from_value::<ToGame>(message.clone()) {
            Ok(ToGame::Subscribe { stats }) => {
                let clients = lock(&shared.clients);
                if let Some(c) = clients.iter().find(|c| c.id == client) {
                    c.stats.store(stats, Ordering::Relaxed);
                }
                None
            }
            _ => Some(error_message("subscribe needs a boolean \"stats\"")),
        },
        "reload" => {
            let Ok(ToGame::Reload { path }) = serde_json::from_value(message.clone()) else {
                return Some(error_message("reload needs a string \"path\""));
            };
            let path = path.as_str();
            match project_script_path(&shared.root, path) {
                Ok(path) => {
                    let request = DevRequest::Reload {
                        path,
                        client,
                        seen: Instant::now(),
                    };
                    if requests.send(request).is_err() {
                        return Some(error_message("the game is shutting down"));
                    }
                    shared.bell.ring();
                    None
                }
                Err(reason) => Some(error_message(format!("reload {path}: {reason}"))),
            }
        }
        "debug" => match serde_json::from_value::<ToGame>(message.clone()) {
            Ok(ToGame::Debug { id, request }) => {
                let incoming = DebugIncoming::Request {
                    client,
                    id,
                    request,
                };
                if lock(&shared.debug).send(incoming).is_err() {
                    return Some(error_message("the game has no debugger support"));
                }
                shared.bell.ring();
                None
            }
            Ok(_) | Err(_) => Some(error_message(
                match serde_json::from_value::<ToGame>(message.clone()) {
                    Err(e) => format!("debug: {e}"),
                    Ok(_) => "debug: not a debug request".to_string(),
                },
            )),
        },
        "record_trace" => match serde_json::from_value::<ToGame>(message.clone()) {
            Ok(ToGame::RecordTrace { id, frames }) if (1..=3600).contains(&frames) => {
                if lock(&shared.traces).send((client, id, frames)).is_err() {
                    return Some(error_answer(id, "the game is shutting down"));
                }
                shared.bell.ring();
                None
            }
            Ok(ToGame::RecordTrace { id, .. }) => {
                Some(error_answer(id, "record_trace: frames must be 1 to 3600"))
            }
            Ok(_) => Some(error_message("record_trace: frames must be 1 to 3600")),
            Err(e) => Some(error_message(format!("record_trace: {e}"))),
        },
        "inspect" => match serde_json::from_value::<ToGame>(message.clone()) {
            Ok(ToGame::Inspect { id, request }) => {
                if lock(&shared.inspect).send((client, id, request)).is_err() {
                    return Some(error_message("the game is shutting down"));
                }
                shared.bell.ring();
                None
            }
            Ok(_) => Some(error_message("inspect: not an inspect request")),
            Err(e) => Some(error_message(format!("inspect: {e}"))),
        },
        "hello" => Some(error_message("already said hello")),
        other => Some(error_message(format!("unknown message type `{other}`"))),
    }
}

/// Turns a path from a tool (project-relative, absolute inside the project, or a `file://`
/// URI) into the project-relative script path the runtime uses.
fn project_script_path(root: &Path, path: &str) -> Result<String, String> {
    let path = path.strip_prefix("file://").unwrap_or(path);
    let candidate = Path::new(path);
    let relative = if candidate.is_absolute() {
        let canonical = candidate
            .canonicalize()
            .unwrap_or_else(|_| candidate.to_path_buf());
        let inside = canonical
            .strip_prefix(root)
            .or_else(|_| candidate.strip_prefix(root))
            .map_err(|_| "not inside the project".to_string())?;
        inside.to_string_lossy().replace('\\', "/")
    } else {
        path.to_string()
    };
    crate::normalize_script_path(&relative).map_err(str::to_string)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn script_paths_from_tools() {
        let root = Path::new("/game");
        assert_eq!(
            project_script_path(root, "scripts/a.lua").as_deref(),
            Ok("scripts/a.lua")
        );
        assert_eq!(
            project_script_path(root, "./scripts//b/a.lua").as_deref(),
            Ok("scripts/b/a.lua")
        );
        assert_eq!(
            project_script_path(root, "/game/scripts/a.lua").as_deref(),
            Ok("scripts/a.lua")
        );
        assert_eq!(
            project_script_path(root, "file:///game/scripts/a.lua").as_deref(),
            Ok("scripts/a.lua")
        );
        assert!(project_script_path(root, "/elsewhere/scripts/a.lua").is_err());
        assert!(project_script_path(root, "scripts/../../x.lua").is_err());
        assert!(project_script_path(root, "scene.json").is_err());
    }
}
