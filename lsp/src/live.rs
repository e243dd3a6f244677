//! The live link: finds a running Crescent game through `.crescent/session.json`, joins its dev
//! channel and turns what the game says into [`LiveEvent`]s for the server layer.
//!
//! The link never blocks editing: it runs as its own tokio task per workspace folder, polls for
//! the session file (a cheap `stat` twice a second), ignores stale files (a dead pid, or nobody
//! listening: remembered by token so a stale file is not retried until it changes), and goes
//! back to waiting when the game goes away. The wire format is `DEV-CHANNEL.md`: one JSON object
//! per line, the client speaks first with `hello` and the session's token.

use serde_json::Value;
use std::path::{Path, PathBuf};
use std::time::Duration;
use tokio::io::{AsyncBufReadExt, AsyncWriteExt, BufReader};
use tokio::net::TcpStream;
use tokio::sync::mpsc;

use crescent_api::dev::{FromGame, ToGame};
/// The session file and its contents, as the game writes them (one definition for both).
pub use crescent_api::dev::{SessionInfo as Session, SESSION_FILE};

/// What the client calls itself in `hello`.
const CLIENT_NAME: &str = concat!("crescent-lsp ", env!("CARGO_PKG_VERSION"));

/// Something the running game said, or a change in the link itself.
#[derive(Debug, Clone, PartialEq)]
pub enum LiveEvent {
    /// The handshake succeeded; `api` is the game's whole API description when it sent one.
    Connected {
        /// Absolute project root as the game sees it.
        project: String,
        /// The API the game registered (built-in plus host), to replace the workspace's.
        api: Option<Box<crescent_api::Api>>,
    },
    /// The connection ended or the handshake was refused.
    Disconnected {
        /// Why, in words for a log line.
        reason: String,
    },
    /// Something the game reported: a reload, a failed reload, a runtime error, a log line.
    Game(crescent_api::Event),
    /// The game dropped events because this client read too slowly.
    Dropped {
        /// How many were dropped.
        count: u64,
    },
    /// A live sample (the link subscribes to them once welcomed).
    Stats(Box<crescent_api::dev::GameStats>),
}

/// A request the server can send to the game.
#[derive(Debug, Clone, PartialEq)]
pub enum LiveRequest {
    /// Reload a script now, whether or not it changed.
    Reload {
        /// Project-relative path.
        path: String,
    },
    /// Ask for a `pong`.
    Ping,
}

impl LiveRequest {
    fn to_line(&self) -> String {
        let message = match self {
            LiveRequest::Reload { path } => ToGame::Reload { path: path.clone() },
            LiveRequest::Ping => ToGame::Ping,
        };
        line(&message)
    }
}

/// A message as one line of the wire format.
fn line(message: &ToGame) -> String {
    let mut text = serde_json::to_string(message).unwrap_or_default();
    text.push('\n');
    text
}

impl LiveEvent {
    /// Reads one runtime-to-tool object of the wire format. `None` for objects the link
    /// handles itself (`welcome`, `pong`, `error`) or does not know.
    pub fn from_wire(value: &Value) -> Option<LiveEvent> {
        match serde_json::from_value::<FromGame>(value.clone()).ok()? {
            FromGame::Dropped { count } => Some(LiveEvent::Dropped { count }),
            FromGame::Event(event) => Some(LiveEvent::Game(event)),
            FromGame::Stats(stats) => Some(LiveEvent::Stats(Box::new(stats))),
            // The debugger's messages go to the connection that debugs, never to this one.
            FromGame::Welcome { .. }
            | FromGame::Pong
            | FromGame::Error { .. }
            | FromGame::DebugReply { .. }
            | FromGame::Stopped { .. }
            | FromGame::Continued
            | FromGame::BreakpointsChanged { .. }
            | FromGame::InspectReply { .. }
            | FromGame::TraceRecorded { .. } => None,
        }
    }
}

/// Reads the session file of a project, if there is a well-formed one.
pub fn read_session(root: &Path) -> Option<Session> {
    let text = std::fs::read_to_string(root.join(SESSION_FILE)).ok()?;
    serde_json::from_str(&text).ok()
}

/// Whether a process with this id exists. Where that cannot be known, assumes it does and lets
/// the connection attempt decide.
fn process_alive(pid: u32) -> bool {
    if cfg!(target_os = "linux") {
        Path::new("/proc").join(pid.to_string()).exists()
    } else {
        true
    }
}

