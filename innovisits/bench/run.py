"""The benchmark run: data at each size as Parquet and as CSV, every measurement in its own process, ratios
against the baselines measured in the same run, the targets' verdicts, a printed table and a JSON report."""

from __future__ import annotations

import compileall
import itertools
import json
import math
import os
import platform
import resource
import shutil
import statistics
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import duckdb

from innovisits.bench import pandas_baseline, worker
from innovisits.data import config, sql
from innovisits.data.config import MAX_UPLOAD_ROWS, PROJECT_DIR, SAMPLE_DATA_DIR
from innovisits.data.generate import generate
from innovisits.data.store import Store, connect

FORMATS = ("parquet", "csv")
BATCHES = 5000  # upload files the many-small-files case deals the participants into
SMALL_FILES_MAX = 1_000_000  # ... at the largest size up to this
ONE_REPEAT_FROM = 1_000_000  # from this size each worker runs every view once ...
ONE_ROUND_FROM = 10_000_000  # ... and from this size the layer and raw workers run one round (20-minute budget)
ROUNDS = 2
OPEN_ROUNDS = 15  # fresh `summary` and bare DuckDB processes, alternating: the medians count (5 left 3 % noise)
UPLOAD_ROWS = 1000  # delegates in the upload-to-visible batch
BROWSER_SAMPLES = 20  # each action in the browser, the first time and again
BROWSER_GOALS = {"sample": 0.5, "largest": 1.0}  # p95 seconds to the last chart drawn
UPLOAD_MAX = 10_000_000  # ... into the largest size up to this (above, the copy's first open is another full build)
CSV_MAX = 10_000_000  # above this the CSV format is skipped: a 10^8-row CSV is ~4 GB to write and to read
PANDAS_BYTES_PER_ROW = 260  # pandas' peak memory per participant row (2.5 GB at 10^7 in the README's run)
PANDAS_SHARE = 0.5  # pandas runs while its estimate fits in this share of the memory available (a shared machine)
BUILD_MEMORY_LIMIT = "4GB"  # DuckDB's limit for the processes that build (snapshot, bare DuckDB): beyond it they spill
SERVING_RSS_GOAL_MB = 2048  # a process serving the largest size: open the snapshot, every page, filter changes


def machine() -> dict[str, Any]:
    """What the figures were measured on (they mean little without it)."""
    cpu = next((line.split(":", 1)[1].strip() for line in _lines("/proc/cpuinfo") if line.startswith("model name")), "")
    mem = next((int(line.split()[1]) for line in _lines("/proc/meminfo") if line.startswith("MemTotal")), 0)
    return {
        "cpu": cpu or platform.processor(),
        "nproc": os.cpu_count(),
        "ram_gib": round(mem / 2**20, 1),
        "load_average": os.getloadavg(),
        "python": platform.python_version(),
        "duckdb": duckdb.__version__,
    }


def _lines(path: str) -> list[str]:
    try:
        return Path(path).read_text().splitlines()
    except OSError:
        return []


def _env(**extra: str) -> dict[str, str]:
    return {**os.environ, "PYTHONPATH": str(PROJECT_DIR), **extra}


def available_bytes() -> int:
    """Memory the kernel says is available now (0 when it cannot tell)."""
    kib = next((int(line.split()[1]) for line in _lines("/proc/meminfo") if line.startswith("MemAvailable")), 0)
    return kib * 1024


def pandas_skip(size: int, available: int) -> str | None:
    """Why the pandas baseline is not run at `size` rows with `available` bytes of memory, or None when it fits:
    it holds every table in memory, and a machine that swaps or kills it measures nothing."""
    need = size * PANDAS_BYTES_PER_ROW
    if need <= available * PANDAS_SHARE:
        return None
    return f"skipped: would need ~{need / 2**30:.0f} GiB ({available / 2**30:.0f} GiB available)"


def _process(module: str, *args: str, env: dict[str, str] | None = None) -> tuple[float, str]:
    """Run `python -m module args` in a fresh process: seconds from before it starts to its end, and its
    stdout (a failure raises with the end of its stderr)."""
    seconds, _, out = _timed_process(module, *args, env=env)
    return seconds, out


