//! Crescent runtime.
