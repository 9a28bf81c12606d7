/* scan.c - the anchors that have no literal, found in C instead of by
 * Vectorscan: a run of seven digits maybe grouped (K_NUMRUN), 32
 * characters of a token alphabet (K_ENTROPY), two capitalised words
 * (K_NAME_PAIR), the start of an IBAN (K_IBAN), MAC addresses (K_MAC),
 * the cue words before a capitalised word (K_PERSON_CUE, K_PLACE_CUE),
 * IPv6 and IPv4 addresses (K_IPV6, K_IPV4), ", WA 98052" (K_CITY_ZIP) and
 * the two-letter street suffixes " St" " Rd" (K_STREET_ABBR).
 * Their regexes (anchors.c) gave Vectorscan's literal matcher nothing to
 * look for, so its automata ran on every byte and cost most of the scan;
 * here each block of 64 bytes becomes a few bit masks (digits, token
 * characters, capitals, small letters, spaces, hex digits, separators)
 * and the anchors are shifts and ANDs of them.
 *
 * Contract (test_cscan checks it against Vectorscan running the regexes):
 * for each kind, rd_expand sees the end offsets in increasing order, and
 * every end offset the regex matches at is either reported or one the
 * expander would skip anyway because an earlier one of the same kind
 * covered it:
 *   K_NUMRUN    a chain of digits joined by nothing, by one or two of
 *               " .-/()", or by one of them but the space with a space
 *               either side (" - "); reported once, after its seventh
 *               digit (numrun expands the whole chain and skips the rest
 *               of it);
 *   K_ENTROPY   a run of [A-Za-z0-9+/_=-]; reported once, after its 32nd
 *               character (entropy_tok skips the rest of the run);
 *   K_IPV6      reported at every end offset, in order (ipv6_token skips
 *               ends inside the address it took);
 *   K_IPV4      every end offset, in order, noted (rd_note_v4) for
 *               scan_anchors to expand in order with K_DEFANG's, which
 *               Vectorscan finds: one ipv4_token state skips the ends
 *               inside the address either took;
 *   K_NAME_PAIR [A-Z][a-z]+ [A-Z][a-z], K_IBAN, K_MAC, K_PERSON_CUE,
 *               K_PLACE_CUE, K_CITY_ZIP, K_STREET_ABBR: reported at
 *               every end offset
 *               (their expanders keep no state).  The cues have literals,
 *               but short and common ones ("in", "to", "hi") that fired
 *               Vectorscan's literal matcher all the time; here a space
 *               before a capital is the trigger, and most have no cue
 *               before them (one look at the byte before the space says
 *               so).
 * No other kind shares expander state with an anchor left in Vectorscan,
 * so running after hs_scan instead of interleaved changes nothing (the
 * candidates are sorted afterwards).
 *
 * The masks come from SSE2 compares (16 bytes at a time), or, on CPUs
 * with AVX-512 VBMI and VBMI2 (checked once at run time), from one table
 * lookup of all 64 bytes: each byte's class bits, one bit per mask, then
 * one test per mask; that path also does the shifts and ANDs of eight
 * blocks at once (cscan_vbmi).  test_cscan runs every path the CPU has. */
#include "redact/engine_int.h"

#include <pthread.h>
#include <stdatomic.h>
#include <stdint.h>
#include <string.h>
#if defined(__SSE2__)
#include <emmintrin.h>
#endif
#if defined(__x86_64__) && (defined(__GNUC__) || defined(__clang__))
#include <immintrin.h>
#define RD_VBMI 1
#endif

enum { M_DIG, M_ENT, M_UP, M_LO, M_SP, M_HEX, M_COLDASH, M_DOT, M_NMASK };

/* masks of one block: bit i is byte i (mask k is class bit 1 << k); and
 * three beyond the 8 class bits: colons (IPv6), commas, and the letters r
 * and s in either case (the cue words: "regards," "mr." "ms.") */
typedef struct blk {
    uint64_t m[M_NMASK];
    uint64_t colon, comma, rs;
    uint64_t slpar; /* '/' '(' ')': with spaces, dots and dashes, what may
                       join the digit groups of a number (c_runsep) */
    uint64_t hi;    /* bytes >= 0x80 */
} blk;

#if defined(__SSE2__)
/* bytes of v in [lo, hi]; signed compares, so bytes >= 0x80 (negative)
 * are never in an ASCII range */
static __m128i in_range(__m128i v, char lo, char hi)
{
    return _mm_and_si128(_mm_cmpgt_epi8(v, _mm_set1_epi8((char)(lo - 1))),
                         _mm_cmplt_epi8(v, _mm_set1_epi8((char)(hi + 1))));
}

static __m128i eq(__m128i v, char c)
{
    return _mm_cmpeq_epi8(v, _mm_set1_epi8(c));
}

static uint64_t bits(__m128i m, int q)
{
    return (uint64_t)(uint16_t)_mm_movemask_epi8(m) << (16 * q);
}

static void classify64(const unsigned char *p, blk *b)
{
    memset(b, 0, sizeof *b);
    for (int q = 0; q < 4; q++) {
        __m128i v = _mm_loadu_si128((const __m128i *)(const void *)(p + 16 * q));
        __m128i d = in_range(v, '0', '9'), u = in_range(v, 'A', 'Z'),
                l = in_range(v, 'a', 'z');
        __m128i e = _mm_or_si128(
            _mm_or_si128(_mm_or_si128(d, u), _mm_or_si128(l, eq(v, '+'))),
            _mm_or_si128(_mm_or_si128(eq(v, '/'), eq(v, '_')),
                         _mm_or_si128(eq(v, '='), eq(v, '-'))));
        b->m[M_DIG] |= bits(d, q);
        b->m[M_UP] |= bits(u, q);
        b->m[M_LO] |= bits(l, q);
        b->m[M_SP] |= bits(eq(v, ' '), q);
        b->m[M_ENT] |= bits(e, q);
        b->m[M_HEX] |= bits(_mm_or_si128(_mm_or_si128(d, in_range(v, 'A', 'F')),
                                         in_range(v, 'a', 'f')),
                            q);
        b->m[M_COLDASH] |= bits(_mm_or_si128(eq(v, ':'), eq(v, '-')), q);
        b->m[M_DOT] |= bits(eq(v, '.'), q);
        b->colon |= bits(eq(v, ':'), q);
        b->comma |= bits(eq(v, ','), q);
        __m128i f = _mm_or_si128(v, _mm_set1_epi8(0x20)); /* r R s S */
        b->rs |= bits(_mm_or_si128(eq(f, 'r'), eq(f, 's')), q);
        b->slpar |= bits(_mm_or_si128(eq(v, '/'), in_range(v, '(', ')')), q);
        b->hi |= bits(v, q);
    }
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
        if (dig || (c >= 'A' && c <= 'F') || (c >= 'a' && c <= 'f'))
            b->m[M_HEX] |= bit;
        if (c == ':' || c == '-')
            b->m[M_COLDASH] |= bit;
        if (c == '.')
            b->m[M_DOT] |= bit;
        if (c == ':')
            b->colon |= bit;
        if (c == ',')
            b->comma |= bit;
        if ((c | 0x20) == 'r' || (c | 0x20) == 's')
            b->rs |= bit;
        if (c == '/' || c == '(' || c == ')')
            b->slpar |= bit;
        if (c >= 0x80)
            b->hi |= bit;
        if (dig || up || lo || (c && strchr("+/_=-", c)))
            b->m[M_ENT] |= bit;
    }
}
#endif

