/* jstream_text.h - what the tests of core/jstream keep of the elements
 * handed over.  The values live only during the callback (their memory is
 * the stream's), so their JSON text is kept instead, comma separated, to be
 * read back as one array afterwards.  Used by fuzz_jstream.c and
 * tests/unit/test_jstream.c. */
#ifndef LG_JSTREAM_TEXT_H
#define LG_JSTREAM_TEXT_H

#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

typedef struct jtext {
    char *text;
    size_t len, cap, count;
} jtext;

static void jtext_add(jtext *t, json_t *el)
{
    char *s = json_dumps(el, JSON_COMPACT | JSON_ENCODE_ANY); /* stream memory */
    size_t n = strlen(s);
    if (t->len + n + 2 > t->cap) {
        t->cap = (t->len + n + 2) * 2;
        t->text = realloc(t->text, t->cap);
    }
    if (t->count++)
        t->text[t->len++] = ',';
    memcpy(t->text + t->len, s, n + 1);
    t->len += n;
}

/* The elements as one array, read by jansson with the ordinary allocator. */
static json_t *jtext_array(const jtext *t)
{
    char *arr = malloc(t->len + 3);
    sprintf(arr, "[%s]", t->text ? t->text : "");
    json_t *all = json_loads(arr, 0, NULL);
    free(arr);
    return all;
}

#endif
