"""lpcli new, list, show and history: opening a case, and finding your way among them."""

from __future__ import annotations

import json

import click

from lpcli.cli import output
from lpcli.cli.base import command, examples, pass_state
from lpcli.cli.options import (
    CASE_ID,
    FORMAT_TEXT_JSON,
    PRACTITIONER,
    case_argument,
    checked_date,
    choice,
    date_option,
    opt_date,
)
from lpcli.core import vocabulary
from lpcli.core.text import table


@examples("lpcli new --name 'Amelia Hart' --dob 2018-02-14 --postcode 'RV1 4QT'",
          "lpcli new --given 'Mary Jane' --family 'Smith' --dob 2019-05-01 --opened-by fs-ahmed",
          "lpcli new --name 'Baby Jones' --expected 2027-02-01 --date 2026-11-20",
          "lpcli new --name 'Imogen Price' --dob 2013-10-09 --new-episode LP-9FB4E-QAS5G")
@command()
@click.option("--name", help="The child's full name; the last word is taken as the family name.")
@click.option("--given", help="Given name(s), when --name would split the name wrongly.")
@click.option("--family", "family_name", help="Family name, with --given.")
@click.option("--dob", metavar="YYYY-MM-DD", help="Date of birth.")
@click.option("--expected", metavar="YYYY-MM-DD", help="Expected date of birth (unborn child).")
@click.option("--known-as", help="The name the child likes to be called, if different.")
@click.option("--gender", help="Gender as the child or family describes it.")
@click.option("--postcode", help="The postcode where the child lives.")
@click.option("--school", help="School or setting the child attends.")
@click.option("--opened-by", metavar="PRACTITIONER", type=PRACTITIONER,
              help="Practitioner ID opening the case.")
@click.option("--source", help="How the needs were identified (for example 'school').")
@date_option("Date the case is opened, YYYY-MM-DD (default: today).")
@click.option("--different-child", is_flag=True,
              help="Open the case although another case has the same name and date of birth "
                   "(or date of birth and postcode): it is a different child.")
@click.option("--new-episode", metavar="OLD_CASE", type=CASE_ID,
              help="This is a new episode for the child of this closed case: the two are "
                   "linked, both sides in the same commit.")
@click.option("--no-input", is_flag=True, help="Never ask questions, even in a terminal.")
@pass_state
def new(state, name, given, family_name, dob, expected, known_as, gender, postcode, school,
        opened_by, source, date_, different_child, new_episode, no_input):
    """Open a case for a child and print its new case ID.

    First, as the guidance asks, is the child already known? A case, open or closed, with
    the same name (a typo aside) and date of birth, or the same date of birth and postcode,
    stops it (exit 1), naming that case's ID and what to do: reopen it, open a new episode
    linked to it (--new-episode OLD_CASE), or, for a different child, --different-child.
    Nothing of the other child's record is shown ('lpcli find' or 'lpcli show' does that).

    The ID is random (never derived from the child) and is printed alone on stdout, so
    scripts can capture it: ID=$(lpcli new ...). Missing required details are asked for
    when run in a terminal, which then offers to go straight on to the family, consent and
    the assessment; otherwise the next commands to run are printed (on stderr). The case is
    validated and committed as '<CASE-ID>: case opened'.
    """
    from lpcli.core import dates
    from lpcli.workflow import intake

    cb = state.casebook
    if different_child and new_episode:
        raise click.UsageError("use --different-child or --new-episode, not both")
    interactive = output.is_terminal() and not no_input
    if name and (given or family_name):
        raise click.UsageError("use either --name or --given/--family, not both")
    if not name and not (given and family_name):
        if given or family_name:
            raise click.UsageError("--given and --family go together")
        if not interactive:
            raise click.UsageError("the child's name is required: --name 'FULL NAME'")
        name = click.prompt("Child's full name", err=True)
    if name:
        given, family_name = intake.split_name(name)
    if dob and expected:
        raise click.UsageError("use --dob or --expected, not both")
    if not dob and not expected:
        if not interactive:
            raise click.UsageError("the date of birth is required: --dob YYYY-MM-DD "
                                   "(or --expected YYYY-MM-DD for an unborn child)")
        dob = click.prompt("Date of birth (YYYY-MM-DD)", value_proc=checked_date,
                           err=True).isoformat()
    dob = dates.parse(dob, "--dob") if dob else None
    expected = dates.parse(expected, "--expected") if expected else None
    postcode = _postcode(postcode)
    if not (different_child or new_episode):
        intake.refuse_if_known(intake.already_known(
            output.iter_cases(cb), given=given, family=family_name, dob=dob, expected=expected,
            postcode=postcode))
    written = intake.open_case(
        cb, given=given, family=family_name, opened=opt_date(date_, "--date"), dob=dob,
        expected=expected, known_as=known_as, gender=gender, postcode=postcode, school=school,
        opened_by=opened_by, source=source, new_episode=new_episode, author=state.author)
    output.notes(written)
    click.echo(written.subject)
    output.share_after_change(state)
    if interactive and click.confirm("Go on to record the family, consent and the assessment "
                                     "now?", default=True, err=True):
        _guided_start(state, written.subject)
    else:
        output.tell_person(next_steps(written.subject))


