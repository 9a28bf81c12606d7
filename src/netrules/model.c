/* model.c - builders for the rules model and parsing helpers shared by the
 * platform readers (see model.h). */
#include "model.h"

#include <jansson.h>

#include <ctype.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "../core/jsonloc.h"

void nr_snapshot_init(nr_snapshot *s)
{
    memset(s, 0, sizeof *s);
    lg_arena_init(&s->arena);
}

void nr_snapshot_free(nr_snapshot *s)
{
    if (!s)
        return;
    lg_arena_free(&s->arena);
    memset(s, 0, sizeof *s);
}


char *nr_text(lg_arena *a, const char *p, size_t n)
{
    char *out = lg_arena_alloc_nz(a, n * 3 + 1), *o = out;
    for (size_t i = 0; i < n;) {
        unsigned char c = (unsigned char)p[i];
        size_t k = c < 0x80 ? 1 : c >= 0xf0 ? 4 : c >= 0xe0 ? 3 : 2;
        json_t *ok = c < 0x80 || c == 0 || k > n - i ? NULL : json_stringn(p + i, k);
        if (c && (c < 0x80 || ok)) { /* jansson's own test of a sequence */
            memcpy(o, p + i, k);
            o += k;
            i += k;
        } else {
            memcpy(o, "\xef\xbf\xbd", 3); /* U+FFFD */
            o += 3;
            i++;
        }
        json_decref(ok);
    }
    *o = 0;
    return out;
}

nr_resource *nr_resource_add(nr_snapshot *s, const char *name, const char *kind,
                             const nr_input *in, nr_direction dir)
{
    s->res = lg_arena_grow(&s->arena, s->res, &s->cap, s->n, sizeof *s->res);
    nr_resource *r = &s->res[s->n++];
    memset(r, 0, sizeof *r);
    r->name = nr_text(&s->arena, name, strlen(name));
    r->kind = kind;
    r->in = in;
    r->dir = dir;
    return r;
}

nr_layer *nr_layer_add(nr_snapshot *s, nr_resource *r, const char *name,
                       const nr_input *in)
{
    r->layers = lg_arena_grow(&s->arena, r->layers, &r->cap, r->nlayers, sizeof *r->layers);
    nr_layer *l = &r->layers[r->nlayers++];
    memset(l, 0, sizeof *l);
    l->name = nr_text(&s->arena, name, strlen(name));
    l->in = in;
    return l;
}

int nr_chain_add(nr_snapshot *s, nr_layer *l, const char *name,
                 nr_action policy, const char *policy_name)
{
    l->chains = lg_arena_grow(&s->arena, l->chains, &l->cap, l->nchains, sizeof *l->chains);
    nr_chain *c = &l->chains[l->nchains];
    memset(c, 0, sizeof *c);
    c->name = nr_text(&s->arena, name, strlen(name));
    c->policy = policy;
    c->policy_name = lg_arena_strdup(&s->arena, policy_name ? policy_name : "policy");
    return (int)l->nchains++;
}

int nr_chain_find(const nr_layer *l, const char *name)
{
    for (size_t i = 0; i < l->nchains; i++)
        if (strcmp(l->chains[i].name, name) == 0)
            return (int)i;
    return -1;
}

lg_u128 nr_dim_max(nr_dim d)
{
    switch (d) {
    case NR_PROTO: return 255;
    case NR_DPORT:
    case NR_SPORT: return 65535;
    default: return LG_U128_MAX;
    }
}

const char *nr_dim_name(nr_dim d)
{
    static const char *const n[] = {"protocol", "destination port",
                                    "source port", "destination address",
                                    "source address"};
    return d < NR_NDIM ? n[d] : "?";
}

lg_ivset nr_dim_all(nr_snapshot *s, nr_dim d)
{
    /* sets are immutable, so every rule shares one copy per dimension */
    static const lg_iv all[NR_NDIM] = {
        [NR_PROTO] = {0, 255},
        [NR_DPORT] = {0, 65535},
        [NR_SPORT] = {0, 65535},
        [NR_DST] = {0, LG_U128_MAX},
        [NR_SRC] = {0, LG_U128_MAX},
    };
    (void)s;
    return (lg_ivset){1, &all[d]};
}

void nr_chain_reserve(nr_snapshot *s, nr_layer *l, int chain, size_t n)
{
    nr_chain *c = &l->chains[chain];
    if (c->cap - c->n >= n)
        return;
    nr_rule *r = lg_arena_alloc_nz(&s->arena, (c->n + n) * sizeof *r);
    if (c->n)
        memcpy(r, c->rules, c->n * sizeof *r);
    c->rules = r;
    c->cap = c->n + n;
}

