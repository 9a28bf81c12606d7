/* engine_int.h - what engine.c and detect.c share: the compiled engine,
 * the per-thread scratch, anchor kinds and candidates.  Not part of the
 * public API (rd.h). */
#ifndef RD_ENGINE_INT_H
#define RD_ENGINE_INT_H

#include <hs/hs.h>
#include <stdio.h>
#include "redact/rd.h"

#define SOM HS_FLAG_SOM_LEFTMOST

enum {
    K_AT,          /* an at-sign in any disguise: @ %40 &#64; [at] -at- */
    K_AT_WORD,     /* " at " between words */
    K_NUMRUN,      /* seven digits, maybe grouped */
    K_IPV4,        /* a dotted quad */
    K_DEFANG,      /* 52.1.2[.]3 */
    K_IBAN,
    K_MAC,
    K_IPV6,
    K_URL,
    K_SECRET_TOKEN, /* AKIA..., ghp_..., xoxb-... */
    K_JWT,
    K_PEM,
    K_SECRET_KV,   /* password=..., AccountKey=... */
    K_SECRET_SAID, /* "my password is ..." */
    K_CLI_USER,    /* curl -u user: (the password follows) */
    K_CARD_CODE,   /* "CVV 123": a card's verification digits follow */
    K_BIRTH,       /* "DOB:", "date of birth", "born on": a date follows */
    K_POSTAL,      /* "ZIP:", "postcode": a postal code follows */
    K_GEO,         /* "lat/long", "GPS": a pair of coordinates follows */
    K_SIGNOFF,     /* "Regards,\n" then a capital: the name on its own line */
    K_CALL_ME,     /* "call me" then a capital */
    K_ENTROPY,     /* 32 characters of a base64/hex alphabet */
    K_PERSON_CUE,  /* "my name is", "Regards," ... then a capital */
    K_NAME_PAIR,   /* two capitalised words: a gazetteer name? */
    K_PLACE_CUE,   /* "in", "from", "City:" ... then a capital */
    K_STREET,      /* " Street", " Ave" ... */
    K_STREET_ABBR, /* " St", " Rd": the two-letter ones, found by scan.c */
    K_CITY_ZIP,    /* "Redmond, WA 98052" */
    K_UNI,         /* zero-width or full-width characters: fold and rescan */
    K_CUSTOM,
};

/* The <ctype.h> classes of the C locale, inline, for the scanners and
 * expanders (scan.c, detect.c): each isdigit() is a call for the class
 * table, 5 % of a run over log lines.  The program never calls
 * setlocale, so these are the same tests; an embedder's locale does not
 * change what is found.  c_word: \w; c_runsep: what may join the digit
 * groups of one number ("425 555-0100", "(425)"). */
static inline int c_digit(int c) { return c >= '0' && c <= '9'; }
static inline int c_upper(int c) { return c >= 'A' && c <= 'Z'; }
static inline int c_lower(int c) { return c >= 'a' && c <= 'z'; }
static inline int c_alpha(int c) { return c_upper(c) || c_lower(c); }
static inline int c_alnum(int c) { return c_alpha(c) || c_digit(c); }
static inline int c_xdigit(int c)
{
    return c_digit(c) || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F');
}
static inline int c_space(int c)
{
    return c == ' ' || (c >= '\t' && c <= '\r');
}
static inline int c_tolower(int c) { return c_upper(c) ? c | 0x20 : c; }
static inline int c_toupper(int c) { return c_lower(c) ? c & ~0x20 : c; }
static inline int c_word(int c) { return c_alnum(c) || c == '_'; }
static inline int c_runsep(int c)
{
    return c == ' ' || c == '.' || c == '-' || c == '/' || c == '(' ||
           c == ')';
}

/* anchors.c: the built-in anchors, in the order of their pattern ids */
typedef struct rd_anchor {
    int kind;
    const char *re;
    int arg; /* what the expander needs, often the anchor's length */
} rd_anchor;
extern const rd_anchor rd_anchors[];
extern const size_t rd_nanchors;
/* 1 when scan.c finds this kind (not in the Vectorscan database) */
int rd_cscanned(int kind);
/* the words of the cue anchors, NULL-terminated (see anchors.c) */
extern const char *const rd_person_cues[];
extern const char *const rd_place_cues[];
/* identifies the built-in database: Vectorscan version and anchors */
uint64_t rd_anchor_key(void);

/* the built-in database compiled at build time (gen/rd_hsdb.c, made by
 * scripts/rd_hsdb_gen.c): serialized bytes and the rd_anchor_key() of the
 * anchors it holds */
extern const unsigned char rd_hsdb[];
extern const size_t rd_hsdb_len;
extern const uint64_t rd_hsdb_key;

typedef struct pat_info {
    int kind;
    int arg; /* K_CUSTOM: index into policy->custom */
} pat_info;

typedef struct rd_gaz rd_gaz; /* a set of lower-cased words */
rd_gaz *rd_gaz_new(const char *data);
rd_gaz *rd_gaz_new2(const char *a, const char *b); /* the union */
void rd_gaz_free(rd_gaz *z);
int rd_gaz_has(const rd_gaz *z, const char *w, size_t n);
/* g's sets of detect.c's long word lists; -1 when out of memory */
int rd_word_sets(rd_engine *g);

