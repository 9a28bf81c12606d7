"""azure.py - random Azure NSGs (`az network nsg show` JSON) and a
brute-force inbound evaluator written from the Azure documentation:

- rules of the packet's direction are processed in priority order, lowest
  number first; the first rule whose protocol, source prefix, source port,
  destination prefix and destination port all match decides (Allow/Deny);
- after the user rules come the default rules: 65000 AllowVnetInBound
  (VirtualNetwork -> VirtualNetwork, any), 65001 AllowAzureLoadBalancerInBound
  (AzureLoadBalancer -> any), 65500 DenyAllInBound;
- tags: '*'/'Any' = everything, VirtualNetwork = the VNet space (here the
  default 10/8, 172.16/12, 192.168/16, 100.64/10, fc00::/7), Internet = not
  VirtualNetwork, AzureLoadBalancer = 168.63.129.16;
- protocol Tcp/Udp/'*'; port ranges are 'N', 'A-B' or '*'; the plural
  fields (...Prefixes, ...Ranges) are lists meaning "any of".
"""
import json

from common import net, in_any, rand_v4, rand_v6, rand_port_range

NAME = "azure"
FAMILIES = (4, 6)

VNET = [net(x) for x in ("10.0.0.0/8", "172.16.0.0/12", "192.168.0.0/16",
                         "100.64.0.0/10", "fc00::/7")]
ALB = [net("168.63.129.16/32")]


def tag_match(a, text):
    t = text.strip()
    tl = t.lower()
    if tl in ("*", "any"):
        return True
    if tl == "virtualnetwork":
        return in_any(a, VNET)
    if tl == "internet":
        return not in_any(a, VNET)
    if tl == "azureloadbalancer":
        return in_any(a, ALB)
    return in_any(a, [net(t)])


def tag_nets(text):
    """Prefixes a source/destination value is made of (for boundary points)."""
    tl = text.strip().lower()
    if tl in ("*", "any"):
        return []
    if tl in ("virtualnetwork", "internet"):
        return VNET
    if tl == "azureloadbalancer":
        return ALB
    return [net(text)]


def port_match(p, text):
    t = text.strip()
    if t == "*":
        return True
    if "-" in t:
        a, b = t.split("-")
        return int(a) <= p <= int(b)
    return p == int(t)


def port_ranges(text):
    t = text.strip()
    if t == "*":
        return [(0, 65535)]
    if "-" in t:
        a, b = t.split("-")
        return [(int(a), int(b))]
    return [(int(t), int(t))]


def _field(rule, single, plural):
    vals = rule.get(plural) or []
    if vals:
        return list(vals)
    v = rule.get(single)
    return [v] if v is not None else []


DEFAULTS = [
    {"name": "AllowVnetInBound", "priority": 65000, "protocol": "*", "access": "Allow",
     "direction": "Inbound", "sourceAddressPrefix": "VirtualNetwork", "sourcePortRange": "*",
     "destinationAddressPrefix": "VirtualNetwork", "destinationPortRange": "*"},
    {"name": "AllowAzureLoadBalancerInBound", "priority": 65001, "protocol": "*",
     "access": "Allow", "direction": "Inbound", "sourceAddressPrefix": "AzureLoadBalancer",
     "sourcePortRange": "*", "destinationAddressPrefix": "*", "destinationPortRange": "*"},
    {"name": "DenyAllInBound", "priority": 65500, "protocol": "*", "access": "Deny",
     "direction": "Inbound", "sourceAddressPrefix": "*", "sourcePortRange": "*",
     "destinationAddressPrefix": "*", "destinationPortRange": "*"},
]
DEFAULTS_OUT = [
    {"name": "AllowVnetOutBound", "priority": 65000, "protocol": "*", "access": "Allow",
     "direction": "Outbound", "sourceAddressPrefix": "VirtualNetwork", "sourcePortRange": "*",
     "destinationAddressPrefix": "VirtualNetwork", "destinationPortRange": "*"},
    {"name": "AllowInternetOutBound", "priority": 65001, "protocol": "*", "access": "Allow",
     "direction": "Outbound", "sourceAddressPrefix": "*", "sourcePortRange": "*",
     "destinationAddressPrefix": "Internet", "destinationPortRange": "*"},
    {"name": "DenyAllOutBound", "priority": 65500, "protocol": "*", "access": "Deny",
     "direction": "Outbound", "sourceAddressPrefix": "*", "sourcePortRange": "*",
     "destinationAddressPrefix": "*", "destinationPortRange": "*"},
]