/// Handle to a running live link: send requests to the game through it.
#[derive(Debug, Clone)]
pub struct LiveLink {
    requests: mpsc::UnboundedSender<LiveRequest>,
}

impl LiveLink {
    /// Queues a request for the game; dropped silently when no game is connected.
    pub fn request(&self, request: LiveRequest) {
        let _ = self.requests.send(request);
    }
}

/// How often the link looks for a session file while no game is connected.
pub const POLL_INTERVAL: Duration = Duration::from_millis(400);

/// Starts the live link for one project root on the current tokio runtime. Events go to
/// `events`; the task ends when `events` is closed.
pub fn spawn(root: PathBuf, events: mpsc::UnboundedSender<LiveEvent>) -> LiveLink {
    spawn_with_interval(root, events, POLL_INTERVAL)
}

/// [`spawn`] with a chosen polling interval (tests use a short one).
pub fn spawn_with_interval(
    root: PathBuf,
    events: mpsc::UnboundedSender<LiveEvent>,
    interval: Duration,
) -> LiveLink {
    let (tx, rx) = mpsc::unbounded_channel();
    tokio::spawn(run(root, events, rx, interval));
    LiveLink { requests: tx }
}

async fn run(
    root: PathBuf,
    events: mpsc::UnboundedSender<LiveEvent>,
    mut requests: mpsc::UnboundedReceiver<LiveRequest>,
    interval: Duration,
) {
    // The token of a session file that turned out stale, so it is not retried until the
    // file changes.
    let mut stale_token: Option<String> = None;
    while !events.is_closed() {
        if let Some(session) = read_session(&root) {
            if stale_token.as_deref() != Some(session.token.as_str()) {
                if !process_alive(session.pid) {
                    stale_token = Some(session.token.clone());
                } else {
                    match connect(&session).await {
                        Ok(stream) => {
                            let (reason, welcomed) =
                                serve(stream, &session, &events, &mut requests).await;
                            let _ = events.send(LiveEvent::Disconnected { reason });
                            // A refused handshake will be refused again: wait for a new
                            // session. After a real session the same file may still be good
                            // (the connection dropped, the game runs on); the next attempt
                            // finds out.
                            if !welcomed {
                                stale_token = Some(session.token.clone());
                            }
                        }
                        Err(_) => stale_token = Some(session.token.clone()),
                    }
                }
            }
        }
        // Requests made while no game is connected have nobody to go to.
        while requests.try_recv().is_ok() {}
        tokio::time::sleep(interval).await;
    }
}

async fn connect(session: &Session) -> std::io::Result<TcpStream> {
    let attempt = TcpStream::connect(("127.0.0.1", session.port));
    match tokio::time::timeout(Duration::from_secs(1), attempt).await {
        Ok(result) => result,
        Err(_) => Err(std::io::Error::new(
            std::io::ErrorKind::TimedOut,
            "the game did not accept the connection",
        )),
    }
}

/// Runs one connection to its end and says why it ended and whether the game welcomed us.
async fn serve(
    stream: TcpStream,
    session: &Session,
    events: &mpsc::UnboundedSender<LiveEvent>,
    requests: &mut mpsc::UnboundedReceiver<LiveRequest>,
) -> (String, bool) {
    let mut welcomed = false;
    let reason = converse(stream, session, events, requests, &mut welcomed).await;
    (reason, welcomed)
}

