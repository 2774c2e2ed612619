"""In the browser: a ranged figure recorded, proposed by one programme-team member and published by another.

The Cijfers page is then checked at 390 px and 1280 px: no horizontal scroll, no WCAG 2.1 A/AA violation
(axe-core), and a screenshot of each in the screenshots folder (``MAATWERK_SCREENSHOTS``) for people to look at.
"""

import datetime as dt
import os
from pathlib import Path

import pytest
from django.test import Client

from maatwerk.accounts.models import Membership, Role
from maatwerk.figures import services
from maatwerk.figures.models import Figure
from maatwerk.registry.models import Company
from maatwerk.trajectories.models import Document, Trajectory

from .conftest import login
from .test_every_page import AXE, axe_violations

pytestmark = [pytest.mark.e2e, pytest.mark.bypass_csp, pytest.mark.django_db(transaction=True)]

SHOTS = Path(os.environ.get("MAATWERK_SCREENSHOTS", Path(__file__).resolve().parents[2] / "var" / "screenshots"))


@pytest.fixture
def case(django_user_model):
    company = Company.objects.create(name="Alco Energy Rotterdam", slug="alco-energy-rotterdam", in_programme=True)
    trajectory = Trajectory.objects.create(company=company)
    jloi = Document.objects.create(
        trajectory=trajectory, doc_type="jloi", title="Joint Letter of Intent Alco Energy Rotterdam", document_date=dt.date(2026, 3, 11),
        confidentiality="public", published=True, published_on=dt.date(2026, 3, 11), status="accepted",
        reference="Kamerstuk 29 826 nr. 266", public_url="https://www.rijksoverheid.nl/",
    )
    users = []
    for name in ("e2e-anna", "e2e-bram"):
        user = django_user_model.objects.create_user(name, password="a-long-test-password")
        Membership.objects.create(user=user, role=Role.PROGRAMME)
        users.append(user)
    return company, jloi, users


def as_user(browser, live_server, user, width=1280):
    context = browser.new_context(base_url=live_server.url, locale="nl-NL", bypass_csp=True, viewport={"width": width, "height": 900})
    page = context.new_page()
    page.set_default_timeout(10_000)
    login(page, Client(), user, live_server.url)
    return context, page


def test_record_propose_publish_with_four_eyes(browser, live_server, case):
    company, jloi, (anna, bram) = case
    url = f"/cijfers/bedrijven/{company.slug}/"

    context, page = as_user(browser, live_server, anna)
    page.goto(url)
    page.get_by_role("link", name="Cijfer vastleggen").click()
    page.select_option("#cijfer-quantity", "co2_reduction_t_per_year")
    page.select_option("#cijfer-qualifier", "range")
    page.fill("#cijfer-low", "263.000")
    page.fill("#cijfer-high", "224.000")  # the wrong way round: refused, with the reason next to the field
    page.fill("#cijfer-year", "2030")
    page.fill("#cijfer-base_period", "2021")
    page.select_option("#cijfer-source", str(jloi.pk))
    page.get_by_role("button", name="Cijfer vastleggen").click()
    page.locator("#cijfer-formulier-fouten").wait_for()
    assert "kleiner dan de ondergrens" in page.locator("#cijfer-high_error").inner_text()
    assert page.locator("#cijfer-low").input_value() == "263.000"  # what was typed is still there
    page.fill("#cijfer-low", "224.000")
    page.fill("#cijfer-high", "263.000")
    page.get_by_role("button", name="Cijfer vastleggen").click()
    page.locator(".figure-current__value", has_text="224–263 kt").wait_for()
    figure = Figure.objects.get()
    assert (figure.low, figure.high, figure.valid_from, figure.state) == (224e3, 263e3, dt.date(2026, 3, 11), "draft")

    page.get_by_role("button", name="Voorstellen voor publicatie").click()
    page.get_by_text("U heeft dit cijfer voorgesteld; een ander lid van het programmateam publiceert het.").wait_for()
    assert page.get_by_role("button", name="Publiceren").count() == 0
    context.close()

    context, page = as_user(browser, live_server, bram)
    page.goto("/")
    page.get_by_role("link", name="Te publiceren").click()
    page.get_by_text("224–263 kt").wait_for()
    page.get_by_role("button", name="Publiceren").click()
    page.get_by_text("Niets te publiceren").wait_for()
    figure.refresh_from_db()
    assert (figure.state, figure.proposed_by, figure.published_by) == ("published", anna, bram)
    context.close()

    # a newer agreement, not yet public: internally it holds, the JLoI's range is struck through as replaced
    binding = Document.objects.create(
        trajectory=jloi.trajectory, doc_type="binding_agreement", title="Bindende maatwerkafspraak Alco Energy Rotterdam",
        document_date=dt.date(2026, 6, 1), date_precision="month", confidentiality="internal", status="accepted",
    )
    services.record_figure(
        company=company, quantity="co2_reduction_t_per_year", low=250e3, high=None, qualifier="at_least", year=2030, base_period="2021",
        source=binding, valid_from=dt.date(2026, 6, 1), confidentiality="public", supersedes=figure, actor=anna,
    )
    services.record_figure(
        company=company, quantity="support_max_eur", low=None, high=105e6, qualifier="at_most", source=jloi,
        valid_from=dt.date(2026, 3, 11), confidentiality="public", actor=anna,
    )
    SHOTS.mkdir(parents=True, exist_ok=True)
    problems = []
    for width in (390, 1280):
        context, page = as_user(browser, live_server, bram, width)
        page.goto(url)
        page.locator(".figure-current__value", has_text="ten minste 250 kt").wait_for()
        assert page.locator(".figure-record--vervangen del", has_text="224–263 kt").count() == 1
        assert "ten hoogste € 105 mln" in page.locator(".figure-series").nth(1).inner_text()
        overflow = page.evaluate("() => document.documentElement.scrollWidth - window.innerWidth")
        if overflow > 1:
            problems.append(f"{width}px: {overflow}px wider than the viewport")
        if AXE.exists():
            problems += [f"{width}px: axe {v}" for v in axe_violations(page)]
        page.screenshot(path=str(SHOTS / f"register-cijfers-{width}.png"), full_page=True)
        context.close()
    assert not problems, problems
