/* terraform.c - reader for `terraform show -json` output: a saved plan
 * (planned_values + resource_changes) or the state (values), so exposure
 * is caught before `terraform apply`.
 *
 * No semantics of its own: the Terraform resources are converted into the
 * native export shapes the platform readers already take, built as jansson
 * documents in memory and given to nr_azure_load / nr_aws_load /
 * nr_gcp_load through synthetic nr_inputs (allocated in the snapshot arena
 * because rules keep pointers to them; text NULL so no line of the plan is
 * claimed for a rule of the synthetic document).
 *
 *   azurerm_network_security_group (inline security_rule)
 *   azurerm_network_security_rule       -> Azure NSG list (REST shape)
 *   aws_security_group (inline ingress/egress)
 *   aws_security_group_rule
 *   aws_vpc_security_group_{ingress,egress}_rule
 *                                       -> describe-security-groups
 *   google_compute_firewall             -> gcloud firewall-rules list
 *
 * Which state: planned_values (the state after apply; deleted resources
 * are absent from it), else values (state output).  Names: NSGs and
 * security groups are named by their Terraform address
 * (module.x.aws_security_group.es), which is what the plan prints; rules
 * keep the platform's rule name (security_rule name, firewall name).
 * Standalone rules join their group by the group's id/name attribute, or,
 * when that is unknown at plan time, by the reference in `configuration`.
 *
 * Unknown at plan time (after_unknown true, or a whole block unknown):
 * Azure gets an ARM-style expression "[terraform: known after apply]",
 * which its reader treats as undecidable.  For AWS/GCP a parseable
 * placeholder is written and every rule the reader builds from that
 * element is widened afterwards (that dimension = everything) and marked
 * uncertain, so nothing unknown is guessed.  Errors the platform readers
 * report against the synthetic document are mapped back to the plan's
 * own JSON pointer, so they still name file:line:col. */
#include "platforms.h"

#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../core/jsonloc.h"

#define TF_UNKNOWN "[terraform: known after apply]"
#define TF_PL_UNKNOWN "pl-unknown-after-apply"

enum { U_ADDR = 1, U_PORT = 2, U_PROTO = 4, U_ALL = 8 };

/* A synthetic element (rule) and where it came from in the plan. */
typedef struct tf_map {
    const nr_input *syn;
    const char *sptr;   /* pointer in the synthetic document */
    const char *optr;   /* pointer in the plan */
    const char *reason; /* unknown attributes, or NULL */
    unsigned dims;
} tf_map;

/* One managed resource of the chosen state. */
typedef struct tf_res {
    const char *addr, *type, *ptr;
    json_t *v, *unk; /* values, after_unknown (may be NULL) */
} tf_res;

typedef struct tf_ctx {
    nr_snapshot *s;
    lg_arena *a;
    lg_err *e;
    const nr_input *in;
    json_t *root;
    tf_res *res;
    size_t nres, capres;
    tf_map *map;
    size_t nmap, capmap;
} tf_ctx;

static const char *type_name(const json_t *j)
{
    switch (json_typeof(j)) {
    case JSON_OBJECT: return "an object";
    case JSON_ARRAY: return "an array";
    case JSON_STRING: return "a string";
    case JSON_INTEGER: case JSON_REAL: return "a number";
    case JSON_TRUE: case JSON_FALSE: return "a boolean";
    default: return "null";
    }
}

bool nr_tf_detect(const nr_input *in)
{
    json_t *j = in->json;
    return json_is_object(j) && json_object_get(j, "format_version") &&
           (json_object_get(j, "planned_values") || json_object_get(j, "values") ||
            json_object_get(j, "resource_changes"));
}

/* ---- collecting resources ----------------------------------------------- */

static json_t *after_unknown(tf_ctx *c, const char *addr)
{
    json_t *rc = json_object_get(c->root, "resource_changes"), *ch;
    size_t i;
    json_array_foreach(rc, i, ch) {
        const char *a = json_string_value(json_object_get(ch, "address"));
        if (a && strcmp(a, addr) == 0)
            return json_object_get(json_object_get(ch, "change"), "after_unknown");
    }
    return NULL;
}

