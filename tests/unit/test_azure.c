/* test_azure.c - the Azure NSG reader on the fixtures in tests/data/azure:
 * detection, resources/layers/rules, priority order, match sets,
 * uncertainty and error messages.  Run from the repository root. */
#include <stdlib.h>

#include <jansson.h>

#include "netrules/load.h"
#include "netrules/platforms.h"
#include "nrfix.h"
#include "unit.h"

#define DATA "tests/data/azure/"

/* Load one fixture, or two together (b may be NULL). */
static fx *load(const char *a, const char *b)
{
    fx *f = malloc(sizeof *f);
    const char *paths[2] = {a, b};
    fx_load(f, paths, b ? 2 : 1, NULL);
    return f;
}

static void done(fx *f)
{
    fx_done(f);
    free(f);
}

static const nr_resource *res(const fx *f, const char *name, nr_direction d)
{
    return fx_res(f, name, d);
}

static const nr_chain *chain(const nr_resource *r, size_t layer)
{
    if (!r || layer >= r->nlayers)
        return NULL;
    const nr_layer *l = &r->layers[layer];
    return &l->chains[l->entry];
}

static const nr_rule *rule(const nr_chain *c, const char *name)
{
    for (size_t i = 0; c && i < c->n; i++)
        if (strcmp(c->rules[i].name, name) == 0)
            return &c->rules[i];
    return NULL;
}

static lg_u128 ip(const char *s)
{
    lg_u128 v = 0;
    lg_ip_parse(s, strlen(s), &v, NULL);
    return v;
}

static void test_detect(void)
{
    static const char *const yes[] = {
        "{\"name\":\"n\",\"securityRules\":[]}",
        "[{\"name\":\"n\",\"securityRules\":[],\"defaultSecurityRules\":[]}]",
        "{\"value\":[{\"name\":\"n\",\"properties\":{\"securityRules\":[]}}]}",
        "{\"type\":\"Microsoft.Network/networkSecurityGroups\",\"name\":\"n\"}",
        ("{\"$schema\":\"https://schema.management.azure.com/schemas/2019-04-01/"
         "deploymentTemplate.json#\",\"resources\":[]}"),
        "{\"networkSecurityGroups\":[{\"effectiveSecurityRules\":[]}]}",
        "{\"value\":[{\"association\":{},\"effectiveSecurityRules\":[]}]}",
        "[{\"name\":\"nic\",\"ipConfigurations\":[]}]",
    };
    static const char *const no[] = {
        "{\"SecurityGroups\":[]}",
        "{\"NetworkAcls\":[]}",
        "[{\"name\":\"fw\",\"sourceRanges\":[\"0.0.0.0/0\"],\"allowed\":[],\"direction\":\"INGRESS\"}]",
        "{\"nftables\":[{\"metainfo\":{}}]}",
        "{\"foo\":1}",
    };
    for (size_t i = 0; i < sizeof yes / sizeof yes[0]; i++) {
        nr_input in = {.path = "t", .text = yes[i], .len = strlen(yes[i]), .json = json_loads(yes[i], 0, NULL)};
        CHECK(in.json && nr_azure_detect(&in));
        json_decref(in.json);
    }
    for (size_t i = 0; i < sizeof no / sizeof no[0]; i++) {
        nr_input in = {.path = "t", .text = no[i], .len = strlen(no[i]), .json = json_loads(no[i], 0, NULL)};
        CHECK(in.json && !nr_azure_detect(&in));
        json_decref(in.json);
    }
}

