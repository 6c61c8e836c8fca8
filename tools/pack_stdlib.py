#!/usr/bin/python3.11
"""Pack CPython's Lib/ into the read-only filesystem image embedded in liberyx.

Usage: python3.11 tools/pack_stdlib.py SRC_LIB_DIR OUT_IMAGE [--extra NAME=FILE ...]
           [--tzdata DIR] [--tests] [--date-of TARBALL]

Every .py under SRC_LIB_DIR (minus tests, GUI and packaging tools) is shipped
as its source, deflated, at lib/python3.11/json/__init__.py, and compiled by
this interpreter, which must be CPython 3.11 like the guest, into an
unchecked-hash .pyc where SourceFileLoader looks for it:
lib/python3.11/json/__pycache__/__init__.cpython-311.pyc (stored, since the
guest reads it on every import). The loader stats the source but never reads
it for an import, nor writes __pycache__; tracebacks, linecache and inspect
read the source. `--extra NAME=FILE` adds FILE as lib/python3.11/NAME (NAME
ends in .py), e.g. the Python half of the guest runtime.

`--tzdata DIR` packs the IANA time zone files of DIR (Debian's tzdata:
/usr/share/zoneinfo) at usr/share/zoneinfo, zoneinfo's search path in the
guest. Links inside DIR become copies (sharing their data in the image);
`localtime` is the guest's local time zone, which is UTC, never the host's.
`--tests` adds CPython's own test package (Lib/test, data files included):
for the test-only image of `make test-cpython`, never for the shipped one.

Every file and directory gets one modification time, the build's:
$SOURCE_DATE_EPOCH when set (the reproducible-builds convention), else, with
`--date-of TARBALL`, the time of the tarball's first member (CPython's source
tarball: its top directory, i.e. the release), else 0. Not the files' own
times: those of patched or generated files (the runtime, sysconfigdata) are
when the build ran. A real date matters to the guest: zipfile cannot store
one before 1980, so a stdlib file of time 0 could not be zipped.

The image format is documented in src/host/vfs.h. Output is deterministic:
entries sorted by path, and that one time.
"""

import argparse
import importlib._bootstrap_external as bootstrap_external
import importlib.util
import os
import struct
import sys
import tarfile
import warnings
import zlib
from pathlib import Path

MAGIC = b"ERYXFS3\0"
HEADER = struct.Struct("<8sIIQ")  # magic, entry count, path section size, mtime (ns)
ENTRY = struct.Struct("<IIIII")  # kind, path length, data offset, data length, size
KIND_FILE, KIND_DIR, KIND_DEFLATED = 1, 2, 3
PATH_MAX = 4096  # VFS_PATH_MAX in vfs.h
CACHE_TAG = sys.implementation.cache_tag  # cpython-311, as in the guest
ZONEINFO_DIR = "usr/share/zoneinfo"  # first entry of the guest's sysconfig TZPATH

STDLIB_DIR = "lib/python3.11"
# getpath looks for lib-dynload to settle exec_prefix; without it the guest
# warns "Could not find platform dependent libraries".
EMPTY_DIRS = [STDLIB_DIR + "/lib-dynload"]

# Top-level parts of Lib/ the sandbox cannot use or does not need.
EXCLUDED_TOP = {
    "test", "idlelib", "tkinter", "turtledemo", "ensurepip", "lib2to3", "venv", "site-packages",
}
# Directory names excluded at any depth (package test suites, caches).
EXCLUDED_ANY = {"test", "tests", "idle_test", "__pycache__"}


def note(msg):
    print(f"pack_stdlib: {msg}", file=sys.stderr)


def compile_pyc(source, guest_filename):
    """Returns the .pyc bytes for `source`, or None when it does not compile.

    Unchecked-hash pycs carry the source hash but are never validated against
    a source, so the guest loads them without looking for the .py. The code's
    co_filename is the guest path of the .py, which tracebacks show."""
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")  # SyntaxWarnings of old escapes
            code = compile(source, guest_filename, "exec", dont_inherit=True, optimize=0)
    except (SyntaxError, ValueError, UnicodeDecodeError) as exc:
        note(f"skipping {guest_filename}: {type(exc).__name__}: {exc}")
        return None
    source_hash = importlib.util.source_hash(source)
    return bytes(bootstrap_external._code_to_hash_pyc(code, source_hash, checked=False))


