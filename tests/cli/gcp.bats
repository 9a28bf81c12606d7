#!/usr/bin/env bats
# gcp.bats - the GCP VPC firewall reader through the real binary: audit
# findings per target resource (NETWORK/all-instances, NETWORK/tag:T,
# NETWORK/sa:ACCOUNT), flow verdicts with the deciding rule, and errors
# naming file:line:col.  Fixtures: tests/data/gcp/.

LEAKGUARD=${LEAKGUARD:-$BATS_TEST_DIRNAME/../../build/leakguard}
D=$BATS_TEST_DIRNAME/../data/gcp

# audit --output json FILE -> $output; exit status in $status
audit() { run "$LEAKGUARD" audit --output json "$@"; }
# exposed "RESOURCE" PROTO PORT: prints the deciding rules of that finding
exposed() {
    jq -r --arg r "$1" --arg p "$2" --argjson n "$3" \
        '.findings[] | select(.resource == $r and .protocol == $p and .port == $n
                              and .state == "exposed") | .rules | join(",")' <<<"$output"
}
# flow ARGS... <<< "tcp SRC SPORT DST DPORT"
flow1() { run "$LEAKGUARD" flow "$@"; }

@test "gcp: incident - tcp:9200 from 0.0.0.0/0 to all instances is exposed" {
    audit "$D/incident.json"
    [ "$status" -eq 1 ]
    [ "$(exposed default/all-instances tcp 9200)" = allow-es-vendor ]
    [ "$(jq -r '.findings[0].sources | join(",")' <<<"$output")" = 0.0.0.0/0 ]
    [ "$(jq -r '.findings[0].direction' <<<"$output")" = inbound ]
    [ "$(jq -r '.findings[0].service' <<<"$output")" = elasticsearch ]
    # only 9200: ssh is not a data store, internal range is not the Internet
    [ "$(jq '.findings | length' <<<"$output")" -eq 1 ]
}

@test "gcp: incident - flow names the allow rule, implied deny otherwise" {
    flow1 --resource default/all-instances "$D/incident.json" \
        <<<$'tcp 52.1.2.3 40000 10.0.0.4 9200\ntcp 52.1.2.3 40000 10.0.0.4 5432\nudp 52.1.2.3 40000 10.0.0.4 9200\ntcp 10.128.0.9 40000 10.0.0.4 5432'
    [ "$status" -eq 0 ]
    [ "${lines[0]}" = $'allow\tallow-es-vendor' ]
    [ "${lines[1]}" = $'deny\timplied' ]
    [ "${lines[2]}" = $'deny\timplied' ]
    [ "${lines[3]}" = $'allow\tdefault-allow-internal' ]
}

@test "gcp: deny at the same priority wins over allow" {
    audit "$D/deny-same-priority.json"
    [ "$status" -eq 0 ]
    [ "$(jq '.findings | length' <<<"$output")" -eq 0 ]
    flow1 "$D/deny-same-priority.json" <<<'tcp 52.1.2.3 40000 10.0.0.4 9200'
    [ "$output" = $'deny\tdeny-es-public' ]
}

@test "gcp: deny with a larger priority number comes too late" {
    audit "$D/deny-too-late.json"
    [ "$status" -eq 1 ]
    [ "$(exposed default/all-instances tcp 9200)" = allow-es ]
    flow1 "$D/deny-too-late.json" <<<'tcp 52.1.2.3 40000 10.0.0.4 9200'
    [ "$output" = $'allow\tallow-es' ]
}

@test "gcp: port range 9000-9300 contains 9200 and 9300" {
    audit "$D/port-range.json"
    [ "$status" -eq 1 ]
    [ "$(exposed default/all-instances tcp 9200)" = allow-search-range ]
    [ "$(exposed default/all-instances tcp 9300)" = allow-search-range ]
    [ -z "$(exposed default/all-instances tcp 5432)" ]
}

@test "gcp: IPProtocol all exposes every data-store port, tcp and udp" {
    audit "$D/all-protocols.json"
    [ "$status" -eq 1 ]
    [ "$(exposed default/all-instances tcp 9200)" = allow-everything ]
    [ "$(exposed default/all-instances tcp 5432)" = allow-everything ]
    [ "$(exposed default/all-instances udp 11211)" = allow-everything ]
    flow1 "$D/all-protocols.json" <<<'udp 198.51.100.7 5000 10.0.0.4 53'
    [ "$output" = $'allow\tallow-all-from-office' ]
}

@test "gcp: targetTags / targetServiceAccounts are exposed only on their target" {
    audit "$D/target-tags.json"
    [ "$status" -eq 1 ]
    [ "$(exposed prod-vpc/tag:elasticsearch tcp 9200)" = allow-es-public ]
    [ "$(exposed prod-vpc/tag:elasticsearch tcp 5601)" = allow-es-public ]
    [ -z "$(exposed prod-vpc/all-instances tcp 9200)" ]
    [ "$(exposed prod-vpc/sa:cache@acme-prod.iam.gserviceaccount.com tcp 6379)" = allow-redis-sa ]
    [ -z "$(exposed prod-vpc/tag:elasticsearch tcp 6379)" ]
    [ "$(jq '[.findings[] | select(.resource == "prod-vpc/all-instances")] | length' <<<"$output")" -eq 0 ]
    flow1 --resource prod-vpc/all-instances "$D/target-tags.json" <<<'tcp 52.1.2.3 40000 10.0.0.4 9200'
    [ "$output" = $'deny\timplied' ]
    flow1 --resource prod-vpc/tag:elasticsearch "$D/target-tags.json" <<<'tcp 52.1.2.3 40000 10.0.0.4 443'
    [ "$output" = $'allow\tallow-https' ]
}

