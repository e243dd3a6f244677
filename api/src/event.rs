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
        /// The script of the faulted instance.
        #[serde(default)]
        path: String,
        /// 1-based line of the error, 0 when unknown.
        #[serde(default)]
        line: u32,
        /// The error message.
        #[serde(default)]
        message: String,
        /// The Lua traceback.
        #[serde(default)]
        traceback: String,
        /// Entity id of the faulted instance.
        #[serde(default)]
        entity: u64,
        /// The phase: `init`, `update`, `fixed_update`, `on_event`, `on_reload`, `destroy`, `task`.
        #[serde(default)]
        phase: String,
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn events_read_back_what_they_write_and_tolerate_missing_fields() {
        let event = Event::ScriptError {
            path: "scripts/a.lua".into(),
            line: 3,
            message: "boom".into(),
            traceback: "stack traceback:".into(),
            entity: 7,
            phase: "update".into(),
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
