/* detect.c - expanders: grow an anchor Vectorscan found to the whole value
 * with the type's grammar, confirm it with a validator, and add it as a
 * candidate with its normalised form.  Also the context words that weak
 * forms need, the hints field names give, and the gazetteer sets.
 *
 * Every expander reads s->buf[0, s->len) only and bounds each walk; none
 * allocates except through rd_add and onto the normalised value
 * (rd_norm_putc, norm_span). */
#include "core/arena.h"
#include "redact/engine_int.h"
#include "redact/validate.h"

#include <stdlib.h>
#include <string.h>

#define CH(i) ((unsigned char)s->buf[i])

static int isloc(unsigned char c)
{
    return c_alnum(c) || c == '.' || c == '_' || c == '%' || c == '+' ||
           c == '-' || c == '\'';
}
static int islab(unsigned char c) { return c_alnum(c) || c == '-'; }

/* has() past the first byte, which matched: the literals are a few
 * bytes, so a loop, not strlen and strncasecmp calls (a tenth of a run
 * over records with an order id and a timestamp each, from the context
 * checks) */
static int has_rest(const rd_scratch *s, size_t i, const char *lit)
{
    for (size_t k = 1; lit[k]; k++)
        if (i + k >= s->len ||
            c_tolower(CH(i + k)) != c_tolower((unsigned char)lit[k]))
            return 0;
    return 1;
}

/* case-insensitive "does buf[i..] start with lit"; the first byte is
 * compared before anything is called: the context checks try every word
 * of a list at every word start before a weak number, and nearly all
 * differ there (a column of IDs or timestamps made them half a run) */
static inline __attribute__((always_inline)) int
has(const rd_scratch *s, size_t i, const char *lit)
{
    if (!lit[0])
        return i <= s->len;
    if (i >= s->len || c_tolower(CH(i)) != c_tolower((unsigned char)lit[0]))
        return 0;
    return has_rest(s, i, lit);
}

/* lit[0, n), with no NUL in it, and w[0, n) the same but for ASCII case:
 * the words compared are a few bytes, where a strncasecmp call (locale
 * and all) cost more than the loop (1 % of a bench run) */
static inline int same_ci(const char *lit, const char *w, size_t n)
{
    for (size_t i = 0; i < n; i++)
        if (!lit[i] ||
            c_tolower((unsigned char)lit[i]) != c_tolower((unsigned char)w[i]))
            return 0;
    return 1;
}

static int in_list(const char *w, size_t n, const char *const *list)
{
    if (n == 0)
        return 0; /* no list holds "" */
    int w0 = c_tolower((unsigned char)w[0]);
    /* length and letters in one loop, no strlen call per word of the
     * list (most of the cost): l[n] is read once l[0, n) has no NUL */
    for (; *list; list++)
        if (c_tolower((unsigned char)**list) == w0 && same_ci(*list, w, n) &&
            !(*list)[n])
            return 1;
    return 0;
}

/* buf[a, b) onto the normalised value, lower-cased when `lower`: room
 * made once, then a plain loop (a checked put per byte was 1.4 % of a
 * bench run) */
static void norm_span(rd_scratch *s, size_t a, size_t b, int lower)
{
    if (b <= a)
        return;
    size_t n = b - a;
    if (lg_grow(&s->nbuf, &s->capn, s->nn + n, 1)) {
        s->oom = 1;
        return;
    }
    char *d = s->nbuf + s->nn;
    if (lower)
        for (size_t i = 0; i < n; i++)
            d[i] = (char)c_tolower(CH(a + i));
    else
        memcpy(d, s->buf + a, n);
    s->nn += n;
}

/* ---- EMAIL ----------------------------------------------------------- */

/* Length of a dot in any disguise at i, 0 if none.  *wordy is set for
 * the spelled and bracketed forms. */
static size_t dot_at(const rd_scratch *s, size_t i, int *wordy)
{
    size_t n = s->len, j = i;
    if (j < n && CH(j) == '.')
        return 1;
    if (has(s, j, "%2e") || has(s, j, "&#46;"))
        return 3 + (CH(j) == '&') * 2;
    if (has(s, j, "&#x2e;"))
        return 6;
    size_t sp = 0;
    while (j < n && CH(j) == ' ' && sp < 3)
        j++, sp++;
    if (sp && j < n && CH(j) == '.') { /* "contoso . com" */
        size_t k = j + 1, sp2 = 0;
        while (k < n && CH(k) == ' ' && sp2 < 3)
            k++, sp2++;
        if (sp2) {
            *wordy = 1;
            return k - i;
        }
        return 0;
    }
    if (sp && has(s, j, "dot") && j + 3 < n && CH(j + 3) == ' ') {
        size_t k = j + 3;
        while (k < n && CH(k) == ' ' && k - j < 6)
            k++;
        *wordy = 1;
        return k - i;
    }
    if (j < n && strchr("[({<", CH(j))) {
        size_t k = j + 1;
        if (k < n && CH(k) == ' ')
            k++;
        if (has(s, k, "dot"))
            k += 3;
        else if (k < n && CH(k) == '.')
            k++;
        else
            return 0;
        if (k < n && CH(k) == ' ')
            k++;
        if (k < n && strchr("])}>", CH(k))) {
            k++;
            while (k < n && CH(k) == ' ' && k - j < 12)
                k++;
            *wordy = 1;
            return k - i;
        }
    }
    return 0;
}

/* Length of a dot in a disguise that ends at i -- "jane dot doe",
 * "jane . doe", "jane [dot] doe", "jane(.)doe" -- 0 if none: the local
 * part of a disguised address may be spelled like its domain. */
static size_t dot_before(const rd_scratch *s, size_t i)
{
    size_t j = i, sp = 0;
    while (j > 0 && CH(j - 1) == ' ' && sp < 3)
        j--, sp++;
    size_t k = j;
    int bracket = k > 0 && strchr("])}>", CH(k - 1)) != NULL;
    if (bracket) { /* [dot] (.) {dot} */
        k--;
        if (k > 0 && CH(k - 1) == ' ')
            k--;
        if (k >= 3 && has(s, k - 3, "dot"))
            k -= 3;
        else if (k > 0 && CH(k - 1) == '.')
            k--;
        else
            return 0;
        if (k > 0 && CH(k - 1) == ' ')
            k--;
        if (k == 0 || !strchr("[({<", CH(k - 1)))
            return 0;
        k--;
    } else if (sp && k > 0 && CH(k - 1) == '.') { /* " . " */
        k--;
    } else if (sp && k >= 3 && has(s, k - 3, "dot")) { /* " dot " */
        k -= 3;
    } else {
        return 0;
    }
    size_t e = k;
    while (k > 0 && CH(k - 1) == ' ' && e - k < 3)
        k--;
    if (k == e && !bracket) /* " . " and " dot " have spaces both sides */
        return 0;
    return i - k;
}

static const char *const at_stop[] = {
    "in", "on", "is", "be", "me", "us", "it", "log", "logged", "sign",
    "signed", "available", "found", "located", "hosted", "here", "there",
    "online", "visit", "site", "page", "portal", "login", "access", "reach",
    "look", "looking", "go", "went", "posted", "published", "live", "lives",
    "running", "up", "down", "out", "back", "anytime", "support", "help",
    "him", "her", "them", "you", "we", "they", "both", "staff", "people",
    "team", "open", "opened", "check", "checked", "click", "type", "typed",
    "stored", "saved", "stuck", "failed", "fails", "failing", "works",
    "working", "hosted", "listed", "shown", "see", "seen", "and", "or",
    "but", "that", "this", "what", "which", "where", "was", "were", "are",
    "am", "been", "get", "got", "arrive", "arrived", "meet", "call", "email",
    "mail", "write", "me", "anyone", "someone", "everyone", NULL};

/* where a local part that ends at le begins, SIZE_MAX when there is none */
static size_t local_start(const rd_scratch *s, size_t le)
{
    size_t i = le;
    while (i > 0 && isloc(CH(i - 1)) && le - i < 64)
        i--;
    while (i < le && strchr(".-'+%", CH(i)))
        i++;
    return i == le || (i > 0 && c_alnum(CH(i - 1))) ? SIZE_MAX : i;
}

/* words before "at gmail" in prose */
static const char *const webmail_prose[] = {
    "account", "accounts", "him", "her", "them", "you", "work", "works",
    "job", "someone", "somebody", "anyone", "people", "team", "friends",
    "address", "inbox", "mail", "email", "emails", "message", "messages",
    "spam", "filter", "settings", "support", "help", "up", "problem",
    "problems", "issue", "issues", "engineer", "engineers", "folks", NULL};

/* the webmail providers whose addresses are <name>.com */
static const char *const webmail_names[] = {
    "gmail", "googlemail", "outlook", "hotmail", "yahoo", "icloud", "aol",
    "protonmail", "msn", NULL};

static void email_at(rd_scratch *s, size_t a, size_t b, int word)
{
    size_t n = s->len, i = a, sp = 0;
    while (i > 0 && CH(i - 1) == ' ' && sp < 3)
        i--, sp++;
    size_t le = i;
    /* the domain: labels joined by dots in any disguise (before the local
     * part: after " at " in prose it is what fails, "look at the ...") */
    size_t j = b;
    sp = 0;
    while (j < n && CH(j) == ' ' && sp < 3)
        j++, sp++;
    size_t lab_s[16], lab_e[16];
    int nl = 0, wordy = word;
    int wd[17] = {0}; /* wd[q]: the dot before label q was spelled out */
    while (nl < 16) {
        size_t k = j;
        while (k < n && islab(CH(k)) && k - j < 63)
            k++;
        if (k == j || !c_alnum(CH(j)))
            break;
        lab_s[nl] = j;
        lab_e[nl] = k;
        nl++;
        int w = 0;
        size_t d = dot_at(s, k, &w);
        if (!d || k + d >= n || !c_alnum(CH(k + d)))
            break;
        wd[nl] = w;
        j = k + d;
    }
    /* the last label is the TLD; back off labels that cannot be one */
    while (nl >= 2) {
        int strict = wordy || wd[nl - 1];
        for (int q = 1; q < nl; q++)
            strict |= wd[q];
        size_t tl = lab_e[nl - 1] - lab_s[nl - 1];
        if (rd_tld_ok(s->buf + lab_s[nl - 1], tl, strict) &&
            (strict || rd_gaz_has(s->eng->gaz_tld, s->buf + lab_s[nl - 1], tl)) &&
            !(lab_e[nl - 1] < n && c_alnum(CH(lab_e[nl - 1]))))
            break;
        nl--;
    }
    /* "jane.doe at gmail": a mailbox at a webmail provider needs no TLD
     * (its normal form gets the provider's .com) */
    int webmail = nl == 1 &&
                  in_list(s->buf + lab_s[0], lab_e[0] - lab_s[0], webmail_names) &&
                  !(lab_e[0] < n && c_alnum(CH(lab_e[0])));
    if (nl < 2 && !webmail)
        return;
    size_t ls = local_start(s, le);
    if (ls == SIZE_MAX)
        return;
    int anywordy = 0;
    for (int q = 1; q < nl; q++)
        anywordy |= wd[q];
    if (word) {
        /* "log in at portal.contoso.com" is prose: a word before " at "
         * needs a mailbox shape, a known first name, or a spelled dot */
        size_t ln = le - ls;
        int shaped = 0;
        for (size_t q = ls; q < le; q++)
            if (!c_alpha(CH(q)))
                shaped = 1;
        if (rd_gaz_has(s->eng->stop_at, s->buf + ls, ln))
            return;
        /* at a webmail provider a user name is likely whatever it is
         * ("csilva at gmail"), but for a few words of prose */
        if (!shaped && !anywordy &&
            !rd_gaz_has(s->eng->gaz_first, s->buf + ls, ln) &&
            (!webmail || in_list(s->buf + ls, ln, webmail_prose)))
            return;
    }
    /* a disguised address's local part may be spelled with dots in
     * disguise as well: "jane dot doe at contoso dot com" is whole (the
     * "jane dot " was left in clear) */
    size_t lw[8], lwe[8];
    int nw = 0;
    if (word || anywordy || b - a > 1 || le < a || lab_s[0] > b) {
        size_t at = ls;
        for (size_t d; nw < 8 && (d = dot_before(s, at)) != 0;) {
            size_t e = at - d, k = local_start(s, e);
            if (k == SIZE_MAX)
                break;
            lw[nw] = k;
            lwe[nw++] = e;
            at = k;
        }
    }
    size_t noff = rd_norm_begin(s);
    for (int q = nw - 1; q >= 0; q--) {
        norm_span(s, lw[q], lwe[q], 1);
        rd_norm_putc(s, '.');
    }
    norm_span(s, ls, le, 1);
    if (nw)
        ls = lw[nw - 1];
    rd_norm_putc(s, '@');
    for (int q = 0; q < nl; q++) {
        if (q)
            rd_norm_putc(s, '.');
        norm_span(s, lab_s[q], lab_e[q], 1);
    }
    if (webmail)
        for (const char *t = ".com"; *t; t++)
            rd_norm_putc(s, *t);
    rd_add(s, ls, lab_e[nl - 1], RD_EMAIL, 0, noff);
}

