"""A casebook: a git repository holding lpcli.yaml, practitioners.yaml and cases/*.yaml.

This module finds a casebook, reads its settings and practitioner directory, and reads case
files safely (size limit before parsing, no symlinks, strict YAML). It never writes: all
writes go through ``records``.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

from lpcli.casebook.layout import CASES_DIR, PRACTITIONERS_FILE, SETTINGS_FILE
from lpcli.check.gate import admit
from lpcli.core.caseid import check_case_id, ids_of_files
from lpcli.core.errors import (
    CasebookNotFound,
    CaseNotFound,
    EnvironmentProblem,
    FileHasErrors,
)
from lpcli.files.loader import load_file
from lpcli.files.yamlio import Loaded

DEFAULT_SETTINGS = {
    "case_id_prefix": "LP",
    "review_interval_weeks": 6,
    "first_review_weeks": 6,
    "nomination_grace_days": 20,
    "consent_review_months": None,
    "lead_absence_weeks": 4,
    "plan_due_working_days": 15,
    "timezone": None,
}


@dataclass
class Practitioner:
    id: str
    data: dict

    @property
    def name(self) -> str:
        return self.data.get("name", self.id)

    @property
    def agency(self) -> str:
        return self.data.get("agency", "")

    @property
    def agency_type(self) -> str:
        return self.data.get("agency_type", "")

    @property
    def capacity(self) -> int:
        return self.data.get("capacity", 0)

    @property
    def statutory_roles(self) -> list:
        return self.data.get("statutory_roles") or []


class Directory:
    """The practitioners in practitioners.yaml, by ID."""

    def __init__(self, items=()):
        self.by_id: dict[str, Practitioner] = {}
        for item in items:
            if isinstance(item, dict) and isinstance(item.get("id"), str):
                self.by_id.setdefault(item["id"], Practitioner(item["id"], item))

    def __contains__(self, pid) -> bool:
        return pid in self.by_id

    def get(self, pid):
        return self.by_id.get(pid)

    def name(self, pid) -> str:
        p = self.by_id.get(pid)
        return p.name if p else str(pid)


class Casebook:
    def __init__(self, root: Path):
        self.root = Path(root).resolve()
        self._settings = None
        self._directory = None

    # -- discovery ----------------------------------------------------------------------
    @classmethod
    def find(cls, explicit: str | os.PathLike | None = None, start: Path | None = None):
        """The casebook at ``explicit`` (--casebook / LPCLI_CASEBOOK), else the nearest
        folder holding lpcli.yaml from ``start`` (default: the current directory) upwards."""
        if explicit:
            root = Path(explicit).expanduser()
            if not (root / SETTINGS_FILE).is_file():
                raise CasebookNotFound(
                    f"{root} is not an lpcli casebook (it has no {SETTINGS_FILE})",
                    hint="run 'lpcli init DIR' to create one, or check --casebook/LPCLI_CASEBOOK")
            return cls(root)
        here = Path(start or Path.cwd()).resolve()
        for folder in (here, *here.parents):
            if (folder / SETTINGS_FILE).is_file():
                return cls(folder)
        raise CasebookNotFound(
            "not inside an lpcli casebook (no lpcli.yaml here or in any parent folder)",
            hint="cd into a casebook, pass --casebook DIR, set LPCLI_CASEBOOK, "
                 "or run 'lpcli init DIR' to create one")

    # -- paths --------------------------------------------------------------------------
    @property
    def settings_path(self) -> Path:
        return self.root / SETTINGS_FILE

    @property
    def practitioners_path(self) -> Path:
        return self.root / PRACTITIONERS_FILE

    @property
    def cases_dir(self) -> Path:
        return self.root / CASES_DIR

    def case_path(self, case_id: str) -> Path:
        return self.cases_dir / f"{check_case_id(case_id)}.yaml"

    def relative(self, path: Path) -> str:
        try:
            return Path(os.path.abspath(path)).relative_to(self.root).as_posix()
        except ValueError:
            return Path(path).as_posix()

    def case_file_names(self) -> list[str]:
        """Names of every *.yaml in cases/, valid case ID or not (validate reports bad ones).

        Plain strings, not Paths: at 10,000 cases pathlib's objects cost more than the
        work itself."""
        try:
            names = os.listdir(self.cases_dir)
        except (FileNotFoundError, NotADirectoryError):
            return []
        names.sort()
        # Usually every name is a case file: told at once from one string (where a name
        # with a newline in it would count twice: then one at a time).
        lines = "\n".join(names) + "\n"
        if lines.count("\n") != len(names) or lines.count(".yaml\n") != len(names):
            names = [n for n in names if n.endswith(".yaml")]
        return names

    def case_files(self) -> list[Path]:
        return [self.cases_dir / n for n in self.case_file_names()]

    def case_ids(self) -> list[str]:
        return ids_of_files(self.case_file_names())

    # -- settings and directory -----------------------------------------------------------
    def forget(self) -> None:
        """Read settings and directory afresh next time (after lpcli changed one of them), so
        nothing later in the same command checks cases against the old directory."""
        self._settings = None
        self._directory = None

    @property
    def settings(self) -> dict:
        """Settings with defaults filled in; refuses (exit 2) an lpcli.yaml that fails its
        schema, whose bounds are what every command relies on."""
        if self._settings is None:
            data = self._admitted(self.settings_path, "settings")
            merged = dict(DEFAULT_SETTINGS)
            merged.update({k: v for k, v in data.items() if v is not None})
            self._settings = merged
        return self._settings

    @property
    def directory(self) -> Directory:
        """The practitioner directory; refuses (exit 2) a practitioners.yaml that fails its
        schema."""
        if self._directory is None:
            data = self._admitted(self.practitioners_path, "practitioners")
            self._directory = Directory(data.get("practitioners") or ())
        return self._directory

    def _admitted(self, path: Path, kind: str) -> dict:
        """A settings-like file's data through the gate. Its errors stop every command but
        'validate' (which explains them): they are the casebook's set-up, not one case."""
        rel = self.relative(path)
        try:
            return admit(rel, kind, load_file(path))
        except FileHasErrors as exc:
            raise EnvironmentProblem(
                f"{exc.where}: {rel} is not valid ({exc.what}); lpcli cannot use this "
                "casebook until it is fixed, so nothing was changed",
                hint=f"run 'lpcli validate {rel}' to see them, then fix {rel} in an editor "
                     "and commit it") from None

    # -- cases --------------------------------------------------------------------------
    def load_case(self, case_id: str) -> Loaded:
        path = self.case_path(case_id)
        if not path.exists() and not path.is_symlink():
            raise CaseNotFound(f"no case {case_id} in this casebook",
                               hint="run 'lpcli list --status all' to see the case IDs")
        return load_file(path)

    def cases(self, progress=None, unreadable=None, status: str | None = None,
              quiet_before=None):
        """Yield ``(case_id, slim_case)`` for every case file that passed the gate.

        The slim case holds what reports read (``cache.slim``); use ``read_case`` for the
        whole record. ``status`` ('open' or 'closed'): only cases with that status (a report
        that reads only open cases then reads none of the others from the cache);
        ``quiet_before`` (a date): leave out cases closed for good and quiet since before it
        (``history.QUIET``: a report over later periods counts nothing of them).
        ``unreadable(case_id)`` is called for each file left out because it cannot be read
        or has YAML or schema errors (``validate`` says why), whatever ``status`` asks;
        ``progress(n)`` as files are done. Every report reads cases through here, so they
        all share the cache.
        """
        from lpcli.casebook.store import unpack

        for case_id, packed in self.packed_cases(progress, unreadable, status, quiet_before):
            yield case_id, unpack(packed)

    def packed_cases(self, progress=None, unreadable=None, status: str | None = None,
                     quiet_before=None) -> list:
        """``cases``, each slim copy still packed (``store.unpack``): a report over a
        hundred thousand cases unpacks one at a time as it counts, never all at once."""
        from lpcli.casebook.scan import scan

        names = self.case_file_names()
        ids = ids_of_files(names)
        if len(ids) != len(names):  # (else every name is a case ID's, as they usually are)
            names = [f"{cid}.yaml" for cid in ids]
        out = []
        for result in scan(self, names, self.directory, progress, status=status,
                           diagnostics=False, packed=True,
                           quiet_before=quiet_before.isoformat() if quiet_before else None):
            if result.slim is None:
                if unreadable:
                    unreadable(result.case_id)
                continue
            out.append((result.case_id, result.slim))
        return out

    def read_case(self, case_id: str) -> dict:
        """A case's data, through the gate: a file with YAML or schema errors is refused
        (``FileHasErrors``, exit 1), naming its first problem and how to see the rest."""
        return admit(f"{CASES_DIR}/{case_id}.yaml", "case", self.load_case(case_id))
