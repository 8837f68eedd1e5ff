"""Run the web application (perfxlsx serve) with uvicorn; imported only by that command."""

from __future__ import annotations

import threading
import webbrowser
from pathlib import Path

from .jobs import Limits


def run(
    host: str,
    port: int,
    data: Path,
    password: str | None,
    limits: Limits,
    workers: int | None,
    open_browser: bool,
    tell,
) -> None:
    """Serve until Ctrl-C; `tell` prints a line for the person who started it."""
    import uvicorn

    from .app import create_app

    app = create_app(data, password=password, limits=limits, workers=workers)
    shown_host = "127.0.0.1" if host in ("0.0.0.0", "::", "") else host
    url = f"http://{shown_host}:{port}/"
    tell(f"已启动：请在浏览器中打开 {url} ；上传的文件和结果保存在“{data}”。按 Ctrl-C 停止。")
    if host not in ("127.0.0.1", "localhost", "::1") and not password:
        tell("提示：本机以外的电脑也能访问本服务，但没有设置密码；建议加 --password。")
    if open_browser:
        threading.Timer(1.0, webbrowser.open, args=(url,)).start()
    uvicorn.run(app, host=host, port=port, log_level="warning")
