#!/bin/sh
# Runs every test suite and adds up their closing "N passed, N failed" lines.
# A suite that crashes or prints no summary counts as one failure.
set -u
cd "$(dirname "$0")/.."
passed=0
failed=0
log=$(mktemp)
trap 'rm -f "$log"' EXIT

suite() {
    name=$1
    shift
    echo "== $name"
    "$@" >"$log" 2>&1
    status=$?
    cat "$log"
    summary=$(grep -E '^[0-9]+ passed, [0-9]+ failed$' "$log" | tail -n 1)
    if [ -z "$summary" ]; then
        echo "$name: no summary (exit status $status)"
        failed=$((failed + 1))
        return
    fi
    p=${summary%% passed*}
    f=${summary#*, }
    f=${f%% failed*}
    if [ "$status" -ne 0 ] && [ "$f" -eq 0 ]; then f=1; fi
    passed=$((passed + p))
    failed=$((failed + f))
}

suite "vfs unit tests" build/tests/unit_vfs build/stdlib.img
suite "json unit tests" build/tests/unit_json
suite "C API" build/tests/test_api
suite "C API: callbacks, tracing, output streaming" build/tests/test_callbacks
suite "C API: sessions, snapshots, cancellation, stress" build/tests/test_sessions
suite "C API: hardening (stack, outcome, timeouts, output)" build/tests/test_hardening
suite "C API: callback arguments, bounds and handles" build/tests/test_call_handles
suite "C API: files, volumes, packages, snapshots as templates" build/tests/test_files
suite "C API: trace times, ids, tasks, bursts, step-through, bounds" build/tests/test_tracing
suite "C API: stateless resets (pages, grown memory, random state, compiled code)" \
    build/tests/test_reset
suite "C API, host code under ASan+UBSan" env ASAN_OPTIONS=handle_segv=0:detect_leaks=1 \
    UBSAN_OPTIONS=print_stacktrace=1 build/asan/test_api
suite "files, host code under ASan+UBSan" env ASAN_OPTIONS=handle_segv=0:detect_leaks=1 \
    UBSAN_OPTIONS=print_stacktrace=1 build/asan/test_files
suite "callbacks and tracing, host code under ASan+UBSan" env \
    ASAN_OPTIONS=handle_segv=0:detect_leaks=1 UBSAN_OPTIONS=print_stacktrace=1 \
    build/asan/test_callbacks
suite "tracing, host code under ASan+UBSan" env ASAN_OPTIONS=handle_segv=0:detect_leaks=1 \
    UBSAN_OPTIONS=print_stacktrace=1 build/asan/test_tracing
suite "hardening, host code under ASan+UBSan" env \
    ASAN_OPTIONS=handle_segv=0:detect_leaks=1 UBSAN_OPTIONS=print_stacktrace=1 \
    build/asan/test_hardening
suite "callback handles, host code under ASan+UBSan" env \
    ASAN_OPTIONS=handle_segv=0:detect_leaks=1 UBSAN_OPTIONS=print_stacktrace=1 \
    build/asan/test_call_handles
suite "stateless resets, host code under ASan+UBSan" env \
    ASAN_OPTIONS=handle_segv=0:detect_leaks=1 UBSAN_OPTIONS=print_stacktrace=1 \
    build/asan/test_reset
suite "command line: run, help, installation" /usr/bin/python3.11 tests/test_cli_run.py
suite "command line: --callback" /usr/bin/python3.11 tests/test_cli_callbacks.py
suite "command line: session" /usr/bin/python3.11 tests/test_cli_session.py
suite "command line: repl" /usr/bin/python3.11 tests/test_cli_repl.py
suite "command line: eryx debug through a terminal" /usr/bin/python3.11 tests/test_debug.py
suite "command line: --profile report in headless chromium" /usr/bin/python3.11 tests/test_profile.py
suite "attacks through the command line" /usr/bin/python3.11 tests/test_attacks.py
suite "command line: volumes, packages, snapshots" /usr/bin/python3.11 tests/test_files_cli.py
suite "command line: hardening" /usr/bin/python3.11 tests/test_hardening.py
suite "stdlib corpus vs native python3.11" /usr/bin/python3.11 tests/test_corpus.py
suite "file programs vs native python3.11" /usr/bin/python3.11 tests/test_corpus.py --files
suite "sqlite3 on a file across a session" /usr/bin/python3.11 tests/test_sqlite_session.py
suite "trace events vs native sys.settrace" /usr/bin/python3.11 tests/test_trace.py
suite "trace events of generated programs vs native sys.settrace" /usr/bin/python3.11 tests/trace_generated.py
# A subset of CPython's own Lib/test that runs in a few minutes (make
# test-cpython runs them all); known differences: tests/cpython_known.txt.
suite "CPython's Lib/test, a subset, vs native python3.11" /usr/bin/python3.11 \
    tests/cpython_tests.py --timeout 120 test_json test_re test_math test_zlib test_gzip \
    test_tarfile test_sqlite3 test_zoneinfo test_csv test_tempfile test_shutil test_pathlib \
    test_glob test_os test_io test_fileio test_struct test_base64 test_hashlib test_collections \
    test_functools test_dataclasses test_typing test_enum test_inspect test_exceptions \
    test_coroutines test_grammar test_builtin test_dict test_asyncio.test_locks \
    test_asyncio.test_queues test_asyncio.test_taskgroups test_asyncio.test_timeouts \
    test_asyncio.test_futures test_asyncio.test_base_events test_asyncio.test_runners
suite "Python package (pytest)" /usr/bin/python3.11 -m pytest -q -p no:cacheprovider tests/python
suite "eryx mcp: raw protocol (pytest)" /usr/bin/python3.11 -m pytest -q -p no:cacheprovider tests/mcp
suite "eryx mcp: the official MCP TypeScript SDK client" node tests/mcp/client_test.mjs
suite "fuzz targets, a few seconds each over their seeds" tests/fuzz_smoke.sh

# Our C code follows .clang-format (clang-format-19): one check for all files.
format_check() {
    if make -s check-format; then echo "1 passed, 0 failed"; else echo "0 passed, 1 failed"; fi
}
suite "formatting (clang-format-19)" format_check

echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]
