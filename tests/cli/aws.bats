#!/usr/bin/env bats
# aws.bats - the AWS EC2 reader through the real binary: security groups
# alone, network ACLs (stateless: request AND reply), ENIs joining both,
# prefix lists and group references as honest unknowns, and errors naming
# file:line:col.  Fixtures: tests/data/aws/ (moto-* from gen-moto.sh).

bats_require_minimum_version 1.5.0

LEAKGUARD=${LEAKGUARD:-$BATS_TEST_DIRNAME/../../build/leakguard}
D=$BATS_TEST_DIRNAME/../data/aws
ES="sg-00000000000009200 (es-open)"
ALL=("$D/moto-sgs.json" "$D/moto-nacls.json" "$D/moto-enis.json" "$D/moto-instances.json")

audit() { run "$LEAKGUARD" audit --output json "$@"; }
# state RESOURCE PROTO PORT -> exposed / unknown / nothing
state() {
    jq -r --arg r "$1" --arg p "$2" --argjson n "$3" \
        '.findings[] | select(.resource == $r and .protocol == $p and .port == $n
                              and .direction == "inbound") | .state' <<<"$output"
}
# rules RESOURCE PROTO PORT -> deciding rules joined with '|'
rules() {
    jq -r --arg r "$1" --arg p "$2" --argjson n "$3" \
        '.findings[] | select(.resource == $r and .protocol == $p and .port == $n)
         | .rules | join("|")' <<<"$output"
}
resources() { jq -r '[.findings[].resource] | unique | join("\n")' <<<"$output"; }

@test "aws: incident - security group open on 9200 to 0.0.0.0/0" {
    audit "$D/moto-sgs.json"
    [ "$status" -eq 1 ]
    [ "$(state "$ES" tcp 9200)" = exposed ]
    [ "$(rules "$ES" tcp 9200)" = "sg-00000000000009200:tcp/9200:0.0.0.0/0" ]
    [ "$(jq -r --arg r "$ES" '.findings[] | select(.resource == $r) | .sources | join(",")' <<<"$output")" = 0.0.0.0/0 ]
    [ "$(jq -r --arg r "$ES" '.findings[] | select(.resource == $r) | .service' <<<"$output")" = elasticsearch ]
    [ "$(jq -r --arg r "$ES" '[.findings[] | select(.resource == $r)] | length' <<<"$output")" -eq 1 ]
}

@test "aws: port range 9000-9300, protocol -1, 0-65535 all cover 9200" {
    audit "$D/moto-sgs.json"
    [ "$(state "sg-00000000000009300 (range)" tcp 9200)" = exposed ]
    [ "$(state "sg-00000000000009300 (range)" tcp 9300)" = exposed ]
    [ "$(state "sg-00000000000009300 (range)" tcp 6379)" = "" ]
    [ "$(rules "sg-000000000000000a1 (allproto)" udp 11211)" = "sg-000000000000000a1:all:0.0.0.0/0" ]
    [ "$(state "sg-00000000000065535 (fullrange)" tcp 27017)" = exposed ]
    [ "$(state "sg-00000000000065535 (fullrange)" udp 11211)" = "" ]
}

@test "aws: IPv6-only rule is an IPv6 exposure, UDP-only is UDP only" {
    audit "$D/moto-sgs.json"
    [ "$(state "sg-00000000000027017 (v6only)" tcp 27017)" = exposed ]
    [ "$(jq -r '.findings[] | select(.resource == "sg-00000000000027017 (v6only)") | .sources | join(",")' <<<"$output")" = "::/0" ]
    [ "$(state "sg-00000000000011211 (memcached)" udp 11211)" = exposed ]
    [ "$(state "sg-00000000000011211 (memcached)" tcp 11211)" = "" ]
}

