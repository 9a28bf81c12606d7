/* audit.c - `leakguard audit`: which catalog ports each ruleset opens to
 * public address space, with the rules to blame; --baseline names what
 * changed.  Output: text for people, JSON (the contract), SARIF 2.1.0. */
#include <getopt.h>
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "../netrules/audit.h"
#include "cmds.h"
#include "rulesopt.h"

enum { OUT_TEXT, OUT_JSON, OUT_SARIF };

static const char usage[] =
    "usage: leakguard audit [options] FILE...\n"
    "Compute exactly which data-store ports the rules in FILE... open to the\n"
    "Internet (public address space), and which rules to blame.\n\n"
    "  --baseline OLD      compare with an earlier snapshot (repeatable for\n"
    "                      several files); only new findings fail\n"
    "  --output FMT        text (default), json or sarif\n"
    "  --catalog FILE      service catalog (default: built in, data/services.catalog)\n"
    "  --fail-on SEV       exit 1 only for findings of at least SEV\n"
    "                      (low, medium, high, critical; default low)\n"
    "  --no-hygiene        skip shadowed/redundant rule analysis\n"
    LG_RULES_USAGE
    "Exit: 0 nothing found (nothing new with --baseline), 1 findings, 2 error.\n";

static const char *proto_str(int p) { return p == 17 ? "udp" : "tcp"; }

static const char *rule_file(const nr_finding *f)
{
    if (f->blame && f->blame->in)
        return f->blame->in->path;
    return f->res->in ? f->res->in->path : NULL;
}

/* " 0.0.0.0/0,::/0 [3702258432 public IPv4]": a finding's sources. */
static void print_sources(const nr_finding *f)
{
    for (size_t k = 0; k < f->ncidrs && k < 4; k++)
        printf("%s%s", k ? "," : " ", f->cidrs[k]);
    if (f->ncidrs > 4)
        printf(",... (%zu blocks)", f->ncidrs);
    if (f->public_v4)
        printf(" [%llu public IPv4]", (unsigned long long)f->public_v4);
    else
        printf(" [IPv6 only]");
}

static json_t *cidrs_json(const nr_finding *f)
{
    json_t *src = json_array();
    for (size_t i = 0; i < f->ncidrs; i++)
        json_array_append_new(src, json_string(f->cidrs[i]));
    return src;
}

static json_t *finding_json(const nr_finding *f)
{
    json_t *o = json_object();
    json_object_set_new(o, "resource", json_string(f->res->name));
    json_object_set_new(o, "kind", json_string(f->res->kind ? f->res->kind : ""));
    json_object_set_new(o, "direction", json_string(nr_direction_name(f->res->dir)));
    json_object_set_new(o, "protocol", json_string(proto_str(f->proto)));
    json_object_set_new(o, "port", json_integer(f->port));
    json_object_set_new(o, "service", json_string(f->service));
    json_object_set_new(o, "state", json_string(f->unknown ? "unknown" : "exposed"));
    json_object_set_new(o, "sources", cidrs_json(f));
    json_object_set_new(o, "public_addresses", json_integer((json_int_t)f->public_v4));
    if (f->was) { /* a widened exposure: what it was in the baseline */
        json_object_set_new(o, "previous_sources", cidrs_json(f->was));
        json_object_set_new(o, "previous_public_addresses",
                            json_integer((json_int_t)f->was->public_v4));
    }
    if (f->sports.n) {
        json_t *sp = json_array();
        for (uint32_t i = 0; i < f->sports.n; i++) {
            char b[16];
            unsigned lo = (unsigned)f->sports.iv[i].lo, hi = (unsigned)f->sports.iv[i].hi;
            if (lo == hi)
                snprintf(b, sizeof b, "%u", lo);
            else
                snprintf(b, sizeof b, "%u-%u", lo, hi);
            json_array_append_new(sp, json_string(b));
        }
        json_object_set_new(o, "source_ports", sp);
    }
    json_t *rules = json_array();
    for (size_t i = 0; i < f->nrules; i++)
        json_array_append_new(rules, json_string(f->rules[i]));
    json_object_set_new(o, "rules", rules);
    json_object_set_new(o, "severity", json_string(nr_severity_name(f->sev)));
    if (f->nreasons) {
        size_t len = 0;
        for (size_t i = 0; i < f->nreasons; i++)
            len += strlen(f->reasons[i]) + 2;
        char *r = malloc(len + 1);
        r[0] = 0;
        for (size_t i = 0; i < f->nreasons; i++) {
            if (i)
                strcat(r, "; ");
            strcat(r, f->reasons[i]);
        }
        json_object_set_new(o, "reason", json_string(r));
        free(r);
    }
    if (f->more_possible)
        json_object_set_new(o, "more_sources_possible", json_true());
    if (f->change != NR_CH_NONE)
        json_object_set_new(o, "change", json_string(nr_change_name(f->change)));
    if (f->ncauses) {
        json_t *c = json_array();
        for (size_t i = 0; i < f->ncauses; i++)
            json_array_append_new(c, json_pack("{s:s, s:s}", "rule", f->causes[i].rule,
                                               "change", f->causes[i].what));
        json_object_set_new(o, "cause", c);
    }
    const char *file = rule_file(f);
    if (file)
        json_object_set_new(o, "file", json_string(file));
    long line = f->blame ? nr_rule_line(f->blame) : 0;
    if (line > 0)
        json_object_set_new(o, "line", json_integer(line));
    return o;
}

