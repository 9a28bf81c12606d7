/* gcp.c - GCP VPC firewall rules (`gcloud compute firewall-rules list
 * --format=json`, the REST firewalls.list page {"items": [...]}, or one
 * rule from `firewall-rules describe`) into the rules model.
 *
 * GCP semantics encoded here:
 *  - rules of one VPC network apply to its instances; a rule without
 *    targetTags/targetServiceAccounts applies to every instance, otherwise
 *    only to instances carrying one of the tags / running as one of the
 *    service accounts.  Instance membership is not in the export, so each
 *    target is its own resource: "NET/all-instances", "NET/tag:T",
 *    "NET/sa:ACCOUNT"; a target's ruleset is the untargeted rules plus the
 *    rules naming it.  Both directions, one layer, one chain each.  NET is
 *    the network's name, "PROJECT/NAME" when inputs from several projects
 *    have networks of the same name (every project has "default").
 *  - evaluation order: priority ascending (0..65535, default 1000), deny
 *    before allow at equal priority, then file order.  Below everything
 *    sit the implied rules (deny all ingress, allow all egress), which are
 *    the chain policy, shown as "implied".
 *  - one GCP rule's allowed/denied list is a union of (protocol, ports)
 *    pairs, not a product of protocols and ports: each entry becomes its
 *    own nr_rule with the rule's name and priority.  Since all of them have
 *    the same action and sit next to each other, first match over them is
 *    exactly "any entry matches".
 *  - ingress sources: sourceRanges (exact) OR instances selected by
 *    sourceTags/sourceServiceAccounts.  The latter match the internal
 *    addresses of instances whose membership the export does not contain,
 *    so that part is a separate uncertain nr_rule over-approximated by the
 *    VPC address space (opts->vnet, default RFC 1918 and friends).  Keeping
 *    it separate leaves the sourceRanges part exact.  No source at all
 *    means 0.0.0.0/0 (GCP's default, IPv4 only), likewise a missing
 *    destinationRanges on an egress rule.
 *  - disabled rules do not exist for the data plane: skipped, counted in
 *    the resource note. */
#include "platforms.h"

#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#define GCP_DEFAULT_PRIORITY 1000
#define GCP_MAX_PRIORITY 65535

/* One GCP firewall rule after parsing; `boxes` are finished nr_rules (sets
 * in the snapshot arena) copied into every resource the rule applies to. */
typedef struct grule {
    size_t seq;            /* position over all inputs: stable tie-break */
    long prio;
    bool deny, egress;
    size_t net;            /* index into ctx.nets */
    const char **ttags, **tsas;
    size_t nttags, ntsas;
    nr_rule *boxes;
    size_t nboxes, capboxes;
} grule;

typedef struct gnet {
    const char *name;      /* shown: NAME, or PROJECT/NAME on a clash */
    const char *project;   /* from ".../projects/P/...", "" if not there */
    const char *short_name;
    const nr_input *in;    /* first input mentioning the network */
    size_t disabled;
    const char **tags, **sas; /* targets, first-appearance order */
    size_t ntags, captags, nsas, capsas;
} gnet;

typedef struct ctx {
    nr_snapshot *s;
    lg_arena tmp;          /* scratch arrays, freed when load returns */
    lg_err *e;
    lg_ivset vnet;         /* over-approximation of tag/SA sources */
    grule *rules;
    size_t nrules, caprules;
    gnet *nets;
    size_t nnets, capnets;
} ctx;


static const char *type_name(const json_t *j)
{
    switch (json_typeof(j)) {
    case JSON_OBJECT: return "an object";
    case JSON_ARRAY: return "an array";
    case JSON_STRING: return "a string";
    case JSON_INTEGER:
    case JSON_REAL: return "a number";
    case JSON_TRUE:
    case JSON_FALSE: return "a boolean";
    default: return "null";
    }
}

/* ---- detection ---------------------------------------------------------- */

