/* fuzz_jstream.c - differential libFuzzer target for the array stream
 * (core/jstream.h): for any bytes, the stream and jansson (reading the
 * whole text with JSON_REJECT_DUPLICATES) must agree.  What the stream
 * reads must equal what jansson reads, element by element and in order
 * (so text jansson rejects must stop the stream), and an array jansson
 * reads should not stop it.  A mismatch aborts. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../src/core/jstream.h"
#include "jstream_text.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static int collect(void *ctx, const lg_jstream *js, json_t *batch, size_t first, size_t upto)
{
    jtext *t = ctx;
    (void)js;
    (void)upto;
    if (first != t->count)
        abort(); /* a batch lost or repeated elements */
    size_t i;
    json_t *el;
    json_array_foreach(batch, i, el)
        jtext_add(t, el);
    return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    /* batches as small as the first byte says, to cross element edges */
    size_t batch = size ? (size_t)data[0] % 64 : 1;
    jtext s = {0};
    size_t at = 0;
    int rc = lg_jstream_array((const char *)data, size, 0, batch, collect, &s, &at);
    json_t *whole = json_loadb((const char *)data, size, JSON_REJECT_DUPLICATES, NULL);
    if (rc == 0) {
        json_t *all = jtext_array(&s);
        if (!json_equal(whole, all))
            abort(); /* read something jansson does not read the same way */
        json_decref(all);
    }
    if (rc != 0 && json_is_array(whole) && !memchr(data, 0, size))
        abort(); /* refused an array jansson reads (a slow path, not a
                    wrong answer; jansson takes a NUL byte for the end) */
    if (rc != 0 && at > size)
        abort();
    json_decref(whole);
    free(s.text);
    return 0;
}
