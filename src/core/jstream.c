/* jstream.c - yajl events to jansson values, one array element at a time.
 * See jstream.h. */
#include "jstream.h"

#include <errno.h>
#include <math.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <yajl/yajl_parse.h>

#include "arena.h"

#define MAX_DEPTH 2048 /* jansson's JSON_PARSER_MAX_DEPTH */
#define CHUNK ((size_t)1 << 20)

typedef struct objline {
    const json_t *obj;
    long line;
} objline;

typedef struct level {
    json_t *v;             /* NULL for st[0], the document's array */
    char *key;             /* pending key (objects) */
    size_t klen, kcap;
} level;

struct lg_jstream {
    const char *text;
    size_t base;           /* offset of the chunk yajl is reading */
    yajl_handle h;
    lg_jstream_cb cb;
    void *ctx;
    int rc;                /* the callback's verdict */
    size_t batch_bytes, last; /* hand a batch over after this much text */
    level *st;
    size_t depth, cap, ninit; /* st[0, ninit) initialised (key buffers
                                 are kept for reuse) */
    bool closed;           /* the document's array ended ... */
    size_t close_end;      /* ... just before this offset */
    size_t lined;          /* text counted for newlines up to here */
    long line;             /* line at `lined` */
    json_t **el;           /* complete elements waiting for the callback */
    size_t nel, capel;
    objline *ol;           /* their objects (sorted by address when the
                              callback runs) */
    size_t nol, capol;
    size_t first;          /* document index of el[0] */
};

/* jansson's allocator while a stream runs: a bump arena emptied after each
 * batch (jansson has no per-value allocator; its global hooks are swapped
 * in and back, so a stream must not run beside other jansson use). */
static lg_arena *g_values;
static void *values_alloc(size_t n) { return lg_arena_alloc_nz(g_values, n); }
static void values_free(void *p) { (void)p; }

/* Offset just past the token yajl is reporting. */
static size_t here(const lg_jstream *js)
{
    return js->base + yajl_get_bytes_consumed(js->h);
}

static long line_at(lg_jstream *js, size_t off)
{
    const char *p = js->text + js->lined, *end = js->text + off;
    while (p < end && (p = memchr(p, '\n', (size_t)(end - p))) != NULL) {
        js->line++;
        p++;
    }
    js->lined = off;
    return js->line;
}

/* Plain ASCII needs no UTF-8 check (most of an export: names, prefixes). */
static bool ascii(const unsigned char *s, size_t len)
{
    unsigned char any = 0;
    for (size_t i = 0; i < len; i++)
        any |= s[i];
    return any < 0x80;
}

static int flush(lg_jstream *js);

/* Attach v (a new reference) to the container on top of the stack. */
static int add(lg_jstream *js, json_t *v)
{
    if (!v || js->depth == 0) /* out of memory, or a scalar document */
        return 0;
    level *top = &js->st[js->depth - 1];
    if (js->depth == 1) { /* an element of the document's array */
        if (lg_grow(&js->el, &js->capel, js->nel + 1, sizeof *js->el) < 0)
            return 0;
        js->el[js->nel++] = v;
        return here(js) - js->last < js->batch_bytes || flush(js) == 0;
    }
    if (!json_is_object(top->v))
        return json_array_append_new(top->v, v) == 0;
    size_t n = json_object_size(top->v);
    int rc = ascii((const unsigned char *)top->key, top->klen)
                 ? json_object_setn_new_nocheck(top->v, top->key, top->klen, v)
                 : json_object_setn_new(top->v, top->key, top->klen, v);
    return rc == 0 &&
           json_object_size(top->v) == n + 1; /* else a duplicate key */
}

static int on_null(void *c) { return add(c, json_null()); }
static int on_bool(void *c, int b) { return add(c, json_boolean(b)); }

