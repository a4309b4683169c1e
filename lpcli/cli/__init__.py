"""The command line: small click commands over the lpcli library.

Each command parses its options, calls the library, and hands results to a reporter. Domain
errors (``lpcli.errors``) become a message on stderr and the documented exit code:
0 ok, 1 findings or a refusal, 2 a usage or environment problem.
"""

from __future__ import annotations

import contextlib
import json
import os
import sys
from pathlib import Path

import click

from lpcli import __version__
from lpcli.core.errors import InvalidRecord, LpcliError, RuleViolation

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
            from lpcli.casebook.book import Casebook

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
        except BrokenPipeError:
            # The reader stopped reading (| head): not an error. Point stdout at /dev/null so
            # Python's final flush does not complain either.
            devnull = os.open(os.devnull, os.O_WRONLY)
            os.dup2(devnull, sys.stdout.fileno())
            ctx.exit(0)
        except OSError as exc:
            if os.environ.get("LPCLI_DEBUG"):
                raise
            click.echo(f"lpcli: error: {exc.strerror or type(exc).__name__} "
                       f"({_file_named(exc.filename)})", err=True)
            if isinstance(exc, PermissionError):
                click.echo("hint: check that you may write in that folder (ls -ld); nothing "
                           "was changed", err=True)
            ctx.exit(2)
        except (click.exceptions.Exit, click.ClickException, click.Abort):
            raise  # click's own way out (an exit code, a usage error): click reports it
        except Exception as exc:  # noqa: BLE001 - the last line of defence, see below
            if os.environ.get("LPCLI_DEBUG"):
                raise
            report_internal_error(exc)
            ctx.exit(INTERNAL_ERROR)


def _file_named(filename) -> str:
    """The file an OSError is about, by name only (a temporary file by the name of the file
    it was to become)."""
    if not filename:
        return "file system"
    name = Path(os.fsdecode(filename)).name
    from lpcli.files.safeio import TMP_MARK

    if name.startswith(".") and TMP_MARK in name:
        name = name[1:name.index(TMP_MARK)]
    return name


# A bug in lpcli itself (an exception nothing expected). Not 1 or 2: a script must be able
# to tell "lpcli found something" and "you used it wrongly" from "lpcli is broken".
INTERNAL_ERROR = 3


def report_internal_error(exc: BaseException) -> None:
    """One line on stderr for an unexpected exception: what failed and where in lpcli, never
    the exception's text (it can quote a value from a case file), whether anything was
    committed, and how to report it."""
    import traceback

    frames = traceback.extract_tb(exc.__traceback__)
    package = Path(__file__).resolve().parent.parent  # lpcli/, from lpcli/cli/
    where = "lpcli"
    for frame in reversed(frames):  # the innermost frame in lpcli's own code
        try:
            rel = Path(frame.filename).resolve().relative_to(package)
        except ValueError:
            continue
        where = f"lpcli/{rel.as_posix()}:{frame.lineno} ({frame.name})"
        break
    from lpcli.gitstore import commits_made

    changed = (f"the change was committed first (commit {commits_made[-1][:8]})"
               if commits_made else "nothing was changed")
    click.echo(f"lpcli: internal error: {type(exc).__name__} in {where}; {changed}. This is "
               "a bug in lpcli: please report it with the command you ran and this line (not "
               "the case file). LPCLI_DEBUG=1 shows the details.", err=True)


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


class CaseIdType(click.ParamType):
    """A CASE argument, checked against the case ID allow-list when the command line is
    parsed: a path, an option or a name typed by mistake is refused (exit 2) before any
    other option is looked at or any file opened, and never echoed back."""

    name = "case"

    def convert(self, value, param, ctx):
        from lpcli.core.caseid import check_case_id
        from lpcli.core.errors import InvalidCaseId

        try:
            return check_case_id(value)
        except InvalidCaseId as exc:
            self.fail(f"{exc.message} ({exc.hint})", param, ctx)


CASE_ID = CaseIdType()


def date_option(help_text="Date of the event, YYYY-MM-DD (default: today)."):
    return click.option("--date", "date_", metavar="YYYY-MM-DD", help=help_text)


def _checked_date(text):
    """For prompts: a bad date asks again instead of ending the command."""
    from lpcli.core import dates

    try:
        return dates.parse(text.strip(), "the date")
    except dates.BadDate as exc:
        raise click.BadParameter(exc.message)


def parse_date_opt(value, settings, what="--date"):
    from lpcli.core import dates

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
    from lpcli.gitstore import commits_made
    from lpcli.files.safeio import set_private_umask

    set_private_umask()
    _paths_print_as_bytes()
    commits_made.clear()  # this command's commits (one process may run several, in tests)
    ctx.obj = State(casebook_path, author, color)


def _paths_print_as_bytes() -> None:
    """A folder name that is not UTF-8 ('case\xffbook') reaches Python as text holding
    surrogates, which a UTF-8 terminal's strict encoder refuses. Written back as the bytes
    they stand for, the name prints as 'ls' shows it, and no message fails for it."""
    for stream in (sys.stdout, sys.stderr):
        reconfigure = getattr(stream, "reconfigure", None)
        if reconfigure is not None and getattr(stream, "errors", None) == "strict":
            with contextlib.suppress(ValueError, OSError):
                reconfigure(errors="surrogateescape")


def main():
    try:
        cli(prog_name="lpcli")
    except Exception as exc:  # noqa: BLE001 - outside a command (completion, start-up)
        if os.environ.get("LPCLI_DEBUG"):
            raise
        report_internal_error(exc)
        sys.exit(INTERNAL_ERROR)


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
    from lpcli.core import diagnostics
    from lpcli.casebook.book import Casebook
    from lpcli.casebook.checker import Checker

    if state.casebook_path or not paths:
        cb = state.casebook
    else:
        first = Path(paths[0]).resolve()
        cb = Casebook.find(None, first if first.is_dir() else first.parent)
    with _progress(cb, "Validating") as tick:
        result = Checker(cb, paths).run(progress=(lambda path: tick(1)) if tick else None)
    if fmt == "json":
        click.echo(diagnostics.render_json(result.diagnostics))
    else:
        from lpcli.check import permissions

        color = use_color(state.color)
        # A clone made with a loose umask warns for every file: print a few and a count.
        shown, folded = permissions.fold(result.diagnostics)
        for d in shown:
            line = d.as_text()
            if color:
                line = line.replace(f": {d.severity}:", ": " + click.style(
                    d.severity, fg="red" if d.severity == "error" else "yellow", bold=True)
                    + ":", 1)
            # click strips escapes when stdout is not a terminal, unless told otherwise.
            click.echo(line, color=color)
        if folded:
            click.echo(permissions.folded_line(folded, cb.root))
        click.echo(diagnostics.summary(result.diagnostics, result.files_checked))
    sys.exit(1 if result.errors else 0)


