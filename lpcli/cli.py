"""The command line: small click commands over the lpcli library.

Each command parses its options, calls the library, and hands results to a reporter. Domain
errors (``lpcli.errors``) become a message on stderr and the documented exit code:
0 ok, 1 findings or a refusal, 2 a usage or environment problem.
"""

from __future__ import annotations

import json
import os
import sys
from pathlib import Path

import click

from lpcli import __version__
from lpcli.errors import InvalidRecord, LpcliError, RuleViolation

CONTEXT = {"help_option_names": ["-h", "--help"], "max_content_width": 100}


# -- plumbing ---------------------------------------------------------------------------------

class State:
    """Global options, and the casebook found lazily (not every command needs one)."""

    def __init__(self, casebook_path, author, color):
        self.casebook_path = casebook_path
        self.author = author
        self.color = color
        self._casebook = None

    @property
    def casebook(self):
        if self._casebook is None:
            from lpcli.casebook import Casebook

            self._casebook = Casebook.find(self.casebook_path)
        return self._casebook


def use_color(setting: str, stream=None) -> bool:
    if setting == "always":
        return True
    if setting == "never" or os.environ.get("NO_COLOR"):
        return False
    stream = stream or sys.stdout
    return hasattr(stream, "isatty") and stream.isatty()


def report_error(exc: LpcliError, color: bool) -> None:
    err = click.style("error", fg="red", bold=True) if color else "error"
    click.echo(f"lpcli: {err}: {exc.message}", err=True, color=color)
    if isinstance(exc, RuleViolation):
        for reason in exc.reasons:
            click.echo(f"  - {reason}", err=True)
    if isinstance(exc, InvalidRecord):
        for d in exc.diagnostics:
            click.echo(f"  {d.as_text()}", err=True)
    if exc.hint:
        click.echo(f"hint: {exc.hint}", err=True)


class LpcliGroup(click.Group):
    """Turns domain errors into messages and exit codes, without tracebacks."""

    def invoke(self, ctx):
        try:
            return super().invoke(ctx)
        except LpcliError as exc:
            state = ctx.obj if isinstance(ctx.obj, State) else None
            report_error(exc, use_color(state.color if state else "auto", sys.stderr))
            ctx.exit(exc.exit_code)
        except KeyboardInterrupt:
            click.echo("lpcli: interrupted; nothing was changed", err=True)
            ctx.exit(130)
        except OSError as exc:
            if os.environ.get("LPCLI_DEBUG"):
                raise
            click.echo(f"lpcli: error: {exc.strerror or exc} "
                       f"({Path(exc.filename).name if exc.filename else 'file system'})", err=True)
            ctx.exit(2)


def examples(*lines: str):
    """Put an 'Examples' section (kept verbatim) at the end of a command's --help."""
    def deco(cmd: click.Command):
        cmd.epilog = "Examples:\n\n\b\n" + "\n".join(f"  {ln}" for ln in lines)
        return cmd
    return deco


def command(group, name=None, **kwargs):
    return group.command(name, context_settings=CONTEXT, **kwargs)


pass_state = click.make_pass_decorator(State)

FORMAT_TEXT_JSON = click.Choice(["text", "json"])


def date_option(help_text="Date of the event, YYYY-MM-DD (default: today)."):
    return click.option("--date", "date_", metavar="YYYY-MM-DD", help=help_text)


def _checked_date(text):
    """For prompts: a bad date asks again instead of ending the command."""
    from lpcli import dates

    try:
        return dates.parse(text.strip(), "the date")
    except dates.BadDate as exc:
        raise click.BadParameter(exc.message)


def parse_date_opt(value, settings, what="--date"):
    from lpcli import dates

    return dates.parse(value, what) if value else dates.today(settings)


# -- the group --------------------------------------------------------------------------------

@click.group(cls=LpcliGroup, context_settings=CONTEXT,
             epilog="Examples:\n\n\b\n  lpcli demo ~/lpcli-demo\n  lpcli -C ~/casebook validate\n"
                    "  lpcli list --format json\n\n"
                    "Run 'lpcli COMMAND --help' for a command's options and examples.")
@click.option("-C", "--casebook", "casebook_path", metavar="PATH", envvar="LPCLI_CASEBOOK",
              help="The casebook to use (default: the folder holding lpcli.yaml, from the "
                   "current folder upwards). Also LPCLI_CASEBOOK.")
