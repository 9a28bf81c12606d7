/* jsonloc.c - a minimal JSON walker that skips values to reach a pointer.
 * It never allocates and never recurses deeper than the input nests (the
 * input was already accepted by jansson, whose depth limit applies). */
#include "jsonloc.h"

#include <string.h>

typedef struct {
    const char *s;
    size_t n, i;
} cur;

static void ws(cur *c)
{
    while (c->i < c->n && (c->s[c->i] == ' ' || c->s[c->i] == '\t' ||
                           c->s[c->i] == '\n' || c->s[c->i] == '\r'))
        c->i++;
}

static bool skip_string(cur *c)
{
    if (c->i >= c->n || c->s[c->i] != '"')
        return false;
    for (c->i++; c->i < c->n; c->i++) {
        if (c->s[c->i] == '\\')
            c->i++;
        else if (c->s[c->i] == '"') {
            c->i++;
            return true;
        }
    }
    return false;
}

static bool skip_value(cur *c, int depth)
{
    if (depth > 4096)
        return false;
    ws(c);
    if (c->i >= c->n)
        return false;
    char ch = c->s[c->i];
    if (ch == '"')
        return skip_string(c);
    if (ch == '{' || ch == '[') {
        char close = ch == '{' ? '}' : ']';
        c->i++;
        ws(c);
        if (c->i < c->n && c->s[c->i] == close) {
            c->i++;
            return true;
        }
        for (;;) {
            if (ch == '{') {
                ws(c);
                if (!skip_string(c))
                    return false;
                ws(c);
                if (c->i >= c->n || c->s[c->i] != ':')
                    return false;
                c->i++;
            }
            if (!skip_value(c, depth + 1))
                return false;
            ws(c);
            if (c->i >= c->n)
                return false;
            if (c->s[c->i] == ',') {
                c->i++;
                continue;
            }
            if (c->s[c->i] == close) {
                c->i++;
                return true;
            }
            return false;
        }
    }
    while (c->i < c->n && !strchr(",}] \t\r\n", c->s[c->i]))
        c->i++;
    return true;
}

/* Compare the raw key at c->i (a JSON string) with the pointer token
 * tok[0..tl) which uses ~0 and ~1 escapes.  Escaped keys compare unequal
 * except for \" and \\, which is enough for cloud exports. */
static bool key_equals(const char *key, size_t kl, const char *tok, size_t tl)
{
    size_t i = 0, j = 0;
    while (i < kl && j < tl) {
        char kc = key[i], tc = tok[j];
        if (kc == '\\' && i + 1 < kl)
            kc = key[++i];
        if (tc == '~' && j + 1 < tl)
            tc = tok[++j] == '0' ? '~' : '/';
        if (kc != tc)
            return false;
        i++;
        j++;
    }
    return i == kl && j == tl;
}

size_t lg_json_value_end(const char *text, size_t len, size_t off)
{
    cur c = {text, len, off};
    return skip_value(&c, 0) ? c.i : 0;
}

size_t lg_json_skip_ws(const char *text, size_t len, size_t off)
{
    cur c = {text, len, off};
    ws(&c);
    return c.i;
}

