/* records.c - text lines, JSON values and CSV rows: parse, scan each value
 * with the hint its key gives, rewrite only what changed. */
#include "core/arena.h"
#include "redact/records.h"

#include <ctype.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define NONE ((size_t)-1)

/* A JSON value.  A record up to w->tree_max long is parsed into a tree of
 * them, walked, then written out.  A longer one is walked as it is
 * parsed, with only the nodes from the root to the current value kept,
 * one per level: its memory follows its depth, not its number of values
 * (json_record). */
struct jnode {
    char type;       /* o a s n l */
    unsigned char esc, drop, changed, repl;
    unsigned char fa, sflags; /* stream: the field action inherited; SF_ */
    int parent;
    union {
        int first; /* tree: the first child */
        int nkids; /* stream: the children so far */
    };
    int last, next;
    int idx;             /* its place among its parent's children */
    size_t start, end;   /* the value */
    size_t kstart, kend; /* the key's string token, NONE when not a member */
    union {
        size_t rstart;   /* tree: replacement in w->repl */
        size_t prev_end; /* stream: the end of the last child */
    };
    union {
        size_t rlen;
        size_t ord; /* stream: an object's number in document order */
    };
};

/* jnode.sflags: these bits, and from bit SF_AT up what judge() left to a
 * container's end */
enum {
    SF_KEPT = 1,   /* a child was written (not dropped) */
    SF_PEND = 2,   /* children dropped before any was written: the next
                      one's separator goes too */
    SF_DROPIF = 4, /* first pass: a member the policy drops objects for */
};
#define SF_AT 4

/* ---- small pieces ------------------------------------------------------- */

#define HLL_BITS 14
#define HLL_M (1u << HLL_BITS)

static void hll_add(unsigned char *r, uint64_t x)
{
    /* the keyed hash is uniform already: top bits pick the register, the
     * rest give the rank */
    unsigned idx = (unsigned)(x >> (64 - HLL_BITS));
    uint64_t w = x << HLL_BITS | ((uint64_t)1 << (HLL_BITS - 1));
    unsigned char rank = (unsigned char)(__builtin_clzll(w) + 1);
    if (rank > r[idx])
        r[idx] = rank;
}

static int to_sketch(rd_u64set *s)
{
    s->hll = calloc(HLL_M, 1);
    if (!s->hll)
        return -1;
    for (size_t i = 0; i < s->cap; i++)
        if (s->v[i])
            hll_add(s->hll, s->v[i]);
    free(s->v);
    s->v = NULL;
    s->cap = 0;
    return 0;
}

int rd_u64set_add(rd_u64set *s, uint64_t x)
{
    if (x == 0)
        x = 1; /* 0 marks an empty slot */
    if (s->hll) {
        hll_add(s->hll, x);
        return 0;
    }
    if ((s->n + 1) * 2 > s->cap) {
        if (s->n >= RD_DISTINCT_EXACT)
            return to_sketch(s) ? -1 : rd_u64set_add(s, x);
        size_t nc = s->cap ? s->cap * 2 : 1024;
        uint64_t *v = calloc(nc, sizeof *v);
        if (!v)
            return -1;
        for (size_t i = 0; i < s->cap; i++)
            if (s->v[i]) {
                size_t j = s->v[i] & (nc - 1);
                while (v[j])
                    j = (j + 1) & (nc - 1);
                v[j] = s->v[i];
            }
        free(s->v);
        s->v = v;
        s->cap = nc;
    }
    size_t j = x & (s->cap - 1);
    while (s->v[j]) {
        if (s->v[j] == x)
            return 0;
        j = (j + 1) & (s->cap - 1);
    }
    s->v[j] = x;
    s->n++;
    return 0;
}

int rd_u64set_merge(rd_u64set *s, const rd_u64set *o)
{
    if (o->hll) {
        if (!s->hll && to_sketch(s))
            return -1;
        for (unsigned i = 0; i < HLL_M; i++)
            if (o->hll[i] > s->hll[i])
                s->hll[i] = o->hll[i];
        return 0;
    }
    for (size_t k = 0; k < o->cap; k++)
        if (o->v[k] && rd_u64set_add(s, o->v[k]))
            return -1;
    return 0;
}

uint64_t rd_u64set_count(const rd_u64set *s, int *estimated)
{
    *estimated = s->hll != NULL;
    if (!s->hll)
        return s->n;
    double sum = 0;
    unsigned zeros = 0;
    for (unsigned i = 0; i < HLL_M; i++) {
        sum += 1.0 / (double)((uint64_t)1 << s->hll[i]);
        zeros += s->hll[i] == 0;
    }
    double m = HLL_M, e = 0.7213 / (1 + 1.079 / m) * m * m / sum;
    if (e <= 2.5 * m && zeros) /* small range: linear counting */
        e = m * log(m / zeros);
    return (uint64_t)(e + 0.5);
}

void rd_u64set_free(rd_u64set *s)
{
    free(s->v);
    free(s->hll);
    *s = (rd_u64set){0};
}

int rd_worker_init(rd_worker *w, const rd_engine *eng, const rd_opts *o)
{
    *w = (rd_worker){.eng = eng, .o = o, .win = RD_WIN, .tree_max = RD_WIN};
    /* every slot empty (len SIZE_MAX): a zeroed slot would be the empty
     * key's, with the hint {0} (whole value RD_EMAIL) -- every value under
     * "" became <EMAIL> */
    for (size_t i = 0; i < RD_HCACHE; i++)
        w->hc[i].len = SIZE_MAX;
    for (size_t i = 0; i < RD_KPOS; i++)
        w->kpos[i].len = SIZE_MAX;
    for (size_t i = 0; i < RD_VCACHE; i++)
        w->vc[i].len = SIZE_MAX;
    w->s = rd_scratch_new(eng);
    return w->s ? 0 : -1;
}

/* the worker's own byte buffers (the match stores hold theirs) */
#define WORKER_BUFS(w)                                                     \
    {&(w)->out, &(w)->findings, &(w)->msgs, &(w)->dec,                     \
     &(w)->repl, &(w)->path, &(w)->tmp, &(w)->key, &(w)->drops}

void rd_worker_free(rd_worker *w)
{
    rd_scratch_free(w->s);
    rd_buf *b[] = WORKER_BUFS(w);
    for (size_t i = 0; i < sizeof b / sizeof *b; i++)
        rd_buf_free(b[i]);
    for (int t = 0; t < RD_MAXTYPES; t++)
        rd_u64set_free(&w->distinct[t]);
    free(w->nodes);
    free(w->stops);
    rd_mstore *ms[] = {&w->bm, &w->rm, &w->one, &w->sub};
    for (size_t i = 0; i < sizeof ms / sizeof *ms; i++) {
        free(ms[i]->m);
        free(ms[i]->wk);
        rd_buf_free(&ms[i]->norm);
    }
}

void rd_worker_reset(rd_worker *w)
{
    rd_buf *b[] = WORKER_BUFS(w);
    for (size_t i = 0; i < sizeof b / sizeof *b; i++) {
        rd_buf_trim(b[i]);
        b[i]->n = 0;
    }
    if (w->capnodes * sizeof *w->nodes > RD_BUF_KEEP) {
        free(w->nodes);
        w->nodes = NULL;
        w->capnodes = 0;
    }
}

/* after a findings line: hand them over once there are many */
static int findings_added(rd_worker *w)
{
    if (!w->spill || w->findings.n < RD_FINDINGS_SPILL)
        return w->findings.err ? -1 : 0;
    if (w->findings.err || w->spill(w->spill_ctx, w->findings.p, w->findings.n))
        return -1;
    w->findings.n = 0;
    return 0;
}

/* ---- the output of a record too long to hold (rd_worker.flush) ---- */

static size_t out_pos(const rd_worker *w)
{
    return w->flushed + w->out.n;
}

/* hand the output over once there is much of it */
static void out_check(rd_worker *w)
{
    if (!w->flush || w->out.n < RD_OUT_FLUSH || w->out.err)
        return;
    if (w->flush(w->long_ctx, w->out.p, w->out.n)) {
        w->out.err = 1;
        return;
    }
    w->flushed += w->out.n;
    w->out.n = 0;
}

/* take the output back to its first pos bytes */
static void out_rewind(rd_worker *w, size_t pos)
{
    if (pos >= w->flushed) {
        w->out.n = pos - w->flushed;
        return;
    }
    if (w->unflush(w->long_ctx, pos))
        w->out.err = 1;
    w->flushed = pos;
    w->out.n = 0;
}

static void behind(rd_worker *w, const char *p)
{
    if (w->behind)
        w->behind(w->long_ctx, p);
}

/* out += p[0, n): for a long record's output, a step at a time, handed
 * over as it comes and the bytes read let go behind */
static int put_long(rd_worker *w, rd_buf *out, const char *p, size_t n)
{
    if (out != &w->out || !w->flush)
        return rd_buf_put(out, p, n);
    while (n) {
        size_t k = n < RD_OUT_FLUSH ? n : RD_OUT_FLUSH;
        rd_buf_put(out, p, k);
        out_check(w);
        p += k, n -= k;
        behind(w, p);
    }
    return out->err ? -1 : 0;
}

/* Record what was found: counts, distinct hashes, a findings line. */
static int note(rd_worker *w, uint64_t recno, const char *field,
                size_t flen, const rd_match *m)
{
    const char *tn = rd_type_name(w->eng, m->type);
    w->st.found[m->type]++;
    w->rec_found = 1;
    if (w->o->distinct &&
        rd_u64set_add(&w->distinct[m->type],
                      rd_count_hash(w->o->count, m->norm, m->nlen)) < 0)
        return -1;
    if (!w->o->findings)
        return 0;
    rd_buf_printf(&w->findings, "{\"record\":%llu,\"field\":",
                  (unsigned long long)recno);
    if (field)
        rd_buf_json_str(&w->findings, field, flen);
    else
        rd_buf_put(&w->findings, "null", 4);
    rd_buf_printf(&w->findings,
                  ",\"start\":%zu,\"end\":%zu,\"type\":\"%s\"}\n",
                  m->start + w->fshift, m->end + w->fshift, tn);
    return findings_added(w);
}

static rd_action action_for(const rd_worker *w, int type, rd_action field)
{
    if (field != RD_ACT_DEFAULT)
        return field;
    rd_action a = rd_type_action(w->eng, type);
    return a != RD_ACT_DEFAULT ? a : w->o->mode;
}

/* Copy matches and their normalised values out of the scratch (the next
 * rd_scan reuses it) into a store; `shift` is added to offsets. */
static int store(rd_mstore *st, const rd_match *m, size_t n, size_t shift)
{
    st->n = 0;
    st->norm.n = 0;
    if (lg_grow(&st->m, &st->cap, n, sizeof *st->m))
        return -1;
    for (size_t i = 0; i < n; i++) {
        st->m[i] = m[i];
        st->m[i].start += shift;
        st->m[i].end += shift;
        st->m[i].norm = (const char *)(uintptr_t)st->norm.n;
        if (rd_buf_put(&st->norm, m[i].norm, m[i].nlen))
            return -1;
    }
    for (size_t i = 0; i < n; i++)
        st->m[i].norm = st->norm.p + (uintptr_t)st->m[i].norm;
    st->n = n;
    return 0;
}

