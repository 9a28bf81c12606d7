/* rewrite.c - mask, partial, token: what a finding becomes. */
#include "redact/rewrite.h"

#include "core/arena.h"

#include <ctype.h>
#include <errno.h>
#include <sodium.h>
#include <stdarg.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#if defined(__SSE2__)
#include <emmintrin.h>
#endif
#if defined(__x86_64__) && (defined(__GNUC__) || defined(__clang__))
#include <immintrin.h>
#define RD_AVX512 1
#endif

int rd_buf_grow(rd_buf *b, size_t more)
{
    if (b->err)
        return -1;
    size_t need = b->n + more;
    if (need <= b->cap)
        return 0;
    if (need > b->size) {
        size_t nc = b->size ? b->size : 4096;
        while (nc < need)
            nc *= 2;
        char *r = realloc(b->p, nc);
        if (!r) {
            b->err = 1;
            return -1;
        }
        b->p = r;
        b->size = nc;
    }
    /* map in what is about to be written and a little more, not all of a
     * doubling: RSS follows what is written */
    size_t upto = need + RD_BUF_AHEAD < b->size ? need + RD_BUF_AHEAD : b->size;
    if (b->size >= 16384)
        lg_prefault(b->p + b->cap, upto - b->cap);
    b->cap = upto;
    return 0;
}

int rd_buf_printf(rd_buf *b, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    int n = vsnprintf(NULL, 0, fmt, ap);
    va_end(ap);
    if (n < 0 || rd_buf_grow(b, (size_t)n + 1))
        return -1;
    va_start(ap, fmt);
    vsnprintf(b->p + b->n, (size_t)n + 1, fmt, ap);
    va_end(ap);
    b->n += (size_t)n;
    return 0;
}

static size_t plain_sse2(const char *p, size_t i, size_t n, int del)
{
#if defined(__SSE2__)
    const __m128i quote = _mm_set1_epi8('"'), bs = _mm_set1_epi8('\\'),
                  ctl = _mm_set1_epi8(0x1f),
                  d = _mm_set1_epi8(del ? 0x7f : '"');
    while (i + 16 <= n) {
        __m128i v = _mm_loadu_si128((const __m128i *)(const void *)(p + i));
        /* min(v, 0x1f) == v: v <= 0x1f, unsigned */
        __m128i hit = _mm_or_si128(
            _mm_or_si128(_mm_cmpeq_epi8(v, quote), _mm_cmpeq_epi8(v, bs)),
            _mm_or_si128(_mm_cmpeq_epi8(_mm_min_epu8(v, ctl), v),
                         _mm_cmpeq_epi8(v, d)));
        unsigned m = (unsigned)_mm_movemask_epi8(hit);
        if (m)
            return i + (size_t)__builtin_ctz(m);
        i += 16;
    }
#endif
    for (; i < n; i++) {
        unsigned char c = (unsigned char)p[i];
        if (c < 0x20 || c == '"' || c == '\\' || (del && c == 0x7f))
            return i;
    }
    return n;
}

#ifdef RD_AVX512
__attribute__((target("avx512f,avx512bw"))) static size_t
plain_avx512(const char *p, size_t i, size_t n, int del)
{
    const __m512i quote = _mm512_set1_epi8('"'), bs = _mm512_set1_epi8('\\'),
                  sp = _mm512_set1_epi8(0x20),
                  d = _mm512_set1_epi8(del ? 0x7f : '"');
    while (i < n) {
        /* the last bytes by a masked load (no fault past n) */
        __mmask64 in = n - i >= 64 ? ~(__mmask64)0
                                   : ((__mmask64)1 << (n - i)) - 1;
        __m512i v = _mm512_maskz_loadu_epi8(in, (const void *)(p + i));
        uint64_t m = (_mm512_cmpeq_epi8_mask(v, quote) |
                      _mm512_cmpeq_epi8_mask(v, bs) |
                      _mm512_cmplt_epu8_mask(v, sp) |
                      _mm512_cmpeq_epi8_mask(v, d)) &
                     in;
        if (m)
            return i + (size_t)__builtin_ctzll(m);
        i += 64;
    }
    return n;
}

/* 1 AVX-512 BW, 0 not, -1 not asked yet; atomic as several threads may
 * ask at once */
static _Atomic int have_avx512 = -1;
#endif

size_t rd_json_plain(const char *p, size_t i, size_t n, int del)
{
#ifdef RD_AVX512
    int a = atomic_load_explicit(&have_avx512, memory_order_relaxed);
    if (a < 0) {
        __builtin_cpu_init();
        a = __builtin_cpu_supports("avx512bw") ? 1 : 0;
        atomic_store_explicit(&have_avx512, a, memory_order_relaxed);
    }
    if (a)
        return plain_avx512(p, i, n, del);
#endif
    return plain_sse2(p, i, n, del);
}

