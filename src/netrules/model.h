/* model.h - the one rules model every platform parser produces.
 *
 * Header space has five dimensions (nr_dim); a rule matches the product of
 * one interval set per dimension (a "generalized box": a union such as
 * ports 80,443,9000-9300 is still one box).  Addresses use lg_u128 with
 * IPv4 mapped into ::ffff:0:0/96 (core/ipaddr.h).
 *
 * Shape:  snapshot ─ resources ─ layers ─ chains ─ rules
 *   resource  what a finding names (an NSG, a NIC, an AWS ENI, a GCP
 *             network target, an iptables host), for one direction.
 *   layer     one filter the traffic must pass; a resource allows a packet
 *             only if *every* layer allows it (subnet NSG then NIC NSG; SG
 *             then NACL inbound then NACL outbound for the reply; nft base
 *             chains on the same hook).
 *   chain     ordered rules, first match decides; JUMP/GOTO/RETURN give
 *             iptables/nftables semantics; falling off the end applies the
 *             chain policy (base chains) or returns (user chains).
 * Platform semantics are encoded by the parser: Azure/GCP sort by priority
 * (GCP deny first on ties), AWS SG is a chain of ACCEPTs with policy DROP
 * (order irrelevant: union), NACL sorted by rule number.
 *
 * Uncertainty: a rule whose match cannot be decided from the data (ARM
 * parameter, unknown service tag, prefix list, ipset, -m string...) sets
 * `uncertain` to the reason and stores the OVER-approximation of its match
 * in m[] (the undecidable condition taken as true).  The evaluator derives
 * both bounds from it (eval.h), so nothing is silently guessed.
 *
 * Memory: everything hangs off snapshot->arena; nothing is freed
 * individually.  nr_snapshot_free() releases it all. */
#ifndef NR_MODEL_H
#define NR_MODEL_H

#include <stdbool.h>
#include <stddef.h>

#include "../core/arena.h"
#include "../core/err.h"
#include "../core/ipaddr.h"
#include "../core/ivset.h"

typedef enum nr_dim {
    NR_PROTO = 0, /* IP protocol number 0..255 */
    NR_DPORT,     /* destination port 0..65535 (all, for portless protocols) */
    NR_SPORT,     /* source port 0..65535 */
    NR_DST,       /* destination address */
    NR_SRC,       /* source address */
    NR_NDIM
} nr_dim;

typedef enum nr_action {
    NR_ACCEPT = 1,
    NR_DROP,      /* also REJECT */
    NR_JUMP,      /* to chains[target]; RETURN or end of it comes back */
    NR_GOTO,      /* to chains[target]; RETURN there returns to our caller */
    NR_RETURN,
    NR_NOP        /* matches but does not decide (LOG, counter, MARK...) */
} nr_action;

typedef enum nr_direction { NR_INBOUND = 0, NR_OUTBOUND, NR_FORWARD } nr_direction;

typedef struct json_t json_t;
typedef struct nr_input nr_input;

typedef struct nr_rule {
    const char *name;      /* display name: the platform's rule name, NACL
                              rule number, "INPUT:3" or the -m comment */
    long line;             /* source line (text formats), 0 if unknown */
    const char *ptr;       /* JSON pointer of the rule (JSON formats) */
    const nr_input *in;    /* file the rule came from (set by nr_rule_add
                              from the layer's input; parsers may change) */
    long priority;         /* priority / rule number / position */
    nr_action action;
    int target;            /* chain index for NR_JUMP/NR_GOTO */
    lg_ivset m[NR_NDIM];   /* match per dimension (over-approx if uncertain) */
    const char *uncertain; /* NULL: exact.  Else: why the match is unknown */
    bool is_default;       /* platform default/implied rule (Azure 65000+,
                              GCP implied, NACL '*') */
} nr_rule;

typedef struct nr_chain {
    const char *name;
    nr_rule *rules;
    size_t n, cap;
    nr_action policy;        /* NR_ACCEPT/NR_DROP (base), NR_RETURN (user) */
    const char *policy_name; /* shown as the deciding rule: "policy",
                                "implied", "implicit-deny" */
    bool shared;             /* the same rules in many layers (Azure VNet
                                Manager admin rules): hygiene skips it */
} nr_chain;

typedef struct nr_layer {
    const char *name;
    nr_chain *chains;
    size_t nchains, cap;
    int entry;             /* chain where evaluation starts */
    bool reverse;          /* rules describe the reply packet (stateless
                              egress NACL): src/dst and ports are swapped
                              before matching */
    const nr_input *in;    /* default input for rules added to this layer */
    bool scoped;           /* if set, only traffic whose remote address is
                              in `scope` is filtered; other traffic passes
                              (an nft `ip` table does not see IPv6) */
    lg_ivset scope;
} nr_layer;

