"""Security of backup and restore (issue 12: H4, H5, M1, M2, M3 and the microsecond finding).

A backup must come back exactly (permissions by natural key, 2FA devices, the audit trail, sessions,
lockouts, timestamps to the microsecond, every uploaded file), must be one snapshot while others
write, and a restore must refuse anything that is not a backup this installation signed, before it
changes a single row or file."""

import datetime
import hashlib
import hmac
import io
import json
import threading
import time
import warnings
import zipfile
from pathlib import Path

import pytest
from django.apps import apps
from django.contrib.admin.models import CHANGE, LogEntry
from django.contrib.auth import get_user_model
from django.contrib.auth.management import create_permissions
from django.contrib.auth.models import Group, Permission
from django.contrib.contenttypes.management import create_contenttypes
from django.contrib.contenttypes.models import ContentType
from django.contrib.sessions.backends.db import SessionStore
from django.contrib.sessions.models import Session
from django.core.management import CommandError, call_command
from django.db import connection, connections, transaction
from django.utils import timezone

from maatwerk.core import datacache
from maatwerk.finance.models import BusinessCase, PriceDeck, Project
from maatwerk.trajectories import services
from maatwerk.trajectories.models import Document, Trajectory

from ..helpers import make_user, trajectory
from ..sqlite_file import run_on_sqlite_file

pytestmark = pytest.mark.django_db(transaction=True)
KEY = "test-backup-key-0123456789abcdefghijklmnopqrstuvwxyz"
PDF = b"%PDF-1.4\nsecurity backup test\n%%EOF\n"
QUIET = io.StringIO


@pytest.fixture(autouse=True)
def _backup_env(settings, tmp_path, monkeypatch):
    settings.MEDIA_ROOT = tmp_path / "media"
    monkeypatch.setenv("MAATWERK_BACKUP_KEY", KEY)


def run_backup(path):
    call_command("backup", str(path), stdout=QUIET())
    return path


def run_restore(path, *extra):
    call_command("restore", str(path), "--yes", *extra, stdout=QUIET(), stderr=QUIET())


# ---------------------------------------------------------------- independent views of the state


def db_state():
    """Every row of every table (automatic many-to-many tables too), content types and permissions
    by natural key so that the state does not depend on their ids."""
    state = {}
    for model in apps.get_models(include_auto_created=True):
        rows = []
        for row in model._default_manager.values():
            rows.append(json.dumps(row, default=str, sort_keys=True))
        state[model._meta.label_lower] = sorted(rows)
    return state


def media_state(settings):
    root = Path(settings.MEDIA_ROOT)
    return {p.relative_to(root).as_posix(): p.read_bytes() for p in root.rglob("*") if p.is_file()} if root.exists() else {}


def user_permissions(user):
    user = get_user_model().objects.get(pk=user.pk)
    return sorted(user.user_permissions.values_list("content_type__app_label", "codename"))


def shuffle_content_type_ids():
    """Delete every content type (and so every permission) and create them again, in reverse order:
    every content type and permission gets another id than it had."""
    ContentType.objects.all().delete()
    ContentType.objects.clear_cache()
    for config in reversed(list(apps.get_app_configs())):
        create_contenttypes(config, verbosity=0)
    for config in reversed(list(apps.get_app_configs())):
        create_permissions(config, verbosity=0)
    ContentType.objects.clear_cache()


def canonical(payload: bytes):
    """data.json of a backup, independent of row order and of content-type and permission ids."""
    rows = json.loads(payload)
    out = []
    for row in rows:
        fields = {k: sorted(v, key=json.dumps) if isinstance(v, list) and k not in ("techniques", "capex_schedule") else v for k, v in row["fields"].items()}
        out.append(json.dumps({"model": row["model"], "pk": row.get("pk"), "fields": fields}, sort_keys=True))
    return sorted(out)


# --------------------------------------------------------------------------------- crafting zips


def read_zip(path):
    with zipfile.ZipFile(path) as zf:
        return {info.filename: zf.read(info) for info in zf.infolist()}


def write_zip(path, entries, key=KEY, sign=True, raw=()):
    """Write entries (name -> bytes); with ``sign`` a fresh, valid signature of the manifest (the
    crafted zip passes the signature check, so the checks behind it are what is tested)."""
    entries = dict(entries)
    if sign:
        entries["manifest.sig"] = hmac.new(key.encode(), b"maatwerk-backup-v2\n" + entries["manifest.json"], hashlib.sha256).hexdigest().encode()
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # duplicate names
        with zipfile.ZipFile(path, "w") as zf:
            for name, content in entries.items():
                zf.writestr(name, content)
            for info, content in raw:
                zf.writestr(info, content)
    return path


