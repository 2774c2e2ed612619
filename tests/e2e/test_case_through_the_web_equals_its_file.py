"""The same case entered through the web by programme-team members gives the same export as its case
file (issue 13, "what must hold"): company and admission, two public sources, an EoP known only as
"by 30 June 2025" passed by a recorded exception, a project, and a ranged figure recorded, proposed
by one member and published by another.

Keys differ by nature (a file names its sources "S1", the web gives none), so both sides are compared
with each source keyed by its title and each project by its name."""

import copy
import json
import re

import pytest
from django.test import Client

from maatwerk.accounts.models import Membership, Role
from maatwerk.casefiles.exporter import export_case, normalise
from maatwerk.casefiles.format import validate
from maatwerk.finance.models import Project
from maatwerk.registry.models import Company, Installation, Operator
from maatwerk.trajectories.models import Document

from .conftest import fill_new_company, login

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

TITLES = ("Voortgangsbrief maatwerkaanpak 30 juni 2025", "Joint Letter of Intent Alco Energy Rotterdam")
EXCEPTION = "Klimaatplan, investeringsbereidheid en de EoP zelf staan niet in het openbare dossier."
CASE = {
    "format": "maatwerk-case/1",
    "company": {
        "name": "Alco Energy Rotterdam", "sector": "industry", "subsector": "bio-ethanol", "sites": "Europoort",
        "provinces": ["Zuid-Holland"], "installations": ["NL-439"],
        "admission": {"kind": "extension", "reason": "Toegelaten als uitbreiding (voortgangsbrief maart 2024)."},
    },
    "sources": {
        "S1": {"kind": "kamerbrief", "title": "Voortgangsbrief maatwerkaanpak 30 juni 2025", "date": "2025-06-30",
               "reference": "Kamerstuk 29 826 nr. 260", "public": True},
        "S2": {"kind": "jloi", "title": "Joint Letter of Intent Alco Energy Rotterdam", "date": "2026-03-11", "public": True},
    },
    "events": [
        {"to_phase": "eop_signed", "date": None, "not_after": "2025-06-30", "source": "S1", "note": "EoP getekend; de dag is niet openbaar.",
         "exception": {"gates": ["climate_plan", "willing_to_invest_in_nl", "eop_document"], "reason": EXCEPTION, "source": "S1"}},
    ],
    "projects": [{
        "key": "eboiler", "name": "E-boiler en procesverduurzaming", "techniques": ["electrification"],
        "figures": [{"quantity": "co2_reduction_t_per_year", "low": 224000, "high": 263000, "qualifier": "range", "year": 2030,
                     "base_year": 2021, "valid_from": "2026-03-11", "source": "S2", "confidentiality": "public", "published": True}],
    }],
}


def keyed_by_title(case: dict) -> dict:
    """``case`` (normalised) with each source keyed by its title and each project by its name."""
    c = copy.deepcopy(case)
    title = {key: s["title"] for key, s in c["sources"].items()}
    c["sources"] = {title[key]: s for key, s in c["sources"].items()}
    if c["company"].get("admission", {}).get("source"):
        c["company"]["admission"]["source"] = title[c["company"]["admission"]["source"]]
    for event in c["events"]:
        for holder in (event, event.get("exception") or {}):
            if holder.get("source"):
                holder["source"] = title[holder["source"]]
    for project in c["projects"]:
        project["key"] = project["name"]
        for figure in project["figures"]:
            figure["source"] = title[figure["source"]]
    c["projects"].sort(key=lambda p: p["key"])
    return c


@pytest.fixture
def members(django_user_model):
    operator = Operator.objects.create(name="ALCO ENERGY ROTTERDAM B.V.", country="NL")
    Installation.objects.create(eutl_id="NL-439", name="Alco Energy Rotterdam", country="NL", operator=operator)
    out = []
    for name in ("e2e-anna", "e2e-bram"):
        user = django_user_model.objects.create_user(name, password="a-long-test-password")
        Membership.objects.create(user=user, role=Role.PROGRAMME)
        out.append(user)
    return out


def as_user(browser, live_server, user):
    context = browser.new_context(base_url=live_server.url, locale="nl-NL", viewport={"width": 1280, "height": 900})
    page = context.new_page()
    page.set_default_timeout(15_000)
    login(page, Client(), user, live_server.url)
    return context, page


