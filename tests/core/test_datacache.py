"""The cache of derived figures is never stale: every kind of write raises the data generation."""

import datetime as dt
import os

import pytest
from django.contrib.auth import get_user_model
from django.contrib.sessions.models import Session
from django.core.management import call_command
from django.db import transaction

from maatwerk.core import datacache
from maatwerk.engine import workflow
from maatwerk.finance.models import Project
from maatwerk.programme.models import Milestone
from maatwerk.registry.models import Company
from maatwerk.trajectories import services
from maatwerk.trajectories.models import Trajectory

from ..helpers import trajectory


def test_a_figure_is_computed_once_per_generation(db):
    calls = []

    def compute():
        calls.append(1)
        return len(calls)

    assert datacache.cached("t", (1,), compute) == 1
    assert datacache.cached("t", (1,), compute) == 1  # from the cache
    assert datacache.cached("t", (2,), compute) == 2  # other parts, other figure
    datacache.bump()
    assert datacache.cached("t", (1,), compute) == 3  # a new generation computes again


WRITES = [
    lambda: Company.objects.create(name="Nieuw BV", slug="nieuw-bv"),  # INSERT via save()
    lambda: Company.objects.bulk_create([Company(name="Bulk BV", slug="bulk-bv")]),  # INSERT, no signals
    lambda: Project.objects.filter(pk=Project.objects.first().pk).update(co2_reduction_t=1.0),  # UPDATE, no signals
    lambda: Company.objects.filter(name="Nobian").update(sector="anders"),
    lambda: Milestone.objects.all().delete(),  # DELETE
]
WRITE_IDS = ["save", "bulk_create", "queryset_update", "update_company", "delete"]


@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("write", WRITES, ids=WRITE_IDS)
def test_every_kind_of_committed_write_raises_the_generation(write):
    call_command("load_demo", stdout=open(os.devnull, "w"))
    before = datacache.generation()
    write()  # autocommit: committed at once
    assert datacache.generation() > before


@pytest.mark.django_db(transaction=True)
def test_writes_to_other_tables_do_not(client):
    call_command("load_demo", stdout=open(os.devnull, "w"))
    before = datacache.generation()
    client.force_login(get_user_model().objects.get(username="programma"))  # writes a session and last_login
    Session.objects.all().delete()
    assert datacache.generation() == before


@pytest.mark.django_db(transaction=True)
def test_a_write_in_a_transaction_counts_when_it_commits_and_not_if_it_rolls_back():
    call_command("load_demo", stdout=open(os.devnull, "w"))
    calls = []

    def compute():
        calls.append(1)
        return len(calls)

    start = datacache.generation()
    assert datacache.cached("t", (), compute) == 1
    with transaction.atomic():
        Company.objects.filter(name="Nobian").update(sector="x")
        assert datacache.generation() == start  # nobody else sees the write yet
        assert datacache.cached("t", (), compute) == 2  # this connection does: computed, not stored
        assert datacache.cached("t", (), compute) == 3
    assert datacache.generation() == start + 1
    assert datacache.cached("t", (), compute) == 4  # after the commit: computed once more, then stored
    assert datacache.cached("t", (), compute) == 4
    with pytest.raises(RuntimeError), transaction.atomic():
        Company.objects.filter(name="Nobian").update(sector="y")
        raise RuntimeError("rolled back")
    assert datacache.generation() == start + 1
    assert datacache.cached("t", (), compute) == 4  # nothing was written: the stored figure holds


@pytest.mark.django_db(transaction=True)
def test_a_write_after_a_rolled_back_savepoint_still_counts():
    call_command("load_demo", stdout=open(os.devnull, "w"))
    start = datacache.generation()
    with transaction.atomic():
        with pytest.raises(RuntimeError), transaction.atomic():
            Company.objects.filter(name="Nobian").update(sector="x")
            raise RuntimeError("savepoint rolled back")
        Company.objects.filter(name="AnQore").update(sector="y")
    assert datacache.generation() == start + 1


def bump_register_reduction(project, extra: float) -> None:
    """A write to the register made without signals or services (a queryset update of the record that
    holds today): the totals read the register, so they must follow it."""
    import datetime as dt

    from maatwerk.figures.models import Figure
    from maatwerk.figures.selectors import current

    held = current(as_of=dt.date.today(), audience="internal", companies=[project.trajectory.company_id])
    figure = held[(project.trajectory.company_id, project.pk, "co2_reduction_t_per_year")]
    Figure.objects.filter(pk=figure.pk).update(low=figure.low + extra, high=None if figure.high is None else figure.high + extra)


def test_the_dashboard_follows_a_write_made_without_signals(users, client):
    client.force_login(users["programme"])
    project = Project.objects.get(trajectory=trajectory("AnQore"))

    def total():
        categories = client.get("/programma/").context["categories"]
        return sum(c["sums"]["co2_reduction_t"] for _, c in categories)

    first = total()
    bump_register_reduction(project, 777_000.0)
    assert total() == pytest.approx(first + 777_000.0)


