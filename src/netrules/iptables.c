/* iptables.c - reader for iptables-save / ip6tables-save text.
 *
 * Only the filter table decides what reaches the host; other tables are
 * checked lightly (structure, declared chains) and only leave a note when
 * they could change the answer (nat DNAT/REDIRECT, raw/mangle DROP).
 *
 * Each filter table becomes one resource per audited chain (INPUT, or
 * FORWARD with opts->forward, inbound; OUTPUT outbound), each with one
 * layer holding every filter chain.  The table is parsed once into an
 * intermediate form (ipt_rule) because a few matches depend on the
 * direction the resource is evaluated for (-i/-o and -m addrtype), and a
 * few constructs expand into more than one model rule:
 *   - `-m multiport --ports P` (source OR destination port) is not one box;
 *     it becomes the two disjoint boxes {dport in P} and {dport not in P,
 *     sport in P}, exact for every action, JUMP included.
 *   - a target that may terminate with a verdict we cannot know (NFQUEUE,
 *     SYNPROXY, a NAT target in filter) becomes an uncertain ACCEPT
 *     followed by an uncertain DROP with the same match: the upper bound
 *     of the engine sees the accept, the lower bound the drop, so every
 *     packet reaching the rule is "unknown", never guessed.
 *
 * Packets are modelled as the first packet of a new connection from the
 * Internet: conntrack state NEW, a plain SYN for TCP, the first fragment,
 * not arriving on lo. */
#include "platforms.h"

#include <ctype.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

/* ---- tokens ------------------------------------------------------------ */

typedef struct ipt_tok {
    const char *s;   /* unquoted text, NUL-terminated */
    long col;        /* 1-based column of the token start */
    bool quoted;     /* had quotes: always an argument, never an option */
} ipt_tok;

typedef struct ipt_line {
    const char *p;
    size_t len;
} ipt_line;

/* Scratch space for one line's tokens, reused from line to line. */
typedef struct ipt_toks {
    ipt_tok *t;
    size_t n, cap;
    char *buf;
    size_t bufcap;
} ipt_toks;

/* The reader's state for one file. */
typedef struct ipt_ctx {
    nr_snapshot *s;
    const nr_input *in;
    const nr_opts *o;
    lg_err *e;
    ipt_line *lines;
    size_t nlines;
    ipt_toks tk;
    long lineno;     /* line being parsed, 1-based */
} ipt_ctx;

