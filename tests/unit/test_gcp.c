/* test_gcp.c - the GCP VPC firewall reader: fixtures in tests/data/gcp/
 * loaded through nr_load()/nr_load_mem() with format detection, checked on
 * the model (resources per target, order, boxes) and with a tiny
 * first-match evaluation of concrete packets (the reader emits one layer,
 * one chain, no jumps, so that is all the semantics there is). */
#include <jansson.h>
#include <stdlib.h>

#include "netrules/load.h"
#include "netrules/platforms.h"
#include "nrfix.h"
#include "unit.h"

#define DATA "tests/data/gcp/"


static lg_u128 ip(const char *t)
{
    lg_u128 v = 0;
    int fam;
    if (!lg_ip_parse(t, strlen(t), &v, &fam))
        abort();
    return v;
}

/* First-match verdict for an inbound packet; returns the deciding rule
 * name (or policy name), *accept the action, *unsure when an uncertain
 * rule matched on the way. */
static const char *verdict(const nr_resource *r, int proto, const char *src,
                           int dport, const char *dst, bool *accept, bool *unsure)
{
    *accept = false;
    *unsure = false;
    if (!r || r->nlayers != 1)
        return "(no resource)";
    const nr_layer *l = &r->layers[0];
    const nr_chain *c = &l->chains[l->entry];
    lg_u128 pkt[NR_NDIM] = {(lg_u128)proto, (lg_u128)dport, 40000,
                            ip(dst ? dst : "10.128.0.4"), ip(src)};
    for (size_t i = 0; i < c->n; i++) {
        const nr_rule *ru = &c->rules[i];
        bool m = true;
        for (int d = 0; d < NR_NDIM && m; d++)
            m = lg_ivset_contains(ru->m[d], pkt[d]);
        if (!m)
            continue;
        if (ru->uncertain) {
            *unsure = true;
            continue;
        }
        *accept = ru->action == NR_ACCEPT;
        return ru->name;
    }
    *accept = c->policy == NR_ACCEPT;
    return c->policy_name;
}

#define EXPECT(r, proto, src, port, acc, name)                                 \
    do {                                                                       \
        bool acc_, uns_;                                                         \
        CHECK_STR(verdict((r), (proto), (src), (port), NULL, &acc_, &uns_), name); \
        CHECK(acc_ == (acc));                                                  \
    } while (0)

static void test_incident(void)
{
    fx f;
    fx_load_file(&f, DATA "incident.json");
    CHECK(f.rc == 0);
    CHECK(f.ins.n == 1 && f.ins.fmt[0] == NR_FMT_GCP);
    CHECK(f.s.n == 2); /* default/all-instances, both directions */
    const nr_resource *in = fx_res(&f, "default/all-instances", NR_INBOUND);
    const nr_resource *out = fx_res(&f, "default/all-instances", NR_OUTBOUND);
    CHECK(in && out);
    if (!in || !out)
        goto out;
    CHECK_STR(in->kind, "gcp-firewall");
    CHECK(in->nlayers == 1 && in->layers[0].nchains == 1);
    const nr_chain *c = &in->layers[0].chains[0];
    CHECK(c->policy == NR_DROP);
    CHECK_STR(c->policy_name, "implied");
    CHECK(out->layers[0].chains[0].policy == NR_ACCEPT);
    CHECK_STR(out->layers[0].chains[0].policy_name, "implied");
    /* priority order: allow-es-vendor (1000) before the 65534 defaults;
     * default-allow-internal has three entries -> three boxes */
    CHECK(c->n == 5);
    if (c->n == 5) {
        CHECK_STR(c->rules[0].name, "allow-es-vendor");
        CHECK(c->rules[0].priority == 1000);
        CHECK_STR(c->rules[0].ptr, "/2");
        CHECK(nr_rule_line(&c->rules[0]) > 60);
        CHECK_STR(c->rules[1].name, "default-allow-ssh");
        CHECK_STR(c->rules[2].name, "default-allow-internal");
        CHECK_STR(c->rules[4].name, "default-allow-internal");
        CHECK(!c->rules[0].uncertain && !c->rules[0].is_default);
    }
    EXPECT(in, 6, "52.1.2.3", 9200, true, "allow-es-vendor");
    EXPECT(in, 6, "52.1.2.3", 22, true, "default-allow-ssh");
    EXPECT(in, 6, "52.1.2.3", 5432, false, "implied");
    EXPECT(in, 17, "52.1.2.3", 9200, false, "implied");
    EXPECT(in, 6, "10.130.0.9", 5432, true, "default-allow-internal");
    EXPECT(in, 1, "10.130.0.9", 0, true, "default-allow-internal");
    /* 0.0.0.0/0 says nothing about IPv6 */
    EXPECT(in, 6, "2600:1f18::1", 9200, false, "implied");
out:
    fx_done(&f);
}

