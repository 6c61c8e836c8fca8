#!/bin/sh
# Node.js and npm for what runs on them: the MCP client tests (the official
# MCP TypeScript SDK) and the Pyodide peer of the benchmarks. Installs
# nodejs and npm from Debian when no node is there; then, given DIR with a
# package.json, installs its npm packages into DIR/node_modules (again only
# when package.json changed). Idempotent.
#   scripts/setup-node.sh [DIR]
set -eu
if ! command -v node >/dev/null 2>&1 || ! command -v npm >/dev/null 2>&1; then
    if [ "$(id -u)" != 0 ]; then
        echo "setup-node: need root to install nodejs and npm" >&2
        exit 1
    fi
    export DEBIAN_FRONTEND=noninteractive
    apt-get update -qq
    apt-get install -y -qq --no-install-recommends nodejs npm
fi
[ $# -gt 0 ] || exit 0
dir=$1
stamp="$dir/node_modules/.installed-package.json"
if [ -f "$stamp" ] && cmp -s "$dir/package.json" "$stamp"; then
    exit 0
fi
(cd "$dir" && npm install --no-audit --no-fund --loglevel=error >/dev/null)
cp "$dir/package.json" "$stamp"
