"""A real uvicorn process over a database, on a free loopback port, for tests that need HTTP."""

import os
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import httpx
import pytest

from tests.pg import free_port

ROOT = Path(__file__).resolve().parents[1]
STARTUP_TIMEOUT_S = 20.0


@contextmanager
def uvicorn_server(
    database_url: str, log: Path, *, settings: dict[str, str] | None = None
) -> Iterator[tuple[str, subprocess.Popen[bytes]]]:
    """uvicorn (one worker) serving app.main:app over `database_url`; yields (base URL, process).

    `settings` are more environment variables for app.config.Settings, e.g. {"POOL_SIZE": "1"}.
    """
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    env = {**os.environ, **(settings or {}), "DATABASE_URL": database_url}
    env.pop("LOADER_DATABASE_URL", None)
    command = [
        sys.executable, "-m", "uvicorn", "app.main:app", "--host", "127.0.0.1", "--port", str(port),
        "--workers", "1", "--no-access-log", "--log-level", "warning",
    ]  # fmt: skip
    with log.open("wb") as out:
        process = subprocess.Popen(command, cwd=ROOT, env=env, stdout=out, stderr=subprocess.STDOUT)
    try:
        deadline = time.monotonic() + STARTUP_TIMEOUT_S
        while True:
            if process.poll() is not None:
                pytest.fail(f"uvicorn exited with {process.returncode}:\n{log.read_text()}", pytrace=False)
            try:
                if httpx.get(f"{base}/ready", timeout=1).status_code == 200:
                    break
            except httpx.HTTPError:
                pass
            if time.monotonic() > deadline:
                pytest.fail(f"uvicorn did not start within {STARTUP_TIMEOUT_S} s:\n{log.read_text()}")
            time.sleep(0.1)
        yield base, process
    finally:
        process.terminate()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
