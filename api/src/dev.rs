//! The dev channel's wire types, defined once for the game (`crescent-runtime`) and its tools
//! (`crescent-lsp`): the session file a running game writes, and the JSON messages each side
//! sends, one object per line. `docs/dev-channel.md` describes the protocol; the VS Code
//! extension's TypeScript reading of the session file is checked against
//! `editors/dev-channel-samples.json`, which a test here keeps equal to what these types write.

use crate::{Api, Event};
use serde::{Deserialize, Serialize};
use std::path::{Path, PathBuf};

/// Version of the dev channel protocol, written in `session.json` and sent in `welcome`.
pub const PROTOCOL_VERSION: u32 = 1;

/// Where a running game says how to reach it, relative to the project root.
pub const SESSION_FILE: &str = ".crescent/session.json";

/// The content of `.crescent/session.json`.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct SessionInfo {
    /// Protocol version, [`PROTOCOL_VERSION`].
    pub version: u32,
    /// Process id of the running game (a tool ignores the file when that process is gone).
    pub pid: u32,
    /// TCP port on `127.0.0.1`.
    pub port: u16,
    /// 128 random bits, hex: the `token` of the client's `hello`.
    pub token: String,
}

impl SessionInfo {
    /// Where the session file of the project at `root` lives.
    pub fn path(root: &Path) -> PathBuf {
        root.join(SESSION_FILE)
    }

    /// Reads the session file of the project at `root`.
    ///
    /// # Errors
    /// The file is missing, unreadable or not a session description.
    pub fn read(root: &Path) -> std::io::Result<SessionInfo> {
        let text = std::fs::read_to_string(Self::path(root))?;
        serde_json::from_str(&text)
            .map_err(|e| std::io::Error::new(std::io::ErrorKind::InvalidData, e))
    }
}

/// What a tool sends the game.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum ToGame {
    /// The first message: the session's token proves the tool may connect.
    Hello {
        /// The `token` of `session.json`.
        token: String,
        /// What the tool calls itself, for the game's log.
        #[serde(default)]
        client: String,
    },
    /// Asks for a `pong`.
    Ping,
    /// Asks the game to reload a script (a project-relative path).
    Reload {
        /// `scripts/player.lua`.
        path: String,
    },
    /// Asks for (or, with `stats: false`, stops) the live `stats` stream: at most ten samples a
    /// second, to this connection only.
    Subscribe {
        /// Whether to receive `stats`.
        #[serde(default)]
        stats: bool,
    },
    /// Records a Chrome trace of the next `frames` frames into a file of the project's
    /// `.crescent/traces/`; answered by `trace_recorded` (or an `error`) once written.
    RecordTrace {
        /// Chosen by the tool, echoed in the answer.
        id: u64,
        /// How many frames (1 to 3,600).
        frames: u32,
    },
    /// A world inspector's request, served between frames; answered by an `inspect_reply`
    /// with the same `id`, to this connection only.
    Inspect {
        /// Chosen by the tool, echoed in the reply.
        id: u64,
        /// What to read or write.
        request: InspectRequest,
    },
    /// A debugger's request (`crescent dap` sends these); answered by a `debug_reply` with
    /// the same `id`, to this connection only.
    Debug {
        /// Chosen by the tool, echoed in the reply.
        id: u64,
        /// What to do.
        request: DebugRequest,
    },
}

/// A live sample of the game: the frames since the previous sample, and cumulative counters
/// per script (a tool takes the difference of two samples for rates).
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct GameStats {
    /// Frames run so far.
    pub frame: u64,
    /// Frames since the previous sample.
    pub frames: u64,
    /// Mean wall time of those frames, in milliseconds.
    pub frame_ms: f64,
    /// The longest of them.
    pub frame_ms_max: f64,
    /// Live entities.
    pub entities: usize,
    /// Live script instances.
    pub instances: usize,
    /// Faulted script instances.
    pub faulted: usize,
    /// Memory the Lua state holds, in KiB.
    pub lua_kib: f64,
    /// Script errors so far.
    pub errors: u64,
    /// One entry per script with live instances, by path.
    pub scripts: Vec<ScriptStats>,
}

