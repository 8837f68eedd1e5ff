"""Command line (命令行): parses options, calls the library, prints Chinese, picks the exit code.

Exit codes: 0 no 错误 findings; 1 at least one 错误 or an unreadable input; 2 wrong usage, or a broken
scoring scheme or rule catalogue (found before any workbook is read).
Heavy libraries are imported inside the commands so that `perfxlsx --help` starts at once.
"""

from __future__ import annotations

import gc
import json
import os
import signal
import sys
from pathlib import Path

import click

from . import __version__
from .paths import OUTPUT_DIR, SUFFIXES
from .shown import printable

EXIT_OK, EXIT_FINDINGS, EXIT_USAGE = 0, 1, 2


def _echo(text: str) -> None:
    """Print a line on stdout; a name not in UTF-8 (or with a control character) shown with "�"."""
    click.echo(printable(text))


def _echo_err(text: str) -> None:
    click.echo(printable(text), err=True)


def _inputs(target: Path) -> list[Path]:
    """A file, or the workbooks directly inside a folder (as a folder run picks them: see paths.is_candidate).
    A folder that cannot be read is a FolderError that names it."""
    if target.is_dir():
        from .errors import unreadable_folder
        from .paths import find_workbooks

        try:
            return find_workbooks(target)
        except OSError as exc:
            raise unreadable_folder(target, exc) from exc
    return [target]


def _no_workbooks(folder: Path, as_json: bool) -> int:
    _echo_err(f"提示：文件夹“{folder}”中没有 {'/'.join(SUFFIXES)} 工作簿。")
    if as_json:
        _echo("[]")
    return EXIT_OK


def _sweep(folder: Path, recursive: bool = False) -> None:
    """Remove the temporary files a killed earlier run left in an output folder, and say so (提示)."""
    from .temps import sweep

    for path in sweep(folder, recursive):
        _echo_err(f"提示：已删除上次运行中断时留下的临时文件“{path.name}”（文件夹“{path.parent}”）。")


def _show_trace(report) -> None:
    """--debug: the technical error behind a file that could not be processed, on stderr."""
    if report.trace:
        _echo_err(f"技术细节（{report.name}）：\n{report.trace.rstrip()}")


def _summary_lines(report) -> list[str]:
    from .report import sheet_line

    lines = [f"{report.file.name}：{report.unit or '（未识别单位名称）'}，{report.year or '（未识别年度）'}年度"]
    if report.earlier_output:
        lines.append(
            "  提示：这是之前生成的已填工作簿，按原文件名输出；上次填入的计算项已重新计算，审核结果中的说明已保留"
        )
    if report.output is not None:
        lines.append(f"  已生成：{report.output}（填入 {len(report.filled)} 个单元格）")
    if report.draft is not None:
        lines.append(f"  自评报告草稿：{report.draft}")
    lines += ["  " + sheet_line(s) for s in report.sheets]
    shown = [f"{name} {fig.percent:.2f}%" for name, fig in report.figures.items() if fig.value is not None]
    for i in range(0, len(shown), 4):
        lines.append("  " + "；".join(shown[i : i + 4]))
    if report.scores.get("总分") is not None:
        lines.append(f"  总分 {report.scores['总分']}，评价等次 {report.scores.get('等次') or '—'}")
    lines += ["  " + project.line(report.findings) for project in report.projects]
    c = report.counts
    lines.append(f"  错误 {c['error']}，提示 {c['warning']}，尾差 {c['rounding']}")
    if report.last_year is not None:
        mine = [f for f in report.findings if f.last_file]
        n = {s: sum(1 for f in mine if f.severity == s) for s in c}
        lines.append(
            f"  与上年核对（上年文件“{report.last_year.name}”）：错误 {n['error']}，提示 {n['warning']}，尾差 {n['rounding']}"
        )
    for finding in report.findings:  # every 错误, every field not found, a project-only workbook, the output's 提示
        if (
            finding.severity == "error"
            or finding.rule in ("read-not-found", "read-project-only")
            or finding.rule.startswith("output-")
            or (finding.last_file and finding.severity == "warning")
        ):
            where = f"{finding.where} " if finding.where else ""
            lines.append(f"  {'错误' if finding.severity == 'error' else '提示'}：{where}{finding.message}")
    return lines


