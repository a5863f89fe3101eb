#!/usr/bin/env bash
# make fuzz [FUZZ_SECONDS=N]: build the libFuzzer targets of tests/fuzz/
# with clang-14 (ASan + UBSan + coverage) in build-fuzz/, run each one for
# N seconds on its corpus, and print a summary.
#
#   scripts/fuzz.sh [SECONDS] [TARGET...]     (default: 60, every target)
#
# Environment: FUZZ_BUILD (build directory, default build-fuzz),
# FUZZ_JOBS (targets run at once, default: the number of CPUs), CC
# (default clang-14).  Exit status 1 when a target crashed, leaked, hit
# an assertion or timed out on an input.
#
# Inputs the fuzzer finds interesting are kept in $FUZZ_BUILD/corpus/T
# (reused by the next run); the seed corpus in tests/fuzz/corpus/T is only
# read.  A crashing input lands in $FUZZ_BUILD/artifacts/T/: fix the bug,
# then copy the input into tests/fuzz/corpus/T/ so that `make check`
# replays it from then on.
set -euo pipefail

SECONDS_EACH=${1:-60}
shift || true
SRC=$(cd "$(dirname "$0")/.." && pwd)
BUILD=${FUZZ_BUILD:-build-fuzz}
JOBS=${FUZZ_JOBS:-$(nproc)}
CC=${CC:-clang-14}
ALL_TARGETS=(size option qtest qmp migration)
TARGETS=("$@")
if [ ${#TARGETS[@]} -eq 0 ]; then
    TARGETS=("${ALL_TARGETS[@]}")
fi

case "$SECONDS_EACH" in
''|*[!0-9]*) echo "fuzz: seconds must be a number, not '$SECONDS_EACH'" >&2
             exit 2 ;;
esac
if ! command -v "$CC" >/dev/null; then
    echo "fuzz: $CC not found (scripts/install-deps.sh installs clang-14)" >&2
    exit 2
fi

# The whole tree gets coverage counters (fuzzer-no-link); only the fuzz
# targets link libFuzzer itself.  UBSan findings must stop the fuzzer,
# not scroll past.  Warnings are not errors here: clang warns about
# things gcc, which CI builds with, does not.
if [ ! -f "$BUILD/build.ninja" ]; then
    CC="$CC" meson setup "$BUILD" "$SRC" \
        -Db_sanitize=address,undefined -Db_lundef=false -Dwerror=false \
        "-Dc_args=-fsanitize=fuzzer-no-link -fno-sanitize-recover=all" \
        "-Dc_link_args=-fno-sanitize-recover=all" >/dev/null
fi
ninja -C "$BUILD" $(for t in "${TARGETS[@]}"; do
                        echo "tests/fuzz/fuzz-$t"; done)

export ASAN_OPTIONS=${ASAN_OPTIONS:-detect_leaks=1}
export UBSAN_OPTIONS=${UBSAN_OPTIONS:-halt_on_error=1:print_stacktrace=1}

run_target() {
    local t=$1 bin="$BUILD/tests/fuzz/fuzz-$t" dict=()
    local work="$BUILD/corpus/$t" art="$BUILD/artifacts/$t/"

    mkdir -p "$work" "$art"
    if [ -f "$SRC/tests/fuzz/$t.dict" ]; then
        dict=(-dict="$SRC/tests/fuzz/$t.dict")
    fi
    # New inputs go to the first directory; the seeds are read only.
    local rc=0
    "$bin" -max_total_time="$SECONDS_EACH" -timeout=10 -rss_limit_mb=2048 \
        -max_len=4096 -print_final_stats=1 -artifact_prefix="$art" \
        "${dict[@]}" "$work" "$SRC/tests/fuzz/corpus/$t" \
        >"$BUILD/fuzz-$t.log" 2>&1 || rc=$?
    echo "$rc" >"$BUILD/fuzz-$t.status"
}

echo "fuzz: ${TARGETS[*]}, ${SECONDS_EACH}s each, $JOBS at a time"
for t in "${TARGETS[@]}"; do
    rm -f "$BUILD/fuzz-$t.status"
    run_target "$t" &
    # Keep at most $JOBS running.
    while [ "$(jobs -rp | wc -l)" -ge "$JOBS" ]; do
        wait -n || true
    done
done
wait

# "#12345 DONE cov: 812 ft: 2301 corp: 120/9Kb ..." is libFuzzer's last
# progress line; the final stats give the run count.
failed=0
printf '%-8s %10s %8s %8s %8s  %s\n' target runs cov ft corpus result
for ((i = 0; i < ${#TARGETS[@]}; i++)); do
    t=${TARGETS[i]}
    log="$BUILD/fuzz-$t.log"
    runs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$log" | tail -1)
    last=$(grep -E '^#[0-9]+' "$log" | tail -1 || true)
    cov=$(sed -n 's/.* cov: \([0-9]*\).*/\1/p' <<<"$last")
    ft=$(sed -n 's/.* ft: \([0-9]*\).*/\1/p' <<<"$last")
    corp=$(find "$BUILD/corpus/$t" -type f | wc -l)
    rc=$(cat "$BUILD/fuzz-$t.status" 2>/dev/null || echo '?')
    if [ "$rc" = 0 ]; then
        result=ok
    else
        failed=1
        art=$(ls -t "$BUILD/artifacts/$t/" 2>/dev/null | head -1)
        result="FAILED (exit $rc): $BUILD/artifacts/$t/$art, see $log"
    fi
    printf '%-8s %10s %8s %8s %8s  %s\n' "$t" "${runs:-?}" "${cov:-?}" \
        "${ft:-?}" "$corp" "$result"
done
if [ "$failed" -ne 0 ]; then
    echo "fuzz: reproduce with $BUILD/tests/fuzz/fuzz-TARGET INPUT" >&2
fi
exit "$failed"
