"""JavaScript rendering for the requests a spider marks with ``meta={"harvester_render": True}``.

Backends: Splash through scrapy-splash (``SPLASH_URL``) or Chromium through scrapy-playwright
(``HARVESTER_RENDERER=playwright``). Enable with ``ADDONS = {"harvester.render.RenderAddon": 0}``;
see docs/rendering.md.
"""

from .config import RenderAddon, chromium_path, resolve_backend, settings_for
from .middleware import (
    RENDER_INFO_META,
    RENDER_META,
    RenderGuardMiddleware,
    RenderMiddleware,
    render_info,
)

__all__ = ["RENDER_INFO_META", "RENDER_META", "RenderAddon", "RenderGuardMiddleware", "RenderMiddleware",
           "chromium_path", "render_info", "resolve_backend", "settings_for"]