def _pairing(target: Path, last_year: Path | None, recursive: bool = False):
    """--last-year given a folder (与上年配对, pairing.py): this run's workbooks with last year's of the same
    unit; None when --last-year is a file (or not given). A folder TARGET with a file --last-year is a
    usage error said in Chinese."""
    from .errors import unreadable_folder
    from .pairing import identify, pair
    from .paths import scan

    if last_year is None or not last_year.is_dir():
        if last_year is not None and target.is_dir():
            _echo_err(f"错误：TARGET 是文件夹，--last-year 也应是上年的文件夹（“{last_year}”不是文件夹）。")
            sys.exit(EXIT_USAGE)
        return None
    try:
        olds = scan(last_year, recursive, exclude=last_year / OUTPUT_DIR).workbooks
        mine = scan(target, recursive, exclude=target / OUTPUT_DIR).workbooks if target.is_dir() else [target]
    except OSError as exc:
        _echo_err(f"错误：{unreadable_folder(Path(exc.filename or last_year), exc).describe()}")
        sys.exit(EXIT_FINDINGS)
    return pair([identify(p) for p in mine], [identify(p) for p in olds])


def _pairing_lines(pairing, folder: Path) -> list[str]:
    """What the pairing left unpaired, said once after the run (never guessed)."""
    if pairing is None:
        return []
    lines = [f"与上年配对：{len(pairing.pairs)} 个工作簿找到了上年的工作簿"]
    for path, why in pairing.unmatched.items():
        lines.append(f"  未配对（本年）：{_shown_in(path, folder)}：{why}")
    for old in pairing.unmatched_last:
        what = old.problem or f"单位“{old.unit or '（未识别）'}”在本年文件夹中没有对应的工作簿"
        lines.append(f"  未配对（上年）：{old.path.name}：{what}")
    return lines


def _shown_in(path: Path, folder: Path) -> str:
    try:
        return path.relative_to(folder).as_posix()
    except ValueError:
        return path.name


def _with_pairing(action, pairing, last_year: Path | None):
    """`action(path, last_year)` as `action(path)`: each file with its own last year's by `pairing` (its reason
    kept when it has none), or, without a pairing, with the file `last_year` (or none)."""

    def run(path: Path):
        report = action(path, pairing.pairs.get(path) if pairing is not None else last_year)
        if pairing is not None and path in pairing.unmatched:
            report.last_year_note = pairing.unmatched[path]
        return report

    return run


def _run(action, target: Path, as_json: bool, debug: bool) -> int:
    """Each input through `action`; with --json one JSON document: an object for a file, a list for a folder."""
    from .report import unprocessed

    code = EXIT_OK
    paths = _inputs(target)
    # a folder's reports, printed as one JSON list at the end
    listed: list[dict] | None = [] if target.is_dir() else None
    if not paths:
        return _no_workbooks(target, as_json)
    for index, path in enumerate(paths):
        if index:
            gc.collect()  # paused by main(); run between workbooks, so memory stays flat
        try:
            report = action(path)
        except Exception as exc:  # an unreadable file, or a bug: never a traceback, and the batch goes on
            report = unprocessed(path, exc)
        if debug:
            _show_trace(report)
        if not report.ok:
            code = EXIT_FINDINGS
        if as_json and listed is not None:
            listed.append(report.as_json())
        elif as_json:
            _echo(json.dumps(report.as_json(), ensure_ascii=False, indent=2))
        elif report.error:
            _echo_err(f"错误：{report.error}")
        else:
            _echo("\n".join(_summary_lines(report)))
    if as_json and listed is not None:
        _echo(json.dumps(listed, ensure_ascii=False, indent=2))
    return code


CONTEXT = {"help_option_names": ["-h", "--help"]}
#: click's usage messages, in Chinese (the rest of click's text is only seen with --help).
_USAGE_ZH = [
    ("Missing argument", "缺少参数"),
    ("No such option", "没有这个选项"),
    ("No such command", "没有这个命令"),
    ("Invalid value for", "取值无效："),
    ("Option", "选项"),
    ("requires an argument", "需要一个值"),
    ("Got unexpected extra argument", "多余的参数"),
    ("does not exist", "不存在"),
    ("is not in the range", "不在允许范围内"),
    ("is not a valid integer", "不是有效的整数"),
]


