/* load.c - reading, JSON parsing with positions, format detection and
 * dispatch to the platform readers. */
#include "load.h"

#include <errno.h>
#include <stdint.h>
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include "../core/jsonloc.h"
#include "../core/jstream.h"
#include "platforms.h"

static const char *const fmt_names[] = {"auto", "azure", "aws", "gcp",
                                        "iptables", "nft", "terraform"};

int nr_format_parse(const char *name)
{
    for (int i = 0; i < (int)(sizeof fmt_names / sizeof fmt_names[0]); i++)
        if (strcmp(name, fmt_names[i]) == 0)
            return i;
    if (strcmp(name, "nftables") == 0)
        return NR_FMT_NFT;
    return -1;
}

const char *nr_format_name(nr_format f)
{
    return (unsigned)f < sizeof fmt_names / sizeof fmt_names[0] ? fmt_names[f] : "?";
}

#define MAP_MIN_BYTES ((size_t)64 << 20)

/* A large JSON file is mapped read-only rather than copied: after loading,
 * its pages are dropped from memory (drop_mapped) and come back from the
 * page cache only for the few lines findings point at.  JSON only, because
 * the JSON code never reads past `len` (a mapping has no terminating NUL). */
static char *map_json(FILE *f, size_t *len)
{
    struct stat st;
    char head[64];
    const char *v = getenv("LG_MAP_BYTES"); /* tests map small files */
    size_t min = v && *v ? (size_t)strtoull(v, NULL, 10) : MAP_MIN_BYTES;
    if (fstat(fileno(f), &st) != 0 || !S_ISREG(st.st_mode) || st.st_size <= 0 ||
        (size_t)st.st_size < min)
        return NULL;
    ssize_t got = pread(fileno(f), head, sizeof head, 0);
    ssize_t k = 0;
    while (k < got && (head[k] == ' ' || head[k] == '\n' || head[k] == '\r' || head[k] == '\t'))
        k++;
    if (k >= got || (head[k] != '{' && head[k] != '['))
        return NULL;
    void *p = mmap(NULL, (size_t)st.st_size, PROT_READ, MAP_PRIVATE, fileno(f), 0);
    if (p == MAP_FAILED)
        return NULL;
    *len = (size_t)st.st_size;
    return p;
}

static char *read_all(const char *path, size_t *len, bool *mapped, lg_err *e)
{
    FILE *f = strcmp(path, "-") == 0 ? stdin : fopen(path, "rb");
    if (!f) {
        lg_err_at(e, path, 0, 0, "cannot open: %s", strerror(errno));
        return NULL;
    }
    *mapped = false;
    if (f != stdin) {
        char *m = map_json(f, len);
        if (m) {
            fclose(f);
            *mapped = true;
            return m;
        }
    }
    /* a regular file's size is known: one exact buffer instead of doubling
     * (a 605 MB export would otherwise get a 1 GB buffer) */
    struct stat st;
    size_t cap = 1 << 16, n = 0;
    if (fstat(fileno(f), &st) == 0 && S_ISREG(st.st_mode) && st.st_size > 0)
        cap = (size_t)st.st_size + 1; /* +1: see EOF without another grow */
    char *buf = malloc(cap + 1);
    for (;;) {
        if (n == cap) {
            cap *= 2;
            char *nb = realloc(buf, cap + 1);
            if (!nb) {
                free(buf);
                lg_err_at(e, path, 0, 0, "out of memory");
                buf = NULL;
                goto out;
            }
            buf = nb;
        }
        size_t r = fread(buf + n, 1, cap - n, f);
        n += r;
        if (r == 0)
            break;
    }
    if (ferror(f)) {
        lg_err_at(e, path, 0, 0, "read error: %s", strerror(errno));
        free(buf);
        buf = NULL;
        goto out;
    }
    buf[n] = 0;
    *len = n;
out:
    if (f != stdin)
        fclose(f);
    return buf;
}

/* ---- streaming large NSG lists ---------------------------------------------
 * A subscription-wide `az network nsg list` can be hundreds of MB; as one
 * jansson document it takes several times that in memory.  When the only
 * Azure input is a top-level array of plain NSGs (nothing to join across
 * elements), it is parsed and read a batch of elements at a time.  Anything
 * else falls back to parsing the whole document, so the result is the same
 * either way. */

