/* policy.c - the redaction policy from YAML, with libyaml's event API.
 *
 * Why events and not libyaml's document loader: the loader resolves
 * aliases (so a small file can expand into a huge tree) and keeps the
 * whole document in memory; with events we check each node as it arrives,
 * stop at the first thing that is wrong, and never need to skip a subtree.
 *
 * Shape of the parser: one `ps` (parse state) holding the current event;
 * each top-level key has a row in `sections` (name -> handler).  A handler
 * is called with the value's first event current and must consume exactly
 * that node.  Every string stored in the policy is copied out of the event
 * (events are freed as soon as the next one is read).
 *
 * Invariants:
 *  - every error goes through perr()/syntax_error()/oom() and names the
 *    file, 1-based line and column and what was expected;
 *  - on error the half-built policy is freed by the caller of parse_doc()
 *    (rd_policy_free copes with partly filled entries: NULL strings);
 *  - duplicate keys are found with small hash indexes (not a linear scan)
 *    because a 16 MB file can hold 100000 entries per list. */
#include "policy.h"

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <yaml.h>

/* Allocation goes through these so that tests/unit/test_policy.c can
 * compile this file with failing allocators (fault injection). */
#ifndef PL_MALLOC
#define PL_MALLOC malloc
#endif
#ifndef PL_REALLOC
#define PL_REALLOC realloc
#endif

#define PL_MAX_BYTES ((size_t)16 << 20) /* 16 MB */
#define PL_MAX_ENTRIES 100000           /* per list or mapping */
#define PL_TOKEN_MIN 8
#define PL_TOKEN_MAX 32
#define PL_TOKEN_DEFAULT 8

static const char *const action_names[] = {
    [RD_ACT_DEFAULT] = "default", [RD_ACT_KEEP] = "keep",
    [RD_ACT_DROP] = "drop",       [RD_ACT_MASK] = "mask",
    [RD_ACT_PARTIAL] = "partial", [RD_ACT_TOKEN] = "token",
};

int rd_action_parse(const char *s)
{
    if (!s)
        return -1;
    for (size_t i = 0; i < sizeof action_names / sizeof *action_names; i++)
        if (strcasecmp(s, action_names[i]) == 0)
            return (int)i;
    return -1;
}

const char *rd_action_name(rd_action a)
{
    if ((unsigned)a < sizeof action_names / sizeof *action_names)
        return action_names[a];
    return "?";
}

/* ---- small helpers ------------------------------------------------------ */

static char *pl_strndup(const char *s, size_t n)
{
    char *r = PL_MALLOC(n + 1);
    if (r) {
        memcpy(r, s, n);
        r[n] = 0;
    }
    return r;
}

/* Make room for one more element; returns the (maybe moved) array or NULL
 * when out of memory (the old array is then still valid). */
static void *grow(void *arr, size_t n, size_t *cap, size_t elem)
{
    if (n < *cap)
        return arr;
    size_t nc = *cap ? *cap * 2 : 8;
    void *q = PL_REALLOC(arr, nc * elem);
    if (q)
        *cap = nc;
    return q;
}

/* A string -> size_t index with open addressing.  Keys are borrowed: they
 * point into strings the policy owns, which never move. */
typedef struct strix {
    const char **k;
    size_t *v;
    size_t cap, n; /* cap is 0 or a power of two */
} strix;

static size_t strix_hash(const char *s)
{
    size_t h = 1469598103934665603ULL & (size_t)-1;
    for (; *s; s++)
        h = (h ^ (unsigned char)*s) * (size_t)1099511628211ULL;
    return h;
}

/* 1 and *v set when found, 0 when not. */
static int strix_get(const strix *t, const char *k, size_t *v)
{
    if (!t->cap)
        return 0;
    for (size_t i = strix_hash(k) & (t->cap - 1);; i = (i + 1) & (t->cap - 1)) {
        if (!t->k[i])
            return 0;
        if (strcmp(t->k[i], k) == 0) {
            *v = t->v[i];
            return 1;
        }
    }
}

static void strix_free(strix *t)
{
    free(t->k);
    free(t->v);
    memset(t, 0, sizeof *t);
}