def test_the_board_and_the_api_follow_a_transition(users, client):
    client.force_login(users["programme"])
    subject = next(t for t in Trajectory.objects.all() if t.phase in workflow.PAUSABLE_PHASES)
    before = {r["id"]: r["phase"] for r in client.get("/api/v1/trajectories/").json()}
    board_before = client.get("/trajecten/").content.decode()
    services.transition(subject, "paused", dt.date.today(), note="test")
    after = {r["id"]: r["phase"] for r in client.get("/api/v1/trajectories/").json()}
    assert before[subject.pk] != "paused" and after[subject.pk] == "paused"
    assert client.get("/trajecten/").content.decode() != board_before


def test_each_role_still_sees_only_its_own_rows_from_the_shared_cache(users, client):
    client.force_login(users["programme"])
    everyone = {r["id"] for r in client.get("/api/v1/trajectories/").json()}  # fills the cache
    client.force_login(users["company_a"])
    own = {r["id"] for r in client.get("/api/v1/trajectories/").json()}
    assert own == {trajectory("AnQore").pk} and len(everyone) > 1
    board = client.get("/trajecten/").content.decode()
    assert "Nobian" not in board


def test_an_unreachable_cache_computes_directly(db, settings):
    settings.CACHES = {"default": {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": "redis://127.0.0.1:1/0"}}
    from django.core.cache import caches

    caches._settings = None  # let the new setting take effect
    try:
        del caches["default"]
    except (AttributeError, KeyError):
        pass
    try:
        assert datacache.cached("t", (1,), lambda: 42) == 42
        assert datacache.cached("t", (1,), lambda: 43) == 43  # nothing stored, nothing broken
        assert datacache.cached("t", (1,), lambda: 44, with_key=True) == (44, None)  # so nothing rendered is cached either
    finally:
        settings.CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache", "LOCATION": "maatwerk"}}
        try:
            del caches["default"]
        except (AttributeError, KeyError):
            pass


@pytest.mark.django_db(transaction=True)
def test_a_write_by_another_process_that_does_not_share_the_cache_is_seen(client):
    """The CLI in a terminal (its own in-memory cache) changes a figure the server has cached."""
    import subprocess
    import sys

    from django.db import connection

    if connection.vendor != "postgresql":
        pytest.skip("another process cannot reach SQLite's in-memory test database")
    call_command("load_demo", stdout=open(os.devnull, "w"))
    client.force_login(get_user_model().objects.get(username="programma"))
    project = Project.objects.get(trajectory=trajectory("AnQore"))

    def total():
        categories = client.get("/programma/").context["categories"]
        return sum(c["sums"]["co2_reduction_t"] for _, c in categories)

    first = total()
    assert total() == first  # served from the cache now
    settings_dict = connection.settings_dict
    url = f"postgres://{settings_dict['USER']}@{settings_dict['HOST']}:{settings_dict['PORT']}/{settings_dict['NAME']}"
    script = (  # the register's record that holds today, changed by a plain update (no signals, no service)
        "import django; django.setup()\n"
        "from tests.core.test_datacache import bump_register_reduction\n"
        "from maatwerk.finance.models import Project\n"
        f"bump_register_reduction(Project.objects.get(pk={project.pk}), 555000.0)\n"
    )
    env = {**os.environ, "DATABASE_URL": url, "MAATWERK_CACHE_URL": "", "DJANGO_SETTINGS_MODULE": "maatwerk.config.settings"}
    subprocess.run([sys.executable, "-c", script], env=env, check=True, timeout=120)
    assert total() == pytest.approx(first + 555_000.0)


def _race(n, compute, monkeypatch):
    """``n`` threads ask for the same missing figure at the same moment."""
    import threading

    monkeypatch.setattr(datacache, "generation", lambda: 7)  # no database in the threads
    barrier = threading.Barrier(n)
    results, failures = [], []

    def ask():
        barrier.wait()
        try:
            results.append(datacache.cached("race", (), compute))
        except Exception as exc:  # noqa: BLE001
            failures.append(exc)

    threads = [threading.Thread(target=ask) for _ in range(n)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return results, failures


def test_a_missing_figure_is_computed_once_for_many_simultaneous_requests(monkeypatch):
    import time

    calls = []

    def slow():
        calls.append(1)
        time.sleep(0.3)
        return {"total": 42}

    results, failures = _race(8, slow, monkeypatch)
    assert not failures and results == [{"total": 42}] * 8
    assert len(calls) == 1


def test_when_the_computing_request_fails_the_waiting_ones_compute_themselves(monkeypatch):
    import threading
    import time

    calls = []
    lock = threading.Lock()

    def first_fails():
        with lock:
            calls.append(1)
            first = len(calls) == 1
        time.sleep(0.2)
        if first:
            raise RuntimeError("database went away")
        return "ok"

    results, failures = _race(4, first_fails, monkeypatch)
    assert len(failures) == 1 and results == ["ok"] * 3


@pytest.mark.django_db(transaction=True)
def test_rendered_figures_are_cached_and_follow_a_committed_write(users, client):
    """The dashboard's figures are rendered once per data generation ({% cache %}); a write shows."""
    client.force_login(users["programme"])
    from django.core.cache import cache
    from django.core.cache.utils import make_template_fragment_key

    first = client.get("/programma/")
    key = first.context["figures_key"]
    assert key and cache.get(make_template_fragment_key("programme-dashboard", [key]))  # rendered once, stored
    anqore = next(r.project for _, c in first.context["categories"] for r in c["projects"] if r.project.trajectory.company.name == "AnQore")
    bump_register_reduction(anqore, 777_000.0)
    after = client.get("/programma/")
    cat = next(c for _, c in after.context["categories"] if any(r.project.pk == anqore.pk for r in c["projects"]))
    before_cat = next(c for _, c in first.context["categories"] if c["label"] == cat["label"])
    assert cat["sums"]["co2_reduction_t"] == pytest.approx(before_cat["sums"]["co2_reduction_t"] + 777_000.0)
    expected = cat["text"]["co2_reduction_t"]  # the total as the page writes it ("ten minste 6,15 Mt")
    assert expected != before_cat["text"]["co2_reduction_t"]
    assert expected in after.content.decode() and expected not in first.content.decode()
    assert after.context["figures_key"] != key


@pytest.mark.django_db(transaction=True)
def test_a_rendered_board_never_reaches_a_user_who_sees_other_trajectories(users, client):
    client.force_login(users["programme"])
    everyone = client.get("/trajecten/")
    assert everyone.context["board_key"] and "Nobian" in everyone.content.decode()
    client.force_login(users["company_a"])
    own = client.get("/trajecten/")
    assert own.context["board_key"] and own.context["board_key"] != everyone.context["board_key"]
    text = own.content.decode()
    assert "AnQore" in text and "Nobian" not in text
    client.force_login(users["programme"])
    assert "Nobian" in client.get("/trajecten/").content.decode()


@pytest.mark.parametrize(
    "sql,table",
    [
        ('INSERT INTO "registry_company" ("name") VALUES (%s) RETURNING "id"', "registry_company"),
        ('INSERT OR IGNORE INTO "trajectories_trajectory_parties" ("trajectory_id", "party_id") VALUES (1, 2)', "trajectories_trajectory_parties"),
        ("INSERT IGNORE INTO `finance_project` (`name`) VALUES (%s)", "finance_project"),
        ('UPDATE "public"."finance_project" SET "version" = 2', "finance_project"),
        ('  delete from programme_milestone WHERE "id" IN (SELECT 1)', "programme_milestone"),
        ("REPLACE INTO accounts_membership VALUES (1)", "accounts_membership"),
    ],
)
def test_the_write_pattern_finds_the_table(sql, table):
    assert datacache._WRITE.match(sql).group(1) == table


@pytest.mark.parametrize("sql", ['SELECT * FROM "finance_project"', "WITH x AS (SELECT 1) SELECT * FROM x", "PRAGMA data_version"])
def test_reads_are_not_writes(sql):
    assert datacache._WRITE.match(sql) is None


@pytest.mark.django_db(transaction=True)
def test_a_many_to_many_add_raises_the_generation():
    from maatwerk.trajectories.models import Party

    call_command("load_demo", stdout=open(os.devnull, "w"))
    subject = trajectory("AnQore")
    party = next(p for p in Party.objects.all() if not subject.parties.filter(pk=p.pk).exists())
    before = datacache.generation()
    subject.parties.add(party)  # SQLite: INSERT OR IGNORE INTO
    assert datacache.generation() > before


def test_a_lock_left_by_a_crashed_worker_delays_but_does_not_block(monkeypatch):
    from django.core.cache import cache

    cache.add("k:computing", "someone-else", timeout=300)
    value, stored = datacache._compute_once("k", lambda: {"x": 1}, 60, wait=0.1)
    assert value == {"x": 1} and stored and cache.get("k") == {"x": 1}  # computed and stored by the waiter
    assert cache.get("k:computing") == "someone-else"  # not ours: left alone


def test_another_release_does_not_reuse_cached_figures(db, monkeypatch):
    calls = []

    def compute():
        calls.append(1)
        return len(calls)

    assert datacache.cached("t", (), compute) == 1
    assert datacache.cached("t", (), compute) == 1
    monkeypatch.setattr(datacache, "_code_version", "another-release")
    assert datacache.cached("t", (), compute) == 2
