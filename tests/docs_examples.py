#!/usr/bin/env python3
"""Run the examples in the docs and compare their output exactly.

Every fenced block tagged ```console in docs/*.md and README.md holds
commands prefixed by "$ " followed by the output they must print.  A line
"[exit N]" after the output states a non-zero exit code.  Commands run from
the repository root with `leakguard` meaning $LEAKGUARD.  Blocks tagged
```sh are illustrations and are not run.
"""
import os, re, subprocess, sys

root = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
lg = os.environ.get("LEAKGUARD", os.path.join(root, "build", "leakguard"))
files = sys.argv[1:] or sorted(
    [os.path.join(root, "docs", f) for f in os.listdir(os.path.join(root, "docs")) if f.endswith(".md")]
    + [os.path.join(root, "README.md")])

def examples(path):
    text = open(path, encoding="utf-8").read()
    for m in re.finditer(r"```console\n(.*?)```", text, re.S):
        lineno = text[:m.start()].count("\n") + 2
        cmd, out = None, []
        for line in m.group(1).splitlines():
            if line.startswith("$ "):
                if cmd is not None:
                    yield lineno, cmd, out
                cmd, out = line[2:], []
            elif cmd is not None:
                out.append(line)
        if cmd is not None:
            yield lineno, cmd, out

ran = failed = 0
env = dict(os.environ, NO_COLOR="1")
for path in files:
    if not os.path.exists(path):
        continue
    for lineno, cmd, out in examples(path):
        want_rc = 0
        if out and re.fullmatch(r"\[exit \d+\]", out[-1]):
            want_rc = int(out[-1][6:-1]); out = out[:-1]
        shell = re.sub(r"(^|[|;&(]\s*)leakguard\b", lambda m: m.group(1) + lg, cmd)
        p = subprocess.run(["bash", "-c", shell], cwd=root, env=env,
                           capture_output=True, text=True, timeout=120)
        got = p.stdout.rstrip("\n").split("\n") if p.stdout.strip() else []
        ran += 1
        if got != out or p.returncode != want_rc:
            failed += 1
            rel = os.path.relpath(path, root)
            print(f"{rel}:{lineno}: $ {cmd}\n  exit {p.returncode} (want {want_rc})")
            import difflib
            for d in difflib.unified_diff(out, got, "documented", "actual", lineterm="", n=1):
                print("  " + d)
            if p.stderr:
                print("  stderr: " + p.stderr.strip()[:500])
print(f"doc examples: {ran} run, {failed} failed")
sys.exit(1 if failed or ran == 0 else 0)
