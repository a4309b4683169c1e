"""Everything the command line prints: reporters for text, JSON and CSV, tables, progress,
and the messages for errors, notes and warnings.

Commands build results with the library and hand them here, so a format is written once,
as check-jsonschema swaps its reporters. Messages name IDs and files, never personal data.
"""

from __future__ import annotations

import contextlib
import json
import os
import sys
from pathlib import Path

import click

from lpcli.core.errors import InvalidRecord, LpcliError, RuleViolation

# A progress bar shows only for a run estimated at over a second: files not in the cache, at
# about 3 ms each on one core (the benchmark: 10,000 cold in 7.8 s on 2 cores).
SECONDS_PER_FILE = 0.003
SHOW_AFTER_SECONDS = 1.0


def is_terminal() -> bool:
    """Is a person at the keyboard? Questions are asked only then (never in cron or a
    pipe); tests stand in for the person by replacing this."""
    return sys.stdin.isatty()


def tell_person(text: str) -> None:
    """Guidance for a person at a terminal (the next commands to run); scripts and cron,
    reading stderr for errors, are spared it."""
    if stderr_is_terminal():
        click.echo(text, err=True)


def stderr_is_terminal() -> bool:
    return sys.stderr.isatty()


def use_color(setting: str, stream=None) -> bool:
    if setting == "always":
        return True
    if setting == "never" or os.environ.get("NO_COLOR"):
        return False
    stream = stream or sys.stdout
    return hasattr(stream, "isatty") and stream.isatty()


def paths_print_as_bytes() -> None:
    """A folder name that is not UTF-8 ('case\\xffbook') reaches Python as text holding
    surrogates, which a UTF-8 terminal's strict encoder refuses. Written back as the bytes
    they stand for, the name prints as 'ls' shows it, and no message fails for it."""
    for stream in (sys.stdout, sys.stderr):
        reconfigure = getattr(stream, "reconfigure", None)
        if reconfigure is not None and getattr(stream, "errors", None) == "strict":
            with contextlib.suppress(ValueError, OSError):
                reconfigure(errors="surrogateescape")


# -- reporters ---------------------------------------------------------------------------------

def as_json(value) -> str:
    return json.dumps(value, indent=2, ensure_ascii=False)


def print_json(value) -> None:
    click.echo(as_json(value))


def as_csv(rows, columns) -> str:
    """Rows (dicts) as CSV with a header; booleans as true/false, None as empty."""
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


def print_report(rows, fmt: str, *, columns, text, color: bool | None = None) -> None:
    """One report in the format asked for: ``rows`` (dicts) as JSON or CSV, else the text
    ``text()`` makes (a function: only the format asked for is built). ``rows`` may be a
    function too, called only for JSON or CSV (tens of thousands of dicts a text report
    never shows)."""
    if fmt != "text" and callable(rows):
        rows = rows()
    if fmt == "json":
        print_json(rows)
    elif fmt == "csv":
        click.echo(as_csv(rows, columns), nl=False)
    else:
        click.echo(text(), color=color)  # color: click strips escapes off a terminal


# -- reading many cases ------------------------------------------------------------------------

