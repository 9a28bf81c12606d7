/* test_aws.c - the AWS EC2 reader: moto-generated and hand-written exports
 * in tests/data/aws/ loaded through nr_load()/nr_load_mem() with format
 * detection, checked on the model (resources, layers, reverse flags, match
 * sets, uncertainty) and on concrete packets through the set engine, so
 * the stateless NACL reply layer is exercised end to end. */
#include <jansson.h>
#include <stdarg.h>
#include <stdlib.h>

#include "netrules/eval.h"
#include "netrules/load.h"
#include "netrules/platforms.h"
#include "nrfix.h"
#include "unit.h"

#define DATA "tests/data/aws/"

/* Load up to 6 files (NULL-terminated) as one platform group. */
static void load_files(fx *f, const char *p0, ...)
{
    const char *paths[8];
    size_t n = 0;
    va_list ap;
    va_start(ap, p0);
    for (const char *p = p0; p && n < 8; p = va_arg(ap, const char *))
        paths[n++] = p;
    va_end(ap);
    fx_load(f, paths, n, NULL);
}

static void load_text(fx *f, const char *name, const char *text, nr_format fmt)
{
    fx_load_text(f, name, text, fmt, NULL);
}


static size_t count_kind(const fx *f, const char *kind)
{
    size_t n = 0;
    for (size_t i = 0; i < f->s.n; i++)
        n += strcmp(f->s.res[i].kind, kind) == 0;
    return n;
}

static const nr_rule *rule(const nr_resource *r, size_t layer, size_t i)
{
    if (!r || layer >= r->nlayers)
        return NULL;
    const nr_chain *c = &r->layers[layer].chains[r->layers[layer].entry];
    return i < c->n ? &c->rules[i] : NULL;
}

static size_t nrules(const nr_resource *r, size_t layer)
{
    if (!r || layer >= r->nlayers)
        return 0;
    return r->layers[layer].chains[r->layers[layer].entry].n;
}

static lg_ivset cidr(fx *f, const char *s)
{
    lg_ivset v = lg_ivset_empty;
    lg_ip_parse_set(&f->s.arena, s, strlen(s), &v, NULL);
    return v;
}

static lg_ivset one(fx *f, unsigned lo, unsigned hi)
{
    return lg_ivset_range(&f->s.arena, lo, hi);
}

static lg_u128 ip(const char *s)
{
    lg_u128 v = 0;
    lg_ip_parse(s, strlen(s), &v, NULL);
    return v;
}

/* Verdict of the engine for one packet (inbound coordinates: src is the
 * remote client): 'a' allowed for sure, 'u' unknown, 'd' denied. */
static char verdict(const nr_resource *r, int proto, const char *src, unsigned sport,
                    const char *dst, unsigned dport)
{
    if (!r)
        return '?';
    lg_arena a;
    lg_arena_init(&a);
    nr_box b;
    memset(&b, 0, sizeof b);
    b.d[NR_PROTO] = lg_ivset_range(&a, (lg_u128)proto, (lg_u128)proto);
    b.d[NR_SPORT] = lg_ivset_range(&a, sport, sport);
    b.d[NR_DPORT] = lg_ivset_range(&a, dport, dport);
    b.d[NR_SRC] = lg_ivset_range(&a, ip(src), ip(src));
    b.d[NR_DST] = lg_ivset_range(&a, ip(dst), ip(dst));
    nr_boxes region = {0};
    nr_boxes_push(&a, &region, &b);
    nr_result lo, hi;
    memset(&lo, 0, sizeof lo);
    memset(&hi, 0, sizeof hi);
    nr_eval(&a, r, &region, NR_LOWER, 0, &lo);
    nr_eval(&a, r, &region, NR_UPPER, 0, &hi);
    char v = lo.allowed.n ? 'a' : hi.allowed.n ? 'u' : 'd';
    lg_arena_free(&a);
    return v;
}

static void test_detect(void)
{
    static const char *const files[] = {
        DATA "moto-sgs.json", DATA "moto-nacls.json", DATA "moto-enis.json",
        DATA "moto-instances.json", DATA "moto-prefix-lists.json",
        DATA "moto-pl-00000000000000001-entries.json", DATA "real-sgs.json"};
    for (size_t i = 0; i < sizeof files / sizeof files[0]; i++) {
        fx f;
        load_files(&f, files[i], NULL);
        CHECK(f.rc == 0);
        CHECK(f.ins.n == 1 && f.ins.fmt[0] == NR_FMT_AWS);
        fx_done(&f);
    }
    /* not ours: the top-level keys decide */
    nr_input in = {.path = "x"};
    in.json = json_loads("{\"value\":[{\"name\":\"nsg\"}]}", 0, NULL);
    CHECK(!nr_aws_detect(&in));
    json_decref(in.json);
    in.json = json_loads("{\"Entries\":[{\"RuleNumber\":1}]}", 0, NULL);
    CHECK(!nr_aws_detect(&in));
    json_decref(in.json);
    in.json = json_loads("{\"NetworkAcls\":[]}", 0, NULL);
    CHECK(nr_aws_detect(&in));
    json_decref(in.json);
    in.json = NULL;
    CHECK(!nr_aws_detect(&in));
}