def manifest_of(entries):
    return json.loads(entries["manifest.json"])


def with_manifest(entries, manifest):
    entries = dict(entries)
    entries["manifest.json"] = json.dumps(manifest).encode()
    return entries


def add_file(entries, rel, content=b"x"):
    manifest = manifest_of(entries)
    manifest["files"][rel] = hashlib.sha256(content).hexdigest()
    entries = with_manifest(entries, manifest)
    entries["uploads/" + rel] = content
    return entries


def replace_data(entries, rows):
    data = json.dumps(rows).encode()
    manifest = manifest_of(entries)
    manifest["data_sha256"] = hashlib.sha256(data).hexdigest()
    entries = with_manifest(entries, manifest)
    entries["data.json"] = data
    return entries


def backdoor_rows(entries):
    rows = json.loads(entries["data.json"])
    rows.append(
        {
            "model": "auth.user",
            "pk": 99999,
            "fields": {"username": "backdoor", "password": "md5$x$y", "is_superuser": True, "is_staff": True, "is_active": True,
                       "first_name": "", "last_name": "", "email": "", "date_joined": "2026-01-01T00:00:00+00:00",
                       "last_login": None, "groups": [], "user_permissions": []},
        }
    )
    return rows


# ------------------------------------------------------------------------------------ fixtures


@pytest.fixture
def loaded(settings):
    call_command("load_demo", stdout=QUIET())
    doc = services.add_document(trajectory("AnQore"), "business_case", "BC", "confidential", data=PDF, file_name="bc.pdf")
    return doc


# ------------------------------------------------------------------------------------------ H4


def test_h4_permissions_round_trip_by_natural_key(loaded, tmp_path):
    staff = make_user("t-prijzen")
    staff.is_staff = True
    staff.save()
    staff.user_permissions.add(Permission.objects.get(content_type__app_label="finance", codename="view_pricepoint"))
    group = Group.objects.create(name="documentlezers")
    group.permissions.add(Permission.objects.get(content_type__app_label="trajectories", codename="view_document"))
    staff.groups.add(group)
    archive = run_backup(tmp_path / "b.zip")

    old_ids = {(ct.app_label, ct.model): ct.pk for ct in ContentType.objects.all()}
    shuffle_content_type_ids()
    new_ids = {(ct.app_label, ct.model): ct.pk for ct in ContentType.objects.all()}
    assert new_ids.keys() == old_ids.keys() and all(new_ids[k] != old_ids[k] for k in old_ids)  # every id differs now
    other = make_user("t-nieuw")  # a row the backup does not have
    run_restore(archive)

    assert user_permissions(staff) == [("finance", "view_pricepoint")]
    assert sorted(Group.objects.get(name="documentlezers").permissions.values_list("content_type__app_label", "codename")) == [("trajectories", "view_document")]
    staff = get_user_model().objects.get(pk=staff.pk)
    assert staff.get_all_permissions() == {"finance.view_pricepoint", "trajectories.view_document"}
    assert not staff.has_perm("finance.view_businesscase")
    assert not get_user_model().objects.filter(pk=other.pk).exists()
    # every permission still belongs to its own model
    for perm in Permission.objects.select_related("content_type"):
        assert perm.codename.endswith("_" + perm.content_type.model), perm


# ------------------------------------------------------------------------------------------ H5


def security_rows(user):
    from axes.models import AccessAttempt, AccessFailureLog, AccessLog
    from django_otp.plugins.otp_totp.models import TOTPDevice

    device = TOTPDevice.objects.create(user=user, name="telefoon", confirmed=True)
    LogEntry.objects.log_actions(user.pk, [Trajectory.objects.first()], CHANGE, change_message="fase gewijzigd", single_object=True)
    session = SessionStore()
    session["_auth_user_id"] = str(user.pk)
    session.create()
    AccessAttempt.objects.create(username="t-programma", ip_address="10.0.0.9", user_agent="ua", http_accept="*/*", path_info="/login/",
                                 get_data="", post_data="", failures_since_start=5)
    AccessLog.objects.create(username="t-programma", ip_address="10.0.0.9", user_agent="ua", http_accept="*/*", path_info="/login/")
    AccessFailureLog.objects.create(username="t-programma", ip_address="10.0.0.9", user_agent="ua", http_accept="*/*", path_info="/login/", locked_out=True)
    static = None
    if apps.is_installed("django_otp.plugins.otp_static"):
        from django_otp.plugins.otp_static.models import StaticDevice

        static = StaticDevice.objects.create(user=user, name="herstelcodes", confirmed=True)
        static.token_set.create(token="abcd1234")
    return device, session.session_key, static