static int collect(tf_ctx *c, json_t *mod, const char *ptr, int depth)
{
    if (!json_is_object(mod))
        return nr_json_err(c->e, c->in, ptr, "expected a module object, got %s",
                           type_name(mod));
    if (depth > 64)
        return nr_json_err(c->e, c->in, ptr, "modules nested too deeply");
    json_t *rs = json_object_get(mod, "resources"), *r;
    size_t i;
    if (rs && !json_is_array(rs))
        return nr_json_err(c->e, c->in, lg_arena_printf(c->a, "%s/resources", ptr),
                           "resources: expected an array, got %s", type_name(rs));
    json_array_foreach(rs, i, r) {
        const char *rp = lg_arena_printf(c->a, "%s/resources/%zu", ptr, i);
        if (!json_is_object(r))
            return nr_json_err(c->e, c->in, rp, "expected a resource object, got %s",
                               type_name(r));
        json_t *ad = json_object_get(r, "address"), *ty = json_object_get(r, "type");
        json_t *mo = json_object_get(r, "mode"), *v = json_object_get(r, "values");
        if (!json_is_string(ad) || !json_is_string(ty))
            return nr_json_err(c->e, c->in, rp,
                               "expected a resource with \"address\" and \"type\" strings");
        if (mo && json_is_string(mo) && strcmp(json_string_value(mo), "managed") != 0)
            continue; /* data sources do not filter traffic */
        if (v && !json_is_object(v))
            return nr_json_err(c->e, c->in, lg_arena_printf(c->a, "%s/values", rp),
                               "values: expected an object, got %s", type_name(v));
        if (!v)
            continue; /* nothing known about it: nothing to model */
        c->res = lg_arena_grow(c->a, c->res, &c->capres, c->nres, sizeof *c->res);
        tf_res *t = &c->res[c->nres++];
        t->addr = lg_arena_strdup(c->a, json_string_value(ad));
        t->type = lg_arena_strdup(c->a, json_string_value(ty));
        t->ptr = lg_arena_printf(c->a, "%s/values", rp);
        t->v = v;
        t->unk = after_unknown(c, t->addr);
    }
    json_t *cm = json_object_get(mod, "child_modules"), *m;
    if (cm && !json_is_array(cm))
        return nr_json_err(c->e, c->in, lg_arena_printf(c->a, "%s/child_modules", ptr),
                           "child_modules: expected an array, got %s", type_name(cm));
    json_array_foreach(cm, i, m) {
        if (collect(c, m, lg_arena_printf(c->a, "%s/child_modules/%zu", ptr, i),
                    depth + 1) < 0)
            return -1;
    }
    return 0;
}

/* Without planned_values/values: the `after` of each change that keeps or
 * creates the resource. */
static int collect_changes(tf_ctx *c)
{
    json_t *rc = json_object_get(c->root, "resource_changes"), *ch;
    size_t i;
    if (!json_is_array(rc))
        return nr_json_err(c->e, c->in, "/resource_changes",
                           "resource_changes: expected an array");
    json_array_foreach(rc, i, ch) {
        const char *p = lg_arena_printf(c->a, "/resource_changes/%zu", i);
        json_t *ad = json_object_get(ch, "address"), *ty = json_object_get(ch, "type");
        json_t *chg = json_object_get(ch, "change");
        if (!json_is_string(ad) || !json_is_string(ty) || !json_is_object(chg))
            return nr_json_err(c->e, c->in, p, "expected a resource change with "
                               "\"address\", \"type\" and \"change\"");
        json_t *after = json_object_get(chg, "after");
        if (!json_is_object(after))
            continue; /* deleted */
        c->res = lg_arena_grow(c->a, c->res, &c->capres, c->nres, sizeof *c->res);
        tf_res *t = &c->res[c->nres++];
        t->addr = lg_arena_strdup(c->a, json_string_value(ad));
        t->type = lg_arena_strdup(c->a, json_string_value(ty));
        t->ptr = lg_arena_printf(c->a, "%s/change/after", p);
        t->v = after;
        t->unk = json_object_get(chg, "after_unknown");
    }
    return 0;
}

/* ---- attribute helpers ---------------------------------------------------- */

static bool unk(const json_t *u, const char *k)
{
    return json_is_true(u) || json_is_true(json_object_get(u, k));
}

/* Non-empty string attribute, NULL if absent/empty; -1 on a wrong type. */
static int str_attr(tf_ctx *c, const json_t *v, const char *ptr, const char *k,
                    const char **out)
{
    json_t *x = json_object_get(v, k);
    *out = NULL;
    if (!x || json_is_null(x))
        return 0;
    if (!json_is_string(x))
        return nr_json_err(c->e, c->in, lg_arena_printf(c->a, "%s/%s", ptr, k),
                           "%s: expected a string, got %s", k, type_name(x));
    if (json_string_length(x))
        *out = json_string_value(x);
    return 0;
}

/* Array attribute (possibly absent: NULL); -1 on a wrong type. */
static int arr_attr(tf_ctx *c, const json_t *v, const char *ptr, const char *k,
                    bool strings, json_t **out)
{
    json_t *x = json_object_get(v, k), *it;
    size_t i;
    *out = NULL;
    if (!x || json_is_null(x))
        return 0;
    if (!json_is_array(x))
        return nr_json_err(c->e, c->in, lg_arena_printf(c->a, "%s/%s", ptr, k),
                           "%s: expected an array, got %s", k, type_name(x));
    json_array_foreach(x, i, it) {
        if (strings ? !json_is_string(it) : !json_is_object(it))
            return nr_json_err(c->e, c->in, lg_arena_printf(c->a, "%s/%s/%zu", ptr, k, i),
                               "%s: expected %s, got %s", k,
                               strings ? "strings" : "objects", type_name(it));
    }
    *out = json_array_size(x) ? x : NULL;
    return 0;
}

static void map_add(tf_ctx *c, const nr_input *syn, const char *sptr,
                    const char *optr, const char *reason, unsigned dims)
{
    c->map = lg_arena_grow(c->a, c->map, &c->capmap, c->nmap, sizeof *c->map);
    c->map[c->nmap++] = (tf_map){.syn = syn, .sptr = sptr, .optr = optr,
                                 .reason = reason, .dims = dims};
}

