/* test_redact.c - validators, the engine's detections on standard and
 * non-standard forms and on look-alikes, and the record writers. */
#include <jansson.h>
#include <math.h>
#include <stdlib.h>

#include "redact/engine_int.h"
#include "redact/rd.h"
#include "redact/records.h"
#include "redact/validate.h"
#include "unit.h"

static rd_engine *E;
static rd_scratch *S;

/* "TYPE@start-end TYPE@start-end ..." for what the engine finds in s */
static const char *scan(const char *s)
{
    static char buf[2048];
    const rd_match *m;
    size_t n = rd_scan(E, S, s, strlen(s), NULL, &m);
    buf[0] = 0;
    for (size_t i = 0; i < n; i++) {
        size_t l = strlen(buf);
        snprintf(buf + l, sizeof buf - l, "%s%s@%zu-%zu", i ? " " : "",
                 rd_type_name(E, m[i].type), m[i].start, m[i].end);
    }
    return buf;
}

/* the one type found covering the whole of s ("" when none) */
static const char *whole(const char *s)
{
    static char buf[64];
    const rd_match *m;
    size_t n = rd_scan(E, S, s, strlen(s), NULL, &m);
    buf[0] = 0;
    if (n == 1 && m[0].start == 0 && m[0].end == strlen(s))
        snprintf(buf, sizeof buf, "%s", rd_type_name(E, m[0].type));
    else if (n)
        snprintf(buf, sizeof buf, "partial:%s", scan(s));
    return buf;
}

static const char *norm(const char *s)
{
    static char buf[256];
    const rd_match *m;
    size_t n = rd_scan(E, S, s, strlen(s), NULL, &m);
    snprintf(buf, sizeof buf, "%.*s", n ? (int)m[0].nlen : 0,
             n ? m[0].norm : "");
    return buf;
}

static void validators(void)
{
    CHECK(rd_luhn_ok("4111111111111111", 16));
    CHECK(!rd_luhn_ok("4111111111111112", 16));
    CHECK(rd_card_ok("378282246310005", 15));
    CHECK(rd_card_ok("6011111111111117", 16));
    CHECK(rd_card_ok("5555555555554444", 16));
    CHECK(!rd_card_ok("1234567812345670", 16)); /* Luhn ok, no issuer */
    CHECK(!rd_card_ok("4111111111111", 12));
    CHECK(rd_iban_ok("DE89370400440532013000", 22));
    CHECK(rd_iban_ok("GB82WEST12345698765432", 22));
    CHECK(rd_iban_ok("gb82west12345698765432", 22));
    CHECK(!rd_iban_ok("GB82WEST12345698765433", 22));
    CHECK(!rd_iban_ok("DE8937040044053201300", 21)); /* length */
    CHECK(rd_ssn_ok("123456789"));
    CHECK(!rd_ssn_ok("000456789"));
    CHECK(!rd_ssn_ok("666456789"));
    CHECK(!rd_ssn_ok("912456789"));
    CHECK(!rd_ssn_ok("123006789"));
    CHECK(!rd_ssn_ok("123450000"));
    CHECK(!rd_ssn_ok("078051120"));
    unsigned char ip[4];
    CHECK(rd_ipv4_parse("52.1.2.3", 8, ip) && ip[0] == 52 && ip[3] == 3);
    CHECK(!rd_ipv4_parse("256.1.2.3", 9, ip));
    CHECK(!rd_ipv4_parse("01.1.2.3", 8, ip));
    CHECK(!rd_ipv4_parse("1.2.3", 5, ip));
    char c6[64];
    CHECK(rd_ipv6_parse("2001:0db8:0000:0000:0000:ff00:0042:8329", 39, c6,
                        sizeof c6));
    CHECK_STR(c6, "2001:db8::ff00:42:8329");
    CHECK(rd_ipv6_parse("::ffff:192.0.2.128", 18, c6, sizeof c6));
    CHECK(!rd_ipv6_parse("10:30:00", 8, c6, sizeof c6));
    CHECK(!rd_ipv6_parse("1::2::3", 7, c6, sizeof c6));
    CHECK(rd_entropy("aaaa", 4) == 0.0);
    CHECK(rd_entropy("0123456789abcdefghijklmnopqrstuv", 32) == 5.0);
    /* -sum p log2 p, with counts below and above the table's 64 */
    {
        char t[300];
        for (int i = 0; i < 300; i++)
            t[i] = (char)(i < 100 ? 'a' : 'b' + i % 37);
        unsigned cnt[256] = {0};
        for (int i = 0; i < 300; i++)
            cnt[(unsigned char)t[i]]++;
        double h = 0;
        for (int c = 0; c < 256; c++)
            if (cnt[c])
                h -= cnt[c] / 300.0 * log2(cnt[c] / 300.0);
        CHECK(fabs(rd_entropy(t, 300) - h) < 1e-12);
    }
    CHECK(rd_tld_ok("com", 3, 1) && rd_tld_ok("COM", 3, 1));
    CHECK(!rd_tld_ok("menu", 4, 1) && rd_tld_ok("menu", 4, 0));
    CHECK(!rd_tld_ok("c0m", 3, 0));
}

static void standard_forms(void)
{
    CHECK_STR(whole("jane.doe@contoso.com"), "EMAIL");
    CHECK_STR(whole("first_last+tag@sub.example.co.uk"), "EMAIL");
    CHECK_STR(whole("+1 425 555 0100"), "PHONE");
    CHECK_STR(whole("(425) 555-0100"), "PHONE");
    CHECK_STR(whole("425-555-0100"), "PHONE");
    CHECK_STR(whole("+44 20 7946 0958"), "PHONE");
    CHECK_STR(whole("52.1.2.3"), "IP_ADDRESS");
    CHECK_STR(whole("2001:db8::1"), "IP_ADDRESS");
    CHECK_STR(whole("fe80::1ff:fe23:4567:890a"), "IP_ADDRESS");
    CHECK_STR(whole("::ffff:192.0.2.128"), "IP_ADDRESS");
    CHECK_STR(whole("4111111111111111"), "CREDIT_CARD");
    CHECK_STR(whole("4111 1111 1111 1111"), "CREDIT_CARD");
    CHECK_STR(whole("3782-822463-10005"), "CREDIT_CARD");
    CHECK_STR(whole("DE89 3704 0044 0532 0130 00"), "IBAN");
    CHECK_STR(whole("GB82WEST12345698765432"), "IBAN");
    CHECK_STR(whole("123-45-6789"), "US_SSN");
    CHECK_STR(whole("00:1A:2B:3C:4D:5E"), "MAC_ADDRESS");
    CHECK_STR(whole("001a.2b3c.4d5e"), "MAC_ADDRESS");
    CHECK_STR(whole("https://portal.contoso.com/cases/12345?ref=mail"), "URL");
    CHECK_STR(whole("AKIAIOSFODNN7EXAMPLE"), "SECRET");
    CHECK_STR(whole("ghp_abcdefghijklmnopqrstuvwxyz0123456789"), "SECRET");
    CHECK_STR(whole("eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxMjM0In0."
                    "dozjgNryP4J3jVmNHl0w5N_XgL0n3I9PlFUP0THsR8U"),
              "SECRET");
    CHECK_STR(scan("password=Hunter2!x"), "SECRET@9-18");
    CHECK_STR(scan("-----BEGIN RSA PRIVATE KEY-----\nMIIEow\n"
                   "-----END RSA PRIVATE KEY-----"),
              "SECRET@0-68");
    /* a card's verification code after its name: card data */
    CHECK_STR(scan("exp 12/27 cvv 123"), "CREDIT_CARD@14-17");
    CHECK_STR(scan("CVV2: 4821."), "CREDIT_CARD@6-10");
    CHECK_STR(scan("security code is 0123"), "CREDIT_CARD@17-21");
    CHECK_STR(scan("cvc=\"987\""), "CREDIT_CARD@5-8");
    CHECK_STR(scan("Card Security Code - 555 ok"), "CREDIT_CARD@21-24");
    static const char *code_prose[] = {
        "enter the security code 123456", "cvv 12/27", "what is a CVV?",
        "the CSC 123-456", "cvv 12", "cvvs 123", "security code 1.25",
        "csc1 234", "cvv 12345", NULL};
    for (const char **k = code_prose; *k; k++)
        CHECK_STR(scan(*k), "");
    /* a date of birth after its name, in the forms people write */
    CHECK_STR(scan("DOB: 04/12/1985"), "DATE_OF_BIRTH@5-15");
    CHECK_STR(scan("date of birth 12 April 1985"), "DATE_OF_BIRTH@14-27");
    CHECK_STR(scan("my date of birth is 12th of April, 1985 ok"),
              "DATE_OF_BIRTH@20-39");
    CHECK_STR(scan("born on 1985-04-12."), "DATE_OF_BIRTH@8-18");
    CHECK_STR(scan("Birthday - Sept. 3, 1985"), "DATE_OF_BIRTH@11-24");
    CHECK_STR(scan("d.o.b. 12.4.85"), "DATE_OF_BIRTH@7-14");
    CHECK_STR(scan("birthdate: 12-Apr-1985"), "DATE_OF_BIRTH@11-22");
    CHECK_STR(scan("DOB was \"3/7/1990\""), "DATE_OF_BIRTH@9-17");
    CHECK_STR(norm("DOB: 12 April 1985"), "1985-4-12");
    CHECK_STR(norm("born on April 12th, 1985"), "1985-4-12");
    CHECK_STR(norm("DOB 1985-04-12"), "1985-4-12");
    CHECK_STR(norm("DOB 04/12/1985"), "4-12-1985");
    static const char *dob_prose[] = {
        "I was born in 1985", "dob 13/13/1985", "the date of birth field is empty",
        "DOB: 1985-13-01", "born on 12/04/1985/2", "DOB 12 Aprilia 1985",
        "date of birth 12-2024", "DOB: 04/12/1885", "reborn 04/12/1985",
        "DOB 2024-04-12T10:00", NULL};
    /* a NUL is no separator (strchr finds a string's terminator) */
    {
        const rd_match *m;
        CHECK(rd_scan(E, S, "DOB: 04\00012\0001985", 15, NULL, &m) == 0);
    }
    for (const char **k = dob_prose; *k; k++)
        CHECK_STR(scan(*k), "");
    /* a postal code, coordinates by their names */
    CHECK_STR(scan("Postcode: SW1A 2AA"), "LOCATION@10-18");
    CHECK_STR(scan("postcode is M1 1AE."), "LOCATION@12-18");
    CHECK_STR(scan("zip 98052"), "LOCATION@4-9");
    CHECK_STR(scan("ZIP code: 98052-6399"), "LOCATION@10-20");
    CHECK_STR(scan("postal code K1A 0B1"), "LOCATION@12-19");
    CHECK_STR(scan("postcode 1012 AB"), "LOCATION@9-16");
    CHECK_STR(scan("Lat/long 47.6062, -122.3321"), "LOCATION@9-27");
    CHECK_STR(scan("GPS: 47.6062,-122.3321"), "LOCATION@5-22");
    CHECK_STR(scan("coordinates (51.5074, -0.1278)"), "LOCATION@13-29");
    /* a dash before a digit is the value's sign, not a separator */
    CHECK_STR(scan("GPS -54.8092, 42.0607"), "LOCATION@4-21");
    CHECK_STR(scan("GPS - 54.8092, 42.0607"), "LOCATION@6-22");
    /* a labelled ZIP+4 is a location, not the phone a cue before it
     * would make of its nine digits */
    CHECK_STR(scan("call 646 555 0112, postcode: 37386-9194"),
              "PHONE@5-17 LOCATION@29-39");
    static const char *geo_prose[] = {
        "zip 3 files and send", "zip code field is empty",
        "the zip file is 12345 bytes", "lat 47.6 long -122.3",
        "geo 1.2.3 release", "lat/lng 123.4567, 12.3456", "unzip 98052",
        "zip 98052.5", "postcode ABCD 1XY", "GPS 47.6062", NULL};
    for (const char **k = geo_prose; *k; k++)
        CHECK_STR(scan(*k), "");
}

