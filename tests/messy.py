"""Messy workbooks (走样的工作簿): the sample as it comes back after being passed around a department.

Each `build_<case>(path)` starts from the bundled sample (湘西州政府办 2022) and does to it what
clerks do — insert rows and columns, retype labels, rename sheets, type numbers as text, work in
元 — then saves it to `path`. tests/test_messy_inputs.py reads every one of them and checks that the
figures, and the cells they come from, survive.

To look at them in Excel or WPS:  python tests/messy.py 走样样例/
"""

from __future__ import annotations

import os
import re
import sys
import zipfile
from pathlib import Path

import openpyxl
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.cell_range import CellRange

from perf_xlsx.grid import Grid
from perf_xlsx.reading import read_grids

ROOT = Path(__file__).resolve().parents[1]
SAMPLE = ROOT / "samples" / "湘西州政府办_2022_基础数据表.xlsx"

BASIC, IE, FORM = "基础数据表", "收支情况", "整体支出绩效自评表"


# ---- helpers -----------------------------------------------------------------------------------
def open_sample():
    """The sample workbook, as a clerk opens it (openpyxl, formulas kept)."""
    return openpyxl.load_workbook(SAMPLE)


def cells_of(workbook) -> dict[str, tuple[str, str]]:
    """Where each field stands in the untouched workbook, {slot key: (sheet, cell)} — so a builder
    says “出国经费 本年决算” instead of “F11”."""
    filing = read_grids(SAMPLE, [Grid.from_openpyxl(ws) for ws in workbook.worksheets])
    return {key: (slot.sheet, slot.cell) for key, slot in filing.slots.items() if slot.found}


def put(workbook, where: dict, key: str, value) -> None:
    """Type `value` into the cell of field `key` (as located by cells_of)."""
    sheet, cell = where[key]
    workbook[sheet][cell] = value


def label_cell(ws, text: str):
    """The first cell whose text, without spaces, is `text` (a label the builder retypes)."""
    for row in ws.iter_rows():
        for cell in row:
            if isinstance(cell.value, str) and "".join(cell.value.split()) == text:
                return cell
    raise LookupError(f"{ws.title}: no cell “{text}”")


def _moved(lo: int, hi: int, at: int, n: int) -> tuple[int, int]:
    """A merged span lo..hi after inserting n rows/columns before `at` (it grows if it straddles `at`)."""
    if lo >= at:
        return lo + n, hi + n
    if hi >= at:
        return lo, hi + n
    return lo, hi


def _rebuild_merges(ws, edit, remap) -> None:
    """Run `edit` (openpyxl's insert/delete, which moves cells but not merged ranges), then merge
    every range again where `remap` puts it (None: the range is gone)."""
    ranges = [(m.min_row, m.min_col, m.max_row, m.max_col) for m in ws.merged_cells.ranges]
    for merged in list(ws.merged_cells.ranges):
        ws.merged_cells.remove(merged)
    edit()
    for bounds in ranges:
        new = remap(*bounds)
        if new is not None and (new[0], new[1]) != (new[2], new[3]):
            ws.merge_cells(start_row=new[0], start_column=new[1], end_row=new[2], end_column=new[3])


def insert_rows(ws, at: int, n: int = 1) -> None:
    """Insert n blank rows above row `at`, as Excel does: merges and row heights move along."""
    heights = {r: d.height for r, d in ws.row_dimensions.items() if d.height is not None}

    def remap(r1, c1, r2, c2):
        r1, r2 = _moved(r1, r2, at, n)
        return r1, c1, r2, c2

    _rebuild_merges(ws, lambda: ws.insert_rows(at, n), remap)
    for r in sorted(heights, reverse=True):
        if r >= at:
            ws.row_dimensions[r + n].height = heights[r]
            ws.row_dimensions[r].height = None


def insert_cols(ws, at: int, n: int = 1) -> None:
    """Insert n blank columns left of column `at`: merges and column widths move along."""
    widths = {c: ws.column_dimensions[get_column_letter(c)].width for c in range(1, ws.max_column + 1)}

    def remap(r1, c1, r2, c2):
        c1, c2 = _moved(c1, c2, at, n)
        return r1, c1, r2, c2

    _rebuild_merges(ws, lambda: ws.insert_cols(at, n), remap)
    for c in sorted(widths, reverse=True):
        if c >= at:
            ws.column_dimensions[get_column_letter(c + n)].width = widths[c]
    for c in range(at, at + n):
        ws.column_dimensions[get_column_letter(c)].width = 4


