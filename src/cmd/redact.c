/* redact.c - `leakguard redact`: stream records through the redaction
 * engine in order-preserving batches, on one thread or several.
 *
 * With --threads N, N threads (the main one and N-1 more) share the work:
 * a thread that finds a free batch slot reads the next batch into it,
 * splitting it into records (one thread at a time: splitting knows CSV
 * quoting and which bulk line is an action), then scans it itself, so the
 * bytes it read are still in its core's cache; whichever thread sees the
 * oldest unwritten batch done writes it, so output keeps input order.
 * Memory is bounded by the number of slots times the batch size: a record
 * longer than piece_min is redacted by the thread filling, a text record
 * a piece at a time as it is read (fill_piece), a JSON or CSV one from a
 * temporary file (fill_long).  Only a CSV header row or a long bulk line
 * that is no source is held whole. */
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <limits.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "core/arena.h"
#include "../redact/rd.h"
#include "../redact/records.h"
#include "cmds.h"

static const char usage[] =
    "usage: leakguard redact [options] [FILE...]\n"
    "Redact PII and secrets in support records read from FILE... (stdin when\n"
    "none) and write them to stdout, in the same order, byte for byte where\n"
    "nothing was found.\n\n"
    "  --format FMT     auto (default), text, ndjson, csv, es-bulk\n"
    "  --mode MODE      mask (default: <EMAIL>), partial (j***@contoso.com),\n"
    "                   token (<EMAIL:7f3a9c21>, keyed hash), drop\n"
    "  --policy FILE    YAML policy: detectors, per-type and per-field\n"
    "                   actions, custom types, allow-list, own domains\n"
    "  --key-file FILE  key for token mode (64 hex digits or 32+ bytes);\n"
    "                   else the environment variable LEAKGUARD_KEY\n"
    "  --findings FILE  write one JSON line per finding (never the value)\n"
    "  --check          write no records, print a summary, exit 1 if\n"
    "                   anything was found\n"
    "  --stats          counts per type, distinct values, malformed records\n"
    "                   and throughput on stderr\n"
    "  --threads N      threads, the main one included (default 1)\n"
    "  -o OUT           write to OUT (through a temporary file renamed at\n"
    "                   the end)\n"
    "Exit: 0 done, 1 --check found something, 2 error.\n";

typedef rd_rec rec;

typedef struct batch {
    rd_buf data;
    rec *recs;
    size_t nrec, caprec;
    uint64_t recno0;
    const char *file;
    const rd_columns *cols;
    int state; /* 0 free, 1 ready, 2 taken, 3 done */
    int piece; /* redacted by fill: a piece of a long text record, or a
                  long JSON or CSV record (fill_long) */
    int err;
    rd_buf out, findings, msgs;
    FILE *ospill;    /* a long record's output before that in `out` */
    FILE *spill;     /* findings lines before those in `findings` */
    int spill_errno; /* writing to either failed */
} batch;

typedef struct run {
    /* options */
    rd_format fmt;
    size_t batch_bytes;
    int threads;
    /* input */
    int fd;
    const char *file;
    int eof;
    rd_buf carry;
    /* bytes read before that are read again first (a runaway CSV quote,
     * fill_long): again[again_at, again_end); fd_eof: r->fd has ended */
    FILE *again;
    off_t again_at, again_end;
    int fd_eof;
    rd_format cur; /* the format of the current file */
    int csv_header_pending, bulk_source_next;
    rd_columns *colv;
    size_t ncolv;
    uint64_t recno;
    uint64_t bytes_in;
    /* a text record longer than piece_min is read and redacted a piece
     * at a time (see fill_piece) */
    size_t piece_min;
    int in_piece;
    rd_piece piece;
    /* workers */
    const rd_engine *eng;
    rd_opts opts;
    rd_worker *w;
    batch *b;
    size_t nb;
    pthread_mutex_t mu;
    pthread_cond_t cv;
    /* the pipeline of one input (pump): batches filled and written so
     * far (slot = count % nb), whether a thread is reading or writing,
     * the input is used up, or an error stopped everything */
    uint64_t filled, written;
    int filling, writing, in_done, rc;
    int read_errno, write_errno; /* errno of a failed read or write */
    FILE *out, *fnd;
} run;

/* ---- splitting ------------------------------------------------------- */

static int add_rec(batch *b, size_t off, size_t len, size_t term, rd_role r)
{
    if (lg_grow(&b->recs, &b->caprec, b->nrec + 1, sizeof *b->recs))
        return -1;
    /* "\r\n" is a line end, not part of the record */
    if (term == 1 && len > 0 && b->data.p[off + len - 1] == '\r')
        len--, term++;
    b->recs[b->nrec++] = (rec){off, len, term, r};
    return 0;
}

static rd_format sniff(const char *file, const char *p, size_t n)
{
    const char *dot = file ? strrchr(file, '.') : NULL;
    if (dot && (!strcmp(dot, ".csv") || !strcmp(dot, ".CSV")))
        return RD_FMT_CSV;
    size_t i = 0;
    while (i < n && (p[i] == ' ' || p[i] == '\t' || p[i] == '\r' ||
                     p[i] == '\n'))
        i++;
    if (i < n && p[i] == '{') {
        const char *eol = memchr(p + i, '\n', n - i);
        size_t l = eol ? (size_t)(eol - (p + i)) : n - i;
        return rd_bulk_action(p + i, l) >= 0 ? RD_FMT_ESBULK : RD_FMT_NDJSON;
    }
    if (i < n && p[i] == '[')
        return RD_FMT_NDJSON;
    if (dot && (!strcmp(dot, ".ndjson") || !strcmp(dot, ".jsonl") ||
                !strcmp(dot, ".json")))
        return RD_FMT_NDJSON;
    return RD_FMT_TEXT;
}

/* Where a record ends: the search for the line end of the record at off
 * resumes where the last one stopped (at, with the CSV quote state st),
 * since a long record arrives a read at a time and looking from its
 * start after each read cost its length squared. */