nr_rule *nr_rule_add(nr_snapshot *s, nr_layer *l, int chain)
{
    nr_chain *c = &l->chains[chain];
    c->rules = lg_arena_grow(&s->arena, c->rules, &c->cap, c->n, sizeof *c->rules);
    nr_rule *r = &c->rules[c->n];
    memset(r, 0, sizeof *r);
    for (int d = 0; d < NR_NDIM; d++)
        r->m[d] = nr_dim_all(s, (nr_dim)d);
    r->action = NR_ACCEPT;
    r->priority = (long)c->n;
    r->in = l->in;
    c->n++;
    return r;
}

void nr_rule_uncertain(nr_snapshot *s, nr_rule *r, const char *fmt, ...)
{
    if (r->uncertain)
        return;
    char buf[512];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(buf, sizeof buf, fmt, ap);
    va_end(ap);
    r->uncertain = lg_arena_strdup(&s->arena, buf);
}

static const struct {
    const char *name;
    int num;
} protos[] = {
    {"icmp", 1},   {"igmp", 2},       {"tcp", 6},       {"udp", 17},
    {"gre", 47},   {"esp", 50},       {"ah", 51},       {"icmpv6", 58},
    {"ipv6-icmp", 58}, {"icmp6", 58}, {"sctp", 132},    {"udplite", 136},
};

int nr_proto_number(const char *name)
{
    if (!name || !*name)
        return -1;
    if (isdigit((unsigned char)name[0])) {
        char *end;
        long v = strtol(name, &end, 10);
        return (*end || v < 0 || v > 255) ? -1 : (int)v;
    }
    for (size_t i = 0; i < sizeof protos / sizeof protos[0]; i++)
        if (strcasecmp(name, protos[i].name) == 0)
            return protos[i].num;
    return -1;
}

const char *nr_proto_name(int proto, char *buf, size_t len)
{
    for (size_t i = 0; i < sizeof protos / sizeof protos[0]; i++)
        if (protos[i].num == proto) {
            snprintf(buf, len, "%s", protos[i].name);
            return buf;
        }
    snprintf(buf, len, "%d", proto);
    return buf;
}

static bool parse_u16(const char *s, size_t len, lg_u128 *v)
{
    if (len == 0 || len > 5)
        return false;
    unsigned x = 0;
    for (size_t i = 0; i < len; i++) {
        if (!isdigit((unsigned char)s[i]))
            return false;
        x = x * 10 + (unsigned)(s[i] - '0');
    }
    if (x > 65535)
        return false;
    *v = x;
    return true;
}

bool nr_port_range(const char *s, size_t len, lg_u128 *lo, lg_u128 *hi)
{
    while (len && isspace((unsigned char)*s)) {
        s++;
        len--;
    }
    while (len && isspace((unsigned char)s[len - 1]))
        len--;
    if ((len == 1 && s[0] == '*') || (len == 3 && strncasecmp(s, "any", 3) == 0)) {
        *lo = 0;
        *hi = 65535;
        return true;
    }
    for (size_t i = 0; i < len; i++)
        if (s[i] == '-' || s[i] == ':') {
            /* iptables allows open ends: ":90" and "80:" */
            if (i == 0)
                *lo = 0;
            else if (!parse_u16(s, i, lo))
                return false;
            if (i + 1 == len)
                *hi = 65535;
            else if (!parse_u16(s + i + 1, len - i - 1, hi))
                return false;
            return *lo <= *hi;
        }
    if (!parse_u16(s, len, lo))
        return false;
    *hi = *lo;
    return true;
}

int nr_json_err(lg_err *e, const nr_input *in, const char *ptr,
                const char *fmt, ...)
{
    char msg[768];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    long line = 0, col = 0;
    if (in && in->text && ptr && lg_json_locate(in->text, in->len, ptr, &line, &col))
        return lg_err_at(e, in->path, line, col, "%s (at %s)", msg, ptr);
    return lg_err_at(e, in ? in->path : NULL, 0, 0, "%s (at %s)", msg,
                     ptr ? ptr : "");
}

long nr_rule_line(const nr_rule *rule)
{
    if (rule->line > 0)
        return rule->line;
    long line = 0, col = 0;
    if (!rule->in || !rule->in->text || !rule->ptr)
        return 0;
    nr_input *in = (nr_input *)rule->in; /* only the cache is written */
    if (!in->locidx)
        in->locidx = lg_json_index_new(in->text, in->len);
    return lg_json_index_locate(in->locidx, rule->ptr, &line, &col) ? line : 0;
}