async fn converse(
    stream: TcpStream,
    session: &Session,
    events: &mpsc::UnboundedSender<LiveEvent>,
    requests: &mut mpsc::UnboundedReceiver<LiveRequest>,
    welcomed: &mut bool,
) -> String {
    let (read, mut write) = stream.into_split();
    let hello = ToGame::Hello {
        token: session.token.clone(),
        client: CLIENT_NAME.into(),
    };
    if let Err(e) = write.write_all(line(&hello).as_bytes()).await {
        return format!("could not greet the game: {e}");
    }
    let mut lines = BufReader::new(read).lines();
    loop {
        tokio::select! {
            line = lines.next_line() => {
                let line = match line {
                    Ok(Some(line)) => line,
                    Ok(None) => return "the game closed the connection".into(),
                    Err(e) => return format!("reading from the game failed: {e}"),
                };
                let Ok(value) = serde_json::from_str::<Value>(&line) else {
                    continue;
                };
                match serde_json::from_value::<FromGame>(value.clone()) {
                    Ok(FromGame::Welcome { project, api, .. }) => {
                        *welcomed = true;
                        if events.send(LiveEvent::Connected { project, api }).is_err() {
                            return "the server stopped".into();
                        }
                        // Live samples feed the code lenses over lifecycle callbacks.
                        let subscribe = self::line(&ToGame::Subscribe { stats: true });
                        if let Err(e) = write.write_all(subscribe.as_bytes()).await {
                            return format!("writing to the game failed: {e}");
                        }
                    }
                    Ok(FromGame::Error { message, .. }) if !*welcomed => {
                        return format!("the game refused the connection: {message}");
                    }
                    _ => {
                        if let Some(event) = LiveEvent::from_wire(&value) {
                            if events.send(event).is_err() {
                                return "the server stopped".into();
                            }
                        }
                    }
                }
            }
            request = requests.recv() => {
                let Some(request) = request else {
                    return "the server stopped".into();
                };
                if let Err(e) = write.write_all(request.to_line().as_bytes()).await {
                    return format!("writing to the game failed: {e}");
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crescent_api::Event;
    use tokio::net::TcpListener;

    fn write_session(root: &Path, port: u16, token: &str, pid: u32) {
        let dir = root.join(".crescent");
        std::fs::create_dir_all(&dir).expect("create .crescent");
        let body = serde_json::json!({"version": 1, "pid": pid, "port": port, "token": token});
        std::fs::write(dir.join("session.json"), body.to_string()).expect("write session");
    }

    async fn next(rx: &mut mpsc::UnboundedReceiver<LiveEvent>) -> LiveEvent {
        tokio::time::timeout(Duration::from_secs(5), rx.recv())
            .await
            .expect("an event within 5 s")
            .expect("the link is running")
    }

    #[test]
    fn wire_objects_become_events() {
        let cases = [
            (
                r#"{"type":"reloaded","path":"scripts/a.lua","ms":3.5,"instances":2}"#,
                LiveEvent::Game(Event::Reloaded {
                    path: "scripts/a.lua".into(),
                    ms: 3.5,
                    instances: 2,
                }),
            ),
            (
                r#"{"type":"reload_failed","path":"scripts/a.lua","line":4,"column":7,"message":"unexpected symbol"}"#,
                LiveEvent::Game(Event::ReloadFailed {
                    path: "scripts/a.lua".into(),
                    line: 4,
                    column: 7,
                    message: "unexpected symbol".into(),
                }),
            ),
            (
                r#"{"type":"script_error","path":"scripts/a.lua","line":9,"message":"boom","traceback":"stack","entity":3,"phase":"update","frames":[{"path":"scripts/a.lua","line":9,"function":"update"}]}"#,
                LiveEvent::Game(Event::ScriptError {
                    path: "scripts/a.lua".into(),
                    line: 9,
                    column: 0,
                    message: "boom".into(),
                    script: String::new(),
                    entity: 3,
                    entity_name: None,
                    phase: "update".into(),
                    frames: vec![crescent_api::Frame {
                        path: "scripts/a.lua".into(),
                        line: 9,
                        function: "update".into(),
                        skipped: 0,
                    }],
                    traceback: "stack".into(),
                }),
            ),
            (
                r#"{"type":"dropped","count":12}"#,
                LiveEvent::Dropped { count: 12 },
            ),
        ];
        for (wire, expected) in cases {
            let value: Value = serde_json::from_str(wire).expect("test JSON");
            assert_eq!(LiveEvent::from_wire(&value), Some(expected), "{wire}");
        }
        let pong: Value = serde_json::from_str(r#"{"type":"pong"}"#).expect("test JSON");
        assert_eq!(LiveEvent::from_wire(&pong), None);
    }

    #[tokio::test]
    async fn joins_a_game_forwards_events_and_reconnects_after_a_restart() {
        let dir = tempfile::tempdir().expect("tempdir");
        let (tx, mut rx) = mpsc::unbounded_channel();
        let link = spawn_with_interval(dir.path().to_path_buf(), tx, Duration::from_millis(20));

        for (round, token) in ["first-token", "second-token"].into_iter().enumerate() {
            let listener = TcpListener::bind("127.0.0.1:0").await.expect("bind");
            let port = listener.local_addr().expect("addr").port();
            write_session(dir.path(), port, token, std::process::id());
            let (stream, _) = listener.accept().await.expect("the link connects");
            let (read, mut write) = stream.into_split();
            let mut lines = BufReader::new(read).lines();
            let hello: Value = serde_json::from_str(
                &lines
                    .next_line()
                    .await
                    .expect("read")
                    .expect("a hello line"),
            )
            .expect("hello is JSON");
            assert_eq!(hello["type"], "hello");
            assert_eq!(hello["token"], token);

            let api = crescent_api::builtin();
            let welcome =
                serde_json::json!({"type": "welcome", "version": 1, "project": "/p", "api": api});
            write
                .write_all(format!("{welcome}\n").as_bytes())
                .await
                .expect("write welcome");
            // A retry of the previous round's session may report its own failure first.
            let mut event = next(&mut rx).await;
            while matches!(event, LiveEvent::Disconnected { .. }) {
                event = next(&mut rx).await;
            }
            match event {
                LiveEvent::Connected { project, api } => {
                    assert_eq!(project, "/p");
                    assert!(api.expect("api sent").namespace("world").is_some());
                }
                other => panic!("round {round}: expected Connected, got {other:?}"),
            }
            // Once welcomed, the link subscribes to the live samples (for the code lenses).
            let subscribe: Value =
                serde_json::from_str(&lines.next_line().await.expect("read").expect("a line"))
                    .expect("subscribe is JSON");
            assert_eq!(
                subscribe,
                serde_json::json!({"type": "subscribe", "stats": true})
            );
            write
                .write_all(b"not json\n{\"type\":\"script_error\",\"path\":\"scripts/a.lua\",\"line\":2,\"message\":\"m\",\"traceback\":\"t\",\"entity\":1,\"phase\":\"init\"}\n")
                .await
                .expect("write event");
            assert!(matches!(
                next(&mut rx).await,
                LiveEvent::Game(Event::ScriptError { line: 2, .. })
            ));

            link.request(LiveRequest::Ping);
            let ping: Value =
                serde_json::from_str(&lines.next_line().await.expect("read").expect("a ping line"))
                    .expect("ping is JSON");
            assert_eq!(ping["type"], "ping");

            drop(write);
            drop(lines);
            assert!(matches!(
                next(&mut rx).await,
                LiveEvent::Disconnected { .. }
            ));
        }
    }

    #[tokio::test]
    async fn a_refused_token_is_reported_and_not_retried() {
        let dir = tempfile::tempdir().expect("tempdir");
        let listener = TcpListener::bind("127.0.0.1:0").await.expect("bind");
        let port = listener.local_addr().expect("addr").port();
        write_session(dir.path(), port, "wrong", std::process::id());
        let (tx, mut rx) = mpsc::unbounded_channel();
        let _link = spawn_with_interval(dir.path().to_path_buf(), tx, Duration::from_millis(10));
        let (mut stream, _) = listener.accept().await.expect("connects once");
        stream
            .write_all(b"{\"type\":\"error\",\"message\":\"bad token\"}\n")
            .await
            .expect("write");
        match next(&mut rx).await {
            LiveEvent::Disconnected { reason } => assert!(reason.contains("bad token"), "{reason}"),
            other => panic!("expected Disconnected, got {other:?}"),
        }
        let again = tokio::time::timeout(Duration::from_millis(200), listener.accept()).await;
        assert!(
            again.is_err(),
            "a refused session must not be retried until it changes"
        );
    }

    #[tokio::test]
    async fn a_stale_session_file_is_ignored() {
        let dir = tempfile::tempdir().expect("tempdir");
        // Nobody listens on this port once the listener is dropped.
        let port = {
            let listener = TcpListener::bind("127.0.0.1:0").await.expect("bind");
            listener.local_addr().expect("addr").port()
        };
        write_session(dir.path(), port, "t", std::process::id());
        let (tx, mut rx) = mpsc::unbounded_channel();
        let _link = spawn_with_interval(dir.path().to_path_buf(), tx, Duration::from_millis(10));
        let nothing = tokio::time::timeout(Duration::from_millis(200), rx.recv()).await;
        assert!(
            nothing.is_err(),
            "no event for a stale session, got {nothing:?}"
        );
        // A file that names a dead process is ignored without connecting at all.
        write_session(dir.path(), port, "t2", u32::MAX - 1);
        let nothing = tokio::time::timeout(Duration::from_millis(100), rx.recv()).await;
        assert!(nothing.is_err());
    }
}
