"""Issue 12 (security), documents: confidential by type (H2), companies propose and the programme team
publishes after review (H3), the State's papers are not the company's (M8), the AMVI sees committee
documents as they were put to it, and a refused upload leaves no file behind."""

import datetime as dt
import importlib

import pytest
from django.contrib import admin
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import IntegrityError, transaction
from django.urls import reverse

from maatwerk.trajectories import permissions, services
from maatwerk.trajectories.models import Document, Event, EventKind

from ..helpers import trajectory

PDF = b"%PDF-1.4\n%%EOF\n"


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


def upload(client, t, **fields):
    data = {"doc_type": "other", "title": "Stuk", "confidentiality": "internal", "file": SimpleUploadedFile("stuk.pdf", PDF), **fields}
    return client.post(reverse("trajectories:upload", args=[t.pk]), data, follow=True)


def download(client, user, doc):
    client.force_login(user)
    return client.get(reverse("trajectories:download", args=[doc.pk])).status_code


# --- H2 -------------------------------------------------------------------------------------------


def test_h2_business_case_confidential_by_type(users, client):
    anqore = trajectory("AnQore")
    client.force_login(users["company_a"])
    upload(client, anqore, doc_type="business_case", title="BC via formulier", confidentiality="internal")
    doc = Document.objects.get(title="BC via formulier")
    assert doc.confidentiality == "confidential"
    assert download(client, users["province"], doc) == 404
    # the programme team's negotiation papers and due diligence: confidential whatever the form says
    client.force_login(users["programme"])
    upload(client, anqore, doc_type="negotiation", title="Onderhandelingsmandaat", confidentiality="internal")
    upload(client, anqore, doc_type="due_diligence", title="DD-rapport", confidentiality="internal")
    assert set(Document.objects.filter(title__in=["Onderhandelingsmandaat", "DD-rapport"]).values_list("confidentiality", flat=True)) == {"confidential"}
    # the model refuses anything else, in clean and in the database
    with pytest.raises(ValidationError, match="altijd vertrouwelijk"):
        Document(trajectory=anqore, doc_type="negotiation", title="x", confidentiality="internal", status="accepted").full_clean()
    with pytest.raises(IntegrityError), transaction.atomic():
        Document.objects.filter(pk=doc.pk).update(confidentiality="internal")
    with pytest.raises(ValidationError, match="nooit openbaar"):
        services.add_document(anqore, "business_case", "BC openbaar", "public")


def test_h2_h3_migration_forward_on_old_rows(users):
    from django.apps import apps

    migration = importlib.import_module("maatwerk.trajectories.migrations.0002_document_review")
    anqore = trajectory("AnQore")
    old_company = Document.objects.create(trajectory=anqore, doc_type="other", title="oud bedrijf", confidentiality="confidential",
                                          status="submitted", originator="state", uploaded_by=users["company_a"])
    old_state = Document.objects.create(trajectory=anqore, doc_type="jloi", title="oud staat", confidentiality="internal", status="submitted")
    migration.forward(apps, None)
    old_company.refresh_from_db(), old_state.refresh_from_db()
    assert (old_company.status, old_company.originator) == ("accepted", "company")
    assert (old_state.status, old_state.originator) == ("accepted", "state")


# --- H3 -------------------------------------------------------------------------------------------


