//! One module per lint; each has a stable code, a doc line and its tests at the bottom.

pub mod arity;
pub mod lifecycle;
pub mod missing_asset;
pub mod missing_module;
pub mod sandbox;
pub mod syntax;
pub mod undefined_global;
pub mod unknown_component;
pub mod unknown_member;
pub mod unused_local;