/* store, and the scan's weak candidates with the matches */
static int store_scan(rd_worker *w, rd_mstore *st, const rd_match *m,
                      size_t n)
{
    const rd_span *wk;
    size_t nwk = rd_scan_weak(w->s, &wk);
    if (store(st, m, n, 0) || lg_grow(&st->wk, &st->capwk, nwk, sizeof *wk))
        return -1;
    if (nwk)
        memcpy(st->wk, wk, nwk * sizeof *wk);
    st->nwk = nwk;
    return 0;
}

/* The matches of the current record: its own scan (rd_record) or its
 * slice of the batch scan, clipped to the record. */
static int record_scan(rd_worker *w, const char *rec, size_t len)
{
    const rd_match *m;
    size_t n = rd_scan(w->eng, w->s, rec, len, NULL, &m);
    return n == RD_SCAN_ERROR ? -1 : store_scan(w, &w->rm, m, n);
}

static int record_slice(rd_worker *w, size_t off, size_t len)
{
    rd_mstore *b = &w->bm, *r = &w->rm;
    while (w->bi < b->n && b->m[w->bi].end <= off)
        w->bi++;
    r->n = 0;
    for (size_t i = w->bi; i < b->n && b->m[i].start < off + len; i++) {
        if (lg_grow(&r->m, &r->cap, r->n + 1, sizeof *r->m))
            return -1;
        rd_match c = b->m[i];
        c.start = c.start > off ? c.start - off : 0;
        c.end = c.end < off + len ? c.end - off : len;
        r->m[r->n++] = c;
    }
    while (w->bw < b->nwk && b->wk[w->bw].end <= off)
        w->bw++;
    r->nwk = 0;
    for (size_t i = w->bw; i < b->nwk && b->wk[i].start < off + len; i++) {
        if (b->wk[i].end <= off) /* weak spans may nest: sorted by start */
            continue;
        if (lg_grow(&r->wk, &r->capwk, r->nwk + 1, sizeof *r->wk))
            return -1;
        rd_span c = b->wk[i];
        c.start = c.start > off ? c.start - off : 0;
        c.end = c.end < off + len ? c.end - off : len;
        r->wk[r->nwk++] = c;
    }
    return 0;
}

/* matches of the record overlapping [a, b), clipped to it and shifted to
 * start at a: a match that runs past a string's end (a private key whose
 * END line is missing) still covers the string's part */
static size_t within(rd_worker *w, size_t a, size_t b, rd_match **out)
{
    rd_mstore *r = &w->rm;
    while (w->ri < r->n && r->m[w->ri].end <= a)
        w->ri++;
    size_t k = 0;
    w->sub.n = 0;
    for (size_t i = w->ri; i < r->n && r->m[i].start < b; i++) {
        if (lg_grow(&w->sub.m, &w->sub.cap, k + 1, sizeof *w->sub.m)) {
            w->sub_oom = 1; /* seen by rd_batch/rd_record: never "none" */
            return 0;
        }
        rd_match c = r->m[i];
        c.start = (c.start > a ? c.start : a) - a;
        c.end = (c.end < b ? c.end : b) - a;
        w->sub.m[k++] = c;
    }
    *out = w->sub.m;
    return k;
}

/* A hash of a key or a short value from its length and its first and
 * last 8 bytes (a byte loop per string value was 3 % of the run), loaded
 * as whole words: a memcpy of n < 8 bytes into a zeroed word is byte
 * stores, and loading the word back stalled on them. */
static size_t short_hash(const char *k, size_t n)
{
    uint64_t a = 0, z = 0;
    if (n >= 8) {
        memcpy(&a, k, 8);
        memcpy(&z, k + n - 8, 8);
    } else if (n >= 4) {
        uint32_t a4, z4;
        memcpy(&a4, k, 4);
        memcpy(&z4, k + n - 4, 4);
        a = a4, z = z4;
    } else if (n > 0) {
        a = (uint64_t)(unsigned char)k[0] |
            (uint64_t)(unsigned char)k[n / 2] << 8 |
            (uint64_t)(unsigned char)k[n - 1] << 16;
    }
    uint64_t h = (a * 0x9E3779B97F4A7C15ULL) ^ (z * 0xC2B2AE3D27D4EB4FULL) ^ n;
    return (size_t)((h ^ h >> 29) * 0x94D049BB133111EBULL >> 40);
}

/* a[0, n) == b[0, n) for the short strings short_hash takes (keys,
 * cached values): whole-word loads, the last one overlapping, instead of
 * a call to memcmp (0.8 % of a bench run, most of it the call) */
static int same_short(const char *a, const char *b, size_t n)
{
    if (n >= 8) {
        uint64_t x, y, d = 0;
        for (size_t i = 0; i + 8 < n; i += 8) {
            memcpy(&x, a + i, 8);
            memcpy(&y, b + i, 8);
            d |= x ^ y;
        }
        memcpy(&x, a + n - 8, 8);
        memcpy(&y, b + n - 8, 8);
        return !(d | (x ^ y));
    }
    if (n >= 4) {
        uint32_t x, y, u, v;
        memcpy(&x, a, 4);
        memcpy(&y, b, 4);
        memcpy(&u, a + n - 4, 4);
        memcpy(&v, b + n - 4, 4);
        return !((x ^ y) | (u ^ v));
    }
    for (size_t i = 0; i < n; i++)
        if (a[i] != b[i])
            return 0;
    return 1;
}

/* does hint slot c hold key k[0, n)? */
static inline int slot_is(const rd_hcache *c, const char *k, size_t n)
{
    return c->len == n && same_short(c->key, k, n);
}

/* key k[0, n) and its hint h into slot c, when the key fits */
static inline void slot_keep(rd_hcache *c, const char *k, size_t n, rd_hint h)
{
    if (n <= sizeof c->key) {
        memcpy(c->key, k, n);
        c->len = n;
        c->hint = h;
    }
}

/* The hint of a key, remembered: keys repeat from record to record.  An
 * open-addressing table that never evicts: the keys of a schema stay in
 * it however their hashes fall (a direct-mapped cache thrashed whenever
 * two keys of a record shared a slot, which with 8 keys in 64 slots is one
 * schema in three: "title" and "internal_notes" made a run 27 % slower).
 * A key not in the first RD_HPROBE slots of its hash, or longer than a
 * slot holds, gets its hint computed each time. */
static rd_hint key_hint(rd_worker *w, const char *k, size_t n)
{
    size_t i = short_hash(k, n);
    for (int p = 0; p < RD_HPROBE; p++) {
        rd_hcache *c = &w->hc[(i + (size_t)p) & (RD_HCACHE - 1)];
        if (c->len == SIZE_MAX) { /* not there: compute, keep if it fits */
            w->hint_computed++;
            rd_hint r = rd_hint_for_key(w->eng, k, n);
            slot_keep(c, k, n, r);
            return r;
        }
        if (slot_is(c, k, n))
            return c->hint;
    }
    w->hint_computed++;
    return rd_hint_for_key(w->eng, k, n);
}

static int plain_hint(const rd_hint *h)
{
    return !h->want && !h->suppress && h->whole < 0;
}

/* 1 when the record's scan already gives what a scan of the value v (at
 * [a, b) of the record, not re-encoded) with hint h would: h is plain, or
 * it can change nothing there (see rd_scan_weak) because v has not the
 * shape of its whole-value type and the record scan generated no weak
 * candidate in [a, b).  Weak candidates are also the only ones the words
 * around a value decide (rd_context_ok), and the record scan sees the
 * words of other fields, so any weak one sends the value to its own scan.
 * Otherwise the field takes its slice of the record scan, as a field with
 * a plain key does (an `agent_reply` paragraph, a `created` timestamp). */
static int hint_idle(rd_worker *w, const rd_hint *h, const char *v,
                     size_t vl, size_t a, size_t b)
{
    if (w->long_rec) /* no scan of the whole record to take from */
        return 0;
    if (plain_hint(h))
        return 1;
    if (rd_hint_whole_fits(h, v, vl))
        return 0;
    /* values come in record order: spans that end before this one do
     * not reach the next ones either (looking from the first span each
     * time made a record of n such values cost n^2) */
    const rd_mstore *r = &w->rm;
    while (w->wi < r->nwk && r->wk[w->wi].end <= a)
        w->wi++;
    for (size_t i = w->wi; i < r->nwk && r->wk[i].start < b; i++)
        if (r->wk[i].end > a)
            return 0;
    return 1;
}

/* Rewrite v[from, to) with its matches (offsets into v, inside the
 * range) into out; drop renders as empty. */
static int rewrite(rd_worker *w, rd_buf *out, const char *v, size_t from,
                   size_t to, const rd_match *m, size_t nm, rd_action field)
{
    size_t pos = from;
    for (size_t i = 0; i < nm; i++) {
        rd_buf_put(out, v + pos, m[i].start - pos);
        rd_action a = action_for(w, m[i].type, field);
        if (rd_render(out, a, rd_type_name(w->eng, m[i].type), w->o->key,
                      v + m[i].start, m[i].end - m[i].start, m[i].norm,
                      m[i].nlen))
            return -1;
        pos = m[i].end;
    }
    return rd_buf_put(out, v + pos, to - pos);
}

enum { RD_KEEP_ALL, RD_REWRITE, RD_DROP_VALUE };

/* Note the matches of one value and say what becomes of it: kept as it is
 * (every action is keep), rewritten, or dropped whole (an action is drop).
 * -1 when out of memory. */
static int decide(rd_worker *w, uint64_t recno, const char *field,
                  size_t flen, const rd_match *m, size_t nm, rd_action fa)
{
    int keep = 1, drop = 0;
    for (size_t i = 0; i < nm; i++) {
        if (note(w, recno, field, flen, &m[i]))
            return -1;
        rd_action a = action_for(w, m[i].type, fa);
        keep &= a == RD_ACT_KEEP;
        drop |= a == RD_ACT_DROP;
    }
    return drop ? RD_DROP_VALUE : keep ? RD_KEEP_ALL : RD_REWRITE;
}

/* One window of a value longer than w->win: its own scan of v[from -
 * RD_WIN_BACK, from + win + RD_WIN_AHEAD) (clipped to v), the matches
 * that start in [from, cut) into w->one with offsets into v.  The cut
 * returned is past from and no match crosses it: from + win, or the end
 * of a match that crosses that, or, when that end leaves less than
 * RD_WIN_AHEAD / 2 of the window after it, that match's start (the next
 * window has it whole).  With that much after a cut and RD_WIN_BACK
 * before the next window's from, the matches near a cut are those a scan
 * of the whole value finds (expanders and context words reach a few
 * hundred bytes).  Memory follows the window, not the value.  A
 * whole-value hint ("phone") judges each window as a whole.  SIZE_MAX
 * when out of memory. */
