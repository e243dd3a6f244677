//! Formatting through StyLua, used as a library.
