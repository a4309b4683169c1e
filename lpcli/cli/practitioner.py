"""lpcli practitioner: the directory of practitioners (practitioners.yaml) by command.

Thin commands over ``workflow.practitioners`` and ``workflow.staffcsv``: parse, ask in a
terminal for what is missing, call the workflow, print. Every change is one commit named
``practitioners.yaml: <ID> <what happened>``.
"""

from __future__ import annotations

import sys
from pathlib import Path

import click

from lpcli.cli import output
from lpcli.cli.base import examples, group, pass_state, subcommand
from lpcli.cli.options import (
    NEW_PRACTITIONER_ID,
    PRACTITIONER,
    PRACTITIONER_ID,
    checked_date,
    choice,
    date_option,
    format_option,
    opt_date,
)
from lpcli.core import vocabulary
from lpcli.core.text import table

# The details 'add' and 'update' share: option name, then click's keyword arguments.
DETAIL_OPTIONS = (
    ("--name", {"help": "Full name."}),
    ("--agency", {"help": "Agency or service they work for."}),
    ("--agency-type", {"type": choice(vocabulary.AGENCY_TYPES), "help": "Type of agency."}),
    ("--role", {"help": "Job title or role, e.g. 'Health visitor'."}),
    ("--phone", {"help": "Work phone."}),
    ("--email", {"help": "Work email."}),
    ("--capacity", {"type": int, "metavar": "N",
                    "help": "How many cases they can lead at once (0: cannot lead; a new "
                            "practitioner gets 0 unless given)."}),
    ("--line-manager", {"metavar": "NAME_OR_ID", "type": PRACTITIONER,
                        "help": "Their line manager, whose agreement a nomination needs: a "
                                "practitioner ID in the directory (linked to them), or a name."}),
    ("--line-manager-phone", {"help": "The line manager's phone."}),
    ("--line-manager-email", {"help": "The line manager's email."}),
    ("--statutory-role", {"multiple": True, "type": choice(vocabulary.STATUTORY_ROLES),
                          "help": "A statutory role they hold (repeatable); given on update, "
                                  "it replaces the list."}),
    ("--lp-trained/--not-lp-trained", {"default": None,
                                        "help": "Trained for the lead professional role."}),
)


def detail_options(func):
    for name, kwargs in reversed(DETAIL_OPTIONS):
        func = click.option(name, **kwargs)(func)
    return func


def _details(values: dict, clear=()):
    from lpcli.workflow.practitioners import Details

    roles = values.pop("statutory_role", ())
    return Details(**values, statutory_roles=tuple(roles) or None, clear=tuple(clear))


@group()
def practitioner():
    """The directory of practitioners (practitioners.yaml): add, change, list, record leaving
    and absences, import a staff list.

    Practitioner IDs are used in case files for as long as the cases are kept, so a
    practitioner is never removed: one who leaves is marked so ('practitioner leave').
    Commit messages name IDs only.
    """


practitioner.epilog = ("Examples:\n\n\b\n"
                       "  lpcli practitioner import staff.csv\n"
                       "  lpcli practitioner add hv-jones --name 'Megan Jones' --agency "
                       "'Riverside Health' --agency-type health --role 'Health visitor'\n"
                       "  lpcli practitioner list\n"
                       "  lpcli practitioner leave hv-jones")


@examples("lpcli practitioner add hv-jones --name 'Megan Jones' --agency 'Riverside Health' \\",
          "    --agency-type health --role 'Health visitor' --phone '01632 960210' \\",
          "    --capacity 3 --lp-trained --line-manager 'Carol Bright'",
          "lpcli practitioner add sw-adeyemi --name 'Tunde Adeyemi' --agency 'Social Care' \\",
          "    --agency-type social_care --role 'Social worker' --statutory-role social_worker \\",
          "    --line-manager fs-costa --capacity 12",
          "lpcli practitioner add        # asks for each detail in a terminal")
