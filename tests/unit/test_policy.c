/* test_policy.c - the YAML redaction policy: every key, every error class
 * (with file and line in the message), booleans, quoted vs plain scalars,
 * limits, loading from a file, and out-of-memory at every allocation.
 *
 * Fault injection: this file compiles src/redact/policy.c itself, with its
 * allocation hooks (PL_MALLOC, PL_REALLOC) pointing at allocators that can
 * be told to fail at the Nth call, and with the public names renamed so the
 * copy links next to the library's own policy.o. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static long fi_left = -1; /* allocations left before one fails; -1 never */

static void *fi_malloc(size_t n)
{
    if (fi_left == 0)
        return NULL;
    if (fi_left > 0)
        fi_left--;
    return malloc(n);
}

static void *fi_realloc(void *p, size_t n)
{
    if (fi_left == 0)
        return NULL;
    if (fi_left > 0)
        fi_left--;
    return realloc(p, n);
}

#define PL_MALLOC fi_malloc
#define PL_REALLOC fi_realloc
#define rd_policy_new t_rd_policy_new
#define rd_policy_load t_rd_policy_load
#define rd_policy_parse t_rd_policy_parse
#define rd_policy_free t_rd_policy_free
#define rd_action_parse t_rd_action_parse
#define rd_action_name t_rd_action_name
#include "redact/policy.c"

#include "unit.h"

static lg_err E;

/* Parse text that must be valid; prints the error when it is not. */
static rd_policy *ok(const char *yaml)
{
    E.msg[0] = 0;
    rd_policy *p = rd_policy_parse("policy.yml", yaml, strlen(yaml), &E);
    if (!p)
        fprintf(stderr, "unexpected error: %s\n", E.msg);
    return p;
}

/* 1 when the text is rejected with a message containing `want` (which
 * should start with "policy.yml:LINE:" to pin the location). */
static int bad_n(const char *yaml, size_t len, const char *want)
{
    E.msg[0] = 0;
    rd_policy *p = rd_policy_parse("policy.yml", yaml, len, &E);
    if (p) {
        fprintf(stderr, "accepted, expected error \"%s\":\n%s\n", want, yaml);
        rd_policy_free(p);
        return 0;
    }
    if (!strstr(E.msg, want)) {
        fprintf(stderr, "error \"%s\"\n  does not contain \"%s\"\n", E.msg, want);
        return 0;
    }
    return 1;
}

static int bad(const char *yaml, const char *want)
{
    return bad_n(yaml, strlen(yaml), want);
}

static const char full[] =
    "# a complete policy\n"                      /* 1 */
    "detectors:\n"                               /* 2 */
    "  URL: off\n"                               /* 3 */
    "  EMAIL: on\n"                              /* 4 */
    "actions:\n"                                 /* 5 */
    "  AGENT_EMAIL: keep\n"                      /* 6 */
    "  URL: mask\n"                              /* 7 */
    "  PHONE: partial\n"                         /* 8 */
    "fields:\n"                                  /* 9 */
    "  internal_notes: drop\n"                   /* 10 */
    "  /case/agent: keep\n"                      /* 11 */
    "  Customer Name: token\n"                   /* 12 */
    "drop_objects_where:\n"                      /* 13 */
    "  confidential: true\n"                     /* 14 */
    "  status: \"true\"\n"                       /* 15 */
    "  tier: secret\n"                           /* 16 */
    "custom:\n"                                  /* 17 */
    "  - type: CASE_NUMBER\n"                    /* 18 */
    "    pattern: 'CAS-[0-9]{5}-[A-Z0-9]{6}'\n"  /* 19 */
    "    validator: none\n"                      /* 20 */
    "    caseless: false\n"                      /* 21 */
    "  - {type: IBAN2, pattern: \"[A-Z]{2}[0-9]{2}\", validator: mod97, caseless: yes}\n"
    "  - type: CARD_X\n"                         /* 23 */
    "    pattern: '[0-9]{16}'\n"                 /* 24 */
    "    validator: luhn\n"                      /* 25 */
    "allow:\n"                                   /* 26 */
    "  - support@contoso.com\n"                  /* 27 */
    "  - \"+1 800 555 0100\"\n"                  /* 28 */
    "own_domains: [contoso.com, contoso.co.uk]\n" /* 29 */
    "token_length: 12\n";                        /* 30 */