bool lg_json_locate(const char *text, size_t len, const char *pointer,
                    long *line, long *col)
{
    cur c = {text, len, 0};
    const char *p = pointer ? pointer : "";
    ws(&c);
    while (*p == '/') {
        p++;
        const char *end = strchr(p, '/');
        size_t tl = end ? (size_t)(end - p) : strlen(p);
        if (c.i >= c.n)
            return false;
        if (text[c.i] == '{') {
            c.i++;
            bool found = false;
            for (;;) {
                ws(&c);
                if (c.i >= c.n || text[c.i] != '"')
                    return false;
                size_t ks = c.i + 1;
                if (!skip_string(&c))
                    return false;
                size_t kl = c.i - 1 - ks;
                ws(&c);
                if (c.i >= c.n || text[c.i] != ':')
                    return false;
                c.i++;
                ws(&c);
                if (key_equals(text + ks, kl, p, tl)) {
                    found = true;
                    break;
                }
                if (!skip_value(&c, 0))
                    return false;
                ws(&c);
                if (c.i < c.n && text[c.i] == ',')
                    c.i++;
                else
                    return false;
            }
            if (!found)
                return false;
        } else if (text[c.i] == '[') {
            long idx = 0;
            for (size_t k = 0; k < tl; k++) {
                if (p[k] < '0' || p[k] > '9' || idx > 100000000)
                    return false;
                idx = idx * 10 + (p[k] - '0');
            }
            c.i++;
            for (long k = 0; k < idx; k++) {
                if (!skip_value(&c, 0))
                    return false;
                ws(&c);
                if (c.i < c.n && text[c.i] == ',')
                    c.i++;
                else
                    return false;
            }
            ws(&c);
            if (c.i < c.n && text[c.i] == ']')
                return false;
        } else {
            return false;
        }
        p += tl;
    }
    long ln = 1, cl = 1;
    for (size_t k = 0; k < c.i && k < len; k++) {
        if (text[k] == '\n') {
            ln++;
            cl = 1;
        } else {
            cl++;
        }
    }
    *line = ln;
    *col = cl;
    return true;
}

/* ---- indexed lookups ------------------------------------------------------
 * memo: pointer prefix -> offset of its value; for arrays also the offsets
 * of every element (filled by one scan of the array).  Open addressing. */

#include <stdint.h>
#include <stdlib.h>

typedef struct memo {
    char *key;          /* pointer prefix, NULL = empty slot */
    size_t off;         /* offset of the value */
    size_t *elem;       /* arrays: element offsets, once scanned */
    size_t nelem;
} memo;

struct lg_json_index {
    const char *text;
    size_t len;
    size_t *nl;         /* offsets of newlines */
    size_t nnl;
    memo *tab;
    size_t cap, used;
};

static uint64_t hash(const char *s, size_t n)
{
    uint64_t h = 1469598103934665603ULL;
    for (size_t i = 0; i < n; i++)
        h = (h ^ (unsigned char)s[i]) * 1099511628211ULL;
    return h;
}

static memo *find(lg_json_index *ix, const char *key, size_t n, bool add)
{
    if (add && (ix->used + 1) * 2 > ix->cap) {
        size_t nc = ix->cap ? ix->cap * 2 : 256;
        memo *nt = calloc(nc, sizeof *nt);
        for (size_t i = 0; i < ix->cap; i++)
            if (ix->tab[i].key) {
                size_t j = hash(ix->tab[i].key, strlen(ix->tab[i].key)) & (nc - 1);
                while (nt[j].key)
                    j = (j + 1) & (nc - 1);
                nt[j] = ix->tab[i];
            }
        free(ix->tab);
        ix->tab = nt;
        ix->cap = nc;
    }
    if (!ix->cap)
        return NULL;
    size_t j = hash(key, n) & (ix->cap - 1);
    while (ix->tab[j].key) {
        if (strlen(ix->tab[j].key) == n && memcmp(ix->tab[j].key, key, n) == 0)
            return &ix->tab[j];
        j = (j + 1) & (ix->cap - 1);
    }
    if (!add)
        return NULL;
    ix->tab[j].key = malloc(n + 1);
    memcpy(ix->tab[j].key, key, n);
    ix->tab[j].key[n] = 0;
    ix->used++;
    return &ix->tab[j];
}

lg_json_index *lg_json_index_new(const char *text, size_t len)
{
    lg_json_index *ix = calloc(1, sizeof *ix);
    ix->text = text;
    ix->len = len;
    size_t cap = 1024;
    ix->nl = malloc(cap * sizeof *ix->nl);
    for (const char *p = text; (p = memchr(p, '\n', len - (size_t)(p - text))); p++) {
        if (ix->nnl == cap)
            ix->nl = realloc(ix->nl, (cap *= 2) * sizeof *ix->nl);
        ix->nl[ix->nnl++] = (size_t)(p - text);
    }
    return ix;
}

