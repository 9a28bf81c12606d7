/* ipaddr.c - address parsing, well-known sets and CIDR rendering. */
#include "ipaddr.h"

#include <arpa/inet.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static lg_u128 from_bytes(const unsigned char *b)
{
    lg_u128 v = 0;
    for (int i = 0; i < 16; i++)
        v = (v << 8) | b[i];
    return v;
}

bool lg_ip_parse(const char *s, size_t len, lg_u128 *out, int *family)
{
    char buf[64];
    if (len == 0 || len >= sizeof buf)
        return false;
    memcpy(buf, s, len);
    buf[len] = 0;
    unsigned char b[16];
    if (strchr(buf, ':')) {
        if (inet_pton(AF_INET6, buf, b) != 1)
            return false;
        *out = from_bytes(b);
        if (family)
            *family = 6;
        /* ::ffff:a.b.c.d is the IPv4 address on the wire */
        if ((*out >> 32) == 0xffff && family)
            *family = 4;
        return true;
    }
    if (inet_pton(AF_INET, buf, b) != 1)
        return false;
    *out = LG_V4(((uint32_t)b[0] << 24) | ((uint32_t)b[1] << 16) |
                 ((uint32_t)b[2] << 8) | b[3]);
    if (family)
        *family = 4;
    return true;
}

static lg_u128 mask_hi(int bits)
{
    /* the top `bits` bits set */
    if (bits <= 0)
        return 0;
    if (bits >= 128)
        return LG_U128_MAX;
    return ~(LG_U128_MAX >> bits);
}

/* The mapped-IPv4 block, excluded from every IPv6 prefix. */
static lg_ivset without_mapped(lg_arena *a, lg_u128 lo, lg_u128 hi)
{
    lg_ivset r = lg_ivset_range(a, lo, hi);
    return lg_ivset_minus(a, r, lg_ivset_range(a, LG_V4(0), LG_V4(0xffffffffu)));
}

bool lg_ip_parse_set(lg_arena *a, const char *s, size_t len, lg_ivset *out,
                     int *family)
{
    const char *slash = memchr(s, '/', len);
    const char *dash = memchr(s, '-', len);
    lg_u128 v;
    int fam;
    if (slash) {
        size_t alen = (size_t)(slash - s);
        const char *p = slash + 1;
        size_t plen = len - alen - 1;
        if (plen == 0 || plen > 3)
            return false;
        int bits = 0;
        for (size_t i = 0; i < plen; i++) {
            if (p[i] < '0' || p[i] > '9')
                return false;
            bits = bits * 10 + (p[i] - '0');
        }
        if (!lg_ip_parse(s, alen, &v, &fam))
            return false;
        bool v4text = !memchr(s, ':', alen);
        if (v4text) {
            if (bits > 32)
                return false;
            bits += 96;
        } else if (bits > 128) {
            return false;
        }
        lg_u128 m = mask_hi(bits);
        lg_u128 lo = v & m, hi = v | ~m;
        if (v4text || (fam == 4 && bits >= 96))
            *out = lg_ivset_range(a, lo, hi);
        else
            *out = without_mapped(a, lo, hi);
        if (family)
            *family = v4text ? 4 : (bits >= 96 && fam == 4 ? 4 : 6);
        return true;
    }
    if (dash) {
        lg_u128 lo, hi;
        int f1, f2;
        size_t l1 = (size_t)(dash - s);
        if (!lg_ip_parse(s, l1, &lo, &f1) ||
            !lg_ip_parse(dash + 1, len - l1 - 1, &hi, &f2) || f1 != f2 || lo > hi)
            return false;
        *out = f1 == 6 ? without_mapped(a, lo, hi) : lg_ivset_range(a, lo, hi);
        if (family)
            *family = f1;
        return true;
    }
    if (!lg_ip_parse(s, len, &v, &fam))
        return false;
    *out = lg_ivset_range(a, v, v);
    if (family)
        *family = fam;
    return true;
}

/* ---- well-known sets --------------------------------------------------- */

static lg_arena g_arena;
static int g_init;
static lg_ivset g_all, g_v4, g_v6, g_pub, g_pub4, g_pub6, g_priv;

static lg_ivset parse_list(const char *const *list)
{
    lg_ivset r = lg_ivset_empty;
    for (size_t i = 0; list[i]; i++) {
        lg_ivset s;
        if (!lg_ip_parse_set(&g_arena, list[i], strlen(list[i]), &s, NULL))
            abort(); /* compiled-in constant */
        r = lg_ivset_union(&g_arena, r, s);
    }
    return r;
}

