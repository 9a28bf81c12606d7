/* engine.c - compile every pattern into one Vectorscan database, scan a
 * buffer once, confirm candidates, resolve overlaps.
 *
 * The database holds *anchors*: short, mostly literal patterns (an at-sign
 * in any of its disguises, an issuer prefix, a run of digits, a greeting)
 * that Vectorscan finds at memory speed.  Each anchor has an expander in
 * detect.c that grows it to the whole value with the type's own grammar
 * (local part and domain around the at, the whole run of grouped digits)
 * and a validator that confirms it (Luhn, mod 97, inet_pton, TLD list,
 * entropy, context words).  Wide regexes that start anywhere ("any word
 * followed by ' at '") would cost Vectorscan ten times more; the expanders
 * pay only where an anchor is.
 *
 * Zero-width characters and full-width forms (U+FF20 FULLWIDTH COMMERCIAL
 * AT) are found by one more pattern; the line holding them is folded to
 * ASCII with an offset map and scanned again, so every expander sees plain
 * ASCII and every match maps back to the original bytes.
 *
 * Overlaps are resolved per cluster of overlapping candidates: longest
 * first, then the one its own shape or name found over a weak one a
 * context word let in, then the type's priority. */
#include "core/arena.h"
#include "redact/engine_int.h"

#include <ctype.h>
#include <stdlib.h>
#include <string.h>

static const char *const builtin_names[RD_NBUILTIN] = {
    "EMAIL", "AGENT_EMAIL", "PHONE", "IP_ADDRESS", "CREDIT_CARD", "IBAN",
    "US_SSN", "URL", "MAC_ADDRESS", "SECRET", "PERSON", "LOCATION",
    "DATE_OF_BIRTH",
};
/* lower wins when two candidates of equal length overlap */
static const int builtin_prio[RD_NBUILTIN] = {5, 5, 9, 7, 2, 3, 4, 6, 8, 1,
                                              10, 11, 8};

static int add_pattern(rd_engine *g, const char *re, unsigned flags, int kind,
                       int arg)
{
    /* three parallel arrays, one capacity: grow each from the same cap */
    size_t c1 = g->cappat, c2 = g->cappat, c3 = g->cappat;
    if (lg_grow(&g->pre, &c1, g->npat + 1, sizeof *g->pre) ||
        lg_grow(&g->pflags, &c2, g->npat + 1, sizeof *g->pflags) ||
        lg_grow(&g->pinfo, &c3, g->npat + 1, sizeof *g->pinfo))
        return -1;
    g->cappat = c1;
    char *d = strdup(re);
    if (!d)
        return -1;
    g->pre[g->npat] = d;
    g->pflags[g->npat] = flags;
    g->pinfo[g->npat] = (pat_info){.kind = kind, .arg = arg};
    g->npat++;
    return 0;
}

int rd_type_count(const rd_engine *g) { return g->ntypes; }
const rd_policy *rd_engine_policy(const rd_engine *g) { return g->pol; }

const char *rd_type_name(const rd_engine *g, int t)
{
    return t >= 0 && t < g->ntypes ? g->tname[t] : "?";
}

int rd_type_lookup(const rd_engine *g, const char *name)
{
    for (int t = 0; t < g->ntypes; t++)
        if (strcmp(g->tname[t], name) == 0)
            return t;
    return -1;
}

rd_action rd_type_action(const rd_engine *g, int t)
{
    return t >= 0 && t < g->ntypes ? g->taction[t] : RD_ACT_DEFAULT;
}

static char *lower_dup(const char *s)
{
    char *d = strdup(s);
    for (char *p = d; p && *p; p++)
        *p = (char)tolower((unsigned char)*p);
    return d;
}

/* The database of gen/rd_hsdb.c, or NULL when it does not fit: other
 * anchors or another Vectorscan (the key), or compiled for a CPU feature
 * this one lacks (Vectorscan then refuses to scan with it). */
