/* audit.c - findings per (resource, protocol, catalog port).
 *
 * One evaluation per resource covers every catalog port at once: the
 * region is {tcp} x {catalog tcp ports} plus {udp} x {catalog udp ports},
 * sources restricted to public address space.  The allowed boxes are then
 * projected per port.  With uncertain rules the region is evaluated for
 * both bounds (eval.h). */
#include "audit.h"

#include <stdlib.h>
#include <string.h>
#include <strings.h>

static const char *const sev_names[] = {"info", "low", "medium", "high", "critical"};

const char *nr_severity_name(nr_severity s) { return sev_names[s]; }

int nr_severity_parse(const char *s)
{
    for (int i = 0; i < 5; i++)
        if (strcasecmp(s, sev_names[i]) == 0)
            return i;
    return -1;
}

const char *nr_change_name(nr_change c)
{
    static const char *const n[] = {"", "new", "unchanged", "fixed"};
    return n[c];
}

const char *nr_direction_name(nr_direction d)
{
    static const char *const n[] = {"inbound", "outbound", "forward"};
    return n[d];
}

void nr_report_init(nr_report *r)
{
    memset(r, 0, sizeof *r);
    lg_arena_init(&r->arena);
}

void nr_report_free(nr_report *r)
{
    lg_arena_free(&r->arena);
    free(r->f);
    free(r->h);
    memset(r, 0, sizeof *r);
}

nr_finding *nr_report_add(nr_report *r)
{
    lg_grow_or_abort(&r->f, &r->cap, r->n + 1, sizeof *r->f);
    nr_finding *f = &r->f[r->n++];
    memset(f, 0, sizeof *f);
    return f;
}

/* Exposure breadth: the whole Internet of a family is critical. */
static nr_severity severity(lg_arena *a, lg_ivset pub)
{
    nr_severity s;
    lg_ivset v4 = lg_ivset_inter(a, pub, lg_ip_public_v4());
    lg_ivset v6 = lg_ivset_inter(a, pub, lg_ip_public_v6());
    lg_u128 c4 = lg_ivset_count(v4), c6 = lg_ivset_count(v6);
    if (lg_ivset_equal(v4, lg_ip_public_v4()) || lg_ivset_equal(v6, lg_ip_public_v6()))
        s = NR_SEV_CRITICAL;
    else if (c4 >= 65536 || c6 >= ((lg_u128)1 << 80))   /* a /16, a /48 */
        s = NR_SEV_HIGH;
    else if (c4 >= 256 || c6 >= ((lg_u128)1 << 64))     /* a /24, a /64 */
        s = NR_SEV_MEDIUM;
    else
        s = NR_SEV_LOW;
    return s;
}

/* The port's slice of an evaluation: public sources and deciding rules. */
typedef struct slice {
    lg_ivset src;
    lg_ivset sports;
    const char **rules;
    size_t nrules;
    const nr_rule *blame;
} slice;

static void add_name(lg_arena *a, const char ***v, size_t *n, const char *s)
{
    for (size_t i = 0; i < *n; i++)
        if (strcmp((*v)[i], s) == 0)
            return;
    const char **nv = lg_arena_alloc(a, (*n + 1) * sizeof *nv);
    if (*n)
        memcpy(nv, *v, *n * sizeof *nv);
    nv[(*n)++] = s;
    *v = nv;
}

/* Platform addresses (model.h) never make a finding and never get a rule
 * blamed; they are "don't care" when sources are rendered. */
static slice take_slice(lg_arena *a, const nr_resource *r, const nr_boxes *allowed,
                        int proto, int port)
{
    slice s = {0};
    nr_boxes sel = {0};
    for (size_t i = 0; i < allowed->n; i++) {
        const nr_box *b = &allowed->b[i];
        if (!lg_ivset_contains(b->d[NR_PROTO], (lg_u128)proto) ||
            !lg_ivset_contains(b->d[NR_DPORT], (lg_u128)port) ||
            (r->platform.n && lg_ivset_subset(b->d[NR_SRC], r->platform)))
            continue;
        nr_boxes_push(a, &sel, b);
        size_t nl = r->nlayers < NR_MAXLAYERS ? r->nlayers : NR_MAXLAYERS;
        for (size_t li = 0; li < nl; li++) {
            add_name(a, &s.rules, &s.nrules, nr_why_name(a, r, (int)li, b->why[li]));
            if (!s.blame && b->why[li].rule)
                s.blame = b->why[li].rule;
        }
    }
    if (sel.n && !s.nrules)
        add_name(a, &s.rules, &s.nrules, "unfiltered"); /* no layer at all */
    s.src = nr_boxes_project(a, &sel, NR_SRC);
    s.sports = nr_boxes_project(a, &sel, NR_SPORT);
    if (r->platform.n)
        s.src = lg_ivset_minus(a, s.src, r->platform);
    return s;
}