# -- init, demo ------------------------------------------------------------------------------

@examples("lpcli init ~/casebook --agency 'Riverside Family Hub'", "cd ~/casebook && lpcli validate",
          "lpcli init --clone /mnt/shared/casebook.git ~/casebook",
          "lpcli init --clone ssh://git.example.org/family-hub/casebook.git")
@command(cli)
@click.argument("directory", required=False, type=click.Path(path_type=Path))
@click.option("--agency", help="Name of your agency (printed on documents).")
@click.option("--clone", "clone_url", metavar="URL",
              help="Make your own copy of a shared casebook (a bare repository on a shared "
                   "drive, or a git server) instead of a new one.")
@pass_state
def init(state, directory, agency, clone_url):
    """Create a new casebook in DIRECTORY (default: the current folder), or copy a shared one.

    Makes a git repository with lpcli.yaml, an empty practitioners.yaml and a cases/
    folder, sets git options that protect the data, and commits them.

    With --clone URL, DIRECTORY (default: named after the URL) becomes your own copy of the
    shared casebook, with the same protective git options; 'lpcli sync' then shares changes
    both ways.
    """
    from lpcli.casebook import scaffold

    if clone_url:
        _init_clone(clone_url, directory, agency)
        return
    directory = directory or Path(".")
    if not agency:
        if sys.stdin.isatty():
            agency = click.prompt("Agency name")
        else:
            raise click.UsageError("--agency is required when not run in a terminal")
    env = _identity_for_new_repo(directory, state.author)
    path = scaffold.init_casebook(directory, agency, env)
    click.echo(f"Created an lpcli casebook in {path}")
    click.echo("Next: add practitioners to practitioners.yaml, then 'lpcli new --name ... --dob ...'")


def _init_clone(url, directory, agency) -> None:
    from lpcli import gitstore
    from lpcli import sync as syncmod
    from lpcli.casebook.book import Casebook
    from lpcli.core.diagnostics import ERROR, count
    from lpcli.casebook.checker import Checker

    if agency:
        raise click.UsageError("--agency comes from the shared casebook; leave it out with --clone")
    path = syncmod.clone(url, directory)
    cb = Casebook(path)
    result = Checker(cb).run()
    click.echo(f"Cloned the casebook from {gitstore.safe_url(url)} into {path}: "
               f"{len(cb.case_ids())} cases.")
    errors = count(result.diagnostics, ERROR)
    if errors:
        click.echo(f"lpcli: warning: it has {errors} validation error(s); run "
                   f"'lpcli -C {path} validate' to see them", err=True)
    click.echo(f"Next: cd {path}; changes you make are committed there, and 'lpcli sync' "
               "shares them with the others.")


def _identity_for_new_repo(directory: Path, author: str | None, fallback: str | None = None):
    """Identity env for the first commit of a new repository (checked before creating it)."""
    import subprocess

    from lpcli import gitstore
    from lpcli.core.errors import EnvironmentProblem

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
DEMO_DATE = "2026-11-20"   # the date the example casebook is written against
DEMO_CASE = "LP-4F7QK-9M2XA"


@examples("lpcli demo ~/lpcli-demo", "cd ~/lpcli-demo && lpcli list")
@command(cli)
@click.argument("directory", type=click.Path(path_type=Path))
@pass_state
def demo(state, directory):
    """Copy the example casebook into a new git casebook at DIRECTORY and try lpcli on it.

    Runs validate and list on the example (written against 2026-11-20, see its README)
    and writes one family plan as HTML into DIRECTORY/documents/ (ignored by git), printing
    real output. The copy is yours to experiment with.
    """
    from lpcli.core import dates
    from lpcli.casebook import scaffold
    from lpcli.casebook.book import Casebook

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
    from lpcli.core.diagnostics import render_text
    from lpcli.casebook.checker import Checker

    result = Checker(cb).run()
    out(render_text(result.diagnostics, result.files_checked))
    out("")
    out(f"$ lpcli -C {path} list")
    out(_list_text(cb, "open", None, names=False))
    out("")
    from lpcli.documents import render as rd
    from lpcli.files.safeio import atomic_write

    example_day = dates.parse(DEMO_DATE)
    plan_file = path / "documents" / f"{DEMO_CASE}-plan.html"
    plan_file.parent.mkdir(exist_ok=True)
    atomic_write(plan_file, rd.render(cb, "plan", DEMO_CASE, "html", today=example_day))
    out(f"$ lpcli -C {path} render plan {DEMO_CASE} --as-of {DEMO_DATE} -o {plan_file}")
    out(f"Wrote the family's plan for {DEMO_CASE}: open {plan_file} in a browser and print it,")
    out("or add --format pdf (after: pip install 'lpcli[pdf]').")
    out("")
    out("Next, try:")
    out(f"  cd {path}")
    out(f"  lpcli show {DEMO_CASE} --format json")
    out("  lpcli nominate LP-TX681-MBQS9 --suggest")
    out("  lpcli render handover LP-RVKC0-XRF53 --format md")
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
    from lpcli.core import dates
    from lpcli.workflow import intake
    from lpcli.casebook import records

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
    _notes(records.create_case(cb, case_id, text, "case opened", author=session_author))
    click.echo(case_id)
    _share_after_change(state)


# -- list, show, history ------------------------------------------------------------------------

def _warn_left_out(count: int) -> None:
    """One line for every case a report left out (never their names: the line may be
    mailed); 'lpcli validate' explains each."""
    if count:
        files = "1 case file has" if count == 1 else f"{count} case files have"
        click.echo(f"lpcli: warning: {files} errors and {'was' if count == 1 else 'were'} "
                   "left out: run 'lpcli validate'", err=True)


@contextlib.contextmanager
def _progress(cb, label="Reading cases"):
    """A progress bar on a terminal for long runs; nothing at all otherwise (cron, pipes)."""
    total = len(cb.case_ids()) if sys.stderr.isatty() else 0
    if total < PROGRESS_THRESHOLD:
        yield None
        return
    with click.progressbar(length=total, label=label, file=sys.stderr) as bar:
        yield bar.update


PROGRESS_THRESHOLD = 200


def _iter_cases(cb):
    """(case_id, data) for every case that passed the gate; the rest are counted on stderr."""
    left_out = []
    with _progress(cb) as tick:
        yield from cb.cases(progress=tick, unreadable=left_out.append)
    _warn_left_out(len(left_out))


def _list_rows(cb, status, lead, names):
    from lpcli.reports.listing import child_name, summarise

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
@click.argument("case_id", metavar="CASE", type=CASE_ID)
@click.option("--format", "fmt", type=click.Choice(["yaml", "json"]), default="yaml",
              show_default=True, help="yaml: the file as it is; json: the whole record.")
