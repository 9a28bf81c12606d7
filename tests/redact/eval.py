#!/usr/bin/env python3
"""eval.py - detection quality of `leakguard redact` on the labeled corpus
from gen_corpus.py (python3 stdlib only).

For each format (text, ndjson) it generates a corpus (or takes --corpus and
--labels), runs

    leakguard redact --format F --findings FINDINGS -o OUT CORPUS

and scores, per type:

  finding-based (from --findings)
    recall      a planted value is found when one finding of the same type
                (EMAIL also accepts AGENT_EMAIL) covers its whole span
                [start,end); reported separately for standard and
                non-standard forms
    precision   findings overlapping a planted span of their own type /
                findings overlapping any labeled span (planted or decoy);
                findings on unlabeled text are not in the ratio but counted
                in the "unlab" column
    decoys kept a decoy is kept when no finding (of any type) overlaps it
  output-based (from OUT; the score used to compare tools)
    removed     the planted text no longer appears in the output record
                (ndjson: in the decoded value at the same JSON pointer)
    kept        the decoy text still appears there

Then it lists the misses grouped by type/form/kind with examples, the
decoys that were hit, and a sample of the findings on unlabeled text.

Thresholds (--min-recall-standard 0.99 --min-recall-nonstandard 0.95
--min-decoys 0.99) make it exit 1 when any must type (EMAIL, PHONE,
IP_ADDRESS, CREDIT_CARD, IBAN, US_SSN, MAC_ADDRESS, URL, SECRET) is below
them in any format, so it can serve as a test.  Exit 2: the tool failed.

--compare-redact-pii installs the npm package redact-pii@3 into a temporary
folder (deleted afterwards; never into the repository), runs the text corpus
through it line by line with tests/redact/redact_pii_runner.js copied there
(new SyncRedactor(); redactor.redact(line)), and prints both tools'
output-based scores and MB/s side by side.  Without npm it says so and skips.

usage:
  tests/redact/eval.py [--binary build/leakguard] [--format text|ndjson|both]
        [--records 2000] [--seed 1] [--corpus FILE --labels FILE]
        [--threads N] [--policy FILE] [--lg-arg ARG ...]
        [--min-recall-standard X] [--min-recall-nonstandard Y] [--min-decoys Z]
        [--examples 3] [--keep DIR] [--compare-redact-pii]
"""
import argparse
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(os.path.dirname(HERE))
GEN = os.path.join(HERE, "gen_corpus.py")
sys.dont_write_bytecode = True  # no __pycache__ in the repository
sys.path.insert(0, HERE)
from gen_corpus import json_pointer  # noqa: E402  (one definition)

MUST = ["EMAIL", "PHONE", "IP_ADDRESS", "CREDIT_CARD", "IBAN", "US_SSN", "MAC_ADDRESS", "URL", "SECRET"]
ORDER = MUST + ["PERSON", "LOCATION", "DATE_OF_BIRTH"]


def norm_type(t):
    return "EMAIL" if t == "AGENT_EMAIL" else t


def read_lines(path):
    with open(path, "rb") as fh:
        lines = fh.read().split(b"\n")
    if lines and lines[-1] == b"":
        lines.pop()
    return lines


def read_jsonl(path):
    out = []
    with open(path, encoding="utf-8") as fh:
        for i, ln in enumerate(fh, 1):
            ln = ln.strip()
            if ln:
                try:
                    out.append(json.loads(ln))
                except ValueError:
                    raise SystemExit("eval: %s:%d: not JSON: %r" % (path, i, ln[:120]))
    return out