#ifdef RD_VBMI
/* the class bits of the ASCII bytes, bit k for mask k */
#define CL_IN(c, a, b) ((c) >= (a) && (c) <= (b))
#define CL_DIG(c) CL_IN(c, '0', '9')
#define CL_ALNUM(c) (CL_DIG(c) || CL_IN(c, 'A', 'Z') || CL_IN(c, 'a', 'z'))
#define CL(c)                                                              \
    (CL_DIG(c) << M_DIG |                                                  \
     (CL_ALNUM(c) || (c) == '+' || (c) == '/' || (c) == '_' ||             \
      (c) == '=' || (c) == '-') << M_ENT |                                 \
     CL_IN(c, 'A', 'Z') << M_UP | CL_IN(c, 'a', 'z') << M_LO |            \
     ((c) == ' ') << M_SP |                                                \
     (CL_DIG(c) || CL_IN(c, 'A', 'F') || CL_IN(c, 'a', 'f')) << M_HEX |   \
     ((c) == ':' || (c) == '-') << M_COLDASH | ((c) == '.') << M_DOT)
#define CL4(c) CL(c), CL((c) + 1), CL((c) + 2), CL((c) + 3)
#define CL16(c) CL4(c), CL4((c) + 4), CL4((c) + 8), CL4((c) + 12)
#define CL64(c) CL16(c), CL16((c) + 16), CL16((c) + 32), CL16((c) + 48)
static const unsigned char cls_tbl[128] __attribute__((aligned(64))) = {
    CL64(0), CL64(64)};

__attribute__((target("avx512f,avx512bw,avx512vbmi"))) static inline void
classify64_vbmi(const unsigned char *p, blk *b)
{
    __m512i v = _mm512_loadu_si512((const void *)p);
    __m512i lo = _mm512_load_si512((const void *)cls_tbl),
            hi = _mm512_load_si512((const void *)(cls_tbl + 64));
    /* the low 7 bits pick the table entry; bytes >= 0x80 get no class */
    b->hi = _mm512_movepi8_mask(v);
    __m512i c = _mm512_maskz_permutex2var_epi8(~b->hi, lo, v, hi);
    /* unrolled by hand: gcc -O2 kept the loop, a broadcast and a store
     * of each mask, then loaded them back */
#pragma GCC unroll 8
    for (int k = 0; k < M_NMASK; k++)
        b->m[k] = _mm512_test_epi8_mask(c, _mm512_set1_epi8((char)(1 << k)));
    b->colon = _mm512_cmpeq_epi8_mask(v, _mm512_set1_epi8(':'));
    b->comma = _mm512_cmpeq_epi8_mask(v, _mm512_set1_epi8(','));
    __m512i f = _mm512_or_si512(v, _mm512_set1_epi8(0x20)); /* r R s S */
    b->rs = _mm512_cmpeq_epi8_mask(f, _mm512_set1_epi8('r')) |
            _mm512_cmpeq_epi8_mask(f, _mm512_set1_epi8('s'));
    /* ( and ) are 0x28 and 0x29 */
    b->slpar = _mm512_cmpeq_epi8_mask(v, _mm512_set1_epi8('/')) |
               _mm512_cmpeq_epi8_mask(_mm512_or_si512(v, _mm512_set1_epi8(1)),
                                      _mm512_set1_epi8(')'));
}
#endif

/* (x << k) with the top k bits of the previous block's mask shifted in */
#define SHL(x, prev, k) ((x) << (k) | (prev) >> (64 - (k)))

/* K_NUMRUN over the digits of one block, a chain at a time (chains): a
 * digit is linked to the one before it when at most two separators
 * (c_runsep) lie between them, or one other than a space with a space either side
 * (" - "); an unlinked digit starts a chain.  *nd counts the digits
 * of the chain the previous block ended in (one that reaches into this
 * block starts with a linked digit).  A digit loop was 4 % of a run: JSON
 * records carry dates and ids in every line. */
static inline __attribute__((always_inline)) uint64_t
digit_starts(const blk *b, const blk *pb)
{
    uint64_t d = b->m[M_DIG], pd = pb->m[M_DIG];
    /* mid: the separators but the space, what may stand between two */
    uint64_t mid = b->m[M_DOT] | (b->m[M_COLDASH] & ~b->colon) | b->slpar,
             pmid = pb->m[M_DOT] | (pb->m[M_COLDASH] & ~pb->colon) |
                    pb->slpar;
    uint64_t sep = b->m[M_SP] | mid, psep = pb->m[M_SP] | pmid;
    uint64_t s1 = SHL(sep, psep, 1);
    uint64_t linked = d & (SHL(d, pd, 1) | (s1 & SHL(d, pd, 2)) |
                           (s1 & SHL(sep, psep, 2) & SHL(d, pd, 3)) |
                           (SHL(b->m[M_SP], pb->m[M_SP], 1) &
                            SHL(mid, pmid, 2) &
                            SHL(b->m[M_SP], pb->m[M_SP], 3) & SHL(d, pd, 4)));
    return d & ~linked;
}

/* K_NUMRUN from the digits d of a block and those of them that start a
 * chain (digit_starts); *nd as above */
static inline __attribute__((always_inline)) void
chains(rd_scratch *s, uint64_t d, uint64_t starts, size_t base, int *nd)
{
    int n = *nd; /* the chain the first digit continues, if linked */
    while (d) {
        uint64_t first = d & -d;
        if (first & starts)
            n = 0;
        uint64_t later = starts & ~(first | (first - 1)); /* next chains */
        uint64_t chain = later ? d & ((later & -later) - 1) : d;
        int k = __builtin_popcountll(chain);
        if (n < 7 && n + k >= 7) { /* its seventh digit is here */
            uint64_t c = chain;
            for (int r = 7 - n - 1; r > 0; r--)
                c &= c - 1;
            rd_expand(s, K_NUMRUN, 0, 0, base + (size_t)__builtin_ctzll(c) + 1);
        }
        n += k;
        d &= ~chain;
    }
    *nd = n;
}

#ifdef RD_VBMI
/* chains() without its loop over the chains, for the AVX-512 path (every
 * CPU with VBMI has fast PEXT and PDEP): the digits of the block packed
 * to the low bits (pext), bit i of S set where the i-th digit starts a
 * chain, the seventh digit of a chain is six past its start with no
 * other start in between, or 6 - n past the block's first digit for the
 * chain carried in.  A loop of unpredictable branches, once per chain
 * (a date, a time and an id in every JSON record) was 4 % of a run. */