static bool looks_like_rule(const json_t *o)
{
    if (!json_is_object(o))
        return false;
    const char *kind = json_string_value(json_object_get(o, "kind"));
    if (kind && strcmp(kind, "compute#firewall") == 0)
        return true;
    if (!json_is_array(json_object_get(o, "allowed")) &&
        !json_is_array(json_object_get(o, "denied")))
        return false;
    return json_object_get(o, "network") || json_object_get(o, "sourceRanges") ||
           json_object_get(o, "direction") ||
           json_object_get(o, "destinationRanges");
}

static bool looks_like_list(const json_t *a)
{
    /* the first element decides: exports are homogeneous */
    return json_is_array(a) && json_array_size(a) > 0 &&
           looks_like_rule(json_array_get(a, 0));
}

bool nr_gcp_detect(const nr_input *in)
{
    const json_t *j = in ? in->json : NULL;
    if (!j)
        return false;
    if (json_is_array(j))
        return looks_like_list(j);
    if (!json_is_object(j))
        return false;
    const char *kind = json_string_value(json_object_get(j, "kind"));
    if (kind && strcmp(kind, "compute#firewallList") == 0)
        return true;
    return looks_like_list(json_object_get(j, "items")) || looks_like_rule(j);
}

/* ---- parsing one rule --------------------------------------------------- */

/* Optional array of strings at o[key]; *out is NULL when absent. */
static int str_array(ctx *c, const nr_input *in, const json_t *o,
                     const char *key, const char *ptr, json_t **out)
{
    json_t *a = json_object_get(o, key);
    *out = NULL;
    if (!a || json_is_null(a))
        return 0;
    if (!json_is_array(a))
        return nr_json_err(c->e, in, lg_arena_printf(&c->tmp, "%s/%s", ptr, key),
                           "%s: expected an array of strings, got %s", key,
                           type_name(a));
    size_t i;
    json_t *v;
    json_array_foreach(a, i, v) {
        if (!json_is_string(v))
            return nr_json_err(c->e, in,
                               lg_arena_printf(&c->tmp, "%s/%s/%zu", ptr, key, i),
                               "%s: expected a string, got %s", key, type_name(v));
    }
    *out = a;
    return 0;
}

/* Union of the CIDRs in a sourceRanges/destinationRanges array. */
static int ranges(ctx *c, const nr_input *in, const json_t *a, const char *key,
                  const char *ptr, lg_ivset *out)
{
    lg_ivset r = lg_ivset_empty;
    size_t i;
    json_t *v;
    json_array_foreach(a, i, v) {
        const char *t = json_string_value(v);
        size_t len = json_string_length(v);
        lg_ivset one;
        /* GCP takes CIDRs or single addresses; "a-b" ranges are ours only */
        if (memchr(t, '-', len) || strlen(t) != len ||
            !lg_ip_parse_set(&c->s->arena, t, len, &one, NULL))
            return nr_json_err(c->e, in,
                               lg_arena_printf(&c->tmp, "%s/%s/%zu", ptr, key, i),
                               "%s: expected an IPv4 or IPv6 CIDR such as "
                               "203.0.113.0/24, got \"%s\"", key, t);
        r = lg_ivset_union(&c->s->arena, r, one);
    }
    *out = r;
    return 0;
}

static bool proto_has_ports(int p) { return p == 6 || p == 17 || p == 132; }