/* Reason text listing the unknown attributes ("a, b"), NULL if none. */
typedef struct unk_acc {
    char buf[256];
    size_t n;
    unsigned dims;
} unk_acc;

static void unk_note(unk_acc *u, const char *attr, unsigned dim)
{
    int w = snprintf(u->buf + u->n, sizeof u->buf - u->n, "%s%s", u->n ? ", " : "", attr);
    if (w > 0 && (size_t)w < sizeof u->buf - u->n)
        u->n += (size_t)w;
    u->dims |= dim;
}

static const char *unk_reason(tf_ctx *c, const unk_acc *u)
{
    /* in the snapshot arena: rules keep it */
    return u->n ? lg_arena_printf(&c->s->arena, "%s known only after apply", u->buf)
                : NULL;
}

/* The resource a configuration expression of `addr` refers to, e.g.
 * "aws_security_group.es" for security_group_id = aws_security_group.es.id.
 * Root module only; NULL if there is none. */
static const char *config_ref(tf_ctx *c, const char *addr, const char *attr)
{
    json_t *rs = json_object_get(json_object_get(json_object_get(c->root, "configuration"),
                                                 "root_module"), "resources"), *r;
    size_t i, alen = strcspn(addr, "[");
    json_array_foreach(rs, i, r) {
        const char *a = json_string_value(json_object_get(r, "address"));
        if (!a || strlen(a) != alen || strncmp(a, addr, alen) != 0)
            continue;
        json_t *refs = json_object_get(json_object_get(json_object_get(r, "expressions"),
                                                       attr), "references"), *x;
        size_t k;
        json_array_foreach(refs, k, x) {
            const char *t = json_string_value(x);
            const char *dot = t ? strchr(t, '.') : NULL;
            if (!dot || strncmp(t, "var.", 4) == 0 || strncmp(t, "local.", 6) == 0 ||
                strncmp(t, "data.", 5) == 0)
                continue;
            /* TYPE.NAME[.attr] -> TYPE.NAME */
            const char *end = strchr(dot + 1, '.');
            return end ? lg_arena_strndup(c->a, t, (size_t)(end - t))
                       : lg_arena_strdup(c->a, t);
        }
    }
    return NULL;
}

/* The resource that `addr`.`attr` points at: by value of `key` in resources
 * of `type`, else through the configuration reference. */
static tf_res *find_target(tf_ctx *c, const tf_res *from, const char *attr,
                           const char *type, const char *key)
{
    const char *val = json_string_value(json_object_get(from->v, attr));
    for (size_t i = 0; val && *val && i < c->nres; i++) {
        tf_res *t = &c->res[i];
        const char *tv = json_string_value(json_object_get(t->v, key));
        if (strcmp(t->type, type) == 0 && tv && strcmp(tv, val) == 0)
            return t;
    }
    const char *ref = config_ref(c, from->addr, attr);
    for (size_t i = 0; ref && i < c->nres; i++) {
        tf_res *t = &c->res[i];
        if (strcmp(t->type, type) == 0 && strncmp(t->addr, ref, strlen(ref)) == 0 &&
            (t->addr[strlen(ref)] == 0 || t->addr[strlen(ref)] == '['))
            return t;
    }
    return NULL;
}

static nr_input *syn_input(tf_ctx *c)
{
    nr_input *si = lg_arena_alloc(&c->s->arena, sizeof *si);
    memset(si, 0, sizeof *si);
    si->path = lg_arena_strdup(&c->s->arena, c->in->path);
    si->text = NULL; /* rules point into a document that has no text */
    return si;
}

/* ---- handing a synthesized document to a platform reader ------------------ */

typedef int (*tf_loader)(nr_snapshot *, const nr_input *const *, size_t,
                         const nr_opts *, lg_err *);

/* Read `doc` as the synthetic input `syn` with `load`; nothing to do when
 * the plan had no resource of that platform (items == 0). */
static int hand_over(tf_ctx *c, nr_input *syn, json_t *doc, size_t items, tf_loader load,
                     const nr_opts *o)
{
    if (items == 0)
        return 0;
    syn->json = doc;
    const nr_input *one = syn;
    int rc = load(c->s, &one, 1, o, c->e);
    syn->json = NULL;
    return rc;
}

/* ---- Azure ---------------------------------------------------------------- */