static void test_sgs(void)
{
    fx f;
    load_files(&f, DATA "moto-sgs.json", NULL);
    CHECK(f.rc == 0);
    CHECK(f.s.n == 18); /* 9 groups (with moto's "default"), both directions */
    CHECK(count_kind(&f, "aws-sg") == 18);

    const nr_resource *es = fx_res(&f, "sg-00000000000009200 (es-open)", NR_INBOUND);
    CHECK(es != NULL);
    if (es) {
        CHECK_STR(es->kind, "aws-sg");
        CHECK(es->nlayers == 1 && es->layers[0].nchains == 1);
        CHECK(!es->layers[0].reverse);
        const nr_chain *c = &es->layers[0].chains[0];
        CHECK(c->policy == NR_DROP);
        CHECK_STR(c->policy_name, "implicit-deny");
        CHECK(c->n == 1);
        const nr_rule *r = rule(es, 0, 0);
        CHECK_STR(r->name, "sg-00000000000009200:tcp/9200:0.0.0.0/0");
        CHECK(r->action == NR_ACCEPT && !r->uncertain && !r->is_default);
        CHECK(lg_ivset_equal(r->m[NR_PROTO], one(&f, 6, 6)));
        CHECK(lg_ivset_equal(r->m[NR_DPORT], one(&f, 9200, 9200)));
        CHECK(lg_ivset_equal(r->m[NR_SPORT], one(&f, 0, 65535)));
        CHECK(lg_ivset_equal(r->m[NR_SRC], lg_ip_v4()));
        CHECK_STR(r->ptr, "/SecurityGroups/1/IpPermissions/0");
        CHECK(nr_rule_line(r) > 1);
        CHECK(verdict(es, 6, "52.1.2.3", 40000, "10.0.1.10", 9200) == 'a');
        CHECK(verdict(es, 6, "52.1.2.3", 40000, "10.0.1.10", 9201) == 'd');
        CHECK(verdict(es, 17, "52.1.2.3", 40000, "10.0.1.10", 9200) == 'd');
    }
    const nr_resource *eo = fx_res(&f, "sg-00000000000009200 (es-open)", NR_OUTBOUND);
    CHECK(eo && nrules(eo, 0) == 1);
    if (eo && nrules(eo, 0)) {
        const nr_rule *r = rule(eo, 0, 0);
        /* moto's VPC has an IPv6 block: default egress has both families */
        CHECK_STR(r->name, "sg-00000000000009200:all:0.0.0.0/0+::/0");
        CHECK(lg_ivset_equal(r->m[NR_DST], lg_ip_all())); /* egress: remote is dst */
        CHECK(lg_ivset_equal(r->m[NR_SRC], lg_ip_all()));
        CHECK(lg_ivset_equal(r->m[NR_PROTO], one(&f, 0, 255)));
    }
    const nr_resource *rg = fx_res(&f, "sg-00000000000009300 (range)", NR_INBOUND);
    CHECK(rg && nrules(rg, 0) == 1);
    if (rg && nrules(rg, 0)) {
        CHECK(lg_ivset_equal(rule(rg, 0, 0)->m[NR_DPORT], one(&f, 9000, 9300)));
        CHECK_STR(rule(rg, 0, 0)->name, "sg-00000000000009300:tcp/9000-9300:0.0.0.0/0");
    }
    const nr_resource *all = fx_res(&f, "sg-000000000000000a1 (allproto)", NR_INBOUND);
    if (all && nrules(all, 0)) {
        CHECK(lg_ivset_equal(rule(all, 0, 0)->m[NR_PROTO], one(&f, 0, 255)));
        CHECK(lg_ivset_equal(rule(all, 0, 0)->m[NR_DPORT], one(&f, 0, 65535)));
        CHECK(verdict(all, 17, "8.8.8.8", 5353, "10.0.1.10", 11211) == 'a');
        CHECK(verdict(all, 6, "2600::1", 5353, "10.0.1.10", 11211) == 'd');
    } else {
        CHECK(!"allproto");
    }
    const nr_resource *full = fx_res(&f, "sg-00000000000065535 (fullrange)", NR_INBOUND);
    CHECK(full && lg_ivset_equal(rule(full, 0, 0)->m[NR_DPORT], one(&f, 0, 65535)));
    CHECK(full && verdict(full, 6, "52.1.2.3", 1, "10.0.1.10", 0) == 'a');

    const nr_resource *v6 = fx_res(&f, "sg-00000000000027017 (v6only)", NR_INBOUND);
    if (v6 && nrules(v6, 0)) {
        const nr_rule *r = rule(v6, 0, 0);
        CHECK_STR(r->name, "sg-00000000000027017:tcp/27017:::/0");
        CHECK(lg_ivset_equal(r->m[NR_SRC], lg_ip_v6()));
        CHECK(!lg_ivset_contains(r->m[NR_SRC], LG_V4(0x34010203)));
        CHECK(verdict(v6, 6, "2600:1f18::1", 40000, "fd00::1", 27017) == 'a');
        CHECK(verdict(v6, 6, "52.1.2.3", 40000, "10.0.4.10", 27017) == 'd');
    } else {
        CHECK(!"v6only");
    }
    const nr_resource *ref = fx_res(&f, "sg-00000000000005432 (sgref)", NR_INBOUND);
    if (ref && nrules(ref, 0)) {
        const nr_rule *r = rule(ref, 0, 0);
        CHECK(r->uncertain && strstr(r->uncertain, "members of sg-00000000000009200"));
        CHECK(lg_ivset_equal(r->m[NR_SRC], lg_ip_private()));
        CHECK_STR(r->name, "sg-00000000000005432:tcp/5432:sg-00000000000009200");
        CHECK(verdict(ref, 6, "52.1.2.3", 40000, "10.0.1.10", 5432) == 'd');
        CHECK(verdict(ref, 6, "10.0.1.10", 40000, "10.0.1.11", 5432) == 'u');
    } else {
        CHECK(!"sgref");
    }
    const nr_resource *pl = fx_res(&f, "sg-00000000000006379 (plist)", NR_INBOUND);
    if (pl && nrules(pl, 0) == 1) {
        const nr_rule *r = rule(pl, 0, 0);
        CHECK(r->uncertain && strstr(r->uncertain, "prefix list pl-00000000000000001"));
        CHECK(verdict(pl, 6, "52.1.2.3", 40000, "10.0.1.10", 6379) == 'u');
        CHECK(verdict(pl, 6, "52.1.2.3", 40000, "10.0.1.10", 6380) == 'd');
    } else {
        CHECK(!"plist");
    }
    const nr_resource *mc = fx_res(&f, "sg-00000000000011211 (memcached)", NR_INBOUND);
    CHECK(mc && lg_ivset_equal(rule(mc, 0, 0)->m[NR_PROTO], one(&f, 17, 17)));
    CHECK(mc && verdict(mc, 17, "52.1.2.3", 40000, "10.0.1.10", 11211) == 'a');
    CHECK(mc && verdict(mc, 6, "52.1.2.3", 40000, "10.0.1.10", 11211) == 'd');
    /* moto's default group: no inbound rule at all */
    const nr_resource *def = fx_res(&f, "sg-00000000000000f01 (default)", NR_INBOUND);
    CHECK(def && nrules(def, 0) == 0);
    fx_done(&f);
}

