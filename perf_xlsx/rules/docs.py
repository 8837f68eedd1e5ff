"""docs/rules.md, generated from the rule catalogue (规则文档) — `make docs`; a test fails when they drift."""

from __future__ import annotations

import sys

from ..scoring import DEFAULT_SCHEME, with_scheme
from .catalogue import SEVERITY_ZH, load_rules

TOLERANCE = {
    "identity": "四舍五入区间（XBRL Calculations 1.1）：差额 ≤ 填报数的 ½·10⁻ᵈ 不报；≤ 再加各项 ½·10⁻ᵈ 之和报“尾差”；超出按本规则严重程度",
    "rows-equal": "两数各自的 ½·10⁻ᵈ 之和",
    "equals": "两数各自的 ½·10⁻ᵈ 之和",
    "at-most": "各数 ½·10⁻ᵈ 之和",
    "projects": "各数 ½·10⁻ᵈ 之和",
    "unit-slip": "恒等式的舍入区间加 0.01",
    "unit-slip-peers": "—",
    "follows-wrong": "与该计算项本身的恒等式相同（得分 0.01 分）",
    "negative-balance": "结余的舍入区间（各项 ½·10⁻ᵈ 之和）",
    "score-times-actual": "0.01 分",
    "block-points": "分值合计须相等；得分合计 0.01 分",
    "qualitative-band": "档次上下限 = 分值 × 比例，四舍五入到 0.01 分；恰在两档交界的得分两档都算",
}


def render() -> str:
    lines = [
        "# 审核规则（由 workbook_templates/rules.toml 生成，请勿手工修改：运行 `make docs`）",
        "",
        "严重程度：错误（须改正后再报送）、提示（请核对或说明）、尾差（舍入所致，不影响报送）。",
        "恒等式类规则在差额只由舍入造成时报“尾差”而不是“错误”。",
        "类别“读取”的问题在读取工作簿时发现（按单元格报告，说明由读取时写出）；“重算”只在 `fill --recompute` 时出现；“输出”在生成已填工作簿时报告。",
        "",
        "½·10⁻ᵈ：填报数的舍入半单位。d 为显示的小数位数（单元格格式；未设格式的金额按 2 位，比率按 2 位百分数；"
        "以文字填写的比率按所写位数，“87%”即 87% ± 0.5%），"
        "按填报所用单位计：单元格中写明“元”“万元”“亿”的按该单位（“1.2亿”即 1.20亿 ± 0.005亿），"
        "否则按表头“单位：”；存储位数多于显示位数的视为精确值。",
        "",
        f"公式中的等次、权重和定性指标档次按默认评分方案（{DEFAULT_SCHEME}）列出；换用其他评分方案时，"
        "审核结果和提示按所用方案写明。",
        "",
        "| 编号 | 类别 | 规则 | 严重程度 | 公式 | 允许误差 |",
        "|---|---|---|---|---|---|",
    ]
    for rule in load_rules():
        tolerance = TOLERANCE.get(rule.kind, "—")
        if rule.id in ("stated-score", "stated-total-score"):
            tolerance = "0.01 分"
        lines.append(
            f"| `{rule.id}` | {rule.family} | {rule.title} | {SEVERITY_ZH[rule.severity]} | {with_scheme(rule.formula)} | {tolerance} |"
        )
    notes = [rule for rule in load_rules() if getattr(rule.params, "note", "")]
    if notes:
        lines += ["", "## 说明", ""]
        lines += [f"- `{rule.id}`：{rule.params.note}" for rule in notes]
    return "\n".join(lines) + "\n"


if __name__ == "__main__":
    sys.stdout.write(render())
