"""gcp.py - random GCP VPC firewall rules (`gcloud compute firewall-rules
list --format=json`) and a brute-force ingress evaluator from the GCP docs:

- only enabled INGRESS rules apply to an inbound packet; a rule matches when
  the source is in any sourceRanges entry, the destination (if
  destinationRanges is given) in any of those, and some allowed[]/denied[]
  entry matches the protocol ("all", "tcp", "udp" or the number) and, if the
  entry lists ports, one of "N" / "A-B";
- the matching rule with the lowest priority number wins; at equal priority
  a deny rule wins over an allow rule;
- nothing matches: the implied deny-ingress rule (priority 65535).
"""
import json

from common import net, in_any, rand_v4, rand_v6, rand_port_range

NAME = "gcp"
FAMILIES = (4, 6)
IMPLIED = "implied"


def _ports(entry):
    out = []
    for p in entry.get("ports", []):
        if "-" in p:
            a, b = p.split("-")
            out.append((int(a), int(b)))
        else:
            out.append((int(p), int(p)))
    return out


def _entry_matches(entry, f):
    proto = str(entry["IPProtocol"]).lower()
    proto = {"6": "tcp", "17": "udp"}.get(proto, proto)
    if proto not in ("all", f.proto):
        return False
    if proto == "all" or "ports" not in entry:
        return True
    return any(lo <= f.dport <= hi for lo, hi in _ports(entry))


def _rule_matches(r, f):
    if r.get("disabled") or r.get("direction", "INGRESS") != "INGRESS":
        return False
    if not in_any(f.src, [net(x) for x in r.get("sourceRanges", [])]):
        return False
    if "destinationRanges" in r and not in_any(f.dst, [net(x) for x in r["destinationRanges"]]):
        return False
    entries = r.get("allowed") or r.get("denied") or []
    return any(_entry_matches(e, f) for e in entries)


def evaluate(rs, f):
    best = None  # (priority, 0 deny / 1 allow)
    names = []
    for r in rs:
        if not _rule_matches(r, f):
            continue
        key = (r.get("priority", 1000), 0 if "denied" in r else 1)
        if best is None or key < best:
            best, names = key, [r["name"]]
        elif key == best:
            names.append(r["name"])
    if best is None:
        return ("deny", IMPLIED)
    verdict = "deny" if best[1] == 0 else "allow"
    # two rules of the same priority and action: either may be named
    return (verdict, names[0] if len(names) == 1 else None)


def generate(rng):
    rules = []
    for i in range(rng.randint(1, 12)):
        allow = rng.random() < 0.65
        six = rng.random() < 0.2
        r = {"kind": "compute#firewall", "name": "fw-%d-%s" % (i, "allow" if allow else "deny"),
             "network": "https://www.googleapis.com/compute/v1/projects/p/global/networks/default",
             "direction": "INGRESS" if rng.random() < 0.92 else "EGRESS",
             "priority": rng.choice([100, 500, 1000, 1000, 1000, 65534, rng.randint(0, 65535)]),
             "disabled": rng.random() < 0.1,
             "logConfig": {"enable": False},
             "selfLink": "https://www.googleapis.com/compute/v1/projects/p/global/firewalls/fw-%d" % i}
        if r["direction"] == "INGRESS":
            r["sourceRanges"] = [rand_v6(rng) if six else rand_v4(rng)
                                 for _ in range(rng.randint(1, 3))]
            if rng.random() < 0.1:
                r["destinationRanges"] = ["fd00:1::/64"] if six else [rng.choice(["10.0.1.0/24", "10.0.1.4/32"])]
        else:
            r["destinationRanges"] = ["0.0.0.0/0"]
        entries = []
        for _ in range(rng.randint(1, 2)):
            k = rng.random()
            if k < 0.1:
                entries.append({"IPProtocol": "all"})
                continue
            e = {"IPProtocol": "tcp" if k < 0.75 else "udp"}
            if rng.random() < 0.9:
                ports = []
                for _ in range(rng.randint(1, 3)):
                    lo, hi = rand_port_range(rng)
                    ports.append(str(lo) if lo == hi else "%d-%d" % (lo, hi))
                e["ports"] = ports
            entries.append(e)
        r["allowed" if allow else "denied"] = entries
        rules.append(r)
    return rules


def render(rs):
    return json.dumps(rs, indent=1)


def resource(rs):
    return None


def rule_nets(rs):
    src, dst, dp = [], [], []
    for r in rs:
        src += [net(x) for x in r.get("sourceRanges", [])]
        dst += [net(x) for x in r.get("destinationRanges", [])]
        for e in r.get("allowed", []) + r.get("denied", []):
            dp += _ports(e)
    return src, dst, [], dp