@test "aws: group reference is not the Internet; flows from private space unknown" {
    audit "$D/moto-sgs.json"
    [ "$(jq '[.findings[] | select(.resource == "sg-00000000000005432 (sgref)")] | length' <<<"$output")" -eq 0 ]
    run "$LEAKGUARD" flow --resource "sg-00000000000005432 (sgref)" "$D/moto-sgs.json" \
        <<<$'tcp 52.1.2.3 40000 10.0.0.4 5432\ntcp 10.0.1.10 40000 10.0.0.4 5432'
    [ "$status" -eq 0 ]
    [ "${lines[0]}" = $'deny\timplicit-deny' ]
    [ "${lines[1]}" = $'unknown\tsg-00000000000005432:tcp/5432:sg-00000000000009200' ]
}

@test "aws: prefix list without entries is unknown, with entries exact" {
    audit "$D/moto-sgs.json" "$D/moto-prefix-lists.json"
    [ "$(state "sg-00000000000006379 (plist)" tcp 6379)" = unknown ]
    jq -e '.findings[] | select(.resource == "sg-00000000000006379 (plist)")
           | .reason | test("prefix list pl-00000000000000001 \\(office\\) contents unknown")' <<<"$output"
    audit "$D/moto-sgs.json" "$D/moto-prefix-lists.json" "$D/moto-pl-00000000000000001-entries.json"
    [ "$(state "sg-00000000000006379 (plist)" tcp 6379)" = exposed ]
    [ "$(jq -r '.findings[] | select(.resource == "sg-00000000000006379 (plist)") | .sources | join(",")' <<<"$output")" = 52.94.76.0/22 ]
}

@test "aws: flow on one security group names the rule or implicit-deny" {
    run "$LEAKGUARD" flow --resource "$ES" "$D/moto-sgs.json" \
        <<<$'tcp 52.1.2.3 40000 10.0.0.4 9200\ntcp 52.1.2.3 40000 10.0.0.4 9300\nudp 52.1.2.3 40000 10.0.0.4 9200'
    [ "$status" -eq 0 ]
    [ "${lines[0]}" = $'allow\tsg-00000000000009200:tcp/9200:0.0.0.0/0' ]
    [ "${lines[1]}" = $'deny\timplicit-deny' ]
    [ "${lines[2]}" = $'deny\timplicit-deny' ]
}

@test "aws: NACL deny 90 above allow-all 100 - not exposed" {
    audit "${ALL[@]}"
    [ "$(state eni-0000000000000000a tcp 9200)" = "" ]
    run "$LEAKGUARD" flow --resource eni-0000000000000000a "${ALL[@]}" <<<'tcp 52.1.2.3 40000 10.0.1.10 9200'
    [ "$output" = $'deny\tNACL acl-0000000000000000a inbound/90' ]
}

@test "aws: NACL without a reply path to the Internet - not exposed" {
    audit "${ALL[@]}"
    [ "$(state eni-0000000000000000b tcp 9200)" = "" ]
    run "$LEAKGUARD" flow --resource eni-0000000000000000b "${ALL[@]}" \
        <<<$'tcp 52.1.2.3 40000 10.0.2.10 9200\ntcp 10.0.9.9 40000 10.0.2.10 9200'
    [ "${lines[0]}" = $'deny\tNACL acl-0000000000000000b outbound (reply)/*' ]
    [ "${lines[1]%%$'\t'*}" = allow ]
}

@test "aws: NACL with a reply path and the SG - exposed, all three layers named" {
    audit "${ALL[@]}"
    [ "$(state eni-0000000000000000c tcp 9200)" = exposed ]
    [ "$(rules eni-0000000000000000c tcp 9200)" = "security groups/sg-00000000000009200:tcp/9200:0.0.0.0/0|NACL acl-0000000000000000c inbound/100|NACL acl-0000000000000000c outbound (reply)/100" ]
    # memcached: the SG allows udp, the NACL reply path is tcp only
    [ "$(state eni-0000000000000000c udp 11211)" = "" ]
    run "$LEAKGUARD" flow --resource eni-0000000000000000c "${ALL[@]}" \
        <<<$'tcp 52.1.2.3 40000 10.0.3.10 9200\ntcp 52.1.2.3 80 10.0.3.10 9200\nudp 52.1.2.3 40000 10.0.3.10 11211\ntcp 52.1.2.3 40000 10.0.3.10 5432'
    [ "${lines[0]}" = $'allow\tsecurity groups/sg-00000000000009200:tcp/9200:0.0.0.0/0,NACL acl-0000000000000000c inbound/100,NACL acl-0000000000000000c outbound (reply)/100' ]
    [ "${lines[1]}" = $'deny\tNACL acl-0000000000000000c outbound (reply)/*' ]
    [ "${lines[2]}" = $'deny\tNACL acl-0000000000000000c outbound (reply)/*' ]
    [ "${lines[3]}" = $'deny\tsecurity groups/implicit-deny' ]
}