@pass_state
def show(state, case_id, fmt):
    """Show one case's record (it holds personal data: mind where you paste it)."""
    from lpcli.files.safeio import read_text_safely
    from lpcli.core.errors import EnvironmentProblem

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
@command(cli)
@click.argument("case_id", metavar="CASE", type=CASE_ID)
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


# -- edit -----------------------------------------------------------------------------------

@examples("lpcli edit LP-4F7QK-9M2XA", "EDITOR=nano lpcli edit LP-4F7QK-9M2XA")
@command(cli)
@click.argument("case_id", metavar="CASE", type=CASE_ID)
@pass_state
def edit(state, case_id):
    """Edit a case in your editor ($VISUAL or $EDITOR), like 'crontab -e'.

    On saving, the result is validated. An invalid edit is shown with its errors and you
    can edit again or abandon it; it is never committed. A valid one is committed as
    '<CASE-ID>: edited by hand'. Closing the editor without changes changes nothing.

    During a sync that stopped on this case, the file shows your version and the shared
    one between conflict marker lines: keep what is right, delete the marker lines, save.
    The result is checked the same way and marked resolved; 'lpcli sync' then finishes.
    """
    from lpcli.casebook import records
    from lpcli import sync as syncmod
    from lpcli.files.safeio import read_text_safely
    from lpcli.core.diagnostics import ERROR
    from lpcli.core.errors import EnvironmentProblem

    cb = state.casebook
    path = cb.case_path(case_id)
    records.Session(cb, state.author)  # refuse before the editor opens, not after the work
    original, problem = read_text_safely(path)
    if problem is not None:
        raise EnvironmentProblem(f"cases/{case_id}.yaml cannot be opened: {problem.message}")
    pending = syncmod.pending_for(cb)
    resolving = pending is not None and f"cases/{case_id}.yaml" in pending.paths
    if resolving:
        click.echo(f"cases/{case_id}.yaml was changed here and in the shared casebook. Where "
                   f"the changes conflict, the file shows both: yours after "
                   f"'<<<<<<< {syncmod.YOURS}', the shared one after '======='. Keep what is "
                   "right (or combine them), delete the three marker lines, save and close.",
                   err=True)

    def problems(text):
        # Conflict markers left in a resolution are errors like any other.
        return [d for d in records.validate_text(cb, records.Target.case(cb, case_id), text) if d.severity == ERROR]

    draft = original
    workdir = _private_edit_dir(cb)
    tmp = workdir / f"{case_id}.yaml"
    try:
        while True:
            # newline="": the file's own line endings both ways, so that an editor that
            # changes nothing in a CRLF file changes nothing (not every line).
            tmp.write_text(draft, encoding="utf-8", newline="")
            os.chmod(tmp, 0o600)
            click.edit(filename=str(tmp))
            try:
                with open(tmp, encoding="utf-8", newline="") as fh:
                    draft = fh.read()
            except UnicodeDecodeError:
                raise EnvironmentProblem(
                    "the edited case is not UTF-8 text, so it was not saved",
                    hint="set your editor to save files as UTF-8 and edit again")
            errors = problems(draft)
            # Unchanged is the end unless it resolves a sync (the merge git made may already
            # be valid once, say, practitioners.yaml was fixed).
            if draft == original and (errors or not resolving):
                click.echo(f"No changes; cases/{case_id}.yaml still waits to be resolved."
                           if resolving else "No changes; nothing was committed.", err=True)
                return
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
        if resolving:
            left = syncmod.resolve_case(cb, case_id, draft, expected_old=original)
            click.echo(f"Resolved cases/{case_id}.yaml. " + (
                f"Still to resolve: {', '.join(left)}." if left else
                "Every file is resolved: run 'lpcli sync' to finish."), err=True)
            return
        written = records.replace_text(cb, records.Target.case(cb, case_id), draft, "edited by hand",
                                            expected_old=original, author=state.author)
        _notes(written)
        click.echo(f"Saved and committed: {written.message}", err=True)
        _share_after_change(state)
    finally:
        tmp.unlink(missing_ok=True)


def _private_edit_dir(cb) -> Path:
    """A folder inside .git for drafts: never committed, never in /tmp for others to read."""
    from lpcli import gitstore

    repo = gitstore.open_repo(cb.root)
    folder = Path(repo.git_dir) / "lpcli-edit"
    folder.mkdir(mode=0o700, exist_ok=True)
    return folder


# -- the lead professional workflow ----------------------------------------------------------

def _done(state, written) -> None:
    """The one line a successful change prints (IDs only), plus any warnings left."""
    _notes(written)
    click.echo(f"{written.message} (commit {written.commit[:8]})")
    for d in written.warnings:
        click.echo(f"lpcli: warning: {d.as_text()}", err=True)
    _share_after_change(state)


def _share_after_change(state) -> None:
    """With 'sync: {auto_push: true}' in lpcli.yaml, share the change just committed."""
    from lpcli import sync as syncmod

    if syncmod.auto_push_enabled(state.casebook):
        click.echo(f"lpcli: {syncmod.share_after_change(state.casebook, state.author)}",
                   err=True)


def _notes(written) -> None:
    """What was cleaned up before the change (an earlier, interrupted command's write)."""
    for note in written.notes:
        click.echo(f"lpcli: note: {note}", err=True)


def _opt_date(value, what):
    from lpcli.core import dates

    return dates.parse(value, what) if value else None


@examples("lpcli nominate LP-TX681-MBQS9 --suggest",
          "lpcli nominate LP-TX681-MBQS9 fs-ahmed --meeting-date 2026-11-19 --family-agreed \\",
          "    --manager-agreed --present --rationale 'Family support is the main need'",
          "lpcli nominate LP-6D7NE-43ZY4 --unresolved --meeting-date 2026-10-05 \\",
          "    --escalated-to 'Early help service manager' --reason 'No one clearly best placed'")
@command(cli)
@click.argument("case_id", metavar="CASE", type=CASE_ID)
@click.argument("practitioner", required=False)
@click.option("--suggest", is_flag=True, help="Rank the team as candidates, with reasons; "
              "changes nothing.")
@click.option("--unresolved", is_flag=True, help="Record that the meeting could not agree, "
              "and the escalation.")
@click.option("--meeting-date", metavar="YYYY-MM-DD", help="Date of the multi-agency meeting.")
@click.option("--family-agreed", is_flag=True, help="The family agreed to this lead professional.")
@click.option("--manager-agreed", is_flag=True, help="Their line manager agreed.")
@click.option("--present", "presence", flag_value="present",
              help="They were present at the meeting.")