class Records:
    """record values (bytes) by (record, field); ndjson records parsed lazily"""

    def __init__(self, path, fmt):
        self.fmt, self.lines, self.parsed = fmt, read_lines(path), {}

    def value(self, rec, field):
        """bytes of the record (text) or of the decoded string at field, or None"""
        if not 1 <= rec <= len(self.lines):
            return None
        if self.fmt == "text":
            return self.lines[rec - 1]
        obj = self.parsed.get(rec)
        if obj is None:
            try:
                obj = self.parsed[rec] = json.loads(self.lines[rec - 1])
            except ValueError:
                return None
        try:
            v = json_pointer(obj, field)
        except (KeyError, IndexError, TypeError, ValueError):
            return None
        return v.encode("utf-8") if isinstance(v, str) else None


def ratio(a, n):
    return (a / n) if n else None


def pct(a, n):
    return "%6.1f%% %5s" % (100.0 * a / n, "%d/%d" % (a, n)) if n else "%6s %5s" % ("-", "")


def pct_short(r):
    return "%5.1f%%" % (100 * r) if r is not None else "    -"


def context(recs, rec, field, s, e, width=30):
    v = recs.value(rec, field)
    if v is None:
        return "?"
    pre = v[max(0, s - width):s].decode("utf-8", "replace")
    mid = v[s:e].decode("utf-8", "replace")
    post = v[e:e + width].decode("utf-8", "replace")
    return ("…" + pre + "[[" + mid + "]]" + post + "…").replace("\n", "\\n")


