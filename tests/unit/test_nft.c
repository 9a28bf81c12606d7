/* test_nft.c - the nftables reader: real `nft -j list ruleset` fixtures in
 * tests/data/nft/ (made from the .nft sources next to them) loaded through
 * nr_load()/nr_load_mem() with format detection.  Checks the model
 * (layers, scopes, chains, names, uncertain reasons) and evaluates single
 * packets with the set engine (eval.h): lower bound allowed -> 'a', upper
 * bound only -> 'u', else 'd'. */
#include <jansson.h>
#include <stdlib.h>

#include "netrules/eval.h"
#include "netrules/load.h"
#include "netrules/platforms.h"
#include "nrfix.h"
#include "unit.h"

#define DATA "tests/data/nft/"

static void load_opts(fx *f, const char *path, const char *iface, bool forward)
{
    nr_opts o = fx_opts();
    o.public_iface = iface;
    o.forward = forward;
    fx_load(f, &path, 1, &o);
}

static void load_file(fx *f, const char *path) { load_opts(f, path, NULL, false); }

static void load_text(fx *f, const char *text, nr_format fmt)
{
    fx_load_text(f, "mem.json", text, fmt, NULL);
}

static void done(fx *f) { fx_done(f); }

static const nr_resource *res(const fx *f, nr_direction d) { return fx_res(f, NULL, d); }

static lg_u128 ip(const char *t)
{
    lg_u128 v = 0;
    int fam;
    if (!lg_ip_parse(t, strlen(t), &v, &fam))
        abort();
    return v;
}

static bool allowed(const nr_resource *r, int proto, const char *src, int sport,
                    const char *dst, int dport, nr_mode mode)
{
    lg_arena a;
    lg_arena_init(&a);
    nr_box b;
    memset(&b, 0, sizeof b);
    b.d[NR_PROTO] = lg_ivset_range(&a, (lg_u128)proto, (lg_u128)proto);
    b.d[NR_SPORT] = lg_ivset_range(&a, (lg_u128)sport, (lg_u128)sport);
    b.d[NR_DPORT] = lg_ivset_range(&a, (lg_u128)dport, (lg_u128)dport);
    b.d[NR_SRC] = lg_ivset_range(&a, ip(src), ip(src));
    b.d[NR_DST] = lg_ivset_range(&a, ip(dst), ip(dst));
    nr_boxes reg = {0};
    nr_boxes_push(&a, &reg, &b);
    nr_result out;
    nr_eval(&a, r, &reg, mode, 0, &out);
    bool ok = out.allowed.n > 0 && !out.overflow;
    lg_arena_free(&a);
    return ok;
}

/* 'a' allowed for sure, 'u' unknown, 'd' denied, '?' no resource */
static char flow(const nr_resource *r, int proto, const char *src, const char *dst, int dport)
{
    if (!r)
        return '?';
    if (allowed(r, proto, src, 40000, dst, dport, NR_LOWER))
        return 'a';
    if (allowed(r, proto, src, 40000, dst, dport, NR_UPPER))
        return 'u';
    return 'd';
}

#define TCP 6
#define UDP 17
#define NET "52.1.2.3"
#define ME "10.0.0.4"
#define NET6 "2a00:1450::1"
#define ME6 "2001:db8:1::4"

static const nr_rule *rule_named(const nr_resource *r, const char *name)
{
    for (size_t l = 0; r && l < r->nlayers; l++)
        for (size_t c = 0; c < r->layers[l].nchains; c++)
            for (size_t i = 0; i < r->layers[l].chains[c].n; i++)
                if (strcmp(r->layers[l].chains[c].rules[i].name, name) == 0)
                    return &r->layers[l].chains[c].rules[i];
    return NULL;
}

static void test_incident(void)
{
    fx f;
    load_file(&f, DATA "incident.json");
    CHECK(f.rc == 0);
    CHECK(f.ins.fmt[0] == NR_FMT_NFT);
    CHECK(f.s.n == 2);
    const nr_resource *in = res(&f, NR_INBOUND), *out = res(&f, NR_OUTBOUND);
    CHECK(in && out);
    if (!in || !out)
        goto end;
    CHECK_STR(in->name, "nft input");
    CHECK_STR(in->kind, "nft");
    CHECK_STR(out->name, "nft output");
    CHECK(in->nlayers == 1);
    CHECK_STR(in->layers[0].name, "inet filter input");
    CHECK(!in->layers[0].scoped);
    CHECK(in->layers[0].chains[in->layers[0].entry].policy == NR_ACCEPT);
    CHECK_STR(in->layers[0].chains[0].policy_name, "policy");
    CHECK(flow(in, TCP, NET, ME, 9200) == 'a');
    CHECK(flow(in, UDP, NET6, ME6, 11211) == 'a');
end:
    done(&f);
}