typedef struct seek {
    size_t at;
    int st;
} seek;

enum { CSV_START, CSV_UNQ, CSV_Q, CSV_QQ, CSV_LINE };

/* a quote open longer than this runs away (csv_end) */
#define CSV_CAP ((size_t)64 << 20)
#define NONE ((size_t)-1)

/* The end of the CSV record starting at off in p[0, n) (the newline
 * outside quotes), or NONE.  Quotes count only at a field's start; an
 * open quote that runs past cap bytes ends at the record's first line
 * end instead. */
static size_t csv_end(const char *p, size_t off, size_t n, size_t cap,
                      seek *k)
{
    int st = k->st;
    size_t i = k->at;
    if (st == CSV_LINE) {
        const char *nl = memchr(p + i, '\n', n - i);
        k->at = n;
        return nl ? (size_t)(nl - p) : NONE;
    }
    for (; i < n; i++) {
        char c = p[i];
        switch (st) {
        case CSV_START:
        case CSV_UNQ:
            if (c == '\n')
                return i;
            if (c == ',')
                st = CSV_START;
            else if (c == '"' && st == CSV_START)
                st = CSV_Q;
            else
                st = CSV_UNQ;
            break;
        case CSV_Q:
            if (c == '"')
                st = CSV_QQ;
            break;
        case CSV_QQ:
            if (c == '"')
                st = CSV_Q;
            else if (c == ',')
                st = CSV_START;
            else if (c == '\n')
                return i;
            else
                st = CSV_UNQ;
            break;
        }
        if (i - off > cap) { /* an open quote runs away: end at a line */
            const char *nl = memchr(p + off, '\n', n - off);
            *k = (seek){n, CSV_LINE};
            return nl ? (size_t)(nl - p) : NONE;
        }
    }
    *k = (seek){n, st};
    return NONE;
}

/* the input's name in messages */
static const char *in_name(const run *r)
{
    return r->file ? r->file : "(stdin)";
}

/* The columns of the CSV file being read, from its header row p[0, len)
 * (p NULL: none, the columns go by number); b and the batches after it
 * name fields by them.  -1 when out of memory (the previous columns
 * stay). */
static int header(run *r, batch *b, const char *p, size_t len)
{
    r->csv_header_pending = 0;
    rd_columns *v = realloc(r->colv, (r->ncolv + 1) * sizeof *v);
    if (!v)
        return -1;
    r->colv = v;
    v[r->ncolv] = (rd_columns){0};
    lg_err e;
    size_t l = len && p[len - 1] == '\r' ? len - 1 : len;
    if (p && rd_columns_parse(&v[r->ncolv], r->eng, p, l, &e)) {
        fprintf(stderr, "leakguard redact: %s: %s; using column numbers\n",
                in_name(r), e.msg);
        rd_columns_free(&v[r->ncolv]);
    }
    b->cols = &v[r->ncolv++];
    return 0;
}

/* The role of record p[0, len) of b; w (the filling thread's worker,
 * idle) scans a CSV header row: one in which the detectors find a value
 * is no header but the first row of a file without one (it would pass
 * unredacted, and its values would name the fields of findings), so it
 * is redacted as a row and the columns go by number. */
static rd_role role_of(run *r, batch *b, rd_worker *w, const char *p,
                       size_t len)
{
    switch (r->cur) {
    case RD_FMT_NDJSON:
        return RD_ROLE_JSON;
    case RD_FMT_CSV:
        if (r->csv_header_pending) {
            const rd_match *m;
            if (rd_scan(w->eng, w->s, p, len, NULL, &m) == 0)
                return header(r, b, p, len) ? RD_ROLE_TEXT : RD_ROLE_VERBATIM;
            fprintf(stderr, "leakguard redact: %s: the first row holds values "
                            "to redact, so it is no header: redacted as a row; "
                            "using column numbers\n", in_name(r));
            return header(r, b, NULL, 0) ? RD_ROLE_TEXT : RD_ROLE_CSV;
        }
        return RD_ROLE_CSV;
    case RD_FMT_ESBULK: {
        size_t i = 0;
        while (i < len && (p[i] == ' ' || p[i] == '\t' || p[i] == '\r'))
            i++;
        if (i == len)
            return RD_ROLE_VERBATIM;
        if (r->bulk_source_next) {
            r->bulk_source_next = 0;
            return RD_ROLE_JSON;
        }
        int a = rd_bulk_action(p, len);
        if (a < 0)
            return RD_ROLE_JSON; /* not an action: redact it as data */
        r->bulk_source_next = a;
        return RD_ROLE_VERBATIM;
    }
    default:
        return RD_ROLE_TEXT;
    }
}

static void swap(rd_buf *a, rd_buf *b)
{
    rd_buf t = *a;
    *a = *b;
    *b = t;
}

/* what the worker wrote for batch b becomes b's, to be written in turn */
static void hand_over(rd_worker *w, batch *b)
{
    swap(&w->out, &b->out);
    swap(&w->findings, &b->findings);
    swap(&w->msgs, &b->msgs);
}

/* An anonymous temporary file in $TMPDIR (else /tmp), for what is too
 * long to hold: findings lines, a long record and its output. */
static FILE *tmp_file(void)
{
    const char *d = getenv("TMPDIR");
    char path[PATH_MAX];
    if (!d || !*d ||
        snprintf(path, sizeof path, "%s/leakguard.XXXXXX", d) >=
            (int)sizeof path)
        return tmpfile();
    int fd = mkstemp(path);
    if (fd < 0)
        return NULL;
    unlink(path);
    FILE *f = fdopen(fd, "w+b");
    if (!f)
        close(fd);
    return f;
}

/* p[0, n) onto the end of *f, one of b's temporary files, made when
 * first needed; a failure is b's spill_errno */
