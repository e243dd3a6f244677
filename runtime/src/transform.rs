//! Transform access from Lua as raw C functions, with hecs as the only copy: the Transform
//! value of `get`/`set`, and the allocation-free Entity methods (`e:translate(v, dt)`,
//! `e:position()`, `e:set_rotation(q)`, ...) that read and write the component in place.
//!
//! Writes go straight into the hecs world, so the host, other scripts and the next phase see
//! them at once; there is no Lua-side copy to keep in step and nothing to flush after a frame.
//!
//! A Transform value (what `get("Transform")` and `world.query` return) is one userdata holding
//! a copy of the component. Its fields `position`, `rotation` and `scale` are vector views into
//! it, made on first access and kept in its user values, so `t.position.x = 1` changes `t`, and
//! `t.position = v` copies `v` into it. One allocation per `get`, where a table with vector
//! fields took four and cost several times as much to collect.
//!
//! The closures share the vector module's four upvalues (so they make vectors the same way),
//! then: 5 the shared state (light userdata), 6 the metatable of Transform values. An entity
//! handle is a small userdata made here too (`new_handle`), holding its entity's hecs bits and id.

use crate::components::Transform;
use crate::host::Shared;
use crate::raw::{self, State};
use crate::vector;
use glam::{DQuat, DVec3};
use hecs::Entity;
use mlua::ffi;
use std::cell::RefCell;
use std::ffi::{c_int, c_void, CStr};

const SHARED: c_int = 5;
const TF_MT: c_int = 6;
const UPVALUES: c_int = 6;

unsafe fn shared<'a>(l: State) -> Option<&'a RefCell<Shared>> {
    let p = ffi::lua_touserdata(l, ffi::lua_upvalueindex(SHARED)) as *const RefCell<Shared>;
    p.as_ref()
}

fn read(cell: &RefCell<Shared>, e: Entity) -> Option<Transform> {
    let sh = cell.try_borrow().ok()?;
    let t = sh.world.get::<&Transform>(e).ok()?;
    Some(*t)
}

/// Applies `f` to the entity's Transform (a default one is inserted when it has none).
/// False when the entity is gone or the world is in use.
fn update(cell: &RefCell<Shared>, e: Entity, f: impl FnOnce(&mut Transform)) -> bool {
    let Ok(mut sh) = cell.try_borrow_mut() else {
        return false;
    };
    // The world is borrowed uniquely here, so hecs can skip its dynamic borrow checks.
    if let Ok(t) = sh.world.query_one_mut::<&mut Transform>(e) {
        f(t);
        return true;
    }
    let mut t = Transform::default();
    f(&mut t);
    sh.world.insert_one(e, t).is_ok()
}

/// The entity at `idx`, given as its hecs bits or as a handle (None when the handle's entity
/// was despawned, or the value is neither).
unsafe fn bits_arg(l: State, idx: c_int) -> Option<Entity> {
    let mut isnum: c_int = 0;
    let bits = ffi::lua_tointegerx(l, idx, &mut isnum);
    if isnum == 0 {
        let h = handle_data(l, idx);
        return if h.is_null() {
            None
        } else {
            Entity::from_bits((*h).bits)
        };
    }
    Entity::from_bits(bits as u64)
}

/// An entity handle's userdata: its entity's hecs bits (0 once despawned) and its id, with a
/// tag that tells it from every other userdata a script can hold (vectors and Transform values
/// are other sizes, and none starts with the tag). One allocation, so a method call on a
/// handle reads one cache line of it.
#[repr(C)]
struct HandleData {
    tag: u64,
    bits: u64,
    id: i64,
}

const HANDLE_TAG: u64 = 0x4352_4553_4345_4e54; // "CRESCENT"

/// The handle data at `idx`, or null when the value is not a handle.
unsafe fn handle_data(l: State, idx: c_int) -> *mut HandleData {
    if ffi::lua_type(l, idx) != ffi::LUA_TUSERDATA
        || ffi::lua_rawlen(l, idx) != std::mem::size_of::<HandleData>()
    {
        return std::ptr::null_mut();
    }
    let h = ffi::lua_touserdata(l, idx) as *mut HandleData;
    if (*h).tag == HANDLE_TAG {
        h
    } else {
        std::ptr::null_mut()
    }
}