/* One allowed/denied entry -> protocol and destination-port sets. */
static int entry(ctx *c, const nr_input *in, const json_t *ent, const char *ptr,
                 lg_ivset *proto, lg_ivset *ports)
{
    lg_arena *a = &c->s->arena;
    if (!json_is_object(ent))
        return nr_json_err(c->e, in, ptr,
                           "expected an object {\"IPProtocol\": ..., \"ports\": [...]}, "
                           "got %s", type_name(ent));
    const json_t *pj = json_object_get(ent, "IPProtocol");
    const char *pptr = lg_arena_printf(&c->tmp, "%s/IPProtocol", ptr);
    int p = -1;
    bool all = false;
    if (!pj)
        return nr_json_err(c->e, in, ptr, "missing IPProtocol");
    if (json_is_integer(pj)) {
        json_int_t v = json_integer_value(pj);
        p = v >= 0 && v <= 255 ? (int)v : -1;
    } else if (json_is_string(pj)) {
        const char *t = json_string_value(pj);
        if (strcasecmp(t, "all") == 0)
            all = true;
        else if (strcasecmp(t, "ipip") == 0)
            p = 4; /* GCP's name for IP-in-IP, unknown to nr_proto_number */
        else
            p = nr_proto_number(t);
    }
    if (!all && p < 0)
        return nr_json_err(c->e, in, pptr,
                           "IPProtocol: expected tcp, udp, icmp, esp, ah, sctp, ipip, "
                           "all or a protocol number 0-255");
    *proto = all ? nr_dim_all(c->s, NR_PROTO) : lg_ivset_range(a, (lg_u128)p, (lg_u128)p);
    *ports = nr_dim_all(c->s, NR_DPORT);

    const json_t *pl = json_object_get(ent, "ports");
    const char *lptr = lg_arena_printf(&c->tmp, "%s/ports", ptr);
    if (!pl || json_is_null(pl) || (json_is_array(pl) && json_array_size(pl) == 0))
        return 0; /* no ports: every port (GCP) */
    if (!json_is_array(pl))
        return nr_json_err(c->e, in, lptr, "ports: expected an array, got %s",
                           type_name(pl));
    if (all || !proto_has_ports(p))
        return nr_json_err(c->e, in, lptr,
                           "ports are only valid with tcp, udp or sctp");
    lg_iv *iv = lg_arena_alloc(&c->tmp, json_array_size(pl) * sizeof *iv);
    size_t i;
    json_t *v;
    json_array_foreach(pl, i, v) {
        const char *vptr = lg_arena_printf(&c->tmp, "%s/%zu", lptr, i);
        if (json_is_integer(v)) {
            json_int_t x = json_integer_value(v);
            if (x < 0 || x > 65535)
                return nr_json_err(c->e, in, vptr,
                                   "port: expected 0-65535, got %lld", (long long)x);
            iv[i].lo = iv[i].hi = (lg_u128)x;
            continue;
        }
        if (!json_is_string(v))
            return nr_json_err(c->e, in, vptr,
                               "port: expected a string such as \"9200\" or "
                               "\"9000-9300\", got %s", type_name(v));
        const char *t = json_string_value(v);
        size_t len = json_string_length(v);
        /* GCP accepts N or N-M only; nr_port_range would also take "*",
         * "any" and open ends */
        bool ok = len > 0 && strlen(t) == len && t[0] != '-' && t[len - 1] != '-';
        for (size_t k = 0; ok && k < len; k++)
            ok = (t[k] >= '0' && t[k] <= '9') || t[k] == '-';
        if (!ok || !nr_port_range(t, len, &iv[i].lo, &iv[i].hi))
            return nr_json_err(c->e, in, vptr,
                               "port: expected a port 0-65535 or a range such as "
                               "\"9000-9300\", got \"%s\"", t);
    }
    *ports = lg_ivset_from(a, iv, json_array_size(pl));
    return 0;
}

/* Networks are told apart by project and name: exports of two projects
 * each have a "default" network, and their rules must not mix. */
static size_t net_index(ctx *c, const char *project, size_t plen,
                        const char *name, const nr_input *in)
{
    for (size_t i = 0; i < c->nnets; i++)
        if (strcmp(c->nets[i].short_name, name) == 0 &&
            strlen(c->nets[i].project) == plen &&
            strncmp(c->nets[i].project, project, plen) == 0)
            return i;
    c->nets = lg_arena_grow(&c->tmp, c->nets, &c->capnets, c->nnets, sizeof *c->nets);
    gnet *g = &c->nets[c->nnets];
    memset(g, 0, sizeof *g);
    g->short_name = lg_arena_strdup(&c->s->arena, name);
    g->project = lg_arena_strndup(&c->s->arena, project, plen);
    g->name = g->short_name;
    g->in = in;
    return c->nnets++;
}

