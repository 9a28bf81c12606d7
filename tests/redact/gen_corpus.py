#!/usr/bin/env python3
r"""gen_corpus.py - deterministic, labeled corpus of support-case records for
testing and benchmarking `leakguard redact` (python3 stdlib only).

Every record is a support case (subject, customer text, agent reply,
internal notes).  Into it go PLANTED values (things a redactor must remove)
in STANDARD forms (jane.doe@contoso.com, 425-555-0100, ...) and
NON-STANDARD forms (jane at contoso dot com, 52[.]1[.]2[.]3, 123 45 6789,
...), and DECOYS that look similar but must be kept (build numbers, KB
numbers, GUIDs, prices, dates, "meet at the office", ...).

usage:
  gen_corpus.py [--format text|ndjson] [--seed S] [--records N | --bytes N]
                [-o OUT] [--labels FILE] [--verify]
  gen_corpus.py --verify-only --format F -o CORPUS --labels FILE

  --format text    one record per line (byte offsets into the line)
  --format ndjson  one JSON object per line:
                   {"case_id":..,"created":..,"customer_email":..|null,"subject":..,
                    "body":..,"agent":..,"agent_reply":..,"internal_notes":..
                    [,"contact":{"phone":..}]}
                   (text records carry the same parts on one line:
                    "CAS-.. 2024-..Z from EMAIL | Subject: .. | Customer: ..
                     | Agent EMAIL: .. | Notes: ..")
                   (byte offsets into the DECODED string value, field is a
                   JSON pointer such as "/body" or "/contact/phone")
  --records N      N dense records (several planted values and decoys each;
                   default 1000)
  --bytes N        benchmark mode: realistic, mostly-prose records (about one
                   planted value per 2-3 records) until at least N bytes
  --labels FILE    write the labels, one JSON object per line:
                   {"record":N,"field":null|"/ptr","start":B,"end":E,"type":T,
                    "form":"standard"|"nonstandard"|"decoy","kind":"...",
                    "text":"the planted or decoy string (decoded)"}
                   records are numbered from 1; start/end are UTF-8 byte
                   offsets, end exclusive.  For decoys "type" is the type the
                   decoy resembles.
  --verify         after writing OUT and FILE, read both back and check that
                   every labeled span holds exactly its text, that the planted
                   values are valid (Luhn, IBAN mod-97, SSN rules, IP syntax),
                   and that labels do not overlap; exit 1 on any problem.
  --verify-only    only do the check, on existing files.

Same seed + same arguments = byte-identical output.

Planted forms (type/kind), all with exact labels:
  EMAIL      standard: plain, plus-tag + subdomain, mixed case; non-standard:
             "a @ b.com", "a at b dot com" (any case), a[at]b[dot]com,
             a(at)b(dot)com, a{at}b{dot}com, "a [at] b [dot] com", a%40b.com,
             a&#64;b.com, a\u0040b.com (literal text in text records, a JSON
             escape in ndjson), full-width U+FF20, U+200B inside the local part,
             the local part's dots spelled too (jane dot doe at contoso dot com)
  PHONE      +1 425 555 0100, (425) 555-0100, 425-555-0100, +44 20 7946 0958,
             +49 30 1234567; non-standard 425.555.0100, 425 555 01 00,
             +1-425-555-0100, 4 2 5 5 5 5 0 1 0 0, 425-555-0100 with en dashes
             (U+2013), +1 425 555 0100 with no-break spaces (U+00A0)
  IP_ADDRESS public IPv4, IPv6 (RFC 5952, full, upper-case, v4-mapped);
             non-standard 52.1.2[.]3, 52[.]1[.]2[.]3, 52(.)1(.)2(.)3,
             52 . 1 . 2 . 3
  CREDIT_CARD Luhn-valid Visa/MC/Amex/Discover plain or grouped by space/dash;
             non-standard dots, 4-2-2-4-4 grouping, mixed separators; a
             card's CVV after its name ("cvv 123", "CVC: 4821")
  IBAN       mod-97-valid DE/GB/FR/NL/ES, compact or spaced
  US_SSN     valid area/group/serial 123-45-6789; non-standard spaces, dots
  MAC_ADDRESS colon upper, dash lower, Cisco dotted
  URL        https with query / fragment, http path, with user:pass@;
             in ndjson sometimes written with \/ escapes
  SECRET     AKIA.., ghp_.., xoxb-.., JWT, AIza.., password=VALUE, pwd: VALUE,
             AccountKey=VALUE (value only labeled), PEM block (ndjson only)
  DATE_OF_BIRTH  "DOB: 04/12/1985", "born on 1985-04-12", "12 April
             1985", "April 12, 1985" after the name of a date of birth
  PERSON, LOCATION  "my name is ..", "Regards, ..", "calls me ..",
             "1234 Maple Avenue", "ZIP code 98052", "postcode SW1A 2AA",
             "GPS 47.6062, -122.3321"
Decoys: Windows builds, KB numbers, hex error codes, GUIDs, versions,
prices, dates, times, order numbers, case numbers, ISO timestamps, and
prose ("we can talk at 5 pm", "click the dot menu", "meet at the office",
"Look at the log. Then", "call me Monday"), six-digit one-time codes after
"security code".
"""
import argparse
import base64
import ipaddress
import json
import random
import re
import string
import sys
import zlib

# --------------------------------------------------------------------------
# vocabulary
FIRST = ["jane", "john", "maria", "wei", "priya", "ahmed", "olga", "lucas", "emma",
         "kenji", "fatima", "noah", "sofia", "liam", "chloe", "mateo", "aisha", "tom"]
LAST = ["doe", "smith", "garcia", "chen", "patel", "hassan", "ivanova", "silva",
        "mueller", "tanaka", "khan", "brown", "rossi", "nguyen", "kowalski", "lee"]
DOMAINS = ["contoso.com", "fabrikam.com", "example.org", "northwindtraders.com",
           "adventure-works.com", "tailspintoys.net", "outlook.com", "gmail.com"]
SUBDOMAINS = ["sub.example.co.uk", "mail.contoso.com", "eu.fabrikam.de", "corp.example.org"]
PERSONS = ["Maria Garcia", "John Smith", "Wei Chen", "Priya Patel", "Ahmed Hassan",
           "Olga Ivanova", "Lucas Silva", "Emma Mueller", "Kenji Tanaka", "Fatima Khan"]
STREETS = ["Maple Avenue", "Oak Street", "Pine Road", "Elm Drive", "Cedar Lane",
           "Birch Boulevard", "Lakeview Court"]
PRODUCTS = ["the sync client", "the VPN agent", "the billing portal", "the mobile app",
            "the backup service", "the admin console", "the email connector",
            "the reporting dashboard", "the storage gateway", "the license server"]

