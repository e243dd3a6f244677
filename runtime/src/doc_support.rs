//! Support for the documentation's examples: a throwaway project folder with a running world.
//! Hidden from the docs; not part of the API.

use crate::{Config, Registry, Runtime, Scene};
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicU64, Ordering};

/// A project folder under the temporary directory, removed when dropped.
pub struct TempProject {
    dir: PathBuf,
}

impl TempProject {
    /// Writes `files` (`(relative path, contents)`) into a new folder.
    pub fn new(files: &[(&str, &str)]) -> std::io::Result<TempProject> {
        static NEXT: AtomicU64 = AtomicU64::new(0);
        let n = NEXT.fetch_add(1, Ordering::SeqCst);
        let dir = std::env::temp_dir().join(format!("crescent-doc-{}-{n}", std::process::id()));
        for (path, text) in files {
            let path = dir.join(path);
            if let Some(parent) = path.parent() {
                std::fs::create_dir_all(parent)?;
            }
            std::fs::write(path, text)?;
        }
        Ok(TempProject { dir })
    }

    /// The folder.
    pub fn path(&self) -> &Path {
        &self.dir
    }
}

impl Drop for TempProject {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.dir);
    }
}

/// A world running `files` (a `scene.json` among them), after its first frame.
pub fn world(files: &[(&str, &str)]) -> Result<(TempProject, Runtime), Box<dyn std::error::Error>> {
    let project = TempProject::new(files)?;
    let mut rt = Runtime::new(project.path(), Config::default(), Registry::new())?;
    rt.load_scene(&Scene::load(project.path())?)?;
    rt.frame(1.0 / 60.0);
    Ok((project, rt))
}