@click.option("--agreed-beforehand", "presence", flag_value="agreed_beforehand",
              help="They were not present but explicitly agreed beforehand.")
@click.option("--rationale", help="Why this practitioner, against the criteria.")
@click.option("--criterion", "criteria", multiple=True,
              type=click.Choice(["predominant_needs", "main_agency", "existing_relationship",
                                 "statutory_responsibility", "coordination_skills",
                                 "draws_in_services", "knows_local_support", "capacity",
                                 "family_wishes"]),
              help="A criterion from the guidance this choice meets (repeatable).")
@click.option("--escalated-to", metavar="NAME", help="With --unresolved: who it was escalated to.")
@click.option("--reason", help="With --unresolved: why no one was clearly best placed.")
@click.option("--venue", help="Where the meeting was held.")
@click.option("--attendee", "attendees", multiple=True, metavar="PRACTITIONER",
              help="A practitioner at the meeting (repeatable).")
@click.option("--meeting-kind", type=click.Choice(["team_around_the_child",
                                                   "team_around_the_family", "other"]),
              default="team_around_the_family", show_default=True)
@date_option("Date the lead professional takes up the role (default: the meeting date).")
@click.option("--format", "fmt", type=FORMAT_TEXT_JSON, default="text", show_default=True,
              help="With --suggest.")
@pass_state
def nominate(state, case_id, practitioner, suggest, unresolved, meeting_date, family_agreed,
             manager_agreed, presence, rationale, criteria, escalated_to, reason, venue,
             attendees, meeting_kind, date_, fmt):
    """Record the lead professional chosen at a multi-agency meeting.

    Enforces the guidance: a lead professional only when the assessment found needs that
    require an integrated response; the meeting after the assessment; a practitioner already
    in the team; the family's and the line manager's agreement; present or agreed
    beforehand; for a statutory case, the named statutory practitioner. Every failed rule is
    reported, and nothing is written (exit 1). When a lead professional is in place, use
    'lpcli handover'.
    """
    from lpcli.core import dates
    from lpcli.workflow import nominate as nom

    cb = state.casebook
    if suggest:
        if practitioner or unresolved:
            raise click.UsageError("--suggest takes only a CASE")
        _print_suggestions(cb, case_id, nom.suggest(cb, case_id, dates.today(cb.settings)), fmt)
        return
    if not meeting_date:
        raise click.UsageError("--meeting-date is required")
    meeting = dates.parse(meeting_date, "--meeting-date")
    if unresolved:
        if practitioner:
            raise click.UsageError("--unresolved records that no one was agreed: give no "
                                   "PRACTITIONER")
        if not escalated_to:
            raise click.UsageError("--unresolved needs --escalated-to NAME")
        _done(state, nom.record_unresolved(cb, case_id, meeting_date=meeting,
                                           escalated_to=escalated_to, reason=reason,
                                           meeting_kind=meeting_kind, venue=venue,
                                           attendees=attendees, author=state.author))
        return
    if not practitioner:
        raise click.UsageError("give the PRACTITIONER to nominate (or --suggest, --unresolved)")
    if not rationale:
        raise click.UsageError("--rationale is required: why this practitioner, against the "
                               "criteria")
    _done(state, nom.nominate(cb, case_id, practitioner, meeting_date=meeting,
                              family_agreed=family_agreed, manager_agreed=manager_agreed,
                              presence=presence, rationale=rationale, criteria=criteria,
                              start=_opt_date(date_, "--date"), meeting_kind=meeting_kind,
                              venue=venue, attendees=attendees, author=state.author))


def _print_suggestions(cb, case_id, candidates, fmt):
    if fmt == "json":
        click.echo(json.dumps([c.as_dict() for c in candidates], indent=2, ensure_ascii=False))
        return
    if not candidates:
        click.echo(f"{case_id} has no current team members to suggest; add the practitioners "
                   "working with the child to 'team' (lpcli edit)")
        return
    click.echo(f"Lead professional candidates for {case_id} (the meeting decides, with the "
               "family):")
    for c in candidates:
        flag = "" if c.eligible else "  [not eligible]"
        click.echo(f"{c.rank}. {c.practitioner}  {c.name}, {c.agency}  "
                   f"(score {c.score}){flag}")
        for r in c.reasons:
            sign = "+" if r.points > 0 else "-" if r.points < 0 else " "
            click.echo(f"   {sign} {r.text}")


@examples("lpcli review LP-4F7QK-9M2XA --date 2026-11-20 --progress 'Reading improving' \\",
          "    --family-view 'Happy with school support' --next-review 2027-01-08",
          "lpcli review LP-4F7QK-9M2XA --from-file review.yaml",
          "lpcli review LP-4F7QK-9M2XA   # asks for each part in a terminal")
@command(cli)
@click.argument("case_id", metavar="CASE", type=CASE_ID)
@date_option("Date of the review, YYYY-MM-DD (default: today).")
@click.option("--progress", help="Overall progress towards the outcomes.")
@click.option("--outcome-progress", "outcome_progress", multiple=True, metavar="ID=RATING",
              help="Progress on one outcome, e.g. O1=good_progress (not_started, "
                   "some_progress, good_progress, achieved, worse). Repeatable.")
@click.option("--changed-circumstances", help="Changes in circumstances and needs.")
@click.option("--family-view", help="What the family said, in their words.")
@click.option("--child-view", help="What the child said, in their words.")
@click.option("--family-satisfaction", type=click.Choice(["very_satisfied", "satisfied", "mixed",
                                                          "dissatisfied", "not_asked"]))
@click.option("--practitioner-views", help="Other practitioners' views.")
@click.option("--plan-changes", help="Changes made to the plan.")
@click.option("--signposting", help="Signposting or referral to other services.")
@click.option("--exit-strategy", help="Progress of the exit strategy.")
@click.option("--within-timescales/--not-within-timescales", default=None,
              help="Whether the work is within timescales.")
@click.option("--attendee", "attendees", multiple=True, metavar="ID",
              help="Who took part: practitioner or family member ID (repeatable).")
@click.option("--next-review", metavar="YYYY-MM-DD",
              help="Date of the next review (default: this review + the case's interval).")
@click.option("--next-review-venue", help="Where the next review will be held.")
@click.option("--from-file", type=click.Path(exists=True, dir_okay=False, path_type=Path),
              help="A YAML file of review fields (options given on the command line win).")
