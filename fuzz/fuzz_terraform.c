/* fuzz_terraform.c - libFuzzer target for the Terraform plan/state reader:
 * any bytes through nr_load_mem(NR_FMT_TERRAFORM), which converts and hands
 * on to the Azure/AWS/GCP readers; errors are fine, crashes, leaks and UB
 * are not.  Built and run by scripts/fuzz.sh (seed: tests/data/terraform/). */
#include "fuzz_reader.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    return fuzz_reader(data, size, "fuzz.json", NR_FMT_TERRAFORM, NULL);
}
