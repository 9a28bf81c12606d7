/* fuzz_esbulk.c - Elasticsearch _bulk bodies: actions, then sources. */
#include "fuzz_redact.h"

static int source_next;

static rd_role role(const char *p, size_t n, int reset)
{
    if (reset) {
        source_next = 0;
        return RD_ROLE_TEXT;
    }
    if (source_next) {
        source_next = 0;
        return RD_ROLE_JSON;
    }
    int a = rd_bulk_action(p, n);
    if (a < 0)
        return RD_ROLE_JSON;
    source_next = a;
    return RD_ROLE_VERBATIM;
}

int LLVMFuzzerTestOneInput(const uint8_t *d, size_t n)
{
    return fuzz_records(d, n, role);
}
