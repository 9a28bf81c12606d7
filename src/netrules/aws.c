/* aws.c - reader for AWS EC2 exports: `aws ec2 describe-security-groups`,
 * `describe-network-acls`, `describe-network-interfaces`,
 * `describe-instances`, `describe-managed-prefix-lists` and
 * `get-managed-prefix-list-entries`, given together (separate files or not).
 *
 * Semantics encoded here (see docs/HACKING-netrules.md):
 *  - a security group is allow-only and stateful: the union of its rules,
 *    i.e. one chain of ACCEPTs with policy DROP ("implicit-deny").
 *  - a network ACL is stateless and first-match by rule number, ending with
 *    the `*` deny.  An inbound connection needs the inbound entries to allow
 *    the request AND the outbound entries to allow the reply, so a NACL
 *    resource has two layers, the reply one with `reverse` set (its entries
 *    are written as AWS states them: CidrBlock is the destination of the
 *    reply, PortRange its destination port = the client's port).
 *  - with interface data (ENIs, or instances), each ENI is one resource with
 *    the union of its groups, then its subnet's NACL.  Groups and NACLs that
 *    take part in an ENI are not also reported alone.
 *  - rule names are stable for diffs: "GROUP:PROTO/PORTS:SOURCES" with the
 *    sources of one permission joined by '+' (flow joins layers with ','),
 *    e.g. "sg-0abc:tcp/9200:0.0.0.0/0"; NACL entries by rule number, "*".
 *  - what the data cannot say is uncertain, never guessed: prefix lists
 *    without their entries, members of a referenced group (modelled as the
 *    private address space, so public sources stay exact), ICMP type/code
 *    restrictions, groups missing from the inputs.
 *
 * Everything is validated in one pass into rule templates (so a bad entry
 * is an error even if no ENI uses it), then resources are emitted from the
 * templates.  Pointers into the jansson documents never outlive the load. */
#include "platforms.h"

#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* One parsed rule, ready to be copied into a chain. */
typedef struct tmpl {
    nr_rule r;
    size_t seq; /* position in the input: tie-break for a stable sort */
} tmpl;

typedef struct tlist {
    tmpl *v;
    size_t n, cap;
} tlist;

typedef struct aws_sg {
    const char *id, *name, *vpc, *ptr;
    const nr_input *in;
    tlist in_rules, out_rules;
    bool used;
} aws_sg;

typedef struct aws_nacl {
    const char *id, *vpc, *ptr;
    const nr_input *in;
    bool is_default, used;
    const char **subnets;
    size_t nsubnets;
    tlist in_rules, out_rules; /* sorted by rule number; end with `*` */
} aws_nacl;

typedef struct aws_eni {
    const char *id, *instance, *subnet, *vpc, *ptr, *public_ip;
    const nr_input *in;
    const char **groups;
    size_t ngroups;
    bool has_ipv6;
} aws_eni;

typedef struct aws_pl {
    const char *id, *name;
    bool known;      /* entries given: the set is exact */
    lg_ivset set;
} aws_pl;

/* Everything collected from the inputs, in the snapshot arena. */
typedef struct aws_ctx {
    nr_snapshot *s;
    lg_arena *a;
    lg_err *e;
    lg_ivset group_space; /* where members of a referenced group may be */
    aws_sg *sg;
    size_t nsg, capsg;
    aws_nacl *nacl;
    size_t nnacl, capnacl;
    aws_eni *eni;
    size_t neni, capeni;
    aws_pl *pl;
    size_t npl, cappl;
    bool have_nacls; /* a NACL export was among the inputs */
} aws_ctx;

/* Grow an arena array by one element; returns the new (zeroed) element. */
static void *push(lg_arena *a, void **arr, size_t *n, size_t *cap, size_t elem)
{
    if (*n == *cap) {
        size_t nc = *cap ? *cap * 2 : 8;
        void *p = lg_arena_alloc(a, nc * elem);
        if (*n)
            memcpy(p, *arr, *n * elem);
        *arr = p;
        *cap = nc;
    }
    void *el = (char *)*arr + (*n)++ * elem;
    memset(el, 0, elem);
    return el;
}
#define PUSH(c, arr, n, cap) push((c)->a, (void **)&(arr), &(n), &(cap), sizeof *(arr))

static const char *type_name(const json_t *j)
{
    switch (json_typeof(j)) {
    case JSON_OBJECT: return "an object";
    case JSON_ARRAY: return "an array";
    case JSON_STRING: return "a string";
    case JSON_INTEGER: return "an integer";
    case JSON_REAL: return "a number";
    case JSON_TRUE:
    case JSON_FALSE: return "a boolean";
    default: return "null";
    }
}

/* --- typed member access: each returns 0, or -1 with the error set ---- */

static int get_str(aws_ctx *c, const nr_input *in, json_t *obj, const char *ptr,
                   const char *key, bool required, const char **out)
{
    json_t *v = json_object_get(obj, key);
    *out = NULL;
    if (!v || json_is_null(v)) {
        if (required)
            return nr_json_err(c->e, in, ptr, "missing \"%s\": expected a string", key);
        return 0;
    }
    if (!json_is_string(v))
        return nr_json_err(c->e, in, lg_arena_printf(c->a, "%s/%s", ptr, key),
                           "\"%s\": expected a string, got %s", key, type_name(v));
    *out = lg_arena_strdup(c->a, json_string_value(v));
    return 0;
}

/* Integer member; *present says whether it was there. */
static int get_int(aws_ctx *c, const nr_input *in, json_t *obj, const char *ptr,
                   const char *key, long long *out, bool *present)
{
    json_t *v = json_object_get(obj, key);
    *present = false;
    if (!v || json_is_null(v))
        return 0;
    if (!json_is_integer(v))
        return nr_json_err(c->e, in, lg_arena_printf(c->a, "%s/%s", ptr, key),
                           "\"%s\": expected an integer, got %s", key, type_name(v));
    *out = json_integer_value(v);
    *present = true;
    return 0;
}

