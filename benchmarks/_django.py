"""Set up Django on a throw-away SQLite database for a benchmark run."""

import os
import sys
import tempfile
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
SHARED = Path(os.environ.get("MAATWERK_SHARED_DIR", REPO.parent / "shared"))
EUTL_DIR = SHARED / "data" / "eutl"


def setup_django() -> Path:
    workdir = Path(tempfile.mkdtemp(prefix="maatwerk-bench-"))
    os.environ["DATABASE_URL"] = f"sqlite:///{workdir / 'bench.sqlite3'}"
    os.environ["MAATWERK_VAR_DIR"] = str(workdir)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "maatwerk.config.settings")
    import django
    from django.core.management import call_command

    django.setup()
    call_command("migrate", verbosity=0)
    return workdir


def report(claim: str, baseline_label: str, baseline: float, result_label: str, result: float, ratio: float, goal: str, met: bool):
    print(f"{claim}")
    print(f"  baseline  {baseline_label}: {baseline:.4f} s")
    print(f"  result    {result_label}: {result:.4f} s")
    print(f"  ratio     {ratio:.2f}   goal: {goal}   {'MET' if met else 'NOT MET'}")
    sys.stdout.flush()
