"""azure_avnm.py - a random NSG behind random Azure Virtual Network Manager
security admin rules, all in one JSON array (NSG, admin rules as
`az network manager security-admin-config rule-collection rule list` or the
REST shape, their rule collection, the network group's static member), and
a brute-force inbound evaluator written from the AVNM documentation:

- admin rules are evaluated before the NSG, lowest priority number first;
  the first matching one decides: Deny drops, AlwaysAllow allows (the NSG
  is not consulted), Allow hands the packet to the NSG (no later admin rule
  applies); with no matching admin rule the NSG decides (azure.py);
- an admin rule matches on protocol (Tcp, Udp, Any), sources and
  destinations ({addressPrefix, addressPrefixType}: IP prefixes or service
  tags as in azure.py; an empty list is any address) and source and
  destination port ranges (empty: any port).
The NSG's subnet is in the VNet that is the group's static member, so every
admin rule applies.
"""
import copy
import json

import azure
from common import rand_v4, rand_v6, rand_port_range

NAME = "azure-avnm"
FAMILIES = azure.FAMILIES

SUB = "/subscriptions/00000000-0000-0000-0000-000000000000"
NM = SUB + "/resourceGroups/rg-net/providers/Microsoft.Network/networkManagers/nm"
RC = NM + "/securityAdminConfigurations/cfg/ruleCollections/guard"
GROUP = NM + "/networkGroups/prod"
VNET = SUB + "/resourceGroups/rg/providers/Microsoft.Network/virtualNetworks/vnet1"


def _addr_match(a, items):
    return not items or any(azure.tag_match(a, x["addressPrefix"]) for x in items)


def _port_match(p, ranges):
    return not ranges or any(azure.port_match(p, x) for x in ranges)


def _admin_matches(r, f):
    proto = r["protocol"].lower()
    return (proto in ("any", f.proto) and _addr_match(f.src, r["sources"]) and
            _addr_match(f.dst, r["destinations"]) and
            _port_match(f.sport, r["sourcePortRanges"]) and
            _port_match(f.dport, r["destinationPortRanges"]))


def evaluate(rs, f):
    for r in sorted(rs["admin"], key=lambda r: r["priority"]):
        if r["direction"] != "Inbound" or not _admin_matches(r, f):
            continue
        if r["access"] == "Deny":
            return ("deny", "guard/" + r["name"])
        if r["access"] == "AlwaysAllow":
            return ("allow", "guard/" + r["name"])
        break  # Allow: the NSG decides
    return azure.evaluate(rs["nsg"], f)


def _addr_items(rng, fam):
    items = []
    for _ in range(rng.choice([0, 1, 1, 1, 2])):
        v = azure._addr_value(rng, fam)
        tag = v in ("*", "Internet", "VirtualNetwork")
        items.append({"addressPrefix": v, "addressPrefixType": "ServiceTag" if tag and v != "*" else "IPPrefix"})
    return items


def _ports(rng, n_max):
    out = []
    for _ in range(rng.randint(0, n_max)):
        lo, hi = rand_port_range(rng)
        out.append(str(lo) if lo == hi else "%d-%d" % (lo, hi))
    return out


def generate(rng):
    nsg = azure.generate(rng)
    n = rng.randint(1, 6)
    prios = rng.sample(range(1, 4097), n)
    admin = []
    for i in range(n):
        fam = 6 if rng.random() < 0.2 else 4
        admin.append({
            "name": "a%d-%s" % (i, rng.choice(["deny-ds", "always", "allow", "ops"])),
            "access": rng.choice(["Deny", "Deny", "AlwaysAllow", "Allow"]),
            "priority": prios[i],
            "direction": "Inbound" if rng.random() < 0.9 else "Outbound",
            "protocol": rng.choice(["Tcp", "Tcp", "Udp", "Any"]),
            "sources": _addr_items(rng, fam),
            "destinations": [] if rng.random() < 0.7 else
            [{"addressPrefix": "10.0.1.0/24" if fam == 4 else "fd00:1::/64", "addressPrefixType": "IPPrefix"}],
            "sourcePortRanges": [] if rng.random() < 0.85 else ["1024-65535"],
            "destinationPortRanges": _ports(rng, 3),
        })
    return {"nsg": nsg, "admin": admin, "rest": rng.random() < 0.3}


def render(rs):
    nsg = copy.deepcopy(rs["nsg"])
    nsg["id"] = SUB + "/resourceGroups/rg/providers/Microsoft.Network/networkSecurityGroups/" + nsg["name"]
    nsg["subnets"] = [{"id": VNET + "/subnets/data"}]
    doc = [nsg]
    for r in rs["admin"]:
        rid = RC + "/rules/" + r["name"]
        kind = "Microsoft.Network/networkManagers/securityAdminConfigurations/ruleCollections/rules"
        if rs["rest"]:
            doc.append({"id": rid, "name": r["name"], "kind": "Custom", "type": kind,
                        "properties": {k: v for k, v in r.items() if k != "name"}})
        else:
            doc.append(dict(r, id=rid, kind="Custom", type=kind))
    doc.append({"id": RC, "name": "guard", "appliesToGroups": [{"networkGroupId": GROUP}],
                "type": "Microsoft.Network/networkManagers/securityAdminConfigurations/ruleCollections"})
    doc.append({"id": GROUP + "/staticMembers/vnet1", "name": "vnet1", "resourceId": VNET,
                "type": "Microsoft.Network/networkManagers/networkGroups/staticMembers"})
    return json.dumps(doc, indent=1)


def resource(rs):
    return rs["nsg"]["name"]


def rule_nets(rs):
    src, dst, sp, dp = azure.rule_nets(rs["nsg"])
    for r in rs["admin"]:
        for x in r["sources"]:
            src += azure.tag_nets(x["addressPrefix"])
        for x in r["destinations"]:
            dst += azure.tag_nets(x["addressPrefix"])
        for x in r["sourcePortRanges"]:
            sp += azure.port_ranges(x)
        for x in r["destinationPortRanges"]:
            dp += azure.port_ranges(x)
    return src, dst, sp, dp