/* Terraform security_rule attributes -> ARM rule properties. */
static int az_rule(tf_ctx *c, const nr_input *syn, json_t *rv, json_t *u,
                   const char *optr, const char *sptr, json_t *rules,
                   const char *fallback_name)
{
    static const struct { const char *tf, *arm; bool list; } f[] = {
        {"protocol", "protocol", false},
        {"direction", "direction", false},
        {"access", "access", false},
        {"source_port_range", "sourcePortRange", false},
        {"source_port_ranges", "sourcePortRanges", true},
        {"destination_port_range", "destinationPortRange", false},
        {"destination_port_ranges", "destinationPortRanges", true},
        {"source_address_prefix", "sourceAddressPrefix", false},
        {"source_address_prefixes", "sourceAddressPrefixes", true},
        {"destination_address_prefix", "destinationAddressPrefix", false},
        {"destination_address_prefixes", "destinationAddressPrefixes", true},
    };
    if (!json_is_object(rv))
        return nr_json_err(c->e, c->in, optr, "expected a security rule object, got %s",
                           type_name(rv));
    json_t *p = json_object();
    json_t *rule = json_pack("{s:o}", "properties", p);
    const char *name;
    if (str_attr(c, rv, optr, "name", &name) < 0)
        goto fail;
    json_object_set_new(rule, "name", json_string(name ? name : fallback_name));
    for (size_t i = 0; i < sizeof f / sizeof f[0]; i++) {
        if (unk(u, f[i].tf)) {
            /* the singular ARM field takes an expression; the plural one
             * only when the singular is taken */
            json_object_set_new(p, f[i].arm, json_string(TF_UNKNOWN));
            continue;
        }
        if (f[i].list) {
            json_t *arr;
            if (arr_attr(c, rv, optr, f[i].tf, true, &arr) < 0)
                goto fail;
            if (arr)
                json_object_set(p, f[i].arm, arr);
        } else {
            const char *sv;
            if (str_attr(c, rv, optr, f[i].tf, &sv) < 0)
                goto fail;
            if (sv)
                json_object_set_new(p, f[i].arm, json_string(sv));
        }
    }
    static const char *const asg[][2] = {
        {"source_application_security_group_ids", "sourceApplicationSecurityGroups"},
        {"destination_application_security_group_ids",
         "destinationApplicationSecurityGroups"}};
    for (int k = 0; k < 2; k++) {
        json_t *arr, *x;
        size_t i;
        if (unk(u, asg[k][0])) {
            json_object_set_new(p, asg[k][1], json_string(TF_UNKNOWN));
            continue;
        }
        if (arr_attr(c, rv, optr, asg[k][0], true, &arr) < 0)
            goto fail;
        if (!arr)
            continue;
        json_t *l = json_array();
        json_array_foreach(arr, i, x)
            json_array_append_new(l, json_pack("{s:O}", "id", x));
        json_object_set_new(p, asg[k][1], l);
    }
    json_t *pr = json_object_get(rv, "priority");
    if (unk(u, "priority"))
        json_object_set_new(p, "priority", json_string(TF_UNKNOWN));
    else if (pr)
        json_object_set(p, "priority", pr);
    map_add(c, syn, lg_arena_printf(c->a, "%s/%zu", sptr, json_array_size(rules)), optr,
            NULL, 0);
    json_array_append_new(rules, rule);
    return 0;
fail:
    json_decref(rule);
    return -1;
}

/* The securityRules array of the NSG named `name` in doc (created when
 * absent); *idx is its position. */
static json_t *az_nsg(json_t *doc, const char *name, size_t *idx)
{
    json_t *nsg = NULL;
    size_t i;
    json_array_foreach(doc, i, nsg) {
        if (strcmp(json_string_value(json_object_get(nsg, "name")), name) == 0)
            break;
    }
    if (i == json_array_size(doc)) {
        nsg = json_pack("{s:s,s:{s:[]}}", "name", name, "properties", "securityRules");
        json_array_append_new(doc, nsg);
    }
    *idx = i;
    return json_object_get(json_object_get(nsg, "properties"), "securityRules");
}

static int azure(tf_ctx *c, const nr_opts *o)
{
    nr_input *syn = syn_input(c);
    json_t *doc = json_array();
    int rc = -1;
    /* NSGs first (standalone rules join them), by address */
    for (size_t i = 0; i < c->nres; i++) {
        tf_res *t = &c->res[i];
        if (strcmp(t->type, "azurerm_network_security_group") != 0)
            continue;
        size_t idx;
        json_t *rules = az_nsg(doc, t->addr, &idx);
        const char *sptr = lg_arena_printf(c->a, "/%zu/properties/securityRules", idx);
        json_t *sr, *r;
        size_t k;
        if (unk(t->unk, "security_rule")) {
            json_t *u = json_true(), *none = json_object();
            int x = az_rule(c, syn, none, u,
                            lg_arena_printf(c->a, "%s/security_rule", t->ptr), sptr,
                            rules, "security_rule");
            json_decref(u);
            json_decref(none);
            if (x < 0)
                goto out;
            continue;
        }
        if (arr_attr(c, t->v, t->ptr, "security_rule", false, &sr) < 0)
            goto out;
        json_t *us = json_object_get(t->unk, "security_rule");
        json_array_foreach(sr, k, r) {
            if (az_rule(c, syn, r, json_array_get(us, k),
                        lg_arena_printf(c->a, "%s/security_rule/%zu", t->ptr, k), sptr,
                        rules, lg_arena_printf(c->a, "security_rule%zu", k)) < 0)
                goto out;
        }
    }
    for (size_t i = 0; i < c->nres; i++) {
        tf_res *t = &c->res[i];
        if (strcmp(t->type, "azurerm_network_security_rule") != 0)
            continue;
        tf_res *g = find_target(c, t, "network_security_group_name",
                                "azurerm_network_security_group", "name");
        /* an NSG not in this plan is known by its name */
        const char *n = json_string_value(json_object_get(t->v, "network_security_group_name"));
        const char *gname = g ? g->addr
                          : n && *n ? n
                                    : lg_arena_printf(c->a, "%s (group)", t->addr);
        size_t idx;
        json_t *rules = az_nsg(doc, gname, &idx);
        if (az_rule(c, syn, t->v, t->unk, t->ptr,
                    lg_arena_printf(c->a, "/%zu/properties/securityRules", idx), rules,
                    t->addr) < 0)
            goto out;
    }
    rc = hand_over(c, syn, doc, json_array_size(doc), nr_azure_load, o);
out:
    json_decref(doc);
    return rc;
}

