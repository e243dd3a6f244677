//! `vec3` and `quat`: vector values as Lua full userdata with raw C metamethods.
//!
//! A table vector costs a table header, a hash part and three key insertions per value, and on
//! this machine class an operator that makes one took 250-400 ns in a small heap and about
//! 1 us in a game-sized one; a userdata vector is one 24-byte allocation with no keys, made by
//! a C function (about 100 ns), and the collector never traverses it. Fields `x y z (w)` read
//! and write through `__index`/`__newindex`; the in-place methods (`v:add_scaled(o, s)`, ...)
//! change a vector without allocating.
//!
//! Every closure here has the same four upvalues: the vec3 metatable, the quat metatable and
//! the two method tables, so any function can check and make either type.

use crate::raw::{self, State};
use glam::{DQuat, DVec3};
use mlua::{ffi, Lua, Table};
use std::ffi::{c_int, CStr};

const V3_MT: c_int = 1;
const Q_MT: c_int = 2;
const V3_METHODS: c_int = 3;
const Q_METHODS: c_int = 4;

unsafe fn upvalue(i: c_int) -> c_int {
    ffi::lua_upvalueindex(i)
}

/// A vector's userdata: `ptr` points at `own` for a value of its own, or into a Transform
/// value for the views `t.position`, `t.rotation` and `t.scale` (which then keep the Transform
/// alive in their user value). Lua never moves a userdata's memory, so the pointer stays valid.
///
/// `tag` tells the two kinds from each other and from every other userdata, so checking an
/// argument reads the userdata's own cache line and nothing else (comparing metatables cost
/// three more API calls, about 100 instructions, on every vector argument).
#[repr(C)]
struct Boxed<T> {
    tag: u64,
    ptr: *mut T,
    own: T,
}

const V3_TAG: u64 = 0x7633_5f76_6563_7433; // "v3_vect3"
const Q_TAG: u64 = 0x7175_6174_5f71_7561; // "quat_qua"

/// Tag each kind of vector carries.
trait Tagged {
    const TAG: u64;
}
impl Tagged for DVec3 {
    const TAG: u64 = V3_TAG;
}
impl Tagged for DQuat {
    const TAG: u64 = Q_TAG;
}

/// The boxed vector at `idx` when it is one of kind `T`, else null.
unsafe fn boxed<T: Tagged>(l: State, idx: c_int) -> *mut Boxed<T> {
    let p = ffi::lua_touserdata(l, idx) as *mut Boxed<T>;
    // Light userdata have length 0; any other full userdata of this size has another tag.
    if p.is_null() || ffi::lua_rawlen(l, idx) != std::mem::size_of::<Boxed<T>>() {
        return std::ptr::null_mut();
    }
    if (*p).tag == T::TAG {
        p
    } else {
        std::ptr::null_mut()
    }
}

/// The payload of the userdata at `idx` when its metatable is the one in upvalue `mt`.
pub(crate) unsafe fn payload<T>(l: State, idx: c_int, mt: c_int) -> *mut T {
    let p = ffi::lua_touserdata(l, idx);
    if p.is_null() || ffi::lua_getmetatable(l, idx) == 0 {
        return std::ptr::null_mut();
    }
    let same = ffi::lua_rawequal(l, -1, upvalue(mt)) != 0;
    ffi::lua_settop(l, -2);
    if same {
        p as *mut T
    } else {
        std::ptr::null_mut()
    }
}

unsafe fn vec_ptr(l: State, idx: c_int) -> *mut DVec3 {
    let b = boxed::<DVec3>(l, idx);
    if b.is_null() {
        std::ptr::null_mut()
    } else {
        (*b).ptr
    }
}

unsafe fn quat_ptr(l: State, idx: c_int) -> *mut DQuat {
    let b = boxed::<DQuat>(l, idx);
    if b.is_null() {
        std::ptr::null_mut()
    } else {
        (*b).ptr
    }
}

/// The value behind a vector userdata that the calling metamethod belongs to (arg 1 of
/// `__index`/`__newindex` is always of the metamethod's own type: the metatable is locked).
unsafe fn self_ptr<T>(l: State) -> *mut T {
    let b = ffi::lua_touserdata(l, 1) as *mut Boxed<T>;
    if b.is_null() {
        std::ptr::null_mut()
    } else {
        (*b).ptr
    }
}