def _timed_process(module: str, *args: str, env: dict[str, str] | None = None) -> tuple[float, float, str]:
    """`_process`, also with the CPU seconds the process used (user + system, its threads included): on a
    shared machine a neighbour's load stretches the wall time, much less the CPU time."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    start = time.perf_counter()
    result = subprocess.run(
        [sys.executable, "-m", module, *args], capture_output=True, text=True, env=env or _env(), check=False
    )
    seconds = time.perf_counter() - start
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = after.ru_utime + after.ru_stime - before.ru_utime - before.ru_stime
    if result.returncode:
        raise RuntimeError(f"{module} {' '.join(args)} failed:\n{result.stderr[-3000:]}")
    return seconds, cpu, result.stdout


def measure(method: str, data_dir: Path, *args: str, env: dict[str, str] | None = None) -> dict[str, Any]:
    """One worker measurement (see `worker.py`) in its own process."""
    _, out = _process("innovisits.bench.worker", method, str(data_dir), *args, env=env)
    return json.loads(out.strip().splitlines()[-1])


def data_set(work: Path, size: int, file_format: str) -> Path:
    """The generated data directory for a size and format, reused when a finished one is there."""
    target = work / f"p{size}-{file_format}"
    if not (target / ".complete").exists():
        shutil.rmtree(target, ignore_errors=True)
        generate(size, target, seed=0, file_format=file_format)
        (target / ".complete").touch()
    return target


def best_of(results: list[dict[str, Any]]) -> dict[str, Any]:
    """Several rounds of one worker as one result: the fastest of each timing, the largest peak memory, and
    whether every round gave the same answers."""
    first = results[0]
    return {
        **first,
        "load_s": min(r["load_s"] for r in results),
        "pages_s": {p: min(r["pages_s"][p] for r in results) for p in first["pages_s"]},
        "queries_s": (queries := {q: min(r["queries_s"][q] for r in results) for q in first["queries_s"]}),
        "views_s": sum(queries.values()),
        "rss_mb": max(r["rss_mb"] for r in results),
        "rounds": len(results),
        "same_answers_every_round": all(r["digests"] == first["digests"] for r in results),
    }


def measure_format(data_dir: Path, size: int, rounds: int = ROUNDS) -> dict[str, Any]:
    """Query layer and bare DuckDB over the same files (alternating processes, so a neighbour's burst of work
    on this shared machine slows both sides, and the best round counts), and pandas; each in its own process."""
    reps = ("--repeats", "1" if size >= ONE_REPEAT_FROM else "2")
    results_of: dict[str, list[dict[str, Any]]] = {"store": [], "raw": []}
    # Building (the snapshot, or bare DuckDB's tables in memory) may use more memory than serving and spills
    # beyond it; the serving store keeps the configured limit.
    building = _env(INNOVISITS_MEMORY_LIMIT=os.environ.get("INNOVISITS_BENCH_MEMORY_LIMIT", BUILD_MEMORY_LIMIT))
    shutil.rmtree(config.cache_dir(), ignore_errors=True)  # the first store builds its snapshot; later ones open it
    build = measure("store", data_dir, "--repeats", "0", env=building)
    for _ in range(1 if size >= ONE_ROUND_FROM else rounds):
        for method, results in results_of.items():
            results.append(measure(method, data_dir, *reps, env=building if method == "raw" else None))
    out = {method: best_of(results) for method, results in results_of.items()}
    out["store_build"] = {"load_s": build["load_s"], "rss_mb": build["rss_mb"]}
    store, raw = out["store"], out["raw"]
    out["identical"] = {
        "store_vs_raw": store["digests"] == raw["digests"]
        and store["same_answers_every_round"]
        and raw["same_answers_every_round"],
    }
    out["store_pandas_set_s"] = pandas_set = _pandas_set_seconds(store)
    out["ratios"] = {
        "queries_vs_raw": store["views_s"] / raw["views_s"],
        "load_vs_raw": store["load_s"] / raw["load_s"],
    }
    skip = pandas_skip(size, available_bytes())
    if skip:
        out["pandas"] = {"skipped": skip}
    else:
        out["pandas"] = pandas = measure("pandas", data_dir, "--repeats", "1" if size >= ONE_ROUND_FROM else "2")
        out["identical"]["store_vs_pandas"] = store["compared"] == pandas["compared"]
        out["identical"]["answers_compared_with_pandas"] = len(pandas["compared"])
        out["ratios"]["pandas_compute_vs_queries"] = pandas["compute_s"] / pandas_set
        out["ratios"]["pandas_load_and_compute_vs_load_and_queries"] = (pandas["load_s"] + pandas["compute_s"]) / (
            store["load_s"] + pandas_set
        )
    for method in ("store", "raw"):
        out[method].pop("digests")
    return out


def _pandas_set_seconds(store: dict[str, Any]) -> float:
    """The query layer's time for exactly the answers the pandas baseline computes (first occurrence of each)."""
    seen: dict[str, float] = {}
    for key, seconds in store["queries_s"].items():
        page, name = key.split(".", 1)
        if page in worker.ANALYTIC_PAGES and name in pandas_baseline.COMPARED:
            seen.setdefault(name, seconds)
    return sum(seen.values())


def cold_start(data_dir: Path) -> dict[str, Any]:
    """Seconds from before a fresh Python process starts to the Overview rendered by AppTest in it."""
    start = time.time()
    _, out = _process("innovisits.ui.cold_start", env=_env(INNOVISITS_DATA_DIR=str(data_dir)))
    got = json.loads(out.strip().splitlines()[-1])
    return {"data_dir": str(data_dir), "seconds": got["ready_at"] - start, **got}


