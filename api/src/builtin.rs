//! The built-in engine API: every name the runtime gives scripts, described once.
//!
//! The runtime refuses to bind anything that is not listed here (or registered by the host
//! through the same data model), and a runtime test checks that everything listed here is
//! bound, so this file and the bindings cannot drift apart.

use crate::{
    Api, Callback, Component, Field, Function, Namespace, Origin, Param, ParamKind, Removed,
    Return, Sandbox, TypeDef, SCHEMA_VERSION,
};

fn param(name: &str, ty: &str, doc: &str) -> Param {
    Param {
        name: name.into(),
        ty: ty.into(),
        doc: doc.into(),
        optional: false,
        kind: ParamKind::Value,
    }
}

fn kind(mut param: Param, kind: ParamKind) -> Param {
    param.kind = kind;
    param
}

fn optional(name: &str, ty: &str, doc: &str) -> Param {
    Param {
        name: name.into(),
        ty: format!("{}?", ty.trim_end_matches('?')),
        doc: doc.into(),
        optional: true,
        kind: ParamKind::Value,
    }
}

fn variadic(ty: &str, doc: &str) -> Param {
    Param {
        name: "...".into(),
        ty: ty.into(),
        doc: doc.into(),
        optional: true,
        kind: ParamKind::Value,
    }
}

fn ret(ty: &str, doc: &str) -> Return {
    Return {
        ty: ty.into(),
        doc: doc.into(),
    }
}

fn func(name: &str, doc: &str, params: Vec<Param>, returns: Vec<Return>) -> Function {
    Function {
        name: name.into(),
        doc: doc.into(),
        params,
        returns,
    }
}

fn field(name: &str, ty: &str, doc: &str) -> Field {
    Field {
        name: name.into(),
        ty: ty.into(),
        doc: doc.into(),
        readonly: false,
    }
}

fn readonly(name: &str, ty: &str, doc: &str) -> Field {
    Field {
        readonly: true,
        ..field(name, ty, doc)
    }
}

fn strings(items: &[&str]) -> Vec<String> {
    items.iter().map(|s| s.to_string()).collect()
}

/// The API every Crescent runtime gives scripts, before the host adds its own.
pub fn builtin() -> Api {
    Api {
        schema: SCHEMA_VERSION,
        crescent: env!("CARGO_PKG_VERSION").into(),
        globals: globals(),
        namespaces: namespaces(),
        types: types(),
        components: components(),
        callbacks: callbacks(),
        script_fields: vec![field(
            "properties",
            "table<string, any>",
            "Declared defaults for tunable values; copied into `self` before `init`, and the scene may override each one per entity",
        )],
        sandbox: sandbox(),
    }
}

fn globals() -> Vec<Function> {
    vec![
        func(
            "vec3",
            "Makes a 3D vector value; missing components are 0",
            vec![
                optional("x", "number", ""),
                optional("y", "number", ""),
                optional("z", "number", ""),
            ],
            vec![ret("vec3", "")],
        ),
        func(
            "quat",
            "Makes a rotation quaternion from its components; with no arguments, the identity",
            vec![
                optional("x", "number", ""),
                optional("y", "number", ""),
                optional("z", "number", ""),
                optional("w", "number", ""),
            ],
            vec![ret("quat", "")],
        ),
        func(
            "print",
            "Logs its arguments at info level, like `log.info`",
            vec![variadic("any", "values, joined with tabs")],
            vec![],
        ),
        func(
            "require",
            "Loads a module under `scripts/` (`require(\"lib.util\")` is `scripts/lib/util.lua`) once and returns its value",
            vec![kind(param("name", "string", "dotted module name"), ParamKind::ModuleName)],
            vec![ret("any", "what the module returned")],
        ),
    ]
}

