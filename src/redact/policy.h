/* policy.h - the redaction policy, read from YAML (libyaml).
 *
 * A policy says which detectors run, what to do per type and per field,
 * which values are allowed to pass (the company's public support address),
 * which domains are the company's own (their emails become AGENT_EMAIL),
 * which objects are dropped whole ("confidential": true) and which custom
 * patterns add types (the case-number format).  Every entry remembers its
 * line so the engine can report "policy.yml:12: ..." for what it rejects
 * later (unknown type names, regexes Vectorscan cannot compile).
 *
 * The file format (all keys optional):
 *
 *   detectors:            # type name -> on/off (true/false, yes/no)
 *     URL: off
 *   actions:              # type name -> keep|drop|mask|partial|token
 *     AGENT_EMAIL: keep
 *   fields:               # key name or JSON pointer (/a/b) or CSV column
 *     internal_notes: drop
 *     /case/agent: keep
 *   drop_objects_where:   # drop any object whose KEY equals this scalar
 *     confidential: true
 *   custom:
 *     - type: CASE_NUMBER
 *       pattern: 'CAS-[0-9]{5}-[A-Z0-9]{6}'
 *       validator: none    # none | luhn | mod97
 *       caseless: false
 *   allow:                # values never redacted (compared normalised)
 *     - support@contoso.com
 *   own_domains:          # emails here (and in subdomains) are AGENT_EMAIL
 *     - contoso.com
 *   token_length: 8       # hex digits in <TYPE:hash>, 8..32
 */
#ifndef RD_POLICY_H
#define RD_POLICY_H

#include <stddef.h>
#include "core/err.h"

typedef enum rd_action {
    RD_ACT_DEFAULT = 0, /* the --mode of the run */
    RD_ACT_KEEP,
    RD_ACT_DROP,
    RD_ACT_MASK,
    RD_ACT_PARTIAL,
    RD_ACT_TOKEN,
} rd_action;

typedef enum rd_validator {
    RD_VAL_NONE = 0,
    RD_VAL_LUHN,
    RD_VAL_MOD97,
} rd_validator;

typedef struct rd_type_setting {
    char *type;       /* as written, e.g. "URL" */
    int enabled;      /* -1 not said, 0 off, 1 on */
    rd_action action; /* RD_ACT_DEFAULT when not said */
    int line;
} rd_type_setting;

typedef struct rd_field_rule {
    char *name; /* key name, CSV column, or JSON pointer starting with '/' */
    rd_action action;
    int line;
} rd_field_rule;

typedef struct rd_custom {
    char *type;    /* [A-Z][A-Z0-9_]* */
    char *pattern; /* Vectorscan regex */
    rd_validator validator;
    int caseless;
    int line;
} rd_custom;

typedef struct rd_drop_if {
    char *key;
    char *value; /* the scalar as written in YAML: "true", "yes", "x" */
    int value_is_bool; /* 1: compare with JSON true/false */
    int bool_value;
    int line;
} rd_drop_if;

typedef struct rd_str_at {
    char *s;
    int line;
} rd_str_at;

typedef struct rd_policy {
    char *file; /* path it was read from, for messages; NULL = built in */
    rd_type_setting *types; size_t ntypes;
    rd_field_rule *fields;  size_t nfields;
    rd_custom *custom;      size_t ncustom;
    rd_drop_if *drop_if;    size_t ndrop_if;
    rd_str_at *allow;       size_t nallow;
    rd_str_at *own_domains; size_t ndomains;
    int token_length;       /* 8 unless set */
} rd_policy;

/* An empty policy (every detector on, token_length 8).  Caller frees with
 * rd_policy_free. */
rd_policy *rd_policy_new(void);

/* Read a YAML policy file.  NULL on error with e naming file:line:col and
 * what was expected (unknown key, bad action, not a mapping, ...).  The
 * result is owned by the caller. */
rd_policy *rd_policy_load(const char *path, lg_err *e);

/* Same, from a buffer (name is used in messages). */
rd_policy *rd_policy_parse(const char *name, const char *buf, size_t len,
                           lg_err *e);

void rd_policy_free(rd_policy *p);

/* "keep" -> RD_ACT_KEEP ...; -1 when unknown. */
int rd_action_parse(const char *s);
const char *rd_action_name(rd_action a);

#endif
