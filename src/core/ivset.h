/* ivset.h - exact sets of 128-bit integers as sorted, disjoint,
 * non-adjacent closed intervals.  Used for every header-space dimension:
 * addresses (IPv4 mapped into ::ffff:0:0/96, see ipaddr.h), ports and
 * protocol numbers.
 *
 * Sets are immutable values {n, iv}; operations allocate their result in
 * the arena passed in.  An empty set has n == 0.  Invariant, relied on by
 * every operation: iv[i].hi < iv[i+1].lo - 1 (sorted, disjoint, merged). */
#ifndef LG_IVSET_H
#define LG_IVSET_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "arena.h"

typedef unsigned __int128 lg_u128;
#define LG_U128_MAX (~(lg_u128)0)

typedef struct lg_iv {
    lg_u128 lo, hi;
} lg_iv;

typedef struct lg_ivset {
    uint32_t n;
    const lg_iv *iv;
} lg_ivset;

extern const lg_ivset lg_ivset_empty;

/* One interval [lo, hi]; empty if lo > hi. */
lg_ivset lg_ivset_range(lg_arena *a, lg_u128 lo, lg_u128 hi);
/* Everything [0, max]. */
lg_ivset lg_ivset_all(lg_arena *a, lg_u128 max);
/* Normalize an arbitrary array of intervals (any order, overlaps allowed,
 * entries with lo > hi ignored) into a set.  Copies into the arena. */
lg_ivset lg_ivset_from(lg_arena *a, const lg_iv *iv, size_t n);

lg_ivset lg_ivset_union(lg_arena *a, lg_ivset x, lg_ivset y);
lg_ivset lg_ivset_inter(lg_arena *a, lg_ivset x, lg_ivset y);
lg_ivset lg_ivset_minus(lg_arena *a, lg_ivset x, lg_ivset y);
/* Complement within [0, max]. */
lg_ivset lg_ivset_complement(lg_arena *a, lg_ivset x, lg_u128 max);

bool lg_ivset_intersects(lg_ivset x, lg_ivset y);
bool lg_ivset_subset(lg_ivset x, lg_ivset y);       /* x within y */
bool lg_ivset_contains(lg_ivset x, lg_u128 v);
bool lg_ivset_equal(lg_ivset x, lg_ivset y);
/* Number of elements, saturating at LG_U128_MAX. */
lg_u128 lg_ivset_count(lg_ivset x);
static inline bool lg_ivset_is_empty(lg_ivset x) { return x.n == 0; }

/* Copy a set into another arena (e.g. from an evaluation into a result). */
lg_ivset lg_ivset_copy(lg_arena *a, lg_ivset x);

#endif