def score(fmt, corpus, labels, findings, out_path, n_examples):
    """returns (per-type stats dict, report lines)"""
    recs = Records(corpus, fmt)
    by_key = {}
    for f in findings:
        f["ntype"] = norm_type(f.get("type", "?"))
        by_key.setdefault((f.get("record"), f.get("field")), []).append(f)
    lab_by_key = {}
    for l in labels:
        lab_by_key.setdefault((l["record"], l["field"]), []).append(l)

    st = {}

    def S(t):
        return st.setdefault(t, {"std": [0, 0], "non": [0, 0], "dec": [0, 0], "tp": 0, "fp": 0, "unlab": 0,
                                 "ostd": [0, 0], "onon": [0, 0], "odec": [0, 0]})
    misses, decoy_hits, fp_ex, unlab_ex = {}, {}, {}, {}

    for l in labels:
        t, form = l["type"], l["form"]
        fs = by_key.get((l["record"], l["field"]), [])
        s = S(t)
        if form == "decoy":
            hit = [f for f in fs if f["start"] < l["end"] and f["end"] > l["start"]]
            s["dec"][1] += 1
            if not hit:
                s["dec"][0] += 1
            else:
                decoy_hits.setdefault((t, l["kind"]), []).append((l, hit))
        else:
            ok = any(f["ntype"] == t and f["start"] <= l["start"] and f["end"] >= l["end"] for f in fs)
            slot = s["std" if form == "standard" else "non"]
            slot[1] += 1
            if ok:
                slot[0] += 1
            else:
                over = [f for f in fs if f["start"] < l["end"] and f["end"] > l["start"]]
                misses.setdefault((t, form, l["kind"]), []).append((l, over))

    for f in findings:
        ls = lab_by_key.get((f.get("record"), f.get("field")), [])
        over = [l for l in ls if l["start"] < f["end"] and l["end"] > f["start"]]
        s = S(f["ntype"])
        if any(l["type"] == f["ntype"] and l["form"] != "decoy" for l in over):
            s["tp"] += 1
        elif over:
            s["fp"] += 1
            fp_ex.setdefault(f["ntype"], []).append((f, over))
        else:
            s["unlab"] += 1
            unlab_ex.setdefault(f["ntype"], []).append(f)

    # output-based
    out_ok = out_path is not None and os.path.exists(out_path)
    if out_ok:
        outs = Records(out_path, fmt)
        if len(outs.lines) != len(recs.lines):
            print("eval: %s: output has %d records, input %d; output-based score by line number anyway"
                  % (fmt, len(outs.lines), len(recs.lines)), file=sys.stderr)
        for l in labels:
            v = outs.value(l["record"], l["field"])
            present = v is not None and l["text"].encode("utf-8") in v
            s = S(l["type"])
            slot = s["odec" if l["form"] == "decoy" else ("ostd" if l["form"] == "standard" else "onon")]
            slot[1] += 1
            if (l["form"] == "decoy") == present:
                slot[0] += 1

    rep = []
    rep.append("%-13s %-17s %-17s %-17s %6s %-17s | %-7s %-7s %-7s" % (
        "type", "std recall", "nonstd recall", "precision", "unlab", "decoys kept",
        "out:std", "out:non", "out:dec"))
    types = ORDER + sorted(t for t in st if t not in ORDER)
    for t in types:
        if t not in st:
            continue
        s = st[t]
        rep.append("%-13s %-17s %-17s %-17s %6d %-17s | %-7s %-7s %-7s" % (
            t, pct(*s["std"]), pct(*s["non"]), pct(s["tp"], s["tp"] + s["fp"]), s["unlab"], pct(*s["dec"]),
            pct_short(ratio(*s["ostd"])), pct_short(ratio(*s["onon"])), pct_short(ratio(*s["odec"]))))

    def tot(key, tl):
        return [sum(st[t][key][0] for t in tl if t in st), sum(st[t][key][1] for t in tl if t in st)]
    tp = sum(st[t]["tp"] for t in st)
    fp = sum(st[t]["fp"] for t in st)
    un = sum(st[t]["unlab"] for t in st)
    rep.append("%-13s %-17s %-17s %-17s %6d %-17s | %-7s %-7s %-7s" % (
        "ALL (must)", pct(*tot("std", MUST)), pct(*tot("non", MUST)), pct(tp, tp + fp), un, pct(*tot("dec", st)),
        pct_short(ratio(*tot("ostd", MUST))), pct_short(ratio(*tot("onon", MUST))), pct_short(ratio(*tot("odec", st)))))

    table, rep = rep, []
    # details
    if misses:
        rep.append("")
        rep.append("missed planted values (type/form/kind: missed/total, examples; [[span]] = planted, "
                   "'overlapping' = findings touching it):")
        totals = {}
        for l in labels:
            totals[(l["type"], l["form"], l["kind"])] = totals.get((l["type"], l["form"], l["kind"]), 0) + 1
        for key in sorted(misses, key=lambda k: (ORDER.index(k[0]) if k[0] in ORDER else 99, k[1], k[2])):
            lst = misses[key]
            rep.append("  %s/%s/%s: %d/%d" % (key[0], key[1], key[2], len(lst), totals[key]))
            for l, over in lst[:n_examples]:
                ov = ", ".join("%s %r" % (f["type"], (recs.value(f["record"], f["field"]) or b"")[f["start"]:f["end"]]
                                          .decode("utf-8", "replace")) for f in over)
                rep.append("      rec %d %s: %s%s" % (l["record"], l["field"] or "", context(recs, l["record"], l["field"], l["start"], l["end"]),
                                                      ("   overlapping: " + ov) if ov else ""))
    if decoy_hits:
        rep.append("")
        rep.append("decoys hit (type-it-resembles/kind: hit, examples):")
        for key in sorted(decoy_hits):
            lst = decoy_hits[key]
            rep.append("  %s/%s: %d" % (key[0], key[1], len(lst)))
            for l, hit in lst[:n_examples]:
                rep.append("      rec %d %s: %s   found as %s" % (
                    l["record"], l["field"] or "", context(recs, l["record"], l["field"], l["start"], l["end"]),
                    ", ".join(f["type"] for f in hit)))
    if fp_ex:
        rep.append("")
        rep.append("findings on a labeled span of another type (precision misses):")
        for t in sorted(fp_ex):
            kinds = {}
            for f, over in fp_ex[t]:
                kinds.setdefault(",".join(sorted({"%s/%s" % (l["type"], l["kind"]) for l in over})), []).append(f)
            for k, fl in sorted(kinds.items(), key=lambda x: -len(x[1])):
                f = fl[0]
                rep.append("  %s on %s: %d   e.g. rec %d %s: %s" % (t, k, len(fl), f["record"], f["field"] or "",
                                                                  context(recs, f["record"], f["field"], f["start"], f["end"])))
    if unlab_ex:
        rep.append("")
        rep.append("findings on unlabeled text (examples):")
        for t in sorted(unlab_ex):
            fl = unlab_ex[t]
            rep.append("  %s: %d" % (t, len(fl)))
            for f in fl[:n_examples]:
                rep.append("      rec %d %s: %s" % (f["record"], f["field"] or "",
                                                   context(recs, f["record"], f["field"], f["start"], f["end"])))
    return st, table, rep


