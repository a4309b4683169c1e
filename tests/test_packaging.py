"""A real wheel carries lpcli's schemas, templates and example casebook, and works installed."""

from __future__ import annotations

import os
import subprocess
import sys
import zipfile

import pytest

from conftest import REPO


@pytest.fixture(scope="module")
def wheel(tmp_path_factory):
    out = tmp_path_factory.mktemp("wheel")
    subprocess.run([sys.executable, "-m", "pip", "wheel", "--no-deps", "-q", "-w", str(out),
                    str(REPO)], check=True, capture_output=True)
    (whl,) = out.glob("lpcli-*.whl")
    return whl


def test_wheel_holds_schemas_templates_and_example(wheel):
    names = set(zipfile.ZipFile(wheel).namelist())
    for kind in ("case", "practitioners", "settings"):
        assert f"lpcli/schemas/{kind}.schema.json" in names
    assert any(n.startswith("lpcli/templates/") for n in names)
    assert "lpcli/templates/parts.html.j2" in names
    assert "lpcli/catalogues/en.yaml" in names
    assert "lpcli/casebook_example/lpcli.yaml" in names
    assert "lpcli/casebook_example/practitioners.yaml" in names
    assert len([n for n in names if n.startswith("lpcli/casebook_example/cases/")]) >= 12
    entry = [n for n in names if n.endswith("entry_points.txt")]
    assert entry and "lpcli = lpcli.cli:main" in zipfile.ZipFile(wheel).read(entry[0]).decode()


def test_installed_wheel_finds_its_data(wheel, tmp_path):
    target = tmp_path / "site"
    subprocess.run([sys.executable, "-m", "pip", "install", "--no-deps", "-q", "--target",
                    str(target), str(wheel)], check=True, capture_output=True)
    env = dict(os.environ, PYTHONPATH=str(target))
    code = ("import lpcli.core.resources as r, lpcli.check.schema as s; "
            "print(r.schemas_dir()); print(r.example_dir()); s.validator('case'); "
            "print(r.catalogues_dir()); from lpcli.documents.catalogue import load; "
            "print(load(None).date('2026-12-16'))")
    out = subprocess.run([sys.executable, "-c", code], cwd=tmp_path, env=env, check=True,
                         capture_output=True, text=True).stdout
    assert str(target) in out.splitlines()[0]
    assert str(target) in out.splitlines()[1]
    assert str(target) in out.splitlines()[2]
    assert out.splitlines()[3] == "Wednesday 16 December 2026"
