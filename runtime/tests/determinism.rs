//! Determinism: the same project gives the same world hash in two runtimes and in two
//! processes, even when scripts depend on `pairs` order over string keys (the Lua string hash
//! seed is fixed at compile time by .cargo/config.toml).

mod common;
use common::*;
use crescent_runtime::Config;

const SCRIPT: &str = r#"
properties = { seed_words = { "alpha", "beta", "gamma", "delta", "epsilon", "zeta", "eta", "theta" } }
function init(self)
  self.bag = {}
  for i, w in ipairs(self.seed_words) do self.bag[w .. i] = i end
end
function update(self, dt)
  local order = {}
  for k in pairs(self.bag) do order[#order + 1] = k end
  self.order = table.concat(order, ",")
  self.bag["k" .. math.random(1, 1000)] = time.frame
  if time.frame % 7 == 0 then world.spawn({ Spark = { at = time.frame, r = math.random() } }) end
end
"#;

fn hash_of(dir: &std::path::Path) -> u64 {
    let mut rt = run(dir, Config::default());
    for _ in 0..30 {
        rt.frame(1.0 / 60.0);
    }
    assert!(errors(&rt.drain_events()).is_empty());
    rt.world_hash()
}

fn fixture() -> tempfile::TempDir {
    project(&[
        (
            "scene.json",
            r#"{"entities": [{"scripts": ["scripts/d.lua"]}, {"scripts": ["scripts/d.lua"]}]}"#,
        ),
        ("scripts/d.lua", SCRIPT),
    ])
}

#[test]
fn same_hash_in_two_runtimes() {
    let dir = fixture();
    assert_eq!(hash_of(dir.path()), hash_of(dir.path()));
}

/// Run by `same_hash_in_two_processes` in a child process: prints the hash of the project in
/// CRESCENT_HASH_DIR. Without that variable it checks nothing and returns.
#[test]
fn child_prints_hash() {
    if let Ok(dir) = std::env::var("CRESCENT_HASH_DIR") {
        println!("\nHASH={:016x}", hash_of(std::path::Path::new(&dir)));
    }
}

#[test]
fn same_hash_in_two_processes() {
    let dir = fixture();
    let here = format!("{:016x}", hash_of(dir.path()));
    let exe = std::env::current_exe().expect("test binary");
    for _ in 0..2 {
        let out = std::process::Command::new(&exe)
            .args([
                "--exact",
                "child_prints_hash",
                "--nocapture",
                "--test-threads=1",
            ])
            .env("CRESCENT_HASH_DIR", dir.path())
            .output()
            .expect("run child");
        let text = String::from_utf8_lossy(&out.stdout);
        let hash = text
            .lines()
            .find_map(|l| l.strip_prefix("HASH="))
            .unwrap_or_else(|| panic!("no hash in child output: {text}"));
        assert_eq!(
            hash, here,
            "pairs order or seeding differs between processes"
        );
    }
}

#[test]
fn different_seed_different_world() {
    let dir = fixture();
    let a = hash_of(dir.path());
    let mut rt = run(
        dir.path(),
        Config {
            seed: 7,
            ..Config::default()
        },
    );
    for _ in 0..30 {
        rt.frame(1.0 / 60.0);
    }
    assert_ne!(a, rt.world_hash());
}
