"""docs/forms.md, generated from the form families (表样文档) — `make docs`; a test fails when they drift."""

from __future__ import annotations

import sys

from .detect import signature
from .families import families
from .layout import KIND_NAMES


def render() -> str:
    lines = [
        "# 可识别的表样（由 workbook_templates/families/ 生成，请勿手工修改：运行 `make docs`）",
        "",
        "每个表样系列是一组表样描述加一个评分方案。读取时每张工作表分别与所有表样比对：标题（前 12 行）"
        "和栏目标签（含各种写法）相符越多越好；有标题，或没有标题而相符的标签过半，才当作该表样读取。"
        "同一工作簿可以混用不同系列的表。`perfxlsx inspect 文件` 显示每张表的识别结果和每个栏目读到的单元格；"
        "`--form 系列` 指定按哪个系列读取。添加本地表样见 README“如何添加本地表样”。",
        "",
    ]
    for family in families():
        lines += [f"## {family.name}（`{family.id}`）", "", family.title, ""]
        lines.append(f"评分方案：`{family.scheme}`；文件：`{family.source}`")
        if family.notes:
            lines += ["", family.notes]
        lines.append("")
        for layout in family.layouts:
            labels = signature(layout).labels
            lines.append(f"### {KIND_NAMES[layout.kind]}：{layout.title}")
            lines.append("")
            lines.append(f"标题含：{'、'.join(f'“{k}”' for k in layout.title_keys)}")
            lines.append("")
            lines.append("| 栏目 | 可识别的写法 |")
            lines.append("|---|---|")
            for name, variants in labels.items():
                lines.append(f"| {name} | {'；'.join(variants)} |")
            lines.append("")
    return "\n".join(lines)


if __name__ == "__main__":
    sys.stdout.write(render())