/// Makes a boxed userdata for `value` (own storage) or for `target` (a view), with the metatable
/// in upvalue `mt`, and leaves it on the stack.
unsafe fn push_boxed<T: Tagged>(l: State, mt: c_int, value: T, target: *mut T, user_values: c_int) {
    let b =
        ffi::lua_newuserdatauv(l, std::mem::size_of::<Boxed<T>>(), user_values) as *mut Boxed<T>;
    std::ptr::addr_of_mut!((*b).tag).write(T::TAG);
    let own = std::ptr::addr_of_mut!((*b).own);
    own.write(value);
    let ptr = if target.is_null() { own } else { target };
    std::ptr::addr_of_mut!((*b).ptr).write(ptr);
    ffi::lua_pushvalue(l, upvalue(mt));
    ffi::lua_setmetatable(l, -2);
}

/// The quat at `idx`, if it is one.
pub(crate) unsafe fn to_quat(l: State, idx: c_int) -> Option<DQuat> {
    let p = quat_ptr(l, idx);
    if p.is_null() {
        None
    } else {
        Some(*p)
    }
}

/// The vec3 at `idx`, if it is one.
pub(crate) unsafe fn to_vec3(l: State, idx: c_int) -> Option<DVec3> {
    let p = vec_ptr(l, idx);
    if p.is_null() {
        None
    } else {
        Some(*p)
    }
}

/// Pushes a new vec3 (the calling closure has the shared upvalues).
pub(crate) unsafe fn push_vec(l: State, v: DVec3) {
    push_boxed(l, V3_MT, v, std::ptr::null_mut(), 0);
}

/// Pushes a vec3 that reads and writes `target`, inside the userdata at `owner` (kept alive by
/// the view).
pub(crate) unsafe fn push_vec_view(l: State, target: *mut DVec3, owner: c_int) {
    let owner = ffi::lua_absindex(l, owner);
    push_boxed(l, V3_MT, DVec3::ZERO, target, 1);
    ffi::lua_pushvalue(l, owner);
    ffi::lua_setiuservalue(l, -2, 1);
}

/// Pushes a quat that reads and writes `target`, inside the userdata at `owner`.
pub(crate) unsafe fn push_quat_view(l: State, target: *mut DQuat, owner: c_int) {
    let owner = ffi::lua_absindex(l, owner);
    push_boxed(l, Q_MT, DQuat::IDENTITY, target, 1);
    ffi::lua_pushvalue(l, owner);
    ffi::lua_setiuservalue(l, -2, 1);
}

/// Pushes a new quat (the calling closure has the shared upvalues).
pub(crate) unsafe fn push_quat(l: State, q: DQuat) {
    push_boxed(l, Q_MT, q, std::ptr::null_mut(), 0);
}

/// An optional number argument: nil gives `default`, anything else but a number is an error
/// (`Err` holds the message).
unsafe fn opt_number(l: State, idx: c_int, what: &str, default: f64) -> Result<f64, String> {
    match ffi::lua_type(l, idx) {
        ffi::LUA_TNONE | ffi::LUA_TNIL => Ok(default),
        ffi::LUA_TNUMBER => Ok(ffi::lua_tonumberx(l, idx, std::ptr::null_mut())),
        _ => Err(format!(
            "{what} must be a number, got {}",
            raw::type_name(l, idx)
        )),
    }
}

unsafe fn arg_vec(l: State, idx: c_int, what: &str) -> Result<DVec3, String> {
    match to_vec3(l, idx) {
        Some(v) => Ok(v),
        None => Err(format!(
            "{what} must be a vec3, got {}",
            raw::type_name(l, idx)
        )),
    }
}

unsafe fn arg_number(l: State, idx: c_int, what: &str) -> Result<f64, String> {
    match raw::number(l, idx) {
        Some(n) => Ok(n),
        None => Err(format!(
            "{what} must be a number, got {}",
            raw::type_name(l, idx)
        )),
    }
}

// ---------------------------------------------------------------------------------------------
// vec3
// ---------------------------------------------------------------------------------------------

unsafe extern "C-unwind" fn vec3_new(l: State) -> c_int {
    let r = (|| {
        let x = opt_number(l, 1, "vec3: x", 0.0)?;
        let y = opt_number(l, 2, "vec3: y", 0.0)?;
        let z = opt_number(l, 3, "vec3: z", 0.0)?;
        push_vec(l, DVec3::new(x, y, z));
        Ok(1)
    })();
    raw::finish(l, r)
}