__attribute__((target("bmi2,popcnt"))) static void
chains_pext(rd_scratch *s, uint64_t d, uint64_t starts, size_t base, int *nd)
{
    int pc = __builtin_popcountll(d), n = *nd;
    uint64_t S = _pext_u64(starts, d);
    uint64_t all = pc == 64 ? ~(uint64_t)0 : ((uint64_t)1 << pc) - 1;
    uint64_t seventh = (S << 6) & ~(S | S << 1 | S << 2 | S << 3 | S << 4 |
                                    S << 5) & all;
    if (n < 7) {
        int q = 6 - n; /* the carried chain's seventh digit */
        if (q < pc && !(S & (((uint64_t)2 << q) - 1)))
            seventh |= (uint64_t)1 << q;
    }
    for (uint64_t e = _pdep_u64(seventh, d); e; e &= e - 1)
        rd_expand(s, K_NUMRUN, 0, 0, base + (size_t)__builtin_ctzll(e) + 1);
    n = S ? pc - (63 - __builtin_clzll(S)) : n + pc;
    *nd = n < 7 ? n : 7; /* only whether it is below 7 matters */
}
#endif

/* K_NAME_PAIR: c has a bit for each [a-z] ' ' [A-Z] [a-z] ending there;
 * the small letters before the space must follow a capital */
static void names(rd_scratch *s, uint64_t c, size_t base)
{
    const unsigned char *buf = (const unsigned char *)s->buf;
    for (; c; c &= c - 1) {
        size_t i = base + (size_t)__builtin_ctzll(c), k = i - 3;
        while (k > 0 && buf[k - 1] >= 'a' && buf[k - 1] <= 'z')
            k--;
        if (k > 0 && buf[k - 1] >= 'A' && buf[k - 1] <= 'Z')
            rd_expand(s, K_NAME_PAIR, 0, 0, i + 1);
    }
}

/* ---- cue words ---------------------------------------------------------- */

/* The cue words by their last two bytes (folded for the person cues),
 * hashed into CUE_H slots: bit k of by_end[h] is word k (every cue word
 * has two bytes or more).  Most capitals after a space follow a word
 * that is no cue, and two bytes tell so where the last one alone sent a
 * third of them to compare whole words.  Built once, by the first engine
 * (rd_cscan_init). */
enum { MAXCUES = 64, CUE_H = 1024 };
typedef struct cue_ix {
    const char *const *w;
    uint64_t by_end[CUE_H];
    unsigned char len[MAXCUES];
} cue_ix;

static cue_ix person_ix = {.w = rd_person_cues},
              place_ix = {.w = rd_place_cues};
static pthread_once_t cue_once = PTHREAD_ONCE_INIT;

static inline unsigned cue_hash(unsigned prev, unsigned last)
{
    return (last ^ prev << 2) & (CUE_H - 1);
}

static void index_cues(cue_ix *x, int fold)
{
    for (int k = 0; x->w[k] && k < MAXCUES; k++) {
        const unsigned char *w = (const unsigned char *)x->w[k];
        size_t n = strlen(x->w[k]);
        x->len[k] = (unsigned char)n;
        unsigned a = w[n - 2], b = w[n - 1];
        if (fold)
            a = (unsigned)c_tolower((int)a), b = (unsigned)c_tolower((int)b);
        x->by_end[cue_hash(a, b)] |= (uint64_t)1 << k;
    }
}

/* The last bytes of the cue words, as class bits of cue_cls (the AVX-512
 * path's second table): CC_PLAST, the last byte of a person cue (in either
 * case) but of "mr." "mrs." "ms." "dr.", whose byte 3 from the end is
 * CC_MDR ('.' ends too many sentences); CC_QLAST, that of a place cue, as
 * written.  Half of the capitals after a space that cue_before was asked
 * about follow a word that ends otherwise ("the Windows", "users. The").
 * And the letters of the two-letter street suffixes (abbr_ok): CC_ST1 the
 * first, CC_ST2 the second.  The last three are for classify8, one test
 * each of the table it looks up anyway, where classify64_vbmi (the blocks
 * after the last group) takes two compares: CC_RS the letters r and s in
 * either case (blk.rs), CC_SLPAR '/' '(' ')' (blk.slpar), CC_JSTOP the
 * bytes that end a run of a JSON string's plain characters, '"' '\\' and
 * those below 0x20 (rd_scan_stops). */
enum { CC_PLAST = 1, CC_MDR = 2, CC_QLAST = 4, CC_ST1 = 8, CC_ST2 = 16,
       CC_RS = 32, CC_SLPAR = 64, CC_JSTOP = 128 };
/* the suffixes of K_STREET_ABBR, two bytes each */
#define ABBRS "StRdDrLnCtPl"
static unsigned char cue_cls[128] __attribute__((aligned(64)));

static void mark(unsigned char c, int bit, int fold)
{
    if (c < 128)
        cue_cls[c] |= (unsigned char)bit;
    if (fold && c_alpha(c))
        cue_cls[c ^ 0x20] |= (unsigned char)bit;
}

static void index_all_cues(void)
{
    index_cues(&person_ix, 1);
    index_cues(&place_ix, 0);
    for (int k = 0; rd_person_cues[k]; k++) {
        const unsigned char *w = (const unsigned char *)rd_person_cues[k];
        size_t n = strlen(rd_person_cues[k]);
        if (w[n - 1] != '.')
            mark(w[n - 1], CC_PLAST, 1);
        else if (n >= 3)
            mark(w[n - 3], CC_MDR, 1);
    }
    for (int k = 0; rd_place_cues[k]; k++) {
        const char *w = rd_place_cues[k];
        mark((unsigned char)w[strlen(w) - 1], CC_QLAST, 0);
    }
    for (const char *a = ABBRS; *a; a += 2) {
        mark((unsigned char)a[0], CC_ST1, 0);
        mark((unsigned char)a[1], CC_ST2, 0);
    }
    mark('r', CC_RS, 1);
    mark('s', CC_RS, 1);
    for (const char *c = "/()"; *c; c++)
        mark((unsigned char)*c, CC_SLPAR, 0);
    for (unsigned c = 0; c < 0x20; c++)
        mark((unsigned char)c, CC_JSTOP, 0);
    mark('"', CC_JSTOP, 0);
    mark('\\', CC_JSTOP, 0);
}

/* Does buf[0, e) end with one of x's words?  fold: the person cues, in
 * any case, anywhere; else the place cues, as written, starting a word
 * (\b before their first byte, which is a word byte). */
static inline __attribute__((always_inline)) int
cue_before(const unsigned char *buf, size_t e, const cue_ix *x, int fold)
{
    if (e < 2)
        return 0;
    unsigned a = buf[e - 2], b = buf[e - 1];
    if (fold)
        a = (unsigned)c_tolower((int)a), b = (unsigned)c_tolower((int)b);
    for (uint64_t m = x->by_end[cue_hash(a, b)]; m; m &= m - 1) {
        int k = __builtin_ctzll(m);
        size_t n = x->len[k];
        if (n > e)
            continue;
        const unsigned char *p = buf + e - n,
                            *w = (const unsigned char *)x->w[k];
        size_t i = 0;
        while (i < n && (fold ? c_tolower(p[i]) : p[i]) == w[i])
            i++;
        if (i == n && (fold || e == n || !c_word(buf[e - n - 1])))
            return 1;
    }
    return 0;
}

/* K_PERSON_CUE ends after the capital, K_PLACE_CUE after the small letter
 * that follows it: person has a bit for each ' ' [A-Z] ending there that
 * may follow a cue, place for each such ' ' [A-Z] [a-z] */