static void test_full(void)
{
    rd_policy *p = ok(full);
    CHECK(p != NULL);
    if (!p)
        return;
    CHECK_STR(p->file, "policy.yml");
    CHECK(p->ntypes == 4);
    if (p->ntypes == 4) {
        CHECK_STR(p->types[0].type, "URL");
        CHECK(p->types[0].enabled == 0);
        CHECK(p->types[0].action == RD_ACT_MASK); /* same entry as detectors */
        CHECK(p->types[0].line == 3);
        CHECK_STR(p->types[1].type, "EMAIL");
        CHECK(p->types[1].enabled == 1);
        CHECK(p->types[1].action == RD_ACT_DEFAULT);
        CHECK_STR(p->types[2].type, "AGENT_EMAIL");
        CHECK(p->types[2].enabled == -1);
        CHECK(p->types[2].action == RD_ACT_KEEP);
        CHECK(p->types[2].line == 6);
        CHECK_STR(p->types[3].type, "PHONE");
        CHECK(p->types[3].action == RD_ACT_PARTIAL);
    }
    CHECK(p->nfields == 3);
    if (p->nfields == 3) {
        CHECK_STR(p->fields[0].name, "internal_notes");
        CHECK(p->fields[0].action == RD_ACT_DROP);
        CHECK(p->fields[0].line == 10);
        CHECK_STR(p->fields[1].name, "/case/agent");
        CHECK(p->fields[1].action == RD_ACT_KEEP);
        CHECK_STR(p->fields[2].name, "Customer Name");
        CHECK(p->fields[2].action == RD_ACT_TOKEN);
        CHECK(p->fields[2].line == 12);
    }
    CHECK(p->ndrop_if == 3);
    if (p->ndrop_if == 3) {
        CHECK_STR(p->drop_if[0].key, "confidential");
        CHECK_STR(p->drop_if[0].value, "true");
        CHECK(p->drop_if[0].value_is_bool == 1 && p->drop_if[0].bool_value == 1);
        CHECK(p->drop_if[0].line == 14);
        CHECK_STR(p->drop_if[1].key, "status");
        CHECK_STR(p->drop_if[1].value, "true");
        CHECK(p->drop_if[1].value_is_bool == 0); /* quoted: a string */
        CHECK_STR(p->drop_if[2].value, "secret");
        CHECK(p->drop_if[2].value_is_bool == 0);
    }
    CHECK(p->ncustom == 3);
    if (p->ncustom == 3) {
        CHECK_STR(p->custom[0].type, "CASE_NUMBER");
        CHECK_STR(p->custom[0].pattern, "CAS-[0-9]{5}-[A-Z0-9]{6}");
        CHECK(p->custom[0].validator == RD_VAL_NONE);
        CHECK(p->custom[0].caseless == 0);
        CHECK(p->custom[0].line == 18);
        CHECK_STR(p->custom[1].type, "IBAN2");
        CHECK_STR(p->custom[1].pattern, "[A-Z]{2}[0-9]{2}");
        CHECK(p->custom[1].validator == RD_VAL_MOD97);
        CHECK(p->custom[1].caseless == 1);
        CHECK(p->custom[1].line == 22);
        CHECK_STR(p->custom[2].type, "CARD_X");
        CHECK(p->custom[2].validator == RD_VAL_LUHN);
        CHECK(p->custom[2].caseless == 0); /* not said */
    }
    CHECK(p->nallow == 2);
    if (p->nallow == 2) {
        CHECK_STR(p->allow[0].s, "support@contoso.com");
        CHECK(p->allow[0].line == 27);
        CHECK_STR(p->allow[1].s, "+1 800 555 0100");
        CHECK(p->allow[1].line == 28);
    }
    CHECK(p->ndomains == 2);
    if (p->ndomains == 2) {
        CHECK_STR(p->own_domains[0].s, "contoso.com");
        CHECK_STR(p->own_domains[1].s, "contoso.co.uk");
        CHECK(p->own_domains[1].line == 29);
    }
    CHECK(p->token_length == 12);
    rd_policy_free(p);
}

