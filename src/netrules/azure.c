/* azure.c - the Azure network security group reader.
 *
 * Reads every shape Azure tooling writes and turns it into the rules model:
 *   az network nsg show / list    flattened rules beside name and etag
 *   REST / ARM resource           {"properties":{"securityRules":[...]}},
 *                                 also {"value":[...]} list responses
 *   ARM deployment templates      NSG resources, nested and top-level
 *                                 ".../securityRules" children
 *   az network nic list-effective-nsg   effective rules per NIC
 *   NIC, VNet and subnet exports  which NSG guards which NIC (layering) and
 *                                 which private IPs are in which ASG
 *   Virtual Network Manager       security admin rules, their rule
 *                                 collections and network group members:
 *                                 a chain before each NSG (see below)
 *
 * Semantics: per NSG and direction one chain, lowest priority first, first
 * match decides, policy DROP named after the final default rule.  Default
 * rules (65000, 65001, 65500) are synthesized per direction unless the
 * export lists its own defaultSecurityRules for that direction.  A NIC whose
 * subnet and/or own NSG is known becomes one "azure-nic" resource with
 * layers in packet order (inbound: subnet then NIC; outbound: NIC then
 * subnet); NSGs used that way are not reported standalone.
 *
 * Address values: "*" and "Any" mean every address of both families;
 * "0.0.0.0/0" is IPv4 only, as Azure applies it, except inside
 * effective-rule exports, which render "*" as 0.0.0.0/0; "Internet" is everything outside
 * opts->vnet, "VirtualNetwork" is opts->vnet, "AzureLoadBalancer" is
 * 168.63.129.16/32.  Other service tags, ASGs without known members and
 * ARM expressions make the rule uncertain with that dimension = everything.
 *
 * Unknown decisions (ARM expressions outside match fields), chosen so both
 * bounds the evaluator derives stay sound:
 *   access      the rule is emitted twice at its place: an uncertain DROP
 *               then an uncertain ACCEPT with the same match.  The upper
 *               bound sees the allow, the lower bound sees the deny.
 *   direction   the uncertain rule is put in both directions (an uncertain
 *               rule may always turn out to match nothing).
 *   priority    the uncertain rule goes first: for an allow that is the
 *               placement allowing most, for a deny the one allowing least.
 *   rule list   securityRules given as an expression or a copy loop: one
 *               uncertain deny+allow pair of everything at the top.
 *   condition   a rule resource with a non-literal "condition" may not be
 *               deployed: uncertain (which includes "matches nothing").
 * ICMP rules cover ICMP and ICMPv6 (Azure's Icmp covers both families).
 * Only the first IP configuration's subnet is used for layering. */
#include "platforms.h"

#include <ctype.h>
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

enum { AZ_IN = 0, AZ_OUT = 1, AZ_BOTH = 2 };
#define AZ_MAXLV 8

typedef struct az_raw {      /* a rule's JSON, parsed once ASGs are known */
    json_t *obj;
    const char *ptr;
    const nr_input *in;
    const char *name;        /* overrides the JSON name (ARM children) */
    const char *cond;        /* ARM condition expression, or NULL */
    long line;               /* where the rule begins, if the input knows */
    bool is_default, effective;
} az_raw;

typedef struct az_rule {
    nr_rule r;
    int dir;                 /* AZ_IN, AZ_OUT, AZ_BOTH (unknown) */
    bool access_unknown;
    size_t seq;              /* document order, breaks priority ties */
} az_rule;

typedef struct az_nsg {
    const char *name, *id;   /* id may be NULL (templates) */
    const nr_input *in;
    const char *ptr;
    long line;               /* where the NSG begins, if the input knows */
    az_raw *raw;
    size_t nraw, capraw;
    const char *unknown;     /* whole rule list undecidable: why */
    char **subnets, **nics; /* ids the NSG says it is attached to */
    size_t nsub, capsub, nnic, capnic;
    az_rule *rules;
    size_t n;
    bool used;               /* layer of a NIC resource */
    bool eff;                /* an entry of an effective-rules export */
} az_nsg;

typedef struct az_nic {
    const char *name, *id, *nsg_ref, *subnet_id;
    const nr_input *in;
    bool effective;          /* levels come from an effective-rules export */
    az_nsg *lv[2][AZ_MAXLV]; /* [0] subnet level, [1] NIC level */
    size_t nlv[2];
} az_nic;

typedef struct az_subnet {
    const char *id, *nsg_ref;
} az_subnet;

typedef struct az_asg {
    const char *id;
    lg_ivset ips;
} az_asg;

typedef struct az_child {    /* ARM top-level ".../securityRules" resource */
    const char *name;
    json_t *obj;
    const char *ptr;
    const nr_input *in;
} az_child;

typedef struct az_ctx {
    nr_snapshot *s;
    lg_arena *a;
    const nr_opts *o;
    lg_err *e;
    lg_ivset vnet, internet, lb;
    bool effective_side;     /* parsing addresses of an effective rule */
    lg_arena tmp;            /* per-field JSON pointers, only for errors:
                                freed when the load returns */
    az_nsg **nsg;
    size_t nnsg, capnsg;
    az_nic *nic;
    size_t nnic, capnic;
    az_subnet *sub;
    size_t nsubnet, capsubnet;
    az_asg *asg;
    size_t nasg, capasg;
    az_child *child;
    size_t nchild, capchild;
    struct az_admin *adm;    /* Virtual Network Manager admin rules */
    size_t nadm, capadm;
    struct az_coll *coll;    /* their rule collections */
    size_t ncoll, capcoll;
    struct az_member *mem;   /* static members of network groups */
    size_t nmem, capmem;
} az_ctx;

#define PUSH(a, arr, n, cap) \
    ((arr) = lg_arena_grow((a), (arr), &(cap), (n), sizeof *(arr)), &(arr)[(n)++])

/* ---- small JSON helpers ---------------------------------------------- */

static const char *jstr(json_t *o, const char *k)
{
    json_t *v = json_is_object(o) ? json_object_get(o, k) : NULL;
    return json_is_string(v) ? json_string_value(v) : NULL;
}

/* The object holding a resource's settings: "properties" in REST/ARM
 * shapes, the object itself in az CLI's flattened output. */
static json_t *props(json_t *o, const char *ptr, const char **pptr, lg_arena *a)
{
    json_t *p = json_object_get(o, "properties");
    if (json_is_object(p)) {
        if (pptr)
            *pptr = lg_arena_printf(a, "%s/properties", ptr);
        return p;
    }
    if (pptr)
        *pptr = ptr;
    return o;
}

/* A key in the object or its "properties". */
static json_t *pget(json_t *o, const char *k)
{
    json_t *v = json_object_get(o, k);
    if (v && !json_is_null(v))
        return v;
    json_t *p = json_object_get(o, "properties");
    v = json_is_object(p) ? json_object_get(p, k) : NULL;
    return v && !json_is_null(v) ? v : NULL;
}

static const char *ref_id(json_t *v)
{
    if (json_is_string(v))
        return json_string_value(v);
    return jstr(v, "id");
}

static bool is_expr(const char *s)
{
    return s && s[0] == '[' && s[1] != '[';
}

static const char *type_of(json_t *o)
{
    const char *t = jstr(o, "type");
    return t ? t : "";
}

static bool type_is(json_t *o, const char *t)
{
    return strcasecmp(type_of(o), t) == 0;
}

/* memrchr(s, '/', len) without relying on _GNU_SOURCE. */
static const char *last_slash(const char *s, size_t len)
{
    while (len--)
        if (s[len] == '/')
            return s + len;
    return NULL;
}

/* Last path segment of a resource id, or for an ARM expression such as
 * [resourceId('Microsoft.Network/networkSecurityGroups', 'nsg1')] the last
 * quoted literal. */
static const char *ref_name(lg_arena *a, const char *ref)
{
    if (!ref)
        return "";
    size_t len = strlen(ref);
    if (is_expr(ref)) {
        const char *end = NULL, *beg = NULL;
        for (size_t i = len; i-- > 0;)
            if (ref[i] == '\'') {
                if (!end)
                    end = ref + i;
                else {
                    beg = ref + i + 1;
                    break;
                }
            }
        if (beg && end > beg) {
            const char *slash = last_slash(beg, (size_t)(end - beg));
            if (slash)
                beg = slash + 1;
            return lg_arena_strndup(a, beg, (size_t)(end - beg));
        }
        return ref;
    }
    while (len && ref[len - 1] == '/')
        len--;
    const char *slash = last_slash(ref, len);
    const char *b = slash ? slash + 1 : ref;
    return lg_arena_strndup(a, b, len - (size_t)(b - ref));
}

/* Does a reference (id or ARM expression) name this NSG? */
static bool ref_matches(lg_arena *a, const char *ref, const char *id,
                        const char *name)
{
    if (!ref)
        return false;
    if (id && !is_expr(ref) && !is_expr(id))
        return strcasecmp(ref, id) == 0;
    if (is_expr(name)) {
        /* "[parameters('nsgName')]" referenced as
         * "[resourceId('...', parameters('nsgName'))]" */
        size_t n = strlen(name);
        char *inner = lg_arena_strndup(a, name + 1, n > 2 ? n - 2 : 0);
        return *inner && strstr(ref, inner) != NULL;
    }
    return strcasecmp(ref_name(a, ref), name) == 0;
}

#define AVNM "Microsoft.Network/networkManagers/"

