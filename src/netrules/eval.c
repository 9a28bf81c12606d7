/* eval.c - exact first-match evaluation of box regions (see eval.h).
 *
 * The invariant that makes this exact: at every point of a chain walk,
 * `rem` holds exactly the packets of the input that no earlier rule has
 * decided, as disjoint boxes.  Each rule splits `rem` into the part it
 * matches (hit) and the rest; splitting a box b by a match box m yields
 * b∩m plus at most NR_NDIM disjoint pieces of b\m, so no packet is ever
 * lost or counted twice (in EXACT and LOWER mode; UPPER deliberately lets
 * a packet follow both outcomes of an undecidable rule). */
#include "eval.h"

#include <stdlib.h>
#include <string.h>

#define DEFAULT_BUDGET 4000000L
#define MAX_DEPTH 64

typedef struct ectx {
    lg_arena *a;
    const nr_layer *L;
    int li;
    nr_mode mode;
    /* protocols and destination ports the whole region can have: a rule
     * missing them cannot touch any box, so it is skipped unseen */
    lg_ivset env_proto, env_dport;
    nr_boxes *allowed, *denied, *veto;
    nr_result *res;
    long budget;
    int depth;
} ectx;

void nr_boxes_push(lg_arena *a, nr_boxes *l, const nr_box *b)
{
    if (l->n == l->cap) {
        size_t nc = l->cap ? l->cap * 2 : 8;
        nr_box *nb = lg_arena_alloc_nz(a, nc * sizeof *nb);
        if (l->n)
            memcpy(nb, l->b, l->n * sizeof *nb);
        l->b = nb;
        l->cap = nc;
    }
    l->b[l->n++] = *b;
}

static void push(ectx *c, nr_boxes *l, const nr_box *b)
{
    if (--c->budget < 0) {
        c->res->overflow = true;
        return;
    }
    nr_boxes_push(c->a, l, b);
}

static void append(ectx *c, nr_boxes *dst, const nr_boxes *src)
{
    for (size_t i = 0; i < src->n; i++)
        push(c, dst, &src->b[i]);
}

bool nr_box_intersects(const nr_box *x, const lg_ivset *m)
{
    /* protocol and destination port first: they reject most rules */
    for (int d = 0; d < NR_NDIM; d++)
        if (!lg_ivset_intersects(x->d[d], m[d]))
            return false;
    return true;
}

/* Split `in` by match box m into hit (in ∩ m) and rest (in \ m).
 * Returns false, touching nothing, when no box intersects m. */
static bool split(ectx *c, const nr_boxes *in, const lg_ivset *m,
                  nr_boxes *hit, nr_boxes *rest)
{
    size_t first = in->n;
    for (size_t i = 0; i < in->n; i++)
        if (nr_box_intersects(&in->b[i], m)) {
            first = i;
            break;
        }
    if (first == in->n)
        return false;
    memset(hit, 0, sizeof *hit);
    memset(rest, 0, sizeof *rest);
    for (size_t i = 0; i < first; i++)
        push(c, rest, &in->b[i]);
    for (size_t i = first; i < in->n; i++) {
        const nr_box *b = &in->b[i];
        if (i > first && !nr_box_intersects(b, m)) {
            push(c, rest, b);
            continue;
        }
        nr_box p = *b;
        for (int d = 0; d < NR_NDIM; d++) {
            lg_ivset out = lg_ivset_minus(c->a, b->d[d], m[d]);
            if (out.n) {
                nr_box q = p;
                q.d[d] = out;
                push(c, rest, &q);
            }
            p.d[d] = lg_ivset_inter(c->a, b->d[d], m[d]);
        }
        push(c, hit, &p);
    }
    return true;
}

static void tag(nr_boxes *l, int li, const nr_rule *r, const nr_chain *ch)
{
    for (size_t i = 0; i < l->n; i++) {
        l->b[i].why[li].rule = r;
        l->b[i].why[li].chain = ch;
        l->b[i].layer = li;
    }
}

static void touched(ectx *c, const nr_rule *r)
{
    nr_result *res = c->res;
    for (size_t i = 0; i < res->ntouched; i++)
        if (res->touched[i] == r)
            return;
    if (res->ntouched == res->captouched) {
        size_t nc = res->captouched ? res->captouched * 2 : 8;
        const nr_rule **t = lg_arena_alloc(c->a, nc * sizeof *t);
        if (res->ntouched)
            memcpy(t, res->touched, res->ntouched * sizeof *t);
        res->touched = t;
        res->captouched = nc;
    }
    res->touched[res->ntouched++] = r;
}