/* ---- digit runs: cards, SSNs, phones ---------------------------------- */

typedef struct run {
    size_t gs[32], ge[32]; /* digit groups */
    int ng;
} run;

static const char *const ver_words[] = {
    "version", "ver", "v", "build", "release", "firmware", "fw", "driver",
    "os", "update", "kb", "rev", "revision", "patch", "sdk", "api",
    "chrome", "edge", "firefox", "windows", "ios", "android", NULL};

/* the word just before i (skipping spaces, ':' and '#'): its start, its
 * end in *e (the same when there is none) */
static size_t prev_word(const rd_scratch *s, size_t i, size_t *e)
{
    size_t j = i;
    while (j > 0 && (CH(j - 1) == ' ' || CH(j - 1) == ':' || CH(j - 1) == '#'))
        j--;
    *e = j;
    while (j > 0 && c_alpha(CH(j - 1)) && *e - j < 16)
        j--;
    return j;
}

static int prev_word_in(const rd_scratch *s, size_t i, const char *const *l)
{
    size_t e, j = prev_word(s, i, &e);
    return e > j && in_list(s->buf + j, e - j, l);
}

/* the words that may name the number after a '#' */
static const char *const hash_cues[] = {
    "ssn", "phone", "tel", "mobile", "cell", "card", "cc", "fax", NULL};

/* Classify groups [g0, g1) of r.  Returns a type or -1; *weak set when it
 * needs a context word or a field hint. */
static int classify(rd_scratch *s, const run *r, int g0, int g1, int *weak,
                    size_t *st, size_t *en)
{
    char d[64];
    size_t nd = 0;
    int seps_dot = 1, dot = 0, paren = 0, slash = 0;
    for (int g = g0; g < g1; g++) {
        for (size_t i = r->gs[g]; i < r->ge[g]; i++) {
            if (nd == sizeof d)
                return -1;
            d[nd++] = (char)CH(i);
        }
        if (g + 1 < g1)
            for (size_t i = r->ge[g]; i < r->gs[g + 1]; i++) {
                unsigned char c = CH(i);
                if (c != '.')
                    seps_dot = 0;
                else
                    dot = 1;
                if (c == '(' || c == ')')
                    paren = 1;
                if (c == '/')
                    slash = 1;
            }
    }
    int ng = g1 - g0;
    size_t a = r->gs[g0], b = r->ge[g1 - 1];
    int plus = 0;
    /* a leading '(' or '+' belongs to a phone number */
    if (a > 0 && CH(a - 1) == '(') {
        a--, paren = 1;
    }
    if (a > 0 && CH(a - 1) == '+')
        a--, plus = 1;
    else if (a > 1 && CH(a - 1) == ' ' && CH(a - 2) == '+')
        a -= 2, plus = 1;
    if (b < s->len && CH(b) == ')' && paren)
        b++;
    *st = a;
    *en = b;
    *weak = 0;
    size_t gl[32];
    for (int g = g0; g < g1; g++)
        gl[g - g0] = r->ge[g] - r->gs[g];
    if (seps_dot && ng > 1) {
        int small = 1;
        for (int g = 0; g < ng; g++)
            small &= gl[g] <= 3;
        if (small) /* a version or an IPv4 address (K_IPV4 has those) */
            return -1;
    }
    /* dates: 2024-03-05, 03/05/2024, 05.03.2024 */
    if (ng == 3 && ((gl[0] == 4 && gl[1] <= 2 && gl[2] <= 2) ||
                    (gl[0] <= 2 && gl[1] <= 2 && (gl[2] == 4 || gl[2] == 2))))
        return -1;
    if (!paren && !slash && !plus && nd >= 13 && nd <= 19 &&
        rd_card_ok(d, nd))
        return RD_CREDIT_CARD;
    if (!paren && !slash && !plus && nd == 9) {
        if (ng == 3 && gl[0] == 3 && gl[1] == 2 && gl[2] == 4 &&
            rd_ssn_ok(d))
            return RD_US_SSN;
        if (ng == 1 && rd_ssn_ok(d)) {
            *weak = 1;
            return RD_US_SSN;
        }
    }
    if (slash || nd < 7 || nd > 15)
        return -1;
    int ones = 1;
    for (int g = 0; g < ng; g++)
        ones &= gl[g] == 1;
    if (plus && nd >= 8)
        return RD_PHONE;
    if (paren && nd >= 9)
        return RD_PHONE;
    if (nd == 10 && ng == 3 && gl[0] == 3 && gl[1] == 3 && gl[2] == 4)
        return RD_PHONE;
    if (nd == 10 && ng == 4 && gl[0] == 3 && gl[1] == 3 && gl[2] == 2)
        return RD_PHONE;
    if (nd >= 10 && ng == (int)nd && ones && !dot) /* not 1.2.3.4 5.6.7.8 */
        return RD_PHONE;
    if (nd == 11 && d[0] == '1' && ng == 4 && gl[0] == 1 && gl[1] == 3 &&
        gl[2] == 3 && gl[3] == 4)
        return RD_PHONE;
    if (d[0] == '0' && d[1] != '0' && nd >= 10 && nd <= 11 && ng >= 2 &&
        gl[0] <= 5)
        return RD_PHONE;
    if (d[0] == '0' && d[1] == '0' && nd >= 11 && ng >= 2)
        return RD_PHONE;
    *weak = 1;
    return RD_PHONE;
}

static void add_digits(rd_scratch *s, size_t a, size_t b, int type, int weak)
{
    size_t noff = rd_norm_begin(s);
    for (size_t i = a; i < b; i++)
        if (c_digit(CH(i)) || (CH(i) == '+' && type == RD_PHONE))
            rd_norm_putc(s, (char)CH(i));
    rd_add(s, a, b, type, weak, noff);
}

/* " - " at k: a separator other than a space, spaced, between digit
 * groups ("425 - 555 - 0100", as K_NUMRUN allows) */
static int spaced_sep(const rd_scratch *s, size_t k)
{
    return CH(k) == ' ' && CH(k + 1) != ' ' && c_runsep(CH(k + 1)) &&
           CH(k + 2) == ' ';
}

/* a GUID's next group at j: "-" four hex digits, one a letter, "-" */
static int guid_group(const rd_scratch *s, size_t j)
{
    if (j + 5 >= s->len || CH(j) != '-' || CH(j + 5) != '-')
        return 0;
    int letter = 0;
    for (size_t k = j + 1; k < j + 5; k++) {
        if (!c_xdigit(CH(k)))
            return 0;
        letter |= c_alpha(CH(k));
    }
    return letter;
}

static void numrun(rd_scratch *s, size_t to)
{
    if (to <= s->run_end)
        return;
    size_t n = s->len, i = to, j = to;
    /* on over digits and short separator runs.  A run glued to a letter
     * after it is no value, whatever is before it: a timestamp
     * (2024-04-04T15:01:57Z, in every record of a log) is let go here,
     * before the walk back */
    while (j < n) {
        if (c_digit(CH(j))) {
            j++;
            continue;
        }
        size_t k = j;
        while (k < n && c_runsep(CH(k)) && k - j < 3)
            k++;
        if (k > j && (k - j <= 2 || spaced_sep(s, j)) && k < n &&
            c_digit(CH(k)))
            j = k;
        else
            break;
    }
    s->run_end = j;
    if (j < n && (c_alpha(CH(j)) || CH(j) == '_'))
        return;
    /* back over digits and short separator runs */
    while (i > 0) {
        if (c_digit(CH(i - 1))) {
            i--;
            continue;
        }
        size_t k = i;
        while (k > 0 && c_runsep(CH(k - 1)) && i - k < 3)
            k--;
        if (k < i && (i - k <= 2 || spaced_sep(s, k)) && k > 0 &&
            c_digit(CH(k - 1)))
            i = k;
        else
            break;
    }
    /* glued to letters: KB5034441, 0x80070005, v1.2.3, CAS-05277-406788,
     * a GUID's first group (82974405-b61a-...: its digits were a phone
     * after "call" earlier in the line); after '#' an id (order #88213),
     * unless a word before the '#' says what the number is
     * (ssn#123456789, phone #4255550100) */
    if ((i > 0 && (c_alpha(CH(i - 1)) || CH(i - 1) == '_' ||
                   CH(i - 1) == '$' ||
                   (CH(i - 1) == '#' && !prev_word_in(s, i, hash_cues)))) ||
        (i > 1 && (CH(i - 1) == '-' || CH(i - 1) == '/') &&
         c_alpha(CH(i - 2))) ||
        guid_group(s, j))
        return;
    if (prev_word_in(s, i, ver_words))
        return;
    run r = {.ng = 0};
    for (size_t p = i; p < j && r.ng < 32;) {
        if (!c_digit(CH(p))) {
            p++;
            continue;
        }
        r.gs[r.ng] = p;
        while (p < j && c_digit(CH(p)))
            p++;
        r.ge[r.ng++] = p;
    }
    if (r.ng == 0 || r.ng == 32)
        return;
    int weak;
    size_t a, b;
    int t = classify(s, &r, 0, r.ng, &weak, &a, &b);
    if (t >= 0)
        add_digits(s, a, b, t, weak);
    if (t >= 0 && !weak)
        return;
    /* pre[g]: the digits before group g.  classify finds nothing in
     * fewer than 7 or more than 19 digits, so such sub-runs are skipped
     * (a log timestamp "2024-05-01 12:00" had every one of its tried) */
    size_t pre[33];
    pre[0] = 0;
    for (int g = 0; g < r.ng; g++)
        pre[g + 1] = pre[g] + (r.ge[g] - r.gs[g]);
#define FITS(g0, g1) (pre[g1] - pre[g0] >= 7 && pre[g1] - pre[g0] <= 19)
    /* two values side by side ("+1-425-555-0100 4111 1111 1111 1111"):
     * first split where the separator changes */
    int found = 0, seg0 = 0;
    for (int g = 1; g <= r.ng; g++) {
        int cut = g == r.ng ||
                  (g >= 2 && CH(r.ge[g - 1]) != CH(r.ge[g - 2]));
        if (!cut)
            continue;
        if (!(seg0 == 0 && g == r.ng) && FITS(seg0, g)) {
            int t2 = classify(s, &r, seg0, g, &weak, &a, &b);
            if (t2 >= 0 && !weak) {
                add_digits(s, a, b, t2, 0);
                found = 1;
            }
        }
        seg0 = g;
    }
    if (found)
        return;
    /* "4111 1111 1111 1111 12/25": the longest strong sub-runs, cut
     * where no dot is: a dot binds a token (an address, a version), and
     * "10.0.0.4 10.0.0.1 10.0.0.2" held "0.0.4 10.0.0.1 10.0.0.2", a
     * 00-prefixed international number */
#define DOT_AFTER(g) (memchr(s->buf + r.ge[g], '.', r.gs[(g) + 1] - r.ge[g]) != NULL)
    for (int g0 = 0; g0 < r.ng; g0++)
        for (int g1 = r.ng; g1 > g0; g1--) {
            if ((g0 == 0 && g1 == r.ng) || !FITS(g0, g1) ||
                (g0 > 0 && DOT_AFTER(g0 - 1)) || (g1 < r.ng && DOT_AFTER(g1 - 1)))
                continue;
            int t2 = classify(s, &r, g0, g1, &weak, &a, &b);
            if (t2 >= 0 && !weak) {
                add_digits(s, a, b, t2, 0);
                g0 = g1 - 1;
                break;
            }
        }
#undef DOT_AFTER
#undef FITS
}

/* ---- IP addresses ---------------------------------------------------- */

/* digits, a dot and digits end at e (before a range's dash) / begin at
 * b (after it): the other end of 192.168.0.1-192.168.0.254 */
static int dotted_before(const rd_scratch *s, size_t e)
{
    size_t k = e;
    while (k > 0 && c_digit(CH(k - 1)))
        k--;
    return k < e && k > 1 && CH(k - 1) == '.' && c_digit(CH(k - 2));
}

static int dotted_after(const rd_scratch *s, size_t b)
{
    size_t k = b;
    while (k < s->len && c_digit(CH(k)))
        k++;
    return k > b && k + 1 < s->len && CH(k) == '.' && c_digit(CH(k + 1));
}

