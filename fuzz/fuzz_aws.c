/* fuzz_aws.c - libFuzzer target for the AWS EC2 reader: any bytes through
 * nr_load_mem(NR_FMT_AWS); errors are fine, crashes, leaks and UB are not.
 * One document may hold SecurityGroups, NetworkAcls, NetworkInterfaces,
 * Reservations and PrefixLists together, so the joins (ENI -> groups ->
 * NACL) are reached too.  The input is named like a prefix list file so a
 * bare get-managed-prefix-list-entries document is accepted as well.
 * Built and run by scripts/fuzz.sh (seed: tests/data/aws/). */
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
    (void)nr_load_mem(&s, &ins, "pl-0f.json", (const char *)data, size, NR_FMT_AWS,
                      &o, &e);
    nr_snapshot_free(&s);
    nr_inputs_free(&ins);
    return 0;
}
