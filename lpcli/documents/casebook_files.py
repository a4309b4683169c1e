"""The casebook's own document files (templates, a logo, word catalogues): read like case
files.

A casebook is shared through git, and git stores symbolic links: anyone who can push could
commit templates/plan.md.j2 (or catalogues/cy.yaml) as a link to ~/.ssh/id_rsa, and a
colleague's 'render' would print it. So the casebook's templates/ and catalogues/ folders and
everything read from them must be real folders and regular files inside the casebook, within
the size limit of a case file.
"""

from __future__ import annotations

from pathlib import Path

from lpcli.core.errors import LpcliError


class RenderError(LpcliError):
    """A document cannot be made: a template failed (bad syntax, a sandbox violation, an
    unknown variable, too slow), or a catalogue of words cannot be used."""

    exit_code = 2


def _printable(text: str) -> str:
    return "".join(c if c.isprintable() else "?" for c in text)[:80]


def casebook_folder(casebook, name: str) -> Path | None:
    """The casebook's folder ``name`` (templates, catalogues), or None; a symbolic link there
    is refused."""
    if casebook is None:
        return None
    folder = casebook.root / name
    if folder.is_symlink():
        raise RenderError(f"{name}/ is a symbolic link; lpcli reads it only from a real folder "
                          "inside the casebook",
                          hint=f"replace the link with a folder, or remove {name}/ to use "
                               "lpcli's own")
    return folder if folder.is_dir() else None


def read_casebook_file(folder: Path, name: str, label: str = "templates") -> bytes | None:
    """A file's bytes from the casebook's ``label``/ folder (None when there is no such file).

    ``name`` may name sub-folders ('parts/footer.html.j2'), but no '..', no absolute path,
    and no symbolic link anywhere on the way (each step is checked with lstat; the file is
    opened with O_NOFOLLOW by ``read_raw``)."""
    import os
    import stat

    from lpcli.files.safeio import read_raw

    parts = name.replace("\\", "/").split("/")
    if name.startswith("/") or any(p in ("", ".", "..") or "\0" in p for p in parts):
        raise RenderError(f"name '{_printable(name)}' is not a file inside {label}/ (no '..', "
                          "no absolute paths)",
                          hint=f"name files by their path inside {label}/")
    here = folder
    for part in parts[:-1]:
        here = here / part
        try:
            mode = os.lstat(here).st_mode
        except OSError:
            return None
        if not stat.S_ISDIR(mode):
            raise RenderError(f"{label}/{'/'.join(parts)}: a step on the way is a symbolic link "
                              "or not a folder; lpcli reads only real folders inside the "
                              "casebook")
    raw, problem = read_raw(here / parts[-1])
    if problem is None:
        return raw
    if problem.rule == "missing":
        return None
    raise RenderError(f"{label}/{'/'.join(parts)} {problem.message}",
                      hint=f"make it a regular file inside {label}/, or remove it to use "
                           "lpcli's own")
