"""Issue 14: safe when it matters. A child at risk after the family withdrew consent can be
stepped up, with the exception recorded; withdrawn consent stops new sharing and waits for
a decision; closing settles unfinished work; statutory leads are named, not chosen."""

from __future__ import annotations

import json

import pytest

from conftest import MODEL_CASE, Book

LED = MODEL_CASE          # open, ed-okafor leads; consent refuses the police
AWAITING = "LP-TX681-MBQS9"
TODAY = {"LPCLI_TODAY": "2026-11-20"}
EXCEPTION = ["--without-consent", "--safeguarding-ground", "significant_harm",
             "--safeguarding-reason", "Bruising seen at school", "--authorised-by",
             "Jo Patel, service manager"]


def ok(result):
    assert result.exit_code == 0, result.output
    return result


def refused(result, *rules):
    assert result.exit_code == 1, result.output
    for rule in rules:
        assert f"- {rule}:" in result.stderr, (rule, result.stderr)
    return result


def case(book, case_id=LED) -> dict:
    return book.json("show", case_id)


@pytest.fixture
def withdrawn(book) -> Book:
    """LED with a social worker in the team and the family's consent withdrawn."""
    ok(book.run("team", "add", LED, "sw-adeyemi", "--role", "social worker", env=TODAY))
    ok(book.run("consent", "withdraw", LED, "--by", "mum", "--date", "2026-11-19", env=TODAY))
    return book


def test_a_child_at_risk_after_consent_was_withdrawn_can_be_stepped_up(withdrawn):
    book = withdrawn
    step_up = ["handover", LED, "sw-adeyemi", "--transition", "step_up", "--reason",
               "Section 47 enquiry", "--statutory-status", "child_protection_plan",
               "--family-informed"]
    result = refused(book.run(*step_up, env=TODAY), "consent")
    assert "--without-consent" in result.stderr and "significant harm" in result.stderr
    refused(book.run(*step_up, *EXCEPTION[:3], env=TODAY), "safeguarding-reason",
            "safeguarding-authorised", "safeguarding-family")
    head = book.head()
    ok(book.run(*step_up, *EXCEPTION, "--family-told", env=TODAY))
    assert book.head() != head and not book.status()
    data = case(book)
    record = data["handovers"][-1]
    assert record["safeguarding"] == {"ground": "significant_harm",
                                      "reason": "Bruising seen at school",
                                      "authorised_by": "Jo Patel, service manager",
                                      "family_told": True}
    assert data["statutory"] == {"status": "child_protection_plan", "since": "2026-11-20",
                                 "practitioner": "sw-adeyemi"}
    assert data["lead_professional"]["agreement"] == "statutory"
    assert [e["event"] for e in data["events"][-2:]] == ["shared_without_consent",
                                                        "handed_over"]
    assert book.git("log", "-1", "--format=%s").strip() == (
        f"{LED}: handed over from ed-okafor to sw-adeyemi without consent "
        "(safeguarding exception)")
    history = book.run("history", LED).stdout
    assert "without consent (safeguarding exception)" in history
    diags = json.loads(book.run("validate", "--format", "json").stdout)
    mine = {d["rule"] for d in diags if d["file"] == f"cases/{LED}.yaml"}
    assert "shared-without-consent" in mine and "consent-withdrawn" not in mine  # stepped up
    assert not [d for d in diags if d["severity"] == "error"]
    document = ok(book.run("render", "handover", LED, "--format", "md", env=TODAY)).stdout
    assert "Shared without the family's consent" in document
    assert "a child at risk of significant harm" in document
    assert "Jo Patel, service manager" in document


def test_the_family_not_told_needs_the_reason(withdrawn):
    book = withdrawn
    args = ["handover", LED, "sw-adeyemi", "--transition", "step_up", "--reason", "Risk",
            "--statutory-status", "child_protection_plan", *EXCEPTION]
    refused(book.run(*args, env=TODAY), "safeguarding-family")
    ok(book.run(*args, "--family-not-told", "Telling them would put the child at risk",
                env=TODAY))
    record = case(book)["handovers"][-1]
    assert record["family_informed"] is False
    assert record["safeguarding"]["family_told"] is False
    assert record["safeguarding"]["not_told_because"].startswith("Telling them")