/* Array member (absent or null: empty). */
static int get_arr(aws_ctx *c, const nr_input *in, json_t *obj, const char *ptr,
                   const char *key, json_t **out)
{
    json_t *v = json_object_get(obj, key);
    *out = NULL;
    if (!v || json_is_null(v))
        return 0;
    if (!json_is_array(v))
        return nr_json_err(c->e, in, lg_arena_printf(c->a, "%s/%s", ptr, key),
                           "\"%s\": expected an array, got %s", key, type_name(v));
    *out = v;
    return 0;
}

static int want_obj(aws_ctx *c, const nr_input *in, json_t *v, const char *ptr,
                    const char *what)
{
    if (json_is_object(v))
        return 0;
    return nr_json_err(c->e, in, ptr, "expected %s object, got %s", what, type_name(v));
}

/* CIDR of one family ("CidrIp" is IPv4, "CidrIpv6" IPv6); AWS always
 * writes the prefix length, so a bare address is an error too. */
static int parse_cidr(aws_ctx *c, const nr_input *in, const char *ptr,
                      const char *key, const char *text, int want_family,
                      lg_ivset *out)
{
    size_t len = strlen(text);
    bool v6 = memchr(text, ':', len) != NULL;
    if (!memchr(text, '/', len) || v6 != (want_family == 6) ||
        !lg_ip_parse_set(c->a, text, len, out, NULL))
        return nr_json_err(c->e, in, ptr, "\"%s\": expected an IPv%d CIDR block "
                           "such as %s, got \"%s\"", key, want_family,
                           want_family == 6 ? "::/0" : "0.0.0.0/0", text);
    return 0;
}

/* --- protocols and ports ---------------------------------------------- */

/* "-1"/"all" -> -2 (every protocol); name or number -> number; -1 bad. */
static int aws_proto(const char *p)
{
    if (strcmp(p, "-1") == 0 || strcmp(p, "all") == 0)
        return -2;
    return nr_proto_number(p);
}

static bool has_ports(int proto) { return proto == 6 || proto == 17; }
static bool is_icmp(int proto) { return proto == 1 || proto == 58; }

/* The protocol/port part of a rule name: "tcp/9200", "udp/9000-9300",
 * "all", "icmp/8". */
static const char *proto_text(aws_ctx *c, int proto, long long lo, long long hi)
{
    char pb[32];
    if (proto == -2)
        return "all";
    nr_proto_name(proto, pb, sizeof pb);
    if (has_ports(proto))
        return lo == hi ? lg_arena_printf(c->a, "%s/%lld", pb, lo)
                        : lg_arena_printf(c->a, "%s/%lld-%lld", pb, lo, hi);
    if (is_icmp(proto) && lo >= 0)
        return hi >= 0 ? lg_arena_printf(c->a, "%s/%lld:%lld", pb, lo, hi)
                       : lg_arena_printf(c->a, "%s/%lld", pb, lo);
    return lg_arena_strdup(c->a, pb);
}

/* Sets the protocol and destination-port dimensions of r.  For ICMP the
 * "ports" are type/code, which the model has no dimension for: a specific
 * type makes the rule uncertain (over-approximated as every type). */
static void set_proto_ports(aws_ctx *c, nr_rule *r, int proto, long long lo,
                            long long hi)
{
    if (proto == -2)
        return; /* nr_rule_add already made every dimension full */
    r->m[NR_PROTO] = lg_ivset_range(c->a, (lg_u128)proto, (lg_u128)proto);
    if (has_ports(proto))
        r->m[NR_DPORT] = lg_ivset_range(c->a, (lg_u128)lo, (lg_u128)hi);
    else if (is_icmp(proto) && lo >= 0)
        nr_rule_uncertain(c->s, r, "ICMP type %lld code %lld not modelled", lo, hi);
}

static void tl_add(aws_ctx *c, tlist *t, const nr_rule *r)
{
    tmpl *x = PUSH(c, t->v, t->n, t->cap);
    x->r = *r;
    x->seq = t->n - 1;
}

/* A rule template with every dimension full (as nr_rule_add makes it). */
static void rule_init(aws_ctx *c, nr_rule *r, const nr_input *in, const char *ptr,
                      nr_action act)
{
    memset(r, 0, sizeof *r);
    for (int d = 0; d < NR_NDIM; d++)
        r->m[d] = nr_dim_all(c->s, (nr_dim)d);
    r->action = act;
    r->in = in;
    r->ptr = ptr;
}

static aws_pl *find_pl(aws_ctx *c, const char *id)
{
    for (size_t i = 0; i < c->npl; i++)
        if (strcmp(c->pl[i].id, id) == 0)
            return &c->pl[i];
    return NULL;
}

static aws_pl *add_pl(aws_ctx *c, const char *id)
{
    aws_pl *p = find_pl(c, id);
    if (!p) {
        p = PUSH(c, c->pl, c->npl, c->cappl);
        p->id = lg_arena_strdup(c->a, id);
        p->set = lg_ivset_empty;
    }
    return p;
}

/* --- security groups -------------------------------------------------- */

/* One IpPermission -> up to 1 exact rule (IpRanges + Ipv6Ranges + known
 * prefix lists) plus one uncertain rule per unknown prefix list and per
 * group reference, so an unknown part never hides the exact part. */