def output_scores(fmt, corpus, labels, out_path):
    """(std removed, nonstd removed, decoys kept) over the must types, each (k, n)"""
    outs = Records(out_path, fmt)
    r = {"standard": [0, 0], "nonstandard": [0, 0], "decoy": [0, 0]}
    per = {}
    for l in labels:
        if l["type"] not in MUST and l["form"] != "decoy":
            continue
        v = outs.value(l["record"], l["field"])
        present = v is not None and l["text"].encode("utf-8") in v
        good = present if l["form"] == "decoy" else not present
        for slot in (r[l["form"]], per.setdefault((l["type"], l["form"]), [0, 0])):
            slot[1] += 1
            slot[0] += 1 if good else 0
    return r, per


def gen(fmt, args, tmp):
    corpus = os.path.join(tmp, "corpus." + fmt)
    labels = os.path.join(tmp, "labels." + fmt + ".jsonl")
    cmd = [sys.executable, GEN, "--format", fmt, "--seed", str(args.seed), "--records", str(args.records),
           "-o", corpus, "--labels", labels, "--verify"]
    subprocess.run(cmd, check=True)
    return corpus, labels


def run_leakguard(args, fmt, corpus, tmp):
    findings = os.path.join(tmp, "findings." + fmt + ".jsonl")
    out = os.path.join(tmp, "out." + fmt)
    cmd = [args.binary, "redact", "--format", fmt, "--findings", findings, "-o", out]
    if args.threads:
        cmd += ["--threads", str(args.threads)]
    if args.policy:
        cmd += ["--policy", args.policy]
    cmd += args.lg_arg + [corpus]
    t0 = time.perf_counter()
    p = subprocess.run(cmd, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    dt = time.perf_counter() - t0
    if p.returncode != 0:
        sys.stderr.write(p.stderr.decode("utf-8", "replace")[-2000:])
        if not os.path.exists(findings) or not os.path.exists(out):
            print("eval: %s exited %d" % (" ".join(cmd), p.returncode), file=sys.stderr)
            sys.exit(2)
        print("eval: note: leakguard exited %d" % p.returncode, file=sys.stderr)
    return findings, out, dt




def install_redact_pii(tmp):
    """returns the runner path or None (with a message)"""
    npm = shutil.which("npm")
    node = shutil.which("node")
    if not npm or not node:
        print("compare: npm/node not available; skipping the redact-pii comparison")
        return None
    print("compare: npm install redact-pii@3 into %s ..." % tmp, file=sys.stderr)
    try:
        p = subprocess.run([npm, "install", "--prefix", tmp, "--no-audit", "--no-fund", "--loglevel=error",
                            "redact-pii@3"], stdout=subprocess.PIPE, stderr=subprocess.STDOUT, timeout=900)
    except subprocess.TimeoutExpired:
        print("compare: npm install timed out; skipping the redact-pii comparison")
        return None
    if p.returncode != 0:
        print("compare: npm install redact-pii failed; skipping the comparison:\n" +
              p.stdout.decode("utf-8", "replace")[-1500:])
        return None
    runner = os.path.join(tmp, "runner.js")
    shutil.copy(os.path.join(HERE, "redact_pii_runner.js"), runner)
    return runner


def compare_redact_pii(args, corpus, labels, lg_out, lg_seconds):
    tmp = tempfile.mkdtemp(prefix="lg-redact-pii-")
    try:
        runner = install_redact_pii(tmp)
        if runner is None:
            return
        out = os.path.join(tmp, "out.text")
        with open(corpus, "rb") as fin, open(out, "wb") as fout:
            t0 = time.perf_counter()
            p = subprocess.run(["node", runner], stdin=fin, stdout=fout, stderr=subprocess.PIPE, cwd=tmp)
            wall = time.perf_counter() - t0
        if p.returncode != 0:
            print("compare: redact-pii runner failed:\n" + p.stderr.decode("utf-8", "replace")[-1500:])
            return
        inner = wall
        for ln in p.stderr.decode().splitlines():
            if ln.startswith("redact-pii-seconds "):
                inner = float(ln.split()[1])
        size = os.path.getsize(corpus) / 1e6
        # leakguard's fixed start-up (pattern compilation): best of 2 runs on
        # empty input, subtracted for a rate comparable to the redact() loop
        startup = []
        for _ in range(2):
            t0 = time.perf_counter()
            subprocess.run([args.binary, "redact", "--format", "text"], stdin=subprocess.DEVNULL,
                           stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
            startup.append(time.perf_counter() - t0)
        net = lg_seconds - min(startup)
        lg_r, lg_per = output_scores("text", corpus, labels, lg_out)
        rp_r, rp_per = output_scores("text", corpus, labels, out)
        print()
        print("comparison on the text corpus (%.2f MB, output-based, must types):" % size)
        print("  %-21s %-19s %-19s %-19s %8s" % ("tool", "std removed", "nonstd removed", "decoys kept", "MB/s"))
        for name, r, mbs in (("leakguard", lg_r, size / net if net > 0 else float("nan")),
                             ("redact-pii@3 (Sync)", rp_r, size / inner)):
            print("  %-21s %-19s %-19s %-19s %8.2f" % (name, pct(*r["standard"]), pct(*r["nonstandard"]),
                                                       pct(*r["decoy"]), mbs))
        print("  MB/s without start-up: leakguard %.2f s wall minus %.2f s on empty input (pattern compilation);\n"
              "  redact-pii the redact() loop only (node start-up and module loading: %.2f s of %.2f s wall).\n"
              "  Wall clock incl. start-up: leakguard %.2f MB/s, redact-pii %.2f MB/s.  On a corpus this small\n"
              "  start-up dominates; bench/redact.sh measures throughput on 100 MB."
              % (lg_seconds, min(startup), wall - inner, wall, size / lg_seconds, size / wall))
        print("  per type               leakguard std / nonstd   redact-pii std / nonstd   (output-based removed)")
        f1 = lambda x: pct_short(ratio(*x)) if x else "    -"
        for t in MUST:
            a = [lg_per.get((t, f)) for f in ("standard", "nonstandard")]
            b = [rp_per.get((t, f)) for f in ("standard", "nonstandard")]
            print("    %-20s %8s / %-8s          %8s / %-8s" % (t, f1(a[0]), f1(a[1]), f1(b[0]), f1(b[1])))
        print("  decoys kept by type    leakguard   redact-pii")
        for (t, form), v in sorted(rp_per.items()):
            if form == "decoy":
                print("    %-20s %8s   %8s" % (t, f1(lg_per[(t, form)]), f1(v)))
    finally:
        shutil.rmtree(tmp, ignore_errors=True)


def main():
    ap = argparse.ArgumentParser(description=__doc__,
                                 formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--binary", default=os.environ.get("LG", os.path.join(ROOT, "build", "leakguard")))
    ap.add_argument("--format", choices=["text", "ndjson", "both"], default="both")
    ap.add_argument("--records", type=int, default=2000)
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--corpus", help="existing corpus (needs --labels and a single --format)")
    ap.add_argument("--labels")
    ap.add_argument("--threads", type=int, default=0)
    ap.add_argument("--policy")
    ap.add_argument("--lg-arg", action="append", default=[], help="extra argument for leakguard redact")
    ap.add_argument("--min-recall-standard", type=float)
    ap.add_argument("--min-recall-nonstandard", type=float)
    ap.add_argument("--min-decoys", type=float)
    ap.add_argument("--examples", type=int, default=3, help="examples per miss group (0: tables only)")
    ap.add_argument("--keep", help="keep corpus, labels, findings and output in this directory")
    ap.add_argument("--compare-redact-pii", action="store_true")
    args = ap.parse_args()
    if not (os.path.isfile(args.binary) and os.access(args.binary, os.X_OK)):
        print("eval: no leakguard binary at %s (make first, or --binary)" % args.binary, file=sys.stderr)
        sys.exit(2)
    if args.corpus and (not args.labels or args.format == "both"):
        ap.error("--corpus needs --labels and --format text|ndjson")

    fmts = ["text", "ndjson"] if args.format == "both" else [args.format]
    if args.compare_redact_pii and "text" not in fmts:
        fmts = ["text"] + fmts
    tmp = args.keep or tempfile.mkdtemp(prefix="lg-eval-")
    os.makedirs(tmp, exist_ok=True)
    failures = []
    try:
        for fmt in fmts:
            corpus, labels_path = (args.corpus, args.labels) if args.corpus else gen(fmt, args, tmp)
            labels = read_jsonl(labels_path)
            findings_path, out, dt = run_leakguard(args, fmt, corpus, tmp)
            findings = read_jsonl(findings_path)
            size = os.path.getsize(corpus)
            st, table, details = score(fmt, corpus, labels, findings, out, args.examples)
            print("== %s: %s, %d records, %.2f MB, %d labels, %d findings, %.2f s (%.1f MB/s)"
                  % (fmt, os.path.basename(args.binary), len(read_lines(corpus)), size / 1e6, len(labels),
                     len(findings), dt, size / 1e6 / dt))
            print("\n".join(table))
            if args.examples and details:
                print("\n".join(details))
            # thresholds
            for t in MUST:
                s = st.get(t)
                if s is None:
                    continue
                for key, lim, what in (("std", args.min_recall_standard, "standard recall"),
                                       ("non", args.min_recall_nonstandard, "non-standard recall"),
                                       ("dec", args.min_decoys, "decoys kept")):
                    r = ratio(*s[key])
                    if lim is not None and r is not None and r < lim:
                        failures.append("%s %s %s %.3f < %.3f" % (fmt, t, what, r, lim))
            tot = lambda k: (sum(st[t][k][0] for t in MUST if t in st), sum(st[t][k][1] for t in MUST if t in st))
            dec = (sum(s["dec"][0] for s in st.values()), sum(s["dec"][1] for s in st.values()))
            tp, fp = sum(s["tp"] for s in st.values()), sum(s["fp"] for s in st.values())
            print("%s: must types: standard recall %s, non-standard recall %s, precision %s, decoys kept %s, "
                  "unlabeled findings %d, %.1f MB/s" % (
                      fmt, pct_short(ratio(*tot("std"))).strip(), pct_short(ratio(*tot("non"))).strip(),
                      pct_short(ratio(tp, tp + fp)).strip(), pct_short(ratio(*dec)).strip(),
                      sum(s["unlab"] for s in st.values()), size / 1e6 / dt))
            print()
            if args.compare_redact_pii and fmt == "text":
                compare_redact_pii(args, corpus, labels, out, dt)
                print()
    finally:
        if not args.keep:
            shutil.rmtree(tmp, ignore_errors=True)
    lims = [x is not None for x in (args.min_recall_standard, args.min_recall_nonstandard, args.min_decoys)]
    if failures:
        print("FAIL: " + "; ".join(failures))
        sys.exit(1)
    print("PASS (thresholds met)" if any(lims) else "done (no thresholds given)")


if __name__ == "__main__":
    main()
