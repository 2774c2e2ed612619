"""A cache of derived figures that is never stale.

Deriving the programme's figures (every trajectory's state from its events, the totals, a 20,000-trial
outlook) costs far more than reading them, and they change only when the data does. Every write to a
table of our apps, however it is made (``save``, ``QuerySet.update``, ``bulk_create``, a restore, an
import in another process), passes through one database execute wrapper. Once the write is committed
it raises the *data generation*: one number in the database (``core.DataGeneration``), so every
process sees it, whatever cache it uses. Cached figures are keyed by the generation they were computed
at, so a figure from before a write is simply never asked for again.

A connection that has written and not yet committed computes its figures directly and stores none:
they would show data that nobody else can see yet and that may still be rolled back.

With one process (``runserver``) the default in-memory cache is enough; with several workers
(gunicorn) set ``MAATWERK_CACHE_URL=redis://...`` so that a figure computed by one worker serves all.
When the cache cannot be reached, figures are computed directly (slower, never wrong). Writes made
outside the application (``psql`` by hand) are not seen: after one, run any migration or clear the
cache.
"""

from __future__ import annotations

import hashlib
import logging
import re
import time
import uuid
from collections.abc import Callable
from pathlib import Path
from typing import Any

from django.core.cache import cache
from django.db import DEFAULT_DB_ALIAS, connections, transaction
from django.db.models import F

log = logging.getLogger(__name__)

TRACKED_TABLES = ("registry_", "trajectories_", "finance_", "programme_", "accounts_", "figures_", "casefiles_")
# INSERT [OR IGNORE|OR REPLACE] INTO (SQLite: many-to-many .add()), INSERT IGNORE INTO, UPDATE,
# DELETE FROM, REPLACE INTO; the table name optionally quoted and schema-qualified
_WRITE = re.compile(
    r'^\s*(?:INSERT(?:\s+OR\s+\w+|\s+IGNORE)?\s+INTO|UPDATE|DELETE\s+FROM|REPLACE\s+INTO)\s+(?:[`"]?\w+[`"]?\.)?[`"]?(\w+)',
    re.IGNORECASE,
)


def _row():
    from .models import DataGeneration

    return DataGeneration.objects.filter(pk=1)


def _create() -> int:
    from .models import DataGeneration

    # started from the clock: after the row was lost (a test's flush, a fresh schema) no number that
    # was used before comes back
    row, _ = DataGeneration.objects.get_or_create(pk=1, defaults={"value": time.time_ns()})
    return row.value


def generation() -> int:
    """The current data generation, as committed in the database."""
    value = _row().values_list("value", flat=True).first()
    return _create() if value is None else value


def bump() -> None:
    """The data changed: figures computed before are not used again."""
    if not _row().update(value=F("value") + 1):
        _create()


def _committed() -> None:
    """The on-commit callback of a transaction that wrote to our tables. A function of its own (not
    ``bump`` itself) so that a pending one can be recognised in ``connection.run_on_commit``."""
    bump()


def _has_uncommitted_writes(connection) -> bool:
    """Whether this connection's open transaction holds writes to our tables: the callback registered
    for them is still waiting for the commit (a rollback, of the transaction or of the savepoint that
    holds the write, drops it together with the write)."""
    return connection.in_atomic_block and any(entry[1] is _committed for entry in connection.run_on_commit)


TIMEOUT = 6 * 3600


def cached(name: str, parts: tuple, compute: Callable[[], Any], timeout: int = TIMEOUT, *, with_key: bool = False) -> Any:
    """``compute()``, or its stored result for the current data generation and these ``parts``.

    With ``with_key``: ``(value, key)``, where ``key`` names this generation's figures for caching
    what is rendered from them (``{% cache %}`` in a template), or is None when nothing may be cached
    (uncommitted writes on this connection, or the cache unreachable)."""
    if _has_uncommitted_writes(connections[DEFAULT_DB_ALIAS]):
        value, key = compute(), None
    else:
        digest = hashlib.sha256(repr(parts).encode()).hexdigest()[:24]
        key = f"maatwerk:{name}:{code_version()}:{generation()}:{digest}"
        try:
            value = cache.get(key)
        except Exception:  # noqa: BLE001
            log.warning("cache unreachable: computing %s directly", name, exc_info=True)
            value, key = compute(), None
        else:
            if value is None:
                value, stored = _compute_once(key, compute, timeout)
                key = key if stored else None
    return (value, key) if with_key else value


