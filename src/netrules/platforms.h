/* platforms.h - the platform readers.  Each turns the inputs detected as
 * its format into resources of the snapshot.  All inputs of one platform
 * are given together so a reader can join them (AWS security groups with
 * network ACLs and network interfaces; Azure NSGs with NICs and subnets).
 *
 * Contract for every reader:
 *  - detect: cheap look at the parsed JSON (or the text) that says "mine".
 *  - load:   on bad input, fill e with file:line:col and what was expected
 *            (nr_json_err for JSON), return -1; the caller prints nothing
 *            that looks like a result.  Unknown constructs never become
 *            "matches" or "does not match": mark the rule uncertain.
 *  - resources carry both directions where the platform has them. */
#ifndef NR_PLATFORMS_H
#define NR_PLATFORMS_H

#include "model.h"

bool nr_azure_detect(const nr_input *in);
int nr_azure_load(nr_snapshot *s, const nr_input *const *in, size_t n,
                  const nr_opts *o, lg_err *e);

bool nr_aws_detect(const nr_input *in);
int nr_aws_load(nr_snapshot *s, const nr_input *const *in, size_t n,
                const nr_opts *o, lg_err *e);

bool nr_gcp_detect(const nr_input *in);
int nr_gcp_load(nr_snapshot *s, const nr_input *const *in, size_t n,
                const nr_opts *o, lg_err *e);

bool nr_ipt_detect(const nr_input *in);   /* text: iptables-save output */
int nr_ipt_load(nr_snapshot *s, const nr_input *const *in, size_t n,
                const nr_opts *o, lg_err *e);

bool nr_nft_detect(const nr_input *in);   /* JSON: nft -j list ruleset */
int nr_nft_load(nr_snapshot *s, const nr_input *const *in, size_t n,
                const nr_opts *o, lg_err *e);

/* JSON: `terraform show -json` of a plan or of the state; converted to the
 * Azure/AWS/GCP shapes above and read by those readers. */
bool nr_tf_detect(const nr_input *in);
int nr_tf_load(nr_snapshot *s, const nr_input *const *in, size_t n,
               const nr_opts *o, lg_err *e);

#endif