/* A Virtual Network Manager security admin rule (see below). */
static bool is_admin_rule(json_t *o)
{
    if (!json_is_object(o))
        return false;
    if (type_is(o, AVNM "securityAdminConfigurations/ruleCollections/rules") ||
        json_object_get(o, "ruleCollectionAppliesToGroups"))
        return true;
    const char *kind = jstr(o, "kind");
    return kind && (strcasecmp(kind, "Custom") == 0 || strcasecmp(kind, "Default") == 0) &&
           (json_is_array(pget(o, "sources")) || json_is_array(pget(o, "destinations")) ||
            pget(o, "flag"));
}

/* ---- detection -------------------------------------------------------- */

static bool item_is_azure(json_t *o, int depth);

static bool any_item(json_t *arr, int depth)
{
    size_t i;
    json_t *v;
    json_array_foreach(arr, i, v) {
        if (i >= 16)
            break;
        if (item_is_azure(v, depth + 1))
            return true;
    }
    return false;
}

static bool item_is_azure(json_t *o, int depth)
{
    if (depth > 4)
        return false;
    if (json_is_array(o))
        return any_item(o, depth);
    if (!json_is_object(o))
        return false;
    if (strncasecmp(type_of(o), "Microsoft.Network/", 18) == 0 || is_admin_rule(o))
        return true;
    if (json_is_array(pget(o, "securityRules")) ||
        json_is_array(pget(o, "defaultSecurityRules")) ||
        json_is_array(json_object_get(o, "effectiveSecurityRules")) ||
        json_is_array(pget(o, "ipConfigurations")) ||
        json_is_object(pget(o, "addressSpace")))
        return true;
    const char *schema = jstr(o, "$schema");
    if (schema && strstr(schema, "eploymentTemplate"))
        return true;
    json_t *v;
    if ((v = json_object_get(o, "value")) && json_is_array(v))
        return any_item(v, depth);
    if ((v = json_object_get(o, "networkSecurityGroups")) && json_is_array(v))
        return any_item(v, depth);
    return false;
}

bool nr_azure_detect(const nr_input *in)
{
    if (!in->json)
        return false;
    /* other clouds' top-level markers are never ours */
    if (json_is_object(in->json) &&
        (json_object_get(in->json, "nftables") ||
         json_object_get(in->json, "SecurityGroups") ||
         json_object_get(in->json, "NetworkAcls")))
        return false;
    return item_is_azure(in->json, 0);
}

/* ---- collecting ------------------------------------------------------- */

static az_nsg *nsg_new(az_ctx *c, const char *name, const char *id,
                       const nr_input *in, const char *ptr)
{
    az_nsg *g = lg_arena_alloc(c->a, sizeof *g);
    g->name = lg_arena_strdup(c->a, name);
    g->id = id ? lg_arena_strdup(c->a, id) : NULL;
    g->in = in;
    g->ptr = ptr;
    *PUSH(c->a, c->nsg, c->nnsg, c->capnsg) = g;
    return g;
}

/* Where an object begins, when the input was streamed (0: unknown). */
static long line_of(const nr_input *in, const json_t *o)
{
    return in->line_of ? in->line_of(in->line_ctx, o) : 0;
}

static void raw_add(az_ctx *c, az_nsg *g, json_t *obj, const char *ptr,
                    const nr_input *in, bool is_default, bool effective)
{
    az_raw *r = PUSH(&c->tmp, g->raw, g->nraw, g->capraw);
    memset(r, 0, sizeof *r);
    r->obj = obj;
    r->ptr = ptr;
    r->in = in;
    r->is_default = is_default;
    r->effective = effective;
    r->line = line_of(in, obj);
}

/* Rules of a list field ("securityRules", "defaultSecurityRules"). */
static int rule_list(az_ctx *c, az_nsg *g, json_t *p, const char *pptr,
                     const char *key, const nr_input *in, bool is_default)
{
    json_t *arr = json_object_get(p, key);
    const char *lptr = lg_arena_printf(&c->tmp, "%s/%s", pptr, key);
    if (!arr || json_is_null(arr))
        return 0;
    if (json_is_string(arr) && is_expr(json_string_value(arr))) {
        if (!g->unknown)
            g->unknown = lg_arena_printf(c->a, "%s is an ARM expression: %s", key,
                                         json_string_value(arr));
        return 0;
    }
    if (!json_is_array(arr))
        return nr_json_err(c->e, in, lptr, "expected %s to be an array of rules", key);
    size_t i;
    json_t *r;
    json_array_foreach(arr, i, r) {
        const char *rp = lg_arena_printf(&c->tmp, "%s/%zu", lptr, i);
        if (!json_is_object(r))
            return nr_json_err(c->e, in, rp, "expected a security rule object");
        raw_add(c, g, r, rp, in, is_default, false);
    }
    return 0;
}

static int add_nsg(az_ctx *c, json_t *o, const char *ptr, const nr_input *in)
{
    const char *name = jstr(o, "name");
    const char *id = jstr(o, "id");
    if (!name)
        name = id ? ref_name(c->a, id) : "nsg";
    const char *pptr;
    json_t *p = props(o, ptr, &pptr, c->a);
    az_nsg *g = nsg_new(c, name, id, in, ptr);
    g->line = line_of(in, o);
    if (rule_list(c, g, p, pptr, "securityRules", in, false) < 0 ||
        rule_list(c, g, p, pptr, "defaultSecurityRules", in, true) < 0)
        return -1;
    if (json_is_array(json_object_get(p, "copy")) && !g->unknown)
        g->unknown = "security rules built by an ARM copy loop";
    /* attachments the NSG itself reports */
    size_t i;
    json_t *v;
    json_array_foreach(pget(o, "subnets"), i, v) {
        const char *sid = ref_id(v);
        if (sid)
            *PUSH(c->a, g->subnets, g->nsub, g->capsub) = lg_arena_strdup(c->a, sid);
    }
    json_array_foreach(pget(o, "networkInterfaces"), i, v) {
        const char *nid = ref_id(v);
        if (nid)
            *PUSH(c->a, g->nics, g->nnic, g->capnic) = lg_arena_strdup(c->a, nid);
    }
    /* ARM: child rule resources nested in the NSG resource */
    json_array_foreach(json_object_get(o, "resources"), i, v) {
        const char *t = type_of(v);
        size_t tl = strlen(t);
        if (tl < 13 || strcasecmp(t + tl - 13, "securityRules") != 0)
            continue;
        const char *cp = lg_arena_printf(c->a, "%s/resources/%zu", ptr, i);
        raw_add(c, g, v, cp, in, false, false);
        const char *cn = jstr(v, "name");
        if (cn && !is_expr(cn) && strchr(cn, '/'))
            g->raw[g->nraw - 1].name = ref_name(c->a, cn);
        const char *cond = jstr(v, "condition");
        if (cond)
            g->raw[g->nraw - 1].cond = cond;
    }
    return 0;
}

static void asg_add(az_ctx *c, const char *id, lg_ivset ip)
{
    for (size_t i = 0; i < c->nasg; i++)
        if (strcasecmp(c->asg[i].id, id) == 0) {
            c->asg[i].ips = lg_ivset_union(c->a, c->asg[i].ips, ip);
            return;
        }
    az_asg *g = PUSH(c->a, c->asg, c->nasg, c->capasg);
    g->id = lg_arena_strdup(c->a, id);
    g->ips = ip;
}

static int add_nic(az_ctx *c, json_t *o, const char *ptr, const nr_input *in)
{
    (void)ptr;
    az_nic *n = PUSH(c->a, c->nic, c->nnic, c->capnic);
    memset(n, 0, sizeof *n);
    const char *id = jstr(o, "id");
    const char *name = jstr(o, "name");
    n->name = lg_arena_strdup(c->a, name ? name : id ? ref_name(c->a, id) : "nic");
    n->id = id ? lg_arena_strdup(c->a, id) : NULL;
    n->in = in;
    const char *nsg = ref_id(pget(o, "networkSecurityGroup"));
    n->nsg_ref = nsg ? lg_arena_strdup(c->a, nsg) : NULL;
    size_t i, j;
    json_t *ipc, *asg;
    json_array_foreach(pget(o, "ipConfigurations"), i, ipc) {
        const char *sid = ref_id(pget(ipc, "subnet"));
        if (sid && !n->subnet_id)
            n->subnet_id = lg_arena_strdup(c->a, sid);
        json_t *ipv = pget(ipc, "privateIPAddress");
        if (!ipv)
            ipv = pget(ipc, "privateIpAddress");
        lg_ivset ip = lg_ivset_empty;
        const char *ips = json_is_string(ipv) ? json_string_value(ipv) : NULL;
        if (!ips || !lg_ip_parse_set(c->a, ips, strlen(ips), &ip, NULL))
            continue;
        json_array_foreach(pget(ipc, "applicationSecurityGroups"), j, asg) {
            const char *aid = ref_id(asg);
            if (aid)
                asg_add(c, aid, ip);
        }
    }
    return 0;
}

static void add_subnet(az_ctx *c, json_t *o)
{
    const char *id = jstr(o, "id");
    const char *nsg = ref_id(pget(o, "networkSecurityGroup"));
    if (!id)
        id = jstr(o, "name");
    if (!id || !nsg)
        return;
    az_subnet *sb = PUSH(c->a, c->sub, c->nsubnet, c->capsubnet);
    sb->id = lg_arena_strdup(c->a, id);
    sb->nsg_ref = lg_arena_strdup(c->a, nsg);
}