SECURITY_MODELS = ("otp_totp.totpdevice", "admin.logentry", "sessions.session", "axes.accessattempt", "axes.accesslog", "axes.accessfailurelog")


def test_h5_restore_keeps_devices_audit_trail_sessions_and_lockouts(loaded, tmp_path):
    from axes.models import AccessAttempt, AccessFailureLog, AccessLog
    from django_otp.plugins.otp_totp.models import TOTPDevice

    user = make_user("t-programma")
    device, session_key, static = security_rows(user)
    before = db_state()
    archive = run_backup(tmp_path / "b.zip")
    for model in (TOTPDevice, LogEntry, Session, AccessAttempt, AccessLog, AccessFailureLog):
        model.objects.all().delete()
    if static:
        static.delete()
    run_restore(archive)
    after = db_state()
    for label in SECURITY_MODELS + (("otp_static.staticdevice", "otp_static.statictoken") if static else ()):
        assert after[label] == before[label] and before[label], label
    restored = TOTPDevice.objects.get(pk=device.pk)
    assert restored.user_id == user.pk and restored.key == device.key and restored.confirmed
    assert SessionStore(session_key=session_key).get("_auth_user_id") == str(user.pk)


def test_h5_every_model_is_in_the_backup_but_the_documented_exceptions(loaded, tmp_path):
    from maatwerk.core.backup import EXCLUDED

    make_user("t-programma")
    security_rows(get_user_model().objects.get(username="t-programma"))
    archive = run_backup(tmp_path / "b.zip")
    entries = read_zip(archive)
    dumped = {row["model"] for row in json.loads(entries["data.json"])}
    for model in apps.get_models():
        label = model._meta.label_lower
        if label in EXCLUDED:
            assert label not in dumped and EXCLUDED[label]
        elif model._default_manager.exists():
            assert label in dumped, label
    assert set(EXCLUDED) == {"core.datageneration"}
    assert manifest_of(entries)["excluded"] == EXCLUDED


# ------------------------------------------------------------------------------------------ M1


def test_m1_tampered_backup_with_recomputed_hash_is_refused(loaded, tmp_path, settings):
    archive = run_backup(tmp_path / "b.zip")
    entries = replace_data(read_zip(archive), backdoor_rows(read_zip(archive)))
    before, files = db_state(), media_state(settings)
    # the attacker has no key: keeps the old signature, leaves it out, or signs with a key of his own
    cases = {
        "old-signature": (write_zip(tmp_path / "t1.zip", entries, sign=False), "handtekening klopt niet"),
        "no-signature": (write_zip(tmp_path / "t2.zip", {k: v for k, v in entries.items() if k != "manifest.sig"}, sign=False), "niet ondertekend.*--unsigned"),
        "own-key": (write_zip(tmp_path / "t3.zip", entries, key="an-attackers-key-of-sufficient-length-000"), "handtekening klopt niet"),
    }
    for name, (path, message) in cases.items():
        with pytest.raises(CommandError, match=f"(?s){message}.*niets gewijzigd"):
            run_restore(path)
        assert db_state() == before and media_state(settings) == files, name
    assert not get_user_model().objects.filter(username="backdoor").exists()


def test_m1_key_from_the_environment_and_unsigned_only_on_request(loaded, tmp_path, monkeypatch):
    archive = run_backup(tmp_path / "b.zip")
    monkeypatch.setenv("MAATWERK_BACKUP_KEY", "another-key-another-key-another-key-0000")
    with pytest.raises(CommandError, match="handtekening klopt niet.*MAATWERK_BACKUP_KEY"):
        run_restore(archive)
    run_restore(archive, "--unsigned")  # the operator vouches for it
    monkeypatch.setenv("MAATWERK_BACKUP_KEY", KEY)
    run_restore(archive)
    monkeypatch.setenv("MAATWERK_BACKUP_KEY", "short")
    with pytest.raises(CommandError, match="te kort"):
        run_backup(tmp_path / "c.zip")
    # without MAATWERK_BACKUP_KEY: a key derived from SECRET_KEY, and the command says so
    monkeypatch.delenv("MAATWERK_BACKUP_KEY")
    out = QUIET()
    call_command("backup", str(tmp_path / "d.zip"), stdout=out)
    assert "MAATWERK_BACKUP_KEY is niet gezet" in out.getvalue() and "SECRET_KEY" in out.getvalue()
    run_restore(tmp_path / "d.zip")
    with pytest.raises(CommandError, match="handtekening klopt niet"):
        run_restore(archive)


