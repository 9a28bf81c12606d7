"""iptables.py - random iptables-save filter tables and a brute-force
evaluator of the INPUT chain written from iptables(8)/iptables-extensions(8):

- rules of a chain are tried in order; a rule matches when all its matches
  do: -s PREFIX (or ! -s PREFIX), -p tcp|udp, -m tcp/udp --dport N or A:B,
  -m multiport --dports list of N and A:B;
- -j ACCEPT accepts; -j DROP / -j REJECT deny; -j CHAIN calls a user chain
  (when it RETURNs or runs off its end, the caller continues with its next
  rule); -g CHAIN continues in CHAIN without a return address, so its
  RETURN/end goes back to the chain that -j-called the current one; RETURN
  (or the end) in INPUT applies the INPUT policy;
- names: the -m comment text when present, else CHAIN:N (1-based);
  "policy" when the INPUT policy decides.
IPv4 only (ip6tables-save is another file).
"""
import ipaddress

from common import net, in_net, rand_v4, rand_port_range

NAME = "iptables"
FAMILIES = (4,)


def _rule_matches(r, f):
    if r.get("src"):
        neg, p = r["src"]
        if in_net(f.src, net(p)) == neg:
            return False
    if r.get("proto") and r["proto"] != f.proto:
        return False
    if r.get("dports") is not None and not any(lo <= f.dport <= hi for lo, hi in r["dports"]):
        return False
    return True


def _name(rs, chain, i):
    c = rs["chains"][chain][i].get("comment")
    return c if c else "%s:%d" % (chain, i + 1)


def _run(rs, chain, f, depth=0):
    """Verdict (action, name), or None when the chain returns."""
    assert depth < 64
    for i, r in enumerate(rs["chains"][chain]):
        if not _rule_matches(r, f):
            continue
        t = r["target"]
        if t == "ACCEPT":
            return ("allow", _name(rs, chain, i))
        if t in ("DROP", "REJECT"):
            return ("deny", _name(rs, chain, i))
        if t == "RETURN":
            return None
        if r.get("goto"):
            return _run(rs, t, f, depth + 1)
        res = _run(rs, t, f, depth + 1)
        if res is not None:
            return res
    return None


def evaluate(rs, f):
    res = _run(rs, "INPUT", f)
    if res is None:
        return ("allow" if rs["policy"] == "ACCEPT" else "deny", "policy")
    return res


# ---- generator ------------------------------------------------------------
def _v4_prefix(rng):
    p = rand_v4(rng)
    return str(ipaddress.ip_network(p, strict=False))


def _rule(rng, chains_after, idx):
    r = {}
    if rng.random() < 0.7:
        r["src"] = (rng.random() < 0.2, _v4_prefix(rng))
    k = rng.random()
    if k < 0.8:
        r["proto"] = "tcp" if rng.random() < 0.75 else "udp"
        k2 = rng.random()
        if k2 < 0.5:
            r["dports"] = [rand_port_range(rng)]
            r["style"] = "single"
        elif k2 < 0.8:
            r["dports"] = [rand_port_range(rng) for _ in range(rng.randint(1, 4))]
            r["style"] = "multiport"
    k = rng.random()
    if chains_after and k < 0.3:
        r["target"] = rng.choice(chains_after)
        r["goto"] = rng.random() < 0.25
    elif k < 0.4:
        r["target"] = "RETURN"
    elif k < 0.75:
        r["target"] = "ACCEPT"
    else:
        r["target"] = rng.choice(["DROP", "DROP", "REJECT"])
    if not r.get("src") and not r.get("proto") and r["target"] in ("ACCEPT", "DROP", "REJECT", "RETURN"):
        r["proto"] = rng.choice(["tcp", "udp"])  # keep catch-alls rare
    if rng.random() < 0.15:
        r["comment"] = "c%d-%s" % (idx, r["target"].lower())
    return r


def generate(rng, nchains=None, nrules=None):
    users = ["ES_%d" % i for i in range(nchains if nchains is not None else rng.randint(0, 3))]
    order = ["INPUT"] + users  # a chain only calls chains after it: no loops
    chains = {}
    idx = 0
    for ci, c in enumerate(order):
        rules = []
        for _ in range(nrules or rng.randint(0 if c != "INPUT" else 1, 8)):
            idx += 1
            rules.append(_rule(rng, order[ci + 1:], idx))
        chains[c] = rules
    for ci, u in enumerate(order[1:], 1):  # every user chain is reachable
        if not any(r["target"] == u for c in order[:ci] for r in chains[c]):
            caller = order[rng.randrange(ci)]
            r = _rule(rng, [u], 0)
            r["target"], r["goto"] = u, rng.random() < 0.2
            r.pop("comment", None)
            chains[caller].insert(rng.randint(0, len(chains[caller])), r)
    return {"policy": rng.choice(["ACCEPT", "DROP", "DROP"]), "users": users, "chains": chains}


def _ports_text(lo, hi):
    return str(lo) if lo == hi else "%d:%d" % (lo, hi)


def render_rule(chain, r):
    w = ["-A", chain]
    if r.get("src"):
        neg, p = r["src"]
        w += (["!"] if neg else []) + ["-s", p]
    if r.get("proto"):
        w += ["-p", r["proto"]]
        if r.get("dports") is not None:
            if r["style"] == "single":
                w += ["-m", r["proto"], "--dport", _ports_text(*r["dports"][0])]
            else:
                w += ["-m", "multiport", "--dports",
                      ",".join(_ports_text(lo, hi) for lo, hi in r["dports"])]
    if r.get("comment"):
        w += ["-m", "comment", "--comment", r["comment"]]
    if r.get("goto"):
        w += ["-g", r["target"]]
    else:
        w += ["-j", r["target"]]
        if r["target"] == "REJECT":
            w += ["--reject-with", "icmp-port-unreachable"]
    return " ".join(w)


def render(rs):
    out = ["# Generated by iptables-save v1.8.9 on Mon Jan  1 00:00:00 2024", "*filter",
           ":INPUT %s [0:0]" % rs["policy"], ":FORWARD DROP [0:0]", ":OUTPUT ACCEPT [0:0]"]
    out += [":%s - [0:0]" % u for u in rs["users"]]
    for c in ["INPUT"] + rs["users"]:
        out += [render_rule(c, r) for r in rs["chains"][c]]
    out += ["COMMIT", "# Completed on Mon Jan  1 00:00:00 2024", ""]
    return "\n".join(out)


def resource(rs):
    return None


def rule_nets(rs):
    src, dp = [], []
    for rules in rs["chains"].values():
        for r in rules:
            if r.get("src"):
                src.append(net(r["src"][1]))
            dp += r.get("dports") or []
    return src, [], [], dp
