/* test_cscan.c - the C scanner of scan.c against its reference: the same
 * engine with every anchor compiled into Vectorscan (the regexes scan.c
 * replaces).  On random texts built to hit block edges, digit chains,
 * token runs and capitalised pairs, both engines must return the same
 * matches (offsets, types, normalised values), with and without hints.
 * The fast engine runs on the database serialized at build time, the
 * reference one on a database compiled at start-up.  Every code path of
 * scan.c the CPU can run is tested (SSE2 and, where present, AVX-512
 * VBMI). */
#include <stdint.h>
#include <stdlib.h>

#include "redact/engine_int.h"
#include "unit.h"

static uint64_t rng = 88172645463325252ULL;

static unsigned rnd(unsigned n)
{
    rng ^= rng << 13;
    rng ^= rng >> 7;
    rng ^= rng << 17;
    return (unsigned)(rng % n);
}

/* pieces that make the anchors and their expanders do something */
static const char *const pieces[] = {
    "Maria Garcia", "John Smith", "Lucas Silva Look", "Ahmed Hassan Escalated",
    "The Windows", "call ", "phone: ", "SSN ", "order ", "version ",
    "4111 1111 1111 1111", "425-555-0100", "+1 (425) 555-0100", "123-45-6789",
    "2024-03-05", "12/25", "10.0.0.1", "192.168.100.254", "8.8.123.4", "1[.]2.3.4.5",
    "1.2.3.4[.]5", "10.0.19041.1415", "425 - 555 - 0100", "123 . 45 . 6789", "52.1.2[.]3", "KB5034441",
    "0x80070005", "CAS-05277-406788", "eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIx",
    "AKIAIOSFODNN7EXAMPLE", "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY",
    "ghp_0123456789abcdefABCDEF0123456789", "jane@contoso.com",
    "jane at contoso dot com", "password is Tr0ub4dor&3", "in Seattle",
    "DE89 3704 0044 0532 0130 00", "GB82WEST12345698765432", "GB82 WEST1234",
    "DE89 370400440532013000", "DE893704 00440532013000",
    "DE89-3704-0044-0532-0130-00", "DE89:3704:0044", "DE89-3704 0044",
    "00:1a:2b:3c:4d:5e", "00-1A-2B-3C-4D-5E", "001a.2b3c.4d5e", "fe80::1",
    "https://example.com/a?b=c", "Redmond, WA 98052", "12 Main Street",
    "Hauptstra\303\237e 5, 10115 Berlin", "Via Roma 10", "10 rue de Rivoli",
    "12 Main St", "5 Elm Rd.", "9 Oak Ln,", "1 Park Pl", " Dr", " Ct_", " St",
    " Sd", "We St\xC3\xA9",
    "my name is Ana", "Regards, Li Wei", "Dear \xC3\x98yvind", "Mr \xC5\x81",
    "hi \xD0\x98\xD0\xB2\xD0\xB0\xD0\xBD", "\xEF\xBC\xA0", "\xE2\x80\x8B",
    "\\n", "\"", "\n",
};

/* the words of the cue regexes (K_PERSON_CUE, K_PLACE_CUE) read from the
 * regexes themselves, so a word scan.c lacks shows up as a difference;
 * "mr\\.?" gives "mr" and "mr." */
static char cue_word[128][24];
static size_t ncue;

static void cue_words(const char *re)
{
    const char *p = strchr(re, '(');
    p = strchr(p, ':') + 1; /* past "(?i:" or "(?:" */
    while (*p && *p != ')' && ncue + 2 < 128) {
        size_t n = strcspn(p, "|)");
        char w[24] = {0};
        size_t k = 0;
        for (size_t i = 0; i < n && k < sizeof w - 1; i++)
            if (p[i] != '\\' && p[i] != '?')
                w[k++] = p[i];
        int optdot = n > 3 && !memcmp(p + n - 3, "\\.?", 3);
        if (optdot)
            w[--k] = 0;
        memcpy(cue_word[ncue++], w, sizeof w);
        if (optdot) {
            w[k] = '.';
            memcpy(cue_word[ncue++], w, sizeof w);
        }
        p += n + (p[n] == '|');
    }
}