static void test_policy_drop(void)
{
    fx f;
    load_file(&f, DATA "policy-drop-es.json");
    CHECK(f.rc == 0);
    const nr_resource *in = res(&f, NR_INBOUND);
    CHECK(in && in->nlayers == 1);
    const nr_rule *es = rule_named(in, "allow-es");
    CHECK(es != NULL);
    if (es) {
        CHECK(es->action == NR_ACCEPT);
        CHECK(es->uncertain == NULL);
        CHECK(es->ptr && strncmp(es->ptr, "/nftables/", 10) == 0);
        CHECK(nr_rule_line(es) > 0);
        CHECK(lg_ivset_contains(es->m[NR_DPORT], 9200));
        CHECK(!lg_ivset_contains(es->m[NR_DPORT], 9201));
        CHECK(lg_ivset_equal(es->m[NR_PROTO], lg_ivset_range(&f.s.arena, 6, 6)));
        CHECK(lg_ivset_equal(es->m[NR_SRC], lg_ip_v4())); /* 0.0.0.0/0 is v4 only */
    }
    /* the iifname "lo" rule exists but can never match */
    const nr_rule *lo = rule_named(in, "input#2");
    CHECK(lo && lo->uncertain == NULL && lo->m[NR_PROTO].n == 0);
    CHECK(flow(in, TCP, NET, ME, 9200) == 'a');
    CHECK(flow(in, TCP, NET6, ME6, 9200) == 'd'); /* ip saddr: IPv4 only */
    CHECK(flow(in, TCP, NET, ME, 22) == 'd');
    CHECK(flow(in, TCP, "10.1.1.1", ME, 22) == 'a');
    CHECK(flow(in, UDP, NET, ME, 9200) == 'd');
    done(&f);
}

static void test_ct_established(void)
{
    fx f;
    load_file(&f, DATA "ct-established.json");
    CHECK(f.rc == 0);
    const nr_resource *in = res(&f, NR_INBOUND);
    CHECK(in && in->nlayers == 1 && in->layers[0].chains[0].n == 3);
    if (in && in->layers[0].chains[0].n == 3) {
        const nr_rule *r = &in->layers[0].chains[0].rules[0];
        CHECK_STR(r->name, "input#2");
        CHECK(r->m[NR_PROTO].n == 0); /* established,related: never new */
        CHECK(r->uncertain == NULL);
    }
    CHECK(flow(in, TCP, NET, ME, 9200) == 'd');
    CHECK(flow(in, UDP, NET6, ME6, 53) == 'd');
    done(&f);
}

static void test_named_set(void)
{
    fx f;
    load_file(&f, DATA "named-set.json");
    CHECK(f.rc == 0);
    const nr_resource *in = res(&f, NR_INBOUND);
    const nr_rule *db = rule_named(in, "db ports");
    CHECK(db != NULL);
    if (db) {
        CHECK(db->uncertain == NULL);
        CHECK(lg_ivset_contains(db->m[NR_DPORT], 9200));
        CHECK(lg_ivset_contains(db->m[NR_DPORT], 27017));
        CHECK(!lg_ivset_contains(db->m[NR_DPORT], 22));
    }
    /* ct state vmap: 3 elements, none is "new" */
    CHECK(in && in->layers[0].chains[0].n == 4);
    CHECK(flow(in, TCP, NET, ME, 9200) == 'a');
    CHECK(flow(in, TCP, NET6, ME6, 5432) == 'a');
    CHECK(flow(in, TCP, NET, ME, 22) == 'd');
    done(&f);
}

static void test_anon_set_range(void)
{
    fx f;
    load_file(&f, DATA "anon-set.json");
    CHECK(f.rc == 0);
    const nr_resource *in = res(&f, NR_INBOUND);
    CHECK(in && in->layers[0].chains[0].n == 1); /* one rule, a union */
    CHECK(flow(in, TCP, NET, ME, 9200) == 'a');
    CHECK(flow(in, TCP, NET, ME, 5601) == 'a');
    CHECK(flow(in, TCP, NET, ME, 5602) == 'd');
    done(&f);

    load_file(&f, DATA "range.json");
    CHECK(f.rc == 0);
    in = res(&f, NR_INBOUND);
    CHECK(flow(in, TCP, NET, ME, 9200) == 'a');
    CHECK(flow(in, TCP, NET, ME, 9000) == 'a');
    CHECK(flow(in, TCP, NET, ME, 9301) == 'd');
    CHECK(flow(in, UDP, NET, ME, 9200) == 'd');
    done(&f);
}