def _postcode(text):
    """A UK postcode written as it is printed ('rv14qt' → 'RV1 4QT'); anything else as
    typed (a file keeps what the family gave)."""
    from lpcli.core import names

    if not text:
        return None
    code = names.postcode(text)
    return f"{code[:-3]} {code[-3:]}" if code else text.strip()


def next_steps(case_id: str) -> str:
    """What to record next, as commands (each one command and one commit)."""
    return "\n".join([
        "Next, record what the guidance asks for (each is one command; see its --help):",
        f"  lpcli family add {case_id} --name NAME --relationship mother "
        "--parental-responsibility",
        f"  lpcli consent give {case_id} --given-by mother --share-with education,health",
        f"  lpcli assess {case_id} --assessor PRACTITIONER --outcome integrated_response ...",
        f"  lpcli team add {case_id} PRACTITIONER --role TEXT",
        f"  lpcli meeting {case_id} --kind team_around_the_family --attendee PRACTITIONER ...",
        f"  lpcli nominate {case_id} PRACTITIONER --meeting-date YYYY-MM-DD --family-agreed ...",
    ])


def _guided_start(state, case_id: str) -> None:
    """The front half of a case in one sitting, each step its own command and commit; an
    answer left empty skips a step, and the commands for what is left are printed."""
    from lpcli.cli import family
    from lpcli.core.errors import LpcliError
    from lpcli.workflow import consent as cons
    from lpcli.workflow import family as fam

    members = []
    while click.confirm("Add a family member or carer?", default=not members, err=True):
        fields = {"name": None, "relationship": None, "parental_responsibility": None,
                  "lives_with_child": None, "phone": None}
        family.ask_member(fields)
        try:
            written, mid = fam.add_member(state.casebook, case_id, fields, author=state.author)
        except LpcliError as exc:
            output.report_error(exc, False)
            continue
        members.append(mid)
        click.echo(f"{written.message} as {mid} (commit {written.commit[:8]})", err=True)
    if members and click.confirm("Record their consent to share information now?",
                                 default=True, err=True):
        from lpcli.cli.consent import split_list

        given = split_list([click.prompt("Who gave consent", default=",".join(members), err=True)])
        share = split_list([click.prompt("Agencies that may receive information (names or types; "
                                     "commas between)", default="", show_default=False,
                                     err=True)])
        refuse = split_list([click.prompt("Agencies that may NOT (Enter for none)", default="",
                                      show_default=False, err=True)])
        try:
            written = cons.give(state.casebook, case_id, given_by=given, share_with=share,
                                not_with=refuse, author=state.author)
            click.echo(f"{written.message} (commit {written.commit[:8]})", err=True)
        except LpcliError as exc:
            output.report_error(exc, False)
    if click.confirm("Record the common assessment now?", default=True, err=True):
        from lpcli.cli import assess
        from lpcli.workflow import assessment

        fields = {}
        assess.ask_missing(fields, state.casebook)
        try:
            written = assessment.record_assessment(state.casebook, case_id, fields,
                                                   author=state.author)
            click.echo(f"{written.message} (commit {written.commit[:8]})", err=True)
        except LpcliError as exc:
            output.report_error(exc, False)
    click.echo(next_steps(case_id), err=True)


