"""perfxlsx: 部门整体支出绩效自评 — read the 基础数据表 workbook, recompute, write the completed forms.

The public API lives in perf_xlsx.api (fill, check, write_template); it is imported lazily so that
the command line starts fast.
"""

import os

# openpyxl writes its XML with lxml whenever lxml is installed (python-docx, which writes the 自评报告 draft,
# brings it), and then writes other bytes than with the standard library: the same input would give other
# outputs on machines with and without lxml. Pinned to the standard library, unless a user sets it.
os.environ.setdefault("OPENPYXL_LXML", "False")

__version__ = "0.2.0"
__all__ = ["fill", "check", "write_template"]


def __getattr__(name):
    if name in __all__:
        from . import api

        return getattr(api, name)
    raise AttributeError(name)