SUBJECTS = [
    "Cannot sign in after password reset", "VPN disconnects every few minutes",
    "Invoice shows the wrong amount", "Backup job fails overnight",
    "Sync client stuck on processing changes", "Request to close my account",
    "Mobile app crashes on launch", "Question about renewal pricing",
    "Firewall blocks the storage gateway", "Reports are empty since the update",
    "Refund request for duplicate charge", "Cannot add a new admin user",
    "Email connector drops attachments", "Slow performance in the dashboard",
]

# prose with no digits, no planted-looking text; some contain " at " on
# purpose (realistic, and a test of " at "-email detectors)
FILLER = [
    "I have already restarted the machine twice and cleared the cache.",
    "The problem started right after the latest update was installed.",
    "Nothing in the documentation seems to cover this case.",
    "Our whole team is affected, so this is fairly urgent for us.",
    "The error appears at startup and again when I open the settings page.",
    "I tried reinstalling {p} but the behaviour did not change.",
    "Could you please check whether something changed on your side?",
    "We did not change any configuration in the last few weeks.",
    "The same thing happens on a second laptop in our office.",
    "It works for a while and then stops without any message.",
    "I attached a screenshot of the dialog that pops up.",
    "Our manager asked me to open a ticket about {p}.",
    "Please let me know if you need any more details from me.",
    "The status page says everything is fine, but it clearly is not.",
    "We are on the business plan, if that makes a difference.",
    "I followed the troubleshooting guide step by step.",
    "Logging out and back in did not help either.",
    "The sync icon keeps spinning and no files are uploaded.",
    "This is blocking our month-end reporting.",
    "A colleague had the same issue last quarter and it went away by itself.",
    "The network team confirmed that nothing is blocked on our firewall.",
    "We use single sign-on with our own identity provider.",
    "It only fails for users in the finance group.",
    "After the reboot the service came back but the error returned later.",
    "I am not sure whether this is a bug or a configuration issue.",
    "Can you escalate this to someone who knows {p} well?",
    "Danke für die schnelle Antwort, das Problem besteht leider weiterhin.",
    "Merci beaucoup pour votre aide, l'équipe à Zürich est toujours bloquée.",
    "お世話になっております。引き続きよろしくお願いいたします。",
    "Спасибо за помощь, но ошибка всё ещё появляется.",
    "Gracias por la ayuda; el problema sigue igual en la oficina de Málaga.",
    "The dashboard shows “no data” — even though the jobs ran fine.",
]
AGENT_LINES = [
    "Thanks for reaching out, I am sorry for the trouble.",
    "I have escalated this to the engineering team.",
    "Could you collect the diagnostic logs and attach them to this case?",
    "We rolled out a fix for a similar issue yesterday; please try again.",
    "I reviewed your account and everything looks correct on our side.",
    "Please clear the local cache and restart {p}.",
    "I will keep this case open until we hear back from you.",
    "The refund has been processed and should appear within a few days.",
    "This is a known issue and our developers are working on it.",
    "Let me know whether the workaround helps.",
]
NOTE_LINES = [
    "Customer verified via callback.", "Escalated to tier two.",
    "Possible duplicate of an older case.", "Waiting on customer logs.",
    "Billing adjusted, no further action.", "Known issue, linked to the bug tracker.",
    "Customer is a reseller partner.", "Follow up next week.",
]

# --------------------------------------------------------------------------
# value generators: each returns (decoded_value, kind, raw_json_or_None)
# raw_json is how the value is written inside a JSON string when it is not
# the plain escaping of decoded_value (used for the \u0040 and \/ cases).


def _rand(rng, alphabet, n):
    return "".join(rng.choice(alphabet) for _ in range(n))


def luhn_ok(digits):
    s, alt = 0, False
    for ch in reversed(digits):
        d = int(ch)
        if alt:
            d *= 2
            if d > 9:
                d -= 9
        s += d
        alt = not alt
    return s % 10 == 0


def luhn_complete(prefix, length, rng):
    body = prefix + _rand(rng, string.digits, length - len(prefix) - 1)
    for c in string.digits:
        if luhn_ok(body + c):
            return body + c
    raise AssertionError


def iban_make(cc, bban):
    num = "".join(str(int(ch, 36)) for ch in bban + cc + "00")
    return "%s%02d%s" % (cc, 98 - int(num) % 97, bban)


def iban_ok(iban):
    s = iban.replace(" ", "")
    if not re.fullmatch(r"[A-Z]{2}[0-9]{2}[A-Z0-9]{10,30}", s):
        return False
    r = s[4:] + s[:4]
    return int("".join(str(int(ch, 36)) for ch in r)) % 97 == 1


IBAN_LEN = {"DE": 22, "GB": 22, "FR": 27, "NL": 18, "ES": 24}


def gen_iban(rng):
    cc = rng.choice(list(IBAN_LEN))
    if cc == "DE":
        bban = _rand(rng, string.digits, 18)
    elif cc == "GB":
        bban = rng.choice(["NWBK", "BARC", "LOYD", "HBUK", "MIDL"]) + _rand(rng, string.digits, 14)
    elif cc == "FR":
        bank, branch, acct = _rand(rng, string.digits, 5), _rand(rng, string.digits, 5), _rand(rng, string.digits, 11)
        key = 97 - (89 * int(bank) + 15 * int(branch) + 3 * int(acct)) % 97
        bban = bank + branch + acct + "%02d" % key
    elif cc == "NL":
        bban = rng.choice(["ABNA", "INGB", "RABO", "TRIO"]) + _rand(rng, string.digits, 10)
    else:  # ES
        bban = _rand(rng, string.digits, 20)
    v = iban_make(cc, bban)
    assert len(v) == IBAN_LEN[cc] and iban_ok(v)
    return v


def ssn_ok(v):
    d = re.sub(r"[^0-9]", "", v)
    if len(d) != 9:
        return False
    a, g, s = int(d[:3]), int(d[3:5]), int(d[5:])
    return 0 < a < 900 and a != 666 and g != 0 and s != 0 and d not in ("078051120", "219099999")


def gen_ssn_digits(rng):
    while True:
        a = rng.randint(1, 899)
        g = rng.randint(1, 99)
        s = rng.randint(1, 9999)
        d = "%03d%02d%04d" % (a, g, s)
        if ssn_ok(d):
            return d[:3], d[3:5], d[5:]


def public_ipv4(rng):
    while True:
        first = rng.choice([3, 4, 8, 13, 18, 20, 23, 34, 35, 40, 44, 51, 52, 54, 62,
                            77, 81, 93, 104, 137, 151, 185, 194, 203, 212])
        ip = "%d.%d.%d.%d" % (first, rng.randint(0, 255), rng.randint(0, 255), rng.randint(1, 254))
        if ipaddress.IPv4Address(ip).is_global:
            return ip