def delete_row(ws, row: int) -> None:
    """Delete one row whose merges lie within it (e.g. an unused line of a table); rows below move up."""
    heights = {r: d.height for r, d in ws.row_dimensions.items() if d.height is not None}

    def remap(r1, c1, r2, c2):
        if r1 == r2 == row:
            return None
        if r1 <= row <= r2:
            raise ValueError(f"{ws.title}: row {row} is part of a taller merged range")
        shift = -1 if r1 > row else 0
        return r1 + shift, c1, r2 + shift, c2

    _rebuild_merges(ws, lambda: ws.delete_rows(row, 1), remap)
    for r in sorted(heights):
        if r > row:
            ws.row_dimensions[r - 1].height = heights[r]
            ws.row_dimensions[r].height = None


def merge_anew(ws, ref: str, value) -> None:
    """Merge `ref` into one cell holding `value`, undoing whatever merges it overlaps."""
    target = CellRange(ref)
    for merged in list(ws.merged_cells.ranges):
        if not merged.isdisjoint(target):
            ws.unmerge_cells(merged.coord)
    for row in ws[ref]:
        for cell in row:
            cell.value = None
    ws.merge_cells(ref)
    ws[ref.split(":")[0]] = value


# ---- the cases ---------------------------------------------------------------------------------
def build_moved_tables(path: Path) -> Path:
    """1. Rows inserted above 经费控制情况 (3, one with a note) and above the 三公经费 table of 收支情况 (2)."""
    wb = open_sample()
    basic = wb[BASIC]
    at = label_cell(basic, "经费控制情况（万元）").row
    insert_rows(basic, at, 3)
    basic.cell(at + 1, 1, "注：以下经费数据已与财务系统核对。")
    ie = wb[IE]
    insert_rows(ie, label_cell(ie, "三公经费（万元）").row, 2)
    wb.save(path)
    return path


def build_inserted_column(path: Path) -> Path:
    """2. A narrow column inserted before the tables of 收支情况 and between the labels and the amounts
    of 基础数据表; the unused 部门基本支出预算调整 row deleted."""
    wb = open_sample()
    ie = wb[IE]
    insert_cols(ie, 1)
    basic = wb[BASIC]
    delete_row(basic, label_cell(basic, "部门基本支出预算调整").row)
    insert_cols(basic, label_cell(basic, "2021年决算数").column)
    wb.save(path)
    return path


def build_odd_labels(path: Path) -> Path:
    """3. Labels retyped: spaces, line breaks (Alt+Enter), full-width digits and colons, （一） numbering."""
    wb = open_sample()
    retype = {
        BASIC: {
            "财政供养人员情况（人）": "（一）财政供养人员情况（人）",
            "编制数": "编 制 数",
            "2022年实际在职人数": "2022年\n实际在职人数",
            "经费控制情况（万元）": "（二）经费控制情况(万元)",
            "三公经费": " 三公经费 ",
            "1、公务用车购置和维护经费": "１．公务用车购置和维护经费",
            "其中：公车购置": "其中:公车购置",
            "2、出国经费": "２、出国经费",
            "3、公务接待": "3. 公务接待",
            "公用经费": "公用\n经费",
            "政府采购金额": "政府采购金额：",
        },
        IE: {
            "机构名称": "机 构 名 称",
            "公共财政拨款": "公共财\n政拨款",
            "三公经费合计": "三公经费\n\n合计",
            "固定资产合计": "固定资产\n合计",
            "在用固定资产": "在用固定\n资产",
            "1、州政府办本级": "１．州政府办本级",
        },
        FORM: {
            "年度预算申请（万元）": "年度预算申请(万元)",
            "年度资金总额": "年度资金\n总额",
            "全年预算数": "全年\n预算数",
        },
    }
    for sheet, labels in retype.items():
        ws = wb[sheet]
        for old, new in labels.items():
            label_cell(ws, old).value = new
    wb.save(path)
    return path


def build_renamed_sheets(path: Path) -> Path:
    """4. Sheets renamed (Sheet1, 附件2, …) and put in another order; the titles inside are unchanged."""
    wb = open_sample()
    names = {BASIC: "Sheet1", IE: "附件2", FORM: "附件3 (2)", "项目1": "Sheet4"}
    for old, new in names.items():
        wb[old].title = new
    wb.move_sheet("附件3 (2)", offset=-2)  # 自评表 first
    wb.move_sheet("附件2", offset=len(wb.sheetnames))  # 收支情况 last
    wb.save(path)
    return path


#: The 自评表 breakdown as typed in 例5: value after the colon, in the label's own (merged) cell.
INLINE_BREAKDOWN = {
    "A6:D6": "按收入性质分：",  # total left for perfxlsx
    "A7:D7": "其中：一般公共预算：1873.66",
    "A8:D8": "政府性基金拨款：0",
    "A9:D9": "纳入专户管理的非税收入拨款：0",
    "A10:D10": "其他资金：5664.37",
    "E6:I6": "按支出性质分：7538.03",  # total typed by the clerk
    "E7:I7": "其中：基本支出：4870.15",
    "E8:I8": "项目支出：2667.88",
}