/* Give PROJECT/NAME to networks whose short names clash. */
static void net_names(ctx *c)
{
    for (size_t i = 0; i < c->nnets; i++)
        for (size_t j = 0; j < c->nnets; j++)
            if (i != j && strcmp(c->nets[i].short_name, c->nets[j].short_name) == 0 &&
                c->nets[i].project[0]) {
                c->nets[i].name = lg_arena_printf(&c->s->arena, "%s/%s",
                                                  c->nets[i].project,
                                                  c->nets[i].short_name);
                break;
            }
}

/* Remember a target (tag or service account) of a network, once. */
static void net_target(ctx *c, const char ***list, size_t *n, size_t *cap,
                       const char *name)
{
    for (size_t i = 0; i < *n; i++)
        if (strcmp((*list)[i], name) == 0)
            return;
    *list = lg_arena_grow(&c->tmp, *list, cap, *n, sizeof **list);
    (*list)[(*n)++] = name;
}

/* Copy a JSON string array into the snapshot arena. */
static const char **strings(ctx *c, const json_t *a, size_t *n)
{
    *n = a ? json_array_size(a) : 0;
    if (!*n)
        return NULL;
    const char **r = lg_arena_alloc(&c->tmp, *n * sizeof *r);
    for (size_t i = 0; i < *n; i++)
        r[i] = lg_arena_strdup(&c->s->arena, json_string_value(json_array_get(a, i)));
    return r;
}

static nr_rule *box_add(ctx *c, grule *g)
{
    g->boxes = lg_arena_grow(&c->tmp, g->boxes, &g->capboxes, g->nboxes, sizeof *g->boxes);
    nr_rule *r = &g->boxes[g->nboxes++];
    memset(r, 0, sizeof *r);
    return r;
}

/* "instances with network tag a, b or service account x" for the reason. */
static const char *tag_reason(ctx *c, const json_t *tags, const json_t *sas)
{
    char buf[400];
    size_t off = 0;
    int w = snprintf(buf, sizeof buf, "source is instances");
    off = w > 0 ? (size_t)w : 0;
    const json_t *lists[2] = {tags, sas};
    const char *what[2] = {" with network tag", " running as service account"};
    bool first = true;
    for (int k = 0; k < 2; k++) {
        if (json_array_size(lists[k]) == 0)
            continue;
        w = snprintf(buf + off, sizeof buf - off, "%s%s", first ? "" : " or", what[k]);
        first = false;
        off = w > 0 && (size_t)w < sizeof buf - off ? off + (size_t)w : sizeof buf - 1;
        size_t i;
        json_t *v;
        json_array_foreach(lists[k], i, v) {
            w = snprintf(buf + off, sizeof buf - off, "%s %s", i ? "," : "",
                         json_string_value(v));
            off = w > 0 && (size_t)w < sizeof buf - off ? off + (size_t)w
                                                          : sizeof buf - 1;
        }
    }
    snprintf(buf + off, sizeof buf - off, " (membership is not in the export)");
    return lg_arena_strdup(&c->s->arena, buf);
}