/* One entry of an effective-rules export: one NSG level of the NIC. */
static int eff_entry(az_ctx *c, az_nic *n, json_t *ent, const char *ep,
                     const nr_input *in)
{
    if (!json_is_object(ent))
        return nr_json_err(c->e, in, ep, "expected an effective network security group object");
    json_t *assoc = json_object_get(ent, "association");
    const char *nicid = ref_id(json_object_get(assoc, "networkInterface"));
    const char *subid = ref_id(json_object_get(assoc, "subnet"));
    if (nicid && !n->id) {
        n->id = lg_arena_strdup(c->a, nicid);
        n->name = ref_name(c->a, nicid);
    }
    if (subid && !n->subnet_id)
        n->subnet_id = lg_arena_strdup(c->a, subid);
    const char *nsgid = ref_id(json_object_get(ent, "networkSecurityGroup"));
    az_nsg *g = nsg_new(c, nsgid ? ref_name(c->a, nsgid) : (subid ? "subnet-nsg" : "nic-nsg"),
                        nsgid, in, ep);
    g->eff = true;
    int level = (subid && !nicid) ? 0 : 1;
    if (n->nlv[level] < AZ_MAXLV)
        n->lv[level][n->nlv[level]++] = g;
    json_t *rules = json_object_get(ent, "effectiveSecurityRules");
    const char *rp = lg_arena_printf(c->a, "%s/effectiveSecurityRules", ep);
    if (!json_is_array(rules))
        return nr_json_err(c->e, in, rp, "expected effectiveSecurityRules to be an array");
    size_t k;
    json_t *r;
    json_array_foreach(rules, k, r) {
        const char *rrp = lg_arena_printf(c->a, "%s/%zu", rp, k);
        if (!json_is_object(r))
            return nr_json_err(c->e, in, rrp, "expected a security rule object");
        const char *nm = jstr(r, "name");
        bool def = nm && strncasecmp(nm, "defaultSecurityRules/", 21) == 0;
        raw_add(c, g, r, rrp, in, def, true);
    }
    return 0;
}

/* One effective-rules document (a list of entries, or one entry). */
static int add_effective(az_ctx *c, json_t *v, const char *ptr,
                         const nr_input *in)
{
    az_nic *n = PUSH(c->a, c->nic, c->nnic, c->capnic);
    memset(n, 0, sizeof *n);
    n->effective = true;
    n->in = in;
    if (json_is_array(v)) {
        size_t i;
        json_t *ent;
        json_array_foreach(v, i, ent) {
            if (eff_entry(c, n, ent, lg_arena_printf(c->a, "%s/%zu", ptr, i), in) < 0)
                return -1;
        }
    } else if (eff_entry(c, n, v, ptr, in) < 0) {
        return -1;
    }
    if (!n->name) {
        /* a subnet-only export: name the resource after the file */
        const char *b = strrchr(in->path, '/');
        n->name = b ? b + 1 : in->path;
    }
    return 0;
}

/* ---- Virtual Network Manager security admin rules (collecting) -------
 * Admin rules are evaluated before every NSG of the virtual networks in
 * the network groups their rule collection applies to: Deny drops,
 * AlwaysAllow accepts without asking the NSGs, Allow (and no match) leaves
 * the decision to the NSGs.  Read from
 *   az network manager security-admin-config rule-collection rule list/show
 *     (and REST/ARM objects of type .../ruleCollections/rules)
 *   az network manager security-admin-config rule-collection list/show
 *     (appliesToGroups: which network groups)
 *   az network manager group static-member list (which VNets or subnets)
 *   az network manager list-active-security-admin-rule (rules that carry
 *     ruleCollectionAppliesToGroups themselves) */

typedef struct az_admin {
    az_raw raw;
    const char *id;          /* the rule's resource id, or NULL */
    char **groups;           /* network group ids it applies to */
    size_t ngroups, capgroups;
    bool groups_known;       /* given with the rule, or its collection found */
    int access;              /* AV_* */
    az_rule rule;            /* parsed: r.action unused, see access */
} az_admin;

typedef struct az_coll {
    const char *id;
    char **groups;
    size_t n, cap;
} az_coll;

typedef struct az_member {
    const char *group, *res; /* network group id, member VNet or subnet id */
} az_member;

enum { AV_ALLOW = 0, AV_ALWAYS, AV_DENY, AV_UNKNOWN };

/* Case-insensitive strstr for resource ids (Azure ids ignore case). */
static const char *id_find(const char *hay, const char *needle)
{
    size_t n = strlen(needle);
    for (const char *p = hay; *p; p++)
        if (strncasecmp(p, needle, n) == 0)
            return p;
    return NULL;
}

/* [{"networkGroupId": id}, ...] into a list of ids. */
static void group_ids(az_ctx *c, json_t *arr, char ***out, size_t *n, size_t *cap)
{
    size_t i;
    json_t *v;
    json_array_foreach(arr, i, v) {
        const char *g = jstr(v, "networkGroupId");
        if (!g)
            g = ref_id(v);
        if (g)
            *PUSH(c->a, *out, *n, *cap) = lg_arena_strdup(c->a, g);
    }
}

static void add_admin(az_ctx *c, json_t *o, const char *ptr, const nr_input *in)
{
    az_admin *ad = PUSH(c->a, c->adm, c->nadm, c->capadm);
    memset(ad, 0, sizeof *ad);
    ad->raw.obj = o;
    ad->raw.ptr = ptr;
    ad->raw.in = in;
    ad->raw.line = line_of(in, o);
    const char *id = jstr(o, "id");
    ad->id = id ? lg_arena_strdup(c->a, id) : NULL;
    json_t *g = json_object_get(o, "ruleCollectionAppliesToGroups");
    if (json_is_array(g)) {
        ad->groups_known = true;
        group_ids(c, g, &ad->groups, &ad->ngroups, &ad->capgroups);
    }
}

static void add_coll(az_ctx *c, json_t *o)
{
    const char *id = jstr(o, "id");
    json_t *g = pget(o, "appliesToGroups");
    if (!id || !json_is_array(g))
        return; /* nothing to join rules to */
    az_coll *k = PUSH(c->a, c->coll, c->ncoll, c->capcoll);
    memset(k, 0, sizeof *k);
    k->id = lg_arena_strdup(c->a, id);
    group_ids(c, g, &k->groups, &k->n, &k->cap);
}

static int add_member(az_ctx *c, json_t *o, const char *ptr, const nr_input *in)
{
    const char *id = jstr(o, "id");
    json_t *rv = pget(o, "resourceId");
    const char *at = id ? id_find(id, "/staticMembers/") : NULL;
    if (!json_is_string(rv))
        return nr_json_err(c->e, in, ptr, "expected a static member with a \"resourceId\" (the member virtual network)");
    if (!at)
        return nr_json_err(c->e, in, ptr, "expected a static member \"id\" of the form .../networkGroups/GROUP/staticMembers/NAME");
    az_member *m = PUSH(c->a, c->mem, c->nmem, c->capmem);
    m->group = lg_arena_strndup(c->a, id, (size_t)(at - id));
    m->res = lg_arena_strdup(c->a, json_string_value(rv));
    return 0;
}

static int walk(az_ctx *c, json_t *v, const char *ptr, const nr_input *in, int depth);

static int walk_array(az_ctx *c, json_t *arr, const char *ptr,
                      const nr_input *in, int depth)
{
    size_t i;
    json_t *v;
    size_t base = depth == 0 ? in->array_base : 0; /* a streamed batch */
    json_array_foreach(arr, i, v) {
        if (walk(c, v, lg_arena_printf(c->a, "%s/%zu", ptr, base + i), in, depth + 1) < 0)
            return -1;
    }
    return 0;
}

static int walk(az_ctx *c, json_t *o, const char *ptr, const nr_input *in, int depth)
{
    if (depth > 16)
        return 0;
    if (json_is_array(o))
        return walk_array(c, o, ptr, in, depth);
    if (!json_is_object(o))
        return 0;
    json_t *v;
    const char *t = type_of(o);
    if (is_admin_rule(o)) {
        add_admin(c, o, ptr, in);
        return 0;
    }
    if (type_is(o, AVNM "securityAdminConfigurations/ruleCollections")) {
        add_coll(c, o);
        return 0;
    }
    if (type_is(o, AVNM "networkGroups/staticMembers"))
        return add_member(c, o, ptr, in);
    if (type_is(o, "Microsoft.Network/networkSecurityGroups") ||
        json_is_array(pget(o, "securityRules")) ||
        json_is_array(pget(o, "defaultSecurityRules")) ||
        (json_is_string(pget(o, "securityRules")) && strncasecmp(t, "Microsoft.Network/networkSecurityGroups", 39) == 0))
        return add_nsg(c, o, ptr, in);
    if (type_is(o, "Microsoft.Network/networkSecurityGroups/securityRules")) {
        az_child *ch = PUSH(c->a, c->child, c->nchild, c->capchild);
        ch->name = jstr(o, "name");
        ch->obj = o;
        ch->ptr = ptr;
        ch->in = in;
        return 0;
    }
    if (type_is(o, "Microsoft.Network/networkInterfaces") ||
        json_is_array(pget(o, "ipConfigurations")))
        return add_nic(c, o, ptr, in);
    if (type_is(o, "Microsoft.Network/virtualNetworks/subnets")) {
        add_subnet(c, o);
        return 0;
    }
    if (type_is(o, "Microsoft.Network/virtualNetworks") || json_is_object(pget(o, "addressSpace"))) {
        size_t i;
        json_t *sb;
        json_array_foreach(pget(o, "subnets"), i, sb)
            add_subnet(c, sb);
        json_array_foreach(json_object_get(o, "resources"), i, sb)
            add_subnet(c, sb);
        return 0;
    }
    if ((v = json_object_get(o, "networkSecurityGroups")) && json_is_array(v)) {
        json_t *first = json_array_get(v, 0);
        if (json_is_object(first) && json_object_get(first, "effectiveSecurityRules"))
            return add_effective(c, v, lg_arena_printf(c->a, "%s/networkSecurityGroups", ptr), in);
        return walk_array(c, v, lg_arena_printf(c->a, "%s/networkSecurityGroups", ptr), in, depth);
    }
    if (json_object_get(o, "effectiveSecurityRules"))
        return add_effective(c, o, ptr, in); /* one entry, no list around it */
    if ((v = json_object_get(o, "value")) && json_is_array(v)) {
        json_t *first = json_array_get(v, 0);
        if (json_is_object(first) && json_object_get(first, "effectiveSecurityRules"))
            return add_effective(c, v, lg_arena_printf(c->a, "%s/value", ptr), in);
        return walk_array(c, v, lg_arena_printf(c->a, "%s/value", ptr), in, depth);
    }
    if ((v = json_object_get(o, "resources")) && json_is_array(v))
        return walk_array(c, v, lg_arena_printf(c->a, "%s/resources", ptr), in, depth);
    return 0;
}

