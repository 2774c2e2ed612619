"""Every URL and API operation, read and write, as every role.

For each route of the URL configuration (and each method of each API operation) the matrix below
says what each role gets. The test asserts that status; that a refused write wrote nothing; that an
allowed write did write; and that no confidential business information of AnQore reaches a role
without the right to it. A completeness test fails when a route or API operation has no row here, so
a new URL cannot slip past. The admin is checked separately: none of the roles is staff, so every
admin URL sends each of them to the admin login, for reads and writes alike.
"""

import dataclasses
import datetime as dt
import json
import re
from collections.abc import Callable

import pytest
from django.contrib import admin
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from maatwerk.api.api import api as internal_api
from maatwerk.figures import services as figure_services
from maatwerk.figures.models import Figure
from maatwerk.finance.models import BusinessCase, Project
from maatwerk.portal.api import api as public_api
from maatwerk.programme.models import BudgetEntry, Milestone, OutlookAssumptions, PhaseExpectation
from maatwerk.registry.models import Company, Installation, Operator
from maatwerk.reporting import services as reporting
from maatwerk.reporting.models import Letter
from maatwerk.reporting.services import OVERVIEWS
from maatwerk.trajectories import services
from maatwerk.trajectories.models import AmviAdvice, AmviItem, Document, Event, ParliamentNotice, Trajectory

from ..helpers import trajectory

PDF = b"%PDF-1.4\n%%EOF\n"
ROLES = ("anonymous", "nobody", "company_a", "company_b", "amvi", "province", "programme")
SECRET = ["MATRIX-GEHEIM-5150", "31415926"]
MAY_SEE_ANQORE_SECRETS = {"company_a", "amvi", "programme"}
L = "login"  # redirect to the login page (web) or 401 (API)
LP = "login page"  # redirect to the login page, also under /api/ (the API's documentation pages)

# expected status per role, in the order of ROLES
OPEN = (200,) * 7
LOGIN_ANY = (L, 200, 200, 200, 200, 200, 200)
PROGRAMME_ONLY = (L, 403, 403, 403, 403, 403, 200)
ANQORE_OBJECT = (L, 404, 200, 404, 200, 200, 200)  # AnQore: own company, put to the AMVI, Limburg's
POST_ONLY = (L, 405, 405, 405, 405, 405, 405)


def programme_writes(ok):  # on AnQore: the others who see it are refused (403), who don't, get 404
    return (L, 404, 403, 404, 403, 403, ok)


def RECORDS(ok):  # figures of AnQore: recorded and proposed by the programme team, AnQore itself and Limburg; the AMVI reads only
    return (L, 404, ok, 404, 403, ok, ok)


def PUBLISHES(ok):  # published by the programme team alone; the others who see the figure are refused
    return (L, 404, 403, 404, 403, 403, ok)


@dataclasses.dataclass
class Case:
    route: str  # URL name, or "METHOD /api/path" for an API operation
    method: str
    url: Callable[[dict], str]
    expected: tuple
    data: Callable[[dict], dict] | None = None
    writes: bool = False  # an allowed request must change the data
    json: bool = False


def G(route, url, expected):
    return Case(route, "GET", url if callable(url) else (lambda ids, u=url: u), expected)


def P(route, url, expected, data=None, writes=True, method="POST", as_json=False):
    return Case(route, method, url if callable(url) else (lambda ids, u=url: u), expected, data or (lambda ids: {}), writes, as_json)


def version(model, pk):
    return model.objects.get(pk=pk).version


def pause_or_resume(ids) -> str:
    """A move the rules allow now: pause, or (when paused already) back to the phase before the pause."""
    t = Trajectory.objects.get(pk=ids["trajectory"])
    state = services.state_as_of(t)
    return state.phase_before_pause if state.phase == "paused" else "paused"


def project_form(ids):
    p = Project.objects.get(pk=ids["project"])
    return {"name": p.name, "levy_regime": p.levy_regime, "baseline_emissions_t": p.baseline_emissions_t, "zzs": "matrix",
            "version": p.version}


def business_case_form(ids):
    bc = BusinessCase.objects.get(project_id=ids["project"])
    return {"start_year": bc.start_year, "lifetime_years": bc.lifetime_years, "hurdle_rate": bc.hurdle_rate,
            "capex_schedule": json.dumps(bc.capex_schedule), "opex_delta_eur_per_year": bc.opex_delta_eur_per_year,
            "gas_delta_mwh_per_year": 0, "electricity_delta_mwh_per_year": 0, "hydrogen_delta_kg_per_year": 0,
            "co2_stored_t_per_year": 0, "ets_covered_reduction_t_per_year": 0, "other_income_eur_per_year": 0,
            "illustrative": "on", "notes": bc.notes, "version": bc.version}


def upload(ids):
    from django.core.files.uploadedfile import SimpleUploadedFile

    return {"doc_type": "other", "title": "Matrixbrief", "confidentiality": "internal",
            "file": SimpleUploadedFile("brief.pdf", PDF, content_type="application/pdf")}


