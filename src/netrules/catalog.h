/* catalog.h - the service catalog: which (protocol, port) belong to which
 * data store.  Data, not code: data/services.catalog is compiled in, and
 * --catalog FILE replaces it. */
#ifndef NR_CATALOG_H
#define NR_CATALOG_H

#include "../core/arena.h"
#include "../core/err.h"

typedef struct nr_service {
    const char *name;
    const char *title;
    int proto;          /* 6 or 17 */
    int port;
} nr_service;

/* One entry per (protocol, port): ranges are expanded. */
typedef struct nr_catalog {
    lg_arena arena;
    nr_service *s;
    size_t n, cap;
} nr_catalog;

/* Parse catalog text; errors name `name`:line:col.  0 or -1. */
int nr_catalog_parse(nr_catalog *c, const char *name, const char *text,
                     size_t len, lg_err *e);
int nr_catalog_load(nr_catalog *c, const char *path, lg_err *e);
/* The compiled-in default catalog. */
int nr_catalog_builtin(nr_catalog *c, lg_err *e);
void nr_catalog_free(nr_catalog *c);

#endif
