"""Migrations run forward on a copy of the demo data and keep every row and value.

The database is taken back to the schema of the first release (every migration added since is
undone), with the demo data in it, and then migrated forward again; every row must come back as it
was. A migration added later is covered without changing this test: it lies between the first
release and the newest leaf. (That the models and migrations agree is tested in test_backup.py.)"""

import io

import pytest
from django.apps import apps
from django.core import serializers
from django.core.management import call_command
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

# the newest migration of each of our apps in release 1 (the first landed version, session 1)
RELEASE_1 = {
    "accounts": "0002_initial",
    "registry": "0001_initial",
    "trajectories": "0001_initial",
    "finance": "0001_initial",
    "programme": "0001_initial",
}


def snapshot(exclude_fields: dict[str, set[str]] | None = None) -> dict[str, list[dict]]:
    """Every row of every model of our apps, as plain values."""
    exclude_fields = exclude_fields or {}
    out = {}
    for label in RELEASE_1:
        for model in apps.get_app_config(label).get_models():
            rows = serializers.serialize("python", model._default_manager.order_by("pk"))
            key = model._meta.label
            for row in rows:
                for field in exclude_fields.get(key, ()):
                    row["fields"].pop(field, None)
            out[key] = rows
    return out


MIGRATED_VALUES = {
    ("trajectories.Document", "status"): {"accepted"},
    ("trajectories.Document", "originator"): {"company", "state"},
}


def added_since_release_1(executor) -> dict[str, set[str]]:
    """Fields that exist now but not in the release-1 schema, per model (they cannot survive going back)."""
    old = executor.loader.project_state(list(RELEASE_1.items())).apps
    added = {}
    for label in RELEASE_1:
        for model in apps.get_app_config(label).get_models():
            try:
                old_model = old.get_model(label, model._meta.model_name)
            except LookupError:
                continue
            old_fields = {f.name for f in old_model._meta.get_fields()}
            new = {f.name for f in model._meta.concrete_fields} - old_fields
            if new:
                added[model._meta.label] = new
    return added


@pytest.mark.django_db(transaction=True)
def test_forward_from_release_1_keeps_the_demo_data():
    call_command("load_demo", stdout=io.StringIO())
    executor = MigrationExecutor(connection)
    # forward again to the newest migration of every app: apps added since release 1 (figures, case
    # files) depend on ours, so going back dropped their tables too
    leaves = executor.loader.graph.leaf_nodes()
    added = added_since_release_1(executor)
    before = snapshot()
    assert sum(len(rows) for rows in before.values()) > 100, "the demo data should be loaded"
    try:
        executor.migrate(list(RELEASE_1.items()))
        executor = MigrationExecutor(connection)
        plan = executor.migration_plan(leaves)
        assert plan, "going back to release 1 left nothing to migrate forward"
        executor.migrate(leaves)
    finally:
        MigrationExecutor(connection).migrate(leaves)  # leave the schema complete for the next tests
    after = snapshot()
    # every row and every value of the release-1 fields came back
    assert snapshot_without(after, added) == snapshot_without(before, added)
    # fields added since release 1 got their declared default on the old rows, or the value a data
    # migration gives them (documents that existed before the review step count as accepted, and their
    # originator follows from who uploaded them or their type)
    for label, fields in added.items():
        model = apps.get_model(label)
        for name in fields:
            allowed = MIGRATED_VALUES.get((label, name), {model._meta.get_field(name).get_default()})
            values = set(model._default_manager.values_list(name, flat=True))
            assert values <= allowed, f"{label}.{name}: {values}"


def snapshot_without(snap, added):
    return {key: [dict(row, fields={k: v for k, v in row["fields"].items() if k not in added.get(key, ())}) for row in rows]
            for key, rows in snap.items()}

