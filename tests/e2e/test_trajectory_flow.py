"""A programme-team member refuses and makes a move in the browser, and sees why."""

import pytest
from django.core.management import call_command

from maatwerk.accounts.models import Membership, Role
from maatwerk.trajectories.models import Trajectory

from .conftest import login

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def programme_user(django_user_model):
    call_command("load_demo", stdout=open("/dev/null", "w"))
    user = django_user_model.objects.create_user("e2e-programma", password="a-long-test-password")
    Membership.objects.create(user=user, role=Role.PROGRAMME)
    return user


def test_refused_move_is_explained_then_a_move_through_the_gate(page, client, live_server, programme_user, tmp_path):
    login(page, client, programme_user, live_server.url)
    oci = Trajectory.objects.get(company__name="OCI Nitrogen")

    page.goto("/trajecten/")
    page.get_by_role("link", name="OCI Nitrogen").click()
    assert page.locator("#current-phase").inner_text() == "Expression of Principles getekend"
    checklist = page.locator("#gate-checklist").inner_text()
    assert "Concept-JLoI" in checklist and "(ontbreekt)" in checklist

    # a move the rules refuse: to the AMVI without a concept JLoI and business case
    page.select_option("#overgang-to", "jloi_concept")
    page.fill("#overgang-date", "2026-01-10")
    page.get_by_role("button", name="Overgang vastleggen").click()
    refusal = page.locator("#transition-form-fouten")  # the form's error summary; the form keeps what was typed
    refusal.wait_for()
    text = refusal.inner_text()
    assert "Overgang geweigerd" in text and "concept-JLoI" in text and "niets gewijzigd" in text
    assert page.locator("#overgang-to").input_value() == "jloi_concept" and page.locator("#overgang-date").input_value() == "2026-01-10"
    assert page.locator("#current-phase").inner_text() == "Expression of Principles getekend"

    # a move whose gate holds: withdrawal with its reason
    page.select_option("#overgang-to", "withdrawn")
    page.fill("#overgang-date", "2026-01-10")
    page.fill("#overgang-note", "Het bedrijf stopt met het traject.")
    page.get_by_role("button", name="Overgang vastleggen").click()
    page.locator("#current-phase", has_text="Teruggetrokken").wait_for()
    page.screenshot(path=str(tmp_path / "trajectory.png"), full_page=True)
    oci.refresh_from_db()
    assert oci.phase == "withdrawn"
