"""Package discovery (包结构) for setuptools; every other setting is in pyproject.toml.

Every package under perf_xlsx/ is found automatically, so a new subpackage can never be left out of
the wheel again; the top-level folder workbook_templates/ (layouts and scoring schemes, as data)
ships as perf_xlsx.workbook_templates.
"""

from setuptools import find_packages, setup

setup(
    packages=[*find_packages(include=["perf_xlsx", "perf_xlsx.*"]), "perf_xlsx.workbook_templates"],
    package_dir={"perf_xlsx.workbook_templates": "workbook_templates"},
)
