"""How fast lpcli gives its verdict on each hostile file: the "within a second" of issue 7.

    python tests/benchmarks/hostile.py            # --runs N (default 3), --target SECONDS

For each file in ``tests/fixtures/hostile/`` (and three made here: a file over the size
limit, a symbolic link and a named pipe), a copy of the example casebook is given that file in place of
one case, committed, and ``lpcli validate --format json`` is run as a separate process, the
way a user runs it, with lpcli's cache removed first so that every run reads the file
afresh. Prints one row per file: the rule expected (``verdicts.json``), the rule reported,
the median and slowest wall time, the target and PASS/FAIL. A row fails when the median
misses the target, the expected rule is not reported, or lpcli crashed or printed a
traceback. Exits 1 if any row fails. Not part of the test suite: timings on a shared
machine are not a test.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
REPO = HERE.parents[1]
HOSTILE = REPO / "tests" / "fixtures" / "hostile"
CASE = "LP-4F7QK-9M2XA"
HUGE = "(generated) over-size-600k.yaml"
LINK = "(generated) symlink.yaml"
FIFO = "(generated) named-pipe.yaml"


def lpcli_cmd() -> list[str]:
    script = Path(sys.executable).with_name("lpcli")
    return [str(script)] if script.exists() else [sys.executable, "-m", "lpcli"]


def git(cwd, *args):
    subprocess.run(["git", "-c", "user.name=bench", "-c", "user.email=bench@example.invalid",
                    *args], cwd=cwd, check=True, capture_output=True)


def make_book(root: Path, env) -> None:
    subprocess.run([*lpcli_cmd(), "--author", "bench <bench@example.invalid>", "demo",
                    str(root)], check=True, capture_output=True, env=env)


def plant(root: Path, name: str, scratch: Path) -> None:
    target = root / "cases" / f"{CASE}.yaml"
    target.unlink()
    if name == HUGE:
        target.write_bytes(b"id: " + CASE.encode() + b"\nnotes: '" + b"x" * (600 * 1024)
                           + b"'\n")
    elif name == LINK:
        outside = scratch / "outside.yaml"
        shutil.copyfile(HOSTILE / "bom.yaml", outside)
        os.symlink(outside, target)
    elif name == FIFO:
        os.mkfifo(target)  # git cannot hold a named pipe: it stays uncommitted
        return
    else:
        shutil.copyfile(HOSTILE / name, target)
    git(root, "add", "-A")
    git(root, "commit", "-qm", "plant")


def time_validate(root: Path, env) -> tuple[float, int, str, str]:
    shutil.rmtree(root / ".git" / "lpcli", ignore_errors=True)  # a cold read every time
    start = time.perf_counter()
    proc = subprocess.run([*lpcli_cmd(), "-C", str(root), "validate", "--format", "json"],
                          capture_output=True, text=True, env=env, timeout=120)
    return time.perf_counter() - start, proc.returncode, proc.stdout, proc.stderr


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--runs", type=int, default=3)
    ap.add_argument("--target", type=float, default=1.0, help="seconds (default 1.0)")
    args = ap.parse_args(argv)

    verdicts = json.loads((HOSTILE / "verdicts.json").read_text())
    verdicts[HUGE] = {"rule": "file-too-large"}
    verdicts[LINK] = {"rule": "symlink"}
    verdicts[FIFO] = {"rule": "unreadable"}
    env = {**os.environ, "LPCLI_TODAY": "2026-11-20", "NO_COLOR": "1"}
    rows, failed = [], 0
    with tempfile.TemporaryDirectory(prefix="lpcli-hostile-") as tmp:
        scratch = Path(tmp)
        env["GIT_CONFIG_GLOBAL"] = str(scratch / "gitconfig")
        env["GIT_CONFIG_NOSYSTEM"] = "1"
        for i, name in enumerate(sorted(verdicts)):
            root = scratch / f"book{i}"
            make_book(root, env)
            plant(root, name, scratch)
            expected = verdicts[name]["rule"] or "(valid)"
            times, rules, problem = [], set(), ""
            for _ in range(args.runs):
                seconds, code, out, err = time_validate(root, env)
                times.append(seconds)
                if code not in (0, 1) or "Traceback" in out + err:
                    problem = f"exit {code}"
                    continue
                rules = {d["rule"] for d in json.loads(out)
                         if d["file"] == f"cases/{CASE}.yaml" and d["severity"] == "error"}
                rules = rules or {"(valid)"}
            if not problem and expected not in rules:
                problem = "wrong verdict"
            shown = expected if expected in rules else ",".join(sorted(rules)) or "-"
            if expected in rules and len(rules) > 1:
                shown += f" (+{len(rules) - 1} other rule{'s' if len(rules) > 2 else ''})"
            median, worst = statistics.median(times), max(times)
            ok = not problem and median <= args.target
            failed += not ok
            rows.append((name, expected, shown, f"{median:.2f}", f"{worst:.2f}",
                         f"{args.target:.1f}", "PASS" if ok else f"FAIL {problem}".strip()))
            shutil.rmtree(root)
    header = ("file", "expected rule", "reported", "median s", "max s", "target s", "result")
    widths = [max(len(str(r[i])) for r in [header, *rows]) for i in range(len(header))]
    for r in [header, *rows]:
        print("  ".join(str(c).ljust(w) for c, w in zip(r, widths)).rstrip())
    print(f"{len(rows) - failed} of {len(rows)} within {args.target:.1f} s "
          f"(median of {args.runs} cold runs of 'lpcli validate', Python "
          f"{sys.version.split()[0]}, {os.cpu_count()} CPUs)")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