def test_a_social_worker_new_to_the_child_joins_the_team_with_the_step_up(book):
    """The usual order: the family withdraws consent, then a risk appears and social care is
    brought in. 'team add' is refused once consent is withdrawn, so the handover recording the
    exception must not ask for it first (each refusal pointed at the other)."""
    ok(book.run("consent", "withdraw", LED, "--by", "mum", "--date", "2026-11-19", env=TODAY))
    refused(book.run("team", "add", LED, "sw-adeyemi", env=TODAY), "consent-withdrawn")
    step_up = ["handover", LED, "sw-adeyemi", "--transition", "step_up", "--reason",
               "Section 47 enquiry", "--statutory-status", "child_protection_plan",
               "--family-informed"]
    result = refused(book.run(*step_up, env=TODAY), "consent")
    assert "lead-not-in-team" not in result.stderr and "team add" not in result.stderr
    ok(book.run(*step_up, *EXCEPTION, "--family-told", env=TODAY))
    assert not book.status()
    data = case(book)
    assert {"practitioner": "sw-adeyemi", "since": "2026-11-20"} in data["team"]
    assert [e["event"] for e in data["events"][-3:]] == ["team_joined",
                                                        "shared_without_consent",
                                                        "handed_over"]
    assert not [d for d in json.loads(book.run("validate", "--format", "json").stdout)
                if d["severity"] == "error"]


def test_without_consent_withdrawn_the_new_lead_still_comes_from_the_team(book):
    refused(book.run("handover", LED, "sw-adeyemi", "--reason", "x", "--family-informed",
                     "--family-agreed", "--manager-agreed", "--present", env=TODAY),
            "lead-not-in-team")


def test_an_exception_is_refused_where_consent_allows(book):
    ok(book.run("team", "add", LED, "fs-ahmed", env=TODAY))
    refused(book.run("handover", LED, "fs-ahmed", "--reason", "x", "--family-informed",
                     "--family-agreed", "--manager-agreed", "--present", *EXCEPTION,
                     "--family-told", env=TODAY), "safeguarding-not-needed")
    assert book.run("handover", LED, "fs-ahmed", "--reason", "x", "--authorised-by", "M"
                    ).exit_code == 2   # exception options without --without-consent


@pytest.mark.parametrize("args", [
    ["team", "add", LED, "fs-ahmed"],
    ["action", "add", LED, "Share the growth chart with school", "--owner", "salt-evans",
     "--due", "2026-12-30"],
    ["review", LED, "--no-input", "--attendee", "salt-evans", "--progress", "x"],
    ["review", LED, "--no-input", "--practitioner-views", "x", "--progress", "x"],
    ["meeting", LED, "--kind", "review", "--attendee", "salt-evans"],
])
def test_withdrawn_consent_stops_new_sharing(withdrawn, args):
    head = withdrawn.head()
    result = refused(withdrawn.run(*args, env=TODAY), "consent-withdrawn")
    assert f"lpcli close {LED} --reason consent_withdrawn" in result.stderr
    assert "--without-consent" in result.stderr
    assert withdrawn.head() == head


def test_withdrawn_consent_still_allows_work_with_the_family(withdrawn):
    ok(withdrawn.run("action", "add", LED, "Keep the reading log", "--owner", "mum", "--due",
                     "2026-12-30", env=TODAY))
    ok(withdrawn.run("action", "add", LED, "Call the family", "--owner", "ed-okafor", "--due",
                     "2026-12-30", env=TODAY))
    diags = json.loads(withdrawn.run("validate", "--format", "json").stdout)
    assert any(d["rule"] == "consent-withdrawn" for d in diags)


def test_withdrawn_consent_ends_with_closure(withdrawn):
    ok(withdrawn.run("close", LED, "--reason", "consent_withdrawn", "--exit-strategy",
                     "School support continues", "--settle", "all=dropped", env=TODAY))
    diags = json.loads(withdrawn.run("validate", "--format", "json").stdout)
    assert not any(d["rule"] == "consent-withdrawn" for d in diags)


# -- closing with work open ---------------------------------------------------------------------

def test_closing_settles_every_open_action(book):
    head = book.head()
    result = refused(book.run("close", LED, "--reason", "needs_met", "--exit-strategy", "x",
                              env=TODAY), "open-actions")
    assert "A3, A4 still to do" in result.stderr
    refused(book.run("close", LED, "--reason", "needs_met", "--exit-strategy", "x",
                     "--settle", "A3=done", "--settle", "A9=done", env=TODAY),
            "unknown-action", "open-actions")
    assert book.run("close", LED, "--reason", "needs_met", "--exit-strategy", "x",
                    "--settle", "A4=continues").exit_code == 2   # which service?
    assert book.head() == head
    result = ok(book.run("close", LED, "--reason", "needs_met", "--exit-strategy", "x",
                         "--settle", "A3=done", "--settle",
                         "A4=continues:Brookside Primary School", "--date", "2026-12-20",
                         env={"LPCLI_TODAY": "2026-12-20"}))
    assert "the review due 2026-12-16 was not held (4 days overdue at closure)" in result.stderr
    actions = {a["id"]: a for a in case(book)["plan"]["actions"]}
    assert actions["A3"]["status"] == "done"
    assert actions["A4"]["status"] == "continues"
    assert actions["A4"]["continues_with"] == "Brookside Primary School"
    assert actions["A4"]["history"][-1] == {"date": "2026-12-20", "status": "continues",
                                            "note": "settled when the case closed"}
    assert book.run("validate").exit_code == 0


