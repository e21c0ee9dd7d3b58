"""Child processes that behave as if some Python packages were not installed (the ``[render]``
or ``[browse]`` extra missing, as in a ``make demo`` venv): a ``sitecustomize`` on PYTHONPATH
installs a finder that refuses those imports."""

from __future__ import annotations

import os
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]

BLOCKER = '''# Test helper: behave as if these packages were not installed.
import sys

BLOCKED = {blocked!r}


class _Blocked:
    def find_spec(self, name, path=None, target=None):
        if name.split(".")[0] in BLOCKED:
            raise ModuleNotFoundError(f"No module named {{name!r}}", name=name)
        return None


sys.meta_path.insert(0, _Blocked())
'''


def env_without(tmp_path: Path, *modules: str) -> dict[str, str]:
    """Environment variables for a child process in which ``modules`` cannot be imported."""
    folder = tmp_path / f"without-{'-'.join(modules)}"
    folder.mkdir(exist_ok=True)
    (folder / "sitecustomize.py").write_text(BLOCKER.format(blocked=tuple(modules)))
    return {"PYTHONPATH": os.pathsep.join([str(folder), str(ROOT)])}
