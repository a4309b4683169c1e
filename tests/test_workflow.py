"""The lead professional workflow on the example casebook (as on 2026-11-20)."""

from __future__ import annotations

import pytest

AWAITING = "LP-TX681-MBQS9"     # integrated response, no lead professional yet
SINGLE = "LP-KKYHQ-PXMNC"       # needs one agency can meet
STATUTORY = "LP-7VD05-B4V2C"    # child protection plan, sw-adeyemi leads
LED = "LP-4F7QK-9M2XA"          # ed-okafor leads; reviews on time
HANDED = "LP-RVKC0-XRF53"       # consent: not police, not Riverside Housing Options
UNRESOLVED = "LP-6D7NE-43ZY4"
NO_ASSESSMENT = "LP-YAPSH-JPS2T"

AGREED = ["--meeting-date", "2026-11-19", "--family-agreed", "--manager-agreed", "--present",
          "--rationale", "Family support is the main need"]


@pytest.fixture(autouse=True)
def example_day(monkeypatch):
    monkeypatch.setenv("LPCLI_TODAY", "2026-11-20")


def row(book, case_id, status="all"):
    return next(r for r in book.json("list", "--status", status) if r["id"] == case_id)


def refused(book, *args, rules=()):
    head, status = book.head(), book.status()
    result = book.run(*args)
    assert result.exit_code == 1, result.output
    for rule in rules:
        assert f"{rule}:" in result.output, (rule, result.output)
    assert book.head() == head and book.status() == status == ""
    return result.output


def test_nominate_team_member_with_agreements(book):
    head = book.head()
    result = book.run("nominate", AWAITING, "fs-ahmed", *AGREED, "--criterion", "capacity")
    assert result.exit_code == 0, result.output
    assert book.git("rev-list", "--count", f"{head}..HEAD").strip() == "1"
    assert book.git("log", "-1", "--format=%s").strip() == \
        f"{AWAITING}: lead professional fs-ahmed nominated"
    assert row(book, AWAITING)["lead_professional"] == "fs-ahmed"
    data = book.json("show", AWAITING)
    assert data["lead_professional"]["meeting"] == data["meetings"][-1]["id"]
    assert data["lead_professional"]["agreement"] == "present"
    assert "criteria: [capacity]" in book.case(AWAITING).read_text()
    assert book.run("validate").exit_code == 0


def test_nominate_outside_team_without_agreements_reports_every_rule(book):
    out = refused(book, "nominate", AWAITING, "hv-jones", "--meeting-date", "2026-11-19",
                  "--rationale", "x",
                  rules=["lead-not-in-team", "family-agreement", "manager-agreement", "presence"])
    assert "Amelia" not in out


def test_nominate_when_one_agency_meets_needs(book):
    out = refused(book, "nominate", SINGLE, "hv-jones", *AGREED, rules=["no-lead-needed"])
    assert "one practitioner or agency" in out


def test_nominate_anyone_but_named_social_worker(book):
    out = refused(book, "nominate", STATUTORY, "fs-ahmed", *AGREED,
                  rules=["statutory-lead", "lead-in-place"])
    assert "sw-adeyemi" in out and "lpcli handover" in out


def test_nominate_needs_assessment_before_meeting(book):
    refused(book, "nominate", NO_ASSESSMENT, "hv-jones", *AGREED, rules=["assessment-missing"])
    refused(book, "nominate", AWAITING, "fs-ahmed", *AGREED[:1], "2026-11-10", *AGREED[2:],
            rules=["meeting-before-assessment"])


def test_unresolved_nomination_then_resolved(book):
    result = book.run("nominate", AWAITING, "--unresolved", "--meeting-date", "2026-11-19",
                      "--escalated-to", "Service manager", "--reason", "No one best placed")
    assert result.exit_code == 0, result.output
    assert row(book, AWAITING)["nomination_unresolved"] is True
    assert book.run("nominate", AWAITING, "fs-ahmed", *AGREED).exit_code == 0
    r = row(book, AWAITING)
    assert r["nomination_unresolved"] is False and r["lead_professional"] == "fs-ahmed"
    assert "unresolved_nomination" not in book.json("show", AWAITING)