@click.option("--no-input", is_flag=True, help="Never ask questions, even in a terminal.")
@pass_state
def review(state, case_id, date_, progress, outcome_progress, changed_circumstances,
           family_view, child_view, family_satisfaction, practitioner_views, plan_changes,
           signposting, exit_strategy, within_timescales, attendees, next_review,
           next_review_venue, from_file, no_input):
    """Log a review of the multi-agency plan.

    Records what the guidance says a review weighs: changed circumstances, progress towards
    each outcome, the family's satisfaction and views (and the child's), other
    practitioners' views, changes to the plan, signposting, the exit strategy, timescales,
    who attended, and the date of the next review. In a terminal, parts not given as options
    are asked for (Enter skips one). A closed case refuses a review.
    """
    from lpcli.core import vocabulary
    from lpcli.workflow import reviews

    cb = state.casebook
    fields = reviews.load_review_file(from_file) if from_file else {}
    given = {
        "date": _opt_date(date_, "--date"), "progress": progress,
        "changed_circumstances": changed_circumstances, "family_view": family_view,
        "child_view": child_view, "family_satisfaction": family_satisfaction,
        "practitioner_views": practitioner_views, "plan_changes": plan_changes,
        "signposting": signposting, "exit_strategy": exit_strategy,
        "within_timescales": within_timescales, "attendees": list(attendees) or None,
        "next_review": _opt_date(next_review, "--next-review"),
        "next_review_venue": next_review_venue,
    }
    if outcome_progress:
        items = []
        for spec in outcome_progress:
            oid, _, rating = spec.partition("=")
            if rating not in vocabulary.RATINGS:
                raise click.BadParameter(f"'{spec}': write ID=RATING with RATING one of "
                                         + ", ".join(vocabulary.RATINGS),
                                         param_hint="--outcome-progress")
            items.append({"outcome": oid, "rating": rating})
        given["outcome_progress"] = items
    fields.update({k: v for k, v in given.items() if v is not None})
    if sys.stdin.isatty() and not no_input:
        _ask_review(fields)
    _done(state, reviews.record_review(cb, case_id, fields, author=state.author))


REVIEW_QUESTIONS = (
    ("changed_circumstances", "Changes in circumstances or needs"),
    ("progress", "Progress towards the outcomes"),
    ("family_view", "What the family said"),
    ("child_view", "What the child said"),
    ("practitioner_views", "Other practitioners' views"),
    ("plan_changes", "Changes to the plan"),
    ("signposting", "Signposting or referrals"),
    ("exit_strategy", "Exit strategy"),
)


def _ask_review(fields: dict) -> None:
    click.echo("Press Enter to skip a question.", err=True)
    for key, label in REVIEW_QUESTIONS:
        if key not in fields:
            answer = click.prompt(label, default="", show_default=False, err=True).strip()
            if answer:
                fields[key] = answer
    if "family_satisfaction" not in fields:
        answer = click.prompt("Family satisfaction", default="not_asked", err=True,
                              type=click.Choice(["very_satisfied", "satisfied", "mixed",
                                                 "dissatisfied", "not_asked"]))
        fields["family_satisfaction"] = answer
    if "within_timescales" not in fields:
        fields["within_timescales"] = click.confirm("Is the work within timescales?",
                                                    default=True, err=True)
    if "next_review" not in fields:
        answer = click.prompt("Next review date (Enter: the case's usual interval)", default="",
                              show_default=False, err=True,
                              value_proc=lambda t: _checked_date(t) if t.strip() else "")
        if answer:
            fields["next_review"] = answer


@cli.group(cls=LpcliGroup, context_settings=CONTEXT)
def action():
    """Add actions to a case's plan and change their status."""


action.epilog = ("Examples:\n\n\b\n  lpcli action add LP-4F7QK-9M2XA --owner salt-evans --due "
                 "2027-01-15 'Review speech targets'\n"
                 "  lpcli action update LP-4F7QK-9M2XA A3 --status done --note 'Finished'")


@examples("lpcli action add LP-4F7QK-9M2XA --owner salt-evans --due 2027-01-15 "
          "'Review speech targets'",
          "lpcli action add LP-4F7QK-9M2XA --owner mum --outcome O1 --due 2026-12-18 "
          "'Read together each evening'")
@command(action, "add")
@click.argument("case_id", metavar="CASE", type=CASE_ID)
@click.argument("text")
@click.option("--owner", required=True, metavar="ID",
              help="Who owns it: a practitioner in the team, a family member's ID, or 'child'.")
@click.option("--due", required=True, metavar="YYYY-MM-DD", help="By when.")
@click.option("--outcome", metavar="ID", help="The outcome it serves (e.g. O1).")
@date_option("Date the action was agreed (default: today).")
@pass_state
def action_add(state, case_id, text, owner, due, outcome, date_):
    """Add an action with one owner to a case's plan.

    The first action of a case without a plan starts the plan, agreed on --date; the first
    review then falls due after the casebook's first-review interval.
    """
    from lpcli.workflow import actions
    from lpcli.core import dates

    _done(state, actions.add_action(state.casebook, case_id, owner=owner,
                                    due=dates.parse(due, "--due"), text=text, outcome=outcome,
                                    date=_opt_date(date_, "--date"), author=state.author))


@examples("lpcli action update LP-4F7QK-9M2XA A3 --status in_progress",
          "lpcli action update LP-4F7QK-9M2XA A3 --status done --note 'Finished' --date 2026-11-20")
@command(action, "update")
@click.argument("case_id", metavar="CASE", type=CASE_ID)
@click.argument("action_id", metavar="ACTION")
@click.option("--status", required=True, type=click.Choice(["open", "in_progress", "done",
                                                            "dropped"]))
@click.option("--note", help="Why, or what happened.")
@date_option("Date of the change (default: today).")
@pass_state
def action_update(state, case_id, action_id, status, note, date_):
    """Change an action's status; the change is kept in the action's history."""
    from lpcli.workflow import actions

    _done(state, actions.update_action(state.casebook, case_id, action_id, status=status,
                                       note=note, date=_opt_date(date_, "--date"),
                                       author=state.author))


@cli.group(cls=LpcliGroup, context_settings=CONTEXT)
def outcome():
    """Add outcomes (what we want to change) to a case's plan."""


outcome.epilog = ("Examples:\n\n\b\n  lpcli outcome add LP-4F7QK-9M2XA "
                  "'Millie sleeps through the night'")


@examples("lpcli outcome add LP-4F7QK-9M2XA 'Millie sleeps through the night'",
          "lpcli outcome add LP-4F7QK-9M2XA 'Attendance above 95%' --measure 'School register'")
@command(outcome, "add")
@click.argument("case_id", metavar="CASE", type=CASE_ID)
@click.argument("text")
@click.option("--measure", help="How we will know it has been reached.")
@date_option("Date it was agreed (default: today).")
@pass_state
def outcome_add(state, case_id, text, measure, date_):
    """Add an outcome to a case's plan (starting the plan if there is none)."""
    from lpcli.workflow import actions

    _done(state, actions.add_outcome(state.casebook, case_id, text, measure=measure,
                                     date=_opt_date(date_, "--date"), author=state.author))


