"""perfxlsx serve (网页界面) through Starlette's TestClient: the sample's figures on the page's JSON, the
completed workbook byte-identical to api.fill's, the preview of its completed 自评表 with the flagged cells
marked, a bad file's Chinese message, the password, upload names that try to leave the job folder, the
upload limits, a restart that keeps finished results, the sweep."""

from __future__ import annotations

import base64
import datetime as dt
import shutil
import time
import warnings
from pathlib import Path

import openpyxl
import pytest

from perf_xlsx import api
from perf_xlsx.batch import process
from perf_xlsx.web.app import create_app
from perf_xlsx.web.jobs import JOB_ID, Limits, Store, safe_name
from perf_xlsx.web.preview import shown
from tests.golden import SAMPLE
from tests.rule_cases import variant

with warnings.catch_warnings():  # Starlette now prefers httpx2 for its TestClient; httpx still works
    warnings.filterwarnings("ignore", message="Using `httpx` with `starlette.testclient`")
    from starlette.testclient import TestClient

BOUNDARY = "----perfxlsx-test-boundary"


def wait(client: TestClient, job_id: str, timeout: float = 180) -> dict:
    """The job's status once every file is done (polled, as the page does)."""
    end = time.monotonic() + timeout
    while time.monotonic() < end:
        status = client.get(f"/api/jobs/{job_id}").json()
        if status["done"]:
            return status
        time.sleep(0.2)
    raise AssertionError(f"job {job_id} not done in {timeout}s")


def upload(client: TestClient, files: list[tuple[str, bytes]], draft: bool = False):
    return client.post(
        "/api/jobs",
        files=[("files", (name, data, "application/octet-stream")) for name, data in files],
        data={"draft": "1" if draft else "0"},
    )


def raw_upload(client: TestClient, files: list[tuple[bytes, bytes]]):
    """A multipart body written by hand: file names as raw bytes (GBK, backslashes), as old browsers send."""
    body = b""
    for name, data in files:
        body += (
            f"--{BOUNDARY}\r\n".encode()
            + b'Content-Disposition: form-data; name="files"; filename="'
            + name
            + b'"\r\nContent-Type: application/octet-stream\r\n\r\n'
            + data
            + b"\r\n"
        )
    body += f"--{BOUNDARY}--\r\n".encode()
    return client.post("/api/jobs", content=body, headers={"Content-Type": f"multipart/form-data; boundary={BOUNDARY}"})


@pytest.fixture(scope="module")
def data(tmp_path_factory) -> Path:
    return tmp_path_factory.mktemp("serve-data")


@pytest.fixture(scope="module")
def client(data):
    with TestClient(create_app(data, workers=1)) as test_client:
        yield test_client


def test_the_page_is_chinese_and_offline(client):
    page = client.get("/")
    assert page.status_code == 200 and "部门整体支出绩效自评" in page.text
    assert "http://" not in page.text and "https://" not in page.text  # no CDN: every asset is shipped
    for name in ("app.js", "style.css", "summary.js"):
        asset = client.get(f"/static/{name}")
        assert asset.status_code == 200 and "https://" not in asset.text
    assert "汇总.xlsx" in client.get("/summary").text
    assert client.get("/static/../jobs.py").status_code == 404


def test_the_sample_shows_its_figures_and_its_workbook_is_the_clis(client, data, tmp_path, pinned_clock):
    response = upload(client, [(SAMPLE.name, SAMPLE.read_bytes())], draft=True)
    assert response.status_code == 201, response.text
    job_id = response.json()["id"]
    assert JOB_ID.match(job_id)
    status = wait(client, job_id)
    (entry,) = status["files"]
    result = entry["result"]
    assert entry["state"] == "done" and entry["name"] == SAMPLE.name
    assert result["rates"]["预算执行率"] == "87.57"
    assert result["scores"]["总分"] == "95.00" and result["scores"]["等次"] == "优"
    assert result["counts"] == {"error": 0, "warning": 11, "rounding": 8}
    assert {"severity", "severity_zh", "sheet", "cell", "message"} <= set(result["findings"][0])

    workbook = client.get(f"/api/jobs/{job_id}/files/0/workbook")
    assert workbook.status_code == 200
    expected = api.fill(SAMPLE, tmp_path / "cli")
    assert expected.output is not None and result["workbook"] == expected.output.name
    assert workbook.content == expected.output.read_bytes()  # byte-identical to what `perfxlsx fill` writes

    preview = client.get(f"/api/jobs/{job_id}/files/0/preview")
    assert preview.status_code == 200
    cells = {c["ref"]: c for row in preview.json()["rows"] for c in row}
    assert preview.json()["sheet"] == "整体支出绩效自评表"
    assert cells["H5"]["text"] == "87.57%" and cells["H5"]["filled"]  # a formula's saved result, as Excel shows it
    assert cells["D5"]["text"] == "9,332.43" and cells["G21"]["text"] == "95.00" and cells["F22"]["text"] == "优"
    assert cells["A1"]["colspan"] == 9 and cells["A14"]["rowspan"] == 4 and "B1" not in cells  # merged ranges
    assert cells["H5"]["severity"] == "warning"
    assert any("低于 90%" in note["message"] for note in cells["H5"]["notes"])

    draft = client.get(f"/api/jobs/{job_id}/files/0/draft")
    assert draft.status_code == 200 and draft.content[:2] == b"PK"
    archive = client.get(f"/api/jobs/{job_id}/zip")
    assert archive.status_code == 200 and archive.content[:2] == b"PK"
    (data / "sample-job").write_text(job_id, encoding="utf-8")


