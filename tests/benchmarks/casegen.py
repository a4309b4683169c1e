"""Generate a realistic casebook of N cases for benchmarks and differential tests.

Each case is one of the example casebook's cases with a new random ID, a new child (names
from lists), every date moved by the same random number of days (so the record stays
coherent), and some free text varied, so sizes and content differ. All are valid against the
schema and rules; ``invalid`` of them are then broken in the ways people break files (an
unknown practitioner, an impossible date, a duplicate key, a tab, an alias).

A casebook grows like a service: about ``PER_YEAR`` cases are opened a year, and closed ones
are kept for years (README, Retention). So up to ``PER_YEAR`` cases are opened within the
last year, as the example's are (about three in four still open); a bigger casebook spreads
its cases over as many years as it takes, and a case opened more than a year ago is one of
the example's closed cases. 100,000 cases are ten years of a large service: about 7,600 open.

    python tests/benchmarks/casegen.py DIR --cases 10000 [--invalid 50] [--seed 1]
"""

from __future__ import annotations

import argparse
import datetime as dt
import random
import re
import shutil
import subprocess
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(REPO))

from lpcli.files import roundtrip, yamlio
from lpcli.core.caseid import ALPHABET  # noqa: E402

EXAMPLE = REPO / "casebook-example"
GIVEN = ["Aisha", "Ben", "Chloe", "Dylan", "Ella", "Finley", "Grace", "Harry", "Isla", "Jack",
         "Kiera", "Leo", "Maya", "Noah", "Olivia", "Oscar", "Poppy", "Reuben", "Sofia", "Theo",
         "Uma", "Vinnie", "Willow", "Yusuf", "Zara", "Amir", "Bethany", "Callum", "Daisy",
         "Ethan", "Freya", "George", "Hannah", "Ibrahim", "Jasmine", "Kacper", "Lily", "Mason"]
FAMILY = ["Ahmed", "Baker", "Clarke", "Davies", "Evans", "Fletcher", "Green", "Hughes", "Iqbal",
          "Jones", "Khan", "Lewis", "Morgan", "Nowak", "O'Brien", "Patel", "Quinn", "Roberts",
          "Smith", "Taylor", "Usman", "Vaughan", "Walker", "Young", "Zielinski", "Begum",
          "Campbell", "Doherty", "Edwards", "Francis", "Griffiths", "Hall", "Islam", "Kowalski"]
PHRASES = ["Doing better at school this term.", "Family says mornings are easier now.",
           "Needs more support with friendships.", "Attendance improving since half term.",
           "Sleep still difficult; health visitor to follow up.", "Enjoys football club.",
           "Mum has started the parenting course.", "Worried about the move to secondary.",
           "Speech therapy sessions going well.", "Housing repair still outstanding."]
DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")
AS_OF = dt.date(2026, 11, 20)


def _new_id(rng, taken):
    while True:
        c = "".join(rng.choice(ALPHABET) for _ in range(10))
        cid = f"LP-{c[:5]}-{c[5:]}"
        if cid not in taken:
            taken.add(cid)
            return cid


DATE_TEXT = re.compile(r"\b(\d{4})-(\d{2})-(\d{2})\b")
VARIED = re.compile(r"^(\s*(?:- )?(?:progress|family_view|needs|strengths|rationale): )(.*)$",
                    re.M)


def templates():
    """The example's cases in lpcli's canonical style, ready for textual variation."""
    out = []
    for path in sorted((EXAMPLE / "cases").glob("*.yaml")):
        loaded = yamlio.load_strict(path.read_text(encoding="utf-8"))
        assert not loaded.problems, path
        data = _dates(loaded.data)
        data["child"] = {k: v for k, v in data["child"].items() if k != "known_as"}
        out.append((loaded.data["id"], roundtrip.dump_new(data)))
    return out


def _dates(value):
    if isinstance(value, dict):
        return {k: _dates(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_dates(v) for v in value]
    if isinstance(value, str) and DATE.match(value):
        return dt.date.fromisoformat(value)
    return value


PER_YEAR = 10000   # cases a large early-help service opens in a year


def case_text(template, case_id, rng, days):
    """A new case from a template: new ID and child, dates moved ``days`` (every date moves
    together: still coherent), some text varied."""
    old_id, text = template

    def shift(m):
        d = dt.date(int(m.group(1)), int(m.group(2)), int(m.group(3))) + dt.timedelta(days=days)
        return d.isoformat()

    text = DATE_TEXT.sub(shift, text).replace(old_id, case_id)
    text = re.sub(r"^  given_name: .*$", f"  given_name: {rng.choice(GIVEN)}", text, 1, re.M)
    text = re.sub(r"^  family_name: .*$", f"  family_name: {rng.choice(FAMILY)}", text, 1, re.M)
    return VARIED.sub(lambda m: m.group(0) if rng.random() < 0.5 or m.group(2)[:1] in "'\"|>"
                      else f"{m.group(1)}{rng.choice(PHRASES)} {m.group(2)}", text)


BREAKAGES = [
    ("unknown practitioner", lambda t: t.replace("practitioner: ", "practitioner: nobody-", 1)),
    ("impossible date", lambda t: re.sub(r"opened: \d{4}-\d{2}-\d{2}", "opened: 2026-02-30", t, 1)),
    ("duplicate key", lambda t: t.replace("status: ", "status: open\nstatus: ", 1)),
    ("tab", lambda t: t.replace("\n  ", "\n\t", 1)),
    ("alias", lambda t: t.replace("\nchild:\n", "\nchild: &c\n", 1) + "other: *c\n"),
]


def generate(root: Path, n: int, invalid: int = 0, seed: int = 1, git: bool = True) -> list[str]:
    """Create a casebook at ``root`` with ``n`` cases; returns their IDs."""
    rng = random.Random(seed)
    root.mkdir(parents=True)
    for name in ("lpcli.yaml", "practitioners.yaml"):
        shutil.copy(EXAMPLE / name, root / name)
    (root / "cases").mkdir()
    base = templates()
    closed = [t for t in base if "\nstatus: closed\n" in t[1]]
    span = 365 * -(-n // PER_YEAR)  # days back the cases were opened over: whole years
    taken: set[str] = set()
    ids = []
    for i in range(n):
        cid = _new_id(rng, taken)
        days = -rng.randint(0, span)   # never later than the example's dates
        template = base[i % len(base)] if days >= -365 else closed[i % len(closed)]
        text = case_text(template, cid, rng, days)
        if i < invalid:
            text = BREAKAGES[i % len(BREAKAGES)][1](text)
        (root / "cases" / f"{cid}.yaml").write_text(text, encoding="utf-8")
        ids.append(cid)
    if git:
        run = lambda *a: subprocess.run(["git", *a], cwd=root, check=True,  # noqa: E731
                                        capture_output=True)
        run("init", "-q")
        run("add", "-A")
        run("-c", "user.name=bench", "-c", "user.email=bench@example.org", "commit", "-qm",
            "generated casebook")
    return ids


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("dir", type=Path)
    ap.add_argument("--cases", type=int, default=1000)
    ap.add_argument("--invalid", type=int, default=0)
    ap.add_argument("--seed", type=int, default=1)
    args = ap.parse_args()
    generate(args.dir, args.cases, args.invalid, args.seed)
    print(f"{args.cases} cases in {args.dir}")


if __name__ == "__main__":
    main()