/* Attach ARM top-level child rules ("nsg1/rule2", or expressions such as
 * [concat(parameters('nsgName'), '/allow-es')]) to their NSG. */
static void attach_children(az_ctx *c)
{
    for (size_t i = 0; i < c->nchild; i++) {
        az_child *ch = &c->child[i];
        const char *nm = ch->name ? ch->name : "securityRule";
        const char *parent = NULL, *rule = nm;
        if (!is_expr(nm)) {
            const char *slash = strrchr(nm, '/');
            if (slash) {
                parent = lg_arena_strndup(c->a, nm, (size_t)(slash - nm));
                rule = slash + 1;
            }
        } else {
            const char *q = strstr(nm, "'/");
            if (q) {
                const char *end = strchr(q + 2, '\'');
                rule = end ? lg_arena_strndup(c->a, q + 2, (size_t)(end - q - 2))
                           : lg_arena_strdup(c->a, q + 2);
            }
        }
        az_nsg *g = NULL;
        size_t nsgs_in_file = 0;
        az_nsg *only = NULL;
        for (size_t k = 0; k < c->nnsg && !g; k++) {
            az_nsg *x = c->nsg[k];
            if (x->in != ch->in)
                continue;
            nsgs_in_file++;
            only = x;
            if (parent && strcasecmp(parent, x->name) == 0)
                g = x;
            else if (!parent && is_expr(nm) && is_expr(x->name)) {
                size_t n = strlen(x->name);
                char *inner = lg_arena_strndup(c->a, x->name + 1, n > 2 ? n - 2 : 0);
                if (*inner && strstr(nm, inner))
                    g = x;
            }
        }
        if (!g && !parent && nsgs_in_file == 1)
            g = only;
        if (!g) {
            const char *pn = parent ? parent : nm;
            for (size_t k = 0; k < c->nnsg && !g; k++)
                if (c->nsg[k]->in == ch->in && strcmp(c->nsg[k]->name, pn) == 0)
                    g = c->nsg[k];
            if (!g)
                g = nsg_new(c, pn, NULL, ch->in, ch->ptr);
        }
        raw_add(c, g, ch->obj, ch->ptr, ch->in, false, false);
        g->raw[g->nraw - 1].name = lg_arena_strdup(c->a, rule);
        const char *cond = jstr(ch->obj, "condition");
        if (cond)
            g->raw[g->nraw - 1].cond = cond;
    }
}

/* ---- rule parsing ----------------------------------------------------- */

typedef struct az_fld {      /* where a field's errors point */
    const nr_input *in;
    const char *base;        /* pointer of the object holding the field */
    const char *field;       /* its key, also named in messages */
    long idx;                /* index in the field's array, or -1 */
} az_fld;

/* A field's JSON pointer, made only when an error needs it. */
static const char *fld_ptr(az_ctx *c, const az_fld *f)
{
    if (f->idx < 0)
        return lg_arena_printf(&c->tmp, "%s/%s", f->base, f->field);
    return lg_arena_printf(&c->tmp, "%s/%s/%ld", f->base, f->field, f->idx);
}

/* The pointer of a key of an object, for errors. */
static const char *key_ptr(az_ctx *c, const char *base, const char *key)
{
    return fld_ptr(c, &(az_fld){NULL, base, key, -1});
}

static bool looks_like_tag(const char *v, size_t len)
{
    if (!len || !isalpha((unsigned char)v[0]))
        return false;
    for (size_t i = 0; i < len; i++)
        if (v[i] == '/' || v[i] == ':')
            return false;
    return true;
}

/* What an undecidable "[...]" value is: an ARM template expression, or a
 * value a Terraform plan only knows after apply (see terraform.c). */
static const char *expr_kind(const char *v)
{
    return strncmp(v, "[terraform:", 11) == 0 ? "Terraform value known only after apply"
                                              : "ARM expression";
}

/* Union one address value (possibly comma separated) into *set. */
static int addr_value(az_ctx *c, az_rule *ar, const az_fld *f, const char *v,
                      lg_ivset *set)
{
    if (is_expr(v)) {
        nr_rule_uncertain(c->s, &ar->r, "%s in %s: %s", expr_kind(v), f->field, v);
        *set = lg_ip_all();
        return 0;
    }
    if (v[0] == '[')
        v++; /* "[[" escapes a literal bracket */
    const char *p = v;
    for (;;) {
        const char *comma = strchr(p, ',');
        size_t len = comma ? (size_t)(comma - p) : strlen(p);
        while (len && isspace((unsigned char)*p)) {
            p++;
            len--;
        }
        while (len && isspace((unsigned char)p[len - 1]))
            len--;
        lg_ivset x;
        char *tok = lg_arena_strndup(c->a, p, len);
        if (!len)
            return nr_json_err(c->e, f->in, fld_ptr(c, f), "expected an address prefix in %s, got an empty string", f->field);
        if (strcmp(tok, "*") == 0 || strcasecmp(tok, "any") == 0 ||
            (c->effective_side && strcmp(tok, "0.0.0.0/0") == 0))
            x = lg_ip_all();
        else if (strcasecmp(tok, "Internet") == 0)
            x = c->internet;
        else if (strcasecmp(tok, "VirtualNetwork") == 0)
            x = c->vnet;
        else if (strcasecmp(tok, "AzureLoadBalancer") == 0)
            x = c->lb;
        else if (lg_ip_parse_set(c->a, tok, len, &x, NULL))
            ;
        else if (looks_like_tag(tok, len)) {
            nr_rule_uncertain(c->s, &ar->r, "unknown service tag '%s'", tok);
            x = lg_ip_all();
        } else
            return nr_json_err(c->e, f->in, fld_ptr(c, f),
                               "expected a CIDR prefix, IP address or service tag in %s, got \"%s\"",
                               f->field, tok);
        *set = lg_ivset_union(c->a, *set, x);
        if (!comma)
            return 0;
        p = comma + 1;
    }
}

/* Union one port value ("*", "80", "9000-9300", "80,443") into *set. */
static int port_value(az_ctx *c, az_rule *ar, const az_fld *f, json_t *jv,
                      lg_ivset *set)
{
    char num[32];
    const char *v;
    if (json_is_integer(jv)) {
        snprintf(num, sizeof num, "%lld", (long long)json_integer_value(jv));
        v = num;
    } else if (json_is_string(jv)) {
        v = json_string_value(jv);
    } else {
        return nr_json_err(c->e, f->in, fld_ptr(c, f), "expected %s to be a port or port range string", f->field);
    }
    if (is_expr(v)) {
        nr_rule_uncertain(c->s, &ar->r, "%s in %s: %s", expr_kind(v), f->field, v);
        *set = nr_dim_all(c->s, NR_DPORT);
        return 0;
    }
    const char *p = v;
    for (;;) {
        const char *comma = strchr(p, ',');
        size_t len = comma ? (size_t)(comma - p) : strlen(p);
        lg_u128 lo, hi;
        bool colon = memchr(p, ':', len) != NULL;
        if (colon || !nr_port_range(p, len, &lo, &hi))
            return nr_json_err(c->e, f->in, fld_ptr(c, f),
                               "expected a port, port range (\"9000-9300\") or \"*\" in %s, got \"%s\"",
                               f->field, v);
        *set = lg_ivset_union(c->a, *set, lg_ivset_range(c->a, lo, hi));
        if (!comma)
            return 0;
        p = comma + 1;
    }
}

/* A string-or-list pair such as sourcePortRange / sourcePortRanges.
 * Returns 1 if anything was present, 0 if neither, -1 on error. */