# ------------------------------------------------------------------------------------------ M2


def _corpus():
    """name -> (function of the good backup's entries and the tmp dir giving a zip path, expected message)."""

    def signed(mutate):
        return lambda entries, path: write_zip(path, mutate(dict(entries)))

    def truncated(entries, path):
        write_zip(path, entries)
        path.write_bytes(path.read_bytes()[: len(path.read_bytes()) // 2])
        return path

    def recomputed_hash_without_key(entries, path):
        return write_zip(path, replace_data(entries, backdoor_rows(entries)), sign=False)

    def missing_file(entries):
        name = next(n for n in entries if n.startswith("uploads/"))
        return {k: v for k, v in entries.items() if k != name}

    def extra_file(entries):
        entries["uploads/ongevraagd.pdf"] = PDF
        return entries

    def changed_file(entries):
        name = next(n for n in entries if n.startswith("uploads/"))
        entries[name] = entries[name] + b"tampered"
        return entries

    def duplicate(entries, path):
        write_zip(path, entries)
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            with zipfile.ZipFile(path, "a") as zf:
                zf.writestr("data.json", b"[]")
        return path

    def symlink(entries, path):
        info = zipfile.ZipInfo("uploads/link")
        info.external_attr = (0o120777) << 16
        manifest = manifest_of(entries)
        manifest["files"]["link"] = hashlib.sha256(b"/etc/passwd").hexdigest()
        return write_zip(path, with_manifest(entries, manifest), raw=[(info, b"/etc/passwd")])

    def directory_entry(entries, path):
        return write_zip(path, entries, raw=[(zipfile.ZipInfo("uploads/map/"), b"")])

    def rows(mutate):
        return signed(lambda entries: replace_data(entries, mutate(json.loads(entries["data.json"]))))

    def orphan(data):
        bc = next(r for r in data if r["model"] == "finance.businesscase")
        bc["fields"]["project"] = 987654
        return data

    def bad_choice(data):
        next(r for r in data if r["model"] == "trajectories.document")["fields"]["confidentiality"] = "gehackt"
        return data

    def unknown_field(data):
        next(r for r in data if r["model"] == "auth.user")["fields"]["backdoor"] = True
        return data

    def unknown_permission(data):
        next(r for r in data if r["model"] == "auth.user")["fields"]["user_permissions"] = [["bestaat_niet", "finance", "pricepoint"]]
        return data

    def excluded_model(data):
        return data + [{"model": "core.datageneration", "pk": 1, "fields": {"value": 1}}]

    def too_long(data):
        next(r for r in data if r["model"] == "auth.user")["fields"]["username"] = "x" * 400
        return data

    def duplicate_pk(data):
        user = next(r for r in data if r["model"] == "auth.user")
        return data + [dict(user, fields=dict(user["fields"], username="kopie"))]

    def newer_schema(entries):
        manifest = manifest_of(entries)
        manifest["migrations"].setdefault("finance", []).append("9999_uit_de_toekomst")
        return with_manifest(entries, manifest)

    return {
        "dot-entry": (signed(lambda e: add_file(e, ".")), "ongeldig bestandspad '\\.'"),
        "file-and-folder": (signed(lambda e: add_file(add_file(e, "docs/a"), "docs/a/b")), "zowel een bestand als een map"),
        "dotdot": (signed(lambda e: add_file(e, "../x")), "ongeldig bestandspad '\\.\\./x'"),
        "dotdot-inside": (signed(lambda e: add_file(e, "docs/../../x")), "ongeldig bestandspad"),
        "absolute": (signed(lambda e: add_file(e, "/tmp/x")), "ongeldig bestandspad '/tmp/x'"),
        "backslash": (signed(lambda e: add_file(e, "..\\x")), "ongeldig bestandspad"),
        "empty-part": (signed(lambda e: add_file(e, "docs//x")), "ongeldig bestandspad"),
        "recomputed-hash-without-key": (recomputed_hash_without_key, "handtekening klopt niet"),
        "truncated": (truncated, "geen leesbare back-up|beschadigd"),
        "missing-file": (signed(missing_file), "ontbreekt in de zip"),
        "extra-file": (signed(extra_file), "niet in het manifest staan: uploads/ongevraagd.pdf"),
        "changed-file": (signed(changed_file), "klopt niet met het manifest"),
        "duplicate-entry": (duplicate, "dubbele namen: data.json"),
        "symlink-entry": (symlink, "geen gewoon bestand"),
        "directory-entry": (directory_entry, "geen gewoon bestand"),
        "not-json": (signed(lambda e: replace_data(e, []) | {"data.json": b"{nope"} | {"manifest.json": json.dumps(manifest_of(e) | {"data_sha256": hashlib.sha256(b"{nope").hexdigest()}).encode()}), "geen geldige JSON"),
        "orphan-row": (rows(orphan), "passen niet in de database"),
        "bad-choice": (rows(bad_choice), "veld confidentiality: 'gehackt' is geen toegestane keuze"),
        "unknown-field": (rows(unknown_field), "backdoor"),
        "unknown-permission": (rows(unknown_permission), "rij"),
        "excluded-model": (rows(excluded_model), "core.datageneration.*hoort niet"),
        "too-long": (rows(too_long), "veld username"),
        "duplicate-pk": (rows(duplicate_pk), "auth.user.*komt twee keer voor"),
        "newer-schema": (signed(newer_schema), "nieuwere versie.*9999_uit_de_toekomst"),
        "wrong-format": (signed(lambda e: with_manifest(e, manifest_of(e) | {"format": 1})), "onbekende versie 1"),
    }


CORPUS = _corpus()


@pytest.mark.parametrize("case", sorted(CORPUS))
def test_m2_tampered_zip_corpus_is_refused_and_changes_nothing(case, loaded, tmp_path, settings):
    archive = run_backup(tmp_path / "b.zip")
    # the database and the uploads differ from the backup, so that a restore would change them
    services.add_document(trajectory("Nobian"), "other", "na de back-up", "internal", data=PDF + b"nieuw", file_name="nieuw.pdf")
    make_user("t-na-de-backup")
    craft, message = CORPUS[case]
    crafted = craft(read_zip(archive), tmp_path / f"{case}.zip")
    before, files = db_state(), media_state(settings)
    with pytest.raises(CommandError, match=f"(?s)({message}).*Er is niets gewijzigd"):
        run_restore(crafted)
    assert db_state() == before
    assert media_state(settings) == files
    assert not list(Path(settings.MEDIA_ROOT).parent.glob(".media-*")), "staging left behind"
    run_restore(archive)  # the genuine backup still restores


def test_m2_files_uploaded_after_the_backup_are_removed(loaded, tmp_path, settings):
    archive = run_backup(tmp_path / "b.zip")
    files = media_state(settings)
    later = services.add_document(trajectory("Nobian"), "other", "later", "internal", data=PDF + b"later", file_name="later.pdf")
    (Path(settings.MEDIA_ROOT) / loaded.file.name).unlink()
    assert (Path(settings.MEDIA_ROOT) / later.file.name).exists()
    run_restore(archive)
    assert media_state(settings) == files
    assert not Document.objects.filter(pk=later.pk).exists()


# ------------------------------------------------------------------------------------------ M3


@pytest.mark.skipif(
    connection.vendor != "postgresql",
    reason="needs concurrent connections, which the in-memory SQLite test database cannot take; "
    "on SQLite test_m3_backup_during_concurrent_writes_is_one_snapshot_on_sqlite covers it",
)
def test_m3_backup_during_concurrent_writes_is_one_snapshot(loaded, tmp_path, settings):
    traj_ids = list(Trajectory.objects.values_list("pk", flat=True))
    stop = threading.Event()
    written = []
    errors = []

    def writer(n):
        try:
            i = 0
            while not stop.is_set():
                with transaction.atomic():
                    project = Project.objects.create(trajectory_id=traj_ids[i % len(traj_ids)], name=f"gelijktijdig {n}-{i}")
                    BusinessCase.objects.create(project=project, start_year=2026, lifetime_years=15, hurdle_rate=0.08)
                    services.note(Trajectory.objects.get(pk=traj_ids[i % len(traj_ids)]), f"notitie {n}-{i}", None)
                written.append(project.pk)
                i += 1
        except Exception as exc:  # noqa: BLE001
            errors.append(exc)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=writer, args=(n,)) for n in range(3)]
    for thread in threads:
        thread.start()
    try:
        time.sleep(0.3)
        archives = [run_backup(tmp_path / f"b{i}.zip") for i in range(3)]
    finally:
        stop.set()
        for thread in threads:
            thread.join()
    assert not errors, errors
    assert len(written) > 10  # the writers really wrote during the backups
    for archive in archives:
        data = json.loads(read_zip(archive)["data.json"])
        projects = {r["pk"]: r["fields"]["name"] for r in data if r["model"] == "finance.project"}
        events = {r["pk"] for r in data if r["model"] == "trajectories.event"}
        cases = [r for r in data if r["model"] == "finance.businesscase"]
        assert all(r["fields"]["project"] in projects for r in cases), "business case without its project"
        # every writer's transaction is in the snapshot entirely or not at all
        gelijktijdig = sum(1 for name in projects.values() if name.startswith("gelijktijdig"))
        notes = sum(1 for r in data if r["model"] == "trajectories.event" and (r["fields"].get("note") or "").startswith("notitie "))
        with_case = sum(1 for r in cases if projects[r["fields"]["project"]].startswith("gelijktijdig"))
        assert gelijktijdig == notes == with_case, (gelijktijdig, notes, with_case)
        assert events
        run_restore(archive)
        assert not BusinessCase.objects.exclude(project__in=Project.objects.all()).exists()
        assert Project.objects.filter(name__startswith="gelijktijdig").count() == gelijktijdig


