"""A real `perfxlsx serve` for the browser and load tests (真实服务器): uvicorn in a subprocess on a free
port, over a temporary --data folder, with the time of the run pinned (SOURCE_DATE_EPOCH) so a completed
workbook is byte-identical to the command line's. Also the memory it holds: its resident set and that of
every process under it (the worker pool), read from /proc.
"""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import httpx

from tests.conftest import PINNED_EPOCH


@dataclass
class Server:
    url: str
    data: Path
    process: subprocess.Popen
    log: Path

    def processes(self) -> list[int]:
        """The server's pid and those of every process under it (its worker pool), from /proc."""
        found, todo = [], [self.process.pid]
        while todo:
            pid = todo.pop()
            found.append(pid)
            for task in Path(f"/proc/{pid}/task").glob("*/children"):
                try:
                    todo.extend(int(child) for child in task.read_text().split())
                except OSError:  # ended meanwhile
                    continue
        return found

    def rss_mb(self) -> float:
        """The resident memory of the server and its workers together (sum of VmRSS), in MB."""
        total = 0
        for pid in self.processes():
            try:
                status = Path(f"/proc/{pid}/status").read_text()
            except OSError:
                continue
            for line in status.splitlines():
                if line.startswith("VmRSS:"):
                    total += int(line.split()[1])
        return total / 1024


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@contextmanager
def running(data: Path, *options: str, timeout: float = 60) -> Iterator[Server]:
    """`perfxlsx serve --port <free> --data <data> <options…>` until the block ends (then SIGTERM, as a
    service manager stops it; killed if it does not end in 30 s). Its output goes to <data>.log."""
    data.mkdir(parents=True, exist_ok=True)
    log = data.with_suffix(".log")
    env = {**os.environ, "SOURCE_DATE_EPOCH": PINNED_EPOCH, "PYTHONUTF8": "1"}
    env.pop("PERFXLSX_PASSWORD", None)
    for _ in range(3):  # the port picked may be taken by someone else before the server binds it
        port = free_port()
        argv = [sys.executable, "-m", "perf_xlsx.launch", "serve", "--port", str(port), "--data", str(data), *options]
        with open(log, "wb") as out:
            process = subprocess.Popen(argv, stdout=out, stderr=subprocess.STDOUT, env=env)
        server = Server(f"http://127.0.0.1:{port}", data, process, log)
        if _answers(server, timeout):
            break
        _stop(process)
    else:
        raise RuntimeError(f"perfxlsx serve did not start: {log.read_text(encoding='utf-8', errors='replace')}")
    try:
        yield server
    finally:
        _stop(process)


def _answers(server: Server, timeout: float) -> bool:
    end = time.monotonic() + timeout
    while time.monotonic() < end and server.process.poll() is None:
        try:
            httpx.get(server.url + "/static/style.css", timeout=2)
            return True
        except httpx.HTTPError:
            time.sleep(0.2)
    return False


def _stop(process: subprocess.Popen) -> None:
    if process.poll() is None:
        process.terminate()
        try:
            process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