static void ipv4_token(rd_scratch *s, size_t to, int defanged)
{
    size_t n = s->len, i = to, j = to;
    if (to <= s->ip_end)
        return;
    /* walk digits, dots and the defanged dots [.] (.) {.} [dot], and a
     * dot with a space either side ("10 . 0 . 0 . 1") */
#define DEFANG_AT(p, back)                                                    \
    (has(s, (p), "[.]") || has(s, (p), "(.)") || has(s, (p), "{.}") ||        \
             has(s, (p), " . ")                                          \
         ? 3                                                                  \
     : has(s, (p), "[dot]") ? 5                                               \
                            : 0)
    for (;;) {
        if (i > 0 && (c_digit(CH(i - 1)) || CH(i - 1) == '.')) {
            i--;
            continue;
        }
        if (defanged && i >= 3 && DEFANG_AT(i - 3, 1) == 3) {
            i -= 3;
            continue;
        }
        if (defanged && i >= 5 && has(s, i - 5, "[dot]")) {
            i -= 5;
            continue;
        }
        break;
    }
    for (;;) {
        if (j < n && (c_digit(CH(j)) || CH(j) == '.')) {
            j++;
            continue;
        }
        size_t d = defanged && j < n ? DEFANG_AT(j, 0) : 0;
        if (d) {
            j += d;
            continue;
        }
        break;
    }
#undef DEFANG_AT
    s->ip_end = j;
    while (j > i && CH(j - 1) == '.')
        j--;
    while (i < j && CH(i) == '.')
        i++;
    /* glued to a word (v1.2.3.4, 1.2.3.4-beta, app-1.2.3.4) it is not
     * one; a dash between two addresses is a range
     * (192.168.0.1-192.168.0.254) */
    if ((i > 0 && (c_word(CH(i - 1)) ||
                   (CH(i - 1) == '-' && !dotted_before(s, i - 1)))) ||
        (j < n && (c_word(CH(j)) || (CH(j) == '-' && !dotted_after(s, j + 1)))))
        return;
    if (prev_word_in(s, i, ver_words))
        return;
    char q[32] = {0};
    size_t nq = 0;
    for (size_t p = i; p < j; p++) {
        unsigned char c = CH(p);
        if (c_digit(c) || c == '.') { /* the dot of [.] too */
            if (nq == sizeof q - 1)
                return;
            q[nq++] = (char)c;
        } else if (c == '[' && has(s, p, "[dot]")) {
            if (nq == sizeof q - 1)
                return;
            q[nq++] = '.';
            p += 4;
        }
    }
    unsigned char ip[4];
    if (!rd_ipv4_parse(q, nq, ip))
        return;
    size_t noff = rd_norm_begin(s);
    for (size_t p = 0; p < nq; p++)
        rd_norm_putc(s, q[p]);
    rd_add(s, i, j, RD_IP_ADDRESS, 0, noff);
}

static void ipv6_token(rd_scratch *s, size_t to)
{
    size_t n = s->len, i = to, j = to;
    if (to <= s->v6_end)
        return;
    while (i > 0 && (c_xdigit(CH(i - 1)) || CH(i - 1) == ':' ||
                     CH(i - 1) == '.') && to - i < 64)
        i--;
    while (j < n && (c_xdigit(CH(j)) || CH(j) == ':' || CH(j) == '.') &&
           j - i < 64)
        j++;
    s->v6_end = j;
    while (j > i && CH(j - 1) == '.')
        j--;
    if (j > i + 1 && CH(j - 1) == ':' && CH(j - 2) != ':')
        j--;
    while (i < j && CH(i) == '.')
        i++;
    if ((i > 0 && (c_word(CH(i - 1)))) || (j < n && c_word(CH(j))))
        return;
    int colons = 0;
    for (size_t p = i; p < j; p++)
        colons += CH(p) == ':';
    char canon[64];
    if (colons < 2 || !rd_ipv6_parse(s->buf + i, j - i, canon, sizeof canon))
        return;
    size_t noff = rd_norm_begin(s);
    for (const char *p = canon; *p; p++)
        rd_norm_putc(s, *p);
    rd_add(s, i, j, RD_IP_ADDRESS, 0, noff);
}

/* ---- MAC, IBAN, URL, secrets ------------------------------------------- */

static void mac(rd_scratch *s, size_t from, size_t to)
{
    size_t n = s->len;
    if (from > 0 && (c_alnum(CH(from - 1)) || CH(from - 1) == ':' ||
                     CH(from - 1) == '-' || CH(from - 1) == '.'))
        return;
    size_t e;
    if (CH(from + 4) == '.') { /* 001a.2b3c.4d5e */
        e = to;
    } else {
        unsigned char sep = CH(from + 2);
        e = from;
        for (int g = 0; g < 6; g++) {
            if (g && (e >= n || CH(e) != sep))
                return;
            if (g)
                e++;
            if (e + 2 > n || !c_xdigit(CH(e)) || !c_xdigit(CH(e + 1)))
                return;
            e += 2;
        }
    }
    if (e < n && (c_alnum(CH(e)) || ((CH(e) == ':' || CH(e) == '-') &&
                                     e + 1 < n && c_xdigit(CH(e + 1)))))
        return;
    size_t noff = rd_norm_begin(s);
    for (size_t p = from; p < e; p++)
        if (c_xdigit(CH(p)))
            rd_norm_putc(s, (char)c_tolower(CH(p)));
    rd_add(s, from, e, RD_MAC_ADDRESS, 0, noff);
}

static void iban(rd_scratch *s, size_t from);

/* The anchor is "CCdd ?xxxx ?xxxx" (or with dashes, sep '-') ending at
 * to: walk back over eight letters or digits (single separators
 * between), two digits, two letters. */
static void iban_end(rd_scratch *s, size_t to, int sep)
{
    size_t a = to;
    int need = 8;
    while (need > 0 && a > 0) {
        if (c_alnum(CH(a - 1)))
            need--;
        else if (CH(a - 1) != sep)
            return;
        a--;
    }
    if (a > 0 && CH(a - 1) == sep)
        a--;
    if (need || a < 4)
        return;
    iban(s, a - 4);
}

static void iban(rd_scratch *s, size_t from)
{
    size_t n = s->len;
    if (from > 0 && c_alnum(CH(from - 1)))
        return;
    char v[40];
    size_t nv = 0, e = from;
    /* letters and digits, optionally a space (or, all through, a dash)
     * every four */
    int sep = from + 4 < n && CH(from + 4) == '-' ? '-' : ' ';
    /* dashed, every group is four and no dash comes before: not a piece
     * of a GUID (953bde25-e74c-ba07-7b74-c34e78d76ca2) */
    if (sep == '-' && from > 0 && CH(from - 1) == '-')
        return;
    while (e < n && nv < 34) {
        if (sep == '-' && nv && nv % 4 == 0 && c_alnum(CH(e)) &&
            CH(e - 1) != '-')
            break;
        if (c_alnum(CH(e))) {
            v[nv++] = (char)c_toupper(CH(e));
            e++;
        } else if (CH(e) == sep && e + 1 < n && c_alnum(CH(e + 1)) &&
                   nv % 4 == 0) {
            e++;
        } else {
            break;
        }
    }
    /* the longest prefix that checks out (a word may follow the IBAN) */
    for (size_t k = nv; k >= 15; k--) {
        if (!rd_iban_ok(v, k))
            continue;
        size_t cnt = 0, p = from;
        while (cnt < k) {
            if (c_alnum(CH(p)))
                cnt++;
            p++;
        }
        if (p < n && c_alnum(CH(p)))
            continue;
        size_t noff = rd_norm_begin(s);
        for (size_t q = 0; q < k; q++)
            rd_norm_putc(s, v[q]);
        rd_add(s, from, p, RD_IBAN, 0, noff);
        return;
    }
}

static void url(rd_scratch *s, size_t from, size_t to)
{
    size_t n = s->len, e = to;
    /* a scheme inside the URL taken last ("?next=https://...") is part of
     * it: expanding each again cost a line of "http://a.b/" repeated 8 KB
     * a scheme and as much memory */
    if (from < s->url_end)
        return;
    if (from > 0 && (c_alnum(CH(from - 1)) ||
                     ((CH(from) == 'w' || CH(from) == 'W') &&
                      (CH(from - 1) == '.' || CH(from - 1) == '/' ||
                       CH(from - 1) == '-'))))
        return;
    long paren = 0, brack = 0; /* opened less closed in [from, e) */
    while (e < n && CH(e) > ' ' && !strchr("\"'<>\\^`{|}", CH(e)) &&
           e - from < 8192)
        e++;
    for (size_t p = from; p < e; p++) {
        paren += (CH(p) == '(') - (CH(p) == ')');
        brack += (CH(p) == '[') - (CH(p) == ']');
    }
    /* trailing punctuation and unbalanced closers are prose (counted once:
     * a recount per closer cost a URL followed by closers their square) */
    for (;;) {
        if (e > to && strchr(".,;:!?*", CH(e - 1))) {
            e--;
        } else if (e > to && CH(e - 1) == ')' && paren < 0) {
            e--;
            paren++;
        } else if (e > to && CH(e - 1) == ']' && brack < 0) {
            e--;
            brack++;
        } else {
            break;
        }
    }
    if (e < to + 2)
        return;
    size_t noff = rd_norm_begin(s);
    norm_span(s, from, e, 0);
    rd_add(s, from, e, RD_URL, 0, noff);
    s->url_end = e;
}

static void add_secret(rd_scratch *s, size_t a, size_t b)
{
    size_t noff = rd_norm_begin(s);
    norm_span(s, a, b, 0);
    rd_add(s, a, b, RD_SECRET, 0, noff);
}

static int istok(unsigned char c)
{
    return c_alnum(c) || c == '_' || c == '-';
}

static void secret_token(rd_scratch *s, size_t from, size_t to)
{
    size_t n = s->len, e = to;
    /* a prefix inside the token taken last ("github_pat_github_pat_...")
     * is part of it */
    if (from < s->st_end || (from > 0 && c_alnum(CH(from - 1))))
        return;
    int fixed = has(s, from, "AIza") ? 39 : CH(from) == 'A' ? 20 : 0;
    int sg = has(s, from, "SG.");
    while (e < n && (istok(CH(e)) || (sg && CH(e) == '.')) &&
           e - from < 1024)
        e++;
    if (fixed && e - from != (size_t)fixed)
        return;
    add_secret(s, from, e);
    s->st_end = e;
}

static void jwt(rd_scratch *s, size_t from, size_t to)
{
    size_t n = s->len, e = to;
    if (from > 0 && istok(CH(from - 1)))
        return;
    while (e < n && istok(CH(e)))
        e++;
    if (e >= n || CH(e) != '.')
        return;
    size_t sig = ++e;
    while (e < n && istok(CH(e)) && e - from < 16384)
        e++;
    if (e - sig < 8)
        return;
    add_secret(s, from, e);
}

/* memmem(h, n, lit, l), found by memchr on lit[k], a capital that is
 * rare in text where the dashes are not: glibc's memmem, reading the last
 * 16 KB of every batch for a BEGIN line (rd_pem_open), was 1 % of a bench
 * run */
static const char *find_at(const char *h, size_t n, const char *lit,
                           size_t l, size_t k)
{
    for (size_t i = k; i + (l - k) <= n;) {
        const char *x = memchr(h + i, lit[k], n - (l - k) + 1 - i);
        if (!x)
            return NULL;
        size_t at = (size_t)(x - h) - k;
        if (memcmp(h + at, lit, l) == 0)
            return h + at;
        i = at + k + 1;
    }
    return NULL;
}
#define FIND_BEGIN(h, n) find_at(h, n, "-----BEGIN ", 11, 5)
#define FIND_END(h, n) find_at(h, n, "-----END ", 9, 5)

/* The first "-----END " in s->buf[to, lim), or SIZE_MAX.  Anchors come in
 * order, so an END found for an earlier one is still the first if it lies
 * past this one, and a stretch searched without finding one is not
 * searched again: a line of BEGIN lines searched 64 KB for each. */
static size_t pem_end_line(rd_scratch *s, size_t to, size_t lim)
{
    if (s->pem_at == SIZE_MAX || s->pem_at < to) {
        size_t a = to;
        if (s->pem_at == SIZE_MAX && s->pem_upto > to + 8)
            a = s->pem_upto - 8; /* an END may straddle the old limit */
        const char *x = a < lim ? FIND_END(s->buf + a, lim - a)
                                : NULL;
        s->pem_at = x ? (size_t)(x - s->buf) : SIZE_MAX;
        s->pem_upto = lim;
    }
    return s->pem_at != SIZE_MAX && s->pem_at + 9 <= lim ? s->pem_at
                                                         : SIZE_MAX;
}

