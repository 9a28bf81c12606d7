/* fuzz_ndjson.c - NDJSON records through the JSON walker and rewriter. */
#include "fuzz_redact.h"

static rd_role role(const char *p, size_t n, int reset)
{
    (void)p, (void)n, (void)reset;
    return RD_ROLE_JSON;
}

int LLVMFuzzerTestOneInput(const uint8_t *d, size_t n)
{
    return fuzz_records(d, n, role);
}