@subcommand(practitioner, "add")
@click.argument("pid", metavar="ID", type=NEW_PRACTITIONER_ID, required=False)
@detail_options
@click.option("--no-input", is_flag=True, help="Never ask questions, even in a terminal.")
@pass_state
def add(state, pid, no_input, **values):
    """Add a practitioner to the directory.

    ID is theirs for good (lower-case letters, digits and hyphens, e.g. hv-jones): cases
    refer to it. --name, --agency, --agency-type and --role are required; in a terminal,
    whatever is missing is asked for (Enter skips the optional details). A line manager
    given as the ID of a practitioner in the directory is linked to them. An ID already in
    the directory is refused: change it with 'practitioner update'.
    """
    from lpcli.workflow import practitioners

    details = _details(values)
    missing = ([] if pid else ["ID"]) + [f"--{n.replace('_', '-')}" for n in
                                          practitioners.REQUIRED if getattr(details, n) is None]
    if missing:
        if no_input or not sys.stdin.isatty():
            raise click.UsageError("missing: " + ", ".join(missing) + " (run it in a terminal "
                                   "to be asked, or see 'lpcli practitioner add --help')")
        pid = _ask_new(pid, details)
    changed = practitioners.add(state.casebook, pid, details, author=state.author)
    output.done(state, changed.written)
    for note in changed.notes:
        click.echo(f"lpcli: note: {note}", err=True)


def _ask(label: str, **kwargs):
    """One question on stderr (stdout stays for the result); Enter skips an optional one."""
    if "default" not in kwargs and "type" not in kwargs:
        kwargs.update(default="", show_default=False)
    answer = click.prompt(label, err=True, **kwargs)
    return answer.strip() or None if isinstance(answer, str) else answer


def _ask_new(pid, details):
    """Walk through a new practitioner's details in a terminal: each one not given."""
    from lpcli.core.caseid import is_practitioner_id

    click.echo("Press Enter to skip an optional question.", err=True)
    while not pid:
        pid = _ask("Practitioner ID (lower-case letters, digits, hyphens, e.g. hv-jones)")
        if pid and not is_practitioner_id(pid):
            click.echo("That is not a practitioner ID.", err=True)
            pid = None
    for name, label in (("name", "Full name"), ("agency", "Agency or service")):
        while getattr(details, name) is None:
            setattr(details, name, _ask(label))
    if details.agency_type is None:
        details.agency_type = _ask("Type of agency", type=choice(vocabulary.AGENCY_TYPES))
    while details.role is None:
        details.role = _ask("Job title or role")
    for name, label in (("phone", "Work phone"), ("email", "Work email")):
        if getattr(details, name) is None:
            setattr(details, name, _ask(label, value_proc=_checked(name)))
    if details.line_manager is None:
        details.line_manager = _ask("Line manager (name, or practitioner ID)")
    if details.capacity is None:
        details.capacity = _ask("How many cases can they lead at once (0: none)",
                                type=click.IntRange(0, 200), default=0)
    if details.statutory_roles is None:
        roles = _ask("Statutory roles, separated by spaces ("
                     + ", ".join(vocabulary.STATUTORY_ROLES) + "; Enter: none)",
                     value_proc=_roles)
        details.statutory_roles = tuple(roles) if roles else None
    if details.lp_trained is None:
        details.lp_trained = click.confirm("Trained for the lead professional role?",
                                           default=False, err=True)
    return pid


def _checked(name: str):
    """A prompt's check for one detail: a typing slip is asked again, not refused at the end."""
    from lpcli.workflow.practitioners import field_problem

    def check(text: str):
        text = text.strip()
        problem = field_problem(name, text) if text else None
        if problem:
            raise click.BadParameter(f"that {problem}")
        return text

    return check


def _roles(text: str):
    roles = text.split()
    wrong = [r for r in roles if r not in vocabulary.STATUTORY_ROLES]
    if wrong:
        raise click.BadParameter("write the roles as " + ", ".join(vocabulary.STATUTORY_ROLES))
    return roles


