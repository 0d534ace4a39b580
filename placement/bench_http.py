"""An HTTP load script for the public search, and the benchmark that uses it.

`placement bench positions` builds a temporary SQLite database with N open positions (the
demo generator, every position opened and every employer approved), starts ONE uvicorn
worker on 127.0.0.1, and sends GET requests over keep-alive connections for each filter of
the search. It is bounded in requests and in time, and it talks to loopback addresses only.

The client is a few lines of asyncio streams (no HTTP library) so that the load generator
costs the 2-core machine as little as possible; the figures it prints are requests per
second and latency percentiles per scenario.

Each scenario is measured twice: as visitors meet it (anonymous, so the app's page cache
answers repeated pages) and with `Cache-Control: no-cache` (every page rendered afresh). With
`--baseline` the same paths are also sent, in the same run and interleaved (per scenario,
four rounds of baseline, cached and no-cache in turn), to
the reference of issue 16: a bare Starlette app with an `async` endpoint, one shared
read-only `sqlite3` connection opened at start-up, a `LIMIT 50` query plus a `count(*)` over
the open positions joined to their employer (for `q` a `LIKE` on the title), rendered by
Jinja2; both servers run one uvicorn worker with httptools and uvloop. The report gives the
ratios and each server's CPU time per request (steadier than requests per second on a busy
shared machine).
"""

from __future__ import annotations

import asyncio
import contextlib
import ipaddress
import json
import os
import socket
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from datetime import timedelta
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from placement import dates

MAX_REQUESTS = 100_000
MAX_SECONDS = 120.0
MAX_CONCURRENCY = 200

SCENARIOS: dict[str, tuple[str, ...]] = {
    "no filter": ("/positions", "/positions?page=2", "/positions?page=3"),
    "q": ("/positions?q=oncology", "/positions?q=hospice", "/positions?q=rehabilitation"),
    "setting": ("/positions?setting=hospital", "/positions?setting=hospice"),
    "modality": (
        "/positions?modality=manual_lymphatic_drainage",
        "/positions?modality=geriatric",
        "/positions?modality=MLD",
    ),
    "zip+radius": (
        "/positions?zip=90012&radius=25",
        "/positions?zip=92602&radius=10",
        "/positions?zip=90401&radius=50&page=2",
    ),
}


# -- the load generator --------------------------------------------------------------------


class NotLoopback(ValueError):
    pass


def check_loopback(host: str) -> None:
    """Refuse anything but this machine: the script must never load someone else's server."""
    if host == "localhost":
        return
    try:
        if ipaddress.ip_address(host).is_loopback:
            return
    except ValueError:
        pass
    raise NotLoopback(f"{host} is not a loopback address; this script only loads 127.0.0.1.")


@dataclass
class LoadResult:
    requests: int = 0
    errors: int = 0
    statuses: dict[int, int] = field(default_factory=dict)
    seconds: float = 0.0
    latencies_ms: list[float] = field(default_factory=list)
    bytes: int = 0

    def add(self, other: LoadResult) -> None:
        """Count `other` in (one of several turns of the same load)."""
        self.requests += other.requests
        self.errors += other.errors
        for status, count in other.statuses.items():
            self.statuses[status] = self.statuses.get(status, 0) + count
        self.seconds += other.seconds
        self.latencies_ms.extend(other.latencies_ms)
        self.bytes += other.bytes

    def summary(self) -> dict[str, Any]:
        ordered = sorted(self.latencies_ms)

        def pct(p: float) -> float:
            if not ordered:
                return 0.0
            return round(ordered[min(len(ordered) - 1, int(p * len(ordered)))], 2)

        return {
            "requests": self.requests,
            "errors": self.errors,
            "statuses": {str(k): v for k, v in sorted(self.statuses.items())},
            "seconds": round(self.seconds, 2),
            "requests_per_second": round(self.requests / self.seconds, 1) if self.seconds else 0,
            "latency_ms": {"p50": pct(0.50), "p90": pct(0.90), "p99": pct(0.99)},
            "mean_body_bytes": round(self.bytes / self.requests) if self.requests else 0,
        }