/// Cumulative counters of one script's live instances.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct ScriptStats {
    /// `scripts/enemy.lua`.
    pub path: String,
    /// Live instances.
    pub instances: usize,
    /// Callback calls so far, per lifecycle function (`init`, `update`, ...), summed over them.
    pub calls: std::collections::BTreeMap<String, u64>,
    /// Time in their callbacks so far, in milliseconds (the hot loops are sampled one frame in
    /// sixteen; see `docs/profiling.md`).
    pub ms: f64,
    /// Memory their callbacks allocated so far, in KiB, sampled as `ms` is. Absent (zero) from
    /// games older than the field.
    #[serde(default)]
    pub alloc_kib: f64,
}

/// What a world inspector asks the game.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(tag = "command", rename_all = "snake_case")]
pub enum InspectRequest {
    /// Every live entity, by id: name, position, scripts.
    Entities,
    /// One entity's components and its script instances' `self` fields.
    Entity {
        /// The entity's id (`entity:id()`).
        entity: u64,
    },
    /// Writes a component, or one field of it (`field`), from JSON, as a script's `set` would.
    SetComponent {
        /// The entity's id.
        entity: u64,
        /// `Transform`, `Inventory`, a host component.
        component: String,
        /// One top-level field (`position`, `coins`); none: the whole component.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        field: Option<String>,
        /// The new value (a vector as an array of numbers).
        value: serde_json::Value,
    },
    /// Writes one `self` field of a script instance from JSON.
    SetSelf {
        /// The entity's id.
        entity: u64,
        /// The instance's script (`scripts/enemy.lua`).
        script: String,
        /// The field (`speed`).
        field: String,
        /// The new value (an array of 3 numbers over a vector stays a vector).
        value: serde_json::Value,
    },
}

/// One entity in the inspector's list.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct EntitySummary {
    /// Its id (`entity:id()`).
    pub id: u64,
    /// Its `Name`, if it has one.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    /// Its Transform's position, if it has one.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub position: Option<[f64; 3]>,
    /// Its script instances' paths, in order.
    #[serde(default)]
    pub scripts: Vec<String>,
}

/// One entity, whole.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct EntityDetail {
    /// Its id.
    pub id: u64,
    /// Its `Name`, if it has one.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    /// Every component it has, by name, as JSON (vectors as arrays).
    pub components: std::collections::BTreeMap<String, serde_json::Value>,
    /// Its script instances, in order.
    pub scripts: Vec<InstanceDetail>,
}

/// A script instance's state.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct InstanceDetail {
    /// `scripts/enemy.lua`.
    pub path: String,
    /// Its `self` as JSON (entity handles as ids, vectors as arrays; the handle in
    /// `self.entity` is left out).
    pub fields: serde_json::Value,
}

/// The answer to an [`InspectRequest`].
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum InspectResult {
    /// Done (a write).
    Ok,
    /// Refused, with why.
    Error {
        /// In words.
        message: String,
    },
    /// The answer to `entities`, by id.
    Entities {
        /// Every live entity.
        entities: Vec<EntitySummary>,
    },
    /// The answer to `entity`.
    Entity {
        /// The entity.
        entity: Box<EntityDetail>,
    },
}

/// What a debugger asks the game. The game has one debugger at a time: the connection that
/// sent `attach` last.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(tag = "command", rename_all = "snake_case")]
pub enum DebugRequest {
    /// Makes this connection the game's debugger.
    Attach {
        /// Stop at the line that raised a script error, before the instance is faulted.
        #[serde(default)]
        break_on_errors: bool,
    },
    /// The debugger has sent its breakpoints: a game started with `--wait-for-debugger`
    /// begins running.
    Ready,
    /// Replaces the breakpoints of one script (a project-relative path).
    SetBreakpoints {
        /// `scripts/enemy.lua`.
        path: String,
        /// The new set; empty clears the file.
        breakpoints: Vec<BreakpointSpec>,
    },
    /// Whether script errors stop the game.
    SetBreakOnErrors {
        /// On or off.
        on: bool,
    },
    /// Stops at the next script line that runs (or between frames when no script runs).
    Pause,
    /// Resumes a stopped game.
    Continue,
    /// Resumes a stopped game until the next line of the kind asked for.
    Step {
        /// Over, into or out of calls.
        kind: StepKind,
    },
    /// The stopped stack, innermost first.
    Stack,
    /// The scopes of one stopped frame.
    Scopes {
        /// A `frame` id of `stack`.
        frame: u32,
    },
    /// The children of a scope or a table.
    Variables {
        /// A `reference` of a scope or a variable.
        reference: u32,
    },
    /// Assigns a variable of a scope or a field of a table from an expression.
    SetVariable {
        /// The scope's or table's `reference`.
        reference: u32,
        /// The variable's name as `variables` gave it.
        name: String,
        /// A Lua expression, evaluated in the stopped frame.
        value: String,
    },
    /// Evaluates a Lua expression in a stopped frame (or in the global scope when running).
    Evaluate {
        /// A `frame` id of `stack`; none: the innermost.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        frame: Option<u32>,
        /// `self.hp * 2`.
        expression: String,
    },
    /// Clears every breakpoint and resumes: this connection is no longer the debugger.
    Detach,
}

