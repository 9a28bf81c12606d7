/* test_iptables.c - the iptables-save reader: model built from the
 * fixtures in tests/data/iptables/ and from small inline rulesets, and
 * the errors (file:line:col) for malformed input. */
#include <stdlib.h>

#include "netrules/load.h"
#include "netrules/platforms.h"
#include "nrfix.h"
#include "unit.h"

#define DATA "tests/data/iptables/"

/* iptables ignores the VNet: these tests load with no options at all */
static void fx_file(fx *f, const char *path, const nr_opts *o)
{
    nr_opts none = {0};
    fx_load(f, &path, 1, o ? o : &none);
}

static void fx_text(fx *f, const char *text, const nr_opts *o)
{
    nr_opts none = {0};
    fx_load_text(f, "t.rules", text, NR_FMT_IPT, o ? o : &none);
}

static void fx_free(fx *f) { fx_done(f); }

static const nr_resource *res_dir(const fx *f, nr_direction d) { return fx_res(f, NULL, d); }

static const nr_chain *chain(const nr_resource *r, const char *name)
{
    if (!r || r->nlayers != 1)
        return NULL;
    int i = nr_chain_find(&r->layers[0], name);
    return i < 0 ? NULL : &r->layers[0].chains[i];
}

static const nr_rule *rule(const nr_resource *r, const char *ch, size_t k)
{
    const nr_chain *c = chain(r, ch);
    return c && k < c->n ? &c->rules[k] : NULL;
}

/* Does the rule's match contain this IPv4 TCP/UDP packet? */
static bool has(const nr_rule *r, int proto, unsigned sport, unsigned dport,
                uint32_t src)
{
    return r && lg_ivset_contains(r->m[NR_PROTO], (lg_u128)proto) &&
           lg_ivset_contains(r->m[NR_DPORT], dport) &&
           lg_ivset_contains(r->m[NR_SPORT], sport) &&
           lg_ivset_contains(r->m[NR_SRC], LG_V4(src)) &&
           lg_ivset_contains(r->m[NR_DST], LG_V4(0x0a000001));
}

#define IP(a, b, c, d) (((uint32_t)(a) << 24) | ((b) << 16) | ((c) << 8) | (d))
#define PUB IP(52, 1, 2, 3)

static bool never_matches(const nr_rule *r)
{
    if (!r)
        return false;
    for (int d = 0; d < NR_NDIM; d++)
        if (lg_ivset_is_empty(r->m[d]))
            return true;
    return false;
}

static void test_incident(void)
{
    fx f;
    fx_file(&f, DATA "incident.rules", NULL);
    CHECK(f.rc == 0);
    CHECK(f.s.n == 2);
    const nr_resource *in = res_dir(&f, NR_INBOUND), *out = res_dir(&f, NR_OUTBOUND);
    CHECK(in && out);
    if (in && out) {
        CHECK_STR(in->name, "incident.rules INPUT");
        CHECK_STR(out->name, "incident.rules OUTPUT");
        CHECK_STR(in->kind, "iptables");
        CHECK(lg_ivset_equal(in->scope, lg_ip_v4()));
        CHECK(in->nlayers == 1);
        const nr_layer *l = &in->layers[0];
        CHECK(l->nchains == 3);
        CHECK_STR(l->chains[l->entry].name, "INPUT");
        CHECK(l->chains[l->entry].policy == NR_ACCEPT);
        CHECK_STR(l->chains[l->entry].policy_name, "policy");
        CHECK_STR(out->layers[0].chains[out->layers[0].entry].name, "OUTPUT");
        CHECK(in->note && strstr(in->note, "IPv4 only"));
    }
    fx_free(&f);
}