struct rd_engine {
    const rd_policy *pol;
    rd_policy *own_pol; /* when created without one */
    int all_hs; /* the reference engine: every anchor in Vectorscan */
    hs_database_t *db;
    char **pre;
    unsigned *pflags;
    pat_info *pinfo;
    size_t npat, cappat;
    int ntypes;
    const char *tname[RD_MAXTYPES];
    int tprio[RD_MAXTYPES];
    unsigned char enabled[RD_MAXTYPES];
    rd_action taction[RD_MAXTYPES];
    char **allow;
    size_t nallow;
    char **domains;
    size_t ndomains;
    rd_gaz *gaz_first, *gaz_last, *gaz_place;
    rd_gaz *gaz_tld; /* top-level domains (data/redact/tlds.txt) */
    /* detect.c's longest word lists as sets (rd_word_sets) */
    rd_gaz *stop_cap, *stop_at, *stop_said;
};

typedef struct cand {
    size_t s, e;
    int type, prio, weak;
    size_t noff, nlen; /* normalised value in scratch->nbuf */
} cand;

struct rd_scratch {
    hs_scratch_t *hs;
    const rd_engine *eng;
    const rd_hint *hint;
    const char *buf; /* what is being scanned (maybe the folded copy) */
    size_t len;
    /* what the expanders of this scan have taken so far: anchors inside
     * it are not expanded again (its runs, tokens, addresses, URLs,
     * key=value secrets, private keys and prefixed tokens), and how far a
     * search for a PEM "-----END " reached and what it found (SIZE_MAX:
     * none) */
    size_t run_end, tok_end, ip_end, v6_end, url_end, kv_end, pem_end;
    size_t st_end;
    size_t pem_upto, pem_at;
    int folded;
    int oom; /* a candidate could not be kept: the scan fails */
    /* the ends of the dotted quads (K_IPV4, from scan.c) and of the
     * defanged ones (K_DEFANG, from Vectorscan) of this scan, expanded in
     * one order once both are known: their expander keeps one state */
    size_t *v4, *df;
    size_t nv4, capv4, ndf, capdf;
    size_t *uni; /* where zero-width / full-width characters are */
    size_t nuni, capuni;
    cand *c;
    size_t nc, capc;
    rd_match *m;
    size_t capm;
    rd_span *wk; /* weak candidates of a hint-less scan */
    size_t nwk, capwk;
    char *nbuf;
    size_t nn, capn;
    char *ubuf;
    size_t *umap;
    size_t ulen, capu, capum;
    uint64_t *cov; /* bytes a large cluster's chosen matches cover */
    size_t capcov;
    cand *ctmp; /* rd_sort_by_start's merges */
    size_t capctmp;
    size_t big_cluster; /* more candidates than this: cov (tests vary it) */
    /* rd_scan_stops: where the next scan marks the bytes that end a run of
     * a JSON string's plain characters, and how many bytes it marked */
    uint64_t *stops;
    size_t nstops;
    /* anchors handed to rd_expand so far, all scans: the tests hold the
     * code paths of scan.c to the same reports by it */
    uint64_t nreports;
};

/* The engine with every anchor in the Vectorscan database, scan.c unused:
 * what the tests compare rd_cscan against.  Same ownership as
 * rd_engine_new. */
rd_engine *rd_engine_new_reference(const rd_policy *p, lg_err *e);

/* scan.c: the anchors marked cscan in engine.c, over s->buf[0, s->len);
 * rd_cscan_init (engine creation, once is enough, thread-safe) builds
 * the cue-word index and picks the code path before any scan */
void rd_cscan_init(void);
void rd_cscan(rd_scratch *s);
/* Its code path: RD_CSCAN_PLAIN (SSE2, or plain C off x86) or
 * RD_CSCAN_VBMI (AVX-512 VBMI).  rd_cscan_path(-1) picks the best the CPU
 * has (rd_cscan_init does that unless a path was forced); a lower `want`
 * forces that one (tests).  Returns the path now in use.  Not for use
 * while scanning. */
enum { RD_CSCAN_PLAIN, RD_CSCAN_VBMI };
int rd_cscan_path(int want);

/* detect.c */
void rd_expand(rd_scratch *s, int kind, int arg, size_t from, size_t to);
/* forget what the expanders took (a new scan of s->buf) */
void rd_expand_reset(rd_scratch *s);
int rd_context_ok(const rd_scratch *s, const cand *c);
void rd_whole_value(rd_scratch *s, int type);

/* engine.c: candidates and their normalised values */
/* sort c[0, n) by start, equal starts kept in order (scratch s holds the
 * merges); -1 when out of memory */
int rd_sort_by_start(rd_scratch *s, cand *c, size_t n);
size_t rd_norm_begin(rd_scratch *s);
int rd_norm_grow(rd_scratch *s);
static inline int rd_norm_putc(rd_scratch *s, char c)
{
    if (s->nn == s->capn && rd_norm_grow(s))
        return -1;
    s->nbuf[s->nn++] = c;
    return 0;
}
void rd_add(rd_scratch *s, size_t st, size_t en, int type, int weak,
            size_t noff);
void rd_note_uni(rd_scratch *s, size_t at);
/* an end of K_IPV4 found by scan.c (its expansion waits for the scan's
 * K_DEFANG ends: see scan_anchors) */
void rd_note_v4(rd_scratch *s, size_t to);

/* compiled in from data/redact/ by the Makefile */
extern const char rd_data_first_names[], rd_data_surnames[], rd_data_cities[],
    rd_data_regions[], rd_data_tlds[];

#endif