static int on_number(void *c, const char *s, size_t len)
{
    char buf[512];
    if (len >= sizeof buf)
        return 0; /* not representable as jansson reads numbers either */
    memcpy(buf, s, len);
    buf[len] = 0;
    errno = 0;
    char *end;
    if (!strpbrk(buf, ".eE")) {
        long long v = strtoll(buf, &end, 10);
        if (errno || *end)
            return 0; /* jansson: "too big integer" */
        return add(c, json_integer(v));
    }
    double d = strtod(buf, &end);
    if ((errno == ERANGE && (d == HUGE_VAL || d == -HUGE_VAL)) || *end)
        return 0; /* jansson: "real number overflow" */
    return add(c, json_real(d));
}

/* Strings and keys are checked as jansson checks them (UTF-8 validity,
 * no NUL), since yajl is asked not to (its check is laxer). */
static int on_string(void *c, const unsigned char *s, size_t len)
{
    if (memchr(s, 0, len))
        return 0; /* jansson refuses \u0000 unless asked */
    json_t *v = ascii(s, len) ? json_stringn_nocheck((const char *)s, len)
                              : json_stringn((const char *)s, len);
    return v ? add(c, v) : 0;
}

static int on_key(void *c, const unsigned char *s, size_t len)
{
    lg_jstream *js = c;
    level *top = &js->st[js->depth - 1];
    if (memchr(s, 0, len) || lg_grow(&top->key, &top->kcap, len + 1, 1) < 0)
        return 0;
    memcpy(top->key, s, len);
    top->key[len] = 0;
    top->klen = len;
    return 1;
}

static int open_level(lg_jstream *js, json_t *v)
{
    if (js->depth >= MAX_DEPTH ||
        lg_grow(&js->st, &js->cap, js->depth + 1, sizeof *js->st) < 0)
        return 0;
    if (js->depth == js->ninit)
        js->st[js->ninit++] = (level){0};
    level *l = &js->st[js->depth++];
    l->v = v;
    l->klen = 0;
    return 1;
}

static int on_start_map(void *c)
{
    lg_jstream *js = c;
    if (js->depth == 0 || lg_grow(&js->ol, &js->capol, js->nol + 1, sizeof *js->ol) < 0)
        return 0; /* the document is not an array, or out of memory */
    json_t *o = json_object();
    if (!o || !open_level(js, o))
        return 0;
    js->ol[js->nol].obj = o;
    js->ol[js->nol++].line = line_at(js, here(js) - 1);
    return 1;
}

static int on_start_array(void *c)
{
    lg_jstream *js = c;
    if (js->closed)
        return 0;
    if (js->depth == 0) /* the document's array */
        return open_level(js, NULL);
    json_t *a = json_array();
    return a && open_level(js, a);
}

static int on_end(void *c)
{
    lg_jstream *js = c;
    json_t *v = js->st[--js->depth].v;
    if (js->depth > 0)
        return add(js, v);
    js->closed = true; /* the document's array: hand the rest over */
    js->close_end = here(js);
    return flush(js) == 0;
}

/* 1: q (at a backslash) starts a high surrogate escape, 2: a low one. */
static int surrogate(const char *q, const char *end)
{
    if (end - q < 6 || q[1] != 'u' || (q[2] | 0x20) != 'd')
        return 0;
    char c = (char)(q[3] | 0x20);
    return c == '8' || c == '9' || c == 'a' || c == 'b' ? 1 : c >= 'c' && c <= 'f' ? 2 : 0;
}

/* Where yajl reads more than JSON: it takes \v and \f for whitespace and
 * turns a lone UTF-16 surrogate escape into '?'.  Both make the text
 * invalid JSON (a raw \v or \f is not allowed inside strings either), so
 * such text is left to jansson, which says what is wrong. */
static bool yajl_laxer(const char *p, size_t n)
{
    if (memchr(p, '\v', n) || memchr(p, '\f', n))
        return true;
    const char *end = p + n;
    /* from the start, so every backslash seen begins an escape */
    for (const char *q = p; q < end && (q = memchr(q, '\\', (size_t)(end - q))) != NULL;) {
        int k = surrogate(q, end);
        if (k == 2 || (k == 1 && surrogate(q + 6, end) != 2))
            return true;
        q += k ? 12 : 2; /* a pair, or any other escape */
    }
    return false;
}

