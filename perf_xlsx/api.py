"""The library's front door (公共接口): fill(), check(), write_template(). Never prints, never exits."""
from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from .derive import Completion
from .errors import PerfXlsxError
from .figures import compute
from .loading import grids_of, open_workbook
from .model import Filing
from .reading import read_grids
from .report import Report, problem_findings, scores_of

OUTPUT_DIR = "已生成"
OUTPUT_SUFFIX = "_已填"


@dataclass
class Evaluation:
    """A workbook read and recomputed, ready to report on or to write."""

    workbook: object
    filing: Filing
    completion: Completion
    report: Report


def output_path(path: Path, out_dir: Path | None = None) -> Path:
    """`<输入文件名>_已填.xlsx`, by default in `已生成/` beside the input."""
    path = Path(path)
    folder = Path(out_dir) if out_dir is not None else path.parent / OUTPUT_DIR
    return folder / f"{path.stem}{OUTPUT_SUFFIX}.xlsx"


def evaluate(path: Path) -> Evaluation:
    """Read `path`, recompute every derived figure; raises PerfXlsxError for an unreadable file."""
    path = Path(path)
    workbook = open_workbook(path)
    filing = read_grids(path, grids_of(workbook, path))
    if not filing.sheets:
        from .errors import NotABasicDataWorkbook

        raise NotABasicDataWorkbook("未找到任何一张表样（基础数据表、收支情况、整体支出绩效自评表、项目支出绩效自评表），"
                                    "请确认各表标题未被删除。", path)
    completion = Completion(filing)
    report = Report(file=path, unit=filing.unit, year=filing.year, figures=compute(completion),
                    scores=scores_of(completion), findings=problem_findings(completion))
    return Evaluation(workbook, filing, completion, report)


def check(path: Path) -> Report:
    """Recompute and report, writing nothing (审核)."""
    return evaluate(path).report


def fill(path: Path, out_dir: Path | None = None) -> Report:
    """Write the completed workbook (生成已填工作簿) and return the report. The input is never modified."""
    from .writing import add_work_sheet, fill_cells, save_deterministic

    path = Path(path)
    target = output_path(path, out_dir)
    if target.resolve() == path.resolve():
        raise PerfXlsxError("输出文件与输入文件相同，为保护原文件已停止；请换一个输出文件夹。", path)
    ev = evaluate(path)
    filled = fill_cells(ev.workbook, ev.completion)
    add_work_sheet(ev.workbook, ev.completion, ev.report.figures)
    save_deterministic(ev.workbook, target)
    ev.report.filled = [ev.filing.slots[r.key].where for r in filled]
    ev.report.output = target
    return ev.report


def write_template(path: Path, year: int, unit: str = "", projects: int = 1) -> Path:
    """The blank 基础数据表 workbook a finance bureau issues (空白表样)."""
    from .template import Content, build
    from .writing import save_deterministic

    workbook = build(Content(year=year, unit=unit), project_count=projects)
    save_deterministic(workbook, Path(path))
    return Path(path)