def test_h3_company_cannot_publish_only_propose(users, client):
    anqore = trajectory("AnQore")
    client.force_login(users["company_a"])
    page = upload(client, anqore, doc_type="binding_agreement", title="Zelf gepubliceerde afspraak", confidentiality="public", published="on")
    doc = Document.objects.filter(title="Zelf gepubliceerde afspraak").first()
    assert doc is None or (not doc.published and doc.status == "submitted"), page.content.decode()[:300]
    upload(client, anqore, doc_type="binding_agreement", title="Voorgestelde afspraak", confidentiality="proposed_public")
    proposed = Document.objects.get(title="Voorgestelde afspraak")
    assert (proposed.status, proposed.published, proposed.proposed_public, proposed.originator) == ("submitted", False, True, "company")
    # nothing of it on the public record, and the gate item is not ticked
    client.logout()
    for url in ("/documenten/", "/api/public/v1/documents/", "/open-data/documenten.json"):
        body = client.get(url).content.decode().lower()
        assert "zelf gepubliceerde afspraak" not in body and "voorgestelde afspraak" not in body, url
    assert "binding_agreement" not in services.facts_as_of(trajectory("AnQore")).documents
    # the service refuses a company's publication whatever route calls it
    with pytest.raises(ValidationError, match="publiceert geen documenten"):
        services.add_document(anqore, "binding_agreement", "Via dienst", "public", actor=users["company_a"], published=True)
    with pytest.raises(ValidationError, match="kan geen"):
        services.add_document(anqore, "amvi_advice", "Nep-advies", "internal", actor=users["company_a"])


def test_h3_programme_team_reviews_and_publishes(users, client):
    anqore = trajectory("AnQore")
    client.force_login(users["company_a"])
    upload(client, anqore, doc_type="binding_agreement", title="Ter beoordeling", confidentiality="proposed_public")
    upload(client, anqore, doc_type="other", title="Af te wijzen", confidentiality="internal")
    doc, bad = Document.objects.get(title="Ter beoordeling"), Document.objects.get(title="Af te wijzen")
    url = lambda d: reverse("trajectories:review", args=[anqore.pk, d.pk])  # noqa: E731
    # the company (and anyone but the programme team) cannot review
    assert client.post(url(doc), {"decision": "publish"}).status_code == 403
    client.force_login(users["province"])
    assert client.post(url(doc), {"decision": "publish"}).status_code == 403
    assert Document.objects.get(pk=doc.pk).status == "submitted"
    client.force_login(users["programme"])
    assert 'action="%s"' % url(doc) in client.get(reverse("trajectories:detail", args=[anqore.pk])).content.decode()
    events = Event.objects.filter(kind=EventKind.REVIEW).count()
    client.post(url(doc), {"decision": "publish"})
    doc.refresh_from_db()
    assert (doc.status, doc.published, doc.confidentiality) == ("accepted", True, "public")
    assert "binding_agreement" in services.facts_as_of(trajectory("AnQore")).documents
    # rejecting needs a reason; the company sees it
    page = client.post(url(bad), {"decision": "reject", "reason": ""}, follow=True).content.decode()
    assert "reden" in page.lower() and Document.objects.get(pk=bad.pk).status == "submitted"
    client.post(url(bad), {"decision": "reject", "reason": "Geen relevant stuk."})
    assert Document.objects.get(pk=bad.pk).status == "rejected"
    assert Event.objects.filter(kind=EventKind.REVIEW).count() == events + 2  # each decision an append-only event
    client.logout()
    assert "Ter beoordeling" in client.get("/documenten/?bedrijf=anqore").content.decode()  # (the list is paginated)
    client.force_login(users["company_a"])
    assert "Geen relevant stuk." in client.get(reverse("trajectories:detail", args=[anqore.pk])).content.decode()


def test_h3_review_through_the_api(users, client):
    anqore = trajectory("AnQore")
    doc = services.add_document(anqore, "progress_report", "Voortgang via API", "internal", actor=users["company_a"], data=PDF, file_name="v.pdf")
    assert doc.status == "submitted" and "progress_report" not in services.facts_as_of(anqore).documents
    client.force_login(users["company_a"])
    response = client.post(f"/api/v1/documents/{doc.pk}/review", {"decision": "accept"}, content_type="application/json")
    assert response.status_code == 403
    client.force_login(users["programme"])
    response = client.post(f"/api/v1/documents/{doc.pk}/review", {"decision": "accept"}, content_type="application/json")
    assert response.status_code == 200 and response.json()["status"] == "accepted"
    again = client.post(f"/api/v1/documents/{doc.pk}/review", {"decision": "reject", "reason": "x"}, content_type="application/json")
    assert again.status_code == 409 and "al" in again.json()["detail"]
    assert "progress_report" in services.facts_as_of(trajectory("AnQore")).documents


