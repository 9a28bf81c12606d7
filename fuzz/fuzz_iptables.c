/* fuzz_iptables.c - libFuzzer target for the iptables-save reader: any
 * bytes must give a snapshot or an error, never a crash, leak or UB. */
#include "fuzz_reader.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    nr_opts o = fuzz_opts();
    /* every other input also with --public-iface, to reach that path */
    if (size && (data[0] & 1))
        o.public_iface = "eth0";
    if (size && (data[0] & 2))
        o.forward = true;
    return fuzz_reader(data, size, "fuzz.rules", NR_FMT_IPT, &o);
}
