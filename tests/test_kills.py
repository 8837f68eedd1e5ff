"""A run stopped from outside (中途被结束): Ctrl-C while starting, SIGTERM, kill -9, a worker killed.

Whatever the moment: no traceback; every output is complete (a workbook that opens, with its sheets)
or absent; no process of the run is left (a worker, the forkserver, the resource tracker); and the next
run into the folder removes what a kill -9 stranded (a temporary file) and leaves it clean.

The kill -9 / SIGTERM test runs KILL_ROUNDS rounds at random moments (2 by default, to keep the test
run short; PERFXLSX_KILL_ROUNDS=20 or more for the full check, e.g. before a release).
"""

from __future__ import annotations

import os
import random
import signal
import subprocess
import sys
import time
import zipfile
from pathlib import Path

import pytest

from tests.faults import command, drop, shared_folder

pytestmark = pytest.mark.skipif(sys.platform != "linux", reason="process sessions read from /proc (Linux)")

KILL_ROUNDS = int(os.environ.get("PERFXLSX_KILL_ROUNDS", "2"))
FILES = 6


def session(sid: int) -> list[int]:
    """The processes still in session `sid` (a run started with start_new_session: all of its own)."""
    found = []
    for entry in os.listdir("/proc"):
        if entry.isdigit():
            try:
                stat = Path("/proc", entry, "stat").read_text()
            except OSError:
                continue
            fields = stat.rsplit(")", 1)[1].split()
            if int(fields[3]) == sid and fields[0] != "Z":
                found.append(int(entry))
    return found


def gone(sid: int, seconds: float = 15) -> list[int]:
    """Wait until nothing of session `sid` is left; what is still there after `seconds`."""
    deadline = time.monotonic() + seconds
    while (left := session(sid)) and time.monotonic() < deadline:
        time.sleep(0.1)
    return left


def complete(path: Path) -> bool:
    """A finished workbook: a sound zip whose workbook lists the sheets perfxlsx adds."""
    with zipfile.ZipFile(path) as archive:
        workbook = archive.read("xl/workbook.xml").decode("utf-8")
        return archive.testzip() is None and "审核结果" in workbook and "计算过程" in workbook


def test_ctrl_c_while_the_libraries_are_imported_is_one_line():
    """Ctrl-C during the imports (injected: the import of click raises KeyboardInterrupt, as Ctrl-C
    there does) is "已中止。" and exit 130, not Python's traceback."""
    inject = (
        "import sys\n"
        "class CtrlC:\n"
        "    def find_spec(self, name, path=None, target=None):\n"
        "        if name == 'click': raise KeyboardInterrupt\n"
        "sys.meta_path.insert(0, CtrlC())"
    )
    result = subprocess.run(command("fill", "x.xlsx", inject=inject), capture_output=True, text=True)
    assert (result.returncode, result.stdout, result.stderr) == (130, "", "已中止。\n")


def test_sigterm_while_the_libraries_are_imported_is_one_line():
    """SIGTERM during the imports (injected: the process sends it to itself as click is imported, before
    cli.main takes signals over) is "已终止（收到结束信号）。" and exit 143, not a silent death by the signal."""
    inject = (
        "import os, signal, sys\n"
        "class Term:\n"
        "    def find_spec(self, name, path=None, target=None):\n"
        "        if name == 'click': os.kill(os.getpid(), signal.SIGTERM)\n"
        "sys.meta_path.insert(0, Term())"
    )
    result = subprocess.run(command("fill", "x.xlsx", inject=inject), capture_output=True, text=True)
    assert (result.returncode, result.stdout, result.stderr) == (143, "", "已终止（收到结束信号）。\n")