static size_t scan_window(rd_worker *w, const char *v, size_t vl,
                          size_t from, const rd_hint *h, int more)
{
    size_t a = from > RD_WIN_BACK ? from - RD_WIN_BACK : 0;
    size_t b = vl - from > w->win + RD_WIN_AHEAD ? from + w->win + RD_WIN_AHEAD
                                                 : vl;
    const rd_match *m;
    size_t nm = rd_scan(w->eng, w->s, v + a, b - a, h, &m);
    if (nm == RD_SCAN_ERROR)
        return SIZE_MAX;
    size_t i = 0, j = nm, cut = b;
    while (i < nm && m[i].start + a < from)
        i++;
    if (b < vl || more) { /* sorted and apart: one may cross from+WIN */
        cut = from + w->win;
        for (j = i; j < nm && m[j].start + a < cut; j++)
            if (m[j].end + a > cut)
                cut = m[j].end + a;
        if (cut > b - RD_WIN_AHEAD / 2 && j > i && m[j - 1].start + a > from)
            cut = m[--j].start + a;
    }
    return store(&w->one, m + i, j - i, a) ? SIZE_MAX : cut;
}

static void pointer(rd_worker *w, const char *rec, int k);

/* What a value's findings name as its field: a CSV column, or the JSON
 * pointer of node k of rec, made when first needed (most values have no
 * finding).  No vfield in text: "field":null. */
typedef struct vfield {
    const char *name;
    size_t len;
    const char *rec;
    int k; /* -1 once name is set */
} vfield;

/* decide() on the matches of field f, whose name (a JSON pointer) is
 * built on its first match, and only for a findings file: it is in no
 * other output (about 1 % of a bench run went to pointers never
 * written) */
static int noted(rd_worker *w, uint64_t recno, vfield *f, const rd_match *m,
                 size_t nm, rd_action fa)
{
    if (f && f->k >= 0 && nm && w->o->findings) {
        pointer(w, f->rec, f->k);
        f->name = w->path.p;
        f->len = w->path.n;
        f->k = -1;
    }
    return decide(w, recno, f ? f->name : NULL, f ? f->len : 0, m, nm, fa);
}

static int same_hint(const rd_hint *a, const rd_hint *b)
{
    return a->want == b->want && a->suppress == b->suppress &&
           a->whole == b->whole;
}

/* The own scan of value v[0, vl) under hint h, its matches into w->one;
 * their number, SIZE_MAX when out of memory.  rd_scan is a function of
 * the engine, the bytes and the hint, and a short value under a hinting
 * key is mostly one of a few (a country, a city, a user name): w->vc
 * keeps the last results by value and hint, and a repeat is not scanned
 * again (60 000 bench records with a country, a city and a user name
 * added: 0.175 -> 0.153 s). */
static size_t scan_value(rd_worker *w, const char *v, size_t vl,
                         const rd_hint *h)
{
    rd_vcache *e = NULL;
    if (h && vl <= RD_VC_LEN) {
        uint64_t hh = (h->want * 5 + h->suppress) * 0x9E3779B97F4A7C15ULL +
                      (uint64_t)(h->whole + 1);
        e = &w->vc[(short_hash(v, vl) ^ (size_t)(hh >> 40)) & (RD_VCACHE - 1)];
        if (e->len == vl && same_hint(&e->hint, h) &&
            same_short(e->val, v, vl)) {
            w->vc_hits++;
            return store(&w->one, e->m, e->nm, 0) ? SIZE_MAX : e->nm;
        }
    }
    const rd_match *m0;
    size_t nm = rd_scan(w->eng, w->s, v, vl, h, &m0);
    if (nm == RD_SCAN_ERROR || store(&w->one, m0, nm, 0))
        return SIZE_MAX;
    if (e && nm <= 2 && w->one.norm.n <= sizeof e->norm) {
        memcpy(e->val, v, vl);
        e->len = vl;
        e->hint = *h;
        e->nm = nm;
        if (w->one.norm.n) /* norm.p is NULL before its first byte */
            memcpy(e->norm, w->one.norm.p, w->one.norm.n);
        for (size_t i = 0; i < nm; i++) {
            e->m[i] = w->one.m[i];
            e->m[i].norm = e->norm + (w->one.m[i].norm - w->one.norm.p);
        }
    }
    return nm;
}

/* Note the matches of value v[0, vl) and say what becomes of it (decide);
 * unless it is kept as it is, the value rewritten is appended to out when
 * out is not NULL.  Its matches: the record scan's for its place [a, b) in
 * the record when `slice` (see hint_idle), else its own scan under h,
 * window by window when v is longer than w->win.  -1 when out of memory. */
static int value(rd_worker *w, const char *v, size_t vl, const rd_hint *h,
                 int slice, size_t a, size_t b, rd_action fa, uint64_t recno,
                 vfield *f, rd_buf *out)
{
    if (vl <= w->win) {
        rd_match *m;
        size_t nm;
        if (slice) {
            nm = within(w, a, b, &m);
        } else {
            nm = scan_value(w, v, vl, h);
            if (nm == SIZE_MAX)
                return -1;
            m = w->one.m;
        }
        if (nm == 0)
            return RD_KEEP_ALL;
        int what = noted(w, recno, f, m, nm, fa);
        if (what > RD_KEEP_ALL && out && rewrite(w, out, v, 0, vl, m, nm, fa))
            return -1;
        return what;
    }
    int what = RD_KEEP_ALL;
    size_t done = 0; /* v[0, done) is in out */
    for (size_t from = 0; from < vl;) {
        size_t cut = scan_window(w, v, vl, from, h, 0);
        if (cut == SIZE_MAX)
            return -1;
        int wh = noted(w, recno, f, w->one.m, w->one.n, fa);
        if (wh < 0)
            return -1;
        if (wh > RD_KEEP_ALL && out) {
            put_long(w, out, v + done, from - done);
            if (rewrite(w, out, v, from, cut, w->one.m, w->one.n, fa))
                return -1;
            out_check(w);
            done = cut;
        }
        if (wh > what)
            what = wh;
        from = cut;
        behind(w, v + cut);
    }
    if (what > RD_KEEP_ALL && out)
        return put_long(w, out, v + done, vl - done) ? -1 : what;
    return what;
}

/* ---- text ------------------------------------------------------------- */

static int text_record(rd_worker *w, const char *rec, size_t len,
                       uint64_t recno)
{
    rd_buf *out = w->o->check ? NULL : &w->out;
    int what = value(w, rec, len, NULL, !w->long_rec, 0, len, RD_ACT_DEFAULT,
                     recno, NULL, out);
    if (what < 0)
        return -1;
    if (what == RD_KEEP_ALL)
        return out ? put_long(w, out, rec, len) : 0;
    w->st.changed++;
    return 0;
}

static int worker_failed(rd_worker *w);

/* A text record longer than the caller holds, redacted a piece at a
 * time as it is read: the windows of value() in the same order, each
 * taken once its RD_WIN_AHEAD reach is in the piece, so the output and
 * the findings are those of the whole record in one piece. */
size_t rd_text_piece(rd_worker *w, rd_piece *p, const char *data, size_t n,
                     int last)
{
    rd_buf *out = w->o->check ? NULL : &w->out;
    size_t from = p->from - p->base; /* offsets into data from here */
    w->rec_found = 0;
    w->fshift = p->base;
    while (from < n && (last || n - from >= w->win + RD_WIN_AHEAD)) {
        size_t cut = scan_window(w, data, n, from, NULL, !last);
        int wh = cut == SIZE_MAX
                     ? -1
                     : noted(w, p->recno, NULL, w->one.m, w->one.n,
                             RD_ACT_DEFAULT);
        if (wh < 0) {
            w->fshift = 0;
            return SIZE_MAX;
        }
        /* (out's errors are sticky: worker_failed below) */
        if (out && wh > RD_KEEP_ALL)
            rewrite(w, out, data, from, cut, w->one.m, w->one.n,
                    RD_ACT_DEFAULT);
        else if (out)
            rd_buf_put(out, data + from, cut - from);
        p->changed |= wh > RD_KEEP_ALL;
        from = cut;
    }
    w->fshift = 0;
    p->found |= w->rec_found;
    p->from = p->base + from;
    if (last) {
        w->st.records++;
        w->st.found_in += (uint64_t)p->found;
        w->st.changed += (uint64_t)p->changed;
    }
    /* what the next piece needs of this one: RD_WIN_BACK before from */
    return worker_failed(w) ? SIZE_MAX
           : from > RD_WIN_BACK ? from - RD_WIN_BACK
                                : 0;
}

/* ---- JSON ------------------------------------------------------------- */

typedef struct jp {
    rd_worker *w;
    const char *p;
    size_t n, i;
    const char *expected;
    size_t err_at;
    int depth;
    int stream; /* nodes on a stack, one per level (see jnode) */
    int walk;   /* stream, second pass: each value walked as it ends */
    int skip;   /* walk: the level below which nothing is walked, or -1 */
    size_t nobj; /* stream: objects begun */
    int oom;
    uint64_t recno;
    /* the batch scan's marks (rd_worker.stops) from stops_at on, over
     * the record's first stops_len bytes; stops NULL when none */
    const uint64_t *stops;
    size_t stops_at, stops_len;
} jp;

static void ws(jp *j)
{
    while (j->i < j->n && (j->p[j->i] == ' ' || j->p[j->i] == '\t' ||
                           j->p[j->i] == '\n' || j->p[j->i] == '\r'))
        j->i++;
}

static int fail(jp *j, const char *what)
{
    if (!j->expected) {
        j->expected = what;
        j->err_at = j->i;
    }
    return -1;
}

/* where member or element k begins: its key, or the value */
static size_t kbeg(const jnode *nd)
{
    return nd->kstart != NONE ? nd->kstart : nd->start;
}

/* (new_node, plain_to and jstring always inlined into the parser: 1.4 %
 * of a bench run) */
static inline __attribute__((always_inline)) int
new_node(jp *j, char type, int parent, size_t ks, size_t ke)
{
    rd_worker *w = j->w;
    int k = j->stream ? parent + 1 : (int)w->nnodes;
    if (lg_grow(&w->nodes, &w->capnodes, (size_t)k + 1, sizeof *w->nodes)) {
        j->oom = 1;
        return fail(j, "(out of memory)");
    }
    if (!j->stream)
        w->nnodes++;
    jnode *nd = &w->nodes[k];
    *nd = (jnode){.type = type, .parent = parent, .first = j->stream ? 0 : -1,
                  .last = -1, .next = -1, .start = j->i, .kstart = ks,
                  .kend = ke};
    if (parent < 0)
        return k;
    jnode *p = &w->nodes[parent];
    if (j->stream) {
        nd->idx = p->nkids++;
        /* children dropped before this one, none written: the
         * separator before this one goes with them */
        if (j->walk && (p->sflags & (SF_PEND | SF_KEPT)) == SF_PEND)
            w->spos = kbeg(nd);
    } else if (p->last >= 0) {
        nd->idx = w->nodes[p->last].idx + 1;
        w->nodes[p->last].next = k;
        p->last = k;
    } else {
        p->first = p->last = k;
    }
    return k;
}