static void nonstandard_forms(void)
{
    CHECK_STR(whole("jane.doe @ contoso.com"), "EMAIL");
    CHECK_STR(whole("jane.doe at contoso dot com"), "EMAIL");
    CHECK_STR(whole("Jane.Doe AT Contoso DOT Com"), "EMAIL");
    CHECK_STR(whole("jane[at]contoso[dot]com"), "EMAIL");
    CHECK_STR(whole("jane(at)contoso(dot)com"), "EMAIL");
    CHECK_STR(whole("jane{at}contoso{dot}com"), "EMAIL");
    CHECK_STR(whole("jane%40contoso.com"), "EMAIL");
    CHECK_STR(whole("jane&#64;contoso.com"), "EMAIL");
    CHECK_STR(whole("jane\\u0040contoso.com"), "EMAIL");
    CHECK_STR(whole("jane\xEF\xBC\xA0" "contoso.com"), "EMAIL");
    CHECK_STR(whole("ja\xE2\x80\x8Bne@contoso.com"), "EMAIL");
    /* the same person, however written */
    CHECK_STR(norm("Jane.Doe @ Contoso.com"), "jane.doe@contoso.com");
    CHECK_STR(norm("jane.doe at contoso dot com"), "jane.doe@contoso.com");
    CHECK_STR(norm("ja\xE2\x80\x8Bne@contoso.com"), "jane@contoso.com");
    CHECK_STR(whole("425.555.0100"), "PHONE");
    CHECK_STR(whole("425 555 01 00"), "PHONE");
    CHECK_STR(whole("+1-425-555-0100"), "PHONE");
    CHECK_STR(whole("4 2 5 5 5 5 0 1 0 0"), "PHONE");
    CHECK_STR(whole("4111.1111.1111.1111"), "CREDIT_CARD");
    CHECK_STR(whole("4111 11 11 1111 1111"), "CREDIT_CARD");
    CHECK_STR(whole("123 45 6789"), "US_SSN");
    CHECK_STR(whole("123.45.6789"), "US_SSN");
    CHECK_STR(whole("52.1.2[.]3"), "IP_ADDRESS");
    CHECK_STR(whole("52[.]1[.]2[.]3"), "IP_ADDRESS");
    CHECK_STR(whole("52(.)1(.)2(.)3"), "IP_ADDRESS");
    CHECK_STR(norm("52[.]1[.]2[.]3"), "52.1.2.3");
    CHECK_STR(whole("52 . 1 . 2 . 3"), "IP_ADDRESS");
    CHECK_STR(norm("52 . 1 . 2 . 3"), "52.1.2.3");
    CHECK_STR(scan("version 10 . 0 . 19041 . 1415"), "");
    CHECK_STR(scan("it is 3 . 5 times faster"), "");
    /* the local part spelled like the domain (its first word was left in
     * clear: "jane dot <EMAIL>"), the same person as ever */
    CHECK_STR(whole("jane dot doe at contoso dot com"), "EMAIL");
    CHECK_STR(whole("jane . doe @ contoso . com"), "EMAIL");
    CHECK_STR(whole("jane[dot]doe[at]contoso[dot]com"), "EMAIL");
    CHECK_STR(whole("jane[.]doe[at]contoso[dot]com"), "EMAIL");
    CHECK_STR(whole("jane(.)doe(at)contoso(.)com"), "EMAIL");
    CHECK_STR(whole("jane.doe[@]contoso.com"), "EMAIL"); /* was kept */
    /* a webmail mailbox without its TLD, the same as with it */
    CHECK_STR(whole("jane.doe at gmail"), "EMAIL");
    CHECK_STR(norm("Jane.Doe AT Gmail"), "jane.doe@gmail.com");
    CHECK_STR(whole("jane@outlook"), "EMAIL");
    CHECK_STR(scan("log in at gmail and check"), "");
    CHECK_STR(scan("we use yahoo at work, it is at outlook now"), "");
    CHECK_STR(scan("sign up at Gmail"), "");
    CHECK_STR(whole("csilva AT gmail"), "EMAIL");
    CHECK_STR(scan("I have an account at gmail"), "");
    CHECK_STR(scan("a friend of mine is an engineer at gmail"), "");
    CHECK_STR(norm("jane.doe ( @ ) contoso.com"), "jane.doe@contoso.com");
    CHECK_STR(whole("john (dot) q (dot) public (at) contoso (dot) com"), "EMAIL");
    CHECK_STR(norm("Jane Dot Doe at contoso dot com"), "jane.doe@contoso.com");
    CHECK_STR(scan("the dot jane@contoso.com"), "EMAIL@8-24");
    /* the dashes and spaces of word processors between digits and around
     * an @ (all were missed) */
    CHECK_STR(whole("425\xE2\x80\x93" "555\xE2\x80\x93" "0100"), "PHONE");
    CHECK_STR(whole("425\xE2\x80\x94" "555\xE2\x80\x94" "0100"), "PHONE");
    CHECK_STR(whole("4111\xC2\xA0" "1111\xC2\xA0" "1111\xC2\xA0" "1111"),
              "CREDIT_CARD");
    CHECK_STR(whole("123\xE2\x80\x91" "45\xE2\x80\x91" "6789"), "US_SSN");
    CHECK_STR(whole("+1\xE2\x80\xAF" "425\xE2\x80\xAF" "555\xE2\x80\xAF" "0100"),
              "PHONE");
    CHECK_STR(whole("jane.doe\xC2\xA0@\xC2\xA0" "contoso.com"), "EMAIL");
    CHECK_STR(norm("425\xE2\x80\x93" "555\xE2\x80\x93" "0100"), "4255550100");
    CHECK_STR(scan("the years 2019\xE2\x80\x93" "2024 \xE2\x80\x94 fine"), "");
    /* groups split by a spaced dash, dot or slash (all were missed) */
    CHECK_STR(whole("123 - 45 - 6789"), "US_SSN");
    CHECK_STR(whole("425 - 555 - 0100"), "PHONE");
    CHECK_STR(whole("425 . 555 . 0100"), "PHONE");
    CHECK_STR(whole("4111 - 1111 - 1111 - 1111"), "CREDIT_CARD");
    CHECK_STR(norm("123 - 45 - 6789"), "123456789");
    CHECK_STR(scan("from 2024 - 05 - 01 to 2024 - 06 - 01"), "");
    CHECK_STR(scan("pages 10 - 20 - 30, rows 1 / 2 / 3"), "");
    CHECK_STR(scan("version 10 . 0 . 19041"), "");
}