static void test_deny_above_allow(void)
{
    fx f;
    fx_file(&f, DATA "deny-above-allow.rules", NULL);
    CHECK(f.rc == 0);
    const nr_resource *in = res_dir(&f, NR_INBOUND);
    const nr_chain *c = chain(in, "INPUT");
    CHECK(c && c->n == 7 && c->policy == NR_DROP);
    const nr_rule *lo = rule(in, "INPUT", 0), *est = rule(in, "INPUT", 1);
    CHECK(never_matches(lo));          /* -i lo: never from the Internet */
    CHECK(lo && lo->uncertain == NULL);
    CHECK(never_matches(est));         /* RELATED,ESTABLISHED: never NEW */
    const nr_rule *blk = rule(in, "INPUT", 3), *rng = rule(in, "INPUT", 4);
    CHECK(blk && blk->action == NR_DROP);
    CHECK_STR(blk ? blk->name : NULL, "block elasticsearch");
    CHECK(blk && blk->line == 9 && blk->priority == 4);
    CHECK(has(blk, 6, 40000, 9200, PUB));
    CHECK(!has(blk, 17, 40000, 9200, PUB));
    CHECK(has(rng, 6, 1, 9000, PUB) && has(rng, 6, 1, 9300, PUB) && !has(rng, 6, 1, 9301, PUB));
    const nr_rule *rej = rule(in, "INPUT", 5);
    CHECK(rej && rej->action == NR_DROP);   /* REJECT */
    CHECK_STR(rej ? rej->name : NULL, "INPUT:6");
    CHECK(rule(in, "INPUT", 2) && rule(in, "INPUT", 2)->action == NR_ACCEPT);
    fx_free(&f);
}

static void test_multiport(void)
{
    fx f;
    fx_file(&f, DATA "multiport.rules", NULL);
    CHECK(f.rc == 0);
    const nr_resource *in = res_dir(&f, NR_INBOUND);
    const nr_rule *web = rule(in, "INPUT", 1);
    CHECK_STR(web ? web->name : NULL, "web and search");
    CHECK(has(web, 6, 1, 80, PUB) && has(web, 6, 1, 443, PUB) && has(web, 6, 1, 9200, PUB));
    CHECK(!has(web, 6, 1, 8080, PUB));
    CHECK(has(rule(in, "INPUT", 2), 17, 1, 11211, PUB));
    /* --ports 5432: two disjoint boxes, dport 5432, or sport 5432 */
    const nr_chain *c = chain(in, "INPUT");
    CHECK(c && c->n == 5);
    const nr_rule *p1 = rule(in, "INPUT", 3), *p2 = rule(in, "INPUT", 4);
    CHECK(has(p1, 6, 1000, 5432, PUB) && !has(p1, 6, 5432, 80, PUB));
    CHECK(has(p2, 6, 5432, 80, PUB) && !has(p2, 6, 5432, 5432, PUB) && !has(p2, 6, 1, 80, PUB));
    CHECK(p1 && p2 && !strcmp(p1->name, "INPUT:4") && !strcmp(p2->name, "INPUT:4"));
    fx_free(&f);
}

static void test_not_source(void)
{
    fx f;
    fx_file(&f, DATA "not-source.rules", NULL);
    CHECK(f.rc == 0);
    const nr_resource *in = res_dir(&f, NR_INBOUND);
    const nr_rule *m = rule(in, "INPUT", 0);
    CHECK(has(m, 6, 1, 27017, PUB) && !has(m, 6, 1, 27017, IP(10, 1, 2, 3)));
    CHECK(m && !lg_ivset_contains(m->m[NR_SRC], 1)); /* stays within IPv4 */
    const nr_rule *l = rule(in, "INPUT", 1);
    CHECK(has(l, 6, 1, 5432, IP(192, 168, 1, 1)) && has(l, 6, 1, 5432, IP(172, 20, 0, 1)));
    CHECK(!has(l, 6, 1, 5432, PUB));
    const nr_rule *mask = rule(in, "INPUT", 2);
    CHECK(has(mask, 6, 1, 3306, IP(203, 0, 113, 77)) && !has(mask, 6, 1, 3306, IP(203, 0, 114, 1)));
    const nr_rule *rg = rule(in, "INPUT", 3);
    CHECK(has(rg, 6, 1, 9200, IP(198, 51, 100, 15)) && !has(rg, 6, 1, 9200, IP(198, 51, 100, 21)));
    CHECK(!has(rg, 6, 1, 22, IP(198, 51, 100, 15)));
    fx_free(&f);
}