static void test_empty(void)
{
    static const char *const empties[] = {
        "", "\n", "# only a comment\n", "---\n", "--- ~\n", "null\n", "{}\n", "---\n...\n",
        ("fields:\ndetectors: ~\ncustom:\nallow: null\nown_domains: []\n"
         "drop_objects_where: {}\nactions:\n# all commented out\n"),
    };
    for (size_t i = 0; i < sizeof empties / sizeof *empties; i++) {
        rd_policy *p = ok(empties[i]);
        CHECK(p != NULL);
        if (p) {
            CHECK(p->ntypes == 0 && p->nfields == 0 && p->ncustom == 0 &&
                  p->ndrop_if == 0 && p->nallow == 0 && p->ndomains == 0);
            CHECK(p->token_length == 8);
        }
        rd_policy_free(p);
    }
    /* NULL buffer of length 0, no name: built-in */
    rd_policy *p = rd_policy_parse(NULL, NULL, 0, &E);
    CHECK(p != NULL);
    CHECK(p && p->file == NULL);
    rd_policy_free(p);

    p = rd_policy_new();
    CHECK(p != NULL);
    CHECK(p && p->token_length == 8 && p->ntypes == 0 && p->file == NULL);
    rd_policy_free(p);
    rd_policy_free(NULL); /* must not crash */
    CHECK(1);
}

static void test_booleans(void)
{
    static const struct {
        const char *v;
        int on;
    } b[] = {
        {"on", 1},   {"off", 0},  {"true", 1},  {"false", 0}, {"yes", 1},
        {"no", 0},   {"ON", 1},   {"Off", 0},   {"TRUE", 1},  {"False", 0},
        {"Yes", 1},  {"NO", 0},   {"'on'", 1},  {"\"no\"", 0},
    };
    char buf[128];
    for (size_t i = 0; i < sizeof b / sizeof *b; i++) {
        snprintf(buf, sizeof buf, "detectors:\n  URL: %s\n", b[i].v);
        rd_policy *p = ok(buf);
        CHECK(p && p->ntypes == 1 && p->types[0].enabled == b[i].on);
        rd_policy_free(p);
    }
    static const char *const nope[] = {"maybe", "1", "0", "y", "n", "enabled", "''"};
    for (size_t i = 0; i < sizeof nope / sizeof *nope; i++) {
        snprintf(buf, sizeof buf, "detectors:\n  URL: %s\n", nope[i]);
        CHECK(bad(buf, "policy.yml:2:8: detectors: expected on|off|true|false|yes|no, got"));
    }
    CHECK(bad("detectors:\n  URL:\n", "policy.yml:2:7: detectors: expected on|off"));
    CHECK(bad("detectors:\n  URL: [on]\n", "got a sequence"));

    /* caseless takes the same words */
    rd_policy *p = ok("custom:\n- {type: A, pattern: a, caseless: ON}\n");
    CHECK(p && p->ncustom == 1 && p->custom[0].caseless == 1);
    rd_policy_free(p);
    CHECK(bad("custom:\n- {type: A, pattern: a, caseless: sometimes}\n",
              "policy.yml:2:35: custom: caseless: expected true|false"));
}

