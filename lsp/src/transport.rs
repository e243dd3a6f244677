//! The stdio transport filter between the editor and tower-lsp.
//!
//! tower-lsp 0.20 has three gaps that real editors hit, and this module closes them by reading
//! the real stdin itself, re-framing every message, and handing tower-lsp a clean stream:
//!
//! - It does not exit on the `exit` notification while stdin stays open (its `serve()` only
//!   returns at EOF), so clients that dispose the connection without closing the pipe hang.
//!   Here `exit` ends the process: code 0 if `shutdown` came first, 1 otherwise (LSP spec).
//! - It answers `-32602` to `"params": null` (Emacs Eglot sends it on `shutdown`), and to any
//!   `params` on `shutdown` (newer Eglot sends `{}` there; the request takes none). Here a null
//!   `params` member, and any `params` of `shutdown`, is removed before tower-lsp sees it.
//! - Its decoder matches the `Content-Length` header case-sensitively and accepts at most two
//!   headers. Here headers are matched case-insensitively, extra headers are ignored, and every
//!   frame is re-emitted with one canonical `Content-Length` header.
//! - One body it cannot decode (not UTF-8, not JSON, not a JSON-RPC message) ends its input
//!   stream: it answers a parse error, then `serve()` returns and the server quits (tokio-util's
//!   `FramedRead` stops after a decoder error).
//!
//! Garbled input never kills the server: a header block without a usable `Content-Length` is
//! skipped with a warning on stderr and the reader resynchronises on the next header; a body
//! that tower-lsp's own `Request`/`Response` types do not accept is dropped with a warning
//! instead of being forwarded. (No parse-error answer is sent for it: stdout belongs to
//! tower-lsp, and a second writer could interleave with its frames.)
//!
//! Layering: [`FrameReader`] is pure byte-level framing, [`inspect`] decides what to do with
//! one body, and [`filter_stream`] wires both to a blocking reader on a thread and a bounded
//! channel that tower-lsp reads through [`FilteredStdin`].

use std::borrow::Cow;
use std::fmt;
use std::io::Read;
use std::pin::Pin;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;
use std::task::{Context, Poll};
use std::time::{Duration, Instant};

use serde::de::{self, Deserializer, IgnoredAny, MapAccess, SeqAccess, Visitor};
use serde::Deserialize;
use tokio::io::{AsyncRead, ReadBuf};
use tokio::sync::mpsc;

/// Bodies larger than this are treated as a corrupt `Content-Length` (a 10 MB Lua file sent in
/// `didOpen` is well below it once JSON-escaped).
pub const MAX_BODY_BYTES: usize = 256 * 1024 * 1024;

/// A header block longer than this without its blank-line terminator is garbage.
const MAX_HEADER_BYTES: usize = 8 * 1024;

/// How many forwarded frames may wait for tower-lsp before the stdin thread blocks.
const CHANNEL_FRAMES: usize = 64;

/// After `exit`, how long to wait for tower-lsp to take the frames already forwarded.
const EXIT_DRAIN_LIMIT: Duration = Duration::from_secs(2);

/// After `exit` and the drain, a short grace so responses already being written (the answer
/// to a `shutdown` sent back to back with `exit`) reach stdout before the process ends.
const EXIT_GRACE: Duration = Duration::from_millis(50);

/// Returns the process's stdin, filtered for tower-lsp (see the module docs).
///
/// Call it once, inside or outside a tokio runtime, and pass the result to
/// `tower_lsp::Server::new(stdin, tokio::io::stdout(), socket)`. On the `exit` notification
/// the process ends with `std::process::exit` (0 after `shutdown`, else 1).
pub fn filtered_stdin() -> FilteredStdin {
    filter_stream(std::io::stdin(), |code| std::process::exit(code))
}

