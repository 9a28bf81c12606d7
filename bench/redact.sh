#!/bin/bash
# redact.sh - throughput and memory of `leakguard redact` on a generated
# NDJSON support-case corpus, next to same-run baselines:
#
#   cat                         reading the file (the I/O ceiling)
#   leakguard on empty input    the fixed start-up cost (pattern compilation),
#                               also subtracted for an "excluding start-up" rate
#   leakguard --threads 1       redact --format ndjson, single thread
#   leakguard --threads 2       the same with two worker threads
#   leakguard, + order id ...   --threads 1 over the same records with an
#                               order id and a timestamp string added to
#                               each (bare digit runs: weak candidates)
#   two leakguard at once       two --threads 1 runs over the file side by
#                               side: the two-core ceiling of the machine
#                               (shared caches, memory bandwidth), against
#                               which --threads 2 is judged
#   sed -E                      one GNU sed pass with comparable regexes (email
#                               incl. " at "/" dot " forms, phone, IPv4, card,
#                               SSN, IBAN, AWS key) over the same file
#   sed -E, every detector      those 8 plus a regex for each kind of value
#                               they leave out and leakguard finds (encoded
#                               @, defanged IPv4, IPv6, MAC, URL, JWT, PEM,
#                               GitHub/Slack/Google tokens, password
#                               contexts, 32-character tokens, name cues,
#                               addresses, compact IBAN, international
#                               phone, CVV, date of birth, labelled postal
#                               code, coordinates): 28 patterns,
#                               leakguard's coverage
#   leakguard, one long record  the first BENCH_LONG_MB (default 50) MB of
#                               the corpus's text fields joined into one
#                               line, as --format text, as one NDJSON
#                               string and as one CSV field: read in pieces
#                               (text) or from a mapped temporary file
#                               (JSON, CSV) and scanned in
#                               1 MB windows, so max RSS should stay at a
#                               few tens of MB whatever the record's size
#   redact-pii                  the npm package redact-pii@3 (SyncRedactor, one
#                               redact() per line) on a BENCH_REDACT_PII_MB
#                               slice, since it runs at a few MB/s; installed
#                               into the temp dir, skipped without npm
#
# The corpus (BENCH_MB, default 100 MB) comes from tests/redact/gen_corpus.py
# --bytes (mostly prose, about one planted value per 2-3 records) and lives
# in a temporary directory that is deleted at the end.  The tools run
# alternately, BENCH_ROUNDS rounds (default 3); the best time of each counts.
# Prints MB/s per tool, the ratios leakguard/sed, leakguard/redact-pii,
# threads2/threads1 and leakguard/cat, and leakguard's max RSS.
#
#   bench/redact.sh                       # LG=build/leakguard
#   LG=build/h-eval/leakguard BENCH_MB=20 BENCH_ROUNDS=5 bench/redact.sh
#
# Other knobs: BENCH_SEED (1), BENCH_REDACT_PII_MB (2), BENCH_TIMEOUT
# (seconds per run, 600), BENCH_NO_REDACT_PII=1 to skip the npm part.
set -eu
cd "$(dirname "$0")/.."
LG=${LG:-build/leakguard}
MB=${BENCH_MB:-100}
ROUNDS=${BENCH_ROUNDS:-3}
SEED=${BENCH_SEED:-1}
RP_MB=${BENCH_REDACT_PII_MB:-2}
TIMEOUT=${BENCH_TIMEOUT:-600}
[ -x "$LG" ] || { echo "bench: no binary $LG (make first, or LG=path)" >&2; exit 2; }
LG=$(cd "$(dirname "$LG")" && pwd)/$(basename "$LG")

TMP=$(mktemp -d "${TMPDIR:-/tmp}/lg-bench-redact.XXXXXX")
trap 'rm -rf "$TMP"' EXIT
IN=$TMP/corpus.ndjson
SLICE=$TMP/slice.ndjson

echo "generating ${MB} MB NDJSON corpus (seed $SEED) ..." >&2
python3 tests/redact/gen_corpus.py --format ndjson --seed "$SEED" --bytes $((MB * 1000000)) -o "$IN"
# the redact-pii slice: the first RP_MB MB, cut back to a whole record
python3 - "$IN" "$SLICE" $((RP_MB * 1000000)) <<'EOF'
import sys
data = open(sys.argv[1], "rb").read(int(sys.argv[3]))
open(sys.argv[2], "wb").write(data[:data.rfind(b"\n") + 1])
EOF
# the same records with an order id and a timestamp string each: bare
# digit runs are weak candidates (a phone only with a cue word near it),
# and real support exports are full of them
IDS=$TMP/corpus-ids.ndjson
python3 - "$IN" "$IDS" "$SEED" <<'EOF'
import random, sys
rng = random.Random(int(sys.argv[3]))
with open(sys.argv[1], "rb") as f, open(sys.argv[2], "wb") as o:
    for line in f:
        tail = b',"order_id":"%d","ts":"%d"}\n' % (
            rng.randint(1000000, 9999999), 1700000000 + rng.randint(0, 9999999))
        o.write(line.rstrip(b"\n")[:-1] + tail)
