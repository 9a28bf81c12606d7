/* test_core.c - interval sets, addresses, CIDR rendering, JSON locations. */
#include <stdlib.h>

#include "core/ipaddr.h"
#include "core/ivset.h"
#include "core/jsonloc.h"
#include "unit.h"

static lg_arena A;

static lg_ivset S(const char *s)
{
    lg_ivset r;
    if (!lg_ip_parse_set(&A, s, strlen(s), &r, NULL)) {
        fprintf(stderr, "bad set %s\n", s);
        abort();
    }
    return r;
}

/* Brute-force check of set algebra on small random sets over 0..63. */
static unsigned long long bits(lg_ivset s)
{
    unsigned long long b = 0;
    for (uint32_t i = 0; i < s.n; i++)
        for (lg_u128 v = s.iv[i].lo; v <= s.iv[i].hi && v < 64; v++)
            b |= 1ULL << (unsigned)v;
    return b;
}

static lg_ivset from_bits(unsigned long long b)
{
    lg_iv iv[64];
    size_t n = 0;
    for (unsigned v = 0; v < 64; v++)
        if (b >> v & 1)
            iv[n++] = (lg_iv){v, v};
    return lg_ivset_from(&A, iv, n);
}

static bool well_formed(lg_ivset s)
{
    for (uint32_t i = 0; i < s.n; i++) {
        if (s.iv[i].lo > s.iv[i].hi)
            return false;
        if (i && s.iv[i - 1].hi + 1 >= s.iv[i].lo)
            return false;
    }
    return true;
}

