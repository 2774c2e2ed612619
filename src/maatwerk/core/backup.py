"""Backup and restore: every table of every installed app plus the uploaded documents, in one signed zip.

The zip holds exactly these entries, each once:

- ``data.json``: every row of every model (see ``EXCLUDED`` for the one deliberate exception), with
  timestamps to the microsecond. Content types and permissions are written by natural key
  (``[app_label, model]``, ``[codename, app_label, model]``) and every reference to them too (a
  user's or group's permissions, the admin log's content type), so that a restore into a database
  whose content-type and permission ids differ gives every user exactly the permissions they had.
  All other rows keep their primary keys (sessions and the admin log refer to users by id).
- ``uploads/<path>``: the uploaded files.
- ``manifest.json``: format, creation time, the applied migrations, row counts per model, the
  sha256 of ``data.json`` and of every file.
- ``manifest.sig``: HMAC-SHA256 of the manifest with the backup key (``MAATWERK_BACKUP_KEY``, or a
  key derived from ``SECRET_KEY`` when that is not set). As the manifest holds the digest of every
  other entry, the signature covers the whole backup.

A backup is one snapshot: on PostgreSQL it reads in a single REPEATABLE READ, READ ONLY
transaction, on SQLite in one DEFERRED read transaction (which, with WAL, lets writers go on while it
reads; an IMMEDIATE one would hold the write lock for the whole backup).

A restore checks everything before it changes anything: the signature (unless ``unsigned``), the zip
(no duplicate, unexpected, symlinked or missing entries), every path, every digest, and that the
data deserialises into valid rows of this schema. The uploads are written to a staging directory
next to ``MEDIA_ROOT``; the database is replaced in one transaction, which rolls back completely on
any error; only after it committed is the staging directory swapped in for ``MEDIA_ROOT``, so files
that were uploaded after the backup are gone too. Finally the data generation is raised, so that no
figure cached before the restore is served after it.
"""

from __future__ import annotations

import datetime
import hashlib
import hmac
import json
import os
import shutil
import stat
import uuid
import zipfile
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath

from django.apps import apps
from django.conf import settings
from django.core import serializers
from django.core.exceptions import ValidationError
from django.core.serializers.json import DjangoJSONEncoder
from django.core.serializers.python import Serializer as PythonSerializer
from django.db import DEFAULT_DB_ALIAS, DatabaseError, IntegrityError, connections, transaction
from django.db.migrations.recorder import MigrationRecorder
from django.db.models import Prefetch
from django.utils import timezone

FORMAT_VERSION = 2
DATA = "data.json"
MANIFEST = "manifest.json"
SIGNATURE = "manifest.sig"
UPLOADS = "uploads/"
KEY_ENV = "MAATWERK_BACKUP_KEY"
MIN_KEY_LENGTH = 32
MAX_MANIFEST_BYTES = 50 * 1024 * 1024  # read before the signature is checked

# Models written by natural key (no id), and referred to by natural key from every other row.
NATURAL = ("contenttypes.contenttype", "auth.permission")

# Models deliberately not in a backup, with the reason. Everything else is.
EXCLUDED = {
    "core.datageneration": (
        "the data generation of the cache (core.datacache) must only rise: a restored, older number "
        "could name figures cached before; a restore raises it instead"
    ),
}


class BackupError(ValueError):
    pass


# ----------------------------------------------------------------------------------------- keys


@dataclass(frozen=True)
class BackupKey:
    secret: bytes
    source: str  # for messages: where the key came from

    @property
    def from_environment(self) -> bool:
        return self.source == KEY_ENV


def backup_key() -> BackupKey:
    """The signing key: ``MAATWERK_BACKUP_KEY``, or else one derived from ``SECRET_KEY``."""
    value = os.environ.get(KEY_ENV, "")
    if value:
        if len(value) < MIN_KEY_LENGTH:
            raise BackupError(f"{KEY_ENV} is te kort ({len(value)} tekens); gebruik minstens {MIN_KEY_LENGTH} willekeurige tekens.")
        return BackupKey(value.encode(), KEY_ENV)
    derived = hmac.new(settings.SECRET_KEY.encode(), b"maatwerk backup signing key v2", hashlib.sha256).digest()
    return BackupKey(derived, "SECRET_KEY")


