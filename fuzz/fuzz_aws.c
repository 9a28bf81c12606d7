/* fuzz_aws.c - libFuzzer target for the AWS EC2 reader: any bytes through
 * nr_load_mem(NR_FMT_AWS); errors are fine, crashes, leaks and UB are not.
 * One document may hold SecurityGroups, NetworkAcls, NetworkInterfaces,
 * Reservations and PrefixLists together, so the joins (ENI -> groups ->
 * NACL) are reached too.  The input is named like a prefix list file so a
 * bare get-managed-prefix-list-entries document is accepted as well.
 * Built and run by scripts/fuzz.sh (seed: tests/data/aws/). */
#include "fuzz_reader.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    return fuzz_reader(data, size, "pl-0f.json", NR_FMT_AWS, NULL);
}