@click.option("--author", metavar="'NAME <EMAIL>'", envvar="LPCLI_AUTHOR",
              help="Author of the commits this command makes (default: git config).")
@click.option("--color", type=click.Choice(["auto", "always", "never"]), default="auto",
              show_default=True, help="Colour in output; NO_COLOR turns it off in auto mode.")
@click.version_option(__version__, "--version", prog_name="lpcli",
                      message="%(prog)s %(version)s")
@click.pass_context
def cli(ctx, casebook_path, author, color):
    """lpcli: lead professional casebooks for children's services, kept in git.

    A casebook is a git repository of YAML files: lpcli.yaml (settings), practitioners.yaml
    (the directory) and cases/<CASE-ID>.yaml (one file per child). Every change lpcli makes
    is validated and committed; case IDs, never names, appear in commits and reports.
    """
    from lpcli.records import set_private_umask

    set_private_umask()
    ctx.obj = State(casebook_path, author, color)


def main():
    cli(prog_name="lpcli")


# -- validate -------------------------------------------------------------------------------

@examples("lpcli validate", "lpcli validate cases/LP-4F7QK-9M2XA.yaml",
          "lpcli validate --format json > problems.json")
@command(cli)
@click.argument("paths", nargs=-1, type=click.Path(path_type=Path))
@click.option("--format", "fmt", type=FORMAT_TEXT_JSON, default="text", show_default=True)
@pass_state
def validate(state, paths, fmt):
    """Check case files, practitioners.yaml and lpcli.yaml.

    Reads YAML strictly (no aliases, tags, merge keys or duplicate keys), checks each file
    against its schema and the rules of the guidance across files, and reports every
    problem as FILE:LINE:COL: SEVERITY: PATH: message. Exit 0 when there are no errors
    (warnings allowed), 1 when there are, 2 on a usage or environment problem.
    """
    from lpcli import diagnostics
    from lpcli.casebook import Casebook
    from lpcli.validate import Checker

    if state.casebook_path or not paths:
        cb = state.casebook
    else:
        first = Path(paths[0]).resolve()
        cb = Casebook.find(None, first if first.is_dir() else first.parent)
    result = Checker(cb, paths).run()
    if fmt == "json":
        click.echo(diagnostics.render_json(result.diagnostics))
    else:
        color = use_color(state.color)
        for d in result.diagnostics:
            line = d.as_text()
            if color:
                line = line.replace(f": {d.severity}:", ": " + click.style(
                    d.severity, fg="red" if d.severity == "error" else "yellow", bold=True)
                    + ":", 1)
            # click strips escapes when stdout is not a terminal, unless told otherwise.
            click.echo(line, color=color)
        click.echo(diagnostics.summary(result.diagnostics, result.files_checked))
    sys.exit(1 if result.errors else 0)


# -- init, demo ------------------------------------------------------------------------------

@examples("lpcli init ~/casebook --agency 'Riverside Family Hub'", "cd ~/casebook && lpcli validate")
@command(cli)
@click.argument("directory", required=False, default=".", type=click.Path(path_type=Path))
@click.option("--agency", help="Name of your agency (printed on documents).")
@pass_state
def init(state, directory, agency):
    """Create a new casebook in DIRECTORY (default: the current folder).

    Makes a git repository with lpcli.yaml, an empty practitioners.yaml and a cases/
    folder, sets git options that protect the data, and commits them.
    """
    from lpcli import scaffold

    if not agency:
        if sys.stdin.isatty():
            agency = click.prompt("Agency name")
        else:
            raise click.UsageError("--agency is required when not run in a terminal")
    env = _identity_for_new_repo(directory, state.author)
    path = scaffold.init_casebook(directory, agency, env)
    click.echo(f"Created an lpcli casebook in {path}")
    click.echo("Next: add practitioners to practitioners.yaml, then 'lpcli new --name ... --dob ...'")