def _usage_zh(message: str) -> str:
    for english, chinese in _USAGE_ZH:
        message = message.replace(english, chinese)
    return message


def _check_catalogue() -> None:
    """Load and check the rule catalogue (审核规则目录) before any workbook is read: a broken rules.toml is
    one Chinese message and exit 2, never a 提示 in every workbook."""
    from .errors import RuleCatalogueError
    from .rules.catalogue import load_rules

    try:
        load_rules()
    except RuleCatalogueError as exc:
        _echo_err(f"错误：{exc.describe()}")
        sys.exit(EXIT_USAGE)


SCHEME_HELP = (
    "评分方案：名称（workbook_templates/scoring_<名称>.toml，如 local_caps），或评分方案文件（.toml）的路径；"
    "默认按表样系列（湖南、全国：national；湖北：hubei）。"
)


def _scheme(ctx, param, value: str | None) -> str | None:
    """--scheme: a scheme's name or a scheme file's path, loaded and checked before any file is read: an unknown
    one, or a setting it cannot have, is a usage error. A path is made absolute (the same file for every worker)."""
    from .errors import PerfXlsxError
    from .scoring import is_scheme_file, load_scheme

    if value is None:
        return None  # the scheme of the forms' family
    try:
        load_scheme(value)
    except PerfXlsxError as exc:
        raise click.BadParameter(exc.message) from exc
    return str(Path(value).resolve()) if is_scheme_file(value) else value


def _form(ctx, param, value: str | None) -> str | None:
    """`--form NAME`: a known family (by id or Chinese name), checked before any file is read."""
    from .errors import PerfXlsxError
    from .families import find_family

    if value is None:
        return None
    try:
        find_family(value)
    except PerfXlsxError as exc:
        raise click.BadParameter(exc.message) from exc
    return value


REPORT_HELP = "另生成“<文件名>_自评报告.docx”：整体支出绩效自评报告草稿（数字取自复算后的工作簿，工作簿中没有的内容标为【待填写：…】）。"
LAST_YEAR_HELP = (
    "与上年核对：上年的工作簿（原表或 perfxlsx 生成的已填工作簿均可）；TARGET 为文件夹时给上年的文件夹，"
    "按单位名称（及预算编码）逐个配对。核对上年决算数、年初结转结余、编制数、指标目标和评价等次。"
)
FORM_HELP = "按指定的表样系列读取各表（默认：每张表按标题和栏目自动识别）；perfxlsx forms 列出可用的表样系列。"

# Arguments and options that fill, check and report share (共用参数), declared once. The target is not checked
# for readability by click: an unreadable file or folder is said in Chinese by the command (exit 1).
TARGET_ARGUMENT = click.argument("target", type=click.Path(path_type=Path, readable=False))
OUTPUT_OPTION = click.option(
    "-o",
    "--output-dir",
    type=click.Path(path_type=Path),
    default=None,
    help=f"输出文件夹（默认：输入文件旁或输入文件夹中的“{OUTPUT_DIR}”文件夹）。",
)
SCHEME_OPTION = click.option("--scheme", default=None, callback=_scheme, help=SCHEME_HELP)
FORM_OPTION = click.option("--form", default=None, callback=_form, help=FORM_HELP)
LAST_YEAR_OPTION = click.option(
    "--last-year", "last_year", type=click.Path(path_type=Path, readable=False), default=None, help=LAST_YEAR_HELP
)
DEBUG_OPTION = click.option("--debug", is_flag=True, help="出错时显示技术细节（供开发者排查）。")


@click.group(context_settings=CONTEXT)
@click.help_option("-h", "--help", help="显示帮助并退出。")
@click.version_option(__version__, message="perfxlsx %(version)s", help="显示版本并退出。")
def cli() -> None:
    """perfxlsx：部门整体支出绩效自评——读取基础数据表，复算全部派生数，生成填好的自评表。"""


