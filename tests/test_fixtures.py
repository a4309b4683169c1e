"""Every fixture case file gets exactly the verdict written in its '# expect:' line."""

from __future__ import annotations

import json
import re
import shutil

import pytest

from conftest import FIXTURES, MODEL_CASE

INVALID = sorted((FIXTURES / "cases" / "invalid").glob("*.yaml"))
VALID = sorted((FIXTURES / "cases" / "valid").glob("*.yaml"))


def expected(path):
    line = next(ln for ln in path.read_text(encoding="utf-8", errors="replace").splitlines()
                if ln.startswith("# expect:"))
    items = [x.strip() for x in line[len("# expect:"):].split(";") if x.strip()]
    return [tuple(re.match(r"(\d+):(\d+) (\w+) ([\w-]+)", x).groups()) for x in items]


@pytest.mark.parametrize("fixture", INVALID, ids=lambda p: p.stem)
def test_invalid_fixture_reports_expected_problems(bare_book, fixture):
    shutil.copyfile(fixture, bare_book.case(MODEL_CASE))
    text = bare_book.run("validate")
    assert text.exit_code == 1
    got = bare_book.run("validate", "--format", "json")
    assert got.exit_code == 1
    diags = json.loads(got.output)
    seen = [(str(d["line"]), str(d["column"]), d["severity"], d["rule"]) for d in diags]
    assert seen == expected(fixture)
    for d in diags:
        assert d["file"] == f"cases/{MODEL_CASE}.yaml"
        # The same problem, in the text report's FILE:LINE:COL: SEVERITY: PATH: message form.
        assert (f"{d['file']}:{d['line']}:{d['column']}: {d['severity']}: {d['path']}: "
                f"{d['message']}") in text.output


@pytest.mark.parametrize("fixture", VALID, ids=lambda p: p.stem)
def test_valid_fixture_passes(bare_book, fixture):
    shutil.copyfile(fixture, bare_book.case(MODEL_CASE))
    result = bare_book.run("validate")
    assert result.exit_code == 0, result.output
    assert result.output.strip().endswith("no problems")


def test_messages_never_quote_personal_values(bare_book):
    """Names, dates of birth, phone numbers and notes never appear in validate output."""
    personal = ["Amelia", "Hart", "Millie", "2018-02-14", "07700", "7700900123", "Canal Row",
                "mould", "Sarah"]
    for fixture in INVALID:
        shutil.copyfile(fixture, bare_book.case(MODEL_CASE))
        for fmt in ("text", "json"):
            out = bare_book.run("validate", "--format", fmt).output
            for word in personal:
                assert word not in out, (fixture.name, word)