_code_version: str | None = None


def code_version() -> str:
    """A digest of this release's code and templates: figures and fragments cached by an older
    release (Redis outlives a deployment) are not served by a newer one."""
    global _code_version
    if _code_version is None:
        root = Path(__file__).resolve().parent.parent
        digest = hashlib.sha256()
        for path in sorted(root.rglob("*")):
            if path.suffix in (".py", ".html") and path.is_file():
                digest.update(str(path.relative_to(root)).encode())
                digest.update(path.read_bytes())
        _code_version = digest.hexdigest()[:12]
    return _code_version


LOCK_SECONDS = 300  # longer than any computation takes; a lock of a crashed worker lapses after it


def _compute_once(key: str, compute: Callable[[], Any], timeout: int, wait: float = 30.0) -> tuple[Any, bool]:
    """Compute a missing figure once, however many requests ask for it at the same moment; returns
    the value and whether it is stored in the cache.

    After a write, fifty users asking for the dashboard would otherwise each run the 20,000-trial
    outlook at once. The first one takes a lock in the cache and computes; the others wait for its
    result, or compute (and store) it themselves when the lock is gone without a result (the computing
    request failed) or after ``wait`` seconds. An unreachable cache means computing directly."""
    lock = f"{key}:computing"
    token = uuid.uuid4().hex
    try:
        mine = cache.add(lock, token, timeout=LOCK_SECONDS)
        if not mine:
            deadline = time.monotonic() + wait
            while time.monotonic() < deadline:
                time.sleep(0.02)
                value = cache.get(key)
                if value is not None:
                    return value, True
                if cache.get(lock) is None:  # done or failed: one more look, then compute ourselves
                    value = cache.get(key)
                    if value is not None:
                        return value, True
                    break
    except Exception:  # noqa: BLE001
        log.warning("cache unreachable: computing %s directly", key, exc_info=True)
        return compute(), False
    try:
        value = compute()
        try:
            cache.set(key, value, timeout)
            stored = True
        except Exception:  # noqa: BLE001
            log.warning("cache unreachable: %s not stored", key, exc_info=True)
            stored = False
        return value, stored
    finally:
        if mine:
            try:
                if cache.get(lock) == token:  # ours still (not lapsed and taken by another)
                    cache.delete(lock)
            except Exception:  # noqa: BLE001
                pass


def watch_writes(execute, sql, params, many, context):
    """Database execute wrapper: after a write to one of our tables, raise the generation once committed."""
    result = execute(sql, params, many, context)
    match = _WRITE.match(sql) if isinstance(sql, str) else None
    if match and match.group(1).lower().startswith(TRACKED_TABLES):
        connection = context["connection"]
        if not connection.in_atomic_block:
            bump()  # autocommit: the write is committed already
        elif not _has_uncommitted_writes(connection):  # once per transaction (again after a savepoint rollback)
            transaction.on_commit(_committed, using=connection.alias)
    return result


def install(sender, connection, **kwargs) -> None:
    """``connection_created`` handler: watch every new database connection."""
    if watch_writes not in connection.execute_wrappers:
        connection.execute_wrappers.append(watch_writes)


def after_migrate(sender, using=DEFAULT_DB_ALIAS, **kwargs) -> None:
    """``post_migrate`` handler: a migration may have changed anything."""
    if "maatwerk_data_generation" in connections[using].introspection.table_names():
        bump()