static int pair_values(az_ctx *c, az_rule *ar, json_t *p, const char *pptr,
                       const nr_input *in, const char *one, const char *many,
                       bool ports, lg_ivset *set)
{
    int found = 0;
    json_t *v = json_object_get(p, one);
    az_fld f = {in, pptr, one, -1};
    if (json_is_string(v) && json_string_length(v) == 0)
        v = NULL; /* az writes "" when the plural form is used */
    if (v && !json_is_null(v)) {
        if (ports) {
            if (port_value(c, ar, &f, v, set) < 0)
                return -1;
        } else {
            if (!json_is_string(v))
                return nr_json_err(c->e, in, fld_ptr(c, &f), "expected %s to be a string", one);
            if (addr_value(c, ar, &f, json_string_value(v), set) < 0)
                return -1;
        }
        found = 1;
    }
    v = json_object_get(p, many);
    if (v && !json_is_null(v)) {
        f.field = many;
        if (json_is_string(v) && is_expr(json_string_value(v))) {
            nr_rule_uncertain(c->s, &ar->r, "%s in %s: %s",
                              expr_kind(json_string_value(v)), many, json_string_value(v));
            *set = ports ? nr_dim_all(c->s, NR_DPORT) : lg_ip_all();
            return 1;
        }
        if (!json_is_array(v))
            return nr_json_err(c->e, in, fld_ptr(c, &f), "expected %s to be an array", many);
        size_t i;
        json_t *x;
        json_array_foreach(v, i, x) {
            az_fld fi = {in, pptr, many, (long)i};
            if (ports) {
                if (port_value(c, ar, &fi, x, set) < 0)
                    return -1;
            } else {
                if (!json_is_string(x))
                    return nr_json_err(c->e, in, fld_ptr(c, &fi), "expected %s entries to be strings", many);
                if (addr_value(c, ar, &fi, json_string_value(x), set) < 0)
                    return -1;
            }
            found = 1;
        }
    }
    return found;
}

/* Application security groups of one side of a rule. */
static int asg_values(az_ctx *c, az_rule *ar, json_t *p, const char *pptr,
                      const nr_input *in, const char *key, lg_ivset *set)
{
    json_t *v = json_object_get(p, key);
    if (!v || json_is_null(v))
        return 0;
    const char *kp = lg_arena_printf(&c->tmp, "%s/%s", pptr, key);
    if (json_is_string(v) && is_expr(json_string_value(v))) {
        nr_rule_uncertain(c->s, &ar->r, "%s in %s: %s",
                          expr_kind(json_string_value(v)), key, json_string_value(v));
        *set = lg_ip_all();
        return 1;
    }
    if (!json_is_array(v))
        return nr_json_err(c->e, in, kp, "expected %s to be an array of {\"id\": ...}", key);
    int found = 0;
    size_t i;
    json_t *x;
    json_array_foreach(v, i, x) {
        const char *id = ref_id(x);
        if (!id)
            return nr_json_err(c->e, in, lg_arena_printf(&c->tmp, "%s/%zu", kp, i),
                               "expected an application security group reference {\"id\": ...}");
        found = 1;
        const az_asg *hit = NULL;
        for (size_t k = 0; k < c->nasg && !hit; k++)
            if (strcasecmp(c->asg[k].id, id) == 0 ||
                (is_expr(id) && strcasecmp(ref_name(c->a, c->asg[k].id), ref_name(c->a, id)) == 0))
                hit = &c->asg[k];
        if (hit) {
            *set = lg_ivset_union(c->a, *set, hit->ips);
        } else {
            nr_rule_uncertain(c->s, &ar->r, "ASG membership unknown: %s",
                              is_expr(id) ? id : ref_name(c->a, id));
            *set = lg_ip_all();
        }
    }
    return found;
}

/* Source or destination addresses: prefixes, effective-rule expansions
 * and ASGs, unioned. */
static int side(az_ctx *c, az_rule *ar, json_t *p, const char *pptr,
                const nr_input *in, bool effective, bool src, lg_ivset *set)
{
    *set = lg_ivset_empty;
    c->effective_side = effective;
    const char *exp = src ? "expandedSourceAddressPrefix" : "expandedDestinationAddressPrefix";
    json_t *x = json_object_get(p, exp);
    if (effective && json_is_array(x) && json_array_size(x) > 0) {
        /* the tag as Azure resolved it for this NIC: exact */
        size_t i;
        json_t *v;
        json_array_foreach(x, i, v) {
            az_fld f = {in, pptr, exp, (long)i};
            if (!json_is_string(v))
                return nr_json_err(c->e, in, fld_ptr(c, &f), "expected %s entries to be strings", exp);
            if (addr_value(c, ar, &f, json_string_value(v), set) < 0)
                return -1;
        }
        return 0;
    }
    const char *one = src ? "sourceAddressPrefix" : "destinationAddressPrefix";
    const char *many = src ? "sourceAddressPrefixes" : "destinationAddressPrefixes";
    const char *asg = src ? "sourceApplicationSecurityGroups"
                          : "destinationApplicationSecurityGroups";
    int a = pair_values(c, ar, p, pptr, in, one, many, false, set);
    if (a < 0)
        return -1;
    int b = asg_values(c, ar, p, pptr, in, asg, set);
    if (b < 0)
        return -1;
    if (!a && !b)
        *set = lg_ip_all(); /* Azure requires one; absent reads as "*" */
    return 0;
}

static int parse_protocol(az_ctx *c, az_rule *ar, json_t *p, const char *pptr,
                          const nr_input *in)
{
    json_t *v = json_object_get(p, "protocol");
    if (!v || json_is_null(v))
        return nr_json_err(c->e, in, pptr, "expected a \"protocol\" (Tcp, Udp, Icmp, Esp, Ah or *)");
    if (!json_is_string(v))
        return nr_json_err(c->e, in, key_ptr(c, pptr, "protocol"),
                           "expected protocol to be a string (Tcp, Udp, Icmp, Esp, Ah or *)");
    const char *s = json_string_value(v);
    lg_ivset *m = &ar->r.m[NR_PROTO];
    if (is_expr(s)) {
        nr_rule_uncertain(c->s, &ar->r, "%s in protocol: %s", expr_kind(s), s);
        *m = nr_dim_all(c->s, NR_PROTO);
    } else if (strcmp(s, "*") == 0 || strcasecmp(s, "All") == 0 || strcasecmp(s, "Any") == 0) {
        *m = nr_dim_all(c->s, NR_PROTO);
    } else if (strcasecmp(s, "Icmp") == 0) {
        lg_iv iv[2] = {{1, 1}, {58, 58}};
        *m = lg_ivset_from(c->a, iv, 2);
    } else if (strcasecmp(s, "Tcp") == 0 || strcasecmp(s, "Udp") == 0 ||
               strcasecmp(s, "Esp") == 0 || strcasecmp(s, "Ah") == 0) {
        int n = nr_proto_number(s);
        *m = lg_ivset_range(c->a, (lg_u128)n, (lg_u128)n);
    } else {
        return nr_json_err(c->e, in, key_ptr(c, pptr, "protocol"),
                           "expected protocol Tcp, Udp, Icmp, Esp, Ah or *, got \"%s\"", s);
    }
    return 0;
}

/* "priority": an integer (or its string), lowest first.  `lo` is the
 * platform's smallest (NSG 100, admin rules 1); anything up to 65535 is
 * read, as exports carry the 65000+ defaults. */
static int parse_priority(az_ctx *c, az_rule *ar, json_t *p, const char *pptr,
                          const nr_input *in, int lo)
{
    const char *name = ar->r.name;
    json_t *v = json_object_get(p, "priority");
    if (!v || json_is_null(v))
        return nr_json_err(c->e, in, ar->r.ptr, "rule '%s': expected a \"priority\" (an integer %d-4096)", name, lo);
    if (json_is_integer(v)) {
        json_int_t pr = json_integer_value(v);
        if (pr < 0 || pr > 65535)
            return nr_json_err(c->e, in, key_ptr(c, pptr, "priority"), "expected priority between %d and 4096, got %lld", lo, (long long)pr);
        ar->r.priority = (long)pr;
    } else if (json_is_string(v) && is_expr(json_string_value(v))) {
        nr_rule_uncertain(c->s, &ar->r, "%s in priority: %s",
                          expr_kind(json_string_value(v)), json_string_value(v));
        ar->r.priority = -1; /* evaluated first: see the header */
    } else if (json_is_string(v)) {
        const char *s = json_string_value(v);
        char *end;
        long pr = strtol(s, &end, 10);
        if (!*s || *end || pr < 0 || pr > 65535)
            return nr_json_err(c->e, in, key_ptr(c, pptr, "priority"), "expected priority to be an integer %d-4096, got \"%s\"", lo, s);
        ar->r.priority = pr;
    } else {
        return nr_json_err(c->e, in, key_ptr(c, pptr, "priority"), "expected priority to be an integer %d-4096", lo);
    }
    return 0;
}

/* "direction": Inbound or Outbound (AZ_BOTH when undecidable). */
static int parse_direction(az_ctx *c, az_rule *ar, json_t *p, const char *pptr,
                           const nr_input *in)
{
    const char *name = ar->r.name;
    json_t *v = json_object_get(p, "direction");
    const char *s = json_is_string(v) ? json_string_value(v) : NULL;
    if (!v || json_is_null(v))
        return nr_json_err(c->e, in, ar->r.ptr, "rule '%s': expected \"direction\": \"Inbound\" or \"Outbound\"", name);
    if (s && strcasecmp(s, "Inbound") == 0)
        ar->dir = AZ_IN;
    else if (s && strcasecmp(s, "Outbound") == 0)
        ar->dir = AZ_OUT;
    else if (is_expr(s)) {
        nr_rule_uncertain(c->s, &ar->r, "%s in direction: %s", expr_kind(s), s);
        ar->dir = AZ_BOTH;
    } else if (s)
        return nr_json_err(c->e, in, key_ptr(c, pptr, "direction"), "expected direction \"Inbound\" or \"Outbound\", got \"%s\"", s);
    else
        return nr_json_err(c->e, in, key_ptr(c, pptr, "direction"), "expected direction to be the string \"Inbound\" or \"Outbound\"");

    return 0;
}

