#!/usr/bin/env bash
# End-to-end test of the VS Code extension in real VS Code: installs the .vsix into code-server
# 4.100.3, serves it on 127.0.0.1, drives it with Debian's Chromium through playwright-core
# (vscode_e2e.js), and stops everything it started.
#
# Usage: run_e2e.sh SERVER_PATH [PROJECT_DIR]
#   SERVER_PATH   the crescent-lsp binary (given to the extension as crescent.server.path)
#   PROJECT_DIR   the Crescent project to open (a folder with scene.json). Default: a fresh copy
#                 of test/e2e/fixture. The test edits scripts in it only when a step says so.
# Environment:
#   VSIX                     the extension to install (default: `npm run package` builds
#                            editors/vscode/crescent.vsix from the current source)
#   CRESCENT_E2E_ARTIFACTS   screenshots and logs (default: <repo>/tests/artifacts/vscode-e2e)
#   CRESCENT_E2E_CACHE       where code-server is installed (see install_code_server.sh)
#   CRESCENT_E2E_SCRIPT      the script to open, relative to the project (default scripts/player.lua)
#   CRESCENT_E2E_EXTRA_STEPS .js modules adding steps to the scenario, separated by ':' and run in
#                            that order (see vscode_e2e.js); replaces the game's default below
#   CRESCENT_E2E_GAME        the crescent CLI: when set, it is crescent.cli.path, `crescent run
#                            PROJECT --watch` runs during the test, and the steps of
#                            debug_steps.js (a breakpoint in update, attach, paused, continue,
#                            disconnect) then live_game_steps.js (API reference, break, runtime
#                            diagnostic, fix, reloaded: the game runs on after the debugger) then
#                            inspector_steps.js (World Inspector, an edit, game panel, scene) run
#   CHROMIUM                 the browser (default /usr/bin/chromium)
#   CRESCENT_E2E_KEEP        when set, keep the throwaway profile and project copy (for debugging)
set -euo pipefail
START=$(date +%s)
HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
EXT_DIR=$(cd "$HERE/../.." && pwd)
REPO=$(cd "$EXT_DIR/../.." && pwd)

SERVER=${1:?usage: $0 SERVER_PATH [PROJECT_DIR]}
SERVER=$(realpath "$SERVER")
[ -x "$SERVER" ] || { echo "not an executable: $SERVER" >&2; exit 2; }
PROJECT=${2:-}
VSIX=${VSIX:-}
OUT=${CRESCENT_E2E_ARTIFACTS:-$REPO/tests/artifacts/vscode-e2e}

[ -d "$EXT_DIR/node_modules/playwright-core" ] || (cd "$EXT_DIR" && npm ci --no-audit --no-fund)
if [ -z "$VSIX" ]; then
  # Always from the current source: a stale .vsix would test old code.
  (cd "$EXT_DIR" && npm run --silent package >/dev/null)
  VSIX=$EXT_DIR/crescent.vsix
fi
VSIX=$(realpath "$VSIX")

CS=$("$HERE/install_code_server.sh" | tail -n 1)

RUN=$(mktemp -d "${TMPDIR:-/tmp}/crescent-vscode-e2e.XXXXXX")   # a throwaway profile per run
if [ -z "$PROJECT" ]; then
  PROJECT="$RUN/project"
  cp -r "$HERE/fixture" "$PROJECT"
fi
PROJECT=$(realpath "$PROJECT")
[ -f "$PROJECT/scene.json" ] || { echo "not a Crescent project (no scene.json): $PROJECT" >&2; exit 2; }
rm -rf "$OUT"; mkdir -p "$OUT"

