"""Backend selection and the settings each backend brings (no network)."""

from __future__ import annotations

import pytest
from scrapy.exceptions import NotConfigured
from scrapy.settings import Settings

from harvester.render import RenderAddon, resolve_backend, settings_for
from harvester.render.middleware import _utf8_document, render_options


@pytest.fixture(autouse=True)
def _no_env(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("SPLASH_URL", raising=False)
    monkeypatch.delenv("HARVESTER_RENDERER", raising=False)


@pytest.mark.parametrize(("values", "expected"), [
    ({}, None),
    ({"SPLASH_URL": "http://127.0.0.1:8050"}, "splash"),
    ({"HARVESTER_RENDERER": "playwright"}, "playwright"),
    ({"HARVESTER_RENDERER": "chromium"}, "playwright"),
    ({"HARVESTER_RENDERER": "playwright", "SPLASH_URL": "http://x"}, "playwright"),
    ({"HARVESTER_RENDERER": "none", "SPLASH_URL": "http://x"}, None),
    ({"HARVESTER_RENDERER": "Splash"}, "splash"),
])
def test_resolve_backend(values: dict, expected: str | None) -> None:
    assert resolve_backend(Settings(values)) == expected


def test_resolve_backend_reads_the_environment_when_unset(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SPLASH_URL", "http://127.0.0.1:8050")
    assert resolve_backend(Settings({"SPLASH_URL": None})) == "splash"


def test_unknown_backend_is_a_configuration_error() -> None:
    with pytest.raises(NotConfigured, match="HARVESTER_RENDERER='phantomjs'"):
        resolve_backend(Settings({"HARVESTER_RENDERER": "phantomjs"}))


def test_download_handlers_only_for_playwright() -> None:
    splash = settings_for("splash", "http://127.0.0.1:8050")
    playwright = settings_for("playwright")
    none = settings_for(None)
    assert "DOWNLOAD_HANDLERS" not in splash and "DOWNLOAD_HANDLERS" not in none
    assert playwright["DOWNLOAD_HANDLERS"]["https"] == "scrapy_playwright.handler.ScrapyPlaywrightDownloadHandler"
    assert playwright["PLAYWRIGHT_LAUNCH_OPTIONS"]["executable_path"] == "/usr/bin/chromium"
    assert "harvester.render.splash_compat.SplashMiddleware" in splash["DOWNLOADER_MIDDLEWARES"]
    assert "harvester.render.splash_compat.SplashMiddleware" not in playwright["DOWNLOADER_MIDDLEWARES"]
    for values in (splash, playwright, none):  # the guard is there whatever the backend
        assert "harvester.render.middleware.RenderGuardMiddleware" in values["SPIDER_MIDDLEWARES"]


def test_addon_takes_splash_url_from_environment_over_a_none_in_settings_py(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SPLASH_URL", "http://127.0.0.1:8123")
    settings = Settings()
    settings.setdict({"SPLASH_URL": None, "HARVESTER_RENDERER": None,
                      "DOWNLOADER_MIDDLEWARES": {"my.Middleware": 1}}, priority="project")
    RenderAddon().update_settings(settings)
    assert settings["SPLASH_URL"] == "http://127.0.0.1:8123"
    assert settings["HARVESTER_RENDER_BACKEND"] == "splash"
    assert settings.getdict("DOWNLOADER_MIDDLEWARES")["my.Middleware"] == 1
    assert settings.getdict("DOWNLOADER_MIDDLEWARES")["harvester.render.middleware.RenderMiddleware"] == 720


def test_render_options() -> None:
    assert render_options(False) is None
    assert render_options(True)["timeout"] == 20.0
    assert render_options({"wait": 2})["wait"] == 2
    with pytest.raises(ValueError, match="wiat"):
        render_options({"wiat": 2})


def test_rendered_body_declares_utf8() -> None:
    html = ('<html><head><meta http-equiv="Content-Type" content="text/html; charset=gb2312">'
            '<meta charset="GBK"></head><body>charset=gbk 年度报告</body></html>')
    body = _utf8_document(html)
    assert body.decode("utf-8") == html.replace("charset=gb2312", "charset=utf-8").replace(
        'charset="GBK"', 'charset="utf-8"')
