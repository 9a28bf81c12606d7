/* ivset.c - interval set arithmetic (see ivset.h for the invariant).
 * All binary operations are linear merges over the two sorted lists. */
#include "ivset.h"

#include <stdlib.h>
#include <string.h>

const lg_ivset lg_ivset_empty = {0, NULL};

lg_ivset lg_ivset_range(lg_arena *a, lg_u128 lo, lg_u128 hi)
{
    if (lo > hi)
        return lg_ivset_empty;
    lg_iv *iv = lg_arena_alloc_nz(a, sizeof *iv);
    iv->lo = lo;
    iv->hi = hi;
    return (lg_ivset){1, iv};
}

lg_ivset lg_ivset_all(lg_arena *a, lg_u128 max)
{
    return lg_ivset_range(a, 0, max);
}

static int iv_cmp(const void *pa, const void *pb)
{
    const lg_iv *x = pa, *y = pb;
    if (x->lo != y->lo)
        return x->lo < y->lo ? -1 : 1;
    return 0;
}

lg_ivset lg_ivset_from(lg_arena *a, const lg_iv *in, size_t n)
{
    if (n == 0)
        return lg_ivset_empty;
    lg_iv *iv = lg_arena_alloc_nz(a, n * sizeof *iv);
    size_t m = 0;
    for (size_t i = 0; i < n; i++)
        if (in[i].lo <= in[i].hi)
            iv[m++] = in[i];
    if (m == 0)
        return lg_ivset_empty;
    qsort(iv, m, sizeof *iv, iv_cmp);
    size_t k = 0;
    for (size_t i = 1; i < m; i++) {
        /* merge overlapping or adjacent intervals */
        if (iv[k].hi == LG_U128_MAX || iv[i].lo <= iv[k].hi + 1) {
            if (iv[i].hi > iv[k].hi)
                iv[k].hi = iv[i].hi;
        } else {
            iv[++k] = iv[i];
        }
    }
    return (lg_ivset){(uint32_t)(k + 1), iv};
}

/* Append [lo,hi] to out (sorted input), merging with the last interval. */
static void push(lg_iv *out, uint32_t *n, lg_u128 lo, lg_u128 hi)
{
    if (*n > 0) {
        lg_iv *l = &out[*n - 1];
        if (l->hi == LG_U128_MAX || lo <= l->hi + 1) {
            if (hi > l->hi)
                l->hi = hi;
            return;
        }
    }
    out[*n].lo = lo;
    out[*n].hi = hi;
    (*n)++;
}

lg_ivset lg_ivset_union(lg_arena *a, lg_ivset x, lg_ivset y)
{
    if (x.n == 0)
        return y;
    if (y.n == 0)
        return x;
    lg_iv *out = lg_arena_alloc_nz(a, (x.n + y.n) * sizeof *out);
    uint32_t n = 0, i = 0, j = 0;
    while (i < x.n || j < y.n) {
        const lg_iv *p;
        if (j >= y.n || (i < x.n && x.iv[i].lo <= y.iv[j].lo))
            p = &x.iv[i++];
        else
            p = &y.iv[j++];
        push(out, &n, p->lo, p->hi);
    }
    return (lg_ivset){n, out};
}

lg_ivset lg_ivset_inter(lg_arena *a, lg_ivset x, lg_ivset y)
{
    if (x.n == 0 || y.n == 0)
        return lg_ivset_empty;
    /* fast path: the common single-interval case */
    if (x.n == 1 && y.n == 1) {
        lg_u128 lo = x.iv[0].lo > y.iv[0].lo ? x.iv[0].lo : y.iv[0].lo;
        lg_u128 hi = x.iv[0].hi < y.iv[0].hi ? x.iv[0].hi : y.iv[0].hi;
        if (lo > hi)
            return lg_ivset_empty;
        if (lo == x.iv[0].lo && hi == x.iv[0].hi)
            return x;
        if (lo == y.iv[0].lo && hi == y.iv[0].hi)
            return y;
        return lg_ivset_range(a, lo, hi);
    }
    lg_iv *out = lg_arena_alloc_nz(a, (x.n + y.n) * sizeof *out);
    uint32_t n = 0, i = 0, j = 0;
    while (i < x.n && j < y.n) {
        lg_u128 lo = x.iv[i].lo > y.iv[j].lo ? x.iv[i].lo : y.iv[j].lo;
        lg_u128 hi = x.iv[i].hi < y.iv[j].hi ? x.iv[i].hi : y.iv[j].hi;
        if (lo <= hi) {
            out[n].lo = lo;
            out[n].hi = hi;
            n++;
        }
        if (x.iv[i].hi < y.iv[j].hi)
            i++;
        else
            j++;
    }
    return n ? (lg_ivset){n, out} : lg_ivset_empty;
}

