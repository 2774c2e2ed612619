"""Walk the public portal in chromium and check each page with axe-core (WCAG 2.1 AA rules)."""

from pathlib import Path

import pytest
from django.core.management import call_command

pytestmark = [pytest.mark.e2e, pytest.mark.bypass_csp, pytest.mark.django_db(transaction=True)]

AXE = Path(__file__).resolve().parents[2] / "node_modules" / "axe-core" / "axe.min.js"


def serious_violations(page):
    page.add_script_tag(path=str(AXE))
    result = page.evaluate(
        "async () => await axe.run(document, {runOnly: {type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa']}})"
    )
    return [
        f"{v['id']} ({v['impact']}): {v['help']} — {[n['target'] for n in v['nodes']][:3]}"
        for v in result["violations"]
        if v["impact"] in ("serious", "critical")
    ]


def test_portal_walk_passes_axe(page):
    if not AXE.exists():
        pytest.skip("axe-core is not installed (npm ci, run by make install)")
    call_command("load_demo", stdout=open("/dev/null", "w"))
    page.goto("/")
    assert "Maatwerkaanpak verduurzaming industrie" in page.locator("h1").inner_text()
    problems = {"/": serious_violations(page)}
    page.get_by_role("link", name="AnQore").first.click()
    page.locator("h1", has_text="AnQore").wait_for()
    assert "JLoI getekend" in page.content()
    problems[page.url] = serious_violations(page)
    page.get_by_role("link", name="Documenten", exact=True).click()
    page.locator("h1", has_text="Gepubliceerde documenten").wait_for()
    problems[page.url] = serious_violations(page)
    page.get_by_role("link", name="Open data", exact=True).click()
    page.locator("h1", has_text="Open data").wait_for()
    problems[page.url] = serious_violations(page)
    page.goto("/register/")
    problems[page.url] = serious_violations(page)
    assert {url: found for url, found in problems.items() if found} == {}