static void test_saddr_neg(void)
{
    fx f;
    load_file(&f, DATA "saddr-neg.json");
    CHECK(f.rc == 0);
    const nr_resource *in = res(&f, NR_INBOUND);
    CHECK(flow(in, TCP, NET, ME, 9200) == 'a');
    CHECK(flow(in, TCP, "10.9.9.9", ME, 9200) == 'd');
    CHECK(flow(in, TCP, NET6, ME6, 9200) == 'd'); /* ip saddr != ... is v4 */
    done(&f);
}

static void test_jump_return(void)
{
    fx f;
    load_file(&f, DATA "jump-return.json");
    CHECK(f.rc == 0);
    const nr_resource *in = res(&f, NR_INBOUND);
    CHECK(in && in->nlayers == 1);
    if (in && in->nlayers == 1) {
        const nr_layer *l = &in->layers[0];
        CHECK(l->nchains == 3);
        CHECK_STR(l->chains[l->entry].name, "input");
        CHECK(nr_chain_find(l, "trusted") >= 0);
        CHECK(nr_chain_find(l, "es") >= 0);
        int t = nr_chain_find(l, "trusted");
        CHECK(t >= 0 && l->chains[t].policy == NR_RETURN);
        CHECK(l->chains[l->entry].rules[0].action == NR_JUMP);
        CHECK(l->chains[l->entry].rules[0].target == t);
        CHECK(l->chains[l->entry].rules[1].action == NR_GOTO);
    }
    CHECK(flow(in, TCP, "192.168.3.4", ME, 9200) == 'a'); /* trusted */
    CHECK(flow(in, TCP, "10.1.2.3", ME, 9200) == 'a');    /* es chain */
    CHECK(flow(in, TCP, NET, ME, 9200) == 'd');           /* es: drop */
    CHECK(flow(in, TCP, NET, ME, 5601) == 'a');           /* back after return */
    CHECK(flow(in, TCP, NET, ME, 22) == 'd');
    done(&f);
}

static void test_ip_only(void)
{
    fx f;
    load_file(&f, DATA "ip-only.json");
    CHECK(f.rc == 0);
    const nr_resource *in = res(&f, NR_INBOUND);
    CHECK(in && in->nlayers == 1 && in->layers[0].scoped);
    if (in && in->nlayers)
        CHECK(lg_ivset_equal(in->layers[0].scope, lg_ip_v4()));
    CHECK(flow(in, TCP, NET, ME, 9200) == 'd');
    CHECK(flow(in, TCP, NET, ME, 22) == 'a');
    CHECK(flow(in, TCP, NET6, ME6, 9200) == 'a'); /* IPv6 is not filtered */
    CHECK(in && in->note && strstr(in->note, "IPv6 traffic is not filtered"));
    /* no output base chain: resource with no layers, and a note */
    const nr_resource *out = res(&f, NR_OUTBOUND);
    CHECK(out && out->nlayers == 0 && out->note && strstr(out->note, "output hook"));
    done(&f);
}

static void test_two_base(void)
{
    fx f;
    load_file(&f, DATA "two-base.json");
    CHECK(f.rc == 0);
    const nr_resource *in = res(&f, NR_INBOUND);
    CHECK(in && in->nlayers == 2);
    if (in && in->nlayers == 2) {
        CHECK_STR(in->layers[0].name, "inet filter input");
        CHECK_STR(in->layers[1].name, "inet guard input");
    }
    CHECK(flow(in, TCP, NET, ME, 9200) == 'd'); /* accepted, then dropped */
    CHECK(flow(in, TCP, NET, ME, 22) == 'a');
    CHECK(flow(in, TCP, NET, ME, 80) == 'd');
    done(&f);
}

