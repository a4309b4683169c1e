"""What every command shares: the global state, the group that turns errors into exit codes,
and the decorators that give each command its context and examples.

Exit codes: 0 ok, 1 findings or a refusal, 2 a usage or environment problem, 3 a bug in lpcli
(``INTERNAL_ERROR``). Domain errors (``lpcli.core.errors``) carry their own code.
"""

from __future__ import annotations

import os
import sys

import click

from lpcli.cli import output
from lpcli.core.errors import LpcliError

CONTEXT = {"help_option_names": ["-h", "--help"], "max_content_width": 100}

# A bug in lpcli itself (an exception nothing expected). Not 1 or 2: a script must be able
# to tell "lpcli found something" and "you used it wrongly" from "lpcli is broken".
INTERNAL_ERROR = 3


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


pass_state = click.make_pass_decorator(State)


def _not_utf8(value) -> bool:
    """Text holding bytes that are not UTF-8 (Python keeps them as lone surrogates)."""
    if isinstance(value, str):
        return any("\udc80" <= ch <= "\udcff" for ch in value)
    if isinstance(value, (tuple, list)):
        return any(_not_utf8(v) for v in value)
    return False


class LpcliCommand(click.Command):
    """A command whose text options and arguments are real text. Bytes that are not UTF-8
    (a terminal or a file in another encoding) would otherwise be written into a record as
    lone surrogates and come back out as JSON no strict parser reads. File and folder names
    are left alone: a folder may be named in any bytes."""

    def invoke(self, ctx):
        for param in self.params:
            if isinstance(param.type, (click.Path, click.File)):
                continue
            if _not_utf8(ctx.params.get(param.name)):
                raise click.BadParameter(
                    "holds bytes that are not UTF-8 text; type it again, or set the terminal "
                    "(or the file it came from) to UTF-8", ctx=ctx, param=param)
        return super().invoke(ctx)


class LpcliGroup(click.Group):
    """Turns domain errors into messages and exit codes, without tracebacks."""

    command_class = LpcliCommand

    def invoke(self, ctx):
        try:
            return super().invoke(ctx)
        except LpcliError as exc:
            state = ctx.obj if isinstance(ctx.obj, State) else None
            output.report_error(exc, output.use_color(state.color if state else "auto",
                                                      sys.stderr))
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
            output.report_os_error(exc)
            ctx.exit(2)
        except (click.exceptions.Exit, click.ClickException, click.Abort):
            raise  # click's own way out (an exit code, a usage error): click reports it
        except Exception as exc:  # noqa: BLE001 - the last line of defence
            if os.environ.get("LPCLI_DEBUG"):
                raise
            output.report_internal_error(exc)
            ctx.exit(INTERNAL_ERROR)


def accept_no_input(cmd: click.Command) -> None:
    """Give every command a --no-input flag. Scripts pass it to every command they run; a
    command that never asks a question takes it (hidden, doing nothing) instead of failing
    with 'No such option'."""
    if isinstance(cmd, click.Group):
        for sub in cmd.commands.values():
            accept_no_input(sub)
    elif not any(p.name == "no_input" for p in cmd.params):
        cmd.params.append(click.Option(["--no-input"], is_flag=True, expose_value=False,
                                       hidden=True, help="Accepted for scripts; this "
                                       "command asks no questions."))


def examples(*lines: str):
    """Put an 'Examples' section (kept verbatim) at the end of a command's --help."""
    def deco(cmd: click.Command):
        cmd.epilog = "Examples:\n\n\b\n" + "\n".join(f"  {ln}" for ln in lines)
        return cmd
    return deco


def command(name=None, **kwargs):
    """A command with lpcli's context (``-h``, width); added to its group in ``cli/__init__``."""
    kwargs.setdefault("cls", LpcliCommand)
    return click.command(name, context_settings=CONTEXT, **kwargs)


def group(name=None, **kwargs):
    """A group of subcommands ('lpcli action add'), with the same error handling."""
    return click.group(name, cls=LpcliGroup, context_settings=CONTEXT, **kwargs)


def subcommand(parent: click.Group, name=None, **kwargs):
    return parent.command(name, context_settings=CONTEXT, **kwargs)
