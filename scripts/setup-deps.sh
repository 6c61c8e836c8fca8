#!/bin/sh
# Installs every build dependency from Debian's repositories and fetches the
# CPython 3.11 source (orig tarball) into build/deps. Idempotent; needs root
# only when something is missing.
set -eu
here=$(cd "$(dirname "$0")/.." && pwd)
deps="$here/build/deps"
pkgs="clang-19 lld-19 llvm-19 libclang-rt-19-dev-wasm32 libclang-rt-19-dev wasi-libc wabt dpkg-dev python3.11 make gcc pkg-config zlib1g-dev clang-format-19"
# Pure-Python packages the tests mount into the sandbox with --package.
pkgs="$pkgs python3-jinja2 python3-yaml python3-dateutil"

missing=""
for p in $pkgs; do
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "ok installed" || missing="$missing $p"
done

has_src() {
    grep -rqsE '^(deb-src|Types:.*deb-src)' /etc/apt/sources.list /etc/apt/sources.list.d/ 2>/dev/null
}

if [ -n "$missing" ] || ! has_src; then
    if [ "$(id -u)" != 0 ]; then
        echo "setup-deps: need root to install:$missing (and a deb-src entry)" >&2
        exit 1
    fi
    if ! has_src; then
        # Debian's own source repositories, needed by `apt-get source`.
        cat > /etc/apt/sources.list.d/eryx-deb-src.sources <<'SRC'
Types: deb-src
URIs: http://deb.debian.org/debian
Suites: bookworm bookworm-updates
Components: main
Signed-By: /usr/share/keyrings/debian-archive-keyring.gpg
SRC
    fi
    export DEBIAN_FRONTEND=noninteractive
    apt-get update -qq
    [ -z "$missing" ] || apt-get install -y -qq --no-install-recommends $missing
fi

mkdir -p "$deps"
if ! ls "$deps"/python3.11_*.orig.tar.* >/dev/null 2>&1; then
    (cd "$deps" && apt-get source --download-only python3.11 >/dev/null)
fi
ls "$deps"/python3.11_*.orig.tar.* >/dev/null