@cli.command(context_settings=CONTEXT)
@click.help_option("-h", "--help", help="显示帮助并退出。")
@TARGET_ARGUMENT
@OUTPUT_OPTION
@click.option("-r", "--recursive", is_flag=True, help="文件夹：连同子文件夹中的工作簿一起处理。")
@click.option("-j", "--jobs", type=click.IntRange(1, 256), default=None, help="文件夹：并行进程数（默认：CPU 数）。")
@click.option("--bundle", is_flag=True, help="文件夹：另把所有已填工作簿和汇总表打成一个 zip，便于邮件上报。")
@click.option("-q", "--quiet", is_flag=True, help="不显示进度条。")
@SCHEME_OPTION
@click.option(
    "--recompute",
    is_flag=True,
    help="用计算值替换与公式不符的填报计算项（原值保留在单元格批注中，并列入审核结果）。默认保留填报值、只提示。",
)
@click.option(
    "--values",
    is_flag=True,
    help="计算项只写数值，不用 Excel 公式（默认：可由表内数字算出的计算项给出 Excel 公式，列在计算过程表中）。",
)
@click.option(
    "--mark",
    is_flag=True,
    help="按严重程度给有问题的单元格着色（会随表打印）。默认不着色，只加批注（批注不打印）。",
)
@FORM_OPTION
@click.option("--report", "draft", is_flag=True, help=REPORT_HELP)
@LAST_YEAR_OPTION
@click.option("--json", "as_json", is_flag=True, help="以 JSON 输出结果。")
@DEBUG_OPTION
def fill(
    target: Path,
    output_dir: Path | None,
    recursive: bool,
    jobs: int | None,
    bundle: bool,
    quiet: bool,
    scheme: str,
    recompute: bool,
    values: bool,
    mark: bool,
    form: str | None,
    draft: bool,
    last_year: Path | None,
    as_json: bool,
    debug: bool,
) -> None:
    """读取 TARGET（工作簿或文件夹），复算并生成“<文件名>_已填.xlsx”。输入文件不会被修改。

    TARGET 为文件夹时，其中每个 .xlsx/.xlsm/.xls 并行处理（~$ 锁文件、隐藏文件跳过），
    另生成 汇总.xlsx；某个文件无法读取时列出原因，其余照常处理。
    """
    from . import api

    _check_catalogue()
    if draft:
        _check_report_text()
    pairing = _pairing(target, last_year, recursive)
    if target.is_dir():
        _sweep(output_dir or target / OUTPUT_DIR, recursive=True)
        sys.exit(
            _run_folder(
                target,
                output_dir,
                recursive,
                jobs,
                bundle,
                quiet,
                scheme,
                recompute,
                as_json,
                debug,
                form,
                values,
                mark,
                draft,
                pairing,
            )
        )
    _sweep(output_dir or target.parent / OUTPUT_DIR)
    code = _run(
        _with_pairing(
            lambda p, old: api.fill(
                p, output_dir, recompute, scheme, form=form, values=values, mark=mark, draft=draft, last_year=old
            ),
            pairing,
            last_year,
        ),
        target,
        as_json,
        debug,
    )
    if not as_json and pairing is not None:
        _echo("\n".join(_pairing_lines(pairing, target.parent)))
    sys.exit(code)


