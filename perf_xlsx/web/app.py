"""The Starlette application of perfxlsx serve (create_app): pages, uploads, status, downloads, 汇总.

Every file is processed in a process pool (work.run_file, which calls batch.process: the same api.fill a
folder run calls), never in the request's thread; the page polls the job's status. The web layer holds
no figure or rule logic: what it shows is the Report's own JSON (work.describe), the completed workbook as
read back (preview.build) and summary.summary_frame.
"""

from __future__ import annotations

import asyncio
import base64
import contextlib
import datetime as dt
import functools
import hashlib
import hmac
import io
import os
import secrets
import zipfile
from collections.abc import AsyncIterator
from concurrent.futures import Future, ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from importlib import resources
from pathlib import Path

from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import FileResponse, HTMLResponse, JSONResponse, RedirectResponse, Response
from starlette.routing import Route
from starlette.types import ASGIApp, Receive, Scope, Send

from .. import clock
from ..paths import SUMMARY_NAME
from . import work
from .jobs import Job, Limits, Store
from .upload import UploadRefused, receive

#: The cookie a login with the password sets (its value derived from the password and the server's secret).
COOKIE = "perfxlsx_token"
#: Seconds between two sweeps of old jobs.
SWEEP_EVERY = 600
#: The files of the page, shipped in perf_xlsx/web/static (no CDN: office PCs have no internet).
STATIC = {"app.js": "text/javascript", "style.css": "text/css", "summary.js": "text/javascript"}

LOGIN_PAGE = """<!doctype html><html lang="zh-CN"><head><meta charset="utf-8"><title>请输入密码 - perfxlsx</title>
<link rel="stylesheet" href="/static/style.css"></head><body><main class="login"><h1>部门整体支出绩效自评</h1>
<p>{message}</p><form method="post" action="/login"><label>密码 <input type="password" name="password" autofocus></label>
<button type="submit">进入</button></form></main></body></html>"""


def _static(name: str) -> str:
    return resources.files(__package__).joinpath("static", name).read_text(encoding="utf-8")


class Jobs:
    """The store and the process pool: files handed to workers, their results recorded by the workers."""

    def __init__(self, store: Store, workers: int | None):
        self.store = store
        self.workers = max(1, workers or os.cpu_count() or 1)
        self.pool: ProcessPoolExecutor | None = None

    def _new_pool(self) -> ProcessPoolExecutor:
        from ..batch import _context, _start_worker

        return ProcessPoolExecutor(
            max_workers=self.workers,
            mp_context=_context(),
            initializer=_start_worker,
            initargs=(clock.run_time(), os.getpid()),
        )

    def submit(self, fn, *args) -> Future:
        """Hand `fn(*args)` to the pool; a pool broken by a killed worker is replaced."""
        for _ in range(2):
            if self.pool is None:
                self.pool = self._new_pool()
            try:
                return self.pool.submit(fn, *args)
            except BrokenProcessPool:
                self.pool.shutdown(wait=False, cancel_futures=True)
                self.pool = None
        raise BrokenProcessPool("the process pool could not be restarted")

    def start(self, job: Job, numbers: list[int] | None = None) -> None:
        """Process the job's files (those numbered `numbers`, by default all)."""
        meta = job.meta()
        when = dt.datetime.fromisoformat(meta["when"])
        for n in range(len(meta["files"])) if numbers is None else numbers:
            entry = meta["files"][n]
            path = job.inputs / entry["stored"]
            future = self.submit(
                work.run_file, str(path), str(job.outputs), entry["name"], meta["draft"], when, str(job.results), n
            )
            future.add_done_callback(functools.partial(self._lost, job=job, path=path, shown=entry["name"], n=n))

    @staticmethod
    def _lost(future: Future, job: Job, path: Path, shown: str, n: int) -> None:
        """A worker that ended before recording its file (killed: memory, someone): the file's result says so."""
        if future.cancelled() or future.exception() is None or not job.folder.exists():
            return
        from ..batch import lost

        with contextlib.suppress(OSError):
            work.record(lost(path, shown), job.results, n)

    def resume(self) -> None:
        """After a restart: the files of finished uploads that have no result yet are processed again."""
        for job in self.store.jobs():
            with contextlib.suppress(OSError, ValueError, KeyError):
                if todo := job.unfinished():
                    self.start(job, todo)

    async def call(self, fn, *args):
        return await asyncio.wrap_future(self.submit(fn, *args))

    def close(self) -> None:
        if self.pool is not None:
            self.pool.shutdown(wait=False, cancel_futures=True)
            self.pool = None


