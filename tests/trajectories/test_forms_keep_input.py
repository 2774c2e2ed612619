"""Issue 15, point 4: every form keeps what the user typed when it is refused, shows the error next to
its field and in a summary at the top, pre-fills sensible defaults and takes Dutch numbers.

Each test posts invalid input through the browser's route and reads the answered page as a browser
would: the values of the inputs, the contents of the textareas and the selected options."""

import datetime as dt
import re
from html.parser import HTMLParser

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from maatwerk.core.forms import DutchDecimalField, DutchIntegerField, DutchPercentField, format_dutch_number, parse_dutch_number
from maatwerk.finance.models import BusinessCase, Project
from maatwerk.programme.models import Milestone, OutlookAssumptions
from maatwerk.trajectories.models import AmviAdvice, AmviItem, Document, Event, ParliamentNotice, ReviewStatus

from ..helpers import trajectory


class FormReader(HTMLParser):
    """The values a browser would submit (and show) per form id: inputs, textareas, selected options;
    and the text of every element by id (for the errors next to fields)."""

    def __init__(self, html):
        super().__init__(convert_charrefs=True)
        self.forms, self.texts = {}, {}
        self._form, self._textarea, self._select, self._option = None, None, None, None
        self._open_ids = []  # (tag, id) of elements whose text is being collected
        self.feed(html)

    def _values(self):
        return self.forms.setdefault(self._form, {})

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if a.get("id"):
            self._open_ids.append((tag, a["id"]))
            self.texts.setdefault(a["id"], "")
        if tag == "form":
            self._form = a.get("id") or a.get("action")
        elif tag == "input" and a.get("name"):
            kind = a.get("type", "text")
            if kind in ("checkbox", "radio"):
                if "checked" in a:
                    self._values().setdefault(a["name"], []).append(a.get("value", "on"))
            elif kind != "file":
                self._values()[a["name"]] = a.get("value", "")
        elif tag == "textarea":
            self._textarea = a.get("name")
            self._values()[self._textarea] = ""
        elif tag == "select":
            self._select = a.get("name")
        elif tag == "option" and self._select:
            if "selected" in a:
                self._values()[self._select] = a.get("value")

    def handle_endtag(self, tag):
        if tag == "form":
            self._form = None
        elif tag == "textarea":
            self._textarea = None
        elif tag == "select":
            self._select = None
        for i in range(len(self._open_ids) - 1, -1, -1):
            if self._open_ids[i][0] == tag:
                del self._open_ids[i]
                break

    def handle_data(self, data):
        if self._textarea:
            self._values()[self._textarea] += data.lstrip("\n") if not self._values()[self._textarea] else data
        for _, element_id in self._open_ids:
            self.texts[element_id] += data


def read(response):
    return FormReader(response.content.decode())


def assert_kept(page: FormReader, form_id: str, typed: dict):
    values = page.forms.get(form_id)
    assert values is not None, f"no form {form_id!r} on the page: {sorted(k for k in page.forms if k)}"
    for name, value in typed.items():
        assert values.get(name) == value, (name, values.get(name), value)


def assert_error_next_to(page: FormReader, field_id: str, text: str):
    error = page.texts.get(f"{field_id}_error")
    assert error is not None, f"no error next to {field_id}"
    assert text.lower() in error.lower(), error


def assert_summary(page: FormReader, summary_id: str, text: str):
    summary = page.texts.get(summary_id, "")
    assert text.lower() in summary.lower(), summary


# --- the trajectory page ------------------------------------------------------------------------------


