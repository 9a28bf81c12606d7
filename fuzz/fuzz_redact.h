/* fuzz_redact.h - the body shared by the redact record fuzzers: one engine
 * with a policy that exercises field rules and drops, records split at
 * newlines and fed with the role the target names, every other input
 * through the long-record path.  Beyond "no crash":
 * a record the worker did not count as changed or malformed must come out
 * byte for byte, and a second worker that walks every JSON record without
 * a tree (tree_max 0) must give the same output, findings and counts.  A
 * third takes the records as one batch (rd_batch: one scan, the string
 * ends from its marks), under the sanitizers. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "core/arena.h"
#include "redact/records.h"

static const char fuzz_policy[] =
    "fields:\n  internal_notes: drop\n  /a/b: mask\n  secret: token\n"
    "drop_objects_where:\n  confidential: true\n"
    "own_domains:\n  - contoso.com\n"
    "custom:\n  - type: CASE_NUMBER\n    pattern: 'CAS-[0-9]{5}'\n";

static rd_engine *fz_eng;
static rd_worker fz_w, fz_s, fz_b;
static rd_rec *fz_recs;
static size_t fz_cap;
static rd_opts fz_o;
static rd_keyed fz_key;
static rd_columns fz_cols;

static void fz_init(void)
{
    lg_err e;
    rd_policy *p = rd_policy_parse("fuzz", fuzz_policy, strlen(fuzz_policy), &e);
    if (!p || !(fz_eng = rd_engine_new(p, &e)))
        abort();
    memset(fz_key.key, 7, sizeof fz_key.key);
    fz_key.token_hex = 8;
    fz_o = (rd_opts){.mode = RD_ACT_MASK, .key = &fz_key, .count = &fz_key,
                     .findings = 1, .distinct = 1};
    if (rd_worker_init(&fz_w, fz_eng, &fz_o) ||
        rd_worker_init(&fz_s, fz_eng, &fz_o) ||
        rd_worker_init(&fz_b, fz_eng, &fz_o))
        abort();
    fz_s.tree_max = 0;
}

/* role_for: the role of each line (state kept by the target) */
static int fuzz_records(const uint8_t *d, size_t n,
                        rd_role (*role_for)(const char *, size_t, int))
{
    if (!fz_eng)
        fz_init();
    const char *p = (const char *)d;
    size_t off = 0;
    uint64_t recno = 0;
    role_for(NULL, 0, 1); /* reset */
    /* every other input with a tiny window: records longer than it take
     * the path of long records (no record scan, values in windows) */
    fz_w.win = fz_s.win = fz_b.win = n % 2 ? 32 : RD_WIN;
    size_t nrec = 0;
    while (off <= n) {
        const char *nl = memchr(p + off, '\n', n - off);
        size_t len = nl ? (size_t)(nl - (p + off)) : n - off;
        rd_role role = role_for(p + off, len, 0);
        if (lg_grow(&fz_recs, &fz_cap, nrec + 1, sizeof *fz_recs))
            abort();
        fz_recs[nrec++] = (rd_rec){.off = off, .len = len, .term = nl != NULL,
                                   .role = role};
        rd_worker_reset(&fz_w);
        rd_worker_reset(&fz_s);
        uint64_t mal = fz_w.st.malformed, chg = fz_w.st.changed;
        if (rd_record(&fz_w, role, p + off, len, ++recno) ||
            rd_record(&fz_s, role, p + off, len, recno))
            abort();
        if (fz_w.out.n != fz_s.out.n || fz_w.findings.n != fz_s.findings.n ||
            (fz_w.out.n && memcmp(fz_w.out.p, fz_s.out.p, fz_w.out.n)) ||
            (fz_w.findings.n &&
             memcmp(fz_w.findings.p, fz_s.findings.p, fz_w.findings.n)) ||
            memcmp(&fz_w.st, &fz_s.st, sizeof fz_w.st))
            abort(); /* the walk without a tree differs */
        if (fz_w.st.changed == chg && fz_w.st.malformed == mal &&
            (fz_w.out.n != len ||
             (len && memcmp(fz_w.out.p, p + off, len) != 0)))
            abort(); /* not counted as changed, yet it changed */
        if (!nl)
            break;
        off += len + 1;
    }
    rd_worker_reset(&fz_b);
    if (rd_batch(&fz_b, p, n, fz_recs, nrec, 0))
        abort();
    return 0;
}
