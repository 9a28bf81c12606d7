"""aws_nacl.py - random AWS network ACLs (`aws ec2 describe-network-acls`
JSON) and a brute-force evaluator from the AWS documentation:

- entries are evaluated in RuleNumber order, lowest first; the first entry
  whose protocol ("6" tcp, "17" udp, "-1" all), port range (PortRange
  From..To, inclusive; absent for -1) and CIDR (CidrBlock or Ipv6CidrBlock)
  match decides allow/deny; the '*' entries (32767 / 32768) deny the rest;
- NACLs are stateless: an inbound flow CLIENT:sport -> SERVER:dport needs an
  inbound (Egress=false) allow matching source CLIENT and port dport, AND an
  outbound (Egress=true) allow for the reply SERVER:dport -> CLIENT:sport,
  i.e. an entry whose CIDR contains CLIENT and whose port range holds sport.
- names (deny only): "NACL inbound/N" or "NACL outbound (reply)/N", '*' for
  the default entries.
"""
import json

from common import net, in_net, rand_v4, rand_v6, rand_port_range

NAME = "aws-nacl"
FAMILIES = (4, 6)


def _entry_net(e):
    return net(e["CidrBlock"] if "CidrBlock" in e else e["Ipv6CidrBlock"])


def _walk(entries, proto, peer, port):
    for e in sorted(entries, key=lambda e: e["RuleNumber"]):
        pr = str(e["Protocol"])
        if pr != "-1":
            if {"6": "tcp", "17": "udp"}.get(pr, pr) != proto:
                continue
            rng = e.get("PortRange")
            if rng and not rng["From"] <= port <= rng["To"]:
                continue
        if not in_net(peer, _entry_net(e)):
            continue
        return e["RuleAction"], e["RuleNumber"]
    return "deny", None


def evaluate(rs, f):
    acl = rs["NetworkAcls"][0]
    ins = [e for e in acl["Entries"] if not e["Egress"]]
    outs = [e for e in acl["Entries"] if e["Egress"]]
    a1, n1 = _walk(ins, f.proto, f.src, f.dport)
    if a1 != "allow":
        return ("deny", "NACL inbound/%s" % _num(n1))
    a2, n2 = _walk(outs, f.proto, f.src, f.sport)
    if a2 != "allow":
        return ("deny", "NACL outbound (reply)/%s" % _num(n2))
    return ("allow", None)  # two allow entries decide together


def _num(n):
    # the '*' entries (and no entry at all) are shown as '*'
    return "*" if n is None or n >= 32767 else str(n)


def _entry(rng, num, egress):
    k = rng.random()
    e = {"RuleNumber": num, "Egress": egress,
         "Protocol": "6" if k < 0.6 else "17" if k < 0.8 else "-1",
         "RuleAction": "allow" if rng.random() < 0.7 else "deny"}
    if rng.random() < 0.8:
        e["CidrBlock"] = rand_v4(rng)
    else:
        e["Ipv6CidrBlock"] = rand_v6(rng)
    if e["Protocol"] != "-1":
        if egress and rng.random() < 0.6:
            lo, hi = rng.choice([(1024, 65535), (32768, 65535), (49152, 65535), (0, 65535),
                                 (1024, 40000)])
        else:
            lo, hi = rand_port_range(rng)
        e["PortRange"] = {"From": lo, "To": hi}
    return e


def generate(rng):
    entries = []
    v6_default = rng.random() < 0.25
    for egress in (False, True):
        nums = sorted(rng.sample(range(1, 400), rng.randint(1, 8)))
        entries += [_entry(rng, n, egress) for n in nums]
        entries.append({"RuleNumber": 32767, "Egress": egress, "Protocol": "-1",
                        "RuleAction": "deny", "CidrBlock": "0.0.0.0/0"})
        if v6_default:  # AWS lists the IPv6 '*' entry as rule 32768
            entries.append({"RuleNumber": 32768, "Egress": egress, "Protocol": "-1",
                            "RuleAction": "deny", "Ipv6CidrBlock": "::/0"})
    rng.shuffle(entries)  # describe-network-acls does not promise an order
    return {"NetworkAcls": [{
        "Associations": [], "Entries": entries, "IsDefault": False,
        "NetworkAclId": "acl-%017x" % rng.getrandbits(68), "Tags": [],
        "VpcId": "vpc-0abc", "OwnerId": "123456789012"}]}


def render(rs):
    return json.dumps(rs, indent=1)


def resource(rs):
    return rs["NetworkAcls"][0]["NetworkAclId"]


def rule_nets(rs):
    src, sp, dp = [], [], []
    for e in rs["NetworkAcls"][0]["Entries"]:
        src.append(_entry_net(e))
        if "PortRange" in e:
            (sp if e["Egress"] else dp).append((e["PortRange"]["From"], e["PortRange"]["To"]))
    return src, [], sp, dp
