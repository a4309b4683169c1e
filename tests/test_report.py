"""Issue 17: the service report agrees with a count made by hand from the case files."""

from __future__ import annotations

import datetime as dt
import json
import statistics

import pytest

from conftest import EXAMPLE
from lpcli.files.yamlio import load_strict

AS_OF = ["--as-of", "2026-11-20"]
PERIOD = ["--from", "2026-01-01", "--to", "2026-11-20"]


def d(text):
    return dt.date.fromisoformat(text)


def in_period(day) -> bool:
    return day is not None and d("2026-01-01") <= d(day) <= d("2026-11-20")


@pytest.fixture(scope="module")
def cases():
    return [load_strict(p.read_text()).data for p in sorted((EXAMPLE / "cases").glob("*.yaml"))]


def figures(book, *args) -> dict:
    result = book.run("report", *PERIOD, *AS_OF, "--format", "json", *args)
    assert result.exit_code == 0, result.output
    return {f["key"]: f for f in json.loads(result.stdout)["figures"]}


def test_counts_agree_with_the_case_files(book, cases):
    got = figures(book)
    assert got["opened"]["value"] == sum(in_period(c["opened"]) for c in cases)
    reasons = {}
    for c in cases:
        closures = [r["previous_closure"] for r in c.get("reopenings") or []]
        if c["status"] == "closed":
            closures.append(c["closure"])
        for closure in closures:
            if in_period(closure["date"]):
                reasons[closure["reason"]] = reasons.get(closure["reason"], 0) + 1
    assert got["closed"]["value"] == sum(reasons.values()) > 0
    assert got["closed"]["detail"]["by_reason"] == dict(sorted(reasons.items()))


def test_reviews_and_actions_on_time_agree_with_the_case_files(book, cases):
    got = figures(book)
    held = on_time = 0
    for c in cases:
        due = None
        plan = c.get("plan") or {}
        if plan.get("agreed"):
            due = plan.get("first_review") or (d(plan["agreed"]) + dt.timedelta(weeks=6)
                                               ).isoformat()
        for r in sorted(c.get("reviews") or [], key=lambda r: r["date"]):
            if in_period(r["date"]) and due:
                held += 1
                on_time += d(r["date"]) <= d(due)
            due = r.get("next_review")
    assert got["reviews_on_time"]["base"] == held > 0
    assert got["reviews_on_time"]["value"] == round(100 * on_time / held, 1)
    done = done_on_time = 0
    for c in cases:
        for a in (c.get("plan") or {}).get("actions") or []:
            when = [h["date"] for h in a.get("history") or [] if h["status"] == "done"]
            if a["status"] == "done" and when and in_period(when[-1]):
                done += 1
                done_on_time += d(when[-1]) <= d(a["due"])
    assert got["actions_on_time"]["base"] == done > 0
    assert got["actions_on_time"]["value"] == round(100 * done_on_time / done, 1)


def test_days_to_a_lead_professional_agree_with_the_case_files(book, cases):
    got = figures(book)
    waits = []
    for c in cases:
        assessed = [a["date"] for a in [c.get("assessment") or {},
                                        *(c.get("assessment_history") or [])] if a.get("date")]
        leads = [lp["since"] for lp in [c.get("lead_professional") or {},
                                        *(c.get("lead_professional_history") or [])]
                 if lp.get("since")]
        if assessed and leads and in_period(min(leads)):
            waits.append((d(min(leads)) - d(min(assessed))).days)
    assert got["days_to_lead"]["base"] == len(waits) > 0
    assert got["days_to_lead"]["value"] == statistics.median(waits)


def test_targets_mark_each_figure_and_publish_hides_small_counts(book):
    settings = book.root / "lpcli.yaml"
    settings.write_text(settings.read_text() + "report_targets:\n  reviews_on_time: 95\n"
                        "  days_to_lead: 10\n  families_satisfied: 50\n")
    book.commit_all()
    got = figures(book)
    assert got["families_satisfied"]["mark"] == "on target"
    assert got["reviews_on_time"]["target"] == 95
    assert got["days_to_lead"]["mark"] in ("close", "off target")
    published = figures(book, "--publish")
    small = [f for f in published.values() if f["suppressed"]]
    assert small and all(f["value"] is None for f in small)
    for f in published.values():
        for values in f["detail"].values():
            if isinstance(values, dict):
                assert all(v is None or v >= 5 for v in values.values())