static int append_tmp(batch *b, FILE **f, const char *p, size_t n)
{
    if ((!*f && !(*f = tmp_file())) || fwrite(p, 1, n, *f) != n) {
        b->spill_errno = errno ? errno : EIO;
        return -1;
    }
    return 0;
}

/* what one read asks for: a batch and then some */
static size_t read_room(const run *r)
{
    return r->batch_bytes + 65536;
}

/* Read into b until it holds `limit` bytes or the input ends, a batch at
 * a time into memory mapped in ahead (a read into fresh pages faults them
 * in one by one).  -1 on a read error (r->read_errno) or out of memory. */
static int read_upto(run *r, batch *b, size_t limit)
{
    while (!r->eof && b->data.n < limit) {
        size_t room = read_room(r);
        if (rd_buf_grow(&b->data, room))
            return -1;
        ssize_t got;
        if (r->again) {
            if ((off_t)room > r->again_end - r->again_at)
                room = (size_t)(r->again_end - r->again_at);
            got = pread(fileno(r->again), b->data.p + b->data.n, room,
                        r->again_at);
            if (got == 0) /* the file has shrunk */
                got = -1, errno = EIO;
            if (got > 0 && (r->again_at += got) == r->again_end) {
                fclose(r->again);
                r->again = NULL;
            }
            if (got > 0) { /* counted when first read */
                b->data.n += (size_t)got;
                continue;
            }
        } else {
            got = r->fd_eof ? 0 : read(r->fd, b->data.p + b->data.n, room);
        }
        if (got < 0 && errno == EINTR)
            continue;
        if (got < 0) {
            r->read_errno = errno;
            return -1;
        }
        if (got == 0)
            r->eof = 1;
        b->data.n += (size_t)got;
        r->bytes_in += (size_t)got;
    }
    return 0;
}

/* Redact data[0, n) of b, a piece of the long text record r->piece, with
 * w (the filling thread's worker, idle while it fills): its output goes
 * into b, the next piece's part of the data into r->carry.  `last`: the
 * record ends at n, followed by a line end when `term`.  The pieces are
 * read and redacted in turn by the one thread filling, so each one's
 * windows follow the last one's; other threads go on writing the batches
 * before.  A failure marks b like a failed process(). */
static void redact_piece(run *r, batch *b, rd_worker *w, size_t n, int last,
                         int term)
{
    rd_worker_reset(w);
    w->cols = NULL;
    w->spill_ctx = b;
    size_t keep = rd_text_piece(w, &r->piece, b->data.p, n, last);
    if (keep == SIZE_MAX ||
        (last && term && !w->o->check && rd_buf_put(&w->out, "\n", 1))) {
        b->err = -1;
    } else if (!last) {
        r->piece.base += keep;
        if (rd_buf_put(&r->carry, b->data.p + keep, b->data.n - keep))
            b->err = -1;
    } else if (rd_buf_put(&r->carry, b->data.p + n + (size_t)term,
                          b->data.n - n - (size_t)term)) {
        b->err = -1;
    }
    if (last) {
        r->in_piece = 0;
        r->recno++;
    }
    hand_over(w, b);
    b->piece = 1;
    b->data.n = 0;
}

/* The next piece of the long text record: read up to piece_min bytes,
 * then the record ends at a line end, at the end of input, or goes on. */
static int fill_piece(run *r, batch *b, rd_worker *w)
{
    if (read_upto(r, b, r->piece_min))
        return -1;
    const char *nl = memchr(b->data.p, '\n', b->data.n);
    if (nl)
        redact_piece(r, b, w, (size_t)(nl - b->data.p), 1, 1);
    else
        redact_piece(r, b, w, b->data.n, r->eof, 0);
    return 0;
}

/* ---- a long JSON or CSV record ---------------------------------------- */

/* A JSON record or CSV row longer than piece_min is not held in memory,
 * nor is its output: it goes to a temporary file as it is read, which is
 * mapped and redacted there by the thread filling.  The worker hands its
 * output over as it comes (b->ospill, written before b->out) and says how
 * far it has read, so the pages behind are let go (the page cache keeps
 * them; a key read again brings its page back).  Memory follows the
 * window, not the record. */
typedef struct longrec {
    const char *map;
    size_t len;
    size_t mark; /* where the pages behind were last let go */
    batch *b;
} longrec;

/* the mapped bytes kept behind the point of reading */
#define LONG_KEEP ((size_t)4 << 20)

static int long_flush(void *ctx, const char *p, size_t n)
{
    batch *b = ((longrec *)ctx)->b;
    return append_tmp(b, &b->ospill, p, n);
}

static int long_unflush(void *ctx, size_t keep)
{
    batch *b = ((longrec *)ctx)->b;
    if (!b->ospill || fflush(b->ospill) ||
        ftruncate(fileno(b->ospill), (off_t)keep) ||
        fseeko(b->ospill, (off_t)keep, SEEK_SET)) {
        b->spill_errno = errno ? errno : EIO;
        return -1;
    }
    return 0;
}

/* Reading has come to p: the pages from LONG_KEEP before where it was
 * last to LONG_KEEP before p are let go.  Reading may start again
 * further back (the walk after the check, a copy of what did not
 * change), and then goes forward from there. */
static void long_behind(void *ctx, const char *p)
{
    longrec *l = ctx;
    if (p < l->map || p > l->map + l->len)
        return;
    size_t at = (size_t)(p - l->map);
    if (at < l->mark)
        l->mark = at;
    if (at - l->mark < LONG_KEEP)
        return;
    size_t pg = (size_t)sysconf(_SC_PAGESIZE);
    size_t lo = l->mark > LONG_KEEP ? (l->mark - LONG_KEEP) / pg * pg : 0,
           hi = (at - LONG_KEEP) / pg * pg;
    if (hi > lo)
        madvise((void *)(uintptr_t)(l->map + lo), hi - lo, MADV_DONTNEED);
    l->mark = at;
}