static void test_prefix_list_entries(void)
{
    fx f;
    /* with the entries (file named after the list) the rule is exact */
    load_files(&f, DATA "moto-sgs.json", DATA "moto-prefix-lists.json",
               DATA "moto-pl-00000000000000001-entries.json", NULL);
    CHECK(f.rc == 0);
    const nr_resource *pl = fx_res(&f, "sg-00000000000006379 (plist)", NR_INBOUND);
    if (pl && nrules(pl, 0) == 1) {
        const nr_rule *r = rule(pl, 0, 0);
        CHECK(!r->uncertain);
        CHECK(lg_ivset_equal(r->m[NR_SRC], cidr(&f, "52.94.76.0/22")));
        CHECK_STR(r->name, "sg-00000000000006379:tcp/6379:pl-00000000000000001");
        CHECK(verdict(pl, 6, "52.94.77.1", 40000, "10.0.1.10", 6379) == 'a');
        CHECK(verdict(pl, 6, "52.1.2.3", 40000, "10.0.1.10", 6379) == 'd');
    } else {
        CHECK(!"plist exact");
    }
    fx_done(&f);

    /* only describe-managed-prefix-lists: the name joins the reason */
    load_files(&f, DATA "real-sgs.json", DATA "real-prefix-lists.json", NULL);
    CHECK(f.rc == 0);
    const nr_resource *s = fx_res(&f, "sg-0a1b2c3d4e5f60718 (search)", NR_INBOUND);
    CHECK(s && nrules(s, 0) == 7);
    bool seen = false;
    for (size_t i = 0; s && i < nrules(s, 0); i++)
        if (rule(s, 0, i)->uncertain &&
            strstr(rule(s, 0, i)->uncertain, "pl-63a5400a (com.amazonaws.us-east-1.s3)"))
            seen = true;
    CHECK(seen);
    fx_done(&f);

    /* list and entries joined in one document (jq) */
    load_files(&f, DATA "real-sgs.json", DATA "pl-joined.json", NULL);
    CHECK(f.rc == 0);
    s = fx_res(&f, "sg-0a1b2c3d4e5f60718 (search)", NR_INBOUND);
    CHECK(s && nrules(s, 0) == 6); /* the prefix list joined the exact rule */
    CHECK(s && verdict(s, 6, "52.216.1.1", 40000, "10.20.1.5", 6379) == 'a');
    CHECK(s && verdict(s, 6, "192.168.1.7", 40000, "10.20.1.5", 6379) == 'a');
    CHECK(s && verdict(s, 6, "52.1.2.3", 40000, "10.20.1.5", 6379) == 'd');
    fx_done(&f);

    /* entries that cannot be tied to a list are an error, not a guess */
    load_text(&f, "entries.json", "{\"Entries\":[{\"Cidr\":\"1.2.3.0/24\"}]}",
              NR_FMT_AUTO);
    CHECK(f.rc == -1 && strstr(f.e.msg, "without a list id"));
    fx_done(&f);
    load_text(&f, "x.json",
              "{\"PrefixListId\":\"pl-0abc\",\"Entries\":[{\"Cidr\":\"1.2.3.0/24\"}],"
              "\"SecurityGroups\":[{\"GroupId\":\"sg-1\",\"IpPermissions\":[{"
              "\"IpProtocol\":\"tcp\",\"FromPort\":9200,\"ToPort\":9200,"
              "\"PrefixListIds\":[{\"PrefixListId\":\"pl-0abc\"}]}]}]}",
              NR_FMT_AUTO);
    CHECK(f.rc == 0);
    const nr_resource *g = fx_res(&f, "sg-1", NR_INBOUND);
    CHECK(g && nrules(g, 0) == 1 && !rule(g, 0, 0)->uncertain);
    CHECK(g && lg_ivset_equal(rule(g, 0, 0)->m[NR_SRC], cidr(&f, "1.2.3.0/24")));
    fx_done(&f);
}

