#!/bin/bash
# fuzz.sh [SECONDS] - build every libFuzzer target fuzz/fuzz_*.c and run
# each one for SECONDS (default 10).
#
# Targets are linked with clang -fsanitize=fuzzer,address,undefined against
# src/core/*.c, src/netrules/*.c and the Makefile's generated gen/*.c
# (compiled once with -fsanitize=fuzzer-no-link into an archive) into
# build/fuzz/ (FUZZ_B overrides).  Each run starts from a seed corpus
# copied from tests/data/NAME/ for fuzz_NAME (empty if there is none) into a
# temporary directory, so the repository is never written to; a dictionary
# fuzz/fuzz_NAME.dict is used when present.  Crash inputs and logs are kept
# in build/fuzz/.  Prints one line per target; exits non-zero if anything
# failed to build or a target crashed, leaked, hit UB or timed out.
# FUZZ_TARGETS (list of .c files) restricts the run, FUZZ_CC picks clang.
# Total time is bounded by about targets x (SECONDS + build).
# CFLAGS and the pkg-config output are word lists, expanded unquoted on purpose
# shellcheck disable=SC2086
set -u
cd "$(dirname "$0")/.." || exit 2

secs=${1:-10}
case $secs in
'' | *[!0-9]*) echo "usage: scripts/fuzz.sh [SECONDS]" >&2; exit 2 ;;
esac
B=${FUZZ_B:-build/fuzz}
CC=${FUZZ_CC:-clang}

shopt -s nullglob
targets=(fuzz/fuzz_*.c)
# FUZZ_TARGETS="fuzz/fuzz_gcp.c ..." runs only those
[ -n "${FUZZ_TARGETS:-}" ] && read -r -a targets <<<"$FUZZ_TARGETS"
if [ ${#targets[@]} -eq 0 ]; then
    echo "fuzz: no targets in fuzz/"
    exit 0
fi
if ! command -v "$CC" >/dev/null 2>&1; then
    echo "fuzz: $CC not found (make deps installs it)" >&2
    exit 1
fi

CFLAGS="-std=c11 -D_GNU_SOURCE -g -O1 -Wall -Isrc -fno-omit-frame-pointer"
# without this UBSan only prints and the run would count as passing
CFLAGS="$CFLAGS -fno-sanitize-recover=all"
PKG_CFLAGS=$(pkg-config --cflags jansson yajl libhs yaml-0.1 libsodium 2>/dev/null)
PKG_LIBS="$(pkg-config --libs jansson yajl libhs yaml-0.1 libsodium 2>/dev/null || echo -ljansson -lyajl -lhs -lyaml -lsodium) -pthread"

mkdir -p "$B/obj" "$B/artifacts"
tmp=$(mktemp -d "${TMPDIR:-/tmp}/lg-fuzz.XXXXXX") || exit 2
trap 'rm -rf "$tmp"' EXIT

# Sources the Makefile generates from data/ (rules "$(B)/gen/NAME.c:"),
# made by make itself so this script does not repeat the recipe.
gens=()
# shellcheck disable=SC2016 # a literal $(B) in the Makefile
mapfile -t gensrc < <(sed -n 's|^\$(B)/\(gen/[A-Za-z0-9_]*\.c\):.*|\1|p' Makefile 2>/dev/null)
for g in "${gensrc[@]}"; do
    if make -s B="$B/src" "$B/src/$g" >"$tmp/gen.log" 2>&1; then
        gens+=("$B/src/$g")
    else
        echo "fuzz: cannot generate $g:" >&2
        head -20 "$tmp/gen.log" >&2
    fi
done

# The library once, instrumented for coverage but without libFuzzer's
# main, as an archive: each target links only the objects it needs.
libok=1
objs=()
rm -f "$B/obj/"*.o
for src in src/core/*.c src/netrules/*.c src/redact/*.c "${gens[@]}"; do
    obj="$B/obj/$(echo "${src%.c}" | tr / _).o"
    if ! $CC $CFLAGS $PKG_CFLAGS -fsanitize=fuzzer-no-link,address,undefined \
        -c -o "$obj" "$src" 2>"$tmp/cc.log"; then
        echo "fuzz: cannot compile $src:" >&2
        head -20 "$tmp/cc.log" >&2
        libok=0
    fi
    objs+=("$obj")
done
lib="$B/libleakguard-fuzz.a"
rm -f "$lib"
[ $libok = 1 ] && { ar rcs "$lib" "${objs[@]}" || libok=0; }

export ASAN_OPTIONS=${ASAN_OPTIONS:-detect_leaks=1:abort_on_error=1}
export UBSAN_OPTIONS=${UBSAN_OPTIONS:-print_stacktrace=1:halt_on_error=1}

fail=0
for t in "${targets[@]}"; do
    name=$(basename "$t" .c)        # fuzz_gcp
    plat=${name#fuzz_}              # gcp
    bin="$B/$name"
    log="$B/$name.log"
    if [ $libok = 0 ]; then
        echo "$name: FAILED to build (library does not compile)"
        fail=1
        continue
    fi
    if ! $CC $CFLAGS $PKG_CFLAGS -fsanitize=fuzzer,address,undefined -o "$bin" \
        "$t" "$lib" $PKG_LIBS -lm 2>"$log"; then
        echo "$name: FAILED to build (see $log)"
        head -20 "$log" >&2
        fail=1
        continue
    fi

    corpus="$tmp/$name"
    mkdir -p "$corpus"
    nseed=0
    if [ -d "tests/data/$plat" ]; then
        for f in "tests/data/$plat"/*; do
            [ -f "$f" ] && cp "$f" "$corpus/" && nseed=$((nseed + 1))
        done
    fi
    dict=()
    [ -f "fuzz/$name.dict" ] && dict=("-dict=fuzz/$name.dict")

    # -timeout: one slow input is a failure too; the outer timeout guards
    # against a hang libFuzzer itself does not notice
    # (the subshell keeps bash's "Aborted" job report out of the output)
    (timeout -k 10 $((secs + 120)) "$bin" "$corpus" "${dict[@]}" \
        -max_total_time="$secs" -rss_limit_mb=2048 -timeout=10 \
        -artifact_prefix="$B/artifacts/$name-" -print_final_stats=1 \
        >"$log" 2>&1; exit $?) 2>/dev/null
    rc=$?
    runs=$(awk '/^stat::number_of_executed_units:/ {print $2}' "$log" | tail -1)
    if [ $rc -eq 0 ]; then
        echo "$name: ok, ${runs:-?} runs in ${secs}s from $nseed seeds"
    else
        art=$(grep -o "Test unit written to [^ ]*" "$log" | tail -1 | sed 's/.* to //')
        what=$(grep -m1 -oE 'ERROR: (AddressSanitizer|LeakSanitizer|libFuzzer): [a-zA-Z-]+|runtime error: .*' "$log")
        echo "$name: FAILED (exit $rc${what:+: $what})${art:+, input $art}, log $log"
        fail=1
    fi
done
exit $fail
