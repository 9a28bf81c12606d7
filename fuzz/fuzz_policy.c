/* fuzz_policy.c - libFuzzer target for the YAML redaction policy: any
 * bytes through rd_policy_parse(), then freed.  Errors are fine; crashes,
 * leaks, undefined behaviour and slow inputs are not.  Built and run by
 * scripts/fuzz.sh (seed: tests/data/policy/). */
#include <stddef.h>
#include <stdint.h>

#include "../src/redact/policy.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    lg_err e;
    rd_policy *p = rd_policy_parse("fuzz.yml", (const char *)data, size, &e);
    rd_policy_free(p);
    return 0;
}
