"""The seed department (湘西自治州人民政府办公室, 2022) reproduced to the cent, through the public API and CLI."""

from __future__ import annotations

import hashlib
import json
import os
import shutil
from decimal import Decimal

import openpyxl
import pytest
from click.testing import CliRunner

from perf_xlsx import api
from perf_xlsx.cli import cli
from tests.golden import SAMPLE
from tests.seed import SEED_FIGURES
from tests.sheets import records

D = Decimal


@pytest.fixture(scope="module")
def evaluation():
    return api.evaluate(SAMPLE)


@pytest.fixture
def sample(tmp_path):
    """A private copy of the sample, so a test can never touch the checked-in file."""
    return shutil.copy(SAMPLE, tmp_path / SAMPLE.name)


@pytest.mark.parametrize("name, value", sorted(SEED_FIGURES.items()))
def test_seed_figures(evaluation, name, value):
    figure = evaluation.report.figures[name]
    assert f"{figure.percent:.2f}" == value


def test_spending_based_rate_is_shown_beside_the_stated_one(evaluation):
    """预算执行数 equals 公共财政拨款 in the seed; the spending basis gives 80.77%."""
    assert f"{evaluation.report.figures['支出口径预算执行率'].percent:.2f}" == "80.77"


@pytest.mark.parametrize(
    "key, value",
    [
        ("ie.income.summary.total", "10246.65"),
        ("ie.income.summary.carryover", "2070.80"),
        ("ie.income.summary.fiscal", "8172.73"),
        ("ie.income.summary.other", "3.12"),
        ("ie.spending.summary.basic", "4870.15"),
        ("ie.spending.summary.personnel", "3764.42"),
        ("ie.spending.summary.public", "1105.73"),
        ("ie.spending.summary.project", "2667.88"),
        ("ie.spending.summary.cumulative", "2708.62"),
        ("ie.sangong.summary.total", "258.48"),
        ("ie.sangong.summary.car_running", "150.74"),
        ("ie.assets.summary.total", "12933.17"),
        ("ie.assets.summary.in_use", "6648.70"),
    ],
)
def test_summary_rows_are_recomputed_from_the_institutions(evaluation, key, value):
    assert evaluation.completion.computed(key) == D(value)


def test_row_identities_recomputed(evaluation):
    c = evaluation.completion
    assert c.computed("ie.income.3.total") == D("3312.53")  # 北京联络处 收入合计
    assert c.computed("ie.spending.3.total") == D("3312.54")  # 支出合计 = 基本 + 项目 + 累计结余
    assert c.computed("ie.spending.1.year_balance") == D("-15.67")  # 本级 当年结余, stated −15.66 (尾差)
    assert c.computed("basic.funds.sangong.final") == D("258.48")  # 三公 = 车 + 出国 + 接待


def test_scores_kept_and_summed(evaluation):
    scores = evaluation.report.scores
    assert scores == {
        "预算执行": "8.00",
        "产出": "47.00",
        "效益": "30.00",
        "满意度": "10.00",
        "总分": "95.00",
        "等次": "优",
    }
    assert evaluation.completion.computed("dept.money.total.score").quantize(D("0.01")) == D("8.76")


def test_provenance_of_every_figure_input(evaluation):
    staff = evaluation.report.figures["在职人员控制率"]
    assert [(i["label"], i["value"], i["cell"]) for i in staff.inputs] == [
        ("2022年实际在职人数", 127, "基础数据表!C5"),  # named as the sheet names it
        ("编制数", 146, "基础数据表!A5"),
    ]
    assert staff.cell == "基础数据表!E5"


def test_a_figure_with_a_cell_is_its_cells_derivation(evaluation):
    """在职人员控制率 and 预算执行率 stand on the forms: their values are the layouts' derivations of those
    cells (computed once), found through the fields tagged `figure = "…"`."""
    filing, results = evaluation.filing, evaluation.completion.results
    assert filing.figures["在职人员控制率"] == "basic.staff.rate"
    assert filing.figures["预算执行率"] == "dept.money.total.rate"
    for name in ("在职人员控制率", "预算执行率", "规模控制率", "投资概算控制率"):
        fig = evaluation.report.figures[name]
        assert fig.value == results[filing.figures[name]].value
        assert [i["key"] for i in fig.inputs] == [k for k, _ in results[filing.figures[name]].inputs]


