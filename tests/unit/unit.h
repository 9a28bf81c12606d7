/* unit.h - a tiny test harness: CHECK records a failure and goes on;
 * each test program prints "N passed, N failed" and exits non-zero on any
 * failure.  tests/run.sh adds the programs' counts together. */
#ifndef LG_UNIT_H
#define LG_UNIT_H

#include <stdio.h>
#include <string.h>

static int unit_pass, unit_fail;

#define CHECK(cond)                                                           \
    do {                                                                      \
        if (cond) {                                                           \
            unit_pass++;                                                      \
        } else {                                                              \
            unit_fail++;                                                      \
            fprintf(stderr, "%s:%d: CHECK failed: %s\n", __FILE__, __LINE__,  \
                    #cond);                                                   \
        }                                                                     \
    } while (0)

#define CHECK_STR(a, b)                                                       \
    do {                                                                      \
        const char *a_ = (a), *b_ = (b);                                      \
        if (a_ && b_ && strcmp(a_, b_) == 0) {                                \
            unit_pass++;                                                      \
        } else {                                                              \
            unit_fail++;                                                      \
            fprintf(stderr, "%s:%d: expected \"%s\", got \"%s\"\n", __FILE__, \
                    __LINE__, b_ ? b_ : "(null)", a_ ? a_ : "(null)");        \
        }                                                                     \
    } while (0)

#define UNIT_DONE()                                                           \
    do {                                                                      \
        printf("%d passed, %d failed\n", unit_pass, unit_fail);               \
        return unit_fail ? 1 : 0;                                             \
    } while (0)

#endif
