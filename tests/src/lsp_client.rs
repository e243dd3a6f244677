//! A minimal language client for end-to-end tests: drives the real `crescent-lsp` binary over
//! stdio the way an editor does (Content-Length framing, JSON-RPC requests, notifications).

use serde_json::{json, Value};
use std::io::{BufRead, BufReader, Write};
use std::path::Path;
use std::process::{Child, ChildStdin, Command, Stdio};
use std::sync::mpsc::{self, Receiver, RecvTimeoutError};
use std::time::{Duration, Instant};

/// A running `crescent-lsp` and the messages it sent that nobody has taken yet.
pub struct LspClient {
    child: Child,
    stdin: ChildStdin,
    incoming: Receiver<Value>,
    /// Messages received while waiting for something else, oldest first.
    pub backlog: Vec<Value>,
    next_id: i64,
}

/// Reads `Content-Length`-framed messages from `stream` on a thread of their own, in order.
pub fn read_messages(stream: impl std::io::Read + Send + 'static) -> Receiver<Value> {
    let (tx, incoming) = mpsc::channel();
    std::thread::spawn(move || {
        let mut reader = BufReader::new(stream);
        while let Some(message) = read_message(&mut reader) {
            if tx.send(message).is_err() {
                break;
            }
        }
    });
    incoming
}

/// Reads one `Content-Length`-framed JSON message (LSP and DAP frame them alike).
pub fn read_message(reader: &mut impl BufRead) -> Option<Value> {
    let mut length = None;
    loop {
        let mut line = String::new();
        if reader.read_line(&mut line).ok()? == 0 {
            return None;
        }
        let line = line.trim_end();
        if line.is_empty() {
            break;
        }
        if let Some((name, value)) = line.split_once(':') {
            if name.eq_ignore_ascii_case("content-length") {
                length = value.trim().parse::<usize>().ok();
            }
        }
    }
    let mut body = vec![0; length?];
    reader.read_exact(&mut body).ok()?;
    serde_json::from_slice(&body).ok()
}

impl LspClient {
    /// Starts the server binary and performs `initialize`/`initialized` with `root` as the
    /// only workspace folder.
    pub fn start(server: &Path, root: &Path) -> LspClient {
        let mut child = Command::new(server)
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            .spawn()
            .unwrap_or_else(|e| panic!("cannot start {}: {e}", server.display()));
        let stdin = child.stdin.take().expect("piped stdin");
        let stdout = child.stdout.take().expect("piped stdout");
        let incoming = read_messages(stdout);
        let mut client = LspClient {
            child,
            stdin,
            incoming,
            backlog: Vec::new(),
            next_id: 1,
        };
        let uri = file_uri(root);
        let result = client.request(
            "initialize",
            json!({
                "processId": std::process::id(),
                "rootUri": uri,
                "workspaceFolders": [{"uri": uri, "name": "game"}],
                "capabilities": {
                    "general": {"positionEncodings": ["utf-16"]},
                    "window": {"workDoneProgress": true},
                    "textDocument": {"publishDiagnostics": {"relatedInformation": true}}
                }
            }),
        );
        assert!(
            result.get("capabilities").is_some(),
            "initialize answered {result}"
        );
        client.notify("initialized", json!({}));
        client
    }

    /// Sends a notification.
    pub fn notify(&mut self, method: &str, params: Value) {
        self.send(&json!({"jsonrpc": "2.0", "method": method, "params": params}));
    }

    /// Sends a request and waits (up to 20 s) for its result, answering the server's own
    /// requests (progress tokens, watcher registration) on the way.
    pub fn request(&mut self, method: &str, params: Value) -> Value {
        let id = self.next_id;
        self.next_id += 1;
        self.send(&json!({"jsonrpc": "2.0", "id": id, "method": method, "params": params}));
        let answer = self.wait_for(Duration::from_secs(20), |m| {
            m.get("id") == Some(&json!(id)) && m.get("method").is_none()
        });
        let answer = answer.unwrap_or_else(|| panic!("no answer to {method} within 20 s"));
        if let Some(error) = answer.get("error") {
            panic!("{method} failed: {error}");
        }
        answer["result"].clone()
    }

