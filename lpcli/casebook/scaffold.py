"""Creating casebooks: ``lpcli init`` (an empty one) and ``lpcli demo`` (the example)."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

from lpcli import gitstore
from lpcli.casebook import setupfiles
from lpcli.casebook.layout import CASES_DIR, PRACTITIONERS_FILE, SETTINGS_FILE
from lpcli.core.errors import EnvironmentProblem
from lpcli.core.resources import example_dir
from lpcli.files import roundtrip

GITATTRIBUTES = """\
# Case files keep their exact bytes on every platform.
*.yaml -text
"""

PRACTITIONERS_TEMPLATE = setupfiles.modeline("practitioners") + """\
# Practitioners who work with children in this casebook, from every agency.
# Add them with 'lpcli practitioner add ID ...' or 'lpcli practitioner import staff.csv'
# (see 'lpcli practitioner --help'); by hand, each needs: id, name, agency, agency_type, role,
# capacity. The schema is .lpcli/schemas/practitioners.schema.json (editors with YAML support
# use it through the first line).
#
#  - id: fs-ahmed                 # lower-case letters, digits, hyphens; used in case files
#    name: Layla Ahmed
#    agency: Riverside Family Hub
#    agency_type: family_support  # education, early_years, health, mental_health, social_care,
#                                 # housing, police, youth_justice, voluntary, family_support, ...
#    role: Family support worker
#    phone: '01632 960300'
#    email: layla.ahmed@example.org
#    line_manager:
#      name: Nadia Costa
#    capacity: 5                  # how many cases they can lead at once
#    statutory_roles: []          # social_worker, key_worker, personal_adviser
#    lp_trained: true
practitioners: []
"""


def _settings_text(agency: str) -> str:
    return (
        setupfiles.modeline("settings")
        + "# lpcli casebook settings. See 'lpcli --help', lpcli's README and the schema,\n"
        "# .lpcli/schemas/settings.schema.json (editors with YAML support use it).\n"
        + roundtrip.dump_new({"agency": agency})
        + "case_id_prefix: LP\n"
        "review_interval_weeks: 6      # weeks between reviews, unless a plan sets its own\n"
        "first_review_weeks: 6         # first review due this long after the plan is agreed\n"
        "nomination_grace_days: 20     # days a case may wait for a lead professional\n"
    )


def _empty_or_missing(path: Path) -> bool:
    return not path.exists() or (path.is_dir() and not any(path.iterdir()))


def init_casebook(path: Path, agency: str, env: dict) -> Path:
    """A new casebook at ``path``: git repository, settings, empty directory, first commit."""
    path = Path(path)
    if (path / SETTINGS_FILE).exists():
        raise EnvironmentProblem(f"{path} is already an lpcli casebook")
    if path.exists() and not path.is_dir():
        raise EnvironmentProblem(f"{path} exists and is not a folder")
    if not _empty_or_missing(path) and not (path / ".git").exists():
        raise EnvironmentProblem(
            f"{path} is not empty",
            hint="choose a new or empty folder (or an existing git repository)")
    path.mkdir(parents=True, exist_ok=True)
    repo = gitstore.init_repo(path)
    (path / CASES_DIR).mkdir(exist_ok=True)
    files = {
        SETTINGS_FILE: _settings_text(agency),
        PRACTITIONERS_FILE: PRACTITIONERS_TEMPLATE,
        f"{CASES_DIR}/.gitkeep": "",
        ".gitattributes": GITATTRIBUTES,
    }
    for name, text in files.items():
        target = path / name
        if not target.exists():
            target.write_text(text, encoding="utf-8")
    written = _setup_files(path)
    gitstore.commit(repo, [path / n for n in files] + written, "casebook created", env)
    return path


def _setup_files(path: Path) -> list[Path]:
    """The schemas for editors, VS Code's settings, the git ignores and documents/ (see
    setupfiles); the files written, to be committed."""
    changes, _ = setupfiles.plan(path)  # what cannot be changed safely, doctor explains
    setupfiles.documents_folder(path)
    return setupfiles.write(path, changes)


def copy_example(path: Path, env: dict) -> Path:
    """The example casebook copied into a new git casebook at ``path`` (for ``lpcli demo``)."""
    path = Path(path)
    if not _empty_or_missing(path):
        raise EnvironmentProblem(f"{path} is not empty", hint="choose a new folder for the demo")
    src = example_dir()
    shutil.copytree(src, path, dirs_exist_ok=True, copy_function=shutil.copyfile,
                    ignore=shutil.ignore_patterns("__pycache__", "*.pyc", "__init__.py"))
    # copytree copies the installed package's permissions (world-readable); case files are
    # for their owner only.
    os.chmod(path, 0o700)
    for folder, dirs, files in os.walk(path):
        for d in dirs:
            os.chmod(os.path.join(folder, d), 0o700)
        for f in files:
            os.chmod(os.path.join(folder, f), 0o600)
    repo = gitstore.init_repo(path)
    (path / ".gitattributes").write_text(GITATTRIBUTES, encoding="utf-8")
    _setup_files(path)
    tracked = [p for p in path.rglob("*") if p.is_file()
               and p.relative_to(path).parts[0] not in (".git", "documents")]
    gitstore.commit(repo, tracked, "example casebook copied", env)
    return path