/* The first byte of p[i, n) that ends a run of a string's plain
 * characters, or n: where the batch scan marked them, from its marks
 * (most strings end in a word or two of them), else read. */
static inline __attribute__((always_inline)) size_t
plain_to(const jp *j, size_t i, size_t n)
{
    if (j->stops && i < j->stops_len) {
        size_t lim = n < j->stops_len ? n : j->stops_len;
        size_t a = j->stops_at + i, end = j->stops_at + lim, k = a / 64;
        uint64_t m = j->stops[k] & (~(uint64_t)0 << (a % 64));
        while (!m && ++k * 64 < end)
            m = j->stops[k];
        if (m && k * 64 + (size_t)__builtin_ctzll(m) < end)
            return k * 64 + (size_t)__builtin_ctzll(m) - j->stops_at;
        i = lim;
    }
    return i < n ? rd_json_plain(j->p, i, n, 0) : n;
}

static inline __attribute__((always_inline)) int jstring(jp *j, int *esc)
{
    /* at the opening quote */
    j->i++;
    *esc = 0;
    while (j->i < j->n) {
        /* the common case: plain characters, many at a step; in a long
         * record a few MB at a time, the pages behind let go */
        size_t n = j->n;
        if (j->stream) {
            behind(j->w, j->p + j->i);
            if (n - j->i > 4 * RD_OUT_FLUSH)
                n = j->i + 4 * RD_OUT_FLUSH;
        }
        j->i = plain_to(j, j->i, n);
        if (j->i >= n) {
            if (n == j->n)
                break;
            continue;
        }
        unsigned char c = (unsigned char)j->p[j->i];
        if (c == '"') {
            j->i++;
            return 0;
        }
        if (c < 0x20)
            return fail(j, "a control character escaped in a string");
        if (c == '\\') {
            *esc = 1;
            j->i++;
            if (j->i >= j->n)
                break;
            c = (unsigned char)j->p[j->i];
            if (c == 'u') {
                for (int k = 1; k <= 4; k++)
                    if (j->i + (size_t)k >= j->n ||
                        !isxdigit((unsigned char)j->p[j->i + (size_t)k]))
                        return fail(j, "four hex digits after \\u");
                j->i += 4;
            } else if (c == 0 || !strchr("\"\\/bfnrt", c)) {
                /* (strchr finds NUL: it is the string's terminator) */
                return fail(j, "an escape (\\\" \\\\ \\/ \\b \\f \\n \\r \\t \\u)");
            }
        }
        j->i++;
    }
    return fail(j, "a closing quote");
}

static int jvalue(jp *j, int parent, size_t ks, size_t ke);
static int sw_value(jp *j, int k);
static int sw_close(jp *j, int k);
static void sw_child(jp *j, int k, int c);

static int jcontainer(jp *j, int k, char close)
{
    rd_worker *w = j->w;
    j->i++;
    ws(j);
    if (j->i < j->n && j->p[j->i] == close) {
        j->i++;
        w->nodes[k].end = j->i;
        return 0;
    }
    for (;;) {
        size_t ks = NONE, ke = NONE;
        if (close == '}') {
            int esc;
            if (j->i >= j->n || j->p[j->i] != '"')
                return fail(j, "a member name in double quotes");
            ks = j->i;
            if (jstring(j, &esc))
                return -1;
            ke = j->i;
            ws(j);
            if (j->i >= j->n || j->p[j->i] != ':')
                return fail(j, "':' after the member name");
            j->i++;
            ws(j);
        }
        int c = jvalue(j, k, ks, ke);
        if (c < 0)
            return -1;
        if (j->stream) {
            sw_child(j, k, c);
            behind(w, j->p + j->i);
        }
        ws(j);
        if (j->i < j->n && j->p[j->i] == ',') {
            j->i++;
            ws(j);
            continue;
        }
        if (j->i < j->n && j->p[j->i] == close) {
            j->i++;
            w->nodes[k].end = j->i;
            return 0;
        }
        return fail(j, close == '}' ? "',' or '}'" : "',' or ']'");
    }
}

/* the value at j->i; ks, ke: its key's string token (NONE when not a
 * member).  Returns its node. */
static int jvalue(jp *j, int parent, size_t ks, size_t ke)
{
    if (j->i >= j->n)
        return fail(j, "a value");
    char c = j->p[j->i];
    int k;
    if (c == '{' || c == '[') {
        if (++j->depth > 512)
            return fail(j, "at most 512 levels of nesting");
        k = new_node(j, c == '{' ? 'o' : 'a', parent, ks, ke);
        if (k < 0)
            return -1;
        if (j->stream && c == '{')
            j->w->nodes[k].ord = j->nobj++;
        if ((j->walk && sw_value(j, k)) || jcontainer(j, k, c == '{' ? '}' : ']') ||
            (j->stream && sw_close(j, k)))
            return -1;
        j->depth--;
        return k;
    }
    if (c == '"') {
        k = new_node(j, 's', parent, ks, ke);
        int esc;
        if (k < 0 || jstring(j, &esc))
            return -1;
        j->w->nodes[k].esc = (unsigned char)esc;
        j->w->nodes[k].end = j->i;
        return j->walk && sw_value(j, k) ? -1 : k;
    }
    if (c == '-' || isdigit((unsigned char)c)) {
        k = new_node(j, 'n', parent, ks, ke);
        if (k < 0)
            return -1;
        size_t i = j->i;
        if (j->p[i] == '-')
            i++;
        if (i >= j->n || !isdigit((unsigned char)j->p[i]))
            return fail(j, "a digit");
        if (j->p[i] == '0')
            i++;
        else
            while (i < j->n && isdigit((unsigned char)j->p[i]))
                i++;
        if (i < j->n && j->p[i] == '.') {
            i++;
            if (i >= j->n || !isdigit((unsigned char)j->p[i])) {
                j->i = i;
                return fail(j, "a digit after '.'");
            }
            while (i < j->n && isdigit((unsigned char)j->p[i]))
                i++;
        }
        if (i < j->n && (j->p[i] == 'e' || j->p[i] == 'E')) {
            i++;
            if (i < j->n && (j->p[i] == '+' || j->p[i] == '-'))
                i++;
            if (i >= j->n || !isdigit((unsigned char)j->p[i])) {
                j->i = i;
                return fail(j, "a digit in the exponent");
            }
            while (i < j->n && isdigit((unsigned char)j->p[i]))
                i++;
        }
        j->i = i;
        j->w->nodes[k].end = i;
        return j->walk && sw_value(j, k) ? -1 : k;
    }
    /* true, false, null: by the first byte (a loop over the three with
     * strlen and memcmp calls ran for every null) */
    const char *lit = c == 't' ? "true" : c == 'f' ? "false" : "null";
    size_t l = c == 'f' ? 5 : 4;
    if (j->n - j->i >= l && memcmp(j->p + j->i, lit, l) == 0) {
        k = new_node(j, 'l', parent, ks, ke);
        if (k < 0)
            return -1;
        j->i += l;
        j->w->nodes[k].end = j->i;
        return j->walk && sw_value(j, k) ? -1 : k;
    }
    return fail(j, "a JSON value (object, array, string, number, true, "
                   "false or null)");
}

/* Of the quoted token p[0, n), the run from *i on before the next byte c
 * (or the closing quote) onto out, copied whole but no further than out
 * holding `upto` bytes (a long value's window); *i moves past it.  Where
 * c is, or NULL. */
static const char *run_to(rd_buf *out, const char *p, size_t n, size_t *i,
                          size_t upto, int c)
{
    size_t lim = n - 1 - *i;
    if (lim > upto - out->n)
        lim = upto - out->n;
    const char *q = memchr(p + *i, c, lim);
    size_t j = q ? (size_t)(q - p) : *i + lim;
    rd_buf_put(out, p + *i, j - *i);
    *i = j;
    return q;
}

/* Decode the JSON string token p[0, n) (with its quotes) from *at (1 at
 * its start) onto out, until out holds `upto` bytes (an escape whole:
 * a few more) or the token ends; *at is where it stopped.  Invalid
 * surrogates become U+FFFD. */
static void jdecode_step(rd_buf *out, const char *p, size_t n, size_t *at,
                         size_t upto)
{
    size_t i = *at;
    while (i + 1 < n && out->n < upto) {
        if (!run_to(out, p, n, &i, upto, '\\'))
            continue;
        char c = p[++i];
        switch (c) {
        case 'b': rd_buf_putc(out, '\b'); break;
        case 'f': rd_buf_putc(out, '\f'); break;
        case 'n': rd_buf_putc(out, '\n'); break;
        case 'r': rd_buf_putc(out, '\r'); break;
        case 't': rd_buf_putc(out, '\t'); break;
        case 'u': {
            unsigned cp = (unsigned)strtoul((char[5]){p[i + 1], p[i + 2],
                                                      p[i + 3], p[i + 4], 0},
                                            NULL, 16);
            i += 4;
            if (cp >= 0xD800 && cp <= 0xDBFF && i + 6 < n && p[i + 1] == '\\' &&
                p[i + 2] == 'u') {
                unsigned lo = (unsigned)strtoul(
                    (char[5]){p[i + 3], p[i + 4], p[i + 5], p[i + 6], 0}, NULL,
                    16);
                if (lo >= 0xDC00 && lo <= 0xDFFF) {
                    cp = 0x10000 + ((cp - 0xD800) << 10) + (lo - 0xDC00);
                    i += 6;
                }
            }
            if (cp >= 0xD800 && cp <= 0xDFFF)
                cp = 0xFFFD;
            char u[4];
            size_t un;
            if (cp < 0x80) {
                u[0] = (char)cp, un = 1;
            } else if (cp < 0x800) {
                u[0] = (char)(0xC0 | cp >> 6), u[1] = (char)(0x80 | (cp & 0x3F));
                un = 2;
            } else if (cp < 0x10000) {
                u[0] = (char)(0xE0 | cp >> 12);
                u[1] = (char)(0x80 | ((cp >> 6) & 0x3F));
                u[2] = (char)(0x80 | (cp & 0x3F));
                un = 3;
            } else {
                u[0] = (char)(0xF0 | cp >> 18);
                u[1] = (char)(0x80 | ((cp >> 12) & 0x3F));
                u[2] = (char)(0x80 | ((cp >> 6) & 0x3F));
                u[3] = (char)(0x80 | (cp & 0x3F));
                un = 4;
            }
            rd_buf_put(out, u, un);
            break;
        }
        default: rd_buf_putc(out, c); break; /* " \ / */
        }
        i++;
    }
    *at = i;
}

/* Decode a whole JSON string token (with quotes) into out. */
static int jdecode(rd_buf *out, const char *p, size_t n)
{
    out->n = 0;
    /* the decoded string is no longer than the token: room for it at
     * once */
    if (n < 2 || rd_buf_grow(out, n - 2))
        return 0;
    size_t at = 1;
    jdecode_step(out, p, n, &at, SIZE_MAX);
    return 0;
}

