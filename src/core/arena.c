/* arena.c - chunked bump allocator (see arena.h). */
#include "arena.h"

#include <stdarg.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

struct lg_arena_chunk {
    lg_arena_chunk *next;
    size_t size;
    _Alignas(16) unsigned char data[];
};

#define CHUNK_MIN ((size_t)64 * 1024)
/* Once an arena holds 8 MB (a snapshot of a million rules holds 600), its
 * chunks are 4 MB and asked to be backed by transparent huge pages: a page
 * fault costs microseconds in a VM, and 2 MB pages need 512 times fewer. */
#define CHUNK_BIG ((size_t)4 << 20)
#define HUGE_PAGE ((size_t)2 << 20)

static void out_of_memory(void)
{
    fputs("leakguard: out of memory\n", stderr);
    abort();
}

/* Chunks of the two standard sizes are kept by a reset; a chunk made for
 * one oversized request is not. */
static size_t std_size(size_t total)
{
    return (total >= 2 * CHUNK_BIG ? CHUNK_BIG : CHUNK_MIN) - sizeof(lg_arena_chunk);
}

static bool is_std(const lg_arena_chunk *c)
{
    return c->size == CHUNK_MIN - sizeof *c || c->size == CHUNK_BIG - sizeof *c;
}

static lg_arena_chunk *chunk_new(size_t need, size_t total)
{
    size_t size = std_size(total);
    if (need > size)
        size = need;
    lg_arena_chunk *c;
    if (size + sizeof *c == CHUNK_BIG) {
        c = aligned_alloc(HUGE_PAGE, CHUNK_BIG);
        if (c)
            madvise(c, CHUNK_BIG, MADV_HUGEPAGE); /* a hint; fine if refused */
    } else {
        c = malloc(sizeof *c + size);
    }
    if (!c)
        out_of_memory();
    c->next = NULL;
    c->size = size;
    return c;
}

void lg_arena_init(lg_arena *a)
{
    memset(a, 0, sizeof *a);
}

void *lg_arena_alloc_nz(lg_arena *a, size_t n)
{
    n = (n + 15) & ~(size_t)15;
    if (n == 0)
        n = 16;
    if (!a->head || a->used + n > a->head->size) {
        lg_arena_chunk *c = NULL;
        if (a->spare && a->spare->size >= n) {
            c = a->spare;
            a->spare = c->next;
        } else {
            c = chunk_new(n, a->total);
        }
        c->next = a->head;
        a->head = c;
        a->used = 0;
    }
    void *p = a->head->data + a->used;
    a->used += n;
    a->total += n;
    return p;
}

void *lg_arena_alloc(lg_arena *a, size_t n)
{
    void *p = lg_arena_alloc_nz(a, n);
    memset(p, 0, n);
    return p;
}

void *lg_arena_grow(lg_arena *a, void *arr, size_t *cap, size_t n, size_t elem)
{
    if (n < *cap)
        return arr;
    size_t nc = *cap ? *cap * 2 : 8;
    void *p = lg_arena_alloc(a, nc * elem);
    if (n)
        memcpy(p, arr, n * elem);
    *cap = nc;
    return p;
}

char *lg_arena_strndup(lg_arena *a, const char *s, size_t n)
{
    char *p = lg_arena_alloc(a, n + 1);
    memcpy(p, s, n);
    p[n] = 0;
    return p;
}

char *lg_arena_strdup(lg_arena *a, const char *s)
{
    return s ? lg_arena_strndup(a, s, strlen(s)) : NULL;
}

char *lg_arena_printf(lg_arena *a, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    int n = vsnprintf(NULL, 0, fmt, ap);
    va_end(ap);
    if (n < 0)
        n = 0;
    char *p = lg_arena_alloc(a, (size_t)n + 1);
    va_start(ap, fmt);
    vsnprintf(p, (size_t)n + 1, fmt, ap);
    va_end(ap);
    return p;
}

void lg_arena_reset(lg_arena *a)
{
    /* all chunks go to the spare list; oversized ones (one huge request)
     * are freed so a single spike is not kept for the arena's lifetime */
    lg_arena_chunk *c = a->head;
    while (c) {
        lg_arena_chunk *n = c->next;
        if (!is_std(c)) {
            free(c);
        } else {
            c->next = a->spare;
            a->spare = c;
        }
        c = n;
    }
    a->head = NULL;
    a->used = 0;
    a->total = 0;
}

static void free_list(lg_arena_chunk *c)
{
    while (c) {
        lg_arena_chunk *n = c->next;
        free(c);
        c = n;
    }
}

void lg_arena_free(lg_arena *a)
{
    free_list(a->head);
    free_list(a->spare);
    memset(a, 0, sizeof *a);
}

int lg_grow_slow(void *arr, size_t *cap, size_t need, size_t elem)
{
    void **p = arr;
    if (need <= *cap)
        return 0;
    size_t nc = *cap ? *cap : 16;
    while (nc < need)
        nc *= 2;
    void *r = realloc(*p, nc * elem);
    if (!r)
        return -1;
    *p = r;
    *cap = nc;
    return 0;
}

void lg_prefault(void *p, size_t n)
{
#ifdef MADV_POPULATE_WRITE
    uintptr_t pg = (uintptr_t)sysconf(_SC_PAGESIZE), a = (uintptr_t)p,
              b = a + n;
    a = (a + pg - 1) & ~(pg - 1);
    b &= ~(pg - 1);
    if (b > a) /* failing (an old kernel) only costs the faults */
        (void)madvise((void *)a, b - a, MADV_POPULATE_WRITE);
#else
    (void)p;
    (void)n;
#endif
}

void lg_grow_or_abort(void *arr, size_t *cap, size_t need, size_t elem)
{
    if (lg_grow(arr, cap, need, elem) < 0)
        out_of_memory();
}