async def _read_response(reader: asyncio.StreamReader) -> tuple[int, int, bool]:
    """(status, body length, keep-alive) of one HTTP/1.1 response."""
    head = await reader.readuntil(b"\r\n\r\n")
    lines = head.decode("latin-1").split("\r\n")
    status = int(lines[0].split(" ", 2)[1])
    length = 0
    keep_alive = True
    chunked = False
    for line in lines[1:]:
        name, _, value = line.partition(":")
        name = name.strip().lower()
        if name == "content-length":
            length = int(value.strip())
        elif name == "connection" and value.strip().lower() == "close":
            keep_alive = False
        elif name == "transfer-encoding" and "chunked" in value.lower():
            chunked = True
    if chunked:
        total = 0
        while True:
            size = int((await reader.readuntil(b"\r\n")).strip().split(b";")[0], 16)
            await reader.readexactly(size + 2)
            total += size
            if size == 0:
                return status, total, keep_alive
    await reader.readexactly(length)
    return status, length, keep_alive


async def _connection(
    host: str,
    port: int,
    paths: Sequence[str],
    budget: list[int],
    deadline: float,
    result: LoadResult,
    offset: int,
    headers: str = "",
) -> None:
    reader = writer = None
    index = offset
    try:
        while budget[0] > 0 and time.perf_counter() < deadline:
            budget[0] -= 1
            if writer is None:
                reader, writer = await asyncio.open_connection(host, port)
            path = paths[index % len(paths)]
            index += 1
            request = (
                f"GET {path} HTTP/1.1\r\nHost: {host}:{port}\r\n"
                f"User-Agent: placement-bench\r\nAccept: text/html\r\n{headers}\r\n"
            ).encode()
            started = time.perf_counter()
            try:
                writer.write(request)
                await writer.drain()
                assert reader is not None
                status, size, keep_alive = await _read_response(reader)
            except (OSError, asyncio.IncompleteReadError, ValueError):
                result.errors += 1
                writer.close()
                writer = reader = None
                continue
            result.latencies_ms.append((time.perf_counter() - started) * 1000)
            result.requests += 1
            result.bytes += size
            result.statuses[status] = result.statuses.get(status, 0) + 1
            if status >= 400:
                result.errors += 1
            if not keep_alive:
                writer.close()
                writer = reader = None
    finally:
        if writer is not None:
            writer.close()


async def run_load(
    url: str,
    paths: Sequence[str],
    *,
    requests: int = 2000,
    concurrency: int = 20,
    max_seconds: float = 30.0,
    warmup: int = 50,
    headers: dict[str, str] | None = None,
) -> LoadResult:
    """Send `requests` GETs (cycling through `paths`) over `concurrency` connections."""
    parts = urlsplit(url)
    host, port = parts.hostname or "127.0.0.1", parts.port or 80
    check_loopback(host)
    requests = max(1, min(requests, MAX_REQUESTS))
    concurrency = max(1, min(concurrency, MAX_CONCURRENCY))
    max_seconds = max(1.0, min(max_seconds, MAX_SECONDS))
    extra = "".join(
        f"{name}: {value}\r\n"
        for name, value in (headers or {}).items()
        if "\r" not in name + value and "\n" not in name + value
    )
    if warmup:
        await _run(host, port, paths, min(warmup, requests), concurrency, max_seconds, extra)
    return await _run(host, port, paths, requests, concurrency, max_seconds, extra)


async def _run(
    host: str,
    port: int,
    paths: Sequence[str],
    requests: int,
    concurrency: int,
    seconds: float,
    headers: str = "",
) -> LoadResult:
    result = LoadResult()
    budget = [requests]
    started = time.perf_counter()
    deadline = started + seconds
    await asyncio.gather(
        *(
            _connection(host, port, paths, budget, deadline, result, offset, headers)
            for offset in range(concurrency)
        )
    )
    result.seconds = time.perf_counter() - started
    return result