int rd_buf_json_chars(rd_buf *b, const char *s, size_t n)
{
    if (rd_buf_grow(b, n))
        return -1;
    for (size_t i = 0; i < n; i++) {
        /* the bytes that stay as they are, copied as one run: a redacted
         * reply is mostly prose, and a call per byte was most of the cost
         * of writing it back */
        size_t j = rd_json_plain(s, i, n, 1);
        rd_buf_put(b, s + i, j - i);
        if (j == n)
            break;
        i = j;
        unsigned char c = (unsigned char)s[i];
        if (c == '"' || c == '\\') {
            rd_buf_putc(b, '\\');
            rd_buf_putc(b, (char)c);
        } else if (c == '\n') {
            rd_buf_put(b, "\\n", 2);
        } else if (c == '\r') {
            rd_buf_put(b, "\\r", 2);
        } else if (c == '\t') {
            rd_buf_put(b, "\\t", 2);
        } else if (c < 0x20 || c == 0x7f) {
            rd_buf_printf(b, "\\u%04x", c);
        } else {
            rd_buf_putc(b, (char)c);
        }
    }
    return b->err ? -1 : 0;
}

int rd_buf_json_str(rd_buf *b, const char *s, size_t n)
{
    if (rd_buf_grow(b, n + 2))
        return -1;
    rd_buf_putc(b, '"');
    rd_buf_json_chars(b, s, n);
    return rd_buf_putc(b, '"');
}

void rd_buf_free(rd_buf *b)
{
    free(b->p);
    *b = (rd_buf){0};
}

void rd_buf_trim(rd_buf *b)
{
    if (b->size > RD_BUF_KEEP)
        rd_buf_free(b);
}

/* ---- keys ------------------------------------------------------------ */

static int from_hex(const char *s, size_t n, unsigned char *out, size_t cap,
                    size_t *got)
{
    size_t bin = 0;
    const char *end = NULL;
    if (sodium_hex2bin(out, cap, s, n, " \t\r\n:", &bin, &end) != 0)
        return -1;
    if (end && (size_t)(end - s) != n)
        return -1;
    *got = bin;
    return 0;
}

static int check_key(rd_keyed *k, const unsigned char *raw, size_t n,
                     const char *src, lg_err *e)
{
    if (n < RD_KEY_BYTES)
        return lg_err_set(e,
                          "%s: key too short (%zu bytes, at least %d needed: "
                          "64 hex digits or 32 raw bytes)",
                          src, n, RD_KEY_BYTES);
    int seen[256] = {0}, distinct = 0;
    for (size_t i = 0; i < n; i++)
        distinct += !seen[raw[i]]++;
    if (distinct < 8)
        return lg_err_set(e,
                          "%s: weak key (%d distinct byte values; use "
                          "`head -c 32 /dev/urandom | od -An -tx1 | tr -d ' \\n'`)",
                          src, distinct);
    /* fold any length into 32 bytes */
    crypto_generichash(k->key, RD_KEY_BYTES, raw, n, NULL, 0);
    return 0;
}

int rd_key_load(rd_keyed *k, const char *path, lg_err *e)
{
    unsigned char raw[4096];
    size_t n = 0;
    int rc = -1;
    if (sodium_init() < 0)
        return lg_err_set(e, "libsodium failed to initialise");
    if (!path) {
        const char *env = getenv("LEAKGUARD_KEY");
        if (!env || !*env)
            return lg_err_set(e, "token mode needs a key: --key-file FILE or "
                                 "the environment variable LEAKGUARD_KEY "
                                 "(64 hex digits)");
        if (from_hex(env, strlen(env), raw, sizeof raw, &n))
            return lg_err_set(e, "LEAKGUARD_KEY: expected hex digits");
        rc = check_key(k, raw, n, "LEAKGUARD_KEY", e);
        sodium_memzero(raw, sizeof raw);
        return rc;
    }
    FILE *f = fopen(path, "rb");
    if (!f)
        return lg_err_at(e, path, 0, 0, "cannot read key file: %s",
                         strerror(errno));
    char txt[sizeof raw * 2 + 64];
    size_t len = fread(txt, 1, sizeof txt, f);
    fclose(f);
    while (len && isspace((unsigned char)txt[len - 1]))
        len--;
    if (len == 0) {
        rc = lg_err_at(e, path, 0, 0, "key file is empty");
    } else if (from_hex(txt, len, raw, sizeof raw, &n) == 0) {
        rc = check_key(k, raw, n, path, e);
    } else {
        if (len > sizeof raw)
            len = sizeof raw;
        memcpy(raw, txt, len);
        rc = check_key(k, raw, len, path, e);
    }
    sodium_memzero(raw, sizeof raw);
    sodium_memzero(txt, sizeof txt);
    return rc;
}

void rd_key_random(rd_keyed *k)
{
    if (sodium_init() < 0)
        abort(); /* no entropy source: nothing safe to do */
    randombytes_buf(k->key, sizeof k->key);
}

/* BLAKE2b keyed with the run's key over "TYPE\0value" */
/* a token's hash: keyed BLAKE2b of the type name, its NUL, the value */
static void digest_start(crypto_generichash_state *st, const rd_keyed *k,
                         const char *type)
{
    crypto_generichash_init(st, k->key, RD_KEY_BYTES, 16);
    crypto_generichash_update(st, (const unsigned char *)type,
                              strlen(type) + 1);
}

