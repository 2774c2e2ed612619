"""Load test on loopback: gunicorn + PostgreSQL + Redis, N concurrent logged-in users on the dashboard,
the board and the API for a fixed time; prints errors and p50/p95/p99 (goal: 0 errors, p95 < 200 ms).

    python benchmarks/load.py [--users 50] [--seconds 60] [--think 1.0] [--write-every 0] [--saturation 10] [--url URL]

Each user is a browser-like client: one kept-alive connection, a session cookie, and between two
requests a think time drawn uniformly from 0.5-1.5 x ``--think`` seconds (``--think 0`` sends the next
request the moment the previous answer is in). With ``--write-every S`` one more user of the
programme team edits a project every S seconds through the API meanwhile, so that the cached figures
keep going out of date (a harder test than the read-only load the goal is set for). The goal is
judged on this run. ``--saturation S`` adds a
second run of S seconds with the same users and no think time at all: the server's capacity on this
machine, printed for information (it measures how long 50 requests queue behind each other, not how
users experience the system).

Without --url it creates the PostgreSQL database `maatwerk_load` (127.0.0.1:5432, user postgres),
migrates it, loads the demo and starts gunicorn itself, with the shared cache in Redis
(`MAATWERK_CACHE_URL`, default redis://127.0.0.1:6379/7); requests go to loopback only.
"""

from __future__ import annotations

import argparse
import http.client
import json
import os
import random
import re
import statistics
import subprocess
import sys
import threading
import time
import urllib.parse
import urllib.request
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
BIN = Path(sys.executable).parent
PATHS = ["/programma/", "/trajecten/", "/api/v1/trajectories/", "/api/v1/projects/", "/"]


class Client:
    """One user: a kept-alive HTTP connection and the session cookie of a login."""

    def __init__(self, base: str):
        url = urllib.parse.urlparse(base)
        self.host, self.port = url.hostname, url.port or 80
        self.cookies: dict[str, str] = {}
        self.connection: http.client.HTTPConnection | None = None

    def request(self, method: str, path: str, body: bytes | None = None, headers: dict | None = None, timeout: float = 30):
        headers = dict(headers or {})
        if self.cookies:
            headers["Cookie"] = "; ".join(f"{k}={v}" for k, v in self.cookies.items())
        for attempt in (1, 2):  # a kept-alive connection the server closed meanwhile is reopened once
            if self.connection is None:
                self.connection = http.client.HTTPConnection(self.host, self.port, timeout=timeout)
            try:
                self.connection.request(method, path, body=body, headers=headers)
                response = self.connection.getresponse()
                content = response.read()
            except (http.client.RemoteDisconnected, ConnectionResetError, BrokenPipeError):
                self.close()
                if attempt == 2:
                    raise
                continue
            for header in response.headers.get_all("Set-Cookie") or []:
                name, _, rest = header.partition("=")
                self.cookies[name.strip()] = rest.split(";", 1)[0]
            if response.getheader("Connection", "").lower() == "close":
                self.close()
            return response.status, content
        raise AssertionError("unreachable")

    def close(self) -> None:
        if self.connection is not None:
            self.connection.close()
            self.connection = None

    def login(self, username: str, password: str) -> None:
        status, page = self.request("GET", "/inloggen/")
        token = re.search(rb'name="csrfmiddlewaretoken" value="([^"]+)"', page).group(1).decode()
        form = urllib.parse.urlencode({"username": username, "password": password, "csrfmiddlewaretoken": token}).encode()
        referer = f"http://{self.host}:{self.port}/inloggen/"
        self.request("POST", "/inloggen/", form, {"Content-Type": "application/x-www-form-urlencoded", "Referer": referer})
        if "sessionid" not in self.cookies:
            raise SystemExit("login failed: are the demo users loaded?")


def quantiles(values: list[float]) -> dict:
    if not values:
        return {"p50_ms": float("nan"), "p95_ms": float("nan"), "p99_ms": float("nan")}
    q = statistics.quantiles(values, n=100, method="inclusive") if len(values) >= 2 else values * 99
    return {"p50_ms": q[49] * 1000, "p95_ms": q[94] * 1000, "p99_ms": q[98] * 1000}