static const char alpha[] =
    "0123456789012345678901234567890123456789 .-/() .-/()"
    "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ+/_=-"
    "  ,:;@#'\"\n";

/* a random text in b (at most cap bytes); returns its length */
static size_t text(char *b, size_t cap)
{
    size_t n = 0, want = rnd(4) ? rnd(200) : rnd(cap);
    while (n < want) {
        unsigned k = rnd(11);
        if (k < 4) { /* a piece */
            const char *p = pieces[rnd(sizeof pieces / sizeof *pieces)];
            size_t l = strlen(p);
            if (n + l > cap)
                break;
            memcpy(b + n, p, l);
            n += l;
        } else if (k < 5) { /* a run of one class, maybe 32 long */
            static const char *const classes[] = {"0123456789", "aZ09+/_=-xQ",
                                                  "0123456789abcdefABCDEF:-.",
                                                  "AZaz09 "};
            const char *cls = classes[rnd(4)];
            size_t l = 1 + rnd(rnd(2) ? 8 : 48);
            for (size_t i = 0; i < l && n < cap; i++)
                b[n++] = cls[rnd((unsigned)strlen(cls))];
        } else if (k == 10 && ncue && n + 40 < cap) {
            /* a cue word, in any case, at a word start or not, then one
             * or two capitalised words */
            static const char *const after[] = {"Maria", "Seattle", "New York",
                                                "Ana Lopez", "Zed", "X"};
            b[n++] = "x_ 9.\n,"[rnd(7)];
            for (const char *w = cue_word[rnd((unsigned)ncue)]; *w; w++)
                b[n++] = (char)(rnd(4) ? *w : *w ^ (((*w | 0x20) >= 'a' &&
                                                      (*w | 0x20) <= 'z')
                                                         ? 0x20
                                                         : 0));
            b[n++] = ' ';
            const char *a = after[rnd(6)];
            memcpy(b + n, a, strlen(a));
            n += strlen(a);
        } else if (k < 6) { /* digits with short separators */
            size_t g = 1 + rnd(6);
            for (size_t i = 0; i < g && n + 8 < cap; i++) {
                for (size_t d = 1 + rnd(4); d > 0; d--)
                    b[n++] = (char)('0' + rnd(10));
                for (size_t d = rnd(4); d > 0; d--)
                    b[n++] = " .-/()"[rnd(6)];
            }
        } else if (n < cap) {
            /* one byte: mostly the alphabet, sometimes any byte (NUL and
             * bytes >= 0x80 have no class) */
            b[n++] = rnd(20) ? alpha[rnd(sizeof alpha - 1)]
                             : (char)rnd(256);
        }
    }
    return n;
}

static int same(const rd_match *a, size_t na, const rd_match *b, size_t nb)
{
    if (na != nb)
        return 0;
    for (size_t i = 0; i < na; i++)
        if (a[i].start != b[i].start || a[i].end != b[i].end ||
            a[i].type != b[i].type || a[i].nlen != b[i].nlen ||
            memcmp(a[i].norm, b[i].norm, a[i].nlen) != 0)
            return 0;
    return 1;
}

static void show(const char *what, const char *b, size_t n)
{
    fprintf(stderr, "%s differs on %zu bytes: \"", what, n);
    for (size_t i = 0; i < n; i++)
        fprintf(stderr, (unsigned char)b[i] >= 0x20 && b[i] != '"' &&
                                (unsigned char)b[i] < 0x7f
                            ? "%c"
                            : "\\x%02x",
                (unsigned char)b[i]);
    fprintf(stderr, "\"\n");
}

/* buf[from, to) filler that matches nothing: x's with a space every 7 */
static void filler(char *buf, size_t from, size_t to)
{
    for (size_t k = from; k < to; k++)
        buf[k] = k % 7 == 1 ? ' ' : 'x';
}

/* The offsets the forms below are tried at: across the first block
 * boundaries, which a short buffer's blocks (scan.c's block()) cross,
 * and across the first group of eight blocks of a long buffer (the
 * AVX-512 path takes only whole groups of 512 bytes a vector at a time);
 * LONG: the length of the buffer the second range is tried in. */
static const size_t spots[][2] = {{0, 140}, {440, 600}};
enum { LONG = 1100 };

