/* anchors.c - the anchors of the built-in detectors: short patterns whose
 * matches the expanders of detect.c grow into whole values.  Kept apart
 * from engine.c so that the build can compile them into a Vectorscan
 * database before the program exists (scripts/rd_hsdb_gen.c). */
#include "redact/engine_int.h"

/* The anchors.  None asks Vectorscan for its start of match (that slows
 * the whole database down); where an expander needs the start it walks
 * back from the end, or `arg` is the anchor's fixed length.  Kinds for
 * which rd_cscanned() is true have no literal for Vectorscan's literal matcher
 * and are found by scan.c instead; their regexes here are the definition
 * scan.c follows (the reference engine of the tests still compiles them). */
const rd_anchor rd_anchors[] = {
    {K_AT, "@|%40|&#0*64;|&#[xX]0*40;|\\\\u0040|\\\\x40", 0},
    {K_AT, "[\\[({<] ?(?:(?i:at)|@) ?[\\])}>]|-(?i:at)-", 0},
    {K_AT_WORD, "[A-Za-z0-9_] (?i:at) [A-Za-z0-9]", 6},
    /* digits joined by one or two of " .-/()", or by one of them other
     * than a space between two spaces ("425 - 555 - 0100") */
    {K_NUMRUN, "\\d(?:[ .\\-/()]{1,2}\\d| [.\\-/()] \\d|\\d){6}", 0},
    {K_IPV4, "\\d{1,3}\\.\\d{1,3}\\.\\d{1,3}\\.\\d", 0},
    {K_DEFANG, "\\d(?:\\[\\.\\]|\\(\\.\\)|\\{\\.\\}|\\[(?i:dot)\\]| \\. )\\d", 0},
    {K_IBAN, "[A-Za-z]{2}\\d{2}(?: ?[A-Za-z0-9]{4} ?|-[A-Za-z0-9]{4}-)"
             "[A-Za-z0-9]{4}",
     0},
    {K_MAC, "[0-9A-Fa-f]{2}[:-][0-9A-Fa-f]{2}[:-][0-9A-Fa-f]{2}[:-]"
            "[0-9A-Fa-f]{2}",
     11},
    {K_MAC, "[0-9A-Fa-f]{4}\\.[0-9A-Fa-f]{4}\\.[0-9A-Fa-f]{4}", 14},
    /* "::", or three colons: without "::" an address has eight groups,
     * and a time of day (15:01:57, in every record with a timestamp) is
     * no anchor */
    {K_IPV6, "[0-9A-Fa-f]{1,4}:[0-9A-Fa-f]{1,4}:[0-9A-Fa-f]{1,4}:|"
             "::[0-9A-Fa-f]{1,4}|[0-9A-Fa-f]{1,4}::",
     0},
    /* the schemes of the web and of the data stores and brokers whose
     * URIs carry credentials (postgres://admin:pw@db/...) */
    {K_URL, "(?i:https?|ftp|sftp|wss?|file|postgres(?:ql)?|mysql|mariadb|"
            "mongodb(?:\\+srv)?|rediss?|amqps?|mqtts?|ldaps?|smtps?|imaps?|"
            "sqlserver|mssql|clickhouse|cassandra|couchbases?|nats|kafka|"
            "elasticsearch|memcached?|zookeeper|etcd)://",
     0},
    {K_URL, "(?i:www)\\.[A-Za-z0-9]", 5},
    {K_SECRET_TOKEN, "(?:AKIA|ASIA|ABIA|ACCA|AGPA|AIDA|AROA|ANPA|ANVA|AIPA)"
                     "[A-Z0-9]{16}",
     20},
    {K_SECRET_TOKEN, "AIza[0-9A-Za-z_\\-]{35}", 39},
    {K_SECRET_TOKEN, "gh[pousr]_[A-Za-z0-9]{30}", 34},
    {K_SECRET_TOKEN, "github_pat_[A-Za-z0-9_]{22}", 33},
    {K_SECRET_TOKEN, "xox[baprse]-[A-Za-z0-9]{6}", 11},
    {K_SECRET_TOKEN, "sk_live_[A-Za-z0-9]{16}", 24},
    {K_SECRET_TOKEN, "SG\\.[A-Za-z0-9_\\-]{16}", 19},
    {K_JWT, "eyJ[A-Za-z0-9_\\-]{8,}\\.eyJ[A-Za-z0-9_\\-]{4}", 0},
    {K_PEM, "-----BEGIN [A-Z0-9 ]{0,24}PRIVATE KEY( BLOCK)?-----", 0},
    {K_SECRET_KV,
     "(?i:password|passwd|pwd|passphrase|passcode|secret|api[_\\-]?key|"
     "apikey|access[_\\-]?key|secret[_\\-]?key|access[_\\-]?token|"
     "auth[_\\-]?token|client[_\\-]?secret|accountkey|sharedaccesskey|"
     "aws_secret_access_key|token)[\"']? {0,3}[:=]",
     0},
    /* The short keys, as words: pw: hunter22, pin=4821, sig= (an Azure
     * SAS signature); "pass:" followed by prose is not taken, see
     * secret_value.  Each as two anchors, the separator right after the
     * name (or its quote) and after spaces: written as one, with
     * ["']? {0,3} between, Vectorscan's literal matcher looked for the
     * names alone ("pin", "sig": inside "shipping", "design"), 3 ms of
     * its 47 each over 100 MB; split, its literals end in ':', '=' or a
     * space. */
    {K_SECRET_KV, "\\b(?i:pw|pass|pin|pincode)[\"']?[:=]", 0},
    {K_SECRET_KV, "\\b(?i:pw|pass|pin|pincode)[\"']? {1,3}[:=]", 0},
    {K_SECRET_KV, "(?i:sig)[\"']?[:=]", 0},
    {K_SECRET_KV, "(?i:sig)[\"']? {1,3}[:=]", 0},
    /* an HTTP credential: Authorization: Basic dXNlcjpwdw==, Bearer ...
     * (an opaque token, not only a JWT) */
    {K_SECRET_KV, "(?i:authorization)[\"']? {0,3}: {0,3}(?i:basic|bearer|"
                  "token|digest|negotiate|ntlm) ",
     0},
    /* curl -u user:password, --user user:password; at a line's start
     * too, which ^ alone is only at the start of the buffer scanned (a
     * batch of records), or of a value in quotes */
    {K_CLI_USER, "(?:^|[ \t\n\"'])(?:-u|--user)[ =][^ \t:]{1,64}:", 0},
    /* a card's verification code: "CVV 123", "cvc2: 4821", "security
     * code is 123", up to the first digit (the digits are checked by
     * card_code; the names alone, short words, cost 3 % of a bench run) */
    {K_CARD_CODE, "\\b(?i:cvv2?|cvc2?|cvn2?|csc|card security code|"
                  "card verification code|security code)"
                  "[\"']? {0,5}(?:[:=#-]|(?i:is) )? {0,8}[\"']?\\d",
     0},
    /* a date of birth is known by its name: "DOB: 04/12/1985", "date of
     * birth 12 April 1985", "born on 1985-04-12" (dates alone are kept) */
    {K_BIRTH, "\\b(?i:dob|d\\.o\\.b|date of birth|birth ?date|birthday|born)\\b",
     0},
    /* a postal code by its name: "ZIP: 98052", "postcode SW1A 2AA"; up
     * to the code's first character (the name alone, a short word, cost
     * 2 % of a bench run in Vectorscan) */
    {K_POSTAL, "\\b(?i:zip|zip code|zipcode|postcode|post code|postal code)"
               "[\"']? {0,5}(?:[:=#-]|(?i:is) )? {0,8}[\"']?[\\dA-Z]",
     0},
    /* coordinates by their name: "lat/long 47.6062, -122.3321" (not "lat"
     * or "geo" alone: "later", "geography" cost 2 % of a bench run) */
    {K_GEO, "\\b(?i:latitude|lat/long|lat/lng|lat/lon|coordinates|coords|gps|"
            "geolocation)",
     0},
    /* a sign-off on its own line and the name on the next ("Regards,\n
     * Priya"): K_PERSON_CUE wants a space; the expander reads the
     * sign-off back from the comma */
    {K_SIGNOFF, "[,!]\\r?\\n[A-Z\\xC3-\\xC5\\xCE\\xD0]", 0},
    /* "everyone calls me Billy": a person cue, but one whose last byte
     * ('e') ends so many words before a capital that scan.c's cue check
     * cost 1 % of a bench run; as a literal here it costs nothing */
    {K_CALL_ME, "(?i:calls? me) [A-Z\\xC3-\\xC5\\xCE\\xD0]", 0},
    {K_SECRET_SAID, "(?i:password|passcode|passphrase|pwd|pin|pin code|"
                    "\\bpass) (?i:is|was|will be|would be|is now|:)",
     0},
    /* "the password for the admin account is Summer2024!" */
    {K_SECRET_SAID, "(?i:password|passcode|pin) (?i:for|of|to) "
                    "[^\\n.;,:\"]{1,40} (?i:is|was)",
     0},
    {K_ENTROPY, "[A-Za-z0-9+/_=\\-]{32}", 0},
    {K_PERSON_CUE,
     "(?i:my name is|my name's|name is|this is|i am|i'm|name:|customer:|"
     "contact:|caller:|client:|regards,|thanks,|thank you,|sincerely,|"
     "cheers,|best,|hi|hello|dear|hey|mr\\.?|mrs\\.?|ms\\.?|dr\\.?|"
     "spoke with|speaking with|spoke to|talked to|agent) "
     "[A-Z\\xC3-\\xC5\\xCE\\xD0]", /* or a two-byte capital's lead */
     0},
    {K_NAME_PAIR, "[A-Z][a-z]+ [A-Z][a-z]", 0},
    {K_PLACE_CUE, "\\b(?:in|from|to|near|at|of|visit|visiting|based in|"
                  "located in|lives in|live in|moved to|City:|Location:|"
                  "Address:) [A-Z][a-z]",
     0},
    {K_STREET, " (?:Street|Avenue|Ave|Road|Boulevard|Blvd|Lane|"
               "Drive|Way|Court|Place|Terrace|Parkway|Pkwy|"
               "Highway|Hwy|Circle|Square|Strasse)\\b",
     0},
    /* the two-letter suffixes: as Vectorscan literals of three bytes
     * (" St") they cost 4 of its 42 ms over 100 MB; scan.c finds them */
    {K_STREET_ABBR, " (?:St|Rd|Dr|Ln|Ct|Pl)\\b", 0},
    /* a street named first and numbered after: "Hauptstraße 5",
     * "Berliner Str. 12", "Keizersgracht 123" (arg 1); "Via Roma 10",
     * "Calle de Alcalá 42" (arg 2); numbered first, its kind before its
     * name: "10 rue de Rivoli" (arg 3) */
    {K_STREET, "(?i:stra(?:ss|\\xC3\\x9F)e|str\\.|gasse|allee|straat|gracht|"
               "laan|gatan|v\\xC3\\xA4gen|veien|platz|weg|damm|ufer|plein) "
               "\\d",
     1},
    {K_STREET, "\\b(?:Via|Viale|Piazza|Corso|Calle|Avenida|Rua|Carrer|Plaza|"
               "Paseo|Largo) [A-Za-z\\xC3]",
     2},
    {K_STREET, "\\d,? (?i:rue|avenue|boulevard|bd|place|chemin|all\\xC3\\xA9e|"
               "impasse|quai) ",
     3},
    {K_CITY_ZIP, "[A-Za-z], [A-Z]{2} \\d{5}", 0},
    /* zero-width and full-width characters; the dashes and spaces word
     * processors put between digits (425, en dash, 555; 4111, no-break
     * space, 1111) or around an @ -- only there: em dashes in prose would
     * send a line in four to the fold */
    {K_UNI, "\\xE2\\x80[\\x8B-\\x8D]|\\xE2\\x81\\xA0|\\xEF\\xBB\\xBF|\\xC2\\xAD|"
            "\\xEF\\xBC[\\x80-\\xBF]|\\xEF\\xBD[\\x80-\\x9E]|\\xEF\\xB9\\xAB|"
            "\\xE3\\x80\\x80|"
            "\\d(?:\\xE2\\x80[\\x82-\\x8A\\x90-\\x94\\xAF]|\\xE2\\x81\\x9F|"
            "\\xE2\\x88\\x92|\\xEF\\xB9\\xA3|\\xC2\\xA0)|"
            "(?:\\xC2\\xA0|\\xE2\\x80[\\x82-\\x8A\\xAF])@|"
            "@(?:\\xC2\\xA0|\\xE2\\x80[\\x82-\\x8A\\xAF])",
     0},
};