/// The entity behind the handle a method is called on: Ok(Ok) when alive, Ok(Err(id)) when
/// despawned, Err when the value is not a handle.
unsafe fn handle(l: State, method: &str) -> Result<Result<Entity, i64>, String> {
    let h = handle_data(l, 1);
    if h.is_null() {
        let msg = format!(
            "Entity:{method}: called on {}, not an entity (use `entity:{method}(...)`)",
            raw::type_name(l, 1)
        );
        return Err(msg);
    }
    match Entity::from_bits((*h).bits) {
        Some(e) => Ok(Ok(e)),
        None => Ok(Err((*h).id)),
    }
}

/// `new_handle(mt, id, bits)`: a new entity handle with the metatable `mt`.
unsafe extern "C-unwind" fn new_handle(l: State) -> c_int {
    let id = ffi::lua_tointegerx(l, 2, std::ptr::null_mut());
    let bits = ffi::lua_tointegerx(l, 3, std::ptr::null_mut()) as u64;
    let h = ffi::lua_newuserdatauv(l, std::mem::size_of::<HandleData>(), 0) as *mut HandleData;
    h.write(HandleData {
        tag: HANDLE_TAG,
        bits,
        id,
    });
    ffi::lua_pushvalue(l, 1);
    ffi::lua_setmetatable(l, -2);
    1
}

/// `clear_handle(h)`: marks the handle's entity as despawned.
unsafe extern "C-unwind" fn clear_handle(l: State) -> c_int {
    let h = handle_data(l, 1);
    if !h.is_null() {
        (*h).bits = 0;
    }
    0
}

/// `new_self(h, n)`: an instance's `self` table, `{ entity = h }` with room for `n` more
/// fields, so the fields `init` sets go in without a rehash and stay next to the table.
unsafe extern "C-unwind" fn new_self(l: State) -> c_int {
    let n = ffi::lua_tointegerx(l, 2, std::ptr::null_mut()).clamp(0, 64) as c_int;
    ffi::lua_createtable(l, 0, n + 1);
    ffi::lua_pushvalue(l, 1);
    ffi::lua_setfield(l, -2, c"entity".as_ptr());
    1
}

/// A vec3 read from a vec3 or any table with numeric `x y z` (what scripts built before vectors
/// were userdata, and what `{ x = 1, y = 2, z = 3 }` literals give).
unsafe fn vec_like(l: State, idx: c_int) -> Option<DVec3> {
    if let Some(v) = vector::to_vec3(l, idx) {
        return Some(v);
    }
    let mut out = [0.0; 3];
    fields(l, idx, &[c"x", c"y", c"z"], &mut out).then(|| DVec3::from_array(out))
}

unsafe fn quat_like(l: State, idx: c_int) -> Option<DQuat> {
    if let Some(q) = vector::to_quat(l, idx) {
        return Some(q);
    }
    let mut out = [0.0; 4];
    fields(l, idx, &[c"x", c"y", c"z", c"w"], &mut out).then(|| DQuat::from_array(out))
}

unsafe fn fields(l: State, idx: c_int, names: &[&CStr], out: &mut [f64]) -> bool {
    if ffi::lua_type(l, idx) != ffi::LUA_TTABLE {
        return false;
    }
    let idx = ffi::lua_absindex(l, idx);
    for (name, slot) in names.iter().zip(out.iter_mut()) {
        ffi::lua_getfield(l, idx, name.as_ptr());
        let n = raw::number(l, -1);
        ffi::lua_settop(l, -2);
        match n {
            Some(n) => *slot = n,
            None => return false,
        }
    }
    true
}

/// The Transform value at `idx`, if it is one.
unsafe fn tf_ptr(l: State, idx: c_int) -> *mut Transform {
    vector::payload::<Transform>(l, idx, TF_MT)
}

