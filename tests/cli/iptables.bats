#!/usr/bin/env bats
# iptables.bats - `audit` and `flow` on iptables-save files, errors, and
# the kernel differential test (tests/kernel/netns-diff.sh).

LEAKGUARD=${LEAKGUARD:-$BATS_TEST_DIRNAME/../../build/leakguard}
D=$BATS_TEST_DIRNAME/../data/iptables

audit_json() { run "$LEAKGUARD" audit --output json "$@"; }
# port state of the finding for PORT/tcp ("none" if there is none)
state_of() { jq -r --argjson p "$1" '[.findings[] | select(.port == $p and .protocol == "tcp")][0].state // "none"'; }

@test "incident: INPUT policy ACCEPT exposes every data store" {
    audit_json "$D/incident.rules"
    [ "$status" -eq 1 ]
    [ "$(echo "$output" | jq '[.findings[] | select(.state == "exposed")] | length')" -ge 20 ]
    [ "$(echo "$output" | state_of 9200)" = exposed ]
    [ "$(echo "$output" | jq -r '[.findings[] | select(.port == 9200)][0].rules[0]')" = policy ]
    [ "$(echo "$output" | jq -r '[.findings[]][0].resource')" = "incident.rules INPUT" ]
    [ "$(echo "$output" | jq -r '[.findings[]][0].kind')" = iptables ]
}

@test "deny above allow: 9200 blocked, the rest of 9000:9300 exposed" {
    audit_json "$D/deny-above-allow.rules"
    [ "$status" -eq 1 ]
    [ "$(echo "$output" | state_of 9200)" = none ]
    [ "$(echo "$output" | state_of 9300)" = exposed ]
    [ "$(echo "$output" | state_of 6379)" = none ]
    [ "$(echo "$output" | jq -r '[.findings[] | select(.port == 9300)][0].rules[0]')" = "allow app range" ]
}

@test "multiport list containing 9200 and --ports through the source port" {
    audit_json "$D/multiport.rules"
    [ "$(echo "$output" | state_of 9200)" = exposed ]
    [ "$(echo "$output" | jq -r '[.findings[] | select(.port == 9200)][0].rules[0]')" = "web and search" ]
    run "$LEAKGUARD" flow "$D/multiport.rules" <<<$'tcp 52.1.2.3 40000 10.0.0.1 9200\ntcp 52.1.2.3 40000 10.0.0.1 8080\ntcp 52.1.2.3 5432 10.0.0.1 8080\nudp 52.1.2.3 40000 10.0.0.1 11211'
    [ "$status" -eq 0 ]
    [ "${lines[0]}" = $'allow\tweb and search' ]
    [ "${lines[1]}" = $'deny\tpolicy' ]
    [ "${lines[2]}" = $'allow\tINPUT:4' ]
    [ "${lines[3]}" = $'allow\tINPUT:3' ]
}

@test "! -s: everything but 10/8 reaches 27017" {
    audit_json "$D/not-source.rules"
    [ "$(echo "$output" | state_of 27017)" = exposed ]
    [ "$(echo "$output" | state_of 5432)" = none ]
    run "$LEAKGUARD" flow "$D/not-source.rules" <<<$'tcp 10.1.1.1 40000 10.0.0.1 27017\ntcp 8.8.8.8 40000 10.0.0.1 27017\ntcp 198.51.100.15 1 10.0.0.1 9200\ntcp 198.51.100.15 1 10.0.0.1 22'
    [ "${lines[0]}" = $'deny\tpolicy' ]
    [ "${lines[1]}" = $'allow\tmongo from outside?!' ]
    [ "${lines[2]}" = $'allow\tINPUT:4' ]
    [ "${lines[3]}" = $'deny\tpolicy' ]
}

@test "user chains: jump, RETURN, goto" {
    audit_json "$D/user-chains.rules"
    [ "$status" -eq 1 ]
    [ "$(echo "$output" | state_of 6379)" = exposed ]
    [ "$(echo "$output" | state_of 5432)" = none ]
    run "$LEAKGUARD" flow "$D/user-chains.rules" <<<$'tcp 52.1.2.3 40000 10.0.0.1 443\ntcp 52.1.2.3 40000 10.0.0.1 22\ntcp 192.0.2.9 40000 10.0.0.1 22\ntcp 10.9.9.9 40000 10.0.0.1 5432\ntcp 52.1.2.3 40000 10.0.0.1 5432'
    [ "${lines[0]}" = $'allow\tSERVICES:4' ]
    [ "${lines[1]}" = $'deny\tADMIN:2' ]
    [ "${lines[2]}" = $'allow\tADMIN:1' ]
    [ "${lines[3]}" = $'allow\tDBS:1' ]
    [ "${lines[4]}" = $'deny\tpolicy' ]
}

@test "conntrack ESTABLISHED,RELATED and ! --syn rules never admit a new connection" {
    audit_json "$D/conntrack-only.rules"
    [ "$(echo "$output" | state_of 9200)" = none ]
    [ "$(echo "$output" | state_of 6379)" = none ]
    [ "$(echo "$output" | state_of 11211)" = exposed ]
}