static void test_incident(void)
{
    fx *f = load(DATA "incident.json", NULL);
    CHECK(f->rc == 0);
    CHECK(f->s.n == 2);
    CHECK(f->ins.n == 1 && f->ins.fmt[0] == NR_FMT_AZURE);
    const nr_resource *in = res(f, "es-nsg", NR_INBOUND);
    CHECK(in && strcmp(in->kind, "azure-nsg") == 0 && in->nlayers == 1);
    const nr_chain *c = chain(in, 0);
    CHECK(c && c->n == 5 && c->policy == NR_DROP);
    CHECK_STR(c ? c->policy_name : NULL, "DenyAllInBound");
    CHECK_STR(in ? in->layers[0].name : NULL, "es-nsg");
    for (size_t i = 1; c && i < c->n; i++)
        CHECK(c->rules[i - 1].priority < c->rules[i].priority);
    const nr_rule *r = rule(c, "allow-es");
    CHECK(r && r->action == NR_ACCEPT && r->priority == 200 && !r->uncertain);
    CHECK(r && lg_ivset_contains(r->m[NR_DPORT], 9200) && lg_ivset_count(r->m[NR_DPORT]) == 1);
    CHECK(r && lg_ivset_contains(r->m[NR_PROTO], 6) && !lg_ivset_contains(r->m[NR_PROTO], 17));
    /* Internet = outside the VNet space */
    CHECK(r && lg_ivset_contains(r->m[NR_SRC], ip("52.1.2.3")) &&
          !lg_ivset_contains(r->m[NR_SRC], ip("10.1.2.3")) &&
          lg_ivset_contains(r->m[NR_SRC], ip("2001:4860::1")));
    CHECK_STR(r ? r->ptr : NULL, "/securityRules/1");
    CHECK(r && nr_rule_line(r) > 1);
    const nr_rule *d = rule(c, "DenyAllInBound");
    CHECK(d && d->is_default && d->priority == 65500 && d->action == NR_DROP);
    const nr_rule *lb = rule(c, "AllowAzureLoadBalancerInBound");
    CHECK(lb && lg_ivset_contains(lb->m[NR_SRC], ip("168.63.129.16")) &&
          lg_ivset_count(lb->m[NR_SRC]) == 1);
    const nr_chain *oc = chain(res(f, "es-nsg", NR_OUTBOUND), 0);
    CHECK(oc && oc->n == 3 && rule(oc, "AllowInternetOutBound"));
    CHECK_STR(oc ? oc->policy_name : NULL, "DenyAllOutBound");
    done(f);

    /* no defaults in the export: synthesized */
    f = load(DATA "incident-star.json", NULL);
    CHECK(f->rc == 0);
    c = chain(res(f, "es-nsg", NR_INBOUND), 0);
    CHECK(c && c->n == 4);
    r = rule(c, "allow-es");
    CHECK(r && lg_ivset_equal(r->m[NR_SRC], lg_ip_all()));
    const nr_rule *v = rule(c, "AllowVnetInBound");
    CHECK(v && v->is_default && v->priority == 65000 &&
          lg_ivset_equal(v->m[NR_SRC], lg_ip_private()));
    done(f);
}

