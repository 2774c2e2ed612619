"""Backup and restore round trip, including uploaded documents; damaged backups change nothing."""

import zipfile

import pytest
from django.core.management import CommandError, call_command

from maatwerk.finance.models import BusinessCase
from maatwerk.registry.models import EmissionRecord
from maatwerk.trajectories import services
from maatwerk.trajectories.models import Document, Event, Trajectory

from ..helpers import trajectory

pytestmark = pytest.mark.django_db(transaction=True)
PDF = b"%PDF-1.4\nbackup test\n%%EOF\n"


def snapshot():
    return (
        sorted(Trajectory.objects.values_list("company__name", "phase", "phase_since", "version")),
        sorted(Event.objects.values_list("pk", "kind", "to_phase", "effective_date", "note")),
        sorted(EmissionRecord.objects.values_list("installation__eutl_id", "year", "verified_emissions_t")),
        sorted(BusinessCase.objects.values_list("project__name", "other_income_eur_per_year")),
    )


def test_round_trip(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    call_command("load_demo", stdout=open("/dev/null", "w"))
    doc = services.add_document(trajectory("AnQore"), "business_case", "BC", "confidential", data=PDF, file_name="bc.pdf")
    before = snapshot()
    archive = tmp_path / "backup.zip"
    call_command("backup", str(archive), stdout=open("/dev/null", "w"))
    # lose data and the file
    services.transition(trajectory("OCI Nitrogen"), "withdrawn", __import__("datetime").date(2026, 1, 5), note="weg")
    (settings.MEDIA_ROOT / doc.file.name).unlink()
    Document.objects.filter(pk=doc.pk).update(title="veranderd")
    assert snapshot() != before
    call_command("restore", str(archive), "--yes", stdout=open("/dev/null", "w"))
    assert snapshot() == before
    restored = Document.objects.get(pk=doc.pk)
    assert restored.title == "BC" and (settings.MEDIA_ROOT / restored.file.name).read_bytes() == PDF
    # the sequences continue after the restored rows
    services.note(trajectory("AnQore"), "na restore", None)


def test_damaged_backup_is_refused_and_changes_nothing(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    call_command("load_demo", stdout=open("/dev/null", "w"))
    archive = tmp_path / "backup.zip"
    call_command("backup", str(archive), stdout=open("/dev/null", "w"))
    broken = tmp_path / "broken.zip"
    with zipfile.ZipFile(archive) as src, zipfile.ZipFile(broken, "w") as dst:
        for item in src.namelist():
            data = src.read(item)
            dst.writestr(item, data.replace(b"Nobian", b"Nobyan") if item == "data.json" else data)
    before = snapshot()
    with pytest.raises(CommandError, match="klopt niet met het manifest.*\n.*niets gewijzigd"):
        call_command("restore", str(broken), "--yes")
    with pytest.raises(CommandError, match="geen leesbare back-up"):
        call_command("restore", str(tmp_path / "nope.zip"), "--yes")
    with pytest.raises(CommandError, match="--yes"):
        call_command("restore", str(archive))
    assert snapshot() == before


def test_migrations_match_the_models():
    call_command("makemigrations", "--check", "--dry-run", stdout=open("/dev/null", "w"))