static void test_drop_values(void)
{
    static const struct {
        const char *v, *text;
        int is_bool, val;
    } d[] = {
        {"true", "true", 1, 1},   {"false", "false", 1, 0}, {"yes", "yes", 1, 1},
        {"no", "no", 1, 0},       {"True", "True", 1, 1},   {"NO", "NO", 1, 0},
        {"\"true\"", "true", 0, 0}, {"'false'", "false", 0, 0}, {"\"yes\"", "yes", 0, 0},
        {"on", "on", 0, 0},       {"x", "x", 0, 0},         {"1", "1", 0, 0},
        {"!!str true", "true", 0, 0}, {"", "", 0, 0},
    };
    char buf[128];
    for (size_t i = 0; i < sizeof d / sizeof *d; i++) {
        snprintf(buf, sizeof buf, "drop_objects_where:\n  k: %s\n", d[i].v);
        rd_policy *p = ok(buf);
        CHECK(p && p->ndrop_if == 1);
        if (p && p->ndrop_if == 1) {
            CHECK_STR(p->drop_if[0].value, d[i].text);
            CHECK(p->drop_if[0].value_is_bool == d[i].is_bool);
            CHECK(p->drop_if[0].bool_value == d[i].val);
            CHECK(p->drop_if[0].line == 2);
        }
        rd_policy_free(p);
    }
    CHECK(bad("drop_objects_where:\n  k: {a: b}\n",
              "policy.yml:2:6: drop_objects_where: expected a scalar"));
    CHECK(bad("drop_objects_where:\n  k: 1\n  j: 2\n  k: 3\n",
              "policy.yml:4:3: drop_objects_where: duplicate key \"k\" (first at line 2)"));
}

static void test_actions(void)
{
    static const char *const names[] = {"default", "keep", "drop", "mask", "partial",
                                        "token"};
    for (int a = 0; a < 6; a++) {
        CHECK_STR(rd_action_name((rd_action)a), names[a]);
        CHECK(rd_action_parse(names[a]) == a);
    }
    CHECK(rd_action_parse("KEEP") == RD_ACT_KEEP);
    CHECK(rd_action_parse("delete") == -1);
    CHECK(rd_action_parse("") == -1);
    CHECK(rd_action_parse(NULL) == -1);
    CHECK_STR(rd_action_name((rd_action)99), "?");

    /* every action in fields and actions */
    char buf[128];
    for (int a = RD_ACT_KEEP; a <= RD_ACT_TOKEN; a++) {
        snprintf(buf, sizeof buf, "fields:\n  f: %s\nactions:\n  T: %s\n", names[a],
                 names[a]);
        rd_policy *p = ok(buf);
        CHECK(p && p->nfields == 1 && (int)p->fields[0].action == a);
        CHECK(p && p->ntypes == 1 && (int)p->types[0].action == a);
        rd_policy_free(p);
    }
    CHECK(bad("fields:\n  a: keep\n  b: drop\n  notes: delete\n",
              "policy.yml:4:10: fields: expected one of keep|drop|mask|partial|token, got "
              "\"delete\""));
    CHECK(bad("fields:\n  a: default\n", "policy.yml:2:6: fields: expected one of"));
    CHECK(bad("actions:\n  URL: remove\n", "policy.yml:2:8: actions: expected one of"));
    CHECK(bad("actions:\n  URL: {a: 1}\n", "got a mapping"));
}