@test "aws: reply allowed only to port 443 - a client with source port 443 gets in" {
    run "$LEAKGUARD" flow --resource eni-0000000000000000e "${ALL[@]}" \
        <<<$'tcp 52.1.2.3 40000 10.0.5.10 9200\ntcp 52.1.2.3 443 10.0.5.10 9200'
    [ "${lines[0]}" = $'deny\tNACL acl-0000000000000000e outbound (reply)/*' ]
    [ "${lines[1]%%$'\t'*}" = allow ]
    audit "${ALL[@]}"
    [ "$(state eni-0000000000000000e tcp 9200)" = exposed ]
}

@test "aws: IPv6-only SG behind a NACL with IPv4 entries only - not exposed" {
    audit "${ALL[@]}"
    [ "$(state eni-0000000000000000d tcp 27017)" = "" ]
    run "$LEAKGUARD" flow --resource eni-0000000000000000d "${ALL[@]}" <<<'tcp 2600::1 40000 fd00::5 27017'
    [ "$output" = $'deny\tNACL acl-0000000000000000d inbound/*' ]
}

@test "aws: ENIs replace their groups and NACLs; the rest stay standalone" {
    audit "${ALL[@]}"
    [ "$status" -eq 1 ]
    ! resources | grep -qx "$ES"
    resources | grep -qx "sg-00000000000009300 (range)"
    ! resources | grep -q '^acl-'
    # the instance (describe-instances joined with its ENI)
    [ "$(state "eni-00000000000000f02 (i-00000000000000001)" tcp 9200)" = exposed ]
    [ "$(jq -r '[.findings[] | select(.kind == "aws-eni") | .resource] | unique | join(",")' <<<"$output")" = "eni-0000000000000000c,eni-0000000000000000e,eni-00000000000000f02 (i-00000000000000001)" ]
}

@test "aws: one combined document gives the same findings as separate files" {
    audit "${ALL[@]}" "$D/moto-prefix-lists.json"
    a=$(jq -c '[.findings[] | [.resource, .protocol, .port, .state, .rules]] | sort' <<<"$output")
    audit "$D/moto-all.json"
    b=$(jq -c '[.findings[] | [.resource, .protocol, .port, .state, .rules]] | sort' <<<"$output")
    [ "$a" = "$b" ]
}

@test "aws: outbound direction uses egress rules and the inbound reply" {
    run "$LEAKGUARD" flow --direction outbound --resource eni-0000000000000000c "${ALL[@]}" \
        <<<$'tcp 10.0.3.10 40000 52.1.2.3 443\ntcp 10.0.3.10 40000 52.1.2.3 8080'
    [ "$status" -eq 0 ]
    [ "${lines[0]}" = $'deny\tNACL acl-0000000000000000c outbound/*' ]
    # egress allows 1024-65535, but the reply from 8080 is not let in
    [ "${lines[1]}" = $'deny\tNACL acl-0000000000000000c inbound (reply)/*' ]
    run "$LEAKGUARD" flow --direction outbound --resource eni-0000000000000000a "${ALL[@]}" \
        <<<'tcp 10.0.1.10 40000 52.1.2.3 443'
    [ "$output" = $'allow\tsecurity groups/sg-00000000000009200:all:0.0.0.0/0+::/0,NACL acl-0000000000000000a outbound/100,NACL acl-0000000000000000a inbound (reply)/100' ]
}

