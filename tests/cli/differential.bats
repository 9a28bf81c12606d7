#!/usr/bin/env bats
# differential.bats - leakguard flow/audit against the independent
# brute-force evaluators in tests/diff/ (random rulesets per platform).
# Every platform must run (no skip: all readers exist).  Sizes: DIFF_RULESETS,
# DIFF_FLOWS, DIFF_SEED override the defaults of tests/diff/run.py.

setup() {
    LEAKGUARD=${LEAKGUARD:-$BATS_TEST_DIRNAME/../../build/leakguard}
    RUN="$BATS_TEST_DIRNAME/../diff/run.py"
    # 1000 rulesets per platform (100 000 flows); the sanitizer build checks
    # memory safety on a smaller share, it is several times slower
    local n=1000
    [[ "${LG_BUILD:-}" == *asan* ]] && n=200
    ARGS=(--leakguard "$LEAKGUARD" --rulesets "${DIFF_RULESETS:-$n}"
          --flows "${DIFF_FLOWS:-100}" --seed "${DIFF_SEED:-1}")
}

diff_platform() {
    run python3 "$RUN" --platform "$1" "${ARGS[@]}"
    echo "$output"
    [ "$status" -eq 0 ]
    [[ "$output" == *"disagreements 0; audit checks"*"disagreements 0;"* ]]
}

@test "differential: azure nsg" { diff_platform azure; }
@test "differential: azure nsg behind network manager admin rules" { diff_platform azure-avnm; }
@test "differential: aws security group" { diff_platform aws-sg; }
@test "differential: aws network acl" { diff_platform aws-nacl; }
@test "differential: gcp firewall" { diff_platform gcp; }
@test "differential: iptables-save" { diff_platform iptables; }
@test "differential: nftables json" { diff_platform nft; }