static hs_database_t *builtin_db(void)
{
    hs_database_t *db = NULL;
    hs_scratch_t *sc = NULL;
    if (rd_hsdb_key != rd_anchor_key() ||
        hs_deserialize_database((const char *)rd_hsdb, rd_hsdb_len, &db) !=
            HS_SUCCESS)
        return NULL;
    if (hs_alloc_scratch(db, &sc) != HS_SUCCESS ||
        hs_scan(db, "x", 1, 0, sc, NULL, NULL) != HS_SUCCESS) {
        hs_free_database(db);
        db = NULL;
    }
    hs_free_scratch(sc);
    return db;
}

static rd_engine *engine_new(const rd_policy *p, int all_hs, lg_err *e)
{
    rd_cscan_init();
    rd_engine *g = calloc(1, sizeof *g);
    rd_policy *own = NULL;
    const char *pf = p && p->file ? p->file : "policy";
    if (!g)
        goto oom;
    if (!p)
        p = own = rd_policy_new();
    if (!p)
        goto oom;
    g->pol = p;
    g->own_pol = own;
    g->all_hs = all_hs;
    for (int t = 0; t < RD_NBUILTIN; t++) {
        g->tname[t] = builtin_names[t];
        g->tprio[t] = builtin_prio[t];
        g->enabled[t] = 1;
    }
    g->ntypes = RD_NBUILTIN;
    for (size_t i = 0; i < p->ncustom; i++) {
        const rd_custom *c = &p->custom[i];
        int t = rd_type_lookup(g, c->type);
        if (t >= 0 && t < RD_NBUILTIN) {
            lg_err_at(e, pf, c->line, 0,
                      "custom type %s: the name of a built-in type", c->type);
            goto fail;
        }
        if (t < 0) {
            if (g->ntypes == RD_MAXTYPES) {
                lg_err_at(e, pf, c->line, 0, "more than %d types",
                          RD_MAXTYPES);
                goto fail;
            }
            t = g->ntypes++;
            g->tname[t] = c->type;
            g->tprio[t] = 0; /* the company's own formats win ties */
            g->enabled[t] = 1;
        }
    }
    for (size_t i = 0; i < p->ntypes; i++) {
        const rd_type_setting *s = &p->types[i];
        int t = rd_type_lookup(g, s->type);
        if (t < 0) {
            lg_err_at(e, pf, s->line, 0,
                      "unknown type %s (expected a built-in type such as "
                      "EMAIL or a custom type of this policy)",
                      s->type);
            goto fail;
        }
        if (s->enabled >= 0)
            g->enabled[t] = s->enabled;
        if (s->action != RD_ACT_DEFAULT)
            g->taction[t] = s->action;
    }
    /* allow-list and own domains, lower-cased once */
    g->allow = calloc(p->nallow + 1, sizeof *g->allow);
    g->domains = calloc(p->ndomains + 1, sizeof *g->domains);
    if (!g->allow || !g->domains)
        goto oom;
    for (size_t i = 0; i < p->nallow; i++)
        if (!(g->allow[g->nallow++] = lower_dup(p->allow[i].s)))
            goto oom;
    for (size_t i = 0; i < p->ndomains; i++)
        if (!(g->domains[g->ndomains++] = lower_dup(p->own_domains[i].s)))
            goto oom;

    for (size_t i = 0; i < rd_nanchors; i++)
        if ((all_hs || !rd_cscanned(rd_anchors[i].kind)) &&
            add_pattern(g, rd_anchors[i].re, 0, rd_anchors[i].kind,
                        rd_anchors[i].arg))
            goto oom;
    size_t nbuiltin_pat = g->npat;
    for (size_t i = 0; i < p->ncustom; i++) {
        const rd_custom *c = &p->custom[i];
        /* ^ and $ at every line: a record's own scan and the scan of a
         * batch of records must find the same */
        unsigned fl = SOM | HS_FLAG_MULTILINE |
                      (c->caseless ? HS_FLAG_CASELESS : 0);
        if (add_pattern(g, c->pattern, fl, K_CUSTOM, (int)i))
            goto oom;
    }
    /* gazetteers are hash sets consulted by the expanders: as Vectorscan
     * literals they would cost a second of compiling at every start */
    g->gaz_first = rd_gaz_new(rd_data_first_names);
    g->gaz_last = rd_gaz_new(rd_data_surnames);
    g->gaz_place = rd_gaz_new2(rd_data_cities, rd_data_regions);
    g->gaz_tld = rd_gaz_new(rd_data_tlds);
    if (!g->gaz_first || !g->gaz_last || !g->gaz_place || !g->gaz_tld ||
        rd_word_sets(g))
        goto oom;

    /* without custom patterns the database is the one built with the
     * program, when it fits */
    if (!all_hs && g->npat == nbuiltin_pat && (g->db = builtin_db()))
        return g;
    unsigned *ids = malloc(g->npat * sizeof *ids);
    if (!ids)
        goto oom;
    for (size_t i = 0; i < g->npat; i++)
        ids[i] = (unsigned)i;
    hs_compile_error_t *ce = NULL;
    hs_error_t rc = hs_compile_multi((const char *const *)g->pre, g->pflags,
                                     ids, (unsigned)g->npat, HS_MODE_BLOCK,
                                     NULL, &g->db, &ce);
    free(ids);
    if (rc != HS_SUCCESS) {
        int at = ce ? ce->expression : -1;
        if (at >= (int)nbuiltin_pat) {
            const rd_custom *c = &p->custom[at - (int)nbuiltin_pat];
            lg_err_at(e, pf, c->line, 0, "custom type %s: pattern rejected: %s",
                      c->type, ce->message);
        } else {
            lg_err_set(e, "built-in pattern %d rejected: %s", at,
                       ce ? ce->message : "unknown error");
        }
        hs_free_compile_error(ce);
        goto fail;
    }
    return g;
oom:
    lg_err_set(e, "out of memory compiling the detectors");
fail:
    rd_engine_free(g);
    return NULL;
}