static void test_errors(void)
{
    /* unknown keys */
    CHECK(bad("fields: {}\nredact: yes\n",
              "policy.yml:2:1: unknown key \"redact\", expected one of detectors|"));
    CHECK(bad("custom:\n  - type: A\n    pattern: a\n    flags: i\n",
              "policy.yml:4:5: custom: unknown key \"flags\""));

    /* not a mapping / not a sequence */
    CHECK(bad("- fields\n", "policy.yml:1:1: expected a mapping of policy keys, got a sequence"));
    CHECK(bad("just text\n", "policy.yml:1:1: expected a mapping of policy keys, got \"just"));
    CHECK(bad("fields: [a, b]\n", "policy.yml:1:9: fields: expected a mapping, got a sequence"));
    CHECK(bad("detectors: off\n", "policy.yml:1:12: detectors: expected a mapping, got \"off\""));
    CHECK(bad("actions: \"\"\n", "policy.yml:1:10: actions: expected a mapping"));
    CHECK(bad("drop_objects_where: [a]\n", "policy.yml:1:21: drop_objects_where: expected a mapping"));
    CHECK(bad("custom: {type: A}\n", "policy.yml:1:9: custom: expected a sequence, got a mapping"));
    CHECK(bad("allow: support@contoso.com\n", "policy.yml:1:8: allow: expected a sequence"));
    CHECK(bad("own_domains: {a: b}\n", "policy.yml:1:14: own_domains: expected a sequence"));
    CHECK(bad("custom:\n  - CASE\n", "policy.yml:2:5: custom: expected a mapping with type"));
    CHECK(bad("allow:\n  - [a]\n", "policy.yml:2:5: allow: expected a string, got a sequence"));
    CHECK(bad("allow:\n  - ''\n", "policy.yml:2:5: allow: expected a non-empty string"));
    CHECK(bad("own_domains:\n  - {a: b}\n", "policy.yml:2:5: own_domains: expected a string"));
    CHECK(bad("? [a, b]\n: c\n", "policy.yml:1:3: policy: expected a key, got a sequence"));
    CHECK(bad("fields:\n  ? {a: b}\n  : keep\n", "policy.yml:2:5: fields: expected a key"));
    CHECK(bad("fields:\n  '': keep\n", "policy.yml:2:3: fields: expected a non-empty key"));

    /* custom entries */
    CHECK(bad("custom:\n  - pattern: 'x'\n", "policy.yml:2:5: custom: entry is missing \"type\""));
    CHECK(bad("custom:\n  - type: A\n  - type: B\n    pattern: b\n",
              "policy.yml:2:5: custom: entry is missing \"pattern\""));
    CHECK(bad("custom:\n  - {}\n", "policy.yml:2:5: custom: entry is missing \"type\""));
    CHECK(bad("custom:\n  - type: case\n    pattern: x\n",
              "policy.yml:2:11: custom: type must match [A-Z][A-Z0-9_]*, got \"case\""));
    CHECK(bad("custom:\n  - type: 1X\n    pattern: x\n", "policy.yml:2:11: custom: type must match"));
    CHECK(bad("custom:\n  - type: A-B\n    pattern: x\n", "custom: type must match"));
    CHECK(bad("custom:\n  - type: ''\n    pattern: x\n", "custom: type must match"));
    CHECK(bad("custom:\n  - type: [A]\n", "policy.yml:2:11: custom: expected a type name"));
    CHECK(bad("custom:\n  - type: A\n    pattern: ''\n",
              "policy.yml:3:14: custom: expected a non-empty regex"));
    CHECK(bad("custom:\n  - type: A\n    pattern: {a: b}\n", "custom: expected a regex"));
    CHECK(bad("custom:\n  - type: A\n    pattern: a\n    validator: crc\n",
              "policy.yml:4:16: custom: expected none|luhn|mod97, got \"crc\""));
    CHECK(bad("custom:\n  - type: A\n    pattern: a\n    type: B\n",
              "policy.yml:4:5: custom: duplicate key \"type\" (first at line 2)"));
    rd_policy *p = ok("custom:\n- {type: A1_B, pattern: x, validator: LUHN}\n- {type: A1_B, pattern: y}\n");
    CHECK(p && p->ncustom == 2 && p->custom[0].validator == RD_VAL_LUHN); /* same type twice is fine */
    rd_policy_free(p);

    /* type names in detectors / actions */
    CHECK(bad("detectors:\n  url: off\n",
              "policy.yml:2:3: detectors: type name must match [A-Z][A-Z0-9_]*, got \"url\""));
    CHECK(bad("actions:\n  E-MAIL: keep\n", "policy.yml:2:3: actions: type name must match"));

    /* token_length */
    static const struct {
        const char *v;
        int n;
    } tl[] = {{"8", 8}, {"32", 32}, {"16", 16}, {"'20'", 20}, {"010", 10}};
    char buf[128];
    for (size_t i = 0; i < sizeof tl / sizeof *tl; i++) {
        snprintf(buf, sizeof buf, "token_length: %s\n", tl[i].v);
        p = ok(buf);
        CHECK(p && p->token_length == tl[i].n);
        rd_policy_free(p);
    }
    static const char *const badtl[] = {"7", "33", "0", "-8", "8.5", "abc", "1e1", "0x10",
                                        "99999999999999999999", "' 8'"};
    for (size_t i = 0; i < sizeof badtl / sizeof *badtl; i++) {
        snprintf(buf, sizeof buf, "\ntoken_length: %s\n", badtl[i]);
        CHECK(bad(buf, "policy.yml:2:15: token_length: expected an integer 8..32, got"));
    }
    CHECK(bad("token_length:\n", "policy.yml:1:14: token_length: expected an integer 8..32, got \"\""));
    CHECK(bad("token_length: [8]\n", "token_length: expected an integer 8..32, got a sequence"));

    /* YAML syntax errors: libyaml's problem mark */
    CHECK(bad("fields:\n  a: keep\n  b: 'drop\n",
              "policy.yml:4:1: YAML syntax error: found unexpected end of stream (while "
              "scanning a quoted scalar at line 3, column 6)"));
    CHECK(bad("fields:\n  a: keep\n b: drop\n", "policy.yml:3:2: YAML syntax error: "));
    CHECK(bad("allow:\n  - \"unterminated\n", "policy.yml:3:1: YAML syntax error: found unexpected end of stream"));
    CHECK(bad("fields:\n\tx: keep\n", "policy.yml:2:1: YAML syntax error: "));
    CHECK(bad("allow: [a]\nallow2: @x\n", "policy.yml:2:9: YAML syntax error: "));
    CHECK(bad_n("allow: [\"a\xff\"]\n", 14, "policy.yml:1:11: invalid input: "));
    CHECK(bad_n("allow: [a]\n\0", 12, "policy.yml:2:1: invalid input: control characters"));

    /* anchors and aliases */
    CHECK(bad("fields: &f\n  a: keep\n", "policy.yml:1:9: anchors and aliases are not supported"));
    CHECK(bad("fields:\n  a: &k keep\n  b: *k\n", "policy.yml:2:6: anchors and aliases"));
    CHECK(bad("allow: [*x]\n", "policy.yml:1:9: aliases are not supported"));
    CHECK(bad("base: &b {a: 1}\n", "policy.yml:1:7: anchors and aliases are not supported"));

    /* duplicate keys: the second one's line */
    CHECK(bad("fields:\n  a: keep\n  b: drop\n  a: mask\n",
              "policy.yml:4:3: fields: duplicate key \"a\" (first at line 2)"));
    CHECK(bad("detectors:\n  URL: on\n  URL: off\n",
              "policy.yml:3:3: detectors: duplicate key \"URL\" (first at line 2)"));
    CHECK(bad("actions:\n  URL: keep\n  EMAIL: drop\n\n  URL: mask\n",
              "policy.yml:5:3: actions: duplicate key \"URL\" (first at line 2)"));
    CHECK(bad("fields: {a: keep}\nallow: []\nfields: {}\n",
              "policy.yml:3:1: duplicate key \"fields\" (first at line 1)"));

    /* one document only; NUL inside a scalar */
    CHECK(bad("fields: {}\n---\nallow: []\n",
              "policy.yml:2:1: expected one YAML document, found another"));
    CHECK(bad("allow: [\"a\\0b\"]\n", "policy.yml:1:9: allow: NUL characters are not allowed"));
    CHECK(bad("fields:\n  \"a\\0b\": keep\n", "policy.yml:2:3: fields: NUL characters"));

    /* long or odd values are cut and escaped in messages */
    CHECK(bad("fields:\n  a: \"delete\\t\\\"everything\\\" xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx\"\n",
              "got \"delete\\x09\\\"everything\\\" xxxx"));
    CHECK(strstr(E.msg, "xxx...\"") != NULL);
    CHECK(bad("fields:\n  a: \"\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9"
              "\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9"
              "\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9"
              "\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\"\n",
              "\xc3\xa9\xc3\xa9...\""));

    /* no name: messages still carry a location */
    E.msg[0] = 0;
    CHECK(rd_policy_parse(NULL, "x: 1\n", 5, &E) == NULL);
    CHECK(strstr(E.msg, "<policy>:1:1: unknown key \"x\"") == E.msg);
    /* a NULL lg_err is allowed */
    CHECK(rd_policy_parse("p", "x: 1\n", 5, NULL) == NULL);
}