static int sg_perm(aws_ctx *c, aws_sg *g, tlist *out, bool egress, json_t *p,
                   const char *pptr)
{
    const nr_input *in = g->in;
    if (want_obj(c, in, p, pptr, "an IpPermission") < 0)
        return -1;
    const char *ps;
    json_t *pv = json_object_get(p, "IpProtocol");
    if (json_is_integer(pv)) /* some tools write the number unquoted */
        ps = lg_arena_printf(c->a, "%lld", (long long)json_integer_value(pv));
    else if (get_str(c, in, p, pptr, "IpProtocol", true, &ps) < 0)
        return -1;
    int proto = aws_proto(ps);
    if (proto == -1)
        return nr_json_err(c->e, in, lg_arena_printf(c->a, "%s/IpProtocol", pptr),
                           "unknown protocol \"%s\": expected tcp, udp, icmp, "
                           "icmpv6, -1 or a number 0-255", ps);
    long long lo = -1, hi = -1;
    bool hlo, hhi;
    if (get_int(c, in, p, pptr, "FromPort", &lo, &hlo) < 0 ||
        get_int(c, in, p, pptr, "ToPort", &hi, &hhi) < 0)
        return -1;
    if (!hlo)
        lo = -1;
    if (!hhi)
        hi = -1;
    if (has_ports(proto)) {
        if (lo == -1 && hi == -1) { /* older exports: -1 means every port */
            lo = 0;
            hi = 65535;
        }
        const char *bad = NULL;
        if (lo < 0 || lo > 65535)
            bad = "FromPort";
        else if (hi < 0 || hi > 65535)
            bad = "ToPort";
        if (bad)
            return nr_json_err(c->e, in, lg_arena_printf(c->a, "%s/%s", pptr, bad),
                               "\"%s\": expected a port 0-65535, got %lld", bad,
                               bad[0] == 'F' ? lo : hi);
        if (lo > hi)
            return nr_json_err(c->e, in, lg_arena_printf(c->a, "%s/FromPort", pptr),
                               "FromPort %lld is greater than ToPort %lld", lo, hi);
    } else if (is_icmp(proto)) {
        if (lo < -1 || lo > 255 || hi < -1 || hi > 255)
            return nr_json_err(c->e, in, lg_arena_printf(c->a, "%s/FromPort", pptr),
                               "ICMP type/code: expected -1 or 0-255, got %lld/%lld",
                               lo, hi);
    }
    const char *pt = proto_text(c, proto, lo, hi);
    nr_dim remote = egress ? NR_DST : NR_SRC;

    /* exact part */
    lg_ivset exact = lg_ivset_empty;
    char names[512];
    size_t nl = 0;
    names[0] = 0;
    size_t nexact = 0;
    static const struct {
        const char *list, *key;
        int fam;
    } ranges[] = {{"IpRanges", "CidrIp", 4}, {"Ipv6Ranges", "CidrIpv6", 6}};
    for (size_t k = 0; k < 2; k++) {
        json_t *arr, *it;
        size_t i;
        if (get_arr(c, in, p, pptr, ranges[k].list, &arr) < 0)
            return -1;
        json_array_foreach(arr, i, it) {
            const char *iptr = lg_arena_printf(c->a, "%s/%s/%zu", pptr, ranges[k].list, i);
            const char *cidr;
            lg_ivset set;
            if (want_obj(c, in, it, iptr, "an address range") < 0 ||
                get_str(c, in, it, iptr, ranges[k].key, true, &cidr) < 0 ||
                parse_cidr(c, in, lg_arena_printf(c->a, "%s/%s", iptr, ranges[k].key),
                           ranges[k].key, cidr, ranges[k].fam, &set) < 0)
                return -1;
            exact = lg_ivset_union(c->a, exact, set);
            if (nl < sizeof names)
                nl += (size_t)snprintf(names + nl, sizeof names - nl, "%s%s",
                                       nexact ? "+" : "", cidr);
            nexact++;
        }
    }
    json_t *pls, *it;
    size_t i;
    if (get_arr(c, in, p, pptr, "PrefixListIds", &pls) < 0)
        return -1;
    /* prefix lists with known entries join the exact rule; the others get
     * an uncertain rule each (second loop), so they never hide it */
    json_array_foreach(pls, i, it) {
        const char *iptr = lg_arena_printf(c->a, "%s/PrefixListIds/%zu", pptr, i);
        const char *id;
        if (want_obj(c, in, it, iptr, "a prefix list reference") < 0 ||
            get_str(c, in, it, iptr, "PrefixListId", true, &id) < 0)
            return -1;
        aws_pl *pl = find_pl(c, id);
        if (!pl || !pl->known)
            continue;
        exact = lg_ivset_union(c->a, exact, pl->set);
        if (nl < sizeof names)
            nl += (size_t)snprintf(names + nl, sizeof names - nl, "%s%s",
                                   nexact ? "+" : "", id);
        nexact++;
    }
    if (nexact) {
        nr_rule r;
        rule_init(c, &r, in, pptr, NR_ACCEPT);
        set_proto_ports(c, &r, proto, lo, hi);
        r.m[remote] = exact;
        r.name = lg_arena_printf(c->a, "%s:%s:%s", g->id, pt, names);
        tl_add(c, out, &r);
    }
    json_array_foreach(pls, i, it) {
        const char *id = json_string_value(json_object_get(it, "PrefixListId"));
        aws_pl *pl = find_pl(c, id);
        if (pl && pl->known)
            continue;
        nr_rule r;
        rule_init(c, &r, in, lg_arena_printf(c->a, "%s/PrefixListIds/%zu", pptr, i),
                  NR_ACCEPT);
        set_proto_ports(c, &r, proto, lo, hi);
        r.name = lg_arena_printf(c->a, "%s:%s:%s", g->id, pt, id);
        if (pl && pl->name)
            nr_rule_uncertain(c->s, &r, "prefix list %s (%s) contents unknown", id,
                              pl->name);
        else
            nr_rule_uncertain(c->s, &r, "prefix list %s contents unknown", id);
        tl_add(c, out, &r);
    }
    json_t *pairs;
    if (get_arr(c, in, p, pptr, "UserIdGroupPairs", &pairs) < 0)
        return -1;
    json_array_foreach(pairs, i, it) {
        const char *iptr = lg_arena_printf(c->a, "%s/UserIdGroupPairs/%zu", pptr, i);
        const char *gid, *gname;
        if (want_obj(c, in, it, iptr, "a group reference") < 0 ||
            get_str(c, in, it, iptr, "GroupId", false, &gid) < 0 ||
            get_str(c, in, it, iptr, "GroupName", false, &gname) < 0)
            return -1;
        const char *who = gid ? gid : gname ? gname : "a referenced group";
        nr_rule r;
        rule_init(c, &r, in, iptr, NR_ACCEPT);
        set_proto_ports(c, &r, proto, lo, hi);
        /* members of a group have VPC (private) addresses: the Internet is
         * never among them, flows from private space stay unknown */
        r.m[remote] = c->group_space;
        r.name = lg_arena_printf(c->a, "%s:%s:%s", g->id, pt, who);
        nr_rule_uncertain(c->s, &r, "members of %s", who);
        tl_add(c, out, &r);
    }
    return 0;
}

