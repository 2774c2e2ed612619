"""Browser tests: Playwright driving Debian's chromium against pytest-django's live server."""

import os
from pathlib import Path

import pytest

CHROMIUM = Path("/usr/bin/chromium")
ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]

# Playwright's sync API runs an event loop in this thread; Django must still be allowed to query.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")


@pytest.fixture(scope="session")
def browser():
    if not CHROMIUM.exists():
        pytest.skip("Debian's chromium (/usr/bin/chromium) is not installed: run `make install` as root")
    playwright = pytest.importorskip("playwright.sync_api", reason="playwright is not installed")
    with playwright.sync_playwright() as p:
        browser = p.chromium.launch(executable_path=str(CHROMIUM), args=ARGS)
        yield browser
        browser.close()


@pytest.fixture
def page(browser, live_server, request):
    # axe-core is injected as a script: a test marked bypass_csp lets the browser ignore our CSP for it
    bypass = request.node.get_closest_marker("bypass_csp") is not None
    context = browser.new_context(base_url=live_server.url, locale="nl-NL", bypass_csp=bypass)
    page = context.new_page()
    page.set_default_timeout(10_000)
    yield page
    context.close()


def login(page, client, user, base_url):
    """Log ``user`` in through Django's test client and hand its session cookie to the browser."""
    client.force_login(user)
    page.context.add_cookies([{"name": "sessionid", "value": client.cookies["sessionid"].value, "url": base_url}])


def fill_new_company(page, reason: str) -> None:
    """From the start page, open "Nieuw bedrijf" and fill in Alco Energy Rotterdam as an extension
    (installation NL-439) with ``reason``; the caller submits."""
    page.goto("/start/")
    page.get_by_role("link", name="Nieuw bedrijf").click()
    page.fill("#bedrijf-name", "Alco Energy Rotterdam")
    page.select_option("#bedrijf-sector", "industry")
    page.fill("#bedrijf-subsector", "bio-ethanol")
    page.fill("#bedrijf-sites", "Europoort")
    page.get_by_label("Zuid-Holland").check()
    page.fill("#bedrijf-installations", "NL-439")
    page.get_by_label("Uitbreiding buiten de top-20").check()
    page.fill("#bedrijf-admission_reason", reason)