def _identity_for_new_repo(directory: Path, author: str | None, fallback: str | None = None):
    """Identity env for the first commit of a new repository (checked before creating it)."""
    import subprocess

    from lpcli import gitstore
    from lpcli.errors import EnvironmentProblem

    author = author or None
    known = subprocess.run(["git", "var", "GIT_COMMITTER_IDENT"], cwd=directory if
                           directory.exists() else None, capture_output=True).returncode == 0
    if author:
        name, email = author[:-1].split(" <", 1) if " <" in author else (author, "")
        env = {"GIT_AUTHOR_NAME": name, "GIT_AUTHOR_EMAIL": email}
        if not known:
            env.update(GIT_COMMITTER_NAME=name, GIT_COMMITTER_EMAIL=email)
        if not gitstore._AUTHOR.match(author):
            raise EnvironmentProblem("--author must look like 'Name <email>'")
        return env
    if known:
        return {}
    if fallback:
        name, email = fallback[:-1].split(" <", 1)
        return {"GIT_AUTHOR_NAME": name, "GIT_AUTHOR_EMAIL": email,
                "GIT_COMMITTER_NAME": name, "GIT_COMMITTER_EMAIL": email}
    raise EnvironmentProblem(
        "git does not know who you are, so lpcli cannot record who made the change",
        hint="run: git config --global user.name 'Your Name' && "
             "git config --global user.email you@example.org (or pass --author 'Name <email>')")


DEMO_AUTHOR = "lpcli demo <demo@example.invalid>"


@examples("lpcli demo ~/lpcli-demo", "cd ~/lpcli-demo && lpcli list")
@command(cli)
@click.argument("directory", type=click.Path(path_type=Path))
@pass_state
def demo(state, directory):
    """Copy the example casebook into a new git casebook at DIRECTORY and try lpcli on it.

    Runs validate and list on the example (written against 2026-11-20, see its README),
    and shows one case as JSON, printing real output. The copy is yours to experiment with.
    """
    from lpcli import scaffold
    from lpcli.casebook import Casebook

    env = _identity_for_new_repo(directory, state.author, fallback=DEMO_AUTHOR)
    path = scaffold.copy_example(directory, env)
    if env.get("GIT_COMMITTER_NAME") and not state.author:
        # No git identity on this machine: give the demo repository its own, so that the
        # commands suggested below work in it.
        from lpcli import gitstore

        with gitstore.open_repo(path).config_writer() as cw:
            cw.set_value("user", "name", "lpcli demo")
            cw.set_value("user", "email", "demo@example.invalid")
    cb = Casebook(path)
    out = click.echo
    out(f"Copied the example casebook to {path} (a git repository; see README.md there).\n")
    out(f"$ lpcli -C {path} validate")
    from lpcli.diagnostics import render_text
    from lpcli.validate import Checker

    result = Checker(cb).run()
    out(render_text(result.diagnostics, result.files_checked))
    out("")
    out(f"$ lpcli -C {path} list")
    out(_list_text(cb, "open", None, names=False))
    out("")
    out("Next, try:")
    out(f"  cd {path}")
    out("  lpcli show LP-4F7QK-9M2XA --format json")
    out("  lpcli new --name 'Test Child' --dob 2020-01-01")
    out("  lpcli history LP-4F7QK-9M2XA")
    out("  git log --oneline")


# -- new ------------------------------------------------------------------------------------

@examples("lpcli new --name 'Amelia Hart' --dob 2018-02-14",
          "lpcli new --given 'Mary Jane' --family 'Smith' --dob 2019-05-01 --opened-by fs-ahmed",
          "lpcli new --name 'Baby Jones' --expected 2027-02-01 --date 2026-11-20")
