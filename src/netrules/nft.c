/* nft.c - reader for `nft -j list ruleset` (libnftables JSON, schema 1).
 *
 * Model (see model.h and docs/HACKING-netrules.md):
 *  - one resource per hook we audit: "nft input" (or "nft forward" with
 *    --forward) inbound and "nft output" outbound.
 *  - every filter base chain on that hook in the ip, ip6 and inet families
 *    is one layer, ordered by priority: netfilter runs them all, accept in
 *    one hands the packet to the next, drop is final.  An ip (ip6) layer
 *    only sees IPv4 (IPv6), so it is scoped; other traffic passes it.
 *  - a layer holds its base chain (the entry) and the user chains of the
 *    same table reachable from it through jump/goto (vmap verdicts too).
 *  - we model the first packet of a NEW connection coming from the
 *    Internet: `ct state established,related` never matches it, traffic
 *    arriving on lo never comes from the Internet.
 *  - a rule is a conjunction; every match narrows a box of the five header
 *    dimensions.  What cannot be modelled (xt blobs, tcp flags, limit,
 *    dynamic sets, interfaces without --public-iface...) makes the rule
 *    uncertain and leaves that condition as "matches" (over-approximation).
 *  - a verdict map becomes one rule per element, in element order: the
 *    keys of a map are disjoint, so the union of "key == k -> verdict"
 *    rules is the map itself.
 */
#include "platforms.h"

#include <jansson.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

typedef enum tri { T_NO = 0, T_YES, T_UNKNOWN } tri;

/* What a match's left-hand side is about. */
typedef enum lkind {
    K_DIM,      /* one header dimension: proto, ports, addresses */
    K_NFPROTO,  /* IPv4 or IPv6: narrows both address dimensions */
    K_IFACE,    /* interface name or index */
    K_CTSTATE,  /* conntrack state: we model NEW */
    K_CONCAT,   /* a tuple of the above: matched against sets of tuples */
    K_OTHER     /* anything we do not model: uncertain */
} lkind;

typedef struct lhs {
    lkind kind;
    nr_dim dim;         /* K_DIM */
    int fam;            /* 4 or 6 when the expression implies the family */
    bool has_proto;     /* expression implies an L4 protocol set */
    lg_ivset proto;
    bool relevant;      /* K_IFACE: the interface Internet traffic uses */
    json_t *parts;      /* K_CONCAT: the array of part expressions */
    char what[96];      /* for reasons: "tcp flags", "meta mark" ... */
} lhs;

/* The match of one rule under construction. */
typedef struct box {
    lg_ivset m[NR_NDIM];
    const char *why;    /* first reason the match is not exact */
} box;

/* A right-hand value: a set in one dimension, or a three-valued answer
 * ("does it contain the Internet-facing interface / state new?"). */
typedef struct val {
    lg_ivset set;
    tri t;
    bool unknown;
    const char *why;
} val;

/* Index entry of a chain, set or map: found by bsearch, and for chains
 * the list of its rules (item indices chained through ctx.next). */
typedef struct ent {
    const char *kind, *family, *table, *name;
    size_t idx;
    long first, last;
} ent;

typedef struct ctx {
    ent *ents;              /* sorted by (kind, family, table, name) */
    size_t nents;
    long *next;             /* per item: next rule of the same chain, -1 */
    nr_snapshot *s;
    const nr_input *in;
    json_t *items;          /* the "nftables" array */
    const nr_opts *o;
    nr_direction dir;
    lg_err *e;
    const char *family;     /* table of the rule being read */
    const char *table;
} ctx;

/* ---- small helpers ---------------------------------------------------- */

static const char *jstr(json_t *o, const char *key)
{
    return json_string_value(json_object_get(o, key));
}

/* The single key of a one-key object such as {"rule": {...}}. */
static const char *only_key(json_t *o, json_t **value)
{
    if (!json_is_object(o) || json_object_size(o) != 1)
        return NULL;
    const char *k;
    json_t *v;
    json_object_foreach(o, k, v) {
        *value = v;
        return k;
    }
    return NULL;
}