lg_ivset lg_ivset_minus(lg_arena *a, lg_ivset x, lg_ivset y)
{
    if (x.n == 0 || y.n == 0)
        return x;
    if (!lg_ivset_intersects(x, y))
        return x;
    lg_iv *out = lg_arena_alloc_nz(a, (x.n + y.n) * sizeof *out);
    uint32_t n = 0, j = 0;
    for (uint32_t i = 0; i < x.n; i++) {
        lg_u128 lo = x.iv[i].lo, hi = x.iv[i].hi;
        bool alive = true;
        while (j < y.n && y.iv[j].hi < lo)
            j++;
        uint32_t k = j;
        while (alive && k < y.n && y.iv[k].lo <= hi) {
            if (y.iv[k].lo > lo) {
                out[n].lo = lo;
                out[n].hi = y.iv[k].lo - 1;
                n++;
            }
            if (y.iv[k].hi >= hi)
                alive = false;
            else
                lo = y.iv[k].hi + 1;
            k++;
        }
        if (alive) {
            out[n].lo = lo;
            out[n].hi = hi;
            n++;
        }
    }
    return n ? (lg_ivset){n, out} : lg_ivset_empty;
}

lg_ivset lg_ivset_complement(lg_arena *a, lg_ivset x, lg_u128 max)
{
    return lg_ivset_minus(a, lg_ivset_all(a, max), x);
}

bool lg_ivset_intersects(lg_ivset x, lg_ivset y)
{
    uint32_t i = 0, j = 0;
    while (i < x.n && j < y.n) {
        if (x.iv[i].hi < y.iv[j].lo)
            i++;
        else if (y.iv[j].hi < x.iv[i].lo)
            j++;
        else
            return true;
    }
    return false;
}

bool lg_ivset_subset(lg_ivset x, lg_ivset y)
{
    uint32_t j = 0;
    for (uint32_t i = 0; i < x.n; i++) {
        while (j < y.n && y.iv[j].hi < x.iv[i].lo)
            j++;
        /* sets are merged, so x.iv[i] must lie inside a single y interval */
        if (j >= y.n || y.iv[j].lo > x.iv[i].lo || y.iv[j].hi < x.iv[i].hi)
            return false;
    }
    return true;
}

bool lg_ivset_contains(lg_ivset x, lg_u128 v)
{
    uint32_t lo = 0, hi = x.n;
    while (lo < hi) {
        uint32_t mid = lo + (hi - lo) / 2;
        if (x.iv[mid].hi < v)
            lo = mid + 1;
        else if (x.iv[mid].lo > v)
            hi = mid;
        else
            return true;
    }
    return false;
}

bool lg_ivset_equal(lg_ivset x, lg_ivset y)
{
    if (x.n != y.n)
        return false;
    for (uint32_t i = 0; i < x.n; i++)
        if (x.iv[i].lo != y.iv[i].lo || x.iv[i].hi != y.iv[i].hi)
            return false;
    return true;
}

lg_u128 lg_ivset_count(lg_ivset x)
{
    lg_u128 c = 0;
    for (uint32_t i = 0; i < x.n; i++) {
        lg_u128 w = x.iv[i].hi - x.iv[i].lo;
        if (w == LG_U128_MAX || c > LG_U128_MAX - w - 1)
            return LG_U128_MAX;
        c += w + 1;
    }
    return c;
}

lg_ivset lg_ivset_copy(lg_arena *a, lg_ivset x)
{
    if (x.n == 0)
        return lg_ivset_empty;
    lg_iv *iv = lg_arena_alloc_nz(a, x.n * sizeof *iv);
    memcpy(iv, x.iv, x.n * sizeof *iv);
    return (lg_ivset){x.n, iv};
}
