/* nrfix.h - the fixture shared by the reader unit tests: load files or
 * text into a snapshot, find a resource, free it all.  Functions are
 * static inline so a test that uses only some of them compiles cleanly. */
#ifndef LG_NRFIX_H
#define LG_NRFIX_H

#include <stdio.h>
#include <string.h>

#include "netrules/load.h"

typedef struct fx {
    nr_snapshot s;
    nr_inputs ins;
    lg_err e;
    int rc;
} fx;

/* The options audit uses by default: VNet = the private ranges. */
static inline nr_opts fx_opts(void)
{
    nr_opts o;
    memset(&o, 0, sizeof o);
    o.vnet = lg_ip_private();
    return o;
}

/* Load paths[0..n) as one snapshot (o NULL: fx_opts()).  A load error is
 * printed unless the first path is a deliberately broken fixture. */
static inline void fx_load(fx *f, const char *const *paths, size_t n, const nr_opts *o)
{
    nr_opts d = fx_opts();
    memset(f, 0, sizeof *f);
    nr_snapshot_init(&f->s);
    f->rc = nr_load(&f->s, &f->ins, paths, n, NR_FMT_AUTO, o ? o : &d, &f->e);
    if (f->rc != 0 && !strstr(paths[0], "bad") && !strstr(paths[0], "truncated"))
        fprintf(stderr, "load %s: %s\n", paths[0], f->e.msg);
}

static inline void fx_load_text(fx *f, const char *name, const char *text, nr_format fmt,
                                const nr_opts *o)
{
    nr_opts d = fx_opts();
    memset(f, 0, sizeof *f);
    nr_snapshot_init(&f->s);
    f->rc = nr_load_mem(&f->s, &f->ins, name, text, strlen(text), fmt, o ? o : &d, &f->e);
}

/* One file; text under the name "mem.json". */
static inline void fx_load_file(fx *f, const char *path) { fx_load(f, &path, 1, NULL); }
static inline void fx_load_str(fx *f, const char *text, nr_format fmt)
{
    fx_load_text(f, "mem.json", text, fmt, NULL);
}

static inline void fx_done(fx *f)
{
    nr_snapshot_free(&f->s);
    nr_inputs_free(&f->ins);
}

/* The resource called name in direction d; name NULL: the first in d. */
static inline const nr_resource *fx_res(const fx *f, const char *name, nr_direction d)
{
    for (size_t i = 0; i < f->s.n; i++)
        if (f->s.res[i].dir == d && (!name || strcmp(f->s.res[i].name, name) == 0))
            return &f->s.res[i];
    return NULL;
}

#endif
