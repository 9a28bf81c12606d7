/* records.h - one record in, one record out: plain text lines, JSON values
 * (NDJSON and Elasticsearch _bulk sources), CSV rows.  A worker owns the
 * scratch space of one thread and collects output, findings, messages and
 * counts for one batch; the command writes them in input order.
 *
 * Guarantees: a record with nothing found is copied byte for byte; a
 * record that does not parse as its format is redacted as text, counted as
 * malformed and named in the messages; nothing is ever dropped. */
#ifndef RD_RECORDS_H
#define RD_RECORDS_H

#include <stdint.h>
#include "redact/rd.h"
#include "redact/rewrite.h"

typedef enum rd_format {
    RD_FMT_AUTO,
    RD_FMT_TEXT,
    RD_FMT_NDJSON,
    RD_FMT_CSV,
    RD_FMT_ESBULK,
} rd_format;

typedef enum rd_role {
    RD_ROLE_TEXT,
    RD_ROLE_JSON,
    RD_ROLE_CSV,      /* a data row under the header */
    RD_ROLE_VERBATIM, /* CSV header, bulk action line, blank line */
} rd_role;

typedef struct rd_opts {
    rd_action mode;          /* --mode */
    const rd_keyed *key;     /* token key; NULL unless a token is needed */
    const rd_keyed *count;   /* key for distinct counting */
    int findings, distinct;  /* collect findings lines / distinct hashes */
    int check;               /* output is not produced */
} rd_opts;

/* a CSV header: column names, the hint and field action of each */
typedef struct rd_columns {
    size_t n;
    char **name;
    rd_hint *hint;
    rd_action *action;
} rd_columns;

/* Distinct keyed hashes: exact up to RD_DISTINCT_EXACT values, then a
 * HyperLogLog sketch (2^14 registers, about 1 % error), so memory stays
 * bounded whatever the input. */
#define RD_DISTINCT_EXACT (1u << 20)
typedef struct rd_u64set {
    uint64_t *v;
    size_t n, cap;
    unsigned char *hll; /* non-NULL once estimated */
} rd_u64set;

int rd_u64set_add(rd_u64set *s, uint64_t x); /* 0 ok, -1 out of memory */
/* merge o into s */
int rd_u64set_merge(rd_u64set *s, const rd_u64set *o);
/* the count; *estimated set when it comes from the sketch */
uint64_t rd_u64set_count(const rd_u64set *s, int *estimated);
void rd_u64set_free(rd_u64set *s);

typedef struct rd_stats {
    uint64_t records, malformed;
    uint64_t found_in;  /* records with at least one finding */
    uint64_t changed;   /* records whose bytes changed */
    uint64_t found[RD_MAXTYPES];
} rd_stats;

typedef struct jnode jnode;

/* matches with their normalised values copied out of the scratch, and
 * the weak candidates of the scan (rd_scan_weak) */
typedef struct rd_mstore {
    rd_match *m;
    size_t n, cap;
    rd_buf norm;
    rd_span *wk;
    size_t nwk, capwk;
} rd_mstore;

#define RD_HCACHE 256
#define RD_KPOS 16 /* a power of two */
#define RD_HPROBE 8
typedef struct rd_hcache {
    char key[48];
    size_t len;
    rd_hint hint;
} rd_hcache;

/* The last results of the own scans of short values under a hinting key
 * (scan_value in records.c): the value's bytes and hint, its matches with
 * their normalised values in norm.  len SIZE_MAX: empty. */
#define RD_VCACHE 64
#define RD_VC_LEN 48
typedef struct rd_vcache {
    char val[RD_VC_LEN];
    size_t len;
    rd_hint hint;
    size_t nm;
    rd_match m[2];
    char norm[2 * RD_VC_LEN];
} rd_vcache;

/* a record of a batch: data[off, off+len), then its line end */
typedef struct rd_rec {
    size_t off, len, term;
    rd_role role;
} rd_rec;

/* Records longer than RD_WIN are not scanned whole: each value gets its
 * own scan, and a value longer than RD_WIN is scanned in windows of
 * RD_WIN with RD_WIN_BACK bytes before and RD_WIN_AHEAD after (see
 * scan_window), so memory follows the window, not the record. */
#define RD_WIN ((size_t)1 << 20)
#define RD_FINDINGS_SPILL ((size_t)4 << 20)
#define RD_WIN_BACK ((size_t)4 << 10)
#define RD_WIN_AHEAD ((size_t)64 << 10)
#define RD_OUT_FLUSH ((size_t)1 << 20)