def stdlib_sources(lib_dir):
    """Yields (path relative to lib_dir with '/', host Path) of every .py to ship."""
    for root, dirs, files in os.walk(lib_dir):
        rel_root = Path(root).relative_to(lib_dir)
        top = rel_root == Path(".")
        dirs[:] = sorted(
            d for d in dirs if d not in EXCLUDED_ANY and not (top and d in EXCLUDED_TOP)
        )
        for name in sorted(files):
            if name.endswith(".py"):
                yield (rel_root / name).as_posix(), Path(root) / name


def pyc_path(guest_py):
    """Where SourceFileLoader looks for the bytecode of guest_py."""
    parent, _, name = guest_py.rpartition("/")
    return f"{parent}/__pycache__/{name[:-3]}.{CACHE_TAG}.pyc"


def add_module(files, rel_py, host_path, stdlib_dir):
    """Adds host_path as stdlib module file rel_py: its source and its .pyc.
    Returns False (and adds nothing) when it does not compile."""
    guest_py = f"{stdlib_dir}/{rel_py}"
    source = host_path.read_bytes()
    pyc = compile_pyc(source, "/" + guest_py)
    if pyc is None:
        return False
    files[guest_py] = source
    files[pyc_path(guest_py)] = pyc
    return True


def add_tzdata(files, tz_dir):
    """Adds every file of tz_dir under ZONEINFO_DIR, following links that stay
    inside it (posix/ is a directory of links); `localtime` is UTC (the guest's
    local time), never the host's."""
    tz_dir = tz_dir.resolve()

    def inside(path):
        real = path.resolve()
        return real == tz_dir or tz_dir in real.parents

    for root, dirs, names in os.walk(tz_dir, followlinks=True):
        dirs[:] = sorted(d for d in dirs if inside(Path(root) / d))
        for name in sorted(names):
            host = Path(root) / name
            rel = host.relative_to(tz_dir).as_posix()
            if rel == "localtime":
                host = tz_dir / "Etc/UTC"
            if host.is_file() and inside(host):
                files[f"{ZONEINFO_DIR}/{rel}"] = host.read_bytes()
    if f"{ZONEINFO_DIR}/Europe/Paris" not in files:
        sys.exit(f"pack_stdlib: {tz_dir} holds no IANA time zones")


def add_test_package(files, lib_dir, stdlib_dir):
    """Adds Lib/test whole: modules (source and .pyc) and data files."""
    test_dir = lib_dir / "test"
    for root, dirs, names in os.walk(test_dir):
        dirs[:] = sorted(d for d in dirs if d != "__pycache__")
        for name in sorted(names):
            host = Path(root) / name
            rel = host.relative_to(lib_dir).as_posix()
            if not (name.endswith(".py") and add_module(files, rel, host, stdlib_dir)):
                files[f"{stdlib_dir}/{rel}"] = host.read_bytes()


def path_key(path):
    """Sorts paths component by component, byte-wise, like the VFS index."""
    return [part.encode() for part in path.split("/")]


def stored_form(path, data):
    """(kind, bytes in the image) of a file: bytecode stored as it is (it is
    read on every import), everything else deflated where that is smaller."""
    if not path.endswith(".pyc") and data:
        deflated = zlib.compress(data, 9)
        if len(deflated) < len(data):
            return KIND_DEFLATED, deflated
    return KIND_FILE, data


