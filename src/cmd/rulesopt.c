/* rulesopt.c - shared rule-reading options (see rulesopt.h). */
#include "rulesopt.h"

#include <stdio.h>
#include <string.h>

void lg_rulesopt_init(lg_rulesopt *r)
{
    memset(r, 0, sizeof *r);
    lg_arena_init(&r->arena);
}

int lg_rulesopt_handle(lg_rulesopt *r, int code, const char *arg)
{
    switch (code) {
    case 0x100: {
        int f = nr_format_parse(arg);
        if (f < 0) {
            fprintf(stderr, "leakguard: --format: expected azure, aws, gcp, iptables or nft, got '%s'\n", arg);
            return -1;
        }
        r->format = (nr_format)f;
        return 1;
    }
    case 0x101: {
        lg_ivset s;
        if (!lg_ip_parse_set(&r->arena, arg, strlen(arg), &s, NULL)) {
            fprintf(stderr, "leakguard: --vnet: expected a CIDR like 10.1.0.0/16, got '%s'\n", arg);
            return -1;
        }
        r->opts.vnet = lg_ivset_union(&r->arena, r->opts.vnet, s);
        r->vnet_given = true;
        return 1;
    }
    case 0x102:
        r->opts.public_iface = arg;
        return 1;
    case 0x103:
        r->opts.forward = true;
        return 1;
    case 0x104:
        r->opts.avnm_static = true;
        return 1;
    }
    return 0;
}

void lg_rulesopt_finish(lg_rulesopt *r)
{
    if (!r->vnet_given)
        r->opts.vnet = lg_ip_private();
}

void lg_rulesopt_free(lg_rulesopt *r)
{
    lg_arena_free(&r->arena);
}