/* The part of `in` inside m, leaving `in` alone (for undecidable rules). */
static bool select_in(ectx *c, const nr_boxes *in, const lg_ivset *m, nr_boxes *hit)
{
    nr_boxes rest;
    return split(c, in, m, hit, &rest);
}

static void eval_chain(ectx *c, int ci, nr_boxes in, nr_boxes *ret)
{
    const nr_chain *ch = &c->L->chains[ci];
    nr_boxes rem = in;
    if (ci < 0 || (size_t)ci >= c->L->nchains || ++c->depth > MAX_DEPTH) {
        c->res->overflow = true;
        return;
    }
    for (size_t i = 0; i < ch->n && rem.n && !c->res->overflow; i++) {
        const nr_rule *r = &ch->rules[i];
        nr_boxes hit, rest;
        if (r->action == NR_NOP)
            continue;
        /* in a reversed layer the packet's destination port is the rule's
         * source port */
        if (!lg_ivset_intersects(r->m[NR_PROTO], c->env_proto) ||
            !lg_ivset_intersects(r->m[c->L->reverse ? NR_SPORT : NR_DPORT], c->env_dport))
            continue;
        bool unc = r->uncertain && c->mode != NR_EXACT;
        if (unc) {
            /* undecidable match: see eval.h for what each bound means */
            bool lower = c->mode == NR_LOWER;
            if ((r->action == NR_ACCEPT && lower) || (r->action == NR_DROP && !lower)) {
                if (select_in(c, &rem, r->m, &hit))
                    touched(c, r);
                continue; /* the rule cannot enlarge this bound: skip it */
            }
            if (r->action == NR_ACCEPT || r->action == NR_DROP) {
                if (split(c, &rem, r->m, &hit, &rest)) {
                    touched(c, r);
                    goto decided;
                }
                continue;
            }
            if (!select_in(c, &rem, r->m, &hit))
                continue;
            touched(c, r);
            nr_boxes discard = {0};
            if ((r->action == NR_JUMP || r->action == NR_GOTO) && lower) {
                /* allowed only where both outcomes allow: packets continue
                 * here (the rule not matching), and what the callee denies
                 * is vetoed; so is what returns from a GOTO, whose fate
                 * the caller's caller decides */
                nr_boxes *sa = c->allowed, *sd = c->denied;
                nr_boxes ta = {0}, td = {0};
                c->allowed = &ta;
                c->denied = &td;
                eval_chain(c, r->target, hit, &discard);
                c->allowed = sa;
                c->denied = sd;
                append(c, c->veto, &td);
                if (r->action == NR_GOTO)
                    append(c, c->veto, &discard);
            } else if (r->action == NR_JUMP) {
                eval_chain(c, r->target, hit, &discard);
            } else if (r->action == NR_GOTO && !lower) {
                eval_chain(c, r->target, hit, ret);
            } else if (r->action == NR_RETURN && !lower) {
                append(c, ret, &hit);
            } else {
                append(c, c->veto, &hit); /* RETURN, lower bound */
            }
            continue;
        }
        if (!split(c, &rem, r->m, &hit, &rest))
            continue;
    decided:
        rem = rest;
        switch (r->action) {
        case NR_ACCEPT:
            tag(&hit, c->li, r, NULL);
            append(c, c->allowed, &hit);
            break;
        case NR_DROP:
            tag(&hit, c->li, r, NULL);
            append(c, c->denied, &hit);
            break;
        case NR_JUMP: {
            nr_boxes back = {0};
            eval_chain(c, r->target, hit, &back);
            append(c, &rem, &back);
            break;
        }
        case NR_GOTO:
            eval_chain(c, r->target, hit, ret);
            break;
        case NR_RETURN:
            append(c, ret, &hit);
            break;
        default:
            break;
        }
    }
    if (rem.n) {
        if (ch->policy == NR_ACCEPT) {
            tag(&rem, c->li, NULL, ch);
            append(c, c->allowed, &rem);
        } else if (ch->policy == NR_DROP) {
            tag(&rem, c->li, NULL, ch);
            append(c, c->denied, &rem);
        } else {
            append(c, ret, &rem);
        }
    }
    c->depth--;
}

