/* arena.h - bump allocator.  Everything a ruleset or one evaluation
 * allocates lives in an arena and is freed at once; this keeps the set
 * engine free of per-object ownership and makes a reset O(chunks). */
#ifndef LG_ARENA_H
#define LG_ARENA_H

#include <stddef.h>

typedef struct lg_arena_chunk lg_arena_chunk;
typedef struct lg_arena {
    lg_arena_chunk *head;
    lg_arena_chunk *spare; /* chunks kept by reset for reuse */
    size_t used;        /* bytes used in head */
    size_t total;       /* bytes handed out since creation/reset */
} lg_arena;

void lg_arena_init(lg_arena *a);
/* Returns zeroed memory aligned to 16 bytes; aborts on out-of-memory
 * (the only sane reaction inside set arithmetic). */
void *lg_arena_alloc(lg_arena *a, size_t n);
/* Same, not zeroed: for arrays the caller fills completely (hot paths). */
void *lg_arena_alloc_nz(lg_arena *a, size_t n);
/* Growable arrays in an arena: returns arr, or a copy with twice the
 * capacity when n == *cap (the old storage is abandoned to the arena).
 * Use: v = lg_arena_grow(a, v, &cap, n, sizeof *v); v[n++] = x; */
void *lg_arena_grow(lg_arena *a, void *arr, size_t *cap, size_t n, size_t elem);
/* Heap arrays: make *arr hold at least `need` elements (doubling); 0 ok,
 * -1 out of memory with *arr unchanged. */
int lg_grow_slow(void *arr, size_t *cap, size_t need, size_t elem);
static inline int lg_grow(void *arr, size_t *cap, size_t need, size_t elem)
{
    return need <= *cap ? 0 : lg_grow_slow(arr, cap, need, elem);
}
/* Map in the pages of [p, p + n) now, in one system call (Linux
 * MADV_POPULATE_WRITE; nothing elsewhere).  A hint for big buffers about
 * to be filled: on virtual machines a first-touch page fault can cost
 * 20 times what populating the page costs. */
void lg_prefault(void *p, size_t n);
/* the most a buffer is made ready ahead of what is written into it (a
 * batch's output, sized before the batch is processed): more would let
 * RSS run ahead of what is written */
#define LG_PREFAULT_MAX ((size_t)1 << 20)
/* The same where running out of memory leaves nothing sensible to do (set
 * arithmetic, reports): aborts with a message, as the arenas do. */
void lg_grow_or_abort(void *arr, size_t *cap, size_t need, size_t elem);
char *lg_arena_strdup(lg_arena *a, const char *s);
char *lg_arena_strndup(lg_arena *a, const char *s, size_t n);
char *lg_arena_printf(lg_arena *a, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));
/* Forgets everything allocated; previous pointers become invalid.  The
 * chunks are kept for reuse, so a reset-heavy loop makes no system calls. */
void lg_arena_reset(lg_arena *a);
void lg_arena_free(lg_arena *a);

#endif
