/* audit.h - from a snapshot and a service catalog to findings: which
 * catalog ports each inbound resource lets public sources reach, exactly,
 * with the rules to blame; plus rule hygiene and snapshot differences. */
#ifndef NR_AUDIT_H
#define NR_AUDIT_H

#include "catalog.h"
#include "eval.h"
#include "model.h"

typedef enum nr_severity {
    NR_SEV_INFO = 0, NR_SEV_LOW, NR_SEV_MEDIUM, NR_SEV_HIGH, NR_SEV_CRITICAL
} nr_severity;

typedef enum nr_change { NR_CH_NONE = 0, NR_CH_NEW, NR_CH_UNCHANGED, NR_CH_FIXED } nr_change;

/* A structural difference between two snapshots that bears on a finding. */
typedef struct nr_cause {
    const char *rule;      /* "layer/rule" for layered resources */
    const char *what;      /* "rule added", "deny removed", ... */
} nr_cause;

typedef struct nr_finding nr_finding;
struct nr_finding {
    const nr_resource *res;
    int proto, port;
    const char *service, *title;
    bool unknown;              /* state: unknown (else exposed) */
    lg_ivset sources;          /* public sources: sure (exposed) or possible (unknown) */
    lg_ivset sports;           /* client source ports, when not all (n==0: all) */
    char **cidrs;              /* minimal CIDR list of `sources` (public-exact) */
    size_t ncidrs;
    lg_u128 public_v4;         /* public IPv4 addresses among the sources */
    bool more_possible;        /* exposed, and the unknown rules may add sources */
    const char **rules;        /* deciding rules ("layer/rule" if layered) */
    size_t nrules;
    const nr_rule *blame;      /* first deciding rule, for file locations */
    const char **reasons;      /* why unknown */
    size_t nreasons;
    nr_severity sev;
    nr_change change;
    const nr_finding *was;     /* NR_CH_NEW: the baseline's finding for the
                                  same port when this one reaches sources
                                  it did not (a widened exposure) */
    nr_cause *causes;
    size_t ncauses;
    bool overflow;             /* could not be computed within the budget */
};

typedef struct nr_hyg {
    const nr_resource *res;
    const nr_layer *layer;
    const nr_chain *chain;
    const nr_rule *rule;
    const char *kind;          /* "shadowed" or "redundant" */
    const char **by;           /* the first NR_HYG_BY_MAX covering rules */
    size_t nby, nby_total;
} nr_hyg;

#define NR_HYG_BY_MAX 8

typedef struct nr_report {
    lg_arena arena;
    nr_finding *f;
    size_t n, cap;
    nr_hyg *h;
    size_t nh, caph;
} nr_report;

void nr_report_init(nr_report *r);
void nr_report_free(nr_report *r);
/* A new zeroed finding at the end of r->f (which may move). */
nr_finding *nr_report_add(nr_report *r);

/* Audit every inbound resource of s.  hygiene: also collect hygiene. */
void nr_audit(const nr_snapshot *s, const nr_catalog *c, bool hygiene,
              nr_report *out);

/* Compare against a baseline: marks out's findings new/unchanged, appends
 * the baseline's vanished findings as fixed, and names the structural
 * changes (old snapshot vs new) that bear on each new finding. */
void nr_diff(const nr_snapshot *olds, const nr_report *old,
             const nr_snapshot *news, nr_report *out);

const char *nr_severity_name(nr_severity s);
int nr_severity_parse(const char *s); /* -1 if unknown */
const char *nr_change_name(nr_change c);
const char *nr_direction_name(nr_direction d);

#endif