def random_ipv6(rng):
    prefix = rng.choice([(0x2001, 0xdb8), (0x2a01, 0x111), (0x2603, 0x1030), (0x2600, 0x1f18)])
    groups = list(prefix) + [rng.randint(0, 0xffff) for _ in range(6)]
    # a run of zeros somewhere so that compression happens
    z = rng.randint(2, 5)
    n = rng.randint(1, 8 - z)
    for i in range(z, z + n):
        groups[i] = 0
    return ipaddress.IPv6Address(":".join("%x" % g for g in groups))


def email_parts(rng):
    f, l = rng.choice(FIRST), rng.choice(LAST)
    local = rng.choice([f + "." + l, f + l[0], f[0] + l, f + "_" + l, f + "." + l + str(rng.randint(1, 99))])
    return local, rng.choice(DOMAINS)


def g_email(rng, form, fmt):
    local, dom = email_parts(rng)
    if form == "standard":
        k = rng.randrange(4)
        if k == 0:
            return local + "@" + dom, "email-plain", None
        if k == 1:
            f, l = rng.choice(FIRST), rng.choice(LAST)
            tag = rng.choice(["support", "billing", "test", "news"])
            return "%s_%s+%s@%s" % (f, l, tag, rng.choice(SUBDOMAINS)), "email-plus-tag-subdomain", None
        if k == 2:
            return (local[0].upper() + local[1:] + "@" + dom.capitalize()), "email-mixed-case", None
        return local + "@" + rng.choice(SUBDOMAINS), "email-subdomain", None
    k = rng.randrange(14)
    name, tld = dom.rsplit(".", 1)
    if k == 0:
        return local + " @ " + dom, "email-space-at", None
    if k == 1:
        at = rng.choice(["at", "AT", "At"])
        dot = rng.choice(["dot", "DOT", "Dot"])
        return "%s %s %s %s %s" % (local, at, name, dot, tld), "email-at-dot-words", None
    if k == 2:
        return "%s[at]%s[dot]%s" % (local, name, tld), "email-bracket-at", None
    if k == 3:
        return "%s(at)%s(dot)%s" % (local, name, tld), "email-paren-at", None
    if k == 4:
        return "%s{at}%s{dot}%s" % (local, name, tld), "email-brace-at", None
    if k == 5:
        return local + "%40" + dom, "email-percent40", None
    if k == 6:
        return local + "&#64;" + dom, "email-html-entity", None
    if k == 7:
        if fmt == "ndjson":  # JSON escape: the decoded value is a plain address
            return local + "@" + dom, "email-json-u0040-escape", local + "\\u0040" + dom
        return local + "\\u0040" + dom, "email-backslash-u0040-literal", None
    if k == 8:
        return local + "\uff20" + dom, "email-fullwidth-at", None
    if k == 9:
        cut = rng.randint(1, len(local) - 1)
        return local[:cut] + "\u200b" + local[cut:] + "@" + dom, "email-zwsp-in-local", None
    if k == 10:
        # the local part spelled like the domain: jane dot doe at contoso dot com
        return "%s at %s dot %s" % (local.replace(".", " dot "), name, tld), "email-local-dot-words", None
    if k == 11:
        return "%s[@]%s" % (local, dom), "email-bracketed-symbol", None
    if k == 12:
        # a webmail mailbox typed without its TLD
        at = rng.choice(["at", "AT", "@"])
        prov = rng.choice(["gmail", "outlook", "hotmail", "yahoo", "icloud"])
        return "%s %s %s" % (local, at, prov) if at != "@" else local + "@" + prov, "email-webmail-no-tld", None
    at = rng.choice(["at", "AT"])
    return "%s [%s] %s [dot] %s" % (local, at, name, tld), "email-spaced-bracket-at", None


US_AREAS = ["425", "206", "312", "415", "646", "617", "303", "512", "213", "404"]


def g_phone(rng, form, fmt):
    a = rng.choice(US_AREAS)
    line = "01%02d" % rng.randint(0, 99)
    if form == "standard":
        k = rng.randrange(5)
        if k == 0:
            return "+1 %s 555 %s" % (a, line), "phone-us-e164-spaced", None
        if k == 1:
            return "(%s) 555-%s" % (a, line), "phone-us-parens", None
        if k == 2:
            return "%s-555-%s" % (a, line), "phone-us-dashed", None
        if k == 3:
            if rng.random() < 0.5:
                return "+44 20 7946 0%03d" % rng.randint(0, 999), "phone-uk", None
            return "+44 161 496 0%03d" % rng.randint(0, 999), "phone-uk", None
        return "+49 %s %s" % (rng.choice(["30", "89", "40", "69"]), _rand(rng, string.digits[1:], 7)), "phone-de", None
    k = rng.randrange(7)
    if k == 6:  # dashes with spaces around them
        return "%s - 555 - %s" % (a, line), "phone-spaced-dash", None
    if k == 4:  # what word processors type between the groups
        return "%s\u2013555\u2013%s" % (a, line), "phone-en-dash", None
    if k == 5:
        return "+1\u00a0%s\u00a0555\u00a0%s" % (a, line), "phone-no-break-space", None
    if k == 0:
        return "%s.555.%s" % (a, line), "phone-dots", None
    if k == 1:
        return "%s 555 %s %s" % (a, line[:2], line[2:]), "phone-split-pairs", None
    if k == 2:
        return "+1-%s-555-%s" % (a, line), "phone-e164-dashes", None
    return " ".join(a + "555" + line), "phone-spaced-digits", None


def g_ip(rng, form, fmt):
    if form == "standard":
        k = rng.randrange(7)
        if k <= 1:
            return public_ipv4(rng), "ipv4", None
        if k == 2:
            return random_ipv6(rng).compressed, "ipv6-rfc5952", None
        if k == 3:
            return rng.choice(["2001:db8::1", "fe80::1ff:fe23:4567:890a", "2001:db8::8a2e:370:7334"]), "ipv6-short", None
        if k == 4:
            return "::ffff:" + public_ipv4(rng), "ipv6-v4-mapped", None
        if k == 5:
            return random_ipv6(rng).exploded, "ipv6-full", None
        # uncompressed, no leading zeros, upper case
        a = random_ipv6(rng)
        return ":".join("%X" % int(g, 16) for g in a.exploded.split(":")), "ipv6-upper-uncompressed", None
    o = public_ipv4(rng).split(".")
    k = rng.randrange(4)
    if k == 3:
        return " . ".join(o), "ipv4-spaced-dots", None
    if k == 0:
        return "%s.%s.%s[.]%s" % tuple(o), "ipv4-defang-last", None
    if k == 1:
        return "[.]".join(o), "ipv4-defang-all", None
    return "(.)".join(o), "ipv4-defang-paren", None