def test_the_preview_marks_the_cell_of_an_error(client, tmp_path):
    path = variant(tmp_path, {"dept.money.total.rate": "100%", "dept.goals.expected": '<img src=x onerror="alert(1)">'})
    status = wait(client, upload(client, [(path.name, path.read_bytes())]).json()["id"])
    (error,) = [f for f in status["files"][0]["result"]["findings"] if f["severity"] == "error"]
    assert (error["sheet"], error["cell"]) == ("整体支出绩效自评表", "H5")
    preview = client.get(f"/api/jobs/{status['id']}/files/0/preview").json()
    cells = {c["ref"]: c for row in preview["rows"] for c in row}
    assert cells["H5"]["text"] == "100%" and cells["H5"]["severity"] == "error"
    assert error["message"] in [note["message"] for note in cells["H5"]["notes"]]
    assert cells["B12"]["text"] == '<img src=x onerror="alert(1)">'  # text as data; the page sets it as text


def test_shown_as_the_number_format_shows_it():
    assert shown(0.8757346537600748, "0.00%") == "87.57%" and shown(0.5, "0%") == "50%"
    assert shown(9332.431817, "#,##0.00") == "9,332.43" and shown(-1234.5, "#,##0.00") == "-1,234.50"
    assert shown(10, "0.00") == "10.00" and shown(2.675, "0.00") == "2.68"  # half up, as Excel rounds
    assert shown(95.0, "General") == "95" and shown(0.1 + 0.2, "General") == "0.3"
    assert shown(None) == "" and shown("优") == "优" and shown(dt.datetime(2023, 11, 30, 8)) == "2023年11月30日"


def test_a_broken_file_shows_the_clis_chinese_message(client, tmp_path):
    name = "坏文件.xlsx"
    response = upload(client, [(name, b"this is not a workbook")])
    status = wait(client, response.json()["id"])
    (entry,) = status["files"]
    assert entry["state"] == "error"
    (tmp_path / name).write_bytes(b"this is not a workbook")
    assert entry["result"]["error"] == process(tmp_path / name, tmp_path / "out").error
    assert name in entry["result"]["error"]
    assert client.get(f"/api/jobs/{status['id']}/files/0/workbook").status_code == 404


def test_names_that_try_to_leave_the_job_folder_land_inside_it(client, data, tmp_path):
    names = [b"../../x.xlsx", b"/etc/evil.xlsx", b"..\\..\\win.xlsx", "湘西.xlsx".encode("gbk"), b"..", b"a\x01b.xlsx"]
    response = raw_upload(client, [(name, b"not a workbook") for name in names])
    assert response.status_code == 201, response.text
    job_id = response.json()["id"]
    inputs = data / job_id / "in"
    stored = sorted(p.name for p in inputs.iterdir())
    assert stored == sorted(["x.xlsx", "evil.xlsx", "win.xlsx", "湘西.xlsx", "文件", "a_b.xlsx"])
    for path in (data / job_id).rglob("*"):
        assert path.resolve().is_relative_to((data / job_id).resolve())
    assert not (data.parent / "x.xlsx").exists() and not (data / "x.xlsx").exists()
    status = wait(client, job_id)
    assert [f["name"] for f in status["files"]][3] == "湘西.xlsx"  # GBK name read as GBK
    assert all(f["state"] == "error" for f in status["files"])
    assert client.get("/api/jobs/..%2F..%2Fetc").status_code == 404


def test_safe_name():
    assert safe_name("../../x.xlsx") == "x.xlsx"
    assert safe_name("C:\\Users\\科员\\表.xlsx") == "表.xlsx"
    assert safe_name("/etc/passwd") == "passwd"
    assert safe_name("..") == "文件" and safe_name("") == "文件" and safe_name(".xlsx") == "xlsx"
    assert safe_name("CON.xlsx") == "_CON.xlsx"
    assert safe_name('a<b>:"c|?*.xlsx') == "a_b___c___.xlsx"
    assert safe_name("x\udcb1\udcf8.xlsx") == "x__.xlsx"  # undecodable bytes
    assert len(safe_name("长" * 300 + ".xlsx")) < 70


