//! `lsp-bench`: latency and memory of the real `crescent-lsp` over stdio on a generated game.
//!
//! Generates a workspace of N scripts (lifecycle functions, engine calls, `require`s of shared
//! modules, script components; 30-150 lines each) in a temporary folder, starts the server
//! binary over pipes like an editor would, and measures: initialize; workspace indexed (the
//! `end` of the server's `$/progress`, counted from process start); member completion after
//! `world.` and `self.entity:` (median and p99 of 200 requests each); edit to diagnostics (a
//! `didChange` that introduces an error until the `publishDiagnostics` that has it; 100 edits);
//! and memory (VmRSS / VmHWM from /proc after indexing and at the end).
//!
//! Baseline, in the same run and server: the round trip of a request the server answers
//! without any analysis (a method it does not know, answered "method not found" by the same
//! transport and router). The report prints each latency's ratio to it: what analysis adds to
//! the cost of the protocol itself.
//!
//! Usage (release build):
//!
//! ```text
//! cargo build --release -p crescent-lsp --bins
//! target/release/lsp-bench [--server PATH] [--peer] [--files N]... [--file-kb KB]... [--keep]
//! ```
//!
//! Defaults: the `crescent-lsp` next to this binary, `--files 2000 --files 10000`.
//!
//! `--peer` measures another Lua language server on the same cases (`--server` is then that
//! server; it is started with `--stdio`, so a server that refuses the argument is given as a
//! script that drops it, `exec emmylua_ls`): edit to diagnostics breaks the syntax of the edited
//! line instead of misspelling an engine member (which only Crescent knows), and waits for
//! a syntax diagnostic on that line. Run Crescent with `--peer` too for the side-by-side numbers.

// Code users reach must never panic on a value: errors are returned or reported.
#![cfg_attr(
    not(test),
    deny(clippy::unwrap_used, clippy::expect_used, clippy::panic)
)]

#[path = "../bench_script.rs"]
mod bench_script;

use std::collections::BTreeMap;
use std::fmt::Write as _;
use std::io::{Read, Write};
use std::path::{Path, PathBuf};
use std::process::{Child, ChildStdin, Command, Stdio};
use std::sync::mpsc::{self, Receiver, RecvTimeoutError};
use std::time::{Duration, Instant};

use anyhow::{bail, Context, Result};
use crescent_lsp::transport::{encode_frame, FrameReader, Framed};
use serde_json::{json, Value};

const COMPLETIONS: usize = 200;
const EDITS: usize = 100;
const TIMEOUT: Duration = Duration::from_secs(120);
/// Limit for one diagnostics answer during the edit loop.
const EDIT_TIMEOUT: Duration = Duration::from_secs(10);

fn main() {
    if let Err(err) = run() {
        eprintln!("lsp-bench: {err:#}");
        std::process::exit(1);
    }
}

struct Options {
    server: PathBuf,
    sizes: Vec<usize>,
    /// Sizes of the one-file cases, in KB.
    file_kb: Vec<usize>,
    keep: bool,
    /// Measure a server that knows no engine API (see the module documentation).
    peer: bool,
}

fn parse_args() -> Result<Options> {
    let mut server = None;
    let mut sizes = Vec::new();
    let mut file_kb = Vec::new();
    let mut keep = false;
    let mut peer = false;
    let mut args = std::env::args().skip(1);
    while let Some(arg) = args.next() {
        match arg.as_str() {
            "--server" => {
                server = Some(PathBuf::from(args.next().context("--server needs a path")?))
            }
            "--files" => sizes.push(args.next().context("--files needs a number")?.parse()?),
            "--file-kb" => file_kb.push(args.next().context("--file-kb needs a number")?.parse()?),
            "--keep" => keep = true,
            "--peer" => peer = true,
            "-h" | "--help" => {
                println!(
                    "usage: lsp-bench [--server PATH] [--peer] [--files N]... [--file-kb KB]... [--keep]"
                );
                std::process::exit(0);
            }
            other => bail!("unknown argument {other:?}"),
        }
    }
    let server = match server {
        Some(path) => path,
        None => std::env::current_exe()?
            .parent()
            .context("no folder for the bench binary")?
            .join("crescent-lsp"),
    };
    if !server.exists() {
        bail!(
            "server binary {} not found (build it: cargo build --release -p crescent-lsp)",
            server.display()
        );
    }
    if sizes.is_empty() && file_kb.is_empty() {
        sizes = vec![2000, 10000];
        file_kb = vec![25, 100, 400, 2000];
    }
    Ok(Options {
        server,
        sizes,
        file_kb,
        keep,
        peer,
    })
}

