/* eval.h - the exact set engine.
 *
 * A region is a list of generalized boxes (one interval set per dimension).
 * Evaluating a resource on a region partitions it exactly, by first-match
 * semantics through every layer and chain, into allowed and denied parts,
 * each box tagged with the rule (or policy) that decided it in each layer.
 * Nothing is sampled: the answer holds for every packet of the region.
 *
 * Uncertain rules (model.h) are evaluated twice:
 *   NR_LOWER  packets allowed whatever the undecidable matches turn out to
 *             be (uncertain allows never match, uncertain denies always do,
 *             uncertain jumps count only where both outcomes allow);
 *   NR_UPPER  packets allowed for some outcome.
 * exposed = LOWER, unknown = UPPER minus LOWER, not exposed = the rest.
 * Both are sound: an exposure is never missed and never invented
 * (Diekmann et al., "Verified iptables firewall analysis", uses the same
 * over/under-approximation). */
#ifndef NR_EVAL_H
#define NR_EVAL_H

#include "model.h"

#define NR_MAXLAYERS 8

typedef enum nr_mode { NR_EXACT = 0, NR_LOWER, NR_UPPER } nr_mode;

/* Who decided a box in one layer: a rule, or a chain's policy (rule NULL,
 * chain set), or nobody (both NULL: outside the layer's scope, passed). */
typedef struct nr_why {
    const nr_rule *rule;
    const nr_chain *chain;
} nr_why;

typedef struct nr_box {
    lg_ivset d[NR_NDIM];
    nr_why why[NR_MAXLAYERS];
    int layer;               /* for denied boxes: the layer that denied */
} nr_box;

typedef struct nr_boxes {
    nr_box *b;
    size_t n, cap;
} nr_boxes;

typedef struct nr_result {
    nr_boxes allowed, denied;
    /* uncertain rules the region touched (their reasons explain unknowns) */
    const nr_rule **touched;
    size_t ntouched, captouched;
    bool overflow;           /* box budget exceeded: result is unusable */
} nr_result;

/* Does the resource contain any uncertain rule? (then use LOWER+UPPER) */
bool nr_resource_uncertain(const nr_resource *r);

/* Evaluate `r` on `region` (boxes in inbound coordinates of the resource:
 * src = remote for inbound).  Everything is allocated in `a`.  `budget`
 * caps the number of boxes created (0 = default); on overflow
 * out->overflow is set. */
void nr_eval(lg_arena *a, const nr_resource *r, const nr_boxes *region,
             nr_mode mode, long budget, nr_result *out);

void nr_boxes_push(lg_arena *a, nr_boxes *l, const nr_box *b);
bool nr_box_intersects(const nr_box *x, const lg_ivset *m);

/* Union of dimension d over the boxes. */
lg_ivset nr_boxes_project(lg_arena *a, const nr_boxes *l, nr_dim d);

/* Display name of what decided a box in layer li of resource r:
 * "rule", "policy name", and "layer/rule" when r has several layers;
 * "layer/unfiltered" where a scoped layer let it pass unseen. */
const char *nr_why_name(lg_arena *a, const nr_resource *r, int li, nr_why w);

/* Rule hygiene for one chain: rules that can never match (fully covered by
 * earlier terminating rules) and rules made redundant by a later rule of
 * the same action with nothing in between.  Callback per finding; `by` is
 * the covering rule(s) (NULL-terminated).  Bounded work per rule: it
 * reports only what it proves. */
typedef void (*nr_hygiene_cb)(void *ctx, const nr_layer *l, const nr_chain *c,
                              const nr_rule *rule, const char *kind,
                              const nr_rule *const *by);
/* scratch: working memory, reset here (pass the same arena for every
 * layer so its pages are reused rather than faulted in again). */
void nr_hygiene(lg_arena *scratch, const nr_layer *l, nr_hygiene_cb cb, void *ctx);

#endif
