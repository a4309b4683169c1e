"""Issue 13: the records a case stands on, by command: family, consent, team, meetings, and
a new case's first steps. Each change is one command and one commit; refusals list every
failed rule and change nothing; nothing personal reaches a commit message or an error."""

from __future__ import annotations

import json

import pytest

from conftest import MODEL_CASE, Book

AWAITING = "LP-TX681-MBQS9"   # open, assessed, awaiting nomination; family mum and dad
TODAY = {"LPCLI_TODAY": "2026-11-20"}


def commits(book: Book) -> list[str]:
    return book.git("log", "--format=%s").splitlines()


def case(book: Book, case_id=AWAITING) -> dict:
    return book.json("show", case_id)


def one_commit(book: Book, before: int, result) -> None:
    assert result.exit_code == 0, result.output
    assert len(commits(book)) == before + 1
    assert not book.status()


def refused(book: Book, result, *rules) -> None:
    assert result.exit_code == 1, result.output
    for rule in rules:
        assert f"- {rule}:" in result.stderr, (rule, result.stderr)
    assert "Traceback" not in result.output


# -- family -------------------------------------------------------------------------------------

def test_family_add_update_remove(book):
    n = len(commits(book))
    added = book.run("family", "add", AWAITING, "--name", "Kim Lee", "--relationship",
                     "Foster carer", "--parental-responsibility", "--lives-with-child",
                     "--phone", "07700 900456", "--no-input", env=TODAY)
    one_commit(book, n, added)
    assert added.stdout == "foster-carer\n"
    member = next(m for m in case(book)["family"] if m["id"] == "foster-carer")
    assert member == {"id": "foster-carer", "name": "Kim Lee", "relationship": "Foster carer",
                      "parental_responsibility": True, "lives_with_child": True,
                      "phone": "07700 900456"}
    again = book.run("family", "add", AWAITING, "--name", "Lee Kim", "--relationship",
                     "foster carer", "--no-input")
    assert again.stdout == "foster-carer-2\n"
    assert commits(book)[0] == f"{AWAITING}: family member added"
    assert "Kim" not in book.git("log", "--format=%B") and "Lee" not in book.git("log", "--format=%B")
    updated = book.run("family", "update", AWAITING, "foster-carer", "--lives-elsewhere",
                       "--language", "Polish", "--interpreter")
    one_commit(book, n + 2, updated)
    member = next(m for m in case(book)["family"] if m["id"] == "foster-carer")
    assert member["lives_with_child"] is False and member["interpreter_needed"] is True
    assert member["name"] == "Kim Lee"   # untouched
    one_commit(book, n + 3, book.run("family", "remove", AWAITING, "foster-carer-2"))
    assert [m["id"] for m in case(book)["family"]] == ["mum", "dad", "foster-carer"]
    events = [e["event"] for e in case(book)["events"]]
    assert events[-4:] == ["family_member_added", "family_member_added",
                           "family_member_updated", "family_member_removed"]


def test_family_refusals_change_nothing(book):
    head = book.head()
    refused(book, book.run("family", "add", AWAITING, "--name", "X Y", "--no-input"),
            "missing")
    refused(book, book.run("family", "add", AWAITING, "--name", "X Y", "--relationship", "aunt",
                           "--id", "mum", "--no-input"), "duplicate-id")
    refused(book, book.run("family", "add", AWAITING, "--name", "X Y", "--relationship", "aunt",
                           "--id", "ed-okafor", "--no-input"), "ambiguous-id")
    # mum gave consent and owns nothing else here: consent keeps her in the case
    refused(book, book.run("family", "remove", AWAITING, "mum"), "member-referenced")
    gone = book.run("family", "update", AWAITING, "Shirin", "--phone", "07700 900999")
    refused(book, gone, "unknown-family-member")
    assert "Shirin" not in gone.output   # a name typed where an ID goes is never echoed
    refused(book, book.run("family", "update", AWAITING, "mum"), "nothing-to-change")
    assert book.head() == head and not book.status()


def test_remove_is_refused_while_an_action_names_them(book):
    result = book.run("family", "remove", MODEL_CASE, "mum")
    refused(book, result, "member-referenced")
    assert "action A3 (owner)" in result.stderr and "consent (given by)" in result.stderr


# -- consent ------------------------------------------------------------------------------------

