"""Backup and restore: every table of the project (and users) plus the uploaded documents, in one zip.

The zip holds ``data.json`` (Django's serialisation of all rows, in dependency order), the uploaded
files under ``uploads/`` and ``manifest.json`` (when, counts, sha256 per file), so a restore can
check that nothing is missing or changed before it writes anything.
"""

from __future__ import annotations

import hashlib
import io
import json
import zipfile
from pathlib import Path

from django.conf import settings
from django.core import serializers
from django.core.management import call_command
from django.db import transaction
from django.utils import timezone

APPS = ["auth", "registry", "trajectories", "finance", "programme", "accounts"]
FORMAT_VERSION = 1


class BackupError(ValueError):
    pass


def _uploads() -> list[Path]:
    root = Path(settings.MEDIA_ROOT)
    return sorted(p for p in root.rglob("*") if p.is_file()) if root.exists() else []


def backup(path: Path) -> dict:
    out = io.StringIO()
    call_command("dumpdata", *APPS, format="json", natural_foreign=False, stdout=out, exclude=["auth.permission"])
    data = out.getvalue().encode()
    root = Path(settings.MEDIA_ROOT)
    manifest = {"format": FORMAT_VERSION, "created": timezone.now().isoformat(), "data_sha256": hashlib.sha256(data).hexdigest(), "files": {}}
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as zf:
        zf.writestr("data.json", data)
        for file in _uploads():
            rel = file.relative_to(root).as_posix()
            content = file.read_bytes()
            manifest["files"][rel] = hashlib.sha256(content).hexdigest()
            zf.writestr(f"uploads/{rel}", content)
        manifest["rows"] = len(json.loads(data))
        zf.writestr("manifest.json", json.dumps(manifest, indent=1))
    return manifest


def _read(path: Path) -> tuple[bytes, dict, dict[str, bytes]]:
    try:
        zf = zipfile.ZipFile(path)
    except (OSError, zipfile.BadZipFile) as exc:
        raise BackupError(f"{path}: geen leesbare back-up ({exc})") from None
    with zf:
        names = set(zf.namelist())
        if not {"data.json", "manifest.json"} <= names:
            raise BackupError(f"{path}: data.json of manifest.json ontbreekt")
        manifest = json.loads(zf.read("manifest.json"))
        if manifest.get("format") != FORMAT_VERSION:
            raise BackupError(f"{path}: onbekende versie {manifest.get('format')!r}")
        data = zf.read("data.json")
        if hashlib.sha256(data).hexdigest() != manifest["data_sha256"]:
            raise BackupError(f"{path}: data.json klopt niet met het manifest (beschadigd?)")
        files = {}
        for rel, digest in manifest["files"].items():
            if rel.startswith("/") or ".." in Path(rel).parts:
                raise BackupError(f"{path}: ongeldig bestandspad {rel!r}")
            try:
                content = zf.read(f"uploads/{rel}")
            except KeyError:
                raise BackupError(f"{path}: bestand {rel} ontbreekt") from None
            if hashlib.sha256(content).hexdigest() != digest:
                raise BackupError(f"{path}: bestand {rel} klopt niet met het manifest")
            files[rel] = content
    return data, manifest, files


def restore(path: Path) -> dict:
    """Replace the database contents and the uploads by the backup's; all checks happen before writing."""
    data, manifest, files = _read(path)
    objects = list(serializers.deserialize("json", data))
    with transaction.atomic():
        call_command("flush", interactive=False, verbosity=0)
        for obj in objects:
            obj.save()
        _reset_sequences()
    root = Path(settings.MEDIA_ROOT)
    for rel, content in files.items():
        target = root / rel
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(content)
    return manifest


def _reset_sequences() -> None:
    from django.apps import apps
    from django.core.management.color import no_style
    from django.db import connection

    models = [m for label in APPS for m in apps.get_app_config(label).get_models()]
    statements = connection.ops.sequence_reset_sql(no_style(), models)
    with connection.cursor() as cursor:
        for sql in statements:
            cursor.execute(sql)
