#!/bin/sh
# Installs every build dependency from Debian's repositories and fetches the
# sources of CPython 3.11 and of the C libraries its guest modules use (zlib,
# bzip2, xz-utils, sqlite3: orig tarballs) into build/deps. Idempotent; needs
# root only when something is missing. tcl generates SQLite's amalgamation;
# tzdata is packed into the guest's standard library image.
set -eu
here=$(cd "$(dirname "$0")/.." && pwd)
deps="$here/build/deps"
pkgs="clang-19 lld-19 llvm-19 libclang-rt-19-dev-wasm32 libclang-rt-19-dev wasi-libc wabt dpkg-dev python3.11 make gcc pkg-config zlib1g-dev clang-format-19"
# SQLite's build runs tclsh; tzdata is packed into the guest's image.
pkgs="$pkgs tcl tzdata"
# Pure-Python packages the tests mount into the sandbox with --package.
pkgs="$pkgs python3-jinja2 python3-yaml python3-dateutil"
# The Python package (python/) and its tests.
pkgs="$pkgs python3-dev python3-setuptools python3-pip python3-pytest"
# The browser the profile report tests open reports in.
pkgs="$pkgs chromium"

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
for src in python3.11 zlib bzip2 xz-utils sqlite3; do
    if ! ls "$deps/${src}"_*.orig.tar.* >/dev/null 2>&1; then
        (cd "$deps" && apt-get source --download-only "$src" >/dev/null)
    fi
    ls "$deps/${src}"_*.orig.tar.* >/dev/null
done