static void test_real_sg(void)
{
    fx f;
    load_files(&f, DATA "real-sgs.json", NULL);
    CHECK(f.rc == 0);
    const nr_resource *s = fx_res(&f, "sg-0a1b2c3d4e5f60718 (search)", NR_INBOUND);
    CHECK(fx_res(&f, "sg-0ffffffffffffffff", NR_INBOUND) != NULL); /* no name */
    if (!s || nrules(s, 0) != 7) {
        CHECK(!"search group");
        fx_done(&f);
        return;
    }
    /* one permission, several ranges of both families: one rule, union */
    const nr_rule *r = rule(s, 0, 0);
    CHECK_STR(r->name, "sg-0a1b2c3d4e5f60718:tcp/9200:10.20.0.0/16+198.51.100.7/32+"
                       "52.1.2.0/24+2600:1f18:aaaa::/48");
    CHECK(lg_ivset_contains(r->m[NR_SRC], ip("52.1.2.200")));
    CHECK(lg_ivset_contains(r->m[NR_SRC], ip("2600:1f18:aaaa::5")));
    CHECK(!lg_ivset_contains(r->m[NR_SRC], ip("52.1.3.1")));
    /* icmp type 8: the type is not a port; not modelled -> uncertain */
    r = rule(s, 0, 1);
    CHECK_STR(r->name, "sg-0a1b2c3d4e5f60718:icmp/8:0.0.0.0/0");
    CHECK(r->uncertain && strstr(r->uncertain, "ICMP type 8"));
    CHECK(lg_ivset_equal(r->m[NR_PROTO], one(&f, 1, 1)));
    CHECK(lg_ivset_equal(r->m[NR_DPORT], one(&f, 0, 65535)));
    /* icmpv6 all types: exact */
    r = rule(s, 0, 2);
    CHECK_STR(r->name, "sg-0a1b2c3d4e5f60718:icmpv6:::/0");
    CHECK(!r->uncertain && lg_ivset_equal(r->m[NR_PROTO], one(&f, 58, 58)));
    /* protocol 50: every port regardless */
    r = rule(s, 0, 3);
    CHECK_STR(r->name, "sg-0a1b2c3d4e5f60718:esp:203.0.113.9/32");
    CHECK(lg_ivset_equal(r->m[NR_PROTO], one(&f, 50, 50)));
    /* mixed permission: exact CIDR rule, then prefix list, then group */
    r = rule(s, 0, 4);
    CHECK_STR(r->name, "sg-0a1b2c3d4e5f60718:tcp/6379:192.168.1.0/24");
    CHECK(!r->uncertain);
    r = rule(s, 0, 5);
    CHECK_STR(r->name, "sg-0a1b2c3d4e5f60718:tcp/6379:pl-63a5400a");
    CHECK(r->uncertain && strstr(r->uncertain, "prefix list pl-63a5400a contents unknown"));
    CHECK_STR(r->ptr, "/SecurityGroups/0/IpPermissions/4/PrefixListIds/0");
    r = rule(s, 0, 6);
    CHECK_STR(r->name, "sg-0a1b2c3d4e5f60718:tcp/6379:sg-0b1c2d3e4f5a6b7c8");
    CHECK(r->uncertain && strstr(r->uncertain, "members of sg-0b1c2d3e4f5a6b7c8"));
    CHECK(verdict(s, 6, "52.1.2.9", 40000, "10.20.1.5", 9200) == 'a');
    CHECK(verdict(s, 6, "52.1.3.9", 40000, "10.20.1.5", 9200) == 'd');
    CHECK(verdict(s, 6, "10.1.1.1", 40000, "10.20.1.5", 6379) == 'u');
    const nr_resource *o = fx_res(&f, "sg-0a1b2c3d4e5f60718 (search)", NR_OUTBOUND);
    CHECK(o && nrules(o, 0) == 1 &&
          lg_ivset_equal(rule(o, 0, 0)->m[NR_DPORT], one(&f, 443, 443)));
    fx_done(&f);
}

