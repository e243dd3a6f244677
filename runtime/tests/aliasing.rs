//! The paths that used to alias or dangle: a host holding the world while script code it
//! reaches through Lua writes it, and script code run from a clone of the Lua state after the
//! Runtime is gone (the raw C functions hold pointers to the guard and the shared state).

mod common;
use common::*;
use crescent_runtime::{api, mlua, Config, Registry, Runtime, Scene};
use std::cell::RefCell;
use std::rc::Rc;

/// A runtime whose script hands `game.keep` a function that moves its entity and resumes a
/// coroutine (the guard's path); the host gets the function back.
fn runtime_with_kept_function() -> (
    tempfile::TempDir,
    Runtime,
    Rc<RefCell<Option<mlua::Function>>>,
) {
    let dir = project(&[
        (
            "scene.json",
            r#"{"entities": [{"name": "mover", "components": {"Transform": {}}, "scripts": ["scripts/k.lua"]}]}"#,
        ),
        (
            "scripts/k.lua",
            r#"
function init(self)
  game.keep(function()
    local ok = coroutine.wrap(function() coroutine.yield(1) end)()
    self.entity:translate(vec3(1, 0, 0))
    return ok
  end)
end
"#,
        ),
    ]);
    let kept: Rc<RefCell<Option<mlua::Function>>> = Rc::new(RefCell::new(None));
    let slot = kept.clone();
    let mut reg = Registry::new();
    reg.function(
        "game",
        api::Function {
            name: "keep".into(),
            doc: "keeps a function for the host".into(),
            params: vec![],
            returns: vec![],
        },
        move |_lua, args: mlua::MultiValue| {
            if let Some(mlua::Value::Function(f)) = args.into_iter().next() {
                *slot.borrow_mut() = Some(f);
            }
            Ok(mlua::MultiValue::new())
        },
    );
    let mut rt = Runtime::new(dir.path(), Config::default(), reg).expect("runtime");
    rt.load_scene(&Scene::load(dir.path()).expect("scene"))
        .expect("load");
    rt.frame(1.0 / 60.0);
    assert!(errors(&rt.drain_events()).is_empty());
    (dir, rt, kept)
}

fn x_of_mover(rt: &Runtime) -> f64 {
    let world = rt.world();
    let mut q = world.query::<&crescent_runtime::Transform>();
    q.iter().next().map(|t| t.position.x).unwrap_or(f64::NAN)
}

#[test]
fn script_code_cannot_write_the_world_the_host_is_reading() {
    let (_dir, rt, kept) = runtime_with_kept_function();
    let f = kept.borrow().clone().expect("the script kept a function");
    f.call::<i64>(())
        .expect("with the world free, the move works");
    assert_eq!(x_of_mover(&rt), 1.0);
    {
        let _reading = rt.world();
        let err = f
            .call::<i64>(())
            .expect_err("the world is borrowed by the host");
        assert!(
            err.to_string()
                .contains("translate: the world cannot be changed now"),
            "{err}"
        );
    }
    assert_eq!(
        x_of_mover(&rt),
        1.0,
        "nothing was written while the host read"
    );
}

#[test]
fn a_clone_of_the_lua_state_outlives_the_runtime_safely() {
    let (_dir, rt, kept) = runtime_with_kept_function();
    let lua = rt.lua().clone();
    drop(rt);
    // The guard's coroutine bookkeeping and the Transform write both run on what the Lua state
    // keeps alive; the entity is still in the world the state owns.
    let f = kept.borrow().clone().expect("kept");
    assert_eq!(
        f.call::<i64>(())
            .expect("runs after the Runtime is dropped"),
        1
    );
    assert_eq!(lua.load("return 1 + 1").eval::<i64>().expect("eval"), 2);
    // Blocks made before and after the drop are freed by the allocator they came from, and
    // the world's memory limit no longer applies.
    let n: i64 = lua
        .load("local t = {} for i = 1, 20000 do t[i] = { i, tostring(i) } end t = nil return 20000")
        .eval()
        .expect("allocates after the Runtime is dropped");
    assert_eq!(n, 20000);
    lua.gc_collect().expect("collects");
    drop(lua);
}