/* A JSON line built in a buffer: keys are our own literals; values go
 * through jansson's encoder one string at a time.  Dumping a built object
 * costs jansson a table of visited containers per object, the most
 * expensive part of printing 700 000 hygiene notes. */
typedef struct jline {
    char *p;
    size_t n, cap;
    json_t *str; /* reused for every string value */
} jline;

static void jl_reserve(jline *l, size_t more)
{
    lg_grow_or_abort(&l->p, &l->cap, l->n + more, 1);
}

static void jl_put(jline *l, const char *s, size_t n)
{
    jl_reserve(l, n);
    memcpy(l->p + l->n, s, n);
    l->n += n;
}

/* `"key":` then the string; like json_object_set_new with json_string,
 * a value that is not UTF-8 leaves the key out. */
static void jl_str(jline *l, const char *key, const char *v)
{
    if (json_string_set(l->str, v) < 0)
        return;
    if (key) {
        jl_put(l, "\"", 1);
        jl_put(l, key, strlen(key));
        jl_put(l, "\":", 2);
    }
    jl_reserve(l, strlen(v) * 6 + 2); /* every byte as \u00XX, quotes */
    l->n += json_dumpb(l->str, l->p + l->n, l->cap - l->n, JSON_ENCODE_ANY);
}

static void jl_lit(jline *l, const char *s) { jl_put(l, s, strlen(s)); }

static void hyg_line(jline *l, const nr_hyg *h)
{
    const char *rule = h->rule->name ? h->rule->name : "?";
    char buf[512];
    if (h->res->nlayers > 1) {
        snprintf(buf, sizeof buf, "%s/%s", h->layer->name, rule);
        rule = buf;
    }
    jl_lit(l, "{");
    jl_str(l, "resource", h->res->name);
    jl_lit(l, ",");
    jl_str(l, "rule", rule);
    jl_lit(l, ",");
    jl_str(l, "chain", h->chain->name);
    jl_lit(l, ",");
    jl_str(l, "kind", h->kind);
    jl_lit(l, ",\"by\":[");
    for (size_t i = 0; i < h->nby; i++) {
        if (i)
            jl_lit(l, ",");
        jl_str(l, NULL, h->by[i] ? h->by[i] : "?");
    }
    jl_lit(l, "]");
    if (h->nby_total > h->nby) {
        snprintf(buf, sizeof buf, ",\"by_count\":%zu", h->nby_total);
        jl_lit(l, buf);
    }
    if (h->rule->in) {
        jl_lit(l, ",");
        jl_str(l, "file", h->rule->in->path);
    }
    long line = nr_rule_line(h->rule);
    if (line > 0) {
        snprintf(buf, sizeof buf, ",\"line\":%ld", line);
        jl_lit(l, buf);
    }
    jl_lit(l, "}");
}

