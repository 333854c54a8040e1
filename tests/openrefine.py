"""Driving a real OpenRefine (Debian's `openrefine` package, headless) through its HTTP API:
start it on a free port with a workspace of its own, create a project from a CSV, reconcile a
column against a service, read the cells back. Used by tests/test_openrefine.py and by
scripts/screenshot_openrefine.py."""

import json
import subprocess
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import httpx

OPENREFINE = Path("/usr/bin/openrefine")
STARTUP_TIMEOUT_S = 180.0  # a JVM on a busy 2-core machine
RECON_TIMEOUT_S = 180.0


def _free_port() -> int:
    import socket

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port: int = s.getsockname()[1]
        return port


@contextmanager
def openrefine_server(workspace: Path, log: Path) -> Iterator[str]:
    """OpenRefine serving on 127.0.0.1 at a free port, workspace `workspace`; yields its base URL."""
    port = _free_port()
    base = f"http://127.0.0.1:{port}"
    command = [
        str(OPENREFINE), "-i", "127.0.0.1", "-p", str(port), "-d", str(workspace),
        "-m", "768M", "-x", "refine.headless=true",
    ]  # fmt: skip
    with log.open("wb") as out:
        # its own session, so that the JVM the script starts is stopped with it
        process = subprocess.Popen(command, stdout=out, stderr=subprocess.STDOUT, start_new_session=True)
    try:
        deadline = time.monotonic() + STARTUP_TIMEOUT_S
        while True:
            if process.poll() is not None:
                raise RuntimeError(f"OpenRefine exited with {process.returncode}:\n{log.read_text()}")
            try:
                if httpx.get(f"{base}/command/core/get-csrf-token", timeout=2).status_code == 200:
                    break
            except httpx.HTTPError:
                pass
            if time.monotonic() > deadline:
                raise RuntimeError(
                    f"OpenRefine did not start within {STARTUP_TIMEOUT_S} s:\n{log.read_text()}"
                )
            time.sleep(0.5)
        yield base
    finally:
        import os
        import signal

        try:
            os.killpg(process.pid, signal.SIGTERM)
        except ProcessLookupError:
            pass
        try:
            process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait()


class OpenRefine:
    def __init__(self, base: str) -> None:
        self.base = base
        self.http = httpx.Client(base_url=base, timeout=60)

    def token(self) -> str:
        token: str = self.http.get("/command/core/get-csrf-token").json()["token"]
        return token

    def create_project(self, name: str, csv_text: str) -> str:
        """A project from a CSV (one header line); its id."""
        options = {
            "separator": ",",
            "headerLines": 1,
            "skipDataLines": 0,
            "limit": -1,
            "storeBlankRows": True,
            "guessCellValueTypes": False,
            "processQuotes": True,
            "storeBlankCellsAsNulls": True,
            "includeFileSources": False,
            "encoding": "UTF-8",
        }
        response = self.http.post(
            "/command/core/create-project-from-upload",
            params={"csrf_token": self.token()},
            data={"project-name": name, "format": "text/line-based/*sv", "options": json.dumps(options)},
            files={"project-file": ("names.csv", csv_text.encode(), "text/csv")},
            follow_redirects=False,
        )
        location: str = response.headers.get("location", "")
        if response.status_code not in (302, 303) or "project=" not in location:
            raise RuntimeError(f"no project created: {response.status_code} {response.text[:500]}")
        return location.split("project=")[1].split("&")[0]

    def reconcile(self, project: str, column: str, service: str, type_id: str, type_name: str) -> None:
        """Apply core/recon on `column` against `service` (auto-match on), and wait until done."""
        operation = {
            "op": "core/recon",
            "engineConfig": {"facets": [], "mode": "row-based"},
            "columnName": column,
            "config": {
                "mode": "standard-service",
                "service": service,
                "identifierSpace": service.removesuffix("reconcile"),
                "schemaSpace": service + "/types/",
                "type": {"id": type_id, "name": type_name},
                "autoMatch": True,
                "columnDetails": [],
                "limit": 0,
            },
            "description": f"Reconcile cells in column {column} to type {type_id}",
        }
        response = self.http.post(
            "/command/core/apply-operations",
            params={"project": project, "csrf_token": self.token()},
            data={"operations": json.dumps([operation])},
        )
        if response.status_code != 200 or response.json().get("code") not in ("ok", "pending"):
            raise RuntimeError(f"apply-operations: {response.status_code} {response.text[:500]}")
        deadline = time.monotonic() + RECON_TIMEOUT_S
        while True:
            processes = self.http.get("/command/core/get-processes", params={"project": project}).json()
            if not processes.get("processes"):
                return
            if time.monotonic() > deadline:
                raise RuntimeError(f"reconciliation not done within {RECON_TIMEOUT_S} s: {processes}")
            time.sleep(0.5)

    def rows(self, project: str) -> list[list[dict[str, Any] | None]]:
        """The cells of the first 50 rows, each cell's `r` its recon object (get-rows names it by
        id and lists the objects in its `pool`)."""
        body = self.http.get(
            "/command/core/get-rows", params={"project": project, "start": 0, "limit": 50}
        ).json()
        recons = body.get("pool", {}).get("recons", {})
        rows = []
        for row in body["rows"]:
            cells = []
            for cell in row["cells"]:
                if cell is not None and isinstance(cell.get("r"), str):
                    cell = {**cell, "r": recons.get(cell["r"])}
                cells.append(cell)
            rows.append(cells)
        return rows
