#!/usr/bin/env python3
"""run.py - differential test of `leakguard flow` and `leakguard audit`
against independent brute-force evaluators (one module per platform in this
directory, written from the platforms' documentation, not from the C code).

Per platform and ruleset: generate a native ruleset, write it, draw flows
(random points and rule-boundary points), run `leakguard flow FILE` once with
all flows on stdin and compare each verdict (and the deciding rule name where
the evaluator knows it); then run `leakguard audit --output json FILE` and
compare, for a few catalog ports, "exposed" against a brute-force search over
one source point per elementary interval of the source line.

Usage: run.py [--platform P[,P]] [--rulesets N] [--flows M] [--seed S]
              [--leakguard PATH] [--keep DIR] [--no-audit] [--no-names]
Prints one line per platform and exits 1 on any disagreement, after printing
a minimised reproduction (file, flow, expected, got).  A platform whose
reader is not built yet is reported as skipped (exit status unaffected).
"""
import argparse
import copy
import ipaddress
import json
import os
import random
import shutil
import subprocess
import sys
import tempfile
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

import common  # noqa: E402
import azure, azure_avnm, aws_sg, aws_nacl, gcp, iptables, nft  # noqa: E402,E401

PLATFORMS = {m.NAME: m for m in (azure, azure_avnm, aws_sg, aws_nacl, gcp, iptables, nft)}
EXT = {"iptables": ".rules"}
# Sources the audit check does not judge because the project has not
# pinned whether they count as "public" (Azure's platform address is
# allowed by the default rule AllowAzureLoadBalancerInBound).
AMBIG_EXTRA = {"azure": [common.net("168.63.129.16/32")],
               "azure-avnm": [common.net("168.63.129.16/32")]}


class NotBuilt(Exception):
    pass


def run_flow(lg, path, res, flows):
    cmd = [lg, "flow", path]
    p = subprocess.run(cmd, input="".join(common.flow_line(f) + "\n" for f in flows),
                       capture_output=True, text=True, timeout=120)
    if "not built yet" in p.stderr:
        raise NotBuilt(p.stderr.strip())
    lines = p.stdout.splitlines()
    if p.returncode not in (0, 1) or len(lines) != len(flows):
        return None, "exit %d, %d lines for %d flows: %s" % (
            p.returncode, len(lines), len(flows), p.stderr.strip()[:500])
    out = []
    for ln in lines:
        parts = ln.split("\t")
        out.append((parts[0], parts[1] if len(parts) > 1 else ""))
    return out, None


def run_audit(lg, path):
    p = subprocess.run([lg, "audit", "--output", "json", path],
                       capture_output=True, text=True, timeout=120)
    if "not built yet" in p.stderr:
        raise NotBuilt(p.stderr.strip())
    if p.returncode not in (0, 1):
        return None, "exit %d: %s" % (p.returncode, p.stderr.strip()[:500])
    try:
        return json.loads(p.stdout), None
    except ValueError as ex:
        return None, "bad JSON (%s): %r" % (ex, p.stdout[:300])


def flow_mismatch(exp, got, names):
    if exp[0] != got[0]:
        return True
    return names and exp[1] is not None and exp[1] != got[1]


# ---- audit brute force -----------------------------------------------------
def audit_expect(mod, rs, proto, port):
    """'exposed', 'closed' or 'skip' (decided only by ambiguous sources)."""
    src_nets, dst_nets, sps, _ = mod.rule_nets(rs)
    extra = AMBIG_EXTRA.get(mod.NAME, [])
    sports = common.port_starts(sps)
    dsts = {}
    for v in mod.FAMILIES:
        pts = common.interval_starts(dst_nets, v) if dst_nets else []
        if not pts or pts == [0]:
            pts = [int(ipaddress.ip_address("10.0.1.4" if v == 4 else "fd00:1::4"))]
        dsts[v] = [common.addr(v, x) for x in pts]
    ambiguous = False
    for s in common.source_candidates(src_nets, extra):
        if s.version not in mod.FAMILIES:
            continue
        cls = common.classify(s, extra)
        if cls == common.NOT_PUBLIC or (cls == common.AMBIGUOUS and ambiguous):
            continue
        hit = False
        for d in dsts[s.version]:
            for sp in sports:
                if mod.evaluate(rs, common.Flow(proto, s, sp, d, port))[0] == "allow":
                    hit = True
                    break
            if hit:
                break
        if hit:
            if cls == common.PUBLIC:
                return "exposed", s
            ambiguous = True
    return ("skip" if ambiguous else "closed"), None