/* A built object, compactly, then freed (findings: few, and nested). */
static void jl_json(jline *l, json_t *o)
{
    size_t n = json_dumpb(o, l->p + l->n, l->cap - l->n, JSON_COMPACT);
    if (n > l->cap - l->n) {
        jl_reserve(l, n);
        n = json_dumpb(o, l->p + l->n, l->cap - l->n, JSON_COMPACT);
    }
    l->n += n;
    json_decref(o);
}

/* Out in 64 KB blocks, not a stdio call per line (or, json_dumpf, per
 * token); `last` empties the buffer. */
static void jl_flush(jline *l, bool last)
{
    if (l->n >= 1 << 16 || (last && l->n)) {
        fwrite(l->p, 1, l->n, stdout);
        l->n = 0;
    }
}

/* One object per line, written as it is made: memory stays flat for a
 * million findings, and `grep`/`jq -c` work line by line. */
static void print_json(const nr_report *r, size_t nres)
{
    jline l = {.str = json_string("")};
    jl_lit(&l, "{\"findings\": [");
    for (size_t i = 0; i < r->n; i++) {
        jl_lit(&l, i ? ",\n  " : "\n  ");
        jl_json(&l, finding_json(&r->f[i]));
        jl_flush(&l, false);
    }
    jl_lit(&l, r->n ? "\n ],\n \"hygiene\": [" : "],\n \"hygiene\": [");
    for (size_t i = 0; i < r->nh; i++) {
        jl_lit(&l, i ? ",\n  " : "\n  ");
        hyg_line(&l, &r->h[i]);
        jl_flush(&l, false);
    }
    jl_flush(&l, true);
    free(l.p);
    json_decref(l.str);
    printf("%s\n \"resources\": %zu}\n", r->nh ? "\n ]," : "],", nres);
}

static const char *sarif_level(const nr_finding *f)
{
    if (f->unknown)
        return "warning";
    return f->sev >= NR_SEV_HIGH ? "error" : f->sev == NR_SEV_MEDIUM ? "warning" : "note";
}

static json_t *sarif_loc(const char *file, long line, const char *logical)
{
    json_t *pl = json_object();
    json_object_set_new(pl, "artifactLocation", json_pack("{s:s}", "uri", file ? file : ""));
    if (line > 0)
        json_object_set_new(pl, "region", json_pack("{s:I}", "startLine", (json_int_t)line));
    json_t *loc = json_pack("{s:o}", "physicalLocation", pl);
    if (logical)
        json_object_set_new(loc, "logicalLocations",
                            json_pack("[{s:s}]", "fullyQualifiedName", logical));
    return loc;
}