def key_notice(key: BackupKey) -> str:
    if key.from_environment:
        return f"Ondertekend met de sleutel uit {KEY_ENV}."
    return (
        f"Let op: {KEY_ENV} is niet gezet; ondertekend met een sleutel afgeleid van SECRET_KEY. "
        f"Terugzetten kan dan alleen met dezelfde SECRET_KEY; zet liever {KEY_ENV} (en bewaar die sleutel apart)."
    )


def sign(manifest_bytes: bytes, key: BackupKey) -> str:
    return hmac.new(key.secret, b"maatwerk-backup-v2\n" + manifest_bytes, hashlib.sha256).hexdigest()


# --------------------------------------------------------------------------------- serialisation


class _Encoder(DjangoJSONEncoder):
    """Django's encoder cuts datetimes and times to milliseconds; a backup keeps microseconds."""

    def default(self, o):
        if isinstance(o, (datetime.datetime, datetime.time)):
            return o.isoformat()
        return super().default(o)


class _Serializer(PythonSerializer):
    """Natural keys for content types and permissions only: for their own rows (no id) and for
    every reference to them. Every other row keeps its id and is referred to by id."""

    def get_dump_object(self, obj):
        self.use_natural_primary_keys = obj._meta.label_lower in NATURAL
        return super().get_dump_object(obj)

    def handle_fk_field(self, obj, field):
        self.use_natural_foreign_keys = field.related_model._meta.label_lower in NATURAL
        super().handle_fk_field(obj, field)

    def handle_m2m_field(self, obj, field):
        self.use_natural_foreign_keys = field.related_model._meta.label_lower in NATURAL
        super().handle_m2m_field(obj, field)


def backed_up_models() -> list:
    """Every concrete model of every installed app, content types and permissions first (the
    others refer to them by natural key), except ``EXCLUDED``. Automatic many-to-many tables are
    written as the lists of their models' fields."""
    models = [m for m in apps.get_models() if not m._meta.proxy and m._meta.managed and m._meta.label_lower not in EXCLUDED]
    first = [m for label in NATURAL for m in models if m._meta.label_lower == label]
    return first + [m for m in models if m not in first]


def _queryset(model):
    from django.contrib.auth.models import Permission

    qs = model._default_manager.order_by("pk")
    if model._meta.label_lower == "auth.permission":
        qs = qs.select_related("content_type")
    lookups = []
    for m2m in model._meta.many_to_many:
        if not m2m.remote_field.through._meta.auto_created:
            continue
        if m2m.related_model is Permission:
            lookups.append(Prefetch(m2m.name, queryset=Permission.objects.select_related("content_type")))
        else:
            lookups.append(Prefetch(m2m.name, queryset=m2m.related_model._default_manager.only("pk")))
    return qs.prefetch_related(*lookups).iterator(chunk_size=2000) if lookups else qs.iterator(chunk_size=2000)


def _applied_migrations(using: str) -> dict[str, list[str]]:
    applied: dict[str, list[str]] = {}
    for app, name in sorted(MigrationRecorder(connections[using]).applied_migrations()):
        applied.setdefault(app, []).append(name)
    return applied


def _dump(using: str) -> tuple[list[dict], dict[str, list[str]]]:
    rows: list[dict] = []
    for model in backed_up_models():
        rows.extend(_Serializer().serialize(_queryset(model)))
    return rows, _applied_migrations(using)


def _snapshot_dump(using: str) -> tuple[list[dict], dict[str, list[str]]]:
    """All rows as of one moment, while others may be writing."""
    connection = connections[using]
    if connection.in_atomic_block:  # inside a caller's transaction: that is the snapshot
        return _dump(using)
    if connection.vendor == "sqlite":
        return _sqlite_snapshot_dump(using)
    with transaction.atomic(using=using):
        if connection.vendor == "postgresql":
            with connection.cursor() as cursor:
                cursor.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY")
        return _dump(using)