def small_files(work: Path, single: Path, size: int, batches: int, rounds: int = ROUNDS) -> dict[str, Any]:
    """The same participants dealt into many upload files under `participants/` (as uploads land), against
    the one file: query-layer view time and load time, answers checked identical."""
    target = work / f"p{size}-batches{batches}"
    if not (target / ".complete").exists():
        shutil.rmtree(target, ignore_errors=True)
        shutil.copytree(single, target, ignore=shutil.ignore_patterns("participants.parquet", ".complete"))
        staging = work / "batches-staging"
        shutil.rmtree(staging, ignore_errors=True)
        params = {"source": str(single / "participants.parquet"), "batches": batches}
        relation = connect().sql(sql.load("bench/participants_batches"), params=params)
        relation.write_parquet(str(staging), partition_by=["batch"], write_partition_columns=False)
        (target / "participants").mkdir()
        for n, part in enumerate(sorted(staging.glob("batch=*/*.parquet"))):
            part.rename(target / "participants" / f"batch-{n:05d}.parquet")
        shutil.rmtree(staging)
        (target / ".complete").touch()
    results_of: dict[Path, list[dict[str, Any]]] = {single: [], target: []}
    for _ in range(rounds):  # alternating, as in measure_format
        for data_dir, results in results_of.items():
            results.append(measure("store", data_dir))
    one, many = best_of(results_of[single]), best_of(results_of[target])
    return {
        "size": size,
        "files": len(list((target / "participants").glob("*.parquet"))),
        "identical": one["digests"] == many["digests"],
        "queries_ratio": many["views_s"] / one["views_s"],
        "load_ratio": many["load_s"] / one["load_s"],
        "seconds": {
            "load_one_file": one["load_s"],
            "load_many_files": many["load_s"],
            "queries_one_file": one["views_s"],
            "queries_many_files": many["views_s"],
        },
    }


def process_open(data_dir: Path, rounds: int = OPEN_ROUNDS) -> dict[str, Any]:
    """`python -m innovisits summary --json` in a fresh process on an unchanged data version (its snapshot file
    written by an earlier process) against a bare DuckDB process answering the same four numbers straight from
    the Parquet files (`bare_summary.py`); both timed from before the process starts, alternating."""
    env = _env(INNOVISITS_DATA_DIR=str(data_dir))
    _process("innovisits", "summary", "--json", env=env)  # the version's snapshot exists from here on
    seconds: dict[str, list[float]] = {"summary": [], "bare": []}
    cpu: dict[str, list[float]] = {"summary": [], "bare": []}
    answers: dict[str, dict[str, int]] = {}
    for _ in range(rounds):
        for side, command in (
            ("summary", ("innovisits", "summary", "--json")),
            ("bare", ("innovisits.bench.bare_summary", str(data_dir))),
        ):
            took, used, out = _timed_process(*command, env=env)
            seconds[side].append(took)
            cpu[side].append(used)
            got = json.loads(out.strip().splitlines()[-1])
            answers[side] = {k: got[k] for k in ("visits", "delegates", "departments", "cities")}
    summary_s, bare_s = (statistics.median(seconds[side]) for side in ("summary", "bare"))
    return {
        "rounds": rounds,
        "summary_s": summary_s,
        "bare_s": bare_s,
        "ratio": summary_s / bare_s,
        "spread_s": {side: [min(v), max(v)] for side, v in seconds.items()},
        "cpu_s": {side: statistics.median(v) for side, v in cpu.items()},
        "cpu_ratio": statistics.median(cpu["summary"]) / statistics.median(cpu["bare"]),
        "identical": answers["summary"] == answers["bare"],
        "answers": answers["summary"],
    }


def upload_to_visible(work: Path, size: int, rows: int = UPLOAD_ROWS) -> dict[str, Any]:
    """A `rows`-delegate batch through `python -m innovisits ingest` into a copy of the Parquet data set, then a
    fresh process's first query (`summary --json`): seconds until it shows the batch, beside the seconds the
    first process took to build the version before (a full build)."""
    source = data_set(work, size, "parquet")
    target = work / f"p{size}-upload"
    shutil.rmtree(target, ignore_errors=True)
    shutil.copytree(source, target, ignore=shutil.ignore_patterns(".complete"))
    env = _env(INNOVISITS_DATA_DIR=str(target))
    build_s, out = _process("innovisits", "summary", "--json", env=env)
    before = json.loads(out.strip().splitlines()[-1])["delegates"]
    batch = work / "upload-batch.csv"
    params = {"source": str(source / "participants.parquet"), "rows": rows, "target": str(batch)}
    connect().execute(sql.load("bench/upload_batch"), params)
    ingest_s, said = _process("innovisits", "ingest", str(batch), env=env)
    visible_s, out = _process("innovisits", "summary", "--json", env=env)
    after = json.loads(out.strip().splitlines()[-1])["delegates"]
    reopen_s, _ = _process("innovisits", "summary", "--json", env=env)
    return {
        "size": size,
        "rows": rows,
        "build_s": build_s,
        "ingest_s": ingest_s,
        "ingest_said": said.strip()[-300:],
        "visible_s": visible_s,
        "reopen_s": reopen_s,
        "shown": after - before == rows,
        "ratio_to_build": visible_s / build_s,
    }