static void print_sarif(const nr_report *r)
{
    json_t *rules = json_pack(
        "[{s:s, s:s, s:{s:s}, s:{s:s}, s:{s:s}},"
        " {s:s, s:s, s:{s:s}, s:{s:s}, s:{s:s}},"
        " {s:s, s:s, s:{s:s}, s:{s:s}},"
        " {s:s, s:s, s:{s:s}, s:{s:s}}]",
        "id", "LG001", "name", "DataStorePortExposed",
        "shortDescription", "text", "A data-store port is reachable from public address space",
        "fullDescription", "text", "The rules allow new connections from public (Internet) sources to a port of a data store or admin API in the service catalog. Exact: computed over all packets, not sampled.",
        "defaultConfiguration", "level", "error",
        "id", "LG002", "name", "DataStorePortPossiblyExposed",
        "shortDescription", "text", "A data-store port may be reachable from public address space",
        "fullDescription", "text", "Whether the port is reachable depends on rules whose match cannot be decided from the export (parameters, unknown tags, prefix lists, ipsets...).",
        "defaultConfiguration", "level", "warning",
        "id", "LG100", "name", "ShadowedRule",
        "shortDescription", "text", "A rule can never match: earlier rules decide all its packets",
        "defaultConfiguration", "level", "note",
        "id", "LG101", "name", "RedundantRule",
        "shortDescription", "text", "A rule is redundant: a later rule with the same verdict covers it",
        "defaultConfiguration", "level", "note");
    json_t *results = json_array();
    for (size_t i = 0; i < r->n; i++) {
        const nr_finding *f = &r->f[i];
        if (f->change == NR_CH_FIXED)
            continue;
        char msg[1024], logical[512], srcs[256] = "";
        for (size_t k = 0; k < f->ncidrs && k < 3; k++)
            snprintf(srcs + strlen(srcs), sizeof srcs - strlen(srcs), "%s%s",
                     k ? ", " : "", f->cidrs[k]);
        if (f->ncidrs > 3)
            snprintf(srcs + strlen(srcs), sizeof srcs - strlen(srcs), " and %zu more blocks",
                     f->ncidrs - 3);
        snprintf(msg, sizeof msg, "%s: %s/%d (%s) is %s from public sources %s%s%s",
                 f->res->name, proto_str(f->proto), f->port, f->service,
                 f->unknown ? "possibly reachable" : "reachable", srcs,
                 f->nrules ? " via rule " : "", f->nrules ? f->rules[0] : "");
        snprintf(logical, sizeof logical, "%s/%s", f->res->name,
                 f->nrules ? f->rules[0] : "");
        char fp[512];
        snprintf(fp, sizeof fp, "%s|%s|%s|%d", f->res->name,
                 nr_direction_name(f->res->dir), proto_str(f->proto), f->port);
        json_t *res = json_pack("{s:s, s:s, s:{s:s}, s:[o], s:{s:s}}",
                                "ruleId", f->unknown ? "LG002" : "LG001",
                                "level", sarif_level(f), "message", "text", msg,
                                "locations", sarif_loc(rule_file(f),
                                                       f->blame ? nr_rule_line(f->blame) : 0, logical),
                                "partialFingerprints", "leakguardFinding/v1", fp);
        if (f->change != NR_CH_NONE)
            json_object_set_new(res, "baselineState",
                                json_string(f->change == NR_CH_NEW ? "new" : "unchanged"));
        json_object_set_new(res, "properties",
                            json_pack("{s:s, s:I}", "severity", nr_severity_name(f->sev),
                                      "public_addresses", (json_int_t)f->public_v4));
        json_array_append_new(results, res);
    }
    for (size_t i = 0; i < r->nh; i++) {
        const nr_hyg *h = &r->h[i];
        char msg[1024];
        snprintf(msg, sizeof msg, "%s: rule %s %s", h->res->name,
                 h->rule->name ? h->rule->name : "?",
                 strcmp(h->kind, "shadowed") == 0 ? "can never match (shadowed by earlier rules)"
                                                  : "is redundant (a later rule covers it)");
        json_array_append_new(results,
            json_pack("{s:s, s:s, s:{s:s}, s:[o]}", "ruleId",
                      strcmp(h->kind, "shadowed") == 0 ? "LG100" : "LG101",
                      "level", "note", "message", "text", msg, "locations",
                      sarif_loc(h->rule->in ? h->rule->in->path : NULL,
                                nr_rule_line(h->rule), h->rule->name)));
    }
    json_t *root = json_pack(
        "{s:s, s:s, s:[{s:{s:{s:s, s:s, s:o}}, s:o}]}",
        "$schema", "https://json.schemastore.org/sarif-2.1.0.json", "version", "2.1.0",
        "runs", "tool", "driver", "name", "leakguard", "version", "0.1.0", "rules", rules,
        "results", results);
    json_dumpf(root, stdout, JSON_INDENT(2));
    fputc('\n', stdout);
    json_decref(root);
}

