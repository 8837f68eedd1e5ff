"""`python -m bench.limit`: reading a workbook at the size limit of README (## 限制), time and peak memory.

The workbook is the bundled sample with two data sheets added, each of 15 columns of numbers and one of
text (shared strings), sized so that all sheets and sharedStrings.xml together come just under
guard.MAX_CELL_XML (20 MB) and each sheet under guard.MAX_SHEET_XML (10 MB). Each command runs in a fresh
process, `repeat` times; printed: the median wall time, the median CPU time (user + system: what the wall
time is on an idle machine, as the process is single-threaded, and much less swayed by other load) and the
largest peak RSS (ru_maxrss of the child):
- `perfxlsx check` (xlsx_grids reads every cell, the rules run);
- `perfxlsx fill` (the same, then the package patcher writes the output);
- openpyxl's load of the same file (what an .xls or a package the patcher leaves pays instead).
"""

from __future__ import annotations

import io
import os
import statistics
import subprocess
import sys
import tempfile
import time
import zipfile
from pathlib import Path

from perf_xlsx import guard

ROOT = Path(__file__).resolve().parent.parent
SAMPLE = ROOT / "samples" / "湘西州政府办_2022_基础数据表.xlsx"
CLI = [sys.executable, "-c", "from perf_xlsx.cli import main; main()"]
OPENPYXL_LOAD = "import sys, openpyxl; openpyxl.load_workbook(sys.argv[1])"
RT = "http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet"
WS_CT = "application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"
SS_CT = "application/vnd.openxmlformats-officedocument.spreadsheetml.sharedStrings+xml"


def data_sheet(rows: int, first_string: int) -> str:
    """`rows` rows: A a shared string, B…P numbers with two decimals (an amount ledger)."""
    body = []
    for r in range(1, rows + 1):
        cells = [f'<c r="A{r}" t="s"><v>{first_string + r - 1}</v></c>']
        cells += [f'<c r="{chr(66 + i)}{r}"><v>{(r * 37 + i * 11) % 100000 / 100}</v></c>' for i in range(15)]
        body.append(f'<row r="{r}">{"".join(cells)}</row>')
    return (
        '<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
        f'<dimension ref="A1:P{rows}"/><sheetData>{"".join(body)}</sheetData></worksheet>'
    )


def parts_of(rows: int) -> tuple[list[str], str]:
    """Two data sheets of `rows` rows and their shared strings."""
    strings = "".join(f"<si><t>第{n + 1}笔 明细摘要</t></si>" for n in range(2 * rows))
    shared = f'<sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">{strings}</sst>'
    return [data_sheet(rows, 0), data_sheet(rows, rows)], shared


def at_the_limit(path: Path) -> Path:
    """The sample with two data sheets, all cell XML within 2% under guard.MAX_CELL_XML."""
    with zipfile.ZipFile(SAMPLE) as z:
        existing = sum(i.file_size for i in z.infolist() if i.filename.startswith("xl/worksheets/"))

    def fits(rows: int) -> bool:
        sheets, shared = parts_of(rows)
        sizes = [len(s.encode()) for s in sheets]
        total = sum(sizes) + len(shared.encode()) + existing
        return total <= guard.MAX_CELL_XML * 0.98 and max(sizes) <= guard.MAX_SHEET_XML * 0.98

    rows = 1_000
    while fits(rows + 500):
        rows += 500
    sheets, shared = parts_of(rows)
    out = io.BytesIO()
    with zipfile.ZipFile(SAMPLE) as source, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for info in source.infolist():
            data = source.read(info)
            if info.filename == "xl/workbook.xml":
                added = '<sheet name="明细1" sheetId="8" r:id="rId91" /><sheet name="明细2" sheetId="9" r:id="rId92" />'
                data = data.replace(b"</sheets>", added.encode() + b"</sheets>")
            elif info.filename == "xl/_rels/workbook.xml.rels":
                rels = "".join(
                    f'<Relationship Type="{RT}" Target="worksheets/data{n}.xml" Id="rId9{n}" />' for n in (1, 2)
                )
                rels += (
                    '<Relationship Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/'
                    'sharedStrings" Target="sharedStrings.xml" Id="rId99" />'
                )
                data = data.replace(b"</Relationships>", rels.encode() + b"</Relationships>")
            elif info.filename == "[Content_Types].xml":
                types = "".join(
                    f'<Override PartName="/xl/worksheets/data{n}.xml" ContentType="{WS_CT}" />' for n in (1, 2)
                )
                types += f'<Override PartName="/xl/sharedStrings.xml" ContentType="{SS_CT}" />'
                data = data.replace(b"</Types>", types.encode() + b"</Types>")
            target.writestr(info, data)
        for n, sheet in enumerate(sheets, start=1):
            target.writestr(f"xl/worksheets/data{n}.xml", sheet)
        target.writestr("xl/sharedStrings.xml", shared)
    path.write_bytes(out.getvalue())
    return path


def measure(command: list[str], repeat: int) -> tuple[float, float, float]:
    """(median wall seconds, median CPU seconds, largest peak RSS in MB) of `command`, each run in a fresh
    process."""
    times, cpu, peaks = [], [], []
    for _ in range(repeat):
        start = time.perf_counter()
        pid = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL).pid
        _, status, usage = os.wait4(pid, 0)
        times.append(time.perf_counter() - start)
        if os.waitstatus_to_exitcode(status) not in (0, 1):
            raise RuntimeError(f"{command} failed")
        cpu.append(usage.ru_utime + usage.ru_stime)
        peaks.append(usage.ru_maxrss / 1024)  # KB on Linux
    return statistics.median(times), statistics.median(cpu), max(peaks)


def main(repeat: int = 5) -> None:
    with tempfile.TemporaryDirectory() as folder:
        path = at_the_limit(Path(folder) / "上限.xlsx")
        with zipfile.ZipFile(path) as z:
            cells = sum(i.file_size for i in z.infolist() if i.filename.startswith("xl/worksheets/"))
            cells += z.getinfo("xl/sharedStrings.xml").file_size
        print(f"工作簿：{path.stat().st_size / 2**20:.1f} MB，工作表与共享字符串解压后 {cells / 2**20:.1f} MB")
        print(f"负载：{os.getloadavg()[0]:.2f}（1 分钟平均），CPU {os.cpu_count()} 个")
        sys.stdout.flush()
        for name, command in (
            ("perfxlsx check", [*CLI, "check", str(path)]),
            ("perfxlsx fill", [*CLI, "fill", str(path), "-o", str(Path(folder) / "out")]),
            ("openpyxl 载入", [sys.executable, "-c", OPENPYXL_LOAD, str(path)]),
        ):
            seconds, cpu, peak = measure(command, repeat)
            print(f"{name}：{seconds:.1f} 秒（CPU {cpu:.1f} 秒），峰值内存 {peak:.0f} MB")


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else 5)