static void pem(rd_scratch *s, size_t from, size_t to)
{
    if (from < s->pem_end) /* a BEGIN inside the key taken last */
        return;
    size_t n = s->len, lim = n - to < RD_PEM_REACH ? n : to + RD_PEM_REACH;
    size_t end = pem_end_line(s, to, lim), e;
    if (end != SIZE_MAX) {
        const char *close =
            memmem(s->buf + end + 9, lim - end - 9, "-----", 5);
        e = close ? (size_t)(close - s->buf) + 5 : lim;
    } else { /* cut short: the base64 body that follows */
        e = to;
        while (e < lim && (c_alnum(CH(e)) || strchr("+/=\r\n\\ ", CH(e))))
            e++;
    }
    add_secret(s, from, e);
    s->pem_end = e;
}

size_t rd_pem_open(const char *buf, size_t n)
{
    /* an anchor ends at most 64 bytes after its "-----BEGIN " */
    size_t a = n > RD_PEM_REACH + 64 ? n - RD_PEM_REACH - 64 : 0;
    const char *end = NULL; /* the first END line after b, closed */
    for (const char *b; (b = FIND_BEGIN(buf + a, n - a));
         a = (size_t)(b - buf) + 1) {
        if (!end || end < b) { /* else the one after an earlier BEGIN */
            end = FIND_END(b, (size_t)(buf + n - b));
            if (!end ||
                !memmem(end + 9, (size_t)(buf + n - end - 9), "-----", 5))
                return (size_t)(b - buf);
        }
    }
    return SIZE_MAX;
}

static const char *const said_stop[] = {
    "not", "incorrect", "wrong", "expired", "the", "a", "an", "too", "being",
    "still", "now", "correct", "set", "reset", "blank", "empty", "invalid",
    "locked", "working", "same", "different", "changed", "required", "my",
    "your", "also", "and", "but", "that", "this", "it", "in", "on", "ok",
    "okay", "fine", "good", "weak", "strong", "long", "short", "case",
    "sensitive", "saved", "stored", "known", "unknown", "lost", "forgotten",
    "there", "here", "no", "yes", "none", "null", "missing", "rejected",
    "accepted", "change", "changing", "updated", "new", "old", "just",
    "never", "always", "valid", "protected", "hidden", "redacted", "<redacted>",
    NULL};

/* the value after "password=" or "password is" */
static void secret_value(rd_scratch *s, size_t to, int said)
{
    /* "password=password=..." : a key inside the value taken last is part
     * of that value */
    if (to <= s->kv_end)
        return;
    size_t n = s->len, a = to;
    while (a < n && (CH(a) == ' ' || CH(a) == ':'))
        a++;
    int qc = a < n && (CH(a) == '"' || CH(a) == '\'') ? CH(a) : 0;
    if (qc)
        a++;
    /* a quoted pass phrase is whole, spaces and all ("S3cret pass
     * phrase"); the prose test below is then its first word's */
    size_t q = a, first = 0;
    while (qc && q < n && q - a < 128 && CH(q) != qc && CH(q) != '\n') {
        if (CH(q) == ' ' && !first)
            first = q - a;
        q++;
    }
    int phrase = first && q < n && CH(q) == qc;
    size_t e = phrase ? q : a;
    for (; !phrase && e < n && CH(e) > ' ' &&
           !strchr("\"';,<>)]}\\", CH(e)) && e - a < 512;
         e++) {
        /* '&' ends the value only where the next query parameter starts
         * (password=x&user=y); Tr0ub4dor&3 is one password */
        if (CH(e) == '&') {
            size_t k = e + 1;
            while (k < n && (c_alnum(CH(k)) || CH(k) == '_') && k - e < 32)
                k++;
            if (k > e + 1 && k < n && CH(k) == '=')
                break;
        }
    }
    /* (a quoted value ends at its quote: "Summer2024!" is whole) */
    int closed = qc && e < n && CH(e) == qc;
    if (!phrase && !closed && (said || (to > 0 && CH(to - 1) == ':')))
        while (e > a && strchr(".!?", CH(e - 1)) && e - a > 1)
            e--; /* sentence end, not part of it */
    if (phrase) {
        if (rd_gaz_has(s->eng->stop_said, s->buf + a, first))
            return;
        add_secret(s, a, e);
        s->kv_end = e;
        return;
    }
    size_t len = e - a;
    if (len == 0)
        return;
    int stars = 1, digit = 0, other = 0, upper = 0;
    for (size_t p = a; p < e; p++) {
        unsigned char c = CH(p);
        stars &= c == '*' || c == 'x' || c == 'X' || c == '.';
        digit |= c_digit(c);
        other |= !c_alnum(c);
        upper |= p > a && c_upper(c);
    }
    if (stars || rd_gaz_has(s->eng->stop_said, s->buf + a, len))
        return;
    if (has(s, a, "null") && len == 4)
        return;
    /* prose after a colon ("reset your password: click here") is not a
     * secret; values that look like one (digits, symbols, inner capitals)
     * are */
    if ((said || CH(to - 1) == ':') && !digit && !other && !upper)
        return;
    if (len < 3)
        return;
    add_secret(s, a, e);
    s->kv_end = e;
}

/* ---- labelled postal codes and coordinates ---------------------------- */

/* After a label's name ending at `to`: an optional quote, spaces, one of
 * ":=#" or a dash before a space, else one of the `links` words ("is ",
 * NULL-terminated), spaces and a quote; where the value starts.  ("GPS
 * -54.8, 42.1": that dash is the value's.) */
static size_t after_label(const rd_scratch *s, size_t to,
                          const char *const *links)
{
    size_t n = s->len, i = to;
    if (i < n && (CH(i) == '"' || CH(i) == '\''))
        i++;
    while (i < n && CH(i) == ' ' && i - to < 6)
        i++;
    if (i < n && (CH(i) == ':' || CH(i) == '=' || CH(i) == '#' ||
                  (CH(i) == '-' && !(i + 1 < n && c_digit(CH(i + 1)))))) {
        i++;
    } else {
        for (int w = 0; w < 2; w++)
            for (const char *const *l = links; *l; l++)
                if (has(s, i, *l)) {
                    i += strlen(*l);
                    break;
                }
    }
    while (i < n && CH(i) == ' ' && i - to < 16)
        i++;
    if (i < n && (CH(i) == '"' || CH(i) == '\''))
        i++;
    return i;
}

static const char *const is_link[] = {"is ", NULL};

/* "ZIP: 98052-6399", "postcode SW1A 2AA", "postal code 10115", "K1A 0B1",
 * "1012 AB": the code after a postal code's name, whose first character
 * the anchor ends with.  A ZIP code with a date of birth singles most
 * people out; alone, under its name, it is kept no longer.  ("zip 3
 * files" names no code.) */
static void postal_code(rd_scratch *s, size_t to)
{
    size_t n = s->len, i = to - 1, e = i;
    while (e < n && c_digit(CH(e)) && e - i < 7)
        e++;
    size_t nd = e - i;
    if (nd == 5 && e + 5 <= n && CH(e) == '-' && c_digit(CH(e + 1)) &&
        c_digit(CH(e + 2)) && c_digit(CH(e + 3)) && c_digit(CH(e + 4)))
        e += 5; /* ZIP+4 */
    else if (nd == 4 && e + 3 <= n && CH(e) == ' ' && c_upper(CH(e + 1)) &&
             c_upper(CH(e + 2)))
        e += 3; /* Dutch: 1012 AB */
    else if (nd == 0) {
        /* UK: A9 9AA, A99 9AA, AA9 9AA, AA99 9AA, A9A 9AA, AA9A 9AA;
         * Canada: A9A 9A9 */
        size_t p = i, l = 0;
        while (p < n && c_alnum(CH(p)) && p - i < 5)
            p++;
        l = p - i;
        if (l < 2 || l > 4 || !c_upper(CH(i)) || p + 4 > n || CH(p) != ' ')
            return;
        int dig = 0;
        for (size_t q = i; q < p; q++)
            dig += c_digit(CH(q));
        if (!dig || (!c_digit(CH(i + 1)) && !c_digit(CH(i + 2))))
            return;
        if (c_digit(CH(p + 1)) && c_upper(CH(p + 2)) && c_upper(CH(p + 3)))
            e = p + 4; /* UK inward code */
        else if (l == 3 && c_digit(CH(i + 1)) && c_upper(CH(i + 2)) &&
                 c_digit(CH(p + 1)) && c_upper(CH(p + 2)) &&
                 c_digit(CH(p + 3)))
            e = p + 4; /* Canada */
        else
            return;
    } else if (nd < 4 || nd > 6) {
        return;
    }
    if (e < n && (c_alnum(CH(e)) || (CH(e) == '.' && e + 1 < n &&
                                     c_digit(CH(e + 1)))))
        return;
    size_t noff = rd_norm_begin(s);
    norm_span(s, i, e, 1);
    rd_add(s, i, e, RD_LOCATION, 0, noff);
}

/* up to max digits at p[i, n): their value, their count in *nd */
static unsigned digits_at(const unsigned char *p, size_t n, size_t i, int max,
                          int *nd)
{
    unsigned v = 0;
    int k = 0;
    while (i + (size_t)k < n && k < max && c_digit(p[i + (size_t)k]))
        v = v * 10 + (unsigned)(p[i + (size_t)k++] - '0');
    *nd = k;
    return v;
}

/* a decimal degree at i: -?\d{1,3}.\d{3,} up to `max` in size; its end,
 * or 0 */
static size_t degree(const rd_scratch *s, size_t i, unsigned max)
{
    size_t n = s->len, p = i;
    if (p < n && (CH(p) == '-' || CH(p) == '+'))
        p++;
    int nd;
    unsigned v = digits_at((const unsigned char *)s->buf, n, p, 4, &nd);
    p += (size_t)nd;
    if (nd == 0 || nd > 3 || v > max || p >= n || CH(p) != '.')
        return 0;
    size_t f = ++p;
    while (p < n && c_digit(CH(p)) && p - f < 12)
        p++;
    if (p - f < 3 || (p < n && (c_alnum(CH(p)) || CH(p) == '.')))
        return 0;
    return p;
}

/* "lat/long 47.6062, -122.3321", "GPS: 47.6062,-122.3321": a latitude and
 * a longitude with three or more decimals (a few metres) after their
 * name: where someone is. */
static void coordinates(rd_scratch *s, size_t to)
{
    size_t n = s->len, i = after_label(s, to, is_link);
    if (i < n && CH(i) == '(')
        i++;
    size_t e = degree(s, i, 90);
    if (!e)
        return;
    size_t p = e;
    if (p < n && (CH(p) == ',' || CH(p) == ';' || CH(p) == '/'))
        p++;
    while (p < n && CH(p) == ' ' && p - e < 3)
        p++;
    if (p == e)
        return;
    size_t e2 = degree(s, p, 180);
    if (!e2)
        return;
    size_t noff = rd_norm_begin(s);
    norm_span(s, i, e2, 1);
    rd_add(s, i, e2, RD_LOCATION, 0, noff);
}

/* ---- DATE_OF_BIRTH ---------------------------------------------------- */

/* a month's name at p[i, n) (January, Jan, Jan., Sept): 1-12, its end in
 * *e; 0 when none */
static int month_at(const unsigned char *p, size_t n, size_t i, size_t *e)
{
    static const char *const full[] = {
        "january", "february", "march", "april", "may", "june", "july",
        "august", "september", "october", "november", "december"};
    size_t j = i;
    while (j < n && c_alpha(p[j]) && j - i < 10)
        j++;
    size_t l = j - i;
    if (l < 3 || (j < n && c_alnum(p[j])))
        return 0;
    for (int m = 0; m < 12; m++) {
        if (strncasecmp((const char *)p + i, full[m], 3) != 0)
            continue;
        if (l == 3 || (l == 4 && m == 8 && c_tolower(p[i + 3]) == 't') ||
            (l == strlen(full[m]) &&
             strncasecmp((const char *)p + i, full[m], l) == 0)) {
            if (j < n && p[j] == '.' && l <= 4)
                j++;
            *e = j;
            return m + 1;
        }
        return 0;
    }
    return 0;
}

/* a day of the month at p[i, n): 1-31 with an ordinal's letters ("12th")
 * and " of" after them; its end in *e, 0 when none */
static unsigned day_at(const unsigned char *p, size_t n, size_t i, size_t *e)
{
    int nd;
    unsigned d = digits_at(p, n, i, 3, &nd);
    if (nd == 0 || nd > 2 || d < 1 || d > 31)
        return 0;
    size_t j = i + (size_t)nd;
    if (j + 1 < n && c_alpha(p[j])) {
        static const char *const ord[] = {"st", "nd", "rd", "th"};
        int ok = 0;
        for (int k = 0; k < 4 && !ok; k++)
            ok = c_tolower(p[j]) == ord[k][0] && c_tolower(p[j + 1]) == ord[k][1];
        if (!ok || (j + 2 < n && c_alnum(p[j + 2])))
            return 0;
        j += 2;
        if (j + 3 < n && p[j] == ' ' && strncasecmp((const char *)p + j + 1, "of ", 3) == 0)
            j += 3;
    }
    *e = j;
    return d;
}