def _run_time() -> dt.datetime:
    """The time a new job's outputs are stamped with: now, or SOURCE_DATE_EPOCH when set (clock.run_time)."""
    clock.run_time.cache_clear()
    return clock.run_time()


def _refused(request: Request, status: int, message: str) -> Response:
    return JSONResponse({"error": message}, status_code=status)


class Guard:
    """密码 (--password): every route but the login form needs it, by HTTP Basic (any user name) or by the
    cookie a login sets. Anonymous: 401, the login page (Chinese) or, under /api/, a Chinese JSON error."""

    def __init__(self, app: ASGIApp, password: str, secret: bytes):
        self.app = app
        self.password = password.encode("utf-8")
        self.token = hmac.new(secret, self.password, hashlib.sha256).hexdigest()

    def allowed(self, scope: Scope) -> bool:
        headers = {k.decode("latin-1").lower(): v.decode("latin-1") for k, v in scope.get("headers", [])}
        auth = headers.get("authorization", "")
        if auth[:6].lower() == "basic ":
            with contextlib.suppress(ValueError):
                _, _, given = base64.b64decode(auth[6:].strip()).partition(b":")
                if hmac.compare_digest(given, self.password):
                    return True
        for part in headers.get("cookie", "").split(";"):
            name, _, value = part.strip().partition("=")
            if name == COOKIE and hmac.compare_digest(value.encode("latin-1"), self.token.encode("ascii")):
                return True
        return False

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        path = scope.get("path", "")
        if scope["type"] != "http" or path in ("/login", "/static/style.css") or self.allowed(scope):
            await self.app(scope, receive, send)
            return
        response: Response
        if path.startswith("/api/"):
            response = JSONResponse({"error": "需要密码：请先在页面上输入密码。"}, status_code=401)
        else:
            response = HTMLResponse(
                LOGIN_PAGE.format(message="本页面需要密码，请输入管理员告知的密码。"), status_code=401
            )
        await response(scope, receive, send)


def _secret(root: Path) -> bytes:
    """The server's secret (for the login cookie), kept in --data so a restart keeps people logged in."""
    path = root / ".secret"
    try:
        return bytes.fromhex(path.read_text(encoding="ascii").strip())
    except (OSError, ValueError):
        secret = secrets.token_bytes(32)
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        with os.fdopen(fd, "w", encoding="ascii") as handle:
            handle.write(secret.hex())
        return secret


