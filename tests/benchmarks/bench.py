"""lpcli's performance benchmark: a generated casebook, every target timed, figures printed.

    pip install check-jsonschema        # the side-by-side comparison
    python tests/benchmarks/bench.py --cases 10000

Generates a realistic casebook of N cases (``casegen.py``; ``--invalid K`` breaks K of
them), then times, as separate processes the way a user runs them: ``validate`` cold (no
cache), warm (nothing changed) and with one case changed; ``overdue``, ``list`` and
``caseload`` the same; one ``review``; ``lpcli --version`` and ``--help`` against
``python -c "import click"``; and ``check-jsonschema`` with lpcli's case schema on the same
files. Prints medians, the ratios and each target beside its figure, and peak memory (the
whole process tree, workers included). Not part of the test suite: it takes minutes.
"""

from __future__ import annotations

import argparse
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
REPO = HERE.parents[1]
sys.path.insert(0, str(HERE))

from casegen import generate  # noqa: E402

AS_OF = "2026-11-20"


def lpcli_cmd() -> list[str]:
    script = Path(sys.executable).with_name("lpcli")
    return [str(script)] if script.exists() else [sys.executable, "-m", "lpcli"]


def _tree_rss_kb(pid: int) -> int:
    """Memory of a process and all its descendants (Linux /proc), as PSS: pages that forked
    workers share with their parent are counted once, not once per process."""
    total, stack = 0, [pid]
    while stack:
        p = stack.pop()
        try:
            with open(f"/proc/{p}/smaps_rollup") as fh:
                for line in fh:
                    if line.startswith("Pss:"):
                        total += int(line.split()[1])
                        break
            for task in os.listdir(f"/proc/{p}/task"):
                with open(f"/proc/{p}/task/{task}/children") as fh:
                    stack += [int(c) for c in fh.read().split()]
        except (OSError, ValueError):
            continue
    return total


def run(cmd, cwd, env, expect=(0, 1)) -> tuple[float, int]:
    """Wall time of one run, and the peak memory of its process tree in MB."""
    peak = [0]
    start = time.perf_counter()
    proc = subprocess.Popen(cmd, cwd=cwd, env=env, stdout=subprocess.DEVNULL,
                            stderr=subprocess.PIPE)
    done = threading.Event()

    def sample():
        while not done.is_set():
            peak[0] = max(peak[0], _tree_rss_kb(proc.pid))
            done.wait(0.01)

    t = threading.Thread(target=sample, daemon=True)
    t.start()
    _, err = proc.communicate()
    elapsed = time.perf_counter() - start
    done.set()
    t.join()
    if proc.returncode not in expect:
        raise SystemExit(f"{' '.join(map(str, cmd))} exited {proc.returncode}: "
                         f"{err.decode(errors='replace')[-500:]}")
    return elapsed, peak[0] // 1024


def median(times) -> float:
    return statistics.median(times)


class Bench:
    def __init__(self, root: Path, runs: int):
        self.root = root
        self.runs = runs
        self.env = dict(os.environ, LPCLI_TODAY=AS_OF, GIT_AUTHOR_NAME="bench",
                        GIT_AUTHOR_EMAIL="bench@example.org", GIT_COMMITTER_NAME="bench",
                        GIT_COMMITTER_EMAIL="bench@example.org", NO_COLOR="1")
        self.env.pop("LPCLI_CASEBOOK", None)
        # Installed packages have their bytecode compiled (pip does it); a machine that sets
        # PYTHONDONTWRITEBYTECODE would make every timed run recompile lpcli from source.
        self.env.pop("PYTHONDONTWRITEBYTECODE", None)
        self.lpcli = lpcli_cmd()
        self.peak = 0
        self.rows = []
        self.cases = sorted((root / "cases").glob("*.yaml"))

    def clear_cache(self):
        shutil.rmtree(self.root / ".git" / "lpcli", ignore_errors=True)

    def time(self, args, prepare=None) -> float:
        times = []
        for _ in range(self.runs):
            if prepare:
                prepare()
            elapsed, mb = run(self.lpcli + args, self.root, self.env)
            times.append(elapsed)
            self.peak = max(self.peak, mb)
        return median(times)

    def change_one(self):
        """Edit one case in place, keeping it valid (a note in a review's progress)."""
        path = self.cases[len(self.rows) % len(self.cases)]
        text = path.read_text(encoding="utf-8")
        marker = "\nsource: "
        if marker in text:
            head, _, tail = text.partition(marker)
            line, _, rest = tail.partition("\n")
            line = line + " x" if not line.endswith(" x") else line[:-2]
            path.write_text(f"{head}{marker}{line}\n{rest}", encoding="utf-8")
        else:
            path.write_text(text.replace("\nopened:", "\nsource: benchmark\nopened:", 1),
                            encoding="utf-8")


