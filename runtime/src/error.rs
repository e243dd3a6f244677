//! The runtime's error type.

use crate::scene::SceneError;
use std::fmt;
use std::path::PathBuf;

/// Why the runtime could not do what was asked.
#[derive(Debug, Clone, PartialEq)]
#[non_exhaustive]
pub enum Error {
    /// The scene is malformed or names a missing script.
    Scene(SceneError),
    /// A script does not compile or its top-level code failed.
    Script {
        /// Project-relative script path.
        path: String,
        /// 1-based line, 0 when unknown.
        line: u32,
        /// 1-based column, 0 when unknown.
        column: u32,
        /// What is wrong.
        message: String,
    },
    /// A file could not be read.
    Io {
        /// The file.
        path: PathBuf,
        /// The system's message.
        message: String,
    },
    /// A component value of the scene does not fit its Rust type.
    Component {
        /// Entity id.
        entity: u64,
        /// Component name.
        name: String,
        /// What is wrong.
        message: String,
    },
    /// The Lua state could not be set up (or an engine binding is missing).
    Lua(String),
    /// An input track is malformed.
    Input {
        /// The track's file.
        path: PathBuf,
        /// 1-based line, 0 when the error is not at one place.
        line: u32,
        /// 1-based column, 0 when unknown.
        column: u32,
        /// What is wrong.
        message: String,
    },
    /// The host named an entity that is not there.
    Entity {
        /// Entity id.
        entity: u64,
        /// What is wrong.
        message: String,
    },
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Error::Scene(e) => write!(f, "{e}"),
            Error::Script {
                path,
                line,
                column,
                message,
            } => write!(f, "{path}:{line}:{column}: {message}"),
            Error::Io { path, message } => write!(f, "{}: {message}", path.display()),
            Error::Component {
                entity,
                name,
                message,
            } => write!(f, "entity {entity}: component {name}: {message}"),
            Error::Lua(m) => write!(f, "lua: {m}"),
            Error::Input {
                path,
                line: 0,
                message,
                ..
            } => write!(f, "{}: {message}", path.display()),
            Error::Input {
                path,
                line,
                column,
                message,
            } => write!(f, "{}:{line}:{column}: {message}", path.display()),
            Error::Entity { entity, message } => write!(f, "entity {entity}: {message}"),
        }
    }
}

impl std::error::Error for Error {}

impl From<SceneError> for Error {
    fn from(e: SceneError) -> Self {
        Error::Scene(e)
    }
}

impl From<mlua::Error> for Error {
    fn from(e: mlua::Error) -> Self {
        Error::Lua(e.to_string())
    }
}

/// The runtime's result type.
pub type Result<T> = std::result::Result<T, Error>;