/* a year at p[i, n): four digits from 1900 to 2099; 0 when none */
static unsigned year_at(const unsigned char *p, size_t n, size_t i, size_t *e)
{
    int nd;
    unsigned y = digits_at(p, n, i, 5, &nd);
    if (nd != 4 || y < 1900 || y > 2099)
        return 0;
    *e = i + 4;
    return y;
}

static int date_sep(int c) { return c == '/' || c == '-' || c == '.'; }

/* A calendar date at p[i, n): 1985-04-12, 04/12/1985, 12.4.85, 12 April
 * 1985, 12th of April 1985, 12-Apr-1985, April 12, 1985.  Its end, or 0;
 * norm gets the date as y-m-d where the order is known, else its three
 * numbers in the order written (04/12/1985 is April or December) */
static size_t parse_date(const unsigned char *p, size_t n, size_t i,
                         char norm[40])
{
    int nd1, nd2, nd3;
    size_t e = 0, k;
    unsigned a = digits_at(p, n, i, 5, &nd1), y, m, d;
    if (nd1 > 0 && nd1 != 3 && nd1 <= 4 && i + (size_t)nd1 < n &&
        date_sep(p[i + (size_t)nd1])) { /* numbers */
        unsigned char sep = p[i + (size_t)nd1];
        k = i + (size_t)nd1 + 1;
        unsigned b = digits_at(p, n, k, 3, &nd2);
        k += (size_t)nd2;
        if (nd2 == 0 || nd2 > 2 || k >= n || p[k] != sep)
            goto words;
        unsigned c = digits_at(p, n, k + 1, 5, &nd3);
        e = k + 1 + (size_t)nd3;
        if (nd3 == 0 || nd3 == 3 || nd3 > 4 ||
            (e < n && (c_alnum(p[e]) || ((date_sep(p[e]) || p[e] == ':') &&
                                         e + 1 < n && c_digit(p[e + 1])))))
            return 0;
        if (nd1 == 4) { /* 1985-04-12 */
            if (nd3 > 2 || a < 1900 || a > 2099 || b < 1 || b > 12 || c < 1 ||
                c > 31)
                return 0;
            snprintf(norm, 40, "%u-%u-%u", a, b, c);
            return e;
        }
        if (nd3 == 4 && (c < 1900 || c > 2099))
            return 0;
        if (a < 1 || b < 1 || a > 31 || b > 31 || (a > 12 && b > 12))
            return 0;
        snprintf(norm, 40, "%u-%u-%u", a, b, c);
        return e;
    }
words:
    if ((d = day_at(p, n, i, &k)) != 0) { /* 12 April 1985, 12-Apr-1985 */
        if (k >= n || (p[k] != ' ' && p[k] != '-') ||
            !(m = (unsigned)month_at(p, n, k + 1, &k)))
            return 0;
        if (k < n && p[k] == ',')
            k++;
        if (k >= n || (p[k] != ' ' && p[k] != '-') ||
            !(y = year_at(p, n, k + 1, &e)))
            return 0;
    } else if ((m = (unsigned)month_at(p, n, i, &k)) != 0) { /* April 12, 1985 */
        if (k >= n || p[k] != ' ' || !(d = day_at(p, n, k + 1, &k)))
            return 0;
        if (k < n && p[k] == ',')
            k++;
        if (k >= n || p[k] != ' ' || !(y = year_at(p, n, k + 1, &e)))
            return 0;
    } else {
        return 0;
    }
    if (e < n && c_alnum(p[e]))
        return 0;
    snprintf(norm, 40, "%u-%u-%u", y, m, d);
    return e;
}

/* "DOB: 04/12/1985", "date of birth is 12 April 1985", "born on
 * 1985-04-12", "birthday - April 12, 1985": the date after a date of
 * birth's name (which ends at `to`).  Dates without one are kept. */
static void birth(rd_scratch *s, size_t to)
{
    static const char *const links[] = {"is ", "was ", "on ", "of ", NULL};
    const unsigned char *p = (const unsigned char *)s->buf;
    size_t n = s->len, i = to;
    if (i < n && CH(i) == '.') /* d.o.b. */
        i++;
    i = after_label(s, i, links);
    char norm[40];
    size_t e = parse_date(p, n, i, norm);
    if (!e)
        return;
    size_t noff = rd_norm_begin(s);
    for (const char *c = norm; *c; c++)
        rd_norm_putc(s, *c);
    rd_add(s, i, e, RD_DATE_OF_BIRTH, 0, noff);
}

/* "CVV 123", "cvc2: 4821", "security code is 0123", cvv="123": the three
 * or four digits after the name of a card's verification code (the first
 * of them ends at `to`) are card data that may never be stored (PCI DSS), whatever
 * else the record keeps.  A one-time code of six digits is not one. */
static void card_code(rd_scratch *s, size_t to)
{
    size_t n = s->len, i = to - 1; /* the anchor ends after the first digit */
    size_t a = i;
    while (i < n && c_digit(CH(i)) && i - a < 5)
        i++;
    /* not the start of a longer number (12/27, 123-456, 1.5) */
    if (i - a < 3 || i - a > 4 || (i < n && c_alnum(CH(i))) ||
        (i + 1 < n && CH(i) != ' ' && c_digit(CH(i + 1))))
        return;
    add_digits(s, a, i, RD_CREDIT_CARD, 0);
}

/* the password of "curl -u user:password" (to is past the colon): up to
 * the next space or quote; the user name stays */
static void cli_password(rd_scratch *s, size_t to)
{
    size_t n = s->len, e = to;
    while (e < n && CH(e) > ' ' && !strchr("\"'", CH(e)) && e - to < 256)
        e++;
    if (e > to && to > s->kv_end) {
        add_secret(s, to, e);
        s->kv_end = e;
    }
}

/* The classes entropy_tok asks of a token byte, by table: base64 tokens
 * are random bytes, and a branch per class test was mispredicted for
 * most of them (each line of a private key cost 1.8 us, 5 % of a run over
 * the bench corpus); computing the classes without a branch cost 15
 * instructions a byte.  The walks out from the anchor take the classes
 * as they go: one pass over the token. */
enum { TK_UP = 1, TK_LO = 2, TK_DG = 4, TK_NONHEX = 8, TK_BYTE = 16,
       TK_SLASH = 32 };
static const unsigned char tok_tab[256] = {
    ['A' ... 'F'] = TK_UP | TK_BYTE,
    ['G' ... 'Z'] = TK_UP | TK_NONHEX | TK_BYTE,
    ['a' ... 'f'] = TK_LO | TK_BYTE,
    ['g' ... 'z'] = TK_LO | TK_NONHEX | TK_BYTE,
    ['0' ... '9'] = TK_DG | TK_BYTE,
    ['+'] = TK_BYTE, ['_'] = TK_BYTE, ['='] = TK_BYTE, ['-'] = TK_BYTE,
    ['/'] = TK_BYTE | TK_SLASH,
};

static void entropy_tok(rd_scratch *s, size_t to)
{
    if (to <= s->tok_end)
        return;
    size_t n = s->len, i = to, j = to;
    unsigned cls = 0, slash = 0, t;
    while (i > 0 && ((t = tok_tab[CH(i - 1)]) & TK_BYTE)) {
        cls |= t;
        slash += t >> 5;
        i--;
    }
    while (j < n && ((t = tok_tab[CH(j)]) & TK_BYTE)) {
        cls |= t;
        slash += t >> 5;
        j++;
    }
    s->tok_end = j;
    size_t len = j - i;
    if (len < 32 || len > 4096 || slash > 2 ||
        (cls & (TK_UP | TK_LO | TK_DG | TK_NONHEX)) !=
            (TK_UP | TK_LO | TK_DG | TK_NONHEX))
        return;
    if (rd_entropy(s->buf + i, len) < 4.2)
        return;
    add_secret(s, i, j);
}

/* ---- PERSON and LOCATION --------------------------------------------- */

static const char *const cap_stop[] = {
    "The", "I", "We", "You", "He", "She", "They", "It", "Team", "Support",
    "Customer", "Sir", "Madam", "All", "There", "Everyone", "Again", "Please",
    /* titles that are cues themselves: "Dear Mr. Smith" is one person,
     * Smith, not "Mr" and Smith */
    "Mr", "Mrs", "Ms", "Dr",
    "Thanks", "Thank", "Hello", "Hi", "Hey", "Dear", "Monday", "Tuesday",
    "Wednesday", "Thursday", "Friday", "Saturday", "Sunday", "January",
    "February", "March", "April", "May", "June", "July", "August",
    "September", "October", "November", "December", "This", "That", "My",
    "Our", "Your", "Regards", "Best", "Kind", "Sorry", "Yes", "No", "OK",
    /* a sentence's first word after a name ("Regards,\nWei Look at the
     * log" named "Wei Look") */
    "Look", "Check", "Try", "See", "Note", "Restart", "Click", "Open", "Let",
    "Could", "Would", "Is", "Are", "Does", "Did",
    "Ok", "Microsoft", "Windows", "Office", "Azure", "Google", "Apple",
    "Amazon", "Service", "Services", "Desk", "Help", "Helpdesk", "Admin",
    "Administrator", "Manager", "Engineer", "Agent", "Tier", "Level",
    "Account", "Billing", "Sales", "Technical", "Tech", "IT", "HR", "And",
    "Or", "But", "So", "If", "In", "On", "At", "To", "For", "From", "With",
    "Not", "Just", "Also", "Here", "What", "When", "Where", "Why", "How",
    "Good", "Morning", "Afternoon", "Evening", "Issue", "Case", "Ticket",
    "Error", "Update", "Street", "Avenue", "Road", NULL};

/* a two-byte UTF-8 letter at j (Latin-1 and Latin Extended, Greek,
 * Cyrillic: lead bytes C3-D4): its length, else 0 */
static size_t u8_letter(const rd_scratch *s, size_t j)
{
    return j + 1 < s->len && CH(j) >= 0xC3 && CH(j) <= 0xD4 &&
                   (CH(j + 1) & 0xC0) == 0x80
               ? 2
               : 0;
}

/* a capital of two bytes at j (À-Þ, Greek Α-Ω, Cyrillic Ѐ-Я): 2, else 0 */
static size_t u8_upper(const rd_scratch *s, size_t j)
{
    if (j + 1 >= s->len)
        return 0;
    unsigned char a = CH(j), b = CH(j + 1);
    /* Latin Extended-A (U+0100-017F: U+0141, the L with a stroke):
     * capitals at even code points, but at odd ones in U+0139-0148 and
     * U+0179-017E; U+0138, U+0149 and U+017F are small, U+0178 a capital */
    unsigned cp = ((unsigned)(a & 0x1F) << 6) | (b & 0x3F);
    int ext = (a == 0xC4 || a == 0xC5) && (b & 0xC0) == 0x80 &&
              cp != 0x138 && cp != 0x149 && cp != 0x17F &&
              (cp == 0x178 ||
               ((cp >= 0x139 && cp <= 0x148) || (cp >= 0x179 && cp <= 0x17E)
                    ? cp % 2 == 1
                    : cp % 2 == 0));
    return ext || (a == 0xC3 && b >= 0x80 && b <= 0x9E && b != 0x97) ||
                   (a == 0xCE && b >= 0x91 && b <= 0xA9 && b != 0xA2) ||
                   (a == 0xD0 && b >= 0x80 && b <= 0xAF)
               ? 2
               : 0;
}

static int cap_word(const rd_scratch *s, size_t i, size_t *e)
{
    size_t n = s->len, j = i;
    if (j >= n || !(c_upper(CH(j)) || u8_upper(s, j)))
        return 0;
    j += c_upper(CH(j)) ? 1 : 2;
    /* letters, accented ones too (José, Müller-Schmidt: the name was cut
     * at the é and its rest left in clear) */
    for (size_t l; j < n && j - i < 32;) {
        if (c_alpha(CH(j)))
            j++;
        else if ((l = u8_letter(s, j)) != 0)
            j += l;
        else if ((CH(j) == '\'' || CH(j) == '-') && j + 1 < n &&
                 (c_alpha(CH(j + 1)) || u8_letter(s, j + 1)))
            j++;
        else
            break;
    }
    if (j - i < 2 || (j < n && c_alnum(CH(j))))
        return 0;
    /* all capitals (ACME, VPN) are not names; a small letter may be a
     * two-byte one (a Cyrillic name has no ASCII letter) */
    int low = 0;
    for (size_t p = i + 1; p < j; p++)
        low |= c_lower(CH(p)) || (u8_letter(s, p) && !u8_upper(s, p));
    if (!low || rd_gaz_has(s->eng->stop_cap, s->buf + i, j - i))
        return 0;
    *e = j;
    return 1;
}

