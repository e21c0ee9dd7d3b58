"""Run jobs (bench.jobs) in fresh subprocesses and the scaled replica server in its own process."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

from .jobs import REPO, RESULT_PREFIX, process_cpu_seconds


def _env() -> dict[str, str]:
    env = dict(os.environ)
    env["PYTHONPATH"] = str(REPO) + (os.pathsep + env["PYTHONPATH"] if env.get("PYTHONPATH") else "")
    env.pop("HARVESTER_DATABASE_URL", None)  # every job names its own database
    return env


def _result(stdout: str) -> dict[str, Any] | None:
    for line in stdout.splitlines():
        if line.startswith(RESULT_PREFIX):
            return json.loads(line[len(RESULT_PREFIX):])
    return None


class JobFailed(RuntimeError):
    pass


def run_job(name: str, args: dict[str, Any], timeout: float = 3600) -> dict[str, Any]:
    """Run one job in a fresh Python process; its result dict (with its own peak RSS)."""
    proc = subprocess.run(
        [sys.executable, "-m", "bench.jobs", name, json.dumps(args)],
        cwd=REPO, env=_env(), capture_output=True, text=True, timeout=timeout,
    )
    result = _result(proc.stdout)
    if proc.returncode != 0 or result is None:
        tail = "\n".join((proc.stderr or proc.stdout).strip().splitlines()[-15:])
        raise JobFailed(f"job {name} failed (exit {proc.returncode}):\n{tail}")
    return result


class ServerProcess:
    """The scaled replica served by a child process; ``log()``/``clear()`` read its request log."""

    def __init__(self, spec: dict[str, Any], cache_dir: Path) -> None:
        self.proc = subprocess.Popen(
            [sys.executable, "-m", "bench.jobs", "serve", json.dumps({"spec": spec, "cache_dir": str(cache_dir)})],
            cwd=REPO, env=_env(), stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True,
        )
        self.base_urls: dict[str, str] = self._read()["base_urls"]

    def _read(self) -> dict[str, Any]:
        assert self.proc.stdout is not None
        for line in self.proc.stdout:
            if line.startswith(RESULT_PREFIX):
                return json.loads(line[len(RESULT_PREFIX):])
        raise JobFailed(f"replica server exited with {self.proc.wait()}")

    def _command(self, command: str) -> dict[str, Any]:
        assert self.proc.stdin is not None
        self.proc.stdin.write(command + "\n")
        self.proc.stdin.flush()
        return self._read()

    def cpu_seconds(self) -> float:
        """CPU seconds the server process has used so far."""
        return process_cpu_seconds(self.proc.pid)

    def log(self) -> dict[str, Any]:
        return self._command("log")

    def clear(self) -> None:
        self._command("clear")

    def close(self) -> None:
        if self.proc.poll() is None:
            assert self.proc.stdin is not None
            self.proc.stdin.close()
            try:
                self.proc.wait(timeout=15)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()

    def __enter__(self) -> "ServerProcess":
        return self

    def __exit__(self, *exc: Any) -> None:
        self.close()