static void swap_dirs(nr_boxes *l)
{
    for (size_t i = 0; i < l->n; i++) {
        lg_ivset t = l->b[i].d[NR_SRC];
        l->b[i].d[NR_SRC] = l->b[i].d[NR_DST];
        l->b[i].d[NR_DST] = t;
        t = l->b[i].d[NR_SPORT];
        l->b[i].d[NR_SPORT] = l->b[i].d[NR_DPORT];
        l->b[i].d[NR_DPORT] = t;
    }
}

static void all_dims(lg_arena *a, lg_ivset *m)
{
    for (int d = 0; d < NR_NDIM; d++)
        m[d] = lg_ivset_all(a, nr_dim_max((nr_dim)d));
}

static void eval_layer(ectx *c, nr_boxes in, nr_boxes *allowed, nr_boxes *denied)
{
    const nr_layer *L = c->L;
    nr_boxes inside = in;
    if (L->scoped) {
        /* traffic of another family passes this layer untouched */
        lg_ivset m[NR_NDIM];
        all_dims(c->a, m);
        m[NR_SRC] = L->scope;
        nr_boxes hit, rest;
        if (split(c, &in, m, &hit, &rest)) {
            inside = hit;
            append(c, allowed, &rest);
        } else {
            append(c, allowed, &in);
            return;
        }
    }
    nr_boxes a = {0}, d = {0}, veto = {0}, ret = {0};
    c->allowed = &a;
    c->denied = &d;
    c->veto = &veto;
    if (L->reverse)
        swap_dirs(&inside);
    if (L->nchains)
        eval_chain(c, L->entry, inside, &ret);
    else
        append(c, &ret, &inside);
    if (ret.n) {
        /* RETURN out of a built-in chain (or a GOTO that returns) applies
         * that chain's policy, as the kernel does; an entry chain without
         * a verdict policy filters nothing */
        const nr_chain *ec = L->nchains ? &L->chains[L->entry] : NULL;
        tag(&ret, c->li, NULL, ec);
        append(c, ec && ec->policy == NR_DROP ? &d : &a, &ret);
    }
    for (size_t i = 0; i < veto.n && a.n; i++) {
        nr_boxes hit, rest;
        if (split(c, &a, veto.b[i].d, &hit, &rest))
            a = rest;
    }
    if (L->reverse) {
        swap_dirs(&a);
        swap_dirs(&d);
    }
    append(c, allowed, &a);
    append(c, denied, &d);
}

bool nr_resource_uncertain(const nr_resource *r)
{
    for (size_t l = 0; l < r->nlayers; l++)
        for (size_t ci = 0; ci < r->layers[l].nchains; ci++) {
            const nr_chain *ch = &r->layers[l].chains[ci];
            for (size_t i = 0; i < ch->n; i++)
                if (ch->rules[i].uncertain && ch->rules[i].action != NR_NOP)
                    return true;
        }
    return false;
}

void nr_eval(lg_arena *a, const nr_resource *r, const nr_boxes *region,
             nr_mode mode, long budget, nr_result *out)
{
    memset(out, 0, sizeof *out);
    ectx c = {.a = a, .mode = mode, .res = out,
              .budget = budget > 0 ? budget : DEFAULT_BUDGET};
    nr_boxes cur = {0};
    lg_ivset scope[NR_NDIM];
    all_dims(a, scope);
    if (r->scope.n)
        scope[NR_SRC] = r->scope;
    for (size_t i = 0; i < region->n; i++)
        if (nr_box_intersects(&region->b[i], scope)) {
            nr_box b = region->b[i];
            b.d[NR_SRC] = lg_ivset_inter(a, b.d[NR_SRC], scope[NR_SRC]);
            memset(b.why, 0, sizeof b.why);
            push(&c, &cur, &b);
        }
    c.env_proto = nr_boxes_project(a, &cur, NR_PROTO);
    c.env_dport = nr_boxes_project(a, &cur, NR_DPORT);
    size_t nl = r->nlayers < NR_MAXLAYERS ? r->nlayers : NR_MAXLAYERS;
    if (r->nlayers > NR_MAXLAYERS)
        out->overflow = true;
    for (size_t li = 0; li < nl && cur.n && !out->overflow; li++) {
        nr_boxes next = {0};
        c.L = &r->layers[li];
        c.li = (int)li;
        c.depth = 0;
        eval_layer(&c, cur, &next, &out->denied);
        cur = next;
    }
    out->allowed = cur;
}

