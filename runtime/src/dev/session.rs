//! `.crescent/session.json`: how a tool finds a running game's dev channel and proves it may use it.

use std::fs;
use std::io::{self, Read, Write};
use std::path::{Path, PathBuf};

pub use crescent_api::dev::{SessionInfo, PROTOCOL_VERSION};

/// A written session file, removed again when this value is dropped.
///
/// The file is only removed if it still holds this session's token, so a second game started
/// on the same project keeps its own file when the first one exits.
pub(crate) struct SessionFile {
    path: PathBuf,
    info: SessionInfo,
}

impl SessionFile {
    /// Writes `root/.crescent/session.json` atomically, readable by the owner only.
    pub(crate) fn write(root: &Path, port: u16) -> io::Result<SessionFile> {
        let info = SessionInfo {
            version: PROTOCOL_VERSION,
            pid: std::process::id(),
            port,
            token: random_token()?,
        };
        let path = SessionInfo::path(root);
        let dir = root.join(".crescent");
        fs::create_dir_all(&dir)?;
        let text = serde_json::to_string_pretty(&info).map_err(io::Error::other)? + "\n";
        // Write a private temporary file, then rename it over the old one, so a tool never
        // reads a half-written file and the token is never readable by others, even briefly.
        let tmp = dir.join(format!("session.json.{}.tmp", info.pid));
        let _ = fs::remove_file(&tmp);
        let mut options = fs::OpenOptions::new();
        options.write(true).create_new(true);
        #[cfg(unix)]
        {
            use std::os::unix::fs::OpenOptionsExt;
            options.mode(0o600);
        }
        let mut file = options.open(&tmp)?;
        file.write_all(text.as_bytes())?;
        file.sync_all()?;
        drop(file);
        if let Err(error) = fs::rename(&tmp, &path) {
            let _ = fs::remove_file(&tmp);
            return Err(error);
        }
        Ok(SessionFile { path, info })
    }

    pub(crate) fn info(&self) -> &SessionInfo {
        &self.info
    }
}

impl Drop for SessionFile {
    fn drop(&mut self) {
        let ours = fs::read_to_string(&self.path)
            .ok()
            .and_then(|text| serde_json::from_str::<SessionInfo>(&text).ok())
            .is_some_and(|on_disk| on_disk.token == self.info.token);
        if ours {
            let _ = fs::remove_file(&self.path);
        }
    }
}

/// 128 bits from the operating system's random source, as 32 lowercase hex digits.
fn random_token() -> io::Result<String> {
    let mut bytes = [0u8; 16];
    fs::File::open("/dev/urandom")?.read_exact(&mut bytes)?;
    Ok(bytes.iter().map(|b| format!("{b:02x}")).collect())
}

/// Compares two tokens in time that does not depend on where they first differ.
pub(crate) fn same_token(given: &str, expected: &str) -> bool {
    let (a, b) = (given.as_bytes(), expected.as_bytes());
    if a.len() != b.len() {
        return false;
    }
    a.iter().zip(b).fold(0u8, |acc, (x, y)| acc | (x ^ y)) == 0
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn writes_a_private_file_and_removes_it_on_drop() {
        let dir = tempfile::tempdir().expect("temp dir");
        let session = SessionFile::write(dir.path(), 4242).expect("write");
        let info = SessionInfo::read(dir.path()).expect("read");
        assert_eq!(&info, session.info());
        assert_eq!(info.port, 4242);
        assert_eq!(info.pid, std::process::id());
        assert_eq!(info.token.len(), 32);
        assert!(info.token.bytes().all(|b| b.is_ascii_hexdigit()));
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            let mode = fs::metadata(SessionInfo::path(dir.path()))
                .expect("metadata")
                .permissions()
                .mode();
            assert_eq!(mode & 0o777, 0o600);
        }
        let leftovers: Vec<_> = fs::read_dir(dir.path().join(".crescent"))
            .expect("dir")
            .flatten()
            .map(|e| e.file_name())
            .collect();
        assert_eq!(leftovers, vec!["session.json"]);
        drop(session);
        assert!(!SessionInfo::path(dir.path()).exists());
    }

    #[test]
    fn tokens_differ_and_only_the_owner_removes_the_file() {
        let dir = tempfile::tempdir().expect("temp dir");
        let first = SessionFile::write(dir.path(), 1).expect("write");
        let second = SessionFile::write(dir.path(), 2).expect("write");
        assert_ne!(first.info().token, second.info().token);
        drop(first);
        assert_eq!(SessionInfo::read(dir.path()).expect("read").port, 2);
        drop(second);
        assert!(!SessionInfo::path(dir.path()).exists());
    }

    #[test]
    fn token_comparison() {
        assert!(same_token("abc", "abc"));
        assert!(!same_token("abd", "abc"));
        assert!(!same_token("ab", "abc"));
        assert!(!same_token("", "abc"));
    }
}
