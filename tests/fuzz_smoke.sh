#!/bin/sh
# Runs every libFuzzer target (build/fuzz/fuzz_NAME, from fuzz/fuzz_NAME.c)
# over its committed seeds in fuzz/corpus/NAME for FUZZ_SECONDS each
# (default 5: a smoke run in `make test`; `make fuzz` gives 600). New inputs
# go to a scratch directory, or with FUZZ_KEEP=1 to build/fuzz/corpus/NAME,
# which later runs start from. A target passes when it finds nothing: any
# crash, leak, sanitizer report or timeout fails it, and its reproducer is
# kept as build/fuzz/artifacts/NAME-*. Ends with "N passed, N failed".
set -u
cd "$(dirname "$0")/.."
seconds=${FUZZ_SECONDS:-5}
passed=0
failed=0
mkdir -p build/fuzz/artifacts
# The guest's memory faults are ours to handle (guard pages): neither ASan
# nor libFuzzer may take SIGSEGV/SIGBUS.
export ASAN_OPTIONS=handle_segv=0:handle_sigbus=0:detect_leaks=1:allocator_may_return_null=1
export UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1
for bin in build/fuzz/fuzz_*; do
    [ -x "$bin" ] || continue
    name=${bin##*/fuzz_}
    if [ "${FUZZ_KEEP:-0}" = 1 ]; then
        work=build/fuzz/corpus/$name
        mkdir -p "$work"
    else
        work=$(mktemp -d)
    fi
    log=build/fuzz/$name.log
    "$bin" -max_total_time="$seconds" -timeout=30 -rss_limit_mb=8192 -handle_segv=0 \
        -handle_bus=0 -print_final_stats=1 -artifact_prefix="build/fuzz/artifacts/$name-" \
        "$work" "fuzz/corpus/$name" >"$log" 2>&1
    status=$?
    execs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$log" | tail -n 1)
    if [ "$status" -eq 0 ]; then
        echo "ok   fuzz_$name: ${execs:-?} executions in ${seconds} s, no findings"
        passed=$((passed + 1))
    else
        echo "FAIL fuzz_$name (exit status $status); log: $log"
        grep -E 'ERROR|SUMMARY|runtime error|Test unit written' "$log" | head -n 20
        failed=$((failed + 1))
    fi
    [ "${FUZZ_KEEP:-0}" = 1 ] || rm -rf "$work"
done
echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]
