"""make bench: the speed figures of perfxlsx, each beside its baseline measured in the same run.

Prints and writes docs/performance.md:
1. `perfxlsx --help` wall time; `perfxlsx fill` on the sample vs importing the four libraries; whether
   `--help`, `template` and `check` of a workbook without 收支情况 import pandas (they must not), and
   what importing pandas costs;
2. in-process fill of one workbook vs openpyxl load + save of the same workbook (sample, 20 projects);
   where the twenty-project workbook's time goes (phases); the write path alone (工作簿包修补: cells, comments, the two added sheets, the zip) vs the same
   openpyxl load + save (`python -m bench.run write` runs just this); reading the 20-project workbook
   into Grids, 快速读取 (xlsx_grids) vs the openpyxl path, and `check` of it either way;
3. 200 workbooks with --jobs 1 vs --jobs 2 (files/s, speed-up) and peak memory per process;
4. 1,000 twenty-project workbooks end to end.
Medians of repeated runs; the machine is shared, so the ratios mean more than the seconds.
"""

from __future__ import annotations

import compileall
import json
import os
import platform
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from contextlib import contextmanager
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SAMPLE = ROOT / "samples" / "湘西州政府办_2022_基础数据表.xlsx"
CLI = [sys.executable, "-c", "from perf_xlsx.cli import main; main()"]
TARGETS = {
    "help": 0.15,
    "fill_vs_import": 1.25,
    "work_vs_openpyxl": 1.5,
    "write_vs_openpyxl": 0.3,
    "read_ratio": 3.0,
    "speedup": 1.7,
    "memory_mb": 150,  # issue 12: peak memory per process
    "thousand_s": 45,  # issue 12: 1,000 twenty-project workbooks, --jobs 2, end to end
}


#: Runs the command line in a fresh interpreter and prints whether it imported pandas.
PANDAS_PROBE = r"""
import json, sys
from perf_xlsx import cli
sys.argv = ["perfxlsx", *sys.argv[1:]]
code = None
try:
    cli.main()
except SystemExit as exc:
    code = exc.code
print(json.dumps({"exit": code, "pandas": "pandas" in sys.modules}))
"""


def imports_pandas(*args: str) -> bool:
    """Does `perfxlsx ARGS` import pandas (收支情况 is the only part of a run that needs it)?"""
    result = subprocess.run([sys.executable, "-c", PANDAS_PROBE, *args], capture_output=True, text=True)
    seen = json.loads(result.stdout.strip().splitlines()[-1])
    if seen["exit"] not in (0, 1):
        raise RuntimeError(result.stderr)
    return bool(seen["pandas"])


def pandas_import_seconds(repeat: int = 5) -> float:
    """Median cumulative import time of pandas (python -X importtime), in seconds."""
    times = []
    for _ in range(repeat):
        result = subprocess.run(
            [sys.executable, "-X", "importtime", "-c", "import pandas"], capture_output=True, text=True, check=True
        )
        line = next(x for x in reversed(result.stderr.splitlines()) if x.rstrip().endswith("| pandas"))
        times.append(int(line.split("|")[1]) / 1e6)
    return statistics.median(times)


def without_income_sheet(path: Path) -> Path:
    """The sample without its 收支情况 sheet."""
    import openpyxl

    wb = openpyxl.load_workbook(SAMPLE)
    del wb["收支情况"]
    wb.save(path)
    return path


def wall(command: list[str], repeat: int = 5) -> float:
    """Median wall time of a command, in seconds."""
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        subprocess.run(command, check=True, capture_output=True)
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def median_call(fn, repeat: int = 7) -> float:
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        fn()
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def interleaved(first, second, repeat: int = 11) -> tuple[float, float]:
    """Median times of two calls run in turn (one warm-up each), so that the load of a shared machine
    weighs on both alike."""
    first(), second()
    times: tuple[list[float], list[float]] = ([], [])
    for _ in range(repeat):
        for fn, out in ((first, times[0]), (second, times[1])):
            start = time.perf_counter()
            fn()
            out.append(time.perf_counter() - start)
    return statistics.median(times[0]), statistics.median(times[1])


@contextmanager
def openpyxl_reading():
    """Within this block loading reads .xlsx/.xlsm as before 快速读取: openpyxl's load, then grids_of."""
    from perf_xlsx import loading

    def read(path: Path) -> loading.Opened:
        workbook = loading.open_workbook(path)
        return loading.Opened(path, loading.grids_of(workbook, path), workbook=workbook)

    fast = loading._read_ooxml
    loading._read_ooxml = read
    try:
        yield
    finally:
        loading._read_ooxml = fast


def reading(path: Path) -> tuple[float, float]:
    """Median seconds to read `path` into Grids, with its checks: 快速读取 (loading.read_workbook, which
    must not have fallen back on openpyxl) and the openpyxl path every command took before."""
    from perf_xlsx.loading import grids_of, open_workbook, read_workbook

    if read_workbook(path).loaded:
        raise RuntimeError(f"{path.name}: 快速读取 fell back on openpyxl")
    return interleaved(lambda: read_workbook(path).grids, lambda: grids_of(open_workbook(path), path))