/// Filters any blocking byte source the way [`filtered_stdin`] filters stdin, calling
/// `on_exit(code)` on the `exit` notification instead of ending the process (used by tests).
///
/// The source is read on a dedicated thread; when `on_exit` returns, the thread stops
/// reading and the returned stream ends.
pub fn filter_stream<R, F>(input: R, on_exit: F) -> FilteredStdin
where
    R: Read + Send + 'static,
    F: FnOnce(i32) + Send + 'static,
{
    let (sender, receiver) = mpsc::channel::<Vec<u8>>(CHANNEL_FRAMES);
    let pending = Arc::new(AtomicUsize::new(0));
    let thread_pending = Arc::clone(&pending);
    let spawned = std::thread::Builder::new()
        .name("lsp-stdin".into())
        .spawn(move || pump(input, sender, thread_pending, on_exit));
    if let Err(err) = spawned {
        // Without the thread the stream simply ends: tower-lsp sees EOF and returns.
        tracing::error!("cannot start the stdin reader thread: {err}");
    }
    FilteredStdin {
        receiver,
        current: Vec::new(),
        position: 0,
        pending,
    }
}

/// The stream tower-lsp reads: canonical frames, in order, as the stdin thread forwards them.
pub struct FilteredStdin {
    receiver: mpsc::Receiver<Vec<u8>>,
    current: Vec<u8>,
    position: usize,
    /// Bytes forwarded by the thread but not yet handed to the reader.
    pending: Arc<AtomicUsize>,
}

impl fmt::Debug for FilteredStdin {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("FilteredStdin")
            .field("pending", &self.pending.load(Ordering::Relaxed))
            .finish_non_exhaustive()
    }
}

impl AsyncRead for FilteredStdin {
    fn poll_read(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &mut ReadBuf<'_>,
    ) -> Poll<std::io::Result<()>> {
        let this = &mut *self;
        while this.position >= this.current.len() {
            match this.receiver.poll_recv(cx) {
                Poll::Ready(Some(chunk)) => {
                    this.current = chunk;
                    this.position = 0;
                }
                // The thread ended (EOF on stdin, or after `exit`): report EOF.
                Poll::Ready(None) => return Poll::Ready(Ok(())),
                Poll::Pending => return Poll::Pending,
            }
        }
        let available = &this.current[this.position..];
        let n = available.len().min(buf.remaining());
        buf.put_slice(&available[..n]);
        this.position += n;
        this.pending.fetch_sub(n, Ordering::AcqRel);
        Poll::Ready(Ok(()))
    }
}

/// The stdin thread: read, frame, inspect, forward; stop at EOF or after `exit`.
fn pump<R, F>(mut input: R, sender: mpsc::Sender<Vec<u8>>, pending: Arc<AtomicUsize>, on_exit: F)
where
    R: Read,
    F: FnOnce(i32),
{
    let mut frames = FrameReader::default();
    let mut session = Session::default();
    let mut buf = vec![0u8; 64 * 1024];
    loop {
        let n = match input.read(&mut buf) {
            Ok(0) => return,
            Ok(n) => n,
            Err(err) if err.kind() == std::io::ErrorKind::Interrupted => continue,
            Err(err) => {
                tracing::error!("reading stdin failed: {err}");
                return;
            }
        };
        frames.push(&buf[..n]);
        while let Some(item) = frames.next_item() {
            let body = match item {
                Framed::Body(body) => body,
                Framed::Skipped(reason) => {
                    tracing::warn!("skipped garbled input: {reason}");
                    continue;
                }
            };
            match session.accept(body) {
                Verdict::Forward(body) => {
                    let frame = encode_frame(&body);
                    pending.fetch_add(frame.len(), Ordering::AcqRel);
                    if sender.blocking_send(frame).is_err() {
                        // tower-lsp dropped its input: the server is going away.
                        return;
                    }
                }
                Verdict::Drop(reason) => tracing::warn!("dropped a message: {reason}"),
                Verdict::Exit(code) => {
                    wait_for_drain(&pending);
                    on_exit(code);
                    return;
                }
            }
        }
    }
}

/// Waits (bounded) until tower-lsp has read every forwarded frame, then a short grace.
fn wait_for_drain(pending: &AtomicUsize) {
    let start = Instant::now();
    while pending.load(Ordering::Acquire) > 0 && start.elapsed() < EXIT_DRAIN_LIMIT {
        std::thread::sleep(Duration::from_millis(2));
    }
    std::thread::sleep(EXIT_GRACE);
}

