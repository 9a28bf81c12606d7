/* err.h - error values that travel up: a message naming file, line/column
 * or offset and what was expected.  Functions return 0/-1 (or NULL) and fill
 * an lg_err supplied by the caller; nothing prints or exits below main. */
#ifndef LG_ERR_H
#define LG_ERR_H

#include <stddef.h>

typedef struct lg_err {
    char msg[1024];
} lg_err;

/* Format "FILE:LINE:COL: message".  line/col of 0 are omitted. file may be
 * NULL.  Always returns -1 so callers can write `return lg_err_at(...)`. */
int lg_err_at(lg_err *e, const char *file, long line, long col,
              const char *fmt, ...) __attribute__((format(printf, 5, 6)));

/* Plain message without location.  Returns -1. */
int lg_err_set(lg_err *e, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

#endif