def build_inline_breakdown(path: Path) -> Path:
    """5. The 按收入性质分/按支出性质分 lines typed as `标签：值` in one wide merged cell each."""
    wb = open_sample()
    form = wb[FORM]
    assert label_cell(form, "按收入性质分：").coordinate == "A6", "sample layout changed: update INLINE_BREAKDOWN"
    for ref, text in INLINE_BREAKDOWN.items():
        merge_anew(form, ref, text)
    wb.save(path)
    return path


def build_text_numbers(path: Path) -> Path:
    """6. Numbers typed (or pasted) as text: thousands separators, a trailing space, a % sign,
    an accounting negative in brackets, full-width digits."""
    wb = open_sample()
    where = cells_of(wb)
    put(wb, where, "ie.income.summary.total", "10,246.65 ")
    put(wb, where, "basic.staff.rate", "86.99%")
    put(wb, where, "ie.spending.1.year_balance", "（15.66）")
    put(wb, where, "basic.staff.quota", "１４６")
    put(wb, where, "basic.staff.actual", " 127人")
    put(wb, where, "dept.money.total.budget", "9,332.431817")
    wb.save(path)
    return path


#: 例7: what stands in a cell that has nothing to report.
EMPTY_MARKS = {
    "basic.funds.abroad.final": "—",
    "ie.income.1.fund": "-",
    "ie.income.1.special": "/",
    "ie.income.2.other": "",
    "ie.sangong.1.abroad": "   ",
}


def build_empty_markers(path: Path) -> Path:
    """7. Dashes, slashes, empty strings and spaces in input cells, under blanked totals."""
    wb = open_sample()
    where = cells_of(wb)
    for key, mark in EMPTY_MARKS.items():
        put(wb, where, key, mark)
    for total in ("basic.funds.sangong.final", "ie.income.1.total", "ie.sangong.1.total"):
        put(wb, where, total, None)  # left for perfxlsx to add up
    wb.save(path)
    empty = [(sheet, cell) for key, (sheet, cell) in where.items() if EMPTY_MARKS.get(key) == ""]
    keep_empty_strings(path, wb.sheetnames, empty)
    return path


def keep_empty_strings(path: Path, sheetnames: list[str], cells: list[tuple[str, str]]) -> None:
    """openpyxl saves "" as a blank cell; some export tools store a real empty text. Write that."""
    for sheet, cell in cells:
        patch_cell(
            path, sheetnames.index(sheet), rf'(<c r="{cell}"[^>]*t="inlineStr")\s*/>', r"\1><is><t></t></is></c>"
        )


def keep_all_digits(path: Path, sheetnames: list[str], cells: dict[tuple[str, str], float]) -> None:
    """openpyxl saves a float with 16 digits (6096.0199999999995 → 6096.02); Excel keeps all 17. Write them."""
    for (sheet, cell), value in cells.items():
        patch_cell(path, sheetnames.index(sheet), rf'(<c r="{cell}"[^>]*>)<v>[^<]*</v>', rf"\g<1><v>{value!r}</v>")


def patch_cell(path: Path, sheet_index: int, pattern: str, replacement: str) -> None:
    """Rewrite one cell's XML in a saved workbook (what openpyxl cannot write)."""
    with zipfile.ZipFile(path) as source:
        entries = [(info, source.read(info.filename)) for info in source.infolist()]
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as target:
        for info, data in entries:
            if info.filename == f"xl/worksheets/sheet{sheet_index + 1}.xml":
                text, n = re.subn(pattern, replacement, data.decode("utf-8"))
                assert n == 1, f"{info.filename}: {pattern} matched {n} times"
                data = text.encode("utf-8")
            target.writestr(info, data)


#: 例8: floats as a spreadsheet stores them, noise and all.
FLOATS = {
    "ie.income.3.total": 3312.53,  # a clean float
    "ie.spending.1.total": 3592.58 + 2186.45 + 316.99,  # 6096.0199999999995: =C18+F18+H18 pasted as value
    "ie.income.4.other": 0.1 + 0.2 - 0.18,  # 0.12000000000000005
    "ie.income.summary.carryover": 332.66 + 151.70 + 1550.78 + 11.37 + 24.29,  # a summed column pasted
}