static void cues(rd_scratch *s, uint64_t person, uint64_t place, size_t base)
{
    const unsigned char *buf = (const unsigned char *)s->buf;
    for (; person; person &= person - 1) {
        size_t i = base + (size_t)__builtin_ctzll(person);
        if (cue_before(buf, i - 1, &person_ix, 1))
            rd_expand(s, K_PERSON_CUE, 0, 0, i + 1);
    }
    for (; place; place &= place - 1) {
        size_t i = base + (size_t)__builtin_ctzll(place);
        if (cue_before(buf, i - 2, &place_ix, 0))
            rd_expand(s, K_PLACE_CUE, 0, 0, i + 1);
    }
}

/* ---- two-letter street suffixes ---------------------------------------- */

/* K_STREET_ABBR: " (?:St|Rd|Dr|Ln|Ct|Pl)\b" (anchors.c), ending before a
 * byte that is no \w, or at the end.  Found from the byte after: c has a
 * bit for each byte that is no letter or digit and follows ' ' [A-Z]
 * [a-z] (on the AVX-512 path, letters that may be a suffix's); the
 * letters and the '_' a \w also is are checked here. */
static int abbr_ok(unsigned char a, unsigned char b)
{
    for (const char *p = ABBRS; *p; p += 2)
        if (p[0] == a && p[1] == b)
            return 1;
    return 0;
}

static void abbrs(rd_scratch *s, uint64_t c, size_t base)
{
    const unsigned char *buf = (const unsigned char *)s->buf;
    for (; c; c &= c - 1) {
        size_t i = base + (size_t)__builtin_ctzll(c);
        if ((i == s->len || buf[i] != '_') && abbr_ok(buf[i - 2], buf[i - 1]))
            rd_expand(s, K_STREET_ABBR, 0, 0, i);
    }
}

/* a suffix that ends the buffer, when the buffer ends a block (else the
 * last block's padding is the byte after) */
static void abbr_at_end(rd_scratch *s)
{
    const unsigned char *buf = (const unsigned char *)s->buf;
    size_t n = s->len;
    if (n >= 3 && n % 64 == 0 && buf[n - 3] == ' ' &&
        abbr_ok(buf[n - 2], buf[n - 1]))
        rd_expand(s, K_STREET_ABBR, 0, 0, n);
}

/* mask x of block b, k bytes on (bit i = byte i - k), 0 < k < 64 */
#define AT(x, k) SHL(b->m[x], pb->m[x], k)

static void iban(rd_scratch *s, const blk *b, const blk *pb, size_t base)
{
    uint64_t al[14], an[14], dg[14], sp[14];
    al[0] = b->m[M_UP] | b->m[M_LO], dg[0] = b->m[M_DIG], sp[0] = b->m[M_SP];
    an[0] = al[0] | dg[0];
    for (int k = 1; k < 14; k++) {
        al[k] = AT(M_UP, k) | AT(M_LO, k), dg[k] = AT(M_DIG, k);
        an[k] = al[k] | dg[k], sp[k] = AT(M_SP, k);
    }
    uint64_t g0 = an[0] & an[1] & an[2] & an[3]; /* 4 alnum ending here */
    uint64_t g4 = an[4] & an[5] & an[6] & an[7],
             g5 = an[5] & an[6] & an[7] & an[8];
    uint64_t m = (g0 & g4 & dg[8] & dg[9] & al[10] & al[11]) |
                 (g0 & sp[4] & g5 & dg[9] & dg[10] & al[11] & al[12]) |
                 (g0 & g4 & sp[8] & dg[9] & dg[10] & al[11] & al[12]) |
                 (g0 & sp[4] & g5 & sp[9] & dg[10] & dg[11] & al[12] &
                  al[13]);
    /* dashed: DE89-3704-0044 (the colon shares the dash's mask) */
    uint64_t d = g0 & AT(M_COLDASH, 4) & g5 & AT(M_COLDASH, 9) & dg[10] &
                 dg[11] & al[12] & al[13];
    for (; d; d &= d - 1) {
        size_t e = base + (size_t)__builtin_ctzll(d);
        if (s->buf[e - 4] == '-' && s->buf[e - 9] == '-')
            m |= d & -d;
    }
    for (; m; m &= m - 1)
        rd_expand(s, K_IBAN, 0, 0, base + (size_t)__builtin_ctzll(m) + 1);
}

static void mac(rd_scratch *s, const blk *b, const blk *pb, size_t base)
{
    uint64_t h[14];
    h[0] = b->m[M_HEX];
    for (int k = 1; k < 14; k++)
        h[k] = AT(M_HEX, k);
    uint64_t m11 = h[0] & h[1] & AT(M_COLDASH, 2) & h[3] & h[4] &
                   AT(M_COLDASH, 5) & h[6] & h[7] & AT(M_COLDASH, 8) & h[9] &
                   h[10];
    uint64_t m14 = h[0] & h[1] & h[2] & h[3] & AT(M_DOT, 4) & h[5] & h[6] &
                   h[7] & h[8] & AT(M_DOT, 9) & h[10] & h[11] & h[12] & h[13];
    for (uint64_t m = m11 | m14; m; m &= m - 1)
        rd_expand(s, K_MAC, (m11 >> __builtin_ctzll(m)) & 1 ? 11 : 14, 0,
                  base + (size_t)__builtin_ctzll(m) + 1);
}

/* K_IPV6: [0-9A-Fa-f]{1,4}:[0-9A-Fa-f]{1,4}:[0-9A-Fa-f]{1,4}: |
 * ::[0-9A-Fa-f]{1,4} | [0-9A-Fa-f]{1,4}:: -- every end of each form.
 * h[k], c[k]: the byte k before the end is a hex digit, a colon; Q(k): a
 * colon there after a hex digit; P(k): a colon there after 1-4 hex digits
 * after a Q */
static void ipv6(rd_scratch *s, const blk *b, const blk *pb, size_t base)
{
    uint64_t h[12], c[12];
    h[0] = b->m[M_HEX], c[0] = b->colon;
    for (int k = 1; k < 12; k++)
        h[k] = AT(M_HEX, k), c[k] = SHL(b->colon, pb->colon, k);
#define Q(k) (c[k] & h[(k) + 1])
#define P(k)                                                                 \
    (c[k] & h[(k) + 1] &                                                     \
     (Q((k) + 2) |                                                           \
      (h[(k) + 2] & (Q((k) + 3) | (h[(k) + 3] & (Q((k) + 4) |                \
                                                 (h[(k) + 4] & Q((k) + 5))))))))
    uint64_t h1 = h[1], h12 = h1 & h[2], h123 = h12 & h[3],
             h1234 = h123 & h[4];
    uint64_t m = (c[0] & ((h1 & P(2)) | (h12 & P(3)) | (h123 & P(4)) |
                          (h1234 & P(5)))) |
                 (h[0] & ((c[1] & c[2]) | (h1 & c[2] & c[3]) |
                          (h12 & c[3] & c[4]) | (h123 & c[4] & c[5]))) |
                 (c[0] & c[1] & h[2]);
#undef P
#undef Q
    for (; m; m &= m - 1)
        rd_expand(s, K_IPV6, 0, 0, base + (size_t)__builtin_ctzll(m) + 1);
}