static void test_traps(void)
{
    fx *f = load(DATA "deny-above-allow.json", NULL);
    const nr_chain *c = chain(res(f, "db-nsg", NR_INBOUND), 0);
    CHECK(f->rc == 0 && c && c->n == 5);
    CHECK_STR(c ? c->rules[0].name : NULL, "deny-es");
    CHECK(c && c->rules[0].action == NR_DROP && c->rules[1].action == NR_ACCEPT);
    CHECK(c && lg_ivset_count(c->rules[1].m[NR_PROTO]) == 256);
    done(f);

    f = load(DATA "port-range.json", NULL);
    const nr_rule *r = rule(chain(res(f, "range-nsg", NR_INBOUND), 0), "allow-es-range");
    CHECK(r && lg_ivset_contains(r->m[NR_DPORT], 9200) &&
          lg_ivset_count(r->m[NR_DPORT]) == 301);
    done(f);

    f = load(DATA "star-ports.json", NULL);
    r = rule(chain(res(f, "star-nsg", NR_INBOUND), 0), "allow-any-tcp");
    CHECK(r && lg_ivset_count(r->m[NR_DPORT]) == 65536 && r->priority == 4096);
    done(f);

    f = load(DATA "lists.json", NULL);
    c = chain(res(f, "list-nsg", NR_INBOUND), 0);
    r = rule(c, "allow-partners");
    CHECK(c && c->n == 4); /* one rule for the lists, not several */
    CHECK(r && lg_ivset_count(r->m[NR_DPORT]) == 4 &&
          lg_ivset_contains(r->m[NR_DPORT], 5433) && lg_ivset_contains(r->m[NR_DPORT], 9200));
    CHECK(r && lg_ivset_count(r->m[NR_SRC]) == 1 + 256 + 256 &&
          lg_ivset_contains(r->m[NR_SRC], ip("198.51.100.7")));
    done(f);

    f = load(DATA "late-deny.json", NULL);
    c = chain(res(f, "late-nsg", NR_INBOUND), 0);
    CHECK(c && c->rules[0].action == NR_ACCEPT && c->rules[1].action == NR_DROP &&
          c->rules[1].priority == 4000);
    done(f);

    f = load(DATA "udp-only.json", NULL);
    r = rule(chain(res(f, "udp-nsg", NR_INBOUND), 0), "allow-udp-9200");
    CHECK(r && lg_ivset_contains(r->m[NR_PROTO], 17) && !lg_ivset_contains(r->m[NR_PROTO], 6));
    done(f);

    f = load(DATA "ipv6.json", NULL);
    r = rule(chain(res(f, "v6-nsg", NR_INBOUND), 0), "allow-es-v6");
    CHECK(r && lg_ivset_contains(r->m[NR_SRC], ip("2001:db8::1")) &&
          !lg_ivset_contains(r->m[NR_SRC], ip("52.1.2.3")));
    done(f);

    f = load(DATA "source-port.json", NULL);
    r = rule(chain(res(f, "sport-nsg", NR_INBOUND), 0), "allow-es-hi-sport");
    CHECK(r && lg_ivset_count(r->m[NR_SPORT]) == 65535 - 1024 + 1 &&
          lg_ivset_contains(r->m[NR_DPORT], 9200));
    done(f);
}

static void test_uncertain(void)
{
    fx *f = load(DATA "service-tag.json", NULL);
    const nr_rule *r = rule(chain(res(f, "tag-nsg", NR_INBOUND), 0), "allow-storage");
    CHECK(r && r->uncertain && strstr(r->uncertain, "unknown service tag 'Storage.WestEurope'"));
    CHECK(r && lg_ivset_equal(r->m[NR_SRC], lg_ip_all()));
    done(f);

    f = load(DATA "arm-template.json", NULL);
    CHECK(f->rc == 0 && f->s.n == 2);
    const nr_chain *c = chain(res(f, "[parameters('nsgName')]", NR_INBOUND), 0);
    CHECK(c && c->n == 6);
    r = rule(c, "allow-es");
    CHECK(r && r->uncertain && strstr(r->uncertain, "[parameters('src')]"));
    r = rule(c, "allow-kibana"); /* top-level child resource, expression name */
    CHECK(r && r->priority == 120 && r->uncertain && strstr(r->uncertain, "kibanaPort") &&
          lg_ivset_count(r->m[NR_DPORT]) == 65536);
    r = rule(c, "allow-ssh-office");
    CHECK(r && !r->uncertain);
    done(f);

    /* unknown access: an uncertain deny then an uncertain allow */
    f = load(DATA "arm-access.json", NULL);
    c = chain(res(f, "search-nsg", NR_INBOUND), 0);
    CHECK(c && c->n == 6);
    CHECK(c && c->rules[0].action == NR_DROP && c->rules[1].action == NR_ACCEPT &&
          c->rules[0].uncertain && c->rules[1].uncertain &&
          strcmp(c->rules[0].name, "es-switch") == 0);
    CHECK(rule(c, "allow-9300") != NULL);
    done(f);

    f = load(DATA "asg.json", NULL);
    c = chain(res(f, "asg-nsg", NR_INBOUND), 0);
    r = rule(c, "allow-es-asg");
    CHECK(r && r->uncertain && strstr(r->uncertain, "ASG membership unknown: asg-es"));
    done(f);

    /* NIC data gives the ASG's members */
    f = load(DATA "asg.json", DATA "pair-nics.json");
    CHECK(f->rc == 0);
    c = chain(res(f, "asg-nsg", NR_INBOUND), 0);
    r = rule(c, "allow-es-asg");
    CHECK(r && !r->uncertain && lg_ivset_count(r->m[NR_DST]) == 1 &&
          lg_ivset_contains(r->m[NR_DST], ip("10.0.2.4")));
    r = rule(c, "allow-kibana-asg");
    CHECK(r && r->uncertain && strstr(r->uncertain, "asg-web"));
    done(f);
}