def _sqlite_snapshot_dump(using: str) -> tuple[list[dict], dict[str, list[str]]]:
    """On SQLite a read transaction, DEFERRED whatever the configured transaction mode. The project's
    mode is IMMEDIATE (issue 12, M9): a plain ``atomic()`` would take the write lock for the whole
    backup, so every writer would wait for it (and fail with "database is locked" once a backup takes
    longer than the busy timeout). A DEFERRED transaction takes no lock when it begins; its first read
    fixes the snapshot (with WAL: the last commit before that read), and every later read of the
    transaction sees that snapshot while others go on committing."""
    connection = connections[using]
    connection.ensure_connection()
    configured = connection.transaction_mode
    connection.transaction_mode = "DEFERRED"  # read by atomic() when it issues BEGIN
    try:
        with transaction.atomic(using=using):
            connection.transaction_mode = configured  # nothing else in this connection begins DEFERRED
            with connection.cursor() as cursor:  # take the read snapshot now, not at the first table
                cursor.execute("SELECT count(*) FROM sqlite_master")
            return _dump(using)
    finally:
        connection.transaction_mode = configured


def _uploads() -> list[Path]:
    root = Path(settings.MEDIA_ROOT)
    if not root.exists():
        return []
    return sorted(p for p in root.rglob("*") if p.is_file() and not p.is_symlink())


def encode_data(rows: list[dict]) -> bytes:
    return json.dumps(rows, cls=_Encoder, ensure_ascii=False, indent=0, sort_keys=True).encode()


def backup(path: Path, using: str = DEFAULT_DB_ALIAS) -> dict:
    key = backup_key()
    rows, migrations = _snapshot_dump(using)
    data = encode_data(rows)
    counts: dict[str, int] = {}
    for row in rows:
        counts[row["model"]] = counts.get(row["model"], 0) + 1
    root = Path(settings.MEDIA_ROOT)
    files = {file.relative_to(root).as_posix(): file.read_bytes() for file in _uploads()}
    manifest = {
        "format": FORMAT_VERSION,
        "created": timezone.now().isoformat(),
        "data_sha256": hashlib.sha256(data).hexdigest(),
        "rows": len(rows),
        "models": counts,
        "excluded": EXCLUDED,
        "migrations": migrations,
        "files": {rel: hashlib.sha256(content).hexdigest() for rel, content in files.items()},
    }
    manifest_bytes = json.dumps(manifest, indent=1, sort_keys=True).encode()
    tmp = path.with_name(f".{path.name}.{uuid.uuid4().hex}.tmp")
    try:
        with zipfile.ZipFile(tmp, "w", zipfile.ZIP_DEFLATED) as zf:
            zf.writestr(MANIFEST, manifest_bytes)
            zf.writestr(SIGNATURE, sign(manifest_bytes, key))
            zf.writestr(DATA, data)
            for rel, content in files.items():
                zf.writestr(UPLOADS + rel, content)
        os.replace(tmp, path)
    except OSError as exc:
        raise BackupError(f"{path}: de back-up kon niet worden geschreven ({exc})") from None
    finally:
        tmp.unlink(missing_ok=True)
    manifest["key_notice"] = key_notice(key)
    return manifest


# ------------------------------------------------------------------------------------- checking


@dataclass
class _Contents:
    manifest: dict
    rows: list[dict]
    files: dict[str, bytes] = field(default_factory=dict)
    signed: bool = True


def _check_path(where: str, rel: object) -> str:
    if not isinstance(rel, str) or not rel:
        raise BackupError(f"{where}: ongeldig bestandspad {rel!r} in het manifest")
    bad = (
        "\\" in rel
        or "\x00" in rel
        or rel.startswith("/")
        or (len(rel) > 1 and rel[1] == ":")
        or any(part in ("", ".", "..") for part in rel.split("/"))
        or any(ord(ch) < 32 for ch in rel)
        or len(rel) > 500
    )
    if bad:
        raise BackupError(f"{where}: ongeldig bestandspad {rel!r} in het manifest (absoluut, '.', '..', backslash of leeg deel)")
    return rel


