"""A full export streams: the server's memory does not grow with the number of rows sent."""

import threading
import time
from pathlib import Path

import httpx

from scripts.synth import build
from tests.server import uvicorn_server

INITIATIVES = 30_000


def rss_mib(pid: int) -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    raise AssertionError("no VmRSS")


def test_full_csv_export_runs_in_constant_memory(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'synth.db'}"
    build(url, initiatives=INITIATIVES, seed=3, progress=False, workers=1)
    with uvicorn_server(url, tmp_path / "uvicorn.log") as (base, process):
        with httpx.Client(base_url=base, timeout=60) as http:
            # The count bitmaps are built in a background thread at start-up (the timeline's
            # among them): wait for them, so that what is measured is the export alone.
            deadline = time.monotonic() + 60
            while http.get("/ready").json().get("count_bitmaps") != "ready":
                assert time.monotonic() < deadline, "the count bitmaps were not built in 60 s"
                time.sleep(0.1)
            for _ in range(3):  # warm the process: imports, caches, first connections
                http.get("/v1/pledges", params={"limit": 500, "format": "csv", "metric": "investment"})
            baseline = rss_mib(process.pid)
            peak = baseline
            stop = threading.Event()

            def sample() -> None:
                nonlocal peak
                while not stop.is_set():
                    peak = max(peak, rss_mib(process.pid))
                    time.sleep(0.02)

            sampler = threading.Thread(target=sample)
            sampler.start()
            rows = 0
            size = 0
            with http.stream("GET", "/v1/pledges", params={"format": "csv"}) as response:
                assert response.status_code == 200
                total = int(response.headers["x-total-count"])
                for chunk in response.iter_bytes():
                    size += len(chunk)
                    rows += chunk.count(b"\n")
            stop.set()
            sampler.join()
    assert total > 20_000
    assert rows == total + 1  # the header line, then one line per pledge
    growth = peak - baseline
    print(f"\nexported {total} pledges, {size / 2**20:.1f} MiB; RSS {baseline:.0f} -> peak {peak:.0f} MiB")
    # Holding every row would cost far more than the body itself; streaming keeps to a chunk.
    assert growth < 20, f"RSS grew {growth:.1f} MiB while streaming {size / 2**20:.1f} MiB"