/* K_IPV4: \d{1,3}\.\d{1,3}\.\d{1,3}\.\d -- every end, a digit after a
 * dot: D(k), P(k) the byte k before the end is a digit, a dot; Y(i) a
 * digit at i ends "\d{1,3}\.\d" (one digit or more before that dot), X(j)
 * a digit at j ends "\d{1,3}\.\d{1,3}\.\d".  The ends go to
 * rd_note_v4, not to the expander: see scan_anchors. */
static void ipv4(rd_scratch *s, const blk *b, const blk *pb, size_t base)
{
    uint64_t d[11], p[10] = {0}; /* p[0]: no end is a dot */
    d[0] = b->m[M_DIG];
    for (int k = 1; k < 11; k++)
        d[k] = AT(M_DIG, k);
    for (int k = 1; k < 10; k++)
        p[k] = AT(M_DOT, k);
#define Y(i)                                                               \
    (d[i] & ((p[(i) + 1] & d[(i) + 2]) |                                   \
             (d[(i) + 1] & p[(i) + 2] & d[(i) + 3]) |                      \
             (d[(i) + 1] & d[(i) + 2] & p[(i) + 3] & d[(i) + 4])))
    uint64_t x2 = d[2] & ((p[3] & Y(4)) | (d[3] & p[4] & Y(5)) |
                          (d[3] & d[4] & p[5] & Y(6)));
#undef Y
    for (uint64_t m = d[0] & p[1] & x2; m; m &= m - 1)
        rd_note_v4(s, base + (size_t)__builtin_ctzll(m) + 1);
}

/* K_CITY_ZIP: [A-Za-z], [A-Z]{2} \d{5}, ending at the last digit */
static void city_zip(rd_scratch *s, const blk *b, const blk *pb, size_t base)
{
    uint64_t m = b->m[M_DIG] & AT(M_DIG, 1) & AT(M_DIG, 2) & AT(M_DIG, 3) &
                 AT(M_DIG, 4) & AT(M_SP, 5) & AT(M_UP, 6) & AT(M_UP, 7) &
                 AT(M_SP, 8) & SHL(b->comma, pb->comma, 9) &
                 (AT(M_UP, 10) | AT(M_LO, 10));
    for (; m; m &= m - 1)
        rd_expand(s, K_CITY_ZIP, 0, 0,
                  base + (size_t)__builtin_ctzll(m) + 1);
}
#undef AT

/* of the bytes >= 0x80 in m, those that lead a two-byte capital letter
 * cap_word may take (Latin-1, Latin Extended-A, Greek, Cyrillic: C3 C4
 * C5 CE D0): a name after a cue may begin with one (U+00D8, the O with a
 * stroke of a Norwegian name) */
static uint64_t u8_caps(const unsigned char *q, uint64_t m)
{
    uint64_t r = 0;
    for (; m; m &= m - 1) {
        unsigned char c = q[__builtin_ctzll(m)];
        if ((c >= 0xC3 && c <= 0xC5) || c == 0xCE || c == 0xD0)
            r |= m & -m;
    }
    return r;
}

/* What a block's anchors need of the blocks before it: the previous
 * block's masks; r[k]: its bytes ending a run of 2^k token bytes
 * (K_ENTROPY wants 2^5 = 32); its [A-Za-z]{2}\d{2} ends (y), ' ' [A-Z]
 * ends (cap), colons with another close before (pair), the signs of an
 * IPv6 address (v6); and the digits of the chain it ended in (ndig). */
typedef struct cstate {
    blk pb;
    uint64_t r[6], y, cap, pair, v6;
    int ndig;
} cstate;

/* What a block's masks say to expand: the ends of 32 token bytes (fe),
 * its digits and those that start a chain, the ends of a capitalised
 * pair (nm), the capitals a person or place cue may precede, and the
 * signs of an IBAN, a MAC address, an IPv6 or IPv4 address, a city and
 * ZIP, and the bytes after a street suffix */
typedef struct signs {
    uint64_t fe, dig, starts, nm, person, place, ib, mc, v6, v4, cz, st;
} signs;

/* Expand what x says of the block at base, in the one order both paths
 * keep; b and pb (the block and the one before) are needed, and may be
 * NULL otherwise, only for the IBAN, MAC, IP address and city signs. */
static inline __attribute__((always_inline)) void
expand(rd_scratch *s, size_t base, const signs *x, const blk *b,
       const blk *pb, int *ndig, int vbmi)
{
    for (uint64_t f = x->fe; f; f &= f - 1)
        rd_expand(s, K_ENTROPY, 0, 0, base + (size_t)__builtin_ctzll(f) + 1);
    if (x->dig) {
#ifdef RD_VBMI
        if (vbmi)
            chains_pext(s, x->dig, x->starts, base, ndig);
        else
#endif
            chains(s, x->dig, x->starts, base, ndig);
    }
    (void)vbmi;
    if (x->nm)
        names(s, x->nm, base);
    if (x->person | x->place)
        cues(s, x->person, x->place, base);
    if (x->ib)
        iban(s, b, pb, base);
    if (x->mc)
        mac(s, b, pb, base);
    if (x->v6)
        ipv6(s, b, pb, base);
    if (x->v4)
        ipv4(s, b, pb, base);
    if (x->cz)
        city_zip(s, b, pb, base);
    if (x->st)
        abbrs(s, x->st, base);
}

/* The anchors of the block of 64 bytes at q (s->buf + base, or the tail
 * padded with NUL), classified into b. */
