/* catalog.c - parsing the service catalog (format in data/services.catalog). */
#include "catalog.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "model.h"

/* Generated from data/ by make; weak so that programs built without it
 * (fuzz targets) still link and simply have no built-in catalog. */
extern const char lg_builtin_catalog[] __attribute__((weak));

static void add(nr_catalog *c, const char *name, const char *title, int proto,
                int port)
{
    for (size_t i = 0; i < c->n; i++)
        if (c->s[i].proto == proto && c->s[i].port == port)
            return; /* first name wins for a shared port */
    if (c->n == c->cap) {
        size_t nc = c->cap ? c->cap * 2 : 32;
        nr_service *ns = lg_arena_alloc(&c->arena, nc * sizeof *ns);
        if (c->n)
            memcpy(ns, c->s, c->n * sizeof *ns);
        c->s = ns;
        c->cap = nc;
    }
    c->s[c->n++] = (nr_service){name, title, proto, port};
}

/* Next whitespace-separated field of line[*i..n). */
static bool field(const char *line, size_t n, size_t *i, size_t *start, size_t *len)
{
    while (*i < n && (line[*i] == ' ' || line[*i] == '\t'))
        (*i)++;
    if (*i >= n)
        return false;
    *start = *i;
    while (*i < n && line[*i] != ' ' && line[*i] != '\t')
        (*i)++;
    *len = *i - *start;
    return true;
}

int nr_catalog_parse(nr_catalog *c, const char *name, const char *text,
                     size_t len, lg_err *e)
{
    long lineno = 0;
    size_t pos = 0;
    while (pos < len) {
        const char *line = text + pos;
        const char *nl = memchr(line, '\n', len - pos);
        size_t n = nl ? (size_t)(nl - line) : len - pos;
        pos += n + (nl ? 1 : 0);
        lineno++;
        if (n && line[n - 1] == '\r')
            n--;
        size_t i = 0, fs[3], fl[3];
        while (i < n && (line[i] == ' ' || line[i] == '\t'))
            i++;
        if (i == n || line[i] == '#')
            continue;
        for (int k = 0; k < 3; k++)
            if (!field(line, n, &i, &fs[k], &fl[k]))
                return lg_err_at(e, name, lineno, (long)i + 1,
                                 "expected NAME PROTOCOLS PORTS TITLE");
        while (i < n && (line[i] == ' ' || line[i] == '\t'))
            i++;
        const char *sname = lg_arena_strndup(&c->arena, line + fs[0], fl[0]);
        const char *title = lg_arena_strndup(&c->arena, line + i, n - i);
        int protos[2], np = 0;
        char buf[32];
        for (size_t a = fs[1], b; a < fs[1] + fl[1]; a = b + 1) {
            for (b = a; b < fs[1] + fl[1] && line[b] != ','; b++)
                ;
            if (b - a >= sizeof buf || np == 2)
                return lg_err_at(e, name, lineno, (long)a + 1, "expected tcp or udp");
            memcpy(buf, line + a, b - a);
            buf[b - a] = 0;
            int p = nr_proto_number(buf);
            if (p != 6 && p != 17)
                return lg_err_at(e, name, lineno, (long)a + 1,
                                 "expected protocol tcp or udp, got '%s'", buf);
            protos[np++] = p;
        }
        for (size_t a = fs[2], b; a < fs[2] + fl[2]; a = b + 1) {
            for (b = a; b < fs[2] + fl[2] && line[b] != ','; b++)
                ;
            lg_u128 lo, hi;
            if (!nr_port_range(line + a, b - a, &lo, &hi) ||
                (b - a == 1 && line[a] == '*'))
                return lg_err_at(e, name, lineno, (long)a + 1,
                                 "expected a port or range like 27017-27019");
            if (hi - lo > 1024)
                return lg_err_at(e, name, lineno, (long)a + 1,
                                 "port range too wide for a catalog entry (max 1025 ports)");
            for (lg_u128 p = lo; p <= hi; p++)
                for (int k = 0; k < np; k++)
                    add(c, sname, title, protos[k], (int)p);
        }
    }
    if (c->n == 0)
        return lg_err_at(e, name, 0, 0, "catalog has no services");
    return 0;
}

int nr_catalog_load(nr_catalog *c, const char *path, lg_err *e)
{
    FILE *f = fopen(path, "rb");
    if (!f)
        return lg_err_at(e, path, 0, 0, "cannot open catalog: %s", strerror(errno));
    char *buf = NULL;
    size_t len = 0, cap = 0;
    for (;;) {
        if (len + 4096 > cap) {
            cap = cap ? cap * 2 : 8192;
            buf = realloc(buf, cap);
        }
        size_t r = fread(buf + len, 1, cap - len, f);
        if (r == 0)
            break;
        len += r;
    }
    fclose(f);
    lg_arena_init(&c->arena);
    int rc = nr_catalog_parse(c, path, buf ? buf : "", len, e);
    free(buf);
    return rc;
}

int nr_catalog_builtin(nr_catalog *c, lg_err *e)
{
    lg_arena_init(&c->arena);
    if (!lg_builtin_catalog)
        return lg_err_set(e, "no built-in catalog in this build; use --catalog");
    return nr_catalog_parse(c, "data/services.catalog", lg_builtin_catalog,
                            strlen(lg_builtin_catalog), e);
}

void nr_catalog_free(nr_catalog *c)
{
    lg_arena_free(&c->arena);
    memset(c, 0, sizeof *c);
}