@test "aws: real-shaped export - missing group is unknown, NACL deny 50 carves a hole" {
    audit "$D/real-enis.json" "$D/real-sgs.json" "$D/real-nacl.json" "$D/real-prefix-lists.json"
    [ "$status" -eq 1 ]
    R="eni-0123456789abcdef0 (i-0123456789abcdef0)"
    [ "$(state "$R" tcp 9200)" = exposed ]
    ! jq -r --arg r "$R" '.findings[] | select(.resource == $r and .port == 9200) | .sources[]' <<<"$output" | grep -qx 52.1.2.3/32
    [ "$(state "$R" tcp 9300)" = unknown ]
    jq -e --arg r "$R" '.findings[] | select(.resource == $r and .port == 9300) | .reason | test("sg-0deadbeefdeadbeef")' <<<"$output"
    # the ENI whose subnet has no NACL in the inputs: security groups only
    [ "$(state eni-0bbbbbbbbbbbbbbbb tcp 9200)" = exposed ]
    [ "$(state eni-0bbbbbbbbbbbbbbbb tcp 6379)" = unknown ]
    run "$LEAKGUARD" flow --resource "$R" "$D/real-enis.json" "$D/real-sgs.json" "$D/real-nacl.json" \
        <<<$'tcp 52.1.2.3 40000 10.20.1.5 9200\ntcp 52.1.2.9 40000 10.20.1.5 9200\ntcp 52.1.2.9 1000 10.20.1.5 9200'
    [ "${lines[0]}" = $'deny\tNACL acl-0123456789abcdef0 inbound/50' ]
    [ "${lines[1]%%$'\t'*}" = allow ]
    [ "${lines[2]}" = $'deny\tNACL acl-0123456789abcdef0 outbound (reply)/*' ]
}

@test "aws: --format aws forces the reader" {
    run "$LEAKGUARD" audit --format aws --output json "$D/moto-sgs.json"
    [ "$status" -eq 1 ]
    run "$LEAKGUARD" audit --format aws --output json "$D/../../../docs/HACKING-netrules.md"
    [ "$status" -eq 2 ]
    [ -z "$output" ] || [[ "$output" != *findings* ]]
}

# error cases: exit 2, file:line:col on stderr, nothing on stdout
err_case() { # FILE EXPECTED-LOCATION EXPECTED-TEXT
    run --separate-stderr "$LEAKGUARD" audit --output json "$D/$1"
    [ "$status" -eq 2 ]
    [ -z "$output" ]
    [[ "$stderr" == *"$1:$2: "* ]]
    [[ "$stderr" == *"$3"* ]]
}

@test "aws: error - bad CIDR" { err_case bad-cidr.json 8:37 '"0.0.0.300/0"'; }
@test "aws: error - FromPort > ToPort" { err_case bad-ports.json 8:23 "FromPort 9300 is greater than ToPort 9200"; }
@test "aws: error - unknown protocol" { err_case bad-proto.json 6:25 'unknown protocol "tcpp"'; }
@test "aws: error - wrong type" { err_case bad-type.json 5:24 "expected an array, got a string"; }
@test "aws: error - RuleAction not allow/deny" { err_case bad-action.json 6:61 'expected "allow" or "deny"'; }
@test "aws: error - Egress not a boolean" { err_case bad-egress.json 7:21 "expected a boolean"; }
@test "aws: error - NACL port out of range" { err_case bad-nacl-range.json 8:24 "0-65535"; }
@test "aws: error - IPv6 block in CidrIp" { err_case bad-v6-in-v4.json 6:57 "IPv4 CIDR"; }
@test "aws: error - JSON syntax" { err_case bad-syntax.json 3:51 "invalid JSON"; }

@test "aws: error in one of several files: still exit 2, nothing on stdout" {
    run --separate-stderr "$LEAKGUARD" flow "$D/moto-sgs.json" "$D/bad-ports.json" <<<'tcp 52.1.2.3 40000 10.0.0.4 9200'
    [ "$status" -eq 2 ]
    [ -z "$output" ]
    [[ "$stderr" == *"bad-ports.json:8:23:"* ]]
}