static aws_sg *find_sg(aws_ctx *c, const char *id)
{
    for (size_t i = 0; i < c->nsg; i++)
        if (strcmp(c->sg[i].id, id) == 0)
            return &c->sg[i];
    return NULL;
}

static int read_sgs(aws_ctx *c, const nr_input *in, json_t *arr)
{
    size_t i;
    json_t *j;
    json_array_foreach(arr, i, j) {
        const char *ptr = lg_arena_printf(c->a, "/SecurityGroups/%zu", i);
        const char *id, *name, *vpc;
        if (want_obj(c, in, j, ptr, "a security group") < 0 ||
            get_str(c, in, j, ptr, "GroupId", true, &id) < 0 ||
            get_str(c, in, j, ptr, "GroupName", false, &name) < 0 ||
            get_str(c, in, j, ptr, "VpcId", false, &vpc) < 0)
            return -1;
        aws_sg tmp = {.id = id, .name = name, .vpc = vpc, .ptr = ptr, .in = in};
        static const char *const keys[] = {"IpPermissions", "IpPermissionsEgress"};
        for (int k = 0; k < 2; k++) {
            json_t *perms, *p;
            size_t pi;
            if (get_arr(c, in, j, ptr, keys[k], &perms) < 0)
                return -1;
            json_array_foreach(perms, pi, p) {
                const char *pptr = lg_arena_printf(c->a, "%s/%s/%zu", ptr, keys[k], pi);
                if (sg_perm(c, &tmp, k ? &tmp.out_rules : &tmp.in_rules, k == 1, p,
                            pptr) < 0)
                    return -1;
            }
        }
        if (find_sg(c, id))
            continue; /* the same group given twice: the first one counts */
        aws_sg *g = PUSH(c, c->sg, c->nsg, c->capsg);
        *g = tmp;
    }
    return 0;
}

/* --- network ACLs ------------------------------------------------------ */

static int cmp_tmpl(const void *a, const void *b)
{
    const tmpl *x = a, *y = b;
    if (x->r.priority != y->r.priority)
        return x->r.priority < y->r.priority ? -1 : 1;
    return x->seq < y->seq ? -1 : x->seq > y->seq;
}

static int nacl_entry(aws_ctx *c, aws_nacl *n, json_t *en, const char *eptr)
{
    const nr_input *in = n->in;
    if (want_obj(c, in, en, eptr, "a network ACL entry") < 0)
        return -1;
    long long num;
    bool has;
    if (get_int(c, in, en, eptr, "RuleNumber", &num, &has) < 0)
        return -1;
    if (!has)
        return nr_json_err(c->e, in, eptr, "missing \"RuleNumber\": expected an integer");
    /* users number rules 1-32766; AWS's own `*` denies are 32767 (IPv4)
     * and 32768 (IPv6, present once the VPC has an IPv6 block) */
    if (num < 1 || num > 32768)
        return nr_json_err(c->e, in, lg_arena_printf(c->a, "%s/RuleNumber", eptr),
                           "\"RuleNumber\": expected 1-32768, got %lld", num);
    json_t *eg = json_object_get(en, "Egress");
    if (!json_is_boolean(eg))
        return nr_json_err(c->e, in, eg ? lg_arena_printf(c->a, "%s/Egress", eptr) : eptr,
                           "\"Egress\": expected a boolean, got %s",
                           eg ? type_name(eg) : "nothing");
    bool egress = json_is_true(eg);
    const char *act, *ps;
    if (get_str(c, in, en, eptr, "RuleAction", true, &act) < 0)
        return -1;
    if (strcmp(act, "allow") != 0 && strcmp(act, "deny") != 0)
        return nr_json_err(c->e, in, lg_arena_printf(c->a, "%s/RuleAction", eptr),
                           "\"RuleAction\": expected \"allow\" or \"deny\", got \"%s\"",
                           act);
    json_t *pv = json_object_get(en, "Protocol");
    if (json_is_integer(pv))
        ps = lg_arena_printf(c->a, "%lld", (long long)json_integer_value(pv));
    else if (get_str(c, in, en, eptr, "Protocol", true, &ps) < 0)
        return -1;
    int proto = aws_proto(ps);
    if (proto == -1)
        return nr_json_err(c->e, in, lg_arena_printf(c->a, "%s/Protocol", eptr),
                           "unknown protocol \"%s\": expected -1 or a protocol "
                           "number 0-255", ps);
    const char *v4, *v6;
    if (get_str(c, in, en, eptr, "CidrBlock", false, &v4) < 0 ||
        get_str(c, in, en, eptr, "Ipv6CidrBlock", false, &v6) < 0)
        return -1;
    if (!v4 == !v6)
        return nr_json_err(c->e, in, eptr, "expected exactly one of \"CidrBlock\" "
                           "and \"Ipv6CidrBlock\"");
    lg_ivset addr;
    if (parse_cidr(c, in,
                   lg_arena_printf(c->a, "%s/%s", eptr, v4 ? "CidrBlock" : "Ipv6CidrBlock"),
                   v4 ? "CidrBlock" : "Ipv6CidrBlock", v4 ? v4 : v6, v4 ? 4 : 6,
                   &addr) < 0)
        return -1;
    long long lo = 0, hi = 65535;
    if (has_ports(proto)) {
        json_t *pr = json_object_get(en, "PortRange");
        if (pr && !json_is_null(pr)) {
            const char *pp = lg_arena_printf(c->a, "%s/PortRange", eptr);
            bool hf, ht;
            if (want_obj(c, in, pr, pp, "a PortRange") < 0 ||
                get_int(c, in, pr, pp, "From", &lo, &hf) < 0 ||
                get_int(c, in, pr, pp, "To", &hi, &ht) < 0)
                return -1;
            if (!hf || !ht)
                return nr_json_err(c->e, in, pp, "PortRange: expected \"From\" and \"To\"");
            if (lo < 0 || lo > 65535 || hi < 0 || hi > 65535)
                return nr_json_err(c->e, in, pp, "PortRange: expected ports 0-65535, "
                                   "got %lld-%lld", lo, hi);
            if (lo > hi)
                return nr_json_err(c->e, in, lg_arena_printf(c->a, "%s/From", pp),
                                   "PortRange: From %lld is greater than To %lld", lo, hi);
        }
    } else if (is_icmp(proto)) {
        lo = hi = -1;
        json_t *tc = json_object_get(en, "IcmpTypeCode");
        if (tc && !json_is_null(tc)) {
            const char *tp = lg_arena_printf(c->a, "%s/IcmpTypeCode", eptr);
            bool ht, hc;
            if (want_obj(c, in, tc, tp, "an IcmpTypeCode") < 0 ||
                get_int(c, in, tc, tp, "Type", &lo, &ht) < 0 ||
                get_int(c, in, tc, tp, "Code", &hi, &hc) < 0)
                return -1;
            if (!ht)
                lo = -1;
            if (!hc)
                hi = -1;
        }
    }
    nr_rule r;
    rule_init(c, &r, in, eptr, act[0] == 'a' ? NR_ACCEPT : NR_DROP);
    set_proto_ports(c, &r, proto, lo, hi);
    /* written as AWS states it; the reply layer is reversed by the engine */
    r.m[egress ? NR_DST : NR_SRC] = addr;
    r.priority = (long)num;
    if (num >= 32767) {
        r.name = "*";
        r.is_default = true;
    } else {
        r.name = lg_arena_printf(c->a, "%lld", num);
    }
    tl_add(c, egress ? &n->out_rules : &n->in_rules, &r);
    return 0;
}