/* Insert a key known to be absent.  0 ok, -1 out of memory. */
static int strix_put(strix *t, const char *k, size_t v)
{
    if ((t->n + 1) * 2 > t->cap) {
        strix b = {0};
        b.cap = t->cap ? t->cap * 2 : 16;
        b.k = PL_MALLOC(b.cap * sizeof *b.k);
        b.v = PL_MALLOC(b.cap * sizeof *b.v);
        if (!b.k || !b.v) {
            strix_free(&b);
            return -1;
        }
        memset(b.k, 0, b.cap * sizeof *b.k);
        for (size_t i = 0; i < t->cap; i++)
            if (t->k[i])
                (void)strix_put(&b, t->k[i], t->v[i]); /* fits: no growth */
        strix_free(t);
        *t = b;
    }
    size_t i = strix_hash(k) & (t->cap - 1);
    while (t->k[i])
        i = (i + 1) & (t->cap - 1);
    t->k[i] = k;
    t->v[i] = v;
    t->n++;
    return 0;
}

/* ---- parse state and errors --------------------------------------------- */

typedef struct ps {
    yaml_parser_t y;
    yaml_event_t ev; /* the current event */
    const char *file;
    const char *buf;
    size_t len;
    rd_policy *p;
    lg_err *e;
    size_t captypes, capfields, capcustom, capdrop, capallow, capdomains;
    strix types;  /* type name -> index in p->types */
    strix det;    /* detectors: type name -> line */
    strix act;    /* actions: type name -> line */
    strix fields; /* field name -> line */
    strix drop;   /* drop_objects_where key -> line */
} ps;