const size_t rd_nanchors = sizeof rd_anchors / sizeof *rd_anchors;

/* The words of the K_PERSON_CUE and K_PLACE_CUE regexes, for scan.c,
 * which matches them backwards from a space before a capital (test_cscan
 * checks that both say the same).  Person cues: case-insensitive, any
 * text may come before them; place cues: as written, at a word start. */
const char *const rd_person_cues[] = {
    "my name is", "my name's", "name is", "this is", "i am", "i'm", "name:",
    "customer:", "contact:", "caller:", "client:", "regards,", "thanks,",
    "thank you,", "sincerely,", "cheers,", "best,", "hi", "hello", "dear",
    "hey", "mr", "mr.", "mrs", "mrs.", "ms", "ms.", "dr", "dr.",
    "spoke with", "speaking with", "spoke to", "talked to", "agent", NULL};
const char *const rd_place_cues[] = {
    "in", "from", "to", "near", "at", "of", "visit", "visiting", "based in",
    "located in", "lives in", "live in", "moved to", "City:", "Location:",
    "Address:", NULL};

int rd_cscanned(int kind)
{
    return kind == K_NUMRUN || kind == K_ENTROPY || kind == K_NAME_PAIR ||
           kind == K_IBAN || kind == K_MAC || kind == K_PERSON_CUE ||
           kind == K_PLACE_CUE || kind == K_IPV6 || kind == K_IPV4 ||
           kind == K_CITY_ZIP || kind == K_STREET_ABBR;
}

/* FNV-1a over the Vectorscan version and every anchor of the built-in
 * database, in order: a database compiled from other anchors (a stale
 * build) or by another Vectorscan must not be used */
uint64_t rd_anchor_key(void)
{
    uint64_t h = 1469598103934665603ULL;
    const char *v = hs_version();
    for (const char *p = v; *p; p++)
        h = (h ^ (unsigned char)*p) * 1099511628211ULL;
    for (size_t i = 0; i < rd_nanchors; i++) {
        if (rd_cscanned(rd_anchors[i].kind))
            continue;
        int num[2] = {rd_anchors[i].kind, rd_anchors[i].arg};
        for (size_t k = 0; k < sizeof num; k++)
            h = (h ^ ((const unsigned char *)num)[k]) * 1099511628211ULL;
        for (const char *p = rd_anchors[i].re; *p; p++)
            h = (h ^ (unsigned char)*p) * 1099511628211ULL;
        h = (h ^ 0xff) * 1099511628211ULL; /* the end of the regex */
    }
    return h;
}