unsafe fn push_value(l: State, t: Transform) {
    let p = ffi::lua_newuserdatauv(l, std::mem::size_of::<Transform>(), 3) as *mut Transform;
    p.write(t);
    ffi::lua_pushvalue(l, ffi::lua_upvalueindex(TF_MT));
    ffi::lua_setmetatable(l, -2);
}

/// `H.tf_value(entity)`: a Transform value with the entity's Transform (the entity given by its
/// bits or its handle), or nil.
unsafe extern "C-unwind" fn tf_value(l: State) -> c_int {
    match (shared(l), bits_arg(l, 1)) {
        (Some(cell), Some(e)) => match read(cell, e) {
            Some(t) => push_value(l, t),
            None => ffi::lua_pushnil(l),
        },
        _ => ffi::lua_pushnil(l),
    }
    1
}

/// Which field of a Transform value a key names.
unsafe fn part_of(l: State, idx: c_int) -> Option<Part> {
    if ffi::lua_type(l, idx) != ffi::LUA_TSTRING {
        return None;
    }
    let mut len = 0usize;
    let s = ffi::lua_tolstring(l, idx, &mut len);
    match std::slice::from_raw_parts(s as *const u8, len) {
        b"position" => Some(Part::Position),
        b"rotation" => Some(Part::Rotation),
        b"scale" => Some(Part::Scale),
        _ => None,
    }
}

/// `t.position`, `t.rotation`, `t.scale`: the view of that part, made once and kept in the
/// value's user value; any other key is nil.
unsafe extern "C-unwind" fn value_index(l: State) -> c_int {
    let t = ffi::lua_touserdata(l, 1) as *mut Transform;
    let Some(part) = part_of(l, 2) else {
        ffi::lua_pushnil(l);
        return 1;
    };
    if t.is_null() {
        ffi::lua_pushnil(l);
        return 1;
    }
    let slot = part as c_int + 1;
    if ffi::lua_getiuservalue(l, 1, slot) == ffi::LUA_TUSERDATA {
        return 1;
    }
    ffi::lua_settop(l, -2);
    match part {
        Part::Position => vector::push_vec_view(l, std::ptr::addr_of_mut!((*t).position), 1),
        Part::Rotation => vector::push_quat_view(l, std::ptr::addr_of_mut!((*t).rotation), 1),
        Part::Scale => vector::push_vec_view(l, std::ptr::addr_of_mut!((*t).scale), 1),
    }
    ffi::lua_pushvalue(l, -1);
    ffi::lua_setiuservalue(l, 1, slot);
    1
}

/// `t.position = v` (and rotation, scale): copies the value into the Transform value.
unsafe extern "C-unwind" fn value_newindex(l: State) -> c_int {
    let t = ffi::lua_touserdata(l, 1) as *mut Transform;
    let r = (|| {
        let Some(part) = part_of(l, 2).filter(|_| !t.is_null()) else {
            let msg = format!(
                "Transform has no field {}: only position, rotation and scale can be set",
                raw::key_text(l, 2)
            );
            return Err(msg);
        };
        match part {
            Part::Position | Part::Scale => {
                let Some(v) = vec_like(l, 3) else {
                    let msg = format!(
                        "Transform.{} must be a vec3, got {}",
                        if matches!(part, Part::Position) {
                            "position"
                        } else {
                            "scale"
                        },
                        raw::type_name(l, 3)
                    );
                    return Err(msg);
                };
                if matches!(part, Part::Position) {
                    (*t).position = v;
                } else {
                    (*t).scale = v;
                }
            }
            Part::Rotation => {
                let Some(q) = quat_like(l, 3) else {
                    let msg = format!(
                        "Transform.rotation must be a quat, got {}",
                        raw::type_name(l, 3)
                    );
                    return Err(msg);
                };
                (*t).rotation = q;
            }
        }
        Ok(0)
    })();
    raw::finish(l, r)
}

