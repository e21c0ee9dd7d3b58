#!/usr/bin/env bash
# Debian packages the full test suite needs: PostgreSQL (storage tests on a real server),
# Chromium (the Playwright rendering backend), CJK fonts, the Qt WebKit stack behind Splash, and
# for reports published as files (docs/files.md): LibreOffice Writer/Calc without the GUI (legacy
# DOC/WPS -> DOCX with its tables; the replicas' .doc files), antiword (DOC text when LibreOffice
# fails).
# redis-server (the distributed-crawl tests start their own on a free loopback port).
# Idempotent: installs only what is missing. Needs root (CI and the dev machines run as root).
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)

packages=(postgresql chromium fonts-wqy-zenhei antiword libreoffice-writer-nogui libreoffice-calc-nogui redis-server)
missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if [ ${#missing[@]} -gt 0 ]; then
  if [ "$(id -u)" != 0 ]; then
    echo "install-system: need root to apt-get install ${missing[*]}" >&2
    exit 1
  fi
  echo "install-system: apt-get install ${missing[*]}"
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${missing[@]}" >/dev/null
fi

# Splash (rendering server) without Docker: its own venv on Debian's QtWebKit.
if [ -x "$here/install-splash.sh" ] || [ -f "$here/install-splash.sh" ]; then
  bash "$here/install-splash.sh"
fi
