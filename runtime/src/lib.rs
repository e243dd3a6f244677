//! Crescent's runtime: Lua 5.4 scripts attached to entities, run in a deterministic order in a
//! sandbox, with hot reload and a dev channel to tools.
#![warn(missing_docs)]

mod scene;

pub use crescent_api as api;
pub use scene::{normalize_script_path, EntityDef, Scene, SceneError, ScriptRef};
mod dev;
pub use dev::{
    is_watched_path, ChangeKind, DevChannel, DevEvent, DevHost, DevOptions, DevRequest, FileChange,
    ProjectWatcher, SessionInfo, DEFAULT_CLIENT_QUEUE, PROTOCOL_VERSION, REMOVAL_GRACE,
};
