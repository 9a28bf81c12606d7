/* scan.c - the anchors that have no literal, found in C instead of by
 * Vectorscan: a run of seven digits maybe grouped (K_NUMRUN), 32
 * characters of a token alphabet (K_ENTROPY) and two capitalised words
 * (K_NAME_PAIR).  Their regexes (engine.c) gave Vectorscan's literal
 * matcher nothing to look for, so its automaton ran on every byte and cost
 * half of the scan; here each block of 64 bytes becomes a few bit masks
 * (digits, token characters, capitals, small letters, spaces) and the
 * anchors are bit operations on them.
 *
 * Contract (the unit test checks it against Vectorscan running the
 * regexes): for each kind, rd_expand sees the end offsets in increasing
 * order, and every end offset the regex matches at is either reported or
 * one the expander would skip anyway because an earlier one of the same
 * kind covered it:
 *   K_NUMRUN    a chain of digits joined by nothing or by one or two of
 *               " .-/()"; reported once, after its seventh digit (numrun
 *               expands the whole chain and skips the rest of it);
 *   K_ENTROPY   a run of [A-Za-z0-9+/_=-]; reported once, after its 32nd
 *               character (entropy_tok skips the rest of the run);
 *   K_NAME_PAIR [A-Z][a-z]+ [A-Z][a-z]; reported at every end offset
 *               (name_pair keeps no state). */
#include "redact/engine_int.h"

#include <stdint.h>
#include <string.h>
#if defined(__SSE2__)
#include <emmintrin.h>
#endif

enum { M_DIG, M_ENT, M_UP, M_LO, M_SP, M_NMASK };

/* masks of one block: bit i is byte i */
typedef struct blk {
    uint64_t m[M_NMASK];
} blk;

#if defined(__SSE2__)
static uint64_t in_range(__m128i v[4], char lo, char hi)
{
    /* signed compares: bytes >= 0x80 are negative and never in range */
    uint64_t r = 0;
    for (int q = 0; q < 4; q++) {
        __m128i a = _mm_cmpgt_epi8(v[q], _mm_set1_epi8((char)(lo - 1)));
        __m128i b = _mm_cmplt_epi8(v[q], _mm_set1_epi8((char)(hi + 1)));
        r |= (uint64_t)(uint16_t)_mm_movemask_epi8(_mm_and_si128(a, b))
             << (16 * q);
    }
    return r;
}

static uint64_t equal(__m128i v[4], char c)
{
    uint64_t r = 0;
    for (int q = 0; q < 4; q++)
        r |= (uint64_t)(uint16_t)_mm_movemask_epi8(
                 _mm_cmpeq_epi8(v[q], _mm_set1_epi8(c)))
             << (16 * q);
    return r;
}

static void classify64(const unsigned char *p, blk *b)
{
    __m128i v[4];
    for (int q = 0; q < 4; q++)
        v[q] = _mm_loadu_si128((const __m128i *)(const void *)(p + 16 * q));
    b->m[M_DIG] = in_range(v, '0', '9');
    b->m[M_UP] = in_range(v, 'A', 'Z');
    b->m[M_LO] = in_range(v, 'a', 'z');
    b->m[M_SP] = equal(v, ' ');
    b->m[M_ENT] = b->m[M_DIG] | b->m[M_UP] | b->m[M_LO] | equal(v, '+') |
                  equal(v, '/') | equal(v, '_') | equal(v, '=') |
                  equal(v, '-');
}
#else
static void classify64(const unsigned char *p, blk *b)
{
    memset(b, 0, sizeof *b);
    for (int i = 0; i < 64; i++) {
        unsigned char c = p[i];
        uint64_t bit = (uint64_t)1 << i;
        int dig = c >= '0' && c <= '9', up = c >= 'A' && c <= 'Z',
            lo = c >= 'a' && c <= 'z';
        if (dig)
            b->m[M_DIG] |= bit;
        if (up)
            b->m[M_UP] |= bit;
        if (lo)
            b->m[M_LO] |= bit;
        if (c == ' ')
            b->m[M_SP] |= bit;
        if (dig || up || lo || (c && strchr("+/_=-", c)))
            b->m[M_ENT] |= bit;
    }
}
#endif