static void test_iifname(void)
{
    fx f;
    load_file(&f, DATA "iifname.json");
    CHECK(f.rc == 0);
    const nr_resource *in = res(&f, NR_INBOUND);
    const nr_rule *r = rule_named(in, "es-internal");
    CHECK(r && r->uncertain && strstr(r->uncertain, "eth1") &&
          strstr(r->uncertain, "--public-iface"));
    CHECK(flow(in, TCP, NET, ME, 9200) == 'u');
    CHECK(flow(in, TCP, NET, ME, 22) == 'd');
    done(&f);

    load_opts(&f, DATA "iifname.json", "eth0", false);
    in = res(&f, NR_INBOUND);
    r = rule_named(in, "es-internal");
    CHECK(r && !r->uncertain);
    CHECK(flow(in, TCP, NET, ME, 9200) == 'd');
    done(&f);

    load_opts(&f, DATA "iifname.json", "eth1", false);
    CHECK(flow(res(&f, NR_INBOUND), TCP, NET, ME, 9200) == 'a');
    done(&f);
}

static void test_xt(void)
{
    fx f;
    load_file(&f, DATA "xt.json");
    CHECK(f.rc == 0);
    const nr_resource *in = res(&f, NR_INBOUND);
    CHECK(in && in->nlayers == 1 && in->layers[0].scoped);
    CHECK_STR(in ? in->layers[0].name : NULL, "ip filter INPUT");
    const nr_rule *r = rule_named(in, "INPUT#3");
    CHECK(r && r->uncertain && strstr(r->uncertain, "xt"));
    CHECK(flow(in, TCP, NET, ME, 9200) == 'u');
    CHECK(flow(in, TCP, NET, ME, 22) == 'a');
    CHECK(flow(in, TCP, NET, ME, 6379) == 'u'); /* multiport blob, proto tcp */
    CHECK(flow(in, UDP, NET, ME, 6379) == 'd');
    done(&f);
}

static void test_misc(void)
{
    fx f;
    load_file(&f, DATA "misc.json");
    CHECK(f.rc == 0);
    const nr_resource *in = res(&f, NR_INBOUND), *out = res(&f, NR_OUTBOUND);
    CHECK(in && in->note && strstr(in->note, "netdev"));
    CHECK(flow(in, UDP, NET, ME, 11211) == 'a');
    /* @blocked is a timeout set: drop unknown -> accepts after it unknown */
    CHECK(flow(in, TCP, NET, ME, 5432) == 'd');
    CHECK(flow(in, TCP, NET6, ME6, 5432) == 'd');
    CHECK(flow(in, TCP, "2001:db8::9", ME6, 5432) == 'a'); /* v6: no @blocked */
    CHECK(flow(in, TCP, NET, ME, 6379) == 'u');            /* blocked? limit? */
    CHECK(flow(in, TCP, NET6, ME6, 6379) == 'u');          /* limit */
    CHECK(flow(in, TCP, NET6, ME6, 27017) == 'a');         /* vmap accept */
    CHECK(flow(in, TCP, NET6, ME6, 9042) == 'd');          /* vmap drop */
    CHECK(flow(in, TCP, NET6, ME6, 22) == 'a');
    CHECK(flow(in, TCP, NET6, ME6, 8086) == 'a');          /* nfproto ipv6 */
    CHECK(flow(in, TCP, NET6, ME6, 99) == 'a');            /* dport < 100 */
    CHECK(flow(in, TCP, NET6, ME6, 100) == 'd');
    CHECK(flow(in, TCP, NET6, ME6, 9200) == 'd');
    const nr_rule *r = rule_named(in, "input#5");
    CHECK(r && r->uncertain && strstr(r->uncertain, "@blocked"));
    r = rule_named(in, "input#10"); /* icmp type: tcp never matches it */
    CHECK(r && r->uncertain && lg_ivset_equal(r->m[NR_PROTO], lg_ivset_range(&f.s.arena, 1, 1)));
    /* output: oifname lo never leaves to the Internet, port 25 dropped */
    CHECK(out && out->nlayers == 1);
    CHECK(flow(out, TCP, ME, NET, 25) == 'd');
    CHECK(flow(out, TCP, ME, NET, 443) == 'a');
    done(&f);
}

