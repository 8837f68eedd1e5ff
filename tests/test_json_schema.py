"""One JSON schema (perf_xlsx/report_schema.json) for all four `--json` outputs: `check FILE`,
`check DIR`, `fill FILE`, `fill DIR`. A file gives one object, a folder a list of the same objects;
a file's object is the same whichever way it was asked for. And `--debug` shows the technical error
behind a file a folder run could not process."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from importlib.resources import files

import pytest
from click.testing import CliRunner
from jsonschema import Draft202012Validator

from perf_xlsx import api
from perf_xlsx.cli import cli
from tests.golden import SAMPLE
from tests.rule_cases import variant


def perfxlsx(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-c", "from perf_xlsx.cli import main; main()", *args],
        capture_output=True,
        text=True,
        encoding="utf-8",
        timeout=600,
    )


@pytest.fixture(scope="module")
def validator() -> Draft202012Validator:
    schema = json.loads((files("perf_xlsx") / "report_schema.json").read_text(encoding="utf-8"))
    Draft202012Validator.check_schema(schema)
    return Draft202012Validator(schema)


@pytest.fixture(scope="module")
def outputs(tmp_path_factory) -> dict:
    """The four commands on 好.xlsx (the sample) and on a folder of it, 错.xlsx (a total typed wrong)
    and 坏.xlsx (not a workbook); the folder is filled by two worker processes."""
    tmp = tmp_path_factory.mktemp("json")
    drop = tmp / "各单位"
    drop.mkdir()
    shutil.copy(SAMPLE, drop / "好.xlsx")
    shutil.copy(variant(tmp, {"ie.income.1.total": 6096.32}), drop / "错.xlsx")
    (drop / "坏.xlsx").write_bytes(b"PK\x03\x04 this is not a workbook")
    runs = {
        "check FILE": perfxlsx("check", str(drop / "好.xlsx"), "--json"),
        "check DIR": perfxlsx("check", str(drop), "--json"),
        "fill FILE": perfxlsx("fill", str(drop / "好.xlsx"), "-o", str(tmp / "one"), "--json"),
        "fill DIR": perfxlsx("fill", str(drop), "-o", str(tmp / "all"), "--jobs", "2", "--json"),
    }
    for command, result in runs.items():
        assert "Traceback" not in result.stderr, (command, result.stderr)
    assert [runs[c].returncode for c in runs] == [0, 1, 0, 1]
    return {"tmp": tmp, **{command: json.loads(result.stdout) for command, result in runs.items()}}


def _by_file(listed: list[dict]) -> dict[str, dict]:
    return {entry["file"]: entry for entry in listed}


def _without(entry: dict, *keys: str) -> dict:
    return {k: v for k, v in entry.items() if k not in keys}


def test_all_four_outputs_validate_against_one_schema(outputs, validator):
    for command in ("check FILE", "fill FILE"):
        assert isinstance(outputs[command], dict), command  # a file: one object
        validator.validate(outputs[command])
    for command in ("check DIR", "fill DIR"):
        listed = outputs[command]
        assert isinstance(listed, list) and [e["file"] for e in listed] == sorted(["好.xlsx", "坏.xlsx", "错.xlsx"]), (
            command
        )
        for entry in listed:
            validator.validate(entry)
    fill = _by_file(outputs["fill DIR"])
    assert [fill[f]["status"] for f in ("好.xlsx", "错.xlsx", "坏.xlsx")] == ["通过", "有错误", "无法处理"]
    assert fill["错.xlsx"]["counts"]["error"] >= 1 and fill["好.xlsx"]["counts"]["error"] == 0
    assert "另存为" in fill["坏.xlsx"]["error"] and "output" not in fill["坏.xlsx"]
    assert fill["好.xlsx"]["figures"]["预算执行率"]["value"] == "87.57" and fill["好.xlsx"]["scores"]["总分"] == "95.00"


def test_a_file_is_the_same_object_alone_and_in_a_folder(outputs):
    tmp = outputs["tmp"]
    check_dir, fill_dir = _by_file(outputs["check DIR"]), _by_file(outputs["fill DIR"])
    assert outputs["check FILE"] == check_dir["好.xlsx"]
    assert outputs["fill FILE"]["output"] == str(tmp / "one" / "好_已填.xlsx")
    assert fill_dir["好.xlsx"]["output"] == str(tmp / "all" / "好_已填.xlsx")
    assert _without(outputs["fill FILE"], "output") == _without(fill_dir["好.xlsx"], "output")
    assert outputs["fill FILE"]["filled"] and outputs["check FILE"]["filled"] == []
    for name in ("好.xlsx", "错.xlsx", "坏.xlsx"):  # fill reports what check reports, and what it wrote
        assert _without(fill_dir[name], "output", "filled") == _without(check_dir[name], "filled"), name


def test_the_schema_rejects_what_it_should(outputs, validator):
    """The schema is no rubber stamp: each of these breaks it."""
    good = outputs["check FILE"]
    broken = [
        _without(good, "counts"),
        {**good, "status": "ok"},
        {**good, "year": "2022"},
        {**good, "reason": "旧字段"},
        {**good, "error": "无法读取", "status": "通过"},
        {**good, "figures": {**good["figures"], "预算执行率": {**good["figures"]["预算执行率"], "value": "87.57%"}}},
        {**good, "findings": [{**good["findings"][0], "difference": 0.01}]},
        {**good, "findings": [_without(good["findings"][0], "tolerance")]},
        {**good, "scores": _without(good["scores"], "总分")},
    ]
    for entry in broken:
        assert not validator.is_valid(entry), entry


def test_debug_shows_why_a_file_of_a_folder_failed(tmp_path):
    """`fill DIR --debug` (files in worker processes) and `check DIR --debug` show the technical error
    behind each file they could not process; without --debug only the Chinese reason."""
    drop = tmp_path / "各单位"
    drop.mkdir()
    api.write_template(drop / "甲.xlsx", 2022, "甲单位")
    (drop / "坏.xlsx").write_bytes(b"PK\x03\x04 this is not a workbook")
    plain = perfxlsx("fill", str(drop), "-o", str(tmp_path / "a"), "--jobs", "2", "-q")
    debug = perfxlsx("fill", str(drop), "-o", str(tmp_path / "b"), "--jobs", "2", "-q", "--debug")
    checked = perfxlsx("check", str(drop), "--debug")
    for result in (plain, debug, checked):
        assert result.returncode == 1
        assert "坏.xlsx" in result.stdout + result.stderr and "另存为" in result.stdout + result.stderr
    assert "Traceback" not in plain.stderr and "技术细节" not in plain.stderr
    for result in (debug, checked):
        assert "技术细节（坏.xlsx）" in result.stderr and "Traceback" in result.stderr
        assert "技术细节（甲.xlsx）" not in result.stderr  # only files that failed


def test_debug_shows_an_internal_error_of_a_folder_run(tmp_path, monkeypatch):
    """A bug while processing one file: without --debug a Chinese line and the rest goes on; with
    --debug the traceback too."""
    drop = tmp_path / "各单位"
    drop.mkdir()
    shutil.copy(SAMPLE, drop / "好.xlsx")
    api.write_template(drop / "乙.xlsx", 2022, "乙单位")
    real_fill = api.fill

    def buggy_fill(path, *args, **kwargs):
        if path.name == "乙.xlsx":
            raise ZeroDivisionError("boom")
        return real_fill(path, *args, **kwargs)

    monkeypatch.setattr(api, "fill", buggy_fill)
    runner = CliRunner()
    plain = runner.invoke(cli, ["fill", str(drop), "-o", str(tmp_path / "a"), "--jobs", "1", "--json"])
    debug = runner.invoke(cli, ["fill", str(drop), "-o", str(tmp_path / "b"), "--jobs", "1", "--json", "--debug"])
    for result in (plain, debug):
        assert result.exit_code == 1
        listed = _by_file(json.loads(result.stdout))
        assert listed["好.xlsx"]["status"] == "通过"
        assert (
            listed["乙.xlsx"]["status"] == "无法处理" and "内部错误（ZeroDivisionError）" in listed["乙.xlsx"]["error"]
        )
    assert "Traceback" not in plain.stderr
    assert "技术细节（乙.xlsx）" in debug.stderr and "ZeroDivisionError: boom" in debug.stderr


def test_the_readme_describes_every_field(validator):
    """The README's table of the JSON output names every field of the schema."""
    from pathlib import Path

    readme = (Path(__file__).parent.parent / "README.md").read_text(encoding="utf-8")
    section = readme.split("### JSON 输出", 1)[1].split("\n### ", 1)[0]
    schema = validator.schema
    assert "report_schema.json" in section
    for name in schema["properties"]:
        assert f"`{name}`" in section, name
    nested = [
        schema["$defs"]["finding"],
        schema["$defs"]["figure"],
        *(schema["properties"][k] for k in ("scores", "counts")),
    ]
    for name in [n for part in nested for n in part["properties"]]:
        assert f"`{name}`" in section, name