static void test_nacls(void)
{
    fx f;
    load_files(&f, DATA "moto-nacls.json", NULL);
    CHECK(f.rc == 0);
    CHECK(count_kind(&f, "aws-nacl") == 10); /* 5 NACLs, both directions */
    const nr_resource *a = fx_res(&f, "acl-0000000000000000a", NR_INBOUND);
    if (a && a->nlayers == 2) {
        CHECK_STR(a->kind, "aws-nacl");
        CHECK_STR(a->layers[0].name, "NACL inbound");
        CHECK_STR(a->layers[1].name, "NACL outbound (reply)");
        CHECK(!a->layers[0].reverse && a->layers[1].reverse);
        CHECK(nrules(a, 0) == 3);
        CHECK_STR(rule(a, 0, 0)->name, "90");
        CHECK(rule(a, 0, 0)->action == NR_DROP && rule(a, 0, 0)->priority == 90);
        CHECK(lg_ivset_equal(rule(a, 0, 0)->m[NR_DPORT], one(&f, 9200, 9200)));
        CHECK_STR(rule(a, 0, 1)->name, "100");
        CHECK(rule(a, 0, 1)->action == NR_ACCEPT);
        /* moto leaves out the `*` entries: added */
        CHECK_STR(rule(a, 0, 2)->name, "*");
        CHECK(rule(a, 0, 2)->is_default && rule(a, 0, 2)->action == NR_DROP);
        CHECK_STR(a->layers[0].chains[0].policy_name, "*");
        CHECK(nrules(a, 1) == 2);
        CHECK(lg_ivset_equal(rule(a, 1, 0)->m[NR_DST], lg_ip_v4()));
        CHECK(verdict(a, 6, "52.1.2.3", 40000, "10.0.1.10", 9200) == 'd');
        CHECK(verdict(a, 6, "52.1.2.3", 40000, "10.0.1.10", 9201) == 'a');
    } else {
        CHECK(!"acl a");
    }
    const nr_resource *ao = fx_res(&f, "acl-0000000000000000a", NR_OUTBOUND);
    CHECK(ao && ao->nlayers == 2 && !ao->layers[0].reverse && ao->layers[1].reverse);
    CHECK(ao && strcmp(ao->layers[0].name, "NACL outbound") == 0);
    CHECK(ao && strcmp(ao->layers[1].name, "NACL inbound (reply)") == 0);
    CHECK(ao && nrules(ao, 1) == 3 && rule(ao, 1, 0)->priority == 90);

    /* no return path: reply only into the VPC */
    const nr_resource *b = fx_res(&f, "acl-0000000000000000b", NR_INBOUND);
    CHECK(b && verdict(b, 6, "52.1.2.3", 40000, "10.0.2.10", 9200) == 'd');
    CHECK(b && verdict(b, 6, "10.0.9.9", 40000, "10.0.2.10", 9200) == 'a');
    /* return path to ephemeral ports */
    const nr_resource *c = fx_res(&f, "acl-0000000000000000c", NR_INBOUND);
    CHECK(c && verdict(c, 6, "52.1.2.3", 40000, "10.0.3.10", 9200) == 'a');
    CHECK(c && verdict(c, 6, "52.1.2.3", 80, "10.0.3.10", 9200) == 'd');
    CHECK(c && verdict(c, 17, "52.1.2.3", 40000, "10.0.3.10", 11211) == 'd');
    /* replies only to port 443: a client with source port 443 gets in */
    const nr_resource *e = fx_res(&f, "acl-0000000000000000e", NR_INBOUND);
    CHECK(e && verdict(e, 6, "52.1.2.3", 40000, "10.0.5.10", 9200) == 'd');
    CHECK(e && verdict(e, 6, "52.1.2.3", 443, "10.0.5.10", 9200) == 'a');
    /* the default NACL keeps its explicit `*` */
    const nr_resource *d = fx_res(&f, "acl-0000000000000000d", NR_INBOUND);
    CHECK(d && nrules(d, 0) == 2 && rule(d, 0, 1)->is_default &&
          strcmp(rule(d, 0, 1)->name, "*") == 0);
    CHECK(d && d->layers[0].chains[0].rules[1].ptr &&
          strcmp(rule(d, 0, 1)->ptr, "/NetworkAcls/0/Entries/3") == 0);
    fx_done(&f);

    /* real shape: egress entries listed first, two `*` (v4 and v6), icmp */
    load_files(&f, DATA "real-nacl.json", NULL);
    CHECK(f.rc == 0);
    const nr_resource *r = fx_res(&f, "acl-0123456789abcdef0", NR_INBOUND);
    if (r && nrules(r, 0) == 6 && nrules(r, 1) == 4) {
        static const char *const order[] = {"50", "200", "210", "300", "*", "*"};
        for (size_t i = 0; i < 6; i++)
            CHECK_STR(rule(r, 0, i)->name, order[i]);
        CHECK(rule(r, 0, 3)->uncertain && strstr(rule(r, 0, 3)->uncertain, "ICMP type 8"));
        CHECK(lg_ivset_equal(rule(r, 0, 5)->m[NR_SRC], lg_ip_v6()));
        CHECK(verdict(r, 6, "52.1.2.3", 40000, "10.20.1.5", 9200) == 'd'); /* rule 50 */
        CHECK(verdict(r, 6, "52.1.2.4", 40000, "10.20.1.5", 9200) == 'a');
        CHECK(verdict(r, 6, "52.1.2.4", 30000, "10.20.1.5", 9200) == 'd'); /* reply */
        CHECK(verdict(r, 6, "2600::1", 30000, "fd00::5", 27017) == 'a');
        CHECK(verdict(r, 6, "2600::1", 30000, "fd00::5", 9200) == 'd');
    } else {
        CHECK(!"real nacl");
    }
    fx_done(&f);
}

