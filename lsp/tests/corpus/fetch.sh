#!/usr/bin/env bash
# Downloads Debian packages that ship Lua source into DEST for the syntax agreement test.
# Usage: fetch.sh DEST   then   CRESCENT_LUA_CORPUS=DEST cargo test -p crescent-lsp --test syntax_agreement
set -euo pipefail
DEST=${1:?usage: $0 DEST}
mkdir -p "$DEST/debs"
cd "$DEST/debs"
PACKAGES="minetest-data minetest-mod-moreblocks minetest-mod-3d-armor lua-penlight luarocks lua-ldoc lua-busted lua-argparse"
# apt can fail once with "cannot access archive" on this machine class: retry.
for attempt in 1 2 3; do
  apt-get download $PACKAGES && break
  [ "$attempt" = 3 ] && exit 1
  apt-get update -q || true
done
for deb in *.deb; do dpkg -x "$deb" "$DEST/tree"; done
# Symlinked duplicates (the same module under several Lua versions) are skipped by the test.
find "$DEST/tree" -name '*.lua' -type f | wc -l