def case_file_upload(ids):
    from django.core.files.uploadedfile import SimpleUploadedFile

    from ..casefiles.cases import alco_like

    data = alco_like("Matrix Ethanol")
    data["company"].pop("installations")  # not in the demo registry
    case = json.dumps(data).encode()
    return {"file": SimpleUploadedFile("matrix.json", case, content_type="application/json")}


def figure_form(ids):
    return {"quantity": "co2_reduction_t_per_year", "project": "", "qualifier": "range", "low": "224.000", "high": "263.000",
            "year": "2030", "base_period": "2021", "source": ids["public_document"], "valid_from": "2025-06-01",
            "confidentiality": "public", "note": "matrix", "supersedes": ""}


def figure_json(ids):
    return {"company_id": ids["company"], "quantity": "nox_reduction_t_per_year", "qualifier": "at_least", "low": 17,
            "source_id": ids["public_document"], "valid_from": "2025-06-01", "confidentiality": "public"}


def remap_installation(ids):
    """Move the installation to a company other than its current one (the form carries the current one)."""
    current = Installation.objects.select_related("operator", "company").get(eutl_id=ids["installation"]).effective_company
    other = Company.objects.exclude(pk=current.pk if current else None).order_by("pk").first()
    return {"expected": current.pk if current else "", "company": other.pk}


def remap_operator(ids):
    current = Operator.objects.get(pk=ids["operator"]).company_id
    return {"expected": current or "", "company": Company.objects.exclude(pk=current).order_by("pk").first().pk}


def company_form(ids):
    """AnQore's company form as it stands (every link kept), with one change."""
    t = Trajectory.objects.select_related("company").get(pk=ids["trajectory"])
    links = services._links_of(t.company)
    return {"name": t.company.name, "sector": t.company.sector, "subsector": "matrix", "sites": t.company.sites,
            "provinces": [p.strip() for p in t.company.provinces.split(",") if p.strip() in services.PROVINCES],
            "installations": ", ".join(links["installations"]),
            "operators": "\n".join(Operator.objects.filter(company=t.company).values_list("name", flat=True)), "version": t.version}


