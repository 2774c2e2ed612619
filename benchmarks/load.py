"""Load test on loopback: gunicorn + PostgreSQL, N concurrent users on the dashboard, the board and the
API for a fixed time; prints errors and p50/p95/p99 (goal: 0 errors, p95 < 200 ms).

    python benchmarks/load.py [--users 50] [--seconds 60] [--url http://127.0.0.1:8765]

Without --url it creates the PostgreSQL database `maatwerk_load` (127.0.0.1:5432, user postgres),
migrates it, loads the demo and starts gunicorn itself; requests go to 127.0.0.1 only.
"""

from __future__ import annotations

import argparse
import http.cookiejar
import os
import re
import statistics
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
BIN = Path(sys.executable).parent
PATHS = ["/programma/", "/trajecten/", "/api/v1/trajectories/", "/api/v1/projects/", "/"]


def login(base: str, username: str, password: str) -> urllib.request.OpenerDirector:
    jar = http.cookiejar.CookieJar()
    opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(jar))
    page = opener.open(f"{base}/inloggen/", timeout=10).read().decode()
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page).group(1)
    data = urllib.parse.urlencode({"username": username, "password": password, "csrfmiddlewaretoken": token}).encode()
    request = urllib.request.Request(f"{base}/inloggen/", data=data, headers={"Referer": f"{base}/inloggen/"})
    opener.open(request, timeout=10)
    if not any(c.name == "sessionid" for c in jar):
        raise SystemExit("login failed: are the demo users loaded?")
    return opener


def run(base: str, users: int, seconds: float, username: str = "programma", password: str = "demo-maatwerk-2026") -> dict:
    openers = [login(base, username, password) for _ in range(users)]
    latencies: list[float] = []
    errors: list[str] = []
    lock = threading.Lock()
    deadline = time.monotonic() + seconds

    def user(k: int) -> None:
        i = k
        while time.monotonic() < deadline:
            path = PATHS[i % len(PATHS)]
            i += 1
            start = time.perf_counter()
            try:
                with openers[k].open(base + path, timeout=30) as response:
                    response.read()
                    ok = response.status == 200
            except (urllib.error.URLError, OSError) as exc:
                ok = False
                with lock:
                    errors.append(f"{path}: {exc}")
            elapsed = time.perf_counter() - start
            with lock:
                latencies.append(elapsed)
                if not ok and len(errors) < 1000:
                    errors.append(path)

    threads = [threading.Thread(target=user, args=(k,)) for k in range(users)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    q = statistics.quantiles(latencies, n=100) if len(latencies) >= 2 else [latencies[0]] * 99
    return {"requests": len(latencies), "errors": len(errors), "p50_ms": q[49] * 1000, "p95_ms": q[94] * 1000, "p99_ms": q[98] * 1000, "first_errors": errors[:5]}


def start_server(port: int) -> subprocess.Popen:
    env = {**os.environ, "DATABASE_URL": "postgres://postgres@127.0.0.1:5432/maatwerk_load", "DEBUG": "0", "MAATWERK_VAR_DIR": str(REPO / "var" / "load"),
           "MAATWERK_CACHE_URL": os.environ.get("MAATWERK_CACHE_URL", "redis://127.0.0.1:6379/7")}
    subprocess.run(["psql", "-h", "127.0.0.1", "-U", "postgres", "-tc", "SELECT 1"], check=True, capture_output=True)
    exists = subprocess.run(["psql", "-h", "127.0.0.1", "-U", "postgres", "-tAc", "SELECT 1 FROM pg_database WHERE datname='maatwerk_load'"], capture_output=True, text=True)
    if exists.stdout.strip() != "1":
        subprocess.run(["createdb", "-h", "127.0.0.1", "-U", "postgres", "maatwerk_load"], check=True)
    subprocess.run([BIN / "maatwerk", "migrate", "--noinput", "-v0"], env=env, check=True)
    subprocess.run([BIN / "maatwerk", "load_demo"], env=env, check=True, stdout=subprocess.DEVNULL)
    subprocess.run([BIN / "maatwerk", "collectstatic", "--noinput", "-v0"], env=env, check=True)
    server = subprocess.Popen(
        [BIN / "gunicorn", "maatwerk.config.wsgi", "--bind", f"127.0.0.1:{port}", "--workers", "3", "--threads", "8", "--log-level", "warning"],
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


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--users", type=int, default=50)
    parser.add_argument("--seconds", type=float, default=60)
    parser.add_argument("--url", default=None)
    parser.add_argument("--port", type=int, default=8765)
    args = parser.parse_args()
    server = None if args.url else start_server(args.port)
    base = args.url or f"http://127.0.0.1:{args.port}"
    if not urllib.parse.urlparse(base).hostname in ("127.0.0.1", "localhost", "::1"):
        raise SystemExit("load tests go to loopback only")
    try:
        r = run(base, args.users, args.seconds)
    finally:
        if server:
            server.terminate()
            server.wait(10)
    print(f"Load: {args.users} users for {args.seconds:.0f} s on {', '.join(PATHS)}")
    print(f"  requests  {r['requests']}   errors {r['errors']}")
    print(f"  latency   p50 {r['p50_ms']:.0f} ms   p95 {r['p95_ms']:.0f} ms   p99 {r['p99_ms']:.0f} ms")
    print(f"  goal      0 errors and p95 < 200 ms   {'MET' if r['errors'] == 0 and r['p95_ms'] < 200 else 'NOT MET'}")
    for e in r["first_errors"]:
        print(f"  error     {e}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