def test_the_html_report_has_charts_and_no_child(book, tmp_path, cases):
    out = tmp_path / "report.html"
    assert book.run("report", *AS_OF, "--format", "html", "-o", str(out)).exit_code == 0
    html = out.read_text()
    assert html.count("<svg") >= 3 and "http" not in html.split("<body>", 1)[1].replace(
        "http://www.w3.org/2000/svg", "")
    for c in cases:
        for secret in (c["child"]["given_name"], c["child"]["family_name"],
                       c["child"].get("date_of_birth")):
            if secret:
                assert secret not in html
    text = book.run("report", *AS_OF).stdout
    assert "Service report 2026-10" in text


@pytest.mark.parametrize("fmt", ["text", "json", "csv"])
def test_output_file_is_written_in_every_format(book, tmp_path, fmt):
    """-o writes the report to the file, whatever the format; stdout stays empty."""
    shown = book.run("report", *PERIOD, *AS_OF, "--format", fmt)
    out = tmp_path / f"report.{fmt}"
    result = book.run("report", *PERIOD, *AS_OF, "--format", fmt, "-o", str(out))
    assert result.exit_code == 0, result.output
    assert result.stdout == "" and f"wrote {out}" in result.stderr
    assert out.read_text() == shown.stdout
    if fmt == "json":
        assert json.loads(out.read_text())["figures"]


def test_a_period_not_yet_over_is_refused(book):
    result = book.run("report", "--month", "2026-11", *AS_OF)
    assert result.exit_code == 2 and "not yet over" not in result.stdout
    assert book.run("report", "--month", "2026-13", *AS_OF).exit_code == 2
    assert book.run("report", "--from", "2026-01-01", *AS_OF).exit_code == 2


def test_the_charts_legends_name_what_they_show(book, tmp_path):
    """leather draws a legend for any chart of more than one series; left unnamed, every
    line chart said 'Unnamed series' twice. A percentage's scale ends at 100."""
    from lpcli.documents import charts

    months = ["2026-09", "2026-10", "2026-11"]
    plain = charts.line("Reviews held on time (%)", months, [None, 100.0, 100.0], percent=True)
    assert "Unnamed series" not in plain and "Each month" not in plain
    assert ">150<" not in plain and ">100<" in plain
    aimed = charts.line("Reviews held on time (%)", months, [80.0, None, 95.0], target=90,
                        percent=True)
    assert "Unnamed series" not in aimed
    assert "Each month" in aimed and "Target (dashed)" in aimed
    assert "No figure to draw" in charts.line("Open", months, [None, None, None])
    settings = book.root / "lpcli.yaml"
    settings.write_text(settings.read_text() + "report_targets:\n  reviews_on_time: 90\n")
    book.commit_all()
    out = tmp_path / "report.html"
    assert book.run("report", *AS_OF, "--format", "html", "-o", str(out)).exit_code == 0
    html = out.read_text()
    assert "Unnamed series" not in html and "Target (dashed)" in html


def test_a_new_casebook_has_a_report_with_charts(tmp_path, monkeypatch):
    """No case yet: every trend is empty, and leather refuses a series with no value (the
    HTML and PDF reports of a new casebook stopped with an internal error)."""
    from click.testing import CliRunner

    from lpcli.cli import cli

    monkeypatch.chdir(tmp_path)
    runner = CliRunner()
    assert runner.invoke(cli, ["init", "book", "--agency", "X"]).exit_code == 0
    out = tmp_path / "report.html"
    result = runner.invoke(cli, ["-C", "book", "report", "--month", "2026-10", "--as-of",
                                 "2026-11-20", "--format", "html", "-o", str(out)])
    assert result.exit_code == 0, result.output
    assert out.read_text().count("<svg") >= 3