lg_ivset nr_boxes_project(lg_arena *a, const nr_boxes *l, nr_dim d)
{
    if (l->n == 0)
        return lg_ivset_empty;
    /* gather then normalize once: linear in the total interval count */
    size_t total = 0;
    for (size_t i = 0; i < l->n; i++)
        total += l->b[i].d[d].n;
    lg_iv *all = malloc((total ? total : 1) * sizeof *all);
    size_t k = 0;
    for (size_t i = 0; i < l->n; i++)
        for (uint32_t j = 0; j < l->b[i].d[d].n; j++)
            all[k++] = l->b[i].d[d].iv[j];
    lg_ivset s = lg_ivset_from(a, all, k);
    free(all);
    return s;
}

const char *nr_why_name(lg_arena *a, const nr_resource *r, int li, nr_why w)
{
    if (!w.rule && !w.chain) /* a scoped layer that does not see this family */
        return lg_arena_printf(a, "%s/unfiltered", r->layers[li].name);
    const char *n = w.rule ? w.rule->name : w.chain->policy_name;
    if (!n)
        n = "?";
    if (r->nlayers > 1)
        return lg_arena_printf(a, "%s/%s", r->layers[li].name, n);
    return n;
}

/* ---- hygiene ------------------------------------------------------------ */

/* The smallest box around a rule: rules whose hulls miss each other in any
 * dimension cannot share a packet, which settles most pairs in a few
 * comparisons (a /24 source against another /24, ssh against https). */
typedef struct hull {
    lg_u128 lo[NR_NDIM], hi[NR_NDIM];
} hull;

static hull hull_of(const nr_rule *r)
{
    hull h;
    for (int d = 0; d < NR_NDIM; d++) {
        const lg_ivset *m = &r->m[d];
        h.lo[d] = m->n ? m->iv[0].lo : 1; /* empty: lo > hi */
        h.hi[d] = m->n ? m->iv[m->n - 1].hi : 0;
    }
    return h;
}

#define MEETS(x, y, d) ((x)->lo[d] <= (y)->hi[d] && (y)->lo[d] <= (x)->hi[d])

/* Written out, the dimensions that tell rules apart most often first (a
 * loop over an order table cost a third of hygiene). */
static bool hull_overlap(const hull *x, const hull *y)
{
    return MEETS(x, y, NR_DPORT) && MEETS(x, y, NR_SRC) && MEETS(x, y, NR_PROTO) &&
           MEETS(x, y, NR_DST) && MEETS(x, y, NR_SPORT);
}

/* The hull's destination ports and sources in machine words, for the
 * first, cheapest test.  Addresses are squeezed through a monotone map
 * (everything from 2^64 up becomes 2^64 - 1; IPv4 lies below), so ranges
 * that meet still meet.  A rule that is not to be paired gets an empty
 * range. */
typedef struct packed {
    uint32_t plo, phi;
    uint64_t slo, shi;
} packed;

static uint64_t squeeze(lg_u128 v)
{
    return v >> 64 ? UINT64_MAX : (uint64_t)v;
}

static packed pack(const hull *h, bool pair)
{
    if (!pair || h->lo[NR_DPORT] > h->hi[NR_DPORT])
        return (packed){UINT32_MAX, 0, UINT64_MAX, 0}; /* lo above any hi */
    return (packed){(uint32_t)h->lo[NR_DPORT], (uint32_t)h->hi[NR_DPORT],
                    squeeze(h->lo[NR_SRC]), squeeze(h->hi[NR_SRC])};
}

static bool rule_empty(const nr_rule *r)
{
    for (int d = 0; d < NR_NDIM; d++)
        if (!r->m[d].n)
            return true;
    return false;
}

static bool terminates(const nr_rule *r)
{
    return !r->uncertain && (r->action == NR_ACCEPT || r->action == NR_DROP ||
                             r->action == NR_RETURN || r->action == NR_GOTO);
}

static bool has_point(const lg_ivset *m, const lg_u128 *pt)
{
    for (int d = 0; d < NR_NDIM; d++)
        if (!lg_ivset_contains(m[d], pt[d]))
            return false;
    return true;
}