/// Wraps one body in the canonical header tower-lsp's decoder expects.
pub fn encode_frame(body: &[u8]) -> Vec<u8> {
    let mut frame = format!("Content-Length: {}\r\n\r\n", body.len()).into_bytes();
    frame.extend_from_slice(body);
    frame
}

/// One item out of the byte stream.
#[derive(Debug, PartialEq, Eq)]
pub enum Framed {
    /// A complete message body (its bytes are not checked here).
    Body(Vec<u8>),
    /// Input that was dropped, and why.
    Skipped(String),
}

/// Incremental LSP base-protocol framing: push bytes as they arrive, take items as they
/// complete. Split reads and several frames per read are both fine.
#[derive(Debug, Default)]
pub struct FrameReader {
    buffer: Vec<u8>,
    /// Bytes of `buffer` already consumed (compacted lazily).
    start: usize,
    /// The body length of the frame whose header has been read.
    body_len: Option<usize>,
}

impl FrameReader {
    /// Appends bytes read from the stream.
    pub fn push(&mut self, bytes: &[u8]) {
        if self.start > 0 && self.start >= self.buffer.len() / 2 {
            self.buffer.drain(..self.start);
            self.start = 0;
        }
        self.buffer.extend_from_slice(bytes);
    }

    /// Returns the next complete item, or `None` until more bytes arrive.
    pub fn next_item(&mut self) -> Option<Framed> {
        loop {
            let data = &self.buffer[self.start..];
            if let Some(len) = self.body_len {
                if data.len() < len {
                    return None;
                }
                let body = data[..len].to_vec();
                self.start += len;
                self.body_len = None;
                return Some(Framed::Body(body));
            }
            // Blank lines or stray line ends between frames are harmless: skip them quietly.
            let blank = data
                .iter()
                .take_while(|b| matches!(b, b'\r' | b'\n'))
                .count();
            if blank > 0 {
                self.start += blank;
                continue;
            }
            if data.is_empty() {
                return None;
            }
            let Some((header_len, block_len)) = find_header_end(data) else {
                if data.len() > MAX_HEADER_BYTES {
                    return Some(self.resync("no end of headers"));
                }
                return None;
            };
            let headers = &data[..header_len];
            match content_length(headers) {
                Ok(len) => {
                    self.start += block_len;
                    self.body_len = Some(len);
                }
                Err(reason) => return Some(self.resync(&reason)),
            }
        }
    }

    /// Drops input up to the next `Content-Length` after the current position (at least one
    /// byte, so every call makes progress), where framing starts again.
    fn resync(&mut self, reason: &str) -> Framed {
        let data = &self.buffer[self.start..];
        let min_skip = 1.min(data.len());
        let skip = find_ascii_ci(&data[min_skip..], b"content-length")
            .map(|at| min_skip + at)
            // Keep a tail in case a header name is split across reads.
            .unwrap_or_else(|| data.len().saturating_sub(16).max(min_skip));
        let preview = String::from_utf8_lossy(&data[..skip.min(60)]).into_owned();
        self.start += skip;
        Framed::Skipped(format!(
            "{reason} ({skip} bytes dropped, starting {preview:?})"
        ))
    }
}

/// Finds the end of a header block: returns (headers length, length including terminator).
/// Accepts `\r\n\r\n` and, from lenient clients, `\n\n`.
fn find_header_end(data: &[u8]) -> Option<(usize, usize)> {
    let mut i = 0;
    while i < data.len() {
        if data[i] == b'\n' {
            if data.get(i + 1) == Some(&b'\n') {
                return Some((i, i + 2));
            }
            if data.get(i + 1) == Some(&b'\r') && data.get(i + 2) == Some(&b'\n') {
                return Some((i, i + 3));
            }
        }
        i += 1;
    }
    None
}