@examples("lpcli handover LP-RVKC0-XRF53 ed-quinn --reason 'Moving to Hillcrest Academy' \\",
          "    --transition school_change --family-informed --family-agreed --manager-agreed "
          "--present")
@command(cli)
@click.argument("case_id", metavar="CASE", type=CASE_ID)
@click.argument("new_practitioner", metavar="NEW_PRACTITIONER")
@click.option("--reason", required=True, help="Why the case is handed over.")
@click.option("--family-informed", is_flag=True, help="The family was told and involved.")
@click.option("--transition", type=click.Choice(["school_change", "adult_services", "moved_area",
                                                 "step_up", "step_down", "lp_leaving_post",
                                                 "other"]),
              default="other", show_default=True, help="The transition point.")
@click.option("--receiving-agency", metavar="NAME",
              help="The agency taking over (default: the new practitioner's agency).")
@click.option("--family-agreed", is_flag=True, help="The family agreed to the new lead.")
@click.option("--manager-agreed", is_flag=True, help="The new lead's line manager agreed.")
@click.option("--present", "presence", flag_value="present",
              help="The new lead was at the handover meeting.")
@click.option("--agreed-beforehand", "presence", flag_value="agreed_beforehand",
              help="The new lead explicitly agreed beforehand.")
@click.option("--notes", help="Notes for the receiving lead professional.")
@date_option("Date of the handover (default: today).")
@pass_state
def handover(state, case_id, new_practitioner, reason, family_informed, transition,
             receiving_agency, family_agreed, manager_agreed, presence, notes, date_):
    """Hand a case over to a new lead professional or agency at a transition point.

    The previous lead professional stays in the history; the actions outstanding at the time
    are listed in the handover record. The new lead must meet the same rules as a
    nomination, the family must be informed, and consent must allow sharing with the
    receiving agency: if the family said that agency may not receive information, the
    handover is refused.
    """
    from lpcli.workflow import handover as ho

    _done(state, ho.handover(state.casebook, case_id, new_practitioner, reason=reason,
                             family_informed=family_informed, family_agreed=family_agreed,
                             manager_agreed=manager_agreed, presence=presence,
                             transition=transition, receiving_agency=receiving_agency,
                             notes=notes, date=_opt_date(date_, "--date"), author=state.author))


@examples("lpcli close LP-4F7QK-9M2XA --reason needs_met \\",
          "    --exit-strategy 'School continues reading support; family knows how to return'")
@command(cli)
@click.argument("case_id", metavar="CASE", type=CASE_ID)
@click.option("--reason", required=True,
              type=click.Choice(["needs_met", "family_disengaged", "consent_withdrawn",
                                 "moved_out_of_area", "stepped_up_to_social_care",
                                 "stepped_down_to_universal", "stepped_down_to_single_agency",
                                 "other"]))
@click.option("--exit-strategy", required=True, help="How the family is supported after closure.")
@click.option("--closed-by", metavar="PRACTITIONER", help="Practitioner closing the case.")
@date_option("Date of closure (default: today).")
@pass_state
def close(state, case_id, reason, exit_strategy, closed_by, date_):
    """Close a case. A closed case refuses every change but 'lpcli reopen'."""
    from lpcli.workflow import closure

    _done(state, closure.close(state.casebook, case_id, reason=reason,
                               exit_strategy=exit_strategy, closed_by=closed_by,
                               date=_opt_date(date_, "--date"), author=state.author))


@examples("lpcli reopen LP-VBTYV-7SAWT --reason 'New concerns raised by school'")
@command(cli)
@click.argument("case_id", metavar="CASE", type=CASE_ID)
@click.option("--reason", required=True, help="Why the case is reopened.")
@date_option("Date of reopening (default: today).")
@pass_state
def reopen(state, case_id, reason, date_):
    """Reopen a closed case; the closure it undoes is kept in 'reopenings'."""
    from lpcli.workflow import closure

    _done(state, closure.reopen(state.casebook, case_id, reason=reason,
                                date=_opt_date(date_, "--date"), author=state.author))


# -- documents --------------------------------------------------------------------------------

@cli.group(cls=LpcliGroup, context_settings=CONTEXT)
def render():
    """Write the documents families and colleagues receive: the plan and the handover.

    Templates come from the casebook's templates/ folder when it has one of the same name
    (plan.html.j2, plan.md.j2, handover.html.j2, handover.md.j2, base.html.j2; a logo.png
    there is printed on every document), else from lpcli's own.
    """


render.epilog = ("Examples:\n\n\b\n  lpcli render plan LP-4F7QK-9M2XA --format pdf\n"
                 "  lpcli render handover LP-RVKC0-XRF53 -o handover.html")


def _render_options(f):
    f = click.option("--format", "fmt", type=click.Choice(["html", "pdf", "md"]),
                     default="html", show_default=True,
                     help="html: one self-contained file that prints well from a browser; "
                          "pdf: needs lpcli[pdf]; md: Markdown for email.")(f)
    f = click.option("-o", "--output", type=click.Path(dir_okay=False, path_type=Path),
                     help="File to write (default: stdout for html and md, "
                          "CASE-DOCUMENT.pdf for pdf).")(f)
    f = click.option("--large-print", is_flag=True, help="Larger type for readers who need it.")(f)
    f = click.option("--as-of", metavar="YYYY-MM-DD",
                     help="Print as on this date (default: today).")(f)
    return f


def _write_document(state, kind, case_id, fmt, output, large_print, as_of, to=None):
    from lpcli.documents import render as rd
    from lpcli.files.safeio import atomic_write_bytes

    cb = state.casebook
    today = _opt_date(as_of, "--as-of")
    doc = rd.render(cb, kind, case_id, fmt, today=today, large_print=large_print, to=to)
    if output is None and fmt == "pdf":
        output = Path(f"{case_id}-{kind}.pdf")
    if output is None:
        click.echo(doc, nl=False)
        return
    data = doc if isinstance(doc, bytes) else doc.encode("utf-8")
    atomic_write_bytes(output, data)
    click.echo(f"wrote {output} ({len(data) // 1024 or 1} KB)", err=True)


@examples("lpcli render plan LP-4F7QK-9M2XA > plan.html",
          "lpcli render plan LP-4F7QK-9M2XA --format pdf --large-print",
          "lpcli render plan LP-4F7QK-9M2XA --format md | mail -s 'Your plan' family@example.org")
