"""汇总.xlsx of a folder run, through the command line: its sheets, charts, number formats and file mode."""

from __future__ import annotations

import os
import stat
import subprocess
import sys
from pathlib import Path

import pytest

from perf_xlsx import paths
from tests.families import BUILDERS


def run(*args: str, umask: int = -1) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-c", "from perf_xlsx.cli import main; main()", *args],
        capture_output=True,
        text=True,
        encoding="utf-8",
        timeout=300,
        umask=umask,
    )


@pytest.mark.skipif(sys.platform == "win32", reason="POSIX file modes")
@pytest.mark.parametrize(("umask", "mode"), [(0o022, 0o644), (0o027, 0o640), (0o002, 0o664)], ids=oct)
def test_summary_mode_follows_the_umask(tmp_path, umask, mode):
    """tempfile.mkstemp makes 0600; the published 汇总.xlsx is 0666 minus the umask, as any new file of the user."""
    drop, out = tmp_path / "各单位", tmp_path / "out"
    drop.mkdir()
    BUILDERS["n_project"](drop)
    result = run("fill", str(drop), "-o", str(out), "-q", umask=umask)
    assert result.returncode == 0, result.stderr
    assert stat.S_IMODE((out / "汇总.xlsx").stat().st_mode) == mode
    assert not [p for p in Path(out).iterdir() if p.name.startswith(".")]  # no temporary file left


@pytest.mark.skipif(sys.platform == "win32", reason="POSIX file modes")
@pytest.mark.parametrize("proc", [True, False], ids=["proc-status", "os-umask"])
def test_publish_mode_reads_the_umask_either_way(tmp_path, monkeypatch, proc):
    """The umask from /proc/self/status, or (elsewhere) by setting it and putting it back: the same mode, the
    umask unchanged after."""
    if not proc:
        monkeypatch.setattr(paths, "PROC_STATUS", str(tmp_path / "no-such-file"))
    previous = os.umask(0o002)
    try:
        paths._umask.cache_clear()
        (tmp_path / "f").write_bytes(b"")
        os.chmod(tmp_path / "f", 0o600)
        paths.publish_mode(tmp_path / "f")
        assert stat.S_IMODE((tmp_path / "f").stat().st_mode) == 0o664
        assert os.umask(0o002) == 0o002  # put back as it was
    finally:
        os.umask(previous)
        paths._umask.cache_clear()
