"""The trajectory pages: refused moves explained, edits with optimistic locking, uploads, as-of views."""

from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from maatwerk.trajectories.models import Document, Event

from ..helpers import trajectory


def test_refused_move_is_explained_and_changes_nothing(users, client):
    client.force_login(users["programme"])
    oci = trajectory("OCI Nitrogen")
    count = Event.objects.count()
    response = client.post(
        reverse("trajectories:move", args=[oci.pk]), {"to": "jloi_concept", "date": "2026-01-10", "version": oci.version}, follow=True
    )
    html = response.content.decode()
    assert "Overgang geweigerd" in html and "Concept-JLoI" in html and "Er is niets gewijzigd" in html
    assert Event.objects.count() == count and trajectory("OCI Nitrogen").phase == "eop_signed"


def test_allowed_move_through_the_form(users, client):
    client.force_login(users["programme"])
    oci = trajectory("OCI Nitrogen")
    response = client.post(
        reverse("trajectories:move", args=[oci.pk]),
        {"to": "withdrawn", "date": "2026-01-10", "note": "Gestopt.", "version": oci.version},
        follow=True,
    )
    assert "Teruggetrokken" in response.content.decode()
    assert trajectory("OCI Nitrogen").phase == "withdrawn"
    assert Event.objects.filter(trajectory=oci, to_phase="withdrawn").get().actor == users["programme"]


def test_eligibility_edit_and_stale_form(users, client):
    client.force_login(users["programme"])
    oci = trajectory("OCI Nitrogen")
    url = reverse("trajectories:eligibility", args=[oci.pk])
    form = {"admission_kind": "top20", "climate_plan_target_year": "2045", "willing_to_invest_in_nl": "true", "financial_securities": "", "version": oci.version}
    client.post(url, form)
    assert trajectory("OCI Nitrogen").climate_plan_target_year == 2045
    stale = client.post(url, {**form, "climate_plan_target_year": "2050"}, follow=True).content.decode()
    assert "intussen gewijzigd" in stale
    assert trajectory("OCI Nitrogen").climate_plan_target_year == 2045
    bad = client.post(url, {**form, "climate_plan_target_year": "twintig", "version": trajectory("OCI Nitrogen").version}, follow=True)
    assert "Niet opgeslagen" in bad.content.decode()


def test_company_user_uploads_to_own_trajectory(users, client, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    client.force_login(users["company_a"])
    anqore = trajectory("AnQore")
    data = {"doc_type": "progress_report", "title": "Voortgang Q1", "confidentiality": "confidential", "file": SimpleUploadedFile("q1.pdf", b"%PDF-1.4\n%%EOF")}
    client.post(reverse("trajectories:upload", args=[anqore.pk]), data)
    assert Document.objects.filter(trajectory=anqore, title="Voortgang Q1", uploaded_by=users["company_a"]).exists()
    disguised = {**data, "title": "Vermomd", "file": SimpleUploadedFile("x.pdf", b"MZ-not-a-pdf")}
    response = client.post(reverse("trajectories:upload", args=[anqore.pk]), disguised, follow=True)
    assert "past niet bij .pdf" in response.content.decode()
    assert not Document.objects.filter(title="Vermomd").exists()
    nobian = trajectory("Nobian")
    assert client.post(reverse("trajectories:upload", args=[nobian.pk]), data).status_code == 404


def test_board_as_of(users, client):
    client.force_login(users["programme"])
    def column(html, phase):
        start = html.index(f'id="col-{phase}"')
        return html[start : html.index("</section>", start)]

    html = client.get(reverse("trajectories:board"), {"op": "2024-12-18"}).content.decode()
    assert "Nobian" in column(html, "jloi_signed") and 'id="col-binding_agreement"' not in html
    html = client.get(reverse("trajectories:board"), {"op": "2024-12-19"}).content.decode()
    assert "Nobian" in column(html, "binding_agreement") and 'id="col-jloi_signed"' not in html  # no other JLoI yet
    page = client.get(reverse("trajectories:detail", args=[trajectory("Nobian").pk]), {"op": "2024-12-18"}).content.decode()
    assert 'id="current-phase">JLoI getekend<' in page
    page = client.get(reverse("trajectories:detail", args=[trajectory("Nobian").pk]), {"op": "2024-12-19"}).content.decode()
    assert 'id="current-phase">Bindende maatwerkafspraak<' in page