/* b->data holds the start of a JSON record or CSV row longer than
 * piece_min, no end yet (k: where csv_end left off): the rest is read
 * into a temporary file with it, which is mapped and redacted with w (the
 * filling thread's; see redact_piece).  Returns -1 on a read error or out
 * of memory, 1 when no temporary file could be made (the record is then
 * read on into memory), else 0; a failure to write or map the file marks
 * b like a failed process(). */
static int fill_long(run *r, batch *b, rd_worker *w, seek *k)
{
    FILE *f = tmp_file();
    if (!f)
        return 1;
    size_t len = 0, first_nl = NONE; /* a CSV row's first line end */
    int term = 0, werr = 0, csv = r->cur == RD_FMT_CSV;
    for (;;) {
        /* the record's end in b->data (the CSV one where k says), and the
         * bytes before it into the file */
        const char *p = b->data.p;
        size_t n = b->data.n, end;
        if (csv) {
            end = csv_end(p, 0, n, len < CSV_CAP ? CSV_CAP - len : 0, k);
            if (k->st == CSV_LINE && first_nl < len) {
                /* an open quote ran away (csv_end): the record ends at
                 * its first line end, in the file; what follows is read
                 * again from the file (with b->data put there too) */
                werr |= fwrite(p, 1, n, f) != n;
                r->again = f;
                r->again_at = (off_t)first_nl + 1;
                r->again_end = (off_t)(len + n);
                r->fd_eof |= r->eof;
                r->eof = 0;
                len = first_nl;
                term = 1;
                break;
            }
        } else {
            const char *nl = memchr(p, '\n', n);
            end = nl ? (size_t)(nl - p) : NONE;
        }
        size_t put = end != NONE ? end : n;
        const char *nl =
            csv && first_nl == NONE ? memchr(p, '\n', put) : NULL;
        if (nl)
            first_nl = len + (size_t)(nl - p);
        werr |= fwrite(p, 1, put, f) != put;
        len += put;
        if (end != NONE) {
            term = 1;
            if (rd_buf_put(&r->carry, p + end + 1, n - end - 1)) {
                fclose(f);
                return -1;
            }
            break;
        }
        b->data.n = 0;
        k->at = 0;
        if (r->eof)
            break;
        if (read_upto(r, b, r->batch_bytes)) {
            fclose(f);
            return -1;
        }
    }
    b->data.n = 0;
    void *map = MAP_FAILED;
    if (werr || fflush(f) ||
        (map = mmap(NULL, len, PROT_READ, MAP_SHARED, fileno(f), 0)) ==
            MAP_FAILED) {
        b->spill_errno = errno ? errno : EIO;
        b->err = -1;
        if (f != r->again)
            fclose(f);
        b->piece = 1;
        return 0;
    }
    longrec l = {.map = map, .len = len, .b = b};
    /* "\r\n" is a line end, not part of the record (add_rec) */
    const char *m = map;
    size_t rl = term && m[len - 1] == '\r' ? len - 1 : len;
    rd_role role = role_of(r, b, w, m, rl);
    rd_worker_reset(w);
    w->cols = b->cols;
    w->spill_ctx = b;
    w->flush = long_flush;
    w->unflush = long_unflush;
    w->behind = long_behind;
    w->long_ctx = &l;
    w->flushed = 0;
    r->recno++;
    if (rd_record(w, role, m, rl, r->recno) ||
        (term && !w->o->check &&
         (rd_buf_put(&w->out, m + rl, len - rl) ||
          rd_buf_put(&w->out, "\n", 1))))
        b->err = -1;
    w->flush = NULL;
    w->unflush = NULL;
    w->behind = NULL;
    w->long_ctx = NULL;
    munmap(map, len);
    if (f != r->again)
        fclose(f);
    hand_over(w, b);
    b->piece = 1;
    return 0;
}

/* how far a batch may grow past a read to hold a private key whole (one
 * reaches RD_PEM_REACH past its BEGIN line) */
#define PEM_EXTRA (4 * RD_PEM_REACH)

/* Where batch b, whose last whole record ends at off, is cut: after that
 * record, unless a private key begun in b may go on past it
 * (rd_pem_open).  b then ends before the record holding the key's BEGIN
 * line (in a bulk body, before the action line at or before it, where
 * the line after is in an action's place again), which starts the next
 * batch; or, when that is b's first record, NONE: b reads on until the
 * key ends.  So each key is in one batch, one scan, as it would be with
 * no batches.  Past PEM_EXTRA b is cut anyway. */
static size_t batch_end(run *r, batch *b, size_t off)
{
    if (b->data.n >= read_room(r) + PEM_EXTRA)
        return off;
    size_t at = rd_pem_open(b->data.p, off);
    if (at == SIZE_MAX)
        return off;
    size_t i = b->nrec - 1; /* the record holding the BEGIN line */
    while (i > 0 && b->recs[i].off > at)
        i--;
    if (r->cur == RD_FMT_ESBULK) {
        const rd_rec *c;
        while (i > 0 && ((c = &b->recs[i])->role != RD_ROLE_VERBATIM ||
                         rd_bulk_action(b->data.p + c->off, c->len) < 0))
            i--;
        if (i > 0)
            r->bulk_source_next = 0;
    }
    if (i == 0)
        return NONE;
    r->recno -= b->nrec - i;
    b->nrec = i;
    return b->recs[i].off;
}

/* Fill b with whole records: the carry from last time, then reads until
 * batch_bytes or the end of input; a record longer than that is read on
 * a batch at a time, so that the batch ends a read after the record does
 * and the next batch is of the usual size again.  Returns -1 on a read
 * error. */