/* Sort by rule number and make sure the `*` deny ends the list: AWS always
 * has it, exports (and moto) may leave it out. */
static void nacl_finish(aws_ctx *c, aws_nacl *n, tlist *t)
{
    if (t->n)
        qsort(t->v, t->n, sizeof *t->v, cmp_tmpl);
    for (size_t i = 0; i < t->n; i++)
        if (t->v[i].r.priority >= 32767 && t->v[i].r.action == NR_DROP &&
            lg_ivset_equal(t->v[i].r.m[NR_PROTO], nr_dim_all(c->s, NR_PROTO)))
            return; /* an explicit `*` (the IPv6 one may be missing: the
                       chain policy, also named `*`, covers it) */
    nr_rule r;
    rule_init(c, &r, n->in, n->ptr, NR_DROP);
    r.name = "*";
    r.is_default = true;
    r.priority = 32767;
    tl_add(c, t, &r);
}

static aws_nacl *find_nacl(aws_ctx *c, const char *id)
{
    for (size_t i = 0; i < c->nnacl; i++)
        if (strcmp(c->nacl[i].id, id) == 0)
            return &c->nacl[i];
    return NULL;
}

static int read_nacls(aws_ctx *c, const nr_input *in, json_t *arr)
{
    size_t i;
    json_t *j;
    c->have_nacls = true;
    json_array_foreach(arr, i, j) {
        const char *ptr = lg_arena_printf(c->a, "/NetworkAcls/%zu", i);
        aws_nacl tmp = {.ptr = ptr, .in = in};
        if (want_obj(c, in, j, ptr, "a network ACL") < 0 ||
            get_str(c, in, j, ptr, "NetworkAclId", true, &tmp.id) < 0 ||
            get_str(c, in, j, ptr, "VpcId", false, &tmp.vpc) < 0)
            return -1;
        json_t *def = json_object_get(j, "IsDefault");
        if (def && !json_is_null(def) && !json_is_boolean(def))
            return nr_json_err(c->e, in, lg_arena_printf(c->a, "%s/IsDefault", ptr),
                               "\"IsDefault\": expected a boolean, got %s",
                               type_name(def));
        tmp.is_default = json_is_true(def);
        json_t *ents, *as, *x;
        size_t k;
        if (get_arr(c, in, j, ptr, "Entries", &ents) < 0 ||
            get_arr(c, in, j, ptr, "Associations", &as) < 0)
            return -1;
        json_array_foreach(ents, k, x)
            if (nacl_entry(c, &tmp, x, lg_arena_printf(c->a, "%s/Entries/%zu", ptr, k)) < 0)
                return -1;
        tmp.subnets = lg_arena_alloc(c->a, (json_array_size(as) + 1) * sizeof *tmp.subnets);
        json_array_foreach(as, k, x) {
            const char *aptr = lg_arena_printf(c->a, "%s/Associations/%zu", ptr, k);
            const char *sub;
            if (want_obj(c, in, x, aptr, "an association") < 0 ||
                get_str(c, in, x, aptr, "SubnetId", false, &sub) < 0)
                return -1;
            if (sub)
                tmp.subnets[tmp.nsubnets++] = sub;
        }
        nacl_finish(c, &tmp, &tmp.in_rules);
        nacl_finish(c, &tmp, &tmp.out_rules);
        if (find_nacl(c, tmp.id))
            continue;
        aws_nacl *n = PUSH(c, c->nacl, c->nnacl, c->capnacl);
        *n = tmp;
    }
    return 0;
}

