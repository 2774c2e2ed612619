"""The programme's pages with a large portfolio (issue 17 "lists that scale"), cached and uncached.

On the database DATABASE_URL names (a throw-away database on that server; a temporary SQLite file when
it is empty): the demo is loaded through its front door (``load_demo``), then BENCH_PORTFOLIO extra
trajectories (default 1,000; the issue also asks for 20,000) are created through the project's own
services: a company with its trajectory (``create_company``), moved along the main line to one of four
phases by ``transition`` (gates the bare records do not meet passed by a recorded exception), and a
project for every other one (``create_project``).

For the dashboard (``/programma/``), the board (``/trajecten/``) and the trajectory API
(``/api/v1/trajectories/``), as the programme team: p95 of 20 requests with the derived-figure cache
as it runs in production (warm), and with no cache at all (Django's DummyCache, so every figure and
fragment is derived anew; 5 requests from 1,000 extra trajectories on, where each takes seconds). Baseline: the same page uncached on the demo alone, measured in this run.
Goal (issue 17): uncached p95 < 100 ms with 1,000 extra trajectories, < 300 ms with 20,000.
"""

import os
import statistics
import sys
import time

from _django import p95, page_timings, setup_django, teardown_django

EXTRA = int(os.environ.get("BENCH_PORTFOLIO", "1000"))
REQUESTS = 20
UNCACHED_REQUESTS = 5 if EXTRA >= 1_000 else REQUESTS  # a request derives everything anew: seconds each at this size
PAGES = ("/programma/", "/trajecten/", "/api/v1/trajectories/")
GOAL_S = 0.100 if EXTRA <= 1_000 else 0.300


def build_portfolio(n: int) -> float:
    """``n`` trajectories through the services; returns the seconds it took."""
    from maatwerk.engine import workflow
    from maatwerk.finance.services import create_project
    from maatwerk.trajectories import services

    phases = (workflow.EXPLORATION, workflow.EOP_SIGNED, workflow.JLOI_SIGNED, workflow.BINDING_AGREEMENT)
    start = time.perf_counter()
    for i in range(n):
        t = services.create_company(name=f"Benchmarkbedrijf {i:05d}", sector="industry")
        target = phases[i % len(phases)]
        source = None
        for to in workflow.MAIN_LINE[1 : workflow.MAIN_LINE.index(target) + 1]:
            exceptions = None
            if services.failing_conditions(t, to):
                source = source or services.add_document(t, "other", "Openbaar dossier (benchmark)", "public", published=True)
                exceptions = services.GateExceptions("Benchmark: de poortvoorwaarden worden niet nagebootst.", source)
            services.transition(t, to, dt_day(i), source="benchmark", exceptions=exceptions)
            t.refresh_from_db()
        if i % 2 == 0:
            create_project(t, name=f"Project {i:05d}", techniques=["electrification"])
        if (i + 1) % 500 == 0:
            print(f"  {i + 1} of {n} trajectories built ({time.perf_counter() - start:.0f} s)")
            sys.stdout.flush()
    return time.perf_counter() - start


def dt_day(i: int):
    import datetime as dt

    return dt.date(2024, 1, 1) + dt.timedelta(days=i % 600)


def measure(client) -> dict[str, tuple[float, float]]:
    """Per page: (p95 with the cache warm, p95 without any cache)."""
    from django.test import override_settings

    out = {}
    for url in PAGES:
        cached = p95(page_timings(client, url, REQUESTS))
        with override_settings(CACHES={"default": {"BACKEND": "django.core.cache.backends.dummy.DummyCache"}}):
            uncached = p95(page_timings(client, url, UNCACHED_REQUESTS))
        out[url] = (cached, uncached)
    return out


def main() -> int:
    database = setup_django(use_database_url=True)
    try:
        from django.contrib.auth import get_user_model
        from django.core.management import call_command
        from django.test import Client

        from maatwerk.accounts.models import Membership, Role

        with open(os.devnull, "w") as quiet:
            call_command("load_demo", stdout=quiet)

        user = get_user_model().objects.create_user("bench-programma", password="bench-wachtwoord-2026")
        Membership.objects.create(user=user, role=Role.PROGRAMME)
        client = Client()
        client.force_login(user)
        print(f"database: {database}; {REQUESTS} requests per page cached, {UNCACHED_REQUESTS} uncached (p95 of 5 is their maximum)")
        demo = measure(client)
        built = build_portfolio(EXTRA)
        print(f"built {EXTRA} extra trajectories through the services in {built:.0f} s")
        large = measure(client)
        for url in PAGES:
            base_cached, base_uncached = demo[url]
            cached, uncached = large[url]
            print(f"{url}  with {EXTRA} extra trajectories")
            print(f"  baseline  demo only, uncached p95: {base_uncached * 1000:.1f} ms (cached {base_cached * 1000:.1f} ms)")
            print(f"  result    +{EXTRA}, cached p95: {cached * 1000:.1f} ms; uncached p95: {uncached * 1000:.1f} ms")
            print(f"  ratio     uncached +{EXTRA} / uncached demo: {uncached / base_uncached:.1f}; uncached / cached: {uncached / cached:.1f}   "
                  f"goal: uncached p95 < {GOAL_S * 1000:.0f} ms   {'MET' if uncached < GOAL_S else 'NOT MET'}")
            sys.stdout.flush()
        print(f"(median of the uncached runs: {statistics.median(u for _, u in large.values()) * 1000:.1f} ms)")
    finally:
        teardown_django()
    return 0


if __name__ == "__main__":
    sys.exit(main())
