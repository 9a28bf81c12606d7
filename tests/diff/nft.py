"""nft.py - random `nft -j list ruleset` documents (table inet filter) and a
brute-force evaluator of the input hook written from nft(8) and
libnftables-json(5):

- rules of a chain are tried in order; all the rule's matches must hold;
- `tcp dport OP X` carries the implicit dependency `meta l4proto tcp`, so it
  never matches a UDP packet, not even with `!=`; likewise `ip saddr OP X`
  only matches IPv4 packets and `ip6 saddr` only IPv6 packets (inet family);
- X is a port, {"range":[a,b]} or an anonymous {"set":[...]} of ports and
  ranges; an address X is "a.b.c.d" or {"prefix":{"addr","len"}};
  `!=` is the negation of `==` (after the dependency);
- names: CHAIN#HANDLE of the deciding rule, "policy" when the policy does;
- accept / drop / reject decide; jump calls a regular chain (return or its
  end continues the caller); goto does not come back; return or the end of
  the base chain applies its policy.
"""
import json

from common import net, in_net, rand_v4, rand_v6, rand_port_range

NAME = "nft"
FAMILIES = (4, 6)


def _port_value_matches(right, p):
    if isinstance(right, int):
        return p == right
    if "range" in right:
        a, b = right["range"]
        return a <= p <= b
    if "set" in right:
        return any(_port_value_matches(x, p) for x in right["set"])
    raise ValueError(right)


def _addr_value_net(right):
    if isinstance(right, str):
        return net(right)
    pf = right["prefix"]
    return net("%s/%d" % (pf["addr"], pf["len"]))


def _match(m, f):
    left, op, right = m["left"], m["op"], m["right"]
    pl = left["payload"]
    if pl["field"] == "dport":
        if pl["protocol"] != f.proto:
            return False
        hit = _port_value_matches(right, f.dport)
    else:  # saddr
        if (pl["protocol"] == "ip") != (f.src.version == 4):
            return False
        hit = in_net(f.src, _addr_value_net(right))
    return hit if op == "==" else not hit


def _verdict(expr):
    last = expr[-1]
    (k, v), = last.items()
    return k, (v or {}).get("target") if isinstance(v, dict) else None


def _run(rs, chain, f, depth=0):
    assert depth < 64
    for i, rule in enumerate(rs["chains"][chain]):
        expr = rule["expr"]
        if not all(_match(e["match"], f) for e in expr[:-1]):
            continue
        k, target = _verdict(expr)
        name = "%s#%d" % (chain, rule["handle"])
        if k == "accept":
            return ("allow", name)
        if k in ("drop", "reject"):
            return ("deny", name)
        if k == "return":
            return None
        if k == "goto":
            return _run(rs, target, f, depth + 1)
        res = _run(rs, target, f, depth + 1)
        if res is not None:
            return res
    return None


def evaluate(rs, f):
    res = _run(rs, "input", f)
    if res is None:
        return ("allow" if rs["policy"] == "accept" else "deny", "policy")
    return res


# ---- generator ------------------------------------------------------------
def _port_right(rng):
    k = rng.random()
    if k < 0.45:
        lo, hi = rand_port_range(rng)
        return lo if lo == hi else {"range": [lo, hi]}
    items = []
    for _ in range(rng.randint(1, 4)):
        lo, hi = rand_port_range(rng)
        items.append(lo if lo == hi else {"range": [lo, hi]})
    return {"set": items}


def _addr_right(text):
    n = net(text)
    v, lo, hi = n
    a, ln = text.split("/") if "/" in text else (text, None)
    if ln is None or (v == 4 and ln == "32") or (v == 6 and ln == "128"):
        return a
    return {"prefix": {"addr": a, "len": int(ln)}}


