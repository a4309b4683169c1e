"""Issue 17: supervision of lead professionals, recorded by command and shown as due."""

from __future__ import annotations

import json

from conftest import MODEL_CASE

TODAY = {"LPCLI_TODAY": "2026-11-20"}


def rows(book, *args):
    result = book.run("supervision", "list", "--format", "json", *args, env=TODAY)
    assert result.exit_code == 0, result.output
    return {r["practitioner"]: r for r in json.loads(result.stdout)}


def test_supervision_is_recorded_and_moves_the_due_date(book):
    before = rows(book)
    assert before["ed-okafor"] == {"practitioner": "ed-okafor", "leads": 1,
                                   "last": "2026-11-02", "due": "2026-12-14", "overdue": False}
    late = rows(book, "--as-of", "2026-12-15")["ed-okafor"]
    assert late["overdue"] is True
    items = book.json("overdue", "--as-of", "2026-12-15", "--kind", "supervision")
    assert ("ed-okafor", "2026-12-14") in {(i["item"], i["due"]) for i in items}
    assert all(i["case"] is None and i["kind"] == "supervision" for i in items)
    head = book.head()
    result = book.run("supervision", "add", "ed-okafor", "--supervisor", "Jo Patel",
                      "--cases", MODEL_CASE, "--date", "2026-11-18", env=TODAY)
    assert result.exit_code == 0, result.output
    assert book.git("log", "-1", "--format=%s").strip() == \
        "practitioners.yaml: ed-okafor supervision recorded"
    assert book.git("show", "--stat", "--format=", "HEAD").split()[0] == "practitioners.yaml"
    assert book.head() != head and not book.status()
    after = rows(book)["ed-okafor"]
    assert after["last"] == "2026-11-18" and after["due"] == "2026-12-30"
    assert not after["overdue"]
    assert "supervisions:" in (book.root / "practitioners.yaml").read_text()
    assert book.run("validate").exit_code == 0


def test_supervision_refusals(book):
    head = book.head()
    for args, rule in ((["--supervisor", "ed-okafor"], "supervisor"),
                       (["--supervisor", "Jo", "--cases", "Amelia Hart"], "case-id"),
                       (["--supervisor", "Jo", "--cases", "LP-AAAAA-AAAAA"], "unknown-case"),
                       (["--supervisor", "Jo", "--date", "2026-12-01"], "date-in-future")):
        result = book.run("supervision", "add", "ed-okafor", *args, env=TODAY)
        assert result.exit_code == 1, (args, result.output)
        assert f"- {rule}:" in result.stderr
        assert "Amelia" not in result.output
    assert book.run("supervision", "add", "nobody-here", "--supervisor", "Jo").exit_code == 1
    assert book.head() == head


def test_the_report_counts_supervision_on_time(book):
    def share():
        result = book.run("report", "--as-of", "2026-11-20", "--format", "json")
        figures = {f["key"]: f for f in json.loads(result.stdout)["figures"]}
        return figures["supervision_on_time"]

    before = share()
    for pid in ("ed-okafor", "ed-marsh"):
        assert book.run("supervision", "add", pid, "--supervisor", "Jo Patel", "--date",
                        "2026-10-30", env=TODAY).exit_code == 0
    after = share()
    assert after["base"] == before["base"] > 0
    assert after["value"] > before["value"]