def main():
    ap = argparse.ArgumentParser(description="lpcli performance benchmark")
    ap.add_argument("--cases", type=int, default=10000)
    ap.add_argument("--invalid", type=int, default=20, help="cases to break (default 20)")
    ap.add_argument("--runs", type=int, default=5, help="runs per figure (median)")
    ap.add_argument("--cj-runs", type=int, default=1,
                    help="check-jsonschema runs (slow: minutes each at 10,000 cases)")
    ap.add_argument("--dir", type=Path, help="where to build the casebook (default: temp)")
    args = ap.parse_args()

    base = args.dir or Path(tempfile.mkdtemp(prefix="lpcli-bench-"))
    root = base / "casebook"
    if root.exists():
        shutil.rmtree(root)
    t0 = time.perf_counter()
    generate(root, args.cases, args.invalid)
    sizes = [p.stat().st_size for p in (root / "cases").glob("*.yaml")]
    print(f"generated {args.cases} cases ({args.invalid} invalid), mean "
          f"{sum(sizes) / len(sizes) / 1024:.1f} KB, in {time.perf_counter() - t0:.1f} s "
          f"at {root}", flush=True)
    b = Bench(root, args.runs)
    figures = {}

    for name in ("validate", "overdue", "list", "caseload"):
        cmd = [name] + (["--as-of", AS_OF] if name in ("overdue", "caseload") else [])
        figures[f"{name} cold"] = b.time(cmd, prepare=b.clear_cache)
        b.time(cmd)  # fill the cache
        figures[f"{name} warm"] = b.time(cmd)
        figures[f"{name} 1 changed"] = b.time(cmd, prepare=b.change_one)
        print(f"  {name}: cold {figures[f'{name} cold']:.2f} s, warm "
              f"{figures[f'{name} warm']:.2f} s, 1 changed {figures[f'{name} 1 changed']:.2f} s",
              flush=True)
    review_times = []
    candidates = iter(b.cases)
    while len(review_times) < args.runs:
        case_id = next(candidates).stem
        cmd = b.lpcli + ["review", case_id, "--date", AS_OF, "--no-input", "--progress",
                         "benchmark review"]
        elapsed, mb = run(cmd, root, b.env, expect=(0, 1, 2))
        b.peak = max(b.peak, mb)
        if subprocess.run(["git", "log", "-1", "--format=%s"], cwd=root, capture_output=True,
                          text=True).stdout.startswith(case_id):
            review_times.append(elapsed)
    figures["review (one case)"] = median(review_times)

    click_times = [run([sys.executable, "-c", "import click"], root, b.env)[0]
                   for _ in range(args.runs)]
    figures["python -c 'import click'"] = median(click_times)
    figures["lpcli --version"] = b.time(["--version"])
    figures["lpcli --help"] = b.time(["--help"])

    cj = shutil.which("check-jsonschema") or str(Path(sys.executable).with_name(
        "check-jsonschema"))
    if Path(cj).exists():
        files = [str(p.relative_to(root)) for p in b.cases]
        schema = str(REPO / "schemas" / "case.schema.json")
        cj_times = [run([cj, "--schemafile", schema, *files], root, b.env)[0]
                    for _ in range(args.cj_runs)]
        figures["check-jsonschema"] = median(cj_times)
    else:
        print("check-jsonschema is not installed (pip install check-jsonschema): no ratio")

    click_t = figures["python -c 'import click'"]
    targets = []
    if "check-jsonschema" in figures:
        ratio = figures["validate cold"] / figures["check-jsonschema"]
        targets.append(("validate cold vs check-jsonschema", f"{ratio:.3f}x", "<= 0.100x",
                        ratio <= 0.1))
    for name in ("validate", "overdue", "list", "caseload"):
        targets.append((f"{name} warm", f"{figures[f'{name} warm']:.2f} s", "< 1.00 s",
                        figures[f"{name} warm"] < 1.0))
        targets.append((f"{name} 1 changed", f"{figures[f'{name} 1 changed']:.2f} s",
                        "< 1.20 s", figures[f"{name} 1 changed"] < 1.2))
    targets.append(("review (one case)", f"{figures['review (one case)']:.2f} s", "< 1.00 s",
                    figures["review (one case)"] < 1.0))
    for name in ("lpcli --version", "lpcli --help"):
        r = figures[name] / click_t
        targets.append((f"{name} vs import click", f"{r:.2f}x", "<= 2.00x", r <= 2.0))
    targets.append(("peak memory (process tree)", f"{b.peak} MB", "< 300 MB", b.peak < 300))

    print(f"\nlpcli benchmark: {args.cases} cases, median of {args.runs} runs "
          f"({os.cpu_count()} cores, Python {sys.version.split()[0]})\n")
    print(f"{'command':34} {'seconds':>8}")
    for name, value in figures.items():
        print(f"{name:34} {value:8.3f}")
    print(f"\n{'target':38} {'measured':>10} {'target':>10}  result")
    for name, measured, target, ok in targets:
        print(f"{name:38} {measured:>10} {target:>10}  {'PASS' if ok else 'FAIL'}")
    failed = [t for t in targets if not t[3]]
    print(f"\n{len(targets) - len(failed)} of {len(targets)} targets met")
    if not args.dir:
        shutil.rmtree(base, ignore_errors=True)
    sys.exit(1 if failed else 0)


if __name__ == "__main__":
    main()
