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
    """The cell-level dump of a workbook; of a .docx (the 自评报告 draft) its text (docx_text)."""
    if Path(path).suffix == ".docx":
        return docx_text(path)
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


def docx_text(path: Path) -> str:
    """The text of a .docx as Word shows it, in order: a line per paragraph (its style-free text), a line per
    table row (cells joined by tabs, a merged cell once), `\f` for a page break. Read with python-docx."""
    import docx
    from docx.table import Table
    from docx.text.paragraph import Paragraph

    document = docx.Document(str(path))
    lines = []
    for item in document.iter_inner_content():
        if isinstance(item, Paragraph):
            if item._p.xpath('.//w:br[@w:type="page"]'):
                lines.append("\f")
            elif item.text or not lines or lines[-1] != "":
                lines.append(item.text)
        elif isinstance(item, Table):
            for row in item.rows:
                cells: list[str] = []
                for cell in row.cells:
                    if not cells or cell._tc is not row.cells[len(cells) - 1]._tc:
                        cells.append(cell.text)
                lines.append("\t".join(cells))
    return "\n".join(lines) + "\n"


def sample_report(folder: Path) -> Path:
    from perf_xlsx import api

    return api.report(SAMPLE, folder).draft


def filled_sample(folder: Path) -> Path:
    from perf_xlsx import api

    return api.fill(SAMPLE, folder).output


def blank_template(folder: Path) -> Path:
    from perf_xlsx import api

    return api.write_template(folder / "template.xlsx", 2022, "示例单位", projects=2)


#: snapshot file -> how to produce the workbook it describes
CASES = {"sample_filled.txt": filled_sample, "template_2022.txt": blank_template, "sample_report.txt": sample_report}


def regenerate() -> None:
    SNAPSHOTS.mkdir(exist_ok=True)
    with tempfile.TemporaryDirectory() as tmp:
        for name, make in CASES.items():
            (SNAPSHOTS / name).write_text(dump(make(Path(tmp))), encoding="utf-8")
            print(f"已更新快照：{SNAPSHOTS / name}", file=sys.stderr)


if __name__ == "__main__":
    regenerate()
