"""common.py - shared pieces of the differential tests: addresses as
integer intervals, the address/port pools the generators draw from, the
flow type, boundary-point helpers and the public-address classification
used by the audit-level check.

Written from the platform documentation only; nothing here is derived from
the C engine.  Addresses are (version, int) pairs; a prefix is
(version, first, last).  IPv4 and IPv6 never match each other.
"""
import functools
import ipaddress
from collections import namedtuple

# One packet: proto is "tcp" or "udp"; src/dst are ipaddress objects.
Flow = namedtuple("Flow", "proto src sport dst dport")


def flow_line(f):
    return "%s %s %d %s %d" % (f.proto, f.src, f.sport, f.dst, f.dport)


@functools.lru_cache(maxsize=None)
def net(text):
    """'10.0.0.0/8' or '1.2.3.4' -> (version, first, last)."""
    n = ipaddress.ip_network(text, strict=False)
    return (n.version, int(n.network_address), int(n.broadcast_address))


def in_net(addr, p):
    v, lo, hi = p
    return addr.version == v and lo <= int(addr) <= hi


def in_any(addr, nets):
    return any(in_net(addr, p) for p in nets)


def addr(version, value):
    return ipaddress.IPv4Address(value) if version == 4 else ipaddress.IPv6Address(value)


def amax(version):
    return (1 << 32) - 1 if version == 4 else (1 << 128) - 1


def _usable(a):
    # IPv4-mapped IPv6 addresses are IPv4 packets in disguise; keep them out
    # of the IPv6 flows so "which family is this" has one answer.
    return not (a.version == 6 and a.ipv4_mapped is not None)


def edge_points(p):
    """First/last address of a prefix and the neighbours just outside."""
    v, lo, hi = p
    out = []
    for x in (lo - 1, lo, lo + 1, hi - 1, hi, hi + 1):
        if 0 <= x <= amax(v):
            a = addr(v, x)
            if _usable(a):
                out.append(a)
    return out


def interval_starts(nets, version):
    """Start of every elementary interval the prefixes cut the address line
    into: a verdict that depends only on membership in these prefixes is
    constant between consecutive starts, so testing the starts is exact."""
    pts = {0}
    for v, lo, hi in nets:
        if v != version:
            continue
        pts.add(lo)
        if hi + 1 <= amax(version):
            pts.add(hi + 1)
    return sorted(pts)


def port_starts(ranges):
    pts = {0}
    for lo, hi in ranges:
        pts.add(lo)
        if hi + 1 <= 65535:
            pts.add(hi + 1)
    return sorted(pts)


# ---- pools: few prefixes, so rules overlap often -------------------------
V4_POOL = [
    "0.0.0.0/0", "52.0.0.0/8", "52.1.0.0/16", "52.1.2.0/24", "52.1.2.3/32",
    "52.1.2.0/30", "13.64.0.0/11", "203.0.113.0/24", "198.51.100.128/25",
    "10.0.0.0/8", "10.0.0.0/16", "10.0.1.0/24", "10.0.1.4/32", "172.16.0.0/12",
    "192.168.0.0/16", "100.64.0.0/10", "8.8.8.0/24", "91.198.0.0/15",
]
V6_POOL = [
    "::/0", "2001:db8::/32", "2600:1f00::/24", "2600:1f00::/40",
    "2a00:1450::/32", "fc00::/7", "fd00:1::/64", "2a00:1450:4001::1/128",
]
PORT_CENTERS = [9200, 9300, 5601, 27017, 6379, 22, 443]


def rand_v4(rng):
    return rng.choice(V4_POOL)


def rand_v6(rng):
    return rng.choice(V6_POOL)


def rand_port_range(rng):
    """(lo, hi) clustered around the data-store ports."""
    c = rng.choice(PORT_CENTERS)
    k = rng.random()
    if k < 0.55:
        return (c, c)
    if k < 0.85:
        lo = max(0, c - rng.choice([0, 1, 5, 100, 200]))
        hi = min(65535, c + rng.choice([0, 1, 10, 100, 1000]))
        return (lo, hi)
    return rng.choice([(1024, 65535), (0, 65535), (9000, 9999), (5000, 30000)])


def rand_addr_in(rng, p):
    v, lo, hi = p
    for _ in range(8):
        a = addr(v, rng.randint(lo, hi))
        if _usable(a):
            return a
    return addr(v, lo)


def port_edges(lo, hi):
    return [p for p in (lo - 1, lo, lo + 1, hi - 1, hi, hi + 1) if 0 <= p <= 65535]