fn namespaces() -> Vec<Namespace> {
    vec![
        Namespace {
            name: "world".into(),
            doc: "The entities of the running game".into(),
            functions: vec![
                func(
                    "spawn",
                    "Creates an entity with the given components and scripts; its scripts' `init` runs before its first update",
                    vec![
                        kind(param("components", "table<string, any>", "component name to value"), ParamKind::ComponentTable),
                        optional(
                            "scripts",
                            "(string|table)[]",
                            "script paths, or `{ path, order?, properties? }` tables",
                        ),
                    ],
                    vec![ret("Entity", "the new entity")],
                ),
                func(
                    "query",
                    "Iterates, in entity id order, over the entities that have every named component, yielding the entity and a copy of each component",
                    vec![
                        kind(param("name", "string", "first component name"), ParamKind::ComponentName),
                        kind(variadic("string", "more component names"), ParamKind::ComponentName),
                    ],
                    vec![ret("fun(): Entity, any", "iterator for a generic `for`")],
                ),
                func(
                    "find",
                    "Returns the entity whose `Name` is `name`, or nil",
                    vec![param("name", "string", "")],
                    vec![ret("Entity?", "")],
                ),
                func(
                    "entities",
                    "Returns every live entity, in id order",
                    vec![],
                    vec![ret("Entity[]", "")],
                ),
                func(
                    "find_all",
                    "Returns the entities whose `Name` matches the Lua pattern `pattern`, in id order: `world.find_all(\"^coin\")`",
                    vec![param("pattern", "string", "a Lua pattern, as `string.find` takes")],
                    vec![ret("Entity[]", "")],
                ),
            ],
            fields: vec![],
        },
        Namespace {
            name: "events".into(),
            doc: "Events between scripts, queued and delivered in order between phases".into(),
            functions: vec![
                func(
                    "emit",
                    "Broadcasts an event to every instance's `on_event` and every subscriber",
                    vec![
                        param("name", "string", "event name"),
                        optional("data", "any", "payload, copied"),
                    ],
                    vec![],
                ),
                func(
                    "subscribe",
                    "Calls `fn(data, sender)` for every event called `name`; the subscription ends with the calling instance",
                    vec![
                        param("name", "string", "event name"),
                        param("fn", "fun(data: any, sender: Entity?)", "handler"),
                    ],
                    vec![ret("integer", "handle for `events.unsubscribe`")],
                ),
                func(
                    "unsubscribe",
                    "Ends a subscription; unknown handles are ignored",
                    vec![param("handle", "integer", "what `subscribe` returned")],
                    vec![],
                ),
            ],
            fields: vec![],
        },
        Namespace {
            name: "task".into(),
            doc: "Coroutines owned by the calling script instance, cancelled when it is destroyed".into(),
            functions: vec![
                func(
                    "spawn",
                    "Starts `fn` as a task; it runs until its first wait at once",
                    vec![
                        param("fn", "fun(...)", "task body"),
                        variadic("any", "arguments passed to fn"),
                    ],
                    vec![ret("integer", "task id for `task.cancel`")],
                ),
                func(
                    "wait",
                    "Suspends the current task for `seconds` of game time: it resumes on the first frame at or past the target, and the next wait counts from the target, so N waits of s end at N x s within one frame",
                    vec![param("seconds", "number", "")],
                    vec![],
                ),
                func(
                    "wait_frames",
                    "Suspends the current task for `n` frames",
                    vec![param("n", "integer", "")],
                    vec![],
                ),
                func(
                    "after",
                    "Calls `fn(...)` once, `seconds` of game time from now, as a task: `task.after(2, explode, self)`",
                    vec![
                        param("seconds", "number", ""),
                        param("fn", "fun(...)", ""),
                        variadic("any", "arguments passed to fn"),
                    ],
                    vec![ret("integer", "task id for `task.cancel`")],
                ),
                func(
                    "every",
                    "Calls `fn(...)` every `seconds` of game time, as a task, until it returns false or is cancelled; the calls keep time (N calls end at N x seconds)",
                    vec![
                        param("seconds", "number", "more than 0"),
                        param("fn", "fun(...): boolean?", "return false to stop"),
                        variadic("any", "arguments passed to fn"),
                    ],
                    vec![ret("integer", "task id for `task.cancel`")],
                ),
                func(
                    "cancel",
                    "Stops a task; unknown or finished ids are ignored",
                    vec![param("id", "integer", "what `task.spawn` returned")],
                    vec![],
                ),
            ],
            fields: vec![],
        },
        Namespace {
            name: "random".into(),
            doc: "Random numbers from the world's seeded generator (the one `math.random` uses): the same seed and inputs give the same numbers".into(),
            functions: vec![
                func(
                    "float",
                    "A number in [0, 1), in [0, hi) with one argument, or in [lo, hi) with two",
                    vec![
                        optional("lo", "number", "the lower bound, or the upper one alone"),
                        optional("hi", "number", "the upper bound"),
                    ],
                    vec![ret("number", "")],
                ),
                func(
                    "int",
                    "An integer from `lo` to `hi`, both included",
                    vec![param("lo", "integer", ""), param("hi", "integer", "at least lo")],
                    vec![ret("integer", "")],
                ),
                func(
                    "chance",
                    "True with probability `p`: `if random.chance(0.25) then drop_loot() end`",
                    vec![param("p", "number", "from 0 (never) to 1 (always)")],
                    vec![ret("boolean", "")],
                ),
                func(
                    "pick",
                    "One element of the array `list`, each as likely; nil for an empty list",
                    vec![param("list", "any[]", "")],
                    vec![ret("any", "")],
                ),
            ],
            fields: vec![],
        },
        Namespace {
            name: "time".into(),
            doc: "The game clock, updated by the engine before each phase".into(),
            functions: vec![],
            fields: vec![
                readonly("dt", "number", "Seconds since the last frame"),
                readonly("fixed_dt", "number", "Seconds per fixed step"),
                readonly("frame", "integer", "Frames run so far"),
                readonly("elapsed", "number", "Game seconds since the world started"),
            ],
        },
        Namespace {
            name: "input".into(),
            doc: "What the player does, as the host feeds it before each frame: named actions, axes and the pointer. The same inputs give the same world".into(),
            functions: vec![
                func(
                    "held",
                    "Whether the action is down this frame",
                    vec![param("action", "string", "an action name the host feeds, such as `\"jump\"`")],
                    vec![ret("boolean", "")],
                ),
                func(
                    "pressed",
                    "Whether the action went down since the last frame (true for one frame, also for a tap shorter than a frame)",
                    vec![param("action", "string", "an action name the host feeds")],
                    vec![ret("boolean", "")],
                ),
                func(
                    "released",
                    "Whether the action went up since the last frame (true for one frame)",
                    vec![param("action", "string", "an action name the host feeds")],
                    vec![ret("boolean", "")],
                ),
                func(
                    "axis",
                    "The axis's value, usually from -1 to 1; 0 for an axis the host never set",
                    vec![param("axis", "string", "an axis name the host feeds, such as `\"move_x\"`")],
                    vec![ret("number", "")],
                ),
                func(
                    "pointer",
                    "The pointer's position in the host's units (two numbers, nothing allocated); 0, 0 until the host sets it",
                    vec![],
                    vec![ret("number", "x"), ret("number", "y")],
                ),
            ],
            fields: vec![],
        },
        Namespace {
            name: "log".into(),
            doc: "Messages to the game's log and to connected tools, tagged with the script and line".into(),
            functions: ["debug", "info", "warn", "error"]
                .iter()
                .map(|level| {
                    func(
                        level,
                        &format!("Logs its arguments at {level} level"),
                        vec![variadic("any", "values, joined with tabs")],
                        vec![],
                    )
                })
                .collect(),
            fields: vec![],
        },
        Namespace {
            name: "assets".into(),
            doc: "Read-only access to files under the project's `assets/` folder".into(),
            functions: vec![
                func(
                    "load_text",
                    "Returns the contents of a UTF-8 text file under `assets/`",
                    vec![kind(param("path", "string", "relative to `assets/`"), ParamKind::AssetPath)],
                    vec![ret("string", "")],
                ),
                func(
                    "load_json",
                    "Returns a JSON file under `assets/` decoded into Lua tables",
                    vec![kind(param("path", "string", "relative to `assets/`"), ParamKind::AssetPath)],
                    vec![ret("any", "")],
                ),
                func(
                    "exists",
                    "Whether a file exists under `assets/`",
                    vec![kind(param("path", "string", "relative to `assets/`"), ParamKind::AssetPath)],
                    vec![ret("boolean", "")],
                ),
            ],
            fields: vec![],
        },
        Namespace {
            name: "vec3".into(),
            doc: "Functions on 3D vectors; `vec3(x, y, z)` makes one".into(),
            functions: vec![
                func(
                    "lerp",
                    "Linear interpolation from `a` to `b` by `t`",
                    vec![
                        param("a", "vec3", ""),
                        param("b", "vec3", ""),
                        param("t", "number", "0 gives a, 1 gives b"),
                    ],
                    vec![ret("vec3", "")],
                ),
                func(
                    "distance",
                    "Distance between two points",
                    vec![param("a", "vec3", ""), param("b", "vec3", "")],
                    vec![ret("number", "")],
                ),
            ],
            fields: vec![],
        },
        Namespace {
            name: "quat".into(),
            doc: "Functions on rotations; `quat(x, y, z, w)` makes one".into(),
            functions: vec![
                func(
                    "identity",
                    "The rotation that does nothing",
                    vec![],
                    vec![ret("quat", "")],
                ),
                func(
                    "from_euler",
                    "Rotation from angles in radians about X, then Y, then Z",
                    vec![
                        param("x", "number", ""),
                        param("y", "number", ""),
                        param("z", "number", ""),
                    ],
                    vec![ret("quat", "")],
                ),
                func(
                    "from_axis_angle",
                    "Rotation of `angle` radians about `axis`",
                    vec![param("axis", "vec3", ""), param("angle", "number", "")],
                    vec![ret("quat", "")],
                ),
            ],
            fields: vec![],
        },
    ]
}