static inline __attribute__((always_inline)) void
block(rd_scratch *s, const unsigned char *q, size_t base, const blk *bp,
      cstate *t)
{
    const blk b = *bp, pb = t->pb;
    signs x;
    uint64_t r0 = b.m[M_ENT], r1 = r0 & SHL(r0, t->r[0], 1),
             r2 = r1 & SHL(r1, t->r[1], 2), r3 = r2 & SHL(r2, t->r[2], 4),
             r4 = r3 & SHL(r3, t->r[3], 8), r5 = r4 & SHL(r4, t->r[4], 16);
    x.fe = r5 & ~SHL(r5, t->r[5], 1);
    t->r[0] = r0, t->r[1] = r1, t->r[2] = r2, t->r[3] = r3, t->r[4] = r4,
    t->r[5] = r5;
    x.dig = b.m[M_DIG];
    x.starts = x.dig ? digit_starts(&b, &pb) : 0;
    x.nm = b.m[M_LO] & SHL(b.m[M_UP], pb.m[M_UP], 1) &
           SHL(b.m[M_SP], pb.m[M_SP], 2) & SHL(b.m[M_LO], pb.m[M_LO], 3);
    /* every person cue ends in a letter, ':' or ',', or is "mr."
     * "mrs." "ms." "dr." (most ". X" end a sentence); every place cue
     * in a small letter or ':' */
    uint64_t sp1 = SHL(b.m[M_SP], pb.m[M_SP], 1);
    uint64_t cap = b.m[M_UP] & sp1;
    x.person = (cap | (b.hi & sp1 ? u8_caps(q, b.hi & sp1) : 0)) &
               (SHL(b.m[M_UP] | b.m[M_LO] | b.m[M_COLDASH] | b.comma,
                    pb.m[M_UP] | pb.m[M_LO] | pb.m[M_COLDASH] | pb.comma, 2) |
                (SHL(b.m[M_DOT], pb.m[M_DOT], 2) & SHL(b.rs, pb.rs, 3)));
    x.place = b.m[M_LO] & SHL(cap, t->cap, 1) &
              SHL(b.m[M_LO] | b.m[M_COLDASH], pb.m[M_LO] | pb.m[M_COLDASH], 3);
    t->cap = cap;
    /* K_IBAN: [A-Za-z]{2}\d{2} ?[A-Za-z0-9]{4} ?[A-Za-z0-9]{4}, the four
     * ways the optional spaces go, or dashed; reported at every end.  Every form ends
     * 8, 9 or 10 bytes after its [A-Za-z]{2}\d{2}: y marks where one of
     * those ends, and without one at such a distance the block has no end
     * (most blocks with digits have none). */
    uint64_t al = b.m[M_UP] | b.m[M_LO], pal = pb.m[M_UP] | pb.m[M_LO];
    uint64_t y = b.m[M_DIG] & SHL(b.m[M_DIG], pb.m[M_DIG], 1) &
                 SHL(al, pal, 2) & SHL(al, pal, 3);
    x.ib = SHL(y, t->y, 8) | SHL(y, t->y, 9) | SHL(y, t->y, 10);
    t->y = y;
    /* K_MAC: hh[:-]hh[:-]hh[:-]hh (11 bytes) and hhhh.hhhh.hhhh (14),
     * their lengths the anchors' arg; never both at one end.  The
     * separators alone (colons or dashes 3 bytes apart, dots 5 apart) rule
     * out most blocks: timestamps, dates, sentences */
    uint64_t cd = b.m[M_COLDASH], pcd = pb.m[M_COLDASH];
    x.mc = (SHL(cd, pcd, 2) & SHL(cd, pcd, 5) & SHL(cd, pcd, 8)) |
           (SHL(b.m[M_DOT], pb.m[M_DOT], 4) & SHL(b.m[M_DOT], pb.m[M_DOT], 9));
    /* K_IPV6: every form has "::" or three colons each at most 5 bytes
     * after the one before, the last at most 4 bytes before the end (maybe
     * in the previous block); most blocks of JSON have a colon, few such
     * a triple (a time of day, 15:01:57, has two) */
    uint64_t pair = b.colon & (SHL(b.colon, pb.colon, 1) |
                               SHL(b.colon, pb.colon, 2) |
                               SHL(b.colon, pb.colon, 3) |
                               SHL(b.colon, pb.colon, 4) |
                               SHL(b.colon, pb.colon, 5));
    uint64_t v6 = b.colon & (SHL(b.colon, pb.colon, 1) |
                             SHL(pair, t->pair, 1) | SHL(pair, t->pair, 2) |
                             SHL(pair, t->pair, 3) | SHL(pair, t->pair, 4) |
                             SHL(pair, t->pair, 5));
    x.v6 = v6 | t->v6 >> 58;
    t->pair = pair;
    t->v6 = v6;
    /* K_IPV4: a digit, a dot, a digit, and another dot 1-3 bytes before
     * that digit (a decimal "3.5" has none; versions and dates go on to
     * ipv4()) */
    uint64_t dot = b.m[M_DOT], pdot = pb.m[M_DOT];
    x.v4 = b.m[M_DIG] & SHL(dot, pdot, 1) & SHL(b.m[M_DIG], pb.m[M_DIG], 2) &
           (SHL(dot, pdot, 3) | SHL(dot, pdot, 4) | SHL(dot, pdot, 5));
    /* K_CITY_ZIP: a digit 9 bytes after a comma, 5 after a space */
    x.cz = b.m[M_DIG] & SHL(b.comma, pb.comma, 9) & SHL(b.m[M_SP], pb.m[M_SP], 5);
    /* K_STREET_ABBR: the byte after ' ' [A-Z] [a-z], no letter or digit */
    x.st = ~(b.m[M_UP] | b.m[M_LO] | b.m[M_DIG]) &
           SHL(b.m[M_LO], pb.m[M_LO], 1) & SHL(b.m[M_UP], pb.m[M_UP], 2) &
           SHL(b.m[M_SP], pb.m[M_SP], 3);
    expand(s, base, &x, &b, &pb, &t->ndig, 0);
    t->pb = b;
}

/* The blocks from base on, one at a time; the last one padded with NUL
 * (no class). */
static inline __attribute__((always_inline)) void
blocks(rd_scratch *s, size_t base, cstate *t, int vbmi)
{
    const unsigned char *p = (const unsigned char *)s->buf;
    size_t n = s->len;
    unsigned char tail[64];
    for (; base < n; base += 64) {
        const unsigned char *q = p + base;
        if (n - base < 64) {
            memset(tail, 0, sizeof tail);
            memcpy(tail, q, n - base);
            q = tail;
        }
        blk b;
#ifdef RD_VBMI
        if (vbmi)
            classify64_vbmi(q, &b);
        else
#endif
            classify64(q, &b);
        block(s, q, base, &b, t);
    }
    (void)vbmi;
}

static void cscan_plain(rd_scratch *s)
{
    cstate t;
    memset(&t, 0, sizeof t);
    blocks(s, 0, &t, 0);
    abbr_at_end(s);
}

#ifdef RD_VBMI
/* Eight blocks at a time: the masks of each kind for the eight blocks are
 * one vector, a lane a block, and the shifts and ANDs of block() are done
 * for all eight at once (each lane's previous block is the lane before,
 * or the last lane of the eight before: valignq; SHL is vpshldq), where
 * they were most of the scan.  Then each block that has something (a
 * token run, digits, a cue's capital, a sign of an IBAN, MAC, IPv6
 * address or city) is handed to the same code as block()'s, in order, so
 * the expanders see the same calls in the same order. */
#define V8_TARGET "avx512f,avx512bw,avx512vbmi,avx512vbmi2,popcnt,bmi2"
enum { X_COLON = M_NMASK, X_COMMA, X_RS, X_SLPAR, X_UCAP, X_PLAST,
       X_MDR, X_QLAST, X_ST1, X_ST2, X_N };

#define VAND _mm512_and_si512
#define VOR _mm512_or_si512
/* x of each lane's previous block; px: the vector before */
#define VPREV(x, px) _mm512_alignr_epi64(x, px, 7)
#define VSHL(x, px, k) _mm512_shldi_epi64(x, VPREV(x, px), k)

/* the bytes of q[0, 64) u8_caps takes: the leads C3-C5 CE D0 */
__attribute__((target(V8_TARGET))) static inline uint64_t
u8_leads(const unsigned char *q)
{
    __m512i v = _mm512_loadu_si512((const void *)q);
    return _mm512_cmplt_epu8_mask(_mm512_sub_epi8(v, _mm512_set1_epi8((char)0xC3)),
                                  _mm512_set1_epi8(3)) |
           _mm512_cmpeq_epi8_mask(v, _mm512_set1_epi8((char)0xCE)) |
           _mm512_cmpeq_epi8_mask(v, _mm512_set1_epi8((char)0xD0));
}