def audit_got(doc, res, proto, port):
    states = set()
    for f in doc.get("findings", []):
        if f.get("protocol") != proto or f.get("port") != port:
            continue
        if f.get("direction", "inbound") != "inbound":
            continue
        if res and res not in f.get("resource", ""):
            continue
        states.add(f.get("state"))
    if "exposed" in states:
        return "exposed"
    if states:
        return "/".join(sorted(states))
    return "closed"


# ---- minimisation ------------------------------------------------------------
def variants(mod, rs):
    """Copies of rs with one rule removed (platform-specific shapes)."""
    n = mod.NAME
    if n == "azure":
        for i in range(len(rs["securityRules"])):
            c = copy.deepcopy(rs)
            del c["securityRules"][i]
            yield c
    elif n == "azure-avnm":
        for i in range(len(rs["admin"])):
            c = copy.deepcopy(rs)
            del c["admin"][i]
            yield c
        for i in range(len(rs["nsg"]["securityRules"])):
            c = copy.deepcopy(rs)
            del c["nsg"]["securityRules"][i]
            yield c
    elif n == "aws-sg":
        for i in range(len(rs["SecurityGroups"][0]["IpPermissions"])):
            c = copy.deepcopy(rs)
            del c["SecurityGroups"][0]["IpPermissions"][i]
            yield c
    elif n == "aws-nacl":
        for i, e in enumerate(rs["NetworkAcls"][0]["Entries"]):
            if e["RuleNumber"] >= 32767:
                continue
            c = copy.deepcopy(rs)
            del c["NetworkAcls"][0]["Entries"][i]
            yield c
    elif n == "gcp":
        for i in range(len(rs)):
            c = copy.deepcopy(rs)
            del c[i]
            yield c
    else:  # iptables / nft: {"chains": {name: [rules]}}
        for ch, rules in rs["chains"].items():
            for i in range(len(rules)):
                c = copy.deepcopy(rs)
                del c["chains"][ch][i]
                yield c


def minimise(mod, rs, still_fails, budget=300):
    """Greedy one-rule-at-a-time deletion while the disagreement persists."""
    changed = True
    while changed and budget > 0:
        changed = False
        for c in variants(mod, rs):
            budget -= 1
            if budget <= 0:
                break
            if still_fails(c):
                rs, changed = c, True
                break
    return rs