def build_float_noise(path: Path) -> Path:
    """8. Floats with binary noise (from sums pasted as values) beside clean ones."""
    wb = open_sample()
    where = cells_of(wb)
    for key, value in FLOATS.items():
        put(wb, where, key, value)
    wb.save(path)
    keep_all_digits(path, wb.sheetnames, {where[key]: value for key, value in FLOATS.items()})
    return path


def build_yuan_form(path: Path) -> Path:
    """9a. The 自评表 kept in 元: `单位：元` in the top rows, amounts to the fen."""
    wb = open_sample()
    where = cells_of(wb)
    label_cell(wb[FORM], "单位：万元").value = "单位：元"
    put(wb, where, "dept.money.total.initial", 34128169.00)
    put(wb, where, "dept.money.total.budget", 93324318.17)
    put(wb, where, "dept.money.total.actual", 81727339.46)
    wb.save(path)
    return path


#: 例9b: the 基础数据表's amounts in 元, as the seed report's text gives them.
BASIC_YUAN = {
    "basic.funds.sangong.prev_final": 3381318.25,
    "basic.funds.sangong.budget": 4039364.85,
    "basic.funds.sangong.final": None,  # left for perfxlsx: 车 + 出国 + 接待
    "basic.funds.car_purchase.final": 855100,
    "basic.funds.car_running.final": 1507400,
    "basic.funds.abroad.final": 0,
    "basic.funds.reception.final": 222300,
    "basic.funds.project.final": 26678795.66,
    "basic.funds.public.budget": 26251049.89,
    "basic.funds.public.final": 11057310.29,
    "basic.funds.procurement.budget": 15524401.00,
    "basic.funds.procurement.final": 3457775.58,
}


def build_yuan_basic(path: Path) -> Path:
    """9b. The 基础数据表 filled in 元 (`单位：元`, section title `经费控制情况（元）`)."""
    wb = open_sample()
    where = cells_of(wb)
    basic = wb[BASIC]
    label_cell(basic, "单位：万元").value = "单位：元"
    label_cell(basic, "经费控制情况（万元）").value = "经费控制情况（元）"
    for key, value in BASIC_YUAN.items():
        put(wb, where, key, value)
    wb.save(path)
    return path


def build_missing_label(path: Path) -> Path:
    """10a. The 编制数 label cell cleared (the number below it stays)."""
    wb = open_sample()
    label_cell(wb[BASIC], "编制数").value = None
    wb.save(path)
    return path


def build_missing_section(path: Path) -> Path:
    """10b. The whole 固定资产 table deleted from 收支情况 (title, header and rows)."""
    wb = open_sample()
    ie = wb[IE]
    top = label_cell(ie, "固定资产（万元）").row
    _rebuild_merges(
        ie,
        lambda: ie.delete_rows(top, ie.max_row - top + 1),
        lambda r1, c1, r2, c2: None if r1 >= top else (r1, c1, r2, c2),
    )
    wb.save(path)
    return path


def build_missing_sheet(path: Path) -> Path:
    """10c. The 收支情况 sheet left out of the workbook altogether."""
    wb = open_sample()
    del wb[IE]
    wb.save(path)
    return path


def build_unreadable_amount(path: Path) -> Path:
    """11. `约100` typed where an amount belongs (公务接待 本年决算 of 基础数据表)."""
    wb = open_sample()
    put(wb, cells_of(wb), "basic.funds.reception.final", "约100")
    wb.save(path)
    return path


#: 例12: a fixed old modification time, as a file from a shared drive has.
OLD_MTIME = 1_680_000_000  # 2023-03-28


def build_read_only(path: Path) -> Path:
    """12. A received file: read-only, with an old mtime, and a few of the messes above."""
    build_odd_labels(path)
    wb = openpyxl.load_workbook(path)
    label_cell(wb[IE], "2022年度部门（单位）收支情况").value = "2022年度部门（单位）收支情况（终稿）"
    insert_rows(wb[BASIC], label_cell(wb[BASIC], "（二）经费控制情况(万元)").row, 1)
    wb.save(path)
    os.chmod(path, 0o444)
    os.utime(path, (OLD_MTIME, OLD_MTIME))
    return path


BUILDERS = {
    name[len("build_") :]: fn for name, fn in sorted(globals().items()) if name.startswith("build_") and callable(fn)
}


def build_all(folder: Path) -> list[Path]:
    """Write every messy workbook into `folder` (its name says which case it is)."""
    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    out = []
    for name, build in BUILDERS.items():
        target = folder / f"{name}.xlsx"
        if target.exists():
            os.chmod(target, 0o644)
            target.unlink()
        out.append(build(target))
    return out


if __name__ == "__main__":
    if len(sys.argv) != 2:
        sys.exit("用法：python tests/messy.py 输出文件夹")
    for made in build_all(Path(sys.argv[1])):
        print(made)