static int fill(run *r, batch *b, rd_worker *w)
{
    b->data.n = 0;
    b->nrec = 0;
    b->piece = 0;
    b->err = 0;
    b->file = r->file;
    b->cols = r->ncolv ? &r->colv[r->ncolv - 1] : NULL;
    b->recno0 = r->recno;
    if (rd_buf_put(&b->data, r->carry.p, r->carry.n))
        return -1;
    r->carry.n = 0;
    if (r->in_piece)
        return fill_piece(r, b, w);
    size_t scanned = 0; /* records are split from here */
    seek k = {0, CSV_START}; /* the line end of that record: looked to here */
    size_t limit = r->batch_bytes; /* read until the batch holds this */
    for (;;) {
        if (read_upto(r, b, limit))
            return -1;
        if (r->cur == RD_FMT_AUTO)
            r->cur = sniff(r->file, b->data.p, b->data.n);
        /* split complete records */
        size_t off = scanned;
        for (;;) {
            size_t end;
            if (r->cur == RD_FMT_CSV && !r->csv_header_pending) {
                end = csv_end(b->data.p, off, b->data.n, CSV_CAP, &k);
            } else {
                const char *nl =
                    memchr(b->data.p + k.at, '\n', b->data.n - k.at);
                end = nl ? (size_t)(nl - b->data.p) : NONE;
                k.at = b->data.n;
            }
            if (end == NONE)
                break;
            rd_role role = role_of(r, b, w, b->data.p + off, end - off);
            if (add_rec(b, off, end - off, 1, role))
                return -1;
            r->recno++;
            off = end + 1;
            k = (seek){off, CSV_START};
        }
        scanned = off;
        if (r->eof) {
            if (off < b->data.n) { /* the last record has no line end */
                rd_role role =
                    role_of(r, b, w, b->data.p + off, b->data.n - off);
                if (add_rec(b, off, b->data.n - off, 0, role))
                    return -1;
                r->recno++;
            }
            return 0;
        }
        if (b->nrec > 0) {
            size_t cut = batch_end(r, b, off);
            if (cut != NONE) {
                if (rd_buf_put(&r->carry, b->data.p + cut, b->data.n - cut))
                    return -1;
                b->data.n = cut;
                return 0;
            }
            limit = b->data.n + r->batch_bytes; /* a key to read on */
            continue;
        }
        /* one record larger than a batch: read on; a text record longer
         * than piece_min is redacted in pieces from here (memory follows
         * the piece, not the record).  So is a CSV header row that long:
         * names from it would be held, and no header is that long; the
         * columns go by number. */
        int long_header = r->cur == RD_FMT_CSV && r->csv_header_pending;
        if ((r->cur == RD_FMT_TEXT || long_header) &&
            b->data.n >= r->piece_min) {
            if (long_header) {
                fprintf(stderr,
                        "leakguard redact: %s: the header row is longer than "
                        "%zu bytes: redacted as text; using column numbers\n",
                        in_name(r), r->piece_min);
                if (header(r, b, NULL, 0))
                    return -1;
            }
            r->in_piece = 1;
            r->piece = (rd_piece){.recno = r->recno + 1};
            redact_piece(r, b, w, b->data.n, 0, 0);
            return 0;
        }
        /* a JSON record, CSV row or bulk line from a temporary file */
        if (b->data.n >= r->piece_min && r->cur != RD_FMT_TEXT) {
            int rc = fill_long(r, b, w, &k);
            if (rc <= 0)
                return rc;
        }
        limit = b->data.n + r->batch_bytes;
    }
}

/* ---- processing ------------------------------------------------------ */

/* a batch's findings lines, when there are many, wait in a temporary
 * file (they hold offsets and types, never values) */
static int spill(void *ctx, const char *p, size_t n)
{
    batch *b = ctx;
    return append_tmp(b, &b->spill, p, n);
}

static int process(rd_worker *w, batch *b)
{
    rd_worker_reset(w);
    w->cols = b->cols;
    w->spill_ctx = b;
    /* room for the batch and then some in one step (each doubling of a
     * small buffer would fault its pages in one by one); not for a huge
     * record, whose output may be smaller than a quarter more */
    size_t room = b->data.n + b->data.n / 4;
    if (!w->o->check && room <= LG_PREFAULT_MAX &&
        rd_buf_grow(&w->out, room))
        return -1;
    if (rd_batch(w, b->data.p, b->data.n, b->recs, b->nrec, b->recno0))
        return -1;
    hand_over(w, b);
    return 0;
}

/* ---- output ---------------------------------------------------------- */

static int write_all(FILE *f, const char *p, size_t n)
{
    return n == 0 || fwrite(p, 1, n, f) == n ? 0 : -1;
}

/* what waited in *fp written to `to`, then the file closed */
static int unspill(FILE **fp, FILE *to)
{
    FILE *f = *fp;
    *fp = NULL;
    char buf[1 << 16];
    size_t n;
    int rc = fflush(f) || fseek(f, 0, SEEK_SET) ? -1 : 0;
    while (!rc && (n = fread(buf, 1, sizeof buf, f)) > 0)
        rc = write_all(to, buf, n);
    if (!rc && ferror(f))
        rc = -1;
    fclose(f);
    return rc;
}

static int emit(batch *b, FILE *out, FILE *fnd)
{
    if (b->spill_errno) {
        errno = b->spill_errno;
        return -3;
    }
    if (b->err)
        return -1;
    if (b->ospill && (out ? unspill(&b->ospill, out) : fclose(b->ospill)))
        return -2;
    b->ospill = NULL;
    if (out && write_all(out, b->out.p, b->out.n))
        return -2;
    if (fnd && b->spill && unspill(&b->spill, fnd))
        return -3;
    if (fnd && write_all(fnd, b->findings.p, b->findings.n))
        return -3;
    /* messages name the record, never its content */
    for (size_t i = 0; i < b->msgs.n;) {
        const char *nl = memchr(b->msgs.p + i, '\n', b->msgs.n - i);
        size_t l = nl ? (size_t)(nl - (b->msgs.p + i)) : b->msgs.n - i;
        fprintf(stderr, "leakguard redact: %s: %.*s\n",
                b->file ? b->file : "(stdin)", (int)l, b->msgs.p + i);
        i += l + 1;
    }
    /* a batch that held a long record gives its memory back */
    rd_buf *big[] = {&b->data, &b->out, &b->findings, &b->msgs};
    for (size_t i = 0; i < sizeof big / sizeof *big; i++)
        rd_buf_trim(big[i]);
    return 0;
}

