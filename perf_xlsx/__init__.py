"""perfxlsx: 部门整体支出绩效自评 — read the 基础数据表 workbook, recompute, write the completed forms.

The public API lives in perf_xlsx.api (fill, check, write_template); it is imported lazily so that
the command line starts fast.
"""

__version__ = "0.2.0"
__all__ = ["fill", "check", "write_template"]


def __getattr__(name):
    if name in __all__:
        from . import api

        return getattr(api, name)
    raise AttributeError(name)