fn types() -> Vec<TypeDef> {
    vec![
        TypeDef {
            name: "Entity".into(),
            doc: "Handle of an entity; stays valid to hold after a despawn, where `alive()` turns false".into(),
            fields: vec![],
            methods: vec![
                func("id", "The entity's integer id, unique for the world's life", vec![], vec![ret("integer", "")]),
                func("alive", "Whether the entity still exists", vec![], vec![ret("boolean", "")]),
                func(
                    "get",
                    "Returns a copy of the named component, or nil when the entity does not have it",
                    vec![kind(param("name", "string", "component name"), ParamKind::ComponentName)],
                    vec![ret("any", "")],
                ),
                func(
                    "set",
                    "Writes the named component, inserting it when absent",
                    vec![
                        kind(param("name", "string", "component name"), ParamKind::ComponentName),
                        kind(param("value", "any", "the new value"), ParamKind::ComponentValue),
                    ],
                    vec![],
                ),
                func(
                    "has",
                    "Whether the entity has the named component",
                    vec![kind(param("name", "string", "component name"), ParamKind::ComponentName)],
                    vec![ret("boolean", "")],
                ),
                func(
                    "remove",
                    "Removes the named component; removing an absent one does nothing",
                    vec![kind(param("name", "string", "component name"), ParamKind::ComponentName)],
                    vec![],
                ),
                func(
                    "despawn",
                    "Despawns the entity at the end of the current phase; its scripts' `destroy` runs then",
                    vec![],
                    vec![],
                ),
                func(
                    "send",
                    "Queues an event for the scripts of this entity (`on_event`)",
                    vec![param("name", "string", "event name"), optional("data", "any", "payload, copied")],
                    vec![],
                ),
                func(
                    "position",
                    "The Transform's position (a new vec3), or nil when the entity has no Transform; cheaper than `get(\"Transform\")`",
                    vec![],
                    vec![ret("vec3?", "")],
                ),
                func(
                    "set_position",
                    "Writes the Transform's position in place (a Transform is inserted when absent): `e:set_position(v)` or `e:set_position(x, y, z)`",
                    vec![
                        param("position", "vec3|number", "the new position, or its x"),
                        optional("y", "number", "with three numbers"),
                        optional("z", "number", "with three numbers"),
                    ],
                    vec![],
                ),
                func(
                    "translate",
                    "Moves the entity by `offset * scale` in place, without allocating: `self.entity:translate(self.velocity, dt)`",
                    vec![param("offset", "vec3", ""), optional("scale", "number", "factor applied to offset, 1 by default")],
                    vec![],
                ),
                func(
                    "rotation",
                    "The Transform's rotation (a new quat), or nil when the entity has no Transform",
                    vec![],
                    vec![ret("quat?", "")],
                ),
                func(
                    "set_rotation",
                    "Writes the Transform's rotation in place (a Transform is inserted when absent)",
                    vec![param("rotation", "quat", "the new rotation")],
                    vec![],
                ),
                func(
                    "rotate",
                    "Turns the entity by `rotation`, applied after its current rotation, in place",
                    vec![param("rotation", "quat", "")],
                    vec![],
                ),
                func(
                    "scale",
                    "The Transform's scale (a new vec3), or nil when the entity has no Transform",
                    vec![],
                    vec![ret("vec3?", "")],
                ),
                func(
                    "set_scale",
                    "Writes the Transform's scale in place (a Transform is inserted when absent): `e:set_scale(v)` or `e:set_scale(x, y, z)`",
                    vec![
                        param("scale", "vec3|number", "the new scale, or its x"),
                        optional("y", "number", "with three numbers"),
                        optional("z", "number", "with three numbers"),
                    ],
                    vec![],
                ),
            ],
            operators: vec!["eq".into(), "tostring".into()],
            statics: vec![],
            script: false,
        },
        TypeDef {
            name: "Self".into(),
            doc: "The `self` table of a script instance: yours to fill, kept across hot reloads".into(),
            fields: vec![readonly("entity", "Entity", "The entity that owns this instance")],
            methods: vec![],
            operators: vec![],
            statics: vec![],
            script: false,
        },
        TypeDef {
            name: "vec3".into(),
            doc: "A 3D vector value; operators return new vectors, the in-place methods (`add`, `add_scaled`, ...) change this one and return it".into(),
            fields: vec![
                field("x", "number", "X component"),
                field("y", "number", "Y component"),
                field("z", "number", "Z component"),
            ],
            methods: vec![
                func("length", "Euclidean length", vec![], vec![ret("number", "")]),
                func("length_squared", "Squared length, cheaper than `length`", vec![], vec![ret("number", "")]),
                func("normalized", "Same direction with length 1; the zero vector stays zero", vec![], vec![ret("vec3", "")]),
                func("dot", "Dot product", vec![param("other", "vec3", "")], vec![ret("number", "")]),
                func("cross", "Cross product", vec![param("other", "vec3", "")], vec![ret("vec3", "")]),
                func(
                    "set",
                    "Overwrites this vector in place and returns it: `v:set(other)` or `v:set(x, y, z)`",
                    vec![
                        param("other", "vec3|number", "a vector, or the new x"),
                        optional("y", "number", "with three numbers"),
                        optional("z", "number", "with three numbers"),
                    ],
                    vec![ret("vec3", "this vector")],
                ),
                func("add", "Adds `other` to this vector in place and returns it", vec![param("other", "vec3", "")], vec![ret("vec3", "this vector")]),
                func("sub", "Subtracts `other` from this vector in place and returns it", vec![param("other", "vec3", "")], vec![ret("vec3", "this vector")]),
                func("scale", "Multiplies this vector by `factor` in place and returns it", vec![param("factor", "number", "")], vec![ret("vec3", "this vector")]),
                func(
                    "add_scaled",
                    "Adds `other * factor` to this vector in place and returns it: `self.velocity:add_scaled(gravity, dt)`",
                    vec![param("other", "vec3", ""), param("factor", "number", "")],
                    vec![ret("vec3", "this vector")],
                ),
                func("normalize", "Makes this vector length 1 in place (the zero vector stays zero) and returns it", vec![], vec![ret("vec3", "this vector")]),
                func("clone", "A new vector with the same components", vec![], vec![ret("vec3", "")]),
                func("unpack", "The three components", vec![], vec![ret("number", "x"), ret("number", "y"), ret("number", "z")]),
            ],
            operators: strings(&["add", "sub", "mul", "div", "unm", "eq", "tostring"]),
            statics: vec![],
            script: false,
        },
        TypeDef {
            name: "quat".into(),
            doc: "A rotation value; `q * v` rotates a vector, `q1 * q2` composes".into(),
            fields: vec![
                field("x", "number", "X component"),
                field("y", "number", "Y component"),
                field("z", "number", "Z component"),
                field("w", "number", "W component"),
            ],
            methods: vec![
                func("normalized", "Same rotation with length 1", vec![], vec![ret("quat", "")]),
                func("inverse", "The opposite rotation", vec![], vec![ret("quat", "")]),
                func("rotate", "Rotates a vector", vec![param("v", "vec3", "")], vec![ret("vec3", "")]),
                func("to_euler", "Angles in radians about X, Y and Z", vec![], vec![ret("number", "x"), ret("number", "y"), ret("number", "z")]),
            ],
            operators: strings(&["mul", "eq", "tostring"]),
            statics: vec![],
            script: false,
        },
    ]
}