/// Which field a one-letter key names: 0 x, 1 y, 2 z, 3 w.
unsafe fn field_index(l: State, idx: c_int) -> Option<usize> {
    if ffi::lua_type(l, idx) != ffi::LUA_TSTRING {
        return None;
    }
    let mut len = 0usize;
    let s = ffi::lua_tolstring(l, idx, &mut len);
    if len != 1 {
        return None;
    }
    match *s as u8 {
        b'x' => Some(0),
        b'y' => Some(1),
        b'z' => Some(2),
        b'w' => Some(3),
        _ => None,
    }
}

unsafe extern "C-unwind" fn vec3_index(l: State) -> c_int {
    let p = self_ptr::<DVec3>(l);
    match field_index(l, 2) {
        Some(i @ 0..=2) if !p.is_null() => {
            let v = *p;
            ffi::lua_pushnumber(l, v[i]);
        }
        _ => {
            ffi::lua_pushvalue(l, 2);
            ffi::lua_rawget(l, upvalue(V3_METHODS));
        }
    }
    1
}

unsafe extern "C-unwind" fn vec3_newindex(l: State) -> c_int {
    let p = self_ptr::<DVec3>(l);
    let r = (|| match field_index(l, 2) {
        Some(i @ 0..=2) if !p.is_null() => {
            let v = arg_number(l, 3, ["vec3.x", "vec3.y", "vec3.z"][i])?;
            let mut cur = *p;
            cur[i] = v;
            *p = cur;
            Ok(0)
        }
        _ => Err(format!(
            "vec3 has no field {}: only x, y and z can be set",
            raw::key_text(l, 2)
        )),
    })();
    raw::finish(l, r)
}

/// The operands of a binary vector operator: each a vec3 or a number.
enum Operand {
    Vec(DVec3),
    Num(f64),
}

unsafe fn operand(l: State, idx: c_int) -> Option<Operand> {
    if let Some(v) = to_vec3(l, idx) {
        return Some(Operand::Vec(v));
    }
    raw::number(l, idx).map(Operand::Num)
}

unsafe fn binary(l: State, op: &str, f: fn(Operand, Operand) -> Option<DVec3>) -> c_int {
    let out = match (operand(l, 1), operand(l, 2)) {
        (Some(a), Some(b)) => f(a, b),
        _ => None,
    };
    let r = match out {
        Some(v) => {
            push_vec(l, v);
            Ok(1)
        }
        None => Err(format!(
            "cannot compute {} {op} {}",
            raw::type_name(l, 1),
            raw::type_name(l, 2)
        )),
    };
    raw::finish(l, r)
}

unsafe extern "C-unwind" fn vec3_add(l: State) -> c_int {
    binary(l, "+", |a, b| match (a, b) {
        (Operand::Vec(a), Operand::Vec(b)) => Some(a + b),
        _ => None,
    })
}

unsafe extern "C-unwind" fn vec3_sub(l: State) -> c_int {
    binary(l, "-", |a, b| match (a, b) {
        (Operand::Vec(a), Operand::Vec(b)) => Some(a - b),
        _ => None,
    })
}

unsafe extern "C-unwind" fn vec3_mul(l: State) -> c_int {
    binary(l, "*", |a, b| match (a, b) {
        (Operand::Vec(a), Operand::Vec(b)) => Some(a * b),
        (Operand::Vec(a), Operand::Num(s)) | (Operand::Num(s), Operand::Vec(a)) => Some(a * s),
        _ => None,
    })
}

unsafe extern "C-unwind" fn vec3_div(l: State) -> c_int {
    binary(l, "/", |a, b| match (a, b) {
        (Operand::Vec(a), Operand::Vec(b)) => Some(a / b),
        (Operand::Vec(a), Operand::Num(s)) => Some(a / s),
        (Operand::Num(s), Operand::Vec(b)) => Some(DVec3::splat(s) / b),
        _ => None,
    })
}

unsafe extern "C-unwind" fn vec3_unm(l: State) -> c_int {
    match to_vec3(l, 1) {
        Some(v) => {
            push_vec(l, -v);
            1
        }
        None => 0,
    }
}

