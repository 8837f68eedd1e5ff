"""The seed report's figures (湘西自治州人民政府办公室, 2022), as every test expects them."""

from decimal import Decimal

#: The eight rates the report states, in percent.
SEED_FIGURES = {
    "在职人员控制率": "86.99",
    "三公经费变动率": "-23.56",
    "三公经费控制率": "63.99",
    "公用经费控制率": "42.12",
    "政府采购执行率": "22.27",
    "预算执行率": "87.57",
    "预算调整率": "173.45",
    "固定资产利用率": "51.41",
}

#: 收支情况 汇总行, 万元, as recomputed from the institutions.
SEED_SUMMARY = {
    "ie.income.summary.total": Decimal("10246.65"),
    "ie.spending.summary.basic": Decimal("4870.15"),
    "ie.spending.summary.project": Decimal("2667.88"),
    "ie.sangong.summary.total": Decimal("258.48"),
    "ie.assets.summary.total": Decimal("12933.17"),
}