def test_cases_closed_before_a_period_are_skipped_without_changing_a_figure(cases):
    """Each count skips cases closed for good before its period began (a casebook kept
    for years is mostly those): every figure of every month must be what counting all
    the cases gives."""
    from lpcli.check.history import history
    from lpcli.reports import service

    histories = [history(case) for case in cases]
    # Beside the example's, a case closed long ago, and one closed then reopened.
    histories.append(history({"id": "LP-00000-00001", "status": "closed",
                              "opened": dt.date(2019, 1, 7), "closure": {
                                  "date": dt.date(2019, 6, 3), "reason": "needs_met"}}))
    histories.append(history({"id": "LP-00000-00002", "status": "open",
                              "opened": dt.date(2019, 1, 7), "reopenings": [{
                                  "date": dt.date(2019, 9, 2), "previous_closure": {
                                      "date": dt.date(2019, 6, 3), "reason": "needs_met"}}]}))
    prepared = service._Histories(histories)
    skipped = 0
    for year in (2019, 2025, 2026):
        for number in range(1, 13):
            period = service.month(dt.date(year, number, 1))
            kept = prepared.for_period(period)
            skipped += len(histories) - len(kept)
            every, some = service.count(histories, period, {}), service.count(kept, period, {})
            for key, figure in every.items():
                assert (figure.value, figure.detail, figure.base) == \
                    (some[key].value, some[key].detail, some[key].base), (period.label, key)
    assert skipped > 0


@pytest.mark.parametrize("month", ["2026-10", "2027-06", "2028-03"])
def test_cases_quiet_before_the_first_month_are_not_read(book, cases, month, monkeypatch):
    """The report leaves unread the cases closed for good and quiet since before the first
    month it counts (history.QUIET; the cache's index and snapshot keep the day), and its
    every figure, trend and capacity row is what all the cases give."""
    from lpcli.casebook import store as storemod
    from lpcli.casebook.book import Casebook
    from lpcli.check.history import QUIET, history
    from lpcli.reports import service

    as_of = ["--as-of", "2028-06-01"]
    monkeypatch.setattr(storemod, "RACY_NS", 0)  # every stat trusted: snapshots written
    assert book.run("validate").exit_code in (0, 1)  # the cache, warm
    unpacked = []
    real = storemod.unpack

    def unpack(packed):  # counts the slim copies unpacked (not the cache's own records)
        value = real(packed)
        if isinstance(value, dict) and "history" in value:
            unpacked.append(1)
        return value

    monkeypatch.setattr(storemod, "unpack", unpack)
    for _ in range(2):  # from the index, then from the snapshot
        unpacked.clear()
        result = book.run("report", "--month", month, *as_of, "--format", "json")
        assert result.exit_code == 0, result.output
        got, read = json.loads(result.stdout), len(unpacked)
        cb = Casebook(book.root)
        period = service.month(d(f"{month}-01"))
        every = service.build(cb.cases(), cb.settings, cb.directory, period, d("2028-06-01"))
        assert got == json.loads(json.dumps(every.as_dict(), default=str))
        first = service.first_day(period).isoformat()
        quiet = [c for c in cases if (history(c)[QUIET] or "9999") < first]
        assert read == len(cases) - len(quiet)
    assert month != "2028-03" or quiet  # the later the month, the more cases are quiet


def _trend_by_counts(histories, period, settings, publish):
    """The twelve months' trend the long way, a whole count per month."""
    from lpcli.core import dates
    from lpcli.reports import service

    months = [service.month(dates.add_months(period.end.replace(day=1), -i))
              for i in range(11, -1, -1)]
    series = {key: [] for key in service.TREND_KEYS}
    for m in months:
        counted = service.count(histories.for_period(m), m, settings)
        for key in service.TREND_KEYS:
            f = counted[key]
            if publish:
                service.suppress(f)
            series[key].append(f.value)
    return {"months": [m.label for m in months], "series": series}


def test_the_trend_in_one_pass_is_a_count_per_month(cases, tmp_path):
    """``_trend`` counts each event in its month in one pass over the cases: every value of
    every month is what a whole count of that month gives, on the example and on a
    generated casebook, published or not."""
    import sys
    from pathlib import Path

    from lpcli.check.history import history
    from lpcli.reports import service

    sys.path.insert(0, str(Path(__file__).parent / "benchmarks"))
    from casegen import generate

    root = tmp_path / "gen"
    generate(root, 400, invalid=0, seed=11, git=False)
    generated = [load_strict(p.read_text()).data for p in sorted((root / "cases").glob("*.yaml"))]
    for group in (cases, generated):
        histories = service._Histories([history(c) for c in group])
        for settings in ({}, {"first_review_weeks": 4}):
            for end in ("2025-12-31", "2026-06-30", "2026-10-31", "2027-03-31"):
                period = service.month(d(end))
                for publish in (False, True):
                    assert service._trend(histories, period, settings, publish) == \
                        _trend_by_counts(histories, period, settings, publish), (end, publish)
