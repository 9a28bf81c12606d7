#!/usr/bin/env bats
# azure.bats - audit and flow on the Azure NSG fixtures (tests/data/azure).
# 168.63.129.16 (AzureLoadBalancer, allowed by a default rule) is a public
# address, so the helpers below look at what *rules other than that default*
# expose; the contract itself is in docs/HACKING-netrules.md.

LEAKGUARD=${LEAKGUARD:-$BATS_TEST_DIRNAME/../../build/leakguard}
D=$BATS_TEST_DIRNAME/../data/azure

# audit JSON of the given files into $out (exit status in $rc)
audit() {
    run "$LEAKGUARD" audit --output json "$@"
    rc=$status
    out=$output
}

# the finding for tcp port $1 (optionally resource $2), or null
finding() {
    jq -c --argjson p "$1" --arg r "${2:-}" \
        '[.findings[] | select(.protocol=="tcp" and .port==$p and ($r=="" or .resource==$r))][0]' <<<"$out"
}

# rules other than the load-balancer default that decide tcp port $1
blamed() {
    jq -r --argjson p "$1" \
        '[.findings[] | select(.protocol=="tcp" and .port==$p) | .rules[]
          | select(test("AllowAzureLoadBalancerInBound$") | not)] | unique | join(",")' <<<"$out"
}

flow() { # flow FILE... ; flows on stdin via $FLOWS
    run bash -c 'printf "%b" "$FLOWS" | "$0" flow "$@"' "$LEAKGUARD" "$@"
}

@test "azure: incident, allow-es opens 9200 to the Internet" {
    audit "$D/incident.json"
    [ "$rc" -eq 1 ]
    f=$(finding 9200)
    [ "$(jq -r .state <<<"$f")" = exposed ]
    [ "$(jq -r .resource <<<"$f")" = es-nsg ]
    [ "$(jq -r .direction <<<"$f")" = inbound ]
    [ "$(jq -r .service <<<"$f")" = elasticsearch ]
    [ "$(jq -r .severity <<<"$f")" = critical ]
    [ "$(jq -c .rules <<<"$f")" = '["allow-es"]' ]
    jq -e '.sources | index("0.0.0.0/0")' <<<"$f"
    [ "$(jq -r .line <<<"$f")" -gt 1 ]
    # ssh from the bastion subnet is not an exposure
    [ "$(blamed 22)" = "" ]
}

@test "azure: incident with * and no defaults in the export" {
    audit "$D/incident-star.json"
    [ "$rc" -eq 1 ]
    [ "$(blamed 9200)" = allow-es ]
    jq -e '.sources | index("::/0")' <<<"$(finding 9200)"
}

@test "azure: flow verdicts name the deciding rule" {
    FLOWS='tcp 52.1.2.3 40000 10.0.0.4 9200\ntcp 52.1.2.3 40000 10.0.0.4 9300\ntcp 10.0.1.5 40000 10.0.0.4 22\ntcp 168.63.129.16 40000 10.0.0.4 80\nudp 52.1.2.3 53 10.0.0.4 9200\n'
    export FLOWS
    flow "$D/incident.json"
    [ "$status" -eq 0 ]
    [ "${lines[0]}" = "$(printf 'allow\tallow-es')" ]
    [ "${lines[1]}" = "$(printf 'deny\tDenyAllInBound')" ]
    [ "${lines[2]}" = "$(printf 'allow\tallow-ssh-bastion')" ]
    [ "${lines[3]}" = "$(printf 'allow\tAllowAzureLoadBalancerInBound')" ]
    [ "${lines[4]}" = "$(printf 'deny\tDenyAllInBound')" ]
}

@test "azure: outbound flow uses the default rules" {
    FLOWS='tcp 10.0.0.4 40000 52.1.2.3 443\n' flow --direction outbound "$D/incident.json"
    [ "$status" -eq 0 ]
    [ "${lines[0]}" = "$(printf 'allow\tAllowInternetOutBound')" ]
}

@test "azure: deny above allow keeps 9200 closed" {
    audit "$D/deny-above-allow.json"
    [ "$(blamed 9200)" = "" ]
    [ "$(blamed 6379)" = allow-all ]
    FLOWS='tcp 52.1.2.3 40000 10.0.0.4 9200\ntcp 52.1.2.3 40000 10.0.0.4 6379\n' flow "$D/deny-above-allow.json"
    [ "${lines[0]}" = "$(printf 'deny\tdeny-es')" ]
    [ "${lines[1]}" = "$(printf 'allow\tallow-all')" ]
}