typedef struct hyg_ctx {
    nr_report *out;
    const nr_resource *res;
} hyg_ctx;

static void on_hygiene(void *vctx, const nr_layer *l, const nr_chain *c,
                       const nr_rule *rule, const char *kind,
                       const nr_rule *const *by)
{
    hyg_ctx *x = vctx;
    nr_report *r = x->out;
    /* heap arrays: realloc moves big ones by remapping pages, where an
     * arena copy would fault in and zero fresh memory at every doubling */
    lg_grow_or_abort(&r->h, &r->caph, r->nh + 1, sizeof *r->h);
    nr_hyg *h = &r->h[r->nh++];
    memset(h, 0, sizeof *h);
    h->res = x->res;
    h->layer = l;
    h->chain = c;
    h->rule = rule;
    h->kind = kind;
    size_t n = 0;
    while (by[n])
        n++;
    /* name the first few covering rules; the count says how many there are */
    size_t keep = n < NR_HYG_BY_MAX ? n : NR_HYG_BY_MAX;
    h->by = lg_arena_alloc(&r->arena, (keep + 1) * sizeof *h->by);
    for (size_t i = 0; i < keep; i++)
        h->by[i] = by[i]->name;
    h->nby = keep;
    h->nby_total = n;
}

void nr_audit(const nr_snapshot *s, const nr_catalog *c, bool hygiene,
              nr_report *out)
{
    lg_arena ev, hyg;
    lg_arena_init(&ev);
    lg_arena_init(&hyg);
    /* catalog ports per protocol */
    lg_iv *tcp = malloc((c->n + 1) * sizeof *tcp), *udp = malloc((c->n + 1) * sizeof *udp);
    size_t nt = 0, nu = 0;
    for (size_t i = 0; i < c->n; i++) {
        lg_iv iv = {(lg_u128)c->s[i].port, (lg_u128)c->s[i].port};
        if (c->s[i].proto == 6)
            tcp[nt++] = iv;
        else
            udp[nu++] = iv;
    }
    for (size_t ri = 0; ri < s->n; ri++) {
        const nr_resource *r = &s->res[ri];
        if (r->dir != NR_INBOUND && r->dir != NR_FORWARD)
            continue;
        lg_arena_reset(&ev);
        /* Real packets have both addresses in one family: a box pairing
         * IPv4 sources with IPv6 destinations would be decided by nothing
         * but a policy and invent findings. */
        nr_boxes region = {0};
        nr_box b = {0};
        for (int d = 0; d < NR_NDIM; d++)
            b.d[d] = lg_ivset_all(&ev, nr_dim_max((nr_dim)d));
        for (int fam = 0; fam < 2; fam++) {
            b.d[NR_SRC] = fam ? lg_ip_public_v6() : lg_ip_public_v4();
            b.d[NR_DST] = fam ? lg_ip_v6() : lg_ip_v4();
            if (nt) {
                b.d[NR_PROTO] = lg_ivset_range(&ev, 6, 6);
                b.d[NR_DPORT] = lg_ivset_from(&ev, tcp, nt);
                nr_boxes_push(&ev, &region, &b);
            }
            if (nu) {
                b.d[NR_PROTO] = lg_ivset_range(&ev, 17, 17);
                b.d[NR_DPORT] = lg_ivset_from(&ev, udp, nu);
                nr_boxes_push(&ev, &region, &b);
            }
        }
        bool unc = nr_resource_uncertain(r);
        nr_result lo, hi;
        nr_eval(&ev, r, &region, unc ? NR_LOWER : NR_EXACT, 0, &lo);
        if (unc)
            nr_eval(&ev, r, &region, NR_UPPER, 0, &hi);
        else
            hi = lo;
        for (size_t k = 0; k < c->n; k++) {
            const nr_service *sv = &c->s[k];
            if (lo.overflow || hi.overflow) {
                nr_finding *f = nr_report_add(out);
                f->res = r;
                f->proto = sv->proto;
                f->port = sv->port;
                f->service = sv->name;
                f->title = sv->title;
                f->unknown = true;
                f->overflow = true;
                f->sev = NR_SEV_HIGH;
                f->reasons = lg_arena_alloc(&out->arena, sizeof *f->reasons);
                f->reasons[0] = "ruleset too complex to evaluate exactly within the budget";
                f->nreasons = 1;
                f->cidrs = lg_arena_alloc(&out->arena, sizeof *f->cidrs);
                continue;
            }
            slice sl = take_slice(&ev, r, &lo.allowed, sv->proto, sv->port);
            slice sh = unc ? take_slice(&ev, r, &hi.allowed, sv->proto, sv->port) : sl;
            if (!sh.src.n)
                continue;
            nr_finding *f = nr_report_add(out);
            f->res = r;
            f->proto = sv->proto;
            f->port = sv->port;
            f->service = sv->name;
            f->title = sv->title;
            const slice *use = sl.src.n ? &sl : &sh;
            f->unknown = sl.src.n == 0;
            f->more_possible = sl.src.n && !lg_ivset_equal(sl.src, sh.src);
            f->sources = lg_ivset_copy(&out->arena, use->src);
            if (!(use->sports.n == 1 && use->sports.iv[0].lo == 0 &&
                  use->sports.iv[0].hi == 65535))
                f->sports = lg_ivset_copy(&out->arena, use->sports);
            lg_ivset care = r->platform.n ? lg_ivset_minus(&ev, lg_ip_public(), r->platform)
                                          : lg_ip_public();
            f->cidrs = lg_ip_cidrs(&out->arena, f->sources, care, &f->ncidrs);
            /* count what the rendered blocks cover, so 0.0.0.0/0 always
             * reads as every public IPv4 address */
            lg_ivset shown = lg_ivset_empty;
            for (size_t i = 0; i < f->ncidrs; i++) {
                lg_ivset one;
                if (lg_ip_parse_set(&ev, f->cidrs[i], strlen(f->cidrs[i]), &one, NULL))
                    shown = lg_ivset_union(&ev, shown, one);
            }
            shown = lg_ivset_inter(&ev, shown, lg_ip_public());
            f->public_v4 = lg_ivset_count(lg_ivset_inter(&ev, shown, lg_ip_public_v4()));
            f->sev = severity(&ev, shown);
            f->rules = lg_arena_alloc(&out->arena, (use->nrules + 1) * sizeof *f->rules);
            for (size_t i = 0; i < use->nrules; i++)
                f->rules[i] = lg_arena_strdup(&out->arena, use->rules[i]);
            f->nrules = use->nrules;
            f->blame = use->blame;
            if (f->unknown || f->more_possible) {
                /* the undecidable rules that bear on this port */
                lg_ivset q[NR_NDIM];
                for (int d = 0; d < NR_NDIM; d++)
                    q[d] = lg_ivset_all(&ev, nr_dim_max((nr_dim)d));
                q[NR_PROTO] = lg_ivset_range(&ev, (lg_u128)sv->proto, (lg_u128)sv->proto);
                q[NR_DPORT] = lg_ivset_range(&ev, (lg_u128)sv->port, (lg_u128)sv->port);
                q[NR_SRC] = lg_ip_public();
                nr_box qb = {0};
                memcpy(qb.d, q, sizeof q);
                const nr_result *both[2] = {&lo, &hi};
                for (int w = 0; w < 2; w++)
                    for (size_t t = 0; t < both[w]->ntouched; t++) {
                        const nr_rule *ur = both[w]->touched[t];
                        if (!nr_box_intersects(&qb, ur->m))
                            continue;
                        const char *why = lg_arena_printf(&out->arena, "%s: %s",
                                                          ur->name ? ur->name : "?",
                                                          ur->uncertain);
                        add_name(&out->arena, &f->reasons, &f->nreasons, why);
                    }
                if (!f->nreasons)
                    add_name(&out->arena, &f->reasons, &f->nreasons,
                             "depends on rules whose match cannot be decided from the data");
            }
        }
        if (hygiene) {
            hyg_ctx hx = {out, r};
            for (size_t li = 0; li < r->nlayers; li++)
                nr_hygiene(&hyg, &r->layers[li], on_hygiene, &hx);
        }
    }
    free(tcp);
    free(udp);
    lg_arena_free(&ev);
    lg_arena_free(&hyg);
}
