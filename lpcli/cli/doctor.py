"""lpcli doctor: is this machine, and this casebook, set up right?"""

from __future__ import annotations

import sys

import click

from lpcli.cli import output
from lpcli.cli.base import command, examples, pass_state
from lpcli.cli.options import format_option
from lpcli.core.vocabulary import DOCTOR_STATUSES

MARKS = dict(zip(DOCTOR_STATUSES, ("ok  ", "warn", "FAIL", "skip")))


def doctor_text(checks, color: bool = False) -> str:
    lines = []
    for c in checks:
        mark = MARKS[c.status]
        if color and c.status in ("warn", "fail"):
            mark = click.style(mark, fg="red" if c.status == "fail" else "yellow", bold=True)
        lines.append(f"{mark}  {c.message}")
        if c.fix and c.status in ("warn", "fail"):
            lines.append(f"      fix: {c.fix}")
    fails = sum(c.status == "fail" for c in checks)
    warns = sum(c.status == "warn" for c in checks)
    if fails:
        lines.append(f"{fails} problem{'s' if fails != 1 else ''} to fix"
                     + (f", {warns} warning{'s' if warns != 1 else ''}" if warns else "")
                     + ("; 'lpcli doctor --fix' puts right what it can" if any(
                         c.fix == "lpcli doctor --fix" for c in checks if c.status == "fail")
                        else ""))
    elif warns:
        lines.append(f"nothing to fix; {warns} warning{'s' if warns != 1 else ''}")
    elif any(c.check == "casebook" and c.status == "skip" for c in checks):
        lines.append("this machine is set up; no casebook was checked")
    else:
        lines.append("everything is set up")
    return "\n".join(lines)


@examples("lpcli doctor", "lpcli doctor --fix", "lpcli -C ~/casebook doctor --format json",
          "lpcli doctor --no-remote          # offline: do not ask the shared casebook")
@command()
@click.option("--fix", is_flag=True,
              help="Put right what is safe without asking: the editor schemas, VS Code "
                   "settings and git ignores (one commit), the protective git settings, the "
                   "documents/ folder. Then check again.")
@click.option("--no-remote", is_flag=True, help="Do not check that the shared casebook "
              "(the git remote) answers.")
@format_option(help_text="json: an array of objects with check, status (ok, warn, fail, "
                         "skip), message and fix.")
@pass_state
def doctor(state, fix, no_remote, fmt):
    """Check this machine and this casebook: git (version, who you are), Python, PDF
    documents, the settings, file permissions, git's state and settings, the schemas and
    editor settings, git ignoring rendered documents, the pre-commit hook, and whether the
    shared casebook answers (never waiting for a password).

    Each line is a check and, when it is not right, what to do. Exit 1 when something needs
    fixing ('FAIL'); warnings alone exit 0. Outside a casebook only the machine is checked.
    """
    from lpcli.casebook import doctor as dr
    from lpcli.core.errors import CasebookNotFound

    try:
        cb, why = state.casebook, None
    except CasebookNotFound as exc:
        cb, why = None, exc
    if fix:
        if cb is None:
            raise why
        for line in dr.fix(cb, state.author):
            click.echo(f"lpcli: {line}", err=True)
        cb.forget()
    checks = dr.run(cb, why, remote=not no_remote)
    if fmt == "json":
        output.print_json([c.as_dict() for c in checks])
    else:
        click.echo(doctor_text(checks, output.use_color(state.color)),
                   color=output.use_color(state.color))
    sys.exit(1 if any(c.status == "fail" for c in checks) else 0)