/* The hex digits and the bytes >= 0x80 of block q[0, 64) into b:
 * classify8 leaves both out, two masks fewer per block (each costs about
 * two cycles), as only the few blocks lane_blk copies for the rare signs
 * need them (mac() and ipv6() the hex digits); here the block is
 * classified whole again */
__attribute__((target(V8_TARGET))) static void
lane_bytes(const unsigned char *q, blk *b)
{
    blk t;
    classify64_vbmi(q, &t);
    b->m[M_HEX] = t.m[M_HEX];
    b->hi = t.hi;
}

/* word j of each row of M as a blk; q: that block's bytes (NULL: no
 * block, all zero), see lane_bytes */
static inline __attribute__((always_inline)) void
lane_blk(uint64_t (*M)[16], int j, const unsigned char *q, blk *b)
{
    for (int k = 0; k < M_NMASK; k++)
        b->m[k] = M[k][j];
    b->m[M_HEX] = b->hi = 0;
    if (q)
        lane_bytes(q, b);
    b->colon = M[X_COLON][j], b->comma = M[X_COMMA][j], b->rs = M[X_RS][j];
    b->slpar = M[X_SLPAR][j];
}

/* The masks of group g's eight blocks (from s->buf + 512 g), a row of
 * 16 words per kind: [7] the group before's last lane, [8, 16) this
 * group's lanes; a lane's previous block is the word before it. */
typedef uint64_t grow_t[X_N][16];

/* classify64_vbmi's masks of each block (but the two lane_bytes makes
 * when they are needed), and those of the cue classes
 * (cue_cls), the UTF-8 leads of u8_caps and, when stops, the bytes that
 * end a run of plain characters in a JSON string (rd_scan_stops) */
__attribute__((target(V8_TARGET))) static void
classify8(const unsigned char *q, grow_t R, grow_t P, uint64_t *stops)
{
    for (int k = 0; k < X_N; k++)
        R[k][7] = P ? P[k][15] : 0;
    __m512i lo = _mm512_load_si512((const void *)cls_tbl),
            hi = _mm512_load_si512((const void *)(cls_tbl + 64)),
            clo = _mm512_load_si512((const void *)cue_cls),
            chi = _mm512_load_si512((const void *)(cue_cls + 64));
#define TEST(x, bit) _mm512_test_epi8_mask(x, _mm512_set1_epi8((char)(bit)))
    for (int j = 0; j < 8; j++, q += 64) {
        __m512i v = _mm512_loadu_si512((const void *)q);
        uint64_t h = _mm512_movepi8_mask(v); /* bytes >= 0x80: no class */
        __m512i c = _mm512_maskz_permutex2var_epi8(~h, lo, v, hi);
#pragma GCC unroll 8
        for (int k = 0; k < M_NMASK; k++)
            if (k != M_HEX) /* see lane_bytes */
                R[k][8 + j] = TEST(c, 1 << k);
        R[X_COLON][8 + j] = _mm512_cmpeq_epi8_mask(v, _mm512_set1_epi8(':'));
        R[X_COMMA][8 + j] = _mm512_cmpeq_epi8_mask(v, _mm512_set1_epi8(','));
        R[X_UCAP][8 + j] = h ? u8_leads(q) : 0;
        __m512i d = _mm512_maskz_permutex2var_epi8(~h, clo, v, chi);
        R[X_RS][8 + j] = TEST(d, CC_RS);
        R[X_SLPAR][8 + j] = TEST(d, CC_SLPAR);
        R[X_PLAST][8 + j] = TEST(d, CC_PLAST);
        R[X_MDR][8 + j] = TEST(d, CC_MDR);
        R[X_QLAST][8 + j] = TEST(d, CC_QLAST);
        R[X_ST1][8 + j] = TEST(d, CC_ST1);
        R[X_ST2][8 + j] = TEST(d, CC_ST2);
        if (stops)
            stops[j] = TEST(d, CC_JSTOP);
    }
#undef TEST
}

