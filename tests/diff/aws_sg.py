"""aws_sg.py - random AWS security groups (`aws ec2 describe-security-groups`
JSON) and a brute-force inbound evaluator from the AWS documentation:

- security groups are allow-only and stateful: an inbound packet is allowed
  if ANY ingress permission matches it (order irrelevant), else denied;
- a permission matches on IpProtocol ("tcp", "udp", or "-1" = all protocols
  and all ports), the FromPort..ToPort range (inclusive) and any of its
  IpRanges[].CidrIp / Ipv6Ranges[].CidrIpv6;
- the source port plays no part, nor does the destination address.
"""
import json

from common import net, in_any, rand_v4, rand_v6, rand_port_range

NAME = "aws-sg"
FAMILIES = (4, 6)
DENY_NAME = "implicit-deny"


def _perm_nets(p):
    return ([net(x["CidrIp"]) for x in p.get("IpRanges", [])] +
            [net(x["CidrIpv6"]) for x in p.get("Ipv6Ranges", [])])


def _perm_matches(p, f):
    proto = str(p["IpProtocol"]).lower()
    if proto != "-1":
        if {"6": "tcp", "17": "udp"}.get(proto, proto) != f.proto:
            return False
        if not p["FromPort"] <= f.dport <= p["ToPort"]:
            return False
    return in_any(f.src, _perm_nets(p))


def evaluate(rs, f):
    for p in rs["SecurityGroups"][0]["IpPermissions"]:
        if _perm_matches(p, f):
            return ("allow", None)  # union: no single deciding rule
    return ("deny", DENY_NAME)


def generate(rng):
    perms = []
    for _ in range(rng.randint(1, 10)):
        k = rng.random()
        p = {"IpProtocol": "tcp" if k < 0.6 else "udp" if k < 0.85 else "-1",
             "IpRanges": [], "Ipv6Ranges": [], "PrefixListIds": [], "UserIdGroupPairs": []}
        if p["IpProtocol"] != "-1":
            p["FromPort"], p["ToPort"] = rand_port_range(rng)
        for _ in range(rng.randint(0, 3)):
            p["IpRanges"].append({"CidrIp": rand_v4(rng), "Description": "gen"})
        if rng.random() < 0.3:
            p["Ipv6Ranges"].append({"CidrIpv6": rand_v6(rng)})
        if not p["IpRanges"] and not p["Ipv6Ranges"]:
            p["IpRanges"].append({"CidrIp": rand_v4(rng)})
        perms.append(p)
    gid = "sg-%017x" % rng.getrandbits(68)
    return {"SecurityGroups": [{
        "Description": "generated", "GroupName": "gen-%d" % rng.randint(0, 999),
        "GroupId": gid, "OwnerId": "123456789012", "VpcId": "vpc-0abc",
        "IpPermissions": perms,
        "IpPermissionsEgress": [{"IpProtocol": "-1", "IpRanges": [{"CidrIp": "0.0.0.0/0"}],
                                 "Ipv6Ranges": [], "PrefixListIds": [], "UserIdGroupPairs": []}],
    }]}


def render(rs):
    return json.dumps(rs, indent=1)


def resource(rs):
    return rs["SecurityGroups"][0]["GroupId"]


def rule_nets(rs):
    src, dp = [], []
    for p in rs["SecurityGroups"][0]["IpPermissions"]:
        src += _perm_nets(p)
        if "FromPort" in p:
            dp.append((p["FromPort"], p["ToPort"]))
    return src, [], [], dp