/// One line breakpoint as a debugger asks for it.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct BreakpointSpec {
    /// 1-based line.
    pub line: u32,
    /// Stops only when this Lua expression is true in the frame.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub condition: Option<String>,
    /// Stops only on the hit this says: `5` (the fifth), `>= 5`, `% 5` (every fifth).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub hit_condition: Option<String>,
    /// A logpoint: logs this text instead of stopping; `{expr}` parts are evaluated.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub log_message: Option<String>,
}

/// Over, into or out of calls.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum StepKind {
    /// The next line of this function (or of its caller once it returns).
    Over,
    /// The next line that runs, inside calls too.
    In,
    /// The next line of the caller.
    Out,
}

/// A breakpoint as the game bound it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct BreakpointState {
    /// The line asked for.
    pub requested: u32,
    /// The line it is on: the first line with code at or after the one asked for.
    pub line: u32,
    /// False when the file does not load or has no code from that line on.
    pub verified: bool,
    /// Why it is not verified, or where it moved.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub message: Option<String>,
}

/// One stopped frame.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct DebugFrame {
    /// For `scopes` and `evaluate`, valid while stopped.
    pub id: u32,
    /// What Lua calls the function (`update`, `method 'hit'`, `main chunk`).
    pub name: String,
    /// Project-relative script path.
    pub path: String,
    /// 1-based line.
    pub line: u32,
}

/// A scope of a frame (locals, upvalues, `self`, the script's globals).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct DebugScope {
    /// `Locals`, `Upvalues`, `self`, `Script globals`.
    pub name: String,
    /// For `variables`.
    pub reference: u32,
}

/// One variable, field or evaluated value.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct DebugVariable {
    /// The name (a field key is shown as Lua would write it: `hp`, `[1]`, `["a b"]`).
    pub name: String,
    /// The value as text (`42`, `"hi"`, `vec3(1, 2, 3)`, `table: 3 fields`).
    pub value: String,
    /// Lua's type name (`number`, `table`, `vec3`, `Entity`).
    #[serde(rename = "type")]
    pub type_name: String,
    /// Non-zero when it has children (`variables` lists them).
    #[serde(default)]
    pub reference: u32,
}

/// The answer to a [`DebugRequest`].
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum DebugResult {
    /// Done.
    Ok,
    /// Refused or failed, with why.
    Error {
        /// In words.
        message: String,
    },
    /// The answer to `set_breakpoints`, in the order asked.
    Breakpoints {
        /// One per requested breakpoint.
        breakpoints: Vec<BreakpointState>,
    },
    /// The answer to `stack`.
    Stack {
        /// Innermost first; engine frames left out.
        frames: Vec<DebugFrame>,
    },
    /// The answer to `scopes`.
    Scopes {
        /// In display order.
        scopes: Vec<DebugScope>,
    },
    /// The answer to `variables`.
    Variables {
        /// In display order.
        variables: Vec<DebugVariable>,
    },
    /// The answer to `evaluate` and `set_variable`.
    Value {
        /// The value.
        value: DebugVariable,
    },
}

/// Why the game stopped.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum StopReason {
    /// A breakpoint's line was reached.
    Breakpoint,
    /// A step ended.
    Step,
    /// The debugger asked.
    Pause,
    /// A script raised an error.
    Error,
}

