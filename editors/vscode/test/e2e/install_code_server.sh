#!/usr/bin/env bash
# Installs what the VS Code end-to-end test needs and nothing else: code-server 4.100.3 (real
# VS Code 1.100.3 served to a browser) from the npm registry into a cache folder, and Debian's
# Chromium. Idempotent: a second run with everything in place returns in a second.
#
# Usage: install_code_server.sh [CACHE_DIR]
#   CACHE_DIR defaults to $CRESCENT_E2E_CACHE, then ~/.cache/crescent-vscode-e2e.
# Prints the code-server binary's path on its last line.
# Needs root for apt-get. First run: about 4-6 minutes on 2 cores and 300 MB.
set -euo pipefail
CACHE=${1:-${CRESCENT_E2E_CACHE:-$HOME/.cache/crescent-vscode-e2e}}
CS_VERSION=4.100.3   # the last code-server line whose engines.node accepts Node 20
DEST="$CACHE/code-server-$CS_VERSION"
CS="$DEST/node_modules/.bin/code-server"

apt_install() {
  # Debian's downloaded packages are cleaned between dpkg runs here, so a first attempt can
  # fail with "cannot access archive": try three times, refreshing the lists once.
  local i
  for i in 1 2 3; do
    DEBIAN_FRONTEND=noninteractive apt-get install -y -q "$@" >/dev/null && return 0
    [ "$i" = 1 ] && DEBIAN_FRONTEND=noninteractive apt-get update -q >/dev/null || true
    sleep 2
  done
  echo "apt-get install $* failed 3 times" >&2
  return 1
}

command -v chromium >/dev/null || apt_install chromium

if [ -x "$CS" ] && [ -f "$DEST/.installed" ]; then
  echo "$CS"
  exit 0
fi

# Native modules of code-server (node-pty, kerberos, ...) build here; ripgrep comes from Debian.
apt_install build-essential pkg-config python3 libkrb5-dev libxkbfile-dev libsecret-1-dev \
  libx11-dev ripgrep

# @vscode/ripgrep's postinstall downloads rg from GitHub, which this machine cannot reach:
# pre-seed its download cache with Debian's rg (the same 13.0.0 release).
RG_CACHE="${TMPDIR:-/tmp}/vscode-ripgrep-cache-1.15.11"
mkdir -p "$RG_CACHE"
RG_TGZ="$RG_CACHE/ripgrep-v13.0.0-10-x86_64-unknown-linux-musl.tar.gz"
if [ ! -s "$RG_TGZ" ]; then
  tmp=$(mktemp -d); cp "$(command -v rg)" "$tmp/rg"; tar czf "$RG_TGZ" -C "$tmp" rg; rm -rf "$tmp"
fi

# code-server's postinstall refuses to run as root without unsafe_perm, and node-pty's
# postinstall runs `npx node-gyp`, which an ~/.npmrc with yes=false cancels.
mkdir -p "$DEST"
cd "$DEST"
[ -f package.json ] || echo '{"name":"crescent-code-server-host","private":true}' > package.json
ok=
for i in 1 2; do
  if npm_config_unsafe_perm=true npm_config_yes=true \
    npm install --no-audit --no-fund --loglevel=error "code-server@$CS_VERSION" >&2; then
    ok=1; break
  fi
  echo "npm install code-server failed (attempt $i)" >&2
done
[ -n "$ok" ] || exit 1
XDG_CONFIG_HOME="$DEST/xdg/config" XDG_DATA_HOME="$DEST/xdg/data" "$CS" --version >&2
touch "$DEST/.installed"
echo "$CS"