static void lookalikes(void)
{
    static const char *keep[] = {
        "we can talk at 5 pm", "click the dot menu", "order 4748 2674 shipped",
        "build 10.0.19041.1415", "KB5034441", "error 0x80070005",
        "3f2504e0-4f89-11d3-9a0c-0305e82c3301", "version 2.14.3", "v1.2.3.4",
        "$1,299.00", "2024-03-05", "03/05/2024", "10:30:00", "order #88213",
        "meet at the office.", "Look at the log. Then", "std::map",
        "log in at portal.contoso.com", "reset your password: click here",
        "my password is expired", "1234567812345670",
        /* the words streets are made of, in prose (see below) */
        "Via Teams 2 users joined", "Speicherplatz 5 GB frei",
        "monitoring 5 servers", "Via email 2 times", "auf Platz 2 landen",
        "the 5th Avenue store", "we offer 3 cours de Fran\303\247ais",
        "in 2 places", "upgrade 5 machines", "Str. 5",
        NULL};
    for (const char **k = keep; *k; k++) {
        const char *r = scan(*k);
        if (*r)
            fprintf(stderr, "look-alike redacted: \"%s\" -> %s\n", *k, r);
        CHECK(*r == 0);
    }
    /* "City, ST 12345" (a regression: the city was looked for after the
     * comma, so this form found nothing) */
    CHECK_STR(scan("ship to Redmond, WA 98052 today"), "LOCATION@8-25");
    CHECK_STR(scan("Fort Worth, TX 76102-1234"), "LOCATION@0-25");
    /* streets written the way the rest of the world writes them: the
     * name first and the number after, the kind of street before its
     * name, a house number with a letter; with the postal code and city
     * that follow */
    CHECK_STR(scan("ship to Hauptstra\xC3\x9F" "e 5, 10115 Berlin please"),
              "LOCATION@8-36");
    CHECK_STR(scan("at Berliner Str. 12a today"), "LOCATION@3-20");
    CHECK_STR(scan("Keizersgracht 123, Amsterdam"), "LOCATION@0-28");
    CHECK_STR(scan("Alexanderplatz 1."), "LOCATION@0-16");
    CHECK_STR(scan("Via Roma 10, 00184 Roma"), "LOCATION@0-23");
    CHECK_STR(scan("Calle de Alcal\xC3\xA1 42"), "LOCATION@0-19");
    CHECK_STR(scan("send to 10 rue de la Paix 75002 Paris now"),
              "LOCATION@8-37");
    CHECK_STR(scan("5, avenue des Champs-\xC3\x89lys\xC3\xA9" "es"),
              "LOCATION@0-30");
    CHECK_STR(scan("my address is 221B Baker Street"), "LOCATION@14-31");
    /* after '#' a number is an id, unless the word before says what it
     * is (ssn#123456789 and card#4111... were kept) */
    CHECK_STR(scan("ssn#123456789"), "US_SSN@4-13");
    CHECK_STR(scan("phone #4255550100"), "PHONE@7-17");
    CHECK_STR(scan("card#4111111111111111"), "CREDIT_CARD@5-21");
    CHECK_STR(scan("order #123456789"), "");
    CHECK_STR(scan("ticket #4255550100"), "");
    /* weak forms need context */
    CHECK_STR(scan("ref 4255550100"), "");
    CHECK_STR(scan("call 4255550100"), "PHONE@5-15");
    CHECK_STR(scan("id 123456789"), "");
    CHECK_STR(scan("SSN 123456789"), "US_SSN@4-13");
    /* a cue in any case, anywhere in the 48 bytes before, as a word, but
     * not on the line before */
    CHECK_STR(scan("WhatsApp me: 4255550100"), "PHONE@13-23");
    CHECK_STR(scan("please call\n4255550100"), "");
    CHECK_STR(scan("recall 4255550100"), "");
    CHECK_STR(scan("call the office, or else try 4255550100"), "PHONE@29-39");
    CHECK_STR(scan("call us; we are open from nine to five on weekdays, "
                   "try 4255550100"),
              "");
    /* addresses side by side are addresses: a run of digits cut inside
     * one ("0.0.4 10.0.0.1 10.0.0.2", 00 then 11 digits) or read digit
     * by digit was a phone (a regression) */
    CHECK_STR(scan("ips 10.0.0.4 10.0.0.1 10.0.0.2 today"),
              "IP_ADDRESS@4-12 IP_ADDRESS@13-21 IP_ADDRESS@22-30");
    CHECK_STR(scan("1.2.3.4 5.6.7.8 9.1.2.3"),
              "IP_ADDRESS@0-7 IP_ADDRESS@8-15 IP_ADDRESS@16-23");
    CHECK_STR(scan("call 4 2 5 5 5 5 0 1 0 0"), "PHONE@5-24");
    /* a range: the dash between two addresses does not glue them to a
     * word (both were missed); a dash before a word still does */
    CHECK_STR(scan("allow 192.168.0.1-192.168.0.254 now"),
              "IP_ADDRESS@6-17 IP_ADDRESS@18-31");
    CHECK_STR(scan("libfoo 1.2.3.4-1ubuntu2"), "");
    /* credentials in data-store URIs, HTTP headers and curl -u were left
     * in clear (a regression) */
    CHECK_STR(scan("redis://:p4ssw0rd@10.0.0.5:6379/0"), "URL@0-33");
    CHECK_STR(scan("db postgres://admin:S3cret@db.contoso.com:5432/prod"),
              "URL@3-51");
    CHECK_STR(scan("mongodb+srv://u:p@cluster0.mongodb.net/x"), "URL@0-40");
    CHECK_STR(scan("Authorization: Basic YWRtaW46aHVudGVyMjI="), "SECRET@21-41");
    CHECK_STR(scan("Authorization: Bearer abcdef123456"), "SECRET@22-34");
    CHECK_STR(scan("curl -u admin:hunter22 -X GET"), "SECRET@14-22");
    /* the short keys and the longer ways of saying it were kept */
    CHECK_STR(scan("pw: hunter22"), "SECRET@4-12");
    CHECK_STR(scan("set pw=Winter2025 on it"), "SECRET@7-17");
    CHECK_STR(scan("pin: 4821"), "SECRET@5-9");
    CHECK_STR(scan("PIN code is 4821"), "SECRET@12-16");
    CHECK_STR(scan("my pass is hunter2"), "SECRET@11-18");
    CHECK_STR(scan("the password for the admin account is Summer2024!"),
              "SECRET@38-48");
    CHECK_STR(scan("the password to the wifi is Guest#2024."), "SECRET@28-38");
    /* a quoted value is whole: spaces, and its last '!' (both were
     * left in clear) */
    CHECK_STR(scan("Password is \"S3cret pass phrase\""), "SECRET@13-31");
    CHECK_STR(scan("The password is \"Summer2024!\""), "SECRET@17-28");
    CHECK_STR(scan("the password is \"too short\" it says"), "");
    /* "phone number 4255550100": the word before "number" names it; an
     * order number is still an id */
    CHECK_STR(scan("phone number 4255550100"), "PHONE@13-23");
    CHECK_STR(scan("contact number: 4255550100"), "PHONE@16-26");
    CHECK_STR(scan("SSN no 123456789"), "US_SSN@7-16");
    CHECK_STR(scan("social security number 123456789"), "US_SSN@23-32");
    CHECK_STR(scan("call about order number 4255550100"), "");
    CHECK_STR(scan("ticket no 4255550100"), "");
    /* an IBAN in dashed groups (was kept), checked like any other */
    CHECK_STR(scan("IBAN DE89-3704-0044-0532-0130-00 ok"), "IBAN@5-32");
    CHECK_STR(norm("GB82-WEST-1234-5698-7654-32"), "GB82WEST12345698765432");
    CHECK_STR(scan("DE89-3704-0044-0532-0130-01"), "");
    CHECK_STR(scan("ref AB12-CDEF-GHIJ-KLMN"), "");
    CHECK_STR(scan("id 953bde25-e74c-ba07-7b74-c34e78d76ca2 failed"), "");
    /* a GUID whose first group is all digits, after a phone cue */
    CHECK_STR(scan("call 425-555-0194, id 82974405-b61a-278e-b530-3df04d2af7ae"),
              "PHONE@5-17");
    CHECK_STR(scan("call 425-555-0100-ext 12"), "PHONE@5-17");
    static const char *said_prose[] = {
        "my pass is expired", "pass: see attached", "Boarding pass: attached",
        "the password for the VPN is not working", "spin: 5",
        "the password for my account was changed yesterday",
        "pin: the issue to the top", "the pin for the dashboard is at the top",
        "the pass rate was 95%", "compass: 5 degrees", "bypass: true", NULL};
    for (const char **k = said_prose; *k; k++)
        CHECK_STR(scan(*k), "");
    CHECK_STR(scan("sudo -u postgres psql; git push -u origin main"), "");
    CHECK_STR(scan("the basic plan"), "");
    /* accented names are whole ("my name is Jos<PERSON>é García" left the
     * surname in clear), later words may start with an accented capital */
    CHECK_STR(scan("my name is Jos\xC3\xA9 Garc\xC3\xAD" "a and"), "PERSON@11-24");
    CHECK_STR(scan("Contact: Dr. Anna-Lena M\xC3\xBCller-Schmidt"),
              "PERSON@13-38");
    CHECK_STR(scan("Regards, Zo\xC3\xAB \xC3\x85ngstr\xC3\xB6m"), "PERSON@9-24");
    /* a title is not a second person ("Dear <PERSON>. <PERSON>" counted
     * "mr" among the distinct names) */
    CHECK_STR(scan("Dear Mr. Smith,"), "PERSON@9-14");
    /* "call me" names what to call one, when the gazetteer knows it */
    CHECK_STR(scan("everyone calls me Billy."), "PERSON@18-23");
    CHECK_STR(scan("you can call me Maria Garcia"), "PERSON@16-28");
    CHECK_STR(scan("please call me Monday"), "");
    CHECK_STR(scan("call me Tomorrow"), "");
    CHECK_STR(scan("recall me Billy"), "");
    /* a sign-off that ends its line, the name on the next */
    CHECK_STR(scan("Regards,\nPriya"), "PERSON@9-14");
    CHECK_STR(scan("Kind regards,\r\nPriya Patel\nAcme"), "PERSON@15-26");
    CHECK_STR(scan("Thank you!\nJohn"), "PERSON@11-15");
    CHECK_STR(scan("It failed again,\nPlease help"), "");
    CHECK_STR(scan("Best,\nMonday"), "");
    CHECK_STR(scan("Regards,\nThe Support Team"), "");
    CHECK_STR(scan("Regards,\nWei Look at the log"), "PERSON@9-12");
    /* the name's line folded for a full-width @ later in it: the
     * sign-off on the line before still judges it */
    CHECK_STR(scan("Regards,\nMaria, mail jane\357\274\240contoso.com"),
              "PERSON@9-14 EMAIL@21-39");
    CHECK_STR(scan("Dear Miss Jones"), "PERSON@5-15");
    /* names that begin with a two-byte capital after a cue (the cue's
     * trigger was a space before an ASCII capital), Cyrillic ones with
     * no ASCII small letter; all capitals are still no name */
    CHECK_STR(scan("Dear \xC3\x98yvind Hansen,"), "PERSON@5-19");
    CHECK_STR(scan("my name is \xC5\x81ukasz \xC5\xBB" "ak"), "PERSON@11-23");
    CHECK_STR(scan("Regards, \xD0\x98\xD0\xB2\xD0\xB0\xD0\xBD"), "PERSON@9-17");
    CHECK_STR(scan("my name is \xD0\x97\xD0\x90\xD0\x9E"), "");
    CHECK_STR(scan("The \xC3\x96konomie section"), "");
    /* a cue is a word: a token ending in "dR" is no title */
    CHECK_STR(scan("token: xoxb-5tUmo1Sbi4kMj931340OM9dR Is KB4060454 safe"),
              "SECRET@7-36");
    /* a domain ends in a top-level domain: logo@2x.png is a file (it was
     * an EMAIL); company-internal names count */
    CHECK_STR(scan("see logo@2x.png and icon@3x.jpg"), "");
    CHECK_STR(scan("mail jane@contoso.local"), "EMAIL@5-23");
    CHECK_STR(scan("mail jane@contoso.museum"), "EMAIL@5-24");
    CHECK_STR(scan("app-1.2.3.4"), "");
    CHECK_STR(scan("call 00 44 20 7946 0958"), "PHONE@5-23");
}