/// `H.tf_store(entity, value)`: writes a Transform given as a Transform value or as a table
/// (`position`, `rotation`, `scale`, each optional) to the entity given by its bits or its
/// handle. Returns true, or false and which field is wrong (the prelude raises, at the script's
/// line), `"value"` for a value that is neither; false alone for a despawned entity or a world
/// that cannot be changed now.
unsafe extern "C-unwind" fn tf_store(l: State) -> c_int {
    let (Some(cell), Some(e)) = (shared(l), bits_arg(l, 1)) else {
        ffi::lua_pushboolean(l, 0);
        return 1;
    };
    let value = tf_ptr(l, 2);
    if value.is_null() && ffi::lua_type(l, 2) != ffi::LUA_TTABLE {
        ffi::lua_pushboolean(l, 0);
        ffi::lua_pushstring(l, c"value".as_ptr());
        return 2;
    }
    let t = if value.is_null() {
        match table_transform(l) {
            Ok(t) => t,
            Err(field) => {
                ffi::lua_pushboolean(l, 0);
                ffi::lua_pushstring(l, field.as_ptr());
                return 2;
            }
        }
    } else {
        *value
    };
    let ok = update(cell, e, |cur| *cur = t);
    ffi::lua_pushboolean(l, ok as c_int);
    1
}

/// A Transform from the table at 2: each field optional, each a vector or a table of numbers.
/// Err names the field that is neither.
unsafe fn table_transform(l: State) -> Result<Transform, &'static CStr> {
    let mut t = Transform::default();
    for (name, part) in [
        (c"position", Part::Position),
        (c"rotation", Part::Rotation),
        (c"scale", Part::Scale),
    ] {
        ffi::lua_getfield(l, 2, name.as_ptr());
        if ffi::lua_type(l, -1) != ffi::LUA_TNIL {
            let ok = match part {
                Part::Position => vec_like(l, -1).map(|v| t.position = v).is_some(),
                Part::Rotation => quat_like(l, -1).map(|q| t.rotation = q).is_some(),
                Part::Scale => vec_like(l, -1).map(|v| t.scale = v).is_some(),
            };
            if !ok {
                return Err(name);
            }
        }
        ffi::lua_settop(l, 2);
    }
    Ok(t)
}

/// `H.tf_has(bits)`: whether the entity has a Transform.
unsafe extern "C-unwind" fn tf_has(l: State) -> c_int {
    let has = match (shared(l), bits_arg(l, 1)) {
        (Some(cell), Some(e)) => read(cell, e).is_some(),
        _ => false,
    };
    ffi::lua_pushboolean(l, has as c_int);
    1
}

/// Which part of the Transform an accessor reads or writes (in user value order).
#[derive(Clone, Copy)]
enum Part {
    Position = 0,
    Rotation = 1,
    Scale = 2,
}

/// `e:position()`, `e:rotation()`, `e:scale()`: a new value (a copy), or nil when the entity is
/// gone or has no Transform.
unsafe fn getter(l: State, method: &str, part: Part) -> c_int {
    let r = (|| {
        let Ok(e) = handle(l, method)? else {
            ffi::lua_pushnil(l);
            return Ok(1);
        };
        let Some(t) = shared(l).and_then(|cell| read(cell, e)) else {
            ffi::lua_pushnil(l);
            return Ok(1);
        };
        match part {
            Part::Position => vector::push_vec(l, t.position),
            Part::Rotation => vector::push_quat(l, t.rotation),
            Part::Scale => vector::push_vec(l, t.scale),
        }
        Ok(1)
    })();
    raw::finish(l, r)
}

unsafe extern "C-unwind" fn position(l: State) -> c_int {
    getter(l, "position", Part::Position)
}

unsafe extern "C-unwind" fn rotation(l: State) -> c_int {
    getter(l, "rotation", Part::Rotation)
}

unsafe extern "C-unwind" fn scale(l: State) -> c_int {
    getter(l, "scale", Part::Scale)
}