# -- the benchmark: a temporary database and one uvicorn worker ----------------------------


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def prepare_database(path: Path, positions: int, seed: int = 1) -> dict[str, int]:
    """Migrate and seed a SQLite file; then open every position and approve every employer."""
    from sqlalchemy import func, select, update
    from sqlmodel import col

    from placement import migrate
    from placement.config import Settings
    from placement.db import make_engine, unit_of_work
    from placement.models import Employer, Position
    from placement.seed import seed_population

    url = f"sqlite:///{path}"
    engine = make_engine(url)
    try:
        migrate.upgrade(engine)
        settings = Settings(database_url=url, environment="test")
        seed_population(
            engine, settings, graduates=0, positions=positions, seed=seed, progress=False
        )
        with unit_of_work(engine) as db:
            closes = dates.today() + timedelta(days=60)
            db.execute(
                update(Position).values(
                    status="open", closes_on=closes, start_date=closes + timedelta(days=14)
                )
            )
            db.execute(update(Employer).values(status="approved"))
        with unit_of_work(engine, write=False) as db:
            open_positions = db.execute(
                select(func.count()).select_from(Position).where(col(Position.status) == "open")
            ).scalar_one()
            employers = db.execute(select(func.count()).select_from(Employer)).scalar_one()
    finally:
        engine.dispose()
    import sqlite3

    connection = sqlite3.connect(path)
    try:
        connection.execute("ANALYZE")
        connection.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    finally:
        connection.close()
    return {"open_positions": int(open_positions), "employers": int(employers)}


@dataclass(frozen=True)
class Worker:
    url: str
    pid: int

    def cpu_seconds(self) -> float | None:
        """CPU time the worker used so far (Linux /proc), None where unavailable."""
        try:
            fields = Path(f"/proc/{self.pid}/stat").read_text().rsplit(")", 1)[1].split()
        except (OSError, IndexError):
            return None
        return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def _server_stack() -> str:
    """What uvicorn's `auto` settings choose here: uvloop and httptools when installed."""
    import importlib.util

    loop = "uvloop" if importlib.util.find_spec("uvloop") else "asyncio"
    http = "httptools" if importlib.util.find_spec("httptools") else "h11"
    return f"{loop}, {http}"


@contextlib.contextmanager
def uvicorn_worker(app: str, env: dict[str, str], *, factory: bool = True) -> Iterator[Worker]:
    """One uvicorn worker on 127.0.0.1 in a child process."""
    port = _free_port()
    command = [
        sys.executable,
        "-m",
        "uvicorn",
        app,
        "--host",
        "127.0.0.1",
        "--port",
        str(port),
        "--workers",
        "1",
        "--http",
        "httptools",
        "--loop",
        "uvloop",
        "--log-level",
        "warning",
        "--no-access-log",
    ]
    if factory:
        command.append("--factory")
    process = subprocess.Popen(command, env={**os.environ, **env})
    url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 90
        while True:
            if process.poll() is not None:
                raise RuntimeError(f"uvicorn exited with {process.returncode}")
            try:
                with socket.create_connection(("127.0.0.1", port), timeout=0.5):
                    break
            except OSError:
                if time.monotonic() > deadline:
                    raise RuntimeError("uvicorn did not start within 90 s") from None
                time.sleep(0.1)
        yield Worker(url=url, pid=process.pid)
    finally:
        process.terminate()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait(timeout=10)


NO_CACHE = {"Cache-Control": "no-cache"}