WRITE_DURING_BACKUPS = """
from maatwerk.core import backup as backup_module
from maatwerk.core.backup import backup
from maatwerk.finance.models import BusinessCase, Project
from maatwerk.trajectories import services
from maatwerk.trajectories.models import Trajectory

reading = threading.local()  # when the backup read the rows: the window its snapshot must span
read_rows = backup_module._dump

def timed_dump(using):
    reading.start = time.monotonic()
    try:
        return read_rows(using)
    finally:
        reading.end = time.monotonic()

backup_module._dump = timed_dump
out = Path(os.environ["BACKUP_DIR"])
traj_ids = list(Trajectory.objects.values_list("pk", flat=True))
options = dict(connection.settings_dict["OPTIONS"])
journal = connection.cursor().execute("PRAGMA journal_mode").fetchone()[0]
connection.close()
stop = threading.Event()
commits = []  # (before the commit, after it, tag) of every writer's transaction
backups = []  # (start, end of reading the rows, file) of every backup
errors = []

def writer(n):
    i = 0
    try:
        while not stop.is_set():
            tag = f"{n}-{i}"
            traj = traj_ids[(n + i) % len(traj_ids)]
            with transaction.atomic():
                project = Project.objects.create(trajectory_id=traj, name=f"gelijktijdig {tag}")
                BusinessCase.objects.create(project=project, start_year=2026, lifetime_years=15, hurdle_rate=0.08)
                services.note(Trajectory.objects.get(pk=traj), f"notitie {tag}", None)
                before = time.monotonic()
            commits.append((before, time.monotonic(), tag))
            i += 1
    except Exception as exc:
        errors.append(f"writer {n}: {exc!r}")
    finally:
        connection.close()

def backer(n):
    try:
        for i in range(int(os.environ["BACKUPS_PER_THREAD"])):
            path = out / f"b{n}-{i}.zip"
            backup(path)
            backups.append((reading.start, reading.end, str(path)))
            if connection.transaction_mode != options["transaction_mode"]:
                errors.append(f"after a backup this connection begins {connection.transaction_mode}")
            time.sleep(0.02)
    except Exception as exc:
        errors.append(f"backup {n}: {exc!r}")
    finally:
        connection.close()

writers = [threading.Thread(target=writer, args=(n,)) for n in range(int(os.environ["WRITERS"]))]
for t in writers:
    t.start()
deadline = time.monotonic() + 10
while len(commits) < 5 and time.monotonic() < deadline and not errors:
    time.sleep(0.01)
backers = [threading.Thread(target=backer, args=(n,)) for n in range(2)]
for t in backers:
    t.start()
for t in backers:
    t.join()
stop.set()
for t in writers:
    t.join()
print(json.dumps({
    "errors": errors, "journal": journal, "options": options, "written": len(commits),
    "backups": [{"file": f, "reading_seconds": end - start,
                 "committed_during": sum(1 for b, a, _ in commits if start < b and a < end)}
                for start, end, f in sorted(backups)],
}))
"""