def _run_folder(
    folder: Path,
    output_dir: Path | None,
    recursive: bool,
    jobs: int | None,
    bundle: bool,
    quiet: bool,
    scheme: str | None,
    recompute: bool,
    as_json: bool,
    debug: bool = False,
    form: str | None = None,
    values: bool = False,
    mark: bool = False,
    draft: bool = False,
    pairing=None,
) -> int:
    """The folder run: workers, progress, the summary table, 汇总.xlsx and the optional zip.
    With --json the same per-file objects as a single-file run, as one list."""
    gc.enable()  # paused by main() for a one-off run; this one may hold thousands of results
    from . import batch
    from .bundle import write_bundle
    from .console import Progress, table
    from .errors import PerfXlsxError, unreadable_folder, unwritable_folder
    from .paths import SUMMARY_NAME, scan
    from .summary import write_summary

    out_dir = output_dir or folder / OUTPUT_DIR
    try:
        found = scan(folder, recursive, exclude=out_dir)
    except OSError as exc:
        raise unreadable_folder(folder, exc) from exc
    paths = found.workbooks
    if not paths and not found.unreadable:
        return _no_workbooks(folder, as_json)
    try:
        out_dir.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise unwritable_folder(out_dir, exc) from exc
    try:
        rows = batch.run(
            paths,
            folder,
            out_dir,
            jobs,
            scheme,
            recompute,
            Progress(not quiet and not as_json),
            form=form,
            values=values,
            mark=mark,
            draft=draft,
            last_years=pairing.pairs if pairing is not None else None,
        )
    except KeyboardInterrupt:
        _echo_err(f"\n{_stopped()}：已完成的文件保留，未完成的没有留下半个文件。")
        return _stop_code()
    if pairing is not None:
        for path, row in zip(paths, rows):
            row.last_year_note = pairing.unmatched.get(path)
    rows += [_unreadable_row(folder, sub, exc) for sub, exc in found.unreadable]
    failure: PerfXlsxError | None = None
    summary = archive = None
    try:
        summary = write_summary(rows, out_dir / SUMMARY_NAME, pairing)
        archive = write_bundle(rows, summary, out_dir, folder) if bundle else None
    except KeyboardInterrupt:
        _echo_err(f"\n{_stopped()}：各已填工作簿已写出，汇总表或压缩包未完成，没有留下半个文件。")
        return _stop_code()
    except PerfXlsxError as exc:
        failure = exc
    if debug:
        for row in rows:
            _show_trace(row)
    if as_json:
        _echo(json.dumps([r.as_json() for r in rows], ensure_ascii=False, indent=2))
    else:
        _echo("\n".join(table(rows) + _pairing_lines(pairing, folder)))
        if summary is not None:
            _echo(f"汇总表：{summary}" + (f"\n上报压缩包：{archive}" if archive else ""))
    if failure is not None:
        _echo_err(f"错误：{failure.describe()}")
        return EXIT_FINDINGS
    return EXIT_OK if all(r.ok for r in rows) else EXIT_FINDINGS


def _unreadable_row(folder: Path, sub: Path, exc: OSError):
    """The row of a subfolder that could not be read (无法读取的子文件夹): its workbooks are unknown, so the
    run says so in the table, 汇总.xlsx and JSON, and does not pass."""
    from .errors import unreadable_folder
    from .report import Report

    try:
        name = sub.relative_to(folder).as_posix() + "/"
    except ValueError:
        name = str(sub)
    message = unreadable_folder(sub, exc).describe()
    return Report(file=sub, name=name, error=f"{message}其中的工作簿没有处理。")


@cli.command(context_settings=CONTEXT)
@click.help_option("-h", "--help", help="显示帮助并退出。")
@TARGET_ARGUMENT
@SCHEME_OPTION
@FORM_OPTION
@LAST_YEAR_OPTION
@click.option("--json", "as_json", is_flag=True, help="以 JSON 输出结果（TARGET 为文件夹时是一个列表，每个文件一项）。")
@DEBUG_OPTION
def check(target: Path, scheme: str, form: str | None, last_year: Path | None, as_json: bool, debug: bool) -> None:
    """只审核、不写文件：复算 TARGET（工作簿或文件夹）的全部派生数并报告。"""
    from . import api

    _check_catalogue()
    pairing = _pairing(target, last_year)
    action = _with_pairing(lambda p, old: api.check(p, scheme, form, old), pairing, last_year)
    code = _run(action, target, as_json, debug)
    if not as_json and pairing is not None:
        _echo("\n".join(_pairing_lines(pairing, target if target.is_dir() else target.parent)))
    sys.exit(code)


