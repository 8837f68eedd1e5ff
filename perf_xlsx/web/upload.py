"""上传 (uploads): a multipart/form-data body streamed straight into a job's in/ folder.

python-multipart's streaming parser is fed the request body chunk by chunk; each file part is written to
its stored path (jobs.Job.store_as) as it arrives, so an upload never sits in memory or in a temporary
folder outside --data, and a file over the size limit, or one file too many, stops the upload at once.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import BinaryIO

from python_multipart.multipart import MultipartParser, parse_options_header

from .jobs import Job, Limits, decode_name

#: The longest plain form field kept (bytes): only small options such as draft=1 are expected.
MAX_FIELD = 1024


class UploadRefused(Exception):
    """An upload refused, with its HTTP status and a Chinese message for the page."""

    def __init__(self, status: int, message: str):
        super().__init__(message)
        self.status = status
        self.message = message


@dataclass
class Received:
    files: list[tuple[str, Path]] = field(default_factory=list)  # (name as sent, decoded; stored path)
    fields: dict[str, str] = field(default_factory=dict)


def _mb(size: int) -> str:
    return f"{size / 1024 / 1024:g} MB"


class _Parts:
    """The parser's callbacks: headers gathered per part, a file part written to disk as it comes."""

    def __init__(self, job: Job, limits: Limits):
        self.job, self.limits = job, limits
        self.received = Received()
        self.header_field = b""
        self.header_value = b""
        self.headers: dict[bytes, bytes] = {}
        self.handle: BinaryIO | None = None
        self.size = 0
        self.field_name: str | None = None
        self.field_data = b""
        self.skip = False

    def on_part_begin(self) -> None:
        self.headers, self.handle, self.size, self.field_name, self.field_data, self.skip = (
            {},
            None,
            0,
            None,
            b"",
            False,
        )

    def on_header_field(self, data: bytes, start: int, end: int) -> None:
        self.header_field += data[start:end]

    def on_header_value(self, data: bytes, start: int, end: int) -> None:
        self.header_value += data[start:end]

    def on_header_end(self) -> None:
        self.headers[self.header_field.lower()] = self.header_value
        self.header_field, self.header_value = b"", b""

    def on_headers_finished(self) -> None:
        _, options = parse_options_header(self.headers.get(b"content-disposition", b""))
        name = options.get(b"name", b"").decode("utf-8", "replace")
        if b"filename" not in options:
            self.field_name = name
            return
        filename = decode_name(options[b"filename"])
        if not filename:  # a file input left empty
            self.skip = True
            return
        if len(self.received.files) >= self.limits.max_files:
            raise UploadRefused(400, f"一次最多上传 {self.limits.max_files} 个文件；请分批上传。")
        path = self.job.store_as(filename)
        self.handle = open(path, "xb")  # noqa: SIM115 - closed in on_part_end, or by close() on a refusal
        self.received.files.append((filename, path))

    def on_part_data(self, data: bytes, start: int, end: int) -> None:
        if self.handle is not None:
            self.size += end - start
            if self.size > self.limits.max_file_bytes:
                name = self.received.files[-1][0]
                raise UploadRefused(
                    413,
                    f"文件“{name}”超过大小上限（{_mb(self.limits.max_file_bytes)}），没有处理本次上传的任何文件；"
                    "请确认选对了文件，或请管理员调高上限（--max-size）。",
                )
            self.handle.write(data[start:end])
        elif self.field_name is not None:
            self.field_data += data[start:end]
            if len(self.field_data) > MAX_FIELD:
                raise UploadRefused(400, "上传内容不正确（表单字段过长）；请用页面上传工作簿。")

    def on_part_end(self) -> None:
        if self.handle is not None:
            self.handle.close()
            self.handle = None
        elif self.field_name is not None:
            self.received.fields[self.field_name] = self.field_data.decode("utf-8", "replace")

    def close(self) -> None:
        if self.handle is not None:
            self.handle.close()
            self.handle = None


async def receive(request, job: Job, limits: Limits) -> Received:
    """Stream the request's multipart body into `job`; raises UploadRefused (400, 413) with a Chinese message."""
    content_type, options = parse_options_header(request.headers.get("content-type", ""))
    boundary = options.get(b"boundary")
    if content_type != b"multipart/form-data" or not boundary:
        raise UploadRefused(400, "上传内容不正确（不是文件上传表单）；请用页面上传工作簿。")
    length = request.headers.get("content-length", "")
    if length.isdigit() and int(length) > limits.max_files * (limits.max_file_bytes + 64 * 1024):
        raise UploadRefused(
            413, f"上传的内容过大（超过 {limits.max_files} 个 {_mb(limits.max_file_bytes)} 的文件）；请分批上传。"
        )
    parts = _Parts(job, limits)
    callbacks = {
        name: getattr(parts, name)
        for name in (
            "on_part_begin",
            "on_header_field",
            "on_header_value",
            "on_header_end",
            "on_headers_finished",
            "on_part_data",
            "on_part_end",
        )
    }
    parser = MultipartParser(boundary, callbacks)  # type: ignore[arg-type]
    try:
        async for chunk in request.stream():
            parser.write(chunk)
        parser.finalize()
    except UploadRefused:
        raise
    except Exception as exc:  # a malformed body (python-multipart's errors), a cut connection
        raise UploadRefused(400, "上传内容不完整或格式不正确；请重新上传。") from exc
    finally:
        parts.close()
    if not parts.received.files:
        raise UploadRefused(400, "没有收到文件；请选择或拖入工作簿（.xlsx、.xlsm 或 .xls）后再上传。")
    return parts.received
