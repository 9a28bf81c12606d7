/* test_terraform.c - the Terraform plan/state reader: fixtures in
 * tests/data/terraform/ (hand-written in the `terraform show -json` shape)
 * loaded through nr_load()/nr_load_mem(), checked on the model the
 * Azure/AWS/GCP readers build from the converted documents: resource
 * names (Terraform addresses), rules, uncertainty of values known only
 * after apply, rules' inputs outliving the load, errors with positions. */
#include <jansson.h>
#include <stdlib.h>

#include "netrules/load.h"
#include "netrules/platforms.h"
#include "nrfix.h"
#include "unit.h"

#define DATA "tests/data/terraform/"


/* The first rule named `name` in the resource's entry chains. */
static const nr_rule *rule(const nr_resource *r, const char *name)
{
    for (size_t l = 0; r && l < r->nlayers; l++)
        for (size_t c = 0; c < r->layers[l].nchains; c++)
            for (size_t k = 0; k < r->layers[l].chains[c].n; k++)
                if (strcmp(r->layers[l].chains[c].rules[k].name, name) == 0)
                    return &r->layers[l].chains[c].rules[k];
    return NULL;
}

static bool has(const lg_ivset *s, unsigned long v)
{
    return lg_ivset_contains(*s, (lg_u128)v);
}

static void test_detect(void)
{
    fx f;
    fx_load_str(&f, "{\"format_version\":\"1.2\",\"planned_values\":{\"root_module\":{}}}",
              NR_FMT_AUTO);
    CHECK(f.rc == 0);
    CHECK(f.ins.n == 1 && f.ins.fmt[0] == NR_FMT_TERRAFORM);
    CHECK(f.s.n == 0);
    fx_done(&f);
    /* state output with nothing in it */
    fx_load_str(&f, "{\"format_version\":\"1.0\",\"values\":{}}", NR_FMT_AUTO);
    CHECK(f.rc == 0 && f.ins.fmt[0] == NR_FMT_TERRAFORM);
    fx_done(&f);
    CHECK(nr_format_parse("terraform") == NR_FMT_TERRAFORM);
    CHECK_STR(nr_format_name(NR_FMT_TERRAFORM), "terraform");
}

static void test_azure(void)
{
    fx f;
    fx_load_file(&f, DATA "azure-nsg-exposed.json");
    CHECK(f.rc == 0);
    const nr_resource *r = fx_res(&f, "azurerm_network_security_group.es", NR_INBOUND);
    CHECK(r != NULL);
    const nr_rule *es = rule(r, "allow-es");
    CHECK(es != NULL);
    if (es) {
        CHECK(es->action == NR_ACCEPT && es->priority == 200 && !es->uncertain);
        CHECK(has(&es->m[NR_DPORT], 9200) && !has(&es->m[NR_DPORT], 9300));
        /* the synthetic input: the plan's path, no text (no wrong lines) */
        CHECK(es->in && es->in->text == NULL);
        CHECK_STR(es->in ? es->in->path : NULL, DATA "azure-nsg-exposed.json");
        CHECK(nr_rule_line(es) == 0);
    }
    fx_done(&f);

    fx_load_file(&f, DATA "azure-unknown-source.json");
    CHECK(f.rc == 0);
    r = fx_res(&f, "azurerm_network_security_group.es", NR_INBOUND);
    es = rule(r, "allow-es");
    CHECK(es && es->uncertain && strstr(es->uncertain, "known after apply"));
    const nr_rule *ssh = rule(r, "allow-ssh-vpn");
    CHECK(ssh && !ssh->uncertain);
    fx_done(&f);

    /* state: standalone rule joined to its NSG by name */
    fx_load_file(&f, DATA "state-azure.json");
    CHECK(f.rc == 0);
    r = fx_res(&f, "azurerm_network_security_group.es", NR_INBOUND);
    CHECK(rule(r, "allow-es") != NULL);
    fx_done(&f);

    /* plan deleting that rule: planned_values no longer has it */
    fx_load_file(&f, DATA "delete-only.json");
    CHECK(f.rc == 0);
    r = fx_res(&f, "azurerm_network_security_group.es", NR_INBOUND);
    CHECK(r != NULL && rule(r, "allow-es") == NULL);
    fx_done(&f);
}