def run_benchmark(
    *,
    positions: int = 2000,
    requests: int = 2000,
    concurrency: int = 20,
    max_seconds: float = 30.0,
    scenarios: Sequence[str] | None = None,
    baseline: bool = False,
    seed: int = 1,
) -> dict[str, Any]:
    """Each scenario against the app as a visitor meets it (the anonymous page cache), then
    with `Cache-Control: no-cache` (rendered afresh); with `baseline`, the same paths
    against the bare page of `baseline_app`, in the same run, and the ratios."""
    chosen = list(scenarios or SCENARIOS)
    unknown = [name for name in chosen if name not in SCENARIOS]
    if unknown:
        raise ValueError(f"unknown scenario {unknown[0]!r}; choose from {', '.join(SCENARIOS)}")
    report: dict[str, Any] = {
        "workers": 1,
        "concurrency": concurrency,
        "cpus": os.cpu_count(),
        "server": f"uvicorn ({_server_stack()}), one worker each, access log off",
    }
    with tempfile.TemporaryDirectory(prefix="placement-bench-") as folder:
        path = Path(folder) / "bench.db"
        started = time.perf_counter()
        report["database"] = prepare_database(path, positions, seed)
        report["seed_seconds"] = round(time.perf_counter() - started, 2)
        env = {
            "DATABASE_URL": f"sqlite:///{path}",
            "PLACEMENT_ENV": "development",
            "SECRET_KEY": "bench-" + "k" * 40,
            "PLACEMENT_BENCH_DB": str(path),
        }
        results: dict[str, Any] = {}
        with contextlib.ExitStack() as stack:
            app = stack.enter_context(uvicorn_worker("placement.app:create_app", env))
            bare = None
            if baseline:
                bare = stack.enter_context(uvicorn_worker("placement.bench_http:baseline_app", env))
            # Interleaved: per scenario, ROUNDS rounds of baseline, cached and no-cache, so
            # a change in the machine's speed (a shared host) touches all three alike.
            for name in chosen:
                paths = SCENARIOS[name]
                targets: dict[str, tuple[Worker, dict[str, str] | None]] = {}
                if bare is not None:
                    targets["baseline"] = (bare, None)
                targets["cached"] = (app, None)
                targets["no_cache"] = (app, NO_CACHE)
                entry: dict[str, Any] = _measure_rounds(
                    targets, paths, requests, concurrency, max_seconds
                )
                if bare is not None:
                    entry.update(_ratios(entry))
                results[name] = entry
        report["scenarios"] = results
        report["summary"] = _summary(results)
    return report


def _ratios(entry: dict[str, Any]) -> dict[str, float | None]:
    """Requests per second against the baseline's, and the same from server CPU time per
    request (what one core could serve: steadier when other work shares the machine)."""
    base = entry["baseline"]
    out: dict[str, float | None] = {}
    for name in ("cached", "no_cache"):
        ours = entry[name]
        out[f"ratio_{name}"] = round(
            ours["requests_per_second"] / (base["requests_per_second"] or 1), 2
        )
        base_cpu, our_cpu = (
            base.get("server_cpu_ms_per_request"),
            ours.get("server_cpu_ms_per_request"),
        )
        out[f"cpu_ratio_{name}"] = round(base_cpu / our_cpu, 2) if base_cpu and our_cpu else None
    return out


def _summary(results: dict[str, Any]) -> list[str]:
    """One line per scenario: requests per second and server CPU per request."""

    def part(label: str, figures: dict[str, Any] | None) -> str:
        if not figures:
            return ""
        cpu = figures.get("server_cpu_ms_per_request")
        return f"{label} {figures['requests_per_second']:>7} req/s ({cpu} ms CPU)  "

    lines = []
    for name, entry in results.items():
        ratios = ""
        if "ratio_cached" in entry:
            ratios = (
                f"ratio {entry['ratio_cached']}x / {entry['ratio_no_cache']}x no-cache; "
                f"by CPU {entry['cpu_ratio_cached']}x / {entry['cpu_ratio_no_cache']}x"
            )
        lines.append(
            f"{name:<11} "
            + part("baseline", entry.get("baseline"))
            + part("cached", entry.get("cached"))
            + part("no-cache", entry.get("no_cache"))
            + ratios
        )
    return lines


ROUNDS = 4