@command(render, "plan")
@click.argument("case_id", metavar="CASE", type=CASE_ID)
@_render_options
@pass_state
def render_plan(state, case_id, fmt, output, large_print, as_of):
    """The family's copy of the plan: plain English, A4, page numbers, case ID and date in
    the footer. Contains the child's name and the family's words: hand it to the family."""
    _write_document(state, "plan", case_id, fmt, output, large_print, as_of)


@examples("lpcli render handover LP-RVKC0-XRF53 --format pdf",
          "lpcli render handover LP-4F7QK-9M2XA --to salt-evans -o planned-handover.html")
@command(render, "handover")
@click.argument("case_id", metavar="CASE", type=CASE_ID)
@click.option("--to", metavar="PRACTITIONER",
              help="Prepare the document for a planned handover to this practitioner "
                   "(default: the latest recorded handover).")
@_render_options
@pass_state
def render_handover(state, case_id, to, fmt, output, large_print, as_of):
    """The handover document for the receiving lead professional or agency.

    Holds only what the family's consent allows for the receiving agency: an agency the
    family refused gets no document, and topics withheld from it (consent.withhold) are
    left out and named as left out.
    """
    _write_document(state, "handover", case_id, fmt, output, large_print, as_of, to=to)


# -- reports ------------------------------------------------------------------------------------

FORMAT_TEXT_JSON_CSV = click.Choice(["text", "json", "csv"])


def _csv(rows, columns) -> str:
    import csv
    import io

    buf = io.StringIO()
    writer = csv.DictWriter(buf, fieldnames=columns, extrasaction="ignore", lineterminator="\n")
    writer.writeheader()
    for row in rows:
        writer.writerow({k: ("" if row.get(k) is None else
                             str(row[k]).lower() if isinstance(row.get(k), bool) else row[k])
                         for k in columns})
    return buf.getvalue()


def _as_of(value, cb):
    from lpcli.core import dates

    return dates.parse(value, "--as-of") if value else dates.today(cb.settings)


@examples("lpcli overdue", "lpcli overdue --within 14 --lead ed-marsh",
          "lpcli overdue --as-of 2026-11-20 --format json",
          "lpcli overdue --quiet --exit-code    # for cron: silent unless something is late")
@command(cli)
@click.option("--as-of", metavar="YYYY-MM-DD", help="Count from this date (default: today).")
@click.option("--within", type=click.IntRange(0, 3650), metavar="DAYS",
              help="Also list what falls due in the next DAYS days, marked upcoming.")
@click.option("--lead", metavar="PRACTITIONER", help="Only cases led by this practitioner.")
@click.option("--agency", metavar="NAME", help="Only cases whose lead professional works for "
              "this agency (name or agency type).")
@click.option("--kind", "kinds", multiple=True,
              type=click.Choice(["review", "action", "nomination", "consent"]),
              help="Only this kind (repeatable).")
@click.option("--format", "fmt", type=FORMAT_TEXT_JSON_CSV, default="text", show_default=True)
@click.option("--names", is_flag=True, help="Add children's names (for use at a desk, not in "
              "mail).")
@click.option("--exit-code", is_flag=True, help="Exit 1 when anything is overdue (as 'git diff "
              "--exit-code'), else 0.")
@click.option("-q", "--quiet", is_flag=True, help="Print nothing when nothing is overdue.")
@pass_state
def overdue(state, as_of, within, lead, agency, kinds, fmt, names, exit_code, quiet):
    """List what is overdue in open cases: reviews, actions, nominations, consent.

    Due today is not overdue. The text report groups by lead professional, one line per
    item (case ID, kind, due date, days overdue) and a count at the end, or a single
    'nothing overdue' line. Children's names appear only with --names, because reports are
    often mailed. JSON is one array of objects (case, kind, item, due, days_overdue,
    upcoming, lead_professional, lead_professional_name, owner); CSV has the same columns.
    """
    from lpcli.reports import overdue as od

    cb = state.casebook
    day = _as_of(as_of, cb)
    items = od.find(cb, day, within=within, kinds=kinds or od.KINDS, lead=lead, agency=agency,
                    cases=_iter_cases(cb), names=names)
    late = [i for i in items if not i.upcoming]
    if fmt == "json":
        click.echo(json.dumps([i.as_dict(names) for i in items], indent=2, ensure_ascii=False))
    elif fmt == "csv":
        columns = list(od.COLUMNS) + (["child_name"] if names else [])
        click.echo(_csv([i.as_dict(names) for i in items], columns), nl=False)
    elif items:
        click.echo(od.render_text(items, day, names))
    elif not quiet:
        click.echo(f"nothing overdue as of {day.isoformat()}")
    sys.exit(1 if exit_code and late else 0)


@examples("lpcli caseload", "lpcli caseload --format csv > caseload.csv")
@command(cli)
@click.option("--as-of", metavar="YYYY-MM-DD", help="Count overdue actions from this date.")
@click.option("--format", "fmt", type=FORMAT_TEXT_JSON_CSV, default="text", show_default=True)
@pass_state
def caseload(state, as_of, fmt):
    """Who carries what: open cases each practitioner leads, the open and overdue actions
    they own, and their capacity from practitioners.yaml (over capacity stands out)."""
    from lpcli.reports import caseload as cl

    cb = state.casebook
    rows = cl.caseloads(cb, _as_of(as_of, cb), cases=_iter_cases(cb))
    if fmt == "json":
        click.echo(json.dumps([r.as_dict() for r in rows], indent=2, ensure_ascii=False))
        return
    if fmt == "csv":
        data = [{**r.as_dict(), "cases": " ".join(r.cases)} for r in rows]
        click.echo(_csv(data, list(cl.COLUMNS)), nl=False)
        return
    color = use_color(state.color)
    table = [["PRACTITIONER", "NAME", "AGENCY", "LEADS", "ACTIONS", "OVERDUE", ""]]
    for r in rows:
        flag = ("OVER CAPACITY" if r.over_capacity else "cannot lead" if r.capacity == 0
                else "at capacity" if r.at_capacity else "")
        agency = r.agency if len(r.agency) <= 24 else r.agency[:23] + "\u2026"
        table.append([r.practitioner, r.name, agency, f"{r.leads}/{r.capacity}",
                      str(r.actions_open), str(r.actions_overdue), flag])
    widths = [max(len(row[i]) for row in table) for i in range(len(table[0]))]
    for n, row in enumerate(table):
        line = "  ".join(c.ljust(w) for c, w in zip(row, widths)).rstrip()
        if n and color and rows[n - 1].over_capacity:
            line = click.style(line, fg="red", bold=True)
        click.echo(line, color=color)
    over = sum(1 for r in rows if r.over_capacity)
    click.echo(f"{len(rows)} practitioners, {sum(r.leads for r in rows)} open cases led"
               + (f", {over} over capacity" if over else ""))


