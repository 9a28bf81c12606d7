/* validate.h - validators that confirm a candidate Vectorscan found: check
 * digits, registries and syntax so that look-alikes (build numbers, order
 * numbers, versions) are not reported.  All take a byte span, none
 * allocates. */
#ifndef RD_VALIDATE_H
#define RD_VALIDATE_H

#include <stddef.h>

/* digits: only '0'..'9' */
int rd_luhn_ok(const char *digits, size_t n);
/* 13..19 digits, Luhn and a known issuer prefix (Visa, Mastercard, Amex,
 * Discover, JCB, Diners, UnionPay, Maestro) with that issuer's length. */
int rd_card_ok(const char *digits, size_t n);
/* s: letters and digits only, upper- or lower-case; country length table
 * and ISO 7064 mod 97-10. */
int rd_iban_ok(const char *s, size_t n);
/* 9 digits: area not 000/666/900-999, group not 00, serial not 0000 */
int rd_ssn_ok(const char *digits);
/* dotted quad, each part 0-255 without leading zeros; writes 4 bytes */
int rd_ipv4_parse(const char *s, size_t n, unsigned char out[4]);
/* any RFC 4291 text form (inet_pton); canon gets the RFC 5952 form */
int rd_ipv6_parse(const char *s, size_t n, char *canon, size_t cap);
/* Shannon entropy in bits per byte */
double rd_entropy(const char *s, size_t n);
/* top-level domain: 1 when tld (letters, any case) is in the built-in list
 * of common generic and country TLDs; strict=0 accepts any 2-24 letters */
int rd_tld_ok(const char *tld, size_t n, int strict);

#endif
