# The VS Code extension: unit tests, an offline .vsix, and the end-to-end test in real VS Code
# (code-server in Debian's Chromium) against the real server and a real running game: the
# completion list, a quick fix applied, parameter-name inlay hints, a runtime error shown in
# the Problems panel and the status bar, the fix and "reloaded", and the debugger (crescent dap)
# attached to that game, paused on a breakpoint in update, and the World inspector (an edit of
# self.speed read back), the game panel (top scripts, frame graph, scene click) and a recorded trace. Screenshots land in tests/artifacts/vscode-e2e/.
target_dir=$(cd "${CARGO_TARGET_DIR:-target}" && pwd)
(
    cd editors/vscode
    npm ci --no-audit --no-fund
    npm test
    npm run package
)
cargo build -p crescent-lsp --bin crescent-lsp -p crescent-runtime --bin crescent
CRESCENT_E2E_GAME="$target_dir/debug/crescent" \
    bash editors/vscode/test/e2e/run_e2e.sh "$target_dir/debug/crescent-lsp"
