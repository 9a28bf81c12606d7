#!/bin/bash
# The test runner: unit programs and CLI tests (bats), once on the normal
# build and once on the ASan+UBSan build, then short fuzz runs.  Ends with
# the line "N passed, N failed".
set -u
cd "$(dirname "$0")/.."
pass=0 fail=0 skip=0
failed=()

count_unit() { # $1 = label, $2 = binary
    local out rc p f
    out=$("$2" 2>&1); rc=$?
    p=$(printf '%s\n' "$out" | awk '/ passed, .* failed$/ {print $1}' | tail -1)
    f=$(printf '%s\n' "$out" | awk '/ passed, .* failed$/ {print $3}' | tail -1)
    [ -z "$p" ] && { p=0; f=1; }
    [ $rc -ne 0 ] && [ "$f" = 0 ] && f=1
    pass=$((pass + p)); fail=$((fail + f))
    if [ "$f" != 0 ]; then failed+=("$1"); printf '%s\n' "$out" | grep -v ' passed, ' | head -30; fi
    echo "unit $1: $p passed, $f failed"
}

count_bats() { # $1 = label; env LEAKGUARD set
    local out
    out=$(bats --tap tests/cli 2>&1)
    local p f s plan
    p=$(printf '%s\n' "$out" | grep -c '^ok ' )
    s=$(printf '%s\n' "$out" | grep -c '^ok .* # skip')
    f=$(printf '%s\n' "$out" | grep -c '^not ok ')
    p=$((p - s))
    # bats that dies before or while running reports nothing, which must
    # never read as "0 failed": demand a plan and every planned result
    plan=$(printf '%s\n' "$out" | sed -n 's/^1\.\.\([0-9][0-9]*\)$/\1/p' | head -1)
    if [ -z "$plan" ] || [ "$plan" -eq 0 ] || [ $((p + s + f)) -ne "$plan" ]; then
        echo "cli $1: bats did not run the suite (plan '${plan:-none}', $((p + s + f)) results):"
        printf '%s\n' "$out" | tail -5 | sed 's/^/  /'
        f=$((f + 1))
    fi
    pass=$((pass + p)); fail=$((fail + f)); skip=$((skip + s))
    if [ "$f" != 0 ]; then
        failed+=("cli $1")
        printf '%s\n' "$out" | awk '/^not ok/{show=1} /^ok/{show=0} show' | head -60
    fi
    printf '%s\n' "$out" | grep '# skip' | sed 's/^/  /'
    echo "cli $1: $p passed, $f failed, $s skipped"
}

# bats needs /dev/fd (process substitution); a minimal chroot's /dev may
# lack the standard link to /proc/self/fd
if [ ! -e /dev/fd ] && [ -d /proc/self/fd ] && [ "$(id -u)" -eq 0 ]; then
    ln -s /proc/self/fd /dev/fd
fi

for build in build build/asan; do
    [ -x "$build/leakguard" ] || { echo "missing $build/leakguard (run make test)"; fail=$((fail+1)); continue; }
    export ASAN_OPTIONS=detect_leaks=1:abort_on_error=1
    export UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1
    for t in "$build"/tests/test_*; do
        [ -x "$t" ] && count_unit "$build:$(basename "$t")" "$t"
    done
    LEAKGUARD="$PWD/$build/leakguard" LG_BUILD="$build" count_bats "$build"
done

# redaction quality on the labeled corpus (tests/redact/): the issue's
# recall and decoy thresholds, text and NDJSON
if [ -x build/leakguard ]; then
    if out=$(python3 tests/redact/eval.py --binary build/leakguard --records 3000 \
        --min-recall-standard 0.99 --min-recall-nonstandard 0.95 --min-decoys 0.99 2>&1); then
        pass=$((pass + 1))
    else
        fail=$((fail + 1)); failed+=(redact-eval)
        printf '%s\n' "$out" | tail -40
    fi
    printf '%s\n' "$out" | grep -E '^(text|ndjson): must types'
fi

if [ -x scripts/fuzz.sh ] && [ "${LG_SKIP_FUZZ:-0}" != 1 ]; then
    if scripts/fuzz.sh "${FUZZ_SECONDS:-10}"; then pass=$((pass + 1)); else fail=$((fail + 1)); failed+=(fuzz); fi
fi

[ ${#failed[@]} -gt 0 ] && echo "failed: ${failed[*]}"
if [ "$skip" -gt 0 ]; then echo "$pass passed, $fail failed, $skip skipped"; else echo "$pass passed, $fail failed"; fi
[ "$fail" -eq 0 ]
