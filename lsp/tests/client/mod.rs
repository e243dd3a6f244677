//! A language client for tests, in process: the real server (`crescent_lsp::server::service`)
//! over an in-memory pipe, with framed JSON-RPC both ways.
#![allow(dead_code)]

use serde_json::{json, Value};
use std::time::Duration;
use tokio::io::{AsyncBufReadExt, AsyncReadExt, AsyncWriteExt, BufReader};
use tokio::sync::mpsc;

pub struct Client {
    pub writer: tokio::io::WriteHalf<tokio::io::DuplexStream>,
    pub incoming: mpsc::UnboundedReceiver<Value>,
    /// Notifications seen while waiting for something else.
    pub seen: Vec<Value>,
    pub next_id: i64,
}

pub async fn write_frame(w: &mut tokio::io::WriteHalf<tokio::io::DuplexStream>, v: &Value) {
    let body = v.to_string();
    let frame = format!("Content-Length: {}\r\n\r\n{}", body.len(), body);
    w.write_all(frame.as_bytes()).await.expect("write");
    w.flush().await.expect("flush");
}

impl Client {
    pub fn start() -> Client {
        let (service, socket) = crescent_lsp::server::service();
        let (client_io, server_io) = tokio::io::duplex(1 << 22);
        let (sr, sw) = tokio::io::split(server_io);
        tokio::spawn(tower_lsp::Server::new(sr, sw, socket).serve(service));
        let (cr, cw) = tokio::io::split(client_io);
        let (tx, rx) = mpsc::unbounded_channel();
        tokio::spawn(async move {
            let mut reader = BufReader::new(cr);
            loop {
                let mut len = 0usize;
                loop {
                    let mut line = String::new();
                    if reader.read_line(&mut line).await.unwrap_or(0) == 0 {
                        return;
                    }
                    let line = line.trim();
                    if line.is_empty() {
                        break;
                    }
                    if let Some(v) = line.strip_prefix("Content-Length: ") {
                        len = v.parse().unwrap_or(0);
                    }
                }
                let mut body = vec![0; len];
                if reader.read_exact(&mut body).await.is_err() {
                    return;
                }
                if let Ok(v) = serde_json::from_slice::<Value>(&body) {
                    if tx.send(v).is_err() {
                        return;
                    }
                }
            }
        });
        Client {
            writer: cw,
            incoming: rx,
            seen: Vec::new(),
            next_id: 1,
        }
    }

    pub async fn next(&mut self) -> Value {
        let v = tokio::time::timeout(Duration::from_secs(30), self.incoming.recv())
            .await
            .expect("the server answers within 30 s")
            .expect("the server is running");
        // Answer the server's own requests (progress tokens, registrations).
        if v.get("method").is_some() && v.get("id").is_some() {
            let reply = json!({"jsonrpc": "2.0", "id": v["id"], "result": null});
            write_frame(&mut self.writer, &reply).await;
        }
        v
    }

    pub async fn request(&mut self, method: &str, params: Value) -> Value {
        let id = self.next_id;
        self.next_id += 1;
        let mut msg = json!({"jsonrpc": "2.0", "id": id, "method": method, "params": params});
        if msg["params"].is_null() {
            // tower-lsp refuses `"params": null`; the stdio transport drops it for real clients.
            msg.as_object_mut().map(|m| m.remove("params"));
        }
        write_frame(&mut self.writer, &msg).await;
        loop {
            let v = self.next().await;
            if v.get("id") == Some(&json!(id)) && v.get("method").is_none() {
                return v;
            }
            self.seen.push(v);
        }
    }

    pub async fn notify(&mut self, method: &str, params: Value) {
        let msg = json!({"jsonrpc": "2.0", "method": method, "params": params});
        write_frame(&mut self.writer, &msg).await;
    }

    pub async fn wait_for(&mut self, pred: impl Fn(&Value) -> bool) -> Value {
        if let Some(i) = self.seen.iter().position(&pred) {
            return self.seen.remove(i);
        }
        loop {
            let v = self.next().await;
            if pred(&v) {
                return v;
            }
            self.seen.push(v);
        }
    }

    pub async fn initialize(&mut self, root: Option<&std::path::Path>, utf8: bool) -> Value {
        let encodings = if utf8 {
            json!(["utf-8", "utf-16"])
        } else {
            json!(["utf-16"])
        };
        let root_uri = root.map(|r| format!("file://{}", r.display()));
        let folders = root_uri
            .as_ref()
            .map(|u| json!([{"uri": u, "name": "game"}]));
        let r = self
            .request(
                "initialize",
                json!({
                    "processId": null,
                    "rootUri": root_uri,
                    "workspaceFolders": folders,
                    "capabilities": {
                        "general": {"positionEncodings": encodings},
                        "window": {"workDoneProgress": true},
                        "workspace": {"didChangeWatchedFiles": {"dynamicRegistration": true}}
                    }
                }),
            )
            .await;
        self.notify("initialized", json!({})).await;
        r
    }
}

impl Client {
    /// A server initialized on a temporary workspace holding `files` (`(relative path,
    /// text)`), once it has indexed it. The folder's canonical path comes back with it.
    pub async fn on_workspace(
        files: &[(&str, &str)],
    ) -> (tempfile::TempDir, std::path::PathBuf, Client) {
        let dir = tempfile::tempdir().expect("tempdir");
        let root = dir.path().canonicalize().expect("canonical");
        for (path, text) in files {
            let p = root.join(path);
            std::fs::create_dir_all(p.parent().expect("a parent")).expect("mkdir");
            std::fs::write(&p, text).expect("write");
        }
        let mut c = Client::start();
        c.initialize(Some(&root), false).await;
        c.wait_for(|v| v["method"] == "$/progress" && v["params"]["value"]["kind"] == "end")
            .await;
        (dir, root, c)
    }

    /// Opens a Lua document at version 1.
    pub async fn open(&mut self, uri: &str, text: &str) {
        self.notify(
            "textDocument/didOpen",
            json!({"textDocument": {"uri": uri, "languageId": "lua", "version": 1, "text": text}}),
        )
        .await;
    }
}

pub fn diagnostics_for<'a>(uri: &'a str) -> impl Fn(&Value) -> bool + 'a {
    move |v: &Value| v["method"] == "textDocument/publishDiagnostics" && v["params"]["uri"] == uri
}