@cli.command("report", context_settings=CONTEXT)
@click.help_option("-h", "--help", help="显示帮助并退出。")
@TARGET_ARGUMENT
@OUTPUT_OPTION
@SCHEME_OPTION
@FORM_OPTION
@DEBUG_OPTION
def report_command(target: Path, output_dir: Path | None, scheme: str | None, form: str | None, debug: bool) -> None:
    """生成整体支出绩效自评报告草稿“<文件名>_自评报告.docx”（TARGET 为工作簿或文件夹）。

    数字全部取自复算、审核后的工作簿；工作簿中没有的内容标为【待填写：…】；工作簿有错误时，
    草稿首页注明，并在附录中列出。文字模板见 workbook_templates/report_text.toml。输入文件不会被修改。
    """
    from . import api

    _check_catalogue()
    _check_report_text()
    out_dir = output_dir if output_dir is not None or not target.is_dir() else target / OUTPUT_DIR
    sys.exit(_run(lambda p: api.report(p, out_dir, scheme, form), target, False, debug))


def _check_report_text() -> None:
    """Load the report's text template (自评报告文字模板) before any workbook is read: a broken one is one
    Chinese message and exit 2."""
    from .errors import PerfXlsxError
    from .report_text import load_text

    try:
        load_text()
    except PerfXlsxError as exc:
        _echo_err(f"错误：{exc.describe()}")
        sys.exit(EXIT_USAGE)


@cli.command(context_settings=CONTEXT)
@click.help_option("-h", "--help", help="显示帮助并退出。")
@click.argument("path", type=click.Path(path_type=Path, dir_okay=False, readable=False))
@FORM_OPTION
@click.option("--json", "as_json", is_flag=True, help="以 JSON 输出。")
@DEBUG_OPTION
def inspect(path: Path, form: str | None, as_json: bool, debug: bool) -> None:
    """显示读取明细：每张表被识别为哪种表样、把握多大；每个栏目在哪个单元格、原文和读到的值；
    表样中有而没有找到的栏目。用来查明某个数为什么没有读到。"""
    from . import api
    from .errors import PerfXlsxError

    try:
        result = api.inspect(path, form)
    except PerfXlsxError as exc:
        if debug:
            raise
        _echo_err(f"错误：{exc.describe()}")
        sys.exit(EXIT_FINDINGS)
    if as_json:
        _echo(json.dumps(result.as_json(), ensure_ascii=False, indent=2))
    else:
        _echo("\n".join(result.lines()))
    sys.exit(EXIT_OK if any(s.recognised for s in result.sheets) else EXIT_FINDINGS)


@cli.command(context_settings=CONTEXT)
@click.help_option("-h", "--help", help="显示帮助并退出。")
@click.option("--json", "as_json", is_flag=True, help="以 JSON 输出。")
def forms(as_json: bool) -> None:
    """列出可识别的表样系列（各地的表样及其评分方案）；本地表样的添加方法见 README。"""
    from .errors import PerfXlsxError
    from .families import families
    from .layout import KIND_NAMES

    try:
        known = families()
    except PerfXlsxError as exc:
        _echo_err(f"错误：{exc.describe()}")
        sys.exit(EXIT_FINDINGS)
    if as_json:
        listed = [
            {
                "id": f.id,
                "name": f.name,
                "title": f.title,
                "scheme": f.scheme,
                "kinds": [layout.kind for layout in f.layouts],
                "source": f.source,
            }
            for f in known
        ]
        _echo(json.dumps(listed, ensure_ascii=False, indent=2))
        sys.exit(EXIT_OK)
    for f in known:
        kinds = "、".join(KIND_NAMES[layout.kind] for layout in f.layouts)
        _echo(f"{f.id:<12}{f.name}：{f.title}\n{'':<12}表：{kinds}；评分方案：{f.scheme}；文件：{f.source}")
    sys.exit(EXIT_OK)