@examples("lpcli practitioner update hv-jones --phone '01632 960299' --capacity 4",
          "lpcli practitioner update ed-marsh --line-manager ed-okafor --lp-trained",
          "lpcli practitioner update sn-patel --clear line_manager_email")
@subcommand(practitioner, "update")
@click.argument("pid", metavar="ID", type=PRACTITIONER_ID)
@detail_options
@click.option("--clear", multiple=True, type=choice(vocabulary.PRACTITIONER_CLEARABLE),
              help="Remove an optional detail (repeatable).")
@pass_state
def update(state, pid, clear, **values):
    """Change a practitioner's details: only what is given changes; the ID never does.

    A new line manager replaces the old one (and the old one's phone and email).
    """
    from lpcli.workflow import practitioners

    details = _details(values, clear)
    if not details.anything():
        raise click.UsageError("nothing to change: give the details to change (see 'lpcli "
                               "practitioner update --help')")
    output.done(state, practitioners.update(state.casebook, pid, details,
                                            author=state.author).written)


def list_text(rows, everyone: bool, today) -> str:
    from lpcli.workflow.practitioners import status_note

    if not rows:
        return ("no practitioners yet: add them with 'lpcli practitioner add' or "
                "'lpcli practitioner import staff.csv'")
    cells = [["ID", "NAME", "AGENCY", "TYPE", "ROLE", "CAPACITY", "NOTE"]]
    for r in rows:
        cells.append([r["id"], r["name"], r["agency"], r["agency_type"], r["role"],
                      str(r["capacity"]), status_note(r, today)])
    lines = table(cells)
    gone = sum(1 for r in rows if r.get("active") is False)
    noun = "practitioner" if len(rows) == 1 else "practitioners"
    lines.append(f"{len(rows)} {noun}" + (f" ({gone} left)" if everyone else " (active)"))
    return "\n".join(lines)


@examples("lpcli practitioner list", "lpcli practitioner list --all --format csv > staff.csv",
          "lpcli practitioner list --format json | jq -r '.[].id'")
@subcommand(practitioner, "list")
@click.option("--all", "everyone", is_flag=True, help="Include practitioners who have left.")
@format_option(vocabulary.TEXT_JSON_CSV,
               "csv has the columns 'practitioner import' reads, and active, left.")
@pass_state
def list_(state, everyone, fmt):
    """List the practitioners in the directory (those still active, unless --all).

    The text notes who has left and who is away. JSON is an array of the records as in
    practitioners.yaml; CSV can be edited in a spreadsheet and imported back with
    'lpcli practitioner import FILE --update'.
    """
    from lpcli.core import dates
    from lpcli.workflow import practitioners, staffcsv

    cb = state.casebook
    rows = practitioners.listing(cb, everyone)
    if fmt == "csv":
        rows = [staffcsv.flatten(r) for r in rows]
    output.print_report(rows, fmt, columns=(*vocabulary.PRACTITIONER_COLUMNS,
                                            *vocabulary.ACTIVE_COLUMNS),
                        text=lambda: list_text(rows, everyone, dates.today(cb.settings)))


def show_text(r: dict, today) -> str:
    from lpcli.workflow.practitioners import status_note

    manager = r.get("line_manager") or {}
    lines = [f"{r['id']}: {r['name']}",
             f"  agency:          {r['agency']} ({r['agency_type']})",
             f"  role:            {r['role']}"]
    for key in ("phone", "email"):
        if r.get(key):
            lines.append(f"  {key + ':':<16} {r[key]}")
    if manager:
        who = manager["name"] + (f" ({manager['practitioner']})" if manager.get("practitioner")
                                 else "")
        lines.append("  line manager:    " + ", ".join(
            [who] + [manager[k] for k in ("phone", "email") if k in manager]))
    lines.append(f"  capacity:        {r['capacity']} case{'s' if r['capacity'] != 1 else ''}"
                 + (" (cannot lead)" if r["capacity"] == 0 else ""))
    if r.get("statutory_roles"):
        lines.append("  statutory roles: " + ", ".join(r["statutory_roles"]))
    lines.append(f"  LP trained:      {'yes' if r.get('lp_trained') else 'no'}")
    note = status_note(r, today)
    lines.append("  status:          " + (note if r.get("active") is False else
                                          "active" + (f", {note}" if note else "")))
    absences = r.get("absences") or []
    if absences:
        lines.append("  absences:")
        for a in absences:
            lines.append(f"    {a['from']} to {a['to']}" + (f"  {a['reason']}" if a.get("reason")
                                                             else ""))
    return "\n".join(lines)