static void hints(void)
{
    rd_hint h = rd_hint_for_key(E, "phone", 5);
    const rd_match *m;
    CHECK(rd_scan(E, S, "4255550100", 10, &h, &m) == 1 && m[0].type == RD_PHONE);
    h = rd_hint_for_key(E, "order_id", 8);
    CHECK(rd_scan(E, S, "4255550100", 10, &h, &m) == 0);
    h = rd_hint_for_key(E, "customerName", 12);
    CHECK(rd_scan(E, S, "Jane Doe", 8, &h, &m) == 1 && m[0].type == RD_PERSON);
    h = rd_hint_for_key(E, "clientIp", 8);
    CHECK(h.want == ((uint64_t)1 << RD_IP_ADDRESS));
    h = rd_hint_for_key(E, "db_password", 11);
    CHECK(rd_scan(E, S, "sunshine", 8, &h, &m) == 1 && m[0].type == RD_SECRET);
    CHECK(rd_classify_number(E, "4111111111111111", 16, NULL) ==
          RD_CREDIT_CARD);
    CHECK(rd_classify_number(E, "4255550100", 10, NULL) == -1);
    /* a card's CVV under its key, as a string or a number */
    h = rd_hint_for_key(E, "card_cvv", 8);
    CHECK(rd_scan(E, S, "123", 3, &h, &m) == 1 && m[0].type == RD_CREDIT_CARD);
    CHECK(rd_scan(E, S, "n/a", 3, &h, &m) == 0);
    CHECK(rd_scan(E, S, "12345", 5, &h, &m) == 0);
    CHECK(rd_classify_number(E, "4821", 4, &h) == RD_CREDIT_CARD);
    CHECK(rd_classify_number(E, "48210", 5, &h) == -1);
    CHECK(rd_classify_number(E, "123", 3, NULL) == -1);
    /* a date of birth under its key: the whole value when it is a date */
    h = rd_hint_for_key(E, "date_of_birth", 13);
    CHECK(rd_scan(E, S, "12 April 1985", 13, &h, &m) == 1 &&
          m[0].type == RD_DATE_OF_BIRTH && m[0].nlen == 9 &&
          !memcmp(m[0].norm, "1985-4-12", 9));
    CHECK(rd_scan(E, S, "unknown", 7, &h, &m) == 0);
    h = rd_hint_for_key(E, "birthDate", 9);
    CHECK(rd_scan(E, S, " 1985-04-12 ", 12, &h, &m) == 1 && m[0].start == 1);
    h = rd_hint_for_key(E, "created", 7);
    CHECK(rd_scan(E, S, "1985-04-12", 10, &h, &m) == 0);
    /* coordinates under their key */
    h = rd_hint_for_key(E, "geo", 3);
    CHECK(rd_scan(E, S, "47.6,-122.3", 11, &h, &m) == 1 &&
          m[0].type == RD_LOCATION);
    h = rd_hint_for_key(E, "last_lat", 8);
    CHECK(h.whole == RD_LOCATION);
    h = rd_hint_for_key(E, "long_description", 16);
    CHECK(h.whole != RD_LOCATION);
    /* what a hint can change: the whole-value shape and weak candidates */
    h = rd_hint_for_key(E, "agent", 5);
    CHECK(rd_hint_whole_fits(&h, " Jane Doe ", 10));
    CHECK(!rd_hint_whole_fits(&h, "tier1-americas", 14));
    /* a team or queue names no one; a name of such words is still one */
    CHECK(!rd_hint_whole_fits(&h, "billing-desk", 12));
    CHECK(!rd_hint_whole_fits(&h, "Tier Support", 12));
    CHECK(!rd_hint_whole_fits(&h, "helpdesk", 8));
    CHECK(rd_hint_whole_fits(&h, "Jean-Luc Picard", 15));
    CHECK(rd_hint_whole_fits(&h, "jane.doe", 8));
    CHECK(rd_hint_whole_fits(&h, "Bill Desk", 9));
    CHECK(!rd_hint_whole_fits(&h, "Thanks for waiting, Jane Doe will call", 38));
    h = rd_hint_for_key(E, "order_id", 8);
    CHECK(!rd_hint_whole_fits(&h, "Jane Doe", 8));
    const rd_span *wk;
    /* kept (context) or not, a weak candidate is listed; strong ones not */
    CHECK(rd_scan(E, S, "ref 4255550100, call 4255550100, 425-555-0100", 45,
                  NULL, &m) == 2);
    CHECK(rd_scan_weak(S, &wk) == 2 && wk[0].start == 4 && wk[0].end == 14 &&
          wk[0].type == RD_PHONE && wk[1].start == 21);
    h = rd_hint_for_key(E, "phone", 5);
    CHECK(rd_scan(E, S, "4255550100", 10, &h, &m) == 1);
    CHECK(rd_scan_weak(S, &wk) == 0); /* hinted scans list none */
}

/* process one record and return the output */
static const char *rec(rd_worker *w, rd_role role, const char *r)
{
    static char buf[4096];
    rd_worker_reset(w);
    CHECK(rd_record(w, role, r, strlen(r), 1) == 0);
    snprintf(buf, sizeof buf, "%.*s", (int)w->out.n, w->out.p ? w->out.p : "");
    return buf;
}

static void records(void)
{
    rd_keyed k = {.token_hex = 8};
    memset(k.key, 1, sizeof k.key);
    rd_opts o = {.mode = RD_ACT_MASK, .key = &k, .count = &k, .findings = 1};
    rd_worker w;
    CHECK(rd_worker_init(&w, E, &o) == 0);
    CHECK_STR(rec(&w, RD_ROLE_JSON, "{\"a\" : \"mail jane\\u0040contoso.com\" ,\"b\":1}"),
              "{\"a\" : \"mail <EMAIL>\" ,\"b\":1}");
    CHECK_STR(w.findings.p ? w.findings.p : "",
              "{\"record\":1,\"field\":\"/a\",\"start\":5,\"end\":21,"
              "\"type\":\"EMAIL\"}\n");
    CHECK_STR(rec(&w, RD_ROLE_JSON, "{\"a~/b\":[\"x\",{\"c\":\"10.0.0.1\"}]}"),
              "{\"a~/b\":[\"x\",{\"c\":\"<IP_ADDRESS>\"}]}");
    CHECK(strstr(w.findings.p, "\"/a~0~1b/1/c\"") != NULL);
    CHECK_STR(rec(&w, RD_ROLE_JSON, " {\"n\":4111111111111111} "),
              " {\"n\":\"<CREDIT_CARD>\"} ");
    CHECK_STR(rec(&w, RD_ROLE_JSON, "{\"a\":\"x\\\"y\"}"), "{\"a\":\"x\\\"y\"}");
    CHECK_STR(rec(&w, RD_ROLE_JSON, "{\"a\":\"jane@contoso.com\"")
                  , "{\"a\":\"<EMAIL>\"");
    CHECK(w.st.malformed == 1);
    CHECK_STR(rec(&w, RD_ROLE_CSV, "1,\"a \"\"b\"\", jane@contoso.com\",x"),
              "1,\"a \"\"b\"\", <EMAIL>\",x");
    CHECK_STR(rec(&w, RD_ROLE_TEXT, "no pii here"), "no pii here");
    o.mode = RD_ACT_DROP;
    CHECK_STR(rec(&w, RD_ROLE_JSON, "{\"a\":1,\"b\":\"jane@contoso.com\"}"),
              "{\"a\":1}");
    CHECK_STR(rec(&w, RD_ROLE_JSON, "{\"b\":\"jane@contoso.com\",\"a\":1}"),
              "{\"a\":1}");
    CHECK_STR(rec(&w, RD_ROLE_JSON, "[\"jane@contoso.com\",2]"), "[2]");
    o.mode = RD_ACT_PARTIAL;
    CHECK_STR(rec(&w, RD_ROLE_TEXT, "jane.doe@contoso.com 123-45-6789"),
              "j***@contoso.com ***-**-6789");
    o.mode = RD_ACT_TOKEN;
    char a[64], b[64];
    snprintf(a, sizeof a, "%s", rec(&w, RD_ROLE_TEXT, "Jane.Doe @ Contoso.com"));
    snprintf(b, sizeof b, "%s", rec(&w, RD_ROLE_TEXT, "jane.doe@contoso.com"));
    CHECK_STR(a, b);
    CHECK(strncmp(a, "<EMAIL:", 7) == 0 && strlen(a) == 16);
    CHECK(rd_bulk_action("{\"index\":{}}", 12) == 1);
    CHECK(rd_bulk_action("{ \"delete\" : {}}", 16) == 0);
    CHECK(rd_bulk_action("{\"doc\":{}}", 10) == -1);
    rd_worker_free(&w);
}

