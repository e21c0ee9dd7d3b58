#!/usr/bin/env bash
# Create the project's virtual environment (make venv). Debian's python3 needs the python3-venv
# package for `python3 -m venv`; as root it is installed here, otherwise the line says what to run.
set -euo pipefail
python=${1:-python3}
venv=${2:-.venv}
if ! command -v "$python" >/dev/null; then
  echo "make-venv: $python not found; install Python 3.11+ (Debian 12: apt-get install -y python3 python3-venv)" >&2
  exit 1
fi
if ! "$python" -c 'import sys; sys.exit(sys.version_info < (3, 11))'; then
  echo "make-venv: $python is $("$python" -V 2>&1); harvester needs Python 3.11+ (make PYTHON=python3.11 ...)" >&2
  exit 1
fi
if ! "$python" -m venv "$venv" 2>/dev/null; then
  rm -rf "$venv"
  if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null; then
    echo "make-venv: $python cannot create a venv; apt-get install python3-venv"
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq python3-venv >/dev/null \
      || { apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq python3-venv >/dev/null; }
    "$python" -m venv "$venv"
  else
    echo "make-venv: $python cannot create a venv; run: sudo apt-get install -y python3-venv, then make again" >&2
    exit 1
  fi
fi
"$venv/bin/python" -m pip install -q --upgrade pip
echo "make-venv: created $venv ($("$venv/bin/python" -V)); commands: $venv/bin/harvester, $venv/bin/scrapy"