int main(void)
{
    lg_arena_init(&A);
    srand(7);
    int algebra_ok = 1;
    for (int t = 0; t < 5000; t++) {
        unsigned long long x = ((unsigned long long)rand() << 32 | (unsigned)rand()) &
                               ((unsigned long long)rand() << 32 | (unsigned)rand());
        unsigned long long y = ((unsigned long long)rand() << 32 | (unsigned)rand()) |
                               ((unsigned long long)rand() << 33);
        lg_ivset X = from_bits(x), Y = from_bits(y);
        lg_ivset u = lg_ivset_union(&A, X, Y), i = lg_ivset_inter(&A, X, Y),
                 m = lg_ivset_minus(&A, X, Y);
        if (bits(u) != (x | y) || bits(i) != (x & y) || bits(m) != (x & ~y) ||
            !well_formed(u) || !well_formed(i) || !well_formed(m) ||
            lg_ivset_intersects(X, Y) != ((x & y) != 0) ||
            lg_ivset_subset(X, Y) != ((x & ~y) == 0) ||
            lg_ivset_count(X) != (lg_u128)__builtin_popcountll(x))
            algebra_ok = 0;
        if (t % 500 == 0)
            lg_arena_reset(&A);
    }
    CHECK(algebra_ok);

    /* extremes: full 128-bit range, adjacency at the top */
    lg_ivset all = lg_ivset_all(&A, LG_U128_MAX);
    CHECK(lg_ivset_count(all) == LG_U128_MAX);
    CHECK(lg_ivset_minus(&A, all, all).n == 0);
    lg_ivset top = lg_ivset_range(&A, LG_U128_MAX, LG_U128_MAX);
    CHECK(lg_ivset_union(&A, lg_ivset_range(&A, 0, LG_U128_MAX - 1), top).n == 1);

    /* addresses */
    lg_u128 v;
    int fam;
    CHECK(lg_ip_parse("10.0.0.4", 8, &v, &fam) && fam == 4 && v == LG_V4(0x0a000004));
    CHECK(lg_ip_parse("::ffff:10.0.0.4", 15, &v, &fam) && fam == 4 && v == LG_V4(0x0a000004));
    CHECK(!lg_ip_parse("10.0.0.256", 10, &v, &fam));
    CHECK(!lg_ip_parse("1.2.3", 5, &v, &fam));
    CHECK(lg_ivset_equal(S("10.1.2.3/8"), S("10.0.0.0-10.255.255.255")));
    CHECK(lg_ivset_equal(S("0.0.0.0/0"), lg_ip_v4()));
    /* ::/0 is IPv6 only: it must not contain any IPv4 address */
    CHECK(!lg_ivset_intersects(S("::/0"), lg_ip_v4()));
    CHECK(lg_ivset_equal(S("::/0"), lg_ip_v6()));
    CHECK(lg_ivset_contains(S("2001:db8::/32"), (lg_u128)0x20010db8 << 96));
    lg_ivset bad;
    CHECK(!lg_ip_parse_set(&A, "10.0.0.0/33", 11, &bad, NULL));
    CHECK(!lg_ip_parse_set(&A, "10.0.0.0/", 9, &bad, NULL));
    CHECK(!lg_ip_parse_set(&A, "fe80::/129", 10, &bad, NULL));

    /* the public IPv4 count the audit contract quotes for 0.0.0.0/0 */
    CHECK(lg_ivset_count(lg_ip_public_v4()) == (lg_u128)3702258432u);
    CHECK(!lg_ivset_contains(lg_ip_public(), LG_V4(0x0a000001)));
    CHECK(lg_ivset_contains(lg_ip_public(), LG_V4(0x34010203)));

    /* CIDR rendering is exact over the cared-for space */
    size_t n;
    char **c = lg_ip_cidrs(&A, lg_ip_public_v4(), lg_ip_public(), &n);
    CHECK(n == 1);
    CHECK_STR(c[0], "0.0.0.0/0");
    c = lg_ip_cidrs(&A, lg_ip_public(), lg_ip_public(), &n);
    CHECK(n == 2);
    CHECK_STR(c[1], "::/0");
    c = lg_ip_cidrs(&A, lg_ivset_inter(&A, S("52.0.0.0/8"), lg_ip_public()), lg_ip_public(), &n);
    CHECK(n == 1);
    CHECK_STR(c[0], "52.0.0.0/8");
    c = lg_ip_cidrs(&A, S("52.1.2.3-52.1.2.10"), lg_ip_public(), &n);
    CHECK(n == 4);
    CHECK_STR(c[0], "52.1.2.3/32");
    CHECK_STR(c[1], "52.1.2.4/30");
    CHECK_STR(c[2], "52.1.2.8/31");
    CHECK_STR(c[3], "52.1.2.10/32");
    /* private space is don't-care: 10/8 + 52/8 renders as 52/8 alone */
    lg_ivset mix = lg_ivset_union(&A, S("10.0.0.0/8"), S("52.0.0.0/8"));
    c = lg_ip_cidrs(&A, lg_ivset_inter(&A, mix, lg_ip_public()), lg_ip_public(), &n);
    CHECK(n == 1);
    CHECK_STR(c[0], "52.0.0.0/8");
    /* everything except 52.1.2.3: still exact */
    lg_ivset hole = lg_ivset_minus(&A, lg_ip_public_v4(), S("52.1.2.3"));
    c = lg_ip_cidrs(&A, hole, lg_ip_public(), &n);
    lg_ivset back = lg_ivset_empty;
    for (size_t i = 0; i < n; i++)
        back = lg_ivset_union(&A, back, S(c[i]));
    CHECK(lg_ivset_equal(lg_ivset_inter(&A, back, lg_ip_public()), hole));
    CHECK(n == 32);

    /* JSON pointer locations */
    const char *doc = "{\n  \"a\": [1,\n    {\"b\": \"x\"}],\n  \"c~d\": {\"e/f\": 3}\n}\n";
    long line = 0, col = 0;
    CHECK(lg_json_locate(doc, strlen(doc), "/a/1/b", &line, &col) && line == 3 && col == 11);
    CHECK(lg_json_locate(doc, strlen(doc), "/c~0d/e~1f", &line, &col) && line == 4);
    CHECK(!lg_json_locate(doc, strlen(doc), "/a/2", &line, &col));
    CHECK(!lg_json_locate(doc, strlen(doc), "/zzz", &line, &col));
    CHECK(lg_json_locate(doc, strlen(doc), "", &line, &col) && line == 1 && col == 1);

    /* the index answers exactly like the plain walk, for every pointer */
    const char *big = "[\n {\"r\": [ {\"a\":1},\n  {\"a\": [2, {\"b\":3}]} ]},\n {\"r\": []},\n \"x\"\n]";
    const char *ptrs[] = {"", "/0", "/0/r", "/0/r/0", "/0/r/1", "/0/r/1/a", "/0/r/1/a/1",
                          "/0/r/1/a/1/b", "/1", "/1/r", "/1/r/0", "/2", "/3", "/0/zz", NULL};
    lg_json_index *ix = lg_json_index_new(big, strlen(big));
    int same = 1;
    for (int round = 0; round < 2; round++) /* second round: from the memo */
        for (int k = 0; ptrs[k]; k++) {
            long l1 = 0, c1 = 0, l2 = 0, c2 = 0;
            bool a = lg_json_locate(big, strlen(big), ptrs[k], &l1, &c1);
            bool b = lg_json_index_locate(ix, ptrs[k], &l2, &c2);
            if (a != b || l1 != l2 || c1 != c2) {
                fprintf(stderr, "index differs at '%s': %d %ld:%ld vs %d %ld:%ld\n",
                        ptrs[k], a, l1, c1, b, l2, c2);
                same = 0;
            }
        }
    lg_json_index_free(ix);
    CHECK(same);

    lg_arena_free(&A);
    UNIT_DONE();
}