/* Source and destination ports (singular or plural; absent: all). */
static int parse_ports(az_ctx *c, az_rule *ar, json_t *p, const char *pptr,
                       const nr_input *in)
{
    lg_ivset ps = lg_ivset_empty;
    int rc = pair_values(c, ar, p, pptr, in, "sourcePortRange", "sourcePortRanges", true, &ps);
    if (rc < 0)
        return -1;
    ar->r.m[NR_SPORT] = rc ? ps : nr_dim_all(c->s, NR_SPORT);
    ps = lg_ivset_empty;
    rc = pair_values(c, ar, p, pptr, in, "destinationPortRange", "destinationPortRanges", true, &ps);
    if (rc < 0)
        return -1;
    ar->r.m[NR_DPORT] = rc ? ps : nr_dim_all(c->s, NR_DPORT);
    return 0;
}

/* A rule that matches everything, at its place in the input. */
static void rule_init(az_ctx *c, az_rule *ar, const az_raw *raw, size_t seq)
{
    memset(ar, 0, sizeof *ar);
    ar->seq = seq;
    for (int d = 0; d < NR_NDIM; d++)
        ar->r.m[d] = nr_dim_all(c->s, (nr_dim)d);
    ar->r.in = raw->in;
    ar->r.ptr = raw->ptr;
    ar->r.line = raw->line;
}

static int parse_fields(az_ctx *c, az_nsg *g, const az_raw *raw, size_t seq)
{
    const nr_input *in = raw->in;
    json_t *o = raw->obj;
    const char *pptr;
    json_t *p = props(o, raw->ptr, &pptr, c->a);
    az_rule *ar = &g->rules[g->n];
    rule_init(c, ar, raw, seq);
    ar->r.is_default = raw->is_default;

    const char *name = raw->name ? raw->name : jstr(o, "name");
    if (!name)
        name = jstr(p, "name");
    if (!name)
        name = lg_arena_printf(c->a, "rule%zu", seq + 1);
    if (raw->effective) {
        /* "securityRules/allow-es" -> "allow-es" */
        if (strncasecmp(name, "securityRules/", 14) == 0)
            name += 14;
        else if (strncasecmp(name, "defaultSecurityRules/", 21) == 0)
            name += 21;
    }
    ar->r.name = name;
    if (raw->cond && strcasecmp(raw->cond, "true") != 0)
        nr_rule_uncertain(c->s, &ar->r, "deployed only if %s", raw->cond);

    json_t *v;
    const char *s;
    if (parse_priority(c, ar, p, pptr, in, 100) < 0)
        return -1;

    /* access */
    v = json_object_get(p, "access");
    s = json_is_string(v) ? json_string_value(v) : NULL;
    if (!v || json_is_null(v))
        return nr_json_err(c->e, in, raw->ptr, "rule '%s': expected \"access\": \"Allow\" or \"Deny\"", name);
    if (s && strcasecmp(s, "Allow") == 0)
        ar->r.action = NR_ACCEPT;
    else if (s && strcasecmp(s, "Deny") == 0)
        ar->r.action = NR_DROP;
    else if (is_expr(s)) {
        nr_rule_uncertain(c->s, &ar->r, "%s in access: %s", expr_kind(s), s);
        ar->r.action = NR_ACCEPT;
        ar->access_unknown = true;
    } else if (s)
        return nr_json_err(c->e, in, key_ptr(c, pptr, "access"), "expected access \"Allow\" or \"Deny\", got \"%s\"", s);
    else
        return nr_json_err(c->e, in, key_ptr(c, pptr, "access"), "expected access to be the string \"Allow\" or \"Deny\"");

    if (parse_direction(c, ar, p, pptr, in) < 0)
        return -1;
    if (parse_protocol(c, ar, p, pptr, in) < 0)
        return -1;
    if (parse_ports(c, ar, p, pptr, in) < 0)
        return -1;
    if (side(c, ar, p, pptr, in, raw->effective, true, &ar->r.m[NR_SRC]) < 0 ||
        side(c, ar, p, pptr, in, raw->effective, false, &ar->r.m[NR_DST]) < 0)
        return -1;
    g->n++;
    return 0;
}

/* A set of a finished rule, in the snapshot: the shared ones as they are,
 * the rest copied out of the scratch arena. */
static lg_ivset keep_set(const az_ctx *c, lg_ivset x, nr_dim d)
{
    const lg_ivset shared[] = {nr_dim_all(c->s, d), lg_ip_all(), c->vnet, c->internet, c->lb};
    for (size_t i = 0; i < sizeof shared / sizeof *shared; i++)
        if (x.iv == shared[i].iv)
            return x;
    return x.n ? lg_ivset_copy(&c->s->arena, x) : lg_ivset_empty;
}

/* A parsed rule's names and sets, moved out of the scratch arena. */
static void keep_rule(az_ctx *c, az_rule *ar, const az_raw *raw)
{
    ar->r.name = lg_arena_strdup(c->a, ar->r.name);
    /* with a line known, the pointer is not needed to find it later */
    ar->r.ptr = raw->line > 0 ? NULL : lg_arena_strdup(c->a, raw->ptr);
    for (int d = 0; d < NR_NDIM; d++)
        ar->r.m[d] = keep_set(c, ar->r.m[d], (nr_dim)d);
}

/* One rule: everything in between (tokens, partial unions, pointers)
 * goes to the scratch arena; only the rule's sets and names are kept. */
static int parse_rule(az_ctx *c, az_nsg *g, const az_raw *raw, size_t seq)
{
    lg_arena *keep = c->a;
    c->a = &c->tmp;
    int rc = parse_fields(c, g, raw, seq);
    c->a = keep;
    if (rc < 0)
        return -1;
    keep_rule(c, &g->rules[g->n - 1], raw);
    return 0;
}

/* The platform defaults, for a direction the export does not list. */
static void synth_defaults(az_ctx *c, az_nsg *g, int dir)
{
    static const struct {
        int dir;
        const char *name;
        long prio;
        nr_action act;
        int src, dst; /* 0 any, 1 vnet, 2 load balancer, 3 internet */
    } defs[] = {
        {AZ_IN, "AllowVnetInBound", 65000, NR_ACCEPT, 1, 1},
        {AZ_IN, "AllowAzureLoadBalancerInBound", 65001, NR_ACCEPT, 2, 0},
        {AZ_IN, "DenyAllInBound", 65500, NR_DROP, 0, 0},
        {AZ_OUT, "AllowVnetOutBound", 65000, NR_ACCEPT, 1, 1},
        {AZ_OUT, "AllowInternetOutBound", 65001, NR_ACCEPT, 0, 3},
        {AZ_OUT, "DenyAllOutBound", 65500, NR_DROP, 0, 0},
    };
    for (size_t i = 0; i < sizeof defs / sizeof defs[0]; i++) {
        if (defs[i].dir != dir)
            continue;
        az_rule *ar = &g->rules[g->n++];
        memset(ar, 0, sizeof *ar);
        ar->seq = (size_t)-1 / 2 + i;
        ar->dir = dir;
        for (int d = 0; d < NR_NDIM; d++)
            ar->r.m[d] = nr_dim_all(c->s, (nr_dim)d);
        ar->r.name = defs[i].name;
        ar->r.priority = defs[i].prio;
        ar->r.action = defs[i].act;
        ar->r.is_default = true;
        ar->r.in = g->in;
        ar->r.ptr = g->ptr;
        ar->r.line = g->line;
        const lg_ivset sets[] = {lg_ip_all(), c->vnet, c->lb, c->internet};
        ar->r.m[NR_SRC] = sets[defs[i].src];
        ar->r.m[NR_DST] = sets[defs[i].dst];
    }
}

static int cmp_rule(const void *x, const void *y)
{
    const az_rule *a = x, *b = y;
    if (a->r.priority != b->r.priority)
        return a->r.priority < b->r.priority ? -1 : 1;
    return a->seq < b->seq ? -1 : a->seq > b->seq;
}

static int parse_nsg(az_ctx *c, az_nsg *g)
{
    g->rules = lg_arena_alloc_nz(&c->tmp, (g->nraw * 2 + 8) * sizeof *g->rules);
    if (g->unknown) {
        /* the rule list itself is undecidable: allow-or-deny everything */
        az_rule *ar = &g->rules[g->n++];
        memset(ar, 0, sizeof *ar);
        for (int d = 0; d < NR_NDIM; d++)
            ar->r.m[d] = nr_dim_all(c->s, (nr_dim)d);
        ar->r.name = "securityRules";
        ar->r.priority = -1;
        ar->r.action = NR_ACCEPT;
        ar->r.in = g->in;
        ar->r.ptr = g->ptr;
        ar->dir = AZ_BOTH;
        ar->access_unknown = true;
        ar->r.uncertain = g->unknown;
    }
    bool has_def[2] = {false, false};
    for (size_t i = 0; i < g->nraw; i++) {
        if (parse_rule(c, g, &g->raw[i], i) < 0)
            return -1;
        az_rule *ar = &g->rules[g->n - 1];
        if (g->raw[i].is_default) {
            if (ar->dir != AZ_OUT)
                has_def[AZ_IN] = true;
            if (ar->dir != AZ_IN)
                has_def[AZ_OUT] = true;
        }
    }
    for (int d = AZ_IN; d <= AZ_OUT; d++)
        if (!has_def[d])
            synth_defaults(c, g, d);
    qsort(g->rules, g->n, sizeof *g->rules, cmp_rule);
    return 0;
}

/* ---- Virtual Network Manager admin rules (parsing, applying) ----------- */

/* One side of an admin rule: [{"addressPrefix": "Internet",
 * "addressPrefixType": "ServiceTag"}, ...]; none given reads as "*". */