/// Runs `f` on the Transform of the handle's entity; the error names the method.
unsafe fn write(l: State, method: &str, f: impl FnOnce(&mut Transform)) -> Result<c_int, String> {
    let e = match handle(l, method)? {
        Ok(e) => e,
        Err(id) => return Err(format!("{method}: entity {id} was despawned")),
    };
    let ok = shared(l).is_some_and(|cell| update(cell, e, f));
    if !ok {
        return Err(format!("{method}: the world cannot be changed now"));
    }
    Ok(0)
}

/// A vec3 argument of an Entity method: a vec3, or three numbers starting at `idx`.
unsafe fn vec_args(l: State, idx: c_int, what: &str) -> Result<DVec3, String> {
    if let Some(v) = vector::to_vec3(l, idx) {
        return Ok(v);
    }
    let xyz = [
        raw::number(l, idx),
        raw::number(l, idx + 1),
        raw::number(l, idx + 2),
    ];
    match xyz {
        [Some(x), Some(y), Some(z)] => Ok(DVec3::new(x, y, z)),
        _ => Err(format!(
            "{what} must be a vec3 or three numbers, got {}",
            raw::type_name(l, idx)
        )),
    }
}

unsafe extern "C-unwind" fn set_position(l: State) -> c_int {
    let r = (|| {
        let p = vec_args(l, 2, "set_position: position")?;
        write(l, "set_position", |t| t.position = p)
    })();
    raw::finish(l, r)
}

unsafe extern "C-unwind" fn set_scale(l: State) -> c_int {
    let r = (|| {
        let s = vec_args(l, 2, "set_scale: scale")?;
        write(l, "set_scale", |t| t.scale = s)
    })();
    raw::finish(l, r)
}

unsafe extern "C-unwind" fn set_rotation(l: State) -> c_int {
    let r = (|| {
        let Some(q) = vector::to_quat(l, 2) else {
            let msg = format!(
                "set_rotation: rotation must be a quat, got {}",
                raw::type_name(l, 2)
            );
            return Err(msg);
        };
        write(l, "set_rotation", |t| t.rotation = q)
    })();
    raw::finish(l, r)
}

/// `e:translate(offset, scale?)`: position += offset * scale (1 when omitted), in place.
unsafe extern "C-unwind" fn translate(l: State) -> c_int {
    let r = (|| {
        let Some(v) = vector::to_vec3(l, 2) else {
            let msg = format!(
                "translate: offset must be a vec3, got {}",
                raw::type_name(l, 2)
            );
            return Err(msg);
        };
        let s = match ffi::lua_type(l, 3) {
            ffi::LUA_TNONE | ffi::LUA_TNIL => 1.0,
            _ => match raw::number(l, 3) {
                Some(s) => s,
                None => {
                    let msg = format!(
                        "translate: scale must be a number, got {}",
                        raw::type_name(l, 3)
                    );
                    return Err(msg);
                }
            },
        };
        write(l, "translate", |t| {
            let p = t.position;
            t.position = DVec3::new(p.x + v.x * s, p.y + v.y * s, p.z + v.z * s);
        })
    })();
    raw::finish(l, r)
}

/// `e:rotate(q)`: rotation = q * rotation (q applied after the current rotation).
unsafe extern "C-unwind" fn rotate(l: State) -> c_int {
    let r = (|| {
        let Some(q) = vector::to_quat(l, 2) else {
            let msg = format!(
                "rotate: rotation must be a quat, got {}",
                raw::type_name(l, 2)
            );
            return Err(msg);
        };
        write(l, "rotate", |t| t.rotation = vector::qmul(q, t.rotation))
    })();
    raw::finish(l, r)
}

const METHODS: &[(&CStr, ffi::lua_CFunction)] = &[
    (c"position", position),
    (c"set_position", set_position),
    (c"translate", translate),
    (c"rotation", rotation),
    (c"set_rotation", set_rotation),
    (c"rotate", rotate),
    (c"scale", scale),
    (c"set_scale", set_scale),
];