def matrix() -> list[Case]:
    t = lambda ids: ids["trajectory"]  # noqa: E731
    today = dt.date.today().isoformat()
    cases = [
        # public site, register, open data, progress letter
        G("portal:home", "/", OPEN),
        G("portal:company", "/bedrijven/anqore/", OPEN),
        G("portal:documents", "/documenten/", OPEN),
        G("portal:document_file", lambda ids: f"/documenten/{ids['public_document']}/download/", OPEN),
        G("portal:open_data", "/open-data/", OPEN),
        G("registry:ranking", "/register/", OPEN),
        G("registry:reconciliation", "/register/afstemming/?jaar=2020", OPEN),
        G("registry:companies", "/register/bedrijven/", OPEN),
        G("registry:company", "/register/bedrijven/anqore/", OPEN),
        G("registry:installation", lambda ids: f"/register/installaties/{ids['installation']}/", OPEN),
        # the mapping screen (programme team only)
        G("registry:mapping", "/register/koppelen/?land=NL", PROGRAMME_ONLY),
        G("registry:mapping_installation", lambda ids: f"/register/koppelen/installaties/{ids['installation']}/", PROGRAMME_ONLY),
        P("registry:mapping_installation", lambda ids: f"/register/koppelen/installaties/{ids['installation']}/",
          (L, 403, 403, 403, 403, 403, 302), remap_installation),
        G("registry:mapping_operator", lambda ids: f"/register/koppelen/rekeninghouders/{ids['operator']}/", PROGRAMME_ONLY),
        P("registry:mapping_operator", lambda ids: f"/register/koppelen/rekeninghouders/{ids['operator']}/",
          (L, 403, 403, 403, 403, 403, 302), remap_operator),
        # reading in a case file (programme team only): a POST with a file shows the preview and writes nothing
        G("casefiles:upload", "/casusbestanden/inlezen/", PROGRAMME_ONLY),
        P("casefiles:upload", "/casusbestanden/inlezen/", (L, 403, 403, 403, 403, 403, 200), case_file_upload, writes=False),
        G("reporting:letter", "/rapportage/voortgangsbrief/", PROGRAMME_ONLY),  # an unsent draft (issue 12)
        # logging in and out, second factor
        G("login", "/inloggen/", OPEN),
        P("login", lambda ids: "/inloggen/", OPEN, lambda ids: {"username": "t-anqore", "password": "fout"}, writes=False),
        G("logout", "/uitloggen/", (405,) * 7),
        P("logout", lambda ids: "/uitloggen/", (302,) * 7, writes=False),
        G("accounts:two_factor", "/tweestaps/", LOGIN_ANY),
        # the shell (issue 15): landing page per role, footer pages
        G("core:start", "/start/", (302,) * 7),
        G("core:about", "/over-deze-site/", OPEN),
        G("core:privacy", "/privacy/", OPEN),
        G("core:cookies", "/cookies/", OPEN),
        G("core:accessibility", "/toegankelijkheid/", OPEN),
        G("core:contact", "/contact/", OPEN),
        P("accounts:two_factor", lambda ids: "/tweestaps/", LOGIN_ANY, lambda ids: {"token": "000000"}, writes=False),
        # the programme's pages
        G("trajectories:board", "/trajecten/", LOGIN_ANY),
        G("trajectories:detail", lambda ids: f"/trajecten/{t(ids)}/", ANQORE_OBJECT),
        # the AMVI sees business cases only as they were put to it: this one is uploaded after its advice (issue 12)
        G("trajectories:download", lambda ids: f"/documenten/{ids['document']}/bestand/", (L, 404, 200, 404, 404, 404, 200)),
        G("finance:projects", "/projecten/", LOGIN_ANY),
        G("finance:project", lambda ids: f"/projecten/{ids['project']}/", ANQORE_OBJECT),
        G("programme:dashboard", "/programma/", PROGRAMME_ONLY),
        G("programme:monitoring", "/monitoring/", PROGRAMME_ONLY),
        G("reporting:overviews", "/rapportage/overzichten/", PROGRAMME_ONLY),
        G("reporting:index", "/rapportage/", PROGRAMME_ONLY),
        P("reporting:letter_new", "/rapportage/brieven/nieuw/", (L, 403, 403, 403, 403, 403, 302), lambda ids: {"as_of": "2025-06-30", "kenmerk": "matrix"}),
        G("reporting:letter_edit", lambda ids: f"/rapportage/brieven/{ids['letter_draft']}/", PROGRAMME_ONLY),
        G("reporting:letter_edit", lambda ids: f"/rapportage/brieven/{ids['letter_sent']}/", PROGRAMME_ONLY),
        P("reporting:letter_edit", lambda ids: f"/rapportage/brieven/{ids['letter_draft']}/", (L, 403, 403, 403, 403, 403, 302),
          lambda ids: {"subject": "Matrixbrief", "kenmerk": "matrix", "text_intro": "Matrix.", "version": version(Letter, ids["letter_draft"])}),
        P("reporting:letter_regenerate", lambda ids: f"/rapportage/brieven/{ids['letter_draft']}/tekst-opnieuw/", (L, 403, 403, 403, 403, 403, 302),
          lambda ids: {"version": version(Letter, ids["letter_draft"])}),
        G("reporting:letter_file", lambda ids: f"/rapportage/brieven/{ids['letter_draft']}/brief.html", PROGRAMME_ONLY),
        G("reporting:letter_file", lambda ids: f"/rapportage/brieven/{ids['letter_draft']}/brief.docx", PROGRAMME_ONLY),
        P("reporting:letter_send", lambda ids: f"/rapportage/brieven/{ids['letter_to_send']}/verzenden/", (L, 403, 403, 403, 403, 403, 302),
          lambda ids: {"sent_on": "2025-07-01", "kamerstuk": "29826-998", "kenmerk": "matrix", "version": version(Letter, ids["letter_to_send"])}),
        G("reporting:sent_letters", "/kamerbrieven/", OPEN),
        G("reporting:sent_letter", lambda ids: f"/kamerbrieven/{ids['letter_sent']}/", OPEN),
        G("reporting:sent_letter", lambda ids: f"/kamerbrieven/{ids['letter_draft']}/", (404,) * 7),  # a draft is not public
        G("reporting:sent_letter_file", lambda ids: f"/kamerbrieven/{ids['letter_sent']}/brief.html", OPEN),
        G("reporting:sent_letter_file", lambda ids: f"/kamerbrieven/{ids['letter_sent']}/brief.docx", OPEN),
        G("reporting:sent_letter_file", lambda ids: f"/kamerbrieven/{ids['letter_draft']}/brief.docx", (404,) * 7),
        # writes on a trajectory: GET is not allowed, POST by role
        G("trajectories:move", lambda ids: f"/trajecten/{t(ids)}/overgang/", POST_ONLY),
        P("trajectories:move", lambda ids: f"/trajecten/{t(ids)}/overgang/", programme_writes(302),
          lambda ids: {"to": pause_or_resume(ids), "date": today, "note": "matrix", "version": version(Trajectory, ids["trajectory"])}),
        G("trajectories:upload", lambda ids: f"/trajecten/{t(ids)}/documenten/", POST_ONLY),
        P("trajectories:upload", lambda ids: f"/trajecten/{t(ids)}/documenten/", (L, 404, 302, 404, 403, 403, 302), upload),
        G("trajectories:review", lambda ids: f"/trajecten/{t(ids)}/documenten/{ids['submitted']}/beoordeling/", POST_ONLY),
        P("trajectories:review", lambda ids: f"/trajecten/{t(ids)}/documenten/{ids['submitted']}/beoordeling/", programme_writes(302),
          lambda ids: {"decision": "accept", "reason": ""}),
        G("trajectories:amvi_advice", lambda ids: f"/trajecten/{t(ids)}/amvi-advies/", POST_ONLY),
        P("trajectories:amvi_advice", lambda ids: f"/trajecten/{t(ids)}/amvi-advies/", (L, 404, 403, 404, 302, 403, 302),
          lambda ids: {"concept_submitted_on": "2025-03-01", "advice_date": "2025-04-01", "feasibility": "positive",
                       "cost_effectiveness": "positive", "ambition": "positive", "summary": "matrix", "items": "advies: meer"}),
        G("trajectories:respond", lambda ids: f"/trajecten/{t(ids)}/amvi-punten/{ids['item']}/reactie/", POST_ONLY),
        P("trajectories:respond", lambda ids: f"/trajecten/{t(ids)}/amvi-punten/{ids['item']}/reactie/", programme_writes(302),
          lambda ids: {"response": "adopted", "reason": "matrix"}),
        G("trajectories:parliament", lambda ids: f"/trajecten/{t(ids)}/kamer/", POST_ONLY),
        P("trajectories:parliament", lambda ids: f"/trajecten/{t(ids)}/kamer/", programme_writes(302),
          lambda ids: {"informed_on": today, "kamerstuk": "29826-999"}),
        G("trajectories:eligibility", lambda ids: f"/trajecten/{t(ids)}/toelating/", POST_ONLY),
        P("trajectories:eligibility", lambda ids: f"/trajecten/{t(ids)}/toelating/", programme_writes(302),
          lambda ids: {"admission_kind": "top20", "admission_reason": "matrix", "climate_plan_target_year": "2049",
                       "willing_to_invest_in_nl": "true", "financial_securities": "matrix", "version": version(Trajectory, ids["trajectory"])}),
        # case intake (issue 13): companies, parties, sources, notes, projects (programme team only)
        G("trajectories:company_new", "/trajecten/nieuw/", PROGRAMME_ONLY),
        P("trajectories:company_new", lambda ids: "/trajecten/nieuw/", (L, 403, 403, 403, 403, 403, 302),
          lambda ids: {"name": "Matrixbedrijf", "sector": "industry", "provinces": ["Zeeland"], "admission_kind": "extension",
                       "admission_reason": "matrix"}),
        G("trajectories:company_edit", lambda ids: f"/trajecten/{t(ids)}/bedrijf/", programme_writes(200)),
        P("trajectories:company_edit", lambda ids: f"/trajecten/{t(ids)}/bedrijf/", programme_writes(302), company_form),
        G("trajectories:party_add", lambda ids: f"/trajecten/{t(ids)}/partijen/", POST_ONLY),
        P("trajectories:party_add", lambda ids: f"/trajecten/{t(ids)}/partijen/", programme_writes(302),
          lambda ids: {"name": "Matrixpartij", "role": "other"}),
        G("trajectories:party_remove", lambda ids: f"/trajecten/{t(ids)}/partijen/{ids['party']}/verwijderen/", POST_ONLY),
        P("trajectories:party_remove", lambda ids: f"/trajecten/{t(ids)}/partijen/{ids['party']}/verwijderen/", programme_writes(302)),
        G("trajectories:source", lambda ids: f"/trajecten/{t(ids)}/bronnen/", POST_ONLY),
        P("trajectories:source", lambda ids: f"/trajecten/{t(ids)}/bronnen/", programme_writes(302),
          lambda ids: {"doc_type": "kamerbrief", "title": "Matrixbron", "date": "2025-06", "reference": "Kamerstuk 1", "public": "on"}),
        G("trajectories:note", lambda ids: f"/trajecten/{t(ids)}/notities/", POST_ONLY),
        P("trajectories:note", lambda ids: f"/trajecten/{t(ids)}/notities/", programme_writes(302), lambda ids: {"note": "matrix", "date": "2025"}),
        G("finance:project_new", lambda ids: f"/trajecten/{t(ids)}/projecten/nieuw/", programme_writes(200)),
        P("finance:project_new", lambda ids: f"/trajecten/{t(ids)}/projecten/nieuw/", programme_writes(302),
          lambda ids: {"name": "Matrixproject", "techniques": ["electrification"]}),
        # edit pages with optimistic locking
        G("finance:project_edit", lambda ids: f"/projecten/{ids['project']}/bewerken/", programme_writes(200)),
        P("finance:project_edit", lambda ids: f"/projecten/{ids['project']}/bewerken/", programme_writes(302), project_form),
        G("finance:business_case_edit", lambda ids: f"/projecten/{ids['project']}/businesscase/", (L, 404, 200, 404, 403, 403, 200)),
        P("finance:business_case_edit", lambda ids: f"/projecten/{ids['project']}/businesscase/", (L, 404, 302, 404, 403, 403, 302),
          business_case_form),
        G("programme:assumptions", "/programma/aannames/", PROGRAMME_ONLY),
        P("programme:assumptions", lambda ids: "/programma/aannames/", (L, 403, 403, 403, 403, 403, 302),
          lambda ids: {"delay_mean_years": 1.5, "reduction_sd": 0.1, "additional_share_when_unknown": 0.3,
                       "conversion_overrides": "", "version": OutlookAssumptions.current().version}),
        G("programme:milestone_edit", lambda ids: f"/monitoring/mijlpalen/{ids['milestone']}/", PROGRAMME_ONLY),
        P("programme:milestone_edit", lambda ids: f"/monitoring/mijlpalen/{ids['milestone']}/", (L, 403, 403, 403, 403, 403, 302),
          lambda ids: {"planned": "2029-01-01", "forecast": "2029-06-30", "note": "matrix", "source": "",
                       "version": version(Milestone, ids["milestone"])}),
        # the register of figures (issue 13): read by who sees the trajectory; recorded and proposed by the programme
        # team, the company itself and its province; published by the programme team only (four eyes)
        G("figures:company", "/cijfers/bedrijven/anqore/", ANQORE_OBJECT),
        G("figures:project", lambda ids: f"/cijfers/projecten/{ids['project']}/", ANQORE_OBJECT),
        G("figures:queue", "/cijfers/te-publiceren/", PROGRAMME_ONLY),
        G("figures:record", "/cijfers/bedrijven/anqore/vastleggen/", (L, 404, 200, 404, 403, 200, 200)),
        P("figures:record", lambda ids: "/cijfers/bedrijven/anqore/vastleggen/", RECORDS(302), figure_form),
        G("figures:propose", lambda ids: f"/cijfers/{ids['figure_draft']}/voorstellen/", POST_ONLY),
        P("figures:propose", lambda ids: f"/cijfers/{ids['figure_draft']}/voorstellen/", RECORDS(302)),
        G("figures:publish", lambda ids: f"/cijfers/{ids['figure_proposed']}/publiceren/", POST_ONLY),
        P("figures:publish", lambda ids: f"/cijfers/{ids['figure_proposed']}/publiceren/", PUBLISHES(302)),
        G("figures:propose_document", lambda ids: f"/cijfers/documenten/{ids['source_draft']}/voorstellen/", POST_ONLY),
        P("figures:propose_document", lambda ids: f"/cijfers/documenten/{ids['source_draft']}/voorstellen/", (L, 404, 302, 404, 404, 302, 302)),
        G("figures:publish_document", lambda ids: f"/cijfers/documenten/{ids['source_proposed']}/publiceren/", POST_ONLY),
        P("figures:publish_document", lambda ids: f"/cijfers/documenten/{ids['source_proposed']}/publiceren/", (L, 404, 403, 404, 404, 403, 302)),
        G("GET /api/v1/figures/", "/api/v1/figures/", LOGIN_ANY),
        G("GET /api/v1/figures/{figure_id}", lambda ids: f"/api/v1/figures/{ids['figure_draft']}", ANQORE_OBJECT),
        P("POST /api/v1/figures/", lambda ids: "/api/v1/figures/", RECORDS(201), figure_json, as_json=True),
        P("POST /api/v1/figures/{figure_id}/propose", lambda ids: f"/api/v1/figures/{ids['figure_draft_api']}/propose", RECORDS(200), as_json=True),
        P("POST /api/v1/figures/{figure_id}/publish", lambda ids: f"/api/v1/figures/{ids['figure_proposed_api']}/publish", PUBLISHES(200), as_json=True),
        # milestones at a month or year, expected phases, budget stages (issue 13 §6, §7): the programme team
        G("programme:milestone_add", lambda ids: f"/monitoring/projecten/{ids['project']}/mijlpalen/nieuw/", PROGRAMME_ONLY),
        P("programme:milestone_add", lambda ids: f"/monitoring/projecten/{ids['project']}/mijlpalen/nieuw/", (L, 403, 403, 403, 403, 403, 302),
          lambda ids: {"kind": "construction_start", "planned": "2027", "note": "matrix"}),
        G("programme:expectations", lambda ids: f"/monitoring/trajecten/{t(ids)}/verwachtingen/", PROGRAMME_ONLY),
        P("programme:expectations", lambda ids: f"/monitoring/trajecten/{t(ids)}/verwachtingen/", (L, 403, 403, 403, 403, 403, 302),
          lambda ids: {"phase": "completed", "expected": "2031", "stated_on": today, "source": "matrix"}),
        G("programme:project_budget", lambda ids: f"/programma/projecten/{ids['project']}/budget/", PROGRAMME_ONLY),
        P("programme:project_budget", lambda ids: f"/programma/projecten/{ids['project']}/budget/", (L, 403, 403, 403, 403, 403, 302),
          lambda ids: {"stage": "reserved", "amount_eur": "46.000.000", "valid_from": today, "source": "matrix"}),
        # internal API
        G("GET /api/v1/companies/", "/api/v1/companies/", LOGIN_ANY),
        G("GET /api/v1/companies/{company_id}", lambda ids: f"/api/v1/companies/{ids['company']}", LOGIN_ANY),
        G("GET /api/v1/trajectories/", "/api/v1/trajectories/", LOGIN_ANY),
        G("GET /api/v1/trajectories/{trajectory_id}", lambda ids: f"/api/v1/trajectories/{t(ids)}", ANQORE_OBJECT),
        G("GET /api/v1/trajectories/{trajectory_id}/events", lambda ids: f"/api/v1/trajectories/{t(ids)}/events", ANQORE_OBJECT),
        G("GET /api/v1/documents/", "/api/v1/documents/", LOGIN_ANY),
        P("POST /api/v1/trajectories/{trajectory_id}/transitions", lambda ids: f"/api/v1/trajectories/{t(ids)}/transitions",
          programme_writes(201), lambda ids: {"to": pause_or_resume(ids), "date": today, "note": "matrix",
                                              "version": version(Trajectory, ids["trajectory"])}, as_json=True),
        P("POST /api/v1/trajectories/", lambda ids: "/api/v1/trajectories/", (L, 403, 403, 403, 403, 403, 201),
          lambda ids: {"name": "Matrix-API-bedrijf", "sector": "industry", "admission_kind": "top20"}, as_json=True),
        P("PATCH /api/v1/trajectories/{trajectory_id}", lambda ids: f"/api/v1/trajectories/{t(ids)}", programme_writes(200),
          lambda ids: {"version": version(Trajectory, ids["trajectory"]), "climate_plan_target_year": 2048}, method="PATCH", as_json=True),
        G("GET /api/v1/trajectories/{trajectory_id}/case", lambda ids: f"/api/v1/trajectories/{t(ids)}/case", ANQORE_OBJECT),
        P("PATCH /api/v1/trajectories/{trajectory_id}/company", lambda ids: f"/api/v1/trajectories/{t(ids)}/company", programme_writes(200),
          lambda ids: {"version": version(Trajectory, ids["trajectory"]), "subsector": "matrix-api"}, method="PATCH", as_json=True),
        P("POST /api/v1/trajectories/{trajectory_id}/parties", lambda ids: f"/api/v1/trajectories/{t(ids)}/parties", programme_writes(201),
          lambda ids: {"name": "Matrix-API-partij", "role": "province"}, as_json=True),
        P("DELETE /api/v1/trajectories/{trajectory_id}/parties/{party_id}", lambda ids: f"/api/v1/trajectories/{t(ids)}/parties/{ids['party_api']}",
          programme_writes(200), method="DELETE", as_json=True),
        P("POST /api/v1/trajectories/{trajectory_id}/documents", lambda ids: f"/api/v1/trajectories/{t(ids)}/documents", programme_writes(201),
          lambda ids: {"kind": "news", "title": "Matrixbericht", "date": "2026-03", "public": True}, as_json=True),
        P("POST /api/v1/trajectories/{trajectory_id}/events", lambda ids: f"/api/v1/trajectories/{t(ids)}/events", programme_writes(201),
          lambda ids: {"kind": "parliament_informed", "not_after": "2025-12"}, as_json=True),
        P("POST /api/v1/projects/", lambda ids: "/api/v1/projects/", programme_writes(201),
          lambda ids: {"trajectory_id": ids["trajectory"], "name": "Matrix-API-project"}, as_json=True),
        P("POST /api/v1/documents/{document_id}/review", lambda ids: f"/api/v1/documents/{ids['submitted_api']}/review",
          (L, 404, 403, 404, 404, 404, 200), lambda ids: {"decision": "publish", "reason": "matrix"}, as_json=True),
        G("GET /api/v1/projects/", "/api/v1/projects/", LOGIN_ANY),
        G("GET /api/v1/projects/{project_id}", lambda ids: f"/api/v1/projects/{ids['project']}", ANQORE_OBJECT),
        P("PATCH /api/v1/projects/{project_id}", lambda ids: f"/api/v1/projects/{ids['project']}", programme_writes(200),
          lambda ids: {"version": version(Project, ids["project"]), "description": "matrix-api"}, method="PATCH", as_json=True),
        G("GET /api/v1/projects/{project_id}/evaluation", lambda ids: f"/api/v1/projects/{ids['project']}/evaluation", ANQORE_OBJECT),
        G("GET /api/v1/budget/support", "/api/v1/budget/support?as_of=2026-01-01", PROGRAMME_ONLY),
        G("api-1:openapi-json", "/api/v1/openapi.json", (LP, *LOGIN_ANY[1:])),
        G("api-1:openapi-view", "/api/v1/docs", (LP, *LOGIN_ANY[1:])),
        G("api-1:api-root", "/api/v1/", (404,) * 7),
        # public API
        G("GET /api/public/v1/companies/", "/api/public/v1/companies/", OPEN),
        G("GET /api/public/v1/companies/{slug}", "/api/public/v1/companies/anqore", OPEN),
        G("GET /api/public/v1/projects/", "/api/public/v1/projects/", OPEN),
        G("GET /api/public/v1/documents/", "/api/public/v1/documents/", OPEN),
        G("public-api-1:openapi-json", "/api/public/v1/openapi.json", OPEN),
        G("public-api-1:openapi-view", "/api/public/v1/docs", OPEN),
        G("public-api-1:api-root", "/api/public/v1/", (404,) * 7),
    ]
    from maatwerk.portal.views import DATASETS

    cases += [G("portal:download", f"/open-data/{name}.{fmt}", OPEN) for name in DATASETS for fmt in ("csv", "json")]
    cases += [G("reporting:overview", f"/rapportage/overzichten/{name}.{fmt}", PROGRAMME_ONLY) for name in OVERVIEWS for fmt in ("csv", "xlsx")]
    cases += [G("reporting:overview_dictionary", f"/rapportage/overzichten/{name}/woordenboek.csv", PROGRAMME_ONLY) for name in OVERVIEWS]
    return cases


