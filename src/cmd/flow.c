/* flow.c - `leakguard flow`: "IP flow verify" in bulk.  Reads flows from
 * stdin, one per line "PROTO SRC_IP SRC_PORT DST_IP DST_PORT", and writes
 * exactly one line per flow: "VERDICT<TAB>RULE".  Each flow is evaluated
 * by the same exact set engine as audit, on a one-packet region. */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../netrules/eval.h"
#include "cmds.h"
#include "rulesopt.h"

static const char usage[] =
    "usage: leakguard flow [options] FILE... < flows\n"
    "For each stdin line \"PROTO SRC_IP SRC_PORT DST_IP DST_PORT\" (e.g.\n"
    "\"tcp 52.1.2.3 40000 10.0.0.4 9200\") print \"VERDICT<TAB>RULE\":\n"
    "allow, deny or unknown, and the rule that decides it.\n\n"
    "  --resource NAME     which resource of FILE... (needed if several)\n"
    "  --direction D       inbound (default) or outbound\n"
    LG_RULES_USAGE
    "Exit: 0 ok, 2 usage or input error.\n";

/* Split a line into at most 6 whitespace-separated fields. */
static int fields(char *line, char **f, size_t *col)
{
    int n = 0;
    char *p = line;
    while (*p && n < 6) {
        while (*p == ' ' || *p == '\t' || *p == '\r' || *p == '\n')
            p++;
        if (!*p)
            break;
        col[n] = (size_t)(p - line) + 1;
        f[n++] = p;
        while (*p && *p != ' ' && *p != '\t' && *p != '\r' && *p != '\n')
            p++;
        if (*p)
            *p++ = 0;
    }
    return n;
}

static bool port_of(const char *s, lg_u128 *v)
{
    char *end;
    long x = strtol(s, &end, 10);
    if (*end || end == s || x < 0 || x > 65535)
        return false;
    *v = (lg_u128)x;
    return true;
}

/* Deciding rule names of an allowed box: one per layer that filtered it. */
static void allowed_names(lg_arena *a, const nr_resource *r, const nr_box *b,
                          char *out, size_t len)
{
    out[0] = 0;
    size_t nl = r->nlayers < NR_MAXLAYERS ? r->nlayers : NR_MAXLAYERS;
    for (size_t li = 0; li < nl; li++) {
        size_t used = strlen(out);
        snprintf(out + used, len - used, "%s%s", used ? "," : "",
                 nr_why_name(a, r, (int)li, b->why[li]));
    }
    if (!out[0])
        snprintf(out, len, "unfiltered");
}

static int run_flows(const nr_resource *r, FILE *in)
{
    lg_arena a;
    lg_arena_init(&a);
    bool unc = nr_resource_uncertain(r);
    char *line = NULL;
    size_t cap = 0;
    long lineno = 0;
    int rc = 0;
    char names[2048];
    while (getline(&line, &cap, in) > 0) {
        lineno++;
        char *f[6];
        size_t col[6];
        int n = fields(line, f, col);
        if (n == 0 || f[0][0] == '#')
            continue; /* blank lines and comments carry no flow */
        lg_arena_reset(&a);
        nr_box b = {0};
        int proto = n >= 1 ? nr_proto_number(f[0]) : -1;
        lg_u128 src, dst, sport, dport;
        int fs, fd;
        const char *bad = NULL;
        size_t badcol = 1;
        if (n != 5)
            bad = "expected 5 fields: PROTO SRC_IP SRC_PORT DST_IP DST_PORT", badcol = n > 5 ? col[5] : 1;
        else if (proto < 0)
            bad = "expected a protocol (tcp, udp, icmp or a number)", badcol = col[0];
        else if (!lg_ip_parse(f[1], strlen(f[1]), &src, &fs))
            bad = "expected a source IP address", badcol = col[1];
        else if (!port_of(f[2], &sport))
            bad = "expected a source port 0-65535", badcol = col[2];
        else if (!lg_ip_parse(f[3], strlen(f[3]), &dst, &fd))
            bad = "expected a destination IP address", badcol = col[3];
        else if (!port_of(f[4], &dport))
            bad = "expected a destination port 0-65535", badcol = col[4];
        else if (fs != fd)
            bad = "source and destination are of different address families", badcol = col[3];
        if (bad) {
            fflush(stdout);
            fprintf(stderr, "leakguard flow: <stdin>:%ld:%zu: %s\n", lineno, badcol, bad);
            rc = 2;
            break;
        }
        b.d[NR_PROTO] = lg_ivset_range(&a, (lg_u128)proto, (lg_u128)proto);
        b.d[NR_SRC] = lg_ivset_range(&a, src, src);
        b.d[NR_DST] = lg_ivset_range(&a, dst, dst);
        b.d[NR_SPORT] = lg_ivset_range(&a, sport, sport);
        b.d[NR_DPORT] = lg_ivset_range(&a, dport, dport);
        nr_boxes region = {0};
        nr_boxes_push(&a, &region, &b);
        nr_result lo, hi;
        nr_eval(&a, r, &region, unc ? NR_LOWER : NR_EXACT, 0, &lo);
        if (unc)
            nr_eval(&a, r, &region, NR_UPPER, 0, &hi);
        else
            hi = lo;
        if (lo.overflow || hi.overflow) {
            printf("unknown\tevaluation budget exceeded\n");
        } else if (lo.allowed.n) {
            allowed_names(&a, r, &lo.allowed.b[0], names, sizeof names);
            printf("allow\t%s\n", names);
        } else if (!hi.allowed.n && hi.denied.n) {
            const nr_box *d = &hi.denied.b[0];
            printf("deny\t%s\n", nr_why_name(&a, r, d->layer, d->why[d->layer]));
        } else if (!hi.allowed.n) {
            printf("deny\tunfiltered\n"); /* outside the resource's scope */
        } else {
            const char *why = "?";
            for (size_t i = 0; i < hi.ntouched; i++)
                if (nr_box_intersects(&b, hi.touched[i]->m)) {
                    why = hi.touched[i]->name ? hi.touched[i]->name : "?";
                    break;
                }
            printf("unknown\t%s\n", why);
        }
    }
    free(line);
    lg_arena_free(&a);
    return rc;
}

