"""The command line pauses Python's cyclic garbage collector for a one-off run (see cli.main) and
collects between workbooks; the long-running commands keep it on. Run in a subprocess, since the
collector's state belongs to the whole process."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys

from tests.golden import SAMPLE

PROBE = r"""
import gc, json, sys
from perf_xlsx import api, batch, cli

seen = {"enabled": [], "collections": 0}
real_collect = gc.collect
def counting_collect(*args):
    seen["collections"] += 1
    return real_collect(*args)
gc.collect = counting_collect
for module, name in ((api, "fill"), (api, "check"), (batch, "process")):
    def probe(*args, _real=getattr(module, name), **kwargs):
        seen["enabled"].append(gc.isenabled())
        return _real(*args, **kwargs)
    setattr(module, name, probe)
sys.argv = ["perfxlsx", *sys.argv[1:]]
try:
    cli.main()
except SystemExit as exc:
    seen["exit"] = exc.code
seen["frozen"] = gc.get_freeze_count() > 0
print(json.dumps(seen))
"""


def probe(*args: str) -> dict:
    result = subprocess.run([sys.executable, "-c", PROBE, *args], capture_output=True, text=True, encoding="utf-8")
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout.strip().splitlines()[-1])


def test_one_workbook_runs_with_the_collector_paused_and_frozen_at_exit(tmp_path):
    seen = probe("fill", str(SAMPLE), "-o", str(tmp_path / "out"), "-q")
    assert seen["exit"] == 0 and seen["enabled"] == [False]
    assert seen["collections"] == 0 and seen["frozen"]


def test_workbooks_one_after_another_are_collected_between(tmp_path):
    for name in ("a", "b", "c"):
        shutil.copy(SAMPLE, tmp_path / f"{name}.xlsx")
    seen = probe("check", str(tmp_path))
    assert seen["enabled"] == [False, False, False]
    assert seen["collections"] == 2


def test_a_folder_run_turns_the_collector_back_on(tmp_path):
    shutil.copy(SAMPLE, tmp_path / "a.xlsx")
    shutil.copy(SAMPLE, tmp_path / "b.xlsx")
    seen = probe("fill", str(tmp_path), "-o", str(tmp_path / "out"), "--jobs", "1", "-q")
    assert seen["exit"] == 0 and set(seen["enabled"]) == {True}  # batch.process and api.fill, per file