/* rd_pem_open: the first BEGIN line whose key may go on past the end */
static void pem_open(void)
{
    const char *k1 = "x\n-----BEGIN RSA PRIVATE KEY-----\nAAAA\n",
               *end = "-----END RSA PRIVATE KEY-----\n";
    char buf[RD_PEM_REACH * 2 + 256];
    snprintf(buf, sizeof buf, "%s", k1);
    CHECK(rd_pem_open(buf, strlen(buf)) == 2);
    snprintf(buf, sizeof buf, "%s%s", k1, end); /* closed */
    CHECK(rd_pem_open(buf, strlen(buf)) == SIZE_MAX);
    /* closed but for its last dashes: the key may still go on */
    CHECK(rd_pem_open(buf, strlen(buf) - 6) == 2);
    /* a closed key, then an open one: the open one */
    snprintf(buf, sizeof buf, "%s%s%s", k1, end, k1);
    CHECK(rd_pem_open(buf, strlen(buf)) == strlen(k1) + strlen(end) + 2);
    /* a BEGIN further back than a key reaches decides nothing past n */
    snprintf(buf, sizeof buf, "%s", k1);
    memset(buf + strlen(k1), 'A', RD_PEM_REACH + 64);
    buf[strlen(k1) + RD_PEM_REACH + 64] = 0;
    CHECK(rd_pem_open(buf, strlen(buf)) == SIZE_MAX);
    CHECK(rd_pem_open(buf, strlen(buf) - 100) == 2);
    CHECK(rd_pem_open("no key", 6) == SIZE_MAX);
}

/* every key of a schema stays cached however the keys hash: the cache
 * was direct-mapped, and two keys of a record in one slot evicted each
 * other on every record (a third of 8-key schemas; 30 % of the run) */
static void key_cache(void)
{
    rd_opts o = {.mode = RD_ACT_MASK};
    rd_worker w;
    CHECK(rd_worker_init(&w, E, &o) == 0);
    char r[8192];
    for (int round = 0; round < 20; round++) {
        size_t n = 0;
        r[n++] = '{';
        for (int k = 0; k < 120; k++)
            n += (size_t)snprintf(r + n, sizeof r - n, "%s\"field_%d\":\"x\"",
                                  k ? "," : "", k * 7919);
        r[n++] = '}';
        rd_worker_reset(&w);
        CHECK(rd_record(&w, RD_ROLE_JSON, r, n, 1) == 0);
    }
    CHECK(w.hint_computed == 120);
    /* a key too long for a slot is computed every time, and still right */
    rd_worker_reset(&w);
    const char *lk = "{\"customer_mobile_phone_number_for_callback_requests\":"
                     "\"4255550100\"}";
    CHECK(rd_record(&w, RD_ROLE_JSON, lk, strlen(lk), 1) == 0);
    CHECK(rd_record(&w, RD_ROLE_JSON, lk, strlen(lk), 2) == 0);
    CHECK(w.hint_computed == 122);
    CHECK(strstr(w.out.p, "<PHONE>") != NULL);
    rd_worker_free(&w);
}

/* A short value under a hinting key that has its own scan is scanned
 * once per worker (w->vc): a repeat takes the matches kept, which must
 * be what a scan gives -- the same bytes under another key's hint are
 * another result, and a normalised value kept tokenises as a fresh one */
static void value_cache(void)
{
    rd_keyed k = {.token_hex = 8};
    memset(k.key, 1, sizeof k.key);
    rd_opts o = {.mode = RD_ACT_TOKEN, .key = &k, .count = &k, .findings = 1};
    rd_worker w;
    CHECK(rd_worker_init(&w, E, &o) == 0);
    char email[64], person[64], phone[64], want[1024];
    snprintf(email, sizeof email, "%s", rec(&w, RD_ROLE_TEXT, "jane.doe@contoso.com"));
    snprintf(person, sizeof person, "%s",
             rec(&w, RD_ROLE_JSON, "{\"agent\":\"jsmith\"}"));
    snprintf(phone, sizeof phone, "%s",
             rec(&w, RD_ROLE_JSON, "{\"phone\":\"4255550100\"}"));
    CHECK(strncmp(person, "{\"agent\":\"<PERSON:", 18) == 0);
    CHECK(strncmp(phone, "{\"phone\":\"<PHONE:", 17) == 0);
    snprintf(want, sizeof want,
             "{\"phone\":\"%.16s\",\"order\":\"4255550100\",\"mail\":\"%s\","
             "\"agent\":\"%.17s\",\"tel\":\"%.16s\",\"owner\":\"%.17s\","
             "\"email\":\"%s\",\"case\":\"4255550100\"}",
             phone + 10, email, person + 10, phone + 10, person + 10, email);
    const char *r =
        "{\"phone\":\"4255550100\",\"order\":\"4255550100\","
        "\"mail\":\"Jane.Doe\\u0040Contoso.com\",\"agent\":\"jsmith\","
        "\"tel\":\"4255550100\",\"owner\":\"jsmith\","
        "\"email\":\"Jane.Doe\\u0040Contoso.com\",\"case\":\"4255550100\"}";
    uint64_t h0 = w.vc_hits;
    for (int round = 0; round < 3; round++)
        CHECK_STR(rec(&w, RD_ROLE_JSON, r), want);
    CHECK(w.vc_hits - h0 >= 3 * 5); /* all but the first of each */
    rd_worker_free(&w);
}

/* Overlapping candidates resolve longest first, each kept unless it
 * overlaps one kept before; clusters of more than s->big_cluster
 * candidates check that on a map of the bytes kept instead of against
 * each match kept.  Both ways must choose the same: JWT-shaped segments
 * "eyJ" a^(8+k) "." that chain into one cluster (longer ones later in the
 * text, so kept first), the same evenly, and the windows() text. */
static void same_matches(const char *t, size_t n)
{
    const rd_match *m;
    S->big_cluster = SIZE_MAX; /* never the map */
    size_t na = rd_scan(E, S, t, n, NULL, &m);
    rd_match *a = malloc((na + 1) * sizeof *a);
    CHECK(a != NULL && na != RD_SCAN_ERROR);
    if (!a)
        return;
    memcpy(a, m, na * sizeof *a);
    S->big_cluster = 0; /* always */
    size_t nb = rd_scan(E, S, t, n, NULL, &m);
    CHECK(na == nb);
    for (size_t i = 0; i < na && i < nb; i++)
        CHECK(a[i].start == m[i].start && a[i].end == m[i].end &&
              a[i].type == m[i].type);
    S->big_cluster = 32;
    free(a);
}

static void big_cluster(void)
{
    char t[8000];
    size_t n = 0;
    for (int k = 0; k <= 60; k++)
        n += (size_t)snprintf(t + n, sizeof t - n, "eyJ%0*d.", 8 + k, 0);
    for (size_t i = 0; i < n; i++)
        if (t[i] == '0')
            t[i] = 'a';
    same_matches(t, n);
    const rd_match *m;
    CHECK(rd_scan(E, S, t, n, NULL, &m) == 20); /* a cluster of more */
    n = 0;
    for (int k = 0; k <= 300; k++)
        n += (size_t)snprintf(t + n, sizeof t - n, "eyJaaaaaaaa.");
    same_matches(t, n);
}

/* Record j through a worker with the default window (a long value taken
 * whole, by a tree walk) and one with 8 KB windows that walks JSON as it
 * is parsed (long_string, long_field), in every mode: the same output,
 * findings and counts.  `what` names the case when they differ. */
static void same_as_whole(rd_role role, const rd_buf *j, const char *what,
                          size_t min_findings)
{
    for (int mode = 0; mode < 4; mode++) {
        static const rd_action modes[] = {RD_ACT_MASK, RD_ACT_DROP,
                                          RD_ACT_PARTIAL, RD_ACT_MASK};
        rd_opts o = {.mode = modes[mode], .findings = 1, .check = mode == 3};
        rd_worker a, b;
        CHECK(rd_worker_init(&a, E, &o) == 0);
        CHECK(rd_worker_init(&b, E, &o) == 0);
        b.win = 8192;
        b.tree_max = 256;
        CHECK(rd_record(&a, role, j->p, j->n, 1) == 0);
        CHECK(rd_record(&b, role, j->p, j->n, 1) == 0);
        int same = a.out.n == b.out.n &&
                   (!a.out.n || !memcmp(a.out.p, b.out.p, a.out.n)) &&
                   a.findings.n == b.findings.n &&
                   !memcmp(a.findings.p, b.findings.p, a.findings.n) &&
                   !memcmp(&a.st, &b.st, sizeof a.st);
        CHECK(same);
        if (!same)
            fprintf(stderr, "%s, mode %d: out %zu/%zu findings %zu/%zu\n",
                    what, mode, a.out.n, b.out.n, a.findings.n,
                    b.findings.n);
        CHECK(a.findings.n > min_findings && a.st.changed == 1);
        CHECK(mode == 3 || (a.out.n > 0 && a.out.n < j->n));
        rd_worker_free(&a);
        rd_worker_free(&b);
    }
}

/* The text of windows() as the long string of a JSON record, as it is
 * and with escapes in it (\u0040 for every @, \n and \u00e9 here and
 * there), and as a long CSV field, quoted with doubled quotes in it and
 * unquoted (no commas) with a quote in it: the same as the value taken
 * whole (same_as_whole). */