/* up to three capitalised words from i; returns how many */
static int name_words(const rd_scratch *s, size_t i, size_t ws[3],
                      size_t we[3], int have)
{
    int k = 0;
    while (k < 3 && cap_word(s, i, &we[k])) {
        /* a third word only when it is a known surname ("Lucas Silva Look
         * at the log" ends at Silva); `have` words precede i */
        if (k + have >= 2 && !rd_gaz_has(s->eng->gaz_last, s->buf + i, we[k] - i))
            break;
        ws[k] = i;
        i = we[k];
        k++;
        if (i + 1 < s->len && CH(i) == ' ' &&
            (c_upper(CH(i + 1)) || u8_upper(s, i + 1)))
            i++;
        else
            break;
    }
    return k;
}

static void add_words(rd_scratch *s, size_t a, size_t b, int type)
{
    size_t noff = rd_norm_begin(s);
    int sp = 0;
    for (size_t p = a; p < b; p++) {
        unsigned char c = CH(p);
        if (c == ' ' || c == ',') {
            sp = 1;
            continue;
        }
        if (sp && s->nn > noff)
            rd_norm_putc(s, ' ');
        sp = 0;
        rd_norm_putc(s, (char)c_tolower(c));
    }
    rd_add(s, a, b, type, 0, noff);
}

/* cues after which any capitalised name is taken */
static const char *const strong_cues[] = {
    "my name is", "my name's", "name is", "regards,", "sincerely,", "dear",
    "mr", "mr.", "mrs", "mrs.", "ms", "ms.", "dr", "dr.", NULL};
/* labels ("Customer: Could not sign in" is prose): two capitalised words */
static const char *const label_cues[] = {"name:", "customer:", "contact:",
                                         "caller:", "client:", NULL};
/* cues after which only a gazetteer name is taken */
static const char *const weak_cues[] = {
    "this is", "i am", "i'm", "thanks,", "thank you,", "cheers,", "best,",
    "hi", "hello", "hey", "spoke with", "speaking with", "spoke to",
    "talked to", "agent", "call me", "calls me", "thanks!", "thank you!",
    "best wishes,", NULL};

/* does the text ending at e end with one of the cues (a word start
 * before it)? */
static int ends_with_cue(const rd_scratch *s, size_t e,
                         const char *const *cues)
{
    for (; *cues; cues++) {
        size_t n = strlen(*cues);
        /* at a word start: not the end of a token ("...OM9dR Is") */
        if (n <= e && same_ci(*cues, s->buf + e - n, n) &&
            (e == n || !c_word(CH(e - n - 1))))
            return 1;
    }
    return 0;
}

/* The name that begins at `cap` after a cue that ends at cue_e */
static void cue_name(rd_scratch *s, size_t cue_e, size_t cap)
{
    /* ends_with_cue checks that the cue starts a word: "this" is not "hi" */
    int strong = ends_with_cue(s, cue_e, strong_cues);
    size_t ws[3], we[3];
    int k = name_words(s, cap, ws, we, 0);
    if (k == 0)
        return;
    if (k >= 2 && ends_with_cue(s, cue_e, label_cues))
        strong = 1;
    if (!strong && !ends_with_cue(s, cue_e, weak_cues))
        return;
    if (!strong && !rd_gaz_has(s->eng->gaz_first, s->buf + ws[0],
                                we[0] - ws[0]) &&
        !(k > 1 &&
          rd_gaz_has(s->eng->gaz_last, s->buf + ws[1], we[1] - ws[1])))
        return;
    add_words(s, ws[0], we[k - 1], RD_PERSON);
}

static void person_cue(rd_scratch *s, size_t to)
{
    size_t cue_e = to - 1;
    while (cue_e > 0 && CH(cue_e - 1) == ' ')
        cue_e--;
    cue_name(s, cue_e, to - 1);
}

/* "Regards,\nPriya", "Thanks!\r\nJohn": a sign-off that ends its line
 * and the name that begins the next (to: just past the name's first
 * byte) */
static void signoff(rd_scratch *s, size_t to)
{
    size_t p = to - 2; /* the line end */
    if (p > 0 && CH(p - 1) == '\r')
        p--;
    cue_name(s, p, to - 1);
}

/* "Maria Garcia": a gazetteer first name, or a capitalised word before a
 * gazetteer surname */
static void name_pair(rd_scratch *s, size_t to)
{
    size_t sp = to - 3, a = sp; /* the space between the words */
    while (a > 0 && c_alpha(CH(a - 1)) && sp - a < 32)
        a--;
    if ((a > 0 && c_alnum(CH(a - 1))) || !c_upper(CH(a)))
        return;
    /* "Ahmed Hassan Escalated": the pair starting at Ahmed has the name;
     * the one starting at Hassan would only add the next sentence */
    if (a > 1 && CH(a - 1) == ' ' && c_alpha(CH(a - 2))) {
        size_t p = a - 1;
        while (p > 0 && c_alpha(CH(p - 1)))
            p--;
        if (c_upper(CH(p)))
            return;
    }
    size_t ws[3], we[3];
    int k = name_words(s, sp + 1, ws, we, 1);
    if (k == 0 || rd_gaz_has(s->eng->stop_cap, s->buf + a, sp - a))
        return;
    if (!rd_gaz_has(s->eng->gaz_first, s->buf + a, sp - a) &&
        !rd_gaz_has(s->eng->gaz_last, s->buf + ws[0], we[0] - ws[0]))
        return;
    add_words(s, a, we[k - 1], RD_PERSON);
}

/* "in Seattle", "from New York", "City: Redmond": the longest run of
 * capitalised words after the cue that the place gazetteer knows; after
 * "City:"-like cues any capitalised words */
static void place_cue(rd_scratch *s, size_t to)
{
    size_t a = to - 2, n = s->len;
    int labelled = a > 0 && CH(a - 1) == ' ' && a > 1 && CH(a - 2) == ':';
    size_t ends[4];
    int k = 0;
    size_t p = a;
    while (k < 4 && p < n && c_upper(CH(p))) {
        size_t e = p + 1;
        while (e < n && (c_alpha(CH(e)) || CH(e) == '-' || CH(e) == '\'') &&
               e - p < 32)
            e++;
        if (e < n && c_alnum(CH(e)))
            break;
        ends[k++] = e;
        if (e + 1 < n && CH(e) == ' ' && c_upper(CH(e + 1)))
            p = e + 1;
        else
            break;
    }
    for (int q = k; q > 0; q--) {
        if (labelled || rd_gaz_has(s->eng->gaz_place, s->buf + a, ends[q - 1] - a)) {
            add_words(s, a, ends[q - 1], RD_LOCATION);
            return;
        }
    }
}

static void street(rd_scratch *s, size_t to)
{
    /* back over the suffix, then one to three capitalised words, then a
     * house number */
    size_t i = to;
    while (i > 0 && c_alpha(CH(i - 1)))
        i--;
    if (i == 0 || CH(i - 1) != ' ')
        return;
    i--;
    int words = 0;
    while (words < 4 && i > 0) {
        size_t e = i, b = i;
        while (b > 0 && (c_alnum(CH(b - 1)) || CH(b - 1) == '\''))
            b--;
        if (b == e)
            break;
        if (c_digit(CH(b))) { /* the number, or an ordinal like 5th */
            size_t d = b;
            while (d < e && c_digit(CH(d)))
                d++;
            if (d + 1 == e && d - b <= 5 && c_upper(CH(d)))
                d = e; /* 221B */
            if (d == e && e - b <= 6 && words > 0) {
                if (b > 0 && c_alnum(CH(b - 1)))
                    return;
                add_words(s, b, to, RD_LOCATION);
                return;
            }
            if (d == e)
                return;
        } else if (!c_upper(CH(b))) {
            return;
        }
        words++;
        if (b == 0 || CH(b - 1) != ' ')
            return;
        i = b - 1;
    }
}

/* ---- streets named first (Hauptstraße 5, Via Roma 10, 10 rue de
 * Rivoli) -- the K_STREET anchors with arg 1-3 ---- */

/* a byte of a word: a letter, or one of a UTF-8 character's (Königs,
 * Alcalá) */
static int w8(int c) { return c_alpha(c) || c >= 0x80; }

/* a capital begins the word at p: A-Z or a two-byte Latin capital
 * (À-Þ, U+00C0-U+00DE) */
static int cap8(const rd_scratch *s, size_t p)
{
    return c_upper(CH(p)) ||
           (CH(p) == 0xC3 && p + 1 < s->len && CH(p + 1) >= 0x80 &&
            CH(p + 1) <= 0x9E);
}

/* the end of the word from p on (letters, UTF-8, - and ') */
static size_t word8_end(const rd_scratch *s, size_t p)
{
    size_t e = p;
    while (e < s->len && e - p < 40 &&
           (w8(CH(e)) || CH(e) == '-' || CH(e) == '\''))
        e++;
    return e;
}

/* A house number at p ("5", "5a", "12-14", "7/2"): its end, or 0 */
static size_t house_no(const rd_scratch *s, size_t p)
{
    size_t n = s->len, e = p;
    for (int part = 0; part < 2; part++) {
        size_t d = e;
        while (d < n && c_digit(CH(d)) && d - e <= 5)
            d++;
        if (d == e || d - e > 5)
            return 0;
        e = d;
        if (e < n && c_alpha(CH(e)) && (e + 1 == n || !w8(CH(e + 1))))
            e++;
        if (part == 0 && e + 1 < n && (CH(e) == '-' || CH(e) == '/') &&
            c_digit(CH(e + 1)))
            e++;
        else
            break;
    }
    return e < n && (w8(CH(e)) || c_digit(CH(e))) ? 0 : e;
}

/* after a house number at e, only the end of the value, punctuation or a
 * postal code: "Via Teams 2 users" names no street */
static int number_ends(const rd_scratch *s, size_t e)
{
    if (e >= s->len)
        return 1;
    int c = CH(e);
    if (c == ' ')
        return e + 1 < s->len && c_digit(CH(e + 1));
    return !c_alnum(c) && c < 0x80;
}

/* the small words inside a street's name */
static const char *const name_links[] = {
    "de", "del", "della", "delle", "dei", "di", "da", "do", "dos", "das",
    "la", "las", "los", "le", "les", "du", "des", "el", "y", "e", "den",
    "der", "van", "von", NULL};

/* "Alcalá", "de", "Champs-Élysées": the words of a street's name from p
 * on, up to `max`, capitalised or linking ("de la", "d'"); the end of
 * the last capitalised one, or 0 */
static size_t street_name(const rd_scratch *s, size_t p, int max)
{
    size_t end = 0;
    for (int k = 0; k < max && p < s->len; k++) {
        size_t e = word8_end(s, p);
        if (e == p)
            break;
        if (cap8(s, p)) {
            end = e;
        } else {
            size_t l = e - p;
            const char *ap = memchr(s->buf + p, '\'', l);
            if (ap) /* d'Italia, l'Église */
                l = (size_t)(ap - (s->buf + p));
            if (!in_list(s->buf + p, l, name_links) && !(ap && l == 1))
                break;
            if (ap && cap8(s, (size_t)(ap - s->buf) + 1))
                end = e;
        }
        if (e + 1 >= s->len || CH(e) != ' ')
            break;
        p = e + 1;
    }
    return end;
}

/* after a street's end e: ", 10115 Berlin", " 75001 Paris", ", Paris"
 * (a gazetteer place) become part of it; the new end */
static size_t postal_city(const rd_scratch *s, size_t e)
{
    size_t n = s->len, p = e;
    if (p < n && CH(p) == ',')
        p++;
    if (p + 1 >= n || CH(p) != ' ')
        return e;
    p++;
    size_t d = p;
    while (d < n && c_digit(CH(d)) && d - p < 6)
        d++;
    if (d - p == 4 || d - p == 5) {
        if (d < n && (w8(CH(d)) || c_digit(CH(d))))
            return e;
        e = d;
        if (d + 1 < n && CH(d) == ' ' && cap8(s, d + 1)) {
            size_t c = street_name(s, d + 1, 2);
            if (c)
                e = c;
        }
        return e;
    }
    if (d != p || CH(e) != ',' || !cap8(s, p))
        return e;
    size_t ends[3];
    int k = 0;
    for (size_t q = p; k < 3 && q < n && cap8(s, q);) {
        ends[k++] = word8_end(s, q);
        q = ends[k - 1] + 1;
        if (q >= n || CH(q - 1) != ' ')
            break;
    }
    while (k > 0 && !rd_gaz_has(s->eng->gaz_place, s->buf + p, ends[k - 1] - p))
        k--;
    return k ? ends[k - 1] : e;
}

/* the street kinds that end a compound name (Haupt|straße), in the order
 * the longest first; after the weak ones (Arbeits|platz) only the end,
 * punctuation or a postal code may follow the number */
static const char *const street_sfx[] = {
    "stra\xC3\x9F" "e", "strasse", "str.", "gasse", "allee", "straat",
    "gracht", "laan", "gatan", "v\xC3\xA4gen", "veien", NULL};
