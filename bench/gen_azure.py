#!/usr/bin/env python3
"""gen_azure.py - benchmark input: NSGS network security groups of RULES
rules each, as one JSON array in `az network nsg list` shape, written to OUT.
Realistic mix: mostly single ports, some ranges and lists, a few '*';
sources are CIDRs, single addresses and the tags Internet/VirtualNetwork/*;
about a third denies; priorities unique per NSG and direction in 100..4096.
Also writes OUT.flows (FLOWS lines for `leakguard flow`) and prints the
first NSG's name (the --resource the flows are meant for).

usage: gen_azure.py OUT [NSGS [RULES [FLOWS [SEED]]]]
"""
import json
import random
import sys

PORTS = [22, 80, 443, 3389, 9200, 9300, 5601, 27017, 6379, 5432, 3306, 1433, 8080,
         8443, 2379, 11211, 9042, 8123, 5984, 10250]


def port_text(rng):
    k = rng.random()
    if k < 0.70:
        return str(rng.choice(PORTS))
    if k < 0.90:
        lo = max(1, rng.choice(PORTS) - rng.randint(0, 100))
        return "%d-%d" % (lo, min(65535, lo + rng.randint(1, 2000)))
    return "*"


def src(rng):
    k = rng.random()
    if k < 0.08:
        return "Internet"
    if k < 0.16:
        return "VirtualNetwork"
    if k < 0.22:
        return "*"
    if k < 0.6:
        return "%d.%d.%d.0/24" % (rng.randint(1, 223), rng.randint(0, 255), rng.randint(0, 255))
    if k < 0.8:
        return "%d.%d.%d.%d" % (rng.randint(1, 223), rng.randint(0, 255), rng.randint(0, 255),
                                rng.randint(1, 254))
    return "%d.%d.0.0/%d" % (rng.randint(1, 223), rng.randint(0, 255), rng.choice([12, 16, 20]))


def rule(rng, i, prio, direction, rg):
    name = "rule-%d" % i
    r = {"name": name, "etag": "W/\"00000000-0000-0000-0000-000000000000\"",
         "id": "%s/securityRules/%s" % (rg, name),
         "protocol": rng.choice(["Tcp", "Tcp", "Tcp", "Udp", "*"]),
         "sourcePortRange": "*", "sourcePortRanges": [],
         "destinationAddressPrefix": rng.choice(["*", "*", "VirtualNetwork", "10.1.2.0/24"]),
         "destinationAddressPrefixes": [],
         "access": "Allow" if rng.random() < 0.68 else "Deny",
         "priority": prio, "direction": direction, "provisioningState": "Succeeded",
         "type": "Microsoft.Network/networkSecurityGroups/securityRules"}
    if rng.random() < 0.85:
        r["sourceAddressPrefix"], r["sourceAddressPrefixes"] = src(rng), []
    else:
        r["sourceAddressPrefixes"] = ["%d.%d.%d.0/24" % (rng.randint(1, 223), rng.randint(0, 255),
                                                         rng.randint(0, 255)) for _ in range(rng.randint(2, 5))]
    if rng.random() < 0.8:
        r["destinationPortRange"], r["destinationPortRanges"] = port_text(rng), []
    else:
        r["destinationPortRanges"] = [str(rng.choice(PORTS)) for _ in range(rng.randint(2, 6))]
    return r


def main():
    out = sys.argv[1]
    nsgs = int(sys.argv[2]) if len(sys.argv) > 2 else 1000
    per = int(sys.argv[3]) if len(sys.argv) > 3 else 1000
    nflows = int(sys.argv[4]) if len(sys.argv) > 4 else 100000
    rng = random.Random(int(sys.argv[5]) if len(sys.argv) > 5 else 42)
    with open(out, "w") as fh:
        fh.write("[\n")
        for n in range(nsgs):
            name = "nsg-%04d" % n
            rg = "/subscriptions/0000/resourceGroups/rg-%d/providers/Microsoft.Network/networkSecurityGroups/%s" % (n % 37, name)
            n_in = per * 9 // 10
            prios_in = rng.sample(range(100, 4097), n_in)
            prios_out = rng.sample(range(100, 4097), per - n_in)
            rules = [rule(rng, i, p, "Inbound", rg) for i, p in enumerate(prios_in)]
            rules += [rule(rng, n_in + i, p, "Outbound", rg) for i, p in enumerate(prios_out)]
            nsg = {"name": name, "id": rg, "location": "westeurope", "resourceGroup": "rg-%d" % (n % 37),
                   "type": "Microsoft.Network/networkSecurityGroups", "securityRules": rules}
            fh.write(json.dumps(nsg, separators=(",", ":")))
            fh.write(",\n" if n + 1 < nsgs else "\n")
        fh.write("]\n")
    with open(out + ".flows", "w") as fh:
        for _ in range(nflows):
            fh.write("%s %d.%d.%d.%d %d 10.1.2.%d %d\n" % (
                rng.choice(["tcp", "tcp", "udp"]), rng.randint(1, 223), rng.randint(0, 255),
                rng.randint(0, 255), rng.randint(1, 254), rng.randint(1024, 65535),
                rng.randint(1, 254), rng.choice(PORTS) if rng.random() < 0.8 else rng.randint(1, 65535)))
    print("nsg-0000")


if __name__ == "__main__":
    main()