static void test_user_chains(void)
{
    fx f;
    fx_file(&f, DATA "user-chains.rules", NULL);
    CHECK(f.rc == 0);
    const nr_resource *in = res_dir(&f, NR_INBOUND);
    const nr_layer *l = in ? &in->layers[0] : NULL;
    int svc = l ? nr_chain_find(l, "SERVICES") : -1, dbs = l ? nr_chain_find(l, "DBS") : -1;
    CHECK(svc >= 0 && dbs >= 0);
    const nr_rule *j = rule(in, "INPUT", 2);
    CHECK(j && j->action == NR_JUMP && j->target == svc);
    const nr_rule *g = rule(in, "SERVICES", 2);
    CHECK(g && g->action == NR_GOTO && g->target == dbs);
    CHECK(rule(in, "SERVICES", 1) && rule(in, "SERVICES", 1)->action == NR_RETURN);
    const nr_rule *log = rule(in, "DBS", 1);
    CHECK(log && log->action == NR_NOP && has(log, 6, 2000, 5432, PUB) && !has(log, 6, 80, 5432, PUB));
    CHECK(chain(in, "DBS") && chain(in, "DBS")->policy == NR_RETURN);
    CHECK_STR(rule(in, "ADMIN", 0) ? rule(in, "ADMIN", 0)->name : NULL, "ADMIN:1");
    fx_free(&f);
}

static void test_conntrack(void)
{
    fx f;
    fx_file(&f, DATA "conntrack-only.rules", NULL);
    CHECK(f.rc == 0);
    const nr_resource *in = res_dir(&f, NR_INBOUND);
    CHECK(never_matches(rule(in, "INPUT", 0)));
    CHECK(never_matches(rule(in, "INPUT", 1)));
    CHECK(never_matches(rule(in, "INPUT", 2)));   /* ! --syn */
    CHECK(has(rule(in, "INPUT", 3), 6, 1, 11211, PUB)); /* --state NEW */
    fx_free(&f);
}

static void test_iface(void)
{
    fx f;
    fx_file(&f, DATA "iface.rules", NULL);
    CHECK(f.rc == 0);
    const nr_resource *in = res_dir(&f, NR_INBOUND);
    CHECK(never_matches(rule(in, "INPUT", 0)));
    const nr_rule *eth = rule(in, "INPUT", 1);
    CHECK(eth && eth->uncertain && strstr(eth->uncertain, "eth0") &&
          strstr(eth->uncertain, "--public-iface"));
    CHECK(has(eth, 6, 1, 9200, PUB));   /* over-approximation */
    const nr_rule *notlo = rule(in, "INPUT", 3);
    CHECK(notlo && !notlo->uncertain && has(notlo, 6, 1, 5432, PUB));
    fx_free(&f);

    nr_opts o = {0};
    o.public_iface = "eth0";
    fx_file(&f, DATA "iface.rules", &o);
    CHECK(f.rc == 0);
    in = res_dir(&f, NR_INBOUND);
    eth = rule(in, "INPUT", 1);
    CHECK(eth && !eth->uncertain && has(eth, 6, 1, 9200, PUB));
    CHECK(never_matches(rule(in, "INPUT", 2)));  /* docker+ is not eth0 */
    fx_free(&f);

    o.public_iface = "docker0";
    fx_file(&f, DATA "iface.rules", &o);
    in = res_dir(&f, NR_INBOUND);
    CHECK(never_matches(rule(in, "INPUT", 1)));
    CHECK(has(rule(in, "INPUT", 2), 6, 1, 6379, PUB));
    fx_free(&f);
}