static const yajl_callbacks callbacks = {
    on_null, on_bool, NULL, NULL, on_number, on_string,
    on_start_map, on_key, on_end, on_start_array, on_end,
};

static int cmp_obj(const void *x, const void *y)
{
    const objline *a = x, *b = y;
    return a->obj < b->obj ? -1 : a->obj > b->obj;
}

long lg_jstream_line(const lg_jstream *js, const json_t *obj)
{
    if (!js->nol)
        return 0;
    objline key = {obj, 0};
    const objline *hit = bsearch(&key, js->ol, js->nol, sizeof *js->ol, cmp_obj);
    return hit ? hit->line : 0;
}

/* Hand the complete elements over and forget them.  Runs inside a yajl
 * callback, right after an element ends: no value is half built, so the
 * whole arena can be emptied. */
static int flush(lg_jstream *js)
{
    if (js->nel) {
        json_t *batch = json_array();
        for (size_t i = 0; i < js->nel && batch; i++)
            if (json_array_append_new(batch, js->el[i]) < 0)
                batch = NULL;
        if (!batch)
            return js->rc = -1;
        if (js->nol > 1)
            qsort(js->ol, js->nol, sizeof *js->ol, cmp_obj);
        js->rc = js->cb(js->ctx, js, batch, js->first, here(js));
        js->first += js->nel;
    }
    js->nel = js->nol = 0;
    js->last = here(js);
    lg_arena_reset(g_values);
    return js->rc;
}

static bool only_ws(const char *p, size_t n)
{
    for (size_t i = 0; i < n; i++)
        if (p[i] != ' ' && p[i] != '\t' && p[i] != '\r' && p[i] != '\n')
            return false;
    return true;
}

int lg_jstream_array(const char *text, size_t len, size_t off, size_t batch_bytes,
                     lg_jstream_cb cb, void *ctx, size_t *err_off)
{
    *err_off = off;
    if (yajl_laxer(text + off, len - off))
        return -1;
    lg_jstream js = {.text = text, .line = 1, .cb = cb, .ctx = ctx,
                     .batch_bytes = batch_bytes, .last = off};
    js.h = yajl_alloc(&callbacks, NULL, &js);
    if (!js.h)
        return -1;
    yajl_config(js.h, yajl_dont_validate_strings, 1); /* on_string checks */
    json_malloc_t old_alloc;
    json_free_t old_free;
    json_get_alloc_funcs(&old_alloc, &old_free);
    lg_arena values;
    lg_arena_init(&values);
    g_values = &values;
    json_set_alloc_funcs(values_alloc, values_free);

    int rc = 0;
    for (size_t pos = off;;) {
        size_t n = len - pos < CHUNK ? len - pos : CHUNK;
        js.base = pos;
        yajl_status st = n ? yajl_parse(js.h, (const unsigned char *)text + pos, n)
                           : yajl_complete_parse(js.h);
        if (js.rc) { /* the callback said stop (or out of memory) */
            rc = js.rc;
            break;
        }
        if (st != yajl_status_ok || (!n && !js.closed) ||
            (!n && !only_ws(text + js.close_end, len - js.close_end))) {
            /* (yajl ignores a token cut short by the end after the value) */
            *err_off = st != yajl_status_ok && n ? here(&js) : len;
            rc = -1;
            break;
        }
        if (!n)
            break;
        pos += n;
    }
    yajl_free(js.h);
    json_set_alloc_funcs(old_alloc, old_free);
    lg_arena_free(&values); /* every value, whatever was left open */
    g_values = NULL;
    for (size_t d = 0; d < js.ninit; d++)
        free(js.st[d].key);
    free(js.st);
    free(js.el);
    free(js.ol);
    return rc;
}