unsafe extern "C-unwind" fn vec3_eq(l: State) -> c_int {
    let eq = match (to_vec3(l, 1), to_vec3(l, 2)) {
        (Some(a), Some(b)) => a == b,
        _ => false,
    };
    ffi::lua_pushboolean(l, eq as c_int);
    1
}

/// The vec3 a method is called on, as a pointer (methods may change it in place).
unsafe fn this_vec(l: State, method: &str) -> Result<*mut DVec3, String> {
    let p = vec_ptr(l, 1);
    if p.is_null() {
        Err(format!(
            "vec3:{method}: called on {}, not a vec3 (use `v:{method}(...)`)",
            raw::type_name(l, 1)
        ))
    } else {
        Ok(p)
    }
}

unsafe extern "C-unwind" fn vec3_length(l: State) -> c_int {
    let r = (|| {
        let v = *this_vec(l, "length")?;
        ffi::lua_pushnumber(l, (v.x * v.x + v.y * v.y + v.z * v.z).sqrt());
        Ok(1)
    })();
    raw::finish(l, r)
}

unsafe extern "C-unwind" fn vec3_length_squared(l: State) -> c_int {
    let r = (|| {
        let v = *this_vec(l, "length_squared")?;
        ffi::lua_pushnumber(l, v.x * v.x + v.y * v.y + v.z * v.z);
        Ok(1)
    })();
    raw::finish(l, r)
}

fn normalized(v: DVec3) -> DVec3 {
    let len = (v.x * v.x + v.y * v.y + v.z * v.z).sqrt();
    if len == 0.0 {
        DVec3::ZERO
    } else {
        DVec3::new(v.x / len, v.y / len, v.z / len)
    }
}

unsafe extern "C-unwind" fn vec3_normalized(l: State) -> c_int {
    let r = (|| {
        let v = *this_vec(l, "normalized")?;
        push_vec(l, normalized(v));
        Ok(1)
    })();
    raw::finish(l, r)
}

unsafe extern "C-unwind" fn vec3_dot(l: State) -> c_int {
    let r = (|| {
        let a = *this_vec(l, "dot")?;
        let b = arg_vec(l, 2, "vec3:dot: other")?;
        ffi::lua_pushnumber(l, a.x * b.x + a.y * b.y + a.z * b.z);
        Ok(1)
    })();
    raw::finish(l, r)
}

unsafe extern "C-unwind" fn vec3_cross(l: State) -> c_int {
    let r = (|| {
        let a = *this_vec(l, "cross")?;
        let b = arg_vec(l, 2, "vec3:cross: other")?;
        push_vec(l, a.cross(b));
        Ok(1)
    })();
    raw::finish(l, r)
}

/// `v:set(x, y, z)` or `v:set(other)`: overwrites v in place and returns it.
unsafe extern "C-unwind" fn vec3_set(l: State) -> c_int {
    let r = (|| {
        let p = this_vec(l, "set")?;
        *p = match to_vec3(l, 2) {
            Some(o) => o,
            None => DVec3::new(
                arg_number(l, 2, "vec3:set: x")?,
                arg_number(l, 3, "vec3:set: y")?,
                arg_number(l, 4, "vec3:set: z")?,
            ),
        };
        ffi::lua_settop(l, 1);
        Ok(1)
    })();
    raw::finish(l, r)
}

/// The in-place update `v = f(v, other)`, returning v.
unsafe fn in_place(l: State, method: &str, f: fn(DVec3, DVec3) -> DVec3) -> c_int {
    let r = (|| {
        let p = this_vec(l, method)?;
        let o = {
            let what = format!("vec3:{method}: other");
            arg_vec(l, 2, &what)?
        };
        *p = f(*p, o);
        ffi::lua_settop(l, 1);
        Ok(1)
    })();
    raw::finish(l, r)
}

unsafe extern "C-unwind" fn vec3_add_in_place(l: State) -> c_int {
    in_place(l, "add", |a, b| a + b)
}

unsafe extern "C-unwind" fn vec3_sub_in_place(l: State) -> c_int {
    in_place(l, "sub", |a, b| a - b)
}

/// `v:scale(s)`: v = v * s in place, returns v.
unsafe extern "C-unwind" fn vec3_scale(l: State) -> c_int {
    let r = (|| {
        let p = this_vec(l, "scale")?;
        let s = arg_number(l, 2, "vec3:scale: factor")?;
        *p *= s;
        ffi::lua_settop(l, 1);
        Ok(1)
    })();
    raw::finish(l, r)
}