def test_fill_writes_blank_derived_cells_and_keeps_stated_ones(sample, tmp_path):
    report = api.fill(sample, tmp_path / "out")
    assert report.output == tmp_path / "out" / "湘西州政府办_2022_基础数据表_已填.xlsx"
    wb = openpyxl.load_workbook(report.output, data_only=True)  # filled cells: formulas, these their cached values
    assert wb["基础数据表"]["E5"].value == pytest.approx(0.8699, abs=5e-5)  # shows 86.99%
    assert wb["基础数据表"]["E5"].number_format == "0.00%"
    assert wb["整体支出绩效自评表"]["H5"].value == pytest.approx(0.8757, abs=5e-5)
    assert wb["整体支出绩效自评表"]["I5"].value == 8  # clerk's 8 kept, not 8.76
    assert wb["基础数据表"]["D7"].value == pytest.approx(338.13)  # stated total without parts kept
    assert "基础数据表!E5" in report.filled and "整体支出绩效自评表!H5" in report.filled
    assert "计算过程" in wb.sheetnames
    work = records(wb["计算过程"])
    staff = next(r for r in work if r["项目"] == "在职人员控制率")
    assert (
        staff["位置"] == "基础数据表!E5"
        and staff["计算值"] == 0.8699
        and "基础数据表!C5" in staff["代入数值（含单元格）"]
    )


def test_input_never_modified_and_output_deterministic(sample, tmp_path):
    before = (hashlib.sha256(sample.read_bytes()).hexdigest(), os.stat(sample).st_mtime_ns)
    first = api.fill(sample, tmp_path / "a").output.read_bytes()
    second = api.fill(sample, tmp_path / "b").output.read_bytes()
    assert first == second
    assert (hashlib.sha256(sample.read_bytes()).hexdigest(), os.stat(sample).st_mtime_ns) == before


def test_default_output_folder_beside_the_input(sample):
    report = api.fill(sample)
    assert report.output.parent == sample.parent / "已生成"
    assert report.output.exists()
    assert not list(report.output.parent.glob(".~perfxlsx-*"))  # no temporary file left behind


def test_checked_in_sample_equals_a_fresh_build(tmp_path):
    from samples.build_sample import build_sample

    assert build_sample(tmp_path / "sample.xlsx").read_bytes() == SAMPLE.read_bytes()


def test_cli_check_json_structure(sample):
    result = CliRunner().invoke(cli, ["check", str(sample), "--json"])
    assert result.exit_code == 0, result.output
    data = json.loads(result.output)
    assert set(data) >= {"file", "unit", "year", "figures", "scores", "findings"}
    assert data["unit"] == "湘西自治州人民政府办公室" and data["year"] == 2022
    figure = data["figures"]["预算执行率"]
    assert figure["value"] == "87.57" and figure["unit"] == "%" and figure["cell"] == "整体支出绩效自评表!H5"
    assert figure["inputs"]["全年执行数"] == {"value": "8172.733946", "cell": "整体支出绩效自评表!E5"}
    assert data["scores"]["总分"] == "95.00"
    assert [f for f in data["findings"] if f["severity"] == "error"] == []
    rounding = next(f for f in data["findings"] if f["severity"] == "rounding")
    assert set(rounding) == {
        "rule",
        "severity",
        "sheet",
        "cell",
        "labels",
        "stated",
        "computed",
        "difference",
        "tolerance",
        "message",
    }
    assert rounding["difference"] in ("0.01", "-0.01") and rounding["tolerance"] == "0.025"


def test_cli_fill_prints_chinese_summary(sample, tmp_path):
    result = CliRunner().invoke(cli, ["fill", str(sample), "-o", str(tmp_path / "out")])
    assert result.exit_code == 0, result.output
    assert (
        "已生成" in result.output
        and "预算执行率 87.57%" in result.output
        and "总分 95.00，评价等次 优" in result.output
    )