def _rule_matches(r, f):
    proto = r["protocol"].lower()
    if proto not in ("*", f.proto):
        return False
    if not any(tag_match(f.src, x) for x in _field(r, "sourceAddressPrefix", "sourceAddressPrefixes")):
        return False
    if not any(tag_match(f.dst, x) for x in _field(r, "destinationAddressPrefix", "destinationAddressPrefixes")):
        return False
    if not any(port_match(f.sport, x) for x in _field(r, "sourcePortRange", "sourcePortRanges")):
        return False
    if not any(port_match(f.dport, x) for x in _field(r, "destinationPortRange", "destinationPortRanges")):
        return False
    return True


def inbound_rules(rs):
    user = [r for r in rs["securityRules"] if r["direction"] == "Inbound"]
    return sorted(user, key=lambda r: r["priority"]) + DEFAULTS


def evaluate(rs, f, rules=None):
    for r in rules if rules is not None else inbound_rules(rs):
        if _rule_matches(r, f):
            return ("allow" if r["access"] == "Allow" else "deny", r["name"])
    raise AssertionError("DenyAllInBound matches everything")


# ---- generator ------------------------------------------------------------
TAGS = ("*", "Internet", "VirtualNetwork")


def _addr_value(rng, fam):
    k = rng.random()
    if k < 0.12:
        return "*"
    if k < 0.24:
        return "Internet"
    if k < 0.32:
        return "VirtualNetwork"
    return rand_v6(rng) if fam == 6 else rand_v4(rng)


def _port_text(rng):
    if rng.random() < 0.08:
        return "*"
    lo, hi = rand_port_range(rng)
    return str(lo) if lo == hi else "%d-%d" % (lo, hi)


def _canon(p):
    # Azure shows single addresses without /32; keep both spellings.
    return p[:-3] if p.endswith("/32") and ":" not in p else p


def generate(rng, nrules=None):
    n = nrules or rng.randint(1, 14)
    prios = rng.sample(range(100, 4097), n)
    rules = []
    for i in range(n):
        r = {"name": "r%d-%s" % (i, rng.choice(["es", "kibana", "mongo", "web", "deny", "any"])),
             "protocol": rng.choice(["Tcp", "Tcp", "Tcp", "Udp", "*"]),
             "access": "Allow" if rng.random() < 0.65 else "Deny",
             "priority": prios[i],
             "direction": "Inbound" if rng.random() < 0.9 else "Outbound"}
        # one rule never mixes IPv4 and IPv6 prefixes (Azure refuses that)
        fam = 6 if rng.random() < 0.2 else 4
        if rng.random() < 0.75:
            r["sourceAddressPrefix"] = _canon(_addr_value(rng, fam))
            r["sourceAddressPrefixes"] = []
        else:
            r["sourceAddressPrefixes"] = [_canon(rand_v6(rng) if fam == 6 else rand_v4(rng))
                                          for _ in range(rng.randint(1, 3))]
        if rng.random() < 0.85:
            r["sourcePortRange"] = "*"
            r["sourcePortRanges"] = []
        else:
            r["sourcePortRanges"] = rng.choice([["1024-65535"], ["32768-65535"], ["40000", "1-1023"]])
        k = rng.random()
        if k < 0.6:
            r["destinationAddressPrefix"] = "*"
        elif k < 0.75:
            r["destinationAddressPrefix"] = "VirtualNetwork"
        elif fam == 4 or r.get("sourceAddressPrefix") in TAGS:
            r["destinationAddressPrefix"] = rng.choice(["10.0.1.0/24", "10.0.1.4", "10.0.0.0/16"])
        else:
            r["destinationAddressPrefix"] = "fd00:1::/64"
        r["destinationAddressPrefixes"] = []
        if rng.random() < 0.7:
            r["destinationPortRange"] = _port_text(rng)
            r["destinationPortRanges"] = []
        else:
            r["destinationPortRanges"] = [_port_text(rng) for _ in range(rng.randint(2, 4))]
        rules.append(r)
    rs = {"name": "nsg-%d" % rng.randint(0, 999), "location": "westeurope",
          "securityRules": rules}
    if rng.random() < 0.3:
        rs["defaultSecurityRules"] = DEFAULTS + DEFAULTS_OUT
    return rs


def render(rs):
    return json.dumps(rs, indent=1)


def resource(rs):
    return rs["name"]


def rule_nets(rs):
    src, dst, sp, dp = [], [], [], []
    for r in inbound_rules(rs):
        for x in _field(r, "sourceAddressPrefix", "sourceAddressPrefixes"):
            src += tag_nets(x)
        for x in _field(r, "destinationAddressPrefix", "destinationAddressPrefixes"):
            dst += tag_nets(x)
        for x in _field(r, "sourcePortRange", "sourcePortRanges"):
            sp += port_ranges(x)
        for x in _field(r, "destinationPortRange", "destinationPortRanges"):
            dp += port_ranges(x)
    return src, dst, sp, dp
