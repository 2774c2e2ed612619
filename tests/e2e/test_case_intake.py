"""A programme-team member takes in a new case in the browser (issue 13 point 4): a company with its
trajectory, a source document, and an EoP known only as "by 30 June 2025" passed by a recorded exception.

Screenshots of the new forms at 390 and 1280 px go to ``$E2E_SCREENSHOTS`` (else the test's tmp dir)."""

import os
from pathlib import Path

import pytest

from maatwerk.accounts.models import Membership, Role
from maatwerk.registry.models import Installation, Operator
from maatwerk.trajectories.models import EventKind, Trajectory

from .conftest import fill_new_company, login

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def programme_user(django_user_model):
    operator = Operator.objects.create(name="ALCO ENERGY ROTTERDAM B.V.", country="NL")
    Installation.objects.create(eutl_id="NL-439", name="Alco Energy Rotterdam", country="NL", operator=operator)
    user = django_user_model.objects.create_user("e2e-intake", password="a-long-test-password")
    Membership.objects.create(user=user, role=Role.PROGRAMME)
    return user


def shoot(page, folder: Path, name: str, locator=None):
    """The page (or one element) at phone and desktop width."""
    for width, height in ((390, 844), (1280, 900)):
        page.set_viewport_size({"width": width, "height": height})
        target = page.locator(locator) if locator else page
        target.screenshot(path=str(folder / f"{name}-{width}.png"), **({} if locator else {"full_page": True}))
        overflow = page.evaluate("document.documentElement.scrollWidth > document.documentElement.clientWidth")
        assert not overflow, f"{name} is wider than the screen at {width} px"
    page.set_viewport_size({"width": 1280, "height": 900})


def test_a_new_case_with_a_bounded_eop_through_the_web(page, client, live_server, programme_user, tmp_path):
    folder = Path(os.environ.get("E2E_SCREENSHOTS") or tmp_path)
    folder.mkdir(parents=True, exist_ok=True)
    page.set_viewport_size({"width": 1280, "height": 900})
    login(page, client, programme_user, live_server.url)
    fill_new_company(page, "Toegelaten als uitbreiding (voortgangsbrief maart 2024).")
    shoot(page, folder, "nieuw-bedrijf")
    page.get_by_role("button", name="Bedrijf en traject aanmaken").click()
    page.locator("h1", has_text="Traject Alco Energy Rotterdam").wait_for()
    assert page.locator("#current-phase").inner_text() == "Verkenning"

    page.locator("#bron summary").click()
    page.select_option("#bron-doc_type", "kamerbrief")
    page.fill("#bron-title", "Voortgangsbrief maatwerkaanpak 30 juni 2025")
    page.fill("#bron-date", "2025-06-30")
    page.fill("#bron-reference", "Kamerstuk 29 826 nr. 260")
    page.get_by_label("Openbaar document").check()
    shoot(page, folder, "bron", "#bron")
    page.get_by_role("button", name="Bron toevoegen").click()
    page.locator("#documents", has_text="Voortgangsbrief maatwerkaanpak 30 juni 2025").wait_for()

    page.select_option("#overgang-to", "eop_signed")
    page.fill("#overgang-date", "")
    page.fill("#overgang-not_after", "2025-06-30")
    page.select_option("#overgang-source_document", index=1)
    page.fill("#overgang-note", "EoP getekend; de dag is niet openbaar.")
    page.get_by_label("Poort passeren met een uitzondering").check()
    page.fill("#overgang-exception_reason", "Klimaatplan, investeringsbereidheid en de EoP zelf staan niet in het openbare dossier.")
    page.select_option("#overgang-exception_source", index=1)
    shoot(page, folder, "overgang", "#transition-form")
    page.get_by_role("button", name="Overgang vastleggen").click()
    page.locator("#current-phase", has_text="Expression of Principles getekend").wait_for()

    assert "uiterlijk 30 juni 2025" in page.locator("#phase-since").inner_text()
    exceptions = page.locator("#uitzonderingen + p + ul").inner_text()
    assert "Klimaatplan, investeringsbereidheid" in exceptions and "Voortgangsbrief maatwerkaanpak 30 juni 2025" in exceptions
    shoot(page, folder, "traject")

    t = Trajectory.objects.get(company__name="Alco Energy Rotterdam")
    assert t.phase == "eop_signed" and t.phase_since is None
    assert t.events.filter(kind=EventKind.GATE_EXCEPTION, actor=programme_user).count() == 1
    assert Installation.objects.get(eutl_id="NL-439").effective_company == t.company