static void digest(const rd_keyed *k, const char *type, const char *v,
                   size_t n, unsigned char out[16])
{
    crypto_generichash_state st;
    digest_start(&st, k, type);
    crypto_generichash_update(&st, (const unsigned char *)v, n);
    crypto_generichash_final(&st, out, 16);
}

/* BLAKE2b (digest) was 13 % of a --check run; SipHash is made for keyed
 * hash tables and several times faster on values this short */
uint64_t rd_count_hash(const rd_keyed *k, const char *v, size_t n)
{
    _Static_assert(RD_KEY_BYTES >= crypto_shorthash_KEYBYTES,
                   "the key holds a SipHash key");
    unsigned char out[crypto_shorthash_BYTES];
    crypto_shorthash(out, (const unsigned char *)v, n, k->key);
    uint64_t h;
    memcpy(&h, out, sizeof h);
    return h;
}

/* ---- rendering ------------------------------------------------------- */

static int token_out(rd_buf *out, const char *type, const rd_keyed *k,
                     const unsigned char full[16])
{
    char hex[33];
    sodium_bin2hex(hex, sizeof hex, full, 16);
    return rd_buf_printf(out, "<%s:%.*s>", type, k->token_hex, hex);
}

/* every digit but the last four becomes '*', the shape stays; a value of
 * eight digits or fewer (a card's CVV, a short phone extension) shows
 * none: its last four would be most or all of it */
static int keep_last4(rd_buf *out, const char *s, size_t n, int alnum)
{
    size_t total = 0, seen = 0;
    for (size_t i = 0; i < n; i++)
        total += alnum ? isalnum((unsigned char)s[i]) != 0
                       : isdigit((unsigned char)s[i]) != 0;
    size_t shown = total > 8 ? 4 : 0;
    for (size_t i = 0; i < n; i++) {
        unsigned char c = (unsigned char)s[i];
        int is = alnum ? isalnum(c) : isdigit(c);
        if (is) {
            seen++;
            rd_buf_putc(out, seen + shown > total ? (char)c : '*');
        } else if (c < 0x80) {
            rd_buf_putc(out, (char)c);
        }
    }
    return 0;
}

int rd_render_pieces(rd_buf *out, rd_action act, const char *type,
                     const rd_keyed *k,
                     size_t (*next)(void *ctx, const char **p), void *ctx)
{
    if (act != RD_ACT_TOKEN)
        return rd_render(out, act, type, k, "", 0, "", 0);
    /* digest() over the pieces */
    crypto_generichash_state st;
    digest_start(&st, k, type);
    const char *p;
    for (size_t n; (n = next(ctx, &p)) > 0;)
        crypto_generichash_update(&st, (const unsigned char *)p, n);
    unsigned char full[16];
    crypto_generichash_final(&st, full, 16);
    return token_out(out, type, k, full);
}

int rd_render(rd_buf *out, rd_action act, const char *type,
              const rd_keyed *k, const char *orig, size_t olen,
              const char *norm, size_t nlen)
{
    switch (act) {
    case RD_ACT_KEEP:
        return rd_buf_put(out, orig, olen);
    case RD_ACT_DROP:
        return 0;
    case RD_ACT_TOKEN: {
        unsigned char full[16];
        digest(k, type, norm, nlen, full);
        return token_out(out, type, k, full);
    }
    case RD_ACT_PARTIAL:
        if (!strcmp(type, "EMAIL") || !strcmp(type, "AGENT_EMAIL")) {
            const char *at = memchr(norm, '@', nlen);
            if (at && at > norm)
                return rd_buf_printf(out, "%c***%.*s", norm[0],
                                     (int)(nlen - (size_t)(at - norm)), at);
        }
        if (!strcmp(type, "PHONE") || !strcmp(type, "CREDIT_CARD") ||
            !strcmp(type, "US_SSN"))
            return keep_last4(out, orig, olen, 0);
        if (!strcmp(type, "IBAN")) {
            rd_buf_put(out, norm, nlen < 2 ? nlen : 2);
            return keep_last4(out, norm + 2, nlen > 2 ? nlen - 2 : 0, 1);
        }
        if (!strcmp(type, "IP_ADDRESS")) {
            const char *dot = memchr(norm, '.', nlen);
            if (dot && !memchr(norm, ':', nlen))
                return rd_buf_printf(out, "%.*s.*.*.*",
                                     (int)(dot - norm), norm);
        }
        /* nothing of the rest is safe to show */
        __attribute__((fallthrough));
    case RD_ACT_MASK:
    case RD_ACT_DEFAULT:
    default:
        /* "<TYPE>", by far the most common: a printf cost more than the
         * rest of writing a redacted value back */
        rd_buf_putc(out, '<');
        rd_buf_put(out, type, strlen(type));
        return rd_buf_putc(out, '>');
    }
}
