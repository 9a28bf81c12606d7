/* rulesopt.h - options shared by the commands that read rules (audit,
 * flow): --format, --vnet, --public-iface, --forward; and loading. */
#ifndef LG_RULESOPT_H
#define LG_RULESOPT_H

#include "../netrules/load.h"

typedef struct lg_rulesopt {
    nr_format format;
    nr_opts opts;
    lg_arena arena;       /* for the vnet set */
    bool vnet_given;
} lg_rulesopt;

#define LG_RULES_LONGOPTS                                                     \
    {"format", required_argument, 0, 0x100},                                  \
    {"vnet", required_argument, 0, 0x101},                                    \
    {"public-iface", required_argument, 0, 0x102},                            \
    {"forward", no_argument, 0, 0x103},                                       \
    {"avnm-static-members", no_argument, 0, 0x104}

#define LG_RULES_USAGE                                                        \
    "  --format F          azure|aws|gcp|iptables|nft|terraform\n"       \
    "                      (default: detect)\n"                          \
    "  --vnet CIDR         VNet/VPC address space (repeatable; default the\n" \
    "                      private ranges 10/8 172.16/12 192.168/16 100.64/10 fc00::/7)\n" \
    "  --public-iface IF   iptables/nft: the interface facing the Internet\n" \
    "  --forward           iptables/nft: audit the FORWARD hook, not INPUT\n" \
    "  --avnm-static-members  Azure: the static members given are all the\n" \
    "                      members of their network groups (no Azure Policy)\n"

void lg_rulesopt_init(lg_rulesopt *r);
/* Handle one getopt code; returns 1 if handled, 0 if not ours, -1 on a
 * bad value (message printed). */
int lg_rulesopt_handle(lg_rulesopt *r, int code, const char *arg);
/* Fill defaults after parsing. */
void lg_rulesopt_finish(lg_rulesopt *r);
void lg_rulesopt_free(lg_rulesopt *r);

#endif