class Progress:
    """A progress bar on a terminal for a run that will take more than about a second; none
    at all otherwise (cron, pipes, a run the cache makes quick: no flash on the screen).

    ``scan`` calls it once it knows how many files are not in the cache: the estimate is made
    from those alone, never from the total. The bar counts only them, and says how long is
    left from how fast they go (before the first results, from the estimate)."""

    def __init__(self, label: str):
        self.label = label
        self.bar = None
        self.total = 0
        self.estimate = 0.0
        self.started = 0.0
        self.first = None

    def __call__(self, files: int, workers: int):
        import time

        self.estimate = files * SECONDS_PER_FILE / max(1, workers)
        if not stderr_is_terminal() or self.estimate < SHOW_AFTER_SECONDS:
            return None
        self.total, self.started = files, time.monotonic()
        self.first = None  # (time, files done) when the first results came
        self.bar = click.progressbar(length=files, label=f"{self.label} {files} case "
                                     f"file{'s' if files != 1 else ''}",
                                     file=sys.stderr, show_eta=False,
                                     item_show_func=lambda _: self.left())
        self.bar.__enter__()
        return self.tick

    def tick(self, n: int) -> None:
        import time

        if self.first is None:
            self.first = (time.monotonic(), self.bar.pos)
        self.bar.update(n)

    def left(self) -> str:
        """'about 20 s left': from how fast files go once enough of them have come back to
        tell (results come in batches, after the processes start), else the estimate."""
        import time

        done = self.bar.pos if self.bar else 0
        now = time.monotonic()
        if done >= self.total:
            return ""
        if self.first and done - self.first[1] >= max(50, self.total // 20):
            seconds = (now - self.first[0]) / (done - self.first[1]) * (self.total - done)
        else:
            seconds = self.estimate - (now - self.started)
        if seconds < 1.5:
            return "about a second left"
        return f"about {round(seconds)} s left" if seconds < 90 else \
            f"about {round(seconds / 60)} min left"

    def close(self) -> None:
        """Finish the bar (its line ends), so that anything printed next starts clean."""
        if self.bar is not None:
            self.bar.__exit__(None, None, None)
            self.bar = None


@contextlib.contextmanager
def progress(label="Reading"):
    """``with progress() as p: scan(..., progress=p)``: the bar, finished on the way out."""
    bar = Progress(label)
    try:
        yield bar
    finally:
        bar.close()


def warn_left_out(count: int) -> None:
    """One line for every case a report left out (never their names: the line may be
    mailed); 'lpcli validate' explains each."""
    if count:
        files = "1 case file has" if count == 1 else f"{count} case files have"
        click.echo(f"lpcli: warning: {files} errors and {'was' if count == 1 else 'were'} "
                   "left out: run 'lpcli validate'", err=True)


def warn(text: str) -> None:
    """A warning on stderr, one line (callers put IDs and keys in it, never case data)."""
    click.echo(f"lpcli: warning: {text}", err=True)


def iter_cases(cb, status: str | None = None, quiet_before=None):
    """(case_id, data) for every case that passed the gate (``status``: only open or only
    closed ones; ``quiet_before``: see ``Casebook.cases``); the rest are counted on stderr,
    after the progress bar (if any) is finished, never on its line. Each case is unpacked
    as it is asked for."""
    from lpcli.casebook.store import unpack

    left_out = []
    with progress() as bar:
        cases = cb.packed_cases(progress=bar, unreadable=left_out.append, status=status,
                                quiet_before=quiet_before)
    warn_left_out(len(left_out))
    for case_id, packed in cases:
        yield case_id, unpack(packed)


# -- after a change ----------------------------------------------------------------------------

def notes(written) -> None:
    """What was cleaned up before the change (an earlier, interrupted command's write)."""
    for note in written.notes:
        click.echo(f"lpcli: note: {note}", err=True)


def done(state, written) -> None:
    """The one line a successful change prints (IDs only), plus any warnings left."""
    notes(written)
    click.echo(f"{written.message} (commit {written.commit[:8]})")
    done_quietly(state, written, notes_too=False)


def done_quietly(state, written, notes_too: bool = True) -> None:
    """``done`` without its line on stdout, for a command whose stdout is JSON: what was
    recovered, any warnings (on stderr), and sharing the change when set to."""
    if notes_too:
        notes(written)
    for d in written.warnings:
        click.echo(f"lpcli: {d.as_text()}", err=True)  # the finding says "warning" itself
    share_after_change(state)


def share_after_change(state) -> None:
    """With 'sync: {auto_push: true}' in lpcli.yaml, share the change just committed."""
    from lpcli.sync import auto

    if auto.auto_push_enabled(state.casebook):
        click.echo(f"lpcli: {auto.share_after_change(state.casebook, state.author)}",
                   err=True)


def wrote(path, size: int, what: str = "") -> None:
    """A file was written: its name and size, on stderr (stdout stays for the data)."""
    click.echo(f"wrote {path}{what or f' ({size // 1024 or 1} KB)'}", err=True)


def warn_if_tracked_by_accident(cb, path) -> None:
    """A document or calendar written (with -o) inside the casebook where git does not
    ignore it would be committed by the next 'git add -A': say so, and where it belongs."""
    from lpcli.casebook.layout import DOCUMENTS_DIR
    from lpcli.gitstore import environment

    try:
        rel = Path(os.path.abspath(path)).relative_to(cb.root).as_posix()
    except ValueError:
        return  # outside the casebook: git never sees it
    if environment.ignored(cb.root, rel) is False:
        click.echo(f"lpcli: warning: {rel} is inside the casebook and git does not ignore it, "
                   f"so 'git add -A' would commit it (it holds personal data); keep documents "
                   f"in {DOCUMENTS_DIR}/, which git ignores, or add it to .gitignore", err=True)


# -- errors ------------------------------------------------------------------------------------

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


def report_os_error(exc: OSError) -> None:
    click.echo(f"lpcli: error: {exc.strerror or type(exc).__name__} "
               f"({_file_named(exc.filename)})", err=True)
    if isinstance(exc, PermissionError):
        click.echo("hint: check that you may write in that folder (ls -ld); nothing "
                   "was changed", err=True)


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


# -- diagnostics (validate) --------------------------------------------------------------------

def diagnostics_summary(diags, files_checked: int) -> str:
    """The closing line of a text report."""
    from lpcli.core.diagnostics import ERROR, WARNING, count

    errors, warnings = count(diags, ERROR), count(diags, WARNING)
    noun = "file" if files_checked == 1 else "files"
    if not (errors or warnings):
        return f"ok: {files_checked} {noun} checked, no problems"
    parts = []
    if errors:
        parts.append(f"{errors} error{'s' if errors != 1 else ''}")
    if warnings:
        parts.append(f"{warnings} warning{'s' if warnings != 1 else ''}")
    return f"{', '.join(parts)} in {files_checked} {noun}"


def diagnostics_json(diags) -> str:
    from dataclasses import asdict

    return as_json([asdict(d) for d in diags])


def print_diagnostics(diags, files_checked: int, root, color: bool = False) -> None:
    """FILE:LINE:COL: SEVERITY: PATH: message, one a line, then a summary. A clone made with
    a loose umask warns for every file: a few of those are shown, then a count and the fix."""
    from lpcli.check import permissions

    shown, folded = permissions.fold(diags)
    for d in shown:
        line = d.as_text()
        if color:
            line = line.replace(f": {d.severity}:", ": " + click.style(
                d.severity, fg="red" if d.severity == "error" else "yellow", bold=True)
                + ":", 1)
        # click strips escapes when stdout is not a terminal, unless told otherwise.
        click.echo(line, color=color)
    if folded:
        click.echo(permissions.folded_line(folded, root))
    click.echo(diagnostics_summary(diags, files_checked))