/* The anchors each scan of the fast engine reported (rd_expand calls) on
 * the first path tested, in the order of the scans: the other paths scan
 * the same buffers in the same order and must report as many.  (More
 * reports find the same matches, the expanders skipping what they took,
 * but are work the contract of scan.c says is not done.) */
static uint64_t *reports;
static size_t nreports, capreports, at_report;
static int first_path, bad_reports;

/* both engines scan buf[0, n) with hint h and find the same, something
 * if `found`; the first few buffers where they do not are shown */
static void both(const rd_engine *fast, rd_scratch *sf, const rd_engine *ref,
                 rd_scratch *sr, const char *buf, size_t n, const rd_hint *h,
                 int found, int *bad)
{
    const rd_match *mf, *mr;
    uint64_t before = sf->nreports;
    size_t nf = rd_scan(fast, sf, buf, n, h, &mf);
    uint64_t got = sf->nreports - before;
    size_t nr = rd_scan(ref, sr, buf, n, h, &mr);
    int ok = nf != RD_SCAN_ERROR && (!found || nf >= 1) && same(mf, nf, mr, nr);
    CHECK(ok);
    if (!ok && (*bad)++ < 5)
        show("rd_scan", buf, n);
    if (first_path) {
        if (nreports == capreports) {
            capreports = capreports ? 2 * capreports : 4096;
            reports = realloc(reports, capreports * sizeof *reports);
            if (!reports) {
                fprintf(stderr, "out of memory\n");
                exit(1);
            }
        }
        reports[nreports++] = got;
    } else {
        int same_reports = at_report < nreports && reports[at_report] == got;
        if (!same_reports && bad_reports++ < 3) { /* checked at the end */
            fprintf(stderr, "%llu reports, %llu on the first path\n",
                    (unsigned long long)got,
                    (unsigned long long)(at_report < nreports
                                             ? reports[at_report]
                                             : 0));
            show("the reports", buf, n);
        }
        at_report++;
    }
}

