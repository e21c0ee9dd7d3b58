"""harvester.gcfreeze: once a crawl's engine has started, the objects alive are frozen out of the
cyclic collector's walks (once per process); HARVESTER_GC_FREEZE = False leaves them."""

from __future__ import annotations

import gc

import pytest
from scrapy import signals
from scrapy.exceptions import NotConfigured
from scrapy.utils.test import get_crawler

from harvester import gcfreeze
from harvester.runner import project_settings


@pytest.fixture
def unfrozen(monkeypatch):
    """This test process as it was: nothing frozen before, everything unfrozen after."""
    gc.unfreeze()
    monkeypatch.setattr(gcfreeze, "_frozen", False)
    yield
    gc.unfreeze()


def test_the_engine_start_freezes_the_objects_alive_once(unfrozen):
    # Scrapy's own extensions left out: they need a running reactor on engine_started
    crawler = get_crawler(settings_dict={"HARVESTER_GC_FREEZE": True, "EXTENSIONS_BASE": {}})
    extension = gcfreeze.FreezeStartupObjects.from_crawler(crawler)
    assert gc.get_freeze_count() == 0
    crawler.signals.send_catch_log(signals.engine_started)
    frozen = gc.get_freeze_count()
    assert frozen > 10_000  # this process's modules, classes, functions, at least
    walked = gc.get_objects()  # what the collector's generations hold: not the frozen objects
    assert not any(o is extension for o in walked)
    # a class made after the freeze is walked by the collector as before; a second crawl's
    # start does not freeze it (once per process)
    late = type("Late", (), {})
    extension.engine_started()
    # (frozen objects that died since were freed: the count only goes down)
    assert gc.get_freeze_count() <= frozen and any(o is late for o in gc.get_objects())


def test_the_project_enables_it_and_a_setting_turns_it_off(unfrozen):
    assert "harvester.gcfreeze.FreezeStartupObjects" in project_settings().getdict("EXTENSIONS")
    crawler = get_crawler(settings_dict={"HARVESTER_GC_FREEZE": False})
    with pytest.raises(NotConfigured):
        gcfreeze.FreezeStartupObjects.from_crawler(crawler)
    assert gc.get_freeze_count() == 0