def test_suggest_ranks_over_capacity_below_otherwise_equal(book):
    # Make ed-marsh and fs-ahmed otherwise equal on AWAITING: same agency type, same start,
    # both trained, no family preference. ed-marsh already leads 2 of 2 open cases.
    pr = book.root / "practitioners.yaml"
    text = pr.read_text().replace("  - id: ed-marsh\n    name: Tom Marsh\n    agency: Brookside "
                                  "Primary School\n    agency_type: education",
                                  "  - id: ed-marsh\n    name: Tom Marsh\n    agency: Brookside "
                                  "Primary School\n    agency_type: family_support")
    pr.write_text(text)
    case = book.case(AWAITING)
    case.write_text(case.read_text().replace("  preferred_lead: ed-marsh\n", ""))
    book.commit_all()
    data = book.json("show", AWAITING)
    since = {m["practitioner"]: m["since"] for m in data["team"]}
    case.write_text(case.read_text().replace(f"since: {since['ed-marsh']}",
                                             f"since: {since['fs-ahmed']}"))
    book.commit_all()
    head = book.head()
    ranked = book.json("nominate", AWAITING, "--suggest")
    order = [c["practitioner"] for c in ranked]
    assert order.index("fs-ahmed") < order.index("ed-marsh")
    marsh = next(c for c in ranked if c["practitioner"] == "ed-marsh")
    assert any(r["criterion"] == "capacity" and r["points"] < 0 and "2 of 2" in r["text"]
               for r in marsh["reasons"])
    text_out = book.run("nominate", AWAITING, "--suggest").output
    assert "at capacity: already leads 2 of 2 open cases" in text_out
    assert book.head() == head and book.status() == ""


def test_suggest_statutory_case_puts_named_worker_first(book):
    ranked = book.json("nominate", STATUTORY, "--suggest")
    assert ranked[0]["practitioner"] == "sw-adeyemi" and ranked[0]["eligible"]
    assert all(not c["eligible"] for c in ranked[1:])


def test_review_moves_next_review_due(book):
    before = row(book, LED)["next_review_due"]
    result = book.run("review", LED, "--date", "2026-11-20", "--progress", "Reading improving",
                      "--family-view", "Pleased", "--outcome-progress", "O1=good_progress",
                      "--next-review", "2027-01-08")
    assert result.exit_code == 0, result.output
    assert before == "2026-12-16" and row(book, LED)["next_review_due"] == "2027-01-08"
    last = book.json("show", LED)["reviews"][-1]
    assert last["progress"] == "Reading improving" and last["family_view"] == "Pleased"
    assert book.git("log", "-1", "--format=%s").strip() == \
        f"{LED}: review recorded, next review 2027-01-08"


def test_review_records_the_next_meetings_time(book):
    result = book.run("review", LED, "--date", "2026-11-20", "--progress", "Better",
                      "--next-review", "2027-01-08", "--next-review-time", "9:30",
                      "--next-review-venue", "Family room")
    assert result.exit_code == 0, result.output
    last = book.json("show", LED)["reviews"][-1]
    assert last["next_review_time"] == "09:30" and last["next_review_venue"] == "Family room"
    assert "next_review_time: 09:30" in book.case(LED).read_text()
    assert book.run("validate").exit_code == 0
    bad = book.run("review", LED, "--next-review-time", "9.30pm", "--progress", "x")
    assert bad.exit_code == 2 and "HH:MM" in bad.output


def test_a_review_time_without_its_date_is_invalid(book):
    case = book.case(LED)
    case.write_text(case.read_text().replace("    next_review: 2026-12-16\n", "", 1))
    result = book.run("validate", str(case))
    assert result.exit_code == 1
    assert "a time for the next review needs its date" in result.output
    case.write_text(book.case(LED).read_text().replace("next_review_time: '15:30'",
                                                       "next_review_time: '25:30'"))
    assert "must be a time of day written HH:MM" in book.run("validate", str(case)).output


def test_review_default_interval_and_from_file(book, tmp_path):
    prepared = tmp_path / "review.yaml"
    prepared.write_text("progress: From the file\nfamily_view: Mixed\n"
                        "attendees: [ed-okafor, mum]\n")
    result = book.run("review", LED, "--from-file", str(prepared), "--family-view", "Better")
    assert result.exit_code == 0, result.output
    last = book.json("show", LED)["reviews"][-1]
    assert last["date"] == "2026-11-20" and last["next_review"] == "2027-01-01"  # + 6 weeks
    assert last["progress"] == "From the file" and last["family_view"] == "Better"
    assert last["attendees"] == ["ed-okafor", "mum"]


@pytest.mark.parametrize("args, rule", [
    (["--date", "2026-11-21"], "date-in-future"),
    (["--date", "2026-01-01"], "date-before-opened"),
    (["--date", "2026-11-01"], "date-order"),          # before the last review (2026-11-04)
    (["--next-review", "2027-06-01"], "review-interval"),
])
def test_review_date_rules(book, args, rule):
    refused(book, "review", LED, "--no-input", *args, rules=[rule])