/* ---- AWS ------------------------------------------------------------------ */

/* One permission from the attributes of an inline ingress/egress block or
 * a rule resource.  `k` names the attributes: protocol, cidr4 list or
 * single, etc. */
typedef struct aws_keys {
    const char *proto, *cidr4, *cidr6, *pl, *sg;
    bool need_src; /* vpc_security_group_*_rule: no source at all is unknown */
} aws_keys;

static int aws_perm(tf_ctx *c, const nr_input *syn, json_t *v, json_t *u,
                    const char *optr, const char *sptr, const aws_keys *k,
                    const char *self_id, json_t *perms)
{
    unk_acc ua = {.n = 0};
    ua.buf[0] = 0;
    json_t *p = json_object();
    const char *proto;
    if (!json_is_object(v)) {
        json_decref(p);
        return nr_json_err(c->e, c->in, optr, "expected a rule object, got %s",
                           type_name(v));
    }
    if (unk(u, k->proto)) {
        proto = "-1";
        unk_note(&ua, k->proto, U_PROTO);
    } else if (str_attr(c, v, optr, k->proto, &proto) < 0) {
        goto fail;
    }
    json_object_set_new(p, "IpProtocol", json_string(proto ? proto : "-1"));
    if (proto && strcmp(proto, "-1") != 0 && strcmp(proto, "all") != 0) {
        static const char *const pk[] = {"from_port", "to_port"};
        static const char *const ak[] = {"FromPort", "ToPort"};
        for (int i = 0; i < 2; i++) {
            json_t *x = json_object_get(v, pk[i]);
            if (unk(u, pk[i])) {
                json_object_set_new(p, ak[i], json_integer(i ? 65535 : 0));
                unk_note(&ua, pk[i], U_PORT);
            } else if (json_is_integer(x)) {
                json_object_set(p, ak[i], x);
            } else if (x && !json_is_null(x)) {
                nr_json_err(c->e, c->in, lg_arena_printf(c->a, "%s/%s", optr, pk[i]),
                            "%s: expected a port number, got %s", pk[i], type_name(x));
                goto fail;
            }
        }
    } else if (proto && strcmp(proto, "all") == 0) {
        json_object_set_new(p, "IpProtocol", json_string("-1"));
    }
    static const char *const lk[] = {"IpRanges", "Ipv6Ranges", "PrefixListIds",
                                     "UserIdGroupPairs"};
    static const char *const ik[] = {"CidrIp", "CidrIpv6", "PrefixListId", "GroupId"};
    const char *tk[] = {k->cidr4, k->cidr6, k->pl, k->sg};
    bool any_src = false, addr_unknown = false;
    for (int i = 0; i < 4; i++) {
        json_t *l = json_array(), *x = json_object_get(v, tk[i]);
        if (unk(u, tk[i]) && i == 3) {
            /* a group created by this plan: still a group reference (VPC
             * members), which the reader keeps uncertain itself */
            json_array_append_new(l, json_pack("{s:s}", "GroupId", "sg-known-after-apply"));
        } else if (unk(u, tk[i])) {
            unk_note(&ua, tk[i], 0);
            addr_unknown = true;
        } else if (json_is_string(x)) {
            if (json_string_length(x))
                json_array_append_new(l, json_pack("{s:O}", ik[i], x));
        } else {
            json_t *arr;
            size_t j;
            if (arr_attr(c, v, optr, tk[i], true, &arr) < 0) {
                json_decref(l);
                goto fail;
            }
            json_array_foreach(arr, j, x)
                json_array_append_new(l, json_pack("{s:O}", ik[i], x));
        }
        if (i == 3 && json_is_true(json_object_get(v, "self")))
            json_array_append_new(l, json_pack("{s:s}", "GroupId", self_id));
        any_src |= json_array_size(l) > 0;
        json_object_set_new(p, lk[i], l);
    }
    const char *pptr = lg_arena_printf(c->a, "%s/%zu", sptr, json_array_size(perms));
    if (addr_unknown || (!any_src && k->need_src)) {
        /* an unknown remote side: a prefix list nobody knows gives the
         * reader's separate uncertain rule over every address, leaving the
         * known ranges of the same rule exact */
        json_t *pls = json_object_get(p, "PrefixListIds");
        json_array_append_new(pls, json_pack("{s:s}", "PrefixListId", TF_PL_UNKNOWN));
        if (!addr_unknown)
            unk_note(&ua, "source/destination", 0);
        map_add(c, syn,
                lg_arena_printf(c->a, "%s/PrefixListIds/%zu", pptr, json_array_size(pls) - 1),
                optr, unk_reason(c, &ua), 0);
    }
    map_add(c, syn, pptr, optr, ua.dims ? unk_reason(c, &ua) : NULL, ua.dims);
    /* (an unknown remote side alone leaves the perm's other rules exact) */
    json_array_append_new(perms, p);
    return 0;
fail:
    json_decref(p);
    return -1;
}

