"""Family R: the 自评报告's own tables pasted into a workbook — the cover and 一、部门（单位）基本概况.

The cover is a column of `标签：值` lines (some typed as label cell | value cell); 基本概况 is label/value pairs
side by side in a row (`联系人 | 田某 | 联系电话 | 8223609`), then long text cells. The value of a label is
the cell to its right, not below. Nothing on these tables is derived; a consistent copy has 实有人数 ≤ 人员编制.
"""

from __future__ import annotations

from dataclasses import dataclass

from openpyxl.worksheet.worksheet import Worksheet

from .common import D, Figure, Form
from .paint import Paper


@dataclass(frozen=True)
class Report:
    year: int
    county: str
    unit: str  # 单位名称
    budget_code: str  # 预算编码
    method: str  # 评价方式
    agency: str  # 评价机构
    date: str  # 报告日期
    contact: str
    phone: str
    quota: int  # 人员编制
    staff: int  # 实有人数
    duties: str  # 职能职责概述
    work: str  # 年度主要工作内容
    results: str  # 年度部门（单位）总体运行情况及取得的成绩


@dataclass(frozen=True, kw_only=True)
class RCover(Form):
    """The report's cover on its own sheet: title lines, then one line per field (a few split in two cells)."""

    report: Report

    family = "R"

    def figures(self) -> dict[str, Figure]:
        return {}

    def draw(self, ws: Worksheet) -> dict[str, str]:
        r = self.report
        paper, at = Paper(ws, (22, 30, 22, 14)), {}
        paper.put(3, 1, f"{r.county}{r.year}年度部门整体支出绩效评价", to=4, style="title")
        paper.put(4, 1, "自评报告", to=4, style="title")
        for row in (3, 4):
            ws.row_dimensions[row].height = 32
        at["cover.unit"] = paper.put(8, 1, f"单位名称（盖章）：{r.unit}", to=4, style="note")
        paper.put(9, 1, "预 算 编 码：", style="note")  # label cell | value cell, as a pasted Word table
        at["cover.budget_code"] = paper.put(9, 2, r.budget_code, style="note")
        paper.put(10, 1, f"评价方式：{r.method}", to=4, style="note")
        paper.put(11, 1, f"评价机构：{r.agency}", to=4, style="note")
        paper.put(12, 1, "报告时间：", style="note")
        at["cover.date"] = paper.put(12, 2, r.date, style="note")
        paper.put(16, 1, f"{r.county}财政局（制）", to=4, style="subtitle")
        for row in range(8, 13):
            ws.row_dimensions[row].height = 24
        paper.finish(16)
        return at

    def label(self, key: str) -> str:
        raise KeyError(key)

    def unit(self, key: str) -> str:
        raise KeyError(key)


@dataclass(frozen=True, kw_only=True)
class RProfile(Form):
    """一、部门（单位）基本概况: label | value | label | value rows, then long text rows."""

    report: Report
    staff_label: str = "实有人数"  # also 实际在职人数, 在职人数
    phone_label: str = "联系电话"  # also 联络电话

    family = "R"

    def figures(self) -> dict[str, Figure]:
        return {"staff.quota": D(self.report.quota), "staff.actual": D(self.report.staff)}

    def draw(self, ws: Worksheet) -> dict[str, str]:
        r = self.report
        paper, at = Paper(ws, (16, 26, 16, 26)), {}
        paper.put(1, 1, "一、部门（单位）基本概况", to=4, style="note")
        ws.row_dimensions[1].height = 24
        paper.put(2, 1, "联系人")
        at["contact"] = paper.put(2, 2, r.contact)
        paper.put(2, 3, self.phone_label)
        at["phone"] = paper.put(2, 4, r.phone)
        paper.put(3, 1, "人员编制")
        at["staff.quota"] = paper.put(3, 2, f"{r.quota}人")  # a count typed with its unit
        paper.put(3, 3, self.staff_label)
        at["staff.actual"] = paper.put(3, 4, r.staff)
        for row, (label, text) in enumerate(
            (
                ("职能职责概述", r.duties),
                ("年度主要工作内容", r.work),
                ("年度部门（单位）总体运行情况及取得的成绩", r.results),
            ),
            start=4,
        ):
            paper.put(row, 1, label)
            at[f"text.{row}"] = paper.put(row, 2, text, to=4, style="text")
        paper.finish(6)
        return at

    def label(self, key: str) -> str:
        return {"staff.quota": "人员编制", "staff.actual": self.staff_label}[key]

    def unit(self, key: str) -> str:
        return "人"


LAND_BUREAU = Report(
    year=2022,
    county="某某县",
    unit="某某县自然资源局",
    budget_code="312001",
    method="部门（单位）绩效自评",
    agency="部门（单位）评价组",
    date="2023年4月20日",
    contact="田某",
    phone="8223609",
    quota=146,
    staff=127,
    duties="贯彻执行国家和省、市自然资源管理的法律法规和方针政策；负责全县自然资源调查监测评价、统一确权登记、"
    "资产有偿使用和国土空间用途管制；负责耕地保护和国土空间生态修复；负责地质灾害防治和矿产资源管理。",
    work="1.完成第三次全国国土调查成果年度变更；2.开展耕地保护专项整治，落实耕地保护目标；3.推进不动产登记"
    "“一窗受理”；4.完成地质灾害隐患点巡查排查和应急演练；5.编制县级国土空间总体规划。",
    results="全年部门整体运行平稳，各项工作任务按期完成，耕地保有量和永久基本农田保护面积均完成上级下达任务，"
    "未发生因地质灾害造成的人员伤亡。",
)