def test_ctrl_c_in_the_first_second_of_a_single_fill(tmp_path):
    """Real Ctrl-C (SIGINT) at moments through the first second. A moment that falls while Python
    itself still starts (in `site`, before any of perfxlsx runs: "init_import_site") is out of its reach
    and not counted; at every other one the answer is one line, or the run completes."""
    (path,) = drop(tmp_path / "in", "样例.xlsx")
    for moment in (0.1, 0.25, 0.5, 0.8):
        process = subprocess.Popen(
            command("fill", str(path), "-o", str(tmp_path / "out")),
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        time.sleep(moment)
        process.send_signal(signal.SIGINT)
        out, err = process.communicate(timeout=60)
        if "init_import_site" in err:
            continue
        assert "Traceback" not in err and "KeyboardInterrupt" not in err, (moment, err)
        assert (process.returncode, err.strip()) in ((130, "已中止。"), (0, "")), (moment, process.returncode, err)
        assert [p for p in (tmp_path / "out").glob(".~perfxlsx-*")] == []


def _start(folder: Path, out: Path) -> subprocess.Popen:
    return subprocess.Popen(
        command("fill", str(folder), "-o", str(out), "--jobs", "2", "-q"),
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        start_new_session=True,
    )


def test_killed_folder_run_leaves_no_process_and_nothing_half_written():
    """kill -9 (and SIGTERM, every other round) at a random moment of a --jobs 2 folder run: within
    seconds no process of it is left; each output present is complete; the next run exits 0 and leaves
    exactly the outputs, 汇总.xlsx and no temporary file."""
    rng = random.Random(int(os.environ.get("PERFXLSX_KILL_SEED", "16")))
    with shared_folder() as place:
        folder = place / "各单位"
        drop(folder, *(f"单位{i}.xlsx" for i in range(FILES)))
        expected = sorted([f"单位{i}_已填.xlsx" for i in range(FILES)] + ["汇总.xlsx"])
        for round_ in range(KILL_ROUNDS):
            out = place / f"输出{round_}"
            how = signal.SIGKILL if round_ % 2 == 0 else signal.SIGTERM
            run = _start(folder, out)
            time.sleep(rng.uniform(0.3, 3.0))  # the run takes about 3 s here: from start-up to 汇总.xlsx
            run.send_signal(how)
            _, err = run.communicate(timeout=60)
            assert gone(run.pid) == [], f"round {round_}: processes left after {how.name}"
            assert "Traceback" not in err and "Warning" not in err, err
            if how == signal.SIGTERM and run.returncode != 0:
                assert run.returncode == 143 and "已终止（收到结束信号）" in err, err
            if out.exists():
                for path in out.glob("*_已填.xlsx"):
                    assert complete(path), f"round {round_}: {path.name} is half-written"
            again = subprocess.run(command("fill", str(folder), "-o", str(out), "-q", "-j", "1"), capture_output=True)
            assert again.returncode == 0, again.stderr.decode()
            assert sorted(p.name for p in out.iterdir()) == expected, f"round {round_}"


def test_a_worker_killed_mid_run_is_named_and_the_run_ends():
    """A worker killed (as the system does when memory runs out): its files are rows saying so, the
    run ends with exit 1 and no traceback, and no process is left."""
    with shared_folder() as place:
        folder = place / "各单位"
        drop(folder, *(f"单位{i}.xlsx" for i in range(FILES)))
        run = _start(folder, place / "输出")
        deadline = time.monotonic() + 30
        workers: list[int] = []
        while not workers and time.monotonic() < deadline:  # a worker is a grandchild: a forkserver's child
            children = {
                p: Path("/proc", str(p), "stat").read_text().rsplit(")", 1)[1].split()[1] for p in session(run.pid)
            }
            workers = [p for p, parent in children.items() if int(parent) != run.pid and int(parent) in children]
            time.sleep(0.05)
        assert workers
        os.kill(workers[0], signal.SIGKILL)
        out, err = run.communicate(timeout=120)
        assert run.returncode == 1 and "Traceback" not in out + err, err
        assert "处理它的进程意外结束" in out
        assert gone(run.pid) == []