static json_t *aws_sg_new(json_t *sgs, const char *id, const char *name)
{
    json_t *g = json_pack("{s:s,s:[],s:[]}", "GroupId", id, "IpPermissions",
                          "IpPermissionsEgress");
    if (name)
        json_object_set_new(g, "GroupName", json_string(name));
    json_array_append_new(sgs, g);
    return g;
}

static int aws(tf_ctx *c, const nr_opts *o)
{
    nr_input *syn = syn_input(c);
    json_t *sgs = json_array(), *doc = json_pack("{s:o}", "SecurityGroups", sgs);
    int rc = -1;
    size_t *gidx = lg_arena_alloc(c->a, (c->nres + 1) * sizeof *gidx);
    static const aws_keys inl = {"protocol", "cidr_blocks", "ipv6_cidr_blocks",
                                 "prefix_list_ids", "security_groups", false};
    static const aws_keys rul = {"protocol", "cidr_blocks", "ipv6_cidr_blocks",
                                 "prefix_list_ids", "source_security_group_id", false};
    static const aws_keys vpc = {"ip_protocol", "cidr_ipv4", "cidr_ipv6",
                                 "prefix_list_id", "referenced_security_group_id", true};
    for (size_t i = 0; i < c->nres; i++) {
        tf_res *t = &c->res[i];
        gidx[i] = (size_t)-1;
        if (strcmp(t->type, "aws_security_group") != 0)
            continue;
        const char *name;
        if (str_attr(c, t->v, t->ptr, "name", &name) < 0)
            goto out;
        gidx[i] = json_array_size(sgs);
        json_t *g = aws_sg_new(sgs, t->addr, name);
        static const char *const bk[] = {"ingress", "egress"};
        static const char *const pk[] = {"IpPermissions", "IpPermissionsEgress"};
        for (int d = 0; d < 2; d++) {
            const char *sptr = lg_arena_printf(c->a, "/SecurityGroups/%zu/%s", gidx[i],
                                               pk[d]);
            json_t *perms = json_object_get(g, pk[d]), *arr, *r;
            size_t k;
            if (unk(t->unk, bk[d])) {
                json_t *all = json_pack("{s:s}", "protocol", "-1"), *u = json_true();
                int x = aws_perm(c, syn, all, u,
                                 lg_arena_printf(c->a, "%s/%s", t->ptr, bk[d]), sptr,
                                 &inl, t->addr, perms);
                json_decref(all);
                json_decref(u);
                if (x < 0)
                    goto out;
                continue;
            }
            if (arr_attr(c, t->v, t->ptr, bk[d], false, &arr) < 0)
                goto out;
            json_t *us = json_object_get(t->unk, bk[d]);
            json_array_foreach(arr, k, r) {
                if (aws_perm(c, syn, r, json_array_get(us, k),
                             lg_arena_printf(c->a, "%s/%s/%zu", t->ptr, bk[d], k), sptr,
                             &inl, t->addr, perms) < 0)
                    goto out;
            }
        }
    }
    for (size_t i = 0; i < c->nres; i++) {
        tf_res *t = &c->res[i];
        const aws_keys *k;
        bool egress;
        if (strcmp(t->type, "aws_security_group_rule") == 0) {
            const char *ty;
            if (str_attr(c, t->v, t->ptr, "type", &ty) < 0)
                goto out;
            if (!ty || (strcmp(ty, "ingress") != 0 && strcmp(ty, "egress") != 0)) {
                nr_json_err(c->e, c->in, lg_arena_printf(c->a, "%s/type", t->ptr),
                            "type: expected \"ingress\" or \"egress\"");
                goto out;
            }
            egress = ty[0] == 'e';
            k = &rul;
        } else if (strcmp(t->type, "aws_vpc_security_group_ingress_rule") == 0 ||
                   strcmp(t->type, "aws_vpc_security_group_egress_rule") == 0) {
            egress = strstr(t->type, "egress") != NULL;
            k = &vpc;
        } else {
            continue;
        }
        tf_res *g = find_target(c, t, "security_group_id", "aws_security_group", "id");
        size_t gi;
        if (g && gidx[g - c->res] != (size_t)-1) {
            gi = gidx[g - c->res];
        } else {
            /* a group outside this plan: named by its id */
            const char *id = json_string_value(json_object_get(t->v, "security_group_id"));
            gi = json_array_size(sgs);
            aws_sg_new(sgs, id && *id ? id : lg_arena_printf(c->a, "%s (group)", t->addr),
                       NULL);
        }
        json_t *grp = json_array_get(sgs, gi);
        const char *pk = egress ? "IpPermissionsEgress" : "IpPermissions";
        if (aws_perm(c, syn, t->v, t->unk, t->ptr,
                     lg_arena_printf(c->a, "/SecurityGroups/%zu/%s", gi, pk), k,
                     json_string_value(json_object_get(grp, "GroupId")),
                     json_object_get(grp, pk)) < 0)
            goto out;
    }
    rc = hand_over(c, syn, doc, json_array_size(sgs), nr_aws_load, o);
out:
    json_decref(doc);
    return rc;
}