RESTORE_EACH_INTO_A_FRESH_DATABASE = """
import shutil
from maatwerk.core.backup import backup, restore
from maatwerk.finance.models import BusinessCase, Project

db = Path(settings.DATABASES["default"]["NAME"])
connection.cursor().execute("PRAGMA wal_checkpoint(TRUNCATE)")
connections.close_all()
template = db.with_name("migrated.sqlite3")
shutil.copyfile(db, template)
results = []
for name in json.loads(os.environ["BACKUPS"]):
    connections.close_all()
    for extra in ("-wal", "-shm"):
        Path(f"{db}{extra}").unlink(missing_ok=True)
    shutil.copyfile(template, db)  # a freshly migrated, empty database for each backup
    again = Path(name).with_suffix(".again.zip")
    try:
        restore(Path(name))
        backup(again)
    except Exception as exc:
        results.append({"file": name, "error": repr(exc)})
        continue
    results.append({"file": name, "again": str(again),
                    "orphans": BusinessCase.objects.exclude(project__in=Project.objects.all()).count(),
                    "projects": Project.objects.filter(name__startswith="gelijktijdig").count()})
print(json.dumps({"results": results}))
"""


def dangling_references(rows):
    """References in a backup's rows to rows that are not in it (foreign keys and many-to-many lists;
    content types and permissions are referred to by natural key, and are checked by the restore)."""
    present = {(row["model"], json.dumps(row["pk"])) for row in rows if "pk" in row}
    dangling = []
    for row in rows:
        model = apps.get_model(row["model"])
        for f in model._meta.get_fields():
            if not (f.concrete and f.is_relation) or f.related_model._meta.label_lower in ("contenttypes.contenttype", "auth.permission"):
                continue
            if not f.many_to_many and f.target_field is not f.related_model._meta.pk:
                continue
            value = row["fields"].get(f.name)
            targets = value if f.many_to_many else ([] if value is None else [value])
            for target in targets or []:
                if (f.related_model._meta.label_lower, json.dumps(target)) not in present:
                    dangling.append((row["model"], row.get("pk"), f.name, target))
    return dangling