static void init_sets(void)
{
    if (g_init)
        return;
    g_init = 1;
    lg_arena_init(&g_arena);
    /* IANA IPv4 special-purpose registry (RFC 6890 and successors): the
     * blocks that are not reachable from the public Internet as sources. */
    static const char *const v4_special[] = {
        "0.0.0.0/8", "10.0.0.0/8", "100.64.0.0/10", "127.0.0.0/8",
        "169.254.0.0/16", "172.16.0.0/12", "192.0.0.0/24", "192.0.2.0/24",
        "192.88.99.0/24", "192.168.0.0/16", "198.18.0.0/15",
        "198.51.100.0/24", "203.0.113.0/24", "224.0.0.0/4", "240.0.0.0/4",
        NULL};
    static const char *const v6_global[] = {"2000::/3", NULL};
    static const char *const v6_doc[] = {"2001:db8::/32", "3fff::/20", NULL};
    static const char *const priv[] = {"10.0.0.0/8", "172.16.0.0/12",
                                       "192.168.0.0/16", "100.64.0.0/10",
                                       "fc00::/7", NULL};
    g_all = lg_ivset_all(&g_arena, LG_U128_MAX);
    g_v4 = lg_ivset_range(&g_arena, LG_V4(0), LG_V4(0xffffffffu));
    g_v6 = lg_ivset_minus(&g_arena, g_all, g_v4);
    g_pub4 = lg_ivset_minus(&g_arena, g_v4, parse_list(v4_special));
    g_pub6 = lg_ivset_minus(&g_arena, parse_list(v6_global), parse_list(v6_doc));
    g_pub = lg_ivset_union(&g_arena, g_pub4, g_pub6);
    g_priv = parse_list(priv);
}

lg_ivset lg_ip_all(void) { init_sets(); return g_all; }
lg_ivset lg_ip_v4(void) { init_sets(); return g_v4; }
lg_ivset lg_ip_v6(void) { init_sets(); return g_v6; }
lg_ivset lg_ip_public(void) { init_sets(); return g_pub; }
lg_ivset lg_ip_public_v4(void) { init_sets(); return g_pub4; }
lg_ivset lg_ip_public_v6(void) { init_sets(); return g_pub6; }
lg_ivset lg_ip_private(void) { init_sets(); return g_priv; }

int lg_ip_family(lg_u128 v)
{
    return (v >> 32) == 0xffff ? 4 : 6;
}

void lg_ip_format(lg_u128 v, char *buf, size_t len)
{
    if (lg_ip_family(v) == 4) {
        uint32_t x = (uint32_t)v;
        snprintf(buf, len, "%u.%u.%u.%u", x >> 24, (x >> 16) & 255,
                 (x >> 8) & 255, x & 255);
        return;
    }
    unsigned char b[16];
    for (int i = 15; i >= 0; i--) {
        b[i] = (unsigned char)(v & 0xff);
        v >>= 8;
    }
    if (!inet_ntop(AF_INET6, b, buf, (socklen_t)len))
        snprintf(buf, len, "?");
}

/* ---- minimal CIDR cover with don't-care --------------------------------- */

typedef struct {
    lg_arena *a;        /* the result strings */
    lg_arena *tmp;      /* intermediate sets, freed on return */
    char **out;
    size_t n, cap;
} cover_ctx;

static void emit(cover_ctx *c, lg_u128 base, int bits)
{
    char addr[64];
    lg_ip_format(base, addr, sizeof addr);
    if (c->n + 2 > c->cap) {
        size_t nc = c->cap ? c->cap * 2 : 16;
        char **o = lg_arena_alloc(c->a, nc * sizeof *o);
        if (c->n)
            memcpy(o, c->out, c->n * sizeof *o);
        c->out = o;
        c->cap = nc;
    }
    int shown = lg_ip_family(base) == 4 && bits >= 96 ? bits - 96 : bits;
    c->out[c->n++] = lg_arena_printf(c->a, "%s/%d", addr, shown);
    c->out[c->n] = NULL;
}

/* set and care are already cut down to the enclosing block, so the work
 * per node is proportional to what lies inside it, not to the whole set. */
static void cover(cover_ctx *c, lg_u128 base, int bits, lg_ivset set, lg_ivset care)
{
    lg_u128 hi = base | ~mask_hi(bits);
    lg_ivset blk = lg_ivset_range(c->tmp, base, hi);
    lg_ivset cared = lg_ivset_inter(c->tmp, blk, care);
    lg_ivset want = lg_ivset_inter(c->tmp, cared, set);
    if (want.n == 0)
        return;                         /* nothing wanted in this block */
    if (lg_ivset_subset(cared, want)) {
        emit(c, base, bits);            /* every cared address is wanted */
        return;
    }
    if (bits >= 128)
        return; /* unreachable: a single cared address is wanted or not */
    cover(c, base, bits + 1, want, cared);
    cover(c, base | ((lg_u128)1 << (127 - bits)), bits + 1, want, cared);
}

char **lg_ip_cidrs(lg_arena *a, lg_ivset set, lg_ivset care, size_t *count)
{
    lg_arena tmp;
    lg_arena_init(&tmp);
    cover_ctx c = {a, &tmp, NULL, 0, 0};
    /* IPv4 from ::ffff:0.0.0.0/96 so blocks print as IPv4 prefixes; IPv6
     * from ::/0 (its blocks never cover the mapped range: cared excludes it) */
    lg_ivset v4 = lg_ip_v4();
    lg_ivset care4 = lg_ivset_inter(&tmp, care, v4);
    lg_ivset care6 = lg_ivset_minus(&tmp, care, v4);
    cover(&c, LG_V4(0), 96, set, care4);
    if (care6.n)
        cover(&c, 0, 0, set, care6);
    lg_arena_free(&tmp);
    if (count)
        *count = c.n;
    if (!c.out) {
        c.out = lg_arena_alloc(a, sizeof *c.out);
        c.out[0] = NULL;
    }
    return c.out;
}