def _rule(rng, after):
    expr = []
    if rng.random() < 0.6:
        six = rng.random() < 0.2
        expr.append({"match": {"op": "!=" if rng.random() < 0.2 else "==",
                               "left": {"payload": {"protocol": "ip6" if six else "ip",
                                                    "field": "saddr"}},
                               "right": _addr_right(rand_v6(rng) if six else rand_v4(rng))}})
    if rng.random() < 0.8:
        expr.append({"match": {"op": "!=" if rng.random() < 0.15 else "==",
                               "left": {"payload": {"protocol": rng.choice(["tcp", "tcp", "udp"]),
                                                    "field": "dport"}},
                               "right": _port_right(rng)}})
    k = rng.random()
    if not expr and not (after and k < 0.3):  # keep catch-alls rare
        expr.append({"match": {"op": "==", "left": {"payload": {"protocol": "tcp", "field": "dport"}},
                               "right": _port_right(rng)}})
    if after and k < 0.3:
        kind = "goto" if rng.random() < 0.25 else "jump"
        expr.append({kind: {"target": rng.choice(after)}})
    elif k < 0.4:
        expr.append({"return": None})
    elif k < 0.75:
        expr.append({"accept": None})
    else:
        expr.append(rng.choice([{"drop": None}, {"drop": None}, {"reject": None}]))
    return {"expr": expr}


def generate(rng):
    users = ["es_%d" % i for i in range(rng.randint(0, 3))]
    order = ["input"] + users
    chains = {}
    for ci, c in enumerate(order):
        chains[c] = [_rule(rng, order[ci + 1:])
                     for _ in range(rng.randint(1 if c == "input" else 0, 8))]
    for ci, u in enumerate(order[1:], 1):  # every regular chain is reachable
        if not any(_verdict(r["expr"])[1] == u for c in order[:ci] for r in chains[c]):
            caller = order[rng.randrange(ci)]
            r = _rule(rng, [u])
            r["expr"][-1] = {"goto" if rng.random() < 0.2 else "jump": {"target": u}}
            chains[caller].insert(rng.randint(0, len(chains[caller])), r)
    h = 4 + len(users)  # rule handles, as nft numbers them after the chains
    for c in order:
        for r in chains[c]:
            r["handle"] = h
            h += 1
    return {"policy": rng.choice(["accept", "drop", "drop"]), "users": users, "chains": chains}


def render(rs):
    items = [{"metainfo": {"version": "1.0.6", "release_name": "Lester Gooch #5",
                           "json_schema_version": 1}},
             {"table": {"family": "inet", "name": "filter", "handle": 1}},
             {"chain": {"family": "inet", "table": "filter", "name": "input", "handle": 1,
                        "type": "filter", "hook": "input", "prio": 0, "policy": rs["policy"]}},
             {"chain": {"family": "inet", "table": "filter", "name": "forward", "handle": 2,
                        "type": "filter", "hook": "forward", "prio": 0, "policy": "drop"}},
             {"chain": {"family": "inet", "table": "filter", "name": "output", "handle": 3,
                        "type": "filter", "hook": "output", "prio": 0, "policy": "accept"}}]
    h = 4
    for u in rs["users"]:
        items.append({"chain": {"family": "inet", "table": "filter", "name": u, "handle": h}})
        h += 1
    for c in ["input"] + rs["users"]:
        for r in rs["chains"][c]:
            items.append({"rule": {"family": "inet", "table": "filter", "chain": c,
                                   "handle": r["handle"], "expr": r["expr"]}})
    return json.dumps({"nftables": items}, indent=1)


def resource(rs):
    return None


def _port_ranges(right):
    if isinstance(right, int):
        return [(right, right)]
    if "range" in right:
        return [tuple(right["range"])]
    return [r for x in right["set"] for r in _port_ranges(x)]


def rule_nets(rs):
    src, dp = [], []
    for rules in rs["chains"].values():
        for r in rules:
            for e in r["expr"][:-1]:
                m = e["match"]
                if m["left"]["payload"]["field"] == "saddr":
                    src.append(_addr_value_net(m["right"]))
                else:
                    dp += _port_ranges(m["right"])
    return src, [], [], dp