static int admin_side(az_ctx *c, az_rule *ar, json_t *p, const char *pptr,
                      const nr_input *in, const char *key, lg_ivset *set)
{
    json_t *arr = json_object_get(p, key);
    *set = lg_ivset_empty;
    if (!arr || json_is_null(arr) || (json_is_array(arr) && json_array_size(arr) == 0)) {
        *set = lg_ip_all();
        return 0;
    }
    if (json_is_string(arr) && is_expr(json_string_value(arr))) {
        nr_rule_uncertain(c->s, &ar->r, "%s in %s: %s",
                          expr_kind(json_string_value(arr)), key, json_string_value(arr));
        *set = lg_ip_all();
        return 0;
    }
    if (!json_is_array(arr))
        return nr_json_err(c->e, in, key_ptr(c, pptr, key),
                           "expected %s to be an array of {\"addressPrefix\": ..., \"addressPrefixType\": ...}", key);
    size_t i;
    json_t *x;
    json_array_foreach(arr, i, x) {
        az_fld f = {in, lg_arena_printf(c->a, "%s/%s/%zu", pptr, key, i), "addressPrefix", -1};
        const char *pre = jstr(x, "addressPrefix");
        const char *ty = jstr(x, "addressPrefixType");
        if (!pre)
            return nr_json_err(c->e, in, f.base, "expected an \"addressPrefix\" string in each of %s", key);
        if (ty && strcasecmp(ty, "IPPrefix") != 0 && strcasecmp(ty, "ServiceTag") != 0) {
            nr_rule_uncertain(c->s, &ar->r, "address of type %s in %s: %s", ty, key, pre);
            *set = lg_ip_all();
            continue;
        }
        c->effective_side = false;
        if (addr_value(c, ar, &f, pre, set) < 0)
            return -1;
    }
    return 0;
}

static int parse_admin_fields(az_ctx *c, az_admin *ad, size_t seq)
{
    const az_raw *raw = &ad->raw;
    const nr_input *in = raw->in;
    const char *pptr;
    json_t *p = props(raw->obj, raw->ptr, &pptr, c->a);
    az_rule *ar = &ad->rule;
    rule_init(c, ar, raw, seq);
    /* ".../ruleCollections/RC/rules/R" is shown as "RC/R" */
    const char *rc = ad->id ? id_find(ad->id, "/ruleCollections/") : NULL;
    const char *name = jstr(raw->obj, "name");
    if (rc && id_find(rc, "/rules/")) {
        const char *cn = rc + 17, *rn = id_find(rc, "/rules/");
        name = lg_arena_printf(c->a, "%.*s/%s", (int)(rn - cn), cn, rn + 7);
    } else if (!name) {
        name = lg_arena_printf(c->a, "admin-rule%zu", seq + 1);
    }
    ar->r.name = name;

    json_t *v = json_object_get(p, "access");
    const char *kind = jstr(raw->obj, "kind");
    if (!v && kind && strcasecmp(kind, "Default") == 0) {
        /* a Microsoft-provided default rule, exported without its fields */
        nr_rule_uncertain(c->s, &ar->r, "default admin rule without its fields in the export");
        ar->r.priority = -1;
        ar->dir = AZ_BOTH;
        ad->access = AV_UNKNOWN;
        return 0;
    }
    if (parse_priority(c, ar, p, pptr, in, 1) < 0)
        return -1;
    const char *s = json_is_string(v) ? json_string_value(v) : NULL;
    if (!s)
        return nr_json_err(c->e, in, v ? key_ptr(c, pptr, "access") : raw->ptr,
                           "admin rule '%s': expected \"access\": \"Allow\", \"AlwaysAllow\" or \"Deny\"", name);
    if (strcasecmp(s, "Allow") == 0)
        ad->access = AV_ALLOW;
    else if (strcasecmp(s, "AlwaysAllow") == 0)
        ad->access = AV_ALWAYS;
    else if (strcasecmp(s, "Deny") == 0)
        ad->access = AV_DENY;
    else if (is_expr(s)) {
        nr_rule_uncertain(c->s, &ar->r, "%s in access: %s", expr_kind(s), s);
        ad->access = AV_UNKNOWN;
    } else
        return nr_json_err(c->e, in, key_ptr(c, pptr, "access"),
                           "expected access \"Allow\", \"AlwaysAllow\" or \"Deny\", got \"%s\"", s);
    if (parse_direction(c, ar, p, pptr, in) < 0 || parse_protocol(c, ar, p, pptr, in) < 0 ||
        parse_ports(c, ar, p, pptr, in) < 0 ||
        admin_side(c, ar, p, pptr, in, "sources", &ar->r.m[NR_SRC]) < 0 ||
        admin_side(c, ar, p, pptr, in, "destinations", &ar->r.m[NR_DST]) < 0)
        return -1;
    return 0;
}

static int cmp_admin(const void *x, const void *y)
{
    return cmp_rule(&((const az_admin *)x)->rule, &((const az_admin *)y)->rule);
}

/* Parse every admin rule, find the groups of those whose collection was
 * given apart, and sort them by priority. */
static int parse_admins(az_ctx *c)
{
    for (size_t i = 0; i < c->nadm; i++) {
        az_admin *ad = &c->adm[i];
        lg_arena *keep = c->a;
        c->a = &c->tmp;
        int rc = parse_admin_fields(c, ad, i);
        c->a = keep;
        if (rc < 0)
            return -1;
        keep_rule(c, &ad->rule, &ad->raw);
        const char *cut = ad->id ? id_find(ad->id, "/rules/") : NULL;
        for (size_t k = 0; cut && !ad->groups_known && k < c->ncoll; k++)
            if (strlen(c->coll[k].id) == (size_t)(cut - ad->id) &&
                strncasecmp(c->coll[k].id, ad->id, (size_t)(cut - ad->id)) == 0) {
                ad->groups = c->coll[k].groups;
                ad->ngroups = c->coll[k].n;
                ad->groups_known = true;
            }
    }
    if (c->nadm)
        qsort(c->adm, c->nadm, sizeof *c->adm, cmp_admin);
    return 0;
}

typedef struct az_scope {    /* where a layer's NSG sits, for admin rules */
    const char *const *subnets; /* subnet ids; the VNet is the part before
                                   "/subnets/" */
    size_t n;
    const char *who;         /* "NSG x", "NIC y": for reasons */
} az_scope;

/* Is this subnet, or its virtual network, a static member of the group? */
static bool member_of(const az_ctx *c, const char *group, const char *subnet)
{
    const char *cut = id_find(subnet, "/subnets/");
    size_t vlen = cut ? (size_t)(cut - subnet) : 0;
    for (size_t i = 0; i < c->nmem; i++) {
        const az_member *m = &c->mem[i];
        if (strcasecmp(m->group, group) == 0 &&
            (strcasecmp(m->res, subnet) == 0 ||
             (vlen && strlen(m->res) == vlen && strncasecmp(m->res, subnet, vlen) == 0)))
            return true;
    }
    return false;
}

enum { AP_NO = 0, AP_YES, AP_UNKNOWN };

/* Does an admin rule apply to traffic of the scope?  AP_UNKNOWN sets *why. */
static int admin_applies(az_ctx *c, const az_admin *ad, const az_scope *sc,
                         const char **why)
{
    if (!ad->groups_known) {
        *why = "its rule collection (appliesToGroups) is not in the inputs";
        return AP_UNKNOWN;
    }
    if (!ad->ngroups)
        return AP_NO;
    if (!sc->n) {
        *why = lg_arena_printf(c->a, "the virtual network of %s is not in the inputs", sc->who);
        return AP_UNKNOWN;
    }
    size_t in = 0;
    for (size_t i = 0; i < sc->n; i++)
        for (size_t g = 0; g < ad->ngroups; g++)
            if (member_of(c, ad->groups[g], sc->subnets[i])) {
                in++;
                break;
            }
    if (in == sc->n)
        return AP_YES;
    if (!in && c->o && c->o->avnm_static)
        return AP_NO;
    if (in)
        *why = lg_arena_printf(c->a, "it applies to some of the subnets of %s only", sc->who);
    else {
        const char *sub = sc->subnets[0], *cut = id_find(sub, "/subnets/");
        const char *vnet = cut ? lg_arena_strndup(c->a, sub, (size_t)(cut - sub)) : sub;
        *why = lg_arena_printf(c->a, "virtual network %s of %s is not a static member of "
                               "network group %s%s, but Azure Policy can add members "
                               "(--avnm-static-members: the static members given are all)",
                               ref_name(c->a, vnet), sc->who, ref_name(c->a, ad->groups[0]),
                               ad->ngroups > 1 ? " or the others it applies to" : "");
    }
    return AP_UNKNOWN;
}

/* The admin rules that may apply to a layer, as a chain in front of the
 * NSG's chain `nsg`: Deny -> DROP, AlwaysAllow -> ACCEPT, Allow -> GOTO
 * the NSG chain, and no match -> GOTO it too.  Several layers (subnet and
 * NIC NSG) each get the chain: a packet passes all layers iff no admin
 * rule denies it and an admin rule always-allows it or every NSG allows
 * it.  Returns the chain, or -1 when no admin rule may apply. */