def folder_run(folder: Path, out: Path, jobs: int) -> tuple[float, float]:
    """Seconds for a folder run through the CLI, and the peak RSS (MB) of the largest process in it."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    start = time.perf_counter()
    result = subprocess.run(
        [*CLI, "fill", str(folder), "-o", str(out), "--jobs", str(jobs), "-q"], capture_output=True, text=True
    )
    seconds = time.perf_counter() - start
    if result.returncode not in (0, 1):
        raise RuntimeError(result.stderr)
    peak = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    return seconds, max(peak, before) / 1024


def write_path(paths: dict[str, Path], work: Path, record) -> None:
    """The write step of `fill` (completing.complete on a workbook already read and checked) against an
    openpyxl load + save of the same workbook: what the package patch costs, what a round trip did."""
    import openpyxl

    from perf_xlsx import api
    from perf_xlsx.completing import complete

    for label, path in paths.items():
        ev = api.evaluate(path)
        ours, base = interleaved(
            lambda ev=ev: complete(ev.workbook, ev.completion, ev.report, {}, [], work / "w.xlsx"),
            lambda path=path: openpyxl.load_workbook(path).save(work / "plain.xlsx"),
        )
        record(
            f"写出已填工作簿（{label}，修补工作簿包）/ openpyxl 读+存",
            f"{ours * 1000:.0f} ms / {base * 1000:.0f} ms = {ours / base:.2f}×",
            f"≤ {TARGETS['write_vs_openpyxl']}×",
        )


def phases(path: Path, work: Path) -> str:
    """Where one workbook's time goes, in process (medians): 读取 (the checks and the package into Grids,
    loading.read_workbook), 识别 (the forms read by their labels, reading.read_grids), 复算审核 (the rest of
    api.evaluate: recomputing and the rules, several times for a workbook with 错误) and 写出
    (completing.complete: cells, comments, the added sheets, the zip, the file)."""
    from perf_xlsx import api
    from perf_xlsx.completing import complete
    from perf_xlsx.loading import read_workbook
    from perf_xlsx.reading import read_grids

    timings: dict[str, list[float]] = {"读取": [], "识别": [], "复算审核": [], "写出": []}
    ev = api.evaluate(path)
    for _ in range(9):  # each phase timed in the same round, so that a busy moment weighs on all of them
        start = time.perf_counter()
        opened = read_workbook(path)
        read = time.perf_counter()
        read_grids(path, opened.grids)  # fresh Grids: nothing cached from an earlier round
        recognised = time.perf_counter()
        api.evaluate(path)
        evaluated = time.perf_counter()
        complete(lambda: ev.workbook, ev.completion, ev.report, {}, [], work / "p.xlsx")
        written = time.perf_counter()
        timings["读取"].append(read - start)
        timings["识别"].append(recognised - read)
        timings["复算审核"].append(max((evaluated - recognised) - (recognised - start), 0.0))
        timings["写出"].append(written - evaluated)
    shown = {name: statistics.median(times) for name, times in timings.items()}
    return "，".join(f"{name} {seconds * 1000:.0f} ms" for name, seconds in shown.items())


def machine() -> str:
    cpu = "unknown"
    try:
        lines = Path("/proc/cpuinfo").read_text(encoding="utf-8").splitlines()
        cpu = next(line.split(":", 1)[1].strip() for line in lines if line.startswith("model name"))
    except (OSError, StopIteration):
        pass
    import openpyxl
    import pandas
    import xlsxwriter

    return (
        f"{os.cpu_count()} CPU（{cpu}），{platform.system()} {platform.release()}，Python {platform.python_version()}，"
        f"openpyxl {openpyxl.__version__}，pandas {pandas.__version__}，xlsxwriter {xlsxwriter.__version__}"
    )


def main() -> None:
    from perf_xlsx import api
    from samples.synthetic import build_one, fill_folder

    work = Path(tempfile.mkdtemp(prefix="perfxlsx-bench-"))
    rows: list[tuple[str, str, str]] = []

    def record(name: str, value: str, target: str) -> None:
        rows.append((name, value, target))
        print(f"{name}: {value}（目标 {target}）", flush=True)

    # An installed package has its bytecode compiled (pip does it); an editable checkout may not,
    # e.g. under PYTHONDONTWRITEBYTECODE, and would then pay for compiling on every start.
    compileall.compile_dir(ROOT / "perf_xlsx", quiet=1)
    try:
        # 1. start-up
        help_s = wall([*CLI, "--help"])
        record("perfxlsx --help", f"{help_s:.3f} s", f"≤ {TARGETS['help']} s")
        imports = wall([sys.executable, "-c", "import pandas, openpyxl, xlsxwriter, click"])
        fill_s = wall([*CLI, "fill", str(SAMPLE), "-o", str(work / "one")])
        record(
            "fill 示例 / 导入四个库",
            f"{fill_s:.3f} s / {imports:.3f} s = {fill_s / imports:.2f}×",
            f"≤ {TARGETS['fill_vs_import']}×",
        )

        # pandas only for 收支情况: the commands that have none must not import it
        no_income = without_income_sheet(work / "无收支情况.xlsx")
        for label, args in (
            ("perfxlsx --help", ["--help"]),
            ("perfxlsx template", ["template", "-o", str(work / "空白表.xlsx")]),
            ("perfxlsx check（无收支情况表的工作簿）", ["check", str(no_income)]),
        ):
            record(f"{label} 导入 pandas", "是" if imports_pandas(*args) else "否", "否")
        record(
            "perfxlsx check 示例（有收支情况表）导入 pandas",
            "是" if imports_pandas("check", str(SAMPLE)) else "否",
            "是（收支情况表用 pandas 计算）",
        )
        record("导入 pandas 耗时（上面为“否”的命令省下的）", f"{pandas_import_seconds():.3f} s", "—")

        # 2. per-workbook work in process
        import openpyxl

        twenty = build_one(work / "twenty.xlsx", 1)
        for label, path in (("示例", SAMPLE), ("20 个项目", twenty)):
            ours = median_call(lambda path=path: api.fill(path, work / "inproc"))
            base = median_call(lambda path=path: openpyxl.load_workbook(path).save(work / "plain.xlsx"))
            record(
                f"单个工作簿处理（{label}）/ openpyxl 读+存",
                f"{ours * 1000:.0f} ms / {base * 1000:.0f} ms = {ours / base:.2f}×",
                f"≤ {TARGETS['work_vs_openpyxl']}×",
            )
        write_path({"示例": SAMPLE, "20 个项目": twenty}, work, record)
        record("20 个项目的工作簿各阶段（进程内）", phases(twenty, work), "—")
        fast, slow = reading(twenty)
        record(
            "读取 20 个项目的工作簿：openpyxl / 快速读取",
            f"{slow * 1000:.0f} ms / {fast * 1000:.1f} ms = {slow / fast:.1f}×",
            f"≥ {TARGETS['read_ratio']:.0f}×",
        )

        def check_the_old_way():
            with openpyxl_reading():
                return api.check(twenty)

        fast, slow = interleaved(lambda: api.check(twenty), check_the_old_way)
        record(
            "check 20 个项目的工作簿（进程内）：openpyxl 读取 / 快速读取",
            f"{slow * 1000:.0f} ms / {fast * 1000:.0f} ms = {slow / fast:.2f}×",
            "—",
        )

        # 3. 200 workbooks, one and two workers
        folder = work / "200"
        fill_folder(folder, 200)
        one_s, one_mb = folder_run(folder, work / "out1", 1)
        two_s, two_mb = folder_run(folder, work / "out2", 2)
        record("200 个工作簿 --jobs 1", f"{one_s:.1f} s，{200 / one_s:.1f} 个/秒", "—")
        record(
            "200 个工作簿 --jobs 2",
            f"{two_s:.1f} s，{200 / two_s:.1f} 个/秒，加速 {one_s / two_s:.2f}×",
            f"≥ {TARGETS['speedup']}×",
        )
        record("每个进程内存峰值", f"{max(one_mb, two_mb):.0f} MB", f"≤ {TARGETS['memory_mb']} MB")

        # 4. a thousand
        shutil.rmtree(folder)
        thousand = work / "1000"
        fill_folder(thousand, 1000)
        total_s, _ = folder_run(thousand, work / "out1000", 2)
        record(
            "1000 个工作簿（20 个项目）端到端 --jobs 2",
            f"{total_s:.1f} s，{1000 / total_s:.1f} 个/秒",
            f"≤ {TARGETS['thousand_s']} s",
        )
    finally:
        shutil.rmtree(work, ignore_errors=True)

    lines = [
        "# 性能（由 `make bench` 生成）",
        "",
        f"机器：{machine()}",
        "",
        "同一次运行中测量，取中位数；机器为共享机器，比值比绝对时间更可靠。",
        "",
        "| 项目 | 测得 | 目标 |",
        "|---|---|---|",
    ]
    lines += [f"| {name} | {value} | {target} |" for name, value, target in rows]
    (ROOT / "docs" / "performance.md").write_text("\n".join(lines) + "\n", encoding="utf-8")
    print(f"已写入 {ROOT / 'docs' / 'performance.md'}")


def write_only() -> None:
    """`python -m bench.run write`: the write-path figures alone, printed (docs/performance.md untouched)."""
    from samples.synthetic import build_one

    work = Path(tempfile.mkdtemp(prefix="perfxlsx-bench-"))
    try:
        twenty = build_one(work / "twenty.xlsx", 1)
        write_path(
            {"示例": SAMPLE, "20 个项目": twenty},
            work,
            lambda name, value, target: print(f"{name}: {value}（目标 {target}）", flush=True),
        )
    finally:
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    write_only() if sys.argv[1:] == ["write"] else main()
