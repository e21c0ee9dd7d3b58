"""The archive: every fetched page with its provenance, parsed reports with their history.

``Store`` is the API of the store pipeline, the harvest command and re-parse; the schema lives in
``models`` and is created/upgraded through the Alembic migrations shipped in this package.
See docs/data-model.md.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from .engine import StorageError, StorageUnavailable, database_fault, database_url, display_url, upgrade
    from .store import KnownFailure, KnownPage, ParseChange, Store, content_sha256

#: Imported on first use (PEP 562): a parse worker imports ``harvester.storage.records`` to
#: prepare rows (harvester.pool) and need not load SQLAlchemy for it.
_HOMES = {"StorageError": "engine", "StorageUnavailable": "engine", "database_fault": "engine",
          "database_url": "engine", "display_url": "engine", "upgrade": "engine",
          "KnownFailure": "store", "KnownPage": "store", "ParseChange": "store", "Store": "store",
          "content_sha256": "store"}


def __getattr__(name: str) -> Any:
    home = _HOMES.get(name)
    if home is None:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    return getattr(importlib.import_module(f".{home}", __name__), name)

__all__ = [
    "KnownFailure",
    "KnownPage",
    "ParseChange",
    "StorageError",
    "StorageUnavailable",
    "database_fault",
    "Store",
    "content_sha256",
    "database_url",
    "display_url",
    "upgrade",
]