/* The JSON pointer of node k (RFC 6901) into w->path. */
static void pointer(rd_worker *w, const char *rec, int k)
{
    int chain[600], nc = 0;
    for (int q = k; q >= 0 && nc < 600; q = w->nodes[q].parent)
        chain[nc++] = q;
    w->path.n = 0;
    for (int c = nc - 2; c >= 0; c--) {
        const jnode *nd = &w->nodes[chain[c]];
        rd_buf_putc(&w->path, '/');
        if (nd->kstart != NONE) {
            jdecode(&w->key, rec + nd->kstart, nd->kend - nd->kstart);
            for (size_t i = 0; i < w->key.n; i++) {
                char ch = w->key.p[i];
                if (ch == '~')
                    rd_buf_put(&w->path, "~0", 2);
                else if (ch == '/')
                    rd_buf_put(&w->path, "~1", 2);
                else
                    rd_buf_putc(&w->path, ch);
            }
        } else { /* array index */
            rd_buf_printf(&w->path, "%d", nd->idx);
        }
    }
}

static rd_action field_rule(rd_worker *w, const char *rec, int k)
{
    const rd_policy *p = rd_engine_policy(w->eng);
    const jnode *nd = &w->nodes[k];
    if (!p->nfields)
        return RD_ACT_DEFAULT;
    int ptr_done = 0;
    for (size_t i = 0; i < p->nfields; i++) {
        const char *name = p->fields[i].name;
        if (name[0] == '/') {
            if (!ptr_done) {
                pointer(w, rec, k);
                ptr_done = 1;
            }
            if (strlen(name) == w->path.n &&
                memcmp(name, w->path.p, w->path.n) == 0)
                return p->fields[i].action;
        } else if (nd->kstart != NONE) {
            size_t kl = nd->kend - nd->kstart - 2;
            if (strlen(name) == kl && memcmp(name, rec + nd->kstart + 1, kl) == 0)
                return p->fields[i].action;
        }
    }
    return RD_ACT_DEFAULT;
}

/* is m a member the policy drops objects for ("confidential": true)? */
static int drop_member(const rd_worker *w, const char *rec, const jnode *m)
{
    const rd_policy *p = rd_engine_policy(w->eng);
    size_t kl = m->kend - m->kstart - 2;
    for (size_t i = 0; i < p->ndrop_if; i++) {
        const rd_drop_if *d = &p->drop_if[i];
        if (strlen(d->key) != kl || memcmp(d->key, rec + m->kstart + 1, kl) != 0)
            continue;
        const char *v = rec + m->start;
        size_t vl = m->end - m->start;
        if (d->value_is_bool) {
            const char *want = d->bool_value ? "true" : "false";
            if (m->type == 'l' && vl == strlen(want) && !memcmp(v, want, vl))
                return 1;
        } else if (m->type == 's') {
            if (vl - 2 == strlen(d->value) && memcmp(v + 1, d->value, vl - 2) == 0)
                return 1;
        } else if (vl == strlen(d->value) && !memcmp(v, d->value, vl)) {
            return 1;
        }
    }
    return 0;
}

/* does object k carry such a member?  (stream: the first pass noted it) */
static int drop_if(const rd_worker *w, const char *rec, int k)
{
    const jnode *nd = &w->nodes[k];
    if (w->srec) {
        size_t o = nd->ord;
        return o / 8 < w->drops.n && (w->drops.p[o / 8] >> (o % 8) & 1);
    }
    for (int c = nd->first; c >= 0; c = w->nodes[c].next)
        if (drop_member(w, rec, &w->nodes[c]))
            return 1;
    return 0;
}

static void mark_changed(rd_worker *w, int k)
{
    for (; k >= 0 && !w->nodes[k].changed; k = w->nodes[k].parent)
        w->nodes[k].changed = 1;
}

/* stream: write the record up to `upto` (not yet written) */
static void sw_copy(rd_worker *w, size_t upto)
{
    if (!w->o->check)
        put_long(w, &w->out, w->srec + w->spos, upto - w->spos);
    w->spos = upto;
}

/* Node k's bytes become n bytes of x, or the JSON string of them (str):
 * written now (stream), or kept in w->repl for emit. */
static void replace(rd_worker *w, int k, const char *x, size_t n, int str)
{
    jnode *nd = &w->nodes[k];
    rd_buf *b = &w->repl;
    if (w->srec) {
        sw_copy(w, nd->start);
        w->spos = nd->end;
        w->schanged = 1;
        b = &w->out;
        if (w->o->check)
            return;
    } else {
        nd->repl = 1;
        nd->rstart = w->repl.n;
        mark_changed(w, k);
    }
    if (str)
        rd_buf_json_str(b, x, n);
    else
        rd_buf_put(b, x, n);
    if (!w->srec)
        nd->rlen = w->repl.n - nd->rstart;
}

/* A value dropped leaves its container with the separator before it when
 * another value was written before it, else with the one after it: the
 * other members keep their bytes, spaces included.  The record itself
 * keeps its shape, empty. */
static void mark_drop(rd_worker *w, int k)
{
    jnode *nd = &w->nodes[k];
    if (nd->parent < 0) {
        const char *shape = nd->type == 'o'   ? "{}"
                            : nd->type == 'a' ? "[]"
                                              : "null";
        replace(w, k, shape, strlen(shape), 0);
        return;
    }
    nd->drop = 1;
    if (!w->srec) {
        mark_changed(w, k);
        return;
    }
    /* written now */
    jnode *p = &w->nodes[nd->parent];
    sw_copy(w, p->sflags & SF_KEPT ? p->prev_end : kbeg(nd));
    if (!(p->sflags & SF_KEPT))
        p->sflags |= SF_PEND;
    w->spos = nd->end;
    w->schanged = 1;
}

static int emit(rd_worker *w, const char *rec, int k)
{
    const jnode *nd = &w->nodes[k];
    if (!nd->changed)
        return rd_buf_put(&w->out, rec + nd->start, nd->end - nd->start);
    if (nd->repl)
        return rd_buf_put(&w->out, w->repl.p + nd->rstart, nd->rlen);
    /* the bytes between children as they are, but where one is dropped
     * (see mark_drop); rec[pos, ...) is not written yet, and a run of
     * unchanged children goes out with the bytes around it in one copy
     * (a copy per child and gap was 1 % of a bench run) */
    size_t pos = nd->start, prev_end = nd->start;
    int kept = 0;
    for (int c = nd->first; c >= 0; c = w->nodes[c].next) {
        const jnode *ch = &w->nodes[c];
        if (!kept && c != nd->first) /* all before dropped */
            pos = kbeg(ch);
        if (!ch->drop) {
            if (ch->changed) {
                rd_buf_put(&w->out, rec + pos, ch->start - pos);
                if (emit(w, rec, c))
                    return -1;
                pos = ch->end;
            }
            kept = 1;
        } else {
            /* before it: the container's start (none kept yet), or what
             * is kept up to the end of the child before it */
            rd_buf_put(&w->out, rec + pos, (kept ? prev_end : kbeg(ch)) - pos);
            pos = ch->end;
        }
        prev_end = ch->end;
    }
    return rd_buf_put(&w->out, rec + pos, nd->end - pos);
}

/* The hint of the key node k sits under.  Records of one export have
 * their keys in the same places: the key last seen at the member's place
 * among its siblings is compared first, before key_hint hashes it (the
 * hash was 1.4 % of a bench run). */
static rd_hint node_hint(rd_worker *w, const char *rec, int k)
{
    while (k >= 0 && w->nodes[k].kstart == NONE)
        k = w->nodes[k].parent;
    if (k < 0)
        return (rd_hint){.want = 0, .suppress = 0, .whole = -1};
    const jnode *nd = &w->nodes[k];
    const char *key = rec + nd->kstart + 1;
    size_t n = nd->kend - nd->kstart - 2;
    rd_hcache *c = &w->kpos[(unsigned)nd->idx & (RD_KPOS - 1)];
    if (slot_is(c, key, n))
        return c->hint;
    rd_hint h = key_hint(w, key, n);
    slot_keep(c, key, n, h);
    return h;
}

/* node k becomes the JSON string of w->tmp */
static void replace_with_tmp(rd_worker *w, int k)
{
    replace(w, k, w->tmp.p ? w->tmp.p : "", w->tmp.n, 1);
    /* a long value's copy is given back now: the record's output, still
     * to be written, needs the room more */
    rd_buf_trim(&w->tmp);
}

/* A value too long to decode whole, as written in the record: p[0, n),
 * the value's bytes from `at` on to `end` bytes before n (its quotes),
 * decoded by dec as far as asked (JSON escapes, CSV doubled quotes), or
 * the value itself when dec is NULL. */
typedef struct lsrc {
    const char *p;
    size_t n, at, end;
    void (*dec)(rd_buf *out, const char *p, size_t n, size_t *at,
                size_t upto);
} lsrc;

/* the findings line of a value redacted whole, vl bytes, as REDACTED */
static int note_redacted(rd_worker *w, uint64_t recno, const char *field,
                         size_t flen, size_t vl)
{
    if (!w->o->findings)
        return 0;
    rd_buf_printf(&w->findings, "{\"record\":%llu,\"field\":",
                  (unsigned long long)recno);
    rd_buf_json_str(&w->findings, field, flen);
    rd_buf_printf(&w->findings,
                  ",\"start\":0,\"end\":%zu,\"type\":\"REDACTED\"}\n", vl);
    return findings_added(w);
}

/* the next piece of the value of lsrc s (rd_render_pieces): up to a
 * window of it, decoded into w->dec when it must be */
typedef struct lpiece {
    rd_worker *w;
    lsrc *s;
} lpiece;

static size_t next_piece(void *ctx, const char **p)
{
    rd_worker *w = ((lpiece *)ctx)->w;
    lsrc *s = ((lpiece *)ctx)->s;
    if (s->at + s->end >= s->n)
        return 0;
    behind(w, s->p + s->at);
    if (s->dec) {
        w->dec.n = 0;
        s->dec(&w->dec, s->p, s->n, &s->at, w->win);
        *p = w->dec.p;
        return w->dec.n;
    }
    size_t k = s->n - s->end - s->at;
    if (k > w->win)
        k = w->win;
    *p = s->p + s->at;
    s->at += k;
    return k;
}

/* A value a field rule redacts whole (whole_value) that is longer than a
 * window once decoded: no scan (it is not one detected value), its
 * rendering into w->tmp from its pieces, none of it held.  0 when it is
 * no longer than a window (the caller takes it whole), 1 when done, -1
 * when out of memory. */
static int long_whole(rd_worker *w, lsrc *s, rd_action a, uint64_t recno,
                      const char *field, size_t flen)
{
    lpiece c = {w, s};
    size_t at0 = s->at, vl = 0;
    const char *p;
    for (size_t k; (k = next_piece(&c, &p)) > 0;)
        vl += k;
    s->at = at0;
    if (vl <= w->win)
        return 0;
    w->tmp.n = 0;
    int rc = note_redacted(w, recno, field, flen, vl) ||
                     rd_render_pieces(&w->tmp, a, "REDACTED", w->o->key,
                                      next_piece, &c)
                 ? -1
                 : 1;
    rd_buf_trim(&w->dec);
    return rc;
}