/* "sg-0abc (web)" is also found as "sg-0abc": the id alone is what people
 * type. */
static bool name_matches(const char *name, const char *want)
{
    size_t n = strlen(want);
    return strcmp(name, want) == 0 ||
           (strncmp(name, want, n) == 0 && strncmp(name + n, " (", 2) == 0);
}

int cmd_flow(int argc, char **argv)
{
    static const struct option longopts[] = {
        {"resource", required_argument, 0, 'r'},
        {"direction", required_argument, 0, 'd'},
        {"help", no_argument, 0, 'h'},
        LG_RULES_LONGOPTS,
        {0, 0, 0, 0}};
    int rc = 2, c;
    const char *resname = NULL;
    nr_direction dir = NR_INBOUND;
    lg_rulesopt ro;
    lg_rulesopt_init(&ro);
    nr_snapshot s;
    nr_snapshot_init(&s);
    nr_inputs ins = {0};
    lg_err e = {{0}};
    optind = 1;
    while ((c = getopt_long(argc, argv, "h", longopts, NULL)) != -1) {
        int h = lg_rulesopt_handle(&ro, c, optarg);
        if (h < 0)
            goto out;
        if (h > 0)
            continue;
        switch (c) {
        case 'r':
            resname = optarg;
            break;
        case 'd':
            if (strcmp(optarg, "inbound") == 0)
                dir = NR_INBOUND;
            else if (strcmp(optarg, "outbound") == 0)
                dir = NR_OUTBOUND;
            else if (strcmp(optarg, "forward") == 0)
                dir = NR_FORWARD;
            else {
                fprintf(stderr, "leakguard flow: --direction: expected inbound or outbound, got '%s'\n", optarg);
                goto out;
            }
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
        fprintf(stderr, "leakguard flow: no rules file given\n%s", usage);
        goto out;
    }
    lg_rulesopt_finish(&ro);
    if (nr_load(&s, &ins, (const char *const *)argv + optind, (size_t)(argc - optind),
                ro.format, &ro.opts, &e) < 0) {
        fprintf(stderr, "leakguard flow: %s\n", e.msg);
        goto out;
    }
    if (ro.opts.forward && dir == NR_INBOUND)
        dir = NR_FORWARD;
    const nr_resource *pick = NULL;
    size_t candidates = 0;
    for (size_t i = 0; i < s.n; i++) {
        if (s.res[i].dir != dir)
            continue;
        if (resname && !name_matches(s.res[i].name, resname))
            continue;
        candidates++;
        if (!pick)
            pick = &s.res[i];
    }
    if (candidates != 1) {
        if (candidates)
            fprintf(stderr, "leakguard flow: several resources match: use --resource NAME");
        else if (resname)
            fprintf(stderr, "leakguard flow: no %s resource named '%s'",
                    dir == NR_OUTBOUND ? "outbound" : "inbound", resname);
        else
            fprintf(stderr, "leakguard flow: no %s resource in the input",
                    dir == NR_OUTBOUND ? "outbound" : "inbound");
        fprintf(stderr, "; the %s resources are:\n", dir == NR_OUTBOUND ? "outbound" : "inbound");
        for (size_t i = 0; i < s.n; i++)
            if (s.res[i].dir == dir)
                fprintf(stderr, "  %s\n", s.res[i].name);
        goto out;
    }
    rc = run_flows(pick, stdin);
out:
    fflush(stdout);
    nr_snapshot_free(&s);
    nr_inputs_free(&ins);
    lg_rulesopt_free(&ro);
    return rc;
}
