"""The bodies we harvest, under the names the rest of the code has always used.

The registry itself (data, loading, user files) is :mod:`harvester.registry`; a ``Site`` is a
registry :class:`~harvester.registry.Body` and ``SITES`` maps every body key to it.
"""

from __future__ import annotations

from .registry import SITES, Body, RegistryError, Site, UnknownSiteError, get_site, rebase_url

__all__ = ["SITES", "Site", "Body", "get_site", "rebase_url", "UnknownSiteError", "RegistryError"]
