"""Which of the paths git names are cases, and which case each is."""

from __future__ import annotations

from lpcli.casebook.layout import CASES_DIR
from lpcli.core.caseid import is_case_id


def case_file(path: str) -> bool:
    return path.startswith(f"{CASES_DIR}/") and path.endswith(".yaml") and path.count("/") == 1


def case_id_of(path: str) -> str | None:
    if case_file(path):
        stem = path[len(CASES_DIR) + 1:-len(".yaml")]
        return stem if is_case_id(stem) else None
    return None
