"""Set up Django on a throw-away database for a benchmark run."""

import os
import sys
import tempfile
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
SHARED = Path(os.environ.get("MAATWERK_SHARED_DIR", REPO.parent / "shared"))
EUTL_DIR = SHARED / "data" / "eutl"


def setup_django(use_database_url: bool = False) -> str:
    """Django on a fresh, migrated database; returns a description of it.

    By default a temporary SQLite file. With ``use_database_url`` and a ``DATABASE_URL`` that names a
    server database (PostgreSQL), a throw-away database ``<name>_bench`` on that server, created the way
    the test runner creates its test database; :func:`teardown_django` drops it again.
    """
    workdir = Path(tempfile.mkdtemp(prefix="maatwerk-bench-"))
    url = os.environ.get("DATABASE_URL", "")
    server = use_database_url and url and not url.startswith("sqlite")
    if not server:
        os.environ["DATABASE_URL"] = f"sqlite:///{workdir / 'bench.sqlite3'}"
    os.environ["MAATWERK_VAR_DIR"] = str(workdir)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "maatwerk.config.settings")
    import django
    from django.core.management import call_command
    from django.db import connection

    django.setup()
    if server:
        connection.settings_dict.setdefault("TEST", {})["NAME"] = f"{connection.settings_dict['NAME']}_bench"
        connection.creation.create_test_db(verbosity=0, autoclobber=True, serialize=False)
        return f"{connection.vendor} {connection.pg_version // 10000 if connection.vendor == 'postgresql' else ''} (throw-away database {connection.settings_dict['NAME']} on {connection.settings_dict['HOST'] or 'localhost'})"
    call_command("migrate", verbosity=0)
    return f"SQLite {connection.Database.sqlite_version} (temporary file)"


def teardown_django() -> None:
    """Drop the throw-away server database made by :func:`setup_django` (a temporary SQLite file stays in /tmp)."""
    from django.db import connection

    if connection.vendor != "sqlite":
        old_name = connection.settings_dict["NAME"].removesuffix("_bench")
        connection.creation.destroy_test_db(old_name, verbosity=0)


def report(claim: str, baseline_label: str, baseline: float, result_label: str, result: float, ratio: float, goal: str, met: bool):
    print(f"{claim}")
    print(f"  baseline  {baseline_label}: {baseline:.4f} s")
    print(f"  result    {result_label}: {result:.4f} s")
    print(f"  ratio     {ratio:.2f}   goal: {goal}   {'MET' if met else 'NOT MET'}")
    sys.stdout.flush()


def p95(timings: list[float]) -> float:
    """The 95th percentile (nearest rank) of the timings."""
    ordered = sorted(timings)
    return ordered[max(0, -(-95 * len(ordered) // 100) - 1)]


def page_timings(client, url: str, n: int) -> list[float]:
    """Seconds of ``n`` requests of ``url`` through the whole Django stack, after one warm-up request."""
    import time

    response = client.get(url)
    assert response.status_code == 200, (url, response.status_code)
    timings = []
    for _ in range(n):
        start = time.perf_counter()
        client.get(url)
        timings.append(time.perf_counter() - start)
    return timings