def run(
    base: str,
    users: int,
    seconds: float,
    think: float = 0.0,
    username: str = "programma",
    password: str = "demo-maatwerk-2026",
    clients: list[Client] | None = None,
    seed: int = 0,
    write_every: float = 0.0,
) -> dict:
    """``users`` users, each requesting PATHS in turn with ``think`` seconds (mean) between requests;
    with ``write_every``, one more user edits a project that often."""
    if clients is None:
        clients = []
        for _ in range(users):
            client = Client(base)
            client.login(username, password)
            clients.append(client)
    latencies: dict[str, list[float]] = {p: [] for p in PATHS}
    errors: list[str] = []
    lock = threading.Lock()
    started = time.monotonic()
    deadline = started + seconds

    def user(k: int) -> None:
        rng = random.Random(seed * 1000 + k)
        if think:
            time.sleep(rng.uniform(0, think))  # users arrive spread over the first think time
        i = k
        while time.monotonic() < deadline:
            path = PATHS[i % len(PATHS)]
            i += 1
            start = time.perf_counter()
            try:
                status, _ = clients[k].request("GET", path)
                problem = None if status == 200 else f"{path}: HTTP {status}"
            except (OSError, http.client.HTTPException) as exc:
                clients[k].close()
                problem = f"{path}: {type(exc).__name__}: {exc}"
            elapsed = time.perf_counter() - start
            with lock:
                latencies[path].append(elapsed)
                if problem and len(errors) < 1000:
                    errors.append(problem)
            if think:
                time.sleep(rng.uniform(0.5 * think, 1.5 * think))

    writes = {"ok": 0, "failed": []}

    def writer() -> None:
        """The programme team edits a project every ``write_every`` seconds (the PATCH API, with its
        version): every edit makes the cached figures outdated, so the readers meet recomputations."""
        client = Client(base)
        client.login(username, password)
        step = 1.0
        while time.monotonic() + write_every < deadline:
            time.sleep(write_every)
            try:
                _, body = client.request("GET", "/api/v1/projects/")
                project = json.loads(body)[0]
                change = {"version": project["version"], "description": f"Omschrijving, versie {step:.0f}"}  # figures live in the register
                headers = {"Content-Type": "application/json", "X-CSRFToken": client.cookies.get("csrftoken", "")}
                status, answer = client.request("PATCH", f"/api/v1/projects/{project['id']}", json.dumps(change).encode(), headers)
                if status == 200:
                    writes["ok"] += 1
                    step = -step  # back and forth: the data ends as it began
                else:
                    writes["failed"].append(f"PATCH: HTTP {status} {answer[:200]!r}")
            except (OSError, http.client.HTTPException, ValueError, KeyError, IndexError) as exc:
                client.close()
                writes["failed"].append(f"PATCH: {type(exc).__name__}: {exc}")

    threads = [threading.Thread(target=user, args=(k,)) for k in range(users)]
    if write_every:
        threads.append(threading.Thread(target=writer))
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    duration = time.monotonic() - started
    every = [x for values in latencies.values() for x in values]
    return {
        "requests": len(every),
        "errors": len(errors),
        "per_second": len(every) / duration,
        **quantiles(every),
        "paths": {p: {"requests": len(v), **quantiles(v)} for p, v in latencies.items()},
        "first_errors": errors[:5],
        "writes": writes["ok"],
        "failed_writes": writes["failed"],
        "clients": clients,
    }


def start_server(port: int, workers: int, threads: int) -> subprocess.Popen:
    env = {
        **os.environ,
        "DATABASE_URL": "postgres://postgres@127.0.0.1:5432/maatwerk_load",
        "DEBUG": "0",
        "MAATWERK_VAR_DIR": str(REPO / "var" / "load"),
        "MAATWERK_CACHE_URL": os.environ.get("MAATWERK_CACHE_URL", "redis://127.0.0.1:6379/7"),
    }
    subprocess.run(["psql", "-h", "127.0.0.1", "-U", "postgres", "-tc", "SELECT 1"], check=True, capture_output=True)
    exists = subprocess.run(
        ["psql", "-h", "127.0.0.1", "-U", "postgres", "-tAc", "SELECT 1 FROM pg_database WHERE datname='maatwerk_load'"],
        capture_output=True,
        text=True,
    )
    if exists.stdout.strip() != "1":
        subprocess.run(["createdb", "-h", "127.0.0.1", "-U", "postgres", "maatwerk_load"], check=True)
    subprocess.run([BIN / "maatwerk", "migrate", "--noinput", "-v0"], env=env, check=True)
    subprocess.run([BIN / "maatwerk", "load_demo"], env=env, check=True, stdout=subprocess.DEVNULL)
    subprocess.run([BIN / "maatwerk", "collectstatic", "--noinput", "-v0"], env=env, check=True)
    server = subprocess.Popen(
        [BIN / "gunicorn", "maatwerk.config.wsgi", "--bind", f"127.0.0.1:{port}", "--worker-class", "gthread",
         "--workers", str(workers), "--threads", str(threads), "--keep-alive", "5", "--log-level", "warning"],
        env=env,
    )
    for _ in range(100):
        try:
            urllib.request.urlopen(f"http://127.0.0.1:{port}/", timeout=1)
            return server
        except OSError:
            time.sleep(0.2)
    server.terminate()
    raise SystemExit("gunicorn did not start")


