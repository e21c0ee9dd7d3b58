#!/usr/bin/env bash
# Install a Splash 3.5 rendering server without Docker, on Debian's PyQt5/QtWebKit packages.
#
#   scripts/install-splash.sh [VENV_DIR]        (default: .venv-splash in the repository)
#
# Idempotent: a second run with everything in place is a fast no-op. Recipe and the reasons for
# each step: docs/rendering.md and /work/shared/notes/toolchain.md §Rendering.
set -euo pipefail

REPO="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
VENV="${1:-$REPO/.venv-splash}"
SPLASH_VERSION="3.5"
ADBLOCKPARSER_VERSION="0.7"

# Debian packages: Splash needs Qt WebKit bindings, qt5reactor and Lua; PyPI has no wheels for them.
APT_PACKAGES=(python3-pyqt5 python3-pyqt5.qtwebkit python3-pyqt5.qtwebengine python3-qt5reactor
  python3-twisted python3-psutil python3-pil python3-attr python3-funcparserlib
  python3-xvfbwrapper python3-lupa python3-venv fonts-wqy-zenhei)

missing=()
for pkg in "${APT_PACKAGES[@]}"; do
  if ! dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q "install ok installed"; then
    missing+=("$pkg")
  fi
done
if ((${#missing[@]})); then
  echo "install-splash: apt-get install ${missing[*]}"
  SUDO=""
  [[ $(id -u) -ne 0 ]] && SUDO="sudo"
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}"
fi

# The venv must use Debian's interpreter: the PyQt5/lupa/qt5reactor modules are built for it.
if [[ ! -x "$VENV/bin/python" ]]; then
  echo "install-splash: creating venv $VENV"
  /usr/bin/python3 -m venv --system-site-packages "$VENV"
fi

if ! "$VENV/bin/python" -c "import importlib.metadata as m, sys; sys.exit(m.version('splash') != '$SPLASH_VERSION')" 2>/dev/null; then
  echo "install-splash: pip install splash==$SPLASH_VERSION"
  # --no-deps: splash's declared deps would pull PyPI Twisted/PyQt over Debian's working ones.
  "$VENV/bin/pip" install -q --disable-pip-version-check --no-deps \
    "splash==$SPLASH_VERSION" "adblockparser==$ADBLOCKPARSER_VERSION"
fi

# Python 3.11 fixes for Splash 3.5 (written for 3.6): QTimer.start() no longer accepts floats
# (PyQt5 on 3.10+ refuses implicit float->int), and json.loads() lost its encoding= argument
# (3.9). Each fix is an exact one-line replacement; a missing target line is an error, so a
# different Splash version never gets silently half-patched.
SITE="$("$VENV/bin/python" -c 'import os, splash; print(os.path.dirname(splash.__file__))')"
"$VENV/bin/python" - "$SITE" <<'PY'
import pathlib
import sys

site = pathlib.Path(sys.argv[1])
FIXES = [
    ("render_options.py", "data.update(json.loads(content, encoding='utf8'))",
     "data.update(json.loads(content))"),
    ("kernel/inspections.py", "info = json.loads(f.read().decode('utf-8'), encoding='utf8')",
     "info = json.loads(f.read().decode('utf-8'))"),
    ("browser_tab.py", "timer.start(time_ms)", "timer.start(int(time_ms))"),
    ("browser_tab.py", "self._timer.start(timeout * 1000)", "self._timer.start(int(timeout * 1000))"),
    ("network_manager.py", "timer.start(timeout_ms)", "timer.start(int(timeout_ms))"),
    ("qtrender_lua.py", "qtimer.start(timeout)", "qtimer.start(int(timeout))"),
    ("qtrender_lua.py", "qtimer.start(delay)", "qtimer.start(int(delay))"),
]
changed = 0
for rel, old, new in FIXES:
    path = site / rel
    text = path.read_text(encoding="utf-8")
    count = text.count(old)
    if count == 0 and text.count(new) == 1:
        continue  # already applied
    if count != 1:
        sys.exit(f"install-splash: patch target not found exactly once in {path}: {old!r} "
                 f"(found {count}); is this Splash 3.5?")
    path.write_text(text.replace(old, new), encoding="utf-8")
    changed += 1
    print(f"install-splash: patched {rel}: {new}")
if changed:
    for pyc in site.rglob("__pycache__"):
        for f in pyc.glob("*.pyc"):
            f.unlink()
PY

# Smoke check: the server module and its Qt WebKit backend import.
QT_QPA_PLATFORM=offscreen "$VENV/bin/python" -c "import splash.server, PyQt5.QtWebKitWidgets" \
  || { echo "install-splash: splash does not import in $VENV" >&2; exit 1; }
echo "install-splash: ready ($VENV, splash $SPLASH_VERSION)"