static bool box_subset(const lg_ivset *x, const lg_ivset *y)
{
    for (int d = 0; d < NR_NDIM; d++)
        if (!lg_ivset_subset(x[d], y[d]))
            return false;
    return true;
}

void nr_hygiene(lg_arena *a, const nr_layer *l, nr_hygiene_cb cb, void *ctx)
{
    nr_result scratch; /* a's boxes: one check's, reset per rule */
    for (size_t ci = 0; ci < l->nchains; ci++) {
        const nr_chain *ch = &l->chains[ci];
        if (ch->shared)
            continue;
        hull *h = malloc((ch->n ? ch->n : 1) * sizeof *h);
        const nr_rule **by = malloc((ch->n + 1) * sizeof *by);
        /* destination ports and sources of terminating rules, packed: the
         * first tests of every pair read 24 bytes instead of a rule */
        packed *pk = malloc((ch->n ? ch->n : 1) * sizeof *pk);
        for (size_t i = 0; i < ch->n; i++) {
            h[i] = hull_of(&ch->rules[i]);
            pk[i] = pack(&h[i], terminates(&ch->rules[i]));
        }
        for (size_t i = 0; i < ch->n; i++) {
            const nr_rule *r = &ch->rules[i];
            if (r->is_default || r->action == NR_NOP || rule_empty(r))
                continue;
            /* shadowed: covered by one earlier terminating rule (cheap and
             * the common case), else by the union of several */
            size_t one = i;
            bool lo_seen = false, hi_seen = false; /* corners of r's box */
            const packed me = pack(&h[i], true);
            for (size_t j = 0; j < i && one == i; j++) {
                if (pk[j].plo > me.phi || pk[j].phi < me.plo || pk[j].slo > me.shi ||
                    pk[j].shi < me.slo)
                    continue; /* also every non-terminating rule */
                const nr_rule *s = &ch->rules[j];
                if (!hull_overlap(&h[i], &h[j]))
                    continue;
                if (box_subset(r->m, s->m))
                    one = j;
                lo_seen = lo_seen || has_point(s->m, h[i].lo);
                hi_seen = hi_seen || has_point(s->m, h[i].hi);
            }
            if (one < i) {
                by[0] = &ch->rules[one];
                by[1] = NULL;
                cb(ctx, l, ch, r, "shadowed", by);
                continue;
            }
            nr_box b = {0};
            memcpy(b.d, r->m, sizeof b.d);
            /* A corner of r's box that no earlier rule matches proves r is
             * not shadowed; only the rest need the union check. */
            if (lo_seen && hi_seen) {
                lg_arena_reset(a);
                memset(&scratch, 0, sizeof scratch);
                ectx c = {.a = a, .res = &scratch, .budget = 20000};
                nr_boxes rem = {0};
                push(&c, &rem, &b);
                size_t nby = 0;
                for (size_t j = 0; j < i && rem.n && !scratch.overflow; j++) {
                    const nr_rule *s = &ch->rules[j];
                    if (!terminates(s) || !hull_overlap(&h[i], &h[j]) ||
                        !nr_box_intersects(&b, s->m))
                        continue;
                    nr_boxes hit, rest;
                    if (split(&c, &rem, s->m, &hit, &rest)) {
                        rem = rest;
                        by[nby++] = s;
                    }
                    if (rem.n > 256 || nby > 64)
                        break; /* too fragmented to decide cheaply: say
                                  nothing (sound: hygiene only reports what
                                  it proves) */
                }
                if (rem.n == 0 && !scratch.overflow) {
                    by[nby] = NULL;
                    cb(ctx, l, ch, r, "shadowed", by);
                    continue;
                }
            }
            /* redundant: a later rule with the same verdict covers it and
             * nothing in between decides any of its packets differently */
            if (r->uncertain || (r->action != NR_ACCEPT && r->action != NR_DROP))
                continue;
            for (size_t j = i + 1; j < ch->n; j++) {
                const nr_rule *s = &ch->rules[j];
                if (s->action == NR_NOP || !hull_overlap(&h[i], &h[j]) ||
                    !nr_box_intersects(&b, s->m))
                    continue;
                if (s->action == r->action && !s->uncertain && !s->is_default &&
                    box_subset(r->m, s->m)) {
                    by[0] = s;
                    by[1] = NULL;
                    cb(ctx, l, ch, r, "redundant", by);
                }
                break;
            }
        }
        free(h);
        free(by);
        free(pk);
    }
}