@test "azure: port range 9000-9300 contains 9200" {
    audit "$D/port-range.json"
    [ "$rc" -eq 1 ]
    [ "$(blamed 9200)" = allow-es-range ]
    [ "$(blamed 9300)" = allow-es-range ]
    [ "$(blamed 5601)" = "" ]
}

@test "azure: * ports expose every data store" {
    audit "$D/star-ports.json"
    [ "$(blamed 9200)" = allow-any-tcp ]
    [ "$(blamed 27017)" = allow-any-tcp ]
    [ "$(blamed 6379)" = allow-any-tcp ]
}

@test "azure: prefix and port lists are one rule" {
    audit "$D/lists.json"
    [ "$(blamed 9200)" = allow-partners ]
    [ "$(blamed 5432)" = allow-partners ]
    [ "$(blamed 27017)" = "" ]
    jq -e '.sources | index("8.8.8.0/24")' <<<"$(finding 9200)"
    FLOWS='tcp 8.8.8.8 40000 10.0.0.4 5433\ntcp 9.9.9.9 40000 10.0.0.4 5433\n' flow "$D/lists.json"
    [ "${lines[0]}" = "$(printf 'allow\tallow-partners')" ]
    [ "${lines[1]}" = "$(printf 'deny\tDenyAllInBound')" ]
}

@test "azure: a deny with a larger priority number is too late" {
    audit "$D/late-deny.json"
    [ "$(blamed 9200)" = allow-es ]
    FLOWS='tcp 52.1.2.3 40000 10.0.0.4 9200\n' flow "$D/late-deny.json"
    [ "${lines[0]}" = "$(printf 'allow\tallow-es')" ]
}

@test "azure: UDP-only rule does not expose tcp/9200" {
    audit "$D/udp-only.json"
    [ "$(blamed 9200)" = "" ]
    FLOWS='udp 52.1.2.3 40000 10.0.0.4 9200\ntcp 52.1.2.3 40000 10.0.0.4 9200\n' flow "$D/udp-only.json"
    [ "${lines[0]}" = "$(printf 'allow\tallow-udp-9200')" ]
    [ "${lines[1]}" = "$(printf 'deny\tDenyAllInBound')" ]
}

@test "azure: IPv6 ::/0 exposes over IPv6 only" {
    audit "$D/ipv6.json"
    [ "$(blamed 9200)" = allow-es-v6 ]
    jq -e '.sources | index("::/0")' <<<"$(finding 9200)"
    [ "$(jq -c '.sources | index("0.0.0.0/0")' <<<"$(finding 9200)")" = null ]
    FLOWS='tcp 2001:4860::1 40000 fd00::4 9200\ntcp 52.1.2.3 40000 10.0.0.4 9200\n' flow "$D/ipv6.json"
    [ "${lines[0]}" = "$(printf 'allow\tallow-es-v6')" ]
    [ "${lines[1]}" = "$(printf 'deny\tDenyAllInBound')" ]
}

@test "azure: a source-port restriction still exposes" {
    audit "$D/source-port.json"
    [ "$(blamed 9200)" = allow-es-hi-sport ]
    FLOWS='tcp 52.1.2.3 40000 10.0.0.4 9200\ntcp 52.1.2.3 80 10.0.0.4 9200\n' flow "$D/source-port.json"
    [ "${lines[0]}" = "$(printf 'allow\tallow-es-hi-sport')" ]
    [ "${lines[1]}" = "$(printf 'deny\tDenyAllInBound')" ]
}

@test "azure: subnet allows, NIC denies => not exposed" {
    audit "$D/pair-deny-nsgs.json" "$D/pair-nics.json"
    # nothing at all: the only other source, AllowAzureLoadBalancerInBound's
    # 168.63.129.16, is the platform, not the Internet
    [ "$(jq '.findings | length' <<<"$out")" = 0 ]
    [ "$rc" -eq 0 ]
    [ "$(blamed 9200)" = "" ]
    FLOWS='tcp 52.1.2.3 40000 10.0.2.4 9200\n' flow "$D/pair-deny-nsgs.json" "$D/pair-nics.json"
    [ "$status" -eq 0 ]
    [[ "${lines[0]}" == deny*es-from-internet ]]
}

