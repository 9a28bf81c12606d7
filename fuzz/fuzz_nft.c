/* fuzz_nft.c - libFuzzer target for the nftables reader: any bytes, read
 * as `nft -j list ruleset` output, must load or fail with an error, never
 * crash, leak or read out of bounds.  Built by scripts/fuzz.sh. */
#include "fuzz_reader.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    nr_opts o = fuzz_opts();
    /* half the inputs with an interface, to reach both branches */
    if (size && (data[0] & 1))
        o.public_iface = "eth0";
    return fuzz_reader(data, size, "fuzz.json", NR_FMT_NFT, &o);
}