typedef struct nr_resource {
    const char *name;
    const char *kind;      /* "azure-nsg", "azure-nic", "aws-sg", "aws-nacl",
                              "aws-eni", "gcp-firewall", "iptables", "nft" */
    const nr_input *in;    /* input file (the first one, for SARIF) */
    nr_direction dir;
    nr_layer *layers;
    size_t nlayers, cap;
    lg_ivset scope;        /* remote addresses this resource answers for
                              (IPv4 only for iptables-save); n==0: all */
    lg_ivset platform;     /* provider addresses that are not Internet
                              sources (Azure's 168.63.129.16): audit leaves
                              them out of public space */
    const char *note;      /* e.g. "rules say nothing about IPv6" */
} nr_resource;

typedef struct nr_snapshot {
    lg_arena arena;
    nr_resource *res;
    size_t n, cap;
} nr_snapshot;

/* Options that change how inputs are read. */
typedef struct nr_opts {
    lg_ivset vnet;             /* Azure VirtualNetwork / AWS VPC space */
    const char *public_iface;  /* iptables/nft: interface facing the
                                  Internet (NULL: interface matches other
                                  than lo are unknown) */
    bool forward;              /* iptables/nft: audit FORWARD, not INPUT */
    bool avnm_static;          /* Azure: network groups have no members
                                  but the static ones given */
} nr_opts;

/* One input file, read whole.  json is the parsed document for JSON
 * inputs (NULL for text formats); it stays owned by the caller. */
struct nr_input {
    const char *path;
    const char *text;
    size_t len;
    json_t *json;
    size_t array_base;     /* json is a batch of the file's top-level array
                              starting at this element (streamed input):
                              readers add it to top-level array indices in
                              their JSON pointers */
    struct lg_json_index *locidx; /* lazily built by nr_rule_line (a cache:
                                     filled even through const pointers) */
    /* Streamed input: the line where an object of json begins (0 if not
     * known), recorded while parsing; NULL for inputs parsed whole. */
    long (*line_of)(const void *ctx, const json_t *obj);
    const void *line_ctx;
};

void nr_snapshot_init(nr_snapshot *s);
void nr_snapshot_free(nr_snapshot *s);

/* Builders.  Returned pointers stay valid until the next add on the same
 * parent (arrays grow): add everything to one parent, then move on, or
 * keep indices. */
nr_resource *nr_resource_add(nr_snapshot *s, const char *name, const char *kind,
                             const nr_input *in, nr_direction dir);
nr_layer *nr_layer_add(nr_snapshot *s, nr_resource *r, const char *name,
                       const nr_input *in);
/* Returns the new chain's index. */
int nr_chain_add(nr_snapshot *s, nr_layer *l, const char *name,
                 nr_action policy, const char *policy_name);
int nr_chain_find(const nr_layer *l, const char *name); /* -1 if absent */
/* Room for n more rules in a chain, exactly (adding one at a time grows
 * by doubling and leaves the old copies in the arena). */
void nr_chain_reserve(nr_snapshot *s, nr_layer *l, int chain, size_t n);
/* A rule matching everything (every m[] is the full dimension). */
nr_rule *nr_rule_add(nr_snapshot *s, nr_layer *l, int chain);
/* Mark a rule uncertain (keeps the first reason). */
void nr_rule_uncertain(nr_snapshot *s, nr_rule *r, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

/* A copy of text for display (names, paths): valid UTF-8, each byte that
 * does not start a valid sequence (by jansson's rules) becomes U+FFFD, so
 * JSON and SARIF output can always carry it.  iptables-save comments and
 * file names may hold any bytes. */
char *nr_text(lg_arena *a, const char *p, size_t n);

/* Full extent of a dimension. */
lg_u128 nr_dim_max(nr_dim d);
lg_ivset nr_dim_all(nr_snapshot *s, nr_dim d);
const char *nr_dim_name(nr_dim d);

/* Parsing helpers shared by the platforms. */
/* Protocol name or number ("tcp", "6", "Tcp", "icmpv6", "ipv6-icmp") ->
 * number; -1 if unknown. */
int nr_proto_number(const char *name);
const char *nr_proto_name(int proto, char *buf, size_t len);
/* "80", "80-90", "80:90" -> [lo,hi]; "*" or "any" -> all.  false if bad. */
bool nr_port_range(const char *s, size_t len, lg_u128 *lo, lg_u128 *hi);

/* Error at a JSON pointer in an input: file:line:col when it can be found,
 * else file plus the pointer.  Returns -1. */
int nr_json_err(lg_err *e, const nr_input *in, const char *ptr,
                const char *fmt, ...) __attribute__((format(printf, 4, 5)));

/* Source line of a rule (its line, or its JSON pointer resolved against
 * its input's text), 0 if unknown. */
long nr_rule_line(const nr_rule *rule);

#endif
