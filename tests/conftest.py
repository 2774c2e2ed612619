"""Shared test helpers: where the real EU ETS data lives, and skipping cleanly when it is absent."""

import os
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parent.parent
SHARED = Path(os.environ.get("MAATWERK_SHARED_DIR", REPO.parent / "shared"))
EUTL_DIR = SHARED / "data" / "eutl"
NEA_DIR = SHARED / "data" / "nea"
NEA_FILE = "emissiecijfers-2013-2020.ods"


def eutl_file(country: str) -> Path:
    path = EUTL_DIR / f"installations-{country}.csv"
    if not path.is_file():
        pytest.skip(f"{path} not found: the real EU ETS data in ../shared/data/eutl is absent")
    return path


def nea_file(name: str = NEA_FILE) -> Path:
    path = NEA_DIR / name
    if not path.is_file():
        pytest.skip(f"{path} not found: the NEa's publication in ../shared/data/nea is absent")
    return path


@pytest.fixture(autouse=True)
def _fast_password_hashing(settings):
    """Tests create many users; the production hasher is slow by design."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture(autouse=True)
def _fresh_cache():
    """Each test starts with an empty cache: the database rolls back between tests, the cache would not."""
    from django.core.cache import cache

    cache.clear()
    yield


# The demo as loaded once per test session: load_demo goes through the case-file import and every
# service (seconds), so after its first run each test gets the same rows back from this snapshot.
_DEMO_SNAPSHOT: dict[str, list] = {}


def _snapshot_models():
    from django.apps import apps

    skip = {"contenttypes.contenttype", "auth.permission", "sessions.session"}  # made by migrate, the same in every test
    # many-to-many tables too (auto-created through models): the rows are copied table by table
    return [m for m in apps.get_models(include_auto_created=True)
            if m._meta.label_lower not in skip and m._meta.managed and not m._meta.proxy]


def _restore(snapshot) -> None:
    """Insert the snapshot's rows as they were, table by table, in few statements: raw (no field's
    ``pre_save``, so timestamps keep their values; no model's ``save``), inside one transaction, so
    foreign keys are checked at its end whatever order the tables come in."""
    import copy

    from django.db import connection, transaction

    with transaction.atomic():
        for model, rows in snapshot:
            existing = model._base_manager.all()
            if existing.exists():  # a row that migrate made (the data generation): the snapshot's copy replaces it
                existing.filter(pk__in=[r.pk for r in rows])._raw_delete(existing.db)
            fields = list(model._meta.local_concrete_fields)
            size = connection.ops.bulk_batch_size(fields, rows) or len(rows)
            for i in range(0, len(rows), size):
                model._base_manager._insert([copy.copy(r) for r in rows[i:i + size]], fields=fields, raw=True)


@pytest.fixture
def demo(db):
    """The demo data of every app (registry, trajectories, projects, programme, users).

    The first test of a session runs ``load_demo`` (the front door); later tests restore the rows it
    wrote from a snapshot, raw like ``loaddata``, and reset the id sequences."""
    from django.core.management import call_command
    from django.core.management.color import no_style
    from django.db import connection

    models = _snapshot_models()
    key = connection.vendor
    if key not in _DEMO_SNAPSHOT:
        call_command("load_demo", stdout=open(os.devnull, "w"))
        _DEMO_SNAPSHOT[key] = [(m, rows) for m in models if (rows := list(m._base_manager.order_by("pk")))]
        return
    _restore(_DEMO_SNAPSHOT[key])
    statements = connection.ops.sequence_reset_sql(no_style(), models)
    if statements:
        with connection.cursor() as cursor:
            for sql in statements:
                cursor.execute(sql)


@pytest.fixture
def users(demo):
    """One test user per role; company users of AnQore (a) and Nobian (b), the province of Limburg."""
    from maatwerk.accounts.models import Role
    from maatwerk.registry.models import Company
    from maatwerk.trajectories.models import Party

    from .helpers import make_user

    return {
        "programme": make_user("t-programma", Role.PROGRAMME),
        "company_a": make_user("t-anqore", Role.COMPANY, company=Company.objects.get(name="AnQore")),
        "company_b": make_user("t-nobian", Role.COMPANY, company=Company.objects.get(name="Nobian")),
        "amvi": make_user("t-amvi", Role.AMVI),
        "province": make_user("t-limburg", Role.PROVINCE, party=Party.objects.get(name="Provincie Limburg")),
        "nobody": make_user("t-zonderrol"),
    }