def _measure_rounds(
    targets: dict[str, tuple[Worker, dict[str, str] | None]],
    paths: Sequence[str],
    requests: int,
    concurrency: int,
    max_seconds: float,
) -> dict[str, Any]:
    """Each target warmed up, then loaded in ROUNDS turns of `requests / ROUNDS` each, in
    turn with the others; also each worker's own CPU time per request, which a busy shared
    machine disturbs far less than requests per second."""
    for worker, headers in targets.values():
        asyncio.run(
            run_load(
                worker.url, paths, requests=50, concurrency=concurrency, warmup=0, headers=headers
            )
        )
    totals = {name: LoadResult() for name in targets}
    cpu: dict[str, float | None] = dict.fromkeys(targets, 0.0)  # None where unreadable
    share = max(1, requests // ROUNDS)
    for _ in range(ROUNDS):
        for name, (worker, headers) in targets.items():
            before = worker.cpu_seconds()
            load = asyncio.run(
                run_load(
                    worker.url,
                    paths,
                    requests=share,
                    concurrency=concurrency,
                    max_seconds=max_seconds / ROUNDS,
                    warmup=0,
                    headers=headers,
                )
            )
            after = worker.cpu_seconds()
            totals[name].add(load)
            spent = cpu[name]
            if before is None or after is None or spent is None:
                cpu[name] = None
            else:
                cpu[name] = spent + after - before
    entry: dict[str, Any] = {}
    for name, total in totals.items():
        summary = total.summary()
        spent = cpu[name]
        if spent is not None and total.requests:
            cpu_ms = spent * 1000 / total.requests
            summary["server_cpu_ms_per_request"] = round(cpu_ms, 3)
            summary["one_core_requests_per_second"] = round(1000 / cpu_ms, 1) if cpu_ms else None
        entry[name] = summary
    return entry


BASELINE_PAGE = (
    "<!doctype html><html lang=en><head><meta charset=utf-8><title>Positions</title></head>"
    "<body><h1>Positions</h1><p>{{ total }} open positions</p>{% for r in rows %}"
    "<article><h3><a href='/positions/{{ r[0] }}'>{{ r[1] }}</a></h3>"
    "<p>{{ r[2] }} · {{ r[3] }} · ${{ r[4] }}–${{ r[5] }} · {{ r[6] }}</p></article>"
    "{% endfor %}</body></html>"
)


def baseline_app() -> Any:
    """The reference the issue defines, exactly: a bare Starlette app with an `async`
    endpoint; one shared read-only `sqlite3` connection opened at start-up; a `LIMIT 50`
    query plus a `count(*)` over the open positions joined to their employer (for `q`, a
    `LIKE` on the title; the other filters are not applied), rendered by Jinja2."""
    import sqlite3

    import jinja2
    from starlette.applications import Starlette
    from starlette.requests import Request
    from starlette.responses import HTMLResponse
    from starlette.routing import Route

    path = Path(os.environ["PLACEMENT_BENCH_DB"]).resolve()
    connection = sqlite3.connect(f"{path.as_uri()}?mode=ro", uri=True, check_same_thread=False)
    template = jinja2.Environment(autoescape=True).from_string(BASELINE_PAGE)
    base = "FROM position p JOIN employer e ON e.id = p.employer_id WHERE p.status = 'open'"
    columns = "p.id, p.title, e.name, p.setting, p.pay_min, p.pay_max, p.zip"

    async def page(request: Request) -> HTMLResponse:
        q = request.query_params.get("q", "")
        where, params = (base + " AND p.title LIKE ?", (f"%{q}%",)) if q else (base, ())
        rows = connection.execute(
            f"SELECT {columns} {where} ORDER BY p.id DESC LIMIT 50", params
        ).fetchall()
        total = connection.execute(f"SELECT count(*) {where}", params).fetchone()[0]
        return HTMLResponse(template.render(rows=rows, total=total))

    return Starlette(routes=[Route("/", page), Route("/positions", page)])


def main(argv: Sequence[str] | None = None) -> int:
    """`python -m placement.bench_http URL PATH...`: load a running server on loopback."""
    import argparse

    parser = argparse.ArgumentParser(description="Load a local server (loopback only).")
    parser.add_argument("url", help="e.g. http://127.0.0.1:8000")
    parser.add_argument("paths", nargs="+", help="paths to cycle through, e.g. /positions")
    parser.add_argument("--requests", type=int, default=2000)
    parser.add_argument("--concurrency", type=int, default=20)
    parser.add_argument("--max-seconds", type=float, default=30.0)
    args = parser.parse_args(argv)
    try:
        result = asyncio.run(
            run_load(
                args.url,
                args.paths,
                requests=args.requests,
                concurrency=args.concurrency,
                max_seconds=args.max_seconds,
            )
        )
    except NotLoopback as error:
        print(error, file=sys.stderr)
        return 2
    print(json.dumps(result.summary(), indent=2))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