def ingest(work: Path, rows: int, rounds: int = ROUNDS) -> dict[str, Any]:
    """A `rows`-row participants file through the full validating ingest (`python -m innovisits ingest`) into
    a data directory whose visits are stored but whose participants are not, against DuckDB's own CSV ->
    Parquet copy of the same file; each in a fresh process, timed from before it starts, alternating, the
    medians (and of the ratios of each round) count."""
    report = data_set(work, rows, "csv") / "participants.csv"
    target = work / "ingest-data"
    seconds: dict[str, list[float]] = {"copy": [], "ingest": []}
    cpu: dict[str, list[float]] = {"copy": [], "ingest": []}
    for _ in range(rounds):
        shutil.rmtree(target, ignore_errors=True)
        shutil.copytree(
            data_set(work, rows, "parquet"), target, ignore=shutil.ignore_patterns("participants.parquet", ".complete")
        )
        took, used, copied = _timed_process(
            "innovisits.bench.duckdb_copy", str(report), str(work / "ingest-copy.parquet")
        )
        seconds["copy"].append(took)
        cpu["copy"].append(used)
        took, used, said = _timed_process(
            "innovisits", "ingest", str(report), env=_env(INNOVISITS_DATA_DIR=str(target))
        )
        seconds["ingest"].append(took)
        cpu["ingest"].append(used)
    stored = Store(target).row_counts()["participants"]
    return {
        "file": str(report),
        "rows": rows,
        "rounds": rounds,
        "duckdb_copy_s": statistics.median(seconds["copy"]),
        "duckdb_copy_rows": int(copied.strip()),
        "ingest_s": statistics.median(seconds["ingest"]),
        "ingest_said": said.strip()[-300:],
        "stored_rows": stored,
        "ratio": statistics.median(i / c for i, c in zip(seconds["ingest"], seconds["copy"], strict=True)),
        "cpu_s": {side: statistics.median(v) for side, v in cpu.items()},
        "cpu_ratio": statistics.median(i / c for i, c in zip(cpu["ingest"], cpu["copy"], strict=True)),
    }


def browser_figure(data_dir: Path, samples: int, log_file: Path) -> dict[str, Any]:
    """A dashboard server over `data_dir` driven by Chromium (`bench/browser.py`), in its own process: seconds
    from each action to the last chart drawn, the first time and again (the query results cached)."""
    args = (str(data_dir), "--samples", str(samples), "--log", str(log_file))
    _, out = _process("innovisits.bench.browser", *args)
    return json.loads(out.strip().splitlines()[-1])


def slope(points: list[tuple[float, float]]) -> float | None:
    """The exponent k of y ~ x^k: least-squares slope of log y on log x (None without two sizes)."""
    logs = [(math.log(x), math.log(y)) for x, y in points if x > 0 and y > 0]
    if len({x for x, _ in logs}) < 2:
        return None
    mx = sum(x for x, _ in logs) / len(logs)
    my = sum(y for _, y in logs) / len(logs)
    return sum((x - mx) * (y - my) for x, y in logs) / sum((x - mx) ** 2 for x, _ in logs)


def size_label(size: float) -> str:
    """10^8 for a power of ten, else the number with thousands separators."""
    power = round(math.log10(size)) if size > 0 else 0
    return f"10^{power}" if size == 10**power else f"{size:,.0f}"


def exponents(points: list[tuple[float, float | None]]) -> dict[str, Any]:
    """How a figure grows with the rows: the exponent k of y ~ rows^k between each two consecutive sizes
    (`steps`, keyed "10^4→10^5") and over all of them (`overall`, the least-squares fit). A size without the
    figure (skipped there) is left out."""
    known = sorted((x, y) for x, y in points if y is not None)
    pairs = itertools.pairwise(known)
    steps = {f"{size_label(a[0])}→{size_label(b[0])}": slope([a, b]) for a, b in pairs}
    return {"steps": steps, "overall": slope(known)}