def test_actions_add_and_update_keep_history(book):
    result = book.run("action", "add", LED, "--owner", "salt-evans", "--due", "2027-01-15",
                      "--outcome", "O1", "Review speech targets")
    assert result.exit_code == 0, result.output
    action = book.json("show", LED)["plan"]["actions"][-1]
    assert action == {"id": "A5", "outcome": "O1", "owner": "salt-evans",
                      "text": "Review speech targets", "due": "2027-01-15", "status": "open"}
    assert book.run("action", "update", LED, "A5", "--status", "in_progress").exit_code == 0
    assert book.run("action", "update", LED, "A5", "--status", "done", "--note",
                    "Targets met").exit_code == 0
    action = book.json("show", LED)["plan"]["actions"][-1]
    assert action["status"] == "done"
    assert [h["status"] for h in action["history"]] == ["in_progress", "done"]
    assert action["history"][-1]["note"] == "Targets met"
    refused(book, "action", "add", LED, "--owner", "nobody", "--due", "2027-01-15", "X",
            rules=["unknown-action-owner"])
    refused(book, "action", "update", LED, "A5", "--status", "done", rules=["no-change"])
    assert book.run("action", "add", LED, "--owner", "child", "--due", "2027-01-15",
                    "Keep a feelings diary").exit_code == 0


def test_first_action_starts_the_plan(book):
    case = "LP-KKYHQ-PXMNC"
    assert book.run("outcome", "add", case, "Sleeps through the night").exit_code == 0
    assert book.run("action", "add", case, "--owner", "hv-jones", "--due", "2026-12-20",
                    "--outcome", "O1", "Sleep routine visits").exit_code == 0
    plan = book.json("show", case)["plan"]
    assert plan["agreed"] == "2026-11-20" and plan["outcomes"][0]["id"] == "O1"
    assert row(book, case)["next_review_due"] == "2027-01-01"
    assert book.run("validate").exit_code == 0


def test_handover_changes_lead_and_keeps_history(book):
    result = book.run("handover", LED, "salt-evans", "--reason", "Speech is now the main need",
                      "--family-informed", "--family-agreed", "--manager-agreed",
                      "--agreed-beforehand", "--date", "2026-11-18")
    assert result.exit_code == 0, result.output
    data = book.json("show", LED)
    assert data["lead_professional"]["practitioner"] == "salt-evans"
    old = data["lead_professional_history"][-1]
    assert old["practitioner"] == "ed-okafor" and old["until"] == "2026-11-18"
    assert old["ended"] == "handover" and old["handover"] == data["handovers"][-1]["id"]
    assert data["handovers"][-1]["outstanding_actions"] == ["A3", "A4"]
    assert row(book, LED)["lead_professional"] == "salt-evans"
    assert book.run("validate").exit_code == 0


def test_handover_refused_where_consent_forbids_the_agency(book):
    # Bring a housing officer into the team: only consent stands in the way.
    case = book.case(HANDED)
    text = case.read_text()
    marker = "  - practitioner: ed-quinn\n"
    case.write_text(text.replace(marker, "  - practitioner: ho-brennan\n    since: 2026-10-01\n"
                                 + marker, 1))
    book.commit_all()
    out = refused(book, "handover", HANDED, "ho-brennan", "--reason", "Housing now leads",
                  "--family-informed", "--family-agreed", "--manager-agreed", "--present",
                  rules=["consent"])
    assert "may not receive information" in out


def test_handover_needs_family_informed_and_a_current_lead(book):
    refused(book, "handover", LED, "salt-evans", "--reason", "x", "--family-agreed",
            "--manager-agreed", "--present", rules=["family-informed"])
    refused(book, "handover", AWAITING, "fs-ahmed", "--reason", "x", "--family-informed",
            "--family-agreed", "--manager-agreed", "--present", rules=["no-lead"])


def test_close_refuses_review_and_reopen(book):
    result = book.run("close", LED, "--reason", "needs_met", "--exit-strategy",
                      "School continues reading support", "--settle", "all=done")
    assert result.exit_code == 0, result.output
    data = book.json("show", LED)
    assert data["status"] == "closed" and "lead_professional" not in data
    assert data["lead_professional_history"][-1]["ended"] == "case_closed"
    assert LED not in [r["id"] for r in book.json("list")]
    refused(book, "review", LED, "--no-input", "--progress", "x", rules=["case-closed"])
    refused(book, "action", "add", LED, "--owner", "mum", "--due", "2027-01-01", "x",
            rules=["case-closed"])
    assert book.run("reopen", LED, "--reason", "New concerns").exit_code == 0
    data = book.json("show", LED)
    assert data["status"] == "open" and "closure" not in data
    assert data["reopenings"][-1]["previous_closure"]["reason"] == "needs_met"
    assert book.run("validate").exit_code == 0


def test_workflow_commits_carry_no_personal_data(book):
    book.run("nominate", AWAITING, "fs-ahmed", *AGREED)
    book.run("review", LED, "--progress", "Amelia reads well", "--no-input")
    book.run("close", LED, "--reason", "needs_met", "--exit-strategy", "Amelia is fine",
             "--settle", "all=done")
    log = book.git("log", "--format=%s%n%b")
    child = book.json("show", AWAITING)["child"]
    for secret in ("Amelia", "Hart", child["given_name"], child["family_name"]):
        assert secret not in log