TEST_CARDS = ["4111111111111111", "4012888888881881", "4242424242424242",
              "5555555555554444", "5105105105105100", "2223003122003222",
              "378282246310005", "371449635398431", "6011111111111117", "6011000990139424"]


def card_number(rng):
    if rng.random() < 0.4:
        return rng.choice(TEST_CARDS)
    brand = rng.randrange(4)
    if brand == 0:
        return luhn_complete("4", 16, rng)
    if brand == 1:
        return luhn_complete(rng.choice(["51", "52", "53", "54", "55"]), 16, rng)
    if brand == 2:
        return luhn_complete(rng.choice(["34", "37"]), 15, rng)
    return luhn_complete("6011", 16, rng)


def card_groups(n):
    if len(n) == 15:
        return [n[:4], n[4:10], n[10:]]
    return [n[i:i + 4] for i in range(0, 16, 4)]


def g_card(rng, form, fmt):
    n = card_number(rng)
    if form == "standard" and rng.random() < 0.1:
        return "%0*d" % (4 if n[0] == "3" else 3, rng.randrange(10000)), "card-cvv", None
    if form == "standard":
        k = rng.randrange(3)
        if k == 0:
            return n, "card-plain", None
        if k == 1:
            return " ".join(card_groups(n)), "card-groups-space", None
        return "-".join(card_groups(n)), "card-groups-dash", None
    while len(n) != 16:
        n = card_number(rng)
    k = rng.randrange(3)
    if k == 0:
        return ".".join(card_groups(n)), "card-dots", None
    if k == 1:
        return "%s %s %s %s %s" % (n[:4], n[4:6], n[6:8], n[8:12], n[12:]), "card-odd-grouping", None
    g = card_groups(n)
    seps = rng.sample(["-", " ", "."], 3)
    return g[0] + seps[0] + g[1] + seps[1] + g[2] + seps[2] + g[3], "card-mixed-separators", None


def g_iban(rng, form, fmt):
    v = gen_iban(rng)
    r = rng.random()
    if r < 0.5:
        return v, "iban-compact", None
    if r < 0.6:
        return "-".join(v[i:i + 4] for i in range(0, len(v), 4)), "iban-dashed", None
    return " ".join(v[i:i + 4] for i in range(0, len(v), 4)), "iban-spaced", None


def g_ssn(rng, form, fmt):
    a, g, s = gen_ssn_digits(rng)
    if form == "standard":
        return "%s-%s-%s" % (a, g, s), "ssn-dashed", None
    r = rng.random()
    if r < 0.4:
        return "%s %s %s" % (a, g, s), "ssn-spaces", None
    if r < 0.7:
        return "%s.%s.%s" % (a, g, s), "ssn-dots", None
    return "%s - %s - %s" % (a, g, s), "ssn-spaced-dash", None


def g_mac(rng, form, fmt):
    b = [rng.randint(0, 255) for _ in range(6)]
    b[0] &= 0xfc
    k = rng.randrange(3)
    if k == 0:
        return ":".join("%02X" % x for x in b), "mac-colon-upper", None
    if k == 1:
        return "-".join("%02x" % x for x in b), "mac-dash-lower", None
    h = "".join("%02x" % x for x in b)
    return "%s.%s.%s" % (h[:4], h[4:8], h[8:]), "mac-cisco-dotted", None


def g_url(rng, form, fmt):
    k = rng.randrange(4)
    if k == 0:
        v, kind = "https://portal.contoso.com/cases/%05d?ref=mail" % rng.randint(10000, 99999), "url-https-query"
    elif k == 1:
        v, kind = "http://example.org/%s/%s" % (rng.choice(["path", "docs", "files"]), rng.choice(["setup", "faq", "install.html"])), "url-http-path"
    elif k == 2:
        user = rng.choice(FIRST)
        pw = _rand(rng, string.ascii_letters + string.digits, rng.randint(6, 12))
        v, kind = "https://%s:%s@host.example.com/%s" % (user, pw, rng.choice(["x", "repo.git", "api/v1"])), "url-with-credentials"
    else:
        v, kind = "https://docs.fabrikam.net/kb/article-%d#section-%d" % (rng.randint(100, 9999), rng.randint(1, 9)), "url-https-fragment"
    if fmt == "ndjson" and rng.random() < 0.3:
        return v, kind + "-json-escaped-slashes", v.replace("/", "\\/")
    return v, kind, None


B62 = string.digits + string.ascii_uppercase + string.ascii_lowercase


def _b62(n, width):
    out = ""
    while n:
        n, r = divmod(n, 62)
        out = B62[r] + out
    return out.rjust(width, "0")


def _b64url(data):
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


SECRET_KINDS = ["aws-access-key", "github-pat", "slack-bot-token", "jwt", "google-api-key",
                "password-assignment", "pwd-colon", "azure-account-key", "pem-private-key"]


def g_secret(rng, form, fmt, kind=None):
    kinds = SECRET_KINDS if fmt == "ndjson" else SECRET_KINDS[:-1]
    kind = kind or rng.choice(kinds)
    alnum = string.ascii_letters + string.digits
    if kind == "aws-access-key":
        return "AKIA" + _rand(rng, string.ascii_uppercase + "234567", 16), kind, None
    if kind == "github-pat":
        body = _rand(rng, alnum, 30)
        return "ghp_" + body + _b62(zlib.crc32(body.encode()), 6), kind, None
    if kind == "slack-bot-token":
        return "xoxb-%s-%s-%s" % (_rand(rng, string.digits, 12), _rand(rng, string.digits, 13), _rand(rng, alnum, 24)), kind, None
    if kind == "jwt":
        hdr = _b64url(json.dumps({"alg": "HS256", "typ": "JWT"}, separators=(",", ":")).encode())
        pl = _b64url(json.dumps({"sub": _rand(rng, string.digits, 10), "name": rng.choice(PERSONS),
                                 "iat": rng.randint(1600000000, 1720000000)}, separators=(",", ":")).encode())
        sig = _b64url(bytes(rng.randint(0, 255) for _ in range(32)))
        return "%s.%s.%s" % (hdr, pl, sig), kind, None
    if kind == "google-api-key":
        return "AIza" + _rand(rng, alnum + "-_", 35), kind, None
    if kind == "password-assignment":
        return rng.choice(["Hunter2!x", "Winter2024!", "P@ssw0rd#77", "Tr0ub4dor&3", _rand(rng, alnum, 10) + "!"]), kind, None
    if kind == "pwd-colon":
        return rng.choice(["S3cr3t-Pass", "Summer_99x", "qwerty!123", _rand(rng, alnum, 12)]), kind, None
    if kind == "azure-account-key":
        return base64.b64encode(bytes(rng.randint(0, 255) for _ in range(64))).decode(), kind, None
    label = rng.choice(["RSA PRIVATE KEY", "PRIVATE KEY", "EC PRIVATE KEY"])
    der = b"\x30\x82\x04\xa4" + bytes(rng.randint(0, 255) for _ in range(rng.randint(300, 700)))
    b = base64.b64encode(der).decode()
    lines = [b[i:i + 64] for i in range(0, len(b), 64)]
    return "-----BEGIN %s-----\n%s\n-----END %s-----" % (label, "\n".join(lines), label), kind, None