FIGURES: dict[str, Callable[[dict[str, Any]], float | None]] = {
    "layer build s": lambda r: r["store_build"]["load_s"],
    "layer open s": lambda r: r["store"]["load_s"],
    "layer queries s": lambda r: r["store"]["views_s"],
    "raw load s": lambda r: r["raw"]["load_s"],
    "raw queries s": lambda r: r["raw"]["views_s"],
    "pandas load s": lambda r: r["pandas"].get("load_s"),
    "pandas compute s": lambda r: r["pandas"].get("compute_s"),
    "layer peak RSS MB": lambda r: r["store"]["rss_mb"],
    "build peak RSS MB": lambda r: r["store_build"]["rss_mb"],
    "raw peak RSS MB": lambda r: r["raw"]["rss_mb"],
    "pandas peak RSS MB": lambda r: r["pandas"].get("rss_mb"),
}


def serving_rss_mb(report: dict[str, Any], size: int) -> float:
    """Peak RSS of the processes that serve `size` rows from its snapshot: the layer's pages (Parquet) and the
    filter changes."""
    pages = [r["store"]["rss_mb"] for r in report["runs"] if r["size"] == size and r["format"] == "parquet"]
    latency = report["latency"].get(str(size))
    return max([*pages, *([latency["rss_mb"]] if latency else [])])


def growth(report: dict[str, Any]) -> dict[str, dict[str, dict[str, Any]]]:
    """Each figure's growth exponents across the sizes, per format (latency and serving memory on Parquet)."""
    runs = report["runs"]
    out = {
        fmt: {
            name: exponents([(r["size"], get(r)) for r in runs if r["format"] == fmt]) for name, get in FIGURES.items()
        }
        for fmt in FORMATS
    }
    for state in ("cold", "warm"):
        points = [(int(size), lat[state]["p95_s"]) for size, lat in report["latency"].items()]
        out["parquet"][f"filter change p95 s, {state}"] = exponents(points)
    sizes = [int(size) for size in report["latency"]]
    out["parquet"]["serving peak RSS MB"] = exponents([(size, serving_rss_mb(report, size)) for size in sizes])
    return out


def bench(
    sizes: list[int],
    work: Path,
    combos: int = 30,
    batches: int = BATCHES,
    rounds: int = ROUNDS,
    log: Callable[[str], None] = print,
    browser_samples: int = BROWSER_SAMPLES,
    reuse: Path | None = None,
) -> dict[str, Any]:
    """Measure everything at every size (and take other sizes from an earlier report `reuse`); returns the
    report (`targets` holds the verdicts). No browser figure when `browser_samples` is 0."""
    work.mkdir(parents=True, exist_ok=True)
    sizes = sorted(sizes)
    compile_package()
    cache_setting = os.environ.get("INNOVISITS_CACHE_DIR")
    os.environ["INNOVISITS_CACHE_DIR"] = str(work / "cache")  # every worker's snapshot files, nobody else's
    try:
        return _bench(sizes, work, combos, batches, rounds, log, browser_samples, reuse)
    finally:
        if cache_setting is None:
            os.environ.pop("INNOVISITS_CACHE_DIR")
        else:
            os.environ["INNOVISITS_CACHE_DIR"] = cache_setting


def compile_package() -> None:
    """Write the package's bytecode first, as an installed deployment has it (`make run` does the same): every
    fresh process measured (ours, bare DuckDB's, the COPY's) then reads it instead of compiling our modules
    again, which a machine set to never write bytecode (PYTHONDONTWRITEBYTECODE) would do each time (about a
    tenth of a small `summary` process)."""
    compileall.compile_dir(PROJECT_DIR / "innovisits", quiet=1)


def merge_earlier(report: dict[str, Any], earlier: dict[str, Any], source: Path) -> None:
    """Add an earlier run's per-size results (runs, filter changes, process open) for the sizes this run did not
    measure, so that a run of the largest size alone still reports the growth from the smallest (`--reuse`:
    10^8 takes most of the time budget). The reused sizes are listed in `reused`; nothing else is taken."""
    measured = set(report["sizes"])
    taken = sorted({r["size"] for r in earlier["runs"]} - measured)
    runs = [*report["runs"], *(r for r in earlier["runs"] if r["size"] in taken)]
    report["runs"] = sorted(runs, key=lambda r: (r["size"], FORMATS.index(r["format"])))
    for section in ("latency", "open"):
        merged = {**{k: v for k, v in earlier[section].items() if int(k) in taken}, **report[section]}
        report[section] = dict(sorted(merged.items(), key=lambda item: int(item[0])))
    report["sizes"] = sorted(measured | set(taken))
    report["reused"] = {"from": str(source), "sizes": taken, "machine": earlier["machine"]}