static const char *const street_sfx_weak[] = {"platz", "weg", "damm",
                                              "ufer", "plein", NULL};

static size_t ends_with(const rd_scratch *s, size_t a, size_t b,
                        const char *const *list)
{
    for (; *list; list++) {
        size_t l = strlen(*list);
        if (b - a >= l && same_ci(*list, s->buf + b - l, l))
            return l;
    }
    return 0;
}

/* "Hauptstraße 5", "Berliner Straße 12a", "Keizersgracht 123": to is
 * past the house number's first digit */
static void street_named(rd_scratch *s, size_t to)
{
    size_t sp = to - 2, b = sp; /* the space before the number */
    if (b > 0 && CH(b - 1) == '.')
        b--;
    while (b > 0 && w8(CH(b - 1)) && sp - b < 40)
        b--;
    if ((b > 0 && c_alnum(CH(b - 1))) || !cap8(s, b))
        return;
    size_t l = ends_with(s, b, sp, street_sfx);
    int weak = 0;
    if (!l) {
        l = ends_with(s, b, sp, street_sfx_weak);
        weak = 1;
    }
    if (!l)
        return;
    size_t a = b;
    if (sp - b == l) { /* "Straße" alone: the capitalised word before */
        if (b < 2 || CH(b - 1) != ' ')
            return;
        a = b - 1;
        while (a > 0 && w8(CH(a - 1)) && b - a < 40)
            a--;
        if ((a > 0 && c_alnum(CH(a - 1))) || !cap8(s, a))
            return;
    } else if (sp - b < l + 2) {
        return;
    }
    size_t e = house_no(s, sp + 1);
    if (!e || (weak && !number_ends(s, e)))
        return;
    add_words(s, a, postal_city(s, e), RD_LOCATION);
}

/* "Via Roma 10", "Calle de Alcalá 42": to is past the name's capital.
 * After "Via" the number must end the address ("Via Teams 2 users"). */
static void street_kind_first(rd_scratch *s, size_t to)
{
    size_t a = to - 2;
    while (a > 0 && c_alpha(CH(a - 1)))
        a--;
    size_t name = street_name(s, to - 1, 4);
    if (!name || name + 1 >= s->len || CH(name) != ' ')
        return;
    size_t e = house_no(s, name + 1);
    if (!e || (to - 2 - a == 3 && has(s, a, "via") && !number_ends(s, e)))
        return;
    add_words(s, a, postal_city(s, e), RD_LOCATION);
}

/* "10 rue de Rivoli", "5, avenue Foch": to is past the space after the
 * kind of street */
static void street_number_first(rd_scratch *s, size_t to)
{
    size_t k = to - 1; /* back over the kind to the number */
    while (k > 0 && w8(CH(k - 1)))
        k--;
    if (k < 2 || CH(k - 1) != ' ')
        return;
    size_t d = k - 1;
    if (CH(d - 1) == ',')
        d--;
    size_t a = d;
    while (a > 0 && c_digit(CH(a - 1)) && d - a <= 5)
        a--;
    if (d - a > 5 || (a > 0 && (c_alnum(CH(a - 1)) || CH(a - 1) == '.' ||
                                CH(a - 1) == ',' || CH(a - 1) >= 0x80)))
        return;
    size_t e = street_name(s, to, 5);
    if (!e)
        return;
    add_words(s, a, postal_city(s, e), RD_LOCATION);
}

static void city_zip(rd_scratch *s, size_t to)
{
    size_t n = s->len, e = to;
    if (e < n && c_digit(CH(e)))
        return;
    if (e + 5 <= n && CH(e) == '-' && c_digit(CH(e + 1)) &&
        c_digit(CH(e + 4)))
        e += 5;
    /* to - 10 is the comma of "X, ST 12345": the city's words end there
     * (it was taken as the space after the comma, so no city was ever
     * found) */
    size_t i = to - 10;
    int words = 0;
    while (words < 3 && i > 0) {
        size_t b = i;
        while (b > 0 && c_alpha(CH(b - 1)))
            b--;
        if (b == i || !c_upper(CH(b)))
            break;
        i = b;
        words++;
        if (i > 1 && CH(i - 1) == ' ' && c_upper(CH(i - 2)) == 0 &&
            c_alpha(CH(i - 2)))
            i = i - 1;
        else
            break;
    }
    if (!words)
        return;
    while (i < n && CH(i) == ' ')
        i++;
    add_words(s, i, e, RD_LOCATION);
}

/* ---- custom types ---------------------------------------------------- */

static void custom(rd_scratch *s, int arg, size_t from, size_t to)
{
    const rd_custom *c = &s->eng->pol->custom[arg];
    int type = rd_type_lookup(s->eng, c->type);
    char v[64] = {0}; /* (set before read; zeroed for gcc's LTO warning) */
    size_t nv = 0;
    if (c->validator != RD_VAL_NONE) {
        for (size_t p = from; p < to; p++)
            if (c_alnum(CH(p))) {
                if (nv == sizeof v)
                    return;
                v[nv++] = (char)CH(p);
            }
        if (c->validator == RD_VAL_LUHN) {
            for (size_t q = 0; q < nv; q++)
                if (!c_digit((unsigned char)v[q]))
                    return;
            if (!rd_luhn_ok(v, nv))
                return;
        }
        if (c->validator == RD_VAL_MOD97) {
            unsigned rem = 0;
            for (size_t q = 0; q < nv; q++) {
                unsigned char ch = (unsigned char)v[q];
                rem = c_digit(ch)
                          ? (rem * 10 + (unsigned)(ch - '0')) % 97
                          : (rem * 100 + (unsigned)(c_toupper(ch) - 'A' + 10)) %
                                97;
            }
            if (rem != 1)
                return;
        }
    }
    size_t noff = rd_norm_begin(s);
    norm_span(s, from, to, 0);
    rd_add(s, from, to, type, 0, noff);
}

/* Where the at-sign disguise that ends at `to` starts. */
static size_t at_start(const rd_scratch *s, size_t to)
{
    unsigned char c = CH(to - 1);
    if (c == '@')
        return to - 1;
    if (c == ';' || strchr("])}>", c)) { /* &#64; or [at] */
        size_t a = to - 1;
        while (a > 0 && to - a < 12 && !strchr("&[({<", CH(a)))
            a--;
        return a;
    }
    if (c == '-')
        return to - 4; /* -at- */
    if (to >= 6 && CH(to - 5) == 'u')
        return to - 6; /* \u0040 */
    if (to >= 4 && CH(to - 3) == 'x')
        return to - 4; /* \x40 */
    return to - 3; /* %40 */
}

/* Where "eyJ...eyJ" starts: back over the token and its first dot. */
static size_t jwt_start(const rd_scratch *s, size_t to)
{
    size_t a = to;
    int dots = 0;
    while (a > 0 && (istok(CH(a - 1)) || (CH(a - 1) == '.' && !dots++)))
        a--;
    while (a + 3 <= to && !has(s, a, "eyJ"))
        a++;
    return a;
}

void rd_expand_reset(rd_scratch *s)
{
    s->run_end = s->tok_end = s->ip_end = s->v6_end = 0;
    s->url_end = s->kv_end = s->pem_end = s->st_end = s->pem_upto = 0;
    s->pem_at = SIZE_MAX;
}

void rd_expand(rd_scratch *s, int kind, int arg, size_t from, size_t to)
{
    s->nreports++;
    switch (kind) {
    case K_AT: email_at(s, at_start(s, to), to, 0); break;
    case K_AT_WORD: email_at(s, to - 5, to - 1, 1); break;
    case K_NUMRUN: numrun(s, to); break;
    case K_IPV4: ipv4_token(s, to, 0); break;
    case K_DEFANG: ipv4_token(s, to, 1); break;
    case K_IPV6: ipv6_token(s, to); break;
    case K_IBAN: iban_end(s, to, CH(to - 5) == '-' ? '-' : ' '); break;
    case K_MAC: mac(s, to - (size_t)arg, to); break;
    case K_URL: {
        size_t a = to - (size_t)arg;
        if (!arg) /* scheme:// */
            for (a = to - 3; a > 0 && to - a < 18 &&
                             (c_alpha(CH(a - 1)) ||
                              (CH(a - 1) == '+' && a > 1 && c_alpha(CH(a - 2))));)
                a--; /* mongodb+srv:// */
        url(s, a, to);
        break;
    }
    case K_SECRET_TOKEN: secret_token(s, to - (size_t)arg, to); break;
    case K_JWT: jwt(s, jwt_start(s, to), to); break;
    case K_PEM: {
        size_t a = to;
        while (a > 0 && to - a < 64 && !has(s, a, "-----BEGIN "))
            a--;
        pem(s, a, to);
        break;
    }
    case K_SECRET_KV: secret_value(s, to, 0); break;
    case K_SECRET_SAID: secret_value(s, to, 1); break;
    case K_CLI_USER: cli_password(s, to); break;
    case K_CARD_CODE: card_code(s, to); break;
    case K_BIRTH: birth(s, to); break;
    case K_POSTAL: postal_code(s, to); break;
    case K_GEO: coordinates(s, to); break;
    case K_SIGNOFF: signoff(s, to); break;
    case K_CALL_ME: person_cue(s, to); break;
    case K_ENTROPY: entropy_tok(s, to); break;
    case K_PERSON_CUE: person_cue(s, to); break;
    case K_NAME_PAIR: name_pair(s, to); break;
    case K_PLACE_CUE: place_cue(s, to); break;
    case K_STREET:
        if (arg == 0)
            street(s, to);
        else if (arg == 1)
            street_named(s, to);
        else if (arg == 2)
            street_kind_first(s, to);
        else
            street_number_first(s, to);
        break;
    case K_STREET_ABBR: street(s, to); break;
    case K_CITY_ZIP: city_zip(s, to); break;
    case K_UNI: rd_note_uni(s, to); break;
    case K_CUSTOM: custom(s, arg, from, to); break;
    }
}

/* ---- context words for weak forms --------------------------------------- */

static const char *const cue_phone[] = {
    "phone", "tel", "call", "mobile", "cell", "fax", "whatsapp", "sms",
    "text me", "reach me", "number is", "contact", "ph", "mob", NULL};
static const char *const cue_ssn[] = {"ssn", "social security", "ss#",
                                      "social sec", "ss no", NULL};

/* words that make the number after them an identifier, not a phone */
static const char *const id_words[] = {
    "order", "ticket", "case", "invoice", "ref", "reference", "tracking",
    "id", "no", "number", "po", "sku", "account", "acct", "customer",
    "contract", "serial", "build", "kb", "incident", "request", "item",
    NULL};

/* "phone number 4255550100", "SSN no 123456789": before the counting
 * word, one that names the kind of number (an order number is still an
 * id) */
static const char *const count_words[] = {"number", "no", "num", "nr", NULL};
static const char *const phone_kinds[] = {
    "phone", "telephone", "tel", "contact", "mobile", "cell", "fax",
    "callback", "whatsapp", "sms", NULL};
static const char *const ssn_kinds[] = {"ssn", "security", "ss", NULL};

static int named_count(const rd_scratch *s, size_t i, int type)
{
    size_t e, j = prev_word(s, i, &e);
    if (e == j || !in_list(s->buf + j, e - j, count_words))
        return 0;
    static const char *const none[] = {NULL};
    return prev_word_in(s, j, type == RD_PHONE    ? phone_kinds
                              : type == RD_US_SSN ? ssn_kinds
                                                  : none);
}

int rd_context_ok(const rd_scratch *s, const cand *c)
{
    if (prev_word_in(s, c->s, id_words) && !named_count(s, c->s, c->type))
        return 0;
    const char *const *cues = c->type == RD_PHONE    ? cue_phone
                              : c->type == RD_US_SSN ? cue_ssn
                                                     : NULL;
    if (!cues)
        return 0;
    /* the first letters of the cues, a bit each: a word start whose letter
     * is none of them is passed over (a strncasecmp per cue and word start
     * was a tenth of a run over records with an order id and a
     * timestamp) */
    uint32_t first = 0;
    for (const char *const *q = cues; *q; q++)
        first |= (uint32_t)1 << (**q - 'a');
    /* back from the value over 48 bytes, not past the record's start (a
     * batch holds many lines): every cue starts with a small letter, at a
     * word start */
    size_t lo = c->s > 48 ? c->s - 48 : 0;
    for (size_t i = c->s; i-- > lo;) {
        unsigned c0 = (unsigned)CH(i) | 0x20;
        if (CH(i) == '\n')
            return 0;
        if (c0 - 'a' >= 26u || !(first >> (c0 - 'a') & 1) ||
            (i > 0 && c_alpha(CH(i - 1))))
            continue;
        for (const char *const *q = cues; *q; q++)
            if (has(s, i, *q) && !c_alpha(CH(i + strlen(*q))))
                return 1;
    }
    return 0;
}

