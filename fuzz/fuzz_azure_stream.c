/* fuzz_azure_stream.c - libFuzzer target for the Azure reader fed by the
 * batch reader (core/jstream.h): every input that starts as an NSG list is
 * streamed (LG_STREAM_BYTES=1), so the reader runs on values from the
 * stream's arena.  Errors are fine; crashes, leaks and undefined behaviour
 * are not.  Seeds: tests/data/azure_stream, a link to tests/data/azure. */
#include <stdlib.h>

#include "fuzz_reader.h"

int LLVMFuzzerInitialize(int *argc, char ***argv);

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
    (void)argc;
    (void)argv;
    setenv("LG_STREAM_BYTES", "1", 1);
    return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    return fuzz_reader(data, size, "fuzz", NR_FMT_AUTO, NULL);
}
