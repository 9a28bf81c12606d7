/* err.c - formatting of lg_err messages. */
#include "err.h"

#include <stdarg.h>
#include <stdio.h>

int lg_err_at(lg_err *e, const char *file, long line, long col,
              const char *fmt, ...)
{
    if (!e)
        return -1;
    size_t n = 0;
    if (file && line > 0 && col > 0)
        n = (size_t)snprintf(e->msg, sizeof e->msg, "%s:%ld:%ld: ", file, line, col);
    else if (file && line > 0)
        n = (size_t)snprintf(e->msg, sizeof e->msg, "%s:%ld: ", file, line);
    else if (file)
        n = (size_t)snprintf(e->msg, sizeof e->msg, "%s: ", file);
    if (n >= sizeof e->msg)
        n = sizeof e->msg - 1;
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(e->msg + n, sizeof e->msg - n, fmt, ap);
    va_end(ap);
    return -1;
}

int lg_err_set(lg_err *e, const char *fmt, ...)
{
    if (!e)
        return -1;
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(e->msg, sizeof e->msg, fmt, ap);
    va_end(ap);
    return -1;
}