#define STREAM_MIN_BYTES ((size_t)32 << 20)
#define STREAM_BATCH_BYTES ((size_t)4 << 20)

static size_t stream_min(void)
{
    const char *v = getenv("LG_STREAM_BYTES"); /* tests force streaming */
    return v && *v ? (size_t)strtoull(v, NULL, 10) : STREAM_MIN_BYTES;
}

static int json_error(lg_err *e, const nr_input *in, size_t off, const json_error_t *je)
{
    /* jansson counts from `off`: translate to the whole file */
    long line = je->line, col = je->column > 0 ? je->column : 1;
    size_t bol = 0;
    for (size_t q = 0; q < off; q++)
        if (in->text[q] == '\n') {
            line++;
            bol = q + 1;
        }
    if (je->line <= 1)
        col += (long)(off - bol);
    return lg_err_at(e, in->path, line, col, "invalid JSON: %s", je->text);
}

/* A standalone NSG: its own rules, nothing another element must join. */
static bool plain_nsg(json_t *o)
{
    if (!json_is_object(o))
        return false;
    json_t *p = json_object_get(o, "properties");
    json_t *where = json_is_object(p) ? p : o;
    const char *type = json_string_value(json_object_get(o, "type"));
    if (type && strcasecmp(type, "Microsoft.Network/networkSecurityGroups") != 0)
        return false;
    return (json_is_array(json_object_get(where, "securityRules")) ||
            json_is_array(json_object_get(where, "defaultSecurityRules"))) &&
           !json_object_get(o, "effectiveSecurityRules") &&
           !json_object_get(where, "ipConfigurations") && !json_object_get(o, "resources");
}

static int parse_whole(nr_input *in, lg_err *e)
{
    size_t k = lg_json_skip_ws(in->text, in->len, 0);
    json_error_t je;
    in->json = json_loadb(in->text + k, in->len - k, JSON_REJECT_DUPLICATES, &je);
    return in->json ? 0 : json_error(e, in, k, &je);
}

typedef struct stream_ctx {
    nr_snapshot *s;
    nr_input *in;
    bool mapped;
    const nr_opts *o;
    lg_err *e;
} stream_ctx;

enum { ST_NOT_PLAIN = 2, ST_FAILED = 3 };

static long stream_line(const void *js, const json_t *obj)
{
    return lg_jstream_line(js, obj);
}

static int on_batch(void *vx, const lg_jstream *js, json_t *batch, size_t first,
                    size_t upto)
{
    stream_ctx *x = vx;
    nr_input *in = x->in;
    size_t i;
    json_t *el;
    json_array_foreach(batch, i, el)
        if (!plain_nsg(el))
            return ST_NOT_PLAIN;
    in->json = batch;
    in->array_base = first;
    in->line_of = stream_line;
    in->line_ctx = js;
    const nr_input *one = in;
    int rc = nr_azure_load(x->s, &one, 1, x->o, x->e);
    in->json = NULL;
    in->array_base = 0;
    in->line_of = NULL;
    in->line_ctx = NULL;
    if (rc < 0)
        return ST_FAILED;
    if (x->mapped) { /* the text read so far is not needed in memory now */
        uintptr_t pg = (uintptr_t)sysconf(_SC_PAGESIZE);
        uintptr_t from = (uintptr_t)in->text; /* page aligned: a mapping */
        uintptr_t to = ((uintptr_t)in->text + upto) / pg * pg;
        if (to > from)
            madvise((void *)from, (size_t)(to - from), MADV_DONTNEED);
    }
    return 0;
}

/* A large array of plain NSGs, read batch by batch (core/jstream.h).
 * 1: streamed; 0: not a plain NSG list after all, or JSON that jansson
 * reads although the stream stopped (the caller starts over with the
 * whole document; s may hold part of it); -1: error. */