static void long_strings(const char *t, size_t n)
{
    rd_buf j = {0};
    for (int esc = 0; esc < 3; esc++) {
        j.n = 0;
        const char *head = "{\"id\":7,\"body\":\"",
                   *tail = "\",\"phone\":\"4255550100\"}",
                   *cue = "my name is ";
        rd_buf_put(&j, head, strlen(head));
        /* 2: a name whose cue is in the window before (the second
         * window boundary, at 16384 in the decoded value, after the
         * first has let decoded bytes go): those words must still be
         * there for the next window */
        if (esc == 2) {
            rd_buf_put(&j, "\\u0040", 6);
            for (size_t i = 1; i < 2 * 8192 - strlen(cue); i++)
                rd_buf_putc(&j, "lorem ipsum "[i % 12]);
            rd_buf_put(&j, cue, strlen(cue));
            rd_buf_put(&j, "Xanthe Quorrow", 14);
            for (size_t i = 0; i < 80000; i++)
                rd_buf_putc(&j, "lorem ipsum "[i % 12]);
        }
        for (size_t i = 0; i < n && esc < 2; i++) {
            if (esc && t[i] == '@')
                rd_buf_put(&j, "\\u0040", 6);
            else if (esc && t[i] == ' ' && i % 97 == 0)
                rd_buf_put(&j, "\\n", 2);
            else if (esc && t[i] == 'e' && i % 5 == 0)
                rd_buf_put(&j, "\\u00e9", 6); /* two bytes decoded */
            else
                rd_buf_putc(&j, t[i]);
        }
        rd_buf_put(&j, tail, strlen(tail));
        same_as_whole(RD_ROLE_JSON, &j, esc == 2 ? "JSON, a cue before"
                                        : esc   ? "JSON, escaped"
                                                : "JSON",
                      esc < 2 ? 10000 : 0);
    }
    for (int quoted = 0; quoted < 2; quoted++) {
        j.n = 0;
        rd_buf_put(&j, "7,", 2);
        if (quoted)
            rd_buf_putc(&j, '"');
        for (size_t i = 0; i < n; i++) {
            if (t[i] == ',')
                rd_buf_putc(&j, quoted ? ',' : ';');
            else if (t[i] == ' ' && i % 89 == 0)
                rd_buf_put(&j, quoted ? "\"\"" : "\"", quoted ? 2 : 1);
            else
                rd_buf_putc(&j, t[i]);
        }
        rd_buf_put(&j, quoted ? "\",4255550100" : ",4255550100", quoted ? 12 : 11);
        same_as_whole(RD_ROLE_CSV, &j, quoted ? "CSV, quoted" : "CSV", 10000);
    }
    rd_buf_free(&j);
}

/* The engine of policy y (NULL, a check failed, when it does not
 * compile; *p is for rd_policy_free after it) and a fixed token key. */
static rd_engine *engine_for(const char *y, rd_policy **p, rd_keyed *key)
{
    lg_err e;
    *p = rd_policy_parse("p.yml", y, strlen(y), &e);
    rd_engine *g = *p ? rd_engine_new(*p, &e) : NULL;
    CHECK(g != NULL);
    memset(key->key, 7, sizeof key->key);
    key->token_hex = 8;
    return g;
}

/* A long value a field rule tokenises or masks whole (long_whole): its
 * token from the pieces of the decoded value, the same as from the value
 * held whole; JSON escaped and CSV quoted with doubled quotes. */
static void long_whole_fields(const char *t, size_t n)
{
    rd_policy *p;
    rd_keyed key;
    rd_engine *g =
        engine_for("fields:\n  body: token\n  notes: mask\n", &p, &key);
    if (!g) {
        rd_policy_free(p);
        return;
    }
    lg_err e;
    rd_columns cols;
    CHECK(rd_columns_parse(&cols, g, "id,body,notes", 13, &e) == 0);
    rd_buf j = {0}, c = {0};
    rd_buf_put(&j, "{\"id\":7,\"body\":\"", 16);
    rd_buf_put(&c, "7,\"", 3);
    for (size_t i = 0; i < n; i++) {
        if (t[i] == '@') {
            rd_buf_put(&j, "\\u0040", 6);
            rd_buf_putc(&c, '@');
        } else if (t[i] == ' ' && i % 89 == 0) {
            rd_buf_put(&j, "\\\"", 2);
            rd_buf_put(&c, "\"\"", 2);
        } else {
            rd_buf_putc(&j, t[i]);
            rd_buf_putc(&c, t[i]);
        }
    }
    rd_buf_put(&j, "\",\"notes\":\"", 11);
    rd_buf_put(&c, "\",\"", 3);
    rd_buf_put(&j, t, n);
    rd_buf_put(&c, t, n);
    rd_buf_put(&j, "\"}", 2);
    rd_buf_putc(&c, '"');
    rd_opts o = {.mode = RD_ACT_MASK, .key = &key, .findings = 1};
    for (int csv = 0; csv < 2; csv++) {
        rd_worker a, b;
        CHECK(rd_worker_init(&a, g, &o) == 0);
        CHECK(rd_worker_init(&b, g, &o) == 0);
        a.cols = b.cols = &cols;
        b.win = 8192;
        rd_role role = csv ? RD_ROLE_CSV : RD_ROLE_JSON;
        const rd_buf *r = csv ? &c : &j;
        CHECK(rd_record(&a, role, r->p, r->n, 1) == 0);
        CHECK(rd_record(&b, role, r->p, r->n, 1) == 0);
        CHECK(a.out.n < 200 && memmem(a.out.p, a.out.n, "<REDACTED:", 10));
        CHECK(memmem(a.out.p, a.out.n, "<REDACTED>", 10) != NULL);
        CHECK(a.out.n == b.out.n && !memcmp(a.out.p, b.out.p, a.out.n));
        CHECK(a.findings.n == b.findings.n &&
              !memcmp(a.findings.p, b.findings.p, a.findings.n));
        if (a.out.n != b.out.n || memcmp(a.out.p, b.out.p, a.out.n))
            fprintf(stderr, "whole, csv %d:\n%.*s\n%.*s\n", csv,
                    (int)a.out.n, a.out.p, (int)b.out.n, b.out.p);
        rd_worker_free(&a);
        rd_worker_free(&b);
    }
    rd_buf_free(&j);
    rd_buf_free(&c);
    rd_columns_free(&cols);
    rd_engine_free(g);
    rd_policy_free(p);
}

/* A long value scanned window by window gives what one scan of it gives:
 * the same text, JSON and CSV records through a worker whose window is
 * 8 KB (each record long, each long value in windows) and one whose
 * window is the default (one scan), with values planted at random
 * places, many across the 8 KB steps. */
static void windows(void)
{
    static const char *plant[] = {
        "jane.doe@contoso.com", "jane.doe @ contoso.com",
        "jane[at]contoso[dot]com", "call me at 425-555-0100",
        "my ssn is 123-45-6789", "10.1.2.3", "52.1.2[.]3",
        "fe80::1ff:fe23:4567:890a", "4111 1111 1111 1111",
        "IBAN DE89 3704 0044 0532 0130 00", "00:1A:2B:3C:4D:5E",
        "https://user:pw@example.com/x?token=abc", "password=hunter22",
        "AKIAIOSFODNN7EXAMPLE", "my name is Jane Smith",
        "1 Main Street, Redmond, WA 98052", "Regards, John Miller",
        "build 10.0.19041.1415", "0x80070005", "order 4748 2674 shipped"};
    static const char *fill[] = {"the", "printer", "stopped", "again", "after",
                                 "update", "we", "tried", "twice", "today"};
    size_t cap = 400000, n = 0;
    char *t = malloc(cap + 64);
    CHECK(t != NULL);
    if (!t)
        return;
    uint64_t x = 42;
    while (n < cap - 64) {
        x = x * 6364136223846793005ULL + 1442695040888963407ULL;
        const char *p = (x >> 33) % 9 == 0
                            ? plant[(x >> 40) % (sizeof plant / sizeof *plant)]
                            : fill[(x >> 40) % (sizeof fill / sizeof *fill)];
        size_t k = strlen(p);
        if (n + k + 1 > cap - 64)
            break;
        memcpy(t + n, p, k);
        n += k;
        t[n++] = ' ';
    }
    same_matches(t, n);
    /* the same text as a JSON string and as a CSV field */
    size_t jn = 0, cn = 0;
    char *j = malloc(n + 64), *c = malloc(n + 64);
    CHECK(j && c);
    if (!j || !c) {
        free(t), free(j), free(c);
        return;
    }
    jn = (size_t)sprintf(j, "{\"id\":7,\"body\":\"");
    memcpy(j + jn, t, n);
    jn += n;
    jn += (size_t)sprintf(j + jn, "\",\"phone\":\"4255550100\"}");
    cn = (size_t)sprintf(c, "7,\"");
    memcpy(c + cn, t, n);
    cn += n;
    cn += (size_t)sprintf(c + cn, "\",4255550100");
    struct { rd_role role; const char *r; size_t n; } in[] = {
        {RD_ROLE_TEXT, t, n}, {RD_ROLE_JSON, j, jn}, {RD_ROLE_CSV, c, cn}};
    rd_opts o = {.mode = RD_ACT_MASK, .findings = 1};
    rd_worker a, b;
    CHECK(rd_worker_init(&a, E, &o) == 0);
    CHECK(rd_worker_init(&b, E, &o) == 0);
    b.win = 8192;
    for (size_t i = 0; i < sizeof in / sizeof *in; i++) {
        rd_worker_reset(&a);
        rd_worker_reset(&b);
        CHECK(rd_record(&a, in[i].role, in[i].r, in[i].n, 1) == 0);
        CHECK(rd_record(&b, in[i].role, in[i].r, in[i].n, 1) == 0);
        CHECK(a.out.n > 0 && a.out.n < in[i].n); /* found and masked */
        CHECK(a.out.n == b.out.n && memcmp(a.out.p, b.out.p, a.out.n) == 0);
        CHECK(a.findings.n > 10000);
        CHECK(a.findings.n == b.findings.n &&
              memcmp(a.findings.p, b.findings.p, a.findings.n) == 0);
    }
    /* the text again, redacted in pieces of random sizes as the command
     * reads a long line (rd_text_piece): the output and findings of the
     * whole record, the record counted once */
    for (int round = 0; round < 4; round++) {
        rd_worker_reset(&a);
        rd_buf out = {0}, fnd = {0}, data = {0};
        rd_piece pc = {.recno = 1};
        size_t next = 0; /* the text's bytes read so far */
        uint64_t rec0 = b.st.records, chg0 = b.st.changed;
        int last = 0;
        while (!last) {
            x = x * 6364136223846793005ULL + 1442695040888963407ULL;
            size_t more = 8192 + RD_WIN_AHEAD + (size_t)(x >> 33) % 60000;
            if (more > n - next)
                more = n - next;
            rd_buf_put(&data, t + next, more);
            next += more;
            last = next == n;
            rd_worker_reset(&b);
            size_t keep = rd_text_piece(&b, &pc, data.p, data.n, last);
            CHECK(keep != SIZE_MAX && keep <= data.n);
            if (keep == SIZE_MAX)
                break;
            rd_buf_put(&out, b.out.p, b.out.n);
            rd_buf_put(&fnd, b.findings.p, b.findings.n);
            pc.base += keep;
            /* the words before the next window stay for it */
            CHECK(last || pc.from - pc.base >= RD_WIN_BACK);
            memmove(data.p, data.p + keep, data.n - keep);
            data.n -= keep;
        }
        rd_record(&a, RD_ROLE_TEXT, t, n, 1);
        CHECK(out.n == a.out.n && memcmp(out.p, a.out.p, out.n) == 0);
        CHECK(fnd.n == a.findings.n &&
              memcmp(fnd.p, a.findings.p, fnd.n) == 0);
        CHECK(b.st.records == rec0 + 1 && b.st.changed == chg0 + 1);
        free(out.p), free(fnd.p), free(data.p);
    }
    rd_worker_free(&a);
    rd_worker_free(&b);
    long_strings(t, n);
    long_whole_fields(t, n);
    free(t);
    free(j);
    free(c);
}

