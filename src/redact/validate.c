/* validate.c - check digits, registries and syntax for candidates. */
#include "redact/validate.h"

#include <arpa/inet.h>
#include <ctype.h>
#include <math.h>
#include <string.h>

int rd_luhn_ok(const char *d, size_t n)
{
    unsigned sum = 0;
    int dbl = 0;
    for (size_t i = n; i-- > 0;) {
        unsigned v = (unsigned)(d[i] - '0');
        if (v > 9)
            return 0;
        if (dbl) {
            v *= 2;
            if (v > 9)
                v -= 9;
        }
        sum += v;
        dbl = !dbl;
    }
    return n > 0 && sum % 10 == 0;
}

static unsigned prefix(const char *d, int k)
{
    unsigned v = 0;
    for (int i = 0; i < k; i++)
        v = v * 10 + (unsigned)(d[i] - '0');
    return v;
}

int rd_card_ok(const char *d, size_t n)
{
    if (n < 13 || n > 19 || !rd_luhn_ok(d, n))
        return 0;
    unsigned p1 = prefix(d, 1), p2 = prefix(d, 2), p3 = prefix(d, 3),
             p4 = prefix(d, 4), p6 = prefix(d, 6);
    if (p1 == 4) /* Visa */
        return n == 13 || n == 16 || n == 19;
    if ((p2 >= 51 && p2 <= 55) || (p4 >= 2221 && p4 <= 2720))
        return n == 16; /* Mastercard */
    if (p2 == 34 || p2 == 37)
        return n == 15; /* Amex */
    if (p4 == 6011 || p2 == 65 || (p3 >= 644 && p3 <= 649) ||
        (p6 >= 622126 && p6 <= 622925))
        return n >= 16; /* Discover */
    if (p4 >= 3528 && p4 <= 3589)
        return n >= 16; /* JCB */
    if ((p3 >= 300 && p3 <= 305) || p2 == 36 || p2 == 38 || p2 == 39 ||
        p4 == 3095)
        return n >= 14; /* Diners */
    if (p2 == 62)
        return n >= 16; /* UnionPay */
    if (p2 == 50 || (p2 >= 56 && p2 <= 69))
        return n >= 12; /* Maestro */
    return 0;
}

/* ISO 13616 lengths per country */
static const struct {
    char cc[3];
    unsigned char len;
} iban_len[] = {
    {"AD", 24}, {"AE", 23}, {"AL", 28}, {"AT", 20}, {"AZ", 28}, {"BA", 20},
    {"BE", 16}, {"BG", 22}, {"BH", 22}, {"BR", 29}, {"BY", 28}, {"CH", 21},
    {"CR", 22}, {"CY", 28}, {"CZ", 24}, {"DE", 22}, {"DK", 18}, {"DO", 28},
    {"EE", 20}, {"EG", 29}, {"ES", 24}, {"FI", 18}, {"FO", 18}, {"FR", 27},
    {"GB", 22}, {"GE", 22}, {"GI", 23}, {"GL", 18}, {"GR", 27}, {"GT", 28},
    {"HR", 21}, {"HU", 28}, {"IE", 22}, {"IL", 23}, {"IQ", 23}, {"IS", 26},
    {"IT", 27}, {"JO", 30}, {"KW", 30}, {"KZ", 20}, {"LB", 28}, {"LC", 32},
    {"LI", 21}, {"LT", 20}, {"LU", 20}, {"LV", 21}, {"MC", 27}, {"MD", 24},
    {"ME", 22}, {"MK", 19}, {"MR", 27}, {"MT", 31}, {"MU", 30}, {"NL", 18},
    {"NO", 15}, {"PK", 24}, {"PL", 28}, {"PS", 29}, {"PT", 25}, {"QA", 29},
    {"RO", 24}, {"RS", 22}, {"SA", 24}, {"SC", 31}, {"SE", 24}, {"SI", 19},
    {"SK", 24}, {"SM", 27}, {"ST", 25}, {"SV", 28}, {"TL", 23}, {"TN", 24},
    {"TR", 26}, {"UA", 29}, {"VA", 22}, {"VG", 24}, {"XK", 20},
};

int rd_iban_ok(const char *s, size_t n)
{
    if (n < 15 || n > 34)
        return 0;
    char cc[3] = {(char)toupper((unsigned char)s[0]),
                  (char)toupper((unsigned char)s[1]), 0};
    size_t want = 0;
    for (size_t i = 0; i < sizeof iban_len / sizeof *iban_len; i++)
        if (memcmp(iban_len[i].cc, cc, 2) == 0)
            want = iban_len[i].len;
    if (want != n || !isdigit((unsigned char)s[2]) ||
        !isdigit((unsigned char)s[3]))
        return 0;
    /* rearranged: BBAN then country and check digits; letters are 10..35 */
    unsigned rem = 0;
    for (size_t k = 0; k < n; k++) {
        unsigned char c = (unsigned char)s[(k + 4) % n];
        if (isdigit(c)) {
            rem = (rem * 10 + (c - '0')) % 97;
        } else if (isalpha(c)) {
            unsigned v = (unsigned)(toupper(c) - 'A' + 10);
            rem = (rem * 100 + v) % 97;
        } else {
            return 0;
        }
    }
    return rem == 1;
}