# ---- driver -----------------------------------------------------------------
class Platform:
    def __init__(self, mod, args, workdir):
        self.mod, self.args, self.workdir = mod, args, workdir
        self.rng = random.Random("%s:%d" % (mod.NAME, args.seed))
        self.stats = dict(rulesets=0, flows=0, flow_bad=0, audits=0, audit_bad=0, audit_skip=0)
        self.repros = []

    def path(self, tag):
        return os.path.join(self.workdir, "%s-%s%s" % (self.mod.NAME, tag, EXT.get(self.mod.NAME, ".json")))

    def write(self, rs, tag):
        p = self.path(tag)
        with open(p, "w") as fh:
            fh.write(self.mod.render(rs))
        return p

    def flows_for(self, rs, n):
        src, dst, sps, dps = self.mod.rule_nets(rs)
        fm = common.FlowMaker(self.rng, families=self.mod.FAMILIES, src_nets=src,
                              dst_nets=dst, dports=dps, sports=sps)
        return fm.many(n)

    def flow_fails(self, rs, f):
        p = self.write(rs, "min")
        got, err = run_flow(self.args.leakguard, p, self.mod.resource(rs), [f])
        if err:
            return True
        return flow_mismatch(self.mod.evaluate(rs, f), got[0], not self.args.no_names)

    def report_flow(self, rs, f, exp, got, i):
        small = minimise(self.mod, rs, lambda c: self.flow_fails(c, f))
        p = self.write(small, "repro-%s" % i)
        g, err = run_flow(self.args.leakguard, p, self.mod.resource(small), [f])
        self.repros.append("flow disagreement (%s)\n  file: %s%s\n  flow: %s\n  expected: %s\n  got:      %s\n%s" % (
            self.mod.NAME, p, "  --resource %s" % self.mod.resource(small) if self.mod.resource(small) else "",
            common.flow_line(f), "\t".join(x or "*" for x in self.mod.evaluate(small, f)),
            err or "\t".join(g[0]), indent(self.mod.render(small))))

    def one(self, i):
        rs = self.mod.generate(self.rng)
        path = self.write(rs, str(i))
        res = self.mod.resource(rs)
        flows = self.flows_for(rs, self.args.flows)
        got, err = run_flow(self.args.leakguard, path, res, flows)
        self.stats["rulesets"] += 1
        if err:
            self.stats["flow_bad"] += 1
            if len(self.repros) < 3 * self.args.max_repros:
                self.repros.append("flow failed (%s) on %s: %s\n%s" % (
                    self.mod.NAME, path, err, indent(self.mod.render(rs))))
            return
        reported = 0
        for f, g in zip(flows, got):
            self.stats["flows"] += 1
            exp = self.mod.evaluate(rs, f)
            if flow_mismatch(exp, g, not self.args.no_names):
                self.stats["flow_bad"] += 1
                if reported < self.args.max_repros and len(self.repros) < 3 * self.args.max_repros:
                    reported += 1
                    self.report_flow(rs, f, exp, g, "%d-%d" % (i, reported))
        if not self.args.no_audit:
            self.audit(rs, path, res, i)

    def audit(self, rs, path, res, i):
        doc, err = run_audit(self.args.leakguard, path)
        if err:
            self.stats["audit_bad"] += 1
            if len(self.repros) < 3 * self.args.max_repros:
                self.repros.append("audit failed (%s) on %s: %s" % (self.mod.NAME, path, err))
            return
        for proto, port in common.AUDIT_PORTS:
            exp, witness = audit_expect(self.mod, rs, proto, port)
            if exp == "skip":
                self.stats["audit_skip"] += 1
                continue
            self.stats["audits"] += 1
            got = audit_got(doc, res, proto, port)
            if got != exp:
                self.stats["audit_bad"] += 1
                if len(self.repros) < 3 * self.args.max_repros:
                    self.repros.append(
                        "audit disagreement (%s) %s/%d\n  file: %s\n  expected: %s%s\n  got:      %s\n%s" % (
                            self.mod.NAME, proto, port, path, exp,
                            " (e.g. from %s)" % witness if witness else "", got,
                            indent(self.mod.render(rs))))


def indent(text, limit=80):
    lines = text.splitlines()
    more = len(lines) - limit
    lines = lines[:limit] + (["... (%d more lines)" % more] if more > 0 else [])
    return "\n".join("    | " + x for x in lines)


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--platform", default=",".join(PLATFORMS))
    ap.add_argument("--rulesets", type=int, default=80)
    ap.add_argument("--flows", type=int, default=100)
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--leakguard", default=os.environ.get("LEAKGUARD", "build/leakguard"))
    ap.add_argument("--keep", help="directory for generated files (default: temporary)")
    ap.add_argument("--no-audit", action="store_true")
    ap.add_argument("--no-names", action="store_true", help="compare verdicts only")
    ap.add_argument("--max-repros", type=int, default=3)
    args = ap.parse_args()
    args.leakguard = os.path.abspath(args.leakguard)
    names = [p.strip() for p in args.platform.split(",") if p.strip()]
    for n in names:
        if n not in PLATFORMS:
            ap.error("unknown platform %s (known: %s)" % (n, ", ".join(PLATFORMS)))
    if args.keep:
        os.makedirs(args.keep, exist_ok=True)
        workdir = args.keep
    else:  # removed at the end unless it holds reproductions
        workdir = tempfile.mkdtemp(prefix="lg-diff-")
    bad = 0
    for n in names:
        pl = Platform(PLATFORMS[n], args, workdir)
        t0 = time.time()
        try:
            for i in range(args.rulesets):
                pl.one(i)
        except NotBuilt as ex:
            print("%-9s skipped: %s" % (n, ex))
            continue
        s = pl.stats
        print("%-9s rulesets %d, flows %d, disagreements %d; audit checks %d (skipped %d), "
              "disagreements %d; %.1fs" % (n, s["rulesets"], s["flows"], s["flow_bad"], s["audits"],
                                           s["audit_skip"], s["audit_bad"], time.time() - t0))
        for r in pl.repros:
            print(r)
        if s["flow_bad"] or s["audit_bad"]:
            bad += 1
    if not args.keep:
        if bad:
            print("generated files kept in %s" % workdir)
        else:
            shutil.rmtree(workdir, ignore_errors=True)
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main())