void lg_json_index_free(lg_json_index *ix)
{
    if (!ix)
        return;
    for (size_t i = 0; i < ix->cap; i++) {
        free(ix->tab[i].key);
        free(ix->tab[i].elem);
    }
    free(ix->tab);
    free(ix->nl);
    free(ix);
}

/* Offset of the member/element `tok` inside the container at `off`. */
static bool step(lg_json_index *ix, memo *m, const char *tok, size_t tl, size_t *out)
{
    cur c = {ix->text, ix->len, m->off};
    ws(&c);
    if (c.i >= c.n)
        return false;
    if (ix->text[c.i] == '[') {
        if (!m->elem) { /* one scan of the whole array, remembered */
            size_t cap = 16;
            m->elem = malloc(cap * sizeof *m->elem);
            c.i++;
            ws(&c);
            if (c.i < c.n && ix->text[c.i] != ']')
                for (;;) {
                    ws(&c);
                    if (m->nelem == cap)
                        m->elem = realloc(m->elem, (cap *= 2) * sizeof *m->elem);
                    m->elem[m->nelem++] = c.i;
                    if (!skip_value(&c, 0))
                        break;
                    ws(&c);
                    if (c.i < c.n && ix->text[c.i] == ',')
                        c.i++;
                    else
                        break;
                }
        }
        size_t idx = 0;
        for (size_t k = 0; k < tl; k++) {
            if (tok[k] < '0' || tok[k] > '9' || idx > 100000000)
                return false;
            idx = idx * 10 + (size_t)(tok[k] - '0');
        }
        if (tl == 0 || idx >= m->nelem)
            return false;
        *out = m->elem[idx];
        return true;
    }
    if (ix->text[c.i] != '{')
        return false;
    c.i++;
    for (;;) {
        ws(&c);
        if (c.i >= c.n || ix->text[c.i] != '"')
            return false;
        size_t ks = c.i + 1;
        if (!skip_string(&c))
            return false;
        size_t kl = c.i - 1 - ks;
        ws(&c);
        if (c.i >= c.n || ix->text[c.i] != ':')
            return false;
        c.i++;
        ws(&c);
        if (key_equals(ix->text + ks, kl, tok, tl)) {
            *out = c.i;
            return true;
        }
        if (!skip_value(&c, 0))
            return false;
        ws(&c);
        if (c.i < c.n && ix->text[c.i] == ',')
            c.i++;
        else
            return false;
    }
}

bool lg_json_index_locate(lg_json_index *ix, const char *pointer, long *line,
                          long *col)
{
    const char *p = pointer ? pointer : "";
    memo *m = find(ix, "", 0, true);
    if (m->key && m->off == 0 && ix->used == 1) {
        cur c = {ix->text, ix->len, 0};
        ws(&c);
        m->off = c.i;
    }
    size_t plen = strlen(p);
    size_t pos = 0;
    while (pos < plen) {
        if (p[pos] != '/')
            return false;
        const char *tok = p + pos + 1;
        const char *end = memchr(tok, '/', plen - pos - 1);
        size_t tl = end ? (size_t)(end - tok) : plen - pos - 1;
        size_t next = pos + 1 + tl;
        memo *child = find(ix, p, next, false);
        if (!child) {
            size_t off;
            if (!step(ix, m, tok, tl, &off))
                return false;
            child = find(ix, p, next, true);
            m = find(ix, p, pos, false); /* the table may have grown */
            child->off = off;
        }
        m = child;
        pos = next;
    }
    /* line = 1 + newlines before the offset */
    size_t lo = 0, hi = ix->nnl;
    while (lo < hi) {
        size_t mid = (lo + hi) / 2;
        if (ix->nl[mid] < m->off)
            lo = mid + 1;
        else
            hi = mid;
    }
    *line = (long)lo + 1;
    *col = (long)(m->off - (lo ? ix->nl[lo - 1] + 1 : 0)) + 1;
    return true;
}