/// `v:add_scaled(o, s)`: v = v + o * s in place, returns v.
unsafe extern "C-unwind" fn vec3_add_scaled(l: State) -> c_int {
    let r = (|| {
        let p = this_vec(l, "add_scaled")?;
        let o = arg_vec(l, 2, "vec3:add_scaled: other")?;
        let s = arg_number(l, 3, "vec3:add_scaled: factor")?;
        let v = *p;
        *p = DVec3::new(v.x + o.x * s, v.y + o.y * s, v.z + o.z * s);
        ffi::lua_settop(l, 1);
        Ok(1)
    })();
    raw::finish(l, r)
}

/// `v:normalize()`: v becomes `v:normalized()` in place, returns v.
unsafe extern "C-unwind" fn vec3_normalize(l: State) -> c_int {
    let r = (|| {
        let p = this_vec(l, "normalize")?;
        *p = normalized(*p);
        ffi::lua_settop(l, 1);
        Ok(1)
    })();
    raw::finish(l, r)
}

unsafe extern "C-unwind" fn vec3_clone(l: State) -> c_int {
    let r = (|| {
        let v = *this_vec(l, "clone")?;
        push_vec(l, v);
        Ok(1)
    })();
    raw::finish(l, r)
}

unsafe extern "C-unwind" fn vec3_unpack(l: State) -> c_int {
    let r = (|| {
        let v = *this_vec(l, "unpack")?;
        ffi::lua_pushnumber(l, v.x);
        ffi::lua_pushnumber(l, v.y);
        ffi::lua_pushnumber(l, v.z);
        Ok(3)
    })();
    raw::finish(l, r)
}

unsafe extern "C-unwind" fn vec3_lerp(l: State) -> c_int {
    let r = (|| {
        let a = arg_vec(l, 1, "vec3.lerp: a")?;
        let b = arg_vec(l, 2, "vec3.lerp: b")?;
        let t = arg_number(l, 3, "vec3.lerp: t")?;
        push_vec(
            l,
            DVec3::new(
                a.x + (b.x - a.x) * t,
                a.y + (b.y - a.y) * t,
                a.z + (b.z - a.z) * t,
            ),
        );
        Ok(1)
    })();
    raw::finish(l, r)
}

unsafe extern "C-unwind" fn vec3_distance(l: State) -> c_int {
    let r = (|| {
        let a = arg_vec(l, 1, "vec3.distance: a")?;
        let b = arg_vec(l, 2, "vec3.distance: b")?;
        let d = a - b;
        ffi::lua_pushnumber(l, (d.x * d.x + d.y * d.y + d.z * d.z).sqrt());
        Ok(1)
    })();
    raw::finish(l, r)
}

// ---------------------------------------------------------------------------------------------
// quat
// ---------------------------------------------------------------------------------------------

/// `vec3(x, y, z)` through the namespace table's `__call`: the table comes first.
unsafe extern "C-unwind" fn vec3_call(l: State) -> c_int {
    ffi::lua_rotate(l, 1, -1);
    ffi::lua_settop(l, -2);
    vec3_new(l)
}

/// `quat(x, y, z, w)` through the namespace table's `__call`.
unsafe extern "C-unwind" fn quat_call(l: State) -> c_int {
    ffi::lua_rotate(l, 1, -1);
    ffi::lua_settop(l, -2);
    quat_new(l)
}

unsafe extern "C-unwind" fn quat_new(l: State) -> c_int {
    let r = (|| {
        let x = opt_number(l, 1, "quat: x", 0.0)?;
        let y = opt_number(l, 2, "quat: y", 0.0)?;
        let z = opt_number(l, 3, "quat: z", 0.0)?;
        let w = opt_number(l, 4, "quat: w", 1.0)?;
        push_quat(l, DQuat::from_xyzw(x, y, z, w));
        Ok(1)
    })();
    raw::finish(l, r)
}

unsafe extern "C-unwind" fn quat_index(l: State) -> c_int {
    let p = self_ptr::<DQuat>(l);
    match field_index(l, 2) {
        Some(i) if !p.is_null() => {
            let q = *p;
            ffi::lua_pushnumber(l, [q.x, q.y, q.z, q.w][i]);
        }
        _ => {
            ffi::lua_pushvalue(l, 2);
            ffi::lua_rawget(l, upvalue(Q_METHODS));
        }
    }
    1
}