EOF
# one long record: the corpus's text fields, joined, as a line, as a
# JSON string and as a CSV field
LONG_MB=${BENCH_LONG_MB:-50}
python3 - "$IN" "$TMP/long.txt" "$TMP/long.ndjson" $((LONG_MB * 1000000)) "$TMP/long.csv" <<'EOF'
import json, sys
parts, n = [], 0
with open(sys.argv[1]) as f:
    for line in f:
        for v in json.loads(line).values():
            if isinstance(v, str):
                parts.append(v)
                n += len(v) + 1
        if n >= int(sys.argv[4]):
            break
text = " ".join(parts).replace("\n", " ")
open(sys.argv[2], "w").write(text + "\n")
open(sys.argv[3], "w").write(json.dumps({"id": 1, "body": text}) + "\n")
open(sys.argv[5], "w").write('id,body\n1,"%s"\n' % text.replace('"', '""'))
EOF
LONG_SIZE=$(wc -c <"$TMP/long.txt")
LONGJ_SIZE=$(wc -c <"$TMP/long.ndjson")
LONGC_SIZE=$(wc -c <"$TMP/long.csv")
IDS_SIZE=$(wc -c <"$IDS")
SIZE=$(wc -c <"$IN")
SLICE_SIZE=$(wc -c <"$SLICE")
RECORDS=$(wc -l <"$IN")