def _check_paths(where: str, paths: list[str]) -> None:
    files = set(paths)
    for rel in paths:
        for parent in PurePosixPath(rel).parents:
            if str(parent) in files:
                raise BackupError(f"{where}: {str(parent)!r} is zowel een bestand als een map in het manifest")


def _read(path: Path, *, unsigned: bool = False) -> _Contents:
    where = str(path)
    key = None if unsigned else backup_key()
    try:
        zf = zipfile.ZipFile(path)
    except (OSError, zipfile.BadZipFile, zipfile.LargeZipFile, EOFError, ValueError) as exc:
        raise BackupError(f"{where}: geen leesbare back-up ({exc})") from None
    try:
        with zf:
            infos = zf.infolist()
            names = [info.filename for info in infos]
            if len(names) != len(set(names)):
                dup = sorted({n for n in names if names.count(n) > 1})
                raise BackupError(f"{where}: de zip bevat dubbele namen: {', '.join(dup)}")
            for info in infos:
                mode = info.external_attr >> 16
                if info.is_dir() or (stat.S_IFMT(mode) and not stat.S_ISREG(mode)):
                    raise BackupError(f"{where}: de zip bevat {info.filename!r}, dat geen gewoon bestand is (map of symbolische link)")
            if MANIFEST not in names or DATA not in names:
                raise BackupError(f"{where}: {DATA} of {MANIFEST} ontbreekt")
            for info in infos:
                if info.filename in (MANIFEST, SIGNATURE) and info.file_size > MAX_MANIFEST_BYTES:
                    raise BackupError(f"{where}: {info.filename} is onwaarschijnlijk groot ({info.file_size} bytes)")
            manifest_bytes = zf.read(MANIFEST)
            if key is not None:
                if SIGNATURE not in names:
                    raise BackupError(f"{where}: de back-up is niet ondertekend ({SIGNATURE} ontbreekt); alleen met --unsigned terug te zetten")
                expected = sign(manifest_bytes, key)
                given = zf.read(SIGNATURE).decode("ascii", "replace").strip()
                if not hmac.compare_digest(expected.encode(), given.encode()):
                    raise BackupError(
                        f"{where}: de handtekening klopt niet (gewijzigd, of gemaakt met een andere sleutel dan die "
                        f"uit {'MAATWERK_BACKUP_KEY' if key.from_environment else 'SECRET_KEY'})"
                    )
            try:
                manifest = json.loads(manifest_bytes)
            except ValueError:
                raise BackupError(f"{where}: {MANIFEST} is geen geldige JSON") from None
            if not isinstance(manifest, dict) or manifest.get("format") != FORMAT_VERSION:
                version = manifest.get("format") if isinstance(manifest, dict) else None
                raise BackupError(f"{where}: onbekende versie {version!r} (verwacht {FORMAT_VERSION})")
            listed = manifest.get("files")
            if not isinstance(listed, dict) or not isinstance(manifest.get("data_sha256"), str):
                raise BackupError(f"{where}: {MANIFEST} is onvolledig (files of data_sha256 ontbreekt)")
            rels = [_check_path(where, rel) for rel in listed]
            _check_paths(where, rels)
            expected_names = {MANIFEST, DATA} | {UPLOADS + rel for rel in rels}
            if key is not None:
                expected_names.add(SIGNATURE)
            extra = sorted(set(names) - expected_names - {SIGNATURE})
            if extra:
                raise BackupError(f"{where}: de zip bevat bestanden die niet in het manifest staan: {', '.join(extra)}")
            missing = sorted(expected_names - set(names))
            if missing:
                raise BackupError(f"{where}: bestand {missing[0]} ontbreekt in de zip")
            data = zf.read(DATA)
            if not hmac.compare_digest(hashlib.sha256(data).hexdigest(), manifest["data_sha256"]):
                raise BackupError(f"{where}: {DATA} klopt niet met het manifest (beschadigd of gewijzigd)")
            files = {}
            for rel, digest in listed.items():
                content = zf.read(UPLOADS + rel)
                if not isinstance(digest, str) or not hmac.compare_digest(hashlib.sha256(content).hexdigest(), digest):
                    raise BackupError(f"{where}: bestand {rel} klopt niet met het manifest")
                files[rel] = content
    except (zipfile.BadZipFile, EOFError, OSError, zipfile.LargeZipFile, NotImplementedError) as exc:
        raise BackupError(f"{where}: de zip is beschadigd ({exc})") from None
    try:
        rows = json.loads(data)
    except ValueError as exc:
        raise BackupError(f"{where}: {DATA} is geen geldige JSON ({exc})") from None
    if not isinstance(rows, list) or not all(isinstance(r, dict) and isinstance(r.get("model"), str) and isinstance(r.get("fields"), dict) for r in rows):
        raise BackupError(f"{where}: {DATA} heeft niet de vorm van een back-up (een lijst van rijen met model en fields)")
    _check_models(where, rows, manifest)
    return _Contents(manifest, rows, files, signed=key is not None)