/* --- interfaces and instances ------------------------------------------ */

static int read_groups(aws_ctx *c, const nr_input *in, json_t *obj, const char *ptr,
                       const char *key, aws_eni *x)
{
    json_t *gs, *g;
    size_t i;
    if (get_arr(c, in, obj, ptr, key, &gs) < 0)
        return -1;
    x->groups = lg_arena_alloc(c->a, (json_array_size(gs) + 1) * sizeof *x->groups);
    json_array_foreach(gs, i, g) {
        const char *gptr = lg_arena_printf(c->a, "%s/%s/%zu", ptr, key, i);
        const char *id;
        if (want_obj(c, in, g, gptr, "a group") < 0 ||
            get_str(c, in, g, gptr, "GroupId", true, &id) < 0)
            return -1;
        x->groups[x->ngroups++] = id;
    }
    return 0;
}

static aws_eni *find_eni(aws_ctx *c, const char *id)
{
    for (size_t i = 0; i < c->neni; i++)
        if (strcmp(c->eni[i].id, id) == 0)
            return &c->eni[i];
    return NULL;
}

/* One NetworkInterface object (describe-network-interfaces, or inside an
 * instance, whose id is then `instance`). */
static int read_eni(aws_ctx *c, const nr_input *in, json_t *j, const char *ptr,
                    const char *instance)
{
    aws_eni x = {.ptr = ptr, .in = in, .instance = instance};
    json_t *att = json_object_get(j, "Attachment"), *as = json_object_get(j, "Association");
    if (want_obj(c, in, j, ptr, "a network interface") < 0 ||
        get_str(c, in, j, ptr, "NetworkInterfaceId", true, &x.id) < 0 ||
        get_str(c, in, j, ptr, "SubnetId", false, &x.subnet) < 0 ||
        get_str(c, in, j, ptr, "VpcId", false, &x.vpc) < 0 ||
        read_groups(c, in, j, ptr, "Groups", &x) < 0)
        return -1;
    if (!x.instance && json_is_object(att) &&
        get_str(c, in, att, lg_arena_printf(c->a, "%s/Attachment", ptr), "InstanceId",
                false, &x.instance) < 0)
        return -1;
    if (json_is_object(as) &&
        get_str(c, in, as, lg_arena_printf(c->a, "%s/Association", ptr), "PublicIp",
                false, &x.public_ip) < 0)
        return -1;
    x.has_ipv6 = json_array_size(json_object_get(j, "Ipv6Addresses")) > 0;
    aws_eni *e = find_eni(c, x.id);
    if (e) { /* the same ENI from both the ENI and the instance export */
        if (!e->instance)
            e->instance = x.instance;
        if (!e->public_ip)
            e->public_ip = x.public_ip;
        return 0;
    }
    e = PUSH(c, c->eni, c->neni, c->capeni);
    *e = x;
    return 0;
}

static int read_enis(aws_ctx *c, const nr_input *in, json_t *arr)
{
    size_t i;
    json_t *j;
    json_array_foreach(arr, i, j)
        if (read_eni(c, in, j, lg_arena_printf(c->a, "/NetworkInterfaces/%zu", i), NULL) < 0)
            return -1;
    return 0;
}

static int read_reservations(aws_ctx *c, const nr_input *in, json_t *arr)
{
    size_t i, k, m;
    json_t *r, *inst, *ni;
    json_array_foreach(arr, i, r) {
        const char *rptr = lg_arena_printf(c->a, "/Reservations/%zu", i);
        json_t *insts;
        if (want_obj(c, in, r, rptr, "a reservation") < 0 ||
            get_arr(c, in, r, rptr, "Instances", &insts) < 0)
            return -1;
        json_array_foreach(insts, k, inst) {
            const char *iptr = lg_arena_printf(c->a, "%s/Instances/%zu", rptr, k);
            const char *iid;
            json_t *nis;
            if (want_obj(c, in, inst, iptr, "an instance") < 0 ||
                get_str(c, in, inst, iptr, "InstanceId", true, &iid) < 0 ||
                get_arr(c, in, inst, iptr, "NetworkInterfaces", &nis) < 0)
                return -1;
            json_array_foreach(nis, m, ni)
                if (read_eni(c, in, ni, lg_arena_printf(c->a, "%s/NetworkInterfaces/%zu",
                                                        iptr, m), iid) < 0)
                    return -1;
            if (json_array_size(nis))
                continue;
            /* no interface list (EC2-Classic style): the instance itself */
            aws_eni x = {.ptr = iptr, .in = in, .id = iid};
            if (get_str(c, in, inst, iptr, "SubnetId", false, &x.subnet) < 0 ||
                get_str(c, in, inst, iptr, "VpcId", false, &x.vpc) < 0 ||
                get_str(c, in, inst, iptr, "PublicIpAddress", false, &x.public_ip) < 0 ||
                read_groups(c, in, inst, iptr, "SecurityGroups", &x) < 0)
                return -1;
            if (!find_eni(c, x.id))
                *(aws_eni *)PUSH(c, c->eni, c->neni, c->capeni) = x;
        }
    }
    return 0;
}

/* --- prefix lists ------------------------------------------------------- */

static int read_pl_entries(aws_ctx *c, const nr_input *in, aws_pl *pl, json_t *arr,
                           const char *ptr)
{
    size_t i;
    json_t *j;
    json_array_foreach(arr, i, j) {
        const char *eptr = lg_arena_printf(c->a, "%s/%zu", ptr, i);
        const char *cidr;
        lg_ivset set;
        if (want_obj(c, in, j, eptr, "a prefix list entry") < 0 ||
            get_str(c, in, j, eptr, "Cidr", true, &cidr) < 0 ||
            parse_cidr(c, in, lg_arena_printf(c->a, "%s/Cidr", eptr), "Cidr", cidr,
                       strchr(cidr, ':') ? 6 : 4, &set) < 0)
            return -1;
        pl->set = lg_ivset_union(c->a, pl->set, set);
    }
    pl->known = true;
    return 0;
}

