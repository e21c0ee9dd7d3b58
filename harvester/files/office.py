"""LibreOffice headless as a converter (legacy Word/WPS -> DOCX for its tables; DOCX -> DOC
for the replicas). One conversion at a time per process, each in a profile directory of its own
(two soffice processes on one profile block each other)."""

from __future__ import annotations

import shutil
import subprocess
import tempfile
import threading
from pathlib import Path

_LOCK = threading.Lock()
_FILTERS = {"doc": "doc:MS Word 97", "xls": "xls:MS Excel 97", "docx": "docx:MS Word 2007 XML"}


class ConversionError(RuntimeError):
    pass


def soffice_path() -> str | None:
    return shutil.which("soffice") or shutil.which("libreoffice")


def convert(data: bytes, src_ext: str, dst_ext: str, timeout: float = 120) -> bytes:
    """``data`` (a .src_ext file) converted to .dst_ext by LibreOffice; ConversionError when
    LibreOffice is missing, fails, times out (a password prompt) or writes nothing."""
    soffice = soffice_path()
    if soffice is None:
        raise ConversionError("LibreOffice (soffice) is not installed")
    with _LOCK, tempfile.TemporaryDirectory(prefix="harvester-soffice-") as tmp:
        src = Path(tmp) / f"in.{src_ext}"
        src.write_bytes(data)
        profile = Path(tmp) / "profile"
        try:
            proc = subprocess.run(
                [soffice, f"-env:UserInstallation=file://{profile}", "--headless", "--norestore",
                 "--nolockcheck", "--convert-to", _FILTERS.get(dst_ext, dst_ext), "--outdir", tmp, str(src)],
                capture_output=True, timeout=timeout, stdin=subprocess.DEVNULL,
            )
        except subprocess.TimeoutExpired:
            raise ConversionError(f"LibreOffice did not finish in {timeout:.0f} s") from None
        out = Path(tmp) / f"in.{dst_ext}"
        if not out.exists():
            detail = (proc.stderr or proc.stdout or b"").decode("utf-8", "replace").strip().splitlines()
            raise ConversionError(f"LibreOffice wrote no .{dst_ext}" + (f": {detail[-1][:120]}" if detail else ""))
        return out.read_bytes()