static void test_deny_order(void)
{
    fx f;
    fx_load_file(&f, DATA "deny-same-priority.json");
    CHECK(f.rc == 0);
    const nr_resource *in = fx_res(&f, "default/all-instances", NR_INBOUND);
    EXPECT(in, 6, "52.1.2.3", 9200, false, "deny-es-public");
    if (in)
        CHECK_STR(in->layers[0].chains[0].rules[0].name, "deny-es-public");
    fx_done(&f);

    fx_load_file(&f, DATA "deny-too-late.json");
    CHECK(f.rc == 0);
    in = fx_res(&f, "default/all-instances", NR_INBOUND);
    EXPECT(in, 6, "52.1.2.3", 9200, true, "allow-es");
    fx_done(&f);
}

static void test_ports_protocols(void)
{
    fx f;
    fx_load_file(&f, DATA "port-range.json");
    CHECK(f.rc == 0);
    const nr_resource *in = fx_res(&f, "default/all-instances", NR_INBOUND);
    EXPECT(in, 6, "52.1.2.3", 9200, true, "allow-search-range");
    EXPECT(in, 6, "52.1.2.3", 443, true, "allow-search-range");
    EXPECT(in, 6, "52.1.2.3", 9301, false, "implied");
    if (in && in->layers[0].chains[0].n == 1)
        CHECK(in->layers[0].chains[0].rules[0].priority == 1000); /* default */
    fx_done(&f);

    fx_load_file(&f, DATA "all-protocols.json"); /* {"kind":..., "items": [...]} */
    CHECK(f.rc == 0 && f.ins.fmt[0] == NR_FMT_GCP);
    in = fx_res(&f, "default/all-instances", NR_INBOUND);
    EXPECT(in, 6, "52.1.2.3", 9200, true, "allow-everything");
    EXPECT(in, 17, "198.51.100.7", 6379, true, "allow-all-from-office");
    EXPECT(in, 132, "52.1.2.3", 1, true, "allow-everything");
    if (in && in->layers[0].chains[0].n == 2)
        CHECK_STR(in->layers[0].chains[0].rules[1].ptr, "/items/1");
    fx_done(&f);

    fx_load_file(&f, DATA "udp-only.json");
    CHECK(f.rc == 0);
    in = fx_res(&f, "default/all-instances", NR_INBOUND);
    EXPECT(in, 6, "52.1.2.3", 9200, false, "implied");
    EXPECT(in, 17, "52.1.2.3", 9200, true, "allow-udp-stuff");
    fx_done(&f);

    /* tcp:9200 OR udp:any - one box per entry, not a product */
    fx_load_file(&f, DATA "mixed-entries.json");
    CHECK(f.rc == 0);
    in = fx_res(&f, "default/all-instances", NR_INBOUND);
    EXPECT(in, 6, "52.1.2.3", 9200, true, "allow-es-and-udp");
    EXPECT(in, 17, "52.1.2.3", 53, true, "allow-es-and-udp");
    EXPECT(in, 6, "52.1.2.3", 53, false, "implied");
    /* destinationRanges restrict the instance address on ingress */
    bool a, u;
    CHECK_STR(verdict(in, 6, "52.1.2.3", 27017, "10.128.0.4", &a, &u),
              "allow-mongo-by-number");
    CHECK(a);
    CHECK_STR(verdict(in, 6, "52.1.2.3", 27017, "10.128.0.5", &a, &u), "implied");
    CHECK(!a);
    /* egress: deny tcp:25 to 0.0.0.0/0, implied allow otherwise */
    const nr_resource *out = fx_res(&f, "default/all-instances", NR_OUTBOUND);
    CHECK(out && out->layers[0].chains[0].n == 1);
    if (out && out->layers[0].chains[0].n == 1) {
        const nr_rule *r = &out->layers[0].chains[0].rules[0];
        CHECK(r->action == NR_DROP);
        CHECK(lg_ivset_contains(r->m[NR_DST], ip("8.8.8.8")));
        CHECK(lg_ivset_contains(r->m[NR_DPORT], 25));
        CHECK(!lg_ivset_contains(r->m[NR_DPORT], 26));
    }
    fx_done(&f);
}