@command(cli)
@click.option("--name", help="The child's full name; the last word is taken as the family name.")
@click.option("--given", help="Given name(s), when --name would split the name wrongly.")
@click.option("--family", "family_name", help="Family name, with --given.")
@click.option("--dob", metavar="YYYY-MM-DD", help="Date of birth.")
@click.option("--expected", metavar="YYYY-MM-DD", help="Expected date of birth (unborn child).")
@click.option("--gender", help="Gender as the child or family describes it.")
@click.option("--school", help="School or setting the child attends.")
@click.option("--opened-by", metavar="PRACTITIONER", help="Practitioner ID opening the case.")
@click.option("--source", help="How the needs were identified (for example 'school').")
@date_option("Date the case is opened, YYYY-MM-DD (default: today).")
@pass_state
def new(state, name, given, family_name, dob, expected, gender, school, opened_by, source,
        date_):
    """Open a case for a child and print its new case ID.

    The ID is random (never derived from the child) and is printed alone on stdout, so
    scripts can capture it: ID=$(lpcli new ...). Missing required details are asked for
    when run in a terminal. The case is validated and committed as '<CASE-ID>: case opened'.
    """
    from lpcli import dates, intake, records

    cb = state.casebook
    interactive = sys.stdin.isatty()
    if name and (given or family_name):
        raise click.UsageError("use either --name or --given/--family, not both")
    if not name and not (given and family_name):
        if given or family_name:
            raise click.UsageError("--given and --family go together")
        if not interactive:
            raise click.UsageError("the child's name is required: --name 'FULL NAME'")
        name = click.prompt("Child's full name")
    if name:
        given, family_name = intake.split_name(name)
    if dob and expected:
        raise click.UsageError("use --dob or --expected, not both")
    if not dob and not expected:
        if not interactive:
            raise click.UsageError("the date of birth is required: --dob YYYY-MM-DD "
                                   "(or --expected YYYY-MM-DD for an unborn child)")
        dob = click.prompt("Date of birth (YYYY-MM-DD)", value_proc=_checked_date).isoformat()
    dob_d = dates.parse(dob, "--dob") if dob else None
    exp_d = dates.parse(expected, "--expected") if expected else None
    today = dates.today(cb.settings)
    opened = parse_date_opt(date_, cb.settings)
    if opened > today:
        raise click.BadParameter("the case cannot be opened in the future", param_hint="--date")
    if dob_d and dob_d > opened:
        raise click.BadParameter("the date of birth is after the case was opened",
                                 param_hint="--dob")
    case_id = intake.allocate_id(cb)
    session_author = state.author
    from lpcli import gitstore

    by = gitstore.author_name(gitstore.open_repo(cb.root), session_author)
    text = intake.build_case(case_id, given=given, family=family_name, opened=opened, dob=dob_d,
                             expected=exp_d, gender=gender, school=school, opened_by=opened_by,
                             source=source, by=by, today=today)
    records.create_case(cb, case_id, text, "case opened", author=session_author)
    click.echo(case_id)


# -- list, show, history ------------------------------------------------------------------------

def _iter_cases(cb):
    """(case_id, data) for every readable case; unreadable ones are named on stderr."""
    for case_id in cb.case_ids():
        loaded = cb.load_case(case_id)
        if loaded.fatal or not isinstance(loaded.data, dict):
            click.echo(f"lpcli: warning: cases/{case_id}.yaml cannot be read; "
                       f"run 'lpcli validate' (skipped)", err=True)
            continue
        yield case_id, loaded.data


def _list_rows(cb, status, lead, names):
    from lpcli.listing import child_name, summarise

    rows = []
    for _, data in _iter_cases(cb):
        row = summarise(data, cb.settings)
        if status != "all" and row["status"] != status:
            continue
        if lead and row["lead_professional"] != lead:
            continue
        if names:
            row["child_name"] = child_name(data)
        rows.append(row)
    return rows


def _list_text(cb, status, lead, names) -> str:
    rows = _list_rows(cb, status, lead, names)
    if not rows:
        return f"no {'' if status == 'all' else status + ' '}cases"
    header = ["CASE", "STATUS", "LEAD", "NEXT REVIEW", "NOTE"]
    if names:
        header.insert(1, "CHILD")
    table = [header]
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
        table.append(line)
    widths = [max(len(str(row[i])) for row in table) for i in range(len(header))]
    lines = ["  ".join(str(c).ljust(w) for c, w in zip(row, widths)).rstrip() for row in table]
    noun = "case" if len(rows) == 1 else "cases"
    lines.append(f"{len(rows)} {'' if status == 'all' else status + ' '}{noun}")
    return "\n".join(lines)


@examples("lpcli list", "lpcli list --status all --lead ed-okafor",
          "lpcli list --format json | jq '.[] | select(.lead_professional == null)'")
@command(cli, "list")
@click.option("--status", type=click.Choice(["open", "closed", "all"]), default="open",
              show_default=True)
@click.option("--lead", metavar="PRACTITIONER", help="Only cases led by this practitioner ID.")
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
    cb = state.casebook
    if fmt == "json":
        click.echo(json.dumps(_list_rows(cb, status, lead, names), indent=2, ensure_ascii=False))
    else:
        click.echo(_list_text(cb, status, lead, names))