    /// Waits up to `timeout` for a message matching `wanted`, keeping the others in
    /// [`LspClient::backlog`]. Messages already in the backlog are considered first.
    pub fn wait_for(
        &mut self,
        timeout: Duration,
        wanted: impl Fn(&Value) -> bool,
    ) -> Option<Value> {
        if let Some(i) = self.backlog.iter().position(&wanted) {
            return Some(self.backlog.remove(i));
        }
        let deadline = Instant::now() + timeout;
        loop {
            let left = deadline.checked_duration_since(Instant::now())?;
            match self.incoming.recv_timeout(left) {
                Ok(message) => {
                    self.answer_server_request(&message);
                    if wanted(&message) {
                        return Some(message);
                    }
                    self.backlog.push(message);
                }
                Err(RecvTimeoutError::Timeout) => return None,
                Err(RecvTimeoutError::Disconnected) => return None,
            }
        }
    }

    /// Drops every message received so far.
    pub fn clear(&mut self) {
        self.backlog.clear();
        while let Ok(message) = self.incoming.try_recv() {
            self.answer_server_request(&message);
        }
    }

    fn answer_server_request(&mut self, message: &Value) {
        if message.get("method").is_some() {
            if let Some(id) = message.get("id") {
                let id = id.clone();
                self.send(&json!({"jsonrpc": "2.0", "id": id, "result": null}));
            }
        }
    }

    fn send(&mut self, message: &Value) {
        let body = message.to_string();
        let frame = format!("Content-Length: {}\r\n\r\n{body}", body.len());
        // A server that died is noticed by the wait that follows.
        let _ = self.stdin.write_all(frame.as_bytes());
        let _ = self.stdin.flush();
    }

    /// `shutdown` then `exit`, and waits (up to 10 s) for the process to end with status 0.
    pub fn shutdown(mut self) {
        self.request("shutdown", Value::Null);
        self.notify("exit", Value::Null);
        let deadline = Instant::now() + Duration::from_secs(10);
        loop {
            match self.child.try_wait() {
                Ok(Some(status)) => {
                    assert!(status.success(), "crescent-lsp exited with {status}");
                    return;
                }
                Ok(None) if Instant::now() < deadline => {
                    std::thread::sleep(Duration::from_millis(20))
                }
                _ => {
                    let _ = self.child.kill();
                    panic!("crescent-lsp did not exit within 10 s of `exit`");
                }
            }
        }
    }
}

impl Drop for LspClient {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// The `file://` URI of a path.
pub fn file_uri(path: &Path) -> String {
    let text = path.to_string_lossy().replace('\\', "/");
    let mut out = String::from("file://");
    if !text.starts_with('/') {
        out.push('/');
    }
    for byte in text.bytes() {
        match byte {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'/' | b'-' | b'_' | b'.' | b'~' => {
                out.push(byte as char)
            }
            other => out.push_str(&format!("%{other:02X}")),
        }
    }
    out
}

/// The errors and warnings the language server publishes for `files` (paths relative to the
/// project `root`), each opened as an editor opens it once the workspace is indexed, as
/// `path:line: message [code]`: what "clean in the editor" means for the tests of examples,
/// templates and the tutorial.
pub fn editor_problems(lsp_bin: &Path, root: &Path, files: &[String]) -> Vec<String> {
    let root = root.canonicalize().expect("canonical project path");
    let mut lsp = LspClient::start(lsp_bin, &root);
    let indexed = lsp.wait_for(Duration::from_secs(30), |m| {
        m["method"] == "$/progress" && m["params"]["value"]["kind"] == "end"
    });
    assert!(
        indexed.is_some(),
        "the language server did not index {}",
        root.display()
    );
    let mut problems = Vec::new();
    for rel in files {
        let file = root.join(rel);
        let text = std::fs::read_to_string(&file).expect("read script");
        let uri = file_uri(&file);
        lsp.clear();
        lsp.notify(
            "textDocument/didOpen",
            json!({"textDocument": {"uri": uri, "languageId": "lua", "version": 1, "text": text}}),
        );
        let published = lsp
            .wait_for(Duration::from_secs(20), |m| {
                m["method"] == "textDocument/publishDiagnostics" && m["params"]["uri"] == uri
            })
            .unwrap_or_else(|| panic!("no diagnostics published for {rel}"));
        for d in published["params"]["diagnostics"]
            .as_array()
            .into_iter()
            .flatten()
        {
            if d["severity"] == 1 || d["severity"] == 2 {
                problems.push(format!(
                    "{rel}:{}: {} [{}]",
                    d["range"]["start"]["line"].as_u64().unwrap_or(0) + 1,
                    d["message"].as_str().unwrap_or("?"),
                    d["code"].as_str().unwrap_or("?")
                ));
            }
        }
    }
    lsp.shutdown();
    problems
}