static int parse_rule(ctx *c, const nr_input *in, const json_t *o,
                      const char *ptr, size_t seq)
{
    lg_arena *a = &c->s->arena;
#define PTR(key) lg_arena_printf(&c->tmp, "%s/%s", ptr, key)
    if (!json_is_object(o))
        return nr_json_err(c->e, in, ptr, "expected a GCP firewall rule object, got %s",
                           type_name(o));

    const json_t *nj = json_object_get(o, "name");
    if (nj && !json_is_string(nj))
        return nr_json_err(c->e, in, PTR("name"), "name: expected a string, got %s",
                           type_name(nj));
    const char *name = nj ? lg_arena_strdup(a, json_string_value(nj))
                          : lg_arena_printf(a, "rule%s", ptr);

    /* "https://.../projects/p/global/networks/NAME" or "global/networks/NAME";
     * absent means the project's "default" network, as the API does */
    const json_t *netj = json_object_get(o, "network");
    if (netj && !json_is_string(netj))
        return nr_json_err(c->e, in, PTR("network"),
                           "network: expected a network URL, got %s", type_name(netj));
    const char *url = netj ? json_string_value(netj) : "default";
    const char *net = strrchr(url, '/') ? strrchr(url, '/') + 1 : url;
    if (!*net)
        return nr_json_err(c->e, in, PTR("network"),
                           "network: expected a network URL ending in its name");
    const char *proj = strstr(url, "projects/");
    size_t plen = 0;
    if (proj) {
        proj += strlen("projects/");
        plen = strcspn(proj, "/");
    } else {
        proj = "";
    }
    size_t ni = net_index(c, proj, plen, net, in);

    const json_t *dis = json_object_get(o, "disabled");
    if (dis && !json_is_boolean(dis) && !json_is_null(dis))
        return nr_json_err(c->e, in, PTR("disabled"),
                           "disabled: expected true or false, got %s", type_name(dis));
    if (json_is_true(dis)) {
        c->nets[ni].disabled++;
        return 0;
    }

    const json_t *dj = json_object_get(o, "direction");
    bool egress = false;
    if (dj && !json_is_null(dj)) {
        const char *d = json_string_value(dj);
        if (d && strcasecmp(d, "EGRESS") == 0)
            egress = true;
        else if (!d || strcasecmp(d, "INGRESS") != 0)
            return nr_json_err(c->e, in, PTR("direction"),
                               "direction: expected \"INGRESS\" or \"EGRESS\"");
    }

    long prio = GCP_DEFAULT_PRIORITY;
    const json_t *pj = json_object_get(o, "priority");
    if (pj && !json_is_null(pj)) {
        if (!json_is_integer(pj) || json_integer_value(pj) < 0 ||
            json_integer_value(pj) > GCP_MAX_PRIORITY)
            return nr_json_err(c->e, in, PTR("priority"),
                               "priority: expected an integer 0-65535, got %s",
                               json_is_integer(pj) ? "a value out of range"
                                                   : type_name(pj));
        prio = (long)json_integer_value(pj);
    }

    const json_t *al = json_object_get(o, "allowed"), *de = json_object_get(o, "denied");
    if (al && !json_is_null(al) && !json_is_array(al))
        return nr_json_err(c->e, in, PTR("allowed"),
                           "allowed: expected an array, got %s", type_name(al));
    if (de && !json_is_null(de) && !json_is_array(de))
        return nr_json_err(c->e, in, PTR("denied"),
                           "denied: expected an array, got %s", type_name(de));
    size_t nal = json_array_size(al), nde = json_array_size(de);
    if (nal && nde)
        return nr_json_err(c->e, in, ptr,
                           "a firewall rule has either allowed or denied, not both");
    if (!nal && !nde)
        return nr_json_err(c->e, in, ptr,
                           "expected a non-empty \"allowed\" or \"denied\" list");
    bool deny = nde > 0;
    const json_t *list = deny ? de : al;
    const char *lkey = deny ? "denied" : "allowed";

    json_t *sr, *dr, *st, *ssa, *tt, *tsa;
    if (str_array(c, in, o, "sourceRanges", ptr, &sr) < 0 ||
        str_array(c, in, o, "destinationRanges", ptr, &dr) < 0 ||
        str_array(c, in, o, "sourceTags", ptr, &st) < 0 ||
        str_array(c, in, o, "sourceServiceAccounts", ptr, &ssa) < 0 ||
        str_array(c, in, o, "targetTags", ptr, &tt) < 0 ||
        str_array(c, in, o, "targetServiceAccounts", ptr, &tsa) < 0)
        return -1;
    bool has_sr = json_array_size(sr) > 0, has_dr = json_array_size(dr) > 0;
    bool has_tags = json_array_size(st) > 0 || json_array_size(ssa) > 0;
    if (egress && has_tags)
        return nr_json_err(c->e, in, PTR(json_array_size(st) ? "sourceTags"
                                                            : "sourceServiceAccounts"),
                           "source tags and service accounts are only valid on "
                           "INGRESS rules");

    lg_ivset srcs = nr_dim_all(c->s, NR_SRC), dsts = nr_dim_all(c->s, NR_DST);
    if (has_sr && ranges(c, in, sr, "sourceRanges", ptr, &srcs) < 0)
        return -1;
    if (has_dr && ranges(c, in, dr, "destinationRanges", ptr, &dsts) < 0)
        return -1;
    /* the remote side defaults to 0.0.0.0/0 (IPv4 only) when unspecified */
    if (!egress && !has_sr && !has_tags)
        srcs = lg_ip_v4();
    if (egress && !has_dr)
        dsts = lg_ip_v4();

    c->rules = lg_arena_grow(&c->tmp, c->rules, &c->caprules, c->nrules, sizeof *c->rules);
    grule *g = &c->rules[c->nrules];
    memset(g, 0, sizeof *g);
    g->seq = seq;
    g->prio = prio;
    g->deny = deny;
    g->egress = egress;
    g->net = ni;
    g->ttags = strings(c, tt, &g->nttags);
    g->tsas = strings(c, tsa, &g->ntsas);
    const char *reason = has_tags ? tag_reason(c, st, ssa) : NULL;
    const char *rptr = lg_arena_strdup(a, ptr);

    size_t i;
    json_t *ent;
    json_array_foreach(list, i, ent) {
        lg_ivset proto, ports;
        if (entry(c, in, ent, lg_arena_printf(&c->tmp, "%s/%s/%zu", ptr, lkey, i),
                  &proto, &ports) < 0)
            return -1;
        /* exact part (ranges or defaults), then the tag/SA part */
        for (int part = 0; part < 2; part++) {
            if (part == 0 && !egress && !has_sr && has_tags)
                continue;
            if (part == 1 && !has_tags)
                continue;
            nr_rule *r = box_add(c, g);
            r->name = name;
            r->ptr = rptr;
            r->in = in;
            r->priority = prio;
            r->action = deny ? NR_DROP : NR_ACCEPT;
            for (int d = 0; d < NR_NDIM; d++)
                r->m[d] = nr_dim_all(c->s, (nr_dim)d);
            r->m[NR_PROTO] = proto;
            r->m[NR_DPORT] = ports;
            r->m[NR_DST] = dsts;
            r->m[NR_SRC] = part == 0 ? srcs : c->vnet;
            if (part == 1)
                r->uncertain = reason;
        }
    }
    c->nrules++; /* only now: an error above leaves no half rule */

    for (size_t k = 0; k < g->nttags; k++)
        net_target(c, &c->nets[ni].tags, &c->nets[ni].ntags, &c->nets[ni].captags,
                   g->ttags[k]);
    for (size_t k = 0; k < g->ntsas; k++)
        net_target(c, &c->nets[ni].sas, &c->nets[ni].nsas, &c->nets[ni].capsas,
                   g->tsas[k]);
    return 0;
#undef PTR
}