static int read_prefix_lists(aws_ctx *c, const nr_input *in, json_t *arr)
{
    size_t i;
    json_t *j;
    json_array_foreach(arr, i, j) {
        const char *ptr = lg_arena_printf(c->a, "/PrefixLists/%zu", i);
        const char *id, *name;
        json_t *ents;
        if (want_obj(c, in, j, ptr, "a prefix list") < 0 ||
            get_str(c, in, j, ptr, "PrefixListId", true, &id) < 0 ||
            get_str(c, in, j, ptr, "PrefixListName", false, &name) < 0 ||
            get_arr(c, in, j, ptr, "Entries", &ents) < 0)
            return -1;
        aws_pl *pl = add_pl(c, id);
        if (name && !pl->name)
            pl->name = name;
        /* "Entries" inside a list is not what describe-managed-prefix-lists
         * prints, but what `jq` joining it with the entries gives */
        if (ents && read_pl_entries(c, in, pl, ents,
                                    lg_arena_printf(c->a, "%s/Entries", ptr)) < 0)
            return -1;
    }
    return 0;
}

/* get-managed-prefix-list-entries does not name its list: take the id from
 * a "PrefixListId" member or from the file name (pl-0123abcd.json). */
static int read_entries_doc(aws_ctx *c, const nr_input *in, json_t *root, json_t *arr)
{
    const char *id;
    if (get_str(c, in, root, "", "PrefixListId", false, &id) < 0)
        return -1;
    if (!id) {
        const char *base = in->path ? strrchr(in->path, '/') : NULL;
        base = base ? base + 1 : in->path ? in->path : "";
        const char *p = strstr(base, "pl-");
        size_t n = 0;
        while (p && ((p[3 + n] >= '0' && p[3 + n] <= '9') ||
                     (p[3 + n] >= 'a' && p[3 + n] <= 'f')))
            n++;
        if (!p || n == 0)
            return nr_json_err(c->e, in, "/Entries", "prefix list entries without "
                               "a list id: name the file after the list "
                               "(pl-0123abcd.json) or add \"PrefixListId\"");
        id = lg_arena_strndup(c->a, p, n + 3);
    }
    return read_pl_entries(c, in, add_pl(c, id), arr, "/Entries");
}

/* --- emitting resources ------------------------------------------------- */

static void emit(aws_ctx *c, nr_layer *l, int chain, const tlist *t)
{
    for (size_t i = 0; i < t->n; i++) {
        nr_rule *r = nr_rule_add(c->s, l, chain);
        long prio = t->v[i].r.priority ? t->v[i].r.priority : (long)r->priority;
        *r = t->v[i].r;
        r->priority = prio;
    }
}

static const char *sg_label(aws_ctx *c, const aws_sg *g)
{
    return g->name ? lg_arena_printf(c->a, "%s (%s)", g->id, g->name) : g->id;
}

static void emit_sg(aws_ctx *c, aws_sg *g, nr_direction dir)
{
    nr_resource *r = nr_resource_add(c->s, sg_label(c, g), "aws-sg", g->in, dir);
    nr_layer *l = nr_layer_add(c->s, r, "security group", g->in);
    int ch = nr_chain_add(c->s, l, dir == NR_INBOUND ? "inbound" : "outbound",
                          NR_DROP, "implicit-deny");
    emit(c, l, ch, dir == NR_INBOUND ? &g->in_rules : &g->out_rules);
}

/* The two NACL layers for traffic in `dir`: the entries of that direction,
 * then the opposite entries for the reply (reversed). */
static void nacl_layers(aws_ctx *c, nr_resource *r, aws_nacl *n, nr_direction dir,
                        bool prefix)
{
    const char *pre = prefix ? lg_arena_printf(c->a, "NACL %s ", n->id) : "NACL ";
    bool in = dir == NR_INBOUND;
    nr_layer *l = nr_layer_add(c->s, r, lg_arena_printf(c->a, "%s%s", pre,
                               in ? "inbound" : "outbound"), n->in);
    int ch = nr_chain_add(c->s, l, in ? "inbound" : "outbound", NR_DROP, "*");
    emit(c, l, ch, in ? &n->in_rules : &n->out_rules);
    l = nr_layer_add(c->s, r, lg_arena_printf(c->a, "%s%s (reply)", pre,
                     in ? "outbound" : "inbound"), n->in);
    l->reverse = true;
    ch = nr_chain_add(c->s, l, in ? "outbound" : "inbound", NR_DROP, "*");
    emit(c, l, ch, in ? &n->out_rules : &n->in_rules);
}

static aws_nacl *nacl_of(aws_ctx *c, const aws_eni *x, bool *fallback)
{
    *fallback = false;
    if (x->subnet)
        for (size_t i = 0; i < c->nnacl; i++)
            for (size_t k = 0; k < c->nacl[i].nsubnets; k++)
                if (strcmp(c->nacl[i].subnets[k], x->subnet) == 0)
                    return &c->nacl[i];
    *fallback = true;
    for (size_t i = 0; i < c->nnacl; i++)
        if (c->nacl[i].is_default && x->vpc && c->nacl[i].vpc &&
            strcmp(c->nacl[i].vpc, x->vpc) == 0)
            return &c->nacl[i];
    return NULL;
}

