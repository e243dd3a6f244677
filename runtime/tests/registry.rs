//! One source of truth: every name the API registry describes is really there in a script
//! environment, and a script environment has no engine name the registry does not describe.

mod common;
use common::*;
use crescent_runtime::{api, Config, Registry, Runtime};

#[test]
fn every_described_name_is_bound() {
    let api = api::builtin();
    let mut checks = Vec::new();
    for f in &api.globals {
        checks.push(format!(
            "check(type({0}) == 'function' or (type({0}) == 'table' and pcall({0})), '{0}')",
            f.name
        ));
    }
    for ns in &api.namespaces {
        for f in &ns.functions {
            checks.push(format!(
                "check(type({0}.{1}) == 'function', '{0}.{1}')",
                ns.name, f.name
            ));
        }
        for field in &ns.fields {
            checks.push(format!(
                "check({0}.{1} ~= nil, '{0}.{1}')",
                ns.name, field.name
            ));
        }
    }
    let values = [
        ("Entity", "self.entity"),
        ("vec3", "vec3(1, 2, 3)"),
        ("quat", "quat()"),
        ("Self", "self"),
    ];
    for ty in &api.types {
        let (_, value) = values
            .iter()
            .find(|(n, _)| *n == ty.name)
            .expect("a value of every type");
        for m in &ty.methods {
            checks.push(format!(
                "check(type(({value}).{0}) == 'function', '{1}:{0}')",
                m.name, ty.name
            ));
        }
        for field in &ty.fields {
            checks.push(format!(
                "check(({value}).{0} ~= nil, '{1}.{0}')",
                field.name, ty.name
            ));
        }
    }
    for g in &api.sandbox.globals {
        if g != "_ENV" {
            checks.push(format!("check({g} ~= nil, '{g}')"));
        }
    }
    for p in &api.sandbox.partial {
        if let Some((lib, f)) = p.split_once('.') {
            if lib != "collectgarbage" {
                checks.push(format!("check({lib}.{f} ~= nil, '{p}')"));
            }
        }
    }
    for r in &api.sandbox.removed {
        let expr = match r.name.split_once('.') {
            Some((lib, f)) => format!("({lib} == nil or {lib}.{f} == nil)"),
            None => format!("({} == nil)", r.name),
        };
        checks.push(format!("check({expr}, 'removed {}')", r.name));
    }
    let script = format!(
        "local missing = {{}}\nlocal function check(ok, name) if not ok then missing[#missing + 1] = name end end\nfunction init(self)\n{}\nprint(#missing == 0 and 'all bound' or table.concat(missing, ', '))\nend\n",
        checks.join("\n")
    );
    let (_dir, mut rt) = scripts(&[("scripts/probe.lua", &script)]);
    rt.frame(0.01);
    let ev = rt.drain_events();
    assert!(errors(&ev).is_empty(), "{:?}", errors(&ev));
    assert_eq!(logs(&ev), vec!["all bound"]);
}

#[test]
fn nothing_undescribed_is_bound() {
    let dir = project(&[("scene.json", "{}")]);
    let rt = Runtime::new(dir.path(), Config::default(), Registry::new()).expect("runtime");
    let api = rt.api();
    let described = |name: &str| -> bool {
        if let Some((ns, f)) = name.split_once('.') {
            return api.namespace(ns).is_some_and(|n| {
                n.functions.iter().any(|x| x.name == f) || n.fields.iter().any(|x| x.name == f)
            });
        }
        if let Some((ty, m)) = name.split_once(':') {
            return api
                .type_def(ty)
                .is_some_and(|t| t.methods.iter().any(|x| x.name == m));
        }
        api.global(name).is_some()
            || api.namespace(name).is_some()
            || api.sandbox.globals.iter().any(|g| g == name)
    };
    let names = rt.script_environment_names();
    assert!(names.len() > 40, "{names:?}");
    let extra: Vec<&String> = names.iter().filter(|n| !described(n)).collect();
    assert!(extra.is_empty(), "bound but not described: {extra:?}");
}

#[test]
fn a_described_name_without_binding_is_refused() {
    let dir = project(&[("scene.json", "{}")]);
    let mut reg = Registry::new();
    let mut api = api::Api::empty();
    api.namespaces.push(api::Namespace {
        name: "world".into(),
        doc: String::new(),
        functions: vec![api::Function {
            name: "teleport".into(),
            doc: "not implemented anywhere".into(),
            params: vec![],
            returns: vec![],
        }],
        fields: vec![],
    });
    // A description slipped in without a function: Runtime::new must refuse it.
    reg.function(
        "game",
        api::Function {
            name: "ok".into(),
            doc: "fine".into(),
            params: vec![],
            returns: vec![],
        },
        |_, a| Ok(a),
    );
    let mut with_gap = reg;
    with_gap_api(&mut with_gap, api);
    let err = Runtime::new(dir.path(), Config::default(), with_gap)
        .err()
        .expect("refused");
    assert!(
        err.to_string()
            .contains("function `world.teleport` is described but not implemented"),
        "{err}"
    );
}

fn with_gap_api(reg: &mut Registry, api: api::Api) {
    // Registry::function both describes and binds; describing alone is only possible by
    // registering a component-less description, which `describe` does.
    reg.describe(api);
}

#[test]
fn api_json_is_written_for_tools() {
    let dir = project(&[("scene.json", "{}")]);
    let rt = Runtime::new(dir.path(), Config::default(), Registry::new()).expect("runtime");
    let file = rt.write_api_json().expect("written");
    assert_eq!(file, dir.path().join(".crescent/api.json"));
    let text = std::fs::read_to_string(&file).expect("read");
    assert_eq!(&api::Api::from_json(&text).expect("parses"), rt.api());
}