static int perr(ipt_ctx *c, long col, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

static int perr(ipt_ctx *c, long col, const char *fmt, ...)
{
    char msg[768];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    return lg_err_at(c->e, c->in->path, c->lineno, col, "%s", msg);
}

/* Split a line the way iptables-restore does: whitespace separates,
 * double quotes group (iptables-save quotes comments and log prefixes),
 * a backslash escapes the next character. */
static int tokenize(ipt_ctx *c, const char *p, size_t len)
{
    ipt_toks *k = &c->tk;
    k->n = 0;
    if (k->bufcap < len + 1 + len / 2 + 2) {
        k->bufcap = len + 1 + len / 2 + 2;
        free(k->buf);
        k->buf = malloc(k->bufcap);
        if (!k->buf)
            return perr(c, 0, "out of memory");
    }
    char *w = k->buf;
    size_t i = 0;
    for (;;) {
        while (i < len && (p[i] == ' ' || p[i] == '\t'))
            i++;
        if (i >= len)
            break;
        if (k->n == k->cap) {
            size_t nc = k->cap ? k->cap * 2 : 32;
            ipt_tok *nt = realloc(k->t, nc * sizeof *nt);
            if (!nt)
                return perr(c, 0, "out of memory");
            k->t = nt;
            k->cap = nc;
        }
        ipt_tok *t = &k->t[k->n++];
        t->s = w;
        t->col = (long)i + 1;
        t->quoted = false;
        bool inq = false;
        long qcol = 0;
        while (i < len && (inq || (p[i] != ' ' && p[i] != '\t'))) {
            if (p[i] == '"') {
                inq = !inq;
                t->quoted = true;
                qcol = (long)i + 1;
                i++;
            } else if (p[i] == '\\' && i + 1 < len) {
                *w++ = p[i + 1];
                i += 2;
            } else {
                *w++ = p[i++];
            }
        }
        if (inq)
            return perr(c, qcol, "expected a closing '\"'");
        *w++ = 0;
    }
    return 0;
}

/* ---- intermediate table --------------------------------------------------- */

enum { IF_IN = 0, IF_OUT = 1 };
enum { AT_SRC = 0, AT_DST = 1 };

/* addrtype bits (order of xt_addrtype's names) */
static const char *const addrtypes[] = {
    "UNSPEC", "UNICAST", "LOCAL", "BROADCAST", "ANYCAST", "MULTICAST",
    "BLACKHOLE", "UNREACHABLE", "PROHIBIT", "THROW", "NAT", "XRESOLVE", NULL};
#define AT_UNICAST (1u << 1)
#define AT_LOCAL (1u << 2)

typedef struct ipt_rule {
    nr_rule r;            /* m[], name, line, uncertain; action set at COMMIT */
    const char *target;   /* -j/-g name, NULL: no target (NOP) */
    long tcol;
    bool go;              /* -g */
    bool maybe_term;      /* target may end with an unknown verdict */
    const char *ifn[2];   /* -i / -o pattern, NULL if absent */
    bool ifneg[2];
    unsigned at[2];       /* addrtype --src-type / --dst-type, 0 if absent */
    bool atneg[2];
    bool has_ports;       /* multiport --ports */
    bool ports_neg;
    lg_ivset ports;
} ipt_rule;

typedef struct ipt_chain {
    const char *name;
    bool builtin;
    nr_action policy;
    ipt_rule *rules;
    size_t n, cap;
} ipt_chain;

typedef struct ipt_table {
    const char *name;
    bool filter;
    int family;           /* 4 or 6 */
    lg_ivset fam;         /* lg_ip_v4() or lg_ip_v6() */
    ipt_chain *chains;
    size_t n, cap;
    unsigned notes;       /* NOTE_* seen in non-filter tables */
} ipt_table;

enum { NOTE_NAT = 1, NOTE_RAWDROP = 2, NOTE_NOTRACK = 4 };


static int chain_find(const ipt_table *t, const char *name)
{
    for (size_t i = 0; i < t->n; i++)
        if (strcmp(t->chains[i].name, name) == 0)
            return (int)i;
    return -1;
}

static bool filter_builtin(const char *name)
{
    return !strcmp(name, "INPUT") || !strcmp(name, "FORWARD") ||
           !strcmp(name, "OUTPUT");
}

static bool table_builtin(const char *table, const char *name)
{
    if (!strcmp(table, "filter"))
        return filter_builtin(name);
    if (!strcmp(table, "nat"))
        return !strcmp(name, "PREROUTING") || !strcmp(name, "INPUT") ||
               !strcmp(name, "OUTPUT") || !strcmp(name, "POSTROUTING");
    if (!strcmp(table, "raw"))
        return !strcmp(name, "PREROUTING") || !strcmp(name, "OUTPUT");
    /* mangle, security */
    return !strcmp(name, "PREROUTING") || !strcmp(name, "INPUT") ||
           !strcmp(name, "FORWARD") || !strcmp(name, "OUTPUT") ||
           !strcmp(name, "POSTROUTING");
}

static int chain_add(ipt_ctx *c, ipt_table *t, const char *name, bool builtin,
                     nr_action policy)
{
    t->chains = lg_arena_grow(&c->s->arena, t->chains, &t->cap, t->n, sizeof *t->chains);
    ipt_chain *ch = &t->chains[t->n];
    memset(ch, 0, sizeof *ch);
    ch->name = lg_arena_strdup(&c->s->arena, name); /* raw: jumps look it up */
    ch->builtin = builtin;
    ch->policy = policy;
    return (int)t->n++;
}

/* Built-in chains exist whether or not the file declares them; a save
 * always declares them, a hand-written restore file may not.  Undeclared
 * ones keep the kernel default policy, ACCEPT. */
static int builtin_chain(ipt_ctx *c, ipt_table *t, const char *name)
{
    int i = chain_find(t, name);
    return i >= 0 ? i : chain_add(c, t, name, true, NR_ACCEPT);
}

/* ---- matches ----------------------------------------------------------- */

static bool streq(const char *a, const char *b) { return strcmp(a, b) == 0; }

static void inter(ipt_ctx *c, nr_rule *r, nr_dim d, lg_ivset x)
{
    r->m[d] = lg_ivset_inter(&c->s->arena, r->m[d], x);
}

/* Within the full dimension, x or its complement. */
static lg_ivset maybe_not(ipt_ctx *c, nr_dim d, lg_ivset x, bool neg)
{
    return neg ? lg_ivset_complement(&c->s->arena, x, nr_dim_max(d)) : x;
}

static void never(ipt_ctx *c, nr_rule *r)
{
    (void)c;
    r->m[NR_PROTO] = lg_ivset_empty;
}

/* "a,b:c,d" ports (multiport, 15 entries at most in iptables; we take any
 * number) or one "a:b" range. */
static int parse_ports(ipt_ctx *c, const ipt_tok *t, bool list, lg_ivset *out)
{
    const char *s = t->s;
    lg_ivset acc = lg_ivset_empty;
    for (;;) {
        const char *comma = list ? strchr(s, ',') : NULL;
        size_t len = comma ? (size_t)(comma - s) : strlen(s);
        lg_u128 lo, hi;
        if (len == 0 || (len == 1 && s[0] == '*') ||
            !nr_port_range(s, len, &lo, &hi))
            return perr(c, t->col + (long)(s - t->s),
                        "expected a port or PORT:PORT range, got '%.*s'",
                        (int)len, s);
        acc = lg_ivset_union(&c->s->arena, acc,
                             lg_ivset_range(&c->s->arena, lo, hi));
        if (!comma)
            break;
        s = comma + 1;
    }
    *out = acc;
    return 0;
}

/* "ADDR[/LEN|/MASK]" list, "a,b"; range=true for iprange's "A-B". */
static int parse_addrs(ipt_ctx *c, const ipt_table *tb, const ipt_tok *t,
                       bool range, lg_ivset *out)
{
    const char *s = t->s;
    lg_ivset acc = lg_ivset_empty;
    for (;;) {
        const char *comma = range ? NULL : strchr(s, ',');
        size_t len = comma ? (size_t)(comma - s) : strlen(s);
        long col = t->col + (long)(s - t->s);
        char buf[96];
        if (len == 0 || len >= sizeof buf)
            return perr(c, col, "expected an address or CIDR block, got '%.*s'",
                        (int)len, s);
        memcpy(buf, s, len);
        buf[len] = 0;
        /* iptables-save writes a non-/N mask as a dotted quad */
        char *slash = strchr(buf, '/');
        if (!range && slash && strchr(slash, '.')) {
            lg_u128 m;
            int mf;
            if (!lg_ip_parse(slash + 1, strlen(slash + 1), &m, &mf) || mf != 4)
                return perr(c, col, "expected a prefix length or netmask, got '%s'",
                            slash + 1);
            uint32_t mask = (uint32_t)m;
            int bits = 0;
            while (bits < 32 && (mask & (0x80000000u >> bits)))
                bits++;
            if (bits < 32 && (uint32_t)(mask << bits) != 0)
                return perr(c, col, "expected a contiguous netmask, got '%s'",
                            slash + 1);
            snprintf(slash + 1, sizeof buf - (size_t)(slash + 1 - buf), "%d", bits);
        }
        lg_ivset set;
        int fam = 0;
        if ((!range && memchr(buf, '-', strlen(buf))) ||
            !lg_ip_parse_set(&c->s->arena, buf, strlen(buf), &set, &fam))
            return perr(c, col, range ? "expected ADDR-ADDR, got '%s'"
                                      : "expected an address or CIDR block, got '%s'",
                        buf);
        if (fam != tb->family)
            return perr(c, col, "expected an IPv%d address in this %s table, got '%s'",
                        tb->family, tb->family == 4 ? "iptables" : "ip6tables", buf);
        acc = lg_ivset_union(&c->s->arena, acc, set);
        if (!comma)
            break;
        s = comma + 1;
    }
    *out = acc;
    return 0;
}

static int parse_addr_opt(ipt_ctx *c, const ipt_table *tb, nr_rule *r, nr_dim d,
                          const ipt_tok *t, bool neg, bool range)
{
    lg_ivset set;
    if (parse_addrs(c, tb, t, range, &set) < 0)
        return -1;
    if (neg)
        set = lg_ivset_minus(&c->s->arena, tb->fam, set);
    inter(c, r, d, set);
    return 0;
}

/* TCP flag names -> bits (FIN=1 ... CWR=128). */
static int parse_flags(ipt_ctx *c, const ipt_tok *t, unsigned *out)
{
    static const char *const names[] = {"FIN", "SYN", "RST", "PSH", "ACK",
                                        "URG", "ECE", "CWR", NULL};
    unsigned v = 0;
    const char *s = t->s;
    for (;;) {
        const char *comma = strchr(s, ',');
        size_t len = comma ? (size_t)(comma - s) : strlen(s);
        bool ok = false;
        if (len == 3 && strncasecmp(s, "ALL", 3) == 0) {
            v = 0xff;
            ok = true;
        } else if (len == 4 && strncasecmp(s, "NONE", 4) == 0) {
            ok = true;
        }
        for (int i = 0; names[i] && !ok; i++)
            if (strlen(names[i]) == len && strncasecmp(s, names[i], len) == 0) {
                v |= 1u << i;
                ok = true;
            }
        if (!ok)
            return perr(c, t->col + (long)(s - t->s),
                        "expected TCP flags (SYN,ACK,FIN,RST,URG,PSH,ECE,CWR,ALL,NONE), got '%.*s'",
                        (int)len, s);
        if (!comma)
            break;
        s = comma + 1;
    }
    *out = v;
    return 0;
}

/* conntrack/state list against a new connection.  Returns 1 match,
 * 0 no match, 2 undecidable (SNAT/DNAT without NEW), -1 error. */
static int new_state(ipt_ctx *c, const ipt_tok *t, bool ctstate, bool neg)
{
    static const char *const states[] = {"INVALID", "NEW", "ESTABLISHED",
                                         "RELATED", "UNTRACKED", "SNAT",
                                         "DNAT", NULL};
    bool isnew = false, nat = false;
    const char *s = t->s;
    for (;;) {
        const char *comma = strchr(s, ',');
        size_t len = comma ? (size_t)(comma - s) : strlen(s);
        int k = -1;
        for (int i = 0; states[i]; i++)
            if (strlen(states[i]) == len && strncasecmp(s, states[i], len) == 0)
                k = i;
        if (k < 0 || (!ctstate && k >= 5))
            return perr(c, t->col + (long)(s - t->s),
                        "expected a connection state (NEW, ESTABLISHED, RELATED, "
                        "INVALID, UNTRACKED%s), got '%.*s'",
                        ctstate ? ", SNAT, DNAT" : "", (int)len, s);
        if (k == 1)
            isnew = true;
        if (k >= 5)
            nat = true;
        if (!comma)
            break;
        s = comma + 1;
    }
    if (!isnew && nat)
        return 2;
    return isnew != neg;
}

/* Modules whose options we read; everything else is opaque. */
typedef enum {
    MOD_NONE = 0, MOD_TCP, MOD_UDP, MOD_SCTP, MOD_ICMP, MOD_ICMP6, MOD_MULTIPORT,
    MOD_CONNTRACK, MOD_STATE, MOD_COMMENT, MOD_IPRANGE, MOD_ADDRTYPE,
    MOD_PKTTYPE, MOD_SET, MOD_OPAQUE, MOD_TARGET
} ipt_mod;

static const struct {
    const char *name;
    ipt_mod mod;
} modules[] = {
    {"tcp", MOD_TCP}, {"udp", MOD_UDP}, {"udplite", MOD_UDP},
    {"sctp", MOD_SCTP}, {"dccp", MOD_SCTP}, {"icmp", MOD_ICMP},
    {"icmp6", MOD_ICMP6}, {"icmpv6", MOD_ICMP6}, {"multiport", MOD_MULTIPORT},
    {"conntrack", MOD_CONNTRACK}, {"state", MOD_STATE},
    {"comment", MOD_COMMENT}, {"iprange", MOD_IPRANGE},
    {"addrtype", MOD_ADDRTYPE}, {"pkttype", MOD_PKTTYPE}, {"set", MOD_SET},
};

/* Targets that never decide (the packet goes on to the next rule). */
static const char *const nop_targets[] = {
    "LOG", "NFLOG", "ULOG", "MARK", "CONNMARK", "TRACE", "CLASSIFY", "DSCP",
    "TOS", "TTL", "HL", "TCPMSS", "AUDIT", "SECMARK", "CONNSECMARK",
    "CHECKSUM", "IDLETIMER", "LED", "RATEEST", "TEE", "SET", "ECN", NULL};
/* Targets whose verdict is decided elsewhere (user space, SYN cookies) or
 * that are not valid in filter: the packet may be accepted, dropped or
 * go on. */
static const char *const unknown_targets[] = {
    "QUEUE", "NFQUEUE", "SYNPROXY", "CT", "NOTRACK", "DNAT", "SNAT",
    "MASQUERADE", "REDIRECT", "NETMAP", "TPROXY", "HMARK", "CLUSTERIP",
    "DNPT", "SNPT", NULL};

static bool in_list(const char *const *l, const char *s)
{
    for (int i = 0; l[i]; i++)
        if (streq(l[i], s))
            return true;
    return false;
}

/* Option names, short and long, of the core (not a module). */
static bool opt_is(const char *s, const char *shrt, const char *lng1,
                   const char *lng2)
{
    return (shrt && streq(s, shrt)) || (lng1 && streq(s, lng1)) ||
           (lng2 && streq(s, lng2));
}

static int proto_of(ipt_ctx *c, nr_rule *r, const ipt_tok *t, bool neg)
{
    char low[32];
    size_t n = strlen(t->s);
    if (n >= sizeof low || n == 0)
        return perr(c, t->col, "expected a protocol name or number, got '%s'", t->s);
    for (size_t i = 0; i <= n; i++)
        low[i] = (char)tolower((unsigned char)t->s[i]);
    lg_ivset set;
    if (streq(low, "all") || streq(low, "0")) {
        set = nr_dim_all(c->s, NR_PROTO);
    } else {
        int p = nr_proto_number(low);
        static const struct { const char *n; int p; } more[] = {
            {"ipencap", 4}, {"ipv6", 41}, {"ospf", 89}, {"pim", 103},
            {"vrrp", 112}, {"l2tp", 115}, {"mh", 135}, {"ipv6-crypt", 50},
            {"ipv6-auth", 51}, {"dccp", 33}};
        for (size_t i = 0; p < 0 && i < sizeof more / sizeof more[0]; i++)
            if (streq(low, more[i].n))
                p = more[i].p;
        if (p < 0) {
            if (isdigit((unsigned char)low[0]))
                return perr(c, t->col, "expected a protocol number 0..255, got '%s'",
                            t->s);
            /* a name from /etc/protocols we do not know */
            nr_rule_uncertain(c->s, r, "protocol '%s' not known", t->s);
            return 0;
        }
        set = lg_ivset_range(&c->s->arena, (lg_u128)p, (lg_u128)p);
    }
    inter(c, r, NR_PROTO, maybe_not(c, NR_PROTO, set, neg));
    return 0;
}

static bool proto_is_only(const nr_rule *r, int p)
{
    return r->m[NR_PROTO].n == 1 && r->m[NR_PROTO].iv[0].lo == (lg_u128)p &&
           r->m[NR_PROTO].iv[0].hi == (lg_u128)p;
}

/* Does the protocol (already given by -p) have ports? */
static bool port_proto(const nr_rule *r)
{
    return proto_is_only(r, 6) || proto_is_only(r, 17) || proto_is_only(r, 132) ||
           proto_is_only(r, 136) || proto_is_only(r, 33);
}

/* Take the next token as an option's argument (locals i, n, tk, c, opt
 * and neg of the option parsers); it may be preceded by the pre-1.4.3
 * negation syntax "--dport ! 22". */
#define ARG()                                                                \
    do {                                                                     \
        if (i + 1 >= n)                                                      \
            return perr(c, tk[i].col, "expected an argument after '%s'", opt); \
        i++;                                                                 \
        if (streq(tk[i].s, "!") && !tk[i].quoted && i + 1 < n) {             \
            neg = !neg;                                                      \
            i++;                                                             \
        }                                                                    \
    } while (0)

/* One option of a modelled module m at tokens[*ip].  Returns 1 if it was
 * m's option (and consumed its arguments), 0 if m has no such option,
 * -1 on error. */
static int mod_opt(ipt_ctx *c, ipt_table *tb, ipt_rule *ir, ipt_mod m,
                   size_t *ip, bool neg, const char **comment)
{
    ipt_tok *tk = c->tk.t;
    size_t n = c->tk.n, i = *ip;
    nr_rule *r = &ir->r;
    const char *opt = tk[i].s;

    if ((m == MOD_TCP || m == MOD_UDP || m == MOD_SCTP) &&
        (opt_is(opt, NULL, "--dport", "--destination-port") ||
         opt_is(opt, NULL, "--sport", "--source-port"))) {
        ARG();
        lg_ivset p;
        if (parse_ports(c, &tk[i], false, &p) < 0)
            return -1;
        nr_dim d = strstr(opt, "dport") || strstr(opt, "destination") ? NR_DPORT : NR_SPORT;
        inter(c, r, d, maybe_not(c, d, p, neg));
    } else if (m == MOD_TCP && streq(opt, "--syn")) {
        /* the first packet of a TCP connection is a SYN */
        if (neg)
            never(c, r);
    } else if (m == MOD_TCP && streq(opt, "--tcp-flags")) {
        unsigned mask, comp;
        ARG();
        if (parse_flags(c, &tk[i], &mask) < 0)
            return -1;
        if (i + 1 >= n)
            return perr(c, tk[i].col, "expected the set flags after the mask");
        i++;
        if (parse_flags(c, &tk[i], &comp) < 0)
            return -1;
        /* a SYN; one that requests ECN also carries ECE and CWR */
        bool plain = ((0x02u & mask) == comp) != neg;
        bool ecn = ((0xc2u & mask) == comp) != neg;
        if (plain != ecn)
            nr_rule_uncertain(c->s, r, "--tcp-flags depends on whether the SYN requests ECN");
        else if (!plain)
            never(c, r);
    } else if (m == MOD_TCP && streq(opt, "--tcp-option")) {
        ARG();
        nr_rule_uncertain(c->s, r, "--tcp-option %s", tk[i].s);
    } else if (m == MOD_SCTP && streq(opt, "--chunk-types")) {
        nr_rule_uncertain(c->s, r, "sctp --chunk-types");
        while (i + 1 < n && tk[i + 1].s[0] != '-' && !streq(tk[i + 1].s, "!"))
            i++;
    } else if ((m == MOD_ICMP && streq(opt, "--icmp-type")) ||
               (m == MOD_ICMP6 && streq(opt, "--icmpv6-type"))) {
        /* ICMP types do not matter for TCP/UDP questions */
        ARG();
    } else if (m == MOD_MULTIPORT &&
               (opt_is(opt, NULL, "--dports", "--destination-ports") ||
                opt_is(opt, NULL, "--sports", "--source-ports"))) {
        ARG();
        lg_ivset p;
        if (parse_ports(c, &tk[i], true, &p) < 0)
            return -1;
        nr_dim d = strstr(opt, "dport") || strstr(opt, "destination") ? NR_DPORT : NR_SPORT;
        inter(c, r, d, maybe_not(c, d, p, neg));
    } else if (m == MOD_MULTIPORT && streq(opt, "--ports")) {
        ARG();
        if (parse_ports(c, &tk[i], true, &ir->ports) < 0)
            return -1;
        ir->has_ports = true;
        ir->ports_neg = neg;
    } else if ((m == MOD_CONNTRACK && streq(opt, "--ctstate")) ||
               (m == MOD_STATE && streq(opt, "--state"))) {
        ARG();
        int v = new_state(c, &tk[i], m == MOD_CONNTRACK, neg);
        if (v < 0)
            return -1;
        if (v == 2)
            nr_rule_uncertain(c->s, r, "--ctstate %s depends on the nat table", tk[i].s);
        else if (v == 0)
            never(c, r);
    } else if (m == MOD_CONNTRACK && streq(opt, "--ctproto")) {
        ARG();
        if (proto_of(c, r, &tk[i], neg) < 0)
            return -1;
    } else if (m == MOD_CONNTRACK &&
               (streq(opt, "--ctorigsrc") || streq(opt, "--ctorigdst"))) {
        /* the original direction is this packet (nothing NATs the
         * source before INPUT; DNAT in the nat table is noted) */
        bool src = streq(opt, "--ctorigsrc");
        ARG();
        if (parse_addr_opt(c, tb, r, src ? NR_SRC : NR_DST, &tk[i], neg, false) < 0)
            return -1;
    } else if (m == MOD_CONNTRACK &&
               (streq(opt, "--ctorigsrcport") || streq(opt, "--ctorigdstport"))) {
        nr_dim d = streq(opt, "--ctorigsrcport") ? NR_SPORT : NR_DPORT;
        ARG();
        lg_ivset p;
        if (parse_ports(c, &tk[i], false, &p) < 0)
            return -1;
        inter(c, r, d, maybe_not(c, d, p, neg));
    } else if (m == MOD_CONNTRACK && streq(opt, "--ctdir")) {
        ARG();
        if (strcasecmp(tk[i].s, "ORIGINAL") && strcasecmp(tk[i].s, "REPLY"))
            return perr(c, tk[i].col, "expected ORIGINAL or REPLY, got '%s'", tk[i].s);
        if ((strcasecmp(tk[i].s, "ORIGINAL") == 0) == neg)
            never(c, r);
    } else if (m == MOD_CONNTRACK &&
               (streq(opt, "--ctreplsrc") || streq(opt, "--ctrepldst") ||
                streq(opt, "--ctreplsrcport") || streq(opt, "--ctrepldstport") ||
                streq(opt, "--ctstatus") || streq(opt, "--ctexpire"))) {
        ARG();
        nr_rule_uncertain(c->s, r, "conntrack %s", opt);
    } else if (m == MOD_COMMENT && streq(opt, "--comment")) {
        if (neg)
            return perr(c, tk[i].col, "'!' cannot negate '--comment'");
        ARG();
        if (!*comment)
            *comment = tk[i].s;
    } else if (m == MOD_IPRANGE &&
               (streq(opt, "--src-range") || streq(opt, "--dst-range"))) {
        nr_dim d = streq(opt, "--src-range") ? NR_SRC : NR_DST;
        ARG();
        if (parse_addr_opt(c, tb, r, d, &tk[i], neg, true) < 0)
            return -1;
    } else if (m == MOD_ADDRTYPE &&
               (streq(opt, "--src-type") || streq(opt, "--dst-type"))) {
        int w = streq(opt, "--src-type") ? AT_SRC : AT_DST;
        ARG();
        unsigned bits = 0;
        const char *s = tk[i].s;
        for (;;) {
            const char *comma = strchr(s, ',');
            size_t len = comma ? (size_t)(comma - s) : strlen(s);
            int k = -1;
            for (int a = 0; addrtypes[a]; a++)
                if (strlen(addrtypes[a]) == len && strncasecmp(s, addrtypes[a], len) == 0)
                    k = a;
            if (k < 0)
                return perr(c, tk[i].col + (long)(s - tk[i].s),
                            "expected an address type (LOCAL, UNICAST, BROADCAST, "
                            "MULTICAST...), got '%.*s'", (int)len, s);
            bits |= 1u << k;
            if (!comma)
                break;
            s = comma + 1;
        }
        ir->at[w] = bits;
        ir->atneg[w] = neg;
    } else if (m == MOD_ADDRTYPE &&
               (streq(opt, "--limit-iface-in") || streq(opt, "--limit-iface-out"))) {
        nr_rule_uncertain(c->s, r, "addrtype %s", opt);
    } else if (m == MOD_PKTTYPE && streq(opt, "--pkt-type")) {
        ARG();
        const char *pt = tk[i].s;
        if (strcasecmp(pt, "unicast") && strcasecmp(pt, "broadcast") &&
            strcasecmp(pt, "multicast") && strcasecmp(pt, "host"))
            return perr(c, tk[i].col, "expected unicast, broadcast or multicast, got '%s'", pt);
        /* a connection from the Internet is unicast to this host */
        bool uni = !strcasecmp(pt, "unicast") || !strcasecmp(pt, "host");
        if (uni == neg)
            never(c, r);
    } else {
        return 0;
    }
    *ip = i;
    return 1;
}

/* Parse the options of one rule line, tokens from `i` on. */
static int parse_rule(ipt_ctx *c, ipt_table *tb, ipt_rule *ir, size_t i)
{
    ipt_tok *tk = c->tk.t;
    size_t n = c->tk.n;
    nr_rule *r = &ir->r;
    ipt_mod mod = MOD_NONE;
    const char *modname = NULL;
    bool neg = false;
    long negcol = 0;
    const char *comment = NULL;
    unsigned loaded = 0;   /* modelled modules seen (1 << ipt_mod) */

#define NO_NEG()                                                             \
    do {                                                                     \
        if (neg)                                                             \
            return perr(c, negcol, "'!' cannot negate '%s'", opt);           \
    } while (0)

    for (; i < n; i++) {
        const char *opt = tk[i].s;
        long ocol = tk[i].col;
        if (streq(opt, "!") && !tk[i].quoted) {
            if (neg)
                return perr(c, ocol, "expected an option after '!', got '!'");
            neg = true;
            negcol = ocol;
            continue;
        }
        if (tk[i].quoted || opt[0] != '-')
            return perr(c, ocol, "expected an option, got '%s'", opt);

        if (opt_is(opt, "-p", "--protocol", NULL)) {
            ARG();
            if (proto_of(c, r, &tk[i], neg) < 0)
                return -1;
        } else if (opt_is(opt, "-s", "--source", "--src")) {
            ARG();
            if (parse_addr_opt(c, tb, r, NR_SRC, &tk[i], neg, false) < 0)
                return -1;
        } else if (opt_is(opt, "-d", "--destination", "--dst")) {
            ARG();
            if (parse_addr_opt(c, tb, r, NR_DST, &tk[i], neg, false) < 0)
                return -1;
        } else if (opt_is(opt, "-i", "--in-interface", NULL) ||
                   opt_is(opt, "-o", "--out-interface", NULL)) {
            int w = opt[1] == 'i' || opt[2] == 'i' ? IF_IN : IF_OUT;
            ARG();
            size_t l = strlen(tk[i].s);
            if (l == 0 || l > 15)
                return perr(c, tk[i].col, "expected an interface name (1..15 characters), got '%s'",
                            tk[i].s);
            ir->ifn[w] = lg_arena_strdup(&c->s->arena, tk[i].s);
            ir->ifneg[w] = neg;
        } else if (opt_is(opt, "-f", "--fragment", NULL)) {
            /* the first packet of a connection is never a later fragment */
            if (!neg)
                never(c, r);
        } else if (opt_is(opt, "-4", "--ipv4", NULL) || opt_is(opt, "-6", "--ipv6", NULL)) {
            NO_NEG();
            /* iptables-restore skips rules meant for the other family */
            if (opt_is(opt, "-6", "--ipv6", NULL) != (tb->family == 6))
                never(c, r);
        } else if (opt_is(opt, "-c", "--set-counters", NULL)) {
            NO_NEG();
            ARG();
            ARG();
        } else if (opt_is(opt, "-m", "--match", NULL)) {
            NO_NEG();
            ARG();
            modname = tk[i].s;
            mod = MOD_OPAQUE;
            for (size_t k = 0; k < sizeof modules / sizeof modules[0]; k++)
                if (streq(modname, modules[k].name))
                    mod = modules[k].mod;
            if (mod == MOD_TCP)
                inter(c, r, NR_PROTO, lg_ivset_range(&c->s->arena, 6, 6));
            else if (mod == MOD_UDP && streq(modname, "udp"))
                inter(c, r, NR_PROTO, lg_ivset_range(&c->s->arena, 17, 17));
            else if (mod == MOD_OPAQUE)
                nr_rule_uncertain(c->s, r, "-m %s is not modelled", modname);
            if (mod < MOD_OPAQUE)
                loaded |= 1u << mod;
        } else if (opt_is(opt, "-j", "--jump", NULL) || opt_is(opt, "-g", "--goto", NULL)) {
            NO_NEG();
            if (ir->target)
                return perr(c, ocol, "expected one target per rule, got a second '%s'", opt);
            ARG();
            ir->target = lg_arena_strdup(&c->s->arena, tk[i].s);
            ir->tcol = tk[i].col;
            ir->go = opt[1] == 'g' || streq(opt, "--goto");
            mod = MOD_TARGET;
            modname = ir->target;
        } else if (opt[1] != '-') {
            return perr(c, ocol, "unknown option '%s'", opt);
        } else if (mod == MOD_OPAQUE || mod == MOD_TARGET || mod == MOD_SET) {
            /* Options of a module or target we do not model: skip the
             * option and its arguments (tokens not starting with '-'). */
            if (mod == MOD_SET && streq(opt, "--match-set")) {
                ARG();
                nr_rule_uncertain(c->s, r, "ipset '%s' (set contents unknown)", tk[i].s);
            } else if (mod == MOD_TARGET && streq(opt, "--reject-with")) {
                ARG();
            }
            while (i + 1 < n && (tk[i + 1].quoted || (tk[i + 1].s[0] != '-' &&
                                                      !streq(tk[i + 1].s, "!"))))
                i++;
        } else {
            /* a modelled module's option: the current module first, then
             * the others loaded in this rule (iptables lets options of
             * any loaded match follow), then the implicit -p tcp/udp one */
            int h = 0;
            if (mod != MOD_NONE)
                h = mod_opt(c, tb, ir, mod, &i, neg, &comment);
            for (int m = MOD_TCP; h == 0 && m < MOD_OPAQUE; m++)
                if ((loaded & (1u << m)) && m != (int)mod)
                    h = mod_opt(c, tb, ir, (ipt_mod)m, &i, neg, &comment);
            if (h == 0 && port_proto(r))
                h = mod_opt(c, tb, ir, proto_is_only(r, 6) ? MOD_TCP
                                       : proto_is_only(r, 17) || proto_is_only(r, 136) ? MOD_UDP
                                                                                       : MOD_SCTP,
                            &i, neg, &comment);
            if (h < 0)
                return -1;
            if (h == 0)
                return perr(c, ocol, "unknown option '%s'%s%s", opt,
                            modname ? " for -m " : " (expected -m MODULE before it)",
                            modname ? modname : "");
        }
        neg = false;
    }
    if (neg)
        return perr(c, negcol, "expected an option after '!'");
    if (comment)
        r->name = nr_text(&c->s->arena, comment, strlen(comment));
    return 0;
#undef NO_NEG
}

/* ---- emitting the model ------------------------------------------------ */

/* iptables interface match: a trailing '+' is a prefix wildcard. */
static bool iface_match(const char *pat, const char *name)
{
    size_t l = strlen(pat);
    if (l && pat[l - 1] == '+')
        return strncmp(pat, name, l - 1) == 0;
    return strcmp(pat, name) == 0;
}

/* Apply the direction-dependent conditions to a model rule. */
static void apply_dir(ipt_ctx *c, const ipt_rule *ir, nr_rule *r, nr_direction dir)
{
    /* which of -i/-o names the Internet-facing side for this direction */
    int pub = dir == NR_OUTBOUND ? IF_OUT : IF_IN;
    for (int w = 0; w < 2; w++) {
        const char *p = ir->ifn[w];
        if (!p)
            continue;
        bool neg = ir->ifneg[w];
        bool islo = streq(p, "lo");
        bool all = streq(p, "+");
        if (w == pub) {
            if (c->o->public_iface) {
                if (iface_match(p, c->o->public_iface) == neg)
                    never(c, r);
            } else if (islo || all) {
                /* Internet traffic never comes over lo */
                if ((all && neg) || (islo && !neg))
                    never(c, r);
            } else {
                nr_rule_uncertain(c->s, r, "%s interface '%s'; pass --public-iface",
                                  w == IF_IN ? "input" : "output", p);
            }
        } else if (dir == NR_FORWARD && (islo || all)) {
            /* forwarded traffic never leaves over lo */
            if ((all && neg) || (islo && !neg))
                never(c, r);
        } else if (dir == NR_FORWARD) {
            nr_rule_uncertain(c->s, r, "output interface '%s' of forwarded traffic", p);
        } else {
            /* -o in INPUT or -i in OUTPUT: the kernel refuses such rules,
             * so this chain is not reachable from here */
            nr_rule_uncertain(c->s, r, "%s interface '%s' in a %s path",
                              w == IF_IN ? "input" : "output", p,
                              dir == NR_INBOUND ? "input" : "output");
        }
    }
    /* kernel address type of the source and destination of the packet */
    unsigned have[2];
    have[AT_SRC] = dir == NR_OUTBOUND ? AT_LOCAL : AT_UNICAST;
    have[AT_DST] = dir == NR_INBOUND ? AT_LOCAL : AT_UNICAST;
    for (int w = 0; w < 2; w++)
        if (ir->at[w] && ((ir->at[w] & have[w]) != 0) == ir->atneg[w])
            never(c, r);
    /* a rule that can never match is exactly that, whatever else is unknown */
    for (int d = 0; d < NR_NDIM; d++)
        if (lg_ivset_is_empty(r->m[d]))
            r->uncertain = NULL;
}

static void emit_rule(ipt_ctx *c, nr_layer *l, int ci, const ipt_rule *ir,
                      const ipt_table *tb, long pos, nr_direction dir)
{
    const ipt_chain *ch = &tb->chains[ci];
    lg_arena *a = &c->s->arena;
    nr_rule base = ir->r;
    if (!base.name) {
        base.name = lg_arena_printf(a, "%s:%ld", ch->name, pos);
        base.name = nr_text(a, base.name, strlen(base.name)); /* for output */
    }
    base.priority = pos;
    base.in = c->in;
    if (ir->maybe_term)
        nr_rule_uncertain(c->s, &base, "target %s may accept or drop", ir->target);
    /* boxes: one, or two for multiport --ports */
    nr_rule box[2];
    int nbox = 1;
    box[0] = base;
    if (ir->has_ports) {
        lg_ivset p = ir->ports, np = lg_ivset_complement(a, ir->ports, 65535);
        if (ir->ports_neg) {
            box[0].m[NR_DPORT] = lg_ivset_inter(a, base.m[NR_DPORT], np);
            box[0].m[NR_SPORT] = lg_ivset_inter(a, base.m[NR_SPORT], np);
        } else {
            box[1] = base;
            box[0].m[NR_DPORT] = lg_ivset_inter(a, base.m[NR_DPORT], p);
            box[1].m[NR_DPORT] = lg_ivset_inter(a, base.m[NR_DPORT], np);
            box[1].m[NR_SPORT] = lg_ivset_inter(a, base.m[NR_SPORT], p);
            nbox = 2;
        }
    }
    int nact = ir->maybe_term ? 2 : 1;
    for (int k = 0; k < nact; k++)
        for (int b = 0; b < nbox; b++) {
            nr_rule *r = nr_rule_add(c->s, l, ci);
            *r = box[b];
            if (ir->maybe_term)
                r->action = k == 0 ? NR_ACCEPT : NR_DROP;
            apply_dir(c, ir, r, dir);
        }
}

static const char *note_text(ipt_ctx *c, const ipt_table *tb, unsigned notes,
                             bool nofilter)
{
    char buf[512];
    int w = snprintf(buf, sizeof buf, "%s",
                     tb->family == 4 ? "IPv4 only: IPv6 is filtered by ip6tables"
                                     : "IPv6 only: IPv4 is filtered by iptables");
    if (nofilter)
        w += snprintf(buf + w, sizeof buf - (size_t)w,
                      "; no *filter table: the kernel accepts everything");
    if (notes & NOTE_NAT)
        w += snprintf(buf + w, sizeof buf - (size_t)w,
                      "; the nat table rewrites destinations (DNAT/REDIRECT): "
                      "ports are as the filter table sees them");
    if (notes & NOTE_RAWDROP)
        w += snprintf(buf + w, sizeof buf - (size_t)w,
                      "; raw/mangle rules drop packets before the filter table (not modelled)");
    if (notes & NOTE_NOTRACK)
        snprintf(buf + w, sizeof buf - (size_t)w,
                 "; raw NOTRACK rules make some packets UNTRACKED (not modelled)");
    return lg_arena_strdup(&c->s->arena, buf);
}

static int emit_table(ipt_ctx *c, const ipt_table *tb, unsigned notes,
                      bool nofilter)
{
    const char *base = strrchr(c->in->path, '/');
    base = base ? base + 1 : c->in->path;
    const char *note = note_text(c, tb, notes, nofilter);
    struct {
        const char *chain;
        nr_direction dir;
    } aud[2] = {{c->o->forward ? "FORWARD" : "INPUT",
                 c->o->forward ? NR_FORWARD : NR_INBOUND},
                {"OUTPUT", NR_OUTBOUND}};
    for (int k = 0; k < 2; k++) {
        const char *fam = tb->family == 6 ? " ip6" : "";
        const char *name = lg_arena_printf(&c->s->arena, "%s%s %s", base, fam, aud[k].chain);
        for (size_t i = 0; i < c->s->n; i++)
            if (streq(c->s->res[i].name, name)) {
                name = lg_arena_printf(&c->s->arena, "%s%s %s", c->in->path, fam,
                                       aud[k].chain);
                break;
            }
        nr_resource *res = nr_resource_add(c->s, name, "iptables", c->in, aud[k].dir);
        res->scope = tb->fam;
        res->note = note;
        nr_layer *l = nr_layer_add(c->s, res, tb->family == 6 ? "ip6tables" : "iptables",
                                   c->in);
        for (size_t ci = 0; ci < tb->n; ci++) {
            const ipt_chain *ch = &tb->chains[ci];
            nr_chain_add(c->s, l, ch->name, ch->builtin ? ch->policy : NR_RETURN,
                         "policy");
        }
        l->entry = chain_find(tb, aud[k].chain);
        for (size_t ci = 0; ci < tb->n; ci++)
            for (size_t j = 0; j < tb->chains[ci].n; j++)
                emit_rule(c, l, (int)ci, &tb->chains[ci].rules[j], tb, (long)j + 1,
                          aud[k].dir);
    }
    return 0;
}

/* Resolve targets once the table is complete, and refuse loops (the
 * kernel does; the evaluator relies on it). */
static int finish_table(ipt_ctx *c, ipt_table *tb)
{
    for (size_t ci = 0; ci < tb->n; ci++) {
        ipt_chain *ch = &tb->chains[ci];
        for (size_t j = 0; j < ch->n; j++) {
            ipt_rule *ir = &ch->rules[j];
            nr_rule *r = &ir->r;
            const char *t = ir->target;
            c->lineno = r->line;
            if (!t) {
                r->action = NR_NOP;
                continue;
            }
            int k = chain_find(tb, t);
            if (k >= 0 && !tb->chains[k].builtin) {
                r->action = ir->go ? NR_GOTO : NR_JUMP;
                r->target = k;
            } else if (k >= 0) {
                return perr(c, ir->tcol, "cannot jump to built-in chain '%s'", t);
            } else if (ir->go) {
                return perr(c, ir->tcol, "expected a declared user chain after -g, got '%s'", t);
            } else if (streq(t, "ACCEPT")) {
                r->action = NR_ACCEPT;
            } else if (streq(t, "DROP") || streq(t, "REJECT")) {
                r->action = NR_DROP;
            } else if (streq(t, "RETURN")) {
                r->action = NR_RETURN;
            } else if (in_list(nop_targets, t)) {
                r->action = NR_NOP;
            } else if (in_list(unknown_targets, t)) {
                ir->maybe_term = true;
                r->action = NR_ACCEPT;
            } else {
                return perr(c, ir->tcol,
                            "expected ACCEPT, DROP, REJECT, RETURN, a known target or "
                            "a declared chain, got '%s'", t);
            }
        }
    }
    /* cycle check: colour 0 new, 1 on stack, 2 done; iterative DFS */
    int *col = calloc(tb->n + 1, sizeof *col);
    size_t *stk = calloc(2 * (tb->n + 1), sizeof *stk);
    int rc = 0;
    if (!col || !stk) {
        rc = perr(c, 0, "out of memory");
        goto out;
    }
    for (size_t s0 = 0; s0 < tb->n && rc == 0; s0++) {
        if (col[s0])
            continue;
        size_t sp = 0;
        stk[sp++] = s0;
        stk[sp++] = 0;
        col[s0] = 1;
        while (sp && rc == 0) {
            size_t ci = stk[sp - 2], j = stk[sp - 1];
            ipt_chain *ch = &tb->chains[ci];
            if (j >= ch->n) {
                col[ci] = 2;
                sp -= 2;
                continue;
            }
            stk[sp - 1] = j + 1;
            const nr_rule *r = &ch->rules[j].r;
            if (r->action != NR_JUMP && r->action != NR_GOTO)
                continue;
            size_t t = (size_t)r->target;
            if (col[t] == 1) {
                c->lineno = r->line;
                rc = perr(c, ch->rules[j].tcol, "chain loop: '%s' reaches itself through '%s'",
                          tb->chains[t].name, ch->name);
            } else if (col[t] == 0) {
                col[t] = 1;
                stk[sp++] = t;
                stk[sp++] = 0;
            }
        }
    }
out:
    free(col);
    free(stk);
    return rc;
}

/* ---- file structure ---------------------------------------------------- */

/* Family of a filter table: the "# Generated by ip6tables-save" header,
 * else what its addresses and ICMP flavour say. */
static int guess_family(ipt_ctx *c, size_t from, int header)
{
    if (header)
        return header;
    for (size_t li = from; li < c->nlines; li++) {
        const char *p = c->lines[li].p;
        size_t len = c->lines[li].len;
        if (len >= 6 && strncmp(p, "COMMIT", 6) == 0)
            break;
        if (len < 3 || p[0] != '-')
            continue;
        c->lineno = (long)li + 1;
        if (tokenize(c, p, len) < 0)
            return -1;
        for (size_t i = 0; i + 1 < c->tk.n; i++) {
            const char *o = c->tk.t[i].s, *v = c->tk.t[i + 1].s;
            if (opt_is(o, "-s", "--source", "--src") || opt_is(o, "-d", "--destination", "--dst") ||
                streq(o, "--src-range") || streq(o, "--dst-range")) {
                if (strchr(v, ':'))
                    return 6;
                if (strchr(v, '.'))
                    return 4;
            }
            if ((opt_is(o, "-p", "--protocol", NULL) &&
                 (!strcasecmp(v, "ipv6-icmp") || !strcasecmp(v, "icmpv6"))) ||
                streq(o, "--icmpv6-type"))
                return 6;
        }
    }
    return 4;
}

static int load_one(ipt_ctx *c)
{
    const char *text = c->in->text;
    size_t len = c->in->len;
    int rc = -1;
    /* split into lines */
    size_t cap = 64;
    c->lines = malloc(cap * sizeof *c->lines);
    if (!c->lines)
        return lg_err_at(c->e, c->in->path, 0, 0, "out of memory");
    for (size_t i = 0; i < len;) {
        size_t j = i;
        while (j < len && text[j] != '\n')
            j++;
        if (c->nlines == cap) {
            cap *= 2;
            ipt_line *nl = realloc(c->lines, cap * sizeof *nl);
            if (!nl) {
                lg_err_at(c->e, c->in->path, 0, 0, "out of memory");
                goto out;
            }
            c->lines = nl;
        }
        size_t l = j - i;
        if (l && text[i + l - 1] == '\r')
            l--;
        c->lines[c->nlines].p = text + i;
        c->lines[c->nlines].len = l;
        c->nlines++;
        i = j + 1;
    }

    ipt_table *tb = NULL;     /* table being read, NULL outside */
    ipt_table *filters[2] = {NULL, NULL}; /* committed filter tables, v4/v6 */
    int header = 0;           /* family from "# Generated by" */
    unsigned notes = 0;
    long tline = 0;
    for (size_t li = 0; li < c->nlines; li++) {
        const char *p = c->lines[li].p;
        size_t l = c->lines[li].len;
        c->lineno = (long)li + 1;
        size_t k = 0;
        while (k < l && (p[k] == ' ' || p[k] == '\t'))
            k++;
        if (k == l)
            continue;
        if (p[k] == '#') {
            static const char g6[] = "# Generated by ip6tables-save";
            static const char g4[] = "# Generated by iptables-save";
            if (l - k >= sizeof g6 - 1 && memcmp(p + k, g6, sizeof g6 - 1) == 0)
                header = 6;
            else if (l - k >= sizeof g4 - 1 && memcmp(p + k, g4, sizeof g4 - 1) == 0)
                header = 4;
            continue;
        }
        if (tokenize(c, p, l) < 0)
            goto out;
        ipt_tok *t = c->tk.t;
        size_t n = c->tk.n;
        if (t[0].s[0] == '*' && !t[0].quoted) {
            if (tb) {
                perr(c, t[0].col, "expected COMMIT before a new table (table '%s' opened on line %ld)",
                     tb->name, tline);
                goto out;
            }
            const char *name = t[0].s + 1;
            if (!*name || n > 1) {
                perr(c, t[0].col, "expected '*TABLE' alone on its line");
                goto out;
            }
            if (strcmp(name, "filter") && strcmp(name, "nat") && strcmp(name, "mangle") &&
                strcmp(name, "raw") && strcmp(name, "security")) {
                perr(c, t[0].col, "expected a table (filter, nat, mangle, raw, security), got '%s'", name);
                goto out;
            }
            tb = lg_arena_alloc(&c->s->arena, sizeof *tb);
            tb->name = lg_arena_strdup(&c->s->arena, name);
            tb->filter = streq(name, "filter");
            tline = c->lineno;
            if (tb->filter) {
                long col0 = t[0].col; /* guess_family reuses the tokens */
                int f = guess_family(c, li + 1, header);
                if (f < 0)
                    goto out;
                c->lineno = (long)li + 1;
                tb->family = f;
                tb->fam = f == 6 ? lg_ip_v6() : lg_ip_v4();
                if (filters[f == 6]) {
                    perr(c, col0, "expected one *filter table per address family, got a second one");
                    goto out;
                }
            } else {
                tb->family = header ? header : 4;
            }
            continue;
        }
        if (!tb) {
            perr(c, t[0].col, "expected '*filter' (or another table) before '%s'", t[0].s);
            goto out;
        }
        if (streq(t[0].s, "COMMIT")) {
            if (n > 1) {
                perr(c, t[1].col, "expected nothing after COMMIT");
                goto out;
            }
            if (tb->filter) {
                for (int b = 0; b < 3; b++)
                    builtin_chain(c, tb, (const char *[]){"INPUT", "FORWARD", "OUTPUT"}[b]);
                if (finish_table(c, tb) < 0)
                    goto out;
                filters[tb->family == 6] = tb;
            }
            tb = NULL;
            header = 0;
            continue;
        }
        if (t[0].s[0] == ':' && !t[0].quoted) {
            const char *name = t[0].s + 1;
            if (!*name || n < 2 || n > 3) {
                perr(c, t[0].col, "expected ':CHAIN POLICY [PACKETS:BYTES]'");
                goto out;
            }
            const char *pol = t[1].s;
            bool bi = table_builtin(tb->name, name);
            nr_action pa = NR_RETURN;
            if (streq(pol, "ACCEPT"))
                pa = NR_ACCEPT;
            else if (streq(pol, "DROP"))
                pa = NR_DROP;
            else if (!streq(pol, "-")) {
                perr(c, t[1].col, "expected ACCEPT, DROP or '-' as policy, got '%s'", pol);
                goto out;
            }
            if (bi && pa == NR_RETURN) {
                perr(c, t[1].col, "expected ACCEPT or DROP as policy of built-in chain '%s'", name);
                goto out;
            }
            if (!bi && pa != NR_RETURN) {
                perr(c, t[1].col, "expected '-' as policy of user chain '%s' (only built-in chains have one)", name);
                goto out;
            }
            if (chain_find(tb, name) >= 0) {
                perr(c, t[0].col, "chain '%s' declared twice", name);
                goto out;
            }
            chain_add(c, tb, name, bi, pa);
            continue;
        }
        /* rule lines, optionally preceded by counters "[p:b]" */
        size_t i0 = 0;
        if (t[0].s[0] == '[' && !t[0].quoted)
            i0 = 1;
        if (i0 >= n) {
            perr(c, t[0].col, "expected a rule after the counters");
            goto out;
        }
        const char *cmd = t[i0].s;
        bool app = streq(cmd, "-A") || streq(cmd, "--append");
        bool ins = streq(cmd, "-I") || streq(cmd, "--insert");
        bool newc = streq(cmd, "-N") || streq(cmd, "--new-chain");
        bool pol = streq(cmd, "-P") || streq(cmd, "--policy");
        if (!app && !ins && !newc && !pol) {
            perr(c, t[i0].col, "expected '-A CHAIN', ':CHAIN POLICY', COMMIT or a comment, got '%s'",
                 cmd);
            goto out;
        }
        if (i0 + 1 >= n) {
            perr(c, t[i0].col, "expected a chain name after '%s'", cmd);
            goto out;
        }
        const char *cname = t[i0 + 1].s;
        int ci = chain_find(tb, cname);
        if (ci < 0 && table_builtin(tb->name, cname) && !newc)
            ci = builtin_chain(c, tb, cname);
        if (newc) {
            if (ci >= 0 || n != i0 + 2) {
                perr(c, t[i0 + 1].col, ci >= 0 ? "chain '%s' already exists" : "expected '-N CHAIN'", cname);
                goto out;
            }
            chain_add(c, tb, cname, false, NR_RETURN);
            continue;
        }
        if (ci < 0) {
            perr(c, t[i0 + 1].col, "rule for undeclared chain '%s' (expected ':%s - [0:0]' first)",
                 cname, cname);
            goto out;
        }
        if (pol) {
            if (n != i0 + 3 || !tb->chains[ci].builtin ||
                (!streq(t[i0 + 2].s, "ACCEPT") && !streq(t[i0 + 2].s, "DROP"))) {
                perr(c, t[i0 + 1].col, "expected '-P BUILTIN-CHAIN ACCEPT|DROP'");
                goto out;
            }
            tb->chains[ci].policy = streq(t[i0 + 2].s, "ACCEPT") ? NR_ACCEPT : NR_DROP;
            continue;
        }
        size_t first = i0 + 2;
        size_t at = tb->chains[ci].n; /* -A appends */
        if (ins) {
            at = 0;
            if (first < n && isdigit((unsigned char)t[first].s[0]) && !t[first].quoted) {
                char *end;
                long v = strtol(t[first].s, &end, 10);
                if (*end || v < 1 || (size_t)v > tb->chains[ci].n + 1) {
                    perr(c, t[first].col, "expected a rule position 1..%zu, got '%s'",
                         tb->chains[ci].n + 1, t[first].s);
                    goto out;
                }
                at = (size_t)v - 1;
                first++;
            }
        }
        if (!tb->filter) {
            /* other tables: structure only, plus what could change the
             * answer for the filter table */
            for (size_t q = first; q + 1 < n; q++)
                if (streq(t[q].s, "-j") || streq(t[q].s, "--jump")) {
                    const char *tg = t[q + 1].s;
                    if (streq(tb->name, "nat") && (streq(tg, "DNAT") || streq(tg, "REDIRECT")))
                        notes |= NOTE_NAT;
                    else if (!streq(tb->name, "nat") && (streq(tg, "DROP") || streq(tg, "REJECT")))
                        notes |= NOTE_RAWDROP;
                    else if (streq(tg, "NOTRACK") || streq(tg, "CT"))
                        notes |= NOTE_NOTRACK;
                }
            continue;
        }
        ipt_chain *ch = &tb->chains[ci];
        ch->rules = lg_arena_grow(&c->s->arena, ch->rules, &ch->cap, ch->n, sizeof *ch->rules);
        memmove(&ch->rules[at + 1], &ch->rules[at], (ch->n - at) * sizeof *ch->rules);
        ch->n++;
        ipt_rule *ir = &ch->rules[at];
        memset(ir, 0, sizeof *ir);
        for (int d = 0; d < NR_NDIM; d++)
            ir->r.m[d] = d == NR_SRC || d == NR_DST ? tb->fam : nr_dim_all(c->s, (nr_dim)d);
        ir->r.line = c->lineno;
        ir->r.in = c->in;
        if (parse_rule(c, tb, ir, first) < 0)
            goto out;
    }
    if (tb) {
        c->lineno = (long)c->nlines + 1;
        lg_err_at(c->e, c->in->path, (long)c->nlines, 1,
                  "expected COMMIT before end of file (table '%s' opened on line %ld)",
                  tb->name, tline);
        goto out;
    }
    if (!filters[0] && !filters[1]) {
        bool any = false;
        for (size_t li = 0; li < c->nlines && !any; li++) {
            const char *p = c->lines[li].p;
            any = c->lines[li].len && p[0] == '*';
        }
        if (!any) {
            lg_err_at(c->e, c->in->path, 1, 1, "expected an iptables-save table ('*filter' ... COMMIT)");
            goto out;
        }
        /* only other tables: the filter table is empty and accepts */
        ipt_table *ft = lg_arena_alloc(&c->s->arena, sizeof *ft);
        ft->name = "filter";
        ft->filter = true;
        ft->family = header ? header : 4;
        ft->fam = ft->family == 6 ? lg_ip_v6() : lg_ip_v4();
        for (int b = 0; b < 3; b++)
            builtin_chain(c, ft, (const char *[]){"INPUT", "FORWARD", "OUTPUT"}[b]);
        emit_table(c, ft, notes, true);
    }
    for (int f = 0; f < 2; f++)
        if (filters[f])
            emit_table(c, filters[f], notes, false);
    rc = 0;
out:
    free(c->lines);
    c->lines = NULL;
    c->nlines = 0;
    return rc;
}

bool nr_ipt_detect(const nr_input *in)
{
    if (in->json || !in->text)
        return false;
    /* the first line that is not blank or a comment */
    const char *p = in->text, *end = in->text + in->len;
    while (p < end) {
        const char *nl = memchr(p, '\n', (size_t)(end - p));
        const char *le = nl ? nl : end;
        const char *q = p;
        while (q < le && (*q == ' ' || *q == '\t' || *q == '\r'))
            q++;
        if (q < le && *q != '#') {
            size_t l = (size_t)(le - q);
            return (l >= 2 && q[0] == '*' && isalpha((unsigned char)q[1])) ||
                   (l >= 2 && q[0] == ':' && isalpha((unsigned char)q[1])) ||
                   (l >= 3 && (strncmp(q, "-A ", 3) == 0 || strncmp(q, "-N ", 3) == 0));
        }
        p = le + 1;
    }
    return false;
}

int nr_ipt_load(nr_snapshot *s, const nr_input *const *in, size_t n,
                const nr_opts *o, lg_err *e)
{
    static const nr_opts none;
    int rc = 0;
    ipt_ctx c;
    memset(&c, 0, sizeof c);
    c.s = s;
    c.o = o ? o : &none;
    c.e = e;
    for (size_t i = 0; i < n && rc == 0; i++) {
        c.in = in[i];
        rc = load_one(&c);
    }
    free(c.tk.t);
    free(c.tk.buf);
    return rc;
}