def test_consent_given_again_keeps_the_earlier_one(book):
    n = len(commits(book))
    result = book.run("consent", "give", AWAITING, "--given-by", "mum,dad", "--share-with",
                      "Education", "--share-with", "Riverside Family Hub", "--not-with",
                      "police", "--withhold", "health=housing_employment_finance",
                      "--withhold", "health=address", "--recorded-by", "fs-ahmed",
                      "--date", "2026-11-19", "--no-input", env=TODAY)
    one_commit(book, n, result)
    data = case(book)
    assert data["consent"] == {
        "given_by": ["mum", "dad"], "date": "2026-11-19", "recorded_by": "fs-ahmed",
        "share_with": ["education", "Riverside Family Hub"],
        "do_not_share_with": ["police"],
        "withhold": [{"agency": "health", "topics": [
            "family_and_environment.housing_employment_finance", "address"]}]}
    assert data["consent_history"][0]["date"] == "2026-11-02"
    assert book.run("validate").exit_code == 0


def test_consent_refusals_list_every_rule(book):
    head = book.head()
    result = book.run("consent", "give", AWAITING, "--given-by", "nobody", "--share-with",
                      "the moon", "--not-with", "education", "--share-with", "education",
                      "--withhold", "health=shoe-size", "--no-input")
    refused(book, result, "unknown-family-member", "unknown-agency", "consent-contradicts",
            "unknown-topic")
    assert "nobody" not in result.stderr and "moon" not in result.stderr
    assert "lpcli family add" in result.stderr
    assert book.run("consent", "give", AWAITING, "--given-by", "mum", "--withhold",
                    "noequals").exit_code == 2
    assert book.head() == head


def test_consent_withdrawn_once_with_its_date_and_reason(book):
    n = len(commits(book))
    one_commit(book, n, book.run("consent", "withdraw", AWAITING, "--by", "dad", "--reason",
                                 "They want a break", "--date", "2026-11-19", env=TODAY))
    withdrawn = case(book)["consent"]["withdrawn"]
    assert withdrawn == {"date": "2026-11-19", "by": "dad", "notes": "They want a break"}
    assert commits(book)[0] == f"{AWAITING}: consent withdrawn"
    assert case(book)["events"][-1]["event"] == "consent_withdrawn"
    refused(book, book.run("consent", "withdraw", AWAITING), "already-withdrawn")
    refused(book, book.run("consent", "withdraw", "LP-GRAYD-P6MNJ", "--date", "2020-01-01"),
            "date-before-opened")


# -- team ---------------------------------------------------------------------------------------

def test_team_add_and_end(book):
    n = len(commits(book))
    one_commit(book, n, book.run("team", "add", AWAITING, "ho-brennan", "--role", "housing",
                                 "--since", "2026-11-18", env=TODAY))
    assert case(book)["team"][-1] == {"practitioner": "ho-brennan", "role": "housing",
                                      "since": "2026-11-18"}
    refused(book, book.run("team", "add", AWAITING, "ho-brennan"), "already-in-team")
    refused(book, book.run("team", "add", AWAITING, "no-such-person"), "unknown-practitioner")
    one_commit(book, n + 1, book.run("team", "end", AWAITING, "ho-brennan", "--date",
                                     "2026-11-19", env=TODAY))
    assert case(book)["team"][-1]["until"] == "2026-11-19"
    refused(book, book.run("team", "end", AWAITING, "ho-brennan"), "not-in-team")


def test_the_lead_cannot_leave_the_team_before_a_handover(book):
    result = book.run("team", "end", MODEL_CASE, "ed-okafor")
    refused(book, result, "lead-in-team")
    assert f"lpcli handover {MODEL_CASE}" in result.stderr


def test_a_lead_not_in_the_team_is_told_how_to_add_them(book):
    result = book.run("nominate", AWAITING, "ho-brennan", "--meeting-date", "2026-11-19",
                      "--family-agreed", "--manager-agreed", "--present", "--rationale", "x",
                      env=TODAY)
    refused(book, result, "lead-not-in-team")
    assert f"lpcli team add {AWAITING} ho-brennan" in result.stderr


# -- meetings -----------------------------------------------------------------------------------

