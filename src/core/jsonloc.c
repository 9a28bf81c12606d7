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