/* ---- GCP ------------------------------------------------------------------ */

static int gcp(tf_ctx *c, const nr_opts *o)
{
    nr_input *syn = syn_input(c);
    json_t *doc = json_array();
    int rc = -1;
    for (size_t i = 0; i < c->nres; i++) {
        tf_res *t = &c->res[i];
        if (strcmp(t->type, "google_compute_firewall") != 0)
            continue;
        unk_acc ua = {.n = 0};
        ua.buf[0] = 0;
        json_t *r = json_object(), *v = t->v, *u = t->unk;
        json_array_append_new(doc, r);
        const char *name, *net, *dir, *proj;
        if (str_attr(c, v, t->ptr, "name", &name) < 0 ||
            str_attr(c, v, t->ptr, "network", &net) < 0 ||
            str_attr(c, v, t->ptr, "direction", &dir) < 0 ||
            str_attr(c, v, t->ptr, "project", &proj) < 0)
            goto out;
        json_object_set_new(r, "name", json_string(name ? name : t->addr));
        if (!net) {
            /* a network created by the same plan: its name attribute */
            tf_res *n = find_target(c, t, "network", "google_compute_network", "self_link");
            net = n ? json_string_value(json_object_get(n->v, "name")) : NULL;
        }
        if (!net)
            net = "network-known-after-apply";
        json_object_set_new(r, "network", strchr(net, '/') || !proj
                                              ? json_string(net)
                                              : json_sprintf("projects/%s/global/networks/%s",
                                                             proj, net));
        if (dir)
            json_object_set_new(r, "direction", json_string(dir));
        json_t *pr = json_object_get(v, "priority"), *dis = json_object_get(v, "disabled");
        if (json_is_integer(pr))
            json_object_set(r, "priority", pr);
        else if (pr && !json_is_null(pr)) {
            nr_json_err(c->e, c->in, lg_arena_printf(c->a, "%s/priority", t->ptr),
                        "priority: expected an integer, got %s", type_name(pr));
            goto out;
        }
        if (unk(u, "disabled"))
            unk_note(&ua, "disabled", 0); /* taken as enabled: allows most */
        else if (json_is_boolean(dis))
            json_object_set(r, "disabled", dis);
        static const char *const lk[][2] = {
            {"source_ranges", "sourceRanges"}, {"destination_ranges", "destinationRanges"},
            {"source_tags", "sourceTags"}, {"source_service_accounts", "sourceServiceAccounts"},
            {"target_tags", "targetTags"}, {"target_service_accounts", "targetServiceAccounts"}};
        for (size_t k = 0; k < sizeof lk / sizeof lk[0]; k++) {
            json_t *arr;
            if (unk(u, lk[k][0])) {
                /* unknown targets: applies to every instance (allows most) */
                unk_note(&ua, lk[k][0], k < 4 ? U_ADDR : 0);
                continue;
            }
            if (arr_attr(c, v, t->ptr, lk[k][0], true, &arr) < 0)
                goto out;
            if (arr)
                json_object_set(r, lk[k][1], arr);
        }
        static const char *const ak[][2] = {{"allow", "allowed"}, {"deny", "denied"}};
        for (int k = 0; k < 2; k++) {
            json_t *arr, *x;
            size_t j;
            if (arr_attr(c, v, t->ptr, ak[k][0], false, &arr) < 0)
                goto out;
            bool whole = unk(u, ak[k][0]);
            if (!arr && !whole)
                continue;
            json_t *l = json_array();
            json_object_set_new(r, ak[k][1], l);
            if (whole) {
                unk_note(&ua, ak[k][0], U_PROTO);
                json_array_append_new(l, json_pack("{s:s}", "IPProtocol", "all"));
                continue;
            }
            json_t *us = json_object_get(u, ak[k][0]);
            json_array_foreach(arr, j, x) {
                const char *ep = lg_arena_printf(c->a, "%s/%s/%zu", t->ptr, ak[k][0], j);
                const char *proto;
                json_t *ports, *ue = json_array_get(us, j);
                if (str_attr(c, x, ep, "protocol", &proto) < 0 ||
                    arr_attr(c, x, ep, "ports", true, &ports) < 0)
                    goto out;
                json_t *ent = json_pack("{s:s}", "IPProtocol",
                                        unk(ue, "protocol") || !proto ? "all" : proto);
                if (unk(ue, "protocol"))
                    unk_note(&ua, "protocol", U_PROTO);
                else if (unk(ue, "ports"))
                    unk_note(&ua, "ports", U_PORT);
                else if (ports)
                    json_object_set(ent, "ports", ports);
                json_array_append_new(l, ent);
            }
        }
        map_add(c, syn, lg_arena_printf(c->a, "/%zu", json_array_size(doc) - 1), t->ptr,
                unk_reason(c, &ua), ua.dims);
    }
    rc = hand_over(c, syn, doc, json_array_size(doc), nr_gcp_load, o);
out:
    json_decref(doc);
    return rc;
}