@examples("lpcli show LP-4F7QK-9M2XA", "lpcli show LP-4F7QK-9M2XA --format json | jq .plan")
@command(cli)
@click.argument("case_id", metavar="CASE")
@click.option("--format", "fmt", type=click.Choice(["yaml", "json"]), default="yaml",
              show_default=True, help="yaml: the file as it is; json: the whole record.")
@pass_state
def show(state, case_id, fmt):
    """Show one case's record (it holds personal data: mind where you paste it)."""
    from lpcli.casebook import read_text_safely
    from lpcli.errors import EnvironmentProblem

    cb = state.casebook
    data = cb.read_case(case_id)
    if fmt == "json":
        click.echo(json.dumps(data, indent=2, ensure_ascii=False))
    else:
        text, problem = read_text_safely(cb.case_path(case_id))
        if problem:
            raise EnvironmentProblem(f"cases/{case_id}.yaml cannot be read: {problem.message}")
        click.echo(text, nl=False)


@examples("lpcli history LP-4F7QK-9M2XA", "lpcli history LP-4F7QK-9M2XA --format json")
@command(cli)
@click.argument("case_id", metavar="CASE")
@click.option("--format", "fmt", type=FORMAT_TEXT_JSON, default="text", show_default=True)
@pass_state
def history(state, case_id, fmt):
    """Show a case's history from git: date, author and what happened."""
    from dataclasses import asdict

    from lpcli import gitstore
    from lpcli.errors import CaseNotFound

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


# -- edit -----------------------------------------------------------------------------------

@examples("lpcli edit LP-4F7QK-9M2XA", "EDITOR=nano lpcli edit LP-4F7QK-9M2XA")
@command(cli)
@click.argument("case_id", metavar="CASE")
@pass_state
def edit(state, case_id):
    """Edit a case in your editor ($VISUAL or $EDITOR), like 'crontab -e'.

    On saving, the result is validated. An invalid edit is shown with its errors and you
    can edit again or abandon it; it is never committed. A valid one is committed as
    '<CASE-ID>: edited by hand'. Closing the editor without changes changes nothing.
    """
    from lpcli import records
    from lpcli.casebook import read_text_safely
    from lpcli.diagnostics import ERROR
    from lpcli.errors import EnvironmentProblem

    cb = state.casebook
    path = cb.case_path(case_id)
    original, problem = read_text_safely(path)
    if problem is not None:
        raise EnvironmentProblem(f"cases/{case_id}.yaml cannot be opened: {problem.message}")
    draft = original
    workdir = _private_edit_dir(cb)
    tmp = workdir / f"{case_id}.yaml"
    try:
        while True:
            tmp.write_text(draft, encoding="utf-8")
            os.chmod(tmp, 0o600)
            click.edit(filename=str(tmp))
            draft = tmp.read_text(encoding="utf-8")
            if draft == original:
                click.echo("No changes; nothing was committed.", err=True)
                return
            errors = [d for d in records.validate_text(cb, case_id, draft) if d.severity == ERROR]
            if not errors:
                break
            click.echo(f"The edited case has {len(errors)} error(s); it was not saved:", err=True)
            for d in errors:
                click.echo(f"  {d.as_text()}", err=True)
            if not sys.stdin.isatty():
                click.echo("Edit abandoned; the case is unchanged.", err=True)
                sys.exit(1)
            choice = click.prompt("(e)dit again or (a)bandon?", type=click.Choice(["e", "a"]),
                                  default="e", err=True)
            if choice == "a":
                click.echo("Edit abandoned; the case is unchanged.", err=True)
                sys.exit(1)
        written = records.replace_case_text(cb, case_id, draft, "edited by hand",
                                            expected_old=original, author=state.author)
        click.echo(f"Saved and committed: {written.message}", err=True)
    finally:
        tmp.unlink(missing_ok=True)


def _private_edit_dir(cb) -> Path:
    """A folder inside .git for drafts: never committed, never in /tmp for others to read."""
    from lpcli import gitstore

    repo = gitstore.open_repo(cb.root)
    folder = Path(repo.git_dir) / "lpcli-edit"
    folder.mkdir(mode=0o700, exist_ok=True)
    return folder
