"""The small exception hierarchy of lpcli's domain.

The library raises these; only ``cli.py`` turns them into messages and exit codes. Messages
must never quote personal data (names, dates of birth, notes): they name case IDs, file paths
relative to the casebook, practitioner IDs and field paths only.
"""

from __future__ import annotations


class LpcliError(Exception):
    """Base class. ``exit_code`` follows the CLI contract: 1 findings/refusal, 2 usage/env."""

    exit_code = 2

    def __init__(self, message: str, hint: str | None = None):
        super().__init__(message)
        self.message = message
        self.hint = hint


class EnvironmentProblem(LpcliError):
    """Something about the machine or repository prevents the command (exit 2)."""


class CasebookNotFound(EnvironmentProblem):
    pass


class CaseNotFound(EnvironmentProblem):
    pass


class InvalidCaseId(EnvironmentProblem):
    pass


class PractitionerNotFound(EnvironmentProblem):
    """No practitioner by that ID in practitioners.yaml (exit 2, as an unknown case)."""


class RepositoryStateError(EnvironmentProblem):
    """The git repository is mid-merge, has conflicts, uncommitted edits... (exit 2)."""


class CasebookBusy(EnvironmentProblem):
    pass


class InvalidRecord(LpcliError):
    """The change would produce a record that fails validation; nothing was written."""

    exit_code = 1

    def __init__(self, message: str, diagnostics=(), hint: str | None = None):
        super().__init__(message, hint)
        self.diagnostics = list(diagnostics)


class RuleViolation(LpcliError):
    """The guidance forbids the change. Carries every failed rule, not just the first."""

    exit_code = 1

    def __init__(self, message: str, reasons=(), hint: str | None = None):
        super().__init__(message, hint)
        self.reasons = list(reasons)


class FileHasErrors(LpcliError):
    """A casebook file failed the gate (YAML or schema), so lpcli will not use its data.

    Exit 1, as any finding: the file is explained by 'lpcli validate'. The message names the
    file, the first problem's place and its message (messages never quote values)."""

    exit_code = 1

    def __init__(self, rel: str, errors=(), hint: str | None = None):
        self.rel = rel
        self.errors = list(errors)
        first = self.errors[0] if self.errors else None
        self.where = where = f"{rel}:{first.line}:{first.column}" if first else rel
        count = len(self.errors)
        self.what = what = (f"{count} error{'s' if count != 1 else ''}, the first: "
                            f"{first.message}" if first else "errors")
        if hint is None:
            hint = f"run 'lpcli validate {rel}' to see every problem"
            stem = rel.rsplit("/", 1)[-1]
            if rel.startswith("cases/") and stem.endswith(".yaml"):
                hint += f", then fix them with 'lpcli edit {stem[:-5]}'"
        super().__init__(f"{where}: the file has {what}; lpcli will not use it until it is "
                         "fixed, so nothing was changed", hint)
