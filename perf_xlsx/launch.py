"""启动 (launch): the `perfxlsx` command's entry point, importing nothing before it can take Ctrl-C and SIGTERM.

Ctrl-C while the command line and the libraries are still being imported (the first fraction of a
second, longer on a slow disk or a busy machine) would print Python's KeyboardInterrupt traceback, and
SIGTERM (kill, a closing session) would end the process without a word. Here they are one line, "已中止。"
or "已终止（收到结束信号）。", and exit 130 or 143, as anywhere later (cli.main takes over from there).
"""

from __future__ import annotations

import signal
import sys

#: Exit code of a run stopped by Ctrl-C (128 + SIGINT), and by SIGTERM (128 + SIGTERM).
EXIT_INTERRUPTED = 130
EXIT_TERMINATED = 128 + signal.SIGTERM

_terminated: list[int] = []


def _terminate(signum, frame) -> None:
    _terminated.append(signum)
    raise KeyboardInterrupt


def main() -> None:
    try:
        signal.signal(signal.SIGTERM, _terminate)  # until cli.main puts its own in place
    except ValueError:  # not the main thread (an embedding program): its own handling stands
        pass
    try:
        from .cli import main as run

        run()
    except KeyboardInterrupt:
        try:
            sys.stderr.write("已终止（收到结束信号）。\n" if _terminated else "已中止。\n")
            sys.stderr.flush()
        except (OSError, ValueError):
            pass
        raise SystemExit(EXIT_TERMINATED if _terminated else EXIT_INTERRUPTED) from None


if __name__ == "__main__":
    main()
