"""The ``harvester`` command line. Each sub-command lives in its own module with a
``register(subparsers)`` function that adds its parser and sets ``func``."""

from __future__ import annotations

import argparse
import importlib
import sys

from .. import __version__
from .errors import UserError

#: Sub-command modules, in the order ``--help`` lists them.
COMMAND_MODULES = [
    "demo",
    "harvest",
    "sites",
    "add_body",
    "coverage",
    "reparse",
    "parse",
    "export",
    "runs",
    "history",
    "replica",
    "db",
]


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="harvester",
        description="Harvest Chinese government annual reports on open-government-information work "
        "(政府信息公开工作年度报告) into a database with full provenance.",
    )
    parser.add_argument("--version", action="version", version=f"harvester {__version__}")
    parser.add_argument("--registry", metavar="FILE", action="append", default=None,
                        help="a registry file of your own bodies, added to the bundled registry "
                        "(repeatable; default: $HARVESTER_REGISTRY; see docs/registry.md)")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")
    for name in COMMAND_MODULES:
        module = importlib.import_module(f"{__name__}.{name}")
        module.register(sub)
    return parser


def main(argv: list[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    if not getattr(args, "func", None):
        parser.print_help()
        return 2
    try:
        use_registry(args.registry)
        return int(args.func(args) or 0)
    except UserError as exc:
        print(f"harvester: error: {exc}", file=sys.stderr)
        return exc.exit_code
    except KeyboardInterrupt:
        print("harvester: interrupted; what was stored so far is kept", file=sys.stderr)
        return 130


def use_registry(files: list[str] | None) -> None:
    """Load --registry files (and pass them on to crawls in subprocesses through the
    environment); a registry file that cannot be used is one error line."""
    import os

    from .. import registry

    if files:
        os.environ[registry.REGISTRY_ENV] = os.pathsep.join(files)
        try:
            registry.reload(files)
        except registry.RegistryError as exc:
            raise UserError(str(exc)) from None
    elif registry.LOAD_ERROR:
        raise UserError(registry.LOAD_ERROR)


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