@test "azure: subnet and NIC both allow => exposed, rules from both layers" {
    audit "$D/pair-allow-nsgs.json" "$D/pair-nics.json"
    [ "$rc" -eq 1 ]
    f=$(finding 9200 es-node-1-nic)
    [ "$(jq -r .state <<<"$f")" = exposed ]
    jq -e '.rules | index("subnet-nsg/allow-es-subnet")' <<<"$f"
    jq -e '.rules | index("nic-nsg/es-from-internet")' <<<"$f"
}

@test "azure: without NIC data the pair stays two standalone NSGs" {
    audit "$D/pair-allow-nsgs.json"
    [ "$(jq -r '[.findings[] | select(.port==9200 and (.rules|index("allow-es-subnet"))) | .resource] | unique | join(",")' <<<"$out")" = subnet-nsg ]
}

@test "azure: effective rules export layers subnet and NIC NSG" {
    audit "$D/effective.json"
    [ "$rc" -eq 1 ]
    f=$(finding 9200)
    [ "$(jq -r .resource <<<"$f")" = es-node-1-nic ]
    [ "$(jq -r .state <<<"$f")" = exposed ]
    jq -e '.rules | index("nic-nsg/allow-es")' <<<"$f"
    FLOWS='tcp 52.1.2.3 40000 10.0.2.4 5601\n' flow "$D/effective.json"
    [[ "${lines[0]}" == deny* ]]
}

@test "azure: az nsg list shape" {
    audit "$D/list.json"
    [ "$(blamed 6379)" = allow-redis ]
    [ "$(jq -r '[.findings[] | select(.port==6379) | .resource][0]' <<<"$out")" = web-nsg ]
    FLOWS='tcp 52.1.2.3 40000 10.0.0.4 3389\n' flow --resource mgmt-nsg "$D/list.json"
    [ "${lines[0]}" = "$(printf 'deny\tDenyAllInBound')" ]
}

@test "azure: REST shape with a value wrapper" {
    audit "$D/rest.json"
    [ "$(blamed 27017)" = allow-mongo ]
    FLOWS='tcp 52.1.2.3 40000 10.0.4.9 27017\n' flow "$D/rest.json"
    [ "${lines[0]}" = "$(printf 'deny\tDenyAllInBound')" ]
}

@test "azure: ARM template parameters make 9200 unknown" {
    audit "$D/arm-template.json"
    f=$(finding 9200)
    [ "$(jq -r '.state == "unknown" or .more_sources_possible == true' <<<"$f")" = true ]
    [[ "$(jq -r .reason <<<"$f")" == *"[parameters('src')]"* ]]
    FLOWS='tcp 52.1.2.3 40000 10.0.0.4 9200\ntcp 198.51.100.9 40000 10.0.0.4 22\n' flow "$D/arm-template.json"
    [ "${lines[0]}" = "$(printf 'unknown\tallow-es')" ]
    [ "${lines[1]}" = "$(printf 'allow\tallow-ssh-office')" ]
}

@test "azure: ARM access expression is unknown both ways" {
    audit "$D/arm-access.json"
    f=$(finding 9200)
    [ "$(jq -r .state <<<"$f")" = unknown ]
    [[ "$(jq -r .reason <<<"$f")" == *"ARM expression in access"* ]]
    [ "$(blamed 9300)" = allow-9300 ]
}

@test "azure: unknown service tag makes the rule unknown" {
    audit "$D/service-tag.json"
    f=$(finding 9200)
    [ "$(jq -r '.state == "unknown" or .more_sources_possible == true' <<<"$f")" = true ]
    [[ "$(jq -r .reason <<<"$f")" == *"unknown service tag 'Storage.WestEurope'"* ]]
    FLOWS='tcp 52.1.2.3 40000 10.0.0.4 9200\n' flow "$D/service-tag.json"
    [ "${lines[0]}" = "$(printf 'unknown\tallow-storage')" ]
}

@test "azure: ASG membership from NIC data" {
    audit "$D/asg.json"
    [[ "$(jq -r "$(printf '%s' '[.findings[] | select(.port==9200) | .reason][0]')" <<<"$out")" == *"ASG membership unknown: asg-es"* ]]
    FLOWS='tcp 52.1.2.3 40000 10.0.2.4 9200\ntcp 52.1.2.3 40000 10.0.2.5 9200\n' flow "$D/asg.json" "$D/pair-nics.json"
    [ "${lines[0]}" = "$(printf 'allow\tallow-es-asg')" ]
    [ "${lines[1]}" = "$(printf 'deny\tDenyAllInBound')" ]
}