static int perr(ps *s, yaml_mark_t m, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

static int perr(ps *s, yaml_mark_t m, const char *fmt, ...)
{
    char msg[900];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    lg_err_at(s->e, s->file, (long)m.line + 1, (long)m.column + 1, "%s", msg);
    return -1;
}

static int oom(ps *s)
{
    lg_err_at(s->e, s->file, 0, 0, "out of memory");
    return -1;
}

static int syntax_error(ps *s)
{
    yaml_parser_t *y = &s->y;
    const char *problem = y->problem ? y->problem : "unknown error";
    if (y->error == YAML_MEMORY_ERROR)
        return oom(s);
    if (y->error == YAML_READER_ERROR) {
        /* the reader gives a byte offset, not a mark */
        size_t off = y->problem_offset < s->len ? y->problem_offset : s->len;
        long line = 1, col = 1;
        for (size_t i = 0; i < off; i++, col++)
            if (s->buf[i] == '\n')
                line++, col = 0;
        lg_err_at(s->e, s->file, line, col, "invalid input: %s", problem);
    } else if (y->context) {
        lg_err_at(s->e, s->file, (long)y->problem_mark.line + 1,
                  (long)y->problem_mark.column + 1,
                  "YAML syntax error: %s (%s at line %ld, column %ld)", problem, y->context,
                  (long)y->context_mark.line + 1, (long)y->context_mark.column + 1);
    } else {
        lg_err_at(s->e, s->file, (long)y->problem_mark.line + 1,
                  (long)y->problem_mark.column + 1, "YAML syntax error: %s", problem);
    }
    return -1;
}

/* Read the next event into s->ev.  Anchors and aliases are refused: an
 * alias would let one node stand for many and a policy never needs it. */
static int next(ps *s)
{
    yaml_event_delete(&s->ev);
    if (!yaml_parser_parse(&s->y, &s->ev))
        return syntax_error(s);
    const yaml_char_t *anchor = NULL;
    switch (s->ev.type) {
    case YAML_ALIAS_EVENT:
        return perr(s, s->ev.start_mark, "aliases are not supported");
    case YAML_SCALAR_EVENT:
        anchor = s->ev.data.scalar.anchor;
        break;
    case YAML_SEQUENCE_START_EVENT:
        anchor = s->ev.data.sequence_start.anchor;
        break;
    case YAML_MAPPING_START_EVENT:
        anchor = s->ev.data.mapping_start.anchor;
        break;
    default:
        break;
    }
    if (anchor)
        return perr(s, s->ev.start_mark, "anchors and aliases are not supported");
    return 0;
}

/* A string for a message: quoted, escaped, cut at 60 bytes (never inside a
 * UTF-8 sequence).  out must hold at least 80 bytes. */
static const char *quote(const char *str, size_t len, char *out, size_t n)
{
    const unsigned char *v = (const unsigned char *)str;
    size_t o = 0, i = 0;
    out[o++] = '"';
    for (; i < len && i < 60 && o + 8 < n; i++) {
        unsigned char c = v[i];
        if (c == '"' || c == '\\') {
            out[o++] = '\\';
            out[o++] = (char)c;
        } else if (c < 0x20 || c == 0x7f) {
            o += (size_t)snprintf(out + o, n - o, "\\x%02x", c);
        } else {
            out[o++] = (char)c;
        }
    }
    if (i < len) {
        /* bytes >= 0x80 were copied one for one: back up over a cut sequence */
        while (i > 0 && (v[i] & 0xc0) == 0x80 && (v[i - 1] & 0x80))
            i--, o--;
        memcpy(out + o, "...", 3);
        o += 3;
    }
    out[o++] = '"';
    out[o] = 0;
    return out;
}

/* The current node, described for "got ..." in messages. */
static const char *got(const ps *s, char *out, size_t n)
{
    switch (s->ev.type) {
    case YAML_MAPPING_START_EVENT:
        return "a mapping";
    case YAML_SEQUENCE_START_EVENT:
        return "a sequence";
    case YAML_SCALAR_EVENT:
        return quote((const char *)s->ev.data.scalar.value, s->ev.data.scalar.length, out, n);
    default:
        return "nothing";
    }
}

#define GOT(s) got((s), gotbuf, sizeof gotbuf)
#define Q(str) quote((str), strlen(str), qbuf, sizeof qbuf)

static int is_scalar(const ps *s)
{
    return s->ev.type == YAML_SCALAR_EVENT;
}

static const char *sval(const ps *s)
{
    return (const char *)s->ev.data.scalar.value;
}

/* A plain, untagged scalar: the only kind YAML resolves to null/bool. */
static int is_plain(const ps *s)
{
    return is_scalar(s) && s->ev.data.scalar.style == YAML_PLAIN_SCALAR_STYLE &&
           !s->ev.data.scalar.tag;
}

static int is_null(const ps *s)
{
    if (!is_plain(s))
        return 0;
    const char *v = sval(s);
    return !*v || !strcmp(v, "~") || !strcmp(v, "null") || !strcmp(v, "Null") ||
           !strcmp(v, "NULL");
}

/* Copy the current scalar; NUL bytes (possible with "\0") are refused
 * because every consumer treats these as C strings. */
static int sdup(ps *s, const char *sec, char **out)
{
    size_t len = s->ev.data.scalar.length;
    if (memchr(s->ev.data.scalar.value, 0, len))
        return perr(s, s->ev.start_mark, "%s: NUL characters are not allowed", sec);
    *out = pl_strndup(sval(s), len);
    return *out ? 0 : oom(s);
}

static int parse_bool(const char *v, int *out)
{
    static const char *const t[] = {"on", "true", "yes"}, *const f[] = {"off", "false", "no"};
    for (int i = 0; i < 3; i++) {
        if (!strcasecmp(v, t[i]))
            return *out = 1, 0;
        if (!strcasecmp(v, f[i]))
            return *out = 0, 0;
    }
    return -1;
}

static int valid_type(const char *t)
{
    if (!(*t >= 'A' && *t <= 'Z'))
        return 0;
    for (t++; *t; t++)
        if (!((*t >= 'A' && *t <= 'Z') || (*t >= '0' && *t <= '9') || *t == '_'))
            return 0;
    return 1;
}

static int line_of(yaml_mark_t m)
{
    return (int)m.line + 1;
}

/* ---- collections -------------------------------------------------------- */

/* Called with the value's first event current; must consume that node. */
typedef int (*pair_fn)(ps *s, const char *sec, const char *key, yaml_mark_t km, void *ctx);
typedef int (*item_fn)(ps *s, const char *sec, void *ctx);

/* The current node is a section's value: 1 the wanted collection starts,
 * 0 it is null (an empty section, e.g. everything under it commented out),
 * -1 error. */
static int open_coll(ps *s, const char *sec, yaml_event_type_t want)
{
    char gotbuf[80];
    if (s->ev.type == want)
        return 1;
    if (is_null(s))
        return 0;
    return perr(s, s->ev.start_mark, "%s: expected a %s, got %s", sec,
                want == YAML_MAPPING_START_EVENT ? "mapping" : "sequence", GOT(s));
}

/* Walk the mapping whose start event is current, up to its end event. */
static int each_pair(ps *s, const char *sec, pair_fn fn, void *ctx)
{
    char gotbuf[80];
    for (size_t n = 0;; n++) {
        if (next(s))
            return -1;
        if (s->ev.type == YAML_MAPPING_END_EVENT)
            return 0;
        if (!is_scalar(s))
            return perr(s, s->ev.start_mark, "%s: expected a key, got %s", sec, GOT(s));
        if (n >= PL_MAX_ENTRIES)
            return perr(s, s->ev.start_mark, "%s: more than %d entries", sec,
                        PL_MAX_ENTRIES);
        if (!s->ev.data.scalar.length)
            return perr(s, s->ev.start_mark, "%s: expected a non-empty key", sec);
        char *k = NULL;
        if (sdup(s, sec, &k))
            return -1;
        yaml_mark_t km = s->ev.start_mark;
        int rc = next(s) ? -1 : fn(s, sec, k, km, ctx);
        free(k);
        if (rc)
            return -1;
    }
}

static int each_item(ps *s, const char *sec, item_fn fn, void *ctx)
{
    for (size_t n = 0;; n++) {
        if (next(s))
            return -1;
        if (s->ev.type == YAML_SEQUENCE_END_EVENT)
            return 0;
        if (n >= PL_MAX_ENTRIES)
            return perr(s, s->ev.start_mark, "%s: more than %d entries", sec,
                        PL_MAX_ENTRIES);
        if (fn(s, sec, ctx))
            return -1;
    }
}

/* A value that must be a scalar; `what` says what was expected. */
static int want_scalar(ps *s, const char *sec, const char *what)
{
    char gotbuf[80];
    if (is_scalar(s))
        return 0;
    return perr(s, s->ev.start_mark, "%s: expected %s, got %s", sec, what, GOT(s));
}

/* 0 when key is new in t (and records it with its line), else an error
 * naming the line of the first one. */
static int check_dup(ps *s, strix *t, const char *sec, const char *key, yaml_mark_t km)
{
    char qbuf[80];
    size_t first;
    if (strix_get(t, key, &first))
        return perr(s, km, "%s: duplicate key %s (first at line %zu)", sec, Q(key), first);
    return 0;
}

/* ---- detectors / actions ------------------------------------------------ */

/* Index of the setting for `type`, added (enabled -1, default action) if
 * new.  Detectors and actions share one entry per type; its line is where
 * the type is first named, for the engine's "unknown type" message. */
static int type_at(ps *s, const char *type, yaml_mark_t km, size_t *out)
{
    rd_policy *p = s->p;
    if (strix_get(&s->types, type, out))
        return 0;
    char *t = pl_strndup(type, strlen(type));
    rd_type_setting *q = t ? grow(p->types, p->ntypes, &s->captypes, sizeof *q) : NULL;
    if (!q) {
        free(t);
        return oom(s);
    }
    p->types = q;
    q[p->ntypes] = (rd_type_setting){.type = t, .enabled = -1, .line = line_of(km)};
    if (strix_put(&s->types, t, p->ntypes)) {
        free(t);
        return oom(s);
    }
    *out = p->ntypes++;
    return 0;
}

/* Checks shared by detectors and actions; *idx is the type's setting. */
static int type_key(ps *s, strix *seen, const char *sec, const char *key, yaml_mark_t km,
                    size_t *idx)
{
    char qbuf[80];
    if (!valid_type(key))
        return perr(s, km, "%s: type name must match [A-Z][A-Z0-9_]*, got %s", sec, Q(key));
    if (check_dup(s, seen, sec, key, km) || type_at(s, key, km, idx))
        return -1;
    return strix_put(seen, s->p->types[*idx].type, (size_t)line_of(km)) ? oom(s) : 0;
}

static int detector_pair(ps *s, const char *sec, const char *key, yaml_mark_t km, void *ctx)
{
    (void)ctx;
    char gotbuf[80];
    size_t i;
    int on;
    if (type_key(s, &s->det, sec, key, km, &i))
        return -1;
    if (!is_scalar(s) || parse_bool(sval(s), &on))
        return perr(s, s->ev.start_mark, "%s: expected on|off|true|false|yes|no, got %s",
                    sec, GOT(s));
    s->p->types[i].enabled = on;
    return 0;
}

/* An action value (keep|drop|...; "default" is not something to write). */
static int action_value(ps *s, const char *sec, rd_action *out)
{
    char gotbuf[80];
    int a = is_scalar(s) ? rd_action_parse(sval(s)) : -1;
    if (a <= RD_ACT_DEFAULT)
        return perr(s, s->ev.start_mark,
                    "%s: expected one of keep|drop|mask|partial|token, got %s", sec, GOT(s));
    *out = (rd_action)a;
    return 0;
}

static int action_pair(ps *s, const char *sec, const char *key, yaml_mark_t km, void *ctx)
{
    (void)ctx;
    size_t i;
    rd_action a;
    if (type_key(s, &s->act, sec, key, km, &i) || action_value(s, sec, &a))
        return -1;
    s->p->types[i].action = a;
    return 0;
}

/* ---- fields / drop_objects_where ---------------------------------------- */

static int field_pair(ps *s, const char *sec, const char *key, yaml_mark_t km, void *ctx)
{
    (void)ctx;
    rd_policy *p = s->p;
    rd_action a;
    if (check_dup(s, &s->fields, sec, key, km) || action_value(s, sec, &a))
        return -1;
    char *n = pl_strndup(key, strlen(key));
    rd_field_rule *q = n ? grow(p->fields, p->nfields, &s->capfields, sizeof *q) : NULL;
    if (!q) {
        free(n);
        return oom(s);
    }
    p->fields = q;
    q[p->nfields++] = (rd_field_rule){.name = n, .action = a, .line = line_of(km)};
    return strix_put(&s->fields, n, (size_t)line_of(km)) ? oom(s) : 0;
}

static int drop_pair(ps *s, const char *sec, const char *key, yaml_mark_t km, void *ctx)
{
    (void)ctx;
    rd_policy *p = s->p;
    if (check_dup(s, &s->drop, sec, key, km) ||
        want_scalar(s, sec, "a scalar to compare with"))
        return -1;
    char *k = pl_strndup(key, strlen(key)), *v = NULL;
    if (!k)
        return oom(s);
    if (sdup(s, sec, &v)) {
        free(k);
        return -1;
    }
    rd_drop_if *q = grow(p->drop_if, p->ndrop_if, &s->capdrop, sizeof *q);
    if (!q) {
        free(k);
        free(v);
        return oom(s);
    }
    p->drop_if = q;
    rd_drop_if *d = &q[p->ndrop_if++];
    *d = (rd_drop_if){.key = k, .value = v, .line = line_of(km)};
    /* only true/false/yes/no, plain: a quoted "true" is the string */
    int b;
    if (is_plain(s) && strcasecmp(v, "on") && strcasecmp(v, "off") && !parse_bool(v, &b)) {
        d->value_is_bool = 1;
        d->bool_value = b;
    }
    return strix_put(&s->drop, k, (size_t)line_of(km)) ? oom(s) : 0;
}

/* ---- custom ------------------------------------------------------------- */

enum { CK_TYPE, CK_PATTERN, CK_VALIDATOR, CK_CASELESS, CK_N };
static const char *const custom_keys[CK_N] = {"type", "pattern", "validator", "caseless"};

typedef struct custom_ctx {
    size_t idx;       /* in p->custom */
    int seen[CK_N];   /* line of each key, 0 = not there */
} custom_ctx;

static int custom_pair(ps *s, const char *sec, const char *key, yaml_mark_t km, void *vctx)
{
    custom_ctx *c = vctx;
    rd_custom *cu = &s->p->custom[c->idx];
    char gotbuf[80], qbuf[80];
    int k = 0;
    while (k < CK_N && strcmp(key, custom_keys[k]))
        k++;
    if (k == CK_N)
        return perr(s, km, "%s: unknown key %s, expected one of "
                           "type|pattern|validator|caseless", sec, Q(key));
    if (c->seen[k])
        return perr(s, km, "%s: duplicate key \"%s\" (first at line %d)", sec, key,
                    c->seen[k]);
    c->seen[k] = line_of(km);
    switch (k) {
    case CK_TYPE:
        if (want_scalar(s, sec, "a type name"))
            return -1;
        if (!valid_type(sval(s)))
            return perr(s, s->ev.start_mark, "%s: type must match [A-Z][A-Z0-9_]*, got %s",
                        sec, GOT(s));
        return sdup(s, sec, &cu->type);
    case CK_PATTERN:
        if (want_scalar(s, sec, "a regex"))
            return -1;
        if (!s->ev.data.scalar.length)
            return perr(s, s->ev.start_mark, "%s: expected a non-empty regex", sec);
        return sdup(s, sec, &cu->pattern);
    case CK_VALIDATOR:
        if (is_scalar(s) && !strcasecmp(sval(s), "none"))
            cu->validator = RD_VAL_NONE;
        else if (is_scalar(s) && !strcasecmp(sval(s), "luhn"))
            cu->validator = RD_VAL_LUHN;
        else if (is_scalar(s) && !strcasecmp(sval(s), "mod97"))
            cu->validator = RD_VAL_MOD97;
        else
            return perr(s, s->ev.start_mark, "%s: expected none|luhn|mod97, got %s", sec,
                        GOT(s));
        return 0;
    default: /* CK_CASELESS */
        if (!is_scalar(s) || parse_bool(sval(s), &cu->caseless))
            return perr(s, s->ev.start_mark,
                        "%s: caseless: expected true|false|yes|no|on|off, got %s", sec,
                        GOT(s));
        return 0;
    }
}

static int custom_item(ps *s, const char *sec, void *ctx)
{
    (void)ctx;
    rd_policy *p = s->p;
    char gotbuf[80];
    if (s->ev.type != YAML_MAPPING_START_EVENT)
        return perr(s, s->ev.start_mark, "%s: expected a mapping with type and pattern, got %s",
                    sec, GOT(s));
    yaml_mark_t start = s->ev.start_mark;
    rd_custom *q = grow(p->custom, p->ncustom, &s->capcustom, sizeof *q);
    if (!q)
        return oom(s);
    p->custom = q;
    q[p->ncustom] = (rd_custom){.line = line_of(start)};
    custom_ctx c = {.idx = p->ncustom++};
    if (each_pair(s, sec, custom_pair, &c))
        return -1;
    for (int k = CK_TYPE; k <= CK_PATTERN; k++)
        if (!c.seen[k])
            return perr(s, start, "%s: entry is missing \"%s\"", sec, custom_keys[k]);
    return 0;
}

/* ---- allow / own_domains ------------------------------------------------ */

static int str_item(ps *s, const char *sec, void *ctx)
{
    rd_policy *p = s->p;
    int dom = ctx != NULL;
    char *v;
    if (want_scalar(s, sec, "a string"))
        return -1;
    if (!s->ev.data.scalar.length)
        return perr(s, s->ev.start_mark, "%s: expected a non-empty string", sec);
    if (sdup(s, sec, &v))
        return -1;
    rd_str_at **arr = dom ? &p->own_domains : &p->allow;
    size_t *n = dom ? &p->ndomains : &p->nallow;
    rd_str_at *q = grow(*arr, *n, dom ? &s->capdomains : &s->capallow, sizeof *q);
    if (!q) {
        free(v);
        return oom(s);
    }
    *arr = q;
    q[(*n)++] = (rd_str_at){.s = v, .line = line_of(s->ev.start_mark)};
    return 0;
}

/* ---- top level ---------------------------------------------------------- */

static int sec_map(ps *s, const char *sec, pair_fn fn)
{
    int r = open_coll(s, sec, YAML_MAPPING_START_EVENT);
    return r <= 0 ? r : each_pair(s, sec, fn, NULL);
}

static int sec_seq(ps *s, const char *sec, item_fn fn, void *ctx)
{
    int r = open_coll(s, sec, YAML_SEQUENCE_START_EVENT);
    return r <= 0 ? r : each_item(s, sec, fn, ctx);
}

static int top_detectors(ps *s, const char *sec)
{
    return sec_map(s, sec, detector_pair);
}

static int top_actions(ps *s, const char *sec)
{
    return sec_map(s, sec, action_pair);
}

static int top_fields(ps *s, const char *sec)
{
    return sec_map(s, sec, field_pair);
}

static int top_drop(ps *s, const char *sec)
{
    return sec_map(s, sec, drop_pair);
}

static int top_custom(ps *s, const char *sec)
{
    return sec_seq(s, sec, custom_item, NULL);
}

static int top_allow(ps *s, const char *sec)
{
    return sec_seq(s, sec, str_item, NULL);
}

static int top_domains(ps *s, const char *sec)
{
    return sec_seq(s, sec, str_item, s); /* non-NULL ctx: own_domains */
}

static int top_token_length(ps *s, const char *sec)
{
    char gotbuf[80];
    const char *v = is_scalar(s) ? sval(s) : "";
    size_t n = strspn(v, "0123456789");
    long x = n && n <= 4 && !v[n] ? strtol(v, NULL, 10) : -1;
    if (x < PL_TOKEN_MIN || x > PL_TOKEN_MAX)
        return perr(s, s->ev.start_mark, "%s: expected an integer %d..%d, got %s", sec,
                    PL_TOKEN_MIN, PL_TOKEN_MAX, GOT(s));
    s->p->token_length = (int)x;
    return 0;
}

/* The command table of top-level keys. */
static const struct section {
    const char *name;
    int (*parse)(ps *s, const char *sec);
} sections[] = {
    {"detectors", top_detectors},
    {"actions", top_actions},
    {"fields", top_fields},
    {"drop_objects_where", top_drop},
    {"custom", top_custom},
    {"allow", top_allow},
    {"own_domains", top_domains},
    {"token_length", top_token_length},
};
#define NSECTIONS (sizeof sections / sizeof *sections)

static int top_pair(ps *s, const char *sec, const char *key, yaml_mark_t km, void *ctx)
{
    (void)sec;
    int *seen = ctx;
    for (size_t i = 0; i < NSECTIONS; i++) {
        if (strcmp(key, sections[i].name))
            continue;
        if (seen[i]) /* key is one of ours: no quoting needed */
            return perr(s, km, "duplicate key \"%s\" (first at line %d)", key, seen[i]);
        seen[i] = line_of(km);
        return sections[i].parse(s, sections[i].name);
    }
    char qbuf[80];
    return perr(s, km, "unknown key %s, expected one of detectors|actions|fields|"
                       "drop_objects_where|custom|allow|own_domains|token_length", Q(key));
}

/* stream-start [document-start node document-end] stream-end */
static int parse_doc(ps *s)
{
    char gotbuf[80];
    if (next(s) || next(s)) /* stream start, then a document or the end */
        return -1;
    if (s->ev.type == YAML_STREAM_END_EVENT)
        return 0; /* empty file or only comments */
    if (next(s))
        return -1;
    if (s->ev.type == YAML_MAPPING_START_EVENT) {
        int seen[NSECTIONS] = {0};
        if (each_pair(s, "policy", top_pair, seen))
            return -1;
    } else if (!is_null(s)) {
        return perr(s, s->ev.start_mark, "expected a mapping of policy keys, got %s",
                    GOT(s));
    }
    if (next(s) || next(s)) /* document end, then the stream's end */
        return -1;
    if (s->ev.type != YAML_STREAM_END_EVENT)
        return perr(s, s->ev.start_mark, "expected one YAML document, found another");
    return 0;
}

/* ---- public API --------------------------------------------------------- */

rd_policy *rd_policy_new(void)
{
    rd_policy *p = PL_MALLOC(sizeof *p);
    if (p) {
        memset(p, 0, sizeof *p);
        p->token_length = PL_TOKEN_DEFAULT;
    }
    return p;
}

void rd_policy_free(rd_policy *p)
{
    if (!p)
        return;
    for (size_t i = 0; i < p->ntypes; i++)
        free(p->types[i].type);
    for (size_t i = 0; i < p->nfields; i++)
        free(p->fields[i].name);
    for (size_t i = 0; i < p->ncustom; i++) {
        free(p->custom[i].type);
        free(p->custom[i].pattern);
    }
    for (size_t i = 0; i < p->ndrop_if; i++) {
        free(p->drop_if[i].key);
        free(p->drop_if[i].value);
    }
    for (size_t i = 0; i < p->nallow; i++)
        free(p->allow[i].s);
    for (size_t i = 0; i < p->ndomains; i++)
        free(p->own_domains[i].s);
    free(p->types);
    free(p->fields);
    free(p->custom);
    free(p->drop_if);
    free(p->allow);
    free(p->own_domains);
    free(p->file);
    free(p);
}

rd_policy *rd_policy_parse(const char *name, const char *buf, size_t len, lg_err *e)
{
    const char *file = name ? name : "<policy>";
    if (len > PL_MAX_BYTES) {
        lg_err_at(e, file, 0, 0, "policy is larger than 16 MB");
        return NULL;
    }
    ps s;
    memset(&s, 0, sizeof s);
    s.file = file;
    s.buf = buf ? buf : "";
    s.len = buf ? len : 0;
    s.e = e;
    int ok = 0;
    s.p = rd_policy_new();
    if (!s.p || (name && !(s.p->file = pl_strndup(name, strlen(name))))) {
        oom(&s);
        goto out;
    }
    if (!yaml_parser_initialize(&s.y)) {
        oom(&s);
        goto out;
    }
    yaml_parser_set_input_string(&s.y, (const unsigned char *)s.buf, s.len);
    ok = parse_doc(&s) == 0;
    yaml_event_delete(&s.ev);
    yaml_parser_delete(&s.y);
out:
    strix_free(&s.types);
    strix_free(&s.det);
    strix_free(&s.act);
    strix_free(&s.fields);
    strix_free(&s.drop);
    if (!ok) {
        rd_policy_free(s.p);
        return NULL;
    }
    return s.p;
}

rd_policy *rd_policy_load(const char *path, lg_err *e)
{
    rd_policy *p = NULL;
    char *buf = NULL;
    size_t len = 0, cap = 0;
    if (!path) {
        lg_err_set(e, "no policy file given");
        return NULL;
    }
    FILE *f = fopen(path, "rb");
    if (!f) {
        lg_err_at(e, path, 0, 0, "cannot open: %s", strerror(errno));
        return NULL;
    }
    for (;;) {
        if (len == cap) {
            /* read at most one byte past the limit to know it is exceeded */
            size_t nc = cap ? cap * 2 : 4096;
            if (nc > PL_MAX_BYTES + 1)
                nc = PL_MAX_BYTES + 1;
            if (nc == cap) {
                lg_err_at(e, path, 0, 0, "policy is larger than 16 MB");
                goto out;
            }
            char *q = PL_REALLOC(buf, nc);
            if (!q) {
                lg_err_at(e, path, 0, 0, "out of memory");
                goto out;
            }
            buf = q;
            cap = nc;
        }
        size_t got = fread(buf + len, 1, cap - len, f);
        len += got;
        if (got == 0) {
            if (ferror(f)) {
                lg_err_at(e, path, 0, 0, "cannot read: %s", strerror(errno));
                goto out;
            }
            break;
        }
    }
    p = rd_policy_parse(path, buf, len, e);
out:
    free(buf);
    fclose(f);
    return p;
}