typedef struct thr {
    run *r;
    rd_worker *w;
} thr;

/* One thread's share of the pipeline (see the top of the file): write
 * what is next and done, else read and scan the next batch, else wait. */
static void *pipeline(void *arg)
{
    thr *t = arg;
    run *r = t->r;
    pthread_mutex_lock(&r->mu);
    for (;;) {
        batch *b = &r->b[r->written % r->nb];
        if (!r->rc && !r->writing && r->written < r->filled &&
            b->state == 3) {
            r->writing = 1;
            pthread_mutex_unlock(&r->mu);
            int rc = emit(b, r->out, r->fnd), en = errno;
            pthread_mutex_lock(&r->mu);
            r->writing = 0;
            b->state = 0;
            r->written++;
            if (rc && !r->rc) {
                r->rc = rc;
                r->write_errno = en;
            }
            pthread_cond_broadcast(&r->cv);
            continue;
        }
        b = &r->b[r->filled % r->nb];
        if (!r->rc && !r->in_done && !r->filling && b->state == 0) {
            r->filling = 1;
            pthread_mutex_unlock(&r->mu);
            int err = fill(r, b, t->w);
            pthread_mutex_lock(&r->mu);
            r->filling = 0;
            if (err) {
                if (!r->rc)
                    r->rc = -4;
            } else if (b->nrec == 0 && !b->piece && r->eof) {
                r->in_done = 1;
            } else {
                if (r->eof && !r->carry.n)
                    r->in_done = 1;
                r->filled++;
                b->state = 2;
                pthread_cond_broadcast(&r->cv); /* another may read on */
                pthread_mutex_unlock(&r->mu);
                int perr = b->piece ? b->err : process(t->w, b);
                pthread_mutex_lock(&r->mu);
                b->err = perr;
                b->state = 3;
            }
            pthread_cond_broadcast(&r->cv);
            continue;
        }
        if (r->rc || (r->in_done && r->written == r->filled))
            break;
        pthread_cond_wait(&r->cv, &r->mu);
    }
    pthread_cond_broadcast(&r->cv);
    pthread_mutex_unlock(&r->mu);
    return NULL;
}

/* Run one input through the batches, on the main thread and threads-1
 * more (one thread is the same pipeline with one slot).  Returns 0, or
 * -1 with the error printed. */
static int pump(run *r)
{
    r->filled = r->written = 0;
    r->filling = r->writing = r->in_done = r->rc = 0;
    for (size_t i = 0; i < r->nb; i++)
        r->b[i].state = 0;
    pthread_t th[64];
    thr t[64];
    int started = 0;
    for (int i = 0; i < r->threads; i++)
        t[i] = (thr){r, &r->w[i]};
    for (int i = 1; i < r->threads; i++) {
        if (pthread_create(&th[i], NULL, pipeline, &t[i]))
            break; /* fewer threads: still correct */
        started++;
    }
    pipeline(&t[0]);
    for (int i = 1; i <= started; i++)
        pthread_join(th[i], NULL);
    int rc = r->rc;
    if (rc == -4)
        fprintf(stderr, "leakguard redact: %s: read error: %s\n",
                in_name(r),
                strerror(r->read_errno ? r->read_errno : ENOMEM));
    else if (rc == -1)
        fprintf(stderr, "leakguard redact: %s: out of memory (or a record "
                        "over 4 GB); nothing more written\n",
                in_name(r));
    else if (rc < 0)
        fprintf(stderr, "leakguard redact: write error: %s\n",
                strerror(r->write_errno));
    return rc ? -1 : 0;
}

static void summary(FILE *f, run *r, double secs, int with_speed)
{
    rd_stats tot = {0};
    int nt = rd_type_count(r->eng);
    for (int i = 0; i < r->threads; i++) {
        const rd_stats *s = &r->w[i].st;
        tot.records += s->records;
        tot.malformed += s->malformed;
        tot.found_in += s->found_in;
        for (int t = 0; t < nt; t++)
            tot.found[t] += s->found[t];
    }
    uint64_t all = 0;
    for (int t = 0; t < nt; t++)
        all += tot.found[t];
    fprintf(f, "leakguard redact: %llu records, %llu with findings, %llu "
               "malformed, %llu findings",
            (unsigned long long)tot.records, (unsigned long long)tot.found_in,
            (unsigned long long)tot.malformed, (unsigned long long)all);
    if (with_speed) {
        double mb = (double)r->bytes_in / 1e6;
        fprintf(f, "; %.1f MB in %.2f s (%.1f MB/s, %d thread%s)", mb, secs,
                secs > 0 ? mb / secs : 0.0, r->threads,
                r->threads > 1 ? "s" : "");
    }
    fputc('\n', f);
    for (int t = 0; t < nt; t++) {
        if (!tot.found[t])
            continue;
        /* distinct: merge the workers' keyed-hash sets */
        rd_u64set *m = &r->w[0].distinct[t];
        for (int i = 1; i < r->threads; i++)
            rd_u64set_merge(m, &r->w[i].distinct[t]);
        fprintf(f, "  %-12s %10llu found", rd_type_name(r->eng, t),
                (unsigned long long)tot.found[t]);
        if (r->opts.distinct) {
            int est;
            uint64_t d = rd_u64set_count(m, &est);
            fprintf(f, ", %s%llu distinct", est ? "~" : "",
                    (unsigned long long)d);
        }
        fputc('\n', f);
    }
}

static int policy_needs_token(const rd_policy *p)
{
    for (size_t i = 0; i < p->ntypes; i++)
        if (p->types[i].action == RD_ACT_TOKEN)
            return 1;
    for (size_t i = 0; i < p->nfields; i++)
        if (p->fields[i].action == RD_ACT_TOKEN)
            return 1;
    return 0;
}