fn components() -> Vec<Component> {
    vec![
        Component {
            name: "Transform".into(),
            doc: "Where the entity is: position, rotation and scale. `get` returns a Transform value (a copy) whose fields are views into it; `set` takes one or a table of the fields".into(),
            ty: "Transform".into(),
            fields: vec![
                field("position", "vec3", "Position in world units"),
                field("rotation", "quat", "Orientation"),
                field("scale", "vec3", "Scale per axis"),
            ],
            origin: Origin::Builtin,
        },
        Component {
            name: "Name".into(),
            doc: "The entity's unique name, as found by `world.find`: `world.spawn` and `set` refuse a name another entity has, and so does the scene".into(),
            ty: "string".into(),
            fields: vec![],
            origin: Origin::Builtin,
        },
    ]
}

fn callbacks() -> Vec<Callback> {
    let this = || param("self", "Self", "this script instance");
    let dt = || param("dt", "number", "seconds");
    vec![
        Callback {
            name: "init".into(),
            doc: "Once, before the first update of this instance".into(),
            params: vec![this()],
        },
        Callback {
            name: "update".into(),
            doc: "Every frame".into(),
            params: vec![this(), dt()],
        },
        Callback {
            name: "fixed_update".into(),
            doc: "Every fixed step (60 per second by default)".into(),
            params: vec![this(), dt()],
        },
        Callback {
            name: "on_event".into(),
            doc: "An event sent to this entity or broadcast".into(),
            params: vec![
                this(),
                param("name", "string", "event name"),
                param("data", "any", "payload"),
                param(
                    "sender",
                    "Entity?",
                    "the sending entity, when sent by a script",
                ),
            ],
        },
        Callback {
            name: "on_reload".into(),
            doc: "After hot reload swapped this script's code; `self` is kept, and a property the file added or whose default changed takes its new default where the instance still held the old one and the scene did not set it".into(),
            params: vec![this()],
        },
        Callback {
            name: "destroy".into(),
            doc: "When the entity despawns, the script is removed, or the world ends".into(),
            params: vec![this()],
        },
    ]
}