@examples("lpcli practitioner show hv-jones", "lpcli practitioner show hv-jones --format json")
@subcommand(practitioner, "show")
@click.argument("pid", metavar="ID", type=PRACTITIONER_ID)
@format_option(vocabulary.TEXT_JSON)
@pass_state
def show(state, pid, fmt):
    """Show one practitioner's record: contact details, line manager, capacity, statutory
    roles, whether they have left, and their absences (with the reasons recorded)."""
    from lpcli.core import dates
    from lpcli.workflow import practitioners

    cb = state.casebook
    r = practitioners.record(cb, pid)
    output.print_report(r, fmt, columns=None,
                        text=lambda: show_text(r, dates.today(cb.settings)))


def work_text(pid: str, work) -> str:
    """What a leaver leaves behind, and the command that hands on each piece."""
    if not work:
        return f"{pid} leads no open case and owns no open action."
    lines = []
    if work.statutory_cases:
        lines.append(f"{pid} is the named statutory practitioner of these open cases; record "
                     "the new one (statutory: practitioner) first:")
        lines += [f"  lpcli edit {c}" for c in work.statutory_cases]
    if work.cases_led:
        lines.append(f"{pid} leads these open cases; each needs a planned handover to a new "
                     "lead professional:")
        lines += [f"  lpcli handover {c} NEW_LEAD --transition lp_leaving_post --reason TEXT "
                  "--family-informed --family-agreed --manager-agreed --present"
                  for c in work.cases_led]
    if work.actions:
        lines.append(f"{pid} owns these open actions; settle each, or drop it and add it "
                     "again for its new owner:")
        lines += [f"  lpcli action update {a['case']} {a['action']} --status dropped --note "
                  f"'owner left'   # due {a['due']}" for a in work.actions]
        lines.append("  then: lpcli action add CASE --owner NEW_OWNER --due YYYY-MM-DD TEXT")
    return "\n".join(lines)


@examples("lpcli practitioner leave hv-jones", "lpcli practitioner leave hv-jones --date "
          "2026-11-20", "lpcli practitioner leave hv-jones --format json | jq .cases_led")
@subcommand(practitioner, "leave")
@click.argument("pid", metavar="ID", type=PRACTITIONER_ID)
@date_option("The day they left, YYYY-MM-DD (default: today; not a day to come).")
@format_option(vocabulary.TEXT_JSON, "json: practitioner, left, commit, cases_led, "
               "statutory_cases and actions ({case, action, due}).")
@pass_state
def leave(state, pid, date_, fmt):
    """Record that a practitioner has left: inactive from --date, kept in the directory.

    Then lists the open cases they lead, the cases where they are the named statutory
    practitioner, and the open actions they own (IDs only), with the command that hands on
    each. Cases must never sit with someone who has left. Refused for someone already
    marked as left.
    """
    from lpcli.workflow import practitioners

    cb = state.casebook
    written, left = practitioners.leave(cb, pid, date=opt_date(date_, "--date"),
                                        author=state.author)
    work = practitioners.work_left(pid, output.iter_cases(cb, "open"))
    if fmt == "json":
        output.print_json({"practitioner": pid, "left": left.isoformat(),
                           "commit": written.commit, **work.as_dict()})
        output.done_quietly(state, written)
        return
    output.done(state, written)
    click.echo(work_text(pid, work))