def list_text(rows, status) -> str:
    """The text of 'lpcli list': a table of cases and a count."""
    if not rows:
        return f"no {'' if status == 'all' else status + ' '}cases"
    names = rows and "child_name" in rows[0]
    header = ["CASE", "STATUS", "LEAD", "NEXT REVIEW", "NOTE"]
    if names:
        header.insert(1, "CHILD")
    cells = [header]
    for r in rows:
        note = ""
        if r["nomination_unresolved"]:
            note = "nomination escalated, unresolved"
        elif r["lead_professional_required"] and not r["lead_professional"]:
            note = "needs a lead professional"
        line = [r["id"], r["status"], r["lead_professional"] or "-",
                r["next_review_due"] or "-", note]
        if names:
            line.insert(1, r["child_name"])
        cells.append(line)
    lines = table(cells)
    noun = "case" if len(rows) == 1 else "cases"
    lines.append(f"{len(rows)} {'' if status == 'all' else status + ' '}{noun}")
    return "\n".join(lines)


@examples("lpcli list", "lpcli list --status all --lead ed-okafor",
          "lpcli list --format json | jq '.[] | select(.lead_professional == null)'")
@command("list")
@click.option("--status", type=choice(vocabulary.LIST_STATUSES), default="open",
              show_default=True)
@click.option("--lead", metavar="PRACTITIONER", type=PRACTITIONER,
              help="Only cases led by this practitioner ID.")
@click.option("--names", is_flag=True, help="Show children's names (off by default, so that "
              "output pasted or mailed elsewhere carries IDs only).")
@click.option("--format", "fmt", type=FORMAT_TEXT_JSON, default="text", show_default=True)
@pass_state
def list_(state, status, lead, names, fmt):
    """List cases: lead professional, next review due, and what needs attention.

    JSON is an array of objects with id, status, lead_professional (practitioner ID or
    null), lead_professional_required, nomination_unresolved, statutory_status,
    next_review_due (YYYY-MM-DD or null) and opened.
    """
    from lpcli.reports.listing import rows as list_rows

    cb = state.casebook
    cases = output.iter_cases(cb, None if status == "all" else status)
    rows = list_rows(cases, cb.settings, status=status, lead=lead, names=names)
    output.print_report(rows, fmt, columns=None, text=lambda: list_text(rows, status))


@examples("lpcli show LP-4F7QK-9M2XA", "lpcli show LP-4F7QK-9M2XA --format json | jq .plan")
@command()
@case_argument()
@click.option("--format", "fmt", type=choice(vocabulary.SHOW_FORMATS), default="yaml",
              show_default=True, help="yaml: the file as it is; json: the whole record.")
@pass_state
def show(state, case_id, fmt):
    """Show one case's record (it holds personal data: mind where you paste it)."""
    from lpcli.core.errors import EnvironmentProblem
    from lpcli.files.safeio import read_text_safely

    cb = state.casebook
    if fmt == "json":
        click.echo(json.dumps(cb.read_case(case_id), indent=2, ensure_ascii=False))
        return
    # The file as it is, errors and all: the place to look when validate points at one.
    text, problem = read_text_safely(cb.case_path(case_id))
    if problem is not None and problem.rule == "missing":
        cb.load_case(case_id)  # says so (exit 2), as every command does
    if problem is not None:
        raise EnvironmentProblem(f"cases/{case_id}.yaml:{problem.line}:{problem.column}: "
                                 f"cannot be read: {problem.message}",
                                 hint=f"run 'lpcli validate cases/{case_id}.yaml'")
    click.echo(text, nl=False)


@examples("lpcli history LP-4F7QK-9M2XA", "lpcli history LP-4F7QK-9M2XA --format json")
@command()
@case_argument()
@click.option("--format", "fmt", type=FORMAT_TEXT_JSON, default="text", show_default=True)
@pass_state
def history(state, case_id, fmt):
    """Show a case's history from git: date, author and what happened."""
    from dataclasses import asdict

    from lpcli import gitstore
    from lpcli.core.errors import CaseNotFound

    cb = state.casebook
    path = cb.case_path(case_id)
    repo = gitstore.open_repo(cb.root)
    entries = gitstore.history(repo, path)
    if not entries and not path.exists():
        raise CaseNotFound(f"no case {case_id} in this casebook")
    if fmt == "json":
        click.echo(json.dumps([asdict(e) for e in entries], indent=2, ensure_ascii=False))
        return
    if not entries:
        click.echo(f"{case_id} has no commits yet")
        return
    width = max(len(e.author) for e in entries)
    for e in entries:
        click.echo(f"{e.date[:10]}  {e.commit[:8]}  {e.author.ljust(width)}  {e.message}")