# Keep VS Code's sockets (vscode-ipc-*.sock, vscode-git-*.sock) and Chromium's dconf inside $RUN.
export XDG_CONFIG_HOME=$RUN/xdg/config XDG_DATA_HOME=$RUN/xdg/data XDG_CACHE_HOME=$RUN/xdg/cache
export TMPDIR=$RUN/tmp XDG_RUNTIME_DIR=$RUN/tmp
mkdir -p "$RUN/tmp" "$RUN/ud/User" "$RUN/exts"; chmod 700 "$RUN/tmp"
# The extension must find the server through the setting, not through the test's environment.
unset CRESCENT_LSP_PATH
# Word-based suggestions are off so that only the language server can make "spawn" complete;
# auto-indent and auto-closing are off so that text typed by the test lands as written.
node -e '
const [file, server, cli] = process.argv.slice(1);
require("fs").writeFileSync(file, JSON.stringify({
  "crescent.server.path": server,
  "crescent.cli.path": cli || "crescent",
  "crescent.trace.server": "messages",
  "crescent.server.extraEnv": { "CRESCENT_LSP_LOG": "info" },
  "workbench.startupEditor": "none",
  "workbench.tips.enabled": false,
  "security.workspace.trust.enabled": false,
  "telemetry.telemetryLevel": "off",
  "extensions.autoCheckUpdates": false,
  "extensions.autoUpdate": false,
  "update.mode": "none",
  "git.enabled": false,
  "editor.quickSuggestionsDelay": 10,
  "editor.wordBasedSuggestions": "off",
  "editor.autoIndent": "none",
  "editor.autoClosingBrackets": "never",
  "editor.autoClosingQuotes": "never",
  "editor.formatOnType": false,
  "files.autoSave": "off",
}, null, 2));' "$RUN/ud/User/settings.json" "$SERVER" "${CRESCENT_E2E_GAME:-}"
# code-server's window is a remote one: VS Code drops machine-scoped settings (crescent.server.path
# and crescent.cli.path are machine-overridable) from the user settings as soon as it re-reads
# them knowing the extension's schema (e.g. when a debug session activates more extensions), and
# takes them from the remote machine's settings instead. Both get the same file.
mkdir -p "$RUN/ud/Machine"; cp "$RUN/ud/User/settings.json" "$RUN/ud/Machine/settings.json"

"$CS" --user-data-dir "$RUN/ud" --extensions-dir "$RUN/exts" --install-extension "$VSIX" >"$RUN/install.log" 2>&1 \
  || { cat "$RUN/install.log" >&2; exit 1; }

cleanup() {
  # Whole process groups: code-server, its extension host and the language server; the game.
  [ -n "${CSPID:-}" ] && { kill -- -"$CSPID" 2>/dev/null; wait "$CSPID" 2>/dev/null; }
  [ -n "${GAMEPID:-}" ] && kill -- -"$GAMEPID" 2>/dev/null || true
  cp "$RUN/code-server.log" "$OUT/" 2>/dev/null || true
  [ -d "$RUN/ud/logs" ] && cp -r "$RUN/ud/logs" "$OUT/vscode-logs" 2>/dev/null || true
  [ -n "${CRESCENT_E2E_KEEP:-}" ] || rm -rf "$RUN"
  echo "e2e: artifacts in $OUT ($(( $(date +%s) - START )) s)"
}
trap cleanup EXIT
# The game starts first, so that the language server finds its session file from the start.
EXTRA=${CRESCENT_E2E_EXTRA_STEPS:-}
if [ -n "${CRESCENT_E2E_GAME:-}" ]; then
  rm -f "$PROJECT/.crescent/session.json"
  setsid "$CRESCENT_E2E_GAME" run "$PROJECT" --watch >"$OUT/game.log" 2>&1 </dev/null &
  GAMEPID=$!
  for _ in $(seq 150); do [ -f "$PROJECT/.crescent/session.json" ] && break; sleep 0.2; done
  [ -f "$PROJECT/.crescent/session.json" ] || { echo "the game wrote no session file" >&2; cat "$OUT/game.log" >&2; exit 1; }
  EXTRA=${EXTRA:-$HERE/debug_steps.js:$HERE/live_game_steps.js:$HERE/inspector_steps.js}
fi

PORT=$(node -e 'const s=require("net").createServer();s.listen(0,"127.0.0.1",()=>{console.log(s.address().port);s.close()})')
setsid "$CS" --bind-addr "127.0.0.1:$PORT" --auth none --disable-telemetry --disable-update-check \
  --disable-workspace-trust --disable-getting-started-override --ignore-last-opened \
  --user-data-dir "$RUN/ud" --extensions-dir "$RUN/exts" "$PROJECT" \
  >"$RUN/code-server.log" 2>&1 </dev/null &
CSPID=$!
for _ in $(seq 150); do curl -sf -o /dev/null "http://127.0.0.1:$PORT/healthz" && break; sleep 0.2; done

node "$HERE/vscode_e2e.js" --url "http://127.0.0.1:$PORT/?folder=$PROJECT" --project "$PROJECT" --out "$OUT" \
  --script "${CRESCENT_E2E_SCRIPT:-scripts/player.lua}" ${EXTRA:+--extra-steps "$EXTRA"}

# The extension's own log (the "Crescent" output channel) says which server it started and why.
LOG=$(find "$RUN/ud/logs" -name '*-Crescent.log' | head -n 1)
STARTS=$(grep -cF "language server: $SERVER (from setting)" "$LOG" || true)
[ "$STARTS" -ge 2 ] \
  || { echo "the Crescent log should show the server started twice through crescent.server.path (start, restart):" >&2; cat "$LOG" >&2; exit 1; }
echo "e2e: the Crescent log shows $STARTS server starts through crescent.server.path"