def g_person(rng, form, fmt):
    return rng.choice(PERSONS), "person", None


# streets as the rest of the world writes them: name first and number
# after, the kind of street before its name, a postal code and city after
STREETS_INTL = ["Hauptstra\u00dfe {n}, {z} Berlin", "Berliner Str. {n}", "Keizersgracht {n}, Amsterdam",
                "Bahnhofstrasse {n}, {z} Z\u00fcrich", "Via Roma {n}, {z} Roma", "Calle de Alcal\u00e1 {n}",
                "{n} rue de Rivoli, Paris", "{n} avenue des Champs-\u00c9lys\u00e9es", "Rua Augusta {n}",
                "{n}B Baker Street"]


def g_location(rng, form, fmt):
    r = rng.random()
    if r < 0.15:
        return rng.choice(["%05d" % rng.randint(1001, 99950), "%05d-%04d" % (rng.randint(1001, 99950), rng.randint(1, 9999)),
                           rng.choice(["SW1A 2AA", "M1 1AE", "B33 8TH", "CR2 6XH", "EC1A 1BB", "K1A 0B1"])]), \
            "postal-labelled", None
    if r < 0.25:
        return "%.4f, %.4f" % (rng.uniform(-60, 70), rng.uniform(-179, 179)), "geo-coordinates", None
    if r < 0.6:
        v = rng.choice(STREETS_INTL).format(n=rng.randint(1, 299), z=rng.randint(10000, 99999))
        return v, "street-address-intl", None
    return "%d %s" % (rng.randint(10, 9899), rng.choice(STREETS)), "street-address", None


MONTHS = ["January", "February", "March", "April", "May", "June", "July", "August", "September",
          "October", "November", "December"]


def g_dob(rng, form, fmt):
    y, m, d = rng.randint(1940, 2005), rng.randint(1, 12), rng.randint(1, 28)
    k = rng.randrange(5)
    if k == 0:
        return "%02d/%02d/%04d" % (m, d, y), "dob-numeric", None
    if k == 1:
        return "%04d-%02d-%02d" % (y, m, d), "dob-iso", None
    if k == 2:
        return "%d.%d.%04d" % (d, m, y), "dob-dotted", None
    if k == 3:
        return "%d %s %d" % (d, rng.choice([MONTHS[m - 1], MONTHS[m - 1][:3]]), y), "dob-day-month", None
    return "%s %d, %d" % (MONTHS[m - 1], d, y), "dob-month-day", None


GEN = {"EMAIL": g_email, "PHONE": g_phone, "IP_ADDRESS": g_ip, "CREDIT_CARD": g_card,
       "IBAN": g_iban, "US_SSN": g_ssn, "MAC_ADDRESS": g_mac, "URL": g_url,
       "SECRET": g_secret, "PERSON": g_person, "LOCATION": g_location, "DATE_OF_BIRTH": g_dob}
HAS_NONSTANDARD = {"EMAIL", "PHONE", "IP_ADDRESS", "CREDIT_CARD", "US_SSN"}

# sentence templates: {v} is the value.  Kind-specific ones take precedence.
TEMPLATES = {
    "EMAIL": ["You can reach me at {v} during office hours.", "My email is {v} if you need it.",
              "Please send the invoice to {v} instead.", "I sent the logs from {v} yesterday.",
              "Contact: {v}", "Please cc {v} on the reply."],
    "PHONE": ["Call me on {v} any time.", "My phone number is {v}.", "Mobile: {v}",
              "You can call {v} after lunch.", "Our office line is {v} if email fails."],
    "IP_ADDRESS": ["The server at {v} is not reachable.", "Our public IP is {v} according to the portal.",
                   "Traffic from {v} was blocked by the gateway.", "Pinging {v} times out.",
                   "Source address: {v}"],
    "CREDIT_CARD": ["My card number is {v}.", "Please charge {v} for the renewal.", "Card: {v}",
                    "I paid with {v} but was charged twice."],
    "card-cvv": ["Card ending 4242, exp 09/27, cvv {v}.", "The CVC is {v} if you need it.",
                 "Security code: {v}", "card on file, CVV2 {v}"],
    "IBAN": ["Please refund to IBAN {v} as soon as possible.", "Bank account: {v}", "Our IBAN is {v}.",
             "Transfer the credit to {v} please."],
    "US_SSN": ["My SSN is {v}.", "SSN: {v}", "My social security number is {v} for the verification.",
               "For the tax form, SSN {v} is the one on file."],
    "US_SSN-nocontext": ["The form lists {v} on line four.", "Use {v} for the record."],
    "MAC_ADDRESS": ["MAC address {v} is not in the allow list.", "The adapter {v} keeps dropping off the network.",
                    "Device MAC: {v}", "Please whitelist {v} on the controller."],
    "URL": ["See {v} for details.", "The link {v} returns a 404.", "I uploaded the file to {v}",
            "Open {v} and sign in."],
    "SECRET": ["Here is the key {v} from the config file.", "token: {v}",
               "The script uses {v} to authenticate.", "I accidentally pasted {v} in the last message."],
    "password-assignment": ["The login is admin password={v} and it is rejected.",
                            "Connection string has user=svc;password={v} in it."],
    "pwd-colon": ["user: svc-backup pwd: {v} (temporary)", "Credentials were user: admin pwd: {v} for the test box.",
                  "Login for the portal is bob pw: {v} (temporary)",
                  "The password for the admin account is {v} until Friday."],
    "azure-account-key": ["DefaultEndpointsProtocol=https;AccountName=contosostore;AccountKey={v};EndpointSuffix=core.windows.net",
                          "The storage account uses AccountKey={v} in the app settings."],
    "pem-private-key": ["Here is the key we use:\n{v}\nPlease rotate it.", "{v}"],
    "PERSON": ["Hi, my name is {v} and I manage our account.", "Regards, {v}",
               "Everyone here calls me {v}, by the way."],
    "DATE_OF_BIRTH": ["For the verification, my date of birth is {v}.", "DOB: {v}",
                      "The account holder was born on {v}.", "Birthdate {v} (as on the ID)"],
    "postal-labelled": ["My ZIP code is {v} if that helps.", "Postcode: {v}", "billing zip {v}"],
    "geo-coordinates": ["The tracker last reported GPS {v} before it went offline.", "Lat/long: {v}"],
    "LOCATION": ["Please ship the replacement to {v} by Friday.", "Our office moved to {v} last month."],
}

# decoys: (kind, type it resembles, generator, templates)