def create_app(
    data_dir: Path, password: str | None = None, limits: Limits | None = None, workers: int | None = None
) -> Starlette:
    """The web application over the --data folder `data_dir` (see jobs.py for its layout)."""
    store = Store(Path(data_dir), limits)
    jobs = Jobs(store, workers)

    async def index(request: Request) -> Response:
        return HTMLResponse(_static("index.html"))

    async def summary_page(request: Request) -> Response:
        return HTMLResponse(_static("summary.html"))

    async def static(request: Request) -> Response:
        name = request.path_params["name"]
        if name not in STATIC:
            return Response("未找到。", status_code=404, media_type="text/plain; charset=utf-8")
        return Response(_static(name), media_type=f"{STATIC[name]}; charset=utf-8")

    async def login(request: Request) -> Response:
        if password is None:
            return RedirectResponse("/", status_code=303)
        form = await request.form(max_files=0, max_fields=4)
        given = str(form.get("password") or "")
        if not hmac.compare_digest(given.encode("utf-8"), password.encode("utf-8")):
            return HTMLResponse(LOGIN_PAGE.format(message="密码不正确，请重新输入。"), status_code=401)
        response = RedirectResponse("/", status_code=303)
        guard_token = hmac.new(secret, password.encode("utf-8"), hashlib.sha256).hexdigest()
        response.set_cookie(COOKIE, guard_token, httponly=True, samesite="strict")
        return response

    async def upload(request: Request) -> Response:
        job = store.new_job()
        try:
            received = await receive(request, job, store.limits)
        except UploadRefused as refused:
            store.discard(job)
            return _refused(request, refused.status, refused.message)
        except BaseException:
            store.discard(job)
            raise
        draft = received.fields.get("draft", "") in ("1", "on", "true")
        job.seal([(name, path) for name, path in received.files], draft, _run_time())
        jobs.start(job)
        return JSONResponse({"id": job.id, "url": f"/#{job.id}"}, status_code=201)

    def _job(request: Request) -> Job | None:
        return store.job(request.path_params["job"])

    def _missing() -> Response:
        return JSONResponse({"error": "找不到这次上传（可能已过保存期限被删除）；请重新上传。"}, status_code=404)

    async def status(request: Request) -> Response:
        job = _job(request)
        return _missing() if job is None else JSONResponse(job.status())

    async def download(request: Request) -> Response:
        job = _job(request)
        if job is None:
            return _missing()
        kind, n = request.path_params["kind"], request.path_params["n"]
        result = job.result(n) if kind in ("workbook", "draft") else None
        path = job.output_file(result.get(kind)) if result else None
        if path is None:
            return JSONResponse({"error": "这个文件还没有生成，或没有生成。"}, status_code=404)
        return FileResponse(path, filename=path.name)

    async def preview(request: Request) -> Response:
        job = _job(request)
        if job is None:
            return _missing()
        data = job.preview(request.path_params["n"])
        if data is None:
            return JSONResponse(
                {"error": "这个文件没有预览（还没有处理完，或是在更新前处理的）；请下载已填工作簿查看。"},
                status_code=404,
            )
        return Response(data, media_type="application/json")

    async def archive(request: Request) -> Response:
        job = _job(request)
        if job is None:
            return _missing()
        when = job.when()
        buffer = io.BytesIO()
        with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as zf:
            for entry in job.status()["files"]:
                result = entry["result"] or {}
                for kind in ("workbook", "draft"):
                    if (path := job.output_file(result.get(kind))) is not None:
                        info = zipfile.ZipInfo(path.name, date_time=when.timetuple()[:6])
                        info.compress_type = zipfile.ZIP_DEFLATED
                        zf.writestr(info, path.read_bytes())
        headers = {"Content-Disposition": "attachment; filename*=UTF-8''%E5%85%A8%E9%83%A8%E7%BB%93%E6%9E%9C.zip"}
        return Response(buffer.getvalue(), media_type="application/zip", headers=headers)

    def _pickles() -> list[str]:
        return [str(p) for job in store.jobs() for p in job.result_pickles()]

    async def summary_api(request: Request) -> Response:
        table = await jobs.call(work.summary_table, _pickles())
        return JSONResponse(table)

    async def summary_xlsx(request: Request) -> Response:
        folder = store.root / "_summary"
        folder.mkdir(exist_ok=True)
        out = await jobs.call(work.summary_file, _pickles(), str(folder / SUMMARY_NAME))
        return FileResponse(out, filename=SUMMARY_NAME)

    async def sweeper() -> None:
        while True:
            await asyncio.sleep(SWEEP_EVERY)
            await asyncio.to_thread(store.sweep)

    @contextlib.asynccontextmanager
    async def lifespan(app: Starlette) -> AsyncIterator[None]:
        store.sweep()
        jobs.resume()
        task = asyncio.create_task(sweeper())
        try:
            yield
        finally:
            task.cancel()
            jobs.close()

    secret = _secret(store.root)
    routes = [
        Route("/", index),
        Route("/summary", summary_page),
        Route("/static/{name}", static),
        Route("/login", login, methods=["POST"]),
        Route("/api/jobs", upload, methods=["POST"]),
        Route("/api/jobs/{job}", status),
        Route("/api/jobs/{job}/files/{n:int}/preview", preview),
        Route("/api/jobs/{job}/files/{n:int}/{kind}", download),
        Route("/api/jobs/{job}/zip", archive),
        Route("/api/summary", summary_api),
        Route("/summary.xlsx", summary_xlsx),
    ]
    app = Starlette(routes=routes, lifespan=lifespan)
    app.state.store, app.state.jobs = store, jobs
    if password:
        app.add_middleware(Guard, password=password, secret=secret)
    return app