static void test_targets(void)
{
    fx f;
    fx_load_file(&f, DATA "target-tags.json");
    CHECK(f.rc == 0);
    CHECK(f.s.n == 6); /* all-instances, tag:elasticsearch, sa:cache..., x2 */
    const nr_resource *all = fx_res(&f, "prod-vpc/all-instances", NR_INBOUND);
    const nr_resource *es = fx_res(&f, "prod-vpc/tag:elasticsearch", NR_INBOUND);
    const nr_resource *sa =
        fx_res(&f, "prod-vpc/sa:cache@acme-prod.iam.gserviceaccount.com", NR_INBOUND);
    CHECK(all && es && sa);
    EXPECT(all, 6, "52.1.2.3", 9200, false, "implied");
    EXPECT(all, 6, "52.1.2.3", 443, true, "allow-https");
    EXPECT(es, 6, "52.1.2.3", 9200, true, "allow-es-public");
    EXPECT(es, 6, "52.1.2.3", 5601, true, "allow-es-public");
    EXPECT(es, 6, "52.1.2.3", 443, true, "allow-https");
    EXPECT(es, 6, "52.1.2.3", 6379, false, "implied");
    EXPECT(sa, 6, "52.1.2.3", 6379, true, "allow-redis-sa");
    EXPECT(sa, 6, "52.1.2.3", 9200, false, "implied");
    CHECK(fx_res(&f, "prod-vpc/tag:elasticsearch", NR_OUTBOUND) != NULL);
    fx_done(&f);
}

static void test_source_tags(void)
{
    fx f;
    fx_load_file(&f, DATA "source-tags.json");
    CHECK(f.rc == 0);
    const nr_resource *es = fx_res(&f, "default/tag:elasticsearch", NR_INBOUND);
    const nr_resource *all = fx_res(&f, "default/all-instances", NR_INBOUND);
    CHECK(es && all);
    bool a, u;
    /* not from the Internet */
    CHECK_STR(verdict(es, 6, "52.1.2.3", 9200, NULL, &a, &u), "implied");
    CHECK(!a && !u);
    /* from inside: only possibly (tag membership unknown) */
    CHECK_STR(verdict(es, 6, "10.128.0.9", 9200, NULL, &a, &u), "implied");
    CHECK(u);
    CHECK_STR(verdict(all, 6, "10.128.0.9", 5432, NULL, &a, &u), "implied");
    CHECK(u);
    /* ranges + tags: the range part is exact, the tag part uncertain */
    CHECK_STR(verdict(all, 6, "203.0.113.9", 27017, NULL, &a, &u),
              "allow-mongo-office-and-app");
    CHECK(a && !u);
    CHECK_STR(verdict(all, 6, "52.1.2.3", 27017, NULL, &a, &u), "implied");
    CHECK(!a && !u);
    if (es) {
        const nr_chain *c = &es->layers[0].chains[0];
        bool found = false;
        for (size_t i = 0; i < c->n; i++)
            if (strcmp(c->rules[i].name, "allow-es-from-app") == 0) {
                found = true;
                CHECK(c->rules[i].uncertain &&
                      strstr(c->rules[i].uncertain, "app-server"));
                CHECK(lg_ivset_subset(c->rules[i].m[NR_SRC], lg_ip_private()));
            }
        CHECK(found);
    }
    fx_done(&f);
}

static void test_disabled_ipv6(void)
{
    fx f;
    fx_load_file(&f, DATA "disabled.json");
    CHECK(f.rc == 0);
    const nr_resource *in = fx_res(&f, "default/all-instances", NR_INBOUND);
    EXPECT(in, 6, "52.1.2.3", 9200, false, "implied");
    EXPECT(in, 6, "52.1.2.3", 443, true, "allow-https");
    CHECK(in && in->note && strstr(in->note, "1 disabled rule"));
    fx_done(&f);

    fx_load_file(&f, DATA "ipv6.json");
    CHECK(f.rc == 0);
    in = fx_res(&f, "default/all-instances", NR_INBOUND);
    EXPECT(in, 6, "2600:1f18::1", 9200, true, "allow-es-v6");
    EXPECT(in, 6, "52.1.2.3", 9200, false, "implied");
    fx_done(&f);
}