/* ---- building resources ------------------------------------------------- */

static int grule_cmp(const void *x, const void *y)
{
    const grule *a = x, *b = y;
    if (a->prio != b->prio)
        return a->prio < b->prio ? -1 : 1;
    if (a->deny != b->deny)
        return a->deny ? -1 : 1; /* deny wins a tie */
    return a->seq < b->seq ? -1 : a->seq > b->seq;
}

static bool in_list(const char *const *list, size_t n, const char *s)
{
    for (size_t i = 0; i < n; i++)
        if (strcmp(list[i], s) == 0)
            return true;
    return false;
}

/* tag/sa NULL: the all-instances resource (untargeted rules only). */
static void build(ctx *c, size_t ni, const char *tag, const char *sa)
{
    const gnet *net = &c->nets[ni];
    const char *name = tag ? lg_arena_printf(&c->tmp, "%s/tag:%s", net->name, tag)
                     : sa  ? lg_arena_printf(&c->tmp, "%s/sa:%s", net->name, sa)
                           : lg_arena_printf(&c->tmp, "%s/all-instances", net->name);
    const char *note = net->disabled
        ? lg_arena_printf(&c->s->arena, "%zu disabled rule%s ignored", net->disabled,
                          net->disabled == 1 ? "" : "s")
        : NULL;
    for (int egress = 0; egress < 2; egress++) {
        nr_resource *res = nr_resource_add(c->s, name, "gcp-firewall", net->in,
                                           egress ? NR_OUTBOUND : NR_INBOUND);
        res->note = note;
        nr_layer *l = nr_layer_add(c->s, res, "firewall", net->in);
        int ch = nr_chain_add(c->s, l, egress ? "EGRESS" : "INGRESS",
                              egress ? NR_ACCEPT : NR_DROP, "implied");
        l->entry = ch;
        for (size_t i = 0; i < c->nrules; i++) {
            const grule *g = &c->rules[i];
            if (g->net != ni || g->egress != (bool)egress)
                continue;
            bool untargeted = g->nttags == 0 && g->ntsas == 0;
            if (!untargeted && !(tag && in_list(g->ttags, g->nttags, tag)) &&
                !(sa && in_list(g->tsas, g->ntsas, sa)))
                continue;
            for (size_t b = 0; b < g->nboxes; b++)
                *nr_rule_add(c->s, l, ch) = g->boxes[b];
        }
    }
}