def button(page, action: str, what: str):
    """The button of ``action`` for one figure or document (its name ends in ": <what>…", visually hidden)."""
    return page.get_by_role("button", name=re.compile(rf"^{action}\s*: {re.escape(what)}"))


def doc(title: str) -> str:
    """The option value of a source document in a select (its pk)."""
    return str(Document.objects.get(title=title).pk)


def add_source(page, kind, title, date, reference=""):
    page.locator("#bron summary").click()
    page.select_option("#bron-doc_type", kind)
    page.fill("#bron-title", title)
    page.fill("#bron-date", date)
    if reference:
        page.fill("#bron-reference", reference)
    page.get_by_label("Openbaar document").check()
    page.get_by_role("button", name="Bron toevoegen").click()
    page.locator("#documents", has_text=title).wait_for()


def test_the_case_entered_in_the_browser_exports_as_its_case_file(browser, live_server, members):
    validate(json.loads(json.dumps(CASE)))  # the expectation itself is a valid case file
    anna, bram = members
    context, page = as_user(browser, live_server, anna)
    fill_new_company(page, CASE["company"]["admission"]["reason"])
    page.get_by_role("button", name="Bedrijf en traject aanmaken").click()
    page.locator("h1", has_text="Traject Alco Energy Rotterdam").wait_for()

    add_source(page, "kamerbrief", "Voortgangsbrief maatwerkaanpak 30 juni 2025", "2025-06-30", "Kamerstuk 29 826 nr. 260")
    add_source(page, "jloi", "Joint Letter of Intent Alco Energy Rotterdam", "2026-03-11")

    page.select_option("#overgang-to", "eop_signed")
    page.fill("#overgang-date", "")
    page.fill("#overgang-not_after", "2025-06-30")
    page.select_option("#overgang-source_document", doc("Voortgangsbrief maatwerkaanpak 30 juni 2025"))
    page.fill("#overgang-note", "EoP getekend; de dag is niet openbaar.")
    page.get_by_label("Poort passeren met een uitzondering").check()
    page.fill("#overgang-exception_reason", EXCEPTION)
    page.select_option("#overgang-exception_source", doc("Voortgangsbrief maatwerkaanpak 30 juni 2025"))
    page.get_by_role("button", name="Overgang vastleggen").click()
    page.locator("#current-phase", has_text="Expression of Principles getekend").wait_for()

    page.locator("#project-nieuw").click()
    page.fill("#project-name", "E-boiler en procesverduurzaming")
    page.get_by_label("Elektrificatie").check()
    page.get_by_role("button", name="Project aanmaken").click()
    page.locator("h1", has_text="E-boiler en procesverduurzaming").wait_for()

    company = Company.objects.get(name="Alco Energy Rotterdam")
    page.goto(f"/cijfers/bedrijven/{company.slug}/")
    page.get_by_role("link", name="Cijfer vastleggen").click()
    page.select_option("#cijfer-quantity", "co2_reduction_t_per_year")
    page.select_option("#cijfer-project", str(Project.objects.get(name="E-boiler en procesverduurzaming").pk))
    page.select_option("#cijfer-qualifier", "range")
    page.fill("#cijfer-low", "224.000")
    page.fill("#cijfer-high", "263.000")
    page.fill("#cijfer-year", "2030")
    page.fill("#cijfer-base_period", "2021")
    page.select_option("#cijfer-source", doc("Joint Letter of Intent Alco Energy Rotterdam"))
    page.get_by_role("button", name="Cijfer vastleggen").click()
    # the figure and its two public sources go to the queue; another member publishes them (four eyes)
    for what in ("CO2-reductie", *TITLES):
        button(page, "Voorstellen voor publicatie", what).click()
        button(page, "Voorstellen voor publicatie", what).wait_for(state="detached")
    context.close()

    context, page = as_user(browser, live_server, bram)
    page.goto("/cijfers/te-publiceren/")
    for title in TITLES:  # a figure is published only once its source is public
        button(page, "Publiceren", title).click()
        button(page, "Publiceren", title).wait_for(state="detached")
    button(page, "Publiceren", "CO2-reductie").click()
    page.get_by_text("Niets te publiceren").wait_for()
    context.close()

    exported = export_case(Company.objects.get(name="Alco Energy Rotterdam"))
    assert keyed_by_title(normalise(exported)) == keyed_by_title(normalise(CASE))