def test_h3_programme_uploads_are_accepted_and_demo_documents_too(users, client):
    assert set(Document.objects.values_list("status", flat=True)) == {"accepted"}
    client.force_login(users["programme"])
    upload(client, trajectory("AnQore"), title="Van het programma", confidentiality="public", published="on")
    doc = Document.objects.get(title="Van het programma")
    assert (doc.status, doc.published, doc.originator) == ("accepted", True, "state")


def test_h3_admin_cannot_publish_or_add_documents(users, rf):
    model_admin = admin.site._registry[Document]
    request = rf.get("/admin/")
    request.user = users["programme"]
    assert not model_admin.has_add_permission(request)
    readonly = set(model_admin.get_readonly_fields(request, Document.objects.first()))
    assert {"published", "published_on", "confidentiality", "status", "originator", "doc_type"} <= readonly


def test_h3_unreviewed_documents_not_shown_to_province_or_amvi(users, client):
    tata = trajectory("Tata Steel Nederland")  # put to the AMVI, no advice yet
    from maatwerk.accounts.models import Role
    from maatwerk.registry.models import Company

    from ..helpers import make_user

    tata_user = make_user("t-tata", Role.COMPANY, company=Company.objects.get(name="Tata Steel Nederland"))
    doc = services.add_document(tata, "climate_plan", "Klimaatplan Tata", "internal", actor=tata_user, data=PDF, file_name="k.pdf")
    assert download(client, users["amvi"], doc) == 404
    services.review_document(doc, "accept", actor=users["programme"])
    assert download(client, users["amvi"], doc) == 200


# --- M8 -------------------------------------------------------------------------------------------


def test_m8_company_does_not_get_the_states_confidential_documents(users, client):
    anqore = trajectory("AnQore")
    client.force_login(users["programme"])
    upload(client, anqore, doc_type="negotiation", title="Mandaat", confidentiality="confidential")
    upload(client, anqore, doc_type="due_diligence", title="Due diligence Staat", confidentiality="confidential")
    upload(client, anqore, doc_type="other", title="Interne notitie Staat", confidentiality="confidential")
    upload(client, anqore, doc_type="other", title="Brief aan bedrijf", confidentiality="internal")
    client.force_login(users["company_a"])
    upload(client, anqore, doc_type="business_case", title="Eigen businesscase", confidentiality="confidential")
    docs = {d.title: d for d in Document.objects.filter(trajectory=anqore)}
    for title in ("Mandaat", "Due diligence Staat", "Interne notitie Staat"):
        assert download(client, users["company_a"], docs[title]) == 404, title
        assert download(client, users["programme"], docs[title]) == 200, title
    assert download(client, users["company_a"], docs["Brief aan bedrijf"]) == 200
    assert download(client, users["company_a"], docs["Eigen businesscase"]) == 200
    client.force_login(users["company_a"])
    page = client.get(reverse("trajectories:detail", args=[anqore.pk])).content.decode()
    api = client.get("/api/v1/documents/").content.decode()
    for title in ("Mandaat", "Due diligence Staat", "Interne notitie Staat"):
        assert title not in page and title not in api
    assert "Eigen businesscase" in api and "Brief aan bedrijf" in api


# --- Low: the AMVI sees committee documents as they were put to it ---------------------------------