unsafe extern "C-unwind" fn quat_newindex(l: State) -> c_int {
    let p = self_ptr::<DQuat>(l);
    let r = (|| match field_index(l, 2) {
        Some(i) if !p.is_null() => {
            let v = arg_number(l, 3, ["quat.x", "quat.y", "quat.z", "quat.w"][i])?;
            match i {
                0 => (*p).x = v,
                1 => (*p).y = v,
                2 => (*p).z = v,
                _ => (*p).w = v,
            }
            Ok(0)
        }
        _ => Err(format!(
            "quat has no field {}: only x, y, z and w can be set",
            raw::key_text(l, 2)
        )),
    })();
    raw::finish(l, r)
}

/// The Hamilton product `a * b`: b's rotation, then a's.
pub(crate) fn qmul(a: DQuat, b: DQuat) -> DQuat {
    DQuat::from_xyzw(
        a.w * b.x + a.x * b.w + a.y * b.z - a.z * b.y,
        a.w * b.y - a.x * b.z + a.y * b.w + a.z * b.x,
        a.w * b.z + a.x * b.y - a.y * b.x + a.z * b.w,
        a.w * b.w - a.x * b.x - a.y * b.y - a.z * b.z,
    )
}

/// `v' = v + 2w (u x v) + 2 u x (u x v)`, with u the vector part of q.
fn qrotate(q: DQuat, v: DVec3) -> DVec3 {
    let (ux, uy, uz, w) = (q.x, q.y, q.z, q.w);
    let tx = 2.0 * (uy * v.z - uz * v.y);
    let ty = 2.0 * (uz * v.x - ux * v.z);
    let tz = 2.0 * (ux * v.y - uy * v.x);
    DVec3::new(
        v.x + w * tx + (uy * tz - uz * ty),
        v.y + w * ty + (uz * tx - ux * tz),
        v.z + w * tz + (ux * ty - uy * tx),
    )
}

unsafe extern "C-unwind" fn quat_mul(l: State) -> c_int {
    let r = (|| {
        let a = quat_ptr(l, 1);
        if !a.is_null() {
            let b = quat_ptr(l, 2);
            if !b.is_null() {
                push_quat(l, qmul(*a, *b));
                return Ok(1);
            }
            if let Some(v) = to_vec3(l, 2) {
                push_vec(l, qrotate(*a, v));
                return Ok(1);
            }
        }
        Err(format!(
            "cannot compute {} * {}: a quat multiplies a quat or a vec3",
            raw::type_name(l, 1),
            raw::type_name(l, 2)
        ))
    })();
    raw::finish(l, r)
}

unsafe extern "C-unwind" fn quat_eq(l: State) -> c_int {
    let a = quat_ptr(l, 1);
    let b = quat_ptr(l, 2);
    let eq = !a.is_null() && !b.is_null() && *a == *b;
    ffi::lua_pushboolean(l, eq as c_int);
    1
}

unsafe fn this_quat(l: State, method: &str) -> Result<DQuat, String> {
    let p = quat_ptr(l, 1);
    if p.is_null() {
        Err(format!(
            "quat:{method}: called on {}, not a quat (use `q:{method}(...)`)",
            raw::type_name(l, 1)
        ))
    } else {
        Ok(*p)
    }
}

unsafe extern "C-unwind" fn quat_normalized(l: State) -> c_int {
    let r = (|| {
        let q = this_quat(l, "normalized")?;
        let len = (q.x * q.x + q.y * q.y + q.z * q.z + q.w * q.w).sqrt();
        push_quat(
            l,
            if len == 0.0 {
                DQuat::IDENTITY
            } else {
                DQuat::from_xyzw(q.x / len, q.y / len, q.z / len, q.w / len)
            },
        );
        Ok(1)
    })();
    raw::finish(l, r)
}

unsafe extern "C-unwind" fn quat_inverse(l: State) -> c_int {
    let r = (|| {
        let q = this_quat(l, "inverse")?;
        let n = q.x * q.x + q.y * q.y + q.z * q.z + q.w * q.w;
        push_quat(
            l,
            if n == 0.0 {
                DQuat::IDENTITY
            } else {
                DQuat::from_xyzw(-q.x / n, -q.y / n, -q.z / n, q.w / n)
            },
        );
        Ok(1)
    })();
    raw::finish(l, r)
}