def _bench(
    sizes: list[int],
    work: Path,
    combos: int,
    batches: int,
    rounds: int,
    log: Callable[[str], None],
    browser_samples: int,
    reuse: Path | None = None,
) -> dict[str, Any]:
    report: dict[str, Any] = {
        "machine": machine(),
        "sizes": sizes,
        "runs": [],
        "latency": {},
        "open": {},
        "skipped": [],
    }
    started = time.perf_counter()

    def step(text: str) -> None:
        # what is measured so far, kept in case a long run stops before its end
        partial = json.dumps(report, indent=2, default=str, ensure_ascii=False)
        (work / "bench-partial.json").write_text(partial, encoding="utf-8")
        log(f"[{time.perf_counter() - started:6.0f} s] {text}")

    for size in sizes:
        for fmt in FORMATS:
            if fmt == "csv" and size > CSV_MAX:
                why = f"above {CSV_MAX:,} rows (writing and reading it takes too long)"
                report["skipped"].append(f"csv at {size:,} rows: {why}")
                step(f"{size:,} rows, csv: skipped (above {CSV_MAX:,} rows)")
                continue
            step(f"{size:,} rows, {fmt}")
            result = measure_format(data_set(work, size, fmt), size, rounds)
            report["runs"].append({"size": size, "format": fmt, **result})
            if "skipped" in result["pandas"]:
                report["skipped"].append(f"pandas at {size:,} rows, {fmt}: {result['pandas']['skipped']}")
                step(f"{size:,} rows, {fmt}: pandas {result['pandas']['skipped']}")
        step(f"{size:,} rows, filter changes")
        report["latency"][str(size)] = measure("latency", work / f"p{size}-parquet", "--combos", str(combos))
        step(f"{size:,} rows, a process opening the data")
        report["open"][str(size)] = process_open(work / f"p{size}-parquet")
    largest = sizes[-1]
    into = min(largest, UPLOAD_MAX)
    if into < largest:
        why = f"measured at {into:,} (above, the copy's first open is another full build)"
        report["skipped"].append(f"upload to visible at {largest:,} rows: {why}")
    step(f"upload of {UPLOAD_ROWS:,} rows into {into:,} to visible")
    report["upload"] = upload_to_visible(work, into)
    step("cold start")
    report["cold_start"] = {
        "sample": cold_start(SAMPLE_DATA_DIR),
        str(largest): cold_start(work / f"p{largest}-parquet"),
    }
    if browser_samples:
        report["browser"] = {}
        for key, data_dir in (("sample", SAMPLE_DATA_DIR), (str(largest), work / f"p{largest}-parquet")):
            step(f"browser, {key}: {browser_samples} samples of each action")
            report["browser"][key] = browser_figure(data_dir, browser_samples, work / f"server-{key}.log")
    small = max([s for s in sizes if s <= SMALL_FILES_MAX], default=min(sizes[0], SMALL_FILES_MAX))
    step(f"{batches:,} small files at {small:,} rows")
    report["small_files"] = small_files(work, data_set(work, small, "parquet"), small, batches, rounds)
    rows = min(MAX_UPLOAD_ROWS, largest)
    step(f"ingest of {rows:,} rows")
    report["ingest"] = ingest(work, rows, rounds)
    if reuse:
        step(f"sizes not measured now taken from {reuse}")
        merge_earlier(report, json.loads(reuse.read_text(encoding="utf-8")), reuse)
    report["growth"] = growth(report)
    report["targets"] = targets(report)
    report["seconds"] = time.perf_counter() - started
    report["machine"]["load_average_end"] = os.getloadavg()
    return report


def _target(name: str, value: float | None, goal: float, at_most: bool, unit: str = "×") -> dict[str, Any]:
    reached = value is not None and (value <= goal if at_most else value >= goal)
    return {"target": name, "value": value, "goal": f"{'≤' if at_most else '≥'} {goal:g}{unit}", "reached": reached}