int cmd_redact(int argc, char **argv)
{
    static const struct option longopts[] = {
        {"format", required_argument, NULL, 'f'},
        {"mode", required_argument, NULL, 'm'},
        {"policy", required_argument, NULL, 'p'},
        {"key-file", required_argument, NULL, 'k'},
        {"findings", required_argument, NULL, 'F'},
        {"check", no_argument, NULL, 'c'},
        {"stats", no_argument, NULL, 's'},
        {"threads", required_argument, NULL, 't'},
        {"help", no_argument, NULL, 'h'},
        {NULL, 0, NULL, 0},
    };
    const char *policy_file = NULL, *key_file = NULL, *findings_file = NULL,
               *out_file = NULL;
    int check = 0, stats = 0, c, status = 2;
    /* 128 KB batches: on this project's VMs a first touch of a page costs
     * more than the scan of it, and with --threads N there are 2N batches
     * (in, out) alive; 1 MB batches made --threads 2 fault in 8 MB more
     * and spend 60 ms (20%) more CPU on 100 MB.  Per-batch costs (one
     * Vectorscan call, a wake-up) stay small at this size. */
    run r = {.fmt = RD_FMT_AUTO, .threads = 1, .batch_bytes = 128 << 10};
    rd_action mode = RD_ACT_MASK;
    rd_policy *pol = NULL;
    rd_engine *eng = NULL;
    FILE *out = NULL, *fnd = NULL;
    char tmp_out[PATH_MAX] = "";
    rd_keyed key = {.token_hex = 8}, count = {.token_hex = 8};
    lg_err e;
    opterr = 0;
    optind = 1;
    while ((c = getopt_long(argc, argv, "ho:", longopts, NULL)) != -1) {
        switch (c) {
        case 'f':
            if (!strcmp(optarg, "auto"))
                r.fmt = RD_FMT_AUTO;
            else if (!strcmp(optarg, "text"))
                r.fmt = RD_FMT_TEXT;
            else if (!strcmp(optarg, "ndjson") || !strcmp(optarg, "json"))
                r.fmt = RD_FMT_NDJSON;
            else if (!strcmp(optarg, "csv"))
                r.fmt = RD_FMT_CSV;
            else if (!strcmp(optarg, "es-bulk") || !strcmp(optarg, "bulk"))
                r.fmt = RD_FMT_ESBULK;
            else {
                fprintf(stderr, "leakguard redact: --format: expected auto, "
                                "text, ndjson, csv or es-bulk, got '%s'\n",
                        optarg);
                return 2;
            }
            break;
        case 'm': {
            int a = rd_action_parse(optarg);
            if (a != RD_ACT_MASK && a != RD_ACT_PARTIAL && a != RD_ACT_TOKEN &&
                a != RD_ACT_DROP) {
                fprintf(stderr, "leakguard redact: --mode: expected mask, "
                                "partial, token or drop, got '%s'\n",
                        optarg);
                return 2;
            }
            mode = (rd_action)a;
            break;
        }
        case 'p': policy_file = optarg; break;
        case 'k': key_file = optarg; break;
        case 'F': findings_file = optarg; break;
        case 'c': check = 1; break;
        case 's': stats = 1; break;
        case 'o': out_file = optarg; break;
        case 't': {
            char *end;
            long n = strtol(optarg, &end, 10);
            if (*end || n < 1 || n > 64) {
                fprintf(stderr, "leakguard redact: --threads: expected 1..64, "
                                "got '%s'\n",
                        optarg);
                return 2;
            }
            r.threads = (int)n;
            break;
        }
        case 'h': fputs(usage, stdout); return 0;
        default:
            fprintf(stderr, "leakguard redact: unknown option '%s'\n%s",
                    argv[optind - 1], usage);
            return 2;
        }
    }
    const char *bb = getenv("LG_BATCH_BYTES"); /* tests: tiny batches */
    if (bb && atol(bb) > 0)
        r.batch_bytes = (size_t)atol(bb);
    /* a piece holds at least two windows and what they reach ahead, so
     * that each piece takes one on; LG_PIECE_BYTES for tests */
    const char *pb = getenv("LG_PIECE_BYTES");
    r.piece_min = pb && atol(pb) > 0 ? (size_t)atol(pb) : (size_t)4 << 20;
    if (r.piece_min < 2 * (RD_WIN + RD_WIN_AHEAD))
        r.piece_min = 2 * (RD_WIN + RD_WIN_AHEAD);

    pol = policy_file ? rd_policy_load(policy_file, &e) : rd_policy_new();
    if (!pol) {
        fprintf(stderr, "leakguard redact: %s\n",
                policy_file ? e.msg : "out of memory");
        goto out;
    }
    key.token_hex = count.token_hex = pol->token_length;
    if (mode == RD_ACT_TOKEN || policy_needs_token(pol)) {
        if (rd_key_load(&key, key_file, &e)) {
            fprintf(stderr, "leakguard redact: %s\n", e.msg);
            goto out;
        }
    } else if (key_file && rd_key_load(&key, key_file, &e)) {
        fprintf(stderr, "leakguard redact: %s\n", e.msg);
        goto out;
    }
    rd_key_random(&count);
    eng = rd_engine_new(pol, &e);
    if (!eng) {
        fprintf(stderr, "leakguard redact: %s\n", e.msg);
        goto out;
    }
    r.eng = eng;
    r.opts = (rd_opts){.mode = mode, .key = &key, .count = &count,
                       .findings = findings_file != NULL,
                       .distinct = stats || check, .check = check};
    /* every input must be readable before anything is written */
    for (int i = optind; i < argc; i++)
        if (strcmp(argv[i], "-") && access(argv[i], R_OK)) {
            fprintf(stderr, "leakguard redact: %s: %s\n", argv[i],
                    strerror(errno));
            goto out;
        }
    if (findings_file && !(fnd = fopen(findings_file, "w"))) {
        fprintf(stderr, "leakguard redact: %s: %s\n", findings_file,
                strerror(errno));
        goto out;
    }
    struct stat ost;
    if (check) {
        out = NULL;
    } else if (out_file && stat(out_file, &ost) == 0 && !S_ISREG(ost.st_mode)) {
        /* a device or a pipe (-o /dev/null): renaming a file over it would
         * replace it, so write to it directly */
        if (!(out = fopen(out_file, "w"))) {
            fprintf(stderr, "leakguard redact: %s: %s\n", out_file,
                    strerror(errno));
            goto out;
        }
    } else if (out_file) {
        int n = snprintf(tmp_out, sizeof tmp_out, "%s.tmp.XXXXXX", out_file);
        int fd = n > 0 && (size_t)n < sizeof tmp_out ? mkstemp(tmp_out) : -1;
        if (fd < 0 || !(out = fdopen(fd, "w"))) {
            fprintf(stderr, "leakguard redact: %s: %s\n", out_file,
                    strerror(errno));
            if (fd >= 0)
                close(fd);
            tmp_out[0] = 0;
            goto out;
        }
    } else {
        out = stdout;
    }

    r.w = calloc((size_t)r.threads, sizeof *r.w);
    r.nb = r.threads > 1 ? (size_t)r.threads * 2 : 1;
    r.b = calloc(r.nb, sizeof *r.b);
    if (!r.w || !r.b)
        goto oom;
    for (int i = 0; i < r.threads; i++) {
        if (rd_worker_init(&r.w[i], eng, &r.opts))
            goto oom;
        r.w[i].spill = spill;
    }
    pthread_mutex_init(&r.mu, NULL);
    pthread_cond_init(&r.cv, NULL);
    /* a batch is one fwrite of about batch_bytes: unbuffered, that is
     * one write(2), not a flush of the stdio buffer and then the rest */
    if (out)
        setvbuf(out, NULL, _IONBF, 0);
    r.out = out;
    r.fnd = fnd;
    struct timespec t0, t1;
    clock_gettime(CLOCK_MONOTONIC, &t0);
    int bad = 0;
    int nfiles = argc - optind;
    for (int i = 0; i <= nfiles && !bad; i++) {
        if (i == nfiles && nfiles > 0)
            break;
        const char *path = nfiles ? argv[optind + i] : NULL;
        r.file = path && strcmp(path, "-") ? path : NULL;
        r.fd = r.file ? open(r.file, O_RDONLY) : 0;
        if (r.fd < 0) {
            fprintf(stderr, "leakguard redact: %s: %s\n", r.file,
                    strerror(errno));
            bad = 1;
            break;
        }
        r.eof = r.fd_eof = 0;
        r.carry.n = 0;
        r.cur = r.fmt;
        r.csv_header_pending = 1;
        r.bulk_source_next = 0;
        if (pump(&r))
            bad = 1;
        if (r.again) { /* not read again: stopped by an error */
            fclose(r.again);
            r.again = NULL;
        }
        if (r.file)
            close(r.fd);
        if (i == nfiles)
            break;
    }
    clock_gettime(CLOCK_MONOTONIC, &t1);
    pthread_mutex_destroy(&r.mu);
    pthread_cond_destroy(&r.cv);
    if (bad)
        goto out;
    if (out && fflush(out)) {
        fprintf(stderr, "leakguard redact: write error: %s\n", strerror(errno));
        goto out;
    }
    if (fnd && fclose(fnd)) {
        fnd = NULL;
        fprintf(stderr, "leakguard redact: %s: %s\n", findings_file,
                strerror(errno));
        goto out;
    }
    fnd = NULL;
    if (out && out != stdout && !tmp_out[0]) {
        if (fclose(out)) {
            out = NULL;
            fprintf(stderr, "leakguard redact: %s: %s\n", out_file,
                    strerror(errno));
            goto out;
        }
        out = NULL;
    } else if (out && out != stdout) {
        if (fsync(fileno(out)) || fclose(out)) {
            out = NULL;
            fprintf(stderr, "leakguard redact: %s: %s\n", out_file,
                    strerror(errno));
            goto out;
        }
        out = NULL;
        if (rename(tmp_out, out_file)) {
            fprintf(stderr, "leakguard redact: %s: %s\n", out_file,
                    strerror(errno));
            goto out;
        }
        tmp_out[0] = 0;
    }
    double secs = (double)(t1.tv_sec - t0.tv_sec) +
                  (double)(t1.tv_nsec - t0.tv_nsec) / 1e9;
    if (stats)
        summary(stderr, &r, secs, 1);
    status = 0;
    if (check) {
        summary(stdout, &r, secs, 0);
        for (int i = 0; i < r.threads; i++)
            if (r.w[i].st.found_in)
                status = 1;
    }
    goto out;
oom:
    fprintf(stderr, "leakguard redact: out of memory\n");
out:
    if (fnd)
        fclose(fnd);
    if (out && out != stdout)
        fclose(out);
    if (tmp_out[0])
        unlink(tmp_out);
    if (r.w)
        for (int i = 0; i < r.threads; i++)
            rd_worker_free(&r.w[i]);
    free(r.w);
    if (r.b)
        for (size_t i = 0; i < r.nb; i++) {
            rd_buf_free(&r.b[i].data);
            rd_buf_free(&r.b[i].out);
            rd_buf_free(&r.b[i].findings);
            rd_buf_free(&r.b[i].msgs);
            free(r.b[i].recs);
            if (r.b[i].spill)
                fclose(r.b[i].spill);
            if (r.b[i].ospill)
                fclose(r.b[i].ospill);
        }
    free(r.b);
    rd_buf_free(&r.carry);
    for (size_t i = 0; i < r.ncolv; i++)
        rd_columns_free(&r.colv[i]);
    free(r.colv);
    rd_engine_free(eng);
    rd_policy_free(pol);
    return status;
}
