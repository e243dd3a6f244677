//! The `crescent-lsp` binary over real pipes, the way editors talk to it.
//!
//! What real clients do and a plain tower-lsp server mishandles: `--stdio` on the command line
//! (vscode-languageclient), `"params": null` on `shutdown` (Emacs Eglot), `exit` while stdin
//! stays open (most clients dispose the connection without closing the pipe), plus garbled
//! frames that must not kill the server.

use std::io::{Read, Write};
use std::process::{Child, ChildStdin, Command, ExitStatus, Stdio};
use std::sync::mpsc::{self, Receiver};
use std::time::{Duration, Instant};

use crescent_lsp::transport::{encode_frame, FrameReader, Framed};
use serde_json::{json, Value};

const WAIT: Duration = Duration::from_secs(20);

/// A running server with a thread that decodes its stdout.
struct Server {
    root: tempfile::TempDir,
    child: Child,
    stdin: ChildStdin,
    messages: Receiver<Value>,
}

impl Server {
    fn start() -> Server {
        let root = tempfile::tempdir().expect("temp workspace");
        let mut child = Command::new(env!("CARGO_BIN_EXE_crescent-lsp"))
            .arg("--stdio")
            .current_dir(root.path())
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            .spawn()
            .expect("start crescent-lsp");
        let stdin = child.stdin.take().expect("stdin");
        let mut stdout = child.stdout.take().expect("stdout");
        let (tx, messages) = mpsc::channel();
        std::thread::spawn(move || {
            let mut frames = FrameReader::default();
            let mut buf = [0u8; 8192];
            while let Ok(n) = stdout.read(&mut buf) {
                if n == 0 {
                    return;
                }
                frames.push(&buf[..n]);
                while let Some(item) = frames.next_item() {
                    if let Framed::Body(body) = item {
                        let value = serde_json::from_slice(&body).unwrap_or(Value::Null);
                        if tx.send(value).is_err() {
                            return;
                        }
                    }
                }
            }
        });
        Server {
            root,
            child,
            stdin,
            messages,
        }
    }

    fn send_raw(&mut self, bytes: &[u8]) {
        self.stdin.write_all(bytes).expect("write to server");
        self.stdin.flush().expect("flush");
    }

    fn send(&mut self, message: Value) {
        self.send_raw(&encode_frame(message.to_string().as_bytes()));
    }

    fn initialize(&mut self) {
        let root = self.root.path().to_path_buf();
        self.send(json!({"jsonrpc": "2.0", "id": 1, "method": "initialize", "params": {
            "processId": null, "rootUri": format!("file://{}", root.display()), "capabilities": {}
        }}));
        let reply = self.response(&json!(1));
        assert!(reply.get("result").is_some(), "initialize failed: {reply}");
        self.send(json!({"jsonrpc": "2.0", "method": "initialized", "params": {}}));
    }

    /// Waits for the response with this id, answering the server's own requests meanwhile.
    fn response(&mut self, id: &Value) -> Value {
        let deadline = Instant::now() + WAIT;
        loop {
            let left = deadline.saturating_duration_since(Instant::now());
            let message = self
                .messages
                .recv_timeout(left)
                .unwrap_or_else(|_| panic!("no response with id {id} within {WAIT:?}"));
            if message.get("method").is_some() {
                if let Some(request_id) = message.get("id") {
                    let answer = json!({"jsonrpc": "2.0", "id": request_id, "result": null});
                    self.send(answer);
                }
                continue;
            }
            if message.get("id") == Some(id) {
                return message;
            }
        }
    }