static char *ptrf(ctx *c, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static char *ptrf(ctx *c, const char *fmt, ...)
{
    char buf[256];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(buf, sizeof buf, fmt, ap);
    va_end(ap);
    return lg_arena_strdup(&c->s->arena, buf);
}

static void unsure(ctx *c, box *b, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
static void unsure(ctx *c, box *b, const char *fmt, ...)
{
    if (b->why)
        return;
    char buf[256];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(buf, sizeof buf, fmt, ap);
    va_end(ap);
    b->why = lg_arena_strdup(&c->s->arena, buf);
}

static void narrow(ctx *c, box *b, nr_dim d, lg_ivset set)
{
    b->m[d] = lg_ivset_inter(&c->s->arena, b->m[d], set);
}

/* The rule can never match a new connection from the Internet.  We keep
 * the rule (it still names a line) with an empty protocol set. */
static void never(box *b)
{
    b->m[NR_PROTO] = lg_ivset_empty;
}

static int cmp_ent(const void *x, const void *y)
{
    const ent *a = x, *b = y;
    int r = strcmp(a->kind, b->kind);
    if (!r)
        r = strcmp(a->family, b->family);
    if (!r)
        r = strcmp(a->table, b->table);
    if (!r)
        r = strcmp(a->name, b->name);
    if (!r) /* duplicates (invalid): first in the document wins */
        r = a->idx < b->idx ? -1 : a->idx > b->idx;
    return r;
}

static ent *find_ent(ctx *c, const char *kind, const char *family,
                     const char *table, const char *name)
{
    size_t lo = 0, hi = c->nents;
    ent key = {.kind = kind, .family = family, .table = table, .name = name, .idx = 0};
    while (lo < hi) { /* lower bound: the first duplicate */
        size_t mid = lo + (hi - lo) / 2;
        if (cmp_ent(&c->ents[mid], &key) < 0)
            lo = mid + 1;
        else
            hi = mid;
    }
    if (lo < c->nents) {
        ent *e = &c->ents[lo];
        if (!strcmp(e->kind, kind) && !strcmp(e->family, family) &&
            !strcmp(e->table, table) && !strcmp(e->name, name))
            return e;
    }
    return NULL;
}

/* Index of the object {"kind": {family, table, name}} in the array, -1. */
static long find_obj(ctx *c, const char *kind, const char *family,
                     const char *table, const char *name)
{
    if (!kind || !family || !table || !name)
        return -1;
    ent *e = find_ent(c, kind, family, table, name);
    return e ? (long)e->idx : -1;
}

/* Build the index of chains, sets and maps and link each rule to its
 * chain.  Objects lacking names are left to validate() to report. */
static void build_index(ctx *c)
{
    size_t n = json_array_size(c->items);
    c->ents = calloc(n + 1, sizeof *c->ents);
    c->next = calloc(n + 1, sizeof *c->next);
    c->nents = 0;
    static const char *const kinds[] = {"chain", "set", "map"};
    size_t i;
    json_t *it;
    json_array_foreach(c->items, i, it) {
        c->next[i] = -1;
        for (int k = 0; k < 3; k++) {
            json_t *o = json_object_get(it, kinds[k]);
            const char *f = jstr(o, "family"), *t = jstr(o, "table"), *nm = jstr(o, "name");
            if (!o || !f || !t || !nm)
                continue;
            c->ents[c->nents++] = (ent){kinds[k], f, t, nm, i, -1, -1};
        }
    }
    qsort(c->ents, c->nents, sizeof *c->ents, cmp_ent);
    json_array_foreach(c->items, i, it) {
        json_t *r = json_object_get(it, "rule");
        const char *f = jstr(r, "family"), *t = jstr(r, "table"), *ch = jstr(r, "chain");
        if (!r || !f || !t || !ch)
            continue;
        ent *e = find_ent(c, "chain", f, t, ch);
        if (!e)
            continue;
        if (e->last >= 0)
            c->next[e->last] = (long)i;
        else
            e->first = (long)i;
        e->last = (long)i;
    }
}

/* ---- left-hand side --------------------------------------------------- */

static const struct {
    const char *name;
    int fam;      /* implied family, 0: none */
    int proto;    /* implied L4 protocol, -1 none, -2 any with ports */
} payload_protos[] = {
    {"ip", 4, -1},     {"ip6", 6, -1},     {"tcp", 0, 6},      {"udp", 0, 17},
    {"udplite", 0, 136}, {"sctp", 0, 132}, {"dccp", 0, 33},    {"th", 0, -2},
    {"icmp", 0, 1},    {"icmpv6", 0, 58},  {"igmp", 0, 2},     {"ah", 0, 51},
    {"esp", 0, 50},    {"comp", 0, 108},
};

/* Protocols whose header starts with source and destination port. */
static lg_ivset port_protos(ctx *c)
{
    static const int p[] = {6, 17, 33, 132, 136};
    lg_iv iv[5];
    for (int i = 0; i < 5; i++)
        iv[i].lo = iv[i].hi = (lg_u128)p[i];
    return lg_ivset_from(&c->s->arena, iv, 5);
}

static void imply_proto(ctx *c, lhs *l, lg_ivset p)
{
    l->proto = l->has_proto ? lg_ivset_inter(&c->s->arena, l->proto, p) : p;
    l->has_proto = true;
}

static void parse_lhs(ctx *c, json_t *left, lhs *l, int depth)
{
    json_t *v = NULL;
    const char *k = only_key(left, &v);
    if (!k || depth > 8) {
        l->kind = K_OTHER;
        snprintf(l->what, sizeof l->what, "unsupported expression");
        return;
    }
    if (strcmp(k, "payload") == 0) {
        const char *proto = jstr(v, "protocol"), *field = jstr(v, "field");
        l->kind = K_OTHER;
        if (!proto || !field) {
            snprintf(l->what, sizeof l->what, "raw payload expression");
            return;
        }
        snprintf(l->what, sizeof l->what, "%s %s", proto, field);
        size_t i, np = sizeof payload_protos / sizeof payload_protos[0];
        for (i = 0; i < np; i++)
            if (strcmp(proto, payload_protos[i].name) == 0)
                break;
        if (i == np)
            return; /* ether, vlan, arp...: unmodelled, no implication */
        if (payload_protos[i].fam)
            l->fam = payload_protos[i].fam;
        if (payload_protos[i].proto == -2)
            imply_proto(c, l, port_protos(c));
        else if (payload_protos[i].proto >= 0)
            imply_proto(c, l, lg_ivset_range(&c->s->arena, (lg_u128)payload_protos[i].proto,
                                             (lg_u128)payload_protos[i].proto));
        bool ip = l->fam != 0;
        if (ip && strcmp(field, "saddr") == 0)
            l->kind = K_DIM, l->dim = NR_SRC;
        else if (ip && strcmp(field, "daddr") == 0)
            l->kind = K_DIM, l->dim = NR_DST;
        else if ((strcmp(proto, "ip") == 0 && strcmp(field, "protocol") == 0) ||
                 (strcmp(proto, "ip6") == 0 && strcmp(field, "nexthdr") == 0))
            /* ip6 nexthdr is the L4 protocol unless extension headers
             * sit in between; nft users write it to mean l4proto */
            l->kind = K_DIM, l->dim = NR_PROTO;
        else if (payload_protos[i].proto == -2 || payload_protos[i].proto == 6 ||
                 payload_protos[i].proto == 17 || payload_protos[i].proto == 33 ||
                 payload_protos[i].proto == 132 || payload_protos[i].proto == 136) {
            if (strcmp(field, "dport") == 0)
                l->kind = K_DIM, l->dim = NR_DPORT;
            else if (strcmp(field, "sport") == 0)
                l->kind = K_DIM, l->dim = NR_SPORT;
        }
        return;
    }
    if (strcmp(k, "meta") == 0) {
        const char *key = jstr(v, "key");
        l->kind = K_OTHER;
        snprintf(l->what, sizeof l->what, "meta %s", key ? key : "?");
        if (!key)
            return;
        bool in_key = strcmp(key, "iifname") == 0 || strcmp(key, "iif") == 0;
        bool out_key = strcmp(key, "oifname") == 0 || strcmp(key, "oif") == 0;
        if (strcmp(key, "l4proto") == 0)
            l->kind = K_DIM, l->dim = NR_PROTO;
        else if (strcmp(key, "nfproto") == 0 || strcmp(key, "protocol") == 0)
            l->kind = K_NFPROTO;
        else if (in_key || out_key) {
            l->kind = K_IFACE;
            /* Internet traffic enters on the public interface (input,
             * forward) or leaves on it (output); the other interface of
             * a forwarded packet is not something we know */
            l->relevant = c->dir == NR_OUTBOUND ? out_key : in_key;
            snprintf(l->what, sizeof l->what, "%s interface", in_key ? "input" : "output");
        }
        return;
    }
    if (strcmp(k, "ct") == 0) {
        const char *key = jstr(v, "key");
        snprintf(l->what, sizeof l->what, "ct %s", key ? key : "?");
        l->kind = key && strcmp(key, "state") == 0 && !json_object_get(v, "dir")
                      ? K_CTSTATE : K_OTHER;
        return;
    }
    if (strcmp(k, "concat") == 0 && json_is_array(v)) {
        /* a set of tuples is a union of boxes: read_rule turns it into
         * one rule per tuple.  What the parts imply holds for all. */
        size_t i;
        json_t *part;
        l->kind = depth == 0 && json_array_size(v) > 0 ? K_CONCAT : K_OTHER;
        l->parts = v;
        json_array_foreach(v, i, part) {
            lhs sub = {0};
            parse_lhs(c, part, &sub, depth + 1);
            if (sub.fam)
                l->fam = sub.fam;
            if (sub.has_proto)
                imply_proto(c, l, sub.proto);
        }
        snprintf(l->what, sizeof l->what, "concatenation");
        return;
    }
    if (json_is_array(v) && json_array_size(v) >= 1) {
        /* binary operation {"&": [expr, mask]}: keep what expr implies */
        lhs sub = {0};
        parse_lhs(c, json_array_get(v, 0), &sub, depth + 1);
        l->fam = sub.fam;
        l->has_proto = sub.has_proto;
        l->proto = sub.proto;
        l->kind = K_OTHER;
        snprintf(l->what, sizeof l->what, "'%.8s' on %.80s", k, sub.what);
        return;
    }
    l->kind = K_OTHER;
    snprintf(l->what, sizeof l->what, "'%s' expression", k);
}

/* ---- right-hand side -------------------------------------------------- */

static const struct {
    const char *name;
    int port;
} services[] = {
    {"ftp", 21},        {"ssh", 22},         {"telnet", 23},   {"smtp", 25},
    {"domain", 53},     {"http", 80},        {"pop3", 110},    {"ntp", 123},
    {"imap", 143},      {"imap2", 143},      {"snmp", 161},    {"ldap", 389},
    {"https", 443},     {"submission", 587}, {"ldaps", 636},   {"imaps", 993},
    {"pop3s", 995},     {"ms-sql-s", 1433},  {"nfs", 2049},    {"mysql", 3306},
    {"postgresql", 5432}, {"http-alt", 8080},
};

static lg_u128 dim_max_for(const lhs *l)
{
    return l->kind == K_NFPROTO ? LG_U128_MAX : nr_dim_max(l->dim);
}

static bool is_addr_dim(const lhs *l)
{
    return l->kind == K_DIM && (l->dim == NR_SRC || l->dim == NR_DST);
}

static int addr_leaf(ctx *c, const lhs *l, const char *s, const char *ptr,
                     lg_ivset *out)
{
    int fam = 0;
    if (!lg_ip_parse_set(&c->s->arena, s, strlen(s), out, &fam))
        return nr_json_err(c->e, c->in, ptr, "expected an IP address, got \"%s\"", s);
    if (l->fam && fam != l->fam)
        return nr_json_err(c->e, c->in, ptr, "expected an IPv%d address, got \"%s\"",
                           l->fam, s);
    return 0;
}

/* One scalar element (number, string, prefix) into a set.  0 ok, 1 the
 * value cannot be decided (v->why says why), -1 error. */
static int leaf(ctx *c, const lhs *l, json_t *j, const char *ptr, val *v,
                lg_ivset *out)
{
    lg_arena *a = &c->s->arena;
    const char *str = json_string_value(j);
    json_t *pv = json_object_get(j, "prefix");
    if (is_addr_dim(l)) {
        if (str)
            return addr_leaf(c, l, str, ptr, out);
        if (pv) {
            const char *addr = jstr(pv, "addr");
            json_t *len = json_object_get(pv, "len");
            lg_u128 x;
            int fam = 0;
            const char *pp = ptrf(c, "%s/prefix", ptr);
            if (!addr || !lg_ip_parse(addr, strlen(addr), &x, &fam))
                return nr_json_err(c->e, c->in, pp, "expected prefix \"addr\" to be an IP address");
            if (!json_is_integer(len) || json_integer_value(len) < 0 ||
                json_integer_value(len) > (fam == 4 ? 32 : 128))
                return nr_json_err(c->e, c->in, pp, "expected prefix \"len\" 0..%d",
                                   fam == 4 ? 32 : 128);
            char buf[96];
            snprintf(buf, sizeof buf, "%s/%d", addr, (int)json_integer_value(len));
            return addr_leaf(c, l, buf, ptr, out);
        }
        return nr_json_err(c->e, c->in, ptr, "expected an address or prefix");
    }
    if (pv)
        return nr_json_err(c->e, c->in, ptr, "prefix is only valid for addresses");
    lg_u128 max = dim_max_for(l);
    if (l->kind == K_NFPROTO) {
        static const char *const v4[] = {"ipv4", "ip"}, *const v6[] = {"ipv6", "ip6"};
        for (int i = 0; str && i < 2; i++) {
            if (strcmp(str, v4[i]) == 0) {
                *out = lg_ip_v4();
                return 0;
            }
            if (strcmp(str, v6[i]) == 0) {
                *out = lg_ip_v6();
                return 0;
            }
        }
        if (str) { /* arp, bridge...: never IP traffic */
            *out = lg_ivset_empty;
            return 0;
        }
        v->why = ptrf(c, "protocol family %s", json_is_integer(j) ? "number" : "value");
        return 1;
    }
    if (json_is_integer(j)) {
        json_int_t n = json_integer_value(j);
        if (n < 0 || (lg_u128)n > max)
            return nr_json_err(c->e, c->in, ptr, "expected a %s 0..%u, got %lld",
                               nr_dim_name(l->dim), (unsigned)max, (long long)n);
        *out = lg_ivset_range(a, (lg_u128)n, (lg_u128)n);
        return 0;
    }
    if (!str)
        return nr_json_err(c->e, c->in, ptr, "expected a %s", nr_dim_name(l->dim));
    if (l->dim == NR_PROTO) {
        int p = nr_proto_number(str);
        if (p < 0) {
            v->why = ptrf(c, "unknown protocol '%s'", str);
            return 1;
        }
        *out = lg_ivset_range(a, (lg_u128)p, (lg_u128)p);
        return 0;
    }
    lg_u128 lo, hi;
    if (nr_port_range(str, strlen(str), &lo, &hi)) {
        *out = lg_ivset_range(a, lo, hi);
        return 0;
    }
    for (size_t i = 0; i < sizeof services / sizeof services[0]; i++)
        if (strcmp(str, services[i].name) == 0) {
            *out = lg_ivset_range(a, (lg_u128)services[i].port, (lg_u128)services[i].port);
            return 0;
        }
    v->why = ptrf(c, "unknown service '%s'", str);
    return 1;
}

static tri tri_leaf(ctx *c, const lhs *l, json_t *j, val *v)
{
    const char *str = json_string_value(j);
    if (l->kind == K_CTSTATE) {
        if (!str) {
            v->why = ptrf(c, "numeric ct state");
            return T_UNKNOWN;
        }
        return strcmp(str, "new") == 0 ? T_YES : T_NO;
    }
    /* K_IFACE */
    if (!l->relevant) {
        v->why = ptrf(c, "%s %s", l->what, str ? str : "(index)");
        return T_UNKNOWN;
    }
    if (!str) {
        v->why = ptrf(c, "%s given by index", l->what);
        return T_UNKNOWN;
    }
    if (strcmp(str, "lo") == 0)
        return T_NO; /* Internet traffic never uses loopback */
    const char *pub = c->o ? c->o->public_iface : NULL;
    if (!pub) {
        v->why = ptrf(c, "%s '%s'; pass --public-iface", l->what, str);
        return T_UNKNOWN;
    }
    size_t n = strlen(str);
    if (n && str[n - 1] == '*') /* nft wildcard: prefix match */
        return strncmp(str, pub, n - 1) == 0 ? T_YES : T_NO;
    return strcmp(str, pub) == 0 ? T_YES : T_NO;
}

static int value(ctx *c, const lhs *l, json_t *j, const char *ptr, val *v, int depth);

/* Add one element to v: set union, or OR of the three-valued answers. */
static int element(ctx *c, const lhs *l, json_t *j, const char *ptr, val *v, int depth)
{
    lg_arena *a = &c->s->arena;
    json_t *ev = json_object_get(j, "elem");
    if (ev && json_is_object(ev) && json_object_get(ev, "val"))
        return element(c, l, json_object_get(ev, "val"), ptrf(c, "%s/elem/val", ptr), v, depth);
    if (json_is_array(j) || json_object_get(j, "set") ||
        (json_is_string(j) && json_string_value(j)[0] == '@'))
        return value(c, l, j, ptr, v, depth + 1);
    if (l->kind == K_CTSTATE || l->kind == K_IFACE) {
        tri t = tri_leaf(c, l, j, v);
        if (t == T_YES || v->t == T_YES)
            v->t = T_YES;
        else if (t == T_UNKNOWN)
            v->t = T_UNKNOWN;
        return 0;
    }
    json_t *rg = json_object_get(j, "range");
    lg_ivset s;
    if (rg) {
        const char *rp = ptrf(c, "%s/range", ptr);
        if (!json_is_array(rg) || json_array_size(rg) != 2)
            return nr_json_err(c->e, c->in, rp, "expected a range [low, high]");
        lg_ivset lo, hi;
        int r1 = leaf(c, l, json_array_get(rg, 0), ptrf(c, "%s/0", rp), v, &lo);
        if (r1 < 0)
            return -1;
        int r2 = leaf(c, l, json_array_get(rg, 1), ptrf(c, "%s/1", rp), v, &hi);
        if (r2 < 0)
            return -1;
        if (r1 || r2) {
            v->unknown = true;
            return 0;
        }
        if (!lo.n || !hi.n || lo.iv[0].lo > hi.iv[hi.n - 1].hi)
            return nr_json_err(c->e, c->in, rp, "expected low <= high");
        s = lg_ivset_range(a, lo.iv[0].lo, hi.iv[hi.n - 1].hi);
        if (l->kind == K_DIM && is_addr_dim(l) && l->fam != 4)
            s = lg_ivset_inter(a, s, lg_ip_v6()); /* as ipaddr.h: v6 excludes mapped v4 */
    } else {
        int r = leaf(c, l, j, ptr, v, &s);
        if (r < 0)
            return -1;
        if (r) {
            v->unknown = true;
            return 0;
        }
    }
    v->set = lg_ivset_union(a, v->set, s);
    return 0;
}

/* Find the named set or map "@name" in the rule's table.  Returns its
 * "elem" array, or NULL with v->why set when its content is not known. */
static int named_set(ctx *c, const char *ref, const char *ptr, json_t **elems,
                     const char **setptr, val *v)
{
    const char *name = ref + 1;
    long i = find_obj(c, "set", c->family, c->table, name);
    const char *kind = "set";
    if (i < 0) {
        i = find_obj(c, "map", c->family, c->table, name);
        kind = "map";
    }
    if (i < 0)
        return nr_json_err(c->e, c->in, ptr, "unknown set '%s' in table %s %s", name,
                           c->family, c->table);
    json_t *o = json_object_get(json_array_get(c->items, (size_t)i), kind);
    json_t *flags = json_object_get(o, "flags");
    size_t k;
    json_t *f;
    *elems = NULL;
    *setptr = ptrf(c, "/nftables/%ld/%s/elem", i, kind);
    json_array_foreach(flags, k, f) {
        const char *fs = json_string_value(f);
        if (fs && (strcmp(fs, "dynamic") == 0 || strcmp(fs, "timeout") == 0)) {
            v->why = ptrf(c, "set @%s is updated at run time (%s)", name, fs);
            return 0;
        }
    }
    json_t *el = json_object_get(o, "elem");
    if (!json_is_array(el) || json_array_size(el) == 0) {
        v->why = ptrf(c, "set @%s has no elements in this snapshot (filled at run time?)", name);
        return 0;
    }
    *elems = el;
    return 0;
}

/* A whole right-hand side: a scalar, {"set": [...]}, a flag list or "@set". */
static int value(ctx *c, const lhs *l, json_t *j, const char *ptr, val *v, int depth)
{
    if (depth > 8)
        return nr_json_err(c->e, c->in, ptr, "sets nested too deep");
    json_t *list = NULL;
    const char *lp = ptr;
    const char *str = json_string_value(j);
    if (json_is_array(j))
        list = j;
    else if (json_object_get(j, "set")) {
        list = json_object_get(j, "set");
        lp = ptrf(c, "%s/set", ptr);
        if (!json_is_array(list))
            return element(c, l, list, lp, v, depth);
    } else if (str && str[0] == '@') {
        if (named_set(c, str, ptr, &list, &lp, v) < 0)
            return -1;
        if (!list) {
            v->unknown = true;
            return 0;
        }
    }
    if (!list)
        return element(c, l, j, ptr, v, depth);
    size_t i;
    json_t *el;
    json_array_foreach(list, i, el) {
        if (element(c, l, el, ptrf(c, "%s/%zu", lp, i), v, depth) < 0)
            return -1;
    }
    return 0;
}

/* ---- matches ---------------------------------------------------------- */

static void apply_implied(ctx *c, box *b, const lhs *l)
{
    if (l->has_proto)
        narrow(c, b, NR_PROTO, l->proto);
    if (l->fam) {
        lg_ivset f = l->fam == 4 ? lg_ip_v4() : lg_ip_v6();
        narrow(c, b, NR_SRC, f);
        narrow(c, b, NR_DST, f);
    }
}

/* Narrow b by `left op right`.  -1 on malformed input. */
static int apply_match(ctx *c, box *b, const lhs *l, const char *op, json_t *right,
                       const char *rptr)
{
    lg_arena *a = &c->s->arena;
    apply_implied(c, b, l);
    if (l->kind == K_OTHER) {
        unsure(c, b, "%s not modelled", l->what);
        return 0;
    }
    if (l->kind == K_CONCAT) { /* only == and in are split into tuples */
        unsure(c, b, "operator '%s' on a concatenation", op);
        return 0;
    }
    bool eq = strcmp(op, "==") == 0 || strcmp(op, "in") == 0;
    bool ne = strcmp(op, "!=") == 0;
    bool cmp = strcmp(op, "<") == 0 || strcmp(op, ">") == 0 ||
               strcmp(op, "<=") == 0 || strcmp(op, ">=") == 0;
    if (!eq && !ne && !cmp) {
        unsure(c, b, "operator '%s' on %s", op, l->what);
        return 0;
    }
    val v = {.set = lg_ivset_empty, .t = T_NO};
    if (value(c, l, right, rptr, &v, 0) < 0)
        return -1;

    if (l->kind == K_CTSTATE || l->kind == K_IFACE) {
        if (cmp) {
            unsure(c, b, "operator '%s' on %s", op, l->what);
            return 0;
        }
        if (v.t == T_UNKNOWN || v.unknown) {
            unsure(c, b, "%s", v.why ? v.why : l->what);
            return 0;
        }
        if ((v.t == T_YES) == ne)
            never(b);
        return 0;
    }
    if (v.unknown) {
        /* the undecided condition counts as "matches": leave the
         * dimension as it is, negated or not */
        unsure(c, b, "%s", v.why ? v.why : l->what);
        return 0;
    }
    lg_u128 max = dim_max_for(l);
    lg_ivset s = v.set;
    if (ne) {
        s = lg_ivset_complement(a, s, max);
    } else if (cmp) {
        if (s.n == 0) {
            s = lg_ivset_empty;
        } else if (op[0] == '<') {
            lg_u128 x = op[1] == '=' ? s.iv[s.n - 1].hi : s.iv[0].lo;
            s = op[1] == '=' ? lg_ivset_range(a, 0, x)
                : x == 0     ? lg_ivset_empty
                             : lg_ivset_range(a, 0, x - 1);
        } else {
            lg_u128 x = op[1] == '=' ? s.iv[0].lo : s.iv[s.n - 1].hi;
            s = op[1] == '=' ? lg_ivset_range(a, x, max)
                : x == max   ? lg_ivset_empty
                             : lg_ivset_range(a, x + 1, max);
        }
    }
    if (l->kind == K_NFPROTO) {
        narrow(c, b, NR_SRC, s);
        narrow(c, b, NR_DST, s);
    } else {
        narrow(c, b, l->dim, s);
    }
    return 0;
}

/* ---- rules ------------------------------------------------------------ */

/* Chain index of a jump/goto target in the layer, adding the user chain
 * (to be read later) the first time.  -1 on a missing chain. */
static int target_chain(ctx *c, nr_layer *ly, json_t *verdict, const char *ptr)
{
    const char *t = jstr(verdict, "target");
    if (!t)
        return nr_json_err(c->e, c->in, ptr, "expected {\"target\": CHAIN}");
    int ci = nr_chain_find(ly, t);
    if (ci >= 0)
        return ci;
    long i = find_obj(c, "chain", c->family, c->table, t);
    if (i < 0)
        return nr_json_err(c->e, c->in, ptr, "jump to unknown chain '%s' in table %s %s",
                           t, c->family, c->table);
    return nr_chain_add(c->s, ly, t, NR_RETURN, "return");
}

/* Verdict object -> action.  Returns 1 if `k` is a verdict, 0 if not,
 * -1 on error. */
static int verdict(ctx *c, nr_layer *ly, const char *k, json_t *v, const char *ptr,
                   nr_action *act, int *target, const char **why)
{
    *target = -1;
    if (strcmp(k, "accept") == 0)
        *act = NR_ACCEPT;
    else if (strcmp(k, "drop") == 0 || strcmp(k, "reject") == 0)
        *act = NR_DROP;
    else if (strcmp(k, "return") == 0)
        *act = NR_RETURN;
    else if (strcmp(k, "continue") == 0)
        *act = NR_NOP;
    else if (strcmp(k, "queue") == 0) {
        /* userspace decides; "queue" is as good as accept for exposure
         * but we cannot know */
        *act = NR_ACCEPT;
        *why = "verdict decided by a userspace queue";
    } else if (strcmp(k, "jump") == 0 || strcmp(k, "goto") == 0) {
        *act = k[0] == 'j' ? NR_JUMP : NR_GOTO;
        *target = target_chain(c, ly, v, ptr);
        if (*target < 0)
            return -1;
    } else
        return 0;
    return 1;
}

static const char *const ignored_stmts[] = {
    "counter", "log", "mangle", "notrack", "set", "map", "flow", "dup",
    "ct helper", "ct timeout", "ct expectation", "secmark",
};

static void add_rule(ctx *c, nr_layer *ly, int chain, const box *b, nr_action act,
                     int target, const char *name, const char *ptr)
{
    nr_rule *r = nr_rule_add(c->s, ly, chain);
    for (int d = 0; d < NR_NDIM; d++)
        r->m[d] = b->m[d];
    r->action = act;
    r->target = target;
    r->name = name;
    r->ptr = ptr;
    if (b->why)
        nr_rule_uncertain(c->s, r, "%s", b->why);
}

/* The boxes of one nft rule: normally one; a set of tuples (concat) makes
 * one per tuple.  A rule matching A or B is exactly the two rules
 * "A -> verdict", "B -> verdict" in a row, whatever the verdict (a jump
 * taken twice gives the same answer twice). */
typedef struct boxes {
    box *b;
    size_t n, cap;
} boxes;

#define MAX_BOXES 4096 /* beyond: over-approximate instead of splitting */

static void boxes_push(ctx *c, boxes *l, const box *b)
{
    if (l->n == l->cap) {
        size_t nc = l->cap ? l->cap * 2 : 4;
        box *nb = lg_arena_alloc(&c->s->arena, nc * sizeof *nb);
        if (l->n)
            memcpy(nb, l->b, l->n * sizeof *nb);
        l->b = nb;
        l->cap = nc;
    }
    l->b[l->n++] = *b;
}

/* Narrow b to one tuple {"concat": [v0, v1...]} of the parts of l. */
static int narrow_tuple(ctx *c, box *b, const lhs *l, json_t *el, const char *ep)
{
    json_t *ev = json_object_get(el, "elem");
    if (json_is_object(ev) && json_object_get(ev, "val")) {
        el = json_object_get(ev, "val");
        ep = ptrf(c, "%s/elem/val", ep);
    }
    json_t *tu = json_object_get(el, "concat");
    size_t np = json_array_size(l->parts);
    if (!json_is_array(tu) || json_array_size(tu) != np)
        return nr_json_err(c->e, c->in, ep, "expected a tuple {\"concat\": [...]} of %zu values", np);
    for (size_t i = 0; i < np; i++) {
        lhs sub = {0};
        parse_lhs(c, json_array_get(l->parts, i), &sub, 1);
        if (apply_match(c, b, &sub, "==", json_array_get(tu, i),
                        ptrf(c, "%s/concat/%zu", ep, i)) < 0)
            return -1;
    }
    return 0;
}

/* The element list of a set of tuples (or maps' [key, value] list). *list
 * NULL and v->why set: content unknown.  A lone tuple is its own list. */
static int tuple_list(ctx *c, json_t *right, const char *rptr, json_t **list,
                      const char **lp, bool *single, val *v)
{
    const char *str = json_string_value(right);
    *single = false;
    *list = NULL;
    *lp = rptr;
    if (str && str[0] == '@')
        return named_set(c, str, rptr, list, lp, v);
    if (json_object_get(right, "set")) {
        *list = json_object_get(right, "set");
        *lp = ptrf(c, "%s/set", rptr);
        if (json_is_array(*list))
            return 0;
        *single = true;
        return 0;
    }
    if (json_is_array(right)) {
        *list = right;
        return 0;
    }
    *list = right;
    *single = true;
    return 0;
}

/* `concat == set of tuples`: every box becomes one box per tuple. */
static int apply_concat(ctx *c, boxes *bx, const lhs *l, json_t *right, const char *rptr)
{
    json_t *list;
    const char *lp;
    bool single;
    val unk = {0};
    if (tuple_list(c, right, rptr, &list, &lp, &single, &unk) < 0)
        return -1;
    size_t ne = single ? 1 : json_array_size(list);
    if (!list || bx->n * ne > MAX_BOXES) {
        for (size_t i = 0; i < bx->n; i++) {
            apply_implied(c, &bx->b[i], l);
            unsure(c, &bx->b[i], "%s", unk.why ? unk.why : "concatenation set too large");
        }
        return 0;
    }
    boxes out = {0};
    for (size_t i = 0; i < bx->n; i++)
        for (size_t k = 0; k < ne; k++) {
            box b = bx->b[i];
            json_t *el = single ? list : json_array_get(list, k);
            const char *ep = single ? lp : ptrf(c, "%s/%zu", lp, k);
            apply_implied(c, &b, l);
            if (narrow_tuple(c, &b, l, el, ep) < 0)
                return -1;
            boxes_push(c, &out, &b);
        }
    *bx = out; /* an empty set of tuples: the rule matches nothing */
    return 0;
}

/* The vmap statement: one rule per element and box.  A rule "key == k ->
 * verdict" per element is the map exactly, because keys are disjoint. */
static int add_vmap(ctx *c, nr_layer *ly, int chain, const boxes *bx, json_t *vm,
                    const char *ptr, const char *name, const char *rptr)
{
    json_t *key = json_object_get(vm, "key"), *data = json_object_get(vm, "data");
    if (!key || !data)
        return nr_json_err(c->e, c->in, ptr, "expected vmap {\"key\", \"data\"}");
    lhs l = {0};
    parse_lhs(c, key, &l, 0);
    json_t *list = NULL;
    const char *lp = ptrf(c, "%s/data", ptr);
    const char *ds = json_string_value(data);
    val unk = {0};
    if (ds && ds[0] == '@') {
        if (named_set(c, ds, lp, &list, &lp, &unk) < 0)
            return -1;
    } else {
        list = json_object_get(data, "set");
        lp = ptrf(c, "%s/set", lp);
        if (!json_is_array(list))
            return nr_json_err(c->e, c->in, lp, "expected vmap data {\"set\": [[key, verdict], ...]}");
    }
    for (size_t bi = 0; bi < bx->n; bi++) {
        if (!list) {
            /* map of unknown content: any verdict, or none */
            box b = bx->b[bi];
            apply_implied(c, &b, &l);
            unsure(c, &b, "%s", unk.why ? unk.why : "verdict map of unknown content");
            add_rule(c, ly, chain, &b, NR_NOP, -1, name, rptr);
            continue;
        }
        size_t i;
        json_t *el;
        json_array_foreach(list, i, el) {
            const char *ep = ptrf(c, "%s/%zu", lp, i);
            if (!json_is_array(el) || json_array_size(el) != 2)
                return nr_json_err(c->e, c->in, ep, "expected a map element [key, verdict]");
            box b = bx->b[bi];
            json_t *vv = NULL;
            const char *vk = only_key(json_array_get(el, 1), &vv);
            if (!vk)
                return nr_json_err(c->e, c->in, ptrf(c, "%s/1", ep), "expected a verdict");
            int rc;
            if (l.kind == K_CONCAT) {
                apply_implied(c, &b, &l);
                rc = narrow_tuple(c, &b, &l, json_array_get(el, 0), ptrf(c, "%s/0", ep));
            } else {
                rc = apply_match(c, &b, &l, "==", json_array_get(el, 0), ptrf(c, "%s/0", ep));
            }
            if (rc < 0)
                return -1;
            nr_action act = NR_NOP;
            int target = -1;
            const char *why = NULL;
            int vr = verdict(c, ly, vk, vv, ptrf(c, "%s/1", ep), &act, &target, &why);
            if (vr < 0)
                return -1;
            if (vr == 0)
                return nr_json_err(c->e, c->in, ptrf(c, "%s/1", ep),
                                   "expected a verdict, got \"%s\"", vk);
            if (why)
                unsure(c, &b, "%s", why);
            add_rule(c, ly, chain, &b, act, target, name, rptr);
        }
    }
    return 0;
}

/* Read one {"rule": ...} of chain `chain` into the layer. */
static int read_rule(ctx *c, nr_layer *ly, int chain, json_t *rule, size_t idx)
{
    lg_arena *a = &c->s->arena;
    const char *rptr = ptrf(c, "/nftables/%zu", idx);
    json_t *expr = json_object_get(rule, "expr");
    if (!json_is_array(expr))
        return nr_json_err(c->e, c->in, ptrf(c, "%s/rule", rptr), "expected \"expr\": [...]");
    const char *comment = jstr(rule, "comment");
    json_t *h = json_object_get(rule, "handle");
    const char *name = comment ? lg_arena_strdup(a, comment)
                               : lg_arena_printf(a, "%s#%lld", ly->chains[chain].name,
                                                 json_is_integer(h) ? (long long)json_integer_value(h) : 0LL);
    box b0;
    for (int d = 0; d < NR_NDIM; d++)
        b0.m[d] = nr_dim_all(c->s, (nr_dim)d);
    b0.why = NULL;
    boxes bx = {0};
    boxes_push(c, &bx, &b0);
    nr_action act = NR_NOP;
    int target = -1;
    size_t i;
    json_t *st;
    json_array_foreach(expr, i, st) {
        const char *sp = ptrf(c, "%s/rule/expr/%zu", rptr, i);
        json_t *v = NULL;
        const char *k = only_key(st, &v);
        if (!k)
            return nr_json_err(c->e, c->in, sp, "expected a statement object with one key");
        if (strcmp(k, "match") == 0) {
            const char *op = jstr(v, "op");
            json_t *left = json_object_get(v, "left"), *right = json_object_get(v, "right");
            if (!op || !left || !right)
                return nr_json_err(c->e, c->in, sp, "expected match {\"op\", \"left\", \"right\"}");
            lhs l = {0};
            parse_lhs(c, left, &l, 0);
            const char *rp = ptrf(c, "%s/match/right", sp);
            if (l.kind == K_CONCAT && (strcmp(op, "==") == 0 || strcmp(op, "in") == 0)) {
                if (apply_concat(c, &bx, &l, right, rp) < 0)
                    return -1;
                continue;
            }
            for (size_t q = 0; q < bx.n; q++)
                if (apply_match(c, &bx.b[q], &l, op, right, rp) < 0)
                    return -1;
            continue;
        }
        if (strcmp(k, "vmap") == 0)
            return add_vmap(c, ly, chain, &bx, v, ptrf(c, "%s/vmap", sp), name, rptr);
        const char *why = NULL;
        int vr = verdict(c, ly, k, v, ptrf(c, "%s/%s", sp, k), &act, &target, &why);
        if (vr < 0)
            return -1;
        if (why)
            for (size_t q = 0; q < bx.n; q++)
                unsure(c, &bx.b[q], "%s", why);
        if (vr > 0)
            break; /* nothing after a verdict */
        bool ignored = false;
        for (size_t q = 0; q < sizeof ignored_stmts / sizeof ignored_stmts[0]; q++)
            if (strcmp(k, ignored_stmts[q]) == 0)
                ignored = true;
        if (!ignored) /* xt, limit, quota, ct count, meter, synproxy ... */
            for (size_t q = 0; q < bx.n; q++)
                unsure(c, &bx.b[q], "'%s' statement not modelled", k);
    }
    if (bx.n == 0) { /* empty set of tuples: keep the rule, matching nothing */
        never(&b0);
        boxes_push(c, &bx, &b0);
    }
    for (size_t q = 0; q < bx.n; q++)
        add_rule(c, ly, chain, &bx.b[q], act, target, name, rptr);
    return 0;
}

/* ---- chains, layers, resources --------------------------------------- */

typedef struct base {
    size_t idx;       /* item index of the chain object */
    json_t *chain;
    long prio;
} base;

static int cmp_base(const void *x, const void *y)
{
    const base *a = x, *b = y;
    if (a->prio != b->prio)
        return a->prio < b->prio ? -1 : 1;
    return a->idx < b->idx ? -1 : a->idx > b->idx; /* document order */
}

static bool ip_family(const char *f)
{
    return strcmp(f, "ip") == 0 || strcmp(f, "ip6") == 0 || strcmp(f, "inet") == 0;
}

static int fill_layer(ctx *c, nr_layer *ly)
{
    /* ly->chains grows while we read (jump targets): use indices */
    for (size_t ci = 0; ci < ly->nchains; ci++) {
        ent *e = find_ent(c, "chain", c->family, c->table, ly->chains[ci].name);
        for (long i = e ? e->first : -1; i >= 0; i = c->next[i]) {
            json_t *r = json_object_get(json_array_get(c->items, (size_t)i), "rule");
            if (read_rule(c, ly, (int)ci, r, (size_t)i) < 0)
                return -1;
        }
    }
    return 0;
}

static void note_add(char *buf, size_t len, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
static void note_add(char *buf, size_t len, const char *fmt, ...)
{
    size_t n = strlen(buf);
    if (n + 3 >= len)
        return;
    if (n) {
        buf[n++] = ';';
        buf[n++] = ' ';
        buf[n] = 0;
    }
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(buf + n, len - n, fmt, ap);
    va_end(ap);
}

static int build_resource(ctx *c, const char *hook, nr_direction dir, size_t ninputs,
                          const char *ignored_note)
{
    nr_snapshot *s = c->s;
    c->dir = dir;
    char rname[512];
    if (ninputs > 1)
        snprintf(rname, sizeof rname, "nft %s (%s)", hook, c->in->path);
    else
        snprintf(rname, sizeof rname, "nft %s", hook);
    size_t nitems = json_array_size(c->items);
    base *bases = calloc(nitems + 1, sizeof *bases);
    size_t nb = 0;
    char note[768] = "";
    int rc = -1;
    size_t i;
    json_t *it;
    json_array_foreach(c->items, i, it) {
        json_t *ch = json_object_get(it, "chain");
        const char *h = jstr(ch, "hook"), *f = jstr(ch, "family");
        if (!ch || !h || !f || strcmp(h, hook) != 0 || !ip_family(f))
            continue;
        const char *type = jstr(ch, "type");
        if (!type || strcmp(type, "filter") != 0) {
            note_add(note, sizeof note, "%s chain %s %s %s ignored", type ? type : "untyped",
                     f, jstr(ch, "table"), jstr(ch, "name"));
            continue;
        }
        json_t *prio = json_object_get(ch, "prio");
        bases[nb].idx = i;
        bases[nb].chain = ch;
        bases[nb].prio = json_is_integer(prio) ? (long)json_integer_value(prio) : 0;
        nb++;
    }
    qsort(bases, nb, sizeof *bases, cmp_base);

    size_t ri = s->n;
    nr_resource_add(s, rname, "nft", c->in, dir);
    if (nb == 0)
        note_add(note, sizeof note,
                 "no filter base chain on the %s hook: nothing is filtered", hook);
    if (ignored_note && *ignored_note)
        note_add(note, sizeof note, "%s", ignored_note);
    for (size_t k = 0; k < nb; k++) {
        json_t *ch = bases[k].chain;
        c->family = jstr(ch, "family");
        c->table = jstr(ch, "table");
        const char *cname = jstr(ch, "name");
        const char *pol = jstr(ch, "policy");
        nr_action policy = NR_ACCEPT;
        if (pol && strcmp(pol, "drop") == 0)
            policy = NR_DROP;
        else if (pol && strcmp(pol, "accept") != 0) {
            nr_json_err(c->e, c->in, ptrf(c, "/nftables/%zu/chain/policy", bases[k].idx),
                        "expected policy \"accept\" or \"drop\", got \"%s\"", pol);
            goto out;
        }
        char lname[512];
        snprintf(lname, sizeof lname, "%s %s %s", c->family, c->table, cname);
        nr_layer *ly = nr_layer_add(s, &s->res[ri], lname, c->in);
        ly->entry = nr_chain_add(s, ly, cname, policy, "policy");
        if (strcmp(c->family, "ip") == 0) {
            ly->scoped = true;
            ly->scope = lg_ip_v4();
        } else if (strcmp(c->family, "ip6") == 0) {
            ly->scoped = true;
            ly->scope = lg_ip_v6();
        }
        if (fill_layer(c, ly) < 0)
            goto out;
    }
    /* every layer of one family: the other family crosses unfiltered */
    bool v4 = nb > 0, v6 = nb > 0;
    for (size_t k = 0; k < nb; k++) {
        const char *f = jstr(bases[k].chain, "family");
        v4 = v4 && strcmp(f, "ip") == 0;
        v6 = v6 && strcmp(f, "ip6") == 0;
    }
    if (v4 || v6)
        note_add(note, sizeof note, "only %s tables on the %s hook: %s traffic is not filtered",
                 v4 ? "ip" : "ip6", hook, v4 ? "IPv6" : "IPv4");
    if (*note)
        s->res[ri].note = lg_arena_strdup(&s->arena, note);
    rc = 0;
out:
    free(bases);
    return rc;
}

/* Shape checks that apply to the whole document: every object names its
 * table, every rule's chain exists. */
static int validate(ctx *c, char *ignored, size_t ilen)
{
    size_t i;
    json_t *it;
    json_array_foreach(c->items, i, it) {
        const char *p = ptrf(c, "/nftables/%zu", i);
        json_t *v = NULL;
        const char *k = only_key(it, &v);
        if (!k)
            return nr_json_err(c->e, c->in, p, "expected an object with one key "
                               "(\"table\", \"chain\", \"rule\", \"set\" ...)");
        if (strcmp(k, "add") == 0 || strcmp(k, "insert") == 0 || strcmp(k, "create") == 0 ||
            strcmp(k, "delete") == 0 || strcmp(k, "flush") == 0 || strcmp(k, "replace") == 0)
            return nr_json_err(c->e, c->in, p, "\"%s\" command: expected the output of "
                               "`nft -j list ruleset`, not an nft -j input script", k);
        if (strcmp(k, "metainfo") == 0)
            continue;
        if (!json_is_object(v))
            return nr_json_err(c->e, c->in, p, "expected \"%s\" to be an object", k);
        bool tabled = strcmp(k, "chain") == 0 || strcmp(k, "rule") == 0 ||
                      strcmp(k, "set") == 0 || strcmp(k, "map") == 0;
        const char *f = jstr(v, "family");
        if ((tabled || strcmp(k, "table") == 0) && !f)
            return nr_json_err(c->e, c->in, ptrf(c, "%s/%s", p, k), "expected \"family\"");
        if (tabled && !jstr(v, "table"))
            return nr_json_err(c->e, c->in, ptrf(c, "%s/%s", p, k), "expected \"table\"");
        if ((strcmp(k, "table") == 0 || (tabled && strcmp(k, "rule") != 0)) && !jstr(v, "name"))
            return nr_json_err(c->e, c->in, ptrf(c, "%s/%s", p, k), "expected \"name\"");
        if (strcmp(k, "table") == 0 && !ip_family(f) && !strstr(ignored, f)) {
            char buf[64];
            snprintf(buf, sizeof buf, "%s", f);
            if (strlen(ignored) + strlen(buf) + 40 < ilen)
                snprintf(ignored + strlen(ignored), ilen - strlen(ignored), "%s%s",
                         *ignored ? ", " : "", buf);
        }
        if (strcmp(k, "rule") == 0) {
            const char *ch = jstr(v, "chain");
            if (!ch)
                return nr_json_err(c->e, c->in, ptrf(c, "%s/rule", p), "expected \"chain\"");
            if (find_obj(c, "chain", f, jstr(v, "table"), ch) < 0)
                return nr_json_err(c->e, c->in, ptrf(c, "%s/rule/chain", p),
                                   "rule in unknown chain '%s' of table %s %s", ch, f,
                                   jstr(v, "table"));
            if (!json_is_array(json_object_get(v, "expr")))
                return nr_json_err(c->e, c->in, ptrf(c, "%s/rule", p), "expected \"expr\": [...]");
        }
    }
    return 0;
}

bool nr_nft_detect(const nr_input *in)
{
    return in && json_is_object(in->json) &&
           json_is_array(json_object_get(in->json, "nftables"));
}

int nr_nft_load(nr_snapshot *s, const nr_input *const *in, size_t n,
                const nr_opts *o, lg_err *e)
{
    for (size_t f = 0; f < n; f++) {
        ctx c = {.s = s, .in = in[f], .o = o, .e = e};
        c.items = json_object_get(in[f]->json, "nftables");
        if (!json_is_object(in[f]->json) || !json_is_array(c.items))
            return nr_json_err(e, in[f], "", "expected {\"nftables\": [...]} "
                               "(the output of `nft -j list ruleset`)");
        build_index(&c);
        char fams[128] = "";
        char ignored[192] = "";
        bool fwd = o && o->forward;
        int rc = validate(&c, fams, sizeof fams);
        if (rc == 0 && *fams)
            snprintf(ignored, sizeof ignored, "tables of family %s ignored", fams);
        if (rc == 0)
            rc = build_resource(&c, fwd ? "forward" : "input", NR_INBOUND, n, ignored);
        if (rc == 0)
            rc = build_resource(&c, "output", NR_OUTBOUND, n, ignored);
        free(c.ents);
        free(c.next);
        if (rc < 0)
            return -1;
    }
    return 0;
}
