#!/usr/bin/env bats
# nft.bats - audit and flow on the nftables fixtures (tests/data/nft: real
# `nft -j list ruleset` output of the .nft sources next to them).  Contract:
# docs/HACKING-netrules.md.

LEAKGUARD=${LEAKGUARD:-$BATS_TEST_DIRNAME/../../build/leakguard}
D=$BATS_TEST_DIRNAME/../data/nft

audit() {
    run "$LEAKGUARD" audit --output json "$@"
    rc=$status
    out=$output
}

# the finding for tcp port $1, or null
finding() {
    jq -c --argjson p "$1" '[.findings[] | select(.protocol=="tcp" and .port==$p)][0]' <<<"$out"
}

flow() { # flow ARGS... ; flows on stdin via $FLOWS
    run bash -c 'printf "%b" "$FLOWS" | "$0" flow "$@"' "$LEAKGUARD" "$@"
}

@test "nft: incident, inet filter input policy accept exposes everything" {
    audit "$D/incident.json"
    [ "$rc" -eq 1 ]
    f=$(finding 9200)
    [ "$(jq -r .state <<<"$f")" = exposed ]
    [ "$(jq -r .resource <<<"$f")" = "nft input" ]
    [ "$(jq -r .direction <<<"$f")" = inbound ]
    [ "$(jq -r '.sources | sort | join(",")' <<<"$f")" = "0.0.0.0/0,::/0" ]
    [ "$(jq -r '.rules | join(",")' <<<"$f")" = policy ]
    FLOWS='tcp 52.1.2.3 40000 10.0.0.4 9200\n' flow "$D/incident.json"
    [ "$status" -eq 0 ]
    [ "$output" = "$(printf 'allow\tpolicy')" ]
}

@test "nft: policy drop, tcp dport 9200 from 0.0.0.0/0 is exposed on IPv4 only" {
    audit "$D/policy-drop-es.json"
    [ "$rc" -eq 1 ]
    f=$(finding 9200)
    [ "$(jq -r .state <<<"$f")" = exposed ]
    [ "$(jq -r '.sources | join(",")' <<<"$f")" = "0.0.0.0/0" ]
    [ "$(jq -r '.rules | join(",")' <<<"$f")" = allow-es ]
    [ "$(jq '[.findings[] | select(.port != 9200)] | length' <<<"$out")" -eq 0 ]
    FLOWS='tcp 52.1.2.3 40000 10.0.0.4 9200\ntcp 52.1.2.3 40000 10.0.0.4 22\ntcp 10.1.1.1 40000 10.0.0.4 22\ntcp 2a00::1 40000 2001:db8::4 9200\n' \
        flow "$D/policy-drop-es.json"
    [ "${lines[0]}" = "$(printf 'allow\tallow-es')" ]
    [ "${lines[1]}" = "$(printf 'deny\tpolicy')" ]
    [ "${lines[2]}" = "$(printf 'allow\tinput#3')" ]
    [ "${lines[3]}" = "$(printf 'deny\tpolicy')" ]
}

@test "nft: ct state established,related does not expose new connections" {
    audit "$D/ct-established.json"
    [ "$rc" -eq 0 ]
    [ "$(jq '.findings | length' <<<"$out")" -eq 0 ]
    FLOWS='tcp 52.1.2.3 40000 10.0.0.4 9200\n' flow "$D/ct-established.json"
    [ "$output" = "$(printf 'deny\tinput#4')" ]
}

@test "nft: named set of ports and a ct state vmap" {
    audit "$D/named-set.json"
    [ "$rc" -eq 1 ]
    for p in 9200 5432 6379 27017; do
        [ "$(jq -r .state <<<"$(finding $p)")" = exposed ]
        [ "$(jq -r '.rules | join(",")' <<<"$(finding $p)")" = "db ports" ]
    done
    [ "$(finding 5601)" = null ]
}

@test "nft: anonymous set and range" {
    audit "$D/anon-set.json"
    [ "$(jq -r .state <<<"$(finding 9200)")" = exposed ]
    [ "$(jq -r .state <<<"$(finding 5601)")" = exposed ]
    [ "$(finding 6379)" = null ]
    audit "$D/range.json"
    [ "$(jq -r .state <<<"$(finding 9200)")" = exposed ]
    [ "$(jq -r .state <<<"$(finding 9300)")" = exposed ]
    [ "$(finding 5601)" = null ]
    [ "$(jq -r '.rules | join(",")' <<<"$(finding 9200)")" = "input#3" ]
}

@test "nft: ip saddr != 10.0.0.0/8 exposes IPv4 except 10/8" {
    audit "$D/saddr-neg.json"
    [ "$rc" -eq 1 ]
    f=$(finding 9200)
    [ "$(jq -r .state <<<"$f")" = exposed ]
    [ "$(jq -r '.sources | join(",")' <<<"$f")" = "0.0.0.0/0" ]
    FLOWS='tcp 10.2.2.2 40000 10.0.0.4 9200\ntcp 52.1.2.3 40000 10.0.0.4 9200\n' flow "$D/saddr-neg.json"
    [ "${lines[0]}" = "$(printf 'deny\tpolicy')" ]
    [ "${lines[1]}" = "$(printf 'allow\tinput#2')" ]
}

