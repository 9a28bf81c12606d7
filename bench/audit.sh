#!/bin/bash
# audit.sh - speed and memory of `leakguard audit` and `leakguard flow` on
# large generated rulesets, each next to a same-run baseline (reading the
# same file with python3's json module / jq, or tokenising it) and the ratio.
#
#   1 000 000 Azure rules in 1 000 NSGs (az network nsg list JSON)
#     100 000 iptables rules in nested user chains (iptables-save)
#     100 000 flows through `leakguard flow` on the Azure file
#
# Inputs are cached in build/bench/ (regenerated when missing; delete them
# to regenerate).  Binary: $LEAKGUARD or build/leakguard.  Run: make bench.
# Target: 1M Azure rules audited in < 10 s with < 1 GB max RSS (the
# audit is timed best of BENCH_ROUNDS=3 runs).
set -eu
cd "$(dirname "$0")/.."
LG=${LEAKGUARD:-build/leakguard}
D=build/bench
NSGS=${BENCH_NSGS:-1000}
PER=${BENCH_RULES_PER_NSG:-1000}
IPT=${BENCH_IPT_RULES:-100000}
FLOWS=${BENCH_FLOWS:-100000}
TIMEOUT=${BENCH_TIMEOUT:-600}   # seconds per leakguard run
AZ=$D/azure-${NSGS}x${PER}.json
IP=$D/iptables-${IPT}.rules
[ -x "$LG" ] || { echo "bench: no binary $LG (make first)" >&2; exit 2; }
mkdir -p "$D"

if [ ! -s "$AZ" ] || [ ! -s "$AZ.flows" ]; then
    echo "generating $AZ ..." >&2
    python3 bench/gen_azure.py "$AZ.tmp" "$NSGS" "$PER" "$FLOWS" >/dev/null
    mv "$AZ.tmp.flows" "$AZ.flows"; mv "$AZ.tmp" "$AZ"
fi
if [ ! -s "$IP" ]; then
    echo "generating $IP ..." >&2
    python3 bench/gen_iptables.py "$IP.tmp" "$IPT" >/dev/null
    mv "$IP.tmp" "$IP"
fi

# measure STDIN_FILE CMD...: runs CMD once (stdout discarded), prints
# "SECONDS MAXRSS_MB EXIT".  Python's wait4 gives the child's own peak RSS,
# so nothing beyond python3 is needed (no /usr/bin/time).
measure() {
    TIMEOUT=$TIMEOUT python3 - "$@" <<'EOF'
import os, subprocess, sys, time
stdin = open(sys.argv[1], "rb") if sys.argv[1] != "-" else subprocess.DEVNULL
t0 = time.perf_counter()
p = subprocess.Popen(sys.argv[2:], stdin=stdin, stdout=subprocess.DEVNULL)
timeout = float(os.environ.get("TIMEOUT", "0") or 0)
if timeout > 0:
    import signal, threading
    threading.Timer(timeout, lambda: p.send_signal(signal.SIGKILL)).start()
_, status, ru = os.wait4(p.pid, 0)
dt = time.perf_counter() - t0
print("%.3f %.1f %d" % (dt, ru.ru_maxrss / 1024.0, os.waitstatus_to_exitcode(status)), flush=True)
os._exit(0)  # do not wait for the watchdog timer
EOF
}

row() { # label rules seconds rss base_label base_seconds
    awk -v l="$1" -v n="$2" -v s="$3" -v m="$4" -v bl="$5" -v bs="$6" 'BEGIN {
        printf "%-22s %9d rules %8.2f s %12.0f rules/s %8.1f MB max RSS | baseline %-22s %7.2f s  ratio %.2fx\n",
            l, n, s, (s > 0 ? n / s : 0), m, bl, bs, (bs > 0 ? s / bs : 0) }'
}

check() { # exit code of leakguard: 0 or 1 (findings) are fine
    case "$1" in
        0|1) ;;
        -9|-15|137|124) echo "bench: leakguard timed out after ${TIMEOUT}s on $2 (BENCH_TIMEOUT)" >&2; exit 2 ;;
        *) echo "bench: leakguard failed (exit $1) on $2" >&2; exit 2 ;;
    esac
}

nrules_az=$((NSGS * PER))
nrules_ip=$(grep -c '^-A ' "$IP")
echo "leakguard bench ($("$LG" --version 2>/dev/null || echo "$LG"), $(nproc) CPUs)"

# best of ROUNDS runs (shared machines are noisy); the largest RSS of them
t=; m=0
for _ in $(seq "${BENCH_ROUNDS:-3}"); do
    read -r t1 m1 rc < <(measure - "$LG" audit --output json "$AZ"); check "$rc" "$AZ"
    t=$(awk -v a="$t" -v b="$t1" 'BEGIN { print (a == "" || b < a) ? b : a }')
    m=$(awk -v a="$m" -v b="$m1" 'BEGIN { print (b > a) ? b : a }')
done
read -r bt _ _ < <(measure - python3 -c 'import json,sys; json.load(open(sys.argv[1]))' "$AZ")
read -r jt _ _ < <(measure - jq -c length "$AZ")
row "audit azure" "$nrules_az" "$t" "$m" "python3 json.load" "$bt"
row "audit azure" "$nrules_az" "$t" "$m" "jq length" "$jt"
[ "$nrules_az" -ge 1000000 ] && awk -v s="$t" -v m="$m" 'BEGIN {
    printf "  target 1M Azure rules < 10 s and < 1024 MB: %s\n", (s < 10 && m < 1024) ? "met" : "NOT met" }'

read -r t m rc < <(measure - "$LG" audit --output json "$IP"); check "$rc" "$IP"
read -r bt _ _ < <(measure - python3 -c 'import sys
n = 0
for line in open(sys.argv[1]):
    n += len(line.split())' "$IP")
row "audit iptables" "$nrules_ip" "$t" "$m" "python3 tokenise" "$bt"

nflows=$(wc -l < "$AZ.flows")
head -1 "$AZ.flows" > "$D/one.flow"
read -r t1 _ rc < <(measure "$D/one.flow" "$LG" flow --resource nsg-0000 "$AZ"); check "$rc" "flow"
read -r t m rc < <(measure "$AZ.flows" "$LG" flow --resource nsg-0000 "$AZ"); check "$rc" "flow"
awk -v n="$nflows" -v t="$t" -v t1="$t1" -v m="$m" 'BEGIN {
    d = t - t1
    printf "%-22s %9d flows %8.2f s (1-flow run %.2f s) %10.0f flows/s overall", "flow azure", n, t, t1, n / t
    if (d > 0.05 * t) printf ", %.0f flows/s after load", n / d
    printf ", %.1f MB max RSS\n", m }'