/// Reads `Content-Length` (any case) from a header block; other headers are ignored.
fn content_length(headers: &[u8]) -> Result<usize, String> {
    let mut length = None;
    for line in headers.split(|&b| b == b'\n') {
        let line = line.strip_suffix(b"\r").unwrap_or(line);
        if line.is_empty() {
            continue;
        }
        let Some(colon) = line.iter().position(|&b| b == b':') else {
            return Err(format!(
                "header line without a colon: {:?}",
                String::from_utf8_lossy(line)
            ));
        };
        let (name, value) = (&line[..colon], &line[colon + 1..]);
        if name.trim_ascii().eq_ignore_ascii_case(b"content-length") {
            let text = std::str::from_utf8(value).unwrap_or("").trim();
            match text.parse::<usize>() {
                Ok(n) if n <= MAX_BODY_BYTES => length = Some(n),
                Ok(n) => return Err(format!("Content-Length {n} is too large")),
                Err(_) => return Err(format!("bad Content-Length {text:?}")),
            }
        }
    }
    length.ok_or_else(|| "header block without Content-Length".to_string())
}

/// Case-insensitive search for an ASCII needle.
fn find_ascii_ci(haystack: &[u8], needle: &[u8]) -> Option<usize> {
    if needle.is_empty() || haystack.len() < needle.len() {
        return None;
    }
    (0..=haystack.len() - needle.len())
        .find(|&i| haystack[i..i + needle.len()].eq_ignore_ascii_case(needle))
}

/// What to do with one message body.
#[derive(Debug, PartialEq, Eq)]
pub enum Verdict {
    /// Pass this body (possibly rewritten) to tower-lsp.
    Forward(Vec<u8>),
    /// Drop the body, for this reason: tower-lsp would stop reading after it.
    Drop(String),
    /// The `exit` notification: end the process with this code.
    Exit(i32),
}

/// The protocol state the filter needs: whether `shutdown` has been requested.
#[derive(Debug, Default)]
pub struct Session {
    shutdown_requested: bool,
}

impl Session {
    /// Decides what happens to one body.
    pub fn accept(&mut self, body: Vec<u8>) -> Verdict {
        if let Err(reason) = decodable(&body) {
            return Verdict::Drop(reason);
        }
        let inspection = inspect(&body);
        match inspection.kind {
            Kind::Exit => return Verdict::Exit(if self.shutdown_requested { 0 } else { 1 }),
            Kind::Shutdown => self.shutdown_requested = true,
            Kind::Other => {}
        }
        let strip =
            inspection.null_params || (inspection.kind == Kind::Shutdown && inspection.params);
        if strip {
            if let Some(stripped) = strip_params(&body) {
                return Verdict::Forward(stripped);
            }
        }
        Verdict::Forward(body)
    }
}

/// What a body is, as far as the filter cares.
#[derive(Debug, PartialEq, Eq)]
pub struct Inspection {
    /// Which message it is.
    pub kind: Kind,
    /// Whether its `params` member is present and `null`.
    pub null_params: bool,
    /// Whether it has a `params` member at all.
    pub params: bool,
}

/// The messages the filter treats specially.
#[derive(Debug, PartialEq, Eq)]
pub enum Kind {
    /// The `exit` notification.
    Exit,
    /// The `shutdown` request.
    Shutdown,
    /// Everything else, including bodies that are not JSON (tower-lsp answers those).
    Other,
}

/// Looks at the top-level members of a JSON-RPC message without building a tree.
pub fn inspect(body: &[u8]) -> Inspection {
    let Ok(head) = serde_json::from_slice::<Head<'_>>(body) else {
        return Inspection {
            kind: Kind::Other,
            null_params: false,
            params: false,
        };
    };
    let kind = match head.method.as_deref() {
        Some("exit") if head.id.is_none() => Kind::Exit,
        Some("shutdown") if head.id.is_some() => Kind::Shutdown,
        _ => Kind::Other,
    };
    Inspection {
        kind,
        null_params: matches!(head.params, Some(Params::Null)),
        params: head.params.is_some(),
    }
}