/* ---- after a platform reader ---------------------------------------------- */

static bool under(const char *ptr, const char *prefix)
{
    size_t n = strlen(prefix);
    return ptr && strncmp(ptr, prefix, n) == 0 && (ptr[n] == 0 || ptr[n] == '/');
}

/* Widen and mark the rules built from elements with unknown attributes. */
static void widen(tf_ctx *c, size_t first_res)
{
    for (size_t ri = first_res; ri < c->s->n; ri++) {
        nr_resource *res = &c->s->res[ri];
        for (size_t li = 0; li < res->nlayers; li++)
            for (size_t ci = 0; ci < res->layers[li].nchains; ci++) {
                nr_chain *ch = &res->layers[li].chains[ci];
                for (size_t k = 0; k < ch->n; k++) {
                    nr_rule *r = &ch->rules[k];
                    for (size_t m = 0; m < c->nmap; m++) {
                        const tf_map *mp = &c->map[m];
                        if (!mp->reason || r->in != mp->syn || !under(r->ptr, mp->sptr))
                            continue;
                        if (mp->dims & (U_ADDR | U_ALL)) {
                            r->m[NR_SRC] = nr_dim_all(c->s, NR_SRC);
                            r->m[NR_DST] = nr_dim_all(c->s, NR_DST);
                        }
                        if (mp->dims & (U_PORT | U_PROTO | U_ALL)) {
                            r->m[NR_DPORT] = nr_dim_all(c->s, NR_DPORT);
                            r->m[NR_SPORT] = nr_dim_all(c->s, NR_SPORT);
                        }
                        if (mp->dims & (U_PROTO | U_ALL))
                            r->m[NR_PROTO] = nr_dim_all(c->s, NR_PROTO);
                        r->uncertain = mp->reason; /* ours says more */
                    }
                }
            }
    }
}

/* A platform reader's error names a pointer of the synthetic document,
 * which has no text: say it again at the plan's own place. */
static int remap_err(tf_ctx *c)
{
    char msg[sizeof c->e->msg];
    snprintf(msg, sizeof msg, "%s", c->e->msg);
    char *at = strstr(msg, " (at /");
    const tf_map *best = NULL;
    if (at) {
        char *ptr = at + 5;
        size_t plen = strlen(ptr);
        if (plen && ptr[plen - 1] == ')')
            ptr[plen - 1] = 0;
        for (size_t m = 0; m < c->nmap; m++)
            if (under(ptr, c->map[m].sptr) &&
                (!best || strlen(c->map[m].sptr) > strlen(best->sptr)))
                best = &c->map[m];
        *at = 0;
    }
    if (!best)
        return -1;
    const char *body = msg;
    size_t pl = strlen(c->in->path);
    if (strncmp(body, c->in->path, pl) == 0 && body[pl] == ':' && body[pl + 1] == ' ')
        body += pl + 2;
    return nr_json_err(c->e, c->in, best->optr, "%s", body);
}

typedef int (*tf_conv)(tf_ctx *, const nr_opts *);

int nr_tf_load(nr_snapshot *s, const nr_input *const *in, size_t n,
               const nr_opts *o, lg_err *e)
{
    static const tf_conv conv[] = {azure, aws, gcp};
    for (size_t f = 0; f < n; f++) {
        tf_ctx c = {.s = s, .e = e, .in = in[f], .root = in[f]->json};
        lg_arena tmp;
        lg_arena_init(&tmp);
        c.a = &tmp;
        int rc = -1;
        json_t *pv;
        if (!json_is_object(c.root)) {
            nr_json_err(e, in[f], "", "expected the JSON object of terraform show -json");
            goto next;
        }
        if ((pv = json_object_get(c.root, "planned_values")) && !json_is_null(pv)) {
            if (!json_is_object(pv)) {
                nr_json_err(e, in[f], "/planned_values",
                            "planned_values: expected an object, got %s", type_name(pv));
                goto next;
            }
            json_t *rm = json_object_get(pv, "root_module");
            if (rm && collect(&c, rm, "/planned_values/root_module", 0) < 0)
                goto next;
        } else if ((pv = json_object_get(c.root, "values")) && !json_is_null(pv)) {
            if (!json_is_object(pv)) {
                nr_json_err(e, in[f], "/values", "values: expected an object, got %s",
                            type_name(pv));
                goto next;
            }
            json_t *rm = json_object_get(pv, "root_module");
            if (rm && collect(&c, rm, "/values/root_module", 0) < 0)
                goto next;
        } else if (json_object_get(c.root, "resource_changes")) {
            if (collect_changes(&c) < 0)
                goto next;
        }
        for (size_t k = 0; k < sizeof conv / sizeof conv[0]; k++) {
            size_t first = s->n;
            if (conv[k](&c, o) < 0) {
                if (c.nmap)
                    remap_err(&c);
                goto next;
            }
            widen(&c, first);
        }
        rc = 0;
    next:
        lg_arena_free(&tmp);
        if (rc < 0)
            return -1;
    }
    return 0;
}