@test "azure: AzureLoadBalancer alone is not an Internet exposure" {
    audit "$D/service-tag.json"
    [ "$(jq -r .state <<<"$(finding 9200)")" = unknown ]
    [[ "$(jq -r .reason <<<"$(finding 9200)")" == *"unknown service tag"* ]]
}

@test "azure: --format azure and auto-detection agree" {
    audit --format azure "$D/incident.json"
    [ "$rc" -eq 1 ]
    [ "$(blamed 9200)" = allow-es ]
}

# errors: exit 2, file:line:col on stderr, nothing on stdout
error_case() { # FILE EXPECTED-SUBSTRING
    run --separate-stderr "$LEAKGUARD" audit --output json "$D/$1"
    [ "$status" -eq 2 ]
    [ -z "$output" ]
    [[ "$stderr" == *"$1:"[0-9]*:[0-9]*:* ]]
    [[ "$stderr" == *"$2"* ]]
}

@test "azure: invalid JSON is an error with line:col" {
    bats_require_minimum_version 1.5.0
    error_case bad-json.json "invalid JSON"
}

@test "azure: priority \"abc\" is an error" {
    bats_require_minimum_version 1.5.0
    error_case bad-priority.json "expected priority"
}

@test "azure: access \"Maybe\" is an error" {
    bats_require_minimum_version 1.5.0
    error_case bad-access.json 'expected access "Allow" or "Deny", got "Maybe"'
}

@test "azure: bad direction, CIDR, port range, missing priority, wrong type" {
    bats_require_minimum_version 1.5.0
    error_case bad-direction.json 'expected direction'
    error_case bad-cidr.json '10.0.0.0/33'
    error_case bad-port.json '9200-80'
    error_case bad-missing-priority.json 'expected a "priority"'
    error_case bad-type.json 'expected securityRules to be an array'
}

@test "azure: flow on a malformed file prints nothing" {
    bats_require_minimum_version 1.5.0
    run --separate-stderr bash -c 'printf "tcp 52.1.2.3 1 10.0.0.4 9200\n" | "$0" flow "$1"' "$LEAKGUARD" "$D/bad-access.json"
    [ "$status" -eq 2 ]
    [ -z "$output" ]
    [[ "$stderr" == *bad-access.json:12:17:* ]]
}

# ---- Virtual Network Manager security admin rules ---------------------------
# avnm-rules.json (az network manager security-admin-config rule-collection
# rule list), by priority:
#   5  Allow       9200 from 52.174.36.0/24   the NSGs decide
#   10 Deny        9200,9300,... from Internet
#   20 AlwaysAllow 5601 from 52.174.36.0/24   past every NSG
#   30 Allow       22 from 203.0.113.0/24
# collection datastore-guard applies to network group prod-vnets, whose
# static member is vnet-prod, where es-nsg's subnet is.
AVNM() { echo "$D/avnm-rules.json" "$D/avnm-collections.json" "$D/avnm-members.json"; }

@test "azure avnm: admin Deny closes 9200, Allow hands 9200 back to the NSG, AlwaysAllow opens Kibana" {
    audit "$D/incident.json" $(AVNM)
    [ "$rc" -eq 1 ]
    f=$(finding 9200)
    [ "$(jq -r .state <<<"$f")" = exposed ]
    [ "$(jq -c .sources <<<"$f")" = '["52.174.36.0/24"]' ]
    [ "$(blamed 9200)" = allow-es ]
    f=$(finding 5601)
    [ "$(jq -r .state <<<"$f")" = exposed ]
    [ "$(jq -c .sources <<<"$f")" = '["52.174.36.0/24"]' ]
    [ "$(blamed 5601)" = datastore-guard/always-allow-kibana-partner ]
    [ "$(jq -r .file <<<"$f")" = "$D/avnm-rules.json" ]
    [ "$(jq '[.findings[] | select(.port != 9200 and .port != 5601)] | length' <<<"$out")" = 0 ]
    FLOWS='tcp 52.1.2.3 40000 10.0.2.4 9200\ntcp 52.174.36.9 40000 10.0.2.4 9200\ntcp 52.174.36.9 40000 10.0.2.4 5601\ntcp 52.1.2.3 40000 10.0.2.4 5601\n' \
        flow "$D/incident.json" $(AVNM)
    [ "$status" -eq 0 ]
    [ "${lines[0]}" = "$(printf 'deny\tdatastore-guard/deny-datastores-from-internet')" ]
    [ "${lines[1]}" = "$(printf 'allow\tallow-es')" ]
    [ "${lines[2]}" = "$(printf 'allow\tdatastore-guard/always-allow-kibana-partner')" ]
    [ "${lines[3]}" = "$(printf 'deny\tDenyAllInBound')" ]
}