@examples("lpcli retention", "lpcli retention --as-of 2032-04-01 --format csv > past.csv",
          "lpcli retention --quiet --exit-code    # monthly in cron: silent unless any is past")
@command(cli)
@click.option("--as-of", metavar="YYYY-MM-DD", help="Count from this date (default: today).")
@click.option("--format", "fmt", type=FORMAT_TEXT_JSON_CSV, default="text", show_default=True)
@click.option("--exact-dates", is_flag=True, help="Print the end date and days past where "
              "they come from a birthday too (they give away the date of birth: for use at a "
              "desk, not in mail).")
@click.option("--exit-code", is_flag=True, help="Exit 1 when any closed case is past "
              "retention, else 0.")
@click.option("-q", "--quiet", is_flag=True, help="Print nothing when no case is past retention.")
@pass_state
def retention(state, as_of, fmt, exact_dates, exit_code, quiet):
    """List closed cases kept longer than the retention rule in lpcli.yaml allows.

    The rule is 'retention:' in lpcli.yaml: years_after_closure, until_age (a birthday), or
    both (then whichever ends later). Open and reopened cases are never listed. Each line:
    case ID, closure date and reason, when retention ended and how many days ago. Where a
    birthday rule decided, that date would give away the child's date of birth, so it is
    withheld unless --exact-dates. JSON is an array of objects (case, closed, reason,
    retention_ended, basis, days_past; null where withheld); CSV has the same columns.
    README 'Removing a case for good' says how to delete a case from git's history.
    """
    from lpcli.reports import retention as rt

    cb = state.casebook
    day = _as_of(as_of, cb)
    rt.rules(cb.settings)  # no rule: say so before reading any case
    report = rt.find(_iter_cases(cb), cb.settings, day)
    rows = [e.as_dict(exact_dates) for e in report.expired]
    if fmt == "json":
        click.echo(json.dumps(rows, indent=2, ensure_ascii=False))
    elif fmt == "csv":
        click.echo(_csv(rows, list(rt.COLUMNS)), nl=False)
    elif report.expired or not quiet:
        click.echo(rt.render_text(report, exact_dates))
    sys.exit(1 if exit_code and report.expired else 0)


@examples("lpcli calendar -o reviews.ics", "lpcli calendar --lead ed-okafor --actions -o mine.ics")
@command(cli)
@click.option("-o", "--output", type=click.Path(dir_okay=False, path_type=Path),
              help="File to write (default: stdout).")
@click.option("--lead", metavar="PRACTITIONER", help="Only this practitioner's cases.")
@click.option("--actions", is_flag=True, help="Also the due dates of open actions.")
@click.option("--names", is_flag=True, help="Children's names and review venues in events "
              "(off by default: calendars are shared and synced).")
@click.option("--as-of", metavar="YYYY-MM-DD", help="Events from this date on (default: today).")
@pass_state
def calendar(state, output, lead, actions, names, as_of):
    """Write an iCalendar file of upcoming reviews for Outlook, Google Calendar, Thunderbird.

    One all-day event per review, with a stable UID per case and review so that importing
    again updates events instead of duplicating them. Summaries carry the case ID and the
    lead professional.
    """
    from lpcli.reports import ical
    from lpcli.files.safeio import atomic_write

    cb = state.casebook
    day = _as_of(as_of, cb)
    evts = ical.events(cb, day, lead=lead, actions=actions, names=names, cases=_iter_cases(cb))
    text = ical.to_ics(evts, day)
    if output is None:
        click.echo(text, nl=False)
    else:
        atomic_write(output, text)
        click.echo(f"wrote {output}: {len(evts)} event{'s' if len(evts) != 1 else ''}",
                   err=True)


# -- sharing ------------------------------------------------------------------------------------

@examples("lpcli sync", "lpcli sync --dry-run", "lpcli sync --abort",
          "lpcli sync --format json | jq .unresolved")
@command(cli)
@click.option("--dry-run", is_flag=True,
              help="Say what would happen; change nothing here (the remote's tracking "
                   "branches are fetched).")
@click.option("--abort", is_flag=True,
              help="Abandon a sync that stopped for conflicts: back to where you were.")
@click.option("--format", "fmt", type=FORMAT_TEXT_JSON, default="text", show_default=True)
@pass_state
def sync(state, dry_run, abort, fmt):
    """Share changes with the other copies of the casebook through its git remote.

    Fetches the shared casebook, merges its changes with yours (history is never
    rewritten, so neither side is lost), re-validates every file that changed, and pushes
    only a valid result. When the same case was changed here and there in ways that
    conflict, or a merge leaves a case invalid, it stops with both versions kept and says
    how to resolve: 'lpcli edit CASE' for each case listed, then 'lpcli sync' again.

    The remote is the branch's upstream, else 'sync: remote:' in lpcli.yaml (default
    origin). Set 'sync: auto_push: true' there to share each change as it is made.

    Exit 0 when in step, 1 when it stopped for you or found invalid files, 2 when the
    remote cannot be reached or git is in a state where syncing is unsafe.
    """
    from lpcli import sync as syncmod

    syncer = syncmod.Sync(state.casebook, author=state.author, prompt=sys.stdin.isatty())
    report = syncer.run(dry_run=dry_run, abort=abort)
    for note in syncer.session.notes:
        click.echo(f"lpcli: note: {note}", err=True)
    if fmt == "json":
        click.echo(json.dumps(report.as_json(), indent=2))
    else:
        click.echo(syncmod.render_text(report))
    if not report.ok:
        sys.exit(1)


@cli.group(cls=LpcliGroup, context_settings=CONTEXT)
def hooks():
    """Install a git pre-commit hook that runs 'lpcli validate' before every commit."""


hooks.epilog = "Examples:\n\n\b\n  lpcli hooks install\n  lpcli hooks uninstall"


@examples("lpcli hooks install", "lpcli hooks install --force")
@command(hooks, "install")
@click.option("--force", is_flag=True, help="Replace a pre-commit hook lpcli did not install.")
@pass_state
def hooks_install(state, force):
    """Install .git/hooks/pre-commit running 'lpcli validate' (for casebooks that do not use
    the pre-commit framework; those can use lpcli's .pre-commit-hooks.yaml)."""
    from lpcli.casebook import hooks as hk

    path = hk.install(state.casebook, force=force)
    click.echo(f"installed {path}: commits now run 'lpcli validate' first")


@examples("lpcli hooks uninstall")
@command(hooks, "uninstall")
@pass_state
def hooks_uninstall(state):
    """Remove the pre-commit hook that 'lpcli hooks install' put there."""
    from lpcli.casebook import hooks as hk

    path = hk.uninstall(state.casebook)
    click.echo(f"removed {path}" if path else "no pre-commit hook installed")