/* x shifted towards higher positions by k (1..63), the bits of the
 * previous block filling in */
static uint64_t shl(uint64_t x, uint64_t prev, int k)
{
    return x << k | prev >> (64 - k);
}

static int isrunsep(unsigned char c)
{
    return c == ' ' || c == '.' || c == '-' || c == '/' || c == '(' ||
           c == ')';
}

typedef struct scan_state {
    blk prev;
    uint64_t a[6], pa[6]; /* runs of 1, 2, 4, 8, 16, 32 token characters */
    size_t last_digit;     /* SIZE_MAX: none yet */
    int ndig;              /* digits in the chain that ends at last_digit */
} scan_state;

static void block(rd_scratch *s, scan_state *st, const blk *b, size_t base)
{
    const unsigned char *buf = (const unsigned char *)s->buf;
    /* K_ENTROPY: a[k] bit i = the 2^k bytes ending at i are token bytes */
    st->a[0] = b->m[M_ENT];
    for (int k = 1; k < 6; k++)
        st->a[k] = st->a[k - 1] & shl(st->a[k - 1], st->pa[k - 1], 1 << (k - 1));
    for (uint64_t f = st->a[5] & ~shl(st->a[5], st->pa[5], 1); f; f &= f - 1)
        rd_expand(s, K_ENTROPY, 0, 0, base + (size_t)__builtin_ctzll(f) + 1);
    memcpy(st->pa, st->a, sizeof st->a);

    /* K_NUMRUN: follow the chain from digit to digit */
    for (uint64_t d = b->m[M_DIG]; d; d &= d - 1) {
        size_t p = base + (size_t)__builtin_ctzll(d);
        size_t ld = st->last_digit;
        int linked = ld != SIZE_MAX && p - ld <= 3;
        for (size_t q = ld + 1; linked && q < p; q++)
            linked = isrunsep(buf[q]);
        st->ndig = linked ? st->ndig + 1 : 1;
        st->last_digit = p;
        if (st->ndig == 7)
            rd_expand(s, K_NUMRUN, 0, 0, p + 1);
    }

    /* K_NAME_PAIR: [a-z] ' ' [A-Z] [a-z] ending at i, then the small
     * letters before the space must follow a capital */
    const blk *pv = &st->prev;
    uint64_t c = b->m[M_LO] & shl(b->m[M_UP], pv->m[M_UP], 1) &
                 shl(b->m[M_SP], pv->m[M_SP], 2) &
                 shl(b->m[M_LO], pv->m[M_LO], 3);
    for (; c; c &= c - 1) {
        size_t i = base + (size_t)__builtin_ctzll(c), k = i - 3;
        while (k > 0 && buf[k - 1] >= 'a' && buf[k - 1] <= 'z')
            k--;
        if (k > 0 && buf[k - 1] >= 'A' && buf[k - 1] <= 'Z')
            rd_expand(s, K_NAME_PAIR, 0, 0, i + 1);
    }
    st->prev = *b;
}

void rd_cscan(rd_scratch *s)
{
    const unsigned char *p = (const unsigned char *)s->buf;
    size_t n = s->len, base = 0;
    scan_state st;
    memset(&st, 0, sizeof st);
    st.last_digit = SIZE_MAX;
    blk b;
    for (; base + 64 <= n; base += 64) {
        classify64(p + base, &b);
        block(s, &st, &b, base);
    }
    if (base < n) { /* the tail, padded with NUL bytes (no class) */
        unsigned char tail[64] = {0};
        memcpy(tail, p + base, n - base);
        classify64(tail, &b);
        block(s, &st, &b, base);
    }
}
