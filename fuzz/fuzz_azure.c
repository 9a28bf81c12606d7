/* fuzz_azure.c - libFuzzer target for the Azure NSG reader: any bytes go
 * through nr_load_mem() forced to the Azure format; the reader must return
 * an error or a snapshot, never crash, leak or read out of bounds. */
#include "fuzz_reader.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    return fuzz_reader(data, size, "fuzz", NR_FMT_AZURE, NULL);
}