    /// Waits for the process to end by itself (stdin stays open), killing it after `WAIT`.
    fn wait_for_exit(&mut self) -> Option<ExitStatus> {
        let deadline = Instant::now() + WAIT;
        while Instant::now() < deadline {
            if let Ok(Some(status)) = self.child.try_wait() {
                return Some(status);
            }
            std::thread::sleep(Duration::from_millis(10));
        }
        let _ = self.child.kill();
        let _ = self.child.wait();
        None
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

#[test]
fn shutdown_with_null_params_then_exit_ends_the_process_with_stdin_open() {
    let mut server = Server::start();
    server.initialize();
    server.send(json!({"jsonrpc": "2.0", "id": 2, "method": "shutdown", "params": null}));
    let reply = server.response(&json!(2));
    assert!(
        reply.get("error").is_none(),
        "shutdown with null params was refused: {reply}"
    );
    server.send(json!({"jsonrpc": "2.0", "method": "exit", "params": null}));
    let status = server
        .wait_for_exit()
        .expect("the server did not exit on `exit` with stdin open");
    assert_eq!(status.code(), Some(0), "exit after shutdown");
}

#[test]
fn shutdown_with_empty_object_params_is_answered() {
    // Newer Eglot sends `"params": {}` on shutdown; the request takes no params.
    let mut server = Server::start();
    server.initialize();
    server.send(json!({"jsonrpc": "2.0", "id": 4, "method": "shutdown", "params": {}}));
    let reply = server.response(&json!(4));
    assert!(
        reply.get("error").is_none() && reply.get("result") == Some(&Value::Null),
        "shutdown with {{}} params was refused: {reply}"
    );
    server.send(json!({"jsonrpc": "2.0", "method": "exit", "params": {}}));
    assert_eq!(server.wait_for_exit().and_then(|s| s.code()), Some(0));
}

#[test]
fn exit_without_shutdown_ends_the_process_with_code_one() {
    let mut server = Server::start();
    server.initialize();
    server.send(json!({"jsonrpc": "2.0", "method": "exit"}));
    let status = server
        .wait_for_exit()
        .expect("the server did not exit on `exit` with stdin open");
    assert_eq!(status.code(), Some(1), "exit without shutdown");
}

#[test]
fn back_to_back_shutdown_and_exit_still_answer_the_shutdown() {
    // Some clients write both messages at once; the answer to shutdown must still go out.
    let mut server = Server::start();
    server.initialize();
    let mut both = encode_frame(br#"{"jsonrpc":"2.0","id":9,"method":"shutdown"}"#);
    both.extend(encode_frame(br#"{"jsonrpc":"2.0","method":"exit"}"#));
    server.send_raw(&both);
    let reply = server.response(&json!(9));
    assert!(reply.get("error").is_none(), "{reply}");
    assert_eq!(server.wait_for_exit().and_then(|s| s.code()), Some(0));
}

#[test]
fn garbled_frames_do_not_kill_the_server() {
    let mut server = Server::start();
    // A bad length, a header block without a length, garbage bytes, bodies that are not JSON,
    // not UTF-8 or not JSON-RPC (each of which ends a plain tower-lsp server), and a lowercase
    // header with extra headers: only the last is a real request.
    server.send_raw(b"Content-Length: twelve\r\n\r\n{\"id\":0}");
    server.send_raw(b"X-Nothing: here\r\n\r\n");
    server.send_raw(b"\x00\xffrandom bytes that are not a header at all\n");
    server.send_raw(&encode_frame(b"{this is not json"));
    server.send_raw(&encode_frame(b"{\"jsonrpc\":\"2.0\",\"method\":\"\xff\"}"));
    server.send_raw(&encode_frame(
        br#"{"jsonrpc":"1.0","id":5,"method":"initialize"}"#,
    ));
    server.send_raw(&encode_frame(br#"[1, 2, 3]"#));
    let initialize = json!({"jsonrpc": "2.0", "id": 1, "method": "initialize", "params": {
        "processId": null, "rootUri": null, "capabilities": {}
    }})
    .to_string();
    let mut frame = format!(
        "content-type: application/vscode-jsonrpc; charset=utf-8\r\ncontent-length: {}\r\nX-Extra: 1\r\n\r\n",
        initialize.len()
    )
    .into_bytes();
    frame.extend(initialize.as_bytes());
    server.send_raw(&frame);
    let reply = server.response(&json!(1));
    assert!(
        reply.get("result").is_some(),
        "initialize after garbage failed: {reply}"
    );
    server.send(json!({"jsonrpc": "2.0", "id": 2, "method": "shutdown"}));
    server.response(&json!(2));
    server.send(json!({"jsonrpc": "2.0", "method": "exit"}));
    assert_eq!(server.wait_for_exit().and_then(|s| s.code()), Some(0));
}