static int stream_azure(nr_snapshot *s, nr_input *in, bool mapped, const nr_opts *o,
                        lg_err *e)
{
    stream_ctx x = {s, in, mapped, o, e};
    size_t at = 0;
    int rc = lg_jstream_array(in->text, in->len, lg_json_skip_ws(in->text, in->len, 0),
                              STREAM_BATCH_BYTES, on_batch, &x, &at);
    if (rc == 0)
        return 1;
    if (rc == ST_FAILED)
        return -1;
    if (rc == -1 && parse_whole(in, e) < 0) /* jansson's message */
        return -1;
    return 0;
}

static int add_input(nr_inputs *ins, const char *name, char *text, size_t len,
                     bool mapped, nr_format force, lg_err *e)
{
    size_t i = ins->n;
    ins->in = realloc(ins->in, (i + 1) * sizeof *ins->in);
    ins->fmt = realloc(ins->fmt, (i + 1) * sizeof *ins->fmt);
    ins->stream = realloc(ins->stream, (i + 1) * sizeof *ins->stream);
    ins->mapped = realloc(ins->mapped, (i + 1) * sizeof *ins->mapped);
    ins->mapped[i] = mapped;
    nr_input *in = &ins->in[i];
    memset(in, 0, sizeof *in);
    lg_arena shown; /* the path as output shows it: valid UTF-8 */
    lg_arena_init(&shown);
    in->path = strdup(nr_text(&shown, name, strlen(name)));
    lg_arena_free(&shown);
    in->text = text;
    in->len = len;
    ins->fmt[i] = NR_FMT_AUTO;
    ins->stream[i] = false;
    ins->n++;

    size_t k = 0;
    if (len >= 3 && (unsigned char)text[0] == 0xef && (unsigned char)text[1] == 0xbb &&
        (unsigned char)text[2] == 0xbf)
        k = 3; /* UTF-8 byte order mark, as PowerShell writes */
    while (k < len && (text[k] == ' ' || text[k] == '\n' || text[k] == '\r' || text[k] == '\t'))
        k++;
    if (k == len)
        return lg_err_at(e, name, 0, 0, "empty input: expected a rules export");
    bool looks_json = text[k] == '{' || text[k] == '[';
    if (force == NR_FMT_IPT)
        looks_json = false;
    if (looks_json && text[k] == '[' && len >= stream_min() &&
        (force == NR_FMT_AUTO || force == NR_FMT_AZURE)) {
        /* decide on the first element alone; the rest is read in batches */
        size_t st = lg_json_skip_ws(text, len, k + 1);
        size_t en = lg_json_value_end(text, len, st);
        json_t *first = en ? json_loadb(text + st, en - st, 0, NULL) : NULL;
        bool nsg = plain_nsg(first);
        json_decref(first);
        if (nsg) {
            ins->fmt[i] = NR_FMT_AZURE;
            ins->stream[i] = true;
            return 0;
        }
    }
    if (looks_json || (force != NR_FMT_AUTO && force != NR_FMT_IPT)) {
        json_error_t je;
        json_t *j = json_loadb(text + k, len - k, JSON_REJECT_DUPLICATES, &je);
        if (!j) {
            /* jansson counts lines from the start of what it was given */
            long line = je.line, col = je.column > 0 ? je.column : 1;
            for (size_t q = 0; q < k; q++)
                if (text[q] == '\n')
                    line++;
            return lg_err_at(e, name, line, col, "invalid JSON: %s", je.text);
        }
        in->json = j;
    }
    if (force != NR_FMT_AUTO) {
        ins->fmt[i] = force;
        return 0;
    }
    if (!in->json) {
        if (nr_ipt_detect(in)) {
            ins->fmt[i] = NR_FMT_IPT;
            return 0;
        }
        long line = 1;
        return lg_err_at(e, name, line, 1,
                         "unknown format: expected JSON (Azure, AWS, GCP, nft -j) "
                         "or iptables-save text (use --format to say which)");
    }
    if (nr_tf_detect(in))
        ins->fmt[i] = NR_FMT_TERRAFORM;
    else if (nr_nft_detect(in))
        ins->fmt[i] = NR_FMT_NFT;
    else if (nr_aws_detect(in))
        ins->fmt[i] = NR_FMT_AWS;
    else if (nr_gcp_detect(in))
        ins->fmt[i] = NR_FMT_GCP;
    else if (nr_azure_detect(in))
        ins->fmt[i] = NR_FMT_AZURE;
    else
        return lg_err_at(e, name, 1, 1,
                         "unknown JSON document: expected an Azure NSG/ARM export, "
                         "AWS describe-security-groups/-network-acls, GCP "
                         "firewall-rules list, nft -j list ruleset or "
                         "terraform show -json "
                         "(use --format to say which)");
    return 0;
}