def build_image(files, empty_dirs=(), mtime=0):
    """Serializes {path: bytes} plus empty directories, all of modification
    time `mtime` (seconds since the epoch), into the image format. Files with
    equal contents share one copy of their data."""
    entries = sorted(
        [(p, KIND_FILE) for p in files] + [(d, KIND_DIR) for d in empty_dirs],
        key=lambda e: path_key(e[0]),
    )
    paths = b"".join(p.encode() for p, _ in entries)
    offset = HEADER.size + ENTRY.size * len(entries) + len(paths)
    table, blobs, placed = [], [], {}  # placed: contents -> (kind, offset, stored bytes)
    for path, kind in entries:
        encoded = path.encode()
        if not encoded or len(encoded) > PATH_MAX:
            raise ValueError(f"bad path length: {path!r}")
        if kind == KIND_DIR:
            table.append(ENTRY.pack(kind, len(encoded), 0, 0, 0))
            continue
        data = files[path]
        if data not in placed:
            kind, stored = stored_form(path, data)
            placed[data] = (kind, offset, stored)
            blobs.append(stored)
            offset += len(stored)
        kind, at, stored = placed[data]
        table.append(ENTRY.pack(kind, len(encoded), at, len(stored), len(data)))
    if offset >= 2**32:
        raise ValueError("image larger than 4 GiB")
    header = HEADER.pack(MAGIC, len(entries), len(paths), mtime * 10**9)
    return header + b"".join(table) + paths + b"".join(blobs)


def build_time(tarball):
    """The image's one modification time, in seconds (see the module's doc)."""
    epoch = os.environ.get("SOURCE_DATE_EPOCH")
    if epoch:
        if not epoch.isdigit():
            sys.exit(f"pack_stdlib: SOURCE_DATE_EPOCH is not a number of seconds: {epoch!r}")
        return int(epoch)
    if tarball is None:
        return 0
    with tarfile.open(tarball) as tar:
        first = tar.next()
    if first is None:
        sys.exit(f"pack_stdlib: {tarball} is empty")
    return int(first.mtime)


def parse_extra(spec):
    """NAME=FILE -> (NAME, Path(FILE)), NAME a relative .py path."""
    name, sep, file = spec.partition("=")
    parts = name.split("/")
    if not sep or not name.endswith(".py") or any(p in ("", ".", "..") for p in parts):
        raise argparse.ArgumentTypeError(f"--extra wants NAME.py=FILE, got {spec!r}")
    return name, Path(file)


def write_atomically(out, data):
    tmp = out.with_name(out.name + ".tmp")
    tmp.write_bytes(data)
    os.replace(tmp, out)


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("lib_dir", type=Path, help="CPython's Lib/ directory")
    parser.add_argument("out", type=Path, help="image file to write")
    parser.add_argument("--extra", action="append", default=[], type=parse_extra,
                        metavar="NAME=FILE", help="also ship FILE as module file NAME")
    parser.add_argument("--tzdata", type=Path, metavar="DIR",
                        help=f"pack the time zones of DIR at /{ZONEINFO_DIR}")
    parser.add_argument("--tests", action="store_true",
                        help="add Lib/test (test-only images)")
    parser.add_argument("--date-of", type=Path, metavar="TARBALL",
                        help="files' time: that of TARBALL's first member, "
                             "unless SOURCE_DATE_EPOCH is set")
    args = parser.parse_args(argv)
    if sys.version_info[:2] != (3, 11):
        sys.exit(f"pack_stdlib: needs CPython 3.11 (the guest's version), "
                 f"this is {sys.version.split()[0]}")
    if not (args.lib_dir / "os.py").is_file():
        sys.exit(f"pack_stdlib: {args.lib_dir} does not look like CPython's Lib/")

    files = {}
    for rel_py, host_path in stdlib_sources(args.lib_dir):
        add_module(files, rel_py, host_path, STDLIB_DIR)
    for name, host_path in args.extra:
        if f"{STDLIB_DIR}/{name}" in files:
            sys.exit(f"pack_stdlib: --extra {name} would replace a standard module")
        if not add_module(files, name, host_path, STDLIB_DIR):
            sys.exit(f"pack_stdlib: --extra {name}: {host_path} does not compile")
    if args.tzdata:
        add_tzdata(files, args.tzdata)
    if args.tests:
        add_test_package(files, args.lib_dir, STDLIB_DIR)

    image = build_image(files, EMPTY_DIRS, build_time(args.date_of))
    write_atomically(args.out, image)
    total = sum(len(b) for b in files.values())
    print(f"pack_stdlib: {len(files)} files, {total} bytes, image {len(image)} bytes -> {args.out}")


if __name__ == "__main__":
    main()