static void print_text(const nr_report *r, size_t nres, bool color)
{
    const char *sevcol[] = {"", "\033[36m", "\033[33m", "\033[31m", "\033[1;31m"};
    const char *reset = color ? "\033[0m" : "";
    size_t shown = 0, counts[5] = {0};
    const nr_resource *cur = NULL;
    for (size_t i = 0; i < r->n; i++) {
        const nr_finding *f = &r->f[i];
        if (f->res != cur) {
            cur = f->res;
            printf("%s%s%s (%s, %s)%s%s\n", color ? "\033[1m" : "", f->res->name, reset,
                   f->res->kind ? f->res->kind : "?", nr_direction_name(f->res->dir),
                   f->res->note ? " - " : "", f->res->note ? f->res->note : "");
        }
        char sev[16];
        snprintf(sev, sizeof sev, "%s", nr_severity_name(f->sev));
        for (char *p = sev; *p; p++)
            *p = (char)(*p - 32 * (*p >= 'a' && *p <= 'z'));
        printf("  %s%-8s%s %s/%-5d %-14s %s", color ? sevcol[f->sev] : "", sev, reset,
               proto_str(f->proto), f->port, f->service,
               f->unknown ? "MAYBE exposed to" : "exposed to");
        print_sources(f);
        if (f->sports.n) {
            printf(" from source port%s", f->sports.n == 1 && f->sports.iv[0].lo == f->sports.iv[0].hi ? "" : "s");
            for (uint32_t k = 0; k < f->sports.n && k < 4; k++) {
                unsigned lo = (unsigned)f->sports.iv[k].lo, hi = (unsigned)f->sports.iv[k].hi;
                if (lo == hi)
                    printf("%s%u", k ? "," : " ", lo);
                else
                    printf("%s%u-%u", k ? "," : " ", lo, hi);
            }
            if (f->sports.n > 4)
                printf(",...");
        }
        if (f->nrules) {
            printf(" by ");
            for (size_t k = 0; k < f->nrules; k++)
                printf("%s%s", k ? ", " : "", f->rules[k]);
        }
        if (f->change != NR_CH_NONE) {
            printf(" (%s", nr_change_name(f->change));
            if (f->was) {
                printf(", was");
                print_sources(f->was);
            }
            putchar(')');
        }
        putchar('\n');
        for (size_t k = 0; k < f->ncauses; k++)
            printf("      cause: %s %s\n", f->causes[k].rule, f->causes[k].what);
        for (size_t k = 0; k < f->nreasons; k++)
            printf("      %s %s\n", f->unknown ? "unknown because" : "more sources possible:",
                   f->reasons[k]);
        if (f->change != NR_CH_FIXED) {
            shown++;
            counts[f->sev]++;
        }
    }
    for (size_t i = 0; i < r->nh; i++) {
        const nr_hyg *h = &r->h[i];
        printf("  info     %s: rule %s %s", h->res->name, h->rule->name ? h->rule->name : "?",
               strcmp(h->kind, "shadowed") == 0 ? "can never match, shadowed by"
                                                : "is redundant, covered by");
        for (size_t k = 0; k < h->nby && k < 5; k++)
            printf("%s%s", k ? ", " : " ", h->by[k] ? h->by[k] : "?");
        if (h->nby_total > 5)
            printf(" and %zu more", h->nby_total - 5);
        putchar('\n');
    }
    printf("%zu finding%s (%zu critical, %zu high, %zu medium, %zu low) in %zu resource%s; "
           "%zu hygiene note%s\n",
           shown, shown == 1 ? "" : "s", counts[4], counts[3], counts[2], counts[1], nres,
           nres == 1 ? "" : "s", r->nh, r->nh == 1 ? "" : "s");
}

static size_t count_inbound(const nr_snapshot *s)
{
    size_t n = 0;
    for (size_t i = 0; i < s->n; i++)
        n += s->res[i].dir != NR_OUTBOUND;
    return n;
}