@test "nft: jump to a user chain with return, goto a chain that drops" {
    audit "$D/jump-return.json"
    [ "$(finding 9200)" = null ]
    [ "$(jq -r .state <<<"$(finding 5601)")" = exposed ]
    FLOWS='tcp 52.1.2.3 40000 10.0.0.4 9200\ntcp 192.168.1.5 40000 10.0.0.4 9200\ntcp 52.1.2.3 40000 10.0.0.4 5601\n' \
        flow "$D/jump-return.json"
    [ "${lines[0]}" = "$(printf 'deny\tes#7')" ]
    [ "${lines[1]}" = "$(printf 'allow\ttrusted#4')" ]
    [ "${lines[2]}" = "$(printf 'allow\tinput#10')" ]
}

@test "nft: an ip-only table leaves IPv6 unfiltered" {
    audit "$D/ip-only.json"
    [ "$rc" -eq 1 ]
    f=$(finding 9200)
    [ "$(jq -r .state <<<"$f")" = exposed ]
    [ "$(jq -r '.sources | join(",")' <<<"$f")" = "::/0" ]
    FLOWS='tcp 52.1.2.3 40000 10.0.0.4 9200\n' flow "$D/ip-only.json"
    [ "$output" = "$(printf 'deny\tpolicy')" ]
    FLOWS='tcp 2a00::1 40000 2001:db8::4 9200\n' flow "$D/ip-only.json"
    [[ "$output" == allow* ]]
}

@test "nft: two base chains on input, the second drops 9200" {
    audit "$D/two-base.json"
    [ "$rc" -eq 0 ]
    FLOWS='tcp 52.1.2.3 40000 10.0.0.4 9200\ntcp 52.1.2.3 40000 10.0.0.4 22\n' flow "$D/two-base.json"
    [ "${lines[0]}" = "$(printf 'deny\tinet guard input/guard-es')" ]
    [[ "${lines[1]}" == allow* ]]
}

@test "nft: iifname lo never matches; other interfaces need --public-iface" {
    audit "$D/iifname.json"
    [ "$rc" -eq 1 ]
    f=$(finding 9200)
    [ "$(jq -r .state <<<"$f")" = unknown ]
    [[ "$(jq -r .reason <<<"$f")" == *"--public-iface"* ]]
    audit --public-iface eth0 "$D/iifname.json"
    [ "$rc" -eq 0 ]
    audit --public-iface eth1 "$D/iifname.json"
    [ "$rc" -eq 1 ]
    [ "$(jq -r .state <<<"$(finding 9200)")" = exposed ]
    FLOWS='tcp 52.1.2.3 40000 10.0.0.4 9200\n' flow "$D/iifname.json"
    [ "$output" = "$(printf 'unknown\tes-internal')" ]
}

@test "nft: xt compat expressions are unknown, never guessed" {
    audit "$D/xt.json"
    [ "$rc" -eq 1 ]
    [[ "$(jq -r .reason <<<"$(finding 9200)")" == *xt* ]]
    FLOWS='tcp 52.1.2.3 40000 10.0.0.4 9200\ntcp 52.1.2.3 40000 10.0.0.4 22\nudp 52.1.2.3 40000 10.0.0.4 9200\n' \
        flow "$D/xt.json"
    [ "${lines[0]}" = "$(printf 'unknown\tINPUT#3')" ]
    [ "${lines[1]}" = "$(printf 'allow\tINPUT#2')" ]
    [ "${lines[2]}" = "$(printf 'deny\tpolicy')" ]
}

@test "nft: outbound direction uses the output hook" {
    FLOWS='tcp 10.0.0.4 40000 52.1.2.3 25\ntcp 10.0.0.4 40000 52.1.2.3 443\n' \
        flow --direction outbound "$D/misc.json"
    [ "${lines[0]}" = "$(printf 'deny\toutput#15')" ]
    [ "${lines[1]}" = "$(printf 'allow\tpolicy')" ]
}

@test "nft: --format nft and stdin" {
    run bash -c '"$0" audit --format nft --output json - < "$1"' "$LEAKGUARD" "$D/policy-drop-es.json"
    [ "$status" -eq 1 ]
    [ "$(jq -r '.findings[0].port' <<<"$output")" = 9200 ]
}

@test "nft: malformed files exit 2 with file:line:col" {
    for f in bad-unknown-chain bad-jump bad-prefix bad-addr bad-port bad-set bad-item bad-policy bad-syntax; do
        run "$LEAKGUARD" audit "$D/$f.json"
        [ "$status" -eq 2 ]
        [[ "$output" =~ $f\.json:[0-9]+:[0-9]+: ]]
    done
    run "$LEAKGUARD" audit --format nft "$D/bad-not-array.json"
    [ "$status" -eq 2 ]
    [[ "$output" == *"nftables"* ]]
    FLOWS='tcp 52.1.2.3 40000 10.0.0.4 9200\n' flow "$D/bad-jump.json"
    [ "$status" -eq 2 ]
    [[ "$output" == *"bad-jump.json:6:"*"unknown chain 'missing'"* ]]
}