unsafe extern "C-unwind" fn quat_rotate(l: State) -> c_int {
    let r = (|| {
        let q = this_quat(l, "rotate")?;
        let v = arg_vec(l, 2, "quat:rotate: v")?;
        push_vec(l, qrotate(q, v));
        Ok(1)
    })();
    raw::finish(l, r)
}

unsafe extern "C-unwind" fn quat_to_euler(l: State) -> c_int {
    let r = (|| {
        let q = this_quat(l, "to_euler")?;
        let (x, y, z, w) = (q.x, q.y, q.z, q.w);
        let rx = (2.0 * (w * x + y * z)).atan2(1.0 - 2.0 * (x * x + y * y));
        let s = (2.0 * (w * y - z * x)).clamp(-1.0, 1.0);
        let ry = s.asin();
        let rz = (2.0 * (w * z + x * y)).atan2(1.0 - 2.0 * (y * y + z * z));
        ffi::lua_pushnumber(l, rx);
        ffi::lua_pushnumber(l, ry);
        ffi::lua_pushnumber(l, rz);
        Ok(3)
    })();
    raw::finish(l, r)
}

fn axis_angle(ax: f64, ay: f64, az: f64, angle: f64) -> DQuat {
    let len = (ax * ax + ay * ay + az * az).sqrt();
    if len == 0.0 {
        return DQuat::IDENTITY;
    }
    let s = (angle / 2.0).sin() / len;
    DQuat::from_xyzw(ax * s, ay * s, az * s, (angle / 2.0).cos())
}

unsafe extern "C-unwind" fn quat_identity(l: State) -> c_int {
    push_quat(l, DQuat::IDENTITY);
    1
}

/// Extrinsic X, then Y, then Z: `q = qz * qy * qx` (the inverse of `to_euler`).
unsafe extern "C-unwind" fn quat_from_euler(l: State) -> c_int {
    let r = (|| {
        let x = opt_number(l, 1, "quat.from_euler: x", 0.0)?;
        let y = opt_number(l, 2, "quat.from_euler: y", 0.0)?;
        let z = opt_number(l, 3, "quat.from_euler: z", 0.0)?;
        let q = qmul(
            axis_angle(0.0, 0.0, 1.0, z),
            qmul(axis_angle(0.0, 1.0, 0.0, y), axis_angle(1.0, 0.0, 0.0, x)),
        );
        push_quat(l, q);
        Ok(1)
    })();
    raw::finish(l, r)
}

unsafe extern "C-unwind" fn quat_from_axis_angle(l: State) -> c_int {
    let r = (|| {
        let axis = arg_vec(l, 1, "quat.from_axis_angle: axis")?;
        let angle = opt_number(l, 2, "quat.from_axis_angle: angle", 0.0)?;
        push_quat(l, axis_angle(axis.x, axis.y, axis.z, angle));
        Ok(1)
    })();
    raw::finish(l, r)
}

// ---------------------------------------------------------------------------------------------
// Engine helpers (never visible to scripts)
// ---------------------------------------------------------------------------------------------

/// Pushes a new vector with the value of the vec3 or quat at `idx` (a view's copy is a value
/// of its own); false when it is neither.
pub(crate) unsafe fn push_copy(l: State, idx: c_int) -> bool {
    if let Some(v) = to_vec3(l, idx) {
        push_vec(l, v);
        return true;
    }
    if let Some(q) = to_quat(l, idx) {
        push_quat(l, q);
        return true;
    }
    false
}

/// Pushes the numbers of the vec3 (3) or quat (4) at `idx` and returns how many.
pub(crate) unsafe fn push_numbers(l: State, idx: c_int) -> c_int {
    if let Some(v) = to_vec3(l, idx) {
        for n in v.to_array() {
            ffi::lua_pushnumber(l, n);
        }
        return 3;
    }
    if let Some(q) = to_quat(l, idx) {
        for n in q.to_array() {
            ffi::lua_pushnumber(l, n);
        }
        return 4;
    }
    0
}

/// The C functions of one kind, by name.
type Entries = &'static [(&'static CStr, ffi::lua_CFunction)];

