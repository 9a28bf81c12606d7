/* fuzz_gcp.c - libFuzzer target for the GCP VPC firewall reader: any bytes
 * through nr_load_mem(NR_FMT_GCP); errors are fine, crashes, leaks and UB
 * are not.  Built and run by scripts/fuzz.sh (seed: tests/data/gcp/). */
#include "fuzz_reader.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    return fuzz_reader(data, size, "fuzz.json", NR_FMT_GCP, NULL);
}