fn sandbox() -> Sandbox {
    let removed = |name: &str, reason: &str| Removed {
        name: name.into(),
        reason: reason.into(),
    };
    Sandbox {
        globals: strings(&[
            "assert",
            "error",
            "ipairs",
            "next",
            "pairs",
            "pcall",
            "select",
            "tonumber",
            "tostring",
            "type",
            "xpcall",
            "setmetatable",
            "getmetatable",
            "rawequal",
            "rawget",
            "rawlen",
            "rawset",
            "load",
            "collectgarbage",
            "_G",
            "_ENV",
            "_VERSION",
            "string",
            "table",
            "math",
            "utf8",
            "coroutine",
            "os",
        ]),
        partial: strings(&[
            "os.clock",
            "os.time",
            "os.date",
            "os.difftime",
            "collectgarbage.count",
        ]),
        removed: vec![
            removed(
                "io",
                "scripts cannot touch files; use `assets.load_text` for files under assets/",
            ),
            removed("os.execute", "scripts cannot run programs"),
            removed("os.exit", "scripts cannot stop the game"),
            removed("os.remove", "scripts cannot delete files"),
            removed("os.rename", "scripts cannot rename files"),
            removed("os.tmpname", "scripts cannot create files"),
            removed("os.getenv", "scripts cannot read the environment"),
            removed("os.setlocale", "scripts cannot change the process locale"),
            removed("debug", "the debug library can break out of the sandbox"),
            removed(
                "package",
                "modules load through `require` from scripts/ only",
            ),
            removed(
                "loadfile",
                "scripts cannot read files; use `require` or `assets`",
            ),
            removed(
                "dofile",
                "scripts cannot read files; use `require` or `assets`",
            ),
            removed("string.dump", "binary chunks can crash the interpreter"),
        ],
    }
}