@test "-i eth0 is unknown without --public-iface, decided with it" {
    audit_json "$D/iface.rules"
    [ "$(echo "$output" | state_of 9200)" = unknown ]
    echo "$output" | jq -e '[.findings[] | select(.port == 9200)][0].reason | test("public-iface")'
    [ "$(echo "$output" | state_of 5432)" = exposed ]
    audit_json --public-iface eth0 "$D/iface.rules"
    [ "$(echo "$output" | state_of 9200)" = exposed ]
    [ "$(echo "$output" | state_of 6379)" = none ]
    run "$LEAKGUARD" flow --public-iface docker0 "$D/iface.rules" <<<$'tcp 52.1.2.3 40000 10.0.0.1 9200\ntcp 52.1.2.3 40000 10.0.0.1 6379'
    [ "${lines[0]}" = $'deny\tpolicy' ]
    [ "${lines[1]}" = $'allow\tINPUT:3' ]
}

@test "ipset and -m limit are unknown, never guessed" {
    audit_json "$D/ipset.rules"
    [ "$(echo "$output" | state_of 9200)" = unknown ]
    [ "$(echo "$output" | state_of 6379)" = unknown ]
    echo "$output" | jq -e '[.findings[] | select(.port == 9200)][0].reason | test("trusted")'
    run "$LEAKGUARD" flow "$D/ipset.rules" <<<$'tcp 52.1.2.3 40000 10.0.0.1 9200\ntcp 52.1.2.3 40000 10.0.0.1 22'
    [ "${lines[0]}" = $'unknown\tINPUT:1' ]
    [ "${lines[1]}" = $'allow\tINPUT:3' ]
}

@test "ip6tables-save: ::/0 exposes 9200 to IPv6 only" {
    audit_json "$D/ip6.rules"
    [ "$status" -eq 1 ]
    [ "$(echo "$output" | state_of 9200)" = exposed ]
    [ "$(echo "$output" | jq -r '[.findings[] | select(.port == 9200)][0].resource')" = "ip6.rules ip6 INPUT" ]
    run "$LEAKGUARD" flow "$D/ip6.rules" <<<$'tcp 2a00::1 40000 2a01::2 9200\ntcp 2a00::1 40000 2a01::2 5432'
    [ "${lines[0]}" = $'allow\tINPUT:4' ]
    [ "${lines[1]}" = $'deny\tpolicy' ]
}

@test "ufw-like ruleset: addrtype LOCAL, quoted comment names the rule" {
    audit_json "$D/ufw-like.rules"
    [ "$(echo "$output" | state_of 9200)" = exposed ]
    [ "$(echo "$output" | jq -r '[.findings[] | select(.port == 9200)][0].rules[0]')" = '"es" for the \app\' ]
    [ "$(echo "$output" | state_of 6379)" = exposed ]
    [ "$(echo "$output" | state_of 5432)" = none ]
}

@test "NFQUEUE decides elsewhere: flow says unknown" {
    run "$LEAKGUARD" flow "$D/with-nat.rules" <<<$'tcp 52.1.2.3 40000 10.0.0.1 9200\ntcp 52.1.2.3 40000 10.0.0.1 11211\ntcp 52.1.2.3 40000 10.0.0.1 22'
    [ "${lines[0]}" = $'unknown\tINPUT:2' ]
    [ "${lines[1]}" = $'deny\tINPUT:1' ]
    [ "${lines[2]}" = $'allow\tpolicy' ]
}

@test "malformed files: exit 2, file:line:col on stderr, nothing on stdout" {
    for f in unknown-option:3:17 undeclared-chain:3:4 missing-target:3:38 no-commit:3:1 \
             bad-address:3:13 bad-port:3:32 outside-table:1:1 loop:7:9 quote:3:31; do
        name=${f%%:*}
        where=${f#*:}
        out=$("$LEAKGUARD" audit --output json "$D/bad/$name.rules" 2>"$BATS_TEST_TMPDIR/err") && false
        rc=$?
        [ "$rc" -eq 2 ] || { echo "$name: exit $rc"; false; }
        [ -z "$out" ] || { echo "$name: stdout: $out"; false; }
        grep -q "bad/$name.rules:$where: " "$BATS_TEST_TMPDIR/err" || { echo "$name:"; cat "$BATS_TEST_TMPDIR/err"; false; }
    done
    run "$LEAKGUARD" flow "$D/bad/loop.rules" <<<$'tcp 1.2.3.4 1 10.0.0.1 22'
    [ "$status" -eq 2 ]
}

@test "kernel agrees with flow (netns differential test)" {
    run env LEAKGUARD="$LEAKGUARD" "$BATS_TEST_DIRNAME/../kernel/netns-diff.sh"
    if [ "$status" -eq 77 ]; then
        skip "${output#SKIP: }"
    fi
    echo "$output" | tail -60
    [ "$status" -eq 0 ]
    [[ "$output" == *" 0 disagreements"* ]]
}
