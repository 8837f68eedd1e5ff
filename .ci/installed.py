"""What a user gets from `pip install`: build the sdist and the wheel, install the wheel into a fresh
venv outside the source tree, and run the commands a clerk runs, from a temporary folder.

Fails on a module missing from the wheel, on any traceback, on a wrong exit code and on a wrong
figure of the bundled sample. Run by .ci/run after `make test`, and by `make install-check`.
Usage: python .ci/installed.py  (with a Python that has `build`, e.g. .venv/bin/python)
"""

from __future__ import annotations

import json
import subprocess
import sys
import tempfile
import venv
import zipfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
from tests.seed import SEED_FIGURES as SEED  # noqa: E402  (the seed report's figures: one list for every check)

SAMPLE = ROOT / "samples" / "湘西州政府办_2022_基础数据表.xlsx"
SEED_SCORES = {"总分": "95.00", "等次": "优"}


def fail(message: str) -> None:
    print(f"installed-package check FAILED: {message}", file=sys.stderr)
    sys.exit(1)


def run(args: list[str], cwd: Path, expect: int = 0) -> subprocess.CompletedProcess:
    """Run a command; fail on a traceback or an exit code other than `expect`."""
    done = subprocess.run(args, cwd=cwd, capture_output=True, text=True, encoding="utf-8")
    shown = " ".join(str(a) for a in args)
    if "Traceback" in done.stdout + done.stderr:
        fail(f"`{shown}` printed a traceback:\n{done.stderr}")
    if done.returncode != expect:
        fail(f"`{shown}` exited {done.returncode}, expected {expect}:\n{done.stdout}\n{done.stderr}")
    return done


def tracked(patterns: list[str]) -> set[str]:
    out = subprocess.run(["git", "ls-files", *patterns], cwd=ROOT, capture_output=True, text=True, check=True)
    return set(out.stdout.split())


def check_wheel(wheel: Path) -> None:
    """Every tracked module and data file of the package is inside the wheel."""
    names = set(zipfile.ZipFile(wheel).namelist())
    modules = tracked(["perf_xlsx/*.py", "perf_xlsx/**/*.py", "perf_xlsx/*.json"])
    data = {f"perf_xlsx/{name}" for name in tracked(["workbook_templates/*.toml", "workbook_templates/**/*.toml"])}
    missing = sorted((modules | data) - names)
    if missing:
        fail("the wheel lacks " + ", ".join(missing))


def main() -> None:
    with tempfile.TemporaryDirectory(prefix="perfxlsx-installed-") as tmp:
        tmp_path = Path(tmp)
        dist = tmp_path / "dist"
        # sdist first, then the wheel built from the sdist: both are proven by what follows
        run([sys.executable, "-m", "build", "--outdir", str(dist), str(ROOT)], cwd=tmp_path)
        wheel = next(dist.glob("*.whl"))
        if not list(dist.glob("*.tar.gz")):
            fail("no sdist was built")
        check_wheel(wheel)
        env_dir = tmp_path / "venv"
        venv.EnvBuilder(with_pip=True).create(env_dir)
        bindir = env_dir / ("Scripts" if sys.platform == "win32" else "bin")
        run([str(bindir / "python"), "-m", "pip", "install", "--quiet", str(wheel)], cwd=tmp_path)
        exe = str(bindir / "perfxlsx")
        work = tmp_path / "work"
        work.mkdir()
        sample = work / SAMPLE.name
        sample.write_bytes(SAMPLE.read_bytes())

        from_package = run([str(bindir / "python"), "-c", "import perf_xlsx; print(perf_xlsx.__file__)"], cwd=work)
        if str(ROOT) in from_package.stdout:
            fail(f"perf_xlsx was imported from the source tree: {from_package.stdout}")
        run([exe, "--help"], cwd=work)
        version = run([exe, "--version"], cwd=work).stdout.strip()
        if not version.startswith("perfxlsx ") or wheel.name.split("-")[1] not in version:
            fail(f"--version printed {version!r} for {wheel.name}")
        run([exe, "template", "-o", "空白表.xlsx", "--year", "2023", "--unit", "某某局", "--projects", "2"], cwd=work)
        if not (work / "空白表.xlsx").is_file():
            fail("template wrote no file")
        run([exe, "fill", sample.name, "-o", "out"], cwd=work)
        if not list((work / "out").glob("*_已填.xlsx")):
            fail("fill wrote no completed workbook")
        report = json.loads(run([exe, "check", sample.name, "--json"], cwd=work).stdout)
        figures = {name: fig["value"] for name, fig in report["figures"].items()}
        wrong = {k: (figures.get(k), v) for k, v in SEED.items() if figures.get(k) != v}
        wrong.update({k: (report["scores"].get(k), v) for k, v in SEED_SCORES.items() if report["scores"].get(k) != v})
        if wrong:
            fail(f"wrong figures (got, expected): {wrong}")
        if any(f["severity"] == "error" for f in report["findings"]):
            fail("the sample gave 错误 findings")
    print(f"installed-package check passed: {wheel.name}, sdist, --help, --version, template, fill, check --json")


if __name__ == "__main__":
    main()