def test_upload_limits_give_chinese_messages(tmp_path):
    data = tmp_path / "data"
    with TestClient(create_app(data, limits=Limits(max_file_bytes=1000, max_files=2), workers=1)) as client:
        too_many = upload(client, [(f"{i}.xlsx", b"x") for i in range(3)])
        assert too_many.status_code == 400 and "一次最多上传 2 个文件" in too_many.json()["error"]
        too_big = upload(client, [("大.xlsx", b"x" * 2000)])
        assert too_big.status_code == 413 and "超过大小上限" in too_big.json()["error"]
        assert "大.xlsx" in too_big.json()["error"]
        nothing = client.post("/api/jobs", data={"draft": "1"}, files=[("other", ("", b"", "text/plain"))])
        assert nothing.status_code == 400 and "没有收到文件" in nothing.json()["error"]
        not_a_form = client.post("/api/jobs", content=b"x", headers={"Content-Type": "text/plain"})
        assert not_a_form.status_code == 400 and "上传" in not_a_form.json()["error"]
    assert not [p for p in data.iterdir() if JOB_ID.match(p.name)]  # refused uploads leave nothing


def test_the_password_keeps_anonymous_visitors_out(tmp_path):
    with TestClient(create_app(tmp_path / "data", password="s3cret", workers=1)) as client:
        page = client.get("/")
        assert page.status_code == 401 and "密码" in page.text
        paths = ("/api/jobs/0123456789abcdef", "/api/jobs/0123456789abcdef/files/0/preview", "/api/summary")
        for path in (*paths, "/summary.xlsx", "/summary", "/static/app.js"):
            assert client.get(path).status_code == 401, path
        assert "密码" in client.post("/api/jobs", content=b"").json()["error"]
        wrong = "Basic " + base64.b64encode(b"x:wrong").decode()
        assert client.get("/", headers={"Authorization": wrong}).status_code == 401
        right = "Basic " + base64.b64encode(b"anyone:s3cret").decode()
        assert client.get("/", headers={"Authorization": right}).status_code == 200
        assert client.post("/login", data={"password": "nope"}).status_code == 401
        login = client.post("/login", data={"password": "s3cret"}, follow_redirects=False)
        assert login.status_code == 303
        assert client.get("/").status_code == 200  # the cookie the login set
        client.cookies.clear()
        assert client.get("/").status_code == 401


def test_a_restart_keeps_finished_results(data):
    job_id = (data / "sample-job").read_text(encoding="utf-8")
    with TestClient(create_app(data, workers=1)) as client:
        status = client.get(f"/api/jobs/{job_id}").json()
        assert status["done"] and status["files"][0]["result"]["scores"]["总分"] == "95.00"
        table = client.get("/api/summary").json()
        assert "总分" in table["columns"] and "等次" in table["columns"]
        units = [dict(zip(table["columns"], row, strict=True)) for row in table["rows"]]
        sample = next(u for u in units if u["文件"] == SAMPLE.name)
        assert sample["总分"] == "95.00" and sample["等次"] == "优" and sample["预算执行率"] == "87.57%"
        assert sample["年度"] == "2022" and sample["在职人员控制率"] == "86.99%"  # a year, not 2022.0; every rate
        assert any(u["状态"] == "无法处理" for u in units)
        xlsx = client.get("/summary.xlsx")
        assert xlsx.status_code == 200
        (Path(data) / "got.xlsx").write_bytes(xlsx.content)
        assert "汇总" in openpyxl.load_workbook(Path(data) / "got.xlsx").sheetnames


def test_a_restart_processes_files_left_unfinished(tmp_path):
    data = tmp_path / "data"
    store = Store(data)
    job = store.new_job()
    path = job.store_as(SAMPLE.name)
    shutil.copy(SAMPLE, path)
    job.seal([(SAMPLE.name, path)], False, dt.datetime(2024, 1, 2))
    with TestClient(create_app(data, workers=1)) as client:
        status = wait(client, job.id)
        assert status["files"][0]["result"]["scores"]["等次"] == "优"


def test_old_jobs_are_swept(tmp_path):
    store = Store(tmp_path / "data", Limits(keep_seconds=3600))
    old, cut_short = store.new_job(), store.new_job()
    old.seal([], False, dt.datetime(2024, 1, 2))
    assert store.sweep(now=time.time() + 60) == []
    assert set(store.sweep(now=time.time() + 7200)) == {old.id, cut_short.id}
    assert not old.folder.exists() and not cut_short.folder.exists()
