"""`harvester parse`: not implemented yet (placeholder so the command list is stable)."""

from __future__ import annotations


def register(sub) -> None:
    p = sub.add_parser("parse", help="(not implemented yet)")
    p.set_defaults(func=lambda args: print("harvester parse: not implemented yet") or 1)