@test "gcp: source tags / service accounts only are not the Internet" {
    audit "$D/source-tags.json"
    [ "$status" -eq 0 ]
    [ "$(jq '[.findings[] | select(.state == "exposed")] | length' <<<"$output")" -eq 0 ]
    flow1 --resource default/tag:elasticsearch "$D/source-tags.json" \
        <<<$'tcp 52.1.2.3 40000 10.0.0.4 9200\ntcp 10.1.2.3 40000 10.0.0.4 9200'
    [ "${lines[0]}" = $'deny\timplied' ]
    # an internal address may or may not carry the tag
    [ "${lines[1]}" = $'unknown\tallow-es-from-app' ]
    # sourceRanges + sourceTags: the range part is exact
    flow1 --resource default/all-instances "$D/source-tags.json" \
        <<<$'tcp 203.0.113.9 40000 10.0.0.4 27017\ntcp 52.1.2.3 40000 10.0.0.4 27017'
    [ "${lines[0]}" = $'allow\tallow-mongo-office-and-app' ]
    [ "${lines[1]}" = $'deny\timplied' ]
}

@test "gcp: a disabled allow rule is ignored" {
    audit "$D/disabled.json"
    [ "$status" -eq 0 ]
    [ -z "$(exposed default/all-instances tcp 9200)" ]
    flow1 "$D/disabled.json" <<<'tcp 52.1.2.3 40000 10.0.0.4 9200'
    [ "$output" = $'deny\timplied' ]
}

@test "gcp: IPv6 ::/0 is exposed to IPv6 only" {
    audit "$D/ipv6.json"
    [ "$status" -eq 1 ]
    [ "$(exposed default/all-instances tcp 9200)" = allow-es-v6 ]
    [ "$(jq -r '.findings[0].sources | join(",")' <<<"$output")" = ::/0 ]
    flow1 "$D/ipv6.json" <<<$'tcp 2600:1f18::1 40000 fd00::4 9200\ntcp 52.1.2.3 40000 10.0.0.4 9200'
    [ "${lines[0]}" = $'allow\tallow-es-v6' ]
    [ "${lines[1]}" = $'deny\timplied' ]
}

@test "gcp: UDP-only rule does not expose tcp 9200" {
    audit "$D/udp-only.json"
    [ "$status" -eq 1 ]
    [ -z "$(exposed default/all-instances tcp 9200)" ]
    [ "$(exposed default/all-instances udp 11211)" = allow-udp-stuff ]
    flow1 "$D/udp-only.json" <<<$'tcp 52.1.2.3 40000 10.0.0.4 9200\nudp 52.1.2.3 40000 10.0.0.4 9200'
    [ "${lines[0]}" = $'deny\timplied' ]
    [ "${lines[1]}" = $'allow\tallow-udp-stuff' ]
}

@test "gcp: allowed entries are a union (tcp:9200 or udp:any), not a product" {
    audit "$D/mixed-entries.json"
    [ "$status" -eq 1 ]
    [ "$(exposed default/all-instances tcp 9200)" = allow-es-and-udp ]
    [ -z "$(exposed default/all-instances tcp 5432)" ]
    [ "$(exposed default/all-instances udp 11211)" = allow-es-and-udp ]
    flow1 --direction outbound "$D/mixed-entries.json" \
        <<<$'tcp 10.0.0.4 40000 8.8.8.8 25\ntcp 10.0.0.4 40000 8.8.8.8 443'
    [ "${lines[0]}" = $'deny\tdeny-smtp-out' ]
    [ "${lines[1]}" = $'allow\timplied' ]
}

@test "gcp: several files are merged by priority" {
    flow1 --resource default/all-instances "$D/deny-too-late.json" "$D/deny-same-priority.json" \
        <<<'tcp 52.1.2.3 40000 10.0.0.4 9200'
    [ "$output" = $'deny\tdeny-es-public' ]
}

@test "gcp: malformed files exit 2 with file:line:col" {
    local f want
    for f in bad-priority.json:6:17 bad-priority-string.json:6:17 bad-direction.json:4:18 \
             bad-cidr.json:6:36 bad-port.json:3:57 bad-protocol.json:3:32; do
        want=${f#*:}; f=${f%%:*}
        audit "$D/$f"
        [ "$status" -eq 2 ] || { echo "$f: status $status"; false; }
        [[ "$output" == *"$f:$want:"* ]] || { echo "$f: $output"; false; }
        [ -z "$(jq -r '.findings? // empty' <<<"$output" 2>/dev/null)" ]
        flow1 "$D/$f" <<<'tcp 52.1.2.3 40000 10.0.0.4 9200'
        [ "$status" -eq 2 ]
        [[ "$output" == *"$f:$want:"* ]]
    done
    audit "$D/truncated.json"
    [ "$status" -eq 2 ]
    [[ "$output" == *"truncated.json:"*"invalid JSON"* ]]
}

@test "gcp: --format gcp on a GCP file and on something else" {
    flow1 --format gcp "$D/incident.json" <<<'tcp 52.1.2.3 40000 10.0.0.4 9200'
    [ "$output" = $'allow\tallow-es-vendor' ]
    run "$LEAKGUARD" audit --output json --format gcp "$D/truncated.json"
    [ "$status" -eq 2 ]
}
