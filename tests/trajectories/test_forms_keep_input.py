"""Issue 15, point 4: every form keeps what the user typed when it is refused, shows the error next to
its field and in a summary at the top, pre-fills sensible defaults and takes Dutch numbers.

Each test posts invalid input through the browser's route and reads the answered page as a browser
would: the values of the inputs, the contents of the textareas and the selected options."""

import datetime as dt
import re

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from maatwerk.trajectories.models import AmviAdvice, AmviItem, Document, Event, ParliamentNotice, ReviewStatus

from ..helpers import trajectory
from ..html_forms import assert_error_next_to, assert_kept, assert_summary, read

# --- the trajectory page ------------------------------------------------------------------------------


def test_move_date_prefills_today_in_iso(users, client):
    """The move's date is a text field since it also takes a month or a year (issue 13); prefilled with today, in ISO."""
    client.force_login(users["programme"])
    html = client.get(reverse("trajectories:detail", args=[trajectory("AnQore").pk])).content.decode()
    field = re.search(r'<input[^>]*name="date"[^>]*>', html).group(0)
    assert f'value="{dt.date.today().isoformat()}"' in field and 'placeholder="JJJJ-MM-DD, JJJJ-MM of JJJJ"' in field


def test_refused_move_keeps_phase_date_and_note(users, client):
    oci = trajectory("OCI Nitrogen")
    client.force_login(users["programme"])
    before = Event.objects.count()
    typed = {"to": "jloi_concept", "date": "2026-01-10", "note": "Overleg met de directie\nvan 9 januari"}
    response = client.post(reverse("trajectories:move", args=[oci.pk]), {**typed, "version": oci.version})
    assert response.status_code == 409
    page = read(response)
    assert_kept(page, "transition-form", typed)
    assert_summary(page, "transition-form-fouten", "Overgang geweigerd")
    assert "Er is niets gewijzigd" in page.texts["transition-form-fouten"]
    assert Event.objects.count() == before


def test_move_with_an_impossible_date_keeps_the_note_and_names_the_date(users, client):
    oci = trajectory("OCI Nitrogen")
    client.force_login(users["programme"])
    typed = {"to": "paused", "date": "31-02-2026", "note": "pauze"}
    response = client.post(reverse("trajectories:move", args=[oci.pk]), {**typed, "version": oci.version})
    assert response.status_code == 422
    page = read(response)
    assert_kept(page, "transition-form", typed)
    assert_error_next_to(page, "overgang-date", "'31-02-2026' is geen datum; schrijf JJJJ-MM-DD")
    assert 'href="#overgang-date"' in response.content.decode()  # the summary links to the field


AMVI = {
    "concept_submitted_on": "2026-01-05", "advice_date": "2025-12-01", "feasibility": "positive",
    "cost_effectiveness": "negative", "ambition": "conditional", "summary": "Haalbaar onder voorwaarden.",
}
ROWS = {"punt-TOTAL_FORMS": "5", "punt-INITIAL_FORMS": "0", "punt-0-kind": "condition", "punt-0-text": "Borg de CO2-opslag",
        "punt-1-kind": "advice", "punt-1-text": "Meet de reductie jaarlijks"}


def test_amvi_advice_with_an_error_keeps_every_field_and_every_item_row(users, client):
    client.force_login(users["amvi"])
    anqore = trajectory("AnQore")
    before = AmviAdvice.objects.count()
    response = client.post(reverse("trajectories:amvi_advice", args=[anqore.pk]), {**AMVI, **ROWS})
    assert response.status_code == 422
    page = read(response)
    assert_kept(page, "amvi-formulier", {**AMVI, **{k: v for k, v in ROWS.items() if not k.endswith("FORMS")}})
    assert_error_next_to(page, "amvi-advice_date", "niet vóór het voorleggen")
    assert_summary(page, "amvi-formulier-fouten", "AMVI-advies niet opgeslagen")
    assert AmviAdvice.objects.count() == before


def test_amvi_item_row_without_kind_is_refused_on_that_row(users, client):
    client.force_login(users["amvi"])
    anqore = trajectory("AnQore")
    rows = {**ROWS, "punt-2-text": "Zonder soort"}
    response = client.post(reverse("trajectories:amvi_advice", args=[anqore.pk]), {**AMVI, "advice_date": "2026-02-05", **rows})
    assert response.status_code == 422
    page = read(response)
    assert_kept(page, "amvi-formulier", {"punt-2-text": "Zonder soort", "summary": AMVI["summary"]})
    assert_error_next_to(page, "amvi-punt-2-kind", "voorwaarde, advies of overweging")


def test_amvi_item_rows_are_saved_as_items(users, client):
    client.force_login(users["amvi"])
    anqore = trajectory("AnQore")
    response = client.post(reverse("trajectories:amvi_advice", args=[anqore.pk]), {**AMVI, "advice_date": "2026-02-05", **ROWS})
    assert response.status_code == 302
    advice = AmviAdvice.objects.filter(trajectory=anqore).latest("pk")
    assert sorted((i.kind, i.text) for i in advice.items.all()) == [("advice", "Meet de reductie jaarlijks"), ("condition", "Borg de CO2-opslag")]