def test_a_meeting_recorded_once_is_the_nomination_meeting(book):
    n = len(commits(book))
    result = book.run("meeting", AWAITING, "--kind", "team_around_the_family", "--date",
                      "2026-11-19", "--attendee", "ed-marsh", "--attendee", "fs-ahmed",
                      "--family-attendee", "mum", "--venue", "Family Hub", env=TODAY)
    one_commit(book, n, result)
    assert result.stdout == "M1\n"
    absent = book.run("nominate", AWAITING, "sn-patel", "--meeting-date", "2026-11-19",
                      "--family-agreed", "--manager-agreed", "--present", "--rationale", "x",
                      env=TODAY)
    refused(book, absent, "presence-not-recorded")
    nominated = book.run("nominate", AWAITING, "fs-ahmed", "--meeting-date", "2026-11-19",
                         "--family-agreed", "--manager-agreed", "--present", "--rationale",
                         "Family support is the main need", env=TODAY)
    one_commit(book, n + 1, nominated)
    data = case(book)
    assert len(data["meetings"]) == 1   # no second, empty meeting
    assert data["meetings"][0]["outcome"] == "lead_professional_agreed"
    assert data["meetings"][0]["attendees"] == ["ed-marsh", "fs-ahmed"]
    assert data["lead_professional"]["meeting"] == "M1"


def test_a_meeting_needs_its_people_on_record(book):
    head = book.head()
    result = book.run("meeting", AWAITING, "--kind", "other", "--family-attendee", "Shirin",
                      "--attendee", "nobody-here")
    refused(book, result, "unknown-family-member", "unknown-practitioner")
    assert "Shirin" not in result.output
    refused(book, book.run("meeting", AWAITING, "--kind", "other"), "attendees")
    assert book.run("meeting", AWAITING, "--kind", "party").exit_code == 2
    assert book.head() == head


# -- a new case's first steps -------------------------------------------------------------------

def test_new_prints_the_id_alone_and_the_next_commands_on_stderr(book, monkeypatch):
    from lpcli.cli import output

    result = book.run("new", "--name", "Test Child", "--dob", "2020-01-01", "--no-input")
    assert "lpcli family add" not in result.output   # not a terminal: the ID alone
    monkeypatch.setattr(output, "stderr_is_terminal", lambda: True)
    result = book.run("new", "--name", "Other Child", "--dob", "2020-01-01", "--no-input")
    assert result.exit_code == 0
    case_id = result.stdout.strip()
    assert result.stdout == f"{case_id}\n"
    for command in ("family add", "consent give", "assess", "team add", "meeting", "nominate"):
        assert f"lpcli {command} {case_id}" in result.stderr


def test_guided_start_in_a_terminal(book, monkeypatch):
    from lpcli.cli import output

    monkeypatch.setattr(output, "is_terminal", lambda: True)
    answers = "\n".join(["y",                       # go on now?
                         "y", "Kim Lee", "mother", "y", "y", "07700 900456",  # a member
                         "n",                       # no more members
                         "y", "", "education,health", "police",  # consent
                         "n"]) + "\n"                                  # assessment later
    result = book.run("new", "--name", "Test Child", "--dob", "2020-01-01", input=answers)
    assert result.exit_code == 0, result.output
    case_id = result.stdout.splitlines()[0]
    data = case(book, case_id)
    assert data["family"] == [{"id": "mother", "name": "Kim Lee", "relationship": "mother",
                               "parental_responsibility": True, "lives_with_child": True,
                               "phone": "07700 900456"}]
    assert data["consent"]["given_by"] == ["mother"]
    assert data["consent"]["share_with"] == ["education", "health"]
    assert data["consent"]["do_not_share_with"] == ["police"]
    assert commits(book)[:3] == [f"{case_id}: consent recorded",
                                 f"{case_id}: family member added", f"{case_id}: case opened"]
    assert not book.status()


@pytest.mark.parametrize("args", [["family", "add", AWAITING, "--name", "A B",
                                   "--relationship", "aunt", "--no-input"],
                                  ["team", "add", AWAITING, "ho-brennan"],
                                  ["meeting", AWAITING, "--kind", "other", "--attendee",
                                   "ed-marsh"],
                                  ["consent", "withdraw", AWAITING]])
def test_a_closed_case_refuses_its_records(book, args):
    assert book.run("close", AWAITING, "--reason", "other", "--exit-strategy", "x").exit_code == 0
    refused(book, book.run(*args), "case-closed")


def test_records_made_by_commands_validate(book):
    for args in (["family", "add", AWAITING, "--name", "A B", "--relationship", "aunt",
                  "--no-input"],
                 ["team", "add", AWAITING, "ho-brennan"],
                 ["meeting", AWAITING, "--kind", "other", "--attendee", "ed-marsh"],
                 ["consent", "give", AWAITING, "--given-by", "mum", "--share-with", "health",
                  "--no-input"]):
        assert book.run(*args).exit_code == 0, args
    result = book.run("validate", "--format", "json")
    assert [d for d in json.loads(result.stdout) if d["severity"] == "error"] == []
