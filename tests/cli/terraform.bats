#!/usr/bin/env bats
# terraform.bats - `terraform show -json` plans and states through the real
# binary: findings named by Terraform address, values known only after
# apply reported as unknown, a plan that deletes the opening rule is clean,
# flow verdicts, errors naming file:line:col.  Fixtures: tests/data/terraform/.
bats_require_minimum_version 1.5.0

LEAKGUARD=${LEAKGUARD:-$BATS_TEST_DIRNAME/../../build/leakguard}
D=$BATS_TEST_DIRNAME/../data/terraform

audit() { run "$LEAKGUARD" audit --output json "$@"; }
# finding RESOURCE PORT FIELD -> that field of the tcp finding
finding() {
    jq -r --arg r "$1" --argjson n "$2" \
        ".findings[] | select(.resource == \$r and .protocol == \"tcp\" and .port == \$n) | $3" \
        <<<"$output"
}

@test "terraform: azurerm NSG inline rule 9200 from * is exposed" {
    audit "$D/azure-nsg-exposed.json"
    [ "$status" -eq 1 ]
    [ "$(finding azurerm_network_security_group.es 9200 .state)" = exposed ]
    [ "$(finding azurerm_network_security_group.es 9200 '.rules | join(",")')" = allow-es ]
    [ "$(jq '.findings | length' <<<"$output")" -eq 1 ]
}

@test "terraform: source address known only after apply is unknown, not exposed" {
    audit "$D/azure-unknown-source.json"
    [ "$status" -eq 1 ]
    [ "$(finding azurerm_network_security_group.es 9200 .state)" = unknown ]
    [[ "$(finding azurerm_network_security_group.es 9200 .reason)" == *"known after apply"* ]]
}

@test "terraform: aws_security_group ingress 9200 from 0.0.0.0/0 is exposed" {
    audit "$D/aws-sg-exposed.json"
    [ "$status" -eq 1 ]
    r="aws_security_group.es (es-cluster)"
    [ "$(finding "$r" 9200 .state)" = exposed ]
    [ "$(finding "$r" 9200 '.sources | join(",")')" = 0.0.0.0/0 ]
    [ "$(finding "$r" 9200 '.rules | join(",")')" = "aws_security_group.es:tcp/9200:0.0.0.0/0" ]
}

@test "terraform: aws_security_group_rule and vpc ingress rule join their group by reference" {
    audit "$D/aws-sg-rule.json"
    [ "$status" -eq 1 ]
    r="aws_security_group.es (es-cluster)"
    [ "$(finding "$r" 9200 .state)" = exposed ]
    [ "$(finding "$r" 5432 '.sources | join(",")')" = ::/0 ]
    [ "$(jq '[.findings[].resource] | unique | length' <<<"$output")" -eq 1 ]
}

@test "terraform: state output joins rules by id (aws) and name (azure)" {
    audit "$D/state-aws.json"
    [ "$status" -eq 1 ]
    [ "$(finding "aws_security_group.es (es-cluster)" 9200 .state)" = exposed ]
    audit "$D/state-azure.json"
    [ "$status" -eq 1 ]
    [ "$(finding azurerm_network_security_group.es 9200 '.rules | join(",")')" = allow-es ]
}

@test "terraform: unknown cidr_blocks (aws) and ports (gcp) are unknown" {
    audit "$D/aws-unknown-cidr.json"
    [ "$status" -eq 1 ]
    [ "$(finding "aws_security_group.es (es-cluster)" 9200 .state)" = unknown ]
    [[ "$(finding "aws_security_group.es (es-cluster)" 9200 .reason)" == *cidr_blocks* ]]
    [ -z "$(jq -r '.findings[] | select(.state == "exposed") | .port' <<<"$output")" ]
    audit "$D/gcp-unknown-ports.json"
    [ "$(finding default/tag:elasticsearch 9200 .state)" = unknown ]
    [ "$(finding default/tag:elasticsearch 5432 .state)" = unknown ]
}

@test "terraform: google_compute_firewall tcp:9200 with target_tags" {
    audit "$D/gcp-firewall.json"
    [ "$status" -eq 1 ]
    [ "$(finding default/tag:elasticsearch 9200 .state)" = exposed ]
    [ "$(finding default/tag:elasticsearch 9200 '.rules | join(",")')" = allow-es-vendor ]
    [ "$(jq '[.findings[] | select(.resource == "default/all-instances")] | length' <<<"$output")" -eq 0 ]
}

@test "terraform: a plan deleting the opening rule is not exposed" {
    audit "$D/delete-only.json"
    [ "$status" -eq 0 ]
    [ "$(jq '.findings | length' <<<"$output")" -eq 0 ]
}

@test "terraform: --format terraform forces the reader" {
    audit --format terraform "$D/gcp-firewall.json"
    [ "$status" -eq 1 ]
    [ "$(finding default/tag:elasticsearch 9200 .state)" = exposed ]
}

@test "terraform: flow names the deciding rule" {
    run "$LEAKGUARD" flow --resource azurerm_network_security_group.es "$D/azure-nsg-exposed.json" \
        <<<$'tcp 52.1.2.3 40000 10.0.0.4 9200\ntcp 52.1.2.3 40000 10.0.0.4 22\ntcp 10.8.1.1 40000 10.0.0.4 22'
    [ "$status" -eq 0 ]
    [ "${lines[0]}" = $'allow\tallow-es' ]
    [ "${lines[1]%%$'\t'*}" = deny ]
    [ "${lines[2]}" = $'allow\tallow-ssh-vpn' ]
    run "$LEAKGUARD" flow "$D/aws-unknown-cidr.json" \
        <<<$'tcp 52.1.2.3 40000 10.0.0.4 9200\ntcp 52.1.2.3 40000 10.0.0.4 5432'
    [ "${lines[0]}" = $'unknown\taws_security_group.es:tcp/9200:pl-unknown-after-apply' ]
    [ "${lines[1]}" = $'deny\timplicit-deny' ]
}

@test "terraform: errors exit 2 with file:line:col and nothing on stdout" {
    for f in bad-syntax.json:6 bad-values.json:11 bad-port.json:19 bad-aws-port.json:37; do
        run --separate-stderr "$LEAKGUARD" audit --output json "$D/${f%%:*}"
        [ "$status" -eq 2 ]
        [ -z "$output" ]
        [[ "$stderr" == *"${f%%:*}:${f##*:}:"[0-9]* ]]
    done
}
