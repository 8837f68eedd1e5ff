# 一个入口：make demo / make test / make golden / make sample / make lint
# Everything installs into a local .venv; nothing depends on machine paths.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
export PYTHONUTF8 := 1

SAMPLE := samples/湘西州政府办_2022_基础数据表.xlsx

.PHONY: demo test golden sample lint clean docs render screenshot bench install-check

$(BIN)/perfxlsx: pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[test,lint]'
	@touch $@

demo: $(BIN)/perfxlsx
	$(BIN)/perfxlsx fill $(SAMPLE) -o out
	@echo "已填好的工作簿在 out/ 文件夹中；计算过程见其中的“计算过程”表。"

test: $(BIN)/perfxlsx
	$(BIN)/python -m pytest

# Regenerate the golden snapshots after an intended change; review the diff before committing.
golden: $(BIN)/perfxlsx
	$(BIN)/python -m tests.golden

# Rebuild the bundled sample from the seed report's figures.
sample: $(BIN)/perfxlsx
	$(BIN)/python samples/build_sample.py
	$(BIN)/python -m samples.synthetic

# ruff (lint and format check) and mypy, as configured in pyproject.toml; CI runs this too.
lint: $(BIN)/perfxlsx
	$(BIN)/ruff check perf_xlsx tests samples bench
	$(BIN)/ruff format --check perf_xlsx tests samples bench
	$(BIN)/mypy

clean:
	rm -rf $(VENV) out .pytest_cache .hypothesis build dist *.egg-info

# Regenerate docs/rules.md from the rule catalogue and docs/forms.md from the form families.
docs: $(BIN)/perfxlsx
	$(BIN)/python -m perf_xlsx.rules.docs > docs/rules.md
	$(BIN)/python -m perf_xlsx.forms_docs > docs/forms.md

# Every sheet of the filled sample as a PNG of its first page, and the first pages of its 自评报告 draft
# (LibreOffice → PDF → PNG), for a person to look at.
render: $(BIN)/perfxlsx
	$(BIN)/python -m tests.lo out

# The page of perfxlsx serve after an upload of the sample, as a PNG (out/serve.png), for a person to look at
# (a real server and the system's Chromium through Playwright: apt-get install chromium fonts-wqy-zenhei).
screenshot: $(BIN)/perfxlsx
	$(BIN)/python -m tests.browser out/serve.png

# Speed figures beside their baselines (not a test: the machines are shared); writes docs/performance.md.
bench: $(BIN)/perfxlsx
	$(BIN)/python -m bench.run

# The package as `pip install` gives it: sdist and wheel built, installed into a fresh venv outside the
# source tree, and run from a temporary folder (fails on a missing module, a traceback or a wrong figure).
install-check: $(BIN)/perfxlsx
	$(BIN)/python .ci/installed.py