rd_engine *rd_engine_new(const rd_policy *p, lg_err *e)
{
    return engine_new(p, 0, e);
}

rd_engine *rd_engine_new_reference(const rd_policy *p, lg_err *e)
{
    return engine_new(p, 1, e);
}

void rd_engine_free(rd_engine *g)
{
    if (!g)
        return;
    hs_free_database(g->db);
    for (size_t i = 0; i < g->npat; i++)
        free(g->pre[i]);
    free(g->pre);
    free(g->pflags);
    free(g->pinfo);
    for (size_t i = 0; i < g->nallow; i++)
        free(g->allow[i]);
    for (size_t i = 0; i < g->ndomains; i++)
        free(g->domains[i]);
    free(g->allow);
    free(g->domains);
    rd_gaz_free(g->gaz_first);
    rd_gaz_free(g->gaz_tld);
    rd_gaz_free(g->gaz_last);
    rd_gaz_free(g->gaz_place);
    rd_gaz_free(g->stop_cap);
    rd_gaz_free(g->stop_at);
    rd_gaz_free(g->stop_said);
    rd_policy_free(g->own_pol);
    free(g);
}

rd_scratch *rd_scratch_new(const rd_engine *g)
{
    rd_scratch *s = calloc(1, sizeof *s);
    if (!s)
        return NULL;
    if (hs_alloc_scratch(g->db, &s->hs) != HS_SUCCESS) {
        free(s);
        return NULL;
    }
    s->big_cluster = 32;
    return s;
}

void rd_scratch_free(rd_scratch *s)
{
    if (!s)
        return;
    hs_free_scratch(s->hs);
    free(s->c);
    free(s->m);
    free(s->wk);
    free(s->nbuf);
    free(s->ubuf);
    free(s->umap);
    free(s->uni);
    free(s->v4);
    free(s->df);
    free(s->cov);
    free(s->ctmp);
    free(s);
}