static void test_complex(void)
{
    fx f;
    load_file(&f, DATA "complex.json");
    CHECK(f.rc == 0);
    const nr_resource *in = res(&f, NR_INBOUND);
    CHECK(in && in->nlayers == 2);
    if (!in || in->nlayers != 2)
        goto end;
    /* ip6 table at priority -10 comes first and only sees IPv6 */
    CHECK_STR(in->layers[0].name, "ip6 filter6 input");
    CHECK(in->layers[0].scoped && lg_ivset_equal(in->layers[0].scope, lg_ip_v6()));
    CHECK_STR(in->layers[1].name, "inet filter input");
    const nr_layer *l = &in->layers[1];
    CHECK(nr_chain_find(l, "es") >= 0); /* reached through the named vmap */
    CHECK(flow(in, TCP, "10.2.3.4", ME, 9200) == 'a');      /* vmap jump es */
    CHECK(flow(in, TCP, "192.168.1.20", ME, 9200) == 'a');  /* set range */
    CHECK(flow(in, TCP, "192.168.1.21", ME, 9200) == 'd');
    CHECK(flow(in, TCP, NET, ME, 22) == 'a');               /* vmap accept */
    CHECK(flow(in, UDP, NET, ME, 9300) == 'a');             /* ip protocol udp */
    CHECK(flow(in, UDP, NET, ME, 6379) == 'a');             /* th dport */
    CHECK(flow(in, TCP, NET, ME, 6379) == 'a');
    CHECK(flow(in, TCP, NET, ME, 9300) == 'd');             /* concat tuple */
    CHECK(flow(in, TCP, "1.2.3.4", ME, 9300) == 'a');
    CHECK(flow(in, TCP, "1.2.3.4", ME, 9301) == 'd');
    CHECK(flow(in, TCP, NET, ME, 1234) == 'u');             /* tcp flags */
    CHECK(flow(in, TCP, NET, ME, 5601) == 'u');             /* iifname set */
    CHECK(flow(in, TCP, NET, "10.1.0.255", 8080) == 'a');   /* daddr range */
    CHECK(flow(in, TCP, NET, "10.1.1.0", 8080) == 'd');
    /* IPv6: first the ip6 layer, then the inet layer */
    CHECK(flow(in, TCP, NET6, ME6, 9200) == 'd');           /* es: v6 not in @nets */
    CHECK(flow(in, TCP, "fd00::1", ME6, 27017) == 'd');     /* inet drops it */
    CHECK(flow(in, TCP, NET6, ME6, 22) == 'd');             /* ip6 layer drops */
    done(&f);
    load_opts(&f, DATA "complex.json", "wg0", false);
    CHECK(flow(res(&f, NR_INBOUND), TCP, NET, ME, 5601) == 'a'); /* wg* */
end:
    done(&f);
}

static void test_forward(void)
{
    fx f;
    load_opts(&f, DATA "incident.json", NULL, true);
    CHECK(f.rc == 0);
    const nr_resource *in = res(&f, NR_INBOUND);
    CHECK_STR(in ? in->name : NULL, "nft forward");
    CHECK(in && in->nlayers == 1 && strcmp(in->layers[0].name, "inet filter forward") == 0);
    done(&f);
}

