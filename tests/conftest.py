"""Shared fixtures."""

from __future__ import annotations

import pytest

from perf_xlsx import clock

#: 2024-01-02 03:04:06 UTC: a pinned time of the run (SOURCE_DATE_EPOCH; even seconds, as zip entries keep them).
PINNED_EPOCH = "1704164646"


@pytest.fixture
def pinned_clock(monkeypatch):
    """SOURCE_DATE_EPOCH set for this test (and the processes it starts): outputs of separate runs and
    processes are then byte-identical. The cached time of the run is dropped before and after."""
    monkeypatch.setenv("SOURCE_DATE_EPOCH", PINNED_EPOCH)
    clock.run_time.cache_clear()
    yield clock.run_time()
    clock.run_time.cache_clear()