static void test_layers(void)
{
    fx *f = load(DATA "pair-deny-nsgs.json", DATA "pair-nics.json");
    CHECK(f->rc == 0);
    CHECK(f->s.n == 2); /* the NIC, both directions; no standalone NSGs */
    const nr_resource *in = res(f, "es-node-1-nic", NR_INBOUND);
    const nr_resource *out = res(f, "es-node-1-nic", NR_OUTBOUND);
    CHECK(in && strcmp(in->kind, "azure-nic") == 0 && in->nlayers == 2);
    CHECK_STR(in ? in->layers[0].name : NULL, "subnet-nsg");
    CHECK_STR(in ? in->layers[1].name : NULL, "nic-nsg");
    CHECK_STR(out ? out->layers[0].name : NULL, "nic-nsg");
    CHECK_STR(out ? out->layers[1].name : NULL, "subnet-nsg");
    const nr_rule *r = rule(chain(in, 1), "es-from-internet");
    CHECK(r && r->action == NR_DROP);
    CHECK(res(f, "subnet-nsg", NR_INBOUND) == NULL);
    done(f);

    /* without NIC data the NSGs stay standalone */
    f = load(DATA "pair-allow-nsgs.json", NULL);
    CHECK(f->rc == 0 && f->s.n == 4 && res(f, "nic-nsg", NR_INBOUND));
    done(f);

    f = load(DATA "effective.json", NULL);
    CHECK(f->rc == 0 && f->s.n == 2);
    in = res(f, "es-node-1-nic", NR_INBOUND);
    CHECK(in && in->nlayers == 2);
    CHECK_STR(in ? in->layers[0].name : NULL, "subnet-nsg");
    const nr_chain *c = chain(in, 1);
    CHECK(c && c->n == 5);
    r = rule(c, "allow-es"); /* "securityRules/" prefix dropped */
    CHECK(r && !r->is_default && lg_ivset_contains(r->m[NR_DPORT], 9200) &&
          lg_ivset_count(r->m[NR_DPORT]) == 1);
    /* expanded prefixes, not the tag: 52.0.0.0/8 is in 32.0.0.0/3 */
    CHECK(r && lg_ivset_contains(r->m[NR_SRC], ip("52.1.2.3")) &&
          !lg_ivset_contains(r->m[NR_SRC], ip("2001:4860::1")));
    r = rule(c, "DenyAllInBound");
    CHECK(r && r->is_default && lg_ivset_count(r->m[NR_PROTO]) == 256);
    r = rule(c, "deny-kibana");
    CHECK(r && r->priority == 110 && r->action == NR_DROP);
    done(f);
}