__attribute__((target(V8_TARGET))) static void cscan_vbmi(rd_scratch *s)
{
    const unsigned char *p = (const unsigned char *)s->buf;
    size_t n = s->len, ng = n / 512;
    uint64_t *stops = s->stops;
    cstate t;
    memset(&t, 0, sizeof t);
    /* the groups before, this one and the next, classified one group
     * ahead of the arithmetic, so that the rows are read as vectors well
     * after they were written word by word (a store forwarded to a wider
     * load stalls) */
    grow_t RR[3] __attribute__((aligned(64)));
    __m512i z = _mm512_setzero_si512();
    __m512i pr[6], pcap = z, py = z, ppair = z, pv6 = z;
    for (int k = 0; k < 6; k++)
        pr[k] = z;
    if (ng)
        classify8(p, RR[0], NULL, stops);
    for (size_t g = 0; g < ng; g++) {
        size_t base = 512 * g;
        uint64_t (*R)[16] = RR[g % 3];
        if (g + 1 < ng)
            classify8(p + base + 512, RR[(g + 1) % 3], R,
                      stops ? stops + 8 * (g + 1) : NULL);
#define X(k) _mm512_load_si512((const void *)&R[k][8])
#define XP(k) _mm512_loadu_si512((const void *)&R[k][7])
/* x shifted on by sh, with the previous lane's top bits: x of kind k, or
 * x and its previous lanes px */
#define S(k, sh) _mm512_shldi_epi64(X(k), XP(k), sh)
#define SV(x, px, sh) _mm512_shldi_epi64(x, px, sh)
        /* token runs */
        __m512i r[6];
        r[0] = X(M_ENT);
        r[1] = VAND(r[0], S(M_ENT, 1));
        r[2] = VAND(r[1], VSHL(r[1], pr[1], 2));
        r[3] = VAND(r[2], VSHL(r[2], pr[2], 4));
        r[4] = VAND(r[3], VSHL(r[3], pr[3], 8));
        r[5] = VAND(r[4], VSHL(r[4], pr[4], 16));
        __m512i fe = _mm512_andnot_si512(VSHL(r[5], pr[5], 1), r[5]);
        /* names */
        __m512i nm = VAND(VAND(X(M_LO), S(M_UP, 1)),
                          VAND(S(M_SP, 2), S(M_LO, 3)));
        /* cues: block()'s, but the byte before the space must end a cue
         * word (cue_cls) */
        __m512i sp1 = S(M_SP, 1), cap = VAND(X(M_UP), sp1);
        __m512i person = VAND(
            VOR(cap, VAND(X(X_UCAP), sp1)),
            VOR(S(X_PLAST, 2), VAND(VAND(S(M_DOT, 2), S(X_RS, 3)), S(X_MDR, 4))));
        __m512i place = VAND(VAND(X(M_LO), VSHL(cap, pcap, 1)), S(X_QLAST, 3));
        /* IBAN */
        __m512i al = VOR(X(M_UP), X(M_LO)), pal = VOR(XP(M_UP), XP(M_LO));
        __m512i y = VAND(VAND(X(M_DIG), S(M_DIG, 1)),
                         VAND(SV(al, pal, 2), SV(al, pal, 3)));
        __m512i ib = VOR(VOR(VSHL(y, py, 8), VSHL(y, py, 9)), VSHL(y, py, 10));
        /* MAC */
        __m512i mc = VOR(VAND(VAND(S(M_COLDASH, 2), S(M_COLDASH, 5)),
                              S(M_COLDASH, 8)),
                         VAND(S(M_DOT, 4), S(M_DOT, 9)));
        /* IPv6 */
        __m512i pair = VAND(X(X_COLON),
                            VOR(VOR(VOR(S(X_COLON, 1), S(X_COLON, 2)),
                                    VOR(S(X_COLON, 3), S(X_COLON, 4))),
                                S(X_COLON, 5)));
        /* v6s: block()'s v6; v6: with what the block before carries on */
        __m512i v6s = VAND(
            X(X_COLON),
            VOR(VOR(VOR(S(X_COLON, 1), VSHL(pair, ppair, 1)),
                    VOR(VSHL(pair, ppair, 2), VSHL(pair, ppair, 3))),
                VOR(VSHL(pair, ppair, 4), VSHL(pair, ppair, 5))));
        __m512i v6 = VOR(v6s, _mm512_srli_epi64(VPREV(v6s, pv6), 58));
        /* IPv4 */
        __m512i v4 = VAND(VAND(X(M_DIG), S(M_DOT, 1)),
                          VAND(S(M_DIG, 2), VOR(VOR(S(M_DOT, 3), S(M_DOT, 4)),
                                                S(M_DOT, 5))));
        /* city and ZIP */
        __m512i cz = VAND(VAND(X(M_DIG), S(X_COMMA, 9)), S(M_SP, 5));
        /* street suffixes: block()'s, but of a suffix's letters */
        __m512i st = _mm512_andnot_si512(
            VOR(VOR(X(M_UP), X(M_LO)), X(M_DIG)),
            VAND(VAND(S(X_ST2, 1), S(X_ST1, 2)), S(M_SP, 3)));
        /* the digits that start a chain (digit_starts) */
        __m512i mid = VOR(VOR(X(M_DOT), X(X_SLPAR)),
                          _mm512_andnot_si512(X(X_COLON), X(M_COLDASH))),
                pmid = VOR(VOR(XP(M_DOT), XP(X_SLPAR)),
                           _mm512_andnot_si512(XP(X_COLON), XP(M_COLDASH)));
        __m512i sep = VOR(X(M_SP), mid), psep = VOR(XP(M_SP), pmid);
        __m512i s1 = SV(sep, psep, 1), dg = X(M_DIG);
        __m512i linked = VAND(
            dg, VOR(VOR(S(M_DIG, 1), VAND(s1, S(M_DIG, 2))),
                    VOR(VAND(VAND(s1, SV(sep, psep, 2)), S(M_DIG, 3)),
                        VAND(VAND(S(M_SP, 1), SV(mid, pmid, 2)),
                             VAND(S(M_SP, 3), S(M_DIG, 4))))));
        __m512i starts = _mm512_andnot_si512(linked, dg);
        __m512i any = VOR(VOR(VOR(fe, dg), VOR(nm, person)),
                          VOR(VOR(place, ib), VOR(VOR(mc, v6), VOR(cz, st))));
        /* (v4 is never without a digit: any has it) */
#undef X
#undef XP
#undef S
#undef SV
        __mmask8 work = _mm512_test_epi64_mask(any, any);
        if (work) {
            uint64_t FE[8], NM[8], PE[8], PL[8], IB[8], MC[8], V6[8], V4[8],
                CZ[8], ST[8], SA[8];
            _mm512_storeu_si512((void *)ST, starts);
            _mm512_storeu_si512((void *)FE, fe);
            _mm512_storeu_si512((void *)NM, nm);
            _mm512_storeu_si512((void *)PE, person);
            _mm512_storeu_si512((void *)PL, place);
            _mm512_storeu_si512((void *)IB, ib);
            _mm512_storeu_si512((void *)MC, mc);
            _mm512_storeu_si512((void *)V6, v6);
            _mm512_storeu_si512((void *)V4, v4);
            _mm512_storeu_si512((void *)CZ, cz);
            _mm512_storeu_si512((void *)SA, st);
            for (unsigned w = work; w; w &= w - 1) {
                int j = __builtin_ctz(w);
                signs x = {FE[j], R[M_DIG][8 + j], ST[j], NM[j], PE[j],
                           PL[j], IB[j], MC[j], V6[j], V4[j], CZ[j], SA[j]};
                blk b, pb; /* only what the rare signs need */
                if (x.ib | x.mc | x.v6 | x.v4 | x.cz) {
                    const unsigned char *q = p + base + 64 * (size_t)j;
                    lane_blk(R, 8 + j, q, &b);
                    lane_blk(R, 7 + j, base + (size_t)j ? q - 64 : NULL, &pb);
                }
                expand(s, base + 64 * (size_t)j, &x, &b, &pb, &t.ndig, 1);
            }
        }
        for (int k = 0; k < 6; k++)
            pr[k] = r[k];
        pcap = cap, py = y, ppair = pair, pv6 = v6s;
    }
    if (stops)
        s->nstops = 512 * ng;
    if (ng) { /* the state after the last lane, for the blocks left */
        lane_blk(RR[(ng - 1) % 3], 15, p + 512 * ng - 64, &t.pb);
        uint64_t tmp[8];
        for (int k = 0; k < 6; k++) {
            _mm512_storeu_si512((void *)tmp, pr[k]);
            t.r[k] = tmp[7];
        }
        _mm512_storeu_si512((void *)tmp, pcap);
        t.cap = tmp[7];
        _mm512_storeu_si512((void *)tmp, py);
        t.y = tmp[7];
        _mm512_storeu_si512((void *)tmp, ppair);
        t.pair = tmp[7];
        _mm512_storeu_si512((void *)tmp, pv6);
        t.v6 = tmp[7];
    }
    blocks(s, 512 * ng, &t, 1);
    abbr_at_end(s);
}
#endif

/* the path in use: -1 not chosen yet, else an RD_CSCAN_*; atomic since
 * the first scans of several threads may choose it at once */
static _Atomic int path = -1;

int rd_cscan_path(int want)
{
    int best = RD_CSCAN_PLAIN;
#ifdef RD_VBMI
    __builtin_cpu_init();
    if (__builtin_cpu_supports("avx512bw") &&
        __builtin_cpu_supports("avx512vbmi") &&
        __builtin_cpu_supports("avx512vbmi2") &&
        __builtin_cpu_supports("popcnt") && __builtin_cpu_supports("bmi2"))
        best = RD_CSCAN_VBMI;
#endif
    int p = want < 0 || want > best ? best : want;
    atomic_store_explicit(&path, p, memory_order_relaxed);
    return p;
}

void rd_cscan_init(void)
{
    pthread_once(&cue_once, index_all_cues);
    if (atomic_load_explicit(&path, memory_order_relaxed) < 0)
        rd_cscan_path(-1);
}

void rd_cscan(rd_scratch *s)
{
#ifdef RD_VBMI
    if (atomic_load_explicit(&path, memory_order_relaxed) == RD_CSCAN_VBMI) {
        cscan_vbmi(s);
        return;
    }
#endif
    cscan_plain(s);
}
