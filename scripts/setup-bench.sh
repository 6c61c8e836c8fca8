#!/bin/sh
# Installs what `make bench` needs beyond the build: Node.js and npm from
# Debian, to run the peer (Pyodide, from the npm registry). Idempotent.
set -eu
command -v node >/dev/null 2>&1 && command -v npm >/dev/null 2>&1 && exit 0
if [ "$(id -u)" != 0 ]; then
    echo "setup-bench: need root to install nodejs and npm" >&2
    exit 1
fi
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq
apt-get install -y -qq --no-install-recommends nodejs npm
