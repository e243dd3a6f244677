//! The dev channel's runtime-to-tool events (`DEV-CHANNEL.md`), shared by the runtime that
//! writes them and the tools (the language server) that read them.

use serde::{Deserialize, Serialize};

/// Something that happened in the world, serialized exactly as the dev channel's
/// runtime-to-tool objects (`{"type": "reloaded", ...}`). A field a writer leaves out reads as
/// its default, so tools keep working with a runtime that adds or drops one.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum Event {
    /// A script's new code is running.
    Reloaded {
        /// Project-relative script path.
        #[serde(default)]
        path: String,
        /// Milliseconds from the save (or the reload call) to the new code running.
        #[serde(default)]
        ms: f64,
        /// Instances that now run the new code.
        #[serde(default)]
        instances: usize,
    },
    /// A reload was refused; the old code keeps running.
    ReloadFailed {
        /// Project-relative script path.
        #[serde(default)]
        path: String,
        /// 1-based line of the error.
        #[serde(default)]
        line: u32,
        /// 1-based column of the error, 0 when unknown.
        #[serde(default)]
        column: u32,
        /// What is wrong.
        #[serde(default)]
        message: String,
    },
    /// A callback raised an error; its instance is faulted.
    ScriptError {
        /// Where the error was raised: a project-relative path (the faulted script, or a module
        /// it called into).
        #[serde(default)]
        path: String,
        /// 1-based line of the error, 0 when unknown.
        #[serde(default)]
        line: u32,
        /// 1-based column (in characters) of what the error is about, 0 when unknown. Lua gives
        /// lines only; the runtime finds the name a message names (`global 'x'`, `field 'y'`)
        /// on the line.
        #[serde(default)]
        column: u32,
        /// The error message, without the position Lua puts in front of it.
        #[serde(default)]
        message: String,
        /// The script of the faulted instance (differs from `path` when the error is in a
        /// module).
        #[serde(default)]
        script: String,
        /// Entity id of the faulted instance.
        #[serde(default)]
        entity: u64,
        /// The entity's `Name`, if it has one.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        entity_name: Option<String>,
        /// The phase: `init`, `update`, `fixed_update`, `on_event`, `on_reload`, `destroy`, `task`.
        #[serde(default)]
        phase: String,
        /// Script frames of the stack, innermost first (engine and C frames left out).
        #[serde(default)]
        frames: Vec<Frame>,
        /// The same frames as text, one `path:line: in name` line each.
        #[serde(default)]
        traceback: String,
    },
    /// A script logged a message.
    Log {
        /// `debug`, `info`, `warn` or `error`.
        #[serde(default)]
        level: String,
        /// The message.
        #[serde(default)]
        message: String,
        /// The script that logged it.
        #[serde(default)]
        path: String,
        /// The line that logged it.
        #[serde(default)]
        line: u32,
    },
}

impl Event {
    /// For a `script_error`, which instance faulted and when, as the terminal and the editor
    /// both say it: ``in `update` of scripts/player.lua on entity 1 "hero"`` (the script is
    /// named only when the error was raised in another file, a module).
    pub fn fault_place(&self) -> Option<String> {
        let Event::ScriptError {
            path,
            script,
            entity,
            entity_name,
            phase,
            ..
        } = self
        else {
            return None;
        };
        let who = match entity_name {
            Some(name) => format!("entity {entity} \"{name}\""),
            None => format!("entity {entity}"),
        };
        Some(if script != path && !script.is_empty() {
            format!("in `{phase}` of {script} on {who}")
        } else {
            format!("in `{phase}` of {who}")
        })
    }
}

/// One script frame of an error's stack.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct Frame {
    /// Project-relative path of the frame's script (or `(load) NAME` for code made by `load`).
    #[serde(default)]
    pub path: String,
    /// 1-based line the frame is at, 0 when unknown.
    #[serde(default)]
    pub line: u32,
    /// What Lua calls the function: `function 'name'`, `method 'name'`, `local 'name'`,
    /// `main chunk`, the callback's phase (`update`) for the outermost frame, or
    /// `function <path:line>` where it is defined.
    #[serde(default)]
    pub function: String,
    /// When more than zero, this entry stands for that many frames left out of a deep stack
    /// (its other fields are empty).
    #[serde(default, skip_serializing_if = "is_zero")]
    pub skipped: u32,
}

fn is_zero(n: &u32) -> bool {
    *n == 0
}

impl Frame {
    /// The frame as one traceback line: `scripts/a.lua:3: in function 'f'`.
    pub fn text(&self) -> String {
        if self.skipped > 0 {
            format!("... ({} frames left out)", self.skipped)
        } else {
            format!("{}:{}: in {}", self.path, self.line, self.function)
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn events_read_back_what_they_write_and_tolerate_missing_fields() {
        let event = Event::ScriptError {
            path: "scripts/a.lua".into(),
            line: 3,
            column: 0,
            message: "boom".into(),
            script: "scripts/a.lua".into(),
            entity: 7,
            entity_name: Some("Player".into()),
            phase: "update".into(),
            frames: vec![Frame {
                path: "scripts/a.lua".into(),
                line: 3,
                function: "update".into(),
                skipped: 0,
            }],
            traceback: "scripts/a.lua:3: in update".into(),
        };
        let text = serde_json::to_string(&event).expect("serializes");
        assert!(
            text.starts_with(r#"{"type":"script_error","path":"scripts/a.lua""#),
            "{text}"
        );
        assert_eq!(
            serde_json::from_str::<Event>(&text).expect("reads back"),
            event
        );
        assert_eq!(
            event.fault_place().as_deref(),
            Some("in `update` of entity 7 \"Player\"")
        );
        let sparse: Event =
            serde_json::from_str(r#"{"type":"reloaded","path":"scripts/a.lua"}"#).expect("reads");
        assert_eq!(
            sparse,
            Event::Reloaded {
                path: "scripts/a.lua".into(),
                ms: 0.0,
                instances: 0
            }
        );
        assert!(serde_json::from_str::<Event>(r#"{"type":"pong"}"#).is_err());
    }
}
