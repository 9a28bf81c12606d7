/* diff.c - two snapshots: which findings are new, unchanged or fixed, and
 * which structural changes bear on each new one.
 *
 * Rules are matched between snapshots first by identical content (so an
 * iptables rule that merely moved keeps its identity even though its
 * positional name changed), then by name; what stays unmatched was added
 * or removed.  A finding is new when its port was not exposed (in the same
 * state) before, or is now exposed to sources it was not.  Only changes whose match touches the finding's packets
 * (its protocol and port from public sources) are named. */
#include "audit.h"

#include <stdio.h>
#include <string.h>

static const nr_resource *find_res(const nr_snapshot *s, const nr_resource *r)
{
    for (size_t i = 0; i < s->n; i++)
        if (s->res[i].dir == r->dir && strcmp(s->res[i].name, r->name) == 0)
            return &s->res[i];
    return NULL;
}

static const nr_finding *find_f(const nr_report *rep, const nr_finding *f)
{
    for (size_t i = 0; i < rep->n; i++) {
        const nr_finding *g = &rep->f[i];
        if (g->proto == f->proto && g->port == f->port && g->res->dir == f->res->dir &&
            strcmp(g->res->name, f->res->name) == 0)
            return g;
    }
    return NULL;
}

static bool same_match(const nr_rule *a, const nr_rule *b)
{
    for (int d = 0; d < NR_NDIM; d++)
        if (!lg_ivset_equal(a->m[d], b->m[d]))
            return false;
    return true;
}

static bool widened(const nr_rule *n, const nr_rule *o)
{
    for (int d = 0; d < NR_NDIM; d++)
        if (!lg_ivset_subset(o->m[d], n->m[d]))
            return false;
    return true;
}

typedef struct cctx {
    lg_arena *a;
    nr_finding *f;
    const nr_resource *res;
    nr_box q;
} cctx;

static void cause(cctx *c, const char *layer, const char *rule, const char *what)
{
    nr_finding *f = c->f;
    const char *name = c->res->nlayers > 1 && layer
                     ? lg_arena_printf(c->a, "%s/%s", layer, rule) : lg_arena_strdup(c->a, rule);
    nr_cause *nc = lg_arena_alloc(c->a, (f->ncauses + 1) * sizeof *nc);
    if (f->ncauses)
        memcpy(nc, f->causes, f->ncauses * sizeof *nc);
    /* `what` may be verb()'s static buffer: copy it */
    nc[f->ncauses++] = (nr_cause){name, lg_arena_strdup(c->a, what)};
    f->causes = nc;
}

static const char *verb(const nr_rule *r, const char *what)
{
    static char buf[64];
    const char *kind = r->action == NR_ACCEPT ? "allow"
                     : r->action == NR_DROP ? "deny" : "rule";
    snprintf(buf, sizeof buf, "%s %s", kind, what);
    return buf;
}

/* A reader's glue, not a rule anyone wrote: the jump from Azure admin
 * rules to the NSG when none matched. */
static bool plumbing(const nr_rule *r)
{
    return r->is_default && r->action == NR_GOTO;
}

static void diff_chain(cctx *c, const char *layer, const nr_chain *nc, const nr_chain *oc)
{
    if (oc && nc->policy != oc->policy)
        cause(c, layer, nc->policy_name, "default policy changed");
    size_t nn = nc->n, on = oc ? oc->n : 0;
    char *nm = lg_arena_alloc(c->a, nn + 1), *om = lg_arena_alloc(c->a, on + 1);
    /* only rules that can touch the finding's packets matter */
    for (size_t i = 0; i < nn; i++)
        nm[i] = !nr_box_intersects(&c->q, nc->rules[i].m);
    for (size_t j = 0; j < on; j++)
        om[j] = !nr_box_intersects(&c->q, oc->rules[j].m);
    /* 1. identical content: unchanged, or re-prioritised */
    for (size_t i = 0; i < nn; i++)
        for (size_t j = 0; j < on && !nm[i]; j++) {
            const nr_rule *n = &nc->rules[i], *o = &oc->rules[j];
            if (om[j] || n->action != o->action || !same_match(n, o) ||
                (n->uncertain != NULL) != (o->uncertain != NULL))
                continue;
            nm[i] = om[j] = 1;
            if (n->priority != o->priority && n->name && o->name &&
                strcmp(n->name, o->name) == 0 && !strchr(n->name, ':'))
                cause(c, layer, n->name, verb(n, "re-prioritised"));
        }
    /* 2. same name, different content */
    for (size_t i = 0; i < nn; i++)
        for (size_t j = 0; j < on && !nm[i]; j++) {
            const nr_rule *n = &nc->rules[i], *o = &oc->rules[j];
            if (om[j] || !n->name || !o->name || strcmp(n->name, o->name) != 0)
                continue;
            nm[i] = om[j] = 1;
            if (n->action != o->action)
                cause(c, layer, n->name, "action changed");
            else if (widened(n, o))
                cause(c, layer, n->name, verb(n, "range widened"));
            else
                cause(c, layer, n->name, verb(n, "changed"));
        }
    for (size_t i = 0; i < nn; i++)
        if (!nm[i] && !plumbing(&nc->rules[i]))
            cause(c, layer, nc->rules[i].name ? nc->rules[i].name : "?",
                  verb(&nc->rules[i], "added"));
    for (size_t j = 0; j < on; j++)
        if (!om[j] && !plumbing(&oc->rules[j]))
            cause(c, layer, oc->rules[j].name ? oc->rules[j].name : "?",
                  verb(&oc->rules[j], "removed"));
}