typedef struct rd_worker {
    const rd_engine *eng;
    rd_scratch *s;
    const rd_opts *o;
    const rd_columns *cols;
    rd_buf out, findings, msgs;
    rd_stats st;
    rd_u64set distinct[RD_MAXTYPES];
    /* scratch */
    jnode *nodes;
    size_t nnodes, capnodes;
    /* the batch scan's marks of the bytes that end a run of a JSON
     * string's plain characters (rd_scan_stops), over stop_len bytes
     * from stop_base (0: none) */
    uint64_t *stops;
    size_t capstops, stop_len;
    const char *stop_base;
    rd_buf dec, repl, path, tmp, key; /* key: pointer()'s decoding */
    rd_buf drops; /* a long JSON record's objects the policy drops, bits */
    rd_mstore bm, rm, one, sub; /* batch, record, one value, a value's */
    size_t bi, bw, ri, wi; /* cursors into bm and rm (matches, weak) */
    int sub_oom;
    int rec_found; /* the current record has a finding */
    size_t win;    /* RD_WIN (tests make it smaller) */
    int long_rec;  /* the current record is longer: no record scan */
    size_t tree_max; /* JSON records longer are walked without a tree:
                        w->win (tests make it smaller) */
    /* a long JSON record, written as it is walked: the record (NULL
     * otherwise), how far it is written, whether it changed */
    const char *srec;
    size_t spos;
    int schanged;
    /* findings lines past RD_FINDINGS_SPILL bytes are handed to spill,
     * when set, as they come (a record with millions of findings would
     * hold them all); nonzero from it stops the batch like running out
     * of memory.  spill_ctx is the caller's. */
    int (*spill)(void *ctx, const char *p, size_t n);
    void *spill_ctx;
    size_t fshift; /* added to the offsets of findings lines (a piece of
                      a record: rd_text_piece, a window of a long string) */
    /* A record too long to hold in memory, which the caller maps from a
     * file (rd_record on it), when set: the output past RD_OUT_FLUSH
     * bytes goes to flush as it comes (`flushed` counts it; the caller
     * zeroes it), unflush takes it back to its first `keep` bytes (a
     * long value written, then found unchanged or dropped), and behind
     * hears that the record's bytes before p are read (the caller may
     * let their pages go).  Nonzero from flush or unflush stops the
     * record like running out of memory. */
    int (*flush)(void *ctx, const char *p, size_t n);
    int (*unflush)(void *ctx, size_t keep);
    void (*behind)(void *ctx, const char *p);
    void *long_ctx;
    size_t flushed;
    rd_hcache hc[RD_HCACHE];
    uint64_t hint_computed; /* key hints not found in hc (tests) */
    rd_hcache kpos[RD_KPOS]; /* the last key seen at each member place */
    rd_vcache vc[RD_VCACHE];
    uint64_t vc_hits; /* values whose scan came from vc (tests) */
} rd_worker;

int rd_worker_init(rd_worker *w, const rd_engine *eng, const rd_opts *o);
void rd_worker_free(rd_worker *w);
/* forget the batch's output, findings and messages (counts stay) */
void rd_worker_reset(rd_worker *w);

/* A text record too long to hold whole, redacted piece by piece as it is
 * read (the caller's memory follows the piece, not the record).  The
 * state between pieces: the record's number, the record offset of the
 * current piece's first byte (base) and of the next window (from), and
 * whether the record has changed or held a finding so far.  Start with
 * {.recno = N}. */
typedef struct rd_piece {
    uint64_t recno;
    size_t base, from;
    int changed, found;
} rd_piece;

/* Redact the piece data[0, n), the record's bytes [p->base, p->base + n),
 * appending to w->out the output of the record from p->from on as far as
 * the piece allows (all of it when `last`: the record ends at n; its line
 * end is the caller's).  Returns how many bytes at the start of data the
 * next piece no longer needs (it starts with data[k, n), base + k), or
 * SIZE_MAX when out of memory or the findings could not be spilled.
 * Output and findings are those of rd_record on the whole record; the
 * record is counted in w->st with the last piece. */
size_t rd_text_piece(rd_worker *w, rd_piece *p, const char *data, size_t n,
                     int last);

/* Process rec[0, len) (without its line end) as record number recno and
 * append the result to w->out.  Returns -1 only when out of memory. */
int rd_record(rd_worker *w, rd_role role, const char *rec, size_t len,
              uint64_t recno);

/* Process a batch of records in order: one scan of data[0, n), then each
 * record with its slice of the matches; line ends are copied after each
 * record.  Same results as rd_record on each. */
int rd_batch(rd_worker *w, const char *data, size_t n, const rd_rec *recs,
             size_t nrec, uint64_t recno0);

/* Parse a CSV header row into columns (names decoded).  -1 on a malformed
 * header with e saying where. */
int rd_columns_parse(rd_columns *c, const rd_engine *eng, const char *rec,
                     size_t len, lg_err *e);
void rd_columns_free(rd_columns *c);

/* ES bulk: 1 when the line is an action whose source line follows (index,
 * create, update), 0 for delete, -1 when it is not an action. */
int rd_bulk_action(const char *rec, size_t len);

#endif
