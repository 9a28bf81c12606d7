/* rd.h - the redaction engine as a library: compile a policy once into an
 * immutable rd_engine (one Vectorscan database holding every pattern),
 * then scan any number of buffers with a per-thread rd_scratch.  This is
 * the header an ingest agent written in C includes; nothing here does I/O.
 *
 *   lg_err e;
 *   rd_engine *eng = rd_engine_new(policy, &e);          // once
 *   rd_scratch *s = rd_scratch_new(eng);                  // per thread
 *   const rd_match *m;
 *   size_t n = rd_scan(eng, s, buf, len, NULL, &m);       // per value
 *   for (i < n) rd_type_name(eng, m[i].type), m[i].start, m[i].end ...
 *
 * Matches come back sorted by start and never overlap (longest wins, then
 * the type's priority).  They are owned by the scratch and valid until the
 * next call with it. */
#ifndef RD_RD_H
#define RD_RD_H

#include <stddef.h>
#include <stdint.h>
#include "core/err.h"
#include "redact/policy.h"

enum rd_type {
    RD_EMAIL,
    RD_AGENT_EMAIL,
    RD_PHONE,
    RD_IP_ADDRESS,
    RD_CREDIT_CARD,
    RD_IBAN,
    RD_US_SSN,
    RD_URL,
    RD_MAC_ADDRESS,
    RD_SECRET,
    RD_PERSON,
    RD_LOCATION,
    RD_DATE_OF_BIRTH,
    RD_NBUILTIN /* custom types from the policy follow */
};
#define RD_MAXTYPES 64

typedef struct rd_engine rd_engine;
typedef struct rd_scratch rd_scratch;

typedef struct rd_match {
    size_t start, end; /* byte offsets into the scanned buffer */
    int type;
    /* the value normalised for keyed hashing (lower-case email with the
     * at/dot forms decoded, digits of a card, ...): norm[0, nlen), owned by
     * the scratch */
    const char *norm;
    size_t nlen;
} rd_match;

/* What the field a value came from says about it (ndjson key, CSV column):
 * `want` types are accepted in their weak forms (a bare 10-digit number
 * under "phone"), `whole` is a type the entire value is taken as when it
 * has that type's shape (a name under "customer_name", any value under
 * "password"), `suppress` types are not reported at all in weak forms
 * ("order_id"). */
typedef struct rd_hint {
    uint64_t want;
    uint64_t suppress;
    int whole; /* -1 none */
} rd_hint;

/* Compile the policy (NULL = defaults).  NULL on error: e names the policy
 * file and line of the entry Vectorscan or the type check rejected. */
rd_engine *rd_engine_new(const rd_policy *p, lg_err *e);
void rd_engine_free(rd_engine *eng);

/* One per thread; NULL when out of memory. */
rd_scratch *rd_scratch_new(const rd_engine *eng);
void rd_scratch_free(rd_scratch *s);

/* Find what buf[0, len) holds.  hint may be NULL (free text: weak forms
 * need a context word such as "call" or "SSN" before them).  Returns the
 * number of matches, or RD_SCAN_ERROR when memory ran out or buf is over
 * 4 GB (Vectorscan's limit): the caller must not treat that as "nothing
 * found". */
#define RD_SCAN_ERROR ((size_t)-1)
size_t rd_scan(const rd_engine *eng, rd_scratch *s, const char *buf,
               size_t len, const rd_hint *hint, const rd_match **out);

/* Ask the next rd_scan on s to mark, bit i of bits[i / 64] for byte i of
 * its buffer, the bytes that end a run of plain characters in a JSON
 * string ('"', '\\', and those below 0x20), as rd_json_plain finds them;
 * bits holds len / 64 + 1 words.  The scan marks what it classifies anyway
 * on the way (on CPUs with AVX-512 VBMI; elsewhere nothing) and returns
 * how many bytes from the start it marked, a multiple of 64, through
 * rd_scan_stopped.  A JSON parser of the records in the buffer then finds
 * each string's end without reading its bytes again. */
void rd_scan_stops(rd_scratch *s, uint64_t *bits);
size_t rd_scan_stopped(const rd_scratch *s);

/* The hint a field name gives ("customer_email", "clientIp", "phone"). */
rd_hint rd_hint_for_key(const rd_engine *eng, const char *key, size_t n);

/* What a hint can change.  Candidate generation never depends on the
 * hint: it only adds the whole-value candidate (when the value has the
 * shape of hint->whole) and decides the weak candidates of the types it
 * wants or suppresses.  So a caller holding a hint-less scan of the text
 * around a value can skip scanning the value again when neither applies.
 *
 * rd_scan_weak: the weak candidates (digit groups that are a PHONE or a
 * US_SSN only with a hint or a context word) the last rd_scan without a
 * hint generated, whether kept or not, sorted by start; valid until the
 * next rd_scan.  rd_hint_whole_fits: 1 when v[0, n) has the shape of the
 * hint's whole-value type, i.e. rd_scan with the hint would add the
 * whole-value candidate. */
typedef struct rd_span {
    size_t start, end;
    int type;
} rd_span;
size_t rd_scan_weak(const rd_scratch *s, const rd_span **out);
int rd_hint_whole_fits(const rd_hint *h, const char *v, size_t n);

/* Classify a JSON number by its digits under a hint (cards stored as
 * numbers, phones under "phone").  Returns a type or -1. */
int rd_classify_number(const rd_engine *eng, const char *s, size_t n,
                       const rd_hint *hint);

const char *rd_type_name(const rd_engine *eng, int type);
int rd_type_count(const rd_engine *eng);
int rd_type_lookup(const rd_engine *eng, const char *name);
/* The policy's action for a type (RD_ACT_DEFAULT when it says nothing). */
rd_action rd_type_action(const rd_engine *eng, int type);
const rd_policy *rd_engine_policy(const rd_engine *eng);

/* How far past its BEGIN line a private key is looked for (its END line,
 * else its base64 body).  A caller that scans records a batch at a time
 * finds a key the same wherever its batches are cut when it cuts none
 * where rd_pem_open says a key may go on (the windows of a long record
 * reach further, RD_WIN_AHEAD).  The longest private keys in use, RSA
 * 16384, are about 12.5 KB; the body of a longer one is left to the other
 * detectors (a base64 line is a high-entropy token). */
#define RD_PEM_REACH ((size_t)16384)

/* Where the first BEGIN line (of a private key, or of anything else:
 * "-----BEGIN ") in the last RD_PEM_REACH bytes of buf[0, n) with no END
 * line closed after it starts, or SIZE_MAX: what follows n may belong to
 * the key it begins. */
size_t rd_pem_open(const char *buf, size_t n);

#endif