/* Malformed input: exit path with file:line:col naming the value. */
static void bad(const char *file, const char *want_loc, const char *want_msg)
{
    fx f;
    char path[256];
    snprintf(path, sizeof path, DATA "%s", file);
    fx_load_file(&f, path);
    CHECK(f.rc < 0);
    if (!strstr(f.e.msg, want_loc) || !strstr(f.e.msg, want_msg)) {
        fprintf(stderr, "%s: unexpected error: %s\n", file, f.e.msg);
        CHECK(!"error message");
    } else {
        CHECK(1);
    }
    fx_done(&f);
}

static void test_errors(void)
{
    bad("bad-priority.json", "bad-priority.json:6:17:", "priority");
    bad("bad-priority-string.json", "bad-priority-string.json:6:17:", "priority");
    bad("bad-direction.json", "bad-direction.json:4:18:", "direction");
    bad("bad-cidr.json", "bad-cidr.json:6:36:", "0.0.0.300/0");
    bad("bad-port.json", "bad-port.json:3:57:", "9300-9200");
    bad("bad-protocol.json", "bad-protocol.json:3:32:", "IPProtocol");
    bad("truncated.json", "truncated.json:", "invalid JSON");

    static const struct {
        const char *text, *msg;
    } cases[] = {
        {"[{\"name\":\"x\",\"network\":\"n\",\"allowed\":[{\"IPProtocol\":\"tcp\"}],"
         "\"denied\":[{\"IPProtocol\":\"tcp\"}]}]", "not both"},
        {"[{\"name\":\"x\",\"network\":\"n\",\"allowed\":[]}]", "non-empty"},
        {"[{\"name\":\"x\",\"network\":\"n\",\"allowed\":[{\"IPProtocol\":\"icmp\","
         "\"ports\":[\"1\"]}]}]", "only valid with tcp"},
        {"[{\"name\":\"x\",\"network\":\"n\",\"allowed\":[{\"IPProtocol\":\"tcp\","
         "\"ports\":[\"*\"]}]}]", "port"},
        {"[{\"name\":\"x\",\"network\":\"n\",\"allowed\":[{\"ports\":[\"1\"]}]}]",
         "missing IPProtocol"},
        {"[{\"name\":\"x\",\"network\":\"n\",\"priority\":1.5,\"allowed\":"
         "[{\"IPProtocol\":\"tcp\"}]}]", "priority"},
        {"[{\"name\":\"x\",\"network\":\"n\",\"priority\":-1,\"allowed\":"
         "[{\"IPProtocol\":\"tcp\"}]}]", "priority"},
        {"[{\"name\":\"x\",\"network\":\"n\",\"sourceRanges\":\"0.0.0.0/0\","
         "\"allowed\":[{\"IPProtocol\":\"tcp\"}]}]", "array of strings"},
        {"[{\"name\":\"x\",\"direction\":\"EGRESS\",\"sourceTags\":[\"a\"],"
         "\"allowed\":[{\"IPProtocol\":\"tcp\"}]}]", "INGRESS"},
        {"[{\"name\":\"x\",\"network\":\"n\",\"disabled\":\"no\",\"allowed\":"
         "[{\"IPProtocol\":\"tcp\"}]}]", "disabled"},
        {"[{\"name\":\"x\",\"network\":\"n\",\"allowed\":[{\"IPProtocol\":\"tcp\"}]},"
         " 7]", "rule object"},
        {"{\"items\": 3}", "items"},
        {"42", "invalid JSON"},
        {"\"just a string\"", "invalid JSON"},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        fx f;
        fx_load_str(&f, cases[i].text, NR_FMT_GCP);
        CHECK(f.rc < 0);
        if (!strstr(f.e.msg, "mem.json") || !strstr(f.e.msg, cases[i].msg)) {
            fprintf(stderr, "case %zu: unexpected error: %s\n", i, f.e.msg);
            CHECK(!"error message");
        }
        fx_done(&f);
    }
}