def _decoy_values(rng, kind):
    if kind == "win-build":
        return "10.0.%d.%d" % (rng.choice([19041, 19044, 19045, 22621, 22631, 17763]), rng.randint(1000, 4999))
    if kind == "kb-number":
        return "KB%d" % rng.randint(4000000, 5099999)
    if kind == "hex-error":
        return "0x%08X" % rng.choice([0x80070005, 0x8007000E, 0x80004005, 0xC0000005, 0x800F081F, 0x80072EE7])
    if kind == "guid":
        return "%08x-%04x-%04x-%04x-%012x" % (rng.getrandbits(32), rng.getrandbits(16), rng.getrandbits(16),
                                              rng.getrandbits(16), rng.getrandbits(48))
    if kind == "version":
        return rng.choice(["v%d.%d.%d" % (rng.randint(1, 9), rng.randint(0, 30), rng.randint(0, 20)),
                           "%d.%d.%d" % (rng.randint(1, 9), rng.randint(0, 30), rng.randint(0, 20))])
    if kind == "price":
        return rng.choice(["$%d,%03d.00" % (rng.randint(1, 9), rng.randint(0, 999)),
                           "€%d.%02d" % (rng.randint(10, 999), rng.randint(0, 99)),
                           "$%d.99" % rng.randint(5, 499)])
    if kind == "date":
        y, m, d = rng.randint(2019, 2025), rng.randint(1, 12), rng.randint(1, 28)
        return rng.choice(["%04d-%02d-%02d" % (y, m, d), "%02d/%02d/%04d" % (m, d, y),
                           "%04d - %02d - %02d" % (y, m, d)])
    if kind == "time":
        return "%02d:%02d:%02d" % (rng.randint(0, 23), rng.randint(0, 59), rng.randint(0, 59))
    if kind == "order-number-spaced":
        return "%04d %04d" % (rng.randint(1000, 9999), rng.randint(1000, 9999))
    if kind == "order-number-hash":
        return "%d" % rng.randint(10000, 99999)
    if kind == "case-number":
        return case_id(rng)
    if kind == "prose-at-time":
        return "we can talk at %d %s" % (rng.randint(1, 11), rng.choice(["pm", "am", "PM"]))
    if kind == "prose-dot-menu":
        return rng.choice(["click the dot menu", "click the three dot menu"])
    if kind == "prose-meet-at":
        return rng.choice(["meet at the office", "meet at the front desk"])
    if kind == "prose-look-at":
        return "Look at the log. Then"
    if kind == "otp-code":
        return "%06d" % rng.randrange(1000000)
    if kind == "prose-zip":
        return rng.choice(["the zip file is %d bytes" % rng.randint(10000, 99999), "zip %d files" % rng.randint(2, 9)])
    if kind == "prose-call-me":
        return rng.choice(["Monday", "Tuesday", "Friday", "Tomorrow", "Later"])
    if kind == "prose-street-words":
        return rng.choice(["Via Teams %d users joined" % rng.randint(2, 9), "monitoring %d servers" % rng.randint(2, 90),
                           "Speicherplatz %d GB frei" % rng.randint(2, 90), "upgrade %d machines" % rng.randint(2, 9)])
    raise KeyError(kind)


DECOYS = [
    ("win-build", "IP_ADDRESS", ["The machine runs Windows {v} with all updates.", "After updating to build {v} it broke."]),
    ("kb-number", "PHONE", ["The update {v} failed to install.", "Is {v} safe to roll back?"]),
    ("hex-error", "SECRET", ["It fails with error {v} every time.", "Setup ends with code {v}."]),
    ("guid", "SECRET", ["Tenant ID {v} is affected.", "The correlation id was {v} for the failed call."]),
    ("version", "IP_ADDRESS", ["The client version is {v} on all machines.", "We upgraded to {v} this week."]),
    ("price", "CREDIT_CARD", ["The renewal costs {v} per year.", "We were charged {v} instead of the quoted amount."]),
    ("date", "PHONE", ["It started on {v} after the maintenance window.", "The contract ends on {v}."]),
    ("time", "MAC_ADDRESS", ["The job runs at {v} daily.", "The last error was logged at {v} server time."]),
    ("order-number-spaced", "CREDIT_CARD", ["Your order {v} shipped this morning.", "The order {v} shipped without the cable."]),
    ("order-number-hash", "PHONE", ["I am asking about order #{v} from last month."]),
    ("case-number", "SECRET", ["This is related to case {v}.", "See the previous case {v} for history."]),
    ("prose-at-time", "EMAIL", ["If it is easier, {v}. Thanks again."]),
    ("prose-dot-menu", "EMAIL", ["To export, {v}. Then choose the format."]),
    ("prose-meet-at", "EMAIL", ["We could {v}. Do you have time tomorrow?"]),
    ("prose-look-at", "EMAIL", ["{v} restart the agent and try again."]),
    ("prose-street-words", "LOCATION", ["Our office said: {v}, which helps."]),
    ("otp-code", "CREDIT_CARD", ["Enter the security code {v} from the text message.", "The CVV code {v} expired."]),
    ("prose-call-me", "PERSON", ["Please call me {v} about the renewal."]),
    ("prose-zip", "LOCATION", ["As requested, {v} and attach it."]),
]


def case_id(rng):
    return "CAS-%05d-%s" % (rng.randint(0, 99999), _rand(rng, string.ascii_uppercase + string.digits, 6))


def created(rng):
    return "%04d-%02d-%02dT%02d:%02d:%02dZ" % (rng.randint(2021, 2025), rng.randint(1, 12), rng.randint(1, 28),
                                              rng.randint(0, 23), rng.randint(0, 59), rng.randint(0, 59))


# --------------------------------------------------------------------------
# record building


class Field:
    """One string value: pieces of decoded text, labels with byte offsets,
    and optional raw JSON spellings of pieces."""
    __slots__ = ("parts", "raw", "n", "labels")

    def __init__(self):
        self.parts, self.raw, self.n, self.labels = [], [], 0, []

    def add(self, s, raw=None):
        self.parts.append(s)
        self.raw.append(raw)
        self.n += len(s.encode("utf-8"))

    def mark(self, s, typ, form, kind, raw=None):
        start = self.n
        self.add(s, raw)
        self.labels.append((start, self.n, typ, form, kind, s))

    def sep(self, s=" "):
        if self.n:
            self.add(s)

    def text(self):
        return "".join(self.parts)

    def json(self):
        out = []
        for p, r in zip(self.parts, self.raw):
            out.append(r if r is not None else json.dumps(p, ensure_ascii=False)[1:-1])
        return '"' + "".join(out) + '"'


def fill(rng, s):
    return s.replace("{p}", rng.choice(PRODUCTS))