@pytest.mark.skipif(
    connection.vendor != "sqlite",
    reason="a scenario for the SQLite file database; on PostgreSQL test_m3_backup_during_concurrent_writes_is_one_snapshot covers it",
)
def test_m3_backup_during_concurrent_writes_is_one_snapshot_on_sqlite(tmp_path):
    """The SQLite twin of the PostgreSQL test above, in a separate process on a file database with the
    project's settings (WAL, IMMEDIATE transactions, busy timeout): writers keep committing a project,
    its business case and a note while backups run, and every backup is one moment."""
    writers, per_thread = 3, 4
    outcome = run_on_sqlite_file(
        tmp_path / "live",
        WRITE_DURING_BACKUPS,
        env={"BACKUP_DIR": str(tmp_path), "WRITERS": str(writers), "BACKUPS_PER_THREAD": str(per_thread)},
    )
    assert not outcome["errors"], outcome["errors"]
    assert outcome["journal"] == "wal" and outcome["options"]["transaction_mode"] == "IMMEDIATE"
    assert "busy_timeout" in outcome["options"]["init_command"]
    backups = outcome["backups"]
    assert len(backups) == 2 * per_thread
    # the writers went on committing while the backups read the rows: no backup held the write lock
    assert max(b["committed_during"] for b in backups) > 0, backups
    assert sum(1 for b in backups if b["committed_during"] > 0) >= 2, backups

    seen = []
    for entry in backups:
        rows = json.loads(read_zip(entry["file"])["data.json"])
        assert not dangling_references(rows), (entry["file"], dangling_references(rows)[:5])
        # each writer's transaction is in the backup entirely or not at all ...
        projects = {r["pk"]: r["fields"]["name"].removeprefix("gelijktijdig ") for r in rows
                    if r["model"] == "finance.project" and r["fields"]["name"].startswith("gelijktijdig ")}
        with_case = {projects[r["fields"]["project"]] for r in rows if r["model"] == "finance.businesscase" and r["fields"]["project"] in projects}
        notes = {r["fields"]["note"].removeprefix("notitie ") for r in rows
                 if r["model"] == "trajectories.event" and (r["fields"].get("note") or "").startswith("notitie ")}
        tags = set(projects.values())
        assert tags == with_case == notes, (entry["file"], sorted(tags ^ with_case), sorted(tags ^ notes))
        # ... and of each writer, exactly its first k transactions: the backup is the state at one moment
        for n in range(writers):
            done = sorted(int(t.split("-")[1]) for t in tags if t.startswith(f"{n}-"))
            assert done == list(range(len(done))), (entry["file"], n, done)
        seen.append(len(tags))
    assert len(set(seen)) > 1  # the backups saw different moments of the writing

    # every backup restores into a freshly migrated database; backing that up again gives the same data
    restored = run_on_sqlite_file(tmp_path / "fresh", RESTORE_EACH_INTO_A_FRESH_DATABASE, demo=False,
                                  env={"BACKUPS": json.dumps([b["file"] for b in backups])})["results"]
    assert [r["file"] for r in restored] == [b["file"] for b in backups]
    for result, count in zip(restored, seen):
        assert "error" not in result, result
        assert result["orphans"] == 0 and result["projects"] == count
        first, again = read_zip(result["file"]), read_zip(result["again"])
        assert canonical(first["data.json"]) == canonical(again["data.json"]), result["file"]
        assert manifest_of(first)["models"] == manifest_of(again)["models"]


