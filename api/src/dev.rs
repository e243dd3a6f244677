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
            },
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