/* A value a field rule masks, tokenises or drops whole: when it is one
 * detected value (an email under "customer_email") it keeps that type, so
 * its token joins with the same email found in free text; otherwise it is
 * REDACTED.  Renders into w->tmp (nothing for drop). */
static int whole_value(rd_worker *w, const char *v, size_t vl, rd_hint h,
                       rd_action a, uint64_t recno, const char *field,
                       size_t flen)
{
    /* a value longer than a window is not one detected value: no scan,
     * whose memory would follow the value */
    const rd_match *m0 = NULL;
    size_t nm = vl > w->win ? 0 : rd_scan(w->eng, w->s, v, vl, &h, &m0);
    if (nm == RD_SCAN_ERROR)
        return -1;
    size_t a0 = 0, b0 = vl;
    while (a0 < b0 && (v[a0] == ' ' || v[a0] == '\t'))
        a0++;
    while (b0 > a0 && (v[b0 - 1] == ' ' || v[b0 - 1] == '\t'))
        b0--;
    w->tmp.n = 0;
    if (nm == 1 && m0[0].start == a0 && m0[0].end == b0) {
        if (note(w, recno, field, flen, &m0[0]))
            return -1;
        return rd_render(&w->tmp, a, rd_type_name(w->eng, m0[0].type),
                         w->o->key, v, vl, m0[0].norm, m0[0].nlen);
    }
    if (note_redacted(w, recno, field, flen, vl))
        return -1;
    return rd_render(&w->tmp, a, "REDACTED", w->o->key, v, vl, v, vl);
}

/* The whole value under a mask/token/partial field rule. */
static int whole_field(rd_worker *w, const char *rec, int k, rd_action a,
                       uint64_t recno)
{
    jnode *nd = &w->nodes[k];
    const char *v = rec + nd->start;
    size_t vl = nd->end - nd->start;
    if (nd->type == 'l' && vl == 4 && memcmp(v, "null", 4) == 0)
        return 0; /* nothing there to redact */
    pointer(w, rec, k);
    if (nd->type == 's' && vl - 2 > w->win) {
        lsrc s = {.p = v, .n = vl, .at = 1, .end = 1,
                  .dec = nd->esc ? jdecode_step : NULL};
        int r = long_whole(w, &s, a, recno, w->path.p, w->path.n);
        if (r < 0)
            return -1;
        if (r) {
            replace_with_tmp(w, k);
            return 0;
        }
    }
    if (nd->type == 's') {
        jdecode(&w->dec, v, vl);
        v = w->dec.p ? w->dec.p : "";
        vl = w->dec.n;
    }
    if (whole_value(w, v, vl, node_hint(w, rec, k), a, recno, w->path.p,
                    w->path.n))
        return -1;
    replace_with_tmp(w, k);
    return 0;
}

/* value()'s windows over such a value, decoded a window at a time (so its
 * matches and findings), without the whole decoded value or its rewrite
 * in memory: each window's rewrite is written by enc onto out (when not
 * NULL) as it is done.  Says what becomes of the value, as value() does;
 * the caller takes the output back unless it is RD_REWRITE. */
static int windows_of(rd_worker *w, lsrc *s,
                      int (*enc)(rd_buf *b, const char *v, size_t n),
                      const rd_hint *h, rd_action fa, uint64_t recno,
                      vfield *f, rd_buf *out)
{
    rd_buf *d = &w->dec;
    /* v[0, vn): the value's bytes from `base` on -- all of them, or those
     * decoded so far; `last`: to its end */
    const char *v = s->p + s->at;
    size_t vn = s->n - s->at - s->end, base = 0, from = 0;
    int last = 1, what = RD_KEEP_ALL;
    d->n = 0;
    for (;;) {
        if (s->dec) { /* decoded as far as the window reaches */
            s->dec(d, s->p, s->n, &s->at, from - base + w->win + RD_WIN_AHEAD);
            v = d->p, vn = d->n, last = s->at + s->end >= s->n;
        }
        size_t at = from - base;
        if (at >= vn && last)
            break;
        size_t cut = scan_window(w, v, vn, at, h, !last);
        if (cut == SIZE_MAX)
            return -1;
        w->fshift = base;
        int wh = noted(w, recno, f, w->one.m, w->one.n, fa);
        w->fshift = 0;
        if (wh < 0)
            return -1;
        if (wh > what)
            what = wh;
        if (out && what != RD_DROP_VALUE) {
            w->tmp.n = 0;
            if (rewrite(w, &w->tmp, v, at, cut, w->one.m, w->one.n, fa) ||
                enc(out, w->tmp.p, w->tmp.n))
                return -1;
            out_check(w);
        }
        from = base + cut;
        behind(w, s->dec ? s->p + s->at : v + cut);
        /* what the next window needs: RD_WIN_BACK before it */
        if (s->dec && cut > RD_WIN_BACK + w->win) {
            size_t gone = cut - RD_WIN_BACK;
            memmove(d->p, d->p + gone, d->n - gone);
            d->n -= gone;
            base += gone;
        }
    }
    rd_buf_trim(d);
    rd_buf_trim(&w->tmp);
    return what;
}

/* A string of a long record (w->srec) longer than a window, written as
 * windows_of goes; should the value turn out to be kept as it is, or
 * dropped, that output is taken back and the value left to the record's
 * copy, or dropped: what scan_string does with the whole value. */
static int long_string(rd_worker *w, const char *rec, int k, rd_action fa,
                       uint64_t recno)
{
    jnode *nd = &w->nodes[k];
    rd_hint h = node_hint(w, rec, k);
    vfield f = {.rec = rec, .k = k};
    rd_buf *out = w->o->check ? NULL : &w->out;
    size_t spos0 = w->spos, pos0 = out_pos(w);
    if (out) {
        sw_copy(w, nd->start);
        rd_buf_putc(out, '"');
    }
    lsrc src = {.p = rec + nd->start, .n = nd->end - nd->start, .at = 1,
                .end = 1, .dec = nd->esc ? jdecode_step : NULL};
    int what = windows_of(w, &src, rd_buf_json_chars, &h, fa, recno, &f, out);
    if (what < 0)
        return -1;
    if (what == RD_REWRITE) {
        if (out)
            rd_buf_putc(out, '"');
        w->spos = nd->end;
        w->schanged = 1;
        return 0;
    }
    if (out)
        out_rewind(w, pos0);
    w->spos = spos0;
    if (what == RD_DROP_VALUE)
        mark_drop(w, k);
    return 0;
}

static int scan_string(rd_worker *w, const char *rec, int k, rd_action fa,
                       uint64_t recno)
{
    jnode *nd = &w->nodes[k];
    if (w->srec && nd->end - nd->start - 2 > w->win)
        return long_string(w, rec, k, fa, recno);
    /* the decoded value: escapes (jane\u0040contoso.com) are characters */
    const char *v = rec + nd->start + 1;
    size_t vl = nd->end - nd->start - 2;
    if (nd->esc) {
        jdecode(&w->dec, rec + nd->start, nd->end - nd->start);
        v = w->dec.p;
        vl = w->dec.n;
    }
    rd_hint h = node_hint(w, rec, k);
    /* unescaped and idle: what the scan of the whole record found inside
     * this string */
    int slice = !nd->esc &&
                hint_idle(w, &h, v, vl, nd->start + 1, nd->end - 1);
    vfield f = {.rec = rec, .k = k};
    w->tmp.n = 0;
    int what = value(w, v, vl, &h, slice, nd->start + 1, nd->end - 1, fa,
                     recno, &f, w->o->check ? NULL : &w->tmp);
    rd_buf_trim(&w->dec); /* v, if decoded, is done with */
    if (what < 0)
        return -1;
    if (what == RD_KEEP_ALL) /* nothing, or the policy keeps it */
        return 0;
    if (what == RD_DROP_VALUE)
        mark_drop(w, k);
    else
        replace_with_tmp(w, k);
    return 0;
}

static int scan_number(rd_worker *w, const char *rec, int k, rd_action fa,
                       uint64_t recno)
{
    jnode *nd = &w->nodes[k];
    rd_hint h = node_hint(w, rec, k);
    const char *v = rec + nd->start;
    size_t vl = nd->end - nd->start;
    int t = rd_classify_number(w->eng, v, vl, &h);
    if (t < 0)
        return 0;
    rd_match m = {.start = 0, .end = vl, .type = t, .norm = v, .nlen = vl};
    vfield f = {.rec = rec, .k = k};
    int what = noted(w, recno, &f, &m, 1, fa);
    if (what < 0)
        return -1;
    if (what == RD_KEEP_ALL) /* a kept number stays a number */
        return 0;
    if (what == RD_DROP_VALUE) {
        mark_drop(w, k);
        return 0;
    }
    w->tmp.n = 0;
    rd_render(&w->tmp, action_for(w, t, fa), rd_type_name(w->eng, t),
              w->o->key, v, vl, v, vl);
    replace_with_tmp(w, k);
    return 0;
}

enum { AT_KEEP, AT_DROP, AT_WHOLE, AT_WALK };

/* What becomes of node k under the field action *fa inherited from above:
 * kept as it is, dropped, done whole under its own field rule *own, or
 * walked (a container's values, a string or number scanned) under *fa,
 * now k's own. */
static int judge(rd_worker *w, const char *rec, int k, rd_action *fa,
                 rd_action *own)
{
    *own = field_rule(w, rec, k);
    if (*own != RD_ACT_DEFAULT)
        *fa = *own;
    if (*fa == RD_ACT_KEEP)
        return AT_KEEP;
    if (*fa == RD_ACT_DROP && *own == RD_ACT_DROP)
        return AT_DROP;
    if (*own == RD_ACT_MASK || *own == RD_ACT_TOKEN || *own == RD_ACT_PARTIAL)
        return AT_WHOLE;
    if (w->nodes[k].type == 'o' && rd_engine_policy(w->eng)->ndrop_if &&
        drop_if(w, rec, k))
        return AT_DROP;
    return AT_WALK;
}

/* what judge said, for node k whole (a container's values are walked by
 * the caller) */
static int act(rd_worker *w, const char *rec, int k, int at, rd_action fa,
               rd_action own, uint64_t recno)
{
    if (at == AT_DROP)
        mark_drop(w, k);
    else if (at == AT_WHOLE)
        return whole_field(w, rec, k, own, recno);
    else if (at == AT_WALK && w->nodes[k].type == 's')
        return scan_string(w, rec, k, fa, recno);
    else if (at == AT_WALK && w->nodes[k].type == 'n')
        return scan_number(w, rec, k, fa, recno);
    return 0;
}

/* Walk node k and below; fa is the field action inherited from above. */
static int walk(rd_worker *w, const char *rec, int k, rd_action fa,
                uint64_t recno)
{
    jnode *nd = &w->nodes[k];
    rd_action own;
    int at = judge(w, rec, k, &fa, &own);
    if (at != AT_WALK || (nd->type != 'o' && nd->type != 'a'))
        return act(w, rec, k, at, fa, own, recno);
    for (int c = nd->first; c >= 0; c = w->nodes[c].next)
        if (walk(w, rec, c, fa, recno))
            return -1;
    return 0;
}