# ----------------------------------------------------------------------------------------- Low


def test_low_backup_keeps_timestamps_to_the_microsecond(loaded, tmp_path):
    moment = datetime.datetime(2026, 3, 4, 5, 6, 7, 123456, tzinfo=datetime.UTC)
    PriceDeck.objects.update(imported_at=moment)
    Document.objects.filter(pk=loaded.pk).update(uploaded_at=moment + datetime.timedelta(microseconds=1))
    archive = run_backup(tmp_path / "b.zip")
    PriceDeck.objects.update(imported_at=timezone.now())
    run_restore(archive)
    assert set(PriceDeck.objects.values_list("imported_at", flat=True)) == {moment}
    assert Document.objects.get(pk=loaded.pk).uploaded_at == moment + datetime.timedelta(microseconds=1)


# -------------------------------------------------------------------------------- round trip


def test_backup_restore_backup_gives_identical_data(loaded, tmp_path, settings):
    user = make_user("t-programma")
    user.is_staff = True
    user.save()
    user.user_permissions.add(Permission.objects.get(content_type__app_label="finance", codename="view_pricepoint"))
    security_rows(user)
    PriceDeck.objects.update(imported_at=datetime.datetime(2026, 1, 2, 3, 4, 5, 678901, tzinfo=datetime.UTC))
    first = run_backup(tmp_path / "first.zip")

    # change everything in between: rows, files, content-type and permission ids
    shuffle_content_type_ids()
    make_user("t-extra")
    services.add_document(trajectory("Nobian"), "other", "extra", "internal", data=PDF + b"extra", file_name="extra.pdf")
    (Path(settings.MEDIA_ROOT) / loaded.file.name).write_bytes(b"overschreven")
    Session.objects.all().delete()
    LogEntry.objects.all().delete()

    run_restore(first)
    second = run_backup(tmp_path / "second.zip")
    a, b = read_zip(first), read_zip(second)
    assert canonical(a["data.json"]) == canonical(b["data.json"])
    uploads_a = {k: v for k, v in a.items() if k.startswith("uploads/")}
    assert uploads_a == {k: v for k, v in b.items() if k.startswith("uploads/")}
    assert uploads_a["uploads/" + loaded.file.name] == PDF
    assert manifest_of(a)["models"] == manifest_of(b)["models"]
    assert "678901" in a["data.json"].decode()
    assert user_permissions(user) == [("finance", "view_pricepoint")]


def test_restore_leaves_no_stale_cached_figures(loaded, tmp_path):
    archive = run_backup(tmp_path / "b.zip")
    count = Trajectory.objects.count()
    services.transition(trajectory("OCI Nitrogen"), "withdrawn", datetime.date(2026, 1, 5), note="weg")
    figure = lambda: sorted(Trajectory.objects.values_list("company__name", "phase"))  # noqa: E731
    changed = datacache.cached("test-backup", (), figure)
    generation = datacache.generation()
    run_restore(archive)
    assert datacache.generation() > generation
    restored = datacache.cached("test-backup", (), figure)
    assert restored == figure() and restored != changed
    assert Trajectory.objects.count() == count


def test_backup_to_an_unwritable_place_says_so(loaded, tmp_path):
    with pytest.raises(CommandError, match="kon niet worden geschreven.*\n.*geen back-up gemaakt"):
        run_backup(tmp_path / "bestaat-niet" / "b.zip")
    assert not list(tmp_path.rglob("*.tmp"))