/* ---- candidates ---------------------------------------------------- */

/* Normalised text is appended to one buffer per scan; candidates keep
 * offsets (the buffer may move). */
size_t rd_norm_begin(rd_scratch *s) { return s->nn; }

int rd_norm_grow(rd_scratch *s)
{
    if (lg_grow(&s->nbuf, &s->capn, s->nn + 1, 1)) {
        s->oom = 1;
        return -1;
    }
    return 0;
}

void rd_add(rd_scratch *s, size_t st, size_t en, int type, int weak,
            size_t noff)
{
    if (en <= st)
        return;
    if (lg_grow(&s->c, &s->capc, s->nc + 1, sizeof *s->c)) {
        s->oom = 1;
        return;
    }
    s->c[s->nc++] = (cand){.s = st, .e = en, .type = type, .weak = weak,
                           .noff = noff, .nlen = s->nn - noff};
}

void rd_note_uni(rd_scratch *s, size_t at)
{
    if (s->folded ||
        lg_grow(&s->uni, &s->capuni, s->nuni + 1, sizeof *s->uni))
        return;
    s->uni[s->nuni++] = at;
}

static void note_end(rd_scratch *s, size_t **v, size_t *n, size_t *cap,
                     size_t to)
{
    if (lg_grow(v, cap, *n + 1, sizeof **v)) {
        s->oom = 1;
        return;
    }
    (*v)[(*n)++] = to;
}

void rd_note_v4(rd_scratch *s, size_t to)
{
    note_end(s, &s->v4, &s->nv4, &s->capv4, to);
}

static int on_match(unsigned id, unsigned long long from,
                    unsigned long long to, unsigned flags, void *ctx)
{
    (void)flags;
    rd_scratch *s = ctx;
    const pat_info *pi = &s->eng->pinfo[id];
    if (pi->kind == K_DEFANG && !s->eng->all_hs)
        note_end(s, &s->df, &s->ndf, &s->capdf, (size_t)to);
    else
        rd_expand(s, pi->kind, pi->arg, (size_t)from, (size_t)to);
    return 0;
}

/* ---- the unicode fold ------------------------------------------------ */

/* the ASCII a dash or space of Unicode folds to (0 for none): U+2010-2014
 * hyphens and dashes, U+2212 minus, U+FE63 small hyphen; U+00A0, U+2002-200A,
 * U+202F, U+205F and U+3000 spaces; its UTF-8 length in *l */
static char fold_dash_space(const unsigned char *b, size_t rem, size_t *l)
{
    *l = b[0] == 0xC2 ? 2 : 3;
    if (rem < *l)
        return 0;
    if (b[0] == 0xC2)
        return b[1] == 0xA0 ? ' ' : 0;
    unsigned cp = (unsigned)(b[0] & 0x0F) << 12 | (unsigned)(b[1] & 0x3F) << 6 |
                  (unsigned)(b[2] & 0x3F);
    if ((cp >= 0x2010 && cp <= 0x2014) || cp == 0x2212 || cp == 0xFE63)
        return '-';
    if ((cp >= 0x2002 && cp <= 0x200A) || cp == 0x202F || cp == 0x205F ||
        cp == 0x3000)
        return ' ';
    return 0;
}

/* Fold zero-width characters away, full-width ASCII to ASCII, and the
 * dashes and spaces of Unicode to '-' and ' '; umap[i] is the offset in
 * buf of the byte that produced ubuf[i]. */