fn run() -> Result<()> {
    let options = parse_args()?;
    let mut reports = Vec::new();
    for &files in &options.sizes {
        let dir =
            std::env::temp_dir().join(format!("crescent-lsp-bench-{}-{files}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        let generated = generate_workspace(&dir, files)?;
        eprintln!(
            "generated {files} scripts + {} modules ({:.1} MB) in {}",
            generated.modules,
            generated.bytes as f64 / 1e6,
            dir.display()
        );
        let result = measure(&options.server, &dir, files, options.peer);
        if !options.keep {
            let _ = std::fs::remove_dir_all(&dir);
        }
        reports.push((files, generated, result?));
    }
    println!("{}", render(&reports));
    let mut large = Vec::new();
    for &kb in &options.file_kb {
        let dir =
            std::env::temp_dir().join(format!("crescent-lsp-bench-{}-{kb}kb", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        let result = measure_large(&options.server, &dir, kb, options.peer);
        if !options.keep {
            let _ = std::fs::remove_dir_all(&dir);
        }
        large.push((kb, result?));
    }
    if !large.is_empty() {
        println!("{}", render_large(&large));
    }
    Ok(())
}

// ---------------------------------------------------------------------------------------------
// The workspace

struct Generated {
    modules: usize,
    bytes: u64,
}

/// A tiny deterministic generator (SplitMix64): the same N gives the same workspace.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }
    fn below(&mut self, n: usize) -> usize {
        (self.next() % n as u64) as usize
    }
}

const KINDS: &[&str] = &[
    "enemies", "pickups", "props", "ui", "ai", "weapons", "levels", "fx",
];
const COMPONENTS: &[&str] = &[
    "Health",
    "Velocity",
    "Inventory",
    "Target",
    "Cooldown",
    "Loot",
    "Faction",
    "Waypoint",
];
const MODULE_COUNT: usize = 40;

fn generate_workspace(root: &Path, files: usize) -> Result<Generated> {
    let mut rng = Rng(files as u64);
    let mut bytes = 0u64;
    let mut write = |path: PathBuf, text: String| -> Result<()> {
        if let Some(parent) = path.parent() {
            std::fs::create_dir_all(parent)?;
        }
        bytes += text.len() as u64;
        std::fs::write(&path, text).with_context(|| format!("write {}", path.display()))
    };
    for m in 0..MODULE_COUNT {
        write(
            root.join(format!("scripts/lib/util{m}.lua")),
            module_source(m),
        )?;
    }
    let mut scene = String::from("{ \"entities\": [\n");
    for i in 0..files {
        let kind = KINDS[i % KINDS.len()];
        let rel = format!("scripts/{kind}/{kind}_{i:05}.lua");
        write(root.join(&rel), script_source(i, &mut rng))?;
        if i < 200 {
            let _ = writeln!(
                scene,
                "  {{ \"name\": \"{kind}{i}\", \"components\": {{ \"Transform\": {{ \"position\": [0, 0, 0] }} }}, \"scripts\": [\"{rel}\"] }}{}",
                if i + 1 < files.min(200) { "," } else { "" }
            );
        }
    }
    scene.push_str("] }\n");
    write(root.join("scene.json"), scene)?;
    Ok(Generated {
        modules: MODULE_COUNT,
        bytes,
    })
}

fn module_source(m: usize) -> String {
    format!(
        r#"-- Shared helpers {m}.
local M = {{}}

M.SCALE = {m}.5

function M.clamp(x, lo, hi)
  if x < lo then return lo end
  if x > hi then return hi end
  return x
end

function M.lerp(a, b, t)
  return a + (b - a) * M.clamp(t, 0, 1)
end

function M.distance(a, b)
  local d = a - b
  return math.sqrt(d.x * d.x + d.y * d.y + d.z * d.z)
end

function M.nearest(position, name)
  local best, best_d = nil, math.huge
  for e, t in world.query("Transform", name) do
    local d = M.distance(t.position, position)
    if d < best_d then best, best_d = e, d end
  end
  return best, best_d
end

return M
"#
    )
}

/// One gameplay script, 30-150 lines. The first script's shape is fixed: the bench edits it.
fn script_source(i: usize, rng: &mut Rng) -> String {
    let component = COMPONENTS[rng.below(COMPONENTS.len())];
    let other = COMPONENTS[rng.below(COMPONENTS.len())];
    let lib_a = rng.below(MODULE_COUNT);
    let lib_b = rng.below(MODULE_COUNT);
    let mut s = String::new();
    let _ = write!(
        s,
        r#"-- Generated gameplay script {i}.
local util = require("lib.util{lib_a}")
local extra = require("lib.util{lib_b}")

properties = {{ speed = {speed}, range = {range}, damage = {damage} }}

function init(self)
  self.timer = 0
  self.hits = 0
  self.entity:set("{component}", {{ value = {i}, max = 100 }})
  self.spawned = {{}}
  self.sub = events.subscribe("alarm", function(data, sender)
    self.alarm = data
  end)
end

function update(self, dt)
  self.timer = self.timer + dt
  local t = self.entity:get("Transform")
  local target, distance = util.nearest(t.position, "{other}")
  if target and distance < self.range then
    local step = extra.lerp(0, self.speed, dt)
    t.position = t.position + vec3(step, 0, 0)
    self.entity:set("Transform", t)
  end
  if self.timer > 2 then
    self.timer = 0
    local spawned = world.spawn({{ Transform = {{ position = t.position }}, {component} = {{ value = 1 }} }})
    table.insert(self.spawned, spawned)
  end
end
"#,
        speed = 1 + rng.below(9),
        range = 5 + rng.below(50),
        damage = 1 + rng.below(20),
    );
    // Extra helpers bring the script to 30-150 lines.
    let helpers = rng.below(7);
    for h in 0..helpers {
        let _ = write!(
            s,
            r#"
local function helper_{h}(self, amount)
  local c = self.entity:get("{component}")
  if c == nil then
    return 0
  end
  local total = 0
  for n = 1, amount do
    total = total + util.clamp(n * {h}, 0, c.max or 100)
  end
  log.debug("helper_{h}", total)
  return total
end
"#
        );
    }
    let _ = write!(
        s,
        r#"
function on_event(self, name, data, sender)
  if name == "hit" then
    self.hits = self.hits + 1
    local health = self.entity:get("{component}")
    if health and self.hits > 3 then
      self.entity:despawn()
    end
  end
end

function destroy(self)
  events.unsubscribe(self.sub)
  for _, e in ipairs(self.spawned) do
    e:despawn()
  end
end
"#
    );
    s
}

// ---------------------------------------------------------------------------------------------
// The server over pipes

struct Connection {
    child: Child,
    stdin: ChildStdin,
    messages: Receiver<(Instant, Value)>,
    next_id: i64,
    /// Notifications seen while waiting for something else, in order.
    backlog: Vec<(Instant, Value)>,
    /// Whether the server takes only whole texts in `didChange` (`textDocumentSync` 1).
    full_sync: bool,
    /// The open documents' texts, kept to send whole to such a server.
    texts: BTreeMap<String, String>,
}

impl Connection {
    fn start(server: &Path, root: &Path) -> Result<Connection> {
        let mut child = Command::new(server)
            .arg("--stdio")
            .current_dir(root)
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            .spawn()
            .with_context(|| format!("start {}", server.display()))?;
        let stdin = child.stdin.take().context("server stdin")?;
        let mut stdout = child.stdout.take().context("server stdout")?;
        let (tx, messages) = mpsc::channel();
        std::thread::spawn(move || {
            let mut frames = FrameReader::default();
            let mut buf = vec![0u8; 64 * 1024];
            while let Ok(n) = stdout.read(&mut buf) {
                if n == 0 {
                    return;
                }
                let now = Instant::now();
                frames.push(&buf[..n]);
                while let Some(item) = frames.next_item() {
                    if let Framed::Body(body) = item {
                        let value = serde_json::from_slice(&body).unwrap_or(Value::Null);
                        if tx.send((now, value)).is_err() {
                            return;
                        }
                    }
                }
            }
        });
        Ok(Connection {
            child,
            stdin,
            messages,
            next_id: 1,
            backlog: Vec::new(),
            full_sync: false,
            texts: BTreeMap::new(),
        })
    }

    fn send(&mut self, message: &Value) -> Result<()> {
        self.stdin
            .write_all(&encode_frame(message.to_string().as_bytes()))?;
        self.stdin.flush()?;
        Ok(())
    }

    fn notify(&mut self, method: &str, mut params: Value) -> Result<()> {
        if method == "textDocument/didChange" && self.full_sync {
            params = self.whole_text(params)?;
        }
        self.send(&json!({"jsonrpc": "2.0", "method": method, "params": params}))
    }

    /// A `didChange` of ranges (positions in ASCII text) turned into one of the whole new
    /// text, for a server that syncs whole documents.
    fn whole_text(&mut self, mut params: Value) -> Result<Value> {
        let uri = params["textDocument"]["uri"]
            .as_str()
            .unwrap_or("")
            .to_string();
        let text = self
            .texts
            .get_mut(&uri)
            .context("a change to a document not open")?;
        for change in params["contentChanges"]
            .as_array()
            .cloned()
            .unwrap_or_default()
        {
            let new = change["text"].as_str().unwrap_or("");
            if change["range"].is_null() {
                *text = new.to_string();
                continue;
            }
            let offset = |p: &Value| -> Option<usize> {
                let line = usize::try_from(p["line"].as_u64()?).ok()?;
                let col = usize::try_from(p["character"].as_u64()?).ok()?;
                let start = if line == 0 {
                    0
                } else {
                    text.match_indices('\n').nth(line - 1)?.0 + 1
                };
                Some((start + col).min(text.len()))
            };
            let (a, b) = offset(&change["range"]["start"])
                .zip(offset(&change["range"]["end"]))
                .context("a change outside the text")?;
            text.replace_range(a..b.max(a), new);
        }
        params["contentChanges"] = json!([{ "text": text.clone() }]);
        Ok(params)
    }

    /// Sends a request and waits for its reply (result or error), with the round-trip time.
    fn call(&mut self, method: &str, params: Value) -> Result<(Value, Duration)> {
        let id = self.next_id;
        self.next_id += 1;
        let sent = Instant::now();
        self.send(&json!({"jsonrpc": "2.0", "id": id, "method": method, "params": params}))?;
        let (at, reply) = self.wait_for(|m| m.get("method").is_none() && m["id"] == id)?;
        Ok((reply, at.saturating_duration_since(sent)))
    }

    /// Sends a request and waits for its result, with the round-trip time.
    fn request(&mut self, method: &str, params: Value) -> Result<(Value, Duration)> {
        let (reply, took) = self.call(method, params)?;
        if let Some(error) = reply.get("error") {
            bail!("{method} failed: {error}");
        }
        Ok((reply["result"].clone(), took))
    }

    /// `initialize` with an editor's capabilities, then `initialized`; the request's time.
    fn initialize(&mut self, root: &Path) -> Result<Duration> {
        let (result, took) = self.request(
            "initialize",
            json!({
                "processId": std::process::id(),
                "rootUri": file_uri(root),
                "workspaceFolders": [{ "uri": file_uri(root), "name": "bench" }],
                "capabilities": {
                    "general": { "positionEncodings": ["utf-16"] },
                    "window": { "workDoneProgress": true },
                    "workspace": { "didChangeWatchedFiles": { "dynamicRegistration": true }, "workspaceFolders": true },
                    "textDocument": {
                        "completion": { "completionItem": { "snippetSupport": true } },
                        "publishDiagnostics": { "versionSupport": true }
                    }
                }
            }),
        )?;
        // `textDocumentSync` is a kind, or options holding one.
        let sync = &result["capabilities"]["textDocumentSync"];
        self.full_sync = sync == 1 || sync["change"] == 1;
        self.notify("initialized", json!({}))?;
        Ok(took)
    }

    /// Opens `text` as `uri` (version 1), as an editor does; the time to its first
    /// diagnostics.
    fn open(&mut self, uri: &str, text: &str) -> Result<Duration> {
        self.texts.insert(uri.to_string(), text.to_string());
        let opened = Instant::now();
        self.notify(
            "textDocument/didOpen",
            json!({"textDocument": {"uri": uri, "languageId": "lua", "version": 1, "text": text}}),
        )?;
        let (at, _) = self.wait_for(|m| {
            m["method"] == "textDocument/publishDiagnostics" && m["params"]["uri"] == uri
        })?;
        Ok(at.saturating_duration_since(opened))
    }

    /// Sends a request the server does not know and waits for its "method not found" answer:
    /// the protocol's own round trip, with no analysis in it.
    fn ping(&mut self) -> Result<Duration> {
        let (reply, took) = self.call("crescent/benchPing", Value::Null)?;
        if reply["error"]["code"] != -32601 {
            bail!("expected \"method not found\" for the ping, got {reply}");
        }
        Ok(took)
    }

    /// Reads messages until one matches, answering server requests and keeping the rest.
    fn wait_for(&mut self, matches: impl Fn(&Value) -> bool) -> Result<(Instant, Value)> {
        self.wait_within(TIMEOUT, matches)
    }

    /// [`Connection::wait_for`] with its own time limit.
    fn wait_within(
        &mut self,
        limit: Duration,
        matches: impl Fn(&Value) -> bool,
    ) -> Result<(Instant, Value)> {
        if let Some(pos) = self.backlog.iter().position(|(_, m)| matches(m)) {
            return Ok(self.backlog.remove(pos));
        }
        let deadline = Instant::now() + limit;
        loop {
            let left = deadline.saturating_duration_since(Instant::now());
            let (at, message) = match self.messages.recv_timeout(left) {
                Ok(m) => m,
                Err(RecvTimeoutError::Timeout) => bail!("timed out after {limit:?}"),
                Err(RecvTimeoutError::Disconnected) => bail!("the server closed its output"),
            };
            if let (Some(method), Some(id)) = (message.get("method"), message.get("id")) {
                // A request from the server: answer like a cooperative editor.
                let result = if method == "workspace/configuration" {
                    let items = message["params"]["items"].as_array().map_or(0, Vec::len);
                    Value::Array(vec![Value::Null; items])
                } else {
                    Value::Null
                };
                let answer = json!({"jsonrpc": "2.0", "id": id, "result": result});
                self.send(&answer)?;
                continue;
            }
            if matches(&message) {
                return Ok((at, message));
            }
            self.backlog.push((at, message));
            if self.backlog.len() > 10_000 {
                self.backlog.drain(..5_000);
            }
        }
    }

    fn memory(&self) -> (u64, u64) {
        let status = std::fs::read_to_string(format!("/proc/{}/status", self.child.id()))
            .unwrap_or_default();
        let field = |name: &str| {
            status
                .lines()
                .find_map(|l| l.strip_prefix(name))
                .and_then(|rest| rest.split_whitespace().next())
                .and_then(|kb| kb.parse::<u64>().ok())
                .unwrap_or(0)
        };
        (field("VmRSS:"), field("VmHWM:"))
    }

    fn close(mut self) -> Result<Option<i32>> {
        self.request("shutdown", Value::Null)?;
        self.notify("exit", Value::Null)?;
        let deadline = Instant::now() + Duration::from_secs(10);
        while Instant::now() < deadline {
            if let Some(status) = self.child.try_wait()? {
                return Ok(status.code());
            }
            std::thread::sleep(Duration::from_millis(10));
        }
        let _ = self.child.kill();
        let _ = self.child.wait();
        Ok(None)
    }
}

// ---------------------------------------------------------------------------------------------
// The measurements

struct Results {
    initialize: Duration,
    indexed: Option<Duration>,
    first_diagnostics: Duration,
    round_trip: Stats,
    world_completion: Stats,
    world_has_spawn: bool,
    entity_completion: Stats,
    entity_has_get: bool,
    edit_to_diagnostics: Stats,
    rss_indexed_kb: u64,
    hwm_indexed_kb: u64,
    rss_end_kb: u64,
    hwm_end_kb: u64,
    exit_code: Option<i32>,
}

struct Stats {
    median: Duration,
    p99: Duration,
    max: Duration,
}

impl Stats {
    fn of(mut samples: Vec<Duration>) -> Stats {
        samples.sort();
        let pick = |q: f64| samples[((samples.len() as f64 - 1.0) * q).round() as usize];
        Stats {
            median: pick(0.5),
            p99: pick(0.99),
            max: samples[samples.len() - 1],
        }
    }
}

fn file_uri(path: &Path) -> String {
    format!("file://{}", path.display())
}

/// The 0-based (line, UTF-16 column) of byte `at`.
fn line_col(text: &str, at: usize) -> (usize, usize) {
    let line = text[..at].matches('\n').count();
    let line_start = text[..at].rfind('\n').map_or(0, |p| p + 1);
    (line, text[line_start..at].encode_utf16().count())
}

/// The 0-based (line, UTF-16 column) just after the first occurrence of `needle`.
fn position_after(text: &str, needle: &str) -> Result<(usize, usize)> {
    let at = text
        .find(needle)
        .with_context(|| format!("{needle:?} not in the script"))?
        + needle.len();
    let line = text[..at].matches('\n').count();
    let line_start = text[..at].rfind('\n').map_or(0, |p| p + 1);
    Ok((line, text[line_start..at].encode_utf16().count()))
}

fn labels(result: &Value) -> Vec<String> {
    let items = result.get("items").unwrap_or(result);
    items
        .as_array()
        .map(|a| {
            a.iter()
                .filter_map(|i| i["label"].as_str().map(str::to_string))
                .collect()
        })
        .unwrap_or_default()
}

fn has_code(message: &Value, code: &str) -> bool {
    message["params"]["diagnostics"]
        .as_array()
        .is_some_and(|ds| ds.iter().any(|d| d["code"] == code))
}

fn measure(server: &Path, root: &Path, files: usize, peer: bool) -> Result<Results> {
    let root = root.canonicalize()?;
    let started = Instant::now();
    let mut conn = Connection::start(server, &root)?;
    let initialize = conn.initialize(&root)?;
    eprintln!("{files}: initialized in {initialize:?}, waiting for indexing");

    // Indexing ends with a `$/progress` whose value has kind `end`.
    let indexed = match conn
        .wait_for(|m| m["method"] == "$/progress" && m["params"]["value"]["kind"] == "end")
    {
        Ok((at, end)) => {
            let message = end["params"]["value"]["message"].as_str().unwrap_or("");
            eprintln!("{files}: $/progress end: {message:?}");
            Some(at.saturating_duration_since(started))
        }
        Err(err) => {
            eprintln!("{files}: no end of $/progress seen: {err:#}");
            None
        }
    };
    let (rss_indexed_kb, hwm_indexed_kb) = conn.memory();
    eprintln!("{files}: indexed at {indexed:?}, RSS {rss_indexed_kb} kB");

    // Open one script, as an editor does, and wait for its first diagnostics.
    let path = root.join("scripts/enemies/enemies_00000.lua");
    let text = std::fs::read_to_string(&path)?;
    let uri = file_uri(&path);
    let first_diagnostics = conn.open(&uri, &text)?;

    // Baseline: the protocol's round trip alone.
    let round_trip = Stats::of(
        (0..COMPLETIONS)
            .map(|_| conn.ping())
            .collect::<Result<Vec<_>>>()?,
    );

    // Member completion after `world.` and `self.entity:`.
    let complete =
        |conn: &mut Connection, needle: &str, trigger: &str| -> Result<(Stats, Vec<String>)> {
            let (line, character) = position_after(&text, needle)?;
            let mut samples = Vec::with_capacity(COMPLETIONS);
            let mut last = Value::Null;
            for _ in 0..COMPLETIONS {
                let (result, took) = conn.request(
                    "textDocument/completion",
                    json!({
                        "textDocument": {"uri": uri},
                        "position": {"line": line, "character": character},
                        "context": {"triggerKind": 2, "triggerCharacter": trigger}
                    }),
                )?;
                samples.push(took);
                last = result;
            }
            Ok((Stats::of(samples), labels(&last)))
        };
    let (world_completion, world_labels) = complete(&mut conn, "world.", ".")?;
    let (entity_completion, entity_labels) = complete(&mut conn, "self.entity:", ":")?;

    // Edit to diagnostics: misspell `world.spawn` (an unknown-member error), then fix it.
    let (line, character) = position_after(&text, "world.spa")?;
    let mut version = 1;
    let edit_to_diagnostics = edit_to_diagnostics(
        &mut conn,
        &uri,
        (line, character - 3),
        &mut version,
        EDITS,
        EDIT_TIMEOUT,
        peer,
    )?;
    let (rss_end_kb, hwm_end_kb) = conn.memory();
    let exit_code = conn.close()?;
    Ok(Results {
        initialize,
        indexed,
        first_diagnostics,
        round_trip,
        world_completion,
        world_has_spawn: world_labels.iter().any(|l| l == "spawn"),
        entity_completion,
        entity_has_get: entity_labels.iter().any(|l| l == "get"),
        edit_to_diagnostics,
        rss_indexed_kb,
        hwm_indexed_kb,
        rss_end_kb,
        hwm_end_kb,
        exit_code,
    })
}

// ---------------------------------------------------------------------------------------------
// One large file

/// Requests of each kind on a file that does not change.
const STEADY: usize = 100;
/// Edits (each followed by a request, or by waiting for diagnostics) per large file.
const LARGE_EDITS: usize = 30;

struct LargeResults {
    bytes: usize,
    first_diagnostics: Duration,
    completion: Stats,
    completion_has_floor: bool,
    hover: Stats,
    signature: Stats,
    completion_after_edit: Stats,
    edit_to_diagnostics: Stats,
}

fn measure_large(server: &Path, dir: &Path, kb: usize, peer: bool) -> Result<LargeResults> {
    std::fs::create_dir_all(dir.join("scripts"))?;
    std::fs::write(dir.join("scene.json"), r#"{"entities": []}"#)?;
    let text = bench_script::large_script(kb);
    let path = dir.join("scripts/long.lua");
    std::fs::write(&path, &text)?;
    let root = dir.canonicalize()?;
    let path = path.canonicalize()?;
    let mut conn = Connection::start(server, &root)?;
    conn.initialize(&root)?;
    let uri = file_uri(&path);
    let first_diagnostics = conn.open(&uri, &text)?;
    eprintln!("{kb} KB: first diagnostics after {first_diagnostics:?}");

    let at_pos = |line: usize, character: usize| json!({"textDocument": {"uri": uri}, "position": {"line": line, "character": character}});
    let (cl, cc) = position_after(&text, "return math.")?;
    let middle = text.len() / 2;
    let hover_at = middle + text[middle..].find("vec3(").context("no vec3 call")?;
    let (hl, hc) = line_col(&text, hover_at + 1);
    let (sl, sc) = line_col(&text, hover_at + "vec3(1, ".len());
    let steady = |conn: &mut Connection, method: &str, params: Value| -> Result<(Stats, Value)> {
        let mut samples = Vec::with_capacity(STEADY);
        let mut last = Value::Null;
        for _ in 0..STEADY {
            let (result, took) = conn.request(method, params.clone())?;
            samples.push(took);
            last = result;
        }
        Ok((Stats::of(samples), last))
    };
    let (completion, items) = steady(&mut conn, "textDocument/completion", at_pos(cl, cc))?;
    let (hover, _) = steady(&mut conn, "textDocument/hover", at_pos(hl, hc))?;
    // Inside the arguments of the same call: `vec3(1, |`.
    let (signature, _) = steady(&mut conn, "textDocument/signatureHelp", at_pos(sl, sc))?;

    // Typing in the middle of the file, then asking for completion at once.
    let comment = position_after(&text[..middle], "-- helper").ok();
    let (el, ec) = match comment {
        Some(p) => p,
        None => position_after(&text, "-- helper")?,
    };
    let mut version = 1;
    let edit = |version: i64, insert: bool| {
        let range = if insert {
            json!({"start": {"line": el, "character": ec}, "end": {"line": el, "character": ec}})
        } else {
            json!({"start": {"line": el, "character": ec}, "end": {"line": el, "character": ec + 1}})
        };
        json!({
            "textDocument": {"uri": uri, "version": version},
            "contentChanges": [{"range": range, "text": if insert { "x" } else { "" }}]
        })
    };
    let mut samples = Vec::with_capacity(LARGE_EDITS);
    for round in 0..LARGE_EDITS {
        version += 1;
        conn.notify("textDocument/didChange", edit(version, round % 2 == 0))?;
        let (_, took) = conn.request("textDocument/completion", at_pos(cl, cc))?;
        samples.push(took);
    }
    let completion_after_edit = Stats::of(samples);
    if LARGE_EDITS % 2 == 1 {
        version += 1;
        conn.notify("textDocument/didChange", edit(version, false))?;
    }

    // Edit to diagnostics: misspell a `world.spawn` in the middle, then fix it.
    let spawn_at = middle + text[middle..].find("world.spa").context("no world.spawn")?;
    let at = line_col(&text, spawn_at + "world.".len());
    let edit_to_diagnostics = edit_to_diagnostics(
        &mut conn,
        &uri,
        at,
        &mut version,
        LARGE_EDITS,
        TIMEOUT,
        peer,
    )?;
    conn.close()?;
    Ok(LargeResults {
        bytes: text.len(),
        first_diagnostics,
        completion,
        completion_has_floor: labels(&items).iter().any(|l| l == "floor"),
        hover,
        signature,
        completion_after_edit,
        edit_to_diagnostics,
    })
}

/// Edit to diagnostics, `rounds` times: the three bytes at `(line, col)` (the `spa` of a
/// `world.spawn`) become `spw`, an unknown-member error, until the `publishDiagnostics` of that
/// version has it; then they are put back and its fixed publish awaited. `version` is the
/// document's last version, moved on.
fn edit_to_diagnostics(
    conn: &mut Connection,
    uri: &str,
    (line, col): (usize, usize),
    version: &mut i64,
    rounds: usize,
    limit: Duration,
    peer: bool,
) -> Result<Stats> {
    let replace = |version: i64, new_text: &str| {
        json!({
            "textDocument": {"uri": uri, "version": version},
            "contentChanges": [{
                "range": {"start": {"line": line, "character": col},
                          "end": {"line": line, "character": col + 3}},
                "text": new_text
            }]
        })
    };
    // With `peer`, `spa` becomes `s)(`, a syntax error any Lua server reports on the line
    // (with a code that says so: `syntax`, `syntax-error`).
    let broken = if peer { "s)(" } else { "spw" };
    let error_on_line = |m: &Value| {
        m["params"]["diagnostics"].as_array().is_some_and(|ds| {
            ds.iter().any(|d| {
                d["range"]["start"]["line"] == line
                    && d["code"].as_str().is_some_and(|c| c.contains("syntax"))
            })
        })
    };
    // A publish for `version` (when the server sends versions) whose content fits.
    let published = |m: &Value, version: i64, with_error: bool| {
        m["method"] == "textDocument/publishDiagnostics"
            && m["params"]["uri"] == uri
            && m["params"]["version"].as_i64().is_none_or(|v| v == version)
            && if peer {
                error_on_line(m) == with_error
            } else {
                has_code(m, "unknown-member") == with_error
            }
    };
    conn.backlog.clear();
    let mut samples = Vec::with_capacity(rounds);
    for _ in 0..rounds {
        *version += 1;
        let v = *version;
        let sent = Instant::now();
        conn.notify("textDocument/didChange", replace(v, broken))?;
        let (at, _) = conn
            .wait_within(limit, |m| published(m, v, true))
            .context("waiting for the diagnostic of the broken text after an edit")?;
        samples.push(at.saturating_duration_since(sent));
        *version += 1;
        let v = *version;
        conn.notify("textDocument/didChange", replace(v, "spa"))?;
        conn.wait_within(limit, |m| published(m, v, false))
            .context("waiting for the diagnostics of the fixed text")?;
        // Drop stale notifications so the next wait sees only fresh ones.
        conn.backlog.clear();
    }
    Ok(Stats::of(samples))
}

fn render_large(reports: &[(usize, LargeResults)]) -> String {
    let mut text = String::from(
        "\n## One large file\n\n| file | didOpen -> diagnostics | completion `math.` median / p99 | hover median / p99 | signature help median / p99 | completion right after an edit median / p99 | edit -> diagnostics median / p99 |\n| --- | ---: | ---: | ---: | ---: | ---: | ---: |\n",
    );
    let pair = |s: &Stats| format!("{:.2} / {:.2} ms", ms(s.median), ms(s.p99));
    for (kb, r) in reports {
        let flag = if r.completion_has_floor {
            ""
        } else {
            " (no `floor`!)"
        };
        let _ = writeln!(
            text,
            "| {kb} KB ({} bytes) | {:.1} ms | {}{flag} | {} | {} | {} | {} |",
            r.bytes,
            ms(r.first_diagnostics),
            pair(&r.completion),
            pair(&r.hover),
            pair(&r.signature),
            pair(&r.completion_after_edit),
            pair(&r.edit_to_diagnostics),
        );
    }
    text
}

// ---------------------------------------------------------------------------------------------
// The report

fn ms(d: Duration) -> f64 {
    d.as_secs_f64() * 1000.0
}

fn render(reports: &[(usize, Generated, Results)]) -> String {
    let mut rows: BTreeMap<usize, Vec<(String, String, String)>> = BTreeMap::new();
    for (files, generated, r) in reports {
        let row = |name: &str, value: String, target: Option<f64>, actual: f64| {
            let ratio = target.map_or(String::new(), |t| format!("{:.2}x of {t}", actual / t));
            (name.to_string(), value, ratio)
        };
        let indexed_target = if *files <= 2000 { Some(1500.0) } else { None };
        let mut out = vec![
            row(
                "workspace size",
                format!("{files} scripts, {:.1} MB", generated.bytes as f64 / 1e6),
                None,
                0.0,
            ),
            row(
                "initialize",
                format!("{:.1} ms", ms(r.initialize)),
                None,
                0.0,
            ),
            match r.indexed {
                Some(d) => row(
                    "indexed (from start)",
                    format!("{:.0} ms", ms(d)),
                    indexed_target,
                    ms(d),
                ),
                None => (
                    "indexed (from start)".into(),
                    "no $/progress end".into(),
                    String::new(),
                ),
            },
            row(
                "didOpen -> first diagnostics",
                format!("{:.1} ms", ms(r.first_diagnostics)),
                None,
                0.0,
            ),
        ];
        let base = ms(r.round_trip.median);
        let vs_base = |d: Duration| format!("{:.1}x round trip", ms(d) / base);
        out.push(row(
            "baseline: round trip, no analysis, median",
            format!(
                "{:.3} ms (p99 {:.3})",
                ms(r.round_trip.median),
                ms(r.round_trip.p99)
            ),
            None,
            0.0,
        ));
        for (name, stats, ok) in [
            (
                "completion `world.`",
                &r.world_completion,
                r.world_has_spawn,
            ),
            (
                "completion `self.entity:`",
                &r.entity_completion,
                r.entity_has_get,
            ),
        ] {
            let flag = if ok { "" } else { " (expected item missing!)" };
            out.push(row(
                &format!("{name} median"),
                format!(
                    "{:.2} ms, {}{flag}",
                    ms(stats.median),
                    vs_base(stats.median)
                ),
                Some(2.0),
                ms(stats.median),
            ));
            out.push(row(
                &format!("{name} p99"),
                format!("{:.2} ms (max {:.2})", ms(stats.p99), ms(stats.max)),
                Some(10.0),
                ms(stats.p99),
            ));
        }
        let e = &r.edit_to_diagnostics;
        out.push(row(
            "edit -> diagnostics median",
            format!("{:.2} ms, {}", ms(e.median), vs_base(e.median)),
            Some(30.0),
            ms(e.median),
        ));
        out.push(row(
            "edit -> diagnostics p99",
            format!("{:.2} ms (max {:.2})", ms(e.p99), ms(e.max)),
            Some(30.0),
            ms(e.p99),
        ));
        let mb = |kb: u64| kb as f64 / 1024.0;
        out.push(row(
            "RSS after indexing (VmRSS)",
            format!(
                "{:.1} MB (peak VmHWM {:.1} MB)",
                mb(r.rss_indexed_kb),
                mb(r.hwm_indexed_kb)
            ),
            Some(150.0),
            mb(r.rss_indexed_kb),
        ));
        out.push(row(
            "RSS at the end",
            format!(
                "{:.1} MB (peak VmHWM {:.1} MB)",
                mb(r.rss_end_kb),
                mb(r.hwm_end_kb)
            ),
            Some(150.0),
            mb(r.hwm_end_kb),
        ));
        out.push((
            "exit code after shutdown + exit".into(),
            r.exit_code.map_or("did not exit".into(), |c| c.to_string()),
            String::new(),
        ));
        rows.insert(*files, out);
    }
    let mut text = String::new();
    for (files, out) in rows {
        let _ = writeln!(text, "\n## {files} scripts\n");
        let _ = writeln!(text, "| metric | value | vs target |");
        let _ = writeln!(text, "| --- | --- | --- |");
        for (name, value, ratio) in out {
            let _ = writeln!(text, "| {name} | {value} | {ratio} |");
        }
    }
    text
}