/// Whether tower-lsp's decoder accepts the body: exactly its own message types, so the two
/// can never disagree.
fn decodable(body: &[u8]) -> Result<(), String> {
    use tower_lsp::jsonrpc::{Request, Response};
    let preview = || String::from_utf8_lossy(&body[..body.len().min(60)]).into_owned();
    if let Err(err) = serde_json::from_slice::<serde::de::IgnoredAny>(body) {
        return Err(format!("not JSON ({err}): {:?}", preview()));
    }
    let request = serde_json::from_slice::<Request>(body);
    if request.is_ok() || serde_json::from_slice::<Response>(body).is_ok() {
        return Ok(());
    }
    let err = request.err().map(|e| e.to_string()).unwrap_or_default();
    Err(format!(
        "not a JSON-RPC 2.0 message ({err}): {:?}",
        preview()
    ))
}

/// Removes the top-level `params` member; `None` when the body is not a JSON object.
fn strip_params(body: &[u8]) -> Option<Vec<u8>> {
    let mut object: serde_json::Map<String, serde_json::Value> =
        serde_json::from_slice(body).ok()?;
    object.remove("params");
    serde_json::to_vec(&object).ok()
}

/// The members of a message the filter reads; everything else is skipped unparsed.
#[derive(Deserialize)]
struct Head<'a> {
    #[serde(borrow, default)]
    method: Option<Cow<'a, str>>,
    #[serde(default)]
    id: Option<IgnoredAny>,
    #[serde(default, deserialize_with = "present")]
    params: Option<Params>,
}

/// Deserializes a member that is present (a missing one falls back to `default`), so a
/// `null` reaches [`Params`] instead of becoming `None`.
fn present<'de, D: Deserializer<'de>>(deserializer: D) -> Result<Option<Params>, D::Error> {
    Params::deserialize(deserializer).map(Some)
}

/// Whether `params` is null or some other value.
enum Params {
    Null,
    Value,
}

impl<'de> Deserialize<'de> for Params {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        deserializer.deserialize_any(ParamsVisitor)
    }
}

struct ParamsVisitor;