/* Values with zero-width, full-width or Unicode dash characters in them
 * are found again in a fold of the text around them; in one long line
 * that fold reaches UNI_REACH bytes either side, not the whole line.  The
 * same segments joined by newlines (each line folded whole) and by spaces
 * (one line of 200 KB) must give the same matches at the same offsets. */
static void uni_windows(void)
{
    static const char *plant[] = {
        "jane\xE2\x80\x8B.doe@contoso.com",      /* zero-width space */
        "jane.doe\xEF\xBC\xA0" "contoso.com",     /* full-width @ */
        "call 425\xE2\x80\x93" "555\xE2\x80\x93" "0100", /* en dashes */
        "card 4111\xC2\xA0" "1111\xC2\xA0" "1111\xC2\xA0" "1111",
        "ssn 123\xE2\x80\x91" "45\xE2\x80\x91" "6789", /* no-break hyphen */
        "jane.doe@contoso.com", "10.1.2.3", "my name is Jane Smith",
        "password=hunter22", "4111 1111 1111 1111"};
    static const char *fill[] = {"the", "printer", "stopped", "again",
                                 "after", "update", "tried", "twice"};
    size_t cap = 200000, n = 0;
    char *nl = malloc(cap + 256), *sp = malloc(cap + 256);
    rd_match *a = NULL;
    CHECK(nl && sp);
    if (!nl || !sp)
        goto out;
    uint64_t x = 7;
    while (n < cap) {
        /* a segment: fill words, a plant, fill words */
        for (int part = 0; part < 3; part++) {
            x = x * 6364136223846793005ULL + 1442695040888963407ULL;
            int words = part == 1 ? 1 : 1 + (int)((x >> 33) % 40);
            for (int k = 0; k < words; k++) {
                x = x * 6364136223846793005ULL + 1442695040888963407ULL;
                const char *p =
                    part == 1 ? plant[(x >> 40) % (sizeof plant / sizeof *plant)]
                              : fill[(x >> 40) % (sizeof fill / sizeof *fill)];
                size_t k2 = strlen(p);
                memcpy(nl + n, p, k2);
                n += k2;
                nl[n++] = ' ';
            }
        }
        nl[n - 1] = '\n';
    }
    memcpy(sp, nl, n);
    for (size_t i = 0; i < n; i++)
        if (sp[i] == '\n')
            sp[i] = ' ';
    const rd_match *m;
    size_t na = rd_scan(E, S, nl, n, NULL, &m);
    CHECK(na != RD_SCAN_ERROR && na > 500);
    a = malloc((na + 1) * sizeof *a);
    CHECK(a != NULL);
    if (!a || na == RD_SCAN_ERROR)
        goto out;
    memcpy(a, m, na * sizeof *a);
    size_t nb = rd_scan(E, S, sp, n, NULL, &m);
    CHECK(na == nb);
    size_t same = 0;
    for (size_t i = 0; i < na && i < nb; i++)
        same += a[i].start == m[i].start && a[i].end == m[i].end &&
                a[i].type == m[i].type;
    CHECK(same == na);
out:
    free(a);
    free(nl);
    free(sp);
}

/* ---- JSON records walked with and without a tree ---- */

static uint64_t jr_x;
static unsigned jr(unsigned n)
{
    jr_x = jr_x * 6364136223846793005ULL + 1442695040888963407ULL;
    return (unsigned)(jr_x >> 33) % n;
}

static void jr_ws(rd_buf *b)
{
    static const char *const w[] = {"", "", "", " ", "  ", "\t", " \r\n "};
    const char *s = w[jr(7)];
    rd_buf_put(b, s, strlen(s));
}

/* a random JSON value: keys the policy and the hints act on, values with
 * and without findings, escapes, spaces anywhere spaces may be */
static void jr_value(rd_buf *b, int depth)
{
    static const char *const keys[] = {
        "customer_email", "phone", "order_id", "internal_notes",
        "confidential", "a", "b", "secret", "body", "x", "a\\/b", "~k"};
    static const char *const strs[] = {
        "\"jane.doe@contoso.com\"", "\"jane\\u0040fabrikam.com\"",
        "\"call +1 425 555 0100 now\"", "\"4255550100\"", "\"10.1.2.3\"",
        "\"printer stopped\"", "\"\"", "\"line\\nbreak 123-45-6789\"",
        "\"bob@contoso.com\"", "\"CAS-01234\"", "\"build 10.0.19041.1415\"",
        "\"AKIAIOSFODNN7EXAMPLE\"", "\"x\\\"y\""};
    static const char *const lits[] = {"4111111111111111", "4255550100", "7",
                                       "-1.5e3", "true", "false", "null"};
    unsigned r = jr(depth < 5 ? 10 : 6);
    if (r < 6) {
        const char *s = r < 4 ? strs[jr(13)] : lits[jr(7)];
        rd_buf_put(b, s, strlen(s));
    } else {
        int obj = r < 8;
        unsigned n = jr(obj ? 7 : 9);
        rd_buf_putc(b, obj ? '{' : '[');
        for (unsigned i = 0; i < n; i++) {
            jr_ws(b);
            if (i)
                rd_buf_putc(b, ','), jr_ws(b);
            if (obj) {
                const char *k = keys[jr(12)];
                rd_buf_printf(b, "\"%s\"", k);
                jr_ws(b);
                rd_buf_putc(b, ':');
                jr_ws(b);
                if (!strcmp(k, "confidential") && jr(2)) {
                    rd_buf_put(b, "true", 4);
                    continue;
                }
            }
            jr_value(b, depth + 1);
        }
        jr_ws(b);
        rd_buf_putc(b, obj ? '}' : ']');
    }
}

/* A record longer than the window is walked as it is parsed, without a
 * tree: it must give what the tree gives -- output, findings, counts --
 * in every mode, with field rules, dropped objects and drops that leave
 * spaces and separators around.  Both outputs must be JSON. */