/* "KEY:\n" then n lines made by fmt (with %zu), parsed. */
static rd_policy *many(const char *head, const char *fmt, size_t n, lg_err *e)
{
    size_t cap = strlen(head) + n * 32 + 1, len;
    char *b = malloc(cap);
    if (!b)
        return NULL;
    len = (size_t)snprintf(b, cap, "%s", head);
    for (size_t i = 0; i < n; i++)
        len += (size_t)snprintf(b + len, cap - len, fmt, i);
    rd_policy *p = rd_policy_parse("big.yml", b, len, e);
    free(b);
    return p;
}

static void test_limits(void)
{
    lg_err e;
    rd_policy *p = many("allow:\n", "  - a%zu\n", 100000, &e);
    CHECK(p && p->nallow == 100000);
    rd_policy_free(p);
    p = many("allow:\n", "  - a%zu\n", 100001, &e);
    CHECK(p == NULL);
    CHECK(p == NULL && strstr(e.msg, "big.yml:100002:5: allow: more than 100000 entries"));
    rd_policy_free(p);

    p = many("fields:\n", "  f%zu: keep\n", 100000, &e);
    CHECK(p && p->nfields == 100000);
    if (p && p->nfields == 100000) {
        CHECK_STR(p->fields[99999].name, "f99999");
        CHECK(p->fields[99999].line == 100001);
    }
    rd_policy_free(p);
    p = many("fields:\n", "  f%zu: keep\n", 100001, &e);
    CHECK(p == NULL && strstr(e.msg, "big.yml:100002:3: fields: more than 100000 entries"));
    /* duplicates are found at the end of a long list too (hash index) */
    p = many("detectors:\n", "  T%zu: on\n", 50000, &e);
    CHECK(p && p->ntypes == 50000);
    rd_policy_free(p);
    p = many("custom:\n", "  - {type: T%zu, pattern: x}\n", 100001, &e);
    CHECK(p == NULL && strstr(e.msg, "custom: more than 100000 entries"));

    /* 16 MB: exactly at the limit is read, one byte more is not */
    size_t lim = (size_t)16 << 20;
    char *b = malloc(lim + 1);
    if (b) {
        memset(b, '\n', lim + 1);
        memcpy(b, "allow: [a]", 10);
        p = rd_policy_parse("huge.yml", b, lim, &e);
        CHECK(p && p->nallow == 1);
        rd_policy_free(p);
        p = rd_policy_parse("huge.yml", b, lim + 1, &e);
        CHECK(p == NULL && strstr(e.msg, "huge.yml: policy is larger than 16 MB"));
        free(b);
    }
}