impl<'de> Visitor<'de> for ParamsVisitor {
    type Value = Params;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("any JSON value")
    }
    fn visit_unit<E: de::Error>(self) -> Result<Params, E> {
        Ok(Params::Null)
    }
    fn visit_none<E: de::Error>(self) -> Result<Params, E> {
        Ok(Params::Null)
    }
    fn visit_bool<E: de::Error>(self, _: bool) -> Result<Params, E> {
        Ok(Params::Value)
    }
    fn visit_i64<E: de::Error>(self, _: i64) -> Result<Params, E> {
        Ok(Params::Value)
    }
    fn visit_u64<E: de::Error>(self, _: u64) -> Result<Params, E> {
        Ok(Params::Value)
    }
    fn visit_f64<E: de::Error>(self, _: f64) -> Result<Params, E> {
        Ok(Params::Value)
    }
    fn visit_str<E: de::Error>(self, _: &str) -> Result<Params, E> {
        Ok(Params::Value)
    }
    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Params, A::Error> {
        while seq.next_element::<IgnoredAny>()?.is_some() {}
        Ok(Params::Value)
    }
    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Params, A::Error> {
        while map.next_entry::<IgnoredAny, IgnoredAny>()?.is_some() {}
        Ok(Params::Value)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use tokio::io::AsyncReadExt;

    fn frame(body: &str) -> Vec<u8> {
        encode_frame(body.as_bytes())
    }

    fn drain(reader: &mut FrameReader) -> Vec<Framed> {
        std::iter::from_fn(|| reader.next_item()).collect()
    }

    fn body(text: &str) -> Framed {
        Framed::Body(text.as_bytes().to_vec())
    }

    const INIT: &str = r#"{"jsonrpc":"2.0","id":1,"method":"initialize","params":{}}"#;
    const OPEN: &str = r#"{"jsonrpc":"2.0","method":"textDocument/didOpen","params":{"x":"é"}}"#;

    #[test]
    fn several_frames_in_one_read() {
        let mut reader = FrameReader::default();
        let mut bytes = frame(INIT);
        bytes.extend(frame(OPEN));
        reader.push(&bytes);
        assert_eq!(drain(&mut reader), vec![body(INIT), body(OPEN)]);
    }

    #[test]
    fn frames_split_at_every_byte() {
        let mut all = frame(INIT);
        all.extend(frame(OPEN));
        let mut reader = FrameReader::default();
        let mut items = Vec::new();
        for byte in &all {
            reader.push(std::slice::from_ref(byte));
            items.extend(drain(&mut reader));
        }
        assert_eq!(items, vec![body(INIT), body(OPEN)]);
    }

    #[test]
    fn headers_any_case_extra_headers_and_bare_newlines() {
        let text = format!(
            "content-type: application/vscode-jsonrpc; charset=utf-8\r\nCONTENT-LENGTH:{}\r\nX-Extra: 1\r\n\r\n{INIT}content-length: {}\n\n{OPEN}",
            INIT.len(),
            OPEN.len()
        );
        let mut reader = FrameReader::default();
        reader.push(text.as_bytes());
        assert_eq!(drain(&mut reader), vec![body(INIT), body(OPEN)]);
    }

    #[test]
    fn bad_length_is_skipped_and_the_next_frame_still_arrives() {
        let mut bytes = b"Content-Length: banana\r\n\r\n{\"junk\":1}".to_vec();
        bytes.extend(frame(INIT));
        let mut reader = FrameReader::default();
        reader.push(&bytes);
        let items = drain(&mut reader);
        assert_eq!(items.len(), 2, "{items:?}");
        assert!(matches!(&items[0], Framed::Skipped(r) if r.contains("banana")));
        assert_eq!(items[1], body(INIT));
    }

    #[test]
    fn missing_length_and_huge_length_are_skipped() {
        let mut bytes = b"Content-Type: text/plain\r\n\r\n".to_vec();
        bytes.extend(b"Content-Length: 99999999999999\r\n\r\n");
        bytes.extend(frame(OPEN));
        let mut reader = FrameReader::default();
        reader.push(&bytes);
        let items = drain(&mut reader);
        assert!(matches!(&items[0], Framed::Skipped(r) if r.contains("without Content-Length")));
        assert!(matches!(&items[1], Framed::Skipped(r) if r.contains("too large")));
        assert_eq!(items[2..], [body(OPEN)]);
    }

    #[test]
    fn endless_garbage_without_headers_is_dropped_in_bounded_memory() {
        let mut reader = FrameReader::default();
        let garbage = vec![b'x'; MAX_HEADER_BYTES + 100];
        reader.push(&garbage);
        let items = drain(&mut reader);
        assert!(matches!(&items[..], [Framed::Skipped(_)]), "{items:?}");
        reader.push(&frame(INIT));
        let items = drain(&mut reader);
        assert_eq!(items.last(), Some(&body(INIT)), "{items:?}");
        assert!(reader.buffer.len() - reader.start < 64);
    }

    #[test]
    fn null_params_are_removed() {
        let mut session = Session::default();
        let verdict = session.accept(
            br#"{"jsonrpc":"2.0","method":"workspace/didChangeConfiguration","params":null}"#
                .to_vec(),
        );
        assert_eq!(
            verdict,
            Verdict::Forward(
                br#"{"jsonrpc":"2.0","method":"workspace/didChangeConfiguration"}"#.to_vec()
            )
        );
    }

    #[test]
    fn shutdown_with_null_params_then_exit_is_code_zero() {
        let mut session = Session::default();
        let verdict = session
            .accept(br#"{"jsonrpc":"2.0","id":7,"method":"shutdown","params":null}"#.to_vec());
        assert_eq!(
            verdict,
            Verdict::Forward(br#"{"jsonrpc":"2.0","id":7,"method":"shutdown"}"#.to_vec())
        );
        assert_eq!(
            session.accept(br#"{"jsonrpc":"2.0","method":"exit"}"#.to_vec()),
            Verdict::Exit(0)
        );
    }

    #[test]
    fn shutdown_params_of_any_kind_are_removed() {
        for params in ["{}", "[]", r#"{"x":1}"#] {
            let mut session = Session::default();
            let body =
                format!(r#"{{"jsonrpc":"2.0","id":3,"method":"shutdown","params":{params}}}"#);
            assert_eq!(
                session.accept(body.into_bytes()),
                Verdict::Forward(br#"{"jsonrpc":"2.0","id":3,"method":"shutdown"}"#.to_vec()),
                "params {params}"
            );
        }
        // Other requests keep their (non-null) params untouched.
        let mut session = Session::default();
        assert_eq!(
            session.accept(INIT.as_bytes().to_vec()),
            Verdict::Forward(INIT.as_bytes().to_vec())
        );
    }

    #[test]
    fn exit_without_shutdown_is_code_one() {
        let mut session = Session::default();
        assert_eq!(
            session.accept(br#"{"method":"exit","jsonrpc":"2.0","params":null}"#.to_vec()),
            Verdict::Exit(1)
        );
    }

    #[test]
    fn bodies_tower_lsp_cannot_decode_are_dropped() {
        let mut session = Session::default();
        for text in [
            "{not json",
            "",
            "[1,2,3]",
            r#"{"jsonrpc":"1.0","id":1,"method":"initialize"}"#,
            r#"{"id":1,"method":"initialize"}"#,
            r#"{"jsonrpc":"2.0","id":1,"method":3}"#,
            r#"{"jsonrpc":"2.0","method":"exit""#,
        ] {
            let verdict = session.accept(text.as_bytes().to_vec());
            assert!(matches!(verdict, Verdict::Drop(_)), "{text}: {verdict:?}");
        }
        let invalid_utf8 = vec![b'{', 0xff, b'}'];
        assert!(matches!(session.accept(invalid_utf8), Verdict::Drop(_)));
    }

    #[test]
    fn lookalikes_pass_through_untouched() {
        let mut session = Session::default();
        for text in [
            r#"{"jsonrpc":"2.0","id":3,"method":"exit"}"#, // a request named exit is not the notification
            r#"{"jsonrpc":"2.0","method":"shutdown"}"#, // a notification named shutdown is not the request
            r#"{"jsonrpc":"2.0","id":4,"result":null}"#,
            r#"{"jsonrpc":"2.0","id":"x","method":"textDocument/hover","params":{"a":[1,{"b":null}]}}"#,
        ] {
            assert_eq!(
                session.accept(text.as_bytes().to_vec()),
                Verdict::Forward(text.as_bytes().to_vec())
            );
        }
        assert!(!session.shutdown_requested);
    }

    /// A byte source that hands out its data in fixed pieces, then blocks forever like an
    /// editor that keeps the pipe open.
    struct OpenPipe {
        pieces: std::collections::VecDeque<Vec<u8>>,
    }

    impl Read for OpenPipe {
        fn read(&mut self, out: &mut [u8]) -> std::io::Result<usize> {
            match self.pieces.pop_front() {
                Some(piece) => {
                    let n = piece.len().min(out.len());
                    out[..n].copy_from_slice(&piece[..n]);
                    if n < piece.len() {
                        self.pieces.push_front(piece[n..].to_vec());
                    }
                    Ok(n)
                }
                None => loop {
                    std::thread::park();
                },
            }
        }
    }

    #[tokio::test]
    async fn stream_forwards_canonical_frames_and_exits_with_the_pipe_open() {
        let mut input = frame(INIT);
        input.extend(b"Content-Length: x\r\n\r\n");
        input.extend(frame(
            r#"{"jsonrpc":"2.0","id":2,"method":"shutdown","params":null}"#,
        ));
        input.extend(frame(r#"{"jsonrpc":"2.0","method":"exit"}"#));
        input.extend(frame(OPEN)); // after exit: never forwarded
        let pieces = input.chunks(7).map(<[u8]>::to_vec).collect();
        let (exit_tx, exit_rx) = std::sync::mpsc::channel();
        let mut stream = filter_stream(OpenPipe { pieces }, move |code| {
            let _ = exit_tx.send(code);
        });
        let mut received = Vec::new();
        stream.read_to_end(&mut received).await.expect("read");
        let mut expected = frame(INIT);
        expected.extend(frame(r#"{"jsonrpc":"2.0","id":2,"method":"shutdown"}"#));
        assert_eq!(
            String::from_utf8_lossy(&received),
            String::from_utf8_lossy(&expected)
        );
        assert_eq!(exit_rx.recv_timeout(Duration::from_secs(5)), Ok(0));
    }
}