static void test_enis(void)
{
    fx f;
    load_files(&f, DATA "moto-sgs.json", DATA "moto-nacls.json", DATA "moto-enis.json",
               DATA "moto-instances.json", NULL);
    CHECK(f.rc == 0);
    CHECK(count_kind(&f, "aws-eni") == 12); /* 6 ENIs: the instance's once */
    CHECK(count_kind(&f, "aws-nacl") == 0); /* every NACL has an ENI */
    /* groups used by an ENI are not reported alone, the rest are */
    CHECK(fx_res(&f, "sg-00000000000009200 (es-open)", NR_INBOUND) == NULL);
    CHECK(fx_res(&f, "sg-00000000000011211 (memcached)", NR_INBOUND) == NULL);
    CHECK(fx_res(&f, "sg-00000000000009300 (range)", NR_INBOUND) != NULL);

    const nr_resource *c = fx_res(&f, "eni-0000000000000000c", NR_INBOUND);
    if (c && c->nlayers == 3) {
        CHECK_STR(c->kind, "aws-eni");
        CHECK_STR(c->layers[0].name, "security groups");
        CHECK_STR(c->layers[1].name, "NACL acl-0000000000000000c inbound");
        CHECK_STR(c->layers[2].name, "NACL acl-0000000000000000c outbound (reply)");
        CHECK(!c->layers[0].reverse && !c->layers[1].reverse && c->layers[2].reverse);
        CHECK(nrules(c, 0) == 2); /* es-open + memcached in one chain */
        CHECK_STR(rule(c, 0, 1)->name, "sg-00000000000011211:udp/11211:0.0.0.0/0");
        CHECK_STR(c->layers[0].chains[0].policy_name, "implicit-deny");
        CHECK(verdict(c, 6, "52.1.2.3", 40000, "10.0.3.10", 9200) == 'a');
        CHECK(verdict(c, 17, "52.1.2.3", 40000, "10.0.3.10", 11211) == 'd');
        CHECK(c->note && strstr(c->note, "no public"));
    } else {
        CHECK(!"eni c");
    }
    CHECK(verdict(fx_res(&f, "eni-0000000000000000a", NR_INBOUND), 6, "52.1.2.3", 40000,
                  "10.0.1.10", 9200) == 'd');
    CHECK(verdict(fx_res(&f, "eni-0000000000000000b", NR_INBOUND), 6, "52.1.2.3", 40000,
                  "10.0.2.10", 9200) == 'd');
    CHECK(verdict(fx_res(&f, "eni-0000000000000000d", NR_INBOUND), 6, "2600::1", 40000,
                  "fd00::5", 27017) == 'd');
    CHECK(verdict(fx_res(&f, "eni-0000000000000000e", NR_INBOUND), 6, "52.1.2.3", 443,
                  "10.0.5.10", 9200) == 'a');
    const nr_resource *d = fx_res(&f, "eni-0000000000000000d", NR_INBOUND);
    CHECK(d && d->nlayers == 3 &&
          strcmp(d->layers[1].name, "NACL acl-0000000000000000d inbound") == 0);
    /* the instance's ENI: named with the instance, public IP known */
    const nr_resource *i = NULL;
    for (size_t k = 0; k < f.s.n; k++)
        if (strstr(f.s.res[k].name, "(i-00000000000000001)") && f.s.res[k].dir == NR_INBOUND)
            i = &f.s.res[k];
    CHECK(i && i->nlayers == 3 && i->note == NULL);
    CHECK(i && verdict(i, 6, "52.1.2.3", 40000, "10.0.3.20", 9200) == 'a');
    const nr_resource *co = fx_res(&f, "eni-0000000000000000c", NR_OUTBOUND);
    CHECK(co && co->nlayers == 3 && co->layers[2].reverse &&
          strcmp(co->layers[1].name, "NACL acl-0000000000000000c outbound") == 0);
    fx_done(&f);

    /* instances alone: the ENI comes from the instance */
    load_files(&f, DATA "moto-instances.json", DATA "moto-sgs.json", NULL);
    CHECK(f.rc == 0);
    CHECK(count_kind(&f, "aws-eni") == 2);
    for (size_t k = 0; k < f.s.n; k++)
        if (strcmp(f.s.res[k].kind, "aws-eni") == 0) {
            CHECK(f.s.res[k].nlayers == 1);
            CHECK(f.s.res[k].note && strstr(f.s.res[k].note, "no network ACL data"));
        }
    fx_done(&f);

    /* a group missing from the inputs, a subnet without a known NACL */
    load_files(&f, DATA "real-enis.json", DATA "real-sgs.json", DATA "real-nacl.json", NULL);
    CHECK(f.rc == 0);
    const nr_resource *x = fx_res(&f, "eni-0123456789abcdef0 (i-0123456789abcdef0)", NR_INBOUND);
    if (x && x->nlayers == 3) {
        CHECK(x->note && strstr(x->note, "sg-0deadbeefdeadbeef is not in the inputs"));
        const nr_rule *u = rule(x, 0, nrules(x, 0) - 1);
        CHECK_STR(u->name, "sg-0deadbeefdeadbeef:?");
        CHECK(u->uncertain && strstr(u->uncertain, "not in the inputs"));
        CHECK(verdict(x, 6, "52.1.2.9", 40000, "10.20.1.5", 9200) == 'a');
        CHECK(verdict(x, 6, "52.1.3.9", 40000, "10.20.1.5", 9200) == 'u');
        CHECK(verdict(x, 6, "52.1.3.9", 1000, "10.20.1.5", 9200) == 'd'); /* NACL */
    } else {
        CHECK(!"eni with missing group");
    }
    const nr_resource *y = fx_res(&f, "eni-0bbbbbbbbbbbbbbbb", NR_INBOUND);
    CHECK(y && y->nlayers == 1 && y->note &&
          strstr(y->note, "network ACL of subnet-0bbbbbbbbbbbbbbbb not in the inputs"));
    CHECK(fx_res(&f, "acl-0123456789abcdef0", NR_INBOUND) == NULL);
    fx_done(&f);
}

