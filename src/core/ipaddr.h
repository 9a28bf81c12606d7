/* ipaddr.h - IPv4/IPv6 addresses as points of one 128-bit space.
 *
 * IPv4 a.b.c.d is stored as the IPv4-mapped IPv6 address ::ffff:a.b.c.d, so
 * one interval set can hold both families.  Real IPv6 prefixes never
 * include the mapped block: parsing "::/0" yields all of IPv6 *except*
 * ::ffff:0:0/96, so an IPv6 rule never matches IPv4 traffic. */
#ifndef LG_IPADDR_H
#define LG_IPADDR_H

#include <stdbool.h>

#include "ivset.h"

#define LG_V4_BASE (((lg_u128)0xffff) << 32)
#define LG_V4(x) (LG_V4_BASE | (lg_u128)(uint32_t)(x))

/* Parse one address (no prefix).  Returns true on success. */
bool lg_ip_parse(const char *s, size_t len, lg_u128 *out, int *family);
/* Parse "ADDR", "ADDR/LEN" (host bits are masked off, as iptables does) or
 * "ADDR-ADDR" into a set.  family may be NULL; it receives 4 or 6. */
bool lg_ip_parse_set(lg_arena *a, const char *s, size_t len, lg_ivset *out,
                     int *family);

/* Well-known sets, allocated once in a static arena; read-only. */
lg_ivset lg_ip_all(void);        /* both families */
lg_ivset lg_ip_v4(void);         /* 0.0.0.0/0 */
lg_ivset lg_ip_v6(void);         /* ::/0 without the v4-mapped block */
lg_ivset lg_ip_public(void);     /* public IPv4 (IANA special-purpose
                                    blocks removed) and global unicast IPv6
                                    2000::/3 minus documentation prefixes */
lg_ivset lg_ip_public_v4(void);
lg_ivset lg_ip_public_v6(void);
lg_ivset lg_ip_private(void);    /* RFC 1918 + 100.64/10 + fc00::/7: the
                                    default VNet/VPC address space */

/* Write the address (dotted quad for mapped IPv4) into buf (>= 48 bytes). */
void lg_ip_format(lg_u128 v, char *buf, size_t len);
int lg_ip_family(lg_u128 v);

/* The smallest list of CIDR blocks whose addresses *within `care`* are
 * exactly `set ∩ care` (addresses outside `care` are don't-care).  With
 * care = public space this renders "all public IPv4" as 0.0.0.0/0.
 * Returns a NULL-terminated array of strings in the arena. */
char **lg_ip_cidrs(lg_arena *a, lg_ivset set, lg_ivset care, size_t *count);

#endif