static void test_inline(void)
{
    fx f;
    /* empty ruleset: nothing filtered, said in the note */
    load_text(&f, "{\"nftables\":[{\"metainfo\":{\"json_schema_version\":1}}]}", NR_FMT_AUTO);
    CHECK(f.rc == 0 && f.ins.fmt[0] == NR_FMT_NFT);
    const nr_resource *in = res(&f, NR_INBOUND);
    CHECK(in && in->nlayers == 0 && in->note && strstr(in->note, "nothing is filtered"));
    done(&f);

    /* service name, != on ct state, meta l4proto set, ip6 saddr range */
    load_text(&f,
              "{\"nftables\":[{\"table\":{\"family\":\"inet\",\"name\":\"t\"}},\n"
              "{\"chain\":{\"family\":\"inet\",\"table\":\"t\",\"name\":\"in\",\"type\":\"filter\","
              "\"hook\":\"input\",\"prio\":0,\"policy\":\"drop\"}},\n"
              "{\"rule\":{\"family\":\"inet\",\"table\":\"t\",\"chain\":\"in\",\"handle\":3,\"expr\":["
              "{\"match\":{\"op\":\"!=\",\"left\":{\"ct\":{\"key\":\"state\"}},\"right\":\"new\"}},"
              "{\"accept\":null}]}},\n"
              "{\"rule\":{\"family\":\"inet\",\"table\":\"t\",\"chain\":\"in\",\"handle\":4,\"expr\":["
              "{\"match\":{\"op\":\"==\",\"left\":{\"meta\":{\"key\":\"l4proto\"}},\"right\":{\"set\":[\"tcp\",\"udp\"]}}},"
              "{\"match\":{\"op\":\"==\",\"left\":{\"payload\":{\"protocol\":\"th\",\"field\":\"dport\"}},\"right\":\"ssh\"}},"
              "{\"accept\":null}]}},\n"
              "{\"rule\":{\"family\":\"inet\",\"table\":\"t\",\"chain\":\"in\",\"handle\":5,\"expr\":["
              "{\"match\":{\"op\":\"==\",\"left\":{\"payload\":{\"protocol\":\"tcp\",\"field\":\"dport\"}},\"right\":\"elasticsearch\"}},"
              "{\"accept\":null}]}},\n"
              "{\"rule\":{\"family\":\"inet\",\"table\":\"t\",\"chain\":\"in\",\"handle\":6,\"expr\":["
              "{\"match\":{\"op\":\"!=\",\"left\":{\"meta\":{\"key\":\"iifname\"}},\"right\":\"lo\"}},"
              "{\"match\":{\"op\":\"==\",\"left\":{\"payload\":{\"protocol\":\"ip6\",\"field\":\"saddr\"}},"
              "\"right\":{\"range\":[\"2a00::\",\"2a00::ffff\"]}}},{\"counter\":null},{\"reject\":null}]}},\n"
              "{\"rule\":{\"family\":\"inet\",\"table\":\"t\",\"chain\":\"in\",\"handle\":7,\"expr\":["
              "{\"continue\":null}]}}\n"
              "]}",
              NR_FMT_AUTO);
    CHECK(f.rc == 0);
    in = res(&f, NR_INBOUND);
    CHECK(in && in->layers[0].chains[0].n == 5);
    if (in && in->layers[0].chains[0].n == 5) {
        const nr_rule *r = in->layers[0].chains[0].rules;
        CHECK(r[0].m[NR_PROTO].n == 0); /* ct state != new */
        CHECK(r[1].uncertain == NULL && lg_ivset_contains(r[1].m[NR_PROTO], 17) &&
              lg_ivset_contains(r[1].m[NR_DPORT], 22) && r[1].m[NR_DPORT].n == 1);
        CHECK(r[2].uncertain && strstr(r[2].uncertain, "elasticsearch"));
        CHECK(r[3].action == NR_DROP && !r[3].uncertain);
        CHECK(r[4].action == NR_NOP);
    }
    CHECK(flow(in, UDP, NET, ME, 22) == 'a');
    CHECK(flow(in, TCP, NET, ME, 9200) == 'u');
    CHECK(flow(in, UDP, NET, ME, 9200) == 'd');
    done(&f);

    /* forced format on something else is an error, not a crash */
    load_text(&f, "{\"securityRules\":[]}", NR_FMT_NFT);
    CHECK(f.rc < 0 && strstr(f.e.msg, "nftables"));
    done(&f);
}

static void test_errors(void)
{
    static const struct {
        const char *file;
        const char *want; /* substring of the message, with a line number */
    } bad[] = {
        {"bad-not-array.json", "bad-not-array.json:1:"},
        {"bad-unknown-chain.json", "unknown chain 'nochain'"},
        {"bad-jump.json", "jump to unknown chain 'missing'"},
        {"bad-prefix.json", "prefix \"len\""},
        {"bad-addr.json", "expected an IPv4 address"},
        {"bad-port.json", "0..65535"},
        {"bad-set.json", "unknown set 'nope'"},
        {"bad-item.json", "expected an object with one key"},
        {"bad-policy.json", "expected policy"},
        {"bad-syntax.json", "invalid JSON"},
    };
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        fx f;
        char path[256];
        snprintf(path, sizeof path, DATA "%s", bad[i].file);
        load_opts(&f, path, NULL, false);
        CHECK(f.rc < 0);
        if (!strstr(f.e.msg, bad[i].want) || !strstr(f.e.msg, bad[i].file)) {
            fprintf(stderr, "%s: got \"%s\"\n", bad[i].file, f.e.msg);
            CHECK(!"error message");
        } else {
            CHECK(1);
        }
        /* file:line:col */
        const char *p = strstr(f.e.msg, ".json:");
        CHECK(p && p[6] >= '1' && p[6] <= '9');
        done(&f);
    }
}

int main(void)
{
    test_incident();
    test_policy_drop();
    test_ct_established();
    test_named_set();
    test_anon_set_range();
    test_saddr_neg();
    test_jump_return();
    test_ip_only();
    test_two_base();
    test_iifname();
    test_xt();
    test_misc();
    test_complex();
    test_forward();
    test_inline();
    test_errors();
    UNIT_DONE();
}