int main(int argc, char **argv)
{
    lg_err e;
    rd_engine *fast = rd_engine_new(NULL, &e), *ref = rd_engine_new_reference(NULL, &e);
    CHECK(fast && ref);
    if (!fast || !ref)
        UNIT_DONE();
    rd_scratch *sf = rd_scratch_new(fast), *sr = rd_scratch_new(ref);
    CHECK(sf && sr);
    if (argc > 1)
        rng = strtoull(argv[1], NULL, 10) | 1;
    int rounds = argc > 2 ? atoi(argv[2]) : 30000;
    static char buf[4096];
    const rd_hint hints[] = {
        {.want = 0, .suppress = 0, .whole = -1},
        {.want = (uint64_t)1 << RD_PHONE | (uint64_t)1 << RD_US_SSN,
         .suppress = 0, .whole = -1},
        {.want = 0, .suppress = (uint64_t)1 << RD_PHONE, .whole = -1},
        {.want = 0, .suppress = 0, .whole = RD_PERSON},
    };
    for (size_t i = 0; i < rd_nanchors; i++)
        if (rd_anchors[i].kind == K_PERSON_CUE ||
            rd_anchors[i].kind == K_PLACE_CUE)
            cue_words(rd_anchors[i].re);
    CHECK(ncue > 40);
    int bad = 0, best = rd_cscan_path(-1);
    uint64_t rng0 = rng;
    for (int path = best; path >= RD_CSCAN_PLAIN; path--) {
        CHECK(rd_cscan_path(path) == path);
        rng = rng0;
        first_path = path == best;
        at_report = 0;
        for (int r = 0; r < rounds && bad < 5; r++) {
            size_t n = text(buf, sizeof buf);
            const rd_hint *h = rnd(3) ? NULL : &hints[rnd(4)];
            both(fast, sf, ref, sr, buf, n, h, 0, &bad);
        }
        /* the IBAN, MAC, IPv6 and email forms alone, at every offset
         * across a block boundary: the masks skip blocks by their
         * separators and country codes, which the random texts rarely
         * test one form at a time */
        const char *const alone[] = {
            "DE89 3704 0044 0532 0130 00", "GB82WEST12345698765432",
            "DE89 370400440532013000",     "DE893704 00440532013000",
            "00:1a:2b:3c:4d:5e",           "00-1A-2B-3C-4D-5E",
            "001a.2b3c.4d5e", "fe80::1ff:fe23:4567:890a", "2001:db8::1",
            "2001:0db8:85a3:0000:0000:8a2e:0370:7334", "::1", "1::",
            "Redmond, WA 98052", "Austin, TX 78701-2345", "12 Main St",
            "jane@contoso.com", "jane at contoso dot com",
        };
        for (size_t i = 0; i < sizeof alone / sizeof *alone; i++)
            for (int sp = 0; sp < 2; sp++)
                for (size_t at = spots[sp][0]; at < spots[sp][1]; at++) {
                    size_t l = strlen(alone[i]), n = at + l + 3;
                    filler(buf, 0, at);
                    if (at > 0)
                        buf[at - 1] = ' ';
                    memcpy(buf + at, alone[i], l);
                    memcpy(buf + at + l, " ok", 3);
                    if (sp) {
                        filler(buf, n, LONG);
                        n = LONG;
                    }
                    both(fast, sf, ref, sr, buf, n, NULL, 1, &bad);
                }
        /* a street suffix that ends the buffer, at every length across
         * two block boundaries (one of them the buffer's end) */
        for (int sp = 0; sp < 2; sp++)
            for (size_t n = spots[sp][0] + 60; n < spots[sp][1]; n++) {
                filler(buf, 0, n);
                memcpy(buf + n - 11, " 12 Main St", 11);
                both(fast, sf, ref, sr, buf, n, NULL, 1, &bad);
            }
        /* digit chains of every length up to 9 after one of every length
         * up to 8 ("---" ends a chain), across a block boundary: K_NUMRUN
         * is reported once per chain of seven digits or more */
        for (int a = 1; a <= 8; a++)
            for (int b = 1; b <= 9; b++)
                for (size_t at = 48; at < 72; at++) {
                    size_t n = at;
                    filler(buf, 0, at);
                    buf[at - 1] = ' ';
                    for (int k = 0; k < a; k++)
                        buf[n++] = (char)('1' + k);
                    memcpy(buf + n, "---", 3);
                    n += 3;
                    for (int k = 0; k < b; k++)
                        buf[n++] = (char)('1' + k);
                    buf[n++] = ' ';
                    both(fast, sf, ref, sr, buf, n, NULL, 0, &bad);
                    /* and on the AVX-512 path, across its first two
                     * groups (byte 512) as the above crosses the first
                     * two blocks (byte 64) */
                    size_t g = spots[1][0] + 8;
                    memmove(buf + g, buf, n);
                    filler(buf, 0, g);
                    filler(buf, g + n, LONG);
                    both(fast, sf, ref, sr, buf, LONG, NULL, 0, &bad);
                }
    }
    CHECK(bad_reports == 0);
    free(reports);
    /* a time of day is no anchor on any path: an IPv6 anchor has "::" or
     * three colons (each record's timestamp sent one to ipv6_token) */
    for (int path = best; path >= RD_CSCAN_PLAIN; path--) {
        rd_cscan_path(path);
        const char *const times[] = {"at 15:01:57 today", "ab:cd:ef",
                                     "\"T09:30:00.123Z\""};
        for (size_t i = 0; i < sizeof times / sizeof *times; i++) {
            const rd_match *m;
            uint64_t before = sf->nreports;
            CHECK(rd_scan(fast, sf, times[i], strlen(times[i]), NULL, &m) == 0);
            CHECK(sf->nreports == before);
        }
    }
    rd_cscan_path(-1);
    /* the database built with the program holds today's anchors (the
     * engine would compile its own otherwise, correct but slow to start) */
    CHECK(rd_hsdb_key == rd_anchor_key());
    /* each kind still finds what it found before */
    const char *const found[] = {"call 425 555 0100",
                                 "key wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY",
                                 "spoke to Maria Garcia today"};
    for (size_t i = 0; i < sizeof found / sizeof *found; i++) {
        const rd_match *m;
        CHECK(rd_scan(fast, sf, found[i], strlen(found[i]), NULL, &m) == 1);
    }
    rd_scratch_free(sf);
    rd_scratch_free(sr);
    rd_engine_free(fast);
    rd_engine_free(ref);
    UNIT_DONE();
}