def targets(report: dict[str, Any]) -> list[dict[str, Any]]:
    """Every target of the issue with the figure that decides it (numbered as in the issue)."""
    runs, largest = report["runs"], max(report["sizes"])
    out = []
    for r in runs:
        name = f"1 layer ÷ raw DuckDB queries, {r['format']}, {r['size']:,}"
        out.append(_target(name, r["ratios"]["queries_vs_raw"], 1.2, True))
    with_pandas = [r["size"] for r in runs if "skipped" not in r["pandas"]]
    for r in (r for r in runs if with_pandas and r["size"] == max(with_pandas)):
        for ratio, label in (
            ("pandas_compute_vs_queries", "compute"),
            ("pandas_load_and_compute_vs_load_and_queries", "load + compute"),
        ):
            name = f"2 pandas ÷ layer, {label}, {r['format']}, {r['size']:,}"
            out.append(_target(name, r["ratios"][ratio], 20, False))
    same = all(_identical(r) for r in runs)
    name = "2 identical answers (layer, raw, and pandas where it ran), every run"
    out.append({"target": name, "value": same, "goal": "identical", "reached": same})
    latency = report["latency"][str(largest)]
    for state in ("cold", "warm"):
        out.append(
            _target(f"3 filter change p95, {state}, parquet, {largest:,}", latency[state]["p95_s"], 0.15, True, " s")
        )
    for key, label, goal in (("sample", "sample data", 3), (str(largest), f"parquet, {largest:,}", 5)):
        start = report["cold_start"][key]
        rendered = not start["errors"] and bool(start["metrics"].get("Visits"))  # a crash is no start
        out.append(_target(f"4 cold start, {label}", start["seconds"] if rendered else None, goal, True, " s"))
    for r in (r for r in runs if r["size"] == largest):
        out.append(_target(f"5 layer peak RSS, {r['format']}, {largest:,}", r["store"]["rss_mb"], 1024, True, " MB"))
    out.append(
        _target(
            f"5 layer peak RSS, filter changes, {largest:,}",
            report["latency"][str(largest)]["rss_mb"],
            1024,
            True,
            " MB",
        )
    )
    ingest = report["ingest"]
    stored = ingest["stored_rows"] == ingest["rows"]
    out.append(
        _target(f"6 ingest ÷ DuckDB COPY, {ingest['rows']:,} rows", ingest["ratio"] if stored else None, 2, True)
    )
    small = report["small_files"]
    name = f"7 {small['files']:,} small files ÷ one file, layer queries, {small['size']:,}"
    out.append(_target(name, small["queries_ratio"] if small["identical"] else None, 2, True))
    for size, opened in report["open"].items():
        name = f"8 any process: summary ÷ bare DuckDB process, parquet, {int(size):,}"
        out.append(_target(name, opened["ratio"] if opened["identical"] else None, 1.0, True))
    upload = report["upload"]
    name = f"9 upload to visible, {upload['rows']:,} rows into {upload['size']:,}"
    out.append(_target(name, upload["visible_s"] if upload["shown"] else None, 3, True, " s"))
    name = f"11 serving peak RSS (snapshot open, every page, filter changes), parquet, {largest:,}"
    out.append(_target(name, serving_rss_mb(report, largest), SERVING_RSS_GOAL_MB, True, " MB"))
    return out + browser_targets(report.get("browser", {}))


def _identical(run: dict[str, Any]) -> bool:
    """The layer's answers equal bare DuckDB's, and pandas' when it ran."""
    return run["identical"]["store_vs_raw"] and run["identical"].get("store_vs_pandas", True)


def browser_targets(browser: dict[str, Any]) -> list[dict[str, Any]]:
    """Target 10: each action's p95 in the browser, the first time its view is shown (the queries run)."""
    out = []
    for key, measured in browser.items():
        label = "sample data" if key == "sample" else f"parquet, {int(key):,}"
        goal = BROWSER_GOALS["sample" if key == "sample" else "largest"]
        for action, stats in measured["actions"].items():
            name = f"10 browser: {action} to last chart drawn, p95, {label}"
            out.append(_target(name, stats["first"]["p95_s"] if "first" in stats else None, goal, True, " s"))
    return out


def browser_table(browser: dict[str, Any]) -> str:
    """Each action on each data set: p50 and p95 the first time and again (query results cached), and the
    share of the first time's median the queries took."""
    percentiles = [(side, p) for side in ("first", "again") for p in ("p50_s", "p95_s")]
    rows = [
        [key, action, s["first"]["n"], *(s[side][p] for side, p in percentiles), s["query_share"]]
        for key, measured in browser.items()
        for action, s in measured["actions"].items()
        if "first" in s and "again" in s
    ]
    header = ["browser data", "action", "samples", "p50 s", "p95 s", "cached p50 s", "cached p95 s", "query share"]
    return _table(header, rows)


def _fmt(value: Any) -> str:
    if isinstance(value, bool):
        return "yes" if value else "NO"
    if isinstance(value, float):
        return f"{value:,.0f}" if abs(value) >= 100 else f"{value:.3g}"
    if isinstance(value, int):
        return f"{value:,}"
    return "—" if value is None else str(value)


def _table(header: list[str], rows: list[list[Any]]) -> str:
    cells = [header, *[[_fmt(v) for v in row] for row in rows]]
    widths = [max(len(row[i]) for row in cells) for i in range(len(header))]
    lines = ["| " + " | ".join(c.ljust(w) for c, w in zip(row, widths, strict=True)) + " |" for row in cells]
    lines.insert(1, "|" + "|".join("-" * (w + 2) for w in widths) + "|")
    return "\n".join(lines)