static void test_errors(void)
{
    static const struct {
        const char *file, *where, *what;
    } cases[] = {
        {"bad-cidr.json", "bad-cidr.json:8:37:", "0.0.0.300/0"},
        {"bad-ports.json", "bad-ports.json:8:23:", "FromPort 9300 is greater than ToPort 9200"},
        {"bad-proto.json", "bad-proto.json:6:25:", "unknown protocol \"tcpp\""},
        {"bad-type.json", "bad-type.json:5:24:", "expected an array, got a string"},
        {"bad-action.json", "bad-action.json:6:61:", "expected \"allow\" or \"deny\""},
        {"bad-egress.json", "bad-egress.json:7:21:", "expected a boolean"},
        {"bad-nacl-range.json", "bad-nacl-range.json:8:24:", "0-65535"},
        {"bad-syntax.json", "bad-syntax.json:3:", "invalid JSON"},
        {"bad-v6-in-v4.json", "bad-v6-in-v4.json:6:57:", "IPv4 CIDR"},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        char path[256];
        snprintf(path, sizeof path, DATA "%s", cases[i].file);
        fx f;
        load_files(&f, path, NULL);
        CHECK(f.rc == -1);
        if (!strstr(f.e.msg, cases[i].where) || !strstr(f.e.msg, cases[i].what)) {
            fprintf(stderr, "%s: got \"%s\"\n", cases[i].file, f.e.msg);
            CHECK(!"error message");
        } else {
            CHECK(1);
        }
        fx_done(&f);
    }
    static const struct {
        const char *text, *what;
    } mem[] = {
        {"{\"SecurityGroups\":[{\"GroupName\":\"x\"}]}", "missing \"GroupId\""},
        {"{\"SecurityGroups\":[7]}", "expected a security group object"},
        {"{\"SecurityGroups\":[{\"GroupId\":\"sg-1\",\"IpPermissions\":[{\"IpProtocol\":"
         "\"tcp\",\"FromPort\":\"80\",\"ToPort\":80}]}]}", "\"FromPort\": expected an integer"},
        {"{\"SecurityGroups\":[{\"GroupId\":\"sg-1\",\"IpPermissions\":[{\"IpProtocol\":"
         "\"udp\",\"FromPort\":1,\"ToPort\":70000}]}]}", "\"ToPort\": expected a port"},
        {"{\"SecurityGroups\":[{\"GroupId\":\"sg-1\",\"IpPermissions\":[{\"IpProtocol\":"
         "\"tcp\",\"FromPort\":1,\"ToPort\":2,\"Ipv6Ranges\":[{\"CidrIpv6\":\"10.0.0.0/8\"}]}]}]}",
         "expected an IPv6 CIDR"},
        {"{\"SecurityGroups\":[{\"GroupId\":\"sg-1\",\"IpPermissions\":[{\"IpProtocol\":"
         "\"tcp\",\"FromPort\":1,\"ToPort\":2,\"IpRanges\":[{\"CidrIp\":\"10.0.0.1\"}]}]}]}",
         "expected an IPv4 CIDR"},
        {"{\"NetworkAcls\":[{\"NetworkAclId\":\"acl-1\",\"Entries\":[{\"RuleNumber\":0,"
         "\"Protocol\":\"-1\",\"RuleAction\":\"allow\",\"Egress\":false,\"CidrBlock\":"
         "\"0.0.0.0/0\"}]}]}", "expected 1-32768"},
        {"{\"NetworkAcls\":[{\"NetworkAclId\":\"acl-1\",\"Entries\":[{\"RuleNumber\":1,"
         "\"Protocol\":\"-1\",\"RuleAction\":\"allow\",\"Egress\":false}]}]}",
         "exactly one of \"CidrBlock\""},
        {"{\"NetworkAcls\":[{\"NetworkAclId\":\"acl-1\",\"Entries\":[{\"RuleNumber\":1,"
         "\"Protocol\":\"xyz\",\"RuleAction\":\"allow\",\"Egress\":false,\"CidrBlock\":"
         "\"0.0.0.0/0\"}]}]}", "unknown protocol \"xyz\""},
        {"{\"NetworkInterfaces\":[{\"NetworkInterfaceId\":\"eni-1\",\"Groups\":{}}]}",
         "\"Groups\": expected an array"},
        {"{\"Reservations\":[{\"Instances\":[{\"SubnetId\":\"s\"}]}]}",
         "missing \"InstanceId\""},
        {"{\"foo\":1}", "expected an AWS export"},
        {"[1,2]", "expected an AWS"},
    };
    for (size_t i = 0; i < sizeof mem / sizeof mem[0]; i++) {
        fx f;
        load_text(&f, "mem.json", mem[i].text, NR_FMT_AWS);
        CHECK(f.rc == -1);
        if (!strstr(f.e.msg, mem[i].what)) {
            fprintf(stderr, "case %zu: got \"%s\"\n", i, f.e.msg);
            CHECK(!"error message");
        } else {
            CHECK(strncmp(f.e.msg, "mem.json:", 9) == 0);
        }
        fx_done(&f);
    }
}