static void test_ipset_and_limit(void)
{
    fx f;
    fx_file(&f, DATA "ipset.rules", NULL);
    CHECK(f.rc == 0);
    const nr_resource *in = res_dir(&f, NR_INBOUND);
    const nr_rule *set = rule(in, "INPUT", 0), *lim = rule(in, "INPUT", 1);
    CHECK(set && set->uncertain && strstr(set->uncertain, "trusted"));
    CHECK(has(set, 6, 1, 9200, PUB));
    CHECK(lim && lim->uncertain && strstr(lim->uncertain, "limit"));
    CHECK(rule(in, "INPUT", 2) && !rule(in, "INPUT", 2)->uncertain);
    fx_free(&f);
}

static void test_ip6(void)
{
    fx f;
    fx_file(&f, DATA "ip6.rules", NULL);
    CHECK(f.rc == 0);
    const nr_resource *in = res_dir(&f, NR_INBOUND);
    CHECK(in && lg_ivset_equal(in->scope, lg_ip_v6()));
    CHECK_STR(in ? in->name : NULL, "ip6.rules ip6 INPUT");
    const nr_rule *any = rule(in, "INPUT", 3);
    lg_u128 v6;
    CHECK(lg_ip_parse("2a00::1", 7, &v6, NULL));
    CHECK(any && lg_ivset_contains(any->m[NR_SRC], v6));
    CHECK(any && !lg_ivset_contains(any->m[NR_SRC], LG_V4(PUB)));
    fx_free(&f);

    /* no header: the family comes from the addresses */
    fx_text(&f, "*filter\n:INPUT DROP [0:0]\n-A INPUT -s 2001:db8::/32 -j ACCEPT\nCOMMIT\n", NULL);
    CHECK(f.rc == 0);
    in = res_dir(&f, NR_INBOUND);
    CHECK(in && lg_ivset_equal(in->scope, lg_ip_v6()));
    fx_free(&f);

    /* both families in one file */
    fx_text(&f, "# Generated by iptables-save v1.8\n*filter\n:INPUT DROP [0:0]\nCOMMIT\n"
                "# Generated by ip6tables-save v1.8\n*filter\n:INPUT ACCEPT [0:0]\nCOMMIT\n",
            NULL);
    CHECK(f.rc == 0 && f.s.n == 4);
    fx_free(&f);

    fx_text(&f, "*filter\n:INPUT DROP [0:0]\n-A INPUT -s 10.0.0.1 -d ::1 -j ACCEPT\nCOMMIT\n", NULL);
    CHECK(f.rc == -1 && strstr(f.e.msg, "t.rules:3:25:") && strstr(f.e.msg, "IPv4"));
    fx_free(&f);
}

static void test_targets(void)
{
    fx f;
    fx_file(&f, DATA "with-nat.rules", NULL);
    CHECK(f.rc == 0);
    const nr_resource *in = res_dir(&f, NR_INBOUND);
    CHECK(in && in->note && strstr(in->note, "DNAT"));
    const nr_chain *c = chain(in, "INPUT");
    /* DROP, then NFQUEUE as uncertain ACCEPT + uncertain DROP */
    CHECK(c && c->n == 3);
    const nr_rule *q1 = rule(in, "INPUT", 1), *q2 = rule(in, "INPUT", 2);
    CHECK(q1 && q1->action == NR_ACCEPT && q1->uncertain && strstr(q1->uncertain, "NFQUEUE"));
    CHECK(q2 && q2->action == NR_DROP && q2->uncertain);
    CHECK(chain(in, "PREROUTING") == NULL); /* only filter chains */
    fx_free(&f);

    fx_file(&f, DATA "ufw-like.rules", NULL);
    CHECK(f.rc == 0);
    in = res_dir(&f, NR_INBOUND);
    /* --dst-type LOCAL holds for traffic to this host */
    CHECK(has(rule(in, "ufw-not-local", 0), 6, 1, 9200, PUB));
    CHECK(never_matches(rule(in, "ufw-not-local", 1)));
    CHECK_STR(rule(in, "ufw-user-input", 1) ? rule(in, "ufw-user-input", 1)->name : NULL,
              "\"es\" for the \\app\\");
    CHECK(has(rule(in, "ufw-user-input", 2), 6, 1, 6379, PUB)); /* --tcp-flags .. SYN */
    CHECK(rule(in, "INPUT", 0) && rule(in, "INPUT", 0)->line == 9);
    const nr_resource *out = res_dir(&f, NR_OUTBOUND);
    /* in OUTPUT the destination is not local */
    CHECK(never_matches(rule(out, "ufw-not-local", 0)));
    fx_free(&f);
}

