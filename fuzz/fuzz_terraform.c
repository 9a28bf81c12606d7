/* fuzz_terraform.c - libFuzzer target for the Terraform plan/state reader:
 * any bytes through nr_load_mem(NR_FMT_TERRAFORM), which converts and hands
 * on to the Azure/AWS/GCP readers; errors are fine, crashes, leaks and UB
 * are not.  Built and run by scripts/fuzz.sh (seed: tests/data/terraform/). */
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "../src/netrules/load.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    nr_snapshot s;
    nr_inputs ins;
    nr_opts o;
    lg_err e;
    memset(&ins, 0, sizeof ins);
    memset(&o, 0, sizeof o);
    o.vnet = lg_ip_private();
    nr_snapshot_init(&s);
    (void)nr_load_mem(&s, &ins, "fuzz.json", (const char *)data, size,
                      NR_FMT_TERRAFORM, &o, &e);
    nr_snapshot_free(&s);
    nr_inputs_free(&ins);
    return 0;
}