@examples("lpcli practitioner away hv-jones --from 2026-12-21 --to 2027-01-01 --reason "
          "'Annual leave'", "lpcli practitioner away sw-adeyemi --from 2026-11-02 --to 2026-12-11")
@subcommand(practitioner, "away")
@click.argument("pid", metavar="ID", type=PRACTITIONER_ID)
@click.option("--from", "start", metavar="YYYY-MM-DD", help="First day away.")
@click.option("--to", "end", metavar="YYYY-MM-DD", help="Last day away.")
@click.option("--reason", help="Why (optional; shown by 'practitioner show' only).")
@click.option("--no-input", is_flag=True, help="Never ask questions, even in a terminal.")
@pass_state
def away(state, pid, start, end, reason, no_input):
    """Record an absence (leave, sickness, training), past, current or planned.

    The lead professional functions of the cases they lead must be covered while they are
    away: the cases are listed afterwards. In a terminal, missing dates are asked for.
    """
    from lpcli.workflow import practitioners

    if not (start and end):
        if no_input or not sys.stdin.isatty():
            raise click.UsageError("--from and --to are required: the first and last day away")
        start = start or _ask("First day away (YYYY-MM-DD)", value_proc=checked_date).isoformat()
        end = end or _ask("Last day away (YYYY-MM-DD)", value_proc=checked_date).isoformat()
        reason = reason if reason is not None else _ask("Reason (Enter: none)")
    cb = state.casebook
    output.done(state, practitioners.away(cb, pid, start=opt_date(start, "--from"),
                                          end=opt_date(end, "--to"), reason=reason,
                                          author=state.author))
    led = practitioners.work_left(pid, output.iter_cases(cb, "open")).cases_led
    if led:
        click.echo(f"{pid} leads {len(led)} open case{'s' if len(led) != 1 else ''} ("
                   + ", ".join(led) + "): while they are away their line manager makes sure "
                   "the lead professional functions are covered.")


@examples("lpcli practitioner import staff.csv",
          "lpcli practitioner list --all --format csv > staff.csv   # edit it, then:",
          "lpcli practitioner import staff.csv --update")
@subcommand(practitioner, "import")
@click.argument("csv_file", metavar="FILE.csv",
                type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--update", is_flag=True, help="Rows whose ID is already in the directory "
              "change that practitioner (empty cells leave a detail as it is); without it, "
              "such rows are refused.")
@format_option(vocabulary.TEXT_JSON, "json: commit, added, updated, unchanged (IDs).")
@pass_state
def import_(state, csv_file, update, fmt):
    """Add the practitioners of a staff list saved from a spreadsheet as CSV: all rows or none,
    in one commit.

    The first line names the columns, as the options of 'practitioner add': id, name,
    agency, agency_type, role (required), phone, email, capacity, line_manager (a name, or
    the ID of a practitioner in the directory or the file), line_manager_phone,
    line_manager_email, statutory_roles (separated by spaces or semicolons), lp_trained
    (true/false, yes/no). Headers may be written 'Agency type'; the columns active and left
    (from 'list --format csv') may be present but not changed. UTF-8 with or without a BOM,
    CRLF or LF, comma, semicolon or tab separators. Every problem is listed by line and
    column (never a cell's value), and then nothing is written.
    """
    from lpcli.workflow import staffcsv

    done = staffcsv.import_staff(state.casebook, csv_file, update=update, author=state.author)
    if fmt == "json":
        output.print_json(done.as_dict())
        if done.written:
            output.done_quietly(state, done.written)
        return
    if done.written is None:
        click.echo(f"nothing to change: the {len(done.unchanged)} practitioners in "
                   f"{csv_file.name} are in the directory as the file says")
        return
    output.notes(done.written)
    subject, *body = done.written.message.splitlines()
    click.echo(f"{subject} (commit {done.written.commit[:8]})")
    for line in body:
        if line:
            click.echo(line)
    if done.unchanged:
        click.echo("unchanged: " + " ".join(done.unchanged))
    output.done_quietly(state, done.written, notes_too=False)