def put_sentence(f, template, value, typ, form, kind, raw=None):
    """template with one {v}; the value is labeled"""
    pre, post = template.split("{v}")
    f.sep()
    if pre:
        f.add(pre)
    f.mark(value, typ, form, kind, raw)
    if post:
        f.add(post)


def put_planted(rng, f, fmt, typ, form):
    v, kind, raw = GEN[typ](rng, form, fmt)
    if kind in TEMPLATES:
        tpl = rng.choice(TEMPLATES[kind])
    elif typ == "US_SSN" and form == "standard" and rng.random() < 0.5:
        tpl = rng.choice(TEMPLATES["US_SSN-nocontext"])
    else:
        tpl = rng.choice(TEMPLATES[typ])
    if typ == "PERSON" and fmt == "ndjson" and rng.random() < 0.25:
        # a sign-off ending its line, the first name alone on the next
        tpl = rng.choice(["Regards,\n{v}", "Thanks,\n{v}\nAcme Corp", "Kind regards,\r\n{v}"])
        v = v.split()[0]
    if typ == "PERSON":
        kind = ("person-signoff-line" if "\n" in tpl else
                "person-signoff" if tpl.startswith("Regards") else
                "person-call-me" if "calls me" in tpl else "person-my-name-is")
    if kind == "pem-private-key" and fmt != "ndjson":
        raise AssertionError("PEM only in ndjson")
    put_sentence(f, tpl, v, typ, form, kind, raw)


def put_decoy(rng, f):
    kind, typ, tpls = rng.choice(DECOYS)
    put_sentence(f, rng.choice(tpls), _decoy_values(rng, kind), typ, "decoy", kind)


def put_filler(rng, f, n, pool=FILLER):
    for s in rng.sample(pool, min(n, len(pool))):
        f.sep()
        f.add(fill(rng, s))


# type weights for planted values (must types heavier than PERSON/LOCATION)
TYPE_WEIGHTS = [("EMAIL", 14), ("PHONE", 10), ("IP_ADDRESS", 10), ("CREDIT_CARD", 9), ("IBAN", 7),
                ("US_SSN", 8), ("MAC_ADDRESS", 6), ("URL", 8), ("SECRET", 12), ("PERSON", 2), ("LOCATION", 2),
                ("DATE_OF_BIRTH", 2)]
_TYPES = [t for t, _ in TYPE_WEIGHTS]
_WEIGHTS = [w for _, w in TYPE_WEIGHTS]


def pick_planted(rng):
    typ = rng.choices(_TYPES, _WEIGHTS)[0]
    form = "nonstandard" if typ in HAS_NONSTANDARD and rng.random() < 0.5 else "standard"
    return typ, form


def make_record(rng, fmt, dense):
    """returns a list of (path, text_label, Field-or-subdict) in output order"""
    cid, ts = Field(), Field()
    cid.mark(case_id(rng), "SECRET", "decoy", "case-number-field")
    ts.mark(created(rng), "PHONE", "decoy", "iso-timestamp-field")
    cust = Field()
    if dense or rng.random() < 0.15:
        v, kind, raw = g_email(rng, "standard", fmt)
        cust.mark(v, "EMAIL", "standard", "email-field-value", raw)
    agent = Field()
    if dense:
        local, _ = email_parts(rng)
        agent.mark(local + "@support.contoso.com", "EMAIL", "standard", "email-agent")
    else:
        # a queue, not a person: kept although "agent" is a person's key
        agent.mark(rng.choice(["tier1-emea", "tier2-networking", "billing-desk", "tier1-americas"]),
                   "PERSON", "decoy", "queue-name-agent")
    subject, body, reply, notes = Field(), Field(), Field(), Field()
    subject.add(rng.choice(SUBJECTS))
    body_targets = [body, body, body, reply, notes]
    if dense:
        put_filler(rng, body, rng.randint(1, 3))
        n_planted, n_decoys = rng.randint(2, 5), rng.randint(1, 3)
    else:
        put_filler(rng, body, rng.randint(4, 10))
        n_planted = 1 if rng.random() < 0.30 else 0
        n_decoys = 1 if rng.random() < 0.35 else 0
    items = ["p"] * n_planted + ["d"] * n_decoys
    rng.shuffle(items)
    for it in items:
        f = rng.choice(body_targets)
        if it == "p":
            typ, form = pick_planted(rng)
            put_planted(rng, f, fmt, typ, form)
        else:
            put_decoy(rng, f)
        if rng.random() < 0.5:
            put_filler(rng, f, 1)
    put_filler(rng, reply, rng.randint(1, 2) if dense else rng.randint(2, 5), AGENT_LINES)
    put_filler(rng, notes, 1 if dense else rng.randint(1, 3), NOTE_LINES)
    contact = None
    if dense and rng.random() < 0.25:
        contact = Field()
        v, kind, raw = g_phone(rng, "standard", fmt)
        contact.mark(v, "PHONE", "standard", "phone-contact-field")
    fields = [("/case_id", cid), ("/created", ts), ("/customer_email", cust), ("/subject", subject),
              ("/body", body), ("/agent", agent), ("/agent_reply", reply), ("/internal_notes", notes)]
    if contact is not None:
        fields.append(("/contact/phone", contact))
    return fields


TEXT_SEP = {"/case_id": "", "/created": " ", "/customer_email": " from ", "/subject": " | Subject: ",
            "/body": " | Customer: ", "/agent": " | Agent ", "/agent_reply": ": ",
            "/internal_notes": " | Notes: ", "/contact/phone": " | Phone: "}


def serialize(fields, fmt):
    """returns (line_without_newline, [(field_or_None, start, end, typ, form, kind, text)])"""
    labels = []
    if fmt == "text":
        out = Field()
        for path, f in fields:
            if path == "/customer_email" and not f.n:
                continue
            out.add(TEXT_SEP[path])
            base = out.n
            out.add(f.text())
            for (s, e, t, fo, k, txt) in f.labels:
                labels.append((None, base + s, base + e, t, fo, k, txt))
        line = out.text()
        assert "\n" not in line and "\r" not in line
        return line, labels
    top, nested = [], {}
    for path, f in fields:
        parts = path.strip("/").split("/")
        for (s, e, t, fo, k, txt) in f.labels:
            labels.append((path, s, e, t, fo, k, txt))
        if len(parts) == 1:
            if path == "/customer_email" and not f.n:
                top.append('"customer_email":null')
            else:
                top.append(json.dumps(parts[0]) + ":" + f.json())
        else:
            nested.setdefault(parts[0], []).append(json.dumps(parts[1]) + ":" + f.json())
    for k, v in nested.items():
        top.append(json.dumps(k) + ":{" + ",".join(v) + "}")
    return "{" + ",".join(top) + "}", labels