def test_move_date_prefills_today_in_iso_so_a_date_input_shows_it(users, client):
    client.force_login(users["programme"])
    html = client.get(reverse("trajectories:detail", args=[trajectory("AnQore").pk])).content.decode()
    field = re.search(r'<input[^>]*name="date"[^>]*>', html).group(0)
    assert 'type="date"' in field
    assert f'value="{dt.date.today().isoformat()}"' in field


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
    assert_error_next_to(page, "overgang-date", "geldige datum")
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
    typed = {"top20": "false", "climate_plan_target_year": "twintig-veertig", "willing_to_invest_in_nl": "true",
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
    typed = {"top20": "true", "climate_plan_target_year": "2044", "willing_to_invest_in_nl": "true", "financial_securities": "mijn tekst"}
    response = client.post(reverse("trajectories:eligibility", args=[oci.pk]), {**typed, "version": oci.version - 1})
    assert response.status_code == 409
    page = read(response)
    assert_kept(page, "toelating-formulier", {**typed, "version": str(oci.version)})
    assert "intussen gewijzigd" in page.texts["toelating-formulier-fouten"]


def test_as_of_form_keeps_a_bad_date_in_its_field(users, client):
    client.force_login(users["programme"])
    page = client.get(reverse("trajectories:detail", args=[trajectory("AnQore").pk]), {"op": "gisteren"}).content.decode()
    assert re.search(r'<input[^>]*name="op"[^>]*value="gisteren"', page)


# --- edit pages: project, business case, milestone, assumptions ---------------------------------------


def _anqore_project():
    return Project.objects.get(trajectory=trajectory("AnQore"))


def test_project_form_keeps_input_and_shows_numbers_with_dutch_separators(users, client):
    client.force_login(users["programme"])
    project = _anqore_project()
    Project.objects.filter(pk=project.pk).update(investment_eur=1500000.0, acceleration_years=2.5)
    url = reverse("finance:project_edit", args=[project.pk])
    shown = read(client.get(url)).forms["bewerken"]
    assert shown["investment_eur"] == "1.500.000" and shown["acceleration_years"] == "2,5"
    assert not re.search(r'value="-?[0-9]+\.[0-9]"', client.get(url).content.decode())  # never 1500000.0
    project.refresh_from_db()
    typed = {"name": "Nieuwe naam", "description": "Mijn omschrijving", "levy_regime": project.levy_regime, "target_year": "2030",
             "co2_reduction_t": "veel", "investment_eur": "2.500.000,50", "version": str(project.version)}
    response = client.post(url, typed)
    assert response.status_code == 422
    page = read(response)
    assert_kept(page, "bewerken", typed)
    assert_error_next_to(page, "id_co2_reduction_t", "getal")
    assert_summary(page, "bewerken-fouten", "Niet opgeslagen")


def test_project_form_reads_dutch_numbers(users, client):
    client.force_login(users["programme"])
    project = _anqore_project()
    data = {"name": project.name, "levy_regime": project.levy_regime, "target_year": "2030", "baseline_emissions_t": "1.200.000",
            "co2_reduction_t": "500.000", "investment_eur": "1.500.000,50", "version": project.version}
    assert client.post(reverse("finance:project_edit", args=[project.pk]), data).status_code == 302
    project.refresh_from_db()
    assert (project.baseline_emissions_t, project.co2_reduction_t, project.investment_eur) == (1200000.0, 500000.0, 1500000.5)


def _case_post(case, **changes):
    data = {"start_year": str(case.start_year), "lifetime_years": str(case.lifetime_years), "hurdle_rate": "8",
            "opex_delta_eur_per_year": "0", "gas_delta_mwh_per_year": "0", "electricity_delta_mwh_per_year": "0",
            "hydrogen_delta_kg_per_year": "0", "co2_stored_t_per_year": "0", "ets_covered_reduction_t_per_year": "0",
            "other_income_eur_per_year": "0", "notes": "mijn notitie", "version": str(case.version),
            "capex-TOTAL_FORMS": "4", "capex-INITIAL_FORMS": "0", "capex-0-amount": "40.000.000", "capex-1-amount": "60.000.000,50"}
    return data | changes


def test_business_case_capex_rows_round_trip(users, client):
    client.force_login(users["programme"])
    project = _anqore_project()
    case = BusinessCase.objects.get(project=project)
    url = reverse("finance:business_case_edit", args=[project.pk])
    assert client.post(url, _case_post(case, **{"capex-2-amount": "5.000.000", "capex-2-DELETE": "on"})).status_code == 302
    case.refresh_from_db()
    assert case.capex_schedule == [40_000_000.0, 60_000_000.5]
    assert case.hurdle_rate == pytest.approx(0.08)
    shown = read(client.get(url)).forms["bewerken"]
    assert (shown["capex-0-amount"], shown["capex-1-amount"], shown["capex-2-amount"]) == ("40.000.000", "60.000.000,5", "")
    assert shown["hurdle_rate"] == "8"
    assert shown["capex-TOTAL_FORMS"] == "4"  # two years and two empty rows to add years
    # removing a year: delete its row
    case.refresh_from_db()
    post = _case_post(case, **{"capex-TOTAL_FORMS": "2", "capex-INITIAL_FORMS": "2", "capex-1-DELETE": "on", "capex-1-amount": "60.000.000,5"})
    assert client.post(url, post).status_code == 302
    case.refresh_from_db()
    assert case.capex_schedule == [40_000_000.0]


def test_business_case_with_a_bad_row_keeps_every_row_and_field(users, client):
    client.force_login(users["programme"])
    project = _anqore_project()
    case = BusinessCase.objects.get(project=project)
    before = BusinessCase.objects.filter(pk=case.pk).values().get()
    typed = _case_post(case, **{"capex-2-amount": "veel", "hurdle_rate": "8,5%"})
    response = client.post(reverse("finance:business_case_edit", args=[project.pk]), typed)
    assert response.status_code == 422
    page = read(response)
    assert_kept(page, "bewerken", {k: v for k, v in typed.items() if not k.endswith("FORMS") and k != "version"})
    assert_error_next_to(page, "id_capex-2-amount", "getal")
    assert "Voer een geldige JSON in" not in response.content.decode()
    assert "ten minste één jaar" not in response.content.decode()  # the rows are there; one is wrong
    assert BusinessCase.objects.filter(pk=case.pk).values().get() == before


@pytest.mark.parametrize("rows,where,message", [
    ({"capex-0-amount": "", "capex-1-amount": "5"}, "id_capex-0-amount_error", "Vul een bedrag in"),
    ({"capex-0-amount": "-5", "capex-1-amount": ""}, "id_capex-0-amount_error", "ligt buiten"),
    ({"capex-0-amount": "", "capex-1-amount": ""}, "capex_error", "ten minste één jaar"),
])
def test_business_case_capex_row_errors(users, client, rows, where, message):
    client.force_login(users["programme"])
    project = _anqore_project()
    case = BusinessCase.objects.get(project=project)
    response = client.post(reverse("finance:business_case_edit", args=[project.pk]), _case_post(case, **rows))
    assert response.status_code == 422
    assert message in read(response).texts.get(where, "")


def test_milestone_form_keeps_input(users, client):
    client.force_login(users["programme"])
    m = Milestone.objects.order_by("pk").first()
    typed = {"planned": "2027-13-45", "forecast": "2028-06-30", "note": "Vergunning vertraagd", "source": "Brief van 3 maart"}
    response = client.post(reverse("programme:milestone_edit", args=[m.pk]), {**typed, "version": m.version})
    assert response.status_code == 422
    page = read(response)
    assert_kept(page, "bewerken", {**typed, "planned": "2027-13-45"})
    assert_error_next_to(page, "id_planned", "geldige datum")


def test_milestone_dates_are_shown_in_iso(users, client):
    client.force_login(users["programme"])
    m = Milestone.objects.order_by("pk").first()
    shown = read(client.get(reverse("programme:milestone_edit", args=[m.pk]))).forms["bewerken"]
    assert shown["planned"] == m.planned.isoformat()


def test_assumptions_form_takes_chances_as_percentages_and_keeps_input(users, client):
    client.force_login(users["programme"])
    current = OutlookAssumptions.current()
    if current.pk is None:
        current.save()
    url = reverse("programme:assumptions")
    typed = {"kans_eop_signed": "60", "kans_exploration": "", "delay_mean_years": "-1", "reduction_sd": "0,1", "additional_share_when_unknown": "0"}
    response = client.post(url, {**typed, "version": current.version})
    assert response.status_code == 422
    page = read(response)
    assert_kept(page, "bewerken", typed)
    assert_error_next_to(page, "id_delay_mean_years", "Tussen 0 en 20")
    assert client.post(url, {**typed, "delay_mean_years": "1,5", "version": current.version}).status_code == 302
    current.refresh_from_db()
    assert current.conversion_overrides == {"eop_signed": pytest.approx(0.6)} and current.delay_mean_years == 1.5
    assert read(client.get(url)).forms["bewerken"]["kans_eop_signed"] == "60"


# --- Dutch numbers ------------------------------------------------------------------------------------


@pytest.mark.parametrize("text,value", [
    ("1.500.000,50", 1500000.5), ("1.500.000", 1500000.0), ("1,5", 1.5), ("1500000", 1500000.0), ("-12.000", -12000.0),
    ("€ 2.500", 2500.0), ("1 500 000", 1500000.0),
    # a point followed by exactly three digits groups thousands (Dutch); otherwise it is a decimal point
    ("1.500", 1500.0), ("1.5", 1.5), ("0.08", 0.08), ("1500000.0", 1500000.0), ("1e6", 1e6),
])
def test_dutch_number_reading(text, value):
    assert parse_dutch_number(text) == value
    assert DutchDecimalField().clean(text) == value


@pytest.mark.parametrize("text", ["Infinity", "NaN", "nan", "inf", "1e400", "１２３", "1_000", "1.50.000", "1,500,000", "12,5,0", "True", "veel"])
def test_dutch_number_field_refuses_what_is_not_a_finite_number(text):
    from django.core.exceptions import ValidationError

    with pytest.raises(ValidationError):
        DutchDecimalField().clean(text)


def test_dutch_number_field_refuses_booleans():
    from django.core.exceptions import ValidationError

    with pytest.raises(ValidationError):
        DutchDecimalField().clean(True)


@pytest.mark.parametrize("value,shown", [(1500000.0, "1.500.000"), (0.15, "0,15"), (1500000.5, "1.500.000,5"), (-2500.0, "-2.500"), (1e11, "100.000.000.000")])
def test_numbers_are_shown_with_dutch_separators(value, shown):
    assert format_dutch_number(value) == shown
    assert DutchDecimalField().prepare_value(value) == shown


def test_percent_field_reads_and_shows_percentages():
    field = DutchPercentField(min_percent=0, max_percent=100)
    assert field.clean("8") == pytest.approx(0.08) and field.clean("8,5%") == pytest.approx(0.085)
    assert field.prepare_value(0.08) == "8"


def test_integer_field_reads_thousands_separators():
    assert DutchIntegerField().clean("1.500.000") == 1500000
    assert DutchIntegerField().prepare_value(1500000) == "1.500.000"