int cmd_audit(int argc, char **argv)
{
    static const struct option longopts[] = {
        {"baseline", required_argument, 0, 'b'},
        {"output", required_argument, 0, 'o'},
        {"catalog", required_argument, 0, 'c'},
        {"fail-on", required_argument, 0, 'f'},
        {"no-hygiene", no_argument, 0, 'H'},
        {"help", no_argument, 0, 'h'},
        LG_RULES_LONGOPTS,
        {0, 0, 0, 0}};
    int rc = 2, out = OUT_TEXT, fail_on = NR_SEV_LOW;
    bool hygiene = true;
    const char *catalog = NULL;
    const char **base = calloc((size_t)argc + 1, sizeof *base);
    size_t nbase = 0;
    lg_rulesopt ro;
    lg_rulesopt_init(&ro);
    nr_snapshot cur, old;
    nr_inputs ins = {0}, oins = {0};
    nr_catalog cat = {0};
    nr_report rep, orep;
    nr_snapshot_init(&cur);
    nr_snapshot_init(&old);
    nr_report_init(&rep);
    nr_report_init(&orep);
    lg_err e = {{0}};
    int c;
    optind = 1;
    while ((c = getopt_long(argc, argv, "h", longopts, NULL)) != -1) {
        int h = lg_rulesopt_handle(&ro, c, optarg);
        if (h < 0)
            goto out;
        if (h > 0)
            continue;
        switch (c) {
        case 'b':
            base[nbase++] = optarg;
            break;
        case 'o':
            if (strcmp(optarg, "text") == 0)
                out = OUT_TEXT;
            else if (strcmp(optarg, "json") == 0)
                out = OUT_JSON;
            else if (strcmp(optarg, "sarif") == 0)
                out = OUT_SARIF;
            else {
                fprintf(stderr, "leakguard audit: --output: expected text, json or sarif, got '%s'\n", optarg);
                goto out;
            }
            break;
        case 'c':
            catalog = optarg;
            break;
        case 'f':
            fail_on = nr_severity_parse(optarg);
            if (fail_on < NR_SEV_LOW) {
                fprintf(stderr, "leakguard audit: --fail-on: expected low, medium, high or critical, got '%s'\n", optarg);
                goto out;
            }
            break;
        case 'H':
            hygiene = false;
            break;
        case 'h':
            fputs(usage, stdout);
            rc = 0;
            goto out;
        default:
            fputs(usage, stderr);
            goto out;
        }
    }
    if (optind >= argc) {
        fprintf(stderr, "leakguard audit: no rules file given\n%s", usage);
        goto out;
    }
    lg_rulesopt_finish(&ro);
    if ((catalog ? nr_catalog_load(&cat, catalog, &e) : nr_catalog_builtin(&cat, &e)) < 0 ||
        nr_load(&cur, &ins, (const char *const *)argv + optind, (size_t)(argc - optind),
                ro.format, &ro.opts, &e) < 0 ||
        (nbase && nr_load(&old, &oins, base, nbase, ro.format, &ro.opts, &e) < 0)) {
        fprintf(stderr, "leakguard audit: %s\n", e.msg);
        goto out;
    }
    nr_audit(&cur, &cat, hygiene, &rep);
    if (nbase) {
        nr_audit(&old, &cat, false, &orep);
        nr_diff(&old, &orep, &cur, &rep);
    }
    if (out == OUT_JSON)
        print_json(&rep, count_inbound(&cur));
    else if (out == OUT_SARIF)
        print_sarif(&rep);
    else
        print_text(&rep, count_inbound(&cur), isatty(1) && !getenv("NO_COLOR"));
    rc = 0;
    for (size_t i = 0; i < rep.n; i++) {
        const nr_finding *f = &rep.f[i];
        if (f->change == NR_CH_FIXED || (nbase && f->change != NR_CH_NEW))
            continue;
        if ((int)f->sev >= fail_on)
            rc = 1;
    }
out:
    fflush(stdout);
    nr_report_free(&rep);
    nr_report_free(&orep);
    nr_snapshot_free(&cur);
    nr_snapshot_free(&old);
    nr_inputs_free(&ins);
    nr_inputs_free(&oins);
    nr_catalog_free(&cat);
    lg_rulesopt_free(&ro);
    free(base);
    return rc;
}
