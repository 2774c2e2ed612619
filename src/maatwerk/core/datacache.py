"""A cache of derived figures that is never stale.

Deriving the programme's figures (every trajectory's state from its events, the totals, a 20,000-trial
outlook) costs far more than reading them, and they change only when the data does. Every write to a
table of our apps, however it is made (``save``, ``QuerySet.update``, ``bulk_create``, a restore),
passes through one database execute wrapper, which raises the *data generation* in the cache at once
and again when the write commits. Cached figures are keyed by the generation they were computed at, so a figure from
before a write is simply never asked for again. (A write that rolls back only costs a recomputation.)

Writes by another process that does not share the cache (``maatwerk import_eutl`` in a terminal
while ``runserver`` serves from its in-memory cache) do not pass through this process's wrapper, so
the key also holds the database's own record of committed writes: PostgreSQL's current snapshot
(it changes whenever a writing transaction starts or ends) or, for an SQLite file, its file change
counter and modification time. Any write, from anywhere, therefore leads to a new key.

With one process (``runserver``) the default in-memory cache is enough; with several workers
(gunicorn) set ``MAATWERK_CACHE_URL=redis://...`` so that they share the work.
When the cache cannot be reached, figures are computed directly (slower, never wrong).
"""

from __future__ import annotations

import hashlib
import logging
import os
import re
import time
from collections.abc import Callable
from typing import Any

from django.core.cache import cache
from django.db import connection as default_connection
from django.db import transaction

log = logging.getLogger(__name__)

GENERATION_KEY = "maatwerk:data-generation"
TRACKED_TABLES = ("registry_", "trajectories_", "finance_", "programme_", "accounts_")
_WRITE = re.compile(r'^\s*(?:INSERT\s+INTO|UPDATE|DELETE\s+FROM|REPLACE\s+INTO)\s+[`"]?(\w+)', re.IGNORECASE)


def generation() -> int:
    """The current data generation (created, from the clock, when the cache has none)."""
    value = cache.get(GENERATION_KEY)
    if value is None:
        cache.add(GENERATION_KEY, time.time_ns())  # never reuses a number an evicted generation had
        value = cache.get(GENERATION_KEY)
    return int(value)


def bump() -> None:
    """The data changed: figures computed before are not used again."""
    try:
        cache.incr(GENERATION_KEY)
    except ValueError:  # no generation yet (or evicted): start a fresh one
        cache.set(GENERATION_KEY, time.time_ns(), timeout=None)
    except Exception:  # noqa: BLE001 - an unreachable cache must not fail the write that already committed
        log.warning("data generation not raised: cache unreachable", exc_info=True)


def sqlite_file_state(path: str) -> str:
    """An SQLite file's record of committed writes: the file change counter in its header (bytes 24-27,
    raised by every committing write in rollback-journal mode) and the modification times of the file
    and of its write-ahead log (WAL mode). Comparable between processes; reading changes none of it."""
    try:
        with open(path, "rb") as f:
            header = f.read(28)
        stat = os.stat(path)
    except OSError:
        return "absent"
    parts = [header[24:28].hex(), str(stat.st_mtime_ns), str(stat.st_size)]
    try:
        wal = os.stat(path + "-wal")
        parts += [str(wal.st_mtime_ns), str(wal.st_size)]
    except OSError:
        pass
    return ":".join(parts)


def database_state(connection=default_connection) -> str:
    """What the database says about committed writes, from any process (see the module's docstring)."""
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_current_snapshot()::text")
            return cursor.fetchone()[0]
    if connection.vendor == "sqlite":
        name = str(connection.settings_dict["NAME"])
        if name and ":memory:" not in name and "mode=memory" not in name:
            return sqlite_file_state(name)
    return ""  # an in-memory database lives in this process only: the wrapper sees every write


def cached(name: str, parts: tuple, compute: Callable[[], Any], timeout: int = 6 * 3600) -> Any:
    """``compute()``, or its stored result for the current data generation, database state and ``parts``."""
    state = database_state()
    try:
        digest = hashlib.sha256(repr((state, parts)).encode()).hexdigest()[:24]
        key = f"maatwerk:{name}:{generation()}:{digest}"
        value = cache.get(key)
    except Exception:  # noqa: BLE001
        log.warning("cache unreachable: computing %s directly", name, exc_info=True)
        return compute()
    if value is None:
        value = compute()
        try:
            cache.set(key, value, timeout)
        except Exception:  # noqa: BLE001
            log.warning("cache unreachable: %s not stored", name, exc_info=True)
    return value


def _pending(connection) -> bool:
    return any(getattr(entry[1], "__name__", "") == "bump" for entry in connection.run_on_commit)


def watch_writes(execute, sql, params, many, context):
    """Database execute wrapper: after a write to one of our tables, raise the generation on commit."""
    result = execute(sql, params, many, context)
    match = _WRITE.match(sql) if isinstance(sql, str) else None
    if match and match.group(1).lower().startswith(TRACKED_TABLES):
        # now: so that nobody reuses a figure from before this write; and again once it commits,
        # because a figure computed meanwhile (from the not yet committed data) is outdated then
        bump()
        connection = context["connection"]
        if connection.in_atomic_block and not _pending(connection):
            transaction.on_commit(bump, using=connection.alias)
    return result


def install(sender, connection, **kwargs) -> None:
    """``connection_created`` handler: watch every new database connection."""
    if watch_writes not in connection.execute_wrappers:
        connection.execute_wrappers.append(watch_writes)