def fingerprint() -> tuple:
    """What any write of these routes changes."""
    return (
        Event.objects.count(), Document.objects.count(), AmviAdvice.objects.count(), ParliamentNotice.objects.count(),
        sorted(AmviItem.objects.values_list("pk", "response", "response_reason")),
        sorted(Trajectory.objects.values_list("pk", "version")), sorted(Project.objects.values_list("pk", "version")),
        sorted(BusinessCase.objects.values_list("pk", "version")), sorted(Milestone.objects.values_list("pk", "version")),
        sorted(OutlookAssumptions.objects.values_list("pk", "version")),
        sorted(Figure.objects.values_list("pk", "state")), sorted(Document.objects.values_list("pk", "published", "proposed_by")),
        Milestone.objects.count(), PhaseExpectation.objects.count(), BudgetEntry.objects.count(),
        sorted(Letter.objects.values_list("pk", "version", "status")),
        Company.objects.count(), sorted(Installation.objects.values_list("pk", "company_id")),
        sorted(Operator.objects.values_list("pk", "company_id")),
    )


@pytest.fixture
def ids(users, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    anqore = trajectory("AnQore")
    bc = BusinessCase.objects.get(project__trajectory=anqore)
    bc.notes, bc.opex_delta_eur_per_year = SECRET[0], 31415926.0
    bc.save()
    doc = services.add_document(anqore, "business_case", f"BC {SECRET[0]}", "confidential", data=PDF, file_name="bc.pdf")
    public_doc = services.add_document(anqore, "other", "Openbare brief", "public", data=PDF, file_name="brief.pdf", published=True)
    submitted = [services.add_document(anqore, "other", f"Voorstel {n}", "internal", actor=users["company_a"], data=PDF, file_name="v.pdf")
                 for n in (1, 2)]
    project = Project.objects.get(trajectory=anqore)
    advice = AmviAdvice.objects.filter(trajectory=anqore).first()
    if advice is None:
        advice = AmviAdvice.objects.create(trajectory=anqore, concept_submitted_on=dt.date(2025, 3, 1), advice_date=dt.date(2025, 4, 1),
                                           feasibility="positive", cost_effectiveness="positive", ambition="positive", summary="-")
    item = AmviItem.objects.create(advice=advice, kind="advice", text="matrixpunt")
    party = services.add_party(anqore, "Matrix-netbeheerder", "other")
    party_api = services.add_party(anqore, "Matrix-adviseur", "other")
    milestone = Milestone.objects.filter(project=project).first() or Milestone.objects.create(
        project=project, kind="fid", planned=dt.date(2029, 1, 1))
    # the register: figures of AnQore from its public letter, a draft and a proposed one for the web and the API;
    # an internal document to propose and one the company proposed, for publication
    def figure(n):
        return figure_services.record_figure(
            company=anqore.company, quantity="co2_reduction_t_per_year", low=1000.0 * n, high=None, qualifier="about",
            source=public_doc, valid_from=dt.date(2025, 6, 1), confidentiality="public", actor=None)

    figures = [figure(n) for n in (1, 2, 3, 4)]
    for f in figures[2:]:
        figure_services.propose(f, users["company_a"])
    source_draft = services.add_document(anqore, "other", "Brief om voor te stellen", "internal")
    source_proposed = services.add_document(anqore, "other", "Voorgestelde brief", "internal")
    figure_services.propose_document(source_proposed, users["company_a"])
    # derived outputs: the confidential notes of the evaluation (e.g. the levelised cost, computed from
    # the business case) must not reach a role that may not see the business case either
    from maatwerk.finance.services import evaluate

    derived = [n.split("genivelleerde ")[-1][:40] for n in evaluate(project).notes if n.confidential]
    # progress letters: a draft to edit, one to send, and one sent already
    letter_draft, letter_to_send, letter_sent = (reporting.draft_letter(dt.date(2025, 6, 30)) for _ in range(3))
    reporting.send_letter(letter_sent, sent_on=dt.date(2025, 7, 1), kamerstuk="29826-997", kenmerk="MVI/2025-2", actor=users["programme"], expected_version=0)
    assert any("kosten van" in d for d in derived)
    return {"derived": derived, "trajectory": anqore.pk, "project": project.pk, "document": doc.pk, "public_document": public_doc.pk,
            "submitted": submitted[0].pk, "submitted_api": submitted[1].pk,
            "company": anqore.company_id, "installation": Installation.objects.first().eutl_id,
            "operator": Installation.objects.first().operator_id, "item": item.pk,
            "milestone": milestone.pk, "party": party.pk, "party_api": party_api.pk, "figure_draft": figures[0].pk, "figure_draft_api": figures[1].pk,
            "figure_proposed": figures[2].pk, "figure_proposed_api": figures[3].pk,
            "source_draft": source_draft.pk, "source_proposed": source_proposed.pk,
            "letter_draft": letter_draft.pk, "letter_to_send": letter_to_send.pk, "letter_sent": letter_sent.pk}


def body_of(response) -> str:
    body = b"".join(response.streaming_content) if response.streaming else response.content
    return body.decode("utf-8", errors="replace")


def assert_status(role, case, url, response, want):
    where = f"{role} {case.method} {url}"
    if want in (L, LP):
        if url.startswith("/api/") and want == L:
            assert response.status_code == 401, f"{where}: {response.status_code}, expected 401"
        else:
            location = response.get("Location", "")
            assert response.status_code == 302 and "/inloggen/" in location, f"{where}: {response.status_code} {location}"
    else:
        assert response.status_code == want, f"{where}: {response.status_code}, expected {want}"


@pytest.mark.parametrize("role", ROLES)
def test_route_role_matrix(role, users, ids, client):
    if role != "anonymous":
        client.force_login(users[role])
    index = ROLES.index(role)
    for case in matrix():
        url = case.url(ids)
        before = fingerprint()
        if case.method == "GET":
            response = client.get(url)
        elif case.json:
            response = client.generic(case.method, url, json.dumps(case.data(ids)), content_type="application/json")
        else:
            response = client.post(url, case.data(ids))
        want = case.expected[index]
        assert_status(role, case, url, response, want)
        if case.method != "GET":
            changed = fingerprint() != before
            if want in (L, LP, 401, 403, 404, 405):
                assert not changed, f"{role} {case.method} {url} was refused ({response.status_code}) but wrote"
            elif case.writes:
                assert changed, f"{role} {case.method} {url} answered {response.status_code} but wrote nothing"
        if response.status_code == 200 and role not in MAY_SEE_ANQORE_SECRETS:
            text = body_of(response)
            for secret in [*SECRET, *ids["derived"]]:
                assert secret not in text, f"{secret} reached {role} at {url}"
        if case.route == "logout" and role != "anonymous":
            client.force_login(users[role])  # carry on as the same role


def flat_routes(patterns=None, prefix="", namespace=""):
    for p in patterns if patterns is not None else get_resolver().url_patterns:
        if isinstance(p, URLResolver):
            ns = ":".join(x for x in (namespace, p.namespace) if x)
            yield from flat_routes(p.url_patterns, prefix + str(p.pattern), ns)
        elif isinstance(p, URLPattern):
            yield prefix + str(p.pattern), f"{namespace}:{p.name}" if namespace else p.name


def api_operations(api, prefix):
    schema = api.get_openapi_schema()
    for path, operations in schema["paths"].items():
        for method in operations:
            yield f"{method.upper()} {path}"


def test_every_route_and_api_operation_is_in_the_matrix():
    covered = {case.route for case in matrix()}
    covered_methods = {(case.route, case.method) for case in matrix()}
    missing = []
    for pattern, name in flat_routes():
        if pattern.startswith("admin/"):
            continue
        if name.startswith(("api-1:", "public-api-1:")) and name.split(":")[1] not in ("openapi-json", "openapi-view", "api-root"):
            continue  # API operations are checked per method below
        if name not in covered:
            missing.append(f"{name} ({pattern})")
    for operation in [*api_operations(internal_api, "/api/v1"), *api_operations(public_api, "/api/public/v1")]:
        if operation not in covered:
            missing.append(operation)
    assert not missing, f"routes without a row in the matrix: {missing}"
    # every web route that accepts POST (a view that is not GET-only) is also tried with POST
    for name in ("trajectories:move", "trajectories:upload", "trajectories:review", "finance:project_edit", "finance:business_case_edit",
                 "programme:assumptions", "programme:milestone_edit", "registry:mapping_installation", "registry:mapping_operator", "casefiles:upload", "accounts:two_factor", "login", "logout",
                 "figures:record", "figures:propose", "figures:publish", "figures:propose_document", "figures:publish_document",
                 "trajectories:company_new", "trajectories:company_edit", "trajectories:party_add", "trajectories:party_remove",
                 "trajectories:source", "trajectories:note", "finance:project_new",
                 "programme:milestone_add", "programme:expectations", "programme:project_budget",
                 "reporting:letter_new", "reporting:letter_edit", "reporting:letter_regenerate", "reporting:letter_send"):
        assert (name, "POST") in covered_methods, name


def admin_urls() -> list[str]:
    urls = [reverse("admin:index"), reverse("admin:password_change"), reverse("admin:jsi18n"), reverse("admin:autocomplete"),
            reverse("admin:view_on_site", args=[1, 1])]
    for model in admin.site._registry:
        info = model._meta.app_label, model._meta.model_name
        obj = model._default_manager.order_by("pk").first()
        pk = obj.pk if obj is not None else 1
        urls += [reverse("admin:app_list", args=[info[0]]), reverse("admin:%s_%s_changelist" % info), reverse("admin:%s_%s_add" % info),
                 reverse("admin:%s_%s_change" % info, args=[pk]), reverse("admin:%s_%s_delete" % info, args=[pk]),
                 reverse("admin:%s_%s_history" % info, args=[pk])]
    return urls


@pytest.mark.parametrize("role", ROLES)
def test_every_admin_url_sends_each_role_to_the_admin_login(role, users, ids, client):
    if role != "anonymous":
        client.force_login(users[role])
    for url in admin_urls():
        for method in ("get", "post"):
            before = fingerprint()
            response = getattr(client, method)(url, {"note": "matrix"} if method == "post" else None)
            location = response.get("Location", "")
            assert response.status_code == 302 and re.search(r"/admin/login/", location), f"{role} {method} {url}: {response.status_code}"
            assert fingerprint() == before
    # the admin login itself is reachable, and refuses non-staff credentials
    assert client.get(reverse("admin:login")).status_code in (200, 302)