/* ---- the walk of a long record, as it is parsed ---- */

/* Node k (on the stack) has begun, or ended if it is no container: what
 * walk() would do with it.  A container done whole, dropped or kept has
 * nothing below it walked (j->skip), and is done when it ends. */
static int sw_value(jp *j, int k)
{
    rd_worker *w = j->w;
    jnode *nd = &w->nodes[k];
    if (j->skip >= 0)
        return 0;
    rd_action fa = nd->parent >= 0 ? (rd_action)w->nodes[nd->parent].fa
                                   : RD_ACT_DEFAULT,
              own;
    int at = judge(w, j->p, k, &fa, &own);
    nd->fa = (unsigned char)fa; /* own, when not default */
    if (nd->type != 'o' && nd->type != 'a')
        return act(w, j->p, k, at, fa, own, j->recno);
    if (at != AT_WALK) {
        j->skip = k;
        nd->sflags |= (unsigned char)(at << SF_AT); /* what to do at its end */
    }
    return 0;
}

/* container k has ended: the first pass notes whether the policy drops
 * it (an object), the second does what sw_value left to its end */
static int sw_close(jp *j, int k)
{
    rd_worker *w = j->w;
    jnode *nd = &w->nodes[k];
    if (!j->walk) {
        if (nd->sflags & SF_DROPIF) {
            while (w->drops.n <= nd->ord / 8)
                if (rd_buf_putc(&w->drops, 0)) {
                    j->oom = 1;
                    return fail(j, "(out of memory)");
                }
            w->drops.p[nd->ord / 8] |= (char)(1 << (nd->ord % 8));
        }
        return 0;
    }
    if (j->skip != k)
        return 0;
    j->skip = -1;
    int at = nd->sflags >> SF_AT;
    return act(w, j->p, k, at, (rd_action)nd->fa, (rd_action)nd->fa, j->recno);
}

/* child c of container k has ended */
static void sw_child(jp *j, int k, int c)
{
    rd_worker *w = j->w;
    jnode *p = &w->nodes[k];
    if (!j->walk) {
        if (p->type == 'o' && rd_engine_policy(w->eng)->ndrop_if &&
            drop_member(w, j->p, &w->nodes[c]))
            p->sflags |= SF_DROPIF;
        return;
    }
    if (j->skip >= 0)
        return;
    if (!w->nodes[c].drop)
        p->sflags |= SF_KEPT;
    p->prev_end = w->nodes[c].end;
}

/* Parse rec[0, len) whole (stream: without a tree; walk: walking it);
 * the root node, or -1 with j saying why. */
static int json_parse(jp *j)
{
    j->i = 0;
    j->depth = 0;
    j->nobj = 0;
    j->skip = -1;
    j->w->nnodes = 0;
    ws(j);
    int root = jvalue(j, -1, NONE, NONE);
    if (root >= 0) {
        ws(j);
        if (j->i != j->n) {
            fail(j, "the end of the record after the JSON value");
            root = -1;
        }
    }
    return root;
}

/* A JSON record: parsed into a tree, walked, written out where changed.
 * One longer than w->tree_max is parsed twice without a tree: once to check it
 * is JSON (and which objects the policy drops), once walking each value
 * as it ends and writing the record as it goes (see mark_drop,
 * replace_with_tmp). */
static int json_record(rd_worker *w, const char *rec, size_t len,
                       uint64_t recno)
{
    jp j = {.w = w, .p = rec, .n = len, .recno = recno,
            .stream = len > w->tree_max};
    uintptr_t at = (uintptr_t)rec - (uintptr_t)w->stop_base;
    if (w->stop_len && at < w->stop_len) { /* rec is in the batch scanned */
        j.stops = w->stops;
        j.stops_at = (size_t)at;
        j.stops_len = w->stop_len - j.stops_at;
    }
    w->repl.n = 0;
    w->drops.n = 0;
    int root = json_parse(&j);
    if (root < 0) {
        if (j.oom)
            return -1;
        w->st.malformed++;
        rd_buf_printf(&w->msgs,
                      "record %llu: not valid JSON at byte %zu: expected %s; "
                      "redacted as text\n",
                      (unsigned long long)recno, j.err_at,
                      j.expected ? j.expected : "a JSON value");
        return text_record(w, rec, len, recno);
    }
    if (j.stream) {
        j.walk = 1;
        w->srec = rec;
        w->spos = 0;
        w->schanged = 0;
        root = json_parse(&j);
        w->srec = NULL;
        if (root < 0)
            return -1; /* out of memory: it parsed before */
        if (!w->schanged)
            return w->o->check ? 0 : put_long(w, &w->out, rec, len);
        w->st.changed++;
        if (!w->o->check)
            put_long(w, &w->out, rec + w->spos, len - w->spos);
        return 0;
    }
    if (walk(w, rec, root, RD_ACT_DEFAULT, recno))
        return -1;
    if (!w->nodes[root].changed)
        return rd_buf_put(&w->out, rec, len);
    w->st.changed++;
    if (w->o->check)
        return 0;
    const jnode *r = &w->nodes[root];
    rd_buf_put(&w->out, rec, r->start);
    if (emit(w, rec, root))
        return -1;
    return rd_buf_put(&w->out, rec + r->end, len - r->end);
}

int rd_bulk_action(const char *rec, size_t len)
{
    /* {"index": {...}} -- the first member name decides */
    size_t i = 0;
    while (i < len && isspace((unsigned char)rec[i]))
        i++;
    if (i >= len || rec[i] != '{')
        return -1;
    i++;
    while (i < len && isspace((unsigned char)rec[i]))
        i++;
    static const char *const acts[] = {"\"index\"", "\"create\"",
                                       "\"update\"", "\"delete\""};
    for (int a = 0; a < 4; a++) {
        size_t l = strlen(acts[a]);
        if (len - i >= l && memcmp(rec + i, acts[a], l) == 0) {
            size_t k = i + l;
            while (k < len && isspace((unsigned char)rec[k]))
                k++;
            if (k < len && rec[k] == ':')
                return a < 3;
        }
    }
    return -1;
}

/* ---- CSV -------------------------------------------------------------- */

typedef struct cfield {
    size_t s, e; /* raw, with quotes */
    int quoted;
} cfield;

/* memchr, in a long record (rd_worker.behind set) a few MB at a time,
 * the pages behind let go; w may be NULL */
static const char *find_long(rd_worker *w, const char *p, int c, size_t n)
{
    enum { STEP = 4 << 20 };
    if (w)
        behind(w, p);
    for (; w && w->behind && n > STEP; p += STEP, n -= STEP) {
        const char *q = memchr(p, c, STEP);
        if (q)
            return q;
        behind(w, p + STEP);
    }
    return memchr(p, c, n);
}

/* The field of row r[0, n) that begins at *i, into c; *i moves to where
 * the next one begins, past n after the last.  -1 when a quoted field is
 * not closed or has text after its closing quote, *bad saying where.
 * Fields are read one at a time, never all kept: a row of millions of
 * fields takes no more memory than a short one. */
static int csv_next(rd_worker *w, const char *r, size_t n, size_t *i,
                    cfield *c, size_t *bad)
{
    size_t k = *i;
    c->s = k;
    c->quoted = k < n && r[k] == '"';
    if (c->quoted) {
        for (k++;; k++) { /* past each quote, a doubled one whole */
            const char *q = k < n ? find_long(w, r + k, '"', n - k) : NULL;
            if (!q) {
                *bad = n;
                return -1;
            }
            k = (size_t)(q - r) + 1;
            if (k >= n || r[k] != '"')
                break;
        }
        if (k < n && r[k] != ',') {
            *bad = k;
            return -1;
        }
    } else {
        const char *cm = k < n ? find_long(w, r + k, ',', n - k) : NULL;
        k = cm ? (size_t)(cm - r) : n;
    }
    c->e = k;
    *i = k + 1;
    return 0;
}

/* the number of fields of row r[0, n), or -1 as csv_next */
static long csv_count(rd_worker *w, const char *r, size_t n, size_t *bad)
{
    long nf = 0;
    cfield c;
    for (size_t i = 0; i <= n; nf++)
        if (csv_next(w, r, n, &i, &c, bad))
            return -1;
    return nf;
}

static void csv_decode(rd_buf *out, const char *r, const cfield *c)
{
    out->n = 0;
    if (!c->quoted) {
        rd_buf_put(out, r + c->s, c->e - c->s);
        return;
    }
    for (size_t i = c->s + 1; i + 1 < c->e; i++) {
        rd_buf_putc(out, r[i]);
        if (r[i] == '"')
            i++;
    }
}

/* v[0, n) with each quote doubled */
static int csv_chars(rd_buf *b, const char *v, size_t n)
{
    for (;;) {
        const char *q = memchr(v, '"', n);
        size_t k = q ? (size_t)(q - v) + 1 : n;
        rd_buf_put(b, v, k);
        if (!q)
            break;
        rd_buf_putc(b, '"');
        v += k, n -= k;
    }
    return b->err ? -1 : 0;
}

static void csv_encode(rd_buf *out, const char *v, size_t n, int quoted)
{
    if (!quoted)
        for (size_t i = 0; i < n; i++)
            if (strchr(",\"\r\n", v[i])) {
                quoted = 1;
                break;
            }
    if (!quoted) {
        rd_buf_put(out, v, n);
        return;
    }
    rd_buf_putc(out, '"');
    csv_chars(out, v, n);
    rd_buf_putc(out, '"');
}

/* a long quoted field's value a step at a time (lsrc.dec; csv_decode) */
static void csv_decode_step(rd_buf *out, const char *p, size_t n,
                            size_t *at, size_t upto)
{
    size_t i = *at;
    while (i + 1 < n && out->n < upto)
        if (run_to(out, p, n, &i, upto, '"')) { /* a doubled quote */
            rd_buf_putc(out, '"');
            i += 2;
        }
    *at = i;
}

static int put_raw(rd_buf *b, const char *v, size_t n)
{
    return rd_buf_put(b, v, n);
}

/* A field longer than a window, written as windows_of goes (see
 * long_string), after the row's bytes from *pos: quoted as it was, or as
 * csv_encode would quote it (its bytes need it).  Returns 1 when it
 * changed (*pos moves past it), 0 when it is kept as it is (nothing
 * written), -1 when out of memory. */
