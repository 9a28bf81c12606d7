/* fuzz_iptables.c - libFuzzer target for the iptables-save reader: any
 * bytes must give a snapshot or an error, never a crash, leak or UB. */
#include <stddef.h>
#include <stdint.h>

#include "../src/netrules/load.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    nr_snapshot s;
    nr_inputs ins = {0};
    nr_opts opts = {0};
    lg_err e;
    opts.vnet = lg_ip_private();
    /* every other input also with --public-iface, to reach that path */
    if (size && (data[0] & 1))
        opts.public_iface = "eth0";
    if (size && (data[0] & 2))
        opts.forward = true;
    nr_snapshot_init(&s);
    (void)nr_load_mem(&s, &ins, "fuzz.rules", (const char *)data, size, NR_FMT_IPT,
                      &opts, &e);
    nr_snapshot_free(&s);
    nr_inputs_free(&ins);
    return 0;
}