static void json_stream(void)
{
    const char *y = "fields:\n  internal_notes: drop\n  /a/b: mask\n"
                    "  secret: token\n  /x/2: drop\n  /a~1b/~0k: partial\n"
                    "drop_objects_where:\n  confidential: true\n"
                    "own_domains:\n  - contoso.com\n"
                    "custom:\n  - type: CASE_NUMBER\n    pattern: 'CAS-[0-9]{5}'\n";
    rd_policy *p;
    rd_keyed key;
    rd_engine *g = engine_for(y, &p, &key);
    if (!g) {
        rd_policy_free(p);
        return;
    }
    rd_buf rec = {0};
    size_t streamed = 0, changed = 0, dropped_ws = 0;
    for (int mode = 0; mode < 5; mode++) {
        static const rd_action modes[] = {RD_ACT_MASK, RD_ACT_DROP,
                                          RD_ACT_TOKEN, RD_ACT_PARTIAL,
                                          RD_ACT_MASK};
        rd_opts o = {.mode = modes[mode], .key = &key, .count = &key,
                     .findings = 1, .distinct = 1, .check = mode == 4};
        rd_worker a, b;
        CHECK(rd_worker_init(&a, g, &o) == 0);
        CHECK(rd_worker_init(&b, g, &o) == 0);
        b.tree_max = 256;
        jr_x = 7;
        for (int r = 0; r < 400; r++) {
            rec.n = 0;
            jr_ws(&rec);
            rd_buf_putc(&rec, '{');
            rd_buf_put(&rec, "\"id\":1", 6);
            for (int m = 0; m < 1 + r % 6; m++) {
                rd_buf_put(&rec, ",", 1);
                jr_ws(&rec);
                rd_buf_printf(&rec, "\"%s\":",
                              r % 3 ? "x" : m % 2 ? "a" : "body");
                jr_value(&rec, 1);
            }
            rd_buf_putc(&rec, '}');
            jr_ws(&rec);
            rd_worker_reset(&a);
            rd_worker_reset(&b);
            CHECK(rd_record(&a, RD_ROLE_JSON, rec.p, rec.n, (uint64_t)r) == 0);
            CHECK(rd_record(&b, RD_ROLE_JSON, rec.p, rec.n, (uint64_t)r) == 0);
            streamed += rec.n > b.tree_max;
            int same = a.out.n == b.out.n &&
                       (!a.out.n || !memcmp(a.out.p, b.out.p, a.out.n)) &&
                       a.findings.n == b.findings.n &&
                       (!a.findings.n ||
                        !memcmp(a.findings.p, b.findings.p, a.findings.n)) &&
                       !memcmp(&a.st, &b.st, sizeof a.st);
            CHECK(same);
            if (!same) {
                fprintf(stderr, "mode %d record %d:\n%.*s\ntree:   %.*s\n"
                        "stream: %.*s\n", mode, r, (int)rec.n, rec.p,
                        (int)a.out.n, a.out.p, (int)b.out.n, b.out.p);
                break;
            }
            if (o.check)
                continue;
            json_error_t je;
            json_t *v = json_loadb(a.out.p, a.out.n, 0, &je);
            CHECK(v != NULL);
            if (!v)
                fprintf(stderr, "not JSON (%s at %d): %.*s\n", je.text,
                        je.position, (int)a.out.n, a.out.p);
            json_decref(v);
            changed += a.out.n != rec.n || memcmp(a.out.p, rec.p, rec.n);
            dropped_ws += mode == 1 && a.out.n < rec.n &&
                          memchr(a.out.p, '\t', a.out.n) != NULL;
        }
        for (int t = 0; t < RD_MAXTYPES; t++) {
            int ea, eb;
            CHECK(rd_u64set_count(&a.distinct[t], &ea) ==
                  rd_u64set_count(&b.distinct[t], &eb));
        }
        rd_worker_free(&a);
        rd_worker_free(&b);
    }
    /* the comparison means something: most records long, most changed,
     * drops among spaces */
    CHECK(streamed > 1000);
    CHECK(changed > 1000);
    CHECK(dropped_ws > 50);
    rd_buf_free(&rec);
    rd_engine_free(g);
    rd_policy_free(p);
}

static void policy_engine(void)
{
    const char *y = "own_domains: [contoso.com]\nallow: [help@fabrikam.com]\n"
                    "detectors: {URL: off}\n"
                    "custom:\n  - type: CASE_NUMBER\n    pattern: 'CAS-[0-9]{5}'\n";
    lg_err e;
    rd_policy *p = rd_policy_parse("p.yml", y, strlen(y), &e);
    CHECK(p != NULL);
    rd_engine *g = p ? rd_engine_new(p, &e) : NULL;
    CHECK(g != NULL);
    if (!g) {
        fprintf(stderr, "%s\n", e.msg);
        rd_policy_free(p);
        return;
    }
    rd_scratch *s = rd_scratch_new(g);
    const rd_match *m;
    const char *t = "agent bob@support.contoso.com help@fabrikam.com "
                    "https://x.example.com CAS-12345";
    size_t n = rd_scan(g, s, t, strlen(t), NULL, &m);
    CHECK(n == 2);
    CHECK(n == 2 && m[0].type == RD_AGENT_EMAIL);
    CHECK(n == 2 && strcmp(rd_type_name(g, m[1].type), "CASE_NUMBER") == 0);
    rd_scratch_free(s);
    rd_engine_free(g);
    rd_policy_free(p);
    const char *bad = "detectors:\n  NOPE: off\n";
    p = rd_policy_parse("bad.yml", bad, strlen(bad), &e);
    CHECK(p && !rd_engine_new(p, &e) && strstr(e.msg, "bad.yml:2") != NULL);
    rd_policy_free(p);
    const char *bre = "custom:\n  - type: X\n    pattern: '(('\n";
    p = rd_policy_parse("re.yml", bre, strlen(bre), &e);
    CHECK(p && !rd_engine_new(p, &e) && strstr(e.msg, "re.yml:2") != NULL);
    rd_policy_free(p);
}

/* distinct counts: exact below the threshold, a sketch above it */
static void distinct(void)
{
    rd_u64set a = {0}, b = {0};
    uint64_t x = 88172645463325252ULL;
    for (int i = 0; i < 1000; i++) {
        x ^= x << 13, x ^= x >> 7, x ^= x << 17; /* xorshift */
        rd_u64set_add(&a, x);
        rd_u64set_add(&a, x); /* twice: still one */
    }
    int est;
    CHECK(rd_u64set_count(&a, &est) == 1000 && !est);
    for (uint64_t i = 0; i < 3 * (uint64_t)RD_DISTINCT_EXACT; i++) {
        x ^= x << 13, x ^= x >> 7, x ^= x << 17;
        rd_u64set_add(i % 2 ? &a : &b, x);
    }
    CHECK(rd_u64set_merge(&a, &b) == 0);
    uint64_t n = rd_u64set_count(&a, &est), want = 3 * RD_DISTINCT_EXACT + 1000;
    CHECK(est);
    CHECK(n > want * 0.97 && n < want * 1.03);
    if (!(n > want * 0.97 && n < want * 1.03))
        fprintf(stderr, "estimate %llu for %llu\n", (unsigned long long)n,
                (unsigned long long)want);
    CHECK(a.v == NULL); /* memory: the sketch only */
    rd_u64set_free(&a);
    rd_u64set_free(&b);
}

/* rd_json_plain (SIMD, 64 or 16 bytes a step) against a byte loop, on
 * random bytes with the special ones (quote, backslash, controls, DEL,
 * high bytes) at every offset of 200-byte buffers; and rd_buf_json_str's
 * output read back as escapes */
static void json_plain(void)
{
    static char b[256];
    uint64_t x = 42;
    int bad = 0;
    for (int round = 0; round < 4000; round++) {
        size_t n = (size_t)(round % 200) + 1;
        for (size_t i = 0; i < n; i++) {
            x ^= x << 13, x ^= x >> 7, x ^= x << 17;
            /* mostly plain, one special byte now and then */
            static const char sp[] = {'"', '\\', 0, 0x1f, '\n', 0x7f,
                                      (char)0x80, (char)0xff, ' '};
            b[i] = x % 97 ? (char)('a' + x % 26)
                          : sp[(x >> 8) % sizeof sp];
        }
        for (int del = 0; del <= 1; del++)
            for (size_t from = 0; from <= n; from += 1 + from / 8) {
                size_t want = from;
                while (want < n && !((unsigned char)b[want] < 0x20 ||
                                     b[want] == '"' || b[want] == '\\' ||
                                     (del && b[want] == 0x7f)))
                    want++;
                size_t got = rd_json_plain(b, from, n, del);
                if (got != want && bad++ < 3)
                    fprintf(stderr, "rd_json_plain(%zu of %zu, del %d): %zu, "
                                    "want %zu\n", from, n, del, got, want);
            }
    }
    CHECK(bad == 0);
    rd_buf o = {0};
    const char in[] = "a\"b\\c\nd\x7f"
                      "0123456789012345678901234567890123456789012345678901234567890123"
                      "\x01" "e";
    rd_buf_json_str(&o, in, sizeof in - 1);
    CHECK(o.n > 0 && memcmp(o.p, "\"a\\\"b\\\\c\\nd\\u007f0123", 20) == 0);
    CHECK(o.n >= 8 && memcmp(o.p + o.n - 8, "\\u0001e\"", 8) == 0);
    rd_buf_free(&o);
}

/* rd_sort_by_start against a stable insertion sort: arrays of runs in
 * order (as the scan makes them), random ones, with many equal starts
 * whose order (e, as a tag) must survive */
static void sort_cands(void)
{
    enum { N = 300 };
    static cand a[N], b[N];
    uint64_t r = 12345;
    int bad = 0;
    for (int t = 0; t < 2000; t++) {
        size_t n = (size_t)(t % 97) * 3 + (size_t)(t % 3);
        size_t runs = 1 + (size_t)t % 7, at = 0;
        for (size_t i = 0; i < n; i++) {
            r = r * 6364136223846793005ULL + 1442695040888963407ULL;
            if (t % 2) { /* runs in order */
                if (i * runs / (n ? n : 1) != (i ? (i - 1) * runs / n : 0))
                    at = (size_t)(r >> 60);
                at += (size_t)(r >> 62);
            } else {
                at = (size_t)(r >> 58);
            }
            a[i] = b[i] = (cand){.s = at, .e = i};
        }
        for (size_t i = 1; i < n; i++) /* the reference */
            for (size_t j = i; j > 0 && b[j - 1].s > b[j].s; j--) {
                cand x = b[j];
                b[j] = b[j - 1];
                b[j - 1] = x;
            }
        CHECK(rd_sort_by_start(S, a, n) == 0);
        for (size_t i = 0; i < n; i++)
            if (a[i].s != b[i].s || a[i].e != b[i].e)
                bad++;
    }
    CHECK(bad == 0);
}

int main(void)
{
    lg_err e;
    E = rd_engine_new(NULL, &e);
    if (!E) {
        fprintf(stderr, "%s\n", e.msg);
        return 1;
    }
    S = rd_scratch_new(E);
    sort_cands();
    validators();
    json_plain();
    standard_forms();
    nonstandard_forms();
    lookalikes();
    hints();
    records();
    key_cache();
    value_cache();
    pem_open();
    windows();
    uni_windows();
    json_stream();
    big_cluster();
    policy_engine();
    distinct();
    rd_scratch_free(S);
    rd_engine_free(E);
    UNIT_DONE();
}
