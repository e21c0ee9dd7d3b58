"""``parse_page`` runs with Python's cyclic collector paused and leaves it as it found it."""

from __future__ import annotations

import gc
import sys
from pathlib import Path

import pytest

from harvester.parsing import cyclic_gc_paused, parse_page

PAGE = Path(__file__).resolve().parent.parent / "fixtures" / "pages"


def _some_page() -> bytes:
    pages = sorted(PAGE.glob("*.html"))
    if not pages:
        pytest.skip(f"no fixture page under {PAGE}")
    return pages[0].read_bytes()


@pytest.fixture
def eager_collector():
    """A collection at nearly every allocation; recorded: each one's innermost project function
    (None outside the project's cleaning and parsing code, or in ``parse_page`` itself, whose
    entering and leaving the pause may set one off)."""
    started: list[str | None] = []

    def record(phase: str, info: dict) -> None:
        if phase == "start":
            frame = sys._getframe(1)
            while frame is not None:
                name = frame.f_code.co_filename.replace("\\", "/")
                if "harvester/cleaning/" in name or "harvester/parsing/" in name:
                    function = frame.f_code.co_name
                    started.append(None if function in ("parse_page", "cyclic_gc_paused") else function)
                    return
                frame = frame.f_back
            started.append(None)

    threshold, enabled = gc.get_threshold(), gc.isenabled()
    gc.callbacks.append(record)
    gc.set_threshold(1, 1, 1)
    gc.enable()
    try:
        yield started
    finally:
        gc.callbacks.remove(record)
        gc.set_threshold(*threshold)
        (gc.enable if enabled else gc.disable)()


def test_no_collection_runs_during_a_parse_and_the_collector_is_back_on_after(eager_collector):
    body = _some_page()
    eager_collector.clear()
    keep = [[] for _ in range(2000)]
    assert eager_collector, "at this threshold the collector runs on a few allocations"
    eager_collector.clear()
    result = parse_page("http://fixture.invalid/page.html", body, None)
    assert result.kind
    assert [function for function in eager_collector if function] == []
    assert gc.isenabled()
    keep += [[] for _ in range(2000)]
    assert eager_collector, "collections resume after the parse"


def test_a_collector_switched_off_by_the_caller_stays_off():
    enabled = gc.isenabled()
    gc.disable()
    try:
        parse_page("http://fixture.invalid/page.html", _some_page(), None)
        assert not gc.isenabled()
        with cyclic_gc_paused():
            assert not gc.isenabled()
        assert not gc.isenabled()
    finally:
        (gc.enable if enabled else gc.disable)()


def test_the_collector_is_back_on_after_an_error_in_the_block():
    assert gc.isenabled()
    with pytest.raises(ValueError):
        with cyclic_gc_paused():
            assert not gc.isenabled()
            raise ValueError("boom")
    assert gc.isenabled()


def test_a_parse_worker_extracts_with_the_collector_paused_too(eager_collector):
    """The crawl's parse workers call ``pool.extract`` (clean + parse + registry hints), not
    ``parse_page``: the same pause holds there."""
    from harvester.pool import extract

    body = _some_page()
    eager_collector.clear()
    extracted = extract("http://fixture.invalid/page.html", body, None, None)
    assert extracted.result is not None and extracted.failed_stage is None
    assert [function for function in eager_collector if function] == []
    assert gc.isenabled()