static void test_aws(void)
{
    fx f;
    fx_load_file(&f, DATA "aws-sg-exposed.json");
    CHECK(f.rc == 0);
    const nr_resource *r = fx_res(&f, "aws_security_group.es (es-cluster)", NR_INBOUND);
    CHECK(r != NULL);
    const nr_rule *es = rule(r, "aws_security_group.es:tcp/9200:0.0.0.0/0");
    CHECK(es && !es->uncertain && has(&es->m[NR_DPORT], 9200));
    CHECK(fx_res(&f, "aws_security_group.es (es-cluster)", NR_OUTBOUND) != NULL);
    fx_done(&f);

    /* rule resources join the group through the configuration reference */
    fx_load_file(&f, DATA "aws-sg-rule.json");
    CHECK(f.rc == 0);
    CHECK(f.s.n == 2); /* one group, two directions: no stray groups */
    r = fx_res(&f, "aws_security_group.es (es-cluster)", NR_INBOUND);
    CHECK(rule(r, "aws_security_group.es:tcp/9200:0.0.0.0/0") != NULL);
    CHECK(rule(r, "aws_security_group.es:tcp/5432:::/0") != NULL);
    fx_done(&f);

    fx_load_file(&f, DATA "state-aws.json");
    CHECK(f.rc == 0 && f.s.n == 2);
    r = fx_res(&f, "aws_security_group.es (es-cluster)", NR_INBOUND);
    CHECK(rule(r, "aws_security_group.es:tcp/9200:0.0.0.0/0") != NULL);
    fx_done(&f);

    fx_load_file(&f, DATA "aws-unknown-cidr.json");
    CHECK(f.rc == 0);
    r = fx_res(&f, "aws_security_group.es (es-cluster)", NR_INBOUND);
    es = rule(r, "aws_security_group.es:tcp/9200:pl-unknown-after-apply");
    CHECK(es && es->uncertain && strstr(es->uncertain, "cidr_blocks"));
    CHECK(es && has(&es->m[NR_DPORT], 9200) && !has(&es->m[NR_DPORT], 9201));
    /* the known ssh rule stays exact */
    const nr_rule *ssh = rule(r, "aws_security_group.es:tcp/22:10.0.0.0/8");
    CHECK(ssh && !ssh->uncertain);
    fx_done(&f);
}

static void test_gcp(void)
{
    fx f;
    fx_load_file(&f, DATA "gcp-firewall.json");
    CHECK(f.rc == 0);
    const nr_resource *r = fx_res(&f, "default/tag:elasticsearch", NR_INBOUND);
    const nr_rule *es = rule(r, "allow-es-vendor");
    CHECK(es && !es->uncertain && has(&es->m[NR_DPORT], 9200));
    CHECK(!rule(fx_res(&f, "default/all-instances", NR_INBOUND), "allow-es-vendor"));
    fx_done(&f);

    fx_load_file(&f, DATA "gcp-unknown-ports.json");
    CHECK(f.rc == 0);
    r = fx_res(&f, "default/tag:elasticsearch", NR_INBOUND);
    es = rule(r, "allow-es-vendor");
    CHECK(es && es->uncertain && strstr(es->uncertain, "ports"));
    CHECK(es && has(&es->m[NR_DPORT], 5432));
    fx_done(&f);
}

static void test_errors(void)
{
    static const struct { const char *file, *want; } cases[] = {
        {"bad-syntax.json", "bad-syntax.json:6:"},
        {"bad-values.json", "bad-values.json:11:21: values: expected an object"},
        {"bad-port.json", "bad-port.json:19:"},
        {"bad-aws-port.json", "bad-aws-port.json:37:30: from_port"},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        fx f;
        char path[256];
        snprintf(path, sizeof path, DATA "%s", cases[i].file);
        fx_load_file(&f, path);
        CHECK(f.rc < 0);
        if (!strstr(f.e.msg, cases[i].want))
            fprintf(stderr, "got: %s\n", f.e.msg);
        CHECK(strstr(f.e.msg, cases[i].want) != NULL);
        fx_done(&f);
    }
    /* wrong shapes in memory: errors, never crashes */
    static const char *const bad[] = {
        "{\"format_version\":\"1\",\"planned_values\":[]}",
        "{\"format_version\":\"1\",\"planned_values\":{\"root_module\":{\"resources\":{}}}}",
        "{\"format_version\":\"1\",\"planned_values\":{\"root_module\":{\"resources\":[1]}}}",
        "{\"format_version\":\"1\",\"resource_changes\":[{\"address\":1}]}",
        "{\"format_version\":\"1\",\"values\":{\"root_module\":{\"resources\":[{\"address\":"
        "\"a.b\",\"type\":\"aws_security_group_rule\",\"values\":{\"type\":\"sideways\"}}]}}}",
        "{\"format_version\":\"1\",\"values\":{\"root_module\":{\"resources\":[{\"address\":"
        "\"a.b\",\"type\":\"google_compute_firewall\",\"values\":{\"allow\":[{\"protocol\":"
        "\"tcp\",\"ports\":[\"x\"]}]}}]}}}",
    };
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        fx f;
        fx_load_str(&f, bad[i], NR_FMT_TERRAFORM);
        CHECK(f.rc < 0);
        CHECK(strncmp(f.e.msg, "mem.json", 8) == 0);
        fx_done(&f);
    }
    /* resource_changes only: the after of creates, deletes skipped */
    fx f;
    fx_load_str(&f, "{\"format_version\":\"1\",\"resource_changes\":[{\"address\":"
                  "\"google_compute_firewall.a\",\"type\":\"google_compute_firewall\","
                  "\"change\":{\"actions\":[\"create\"],\"after\":{\"name\":\"a\",\"network\":"
                  "\"n\",\"allow\":[{\"protocol\":\"tcp\",\"ports\":[\"6379\"]}]},"
                  "\"after_unknown\":{}}},{\"address\":\"google_compute_firewall.b\",\"type\":"
                  "\"google_compute_firewall\",\"change\":{\"actions\":[\"delete\"],"
                  "\"after\":null}}]}",
              NR_FMT_AUTO);
    CHECK(f.rc == 0);
    CHECK(rule(fx_res(&f, "n/all-instances", NR_INBOUND), "a") != NULL);
    fx_done(&f);
}

int main(void)
{
    test_detect();
    test_azure();
    test_aws();
    test_gcp();
    test_errors();
    UNIT_DONE();
}