@test "azure avnm: active admin rules (groups inline, REST shape) and one combined file agree" {
    audit "$D/incident.json" $(AVNM)
    want=$(jq -c '[.findings[] | del(.file, .line)]' <<<"$out")
    audit "$D/incident.json" "$D/avnm-active.json" "$D/avnm-members.json"
    [ "$(jq -c '[.findings[] | del(.file, .line)]' <<<"$out")" = "$want" ]
    audit "$D/avnm-combined.json"
    [ "$(jq -c '[.findings[] | del(.file, .line)]' <<<"$out")" = "$want" ]
}

@test "azure avnm: without the rule collection, what admin rules touch is unknown, with the reason" {
    audit "$D/incident.json" "$D/avnm-rules.json"
    [ "$rc" -eq 1 ]
    f=$(finding 9200)
    [ "$(jq -r .state <<<"$f")" = unknown ]
    jq -e '.reason | test("deny-datastores-from-internet: admin rule may not apply: its rule collection")' <<<"$f"
    [ "$(jq -r .state <<<"$(finding 5601)")" = unknown ]
}

@test "azure avnm: a VNet that is no static member is unknown, unaffected with --avnm-static-members" {
    audit "$D/incident.json" "$D/avnm-rules.json" "$D/avnm-collections.json"
    f=$(finding 9200)
    [ "$(jq -r .state <<<"$f")" = unknown ]
    jq -e '.reason | test("virtual network vnet-prod of NSG es-nsg is not a static member of network group prod-vnets")' <<<"$f"
    audit --avnm-static-members "$D/incident.json" "$D/avnm-rules.json" "$D/avnm-collections.json"
    want=$(jq -c '.findings' <<<"$out")
    audit "$D/incident.json"
    [ "$(jq -c '.findings' <<<"$out")" = "$want" ]
}

@test "azure avnm: AlwaysAllow passes both the subnet and the NIC NSG; Deny beats both allows" {
    audit "$D/pair-nics.json" "$D/pair-deny-nsgs.json" $(AVNM)
    f=$(finding 5601 es-node-1-nic)
    [ "$(jq -r .state <<<"$f")" = exposed ]
    [ "$(jq -c .sources <<<"$f")" = '["52.174.36.0/24"]' ]
    audit "$D/pair-nics.json" "$D/pair-allow-nsgs.json" $(AVNM)
    f=$(finding 9200 es-node-1-nic)
    [ "$(jq -c .sources <<<"$f")" = '["52.174.36.0/24"]' ]
}

@test "azure avnm: a default admin rule exported without its fields makes every port unknown" {
    audit "$D/incident.json" "$D/avnm-default.json"
    [ "$(jq '[.findings[] | select(.state != "unknown")] | length' <<<"$out")" = 0 ]
    jq -e '.findings[0].reason | test("default admin rule without its fields")' <<<"$out"
}

@test "azure avnm: bad access and a static member without resourceId are errors" {
    bats_require_minimum_version 1.5.0
    error_case avnm-bad-access.json 'expected access "Allow", "AlwaysAllow" or "Deny", got "Permit"'
    error_case avnm-bad-member.json 'expected a static member with a "resourceId"'
}

@test "azure avnm: admin data without any NSG audits nothing (no admin rules: no crash under UBSan)" {
    audit "$D/avnm-members.json"
    [ "$rc" -eq 0 ]
    [ "$(jq .resources <<<"$out")" = 0 ]
    audit "$D/avnm-rules.json" "$D/avnm-collections.json"
    [ "$rc" -eq 0 ]
}

@test "azure avnm: dropping the admin rules is a new, wider exposure, blamed on the removed deny" {
    audit --baseline "$D/incident.json" $(for f in $(AVNM); do echo --baseline "$f"; done) "$D/incident.json"
    [ "$rc" -eq 1 ]
    f=$(finding 9200)
    [ "$(jq -r .change <<<"$f")" = new ]
    [ "$(jq -c .previous_sources <<<"$f")" = '["52.174.36.0/24"]' ]
    jq -e '.cause | index({"rule":"datastore-guard/deny-datastores-from-internet","change":"deny removed"})' <<<"$f"
    [ "$(jq -r .change <<<"$(finding 5601)")" = fixed ]
}