static int fold(rd_scratch *s, const char *buf, size_t len)
{
    /* buf is a window of the scanned buffer; umap offsets are relative */
    if (lg_grow(&s->ubuf, &s->capu, len + 1, 1) ||
        lg_grow(&s->umap, &s->capum, len + 1, sizeof *s->umap))
        return -1;
    size_t o = 0;
    const unsigned char *b = (const unsigned char *)buf;
    for (size_t i = 0; i < len;) {
        unsigned char c = b[i];
        size_t rem = len - i, fl;
        char f;
        if (c == 0xE2 && rem >= 3 && b[i + 1] == 0x80 && b[i + 2] >= 0x8B &&
            b[i + 2] <= 0x8D) {
            i += 3;
        } else if (c == 0xE2 && rem >= 3 && b[i + 1] == 0x81 &&
                   b[i + 2] == 0xA0) {
            i += 3;
        } else if (c == 0xEF && rem >= 3 && b[i + 1] == 0xBB &&
                   b[i + 2] == 0xBF) {
            i += 3;
        } else if (c == 0xC2 && rem >= 2 && b[i + 1] == 0xAD) {
            i += 2;
        } else if (c == 0xEF && rem >= 3 &&
                   ((b[i + 1] == 0xBC && b[i + 2] >= 0x81) ||
                    (b[i + 1] == 0xBD && b[i + 2] <= 0x9E)) &&
                   b[i + 2] >= 0x80 && b[i + 2] <= 0xBF) {
            /* U+FF01..U+FF5E -> 0x21..0x7E */
            unsigned cp = ((unsigned)(b[i + 1] & 0x3F) << 6) |
                          (unsigned)(b[i + 2] & 0x3F);
            cp |= 0xF000;
            s->umap[o] = i;
            s->ubuf[o++] = (char)(cp - 0xFF01 + 0x21);
            i += 3;
        } else if (c == 0xEF && rem >= 3 && b[i + 1] == 0xB9 &&
                   b[i + 2] == 0xAB) {
            s->umap[o] = i;
            s->ubuf[o++] = '@';
            i += 3;
        } else if ((c == 0xC2 || c == 0xE2 || c == 0xE3 || c == 0xEF) &&
                   (f = fold_dash_space(b + i, rem, &fl)) != 0) {
            s->umap[o] = i;
            s->ubuf[o++] = f;
            i += fl;
        } else {
            s->umap[o] = i;
            s->ubuf[o++] = (char)c;
            i++;
        }
    }
    s->umap[o] = len;
    s->ulen = o;
    return 0;
}

/* ---- context, hints, overlaps --------------------------------------- */

static int cmp_len(const void *a, const void *b)
{
    const cand *x = a, *y = b;
    size_t lx = x->e - x->s, ly = y->e - y->s;
    if (lx != ly)
        return lx > ly ? -1 : 1;
    /* a value known by its own shape or name before one that a context
     * word let in ("ZIP: 37386-9194" after a phone number is no phone) */
    if (x->weak != y->weak)
        return x->weak - y->weak;
    if (x->prio != y->prio)
        return x->prio - y->prio;
    return x->s < y->s ? -1 : x->s > y->s;
}

/* Sort c[0, n) by start, equal starts in the order they came (as
 * glibc's qsort, a merge sort, did: the overlap rule sees them in that
 * order).  They come in runs already in order -- Vectorscan's anchors,
 * then scan.c's, then the folded lines' -- which a natural merge sort
 * joins in a pass or two, where qsort sorted 48-byte elements through
 * pointers (1.5 % of a bench run).  -1 when out of memory. */
int rd_sort_by_start(rd_scratch *s, cand *c, size_t n)
{
    size_t i = 1;
    while (i < n && c[i - 1].s <= c[i].s)
        i++;
    if (i >= n)
        return 0;
    if (lg_grow(&s->ctmp, &s->capctmp, n, sizeof *s->ctmp))
        return -1;
    cand *src = c, *dst = s->ctmp;
    for (;;) {
        size_t runs = 0;
        for (size_t a = 0; a < n; runs++) { /* merge two runs into dst */
            size_t m = a + 1, e;
            while (m < n && src[m - 1].s <= src[m].s)
                m++;
            for (e = m < n ? m + 1 : n; e < n && src[e - 1].s <= src[e].s;)
                e++;
            size_t x = a, y = m, o = a;
            while (x < m && y < e)
                dst[o++] = src[y].s < src[x].s ? src[y++] : src[x++];
            while (x < m)
                dst[o++] = src[x++];
            while (y < e)
                dst[o++] = src[y++];
            a = e;
        }
        cand *t = src;
        src = dst;
        dst = t;
        if (runs == 1)
            break;
    }
    if (src != c)
        memcpy(c, src, n * sizeof *c);
    return 0;
}

