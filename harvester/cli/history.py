"""`harvester history`: not implemented yet (placeholder so the command list is stable)."""

from __future__ import annotations


def register(sub) -> None:
    p = sub.add_parser("history", help="(not implemented yet)")
    p.set_defaults(func=lambda args: print("harvester history: not implemented yet") or 1)