def _check_models(where: str, rows: list[dict], manifest: dict) -> None:
    allowed = {m._meta.label_lower for m in backed_up_models()}
    for index, row in enumerate(rows):
        if row["model"] not in allowed:
            raise BackupError(f"{where}: {DATA}, rij {index + 1}: model {row['model']!r} hoort niet in een back-up van deze versie")
    seen = set()
    for index, row in enumerate(rows):
        ident = _identity(row)
        if ident in seen:
            raise BackupError(f"{where}: {DATA}, rij {index + 1}: {row['model']} {ident[1]} komt twee keer voor")
        seen.add(ident)
    backup_migrations = manifest.get("migrations")
    if not isinstance(backup_migrations, dict):
        raise BackupError(f"{where}: {MANIFEST} noemt de migraties niet")
    here = _applied_migrations(DEFAULT_DB_ALIAS)
    for app, names in sorted(backup_migrations.items()):
        unknown = sorted(set(names) - set(here.get(app, [])))
        if unknown:
            raise BackupError(
                f"{where}: de back-up komt van een nieuwere versie (migratie {app}.{unknown[0]} is hier niet toegepast); "
                "werk eerst de applicatie bij en migreer"
            )


def _identity(row: dict) -> tuple[str, str]:
    """What makes a row unique: its primary key, or for a row by natural key (no pk) that key."""
    if "pk" in row:
        return row["model"], json.dumps(row["pk"])
    fields = row["fields"]
    return row["model"], json.dumps([fields.get(name) for name in ("app_label", "model", "codename", "content_type")])


def _check_object(where: str, index: int, obj) -> None:
    """Field checks that the database would not all make itself: required, length, choices, validators.
    Relations are checked by the database's constraint check, not here (that would ask the database
    as it is before the restore)."""
    instance = obj.object
    label = instance._meta.label_lower
    for f in instance._meta.concrete_fields:
        if f.is_relation:
            continue
        value = getattr(instance, f.attname)
        try:
            if value is None:
                if not f.null and not f.primary_key:
                    raise ValidationError("verplicht veld is leeg")
                continue
            if f.choices and not (f.blank and value in f.empty_values) and not any(value == choice for choice, _ in f.flatchoices):
                raise ValidationError(f"{value!r} is geen toegestane keuze")
            f.run_validators(value)
        except ValidationError as exc:
            raise BackupError(f"{where}: {DATA}, rij {index + 1} ({label} {instance.pk}), veld {f.name}: {'; '.join(exc.messages)}") from None


# ------------------------------------------------------------------------------------- restoring


def restore(path: Path, *, unsigned: bool = False, using: str = DEFAULT_DB_ALIAS) -> dict:
    """Replace the database contents and the uploads by the backup's; nothing changes unless all is well."""
    from django.contrib.contenttypes.models import ContentType

    from . import datacache

    where = str(path)
    contents = _read(path, unsigned=unsigned)
    root = Path(settings.MEDIA_ROOT)
    staging = _stage(root, contents.files)
    try:
        try:
            with transaction.atomic(using=using):
                _replace_rows(where, contents.rows, using)
        except (DatabaseError, IntegrityError) as exc:
            raise BackupError(f"{where}: de gegevens passen niet in de database ({exc}); alles is teruggedraaid") from None
        finally:
            ContentType.objects.clear_cache()
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        raise
    datacache.bump()
    removed = _swap_in(root, staging)
    manifest = dict(contents.manifest)
    manifest["removed_files"] = removed
    manifest["signed"] = contents.signed
    return manifest