static void test_lenient(void)
{
    fx f;
    /* -1/-1 ports on tcp (old exports), numeric protocol, duplicate group */
    load_text(&f, "mem.json",
              "{\"SecurityGroups\":["
              "{\"GroupId\":\"sg-1\",\"IpPermissions\":[{\"IpProtocol\":\"6\","
              "\"FromPort\":-1,\"ToPort\":-1,\"IpRanges\":[{\"CidrIp\":\"0.0.0.0/0\"}]},"
              "{\"IpProtocol\":\"all\",\"IpRanges\":[]}]},"
              "{\"GroupId\":\"sg-1\",\"IpPermissions\":[]}]}",
              NR_FMT_AUTO);
    CHECK(f.rc == 0);
    CHECK(f.s.n == 2);
    const nr_resource *g = fx_res(&f, "sg-1", NR_INBOUND);
    CHECK(g && nrules(g, 0) == 1); /* a permission without ranges adds nothing */
    CHECK(g && lg_ivset_equal(rule(g, 0, 0)->m[NR_DPORT], one(&f, 0, 65535)));
    CHECK(g && strcmp(rule(g, 0, 0)->name, "sg-1:tcp/0-65535:0.0.0.0/0") == 0);
    fx_done(&f);
    /* NACL entry without PortRange on tcp: every port; rules kept in
     * number order whatever the input order */
    load_text(&f, "mem.json",
              "{\"NetworkAcls\":[{\"NetworkAclId\":\"acl-1\",\"Entries\":["
              "{\"RuleNumber\":200,\"Protocol\":\"6\",\"RuleAction\":\"allow\","
              "\"Egress\":false,\"CidrBlock\":\"0.0.0.0/0\"},"
              "{\"RuleNumber\":100,\"Protocol\":\"6\",\"RuleAction\":\"deny\","
              "\"Egress\":false,\"CidrBlock\":\"0.0.0.0/0\",\"PortRange\":{\"From\":22,\"To\":22}}"
              "]}]}",
              NR_FMT_AUTO);
    CHECK(f.rc == 0);
    const nr_resource *n = fx_res(&f, "acl-1", NR_INBOUND);
    CHECK(n && nrules(n, 0) == 3 && strcmp(rule(n, 0, 0)->name, "100") == 0);
    CHECK(n && lg_ivset_equal(rule(n, 0, 1)->m[NR_DPORT], one(&f, 0, 65535)));
    CHECK(n && nrules(n, 1) == 1 && rule(n, 1, 0)->is_default); /* only `*` */
    fx_done(&f);
}

int main(void)
{
    test_detect();
    test_sgs();
    test_prefix_list_entries();
    test_real_sg();
    test_nacls();
    test_enis();
    test_errors();
    test_lenient();
    UNIT_DONE();
}