static void emit_eni(aws_ctx *c, aws_eni *x, nr_direction dir)
{
    bool fallback;
    aws_nacl *n = nacl_of(c, x, &fallback);
    char note[1024];
    size_t nl = 0;
    note[0] = 0;
#define NOTE(...)                                                             \
    do {                                                                      \
        if (nl < sizeof note)                                                 \
            nl += (size_t)snprintf(note + nl, sizeof note - nl, "%s",         \
                                   nl ? "; " : "");                           \
        if (nl < sizeof note)                                                 \
            nl += (size_t)snprintf(note + nl, sizeof note - nl, __VA_ARGS__); \
    } while (0)

    const char *name = x->instance && strcmp(x->instance, x->id) != 0
                           ? lg_arena_printf(c->a, "%s (%s)", x->id, x->instance)
                           : x->id;
    nr_resource *r = nr_resource_add(c->s, name, "aws-eni", x->in, dir);
    nr_layer *l = nr_layer_add(c->s, r, "security groups", x->in);
    int ch = nr_chain_add(c->s, l, dir == NR_INBOUND ? "inbound" : "outbound",
                          NR_DROP, "implicit-deny");
    for (size_t i = 0; i < x->ngroups; i++) {
        aws_sg *g = find_sg(c, x->groups[i]);
        if (g) {
            g->used = true;
            emit(c, l, ch, dir == NR_INBOUND ? &g->in_rules : &g->out_rules);
            continue;
        }
        NOTE("security group %s is not in the inputs", x->groups[i]);
        nr_rule *u = nr_rule_add(c->s, l, ch);
        u->name = lg_arena_printf(c->a, "%s:?", x->groups[i]);
        u->ptr = x->ptr;
        u->in = x->in;
        nr_rule_uncertain(c->s, u, "rules of %s unknown (not in the inputs)",
                          x->groups[i]);
    }
    if (n) {
        n->used = true;
        nacl_layers(c, r, n, dir, true);
        if (fallback && x->subnet)
            NOTE("subnet %s has no NACL association in the inputs: "
                 "assumed the VPC default %s", x->subnet, n->id);
    } else if (c->have_nacls) {
        NOTE("network ACL of %s not in the inputs: security groups only",
             x->subnet ? x->subnet : "its subnet");
    } else {
        NOTE("no network ACL data: security groups only");
    }
    if (dir == NR_INBOUND && !x->public_ip && !x->has_ipv6)
        NOTE("no public IPv4 or IPv6 address in the data");
#undef NOTE
    if (nl)
        r->note = lg_arena_strdup(c->a, note);
}

/* --- entry points ------------------------------------------------------- */

static const char *const top_keys[] = {"SecurityGroups", "NetworkAcls",
                                       "NetworkInterfaces", "Reservations",
                                       "PrefixLists"};

bool nr_aws_detect(const nr_input *in)
{
    if (!in->json || !json_is_object(in->json))
        return false;
    for (size_t i = 0; i < sizeof top_keys / sizeof top_keys[0]; i++)
        if (json_is_array(json_object_get(in->json, top_keys[i])))
            return true;
    /* get-managed-prefix-list-entries: {"Entries":[{"Cidr":...}]} */
    json_t *en = json_object_get(in->json, "Entries");
    if (!json_is_array(en))
        return false;
    json_t *first = json_array_get(en, 0);
    return json_array_size(en) == 0 || json_object_get(first, "Cidr") != NULL;
}

int nr_aws_load(nr_snapshot *s, const nr_input *const *in, size_t n,
                const nr_opts *o, lg_err *e)
{
    aws_ctx c = {.s = s, .a = &s->arena, .e = e};
    c.group_space = lg_ip_private();
    if (o && o->vnet.n)
        c.group_space = lg_ivset_union(c.a, c.group_space, o->vnet);

    /* prefix lists first: security groups resolve them while being read */
    for (size_t i = 0; i < n; i++) {
        json_t *root = in[i]->json;
        if (!json_is_object(root))
            return nr_json_err(e, in[i], "", "expected an AWS `aws ec2 describe-*` "
                               "JSON object, got %s", root ? type_name(root) : "text");
        json_t *arr;
        if (get_arr(&c, in[i], root, "", "PrefixLists", &arr) < 0 ||
            (arr && read_prefix_lists(&c, in[i], arr) < 0))
            return -1;
        if (get_arr(&c, in[i], root, "", "Entries", &arr) < 0 ||
            (arr && read_entries_doc(&c, in[i], root, arr) < 0))
            return -1;
    }
    static int (*const readers[])(aws_ctx *, const nr_input *, json_t *) = {
        read_sgs, read_nacls, read_enis, read_reservations};
    for (size_t i = 0; i < n; i++) {
        json_t *root = in[i]->json;
        bool any = json_object_get(root, "PrefixLists") || json_object_get(root, "Entries");
        for (size_t k = 0; k < 4; k++) {
            json_t *arr;
            if (get_arr(&c, in[i], root, "", top_keys[k], &arr) < 0)
                return -1;
            if (!arr)
                continue;
            any = true;
            if (readers[k](&c, in[i], arr) < 0)
                return -1;
        }
        if (!any)
            return nr_json_err(e, in[i], "", "expected an AWS export with "
                               "\"SecurityGroups\", \"NetworkAcls\", "
                               "\"NetworkInterfaces\", \"Reservations\" or "
                               "\"PrefixLists\"");
    }

    for (size_t i = 0; i < c.neni; i++) {
        emit_eni(&c, &c.eni[i], NR_INBOUND);
        emit_eni(&c, &c.eni[i], NR_OUTBOUND);
    }
    for (size_t i = 0; i < c.nsg; i++)
        if (!c.sg[i].used) {
            emit_sg(&c, &c.sg[i], NR_INBOUND);
            emit_sg(&c, &c.sg[i], NR_OUTBOUND);
        }
    for (size_t i = 0; i < c.nnacl; i++)
        if (!c.nacl[i].used)
            for (int d = NR_INBOUND; d <= NR_OUTBOUND; d++) {
                aws_nacl *nc = &c.nacl[i];
                nr_resource *r = nr_resource_add(s, nc->id, "aws-nacl", nc->in,
                                                 (nr_direction)d);
                nacl_layers(&c, r, nc, (nr_direction)d, false);
            }
    return 0;
}
