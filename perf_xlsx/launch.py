"""启动 (launch): the `perfxlsx` command's entry point, importing nothing before it can take Ctrl-C.

Ctrl-C while the command line and the libraries are still being imported (the first fraction of a
second, longer on a slow disk) would print Python's KeyboardInterrupt traceback. Here it is one line,
"已中止。", and exit 130, as anywhere later.
"""

from __future__ import annotations

import sys

#: Exit code of a run stopped by Ctrl-C (128 + SIGINT).
EXIT_INTERRUPTED = 130


def main() -> None:
    try:
        from .cli import main as run

        run()
    except KeyboardInterrupt:
        try:
            sys.stderr.write("已中止。\n")
            sys.stderr.flush()
        except (OSError, ValueError):
            pass
        raise SystemExit(EXIT_INTERRUPTED) from None


if __name__ == "__main__":
    main()