@pytest.mark.parametrize("role", ["programme", "company_a"])
def test_refused_upload_keeps_title_type_date_and_confidentiality_and_asks_for_the_file_again(users, client, role):
    client.force_login(users[role])
    anqore = trajectory("AnQore")
    before = Document.objects.count()
    typed = {"doc_type": "other", "title": "Brief aan de minister", "document_date": "2025-11-03", "confidentiality": "internal"}
    disguised = SimpleUploadedFile("brief.pdf", b"MZ\x90\x00 not a pdf at all", content_type="application/pdf")
    response = client.post(reverse("trajectories:upload", args=[anqore.pk]), {**typed, "file": disguised})
    assert response.status_code == 422
    page = read(response)
    assert_kept(page, "document-formulier", typed)
    assert "opnieuw" in page.texts["document-file_error"]
    assert_summary(page, "document-formulier-fouten", "Document niet opgeslagen")
    assert Document.objects.count() == before


def test_invalid_upload_form_keeps_the_other_fields(users, client):
    client.force_login(users["programme"])
    anqore = trajectory("AnQore")
    typed = {"doc_type": "other", "title": "", "document_date": "2025-11-03", "confidentiality": "confidential", "published": ["on"]}
    response = client.post(reverse("trajectories:upload", args=[anqore.pk]), {**typed, "published": "on"})
    assert response.status_code == 422
    page = read(response)
    assert_kept(page, "document-formulier", typed)
    assert_error_next_to(page, "document-title", "verplicht")
    assert_error_next_to(page, "document-published", "openbaar document")


def test_reject_without_reason_keeps_the_decision_on_that_document(users, client):
    anqore = trajectory("AnQore")
    client.force_login(users["company_a"])
    pdf = SimpleUploadedFile("brief.pdf", b"%PDF-1.4\n%test\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n", content_type="application/pdf")
    client.post(reverse("trajectories:upload", args=[anqore.pk]), {"doc_type": "other", "title": "Ter beoordeling", "confidentiality": "internal", "file": pdf})
    doc = Document.objects.get(title="Ter beoordeling")
    assert doc.status == ReviewStatus.SUBMITTED
    client.force_login(users["programme"])
    response = client.post(reverse("trajectories:review", args=[anqore.pk, doc.pk]), {"decision": "reject", "reason": "  "})
    assert response.status_code == 422
    page = read(response)
    assert_kept(page, f"beoordeling-{doc.pk}", {"decision": "reject"})
    assert_error_next_to(page, f"beoordeling-{doc.pk}-reason", "Geef een reden")
    assert Document.objects.get(pk=doc.pk).status == ReviewStatus.SUBMITTED


def test_refused_response_keeps_the_reason_typed(users, client):
    client.force_login(users["programme"])
    item = AmviItem.objects.filter(advice__trajectory__company__name="AnQore").first()
    before = (item.response, item.response_reason)
    response = client.post(reverse("trajectories:respond", args=[item.advice.trajectory_id, item.pk]), {"response": "misschien", "reason": "Nog in overleg"})
    assert response.status_code == 422
    page = read(response)
    assert_kept(page, f"reactie-{item.pk}", {"reason": "Nog in overleg"})
    assert_error_next_to(page, f"reactie-{item.pk}-response", "geen beschikbare keuze")
    item.refresh_from_db()
    assert (item.response, item.response_reason) == before


def test_parliament_notice_with_a_bad_kamerstuk_keeps_both_fields(users, client):
    client.force_login(users["programme"])
    anqore = trajectory("AnQore")
    before = ParliamentNotice.objects.count()
    typed = {"informed_on": "2025-07-10", "kamerstuk": "nr. 197"}
    response = client.post(reverse("trajectories:parliament", args=[anqore.pk]), typed)
    assert response.status_code == 422
    page = read(response)
    assert_kept(page, "kamer-formulier", typed)
    assert_error_next_to(page, "kamer-kamerstuk", "dossier-volgnummer")
    assert ParliamentNotice.objects.count() == before


def test_eligibility_edit_with_a_bad_year_keeps_every_field(users, client):
    client.force_login(users["programme"])
    oci = trajectory("OCI Nitrogen")
    typed = {"admission_kind": ["extension"], "climate_plan_target_year": "twintig-veertig", "willing_to_invest_in_nl": "true",
             "financial_securities": "Bankgarantie van\n10 mln"}
    response = client.post(reverse("trajectories:eligibility", args=[oci.pk]), {**typed, "version": oci.version})
    assert response.status_code == 422
    page = read(response)
    assert_kept(page, "toelating-formulier", typed)
    assert_error_next_to(page, "toelating-climate_plan_target_year", "geheel getal")
    assert trajectory("OCI Nitrogen").financial_securities != typed["financial_securities"]


def test_stale_eligibility_edit_keeps_the_input_and_bases_it_on_the_new_version(users, client):
    client.force_login(users["programme"])
    oci = trajectory("OCI Nitrogen")
    typed = {"admission_kind": ["top20"], "climate_plan_target_year": "2044", "willing_to_invest_in_nl": "true", "financial_securities": "mijn tekst"}
    response = client.post(reverse("trajectories:eligibility", args=[oci.pk]), {**typed, "version": oci.version - 1})
    assert response.status_code == 409
    page = read(response)
    assert_kept(page, "toelating-formulier", {**typed, "version": str(oci.version)})
    assert "intussen gewijzigd" in page.texts["toelating-formulier-fouten"]


def test_as_of_form_keeps_a_bad_date_in_its_field(users, client):
    client.force_login(users["programme"])
    page = client.get(reverse("trajectories:detail", args=[trajectory("AnQore").pk]), {"op": "gisteren"}).content.decode()
    assert re.search(r'<input[^>]*name="op"[^>]*value="gisteren"', page)
