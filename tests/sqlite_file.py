"""Scenarios with several connections at once, on an SQLite FILE database with the project's real settings.

pytest-django's SQLite test database lives in memory (shared cache): SQLite's busy timeout does not apply
there, it has no WAL and one connection's transaction blocks the others. What the app really uses is a
file with WAL, IMMEDIATE transactions and a busy timeout (``config/settings.py``). So such a scenario runs
in a fresh process on a file in a temporary directory: ``run_on_sqlite_file`` starts it and returns the
JSON object the script prints on its last line."""

import json
import os
import subprocess
import sys
import textwrap
from pathlib import Path

# Run before every scenario: Django set up on the file database, the names most scenarios use imported.
PRELUDE = textwrap.dedent(
    """
    import json, os, threading, time
    from pathlib import Path
    import django
    django.setup()
    from django.conf import settings
    from django.core.management import call_command
    from django.db import connection, connections, transaction
    """
)

# Then, unless asked otherwise: the schema and the demo data.
MIGRATE = 'call_command("migrate", verbosity=0)\n'
DEMO = 'call_command("load_demo", stdout=open(os.devnull, "w"))\n'

BACKUP_KEY = "sqlite-file-test-backup-key-0123456789abcdef"


def run_on_sqlite_file(directory: Path, script: str, *, demo: bool = True, env: dict | None = None, timeout: int = 300) -> dict:
    """Run ``script`` in a new process on ``directory/maatwerk.sqlite3`` (uploads in ``directory/uploads``),
    after ``PRELUDE``, ``migrate`` and, with ``demo``, ``load_demo``. Returns the JSON of its last line."""
    directory.mkdir(parents=True, exist_ok=True)
    environment = {k: v for k, v in os.environ.items() if k not in ("DJANGO_ALLOW_ASYNC_UNSAFE", "DATABASE_URL", "SECRET_KEY")}
    environment.update(
        {
            "DJANGO_SETTINGS_MODULE": "maatwerk.config.settings",
            "MAATWERK_ENV": "development",
            "DATABASE_URL": f"sqlite:///{directory / 'maatwerk.sqlite3'}",
            "MAATWERK_VAR_DIR": str(directory),
            "MAATWERK_BACKUP_KEY": BACKUP_KEY,
        }
    )
    environment.update(env or {})
    source = PRELUDE + MIGRATE + (DEMO if demo else "") + textwrap.dedent(script)
    result = subprocess.run([sys.executable, "-c", source], env=environment, capture_output=True, text=True, timeout=timeout)
    assert result.returncode == 0, result.stderr[-3000:]
    return json.loads(result.stdout.strip().splitlines()[-1])