int nr_gcp_load(nr_snapshot *s, const nr_input *const *in, size_t n,
                const nr_opts *o, lg_err *e)
{
    ctx c;
    memset(&c, 0, sizeof c);
    c.s = s;
    c.e = e;
    lg_arena_init(&c.tmp);
    c.vnet = lg_ivset_copy(&s->arena, o && o->vnet.n ? o->vnet : lg_ip_private());
    int rc = -1;
    size_t seq = 0;

    for (size_t f = 0; f < n; f++) {
        const json_t *j = in[f]->json;
        const json_t *list = NULL;
        const char *base = "";
        if (!j) {
            lg_err_at(e, in[f]->path, 1, 1,
                      "expected JSON from gcloud compute firewall-rules list "
                      "--format=json");
            goto out;
        }
        if (json_is_array(j)) {
            list = j;
        } else if (json_is_object(j) && json_object_get(j, "items")) {
            list = json_object_get(j, "items");
            base = "/items";
            if (!json_is_array(list)) {
                nr_json_err(e, in[f], "/items", "items: expected an array of "
                            "firewall rules, got %s", type_name(list));
                goto out;
            }
        } else if (json_is_object(j) && json_object_get(j, "kind") &&
                   json_is_string(json_object_get(j, "kind")) &&
                   strcmp(json_string_value(json_object_get(j, "kind")),
                          "compute#firewallList") == 0) {
            continue; /* a list page without items: no rules */
        } else if (json_is_object(j)) {
            /* a single rule, as `firewall-rules describe` prints it */
            if (parse_rule(&c, in[f], j, "", seq++) < 0)
                goto out;
            continue;
        } else {
            nr_json_err(e, in[f], "", "expected a JSON array of GCP firewall rules");
            goto out;
        }
        size_t i;
        json_t *r;
        json_array_foreach(list, i, r) {
            if (parse_rule(&c, in[f], r, lg_arena_printf(&c.tmp, "%s/%zu", base, i),
                           seq++) < 0)
                goto out;
        }
    }

    if (c.nrules > 1)
        qsort(c.rules, c.nrules, sizeof *c.rules, grule_cmp);
    net_names(&c);
    for (size_t ni = 0; ni < c.nnets; ni++) {
        build(&c, ni, NULL, NULL);
        for (size_t t = 0; t < c.nets[ni].ntags; t++)
            build(&c, ni, c.nets[ni].tags[t], NULL);
        for (size_t t = 0; t < c.nets[ni].nsas; t++)
            build(&c, ni, NULL, c.nets[ni].sas[t]);
    }
    rc = 0;
out:
    lg_arena_free(&c.tmp);
    return rc;
}