/// What the game sends a tool.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum FromGame {
    /// The answer to a good `hello`.
    Welcome {
        /// [`PROTOCOL_VERSION`].
        #[serde(default)]
        version: u32,
        /// The project's absolute root as the game sees it.
        #[serde(default)]
        project: String,
        /// The game's whole API (built-in plus host), for tools to complete what it registered.
        /// A description a tool cannot read is taken as none rather than refusing the welcome.
        #[serde(
            default,
            skip_serializing_if = "Option::is_none",
            deserialize_with = "lenient_api"
        )]
        api: Option<Box<Api>>,
    },
    /// The answer to a `ping`.
    Pong,
    /// The tool read too slowly and `count` events were dropped for it.
    Dropped {
        /// How many.
        count: u64,
    },
    /// A message the game could not take (then, for a bad `hello`, the connection closes).
    Error {
        /// Why, in words.
        message: String,
        /// The `id` of the request it answers, when it answers one (a refused `record_trace`).
        #[serde(default, skip_serializing_if = "Option::is_none")]
        id: Option<u64>,
    },
    /// A sample of the running game, to connections that subscribed (at most ten a second).
    Stats(GameStats),
    /// A `record_trace` is done: the trace file (ui.perfetto.dev and chrome://tracing open it).
    TraceRecorded {
        /// The request's `id`.
        id: u64,
        /// The file's absolute path.
        path: String,
        /// Frames recorded.
        frames: u32,
        /// Trace events in it.
        events: usize,
    },
    /// The answer to an `inspect` request, to the connection that sent it.
    InspectReply {
        /// The request's `id`.
        id: u64,
        /// What came of it.
        result: InspectResult,
    },
    /// The answer to a `debug` request, to the connection that sent it.
    DebugReply {
        /// The request's `id`.
        id: u64,
        /// What came of it.
        result: DebugResult,
    },
    /// The game stopped in a script (to the debugger only). The frame loop waits until the
    /// debugger sends `continue` or `step`.
    Stopped {
        /// Why.
        reason: StopReason,
        /// The instance stopped in, as a debugger thread name: `scripts/enemy.lua #12`
        /// (the entity's id), or `game` between frames.
        thread: String,
        /// Where: project-relative script path (empty between frames).
        #[serde(default)]
        path: String,
        /// 1-based line (0 between frames).
        #[serde(default)]
        line: u32,
        /// The error's message for `error`, the logpoint's text, or empty.
        #[serde(default, skip_serializing_if = "String::is_empty")]
        text: String,
    },
    /// A stopped game runs again (to the debugger only).
    Continued,
    /// A breakpoint moved or was bound again after its script reloaded (to the debugger only).
    BreakpointsChanged {
        /// The script.
        path: String,
        /// Every breakpoint of the script, in the order they were set.
        breakpoints: Vec<BreakpointState>,
    },
    /// Something that happened in the game: a reload, a failed reload, a script error, a log.
    #[serde(untagged)]
    Event(Event),
}

fn lenient_api<'de, D: serde::Deserializer<'de>>(d: D) -> Result<Option<Box<Api>>, D::Error> {
    let value = serde_json::Value::deserialize(d)?;
    Ok(serde_json::from_value(value).ok().map(Box::new))
}

#[cfg(test)]
mod tests {
    use super::*;