/* Every rule of a chain that is gone (Azure admin rules no longer apply). */
static void diff_removed_chain(cctx *c, const char *layer, const nr_chain *oc)
{
    nr_chain none = {.name = oc->name, .policy = oc->policy};
    diff_chain(c, layer, &none, oc);
}

static void causes(lg_arena *a, nr_finding *f, const nr_resource *o)
{
    const nr_resource *n = f->res;
    cctx c = {.a = a, .f = f, .res = n};
    for (int d = 0; d < NR_NDIM; d++)
        c.q.d[d] = lg_ivset_all(a, nr_dim_max((nr_dim)d));
    c.q.d[NR_PROTO] = lg_ivset_range(a, (lg_u128)f->proto, (lg_u128)f->proto);
    c.q.d[NR_DPORT] = lg_ivset_range(a, (lg_u128)f->port, (lg_u128)f->port);
    c.q.d[NR_SRC] = lg_ip_public();
    if (!o) {
        cause(&c, NULL, n->name, "resource added");
        return;
    }
    for (size_t li = 0; li < n->nlayers; li++) {
        const nr_layer *nl = &n->layers[li], *ol = NULL;
        for (size_t k = 0; k < o->nlayers && !ol; k++)
            if (strcmp(o->layers[k].name, nl->name) == 0)
                ol = &o->layers[k];
        if (!ol) {
            cause(&c, NULL, nl->name, "association changed (layer added)");
            continue;
        }
        for (size_t ci = 0; ci < nl->nchains; ci++) {
            int oci = nr_chain_find(ol, nl->chains[ci].name);
            diff_chain(&c, nl->name, &nl->chains[ci], oci >= 0 ? &ol->chains[oci] : NULL);
        }
        for (size_t oci = 0; oci < ol->nchains; oci++)
            if (nr_chain_find(nl, ol->chains[oci].name) < 0)
                diff_removed_chain(&c, nl->name, &ol->chains[oci]);
    }
    for (size_t k = 0; k < o->nlayers; k++) {
        bool kept = false;
        for (size_t li = 0; li < n->nlayers && !kept; li++)
            kept = strcmp(o->layers[k].name, n->layers[li].name) == 0;
        if (!kept)
            cause(&c, NULL, o->layers[k].name, "association changed (layer removed)");
    }
}

void nr_diff(const nr_snapshot *olds, const nr_report *old,
             const nr_snapshot *news, nr_report *out)
{
    (void)news;
    size_t n = out->n;
    for (size_t i = 0; i < n; i++) {
        nr_finding *f = &out->f[i];
        const nr_finding *g = find_f(old, f);
        if (g && g->unknown == f->unknown) {
            /* the same port, but open to more of the Internet (a partner
             * range became 0.0.0.0/0) is a new exposure */
            if (!lg_ivset_minus(&out->arena, f->sources, g->sources).n) {
                f->change = NR_CH_UNCHANGED;
                continue;
            }
            f->was = g;
        }
        f->change = NR_CH_NEW;
        causes(&out->arena, f, find_res(olds, f->res));
    }
    for (size_t i = 0; i < old->n; i++) {
        const nr_finding *g = &old->f[i];
        bool still = false;
        for (size_t k = 0; k < n && !still; k++) {
            const nr_finding *f = &out->f[k];
            still = f->proto == g->proto && f->port == g->port &&
                    f->res->dir == g->res->dir && strcmp(f->res->name, g->res->name) == 0;
        }
        if (still)
            continue;
        nr_finding *nf = nr_report_add(out);
        *nf = *g; /* its strings live in the old report */
        nf->change = NR_CH_FIXED;
        nf->ncauses = 0;
    }
}
