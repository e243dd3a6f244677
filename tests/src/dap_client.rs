//! A minimal Debug Adapter Protocol client for end-to-end tests: drives the real
//! `crescent dap` over stdio the way VS Code or nvim-dap does.

use crate::lsp_client::read_messages;
use serde_json::{json, Value};
use std::io::Write;
use std::process::{Child, ChildStdin, Command, Stdio};
use std::sync::mpsc::{Receiver, RecvTimeoutError};
use std::time::{Duration, Instant};

/// How long a test waits for an answer or an event.
pub const WAIT: Duration = Duration::from_secs(30);

/// A running `crescent dap` and the messages it sent that nobody has taken yet.
pub struct DapClient {
    child: Child,
    stdin: ChildStdin,
    incoming: Receiver<Value>,
    /// Messages received while waiting for something else, oldest first.
    pub backlog: Vec<Value>,
    seq: i64,
}

impl DapClient {
    /// Starts `crescent dap` and sends `initialize`; returns the client and the capabilities.
    pub fn start() -> (DapClient, Value) {
        let mut child = Command::new(crate::crescent_bin())
            .arg("dap")
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::inherit())
            .spawn()
            .expect("start crescent dap");
        let stdin = child.stdin.take().expect("piped stdin");
        let stdout = child.stdout.take().expect("piped stdout");
        let incoming = read_messages(stdout);
        let mut client = DapClient {
            child,
            stdin,
            incoming,
            backlog: Vec::new(),
            seq: 0,
        };
        let caps = client.request(
            "initialize",
            json!({"clientID": "crescent-e2e", "adapterID": "crescent", "linesStartAt1": true,
                   "columnsStartAt1": true, "pathFormat": "path"}),
        );
        (client, caps)
    }

    /// Sends a request and waits for its response; panics when it fails.
    pub fn request(&mut self, command: &str, arguments: Value) -> Value {
        let response = self.try_request(command, arguments);
        assert_eq!(response["success"], true, "{command} failed: {response}");
        response["body"].clone()
    }

    /// Sends a request and waits for its response, failed or not.
    pub fn try_request(&mut self, command: &str, arguments: Value) -> Value {
        self.seq += 1;
        let seq = self.seq;
        let message =
            json!({"seq": seq, "type": "request", "command": command, "arguments": arguments});
        let body = message.to_string();
        write!(self.stdin, "Content-Length: {}\r\n\r\n{}", body.len(), body).expect("write");
        self.stdin.flush().expect("flush");
        self.wait_for(|m| m["type"] == "response" && m["request_seq"] == seq)
            .unwrap_or_else(|| panic!("no response to {command} within {WAIT:?}"))
    }

    /// Waits for the event `name` matching `wanted`.
    pub fn event(&mut self, name: &str, wanted: impl Fn(&Value) -> bool) -> Value {
        self.wait_for(|m| m["type"] == "event" && m["event"] == name && wanted(&m["body"]))
            .map(|m| m["body"].clone())
            .unwrap_or_else(|| panic!("no {name} event within {WAIT:?}; seen {:#?}", self.backlog))
    }

    /// Waits for a message matching `wanted`, keeping the others in the backlog (which is
    /// searched first).
    pub fn wait_for(&mut self, wanted: impl Fn(&Value) -> bool) -> Option<Value> {
        if let Some(i) = self.backlog.iter().position(&wanted) {
            return Some(self.backlog.remove(i));
        }
        let deadline = Instant::now() + WAIT;
        loop {
            let left = deadline.saturating_duration_since(Instant::now());
            match self.incoming.recv_timeout(left) {
                Ok(m) if wanted(&m) => return Some(m),
                Ok(m) => self.backlog.push(m),
                Err(RecvTimeoutError::Timeout | RecvTimeoutError::Disconnected) => return None,
            }
        }
    }

    /// Sends `disconnect` and waits for the adapter to exit.
    pub fn disconnect(mut self) {
        self.request("disconnect", json!({"terminateDebuggee": true}));
        let deadline = Instant::now() + WAIT;
        while Instant::now() < deadline {
            if let Ok(Some(_)) = self.child.try_wait() {
                return;
            }
            std::thread::sleep(Duration::from_millis(20));
        }
        let _ = self.child.kill();
        panic!("crescent dap did not exit after disconnect");
    }
}

impl Drop for DapClient {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}
