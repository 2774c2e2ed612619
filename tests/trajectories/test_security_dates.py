"""Issue 12 (security), low: implausible dates (0001-01-01, 9999-12-31) never enter the append-only
history, on any route: web forms, API, CLI, and the service/model layer."""

import datetime as dt

import pytest
from django.core.exceptions import ValidationError
from django.core.management import CommandError, call_command
from django.urls import reverse

from maatwerk.accounts.models import Role
from maatwerk.core import dates
from maatwerk.trajectories import services
from maatwerk.trajectories.models import AmviAdvice, Document, Event, ParliamentNotice

from .. import factories
from ..helpers import make_user

BAD = ["0001-01-01", "1999-12-31", "9999-12-31"]


@pytest.fixture
def fc(db):
    """A trajectory in exploration whose phase start is unknown: only the range guards a date (factories)."""
    return factories.trajectory(factories.company("Verkenning B.V."))


@pytest.fixture
def users(db):
    """The one role these tests use (this module's own: the conftest's would load the demo)."""
    return {"programme": make_user("t-programma", Role.PROGRAMME)}


def fingerprint():
    return (Event.objects.count(), Document.objects.count(), AmviAdvice.objects.count(), ParliamentNotice.objects.count())


def test_low_dates_core_range_names_the_field():
    assert dates.happened_date_error(dt.date(2023, 1, 1), "Datum") is None
    assert dates.happened_date_error(None, "Datum") is None
    assert "Datum van X: 01-01-0001 ligt vóór 01-01-2000" in dates.happened_date_error(dt.date(1, 1, 1), "Datum van X")
    assert "in de toekomst" in dates.happened_date_error(dt.date(9999, 12, 31), "Datum van X")
    with pytest.raises(ValidationError, match="Documentdatum"):
        dates.check_happened(dt.date(1, 1, 1), "Documentdatum")


@pytest.mark.parametrize("bad", BAD)
def test_low_dates_web_forms_refuse(users, fc, client, settings, tmp_path, bad):
    from django.core.files.uploadedfile import SimpleUploadedFile

    settings.MEDIA_ROOT = tmp_path
    client.force_login(users["programme"])
    anqore = factories.trajectory()
    before = fingerprint()
    page = client.post(reverse("trajectories:move", args=[fc.pk]), {"to": "withdrawn", "date": bad, "note": "x", "version": fc.version},
                       follow=True).content.decode()
    assert 'href="#overgang-date">Datum</a>' in page  # refused, and the summary names the date field
    client.post(reverse("trajectories:upload", args=[anqore.pk]),
                {"doc_type": "other", "title": "Datumtest", "confidentiality": "internal", "document_date": bad,
                 "file": SimpleUploadedFile("d.pdf", b"%PDF-1.4\n")})
    client.post(reverse("trajectories:amvi_advice", args=[anqore.pk]),
                {"concept_submitted_on": bad, "advice_date": bad, "feasibility": "positive", "cost_effectiveness": "positive",
                 "ambition": "positive", "summary": "x"})
    page = client.post(reverse("trajectories:parliament", args=[anqore.pk]), {"informed_on": bad, "kamerstuk": "29826-1"}, follow=True)
    assert "Geïnformeerd op" in page.content.decode()
    assert fingerprint() == before


@pytest.mark.parametrize("bad", BAD)
def test_low_dates_api_refuses(users, fc, client, bad):
    client.force_login(users["programme"])
    before = fingerprint()
    response = client.post(f"/api/v1/trajectories/{fc.pk}/transitions", {"to": "withdrawn", "date": bad, "note": "x"}, content_type="application/json")
    assert response.status_code in (400, 409, 422)
    assert "date" in response.content.decode()
    assert fingerprint() == before


@pytest.mark.parametrize("bad", BAD)
def test_low_dates_cli_refuses(fc, bad):
    before = fingerprint()
    with pytest.raises(CommandError, match="--date"):
        call_command("transition", fc.company.name, "--to", "withdrawn", "--date", bad, "--note", "x")
    assert fingerprint() == before


@pytest.mark.parametrize("bad", [dt.date(1, 1, 1), dt.date(9999, 12, 31)])
def test_low_dates_service_and_model_refuse(fc, bad):
    before = fingerprint()
    with pytest.raises(services.TransitionRefused, match="Datum van de overgang"):
        services.transition(fc, "withdrawn", bad, note="x")
    with pytest.raises(ValidationError):
        services.note(fc, "notitie", bad)
    with pytest.raises(ValidationError):
        services.note(fc, "notitie", None, not_after=bad)
    with pytest.raises(ValidationError):
        services.inform_parliament(fc, bad, "29826-1")
    with pytest.raises(ValidationError):
        services.record_amvi_advice(fc, advice_date=bad, summary="x")
    with pytest.raises(ValidationError):
        services.add_document(fc, "other", "Datum", "internal", document_date=bad)
    with pytest.raises(ValidationError):
        services.record_event(fc, "transition", to_phase="withdrawn", date=bad.isoformat(), note="x")
    with pytest.raises(ValidationError):  # the last line: Event creation itself
        Event.objects.create(trajectory=fc, kind="note", effective_date=bad)
    assert fingerprint() == before