const V3_META: Entries = &[
    (c"__index", vec3_index),
    (c"__newindex", vec3_newindex),
    (c"__add", vec3_add),
    (c"__sub", vec3_sub),
    (c"__mul", vec3_mul),
    (c"__div", vec3_div),
    (c"__unm", vec3_unm),
    (c"__eq", vec3_eq),
];

const V3_IMPL: Entries = &[
    (c"length", vec3_length),
    (c"length_squared", vec3_length_squared),
    (c"normalized", vec3_normalized),
    (c"dot", vec3_dot),
    (c"cross", vec3_cross),
    (c"set", vec3_set),
    (c"add", vec3_add_in_place),
    (c"sub", vec3_sub_in_place),
    (c"scale", vec3_scale),
    (c"add_scaled", vec3_add_scaled),
    (c"normalize", vec3_normalize),
    (c"clone", vec3_clone),
    (c"unpack", vec3_unpack),
];

const V3_NS: Entries = &[(c"lerp", vec3_lerp), (c"distance", vec3_distance)];

const Q_META: Entries = &[
    (c"__index", quat_index),
    (c"__newindex", quat_newindex),
    (c"__mul", quat_mul),
    (c"__eq", quat_eq),
];

const Q_IMPL: Entries = &[
    (c"normalized", quat_normalized),
    (c"inverse", quat_inverse),
    (c"rotate", quat_rotate),
    (c"to_euler", quat_to_euler),
];

const Q_NS: Entries = &[
    (c"identity", quat_identity),
    (c"from_euler", quat_from_euler),
    (c"from_axis_angle", quat_from_axis_angle),
];

const HELPERS: Entries = &[
    (c"vec3", vec3_new),
    (c"quat", quat_new),
    (c"vec3_call", vec3_call),
    (c"quat_call", quat_call),
];

/// Sets `entries` into the table at `t` (an absolute index) as closures over the four shared
/// upvalues at absolute indexes 1-4 of the stack.
unsafe fn set_closures(l: State, t: c_int, entries: Entries) {
    for (name, f) in entries {
        for i in 1..=4 {
            ffi::lua_pushvalue(l, i);
        }
        ffi::lua_pushcclosure(l, *f, 4);
        ffi::lua_setfield(l, t, name.as_ptr());
    }
}

/// Builds the vector types: returns a table with `V3` and `Q` (the metatables), `V3M` and `QM`
/// (the script-visible method tables, filled from the API description), `V3I` and `QI` (the
/// implementations), `vec3_ns` and `quat_ns`, and the constructors and engine helpers.
pub(crate) fn install(lua: &Lua) -> mlua::Result<Table> {
    // SAFETY: stack-balanced construction on the calling state; only the result table is left.
    unsafe {
        lua.exec_raw((), |l| {
            ffi::lua_settop(l, 0);
            for _ in 0..4 {
                ffi::lua_createtable(l, 0, 16);
            }
            // 1 V3, 2 Q, 3 V3M, 4 QM
            ffi::lua_createtable(l, 0, 16); // 5: the result
            let out = 5;
            set_closures(l, 1, V3_META);
            set_closures(l, 2, Q_META);
            for (t, name) in [(1, c"vec3"), (2, c"quat")] {
                ffi::lua_pushstring(l, name.as_ptr());
                ffi::lua_setfield(l, t, c"__name".as_ptr());
                ffi::lua_pushstring(l, name.as_ptr());
                ffi::lua_setfield(l, t, c"__metatable".as_ptr());
            }
            for (name, entries) in [
                (c"V3I", V3_IMPL),
                (c"QI", Q_IMPL),
                (c"vec3_ns", V3_NS),
                (c"quat_ns", Q_NS),
            ] {
                ffi::lua_createtable(l, 0, 16);
                let t = ffi::lua_gettop(l);
                set_closures(l, t, entries);
                ffi::lua_setfield(l, out, name.as_ptr());
            }
            set_closures(l, out, HELPERS);
            for (i, name) in [(1, c"V3"), (2, c"Q"), (3, c"V3M"), (4, c"QM")] {
                ffi::lua_pushvalue(l, i);
                ffi::lua_setfield(l, out, name.as_ptr());
            }
            ffi::lua_pushvalue(l, out);
            ffi::lua_replace(l, 1);
            ffi::lua_settop(l, 1);
        })
    }
}