static void test_inline(void)
{
    fx f;
    fx_text(&f,
            "*filter\n"
            ":INPUT DROP [0:0]\n"
            ":FORWARD ACCEPT [0:0]\n"
            ":OUTPUT ACCEPT [0:0]\n"
            "-A INPUT -p tcp -m state --state NEW --dport 22 -j ACCEPT\n"
            "-A INPUT -p tcp --dport ! 80 -j ACCEPT\n"
            "-A INPUT -f -j ACCEPT\n"
            "-A INPUT ! -f -p udp -j ACCEPT\n"
            "-A INPUT -m conntrack ! --ctstate NEW -j ACCEPT\n"
            "-A INPUT -m conntrack ! --ctstate INVALID -p tcp --dport 1 -j ACCEPT\n"
            "-A INPUT -p tcp -m tcp --tcp-flags SYN,ECE SYN -j ACCEPT\n"
            "-I INPUT 2 -p tcp --dport 3 -j DROP\n"
            "-A INPUT -p tcp -m owner --uid-owner 0 -j ACCEPT\n"
            "-A INPUT -p tcp -j LOG --log-prefix \"x y\" --log-level 4\n"
            "-A INPUT -p tcp -m sctp --chunk-types all INIT -j ACCEPT\n"
            "-A INPUT -p 6 -j TRACE\n"
            "-A INPUT -p tcp -m tcp --dport 5 -m conntrack --ctstate DNAT -j ACCEPT\n"
            "COMMIT\n",
            NULL);
    CHECK(f.rc == 0);
    if (f.rc)
        fprintf(stderr, "%s\n", f.e.msg);
    const nr_resource *in = res_dir(&f, NR_INBOUND);
    CHECK(has(rule(in, "INPUT", 0), 6, 1, 22, PUB));
    const nr_rule *ins = rule(in, "INPUT", 1);
    CHECK(ins && ins->action == NR_DROP && ins->line == 12 && !strcmp(ins->name, "INPUT:2"));
    CHECK(has(rule(in, "INPUT", 2), 6, 1, 81, PUB) && !has(rule(in, "INPUT", 2), 6, 1, 80, PUB));
    CHECK(never_matches(rule(in, "INPUT", 3)));
    CHECK(has(rule(in, "INPUT", 4), 17, 1, 53, PUB));
    CHECK(never_matches(rule(in, "INPUT", 5)));
    CHECK(has(rule(in, "INPUT", 6), 6, 1, 1, PUB));
    const nr_rule *ecn = rule(in, "INPUT", 7);
    CHECK(ecn && ecn->uncertain && strstr(ecn->uncertain, "ECN"));
    const nr_rule *own = rule(in, "INPUT", 8);
    CHECK(own && own->uncertain && strstr(own->uncertain, "owner"));
    CHECK(rule(in, "INPUT", 9) && rule(in, "INPUT", 9)->action == NR_NOP &&
          !rule(in, "INPUT", 9)->uncertain);
    CHECK(rule(in, "INPUT", 10) && rule(in, "INPUT", 10)->uncertain);
    CHECK(rule(in, "INPUT", 11) && rule(in, "INPUT", 11)->action == NR_NOP);
    const nr_rule *dn = rule(in, "INPUT", 12);
    CHECK(dn && dn->uncertain && strstr(dn->uncertain, "nat"));
    fx_free(&f);

    /* FORWARD audit, --public-iface with a wildcard */
    nr_opts o = {0};
    o.forward = true;
    o.public_iface = "ens3";
    fx_text(&f,
            "*filter\n:INPUT ACCEPT [0:0]\n:FORWARD DROP [0:0]\n:OUTPUT ACCEPT [0:0]\n"
            "-A FORWARD -i ens+ -o docker0 -p tcp --dport 6379 -j ACCEPT\n"
            "-A FORWARD -i ens+ -o lo -j ACCEPT\n"
            "-A FORWARD ! -i ens+ -j ACCEPT\n"
            "COMMIT\n", &o);
    CHECK(f.rc == 0);
    const nr_resource *fw = res_dir(&f, NR_FORWARD);
    CHECK(fw && !strcmp(fw->name, "t.rules FORWARD"));
    CHECK(fw && !strcmp(fw->layers[0].chains[fw->layers[0].entry].name, "FORWARD"));
    const nr_rule *r0 = rule(fw, "FORWARD", 0);
    CHECK(r0 && r0->uncertain && strstr(r0->uncertain, "docker0") && has(r0, 6, 1, 6379, PUB));
    CHECK(never_matches(rule(fw, "FORWARD", 1)));
    CHECK(never_matches(rule(fw, "FORWARD", 2)));
    CHECK(res_dir(&f, NR_INBOUND) == NULL);
    fx_free(&f);

    /* only a nat table: the filter table accepts everything */
    fx_text(&f, "*nat\n:PREROUTING ACCEPT [0:0]\n-A PREROUTING -p tcp -j REDIRECT --to-ports 1\nCOMMIT\n",
            NULL);
    CHECK(f.rc == 0);
    in = res_dir(&f, NR_INBOUND);
    CHECK(in && in->note && strstr(in->note, "no *filter"));
    CHECK(chain(in, "INPUT") && chain(in, "INPUT")->policy == NR_ACCEPT);
    fx_free(&f);
}