static void test_load(void)
{
    char path[] = "/tmp/lg-policy-XXXXXX";
    int fd = mkstemp(path);
    CHECK(fd >= 0);
    if (fd < 0)
        return;
    static const char text[] = "fields:\n  notes: drop\n";
    CHECK(write(fd, text, sizeof text - 1) == (ssize_t)(sizeof text - 1));
    lg_err e;
    rd_policy *p = rd_policy_load(path, &e);
    CHECK(p != NULL);
    if (p) {
        CHECK_STR(p->file, path);
        CHECK(p->nfields == 1 && p->fields[0].line == 2);
    }
    rd_policy_free(p);

    /* errors name the path */
    static const char badtext[] = "fields:\n  notes: delete\n";
    CHECK(ftruncate(fd, 0) == 0 && pwrite(fd, badtext, sizeof badtext - 1, 0) > 0);
    CHECK(rd_policy_load(path, &e) == NULL);
    char want[128];
    snprintf(want, sizeof want, "%s:2:10: fields: expected one of", path);
    CHECK(strstr(e.msg, want) == e.msg);

    /* empty file: an empty policy */
    CHECK(ftruncate(fd, 0) == 0);
    p = rd_policy_load(path, &e);
    CHECK(p && p->nfields == 0);
    rd_policy_free(p);

    /* larger than 16 MB (sparse: NULs, but the size is checked first) */
    CHECK(ftruncate(fd, ((off_t)16 << 20) + 1) == 0);
    CHECK(rd_policy_load(path, &e) == NULL);
    snprintf(want, sizeof want, "%s: policy is larger than 16 MB", path);
    CHECK_STR(e.msg, want);
    close(fd);
    unlink(path);

    /* missing file, directory */
    CHECK(rd_policy_load("/nonexistent/policy.yml", &e) == NULL);
    CHECK_STR(e.msg, "/nonexistent/policy.yml: cannot open: No such file or directory");
    CHECK(rd_policy_load("/tmp", &e) == NULL);
    CHECK_STR(e.msg, "/tmp: cannot read: Is a directory");
    CHECK(rd_policy_load(NULL, &e) == NULL);
    CHECK_STR(e.msg, "no policy file given");
}