static void test_detect_and_shapes(void)
{
    fx f;
    /* minimal rule: defaults priority 1000, INGRESS, 0.0.0.0/0, network */
    fx_load_str(&f, "[{\"name\":\"r\",\"direction\":\"INGRESS\",\"allowed\":"
                  "[{\"IPProtocol\":\"tcp\",\"ports\":[9200]}]}]", NR_FMT_AUTO);
    CHECK(f.rc == 0 && f.ins.fmt[0] == NR_FMT_GCP);
    const nr_resource *in = fx_res(&f, "default/all-instances", NR_INBOUND);
    EXPECT(in, 6, "52.1.2.3", 9200, true, "r");
    fx_done(&f);

    /* a single rule as `firewall-rules describe` prints it */
    fx_load_str(&f, "{\"kind\":\"compute#firewall\",\"name\":\"one\",\"network\":"
                  "\"global/networks/vpc1\",\"priority\":0,\"allowed\":"
                  "[{\"IPProtocol\":\"all\"}]}", NR_FMT_AUTO);
    CHECK(f.rc == 0);
    in = fx_res(&f, "vpc1/all-instances", NR_INBOUND);
    EXPECT(in, 47, "52.1.2.3", 0, true, "one");
    fx_done(&f);

    /* an empty REST page */
    fx_load_str(&f, "{\"kind\":\"compute#firewallList\",\"id\":\"x\"}", NR_FMT_AUTO);
    CHECK(f.rc == 0 && f.s.n == 0);
    fx_done(&f);

    /* other platforms' documents are not ours */
    static const char *const other[] = {
        "{\"nftables\":[{\"metainfo\":{\"json_schema_version\":1}}]}",
        "{\"SecurityGroups\":[{\"GroupId\":\"sg-1\",\"IpPermissions\":[]}]}",
        ("[{\"name\":\"nsg\",\"securityRules\":[{\"name\":\"a\",\"access\":\"Allow\","
         "\"direction\":\"Inbound\"}]}]"),
        "{\"value\":[{\"name\":\"nsg\",\"properties\":{\"securityRules\":[]}}]}",
        "[]",
        "[1,2]",
    };
    for (size_t i = 0; i < sizeof other / sizeof other[0]; i++) {
        nr_input in1 = {.path = "x", .text = other[i], .len = strlen(other[i])};
        json_error_t je;
        in1.json = json_loads(other[i], 0, &je);
        CHECK(in1.json != NULL);
        CHECK(!nr_gcp_detect(&in1));
        json_decref(in1.json);
    }
    nr_input none = {.path = "x", .text = "*filter\n", .len = 8};
    CHECK(!nr_gcp_detect(&none));

    /* several files, two networks: one resource set per network, rules of
     * both files merged and ordered by priority */
    fx g;
    memset(&g, 0, sizeof g);
    nr_snapshot_init(&g.s);
    nr_opts o = fx_opts();
    const char *paths[] = {DATA "deny-too-late.json", DATA "target-tags.json",
                           DATA "deny-same-priority.json"};
    g.rc = nr_load(&g.s, &g.ins, paths, 3, NR_FMT_AUTO, &o, &g.e);
    CHECK(g.rc == 0);
    CHECK(g.s.n == 8);
    in = fx_res(&g, "default/all-instances", NR_INBOUND);
    /* deny-es-public (900, from the third file) is before allow-es (1000) */
    EXPECT(in, 6, "52.1.2.3", 9200, false, "deny-es-public");
    if (in && in->layers[0].chains[0].n > 0)
        CHECK(in->layers[0].chains[0].rules[0].in == &g.ins.in[2]);
    fx_done(&g);

    /* two projects, each with its own "default" network: kept apart */
    memset(&g, 0, sizeof g);
    nr_snapshot_init(&g.s);
    const char *two[] = {DATA "incident.json", DATA "other-project.json"};
    g.rc = nr_load(&g.s, &g.ins, two, 2, NR_FMT_AUTO, &o, &g.e);
    CHECK(g.rc == 0);
    CHECK(g.s.n == 4);
    const nr_resource *prod = fx_res(&g, "acme-prod/default/all-instances", NR_INBOUND);
    const nr_resource *stg = fx_res(&g, "acme-staging/default/all-instances", NR_INBOUND);
    CHECK(prod && stg);
    EXPECT(prod, 6, "52.1.2.3", 9200, true, "allow-es-vendor");
    EXPECT(prod, 6, "52.1.2.3", 5432, false, "implied");
    EXPECT(stg, 6, "52.1.2.3", 5432, true, "allow-pg-anywhere");
    EXPECT(stg, 6, "52.1.2.3", 9200, false, "implied");
    fx_done(&g);
}

int main(void)
{
    test_incident();
    test_deny_order();
    test_ports_protocols();
    test_targets();
    test_source_tags();
    test_disabled_ipv6();
    test_errors();
    test_detect_and_shapes();
    UNIT_DONE();
}