@cli.command(context_settings=CONTEXT)
@click.help_option("-h", "--help", help="显示帮助并退出。")
@click.option(
    "-o",
    "--output",
    type=click.Path(path_type=Path),
    default=None,
    help="输出文件（默认：当前文件夹下“{年度}年度基础数据表.xlsx”）。",
)
@click.option("--year", type=click.IntRange(2000, 2100), default=None, help="年度（默认：上一年）。")
@click.option("--unit", default="", help="填报单位名称。")
@click.option(
    "--projects", type=click.IntRange(0, 200), default=1, show_default=True, help="项目支出绩效自评表的张数。"
)
@click.option(
    "--scheme",
    default="national",
    show_default=True,
    callback=_scheme,
    help=SCHEME_HELP + "表中的分值和总分按该方案的权重。",
)
@click.option("--level", default=None, help="预算级次，印在表中标签里（如 州级、县级）；默认按单位名称判断。")
def template(output: Path | None, year: int | None, unit: str, projects: int, scheme: str, level: str | None) -> None:
    """生成空白的基础数据表工作簿（四类表样，A4 打印就绪）。"""
    import datetime as dt

    from . import api
    from .errors import PerfXlsxError

    year = year or dt.date.today().year - 1
    output = output or Path(f"{year}年度基础数据表.xlsx")
    try:
        api.write_template(output, year, unit, projects, scheme, level)
    except PerfXlsxError as exc:
        _echo_err(f"错误：{exc.describe()}")
        sys.exit(EXIT_FINDINGS)
    _echo(f"已生成空白表样：{output}")


@cli.command(context_settings=CONTEXT)
@click.help_option("-h", "--help", help="显示帮助并退出。")
@click.argument("folder", type=click.Path(path_type=Path, file_okay=False, exists=True, readable=False))
@click.option(
    "-o",
    "--output-dir",
    type=click.Path(path_type=Path),
    default=None,
    help=f"输出文件夹（默认：被监视文件夹中的“{OUTPUT_DIR}”）。",
)
@click.option(
    "--interval",
    type=click.FloatRange(0.05, 3600),
    default=1.0,
    show_default=True,
    help="检查间隔（秒）；文件在一个间隔内大小不变才处理。",
)
@SCHEME_OPTION
def watch(folder: Path, output_dir: Path | None, interval: float, scheme: str | None) -> None:
    """监视 FOLDER：每放入（或修改）一个工作簿，待其写完后自动处理，并刷新 汇总.xlsx。按 Ctrl-C 停止。"""
    gc.enable()  # paused by main() for a one-off run; this one keeps running
    from .errors import FolderError, unreadable_folder
    from .watch import Watcher

    _check_catalogue()
    out_dir = output_dir or folder / OUTPUT_DIR
    try:
        os.listdir(folder)
    except OSError as exc:
        raise unreadable_folder(folder, exc) from exc
    _sweep(out_dir)
    _echo(f"正在监视文件夹“{folder}”，输出到“{out_dir}”；按 Ctrl-C 停止。")

    def report(row) -> None:
        if row.error:
            _echo(f"错误：{row.error}")
        else:
            c = row.counts
            _echo(
                f"{row.name}：{row.unit or '（未识别单位）'}，总分 {row.scores.get('总分') or '—'}"
                f"，错误 {c['error']}，提示 {c['warning']}，尾差 {c['rounding']} → {row.output}"
            )

    try:
        Watcher(folder, out_dir, scheme, tell=_echo).run(interval, report)
    except KeyboardInterrupt:
        _echo("已停止监视。")
    except FolderError as exc:
        _echo_err(f"错误：{exc.describe()}")
        sys.exit(EXIT_FINDINGS)
    sys.exit(EXIT_OK)


