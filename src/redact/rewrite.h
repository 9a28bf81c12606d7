/* rewrite.h - what a finding becomes in the output (mask, partial, token,
 * drop), the keyed hash behind tokens and distinct counts, and the growable
 * byte buffer the record writers use. */
#ifndef RD_REWRITE_H
#define RD_REWRITE_H

#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include "redact/rd.h"

/* A growable byte buffer.  A failed allocation is sticky: every later
 * call fails too, so one check of `err` at the end covers a sequence.
 * Of the `size` bytes allocated, the first `cap` are mapped in already:
 * writes below cap never fault, and rd_buf_grow maps in what is about to
 * be written and RD_BUF_AHEAD more at a time, in one system call (on
 * these VMs a fault costs 20 times that), however big the buffer grows. */
typedef struct rd_buf {
    char *p;
    size_t n, cap, size;
    int err;
} rd_buf;

#define RD_BUF_AHEAD ((size_t)256 << 10)

/* make room for `more` bytes: 0, or -1 (and err set) */
int rd_buf_grow(rd_buf *b, size_t more);
/* after a long record: free b if it grew past RD_BUF_KEEP (ordinary
 * batches need far less, and a long record grows it again) */
#define RD_BUF_KEEP ((size_t)4 << 20)
void rd_buf_trim(rd_buf *b);

static inline int rd_buf_put(rd_buf *b, const void *p, size_t n)
{
    if (b->err || (b->cap - b->n < n && rd_buf_grow(b, n)))
        return -1;
    if (n) {
        memcpy(b->p + b->n, p, n);
        b->n += n;
    }
    return 0;
}

static inline int rd_buf_putc(rd_buf *b, char c)
{
    if (b->err || (b->cap == b->n && rd_buf_grow(b, 1)))
        return -1;
    b->p[b->n++] = c;
    return 0;
}
int rd_buf_printf(rd_buf *b, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));
/* a JSON string literal with the quotes */
int rd_buf_json_str(rd_buf *b, const char *s, size_t n);
/* the same without the quotes: each byte escaped on its own, so the
 * pieces of a string may be written one after another */
int rd_buf_json_chars(rd_buf *b, const char *s, size_t n);

/* The first offset r >= i of p[0, n) holding '"', '\\', a byte below
 * 0x20 or, when del is set, 0x7f (n when none): the bytes a JSON string
 * may hold as they are.  64 bytes a step with AVX-512 BW where the CPU has
 * it (chosen at run time), else 16 with SSE2. */
size_t rd_json_plain(const char *p, size_t i, size_t n, int del);
void rd_buf_free(rd_buf *b);

#define RD_KEY_BYTES 32

typedef struct rd_keyed {
    unsigned char key[RD_KEY_BYTES];
    int token_hex; /* hex digits in <TYPE:...> */
} rd_keyed;

/* Load a key: the file holds 64+ hex digits or 32+ raw bytes; NULL path
 * reads the environment variable LEAKGUARD_KEY (hex).  Rejects missing,
 * short and low-variety keys with a message naming the source. */
int rd_key_load(rd_keyed *k, const char *path, lg_err *e);
/* a random key for counting distinct values within one run */
void rd_key_random(rd_keyed *k);

/* 64-bit keyed hash of a normalised value, for counting distinct values
 * of one type (SipHash-2-4 under the first 16 bytes of the key: a set
 * per type, held in memory for one run, never written) */
uint64_t rd_count_hash(const rd_keyed *k, const char *v, size_t n);

/* Append what the value becomes.  orig is the value as written, norm its
 * normalised form.  RD_ACT_DROP appends nothing. */
int rd_render(rd_buf *out, rd_action act, const char *type,
              const rd_keyed *k, const char *orig, size_t olen,
              const char *norm, size_t nlen);
/* The same for a value of a type that shows nothing of it (REDACTED)
 * and too long to hold: next gives its pieces in turn (0 at the end),
 * read only for a token. */
int rd_render_pieces(rd_buf *out, rd_action act, const char *type,
                     const rd_keyed *k,
                     size_t (*next)(void *ctx, const char **p), void *ctx);

#endif