static int admin_chain(az_ctx *c, nr_layer *l, const az_scope *sc, int dir, int nsg)
{
    int *ap = lg_arena_alloc(&c->tmp, (c->nadm + 1) * sizeof *ap);
    const char **why = lg_arena_alloc(&c->tmp, (c->nadm + 1) * sizeof *why);
    size_t n = 0;
    for (size_t i = 0; i < c->nadm; i++) {
        const az_admin *ad = &c->adm[i];
        ap[i] = AP_NO;
        if (ad->rule.dir != dir && ad->rule.dir != AZ_BOTH)
            continue;
        ap[i] = admin_applies(c, ad, sc, &why[i]);
        if (ap[i] != AP_NO)
            n += ad->access == AV_UNKNOWN ? 2 : 1;
    }
    if (!n)
        return -1;
    int ch = nr_chain_add(c->s, l, "AVNM admin rules", NR_DROP, "AVNM");
    l->chains[ch].shared = true;
    nr_chain_reserve(c->s, l, ch, n + 1);
    static const nr_action act[] = {NR_GOTO, NR_ACCEPT, NR_DROP, NR_DROP};
    for (size_t i = 0; i < c->nadm; i++) {
        const az_admin *ad = &c->adm[i];
        if (ap[i] == AP_NO)
            continue;
        for (int k = 0; k < (ad->access == AV_UNKNOWN ? 2 : 1); k++) {
            /* an undecidable access: uncertain deny, then uncertain allow */
            nr_rule *r = nr_rule_add(c->s, l, ch);
            *r = ad->rule.r;
            r->action = k ? NR_ACCEPT : act[ad->access];
            r->target = nsg;
            if (ap[i] == AP_UNKNOWN)
                nr_rule_uncertain(c->s, r, "admin rule may not apply: %s", why[i]);
        }
    }
    nr_rule *r = nr_rule_add(c->s, l, ch); /* no admin rule matched */
    r->name = "NSG";
    r->action = NR_GOTO;
    r->target = nsg;
    r->is_default = true;
    return ch;
}

/* ---- emitting --------------------------------------------------------- */

static void emit_rule(az_ctx *c, nr_layer *l, int ch, const az_rule *ar,
                      nr_action act)
{
    nr_rule *r = nr_rule_add(c->s, l, ch);
    *r = ar->r;
    r->action = act;
    if (!r->in)
        r->in = l->in;
}

static void emit_layer(az_ctx *c, nr_resource *res, const az_nsg *g, int dir,
                       const az_scope *sc)
{
    nr_layer *l = nr_layer_add(c->s, res, g->name, g->in);
    l->entry = nr_chain_add(c->s, l, dir == AZ_IN ? "Inbound" : "Outbound", NR_DROP,
                            dir == AZ_IN ? "DenyAllInBound" : "DenyAllOutBound");
    int nsg = l->entry;
    if (c->nadm) {
        int ach = admin_chain(c, l, sc, dir, nsg);
        if (ach >= 0)
            l->entry = ach;
    }
    size_t n = 0;
    for (size_t i = 0; i < g->n; i++)
        if (g->rules[i].dir == dir || g->rules[i].dir == AZ_BOTH)
            n += g->rules[i].access_unknown ? 2 : 1;
    nr_chain_reserve(c->s, l, nsg, n);
    for (size_t i = 0; i < g->n; i++) {
        const az_rule *ar = &g->rules[i];
        if (ar->dir != dir && ar->dir != AZ_BOTH)
            continue;
        if (ar->access_unknown)
            emit_rule(c, l, nsg, ar, NR_DROP);
        emit_rule(c, l, nsg, ar, ar->r.action);
    }
}

/* A level whose NSG is referenced but not among the inputs. */
static void emit_missing(az_ctx *c, nr_resource *res, const char *ref,
                         const nr_input *in, const az_scope *sc)
{
    az_nsg g = {0};
    az_rule ar;
    memset(&ar, 0, sizeof ar);
    for (int d = 0; d < NR_NDIM; d++)
        ar.r.m[d] = nr_dim_all(c->s, (nr_dim)d);
    g.name = ref_name(c->a, ref);
    g.in = in;
    ar.r.name = g.name;
    ar.r.priority = -1;
    ar.r.action = NR_ACCEPT;
    ar.r.uncertain = lg_arena_printf(c->a, "NSG %s is not in the inputs", g.name);
    ar.dir = AZ_BOTH;
    ar.access_unknown = true;
    g.rules = &ar;
    g.n = 1;
    emit_layer(c, res, &g, res->dir == NR_INBOUND ? AZ_IN : AZ_OUT, sc);
}

static bool id_in(lg_arena *a, const char *id, char **list, size_t n)
{
    for (size_t i = 0; id && i < n; i++)
        if (strcasecmp(id, list[i]) == 0 ||
            ((is_expr(id) || is_expr(list[i])) &&
             strcasecmp(ref_name(a, id), ref_name(a, list[i])) == 0))
            return true;
    return false;
}

/* Work out the subnet and NIC level of a configured NIC.  Returns false if
 * no NSG guards it as far as the inputs say. */
static bool resolve_nic(az_ctx *c, az_nic *n, const char **miss)
{
    miss[0] = miss[1] = NULL;
    const char *subref = NULL;
    for (size_t i = 0; i < c->nsubnet && n->subnet_id; i++)
        if (strcasecmp(c->sub[i].id, n->subnet_id) == 0 ||
            ((is_expr(n->subnet_id) || !strchr(c->sub[i].id, '/')) &&
             strcasecmp(ref_name(c->a, c->sub[i].id), ref_name(c->a, n->subnet_id)) == 0))
            subref = c->sub[i].nsg_ref;
    az_nsg *sg = NULL, *ng = NULL;
    for (size_t i = 0; i < c->nnsg; i++) {
        az_nsg *g = c->nsg[i];
        if (g->eff)
            continue;
        if (subref ? ref_matches(c->a, subref, g->id, g->name)
                   : id_in(c->a, n->subnet_id, g->subnets, g->nsub))
            sg = sg ? sg : g;
        if (n->nsg_ref ? ref_matches(c->a, n->nsg_ref, g->id, g->name)
                       : (n->id && id_in(c->a, n->id, g->nics, g->nnic)))
            ng = ng ? ng : g;
    }
    if (!sg && !ng)
        return false;
    if (sg)
        n->lv[0][n->nlv[0]++] = sg;
    else
        miss[0] = subref;
    if (ng)
        n->lv[1][n->nlv[1]++] = ng;
    else
        miss[1] = n->nsg_ref;
    return true;
}

static void emit_nic(az_ctx *c, const az_nic *n, const char *const *miss)
{
    const az_scope sc = {&n->subnet_id, n->subnet_id ? 1 : 0,
                         lg_arena_printf(c->a, "NIC %s", n->name)};
    for (int dir = AZ_IN; dir <= AZ_OUT; dir++) {
        nr_resource *r = nr_resource_add(c->s, n->name, "azure-nic", n->in,
                                         dir == AZ_IN ? NR_INBOUND : NR_OUTBOUND);
        r->platform = c->lb; /* the platform's health probes, not the Internet */
        /* inbound: subnet then NIC; outbound: NIC then subnet */
        for (int k = 0; k < 2; k++) {
            int lv = dir == AZ_IN ? k : 1 - k;
            if (miss[lv])
                emit_missing(c, r, miss[lv], n->in, &sc);
            for (size_t j = 0; j < n->nlv[lv]; j++)
                emit_layer(c, r, n->lv[lv][j], dir, &sc);
        }
    }
}

int nr_azure_load(nr_snapshot *s, const nr_input *const *in, size_t n,
                  const nr_opts *o, lg_err *e)
{
    az_ctx c = {.s = s, .a = &s->arena, .o = o, .e = e};
    lg_arena_init(&c.tmp);
    int rc = -1;
    c.vnet = o ? o->vnet : lg_ivset_empty;
    c.internet = lg_ivset_minus(c.a, lg_ip_all(), c.vnet);
    if (!lg_ip_parse_set(c.a, "168.63.129.16/32", 16, &c.lb, NULL))
        goto out;
    for (size_t i = 0; i < n; i++) {
        if (!in[i]->json || !item_is_azure(in[i]->json, 0)) {
            rc = lg_err_at(e, in[i]->path, 1, 1,
                           "expected an Azure export: an NSG (az network nsg show/list, "
                           "REST or ARM template), effective rules or NIC/VNet data");
            goto out;
        }
        if (walk(&c, in[i]->json, "", in[i], 0) < 0)
            goto out;
    }
    attach_children(&c);
    for (size_t i = 0; i < c.nnsg; i++)
        if (parse_nsg(&c, c.nsg[i]) < 0)
            goto out;
    if (parse_admins(&c) < 0)
        goto out;

    /* NICs with known NSG levels become layered resources */
    size_t nnic = c.nnic;
    for (size_t i = 0; i < nnic; i++) {
        az_nic *nic = &c.nic[i];
        const char *miss[2] = {NULL, NULL};
        if (!nic->effective && !resolve_nic(&c, nic, miss))
            continue;
        for (int lv = 0; lv < 2; lv++)
            for (size_t j = 0; j < nic->nlv[lv]; j++)
                nic->lv[lv][j]->used = true;
        emit_nic(&c, nic, miss);
    }
    for (size_t i = 0; i < c.nnsg; i++) {
        az_nsg *g = c.nsg[i];
        if (g->used)
            continue;
        const az_scope sc = {(const char *const *)g->subnets, g->nsub,
                             lg_arena_printf(c.a, "NSG %s", g->name)};
        for (int dir = AZ_IN; dir <= AZ_OUT; dir++) {
            nr_resource *r = nr_resource_add(s, g->name, "azure-nsg", g->in,
                                             dir == AZ_IN ? NR_INBOUND : NR_OUTBOUND);
            r->platform = c.lb;
            emit_layer(&c, r, g, dir, &sc);
        }
    }
    rc = 0;
out:
    lg_arena_free(&c.tmp);
    return rc;
}