def generate(args, out, lab):
    rng = random.Random(args.seed)
    total, rec = 0, 0
    dense = args.bytes is None
    while True:
        if dense and rec >= args.records:
            break
        if not dense and total >= args.bytes:
            break
        rec += 1
        line, labels = serialize(make_record(rng, args.format, dense), args.format)
        b = line.encode("utf-8") + b"\n"
        out.write(b)
        total += len(b)
        if lab is not None:
            for (field, s, e, t, fo, k, txt) in labels:
                lab.write(json.dumps({"record": rec, "field": field, "start": s, "end": e, "type": t,
                                      "form": fo, "kind": k, "text": txt}, ensure_ascii=False) + "\n")
    return rec, total


# --------------------------------------------------------------------------
# verification


def json_pointer(obj, ptr):
    if ptr is None:
        return obj
    for tok in ptr.split("/")[1:]:
        tok = tok.replace("~1", "/").replace("~0", "~")
        obj = obj[int(tok)] if isinstance(obj, list) else obj[tok]
    return obj


def semantic_problem(l):
    """None if the planted value is what its type claims, else a message"""
    t, v, kind, form = l["type"], l["text"], l["kind"], l["form"]
    if form == "decoy":
        return None
    digits = re.sub(r"[^0-9]", "", v)
    if t == "CREDIT_CARD" and kind == "card-cvv":
        if len(digits) not in (3, 4):
            return "bad cvv"
    elif t == "CREDIT_CARD" and not (luhn_ok(digits) and len(digits) in (15, 16)):
        return "bad card"
    if t == "IBAN" and not (iban_ok(v.replace("-", "")) and len(v.replace(" ", "").replace("-", "")) == IBAN_LEN[v[:2]]):
        return "bad iban"
    if t == "US_SSN" and not ssn_ok(v):
        return "bad ssn"
    if t == "IP_ADDRESS":
        plain = v.replace("[.]", ".").replace("(.)", ".").replace(" . ", ".")
        try:
            a = ipaddress.ip_address(plain)
        except ValueError:
            return "bad ip"
        if a.version == 4 and not a.is_global:
            return "non-public ipv4"
    if t == "MAC_ADDRESS" and len(re.sub(r"[^0-9a-fA-F]", "", v)) != 12:
        return "bad mac"
    if t == "PHONE" and len(digits) < 10:
        return "short phone"
    if t == "SECRET":
        if kind == "aws-access-key" and not re.fullmatch(r"AKIA[A-Z0-9]{16}", v):
            return "bad aws"
        if kind == "github-pat" and not re.fullmatch(r"ghp_[A-Za-z0-9]{36}", v):
            return "bad ghp"
        if kind == "google-api-key" and not re.fullmatch(r"AIza[A-Za-z0-9_\-]{35}", v):
            return "bad google"
        if kind == "azure-account-key" and not (len(v) == 88 and len(base64.b64decode(v)) == 64):
            return "bad azure key"
        if kind == "jwt" and not (v.startswith("eyJ") and v.count(".") == 2):
            return "bad jwt"
    if t == "EMAIL" and form == "standard" and not re.fullmatch(r"[A-Za-z0-9._%+\-]+@[A-Za-z0-9.\-]+\.[A-Za-z]{2,}", v):
        return "bad email"
    return None


def verify(fmt, corpus_path, labels_path):
    problems = []
    with open(corpus_path, "rb") as fh:
        raw_lines = fh.read().split(b"\n")
    if raw_lines and raw_lines[-1] == b"":
        raw_lines.pop()
    records = []
    for i, b in enumerate(raw_lines, 1):
        if fmt == "ndjson":
            try:
                records.append(json.loads(b))
            except ValueError as e:
                problems.append("record %d: invalid JSON: %s" % (i, e))
                records.append(None)
        else:
            if b"\r" in b:
                problems.append("record %d: CR in text record" % i)
            records.append(b)
    counts = {}
    spans = {}
    n = 0
    with open(labels_path, encoding="utf-8") as fh:
        for ln in fh:
            l = json.loads(ln)
            n += 1
            r = l["record"]
            if not 1 <= r <= len(records) or records[r - 1] is None:
                problems.append("label %d: bad record %r" % (n, r))
                continue
            if fmt == "text":
                if l["field"] is not None:
                    problems.append("label %d: text label with field" % n)
                val = records[r - 1]
            else:
                try:
                    val = json_pointer(records[r - 1], l["field"]).encode("utf-8")
                except (KeyError, IndexError, TypeError, AttributeError):
                    problems.append("label %d: pointer %r not found" % (n, l["field"]))
                    continue
            got = val[l["start"]:l["end"]]
            if got != l["text"].encode("utf-8"):
                problems.append("label %d (record %d %s): span holds %r, expected %r"
                                % (n, r, l["kind"], got, l["text"]))
            msg = semantic_problem(l)
            if msg:
                problems.append("label %d (record %d %s): %s: %r" % (n, r, l["kind"], msg, l["text"]))
            spans.setdefault((r, l["field"]), []).append((l["start"], l["end"], n))
            key = (l["type"], l["form"])
            counts[key] = counts.get(key, 0) + 1
    for key, lst in spans.items():
        lst.sort()
        for a, b in zip(lst, lst[1:]):
            if b[0] < a[1]:
                problems.append("labels %d and %d overlap in record %d" % (a[2], b[2], key[0]))
    for p in problems[:30]:
        print("verify: " + p, file=sys.stderr)
    summary = ", ".join("%s/%s=%d" % (t, f[:3], c) for (t, f), c in sorted(counts.items()))
    print("verify: %d records, %d labels (%s): %s" % (len(records), n, summary,
          "OK" if not problems else "%d PROBLEMS" % len(problems)), file=sys.stderr)
    return not problems


def main():
    ap = argparse.ArgumentParser(description=__doc__,
                                 formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--format", choices=["text", "ndjson"], default="text")
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--records", type=int, default=1000)
    ap.add_argument("--bytes", type=int, default=None)
    ap.add_argument("-o", "--out", default="-")
    ap.add_argument("--labels", default=None)
    ap.add_argument("--verify", action="store_true")
    ap.add_argument("--verify-only", action="store_true")
    args = ap.parse_args()
    if args.verify or args.verify_only:
        if args.out == "-" or not args.labels:
            ap.error("--verify needs -o CORPUS and --labels FILE")
    if not args.verify_only:
        out = sys.stdout.buffer if args.out == "-" else open(args.out, "wb")
        lab = open(args.labels, "w", encoding="utf-8") if args.labels else None
        n, total = generate(args, out, lab)
        out.flush()
        if out is not sys.stdout.buffer:
            out.close()
        if lab:
            lab.close()
        print("gen_corpus: %d %s records, %d bytes" % (n, args.format, total), file=sys.stderr)
    if args.verify or args.verify_only:
        sys.exit(0 if verify(args.format, args.out, args.labels) else 1)


if __name__ == "__main__":
    main()