/* ---- whole values under a hinting key --------------------------------- */

/* the words of team and queue names: a value under a person's key made
 * only of them ("billing-desk", "Tier Support", "helpdesk") names no one */
static const char *const team_words[] = {
    "billing", "desk", "help", "helpdesk", "servicedesk", "support", "sales",
    "tier", "team", "queue", "service", "services", "admin", "admins",
    "administrator", "ops", "operations", "escalation", "escalations",
    "triage", "bot", "system", "auto", "unassigned", "general", "technical",
    "tech", "it", "hr", "level", "network", "networking", "security",
    "accounts", "account", "care", "success", "frontline", "backline",
    "group", "dept", "department", "center", "centre", "desktop", "infra",
    "infrastructure", "platform", "devops", "oncall", "on", "call", NULL};

/* the punctuation of a name taken whole ("O'Neil", "Smith-Jones, J."),
 * and NUL, which the strchr calls this replaced also matched (here and
 * in team_name, a call per byte of a value under a person key: 1 % of a
 * bench run) */
static inline int name_punct(unsigned char c)
{
    return c == '.' || c == '-' || c == '\'' || c == ',' || c == 0;
}

static int team_name(const char *v, size_t a, size_t b)
{
    for (size_t p = a; p < b;) {
        size_t q = p;
        while (q < b && !name_punct((unsigned char)v[q]) && v[q] != ' ' &&
               v[q] != '_')
            q++;
        if (q > p && !in_list(v + p, q - p, team_words))
            return 0;
        p = q + 1;
    }
    return 1;
}

/* the span [*a, *b) of v[0, len) a value of `type` under a hinting key
 * covers, spaces trimmed; 0 when v does not have that type's shape */
static int whole_fits(const char *v, size_t len, int type, size_t *pa,
                      size_t *pb)
{
    size_t a = 0, b = len;
    while (a < b && c_space((unsigned char)v[a]))
        a++;
    while (b > a && c_space((unsigned char)v[b - 1]))
        b--;
    if (a == b)
        return 0;
    if (type == RD_PERSON) {
        int words = 1;
        if (b - a > 80)
            return 0;
        for (size_t p = a; p < b; p++) {
            unsigned char c = (unsigned char)v[p];
            if (c == ' ')
                words++;
            else if (!c_alpha(c) && !name_punct(c) && c < 0x80)
                return 0;
        }
        if (words > 5 || team_name(v, a, b))
            return 0;
    } else if (type == RD_LOCATION) {
        if (b - a > 256)
            return 0;
    } else if (type == RD_DATE_OF_BIRTH) { /* under "dob": a date */
        char norm[40];
        if (parse_date((const unsigned char *)v, b, a, norm) != b)
            return 0;
    } else if (type == RD_CREDIT_CARD) { /* under "cvv": its 3-4 digits */
        if (b - a < 3 || b - a > 4)
            return 0;
        for (size_t p = a; p < b; p++)
            if (!c_digit((unsigned char)v[p]))
                return 0;
    } else if (type == RD_SECRET) {
        if (b - a > 8192 || (b - a == 4 && strncasecmp(v + a, "null", 4) == 0))
            return 0;
    }
    *pa = a;
    *pb = b;
    return 1;
}

int rd_hint_whole_fits(const rd_hint *h, const char *v, size_t n)
{
    size_t a, b;
    return h->whole >= 0 && whole_fits(v, n, h->whole, &a, &b);
}

void rd_whole_value(rd_scratch *s, int type)
{
    size_t a, b;
    if (!whole_fits(s->buf, s->len, type, &a, &b))
        return;
    size_t noff = rd_norm_begin(s);
    char date[40];
    if (type == RD_DATE_OF_BIRTH &&
        parse_date((const unsigned char *)s->buf, b, a, date) == b)
        for (const char *c = date; *c; c++)
            rd_norm_putc(s, *c);
    else
        norm_span(s, a, b, type != RD_SECRET);
    rd_add(s, a, b, type, 0, noff);
}

/* ---- hints from field names ----------------------------------------- */

/* split "clientIpAddress", "customer_email" into lower-case tokens */
static int key_tokens(const char *k, size_t n, char tok[8][24])
{
    int nt = 0;
    size_t i = 0;
    while (i < n && nt < 8) {
        while (i < n && !c_alnum((unsigned char)k[i]))
            i++;
        if (i >= n)
            break;
        size_t l = 0;
        tok[nt][l++] = (char)c_tolower((unsigned char)k[i++]);
        while (i < n && c_alnum((unsigned char)k[i]) &&
               !(c_upper((unsigned char)k[i]) &&
                 c_lower((unsigned char)k[i - 1]))) {
            if (l < 23)
                tok[nt][l++] = (char)c_tolower((unsigned char)k[i]);
            i++;
        }
        tok[nt][l] = 0;
        nt++;
    }
    return nt;
}

static int tok_in(char tok[8][24], int nt, const char *const *l)
{
    for (int t = 0; t < nt; t++)
        if (in_list(tok[t], strlen(tok[t]), l))
            return 1;
    return 0;
}

#define BIT(t) ((uint64_t)1 << (t))

rd_hint rd_hint_for_key(const rd_engine *g, const char *key, size_t n)
{
    (void)g;
    static const char *const k_email[] = {"email", "mail", "emailaddress",
                                          "e", NULL};
    static const char *const k_phone[] = {"phone", "mobile", "tel",
                                          "telephone", "cell", "fax",
                                          "msisdn", "phonenumber", NULL};
    static const char *const k_ip[] = {"ip", "ipaddr", "ipaddress", "ipv4",
                                       "ipv6", "remoteaddr", "addr", NULL};
    static const char *const k_ssn[] = {"ssn", "social", "taxid", "tin",
                                        NULL};
    static const char *const k_card[] = {"card", "cc", "pan", "creditcard",
                                         "ccnumber", NULL};
    /* a date of birth: the whole value, when it is a date */
    static const char *const k_dob[] = {"dob", "birthdate", "birthday", "birth",
                                        "born", NULL};
    /* a card's verification code: the whole value (3 or 4 digits) */
    static const char *const k_cvv[] = {"cvv", "cvc", "cvv2", "cvc2", "cvn",
                                        "csc", NULL};
    static const char *const k_secret[] = {
        "password", "passwd", "pwd", "secret", "token", "apikey",
        "accesskey", "privatekey", "credential", "credentials", "passphrase",
        "passcode", NULL};
    static const char *const k_person[] = {
        "name", "firstname", "lastname", "fullname", "surname", "customer",
        "agent", "contact", "requester", "assignee", "reporter", "owner",
        "caller", "user", "username", NULL};
    static const char *const k_loc[] = {
        "address", "street", "city", "location", "country", "region", "zip",
        "postal", "postcode", "zipcode", "geo", "gps", "geolocation",
        "coordinates", "coords", "latlng", "latlon", "latitude", "longitude",
        "lat", "lng", "lon", NULL};
    static const char *const k_not[] = {
        "id", "order", "ticket", "case", "build", "version", "kb", "sku",
        "invoice", "tracking", "ref", "reference", "count", "total", "size",
        "number", "no", "num", "code", "type", "status", "time", "date",
        "created", "updated", "at", "ts", "timestamp", NULL};
    char tok[8][24];
    int nt = key_tokens(key, n, tok);
    rd_hint h = {.want = 0, .suppress = 0, .whole = -1};
    if (tok_in(tok, nt, k_cvv)) {
        h.whole = RD_CREDIT_CARD;
    } else if (tok_in(tok, nt, k_dob)) {
        h.whole = RD_DATE_OF_BIRTH;
    } else if (tok_in(tok, nt, k_email)) {
        h.want = BIT(RD_EMAIL);
    } else if (tok_in(tok, nt, k_ip)) {
        h.want = BIT(RD_IP_ADDRESS);
    } else if (tok_in(tok, nt, k_phone)) {
        h.want = BIT(RD_PHONE);
    } else if (tok_in(tok, nt, k_ssn)) {
        h.want = BIT(RD_US_SSN);
    } else if (tok_in(tok, nt, k_card)) {
        h.want = BIT(RD_CREDIT_CARD);
    } else if (tok_in(tok, nt, k_not)) {
        h.suppress = BIT(RD_PHONE) | BIT(RD_US_SSN);
    } else if (tok_in(tok, nt, k_secret)) {
        h.whole = RD_SECRET;
    } else if (tok_in(tok, nt, k_loc)) {
        h.whole = RD_LOCATION;
    } else if (tok_in(tok, nt, k_person)) {
        h.whole = RD_PERSON;
    }
    return h;
}

int rd_classify_number(const rd_engine *g, const char *d, size_t n,
                       const rd_hint *h)
{
    (void)g;
    for (size_t i = 0; i < n; i++)
        if (!c_digit((unsigned char)d[i]))
            return -1;
    if (n >= 13 && n <= 19 && rd_card_ok(d, n))
        return RD_CREDIT_CARD;
    if (h && h->whole == RD_CREDIT_CARD && n >= 3 && n <= 4) /* a CVV */
        return RD_CREDIT_CARD;
    if (h && (h->want & BIT(RD_PHONE)) && n >= 7 && n <= 15)
        return RD_PHONE;
    if (h && (h->want & BIT(RD_US_SSN)) && n == 9 && rd_ssn_ok(d))
        return RD_US_SSN;
    return -1;
}

/* ---- gazetteer sets ------------------------------------------------- */

struct rd_gaz {
    char *own; /* the data, when the set made it */
    size_t cap; /* power of two */
    const char **w;
    unsigned char *len;
};

static uint64_t hash_ci(const char *w, size_t n)
{
    uint64_t h = 1469598103934665603ULL;
    for (size_t i = 0; i < n; i++)
        h = (h ^ (uint64_t)c_tolower((unsigned char)w[i])) * 1099511628211ULL;
    return h;
}

rd_gaz *rd_gaz_new(const char *data)
{
    rd_gaz *z = calloc(1, sizeof *z);
    if (!z)
        return NULL;
    size_t lines = 1;
    for (const char *p = data; *p; p++)
        lines += *p == '\n';
    z->cap = 16;
    while (z->cap < lines * 2)
        z->cap *= 2;
    z->w = calloc(z->cap, sizeof *z->w);
    z->len = calloc(z->cap, 1);
    if (!z->w || !z->len) {
        rd_gaz_free(z);
        return NULL;
    }
    for (const char *p = data; *p;) {
        const char *e = strchr(p, '\n');
        size_t n = e ? (size_t)(e - p) : strlen(p);
        size_t m = n;
        while (m && (p[m - 1] == '\r' || p[m - 1] == ' '))
            m--;
        if (m && m < 256 && p[0] != '#') {
            size_t i = hash_ci(p, m) & (z->cap - 1);
            while (z->w[i])
                i = (i + 1) & (z->cap - 1);
            z->w[i] = p;
            z->len[i] = (unsigned char)m;
        }
        p += n;
        if (*p)
            p++;
    }
    return z;
}

/* A set of the lines of the strings of list, joined (a copy it keeps) */
static rd_gaz *list_set(const char *const *list)
{
    size_t n = 1;
    for (const char *const *w = list; *w; w++)
        n += strlen(*w) + 1;
    char *d = malloc(n), *p = d;
    if (!d)
        return NULL;
    for (const char *const *w = list; *w; w++) {
        size_t k = strlen(*w);
        memcpy(p, *w, k);
        p += k;
        *p++ = '\n';
    }
    *p = 0;
    rd_gaz *z = rd_gaz_new(d);
    if (z)
        z->own = d;
    else
        free(d);
    return z;
}

rd_gaz *rd_gaz_new2(const char *a, const char *b)
{
    const char *const both[] = {a, b, NULL};
    return list_set(both);
}

void rd_gaz_free(rd_gaz *z)
{
    if (!z)
        return;
    free(z->w);
    free(z->len);
    free(z->own);
    free(z);
}

int rd_gaz_has(const rd_gaz *z, const char *w, size_t n)
{
    if (!z || n == 0 || n > 255)
        return 0;
    size_t i = hash_ci(w, n) & (z->cap - 1);
    while (z->w[i]) {
        if (z->len[i] == n && same_ci(z->w[i], w, n))
            return 1;
        i = (i + 1) & (z->cap - 1);
    }
    return 0;
}

/* The word lists asked most, and longest, as hash sets: in_list walks a
 * list, 138 words for cap_stop at every capitalised word a name could
 * start with (1 % of a bench run went to such walks) */
int rd_word_sets(rd_engine *g)
{
    g->stop_cap = list_set(cap_stop);
    g->stop_at = list_set(at_stop);
    g->stop_said = list_set(said_stop);
    return g->stop_cap && g->stop_at && g->stop_said ? 0 : -1;
}