int rd_ssn_ok(const char *d)
{
    unsigned area = prefix(d, 3), group = prefix(d + 3, 2),
             serial = prefix(d + 5, 4);
    if (area == 0 || area == 666 || area >= 900 || group == 0 || serial == 0)
        return 0;
    /* numbers published as examples, never issued to a person */
    if (memcmp(d, "078051120", 9) == 0 || memcmp(d, "219099999", 9) == 0)
        return 0;
    return 1;
}

int rd_ipv4_parse(const char *s, size_t n, unsigned char out[4])
{
    size_t i = 0;
    for (int part = 0; part < 4; part++) {
        if (part > 0) {
            if (i >= n || s[i] != '.')
                return 0;
            i++;
        }
        size_t st = i;
        unsigned v = 0;
        while (i < n && i - st < 4 && isdigit((unsigned char)s[i]))
            v = v * 10 + (unsigned)(s[i++] - '0');
        size_t len = i - st;
        if (len == 0 || len > 3 || v > 255 || (len > 1 && s[st] == '0'))
            return 0;
        out[part] = (unsigned char)v;
    }
    return i == n;
}

int rd_ipv6_parse(const char *s, size_t n, char *canon, size_t cap)
{
    char buf[64];
    unsigned char a[16];
    if (n < 2 || n >= sizeof buf)
        return 0;
    memcpy(buf, s, n);
    buf[n] = 0;
    if (inet_pton(AF_INET6, buf, a) != 1)
        return 0;
    if (canon && cap >= INET6_ADDRSTRLEN &&
        !inet_ntop(AF_INET6, a, canon, (socklen_t)cap))
        return 0;
    return 1;
}

/* c * log2(c) for the counts below 64 */
static const double clog2c[64] = {
    0, 0, 2, 4.7548875021634682,
    8, 11.60964047443681, 15.509775004326936, 19.651484454403228,
    24, 28.529325012980809, 33.219280948873624, 38.053747805010268,
    43.019550008653873, 48.105716335834195, 53.302968908806456, 58.603358934127783,
    64, 69.486868301255768, 75.058650025961612, 80.710622755428119,
    86.438561897747249, 92.23866587835397, 98.107495610020536, 104.0419249893113,
    110.03910001730775, 116.09640474436812, 122.21143267166839, 128.38196255841365,
    134.6059378176129, 140.88144885869957, 147.20671786825557, 153.58008562199313,
    160, 166.46500593882897, 172.97373660251154, 179.52490559307381,
    186.11730005192322, 192.74977452827116, 199.42124551085624, 206.13068653562769,
    212.8771237954945, 219.65963218934144, 226.47733175670794, 233.3293844521902,
    240.21499122004107, 247.13338933483536, 254.0838499786226, 261.06567602884894,
    268.07820003461552, 275.12078236164518, 282.1928094887362, 289.29369244054624,
    296.42286534333675, 303.57978409184955, 310.76392511682729, 317.97478424385628,
    325.21187563522579, 332.47473080739024, 339.76289771739914, 347.07593991234864,
    354.41343573651113, 361.7749775913361, 369.16017124398627, 376.56863518049477,
};

/* H = log2(n) - (1/n) * sum(c * log2(c)) over the count c of each byte
 * present: one log2 in all for a token of short counts, where summing
 * -p * log2(p) called log2 for each distinct byte (2.5 % of a run).  The
 * second pass takes each byte's count at its first occurrence and clears
 * it (a later one adds c = 0, which adds 0.0): the terms in the order of
 * the bytes, without a branch per byte on whether it was seen before,
 * which random tokens mispredicted half the time. */
double rd_entropy(const char *s, size_t n)
{
    if (n == 0)
        return 0;
    size_t cnt[256] = {0};
    const unsigned char *u = (const unsigned char *)s;
    for (size_t i = 0; i < n; i++)
        cnt[u[i]]++;
    double sum = 0;
    for (size_t i = 0; i < n; i++) {
        size_t c = cnt[u[i]];
        cnt[u[i]] = 0;
        sum += c < 64 ? clog2c[c] : (double)c * log2((double)c);
    }
    return log2((double)n) - sum / (double)n;
}

/* generic TLDs and the country TLDs people write as "dot xx" */
static const char *const tlds[] = {
    "com", "net", "org", "edu", "gov", "mil", "int", "info", "biz", "io",
    "co", "ai", "app", "dev", "cloud", "online", "site", "tech", "email",
    "me", "tv", "us", "uk", "de", "fr", "es", "it", "nl", "be", "ch", "at",
    "se", "no", "dk", "fi", "pl", "cz", "pt", "ie", "gr", "hu", "ro", "ru",
    "ua", "tr", "il", "in", "cn", "jp", "kr", "tw", "hk", "sg", "my", "th",
    "vn", "ph", "id", "au", "nz", "ca", "mx", "br", "ar", "cl", "pe", "za",
    "ng", "ke", "eg", "ae", "sa", "eu", "asia", "mobi", "name", "pro",
};

int rd_tld_ok(const char *t, size_t n, int strict)
{
    if (n < 2 || n > 24)
        return 0;
    for (size_t i = 0; i < n; i++)
        if (!isalpha((unsigned char)t[i]))
            return 0;
    if (!strict)
        return 1;
    for (size_t i = 0; i < sizeof tlds / sizeof *tlds; i++)
        if (strlen(tlds[i]) == n && strncasecmp(tlds[i], t, n) == 0)
            return 1;
    return 0;
}
