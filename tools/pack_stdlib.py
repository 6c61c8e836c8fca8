#!/usr/bin/python3.11
"""Pack CPython's Lib/ into the read-only filesystem image embedded in liberyx.

Usage: python3.11 tools/pack_stdlib.py SRC_LIB_DIR OUT_IMAGE [--extra NAME=FILE ...]

Every .py under SRC_LIB_DIR (minus tests, GUI and packaging tools) is compiled
by this interpreter, which must be CPython 3.11 like the guest, into an
unchecked-hash .pyc stored where the .py was: lib/python3.11/json/__init__.pyc.
The guest imports them sourceless, never stats a source file and never writes
__pycache__. `--extra NAME=FILE` adds FILE compiled as lib/python3.11/NAME
(NAME ends in .py, stored as .pyc), e.g. the Python half of the guest runtime.

The image format is documented in src/host/vfs.h. Output is deterministic:
entries sorted by path, no timestamps.
"""

import argparse
import importlib._bootstrap_external as bootstrap_external
import importlib.util
import os
import struct
import sys
import warnings
from pathlib import Path

MAGIC = b"ERYXFS1\0"
HEADER = struct.Struct("<8sII")  # magic, entry count, path section size
ENTRY = struct.Struct("<IIII")  # kind, path length, data offset, data length
KIND_FILE, KIND_DIR = 1, 2
PATH_MAX = 4096  # VFS_PATH_MAX in vfs.h

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


def add_module(files, rel_py, host_path, stdlib_dir):
    """Compiles host_path as stdlib module file rel_py into files[guest .pyc path]."""
    guest_py = f"{stdlib_dir}/{rel_py}"
    pyc = compile_pyc(host_path.read_bytes(), "/" + guest_py)
    if pyc is not None:
        files[guest_py[:-3] + ".pyc"] = pyc


def path_key(path):
    """Sorts paths component by component, byte-wise, like the VFS index."""
    return [part.encode() for part in path.split("/")]


def build_image(files, empty_dirs=()):
    """Serializes {path: bytes} plus empty directories into the image format."""
    entries = sorted(
        [(p, KIND_FILE) for p in files] + [(d, KIND_DIR) for d in empty_dirs],
        key=lambda e: path_key(e[0]),
    )
    paths = b"".join(p.encode() for p, _ in entries)
    offset = HEADER.size + ENTRY.size * len(entries) + len(paths)
    table, blobs = [], []
    for path, kind in entries:
        encoded = path.encode()
        if not encoded or len(encoded) > PATH_MAX:
            raise ValueError(f"bad path length: {path!r}")
        data = files.get(path, b"") if kind == KIND_FILE else b""
        table.append(ENTRY.pack(kind, len(encoded), offset if kind == KIND_FILE else 0, len(data)))
        blobs.append(data)
        offset += len(data)
    if offset >= 2**32:
        raise ValueError("image larger than 4 GiB")
    return HEADER.pack(MAGIC, len(entries), len(paths)) + b"".join(table) + paths + b"".join(blobs)


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
        if f"{STDLIB_DIR}/{name[:-3]}.pyc" in files:
            sys.exit(f"pack_stdlib: --extra {name} would replace a standard module")
        add_module(files, name, host_path, STDLIB_DIR)
        if f"{STDLIB_DIR}/{name[:-3]}.pyc" not in files:
            sys.exit(f"pack_stdlib: --extra {name}: {host_path} does not compile")

    image = build_image(files, EMPTY_DIRS)
    write_atomically(args.out, image)
    code_bytes = sum(len(b) for b in files.values())
    print(f"pack_stdlib: {len(files)} files, {code_bytes} bytes of bytecode, "
          f"image {len(image)} bytes -> {args.out}")


if __name__ == "__main__":
    main()
