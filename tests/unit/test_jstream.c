/* test_jstream.c - the yajl-to-jansson array stream (core/jstream.h): the
 * elements it hands over equal what jansson reads, batches keep document
 * order, lines are right, and every document jansson rejects stops it. */
#include <stdbool.h>
#include <stdlib.h>

#include "core/jstream.h"
#include "../../fuzz/jstream_text.h"
#include "unit.h"

typedef struct seen {
    jtext t;            /* every element handed over */
    size_t batches, next_first, stop_after;
    long lines[16];     /* line of each element (objects only) */
    size_t last_upto;
    bool upto_ok;
    json_t *all;        /* the elements read back after the stream */
} seen;

static int collect(void *ctx, const lg_jstream *js, json_t *batch, size_t first, size_t upto)
{
    seen *s = ctx;
    if (first != s->next_first || upto < s->last_upto)
        s->upto_ok = false;
    s->last_upto = upto;
    size_t i;
    json_t *el;
    json_array_foreach(batch, i, el) {
        if (first + i < 16)
            s->lines[first + i] = lg_jstream_line(js, el);
        jtext_add(&s->t, el);
    }
    s->next_first = first + json_array_size(batch);
    s->batches++;
    return s->stop_after && s->batches == s->stop_after ? 7 : 0;
}

static void reset(seen *s)
{
    free(s->t.text);
    json_decref(s->all);
    memset(s, 0, sizeof *s);
    s->upto_ok = true;
}

/* Streams text; returns the rc and leaves the elements in s->all. */
static int run(const char *text, size_t batch, seen *s)
{
    reset(s);
    size_t at = 0;
    int rc = lg_jstream_array(text, strlen(text), 0, batch, collect, s, &at);
    s->all = jtext_array(&s->t);
    return rc;
}

/* The stream must give exactly what jansson gives for the whole text. */
static void same_as_jansson(const char *text, size_t batch)
{
    seen s = {0};
    int rc = run(text, batch, &s);
    json_t *whole = json_loads(text, JSON_REJECT_DUPLICATES, NULL);
    CHECK(rc == (whole ? 0 : -1));
    if (whole) {
        CHECK(json_equal(whole, s.all));
        if (!json_equal(whole, s.all))
            fprintf(stderr, "  for: %s\n", text);
    }
    CHECK(s.upto_ok);
    json_decref(whole);
    reset(&s);
}

int main(void)
{
    static const char *good[] = {
        "[]",
        " [ ] ",
        "[1, -2, 3.5, 1e3, -0, true, false, null, \"x\"]",
        "[{\"a\": {\"b\": [1, {\"c\": \"\\u00e9\\n\"}]}}, [], {}]",
        "[{\"k\": \"\\ud83d\\ude00\"}, {\"\": 1}]",
        "[9223372036854775807, -9223372036854775808]",
        "[[[[[]]]]]",
    };
    for (size_t i = 0; i < sizeof good / sizeof *good; i++) {
        same_as_jansson(good[i], 1 << 20);
        same_as_jansson(good[i], 1); /* a batch after every element */
    }

    /* everything jansson refuses (with JSON_REJECT_DUPLICATES) stops it */
    static const char *bad[] = {
        "",
        "5",
        "\"x\"",
        "[1,]",
        "[1] [2]",                     /* two documents */
        "[{\"a\": 1, \"a\": 2}]",      /* duplicate key */
        "[\"a\\u0000b\"]",             /* NUL in a string */
        "[{\"a\\u0000\": 1}]",         /* NUL in a key */
        "[9223372036854775808]",       /* too big an integer */
        "[1e999]",                     /* real overflow */
        "[\"\xff\"]",                  /* invalid UTF-8 */
        "[{\"a\": 1}",                 /* unterminated */
        "[1] x",
    };
    seen s = {0};
    for (size_t i = 0; i < sizeof bad / sizeof *bad; i++) {
        CHECK(run(bad[i], 1, &s) == -1);
        CHECK(json_loads(bad[i], JSON_REJECT_DUPLICATES, NULL) == NULL);
    }
    /* valid JSON, but not an array: the stream is not for it */
    CHECK(run("{}", 1, &s) == -1);
    /* nesting: jansson's depth limit is the stream's too */
    size_t deep = 3000;
    char *d = malloc(2 * deep + 1);
    memset(d, '[', deep);
    memset(d + deep, ']', deep);
    d[2 * deep] = 0;
    CHECK(run(d, 1 << 20, &s) == -1);
    free(d);

    /* lines of the elements' objects, across batches */
    const char *lined = "[\n{\"a\": 1},\n\n  {\"b\": {\"c\": 2}},\n 3,\n{}\n]\n";
    CHECK(run(lined, 1, &s) == 0);
    CHECK(s.lines[0] == 2);
    CHECK(s.lines[1] == 4);
    CHECK(s.lines[2] == 0); /* not an object */
    CHECK(s.lines[3] == 6);
    CHECK(json_array_size(s.all) == 4);

    /* the callback can stop the stream; its value comes back */
    CHECK(run("[1, 2, 3]", 1, &s) == 0);
    CHECK(s.batches == 3);
    reset(&s);
    s.stop_after = 1;
    size_t at;
    CHECK(lg_jstream_array("[{}, {}]", 8, 0, 1, collect, &s, &at) == 7);
    CHECK(s.t.count == 1);

    /* a large array in many batches: order and count survive */
    size_t n = 20000;
    char *big = malloc(n * 40 + 8), *p = big;
    *p++ = '[';
    for (size_t i = 0; i < n; i++)
        p += sprintf(p, "%s{\"i\": %zu, \"s\": \"v%zu\"}\n", i ? "," : "", i, i);
    *p++ = ']';
    *p = 0;
    same_as_jansson(big, 4096);
    CHECK(run(big, 4096, &s) == 0);
    CHECK(s.batches > 10);
    CHECK(json_array_size(s.all) == n);
    CHECK(json_integer_value(json_object_get(json_array_get(s.all, n - 1), "i")) == (json_int_t)(n - 1));
    reset(&s);
    free(big);
    UNIT_DONE();
}
