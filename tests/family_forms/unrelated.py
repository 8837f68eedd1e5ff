"""Tables that are no form family at all (无关表格): a staff roster and a price list of office supplies.

They share words with the forms (单位, 合计, 金额, 序号) so that a reader matching on single words is caught out.
"""

from __future__ import annotations

from dataclasses import dataclass

from openpyxl.worksheet.worksheet import Worksheet

from .common import D, Figure, Form
from .paint import MONEY, Paper

STAFF = (
    ("张伟", "男", "1978年3月", "局长", "本科", "1999年7月", "138****2041"),
    ("李娜", "女", "1985年11月", "副局长", "硕士研究生", "2009年8月", "139****6630"),
    ("王强", "男", "1990年6月", "办公室主任", "本科", "2013年9月", "137****1185"),
    ("刘洋", "女", "1993年2月", "财务股股长", "本科", "2016年8月", "135****9072"),
    ("陈静", "女", "1996年9月", "科员", "本科", "2019年10月", "136****3358"),
    ("杨帆", "男", "1998年12月", "科员", "大专", "2021年3月", "159****4417"),
)

#: 品名, 规格型号, 单位, 单价（元）, 数量
SUPPLIES = (
    ("A4复印纸", "70g 500张/包", "箱", "168.00", "40"),
    ("中性笔", "0.5mm 黑色", "盒", "24.50", "30"),
    ("硒鼓", "HP CF228A", "个", "385.00", "6"),
    ("文件盒", "55mm 蓝色", "个", "6.80", "120"),
    ("订书机", "12号", "个", "32.00", "10"),
)


@dataclass(frozen=True, kw_only=True)
class Roster(Form):
    """职工花名册."""

    holder: str = "某某县档案馆"  # the unit whose staff are listed

    def figures(self) -> dict[str, Figure]:
        return {}

    def draw(self, ws: Worksheet) -> dict[str, str]:
        heads = ("序号", "姓名", "性别", "出生年月", "职务", "学历", "参加工作时间", "联系电话")
        paper = Paper(ws, (6, 10, 6, 12, 14, 12, 14, 15))
        paper.put(1, 1, f"{self.holder}职工花名册", to=len(heads), style="title")
        paper.put(2, 1, f"填报单位：{self.holder}", to=5, style="note")
        paper.put(2, 6, "截至2022年12月31日", to=8, style="note_right")
        for col, head in enumerate(heads, start=1):
            paper.put(3, col, head, style="head")
        for i, person in enumerate(STAFF, start=1):
            paper.put(3 + i, 1, i)
            for col, value in enumerate(person, start=2):
                paper.put(3 + i, col, value)
        paper.finish(3 + len(STAFF))
        return {}


@dataclass(frozen=True, kw_only=True)
class PriceList(Form):
    """办公用品采购价格表, 金额 = 单价 × 数量, closed by a 合计 row."""

    def figures(self) -> dict[str, Figure]:
        amounts = [D(price) * D(count) for *_, price, count in SUPPLIES]
        f: dict[str, Figure] = {f"item.{i}.amount": amount for i, amount in enumerate(amounts)}
        f["total"] = sum(amounts, D(0))
        return f

    def draw(self, ws: Worksheet) -> dict[str, str]:
        f, at = self.figures(), {}
        heads = ("序号", "品名", "规格型号", "单位", "单价（元）", "数量", "金额（元）", "备注")
        paper = Paper(ws, (6, 14, 16, 6, 12, 8, 13, 10))
        paper.put(1, 1, "2022年第四季度办公用品采购价格表", to=len(heads), style="title")
        paper.put(2, 7, "单位：元", to=8, style="note_right")
        for col, head in enumerate(heads, start=1):
            paper.put(3, col, head, style="head")
        for i, (name, spec, unit, price, count) in enumerate(SUPPLIES):
            r = 4 + i
            paper.put(r, 1, i + 1)
            paper.put(r, 2, name, style="label")
            paper.put(r, 3, spec, style="label")
            paper.put(r, 4, unit)
            at[f"item.{i}.price"] = paper.put(r, 5, D(price), fmt=MONEY, style="num")
            at[f"item.{i}.count"] = paper.put(r, 6, int(count), style="num")
            at[f"item.{i}.amount"] = paper.put(r, 7, f[f"item.{i}.amount"], fmt=MONEY, style="num")
            paper.put(r, 8, None)
        r = 4 + len(SUPPLIES)
        paper.put(r, 1, "合计", to=6, style="head")
        at["total"] = paper.put(r, 7, f["total"], fmt=MONEY, style="num")
        paper.put(r, 8, None)
        paper.finish(r)
        return at
