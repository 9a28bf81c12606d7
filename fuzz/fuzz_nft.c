/* fuzz_nft.c - libFuzzer target for the nftables reader: any bytes, read
 * as `nft -j list ruleset` output, must load or fail with an error, never
 * crash, leak or read out of bounds.  Built by scripts/fuzz.sh. */
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "../src/netrules/load.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    nr_snapshot s;
    nr_inputs ins;
    lg_err e;
    nr_opts o;
    memset(&ins, 0, sizeof ins);
    memset(&o, 0, sizeof o);
    o.vnet = lg_ip_private();
    /* half the inputs with an interface, to reach both branches */
    if (size && (data[0] & 1))
        o.public_iface = "eth0";
    nr_snapshot_init(&s);
    nr_load_mem(&s, &ins, "fuzz.json", (const char *)data, size, NR_FMT_NFT, &o, &e);
    nr_snapshot_free(&s);
    nr_inputs_free(&ins);
    return 0;
}
