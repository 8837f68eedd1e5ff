"""The package as `pip install` builds it (打包): every module and every layout file is in the wheel.

A wheel once shipped without perf_xlsx/rules/, so every installed `perfxlsx` failed with an
ImportError while the editable checkout worked. .ci/installed.py also installs and runs the wheel;
this test keeps the cheaper half (build and list) inside `make test`.
"""

from __future__ import annotations

import subprocess
import sys
import zipfile
from pathlib import Path

import pytest
from click.testing import CliRunner

import perf_xlsx
from perf_xlsx.cli import cli

ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture(scope="module")
def wheel(tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("dist")
    subprocess.run(
        [sys.executable, "-m", "build", "--wheel", "--no-isolation", "--outdir", str(out), str(ROOT)],
        check=True,
        capture_output=True,
    )
    return next(out.glob("*.whl"))


def test_every_module_and_layout_is_in_the_wheel(wheel):
    names = set(zipfile.ZipFile(wheel).namelist())
    modules = {
        p.relative_to(ROOT).as_posix() for p in (ROOT / "perf_xlsx").rglob("*.py") if "__pycache__" not in p.parts
    }
    layouts = {"perf_xlsx/" + p.relative_to(ROOT).as_posix() for p in (ROOT / "workbook_templates").rglob("*.toml")}
    assert "perf_xlsx/rules/kinds.py" in modules  # the subpackage that was once left out
    assert modules | layouts <= names, sorted((modules | layouts) - names)


def test_wheel_has_no_tests_or_samples(wheel):
    names = zipfile.ZipFile(wheel).namelist()
    assert not [n for n in names if n.startswith(("tests/", "samples/", "bench/"))]


def test_version_comes_from_one_place(wheel):
    assert wheel.name.split("-")[1] == perf_xlsx.__version__
    result = CliRunner().invoke(cli, ["--version"])
    assert result.output.strip() == f"perfxlsx {perf_xlsx.__version__}"