static int dispatch(nr_snapshot *s, nr_inputs *ins, const nr_opts *o, lg_err *e)
{
    static int (*const loaders[])(nr_snapshot *, const nr_input *const *, size_t,
                                  const nr_opts *, lg_err *) = {
        NULL, nr_azure_load, nr_aws_load, nr_gcp_load, nr_ipt_load, nr_nft_load,
        nr_tf_load};
    const nr_input **group = calloc(ins->n + 1, sizeof *group);
    int rc = 0;
    size_t nazure = 0, streamed = ins->n;
    for (size_t i = 0; i < ins->n; i++)
        if (ins->fmt[i] == NR_FMT_AZURE) {
            nazure++;
            if (ins->stream[i])
                streamed = i;
        }
    if (streamed < ins->n && nazure == 1) {
        /* Azure is read first, so the snapshot is still empty here */
        rc = stream_azure(s, &ins->in[streamed], ins->mapped && ins->mapped[streamed], o, e);
        if (rc < 0)
            goto out;
        if (rc == 0) { /* not plain NSGs: start over with the whole document */
            nr_snapshot_free(s);
            nr_snapshot_init(s);
        } else {
            ins->fmt[streamed] = -1; /* done */
        }
        rc = 0;
    }
    for (size_t i = 0; i < ins->n; i++)
        if (ins->stream[i] && ins->fmt[i] != -1 && !ins->in[i].json &&
            (rc = parse_whole(&ins->in[i], e)) < 0)
            goto out;
    for (int f = NR_FMT_AZURE; f <= NR_FMT_TERRAFORM && rc == 0; f++) {
        size_t m = 0;
        for (size_t i = 0; i < ins->n; i++)
            if (ins->fmt[i] == f)
                group[m++] = &ins->in[i];
        if (m)
            rc = loaders[f](s, group, m, o, e);
    }
out:
    free(group);
    return rc;
}

int nr_load(nr_snapshot *s, nr_inputs *ins, const char *const *paths,
            size_t npaths, nr_format force, const nr_opts *o, lg_err *e)
{
    for (size_t i = 0; i < npaths; i++) {
        size_t len = 0;
        bool mapped = false;
        char *text = read_all(paths[i], &len, &mapped, e);
        if (!text)
            return -1;
        if (add_input(ins, strcmp(paths[i], "-") == 0 ? "<stdin>" : paths[i],
                      text, len, mapped, force, e) < 0)
            return -1;
    }
    int rc = dispatch(s, ins, o, e);
    for (size_t i = 0; i < ins->n; i++)
        if (ins->mapped[i]) /* loaded: let the pages go until a line is wanted */
            madvise((void *)ins->in[i].text, ins->in[i].len, MADV_DONTNEED);
    return rc;
}

int nr_load_mem(nr_snapshot *s, nr_inputs *ins, const char *name,
                const char *text, size_t len, nr_format force,
                const nr_opts *o, lg_err *e)
{
    char *copy = malloc(len + 1);
    memcpy(copy, text, len);
    copy[len] = 0;
    if (add_input(ins, name, copy, len, false, force, e) < 0)
        return -1;
    return dispatch(s, ins, o, e);
}

void nr_inputs_free(nr_inputs *ins)
{
    for (size_t i = 0; i < ins->n; i++) {
        free((char *)ins->in[i].path);
        if (ins->mapped && ins->mapped[i])
            munmap((void *)ins->in[i].text, ins->in[i].len);
        else
            free((char *)ins->in[i].text);
        if (ins->in[i].json)
            json_decref(ins->in[i].json);
        lg_json_index_free(ins->in[i].locidx);
    }
    free(ins->in);
    free(ins->fmt);
    free(ins->stream);
    free(ins->mapped);
    memset(ins, 0, sizeof *ins);
}