@cli.command(context_settings=CONTEXT)
@click.help_option("-h", "--help", help="显示帮助并退出。")
@click.option(
    "--host",
    default="127.0.0.1",
    show_default=True,
    help="监听地址；供局域网其他电脑使用时用 0.0.0.0（请同时设 --password）。",
)
@click.option("--port", type=click.IntRange(1, 65535), default=8765, show_default=True, help="端口。")
@click.option("--open", "open_browser", is_flag=True, help="启动后自动打开浏览器。")
@click.option(
    "--data",
    type=click.Path(path_type=Path, file_okay=False),
    default=None,
    help="保存上传文件和处理结果的文件夹（默认：用户主文件夹下的“perfxlsx-网页数据”）。",
)
@click.option(
    "--password",
    default=None,
    envvar="PERFXLSX_PASSWORD",
    help="访问密码（也可用环境变量 PERFXLSX_PASSWORD）；不设则无需密码。",
)
@click.option("-j", "--jobs", type=click.IntRange(1, 256), default=None, help="并行处理进程数（默认：CPU 数）。")
@click.option(
    "--max-size", type=click.IntRange(1, 1024), default=20, show_default=True, help="单个文件大小上限（MB）。"
)
@click.option(
    "--max-files", type=click.IntRange(1, 10000), default=50, show_default=True, help="一次上传的文件数上限。"
)
@click.option(
    "--keep-days",
    type=click.FloatRange(0.01, 3650),
    default=7,
    show_default=True,
    help="上传和结果保存天数，过期自动删除。",
)
def serve(
    host: str,
    port: int,
    open_browser: bool,
    data: Path | None,
    password: str | None,
    jobs: int | None,
    max_size: int,
    max_files: int,
    keep_days: float,
) -> None:
    """启动网页界面：在浏览器中上传工作簿、查看审核结果、下载已填工作簿和汇总表。按 Ctrl-C 停止。"""
    gc.enable()  # a server keeps running, as watch does
    from .web.jobs import Limits
    from .web.serve import run

    _check_catalogue()
    limits = Limits(max_file_bytes=max_size * 1024 * 1024, max_files=max_files, keep_seconds=keep_days * 86400)
    folder = data or Path.home() / "perfxlsx-网页数据"
    run(host, port, folder, password or None, limits, jobs, open_browser, _echo)
    sys.exit(EXIT_OK)


#: The signal that stopped the run (SIGINT: Ctrl-C, SIGTERM: kill, a closing session), once there is one.
_signalled: list[int] = []


def _terminate(signum, frame) -> None:
    """SIGTERM is taken as Ctrl-C is: the run stops through its cleanups (a folder run's workers finish
    the file they write, no temporary file is left), says so and exits 143."""
    _signalled.append(signum)
    raise KeyboardInterrupt


def _stopped() -> str:
    return "已终止（收到结束信号）" if signal.SIGTERM in _signalled else "已中止"


def _stop_code() -> int:
    return 128 + signal.SIGTERM if signal.SIGTERM in _signalled else 130


def main() -> None:
    """Entry point: click's English usage errors become Chinese, exit code 2; any error of the operating
    system or of the user's files that reaches here is one Chinese line and exit 1, never a traceback
    (see launch.py for Ctrl-C while starting).

    Python's cyclic garbage collector would walk the many objects of pandas, numpy and openpyxl
    over and over while they are imported and a workbook is read and written, and once more as the
    process exits, though nothing it could free is let go before then: about a fifth of a
    single-file run. So a command runs with it paused (`_run` collects between workbooks; folder
    runs and watch turn it back on), and what is left at exit is frozen rather than walked.
    """
    gc.disable()
    try:
        signal.signal(signal.SIGTERM, _terminate)
    except ValueError:  # not the main thread (an embedding program): its own handling stands
        pass
    try:
        _main()
    finally:
        gc.freeze()


def _main() -> None:
    from .errors import PerfXlsxError, os_reason

    try:
        cli.main(standalone_mode=False)
    except click.UsageError as exc:
        _echo_err(f"错误：命令用法不正确（{_usage_zh(exc.format_message())}）。运行 perfxlsx --help 查看用法。")
        sys.exit(EXIT_USAGE)
    except click.Abort:
        _echo_err(f"{_stopped()}。")
        sys.exit(_stop_code())
    except KeyboardInterrupt:
        _echo_err(f"{_stopped()}。")
        sys.exit(_stop_code())
    except click.exceptions.Exit as exc:
        sys.exit(exc.exit_code)
    except PerfXlsxError as exc:
        _echo_err(f"错误：{exc.describe()}")
        sys.exit(EXIT_FINDINGS)
    except OSError as exc:  # one not foreseen where it happened: still one Chinese line
        where = f"“{exc.filename}”：" if exc.filename is not None else ""
        _echo_err(
            f"错误：{where}{os_reason(exc, reading=None)}。请检查后再试；如反复出现，请加 --debug 重试并反馈给开发者。"
        )
        sys.exit(EXIT_FINDINGS)
    sys.exit(EXIT_OK)


if __name__ == "__main__":
    main()
