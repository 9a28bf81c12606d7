/* fuzz_reader.h - the body every reader's libFuzzer target shares: any
 * bytes through nr_load_mem() in one format, then everything freed.
 * Errors are fine; crashes, leaks and undefined behaviour are not. */
#ifndef LG_FUZZ_READER_H
#define LG_FUZZ_READER_H

#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "../src/netrules/load.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* The default options: VNet = the private ranges. */
static nr_opts fuzz_opts(void)
{
    nr_opts o;
    memset(&o, 0, sizeof o);
    o.vnet = lg_ip_private();
    return o;
}

/* name: what the input is called (some readers look at file names). */
static int fuzz_reader(const uint8_t *data, size_t size, const char *name, nr_format fmt,
                       const nr_opts *o)
{
    nr_snapshot s;
    nr_inputs ins;
    nr_opts d = fuzz_opts();
    lg_err e;
    memset(&ins, 0, sizeof ins);
    nr_snapshot_init(&s);
    (void)nr_load_mem(&s, &ins, name, (const char *)data, size, fmt, o ? o : &d, &e);
    nr_snapshot_free(&s);
    nr_inputs_free(&ins);
    return 0;
}

#endif