static int cmp_match(const void *a, const void *b)
{
    const rd_match *x = a, *y = b;
    return x->start < y->start ? -1 : x->start > y->start;
}

static int cmp_span(const void *a, const void *b)
{
    const rd_span *x = a, *y = b;
    return x->start < y->start ? -1 : x->start > y->start;
}

size_t rd_scan_weak(const rd_scratch *s, const rd_span **out)
{
    *out = s->wk;
    return s->nwk;
}

static int allowed(const rd_engine *g, const char *v, size_t n)
{
    for (size_t i = 0; i < g->nallow; i++)
        if (strlen(g->allow[i]) == n && strncasecmp(g->allow[i], v, n) == 0)
            return 1;
    return 0;
}

static int own_domain(const rd_engine *g, const char *v, size_t n)
{
    const char *at = memchr(v, '@', n);
    if (!at)
        return 0;
    const char *d = at + 1;
    size_t dn = n - (size_t)(d - v);
    for (size_t i = 0; i < g->ndomains; i++) {
        size_t k = strlen(g->domains[i]);
        if (dn == k && strncasecmp(d, g->domains[i], k) == 0)
            return 1;
        if (dn > k && d[dn - k - 1] == '.' &&
            strncasecmp(d + dn - k, g->domains[i], k) == 0)
            return 1;
    }
    return 0;
}

/* Every anchor over p (which is s->buf): the Vectorscan database, then
 * the anchors scan.c finds (unless the reference engine has them all). */
static void scan_anchors(const rd_engine *g, rd_scratch *s, const char *p, size_t n)
{
    s->nv4 = s->ndf = 0;
    hs_scan(g->db, p, (unsigned)n, 0, s->hs, on_match, s);
    if (!g->all_hs)
        rd_cscan(s);
    s->stops = NULL; /* marked by the first one, of the buffer as given */
    /* the dotted quads and the defanged ones in the order of their ends,
     * as Vectorscan gave them when it found both: the expander skips the
     * ends inside an address it took, whichever found it (no end is
     * both's: one ends in a dot and a digit, the other in a defanged dot
     * and a digit) */
    for (size_t i = 0, j = 0; i < s->nv4 || j < s->ndf;) {
        if (j == s->ndf || (i < s->nv4 && s->v4[i] < s->df[j]))
            rd_expand(s, K_IPV4, 0, 0, s->v4[i++]);
        else
            rd_expand(s, K_DEFANG, 0, 0, s->df[j++]);
    }
}

void rd_scan_stops(rd_scratch *s, uint64_t *bits)
{
    s->stops = bits;
}

size_t rd_scan_stopped(const rd_scratch *s)
{
    return s->nstops;
}

