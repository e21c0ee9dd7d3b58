"""The User-Agent the spiders send: the project, its version and a contact page, in ASCII.

Derived from ``HARVESTER_CONTACT_URL``, so ``-s HARVESTER_CONTACT_URL=https://example.org/about``
changes the header too (:class:`UserAgentAddon` applies the derivation after every settings
source is read); an explicit ``USER_AGENT`` from a higher-priority source wins. HTTP header values
are ASCII: non-ASCII characters of the contact URL are percent-encoded.
"""

from __future__ import annotations

from typing import Any
from urllib.parse import quote

from . import __version__

#: What the crawler is, in words a site operator reads in the access log.
PURPOSE = "research archive of government information disclosure annual reports"


def user_agent(contact_url: str | None) -> str:
    """``harvester/VERSION (+CONTACT; PURPOSE)``, ASCII only."""
    contact = quote((contact_url or "").strip(), safe=":/?#[]@!$&'()*+,;=%~")
    return f"harvester/{__version__} (+{contact}; {PURPOSE})" if contact else f"harvester/{__version__} ({PURPOSE})"


class UserAgentAddon:
    """Scrapy add-on: USER_AGENT follows HARVESTER_CONTACT_URL unless USER_AGENT itself was set
    at a higher priority than the contact URL."""

    @classmethod
    def from_crawler(cls, crawler: Any) -> "UserAgentAddon":
        return cls()

    def update_settings(self, settings: Any) -> None:
        contact_priority = settings.getpriority("HARVESTER_CONTACT_URL") or 0
        if (settings.getpriority("USER_AGENT") or 0) > contact_priority:
            return
        settings.set("USER_AGENT", user_agent(settings.get("HARVESTER_CONTACT_URL")), priority=contact_priority)