static void test_shapes(void)
{
    fx *f = load(DATA "list.json", NULL);
    CHECK(f->rc == 0 && f->s.n == 4);
    CHECK(res(f, "web-nsg", NR_INBOUND) && res(f, "mgmt-nsg", NR_OUTBOUND));
    CHECK_STR(rule(chain(res(f, "web-nsg", NR_INBOUND), 0), "allow-redis")->ptr,
              "/0/securityRules/1");
    done(f);

    f = load(DATA "rest.json", NULL);
    CHECK(f->rc == 0 && f->s.n == 2);
    const nr_chain *c = chain(res(f, "mongo-nsg", NR_INBOUND), 0);
    CHECK(c && c->n == 4 && rule(c, "allow-mongo") && !rule(c, "deny-out-smtp"));
    const nr_rule *r = rule(c, "allow-mongo");
    CHECK(r && lg_ivset_contains(r->m[NR_DST], ip("10.0.3.9")) &&
          !lg_ivset_contains(r->m[NR_DST], ip("10.0.4.9")));
    c = chain(res(f, "mongo-nsg", NR_OUTBOUND), 0);
    CHECK(c && c->n == 4 && rule(c, "deny-out-smtp"));
    done(f);

    /* in-memory, flattened, case-insensitive protocol, integer ports */
    const char *doc = "{\"name\":\"m\",\"securityRules\":[{\"name\":\"r\",\"protocol\":\"TCP\","
                      "\"access\":\"allow\",\"direction\":\"inbound\",\"priority\":100,"
                      "\"sourceAddressPrefix\":\"Any\",\"destinationAddressPrefix\":\"*\","
                      "\"sourcePortRange\":\"*\",\"destinationPortRanges\":[9200,\"9300-9400\"]}]}";
    nr_snapshot s;
    nr_inputs ins = {0};
    lg_err e;
    nr_opts o = {0};
    o.vnet = lg_ip_private();
    nr_snapshot_init(&s);
    CHECK(nr_load_mem(&s, &ins, "mem", doc, strlen(doc), NR_FMT_AUTO, &o, &e) == 0);
    CHECK(s.n == 2 && s.res[0].layers[0].chains[0].n == 4);
    if (s.n) {
        const nr_rule *m = &s.res[0].layers[0].chains[0].rules[0];
        CHECK(lg_ivset_count(m->m[NR_DPORT]) == 102);
    }
    nr_snapshot_free(&s);
    nr_inputs_free(&ins);
}

static void expect_err(const char *file, const char *want)
{
    fx *f = load(file, NULL);
    CHECK(f->rc < 0);
    if (!strstr(f->e.msg, want)) {
        unit_fail++;
        fprintf(stderr, "%s: error \"%s\" lacks \"%s\"\n", file, f->e.msg, want);
    } else {
        unit_pass++;
    }
    done(f);
}

static void test_errors(void)
{
    expect_err(DATA "bad-json.json", "bad-json.json:4:");
    expect_err(DATA "bad-priority.json", "bad-priority.json:21:19: expected priority");
    expect_err(DATA "bad-access.json", ":12:17: expected access \"Allow\" or \"Deny\", got \"Maybe\"");
    expect_err(DATA "bad-direction.json", "expected direction \"Inbound\" or \"Outbound\"");
    expect_err(DATA "bad-cidr.json", "got \"10.0.0.0/33\"");
    expect_err(DATA "bad-port.json", "got \"9200-80\"");
    expect_err(DATA "bad-missing-priority.json", "expected a \"priority\"");
    expect_err(DATA "bad-type.json", "expected securityRules to be an array");

    /* forced format on something that is not Azure */
    const char *aws = "{\"SecurityGroups\":[]}";
    nr_snapshot s;
    nr_inputs ins = {0};
    lg_err e;
    nr_opts o = {0};
    o.vnet = lg_ip_private();
    nr_snapshot_init(&s);
    CHECK(nr_load_mem(&s, &ins, "aws.json", aws, strlen(aws), NR_FMT_AZURE, &o, &e) < 0);
    CHECK(strstr(e.msg, "aws.json:1:1: expected an Azure export") != NULL);
    nr_snapshot_free(&s);
    nr_inputs_free(&ins);
}

int main(void)
{
    test_detect();
    test_incident();
    test_traps();
    test_uncertain();
    test_layers();
    test_shapes();
    test_errors();
    UNIT_DONE();
}