/// `copy(v)`: a vector, quat or Transform value copied (a view's copy is a value of its own);
/// any other value as it is.
unsafe extern "C-unwind" fn copy_value(l: State) -> c_int {
    if vector::push_copy(l, 1) {
        return 1;
    }
    let t = tf_ptr(l, 1);
    if !t.is_null() {
        push_value(l, *t);
        return 1;
    }
    ffi::lua_settop(l, 1);
    1
}

/// `unpack(v)`: the numbers of a vec3 (3), quat (4) or Transform value (10), or nothing.
unsafe extern "C-unwind" fn unpack_value(l: State) -> c_int {
    let n = vector::push_numbers(l, 1);
    if n > 0 {
        return n;
    }
    let t = tf_ptr(l, 1);
    if t.is_null() {
        return 0;
    }
    let t = *t;
    let nums = t
        .position
        .to_array()
        .into_iter()
        .chain(t.rotation.to_array())
        .chain(t.scale.to_array());
    for n in nums {
        ffi::lua_pushnumber(l, n);
    }
    10
}

const HOST: &[(&CStr, ffi::lua_CFunction)] = &[
    (c"tf_value", tf_value),
    (c"tf_store", tf_store),
    (c"tf_has", tf_has),
    (c"copy", copy_value),
    (c"unpack", unpack_value),
    (c"new_handle", new_handle),
    (c"clear_handle", clear_handle),
    (c"new_self", new_self),
];

const VALUE_META: &[(&CStr, ffi::lua_CFunction)] =
    &[(c"__index", value_index), (c"__newindex", value_newindex)];

/// `H.transform_fns()`: called once by the prelude; returns `{ TF = the metatable of Transform
/// values, methods = { position = ..., ... }, tf_value = ..., tf_store = ..., tf_has = ...,
/// copy = ..., unpack = ... }`. Its own upvalues are the vector module's four and the shared
/// state; every closure it makes has those and the Transform metatable.
pub(crate) unsafe extern "C-unwind" fn transform_fns(l: State) -> c_int {
    ffi::lua_settop(l, 0);
    ffi::lua_createtable(l, 0, 8); // 1: the metatable of Transform values
    ffi::lua_createtable(l, 0, 8); // 2: the result
    ffi::lua_createtable(l, 0, METHODS.len() as c_int); // 3: the methods
    for (t, entries) in [(3, METHODS), (2, HOST), (1, VALUE_META)] {
        for (name, f) in entries {
            for i in 1..=SHARED {
                ffi::lua_pushvalue(l, ffi::lua_upvalueindex(i));
            }
            ffi::lua_pushvalue(l, 1);
            ffi::lua_pushcclosure(l, *f, UPVALUES);
            ffi::lua_setfield(l, t, name.as_ptr());
        }
    }
    for field in [c"__name", c"__metatable"] {
        ffi::lua_pushstring(l, c"Transform".as_ptr());
        ffi::lua_setfield(l, 1, field.as_ptr());
    }
    ffi::lua_setfield(l, 2, c"methods".as_ptr());
    ffi::lua_pushvalue(l, 1);
    ffi::lua_setfield(l, 2, c"TF".as_ptr());
    1
}
/// The closure `H.transform_fns`, over the vector upvalues in `vectors` and the shared state.
pub(crate) fn make(
    lua: &mlua::Lua,
    vectors: &mlua::Table,
    shared: *mut c_void,
) -> mlua::Result<mlua::Function> {
    let ups: (mlua::Table, mlua::Table, mlua::Table, mlua::Table) = (
        vectors.get("V3")?,
        vectors.get("Q")?,
        vectors.get("V3M")?,
        vectors.get("QM")?,
    );
    // SAFETY: pushes the four tables and a light userdata as upvalues of a C closure; the shared
    // state outlives the Lua state (the Runtime drops the state first).
    unsafe {
        lua.exec_raw(ups, |l| {
            ffi::lua_pushlightuserdata(l, shared);
            ffi::lua_pushcclosure(l, transform_fns, SHARED);
        })
    }
}