def test_low_amvi_sees_business_cases_only_as_put_to_it(users, client):
    anqore = trajectory("AnQore")  # AMVI advice of 2025-06-23
    late = services.add_document(anqore, "business_case", "Businesscase later", "confidential", actor=users["programme"],
                                 document_date=dt.date(2025, 9, 1), data=PDF, file_name="bc2.pdf")
    backdated = services.add_document(anqore, "business_case", "Businesscase teruggedateerd", "confidential",
                                      actor=users["programme"], document_date=dt.date(2025, 5, 1), data=PDF, file_name="bc3.pdf")
    assert download(client, users["amvi"], late) == 404
    assert download(client, users["amvi"], backdated) == 404  # uploaded after the advice: not put to the committee
    # the demo business case (on record when the advice was recorded, dated before it) stays visible
    demo_bc = Document.objects.get(trajectory=anqore, title="Businesscase AnQore")  # (no file)
    assert permissions.can_view_document(users["amvi"], demo_bc)
    assert not permissions.can_view_document(users["amvi"], late)
    page = client.get(reverse("trajectories:detail", args=[anqore.pk])).content.decode()
    assert "Businesscase later" not in page and "Businesscase teruggedateerd" not in page
    # before any advice: every committee document
    tata = trajectory("Tata Steel Nederland")
    tata_bc = services.add_document(tata, "business_case", "BC Tata", "confidential", actor=users["programme"], data=PDF, file_name="t.pdf")
    assert download(client, users["amvi"], tata_bc) == 200


# --- Low: refused uploads leave no file -----------------------------------------------------------


def files_under(root):
    return sorted(p for p in root.rglob("*") if p.is_file()) if root.exists() else []


def test_low_refused_upload_leaves_no_file(users, client, settings, monkeypatch):
    root = settings.MEDIA_ROOT
    anqore = trajectory("AnQore")
    services.add_document(anqore, "other", "Goed", "internal", data=PDF, file_name="goed.pdf")
    before = files_under(root)
    assert len(before) == 1
    with pytest.raises(ValidationError):  # refused by the model's rules
        services.add_document(anqore, "other", "Intern gepubliceerd", "internal", data=PDF, file_name="a.pdf", published=True)
    with pytest.raises(ValidationError):  # refused: implausible date
        services.add_document(anqore, "other", "Oud", "internal", data=PDF, file_name="b.pdf", document_date=dt.date(1, 1, 1))
    client.force_login(users["company_a"])
    upload(client, anqore, title="Bedrijf publiceert", confidentiality="public", published="on")

    def broken_event(*args, **kwargs):
        raise RuntimeError("database weg")

    monkeypatch.setattr(services.Recording, "event", broken_event)  # a failure after the file was written: rolled back
    with pytest.raises(RuntimeError):
        services.add_document(anqore, "other", "Teruggedraaid", "internal", data=PDF, file_name="c.pdf")
    assert files_under(root) == before
    assert not Document.objects.filter(title__in=["Intern gepubliceerd", "Oud", "Bedrijf publiceert", "Teruggedraaid"]).exists()


def test_h3_review_form_offers_only_decisions_the_document_allows(users, client):
    """A business case is never public: its row offers no publishing; an accepted letter offers only
    publishing; a submitted one accept, publish and reject."""
    import re

    anqore = trajectory("AnQore")
    client.force_login(users["company_a"])
    upload(client, anqore, doc_type="business_case", title="BC ter beoordeling", confidentiality="confidential")
    upload(client, anqore, doc_type="other", title="Brief ter beoordeling", confidentiality="proposed_public")
    bc, letter = Document.objects.get(title="BC ter beoordeling"), Document.objects.get(title="Brief ter beoordeling")
    client.force_login(users["programme"])
    services.review_document(letter, "accept", actor=users["programme"])

    def options(doc):
        page = client.get(reverse("trajectories:detail", args=[anqore.pk])).content.decode()
        form = re.search(r'<select id="decision-%d" name="decision">(.*?)</select>' % doc.pk, page, re.S)
        return re.findall(r'<option value="(\w+)"', form.group(1)) if form else []

    assert options(bc) == ["accept", "reject"]
    assert options(letter) == ["publish"]
    services.review_document(letter, "publish", actor=users["programme"])
    assert options(letter) == []  # published: nothing left to decide
    accepted_bc = Document.objects.filter(trajectory=anqore, doc_type="business_case", status="accepted").first()
    assert accepted_bc is not None and options(accepted_bc) == []