class FlowMaker:
    """Draws flows: half random points from the pools, half points on the
    boundaries collected from the ruleset (prefix first/last +-1, port range
    ends +-1)."""

    def __init__(self, rng, families=(4, 6), src_nets=(), dst_nets=(),
                 dports=(), sports=(), dst_default=None, protos=("tcp", "udp")):
        self.rng = rng
        self.families = families
        self.protos = protos
        self.src_pts = {4: [], 6: []}
        self.dst_pts = {4: [], 6: []}
        pools = [net(x) for x in V4_POOL + V6_POOL]
        for p in list(src_nets) + pools:
            for a in edge_points(p):
                self.src_pts[a.version].append(a)
        for p in list(dst_nets) + [net("10.0.1.0/24"), net("10.0.1.4"), net("fd00:1::/64")]:
            for a in edge_points(p):
                self.dst_pts[a.version].append(a)
        self.src_nets = {4: [p for p in list(src_nets) + pools if p[0] == 4],
                         6: [p for p in list(src_nets) + pools if p[0] == 6]}
        self.dst_nets = {4: [p for p in list(dst_nets) + [net("10.0.1.0/24")] if p[0] == 4],
                         6: [p for p in list(dst_nets) + [net("fd00:1::/64")] if p[0] == 6]}
        self.dports = sorted({q for lo, hi in dports for q in port_edges(lo, hi)} |
                             set(PORT_CENTERS))
        self.sports = sorted({q for lo, hi in sports for q in port_edges(lo, hi)} |
                             {1023, 1024, 32767, 32768, 49151, 49152, 65535, 40000, 22})

    def one(self):
        r = self.rng
        v = r.choice(self.families)
        proto = r.choice(self.protos)
        if r.random() < 0.5 and self.src_pts[v]:
            src = r.choice(self.src_pts[v])
        else:
            src = rand_addr_in(r, r.choice(self.src_nets[v]))
        if r.random() < 0.5 and self.dst_pts[v]:
            dst = r.choice(self.dst_pts[v])
        else:
            dst = rand_addr_in(r, r.choice(self.dst_nets[v]))
        dport = r.choice(self.dports) if r.random() < 0.7 else r.randint(0, 65535)
        sport = r.choice(self.sports) if r.random() < 0.5 else r.randint(1024, 65535)
        return Flow(proto, src, sport, dst, dport)

    def many(self, n):
        return [self.one() for _ in range(n)]


# ---- public address space (audit check) ----------------------------------
# IPv4: everything outside the IANA special-purpose blocks below is public.
V4_NOT_PUBLIC = [net(x) for x in (
    "0.0.0.0/8", "10.0.0.0/8", "100.64.0.0/10", "127.0.0.0/8", "169.254.0.0/16",
    "172.16.0.0/12", "192.0.0.0/24", "192.0.2.0/24", "192.88.99.0/24",
    "192.168.0.0/16", "198.18.0.0/15", "198.51.100.0/24", "203.0.113.0/24",
    "224.0.0.0/4", "240.0.0.0/4")]
# IPv6: global unicast 2000::/3 is public except the documentation and
# transition blocks, whose treatment we do not assume (ambiguous).
V6_NOT_PUBLIC = [net(x) for x in ("::/128", "::1/128", "fc00::/7", "fe80::/10", "ff00::/8")]
V6_AMBIGUOUS = [net(x) for x in ("2001::/23", "2001:db8::/32", "2002::/16")]
V6_GLOBAL = net("2000::/3")

PUBLIC, NOT_PUBLIC, AMBIGUOUS = "public", "not-public", "ambiguous"


def classify(a, extra_ambiguous=()):
    if in_any(a, extra_ambiguous):
        return AMBIGUOUS
    if a.version == 4:
        return NOT_PUBLIC if in_any(a, V4_NOT_PUBLIC) else PUBLIC
    if in_any(a, V6_NOT_PUBLIC):
        return NOT_PUBLIC
    if in_any(a, V6_AMBIGUOUS) or not in_net(a, V6_GLOBAL):
        return AMBIGUOUS
    return PUBLIC


CLASS_NETS = V4_NOT_PUBLIC + V6_NOT_PUBLIC + V6_AMBIGUOUS + [V6_GLOBAL]


def source_candidates(nets, extra=()):
    """One address per elementary interval of the source line cut by the
    rules' prefixes and the public/non-public blocks, both families."""
    allnets = list(nets) + CLASS_NETS + list(extra)
    out = []
    for v in (4, 6):
        for x in interval_starts(allnets, v):
            a = addr(v, x)
            if _usable(a):
                out.append(a)
            else:  # start inside ::ffff:0:0/96: take the first address after it
                out.append(addr(v, int(ipaddress.IPv6Address("::1:0:0:0"))))
    return out


AUDIT_PORTS = [("tcp", 9200), ("tcp", 5601), ("tcp", 27017)]
