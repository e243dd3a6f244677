//! Formatting through StyLua, used as a library on the same full_moon 3.0.0 as the analysis.

use stylua_lib::{Config, IndentType, LuaVersion, OutputVerification};

/// Whether formatting is built in (the server advertises it when true).
pub const AVAILABLE: bool = true;

/// The editor's formatting preferences.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Options {
    /// Columns per indentation level.
    pub indent_width: usize,
    /// Indent with tabs rather than spaces.
    pub use_tabs: bool,
}

/// The formatted text.
///
/// # Errors
/// Returns StyLua's message when the text does not parse (formatting needs a valid file).
pub fn format(text: &str, options: &Options) -> Result<String, String> {
    if crate::parse::too_deep(text) {
        return Err("the file nests too deeply to format".into());
    }
    let config = Config {
        syntax: LuaVersion::Lua54,
        indent_type: if options.use_tabs {
            IndentType::Tabs
        } else {
            IndentType::Spaces
        },
        indent_width: options.indent_width.clamp(1, 16),
        ..Config::default()
    };
    let owned = text.to_string();
    // StyLua recurses like the parser: run it on a thread with the parser's stack.
    let handle = crate::parse::spawn_parse_thread("format", move || {
        stylua_lib::format_code(&owned, config, None, OutputVerification::None)
            .map_err(|e| e.to_string())
    })
    .map_err(|e| format!("cannot start the formatter: {e}"))?;
    handle
        .join()
        .map_err(|_| "the formatter failed on this file".to_string())?
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn formats_valid_code_and_refuses_broken_code() {
        let opts = Options {
            indent_width: 2,
            use_tabs: false,
        };
        let out = format(
            "local   x=1\nfunction update(self,dt) if x then print( x ) end end\n",
            &opts,
        )
        .expect("formats");
        assert_eq!(
            out,
            "local x = 1\nfunction update(self, dt)\n  if x then\n    print(x)\n  end\nend\n"
        );
        assert!(format("local x = = 1", &opts).is_err());
    }
}
