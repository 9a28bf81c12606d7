#!/bin/bash
# netns-diff.sh - kernel differential test for the iptables reader and the
# flow engine: random iptables rulesets are loaded into a real kernel in a
# network namespace, real TCP connections are tried from a second
# namespace, and each outcome is compared with `leakguard flow` on the
# kernel's own iptables-save output.
#
# Traffic never leaves the two namespaces this script creates (a veth pair
# between them, no default route, addresses only on those interfaces).
# Exit: 0 all agree, 1 a disagreement (ruleset and flow printed),
# 77 cannot run here (message starts with "SKIP:").
#
# Environment: LEAKGUARD (binary), LG_KERNEL_RULESETS (default 30),
# LG_KERNEL_SEED (default random; printed so a failure can be replayed).
set -u
HERE=$(cd "$(dirname "$0")" && pwd)
LEAKGUARD=${LEAKGUARD:-$HERE/../../build/leakguard}
N=${LG_KERNEL_RULESETS:-30}
SEED=${LG_KERNEL_SEED:-$(( (RANDOM << 15) | RANDOM ))}
# the system interpreter: version-manager shims cost a second per start
PYTHON=${PYTHON:-$( [ -x /usr/bin/python3 ] && echo /usr/bin/python3 || echo python3 )}
PY="$PYTHON $HERE/netns_diff.py"
SRV=lgt-srv-$$
CLI=lgt-cli-$$
TMP=
LPID=

skip() { echo "SKIP: cannot create network namespaces: $*"; exit 77; }

[ -x "$LEAKGUARD" ] || { echo "netns-diff: no leakguard binary at $LEAKGUARD" >&2; exit 1; }
[ "$(id -u)" = 0 ] || skip "needs root (run as root or in a user namespace with CAP_NET_ADMIN)"
for t in ip iptables-restore iptables-save "$PYTHON"; do
    command -v "$t" >/dev/null 2>&1 || skip "$t not installed"
done

cleanup() {
    [ -n "$LPID" ] && kill "$LPID" 2>/dev/null && wait "$LPID" 2>/dev/null
    ip netns del "$CLI" 2>/dev/null
    ip netns del "$SRV" 2>/dev/null
    [ -n "$TMP" ] && rm -rf "$TMP"
}
trap cleanup EXIT
trap 'exit 1' INT TERM

err=$(ip netns add "$SRV" 2>&1) || skip "ip netns add: $err"
err=$(ip netns add "$CLI" 2>&1) || skip "ip netns add: $err"
TMP=$(mktemp -d)

setup() {
    ip -n "$SRV" link set lo up &&
    ip -n "$CLI" link set lo up &&
    ip -n "$SRV" link add vsrv type veth peer name vcli netns "$CLI" &&
    ip -n "$SRV" addr add 10.231.0.1/24 dev vsrv &&
    ip -n "$CLI" addr add 10.231.0.2/24 dev vcli &&
    ip -n "$SRV" link set vsrv up &&
    ip -n "$CLI" link set vcli up &&
    for i in $(seq 10 20); do ip -n "$CLI" addr add "10.231.0.$i/32" dev vcli || return 1; done &&
    for a in 198.51.100.7 203.0.113.9 192.0.2.33; do
        ip -n "$CLI" addr add "$a/32" dev vcli &&
        ip -n "$SRV" route add "$a/32" dev vsrv || return 1
    done
}
err=$(setup 2>&1) || skip "veth setup: $err"
# the replies from the server to the extra client addresses use those routes;
# the client reaches 10.231.0.1 over its connected /24 from any local source
ip netns exec "$CLI" sysctl -qw net.ipv4.conf.all.rp_filter=0 2>/dev/null
ip netns exec "$SRV" sysctl -qw net.ipv4.conf.all.rp_filter=0 2>/dev/null

empty=$'*filter\n:INPUT ACCEPT [0:0]\n:FORWARD ACCEPT [0:0]\n:OUTPUT ACCEPT [0:0]\nCOMMIT\n'
err=$(printf '%s' "$empty" | ip netns exec "$SRV" iptables-restore 2>&1) ||
    skip "iptables-restore in a namespace: $err"

ip netns exec "$SRV" $PY listen >"$TMP/listen.out" 2>"$TMP/listen.err" &
LPID=$!
for _ in $(seq 50); do
    grep -q ready "$TMP/listen.out" 2>/dev/null && break
    sleep 0.1
done
grep -q ready "$TMP/listen.out" || { echo "netns-diff: listener did not start:"; cat "$TMP/listen.err"; exit 1; }

# Every flow uses its own source port, never reused in the run, so no
# conntrack entry of an earlier ruleset can meet a later connection.
sport=20000

# With no rules every connection must succeed: else the setup is wrong and
# a "deny" would mean nothing.
$PY flows 0 "$sport" >"$TMP/flows"
sport=$((sport + 100))
ip netns exec "$CLI" $PY probe 2 <"$TMP/flows" >"$TMP/kernel"
if grep -qv '^allow$' "$TMP/kernel"; then
    echo "netns-diff: setup check failed: with no rules these flows did not connect:"
    paste "$TMP/flows" "$TMP/kernel" | grep -v 'allow$'
    exit 1
fi

echo "netns-diff: seed $SEED, $N rulesets"
total=0 bad=0
for i in $(seq 1 "$N"); do
    s=$((SEED + i))
    $PY gen "$s" >"$TMP/gen.rules"
    if ! err=$(ip netns exec "$SRV" iptables-restore <"$TMP/gen.rules" 2>&1); then
        echo "netns-diff: the kernel refused generated ruleset (seed $s): $err"
        cat "$TMP/gen.rules"
        exit 1
    fi
    # leakguard reads what the kernel says it has, as a user would save it
    ip netns exec "$SRV" iptables-save >"$TMP/saved.rules"
    $PY flows "$s" "$sport" >"$TMP/flows"
    sport=$((sport + 100))
    ip netns exec "$CLI" $PY probe 1.5 <"$TMP/flows" >"$TMP/kernel"
    if ! "$LEAKGUARD" flow --format iptables --public-iface vsrv "$TMP/saved.rules" \
            <"$TMP/flows" >"$TMP/lg" 2>"$TMP/lg.err"; then
        echo "netns-diff: leakguard flow failed on ruleset (seed $s):"
        cat "$TMP/lg.err" "$TMP/saved.rules"
        exit 1
    fi
    nf=$(wc -l <"$TMP/flows")
    if [ "$(wc -l <"$TMP/lg")" != "$nf" ] || [ "$(wc -l <"$TMP/kernel")" != "$nf" ]; then
        echo "netns-diff: expected $nf verdicts from both sides (seed $s)"
        cat "$TMP/lg" "$TMP/kernel"
        exit 1
    fi
    total=$((total + nf))
    d=$(paste "$TMP/flows" "$TMP/kernel" "$TMP/lg" |
        awk -F'\t' '$2 != $3')
    if [ -n "$d" ]; then
        n=$(printf '%s\n' "$d" | wc -l)
        bad=$((bad + n))
        echo "--- ruleset (seed $s, as saved by the kernel):"
        grep -v '^#' "$TMP/saved.rules"
        echo "--- disagreements: flow <TAB> kernel <TAB> leakguard verdict <TAB> rule"
        printf '%s\n' "$d"
    fi
done
echo "netns-diff: $total flows compared, $bad disagreements"
[ "$bad" -eq 0 ]