RUN_COLUMNS: dict[str, Callable[[dict[str, Any]], Any]] = {
    "rows": lambda r: r["size"],
    "format": lambda r: r["format"],
    **{k: FIGURES[k] for k in ("layer build s", "layer open s", "raw load s", "layer queries s", "raw queries s")},
    "layer ÷ raw (≤1.2)": lambda r: r["ratios"]["queries_vs_raw"],
    **{k: FIGURES[k] for k in ("pandas load s", "pandas compute s")},
    "layer same answers s": lambda r: r["store_pandas_set_s"],
    "pandas ÷ layer (≥20)": lambda r: r["ratios"].get("pandas_compute_vs_queries"),
    "load+compute ÷ layer": lambda r: r["ratios"].get("pandas_load_and_compute_vs_load_and_queries"),
    "RSS MB layer / build / raw / pandas": lambda r: " / ".join(
        f"{r[m]['rss_mb']:.0f}" if "rss_mb" in r[m] else "skipped" for m in ("store", "store_build", "raw", "pandas")
    ),
    "identical": _identical,
}


def render(report: dict[str, Any]) -> str:
    """The report as Markdown (printed, and pasted into the README with the machine it ran on)."""
    m = report["machine"]
    lines = [
        f"Machine: {m['cpu']}, {m['nproc']} cores, {m['ram_gib']} GiB RAM; load average "
        f"{m['load_average'][0]:.1f} at start, {m.get('load_average_end', [0])[0]:.1f} at end; Python "
        f"{m['python']}, DuckDB {m['duckdb']}; {report.get('seconds', 0):.0f} s in all.",
        "",
        _table(list(RUN_COLUMNS), [[get(r) for get in RUN_COLUMNS.values()] for r in report["runs"]]),
        "",
    ]
    lat_rows = [
        [int(size), s["combos"], s["cold"]["p50_s"], s["cold"]["p95_s"], s["warm"]["p50_s"], s["warm"]["p95_s"]]
        for size, s in report["latency"].items()
    ]
    header = ["rows (parquet)", "filter sets", "cold p50 s", "cold p95 s", "warm p50 s", "warm p95 s"]
    lines += [_table(header, lat_rows), ""]
    cold = [[name, c["seconds"], c["data_dir"]] for name, c in report["cold_start"].items()]
    lines += [_table(["cold start", "s to Overview", "data"], cold), ""]
    opened = [
        [int(size), o["summary_s"], o["bare_s"], o["ratio"], o["cpu_ratio"], o["identical"]]
        for size, o in report["open"].items()
    ]
    header = ["rows (parquet)", "summary process s", "bare DuckDB process s", "ratio (≤1)", "CPU ratio", "same"]
    lines += [_table(header, opened), ""]
    for fmt, figures in report["growth"].items():
        sizes = sorted({r["size"] for r in report["runs"] if r["format"] == fmt})
        if len(sizes) < 2:
            continue
        steps = [f"{size_label(a)}→{size_label(b)}" for a, b in itertools.pairwise(sizes)]
        rows = [[name, *(g["steps"].get(s) for s in steps), g["overall"]] for name, g in figures.items()]
        lines += [_table([f"growth exponent k (y ~ rows^k), {fmt}", *steps, "overall (fit)"], rows), ""]
    if report.get("browser"):
        lines += [browser_table(report["browser"]), ""]
    small, ing, up = report["small_files"], report["ingest"], report["upload"]
    sec = small["seconds"]
    lines += [
        f"Small files: {small['files']:,} participant files at {small['size']:,} rows: layer queries "
        f"{sec['queries_many_files']:.3g} s vs {sec['queries_one_file']:.3g} s one file "
        f"({small['queries_ratio']:.2f}×), "
        f"load {sec['load_many_files']:.3g} s vs {sec['load_one_file']:.3g} s ({small['load_ratio']:.2f}×); "
        f"identical answers: {_fmt(small['identical'])}.",
        f"Ingest of {ing['rows']:,} participant rows: `python -m innovisits ingest` {ing['ingest_s']:.3g} s "
        f"(stored {ing['stored_rows']:,} rows) vs DuckDB COPY to Parquet {ing['duckdb_copy_s']:.3g} s "
        f"({ing['ratio']:.2f}×; CPU {ing['cpu_s']['ingest']:.3g} s vs {ing['cpu_s']['copy']:.3g} s, "
        f"{ing['cpu_ratio']:.2f}×), both in fresh processes, medians of {ing['rounds']} alternating rounds.",
        f"Upload to visible: {up['rows']:,} delegates into {up['size']:,}: `ingest` {up['ingest_s']:.3g} s, then "
        f"the next process's first query {up['visible_s']:.3g} s (shows the batch: {_fmt(up['shown'])}; the "
        f"version before took {up['build_s']:.3g} s to build; reopened {up['reopen_s']:.3g} s).",
        "",
        *(f"Skipped: {what}." for what in report["skipped"]),
        *(
            [f"Sizes {', '.join(f'{s:,}' for s in report['reused']['sizes'])} reused from {report['reused']['from']}."]
            if report.get("reused")
            else []
        ),
        "",
        _table(
            ["target", "measured", "goal", "reached"],
            [[t["target"], t["value"], t["goal"], t["reached"]] for t in report["targets"]],
        ),
    ]
    return "\n".join(lines)
