#!/usr/bin/env bats
# The examples in docs/ and README.md are run and their output compared.

setup() {
    LEAKGUARD=${LEAKGUARD:-$BATS_TEST_DIRNAME/../../build/leakguard}
    export LEAKGUARD
}

@test "documented examples print what the docs say" {
    run python3 "$BATS_TEST_DIRNAME/../docs_examples.py"
    echo "$output"
    [ "$status" -eq 0 ]
}
