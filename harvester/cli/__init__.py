"""The ``harvester`` command line. Each sub-command lives in its own module with a
``register(subparsers)`` function that adds its parser and sets ``func``."""

from __future__ import annotations

import argparse
import importlib
import os
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
    "browse",
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
        code = int(args.func(args) or 0)
        sys.stdout.flush()  # a closed pipe shows here, not at interpreter exit
        return code
    except BrokenPipeError:
        return closed_pipe()
    except UserError as exc:
        print(f"harvester: error: {exc}", file=sys.stderr)
        return exc.exit_code
    except Exception as exc:  # a database fault (locked, corrupt, disk full) is one line too
        from ..storage import database_fault

        fault = database_fault(exc)
        if fault is None:
            raise
        print(f"harvester: error: {fault}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        print("harvester: interrupted; what was stored so far is kept", file=sys.stderr)
        return 130


def use_registry(files: list[str] | None) -> None:
    """Load --registry files (and pass them on to crawls in subprocesses through the
    environment); a registry file that cannot be used is one error line."""

    from .. import registry

    if files:
        os.environ[registry.REGISTRY_ENV] = os.pathsep.join(files)
        try:
            registry.reload(files)
        except registry.RegistryError as exc:
            raise UserError(str(exc)) from None
    elif registry.LOAD_ERROR:
        raise UserError(registry.LOAD_ERROR)


def closed_pipe() -> int:
    """The reader went away (``harvester export --out - | head -1``): stop quietly, exit 0.

    Python's recipe (docs: signal, "Note on SIGPIPE"): point stdout at /dev/null so the flush at
    interpreter exit does not raise again."""
    devnull = os.open(os.devnull, os.O_WRONLY)
    os.dup2(devnull, sys.stdout.fileno())
    return 0


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