/* Every allocation of a full parse and load fails in turn: each must give
 * "out of memory" (never a crash; LSan reports any leak at exit). */
static void test_oom(void)
{
    int ok_oom = 1;
    long k;
    rd_policy *p = NULL;
    for (k = 0; k < 100000; k++) {
        fi_left = k;
        E.msg[0] = 0;
        p = rd_policy_parse("policy.yml", full, sizeof full - 1, &E);
        if (p)
            break;
        if (!strstr(E.msg, "out of memory")) {
            fprintf(stderr, "alloc %ld: %s\n", k, E.msg);
            ok_oom = 0;
        }
    }
    fi_left = -1;
    CHECK(ok_oom);
    CHECK(k > 20); /* the parse does allocate that often */
    CHECK(p && p->ncustom == 3 && p->token_length == 12);
    rd_policy_free(p);

    /* the duplicate indexes grow several times here */
    char *b = malloc(64 * 40);
    size_t len = (size_t)snprintf(b, 64 * 40, "fields:\n");
    for (int i = 0; i < 40; i++)
        len += (size_t)snprintf(b + len, 64 * 40 - len, "  f%d: keep\n  /p/%d: drop\n", i, i);
    for (k = 0, p = NULL; k < 100000 && !p; k++) {
        fi_left = k;
        p = rd_policy_parse("policy.yml", b, len, &E);
        if (!p && !strstr(E.msg, "out of memory"))
            ok_oom = 0;
    }
    fi_left = -1;
    CHECK(ok_oom && p && p->nfields == 80);
    rd_policy_free(p);
    free(b);

    char path[] = "/tmp/lg-policy-XXXXXX";
    int fd = mkstemp(path);
    CHECK(fd >= 0 && write(fd, full, sizeof full - 1) == (ssize_t)(sizeof full - 1));
    for (k = 0, p = NULL; k < 100000 && !p; k++) {
        fi_left = k;
        p = rd_policy_load(path, &E);
        if (!p && !strstr(E.msg, "out of memory"))
            ok_oom = 0;
    }
    fi_left = -1;
    CHECK(ok_oom && p && p->nallow == 2);
    rd_policy_free(p);
    if (fd >= 0) {
        close(fd);
        unlink(path);
    }
}

int main(void)
{
    test_full();
    test_empty();
    test_booleans();
    test_drop_values();
    test_actions();
    test_errors();
    test_limits();
    test_load();
    test_oom();
    UNIT_DONE();
}
