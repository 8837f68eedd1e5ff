"""Golden snapshots (基准快照): a cell-level text dump of each generated workbook.

A dump lists, per sheet: print setup, column widths, merged ranges, then every non-empty cell with
its value and number format. Text, so a change shows as a readable diff; byte equality alone
would break on library upgrades. Regenerate after an intended change with `make golden` and
review the diff before committing.
"""

from __future__ import annotations

import sys
import tempfile
from pathlib import Path

import openpyxl

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
SNAPSHOTS = HERE / "golden"
SAMPLE = ROOT / "samples" / "湘西州政府办_2022_基础数据表.xlsx"


def dump(path: Path) -> str:
    """The cell-level dump of a workbook."""
    wb = openpyxl.load_workbook(path)
    lines = []
    for ws in wb.worksheets:
        setup = ws.page_setup
        lines.append(f"== sheet {ws.title}")
        lines.append(
            f"print: paper={setup.paperSize} orientation={setup.orientation} "
            f"fitToWidth={setup.fitToWidth} fitToHeight={setup.fitToHeight} "
            f"fitToPage={ws.sheet_properties.pageSetUpPr.fitToPage if ws.sheet_properties.pageSetUpPr else None} "
            f"area={ws.print_area} titles={ws.print_title_rows}"
        )
        widths = {k: v.width for k, v in sorted(ws.column_dimensions.items()) if v.width}
        lines.append("widths: " + " ".join(f"{k}={w:g}" for k, w in widths.items()))
        lines.append("merged: " + " ".join(sorted(str(r) for r in ws.merged_cells.ranges)))
        for row in ws.iter_rows():
            for cell in row:
                if cell.value is None:
                    continue
                lines.append(f"{cell.coordinate}\t{cell.value!r}\t{cell.number_format}")
    return "\n".join(lines) + "\n"


def filled_sample(folder: Path) -> Path:
    from perf_xlsx import api

    return api.fill(SAMPLE, folder).output


def blank_template(folder: Path) -> Path:
    from perf_xlsx import api

    return api.write_template(folder / "template.xlsx", 2022, "示例单位", projects=2)


#: snapshot file -> how to produce the workbook it describes
CASES = {"sample_filled.txt": filled_sample, "template_2022.txt": blank_template}


def regenerate() -> None:
    SNAPSHOTS.mkdir(exist_ok=True)
    with tempfile.TemporaryDirectory() as tmp:
        for name, make in CASES.items():
            (SNAPSHOTS / name).write_text(dump(make(Path(tmp))), encoding="utf-8")
            print(f"已更新快照：{SNAPSHOTS / name}", file=sys.stderr)


if __name__ == "__main__":
    regenerate()