static int long_field(rd_worker *w, const char *rec, const cfield *f,
                      size_t *pos, const rd_hint *h, rd_action fa,
                      uint64_t recno, const char *name)
{
    rd_buf *out = w->o->check ? NULL : &w->out;
    const char *v = rec + f->s;
    size_t n = f->e - f->s;
    int inner = f->quoted && find_long(w, v + 1, '"', n - 2) != NULL;
    int quoted = f->quoted || find_long(w, v, '"', n) ||
                 find_long(w, v, '\r', n) || find_long(w, v, 0, n);
    size_t pos0 = out_pos(w);
    if (out) {
        put_long(w, out, rec + *pos, f->s - *pos);
        if (quoted)
            rd_buf_putc(out, '"');
    }
    lsrc src = {.p = v, .n = n, .at = (size_t)f->quoted,
                .end = (size_t)f->quoted, .dec = inner ? csv_decode_step : NULL};
    vfield vf = {.name = name, .len = strlen(name), .k = -1};
    int what = windows_of(w, &src, quoted ? csv_chars : put_raw, h, fa,
                          recno, &vf, out);
    if (what < 0)
        return -1;
    if (what == RD_KEEP_ALL) {
        if (out)
            out_rewind(w, pos0);
        return 0;
    }
    if (out && what == RD_DROP_VALUE) { /* an empty field */
        out_rewind(w, pos0);
        put_long(w, out, rec + *pos, f->s - *pos);
        csv_encode(out, "", 0, f->quoted);
    } else if (out && quoted) {
        rd_buf_putc(out, '"');
    }
    *pos = f->e;
    return 1;
}


int rd_columns_parse(rd_columns *c, const rd_engine *eng, const char *rec,
                     size_t len, lg_err *e)
{
    size_t bad = 0;
    *c = (rd_columns){0};
    long nf = csv_count(NULL, rec, len, &bad);
    if (nf < 0)
        return lg_err_set(e, "CSV header: a quoted name is not closed or has "
                             "text after its closing quote at byte %zu",
                          bad);
    c->name = calloc((size_t)nf, sizeof *c->name);
    c->hint = calloc((size_t)nf, sizeof *c->hint);
    c->action = calloc((size_t)nf, sizeof *c->action);
    if (!c->name || !c->hint || !c->action)
        return lg_err_set(e, "out of memory");
    c->n = (size_t)nf;
    const rd_policy *p = rd_engine_policy(eng);
    rd_buf b = {0};
    cfield f;
    size_t at = 0;
    for (size_t i = 0; i < c->n; i++) {
        csv_next(NULL, rec, len, &at, &f, &bad);
        csv_decode(&b, rec, &f);
        c->name[i] = strndup(b.p ? b.p : "", b.n);
        if (!c->name[i]) {
            rd_buf_free(&b);
            return lg_err_set(e, "out of memory");
        }
        c->hint[i] = rd_hint_for_key(eng, c->name[i], strlen(c->name[i]));
        for (size_t r = 0; r < p->nfields; r++)
            if (strcmp(p->fields[r].name, c->name[i]) == 0 ||
                (p->fields[r].name[0] == '/' &&
                 strcmp(p->fields[r].name + 1, c->name[i]) == 0))
                c->action[i] = p->fields[r].action;
    }
    rd_buf_free(&b);
    return 0;
}

void rd_columns_free(rd_columns *c)
{
    for (size_t i = 0; i < c->n; i++)
        free(c->name[i]);
    free(c->name);
    free(c->hint);
    free(c->action);
    *c = (rd_columns){0};
}

static int csv_record(rd_worker *w, const char *rec, size_t len,
                      uint64_t recno)
{
    size_t bad = 0;
    if (csv_count(w, rec, len, &bad) < 0) {
        w->st.malformed++;
        rd_buf_printf(&w->msgs,
                      "record %llu: not a valid CSV row at byte %zu: expected "
                      "a closing quote followed by ',' or the end of the row; "
                      "redacted as text\n",
                      (unsigned long long)recno, bad);
        return text_record(w, rec, len, recno);
    }
    const rd_columns *cols = w->cols;
    int changed = 0;
    size_t start_out = out_pos(w), pos = 0, at = 0;
    for (size_t i = 0; at <= len; i++) {
        cfield f;
        csv_next(w, rec, len, &at, &f, &bad);
        rd_action fa = cols && i < cols->n ? cols->action[i] : RD_ACT_DEFAULT;
        const char *name = cols && i < cols->n ? cols->name[i] : NULL;
        char numname[32];
        if (!name || !*name) { /* beyond the header, or named "" */
            snprintf(numname, sizeof numname, "%zu", i + 1);
            name = numname;
        }
        if (fa == RD_ACT_KEEP)
            continue;
        rd_hint h = cols && i < cols->n
                        ? cols->hint[i]
                        : (rd_hint){.want = 0, .suppress = 0, .whole = -1};
        int whole = fa == RD_ACT_DROP || fa == RD_ACT_MASK ||
                    fa == RD_ACT_TOKEN || fa == RD_ACT_PARTIAL;
        if (!whole && f.e - f.s > w->win) {
            int r = long_field(w, rec, &f, &pos, &h, fa, recno, name);
            if (r < 0)
                return -1;
            changed |= r;
            continue;
        }
        int done = 0; /* redacted whole from its pieces (long_whole) */
        if (whole && f.e - f.s > w->win) {
            const char *fv = rec + f.s;
            size_t fn = f.e - f.s;
            lsrc src = {.p = fv, .n = fn, .at = (size_t)f.quoted,
                        .end = (size_t)f.quoted,
                        .dec = f.quoted && find_long(w, fv + 1, '"', fn - 2)
                                   ? csv_decode_step
                                   : NULL};
            if ((done = long_whole(w, &src, fa, recno, name, strlen(name))) < 0)
                return -1;
        }
        if (!done) {
            csv_decode(&w->dec, rec, &f);
            const char *v = w->dec.p ? w->dec.p : "";
            size_t vl = w->dec.n;
            w->tmp.n = 0;
            if (whole) {
                if (vl == 0)
                    continue;
                if (whole_value(w, v, vl, h, fa, recno, name, strlen(name)))
                    return -1;
            } else {
                size_t q = (size_t)f.quoted;
                int slice = (!f.quoted ||
                             !memchr(rec + f.s + 1, '"', f.e - f.s - 2)) &&
                            hint_idle(w, &h, v, vl, f.s + q, f.e - q);
                vfield vf = {.name = name, .len = strlen(name), .k = -1};
                int what = value(w, v, vl, &h, slice, f.s + q, f.e - q, fa,
                                 recno, &vf, w->o->check ? NULL : &w->tmp);
                if (what < 0)
                    return -1;
                if (what == RD_KEEP_ALL)
                    continue;
                if (what == RD_DROP_VALUE) /* an empty field */
                    w->tmp.n = 0;
            }
        }
        changed = 1;
        if (w->o->check)
            continue;
        put_long(w, &w->out, rec + pos, f.s - pos);
        csv_encode(&w->out, w->tmp.p ? w->tmp.p : "", w->tmp.n, f.quoted);
        pos = f.e;
    }
    if (!changed) {
        if (w->o->check)
            return 0;
        out_rewind(w, start_out);
        return put_long(w, &w->out, rec, len);
    }
    w->st.changed++;
    if (w->o->check)
        return 0;
    return put_long(w, &w->out, rec + pos, len - pos);
}

static int dispatch1(rd_worker *w, rd_role role, const char *rec,
                     size_t len, uint64_t recno);

static int dispatch(rd_worker *w, rd_role role, const char *rec, size_t len,
                    uint64_t recno)
{
    w->rec_found = 0;
    w->ri = w->wi = 0; /* cursors into this record's matches (rm) */
    int rc = dispatch1(w, role, rec, len, recno);
    w->st.found_in += (uint64_t)w->rec_found;
    return rc;
}

static int dispatch1(rd_worker *w, rd_role role, const char *rec,
                     size_t len, uint64_t recno)
{
    w->st.records++;
    switch (role) {
    case RD_ROLE_VERBATIM:
        return w->o->check ? 0 : put_long(w, &w->out, rec, len);
    case RD_ROLE_JSON: {
        size_t i = 0;
        while (i < len && isspace((unsigned char)rec[i]))
            i++;
        if (i == len) /* a blank line is kept as it is */
            return w->o->check ? 0 : put_long(w, &w->out, rec, len);
        return json_record(w, rec, len, recno);
    }
    case RD_ROLE_CSV:
        return csv_record(w, rec, len, recno);
    case RD_ROLE_TEXT:
    default:
        return text_record(w, rec, len, recno);
    }
}

/* any allocation that failed on the way (buffers are sticky) */
static int worker_failed(rd_worker *w)
{
    rd_buf *b[] = WORKER_BUFS(w);
    for (size_t i = 0; i < sizeof b / sizeof *b; i++)
        if (b[i]->err)
            return -1;
    return w->bm.norm.err || w->rm.norm.err || w->one.norm.err || w->sub_oom
               ? -1
               : 0;
}

/* The matches of a record before dispatch: its own scan, or none for a
 * record longer than a window, whose values are scanned on their own
 * (window by window when long: memory follows the window, not the
 * record). */
static int record_prep(rd_worker *w, rd_role role, const char *rec,
                       size_t len)
{
    w->long_rec = len > w->win;
    if (w->long_rec) {
        w->rm.n = w->rm.nwk = 0;
        return 0;
    }
    return role != RD_ROLE_VERBATIM ? record_scan(w, rec, len) : 0;
}

int rd_record(rd_worker *w, rd_role role, const char *rec, size_t len,
              uint64_t recno)
{
    w->stop_len = 0; /* no batch scan's marks */
    if (record_prep(w, role, rec, len) ||
        dispatch(w, role, rec, len, recno))
        return -1;
    w->long_rec = 0;
    return worker_failed(w);
}

int rd_batch(rd_worker *w, const char *data, size_t n, const rd_rec *recs,
             size_t nrec, uint64_t recno0)
{
    /* one scan for the whole batch: per-record calls into Vectorscan cost
     * more than the scanning of a short record itself; a batch longer
     * than a window holds a long record: each record on its own */
    int whole = n <= w->win;
    w->long_rec = 0;
    w->stop_len = 0;
    if (whole) {
        /* JSON records take their strings' ends from the scan's marks */
        int json = 0;
        for (size_t i = 0; i < nrec && !json; i++)
            json = recs[i].role == RD_ROLE_JSON;
        if (json &&
            !lg_grow(&w->stops, &w->capstops, n / 64 + 1, sizeof *w->stops))
            rd_scan_stops(w->s, w->stops);
        const rd_match *m;
        size_t nm = rd_scan(w->eng, w->s, data, n, NULL, &m);
        if (nm == RD_SCAN_ERROR || store_scan(w, &w->bm, m, nm))
            return -1;
        w->stop_base = data;
        w->stop_len = json ? rd_scan_stopped(w->s) : 0;
        w->bi = w->bw = 0;
    }
    for (size_t i = 0; i < nrec; i++) {
        const rd_rec *r = &recs[i];
        if ((whole ? record_slice(w, r->off, r->len)
                   : record_prep(w, r->role, data + r->off, r->len)) ||
            dispatch(w, r->role, data + r->off, r->len, recno0 + i + 1))
            return -1;
        /* its line end, one or two bytes: a memcpy call per record cost
         * more than the bytes */
        const char *t = data + r->off + r->len;
        if (!w->o->check && r->term &&
            (rd_buf_putc(&w->out, t[0]) ||
             (r->term > 1 && rd_buf_putc(&w->out, t[1]))))
            return -1;
    }
    w->long_rec = 0;
    w->stop_len = 0;
    return worker_failed(w);
}
