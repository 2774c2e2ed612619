"""The trajectory service: gates enforced, refusals change nothing, events append-only, uploads checked."""

import datetime as dt

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from maatwerk.trajectories import services
from maatwerk.trajectories.models import Document, Event, Trajectory
from maatwerk.trajectories.uploads import MAX_UPLOAD_BYTES, UploadRefused

from .. import factories
from ..helpers import trajectory

D = dt.date.fromisoformat
PDF = b"%PDF-1.7\n1 0 obj <<>> endobj\n%%EOF\n"


def snapshot(t: Trajectory):
    t.refresh_from_db()
    return (Event.objects.filter(trajectory=t).count(), t.phase, t.phase_since, t.version, Document.objects.filter(trajectory=t).count())


@pytest.fixture
def eop(db):
    """A trajectory whose Expression of Principles was signed on 26 January 2023 (no demo needed)."""
    return factories.trajectory(phase="eop_signed", since=D("2023-01-26"))


def refused(t, to, date, needle):
    before = snapshot(t)
    with pytest.raises(services.TransitionRefused) as info:
        services.transition(t, to, date)
    assert any(needle in r for r in info.value.reasons), info.value.reasons
    assert snapshot(t) == before
    return info.value.reasons


def test_full_walk_through_the_gates(demo):
    t = trajectory("FrieslandCampina")  # an extension, in exploration
    day = D("2026-01-05")
    refused(t, "eop_signed", day, "klimaatplan")
    refused(t, "jloi_signed", day, "")  # skipping phases is not a move in the table
    services.edit(t, {"climate_plan_target_year": 2055})
    refused(t, "eop_signed", day, "2050")
    services.edit(t, {"climate_plan_target_year": 2040, "willing_to_invest_in_nl": True})
    refused(t, "eop_signed", day, "Expression of Principles")
    services.add_document(t, "eop", "EoP FrieslandCampina", "public", document_date=day, published=True)
    services.transition(t, "eop_signed", day)
    t.refresh_from_db()
    assert (t.phase, t.phase_since) == ("eop_signed", day)

    refused(t, "jloi_concept", D("2026-02-01"), "businesscase")
    services.add_document(t, "concept_jloi", "Concept-JLoI", "confidential", data=PDF, file_name="concept.pdf")
    services.add_document(t, "business_case", "Businesscase", "confidential", data=PDF, file_name="bc.pdf")
    services.transition(t, "jloi_concept", D("2026-02-01"))

    refused(t, "amvi_advice", D("2026-03-01"), "AMVI")
    services.record_amvi_advice(
        t,
        items=[{"kind": "condition", "text": "Voorwaarde X"}, {"kind": "consideration", "text": "Overweging Y"}],
        concept_submitted_on=D("2026-02-01"),
        advice_date=D("2026-03-01"),
        feasibility="positive",
        cost_effectiveness="positive",
        ambition="conditional",
        summary="Positief.",
    )
    services.transition(t, "amvi_advice", D("2026-03-01"))

    refused(t, "jloi_signed", D("2026-04-01"), "reactie")
    for item in t.amvi_advices.get().items.all():
        services.respond_to_item(item, "adopted", "Overgenomen.")
    refused(t, "jloi_signed", D("2026-04-01"), "Joint Letter of Intent")
    services.add_document(t, "jloi", "JLoI FrieslandCampina", "public", document_date=D("2026-04-01"), published=True)
    services.transition(t, "jloi_signed", D("2026-04-01"))

    facts = services.facts_as_of(t)
    from maatwerk.engine import workflow

    overdue = workflow.obligations("jloi_signed", facts, D("2026-04-10"))
    assert overdue and overdue[0].overdue
    refused(t, "binding_agreement", D("2026-05-01"), "Kamer")
    services.inform_parliament(t, D("2026-04-02"), "29826-999")
    assert workflow.obligations("jloi_signed", services.facts_as_of(t), D("2026-04-10")) == ()
    services.add_document(t, "binding_agreement", "Bindende afspraak", "internal")
    refused(t, "binding_agreement", D("2026-05-01"), "zekerheden")
    services.edit(t, {"financial_securities": "Bankgarantie per projectfase."})
    services.transition(t, "binding_agreement", D("2026-05-01"))
    assert services.state_as_of(t).phase == "binding_agreement"
    assert services.state_as_of(t, D("2026-04-30")).phase == "jloi_signed"


def test_dates_are_checked(eop):
    t = eop  # eop_signed since 2023-01-26
    refused(t, "withdrawn", D("2022-01-01"), "vóór het begin")
    refused(t, "withdrawn", timezone.localdate() + dt.timedelta(days=1), "toekomst")


def test_exit_needs_a_reason_and_is_final(eop):
    t = eop
    refused(t, "withdrawn", D("2026-01-10"), "reden")
    services.transition(t, "withdrawn", D("2026-01-10"), note="Bedrijf trekt zich terug.")
    refused(t, "eop_signed", D("2026-01-11"), "")


def test_stale_edit_is_refused_and_nothing_lost(eop):
    t = eop
    version = t.version
    services.edit(t, {"climate_plan_target_year": 2045}, expected_version=version)
    with pytest.raises(services.StaleEdit, match="intussen gewijzigd"):
        services.edit(t, {"climate_plan_target_year": 2050}, expected_version=version)
    t.refresh_from_db()
    assert t.climate_plan_target_year == 2045
    edit = Event.objects.filter(trajectory=t, kind="edit").last()
    assert edit.payload["changed"] == {"climate_plan_target_year": [None, 2045]}


def test_events_are_append_only(db):
    event = factories.event()
    event.note = "changed"
    with pytest.raises(ValidationError):
        event.save()
    with pytest.raises(ValidationError):
        event.delete()


def test_business_case_is_never_public(eop):
    t = eop
    before = snapshot(t)
    with pytest.raises(ValidationError, match="nooit openbaar"):
        services.add_document(t, "business_case", "BC", "public", data=PDF, file_name="bc.pdf")
    with pytest.raises(ValidationError, match="Alleen openbare"):
        services.add_document(t, "other", "Intern stuk", "internal", published=True)
    assert snapshot(t) == before


@pytest.mark.parametrize(
    "name,data,needle",
    [
        ("leeg.pdf", b"", "leeg"),
        ("groot.pdf", b"%PDF-" + b"0" * MAX_UPLOAD_BYTES, "ten hoogste"),
        ("script.exe", b"MZ\x90\x00", "niet toegestaan"),
        ("vermomd.pdf", b"<html><script>alert(1)</script>", "past niet bij .pdf"),
        ("binair.txt", b"\x00\x01\x02", "past niet bij .txt"),
    ],
)
def test_uploads_are_checked(eop, name, data, needle):
    t = eop
    before = snapshot(t)
    with pytest.raises(UploadRefused, match=needle):
        services.add_document(t, "other", "Stuk", "internal", data=data, file_name=name)
    assert snapshot(t) == before


def test_upload_is_stored_outside_static_with_its_hash(eop, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    t = eop
    doc = services.add_document(t, "climate_plan", "Klimaatplan", "internal", data=PDF, file_name="../../plan.pdf")
    import hashlib

    assert doc.sha256 == hashlib.sha256(PDF).hexdigest() and doc.size == len(PDF)
    assert (tmp_path / doc.file.name).read_bytes() == PDF
    assert ".." not in doc.file.name and str(settings.STATIC_ROOT) not in str(tmp_path / doc.file.name)
    assert Event.objects.filter(trajectory=t, kind="document", payload__document=doc.pk).exists()
