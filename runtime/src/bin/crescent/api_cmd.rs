//! `crescent api`: the scripting API description as JSON, a LuaLS definition file or Markdown.

use crate::ApiFormat;
use anyhow::{Context, Result};
use crescent_runtime::api;
use std::path::Path;
use std::process::ExitCode;

/// The built-in API rendered in `format`.
pub fn render(format: ApiFormat) -> String {
    let api = api::builtin();
    let mut text = match format {
        ApiFormat::Json => api.to_json(),
        ApiFormat::Luals => api::to_luals(&api),
        ApiFormat::Markdown => api::to_markdown(&api),
    };
    if !text.ends_with('\n') {
        text.push('\n');
    }
    text
}

/// Prints the API in `format`, or writes it to `out`.
pub fn api(format: ApiFormat, out: Option<&Path>) -> Result<ExitCode> {
    let text = render(format);
    match out {
        Some(path) => {
            if let Some(parent) = path.parent().filter(|p| !p.as_os_str().is_empty()) {
                std::fs::create_dir_all(parent)
                    .with_context(|| format!("cannot create {}", parent.display()))?;
            }
            std::fs::write(path, text)
                .with_context(|| format!("cannot write {}", path.display()))?;
        }
        None => print!("{text}"),
    }
    Ok(ExitCode::SUCCESS)
}
