/* arena.h - bump allocator.  Everything a ruleset or one evaluation
 * allocates lives in an arena and is freed at once; this keeps the set
 * engine free of per-object ownership and makes a reset O(chunks). */
#ifndef LG_ARENA_H
#define LG_ARENA_H

#include <stddef.h>

typedef struct lg_arena_chunk lg_arena_chunk;
typedef struct lg_arena {
    lg_arena_chunk *head;
    size_t used;        /* bytes used in head */
    size_t total;       /* bytes handed out since creation/reset */
} lg_arena;

void lg_arena_init(lg_arena *a);
/* Returns zeroed memory aligned to 16 bytes; aborts on out-of-memory
 * (the only sane reaction inside set arithmetic). */
void *lg_arena_alloc(lg_arena *a, size_t n);
char *lg_arena_strdup(lg_arena *a, const char *s);
char *lg_arena_strndup(lg_arena *a, const char *s, size_t n);
char *lg_arena_printf(lg_arena *a, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));
/* Frees all but the first chunk; previous pointers become invalid. */
void lg_arena_reset(lg_arena *a);
void lg_arena_free(lg_arena *a);

#endif
