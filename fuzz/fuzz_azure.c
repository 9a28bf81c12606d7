/* fuzz_azure.c - libFuzzer target for the Azure NSG reader: any bytes go
 * through nr_load_mem() forced to the Azure format; the reader must return
 * an error or a snapshot, never crash, leak or read out of bounds. */
#include <stddef.h>
#include <stdint.h>

#include "../src/netrules/load.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    nr_snapshot snap;
    nr_inputs ins = {0};
    nr_opts opts = {0};
    lg_err err;
    opts.vnet = lg_ip_private();
    nr_snapshot_init(&snap);
    (void)nr_load_mem(&snap, &ins, "fuzz", (const char *)data, size,
                      NR_FMT_AZURE, &opts, &err);
    nr_snapshot_free(&snap);
    nr_inputs_free(&ins);
    return 0;
}
