"""Build the egg that Scrapyd runs: the Scrapy project (``spiders``, ``pipelines``) and the
``scrapy`` entry point naming ``harvester.settings``, built in a temporary directory.

    python deploy/build_egg.py dist/harvester-project.egg
    scrapyd-deploy --egg dist/harvester-project.egg        # target from scrapy.cfg [deploy]

The ``harvester`` library itself is installed in Scrapyd's environment (``pip install .`` of the
same checkout), not shipped in the egg: Scrapyd imports eggs as zip files, and the archive's
Alembic migrations must be real files on disk. Plain ``scrapyd-deploy`` would also write a
generic setup.py into the checkout; this keeps the checkout clean.
"""

from __future__ import annotations

import glob
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
PACKAGES = ("spiders", "pipelines")

SETUP = """\
from setuptools import setup

setup(
    name="harvester-project",
    version={version!r},
    packages={packages!r},
    entry_points={{"scrapy": ["settings = harvester.settings"]}},
    zip_safe=True,
)
"""


def build_egg(out: Path) -> Path:
    from harvester import __version__

    out = Path(out).resolve()
    out.parent.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(prefix="harvester-egg-") as tmp:
        for package in PACKAGES:
            shutil.copytree(ROOT / package, Path(tmp) / package, ignore=shutil.ignore_patterns("__pycache__"))
        (Path(tmp) / "setup.py").write_text(SETUP.format(version=__version__, packages=list(PACKAGES)))
        completed = subprocess.run([sys.executable, "setup.py", "bdist_egg", "--dist-dir", "dist"], cwd=tmp,
                                   capture_output=True, text=True)
        if completed.returncode != 0:
            sys.stderr.write(completed.stdout[-2000:] + completed.stderr[-4000:])
            raise SystemExit(f"building the egg failed (exit {completed.returncode})")
        (egg,) = glob.glob(f"{tmp}/dist/*.egg")
        shutil.copyfile(egg, out)
    return out


if __name__ == "__main__":
    if len(sys.argv) != 2:
        raise SystemExit("usage: python deploy/build_egg.py OUT.egg")
    print(build_egg(Path(sys.argv[1])))