    /// One of each message, as `editors/dev-channel-samples.json` holds them.
    fn samples() -> serde_json::Value {
        let session = SessionInfo {
            version: PROTOCOL_VERSION,
            pid: 4242,
            port: 40123,
            token: "00112233445566778899aabbccddeeff".into(),
        };
        let to_game = [
            ToGame::Hello {
                token: session.token.clone(),
                client: "crescent-lsp 0.1.0".into(),
            },
            ToGame::Ping,
            ToGame::Reload {
                path: "scripts/player.lua".into(),
            },
            ToGame::Subscribe { stats: true },
            ToGame::RecordTrace { id: 4, frames: 120 },
            ToGame::Inspect {
                id: 3,
                request: InspectRequest::SetSelf {
                    entity: 12,
                    script: "scripts/enemy.lua".into(),
                    field: "speed".into(),
                    value: serde_json::json!(2.5),
                },
            },
            ToGame::Debug {
                id: 7,
                request: DebugRequest::SetBreakpoints {
                    path: "scripts/enemy.lua".into(),
                    breakpoints: vec![BreakpointSpec {
                        line: 12,
                        condition: Some("self.hp < 10".into()),
                        ..BreakpointSpec::default()
                    }],
                },
            },
            ToGame::Debug {
                id: 8,
                request: DebugRequest::Step {
                    kind: StepKind::Over,
                },
            },
        ];
        let from_game = [
            FromGame::Welcome {
                version: PROTOCOL_VERSION,
                project: "/home/me/game".into(),
                api: None,
            },
            FromGame::Pong,
            FromGame::Dropped { count: 12 },
            FromGame::Error {
                message: "bad token".into(),
                id: None,
            },
            FromGame::Error {
                message: "record_trace: a trace is being recorded already".into(),
                id: Some(7),
            },
            FromGame::Stats(GameStats {
                frame: 600,
                frames: 6,
                frame_ms: 0.8,
                frame_ms_max: 1.2,
                entities: 12,
                instances: 14,
                faulted: 0,
                lua_kib: 410.5,
                errors: 0,
                scripts: vec![ScriptStats {
                    path: "scripts/enemy.lua".into(),
                    instances: 8,
                    calls: [("init".to_string(), 8), ("update".to_string(), 4800)]
                        .into_iter()
                        .collect(),
                    ms: 35.2,
                    alloc_kib: 96.5,
                }],
            }),
            FromGame::TraceRecorded {
                id: 4,
                path: "/home/me/game/.crescent/traces/trace-600.json".into(),
                frames: 120,
                events: 2890,
            },
            FromGame::InspectReply {
                id: 2,
                result: InspectResult::Entities {
                    entities: vec![EntitySummary {
                        id: 12,
                        name: Some("enemy".into()),
                        position: Some([1.0, 0.0, -3.5]),
                        scripts: vec!["scripts/enemy.lua".into()],
                    }],
                },
            },
            FromGame::DebugReply {
                id: 7,
                result: DebugResult::Breakpoints {
                    breakpoints: vec![BreakpointState {
                        requested: 12,
                        line: 13,
                        verified: true,
                        message: Some("moved to line 13, the next line with code".into()),
                    }],
                },
            },
            FromGame::Stopped {
                reason: StopReason::Breakpoint,
                thread: "scripts/enemy.lua #12".into(),
                path: "scripts/enemy.lua".into(),
                line: 13,
                text: String::new(),
            },
            FromGame::Continued,
            FromGame::Event(Event::Reloaded {
                path: "scripts/player.lua".into(),
                ms: 3.5,
                instances: 2,
            }),
        ];
        serde_json::json!({
            "about": "One of each dev channel message and a session file, as crescent-api's types write them (api/src/dev.rs). Regenerate with UPDATE_SAMPLES=1 cargo test -p crescent-api.",
            "session": session,
            "to_game": to_game,
            "from_game": from_game,
        })
    }

    #[test]
    fn the_committed_samples_are_what_the_types_write() {
        let path =
            Path::new(env!("CARGO_MANIFEST_DIR")).join("../editors/dev-channel-samples.json");
        let want = serde_json::to_string_pretty(&samples()).expect("JSON") + "\n";
        if std::env::var_os("UPDATE_SAMPLES").is_some() {
            std::fs::write(&path, &want).expect("write the samples");
        }
        let have = std::fs::read_to_string(&path).unwrap_or_default();
        assert!(
            have == want,
            "{} is out of date; regenerate it with UPDATE_SAMPLES=1 cargo test -p crescent-api",
            path.display()
        );
    }

    #[test]
    fn messages_read_back_and_events_pass_through() {
        let v = samples();
        for m in v["to_game"].as_array().expect("to_game") {
            let back: ToGame = serde_json::from_value(m.clone()).expect("a ToGame");
            assert_eq!(&serde_json::to_value(&back).expect("JSON"), m);
        }
        for m in v["from_game"].as_array().expect("from_game") {
            let back: FromGame = serde_json::from_value(m.clone()).expect("a FromGame");
            assert_eq!(&serde_json::to_value(&back).expect("JSON"), m);
        }
        let log: FromGame = serde_json::from_str(
            r#"{"type":"log","level":"info","message":"hi","path":"scripts/a.lua","line":2}"#,
        )
        .expect("a log event");
        assert!(matches!(log, FromGame::Event(Event::Log { .. })));
        assert!(serde_json::from_str::<ToGame>(r#"{"type":"hello"}"#).is_err());
    }
}
