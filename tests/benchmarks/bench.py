"""lpcli's performance benchmark: a generated casebook, every target timed, figures printed.

    pip install check-jsonschema        # the side-by-side comparison (10,000 cases or fewer)
    python tests/benchmarks/bench.py --cases 10000
    python tests/benchmarks/bench.py --cases 100000 --dir /somewhere/big --sync

Generates a realistic casebook of N cases (``casegen.py``; ``--invalid K`` breaks K of
them), or reuses the one ``--dir`` already holds (reset to its first commit: generating
100,000 cases takes minutes), then times, as separate processes the way a user runs them:
``validate`` cold (no cache), warm (nothing changed) and with one case changed; ``overdue``,
``list``, ``caseload`` and ``report`` warm and with one case changed; one ``review``;
``lpcli --version`` and ``--help`` against ``python -c "import click"``; with ``--sync``,
``lpcli sync`` of one change, a merge that touches practitioners.yaml, and ``init --clone``
(through a bare repository beside the casebook); and, up to 10,000 cases,
``check-jsonschema`` with lpcli's case schema on the same files. Prints medians, each target
beside its figure, peak memory of the warm runs (the whole process tree, workers included)
and the machine's load average while it ran. Not part of the test suite: it takes minutes.
Exits 1 if a target is missed.
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
import threading
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
REPO = HERE.parents[1]
sys.path.insert(0, str(HERE))

from casegen import generate  # noqa: E402

AS_OF = "2026-11-20"
REPORTS = {"validate": [], "overdue": ["--as-of", AS_OF], "list": [],
           "caseload": ["--as-of", AS_OF], "report": ["--as-of", AS_OF]}


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


def load() -> float:
    with open("/proc/loadavg") as fh:
        return float(fh.read().split()[0])


def git(root, *args, env=None):
    return subprocess.run(["git", *args], cwd=root, check=True, capture_output=True,
                          text=True, env=env).stdout


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
        self.peak = 0        # warm runs (the target)
        self.cold_peak = 0
        self.loads = []
        self.changes = 0
        self.cases = sorted((root / "cases").glob("*.yaml"))

    def clear_cache(self):
        shutil.rmtree(self.root / ".git" / "lpcli", ignore_errors=True)

    def time(self, args, prepare=None, runs=None, cold=False, cwd=None) -> float:
        times = []
        for _ in range(runs or self.runs):
            if prepare:
                prepare()
            self.loads.append(load())
            elapsed, mb = run(self.lpcli + args, cwd or self.root, self.env)
            times.append(elapsed)
            if cold:
                self.cold_peak = max(self.cold_peak, mb)
            else:
                self.peak = max(self.peak, mb)
        return statistics.median(times)

    def change_one(self, root=None):
        """Edit one case in place, keeping it valid (a word in its 'source')."""
        path = (root or self.root) / "cases" / self.cases[self.changes % len(self.cases)].name
        self.changes += 1
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
        return path


def make_private(root: Path) -> None:
    """Every file and folder of the casebook for its owner only, as lpcli makes them (init,
    demo, clone and every write run under umask 077). A casebook others can read makes
    validate warn once per file (README, 'What validate checks'): 100,000 warnings that are
    not what the benchmark times. Only what is not private yet is changed (a chmod changes
    the ctime, so the next run reads the file again)."""
    for folder, dirs, files in os.walk(root):
        for name in [*dirs, *files]:
            path = os.path.join(folder, name)
            st = os.lstat(path)
            if st.st_mode & 0o077 and not os.path.islink(path):
                os.chmod(path, st.st_mode & 0o700)


def casebook(base: Path, n: int, invalid: int) -> Path:
    """The generated casebook at base/casebook: reused (reset to its first commit) when it
    was made with the same settings, else made now."""
    root = base / "casebook"
    marker = root / ".git" / "lpcli-bench.json"
    wanted = {"cases": n, "invalid": invalid,
              "casegen": (HERE / "casegen.py").stat().st_size}
    if marker.is_file() and json.loads(marker.read_text()) == wanted:
        first = git(root, "rev-list", "--max-parents=0", "HEAD").split()[0]
        git(root, "reset", "-q", "--hard", first)
        git(root, "clean", "-qfdx")
        for name in git(root, "remote").split():
            git(root, "remote", "remove", name)
        make_private(root)
        print(f"reusing the {n} generated cases at {root}", flush=True)
        return root
    if root.exists():
        shutil.rmtree(root)
    t0 = time.perf_counter()
    generate(root, n, invalid)
    make_private(root)
    marker.write_text(json.dumps(wanted))
    sizes = [p.stat().st_size for p in (root / "cases").glob("*.yaml")]
    print(f"generated {n} cases ({invalid} invalid), mean "
          f"{sum(sizes) / len(sizes) / 1024:.1f} KB, in {time.perf_counter() - t0:.1f} s "
          f"at {root}", flush=True)
    return root


def time_reports(b: Bench, figures: dict, cold_runs: int) -> None:
    figures["validate cold"] = b.time(["validate"], prepare=b.clear_cache, runs=cold_runs,
                                      cold=True)
    print(f"  validate cold: {figures['validate cold']:.2f} s", flush=True)
    for name, extra in REPORTS.items():
        cmd = [name] + extra
        b.time(cmd, runs=1)  # fill the cache
        figures[f"{name} warm"] = b.time(cmd)
        figures[f"{name} 1 changed"] = b.time(cmd, prepare=b.change_one)
        print(f"  {name}: warm {figures[f'{name} warm']:.3f} s, 1 changed "
              f"{figures[f'{name} 1 changed']:.3f} s", flush=True)


def time_review(b: Bench, figures: dict) -> None:
    review_times = []
    candidates = iter(b.cases)
    while len(review_times) < b.runs:
        case_id = next(candidates).stem
        cmd = b.lpcli + ["review", case_id, "--date", AS_OF, "--no-input", "--progress",
                         "benchmark review"]
        elapsed, mb = run(cmd, b.root, b.env, expect=(0, 1, 2))
        b.peak = max(b.peak, mb)
        if git(b.root, "log", "-1", "--format=%s").startswith(case_id):
            review_times.append(elapsed)
    figures["review (one case)"] = statistics.median(review_times)


def time_sync(b: Bench, figures: dict) -> None:
    """sync of one change; a merge that touches practitioners.yaml; init --clone."""
    base = b.root.parent
    remote, other, clone = base / "remote.git", base / "other", base / "clone"
    for p in (remote, other, clone):
        shutil.rmtree(p, ignore_errors=True)
    git(base, "clone", "-q", "--bare", str(b.root), str(remote))
    # A casebook kept from an earlier run (--dir) still names that run's remote.
    subprocess.run(["git", "remote", "remove", "origin"], cwd=b.root, capture_output=True)
    git(b.root, "remote", "add", "origin", str(remote))
    git(b.root, "fetch", "-q", "origin")
    branch = git(b.root, "branch", "--show-current").strip()
    git(b.root, "branch", "-q", f"--set-upstream-to=origin/{branch}")
    git(base, "clone", "-q", str(remote), str(other))
    b.time(["validate"], runs=1)  # the cache is warm, as in daily use

    def commit_one(root):
        path = b.change_one(root)
        git(root, "commit", "-qam", f"{path.stem}: benchmark change", env=b.env)

    figures["sync of one change"] = b.time(["sync"], prepare=lambda: commit_one(b.root))
    practitioners = other / "practitioners.yaml"

    def merge_setup():
        git(other, "pull", "-q", "--no-rebase", env=b.env)
        practitioners.write_text(practitioners.read_text().replace(
            "\n  - id: ", f"\n  - id: bench-{b.changes}\n    name: Bench\n    agency: Bench\n"
            "    agency_type: education\n    role: Benchmark\n    capacity: 2\n  - id: ", 1))
        b.changes += 1
        git(other, "commit", "-qam", "practitioners.yaml: benchmark", env=b.env)
        git(other, "push", "-q", env=b.env)
        commit_one(b.root)

    figures["sync merging practitioners.yaml"] = b.time(["sync"], prepare=merge_setup)
    shutil.rmtree(other)
    figures["init --clone"] = b.time(["init", "--clone", str(remote), str(clone)],
                                     prepare=lambda: shutil.rmtree(clone, ignore_errors=True),
                                     runs=min(b.runs, 3), cold=True, cwd=base)
    for p in (remote, clone):
        shutil.rmtree(p, ignore_errors=True)
    print(f"  sync: one change {figures['sync of one change']:.2f} s, merging "
          f"practitioners.yaml {figures['sync merging practitioners.yaml']:.2f} s, "
          f"init --clone {figures['init --clone']:.1f} s", flush=True)


def time_others(b: Bench, figures: dict, cj_runs: int) -> None:
    click_times = [run([sys.executable, "-c", "import click"], b.root, b.env)[0]
                   for _ in range(b.runs)]
    figures["python -c 'import click'"] = statistics.median(click_times)
    figures["lpcli --version"] = b.time(["--version"])
    figures["lpcli --help"] = b.time(["--help"])
    cj = shutil.which("check-jsonschema") or str(Path(sys.executable).with_name(
        "check-jsonschema"))
    if cj_runs and Path(cj).exists():
        files = [str(p.relative_to(b.root)) for p in b.cases]
        schema = str(REPO / "schemas" / "case.schema.json")
        cj_times = [run([cj, "--schemafile", schema, *files], b.root, b.env)[0]
                    for _ in range(cj_runs)]
        figures["check-jsonschema"] = statistics.median(cj_times)
    elif cj_runs:
        print("check-jsonschema is not installed (pip install check-jsonschema): no ratio")


def targets(n: int, figures: dict, peak: int) -> list[tuple]:
    """(what, measured, target, met) for each target of issue 18 (and the earlier ones)."""
    out = []

    def add(name, value, limit, unit="s", fmt="{:.2f}"):
        out.append((name, fmt.format(value) + (f" {unit}" if unit else ""),
                    f"<= {fmt.format(limit)}" + (f" {unit}" if unit else ""), value <= limit))

    small = n <= 10000
    warm, changed = (0.25, 0.25) if small else (1.0, 1.2)
    if "check-jsonschema" in figures:
        ratio = figures["validate cold"] / figures["check-jsonschema"]
        add("validate cold vs check-jsonschema", ratio, 0.02, "x", "{:.3f}")
    if not small:
        add("validate cold", figures["validate cold"], 30.0, fmt="{:.1f}")
    for name in REPORTS:
        add(f"{name} warm", figures[f"{name} warm"], warm, fmt="{:.3f}")
        add(f"{name} 1 changed", figures[f"{name} 1 changed"], changed, fmt="{:.3f}")
    add("review (one case)", figures["review (one case)"], 1.0)
    for name in ("lpcli --version", "lpcli --help"):
        add(f"{name} vs import click", figures[name] / figures["python -c 'import click'"],
            2.0, "x")
    if "sync of one change" in figures:
        add("sync of one change", figures["sync of one change"], 1.0)
        add("init --clone", figures["init --clone"], 30.0, fmt="{:.1f}")
    add("peak memory, warm (process tree)", peak, 300, "MB", "{:.0f}")
    return out


def bytecode_note() -> str | None:
    """A warning when the lpcli being timed (this Python's) runs from source with no
    compiled bytecode: an editable install (``pip install -e``) under PYTHONDONTWRITEBYTECODE
    compiles every module on every run, a tenth of a second of each command that a user's
    install (``pip install .``, which compiles them once) never pays."""
    probe = ("import importlib.util, os, lpcli; "
             "print(os.path.exists(importlib.util.cache_from_source(lpcli.__file__)))")
    out = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True,
                         cwd=os.path.abspath(os.sep))  # not this checkout's lpcli/
    if out.stdout.strip() == "False":
        return ("note: lpcli runs from source with no bytecode (an editable install under "
                "PYTHONDONTWRITEBYTECODE?): its start-up includes compiling it; install it "
                "with 'pip install .' to time what users run")
    return None


def main():
    ap = argparse.ArgumentParser(description="lpcli performance benchmark")
    ap.add_argument("--cases", type=int, default=10000)
    ap.add_argument("--invalid", type=int, default=20, help="cases to break (default 20)")
    ap.add_argument("--runs", type=int, default=5, help="runs per figure (median)")
    ap.add_argument("--cold-runs", type=int, default=3, help="runs of cold validate")
    ap.add_argument("--cj-runs", type=int, default=1,
                    help="check-jsonschema runs (minutes each at 10,000 cases; 0: none; "
                         "never above 10,000 cases)")
    ap.add_argument("--sync", action="store_true",
                    help="also time lpcli sync and init --clone (a bare repository and two "
                         "more copies of the casebook beside it, deleted afterwards)")
    ap.add_argument("--dir", type=Path, help="where to build (and keep) the casebook "
                                             "(default: a temporary folder)")
    args = ap.parse_args()
    # What lpcli's own commands do: files git or lpcli writes here are the owner's only.
    os.umask(0o077)

    base = args.dir or Path(tempfile.mkdtemp(prefix="lpcli-bench-"))
    base.mkdir(parents=True, exist_ok=True)
    b = Bench(casebook(base, args.cases, args.invalid), args.runs)
    figures = {}
    time_reports(b, figures, args.cold_runs)
    time_review(b, figures)
    if args.sync:
        time_sync(b, figures)
    time_others(b, figures, args.cj_runs if args.cases <= 10000 else 0)
    found = targets(args.cases, figures, b.peak)

    print(f"\nlpcli benchmark: {args.cases} cases, median of {args.runs} runs "
          f"({os.cpu_count()} cores, Python {sys.version.split()[0]}; load average "
          f"{min(b.loads):.2f}-{max(b.loads):.2f}, median {statistics.median(b.loads):.2f})\n")
    print(f"{'command':34} {'seconds':>8}")
    for name, value in figures.items():
        print(f"{name:34} {value:8.3f}")
    print(f"peak memory: warm {b.peak} MB, cold {b.cold_peak} MB")
    note = bytecode_note()
    if note:
        print(note)
    print(f"\n{'target':38} {'measured':>10} {'target':>12}  result")
    for name, measured, target, ok in found:
        print(f"{name:38} {measured:>10} {target:>12}  {'PASS' if ok else 'FAIL'}")
    failed = [t for t in found if not t[3]]
    print(f"\n{len(found) - len(failed)} of {len(found)} targets met")
    if not args.dir:
        shutil.rmtree(base, ignore_errors=True)
    sys.exit(1 if failed else 0)


if __name__ == "__main__":
    main()
