"""The archive: every fetched page with its provenance, parsed reports with their history.

``Store`` is the API of the store pipeline, the harvest command and re-parse; the schema lives in
``models`` and is created/upgraded through the Alembic migrations shipped in this package.
See docs/data-model.md.
"""

from __future__ import annotations

from .engine import StorageError, StorageUnavailable, database_fault, database_url, display_url, upgrade
from .store import KnownFailure, KnownPage, ParseChange, Store, content_sha256

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