def test_a_casebook_can_ask_for_a_managers_sign_off(book):
    settings = book.root / "lpcli.yaml"
    settings.write_text(settings.read_text() + "closure_sign_off: true\n")
    book.commit_all()
    args = ["close", AWAITING, "--reason", "other", "--exit-strategy", "x"]
    refused(book.run(*args, env=TODAY), "sign-off")
    ok(book.run(*args, "--signed-off-by", "Jo Patel", env=TODAY))
    assert case(book, AWAITING)["closure"]["signed_off_by"] == "Jo Patel"


# -- statutory leads are named ------------------------------------------------------------------

def test_the_statutory_lead_is_named_with_the_family_informed(book):
    data = case(book, "LP-4T13D-MWNHN")   # a care leaver led by the personal adviser
    assert data["lead_professional"]["agreement"] == "statutory"
    path = book.case(AWAITING)
    text = path.read_text().replace("statutory:\n  status: none\n",
                                    "statutory:\n  status: looked_after\n"
                                    "  practitioner: fs-ahmed\n")
    path.write_text(text)
    book.commit_all()
    args = ["nominate", AWAITING, "fs-ahmed", "--meeting-date", "2026-11-19", "--rationale",
            "Named in the care plan"]
    refused(book.run(*args, env=TODAY), "family-informed")
    ok(book.run(*args, "--family-informed", env=TODAY))   # no --family-agreed, no manager
    lead = case(book, AWAITING)["lead_professional"]
    assert lead["agreement"] == "statutory" and lead["family_informed"] is True
    assert "family_agreed" not in lead
    assert book.run("validate").exit_code == 0


# -- handover at a school change -----------------------------------------------------------------

def test_a_school_change_moves_the_school_and_the_outgoing_leads_actions(book):
    ok(book.run("team", "add", LED, "fs-ahmed", env=TODAY))
    ok(book.run("handover", LED, "fs-ahmed", "--transition", "school_change", "--school",
                "Hillcrest Academy", "--reassign-actions", "--reason", "Moving school",
                "--family-informed", "--family-agreed", "--manager-agreed", "--present",
                env=TODAY))
    data = case(book)
    assert data["child"]["school"] == {"name": "Hillcrest Academy"}
    assert data["handovers"][-1]["school"] == "Hillcrest Academy"
    assert data["handovers"][-1]["reassigned_actions"] == ["A4"]
    a4 = next(a for a in data["plan"]["actions"] if a["id"] == "A4")
    assert a4["owner"] == "fs-ahmed"
    assert a4["history"][-1]["note"] == "owner ed-okafor to fs-ahmed at handover H1"
    a3 = next(a for a in data["plan"]["actions"] if a["id"] == "A3")
    assert a3["owner"] == "mum"   # the family's action stays theirs
    assert book.run("validate").exit_code == 0


# -- small rules --------------------------------------------------------------------------------

@pytest.mark.parametrize("nxt, code", [("2027-02-28", 0), ("2027-03-01", 1), ("2027-03-02", 1)])
def test_three_months_between_reviews_is_three_calendar_months(book, nxt, code):
    result = book.run("review", LED, "--no-input", "--date", "2026-11-30", "--progress", "x",
                      "--next-review", nxt, env={"LPCLI_TODAY": "2026-11-30"})
    assert result.exit_code == code, result.output
    if code:
        assert "review-interval" in result.stderr


def test_suggestions_count_the_relationship_up_to_the_meeting(book):
    def reasons(*extra):
        rows = book.json("nominate", AWAITING, "--suggest", *extra)
        return {r["practitioner"]: " ".join(x["text"] for x in r["reasons"]) for r in rows}

    ok(book.run("team", "add", AWAITING, "ho-brennan", "--since", "2026-11-03", env=TODAY))
    at_meeting = reasons("--meeting-date", "2026-11-10")
    assert "ho-brennan" in at_meeting and "sn-patel" not in at_meeting   # joined on the 16th
    assert "new to the child" in at_meeting["ho-brennan"]
    assert "(3 months)" in reasons("--meeting-date", "2027-02-03")["ho-brennan"]
    assert "new to the child" in reasons("--meeting-date", "2027-02-02")["ho-brennan"]