def _replace_rows(where: str, rows: list[dict], using: str) -> None:
    connection = connections[using]
    keep = set(NATURAL)  # updated in place by natural key: other tables of this database refer to them
    models = backed_up_models()
    tables = []
    for model in models:
        if model._meta.label_lower in keep:
            continue
        tables.append(model._meta.db_table)
        tables.extend(
            m2m.remote_field.through._meta.db_table for m2m in model._meta.local_many_to_many if m2m.remote_field.through._meta.auto_created
        )
    from django.core.management.color import no_style

    with connection.cursor() as cursor:
        for sql in connection.ops.sql_flush(no_style(), tables, reset_sequences=False, allow_cascade=False):
            cursor.execute(sql)
    objects = serializers.deserialize("python", rows, using=using, handle_forward_references=False)
    index = 0  # the row being read or written
    try:
        for obj in objects:
            _check_object(where, index, obj)
            obj.save(using=using)
            index += 1
    except BackupError:
        raise
    except DatabaseError:
        raise  # the caller reports it, after the rollback
    except Exception as exc:  # noqa: BLE001 - anything that does not deserialise: refused, rolled back
        raise BackupError(f"{where}: {DATA}, rij {index + 1}: {type(exc).__name__}: {exc}") from None
    connection.check_constraints()
    statements = connection.ops.sequence_reset_sql(no_style(), models)
    with connection.cursor() as cursor:
        for sql in statements:
            cursor.execute(sql)


def _stage(root: Path, files: dict[str, bytes]) -> Path:
    """Write the backup's uploads next to MEDIA_ROOT; nothing in MEDIA_ROOT changes yet."""
    root.parent.mkdir(parents=True, exist_ok=True)
    staging = root.parent / f".{root.name}-restore-{uuid.uuid4().hex}"
    try:
        staging.mkdir()
        for rel, content in files.items():
            target = staging.joinpath(*rel.split("/"))
            if staging.resolve() not in target.resolve().parents:
                raise BackupError(f"bestandspad {rel!r} valt buiten de uploadmap")
            target.parent.mkdir(parents=True, exist_ok=True)
            with open(target, "xb") as handle:
                handle.write(content)
    except OSError as exc:
        shutil.rmtree(staging, ignore_errors=True)
        raise BackupError(f"de uploads konden niet worden klaargezet in {staging} ({exc}); er is niets gewijzigd") from None
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        raise
    return staging


def _swap_in(root: Path, staging: Path) -> int:
    """Make the staged uploads MEDIA_ROOT; returns how many files of the old MEDIA_ROOT are not in it."""
    staged = {p.relative_to(staging).as_posix() for p in staging.rglob("*") if p.is_file()}
    old_files = {p.relative_to(root).as_posix() for p in root.rglob("*") if p.is_file() or p.is_symlink()} if root.exists() else set()
    removed = len(old_files - staged)
    old = root.parent / f".{root.name}-old-{uuid.uuid4().hex}"
    try:
        if root.exists() or root.is_symlink():
            os.replace(root, old)
        os.replace(staging, root)
    except OSError:
        # MEDIA_ROOT cannot be renamed (a mount point, say): replace its contents instead
        if old.exists() and not root.exists():
            os.replace(old, root)
        for child in list(root.iterdir()) if root.exists() else []:
            if child.is_dir() and not child.is_symlink():
                shutil.rmtree(child)
            else:
                child.unlink()
        root.mkdir(parents=True, exist_ok=True)
        for child in staging.iterdir():
            shutil.move(str(child), str(root / child.name))
        shutil.rmtree(staging, ignore_errors=True)
    else:
        shutil.rmtree(old, ignore_errors=True)
    return removed