# the sed baseline: comparable patterns, one pass, ERE, byte semantics
cat >"$TMP/redact.sed" <<'EOF'
s/[A-Za-z0-9._%+-]+@[A-Za-z0-9-]+(\.[A-Za-z0-9-]+)+/<EMAIL>/g
s/[A-Za-z0-9._%+-]+ ?(\[|\(|\{| )(at|AT|At)(\]|\)|\}| ) ?[A-Za-z0-9-]+ ?(\[|\(|\{| )(dot|DOT|Dot)(\]|\)|\}| ) ?[A-Za-z]{2,}/<EMAIL>/g
s/\b[A-Z]{2}[0-9]{2}( ?[A-Z0-9]{4}){3,7}( ?[A-Z0-9]{1,3})?\b/<IBAN>/g
s/\b[0-9]{4}[ .-]?[0-9]{4}[ .-]?[0-9]{4}[ .-]?[0-9]{4}\b|\b3[47][0-9]{2}[ -]?[0-9]{6}[ -]?[0-9]{5}\b/<CREDIT_CARD>/g
s/\b[0-9]{3}[- .][0-9]{2}[- .][0-9]{4}\b/<US_SSN>/g
s/(\+[0-9]{1,3}[ .-]?)?\(?\b[0-9]{3}\)?[ .-]?[0-9]{3}[ .-]?[0-9]{4}\b/<PHONE>/g
s/\b([0-9]{1,3}\.){3}[0-9]{1,3}\b/<IP_ADDRESS>/g
s/\bAKIA[A-Z0-9]{16}\b/<SECRET>/g
EOF
# ... and regexes for the values those 8 do not look for
cp "$TMP/redact.sed" "$TMP/redact-all.sed"
cat >>"$TMP/redact-all.sed" <<'SED'
s/[A-Za-z0-9._%+-]+(%40|&#64;|\\u0040)[A-Za-z0-9-]+(\.[A-Za-z0-9-]+)+/<EMAIL>/g
s/\b[0-9]{1,3}(\[\.\]|\.)[0-9]{1,3}(\[\.\]|\.)[0-9]{1,3}\[\.\][0-9]{1,3}\b/<IP_ADDRESS>/g
s/\b([0-9A-Fa-f]{1,4}:){2,7}[0-9A-Fa-f]{1,4}\b|\b([0-9A-Fa-f]{1,4}:){1,6}:([0-9A-Fa-f]{1,4})?\b/<IP_ADDRESS>/g
s/\b([0-9A-Fa-f]{2}[:-]){5}[0-9A-Fa-f]{2}\b|\b[0-9A-Fa-f]{4}\.[0-9A-Fa-f]{4}\.[0-9A-Fa-f]{4}\b/<MAC_ADDRESS>/g
s#\b(https?|ftp|sftp|wss?|file)://[^ "<>]+|\bwww\.[A-Za-z0-9][^ "<>]*#<URL>#g
s/\beyJ[A-Za-z0-9_-]{8,}\.eyJ[A-Za-z0-9_-]+\.[A-Za-z0-9_-]*/<SECRET>/g
s/-----BEGIN [A-Z0-9 ]{0,24}PRIVATE KEY( BLOCK)?-----/<SECRET>/g
s/\b(gh[pousr]_[A-Za-z0-9]{30,}|xox[baprse]-[A-Za-z0-9-]{6,}|AIza[0-9A-Za-z_-]{35})\b/<SECRET>/g
s/\b([Pp]assword|[Pp]wd|[Ss]ecret|[Aa]pi[_-]?[Kk]ey|[Tt]oken|AccountKey)["']? {0,3}[:=] ?[^ ",;]+/\1=<SECRET>/g
s/\b([Mm]y )?(password|passcode|pin) (is|was) [^ ",;]+/<SECRET>/g
s#\b[A-Za-z0-9+/_=-]{32,}\b#<SECRET>#g
s/\b(my name is|[Nn]ame:|Customer:|Regards,|Thanks,|Hi|Hello|Dear|Mr\.?|Mrs\.?|Ms\.?) [A-Z][a-z]+( [A-Z][a-z]+)?/\1 <PERSON>/g
s/\b[0-9]{1,5} [A-Z][a-z]+ (Street|St|Avenue|Ave|Road|Rd|Boulevard|Blvd|Lane|Ln|Drive|Dr|Way)\b/<LOCATION>/g
s/\b[A-Z][a-z]+, [A-Z]{2} [0-9]{5}\b/<LOCATION>/g
s/\b[A-Z]{2}[0-9]{2}[A-Z0-9]{11,30}\b/<IBAN>/g
s/\+[0-9]{1,3}[ .-]?[0-9]{2,4}[ .-]?[0-9]{3,4}[ .-]?[0-9]{3,4}\b/<PHONE>/g
s/\b([Cc][Vv][VvCc]2?|[Ss]ecurity code)(:? |: ?| is )[0-9]{3,4}\b/\1 <CREDIT_CARD>/g
s#\b([Dd][Oo][Bb]|[Dd]ate of birth|[Bb]irth ?date|[Bb]orn on)(:? |: ?| is )([0-9]{1,4}[/.-][0-9]{1,2}[/.-][0-9]{2,4}|[0-9]{1,2} [A-Z][a-z]+ [0-9]{4}|[A-Z][a-z]+ [0-9]{1,2}, [0-9]{4})\b#\1 <DATE_OF_BIRTH>#g
s/\b([Zz][Ii][Pp]( [Cc]ode)?|[Pp]ost ?[Cc]ode|[Pp]ostal [Cc]ode)(:? |: ?| is )([0-9]{5}(-[0-9]{4})?|[A-Z]{1,2}[0-9][A-Z0-9]? [0-9][A-Z]{2})\b/\1 <LOCATION>/g
s#\b(GPS|[Ll]at/l(ong|ng|on)|[Cc]oordinates)(:? |: ?)\(?-?[0-9]{1,2}\.[0-9]{3,}, ?-?[0-9]{1,3}\.[0-9]{3,}#\1 <LOCATION>#g
SED

# measure LABEL INPUT CMD...: runs CMD < INPUT > /dev/null once; prints
# "SECONDS MAXRSS_KB EXIT" (max RSS from /usr/bin/time -f %M when present,
# else from the child's rusage via wait4)
TIME_BIN= RSS_HOW="child rusage via wait4"
[ -x /usr/bin/time ] && { TIME_BIN=/usr/bin/time; RSS_HOW="/usr/bin/time -f %M"; }
measure() {
    local input=$1; shift
    TIMEOUT=$TIMEOUT TIME_BIN=$TIME_BIN RSS_FILE=$TMP/rss python3 - "$input" "$@" <<'EOF'
import os, signal, subprocess, sys, threading, time
inp, cmd = sys.argv[1], sys.argv[2:]
tb, rss_file = os.environ.get("TIME_BIN"), os.environ["RSS_FILE"]
if tb:
    cmd = [tb, "-f", "%M", "-o", rss_file] + cmd
with open(inp, "rb") as fin:
    t0 = time.perf_counter()
    p = subprocess.Popen(cmd, stdin=fin, stdout=subprocess.DEVNULL)
    t = threading.Timer(float(os.environ["TIMEOUT"]), lambda: p.send_signal(signal.SIGKILL))
    t.daemon = True
    t.start()
    _, status, ru = os.wait4(p.pid, 0)
    dt = time.perf_counter() - t0
rss = ru.ru_maxrss
if tb:
    try:
        rss = int(open(rss_file).read().split()[-1])
    except (OSError, ValueError, IndexError):
        pass
print("%.4f %d %d" % (dt, rss, os.waitstatus_to_exitcode(status)))
EOF
}

# redact-pii (npm) in the temp dir
RP=
if [ "${BENCH_NO_REDACT_PII:-0}" = 1 ]; then
    echo "redact-pii: skipped (BENCH_NO_REDACT_PII=1)" >&2
elif ! command -v npm >/dev/null || ! command -v node >/dev/null; then
    echo "redact-pii: npm/node not available, skipped" >&2
else
    echo "installing redact-pii@3 into $TMP/rp ..." >&2
    if npm install --prefix "$TMP/rp" --no-audit --no-fund --loglevel=error redact-pii@3 >"$TMP/npm.log" 2>&1; then
        cp tests/redact/redact_pii_runner.js "$TMP/rp/runner.js"
        RP=$TMP/rp/runner.js
    else
        echo "redact-pii: npm install failed, skipped:" >&2
        tail -5 "$TMP/npm.log" >&2
    fi
fi

declare -A BEST RSS
best() { # name seconds rss
    if [ -z "${BEST[$1]:-}" ] || awk -v a="$2" -v b="${BEST[$1]}" 'BEGIN { exit !(a < b) }'; then
        BEST[$1]=$2
    fi
    if [ -z "${RSS[$1]:-}" ] || [ "$3" -gt "${RSS[$1]}" ]; then RSS[$1]=$3; fi
}
run() { # name input cmd...
    local name=$1 r
    shift
    r=$(measure "$@")
    set -- $r
    if [ "$3" != 0 ]; then echo "bench: $name exited $3" >&2; exit 1; fi
    best "$name" "$1" "$2"
}

for round in $(seq 1 "$ROUNDS"); do
    echo "round $round/$ROUNDS ..." >&2
    run cat "$IN" cat
    run lg0 /dev/null "$LG" redact --format ndjson
    run lg1 "$IN" "$LG" redact --format ndjson --threads 1
    run lg2 "$IN" "$LG" redact --format ndjson --threads 2
    run lgids "$IDS" "$LG" redact --format ndjson --threads 1
    run lglong "$TMP/long.txt" "$LG" redact --format text
    run lglongj "$TMP/long.ndjson" "$LG" redact --format ndjson
    run lglongc "$TMP/long.csv" "$LG" redact --format csv
    # two independent one-thread runs at once: what two cores of this
    # machine give when nothing is shared (caches and memory bandwidth
    # are, on these VMs), the ceiling for --threads 2
    run lgpair /dev/null sh -c '"$1" redact --format ndjson <"$2" >/dev/null &
        "$1" redact --format ndjson <"$2" >/dev/null; wait' sh "$LG" "$IN"
    run sed "$IN" env LC_ALL=C sed -E -f "$TMP/redact.sed"
    run sedall "$IN" env LC_ALL=C sed -E -f "$TMP/redact-all.sed"
    if [ -n "$RP" ]; then
        # node start-up is excluded: the runner reports its redact() loop time
        r=$(measure "$SLICE" node "$RP" "$TMP/rp.seconds")
        set -- $r
        [ "$3" = 0 ] || { echo "bench: redact-pii exited $3" >&2; exit 1; }
        best rp_wall "$1" "$2"
        best rp "$(cat "$TMP/rp.seconds")" "$2"
    fi
done

mbs() { awk -v b="$1" -v s="$2" 'BEGIN { printf "%.1f", b / 1e6 / s }'; }
div() { awk -v a="$1" -v b="$2" -v p="${3:-2}" 'BEGIN { printf "%.*f", p, a / b }'; }
echo
printf 'corpus: %.1f MB NDJSON, %d records (gen_corpus.py --bytes, seed %s); best of %s rounds; %s CPUs\n' \
    "$(awk -v b="$SIZE" 'BEGIN { print b / 1e6 }')" "$RECORDS" "$SEED" "$ROUNDS" "$(nproc)"
printf '%-36s %9s %10s %12s\n' tool seconds MB/s "max RSS MB"
row() { # label name bytes
    printf '%-36s %9.3f %10s %12s\n' "$1" "${BEST[$2]}" "$(mbs "$3" "${BEST[$2]}")" \
        "$(awk -v k="${RSS[$2]}" 'BEGIN { printf "%.1f", k / 1024 }')"
}
row "cat" cat "$SIZE"
row "leakguard redact --threads 1" lg1 "$SIZE"
row "leakguard redact --threads 2" lg2 "$SIZE"
row "leakguard, + order id and timestamp" lgids "$IDS_SIZE"
row "leakguard, one $((LONG_SIZE / 1000000)) MB line (text)" lglong "$LONG_SIZE"
row "leakguard, the same as a JSON string" lglongj "$LONGJ_SIZE"
row "leakguard, the same as a CSV field" lglongc "$LONGC_SIZE"
row "sed -E (8 patterns, LC_ALL=C)" sed "$SIZE"
row "sed -E (every detector, $(grep -c '^s' "$TMP/redact-all.sed") patterns)" sedall "$SIZE"
printf '%-36s %9.3f %10s %12s\n' "leakguard start-up (empty input)" "${BEST[lg0]}" - \
    "$(awk -v k="${RSS[lg0]}" 'BEGIN { printf "%.1f", k / 1024 }')"
if [ -n "$RP" ]; then
    row "redact-pii@3 ($(awk -v b="$SLICE_SIZE" 'BEGIN { printf "%.1f", b / 1e6 }') MB slice, loop)" rp "$SLICE_SIZE"
    row "redact-pii@3 (same, wall incl. node)" rp_wall "$SLICE_SIZE"
fi
L1=$(mbs "$SIZE" "${BEST[lg1]}")
L2=$(mbs "$SIZE" "${BEST[lg2]}")
echo
printf 'leakguard/sed        %sx (8 patterns), %sx (every detector)\n' \
    "$(div "$L1" "$(mbs "$SIZE" "${BEST[sed]}")")" \
    "$(div "$L1" "$(mbs "$SIZE" "${BEST[sedall]}")")"
if [ -n "$RP" ]; then
    printf 'leakguard/redact-pii %sx  (redact-pii loop time, node start-up excluded)\n' \
        "$(div "$L1" "$(mbs "$SLICE_SIZE" "${BEST[rp]}")")"
else
    echo "leakguard/redact-pii -  (redact-pii skipped)"
fi
LP=$(mbs $((2 * SIZE)) "${BEST[lgpair]}")
printf 'threads2/threads1    %sx  (two one-thread runs at once: %sx, %s MB/s in all;\n' \
    "$(div "$L2" "$L1")" "$(div "$LP" "$L1")" "$LP"
printf '                     --threads 2 reaches %s%% of that)\n' "$(awk -v a="$L2" -v b="$LP" 'BEGIN { printf "%.0f", 100 * a / b }')"
printf 'leakguard/cat        %sx\n' "$(div "$L1" "$(mbs "$SIZE" "${BEST[cat]}")" 3)"
printf 'leakguard excluding start-up: %s MB/s (threads 1), %s MB/s (threads 2)\n' \
    "$(awk -v b="$SIZE" -v s="${BEST[lg1]}" -v z="${BEST[lg0]}" 'BEGIN { r = 0; if (s - z > 0) r = b / 1e6 / (s - z); printf "%.1f", r }')" \
    "$(awk -v b="$SIZE" -v s="${BEST[lg2]}" -v z="${BEST[lg0]}" 'BEGIN { r = 0; if (s - z > 0) r = b / 1e6 / (s - z); printf "%.1f", r }')"
printf 'long record          max RSS %sx the record (text), %sx (JSON string), %sx (CSV field)\n' \
    "$(awk -v k="${RSS[lglong]}" -v b="$LONG_SIZE" 'BEGIN { printf "%.2f", k * 1024 / b }')" \
    "$(awk -v k="${RSS[lglongj]}" -v b="$LONGJ_SIZE" 'BEGIN { printf "%.2f", k * 1024 / b }')" \
    "$(awk -v k="${RSS[lglongc]}" -v b="$LONGC_SIZE" 'BEGIN { printf "%.2f", k * 1024 / b }')"
printf 'leakguard max RSS    %s MB (threads 1), %s MB (threads 2)  [%s]\n' \
    "$(awk -v k="${RSS[lg1]}" 'BEGIN { printf "%.1f", k / 1024 }')" \
    "$(awk -v k="${RSS[lg2]}" 'BEGIN { printf "%.1f", k / 1024 }')" \
    "$RSS_HOW"