static void test_errors(void)
{
    static const struct {
        const char *file, *where, *what;
    } bad[] = {
        {"unknown-option.rules", ":3:17:", "--bogus"},
        {"undeclared-chain.rules", ":3:4:", "NOPE"},
        {"missing-target.rules", ":3:38:", "MISSING"},
        {"no-commit.rules", ":3:1:", "COMMIT"},
        {"bad-address.rules", ":3:13:", "10.0.0.300"},
        {"bad-port.rules", ":3:32:", "70000"},
        {"outside-table.rules", ":1:1:", "*filter"},
        {"loop.rules", ":7:9:", "loop"},
        {"quote.rules", ":3:31:", "closing"},
    };
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        char path[256];
        snprintf(path, sizeof path, DATA "bad/%s", bad[i].file);
        fx f;
        fx_file(&f, path, NULL);
        CHECK(f.rc == -1);
        bool ok = strstr(f.e.msg, path) && strstr(f.e.msg, bad[i].where) &&
                  strstr(f.e.msg, bad[i].what);
        if (!ok)
            fprintf(stderr, "  %s: %s\n", bad[i].file, f.e.msg);
        CHECK(ok);
        fx_free(&f);
    }
    static const struct {
        const char *text, *where, *what;
    } inl[] = {
        {"*filter\n:INPUT DROP [0:0]\n-A INPUT -j ACCEPT\n*nat\nCOMMIT\n", ":4:1:", "COMMIT"},
        {"*filter\n:INPUT - [0:0]\nCOMMIT\n", ":2:8:", "built-in"},
        {"*filter\n:MINE ACCEPT [0:0]\nCOMMIT\n", ":2:7:", "user chain"},
        {"*filter\n:INPUT DROP [0:0]\n:INPUT DROP [0:0]\nCOMMIT\n", ":3:1:", "twice"},
        {"*filter\n:INPUT DROP [0:0]\n-A INPUT -g OUTPUT\nCOMMIT\n", ":3:13:", "OUTPUT"},
        {"*filter\n:INPUT DROP [0:0]\n-A INPUT -j INPUT\nCOMMIT\n", ":3:13:", "built-in"},
        {"*filter\n:INPUT DROP [0:0]\n-A INPUT -p tcp -m tcp --dport\nCOMMIT\n", ":3:24:", "argument"},
        {"*filter\n:INPUT DROP [0:0]\n-A INPUT -p tcp -m tcp --tcp-flags SYN,XYZ SYN\nCOMMIT\n",
         ":3:40:", "XYZ"},
        {"*filter\n:INPUT DROP [0:0]\n-A INPUT -m conntrack --ctstate NEWISH -j ACCEPT\nCOMMIT\n",
         ":3:33:", "NEWISH"},
        {"*filter\n:INPUT DROP [0:0]\n-A INPUT ! ! -s 1.2.3.4 -j ACCEPT\nCOMMIT\n", ":3:12:", "'!'"},
        {"*filter\n:INPUT DROP [0:0]\n-A INPUT -j ACCEPT -j DROP\nCOMMIT\n", ":3:20:", "one target"},
        {"*filter\n:INPUT DROP [0:0]\n-D INPUT 1\nCOMMIT\n", ":3:1:", "expected"},
        {"*filter\n:INPUT DROP [0:0]\n-A INPUT -x\nCOMMIT\n", ":3:10:", "unknown option"},
        {"*bogus\nCOMMIT\n", ":1:1:", "table"},
        {"*filter\nCOMMIT\nCOMMIT\n", ":3:1:", "*filter"},
        {"*filter\n:INPUT DROP [0:0]\n-A INPUT -s 10.0.0.0/255.0.255.0 -j ACCEPT\nCOMMIT\n",
         ":3:13:", "contiguous"},
        {"*filter\n:INPUT DROP [0:0]\n-A INPUT -m tcp --sport 5:4 -j ACCEPT\nCOMMIT\n", ":3:25:", "5:4"},
        {"# just a comment\n", ":1:1:", "*filter"},
    };
    for (size_t i = 0; i < sizeof inl / sizeof inl[0]; i++) {
        fx f;
        fx_text(&f, inl[i].text, NULL);
        CHECK(f.rc == -1);
        bool ok = strstr(f.e.msg, "t.rules") && strstr(f.e.msg, inl[i].where) &&
                  strstr(f.e.msg, inl[i].what);
        if (!ok)
            fprintf(stderr, "  inline %zu: %s\n", i, f.e.msg);
        CHECK(ok);
        fx_free(&f);
    }
}

static void test_detect(void)
{
    nr_input in = {0};
    in.path = "x";
    static const struct {
        const char *t;
        bool yes;
    } d[] = {
        {"# Generated by iptables-save\n*filter\n:INPUT ACCEPT [0:0]\nCOMMIT\n", true},
        {"\n\n*nat\nCOMMIT\n", true},
        {":INPUT ACCEPT [0:0]\n", true},
        {"-A INPUT -j ACCEPT\n", true},
        {"# only a comment\n", false},
        {"hello world\n", false},
        {"{\"a\": 1}", false},
        {"", false},
    };
    for (size_t i = 0; i < sizeof d / sizeof d[0]; i++) {
        in.text = d[i].t;
        in.len = strlen(d[i].t);
        CHECK(nr_ipt_detect(&in) == d[i].yes);
    }
}

int main(void)
{
    test_incident();
    test_deny_above_allow();
    test_multiport();
    test_not_source();
    test_user_chains();
    test_conntrack();
    test_iface();
    test_ipset_and_limit();
    test_ip6();
    test_targets();
    test_inline();
    test_errors();
    test_detect();
    UNIT_DONE();
}