size_t rd_scan(const rd_engine *g, rd_scratch *s, const char *buf, size_t len,
               const rd_hint *hint, const rd_match **out)
{
    s->nstops = 0;
    s->eng = g;
    s->nc = 0;
    s->nn = 0;
    s->buf = buf;
    s->len = len;
    rd_expand_reset(s);
    s->folded = 0;
    s->oom = 0;
    s->hint = hint;
    s->nwk = 0;
    *out = NULL;
    if (len == 0 || len > UINT32_MAX) { /* Vectorscan: 4 GB at once */
        s->stops = NULL;
        return len ? RD_SCAN_ERROR : 0;
    }
    s->nuni = 0;
    scan_anchors(g, s, buf, len);
    /* lines with zero-width or full-width characters: fold, scan again,
     * and let their candidates replace the ones found unfolded.  The
     * window is the line, but at most UNI_REACH bytes either side of the
     * character: in a long line each such character folded and scanned
     * again 128 KB around it (a 50 MB line ran at a quarter of the speed
     * of the same text in short lines).  Where the window ends inside a
     * line, UNI_MARGIN bytes at its edge keep the unfolded scan's
     * candidates: a value there may be cut by the edge or cut off from
     * the words before it that judge it; a value through a character
     * lies within UNI_REACH - UNI_MARGIN bytes of it. */
    enum { UNI_REACH = 4096, UNI_MARGIN = 512, UNI_LOOK = 64 };
    /* A window's unfolded candidates are taken out by marking them (type
     * -1), not by a pass over all of them per window, which made a line
     * with many such characters cost their number times its candidates:
     * they are sorted by start, and a binary search finds a window's.
     * The windows do not overlap (below), so the folded candidates added
     * behind them are never a later window's. */
    size_t nbase = s->nc, dead = 0;
    if (s->nuni && nbase > 1 && rd_sort_by_start(s, s->c, nbase))
        return RD_SCAN_ERROR;
    for (size_t u = 0; u < s->nuni;) {
        size_t at = s->uni[u] ? s->uni[u] - 1 : 0, a = at, b = at;
        while (a > 0 && buf[a - 1] != '\n' && at - a < UNI_REACH)
            a--;
        while (b < len && buf[b] != '\n' && b - at < UNI_REACH)
            b++;
        /* the characters after it whose own windows would overlap this
         * one join it, the window growing to UNI_REACH past the last:
         * each byte is folded once however close they come, and the next
         * window begins after this one ends */
        for (u++; u < s->nuni && s->uni[u] - 1 <= b + UNI_REACH &&
                  (b == len || buf[b] != '\n' || s->uni[u] - 1 <= b);
             u++) {
            size_t x = s->uni[u] - 1;
            while (b < len && buf[b] != '\n' && b < x + UNI_REACH)
                b++;
        }
        size_t ia = a == 0 || buf[a - 1] == '\n' ? a : a + UNI_MARGIN,
               ib = b == len || buf[b] == '\n' ? b : b - UNI_MARGIN;
        /* a window that begins a line is scanned with the end of the line
         * before (UNI_LOOK bytes at most), whose words may judge what
         * begins this one ("Regards,\nMaria"); candidates are still
         * replaced from ia on only */
        if (a > 0 && buf[a - 1] == '\n') {
            size_t f = a - 1; /* the line end */
            while (f > 0 && buf[f - 1] != '\n' && a - f < UNI_LOOK)
                f--;
            a = f;
        }
        if (fold(s, buf + a, b - a))
            return RD_SCAN_ERROR;
        size_t lo = 0, hi = nbase;
        while (lo < hi) { /* the first unfolded candidate from ia on */
            size_t mid = lo + (hi - lo) / 2;
            if (s->c[mid].s < ia)
                lo = mid + 1;
            else
                hi = mid;
        }
        for (size_t i = lo; i < nbase && s->c[i].s < ib; i++)
            if (s->c[i].e <= ib && s->c[i].type >= 0)
                s->c[i].type = -1, dead++;
        size_t k = s->nc;
        s->buf = s->ubuf;
        s->len = s->ulen;
        rd_expand_reset(s);
        s->folded = 1;
        scan_anchors(g, s, s->ubuf, s->ulen);
        for (size_t i = k; i < s->nc; i++) {
            cand c = s->c[i];
            c.s = a + s->umap[c.s];
            c.e = a + s->umap[c.e];
            if (c.s >= ia && c.e <= ib)
                s->c[k++] = c;
        }
        s->nc = k;
        s->buf = buf;
        s->len = len;
        s->folded = 0;
    }
    if (dead) {
        size_t k = 0;
        for (size_t i = 0; i < s->nc; i++)
            if (s->c[i].type >= 0)
                s->c[k++] = s->c[i];
        s->nc = k;
    }
    if (hint && hint->whole >= 0)
        rd_whole_value(s, hint->whole);

    /* weak forms need the field's hint or a context word */
    size_t k = 0;
    for (size_t i = 0; i < s->nc; i++) {
        cand *c = &s->c[i];
        if (!g->enabled[c->type])
            continue;
        uint64_t bit = (uint64_t)1 << c->type;
        if (c->weak && !hint) {
            if (lg_grow(&s->wk, &s->capwk, s->nwk + 1, sizeof *s->wk))
                return RD_SCAN_ERROR;
            s->wk[s->nwk++] = (rd_span){c->s, c->e, c->type};
        }
        if (c->weak) {
            if (hint && (hint->suppress & bit))
                continue;
            if (!(hint && (hint->want & bit)) && !rd_context_ok(s, c))
                continue;
        }
        if (c->type == RD_EMAIL &&
            own_domain(g, s->nbuf + c->noff, c->nlen))
            c->type = RD_AGENT_EMAIL;
        if (!g->enabled[c->type] ||
            allowed(g, s->nbuf + c->noff, c->nlen))
            continue;
        c->prio = g->tprio[c->type];
        s->c[k++] = *c;
    }
    s->nc = k;
    if (s->nwk > 1)
        qsort(s->wk, s->nwk, sizeof *s->wk, cmp_span);
    /* (most rescans of a short value find nothing or one candidate) */
    if (s->nc > 1 && rd_sort_by_start(s, s->c, s->nc))
        return RD_SCAN_ERROR;
    if (s->oom || lg_grow(&s->m, &s->capm, s->nc + 1, sizeof *s->m))
        return RD_SCAN_ERROR;
    size_t nm = 0;
    for (size_t i = 0; i < s->nc;) {
        /* a cluster: candidates that overlap one another transitively */
        size_t j = i + 1, end = s->c[i].e;
        while (j < s->nc && s->c[j].s < end) {
            if (s->c[j].e > end)
                end = s->c[j].e;
            j++;
        }
        size_t c0 = s->c[i].s; /* the cluster's first byte */
        if (j - i > 1)
            qsort(s->c + i, j - i, sizeof *s->c, cmp_len);
        size_t first = nm;
        /* A large cluster ("eyJaaaaaaaa." repeated: each JWT overlaps the
         * next) marks the bytes its chosen matches cover, since comparing
         * each candidate with every match chosen before cost its size
         * squared.  Candidates come longest first, so a chosen match that
         * overlaps one covers its first or its last byte. */
        size_t words = (end - c0 + 63) / 64;
        int big = j - i > s->big_cluster;
        if (big) {
            if (lg_grow(&s->cov, &s->capcov, words, sizeof *s->cov))
                return RD_SCAN_ERROR;
            memset(s->cov, 0, words * sizeof *s->cov);
        }
        for (size_t q = i; q < j; q++) {
            const cand *c = &s->c[q];
            int clash = 0;
            if (big && c->e > c->s) {
                size_t x = c->s - c0, y = c->e - 1 - c0;
                clash = (s->cov[x / 64] >> (x % 64) & 1) |
                        (s->cov[y / 64] >> (y % 64) & 1);
            } else {
                for (size_t r = first; r < nm && !clash; r++)
                    clash = s->m[r].start < c->e && c->s < s->m[r].end;
            }
            if (clash)
                continue;
            if (big)
                for (size_t x = c->s - c0; x < c->e - c0; x++)
                    s->cov[x / 64] |= (uint64_t)1 << (x % 64);
            s->m[nm++] = (rd_match){.start = c->s, .end = c->e,
                                    .type = c->type,
                                    .norm = s->nbuf ? s->nbuf + c->noff : "",
                                    .nlen = c->nlen};
        }
        if (nm - first > 1)
            qsort(s->m + first, nm - first, sizeof *s->m, cmp_match);
        i = j;
    }
    *out = s->m;
    return nm;
}