def report(title: str, r: dict, goal: bool) -> None:
    print(title)
    print(f"  requests  {r['requests']} ({r['per_second']:.0f} per second)   errors {r['errors']}")
    if r["writes"] or r["failed_writes"]:
        print(f"  edits     {r['writes']} project edits made meanwhile (each one outdates the cached figures), {len(r['failed_writes'])} failed")
    print(f"  latency   p50 {r['p50_ms']:.0f} ms   p95 {r['p95_ms']:.0f} ms   p99 {r['p99_ms']:.0f} ms")
    for path, p in r["paths"].items():
        print(f"    {path:<24} {p['requests']:>6} requests   p50 {p['p50_ms']:>5.0f}   p95 {p['p95_ms']:>5.0f}   p99 {p['p99_ms']:>5.0f} ms")
    if goal:
        met = r["errors"] == 0 and not r["failed_writes"] and r["p95_ms"] < 200
        print(f"  goal      0 errors and p95 < 200 ms: {'MET' if met else 'NOT MET'}")
        slow = [path for path, p in r["paths"].items() if p["p95_ms"] >= 200]
        print(f"  per page  p95 of 200 ms or more: {', '.join(slow) if slow else 'none'}")
    for e in r["first_errors"] + r["failed_writes"][:5]:
        print(f"  error     {e}")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--users", type=int, default=50)
    parser.add_argument("--seconds", type=float, default=60)
    parser.add_argument("--think", type=float, default=1.0, help="mean seconds between a user's requests (0: none)")
    parser.add_argument("--write-every", type=float, default=0.0, help="seconds between two project edits during the run (0: none, the default)")
    parser.add_argument("--saturation", type=float, default=10, help="seconds of an extra run without think time (0: skip)")
    parser.add_argument("--url", default=None)
    parser.add_argument("--port", type=int, default=8765)
    parser.add_argument("--workers", type=int, default=(os.cpu_count() or 1) * 2 + 1)
    parser.add_argument("--threads", type=int, default=4)
    args = parser.parse_args()
    if args.users < 1 or args.seconds <= 0 or args.think < 0 or args.saturation < 0 or args.write_every < 0:
        parser.error("--users must be at least 1, --seconds positive, --think, --write-every and --saturation not negative")
    base = args.url or f"http://127.0.0.1:{args.port}"
    if urllib.parse.urlparse(base).hostname not in ("127.0.0.1", "localhost", "::1"):
        raise SystemExit("load tests go to loopback only")
    server = None if args.url else start_server(args.port, args.workers, args.threads)
    try:
        warm = Client(base)  # every page once: fills the caches, as the first visitors would
        warm.login("programma", "demo-maatwerk-2026")
        for path in PATHS:
            warm.request("GET", path)
        warm.close()
        result = run(base, args.users, args.seconds, think=args.think, write_every=args.write_every)
        saturation = run(base, args.users, args.saturation, clients=result["clients"]) if args.saturation else None
    finally:
        if server:
            server.terminate()
            server.wait(10)
    where = args.url or f"gunicorn (gthread, {args.workers} workers x {args.threads} threads), PostgreSQL, Redis"
    print(f"Load test on loopback, {os.cpu_count()} CPU cores shared by server and clients; server: {where}")
    print(f"Paths in turn: {', '.join(PATHS)} (after one warm-up request for each)")
    edits = f", a project edited every {args.write_every:g} s" if args.write_every else ""
    report(f"{args.users} users for {args.seconds:.0f} s, think time {args.think:g} s on average (0.5-1.5x) between requests{edits}", result, goal=True)
    if saturation:
        report(f"Capacity: the same {args.users} users for {args.saturation:.0f} s without any think time (for information)", saturation, goal=False)
    return 0


if __name__ == "__main__":
    sys.exit(main())
