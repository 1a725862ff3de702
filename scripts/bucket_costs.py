"""What a bucket costs against local disk, measured (docs/deploy.md quotes the output).

    python scripts/bucket_costs.py [--sizes 1e4,1e5,1e6] [--repeats 15]

Starts the tests' loopback S3 server (moto, tests/s3_server.py), generates the benchmark's synthetic data at
each size as Parquet, copies it into a bucket and measures, each in this one process:
- `data_version`: the listing every page run makes (the per-query overhead: pages key their caches on it);
- the store's cold load (`Store(...)`), the same work a replica does once per data version;
- one filtered query on the loaded store (the same on both: the tables are in memory by then);
- raw DuckDB reading one column of the participants file (a full scan through the filesystem layer).
Loopback has no network latency: a real bucket adds its round trip (tens of ms) to each request here.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

PROJECT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(PROJECT))

from innovisits.data.filters import Filters  # noqa: E402
from innovisits.data.generate import generate  # noqa: E402
from innovisits.data.store import Store, connect, data_version  # noqa: E402
from tests.s3_server import S3Server  # noqa: E402

FILTERS = Filters(cities=("Shenzhen",), kinds=("government",))


def median_ms(run: Callable[[], object], repeats: int) -> float:
    times = []
    for _ in range(repeats):
        start = time.perf_counter()
        run()
        times.append(time.perf_counter() - start)
    return round(statistics.median(times) * 1000, 2)


def measure(where: Path | str, repeats: int) -> dict[str, float]:
    store = Store(where)  # warm-up: imports, the S3 client
    loads = max(3, repeats // 5)
    scan = connect()
    participants = f"{where}/participants.parquet"
    return {
        "data_version_ms": median_ms(lambda: data_version(where), repeats),
        "store_load_ms": median_ms(lambda: Store(where), loads),
        "filtered_query_ms": median_ms(lambda: store.records("summary", FILTERS), repeats),
        "raw_scan_ms": median_ms(
            lambda: scan.execute("select count(distinct department) from read_parquet(?)", [participants]).fetchall(),
            loads,
        ),
    }


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="1e4,1e5,1e6")
    parser.add_argument("--repeats", type=int, default=15)
    args = parser.parse_args()
    server = S3Server()
    os.environ.update(server.env, INNOVISITS_ENGINE="httpfs")
    results = []
    try:
        with tempfile.TemporaryDirectory() as work:
            for size in (int(float(s)) for s in args.sizes.split(",")):
                local = Path(work) / f"p{size}"
                generate(size, local)
                url = server.bucket(f"costs-{size}", local)
                row = {"participants": size, "bytes": sum(p.stat().st_size for p in local.rglob("*") if p.is_file())}
                for name, where in (("local", local), ("bucket", url)):
                    row[name] = measure(where, args.repeats)
                results.append(row)
                print(json.dumps(row), flush=True)
    finally:
        server.stop()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
